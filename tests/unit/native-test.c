/*
 * The native backend against the IR interpreter, which is the reference.
 *
 * /native/random: thousands of random RV64GC programs (integer, M, loads
 * and stores across a page end and to a UART, forward branches and
 * counted loops, jal/jalr, compressed instructions, F and D, CSR reads of
 * the counters, stores into the code ahead, fence.i, illegal CSRs and
 * wild addresses that trap) run on a virt hart for a fixed instruction
 * budget under each backend; every architectural register, the counters,
 * the trap CSRs and the memory they touch must come out identical.
 *
 * /native/small-buffer: the same with a code buffer so small that it
 * fills and is flushed over and over.
 *
 * /native/elf: each program in KILN_NATIVE_ELFS (the ISA tests, the demo
 * firmware) boots on a fresh board in a child process under each backend;
 * the console output, the exit status and the final instruction count
 * must be identical.
 */
#include "kiln/board.h"
#include "kiln/chardev.h"
#include "kiln/clock.h"
#include "../../system/system.h"
#include "../../target/riscv/boot.h"
#include "../../target/riscv/cpu.h"
#include "../../target/riscv/translate.h"
#include "../../tcg/tb.h"
#include "../../tcg/native.h"

#include <sys/wait.h>
#include <unistd.h>

#define CODE 0x80000000ull
#define TRAP (CODE + 0x1000)
#define DATA 0x80010000ull
#define DATA_BASE (DATA + 0xff0)    /* near a page end: accesses cross it */
#define DATA_SIZE 0x2000
#define T0 1000000
#define RUN_INSNS 400
#define MAX_ITEMS 64

/* Registers the programs keep: data bases, code base, a word to store, a counter. */
static const unsigned reserved[] = { 2, 8, 28, 29, 30, 31 };

static Machine *machine;
static RiscvCpu *cpu;
static uint8_t *ram;

static Machine *build_virt(void)
{
    size_t size;
    const void *dtb = board_builtin_dtb("virt", &size);
    Machine *m = machine_new("virt");
    g_autoptr(GError) err = NULL;

    RiscvBootOptions boot = { .bios = "none" };

    g_assert_true(board_build(m, dtb, size, "virt.dts", &err));
    g_assert_no_error(err);
    g_assert_true(riscv_boot_setup(m, &boot, &err));
    machine_reset(m);
    return m;
}

/* --- encodings (Unprivileged ISA 2.2, 2.3, 16.2) --- */

static uint32_t r_type(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3,
                       unsigned rd, unsigned opc)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t i_type(int imm, unsigned rs1, unsigned f3, unsigned rd,
                       unsigned opc)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t s_type(int imm, unsigned rs2, unsigned rs1, unsigned f3,
                       unsigned opc)
{
    uint32_t u = (uint32_t)imm;

    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u & 0x1f) << 7 | opc;
}

static uint32_t b_type(int imm, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)imm;

    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 |
           rs1 << 15 | f3 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 |
           0x63;
}

static uint32_t j_type(int imm, unsigned rd)
{
    uint32_t u = (uint32_t)imm;

    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 |
           ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

/* --- random programs --- */

typedef enum ItemKind {
    ITEM_PLAIN,
    ITEM_BRANCH,        /* insn without offset; target item */
    ITEM_JAL,
    ITEM_AUIPC_JALR,    /* auipc rd, 0 then jalr: two words */
    ITEM_LOOP_BACK,     /* bne x28, x0 back to target */
    ITEM_SMC,           /* sw x29 over the target item */
} ItemKind;

typedef struct Item {
    ItemKind kind;
    uint32_t insn;
    uint32_t insn2;
    unsigned len;
    int target;
    unsigned pos;
} Item;

typedef struct Program {
    Item items[MAX_ITEMS + 8];
    int n;
} Program;

static bool is_reserved(unsigned r)
{
    for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
        if (reserved[i] == r) {
            return true;
        }
    }
    return false;
}

static unsigned rand_rd(GRand *r)
{
    unsigned rd;

    do {
        rd = (unsigned)g_rand_int_range(r, 0, 32);
    } while (is_reserved(rd));
    return rd;
}

static unsigned rand_rs(GRand *r)
{
    return (unsigned)g_rand_int_range(r, 0, 32);
}

static int rand_imm12(GRand *r)
{
    static const int edges[] = { 0, 1, -1, 2047, -2048, 31, 32, 63, 64 };

    if (g_rand_boolean(r)) {
        return edges[g_rand_int_range(r, 0, ARRAY_SIZE(edges))];
    }
    return g_rand_int_range(r, -2048, 2048);
}

