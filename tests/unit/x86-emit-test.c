/*
 * The x86-64 encoder against GNU as: every instruction form the native
 * backend emits, over a spread of registers (all that need a REX bit, and
 * RSP/RBP/R12/R13 that have special ModRM cases), displacements and
 * immediates at the edges of their short forms.  Each case is written in
 * AT&T syntax too; the test assembles them all with as, reads the bytes
 * back with objdump, and compares case by case.
 *
 * KILN_AS and KILN_OBJDUMP name the tools; without them the test skips.
 */
#include "../../tcg/x86_64/emit.h"

typedef struct Case {
    char *text;
    uint8_t bytes[32];
    size_t len;
} Case;

static GPtrArray *cases;

static const char *const names64[] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const names32[] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};
static const char *const names16[] = {
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w",
};
static const char *const names8[] = {
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};
static const char *const alu_names[] = {
    "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp",
};
static const char *const cc_names[] = {
    "o", "no", "b", "ae", "e", "ne", "be", "a",
    "s", "ns", "p", "np", "l", "ge", "le", "g",
};

/* A spread of registers: the classic eight's odd ones and the REX ones. */
static const X86Reg regs[] = {
    X86_RAX, X86_RCX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R11, X86_R12, X86_R13, X86_R15,
};

static const X86Mem mems[] = {
    { X86_RAX, X86_NO_REG, 1, 0 },
    { X86_RSP, X86_NO_REG, 1, 8 },
    { X86_RBP, X86_NO_REG, 1, 0 },
    { X86_R12, X86_NO_REG, 1, -128 },
    { X86_R13, X86_NO_REG, 1, 127 },
    { X86_R14, X86_NO_REG, 1, 0x1234 },
    { X86_RSP, X86_NO_REG, 1, -0x8000 },
    { X86_R14, X86_RCX, 1, 0x9a80 },
    { X86_RAX, X86_RCX, 1, 0 },
    { X86_RBP, X86_R9, 8, 16 },
    { X86_R13, X86_R12, 4, 0 },
};

static const int32_t imms[] = {
    0, 1, -1, 127, -128, 128, -129, 0x1234, 0x7fffffff, INT32_MIN,
};

static const char *rname(unsigned size, X86Reg r)
{
    switch (size) {
    case 1:
        return names8[r];
    case 2:
        return names16[r];
    case 4:
        return names32[r];
    default:
        return names64[r];
    }
}

static char suffix(unsigned size)
{
    return size == 1 ? 'b' : size == 2 ? 'w' : size == 4 ? 'l' : 'q';
}

static char *mtext(X86Mem m)
{
    if (m.index == X86_NO_REG) {
        return g_strdup_printf("%d(%%%s)", m.disp, names64[m.base]);
    }
    return g_strdup_printf("%d(%%%s,%%%s,%u)", m.disp, names64[m.base],
                           names64[m.index], m.scale);
}

/* Start a case: the caller emits into the returned buffer. */
static X86Buf *case_begin(char *text)
{
    static X86Buf b;
    Case *c = g_new0(Case, 1);

    c->text = text;
    g_ptr_array_add(cases, c);
    x86_buf_init(&b, c->bytes, sizeof(c->bytes));
    return &b;
}

static void case_end(X86Buf *b)
{
    Case *c = g_ptr_array_index(cases, cases->len - 1);

    g_assert_false(x86_buf_overflowed(b));
    c->len = x86_buf_size(b);
}

#define CASE(emit, ...)                                         \
    do {                                                        \
        X86Buf *b_ = case_begin(g_strdup_printf(__VA_ARGS__));  \
        emit;                                                   \
        case_end(b_);                                           \
    } while (0)

