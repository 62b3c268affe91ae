/*
 * The IR interpreter.  Straightforward by design: it is the reference the
 * native backend is compared against, so every op does exactly what
 * ir-ops.h says and nothing clever.
 */
#include "interp.h"

InterpCode *interp_prepare(const IrFunc *f)
{
    InterpCode *code = g_new0(InterpCode, 1);

    code->ops = g_memdup2(f->ops, f->nb_ops * sizeof(IrOp));
    code->nb_ops = f->nb_ops;
    code->nb_temps = f->nb_temps;
    code->label_pos = g_new0(uint32_t, f->nb_labels ? f->nb_labels : 1);
    for (size_t i = 0; i < f->nb_ops; i++) {
        if (f->ops[i].opc == IR_set_label) {
            code->label_pos[f->ops[i].args[0]] = (uint32_t)i;
        }
    }
    return code;
}

void interp_free(InterpCode *code)
{
    if (code) {
        g_free(code->ops);
        g_free(code->label_pos);
        g_free(code);
    }
}

static uint64_t mulsh64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64);
}

static uint64_t muluh64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

static uint64_t mulsuh64(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(unsigned __int128)b) >> 64);
}

/* Division by the RISC-V rules: never a trap (Unpriv 7.2). */
static uint64_t div64(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return UINT64_MAX;
    }
    if (a == (uint64_t)INT64_MIN && b == UINT64_MAX) {
        return a;
    }
    return (uint64_t)((int64_t)a / (int64_t)b);
}

static uint64_t rem64(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return a;
    }
    if (a == (uint64_t)INT64_MIN && b == UINT64_MAX) {
        return 0;
    }
    return (uint64_t)((int64_t)a % (int64_t)b);
}

static uint32_t div32(uint32_t a, uint32_t b)
{
    if (b == 0) {
        return UINT32_MAX;
    }
    if (a == (uint32_t)INT32_MIN && b == UINT32_MAX) {
        return a;
    }
    return (uint32_t)((int32_t)a / (int32_t)b);
}

static uint32_t rem32(uint32_t a, uint32_t b)
{
    if (b == 0) {
        return a;
    }
    if (a == (uint32_t)INT32_MIN && b == UINT32_MAX) {
        return 0;
    }
    return (uint32_t)((int32_t)a % (int32_t)b);
}

static uint64_t rotl64(uint64_t a, unsigned n)
{
    n &= 63;
    return n ? (a << n) | (a >> (64 - n)) : a;
}

static uint32_t rotl32(uint32_t a, unsigned n)
{
    n &= 31;
    return n ? (a << n) | (a >> (32 - n)) : a;
}

