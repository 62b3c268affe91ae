/*
 * The native backend for x86-64 hosts: IR blocks become host code that
 * runs chained, block to block, until it must return to the CPU loop.
 *
 * The constraints everything below follows, and why:
 *
 *  - Exactness first.  A block is only ever entered whole: its first
 *    instruction subtracts its instruction count from the budget and
 *    leaves at once when that goes below zero, so no block runs past the
 *    next timer deadline (the CPU loop then makes a short one-off block
 *    that stops exactly there).  That subtraction is all a block does
 *    for accounting: the retired-instruction counter and the virtual
 *    clock catch up from the budget only where something may read them
 *    (before a call that may raise, in a slow path) and when the run
 *    ends, and come out as the CPU loop's accounting after each
 *    interpreted block would have left them.  (A block that is refused
 *    for want of budget, or stopped inside, gives its count back.)
 *
 *  - Precise state.  Guest registers live in env; every st_env is written
 *    through at once, so memory is always current.  Before any call that
 *    may raise or touch a device (a helper without IR_CALL_NO_RAISE, the
 *    TLB slow path), exec.pc and exec.insn_index are stored.  After any
 *    call, the next instruction boundary tests exec.exit_request and
 *    stops there, as interp_run does (NATIVE_STOPPED); a slow path tests
 *    it itself where it can (stop_tail_end), so a TLB hit costs no test.
 *
 *  - One register allocation per block, decided before any byte is
 *    emitted.  IR temps are single-assignment and branches only go
 *    forward, so a temp's live range is the linear interval from its
 *    definition to its last use, and linear scan gives each temp one
 *    home for its whole life: a host register or a spill slot in the
 *    frame.  Nothing has to be reconciled at labels.
 *
 *  - Before that, one forward pass over the block (analyse) keeps what
 *    is known at each point: which temp holds an env field (loaded or
 *    stored), which holds a guest load's value, which already computed a
 *    pure op, and of each temp the bits known zero and the top bits
 *    known copies of the sign.  A later ld_env, load or op that knows its
 *    answer becomes a rename; a store of what env already holds goes; a
 *    sext.w of a value already sign-extended goes, and readers of a low
 *    half only read around a sext.w.  Calls forget env and loads, stores
 *    and other accesses forget loads; at a label, what every branch to it
 *    (and the code before, if it falls in) agreed on holds.  That is what
 *    makes a loop block (translate.c) pay: its passes hand values on in
 *    host registers.  Constants are folded into immediates.
 *
 *  - Fixed registers.  r14 holds env for the life of the run; rax, rcx
 *    and rdx are scratch (x86 wants them for shifts, multiplies and the
 *    TLB look-up); r15 holds exec.budget, which every block counts down
 *    (a register, not memory, so that no chain of read-modify-writes
 *    runs from block to block; it goes back to env as the run ends); the
 *    other ten are allocated.  Calls save only the caller-saved ones
 *    that are live across them, and the slow paths do
 *    so out of line, so a TLB hit costs nothing for them.
 *
 *  - One frame for a whole chained run: native_enter pushes the callee-
 *    saved registers and reserves the spill area; blocks jump to one
 *    another and back to native_exit, never call.  A guest exception
 *    leaves by siglongjmp from the helper straight to the CPU loop,
 *    which unwinds this frame with the rest.
 *
 *  - Chaining.  goto_tb ends in a jmp rel32 that first points at a stub
 *    returning to the loop; native_run patches it to the next block once
 *    both are cached and in the same guest page (a page that maps the
 *    same way for the one maps the same way for the other).  Every block
 *    keeps a list of the jumps into it, and invalidation points them back
 *    at their stubs.  exit_tb for an indirect jump asks the target's
 *    hashed look-up and jumps to the block it returns.
 *
 *  - The code buffer is one RWX mapping filled from the bottom; when a
 *    block does not fit, every block is dropped and it starts over.
 *
 * Usage, as the RISC-V target does it:
 *
 *     tb->native = native_compile(&target, ir, tb, icount_shift);
 *     ...
 *     exit = native_run(&target, env, tb, budget, chain);
 */
#include "../native.h"
#include "../tb.h"
#include "emit.h"

#include <sys/mman.h>

_Static_assert(sizeof(void *) == 8, "the x86-64 backend needs a 64-bit host");
_Static_assert(sizeof(bool) == 1, "exit_request is tested as a byte");
_Static_assert(sizeof(((IrExecState *)0)->insn_index) == 4,
               "insn_index is stored as a 32-bit immediate");

enum {
    /* Spill slots in the frame: far more than a block's peak pressure. */
    NATIVE_SLOTS = 1024,
    /*
     * The frame below the saved registers: the slots and the budget's
     * address (BUDGET_PTR_SLOT); keeps rsp 16-aligned at calls.
     */
    NATIVE_FRAME = NATIVE_SLOTS * 8 + 8,
    NATIVE_DEFAULT_BUFFER = 64 << 20,
};

/* The registers linear scan hands out: callee-saved first, they survive calls. */
static const X86Reg alloc_regs[] = {
    X86_RBX, X86_RBP, X86_R12, X86_R13,
    X86_RSI, X86_RDI, X86_R8, X86_R9, X86_R10, X86_R11,
};
#define NB_ALLOC_REGS ((int)ARRAY_SIZE(alloc_regs))
#define NB_CALLEE_SAVED 4
#define ENV_REG X86_R14
#define BUDGET_REG X86_R15
/* Where native_enter keeps the address of exec.budget: past the spill slots. */
#define BUDGET_PTR_SLOT (NATIVE_SLOTS * 8)

/* The registers native_enter saves, in push order. */
static const X86Reg saved_regs[] = {
    X86_RBX, X86_RBP, X86_R12, X86_R13, X86_R14, X86_R15,
};

typedef struct JumpRef {
    TranslationBlock *tb;
    unsigned slot;
} JumpRef;

struct NativeCode {
    uint8_t *entry;
    uint8_t *jmp_rel32[2];          /* goto_tb patch sites, or NULL */
    uint8_t *jmp_stub[2];           /* where each goes when not chained */
    TranslationBlock *jmp_dest[2];  /* chained to, or NULL */
    GArray *incoming;               /* JumpRef: the jumps chained to here */
    unsigned time_shift;            /* virtual ns per instruction, log2 */
};

/* --- the code buffer and the shared trampolines --- */

typedef int NativeEnterFn(void *env, const void *code, uint64_t *budget);

static uint8_t *buf_start;
static size_t buf_size = NATIVE_DEFAULT_BUFFER;
static uint8_t *buf_blocks;         /* after the trampolines */
static uint8_t *buf_next;
static NativeEnterFn *native_enter;
static uint8_t *native_exit;
static uint8_t *lookup_tramp;
static const NativeTarget *lookup_target;
static int native_state;            /* 0 unknown, 1 usable, -1 not */

static void emit_exit_code(X86Buf *b, NativeExit code)
{
    x86_mov_r32_imm(b, X86_RAX, (uint32_t)code);
    x86_jmp_rel32(b, native_exit);
}

static void buffer_init(void)
{
    X86Buf b;

    buf_start = mmap(NULL, buf_size, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (buf_start == MAP_FAILED) {
        buf_start = NULL;
        native_state = -1;
        return;
    }
    x86_buf_init(&b, buf_start, buf_size);

    /* int native_enter(void *env, const void *code, uint64_t *budget) */
    native_enter = (NativeEnterFn *)(uintptr_t)b.p;
    for (size_t i = 0; i < ARRAY_SIZE(saved_regs); i++) {
        x86_push(&b, saved_regs[i]);
    }
    x86_alu_ri(&b, X86_SUB, 8, X86_RSP, NATIVE_FRAME);
    x86_mov_rr(&b, 8, ENV_REG, X86_RDI);
    x86_mov_rm(&b, 8, BUDGET_REG, x86_mem(X86_RDX, 0));
    x86_mov_mr(&b, 8, x86_mem(X86_RSP, BUDGET_PTR_SLOT), X86_RDX);
    x86_jmp_r(&b, X86_RSI);

    /* Every way out: the exit code is in eax; the budget goes back. */
    native_exit = b.p;
    x86_mov_rm(&b, 8, X86_RCX, x86_mem(X86_RSP, BUDGET_PTR_SLOT));
    x86_mov_mr(&b, 8, x86_mem(X86_RCX, 0), BUDGET_REG);
    x86_alu_ri(&b, X86_ADD, 8, X86_RSP, NATIVE_FRAME);
    for (size_t i = ARRAY_SIZE(saved_regs); i-- > 0;) {
        x86_pop(&b, saved_regs[i]);
    }
    x86_ret(&b);

    buf_blocks = b.p;
    buf_next = buf_blocks;
    lookup_tramp = NULL;
    native_state = 1;
}

/*
 * The indirect-jump trampoline: ask the target for the next block's code
 * and go there, or back to the loop.  Made once, for the first target.
 */
static void lookup_tramp_init(const NativeTarget *t)
{
    X86Buf b;
    size_t miss;

    g_assert(!lookup_target || lookup_target == t);
    /* gen_guest_mem indexes the TLB with a shift and a mask. */
    g_assert((t->tlb_entry_size & (t->tlb_entry_size - 1)) == 0 &&
             t->tlb_entry_size <= (1u << t->page_bits));
    lookup_target = t;
    x86_buf_init(&b, buf_blocks, (size_t)(buf_start + buf_size - buf_blocks));
    lookup_tramp = b.p;
    x86_mov_rr(&b, 8, X86_RDI, ENV_REG);
    x86_movabs(&b, X86_RAX, (uint64_t)(uintptr_t)t->lookup);
    x86_call_r(&b, X86_RAX);
    x86_test_rr(&b, 8, X86_RAX, X86_RAX);
    miss = x86_jcc_rel32(&b, X86_CC_E, b.p);
    x86_jmp_r(&b, X86_RAX);
    x86_patch_rel32(b.start + miss, b.p);
    emit_exit_code(&b, NATIVE_EXIT_LOOKUP);
    buf_blocks = b.p;
    buf_next = buf_blocks;
}

bool native_available(void)
{
    if (native_state == 0) {
        __builtin_cpu_init();
        /* popcnt (every x86-64 since 2008) carries IR_ctpop. */
        if (!__builtin_cpu_supports("popcnt")) {
            native_state = -1;
        } else {
            buffer_init();
        }
    }
    return native_state > 0;
}

void native_set_buffer_size(size_t size)
{
    if (buf_start) {
        tb_flush_all();
        munmap(buf_start, buf_size);
        buf_start = NULL;
    }
    buf_size = size;
    native_state = 0;
    lookup_target = NULL;
}

/* --- analysis: forwarding, folding, liveness --- */

enum { LOC_NONE = -2, LOC_SLOT = -1 };

typedef struct TempInfo {
    int32_t def;                /* op index of its definition */
    int32_t last;               /* op index of its last use, -1 if unused */
    bool is_const;
    uint8_t sign_bits;          /* top bits known equal to bit 63 (1..64) */
    uint64_t maybe_set;         /* bits not known to be zero */
    uint64_t value;
    int8_t reg;                 /* an X86Reg, or LOC_SLOT / LOC_NONE */
    int16_t slot;
} TempInfo;

/*
 * What the code knows at a point: an env field's value (its offset and
 * size), or the value a guest load read (LOAD_KEY's address temp and
 * access), held in temp T.
 */
typedef struct EnvCache {
    uint64_t off;
    unsigned size;
    IrTemp t;
    bool load;
} EnvCache;

static unsigned load_key(MemOp mo, unsigned mmu_idx)
{
    return (unsigned)mo | mmu_idx << 8;
}

/*
 * A pure op already computed: its opcode, inputs (a constant input by
 * value, marked in const_mask) and constants, with the temp that holds
 * its result and where that was defined.
 */
typedef struct ExprKey {
    uint32_t opc;
    uint32_t const_mask;
    uint64_t args[IR_MAX_ARGS];
} ExprKey;

typedef struct ExprValue {
    IrTemp t;
    int32_t def;
} ExprValue;

typedef struct Analysis {
    const IrFunc *f;
    IrOp *ops;                  /* the IR with temps renamed */
    bool *live;                 /* per op: emit it */
    TempInfo *t;
} Analysis;

static bool op_is_pure(IrOpcode opc)
{
    switch (opc) {
    case IR_st_env:
    case IR_set_label:
    case IR_br:
    case IR_brcond:
    case IR_guest_ld:
    case IR_guest_st:
    case IR_call:
    case IR_insn_start:
    case IR_goto_tb:
    case IR_exit_tb:
        return false;
    default:
        return true;
    }
}

static uint64_t rotl64(uint64_t a, unsigned n)
{
    n &= 63;
    return n ? (a << n) | (a >> (64 - n)) : a;
}

/* Evaluate a pure op on constants, exactly as interp_run does; false: not folded. */
static bool fold(const IrOp *op, const uint64_t *in, uint64_t *out)
{
    const uint64_t *c = &op->args[ir_op_defs[op->opc].nb_out +
                                  ir_op_defs[op->opc].nb_in];
    uint64_t a = in[0], b = in[1];

    switch ((IrOpcode)op->opc) {
    case IR_add: *out = a + b; return true;
    case IR_sub: *out = a - b; return true;
    case IR_and: *out = a & b; return true;
    case IR_or: *out = a | b; return true;
    case IR_xor: *out = a ^ b; return true;
    case IR_shl: *out = a << (b & 63); return true;
    case IR_shr: *out = a >> (b & 63); return true;
    case IR_sar: *out = (uint64_t)((int64_t)a >> (b & 63)); return true;
    case IR_rotl: *out = rotl64(a, (unsigned)b); return true;
    case IR_rotr: *out = rotl64(a, 64 - (unsigned)(b & 63)); return true;
    case IR_mul: *out = a * b; return true;
    case IR_neg: *out = -a; return true;
    case IR_not: *out = ~a; return true;
    case IR_add_i32: *out = (uint32_t)(a + b); return true;
    case IR_sub_i32: *out = (uint32_t)(a - b); return true;
    case IR_shl_i32: *out = (uint32_t)((uint32_t)a << (b & 31)); return true;
    case IR_shr_i32: *out = (uint32_t)a >> (b & 31); return true;
    case IR_sar_i32: *out = (uint32_t)((int32_t)a >> (b & 31)); return true;
    case IR_mul_i32: *out = (uint32_t)((uint32_t)a * (uint32_t)b); return true;
    case IR_ext8s: *out = (uint64_t)(int64_t)(int8_t)a; return true;
    case IR_ext8u: *out = (uint8_t)a; return true;
    case IR_ext16s: *out = (uint64_t)(int64_t)(int16_t)a; return true;
    case IR_ext16u: *out = (uint16_t)a; return true;
    case IR_ext32s: *out = (uint64_t)(int64_t)(int32_t)a; return true;
    case IR_ext32u: *out = (uint32_t)a; return true;
    case IR_setcond: *out = ir_cond_eval((IrCond)c[0], a, b); return true;
    case IR_movcond:
        *out = ir_cond_eval((IrCond)c[0], a, b) ? in[2] : in[3];
        return true;
    default:
        return false;
    }
}

static IrTemp resolve(const IrTemp *rename, IrTemp t)
{
    return t == IR_NO_TEMP ? t : rename[t];
}

/* Keep only the entries of CACHE that OTHER holds too (the same field in the same temp). */
static void cache_intersect(GArray *cache, const GArray *other)
{
    for (guint i = 0; i < cache->len;) {
        const EnvCache *e = &g_array_index(cache, EnvCache, i);
        bool found = false;

        for (guint k = 0; k < other->len && !found; k++) {
            const EnvCache *o = &g_array_index(other, EnvCache, k);

            found = o->off == e->off && o->size == e->size && o->t == e->t &&
                    o->load == e->load;
        }
        if (found) {
            i++;
        } else {
            g_array_remove_index_fast(cache, i);
        }
    }
}

static void cache_drop_loads(GArray *cache)
{
    for (guint i = 0; i < cache->len;) {
        if (g_array_index(cache, EnvCache, i).load) {
            g_array_remove_index_fast(cache, i);
        } else {
            i++;
        }
    }
}

static IrTemp cache_find(const GArray *cache, bool load, uint64_t off, unsigned size)
{
    for (guint k = 0; k < cache->len; k++) {
        const EnvCache *e = &g_array_index(cache, EnvCache, k);

        if (e->load == load && e->off == off && e->size == size) {
            return e->t;
        }
    }
    return IR_NO_TEMP;
}

static guint expr_hash(gconstpointer p)
{
    const ExprKey *k = p;
    uint64_t h = k->opc | (uint64_t)k->const_mask << 32;

    for (size_t i = 0; i < IR_MAX_ARGS; i++) {
        h = (h ^ k->args[i]) * 0x9e3779b97f4a7c15ull;
    }
    return (guint)(h >> 32);
}

static gboolean expr_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(ExprKey)) == 0;
}

