/*
 * An x86-64 instruction encoder: one function per instruction form the
 * native backend emits, each writing the bytes GNU as writes for the same
 * AT&T mnemonic (tests/unit/x86-emit-test.c holds them to that).
 *
 * Operand order is Intel's (destination first), sizes are in bytes
 * (1, 2, 4 or 8), and a memory operand is an X86Mem: base + index * scale
 * + disp, without RIP-relative or absolute forms, which kiln never needs
 * (code and env are both reached through registers).
 *
 * The encoder never fails: it writes into an X86Buf and, past its end,
 * only counts, so a caller checks x86_buf_overflowed() once at the end.
 */
#ifndef KILN_TCG_X86_64_EMIT_H
#define KILN_TCG_X86_64_EMIT_H

#include "kiln/common.h"

typedef enum X86Reg {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NO_REG = -1,
} X86Reg;

/* The eight classic ALU operations, numbered as in their /digit. */
typedef enum X86Alu {
    X86_ADD = 0, X86_OR = 1, X86_ADC = 2, X86_SBB = 3,
    X86_AND = 4, X86_SUB = 5, X86_XOR = 6, X86_CMP = 7,
} X86Alu;

/* Shifts and rotates (group 2 /digit). */
typedef enum X86Shift {
    X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7,
} X86Shift;

/* Group 3 (F7 /digit) one-operand forms. */
typedef enum X86Unary {
    X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_IMUL1 = 5, X86_DIV = 6,
    X86_IDIV = 7,
} X86Unary;

/* Condition codes (the low nibble of Jcc, SETcc and CMOVcc). */
typedef enum X86Cond {
    X86_CC_O = 0, X86_CC_NO = 1, X86_CC_B = 2, X86_CC_AE = 3,
    X86_CC_E = 4, X86_CC_NE = 5, X86_CC_BE = 6, X86_CC_A = 7,
    X86_CC_S = 8, X86_CC_NS = 9, X86_CC_P = 10, X86_CC_NP = 11,
    X86_CC_L = 12, X86_CC_GE = 13, X86_CC_LE = 14, X86_CC_G = 15,
} X86Cond;

typedef struct X86Mem {
    X86Reg base;
    X86Reg index;               /* X86_NO_REG: none (never RSP) */
    uint8_t scale;              /* 1, 2, 4 or 8 */
    int32_t disp;
} X86Mem;

static inline X86Mem x86_mem(X86Reg base, int32_t disp)
{
    return (X86Mem){ base, X86_NO_REG, 1, disp };
}

static inline X86Mem x86_mem_idx(X86Reg base, X86Reg index, uint8_t scale,
                                 int32_t disp)
{
    return (X86Mem){ base, index, scale, disp };
}

typedef struct X86Buf {
    uint8_t *start;
    uint8_t *p;                 /* next byte; may run past end (not written) */
    uint8_t *end;
} X86Buf;

void x86_buf_init(X86Buf *b, void *start, size_t size);
static inline size_t x86_buf_size(const X86Buf *b)
{
    return (size_t)(b->p - b->start);
}
static inline bool x86_buf_overflowed(const X86Buf *b)
{
    return b->p > b->end;
}
void x86_emit_byte(X86Buf *b, uint8_t v);
void x86_emit_u32(X86Buf *b, uint32_t v);

/* ALU: op dst, src (registers, memory, immediates; size 1 only for mi). */
void x86_alu_rr(X86Buf *b, X86Alu op, unsigned size, X86Reg dst, X86Reg src);
void x86_alu_rm(X86Buf *b, X86Alu op, unsigned size, X86Reg dst, X86Mem m);
void x86_alu_mr(X86Buf *b, X86Alu op, unsigned size, X86Mem m, X86Reg src);
void x86_alu_ri(X86Buf *b, X86Alu op, unsigned size, X86Reg dst, int32_t imm);
void x86_alu_mi(X86Buf *b, X86Alu op, unsigned size, X86Mem m, int32_t imm);
void x86_test_rr(X86Buf *b, unsigned size, X86Reg a, X86Reg c);

