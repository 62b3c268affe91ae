/*
 * The software FPU of target/riscv, against the host FPU and against the
 * rules of the RISC-V F and D extensions (unprivileged ISA 20191213).
 *
 * Differential tests.  x86-64 SSE arithmetic is IEEE 754 binary32/64 and,
 * like RISC-V (11.4), detects tininess after rounding.  Its underflow flag
 * has one catch: Intel documents that with the underflow exception
 * unmasked it is raised for tiny results even when exact, but with
 * exceptions masked, the default in a process, only for tiny and inexact
 * ones, as IEEE 7.5 and RISC-V want.  test_host_premises checks the masked
 * behaviour and tininess after rounding on the running host before
 * anything relies on them.  Each operation runs a few hundred thousand
 * operand sets from a fixed-seed generator biased toward zeros,
 * subnormals, the smallest normal, the largest finite, infinities, quiet
 * and signaling NaNs, exponents near overflow and underflow and
 * significands that sit on rounding boundaries, under RNE, RTZ, RDN and
 * RUP (fesetround), and compares the result bits and the flag sets.
 *
 * Where RISC-V defines what IEEE leaves open, the expectation built from
 * the host is adjusted to the RISC-V rule: a NaN result must be the
 * canonical NaN (11.3), fused multiply-add signals invalid for
 * inf * 0 + qNaN (11.6; SSE does not), and conversions to integer
 * saturate as Table 11.4 says (the host's cvtss2si gives the "integer
 * indefinite" -2^63 for all of them).
 *
 * The host has no RMM.  Flags and results of RMM may differ from RNE's
 * only on an exact tie, so each RMM result must equal the host's RNE
 * result or, when RNE went toward zero, the result rounded away from zero.
 * Ties themselves, and every RISC-V rule the host cannot check, are pinned
 * by hand-written vectors.
 */
#include <fenv.h>
#include <math.h>
#include "kiln/common.h"
#include "softfloat.h"

/* Operand sets per operation and rounding mode in the differential tests. */
#define CASES_PER_MODE 60000

typedef enum Op {
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_SQRT,
    OP_MADD,            /* a * b + c */
    OP_MSUB,            /* a * b - c */
    OP_NMSUB,           /* -(a * b) + c */
    OP_NMADD,           /* -(a * b) - c */
    OP_MIN,
    OP_MAX,
    OP_EQ,
    OP_LT,
    OP_LE,
    OP_CVT_FLOAT,       /* to the other float format */
    OP_TO_I32,
    OP_TO_U32,
    OP_TO_I64,
    OP_TO_U64,
    OP_FROM_INT,        /* to the result's float format */
} Op;

/*
 * Operand and result types.  Every value travels as a uint64_t: float bit
 * patterns zero-extended, 32-bit integers sign- or zero-extended.
 */
typedef enum Kind {
    K_F32,
    K_F64,
    K_I32,
    K_U32,
    K_I64,
    K_U64,
    K_BOOL,
} Kind;

/* How the generator relates the operands of one set. */
typedef enum Shape {
    SHAPE_NONE,
    SHAPE_SUM,          /* close exponents: cancellation, ties */
    SHAPE_PRODUCT,      /* product exponent near overflow or underflow */
    SHAPE_QUOTIENT,     /* quotient exponent near overflow or underflow */
    SHAPE_FUSED,        /* c close to -(a * b) */
    SHAPE_INTEGER,      /* values near integers of every width */
    SHAPE_NARROW,       /* binary64 near binary32 boundaries */
} Shape;

typedef struct DiffOp {
    const char *name;
    Op op;
    Kind arg;
    Kind result;
    Shape shape;
} DiffOp;

typedef struct Result {
    uint64_t value;
    uint8_t flags;
} Result;

typedef struct Fmt {
    int exp_bits;
    int frac_bits;
} Fmt;

static const Fmt fmt32 = { 8, 23 };
static const Fmt fmt64 = { 11, 52 };

static const struct {
    uint8_t rm;
    int host;
    const char *name;
} host_modes[] = {
    { FP_RNE, FE_TONEAREST, "rne" },
    { FP_RTZ, FE_TOWARDZERO, "rtz" },
    { FP_RDN, FE_DOWNWARD, "rdn" },
    { FP_RUP, FE_UPWARD, "rup" },
};

static const Fmt *kind_fmt(Kind k)
{
    return k == K_F32 ? &fmt32 : &fmt64;
}

static bool kind_is_float(Kind k)
{
    return k == K_F32 || k == K_F64;
}

static int op_arity(Op op)
{
    switch (op) {
    case OP_MADD:
    case OP_MSUB:
    case OP_NMSUB:
    case OP_NMADD:
        return 3;
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
    case OP_MIN:
    case OP_MAX:
    case OP_EQ:
    case OP_LT:
    case OP_LE:
        return 2;
    default:
        return 1;
    }
}

static float host_f32(uint64_t bits)
{
    uint32_t b = (uint32_t)bits;
    float x;

    memcpy(&x, &b, sizeof(x));
    return x;
}

static double host_f64(uint64_t bits)
{
    double x;

    memcpy(&x, &bits, sizeof(x));
    return x;
}

static uint64_t bits_f32(float x)
{
    uint32_t b;

    memcpy(&b, &x, sizeof(b));
    return b;
}

static uint64_t bits_f64(double x)
{
    uint64_t b;

    memcpy(&b, &x, sizeof(b));
    return b;
}

static bool bits_is_nan(const Fmt *f, uint64_t bits)
{
    uint64_t exp_all = (1ull << f->exp_bits) - 1;

    return ((bits >> f->frac_bits) & exp_all) == exp_all &&
           (bits & ((1ull << f->frac_bits) - 1)) != 0;
}

static uint8_t host_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);

    return (e & FE_INEXACT ? FP_NX : 0) | (e & FE_UNDERFLOW ? FP_UF : 0) |
           (e & FE_OVERFLOW ? FP_OF : 0) | (e & FE_DIVBYZERO ? FP_DZ : 0) |
           (e & FE_INVALID ? FP_NV : 0);
}

/* ---- the host side: one operation between clearing and reading flags ---- */

static uint64_t host_eval_f32(Op op, const uint64_t *v, uint8_t *flags)
{
    volatile float x = host_f32(v[0]), y = host_f32(v[1]), z = host_f32(v[2]);
    volatile float r = 0;
    volatile double wide = 0;
    volatile int cmp = 0;

    feclearexcept(FE_ALL_EXCEPT);
    switch (op) {
    case OP_ADD:
        r = x + y;
        break;
    case OP_SUB:
        r = x - y;
        break;
    case OP_MUL:
        r = x * y;
        break;
    case OP_DIV:
        r = x / y;
        break;
    case OP_SQRT:
        r = sqrtf(x);
        break;
    case OP_MADD:
        r = fmaf(x, y, z);
        break;
    case OP_MSUB:
        r = fmaf(x, y, -z);
        break;
    case OP_NMSUB:
        r = fmaf(-x, y, z);
        break;
    case OP_NMADD:
        r = fmaf(-x, y, -z);
        break;
    case OP_EQ:
        cmp = x == y;       /* ucomiss: quiet */
        break;
    case OP_LT:
        cmp = x < y;        /* comiss: signaling */
        break;
    case OP_LE:
        cmp = x <= y;
        break;
    case OP_CVT_FLOAT:
        wide = x;
        break;
    default:
        g_assert_not_reached();
    }
    *flags = host_flags();
    if (op == OP_EQ || op == OP_LT || op == OP_LE) {
        return cmp;
    }
    return op == OP_CVT_FLOAT ? bits_f64(wide) : bits_f32(r);
}

