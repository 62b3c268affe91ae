/*
 * x86-64 encodings (Intel SDM vol. 2, chapter 2: prefixes, REX, ModRM,
 * SIB).  Every function builds one instruction from the same few parts:
 *
 *     [66] [F3] [REX] opcode ModRM [SIB] [disp8|disp32] [imm]
 *
 * and picks the shortest form where the assembler would (disp8, imm8,
 * the accumulator forms), so the bytes equal those of GNU as.
 */
#include "emit.h"

enum {
    kX86OpSize = 0x66,          /* operand-size prefix: 16-bit operands */
    kX86Rep = 0xf3,             /* mandatory prefix of popcnt */
    kX86Rex = 0x40,
    kX86RexW = 0x08,            /* 64-bit operand */
    kX86RexR = 0x04,            /* ModRM.reg extension */
    kX86RexX = 0x02,            /* SIB.index extension */
    kX86RexB = 0x01,            /* ModRM.rm / SIB.base / opcode reg extension */
    kX86Escape = 0x0f,          /* two-byte opcodes */
    kX86ModDisp0 = 0x00,
    kX86ModDisp8 = 0x40,
    kX86ModDisp32 = 0x80,
    kX86ModReg = 0xc0,
    kX86RmSib = 4,              /* ModRM.rm = 100: a SIB byte follows */
    kX86SibNoIndex = 4,         /* SIB.index = 100: no index */
};

void x86_buf_init(X86Buf *b, void *start, size_t size)
{
    b->start = start;
    b->p = start;
    b->end = b->start + size;
}

void x86_emit_byte(X86Buf *b, uint8_t v)
{
    if (b->p < b->end) {
        *b->p = v;
    }
    b->p++;
}

void x86_emit_u32(X86Buf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        x86_emit_byte(b, (uint8_t)(v >> (8 * i)));
    }
}

static void emit_u64(X86Buf *b, uint64_t v)
{
    x86_emit_u32(b, (uint32_t)v);
    x86_emit_u32(b, (uint32_t)(v >> 32));
}

static bool fits_s8(int64_t v)
{
    return v >= -128 && v <= 127;
}

/* The r/m operand of an instruction: a register or memory. */
typedef struct Rm {
    bool is_mem;
    X86Reg reg;
    X86Mem mem;
} Rm;

static Rm rm_reg(X86Reg r)
{
    return (Rm){ .reg = r };
}

static Rm rm_mem(X86Mem m)
{
    return (Rm){ .is_mem = true, .mem = m };
}

/*
 * Prefixes and REX for an instruction of operand SIZE with ModRM.reg REG
 * and r/m RM.  BYTE_REGS says which operands are 8-bit registers
 * (BYTE_REG, BYTE_RM): SPL, BPL, SIL and DIL exist only with a REX prefix
 * (without one, those numbers are AH..BH).
 */
enum { BYTE_REG = 1, BYTE_RM = 2, BYTE_BOTH = 3 };

static void emit_prefixes(X86Buf *b, unsigned size, uint8_t mandatory,
                          int reg, Rm rm, unsigned byte_regs)
{
    uint8_t rex = 0;
    bool need_rex = false;

    if (size == 2) {
        x86_emit_byte(b, kX86OpSize);
    }
    if (mandatory) {
        x86_emit_byte(b, mandatory);
    }
    if (size == 8) {
        rex |= kX86RexW;
    }
    if (reg & 8) {
        rex |= kX86RexR;
    }
    if ((byte_regs & BYTE_REG) && reg >= X86_RSP && reg <= X86_RDI) {
        need_rex = true;
    }
    if (rm.is_mem) {
        if (rm.mem.base & 8) {
            rex |= kX86RexB;
        }
        if (rm.mem.index != X86_NO_REG && (rm.mem.index & 8)) {
            rex |= kX86RexX;
        }
    } else {
        if (rm.reg & 8) {
            rex |= kX86RexB;
        }
        if ((byte_regs & BYTE_RM) && rm.reg >= X86_RSP && rm.reg <= X86_RDI) {
            need_rex = true;
        }
    }
    if (rex || need_rex) {
        x86_emit_byte(b, kX86Rex | rex);
    }
}

