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
 * fpu_helper.c: F and D (Unpriv 11, 12), one helper per operation and
 * format.  Register operands come as the 64-bit f (or x) register;
 * results are what rd receives, a binary32 result NaN-boxed, an integer
 * one sign-extended from 32 bits for the W forms.  RM is the rounding
 * mode, resolved by the translated code: the instruction's static rm, or
 * frm, which that code checks first, raising illegal-instruction for a
 * reserved value (11.2), so the helpers never raise.  The flags an
 * operation raises are accrued into fflags and make mstatus.FS Dirty;
 * for an f result the translated code's register write makes FS Dirty
 * anyway, so that helper does it only when fflags changes.
 */
/* a = rs1, b = rs2, c = rm */
DEF_HELPER(fadd_s);     DEF_HELPER(fadd_d);
DEF_HELPER(fsub_s);     DEF_HELPER(fsub_d);
DEF_HELPER(fmul_s);     DEF_HELPER(fmul_d);
DEF_HELPER(fdiv_s);     DEF_HELPER(fdiv_d);
/* a = rs1, b = rm */
DEF_HELPER(fsqrt_s);    DEF_HELPER(fsqrt_d);
/* a = rs1, b = rs2, c = rs3, d = rm */
DEF_HELPER(fmadd_s);    DEF_HELPER(fmadd_d);
DEF_HELPER(fmsub_s);    DEF_HELPER(fmsub_d);
DEF_HELPER(fnmsub_s);   DEF_HELPER(fnmsub_d);
DEF_HELPER(fnmadd_s);   DEF_HELPER(fnmadd_d);
/* a = rs1, b = rs2 */
DEF_HELPER(fmin_s);     DEF_HELPER(fmin_d);
DEF_HELPER(fmax_s);     DEF_HELPER(fmax_d);
/* a = rs1, b = rs2; the result goes to x rd */
DEF_HELPER(feq_s);      DEF_HELPER(feq_d);
DEF_HELPER(flt_s);      DEF_HELPER(flt_d);
DEF_HELPER(fle_s);      DEF_HELPER(fle_d);
/* a = rs1; the result goes to x rd */
DEF_HELPER(fclass_s);   DEF_HELPER(fclass_d);
/* a = rs1, b = rm; the result goes to x rd */
DEF_HELPER(fcvt_w_s);   DEF_HELPER(fcvt_w_d);
DEF_HELPER(fcvt_wu_s);  DEF_HELPER(fcvt_wu_d);
DEF_HELPER(fcvt_l_s);   DEF_HELPER(fcvt_l_d);
DEF_HELPER(fcvt_lu_s);  DEF_HELPER(fcvt_lu_d);
/* a = x rs1, b = rm */
DEF_HELPER(fcvt_s_w);   DEF_HELPER(fcvt_d_w);
DEF_HELPER(fcvt_s_wu);  DEF_HELPER(fcvt_d_wu);
DEF_HELPER(fcvt_s_l);   DEF_HELPER(fcvt_d_l);
DEF_HELPER(fcvt_s_lu);  DEF_HELPER(fcvt_d_lu);
/* a = rs1, b = rm (FCVT.D.S is exact: unused) */
DEF_HELPER(fcvt_s_d);   DEF_HELPER(fcvt_d_s);

#define FP_RM_DYN 7                 /* rm = 111: use frm (Unpriv 11.2) */
#define FP_NAN_BOX 0xffffffff00000000ull /* a binary32's high half (12.2) */

#endif