static void make_alu_cases(void)
{
    static const unsigned sizes[] = { 1, 4, 8 };

    for (int op = 0; op < 8; op++) {
        for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
            unsigned sz = sizes[s];

            for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
                for (size_t j = 0; j < ARRAY_SIZE(regs); j += 3) {
                    CASE(x86_alu_rr(b_, op, sz, regs[i], regs[j]),
                         "%s%c %%%s,%%%s", alu_names[op], suffix(sz),
                         rname(sz, regs[j]), rname(sz, regs[i]));
                }
                for (size_t m = 0; m < ARRAY_SIZE(mems); m++) {
                    g_autofree char *mt = mtext(mems[m]);

                    CASE(x86_alu_rm(b_, op, sz, regs[i], mems[m]),
                         "%s%c %s,%%%s", alu_names[op], suffix(sz), mt,
                         rname(sz, regs[i]));
                    CASE(x86_alu_mr(b_, op, sz, mems[m], regs[i]),
                         "%s%c %%%s,%s", alu_names[op], suffix(sz),
                         rname(sz, regs[i]), mt);
                }
                if (sz == 1) {
                    continue;
                }
                for (size_t k = 0; k < ARRAY_SIZE(imms); k++) {
                    CASE(x86_alu_ri(b_, op, sz, regs[i], imms[k]),
                         "%s%c $%d,%%%s", alu_names[op], suffix(sz), imms[k],
                         rname(sz, regs[i]));
                }
            }
            for (size_t m = 0; m < ARRAY_SIZE(mems); m++) {
                g_autofree char *mt = mtext(mems[m]);

                for (size_t k = 0; k < ARRAY_SIZE(imms); k++) {
                    int32_t v = sz == 1 ? (int8_t)imms[k] : imms[k];

                    CASE(x86_alu_mi(b_, op, sz, mems[m], v),
                         "%s%c $%d,%s", alu_names[op], suffix(sz), v, mt);
                }
            }
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(regs); j++) {
            CASE(x86_test_rr(b_, 8, regs[i], regs[j]), "testq %%%s,%%%s",
                 names64[regs[j]], names64[regs[i]]);
            CASE(x86_test_rr(b_, 4, regs[i], regs[j]), "testl %%%s,%%%s",
                 names32[regs[j]], names32[regs[i]]);
        }
    }
}