static void emit_modrm(X86Buf *b, int reg, Rm rm)
{
    const X86Mem *m = &rm.mem;
    uint8_t mod;
    bool sib;

    if (!rm.is_mem) {
        x86_emit_byte(b, kX86ModReg | (reg & 7) << 3 | (rm.reg & 7));
        return;
    }
    /* RBP and R13 as base have no disp-less form: they need a disp8 of 0. */
    if (m->disp == 0 && (m->base & 7) != X86_RBP) {
        mod = kX86ModDisp0;
    } else if (fits_s8(m->disp)) {
        mod = kX86ModDisp8;
    } else {
        mod = kX86ModDisp32;
    }
    /* RSP and R12 as base are only expressible through a SIB byte. */
    sib = m->index != X86_NO_REG || (m->base & 7) == X86_RSP;
    if (sib) {
        unsigned ss = m->scale == 8 ? 3 : m->scale == 4 ? 2 : m->scale == 2 ? 1 : 0;
        unsigned index = m->index == X86_NO_REG ? kX86SibNoIndex : (m->index & 7);

        x86_emit_byte(b, mod | (reg & 7) << 3 | kX86RmSib);
        x86_emit_byte(b, (uint8_t)(ss << 6 | index << 3 | (m->base & 7)));
    } else {
        x86_emit_byte(b, mod | (reg & 7) << 3 | (m->base & 7));
    }
    if (mod == kX86ModDisp8) {
        x86_emit_byte(b, (uint8_t)m->disp);
    } else if (mod == kX86ModDisp32) {
        x86_emit_u32(b, (uint32_t)m->disp);
    }
}

/* One instruction: prefixes, opcode (1 or 2 bytes after 0F), ModRM. */
static void emit_insn(X86Buf *b, unsigned size, uint8_t mandatory,
                      bool escape, uint8_t opcode, int reg, Rm rm,
                      unsigned byte_regs)
{
    emit_prefixes(b, size, mandatory, reg, rm, byte_regs);
    if (escape) {
        x86_emit_byte(b, kX86Escape);
    }
    x86_emit_byte(b, opcode);
    emit_modrm(b, reg, rm);
}

static void emit_imm(X86Buf *b, unsigned size, int32_t imm)
{
    if (size == 1) {
        x86_emit_byte(b, (uint8_t)imm);
    } else if (size == 2) {
        x86_emit_byte(b, (uint8_t)imm);
        x86_emit_byte(b, (uint8_t)(imm >> 8));
    } else {
        x86_emit_u32(b, (uint32_t)imm);
    }
}

/* --- ALU --- */

enum {
    kX86AluMr = 0x01,           /* op r/m, reg (op * 8 + 1) */
    kX86AluRm = 0x03,           /* op reg, r/m (op * 8 + 3) */
    kX86AluAccImm = 0x05,       /* op eAX, imm32 (op * 8 + 5) */
    kX86Grp1Ib = 0x80,          /* op r/m8, imm8 */
    kX86Grp1Iz = 0x81,          /* op r/m, imm32 */
    kX86Grp1Ibs = 0x83,         /* op r/m, imm8 sign-extended */
    kX86TestRm = 0x85,
    kX86MovMr8 = 0x88,
    kX86MovMr = 0x89,
    kX86MovRm = 0x8b,
    kX86Lea = 0x8d,
    kX86MovRegImm = 0xb8,       /* + reg: mov r32, imm32 / movabs r64, imm64 */
    kX86MovImm = 0xc7,          /* /0: mov r/m, imm32 */
    kX86Movsxd = 0x63,
    kX86PushReg = 0x50,
    kX86PopReg = 0x58,
    kX86PushImm32 = 0x68,
    kX86PushImm8 = 0x6a,
    kX86ImulImm32 = 0x69,
    kX86ImulImm8 = 0x6b,
    kX86Grp2Ib = 0xc1,          /* shift r/m, imm8 */
    kX86Grp2One = 0xd1,         /* shift r/m, 1 */
    kX86Grp2Cl = 0xd3,          /* shift r/m, cl */
    kX86Ret = 0xc3,
    kX86Cdq = 0x99,             /* with REX.W: cqo */
    kX86JmpRel32 = 0xe9,
    kX86Grp3 = 0xf7,
    kX86Grp5 = 0xff,            /* /2 call r/m, /4 jmp r/m, /6 push r/m */
    /* after 0F */
    kX86Ud2 = 0x0b,
    kX86CmovBase = 0x40,
    kX86JccBase = 0x80,
    kX86SetccBase = 0x90,
    kX86Imul = 0xaf,
    kX86Movzx8 = 0xb6,
    kX86Movzx16 = 0xb7,
    kX86Popcnt = 0xb8,
    kX86Bsf = 0xbc,
    kX86Bsr = 0xbd,
    kX86Movsx8 = 0xbe,
    kX86Movsx16 = 0xbf,
};

