/*
 * RV32I/RV64I register-register and register-immediate arithmetic, logic,
 * comparisons and shifts (Unpriv 20191213 2.4, 5.2), and the RV64 "W"
 * forms with their sign extension of 32-bit results (5.2).  On RV32, shift
 * amounts are taken from the low 5 bits of rs2 and an immediate shift with
 * shamt[5] set is reserved (2.4.1): the test checks both, and that logical
 * right shifts see the register's 32 bits, not a sign-extended value.
 */
#include "test.h"

TEST_BEGIN

    /* add, addi: wrap-around, x0, rd = rs */
    TEST_CASE(1, a0, 5, li a1, 2; li a2, 3; add a0, a1, a2)
    TEST_CASE(2, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff); li a2, 1;
              add a0, a1, a2)
    TEST_CASE(3, a0, 0, li a1, -1; li a2, 1; add a0, a1, a2)
    TEST_CASE(4, a0, 6, li a0, 3; add a0, a0, a0)
    TEST_CASE(5, x0, 0, li a1, 7; add x0, a1, a1)
    TEST_CASE(6, a0, -2048 + 5, li a1, 5; addi a0, a1, -2048)
    TEST_CASE(7, a0, 2047 + 5, li a1, 5; addi a0, a1, 2047)
    TEST_CASE(8, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff);
              addi a0, a1, 1)

    /* sub */
    TEST_CASE(9, a0, -1, li a1, 2; li a2, 3; sub a0, a1, a2)
    TEST_CASE(10, a0, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff),
              li a1, XLEN_SEL(0x8000000000000000, 0x80000000); li a2, 1;
              sub a0, a1, a2)
    TEST_CASE(11, a0, 0, li a0, 12345; sub a0, a0, a0)
    TEST_CASE(12, a0, -9, li a1, 9; sub a0, x0, a1)

    /* logic, register and sign-extended immediate forms */
    TEST_CASE(13, a0, 0x0ff0, li a1, 0xff00ff0; li a2, 0x0ffff; and a0, a1, a2)
    TEST_CASE(14, a0, 0xff00fff, li a1, 0xff00ff0; li a2, 0x00fff;
              or a0, a1, a2)
    TEST_CASE(15, a0, 0xff0000f, li a1, 0xff00ff0; li a2, 0x00fff;
              xor a0, a1, a2)
    TEST_CASE(16, a0, 0x12345678, li a1, 0x12345678; andi a0, a1, -1)
    TEST_CASE(17, a0, 0x678, li a1, 0x12345678; andi a0, a1, 0x7ff)
    TEST_CASE(18, a0, -2048 | 0x78, li a1, 0x78; ori a0, a1, -2048)
    TEST_CASE(19, a0, ~0x12345678, li a1, 0x12345678; xori a0, a1, -1)
    TEST_CASE(20, a0, 0x12345678 ^ 0x555, li a1, 0x12345678; xori a0, a1, 0x555)
    TEST_CASE(21, a0, 0, li a1, 0x5a5a; andi a0, a1, 0)

    /* comparisons: slt/sltu and immediates (sign-extended, 2.4.1) */
    TEST_CASE(22, a0, 1, li a1, -1; li a2, 1; slt a0, a1, a2)
    TEST_CASE(23, a0, 0, li a1, -1; li a2, 1; sltu a0, a1, a2)
    TEST_CASE(24, a0, 0, li a1, 5; li a2, 5; slt a0, a1, a2)
    TEST_CASE(25, a0, 1, li a1, XLEN_SEL(0x8000000000000000, 0x80000000);
              li a2, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff); slt a0, a1, a2)
    TEST_CASE(26, a0, 0, li a1, XLEN_SEL(0x8000000000000000, 0x80000000);
              li a2, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff); sltu a0, a1, a2)
    TEST_CASE(27, a0, 1, li a1, 1;
              li a2, XLEN_SEL(0x8000000000000000, 0x80000000);
              sltu a0, a1, a2)
    TEST_CASE(28, a0, 1, li a1, -5; slti a0, a1, -4)
    TEST_CASE(29, a0, 0, li a1, -4; slti a0, a1, -4)
    TEST_CASE(30, a0, 1, li a1, 0x7fe; sltiu a0, a1, 0x7ff)
    /* sltiu with -1: every value but all ones is below it */
    TEST_CASE(31, a0, 1, li a1, XLEN_SEL(0xfffffffffffffffe, 0xfffffffe);
              sltiu a0, a1, -1)
    TEST_CASE(32, a0, 0, li a1, -1; sltiu a0, a1, -1)
    /* seqz idiom and snez idiom */
    TEST_CASE(33, a0, 1, li a1, 0; sltiu a0, a1, 1)
    TEST_CASE(34, a0, 1, li a1, -7; sltu a0, x0, a1)
    TEST_CASE(35, a0, 1, li a1, XLEN_SEL(0x80000000, 0x80000000);
              li a2, 0x7fffffff; sltu a0, a2, a1)

    /* shifts by register: the amount is rs2 mod XLEN */
    TEST_CASE(36, a0, 0x10, li a1, 1; li a2, 4; sll a0, a1, a2)
    TEST_CASE(37, a0, 2, li a1, 1; li a2, XLEN + 1; sll a0, a1, a2)
    TEST_CASE(38, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, 1; li a2, XLEN - 1; sll a0, a1, a2)
    TEST_CASE(39, a0, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff),
              li a1, -1; li a2, 1; srl a0, a1, a2)
    TEST_CASE(40, a0, 1, li a1, -1; li a2, XLEN - 1; srl a0, a1, a2)
    TEST_CASE(41, a0, XLEN_SEL(0x0800000000000000, 0x08000000),
              li a1, XLEN_SEL(0x8000000000000000, 0x80000000);
              li a2, XLEN + 4; srl a0, a1, a2)
    TEST_CASE(42, a0, -16, li a1, -256; li a2, 4; sra a0, a1, a2)
    TEST_CASE(43, a0, -1, li a1, XLEN_SEL(0x8000000000000000, 0x80000000);
              li a2, XLEN - 1; sra a0, a1, a2)
    TEST_CASE(44, a0, XLEN_SEL(0xf800000000000000, 0xf8000000),
              li a1, XLEN_SEL(0x8000000000000000, 0x80000000);
              li a2, XLEN + 4; sra a0, a1, a2)
    TEST_CASE(45, a0, 0x1234, li a1, 0x1234; li a2, 0; srl a0, a1, a2)

    /* shifts by immediate */
    TEST_CASE(46, a0, 0x12340, li a1, 0x1234; slli a0, a1, 4)
    TEST_CASE(47, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, 3; slli a0, a1, XLEN - 1)
    TEST_CASE(48, a0, 0x123, li a1, 0x1234; srli a0, a1, 4)
    TEST_CASE(49, a0, XLEN_SEL(0x00000000ffffffff, 0x00000001),
              li a1, -1; srli a0, a1, XLEN_SEL(32, 31))
    TEST_CASE(50, a0, -1, li a1, XLEN_SEL(0x8000000000000000, 0x80000000);
              srai a0, a1, XLEN - 1)
    TEST_CASE(51, a0, XLEN_SEL(0xffffffff80000000, 0xfff80000),
              li a1, XLEN_SEL(0x8000000000000000, 0x80000000);
              srai a0, a1, XLEN_SEL(32, 12))
    TEST_CASE(52, a0, 0x7ff, li a1, 0x7ff0; srai a0, a1, 4)
    TEST_CASE(53, a0, 0xabc, li a1, 0xabc; srai a0, a1, 0)

