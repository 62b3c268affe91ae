/*
 * IEEE 754-2008 binary32/binary64 arithmetic with RISC-V's rules, in
 * integer arithmetic only.
 *
 * One generic implementation serves both formats, parameterised by an
 * FpFormat (exponent and fraction widths).  An operand is unpacked into
 * sign, unbiased exponent and a 64-bit significand whose leading one sits
 * at bit 62 (SIG_TOP), subnormals included, so every operation sees
 * normalised numbers:
 *
 *     value = (-1)^sign * sig * 2^(exp - 62),   2^62 <= sig < 2^63
 *
 * That leaves 39 bits below a binary32 significand and 10 below a binary64
 * one, plus bit 63 as headroom for a carry.  An operation computes its
 * exact result, or a truncation of it whose lost bits are ORed into the
 * lowest bit ("jamming", so a sticky bit says "something non-zero was
 * here"), and hands it to fp_round_pack(), the one place that rounds,
 * detects overflow and underflow and encodes.  Products, quotients, square
 * roots and fused sums are formed in unsigned __int128 so that nothing is
 * lost before that single rounding.
 *
 * Sections cited: IEEE 754-2008 (IEEE) and the RISC-V unprivileged ISA,
 * version 20191213 (F is chapter 11, D chapter 12).
 */
#include <stddef.h>

#include "softfloat.h"

typedef unsigned __int128 u128;

/* Bit position of the leading one of an unpacked significand. */
#define SIG_TOP 62

typedef struct FpFormat {
    int exp_bits;
    int frac_bits;      /* stored fraction; precision p is frac_bits + 1 */
} FpFormat;

static const FpFormat fmt_f32 = { 8, 23 };
static const FpFormat fmt_f64 = { 11, 52 };

typedef enum FpKind {
    FP_KIND_ZERO,
    FP_KIND_FINITE,     /* non-zero normal or subnormal */
    FP_KIND_INF,
    FP_KIND_QNAN,
    FP_KIND_SNAN,
} FpKind;

typedef struct FpParts {
    FpKind kind;
    bool sign;
    int32_t exp;        /* FP_KIND_FINITE only: see the top of the file */
    uint64_t sig;
} FpParts;

static int fp_bias(const FpFormat *f)
{
    return (1 << (f->exp_bits - 1)) - 1;
}

static uint64_t fp_exp_all_ones(const FpFormat *f)
{
    return (1ull << f->exp_bits) - 1;
}

static uint64_t fp_sign_bit(const FpFormat *f)
{
    return 1ull << (f->exp_bits + f->frac_bits);
}

static uint64_t fp_frac_mask(const FpFormat *f)
{
    return (1ull << f->frac_bits) - 1;
}

static uint64_t fp_pack_zero(const FpFormat *f, bool sign)
{
    return sign ? fp_sign_bit(f) : 0;
}

static uint64_t fp_pack_inf(const FpFormat *f, bool sign)
{
    return fp_pack_zero(f, sign) | fp_exp_all_ones(f) << f->frac_bits;
}

/* RISC-V 11.3: a NaN result is always the canonical NaN, never a payload. */
static uint64_t fp_canonical_nan(const FpFormat *f)
{
    return fp_exp_all_ones(f) << f->frac_bits | 1ull << (f->frac_bits - 1);
}

static FpParts fp_unpack(const FpFormat *f, uint64_t bits)
{
    FpParts p = { .sign = (bits & fp_sign_bit(f)) != 0 };
    uint64_t frac = bits & fp_frac_mask(f);
    uint64_t exp_field = (bits >> f->frac_bits) & fp_exp_all_ones(f);
    uint64_t full;
    int32_t exp_eff;
    int shift;

    if (exp_field == fp_exp_all_ones(f)) {
        /* IEEE 6.2.1: the leading fraction bit tells quiet from signaling. */
        if (frac == 0) {
            p.kind = FP_KIND_INF;
        } else if (frac >> (f->frac_bits - 1)) {
            p.kind = FP_KIND_QNAN;
        } else {
            p.kind = FP_KIND_SNAN;
        }
        return p;
    }
    if (exp_field == 0 && frac == 0) {
        p.kind = FP_KIND_ZERO;
        return p;
    }
    /*
     * A subnormal has exponent field 0, no hidden bit and the exponent of
     * field 1 (IEEE 3.4); normalising it here is what lets every operation
     * treat subnormal operands like normal ones.
     */
    p.kind = FP_KIND_FINITE;
    full = exp_field ? frac | 1ull << f->frac_bits : frac;
    exp_eff = exp_field ? (int32_t)exp_field : 1;
    shift = __builtin_clzll(full) - (63 - SIG_TOP);
    p.sig = full << shift;
    p.exp = exp_eff - fp_bias(f) - f->frac_bits + SIG_TOP - shift;
    return p;
}