static uint64_t host_eval_f64(Op op, const uint64_t *v, uint8_t *flags)
{
    volatile double x = host_f64(v[0]), y = host_f64(v[1]), z = host_f64(v[2]);
    volatile double r = 0;
    volatile float narrow = 0;
    volatile int cmp = 0;

    feclearexcept(FE_ALL_EXCEPT);
    switch (op) {
    case OP_ADD:
        r = x + y;
        break;
    case OP_SUB:
        r = x - y;
        break;
    case OP_MUL:
        r = x * y;
        break;
    case OP_DIV:
        r = x / y;
        break;
    case OP_SQRT:
        r = sqrt(x);
        break;
    case OP_MADD:
        r = fma(x, y, z);
        break;
    case OP_MSUB:
        r = fma(x, y, -z);
        break;
    case OP_NMSUB:
        r = fma(-x, y, z);
        break;
    case OP_NMADD:
        r = fma(-x, y, -z);
        break;
    case OP_EQ:
        cmp = x == y;
        break;
    case OP_LT:
        cmp = x < y;
        break;
    case OP_LE:
        cmp = x <= y;
        break;
    case OP_CVT_FLOAT:
        narrow = (float)x;
        break;
    default:
        g_assert_not_reached();
    }
    *flags = host_flags();
    if (op == OP_EQ || op == OP_LT || op == OP_LE) {
        return cmp;
    }
    return op == OP_CVT_FLOAT ? bits_f32(narrow) : bits_f64(r);
}

/*
 * cvtss2si/cvtsd2si (llrintf, llrint) round in the current mode and raise
 * inexact; anything outside int64 gives invalid.  The RISC-V saturation
 * values and NV-only flags (Table 11.4) are applied on top, and the one
 * range the host cannot convert, unsigned [2^63, 2^64), holds only
 * integers, so a plain cast is exact there.
 */
static uint64_t host_eval_to_int(Op op, Kind arg, const uint64_t *v,
                                 uint8_t *flags)
{
    bool is_signed = op == OP_TO_I32 || op == OP_TO_I64;
    int width = op == OP_TO_I32 || op == OP_TO_U32 ? 32 : 64;
    volatile float xf = host_f32(v[0]);
    volatile double xd = host_f64(v[0]);
    volatile long long r;
    double x;
    int64_t lo = is_signed ? (width == 32 ? INT32_MIN : INT64_MIN) : 0;
    uint64_t max_pos = is_signed ? (width == 32 ? INT32_MAX : INT64_MAX)
                                 : (width == 32 ? UINT32_MAX : UINT64_MAX);
    uint8_t f;

    feclearexcept(FE_ALL_EXCEPT);
    r = arg == K_F32 ? llrintf(xf) : llrint(xd);
    f = host_flags();
    if (bits_is_nan(kind_fmt(arg), v[0])) {
        *flags = FP_NV;
        return max_pos;
    }
    x = arg == K_F32 ? xf : xd;
    if (f & FP_NV) {
        if (x > 0 && !is_signed && width == 64 && x < 0x1p64) {
            *flags = 0;
            return (uint64_t)x;
        }
        *flags = FP_NV;
        return x > 0 ? max_pos : (uint64_t)lo;
    }
    if (r < lo) {
        *flags = FP_NV;
        return (uint64_t)lo;
    }
    if (r > 0 && (uint64_t)r > max_pos) {
        *flags = FP_NV;
        return max_pos;
    }
    *flags = f;
    return (uint64_t)r;
}

/* cvtsi2ss/cvtsi2sd round in the current mode (-frounding-math). */
static uint64_t host_eval_from_int(Kind arg, Kind result, const uint64_t *v,
                                   uint8_t *flags)
{
    volatile int64_t s = (int64_t)v[0];
    volatile uint64_t u = v[0];
    volatile float rf = 0;
    volatile double rd = 0;

    feclearexcept(FE_ALL_EXCEPT);
    if (result == K_F32) {
        switch (arg) {
        case K_I32:
            rf = (float)(int32_t)s;
            break;
        case K_U32:
            rf = (float)(uint32_t)u;
            break;
        case K_I64:
            rf = (float)s;
            break;
        default:
            rf = (float)u;
            break;
        }
    } else {
        switch (arg) {
        case K_I32:
            rd = (double)(int32_t)s;
            break;
        case K_U32:
            rd = (double)(uint32_t)u;
            break;
        case K_I64:
            rd = (double)s;
            break;
        default:
            rd = (double)u;
            break;
        }
    }
    *flags = host_flags();
    return result == K_F32 ? bits_f32(rf) : bits_f64(rd);
}

static Result host_eval(const DiffOp *d, const uint64_t *v)
{
    Result r;

    if (d->op == OP_FROM_INT) {
        r.value = host_eval_from_int(d->arg, d->result, v, &r.flags);
    } else if (d->op >= OP_TO_I32 && d->op <= OP_TO_U64) {
        r.value = host_eval_to_int(d->op, d->arg, v, &r.flags);
    } else if (d->arg == K_F32) {
        r.value = host_eval_f32(d->op, v, &r.flags);
    } else {
        r.value = host_eval_f64(d->op, v, &r.flags);
    }
    /* RISC-V 11.3: whatever NaN the host made, ours is the canonical one. */
    if (d->result == K_F32 && bits_is_nan(&fmt32, r.value)) {
        r.value = F32_CANONICAL_NAN;
    } else if (d->result == K_F64 && bits_is_nan(&fmt64, r.value)) {
        r.value = F64_CANONICAL_NAN;
    }
    return r;
}

/* ---- the library side ---- */

static Result soft_eval(Op op, Kind arg, Kind result, const uint64_t *v,
                        uint8_t rm)
{
    FpStatus st = { .rm = rm };
    uint32_t a32 = (uint32_t)v[0], b32 = (uint32_t)v[1], c32 = (uint32_t)v[2];
    uint64_t a = v[0], b = v[1], c = v[2];
    bool f32 = arg == K_F32;
    Result r;

    switch (op) {
    case OP_ADD:
        r.value = f32 ? f32_add(a32, b32, &st) : f64_add(a, b, &st);
        break;
    case OP_SUB:
        r.value = f32 ? f32_sub(a32, b32, &st) : f64_sub(a, b, &st);
        break;
    case OP_MUL:
        r.value = f32 ? f32_mul(a32, b32, &st) : f64_mul(a, b, &st);
        break;
    case OP_DIV:
        r.value = f32 ? f32_div(a32, b32, &st) : f64_div(a, b, &st);
        break;
    case OP_SQRT:
        r.value = f32 ? f32_sqrt(a32, &st) : f64_sqrt(a, &st);
        break;
    case OP_MADD:
    case OP_MSUB:
    case OP_NMSUB:
    case OP_NMADD: {
        bool np = op == OP_NMSUB || op == OP_NMADD;
        bool na = op == OP_MSUB || op == OP_NMADD;

        r.value = f32 ? f32_muladd(a32, b32, c32, np, na, &st)
                      : f64_muladd(a, b, c, np, na, &st);
        break;
    }
    case OP_MIN:
        r.value = f32 ? f32_min(a32, b32, &st) : f64_min(a, b, &st);
        break;
    case OP_MAX:
        r.value = f32 ? f32_max(a32, b32, &st) : f64_max(a, b, &st);
        break;
    case OP_EQ:
        r.value = f32 ? f32_eq(a32, b32, &st) : f64_eq(a, b, &st);
        break;
    case OP_LT:
        r.value = f32 ? f32_lt(a32, b32, &st) : f64_lt(a, b, &st);
        break;
    case OP_LE:
        r.value = f32 ? f32_le(a32, b32, &st) : f64_le(a, b, &st);
        break;
    case OP_CVT_FLOAT:
        r.value = f32 ? f32_to_f64(a32, &st) : f64_to_f32(a, &st);
        break;
    case OP_TO_I32:
        r.value = (uint64_t)(int64_t)(f32 ? f32_to_i32(a32, rm, &st)
                                          : f64_to_i32(a, rm, &st));
        break;
    case OP_TO_U32:
        r.value = f32 ? f32_to_u32(a32, rm, &st) : f64_to_u32(a, rm, &st);
        break;
    case OP_TO_I64:
        r.value = (uint64_t)(f32 ? f32_to_i64(a32, rm, &st)
                                 : f64_to_i64(a, rm, &st));
        break;
    case OP_TO_U64:
        r.value = f32 ? f32_to_u64(a32, rm, &st) : f64_to_u64(a, rm, &st);
        break;
    case OP_FROM_INT:
        switch (arg) {
        case K_I32:
            r.value = result == K_F32 ? i32_to_f32((int32_t)a, &st)
                                      : i32_to_f64((int32_t)a, &st);
            break;
        case K_U32:
            r.value = result == K_F32 ? u32_to_f32((uint32_t)a, &st)
                                      : u32_to_f64((uint32_t)a, &st);
            break;
        case K_I64:
            r.value = result == K_F32 ? i64_to_f32((int64_t)a, &st)
                                      : i64_to_f64((int64_t)a, &st);
            break;
        default:
            r.value = result == K_F32 ? u64_to_f32(a, &st) : u64_to_f64(a, &st);
            break;
        }
        break;
    default:
        g_assert_not_reached();
    }
    r.flags = st.flags;
    return r;
}