static void make_mov_cases(void)
{
    static const uint64_t wide[] = {
        0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
        0xffffffff80000000ull, UINT64_MAX, 0x123456789abcdef0ull,
    };

    for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
        X86Reg r = regs[i];

        for (size_t j = 0; j < ARRAY_SIZE(regs); j++) {
            X86Reg s = regs[j];

            CASE(x86_mov_rr(b_, 8, r, s), "movq %%%s,%%%s", names64[s], names64[r]);
            CASE(x86_mov_rr(b_, 4, r, s), "movl %%%s,%%%s", names32[s], names32[r]);
            CASE(x86_movzx_rr(b_, 1, r, s), "movzbl %%%s,%%%s", names8[s], names32[r]);
            CASE(x86_movzx_rr(b_, 2, r, s), "movzwl %%%s,%%%s", names16[s], names32[r]);
            CASE(x86_movsx_rr(b_, 1, r, s), "movsbq %%%s,%%%s", names8[s], names64[r]);
            CASE(x86_movsx_rr(b_, 2, r, s), "movswq %%%s,%%%s", names16[s], names64[r]);
            CASE(x86_movsxd_rr(b_, r, s), "movslq %%%s,%%%s", names32[s], names64[r]);
            CASE(x86_imul_rr(b_, 8, r, s), "imulq %%%s,%%%s", names64[s], names64[r]);
            CASE(x86_imul_rr(b_, 4, r, s), "imull %%%s,%%%s", names32[s], names32[r]);
            CASE(x86_bsr(b_, 8, r, s), "bsrq %%%s,%%%s", names64[s], names64[r]);
            CASE(x86_bsr(b_, 4, r, s), "bsrl %%%s,%%%s", names32[s], names32[r]);
            CASE(x86_bsf(b_, 8, r, s), "bsfq %%%s,%%%s", names64[s], names64[r]);
            CASE(x86_bsf(b_, 4, r, s), "bsfl %%%s,%%%s", names32[s], names32[r]);
            CASE(x86_popcnt(b_, 8, r, s), "popcntq %%%s,%%%s", names64[s], names64[r]);
            CASE(x86_popcnt(b_, 4, r, s), "popcntl %%%s,%%%s", names32[s], names32[r]);
            for (int cc = 0; cc < 16; cc += 5) {
                CASE(x86_cmov_rr(b_, cc, 8, r, s), "cmov%s %%%s,%%%s",
                     cc_names[cc], names64[s], names64[r]);
                CASE(x86_cmov_rr(b_, cc, 4, r, s), "cmov%s %%%s,%%%s",
                     cc_names[cc], names32[s], names32[r]);
            }
            for (size_t k = 0; k < ARRAY_SIZE(imms); k += 2) {
                CASE(x86_imul_rri(b_, 8, r, s, imms[k]), "imulq $%d,%%%s,%%%s",
                     imms[k], names64[s], names64[r]);
                CASE(x86_imul_rri(b_, 4, r, s, imms[k]), "imull $%d,%%%s,%%%s",
                     imms[k], names32[s], names32[r]);
            }
        }
        for (size_t m = 0; m < ARRAY_SIZE(mems); m++) {
            g_autofree char *mt = mtext(mems[m]);
            X86Mem mm = mems[m];

            CASE(x86_mov_rm(b_, 8, r, mm), "movq %s,%%%s", mt, names64[r]);
            CASE(x86_mov_rm(b_, 4, r, mm), "movl %s,%%%s", mt, names32[r]);
            CASE(x86_mov_mr(b_, 8, mm, r), "movq %%%s,%s", names64[r], mt);
            CASE(x86_mov_mr(b_, 4, mm, r), "movl %%%s,%s", names32[r], mt);
            CASE(x86_mov_mr(b_, 2, mm, r), "movw %%%s,%s", names16[r], mt);
            CASE(x86_mov_mr(b_, 1, mm, r), "movb %%%s,%s", names8[r], mt);
            CASE(x86_movzx_rm(b_, 1, r, mm), "movzbl %s,%%%s", mt, names32[r]);
            CASE(x86_movzx_rm(b_, 2, r, mm), "movzwl %s,%%%s", mt, names32[r]);
            CASE(x86_movsx_rm(b_, 1, r, mm), "movsbq %s,%%%s", mt, names64[r]);
            CASE(x86_movsx_rm(b_, 2, r, mm), "movswq %s,%%%s", mt, names64[r]);
            CASE(x86_movsxd_rm(b_, r, mm), "movslq %s,%%%s", mt, names64[r]);
            CASE(x86_lea(b_, r, mm), "leaq %s,%%%s", mt, names64[r]);
            CASE(x86_imul_rm(b_, 8, r, mm), "imulq %s,%%%s", mt, names64[r]);
            CASE(x86_imul_rm(b_, 4, r, mm), "imull %s,%%%s", mt, names32[r]);
            CASE(x86_cmov_rm(b_, X86_CC_NE, 8, r, mm), "cmovne %s,%%%s", mt,
                 names64[r]);
        }
        for (size_t k = 0; k < ARRAY_SIZE(wide); k++) {
            CASE(x86_movabs(b_, r, wide[k]), "movabsq $0x%" PRIx64 ",%%%s",
                 wide[k], names64[r]);
            if (wide[k] <= UINT32_MAX) {
                CASE(x86_mov_r32_imm(b_, r, (uint32_t)wide[k]),
                     "movl $0x%" PRIx64 ",%%%s", wide[k], names32[r]);
                CASE(x86_mov_imm(b_, r, wide[k]), "movl $0x%" PRIx64 ",%%%s",
                     wide[k], names32[r]);
            } else if ((int64_t)wide[k] >= INT32_MIN && (int64_t)wide[k] <= INT32_MAX) {
                CASE(x86_mov_r64_simm(b_, r, (int32_t)wide[k]),
                     "movq $%" PRId64 ",%%%s", (int64_t)wide[k], names64[r]);
                CASE(x86_mov_imm(b_, r, wide[k]), "movq $%" PRId64 ",%%%s",
                     (int64_t)wide[k], names64[r]);
            } else {
                CASE(x86_mov_imm(b_, r, wide[k]), "movabsq $0x%" PRIx64 ",%%%s",
                     wide[k], names64[r]);
            }
        }
    }
    for (size_t m = 0; m < ARRAY_SIZE(mems); m++) {
        g_autofree char *mt = mtext(mems[m]);

        for (size_t k = 0; k < ARRAY_SIZE(imms); k++) {
            CASE(x86_mov_mi(b_, 8, mems[m], imms[k]), "movq $%d,%s", imms[k], mt);
            CASE(x86_mov_mi(b_, 4, mems[m], imms[k]), "movl $%d,%s", imms[k], mt);
        }
    }
}

