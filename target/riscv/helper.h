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

/*
 * fpu_helper.c: F (fp_s, fmadd_s) and D (fp_d, fmadd_d).  CTL packs what
 * the instruction says: FPOP_* (or FMADD_NEG_* for the fused ops) in bits
 * 7:0, its rm field in bits 10:8, its bits in 63:32 for mtval when a
 * dynamic rm meets an invalid frm.  Register operands come as the 64-bit
 * f (or x) register; results are what rd receives, a binary32 result
 * NaN-boxed, an integer one sign-extended.  A helper that raises flags
 * accrues them into fflags and sets mstatus.FS to Dirty.
 */
DEF_HELPER(fp_s);           /* a = rs1, b = rs2, c = ctl */
DEF_HELPER(fp_d);
DEF_HELPER(fmadd_s);        /* a = rs1, b = rs2, c = rs3, d = ctl */
DEF_HELPER(fmadd_d);

#define FP_CTL(op, rm, insn) \
    ((uint64_t)(op) | (uint64_t)(rm) << 8 | (uint64_t)(insn) << 32)
#define FP_RM_DYN 7                 /* rm = 111: use frm (Unpriv 11.2) */
#define FP_NAN_BOX 0xffffffff00000000ull /* a binary32's high half (12.2) */

enum {
    FPOP_ADD, FPOP_SUB, FPOP_MUL, FPOP_DIV, FPOP_SQRT,
    FPOP_MIN, FPOP_MAX,
    FPOP_EQ, FPOP_LT, FPOP_LE, FPOP_CLASS,          /* x rd */
    FPOP_TO_W, FPOP_TO_WU, FPOP_TO_L, FPOP_TO_LU,   /* fcvt.{w,wu,l,lu}.fmt */
    FPOP_FROM_W, FPOP_FROM_WU, FPOP_FROM_L, FPOP_FROM_LU, /* x rs1 */
    FPOP_CVT_S_D, FPOP_CVT_D_S,                     /* fp_d only */
};

/* The fused ops: (+-(rs1 * rs2)) + (+-rs3). */
enum {
    FMADD_NEG_PRODUCT = 1 << 0,     /* fnmsub, fnmadd */
    FMADD_NEG_ADDEND = 1 << 1,      /* fmsub, fnmadd */
};

#endif
