/*
 * C helpers translated code calls (IrHelper signature: env and up to
 * four 64-bit arguments).  The interpreter and native code call the very
 * same functions.
 */
#ifndef KILN_RISCV_HELPER_H
#define KILN_RISCV_HELPER_H

#include "cpu.h"

#define DEF_HELPER(name) \
    uint64_t helper_##name(void *env, uint64_t a, uint64_t b, uint64_t c, \
                           uint64_t d)

/* op_helper.c */
DEF_HELPER(raise);          /* a = cause, b = tval */
DEF_HELPER(csr);            /* a = csrno | CSR_OP_*, b = source, c = insn */
/* These four take the instruction's bits in a, for mtval when illegal. */
DEF_HELPER(mret);
DEF_HELPER(sret);
DEF_HELPER(wfi);
DEF_HELPER(sfence_vma);
DEF_HELPER(fence_i);
DEF_HELPER(div);            /* a / b, signed, RISC-V rules for 0 and overflow */
DEF_HELPER(divu);
DEF_HELPER(rem);
DEF_HELPER(remu);
DEF_HELPER(divw);
DEF_HELPER(divuw);
DEF_HELPER(remw);
DEF_HELPER(remuw);
DEF_HELPER(lr);             /* a = address, b = MemOp */
DEF_HELPER(sc);             /* a = address, b = value, c = MemOp: 0 ok, 1 fail */
DEF_HELPER(amo);            /* a = address, b = operand, c = MemOp | AMO_* << 8 */

/* CSR access kinds for helper_csr (bits above the 12-bit number). */
enum {
    CSR_OP_READ = 1 << 12,      /* rd != x0 (csrrw) or always (csrrs/c) */
    CSR_OP_WRITE = 1 << 13,     /* the instruction writes */
    CSR_OP_SET = 1 << 14,       /* csrrs: write old | src */
    CSR_OP_CLEAR = 1 << 15,     /* csrrc: write old & ~src */
};

enum {
    AMO_SWAP, AMO_ADD, AMO_XOR, AMO_AND, AMO_OR,
    AMO_MIN, AMO_MAX, AMO_MINU, AMO_MAXU,
};

#endif
