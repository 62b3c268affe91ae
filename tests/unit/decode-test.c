/*
 * The RISC-V disassembler (target/riscv/disas.c), and through it the
 * instruction tables insn32.decode and insn16.decode.
 *
 * The main test compares kiln's text with GNU objdump's for every
 * instruction of tests/data/isa-all.S, assembled for RV64 and for RV32 at
 * build time.  The build passes the flat binaries (objcopy -O binary) and
 * the listings (objdump -d -M no-aliases) in KILN_ISA_ALL{64,32}_{BIN,LST};
 * without the RISC-V cross binutils those tests are skipped.  objdump's
 * line is brought to kiln's form first: one space after the mnemonic,
 * branch targets as "0x..." without "<symbol>", no "# ..." comment.
 *
 * The other tests use encodings written here, so they run everywhere.
 */
#include "disas.h"

#include <glib.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct Expect {
    uint64_t pc;
    uint32_t insn;
    const char *text;
} Expect;

static void check_expect(const Expect *e, size_t n, int xlen)
{
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        int len = riscv_disas(buf, sizeof(buf), e[i].pc, e[i].insn, xlen);

        g_assert_cmpstr(buf, ==, e[i].text);
        g_assert_cmpint(len, ==, (e[i].insn & 3) == 3 ? 4 : 2);
    }
}

/* What a user reads in -d in_asm: ABI names, offsets, targets from pc. */
static void test_disas_rv64(void)
{
    static const Expect e[] = {
        { 0, 0x00558513, "addi a0,a1,5" },
        { 0, 0x00113423, "sd ra,8(sp)" },
        { 0x80000000, 0x00b50863, "beq a0,a1,0x80000010" },
        { 0x80000000, 0xffdff0ef, "jal ra,0x7ffffffc" },
        { 0, 0x02c5f553, "fadd.d fa0,fa1,fa2" },
        { 0, 0x02c58553, "fadd.d fa0,fa1,fa2,rne" },
        { 0, 0x68c5b543, "fmadd.s fa0,fa1,fa2,fa3,rup" },
        { 0, 0x5805d553, "fsqrt.s fa0,fa1,unknown" },
        { 0, 0xd2050553, "fcvt.d.w fa0,a0" },
        { 0, 0xd2057553, "fcvt.d.w fa0,a0,dyn" },
        { 0, 0x30002573, "csrrs a0,mstatus,zero" },
        { 0, 0x7c051073, "csrrw zero,0x7c0,a0" },
        { 0, 0xc1102573, "csrrs a0,hpmcounter17,zero" },
        { 0, 0x3ef02573, "csrrs a0,pmpaddr63,zero" },
        { 0, 0x72afd573, "csrrwi a0,mhpmevent10h,31" },
        { 0, 0x1605a52f, "lr.w.aqrl a0,(a1)" },
        { 0, 0x1ac5b52f, "sc.d.rl a0,a2,(a1)" },
        { 0, 0x04c5a52f, "amoadd.w.aq a0,a2,(a1)" },
        { 0, 0xfffff537, "lui a0,0xfffff" },
        { 0, 0x03f51513, "slli a0,a0,0x3f" },
        { 0, 0xe2050553, "fmv.x.d a0,fa0" },
        { 0, 0x12b50073, "sfence.vma a0,a1" },
        { 0, 0x6b85d513, "rev8 a0,a1" },
        { 0, 0x0ff0000f, "fence iorw,iorw" },
        { 0, 0x0210000f, "fence r,w" },
        { 0, 0x0100000f, "fence w,0" },
        { 0, 0x8330000f, "fence.tso" },
        { 0, 0x00100073, "ebreak" },
        { 0, 0x0505, "c.addi a0,1" },
        { 0, 0x6588, "c.ld a0,8(a1)" },
        { 0, 0x757d, "c.lui a0,0xfffff" },
        { 0, 0x7139, "c.addi16sp sp,-64" },
        { 0, 0x357d, "c.addiw a0,-1" },
        { 0, 0xe406, "c.sdsp ra,8(sp)" },
        { 0, 0x9105, "c.srli a0,0x21" },
        { 0, 0x9002, "c.ebreak" },
        { 0, 0x8082, "c.jr ra" },
        { 0, 0x0000, "c.unimp" },
        { 0xc, 0xb001, "c.j 0xfffffffffffff80c" },
        /* The upper half of a compressed instruction is not looked at. */
        { 0, 0xdead0505, "c.addi a0,1" },
    };

    check_expect(e, G_N_ELEMENTS(e), 64);
}