static gboolean expr_defined_after(gpointer key, gpointer value, gpointer floor)
{
    return ((ExprValue *)value)->def > GPOINTER_TO_INT(floor);
}

/* The _i32 ops: they read their inputs' low halves and zero-extend their result. */
static bool op_is_i32(unsigned opc)
{
    switch ((IrOpcode)opc) {
    case IR_add_i32:
    case IR_sub_i32:
    case IR_shl_i32:
    case IR_shr_i32:
    case IR_sar_i32:
    case IR_rotl_i32:
    case IR_rotr_i32:
    case IR_mul_i32:
    case IR_div_i32:
    case IR_divu_i32:
    case IR_rem_i32:
    case IR_remu_i32:
    case IR_clz_i32:
    case IR_ctz_i32:
    case IR_ctpop_i32:
        return true;
    default:
        return false;
    }
}

/*
 * Known bits, as QEMU's optimiser and LLVM keep them: of each temp, the
 * bits that may be set (the others are known zero) and how many of its
 * top bits are known copies of bit 63.  RV64 code sign-extends after
 * every 32-bit operation; a sext.w of a value whose top 33 bits are
 * already copies is no op at all, and dropping it shortens the chain of
 * dependent host instructions a loop runs through.
 */
static unsigned clz64(uint64_t v)
{
    return v ? (unsigned)__builtin_clzll(v) : 64;
}

static unsigned const_sign_bits(uint64_t v)
{
    return clz64((int64_t)v < 0 ? ~v : v);
}

static uint64_t maybe_set(const Analysis *an, IrTemp t)
{
    return an->t[t].is_const ? an->t[t].value : an->t[t].maybe_set;
}

static unsigned sign_bits(const Analysis *an, IrTemp t)
{
    return an->t[t].is_const ? const_sign_bits(an->t[t].value)
                             : MAX(an->t[t].sign_bits, clz64(an->t[t].maybe_set));
}

