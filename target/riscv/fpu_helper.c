/*
 * The F and D extensions' arithmetic (RISC-V Unprivileged ISA 20191213,
 * chapters 11 and 12), as helpers translated code calls: one per
 * operation and format, so that a call does the one operation with
 * nothing to dispatch.
 *
 * softfloat.c does the IEEE arithmetic, through fpu_fast.h, which takes
 * the common cases on the host FPU or in a few integer operations where
 * that is bit-exact; this file does what softfloat.h leaves to the
 * caller: unbox binary32 operands and box binary32 results (12.2),
 * sign-extend 32-bit integer results, and accrue the flags into fflags.
 * The translated code resolves the rounding mode before the call (a
 * static rm, or frm once checked), and emits sign injection, moves,
 * loads and stores as IR (trans_rvfd.c.inc).
 *
 * mstatus.FS: the translator sets it to Dirty with every f register write
 * it emits, and a helper here with every fflags write (Priv 3.1.6.6), so
 * an instruction that only raises flags (feq, fcvt.w.s) dirties the state
 * too, as the flags are part of it.
 */
#include "cpu.h"
#include "fpu_fast.h"
#include "helper.h"

static RiscvCpu *helper_cpu(void *env)
{
    return env;
}

/* A binary32 operand: not properly NaN-boxed reads as the canonical NaN. */
static uint32_t unbox_s(uint64_t v)
{
    return (v & FP_NAN_BOX) == FP_NAN_BOX ? (uint32_t)v : F32_CANONICAL_NAN;
}

static uint64_t box_s(uint32_t v)
{
    return FP_NAN_BOX | v;
}

/* A binary64 operand or result is the whole register. */
static uint64_t unbox_d(uint64_t v)
{
    return v;
}

static uint64_t box_d(uint64_t v)
{
    return v;
}