static void add(Program *p, ItemKind kind, uint32_t insn, unsigned len,
                int target)
{
    Item *it = &p->items[p->n++];

    it->kind = kind;
    it->insn = insn;
    it->len = len;
    it->target = target;
}

static void add32(Program *p, uint32_t insn)
{
    add(p, ITEM_PLAIN, insn, 4, -1);
}

static void add16(Program *p, uint16_t insn)
{
    add(p, ITEM_PLAIN, insn, 2, -1);
}

static void gen_alu(Program *p, GRand *r)
{
    static const unsigned op_f3_f7[][2] = {
        { 0, 0 }, { 0, 0x20 }, { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 },
        { 5, 0 }, { 5, 0x20 }, { 6, 0 }, { 7, 0 },
        { 0, 1 }, { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 1 }, { 5, 1 }, { 6, 1 },
        { 7, 1 },
    };
    static const unsigned opw_f3_f7[][2] = {
        { 0, 0 }, { 0, 0x20 }, { 1, 0 }, { 5, 0 }, { 5, 0x20 },
        { 0, 1 }, { 4, 1 }, { 5, 1 }, { 6, 1 }, { 7, 1 },
    };
    unsigned rd = rand_rd(r), rs1 = rand_rs(r), rs2 = rand_rs(r);
    int k = g_rand_int_range(r, 0, 8);

    switch (k) {
    case 0:
    case 1: {
        unsigned i = (unsigned)g_rand_int_range(r, 0, ARRAY_SIZE(op_f3_f7));

        add32(p, r_type(op_f3_f7[i][1], rs2, rs1, op_f3_f7[i][0], rd, 0x33));
        break;
    }
    case 2: {
        unsigned i = (unsigned)g_rand_int_range(r, 0, ARRAY_SIZE(opw_f3_f7));

        add32(p, r_type(opw_f3_f7[i][1], rs2, rs1, opw_f3_f7[i][0], rd, 0x3b));
        break;
    }
    case 3: {
        static const unsigned f3s[] = { 0, 2, 3, 4, 6, 7 };

        add32(p, i_type(rand_imm12(r), rs1, f3s[g_rand_int_range(r, 0, 6)], rd,
                        0x13));
        break;
    }
    case 4: {
        unsigned sh = (unsigned)g_rand_int_range(r, 0, 64);
        static const unsigned kinds[][2] = { { 1, 0 }, { 5, 0 }, { 5, 0x10 } };
        unsigned i = (unsigned)g_rand_int_range(r, 0, 3);

        add32(p, (kinds[i][1] << 26) | (sh << 20) | rs1 << 15 | kinds[i][0] << 12 |
                 rd << 7 | 0x13);
        break;
    }
    case 5:
        if (g_rand_boolean(r)) {
            add32(p, i_type(rand_imm12(r), rs1, 0, rd, 0x1b));       /* addiw */
        } else {
            unsigned sh = (unsigned)g_rand_int_range(r, 0, 32);
            static const unsigned kinds[][2] = { { 1, 0 }, { 5, 0 }, { 5, 0x20 } };
            unsigned i = (unsigned)g_rand_int_range(r, 0, 3);

            add32(p, (kinds[i][1] << 25) | (sh << 20) | rs1 << 15 |
                     kinds[i][0] << 12 | rd << 7 | 0x1b);
        }
        break;
    case 6:
        add32(p, (g_rand_int(r) & 0xfffff000u) | rd << 7 |
                 (g_rand_boolean(r) ? 0x37u : 0x17u));           /* lui, auipc */
        break;
    default: {
        /* Zba/Zbb: sh1add, andn, clz/ctz/cpop, rol, rev8 */
        static const uint32_t fixed[] = {
            0x20002033, 0x40007033, 0x60001013, 0x60101013, 0x60201013,
            0x60001033, 0x6b805013, 0x2000203b, 0x0800403b,
        };
        uint32_t base = fixed[g_rand_int_range(r, 0, ARRAY_SIZE(fixed))];

        /* Keep the opcode and function bits; pick the registers. */
        base &= ~((0x1fu << 7) | (0x1fu << 15));
        if ((base & 0x7f) == 0x33 || (base & 0x7f) == 0x3b) {
            base = (base & ~(0x1fu << 20)) | rs2 << 20;
        }
        add32(p, base | rd << 7 | rs1 << 15);
        break;
    }
    }
}

