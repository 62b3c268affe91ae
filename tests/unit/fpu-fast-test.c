/*
 * target/riscv/fpu_fast.h against softfloat.c: the fast path must give
 * the softfloat result and flags bit for bit, for every operand.
 *
 * Each operation runs two million operand sets from a
 * fixed-seed generator biased toward what decides whether the host result
 * may be taken: zeros, subnormals, infinities and NaNs (never taken),
 * exponents near the bottom of the normal range (products and quotients
 * land around the 2^(emin+1) acceptance limit and in the subnormal range),
 * exponents near the top (overflow), operands with few significand bits
 * (exact results, where NX must stay clear) and pairs that cancel.  Each
 * set runs with and without fflags.NX already accrued (the two ways the
 * fast path finds the inexact flag) and, now and then, in another
 * rounding mode, which must go to softfloat.  A run also checks that the
 * fast path was taken at all, so a fast path that always declined (and
 * so tested nothing) fails.
 */
#include <fenv.h>
#include <glib.h>

#include "fpu_fast.h"

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
#else
#define HAVE_FAST_PATH 0
#endif

static bool taken_f64(unsigned op, uint64_t a, uint64_t b, uint64_t c,
                      unsigned neg, FpStatus st, bool *exact)
{
    uint64_t r;
    bool taken;

    st.flags = 0;
    if (op == OP_MULADD) {
        taken = st.rm == FP_RNE && fpu_fast_f64_operand(a) &&
                fpu_fast_f64_operand(b) && fpu_fast_f64_operand(c) &&
                fpu_fast_has_fma() &&
                fpu_fast_f64_muladd_try(a ^ ((uint64_t)(neg & 1) << 63), b,
                                        c ^ ((uint64_t)(neg >> 1) << 63),
                                        &r, &st);
    } else {
        taken = (op != OP_SQRT || !(a >> 63)) &&
                fpu_fast_f64_try(op, a, b, &r, &st);
    }
    *exact = taken && !st.flags;
    return taken;
}

static bool taken_f32(unsigned op, uint32_t a, uint32_t b, uint32_t c,
                      unsigned neg, FpStatus st, bool *exact)
{
    uint32_t r;
    bool taken;

    st.flags = 0;
    if (op == OP_MULADD) {
        taken = st.rm == FP_RNE && fpu_fast_f32_operand(a) &&
                fpu_fast_f32_operand(b) && fpu_fast_f32_operand(c) &&
                fpu_fast_has_fma() &&
                fpu_fast_f32_muladd_try(a ^ ((uint32_t)(neg & 1) << 31), b,
                                        c ^ ((uint32_t)(neg >> 1) << 31),
                                        &r, &st);
    } else {
        taken = (op != OP_SQRT || !(a >> 31)) &&
                fpu_fast_f32_try(op, a, b, &r, &st);
    }
    *exact = taken && !st.flags;
    return taken;
}

/* The generator must reach the fast path, exact results included. */
static void check_taken(unsigned op, unsigned rounds, unsigned taken,
                        unsigned exact)
{
    if (!HAVE_FAST_PATH || (op == OP_MULADD && !fpu_fast_has_fma())) {
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

/*
 * With the host in another rounding mode its results are not RNE's: the
 * fast path must notice, with and without NX already accrued (it checks
 * the mode differently then), and leave everything to softfloat.  Under
 * RNE 1 + 2^-60 is 1 and 1 + 0.75 ulp is 1 + ulp; RUP rounds the first
 * up, RDN and RTZ the second down.
 */
static void test_host_rounding_mode(void)
{
    static const int modes[] = { FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
    static const uint64_t addends[] = {
        0x3c30000000000000ull, 0x3ca8000000000000ull,
    };
    uint64_t one = 0x3ff0000000000000ull;

    for (unsigned m = 0; m < G_N_ELEMENTS(modes); m++) {
        for (unsigned i = 0; i < 4; i++) {
            uint8_t preset = (i & 1) ? FP_NX : 0;
            FpStatus fast = { .rm = FP_RNE, .flags = preset }, soft = fast;
            uint64_t rf, rs;

            g_assert_cmpint(fesetround(modes[m]), ==, 0);
            rf = fpu_fast_f64_add(one, addends[i >> 1], &fast);
            g_assert_cmpint(fesetround(FE_TONEAREST), ==, 0);
            rs = f64_add(one, addends[i >> 1], &soft);
            g_assert_cmphex(rf, ==, rs);
            g_assert_cmphex(fast.flags, ==, soft.flags);
            g_assert_cmphex(soft.flags, ==, FP_NX);
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
    g_test_add_func("/fpu-fast/host-rounding-mode", test_host_rounding_mode);
    return g_test_run();
}