/* ---- operand generation ---- */

/* splitmix64: small, fast, and the same sequence on every host. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
    return rng_next(s) % n;
}

/*
 * An N-bit pattern (N <= 63).  Runs of ones and zeros and near-all-ones
 * values put the bits just below a result's last place at exactly half,
 * just under or just over it, which is where rounding goes wrong.
 */
static uint64_t gen_pattern(uint64_t *s, int n)
{
    uint64_t mask = (1ull << n) - 1;
    int lo = (int)rng_below(s, n + 1);
    int hi = (int)rng_below(s, n + 1);
    uint64_t run, sparse;

    if (lo > hi) {
        int t = lo;

        lo = hi;
        hi = t;
    }
    run = ((1ull << hi) - 1) & ~((1ull << lo) - 1);
    sparse = n ? (1ull << rng_below(s, n)) | (1ull << rng_below(s, n)) : 0;
    switch (rng_below(s, 8)) {
    case 0:
    case 1:
        return rng_next(s) & mask;
    case 2:
        return run;
    case 3:
        return ~run & mask;
    case 4:
        return sparse;
    case 5:
        return mask ^ sparse;
    case 6:
        return rng_below(s, 4) & mask;
    default:
        return (mask - rng_below(s, 4)) & mask;
    }
}

static uint64_t fmt_exp_all(const Fmt *f)
{
    return (1ull << f->exp_bits) - 1;
}

static int fmt_bias(const Fmt *f)
{
    return (1 << (f->exp_bits - 1)) - 1;
}

static int64_t float_exp_field(const Fmt *f, uint64_t bits)
{
    return (int64_t)((bits >> f->frac_bits) & fmt_exp_all(f));
}

static bool float_is_finite(const Fmt *f, uint64_t bits)
{
    return (uint64_t)float_exp_field(f, bits) != fmt_exp_all(f);
}

/* Replace the exponent field, kept within the finite encodings. */
static uint64_t float_with_exp(const Fmt *f, uint64_t bits, int64_t exp)
{
    uint64_t field = exp < 0 ? 0 : (uint64_t)exp >= fmt_exp_all(f)
                                   ? fmt_exp_all(f) - 1 : (uint64_t)exp;

    return (bits & ~(fmt_exp_all(f) << f->frac_bits)) | field << f->frac_bits;
}

static uint64_t gen_float(uint64_t *s, const Fmt *f)
{
    uint64_t exp_all = fmt_exp_all(f);
    uint64_t quiet = 1ull << (f->frac_bits - 1);
    uint64_t sign = (rng_next(s) & 1) << (f->exp_bits + f->frac_bits);
    uint64_t frac = gen_pattern(s, f->frac_bits);
    uint64_t exp;

    switch (rng_below(s, 16)) {
    case 0:
        exp = 0;                                /* zero */
        frac = 0;
        break;
    case 1:
        exp = exp_all;                          /* infinity */
        frac = 0;
        break;
    case 2:
        exp = exp_all;                          /* quiet NaN */
        frac |= quiet;
        break;
    case 3:
        exp = exp_all;                          /* signaling NaN */
        frac &= quiet - 1;
        frac = frac ? frac : 1;
        break;
    case 4:
    case 5:
        exp = 0;                                /* subnormal */
        frac = frac ? frac : 1;
        break;
    case 6:
        exp = rng_below(s, 3);                  /* around the smallest normal */
        break;
    case 7:
        exp = exp_all - 1 - rng_below(s, 3);    /* around the largest finite */
        break;
    case 8:
        exp = 1 + rng_below(s, f->frac_bits + 2);
        break;
    case 9:
        exp = exp_all - 1 - rng_below(s, f->frac_bits + 2);
        break;
    case 10:
    case 11:
        exp = fmt_bias(f) - 8 + rng_below(s, 17);  /* around 1.0 */
        break;
    default:
        exp = rng_below(s, exp_all);
        break;
    }
    return sign | exp << f->frac_bits | frac;
}

/* A 32- or 64-bit integer of random bit length and pattern. */
static uint64_t gen_int(uint64_t *s, Kind k)
{
    int width = k == K_I32 || k == K_U32 ? 32 : 64;
    bool is_signed = k == K_I32 || k == K_I64;
    int len = (int)rng_below(s, width + 1);
    uint64_t m = len ? 1ull << (len - 1) | gen_pattern(s, len - 1) : 0;

    if (is_signed && (rng_next(s) & 1)) {
        m = -m;
    }
    if (k == K_I32) {
        return (uint64_t)(int64_t)(int32_t)(uint32_t)m;
    }
    return k == K_U32 ? (uint32_t)m : m;
}

/*
 * Aim the exponent of an operand so that the result's exponent lands near
 * emin (rounding into subnormals, tininess) or near emax (overflow).  The
 * binade just below 2^emin, emin - 1, gets a share of its own: only there
 * can a result be tiny before rounding but not after.
 */
static int64_t gen_target_exp(uint64_t *s, const Fmt *f)
{
    int bias = fmt_bias(f);

    switch (rng_below(s, 4)) {
    case 0:
        return -bias;
    case 1:
        return 1 - bias - (int64_t)rng_below(s, f->frac_bits + 4) + 2;
    default:
        return bias - 2 + (int64_t)rng_below(s, 4);
    }
}

static void gen_args(const DiffOp *d, uint64_t *s, uint64_t *v)
{
    const Fmt *f = kind_fmt(d->arg);
    int bias = fmt_bias(f);

    if (!kind_is_float(d->arg)) {
        v[0] = gen_int(s, d->arg);
        v[1] = v[2] = 0;
        return;
    }
    v[0] = gen_float(s, f);
    v[1] = gen_float(s, f);
    v[2] = gen_float(s, f);
    if (rng_next(s) & 1) {
        return;
    }
    switch (d->shape) {
    case SHAPE_SUM:
        if (float_is_finite(f, v[0]) && float_is_finite(f, v[1])) {
            int64_t delta = (int64_t)rng_below(s, 2 * f->frac_bits + 7) -
                            (f->frac_bits + 3);

            if (rng_next(s) & 1) {
                /* Same significand give or take a few ulps: cancellation. */
                v[1] = (v[1] & (1ull << (f->exp_bits + f->frac_bits))) |
                       ((v[0] + rng_below(s, 5) - 2) &
                        ((1ull << (f->exp_bits + f->frac_bits)) - 1));
            }
            v[1] = float_with_exp(f, v[1], float_exp_field(f, v[0]) + delta);
        }
        break;
    case SHAPE_PRODUCT:
    case SHAPE_FUSED:
        v[1] = float_with_exp(f, v[1], gen_target_exp(s, f) -
                              float_exp_field(f, v[0]) + 2 * bias);
        if (d->shape == SHAPE_FUSED && float_is_finite(f, v[0]) &&
            float_is_finite(f, v[1])) {
            /*
             * c near -(a * b), give or take a few ulps, so that the fused
             * sum cancels down to the bits a separate rounding would lose.
             * The library's own RNE product only picks the operand.
             */
            FpStatus st = { .rm = FP_RNE };
            uint64_t p = d->arg == K_F32 ? f32_mul((uint32_t)v[0],
                                                   (uint32_t)v[1], &st)
                                         : f64_mul(v[0], v[1], &st);
            uint64_t sign = 1ull << (f->exp_bits + f->frac_bits);

            if (float_is_finite(f, p) && (rng_next(s) & 1)) {
                v[2] = ((p & (sign - 1)) + rng_below(s, 5) - 2) & (sign - 1);
                v[2] |= (p & sign) ^ (d->op == OP_MADD || d->op == OP_NMADD
                                      ? sign : 0);
            } else {
                v[2] = float_with_exp(f, v[2], float_exp_field(f, v[0]) +
                                      float_exp_field(f, v[1]) - bias +
                                      (int64_t)rng_below(s, 3 * f->frac_bits) -
                                      2 * f->frac_bits);
            }
        }
        break;
    case SHAPE_QUOTIENT:
        v[1] = float_with_exp(f, v[1], float_exp_field(f, v[0]) -
                              gen_target_exp(s, f));
        break;
    case SHAPE_INTEGER:
        if (float_is_finite(f, v[0])) {
            v[0] = float_with_exp(f, v[0], bias - 2 + (int64_t)rng_below(s, 68));
        }
        break;
    case SHAPE_NARROW:
        if (float_is_finite(f, v[0])) {
            /* binary32's last place is bit 29 of a binary64 fraction. */
            static const uint64_t low[] = {
                0, 1ull << 28, (1ull << 28) - 1, (1ull << 28) + 1,
            };
            uint64_t frac = gen_pattern(s, 23) << 29 |
                            ((rng_next(s) & 1) ? low[rng_below(s, 4)]
                                               : rng_next(s) & ((1ull << 29) - 1));
            int64_t exp;

            switch (rng_below(s, 3)) {
            case 0:
                exp = -150 + (int64_t)rng_below(s, 28);
                break;
            case 1:
                exp = 125 + (int64_t)rng_below(s, 5);
                break;
            default:
                exp = -10 + (int64_t)rng_below(s, 21);
                break;
            }
            v[0] = (v[0] & (1ull << 63)) | frac;
            v[0] = float_with_exp(f, v[0], exp + bias);
        }
        break;
    default:
        break;
    }
}

