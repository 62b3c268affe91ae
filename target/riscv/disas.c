/*
 * RISC-V disassembler.
 *
 * The instructions and their operands come from insn32.decode and
 * insn16.decode: scripts/decodegen.py turns each into a DisasPattern array
 * in file order, so the first entry whose mask and match fit the
 * instruction is the one the decoder picks (patterns outside groups never
 * overlap, patterns inside a group are tried in order).  This file only
 * knows how to print each kind of operand.
 *
 * The text follows GNU objdump -M no-aliases (binutils 2.40, privileged
 * spec 1.12 CSR names); tests/unit/decode-test.c compares the two on every
 * instruction of tests/data/isa-all.S.  Deliberate differences:
 *   - a branch or jump target is an absolute "0x..." address, with no
 *     "<symbol>"; mnemonic and operands are separated by one space;
 *   - an unknown encoding is ".insn 0x...", which reassembles to it, where
 *     objdump prints ".2byte"/".4byte";
 *   - an empty fence set is "0" (the spec's "fence w,0"), not "unknown";
 *   - fence with fm, rs1 or rd nonzero, fence.i with nonzero imm, rs1 or
 *     rd, and fcvt.d.s/fcvt.d.w/fcvt.d.wu with a rounding mode other than
 *     rne are printed as the instruction they execute as (the spec has the
 *     hart ignore those fields); objdump prints them as unknown;
 *   - CSRs of extensions kiln does not model (H, V, AIA, Smstateen, Sstc,
 *     the debug triggers beyond tdata3) are printed as numbers.
 */
#include "disas.h"

#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

/* What an operand is, and so how it is printed. */
typedef enum DisasOpKind {
    DISAS_OP_END,           /* ends an operand list */
    DISAS_OP_X,             /* integer register */
    DISAS_OP_F,             /* floating-point register */
    DISAS_OP_IMM,           /* decimal */
    DISAS_OP_HEX,           /* hexadecimal */
    DISAS_OP_UPPER,         /* bits 31:12 of the value, hexadecimal (lui) */
    DISAS_OP_TARGET,        /* pc + value */
    DISAS_OP_CSR,           /* CSR name, else number */
    DISAS_OP_RM,            /* rounding mode, omitted when dyn */
    DISAS_OP_RM_EXACT,      /* rounding mode, omitted when rne */
    DISAS_OP_FENCE,         /* set of i, o, r, w */
    DISAS_OP_AQ,            /* mnemonic suffix */
    DISAS_OP_RL,            /* mnemonic suffix */
} DisasOpKind;

enum {
    DISAS_PAREN = 1 << 0,   /* printed in parentheses */
    DISAS_ATTACH = 1 << 1,  /* follows the previous operand without comma */
};

/* At least scripts/decodegen.py's ASM_MAX_OPS. */
#define DISAS_MAX_OPS 6

typedef struct DisasOperand {
    DisasOpKind kind;
    unsigned flags;
    int (*field)(uint32_t insn);        /* NULL: the value is constant */
    int constant;
} DisasOperand;

typedef struct DisasPattern {
    const char *name;                   /* NULL: a reserved encoding */
    uint32_t mask;
    uint32_t match;
    int xlen;                           /* 0: RV32 and RV64 */
    bool illegal;                       /* decodes to trans_illegal */
    DisasOperand ops[DISAS_MAX_OPS];
} DisasPattern;

#include "disas-insn32.c.inc"
#include "disas-insn16.c.inc"

