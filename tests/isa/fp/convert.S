/*
 * Conversions (Unpriv 11.7, 12.5): float to integer with every rounding
 * mode and the saturation of table 11.4 (NaN and too large give the
 * largest integer, too small the smallest, with NV alone; an in-range
 * inexact result gives NX), 32-bit results sign-extended on RV64, integer
 * to float rounding, and FCVT.S.D / FCVT.D.S.  FCVT.L* and FCVT.*.L* are
 * RV64 only.
 */
#include "fp-test.h"

#define S_ONE 0x3f800000
#define S_M_ONE 0xbf800000
#define S_ONE_HALF 0x3fc00000           /* 1.5 */
#define S_M_TWO_HALF 0xc0200000         /* -2.5 */
#define S_M_HALF 0xbf000000
#define S_3E9 0x4f32d05e                /* 3000000000, exact */
#define S_M_3E9 0xcf32d05e
#define S_2P31 0x4f000000
#define S_M_2P31 0xcf000000
#define S_2P32 0x4f800000
#define S_2P63 0x5f000000
#define S_M_2P63 0xdf000000
#define S_2P64 0x5f800000
#define S_INF 0x7f800000
#define S_M_INF 0xff800000
#define S_QNAN 0x7fc00000
#define S_SNAN 0x7f800001
#define S_MAX 0x7f7fffff

#define D_M_TWO_HALF 0xc004000000000000
#define D_2P31_M_HALF 0x41dfffffffe00000 /* 2147483647.5 */
#define D_M_2P31_M_HALF 0xc1e0000000100000 /* -2147483648.5 */
#define D_2P32_M_HALF 0x41effffffff00000 /* 4294967295.5 */
#define D_M_ZERO 0x8000000000000000
#define D_QNAN 0x7ff8000000000000
#define D_SNAN 0x7ff0000000000001
#define D_INF 0x7ff0000000000000
#define D_M_INF 0xfff0000000000000
#define D_THIRD 0x3fd5555555555555
#define D_MAX 0x7fefffffffffffff

#define W_MAX 0x7fffffff
#define W_MIN 0x80000000
#define WU_MAX 0xffffffff

/* x rd = fcvt.<int>.<fmt>(a) with rm; EXPECT_W: 32-bit results sign-extend */
.macro T_F2W_S n, op, rm, a, res, flags
    TEST \n
    SET_S f1, \a
    \op a0, f1, \rm
    EXPECT_W a0, \res
    EXPECT_FLAGS \flags
.endm

.macro T_F2W_D n, op, rm, a, res, flags
    TEST \n
    SET_D f1, \a
    \op a0, f1, \rm
    EXPECT_W a0, \res
    EXPECT_FLAGS \flags
.endm

.macro T_F2L_S n, op, rm, a, res, flags
    TEST \n
    SET_S f1, \a
    \op a0, f1, \rm
    EXPECT_L a0, \res
    EXPECT_FLAGS \flags
.endm

.macro T_F2L_D n, op, rm, a, res, flags
    TEST \n
    SET_D f1, \a
    \op a0, f1, \rm
    EXPECT_L a0, \res
    EXPECT_FLAGS \flags
.endm

/* f rd = fcvt.<fmt>.<int>(x), x loaded with li (XLEN-wide) */
.macro T_X2S n, op, rm, x, res, flags
    TEST \n
    li a0, \x
    \op f3, a0, \rm
    EXPECT_S f3, \res
    EXPECT_FLAGS \flags
.endm

/* FCVT.D.W[U] are exact: the assembler takes no rm for them (RM empty). */
.macro T_X2D n, op, x, res, flags, rm
    TEST \n
    li a0, \x
    .ifb \rm
    \op f3, a0
    .else
    \op f3, a0, \rm
    .endif
    EXPECT_D f3, \res
    EXPECT_FLAGS \flags