void x86_alu_rr(X86Buf *b, X86Alu op, unsigned size, X86Reg dst, X86Reg src)
{
    emit_insn(b, size, 0, false, (uint8_t)(op * 8 + kX86AluMr - (size == 1)),
              src, rm_reg(dst), size == 1 ? BYTE_BOTH : 0);
}

void x86_alu_rm(X86Buf *b, X86Alu op, unsigned size, X86Reg dst, X86Mem m)
{
    emit_insn(b, size, 0, false, (uint8_t)(op * 8 + kX86AluRm - (size == 1)),
              dst, rm_mem(m), size == 1 ? BYTE_REG : 0);
}

void x86_alu_mr(X86Buf *b, X86Alu op, unsigned size, X86Mem m, X86Reg src)
{
    emit_insn(b, size, 0, false, (uint8_t)(op * 8 + kX86AluMr - (size == 1)),
              src, rm_mem(m), size == 1 ? BYTE_REG : 0);
}

static void alu_imm(X86Buf *b, X86Alu op, unsigned size, Rm rm, int32_t imm)
{
    if (size == 1) {
        emit_insn(b, 1, 0, false, kX86Grp1Ib, op, rm, BYTE_RM);
        x86_emit_byte(b, (uint8_t)imm);
    } else if (fits_s8(imm)) {
        emit_insn(b, size, 0, false, kX86Grp1Ibs, op, rm, 0);
        x86_emit_byte(b, (uint8_t)imm);
    } else if (!rm.is_mem && rm.reg == X86_RAX) {
        emit_prefixes(b, size, 0, 0, rm, 0);
        x86_emit_byte(b, (uint8_t)(op * 8 + kX86AluAccImm));
        emit_imm(b, size, imm);
    } else {
        emit_insn(b, size, 0, false, kX86Grp1Iz, op, rm, 0);
        emit_imm(b, size, imm);
    }
}

void x86_alu_ri(X86Buf *b, X86Alu op, unsigned size, X86Reg dst, int32_t imm)
{
    alu_imm(b, op, size, rm_reg(dst), imm);
}

void x86_alu_mi(X86Buf *b, X86Alu op, unsigned size, X86Mem m, int32_t imm)
{
    alu_imm(b, op, size, rm_mem(m), imm);
}

void x86_test_rr(X86Buf *b, unsigned size, X86Reg a, X86Reg c)
{
    emit_insn(b, size, 0, false, kX86TestRm, c, rm_reg(a), 0);
}

/* --- moves --- */

void x86_mov_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src)
{
    emit_insn(b, size, 0, false, kX86MovMr, src, rm_reg(dst), 0);
}

void x86_mov_rm(X86Buf *b, unsigned size, X86Reg dst, X86Mem m)
{
    g_assert(size >= 4);
    emit_insn(b, size, 0, false, kX86MovRm, dst, rm_mem(m), 0);
}

void x86_mov_mr(X86Buf *b, unsigned size, X86Mem m, X86Reg src)
{
    emit_insn(b, size, 0, false, size == 1 ? kX86MovMr8 : kX86MovMr, src,
              rm_mem(m), size == 1 ? BYTE_REG : 0);
}

void x86_mov_mi(X86Buf *b, unsigned size, X86Mem m, int32_t imm)
{
    g_assert(size >= 4);
    emit_insn(b, size, 0, false, kX86MovImm, 0, rm_mem(m), 0);
    x86_emit_u32(b, (uint32_t)imm);
}

void x86_mov_r32_imm(X86Buf *b, X86Reg dst, uint32_t imm)
{
    if (dst & 8) {
        x86_emit_byte(b, kX86Rex | kX86RexB);
    }
    x86_emit_byte(b, (uint8_t)(kX86MovRegImm + (dst & 7)));
    x86_emit_u32(b, imm);
}

void x86_mov_r64_simm(X86Buf *b, X86Reg dst, int32_t imm)
{
    emit_insn(b, 8, 0, false, kX86MovImm, 0, rm_reg(dst), 0);
    x86_emit_u32(b, (uint32_t)imm);
}

