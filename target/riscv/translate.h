/*
 * RISC-V translation: guest instructions to IR, one block at a time.
 */
#ifndef KILN_RISCV_TRANSLATE_H
#define KILN_RISCV_TRANSLATE_H

#include "cpu.h"
#include "../../tcg/tb.h"
#include "../../tcg/native.h"

/* Longest block, in guest instructions. */
#define TB_MAX_INSNS 512

/*
 * The block to run at cpu->pc, translated if needed, with at most BUDGET
 * instructions.  A fault fetching the first instruction raises the
 * guest's exception.
 */
TranslationBlock *riscv_tb_find(RiscvCpu *cpu, uint64_t budget);

/* Where the native backend finds this hart's state (RiscvCpu is its env). */
extern const NativeTarget riscv_native_target;

#endif
