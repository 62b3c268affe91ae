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

/*
 * The format-dependent tests, one template for binary64 and binary32.
 * _operand: zero or normal (the exponent field is neither all ones nor,
 * unless the whole magnitude is zero, all zeros).  _result: finite and of
 * magnitude 2^(emin+1) or more (see the top).
 */
#define FPU_FAST_FORMAT_TESTS(fmt, utype, mant_bits, exp_mask)             \
static inline bool fpu_fast_##fmt##_operand(utype a)                        \
{                                                                           \
    utype e = (a >> (mant_bits)) & (exp_mask);                              \
                                                                            \
    return e != (exp_mask) && (e != 0 || (utype)(a << 1) == 0);             \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_result(utype r)                         \
{                                                                           \
    utype e = (r >> (mant_bits)) & (exp_mask);                              \
                                                                            \
    return e >= 2 && e != (exp_mask);                                       \
}

FPU_FAST_FORMAT_TESTS(f64, uint64_t, 52, 0x7ff)
FPU_FAST_FORMAT_TESTS(f32, uint32_t, 23, 0xff)

#if defined(__x86_64__) && defined(__SSE2_MATH__) && defined(__GNUC__)

/* MXCSR fields (Intel SDM vol. 1, 10.2.3). */
#define FPU_FAST_MXCSR_PE   (1u << 5)
#define FPU_FAST_MXCSR_DAZ  (1u << 6)
#define FPU_FAST_MXCSR_RC   (3u << 13)
#define FPU_FAST_MXCSR_FTZ  (1u << 15)

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

enum {
    FPU_FAST_ADD,
    FPU_FAST_SUB,
    FPU_FAST_MUL,
    FPU_FAST_DIV,
    FPU_FAST_SQRT,
};

/*
 * The host side, one template for binary64 and binary32:
 *
 * _begin clears MXCSR.PE with the three operands as asm operands, so that
 * the operation on them is ordered after it; false when the host runs
 * with a non-default rounding or flushing mode, in which its results
 * differ.  fflags.NX is sticky, so once the caller's accrued flags hold
 * it (ST->flags preset from fflags), whether an operation is exact changes
 * nothing and MXCSR.PE need not be tracked: the operation then reports NX,
 * which leaves fflags as it was, and only the rounding mode is checked.
 * Reading and writing MXCSR costs more than the arithmetic.
 *
 * _try does OP on A and B (B unused for sqrt) on the host: false, leaving
 * *R and ST alone, when the host result cannot be trusted.  OP is a
 * constant at every call, so the switch folds away.  sqrt is the
 * instruction itself: sqrt() may set errno or call libm.
 *
 * _muladd_try needs the host's FMA instruction (a separate multiply and
 * add round twice), compiled for FMA and used only where the CPU has it.
 * Negating an operand is exact, so -(a * b) +- c is fma(-a, b, +-c).
 */
#define FPU_FAST_FORMAT_HOST(fmt, utype, ftype, sqrt_insn, fma_fn)         \
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
        return fpu_fast_host_rne();                                         \
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
/* FP_NX when the operation that produced R (an asm input, so computed by   \
 * now) was inexact, or when not tracking. */                               \
static inline uint8_t fpu_fast_##fmt##_end(ftype r, bool track)             \
{                                                                           \
    uint32_t m;                                                             \
                                                                            \
    if (!track) {                                                           \
        return FP_NX;                                                       \
    }                                                                       \
    __asm__ volatile("stmxcsr %0" : "=m"(m) : "x"(r));                      \
    return (m & FPU_FAST_MXCSR_PE) ? FP_NX : 0;                             \
}                                                                           \
                                                                            \
/* The host result H, when it is one the fast path may return. */           \
static inline bool fpu_fast_##fmt##_finish(ftype h, bool track, utype *r,   \
                                           FpStatus *st)                    \
{                                                                           \
    uint8_t nx = fpu_fast_##fmt##_end(h, track);                            \
    utype bits = fpu_fast_##fmt##_bits(h);                                  \
                                                                            \
    if (!fpu_fast_##fmt##_result(bits)) {                                   \
        return false;                                                       \
    }                                                                       \
    st->flags |= nx;                                                        \
    *r = bits;                                                              \
    return true;                                                            \
}                                                                           \
                                                                            \
static inline bool fpu_fast_##fmt##_try(unsigned op, utype a, utype b,      \
                                        utype *r, FpStatus *st)             \
{                                                                           \
    ftype x, y, z = 0, h;                                                   \
    bool track = !(st->flags & FP_NX);                                      \
                                                                            \
    if (st->rm != FP_RNE || !fpu_fast_##fmt##_operand(a) ||                 \
        !fpu_fast_##fmt##_operand(b)) {                                     \
        return false;                                                       \
    }                                                                       \
    x = fpu_fast_##fmt##_host(a);                                           \
    y = fpu_fast_##fmt##_host(b);                                           \
    if (!fpu_fast_##fmt##_begin(&x, &y, &z, track)) {                       \
        return false;                                                       \
    }                                                                       \
    switch (op) {                                                           \
    case FPU_FAST_ADD:                                                      \
        h = x + y;                                                          \
        break;                                                              \
    case FPU_FAST_SUB:                                                      \
        h = x - y;                                                          \
        break;                                                              \
    case FPU_FAST_MUL:                                                      \
        h = x * y;                                                          \
        break;                                                              \
    case FPU_FAST_DIV:                                                      \
        h = x / y;                                                          \
        break;                                                              \
    default:                                                                \
        __asm__(sqrt_insn " %1, %0" : "=x"(h) : "x"(x));                    \
        break;                                                              \
    }                                                                       \
    return fpu_fast_##fmt##_finish(h, track, r, st);                        \
}                                                                           \
                                                                            \
__attribute__((target("fma")))                                              \
static inline bool fpu_fast_##fmt##_muladd_try(utype a, utype b, utype c,   \
                                               utype *r, FpStatus *st)      \
{                                                                           \
    ftype x = fpu_fast_##fmt##_host(a), y = fpu_fast_##fmt##_host(b);       \
    ftype z = fpu_fast_##fmt##_host(c);                                     \
    bool track = !(st->flags & FP_NX);                                      \
                                                                            \
    if (!fpu_fast_##fmt##_begin(&x, &y, &z, track)) {                       \
        return false;                                                       \
    }                                                                       \
    return fpu_fast_##fmt##_finish(fma_fn(x, y, z), track, r, st);          \
}

FPU_FAST_FORMAT_HOST(f64, uint64_t, double, "sqrtsd", __builtin_fma)
FPU_FAST_FORMAT_HOST(f32, uint32_t, float, "sqrtss", __builtin_fmaf)

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
