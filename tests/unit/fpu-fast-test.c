/*
 * target/riscv/fpu_fast.h and the F/D helpers built on it
 * (fpu_helper.c) against softfloat.c: the fast paths must give the
 * softfloat result and flags bit for bit, for every operand.
 *
 * Arithmetic (add, sub, mul, div, sqrt, fused multiply-add, on the host
 * FPU): two million operand sets per operation from a fixed-seed
 * generator biased toward what decides whether the host result may be
 * taken: zeros, subnormals, infinities and NaNs, exponents near the
 * bottom of the normal range (products and quotients land around the
 * 2^(emin+1) acceptance limit and in the subnormal range), exponents near
 * the top (overflow), operands with few significand bits (exact results,
 * where NX must stay clear), pairs that cancel (zero sums).  Each set
 * runs with and without fflags.NX already accrued (the two ways the fast
 * path finds the inexact flag) and, now and then, in another rounding
 * mode, which must go to softfloat.  A run also checks that the fast path
 * was taken at all, exact results included, so a fast path that always
 * declined (and so tested nothing) fails.
 *
 * Comparisons, min, max and conversions (in integer arithmetic): operands
 * biased toward NaNs, signed zeros, equal values, integers, halves and
 * the edges of each integer range, in every rounding mode.
 *
 * The helpers: each one, called as translated code calls it, against the
 * instruction computed with softfloat.c from its definition (unboxing,
 * boxing, sign extension, fflags accrued, mstatus.FS made Dirty).
 *
 * The host in a rounding or flushing mode other than its default must
 * leave everything to softfloat.
 */
#include <fenv.h>
#include <glib.h>

#include "cpu.h"
#include "fpu_fast.h"
#include "helper.h"

#define FPU_FAST_TEST_ROUNDS 2000000

typedef struct Rng {
    uint64_t s;
} Rng;

