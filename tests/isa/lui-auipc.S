/*
 * lui and auipc (Unpriv 20191213 2.4.1, 5.2): the 20-bit immediate in bits
 * 31:12, sign-extended from bit 31 on RV64, and auipc adding it to the
 * address of the auipc itself (taken here from a jal link, so that the
 * reference does not depend on auipc).
 */
#include "test.h"

TEST_BEGIN
    .option push
    .option norvc

    TEST_CASE(1, a0, 0x12345000, lui a0, 0x12345)
    TEST_CASE(2, a0, XLEN_SEL(0xffffffff80000000, 0x80000000), lui a0, 0x80000)
    TEST_CASE(3, a0, -4096, lui a0, 0xfffff)
    TEST_CASE(4, a0, 0x7ffff000, lui a0, 0x7ffff)
    TEST_CASE(5, a0, 0, lui a0, 0)
    TEST_CASE(6, x0, 0, lui x0, 0x12345)
    /* lui + addi, with a negative low part */
    TEST_CASE(7, a0, 0x12345678, lui a0, 0x12345; addi a0, a0, 0x678)
    TEST_CASE(8, a0, 0x12345fff, lui a0, 0x12346; addi a0, a0, -1)

    /* auipc: a0 = pc + imm; a1 = pc from jal's link */
    li gp, 9
    jal a1, 1f
1:  auipc a0, 0
    sub a0, a0, a1
    CHECK(9, a0, 0)

    li gp, 10
    jal a1, 1f
1:  auipc a0, 1
    sub a0, a0, a1
    CHECK(10, a0, 4096)

    li gp, 11
    jal a1, 1f
1:  auipc a0, 0xfffff
    sub a0, a0, a1
    CHECK(11, a0, -4096)

    /* pc + sign-extended 0x80000000: the RAM offset of the auipc */
    li gp, 12
    jal a1, 1f
1:  auipc a0, 0x80000
    li a2, RAM_BASE
    sub a1, a1, a2
    sub a0, a0, a1
    CHECK(12, a0, 0)

    li gp, 13
    jal a1, 1f
1:  auipc a0, 0x12345
    sub a0, a0, a1
    CHECK(13, a0, 0x12345000)

    /* auipc + jalr reaches a label (the call sequence) */
    li gp, 14
    li a0, 0
1:  auipc a1, %pcrel_hi(2f)
    jalr a1, %pcrel_lo(1b)(a1)
3:  j test_fail
2:  la a2, 3b
    sub a1, a1, a2
    CHECK(14, a1, 0)

    /* auipc to x0 */
    TEST_CASE(15, x0, 0, auipc x0, 1)

    .option pop
TEST_END