/* ---- the differential driver ---- */

/* SSE is the reference; elsewhere the differential tests are skipped. */
#if defined(__x86_64__)
static const bool host_is_reference = true;
#else
static const bool host_is_reference = false;
#endif

static bool result_equal(Result a, Result b)
{
    return a.value == b.value && a.flags == b.flags;
}

static void report(const DiffOp *d, const char *mode, const uint64_t *v,
                   Result want, Result got, int *bad)
{
    if ((*bad)++ < 10) {
        g_test_message("%s %s (%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
                       "): want %#" PRIx64 " flags %#x, got %#" PRIx64
                       " flags %#x", d->name, mode, v[0], v[1], v[2],
                       want.value, want.flags, got.value, got.flags);
    }
}

/*
 * What RISC-V adds to the host's answer: NV for a fused inf * 0 + qNaN
 * (11.6), which IEEE 7.2(c) leaves to the implementation and SSE does
 * not signal.
 */
static Result riscv_adjust(const DiffOp *d, const uint64_t *v, Result host)
{
    const Fmt *f = kind_fmt(d->arg);
    uint64_t mag = (1ull << (f->exp_bits + f->frac_bits)) - 1;
    uint64_t inf = fmt_exp_all(f) << f->frac_bits;

    if (op_arity(d->op) == 3 && bits_is_nan(f, v[2]) &&
        (((v[0] & mag) == inf && (v[1] & mag) == 0) ||
         ((v[0] & mag) == 0 && (v[1] & mag) == inf))) {
        host.flags |= FP_NV;
    }
    return host;
}

static void test_differential(gconstpointer data)
{
    const DiffOp *d = data;
    uint64_t seed0 = 0;
    Result *by_mode[G_N_ELEMENTS(host_modes)];
    uint64_t v[3], s;
    int bad = 0;

    if (!host_is_reference) {
        g_test_skip("the reference is the x86-64 SSE FPU");
        return;
    }
    for (const char *p = d->name; *p; p++) {
        seed0 = seed0 * 131 + (uint8_t)*p;
    }
    for (size_t m = 0; m < G_N_ELEMENTS(host_modes); m++) {
        by_mode[m] = g_new(Result, CASES_PER_MODE);
        g_assert_cmpint(fesetround(host_modes[m].host), ==, 0);
        s = seed0;
        for (int i = 0; i < CASES_PER_MODE; i++) {
            Result want, got;

            gen_args(d, &s, v);
            want = riscv_adjust(d, v, host_eval(d, v));
            got = soft_eval(d->op, d->arg, d->result, v, host_modes[m].rm);
            if (!result_equal(want, got)) {
                report(d, host_modes[m].name, v, want, got, &bad);
            }
            by_mode[m][i] = want;
        }
    }
    fesetround(FE_TONEAREST);

    /*
     * RMM, from the same operands: the RNE answer, or on a tie the answer
     * rounded away from zero, which is whichever directed mode differs
     * from RTZ.
     */
    s = seed0;
    for (int i = 0; i < CASES_PER_MODE; i++) {
        Result rne = by_mode[0][i], rtz = by_mode[1][i];
        Result away = result_equal(by_mode[3][i], rtz) ? by_mode[2][i]
                                                       : by_mode[3][i];
        Result got;

        gen_args(d, &s, v);
        got = soft_eval(d->op, d->arg, d->result, v, FP_RMM);
        if (!result_equal(got, rne) &&
            !(result_equal(got, away) && result_equal(rne, rtz))) {
            report(d, "rmm", v, rne, got, &bad);
        }
    }
    for (size_t m = 0; m < G_N_ELEMENTS(host_modes); m++) {
        g_free(by_mode[m]);
    }
    g_test_message("%s: %d operand sets against the host in %zu modes, "
                   "%d in rmm", d->name, CASES_PER_MODE,
                   G_N_ELEMENTS(host_modes), CASES_PER_MODE);
    g_assert_cmpint(bad, ==, 0);
}

static const DiffOp diff_ops[] = {
    { "f32_add", OP_ADD, K_F32, K_F32, SHAPE_SUM },
    { "f32_sub", OP_SUB, K_F32, K_F32, SHAPE_SUM },
    { "f32_mul", OP_MUL, K_F32, K_F32, SHAPE_PRODUCT },
    { "f32_div", OP_DIV, K_F32, K_F32, SHAPE_QUOTIENT },
    { "f32_sqrt", OP_SQRT, K_F32, K_F32, SHAPE_NONE },
    { "f32_madd", OP_MADD, K_F32, K_F32, SHAPE_FUSED },
    { "f32_msub", OP_MSUB, K_F32, K_F32, SHAPE_FUSED },
    { "f32_nmsub", OP_NMSUB, K_F32, K_F32, SHAPE_FUSED },
    { "f32_nmadd", OP_NMADD, K_F32, K_F32, SHAPE_FUSED },
    { "f32_eq", OP_EQ, K_F32, K_BOOL, SHAPE_SUM },
    { "f32_lt", OP_LT, K_F32, K_BOOL, SHAPE_SUM },
    { "f32_le", OP_LE, K_F32, K_BOOL, SHAPE_SUM },
    { "f32_to_f64", OP_CVT_FLOAT, K_F32, K_F64, SHAPE_NONE },
    { "f32_to_i32", OP_TO_I32, K_F32, K_I32, SHAPE_INTEGER },
    { "f32_to_u32", OP_TO_U32, K_F32, K_U32, SHAPE_INTEGER },
    { "f32_to_i64", OP_TO_I64, K_F32, K_I64, SHAPE_INTEGER },
    { "f32_to_u64", OP_TO_U64, K_F32, K_U64, SHAPE_INTEGER },
    { "f64_add", OP_ADD, K_F64, K_F64, SHAPE_SUM },
    { "f64_sub", OP_SUB, K_F64, K_F64, SHAPE_SUM },
    { "f64_mul", OP_MUL, K_F64, K_F64, SHAPE_PRODUCT },
    { "f64_div", OP_DIV, K_F64, K_F64, SHAPE_QUOTIENT },
    { "f64_sqrt", OP_SQRT, K_F64, K_F64, SHAPE_NONE },
    { "f64_madd", OP_MADD, K_F64, K_F64, SHAPE_FUSED },
    { "f64_msub", OP_MSUB, K_F64, K_F64, SHAPE_FUSED },
    { "f64_nmsub", OP_NMSUB, K_F64, K_F64, SHAPE_FUSED },
    { "f64_nmadd", OP_NMADD, K_F64, K_F64, SHAPE_FUSED },
    { "f64_eq", OP_EQ, K_F64, K_BOOL, SHAPE_SUM },
    { "f64_lt", OP_LT, K_F64, K_BOOL, SHAPE_SUM },
    { "f64_le", OP_LE, K_F64, K_BOOL, SHAPE_SUM },
    { "f64_to_f32", OP_CVT_FLOAT, K_F64, K_F32, SHAPE_NARROW },
    { "f64_to_i32", OP_TO_I32, K_F64, K_I32, SHAPE_INTEGER },
    { "f64_to_u32", OP_TO_U32, K_F64, K_U32, SHAPE_INTEGER },
    { "f64_to_i64", OP_TO_I64, K_F64, K_I64, SHAPE_INTEGER },
    { "f64_to_u64", OP_TO_U64, K_F64, K_U64, SHAPE_INTEGER },
    { "i32_to_f32", OP_FROM_INT, K_I32, K_F32, SHAPE_NONE },
    { "u32_to_f32", OP_FROM_INT, K_U32, K_F32, SHAPE_NONE },
    { "i64_to_f32", OP_FROM_INT, K_I64, K_F32, SHAPE_NONE },
    { "u64_to_f32", OP_FROM_INT, K_U64, K_F32, SHAPE_NONE },
    { "i32_to_f64", OP_FROM_INT, K_I32, K_F64, SHAPE_NONE },
    { "u32_to_f64", OP_FROM_INT, K_U32, K_F64, SHAPE_NONE },
    { "i64_to_f64", OP_FROM_INT, K_I64, K_F64, SHAPE_NONE },
    { "u64_to_f64", OP_FROM_INT, K_U64, K_F64, SHAPE_NONE },
};

