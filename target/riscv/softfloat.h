/*
 * IEEE 754-2008 binary32 and binary64 arithmetic in software, with the
 * rules of the RISC-V "F" and "D" extensions (unprivileged ISA 20191213,
 * chapters 11 and 12).
 *
 * Values are raw bit patterns (uint32_t for binary32, uint64_t for
 * binary64) and every operation is pure integer arithmetic, so a result
 * never depends on the host FPU, its rounding mode or its flags.  Each
 * operation rounds with status->rm and ORs the exceptions it raises into
 * status->flags, which is exactly how fcsr.frm and fcsr.fflags behave:
 *
 *     FpStatus st = { .rm = FP_RNE };
 *     uint32_t sum = f32_add(0x3f800000, 0x33800000, &st);  1.0 + 2^-24
 *     sum == 0x3f800000 (a tie, to even), st.flags == FP_NX
 *
 * What the caller does, not this library:
 *  - resolve rm: the instruction's static rm, or frm when it is DYN (111),
 *    and raise illegal-instruction for the reserved encodings 101/110 and
 *    for DYN with frm >= 5 (11.2).  rm must be FP_RNE..FP_RMM here.
 *  - NaN-boxing (12.2): unbox a binary32 operand read from a 64-bit
 *    register (a value not properly boxed is the canonical NaN) and box
 *    the result.
 *  - sign-injection and moves, which work on bits and never touch flags.
 *  - sign-extend the 32-bit results of FCVT.W[U].S/D on RV64.
 *
 * RISC-V specifics applied here: every NaN result is the canonical NaN
 * (11.3); tininess is detected after rounding (11.4); FMIN/FMAX follow the
 * 2.2 rules (11.6); out-of-range FCVT to integer saturates (Table 11.4).
 */
#ifndef KILN_RISCV_SOFTFLOAT_H
#define KILN_RISCV_SOFTFLOAT_H

#include <stdbool.h>
#include <stdint.h>

/* Rounding modes, in the encoding of the rm field and frm (Table 11.1). */
enum {
    FP_RNE = 0,     /* to nearest, ties to even */
    FP_RTZ = 1,     /* toward zero */
    FP_RDN = 2,     /* toward -infinity */
    FP_RUP = 3,     /* toward +infinity */
    FP_RMM = 4,     /* to nearest, ties to max magnitude */
};

/* Accrued exception flags, as the bits of fflags (Table 11.2). */
enum {
    FP_NX = 1 << 0, /* inexact */
    FP_UF = 1 << 1, /* underflow: tiny after rounding and inexact */
    FP_OF = 1 << 2, /* overflow */
    FP_DZ = 1 << 3, /* divide by zero */
    FP_NV = 1 << 4, /* invalid operation */
};

/* The result of FCLASS: exactly one of these bits is set (Table 11.5). */
enum {
    FP_CLASS_NEG_INF       = 1 << 0,
    FP_CLASS_NEG_NORMAL    = 1 << 1,
    FP_CLASS_NEG_SUBNORMAL = 1 << 2,
    FP_CLASS_NEG_ZERO      = 1 << 3,
    FP_CLASS_POS_ZERO      = 1 << 4,
    FP_CLASS_POS_SUBNORMAL = 1 << 5,
    FP_CLASS_POS_NORMAL    = 1 << 6,
    FP_CLASS_POS_INF       = 1 << 7,
    FP_CLASS_SNAN          = 1 << 8,
    FP_CLASS_QNAN          = 1 << 9,
};

/* Positive sign, quiet bit set, every other significand bit clear (11.3). */
#define F32_CANONICAL_NAN 0x7fc00000u
#define F64_CANONICAL_NAN 0x7ff8000000000000ull

typedef struct FpStatus {
    uint8_t rm;         /* FP_RNE..FP_RMM: rounding of every operation below */
    uint8_t flags;      /* FP_NX..FP_NV, accrued: operations only set bits */
} FpStatus;

/*
 * binary32.  muladd computes (+-(a * b)) + (+-c) with one rounding:
 * FMADD is (false, false), FMSUB (false, true), FNMSUB (true, false) and
 * FNMADD (true, true).
 */
