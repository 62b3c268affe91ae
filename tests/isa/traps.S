/*
 * Synchronous exceptions taken in M mode (Priv 20211203 3.1.6.1, 3.1.14-
 * 3.1.16, 3.3.1, 3.6): mcause of ecall from M, S and U; mepc the address
 * of the trapping instruction; mtval 0 for ecall, the pc for ebreak, the
 * instruction's bits for an illegal instruction (16-bit ones zero-
 * extended), the address for access faults; mstatus.MPP/MPIE/MIE on trap
 * entry and mret; the trapping instruction writes nothing and the ones
 * before it in the same block do; a vectored mtvec sends exceptions to
 * its base.  A misaligned jump target cannot be tested: virt has C, so
 * every even target is aligned (jalr clears bit 0, branch-jump.S).
 */
#include "test.h"

/* An address in no device and no RAM of the virt board. */
#define HOLE 0x88000000

TEST_BEGIN
    /* ecall from M: cause 11, mepc = the ecall, mtval = 0 */
    li s10, -1
    EXPECT_TRAP(1f)
2:  ecall
1:  CHECK(1, s8, CAUSE_ECALL_M)
    la a0, 2b
    sub a0, s9, a0
    CHECK(2, a0, 0)
    CHECK(3, s10, 0)
    CHECK(4, s7, PRV_M)
    /* MPP = M: the trap came from M */
    srli a0, s11, 11
    andi a0, a0, 3
    CHECK(5, a0, PRV_M)

    /*
     * ebreak: cause 3, mepc and mtval = its address.  (QEMU 7.2 leaves
     * mtval 0, which the spec also permits; later QEMU writes the pc.)
     */
    EXPECT_TRAP(1f)
    .option push
    .option norvc
2:  ebreak
    .option pop
1:  CHECK(6, s8, CAUSE_BREAKPOINT)
    la a0, 2b
    sub a1, s9, a0
    CHECK(7, a1, 0)
    sub a1, s10, a0
    CHECK(8, a1, 0)

    /* Illegal instructions: mtval = the instruction */
    EXPECT_TRAP(1f)
2:  .word 0x0000000b                /* custom-0: not implemented */
1:  CHECK(9, s8, CAUSE_ILLEGAL)
    CHECK(10, s10, 0x0000000b)
    la a0, 2b
    sub a0, s9, a0
    CHECK(11, a0, 0)
    /* A 32-bit one at a pc that is 2 mod 4 */
    EXPECT_TRAP(1f)
    c.nop
2:  .word 0xfff0f00b
1:  CHECK(12, s8, CAUSE_ILLEGAL)
    CHECK(13, s10, 0xfff0f00b)
    la a0, 2b
    sub a0, s9, a0
    CHECK(14, a0, 0)
    /* A 16-bit one: zero-extended */
    EXPECT_TRAP(1f)
    .hword 0x0000
1:  CHECK(15, s8, CAUSE_ILLEGAL)
    CHECK(16, s10, 0)

    /* Precise: the instructions before the trap ran, the trapping one not */
    li a0, 0
    li a1, 0
    li a2, 0
    EXPECT_TRAP(1f)
    li a0, 1
    li a1, 2
    csrr a2, 0x7c0                  /* does not exist: illegal */
    li a2, 3
1:  CHECK(17, a0, 1)
    CHECK(18, a1, 2)
    CHECK(19, a2, 0)

    /* Access faults: fetch, load and store outside any memory */
    li a0, HOLE
    EXPECT_TRAP(1f)
    jr a0
1:  CHECK(20, s8, CAUSE_FETCH_ACCESS)
    CHECK(21, s9, HOLE)
    CHECK(22, s10, HOLE)
    li a1, 0x77
    EXPECT_TRAP(1f)
2:  lw a1, 4(a0)
1:  CHECK(23, s8, CAUSE_LOAD_ACCESS)
    CHECK(24, s10, HOLE + 4)
    CHECK(25, a1, 0x77)
    la a2, 2b
    sub a2, s9, a2
    CHECK(26, a2, 0)
    EXPECT_TRAP(1f)
    sw a1, 8(a0)
1:  CHECK(27, s8, CAUSE_STORE_ACCESS)
    CHECK(28, s10, HOLE + 8)
    /* A load into x0 still accesses memory, and faults */
    EXPECT_TRAP(1f)
    lw x0, 12(a0)