/*
 * The host facts the differential tests stand on: with exceptions masked,
 * an exact tiny result raises no underflow, and tininess is detected after
 * rounding (2^-126 - 2^-151 rounds to 2^-126 with an unbounded exponent,
 * so it is not tiny, though it is below 2^-126).
 */
static void test_host_premises(void)
{
    volatile float min_normal = host_f32(0x00800000), half = 0.5f;
    volatile double below = host_f64(0x380ffffff0000000ull);
    volatile float r;

    if (!host_is_reference) {
        g_test_skip("the reference is the x86-64 SSE FPU");
        return;
    }
    feclearexcept(FE_ALL_EXCEPT);
    r = min_normal * half;
    g_assert_cmphex(bits_f32(r), ==, 0x00400000);
    g_assert_cmphex(host_flags(), ==, 0);

    feclearexcept(FE_ALL_EXCEPT);
    r = (float)below;
    g_assert_cmphex(bits_f32(r), ==, 0x00800000);
    g_assert_cmphex(host_flags(), ==, FP_NX);
}

/* ---- hand-written vectors ---- */

typedef struct Vector {
    const char *what;
    Op op;
    Kind arg;
    Kind result;
    uint8_t rm;
    uint64_t v[3];
    uint64_t want;
    uint8_t flags;
} Vector;

#define F32_ONE       0x3f800000u
#define F32_TWO       0x40000000u
#define F32_HALF      0x3f000000u
#define F32_MAX       0x7f7fffffu
#define F32_INF       0x7f800000u
#define F32_NEG_INF   0xff800000u
#define F32_NEG_ZERO  0x80000000u
#define F32_QNAN      0x7fc00000u
#define F32_SNAN      0x7f800001u
#define F64_ONE       0x3ff0000000000000ull
#define F64_INF       0x7ff0000000000000ull
#define F64_NEG_ZERO  0x8000000000000000ull
#define F64_QNAN      0x7ff8000000000000ull
#define F64_SNAN      0x7ff0000000000001ull

static void run_vectors(const Vector *vec, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        Result got = soft_eval(vec[i].op, vec[i].arg, vec[i].result, vec[i].v,
                               vec[i].rm);

        if (got.value != vec[i].want || got.flags != vec[i].flags) {
            g_test_message("%s: want %#" PRIx64 " flags %#x, got %#" PRIx64
                           " flags %#x", vec[i].what, vec[i].want,
                           vec[i].flags, got.value, got.flags);
        }
        g_assert_cmphex(got.value, ==, vec[i].want);
        g_assert_cmphex(got.flags, ==, vec[i].flags);
    }
}

/* IEEE 4.3.1 roundTiesToAway: only a tie differs from RNE. */
static const Vector rmm_vectors[] = {
    { "1 + 2^-24, rne", OP_ADD, K_F32, K_F32, FP_RNE,
      { F32_ONE, 0x33800000 }, 0x3f800000, FP_NX },
    { "1 + 2^-24, rmm", OP_ADD, K_F32, K_F32, FP_RMM,
      { F32_ONE, 0x33800000 }, 0x3f800001, FP_NX },
    { "-1 - 2^-24, rmm", OP_ADD, K_F32, K_F32, FP_RMM,
      { 0xbf800000, 0xb3800000 }, 0xbf800001, FP_NX },
    { "1 + 2^-53, rmm", OP_ADD, K_F64, K_F64, FP_RMM,
      { F64_ONE, 0x3ca0000000000000ull }, 0x3ff0000000000001ull, FP_NX },
    { "1 + 2^-53, rne", OP_ADD, K_F64, K_F64, FP_RNE,
      { F64_ONE, 0x3ca0000000000000ull }, F64_ONE, FP_NX },
    { "(1 + 2^-12)^2, rmm", OP_MUL, K_F32, K_F32, FP_RMM,
      { 0x3f800800, 0x3f800800 }, 0x3f801001, FP_NX },
    { "(1 + 2^-12)^2, rne", OP_MUL, K_F32, K_F32, FP_RNE,
      { 0x3f800800, 0x3f800800 }, 0x3f801000, FP_NX },
    { "2^-149 * 0.5, rmm", OP_MUL, K_F32, K_F32, FP_RMM,
      { 0x00000001, F32_HALF }, 0x00000001, FP_UF | FP_NX },
    { "2^-149 * 0.5, rne", OP_MUL, K_F32, K_F32, FP_RNE,
      { 0x00000001, F32_HALF }, 0, FP_UF | FP_NX },
    { "2^-1074 * 0.5, rmm", OP_MUL, K_F64, K_F64, FP_RMM,
      { 1, 0x3fe0000000000000ull }, 1, FP_UF | FP_NX },
    { "2^-149 / 2, rmm", OP_DIV, K_F32, K_F32, FP_RMM,
      { 0x00000001, F32_TWO }, 0x00000001, FP_UF | FP_NX },
    { "(1 + 2^-12)^2 + 2^-11, rmm", OP_MADD, K_F32, K_F32, FP_RMM,
      { 0x3f800800, 0x3f800800, 0x3a000000 }, 0x3f802001, FP_NX },
    { "(1 + 2^-12)^2 + 2^-11, rne", OP_MADD, K_F32, K_F32, FP_RNE,
      { 0x3f800800, 0x3f800800, 0x3a000000 }, 0x3f802000, FP_NX },
    { "-((1 + 2^-12)^2) - 2^-11, rmm", OP_NMADD, K_F32, K_F32, FP_RMM,
      { 0x3f800800, 0x3f800800, 0x3a000000 }, 0xbf802001, FP_NX },
    { "sqrt(2), rmm", OP_SQRT, K_F32, K_F32, FP_RMM,
      { F32_TWO }, 0x3fb504f3, FP_NX },
    { "max + half ulp, rmm", OP_ADD, K_F32, K_F32, FP_RMM,
      { F32_MAX, 0x73000000 }, F32_INF, FP_OF | FP_NX },
    { "2.5 to i32, rmm", OP_TO_I32, K_F32, K_I32, FP_RMM,
      { 0x40200000 }, 3, FP_NX },
    { "2.5 to i32, rne", OP_TO_I32, K_F32, K_I32, FP_RNE,
      { 0x40200000 }, 2, FP_NX },
    { "-2.5 to i32, rmm", OP_TO_I32, K_F32, K_I32, FP_RMM,
      { 0xc0200000 }, (uint64_t)-3, FP_NX },
    { "0.5 to u64, rmm", OP_TO_U64, K_F64, K_U64, FP_RMM,
      { 0x3fe0000000000000ull }, 1, FP_NX },
    { "-0.5 to u32, rmm (rounds to -1)", OP_TO_U32, K_F32, K_U32, FP_RMM,
      { 0xbf000000 }, 0, FP_NV },
    { "-2^31 - 0.5 to i32, rne", OP_TO_I32, K_F64, K_I32, FP_RNE,
      { 0xc1e0000000100000ull }, (uint64_t)INT32_MIN, FP_NX },
    { "-2^31 - 0.5 to i32, rmm", OP_TO_I32, K_F64, K_I32, FP_RMM,
      { 0xc1e0000000100000ull }, (uint64_t)INT32_MIN, FP_NV },
    { "2^24 + 1 to f32, rmm", OP_FROM_INT, K_I32, K_F32, FP_RMM,
      { 0x1000001 }, 0x4b800001, FP_NX },
    { "2^24 + 1 to f32, rne", OP_FROM_INT, K_I32, K_F32, FP_RNE,
      { 0x1000001 }, 0x4b800000, FP_NX },
    { "2^53 + 1 to f64, rmm", OP_FROM_INT, K_U64, K_F64, FP_RMM,
      { 0x20000000000001ull }, 0x4340000000000001ull, FP_NX },
    { "f64 1 + 2^-24 to f32, rmm", OP_CVT_FLOAT, K_F64, K_F32, FP_RMM,
      { 0x3ff0000010000000ull }, 0x3f800001, FP_NX },
    /*
     * 2^-126 - 2^-150 has 24 bits, so it is tiny even after rounding; as a
     * subnormal it is a tie that rounds to 2^-126: UF with a normal result.
     */
    { "2^-126 - 2^-150 to f32, rmm", OP_CVT_FLOAT, K_F64, K_F32, FP_RMM,
      { 0x380fffffe0000000ull }, 0x00800000, FP_UF | FP_NX },
    /* 2^-126 - 2^-151 rounds to 2^-126 with an unbounded exponent: not tiny. */
    { "2^-126 - 2^-151 to f32, rmm", OP_CVT_FLOAT, K_F64, K_F32, FP_RMM,
      { 0x380ffffff0000000ull }, 0x00800000, FP_NX },
};