static void gen_mem(Program *p, GRand *r)
{
    unsigned rd = rand_rd(r);
    int off = g_rand_int_range(r, -40, 40);
    int k = g_rand_int_range(r, 0, 10);

    if (k == 7 && g_rand_int_range(r, 0, 4)) {
        k = 0;      /* wild loads: now and then only, they end the program */
    }
    if (k < 4) {
        static const unsigned f3s[] = { 0, 1, 2, 3, 4, 5, 6 };

        add32(p, i_type(off, 31, f3s[g_rand_int_range(r, 0, 7)], rd, 0x03));
    } else if (k < 7) {
        add32(p, s_type(off, rand_rs(r), 31, (unsigned)g_rand_int_range(r, 0, 4),
                        0x23));
    } else if (k == 7) {
        /* A load through a register's random value: mostly an access fault. */
        add32(p, i_type(0, rand_rs(r), 3, rd, 0x03));
    } else if (k == 8) {
        /* The UART's line status register: MMIO through the slow path. */
        add32(p, (0x10000u << 12) | rd << 7 | 0x37);
        add32(p, i_type(5, rd, 4, rd, 0x03));
    } else {
        /* fld / fsd */
        if (g_rand_boolean(r)) {
            add32(p, i_type(off, 31, 3, (unsigned)g_rand_int_range(r, 0, 32), 0x07));
        } else {
            add32(p, s_type(off, (unsigned)g_rand_int_range(r, 0, 32), 31, 3, 0x27));
        }
    }
}

static void gen_compressed(Program *p, GRand *r)
{
    unsigned rd = rand_rd(r);
    unsigned rdp = (unsigned)g_rand_int_range(r, 1, 8);      /* x9..x15 */
    unsigned rs2p = (unsigned)g_rand_int_range(r, 0, 8);
    unsigned imm = (unsigned)g_rand_int_range(r, 0, 64);
    int k = g_rand_int_range(r, 0, 9);

    if (rd == 0) {
        rd = 5;
    }
    switch (k) {
    case 0:     /* c.addi */
        add16(p, (uint16_t)(((imm >> 5) & 1) << 12 | rd << 7 | (imm & 0x1f) << 2 | 1));
        break;
    case 1:     /* c.li */
        add16(p, (uint16_t)(0x4000 | ((imm >> 5) & 1) << 12 | rd << 7 |
                            (imm & 0x1f) << 2 | 1));
        break;
    case 2:     /* c.mv / c.add */
        add16(p, (uint16_t)((g_rand_boolean(r) ? 0x8002 : 0x9002) | rd << 7 |
                            (rand_rs(r) | 1) << 2));
        break;
    case 3:     /* c.sub, c.xor, c.or, c.and, c.subw, c.addw */
        add16(p, (uint16_t)((g_rand_boolean(r) ? 0x8c01 : 0x9c01) | rdp << 7 |
                            (unsigned)g_rand_int_range(r, 0, 4) << 5 | rs2p << 2));
        break;
    case 4:     /* c.slli */
        add16(p, (uint16_t)(0x0002 | ((imm >> 5) & 1) << 12 | rd << 7 |
                            (imm & 0x1f) << 2));
        break;
    case 5:     /* c.srli, c.srai, c.andi */
        add16(p, (uint16_t)(0x8001 | ((imm >> 5) & 1) << 12 |
                            (unsigned)g_rand_int_range(r, 0, 3) << 10 | rdp << 7 |
                            (imm & 0x1f) << 2));
        break;
    case 6: {   /* c.lw / c.sw off(x8) */
        unsigned off = 4 * (unsigned)g_rand_int_range(r, 0, 4);

        add16(p, (uint16_t)((g_rand_boolean(r) ? 0x4000 : 0xc000) |
                            ((off >> 3) & 7) << 10 | ((off >> 2) & 1) << 6 |
                            ((off >> 6) & 1) << 5 | rdp << 2));
        break;
    }
    case 7: {   /* c.ld / c.sd off(x8) */
        unsigned off = 8 * (unsigned)g_rand_int_range(r, 0, 2);

        add16(p, (uint16_t)((g_rand_boolean(r) ? 0x6000 : 0xe000) |
                            ((off >> 3) & 7) << 10 | ((off >> 6) & 3) << 5 |
                            rdp << 2));
        break;
    }
    default:    /* c.nop */
        add16(p, 0x0001);
        break;
    }
}

