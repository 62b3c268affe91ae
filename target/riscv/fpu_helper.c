/*
 * The F and D extensions' arithmetic (RISC-V Unprivileged ISA 20191213,
 * chapters 11 and 12), as helpers translated code calls.
 *
 * softfloat.c does the IEEE arithmetic (through fpu_fast.h, which runs
 * add, sub, mul, div, sqrt and fused multiply-add on the host FPU where
 * that is bit-exact); this file does what its header leaves to the
 * caller: pick the rounding mode (the instruction's, or frm
 * for DYN, raising illegal-instruction when frm holds a reserved value),
 * unbox binary32 operands and box binary32 results (12.2), sign-extend
 * 32-bit integer results, and accrue the flags into fflags.  Sign
 * injection, moves, loads and stores are bit operations the translator
 * emits as IR (trans_rvfd.c.inc).
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

static uint64_t sext32(uint32_t v)
{
    return (uint64_t)(int64_t)(int32_t)v;
}

/*
 * The rounding mode of CTL: its static rm (5 and 6 were rejected at
 * translation), or frm for DYN, where frm values 5 to 7 are reserved and
 * the instruction is illegal (11.2).
 */
static FpStatus fp_status(RiscvCpu *cpu, uint64_t ctl)
{
    unsigned rm = (ctl >> 8) & 7;

    if (rm == FP_RM_DYN) {
        rm = cpu->frm;
        if (rm > FP_RMM) {
            riscv_raise_exception(cpu, EXC_ILLEGAL_INST, ctl >> 32);
        }
    }
    return (FpStatus){ .rm = (uint8_t)rm };
}

/*
 * The accrued flags an arithmetic operation (one that writes an f
 * register) starts from: fflags.NX, which is sticky, so that fpu_fast.h
 * need not find out whether the operation is exact once it is set.  The
 * preset changes neither fflags nor FS, which the register write dirties
 * anyway.
 */
static void fp_preset_nx(RiscvCpu *cpu, FpStatus *st)
{
    st->flags = cpu->fflags & FP_NX;
}

static uint64_t fp_accrue(RiscvCpu *cpu, const FpStatus *st, uint64_t result)
{
    if (st->flags) {
        cpu->fflags |= st->flags;
        cpu->mstatus |= MSTATUS_FS;
    }
    return result;
}

DEF_HELPER(fp_s)
{
    RiscvCpu *cpu = helper_cpu(env);
    FpStatus st = fp_status(cpu, c);
    uint32_t x = unbox_s(a), y = unbox_s(b);
    uint64_t r;

    if ((c & 0xff) <= FPOP_SQRT) {
        fp_preset_nx(cpu, &st);
    }
    switch (c & 0xff) {
    case FPOP_ADD:
        r = box_s(fpu_fast_f32_add(x, y, &st));
        break;
    case FPOP_SUB:
        r = box_s(fpu_fast_f32_sub(x, y, &st));
        break;
    case FPOP_MUL:
        r = box_s(fpu_fast_f32_mul(x, y, &st));
        break;
    case FPOP_DIV:
        r = box_s(fpu_fast_f32_div(x, y, &st));
        break;
    case FPOP_SQRT:
        r = box_s(fpu_fast_f32_sqrt(x, &st));
        break;
    case FPOP_MIN:
        r = box_s(f32_min(x, y, &st));
        break;
    case FPOP_MAX:
        r = box_s(f32_max(x, y, &st));
        break;
    case FPOP_EQ:
        r = f32_eq(x, y, &st);
        break;
    case FPOP_LT:
        r = f32_lt(x, y, &st);
        break;
    case FPOP_LE:
        r = f32_le(x, y, &st);
        break;
    case FPOP_CLASS:
        r = f32_classify(x);
        break;
    /* FCVT.W[U] results are sign-extended to XLEN (11.7). */
    case FPOP_TO_W:
        r = sext32((uint32_t)f32_to_i32(x, st.rm, &st));
        break;
    case FPOP_TO_WU:
        r = sext32(f32_to_u32(x, st.rm, &st));
        break;
    case FPOP_TO_L:
        r = (uint64_t)f32_to_i64(x, st.rm, &st);
        break;
    case FPOP_TO_LU:
        r = f32_to_u64(x, st.rm, &st);
        break;
    case FPOP_FROM_W:
        r = box_s(i32_to_f32((int32_t)a, &st));
        break;
    case FPOP_FROM_WU:
        r = box_s(u32_to_f32((uint32_t)a, &st));
        break;
    case FPOP_FROM_L:
        r = box_s(i64_to_f32((int64_t)a, &st));
        break;
    case FPOP_FROM_LU:
        r = box_s(u64_to_f32(a, &st));
        break;
    default:
        g_assert_not_reached();
    }
    return fp_accrue(cpu, &st, r);
}