uint32_t f32_add(uint32_t a, uint32_t b, FpStatus *st);
uint32_t f32_sub(uint32_t a, uint32_t b, FpStatus *st);
uint32_t f32_mul(uint32_t a, uint32_t b, FpStatus *st);
uint32_t f32_div(uint32_t a, uint32_t b, FpStatus *st);
uint32_t f32_sqrt(uint32_t a, FpStatus *st);
uint32_t f32_muladd(uint32_t a, uint32_t b, uint32_t c,
                    bool negate_product, bool negate_addend, FpStatus *st);
/* -0 < +0; one NaN gives the other operand, two give the canonical NaN. */
uint32_t f32_min(uint32_t a, uint32_t b, FpStatus *st);
uint32_t f32_max(uint32_t a, uint32_t b, FpStatus *st);
/* eq is quiet (NV only for a signaling NaN); lt and le signal any NaN. */
bool f32_eq(uint32_t a, uint32_t b, FpStatus *st);
bool f32_lt(uint32_t a, uint32_t b, FpStatus *st);
bool f32_le(uint32_t a, uint32_t b, FpStatus *st);
unsigned f32_classify(uint32_t a);

/*
 * To integer with rounding mode RM (st->rm is not used: the instruction's
 * static rm may differ from frm).  A NaN or a rounded value above the
 * range gives the largest integer, one below it the smallest, with NV
 * alone; an in-range inexact result sets NX.
 */
int32_t f32_to_i32(uint32_t a, uint8_t rm, FpStatus *st);
uint32_t f32_to_u32(uint32_t a, uint8_t rm, FpStatus *st);
int64_t f32_to_i64(uint32_t a, uint8_t rm, FpStatus *st);
uint64_t f32_to_u64(uint32_t a, uint8_t rm, FpStatus *st);
uint32_t i32_to_f32(int32_t a, FpStatus *st);
uint32_t u32_to_f32(uint32_t a, FpStatus *st);
uint32_t i64_to_f32(int64_t a, FpStatus *st);
uint32_t u64_to_f32(uint64_t a, FpStatus *st);

/* binary64: the same operations. */
uint64_t f64_add(uint64_t a, uint64_t b, FpStatus *st);
uint64_t f64_sub(uint64_t a, uint64_t b, FpStatus *st);
uint64_t f64_mul(uint64_t a, uint64_t b, FpStatus *st);
uint64_t f64_div(uint64_t a, uint64_t b, FpStatus *st);
uint64_t f64_sqrt(uint64_t a, FpStatus *st);
uint64_t f64_muladd(uint64_t a, uint64_t b, uint64_t c,
                    bool negate_product, bool negate_addend, FpStatus *st);
uint64_t f64_min(uint64_t a, uint64_t b, FpStatus *st);
uint64_t f64_max(uint64_t a, uint64_t b, FpStatus *st);
bool f64_eq(uint64_t a, uint64_t b, FpStatus *st);
bool f64_lt(uint64_t a, uint64_t b, FpStatus *st);
bool f64_le(uint64_t a, uint64_t b, FpStatus *st);
unsigned f64_classify(uint64_t a);

int32_t f64_to_i32(uint64_t a, uint8_t rm, FpStatus *st);
uint32_t f64_to_u32(uint64_t a, uint8_t rm, FpStatus *st);
int64_t f64_to_i64(uint64_t a, uint8_t rm, FpStatus *st);
uint64_t f64_to_u64(uint64_t a, uint8_t rm, FpStatus *st);
uint64_t i32_to_f64(int32_t a, FpStatus *st);
uint64_t u32_to_f64(uint32_t a, FpStatus *st);
uint64_t i64_to_f64(int64_t a, FpStatus *st);
uint64_t u64_to_f64(uint64_t a, FpStatus *st);

/* FCVT.D.S is always exact; FCVT.S.D rounds with st->rm. */
uint64_t f32_to_f64(uint32_t a, FpStatus *st);
uint32_t f64_to_f32(uint64_t a, FpStatus *st);

#endif
