/*
 * The C extension (Unpriv 20191213 chapter 16): every compressed
 * instruction of RV32C and RV64C, including the F/D loads and stores,
 * executed and its result checked: immediates at their extremes (sign
 * extension of c.li, c.addi, c.andi, c.lui; scaling of the load/store
 * offsets, c.addi4spn and c.addi16sp), links of c.jal and c.jalr (pc + 2),
 * and reserved encodings, which raise an illegal-instruction exception
 * whose mtval is the 16-bit instruction (Priv 3.1.16).  Every mnemonic is
 * spelled with its c. prefix so the assembler cannot pick a 32-bit form.
 */
#include "test.h"

/* Check N: a0 = 1 if OP a1 branches, a1 = V. */
#define TEST_CBR(n, op, v, taken)                                       \
    TEST_CASE(n, a0, taken, li a0, 0; li a1, v; op a1, 1f; j 2f;       \
              1: li a0, 1; 2: )

    .section .data
    .balign 16
cdata:
    .dword 0x8877665544332211, 0x00ff00ff80000001
    .dword 0x0123456789abcdef, 0xfedcba9876543210
    .space 1024

TEST_BEGIN
    li t0, MSTATUS_FS
    csrs mstatus, t0
    la s0, cdata
    mv sp, s0

    /* Constants and register-immediate forms */
    TEST_CASE(1, a0, 31, c.li a0, 31)
    TEST_CASE(2, a0, -32, c.li a0, -32)
    TEST_CASE(3, a0, 7 - 32, li a0, 7; c.addi a0, -32)
    TEST_CASE(4, a0, 7 + 31, li a0, 7; c.addi a0, 31)
    TEST_CASE(5, a0, 0x1f000, c.lui a0, 0x1f)
    TEST_CASE(6, a0, -0x1f000, c.lui a0, 0xfffe1)
    TEST_CASE(7, a0, 0x1000, c.lui a0, 1)
    TEST_CASE(8, a0, 0xf0f0 & -32, li a0, 0xf0f0; c.andi a0, -32)
    TEST_CASE(9, a0, 0xf0f0 & 0x1f, li a0, 0xf0f0; c.andi a0, 0x1f)
    TEST_CASE(10, a0, 0x00f0, li a0, 0xf000; c.srli a0, 8)
    TEST_CASE(11, a0, 1, li a0, -1; c.srli a0, XLEN - 1)
    TEST_CASE(12, a0, -16, li a0, -256; c.srai a0, 4)
    TEST_CASE(13, a0, -1, li a0, XLEN_SEL(0x8000000000000000, 0x80000000);
              c.srai a0, XLEN - 1)
    TEST_CASE(14, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a0, 1; c.slli a0, XLEN - 1)
    TEST_CASE(15, a0, 0x150, li a0, 0x15; c.slli a0, 4)
    /* c.nop does nothing */
    TEST_CASE(16, a0, 5, li a0, 5; c.nop)

    /* Register-register forms */
    TEST_CASE(17, a0, 0x1234, li a1, 0x1234; li a0, 0; c.mv a0, a1)
    TEST_CASE(18, a0, 0x1239, li a1, 0x1234; li a0, 5; c.add a0, a1)
    TEST_CASE(19, a0, 5 - 0x1234, li a1, 0x1234; li a0, 5; c.sub a0, a1)
    TEST_CASE(20, a0, 0xf0f ^ 0x0ff, li a1, 0x0ff; li a0, 0xf0f; c.xor a0, a1)
    TEST_CASE(21, a0, 0xfff, li a1, 0x0ff; li a0, 0xf0f; c.or a0, a1)
    TEST_CASE(22, a0, 0x00f, li a1, 0x0ff; li a0, 0xf0f; c.and a0, a1)

    /* Stack-pointer forms */
    TEST_CASE(23, a0, 4, li a0, 0; c.addi4spn a0, sp, 4; sub a0, a0, sp)
    TEST_CASE(24, a0, 1020, c.addi4spn a0, sp, 1020; sub a0, a0, sp)
    TEST_CASE(25, a0, 496, mv a1, sp; c.addi16sp sp, 496; sub a0, sp, a1;
              mv sp, a1)
    TEST_CASE(26, a0, -512, mv a1, sp; c.addi16sp sp, -512; sub a0, sp, a1;
              mv sp, a1)
    TEST_CASE(27, a0, 0x44332211, c.lwsp a0, 0(sp))
    TEST_CASE(28, a0, XLEN_SEL(0xffffffff80000001, 0x80000001),
              c.lwsp a0, 8(sp))
    TEST_CASE(29, a0, 0x5a5a5a5a, li a1, 0x5a5a5a5a; c.swsp a1, 252(sp);
              lw a0, 252(sp))
    TEST_CASE(30, a0, 0x5a5a5a5a, c.lwsp a0, 252(sp))

    /* Register-based loads and stores (x8-x15) */
    TEST_CASE(31, a0, 0x44332211, c.lw a0, 0(s0))
    TEST_CASE(32, a0, XLEN_SEL(0xffffffff88776655, 0x88776655), c.lw a0, 4(s0))
    TEST_CASE(33, a0, 0x13572468, li a1, 0x13572468; c.sw a1, 124(s0);
              lw a0, 124(s0))
    TEST_CASE(34, a0, 0x13572468, c.lw a0, 124(s0))

    /* Branches and jumps */
    TEST_CBR(35, c.beqz, 0, 1)
    TEST_CBR(36, c.beqz, 3, 0)
    TEST_CBR(37, c.bnez, -1, 1)
    TEST_CBR(38, c.bnez, 0, 0)
    /* A backward c.bnez: a loop */
    TEST_CASE(39, a0, 15, li a0, 0; li a1, 5;
              1: addi a0, a0, 3; addi a1, a1, -1;
              c.bnez a1, 1b)
    TEST_CASE(40, a0, 9, li a0, 9; c.j 1f; li a0, 0; 1: )

    /* c.jr: no link; c.jalr: ra = pc + 2 */
    TEST_CASE(41, a0, 4, li a0, 4; la a1, 1f; c.jr a1; li a0, 0; 1: )
    li gp, 42
    la a1, 1f
    c.jalr a1