#if __riscv_xlen == 32
    /* RV32: logical right shifts see exactly the register's 32 bits */
    TEST_CASE(54, a0, 0x40000000, li a1, 0x80000000; srli a0, a1, 1)
    TEST_CASE(55, a0, 0x00ffffff, li a1, 0xffffffff; li a2, 8; srl a0, a1, a2)
    /* slli/srli/srai with shamt[5] = 1 are reserved on RV32 (2.4.1) */
    EXPECT_TRAP(1f)
    .word 0x02059513                /* slli a0, a1, 32 */
1:  CHECK(56, s8, CAUSE_ILLEGAL)
    CHECK(57, s10, 0x02059513)
    EXPECT_TRAP(1f)
    .word 0x0205d513                /* srli a0, a1, 32 */
1:  CHECK(58, s8, CAUSE_ILLEGAL)
    EXPECT_TRAP(1f)
    .word 0x4205d513                /* srai a0, a1, 32 */
1:  CHECK(59, s8, CAUSE_ILLEGAL)
    /* The W forms do not exist on RV32 */
    EXPECT_TRAP(1f)
    .word 0x00c5853b                /* addw a0, a1, a2 */
1:  CHECK(60, s8, CAUSE_ILLEGAL)
    EXPECT_TRAP(1f)
    .word 0x0015851b                /* addiw a0, a1, 1 */
