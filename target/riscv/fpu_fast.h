/*
 * binary32/binary64 add, sub, mul, div, sqrt and fused multiply-add on
 * the host FPU where that gives softfloat.c's result and flags bit for
 * bit, and softfloat.c everywhere else.
 *
 * softfloat.c computes in integer arithmetic, which costs tens of
 * nanoseconds an operation.  x86-64 SSE is IEEE 754 binary32/64 and, in a
 * process's default MXCSR (round to nearest even, no flush-to-zero, no
 * denormals-are-zero), rounds exactly as RISC-V RNE does.  The host result
 * is taken only when
 *  - the rounding mode is RNE,
 *  - every operand is zero or normal (no NaN, infinity or subnormal, so no
 *    NaN-propagation or invalid-operation rule can apply),
 *  - the result is finite, non-zero and at least twice the smallest
 *    normal: a finite RNE result means no overflow, and a rounded result
 *    of 2^(emin+1) or more means the exact one was at least 2^emin, hence
 *    not tiny whatever rounding the tininess test uses (11.4), so neither
 *    OF nor UF can arise.  A NaN result (0/0, sqrt of a negative) or an
 *    infinite one (x/0) fails this test too.
 * The only flag such an operation can raise is NX, which is the host's
 * precision flag (MXCSR.PE), cleared before the operation and read after;
 * each operand is passed through the asm statements that clear and read
 * MXCSR, so the compiler cannot move the operation across them.  When
 * st->flags already holds NX on entry (a caller presets it from the
 * sticky fflags.NX), MXCSR.PE is not tracked at all: the result's flags
 * are the same either way.
 *
 * tests/unit/fpu-fast-test.c compares every function here with the
 * softfloat.c function it stands for on millions of operands.
 */
#ifndef KILN_RISCV_FPU_FAST_H
#define KILN_RISCV_FPU_FAST_H

#include <stdint.h>
#include <string.h>

#include "softfloat.h"

/* Zero or normal: the exponent field is neither all ones nor, unless the
 * whole magnitude is zero, all zeros. */
static inline bool fpu_fast_f64_operand(uint64_t a)
{
    uint64_t e = (a >> 52) & 0x7ff;

    return e != 0x7ff && (e != 0 || (a << 1) == 0);
}

static inline bool fpu_fast_f32_operand(uint32_t a)
{
    uint32_t e = (a >> 23) & 0xff;

    return e != 0xff && (e != 0 || (a << 1) == 0);
}

/* Finite and of magnitude 2^-1021 (2^-125) or more: see the top. */
static inline bool fpu_fast_f64_result(uint64_t r)
{
    uint64_t e = (r >> 52) & 0x7ff;

    return e >= 2 && e != 0x7ff;
}

static inline bool fpu_fast_f32_result(uint32_t r)
{
    uint32_t e = (r >> 23) & 0xff;

    return e >= 2 && e != 0xff;
}

#if defined(__x86_64__) && defined(__SSE2_MATH__) && defined(__GNUC__)

/* MXCSR fields (Intel SDM vol. 1, 10.2.3). */
#define FPU_FAST_MXCSR_PE   (1u << 5)
#define FPU_FAST_MXCSR_DAZ  (1u << 6)
#define FPU_FAST_MXCSR_RC   (3u << 13)
#define FPU_FAST_MXCSR_FTZ  (1u << 15)

static inline double fpu_fast_f64_host(uint64_t v)
{
    double d;

    memcpy(&d, &v, sizeof(d));
    return d;
}

static inline uint64_t fpu_fast_f64_bits(double d)
{
    uint64_t v;

    memcpy(&v, &d, sizeof(v));
    return v;
}

static inline float fpu_fast_f32_host(uint32_t v)
{
    float f;

    memcpy(&f, &v, sizeof(f));
    return f;
}

static inline uint32_t fpu_fast_f32_bits(float f)
{
    uint32_t v;

    memcpy(&v, &f, sizeof(v));
    return v;
}

/*
 * Whether the host rounds to nearest even, found with two additions
 * rather than by reading MXCSR, which costs more than the arithmetic:
 * 1 + 0.75 ulp rounds up only in RNE and RUP, 1 + 2^-60 stays 1 in RNE,
 * RTZ and RDN.  Flush-to-zero and denormals-are-zero need no check: no
 * operand is subnormal and no tiny result is taken.
 */
