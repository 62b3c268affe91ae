/*
 * The bit-manipulation extensions Zba, Zbb and Zbs (RISC-V Bitmanip
 * 1.0.0, chapter 2), every instruction, with the RV32 and RV64 meanings:
 * counts of a zero register give XLEN (clz, ctz) or 32 (clzw, ctzw);
 * rotates and single-bit ops take their amount modulo XLEN; the W forms
 * and the .uw forms use the low word and exist only on RV64 (add.uw,
 * sh*add.uw, slli.uw, clzw, ctzw, cpopw, rolw, rorw, roriw); zext.h and
 * rev8 have different encodings on RV32 and RV64.
 */
#include "test.h"

/* Operands with bits in every byte. */
#define A XLEN_SEL(0x8123456789abcdef, 0x89abcdef)
#define B XLEN_SEL(0x0f0f0f0f00ff00ff, 0x00ff00ff)
/* Bytes zero and non-zero, for orc.b. */
#define C XLEN_SEL(0x0001020000f0ff03, 0x00f0ff03)
#define MIN XLEN_SEL(0x8000000000000000, 0x80000000)

TEST_BEGIN
    TEST_CASE(1, a0, XLEN_SEL(0x115599de14569cdd, 0x14569cdd),
              li a1, A; li a2, B; sh1add a0, a1, a2)
    TEST_CASE(2, a0, XLEN_SEL(0x139c24ad27ae38bb, 0x27ae38bb),
              li a1, A; li a2, B; sh2add a0, a1, a2)
    TEST_CASE(3, a0, XLEN_SEL(0x18293a4b4e5d7077, 0x4e5d7077),
              li a1, A; li a2, B; sh3add a0, a1, a2)
    TEST_CASE(4, a0, XLEN_SEL(0xfffffffffffffff9, 0xfffffff9),
              li a1, -1; li a2, 1; sh3add a0, a1, a2)
    TEST_CASE(5, a0, XLEN_SEL(0x802040608900cd00, 0x8900cd00),
              li a1, A; li a2, B; andn a0, a1, a2)
    TEST_CASE(6, a0, XLEN_SEL(0xf1f3f5f7ffabffef, 0xffabffef),
              li a1, A; li a2, B; orn a0, a1, a2)
    TEST_CASE(7, a0, XLEN_SEL(0x71d3b59776ab32ef, 0x76ab32ef),
              li a1, A; li a2, B; xnor a0, a1, a2)
    TEST_CASE(8, a0, 0x0, li a1, A; clz a0, a1)
    TEST_CASE(9, a0, XLEN_SEL(0x3f, 0x1f), li a1, 1; clz a0, a1)
    TEST_CASE(10, a0, XLEN_SEL(0x40, 0x20), li a1, 0; clz a0, a1)
    TEST_CASE(11, a0, XLEN_SEL(0x38, 0x18), li a1, 0x00ff; clz a0, a1)
    TEST_CASE(12, a0, XLEN_SEL(0x3f, 0x1f), li a1, MIN; ctz a0, a1)
    TEST_CASE(13, a0, XLEN_SEL(0x40, 0x20), li a1, 0; ctz a0, a1)
    TEST_CASE(14, a0, 0x8, li a1, 0x100; ctz a0, a1)
    TEST_CASE(15, a0, XLEN_SEL(0x21, 0x14), li a1, A; cpop a0, a1)
    TEST_CASE(16, a0, XLEN_SEL(0x40, 0x20), li a1, -1; cpop a0, a1)
    TEST_CASE(17, a0, 0x0, li a1, 0; cpop a0, a1)
    TEST_CASE(18, a0, 0x1, li a1, -1; li a2, 1; max a0, a1, a2)
    TEST_CASE(19, a0, XLEN_SEL(0x8123456789abcdef, 0x89abcdef),
              li a1, MIN; li a2, A; max a0, a1, a2)
    TEST_CASE(20, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, -1; li a2, 1; maxu a0, a1, a2)
    TEST_CASE(21, a0, XLEN_SEL(0x8123456789abcdef, 0x89abcdef),
              li a1, B; li a2, A; maxu a0, a1, a2)
    TEST_CASE(22, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, -1; li a2, 1; min a0, a1, a2)
    TEST_CASE(23, a0, XLEN_SEL(0x8123456789abcdef, 0x89abcdef),
              li a1, A; li a2, B; min a0, a1, a2)
    TEST_CASE(24, a0, 0x1, li a1, -1; li a2, 1; minu a0, a1, a2)
    TEST_CASE(25, a0, XLEN_SEL(0xf0f0f0f00ff00ff, 0xff00ff),
              li a1, A; li a2, B; minu a0, a1, a2)
    TEST_CASE(26, a0, XLEN_SEL(0xffffffffffffff80, 0xffffff80),
              li a1, 0x80; sext.b a0, a1)
    TEST_CASE(27, a0, 0x7f, li a1, 0x17f; sext.b a0, a1)
    TEST_CASE(28, a0, XLEN_SEL(0xffffffffffff8000, 0xffff8000),
              li a1, 0x18000; sext.h a0, a1)
    TEST_CASE(29, a0, 0x7fff, li a1, 0x7fff; sext.h a0, a1)
    TEST_CASE(30, a0, 0xffff, li a1, -1; zext.h a0, a1)
    TEST_CASE(31, a0, 0xcdef, li a1, A; zext.h a0, a1)
    TEST_CASE(32, a0, XLEN_SEL(0x123456789abcdef8, 0x9abcdef8),
              li a1, A; li a2, 4; rol a0, a1, a2)
    TEST_CASE(33, a0, XLEN_SEL(0x2468acf13579bdf, 0x13579bdf),
              li a1, A; li a2, XLEN + 1; rol a0, a1, a2)
    TEST_CASE(34, a0, 0x1, li a1, MIN; li a2, 1; rol a0, a1, a2)
    TEST_CASE(35, a0, XLEN_SEL(0xf8123456789abcde, 0xf89abcde),
              li a1, A; li a2, 4; ror a0, a1, a2)
    TEST_CASE(36, a0, XLEN_SEL(0x8123456789abcdef, 0x89abcdef),
              li a1, A; li a2, 0; ror a0, a1, a2)
    TEST_CASE(37, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, 1; li a2, XLEN + 1; ror a0, a1, a2)
    TEST_CASE(38, a0, XLEN_SEL(0xf8123456789abcde, 0xf89abcde),
              li a1, A; rori a0, a1, 4)
    TEST_CASE(39, a0, XLEN_SEL(0x2468acf13579bdf, 0x13579bdf),
              li a1, A; rori a0, a1, XLEN - 1)
    TEST_CASE(40, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, 1; rori a0, a1, 1)
    TEST_CASE(41, a0, XLEN_SEL(0xffff0000ffffff, 0xffffff),
              li a1, C; orc.b a0, a1)
    TEST_CASE(42, a0, 0x0, li a1, 0; orc.b a0, a1)
    TEST_CASE(43, a0, XLEN_SEL(0xffffffffffffffff, 0xffffffff),
              li a1, -1; orc.b a0, a1)
    TEST_CASE(44, a0, XLEN_SEL(0xefcdab8967452381, 0xefcdab89),
              li a1, A; rev8 a0, a1)
    TEST_CASE(45, a0, XLEN_SEL(0x1200000000000000, 0x12000000),
              li a1, 0x12; rev8 a0, a1)
    TEST_CASE(46, a0, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff),
              li a1, -1; li a2, XLEN - 1; bclr a0, a1, a2)
    TEST_CASE(47, a0, XLEN_SEL(0x8123456789abcde7, 0x89abcde7),
              li a1, A; li a2, XLEN + 3; bclr a0, a1, a2)
    TEST_CASE(48, a0, XLEN_SEL(0x8123456789abcdee, 0x89abcdee),
              li a1, A; bclri a0, a1, 0)
    TEST_CASE(49, a0, XLEN_SEL(0x7fffffffffffffff, 0x7fffffff),
              li a1, -1; bclri a0, a1, XLEN - 1)
    TEST_CASE(50, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, 0; li a2, XLEN - 1; bset a0, a1, a2)
    TEST_CASE(51, a0, 0x8, li a1, 0; li a2, XLEN + 3; bset a0, a1, a2)
    TEST_CASE(52, a0, XLEN_SEL(0x8000000000000000, 0x80000000),
              li a1, 0; bseti a0, a1, XLEN - 1)
    TEST_CASE(53, a0, XLEN_SEL(0x8123456789abcdef, 0x89abcdef),
              li a1, A; bseti a0, a1, 1)
    TEST_CASE(54, a0, XLEN_SEL(0x8123456789abcdee, 0x89abcdee),
              li a1, A; li a2, 0; binv a0, a1, a2)
    TEST_CASE(55, a0, XLEN_SEL(0x8123456789abcded, 0x89abcded),
              li a1, A; li a2, XLEN + 1; binv a0, a1, a2)
    TEST_CASE(56, a0, XLEN_SEL(0x123456789abcdef, 0x9abcdef),
              li a1, A; binvi a0, a1, XLEN - 1)
    TEST_CASE(57, a0, 0x20, li a1, 0; binvi a0, a1, 5)
    TEST_CASE(58, a0, 0x1, li a1, A; li a2, XLEN - 1; bext a0, a1, a2)
    TEST_CASE(59, a0, 0x1, li a1, A; li a2, XLEN + 1; bext a0, a1, a2)
    TEST_CASE(60, a0, 0x0, li a1, A; li a2, 4; bext a0, a1, a2)
    TEST_CASE(61, a0, 0x1, li a1, A; bexti a0, a1, XLEN - 1)
    TEST_CASE(62, a0, 0x1, li a1, A; bexti a0, a1, 1)
    TEST_CASE(63, a0, 0x0, li a1, A; bexti a0, a1, 4)
    /* x0 as destination, and rd = rs1 */
    TEST_CASE(80, x0, 0, li a1, 3; sh1add x0, a1, a1)
    TEST_CASE(81, a0, 0xff, li a0, 0x1fe; orc.b a0, a0; zext.h a0, a0;
              andi a0, a0, 0xff)