.endm

    TEST_BEGIN

    /* -2.5 in each mode: ties to even (-2) and away (-3) differ */
    T_F2W_S 1, fcvt.w.s, rne, S_M_TWO_HALF, -2, NX
    T_F2W_S 2, fcvt.w.s, rtz, S_M_TWO_HALF, -2, NX
    T_F2W_S 3, fcvt.w.s, rdn, S_M_TWO_HALF, -3, NX
    T_F2W_S 4, fcvt.w.s, rup, S_M_TWO_HALF, -2, NX
    T_F2W_S 5, fcvt.w.s, rmm, S_M_TWO_HALF, -3, NX
    T_F2W_S 6, fcvt.w.s, rne, S_ONE_HALF, 2, NX
    T_F2W_S 7, fcvt.w.s, rne, S_M_2P31, W_MIN, 0
    /* Saturation: NV alone, never NX too */
    T_F2W_S 8, fcvt.w.s, rne, S_QNAN, W_MAX, NV
    T_F2W_S 9, fcvt.w.s, rne, 0xffc00000, W_MAX, NV
    T_F2W_S 10, fcvt.w.s, rne, S_INF, W_MAX, NV
    T_F2W_S 11, fcvt.w.s, rne, S_M_INF, W_MIN, NV
    T_F2W_S 12, fcvt.w.s, rne, S_3E9, W_MAX, NV
    T_F2W_S 13, fcvt.w.s, rne, S_M_3E9, W_MIN, NV
    T_F2W_S 14, fcvt.w.s, rtz, S_2P31, W_MAX, NV
    /* Unsigned: negative values give 0 unless they round to 0 */
    T_F2W_S 15, fcvt.wu.s, rne, S_M_ONE, 0, NV
    T_F2W_S 16, fcvt.wu.s, rtz, S_M_HALF, 0, NX
    T_F2W_S 17, fcvt.wu.s, rdn, S_M_HALF, 0, NV
    T_F2W_S 18, fcvt.wu.s, rne, S_3E9, 3000000000, 0
    T_F2W_S 19, fcvt.wu.s, rne, S_2P32, WU_MAX, NV
    T_F2W_S 20, fcvt.wu.s, rne, S_QNAN, WU_MAX, NV
    T_F2W_S 21, fcvt.wu.s, rne, S_INF, WU_MAX, NV
    T_F2W_S 22, fcvt.wu.s, rne, S_M_INF, 0, NV
    T_F2W_S 23, fcvt.wu.s, rup, S_ONE_HALF, 2, NX

    T_F2W_D 30, fcvt.w.d, rne, D_M_TWO_HALF, -2, NX
    T_F2W_D 31, fcvt.w.d, rtz, D_M_TWO_HALF, -2, NX
    T_F2W_D 32, fcvt.w.d, rdn, D_M_TWO_HALF, -3, NX
    T_F2W_D 33, fcvt.w.d, rup, D_M_TWO_HALF, -2, NX
    T_F2W_D 34, fcvt.w.d, rmm, D_M_TWO_HALF, -3, NX
    /* 2^31 - 0.5: in range toward zero, out of range once rounded up */
    T_F2W_D 35, fcvt.w.d, rtz, D_2P31_M_HALF, W_MAX, NX
    T_F2W_D 36, fcvt.w.d, rne, D_2P31_M_HALF, W_MAX, NV
    T_F2W_D 37, fcvt.w.d, rne, D_M_2P31_M_HALF, W_MIN, NX
    T_F2W_D 38, fcvt.w.d, rdn, D_M_2P31_M_HALF, W_MIN, NV
    T_F2W_D 39, fcvt.w.d, rne, D_QNAN, W_MAX, NV
    T_F2W_D 40, fcvt.w.d, rne, D_SNAN, W_MAX, NV
    T_F2W_D 41, fcvt.w.d, rne, D_M_INF, W_MIN, NV
    T_F2W_D 42, fcvt.wu.d, rtz, D_2P32_M_HALF, WU_MAX, NX
    T_F2W_D 43, fcvt.wu.d, rup, D_2P32_M_HALF, WU_MAX, NV
    T_F2W_D 44, fcvt.wu.d, rne, D_M_ZERO, 0, 0
    T_F2W_D 45, fcvt.wu.d, rne, D_M_TWO_HALF, 0, NV
    T_F2W_D 46, fcvt.wu.d, rne, D_INF, WU_MAX, NV

    /* DYN */
    TEST 47
    fsrmi RM_RDN
    SET_S f1, S_M_TWO_HALF
    fcvt.w.s a0, f1, dyn
    EXPECT_W a0, -3
    EXPECT_FLAGS NX
    TEST 48
    fsrmi RM_RMM
    SET_D f1, D_M_TWO_HALF
    fcvt.w.d a0, f1, dyn
    EXPECT_W a0, -3
    EXPECT_FLAGS NX
    fsrmi RM_RNE

    /* Integer to float: 2^24 + 1 needs 25 bits. */
    T_X2S 50, fcvt.s.w, rne, 0x1000001, 0x4b800000, NX
    T_X2S 51, fcvt.s.w, rup, 0x1000001, 0x4b800001, NX
    T_X2S 52, fcvt.s.w, rmm, 0x1000001, 0x4b800001, NX
    T_X2S 53, fcvt.s.w, rdn, -0x1000001, 0xcb800001, NX
    T_X2S 54, fcvt.s.w, rne, -1, S_M_ONE, 0
    T_X2S 55, fcvt.s.w, rne, 0, 0, 0
    T_X2S 56, fcvt.s.w, rne, -0x80000000, S_M_2P31, 0
    /* WU reads the register as unsigned 32 bits (li -1: all ones) */
    T_X2S 57, fcvt.s.wu, rne, -1, S_2P32, NX
    T_X2S 58, fcvt.s.wu, rtz, -1, 0x4f7fffff, NX
    T_X2D 59, fcvt.d.w, -0x80000000, 0xc1e0000000000000, 0
    T_X2D 60, fcvt.d.wu, -1, 0x41efffffffe00000, 0
    T_X2D 61, fcvt.d.w, 7, 0x401c000000000000, 0

    /* binary64 -> binary32 rounds; binary32 -> binary64 is exact */
    TEST 70
    SET_D f1, D_THIRD
    fcvt.s.d f3, f1, rne
    EXPECT_S f3, 0x3eaaaaab
    EXPECT_FLAGS NX
    TEST 71
    fcvt.s.d f3, f1, rtz
    EXPECT_S f3, 0x3eaaaaaa
    EXPECT_FLAGS NX
    TEST 72
    SET_D f1, D_MAX
    fcvt.s.d f3, f1, rne
    EXPECT_S f3, S_INF
    EXPECT_FLAGS OF | NX
    TEST 73
    fcvt.s.d f3, f1, rtz
    EXPECT_S f3, S_MAX
    EXPECT_FLAGS OF | NX
    /* 2^-150: half the smallest subnormal, a tie */
    TEST 74
    SET_D f1, 0x3690000000000000
    fcvt.s.d f3, f1, rne
    EXPECT_S f3, 0
    EXPECT_FLAGS UF | NX
    TEST 75
    fcvt.s.d f3, f1, rup
    EXPECT_S f3, 0x00000001
    EXPECT_FLAGS UF | NX
    /* NaNs become the canonical NaN; only a signaling one raises NV */
    TEST 76
    SET_D f1, 0xfff8000000000123
    fcvt.s.d f3, f1, rne
    EXPECT_S f3, S_QNAN
    EXPECT_FLAGS 0
    TEST 77
    SET_D f1, D_SNAN
    fcvt.s.d f3, f1, rne
    EXPECT_S f3, S_QNAN
    EXPECT_FLAGS NV
    TEST 78
    SET_S f1, 0x3eaaaaab
    fcvt.d.s f3, f1
    EXPECT_D f3, 0x3fd5555560000000
    EXPECT_FLAGS 0
    TEST 79
    SET_S f1, 0x00000001
    fcvt.d.s f3, f1
    EXPECT_D f3, 0x36a0000000000000
    EXPECT_FLAGS 0
    TEST 80
    SET_S f1, S_M_INF
    fcvt.d.s f3, f1
    EXPECT_D f3, D_M_INF
    EXPECT_FLAGS 0
    TEST 81
    SET_S f1, S_SNAN
    fcvt.d.s f3, f1
    EXPECT_D f3, D_QNAN
    EXPECT_FLAGS NV

