/*
 * FMIN/FMAX (Unpriv 11.6: -0 < +0, a NaN operand gives the other one, two
 * NaNs the canonical NaN, a signaling NaN raises NV), FEQ/FLT/FLE (11.8:
 * FEQ is quiet, FLT and FLE signal on any NaN) and FCLASS (11.9), for F
 * and D.
 */
#include "fp-test.h"

#define S_ONE 0x3f800000
#define S_M_ONE 0xbf800000
#define S_TWO 0x40000000
#define S_M_TWO 0xc0000000
#define S_M_ZERO 0x80000000
#define S_INF 0x7f800000
#define S_M_INF 0xff800000
#define S_QNAN 0x7fc00000
#define S_SNAN 0x7f800001

#define D_ONE 0x3ff0000000000000
#define D_M_ONE 0xbff0000000000000
#define D_TWO 0x4000000000000000
#define D_M_ZERO 0x8000000000000000
#define D_INF 0x7ff0000000000000
#define D_M_INF 0xfff0000000000000
#define D_QNAN 0x7ff8000000000000
#define D_SNAN 0x7ff0000000000001

/* x rd = OP(a, b), then fflags */
.macro T_CMP_S n, op, a, b, res, flags
    TEST \n
    SET_S f1, \a
    SET_S f2, \b
    \op a0, f1, f2
    EXPECT_W a0, \res
    EXPECT_FLAGS \flags
.endm

.macro T_CMP_D n, op, a, b, res, flags
    TEST \n
    SET_D f1, \a
    SET_D f2, \b
    \op a0, f1, f2
    EXPECT_W a0, \res
    EXPECT_FLAGS \flags
.endm

/* FCLASS never sets a flag. */
.macro T_CLASS_S n, a, res
    TEST \n
    SET_S f1, \a
    fclass.s a0, f1
    EXPECT_W a0, \res
    EXPECT_FLAGS 0
.endm

.macro T_CLASS_D n, a, res
    TEST \n
    SET_D f1, \a
    fclass.d a0, f1
    EXPECT_W a0, \res
    EXPECT_FLAGS 0
.endm

/* fmin/fmax have no rm: the table macros take the mnemonic's operands. */
.macro T_MINMAX_S n, op, a, b, res, flags
    TEST \n
    SET_S f1, \a
    SET_S f2, \b
    \op f3, f1, f2
    EXPECT_S f3, \res
    EXPECT_FLAGS \flags
.endm

.macro T_MINMAX_D n, op, a, b, res, flags
    TEST \n
    SET_D f1, \a
    SET_D f2, \b
    \op f3, f1, f2
    EXPECT_D f3, \res
    EXPECT_FLAGS \flags
