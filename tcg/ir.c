/*
 * Building IR: the op table, temps, labels and one emitter per op shape.
 */
#include "ir.h"

const IrOpDef ir_op_defs[IR_NB_OPS] = {
#define DEF(n, o, i, c) [IR_##n] = { #n, o, i, c },
#include "ir-ops.h"
#undef DEF
};

void ir_func_init(IrFunc *f)
{
    memset(f, 0, sizeof(*f));
}

void ir_func_reset(IrFunc *f)
{
    f->nb_ops = 0;
    f->nb_temps = 0;
    f->nb_labels = 0;
    f->nb_insns = 0;
}

void ir_func_destroy(IrFunc *f)
{
    g_free(f->ops);
    memset(f, 0, sizeof(*f));
}

IrTemp ir_new_temp(IrFunc *f)
{
    return f->nb_temps++;
}

uint32_t ir_new_label(IrFunc *f)
{
    return f->nb_labels++;
}

void ir_emit(IrFunc *f, IrOpcode opc, unsigned nargs, const uint64_t *args)
{
    const IrOpDef *def = &ir_op_defs[opc];
    IrOp *op;

    g_assert(nargs == (unsigned)(def->nb_out + def->nb_in + def->nb_const));
    if (f->nb_ops == f->cap_ops) {
        f->cap_ops = f->cap_ops ? f->cap_ops * 2 : 256;
        f->ops = g_renew(IrOp, f->ops, f->cap_ops);
    }
    op = &f->ops[f->nb_ops++];
    op->opc = opc;
    memset(op->args, 0, sizeof(op->args));
    memcpy(op->args, args, nargs * sizeof(*args));
}

#define EMIT(f, opc, ...)                                              \
    do {                                                               \
        const uint64_t args_[] = { __VA_ARGS__ };                      \
        ir_emit(f, opc, ARRAY_SIZE(args_), args_);                     \
    } while (0)

IrTemp ir_movi(IrFunc *f, uint64_t value)
{
    IrTemp d = ir_new_temp(f);

    EMIT(f, IR_movi, d, value);
    return d;
}

IrTemp ir_mov(IrFunc *f, IrTemp a)
{
    IrTemp d = ir_new_temp(f);

    EMIT(f, IR_mov, d, a);
    return d;
}

IrTemp ir_ld_env(IrFunc *f, size_t offset, unsigned size)
{
    IrTemp d = ir_new_temp(f);

    g_assert(size == 4 || size == 8);
    EMIT(f, IR_ld_env, d, offset, size);
    return d;
}

void ir_st_env(IrFunc *f, IrTemp a, size_t offset, unsigned size)
{
    g_assert(size == 4 || size == 8);
    EMIT(f, IR_st_env, a, offset, size);
}

IrTemp ir_binop(IrFunc *f, IrOpcode opc, IrTemp a, IrTemp b)
{
    IrTemp d = ir_new_temp(f);

    g_assert(ir_op_defs[opc].nb_out == 1 && ir_op_defs[opc].nb_in == 2 &&
             ir_op_defs[opc].nb_const == 0);
    EMIT(f, opc, d, a, b);
    return d;
}

IrTemp ir_unop(IrFunc *f, IrOpcode opc, IrTemp a)
{
    IrTemp d = ir_new_temp(f);

    g_assert(ir_op_defs[opc].nb_out == 1 && ir_op_defs[opc].nb_in == 1 &&
             ir_op_defs[opc].nb_const == 0);
    EMIT(f, opc, d, a);
    return d;
}

IrTemp ir_setcond(IrFunc *f, IrCond cond, IrTemp a, IrTemp b)
{
    IrTemp d = ir_new_temp(f);

    EMIT(f, IR_setcond, d, a, b, cond);
    return d;
}

IrTemp ir_movcond(IrFunc *f, IrCond cond, IrTemp a, IrTemp b, IrTemp t,
                  IrTemp e)
{
    IrTemp d = ir_new_temp(f);

    EMIT(f, IR_movcond, d, a, b, t, e, cond);
    return d;
}

void ir_set_label(IrFunc *f, uint32_t label)
{
    EMIT(f, IR_set_label, label);
}

void ir_br(IrFunc *f, uint32_t label)
{
    EMIT(f, IR_br, label);
}

