/*
 * kiln's intermediate representation of guest code.
 *
 * A front end (target/riscv) translates one translation block (TB) of
 * guest instructions into an IrFunc: a straight list of IrOps over
 * numbered temps, with labels for branches inside the block.  Backends
 * (the interpreter in tcg/interp, native x86-64 code) run an IrFunc; the
 * front end never knows which.
 *
 * Design rules that keep the backends simple and exact:
 *  - every temp is 64 bits; _i32 ops define the upper half as zero;
 *  - guest CPU state lives in a struct reached through env, read and
 *    written only by ld_env/st_env (and by helpers);
 *  - every op that can raise a guest exception (guest_ld, guest_st, call
 *    without IR_CALL_NO_RAISE) comes after an insn_start, which is where
 *    the precise guest pc and instruction count are recovered from;
 *  - a block ends with goto_tb or exit_tb, after the next pc is stored.
 */
#ifndef KILN_TCG_IR_H
#define KILN_TCG_IR_H

#include "kiln/common.h"

typedef enum IrOpcode {
#define DEF(name, o, i, c) IR_##name,
#include "ir-ops.h"
#undef DEF
    IR_NB_OPS
} IrOpcode;

typedef struct IrOpDef {
    const char *name;
    uint8_t nb_out, nb_in, nb_const;
} IrOpDef;

extern const IrOpDef ir_op_defs[IR_NB_OPS];

typedef enum IrCond {
    IR_EQ, IR_NE,
    IR_LT, IR_GE, IR_LE, IR_GT,         /* signed */
    IR_LTU, IR_GEU, IR_LEU, IR_GTU,     /* unsigned */
} IrCond;

/* MemOp: access size and signedness of guest_ld/guest_st. */
typedef enum MemOp {
    MO_8 = 0, MO_16 = 1, MO_32 = 2, MO_64 = 3,
    MO_SIZE = 3,
    MO_SIGN = 4,            /* loads: sign-extend to 64 bits */
    MO_SB = MO_8 | MO_SIGN, MO_SW = MO_16 | MO_SIGN, MO_SL = MO_32 | MO_SIGN,
    MO_UB = MO_8, MO_UW = MO_16, MO_UL = MO_32, MO_UQ = MO_64,
} MemOp;

static inline unsigned memop_size(MemOp mo)
{
    return 1u << (mo & MO_SIZE);
}

typedef uint64_t IrHelper(void *env, uint64_t a, uint64_t b, uint64_t c,
                          uint64_t d);

enum {
    IR_CALL_NO_RAISE = 1u << 0,  /* the helper never raises a guest exception */
    IR_CALL_END_TB = 1u << 1,    /* state the block depends on may change: stop after */
};

enum {
    IR_EXIT_LOOKUP = 0,          /* pc in env: find the next block */
    IR_EXIT_REQUEST = 1,         /* back to the CPU loop (interrupts, mode change) */
};

typedef uint32_t IrTemp;
#define IR_NO_TEMP UINT32_MAX
/* The most an op takes: call (1 output, 4 inputs, 2 constants). */
#define IR_MAX_ARGS 7

typedef struct IrOp {
    uint16_t opc;
    /* outputs, then inputs (temps), then constants */
    uint64_t args[IR_MAX_ARGS];
} IrOp;

typedef struct IrFunc {
    IrOp *ops;
    size_t nb_ops, cap_ops;
    uint32_t nb_temps;
    uint32_t nb_labels;
    uint32_t nb_insns;          /* insn_start ops emitted */
} IrFunc;

void ir_func_init(IrFunc *f);
void ir_func_reset(IrFunc *f);
void ir_func_destroy(IrFunc *f);

IrTemp ir_new_temp(IrFunc *f);
uint32_t ir_new_label(IrFunc *f);

/* Append an op; the argument count must match the op's definition. */
void ir_emit(IrFunc *f, IrOpcode opc, unsigned nargs, const uint64_t *args);

/* The builder, one function per op shape.  Each returns the output temp. */
IrTemp ir_movi(IrFunc *f, uint64_t value);
IrTemp ir_mov(IrFunc *f, IrTemp a);
IrTemp ir_ld_env(IrFunc *f, size_t offset, unsigned size);
void ir_st_env(IrFunc *f, IrTemp a, size_t offset, unsigned size);
IrTemp ir_binop(IrFunc *f, IrOpcode opc, IrTemp a, IrTemp b);
IrTemp ir_unop(IrFunc *f, IrOpcode opc, IrTemp a);
IrTemp ir_setcond(IrFunc *f, IrCond cond, IrTemp a, IrTemp b);
IrTemp ir_movcond(IrFunc *f, IrCond cond, IrTemp a, IrTemp b, IrTemp t,
                  IrTemp e);
void ir_set_label(IrFunc *f, uint32_t label);
void ir_br(IrFunc *f, uint32_t label);
void ir_brcond(IrFunc *f, IrCond cond, IrTemp a, IrTemp b, uint32_t label);
IrTemp ir_guest_ld(IrFunc *f, IrTemp addr, MemOp mo, unsigned mmu_idx);
void ir_guest_st(IrFunc *f, IrTemp value, IrTemp addr, MemOp mo,
                 unsigned mmu_idx);
/* A call with up to 4 arguments (pass IR_NO_TEMP for the rest). */
IrTemp ir_call(IrFunc *f, IrHelper *fn, unsigned flags, IrTemp a, IrTemp b,
               IrTemp c, IrTemp d);
void ir_call_void(IrFunc *f, IrHelper *fn, unsigned flags, IrTemp a,
                  IrTemp b, IrTemp c, IrTemp d);
void ir_insn_start(IrFunc *f, uint64_t pc);
void ir_goto_tb(IrFunc *f, unsigned slot);
void ir_exit_tb(IrFunc *f, unsigned reason);

/* Print F, one op per line (for -d op and for tests). */
void ir_print(const IrFunc *f, FILE *out);

/* Evaluate COND on two 64-bit values (shared by the optimiser and interpreter). */
bool ir_cond_eval(IrCond cond, uint64_t a, uint64_t b);

#endif