static void gen_fp(Program *p, GRand *r)
{
    unsigned fd = (unsigned)g_rand_int_range(r, 0, 32);
    unsigned f1 = (unsigned)g_rand_int_range(r, 0, 32);
    unsigned f2 = (unsigned)g_rand_int_range(r, 0, 32);
    unsigned rm = g_rand_boolean(r) ? 7 : (unsigned)g_rand_int_range(r, 0, 5);
    int k = g_rand_int_range(r, 0, 9);

    switch (k) {
    case 0: {
        static const unsigned f7s[] = { 0x01, 0x05, 0x09, 0x0d, 0x00, 0x04, 0x08 };

        add32(p, r_type(f7s[g_rand_int_range(r, 0, 7)], f2, f1, rm, fd, 0x53));
        break;
    }
    case 1:     /* fsgnj[n|x].d, fmin/fmax.d */
        add32(p, r_type(g_rand_boolean(r) ? 0x11 : 0x15, f2, f1,
                        (unsigned)g_rand_int_range(r, 0, 2), fd, 0x53));
        break;
    case 2:     /* feq/flt/fle.d */
        add32(p, r_type(0x51, f2, f1, (unsigned)g_rand_int_range(r, 0, 3),
                        rand_rd(r), 0x53));
        break;
    case 3:     /* fcvt.l.d, fcvt.w.d */
        add32(p, r_type(0x61, (unsigned)g_rand_int_range(r, 0, 4), f1, rm,
                        rand_rd(r), 0x53));
        break;
    case 4:     /* fcvt.d.l */
        add32(p, r_type(0x69, (unsigned)g_rand_int_range(r, 0, 4), rand_rs(r),
                        rm, fd, 0x53));
        break;
    case 5:     /* fmv.x.d, fmv.d.x */
        if (g_rand_boolean(r)) {
            add32(p, r_type(0x71, 0, f1, 0, rand_rd(r), 0x53));
        } else {
            add32(p, r_type(0x79, 0, rand_rs(r), 0, fd, 0x53));
        }
        break;
    case 6:     /* fmadd.d and friends */
        add32(p, (unsigned)g_rand_int_range(r, 0, 32) << 27 | 1u << 25 | f2 << 20 |
                 f1 << 15 | rm << 12 | fd << 7 |
                 (0x43u + 4u * (unsigned)g_rand_int_range(r, 0, 4)));
        break;
    case 7:     /* fsqrt.d, fcvt.s.d */
        if (g_rand_boolean(r)) {
            add32(p, r_type(0x2d, 0, f1, rm, fd, 0x53));
        } else {
            add32(p, r_type(0x20, 1, f1, rm, fd, 0x53));
        }
        break;
    default:    /* fclass.d */
        add32(p, r_type(0x71, 0, f1, 1, rand_rd(r), 0x53));
        break;
    }
}

static void gen_csr(Program *p, GRand *r)
{
    static const unsigned csrs[] = {
        0xb02, 0xb00, 0x300, 0x301, 0xf14, 0x001, 0x002, 0x003, 0x340,
        0xc00, 0xc02, 0x344, 0x7c0,
    };
    unsigned csr = csrs[g_rand_int_range(r, 0, ARRAY_SIZE(csrs))];

    if (g_rand_int_range(r, 0, 4) == 0) {
        add32(p, i_type((int)0x340, rand_rs(r), 1, rand_rd(r), 0x73)); /* csrrw mscratch */
    } else {
        add32(p, i_type((int)csr, 0, 2, rand_rd(r), 0x73));
    }
}

static void gen_program(Program *p, GRand *r)
{
    int want = g_rand_int_range(r, 8, MAX_ITEMS - 8);

    p->n = 0;
    while (p->n < want) {
        int k = g_rand_int_range(r, 0, 100);

        if (k < 30) {
            gen_alu(p, r);
        } else if (k < 48) {
            gen_mem(p, r);
        } else if (k < 60) {
            gen_compressed(p, r);
        } else if (k < 70) {
            gen_fp(p, r);
        } else if (k < 76) {
            gen_csr(p, r);
        } else if (k < 84) {
            static const unsigned f3s[] = { 0, 1, 4, 5, 6, 7 };

            add(p, ITEM_BRANCH, b_type(0, rand_rs(r), rand_rs(r),
                                       f3s[g_rand_int_range(r, 0, 6)]), 4, -1);
        } else if (k < 87) {
            add(p, ITEM_JAL, j_type(0, rand_rd(r)), 4, -1);
        } else if (k < 89) {
            add(p, ITEM_AUIPC_JALR, 0, 8, -1);
            p->items[p->n - 1].insn = rand_rd(r);
            p->items[p->n - 1].insn2 = rand_rd(r);
        } else if (k < 93) {
            /* A counted loop over a few ALU instructions. */
            int top;

            add32(p, i_type(g_rand_int_range(r, 1, 12), 0, 0, 28, 0x13));
            top = p->n;
            for (int j = g_rand_int_range(r, 1, 4); j > 0; j--) {
                /* Passes of the body are one block (translate.c): loads repeat. */
                if (g_rand_int_range(r, 0, 3) == 0) {
                    gen_mem(p, r);
                } else {
                    gen_alu(p, r);
                }
            }
            add32(p, i_type(-1, 28, 0, 28, 0x13));
            add(p, ITEM_LOOP_BACK, 0, 4, top);
        } else if (k < 97) {
            add(p, ITEM_SMC, 0, 4, -1);
        } else {
            add32(p, 0x0000100f);                           /* fence.i */
        }
    }
    add32(p, j_type(0, 0));                                 /* j . */
    /* Forward targets, now that the program's length is known. */
    for (int i = 0; i < p->n - 1; i++) {
        Item *it = &p->items[i];

        if (it->kind == ITEM_BRANCH || it->kind == ITEM_JAL ||
            it->kind == ITEM_AUIPC_JALR) {
            it->target = g_rand_int_range(r, i + 1, p->n);
        } else if (it->kind == ITEM_SMC) {
            /* Overwrite a later 4-byte instruction. */
            int t = g_rand_int_range(r, i + 1, p->n);

            while (t < p->n - 1 && p->items[t].len != 4) {
                t++;
            }
            it->target = t;
        }
    }
}