/* The same encodings mean other instructions, or none, on RV32. */
static void test_disas_rv32(void)
{
    static const Expect e[] = {
        { 0, 0x6588, "c.flw fa0,8(a1)" },
        { 0, 0x357d, "c.jal 0xfffffeae" },
        { 0, 0xe406, "c.fswsp ft1,8(sp)" },
        { 0, 0x0805c533, "zext.h a0,a1" },
        { 0, 0x6985d513, "rev8 a0,a1" },
        { 0xc, 0xb001, "c.j 0xfffff80c" },
        { 0xfffffff0, 0x0200006f, "jal zero,0x10" },
        { 0, 0x00113423, ".insn 0x00113423" },
        { 0, 0x03f51513, ".insn 0x03f51513" },
        { 0, 0xe2050553, ".insn 0xe2050553" },
        { 0, 0x9105, ".insn 0x9105" },
    };

    check_expect(e, G_N_ELEMENTS(e), 32);
}

/* Unknown and reserved encodings are shown as data, never as something. */
static void test_disas_invalid(void)
{
    static const Expect e[] = {
        { 0, 0xffffffff, ".insn 0xffffffff" },
        { 0, 0x0000007f, ".insn 0x0000007f" },
        { 0, 0xa0b53553, ".insn 0xa0b53553" },  /* feq with funct3 3 */
        { 0, 0x6501, ".insn 0x6501" },          /* c.lui a0,0: nzimm=0 */
        { 0, 0x6101, ".insn 0x6101" },          /* c.addi16sp sp,0 */
        { 0, 0x0008, ".insn 0x0008" },          /* c.addi4spn a0,sp,0 */
        { 0, 0x8002, ".insn 0x8002" },          /* c.jr zero */
        { 0, 0x4002, ".insn 0x4002" },          /* c.lwsp zero,0(sp) */
        { 0, 0x2001, ".insn 0x2001" },          /* c.addiw zero,0 */
        { 0, 0x9c41, ".insn 0x9c41" },          /* reserved CA encoding */
    };
    static const uint32_t valid[] = { 0x00558513, 0x0505, 0x9002, 0x6588 };

    check_expect(e, G_N_ELEMENTS(e), 64);
    for (size_t i = 0; i < G_N_ELEMENTS(e); i++) {
        g_assert_false(riscv_insn_valid(e[i].insn, 64));
    }
    g_assert_false(riscv_insn_valid(0x0000, 64));
    for (size_t i = 0; i < G_N_ELEMENTS(valid); i++) {
        g_assert_true(riscv_insn_valid(valid[i], 64));
        g_assert_true(riscv_insn_valid(valid[i], 32));
    }
    g_assert_true(riscv_insn_valid(0x00113423, 64));   /* sd */
    g_assert_false(riscv_insn_valid(0x00113423, 32));
    g_assert_true(riscv_insn_valid(0x02051513, 64));   /* slli a0,a0,32 */
    g_assert_false(riscv_insn_valid(0x02051513, 32));
    g_assert_true(riscv_insn_valid(0x357d, 64));       /* c.addiw */
    g_assert_true(riscv_insn_valid(0x357d, 32));       /* c.jal */
}

/* A short buffer is filled and terminated; the length is still right. */
static void test_disas_truncate(void)
{
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    g_assert_cmpint(riscv_disas(buf, sizeof(buf), 0, 0x00558513, 64), ==, 4);
    g_assert_cmpstr(buf, ==, "addi a0");
    g_assert_cmpint(riscv_disas(buf, 1, 0, 0x0505, 64), ==, 2);
    g_assert_cmpstr(buf, ==, "");
    g_assert_cmpint(riscv_disas(NULL, 0, 0, 0x00558513, 64), ==, 4);
}

