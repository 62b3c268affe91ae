/*
 * Translating RISC-V to IR.
 *
 * A block starts at a pc and runs to the first instruction that changes
 * control flow or machine state the block was translated under, to a page
 * end, or to the instruction budget.  Each instruction gets an insn_start
 * (its pc and index in the block), then the IR of its trans_ function from
 * the trans_*.c.inc files, which the decoders generated from insn32.decode
 * and insn16.decode call.  trans_ functions only emit IR; they share the
 * gen_ functions below, guards first, as the spec reads.
 */
#include "translate.h"
#include "disas.h"
#include "helper.h"
#include "kiln/log.h"

typedef enum DisasJump {
    DISAS_NEXT,         /* carry on with the next instruction */
    DISAS_NORETURN,     /* the block ended: exit emitted */
    DISAS_EXIT,         /* end after this instruction, back to the CPU loop */
} DisasJump;

typedef struct DisasContext {
    RiscvCpu *cpu;
    IrFunc *f;
    uint64_t pc;            /* this instruction */
    uint64_t next_pc;
    uint32_t insn;          /* its bits, for mtval of an illegal instruction */
    unsigned priv;
    unsigned mem_idx;
    unsigned xlen;
    uint32_t exts;
    bool fs_on;             /* mstatus.FS != Off: F/D instructions allowed */
    bool fs_dirty;          /* mstatus.FS is Dirty (or made so earlier in the block) */
    unsigned frm;           /* the dynamic rounding mode, 0..7 */
    DisasJump is_jmp;
    uint64_t pc_first;      /* the block's first instruction */
    uint32_t ninsns;        /* instructions translated before this one */
    uint32_t max_insns;
    uint32_t passes;        /* times a loop body was translated (see gen_branch) */
} DisasContext;

/*
 * The flags a block's code depends on; part of its cache key.  With the
 * F state on, also whether it is Dirty and frm: F/D code then neither
 * marks the state Dirty again nor reads and checks frm (only CSR writes
 * change them, and those end the block).
 */
static uint64_t tb_flags(RiscvCpu *cpu)
{
    uint64_t fs = (cpu->mstatus & MSTATUS_FS) >> MSTATUS_FS_SHIFT;
    uint64_t fp = fs ? 1 | (uint64_t)(fs == 3) << 1 | (uint64_t)(cpu->frm & 7) << 2 : 0;

    return cpu->priv | (riscv_data_mmu_idx(cpu) << 2) | (fp << 4) |
           ((uint64_t)(cpu->xlen == 64) << 9) | ((uint64_t)cpu->exts << 32);
}

#define ENV_OFF(field) offsetof(RiscvCpu, field)
#define REQUIRE_EXT(ctx, e)                     \
    do {                                        \
        if (!((ctx)->exts & (e))) {             \
            return false;                       \
        }                                       \
    } while (0)
#define REQUIRE_64BIT(ctx)                      \
    do {                                        \
        if ((ctx)->xlen != 64) {                \
            return false;                       \
        }                                       \
    } while (0)

/* --- registers --- */

static IrTemp get_gpr(DisasContext *ctx, unsigned r)
{
    if (r == 0) {
        return ir_movi(ctx->f, 0);
    }
    return ir_ld_env(ctx->f, ENV_OFF(x[r]), 8);
}

/* Write rd; on RV32 the value is kept sign-extended from bit 31. */
static void set_gpr(DisasContext *ctx, unsigned r, IrTemp v)
{
    if (r == 0) {
        return;
    }
    if (ctx->xlen == 32) {
        v = ir_unop(ctx->f, IR_ext32s, v);
    }
    ir_st_env(ctx->f, v, ENV_OFF(x[r]), 8);
}

static IrTemp imm(DisasContext *ctx, int64_t v)
{
    return ir_movi(ctx->f, (uint64_t)v);
}

/* The target address of a pc-relative jump, wrapped to XLEN. */
static uint64_t pc_target(DisasContext *ctx, int64_t offset)
{
    uint64_t t = ctx->pc + (uint64_t)offset;

    return ctx->xlen == 32 ? (uint64_t)(int64_t)(int32_t)t : t;
}