static void make_unary_shift_cases(void)
{
    static const struct {
        X86Unary op;
        const char *name;
    } unary[] = {
        { X86_NOT, "not" }, { X86_NEG, "neg" }, { X86_MUL, "mul" },
        { X86_IMUL1, "imul" },
    };
    static const struct {
        X86Shift op;
        const char *name;
    } shifts[] = {
        { X86_ROL, "rol" }, { X86_ROR, "ror" }, { X86_SHL, "shl" },
        { X86_SHR, "shr" }, { X86_SAR, "sar" },
    };
    static const uint8_t counts[] = { 1, 2, 31, 63 };

    for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
        X86Reg r = regs[i];

        for (size_t u = 0; u < ARRAY_SIZE(unary); u++) {
            CASE(x86_unary_r(b_, unary[u].op, 8, r), "%sq %%%s", unary[u].name,
                 names64[r]);
            CASE(x86_unary_r(b_, unary[u].op, 4, r), "%sl %%%s", unary[u].name,
                 names32[r]);
        }
        for (size_t s = 0; s < ARRAY_SIZE(shifts); s++) {
            for (size_t c = 0; c < ARRAY_SIZE(counts); c++) {
                CASE(x86_shift_ri(b_, shifts[s].op, 8, r, counts[c]),
                     "%sq $%u,%%%s", shifts[s].name, counts[c], names64[r]);
                if (counts[c] < 32) {
                    CASE(x86_shift_ri(b_, shifts[s].op, 4, r, counts[c]),
                         "%sl $%u,%%%s", shifts[s].name, counts[c], names32[r]);
                }
            }
            CASE(x86_shift_rcl(b_, shifts[s].op, 8, r), "%sq %%cl,%%%s",
                 shifts[s].name, names64[r]);
            CASE(x86_shift_rcl(b_, shifts[s].op, 4, r), "%sl %%cl,%%%s",
                 shifts[s].name, names32[r]);
        }
        for (int cc = 0; cc < 16; cc++) {
            CASE(x86_setcc(b_, cc, r), "set%s %%%s", cc_names[cc], names8[r]);
        }
    }
    for (size_t m = 0; m < ARRAY_SIZE(mems); m++) {
        g_autofree char *mt = mtext(mems[m]);

        for (size_t u = 0; u < ARRAY_SIZE(unary); u++) {
            CASE(x86_unary_m(b_, unary[u].op, 8, mems[m]), "%sq %s",
                 unary[u].name, mt);
        }
    }
}

static void make_control_cases(void)
{
    for (X86Reg r = X86_RAX; r <= X86_R15; r++) {
        CASE(x86_push(b_, r), "push %%%s", names64[r]);
        CASE(x86_pop(b_, r), "pop %%%s", names64[r]);
        CASE(x86_call_r(b_, r), "call *%%%s", names64[r]);
        CASE(x86_jmp_r(b_, r), "jmp *%%%s", names64[r]);
    }
    for (size_t m = 0; m < ARRAY_SIZE(mems); m++) {
        g_autofree char *mt = mtext(mems[m]);

        CASE(x86_push_m(b_, mems[m]), "pushq %s", mt);
    }
    for (size_t k = 0; k < ARRAY_SIZE(imms); k++) {
        CASE(x86_push_imm(b_, imms[k]), "pushq $%d", imms[k]);
    }
    /* Far enough that the assembler keeps the rel32 forms. */
    CASE(x86_jmp_rel32(b_, b_->start + 0x1000), "jmp .+0x1000");
    CASE(x86_jmp_rel32(b_, b_->start - 0x2000), "jmp .-0x2000");
    for (int cc = 0; cc < 16; cc++) {
        CASE(x86_jcc_rel32(b_, cc, b_->start + 0x1000), "j%s .+0x1000",
             cc_names[cc]);
    }
    CASE(x86_ret(b_), "ret");
    CASE(x86_sign_extend_ax(b_, 8), "cqto");
    CASE(x86_sign_extend_ax(b_, 4), "cltd");
    CASE(x86_ud2(b_), "ud2");
}

static bool run_tool(const char *const *argv, char **out)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *errout = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      out, &errout, &status, &err)) {
        g_test_message("%s: %s", argv[0], err->message);
        return false;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_test_message("%s failed: %s", argv[0], errout);
        return false;
    }
    return true;
}