#if __riscv_xlen == 64
    /* RV64 only: the .uw and W forms */
    TEST_CASE(100, a0, 0x80000003,
              li a1, 0xffffffff80000001; li a2, 2; add.uw a0, a1, a2)
    TEST_CASE(101, a0, 0xf0f0f0f8aaaceee, li a1, A; li a2, B; add.uw a0, a1, a2)
    TEST_CASE(102, a0, 0xf0f0f1014569cdd,
              li a1, A; li a2, B; sh1add.uw a0, a1, a2)
    TEST_CASE(103, a0, 0xf0f0f1127ae38bb,
              li a1, A; li a2, B; sh2add.uw a0, a1, a2)
    TEST_CASE(104, a0, 0x400000009,
              li a1, 0xffffffff80000001; li a2, 1; sh3add.uw a0, a1, a2)
    TEST_CASE(105, a0, 0x80000001, li a1, 0xffffffff80000001; zext.w a0, a1)
    TEST_CASE(106, a0, 0x800000010,
              li a1, 0xffffffff80000001; slli.uw a0, a1, 4)
    TEST_CASE(107, a0, 0xabcdef0000000000, li a1, A; slli.uw a0, a1, 40)
    TEST_CASE(108, a0, 0x20, li a1, 0; clzw a0, a1)
    TEST_CASE(109, a0, 0x20, li a1, 0xffffffff00000000; clzw a0, a1)
    TEST_CASE(110, a0, 0x13, li a1, 0x1000; clzw a0, a1)
    TEST_CASE(111, a0, 0x20, li a1, 0; ctzw a0, a1)
    TEST_CASE(112, a0, 0x20, li a1, 0xffffffff00000000; ctzw a0, a1)
    TEST_CASE(113, a0, 0x1f, li a1, 0x80000000; ctzw a0, a1)
    TEST_CASE(114, a0, 0x1, li a1, 0xffffffff00000001; cpopw a0, a1)
    TEST_CASE(115, a0, 0x14, li a1, A; cpopw a0, a1)
    TEST_CASE(116, a0, 0x23456781, li a1, 0x12345678; li a2, 4; rolw a0, a1, a2)
    TEST_CASE(117, a0, 0x23456781,
              li a1, 0x12345678; li a2, 36; rolw a0, a1, a2)
    TEST_CASE(118, a0, 0xffffffff80000000,
              li a1, 0xffffffff00000001; li a2, 31; rolw a0, a1, a2)
    TEST_CASE(119, a0, 0xffffffff81234567,
              li a1, 0x12345678; li a2, 4; rorw a0, a1, a2)
    TEST_CASE(120, a0, 0xffffffff80000000,
              li a1, 0xffffffff00000001; li a2, 1; rorw a0, a1, a2)
    TEST_CASE(121, a0, 0xffffffff80000000,
              li a1, 0x80000000; li a2, 32; rorw a0, a1, a2)
    TEST_CASE(122, a0, 0xffffffff81234567, li a1, 0x12345678; roriw a0, a1, 4)
    TEST_CASE(123, a0, 0xffffffffe0000003, li a1, 0xf0000001; roriw a0, a1, 31)
    TEST_CASE(124, a0, 0xffffffff80000001,
              li a1, 0x0000000100000003; roriw a0, a1, 1)
    TEST_CASE(125, a0, 0x1f, li a1, 0x100000000; clz a0, a1)
    TEST_CASE(126, a0, 0x20, li a1, 0x100000000; ctz a0, a1)
    TEST_CASE(127, a0, 0x807060504030201,
              li a1, 0x0102030405060708; rev8 a0, a1)
#else
    /* ... which do not exist on RV32 */
    EXPECT_TRAP(1f)
    .word 0x08c5853b                /* add.uw a0, a1, a2 */
1:  CHECK(100, s8, CAUSE_ILLEGAL)
    CHECK(101, s10, 0x08c5853b)
    EXPECT_TRAP(1f)
    .word 0x60c5953b                /* rolw a0, a1, a2 */
1:  CHECK(102, s8, CAUSE_ILLEGAL)
    EXPECT_TRAP(1f)
    .word 0x6005951b                /* clzw a0, a1 */
1:  CHECK(103, s8, CAUSE_ILLEGAL)
    /* Immediate forms with shamt[5] set are reserved on RV32 */
    EXPECT_TRAP(1f)
    .word 0x6205d513                /* rori a0, a1, 32 */
1:  CHECK(104, s8, CAUSE_ILLEGAL)
    EXPECT_TRAP(1f)
    .word 0x2a059513                /* bseti a0, a1, 32 */
1:  CHECK(105, s8, CAUSE_ILLEGAL)
#endif
TEST_END