void ir_brcond(IrFunc *f, IrCond cond, IrTemp a, IrTemp b, uint32_t label)
{
    EMIT(f, IR_brcond, a, b, cond, label);
}

IrTemp ir_guest_ld(IrFunc *f, IrTemp addr, MemOp mo, unsigned mmu_idx)
{
    IrTemp d = ir_new_temp(f);

    EMIT(f, IR_guest_ld, d, addr, mo, mmu_idx);
    return d;
}

void ir_guest_st(IrFunc *f, IrTemp value, IrTemp addr, MemOp mo,
                 unsigned mmu_idx)
{
    EMIT(f, IR_guest_st, value, addr, mo, mmu_idx);
}

IrTemp ir_call(IrFunc *f, IrHelper *fn, unsigned flags, IrTemp a, IrTemp b,
               IrTemp c, IrTemp d)
{
    IrTemp r = ir_new_temp(f);

    EMIT(f, IR_call, r, a, b, c, d, (uint64_t)(uintptr_t)fn, flags);
    return r;
}

void ir_call_void(IrFunc *f, IrHelper *fn, unsigned flags, IrTemp a,
                  IrTemp b, IrTemp c, IrTemp d)
{
    EMIT(f, IR_call, IR_NO_TEMP, a, b, c, d, (uint64_t)(uintptr_t)fn, flags);
}

void ir_insn_start(IrFunc *f, uint64_t pc)
{
    EMIT(f, IR_insn_start, pc, f->nb_insns);
    f->nb_insns++;
}

void ir_goto_tb(IrFunc *f, unsigned slot)
{
    EMIT(f, IR_goto_tb, slot);
}

void ir_exit_tb(IrFunc *f, unsigned reason)
{
    EMIT(f, IR_exit_tb, reason);
}

static const char *const cond_names[] = {
    [IR_EQ] = "eq", [IR_NE] = "ne", [IR_LT] = "lt", [IR_GE] = "ge",
    [IR_LE] = "le", [IR_GT] = "gt", [IR_LTU] = "ltu", [IR_GEU] = "geu",
    [IR_LEU] = "leu", [IR_GTU] = "gtu",
};

void ir_print(const IrFunc *f, FILE *out)
{
    for (size_t i = 0; i < f->nb_ops; i++) {
        const IrOp *op = &f->ops[i];
        const IrOpDef *def = &ir_op_defs[op->opc];
        unsigned k = 0;

        if (op->opc == IR_insn_start) {
            fprintf(out, " ---- %016" PRIx64 " #%" PRIu64 "\n", op->args[0],
                    op->args[1]);
            continue;
        }
        fprintf(out, " %-10s", def->name);
        for (unsigned j = 0; j < def->nb_out + def->nb_in; j++, k++) {
            if (op->args[k] == IR_NO_TEMP) {
                fprintf(out, "%s-", k ? "," : "");
            } else {
                fprintf(out, "%st%" PRIu64, k ? "," : "", op->args[k]);
            }
        }
        for (unsigned j = 0; j < def->nb_const; j++, k++) {
            bool is_cond = (op->opc == IR_setcond || op->opc == IR_movcond ||
                            op->opc == IR_brcond) && j == 0;

            if (is_cond && op->args[k] < ARRAY_SIZE(cond_names)) {
                fprintf(out, "%s%s", k ? "," : "", cond_names[op->args[k]]);
            } else {
                fprintf(out, "%s$0x%" PRIx64, k ? "," : "", op->args[k]);
            }
        }
        fputc('\n', out);
    }
}

bool ir_cond_eval(IrCond cond, uint64_t a, uint64_t b)
{
    switch (cond) {
    case IR_EQ:
        return a == b;
    case IR_NE:
        return a != b;
    case IR_LT:
        return (int64_t)a < (int64_t)b;
    case IR_GE:
        return (int64_t)a >= (int64_t)b;
    case IR_LE:
        return (int64_t)a <= (int64_t)b;
    case IR_GT:
        return (int64_t)a > (int64_t)b;
    case IR_LTU:
        return a < b;
    case IR_GEU:
        return a >= b;
    case IR_LEU:
        return a <= b;
    case IR_GTU:
        return a > b;
    }
    return false;
}