/* Everything else the host cannot check or checks differently. */
static const Vector riscv_vectors[] = {
    /* 11.3: NaN results are canonical; only signaling inputs set NV. */
    { "sNaN + 1", OP_ADD, K_F32, K_F32, FP_RNE,
      { F32_SNAN, F32_ONE }, F32_CANONICAL_NAN, FP_NV },
    { "-qNaN(payload) + 1", OP_ADD, K_F32, K_F32, FP_RNE,
      { 0xffc12345, F32_ONE }, F32_CANONICAL_NAN, 0 },
    { "f64 -qNaN(payload) * 1", OP_MUL, K_F64, K_F64, FP_RNE,
      { 0xfff8dead00000000ull, F64_ONE }, F64_CANONICAL_NAN, 0 },
    { "f64 sNaN / 1", OP_DIV, K_F64, K_F64, FP_RNE,
      { F64_SNAN, F64_ONE }, F64_CANONICAL_NAN, FP_NV },
    { "inf - inf", OP_SUB, K_F32, K_F32, FP_RNE,
      { F32_INF, F32_INF }, F32_CANONICAL_NAN, FP_NV },
    { "0 * -inf", OP_MUL, K_F32, K_F32, FP_RNE,
      { 0, F32_NEG_INF }, F32_CANONICAL_NAN, FP_NV },
    { "0 / 0", OP_DIV, K_F32, K_F32, FP_RNE,
      { 0, F32_NEG_ZERO }, F32_CANONICAL_NAN, FP_NV },
    { "1 / -0", OP_DIV, K_F32, K_F32, FP_RNE,
      { F32_ONE, F32_NEG_ZERO }, F32_NEG_INF, FP_DZ },
    { "sqrt(-1)", OP_SQRT, K_F64, K_F64, FP_RNE,
      { 0xbff0000000000000ull }, F64_CANONICAL_NAN, FP_NV },
    { "sqrt(-0)", OP_SQRT, K_F32, K_F32, FP_RNE,
      { F32_NEG_ZERO }, F32_NEG_ZERO, 0 },
    { "sqrt(-2^-149)", OP_SQRT, K_F32, K_F32, FP_RNE,
      { 0x80000001 }, F32_CANONICAL_NAN, FP_NV },
    { "inf * 0 + qNaN (NV by 11.6)", OP_MADD, K_F32, K_F32, FP_RNE,
      { F32_INF, 0, F32_QNAN }, F32_CANONICAL_NAN, FP_NV },
    { "f64 0 * inf - qNaN", OP_MSUB, K_F64, K_F64, FP_RNE,
      { 0, F64_INF, F64_QNAN }, F64_CANONICAL_NAN, FP_NV },
    { "1 * 1 + sNaN", OP_MADD, K_F32, K_F32, FP_RNE,
      { F32_ONE, F32_ONE, F32_SNAN }, F32_CANONICAL_NAN, FP_NV },
    { "1 * qNaN + 1", OP_MADD, K_F32, K_F32, FP_RNE,
      { F32_ONE, 0xffc00001, F32_ONE }, F32_CANONICAL_NAN, 0 },
    { "f32 -qNaN to f64", OP_CVT_FLOAT, K_F32, K_F64, FP_RNE,
      { 0xffc00001 }, F64_CANONICAL_NAN, 0 },
    { "f32 sNaN to f64", OP_CVT_FLOAT, K_F32, K_F64, FP_RNE,
      { F32_SNAN }, F64_CANONICAL_NAN, FP_NV },
    { "f64 qNaN(payload) to f32", OP_CVT_FLOAT, K_F64, K_F32, FP_RNE,
      { 0x7ff80000deadbeefull }, F32_CANONICAL_NAN, 0 },
    { "f64 sNaN to f32", OP_CVT_FLOAT, K_F64, K_F32, FP_RNE,
      { F64_SNAN }, F32_CANONICAL_NAN, FP_NV },

    /* IEEE 6.3: the sign of an exact zero sum. */
    { "1 - 1, rne", OP_SUB, K_F32, K_F32, FP_RNE,
      { F32_ONE, F32_ONE }, 0, 0 },
    { "1 - 1, rdn", OP_SUB, K_F32, K_F32, FP_RDN,
      { F32_ONE, F32_ONE }, F32_NEG_ZERO, 0 },
    { "-0 + -0", OP_ADD, K_F32, K_F32, FP_RNE,
      { F32_NEG_ZERO, F32_NEG_ZERO }, F32_NEG_ZERO, 0 },
    { "-0 + 0, rdn", OP_ADD, K_F64, K_F64, FP_RDN,
      { F64_NEG_ZERO, 0 }, F64_NEG_ZERO, 0 },
    { "-(1 * 1) - -1, rne", OP_NMADD, K_F32, K_F32, FP_RNE,
      { F32_ONE, F32_ONE, 0xbf800000 }, 0, 0 },
    { "-(1 * 1) - -1, rdn", OP_NMADD, K_F32, K_F32, FP_RDN,
      { F32_ONE, F32_ONE, 0xbf800000 }, F32_NEG_ZERO, 0 },
    { "-(0 * 1) - 0", OP_NMADD, K_F64, K_F64, FP_RNE,
      { 0, F64_ONE, 0 }, F64_NEG_ZERO, 0 },

    /* IEEE 7.4, 7.5: overflow per rounding mode; underflow needs inexact. */
    { "max * 2, rtz", OP_MUL, K_F32, K_F32, FP_RTZ,
      { F32_MAX, F32_TWO }, F32_MAX, FP_OF | FP_NX },
    { "max * 2, rdn", OP_MUL, K_F32, K_F32, FP_RDN,
      { F32_MAX, F32_TWO }, F32_MAX, FP_OF | FP_NX },
    { "max * 2, rup", OP_MUL, K_F32, K_F32, FP_RUP,
      { F32_MAX, F32_TWO }, F32_INF, FP_OF | FP_NX },
    { "-max * 2, rdn", OP_MUL, K_F32, K_F32, FP_RDN,
      { 0xff7fffff, F32_TWO }, F32_NEG_INF, FP_OF | FP_NX },
    { "-max * 2, rup", OP_MUL, K_F32, K_F32, FP_RUP,
      { 0xff7fffff, F32_TWO }, 0xff7fffff, FP_OF | FP_NX },
    { "-max * 2, rmm", OP_MUL, K_F32, K_F32, FP_RMM,
      { 0xff7fffff, F32_TWO }, F32_NEG_INF, FP_OF | FP_NX },
    { "2^-126 * 0.5 (exact subnormal)", OP_MUL, K_F32, K_F32, FP_RNE,
      { 0x00800000, F32_HALF }, 0x00400000, 0 },
    { "2^-126 - 2^-151 to f32, rtz", OP_CVT_FLOAT, K_F64, K_F32, FP_RTZ,
      { 0x380ffffff0000000ull }, 0x007fffff, FP_UF | FP_NX },
    { "2^-126 - 2^-151 to f32, rup", OP_CVT_FLOAT, K_F64, K_F32, FP_RUP,
      { 0x380ffffff0000000ull }, 0x00800000, FP_NX },

    /* 11.6 FMIN/FMAX (F 2.2): -0 < +0; a quiet NaN is missing data. */
    { "min(-0, +0)", OP_MIN, K_F32, K_F32, FP_RNE,
      { F32_NEG_ZERO, 0 }, F32_NEG_ZERO, 0 },
    { "min(+0, -0)", OP_MIN, K_F32, K_F32, FP_RNE,
      { 0, F32_NEG_ZERO }, F32_NEG_ZERO, 0 },
    { "max(-0, +0)", OP_MAX, K_F32, K_F32, FP_RNE,
      { F32_NEG_ZERO, 0 }, 0, 0 },
    { "max(+0, -0)", OP_MAX, K_F32, K_F32, FP_RNE,
      { 0, F32_NEG_ZERO }, 0, 0 },
    { "min(qNaN, 1)", OP_MIN, K_F32, K_F32, FP_RNE,
      { F32_QNAN, F32_ONE }, F32_ONE, 0 },
    { "max(1, -qNaN)", OP_MAX, K_F32, K_F32, FP_RNE,
      { F32_ONE, 0xffc00123 }, F32_ONE, 0 },
    { "max(sNaN, 1)", OP_MAX, K_F32, K_F32, FP_RNE,
      { F32_SNAN, F32_ONE }, F32_ONE, FP_NV },
    { "min(qNaN, qNaN)", OP_MIN, K_F32, K_F32, FP_RNE,
      { 0x7fc00005, 0xffc00000 }, F32_CANONICAL_NAN, 0 },
    { "min(sNaN, qNaN)", OP_MIN, K_F32, K_F32, FP_RNE,
      { F32_SNAN, F32_QNAN }, F32_CANONICAL_NAN, FP_NV },
    { "max(-inf, qNaN)", OP_MAX, K_F32, K_F32, FP_RNE,
      { F32_NEG_INF, F32_QNAN }, F32_NEG_INF, 0 },
    { "min(1, 2)", OP_MIN, K_F32, K_F32, FP_RNE,
      { F32_ONE, F32_TWO }, F32_ONE, 0 },
    { "max(-1, -2)", OP_MAX, K_F32, K_F32, FP_RNE,
      { 0xbf800000, 0xc0000000 }, 0xbf800000, 0 },
    { "min(-2^-149, +2^-149)", OP_MIN, K_F32, K_F32, FP_RNE,
      { 0x80000001, 0x00000001 }, 0x80000001, 0 },
    { "f64 min(+0, -0)", OP_MIN, K_F64, K_F64, FP_RNE,
      { 0, F64_NEG_ZERO }, F64_NEG_ZERO, 0 },
    { "f64 max(-3, sNaN)", OP_MAX, K_F64, K_F64, FP_RNE,
      { 0xc008000000000000ull, F64_SNAN }, 0xc008000000000000ull, FP_NV },
    { "f64 max(qNaN, sNaN)", OP_MAX, K_F64, K_F64, FP_RNE,
      { F64_QNAN, F64_SNAN }, F64_CANONICAL_NAN, FP_NV },
    { "f64 max(2, inf)", OP_MAX, K_F64, K_F64, FP_RNE,
      { 0x4000000000000000ull, F64_INF }, F64_INF, 0 },

    /* 11.8: FEQ quiet, FLT/FLE signaling; NaN compares false. */
    { "eq(qNaN, 1)", OP_EQ, K_F32, K_BOOL, FP_RNE, { F32_QNAN, F32_ONE }, 0, 0 },
    { "eq(sNaN, 1)", OP_EQ, K_F32, K_BOOL, FP_RNE,
      { F32_SNAN, F32_ONE }, 0, FP_NV },
    { "eq(qNaN, qNaN)", OP_EQ, K_F32, K_BOOL, FP_RNE,
      { F32_QNAN, F32_QNAN }, 0, 0 },
    { "lt(qNaN, 1)", OP_LT, K_F32, K_BOOL, FP_RNE,
      { F32_QNAN, F32_ONE }, 0, FP_NV },
    { "le(1, qNaN)", OP_LE, K_F32, K_BOOL, FP_RNE,
      { F32_ONE, F32_QNAN }, 0, FP_NV },
    { "eq(-0, +0)", OP_EQ, K_F32, K_BOOL, FP_RNE, { F32_NEG_ZERO, 0 }, 1, 0 },
    { "lt(-0, +0)", OP_LT, K_F32, K_BOOL, FP_RNE, { F32_NEG_ZERO, 0 }, 0, 0 },
    { "le(+0, -0)", OP_LE, K_F32, K_BOOL, FP_RNE, { 0, F32_NEG_ZERO }, 1, 0 },
    { "lt(1, 2)", OP_LT, K_F32, K_BOOL, FP_RNE, { F32_ONE, F32_TWO }, 1, 0 },
    { "lt(2, 1)", OP_LT, K_F32, K_BOOL, FP_RNE, { F32_TWO, F32_ONE }, 0, 0 },
    { "le(2, 2)", OP_LE, K_F32, K_BOOL, FP_RNE, { F32_TWO, F32_TWO }, 1, 0 },
    { "lt(-inf, inf)", OP_LT, K_F32, K_BOOL, FP_RNE,
      { F32_NEG_INF, F32_INF }, 1, 0 },
    { "lt(-2, -1)", OP_LT, K_F32, K_BOOL, FP_RNE,
      { 0xc0000000, 0xbf800000 }, 1, 0 },
    { "f64 eq(1, sNaN)", OP_EQ, K_F64, K_BOOL, FP_RNE,
      { F64_ONE, F64_SNAN }, 0, FP_NV },
    { "f64 le(qNaN, qNaN)", OP_LE, K_F64, K_BOOL, FP_RNE,
      { F64_QNAN, F64_QNAN }, 0, FP_NV },
    { "f64 le(-0, +0)", OP_LE, K_F64, K_BOOL, FP_RNE,
      { F64_NEG_ZERO, 0 }, 1, 0 },

    /* 11.7, Table 11.4: out-of-range conversions saturate with NV alone. */
    { "fcvt.w.s qNaN", OP_TO_I32, K_F32, K_I32, FP_RNE,
      { F32_QNAN }, 0x7fffffff, FP_NV },
    { "fcvt.w.s -qNaN", OP_TO_I32, K_F32, K_I32, FP_RNE,
      { 0xffc00000 }, 0x7fffffff, FP_NV },
    { "fcvt.w.s -inf", OP_TO_I32, K_F32, K_I32, FP_RNE,
      { F32_NEG_INF }, (uint64_t)INT32_MIN, FP_NV },
    { "fcvt.w.s +inf", OP_TO_I32, K_F32, K_I32, FP_RNE,
      { F32_INF }, 0x7fffffff, FP_NV },
    { "fcvt.w.s 2^31", OP_TO_I32, K_F32, K_I32, FP_RNE,
      { 0x4f000000 }, 0x7fffffff, FP_NV },
    { "fcvt.w.s -2^31", OP_TO_I32, K_F32, K_I32, FP_RNE,
      { 0xcf000000 }, (uint64_t)INT32_MIN, 0 },
    { "fcvt.wu.s -1", OP_TO_U32, K_F32, K_U32, FP_RNE,
      { 0xbf800000 }, 0, FP_NV },
    { "fcvt.wu.s -0.4, rtz", OP_TO_U32, K_F32, K_U32, FP_RTZ,
      { 0xbecccccd }, 0, FP_NX },
    { "fcvt.wu.s -0.4, rne", OP_TO_U32, K_F32, K_U32, FP_RNE,
      { 0xbecccccd }, 0, FP_NX },
    { "fcvt.wu.s -0.4, rdn", OP_TO_U32, K_F32, K_U32, FP_RDN,
      { 0xbecccccd }, 0, FP_NV },
    { "fcvt.wu.s -0", OP_TO_U32, K_F32, K_U32, FP_RNE,
      { F32_NEG_ZERO }, 0, 0 },
    { "fcvt.wu.s sNaN", OP_TO_U32, K_F32, K_U32, FP_RNE,
      { F32_SNAN }, 0xffffffff, FP_NV },
    { "fcvt.wu.s 2^32", OP_TO_U32, K_F32, K_U32, FP_RNE,
      { 0x4f800000 }, 0xffffffff, FP_NV },
    { "fcvt.wu.s 2^32 - 256", OP_TO_U32, K_F32, K_U32, FP_RNE,
      { 0x4f7fffff }, 0xffffff00, 0 },
    { "fcvt.w.s 2^-149, rup", OP_TO_I32, K_F32, K_I32, FP_RUP,
      { 0x00000001 }, 1, FP_NX },
    { "fcvt.w.s -2^-149, rdn", OP_TO_I32, K_F32, K_I32, FP_RDN,
      { 0x80000001 }, (uint64_t)-1, FP_NX },
    { "fcvt.l.s qNaN", OP_TO_I64, K_F32, K_I64, FP_RNE,
      { F32_QNAN }, (uint64_t)INT64_MAX, FP_NV },
    { "fcvt.l.s 2^63", OP_TO_I64, K_F32, K_I64, FP_RNE,
      { 0x5f000000 }, (uint64_t)INT64_MAX, FP_NV },
    { "fcvt.l.s -2^63", OP_TO_I64, K_F32, K_I64, FP_RNE,
      { 0xdf000000 }, (uint64_t)INT64_MIN, 0 },
    { "fcvt.lu.s -inf", OP_TO_U64, K_F32, K_U64, FP_RNE,
      { F32_NEG_INF }, 0, FP_NV },
    { "fcvt.lu.s 2^64", OP_TO_U64, K_F32, K_U64, FP_RNE,
      { 0x5f800000 }, UINT64_MAX, FP_NV },
    { "fcvt.lu.s 2^64 - 2^40", OP_TO_U64, K_F32, K_U64, FP_RNE,
      { 0x5f7fffff }, 0xffffff0000000000ull, 0 },
    { "fcvt.w.d 2^31 - 0.5, rne (rounds out of range)", OP_TO_I32, K_F64,
      K_I32, FP_RNE, { 0x41dfffffffe00000ull }, 0x7fffffff, FP_NV },
    { "fcvt.w.d 2^31 - 0.5, rtz", OP_TO_I32, K_F64, K_I32, FP_RTZ,
      { 0x41dfffffffe00000ull }, 0x7fffffff, FP_NX },
    { "fcvt.w.d 2^31 - 0.6, rne", OP_TO_I32, K_F64, K_I32, FP_RNE,
      { 0x41dfffffffd9999aull }, 0x7fffffff, FP_NX },
    { "fcvt.wu.d 2^32 - 0.5, rtz", OP_TO_U32, K_F64, K_U32, FP_RTZ,
      { 0x41effffffff00000ull }, 0xffffffff, FP_NX },
    { "fcvt.wu.d 2^32 - 0.5, rne", OP_TO_U32, K_F64, K_U32, FP_RNE,
      { 0x41effffffff00000ull }, 0xffffffff, FP_NV },
    { "fcvt.lu.d 2^64 - 2^11", OP_TO_U64, K_F64, K_U64, FP_RNE,
      { 0x43efffffffffffffull }, 0xfffffffffffff800ull, 0 },
    { "fcvt.lu.d 2^64", OP_TO_U64, K_F64, K_U64, FP_RNE,
      { 0x43f0000000000000ull }, UINT64_MAX, FP_NV },
    { "fcvt.l.d sNaN", OP_TO_I64, K_F64, K_I64, FP_RNE,
      { F64_SNAN }, (uint64_t)INT64_MAX, FP_NV },
    { "fcvt.l.d -2^63 - 2^11", OP_TO_I64, K_F64, K_I64, FP_RNE,
      { 0xc3e0000000000001ull }, (uint64_t)INT64_MIN, FP_NV },
    { "fcvt.s.l INT64_MIN", OP_FROM_INT, K_I64, K_F32, FP_RNE,
      { (uint64_t)INT64_MIN }, 0xdf000000, 0 },
    { "fcvt.d.w 0 is +0", OP_FROM_INT, K_I32, K_F64, FP_RDN,
      { 0 }, 0, 0 },
    { "fcvt.s.lu 2^64 - 1, rtz", OP_FROM_INT, K_U64, K_F32, FP_RTZ,
      { UINT64_MAX }, 0x5f7fffff, FP_NX },
};

