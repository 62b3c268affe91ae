/*
 * F and D arithmetic (Unpriv 11.2, 11.5, 11.6, 12.3, 12.5): each static
 * rounding mode and DYN through frm, with fflags read and cleared after
 * every operation.  Operands are picked so that the five modes do not all
 * agree: a result just beyond an ulp, exact ties, a quotient and a square
 * root that are not ties.  Values are bit patterns.
 */
#include "fp-test.h"

/* binary32 */
#define S_ONE 0x3f800000
#define S_M_ONE 0xbf800000
#define S_TWO 0x40000000
#define S_THREE 0x40400000
#define S_HALF 0x3f000000
#define S_HALF_ULP 0x33800000           /* 2^-24: half an ulp of 1.0 */
#define S_3_QUARTER_ULP 0x33c00000      /* 3 * 2^-25 */
#define S_M_3_QUARTER_ULP 0xb3c00000
#define S_ONE_P 0x3f800001              /* 1 + 2^-23 */
#define S_ONE_M 0x3f7ffffe              /* 1 - 2^-23 */
#define S_MAX 0x7f7fffff
#define S_MIN_NORMAL 0x00800000
#define S_INF 0x7f800000
#define S_M_INF 0xff800000
#define S_QNAN 0x7fc00000
#define S_SNAN 0x7f800001