static void place_program(Program *p, uint8_t *code)
{
    unsigned pos = 0;

    for (int i = 0; i < p->n; i++) {
        p->items[i].pos = pos;
        pos += p->items[i].len;
    }
    for (int i = 0; i < p->n; i++) {
        Item *it = &p->items[i];
        int off = it->target >= 0 ? (int)p->items[it->target].pos - (int)it->pos : 0;
        uint32_t w = it->insn;

        switch (it->kind) {
        case ITEM_PLAIN:
            break;
        case ITEM_BRANCH:
            w = it->insn | b_type(off, 0, 0, 0);
            break;
        case ITEM_JAL:
            w = it->insn | j_type(off, 0);
            break;
        case ITEM_LOOP_BACK:
            w = b_type(off, 0, 28, 1);
            break;
        case ITEM_SMC:
            w = s_type((int)p->items[it->target].pos, 29, 30, 2, 0x23);
            break;
        case ITEM_AUIPC_JALR:
            w = 0x17 | it->insn << 7;
            memcpy(code + it->pos + 4, &(uint32_t){ i_type(off, it->insn, 0,
                                                           it->insn2, 0x67) }, 4);
            break;
        }
        memcpy(code + it->pos, &w, MIN(it->len, 4u));
    }
}

/* --- running and comparing --- */

typedef struct Snapshot {
    uint64_t x[32], f[32];
    uint64_t pc, instret, mstatus, mcause, mepc, mtval, mscratch;
    int64_t time;
    uint32_t fflags, frm, priv;
    uint8_t data[DATA_SIZE];
    uint8_t code[0x200];
} Snapshot;

static void set_state(const uint64_t *x, const uint64_t *f)
{
    memcpy(cpu->x, x, sizeof(cpu->x));
    memcpy(cpu->f, f, sizeof(cpu->f));
    cpu->x[0] = 0;
    cpu->x[2] = cpu->x[8] = cpu->x[31] = DATA_BASE;
    cpu->x[30] = CODE;
    cpu->x[29] = 0x00128293;                /* addi t0, t0, 1 */
    cpu->x[28] = 3;
    cpu->pc = CODE;
    riscv_set_priv(cpu, PRV_M);
    cpu->mstatus = 1ull << MSTATUS_FS_SHIFT;
    cpu->mtvec = TRAP;
    cpu->mcause = cpu->mepc = cpu->mtval = cpu->mscratch = 0;
    cpu->instret = 0;
    cpu->cycle_offset = 0;
    cpu->time = T0;
    cpu->fflags = cpu->frm = 0;
    cpu->wfi = false;
    riscv_tlb_flush(cpu);
}

static void snapshot(Snapshot *s)
{
    memcpy(s->x, cpu->x, sizeof(s->x));
    memcpy(s->f, cpu->f, sizeof(s->f));
    s->pc = cpu->pc;
    s->instret = cpu->instret;
    s->mstatus = cpu->mstatus;
    s->mcause = cpu->mcause;
    s->mepc = cpu->mepc;
    s->mtval = cpu->mtval;
    s->mscratch = cpu->mscratch;
    s->time = cpu->time;
    s->fflags = cpu->fflags;
    s->frm = cpu->frm;
    s->priv = cpu->priv;
    memcpy(s->data, ram + (DATA - CODE), DATA_SIZE);
    memcpy(s->code, ram, sizeof(s->code));
}

