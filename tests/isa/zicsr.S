/*
 * Zicsr (Unpriv 20191213 chapter 9) and the CSR access rules of Priv
 * 20211203 2.1 and 2.4: csrrw/csrrs/csrrc and their immediate forms
 * return the old value and write the new one; csrrs/csrrc with rs1 = x0
 * (or a zero immediate) do not write at all, so they may read a
 * read-only CSR, while any other form that would write it, even a write
 * of zero, raises an illegal-instruction exception; a CSR that does not
 * exist, or one above the current privilege, is illegal too; in every
 * case mtval holds the instruction's bits (Priv 3.1.16).  Also WARL
 * fields of a few M-mode CSRs and the sstatus/sie/sip views.
 */
#include "test.h"

/* Check N: CODE raises an illegal-instruction exception with mtval INSN. */
#define TEST_ILLEGAL(n, m, insn)                                        \
    EXPECT_TRAP(19990f);                                                \
    .word insn;                                                         \
19990:                                                                  \
    CHECK(n, s8, CAUSE_ILLEGAL);                                        \
    CHECK(m, s10, insn)

TEST_BEGIN
    /* csrrw: old value out, new value in */
    li a1, XLEN_SEL(0x0123456789abcdef, 0x89abcdef)
    csrw mscratch, a1
    TEST_CASE(1, a0, XLEN_SEL(0x0123456789abcdef, 0x89abcdef),
              li a2, -1; csrrw a0, mscratch, a2)
    TEST_CASE(2, a0, -1, csrr a0, mscratch)
    /* rd = rs1: a swap */
    TEST_CASE(3, a0, -1, li a0, 0x55; csrrw a0, mscratch, a0)
    TEST_CASE(4, a0, 0x55, csrr a0, mscratch)
    /* rd = x0: writes, x0 stays 0 */
    TEST_CASE(5, a0, 0x66, li a1, 0x66; csrrw x0, mscratch, a1;
              csrr a0, mscratch)

    /* csrrs / csrrc */
    li a1, 0xf0
    csrw mscratch, a1
    TEST_CASE(6, a0, 0xf0, li a2, 0x0f; csrrs a0, mscratch, a2)
    TEST_CASE(7, a0, 0xff, csrr a0, mscratch)
    TEST_CASE(8, a0, 0xff, li a2, 0x3c; csrrc a0, mscratch, a2)
    TEST_CASE(9, a0, 0xc3, csrr a0, mscratch)
    /* rs1 = x0 reads without writing */
    TEST_CASE(10, a0, 0xc3, csrrs a0, mscratch, x0; csrrc a0, mscratch, x0)

    /* The immediate forms: a 5-bit zero-extended immediate */
    TEST_CASE(11, a0, 0xc3, csrrwi a0, mscratch, 31)
    TEST_CASE(12, a0, 31, csrr a0, mscratch)
    TEST_CASE(13, a0, 31, csrrci a0, mscratch, 0x11)
    TEST_CASE(14, a0, 0x0e, csrr a0, mscratch)
    TEST_CASE(15, a0, 0x0e, csrrsi a0, mscratch, 0x10)
    TEST_CASE(16, a0, 0x1e, csrr a0, mscratch)
    TEST_CASE(17, a0, 0x1e, csrrsi a0, mscratch, 0; csrrci a0, mscratch, 0)

    /*
     * Read-only CSRs (number bits 11:10 = 3): reading is fine, and so are
     * csrrs/csrrc with rs1 = x0 or a zero immediate; any write is illegal.
     */
    TEST_CASE(18, a0, 0, li a0, 5; csrr a0, mhartid)
    TEST_CASE(19, a0, 0, li a0, 5; csrrs a0, mvendorid, x0)
    TEST_CASE(20, a0, 0, li a0, 5; csrrci a0, mhartid, 0)
    TEST_ILLEGAL(21, 22, 0xf1459073)        /* csrw mhartid, a1 */
    /*
     * csrrs/csrrc with an rs1 other than x0 write, even a zero value
     * (Unpriv 9.1: they "attempt to write the unmodified value back").
     * QEMU 7.2 decides by the value and does not trap here: a QEMU bug.
     */
    li a1, 0
    TEST_ILLEGAL(23, 24, 0xf115b573)        /* csrrc a0, mvendorid, a1 */
    TEST_ILLEGAL(25, 26, 0xf145a573)        /* csrrs a0, mhartid, a1 */
    TEST_ILLEGAL(27, 28, 0xf140e573)        /* csrrsi a0, mhartid, 1 */
    TEST_ILLEGAL(29, 30, 0xc0059073)        /* csrw cycle, a1 */
    TEST_ILLEGAL(31, 32, 0xc0105073)        /* csrwi time, 0 */
    /* The destination of a faulting CSR instruction is not written */
    TEST_CASE(33, a0, 0x77, li a0, 0x77; EXPECT_TRAP(1f);
              csrrw a0, mhartid, x0; 1: )

    /* CSRs that do not exist */
    TEST_ILLEGAL(34, 35, 0x7c002573)        /* csrr a0, 0x7c0 */
    TEST_ILLEGAL(36, 37, 0xfc002573)        /* csrr a0, 0xfc0 */
    TEST_ILLEGAL(38, 39, 0x80059073)        /* csrw 0x800, a1 */

    /* misa: MXL and the extensions of the virt hart (imafdc + S, U) */
    TEST_CASE(40, a0, XLEN_SEL(0x800000000014112d, 0x4014112d), csrr a0, misa)
    /* mepc bit 0 is always zero with C (Priv 3.1.14) */
    TEST_CASE(41, a0, 0x80001234, li a1, 0x80001235; csrw mepc, a1;
              csrr a0, mepc)
    /* mtvec: modes 2 and 3 are reserved; direct and vectored are kept */
    la a2, test_trap_m
    TEST_CASE(42, a0, 1, li a1, 0x80000101; csrw mtvec, a1; csrr a0, mtvec;
              andi a0, a0, 3)
    TEST_CASE(60, a0, 0, li a1, 0x80000102; csrw mtvec, a1; csrr a0, mtvec;
              andi a0, a0, 3; addi a0, a0, -2; seqz a0, a0)
    csrw mtvec, a2
    /* mstatus.MPP is WARL: 2 (reserved) does not read back */
    li a1, MSTATUS_MPP
    csrc mstatus, a1
    li a1, 2 << 11
    csrs mstatus, a1
    TEST_CASE(43, a0, 0, csrr a0, mstatus; srli a0, a0, 11; andi a0, a0, 3;
              addi a0, a0, -2; seqz a0, a0)

