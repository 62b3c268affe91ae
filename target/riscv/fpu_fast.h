/*
 * softfloat.h's operations with fast paths: fpu_fast_X takes the
 * arguments of softfloat.h's X and gives its result and flags bit for
 * bit, computing the common cases on the host FPU or in a few integer
 * operations and handing every other case to softfloat.c, which computes
 * in integer arithmetic and costs tens of nanoseconds an operation.
 *
 * On the host FPU: add, sub, mul, div, sqrt, fused multiply-add.  x86-64
 * SSE is IEEE 754 binary32/64 and, in a process's default MXCSR (round
 * to nearest even, no denormals-are-zero), rounds exactly as RISC-V RNE
 * does, subnormal operands included.  The host result is taken only when
 *  - the rounding mode is RNE and the host runs in that default mode
 *    (checked on every operation: fpu_fast_host_default);
 *  - the result is finite and at least twice the smallest normal in
 *    magnitude.  A finite RNE result means no overflow.  A rounded result
 *    of 2^(emin+1) or more means the exact one was at least 2^emin, hence
 *    not tiny whatever rounding the tininess test uses (11.4), so no
 *    underflow.  Every invalid operation (inf - inf, 0 * inf, 0/0,
 *    inf/inf, sqrt of a negative number, a signaling NaN operand) gives a
 *    NaN and every division by zero an infinity, and an infinite or NaN
 *    operand gives an infinite, NaN or zero result, so a result that
 *    passes also means no NV, no DZ and no NaN to make canonical;
 *  - or the result is a zero that is exact: any zero sum or difference
 *    (the exact sum of two binary floating-point numbers is a multiple of
 *    the smallest subnormal, so it rounds to zero only when it is zero),
 *    the square root of a zero, a product with a zero factor, a quotient
 *    with a zero dividend.  The host gives it the sign IEEE 754 (6.3)
 *    does.
 * The only flag such an operation can raise is NX, which is the host's
 * precision flag (MXCSR.PE), cleared before the operation and read after;
 * each operand is passed through the asm statements that clear and read
 * MXCSR, so the compiler cannot move the operation across them.  When
 * st->flags already holds NX on entry (a caller presets it from the
 * sticky fflags.NX), MXCSR.PE is not tracked at all: the result's flags
 * are the same either way.  That is the common case, and the cheap one:
 * reading MXCSR costs several times the arithmetic, writing it more.
 *
 * In integer operations, on any host: comparisons, min and max on
 * operands that are not NaNs; conversions to an integer whose rounded
 * value fits; every conversion from an integer; binary32 to binary64 of a
 * zero or a normal number; binary64 to binary32 when the result is normal
 * and not near the bottom of the range.
 *
 * tests/unit/fpu-fast-test.c compares every function here with the
 * softfloat.c function it stands for on millions of operands, and every
 * F/D helper (fpu_helper.c) with softfloat.c.
 */
#ifndef KILN_RISCV_FPU_FAST_H
#define KILN_RISCV_FPU_FAST_H

#include <stdint.h>
#include <string.h>

#include "softfloat.h"

/*
 * The format-dependent tests, one template for binary64 and binary32.
 * _negative: the sign bit.  _nan: a NaN (all-ones exponent, non-zero
 * fraction).  _zero: +0 or -0.  _result: finite and of magnitude
 * 2^(emin+1) or more (see the top).  _key: an integer that orders as the
 * value does, -0 just below +0, for what is not a NaN.
 */
