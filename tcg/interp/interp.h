/*
 * The IR interpreter: the portable backend, and the oracle the native
 * backend is tested against.  It runs an IrFunc op by op over an array of
 * 64-bit temps.
 */
#ifndef KILN_TCG_INTERP_H
#define KILN_TCG_INTERP_H

#include "../ir.h"

/* How a guest memory op reaches the target's MMU and the memory core. */
typedef struct IrMemHooks {
    uint64_t (*load)(void *env, uint64_t addr, MemOp mo, unsigned mmu_idx);
    void (*store)(void *env, uint64_t addr, uint64_t value, MemOp mo,
                  unsigned mmu_idx);
} IrMemHooks;

/*
 * Where a running block is, for precise exceptions and early exits.  The
 * target embeds one in its CPU state: a helper that raises an exception
 * reads pc and insn_index of the instruction that faulted.
 */
typedef struct IrExecState {
    uint64_t pc;                /* guest pc of the current instruction */
    uint32_t insn_index;        /* its index in the block = insns completed */
    bool exit_request;          /* stop at the next instruction boundary */
    uint64_t budget;            /* native code: instructions it may still retire */
    uint64_t budget_synced;     /* native code: budget when the counters last caught up */
    uint64_t *temps;            /* scratch, grown as needed */
    size_t temps_cap;
} IrExecState;

/* A block prepared for the interpreter. */
typedef struct InterpCode {
    IrOp *ops;
    size_t nb_ops;
    uint32_t nb_temps;
    uint32_t *label_pos;        /* op index of each label */
} InterpCode;

typedef enum InterpExit {
    INTERP_GOTO_TB0,            /* direct successor, slot 0 (pc stored) */
    INTERP_GOTO_TB1,            /* direct successor, slot 1 (pc stored) */
    INTERP_EXIT_LOOKUP,         /* pc stored: look it up */
    INTERP_EXIT_REQUEST,        /* pc stored: back to the CPU loop */
    INTERP_STOPPED,             /* exit_request seen at an instruction boundary:
                                   resume at st->pc; st->insn_index insns done */
} InterpExit;

InterpCode *interp_prepare(const IrFunc *f);
void interp_free(InterpCode *code);
InterpExit interp_run(const InterpCode *code, void *env, IrExecState *st,
                      const IrMemHooks *mem);

#endif