/* Moves. */
void x86_mov_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src);
void x86_mov_rm(X86Buf *b, unsigned size, X86Reg dst, X86Mem m);  /* load */
void x86_mov_mr(X86Buf *b, unsigned size, X86Mem m, X86Reg src);  /* store */
void x86_mov_mi(X86Buf *b, unsigned size, X86Mem m, int32_t imm);
void x86_mov_r32_imm(X86Buf *b, X86Reg dst, uint32_t imm);   /* movl: zero-extends */
void x86_mov_r64_simm(X86Buf *b, X86Reg dst, int32_t imm);   /* movq: sign-extends */
void x86_movabs(X86Buf *b, X86Reg dst, uint64_t imm);
/* The shortest of the three above for a 64-bit constant. */
void x86_mov_imm(X86Buf *b, X86Reg dst, uint64_t imm);

/*
 * Widening loads and register extensions: movzx/movsx from SIZE bytes
 * (1 or 2) into a 32-bit (zero) or 64-bit (sign) destination, and movsxd.
 */
void x86_movzx_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src);
void x86_movzx_rm(X86Buf *b, unsigned size, X86Reg dst, X86Mem m);
void x86_movsx_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src);
void x86_movsx_rm(X86Buf *b, unsigned size, X86Reg dst, X86Mem m);
void x86_movsxd_rr(X86Buf *b, X86Reg dst, X86Reg src);
void x86_movsxd_rm(X86Buf *b, X86Reg dst, X86Mem m);
void x86_lea(X86Buf *b, X86Reg dst, X86Mem m);

/* Multiplication, shifts, bit scans. */
void x86_imul_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src);
void x86_imul_rm(X86Buf *b, unsigned size, X86Reg dst, X86Mem m);
void x86_imul_rri(X86Buf *b, unsigned size, X86Reg dst, X86Reg src,
                  int32_t imm);
void x86_unary_r(X86Buf *b, X86Unary op, unsigned size, X86Reg r);
void x86_unary_m(X86Buf *b, X86Unary op, unsigned size, X86Mem m);
void x86_shift_ri(X86Buf *b, X86Shift op, unsigned size, X86Reg r,
                  uint8_t count);
void x86_shift_rcl(X86Buf *b, X86Shift op, unsigned size, X86Reg r);
void x86_bsr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src);
void x86_bsf(X86Buf *b, unsigned size, X86Reg dst, X86Reg src);
void x86_popcnt(X86Buf *b, unsigned size, X86Reg dst, X86Reg src);
/* cltd / cqto: sign-extend eax into edx (size 4) or rax into rdx (8), for idiv. */
void x86_sign_extend_ax(X86Buf *b, unsigned size);

/* Flags to values. */
void x86_setcc(X86Buf *b, X86Cond cc, X86Reg dst8);
void x86_cmov_rr(X86Buf *b, X86Cond cc, unsigned size, X86Reg dst, X86Reg src);
void x86_cmov_rm(X86Buf *b, X86Cond cc, unsigned size, X86Reg dst, X86Mem m);

/* Stack and control flow.  Jumps with a rel32 return its offset in B. */
void x86_push(X86Buf *b, X86Reg r);
void x86_pop(X86Buf *b, X86Reg r);
void x86_push_m(X86Buf *b, X86Mem m);
void x86_push_imm(X86Buf *b, int32_t imm);
void x86_call_r(X86Buf *b, X86Reg r);
void x86_jmp_r(X86Buf *b, X86Reg r);
size_t x86_jmp_rel32(X86Buf *b, const void *target);
size_t x86_jcc_rel32(X86Buf *b, X86Cond cc, const void *target);
void x86_ret(X86Buf *b);
void x86_ud2(X86Buf *b);

/* Point the rel32 field at REL32 (a host address) to TARGET. */
void x86_patch_rel32(uint8_t *rel32, const void *target);

#endif