#define FPU_FAST_FORMAT_TESTS(fmt, utype, stype, mant_bits, exp_mask)       \
static inline bool fpu_fast_##fmt##_nan(utype a)                            \
{                                                                           \
    return (utype)(a << 1) > (utype)((utype)(exp_mask) << ((mant_bits) + 1)); \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_negative(utype a)                       \
{                                                                           \
    return a >> (sizeof(utype) * 8 - 1);                                    \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_zero(utype a)                           \
{                                                                           \
    return (utype)(a << 1) == 0;                                            \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_result(utype r)                         \
{                                                                           \
    utype e = (r >> (mant_bits)) & (exp_mask);                              \
                                                                            \
    return (utype)(e - 2) < (exp_mask) - 2;                                 \
}                                                                           \
                                                                            \
static inline stype fpu_fast_##fmt##_key(utype a)                           \
{                                                                           \
    utype magnitude_mask = (utype)-1 >> 1;                                  \
                                                                            \
    return (stype)(a ^ (fpu_fast_##fmt##_negative(a) ? magnitude_mask : 0)); \
}

FPU_FAST_FORMAT_TESTS(f64, uint64_t, int64_t, 52, 0x7ff)
FPU_FAST_FORMAT_TESTS(f32, uint32_t, int32_t, 23, 0xff)

#if defined(__x86_64__) && defined(__SSE2_MATH__) && defined(__GNUC__)

#include <emmintrin.h>

/* MXCSR fields (Intel SDM vol. 1, 10.2.3). */
#define FPU_FAST_MXCSR_PE   (1u << 5)
#define FPU_FAST_MXCSR_DAZ  (1u << 6)
#define FPU_FAST_MXCSR_RC   (3u << 13)
#define FPU_FAST_MXCSR_FTZ  (1u << 15)

/*
 * Whether the host runs in the default mode, found with one four-lane
 * binary32 addition rather than by reading MXCSR, which costs more than
 * the arithmetic (and rounding is one control for both formats):
 * 1 + 2^-30 stays 1 in RNE, RTZ and RDN but not RUP; 1 + 0.75 ulp rounds
 * up in RNE and RUP but not RTZ and RDN; 2^-149 + 2^-149 is 2^-148, but 0
 * when denormals are zero.  Flush-to-zero matters only to the zero sums
 * the fast path takes, which it could make of exact tiny ones: if it
 * flushes exact results, it flushes 2^-148 too; if it does not, it never
 * touches a sum.
 */
static inline bool fpu_fast_host_default(void)
{
    __m128 x = _mm_setr_ps(1.0f, 1.0f, 0x1p-149f, 0.0f);
    const __m128 y = _mm_setr_ps(0x1p-30f, 0x1.8p-24f, 0x1p-149f, 0.0f);
    const __m128i want = _mm_setr_epi32(0x3f800000, 0x3f800001, 2, 0);

    __asm__ volatile("" : "+x"(x));
    return _mm_movemask_epi8(_mm_cmpeq_epi32(_mm_castps_si128(_mm_add_ps(x, y)),
                                             want)) == 0xffff;
}

/* a OP b on the host; ZERO_EXACT: a zero result is exact (see the top). */
#define FPU_FAST_HOST_BINARY(fmt, utype, ftype, name, op, zero_exact)       \
static inline bool fpu_fast_##fmt##_##name##_host(utype a, utype b,         \
                                                  utype *r, FpStatus *st)   \
{                                                                           \
    ftype x = fpu_fast_##fmt##_host(a), y = fpu_fast_##fmt##_host(b), z = 0; \
    bool track = !(st->flags & FP_NX);                                      \
                                                                            \
    return fpu_fast_##fmt##_begin(&x, &y, &z, track) &&                     \
           fpu_fast_##fmt##_finish(x op y, zero_exact, track, r, st);       \
}

/*
 * The host side, one template for binary64 and binary32:
 *
 * _begin, when PE is tracked, reads MXCSR with the three operands as asm
 * operands, so that the operation on them is ordered after it, checks the
 * mode and clears PE; false when the host runs in a mode other than the
 * default, in which its results differ.  Untracked, it only checks the
 * mode.
 *
 * _finish takes the host result H when it may be returned (see the top),
 * with NX from PE or, untracked, NX.
 *
 * The operations compute on the host and return false, leaving *R and ST
 * alone, when the host result cannot be used.  sqrt is the instruction
 * itself: sqrt() may set errno or call libm.  _muladd needs the host's
 * FMA instruction (a separate multiply and add round twice), compiled for
 * FMA and used only where the CPU has it; negating an operand is exact,
 * so -(a * b) +- c is fma(-a, b, +-c).
 */
#define FPU_FAST_FORMAT_HOST(fmt, utype, ftype, sign, sqrt_insn, fma_fn)    \
static inline ftype fpu_fast_##fmt##_host(utype v)                          \
{                                                                           \
    ftype f;                                                                \
                                                                            \
    memcpy(&f, &v, sizeof(f));                                              \
    return f;                                                               \
}                                                                           \
                                                                            \
static inline utype fpu_fast_##fmt##_bits(ftype f)                          \
{                                                                           \
    utype v;                                                                \
                                                                            \
    memcpy(&v, &f, sizeof(v));                                              \
    return v;                                                               \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_begin(ftype *x, ftype *y, ftype *z,     \
                                          bool track)                       \
{                                                                           \
    uint32_t m;                                                             \
                                                                            \
    if (!track) {                                                           \
        return fpu_fast_host_default();                                     \
    }                                                                       \
    __asm__ volatile("stmxcsr %0" : "=m"(m), "+x"(*x), "+x"(*y), "+x"(*z)); \
    if (m & (FPU_FAST_MXCSR_RC | FPU_FAST_MXCSR_FTZ | FPU_FAST_MXCSR_DAZ)) { \
        return false;                                                       \
    }                                                                       \
    if (m & FPU_FAST_MXCSR_PE) {                                            \
        m &= ~FPU_FAST_MXCSR_PE;                                            \
        __asm__ volatile("ldmxcsr %3"                                       \
                         : "+x"(*x), "+x"(*y), "+x"(*z) : "m"(m));          \
    }                                                                       \
    return true;                                                            \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_finish(ftype h, bool zero_exact,        \
                                           bool track, utype *r,            \
                                           FpStatus *st)                    \
{                                                                           \
    utype bits = fpu_fast_##fmt##_bits(h);                                  \
    uint32_t m;                                                             \
                                                                            \
    if (__builtin_expect(!fpu_fast_##fmt##_result(bits), 0) &&              \
        !(zero_exact && fpu_fast_##fmt##_zero(bits))) {                     \
        return false;                                                       \
    }                                                                       \
    if (track) {                                                            \
        __asm__ volatile("stmxcsr %0" : "=m"(m) : "x"(h));                  \
        st->flags |= (m & FPU_FAST_MXCSR_PE) ? FP_NX : 0;                   \
    }                                                                       \
    *r = bits;                                                              \
    return true;                                                            \
}                                                                           \
                                                                            \
FPU_FAST_HOST_BINARY(fmt, utype, ftype, add, +, true)                       \
FPU_FAST_HOST_BINARY(fmt, utype, ftype, sub, -, true)                       \
FPU_FAST_HOST_BINARY(fmt, utype, ftype, mul, *,                             \
                     fpu_fast_##fmt##_zero(a) || fpu_fast_##fmt##_zero(b))  \
FPU_FAST_HOST_BINARY(fmt, utype, ftype, div, /, fpu_fast_##fmt##_zero(a))   \
                                                                            \
static inline bool fpu_fast_##fmt##_sqrt_host(utype a, utype *r,            \
                                              FpStatus *st)                 \
{                                                                           \
    ftype x = fpu_fast_##fmt##_host(a), y = 0, z = 0, h;                    \
    bool track = !(st->flags & FP_NX);                                      \
                                                                            \
    if (!fpu_fast_##fmt##_begin(&x, &y, &z, track)) {                       \
        return false;                                                       \
    }                                                                       \
    __asm__(sqrt_insn " %1, %0" : "=x"(h) : "x"(x));                        \
    return fpu_fast_##fmt##_finish(h, true, track, r, st);                  \
}                                                                           \
                                                                            \
__attribute__((target("fma")))                                              \
static inline bool fpu_fast_##fmt##_muladd_fma(utype a, utype b, utype c,   \
                                               utype *r, FpStatus *st)      \
{                                                                           \
    ftype x = fpu_fast_##fmt##_host(a), y = fpu_fast_##fmt##_host(b);       \
    ftype z = fpu_fast_##fmt##_host(c);                                     \
    bool track = !(st->flags & FP_NX);                                      \
                                                                            \
    return fpu_fast_##fmt##_begin(&x, &y, &z, track) &&                     \
           fpu_fast_##fmt##_finish(fma_fn(x, y, z), false, track, r, st);   \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_muladd_host(utype a, utype b, utype c,  \
                                                bool negate_product,        \
                                                bool negate_addend,         \
                                                utype *r, FpStatus *st)     \
{                                                                           \
    return fpu_fast_has_fma() &&                                            \
           fpu_fast_##fmt##_muladd_fma(a ^ (negate_product ? (sign) : 0), b, \
                                       c ^ (negate_addend ? (sign) : 0),    \
                                       r, st);                              \
}

static inline bool fpu_fast_has_fma(void)
{
    return __builtin_cpu_supports("fma");
}

FPU_FAST_FORMAT_HOST(f64, uint64_t, double, 1ull << 63, "sqrtsd",
                     __builtin_fma)
FPU_FAST_FORMAT_HOST(f32, uint32_t, float, 1u << 31, "sqrtss",
                     __builtin_fmaf)

#else

/* Another host: arithmetic goes to softfloat.c. */
#define FPU_FAST_FORMAT_HOST(fmt, utype)                                    \
static inline bool fpu_fast_##fmt##_add_host(utype a, utype b, utype *r,    \
                                             FpStatus *st)                  \
{                                                                           \
    return false;                                                           \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_sub_host(utype a, utype b, utype *r,    \
                                             FpStatus *st)                  \
{                                                                           \
    return false;                                                           \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_mul_host(utype a, utype b, utype *r,    \
                                             FpStatus *st)                  \
{                                                                           \
    return false;                                                           \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_div_host(utype a, utype b, utype *r,    \
                                             FpStatus *st)                  \
{                                                                           \
    return false;                                                           \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_sqrt_host(utype a, utype *r,            \
                                              FpStatus *st)                 \
{                                                                           \
    return false;                                                           \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_muladd_host(utype a, utype b, utype c,  \
                                                bool negate_product,        \
                                                bool negate_addend,         \
                                                utype *r, FpStatus *st)     \
{                                                                           \
    return false;                                                           \
}

FPU_FAST_FORMAT_HOST(f64, uint64_t)
FPU_FAST_FORMAT_HOST(f32, uint32_t)

#endif

/*
 * Rounding a magnitude in mode RM (IEEE 4.3): whether it goes up by one
 * unit, given the parity of its last kept bit, ODD, and the bits cut off
 * below it, REM, of which HALF is the half-way value.
 */
static inline bool fpu_fast_round_up(unsigned rm, bool negative, bool odd,
                                     uint64_t rem, uint64_t half)
{
    if (!rem) {
        return false;
    }
    switch (rm) {
    case FP_RNE:
        return rem > half || (rem == half && odd);
    case FP_RTZ:
        return false;
    case FP_RDN:
        return negative;
    case FP_RUP:
        return !negative;
    default:
        return rem >= half;
    }
}

/*
 * The conversion NAME to an integer of WIDTH bits: its magnitude from
 * _to_mag where that is exact and in range (below 2^(WIDTH-1) signed;
 * unsigned, below 2^WIDTH, and only 0 for a negative value), else
 * softfloat.
 */
#define FPU_FAST_TO_INT(fmt, utype, name, itype, width, is_signed)           \
static inline itype fpu_fast_##fmt##_##name(utype a, uint8_t rm,            \
                                            FpStatus *st)                   \
{                                                                           \
    bool negative = fpu_fast_##fmt##_negative(a);                           \
    uint64_t m;                                                             \
                                                                            \
    if (!fpu_fast_##fmt##_to_mag(a, rm, (is_signed) ? (width) - 1           \
                                        : negative ? 0 : (width), &m, st)) {  \
        return fmt##_##name(a, rm, st);                                     \
    }                                                                       \
    return (itype)(negative ? -m : m);                                      \
}

/* OP on the host where that is exact (fpu_fast_*_OP_host), else softfloat. */
#define FPU_FAST_BINARY(fmt, utype, op)                                     \
static inline utype fpu_fast_##fmt##_##op(utype a, utype b, FpStatus *st)   \
{                                                                           \
    utype r;                                                                \
                                                                            \
    if (st->rm == FP_RNE && fpu_fast_##fmt##_##op##_host(a, b, &r, st)) {   \
        return r;                                                           \
    }                                                                       \
    return fmt##_##op(a, b, st);                                            \
}

/*
 * The softfloat.h operations of the same names, one template for
 * binary64 and binary32 (BIAS, MANT_BITS, EXP_MASK: the format's exponent
 * bias, stored fraction width and exponent field).
 *
 * Comparisons, min and max of two numbers that are not NaNs compare
 * _key()s, which order -0 below +0: right for min and max (11.6), and
 * right for the comparisons, which find -0 equal to +0, once two zeros
 * are caught first.  They raise no flag.
 *
 * _to_mag: |a| rounded with RM to an integer below 2^LIMIT_BITS, with NX
 * when that was inexact, or false (ST untouched) when it is not below
 * 2^LIMIT_BITS or a is a NaN or an infinity (too large an exponent).
 * The conversions take the result when its magnitude is below 2^(bits-1)
 * signed, 2^bits unsigned, and 0 unsigned for a negative number: all in
 * range, which is checked on the rounded value (11.7), so -0.4 converts
 * to an unsigned 0 under RTZ but not under RDN.
 *
 * _from_mag: the integer of magnitude MAG, rounded with st->rm; a 64-bit
 * integer never overflows either format.
 */
#define FPU_FAST_FORMAT_OPS(fmt, utype, bias, mant_bits, exp_mask)          \
FPU_FAST_BINARY(fmt, utype, add)                                            \
FPU_FAST_BINARY(fmt, utype, sub)                                            \
FPU_FAST_BINARY(fmt, utype, mul)                                            \
FPU_FAST_BINARY(fmt, utype, div)                                            \
                                                                            \
static inline utype fpu_fast_##fmt##_sqrt(utype a, FpStatus *st)            \
{                                                                           \
    utype r;                                                                \
                                                                            \
    if (st->rm == FP_RNE && fpu_fast_##fmt##_sqrt_host(a, &r, st)) {        \
        return r;                                                           \
    }                                                                       \
    return fmt##_sqrt(a, st);                                               \
}                                                                           \
                                                                            \
static inline utype fpu_fast_##fmt##_muladd(utype a, utype b, utype c,      \
                                            bool negate_product,            \
                                            bool negate_addend,             \
                                            FpStatus *st)                   \
{                                                                           \
    utype r;                                                                \
                                                                            \
    if (st->rm == FP_RNE &&                                                 \
        fpu_fast_##fmt##_muladd_host(a, b, c, negate_product,               \
                                     negate_addend, &r, st)) {              \
        return r;                                                           \
    }                                                                       \
    return fmt##_muladd(a, b, c, negate_product, negate_addend, st);        \
}                                                                           \
                                                                            \
static inline utype fpu_fast_##fmt##_min(utype a, utype b, FpStatus *st)    \
{                                                                           \
    if (fpu_fast_##fmt##_nan(a) || fpu_fast_##fmt##_nan(b)) {               \
        return fmt##_min(a, b, st);                                         \
    }                                                                       \
    return fpu_fast_##fmt##_key(a) <= fpu_fast_##fmt##_key(b) ? a : b;      \
}                                                                           \
                                                                            \
static inline utype fpu_fast_##fmt##_max(utype a, utype b, FpStatus *st)    \
{                                                                           \
    if (fpu_fast_##fmt##_nan(a) || fpu_fast_##fmt##_nan(b)) {               \
        return fmt##_max(a, b, st);                                         \
    }                                                                       \
    return fpu_fast_##fmt##_key(a) >= fpu_fast_##fmt##_key(b) ? a : b;      \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_zeros(utype a, utype b)                 \
{                                                                           \
    return (utype)((a | b) << 1) == 0;                                      \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_eq(utype a, utype b, FpStatus *st)      \
{                                                                           \
    if (fpu_fast_##fmt##_nan(a) || fpu_fast_##fmt##_nan(b)) {               \
        return fmt##_eq(a, b, st);                                          \
    }                                                                       \
    return a == b || fpu_fast_##fmt##_zeros(a, b);                          \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_lt(utype a, utype b, FpStatus *st)      \
{                                                                           \
    if (fpu_fast_##fmt##_nan(a) || fpu_fast_##fmt##_nan(b)) {               \
        return fmt##_lt(a, b, st);                                          \
    }                                                                       \
    return fpu_fast_##fmt##_key(a) < fpu_fast_##fmt##_key(b) &&             \
           !fpu_fast_##fmt##_zeros(a, b);                                   \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_le(utype a, utype b, FpStatus *st)      \
{                                                                           \
    if (fpu_fast_##fmt##_nan(a) || fpu_fast_##fmt##_nan(b)) {               \
        return fmt##_le(a, b, st);                                          \
    }                                                                       \
    return fpu_fast_##fmt##_key(a) <= fpu_fast_##fmt##_key(b) ||            \
           fpu_fast_##fmt##_zeros(a, b);                                    \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_to_mag(utype a, unsigned rm,            \
                                           unsigned limit_bits,             \
                                           uint64_t *mag, FpStatus *st)     \
{                                                                           \
    const utype one = (utype)1 << (mant_bits);                              \
    bool negative = fpu_fast_##fmt##_negative(a);                           \
    int e = (int)((a >> (mant_bits)) & (exp_mask)) - (bias);                \
    utype sig = (a & (one - 1)) | one;                                      \
    uint64_t m, rem, half;                                                  \
                                                                            \
    if (e >= (int)limit_bits) {                                             \
        return false;                                                       \
    }                                                                       \
    if (e >= (mant_bits)) {                                                 \
        *mag = (uint64_t)sig << (e - (mant_bits));                          \
        return true;                                                        \
    }                                                                       \
    if (e >= 0) {                                                           \
        m = sig >> ((mant_bits) - e);                                       \
        rem = sig & ((one >> e) - 1);                                       \
        half = one >> (e + 1);                                              \
    } else {                                                                \
        /* Below 1, zeros and subnormals too: REM of HALF is 0 for a */     \
        /* zero, 1 below 0.5, 2 at 0.5, 3 above. */                         \
        m = 0;                                                              \
        rem = (utype)(a << 1) == 0 ? 0 : e < -1 ? 1 : sig == one ? 2 : 3;   \
        half = 2;                                                           \
    }                                                                       \
    m += fpu_fast_round_up(rm, negative, m & 1, rem, half);                 \
    if (limit_bits < 64 && m >> limit_bits) {                               \
        return false;                                                       \
    }                                                                       \
    if (rem) {                                                              \
        st->flags |= FP_NX;                                                 \
    }                                                                       \
    *mag = m;                                                               \
    return true;                                                            \
}                                                                           \
                                                                            \
FPU_FAST_TO_INT(fmt, utype, to_i32, int32_t, 32, true)                      \
FPU_FAST_TO_INT(fmt, utype, to_u32, uint32_t, 32, false)                    \
FPU_FAST_TO_INT(fmt, utype, to_i64, int64_t, 64, true)                      \
FPU_FAST_TO_INT(fmt, utype, to_u64, uint64_t, 64, false)                    \
                                                                            \
static inline utype fpu_fast_##fmt##_from_mag(bool negative, uint64_t mag,  \
                                              FpStatus *st)                 \
{                                                                           \
    const utype one = (utype)1 << (mant_bits);                              \
    uint64_t rem = 0, half = 0, m = mag;                                    \
    int e;                                                                  \
    utype r;                                                                \
                                                                            \
    if (mag == 0) {                                                         \
        return 0;                                                           \
    }                                                                       \
    e = 63 - __builtin_clzll(mag);                                          \
    if (e <= (mant_bits)) {                                                 \
        m <<= (mant_bits) - e;                                              \
    } else {                                                                \
        rem = mag & ((1ull << (e - (mant_bits))) - 1);                      \
        half = 1ull << (e - (mant_bits) - 1);                               \
        m >>= e - (mant_bits);                                              \
    }                                                                       \
    /* A carry out of the significand steps the exponent, as it should. */  \
    r = (utype)negative << (sizeof(utype) * 8 - 1) |                        \
        (utype)(e + (bias)) << (mant_bits) | ((utype)m & (one - 1));        \
    r += fpu_fast_round_up(st->rm, negative, m & 1, rem, half);             \
    if (rem) {                                                              \
        st->flags |= FP_NX;                                                 \
    }                                                                       \
    return r;                                                               \
}

FPU_FAST_FORMAT_OPS(f64, uint64_t, 1023, 52, 0x7ff)
FPU_FAST_FORMAT_OPS(f32, uint32_t, 127, 23, 0xff)

/* The magnitude of a signed integer, the most negative one included. */
static inline uint64_t fpu_fast_magnitude(int64_t a)
{
    return a < 0 ? -(uint64_t)a : (uint64_t)a;
}

/* From an integer: every one is in range of both formats. */
#define FPU_FAST_FROM_INT(fmt, utype)                                       \
static inline utype fpu_fast_i32_to_##fmt(int32_t a, FpStatus *st)          \
{                                                                           \
    return fpu_fast_##fmt##_from_mag(a < 0, fpu_fast_magnitude(a), st);     \
}                                                                           \
                                                                            \
static inline utype fpu_fast_u32_to_##fmt(uint32_t a, FpStatus *st)         \
{                                                                           \
    return fpu_fast_##fmt##_from_mag(false, a, st);                         \
}                                                                           \
                                                                            \
static inline utype fpu_fast_i64_to_##fmt(int64_t a, FpStatus *st)          \
{                                                                           \
    return fpu_fast_##fmt##_from_mag(a < 0, fpu_fast_magnitude(a), st);     \
}                                                                           \
                                                                            \
static inline utype fpu_fast_u64_to_##fmt(uint64_t a, FpStatus *st)         \
{                                                                           \
    return fpu_fast_##fmt##_from_mag(false, a, st);                         \
}

FPU_FAST_FROM_INT(f64, uint64_t)
FPU_FAST_FROM_INT(f32, uint32_t)

/* FCVT.D.S: exact; a zero or a normal number is rebiased and widened. */
static inline uint64_t fpu_fast_f32_to_f64(uint32_t a, FpStatus *st)
{
    uint32_t e = (a >> 23) & 0xff;
    uint64_t sign = (uint64_t)(a >> 31) << 63;

    if (e != 0 && e != 0xff) {
        return sign | (uint64_t)(e + 1023 - 127) << 52 |
               (uint64_t)(a & 0x7fffff) << 29;
    }
    if (!(a << 1)) {
        return sign;
    }
    return f32_to_f64(a, st);
}

/*
 * FCVT.S.D: the significand rounded to 24 bits in place, a carry stepping
 * the exponent, when the exponent is that of a binary32 of 2^(emin+1) or
 * more (no underflow, as at the top) and the rounded one is not all ones
 * (no overflow).
 */
static inline uint32_t fpu_fast_f64_to_f32(uint64_t a, FpStatus *st)
{
    bool negative = a >> 63;
    int e = (int)((a >> 52) & 0x7ff) - 1023 + 127;
    uint64_t rem = a & ((1ull << 29) - 1);
    uint32_t r;

    if (e >= 2 && e <= 0xfe) {
        r = (uint32_t)negative << 31 | (uint32_t)e << 23 |
            (uint32_t)((a >> 29) & 0x7fffff);
        r += fpu_fast_round_up(st->rm, negative, r & 1, rem, 1ull << 28);
        if (((r >> 23) & 0xff) != 0xff) {
            if (rem) {
                st->flags |= FP_NX;
            }
            return r;
        }
    }
    return f64_to_f32(a, st);
}

#endif