static unsigned min_u(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

/* One sign bit fewer (a carry may take one), but every value has one. */
static unsigned less_one(unsigned sign_bits)
{
    return sign_bits > 1 ? sign_bits - 1 : 1;
}

/* The known bits of OP's result into TI (which starts as "nothing known"). */
static void known_bits(const Analysis *an, const IrOp *op, TempInfo *ti)
{
    const uint64_t *a = op->args;
    IrTemp x = (IrTemp)a[1], y = (IrTemp)a[2];
    bool y_const = ir_op_defs[op->opc].nb_in > 1 && y != IR_NO_TEMP &&
                   an->t[y].is_const;
    unsigned c = y_const ? (unsigned)(an->t[y].value & 63) : 0;

    switch ((IrOpcode)op->opc) {
    case IR_ext8s: ti->sign_bits = 57; break;
    case IR_ext16s: ti->sign_bits = 49; break;
    case IR_ext32s: ti->sign_bits = MAX(33u, sign_bits(an, x)); break;
    case IR_ext8u: ti->maybe_set = maybe_set(an, x) & 0xff; break;
    case IR_ext16u: ti->maybe_set = maybe_set(an, x) & 0xffff; break;
    case IR_ext32u: ti->maybe_set = maybe_set(an, x) & 0xffffffff; break;
    case IR_setcond: ti->maybe_set = 1; break;
    case IR_clz:
    case IR_ctz:
    case IR_ctpop: ti->maybe_set = 127; break;
    case IR_and:
        ti->maybe_set = maybe_set(an, x) & maybe_set(an, y);
        ti->sign_bits = min_u(sign_bits(an, x), sign_bits(an, y));
        break;
    case IR_or:
    case IR_xor:
        ti->maybe_set = maybe_set(an, x) | maybe_set(an, y);
        ti->sign_bits = min_u(sign_bits(an, x), sign_bits(an, y));
        break;
    case IR_not:
        ti->sign_bits = sign_bits(an, x);
        break;
    case IR_neg:
        /* 0 or 1 negated is 0 or -1: all sign. */
        ti->sign_bits = maybe_set(an, x) <= 1 ? 64 : less_one(sign_bits(an, x));
        break;
    case IR_add:
    case IR_sub:
        ti->sign_bits = less_one(min_u(sign_bits(an, x), sign_bits(an, y)));
        break;
    case IR_shl:
        if (y_const) {
            ti->maybe_set = maybe_set(an, x) << c;
            ti->sign_bits = sign_bits(an, x) > c ? sign_bits(an, x) - c : 1;
        }
        break;
    case IR_shr:
        if (y_const) {
            ti->maybe_set = maybe_set(an, x) >> c;
        }
        break;
    case IR_sar:
        ti->sign_bits = min_u(64, sign_bits(an, x) + c);
        break;
    case IR_movcond:
        ti->maybe_set = maybe_set(an, (IrTemp)a[3]) | maybe_set(an, (IrTemp)a[4]);
        ti->sign_bits = min_u(sign_bits(an, (IrTemp)a[3]), sign_bits(an, (IrTemp)a[4]));
        break;
    case IR_guest_ld: {
        MemOp mo = (MemOp)a[2];
        unsigned bits = 8 * memop_size(mo);

        if (bits < 64) {
            if (mo & MO_SIGN) {
                ti->sign_bits = 65 - bits;
            } else {
                ti->maybe_set = (1ull << bits) - 1;
            }
        }
        break;
    }
    case IR_shr_i32:
        ti->maybe_set = y_const ? (maybe_set(an, x) & 0xffffffff) >> (c & 31)
                                : 0xffffffff;
        break;
    default:
        if (op_is_i32(op->opc)) {
            ti->maybe_set = 0xffffffff;
        }
        break;
    }
}

/* Whether OP reads only the low 32 bits of its input K. */
static bool reads_low32(const Analysis *an, const IrOp *op, unsigned k)
{
    const uint64_t *a = op->args;

    if (op_is_i32(op->opc)) {
        return true;
    }
    switch ((IrOpcode)op->opc) {
    case IR_ext8s:
    case IR_ext8u:
    case IR_ext16s:
    case IR_ext16u:
    case IR_ext32s:
    case IR_ext32u:
        return true;
    case IR_and: {
        IrTemp other = (IrTemp)a[1 + (1 - k)];

        return an->t[other].is_const && an->t[other].value <= UINT32_MAX;
    }
    case IR_st_env:
        return a[2] == 4;
    case IR_guest_st:
        return k == 0 && memop_size((MemOp)a[2]) <= 4;
    default:
        return false;
    }
}

/*
 * The value T sign-extended, if T is a sext.w's result: for a reader of
 * the low half only, the sext is not on its path (the sext stays for
 * readers of all 64 bits, such as the register's store to env).
 */
static IrTemp before_sext32(const Analysis *an, IrTemp t)
{
    int32_t d = an->t[t].def;

    if (!an->t[t].is_const && d >= 0 && an->live[d] && an->ops[d].opc == IR_ext32s) {
        return (IrTemp)an->ops[d].args[1];
    }
    return t;
}

/*
 * Value numbering: the temp that already holds pure op OP's result, or
 * IR_NO_TEMP after recording OP (at I) as the one that does.
 */
static IrTemp expr_lookup(GHashTable *exprs, const Analysis *an, const IrOp *op,
                          size_t i)
{
    const IrOpDef *def = &ir_op_defs[op->opc];
    ExprKey key;
    ExprValue *v;

    memset(&key, 0, sizeof(key));
    key.opc = op->opc;
    for (unsigned k = 0; k < (unsigned)def->nb_in + def->nb_const; k++) {
        uint64_t a = op->args[def->nb_out + k];

        if (k < def->nb_in && a != IR_NO_TEMP && an->t[a].is_const) {
            key.const_mask |= 1u << k;
            a = an->t[a].value;
        }
        key.args[def->nb_out + k] = a;
    }
    v = g_hash_table_lookup(exprs, &key);
    if (v) {
        return v->t;
    }
    v = g_new(ExprValue, 1);
    v->t = (IrTemp)op->args[0];
    v->def = (int32_t)i;
    g_hash_table_insert(exprs, g_memdup2(&key, sizeof(key)), v);
    return IR_NO_TEMP;
}

/* What is known of env at a branch to a label: all branches to it agree on it. */
static void cache_meet(GArray **at_label, const GArray *cache)
{
    if (!*at_label) {
        *at_label = g_array_copy((GArray *)cache);
    } else {
        cache_intersect(*at_label, cache);
    }
}

static void cache_drop(GArray *cache, uint64_t off, unsigned size)
{
    for (guint i = 0; i < cache->len;) {
        EnvCache *e = &g_array_index(cache, EnvCache, i);

        if (!e->load && e->off < off + size && off < e->off + e->size) {
            g_array_remove_index_fast(cache, i);
        } else {
            i++;
        }
    }
}

/*
 * Forward pass: rename temps through mov and forwarded ld_env, fold
 * constants.  Backward pass: which ops matter (dead values, env stores
 * overwritten before anything could see them), and each temp's last use.
 * Exceptions and stops happen only in calls and guest memory accesses,
 * so between two of those env need not be current.
 */
static void analyse(Analysis *an, const IrFunc *f)
{
    IrTemp *rename = g_new(IrTemp, f->nb_temps ? f->nb_temps : 1);
    g_autoptr(GArray) cache = g_array_new(false, false, sizeof(EnvCache));
    g_autofree bool *placed = g_new0(bool, f->nb_labels ? f->nb_labels : 1);
    g_autoptr(GArray) overwritten = g_array_new(false, false, sizeof(EnvCache));
    g_autofree bool *stop_check = g_new0(bool, f->nb_ops ? f->nb_ops : 1);
    GArray **at_label = g_new0(GArray *, f->nb_labels ? f->nb_labels : 1);
    g_autofree int32_t *branch_from = g_new(int32_t, f->nb_labels ? f->nb_labels : 1);
    GHashTable *exprs = g_hash_table_new_full(expr_hash, expr_equal, g_free, g_free);
    bool called = false;
    bool falls_through = true;

    an->f = f;
    an->ops = g_memdup2(f->ops, f->nb_ops * sizeof(IrOp));
    an->live = g_new0(bool, f->nb_ops ? f->nb_ops : 1);
    an->t = g_new0(TempInfo, f->nb_temps ? f->nb_temps : 1);
    for (uint32_t l = 0; l < f->nb_labels; l++) {
        branch_from[l] = -1;
    }
    for (uint32_t i = 0; i < f->nb_temps; i++) {
        rename[i] = i;
        an->t[i].last = -1;
        an->t[i].def = -1;
        an->t[i].reg = LOC_NONE;
        an->t[i].sign_bits = 1;
        an->t[i].maybe_set = UINT64_MAX;
    }
    for (size_t i = 0; i < f->nb_ops; i++) {
        IrOp *op = &an->ops[i];
        const IrOpDef *def = &ir_op_defs[op->opc];
        uint64_t in[4] = { 0 };
        bool all_const = def->nb_in > 0;

        an->live[i] = true;
        /* The code tests exit_request at a boundary after a call (gen_op). */
        if (op->opc == IR_call || op->opc == IR_guest_ld || op->opc == IR_guest_st) {
            called = true;
        } else if (op->opc == IR_insn_start) {
            stop_check[i] = called;
            called = false;
        }
        for (unsigned k = 0; k < def->nb_in; k++) {
            IrTemp s = resolve(rename, (IrTemp)op->args[def->nb_out + k]);

            op->args[def->nb_out + k] = s;
            if (s == IR_NO_TEMP || !an->t[s].is_const) {
                all_const = false;
            } else {
                in[k] = an->t[s].value;
            }
        }
        for (unsigned k = 0; k < def->nb_in; k++) {
            uint64_t *arg = &op->args[def->nb_out + k];

            if (*arg != IR_NO_TEMP && reads_low32(an, op, k)) {
                *arg = before_sext32(an, (IrTemp)*arg);
            }
        }
        if (def->nb_out && op->args[0] != IR_NO_TEMP) {
            an->t[op->args[0]].def = (int32_t)i;
        }
        switch ((IrOpcode)op->opc) {
        case IR_movi:
            an->t[op->args[0]].is_const = true;
            an->t[op->args[0]].value = op->args[1];
            an->live[i] = false;
            continue;
        case IR_mov:
            rename[op->args[0]] = (IrTemp)op->args[1];
            an->live[i] = false;
            continue;
        case IR_ld_env: {
            IrTemp known = cache_find(cache, false, op->args[1], (unsigned)op->args[2]);

            if (known != IR_NO_TEMP) {
                rename[op->args[0]] = known;
                an->live[i] = false;
            } else {
                EnvCache e = { op->args[1], (unsigned)op->args[2],
                               (IrTemp)op->args[0] };

                g_array_append_val(cache, e);
            }
            continue;
        }
        case IR_guest_ld: {
            /*
             * A load of the address an earlier one read, with no store,
             * call or other access since (whose slow path might reach a
             * device that changes memory), reads what that one read,
             * provided that one read RAM.  It did if the code got here:
             * an access that reaches a device sets exit_request, and the
             * block stops at the boundary after it (tcg/native.h).
             */
            unsigned key = load_key((MemOp)op->args[2], (unsigned)op->args[3]);
            IrTemp known = cache_find(cache, true, op->args[1], key);

            if (known != IR_NO_TEMP) {
                rename[op->args[0]] = known;
                an->live[i] = false;
                continue;
            }
            cache_drop_loads(cache);
            if (op->args[0] != IR_NO_TEMP) {
                EnvCache e = { op->args[1], key, (IrTemp)op->args[0], true };

                known_bits(an, op, &an->t[op->args[0]]);
                g_array_append_val(cache, e);
            }
            continue;
        }
        case IR_guest_st:
            cache_drop_loads(cache);
            continue;
        case IR_st_env:
            /* Storing what the field is known to hold already changes nothing. */
            if (cache_find(cache, false, op->args[1], (unsigned)op->args[2]) ==
                op->args[0]) {
                an->live[i] = false;
                continue;
            }
            cache_drop(cache, op->args[1], (unsigned)op->args[2]);
            /* A 4-byte load of a 4-byte store is its zero-extension: not forwarded. */
            if (op->args[2] == 8) {
                EnvCache e = { op->args[1], 8, (IrTemp)op->args[0] };

                g_array_append_val(cache, e);
            }
            continue;
        case IR_set_label: {
            /*
             * Branches go forward only, so every way here is known: what
             * they all agree on, and the code before if it falls through.
             * (A loop pass's taken branch, after which the not-taken side
             * has left, keeps all it knew: translate.c relies on that.)
             */
            GArray *known = at_label[op->args[0]];

            placed[op->args[0]] = true;
            /* Values computed after the first branch here were skipped by it. */
            if (branch_from[op->args[0]] >= 0) {
                g_hash_table_foreach_remove(exprs, expr_defined_after,
                                            GINT_TO_POINTER(branch_from[op->args[0]]));
            }
            if (!falls_through) {
                g_array_set_size(cache, 0);
                if (known) {
                    g_array_append_vals(cache, known->data, known->len);
                }
            } else if (known) {
                cache_intersect(cache, known);
            }
            falls_through = true;
            continue;
        }
        case IR_call:
            g_array_set_size(cache, 0);
            continue;
        case IR_br:
            /* Branches go forward only: the live ranges rely on it. */
            g_assert(!placed[op->args[0]]);
            cache_meet(&at_label[op->args[0]], cache);
            if (branch_from[op->args[0]] < 0) {
                branch_from[op->args[0]] = (int32_t)i;
            }
            falls_through = false;
            continue;
        case IR_brcond:
            g_assert(!placed[op->args[3]]);
            cache_meet(&at_label[op->args[3]], cache);
            if (branch_from[op->args[3]] < 0) {
                branch_from[op->args[3]] = (int32_t)i;
            }
            continue;
        case IR_goto_tb:
        case IR_exit_tb:
            falls_through = false;
            continue;
        default:
            break;
        }
        if (op->opc == IR_ext32s && !all_const && sign_bits(an, (IrTemp)op->args[1]) >= 33) {
            rename[op->args[0]] = (IrTemp)op->args[1];
            an->live[i] = false;
            continue;
        }
        if (op->opc == IR_ext32s && !all_const && an->t[op->args[1]].def >= 0) {
            /* sext.w and the like: the low half of x + 0 is that of x. */
            const IrOp *src = &an->ops[an->t[op->args[1]].def];
            IrTemp x = (IrTemp)src->args[1];

            if ((src->opc == IR_add_i32 && an->t[src->args[2]].is_const &&
                 (uint32_t)an->t[src->args[2]].value == 0) ||
                src->opc == IR_ext32s || src->opc == IR_ext32u) {
                op->args[1] = x;
            } else if ((src->opc == IR_add_i32 || src->opc == IR_sub_i32) &&
                       sign_bits(an, x) >= 34 &&
                       sign_bits(an, (IrTemp)src->args[2]) >= 34) {
                /*
                 * addw/subw of values within +-2^30 cannot wrap: the
                 * 64-bit sum is already the sign-extended one (negw of a
                 * bit, an index stepping down), with no sext after it.
                 */
                op->opc = src->opc == IR_add_i32 ? IR_add : IR_sub;
                op->args[1] = x;
                op->args[2] = src->args[2];
                def = &ir_op_defs[op->opc];
                all_const = false;
            }
        }
        if (all_const && op_is_pure(op->opc) && def->nb_out == 1) {
            uint64_t v;

            if (fold(op, in, &v)) {
                an->t[op->args[0]].is_const = true;
                an->t[op->args[0]].value = v;
                an->live[i] = false;
            }
        }
        if (an->live[i] && op_is_pure(op->opc) && def->nb_out == 1) {
            IrTemp same = expr_lookup(exprs, an, op, i);

            if (same != IR_NO_TEMP) {
                rename[op->args[0]] = same;
                an->live[i] = false;
                continue;
            }
        }
        if (an->live[i] && def->nb_out == 1 && op->args[0] != IR_NO_TEMP) {
            known_bits(an, op, &an->t[op->args[0]]);
        }
    }
    for (size_t i = f->nb_ops; i-- > 0;) {
        IrOp *op = &an->ops[i];
        const IrOpDef *def = &ir_op_defs[op->opc];

        if (!an->live[i]) {
            continue;
        }
        switch ((IrOpcode)op->opc) {
        case IR_st_env:
            /*
             * A store that a later one overwrites, with nothing between
             * that could read env or leave the block, is dead.
             */
            for (guint k = 0; k < overwritten->len; k++) {
                EnvCache *e = &g_array_index(overwritten, EnvCache, k);

                if (e->off == op->args[1] && e->size == op->args[2]) {
                    an->live[i] = false;
                    break;
                }
            }
            if (!an->live[i]) {
                continue;
            }
            {
                EnvCache e = { op->args[1], (unsigned)op->args[2], 0 };

                g_array_append_val(overwritten, e);
            }
            break;
        case IR_ld_env:
            cache_drop(overwritten, op->args[1], (unsigned)op->args[2]);
            break;
        case IR_insn_start:
            /* A boundary after a call may stop the block: env must be current. */
            if (!stop_check[i]) {
                break;
            }
            /* fall through */
        case IR_call:
        case IR_guest_ld:
        case IR_guest_st:
        case IR_set_label:
        case IR_br:
        case IR_brcond:
        case IR_goto_tb:
        case IR_exit_tb:
            g_array_set_size(overwritten, 0);
            break;
        default:
            break;
        }
        if (op_is_pure(op->opc)) {
            bool used = false;

            for (unsigned k = 0; k < def->nb_out; k++) {
                used |= an->t[op->args[k]].last >= 0;
            }
            if (!used) {
                an->live[i] = false;
                continue;
            }
        }
        for (unsigned k = 0; k < def->nb_in; k++) {
            IrTemp s = (IrTemp)op->args[def->nb_out + k];

            if (s != IR_NO_TEMP && !an->t[s].is_const && an->t[s].last < 0) {
                an->t[s].last = (int32_t)i;
            }
        }
    }
    for (uint32_t l = 0; l < f->nb_labels; l++) {
        if (at_label[l]) {
            g_array_free(at_label[l], true);
        }
    }
    g_free(at_label);
    g_hash_table_destroy(exprs);
    g_free(rename);
}

/*
 * Whether the low 32 bits of OP's result depend on the low 32 bits of its
 * input K only (so a reader of the result's low half reads only the
 * input's).
 */
static bool low32_from_low32(const IrOp *op, unsigned k)
{
    switch ((IrOpcode)op->opc) {
    case IR_add:
    case IR_sub:
    case IR_mul:
    case IR_and:
    case IR_or:
    case IR_xor:
    case IR_not:
    case IR_neg:
    case IR_shl:
        return true;
    case IR_movcond:
        return k >= 2;          /* the values, not the compared pair */
    default:
        return false;
    }
}

/*
 * The sext.w that only readers of the low half read past is not needed
 * at all: those readers take its input instead.  A reader of the low half
 * is one of reads_low32's, or an op whose result's low half comes from
 * its inputs' low halves (add, xor, ...) and whose own readers all read
 * the low half only.  RV64 code sign-extends every 32-bit result; a chain
 * of 32-bit steps then runs without a movslq between each two.  Runs on
 * the analysed block (liveness known), backward for the readers, then
 * renames forward.
 */
static void drop_low_only_sext32(Analysis *an)
{
    const IrFunc *f = an->f;
    g_autofree bool *full = g_new0(bool, f->nb_temps ? f->nb_temps : 1);
    g_autofree IrTemp *to = g_new(IrTemp, f->nb_temps ? f->nb_temps : 1);

    for (size_t i = f->nb_ops; i-- > 0;) {
        const IrOp *op = &an->ops[i];
        const IrOpDef *def = &ir_op_defs[op->opc];
        bool out_low = def->nb_out == 1 && op->args[0] != IR_NO_TEMP &&
                       !full[op->args[0]];

        if (!an->live[i]) {
            continue;
        }
        for (unsigned k = 0; k < def->nb_in; k++) {
            IrTemp s = (IrTemp)op->args[def->nb_out + k];

            if (s == IR_NO_TEMP || an->t[s].is_const || reads_low32(an, op, k) ||
                (out_low && low32_from_low32(op, k)) ||
                (op->opc == IR_shl && k == 0 && an->t[op->args[2]].is_const &&
                 (an->t[op->args[2]].value & 63) >= 32)) {
                continue;
            }
            full[s] = true;
        }
    }
    for (uint32_t t = 0; t < f->nb_temps; t++) {
        to[t] = t;
    }
    for (size_t i = 0; i < f->nb_ops; i++) {
        IrOp *op = &an->ops[i];
        const IrOpDef *def = &ir_op_defs[op->opc];

        if (!an->live[i]) {
            continue;
        }
        for (unsigned k = 0; k < def->nb_in; k++) {
            uint64_t *arg = &op->args[def->nb_out + k];

            if (*arg != IR_NO_TEMP) {
                *arg = to[*arg];
            }
        }
        if (op->opc == IR_ext32s && !full[op->args[0]]) {
            IrTemp d = (IrTemp)op->args[0], x = (IrTemp)op->args[1];

            to[d] = x;
            an->t[x].last = MAX(an->t[x].last, an->t[d].last);
            an->t[d].last = -1;
            an->live[i] = false;
        }
    }
}

/* --- register allocation: linear scan over whole live ranges --- */

static bool allocate(Analysis *an)
{
    const IrFunc *f = an->f;
    IrTemp owner[16];
    GArray *spilled = g_array_new(false, false, sizeof(IrTemp));
    uint32_t free_slots_bits[NATIVE_SLOTS / 32];
    uint32_t *calls_before = g_new0(uint32_t, f->nb_ops + 1);
    bool ok = true;

    memset(free_slots_bits, 0xff, sizeof(free_slots_bits));
    for (int r = 0; r < 16; r++) {
        owner[r] = IR_NO_TEMP;
    }
    for (size_t i = 0; i < f->nb_ops; i++) {
        calls_before[i + 1] = calls_before[i] +
                              (an->live[i] && an->ops[i].opc == IR_call);
    }
    for (size_t i = 0; i < f->nb_ops && ok; i++) {
        IrOp *op = &an->ops[i];
        IrTemp d;
        TempInfo *ti;
        bool crosses;
        int pick = -1;

        if (!an->live[i] || ir_op_defs[op->opc].nb_out == 0) {
            continue;
        }
        /* Homes of temps whose last use is here are free for the result. */
        for (int k = 0; k < NB_ALLOC_REGS; k++) {
            IrTemp o = owner[alloc_regs[k]];

            if (o != IR_NO_TEMP && an->t[o].last <= (int32_t)i) {
                owner[alloc_regs[k]] = IR_NO_TEMP;
            }
        }
        for (guint k = 0; k < spilled->len;) {
            IrTemp s = g_array_index(spilled, IrTemp, k);

            if (an->t[s].last <= (int32_t)i) {
                free_slots_bits[an->t[s].slot / 32] |= 1u << (an->t[s].slot % 32);
                g_array_remove_index_fast(spilled, k);
            } else {
                k++;
            }
        }
        d = (IrTemp)op->args[0];
        if (d == IR_NO_TEMP || an->t[d].last < 0 || an->t[d].is_const) {
            continue;
        }
        ti = &an->t[d];
        crosses = calls_before[ti->last] > calls_before[i + 1];
        /* Prefer callee-saved homes across calls, caller-saved otherwise. */
        for (int pass = 0; pass < 2 && pick < 0; pass++) {
            for (int k = 0; k < NB_ALLOC_REGS; k++) {
                bool callee = k < NB_CALLEE_SAVED;

                if (owner[alloc_regs[k]] == IR_NO_TEMP &&
                    (pass == 1 || callee == crosses)) {
                    pick = alloc_regs[k];
                    break;
                }
            }
        }
        if (pick < 0) {
            /*
             * Spill whichever lives longest, this temp or one in a register
             * (its home becomes a slot for all its life: nothing of it has
             * been emitted yet).
             */
            int victim = -1, slot = -1;
            int32_t far = ti->last;
            IrTemp to_slot;

            for (int k = 0; k < NB_ALLOC_REGS; k++) {
                IrTemp o = owner[alloc_regs[k]];

                if (o != IR_NO_TEMP && an->t[o].last > far) {
                    far = an->t[o].last;
                    victim = alloc_regs[k];
                }
            }
            to_slot = victim >= 0 ? owner[victim] : d;
            for (int w = 0; w < NATIVE_SLOTS / 32 && slot < 0; w++) {
                if (free_slots_bits[w]) {
                    slot = w * 32 + __builtin_ctz(free_slots_bits[w]);
                }
            }
            if (slot < 0) {
                ok = false;
                break;
            }
            free_slots_bits[slot / 32] &= ~(1u << (slot % 32));
            an->t[to_slot].slot = (int16_t)slot;
            an->t[to_slot].reg = LOC_SLOT;
            g_array_append_val(spilled, to_slot);
            if (victim < 0) {
                continue;
            }
            pick = victim;
        }
        an->t[d].reg = (int8_t)pick;
        owner[pick] = d;
    }
    g_array_free(spilled, true);
    g_free(calls_before);
    return ok;
}

/* --- code generation --- */

typedef struct Fixup {
    size_t at;                  /* rel32 offset in the buffer */
    uint32_t label;
} Fixup;

typedef enum ColdKind {
    COLD_LOAD,                  /* TLB miss of guest_ld */
    COLD_STORE,                 /* TLB miss of guest_st */
    COLD_STOP,                  /* exit_request at an instruction boundary */
    COLD_NO_BUDGET,             /* the block may not start */
    COLD_EXIT,                  /* return an exit code */
    COLD_GUESS,                 /* the addend guess of a TLB hit was wrong */
} ColdKind;

typedef struct Cold {
    ColdKind kind;
    size_t from;                /* rel32 (jcc) that leads here */
    size_t back;                /* where a slow path returns */
    size_t op;                  /* the op */
    size_t tail_end;            /* slow paths: see stop_tail_end, or 0 */
    uint64_t pc;                /* the instruction's pc and index */
    uint32_t index;
    uint16_t saved;             /* caller-saved registers live across */
    NativeExit code;            /* COLD_EXIT */
    uint32_t charged;           /* Gen.charged where it branches off */
} Cold;

typedef struct Gen {
    const NativeTarget *t;
    Analysis *an;
    TranslationBlock *tb;
    NativeCode *nc;
    X86Buf b;
    int depth;                  /* bytes pushed below the frame */
    IrTemp reg_owner[16];
    GArray *fixups;             /* Fixup */
    GArray *colds;              /* Cold */
    size_t *label_at;
    uint64_t pc;                /* current instruction */
    uint32_t index;
    bool exec_stored;           /* exec.pc/insn_index hold it */
    bool had_call;              /* this instruction called out: check exit_request */
    unsigned time_shift;
    /*
     * Instructions taken from the budget so far, at this point of the
     * code: the first pass at entry, each further pass of a loop block
     * as it begins (see gen_pass_start).
     */
    uint32_t charged;
    uint32_t pass_len;          /* see loop_pass_len */
    bool goto_emitted[2];       /* goto_tb slot N has its patchable jump ... */
    size_t goto_at[2];          /* ... here */
} Gen;

static size_t exec_field(const Gen *g, size_t field)
{
    return g->t->exec_off + field;
}

static X86Mem env_mem(size_t off)
{
    return x86_mem(ENV_REG, (int32_t)off);
}

static bool fits_s32(uint64_t v)
{
    return (int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX;
}

static TempInfo *ti(Gen *g, IrTemp t)
{
    return &g->an->t[t];
}

static bool in_reg(Gen *g, IrTemp t)
{
    return !ti(g, t)->is_const && ti(g, t)->reg >= 0;
}

static X86Reg reg_of_temp(Gen *g, IrTemp t)
{
    return (X86Reg)ti(g, t)->reg;
}

static X86Mem slot_mem(Gen *g, IrTemp t)
{
    return x86_mem(X86_RSP, ti(g, t)->slot * 8 + g->depth);
}

/* Put the value of T in register DST. */
static void load_to(Gen *g, X86Reg dst, IrTemp t)
{
    TempInfo *i = ti(g, t);

    if (i->is_const) {
        x86_mov_imm(&g->b, dst, i->value);
    } else if (i->reg >= 0) {
        if (i->reg != dst) {
            x86_mov_rr(&g->b, 8, dst, (X86Reg)i->reg);
        }
    } else {
        x86_mov_rm(&g->b, 8, dst, slot_mem(g, t));
    }
}

/* T in a register: its home, or SCRATCH loaded with it. */
static X86Reg use_reg(Gen *g, IrTemp t, X86Reg scratch)
{
    if (in_reg(g, t)) {
        return reg_of_temp(g, t);
    }
    load_to(g, scratch, t);
    return scratch;
}

/* Where to compute D: its home register, or rax then stored by put_dst. */
static X86Reg dst_reg(Gen *g, IrTemp d)
{
    return in_reg(g, d) ? reg_of_temp(g, d) : X86_RAX;
}

static void put_dst(Gen *g, IrTemp d, X86Reg r)
{
    if (ti(g, d)->reg == LOC_SLOT) {
        x86_mov_mr(&g->b, 8, slot_mem(g, d), r);
    } else if (r != reg_of_temp(g, d)) {
        x86_mov_rr(&g->b, 8, reg_of_temp(g, d), r);
    }
}

/* op R, T for an ALU op, with T a register, slot or immediate (SCRATCH for big ones). */
static void alu_with(Gen *g, X86Alu op, unsigned size, X86Reg r, IrTemp t,
                     X86Reg scratch)
{
    TempInfo *i = ti(g, t);

    if (i->is_const && (size == 4 || fits_s32(i->value))) {
        x86_alu_ri(&g->b, op, size, r, (int32_t)i->value);
    } else if (i->is_const) {
        x86_mov_imm(&g->b, scratch, i->value);
        x86_alu_rr(&g->b, op, size, r, scratch);
    } else if (i->reg >= 0) {
        x86_alu_rr(&g->b, op, size, r, (X86Reg)i->reg);
    } else {
        x86_alu_rm(&g->b, op, size, r, slot_mem(g, t));
    }
}

static void gen_alu(Gen *g, X86Alu op, unsigned size, bool commutative,
                    IrTemp d, IrTemp a, IrTemp b)
{
    X86Reg r = dst_reg(g, d);

    if (op == X86_SUB && ti(g, a)->is_const && ti(g, a)->value == 0) {
        load_to(g, r, b);
        x86_unary_r(&g->b, X86_NEG, size, r);
        put_dst(g, d, r);
        return;
    }
    if ((op == X86_ADD || op == X86_SUB || op == X86_OR || op == X86_XOR) &&
        ti(g, b)->is_const && ti(g, b)->value == 0) {
        load_to(g, r, a);
        if (size == 4) {
            x86_mov_rr(&g->b, 4, r, r);
        }
        put_dst(g, d, r);
        return;
    }
    if (op == X86_ADD && size == 8 && in_reg(g, a) && ti(g, b)->is_const &&
        fits_s32(ti(g, b)->value) && r != reg_of_temp(g, a)) {
        x86_lea(&g->b, r, x86_mem(reg_of_temp(g, a), (int32_t)ti(g, b)->value));
        put_dst(g, d, r);
        return;
    }
    if (in_reg(g, b) && reg_of_temp(g, b) == r &&
        !(in_reg(g, a) && reg_of_temp(g, a) == r)) {
        if (commutative) {
            alu_with(g, op, size, r, a, X86_RCX);
            put_dst(g, d, r);
            return;
        }
        r = X86_RAX;
    }
    load_to(g, r, a);
    alu_with(g, op, size, r, b, X86_RCX);
    put_dst(g, d, r);
}

static void gen_shift(Gen *g, X86Shift op, unsigned size, IrTemp d, IrTemp a,
                      IrTemp b)
{
    X86Reg r = dst_reg(g, d);

    if (ti(g, b)->is_const) {
        uint8_t n = (uint8_t)(ti(g, b)->value & (size * 8 - 1));

        load_to(g, r, a);
        if (n) {
            x86_shift_ri(&g->b, op, size, r, n);
        } else if (size == 4) {
            x86_mov_rr(&g->b, 4, r, r);
        }
    } else {
        load_to(g, X86_RCX, b);
        load_to(g, r, a);
        x86_shift_rcl(&g->b, op, size, r);
    }
    put_dst(g, d, r);
}

static void gen_mul(Gen *g, unsigned size, IrTemp d, IrTemp a, IrTemp b)
{
    X86Reg r = dst_reg(g, d);

    if (ti(g, a)->is_const) {
        IrTemp x = a;

        a = b;
        b = x;
    }
    if (ti(g, b)->is_const && (size == 4 || fits_s32(ti(g, b)->value))) {
        X86Reg s = use_reg(g, a, X86_RCX);

        x86_imul_rri(&g->b, size, r, s, (int32_t)ti(g, b)->value);
        put_dst(g, d, r);
        return;
    }
    if (in_reg(g, b) && reg_of_temp(g, b) == r) {
        IrTemp x = a;

        a = b;
        b = x;
    }
    load_to(g, r, a);
    if (ti(g, b)->is_const) {
        x86_mov_imm(&g->b, X86_RCX, ti(g, b)->value);
        x86_imul_rr(&g->b, size, r, X86_RCX);
    } else if (in_reg(g, b)) {
        x86_imul_rr(&g->b, size, r, reg_of_temp(g, b));
    } else {
        x86_imul_rm(&g->b, size, r, slot_mem(g, b));
    }
    put_dst(g, d, r);
}

/* rdx = high 64 bits of rax * T (signed or unsigned). */
static void mul_high_by(Gen *g, X86Unary op, IrTemp t)
{
    if (in_reg(g, t)) {
        x86_unary_r(&g->b, op, 8, reg_of_temp(g, t));
    } else if (ti(g, t)->is_const) {
        x86_mov_imm(&g->b, X86_RCX, ti(g, t)->value);
        x86_unary_r(&g->b, op, 8, X86_RCX);
    } else {
        x86_unary_m(&g->b, op, 8, slot_mem(g, t));
    }
}

static void gen_mulh(Gen *g, IrOpcode opc, IrTemp d, IrTemp a, IrTemp b)
{
    load_to(g, X86_RAX, a);
    if (opc == IR_muluh) {
        mul_high_by(g, X86_MUL, b);
    } else {
        mul_high_by(g, X86_IMUL1, b);
    }
    if (opc == IR_mulsuh) {
        /* signed a * unsigned b = signed a * signed b + (b < 0 ? a : 0) << 64 */
        load_to(g, X86_RCX, b);
        x86_shift_ri(&g->b, X86_SAR, 8, X86_RCX, 63);
        alu_with(g, X86_AND, 8, X86_RCX, a, X86_RAX);
        x86_alu_rr(&g->b, X86_ADD, 8, X86_RDX, X86_RCX);
    }
    put_dst(g, d, X86_RDX);
}

/* Point the rel32 at AT (a jump emitted earlier in this block) here. */
static void patch_to_here(Gen *g, size_t at)
{
    if (!x86_buf_overflowed(&g->b)) {
        x86_patch_rel32(g->b.start + at, g->b.p);
    }
}

/*
 * Division by the RISC-V rules (ir-ops.h): x86 div and idiv fault on a
 * zero divisor and idiv on MIN / -1, so both are tested first.  The
 * dividend goes in rax (sign- or zero-extended into rdx); the quotient
 * comes back in rax, the remainder in rdx.
 */
static void gen_div(Gen *g, IrOpcode opc, IrTemp d, IrTemp a, IrTemp b)
{
    bool w32 = opc == IR_div_i32 || opc == IR_divu_i32 || opc == IR_rem_i32 ||
               opc == IR_remu_i32;
    bool is_signed = opc == IR_div || opc == IR_rem || opc == IR_div_i32 ||
                     opc == IR_rem_i32;
    bool is_rem = opc == IR_rem || opc == IR_remu || opc == IR_rem_i32 ||
                  opc == IR_remu_i32;
    unsigned size = w32 ? 4 : 8;
    X86Reg rb = use_reg(g, b, X86_RCX);
    size_t by_zero, by_minus_one = 0, done[2];

    load_to(g, X86_RAX, a);
    x86_test_rr(&g->b, size, rb, rb);
    by_zero = x86_jcc_rel32(&g->b, X86_CC_E, g->b.p);
    if (is_signed) {
        x86_alu_ri(&g->b, X86_CMP, size, rb, -1);
        by_minus_one = x86_jcc_rel32(&g->b, X86_CC_E, g->b.p);
        x86_sign_extend_ax(&g->b, size);
    } else {
        x86_alu_rr(&g->b, X86_XOR, 4, X86_RDX, X86_RDX);
    }
    x86_unary_r(&g->b, is_signed ? X86_IDIV : X86_DIV, size, rb);
    if (is_rem) {
        x86_mov_rr(&g->b, size, X86_RAX, X86_RDX);
    }
    done[0] = x86_jmp_rel32(&g->b, g->b.p);

    /* x / 0 is all ones (of the width), x % 0 is x. */
    patch_to_here(g, by_zero);
    if (!is_rem) {
        w32 ? x86_mov_r32_imm(&g->b, X86_RAX, UINT32_MAX)
            : x86_mov_r64_simm(&g->b, X86_RAX, -1);
    } else if (w32) {
        x86_mov_rr(&g->b, 4, X86_RAX, X86_RAX);
    }
    if (is_signed) {
        /* x / -1 is -x (MIN for MIN, wrapping), x % -1 is 0. */
        done[1] = x86_jmp_rel32(&g->b, g->b.p);
        patch_to_here(g, by_minus_one);
        if (is_rem) {
            x86_alu_rr(&g->b, X86_XOR, 4, X86_RAX, X86_RAX);
        } else {
            x86_unary_r(&g->b, X86_NEG, size, X86_RAX);
        }
        patch_to_here(g, done[1]);
    }
    patch_to_here(g, done[0]);
    put_dst(g, d, X86_RAX);
}

static void gen_bitcount(Gen *g, IrOpcode opc, IrTemp d, IrTemp a)
{
    bool w32 = opc == IR_clz_i32 || opc == IR_ctz_i32 || opc == IR_ctpop_i32;
    unsigned size = w32 ? 4 : 8;
    X86Reg s = use_reg(g, a, X86_RCX);

    switch (opc) {
    case IR_clz:
    case IR_clz_i32:
        /* bsr gives the top set bit k: clz = k ^ (bits - 1); zero gives 2 * bits - 1. */
        x86_bsr(&g->b, size, X86_RAX, s);
        x86_mov_r32_imm(&g->b, X86_RCX, w32 ? 63 : 127);
        x86_cmov_rr(&g->b, X86_CC_E, size, X86_RAX, X86_RCX);
        x86_alu_ri(&g->b, X86_XOR, size, X86_RAX, w32 ? 31 : 63);
        break;
    case IR_ctz:
    case IR_ctz_i32:
        x86_bsf(&g->b, size, X86_RAX, s);
        x86_mov_r32_imm(&g->b, X86_RCX, w32 ? 32 : 64);
        x86_cmov_rr(&g->b, X86_CC_E, size, X86_RAX, X86_RCX);
        break;
    default:
        x86_popcnt(&g->b, size, X86_RAX, s);
        break;
    }
    put_dst(g, d, X86_RAX);
}

static void gen_ext(Gen *g, IrOpcode opc, IrTemp d, IrTemp a)
{
    X86Reg r = dst_reg(g, d);
    bool mem = !in_reg(g, a) && !ti(g, a)->is_const;
    X86Reg s = X86_RCX;
    X86Mem m = { 0 };

    if (mem) {
        m = slot_mem(g, a);
    } else {
        s = use_reg(g, a, X86_RCX);
    }
    switch (opc) {
    case IR_ext8s:
        mem ? x86_movsx_rm(&g->b, 1, r, m) : x86_movsx_rr(&g->b, 1, r, s);
        break;
    case IR_ext8u:
        mem ? x86_movzx_rm(&g->b, 1, r, m) : x86_movzx_rr(&g->b, 1, r, s);
        break;
    case IR_ext16s:
        mem ? x86_movsx_rm(&g->b, 2, r, m) : x86_movsx_rr(&g->b, 2, r, s);
        break;
    case IR_ext16u:
        mem ? x86_movzx_rm(&g->b, 2, r, m) : x86_movzx_rr(&g->b, 2, r, s);
        break;
    case IR_ext32s:
        mem ? x86_movsxd_rm(&g->b, r, m) : x86_movsxd_rr(&g->b, r, s);
        break;
    default:
        mem ? x86_mov_rm(&g->b, 4, r, m) : x86_mov_rr(&g->b, 4, r, s);
        break;
    }
    put_dst(g, d, r);
}

static X86Cond x86_cond(IrCond c)
{
    static const X86Cond map[] = {
        [IR_EQ] = X86_CC_E, [IR_NE] = X86_CC_NE, [IR_LT] = X86_CC_L,
        [IR_GE] = X86_CC_GE, [IR_LE] = X86_CC_LE, [IR_GT] = X86_CC_G,
        [IR_LTU] = X86_CC_B, [IR_GEU] = X86_CC_AE, [IR_LEU] = X86_CC_BE,
        [IR_GTU] = X86_CC_A,
    };

    return map[c];
}

static IrCond swap_cond(IrCond c)
{
    static const IrCond map[] = {
        [IR_EQ] = IR_EQ, [IR_NE] = IR_NE, [IR_LT] = IR_GT, [IR_GE] = IR_LE,
        [IR_LE] = IR_GE, [IR_GT] = IR_LT, [IR_LTU] = IR_GTU,
        [IR_GEU] = IR_LEU, [IR_LEU] = IR_GEU, [IR_GTU] = IR_LTU,
    };

    return map[c];
}

/* Compare A with B (rax and rdx as scratch); the x86 condition for COND. */
static X86Cond gen_cmp(Gen *g, IrCond cond, IrTemp a, IrTemp b)
{
    X86Reg ra;

    if (ti(g, a)->is_const && !ti(g, b)->is_const) {
        IrTemp x = a;

        a = b;
        b = x;
        cond = swap_cond(cond);
    }
    ra = use_reg(g, a, X86_RAX);
    alu_with(g, X86_CMP, 8, ra, b, X86_RDX);
    return x86_cond(cond);
}

static void gen_setcond(Gen *g, IrTemp d, IrTemp a, IrTemp b, IrCond cond)
{
    X86Cond cc = gen_cmp(g, cond, a, b);
    X86Reg r = dst_reg(g, d);

    x86_setcc(&g->b, cc, X86_RAX);
    x86_movzx_rr(&g->b, 1, r, X86_RAX);
    put_dst(g, d, r);
}

static void gen_movcond(Gen *g, const IrOp *op)
{
    IrTemp d = (IrTemp)op->args[0], c = (IrTemp)op->args[3];
    X86Cond cc = gen_cmp(g, (IrCond)op->args[5], (IrTemp)op->args[1],
                         (IrTemp)op->args[2]);

    /* Moves leave the flags alone. */
    load_to(g, X86_RAX, (IrTemp)op->args[4]);
    if (in_reg(g, c)) {
        x86_cmov_rr(&g->b, cc, 8, X86_RAX, reg_of_temp(g, c));
    } else if (ti(g, c)->is_const) {
        x86_mov_imm(&g->b, X86_RDX, ti(g, c)->value);
        x86_cmov_rr(&g->b, cc, 8, X86_RAX, X86_RDX);
    } else {
        x86_cmov_rm(&g->b, cc, 8, X86_RAX, slot_mem(g, c));
    }
    put_dst(g, d, X86_RAX);
}

static void gen_st_env(Gen *g, IrTemp a, size_t off, unsigned size)
{
    TempInfo *i = ti(g, a);

    if (i->is_const && (size == 4 || fits_s32(i->value))) {
        x86_mov_mi(&g->b, size, env_mem(off), (int32_t)i->value);
    } else {
        x86_mov_mr(&g->b, size, env_mem(off), use_reg(g, a, X86_RAX));
    }
}

/* exec.pc and exec.insn_index of this instruction, for a call that may need them. */
static void store_exec(Gen *g, uint64_t pc, uint32_t index)
{
    size_t pc_off = exec_field(g, offsetof(IrExecState, pc));

    x86_mov_mi(&g->b, 4, env_mem(pc_off), (int32_t)(uint32_t)pc);
    x86_mov_mi(&g->b, 4, env_mem(pc_off + 4), (int32_t)(uint32_t)(pc >> 32));
    x86_mov_mi(&g->b, 4, env_mem(exec_field(g, offsetof(IrExecState, insn_index))),
               (int32_t)index);
}

/* env's cur_tb: this block, for the CPU loop and the slow paths. */
static void store_cur_tb(Gen *g)
{
    x86_movabs(&g->b, X86_RAX, (uint64_t)(uintptr_t)g->tb);
    x86_mov_mr(&g->b, 8, env_mem(g->t->cur_tb_off), X86_RAX);
}

/*
 * Before a call that may raise or read them: retire the blocks completed
 * since the counters last caught up, that is the budget they used but
 * this block's share, and set cur_tb.  rax and rcx are free here.
 */
static void gen_sync(Gen *g)
{
    X86Mem synced = env_mem(exec_field(g, offsetof(IrExecState, budget_synced)));

    x86_mov_rm(&g->b, 8, X86_RAX, synced);
    x86_lea(&g->b, X86_RCX, x86_mem(BUDGET_REG, (int32_t)g->charged));
    x86_mov_mr(&g->b, 8, synced, X86_RCX);
    x86_alu_rr(&g->b, X86_SUB, 8, X86_RAX, X86_RCX);
    x86_alu_mr(&g->b, X86_ADD, 8, env_mem(g->t->count_off), X86_RAX);
    if (g->time_shift) {
        x86_shift_ri(&g->b, X86_SHL, 8, X86_RAX, (uint8_t)g->time_shift);
    }
    x86_alu_mr(&g->b, X86_ADD, 8, env_mem(g->t->time_off), X86_RAX);
    store_cur_tb(g);
}

/* Give back this block's share of the budget: it did not complete. */
static void gen_refund(Gen *g)
{
    x86_alu_ri(&g->b, X86_ADD, 8, BUDGET_REG, (int32_t)g->charged);
}

/* The caller-saved homes of temps still live after op I. */
static uint16_t live_caller_saved(Gen *g, size_t i, IrTemp except)
{
    uint16_t mask = 0;

    for (int k = NB_CALLEE_SAVED; k < NB_ALLOC_REGS; k++) {
        X86Reg r = alloc_regs[k];
        IrTemp o = g->reg_owner[r];

        if (o != IR_NO_TEMP && o != except && ti(g, o)->def < (int32_t)i &&
            ti(g, o)->last > (int32_t)i) {
            mask |= 1u << r;
        }
    }
    return mask;
}

static void save_regs(Gen *g, uint16_t mask)
{
    int n = 0;

    for (int r = 0; r < 16; r++) {
        if (mask & (1u << r)) {
            x86_push(&g->b, (X86Reg)r);
            n++;
        }
    }
    g->depth += 8 * n;
    if (n & 1) {
        x86_alu_ri(&g->b, X86_SUB, 8, X86_RSP, 8);
        g->depth += 8;
    }
}

static void restore_regs(Gen *g, uint16_t mask)
{
    int n = __builtin_popcount(mask);

    if (n & 1) {
        x86_alu_ri(&g->b, X86_ADD, 8, X86_RSP, 8);
        g->depth -= 8;
    }
    for (int r = 15; r >= 0; r--) {
        if (mask & (1u << r)) {
            x86_pop(&g->b, (X86Reg)r);
        }
    }
    g->depth -= 8 * n;
}

/*
 * Call FN(env, args...): ARGS are temps (IR_NO_TEMP: 0) or, for
 * IMM_MASK bits, immediates.  Arguments go through the stack, so that no
 * source register is overwritten before it is read.
 */
/* One argument of a call: where its value is before the call. */
typedef struct ArgMove {
    X86Reg dst;
    int src;                    /* an X86Reg, or -1: not in a register */
    bool is_imm;
    uint64_t imm;
    IrTemp t;                   /* !is_imm, src < 0: the spill slot's temp */
} ArgMove;

/*
 * Call FN(env, ARGS...) by the host ABI.  The arguments go to their
 * registers as a parallel move: a move waits while its destination is
 * still another's source, and a cycle of register moves is broken
 * through rax.  (IMM_MASK: which ARGS are values rather than temps.)
 */
static void emit_call(Gen *g, const void *fn, const uint64_t *args, int nargs,
                      unsigned imm_mask)
{
    static const X86Reg arg_regs[] = { X86_RSI, X86_RDX, X86_RCX, X86_R8 };
    ArgMove mv[5];
    int n = 0;

    for (int k = 0; k < nargs; k++) {
        IrTemp t = (IrTemp)args[k];
        ArgMove m = { .dst = arg_regs[k], .src = -1, .t = t };

        if ((imm_mask >> k) & 1) {
            m.is_imm = true;
            m.imm = args[k];
        } else if (t == IR_NO_TEMP) {
            m.is_imm = true;
        } else if (ti(g, t)->is_const) {
            m.is_imm = true;
            m.imm = ti(g, t)->value;
        } else if (in_reg(g, t)) {
            m.src = reg_of_temp(g, t);
        }
        if (m.src != (int)m.dst) {
            mv[n++] = m;
        }
    }
    mv[n++] = (ArgMove){ .dst = X86_RDI, .src = ENV_REG };
    while (n > 0) {
        int pick = -1;

        for (int k = 0; k < n && pick < 0; k++) {
            bool blocked = false;

            for (int j = 0; j < n; j++) {
                blocked |= j != k && mv[j].src == (int)mv[k].dst;
            }
            pick = blocked ? -1 : k;
        }
        if (pick < 0) {
            /*
             * Every destination is still a source: only cycles are left.
             * Save one destination's value in rax for the moves reading
             * it; that one move is then free.  (No move reads rax by the
             * time another cycle is reached: the chain this makes is
             * done first.)
             */
            X86Reg d = mv[0].dst;

            x86_mov_rr(&g->b, 8, X86_RAX, d);
            for (int j = 0; j < n; j++) {
                if (mv[j].src == (int)d) {
                    mv[j].src = X86_RAX;
                }
            }
            continue;
        }
        if (mv[pick].is_imm) {
            x86_mov_imm(&g->b, mv[pick].dst, mv[pick].imm);
        } else if (mv[pick].src >= 0) {
            x86_mov_rr(&g->b, 8, mv[pick].dst, (X86Reg)mv[pick].src);
        } else {
            x86_mov_rm(&g->b, 8, mv[pick].dst, slot_mem(g, mv[pick].t));
        }
        mv[pick] = mv[--n];
    }
    x86_movabs(&g->b, X86_RAX, (uint64_t)(uintptr_t)fn);
    x86_call_r(&g->b, X86_RAX);
}

static void gen_call(Gen *g, size_t i, const IrOp *op)
{
    IrTemp d = (IrTemp)op->args[0];
    bool has_result = d != IR_NO_TEMP && ti(g, d)->last >= 0;
    uint16_t saved = live_caller_saved(g, i, d);

    if (!(op->args[6] & IR_CALL_NO_RAISE)) {
        if (!g->exec_stored) {
            store_exec(g, g->pc, g->index);
            g->exec_stored = true;
        }
        gen_sync(g);
    }
    save_regs(g, saved);
    emit_call(g, (const void *)(uintptr_t)op->args[5], &op->args[1], 4, 0);
    if (has_result) {
        put_dst(g, d, X86_RAX);
    }
    restore_regs(g, saved);
    g->had_call = true;
}

static size_t add_cold(Gen *g, Cold c)
{
    c.charged = g->charged;
    g_array_append_val(g->colds, c);
    return g->colds->len - 1;
}

/*
 * A slow path is the only way a guest access can set exit_request, so
 * when the rest of its instruction (ops I+1 up to the next insn_start,
 * returned) is plain computation, the slow path tests exit_request
 * itself and, set, runs that rest again out of line and stops: the hit
 * path then needs no test at the boundary.  0: the rest does more (or
 * the block ends), and the boundary tests as after a call.
 */
static size_t stop_tail_end(Gen *g, size_t i)
{
    const IrFunc *f = g->an->f;

    for (size_t k = i + 1; k < f->nb_ops; k++) {
        IrOpcode opc = (IrOpcode)g->an->ops[k].opc;

        if (!g->an->live[k]) {
            continue;
        }
        if (opc == IR_insn_start) {
            return k;
        }
        if (!op_is_pure(opc) && opc != IR_st_env) {
            return 0;
        }
    }
    return 0;
}

/*
 * The TLB fast path of a guest load or store; misses go to a cold path.
 * rcx = the entry's offset (the page number's low bits, scaled), rax =
 * the page of the last byte, compared with the tag: an access that
 * crosses a page misses, since its last page never has its first's
 * index.  On a hit, rax = addend and the access is at rax + address.
 * Where the target keeps a guess at the addend (NativeTarget), rax is
 * the guess, compared with the entry's addend on the side: the access
 * then waits for the address only.
 */
static void gen_guest_mem(Gen *g, size_t i, const IrOp *op, bool store)
{
    const NativeTarget *t = g->t;
    IrTemp addr = (IrTemp)op->args[1];
    MemOp mo = (MemOp)op->args[2];
    unsigned idx = (unsigned)op->args[3];
    unsigned size = memop_size(mo);
    unsigned entry_bits = (unsigned)__builtin_ctzll(t->tlb_entry_size);
    int32_t base = (int32_t)(t->tlb_off + idx * t->tlb_idx_stride);
    X86Reg a = use_reg(g, addr, X86_RDX);
    Cold c = { .kind = store ? COLD_STORE : COLD_LOAD, .op = i, .pc = g->pc,
               .index = g->index, .tail_end = stop_tail_end(g, i) };
    IrTemp d = store ? IR_NO_TEMP : (IrTemp)op->args[0];
    X86Mem m = x86_mem_idx(X86_RAX, a, 1, 0);
    size_t slow;

    c.saved = live_caller_saved(g, i, d);
    if (size > 1) {
        x86_lea(&g->b, X86_RAX, x86_mem(a, (int32_t)(size - 1)));
    } else {
        x86_mov_rr(&g->b, 8, X86_RAX, a);
    }
    x86_mov_rr(&g->b, 8, X86_RCX, a);
    x86_shift_ri(&g->b, X86_SHR, 8, X86_RCX, (uint8_t)(t->page_bits - entry_bits));
    x86_alu_ri(&g->b, X86_AND, 4, X86_RCX,
               (int32_t)((t->tlb_entries - 1) << entry_bits));
    x86_alu_ri(&g->b, X86_AND, 8, X86_RAX, -(int32_t)(1u << t->page_bits));
    x86_alu_rm(&g->b, X86_CMP, 8, X86_RAX,
               x86_mem_idx(ENV_REG, X86_RCX, 1,
                           base + (int32_t)(store ? t->tlb_tag_store_off
                                                  : t->tlb_tag_load_off)));
    c.from = x86_jcc_rel32(&g->b, X86_CC_NE, g->b.p);
    slow = add_cold(g, c);
    if (t->tlb_guess_off) {
        Cold miss = { .kind = COLD_GUESS, .op = i };

        x86_mov_rm(&g->b, 8, X86_RAX,
                   env_mem(t->tlb_guess_off + idx * sizeof(uintptr_t)));
        x86_alu_rm(&g->b, X86_CMP, 8, X86_RAX,
                   x86_mem_idx(ENV_REG, X86_RCX, 1, base + (int32_t)t->tlb_addend_off));
        miss.from = x86_jcc_rel32(&g->b, X86_CC_NE, g->b.p);
        miss.back = x86_buf_size(&g->b);
        add_cold(g, miss);
    } else {
        x86_mov_rm(&g->b, 8, X86_RAX,
                   x86_mem_idx(ENV_REG, X86_RCX, 1, base + (int32_t)t->tlb_addend_off));
    }
    if (store) {
        x86_mov_mr(&g->b, size, m, use_reg(g, (IrTemp)op->args[0], X86_RCX));
    } else {
        bool used = ti(g, d)->last >= 0;
        X86Reg r = used ? dst_reg(g, d) : X86_RAX;

        if (size == 8) {
            x86_mov_rm(&g->b, 8, r, m);
        } else if (size == 4) {
            (mo & MO_SIGN) ? x86_movsxd_rm(&g->b, r, m) : x86_mov_rm(&g->b, 4, r, m);
        } else if (mo & MO_SIGN) {
            x86_movsx_rm(&g->b, size, r, m);
        } else {
            x86_movzx_rm(&g->b, size, r, m);
        }
        if (used) {
            put_dst(g, d, r);
        }
    }
    /* The slow path returns here. */
    g_array_index(g->colds, Cold, slow).back = x86_buf_size(&g->b);
    if (!c.tail_end) {
        g->had_call = true;
    }
}

static void gen_op(Gen *g, size_t i, const IrOp *op);

static void gen_slow_mem(Gen *g, const Cold *c)
{
    const IrOp *op = &g->an->ops[c->op];
    bool store = c->kind == COLD_STORE;
    IrTemp d = store ? IR_NO_TEMP : (IrTemp)op->args[0];
    uint64_t args[4];

    store_exec(g, c->pc, c->index);
    gen_sync(g);
    save_regs(g, c->saved);
    if (store) {
        args[0] = op->args[1];
        args[1] = op->args[0];
        args[2] = op->args[2];
        args[3] = op->args[3];
        emit_call(g, (const void *)(uintptr_t)g->t->mem->store, args, 4, 0xc);
    } else {
        args[0] = op->args[1];
        args[1] = op->args[2];
        args[2] = op->args[3];
        emit_call(g, (const void *)(uintptr_t)g->t->mem->load, args, 3, 0x6);
        if (ti(g, d)->last >= 0) {
            put_dst(g, d, X86_RAX);
        }
    }
    restore_regs(g, c->saved);
    if (c->tail_end) {
        const IrOp *next = &g->an->ops[c->tail_end];

        x86_alu_mi(&g->b, X86_CMP, 1,
                   env_mem(exec_field(g, offsetof(IrExecState, exit_request))), 0);
        x86_jcc_rel32(&g->b, X86_CC_E, g->b.start + c->back);
        for (size_t k = c->op + 1; k < c->tail_end; k++) {
            if (g->an->live[k]) {
                gen_op(g, k, &g->an->ops[k]);
            }
        }
        store_exec(g, next->args[0], (uint32_t)next->args[1]);
        gen_refund(g);
        emit_exit_code(&g->b, NATIVE_STOPPED);
        return;
    }
    x86_jmp_rel32(&g->b, g->b.start + c->back);
}

static void gen_exit_check(Gen *g, NativeExit code)
{
    Cold c = { .kind = COLD_EXIT, .code = code };

    x86_alu_mi(&g->b, X86_CMP, 1,
               env_mem(exec_field(g, offsetof(IrExecState, exit_request))), 0);
    c.from = x86_jcc_rel32(&g->b, X86_CC_NE, g->b.p);
    add_cold(g, c);
}

/*
 * A block leaves after the last instruction of the block or of a loop
 * pass (translate.c): what it charged is what it retires.
 */
static void assert_exit_retires_charged(const Gen *g)
{
    g_assert(g->charged == g->index + 1);
}

static void gen_goto_tb(Gen *g, unsigned slot)
{
    NativeExit code = slot ? NATIVE_GOTO_TB1 : NATIVE_GOTO_TB0;
    size_t at;
    uint8_t *stub;

    assert_exit_retires_charged(g);
    if (g->had_call) {
        gen_exit_check(g, code);
    }
    /* Every exit through a slot shares its one patchable jump. */
    if (g->goto_emitted[slot]) {
        x86_jmp_rel32(&g->b, g->b.start + g->goto_at[slot]);
        return;
    }
    g->goto_emitted[slot] = true;
    g->goto_at[slot] = x86_buf_size(&g->b);
    at = x86_jmp_rel32(&g->b, g->b.p);
    /*
     * The stub sits right after the jump: the jump's target until chained.
     * It tells native_run which block left, to chain it.
     */
    stub = g->b.p;
    store_cur_tb(g);
    emit_exit_code(&g->b, code);
    if (!x86_buf_overflowed(&g->b)) {
        x86_patch_rel32(g->b.start + at, stub);
        g->nc->jmp_rel32[slot] = g->b.start + at;
        g->nc->jmp_stub[slot] = stub;
    }
}

static void gen_exit_tb(Gen *g, unsigned reason)
{
    assert_exit_retires_charged(g);
    if (reason == IR_EXIT_REQUEST) {
        emit_exit_code(&g->b, NATIVE_EXIT_REQUEST);
        return;
    }
    if (g->had_call) {
        gen_exit_check(g, NATIVE_EXIT_LOOKUP);
    }
    x86_jmp_rel32(&g->b, lookup_tramp);
}

/*
 * A loop block (translate.c) repeats its body: each pass starts with
 * the block's own pc.  The instructions of one pass, or of the whole
 * block when it is no loop.
 */
static uint32_t loop_pass_len(const Gen *g)
{
    const IrFunc *f = g->an->f;

    for (size_t i = 0; i < f->nb_ops; i++) {
        const IrOp *op = &f->ops[i];

        if (op->opc == IR_insn_start && op->args[0] == g->tb->pc && op->args[1] > 0) {
            g_assert(g->tb->ninsns % op->args[1] == 0);
            return (uint32_t)op->args[1];
        }
    }
    return g->tb->ninsns;
}

/*
 * A further pass of a loop block takes its instructions from the budget
 * as it begins; without enough, the block stops before it, at the loop's
 * head, and the CPU loop goes on from there exactly as from a block
 * boundary.  So a long loop block never has to be refused whole near a
 * deadline.
 */
static void gen_pass_start(Gen *g, uint64_t pc, uint32_t index)
{
    Cold c = { .kind = COLD_STOP, .pc = pc, .index = index };

    g->charged += g->pass_len;
    x86_alu_ri(&g->b, X86_SUB, 8, BUDGET_REG, (int32_t)g->pass_len);
    c.from = x86_jcc_rel32(&g->b, X86_CC_B, g->b.p);
    add_cold(g, c);
}

static void gen_op(Gen *g, size_t i, const IrOp *op)
{
    const uint64_t *a = op->args;

    switch ((IrOpcode)op->opc) {
    case IR_movi:
    case IR_mov:
        break;
    case IR_ld_env: {
        X86Reg r = dst_reg(g, (IrTemp)a[0]);

        x86_mov_rm(&g->b, (unsigned)a[2], r, env_mem(a[1]));
        put_dst(g, (IrTemp)a[0], r);
        break;
    }
    case IR_st_env:
        gen_st_env(g, (IrTemp)a[0], a[1], (unsigned)a[2]);
        break;
    case IR_add:
        gen_alu(g, X86_ADD, 8, true, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_sub:
        gen_alu(g, X86_SUB, 8, false, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_and:
        gen_alu(g, X86_AND, 8, true, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_or:
        gen_alu(g, X86_OR, 8, true, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_xor:
        gen_alu(g, X86_XOR, 8, true, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_add_i32:
        gen_alu(g, X86_ADD, 4, true, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_sub_i32:
        gen_alu(g, X86_SUB, 4, false, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_shl:
        gen_shift(g, X86_SHL, 8, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_shr:
        gen_shift(g, X86_SHR, 8, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_sar:
        gen_shift(g, X86_SAR, 8, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_rotl:
        gen_shift(g, X86_ROL, 8, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_rotr:
        gen_shift(g, X86_ROR, 8, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_shl_i32:
        gen_shift(g, X86_SHL, 4, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_shr_i32:
        gen_shift(g, X86_SHR, 4, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_sar_i32:
        gen_shift(g, X86_SAR, 4, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_rotl_i32:
        gen_shift(g, X86_ROL, 4, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_rotr_i32:
        gen_shift(g, X86_ROR, 4, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_mul:
        gen_mul(g, 8, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_mul_i32:
        gen_mul(g, 4, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_mulsh:
    case IR_muluh:
    case IR_mulsuh:
        gen_mulh(g, (IrOpcode)op->opc, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_div:
    case IR_divu:
    case IR_rem:
    case IR_remu:
    case IR_div_i32:
    case IR_divu_i32:
    case IR_rem_i32:
    case IR_remu_i32:
        gen_div(g, (IrOpcode)op->opc, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2]);
        break;
    case IR_neg:
    case IR_not: {
        X86Reg r = dst_reg(g, (IrTemp)a[0]);

        load_to(g, r, (IrTemp)a[1]);
        x86_unary_r(&g->b, op->opc == IR_neg ? X86_NEG : X86_NOT, 8, r);
        put_dst(g, (IrTemp)a[0], r);
        break;
    }
    case IR_clz:
    case IR_ctz:
    case IR_ctpop:
    case IR_clz_i32:
    case IR_ctz_i32:
    case IR_ctpop_i32:
        gen_bitcount(g, (IrOpcode)op->opc, (IrTemp)a[0], (IrTemp)a[1]);
        break;
    case IR_ext8s:
    case IR_ext8u:
    case IR_ext16s:
    case IR_ext16u:
    case IR_ext32s:
    case IR_ext32u:
        gen_ext(g, (IrOpcode)op->opc, (IrTemp)a[0], (IrTemp)a[1]);
        break;
    case IR_setcond:
        gen_setcond(g, (IrTemp)a[0], (IrTemp)a[1], (IrTemp)a[2], (IrCond)a[3]);
        break;
    case IR_movcond:
        gen_movcond(g, op);
        break;
    case IR_set_label:
        g->label_at[a[0]] = x86_buf_size(&g->b);
        break;
    case IR_br: {
        Fixup fx = { x86_jmp_rel32(&g->b, g->b.p), (uint32_t)a[0] };

        g_array_append_val(g->fixups, fx);
        break;
    }
    case IR_brcond: {
        X86Cond cc = gen_cmp(g, (IrCond)a[2], (IrTemp)a[0], (IrTemp)a[1]);
        Fixup fx = { x86_jcc_rel32(&g->b, cc, g->b.p), (uint32_t)a[3] };

        g_array_append_val(g->fixups, fx);
        break;
    }
    case IR_guest_ld:
        gen_guest_mem(g, i, op, false);
        break;
    case IR_guest_st:
        gen_guest_mem(g, i, op, true);
        break;
    case IR_call:
        gen_call(g, i, op);
        break;
    case IR_insn_start:
        if (g->had_call) {
            Cold c = { .kind = COLD_STOP, .pc = a[0], .index = (uint32_t)a[1] };

            x86_alu_mi(&g->b, X86_CMP, 1,
                       env_mem(exec_field(g, offsetof(IrExecState, exit_request))),
                       0);
            c.from = x86_jcc_rel32(&g->b, X86_CC_NE, g->b.p);
            add_cold(g, c);
        }
        if (a[0] == g->tb->pc && a[1] > 0) {
            gen_pass_start(g, a[0], (uint32_t)a[1]);
        }
        g->pc = a[0];
        g->index = (uint32_t)a[1];
        g->exec_stored = false;
        g->had_call = false;
        break;
    case IR_goto_tb:
        gen_goto_tb(g, (unsigned)a[0]);
        break;
    case IR_exit_tb:
        gen_exit_tb(g, (unsigned)a[0]);
        break;
    case IR_NB_OPS:
        g_assert_not_reached();
    }
}

static void gen_block(Gen *g)
{
    const IrFunc *f = g->an->f;
    Cold nb = { .kind = COLD_NO_BUDGET };

    g->nc->entry = g->b.p;
    g->pass_len = loop_pass_len(g);
    /* Enough budget for the first pass, or back to the loop before it starts. */
    g->charged = g->pass_len;
    x86_alu_ri(&g->b, X86_SUB, 8, BUDGET_REG, (int32_t)g->charged);
    nb.from = x86_jcc_rel32(&g->b, X86_CC_B, g->b.p);
    add_cold(g, nb);

    for (size_t i = 0; i < f->nb_ops; i++) {
        const IrOp *op = &g->an->ops[i];

        if (g->an->live[i]) {
            gen_op(g, i, op);
            if (ir_op_defs[op->opc].nb_out && op->args[0] != IR_NO_TEMP) {
                IrTemp d = (IrTemp)op->args[0];

                if (in_reg(g, d)) {
                    g->reg_owner[reg_of_temp(g, d)] = d;
                }
            }
        }
    }
    /* A block that ends in a call that raises never gets here. */
    x86_ud2(&g->b);

    for (guint k = 0; k < g->colds->len; k++) {
        Cold *c = &g_array_index(g->colds, Cold, k);

        g->charged = c->charged;
        if (!x86_buf_overflowed(&g->b)) {
            x86_patch_rel32(g->b.start + c->from, g->b.p);
        }
        switch (c->kind) {
        case COLD_LOAD:
        case COLD_STORE:
            gen_slow_mem(g, c);
            break;
        case COLD_STOP:
            store_exec(g, c->pc, c->index);
            gen_refund(g);
            emit_exit_code(&g->b, NATIVE_STOPPED);
            break;
        case COLD_NO_BUDGET:
            gen_refund(g);
            emit_exit_code(&g->b, NATIVE_NO_BUDGET);
            break;
        case COLD_EXIT:
            if (c->code == NATIVE_GOTO_TB0 || c->code == NATIVE_GOTO_TB1) {
                store_cur_tb(g);
            }
            emit_exit_code(&g->b, c->code);
            break;
        case COLD_GUESS: {
            /* rcx still indexes the entry: take its addend, then the access. */
            const IrOp *op = &g->an->ops[c->op];
            int32_t base = (int32_t)(g->t->tlb_off +
                                     op->args[3] * g->t->tlb_idx_stride);

            x86_mov_rm(&g->b, 8, X86_RAX,
                       x86_mem_idx(ENV_REG, X86_RCX, 1,
                                   base + (int32_t)g->t->tlb_addend_off));
            x86_jmp_rel32(&g->b, g->b.start + c->back);
            break;
        }
        }
    }
    if (!x86_buf_overflowed(&g->b)) {
        for (guint k = 0; k < g->fixups->len; k++) {
            Fixup *fx = &g_array_index(g->fixups, Fixup, k);

            x86_patch_rel32(g->b.start + fx->at, g->b.start + g->label_at[fx->label]);
        }
    }
}

NativeCode *native_compile(const NativeTarget *t, const IrFunc *f,
                           TranslationBlock *tb, unsigned time_shift)
{
    Analysis an = { 0 };
    NativeCode *nc = NULL;

    if (!native_available()) {
        return NULL;
    }
    analyse(&an, f);
    drop_low_only_sext32(&an);
    if (allocate(&an)) {
        for (int attempt = 0; attempt < 2 && !nc; attempt++) {
            Gen g = { .t = t, .an = &an, .tb = tb, .time_shift = time_shift };

            if (!lookup_tramp) {
                lookup_tramp_init(t);
            }
            g.nc = g_new0(NativeCode, 1);
            g.nc->time_shift = time_shift;
            x86_buf_init(&g.b, buf_next, (size_t)(buf_start + buf_size - buf_next));
            g.fixups = g_array_new(false, false, sizeof(Fixup));
            g.colds = g_array_new(false, false, sizeof(Cold));
            g.label_at = g_new0(size_t, f->nb_labels ? f->nb_labels : 1);
            for (int r = 0; r < 16; r++) {
                g.reg_owner[r] = IR_NO_TEMP;
            }
            gen_block(&g);
            g_array_free(g.fixups, true);
            g_array_free(g.colds, true);
            g_free(g.label_at);
            if (x86_buf_overflowed(&g.b)) {
                /* The buffer is full: drop every block and start over. */
                g_free(g.nc);
                tb_flush_all();
                buf_next = buf_blocks;
                continue;
            }
            nc = g.nc;
            buf_next = g.b.p;
            /* Keep entry points 16-aligned for the decoders. */
            buf_next = (uint8_t *)(((uintptr_t)buf_next + 15) & ~(uintptr_t)15);
        }
    }
    g_free(an.ops);
    g_free(an.live);
    g_free(an.t);
    return nc;
}

const void *native_code_entry(const TranslationBlock *tb)
{
    return tb->native ? tb->native->entry : NULL;
}

/* --- chaining --- */

static struct {
    TranslationBlock *from;     /* left through goto_tb slot SLOT, cached */
    unsigned slot;
    uint64_t pc;                /* to this pc */
    uint64_t gen;               /* while tb_invalidations was this */
} last_exit;

static void jump_set(TranslationBlock *from, unsigned slot, const void *to)
{
    x86_patch_rel32(from->native->jmp_rel32[slot], to);
}

static void chain(TranslationBlock *from, unsigned slot, TranslationBlock *to)
{
    NativeCode *fc = from->native;
    JumpRef ref = { from, slot };

    if (!fc->jmp_rel32[slot] || fc->jmp_dest[slot]) {
        return;
    }
    if (!to->native->incoming) {
        to->native->incoming = g_array_new(false, false, sizeof(JumpRef));
    }
    g_array_append_val(to->native->incoming, ref);
    fc->jmp_dest[slot] = to;
    jump_set(from, slot, to->native->entry);
}

void native_unlink(TranslationBlock *tb)
{
    NativeCode *nc = tb->native;

    for (guint i = 0; nc->incoming && i < nc->incoming->len; i++) {
        JumpRef *ref = &g_array_index(nc->incoming, JumpRef, i);
        NativeCode *src = ref->tb->native;

        if (src->jmp_dest[ref->slot] == tb) {
            src->jmp_dest[ref->slot] = NULL;
            jump_set(ref->tb, ref->slot, src->jmp_stub[ref->slot]);
        }
    }
    if (nc->incoming) {
        g_array_set_size(nc->incoming, 0);
    }
    for (unsigned slot = 0; slot < 2; slot++) {
        TranslationBlock *dest = nc->jmp_dest[slot];

        if (!dest) {
            continue;
        }
        for (guint i = 0; dest->native->incoming && i < dest->native->incoming->len; i++) {
            JumpRef *ref = &g_array_index(dest->native->incoming, JumpRef, i);

            if (ref->tb == tb && ref->slot == slot) {
                g_array_remove_index_fast(dest->native->incoming, i);
                break;
            }
        }
        nc->jmp_dest[slot] = NULL;
        jump_set(tb, slot, nc->jmp_stub[slot]);
    }
    if (last_exit.from == tb) {
        last_exit.from = NULL;
    }
}

void native_free(NativeCode *code)
{
    if (code->incoming) {
        g_array_free(code->incoming, true);
    }
    g_free(code);
}

/* Retire what the blocks since the last catch-up completed (gen_sync). */
static void native_catch_up(const NativeTarget *t, void *env,
                            IrExecState *exec, unsigned time_shift)
{
    uint64_t n = exec->budget_synced - exec->budget;
    uint64_t count;
    int64_t time;

    memcpy(&count, (char *)env + t->count_off, 8);
    memcpy(&time, (char *)env + t->time_off, 8);
    count += n;
    time += (int64_t)(n << time_shift);
    memcpy((char *)env + t->count_off, &count, 8);
    memcpy((char *)env + t->time_off, &time, 8);
    exec->budget_synced = exec->budget;
}

NativeExit native_run(const NativeTarget *t, void *env, TranslationBlock *tb,
                      uint64_t budget, bool chaining)
{
    IrExecState *exec = (IrExecState *)((char *)env + t->exec_off);
    unsigned shift;
    NativeExit r;

    if (chaining && last_exit.from && last_exit.gen == tb_invalidations &&
        tb->cached && !tb->invalid && last_exit.pc == tb->pc &&
        last_exit.from->flags == tb->flags &&
        (last_exit.from->pc >> t->page_bits) == (tb->pc >> t->page_bits)) {
        chain(last_exit.from, last_exit.slot, tb);
    }
    last_exit.from = NULL;
    exec->budget = budget;
    exec->budget_synced = budget;
    /* Read now: a flush inside the run may free TB's code. */
    shift = tb->native->time_shift;
    r = (NativeExit)native_enter(env, tb->native->entry, &exec->budget);
    native_catch_up(t, env, exec, shift);
    if (r == NATIVE_GOTO_TB0 || r == NATIVE_GOTO_TB1) {
        TranslationBlock *from;

        memcpy(&from, (char *)env + t->cur_tb_off, sizeof(from));
        if (from->cached && !from->invalid) {
            last_exit.from = from;
            last_exit.slot = r == NATIVE_GOTO_TB1;
            memcpy(&last_exit.pc, (char *)env + t->pc_off, 8);
            last_exit.gen = tb_invalidations;
        }
    }
    return r;
}