static bool fp_is_nan(const FpParts *p)
{
    return p->kind == FP_KIND_QNAN || p->kind == FP_KIND_SNAN;
}

/* Shift right, ORing every bit shifted out into bit 0 (the sticky bit). */
static uint64_t shift_right_jam64(uint64_t x, int n)
{
    if (n <= 0) {
        return x;
    }
    if (n >= 64) {
        return x != 0;
    }
    return x >> n | ((x << (64 - n)) != 0);
}

static u128 shift_right_jam128(u128 x, int n)
{
    if (n <= 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return x >> n | ((x << (128 - n)) != 0);
}

/*
 * Round SIG / 2^SHIFT to an integer in rounding mode RM (IEEE 4.3) for a
 * value of sign SIGN.  SIG must be below 2^63, so that a shift of 64 or more
 * leaves a value below one half whatever SIG is.
 */
static uint64_t fp_round_bits(uint64_t sig, int shift, bool sign, int rm,
                              bool *inexact)
{
    uint64_t kept, rem, half;
    bool up;

    if (shift <= 0) {
        *inexact = false;
        return sig;
    }
    if (shift > 63) {
        sig = sig != 0;
        shift = 63;
    }
    kept = sig >> shift;
    rem = sig & ((1ull << shift) - 1);
    half = 1ull << (shift - 1);
    *inexact = rem != 0;
    switch (rm) {
    case FP_RTZ:
        up = false;
        break;
    case FP_RDN:
        up = sign && rem != 0;
        break;
    case FP_RUP:
        up = !sign && rem != 0;
        break;
    case FP_RMM:
        up = rem >= half;
        break;
    default:
        /* FP_RNE; the caller has rejected the reserved encodings. */
        up = rem > half || (rem == half && (kept & 1));
        break;
    }
    return kept + up;
}

/*
 * IEEE 7.4: the default result of overflow is infinity when rounding to
 * nearest, else the infinity or the largest finite number that the
 * direction of rounding points at.
 */
static uint64_t fp_overflow(const FpFormat *f, bool sign, FpStatus *st)
{
    bool to_inf;

    switch (st->rm) {
    case FP_RTZ:
        to_inf = false;
        break;
    case FP_RDN:
        to_inf = sign;
        break;
    case FP_RUP:
        to_inf = !sign;
        break;
    default:
        to_inf = true;
        break;
    }
    st->flags |= FP_OF | FP_NX;
    return to_inf ? fp_pack_inf(f, sign) : fp_pack_inf(f, sign) - 1;
}

/*
 * Round the non-zero value (-1)^SIGN * SIG * 2^(EXP - 62) to format F with
 * st->rm, raise OF/UF/NX and encode it.  SIG may have its leading one
 * anywhere; bits below bit 0 must have been jammed into bit 0.
 */
static uint64_t fp_round_pack(const FpFormat *f, bool sign, int32_t exp,
                              uint64_t sig, FpStatus *st)
{
    int32_t emin = 1 - fp_bias(f);
    int shift = SIG_TOP - f->frac_bits;     /* bits below the last place */
    bool tiny = false;
    bool inexact;
    uint64_t bits;

    if (sig >> 63) {
        sig = shift_right_jam64(sig, 1);
        exp++;
    } else {
        int lead = __builtin_clzll(sig) - (63 - SIG_TOP);

        sig <<= lead;
        exp -= lead;
    }
    if (exp > fp_bias(f)) {
        /* Already at least 2^(emax + 1): rounding cannot bring it back. */
        return fp_overflow(f, sign, st);
    }
    if (exp < emin) {
        /*
         * RISC-V 11.4 detects tininess after rounding (IEEE 7.5): the value
         * is tiny unless rounding it to full precision, as if the exponent
         * were unbounded, carries it up to 2^emin.  Only a value in the
         * binade just below 2^emin, with all p bits one, can do that.
         */
        if (exp == emin - 1) {
            bool unused;
            uint64_t r = fp_round_bits(sig, shift, sign, st->rm, &unused);

            tiny = r >> (f->frac_bits + 1) == 0;
        } else {
            tiny = true;
        }
        /* A subnormal result is a multiple of 2^(emin - p + 1): fewer bits. */
        shift += emin - exp;
    }
    bits = fp_round_bits(sig, shift, sign, st->rm, &inexact);
    /*
     * BITS holds the rounded significand, hidden bit included.  Adding it
     * to the exponent field minus one lets a carry out of the significand
     * (rounding up to the next binade) bump the exponent by itself, and a
     * subnormal that rounds up to 2^emin come out as the smallest normal.
     */
    if (exp >= emin) {
        bits += (uint64_t)(exp - emin) << f->frac_bits;
    }
    if (bits >> f->frac_bits >= fp_exp_all_ones(f)) {
        return fp_overflow(f, sign, st);
    }
    if (inexact) {
        /* IEEE 7.5: underflow is signalled only if also inexact. */
        st->flags |= tiny ? FP_UF | FP_NX : FP_NX;
    }
    return bits | fp_pack_zero(f, sign);
}

/*
 * Common NaN handling of the arithmetic operations: a signaling NaN operand
 * is invalid (IEEE 7.2), and the result is the canonical NaN (RISC-V 11.3).
 * Returns whether any operand is a NaN.
 */
static bool fp_nan_operands(const FpParts *a, const FpParts *b,
                            const FpParts *c, FpStatus *st)
{
    bool nan = fp_is_nan(a) || (b && fp_is_nan(b)) || (c && fp_is_nan(c));

    if (a->kind == FP_KIND_SNAN || (b && b->kind == FP_KIND_SNAN) ||
        (c && c->kind == FP_KIND_SNAN)) {
        st->flags |= FP_NV;
    }
    return nan;
}

static uint64_t fp_invalid(const FpFormat *f, FpStatus *st)
{
    st->flags |= FP_NV;
    return fp_canonical_nan(f);
}

/*
 * IEEE 6.3: an exact zero sum of operands of opposite signs is +0, or -0
 * when rounding toward -infinity; equal signs keep theirs.
 */
static uint64_t fp_zero_sum(const FpFormat *f, bool sign_a, bool sign_b,
                            FpStatus *st)
{
    return fp_pack_zero(f, sign_a == sign_b ? sign_a : st->rm == FP_RDN);
}

static uint64_t fp_add(const FpFormat *f, uint64_t a, uint64_t b,
                       bool negate_b, FpStatus *st)
{
    FpParts pa = fp_unpack(f, a);
    FpParts pb = fp_unpack(f, b);
    uint64_t aligned;

    pb.sign ^= negate_b;
    if (fp_nan_operands(&pa, &pb, NULL, st)) {
        return fp_canonical_nan(f);
    }
    if (pa.kind == FP_KIND_INF) {
        if (pb.kind == FP_KIND_INF && pa.sign != pb.sign) {
            return fp_invalid(f, st);       /* IEEE 7.2(b): inf - inf */
        }
        return fp_pack_inf(f, pa.sign);
    }
    if (pb.kind == FP_KIND_INF) {
        return fp_pack_inf(f, pb.sign);
    }
    if (pa.kind == FP_KIND_ZERO) {
        if (pb.kind == FP_KIND_ZERO) {
            return fp_zero_sum(f, pa.sign, pb.sign, st);
        }
        return negate_b ? b ^ fp_sign_bit(f) : b;   /* exact */
    }
    if (pb.kind == FP_KIND_ZERO) {
        return a;
    }
    if (pa.exp < pb.exp) {
        FpParts t = pa;

        pa = pb;
        pb = t;
    }
    /*
     * Aligning the smaller operand with a sticky bit keeps the sum
     * correctly rounded: at least three bits remain below the result's
     * last place, and massive cancellation only happens when the shift is
     * 0 or 1 and nothing was lost.
     */
    aligned = shift_right_jam64(pb.sig, pa.exp - pb.exp);
    if (pa.sign == pb.sign) {
        return fp_round_pack(f, pa.sign, pa.exp, pa.sig + aligned, st);
    }
    if (pa.sig == aligned) {
        return fp_zero_sum(f, pa.sign, pb.sign, st);
    }
    if (pa.sig > aligned) {
        return fp_round_pack(f, pa.sign, pa.exp, pa.sig - aligned, st);
    }
    return fp_round_pack(f, pb.sign, pa.exp, aligned - pa.sig, st);
}

static uint64_t fp_mul(const FpFormat *f, uint64_t a, uint64_t b,
                       FpStatus *st)
{
    FpParts pa = fp_unpack(f, a);
    FpParts pb = fp_unpack(f, b);
    bool sign = pa.sign ^ pb.sign;
    u128 prod;

    if (fp_nan_operands(&pa, &pb, NULL, st)) {
        return fp_canonical_nan(f);
    }
    if (pa.kind == FP_KIND_INF || pb.kind == FP_KIND_INF) {
        if (pa.kind == FP_KIND_ZERO || pb.kind == FP_KIND_ZERO) {
            return fp_invalid(f, st);       /* IEEE 7.2(b): 0 * inf */
        }
        return fp_pack_inf(f, sign);
    }
    if (pa.kind == FP_KIND_ZERO || pb.kind == FP_KIND_ZERO) {
        return fp_pack_zero(f, sign);
    }
    /* The exact product is below 2^126 and scaled by 2^(ea + eb - 124). */
    prod = (u128)pa.sig * pb.sig;
    return fp_round_pack(f, sign, pa.exp + pb.exp,
                         (uint64_t)shift_right_jam128(prod, SIG_TOP), st);
}

static uint64_t fp_div(const FpFormat *f, uint64_t a, uint64_t b,
                       FpStatus *st)
{
    FpParts pa = fp_unpack(f, a);
    FpParts pb = fp_unpack(f, b);
    bool sign = pa.sign ^ pb.sign;
    u128 num;
    uint64_t q;

    if (fp_nan_operands(&pa, &pb, NULL, st)) {
        return fp_canonical_nan(f);
    }
    if (pa.kind == FP_KIND_INF) {
        if (pb.kind == FP_KIND_INF) {
            return fp_invalid(f, st);       /* IEEE 7.2(d): inf / inf */
        }
        return fp_pack_inf(f, sign);
    }
    if (pb.kind == FP_KIND_INF) {
        return fp_pack_zero(f, sign);
    }
    if (pb.kind == FP_KIND_ZERO) {
        if (pa.kind == FP_KIND_ZERO) {
            return fp_invalid(f, st);       /* IEEE 7.2(d): 0 / 0 */
        }
        st->flags |= FP_DZ;                 /* IEEE 7.3 */
        return fp_pack_inf(f, sign);
    }
    if (pa.kind == FP_KIND_ZERO) {
        return fp_pack_zero(f, sign);
    }
    /*
     * sa * 2^63 / sb lies in (2^62, 2^64): 62 or more quotient bits, and a
     * non-zero remainder is the sticky bit.
     */
    num = (u128)pa.sig << 63;
    q = (uint64_t)(num / pb.sig);
    q |= num % pb.sig != 0;
    return fp_round_pack(f, sign, pa.exp - pb.exp - 1, q, st);
}

/*
 * floor(sqrt(N)) for 2^126 <= N < 2^128, one result bit per step, with the
 * exact remainder N - root^2 in *REM.
 */
static uint64_t isqrt128(u128 n, u128 *rem)
{
    u128 root = 0;
    u128 bit = (u128)1 << 126;

    while (bit) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    *rem = n;
    return (uint64_t)root;
}

static uint64_t fp_sqrt(const FpFormat *f, uint64_t a, FpStatus *st)
{
    FpParts pa = fp_unpack(f, a);
    int32_t exp = pa.exp;
    u128 n, rem;
    uint64_t root;

    if (fp_nan_operands(&pa, NULL, NULL, st)) {
        return fp_canonical_nan(f);
    }
    if (pa.kind == FP_KIND_ZERO) {
        return a;                           /* IEEE 5.4.1: sqrt(-0) = -0 */
    }
    if (pa.sign) {
        return fp_invalid(f, st);           /* IEEE 7.2(g) */
    }
    if (pa.kind == FP_KIND_INF) {
        return a;
    }
    /*
     * a = (sa * 2^64) * 2^(exp - 126).  Make exp even, so that the root of
     * the power of two is exact, by doubling the integer instead; then
     * sqrt(a) = isqrt(n) * 2^((exp - 126) / 2), with a 64-bit root and the
     * remainder as the sticky bit.
     */
    n = (u128)pa.sig << 64;
    if (exp & 1) {
        n <<= 1;
        exp--;
    }
    root = isqrt128(n, &rem);
    root |= rem != 0;
    return fp_round_pack(f, false, exp / 2 - 1, root, st);
}

/*
 * IEEE 5.4.1 fusedMultiplyAdd: (+-(a * b)) + (+-c) rounded once.  The
 * product is kept whole in 128 bits and both terms are aligned there.
 */
static uint64_t fp_muladd(const FpFormat *f, uint64_t a, uint64_t b,
                          uint64_t c, bool negate_product, bool negate_addend,
                          FpStatus *st)
{
    FpParts pa = fp_unpack(f, a);
    FpParts pb = fp_unpack(f, b);
    FpParts pc = fp_unpack(f, c);
    bool psign = pa.sign ^ pb.sign ^ negate_product;
    bool prod_inf = pa.kind == FP_KIND_INF || pb.kind == FP_KIND_INF;
    bool prod_zero = pa.kind == FP_KIND_ZERO || pb.kind == FP_KIND_ZERO;
    u128 prod, addend, sum;
    int32_t exp, pexp;
    bool sign;
    int lead, drop;

    pc.sign ^= negate_addend;
    /*
     * IEEE 7.2(c) leaves invalid for 0 * inf + qNaN to the implementation;
     * RISC-V 11.6 requires it, so 0 * inf is checked before the NaNs.
     */
    if (prod_inf && prod_zero) {
        fp_nan_operands(&pa, &pb, &pc, st);
        return fp_invalid(f, st);
    }
    if (fp_nan_operands(&pa, &pb, &pc, st)) {
        return fp_canonical_nan(f);
    }
    if (prod_inf) {
        if (pc.kind == FP_KIND_INF && pc.sign != psign) {
            return fp_invalid(f, st);       /* IEEE 7.2(b) */
        }
        return fp_pack_inf(f, psign);
    }
    if (pc.kind == FP_KIND_INF) {
        return fp_pack_inf(f, pc.sign);
    }
    if (prod_zero) {
        if (pc.kind == FP_KIND_ZERO) {
            return fp_zero_sum(f, psign, pc.sign, st);
        }
        return negate_addend ? c ^ fp_sign_bit(f) : c;      /* exact */
    }

    /* Both terms scaled by 2^(e - 124): the product below 2^126, c below 2^125. */
    prod = (u128)pa.sig * pb.sig;
    pexp = pa.exp + pb.exp;
    if (pc.kind == FP_KIND_ZERO) {
        return fp_round_pack(f, psign, pexp,
                             (uint64_t)shift_right_jam128(prod, SIG_TOP), st);
    }
    addend = (u128)pc.sig << SIG_TOP;
    /*
     * The term with the smaller exponent is shifted with a sticky bit.  It
     * only loses bits when shifted past the product's 106 (binary64) or the
     * addend's 53 significant bits, and then the other term dominates so
     * much that far more than the result's precision stays above the
     * sticky bit, even after cancellation.
     */
    if (pexp >= pc.exp) {
        addend = shift_right_jam128(addend, pexp - pc.exp);
        exp = pexp;
    } else {
        prod = shift_right_jam128(prod, pc.exp - pexp);
        exp = pc.exp;
    }
    if (psign == pc.sign) {
        sum = prod + addend;
        sign = psign;
    } else if (prod == addend) {
        return fp_zero_sum(f, psign, pc.sign, st);
    } else if (prod > addend) {
        sum = prod - addend;
        sign = psign;
    } else {
        sum = addend - prod;
        sign = pc.sign;
    }
    /*
     * sum * 2^(exp - 124) is the exact result up to the sticky bit; drop
     * its bits above bit 62 into a 64-bit significand, jamming.
     */
    lead = (uint64_t)(sum >> 64) ? 127 - __builtin_clzll((uint64_t)(sum >> 64))
                                 : 63 - __builtin_clzll((uint64_t)sum);
    drop = lead > SIG_TOP ? lead - SIG_TOP : 0;
    return fp_round_pack(f, sign, exp - SIG_TOP + drop,
                         (uint64_t)shift_right_jam128(sum, drop), st);
}

/*
 * Non-NaN ordering with -0 below +0, on the encodings: for equal signs the
 * magnitudes order as their bit patterns do.
 */
static bool fp_total_less(const FpFormat *f, uint64_t a, uint64_t b)
{
    bool sa = (a & fp_sign_bit(f)) != 0;
    bool sb = (b & fp_sign_bit(f)) != 0;

    if (sa != sb) {
        return sa;
    }
    return sa ? a > b : a < b;
}

/*
 * RISC-V 11.6 (F 2.2), IEEE 754-2019 minimumNumber/maximumNumber: a quiet
 * NaN is treated as missing data, -0 < +0, and a signaling NaN signals NV
 * though the result is the other operand.
 */
static uint64_t fp_minmax(const FpFormat *f, uint64_t a, uint64_t b,
                          bool is_max, FpStatus *st)
{
    FpParts pa = fp_unpack(f, a);
    FpParts pb = fp_unpack(f, b);

    fp_nan_operands(&pa, &pb, NULL, st);
    if (fp_is_nan(&pa)) {
        return fp_is_nan(&pb) ? fp_canonical_nan(f) : b;
    }
    if (fp_is_nan(&pb)) {
        return a;
    }
    return fp_total_less(f, a, b) != is_max ? a : b;
}

/* IEEE 5.11: comparisons.  Equal also holds for +0 and -0. */
static bool fp_equal_values(const FpFormat *f, uint64_t a, uint64_t b)
{
    return a == b || ((a | b) & ~fp_sign_bit(f)) == 0;
}

/* RISC-V 11.8: FEQ is a quiet compare, FLT and FLE signaling ones. */
static bool fp_compare(const FpFormat *f, uint64_t a, uint64_t b,
                       bool signaling, bool less, bool equal, FpStatus *st)
{
    FpParts pa = fp_unpack(f, a);
    FpParts pb = fp_unpack(f, b);

    if (fp_is_nan(&pa) || fp_is_nan(&pb)) {
        if (signaling) {
            st->flags |= FP_NV;
        } else {
            fp_nan_operands(&pa, &pb, NULL, st);
        }
        return false;
    }
    if (fp_equal_values(f, a, b)) {
        return equal;
    }
    return less && fp_total_less(f, a, b);
}

/* RISC-V 11.9, Table 11.5. */
static unsigned fp_classify(const FpFormat *f, uint64_t a)
{
    FpParts p = fp_unpack(f, a);

    switch (p.kind) {
    case FP_KIND_QNAN:
        return FP_CLASS_QNAN;
    case FP_KIND_SNAN:
        return FP_CLASS_SNAN;
    case FP_KIND_INF:
        return p.sign ? FP_CLASS_NEG_INF : FP_CLASS_POS_INF;
    case FP_KIND_ZERO:
        return p.sign ? FP_CLASS_NEG_ZERO : FP_CLASS_POS_ZERO;
    default:
        if (((a >> f->frac_bits) & fp_exp_all_ones(f)) == 0) {
            return p.sign ? FP_CLASS_NEG_SUBNORMAL : FP_CLASS_POS_SUBNORMAL;
        }
        return p.sign ? FP_CLASS_NEG_NORMAL : FP_CLASS_POS_NORMAL;
    }
}

/*
 * IEEE 5.8 convertToIntegerExact with RISC-V's default results (11.7,
 * Table 11.4): the range is checked on the rounded value, so -0.4 becomes
 * an unsigned 0 (inexact) under RTZ but is invalid under RDN.  Invalid
 * conversions saturate and raise NV alone.  Returns the two's complement
 * bit pattern of a BITS-wide integer, sign-extended to 64 bits.
 */
static uint64_t fp_to_int(const FpFormat *f, uint64_t a, int rm,
                          bool is_signed, int bits, FpStatus *st)
{
    FpParts p = fp_unpack(f, a);
    uint64_t max_pos = is_signed ? (1ull << (bits - 1)) - 1
                                 : UINT64_MAX >> (64 - bits);
    uint64_t max_neg = is_signed ? 1ull << (bits - 1) : 0;     /* magnitude */
    uint64_t mag;
    bool inexact = false;

    switch (p.kind) {
    case FP_KIND_QNAN:
    case FP_KIND_SNAN:
        st->flags |= FP_NV;
        return max_pos;
    case FP_KIND_ZERO:
        return 0;
    case FP_KIND_INF:
        goto out_of_range;
    default:
        break;
    }
    if (p.exp > 63) {
        goto out_of_range;
    }
    if (p.exp >= SIG_TOP) {
        mag = p.sig << (p.exp - SIG_TOP);
    } else {
        mag = fp_round_bits(p.sig, SIG_TOP - p.exp, p.sign, rm, &inexact);
    }
    if (mag > (p.sign ? max_neg : max_pos)) {
        goto out_of_range;
    }
    if (inexact) {
        st->flags |= FP_NX;
    }
    return p.sign ? -mag : mag;

out_of_range:
    st->flags |= FP_NV;
    return p.sign ? -max_neg : max_pos;
}

/* IEEE 5.4.1 convertFromInt: a zero integer gives +0. */
static uint64_t fp_from_int(const FpFormat *f, bool negative, uint64_t mag,
                            FpStatus *st)
{
    if (mag == 0) {
        return 0;
    }
    return fp_round_pack(f, negative, SIG_TOP, mag, st);
}

/* IEEE 5.4.2 convertFormat: NaNs become the canonical NaN (RISC-V 11.3). */
static uint64_t fp_convert(const FpFormat *to, const FpFormat *from,
                           uint64_t a, FpStatus *st)
{
    FpParts p = fp_unpack(from, a);

    if (fp_nan_operands(&p, NULL, NULL, st)) {
        return fp_canonical_nan(to);
    }
    switch (p.kind) {
    case FP_KIND_INF:
        return fp_pack_inf(to, p.sign);
    case FP_KIND_ZERO:
        return fp_pack_zero(to, p.sign);
    default:
        return fp_round_pack(to, p.sign, p.exp, p.sig, st);
    }
}

/* The magnitude of a signed integer, including the most negative one. */
static uint64_t int_magnitude(int64_t a)
{
    return a < 0 ? -(uint64_t)a : (uint64_t)a;
}

uint32_t f32_add(uint32_t a, uint32_t b, FpStatus *st)
{
    return (uint32_t)fp_add(&fmt_f32, a, b, false, st);
}

uint32_t f32_sub(uint32_t a, uint32_t b, FpStatus *st)
{
    return (uint32_t)fp_add(&fmt_f32, a, b, true, st);
}

uint32_t f32_mul(uint32_t a, uint32_t b, FpStatus *st)
{
    return (uint32_t)fp_mul(&fmt_f32, a, b, st);
}

uint32_t f32_div(uint32_t a, uint32_t b, FpStatus *st)
{
    return (uint32_t)fp_div(&fmt_f32, a, b, st);
}

uint32_t f32_sqrt(uint32_t a, FpStatus *st)
{
    return (uint32_t)fp_sqrt(&fmt_f32, a, st);
}

uint32_t f32_muladd(uint32_t a, uint32_t b, uint32_t c,
                    bool negate_product, bool negate_addend, FpStatus *st)
{
    return (uint32_t)fp_muladd(&fmt_f32, a, b, c, negate_product,
                               negate_addend, st);
}

uint32_t f32_min(uint32_t a, uint32_t b, FpStatus *st)
{
    return (uint32_t)fp_minmax(&fmt_f32, a, b, false, st);
}

uint32_t f32_max(uint32_t a, uint32_t b, FpStatus *st)
{
    return (uint32_t)fp_minmax(&fmt_f32, a, b, true, st);
}

bool f32_eq(uint32_t a, uint32_t b, FpStatus *st)
{
    return fp_compare(&fmt_f32, a, b, false, false, true, st);
}

bool f32_lt(uint32_t a, uint32_t b, FpStatus *st)
{
    return fp_compare(&fmt_f32, a, b, true, true, false, st);
}

bool f32_le(uint32_t a, uint32_t b, FpStatus *st)
{
    return fp_compare(&fmt_f32, a, b, true, true, true, st);
}

unsigned f32_classify(uint32_t a)
{
    return fp_classify(&fmt_f32, a);
}

int32_t f32_to_i32(uint32_t a, uint8_t rm, FpStatus *st)
{
    return (int32_t)fp_to_int(&fmt_f32, a, rm, true, 32, st);
}

uint32_t f32_to_u32(uint32_t a, uint8_t rm, FpStatus *st)
{
    return (uint32_t)fp_to_int(&fmt_f32, a, rm, false, 32, st);
}

int64_t f32_to_i64(uint32_t a, uint8_t rm, FpStatus *st)
{
    return (int64_t)fp_to_int(&fmt_f32, a, rm, true, 64, st);
}

uint64_t f32_to_u64(uint32_t a, uint8_t rm, FpStatus *st)
{
    return fp_to_int(&fmt_f32, a, rm, false, 64, st);
}

uint32_t i32_to_f32(int32_t a, FpStatus *st)
{
    return (uint32_t)fp_from_int(&fmt_f32, a < 0, int_magnitude(a), st);
}

uint32_t u32_to_f32(uint32_t a, FpStatus *st)
{
    return (uint32_t)fp_from_int(&fmt_f32, false, a, st);
}

uint32_t i64_to_f32(int64_t a, FpStatus *st)
{
    return (uint32_t)fp_from_int(&fmt_f32, a < 0, int_magnitude(a), st);
}

uint32_t u64_to_f32(uint64_t a, FpStatus *st)
{
    return (uint32_t)fp_from_int(&fmt_f32, false, a, st);
}

uint64_t f64_add(uint64_t a, uint64_t b, FpStatus *st)
{
    return fp_add(&fmt_f64, a, b, false, st);
}

uint64_t f64_sub(uint64_t a, uint64_t b, FpStatus *st)
{
    return fp_add(&fmt_f64, a, b, true, st);
}

uint64_t f64_mul(uint64_t a, uint64_t b, FpStatus *st)
{
    return fp_mul(&fmt_f64, a, b, st);
}

uint64_t f64_div(uint64_t a, uint64_t b, FpStatus *st)
{
    return fp_div(&fmt_f64, a, b, st);
}

uint64_t f64_sqrt(uint64_t a, FpStatus *st)
{
    return fp_sqrt(&fmt_f64, a, st);
}

uint64_t f64_muladd(uint64_t a, uint64_t b, uint64_t c,
                    bool negate_product, bool negate_addend, FpStatus *st)
{
    return fp_muladd(&fmt_f64, a, b, c, negate_product, negate_addend, st);
}

uint64_t f64_min(uint64_t a, uint64_t b, FpStatus *st)
{
    return fp_minmax(&fmt_f64, a, b, false, st);
}

uint64_t f64_max(uint64_t a, uint64_t b, FpStatus *st)
{
    return fp_minmax(&fmt_f64, a, b, true, st);
}

bool f64_eq(uint64_t a, uint64_t b, FpStatus *st)
{
    return fp_compare(&fmt_f64, a, b, false, false, true, st);
}

bool f64_lt(uint64_t a, uint64_t b, FpStatus *st)
{
    return fp_compare(&fmt_f64, a, b, true, true, false, st);
}

bool f64_le(uint64_t a, uint64_t b, FpStatus *st)
{
    return fp_compare(&fmt_f64, a, b, true, true, true, st);
}

unsigned f64_classify(uint64_t a)
{
    return fp_classify(&fmt_f64, a);
}

int32_t f64_to_i32(uint64_t a, uint8_t rm, FpStatus *st)
{
    return (int32_t)fp_to_int(&fmt_f64, a, rm, true, 32, st);
}

uint32_t f64_to_u32(uint64_t a, uint8_t rm, FpStatus *st)
{
    return (uint32_t)fp_to_int(&fmt_f64, a, rm, false, 32, st);
}

int64_t f64_to_i64(uint64_t a, uint8_t rm, FpStatus *st)
{
    return (int64_t)fp_to_int(&fmt_f64, a, rm, true, 64, st);
}

uint64_t f64_to_u64(uint64_t a, uint8_t rm, FpStatus *st)
{
    return fp_to_int(&fmt_f64, a, rm, false, 64, st);
}

uint64_t i32_to_f64(int32_t a, FpStatus *st)
{
    return fp_from_int(&fmt_f64, a < 0, int_magnitude(a), st);
}

uint64_t u32_to_f64(uint32_t a, FpStatus *st)
{
    return fp_from_int(&fmt_f64, false, a, st);
}

uint64_t i64_to_f64(int64_t a, FpStatus *st)
{
    return fp_from_int(&fmt_f64, a < 0, int_magnitude(a), st);
}

uint64_t u64_to_f64(uint64_t a, FpStatus *st)
{
    return fp_from_int(&fmt_f64, false, a, st);
}

uint64_t f32_to_f64(uint32_t a, FpStatus *st)
{
    return fp_convert(&fmt_f64, &fmt_f32, a, st);
}

uint32_t f64_to_f32(uint64_t a, FpStatus *st)
{
    return (uint32_t)fp_convert(&fmt_f32, &fmt_f64, a, st);
}