1:  CHECK(47, s8, CAUSE_LOAD_ACCESS)
    CHECK(48, s10, HOLE + 12)

    /*
     * A 4-byte instruction whose second half is past the end of RAM: the
     * fetch fault's mepc is the instruction, its mtval the missing half
     * (Priv 3.1.16).  RAM ends at 0x88000000 (the default 128 MiB).
     * (QEMU 7.2 aborts on an assertion here.)
     */
    li a0, HOLE - 2
    li a1, 0x0513                   /* first half of addi a0, zero, ... */
    sh a1, 0(a0)
    fence.i
    EXPECT_TRAP(1f)
    jr a0
1:  CHECK(42, s8, CAUSE_FETCH_ACCESS)
    CHECK(43, s9, HOLE - 2)
    CHECK(44, s10, HOLE)

#if __riscv_xlen == 64
    /*
     * Below M mode with satp = Bare an address is physical as it is: one
     * above 2^38 is no page fault (that rule is Sv39's) but an access
     * fault, there being nothing there.
     */
    li a1, 0x4000000000
    GOTO_U(1f)
1:  EXPECT_TRAP(1f)
    lw a0, 0(a1)
1:  CHECK(45, s8, CAUSE_LOAD_ACCESS)
    CHECK(46, s10, 0x4000000000)
#endif

    /* ecall from S: cause 9; from U: cause 8; MPP tells where from */
    GOTO_S(1f)
1:  EXPECT_TRAP(1f)
2:  ecall
1:  CHECK(29, s8, CAUSE_ECALL_S)
    srli a0, s11, 11
    andi a0, a0, 3
    CHECK(30, a0, PRV_S)
    la a0, 2b
    sub a0, s9, a0
    CHECK(31, a0, 0)
    GOTO_U(1f)
1:  EXPECT_TRAP(1f)
    ecall
1:  CHECK(32, s8, CAUSE_ECALL_U)
    srli a0, s11, 11
    andi a0, a0, 3
    CHECK(33, a0, PRV_U)
    CHECK(34, s7, PRV_M)
    /* An illegal instruction in U mode traps to M with its bits */
    GOTO_U(1f)
1:  EXPECT_TRAP(1f)
    .word 0x0000000b
1:  CHECK(35, s8, CAUSE_ILLEGAL)
    CHECK(36, s10, 0x0000000b)

    /*
     * mret: MIE = MPIE, MPIE = 1, privilege = MPP, MPP = U (3.1.6.1).
     * Trap entry: MPIE = MIE, MIE = 0, MPP = the mode trapped from.
     */
    li a0, MSTATUS_MIE
    csrc mstatus, a0
    li a0, MSTATUS_MPIE
    csrs mstatus, a0
    SET_MPP(PRV_M)
    la a0, 1f
    csrw mepc, a0
    mret
1:  csrr a0, mstatus
    andi a1, a0, MSTATUS_MIE | MSTATUS_MPIE
    CHECK(37, a1, MSTATUS_MIE | MSTATUS_MPIE)
    srli a1, a0, 11
    andi a1, a1, 3
    CHECK(38, a1, PRV_U)
    /* Trap with MIE = 1 (no interrupt is enabled in mie) */
    EXPECT_TRAP(1f)
    ecall
1:  andi a1, s11, MSTATUS_MIE | MSTATUS_MPIE
    CHECK(39, a1, MSTATUS_MPIE)
    /* mret with MPIE = 0 */
    li a0, MSTATUS_MPIE
    csrc mstatus, a0
    li a0, MSTATUS_MIE
    csrs mstatus, a0
    SET_MPP(PRV_M)
    la a0, 1f
    csrw mepc, a0
    mret
1:  csrr a0, mstatus
    andi a1, a0, MSTATUS_MIE | MSTATUS_MPIE
    CHECK(40, a1, MSTATUS_MPIE)

    /* A vectored mtvec: exceptions still go to the base (3.1.7) */
    la a0, vec_base
    ori a0, a0, 1
    csrw mtvec, a0
    li a0, 0
    ecall
    CHECK(41, a0, 0x5a)
    SET_MTVEC(test_trap_m)
TEST_END

    .section .text
    .align 6
vec_base:
    li a0, 0x5a
    csrr t6, mepc
    addi t6, t6, 4
    csrw mepc, t6
    mret