void x86_movabs(X86Buf *b, X86Reg dst, uint64_t imm)
{
    x86_emit_byte(b, kX86Rex | kX86RexW | ((dst & 8) ? kX86RexB : 0));
    x86_emit_byte(b, (uint8_t)(kX86MovRegImm + (dst & 7)));
    emit_u64(b, imm);
}

void x86_mov_imm(X86Buf *b, X86Reg dst, uint64_t imm)
{
    if (imm <= UINT32_MAX) {
        x86_mov_r32_imm(b, dst, (uint32_t)imm);
    } else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX) {
        x86_mov_r64_simm(b, dst, (int32_t)imm);
    } else {
        x86_movabs(b, dst, imm);
    }
}

void x86_movzx_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src)
{
    emit_insn(b, 4, 0, true, size == 1 ? kX86Movzx8 : kX86Movzx16, dst,
              rm_reg(src), size == 1 ? BYTE_RM : 0);
}

void x86_movzx_rm(X86Buf *b, unsigned size, X86Reg dst, X86Mem m)
{
    emit_insn(b, 4, 0, true, size == 1 ? kX86Movzx8 : kX86Movzx16, dst,
              rm_mem(m), 0);
}

void x86_movsx_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src)
{
    emit_insn(b, 8, 0, true, size == 1 ? kX86Movsx8 : kX86Movsx16, dst,
              rm_reg(src), size == 1 ? BYTE_RM : 0);
}

void x86_movsx_rm(X86Buf *b, unsigned size, X86Reg dst, X86Mem m)
{
    emit_insn(b, 8, 0, true, size == 1 ? kX86Movsx8 : kX86Movsx16, dst,
              rm_mem(m), 0);
}

void x86_movsxd_rr(X86Buf *b, X86Reg dst, X86Reg src)
{
    emit_insn(b, 8, 0, false, kX86Movsxd, dst, rm_reg(src), 0);
}

void x86_movsxd_rm(X86Buf *b, X86Reg dst, X86Mem m)
{
    emit_insn(b, 8, 0, false, kX86Movsxd, dst, rm_mem(m), 0);
}

void x86_lea(X86Buf *b, X86Reg dst, X86Mem m)
{
    emit_insn(b, 8, 0, false, kX86Lea, dst, rm_mem(m), 0);
}

/* --- arithmetic --- */

void x86_imul_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src)
{
    emit_insn(b, size, 0, true, kX86Imul, dst, rm_reg(src), 0);
}

void x86_imul_rm(X86Buf *b, unsigned size, X86Reg dst, X86Mem m)
{
    emit_insn(b, size, 0, true, kX86Imul, dst, rm_mem(m), 0);
}

void x86_imul_rri(X86Buf *b, unsigned size, X86Reg dst, X86Reg src,
                  int32_t imm)
{
    if (fits_s8(imm)) {
        emit_insn(b, size, 0, false, kX86ImulImm8, dst, rm_reg(src), 0);
        x86_emit_byte(b, (uint8_t)imm);
    } else {
        emit_insn(b, size, 0, false, kX86ImulImm32, dst, rm_reg(src), 0);
        x86_emit_u32(b, (uint32_t)imm);
    }
}

void x86_unary_r(X86Buf *b, X86Unary op, unsigned size, X86Reg r)
{
    emit_insn(b, size, 0, false, kX86Grp3, op, rm_reg(r), 0);
}

void x86_unary_m(X86Buf *b, X86Unary op, unsigned size, X86Mem m)
{
    emit_insn(b, size, 0, false, kX86Grp3, op, rm_mem(m), 0);
}

void x86_sign_extend_ax(X86Buf *b, unsigned size)
{
    if (size == 8) {
        x86_emit_byte(b, kX86Rex | kX86RexW);
    }
    x86_emit_byte(b, kX86Cdq);
}

void x86_shift_ri(X86Buf *b, X86Shift op, unsigned size, X86Reg r,
                  uint8_t count)
{
    if (count == 1) {
        emit_insn(b, size, 0, false, kX86Grp2One, op, rm_reg(r), 0);
    } else {
        emit_insn(b, size, 0, false, kX86Grp2Ib, op, rm_reg(r), 0);
        x86_emit_byte(b, count);
    }
}

