/*
 * The M extension (Unpriv 20191213 chapter 7): mul and the three mulh
 * forms at their signed/unsigned corners (MIN x MIN, MIN x -1, -1 x -1),
 * division and remainder rounding toward zero, and the results division
 * by zero and signed overflow must give without trapping (7.2, table 7.1):
 * x / 0 = -1 (all ones), x % 0 = x, MIN / -1 = MIN, MIN % -1 = 0.  On
 * RV64 also the W forms, which use the low 32 bits of their operands and
 * sign-extend a 32-bit result (7.1, 7.2); they do not exist on RV32.
 */
#include "test.h"

#define MIN XLEN_SEL(0x8000000000000000, 0x80000000)
#define MAX XLEN_SEL(0x7fffffffffffffff, 0x7fffffff)
/* Two operands with bits set across the word. */
#define BIG XLEN_SEL(0x123456789abcdef0, 0x9abcdef0)
#define B2  XLEN_SEL(0x0fedcba987654321, 0x87654321)

TEST_BEGIN
    TEST_CASE(1, a0, 0x15, li a1, 7; li a2, 3; mul a0, a1, a2)
    TEST_CASE(2, a0, XLEN_SEL(0xffffffffffffffeb, 0xffffffeb),
              li a1, -7; li a2, 3; mul a0, a1, a2)
    TEST_CASE(3, a0, XLEN_SEL(0xfffffffffffffffe, 0xfffffffe),
              li a1, MAX; li a2, 2; mul a0, a1, a2)
    TEST_CASE(4, a0, XLEN_SEL(0x2236d88fe5618cf0, 0xe5618cf0),
              li a1, BIG; li a2, B2; mul a0, a1, a2)
    TEST_CASE(5, a0, 0x1, li a1, -1; li a2, -1; mul a0, a1, a2)
    TEST_CASE(6, a0, 0x0, li a1, 7; li a2, 3; mulh a0, a1, a2)
    TEST_CASE(7, a0, 0x0, li a1, -1; li a2, -1; mulh a0, a1, a2)
    TEST_CASE(8, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, -1; li a2, 1; mulh a0, a1, a2)
    TEST_CASE(9, a0, XLEN_SEL(0x4000000000000000, 0x40000000),
              li a1, MIN; li a2, MIN; mulh a0, a1, a2)
    TEST_CASE(10, a0, 0x0, li a1, MIN; li a2, -1; mulh a0, a1, a2)
    TEST_CASE(11, a0, XLEN_SEL(0x3fffffffffffffff, 0x3fffffff),
              li a1, MAX; li a2, MAX; mulh a0, a1, a2)
    TEST_CASE(12, a0, XLEN_SEL(0x121fa00ad77d742, 0x2fb4ac96),
              li a1, BIG; li a2, B2; mulh a0, a1, a2)
    TEST_CASE(13, a0, XLEN_SEL(0xc000000000000000, 0xc0000000),
              li a1, MIN; li a2, MAX; mulh a0, a1, a2)
    TEST_CASE(14, a0, XLEN_SEL(0xfffffffffffffffe, 0xfffffffe),
              li a1, -1; li a2, -1; mulhu a0, a1, a2)
    TEST_CASE(15, a0, 0x1, li a1, -1; li a2, 2; mulhu a0, a1, a2)
    TEST_CASE(16, a0, 0x1, li a1, MIN; li a2, 2; mulhu a0, a1, a2)
    TEST_CASE(17, a0, XLEN_SEL(0x121fa00ad77d742, 0x51d6cea7),
              li a1, BIG; li a2, B2; mulhu a0, a1, a2)
    TEST_CASE(18, a0, 0x0, li a1, 7; li a2, 3; mulhu a0, a1, a2)
    TEST_CASE(19, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, -1; li a2, -1; mulhsu a0, a1, a2)
    TEST_CASE(20, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, -1; li a2, 1; mulhsu a0, a1, a2)
    TEST_CASE(21, a0, 0x0, li a1, 1; li a2, -1; mulhsu a0, a1, a2)
    TEST_CASE(22, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, MIN; li a2, -1; mulhsu a0, a1, a2)
    TEST_CASE(23, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, -2; li a2, MIN; mulhsu a0, a1, a2)
    TEST_CASE(24, a0, XLEN_SEL(0x121fa00ad77d742, 0xca718b86),
              li a1, BIG; li a2, B2; mulhsu a0, a1, a2)
    TEST_CASE(25, a0, XLEN_SEL(0x121fa00ad77d742, 0xb719efb7),
              li a1, B2; li a2, BIG; mulhsu a0, a1, a2)
    TEST_CASE(26, a0, 0x3, li a1, 7; li a2, 2; div a0, a1, a2)
    TEST_CASE(27, a0, XLEN_SEL(0xfffffffffffffffd, 0xfffffffd),
              li a1, -7; li a2, 2; div a0, a1, a2)
    TEST_CASE(28, a0, XLEN_SEL(0xfffffffffffffffd, 0xfffffffd),
              li a1, 7; li a2, -2; div a0, a1, a2)
    TEST_CASE(29, a0, 0x3, li a1, -7; li a2, -2; div a0, a1, a2)
    TEST_CASE(30, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, 7; li a2, 0; div a0, a1, a2)
    TEST_CASE(31, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, MIN; li a2, -1; div a0, a1, a2)
    TEST_CASE(32, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, MIN; li a2, 1; div a0, a1, a2)
    TEST_CASE(33, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, 0; li a2, 0; div a0, a1, a2)
    TEST_CASE(34, a0, XLEN_SEL(0x1, 0x0), li a1, BIG; li a2, B2; div a0, a1, a2)
    TEST_CASE(35, a0, 0x3, li a1, 7; li a2, 2; divu a0, a1, a2)
    TEST_CASE(36, a0, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff),
              li a1, -1; li a2, 2; divu a0, a1, a2)
    TEST_CASE(37, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, 7; li a2, 0; divu a0, a1, a2)
    TEST_CASE(38, a0, 0x0, li a1, MIN; li a2, -1; divu a0, a1, a2)
    TEST_CASE(39, a0, 0x0, li a1, -7; li a2, -2; divu a0, a1, a2)
    TEST_CASE(40, a0, 0x1, li a1, 7; li a2, 2; rem a0, a1, a2)
    TEST_CASE(41, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, -7; li a2, 2; rem a0, a1, a2)
    TEST_CASE(42, a0, 0x1, li a1, 7; li a2, -2; rem a0, a1, a2)
    TEST_CASE(43, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, -7; li a2, -2; rem a0, a1, a2)
    TEST_CASE(44, a0, 0x7, li a1, 7; li a2, 0; rem a0, a1, a2)
    TEST_CASE(45, a0, XLEN_SEL(0xfffffffffffffff9, 0xfffffff9),
              li a1, -7; li a2, 0; rem a0, a1, a2)
    TEST_CASE(46, a0, 0x0, li a1, MIN; li a2, -1; rem a0, a1, a2)
    TEST_CASE(47, a0, XLEN_SEL(0x2468acf13579bcf, 0x9abcdef0),
              li a1, BIG; li a2, B2; rem a0, a1, a2)
    TEST_CASE(48, a0, 0x1, li a1, 7; li a2, 2; remu a0, a1, a2)
    TEST_CASE(49, a0, XLEN_SEL(0x1, 0x3), li a1, -1; li a2, 7; remu a0, a1, a2)
    TEST_CASE(50, a0, 0x7, li a1, 7; li a2, 0; remu a0, a1, a2)
    TEST_CASE(51, a0, XLEN_SEL(0xfffffffffffffff9, 0xfffffff9),
              li a1, -7; li a2, 0; remu a0, a1, a2)
    TEST_CASE(52, a0, XLEN_SEL(0xfffffffffffffff9, 0xfffffff9),
              li a1, -7; li a2, -2; remu a0, a1, a2)
    TEST_CASE(53, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, MIN; li a2, -1; remu a0, a1, a2)

    /* rd = rs1 = rs2, and x0 as destination */
    TEST_CASE(60, a0, 0x51, li a0, 9; mul a0, a0, a0)
    TEST_CASE(61, a0, 1, li a0, -5; div a0, a0, a0)
    TEST_CASE(62, x0, 0, li a1, 7; li a2, 3; div x0, a1, a2)