/* binary64 */
#define D_ONE 0x3ff0000000000000
#define D_M_ONE 0xbff0000000000000
#define D_TWO 0x4000000000000000
#define D_THREE 0x4008000000000000
#define D_HALF 0x3fe0000000000000
#define D_HALF_ULP 0x3ca0000000000000   /* 2^-53 */
#define D_M_3_QUARTER_ULP 0xbca8000000000000
#define D_ONE_P 0x3ff0000000000001      /* 1 + 2^-52 */
#define D_ONE_M 0x3feffffffffffffe      /* 1 - 2^-52 */
#define D_MAX 0x7fefffffffffffff
#define D_MIN_NORMAL 0x0010000000000000
#define D_MIN_NORMAL_P 0x0010000000000001
#define D_INF 0x7ff0000000000000
#define D_QNAN 0x7ff8000000000000

    TEST_BEGIN

    /* -1 - 0.75 ulp: beyond half an ulp, so RNE and RMM round away. */
    T_RR_S 1, fadd.s, rne, S_M_ONE, S_M_3_QUARTER_ULP, 0xbf800001, NX
    T_RR_S 2, fadd.s, rtz, S_M_ONE, S_M_3_QUARTER_ULP, 0xbf800000, NX
    T_RR_S 3, fadd.s, rdn, S_M_ONE, S_M_3_QUARTER_ULP, 0xbf800001, NX
    T_RR_S 4, fadd.s, rup, S_M_ONE, S_M_3_QUARTER_ULP, 0xbf800000, NX
    T_RR_S 5, fadd.s, rmm, S_M_ONE, S_M_3_QUARTER_ULP, 0xbf800001, NX
    /* 1 + half an ulp: a tie, to even (1.0) or away (1 + ulp). */
    T_RR_S 6, fadd.s, rne, S_ONE, S_HALF_ULP, 0x3f800000, NX
    T_RR_S 7, fadd.s, rtz, S_ONE, S_HALF_ULP, 0x3f800000, NX
    T_RR_S 8, fadd.s, rdn, S_ONE, S_HALF_ULP, 0x3f800000, NX
    T_RR_S 9, fadd.s, rup, S_ONE, S_HALF_ULP, 0x3f800001, NX
    T_RR_S 10, fadd.s, rmm, S_ONE, S_HALF_ULP, 0x3f800001, NX
    /* 1 - 1.5 * 2^-24: a tie below 1.0, where the ulp is 2^-24. */
    T_RR_S 11, fsub.s, rne, S_ONE, S_3_QUARTER_ULP, 0x3f7ffffe, NX
    T_RR_S 12, fsub.s, rtz, S_ONE, S_3_QUARTER_ULP, 0x3f7ffffe, NX
    T_RR_S 13, fsub.s, rdn, S_ONE, S_3_QUARTER_ULP, 0x3f7ffffe, NX
    T_RR_S 14, fsub.s, rup, S_ONE, S_3_QUARTER_ULP, 0x3f7fffff, NX
    T_RR_S 15, fsub.s, rmm, S_ONE, S_3_QUARTER_ULP, 0x3f7fffff, NX
    /* (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46 */
    T_RR_S 16, fmul.s, rne, S_ONE_P, S_ONE_P, 0x3f800002, NX
    T_RR_S 17, fmul.s, rtz, S_ONE_P, S_ONE_P, 0x3f800002, NX
    T_RR_S 18, fmul.s, rdn, S_ONE_P, S_ONE_P, 0x3f800002, NX
    T_RR_S 19, fmul.s, rup, S_ONE_P, S_ONE_P, 0x3f800003, NX
    T_RR_S 20, fmul.s, rmm, S_ONE_P, S_ONE_P, 0x3f800002, NX
    /* -1/3: the significand 0x2aaaaa.aa... is not a tie */
    T_RR_S 21, fdiv.s, rne, S_M_ONE, S_THREE, 0xbeaaaaab, NX
    T_RR_S 22, fdiv.s, rtz, S_M_ONE, S_THREE, 0xbeaaaaaa, NX
    T_RR_S 23, fdiv.s, rdn, S_M_ONE, S_THREE, 0xbeaaaaab, NX
    T_RR_S 24, fdiv.s, rup, S_M_ONE, S_THREE, 0xbeaaaaaa, NX
    T_RR_S 25, fdiv.s, rmm, S_M_ONE, S_THREE, 0xbeaaaaab, NX
    /* sqrt(2) = 1.41421356...: 0x3fb504f3 is below it and nearer */
    T_R_S 26, fsqrt.s, rne, S_TWO, 0x3fb504f3, NX
    T_R_S 27, fsqrt.s, rtz, S_TWO, 0x3fb504f3, NX
    T_R_S 28, fsqrt.s, rdn, S_TWO, 0x3fb504f3, NX
    T_R_S 29, fsqrt.s, rup, S_TWO, 0x3fb504f4, NX
    T_R_S 30, fsqrt.s, rmm, S_TWO, 0x3fb504f3, NX

    /*
     * Fused: (1 + 2^-23)(1 - 2^-23) = 1 - 2^-46, so with -1 added the
     * exact result is -2^-46, where a separately rounded product would
     * give 0.  The four sign variants.
     */
    T_RRR_S 31, fmadd.s, rne, S_ONE_P, S_ONE_M, S_M_ONE, 0xa8800000, 0
    T_RRR_S 32, fmsub.s, rne, S_ONE_P, S_ONE_M, S_ONE, 0xa8800000, 0
    T_RRR_S 33, fnmsub.s, rne, S_ONE_P, S_ONE_M, S_ONE, 0x28800000, 0
    T_RRR_S 34, fnmadd.s, rne, S_ONE_P, S_ONE_M, S_M_ONE, 0x28800000, 0
    /* (1 + 2^-23)^2 - 1 = 2^-22 + 2^-46: a tie, rounded once */
    T_RRR_S 35, fmadd.s, rne, S_ONE_P, S_ONE_P, S_M_ONE, 0x34800000, NX
    T_RRR_S 36, fmadd.s, rtz, S_ONE_P, S_ONE_P, S_M_ONE, 0x34800000, NX
    T_RRR_S 37, fmadd.s, rdn, S_ONE_P, S_ONE_P, S_M_ONE, 0x34800000, NX
    T_RRR_S 38, fmadd.s, rup, S_ONE_P, S_ONE_P, S_M_ONE, 0x34800001, NX
    T_RRR_S 39, fmadd.s, rmm, S_ONE_P, S_ONE_P, S_M_ONE, 0x34800001, NX
    /* inf * 0 is invalid even with a quiet NaN addend (11.6) */
    T_RRR_S 40, fmadd.s, rne, S_INF, 0, S_QNAN, S_QNAN, NV
    T_RRR_S 41, fmadd.s, rne, S_INF, 0, S_ONE, S_QNAN, NV
    T_RRR_S 42, fmadd.s, rne, S_ONE, S_ONE, S_SNAN, S_QNAN, NV

    /* Each exception flag. */
    T_RR_S 43, fdiv.s, rne, S_ONE, 0, S_INF, DZ
    T_RR_S 44, fdiv.s, rne, S_M_ONE, 0, S_M_INF, DZ
    T_RR_S 45, fdiv.s, rne, 0, 0, S_QNAN, NV
    T_R_S 46, fsqrt.s, rne, S_M_ONE, S_QNAN, NV
    T_R_S 47, fsqrt.s, rne, 0x80000000, 0x80000000, 0
    T_RR_S 48, fmul.s, rne, S_MAX, S_TWO, S_INF, OF | NX
    T_RR_S 49, fmul.s, rtz, S_MAX, S_TWO, S_MAX, OF | NX
    T_RR_S 50, fmul.s, rup, 0xff7fffff, S_TWO, 0xff7fffff, OF | NX
    /* An exact subnormal result is not an underflow; an inexact one is. */
    T_RR_S 51, fmul.s, rne, S_MIN_NORMAL, S_HALF, 0x00400000, 0
    T_RR_S 52, fmul.s, rne, 0x00800001, S_HALF, 0x00400000, UF | NX
    /* Rounds up to the smallest normal but was tiny: UF (11.4) */
    T_RR_S 53, fmul.s, rne, 0x3f7fffff, S_MIN_NORMAL, S_MIN_NORMAL, UF | NX

    /* DYN: the same instruction under each frm. */
    TEST 54
    SET_S f1, S_M_ONE
    SET_S f2, S_M_3_QUARTER_ULP
    li a0, RM_RNE
    fsrm a0
    fadd.s f3, f1, f2, dyn
    EXPECT_S f3, 0xbf800001
    EXPECT_FLAGS NX
    TEST 55
    li a0, RM_RTZ
    fsrm a0
    fadd.s f3, f1, f2, dyn
    EXPECT_S f3, 0xbf800000
    EXPECT_FLAGS NX
    TEST 56
    li a0, RM_RDN
    fsrm a0
    fadd.s f3, f1, f2, dyn
    EXPECT_S f3, 0xbf800001
    EXPECT_FLAGS NX
    TEST 57
    li a0, RM_RUP
    fsrm a0
    fadd.s f3, f1, f2, dyn
    EXPECT_S f3, 0xbf800000
    EXPECT_FLAGS NX
    TEST 58
    li a0, RM_RMM
    fsrm a0
    SET_S f1, S_ONE
    SET_S f2, S_HALF_ULP
    fadd.s f3, f1, f2, dyn
    EXPECT_S f3, 0x3f800001
    EXPECT_FLAGS NX
    /* A static rm overrides frm (still RMM here). */
    TEST 59
    fadd.s f3, f1, f2, rne
    EXPECT_S f3, 0x3f800000
    EXPECT_FLAGS NX
    csrr a1, frm
    EXPECT_W a1, RM_RMM
    /* frm written through fcsr, the fused ops and sqrt with DYN */
    TEST 60
    li a0, RM_RUP << 5
    csrw fcsr, a0
    SET_S f1, S_ONE_P
    SET_S f4, S_M_ONE
    fmadd.s f3, f1, f1, f4, dyn
    EXPECT_S f3, 0x34800001
    EXPECT_FLAGS NX
    TEST 61
    SET_S f1, S_TWO
    fsqrt.s f3, f1, dyn
    EXPECT_S f3, 0x3fb504f4
    EXPECT_FLAGS NX
    fsrmi RM_RNE

    /* Flags accrue: nothing clears them but a write to fflags/fcsr. */
    TEST 62
    SET_S f1, S_ONE
    fmv.w.x f2, zero
    fdiv.s f3, f1, f2
    SET_S f2, S_THREE
    fdiv.s f3, f1, f2
    fsqrt.s f3, f1
    frcsr a0
    EXPECT_W a0, DZ | NX
    EXPECT_FLAGS DZ | NX

    /* binary64: the same rows. */
    T_RR_D 70, fadd.d, rne, D_M_ONE, D_M_3_QUARTER_ULP, 0xbff0000000000001, NX
    T_RR_D 71, fadd.d, rtz, D_M_ONE, D_M_3_QUARTER_ULP, 0xbff0000000000000, NX
    T_RR_D 72, fadd.d, rdn, D_M_ONE, D_M_3_QUARTER_ULP, 0xbff0000000000001, NX
    T_RR_D 73, fadd.d, rup, D_M_ONE, D_M_3_QUARTER_ULP, 0xbff0000000000000, NX
    T_RR_D 74, fadd.d, rmm, D_M_ONE, D_M_3_QUARTER_ULP, 0xbff0000000000001, NX
    T_RR_D 75, fadd.d, rne, D_ONE, D_HALF_ULP, 0x3ff0000000000000, NX
    T_RR_D 76, fadd.d, rtz, D_ONE, D_HALF_ULP, 0x3ff0000000000000, NX
    T_RR_D 77, fadd.d, rdn, D_ONE, D_HALF_ULP, 0x3ff0000000000000, NX
    T_RR_D 78, fadd.d, rup, D_ONE, D_HALF_ULP, 0x3ff0000000000001, NX
    T_RR_D 79, fadd.d, rmm, D_ONE, D_HALF_ULP, 0x3ff0000000000001, NX
    /* 1 - 1.5 * 2^-53: a tie below 1.0 */
    T_RR_D 80, fsub.d, rne, D_ONE, 0x3ca8000000000000, 0x3feffffffffffffe, NX
    T_RR_D 81, fsub.d, rup, D_ONE, 0x3ca8000000000000, 0x3fefffffffffffff, NX
    T_RR_D 82, fsub.d, rmm, D_ONE, 0x3ca8000000000000, 0x3fefffffffffffff, NX
    T_RR_D 83, fmul.d, rne, D_ONE_P, D_ONE_P, 0x3ff0000000000002, NX
    T_RR_D 84, fmul.d, rtz, D_ONE_P, D_ONE_P, 0x3ff0000000000002, NX
    T_RR_D 85, fmul.d, rdn, D_ONE_P, D_ONE_P, 0x3ff0000000000002, NX
    T_RR_D 86, fmul.d, rup, D_ONE_P, D_ONE_P, 0x3ff0000000000003, NX
    T_RR_D 87, fmul.d, rmm, D_ONE_P, D_ONE_P, 0x3ff0000000000002, NX
    /* -1/3: the significand 0x5555555555555.55... rounds down in magnitude */
    T_RR_D 88, fdiv.d, rne, D_M_ONE, D_THREE, 0xbfd5555555555555, NX
    T_RR_D 89, fdiv.d, rtz, D_M_ONE, D_THREE, 0xbfd5555555555555, NX
    T_RR_D 90, fdiv.d, rdn, D_M_ONE, D_THREE, 0xbfd5555555555556, NX
    T_RR_D 91, fdiv.d, rup, D_M_ONE, D_THREE, 0xbfd5555555555555, NX
    T_RR_D 92, fdiv.d, rmm, D_M_ONE, D_THREE, 0xbfd5555555555555, NX
    /* sqrt(2): 0x3ff6a09e667f3bcd is above it and nearer */
    T_R_D 93, fsqrt.d, rne, D_TWO, 0x3ff6a09e667f3bcd, NX
    T_R_D 94, fsqrt.d, rtz, D_TWO, 0x3ff6a09e667f3bcc, NX
    T_R_D 95, fsqrt.d, rdn, D_TWO, 0x3ff6a09e667f3bcc, NX
    T_R_D 96, fsqrt.d, rup, D_TWO, 0x3ff6a09e667f3bcd, NX
    T_R_D 97, fsqrt.d, rmm, D_TWO, 0x3ff6a09e667f3bcd, NX

    /* (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104, exactly */
    T_RRR_D 98, fmadd.d, rne, D_ONE_P, D_ONE_M, D_M_ONE, 0xb970000000000000, 0
    T_RRR_D 99, fmsub.d, rne, D_ONE_P, D_ONE_M, D_ONE, 0xb970000000000000, 0
    T_RRR_D 100, fnmsub.d, rne, D_ONE_P, D_ONE_M, D_ONE, 0x3970000000000000, 0
    T_RRR_D 101, fnmadd.d, rne, D_ONE_P, D_ONE_M, D_M_ONE, 0x3970000000000000, 0
    /* (1 + 2^-52)^2 - 1 = 2^-51 + 2^-104: a tie */
    T_RRR_D 102, fmadd.d, rne, D_ONE_P, D_ONE_P, D_M_ONE, 0x3cc0000000000000, NX
    T_RRR_D 103, fmadd.d, rtz, D_ONE_P, D_ONE_P, D_M_ONE, 0x3cc0000000000000, NX
    T_RRR_D 104, fmadd.d, rdn, D_ONE_P, D_ONE_P, D_M_ONE, 0x3cc0000000000000, NX
    T_RRR_D 105, fmadd.d, rup, D_ONE_P, D_ONE_P, D_M_ONE, 0x3cc0000000000001, NX
    T_RRR_D 106, fmadd.d, rmm, D_ONE_P, D_ONE_P, D_M_ONE, 0x3cc0000000000001, NX
    T_RRR_D 107, fmadd.d, rne, D_INF, 0, D_QNAN, D_QNAN, NV

    T_RR_D 108, fdiv.d, rne, D_ONE, 0, D_INF, DZ
    T_RR_D 109, fdiv.d, rne, 0, 0, D_QNAN, NV
    T_R_D 110, fsqrt.d, rne, D_M_ONE, D_QNAN, NV
    T_RR_D 111, fmul.d, rne, D_MAX, D_TWO, D_INF, OF | NX
    T_RR_D 112, fmul.d, rdn, D_MAX, D_TWO, D_MAX, OF | NX
    T_RR_D 113, fmul.d, rne, D_MIN_NORMAL, D_HALF, 0x0008000000000000, 0
    T_RR_D 114, fmul.d, rne, D_MIN_NORMAL_P, D_HALF, 0x0008000000000000, UF | NX

    /* DYN, binary64 */
    TEST 115
    SET_D f1, D_M_ONE
    SET_D f2, D_THREE
    fsrmi RM_RNE
    fdiv.d f3, f1, f2, dyn
    EXPECT_D f3, 0xbfd5555555555555
    EXPECT_FLAGS NX
    TEST 116
    fsrmi RM_RDN
    fdiv.d f3, f1, f2, dyn
    EXPECT_D f3, 0xbfd5555555555556
    EXPECT_FLAGS NX
    TEST 117
    fsrmi RM_RTZ
    SET_D f1, D_TWO
    fsqrt.d f3, f1, dyn
    EXPECT_D f3, 0x3ff6a09e667f3bcc
    EXPECT_FLAGS NX
    TEST 118
    fsrmi RM_RMM
    SET_D f1, D_ONE
    SET_D f2, D_HALF_ULP
    fadd.d f3, f1, f2, dyn
    EXPECT_D f3, 0x3ff0000000000001
    EXPECT_FLAGS NX
    TEST 119
    fsrmi RM_RUP
    SET_D f1, D_ONE_P
    SET_D f4, D_M_ONE
    fmadd.d f3, f1, f1, f4, dyn
    EXPECT_D f3, 0x3cc0000000000001
    EXPECT_FLAGS NX
    fsrmi RM_RNE

    TEST_END