void x86_shift_rcl(X86Buf *b, X86Shift op, unsigned size, X86Reg r)
{
    emit_insn(b, size, 0, false, kX86Grp2Cl, op, rm_reg(r), 0);
}

void x86_bsr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src)
{
    emit_insn(b, size, 0, true, kX86Bsr, dst, rm_reg(src), 0);
}

void x86_bsf(X86Buf *b, unsigned size, X86Reg dst, X86Reg src)
{
    emit_insn(b, size, 0, true, kX86Bsf, dst, rm_reg(src), 0);
}

void x86_popcnt(X86Buf *b, unsigned size, X86Reg dst, X86Reg src)
{
    emit_insn(b, size, kX86Rep, true, kX86Popcnt, dst, rm_reg(src), 0);
}

/* --- flags --- */

void x86_setcc(X86Buf *b, X86Cond cc, X86Reg dst8)
{
    emit_insn(b, 1, 0, true, (uint8_t)(kX86SetccBase + cc), 0, rm_reg(dst8),
              BYTE_RM);
}

void x86_cmov_rr(X86Buf *b, X86Cond cc, unsigned size, X86Reg dst, X86Reg src)
{
    emit_insn(b, size, 0, true, (uint8_t)(kX86CmovBase + cc), dst,
              rm_reg(src), 0);
}

void x86_cmov_rm(X86Buf *b, X86Cond cc, unsigned size, X86Reg dst, X86Mem m)
{
    emit_insn(b, size, 0, true, (uint8_t)(kX86CmovBase + cc), dst, rm_mem(m),
              false);
}

/* --- stack and control flow --- */

void x86_push(X86Buf *b, X86Reg r)
{
    if (r & 8) {
        x86_emit_byte(b, kX86Rex | kX86RexB);
    }
    x86_emit_byte(b, (uint8_t)(kX86PushReg + (r & 7)));
}

void x86_pop(X86Buf *b, X86Reg r)
{
    if (r & 8) {
        x86_emit_byte(b, kX86Rex | kX86RexB);
    }
    x86_emit_byte(b, (uint8_t)(kX86PopReg + (r & 7)));
}

void x86_push_m(X86Buf *b, X86Mem m)
{
    emit_insn(b, 4, 0, false, kX86Grp5, 6, rm_mem(m), 0);
}

void x86_push_imm(X86Buf *b, int32_t imm)
{
    if (fits_s8(imm)) {
        x86_emit_byte(b, kX86PushImm8);
        x86_emit_byte(b, (uint8_t)imm);
    } else {
        x86_emit_byte(b, kX86PushImm32);
        x86_emit_u32(b, (uint32_t)imm);
    }
}

void x86_call_r(X86Buf *b, X86Reg r)
{
    emit_insn(b, 4, 0, false, kX86Grp5, 2, rm_reg(r), 0);
}

void x86_jmp_r(X86Buf *b, X86Reg r)
{
    emit_insn(b, 4, 0, false, kX86Grp5, 4, rm_reg(r), 0);
}

void x86_patch_rel32(uint8_t *rel32, const void *target)
{
    int64_t rel = (const uint8_t *)target - (rel32 + 4);
    int32_t v = (int32_t)rel;

    g_assert(rel == v);
    memcpy(rel32, &v, 4);
}

/* Emit a rel32 to TARGET (or 0 when past the end); return its offset. */
static size_t emit_rel32(X86Buf *b, const void *target)
{
    size_t at = x86_buf_size(b);

    if (b->p + 4 <= b->end) {
        x86_patch_rel32(b->p, target);
        b->p += 4;
    } else {
        x86_emit_u32(b, 0);
    }
    return at;
}

size_t x86_jmp_rel32(X86Buf *b, const void *target)
{
    x86_emit_byte(b, kX86JmpRel32);
    return emit_rel32(b, target);
}

size_t x86_jcc_rel32(X86Buf *b, X86Cond cc, const void *target)
{
    x86_emit_byte(b, kX86Escape);
    x86_emit_byte(b, (uint8_t)(kX86JccBase + cc));
    return emit_rel32(b, target);
}

void x86_ret(X86Buf *b)
{
    x86_emit_byte(b, kX86Ret);
}

void x86_ud2(X86Buf *b)
{
    x86_emit_byte(b, kX86Escape);
    x86_emit_byte(b, kX86Ud2);
}