#if __riscv_xlen == 64
    TEST_CASE(80, a0, 0xfffffffffffffffe,
              li a1, 0x7fffffff; li a2, 0x2; mulw a0, a1, a2)
    TEST_CASE(81, a0, 0xf,
              li a1, 0x1234567800000003; li a2, 0xabcdef0000000005;
              mulw a0, a1, a2)
    TEST_CASE(82, a0, 0x1,
              li a1, 0xffffffffffffffff; li a2, 0xffffffffffffffff;
              mulw a0, a1, a2)
    TEST_CASE(83, a0, 0x0, li a1, 0x10000; li a2, 0x10000; mulw a0, a1, a2)
    TEST_CASE(84, a0, 0x3,
              li a1, 0xffffffff00000007; li a2, 0x2; divw a0, a1, a2)
    TEST_CASE(85, a0, 0xfffffffffffffffd,
              li a1, 0xfffffffffffffff9; li a2, 0x2; divw a0, a1, a2)
    TEST_CASE(86, a0, 0xffffffffffffffff,
              li a1, 0x100000007; li a2, 0x0; divw a0, a1, a2)
    TEST_CASE(87, a0, 0xffffffff80000000,
              li a1, 0x80000000; li a2, 0xffffffff; divw a0, a1, a2)
    TEST_CASE(88, a0, 0xffffffff80000000,
              li a1, 0x180000000; li a2, 0xffffffffffffffff; divw a0, a1, a2)
    TEST_CASE(89, a0, 0xffffffff80000000,
              li a1, 0xffffffff80000000; li a2, 0x1; divuw a0, a1, a2)
    TEST_CASE(90, a0, 0xffffffffffffffff,
              li a1, 0x7; li a2, 0x0; divuw a0, a1, a2)
    TEST_CASE(91, a0, 0x7fffffff,
              li a1, 0x1ffffffff; li a2, 0x2; divuw a0, a1, a2)
    TEST_CASE(92, a0, 0x4,
              li a1, 0x123400000010; li a2, 0x5600000004; divuw a0, a1, a2)
    TEST_CASE(93, a0, 0xffffffffffffffff,
              li a1, 0xfffffffffffffff9; li a2, 0x2; remw a0, a1, a2)
    TEST_CASE(94, a0, 0x7,
              li a1, 0xffffffff00000007; li a2, 0x0; remw a0, a1, a2)
    TEST_CASE(95, a0, 0x0,
              li a1, 0x80000000; li a2, 0xffffffff; remw a0, a1, a2)
    TEST_CASE(96, a0, 0xffffffff80000001,
              li a1, 0x80000001; li a2, 0x0; remw a0, a1, a2)
    TEST_CASE(97, a0, 0xfffffffffffffff9,
              li a1, 0x1fffffff9; li a2, 0x0; remuw a0, a1, a2)
    TEST_CASE(98, a0, 0x3, li a1, 0xffffffff; li a2, 0x7; remuw a0, a1, a2)
    TEST_CASE(99, a0, 0x1,
              li a1, 0x123400000010; li a2, 0x5600000003; remuw a0, a1, a2)
#else
    EXPECT_TRAP(1f)
    .word 0x02c5853b                /* mulw a0, a1, a2 */
1:  CHECK(80, s8, CAUSE_ILLEGAL)
    CHECK(81, s10, 0x02c5853b)
    EXPECT_TRAP(1f)
    .word 0x02c5c53b                /* divw a0, a1, a2 */
1:  CHECK(82, s8, CAUSE_ILLEGAL)
#endif
TEST_END