static inline bool fpu_fast_host_rne(void)
{
    double one = 1.0, above_half = 0x1.8p-53, below_half = 0x1p-60;

    __asm__ volatile("" : "+x"(one), "+x"(above_half), "+x"(below_half));
    return one + above_half == 0x1.0000000000001p0 && one + below_half == 1.0;
}

/*
 * fflags.NX is sticky, so once the caller's accrued flags hold it
 * (ST->flags preset from fflags), whether an operation is exact changes
 * nothing and MXCSR.PE need not be TRACKed: the operation then reports NX,
 * which leaves fflags as it was.  Reading and writing MXCSR costs more
 * than the arithmetic.
 *
 * Clear MXCSR.PE with the three operands as asm operands, so that the
 * operation on them is ordered after it.  False when the host runs with a
 * non-default rounding or flushing mode, in which its results differ.
 * Without tracking, only the rounding mode is checked.
 */
static inline bool fpu_fast_begin_f64(double *x, double *y, double *z,
                                      bool track)
{
    uint32_t m;

    if (!track) {
        return fpu_fast_host_rne();
    }
    __asm__ volatile("stmxcsr %0" : "=m"(m), "+x"(*x), "+x"(*y), "+x"(*z));
    if (m & (FPU_FAST_MXCSR_RC | FPU_FAST_MXCSR_FTZ | FPU_FAST_MXCSR_DAZ)) {
        return false;
    }
    if (track && (m & FPU_FAST_MXCSR_PE)) {
        m &= ~FPU_FAST_MXCSR_PE;
        __asm__ volatile("ldmxcsr %3"
                         : "+x"(*x), "+x"(*y), "+x"(*z) : "m"(m));
    }
    return true;
}

static inline bool fpu_fast_begin_f32(float *x, float *y, float *z,
                                      bool track)
{
    uint32_t m;

    if (!track) {
        return fpu_fast_host_rne();
    }
    __asm__ volatile("stmxcsr %0" : "=m"(m), "+x"(*x), "+x"(*y), "+x"(*z));
    if (m & (FPU_FAST_MXCSR_RC | FPU_FAST_MXCSR_FTZ | FPU_FAST_MXCSR_DAZ)) {
        return false;
    }
    if (track && (m & FPU_FAST_MXCSR_PE)) {
        m &= ~FPU_FAST_MXCSR_PE;
        __asm__ volatile("ldmxcsr %3"
                         : "+x"(*x), "+x"(*y), "+x"(*z) : "m"(m));
    }
    return true;
}

/* FP_NX when the operation that produced R (an asm input, so it has been
 * computed by now) was inexact, or when not tracking. */
static inline uint8_t fpu_fast_end_f64(double r, bool track)
{
    uint32_t m;

    if (!track) {
        return FP_NX;
    }
    __asm__ volatile("stmxcsr %0" : "=m"(m) : "x"(r));
    return (m & FPU_FAST_MXCSR_PE) ? FP_NX : 0;
}

static inline uint8_t fpu_fast_end_f32(float r, bool track)
{
    uint32_t m;

    if (!track) {
        return FP_NX;
    }
    __asm__ volatile("stmxcsr %0" : "=m"(m) : "x"(r));
    return (m & FPU_FAST_MXCSR_PE) ? FP_NX : 0;
}

enum {
    FPU_FAST_ADD,
    FPU_FAST_SUB,
    FPU_FAST_MUL,
    FPU_FAST_DIV,
    FPU_FAST_SQRT,
};

/*
 * OP on A and B (B unused for sqrt) on the host; false, leaving *R and ST
 * alone, when the host result cannot be trusted.  OP is a constant at
 * every call, so the switch folds away.
 */