DEF_HELPER(fp_d)
{
    RiscvCpu *cpu = helper_cpu(env);
    FpStatus st = fp_status(cpu, c);
    uint64_t r;

    if ((c & 0xff) <= FPOP_SQRT) {
        fp_preset_nx(cpu, &st);
    }
    switch (c & 0xff) {
    case FPOP_ADD:
        r = fpu_fast_f64_add(a, b, &st);
        break;
    case FPOP_SUB:
        r = fpu_fast_f64_sub(a, b, &st);
        break;
    case FPOP_MUL:
        r = fpu_fast_f64_mul(a, b, &st);
        break;
    case FPOP_DIV:
        r = fpu_fast_f64_div(a, b, &st);
        break;
    case FPOP_SQRT:
        r = fpu_fast_f64_sqrt(a, &st);
        break;
    case FPOP_MIN:
        r = f64_min(a, b, &st);
        break;
    case FPOP_MAX:
        r = f64_max(a, b, &st);
        break;
    case FPOP_EQ:
        r = f64_eq(a, b, &st);
        break;
    case FPOP_LT:
        r = f64_lt(a, b, &st);
        break;
    case FPOP_LE:
        r = f64_le(a, b, &st);
        break;
    case FPOP_CLASS:
        r = f64_classify(a);
        break;
    case FPOP_TO_W:
        r = sext32((uint32_t)f64_to_i32(a, st.rm, &st));
        break;
    case FPOP_TO_WU:
        r = sext32(f64_to_u32(a, st.rm, &st));
        break;
    case FPOP_TO_L:
        r = (uint64_t)f64_to_i64(a, st.rm, &st);
        break;
    case FPOP_TO_LU:
        r = f64_to_u64(a, st.rm, &st);
        break;
    case FPOP_FROM_W:
        r = i32_to_f64((int32_t)a, &st);
        break;
    case FPOP_FROM_WU:
        r = u32_to_f64((uint32_t)a, &st);
        break;
    case FPOP_FROM_L:
        r = i64_to_f64((int64_t)a, &st);
        break;
    case FPOP_FROM_LU:
        r = u64_to_f64(a, &st);
        break;
    case FPOP_CVT_S_D:
        r = box_s(f64_to_f32(a, &st));
        break;
    case FPOP_CVT_D_S:
        r = f32_to_f64(unbox_s(a), &st);
        break;
    default:
        g_assert_not_reached();
    }
    return fp_accrue(cpu, &st, r);
}

DEF_HELPER(fmadd_s)
{
    RiscvCpu *cpu = helper_cpu(env);
    FpStatus st = fp_status(cpu, d);
    uint32_t r;

    fp_preset_nx(cpu, &st);
    r = fpu_fast_f32_muladd(unbox_s(a), unbox_s(b), unbox_s(c),
                            d & FMADD_NEG_PRODUCT, d & FMADD_NEG_ADDEND, &st);

    return fp_accrue(cpu, &st, box_s(r));
}

DEF_HELPER(fmadd_d)
{
    RiscvCpu *cpu = helper_cpu(env);
    FpStatus st = fp_status(cpu, d);
    uint64_t r;

    fp_preset_nx(cpu, &st);
    r = fpu_fast_f64_muladd(a, b, c, d & FMADD_NEG_PRODUCT,
                            d & FMADD_NEG_ADDEND, &st);

    return fp_accrue(cpu, &st, r);
}