/* objdump's "  4:\t00b50533          \tadd\ta0,a0,a1" in kiln's form. */
static bool parse_objdump_line(const char *line, uint64_t *addr,
                               uint32_t *insn, GString *text)
{
    g_auto(GStrv) f = g_strsplit(line, "\t", 4);
    char *end;
    char *ops;

    if (g_strv_length(f) < 3 || !g_str_has_suffix(f[0], ":")) {
        return false;
    }
    *addr = g_ascii_strtoull(f[0], &end, 16);
    if (*end != ':') {
        return false;
    }
    *insn = (uint32_t)g_ascii_strtoull(f[1], &end, 16);
    g_string_assign(text, f[2]);
    if (!f[3]) {
        return true;
    }
    ops = f[3];
    end = strstr(ops, " #");
    if (end) {
        *end = '\0';
    }
    end = strstr(ops, " <");
    if (end) {
        /* A target: "a0,a1,18 <isa_all+0x18>" becomes "a0,a1,0x18". */
        char *start = end;

        while (start > ops && start[-1] != ',') {
            start--;
        }
        *end = '\0';
        g_string_append_printf(text, " %.*s0x%s", (int)(start - ops), ops, start);
    } else {
        g_string_append_printf(text, " %s", ops);
    }
    return true;
}

static void test_objdump(gconstpointer data)
{
    int xlen = GPOINTER_TO_INT(data);
    g_autofree char *bin_var = g_strdup_printf("KILN_ISA_ALL%d_BIN", xlen);
    g_autofree char *lst_var = g_strdup_printf("KILN_ISA_ALL%d_LST", xlen);
    const char *bin_path = g_getenv(bin_var);
    const char *lst_path = g_getenv(lst_var);
    g_autofree char *bin = NULL;
    g_autofree char *lst = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GHashTable) mnemonics = g_hash_table_new_full(g_str_hash,
                                                            g_str_equal,
                                                            g_free, NULL);
    g_autoptr(GString) want = g_string_new(NULL);
    gsize bin_len;
    uint64_t next = 0;
    unsigned compared = 0, wrong = 0;

    if (!bin_path || !lst_path) {
        g_test_skip("riscv64-unknown-elf binutils were not found when the "
                    "build was configured");
        return;
    }
    g_assert_true(g_file_get_contents(bin_path, &bin, &bin_len, NULL));
    g_assert_true(g_file_get_contents(lst_path, &lst, NULL, NULL));
    lines = g_strsplit(lst, "\n", -1);

    for (char **l = lines; *l; l++) {
        uint64_t addr;
        uint32_t insn, listed;
        char got[80];
        int len;

        if (!parse_objdump_line(*l, &addr, &listed, want)) {
            continue;
        }
        /* The listing and the binary agree, and no byte is skipped. */
        g_assert_cmpuint(addr, ==, next);
        g_assert_cmpuint(addr + 2, <=, bin_len);
        insn = (uint8_t)bin[addr] | (uint8_t)bin[addr + 1] << 8;
        if ((insn & 3) == 3) {
            g_assert_cmpuint(addr + 4, <=, bin_len);
            insn |= (uint32_t)(uint8_t)bin[addr + 2] << 16 |
                    (uint32_t)(uint8_t)bin[addr + 3] << 24;
        }
        g_assert_cmphex(insn, ==, listed);

        len = riscv_disas(got, sizeof(got), addr, insn, xlen);
        g_assert_cmpint(len, ==, (insn & 3) == 3 ? 4 : 2);
        next = addr + len;
        compared++;
        g_hash_table_add(mnemonics, g_strndup(want->str, strcspn(want->str, " ")));
        if (strcmp(got, want->str) != 0) {
            if (wrong++ < 20) {
                g_test_message("0x%" PRIx64 ": %08" PRIx32 ": kiln \"%s\", "
                               "objdump \"%s\"", addr, insn, got, want->str);
            }
        }
    }
    g_assert_cmpuint(next, ==, bin_len);
    g_test_message("RV%d: %u instructions, %u mnemonics compared with objdump",
                   xlen, compared, g_hash_table_size(mnemonics));
    g_assert_cmpuint(wrong, ==, 0);
    /* isa-all.S holds over 2000 instructions per XLEN. */
    g_assert_cmpuint(compared, >, 2000);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/disas/rv64", test_disas_rv64);
    g_test_add_func("/disas/rv32", test_disas_rv32);
    g_test_add_func("/disas/invalid", test_disas_invalid);
    g_test_add_func("/disas/truncate", test_disas_truncate);
    g_test_add_data_func("/disas/objdump/rv64", GINT_TO_POINTER(64), test_objdump);
    g_test_add_data_func("/disas/objdump/rv32", GINT_TO_POINTER(32), test_objdump);
    return g_test_run();
}