InterpExit interp_run(const InterpCode *code, void *env, IrExecState *st,
                      const IrMemHooks *mem)
{
    uint64_t *t;
    size_t i = 0;

    if (st->temps_cap < code->nb_temps) {
        st->temps_cap = MAX(code->nb_temps, 1024);
        st->temps = g_renew(uint64_t, st->temps, st->temps_cap);
    }
    t = st->temps;

    for (;;) {
        const IrOp *op = &code->ops[i++];
        const uint64_t *a = op->args;

        switch ((IrOpcode)op->opc) {
        case IR_movi:
            t[a[0]] = a[1];
            break;
        case IR_mov:
            t[a[0]] = t[a[1]];
            break;
        case IR_ld_env:
            if (a[2] == 8) {
                memcpy(&t[a[0]], (char *)env + a[1], 8);
            } else {
                uint32_t v;

                memcpy(&v, (char *)env + a[1], 4);
                t[a[0]] = v;
            }
            break;
        case IR_st_env:
            if (a[2] == 8) {
                memcpy((char *)env + a[1], &t[a[0]], 8);
            } else {
                uint32_t v = (uint32_t)t[a[0]];

                memcpy((char *)env + a[1], &v, 4);
            }
            break;
        case IR_add:
            t[a[0]] = t[a[1]] + t[a[2]];
            break;
        case IR_sub:
            t[a[0]] = t[a[1]] - t[a[2]];
            break;
        case IR_and:
            t[a[0]] = t[a[1]] & t[a[2]];
            break;
        case IR_or:
            t[a[0]] = t[a[1]] | t[a[2]];
            break;
        case IR_xor:
            t[a[0]] = t[a[1]] ^ t[a[2]];
            break;
        case IR_shl:
            t[a[0]] = t[a[1]] << (t[a[2]] & 63);
            break;
        case IR_shr:
            t[a[0]] = t[a[1]] >> (t[a[2]] & 63);
            break;
        case IR_sar:
            t[a[0]] = (uint64_t)((int64_t)t[a[1]] >> (t[a[2]] & 63));
            break;
        case IR_rotl:
            t[a[0]] = rotl64(t[a[1]], (unsigned)t[a[2]]);
            break;
        case IR_rotr:
            t[a[0]] = rotl64(t[a[1]], 64 - (unsigned)(t[a[2]] & 63));
            break;
        case IR_mul:
            t[a[0]] = t[a[1]] * t[a[2]];
            break;
        case IR_mulsh:
            t[a[0]] = mulsh64(t[a[1]], t[a[2]]);
            break;
        case IR_muluh:
            t[a[0]] = muluh64(t[a[1]], t[a[2]]);
            break;
        case IR_mulsuh:
            t[a[0]] = mulsuh64(t[a[1]], t[a[2]]);
            break;
        case IR_div:
            t[a[0]] = div64(t[a[1]], t[a[2]]);
            break;
        case IR_divu:
            t[a[0]] = t[a[2]] ? t[a[1]] / t[a[2]] : UINT64_MAX;
            break;
        case IR_rem:
            t[a[0]] = rem64(t[a[1]], t[a[2]]);
            break;
        case IR_remu:
            t[a[0]] = t[a[2]] ? t[a[1]] % t[a[2]] : t[a[1]];
            break;
        case IR_neg:
            t[a[0]] = -t[a[1]];
            break;
        case IR_not:
            t[a[0]] = ~t[a[1]];
            break;
        case IR_clz:
            t[a[0]] = t[a[1]] ? (uint64_t)__builtin_clzll(t[a[1]]) : 64;
            break;
        case IR_ctz:
            t[a[0]] = t[a[1]] ? (uint64_t)__builtin_ctzll(t[a[1]]) : 64;
            break;
        case IR_ctpop:
            t[a[0]] = (uint64_t)__builtin_popcountll(t[a[1]]);
            break;
        case IR_add_i32:
            t[a[0]] = (uint32_t)(t[a[1]] + t[a[2]]);
            break;
        case IR_sub_i32:
            t[a[0]] = (uint32_t)(t[a[1]] - t[a[2]]);
            break;
        case IR_shl_i32:
            t[a[0]] = (uint32_t)((uint32_t)t[a[1]] << (t[a[2]] & 31));
            break;
        case IR_shr_i32:
            t[a[0]] = (uint32_t)t[a[1]] >> (t[a[2]] & 31);
            break;
        case IR_sar_i32:
            t[a[0]] = (uint32_t)((int32_t)t[a[1]] >> (t[a[2]] & 31));
            break;
        case IR_rotl_i32:
            t[a[0]] = rotl32((uint32_t)t[a[1]], (unsigned)t[a[2]]);
            break;
        case IR_rotr_i32:
            t[a[0]] = rotl32((uint32_t)t[a[1]], 32 - (unsigned)(t[a[2]] & 31));
            break;
        case IR_mul_i32:
            t[a[0]] = (uint32_t)((uint32_t)t[a[1]] * (uint32_t)t[a[2]]);
            break;
        case IR_div_i32:
            t[a[0]] = div32((uint32_t)t[a[1]], (uint32_t)t[a[2]]);
            break;
        case IR_divu_i32:
            t[a[0]] = (uint32_t)t[a[2]] ? (uint32_t)t[a[1]] / (uint32_t)t[a[2]]
                                        : UINT32_MAX;
            break;
        case IR_rem_i32:
            t[a[0]] = rem32((uint32_t)t[a[1]], (uint32_t)t[a[2]]);
            break;
        case IR_remu_i32:
            t[a[0]] = (uint32_t)t[a[2]] ? (uint32_t)t[a[1]] % (uint32_t)t[a[2]]
                                        : (uint32_t)t[a[1]];
            break;
        case IR_clz_i32:
            t[a[0]] = (uint32_t)t[a[1]] ? (uint64_t)__builtin_clz((uint32_t)t[a[1]]) : 32;
            break;
        case IR_ctz_i32:
            t[a[0]] = (uint32_t)t[a[1]] ? (uint64_t)__builtin_ctz((uint32_t)t[a[1]]) : 32;
            break;
        case IR_ctpop_i32:
            t[a[0]] = (uint64_t)__builtin_popcount((uint32_t)t[a[1]]);
            break;
        case IR_ext8s:
            t[a[0]] = (uint64_t)(int64_t)(int8_t)t[a[1]];
            break;
        case IR_ext8u:
            t[a[0]] = (uint8_t)t[a[1]];
            break;
        case IR_ext16s:
            t[a[0]] = (uint64_t)(int64_t)(int16_t)t[a[1]];
            break;
        case IR_ext16u:
            t[a[0]] = (uint16_t)t[a[1]];
            break;
        case IR_ext32s:
            t[a[0]] = (uint64_t)(int64_t)(int32_t)t[a[1]];
            break;
        case IR_ext32u:
            t[a[0]] = (uint32_t)t[a[1]];
            break;
        case IR_setcond:
            t[a[0]] = ir_cond_eval((IrCond)a[3], t[a[1]], t[a[2]]);
            break;
        case IR_movcond:
            t[a[0]] = ir_cond_eval((IrCond)a[5], t[a[1]], t[a[2]]) ? t[a[3]]
                                                                    : t[a[4]];
            break;
        case IR_set_label:
            break;
        case IR_br:
            i = code->label_pos[a[0]];
            break;
        case IR_brcond:
            if (ir_cond_eval((IrCond)a[2], t[a[0]], t[a[1]])) {
                i = code->label_pos[a[3]];
            }
            break;
        case IR_guest_ld:
            t[a[0]] = mem->load(env, t[a[1]], (MemOp)a[2], (unsigned)a[3]);
            break;
        case IR_guest_st:
            mem->store(env, t[a[1]], t[a[0]], (MemOp)a[2], (unsigned)a[3]);
            break;
        case IR_call: {
            IrHelper *fn = (IrHelper *)(uintptr_t)a[5];
            uint64_t r = fn(env,
                            a[1] == IR_NO_TEMP ? 0 : t[a[1]],
                            a[2] == IR_NO_TEMP ? 0 : t[a[2]],
                            a[3] == IR_NO_TEMP ? 0 : t[a[3]],
                            a[4] == IR_NO_TEMP ? 0 : t[a[4]]);

            if (a[0] != IR_NO_TEMP) {
                t[a[0]] = r;
            }
            break;
        }
        case IR_insn_start:
            if (unlikely(st->exit_request) && a[1] != 0) {
                st->pc = a[0];
                st->insn_index = (uint32_t)a[1];
                return INTERP_STOPPED;
            }
            st->pc = a[0];
            st->insn_index = (uint32_t)a[1];
            break;
        case IR_goto_tb:
            return a[0] ? INTERP_GOTO_TB1 : INTERP_GOTO_TB0;
        case IR_exit_tb:
            return a[0] == IR_EXIT_REQUEST ? INTERP_EXIT_REQUEST
                                           : INTERP_EXIT_LOOKUP;
        case IR_NB_OPS:
            g_assert_not_reached();
        }
    }
}