2:  j test_fail
1:  la a2, 2b
    sub a0, ra, a2
    CHECK(42, a0, 0)
    /* c.jalr with rs1 = ra: the target is the old ra */
    li gp, 43
    la ra, 1f
    c.jalr ra
2:  j test_fail
1:  la a2, 2b
    sub a0, ra, a2
    CHECK(43, a0, 0)

    /*
     * c.ebreak: breakpoint, mepc and mtval = its address (Priv 3.1.16).
     * QEMU 7.2 leaves mtval 0, which the spec also permits; kiln, like
     * later QEMU releases, writes the address.
     */
    li gp, 44
    EXPECT_TRAP_SKIP
2:  c.ebreak
    CHECK(44, s8, CAUSE_BREAKPOINT)
    la a0, 2b
    sub a0, s9, a0
    CHECK(45, a0, 0)
    la a0, 2b
    sub a0, s10, a0
    CHECK(46, a0, 0)

    /* FP loads and stores move bits unchanged */
    TEST_CASE(47, a0, 0x44332211, c.fld fs0, 0(s0); c.fsd fs0, 16(s0);
              lw a0, 16(s0))
    TEST_CASE(48, a0, XLEN_SEL(0xffffffff88776655, 0x88776655), lw a0, 20(s0))
    TEST_CASE(49, a0, 0x44332211, c.fldsp fs1, 0(sp); c.fsdsp fs1, 504(sp);
              lw a0, 504(sp))
    TEST_CASE(50, a0, XLEN_SEL(0xffffffff88776655, 0x88776655), lw a0, 508(sp))

