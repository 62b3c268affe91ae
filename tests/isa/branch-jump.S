/*
 * Conditional branches, jal and jalr (Unpriv 20191213 2.5): taken and not
 * taken with signed and unsigned edge values, forward and backward, far
 * offsets that use every immediate bit, the link register (the address
 * of the next instruction), jalr clearing bit 0 of its target, and jalr
 * with rd = rs1 (the target uses the old rs1).  Only 32-bit encodings
 * here (rvc.S covers the compressed ones).
 */
#include "test.h"

/* Check N: a0 = 1 if "OP a1, a2" with a1 = V1, a2 = V2 branches. */
#define TEST_BR(n, op, v1, v2, taken)                                   \
    TEST_CASE(n, a0, taken, li a1, v1; li a2, v2; li a0, 0;             \
              op a1, a2, 1f; j 2f; 1: li a0, 1; 2: )

TEST_BEGIN
    .option push
    .option norvc

    TEST_BR(1, beq, 5, 5, 1)
    TEST_BR(2, beq, 5, 6, 0)
    TEST_BR(3, beq, -1, XLEN_SEL(0xffffffffffffffff, 0xffffffff), 1)
    TEST_BR(4, bne, 5, 6, 1)
    TEST_BR(5, bne, -3, -3, 0)
    TEST_BR(6, blt, -1, 0, 1)
    TEST_BR(7, blt, 0, -1, 0)
    TEST_BR(8, blt, 7, 7, 0)
    TEST_BR(9, blt, XLEN_SEL(0x8000000000000000, 0x80000000),
            XLEN_SEL(0x7fffffffffffffff, 0x7fffffff), 1)
    TEST_BR(10, bge, 7, 7, 1)
    TEST_BR(11, bge, -1, 0, 0)
    TEST_BR(12, bge, 0, -1, 1)
    TEST_BR(13, bltu, -1, 0, 0)
    TEST_BR(14, bltu, 0, -1, 1)
    TEST_BR(15, bltu, 7, 7, 0)
    TEST_BR(16, bltu, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff),
            XLEN_SEL(0x8000000000000000, 0x80000000), 1)
    TEST_BR(17, bgeu, 7, 7, 1)
    TEST_BR(18, bgeu, -1, 0, 1)
    TEST_BR(19, bgeu, 0, -1, 0)
    TEST_BR(20, bgeu, 1, 2, 0)
#if __riscv_xlen == 64
    /* 64-bit compares: the upper word decides */
    TEST_BR(21, bltu, 0x00000001ffffffff, 0x0000000200000000, 1)
    TEST_BR(22, blt, 0xffffffff00000000, 0x00000000ffffffff, 1)
    TEST_BR(23, beq, 0x0000000100000005, 0x0000000000000005, 0)
#endif

    /* A backward branch: a loop runs 10 times */
    TEST_CASE(24, a0, 55, li a0, 0; li a1, 10;
              1: add a0, a0, a1; addi a1, a1, -1; bnez a1, 1b)
    /* Branch against x0 */
    TEST_CASE(25, a0, 1, li a0, 0; li a1, 0; beq a1, x0, 1f; j 2f;
              1: li a0, 1; 2: )

    /* Far branch: offset near +4 KiB, then back by near -4 KiB */
    li gp, 26
    li a0, 0
    li a1, 1
    beq a1, a1, far_branch_fwd
    j test_fail
far_branch_back:
    addi a0, a0, 2
    j far_branch_done

far_branch_fwd:
    addi a0, a0, 1
    bne a1, x0, far_branch_back2
    j test_fail
    .skip 0xfd0
far_branch_back2:
    blt x0, a1, far_branch_back
    j test_fail
far_branch_done:
    CHECK(26, a0, 3)

    /* jal: link = next instruction, rd = x0 links nothing */
    li gp, 27
    jal a0, 1f
2:  j test_fail
1:  la a1, 2b
    sub a0, a0, a1
    CHECK(27, a0, 0)
    TEST_CASE(28, x0, 0, jal x0, 1f; j test_fail; 1: )

    /* Far jal, forward and backward (20-bit offset) */
    li gp, 29
    li a0, 0
    jal ra, far_jal_fwd
far_jal_ret:
    CHECK(29, a0, 7)
    la a1, far_jal_ret
    sub a1, ra, a1
    CHECK(30, a1, 0)
    j far_jal_end
far_jal_back:
    addi a0, a0, 4
    jr ra
    .skip 0x21000
far_jal_fwd:
    addi a0, a0, 3
    jal x0, far_jal_back
far_jal_end:

    /* jalr: target = (rs1 + imm) & ~1, link = next instruction */
    li gp, 31
    la a1, 1f
    jalr a0, 0(a1)
2:  j test_fail
1:  la a1, 2b
    sub a0, a0, a1
    CHECK(31, a0, 0)

    li gp, 32
    la a1, 1f
    addi a1, a1, 1
    jalr a0, 0(a1)          /* odd target: bit 0 cleared */
2:  j test_fail
1:  la a1, 2b
    sub a0, a0, a1
    CHECK(32, a0, 0)

    li gp, 33
    la a1, 1f
    addi a1, a1, 3
    jalr a0, -2(a1)         /* rs1 + imm odd: bit 0 of the sum cleared */
2:  j test_fail
1:  la a1, 2b
    sub a0, a0, a1
    CHECK(33, a0, 0)

    li gp, 34
    la a1, 1f
    addi a1, a1, -100
    jalr a0, 100(a1)
2:  j test_fail
1:  la a1, 2b
    sub a0, a0, a1
    CHECK(34, a0, 0)

    /* rd = rs1: the target is computed from the old value */
    li gp, 35
    la a0, 1f
    jalr a0, 0(a0)
2:  j test_fail
1:  la a1, 2b
    sub a0, a0, a1
    CHECK(35, a0, 0)

    /* jalr x0 (ret) does not link */
    li gp, 36
    li a0, 17
    la a1, 1f
    jalr x0, 0(a1)
    j test_fail
1:  CHECK(36, a0, 17)

    /* A call and a return through ra */
    li gp, 37
    li a0, 0
    call branch_sub
    call branch_sub
    CHECK(37, a0, 10)
    j 1f
branch_sub:
    addi a0, a0, 5
    ret
1:
    .option pop
TEST_END