static void run_once(TbBackend backend, const Program *prog, const uint64_t *x,
                     const uint64_t *f, const uint8_t *data, Snapshot *out)
{
    static const uint32_t trap_loop = 0x0000006f;       /* j . */

    tb_set_backend(backend);
    memset(ram, 0, 0x200);
    place_program((Program *)prog, ram);
    memcpy(ram + (TRAP - CODE), &trap_loop, 4);
    memcpy(ram + (DATA - CODE), data, DATA_SIZE);
    set_state(x, f);
    riscv_cpus_run(T0 + RUN_INSNS);
    snapshot(out);
}

static void report_difference(const Snapshot *a, const Snapshot *b)
{
    for (int i = 0; i < 32; i++) {
        if (a->x[i] != b->x[i]) {
            g_test_message("x%d: interp %016" PRIx64 " native %016" PRIx64, i,
                           a->x[i], b->x[i]);
        }
        if (a->f[i] != b->f[i]) {
            g_test_message("f%d: interp %016" PRIx64 " native %016" PRIx64, i,
                           a->f[i], b->f[i]);
        }
    }
    g_test_message("pc %" PRIx64 "/%" PRIx64 " instret %" PRIu64 "/%" PRIu64
                   " mcause %" PRIx64 "/%" PRIx64 " mepc %" PRIx64 "/%" PRIx64
                   " time %" PRId64 "/%" PRId64,
                   a->pc, b->pc, a->instret, b->instret, a->mcause, b->mcause,
                   a->mepc, b->mepc, a->time, b->time);
}

static void dump_program(const Program *p)
{
    for (int i = 0; i < p->n; i++) {
        g_test_message("  +%03x: %08x", p->items[i].pos, p->items[i].insn);
    }
}