static inline bool fpu_fast_f64_try(unsigned op, uint64_t a, uint64_t b,
                                    uint64_t *r, FpStatus *st)
{
    double x, y, z = 0, h;
    uint64_t bits;
    uint8_t nx;
    bool track = !(st->flags & FP_NX);

    if (st->rm != FP_RNE || !fpu_fast_f64_operand(a) ||
        !fpu_fast_f64_operand(b)) {
        return false;
    }
    x = fpu_fast_f64_host(a);
    y = fpu_fast_f64_host(b);
    if (!fpu_fast_begin_f64(&x, &y, &z, track)) {
        return false;
    }
    switch (op) {
    case FPU_FAST_ADD:
        h = x + y;
        break;
    case FPU_FAST_SUB:
        h = x - y;
        break;
    case FPU_FAST_MUL:
        h = x * y;
        break;
    case FPU_FAST_DIV:
        h = x / y;
        break;
    default:
        /* The instruction itself: sqrt() may set errno or call libm. */
        __asm__("sqrtsd %1, %0" : "=x"(h) : "x"(x));
        break;
    }
    nx = fpu_fast_end_f64(h, track);
    bits = fpu_fast_f64_bits(h);
    if (!fpu_fast_f64_result(bits)) {
        return false;
    }
    st->flags |= nx;
    *r = bits;
    return true;
}

static inline bool fpu_fast_f32_try(unsigned op, uint32_t a, uint32_t b,
                                    uint32_t *r, FpStatus *st)
{
    float x, y, z = 0, h;
    uint32_t bits;
    uint8_t nx;
    bool track = !(st->flags & FP_NX);

    if (st->rm != FP_RNE || !fpu_fast_f32_operand(a) ||
        !fpu_fast_f32_operand(b)) {
        return false;
    }
    x = fpu_fast_f32_host(a);
    y = fpu_fast_f32_host(b);
    if (!fpu_fast_begin_f32(&x, &y, &z, track)) {
        return false;
    }
    switch (op) {
    case FPU_FAST_ADD:
        h = x + y;
        break;
    case FPU_FAST_SUB:
        h = x - y;
        break;
    case FPU_FAST_MUL:
        h = x * y;
        break;
    case FPU_FAST_DIV:
        h = x / y;
        break;
    default:
        __asm__("sqrtss %1, %0" : "=x"(h) : "x"(x));
        break;
    }
    nx = fpu_fast_end_f32(h, track);
    bits = fpu_fast_f32_bits(h);
    if (!fpu_fast_f32_result(bits)) {
        return false;
    }
    st->flags |= nx;
    *r = bits;
    return true;
}

/*
 * Fused multiply-add needs the host's FMA instruction (a separate
 * multiply and add round twice), compiled for FMA and used only where the
 * CPU has it.  Negating an operand is exact, so -(a * b) +- c is
 * fma(-a, b, +-c).
 */
__attribute__((target("fma")))
static inline bool fpu_fast_f64_muladd_try(uint64_t a, uint64_t b, uint64_t c,
                                    uint64_t *r, FpStatus *st)
{
    double x = fpu_fast_f64_host(a), y = fpu_fast_f64_host(b);
    double z = fpu_fast_f64_host(c), h;
    uint64_t bits;
    uint8_t nx;
    bool track = !(st->flags & FP_NX);

    if (!fpu_fast_begin_f64(&x, &y, &z, track)) {
        return false;
    }
    h = __builtin_fma(x, y, z);
    nx = fpu_fast_end_f64(h, track);
    bits = fpu_fast_f64_bits(h);
    if (!fpu_fast_f64_result(bits)) {
        return false;
    }
    st->flags |= nx;
    *r = bits;
    return true;
}

__attribute__((target("fma")))
static inline bool fpu_fast_f32_muladd_try(uint32_t a, uint32_t b, uint32_t c,
                                    uint32_t *r, FpStatus *st)
{
    float x = fpu_fast_f32_host(a), y = fpu_fast_f32_host(b);
    float z = fpu_fast_f32_host(c), h;
    uint32_t bits;
    uint8_t nx;
    bool track = !(st->flags & FP_NX);

    if (!fpu_fast_begin_f32(&x, &y, &z, track)) {
        return false;
    }
    h = __builtin_fmaf(x, y, z);
    nx = fpu_fast_end_f32(h, track);
    bits = fpu_fast_f32_bits(h);
    if (!fpu_fast_f32_result(bits)) {
        return false;
    }
    st->flags |= nx;
    *r = bits;
    return true;
}

static inline bool fpu_fast_has_fma(void)
{
    return __builtin_cpu_supports("fma");
}

#else

/* Another host: everything goes to softfloat.c. */
enum {
    FPU_FAST_ADD,
    FPU_FAST_SUB,
    FPU_FAST_MUL,
    FPU_FAST_DIV,
    FPU_FAST_SQRT,
};