/* ABI register names (psABI, "Integer/Floating-point Register Convention"). */
static const char *const disas_xreg[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const disas_freg[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* Rounding modes (Spec table 11.1); 5 and 6 are reserved. */
static const char *const disas_rm[8] = {
    "rne", "rtz", "rdn", "rup", "rmm", "unknown", "unknown", "dyn",
};

/* CSRs by number (Priv 1.12 tables 2.2-2.5 and the Debug spec 0.13). */
static const struct {
    uint16_t csr;
    const char *name;
} disas_csrs[] = {
    { 0x001, "fflags" }, { 0x002, "frm" }, { 0x003, "fcsr" },
    { 0x100, "sstatus" }, { 0x104, "sie" }, { 0x105, "stvec" },
    { 0x106, "scounteren" }, { 0x10a, "senvcfg" }, { 0x140, "sscratch" },
    { 0x141, "sepc" }, { 0x142, "scause" }, { 0x143, "stval" },
    { 0x144, "sip" }, { 0x180, "satp" },
    { 0x300, "mstatus" }, { 0x301, "misa" }, { 0x302, "medeleg" },
    { 0x303, "mideleg" }, { 0x304, "mie" }, { 0x305, "mtvec" },
    { 0x306, "mcounteren" }, { 0x30a, "menvcfg" }, { 0x310, "mstatush" },
    { 0x31a, "menvcfgh" }, { 0x320, "mcountinhibit" },
    { 0x340, "mscratch" }, { 0x341, "mepc" }, { 0x342, "mcause" },
    { 0x343, "mtval" }, { 0x344, "mip" }, { 0x34a, "mtinst" },
    { 0x34b, "mtval2" }, { 0x747, "mseccfg" }, { 0x757, "mseccfgh" },
    { 0x7a0, "tselect" }, { 0x7a1, "tdata1" }, { 0x7a2, "tdata2" },
    { 0x7a3, "tdata3" }, { 0x7b0, "dcsr" }, { 0x7b1, "dpc" },
    { 0x7b2, "dscratch0" }, { 0x7b3, "dscratch1" },
    { 0xb00, "mcycle" }, { 0xb02, "minstret" },
    { 0xb80, "mcycleh" }, { 0xb82, "minstreth" },
    { 0xc00, "cycle" }, { 0xc01, "time" }, { 0xc02, "instret" },
    { 0xc80, "cycleh" }, { 0xc81, "timeh" }, { 0xc82, "instreth" },
    { 0xf11, "mvendorid" }, { 0xf12, "marchid" }, { 0xf13, "mimpid" },
    { 0xf14, "mhartid" }, { 0xf15, "mconfigptr" },
};

/* Numbered CSR families: FIRST..LAST are PREFIX<N>SUFFIX, N from BASE. */
static const struct {
    uint16_t first, last;
    unsigned base;
    const char *prefix, *suffix;
} disas_csr_ranges[] = {
    { 0x323, 0x33f, 3, "mhpmevent", "" },
    { 0x723, 0x73f, 3, "mhpmevent", "h" },
    { 0x3a0, 0x3af, 0, "pmpcfg", "" },
    { 0x3b0, 0x3ef, 0, "pmpaddr", "" },
    { 0xb03, 0xb1f, 3, "mhpmcounter", "" },
    { 0xb83, 0xb9f, 3, "mhpmcounter", "h" },
    { 0xc03, 0xc1f, 3, "hpmcounter", "" },
    { 0xc83, 0xc9f, 3, "hpmcounter", "h" },
};

/* Text being built: like snprintf, it counts what did not fit. */
typedef struct DisasBuf {
    char *buf;
    size_t len;
    size_t pos;
} DisasBuf;

static void G_GNUC_PRINTF(2, 3) disas_printf(DisasBuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    if (b->pos < b->len) {
        n = vsnprintf(b->buf + b->pos, b->len - b->pos, fmt, ap);
    } else {
        n = vsnprintf(NULL, 0, fmt, ap);
    }
    va_end(ap);
    b->pos += n > 0 ? (size_t)n : 0;
}

static void disas_csr(DisasBuf *b, unsigned csr)
{
    for (size_t i = 0; i < G_N_ELEMENTS(disas_csrs); i++) {
        if (disas_csrs[i].csr == csr) {
            disas_printf(b, "%s", disas_csrs[i].name);
            return;
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(disas_csr_ranges); i++) {
        if (csr >= disas_csr_ranges[i].first && csr <= disas_csr_ranges[i].last) {
            disas_printf(b, "%s%u%s", disas_csr_ranges[i].prefix,
                         csr - disas_csr_ranges[i].first + disas_csr_ranges[i].base,
                         disas_csr_ranges[i].suffix);
            return;
        }
    }
    disas_printf(b, "0x%x", csr);
}

static void disas_fence_set(DisasBuf *b, unsigned set)
{
    if (!set) {
        disas_printf(b, "0");
        return;
    }
    disas_printf(b, "%s%s%s%s", set & 8 ? "i" : "", set & 4 ? "o" : "",
                 set & 2 ? "r" : "", set & 1 ? "w" : "");
}

/* Print one operand; nothing when it is one objdump leaves out. */
static void disas_operand(DisasBuf *b, DisasOpKind kind, int v, uint64_t pc,
                          int xlen)
{
    uint64_t target;

    switch (kind) {
    case DISAS_OP_X:
        disas_printf(b, "%s", disas_xreg[v & 31]);
        break;
    case DISAS_OP_F:
        disas_printf(b, "%s", disas_freg[v & 31]);
        break;
    case DISAS_OP_IMM:
        disas_printf(b, "%d", v);
        break;
    case DISAS_OP_HEX:
        disas_printf(b, "0x%x", (unsigned)v);
        break;
    case DISAS_OP_UPPER:
        disas_printf(b, "0x%x", ((uint32_t)v >> 12) & 0xfffff);
        break;
    case DISAS_OP_TARGET:
        target = pc + (uint64_t)(int64_t)v;
        if (xlen == 32) {
            target &= UINT32_MAX;
        }
        disas_printf(b, "0x%" PRIx64, target);
        break;
    case DISAS_OP_CSR:
        disas_csr(b, (unsigned)v);
        break;
    case DISAS_OP_RM:
        if (v != 7) {
            disas_printf(b, "%s", disas_rm[v & 7]);
        }
        break;
    case DISAS_OP_RM_EXACT:
        if (v != 0) {
            disas_printf(b, "%s", disas_rm[v & 7]);
        }
        break;
    case DISAS_OP_FENCE:
        disas_fence_set(b, (unsigned)v);
        break;
    case DISAS_OP_END:
    case DISAS_OP_AQ:
    case DISAS_OP_RL:
        break;
    }
}

static int disas_value(const DisasOperand *op, uint32_t insn)
{
    return op->field ? op->field(insn) : op->constant;
}

static const DisasPattern *disas_lookup(uint32_t insn, int xlen, int *length)
{
    const DisasPattern *table = disas_insn32_patterns;
    size_t n = G_N_ELEMENTS(disas_insn32_patterns);

    *length = 4;
    if ((insn & 3) != 3) {
        /* Spec 1.5: the low two bits of a 16-bit instruction are not 11. */
        insn &= 0xffff;
        table = disas_insn16_patterns;
        n = G_N_ELEMENTS(disas_insn16_patterns);
        *length = 2;
    }
    for (size_t i = 0; i < n; i++) {
        if ((insn & table[i].mask) == table[i].match &&
            (table[i].xlen == 0 || table[i].xlen == xlen)) {
            return &table[i];
        }
    }
    return NULL;
}

bool riscv_insn_valid(uint32_t insn, int xlen)
{
    int length;

    const DisasPattern *p = disas_lookup(insn, xlen, &length);

    return p && !p->illegal;
}

int riscv_disas(char *buf, size_t len, uint64_t pc, uint32_t insn, int xlen)
{
    DisasBuf b = { .buf = buf, .len = len };
    int length;
    const DisasPattern *p = disas_lookup(insn, xlen, &length);
    bool aq = false, rl = false;
    bool first = true;

    if (len) {
        buf[0] = '\0';
    }
    if (!p || !p->name) {
        if (length == 2) {
            disas_printf(&b, ".insn 0x%04x", insn & 0xffff);
        } else {
            disas_printf(&b, ".insn 0x%08x", insn);
        }
        return length;
    }
    if (length == 2) {
        insn &= 0xffff;
    }

    /* Atomics carry their ordering in the mnemonic: "lr.w.aqrl". */
    for (const DisasOperand *op = p->ops; op < p->ops + DISAS_MAX_OPS &&
         op->kind != DISAS_OP_END; op++) {
        aq |= op->kind == DISAS_OP_AQ && disas_value(op, insn);
        rl |= op->kind == DISAS_OP_RL && disas_value(op, insn);
    }
    disas_printf(&b, "%s%s%s", p->name, aq ? ".aq" : (rl ? "." : ""),
                 rl ? "rl" : "");

    for (const DisasOperand *op = p->ops; op < p->ops + DISAS_MAX_OPS &&
         op->kind != DISAS_OP_END; op++) {
        char text[32];
        DisasBuf t = { .buf = text, .len = sizeof(text) };

        disas_operand(&t, op->kind, disas_value(op, insn), pc, xlen);
        if (!t.pos) {
            continue;
        }
        disas_printf(&b, "%s%s%s%s", first ? " " :
                     (op->flags & DISAS_ATTACH) ? "" : ",",
                     op->flags & DISAS_PAREN ? "(" : "", text,
                     op->flags & DISAS_PAREN ? ")" : "");
        first = false;
    }
    return length;
}