static void run_random(unsigned count, uint32_t seed)
{
    GRand *r = g_rand_new_with_seed(seed);
    static Snapshot a, b;
    static uint8_t data[DATA_SIZE];
    unsigned traps = 0, causes[16] = { 0 };
    uint64_t before_trap = 0;
    /*
     * The overflow cases of division (and shifts and compares) need these;
     * the ones about 2^30 and 2^31 sit where a 32-bit sum starts to wrap,
     * which native code's sign-bit reasoning must get right.
     */
    static const uint64_t edges[] = {
        0x8000000000000000ull, 0xffffffff80000000ull, 0x80000000ull,
        UINT64_MAX, 0xffffffffull, 0x3fffffffull, 0x40000000ull,
        0xffffffffc0000000ull, 0x7fffffffull,
    };

    for (unsigned n = 0; n < count; n++) {
        Program prog;
        uint64_t x[32], f[32];

        gen_program(&prog, r);
        for (int i = 0; i < 32; i++) {
            x[i] = g_rand_boolean(r) ? (uint64_t)g_rand_int_range(r, -100, 100)
                                     : (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
            if (g_rand_int_range(r, 0, 8) == 0) {
                x[i] = edges[g_rand_int_range(r, 0, ARRAY_SIZE(edges))];
            }
            f[i] = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
            if (i % 4 == 0) {
                f[i] |= 0xffffffff00000000ull;      /* a NaN-boxed single */
            }
        }
        for (size_t i = 0; i < DATA_SIZE; i++) {
            data[i] = (uint8_t)g_rand_int(r);
        }
        run_once(TB_BACKEND_INTERP, &prog, x, f, data, &a);
        run_once(TB_BACKEND_NATIVE, &prog, x, f, data, &b);
        if (memcmp(&a, &b, sizeof(a)) != 0) {
            g_test_message("program %u (seed %u) differs:", n, seed);
            dump_program(&prog);
            report_difference(&a, &b);
            g_assert_not_reached();
        }
        if (a.mcause) {
            traps++;
            causes[a.mcause & 15]++;
            before_trap += a.mepc >= CODE && a.mepc < TRAP ? a.mepc - CODE : 0;
        }
    }
    g_test_message("%u programs, %u trapped (illegal %u, load access %u, "
                   "store access %u), trap at +%" PRIu64 " bytes on average",
                   count, traps, causes[EXC_ILLEGAL_INST], causes[EXC_LOAD_ACCESS],
                   causes[EXC_STORE_ACCESS], traps ? before_trap / traps : 0);
    /* The generator must reach the trap paths, or the test proves less. */
    g_assert_cmpuint(traps, >, count / 20);
    g_rand_free(r);
}

static void test_random(void)
{
    g_assert_true(native_available());
    run_random(g_test_slow() ? 20000 : 3000, 1);
}

static void test_small_buffer(void)
{
    native_set_buffer_size(16 << 10);
    run_random(300, 2);
    native_set_buffer_size(64 << 20);
}

/*
 * Counters inside a chained run: a loop (chained from its third pass on)
 * loads from one page lower each pass, with a TLB miss every time, until
 * it leaves RAM and faults.  The blocks chained before the fault must be
 * retired when it is taken, though no exit to the loop came between: the
 * trap handler reads minstret.
 */
static void test_fault_in_chain(void)
{
    static Snapshot a, b;
    static const uint8_t data[DATA_SIZE];
    static const uint64_t zero[32];
    Program prog = { .n = 0 };

    add32(&prog, 10 << 7 | 0x17);                           /* auipc a0, 0 */
    add32(&prog, i_type(9 * 4, 10, 0, 10, 0x13));           /* addi a0, a0, handler */
    add32(&prog, i_type(0x305, 10, 1, 0, 0x73));            /* csrw mtvec, a0 */
    add32(&prog, 4u << 12 | 5 << 7 | 0x37);                 /* lui t0, 4 */
    add32(&prog, r_type(0, 5, 30, 0, 6, 0x33));             /* add t1, t5, t0 */
    add32(&prog, 1u << 12 | 7 << 7 | 0x37);                 /* lui t2, 1 */
    add32(&prog, i_type(0, 6, 3, 9, 0x03));                 /* ld s1, 0(t1) */
    add32(&prog, r_type(0x20, 7, 6, 0, 6, 0x33));           /* sub t1, t1, t2 */
    add(&prog, ITEM_JAL, 0, 4, 6);                          /* j back to the ld */
    add32(&prog, i_type(0xb02, 0, 2, 18, 0x73));            /* handler: csrr s2, minstret */
    add(&prog, ITEM_JAL, 0, 4, 10);                         /* j . */
    run_once(TB_BACKEND_INTERP, &prog, zero, zero, data, &a);
    run_once(TB_BACKEND_NATIVE, &prog, zero, zero, data, &b);
    g_assert_cmpuint(a.mcause, ==, EXC_LOAD_ACCESS);
    g_assert_cmphex(a.mtval, ==, CODE - 0x1000);
    /* 6 before the loop, 3 for each of 5 passes; the sixth ld faults. */
    g_assert_cmpuint(a.x[18], ==, 6 + 5 * 3);
    if (memcmp(&a, &b, sizeof(a)) != 0) {
        report_difference(&a, &b);
        g_assert_not_reached();
    }
}

/*
 * A loop whose body is a whole block is translated as several passes of
 * it in one block (target/riscv/translate.c), each pass taking its
 * instructions from the budget as it begins.  Here the budget runs out
 * inside the loop: both backends must stop at the same instruction.
 */
static void test_loop_passes(void)
{
    static Snapshot a, b;
    static const uint8_t data[DATA_SIZE];
    static const uint64_t zero[32];
    Program prog = { .n = 0 };
    TranslationBlock *tb;

    add32(&prog, i_type(200, 0, 0, 28, 0x13));              /* li x28, 200 */
    add32(&prog, i_type(3, 11, 0, 11, 0x13));               /* loop: addi a1, a1, 3 */
    add32(&prog, i_type(-1, 28, 0, 28, 0x13));              /* addi x28, x28, -1 */
    add(&prog, ITEM_LOOP_BACK, 0, 4, 1);                    /* bnez x28, loop */
    run_once(TB_BACKEND_INTERP, &prog, zero, zero, data, &a);
    run_once(TB_BACKEND_NATIVE, &prog, zero, zero, data, &b);
    g_assert_cmpuint(a.instret, ==, RUN_INSNS);
    /* 1 + 3 a pass: the run ends with pass 133. */
    g_assert_cmpuint(a.x[11], ==, 3 * 133);
    g_assert_cmpuint(a.x[28], ==, 200 - 133);
    if (memcmp(&a, &b, sizeof(a)) != 0) {
        report_difference(&a, &b);
        g_assert_not_reached();
    }

    /*
     * The loop's block holds several passes and starts with the budget of
     * one: with less than the block but a pass's worth it is still the
     * block that runs, not a one-off shorter one.
     */
    cpu->pc = CODE + 4;
    tb = riscv_tb_find(cpu, 5);
    g_assert_cmpuint(tb->entry_insns, ==, 3);
    g_assert_cmpuint(tb->ninsns, >, 3);
    g_assert_cmpuint(tb->ninsns % 3, ==, 0);
    g_assert_true(tb->cached);

    /*
     * With less than a pass: a block cut to the budget, kept for the next
     * time the hart comes there with that budget (a timer-driven guest
     * does, at every deadline), not translated again.
     */
    tb = riscv_tb_find(cpu, 2);
    g_assert_cmpuint(tb->ninsns, ==, 2);
    g_assert_true(tb->cached);
    g_assert_true(riscv_tb_find(cpu, 2) == tb);
    g_assert_true(riscv_tb_find(cpu, 1) != tb);
}

/* --- whole programs in child processes --- */

/* Run ELF on a fresh board; write "status instret" then the console to OUT. */
static void child_run_elf(const char *elf, TbBackend backend, const char *out)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *console = g_strdup_printf("%s.console", out);
    g_autofree char *spec = g_strdup_printf("file:%s", console);
    g_autofree char *text = NULL;
    g_autofree char *result = NULL;
    RiscvBootOptions boot = { .bios = elf };
    Machine *m;
    RiscvCpu *c;

    g_autofree char *head = NULL;
    /* An RV32 program (ELFCLASS32) runs on the RV32 board. */
    const char *board = g_file_get_contents(elf, &head, NULL, NULL) &&
                        head[4] == 1 ? "virt32" : "virt";

    /* This process's board is the parent's: replace it. */
    machine_free(machine);
    tb_set_backend(backend);
    chardev_new_simple(spec, "serial0", &err);
    g_assert_no_error(err);
    clock_init();
    m = machine_new("virt");
    {
        size_t size;
        const void *dtb = board_builtin_dtb(board, &size);

        g_assert_true(board_build(m, dtb, size, board, &err));
    }
    g_assert_true(riscv_boot_setup(m, &boot, &err));
    machine_reset(m);
    c = g_ptr_array_index(riscv_cpus(), 0);
    /* The CPU loop of the kiln program, without host I/O: 0.3 s of guest time. */
    while (!runstate_process_requests() && clock_now() < 300000000) {
        int64_t now = clock_now();
        int64_t deadline = clock_next_deadline();
        int64_t until = now + 1000000;

        if (deadline >= 0 && deadline <= now) {
            clock_advance_to(now);
            continue;
        }
        if (deadline >= 0 && deadline < until) {
            until = deadline;
        }
        if (riscv_cpus_idle() && deadline >= 0) {
            until = deadline;
        }
        riscv_cpus_run(until);
        clock_advance_to(until);
    }
    chardev_close_all();
    g_file_get_contents(console, &text, NULL, NULL);
    result = g_strdup_printf("status %d instret %" PRIu64 "\n%s",
                             runstate_exit_code(), c->instret, text ? text : "");
    g_file_set_contents(out, result, -1, NULL);
    remove(console);
    _exit(0);
}