static inline bool fpu_fast_f64_try(unsigned op, uint64_t a, uint64_t b,
                                    uint64_t *r, FpStatus *st)
{
    return false;
}

static inline bool fpu_fast_f32_try(unsigned op, uint32_t a, uint32_t b,
                                    uint32_t *r, FpStatus *st)
{
    return false;
}

static inline bool fpu_fast_f64_muladd_try(uint64_t a, uint64_t b,
                                           uint64_t c, uint64_t *r,
                                           FpStatus *st)
{
    return false;
}

static inline bool fpu_fast_f32_muladd_try(uint32_t a, uint32_t b,
                                           uint32_t c, uint32_t *r,
                                           FpStatus *st)
{
    return false;
}

static inline bool fpu_fast_has_fma(void)
{
    return false;
}

#endif

/* The softfloat.h operations of the same names, with the fast path. */
#define FPU_FAST_DEFINE_BINARY(fmt, utype, name, OP)                        \
static inline utype fpu_fast_##fmt##_##name(utype a, utype b, FpStatus *st) \
{                                                                           \
    utype r;                                                                \
                                                                            \
    if (fpu_fast_##fmt##_try(OP, a, b, &r, st)) {                           \
        return r;                                                           \
    }                                                                       \
    return fmt##_##name(a, b, st);                                          \
}

FPU_FAST_DEFINE_BINARY(f64, uint64_t, add, FPU_FAST_ADD)
FPU_FAST_DEFINE_BINARY(f64, uint64_t, sub, FPU_FAST_SUB)
FPU_FAST_DEFINE_BINARY(f64, uint64_t, mul, FPU_FAST_MUL)
FPU_FAST_DEFINE_BINARY(f64, uint64_t, div, FPU_FAST_DIV)
FPU_FAST_DEFINE_BINARY(f32, uint32_t, add, FPU_FAST_ADD)
FPU_FAST_DEFINE_BINARY(f32, uint32_t, sub, FPU_FAST_SUB)
FPU_FAST_DEFINE_BINARY(f32, uint32_t, mul, FPU_FAST_MUL)
FPU_FAST_DEFINE_BINARY(f32, uint32_t, div, FPU_FAST_DIV)

static inline uint64_t fpu_fast_f64_sqrt(uint64_t a, FpStatus *st)
{
    uint64_t r;

    if (!(a >> 63) && fpu_fast_f64_try(FPU_FAST_SQRT, a, 0, &r, st)) {
        return r;
    }
    return f64_sqrt(a, st);
}

static inline uint32_t fpu_fast_f32_sqrt(uint32_t a, FpStatus *st)
{
    uint32_t r;

    if (!(a >> 31) && fpu_fast_f32_try(FPU_FAST_SQRT, a, 0, &r, st)) {
        return r;
    }
    return f32_sqrt(a, st);
}

static inline uint64_t fpu_fast_f64_muladd(uint64_t a, uint64_t b, uint64_t c,
                                           bool negate_product,
                                           bool negate_addend, FpStatus *st)
{
    uint64_t r;

    if (st->rm == FP_RNE && fpu_fast_f64_operand(a) &&
        fpu_fast_f64_operand(b) && fpu_fast_f64_operand(c) &&
        fpu_fast_has_fma() &&
        fpu_fast_f64_muladd_try(a ^ ((uint64_t)negate_product << 63), b,
                                c ^ ((uint64_t)negate_addend << 63), &r, st)) {
        return r;
    }
    return f64_muladd(a, b, c, negate_product, negate_addend, st);
}

static inline uint32_t fpu_fast_f32_muladd(uint32_t a, uint32_t b, uint32_t c,
                                           bool negate_product,
                                           bool negate_addend, FpStatus *st)
{
    uint32_t r;

    if (st->rm == FP_RNE && fpu_fast_f32_operand(a) &&
        fpu_fast_f32_operand(b) && fpu_fast_f32_operand(c) &&
        fpu_fast_has_fma() &&
        fpu_fast_f32_muladd_try(a ^ ((uint32_t)negate_product << 31), b,
                                c ^ ((uint32_t)negate_addend << 31), &r, st)) {
        return r;
    }
    return f32_muladd(a, b, c, negate_product, negate_addend, st);
}

#endif