/* xorshift64*: fast, and the same sequence on every run. */
static uint64_t rng_next(Rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

/* A significand (the 52 stored bits): random, sparse, or near all ones. */
static uint64_t gen_frac64(Rng *r)
{
    uint64_t x = rng_next(r);

    switch (x & 3) {
    case 0:
        return (rng_next(r) & 0xffff) << (rng_next(r) % 37);
    case 1:
        return 0xfffffffffffffull ^ (rng_next(r) & 0xff);
    default:
        return rng_next(r) & 0xfffffffffffffull;
    }
}

static uint64_t gen_f64(Rng *r)
{
    uint64_t x = rng_next(r), sign = (x >> 63) << 63, e;

    switch ((x >> 4) % 16) {
    case 0:
        return rng_next(r);
    case 1:
        return sign;
    case 2:
        return sign | (rng_next(r) & 0xfffffffffffffull);
    case 3:
        return sign | 0x7ff0000000000000ull;
    case 4:
        return sign | 0x7ff0000000000000ull | (gen_frac64(r) | 1);
    case 5:
        e = 1 + rng_next(r) % 80;
        break;
    case 6:
        e = 0x7fe - rng_next(r) % 64;
        break;
    default:
        e = 1023 - 40 + rng_next(r) % 81;
        break;
    }
    return sign | (e << 52) | gen_frac64(r);
}

/* B often depends on A: its negation nearly (cancellation), a shift of
 * its exponent (alignment), or A itself. */
static uint64_t gen_f64_second(Rng *r, uint64_t a)
{
    uint64_t x = rng_next(r);

    switch (x % 8) {
    case 0:
        return (a ^ (1ull << 63)) + (int64_t)(rng_next(r) % 9) - 4;
    case 1:
        return a + ((rng_next(r) % 120) << 52) - (60ull << 52);
    case 2:
        return a;
    default:
        return gen_f64(r);
    }
}

static uint32_t gen_frac32(Rng *r)
{
    uint64_t x = rng_next(r);

    switch (x & 3) {
    case 0:
        return (uint32_t)((rng_next(r) & 0xff) << (rng_next(r) % 16));
    case 1:
        return 0x7fffffu ^ (uint32_t)(rng_next(r) & 0xf);
    default:
        return (uint32_t)(rng_next(r) & 0x7fffff);
    }
}

static uint32_t gen_f32(Rng *r)
{
    uint64_t x = rng_next(r);
    uint32_t sign = (uint32_t)(x >> 63) << 31, e;

    switch ((x >> 4) % 16) {
    case 0:
        return (uint32_t)rng_next(r);
    case 1:
        return sign;
    case 2:
        return sign | (uint32_t)(rng_next(r) & 0x7fffff);
    case 3:
        return sign | 0x7f800000u;
    case 4:
        return sign | 0x7f800000u | (gen_frac32(r) | 1);
    case 5:
        e = 1 + rng_next(r) % 40;
        break;
    case 6:
        e = 0xfe - rng_next(r) % 32;
        break;
    default:
        e = 127 - 20 + rng_next(r) % 41;
        break;
    }
    return sign | (e << 23) | gen_frac32(r);
}

static uint32_t gen_f32_second(Rng *r, uint32_t a)
{
    uint64_t x = rng_next(r);

    switch (x % 8) {
    case 0:
        return (a ^ 0x80000000u) + (uint32_t)(rng_next(r) % 9) - 4;
    case 1:
        return a + ((uint32_t)(rng_next(r) % 60) << 23) - (30u << 23);
    case 2:
        return a;
    default:
        return gen_f32(r);
    }
}

/* RNE mostly; another mode one time in eight. */
static FpStatus gen_status(Rng *r)
{
    uint64_t x = rng_next(r);
    FpStatus st = {
        .rm = (x & 7) ? FP_RNE : (uint8_t)(1 + (x >> 3) % 4),
        .flags = (x >> 8) & 1 ? FP_NX : 0,
    };

    return st;
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_MULADD, OP_COUNT };

/*
 * A result the host may round differently from RISC-V: within a few ulps
 * of the smallest normal (tiny or not, after rounding), of twice it (the
 * fast path's acceptance limit) or of the largest finite number.
 */
static uint64_t gen_edge_f64(Rng *r)
{
    static const uint64_t edges[] = {
        0x0010000000000000ull, 0x0020000000000000ull, 0x7fefffffffffffffull,
    };
    uint64_t x = rng_next(r);

    return ((x >> 63) << 63) | (edges[(x >> 8) % 3] + (x & 7) - 3);
}

static uint32_t gen_edge_f32(Rng *r)
{
    static const uint32_t edges[] = { 0x00800000u, 0x01000000u, 0x7f7fffffu };
    uint64_t x = rng_next(r);

    return ((uint32_t)(x >> 63) << 31) | (edges[(x >> 8) % 3] + (x & 7) - 3);
}

/*
 * Operands whose product or quotient lands on such an edge to within the
 * error of one rounding, which leaves the exact result anywhere in the
 * last ulp around it: for mul b = edge / a, for div a = edge * b, for
 * muladd the product is the edge and c small.
 */
static void gen_near_edge_f64(Rng *r, unsigned op, uint64_t *a, uint64_t *b,
                              uint64_t *c)
{
    FpStatus st = { .rm = FP_RNE };
    uint64_t edge = gen_edge_f64(r);

    *a = 0x3c00000000000000ull + (rng_next(r) & 0x07ffffffffffffffull);
    *b = 0x3c00000000000000ull + (rng_next(r) & 0x07ffffffffffffffull);
    if (op == OP_DIV) {
        *a = f64_mul(edge, *b, &st);
    } else {
        *b = f64_div(edge, *a, &st);
    }
    *c = (rng_next(r) & 1) ? 0 : gen_f64(r) & 0x80ffffffffffffffull;
}

static void gen_near_edge_f32(Rng *r, unsigned op, uint32_t *a, uint32_t *b,
                              uint32_t *c)
{
    FpStatus st = { .rm = FP_RNE };
    uint32_t edge = gen_edge_f32(r);

    *a = 0x38000000u + (uint32_t)(rng_next(r) & 0x0fffffffu);
    *b = 0x38000000u + (uint32_t)(rng_next(r) & 0x0fffffffu);
    if (op == OP_DIV) {
        *a = f32_mul(edge, *b, &st);
    } else {
        *b = f32_div(edge, *a, &st);
    }
    *c = (rng_next(r) & 1) ? 0 : gen_f32(r) & 0x87ffffffu;
}

static const char *const op_names[OP_COUNT] = {
    "add", "sub", "mul", "div", "sqrt", "muladd",
};

static uint64_t run_f64(unsigned op, bool fast, uint64_t a, uint64_t b,
                        uint64_t c, unsigned neg, FpStatus *st)
{
    switch (op) {
    case OP_ADD:
        return fast ? fpu_fast_f64_add(a, b, st) : f64_add(a, b, st);
    case OP_SUB:
        return fast ? fpu_fast_f64_sub(a, b, st) : f64_sub(a, b, st);
    case OP_MUL:
        return fast ? fpu_fast_f64_mul(a, b, st) : f64_mul(a, b, st);
    case OP_DIV:
        return fast ? fpu_fast_f64_div(a, b, st) : f64_div(a, b, st);
    case OP_SQRT:
        return fast ? fpu_fast_f64_sqrt(a, st) : f64_sqrt(a, st);
    default:
        return fast ? fpu_fast_f64_muladd(a, b, c, neg & 1, neg & 2, st)
                    : f64_muladd(a, b, c, neg & 1, neg & 2, st);
    }
}

static uint32_t run_f32(unsigned op, bool fast, uint32_t a, uint32_t b,
                        uint32_t c, unsigned neg, FpStatus *st)
{
    switch (op) {
    case OP_ADD:
        return fast ? fpu_fast_f32_add(a, b, st) : f32_add(a, b, st);
    case OP_SUB:
        return fast ? fpu_fast_f32_sub(a, b, st) : f32_sub(a, b, st);
    case OP_MUL:
        return fast ? fpu_fast_f32_mul(a, b, st) : f32_mul(a, b, st);
    case OP_DIV:
        return fast ? fpu_fast_f32_div(a, b, st) : f32_div(a, b, st);
    case OP_SQRT:
        return fast ? fpu_fast_f32_sqrt(a, st) : f32_sqrt(a, st);
    default:
        return fast ? fpu_fast_f32_muladd(a, b, c, neg & 1, neg & 2, st)
                    : f32_muladd(a, b, c, neg & 1, neg & 2, st);
    }
}

/*
 * Whether the fast path itself (not the softfloat fallback) answers OP on
 * these operands, with whether that answer was exact.  On a host without
 * a fast path nothing is taken and the counts are not checked.
 */
#if defined(__x86_64__) && defined(__SSE2_MATH__) && defined(__GNUC__)
#define HAVE_FAST_PATH 1

static bool host_has_fma(void)
{
    return fpu_fast_has_fma();
}
#else
#define HAVE_FAST_PATH 0

static bool host_has_fma(void)
{
    return false;
}
#endif

static bool taken_f64(unsigned op, uint64_t a, uint64_t b, uint64_t c,
                      unsigned neg, FpStatus st, bool *exact)
{
    uint64_t r;
    bool taken = false;

    st.flags = 0;
    if (st.rm == FP_RNE) {
        switch (op) {
        case OP_ADD:
            taken = fpu_fast_f64_add_host(a, b, &r, &st);
            break;
        case OP_SUB:
            taken = fpu_fast_f64_sub_host(a, b, &r, &st);
            break;
        case OP_MUL:
            taken = fpu_fast_f64_mul_host(a, b, &r, &st);
            break;
        case OP_DIV:
            taken = fpu_fast_f64_div_host(a, b, &r, &st);
            break;
        case OP_SQRT:
            taken = fpu_fast_f64_sqrt_host(a, &r, &st);
            break;
        default:
            taken = fpu_fast_f64_muladd_host(a, b, c, neg & 1, neg & 2, &r,
                                             &st);
            break;
        }
    }
    *exact = taken && !st.flags;
    return taken;
}

static bool taken_f32(unsigned op, uint32_t a, uint32_t b, uint32_t c,
                      unsigned neg, FpStatus st, bool *exact)
{
    uint32_t r;
    bool taken = false;

    st.flags = 0;
    if (st.rm == FP_RNE) {
        switch (op) {
        case OP_ADD:
            taken = fpu_fast_f32_add_host(a, b, &r, &st);
            break;
        case OP_SUB:
            taken = fpu_fast_f32_sub_host(a, b, &r, &st);
            break;
        case OP_MUL:
            taken = fpu_fast_f32_mul_host(a, b, &r, &st);
            break;
        case OP_DIV:
            taken = fpu_fast_f32_div_host(a, b, &r, &st);
            break;
        case OP_SQRT:
            taken = fpu_fast_f32_sqrt_host(a, &r, &st);
            break;
        default:
            taken = fpu_fast_f32_muladd_host(a, b, c, neg & 1, neg & 2, &r,
                                             &st);
            break;
        }
    }
    *exact = taken && !st.flags;
    return taken;
}

/* The generator must reach the fast path, exact results included. */
static void check_taken(unsigned op, unsigned rounds, unsigned taken,
                        unsigned exact)
{
    if (!HAVE_FAST_PATH || (op == OP_MULADD && !host_has_fma())) {
        return;
    }
    g_assert_cmpuint(taken, >, rounds / 20);
    g_assert_cmpuint(exact, >, rounds / 1000);
}

static void check_f64(unsigned op, unsigned rounds)
{
    Rng rng = { 0x9e3779b97f4a7c15ull + op };
    unsigned taken = 0, exact = 0;
    bool was_exact;

    for (unsigned i = 0; i < rounds; i++) {
        uint64_t a = gen_f64(&rng), b = gen_f64_second(&rng, a);
        uint64_t c = (rng_next(&rng) & 1) ? gen_f64(&rng)
                                           : gen_f64_second(&rng, a);
        unsigned neg = rng_next(&rng) & 3;
        FpStatus fast = gen_status(&rng), soft = fast;
        uint64_t rf, rs;

        if ((op == OP_MUL || op == OP_DIV || op == OP_MULADD) &&
            !(rng_next(&rng) & 3)) {
            gen_near_edge_f64(&rng, op, &a, &b, &c);
        }
        /* Squares, so that some square roots are exact. */
        if (op == OP_SQRT && !(rng_next(&rng) & 3)) {
            FpStatus sq = { .rm = FP_RNE };

            a = f64_mul(b, b, &sq) & 0x7fffffffffffffffull;
        }
        rf = run_f64(op, true, a, b, c, neg, &fast);
        rs = run_f64(op, false, a, b, c, neg, &soft);

        if (rf != rs || fast.flags != soft.flags) {
            g_test_message("f64 %s a=%016" G_GINT64_MODIFIER "x b=%016"
                           G_GINT64_MODIFIER "x c=%016" G_GINT64_MODIFIER
                           "x neg=%u rm=%u: fast %016" G_GINT64_MODIFIER
                           "x/%02x, softfloat %016" G_GINT64_MODIFIER
                           "x/%02x", op_names[op], a, b, c, neg,
                           soft.rm, rf, fast.flags, rs, soft.flags);
        }
        g_assert_cmphex(rf, ==, rs);
        g_assert_cmphex(fast.flags, ==, soft.flags);
        if (taken_f64(op, a, b, c, neg, soft, &was_exact)) {
            taken++;
            exact += was_exact;
        }
    }
    check_taken(op, rounds, taken, exact);
}

static void check_f32(unsigned op, unsigned rounds)
{
    Rng rng = { 0x243f6a8885a308d3ull + op };
    unsigned taken = 0, exact = 0;
    bool was_exact;

    for (unsigned i = 0; i < rounds; i++) {
        uint32_t a = gen_f32(&rng), b = gen_f32_second(&rng, a);
        uint32_t c = (rng_next(&rng) & 1) ? gen_f32(&rng)
                                           : gen_f32_second(&rng, a);
        unsigned neg = rng_next(&rng) & 3;
        FpStatus fast = gen_status(&rng), soft = fast;
        uint32_t rf, rs;

        if ((op == OP_MUL || op == OP_DIV || op == OP_MULADD) &&
            !(rng_next(&rng) & 3)) {
            gen_near_edge_f32(&rng, op, &a, &b, &c);
        }
        /* Squares, so that some square roots are exact. */
        if (op == OP_SQRT && !(rng_next(&rng) & 3)) {
            FpStatus sq = { .rm = FP_RNE };

            a = f32_mul(b, b, &sq) & 0x7fffffffu;
        }
        rf = run_f32(op, true, a, b, c, neg, &fast);
        rs = run_f32(op, false, a, b, c, neg, &soft);

        if (rf != rs || fast.flags != soft.flags) {
            g_test_message("f32 %s a=%08x b=%08x c=%08x neg=%u rm=%u: "
                           "fast %08x/%02x, softfloat %08x/%02x",
                           op_names[op], a, b, c, neg, soft.rm, rf,
                           fast.flags, rs, soft.flags);
        }
        g_assert_cmphex(rf, ==, rs);
        g_assert_cmphex(fast.flags, ==, soft.flags);
        if (taken_f32(op, a, b, c, neg, soft, &was_exact)) {
            taken++;
            exact += was_exact;
        }
    }
    check_taken(op, rounds, taken, exact);
}

static void test_f64(gconstpointer data)
{
    check_f64(GPOINTER_TO_UINT(data), FPU_FAST_TEST_ROUNDS);
}

static void test_f32(gconstpointer data)
{
    check_f32(GPOINTER_TO_UINT(data), FPU_FAST_TEST_ROUNDS);
}

/* --- comparisons, min and max --- */

enum { CMP_MIN, CMP_MAX, CMP_EQ, CMP_LT, CMP_LE, CMP_COUNT };

static const char *const cmp_names[CMP_COUNT] = {
    "min", "max", "eq", "lt", "le",
};

/* The second operand: often A itself, its negation, a zero or a neighbour. */
static uint64_t gen_f64_cmp_second(Rng *r, uint64_t a)
{
    switch (rng_next(r) % 6) {
    case 0:
        return a;
    case 1:
        return a ^ (1ull << 63);
    case 2:
        return (rng_next(r) & 1) << 63;
    case 3:
        return a + rng_next(r) % 3 - 1;
    default:
        return gen_f64(r);
    }
}

static uint32_t gen_f32_cmp_second(Rng *r, uint32_t a)
{
    switch (rng_next(r) % 6) {
    case 0:
        return a;
    case 1:
        return a ^ 0x80000000u;
    case 2:
        return (uint32_t)(rng_next(r) & 1) << 31;
    case 3:
        return a + (uint32_t)(rng_next(r) % 3) - 1;
    default:
        return gen_f32(r);
    }
}

static uint64_t run_cmp_f64(unsigned op, bool fast, uint64_t a, uint64_t b,
                            FpStatus *st)
{
    switch (op) {
    case CMP_MIN:
        return fast ? fpu_fast_f64_min(a, b, st) : f64_min(a, b, st);
    case CMP_MAX:
        return fast ? fpu_fast_f64_max(a, b, st) : f64_max(a, b, st);
    case CMP_EQ:
        return fast ? fpu_fast_f64_eq(a, b, st) : f64_eq(a, b, st);
    case CMP_LT:
        return fast ? fpu_fast_f64_lt(a, b, st) : f64_lt(a, b, st);
    default:
        return fast ? fpu_fast_f64_le(a, b, st) : f64_le(a, b, st);
    }
}

static uint32_t run_cmp_f32(unsigned op, bool fast, uint32_t a, uint32_t b,
                            FpStatus *st)
{
    switch (op) {
    case CMP_MIN:
        return fast ? fpu_fast_f32_min(a, b, st) : f32_min(a, b, st);
    case CMP_MAX:
        return fast ? fpu_fast_f32_max(a, b, st) : f32_max(a, b, st);
    case CMP_EQ:
        return fast ? fpu_fast_f32_eq(a, b, st) : f32_eq(a, b, st);
    case CMP_LT:
        return fast ? fpu_fast_f32_lt(a, b, st) : f32_lt(a, b, st);
    default:
        return fast ? fpu_fast_f32_le(a, b, st) : f32_le(a, b, st);
    }
}

static void test_cmp(gconstpointer data)
{
    unsigned op = GPOINTER_TO_UINT(data);
    Rng rng = { 0x13198a2e03707344ull + op };

    for (unsigned i = 0; i < FPU_FAST_TEST_ROUNDS / 4; i++) {
        uint64_t a = gen_f64(&rng), b = gen_f64_cmp_second(&rng, a);
        uint32_t a32 = gen_f32(&rng), b32 = gen_f32_cmp_second(&rng, a32);
        FpStatus fast = gen_status(&rng), soft = fast;
        FpStatus fast32 = fast, soft32 = fast;
        uint64_t rf = run_cmp_f64(op, true, a, b, &fast);
        uint64_t rs = run_cmp_f64(op, false, a, b, &soft);
        uint32_t rf32 = run_cmp_f32(op, true, a32, b32, &fast32);
        uint32_t rs32 = run_cmp_f32(op, false, a32, b32, &soft32);

        if (rf != rs || fast.flags != soft.flags || rf32 != rs32 ||
            fast32.flags != soft32.flags) {
            g_test_message("%s f64 %016" G_GINT64_MODIFIER "x %016"
                           G_GINT64_MODIFIER "x, f32 %08x %08x",
                           cmp_names[op], a, b, a32, b32);
        }
        g_assert_cmphex(rf, ==, rs);
        g_assert_cmphex(fast.flags, ==, soft.flags);
        g_assert_cmphex(rf32, ==, rs32);
        g_assert_cmphex(fast32.flags, ==, soft32.flags);
    }
}

/* --- conversions --- */

enum { INT_W, INT_WU, INT_L, INT_LU, INT_COUNT };

static const char *const int_names[INT_COUNT] = { "w", "wu", "l", "lu" };

/*
 * An integer: random at 64 or 32 bits, small, a power of two or a run of
 * ones and its neighbours (where a binary32 or binary64 must round), or
 * sparse.
 */
static uint64_t gen_int(Rng *r)
{
    uint64_t x = rng_next(r), v;

    switch (x % 7) {
    case 0:
        return rng_next(r);
    case 1:
        return (uint64_t)(int64_t)(int32_t)rng_next(r);
    case 2:
        return (uint32_t)rng_next(r);
    case 3:
        v = rng_next(r) % 200;
        break;
    case 4:
        v = (1ull << (rng_next(r) % 64)) + rng_next(r) % 9 - 4;
        break;
    case 5:
        v = (~0ull >> (rng_next(r) % 64)) << (rng_next(r) % 12);
        break;
    default:
        v = rng_next(r) & rng_next(r) & rng_next(r);
        break;
    }
    return (x >> 8) & 1 ? -v : v;
}

/*
 * A binary64 to convert to an integer: anything, 2^n and its neighbours
 * at the edges of the integer ranges, an integer and an eighth, a quarter
 * or a half more or less, a number below 1 (0.5 exactly among them), a
 * large one.
 */
static uint64_t gen_f64_for_int(Rng *r)
{
    static const unsigned edges[] = { 0, 1, 31, 32, 63, 64 };
    uint64_t x = rng_next(r), sign = (x >> 63) << 63, eighths;
    FpStatus st = { .rm = FP_RNE };
    int64_t i;

    switch ((x >> 4) % 6) {
    case 0:
        return gen_f64(r);
    case 1:
        return sign | ((((uint64_t)1023 + edges[rng_next(r) % 6]) << 52) +
                       rng_next(r) % 9 - 4);
    case 2:
        i = (int64_t)(rng_next(r) >> (20 + rng_next(r) % 44));
        eighths = (rng_next(r) & 1) << 63 |
                  (uint64_t)(1020 + rng_next(r) % 3) << 52;
        return f64_add(i64_to_f64(sign ? -i : i, &st), eighths, &st);
    case 3:
        return sign | ((uint64_t)(1000 + rng_next(r) % 23) << 52) |
               ((rng_next(r) & 1) ? 0 : gen_frac64(r));
    default:
        return sign | ((uint64_t)(1023 + rng_next(r) % 66) << 52) |
               gen_frac64(r);
    }
}

static uint32_t gen_f32_for_int(Rng *r)
{
    static const unsigned edges[] = { 0, 1, 31, 32, 63, 64 };
    uint64_t x = rng_next(r);
    uint32_t sign = (uint32_t)(x >> 63) << 31, eighths;
    FpStatus st = { .rm = FP_RNE };
    int32_t i;

    switch ((x >> 4) % 6) {
    case 0:
        return gen_f32(r);
    case 1:
        return sign | (((127 + edges[rng_next(r) % 6]) << 23) +
                       (uint32_t)(rng_next(r) % 9) - 4);
    case 2:
        i = (int32_t)(rng_next(r) >> (44 + rng_next(r) % 20));
        eighths = (uint32_t)(rng_next(r) & 1) << 31 |
                  (uint32_t)(124 + rng_next(r) % 3) << 23;
        return f32_add(i32_to_f32(sign ? -i : i, &st), eighths, &st);
    case 3:
        return sign | (uint32_t)(104 + rng_next(r) % 23) << 23 |
               ((rng_next(r) & 1) ? 0 : gen_frac32(r));
    default:
        return sign | (uint32_t)(127 + rng_next(r) % 66) << 23 |
               gen_frac32(r);
    }
}

static uint64_t run_to_int_f64(unsigned op, bool fast, uint64_t a,
                               uint8_t rm, FpStatus *st)
{
    switch (op) {
    case INT_W:
        return (uint32_t)(fast ? fpu_fast_f64_to_i32(a, rm, st)
                               : f64_to_i32(a, rm, st));
    case INT_WU:
        return fast ? fpu_fast_f64_to_u32(a, rm, st) : f64_to_u32(a, rm, st);
    case INT_L:
        return (uint64_t)(fast ? fpu_fast_f64_to_i64(a, rm, st)
                               : f64_to_i64(a, rm, st));
    default:
        return fast ? fpu_fast_f64_to_u64(a, rm, st) : f64_to_u64(a, rm, st);
    }
}

static uint64_t run_to_int_f32(unsigned op, bool fast, uint32_t a,
                               uint8_t rm, FpStatus *st)
{
    switch (op) {
    case INT_W:
        return (uint32_t)(fast ? fpu_fast_f32_to_i32(a, rm, st)
                               : f32_to_i32(a, rm, st));
    case INT_WU:
        return fast ? fpu_fast_f32_to_u32(a, rm, st) : f32_to_u32(a, rm, st);
    case INT_L:
        return (uint64_t)(fast ? fpu_fast_f32_to_i64(a, rm, st)
                               : f32_to_i64(a, rm, st));
    default:
        return fast ? fpu_fast_f32_to_u64(a, rm, st) : f32_to_u64(a, rm, st);
    }
}

/*
 * To an integer, every mode.  The fast path must answer most of these
 * (in range, not NaN): counted on its signed 64-bit form.
 */
static void test_to_int(gconstpointer data)
{
    unsigned op = GPOINTER_TO_UINT(data);
    Rng rng = { 0xa4093822299f31d0ull + op };
    unsigned rounds = FPU_FAST_TEST_ROUNDS / 4, taken = 0;

    for (unsigned i = 0; i < rounds; i++) {
        uint64_t a = gen_f64_for_int(&rng);
        uint32_t a32 = gen_f32_for_int(&rng);
        uint8_t rm = (uint8_t)(rng_next(&rng) % 5);
        FpStatus fast = { .rm = FP_RNE }, soft = fast, fast32 = fast;
        FpStatus soft32 = fast, probe = fast;
        uint64_t rf = run_to_int_f64(op, true, a, rm, &fast);
        uint64_t rs = run_to_int_f64(op, false, a, rm, &soft);
        uint64_t rf32 = run_to_int_f32(op, true, a32, rm, &fast32);
        uint64_t rs32 = run_to_int_f32(op, false, a32, rm, &soft32);
        uint64_t mag;

        if (rf != rs || fast.flags != soft.flags || rf32 != rs32 ||
            fast32.flags != soft32.flags) {
            g_test_message("fcvt.%s rm=%u f64 %016" G_GINT64_MODIFIER
                           "x, f32 %08x", int_names[op], rm, a, a32);
        }
        g_assert_cmphex(rf, ==, rs);
        g_assert_cmphex(fast.flags, ==, soft.flags);
        g_assert_cmphex(rf32, ==, rs32);
        g_assert_cmphex(fast32.flags, ==, soft32.flags);
        taken += fpu_fast_f64_to_mag(a, rm, 63, &mag, &probe);
    }
    g_assert_cmpuint(taken, >, rounds / 2);
}

static uint64_t run_from_int_f64(unsigned op, bool fast, uint64_t a,
                                 FpStatus *st)
{
    switch (op) {
    case INT_W:
        return fast ? fpu_fast_i32_to_f64((int32_t)a, st)
                    : i32_to_f64((int32_t)a, st);
    case INT_WU:
        return fast ? fpu_fast_u32_to_f64((uint32_t)a, st)
                    : u32_to_f64((uint32_t)a, st);
    case INT_L:
        return fast ? fpu_fast_i64_to_f64((int64_t)a, st)
                    : i64_to_f64((int64_t)a, st);
    default:
        return fast ? fpu_fast_u64_to_f64(a, st) : u64_to_f64(a, st);
    }
}

static uint32_t run_from_int_f32(unsigned op, bool fast, uint64_t a,
                                 FpStatus *st)
{
    switch (op) {
    case INT_W:
        return fast ? fpu_fast_i32_to_f32((int32_t)a, st)
                    : i32_to_f32((int32_t)a, st);
    case INT_WU:
        return fast ? fpu_fast_u32_to_f32((uint32_t)a, st)
                    : u32_to_f32((uint32_t)a, st);
    case INT_L:
        return fast ? fpu_fast_i64_to_f32((int64_t)a, st)
                    : i64_to_f32((int64_t)a, st);
    default:
        return fast ? fpu_fast_u64_to_f32(a, st) : u64_to_f32(a, st);
    }
}

/* From an integer, every mode, with and without NX accrued. */
static void test_from_int(gconstpointer data)
{
    unsigned op = GPOINTER_TO_UINT(data);
    Rng rng = { 0x082efa98ec4e6c89ull + op };

    for (unsigned i = 0; i < FPU_FAST_TEST_ROUNDS / 4; i++) {
        uint64_t a = gen_int(&rng);
        FpStatus fast = { .rm = (uint8_t)(rng_next(&rng) % 5),
                          .flags = (rng_next(&rng) & 1) ? FP_NX : 0 };
        FpStatus soft = fast, fast32 = fast, soft32 = fast;
        uint64_t rf = run_from_int_f64(op, true, a, &fast);
        uint64_t rs = run_from_int_f64(op, false, a, &soft);
        uint32_t rf32 = run_from_int_f32(op, true, a, &fast32);
        uint32_t rs32 = run_from_int_f32(op, false, a, &soft32);

        if (rf != rs || fast.flags != soft.flags || rf32 != rs32 ||
            fast32.flags != soft32.flags) {
            g_test_message("fcvt from %s rm=%u %016" G_GINT64_MODIFIER "x",
                           int_names[op], soft.rm, a);
        }
        g_assert_cmphex(rf, ==, rs);
        g_assert_cmphex(fast.flags, ==, soft.flags);
        g_assert_cmphex(rf32, ==, rs32);
        g_assert_cmphex(fast32.flags, ==, soft32.flags);
    }
}

/*
 * A binary64 to narrow: anything, near the binary32 range's ends, or
 * with the 29 bits that binary32 drops at a tie or next to one.
 */
static uint64_t gen_f64_for_f32(Rng *r)
{
    static const uint64_t dropped[] = {
        0, 1, 0x0fffffff, 0x10000000, 0x10000001, 0x1fffffff,
    };
    uint64_t x = rng_next(r), sign = (x >> 63) << 63, e;

    switch ((x >> 4) % 5) {
    case 0:
        return gen_f64(r);
    case 1:
        e = 1023 - 126 + rng_next(r) % 9 - 4;
        break;
    case 2:
        e = 1023 + 127 - rng_next(r) % 3;
        break;
    default:
        e = 1023 - 30 + rng_next(r) % 61;
        break;
    }
    if (rng_next(r) & 1) {
        return sign | e << 52 | (gen_frac64(r) & ~0x1fffffffull) |
               dropped[rng_next(r) % 6];
    }
    return sign | e << 52 | gen_frac64(r);
}

static void test_f64_to_f32(void)
{
    Rng rng = { 0x452821e638d01377ull };

    for (unsigned i = 0; i < FPU_FAST_TEST_ROUNDS; i++) {
        uint64_t a = gen_f64_for_f32(&rng);
        FpStatus fast = { .rm = (uint8_t)(rng_next(&rng) % 5),
                          .flags = (rng_next(&rng) & 1) ? FP_NX : 0 };
        FpStatus soft = fast;
        uint32_t rf = fpu_fast_f64_to_f32(a, &fast);
        uint32_t rs = f64_to_f32(a, &soft);

        if (rf != rs || fast.flags != soft.flags) {
            g_test_message("fcvt.s.d rm=%u %016" G_GINT64_MODIFIER "x",
                           soft.rm, a);
        }
        g_assert_cmphex(rf, ==, rs);
        g_assert_cmphex(fast.flags, ==, soft.flags);
    }
}

static void test_f32_to_f64(void)
{
    Rng rng = { 0xbe5466cf34e90c6cull };

    for (unsigned i = 0; i < FPU_FAST_TEST_ROUNDS; i++) {
        uint32_t a = gen_f32(&rng);
        FpStatus fast = { .rm = FP_RNE }, soft = fast;
        uint64_t rf = fpu_fast_f32_to_f64(a, &fast);
        uint64_t rs = f32_to_f64(a, &soft);

        g_assert_cmphex(rf, ==, rs);
        g_assert_cmphex(fast.flags, ==, soft.flags);
    }
}

/* --- the helpers --- */

typedef enum HelperKind {
    HK_ARITH,       /* f rd = (rs1, rs2, rm) */
    HK_SQRT,        /* f rd = (rs1, rm) */
    HK_FUSED,       /* f rd = (rs1, rs2, rs3, rm) */
    HK_MINMAX,      /* f rd = (rs1, rs2) */
    HK_COMPARE,     /* x rd = (rs1, rs2) */
    HK_CLASS,       /* x rd = (rs1) */
    HK_TO_INT,      /* x rd = (rs1, rm) */
    HK_FROM_INT,    /* f rd = (x rs1, rm) */
    HK_CVT,         /* f rd = (rs1, rm), the other format */
} HelperKind;

typedef struct HelperCase {
    const char *name;
    IrHelper *fn;
    HelperKind kind;
    bool d;         /* D: binary64 operands (FCVT.S.D) or results */
    /*
     * The operation of its kind: OP_*, CMP_* or INT_*; for HK_FUSED, bit 0
     * negates the product, bit 1 the addend.
     */
    unsigned op;
} HelperCase;

#define HELPER_CASE(insn, kind, op)                                         \
    { #insn ".s", helper_##insn##_s, kind, false, op },                     \
    { #insn ".d", helper_##insn##_d, kind, true, op }

static const HelperCase helper_cases[] = {
    HELPER_CASE(fadd, HK_ARITH, OP_ADD),
    HELPER_CASE(fsub, HK_ARITH, OP_SUB),
    HELPER_CASE(fmul, HK_ARITH, OP_MUL),
    HELPER_CASE(fdiv, HK_ARITH, OP_DIV),
    HELPER_CASE(fsqrt, HK_SQRT, OP_SQRT),
    HELPER_CASE(fmadd, HK_FUSED, 0),
    HELPER_CASE(fmsub, HK_FUSED, 2),
    HELPER_CASE(fnmsub, HK_FUSED, 1),
    HELPER_CASE(fnmadd, HK_FUSED, 3),
    HELPER_CASE(fmin, HK_MINMAX, CMP_MIN),
    HELPER_CASE(fmax, HK_MINMAX, CMP_MAX),
    HELPER_CASE(feq, HK_COMPARE, CMP_EQ),
    HELPER_CASE(flt, HK_COMPARE, CMP_LT),
    HELPER_CASE(fle, HK_COMPARE, CMP_LE),
    HELPER_CASE(fclass, HK_CLASS, 0),
    { "fcvt.w.s", helper_fcvt_w_s, HK_TO_INT, false, INT_W },
    { "fcvt.w.d", helper_fcvt_w_d, HK_TO_INT, true, INT_W },
    { "fcvt.wu.s", helper_fcvt_wu_s, HK_TO_INT, false, INT_WU },
    { "fcvt.wu.d", helper_fcvt_wu_d, HK_TO_INT, true, INT_WU },
    { "fcvt.l.s", helper_fcvt_l_s, HK_TO_INT, false, INT_L },
    { "fcvt.l.d", helper_fcvt_l_d, HK_TO_INT, true, INT_L },
    { "fcvt.lu.s", helper_fcvt_lu_s, HK_TO_INT, false, INT_LU },
    { "fcvt.lu.d", helper_fcvt_lu_d, HK_TO_INT, true, INT_LU },
    { "fcvt.s.w", helper_fcvt_s_w, HK_FROM_INT, false, INT_W },
    { "fcvt.d.w", helper_fcvt_d_w, HK_FROM_INT, true, INT_W },
    { "fcvt.s.wu", helper_fcvt_s_wu, HK_FROM_INT, false, INT_WU },
    { "fcvt.d.wu", helper_fcvt_d_wu, HK_FROM_INT, true, INT_WU },
    { "fcvt.s.l", helper_fcvt_s_l, HK_FROM_INT, false, INT_L },
    { "fcvt.d.l", helper_fcvt_d_l, HK_FROM_INT, true, INT_L },
    { "fcvt.s.lu", helper_fcvt_s_lu, HK_FROM_INT, false, INT_LU },
    { "fcvt.d.lu", helper_fcvt_d_lu, HK_FROM_INT, true, INT_LU },
    { "fcvt.s.d", helper_fcvt_s_d, HK_CVT, true, 0 },
    { "fcvt.d.s", helper_fcvt_d_s, HK_CVT, false, 0 },
};

/* 12.2, as the reference reads it: an unboxed binary32 is the canonical NaN. */
static uint32_t ref_unbox(uint64_t v)
{
    return v >> 32 == 0xffffffffu ? (uint32_t)v : F32_CANONICAL_NAN;
}

static uint64_t ref_box(uint32_t v)
{
    return 0xffffffff00000000ull | v;
}

static uint64_t ref_sext32(uint64_t v)
{
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

/*
 * The instruction, from its definition (11, 12) and softfloat.c alone:
 * what rd receives, with the flags it raises in ST (rounding with RM).
 */
static uint64_t ref_insn(const HelperCase *h, uint64_t a, uint64_t b,
                         uint64_t c, uint8_t rm, FpStatus *st)
{
    uint64_t r;

    st->rm = rm;
    switch (h->kind) {
    case HK_ARITH:
    case HK_SQRT:
    case HK_FUSED:
        if (h->d) {
            return h->kind == HK_FUSED
                   ? f64_muladd(a, b, c, h->op & 1, h->op & 2, st)
                   : run_f64(h->op, false, a, b, 0, 0, st);
        }
        return ref_box(h->kind == HK_FUSED
                       ? f32_muladd(ref_unbox(a), ref_unbox(b), ref_unbox(c),
                                    h->op & 1, h->op & 2, st)
                       : run_f32(h->op, false, ref_unbox(a), ref_unbox(b), 0,
                                 0, st));
    case HK_MINMAX:
        if (h->d) {
            return run_cmp_f64(h->op, false, a, b, st);
        }
        return ref_box(run_cmp_f32(h->op, false, ref_unbox(a), ref_unbox(b),
                                   st));
    case HK_COMPARE:
        return h->d ? run_cmp_f64(h->op, false, a, b, st)
                    : run_cmp_f32(h->op, false, ref_unbox(a), ref_unbox(b),
                                  st);
    case HK_CLASS:
        return h->d ? f64_classify(a) : f32_classify(ref_unbox(a));
    case HK_TO_INT:
        r = h->d ? run_to_int_f64(h->op, false, a, rm, st)
                 : run_to_int_f32(h->op, false, ref_unbox(a), rm, st);
        /* FCVT.W[U] sign-extend their 32-bit result (11.7). */
        return h->op == INT_W || h->op == INT_WU ? ref_sext32(r) : r;
    case HK_FROM_INT:
        return h->d ? run_from_int_f64(h->op, false, a, st)
                    : ref_box(run_from_int_f32(h->op, false, a, st));
    default:
        return h->d ? ref_box(f64_to_f32(a, st))
                    : f32_to_f64(ref_unbox(a), st);
    }
}

/*
 * An f register: for F a boxed binary32, but now and then not boxed.  The
 * value is often related to FIRST (see gen_f64_second).
 */
static uint64_t gen_reg(Rng *r, bool d, uint64_t first)
{
    if (d) {
        return gen_f64_second(r, first);
    }
    if (!(rng_next(r) % 16)) {
        return rng_next(r);
    }
    return ref_box(gen_f32_second(r, (uint32_t)first));
}

/* Whether the instruction writes an f register (else an x one). */
static bool writes_f(HelperKind kind)
{
    return kind != HK_COMPARE && kind != HK_CLASS && kind != HK_TO_INT;
}

/*
 * Each helper as translated code calls it, on a hart with fflags and
 * mstatus.FS in every state: the result is the instruction's, fflags
 * gains exactly the flags it raises, and FS becomes Dirty when it gains
 * one (an f result: the register write also dirties it) or when it
 * raises any (an x result), and stays as it was otherwise.
 */
static void test_helper(gconstpointer data)
{
    const HelperCase *h = data;
    Rng rng = { 0xc0ac29b7c97c50ddull ^ (uintptr_t)h->fn };
    g_autofree RiscvCpu *cpu = g_new0(RiscvCpu, 1);

    for (unsigned i = 0; i < FPU_FAST_TEST_ROUNDS / 10; i++) {
        uint64_t a, b, c, args[4] = { 0 }, got, want, mstatus;
        uint8_t rm = (rng_next(&rng) & 3) ? FP_RNE
                                          : (uint8_t)(rng_next(&rng) % 5);
        uint32_t fflags = (rng_next(&rng) & 1) ? FP_NX : 0;
        FpStatus st = { 0 };

        if (h->kind == HK_FROM_INT) {
            a = gen_int(&rng);
        } else if (h->kind == HK_TO_INT) {
            a = h->d ? gen_f64_for_int(&rng) : ref_box(gen_f32_for_int(&rng));
        } else if (h->kind == HK_CVT && h->d) {
            a = gen_f64_for_f32(&rng);
        } else {
            a = gen_reg(&rng, h->d, h->d ? gen_f64(&rng) : gen_f32(&rng));
        }
        b = gen_reg(&rng, h->d, a);
        c = gen_reg(&rng, h->d, a);
        if (h->kind == HK_FUSED && !(rng_next(&rng) & 3)) {
            if (h->d) {
                gen_near_edge_f64(&rng, OP_MULADD, &a, &b, &c);
            } else {
                uint32_t a32, b32, c32;

                gen_near_edge_f32(&rng, OP_MULADD, &a32, &b32, &c32);
                a = ref_box(a32);
                b = ref_box(b32);
                c = ref_box(c32);
            }
        }
        if (!(rng_next(&rng) & 7)) {
            fflags |= (uint32_t)(rng_next(&rng) & 0x1f);
        }
        mstatus = (rng_next(&rng) & 3) << MSTATUS_FS_SHIFT | MSTATUS_MIE;

        switch (h->kind) {
        case HK_ARITH:
            args[0] = a, args[1] = b, args[2] = rm;
            break;
        case HK_FUSED:
            args[0] = a, args[1] = b, args[2] = c, args[3] = rm;
            break;
        case HK_MINMAX:
        case HK_COMPARE:
            args[0] = a, args[1] = b;
            break;
        case HK_CLASS:
            args[0] = a;
            break;
        default:
            args[0] = a, args[1] = rm;
            break;
        }
        cpu->fflags = fflags;
        cpu->mstatus = mstatus;
        got = h->fn(cpu, args[0], args[1], args[2], args[3]);
        want = ref_insn(h, a, b, c, rm, &st);

        if (got != want || cpu->fflags != (fflags | st.flags)) {
            g_test_message("%s a=%016" G_GINT64_MODIFIER "x b=%016"
                           G_GINT64_MODIFIER "x c=%016" G_GINT64_MODIFIER
                           "x rm=%u fflags=%02x: %016" G_GINT64_MODIFIER
                           "x/%02x, want %016" G_GINT64_MODIFIER "x/%02x",
                           h->name, a, b, c, rm, fflags, got, cpu->fflags,
                           want, fflags | st.flags);
        }
        g_assert_cmphex(got, ==, want);
        g_assert_cmphex(cpu->fflags, ==, fflags | st.flags);
        if (writes_f(h->kind) ? (st.flags & ~fflags) != 0 : st.flags != 0) {
            mstatus |= MSTATUS_FS;
        }
        g_assert_cmphex(cpu->mstatus, ==, mstatus);
    }
}

/*
 * With the host in another rounding mode, or treating subnormals as
 * zero, its results are not RNE's: the fast path must notice, with and
 * without NX already accrued (it checks the mode differently then), and
 * leave everything to softfloat; so must the helpers.  Under RNE
 * 1 + 2^-60 is 1 and 1 + 0.75 ulp is 1 + ulp: RUP rounds the first up,
 * RDN and RTZ the second down.  2^-1020 + 3 * 2^-1074 is 2^-1020 + ulp,
 * but 2^-1020 when denormals are zero.  1.5 * 2^-1022 - 2^-1022 is 2^-1023
 * (exact), which flush-to-zero may make 0, a result the fast path takes
 * from a subtraction.
 */
typedef struct HostModeCase {
    bool sub;
    uint64_t a, b;
} HostModeCase;

static const HostModeCase host_mode_cases[] = {
    { false, 0x3ff0000000000000ull, 0x3c30000000000000ull },
    { false, 0x3ff0000000000000ull, 0x3ca8000000000000ull },
    { false, 0x0030000000000000ull, 0x0000000000000003ull },
    { true, 0x0018000000000000ull, 0x0010000000000000ull },
};

enum {
    HOST_UPWARD, HOST_DOWNWARD, HOST_TOWARDZERO, HOST_DAZ, HOST_FTZ,
    HOST_MODES
};

/* Whether the host could be put into MODE. */
static bool host_mode_set(unsigned mode)
{
    static const int rounding[] = { FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };

    if (mode < G_N_ELEMENTS(rounding)) {
        return fesetround(rounding[mode]) == 0;
    }
#if HAVE_FAST_PATH
    {
        uint32_t m;

        __asm__ volatile("stmxcsr %0" : "=m"(m));
        m |= mode == HOST_DAZ ? FPU_FAST_MXCSR_DAZ : FPU_FAST_MXCSR_FTZ;
        __asm__ volatile("ldmxcsr %0" : : "m"(m));
        return true;
    }
#else
    return false;
#endif
}

static void host_mode_reset(void)
{
#if HAVE_FAST_PATH
    uint32_t m;

    __asm__ volatile("stmxcsr %0" : "=m"(m));
    m &= ~(FPU_FAST_MXCSR_DAZ | FPU_FAST_MXCSR_FTZ);
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
#endif
    g_assert_cmpint(fesetround(FE_TONEAREST), ==, 0);
}

static void test_host_mode(void)
{
    g_autofree RiscvCpu *cpu = g_new0(RiscvCpu, 1);

    for (unsigned mode = 0; mode < HOST_MODES; mode++) {
        for (unsigned k = 0; k < G_N_ELEMENTS(host_mode_cases); k++) {
            const HostModeCase *c = &host_mode_cases[k];

            for (unsigned preset = 0; preset <= FP_NX; preset++) {
                FpStatus fast = { .rm = FP_RNE, .flags = (uint8_t)preset };
                FpStatus soft = fast;
                uint64_t rf, rh, rs;

                if (!host_mode_set(mode)) {
                    host_mode_reset();
                    continue;
                }
                rf = c->sub ? fpu_fast_f64_sub(c->a, c->b, &fast)
                            : fpu_fast_f64_add(c->a, c->b, &fast);
                cpu->fflags = preset;
                rh = (c->sub ? helper_fsub_d : helper_fadd_d)(cpu, c->a,
                                                              c->b, FP_RNE, 0);
                host_mode_reset();
                rs = c->sub ? f64_sub(c->a, c->b, &soft)
                            : f64_add(c->a, c->b, &soft);
                g_assert_cmphex(rf, ==, rs);
                g_assert_cmphex(fast.flags, ==, soft.flags);
                g_assert_cmphex(rh, ==, rs);
                g_assert_cmphex(cpu->fflags, ==, soft.flags);
            }
        }
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (unsigned op = 0; op < OP_COUNT; op++) {
        g_autofree char *p64 = g_strdup_printf("/fpu-fast/f64/%s",
                                               op_names[op]);
        g_autofree char *p32 = g_strdup_printf("/fpu-fast/f32/%s",
                                               op_names[op]);

        g_test_add_data_func(p64, GUINT_TO_POINTER(op), test_f64);
        g_test_add_data_func(p32, GUINT_TO_POINTER(op), test_f32);
    }
    for (unsigned op = 0; op < CMP_COUNT; op++) {
        g_autofree char *path = g_strdup_printf("/fpu-fast/compare/%s",
                                                cmp_names[op]);

        g_test_add_data_func(path, GUINT_TO_POINTER(op), test_cmp);
    }
    for (unsigned op = 0; op < INT_COUNT; op++) {
        g_autofree char *to = g_strdup_printf("/fpu-fast/to-int/%s",
                                              int_names[op]);
        g_autofree char *from = g_strdup_printf("/fpu-fast/from-int/%s",
                                                int_names[op]);

        g_test_add_data_func(to, GUINT_TO_POINTER(op), test_to_int);
        g_test_add_data_func(from, GUINT_TO_POINTER(op), test_from_int);
    }
    g_test_add_func("/fpu-fast/f64-to-f32", test_f64_to_f32);
    g_test_add_func("/fpu-fast/f32-to-f64", test_f32_to_f64);
    for (unsigned i = 0; i < G_N_ELEMENTS(helper_cases); i++) {
        g_autofree char *path = g_strdup_printf("/fpu-fast/helper/%s",
                                                helper_cases[i].name);

        g_test_add_data_func(path, &helper_cases[i], test_helper);
    }
    g_test_add_func("/fpu-fast/host-mode", test_host_mode);
    return g_test_run();
}