static void test_rmm_vectors(void)
{
    run_vectors(rmm_vectors, G_N_ELEMENTS(rmm_vectors));
}

static void test_riscv_vectors(void)
{
    run_vectors(riscv_vectors, G_N_ELEMENTS(riscv_vectors));
}

/* 11.9, 12.7: exactly one FCLASS bit per class, NaN sign ignored. */
static void test_classify(void)
{
    static const struct {
        uint32_t f32;
        uint64_t f64;
        unsigned cls;
    } cases[] = {
        { F32_NEG_INF, 0xfff0000000000000ull, FP_CLASS_NEG_INF },
        { 0xbf800000, 0xbff0000000000000ull, FP_CLASS_NEG_NORMAL },
        { 0x80800000, 0x8010000000000000ull, FP_CLASS_NEG_NORMAL },
        { 0x807fffff, 0x800fffffffffffffull, FP_CLASS_NEG_SUBNORMAL },
        { 0x80000001, 0x8000000000000001ull, FP_CLASS_NEG_SUBNORMAL },
        { F32_NEG_ZERO, F64_NEG_ZERO, FP_CLASS_NEG_ZERO },
        { 0, 0, FP_CLASS_POS_ZERO },
        { 0x00000001, 0x0000000000000001ull, FP_CLASS_POS_SUBNORMAL },
        { 0x007fffff, 0x000fffffffffffffull, FP_CLASS_POS_SUBNORMAL },
        { 0x00800000, 0x0010000000000000ull, FP_CLASS_POS_NORMAL },
        { F32_MAX, 0x7fefffffffffffffull, FP_CLASS_POS_NORMAL },
        { F32_INF, F64_INF, FP_CLASS_POS_INF },
        { F32_SNAN, F64_SNAN, FP_CLASS_SNAN },
        { 0xffbfffff, 0xfff7ffffffffffffull, FP_CLASS_SNAN },
        { F32_QNAN, F64_QNAN, FP_CLASS_QNAN },
        { 0xffffffff, 0xffffffffffffffffull, FP_CLASS_QNAN },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert_cmphex(f32_classify(cases[i].f32), ==, cases[i].cls);
        g_assert_cmphex(f64_classify(cases[i].f64), ==, cases[i].cls);
    }
}