.endm

    TEST_BEGIN

    T_MINMAX_S 1, fmin.s, S_M_ZERO, 0, S_M_ZERO, 0
    T_MINMAX_S 2, fmin.s, 0, S_M_ZERO, S_M_ZERO, 0
    T_MINMAX_S 3, fmax.s, S_M_ZERO, 0, 0, 0
    T_MINMAX_S 4, fmax.s, 0, S_M_ZERO, 0, 0
    T_MINMAX_S 5, fmin.s, S_QNAN, S_ONE, S_ONE, 0
    T_MINMAX_S 6, fmin.s, S_M_ONE, 0x7fc12345, S_M_ONE, 0
    T_MINMAX_S 7, fmax.s, S_SNAN, S_ONE, S_ONE, NV
    T_MINMAX_S 8, fmax.s, S_M_ONE, 0xff800123, S_M_ONE, NV
    /* Two NaNs: the canonical NaN, whatever their payloads and signs. */
    T_MINMAX_S 9, fmin.s, 0xffc00001, 0x7fc12345, S_QNAN, 0
    T_MINMAX_S 10, fmax.s, S_SNAN, 0xffc00000, S_QNAN, NV
    T_MINMAX_S 11, fmin.s, S_M_INF, S_ONE, S_M_INF, 0
    T_MINMAX_S 12, fmax.s, S_M_ONE, S_M_TWO, S_M_ONE, 0
    T_MINMAX_S 13, fmax.s, S_INF, S_ONE, S_INF, 0

    T_MINMAX_D 20, fmin.d, D_M_ZERO, 0, D_M_ZERO, 0
    T_MINMAX_D 21, fmin.d, 0, D_M_ZERO, D_M_ZERO, 0
    T_MINMAX_D 22, fmax.d, D_M_ZERO, 0, 0, 0
    T_MINMAX_D 23, fmax.d, 0, D_M_ZERO, 0, 0
    T_MINMAX_D 24, fmin.d, D_QNAN, D_ONE, D_ONE, 0
    T_MINMAX_D 25, fmin.d, D_M_ONE, 0x7ff8000000012345, D_M_ONE, 0
    T_MINMAX_D 26, fmax.d, D_SNAN, D_ONE, D_ONE, NV
    T_MINMAX_D 27, fmin.d, 0xfff8000000000001, 0x7ff8000000012345, D_QNAN, 0
    T_MINMAX_D 28, fmax.d, D_SNAN, D_SNAN, D_QNAN, NV
    T_MINMAX_D 29, fmin.d, D_M_INF, D_ONE, D_M_INF, 0
    T_MINMAX_D 30, fmax.d, D_ONE, D_TWO, D_TWO, 0

    T_CMP_S 40, feq.s, S_ONE, S_ONE, 1, 0
    T_CMP_S 41, feq.s, S_M_ZERO, 0, 1, 0
    T_CMP_S 42, flt.s, S_M_ZERO, 0, 0, 0
    T_CMP_S 43, fle.s, S_M_ZERO, 0, 1, 0
    T_CMP_S 44, flt.s, S_ONE, S_TWO, 1, 0
    T_CMP_S 45, flt.s, S_TWO, S_ONE, 0, 0
    T_CMP_S 46, fle.s, S_TWO, S_TWO, 1, 0
    T_CMP_S 47, flt.s, S_M_INF, S_INF, 1, 0
    T_CMP_S 48, fle.s, S_M_TWO, S_M_ONE, 1, 0
    /* A quiet NaN: FEQ is quiet, FLT and FLE are signaling. */
    T_CMP_S 49, feq.s, S_QNAN, S_ONE, 0, 0
    T_CMP_S 50, feq.s, S_QNAN, S_QNAN, 0, 0
    T_CMP_S 51, flt.s, S_QNAN, S_ONE, 0, NV
    T_CMP_S 52, fle.s, S_ONE, S_QNAN, 0, NV
    /* A signaling NaN: all three raise NV. */
    T_CMP_S 53, feq.s, S_SNAN, S_ONE, 0, NV
    T_CMP_S 54, flt.s, S_ONE, S_SNAN, 0, NV
    T_CMP_S 55, fle.s, S_SNAN, S_SNAN, 0, NV

    T_CMP_D 60, feq.d, D_ONE, D_ONE, 1, 0
    T_CMP_D 61, feq.d, D_M_ZERO, 0, 1, 0
    T_CMP_D 62, flt.d, D_M_ZERO, 0, 0, 0
    T_CMP_D 63, fle.d, D_M_ZERO, 0, 1, 0
    T_CMP_D 64, flt.d, D_ONE, D_TWO, 1, 0
    T_CMP_D 65, fle.d, D_TWO, D_ONE, 0, 0
    /* Equal in their high words, the low ones decide. */
    T_CMP_D 66, flt.d, 0x3ff0000000000001, 0x3ff0000000000002, 1, 0
    T_CMP_D 67, feq.d, 0x3ff0000000000001, 0x3ff0000000000002, 0, 0
    T_CMP_D 68, feq.d, D_QNAN, D_ONE, 0, 0
    T_CMP_D 69, flt.d, D_QNAN, D_ONE, 0, NV
    T_CMP_D 70, fle.d, D_ONE, D_QNAN, 0, NV
    T_CMP_D 71, feq.d, D_SNAN, D_ONE, 0, NV
    T_CMP_D 72, flt.d, D_ONE, D_SNAN, 0, NV

    /* FCLASS: each of the ten classes. */
    T_CLASS_S 80, S_M_INF, CLASS_NEG_INF
    T_CLASS_S 81, S_M_ONE, CLASS_NEG_NORMAL
    T_CLASS_S 82, 0x807fffff, CLASS_NEG_SUBNORMAL
    T_CLASS_S 83, S_M_ZERO, CLASS_NEG_ZERO
    T_CLASS_S 84, 0, CLASS_POS_ZERO
    T_CLASS_S 85, 0x00000001, CLASS_POS_SUBNORMAL
    T_CLASS_S 86, 0x00800000, CLASS_POS_NORMAL
    T_CLASS_S 87, S_INF, CLASS_POS_INF
    T_CLASS_S 88, S_SNAN, CLASS_SNAN
    T_CLASS_S 89, 0xffbfffff, CLASS_SNAN
    T_CLASS_S 90, S_QNAN, CLASS_QNAN
    T_CLASS_S 91, 0xffc00001, CLASS_QNAN

    T_CLASS_D 100, D_M_INF, CLASS_NEG_INF
    T_CLASS_D 101, D_M_ONE, CLASS_NEG_NORMAL
    T_CLASS_D 102, 0x800fffffffffffff, CLASS_NEG_SUBNORMAL
    T_CLASS_D 103, D_M_ZERO, CLASS_NEG_ZERO
    T_CLASS_D 104, 0, CLASS_POS_ZERO
    T_CLASS_D 105, 0x0000000000000001, CLASS_POS_SUBNORMAL
    T_CLASS_D 106, 0x0010000000000000, CLASS_POS_NORMAL
    T_CLASS_D 107, D_INF, CLASS_POS_INF
    T_CLASS_D 108, D_SNAN, CLASS_SNAN
    T_CLASS_D 109, 0xfff7ffffffffffff, CLASS_SNAN
    T_CLASS_D 110, D_QNAN, CLASS_QNAN
    T_CLASS_D 111, 0xfff8000000000001, CLASS_QNAN

    TEST_END