#if __riscv_xlen == 64
    /* The 32-bit forms read bits 31:0 of rs1 only. */
    T_X2S 90, fcvt.s.w, rne, 0x180000000, S_M_2P31, 0
    T_X2S 91, fcvt.s.wu, rne, 0x1234567800000001, S_ONE, 0
    T_X2D 92, fcvt.d.w, 0x00000001ffffffff, 0xbff0000000000000, 0

    T_F2L_S 100, fcvt.l.s, rne, S_ONE_HALF, 2, NX
    T_F2L_S 101, fcvt.l.s, rdn, S_M_TWO_HALF, -3, NX
    T_F2L_S 102, fcvt.l.s, rne, S_3E9, 3000000000, 0
    T_F2L_S 103, fcvt.l.s, rne, S_M_2P63, 0x8000000000000000, 0
    T_F2L_S 104, fcvt.l.s, rne, S_2P63, 0x7fffffffffffffff, NV
    T_F2L_S 105, fcvt.l.s, rne, S_QNAN, 0x7fffffffffffffff, NV
    T_F2L_S 106, fcvt.l.s, rne, S_M_INF, 0x8000000000000000, NV
    T_F2L_S 107, fcvt.lu.s, rne, S_M_ONE, 0, NV
    T_F2L_S 108, fcvt.lu.s, rne, S_2P64, 0xffffffffffffffff, NV
    T_F2L_S 109, fcvt.lu.s, rne, 0x5f0ac723, 0x8ac7230000000000, 0
    T_F2L_S 110, fcvt.lu.s, rtz, S_M_HALF, 0, NX
    T_F2L_D 111, fcvt.l.d, rne, D_QNAN, 0x7fffffffffffffff, NV
    T_F2L_D 112, fcvt.l.d, rne, D_M_INF, 0x8000000000000000, NV
    T_F2L_D 113, fcvt.l.d, rmm, D_M_TWO_HALF, -3, NX
    T_F2L_D 114, fcvt.l.d, rne, D_2P31_M_HALF, 0x80000000, NX
    T_F2L_D 115, fcvt.lu.d, rne, 0x43efffffffffffff, 0xfffffffffffff800, 0
    T_F2L_D 116, fcvt.lu.d, rne, 0x43f0000000000000, 0xffffffffffffffff, NV
    T_F2L_D 117, fcvt.lu.d, rne, D_M_TWO_HALF, 0, NV

    /* 2^63 - 1 and 2^64 - 1 need 63 and 64 bits */
    T_X2S 120, fcvt.s.l, rne, 0x7fffffffffffffff, S_2P63, NX
    T_X2S 121, fcvt.s.l, rtz, 0x7fffffffffffffff, 0x5effffff, NX
    T_X2S 122, fcvt.s.l, rne, -1, S_M_ONE, 0
    T_X2S 123, fcvt.s.lu, rne, -1, S_2P64, NX
    T_X2S 124, fcvt.s.lu, rtz, -1, 0x5f7fffff, NX
    T_X2D 125, fcvt.d.l, 0x20000000000001, 0x4340000000000000, NX, rne
    T_X2D 126, fcvt.d.l, 0x20000000000001, 0x4340000000000001, NX, rup
    T_X2D 127, fcvt.d.l, 0x8000000000000000, 0xc3e0000000000000, 0, rne
    T_X2D 128, fcvt.d.lu, -1, 0x43f0000000000000, NX, rne
    T_X2D 129, fcvt.d.lu, -1, 0x43efffffffffffff, NX, rtz
#endif

    TEST_END