/* Flags accrue: an operation only ever adds bits to st->flags. */
static void test_flags_accrue(void)
{
    FpStatus st = { .rm = FP_RNE, .flags = FP_DZ };

    g_assert_cmphex(f32_add(F32_ONE, 0x33800000, &st), ==, F32_ONE);
    g_assert_cmphex(st.flags, ==, FP_DZ | FP_NX);
    g_assert_cmphex(f64_mul(F64_ONE, F64_ONE, &st), ==, F64_ONE);
    g_assert_cmphex(st.flags, ==, FP_DZ | FP_NX);
    g_assert_false(f32_lt(F32_QNAN, 0, &st));
    g_assert_cmphex(st.flags, ==, FP_DZ | FP_NX | FP_NV);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/softfloat/host-premises", test_host_premises);
    for (size_t i = 0; i < G_N_ELEMENTS(diff_ops); i++) {
        char *path = g_strdup_printf("/softfloat/differential/%s",
                                     diff_ops[i].name);

        g_test_add_data_func(path, &diff_ops[i], test_differential);
        g_free(path);
    }
    g_test_add_func("/softfloat/rmm", test_rmm_vectors);
    g_test_add_func("/softfloat/riscv-rules", test_riscv_vectors);
    g_test_add_func("/softfloat/classify", test_classify);
    g_test_add_func("/softfloat/flags-accrue", test_flags_accrue);
    return g_test_run();
}