static void gen_set_pc(DisasContext *ctx, uint64_t pc)
{
    ir_st_env(ctx->f, imm(ctx, (int64_t)pc), ENV_OFF(pc), 8);
}

/* --- exceptions --- */

static void gen_exception(DisasContext *ctx, unsigned cause, uint64_t tval)
{
    ir_call_void(ctx->f, helper_raise, 0, imm(ctx, cause),
                 imm(ctx, (int64_t)tval), IR_NO_TEMP, IR_NO_TEMP);
    ctx->is_jmp = DISAS_NORETURN;
}

static bool gen_illegal(DisasContext *ctx)
{
    gen_exception(ctx, EXC_ILLEGAL_INST, ctx->insn);
    return true;
}

/* --- jumps --- */

static void gen_goto(DisasContext *ctx, unsigned slot, uint64_t target)
{
    gen_set_pc(ctx, target);
    ir_goto_tb(ctx->f, slot);
}

/* Without C, a jump to a pc not 4-aligned is misaligned (Unpriv 2.5). */
static bool target_misaligned(DisasContext *ctx, uint64_t target)
{
    return !(ctx->exts & EXT_C) && (target & 2);
}

static bool gen_jal(DisasContext *ctx, unsigned rd, int64_t offset)
{
    uint64_t target = pc_target(ctx, offset);

    if (target_misaligned(ctx, target)) {
        gen_exception(ctx, EXC_INST_MISALIGNED, target);
        return true;
    }
    set_gpr(ctx, rd, imm(ctx, (int64_t)ctx->next_pc));
    gen_goto(ctx, 0, target);
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

static bool gen_jalr(DisasContext *ctx, unsigned rd, unsigned rs1,
                     int64_t offset)
{
    IrFunc *f = ctx->f;
    IrTemp t = ir_binop(f, IR_and, ir_binop(f, IR_add, get_gpr(ctx, rs1),
                                            imm(ctx, offset)),
                        imm(ctx, -2));

    if (ctx->xlen == 32) {
        t = ir_unop(f, IR_ext32s, t);
    }
    if (!(ctx->exts & EXT_C)) {
        uint32_t ok = ir_new_label(f);

        ir_brcond(f, IR_EQ, ir_binop(f, IR_and, t, imm(ctx, 2)), imm(ctx, 0),
                  ok);
        ir_call_void(f, helper_raise, 0, imm(ctx, EXC_INST_MISALIGNED), t,
                     IR_NO_TEMP, IR_NO_TEMP);
        ir_set_label(f, ok);
    }
    set_gpr(ctx, rd, imm(ctx, (int64_t)ctx->next_pc));
    ir_st_env(f, t, ENV_OFF(pc), 8);
    ir_exit_tb(f, IR_EXIT_LOOKUP);
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

/*
 * A branch back to the block's first instruction closes a loop whose body
 * is the whole block.  Rather than leave the block and come back through
 * the chained jump, translation carries on with another pass of the body
 * after the taken side (the not-taken side leaves the block there), so
 * the values one pass hands the next stay in host registers instead of
 * making a round trip through env.  The pass count and the block size
 * stay small: the block must fit the instruction budget whole to run at
 * all, and near a deadline a shorter one-off block is made.  Every pass
 * is the same code at the same pcs, so the block still covers the same
 * bytes and is invalidated as they are written; a side exit retires the
 * instructions up to it (insn_index + 1), as every exit does.
 */
#define LOOP_MAX_PASSES 8
#define LOOP_MAX_INSNS 64

static bool loop_unrolls(DisasContext *ctx, uint64_t target)
{
    uint32_t done = ctx->ninsns + 1;
    uint32_t pass = done / (ctx->passes + 1);

    /* Under a debugger a pass must come back to the CPU loop (cpu.c). */
    return target == ctx->pc_first && ctx->passes + 1 < LOOP_MAX_PASSES &&
           done + pass <= MIN(ctx->max_insns, LOOP_MAX_INSNS) &&
           !riscv_debug_active();
}

static bool gen_branch(DisasContext *ctx, IrCond cond, unsigned rs1,
                       unsigned rs2, int64_t offset)
{
    IrFunc *f = ctx->f;
    uint32_t taken = ir_new_label(f);
    uint64_t target = pc_target(ctx, offset);

    ir_brcond(f, cond, get_gpr(ctx, rs1), get_gpr(ctx, rs2), taken);
    gen_goto(ctx, 0, ctx->next_pc);
    ir_set_label(f, taken);
    if (loop_unrolls(ctx, target)) {
        ctx->next_pc = target;
        ctx->passes++;
        return true;
    }
    if (target_misaligned(ctx, target)) {
        ir_call_void(f, helper_raise, 0, imm(ctx, EXC_INST_MISALIGNED),
                     imm(ctx, (int64_t)target), IR_NO_TEMP, IR_NO_TEMP);
    } else {
        gen_goto(ctx, 1, target);
    }
    ctx->is_jmp = DISAS_NORETURN;
    return true;
}

/* --- arithmetic --- */

static bool gen_arith(DisasContext *ctx, IrOpcode opc, unsigned rd,
                      unsigned rs1, unsigned rs2)
{
    set_gpr(ctx, rd, ir_binop(ctx->f, opc, get_gpr(ctx, rs1),
                              get_gpr(ctx, rs2)));
    return true;
}

static bool gen_arith_imm(DisasContext *ctx, IrOpcode opc, unsigned rd,
                          unsigned rs1, int64_t value)
{
    set_gpr(ctx, rd, ir_binop(ctx->f, opc, get_gpr(ctx, rs1),
                              imm(ctx, value)));
    return true;
}

static bool gen_setcond(DisasContext *ctx, IrCond cond, unsigned rd,
                        IrTemp a, IrTemp b)
{
    set_gpr(ctx, rd, ir_setcond(ctx->f, cond, a, b));
    return true;
}

/* RV64 "W" operations: a 32-bit op, result sign-extended. */
static bool gen_arith_w(DisasContext *ctx, IrOpcode opc32, unsigned rd,
                        IrTemp a, IrTemp b)
{
    REQUIRE_64BIT(ctx);
    set_gpr(ctx, rd, ir_unop(ctx->f, IR_ext32s, ir_binop(ctx->f, opc32, a, b)));
    return true;
}

/*
 * Logical right shifts on RV32 see the register's 32-bit value, which we
 * keep sign-extended: shift its zero-extension instead.  Shift amounts
 * are masked to XLEN.
 */
static bool gen_shift(DisasContext *ctx, IrOpcode opc, unsigned rd,
                      IrTemp src, IrTemp amount)
{
    IrFunc *f = ctx->f;

    if (ctx->xlen == 32) {
        static const IrOpcode as32[] = {
            [IR_shl] = IR_shl_i32, [IR_shr] = IR_shr_i32, [IR_sar] = IR_sar_i32,
            [IR_rotl] = IR_rotl_i32, [IR_rotr] = IR_rotr_i32,
        };

        set_gpr(ctx, rd, ir_binop(f, as32[opc], src, amount));
        return true;
    }
    set_gpr(ctx, rd, ir_binop(f, opc, src, amount));
    return true;
}

static bool gen_shift_imm(DisasContext *ctx, IrOpcode opc, unsigned rd,
                          unsigned rs1, unsigned shamt)
{
    if (shamt >= ctx->xlen) {
        return false;
    }
    return gen_shift(ctx, opc, rd, get_gpr(ctx, rs1), imm(ctx, shamt));
}

static IrTemp zext_xlen(DisasContext *ctx, IrTemp v)
{
    return ctx->xlen == 32 ? ir_unop(ctx->f, IR_ext32u, v) : v;
}

/* --- M --- */

static bool gen_mulh(DisasContext *ctx, IrOpcode opc, unsigned rd,
                     unsigned rs1, unsigned rs2)
{
    IrFunc *f = ctx->f;
    IrTemp a = get_gpr(ctx, rs1), b = get_gpr(ctx, rs2);

    REQUIRE_EXT(ctx, EXT_M);
    if (ctx->xlen == 32) {
        /* 32 x 32 fits in 64 bits: multiply the right extensions, take 63:32. */
        if (opc != IR_mulsh) {
            b = ir_unop(f, IR_ext32u, b);
        }
        if (opc == IR_muluh) {
            a = ir_unop(f, IR_ext32u, a);
        }
        set_gpr(ctx, rd, ir_binop(f, IR_sar, ir_binop(f, IR_mul, a, b),
                                  imm(ctx, 32)));
        return true;
    }
    set_gpr(ctx, rd, ir_binop(f, opc, a, b));
    return true;
}

static bool gen_helper_rr(DisasContext *ctx, IrHelper *fn, unsigned rd,
                          IrTemp a, IrTemp b)
{
    set_gpr(ctx, rd, ir_call(ctx->f, fn, IR_CALL_NO_RAISE, a, b, IR_NO_TEMP,
                             IR_NO_TEMP));
    return true;
}

/*
 * Division: the IR's division ops follow the RISC-V rules for a zero
 * divisor and overflow.  On RV32 the semantics are those of the W forms
 * on RV64 (division of the low 32 bits, result sign-extended), so both
 * use the _i32 op.
 */
static bool gen_div(DisasContext *ctx, IrOpcode opc64, IrOpcode opc32,
                    unsigned rd, unsigned rs1, unsigned rs2)
{
    REQUIRE_EXT(ctx, EXT_M);
    if (ctx->xlen == 32) {
        return gen_arith(ctx, opc32, rd, rs1, rs2);
    }
    return gen_arith(ctx, opc64, rd, rs1, rs2);
}

static bool gen_div_w(DisasContext *ctx, IrOpcode opc32, unsigned rd,
                      unsigned rs1, unsigned rs2)
{
    REQUIRE_EXT(ctx, EXT_M);
    return gen_arith_w(ctx, opc32, rd, get_gpr(ctx, rs1), get_gpr(ctx, rs2));
}

/* --- loads and stores --- */

static IrTemp gen_addr(DisasContext *ctx, unsigned rs1, int64_t offset)
{
    IrTemp a = ir_binop(ctx->f, IR_add, get_gpr(ctx, rs1), imm(ctx, offset));

    return zext_xlen(ctx, a);
}

static bool gen_load(DisasContext *ctx, MemOp mo, unsigned rd, unsigned rs1,
                     int64_t offset)
{
    if (memop_size(mo) == 8 && ctx->xlen == 32) {
        return false;
    }
    if (memop_size(mo) == 4 && ctx->xlen == 32) {
        mo |= MO_SIGN;      /* LW and LWU are the same on RV32: LWU is not there */
    }
    set_gpr(ctx, rd, ir_guest_ld(ctx->f, gen_addr(ctx, rs1, offset), mo,
                                 ctx->mem_idx));
    return true;
}

static bool gen_store(DisasContext *ctx, MemOp mo, unsigned rs1,
                      unsigned rs2, int64_t offset)
{
    if (memop_size(mo) == 8 && ctx->xlen == 32) {
        return false;
    }
    ir_guest_st(ctx->f, get_gpr(ctx, rs2), gen_addr(ctx, rs1, offset), mo,
                ctx->mem_idx);
    return true;
}

/* --- A --- */

static MemOp amo_memop(DisasContext *ctx, bool dword)
{
    return dword ? MO_UQ : MO_SL;
}

static bool gen_lr(DisasContext *ctx, bool dword, unsigned rd, unsigned rs1)
{
    REQUIRE_EXT(ctx, EXT_A);
    if (dword) {
        REQUIRE_64BIT(ctx);
    }
    set_gpr(ctx, rd, ir_call(ctx->f, helper_lr, 0, zext_xlen(ctx, get_gpr(ctx, rs1)),
                             imm(ctx, amo_memop(ctx, dword)), IR_NO_TEMP,
                             IR_NO_TEMP));
    return true;
}

static bool gen_sc(DisasContext *ctx, bool dword, unsigned rd, unsigned rs1,
                   unsigned rs2)
{
    REQUIRE_EXT(ctx, EXT_A);
    if (dword) {
        REQUIRE_64BIT(ctx);
    }
    set_gpr(ctx, rd, ir_call(ctx->f, helper_sc, 0, zext_xlen(ctx, get_gpr(ctx, rs1)),
                             get_gpr(ctx, rs2), imm(ctx, amo_memop(ctx, dword)),
                             IR_NO_TEMP));
    return true;
}

static bool gen_amo(DisasContext *ctx, unsigned op, bool dword, unsigned rd,
                    unsigned rs1, unsigned rs2)
{
    REQUIRE_EXT(ctx, EXT_A);
    if (dword) {
        REQUIRE_64BIT(ctx);
    }
    set_gpr(ctx, rd, ir_call(ctx->f, helper_amo, 0,
                             zext_xlen(ctx, get_gpr(ctx, rs1)), get_gpr(ctx, rs2),
                             imm(ctx, amo_memop(ctx, dword) | (op << 8)),
                             IR_NO_TEMP));
    return true;
}

/* --- system --- */

/* End the block after this instruction and return to the CPU loop. */
static void gen_end_tb_next(DisasContext *ctx)
{
    ctx->is_jmp = DISAS_EXIT;
}

static bool gen_csr(DisasContext *ctx, unsigned rd, unsigned csr,
                    IrTemp src, bool writes, unsigned op)
{
    unsigned flags = csr | op | (rd != 0 ? CSR_OP_READ : 0) |
                     (writes ? CSR_OP_WRITE : 0);
    IrTemp old;

    REQUIRE_EXT(ctx, EXT_ZICSR);
    old = ir_call(ctx->f, helper_csr, 0, imm(ctx, flags), src,
                  imm(ctx, ctx->insn), IR_NO_TEMP);
    set_gpr(ctx, rd, old);
    /* A CSR write can change privilege state, interrupts or translation. */
    if (writes) {
        gen_end_tb_next(ctx);
    }
    return true;
}

static bool gen_system_helper(DisasContext *ctx, IrHelper *fn, bool sets_pc)
{
    if (!sets_pc) {
        gen_set_pc(ctx, ctx->next_pc);
    }
    ir_call_void(ctx->f, fn, 0, imm(ctx, ctx->insn), IR_NO_TEMP, IR_NO_TEMP,
                 IR_NO_TEMP);
    if (sets_pc) {
        ir_exit_tb(ctx->f, IR_EXIT_REQUEST);
        ctx->is_jmp = DISAS_NORETURN;
    } else {
        gen_end_tb_next(ctx);
    }
    return true;
}

/* The generated decoders call trans_<insn>; !xlen= patterns ask this. */
static int decode_xlen(DisasContext *ctx)
{
    return (int)ctx->xlen;
}

#include "decode-insn32.c.inc"
#include "decode-insn16.c.inc"
#include "trans_rvi.c.inc"
#include "trans_rvfd.c.inc"

/* --- the translation loop --- */

/* Fetch the instruction at PC: 2 or 4 bytes (little-endian parcels). */
static uint32_t fetch_insn(RiscvCpu *cpu, uint64_t pc, unsigned *len)
{
    uint32_t lo = riscv_fetch16(cpu, pc);

    if ((lo & 3) != 3) {
        *len = 2;
        return lo;
    }
    *len = 4;
    return lo | (uint32_t)riscv_fetch16(cpu, pc + 2) << 16;
}

static bool decode(DisasContext *ctx, uint32_t insn, unsigned len)
{
    if (len == 2) {
        return (ctx->exts & EXT_C) && decode_insn16(ctx, (uint16_t)insn);
    }
    return decode_insn32(ctx, insn);
}

static IrFunc translate_ir;

/*
 * The next block for native code leaving through an indirect jump: the
 * one riscv_tb_find would return from the jump cache, found without
 * translating or raising (anything else is left to the CPU loop).
 */
static const void *riscv_native_lookup(void *env)
{
    RiscvCpu *cpu = env;
    uint64_t pc = cpu->pc;
    uint64_t vaddr = cpu->xlen == 32 ? (uint32_t)pc : pc;
    const TlbEntry *e = &cpu->tlb[cpu->priv][(vaddr >> PAGE_BITS) % TLB_SIZE];
    const TranslationBlock *tb = cpu->jmp_cache[(pc >> 1) % JMP_CACHE_SIZE];

    if (unlikely(log_enabled_mask & (LOG_CPU | LOG_EXEC)) ||
        riscv_debug_active() || cpu->jc_gen != tb_invalidations ||
        e->tag[ACCESS_FETCH] != (vaddr & PAGE_MASK) || !tb || tb->pc != pc ||
        tb->phys_pc != (e->paddr | (vaddr & ~PAGE_MASK)) ||
        tb->flags != tb_flags(cpu)) {
        return NULL;
    }
    return native_code_entry(tb);
}

_Static_assert((TLB_SIZE & (TLB_SIZE - 1)) == 0, "the TLB index is a mask");

const NativeTarget riscv_native_target = {
    .pc_off = offsetof(RiscvCpu, pc),
    .exec_off = offsetof(RiscvCpu, exec),
    .count_off = offsetof(RiscvCpu, instret),
    .time_off = offsetof(RiscvCpu, time),
    .cur_tb_off = offsetof(RiscvCpu, cur_tb),
    .tlb_off = offsetof(RiscvCpu, tlb),
    .tlb_idx_stride = sizeof(((RiscvCpu *)0)->tlb[0]),
    .tlb_entry_size = sizeof(TlbEntry),
    .tlb_entries = TLB_SIZE,
    .page_bits = PAGE_BITS,
    .tlb_tag_load_off = offsetof(TlbEntry, host_tag) + ACCESS_LOAD * sizeof(uint64_t),
    .tlb_tag_store_off = offsetof(TlbEntry, host_tag) + ACCESS_STORE * sizeof(uint64_t),
    .tlb_addend_off = offsetof(TlbEntry, addend),
    .tlb_guess_off = offsetof(RiscvCpu, tlb_guess),
    .mem = &riscv_mem_hooks,
    .lookup = riscv_native_lookup,
};

static TranslationBlock *translate_block(RiscvCpu *cpu, uint64_t pc,
                                         uint64_t phys_pc, uint64_t flags,
                                         uint64_t max_insns)
{
    TranslationBlock *tb;
    uint64_t phys_page2 = UINT64_MAX;
    DisasContext ctx = {
        .cpu = cpu,
        .f = &translate_ir,
        .priv = cpu->priv,
        .mem_idx = riscv_data_mmu_idx(cpu),
        .xlen = cpu->xlen,
        .exts = cpu->exts,
        .fs_on = (cpu->mstatus & MSTATUS_FS) != 0,
        .fs_dirty = (cpu->mstatus & MSTATUS_FS) == MSTATUS_FS,
        .frm = cpu->frm & 7,
    };
    uint64_t page = pc & PAGE_MASK;
    uint32_t n = 0;

    ir_func_reset(&translate_ir);
    ctx.pc = pc;
    ctx.pc_first = pc;
    ctx.max_insns = (uint32_t)MIN(max_insns, UINT32_MAX);
    while (ctx.is_jmp == DISAS_NEXT) {
        unsigned len;
        uint32_t insn;

        /*
         * A breakpoint: end the block before it, so that the CPU loop
         * stops there (the first instruction is the one it resumes at).
         */
        if (n > 0 && unlikely(riscv_debug_active()) &&
            riscv_breakpoint_at(cpu, ctx.pc)) {
            break;
        }
        /* A 4-byte instruction across the page end starts its own block. */
        if (n > 0 && (ctx.pc & ~PAGE_MASK) == PAGE_SIZE - 2 &&
            (riscv_fetch16(cpu, ctx.pc) & 3) == 3) {
            break;
        }
        ir_insn_start(ctx.f, ctx.pc);
        insn = fetch_insn(cpu, ctx.pc, &len);
        if (n == 0 && len == 4 && ((ctx.pc + 2) & PAGE_MASK) != page) {
            phys_page2 = riscv_translate(cpu, ctx.pc + 2, ACCESS_FETCH,
                                         cpu->priv, 2);
        }
        ctx.insn = insn;
        ctx.next_pc = ctx.pc + len;
        if (ctx.xlen == 32) {
            ctx.next_pc = (uint32_t)ctx.next_pc;
        }
        if (!decode(&ctx, insn, len)) {
            gen_illegal(&ctx);
        }
        if (unlikely(log_enabled_mask & LOG_IN_ASM)) {
            char text[64];

            riscv_disas(text, sizeof(text), ctx.pc, insn, (int)ctx.xlen);
            log_printf("%s0x%016" PRIx64 ":  %0*x  %s\n", n == 0 ? "IN:\n" : "",
                       ctx.pc, len * 2, insn, text);
        }
        n++;
        ctx.ninsns = n;
        ctx.pc = ctx.next_pc;
        if (ctx.is_jmp == DISAS_NEXT &&
            (n >= max_insns || (ctx.pc & PAGE_MASK) != page)) {
            break;
        }
    }
    if (ctx.is_jmp != DISAS_NORETURN) {
        gen_set_pc(&ctx, ctx.pc);
        if (ctx.is_jmp == DISAS_EXIT) {
            ir_exit_tb(ctx.f, IR_EXIT_REQUEST);
        } else {
            ir_goto_tb(ctx.f, 0);
        }
    }
    /* Allocated only now: a fetch fault above leaves nothing behind. */
    tb = tb_new(pc, phys_pc, flags);
    tb->phys_page2 = phys_page2;
    tb->ninsns = n;
    tb->entry_insns = n / (ctx.passes + 1);
    tb->size = (uint32_t)(ctx.pc - pc);
    if (tb_use_native()) {
        tb->native = native_compile(&riscv_native_target, &translate_ir, tb,
                                    cpu->icount_shift);
    }
    /* The interpreter also runs what the native backend could not compile. */
    if (!tb->native) {
        tb->code = interp_prepare(&translate_ir);
    }
    return tb;
}

/*
 * A block cut short to CAP instructions (near a deadline) is cached like
 * any other, under its flags with the cap added: a timer-driven guest
 * comes to the same pc with the same budget over and over.  Only the CPU
 * loop enters such a block (its flags match no hart's, so nothing chains
 * to it or finds it by an indirect jump).
 */
#define TB_FLAGS_CAP_SHIFT 10
_Static_assert(TB_MAX_INSNS < (1 << (32 - TB_FLAGS_CAP_SHIFT)),
               "a cap fits below the extension bits of the flags");

/* The cached block for PC under FLAGS, translated (at most MAX_INSNS) if new. */
static TranslationBlock *tb_get(RiscvCpu *cpu, uint64_t pc, uint64_t phys_pc,
                                uint64_t flags, uint64_t max_insns)
{
    TranslationBlock *tb = tb_lookup(pc, phys_pc, flags);
    bool new_code_page[2] = { !tb_page_has_code(phys_pc), false };

    if (tb) {
        return tb;
    }
    tb = translate_block(cpu, pc, phys_pc, flags, max_insns);
    new_code_page[1] = tb->phys_page2 != UINT64_MAX &&
                       !tb_page_has_code(tb->phys_page2);
    tb_insert(tb);
    /* Stores to a page that now holds code must take the slow path. */
    if (new_code_page[0]) {
        riscv_tlb_protect_code(phys_pc);
    }
    if (new_code_page[1]) {
        riscv_tlb_protect_code(tb->phys_page2);
    }
    return tb;
}

TranslationBlock *riscv_tb_find(RiscvCpu *cpu, uint64_t budget)
{
    uint64_t pc = cpu->pc;
    uint64_t phys_pc = riscv_fetch_paddr(cpu, pc);
    uint64_t flags = tb_flags(cpu);
    TranslationBlock **slot = &cpu->jmp_cache[(pc >> 1) % JMP_CACHE_SIZE];
    TranslationBlock *tb;

    /* Blocks may have been freed since the table was filled: start over. */
    if (unlikely(cpu->jc_gen != tb_invalidations)) {
        memset(cpu->jmp_cache, 0, sizeof(cpu->jmp_cache));
        cpu->jc_gen = tb_invalidations;
    }
    tb = *slot;
    if (!tb || tb->pc != pc || tb->phys_pc != phys_pc || tb->flags != flags) {
        tb = tb_get(cpu, pc, phys_pc, flags, TB_MAX_INSNS);
        *slot = tb;
    }
    if ((tb->native ? tb->entry_insns : tb->ninsns) > budget) {
        /* Near a deadline: a block that stops exactly there. */
        tb = tb_get(cpu, pc, phys_pc, flags | budget << TB_FLAGS_CAP_SHIFT,
                    budget);
    }
    return tb;
}