static void test_against_gas(void)
{
    const char *as = g_getenv("KILN_AS");
    const char *objdump = g_getenv("KILN_OBJDUMP");
    g_autofree char *dir = NULL;
    g_autofree char *src = NULL;
    g_autofree char *obj = NULL;
    g_autofree char *dump = NULL;
    g_autoptr(GString) text = g_string_new("\t.text\n");
    g_auto(GStrv) lines = NULL;
    size_t *got_len;
    uint8_t *got;
    int cur = -1;
    unsigned mismatches = 0;

    if (!as || !objdump) {
        g_test_skip("KILN_AS / KILN_OBJDUMP not set (GNU binutils not found)");
        return;
    }
    cases = g_ptr_array_new();
    make_alu_cases();
    make_mov_cases();
    make_unary_shift_cases();
    make_control_cases();

    for (guint i = 0; i < cases->len; i++) {
        Case *c = g_ptr_array_index(cases, i);

        g_string_append_printf(text, "c%u:\n\t%s\n", i, c->text);
    }
    dir = g_dir_make_tmp("x86-emit-XXXXXX", NULL);
    g_assert_nonnull(dir);
    src = g_build_filename(dir, "cases.s", NULL);
    obj = g_build_filename(dir, "cases.o", NULL);
    g_assert_true(g_file_set_contents(src, text->str, -1, NULL));
    {
        const char *argv[] = { as, "--64", "-o", obj, src, NULL };

        g_assert_true(run_tool(argv, NULL));
    }
    {
        const char *argv[] = { objdump, "-d", "-z", "--insn-width=16", obj, NULL };

        g_assert_true(run_tool(argv, &dump));
    }

    got_len = g_new0(size_t, cases->len);
    got = g_malloc0(32 * (size_t)cases->len);
    lines = g_strsplit(dump, "\n", -1);
    for (size_t l = 0; lines[l]; l++) {
        const char *p = lines[l];
        unsigned n;
        char **fields;

        if (sscanf(p, "%*x <c%u>:", &n) == 1) {
            cur = (int)n;
            continue;
        }
        if (cur < 0 || !strstr(p, ":\t")) {
            continue;
        }
        fields = g_strsplit(p, "\t", -1);
        if (fields[0] && fields[1]) {
            char **hex = g_strsplit(g_strstrip(fields[1]), " ", -1);

            for (size_t k = 0; hex[k]; k++) {
                if (*hex[k] && got_len[cur] < 32) {
                    got[32 * cur + got_len[cur]++] = (uint8_t)strtoul(hex[k], NULL, 16);
                }
            }
            g_strfreev(hex);
        }
        g_strfreev(fields);
    }
    for (guint i = 0; i < cases->len; i++) {
        Case *c = g_ptr_array_index(cases, i);

        if (c->len != got_len[i] || memcmp(c->bytes, &got[32 * i], c->len) != 0) {
            g_autoptr(GString) ours = g_string_new(NULL);
            g_autoptr(GString) theirs = g_string_new(NULL);

            for (size_t k = 0; k < c->len; k++) {
                g_string_append_printf(ours, " %02x", c->bytes[k]);
            }
            for (size_t k = 0; k < got_len[i]; k++) {
                g_string_append_printf(theirs, " %02x", got[32 * i + k]);
            }
            g_test_message("%s: ours%s, as%s", c->text, ours->str, theirs->str);
            mismatches++;
        }
    }
    g_test_message("%u instruction forms compared", cases->len);
    g_assert_cmpuint(mismatches, ==, 0);

    remove(src);
    remove(obj);
    remove(dir);
    for (guint i = 0; i < cases->len; i++) {
        Case *c = g_ptr_array_index(cases, i);

        g_free(c->text);
        g_free(c);
    }
    g_ptr_array_free(cases, true);
    g_free(got_len);
    g_free(got);
}

/* The overflow rule callers rely on: past the end nothing is written. */
static void test_overflow(void)
{
    uint8_t buf[8];
    X86Buf b;

    memset(buf, 0xaa, sizeof(buf));
    x86_buf_init(&b, buf, 4);
    x86_movabs(&b, X86_RAX, 0x1122334455667788ull);
    g_assert_true(x86_buf_overflowed(&b));
    g_assert_cmpuint(x86_buf_size(&b), ==, 10);
    g_assert_cmpuint(buf[4], ==, 0xaa);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86-emit/against-gas", test_against_gas);
    g_test_add_func("/x86-emit/overflow", test_overflow);
    return g_test_run();
}