static char *run_elf(const char *elf, TbBackend backend, const char *dir)
{
    g_autofree char *out = g_strdup_printf("%s/%s", dir,
                                           backend == TB_BACKEND_NATIVE ? "native"
                                                                        : "interp");
    char *text = NULL;
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        child_run_elf(elf, backend, out);
    }
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_assert_true(g_file_get_contents(out, &text, NULL, NULL));
    remove(out);
    return text;
}

static void test_elf(void)
{
    const char *list = g_getenv("KILN_NATIVE_ELFS");
    g_auto(GStrv) elfs = NULL;
    g_autofree char *dir = NULL;

    if (!list || !*list) {
        g_test_skip("KILN_NATIVE_ELFS is empty (no RISC-V cross compiler)");
        return;
    }
    dir = g_dir_make_tmp("native-elf-XXXXXX", NULL);
    elfs = g_strsplit(list, ":", -1);
    for (size_t i = 0; elfs[i]; i++) {
        g_autofree char *a = run_elf(elfs[i], TB_BACKEND_INTERP, dir);
        g_autofree char *b = run_elf(elfs[i], TB_BACKEND_NATIVE, dir);
        g_autofree char *base = g_path_get_basename(elfs[i]);
        uint64_t insns = 0;

        sscanf(a, "status %*d instret %" SCNu64, &insns);
        g_test_message("%s: %" PRIu64 " instructions", base, insns);
        g_assert_cmpuint(insns, >, 0);
        g_assert_cmpstr(a, ==, b);
    }
    remove(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    machine = build_virt();
    if (native_available()) {
        cpu = g_ptr_array_index(riscv_cpus(), 0);
        ram = riscv_phys_host(cpu, CODE);
        g_test_add_func("/native/random", test_random);
        g_test_add_func("/native/small-buffer", test_small_buffer);
        g_test_add_func("/native/fault-in-chain", test_fault_in_chain);
        g_test_add_func("/native/loop-passes", test_loop_passes);
    }
    g_test_add_func("/native/elf", test_elf);
    return g_test_run();
}