/* An integer result: W forms sign-extended from 32 bits (11.7), L whole. */
static uint64_t sext32(uint32_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

static uint64_t whole64(uint64_t v)
{
    return v;
}

/*
 * The status an operation that writes an f register starts from: its
 * rounding mode, and fflags.NX, which is sticky, so that fpu_fast.h need
 * not find out whether the operation is exact once it is set.
 */
static FpStatus fp_status_f(RiscvCpu *cpu, uint64_t rm)
{
    return (FpStatus){ .rm = (uint8_t)rm, .flags = cpu->fflags & FP_NX };
}

/*
 * An f result: the flags fflags lacks are accrued.  Those it holds leave
 * it as it is, and FS is made Dirty by the register write that follows.
 */
static uint64_t fp_result_f(RiscvCpu *cpu, const FpStatus *st, uint64_t r)
{
    if (st->flags & ~cpu->fflags) {
        cpu->fflags |= st->flags;
        cpu->mstatus |= MSTATUS_FS;
    }
    return r;
}

/* An x result: any flag raised is accrued and makes FS Dirty. */
static uint64_t fp_result_x(RiscvCpu *cpu, const FpStatus *st, uint64_t r)
{
    if (st->flags) {
        cpu->fflags |= st->flags;
        cpu->mstatus |= MSTATUS_FS;
    }
    return r;
}

/*
 * The common case of an operation that rounds: RNE, with fflags.NX
 * accrued already (it is sticky, and the first inexact operation a
 * program does sets it), so that a result the host may compute leaves
 * nothing to record: no MXCSR.PE to track (fpu_fast.h), no flag to
 * accrue.  The helpers below try it first, and take everything else out
 * of line (_general), so that this path needs no stack frame.
 */
static bool fp_quick(RiscvCpu *cpu, uint64_t rm)
{
    return rm == FP_RNE && (cpu->fflags & FP_NX);
}

#define FP_QUICK_STATUS { .rm = FP_RNE, .flags = FP_NX }

/*
 * A quick path takes binary32 operands only when all are NaN-boxed (one
 * that is not reads as the canonical NaN: the general path's business),
 * which their AND shows at once; each is then its low half.
 */
static bool fp_quick_boxed_s(uint64_t anded)
{
    return (anded & FP_NAN_BOX) == FP_NAN_BOX;
}

static bool fp_quick_boxed_d(uint64_t anded)
{
    return true;
}

/*
 * The helpers of one format, F (binary32, f32, suffix s) or D (binary64,
 * f64, suffix d), named after the instructions (helper.h).
 */
#define FP_HELPER_ARITH(name, f, fmt, utype, op)                            \
static __attribute__((noinline)) uint64_t                                   \
name##_##f##_general(RiscvCpu *cpu, uint64_t a, uint64_t b, uint64_t rm)    \
{                                                                           \
    FpStatus st = fp_status_f(cpu, rm);                                     \
                                                                            \
    return fp_result_f(cpu, &st,                                            \
                       box_##f(fpu_fast_##fmt##_##op(unbox_##f(a),          \
                                                     unbox_##f(b), &st)));  \
}                                                                           \
                                                                            \
DEF_HELPER(name##_##f)                                                      \
{                                                                           \
    RiscvCpu *cpu = helper_cpu(env);                                        \
    FpStatus st = FP_QUICK_STATUS;                                          \
    utype r;                                                                \
                                                                            \
    if (fp_quick(cpu, c) && fp_quick_boxed_##f(a & b) &&                   \
        fpu_fast_##fmt##_##op##_host((utype)a, (utype)b, &r, &st)) {        \
        return box_##f(r);                                                  \
    }                                                                       \
    return name##_##f##_general(cpu, a, b, c);                              \
}

#define FP_HELPER_SQRT(f, fmt, utype)                                       \
static __attribute__((noinline)) uint64_t                                   \
fsqrt_##f##_general(RiscvCpu *cpu, uint64_t a, uint64_t rm)                 \
{                                                                           \
    FpStatus st = fp_status_f(cpu, rm);                                     \
                                                                            \
    return fp_result_f(cpu, &st,                                            \
                       box_##f(fpu_fast_##fmt##_sqrt(unbox_##f(a), &st)));  \
}                                                                           \
                                                                            \
DEF_HELPER(fsqrt_##f)                                                       \
{                                                                           \
    RiscvCpu *cpu = helper_cpu(env);                                        \
    FpStatus st = FP_QUICK_STATUS;                                          \
    utype r;                                                                \
                                                                            \
    if (fp_quick(cpu, b) && fp_quick_boxed_##f(a) &&                        \
        fpu_fast_##fmt##_sqrt_host((utype)a, &r, &st)) {                    \
        return box_##f(r);                                                  \
    }                                                                       \
    return fsqrt_##f##_general(cpu, a, b);                                  \
}

#define FP_HELPER_FUSED(name, f, fmt, utype, negate_product, negate_addend) \
static __attribute__((noinline)) uint64_t                                   \
name##_##f##_general(RiscvCpu *cpu, uint64_t a, uint64_t b, uint64_t c,     \
                     uint64_t rm)                                           \
{                                                                           \
    FpStatus st = fp_status_f(cpu, rm);                                     \
                                                                            \
    return fp_result_f(cpu, &st,                                            \
                       box_##f(fpu_fast_##fmt##_muladd(                     \
                           unbox_##f(a), unbox_##f(b), unbox_##f(c),        \
                           negate_product, negate_addend, &st)));           \
}                                                                           \
                                                                            \
DEF_HELPER(name##_##f)                                                      \
{                                                                           \
    RiscvCpu *cpu = helper_cpu(env);                                        \
    FpStatus st = FP_QUICK_STATUS;                                          \
    utype r;                                                                \
                                                                            \
    if (fp_quick(cpu, d) && fp_quick_boxed_##f(a & b & c) &&                \
        fpu_fast_##fmt##_muladd_host((utype)a, (utype)b, (utype)c,          \
                                     negate_product, negate_addend, &r,     \
                                     &st)) {                                \
        return box_##f(r);                                                  \
    }                                                                       \
    return name##_##f##_general(cpu, a, b, c, d);                           \
}

/* Min and max round nothing, and raise only NV for a signaling NaN. */
#define FP_HELPER_MINMAX(name, f, fmt, op)                                  \
DEF_HELPER(name##_##f)                                                      \
{                                                                           \
    RiscvCpu *cpu = helper_cpu(env);                                        \
    FpStatus st = fp_status_f(cpu, FP_RNE);                                 \
                                                                            \
    return fp_result_f(cpu, &st,                                            \
                       box_##f(fpu_fast_##fmt##_##op(unbox_##f(a),          \
                                                     unbox_##f(b), &st)));  \
}

#define FP_HELPER_COMPARE(name, f, fmt, op)                                 \
DEF_HELPER(name##_##f)                                                      \
{                                                                           \
    RiscvCpu *cpu = helper_cpu(env);                                        \
    FpStatus st = { .rm = FP_RNE };                                         \
                                                                            \
    return fp_result_x(cpu, &st,                                            \
                       fpu_fast_##fmt##_##op(unbox_##f(a), unbox_##f(b),    \
                                             &st));                         \
}

#define FP_HELPER_TO_INT(name, f, fmt, to, type, extend)                    \
DEF_HELPER(name##_##f)                                                      \
{                                                                           \
    RiscvCpu *cpu = helper_cpu(env);                                        \
    FpStatus st = { .rm = FP_RNE };                                         \
                                                                            \
    return fp_result_x(cpu, &st,                                            \
                       extend((type)fpu_fast_##fmt##_to_##to(               \
                           unbox_##f(a), (uint8_t)b, &st)));                \
}

#define FP_HELPER_FROM_INT(src, f, fmt, from, type)                         \
DEF_HELPER(fcvt_##f##_##src)                                                \
{                                                                           \
    RiscvCpu *cpu = helper_cpu(env);                                        \
    FpStatus st = fp_status_f(cpu, b);                                      \
                                                                            \
    return fp_result_f(cpu, &st,                                            \
                       box_##f(fpu_fast_##from##_to_##fmt((type)a, &st)));  \
}

#define FP_HELPERS(f, fmt, utype)                                           \
FP_HELPER_ARITH(fadd, f, fmt, utype, add)                                   \
FP_HELPER_ARITH(fsub, f, fmt, utype, sub)                                   \
FP_HELPER_ARITH(fmul, f, fmt, utype, mul)                                   \
FP_HELPER_ARITH(fdiv, f, fmt, utype, div)                                   \
FP_HELPER_SQRT(f, fmt, utype)                                               \
FP_HELPER_FUSED(fmadd, f, fmt, utype, false, false)                         \
FP_HELPER_FUSED(fmsub, f, fmt, utype, false, true)                          \
FP_HELPER_FUSED(fnmsub, f, fmt, utype, true, false)                         \
FP_HELPER_FUSED(fnmadd, f, fmt, utype, true, true)                          \
FP_HELPER_MINMAX(fmin, f, fmt, min)                                         \
FP_HELPER_MINMAX(fmax, f, fmt, max)                                         \
FP_HELPER_COMPARE(feq, f, fmt, eq)                                          \
FP_HELPER_COMPARE(flt, f, fmt, lt)                                          \
FP_HELPER_COMPARE(fle, f, fmt, le)                                          \
                                                                            \
DEF_HELPER(fclass_##f)                                                      \
{                                                                           \
    return fmt##_classify(unbox_##f(a));                                    \
}                                                                           \
                                                                            \
FP_HELPER_TO_INT(fcvt_w, f, fmt, i32, uint32_t, sext32)                     \
FP_HELPER_TO_INT(fcvt_wu, f, fmt, u32, uint32_t, sext32)                    \
FP_HELPER_TO_INT(fcvt_l, f, fmt, i64, uint64_t, whole64)                    \
FP_HELPER_TO_INT(fcvt_lu, f, fmt, u64, uint64_t, whole64)                   \
FP_HELPER_FROM_INT(w, f, fmt, i32, int32_t)                                 \
FP_HELPER_FROM_INT(wu, f, fmt, u32, uint32_t)                               \
FP_HELPER_FROM_INT(l, f, fmt, i64, int64_t)                                 \
FP_HELPER_FROM_INT(lu, f, fmt, u64, uint64_t)

FP_HELPERS(s, f32, uint32_t)
FP_HELPERS(d, f64, uint64_t)

DEF_HELPER(fcvt_s_d)
{
    RiscvCpu *cpu = helper_cpu(env);
    FpStatus st = fp_status_f(cpu, b);

    return fp_result_f(cpu, &st, box_s(fpu_fast_f64_to_f32(a, &st)));
}

DEF_HELPER(fcvt_d_s)
{
    RiscvCpu *cpu = helper_cpu(env);
    FpStatus st = fp_status_f(cpu, FP_RNE);

    return fp_result_f(cpu, &st, fpu_fast_f32_to_f64(unbox_s(a), &st));
}