#if __riscv_xlen == 64
    /* UXL and SXL are read-only 2 here: XLEN 64 in U and S (3.1.6.2) */
    TEST_CASE(61, a0, 0xa, csrr a0, mstatus; srli a0, a0, 32; andi a0, a0, 0xf)
    TEST_CASE(62, a0, 0xa, li a1, 0xf << 32; csrc mstatus, a1; csrr a0, mstatus;
              srli a0, a0, 32; andi a0, a0, 0xf)
    TEST_CASE(63, a0, 2, csrr a0, sstatus; srli a0, a0, 32; andi a0, a0, 0xf)
#endif

    /* sstatus shows S fields of mstatus and hides M ones */
    li a1, MSTATUS_MIE | MSTATUS_SUM
    csrs mstatus, a1
    TEST_CASE(44, a0, MSTATUS_SUM, csrr a0, sstatus;
              li a1, MSTATUS_MIE | MSTATUS_SUM; and a0, a0, a1)
    TEST_CASE(45, a0, MSTATUS_MXR, li a1, MSTATUS_MXR | MSTATUS_MIE;
              csrc mstatus, a1; li a1, MSTATUS_MXR; csrw sstatus, a1;
              csrr a0, mstatus; li a1, MSTATUS_MXR | MSTATUS_SUM;
              and a0, a0, a1)
    csrw sstatus, x0
    /* sie and sip are mie and mip masked by mideleg (Priv 4.1.3) */
    li a1, MIP_SSIP | MIP_STIP | MIP_MTIP
    csrw mie, a1
    TEST_CASE(46, a0, 0, csrr a0, sie)
    li a1, MIP_SSIP
    csrw mideleg, a1
    TEST_CASE(47, a0, MIP_SSIP, csrr a0, sie)
    TEST_CASE(48, a0, MIP_STIP | MIP_MTIP, csrw sie, x0; csrr a0, mie)
    TEST_CASE(49, a0, MIP_SSIP | MIP_STIP | MIP_MTIP, li a1, -1; csrw sie, a1;
              csrr a0, mie)
    csrw mie, x0
    TEST_CASE(50, a0, MIP_SSIP, csrsi sip, MIP_SSIP; csrr a0, mip;
              andi a0, a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
    TEST_CASE(51, a0, MIP_SSIP, csrr a0, sip)
    csrw mip, x0
    csrw mideleg, x0

    /* mie: the six standard interrupt enables are writable */
    TEST_CASE(64, a0, 0xaaa, li a1, -1; csrw mie, a1; csrr a0, mie;
              li a1, 0xaaa; and a0, a0, a1)
    csrw mie, x0
    /* mip.MTIP and MSIP come from the CLINT: writes do not set them */
    TEST_CASE(65, a0, 0, csrr a2, mip; li a1, MIP_MTIP | MIP_MSIP;
              csrs mip, a1; csrr a0, mip; xor a0, a0, a2; and a0, a0, a1)

    /* Privilege: an M-mode CSR from U mode, an S-mode one from U */
    GOTO_U(1f)
1:  TEST_ILLEGAL(52, 53, 0x34002573)        /* csrr a0, mscratch */
    GOTO_U(1f)
1:  TEST_ILLEGAL(54, 55, 0x14002573)        /* csrr a0, sscratch */
    /* ... and an M-mode one from S mode; an S-mode one is fine there */
    GOTO_S(1f)
1:  TEST_ILLEGAL(56, 57, 0x30002573)        /* csrr a0, mstatus */
    GOTO_S(1f)
1:  li a1, 0x99
    csrw sscratch, a1
    csrr a0, sscratch
    RETURN_TO_M(1f)
1:  CHECK(58, a0, 0x99)
    CHECK(59, s8, CAUSE_ECALL_S)
TEST_END