#if __riscv_xlen == 64
    /* RV64C */
    TEST_CASE(51, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
    TEST_CASE(52, a0, 0xffffffff89abcdef, li a0, 0x0123456789abcdef;
              c.addiw a0, 0)
    TEST_CASE(53, a0, 0x7fffffff, li a1, 1; li a0, 0x80000000; c.subw a0, a1)
    TEST_CASE(54, a0, 0xffffffff80000000, li a1, 1; li a0, 0x7fffffff;
              c.addw a0, a1)
    TEST_CASE(55, a0, 0x8877665544332211, c.ld a0, 0(s0))
    TEST_CASE(56, a0, 0x0102030405060708, li a1, 0x0102030405060708;
              c.sd a1, 248(s0); ld a0, 248(s0))
    TEST_CASE(57, a0, 0x0102030405060708, c.ld a0, 248(s0))
    TEST_CASE(58, a0, 0x00ff00ff80000001, c.ldsp a0, 8(sp))
    TEST_CASE(59, a0, 0x1122334455667788, li a1, 0x1122334455667788;
              c.sdsp a1, 504(sp); ld a0, 504(sp))
    TEST_CASE(60, a0, 0x1122334455667788, c.ldsp a0, 504(sp))
    TEST_CASE(61, a0, 0x100000000, li a0, 1; c.slli a0, 32)
    TEST_CASE(62, a0, 1, li a0, 0x8000000000000000; c.srli a0, 63)
    TEST_CASE(63, a0, 0xffffffff80000000, li a0, 0x8000000000000000;
              c.srai a0, 32)
    /* rd = 0 is reserved for c.addiw (16.5) */
    EXPECT_TRAP_SKIP
    .hword 0x2005                   /* c.addiw x0, 1 */
    CHECK(64, s8, CAUSE_ILLEGAL)
    CHECK(65, s10, 0x2005)
    /* ... and for c.ldsp */
    EXPECT_TRAP_SKIP
    .hword 0x6002                   /* c.ldsp x0, 0(sp) */
    CHECK(66, s8, CAUSE_ILLEGAL)
#else
    /* RV32C */
    li gp, 51
    la a1, 1f
    c.jal 1f
2:  j test_fail
1:  la a2, 2b
    sub a0, ra, a2
    CHECK(51, a0, 0)
    TEST_CASE(52, a0, 0x44332211, c.flw fs0, 0(s0); c.fsw fs0, 32(s0);
              lw a0, 32(s0))
    TEST_CASE(53, a0, 0x88776655, c.flwsp fs1, 4(sp); c.fswsp fs1, 252(sp);
              lw a0, 252(sp))
    /* shamt[5] = 1 is reserved on RV32 (16.5) */
    EXPECT_TRAP_SKIP
    .hword 0x1502                   /* c.slli a0, 32 */
    CHECK(54, s8, CAUSE_ILLEGAL)
    CHECK(55, s10, 0x1502)
#endif

    /*
     * HINTs (16.7): encodings with rd = x0, a zero shift amount or a zero
     * immediate run as no-ops, they are not illegal.
     */
    li a0, 0x1234
    li a1, 0x55
    li s0, 0x66
    .hword 0x4015                   /* c.li x0, 5 */
    .hword 0x0005                   /* c.addi x0, 1 (c.nop, imm != 0) */
    .hword 0x6005                   /* c.lui x0, 1 */
    .hword 0x802e                   /* c.mv x0, a1 */
    .hword 0x902e                   /* c.add x0, a1 */
    .hword 0x0006                   /* c.slli x0, 1 */
    .hword 0x0502                   /* c.slli a0, 0 */
    .hword 0x8001                   /* c.srli s0, 0 */
    .hword 0x0501                   /* c.addi a0, 0 */
    CHECK(80, a0, 0x1234)
    CHECK(81, s0, 0x66)
    CHECK(82, x0, 0)
    la s0, cdata

    /* Reserved encodings: illegal, mtval = the 16 bits */
    EXPECT_TRAP_SKIP
    .hword 0x0000                   /* all zeros: defined illegal */
    CHECK(70, s8, CAUSE_ILLEGAL)
    CHECK(71, s10, 0)
    EXPECT_TRAP_SKIP
    .hword 0x0008                   /* c.addi4spn a0, sp, 0 */
    CHECK(72, s8, CAUSE_ILLEGAL)
    CHECK(73, s10, 0x0008)
    EXPECT_TRAP_SKIP
    .hword 0x4002                   /* c.lwsp x0, 0(sp) */
    CHECK(74, s8, CAUSE_ILLEGAL)
    CHECK(75, s10, 0x4002)
    EXPECT_TRAP_SKIP
    .hword 0x8002                   /* c.jr x0 */
    CHECK(76, s8, CAUSE_ILLEGAL)
    EXPECT_TRAP_SKIP
    .hword 0x6501                   /* c.lui a0, 0 */
    CHECK(77, s8, CAUSE_ILLEGAL)
    EXPECT_TRAP_SKIP
    .hword 0x6101                   /* c.addi16sp sp, 0 */
    CHECK(78, s8, CAUSE_ILLEGAL)
    CHECK(79, s10, 0x6101)
TEST_END