1:  CHECK(61, s8, CAUSE_ILLEGAL)
#else
    /* RV64 W forms: 32-bit operation, sign-extended result (5.2) */
    TEST_CASE(54, a0, 0xffffffff80000000,
              li a1, 0x7fffffff; li a2, 1; addw a0, a1, a2)
    TEST_CASE(55, a0, 0x0000000000000003,
              li a1, 0xffffffff00000001; li a2, 0x1234567800000002;
              addw a0, a1, a2)
    TEST_CASE(56, a0, 0xffffffff80000000, li a1, 0x7fffffff; addiw a0, a1, 1)
    /* sext.w is addiw rd, rs, 0 */
    TEST_CASE(57, a0, 0xffffffff89abcdef, li a1, 0x0123456789abcdef;
              addiw a0, a1, 0)
    TEST_CASE(58, a0, 0x0000000012345678, li a1, 0xffffffff12345678;
              sext.w a0, a1)
    TEST_CASE(59, a0, 0x7fffffff,
              li a1, 0x80000000; li a2, 1; subw a0, a1, a2)
    TEST_CASE(60, a0, -1, li a1, 0x100000000; li a2, 1; subw a0, a1, a2)
    TEST_CASE(61, a0, 2, li a1, 1; li a2, 33; sllw a0, a1, a2)
    TEST_CASE(62, a0, 0xffffffff80000000, li a1, 1; li a2, 31; sllw a0, a1, a2)
    TEST_CASE(63, a0, 0x09abcdef,
              li a1, 0x123456789abcdef0; li a2, 4; srlw a0, a1, a2)
    TEST_CASE(64, a0, 0xffffffff9abcdef0,
              li a1, 0x123456789abcdef0; li a2, 32; srlw a0, a1, a2)
    TEST_CASE(65, a0, 0xfffffffff9abcdef,
              li a1, 0x123456789abcdef0; li a2, 4; sraw a0, a1, a2)
    TEST_CASE(66, a0, 0x00000000789abcde,
              li a1, 0x00000000789abcde; li a2, 0x40; sraw a0, a1, a2)
    TEST_CASE(67, a0, 0xffffffff80000000, li a1, 3; slliw a0, a1, 31)
    TEST_CASE(68, a0, 1, li a1, 0xffffffff80000000; srliw a0, a1, 31)
    TEST_CASE(69, a0, 0x40000000, li a1, 0x0000000080000000; srliw a0, a1, 1)
    TEST_CASE(70, a0, -1, li a1, 0x0000000080000000; sraiw a0, a1, 31)
    TEST_CASE(71, a0, 0xfffffffff8000000, li a1, 0x80000000; sraiw a0, a1, 4)
    /* Full 64-bit shifts use 6 bits of the amount */
    TEST_CASE(72, a0, 0x100000000, li a1, 1; slli a0, a1, 32)
    TEST_CASE(73, a0, 0x0000000100000000, li a1, 1; li a2, 32; sll a0, a1, a2)
    /* slliw/srliw/sraiw with shamt[5] = 1 are reserved (5.2) */
    EXPECT_TRAP(1f)
    .word 0x0205951b                /* slliw a0, a1, 32 */
1:  CHECK(74, s8, CAUSE_ILLEGAL)
    CHECK(75, s10, 0x0205951b)
#endif

    /*
     * FENCE encodings: fence.tso, pause (fence w, 0), and the reserved
     * fm/rs1/rd values, which execute as an ordinary fence (2.7): none
     * traps, none writes rd.
     */
    TEST_CASE(78, a0, 0x5a, li a0, 0x5a; li a1, 0x100;
              .word 0x8330000f;         /* fence.tso */
              .word 0x0100000f;         /* pause */
              .word 0x0ff5850f;         /* fence, rd = a0, rs1 = a1 */
              .word 0x4ff0000f)         /* fm = 0100: reserved */

    /* nop does nothing, including to x0 */
    TEST_CASE(76, x0, 0, li a0, 1; addi x0, a0, 5)
    TEST_CASE(77, a0, 42, li a0, 42; nop)

TEST_END
