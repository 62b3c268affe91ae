/*
 * A hart's ISA comes from its DT node (riscv,isa, riscv,isa-base and
 * riscv,isa-extensions); what kiln lacks is an error at assembly.
 */
#include "kiln/board.h"
#include "cpu.h"

#include <glib/gstdio.h>

/* Build a one-hart board whose cpu node has PROPS; NULL on error. */
static Machine *build(const char *props, GError **errp)
{
    g_autofree char *dir = g_dir_make_tmp("kiln-isa-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "hart.dts", NULL);
    g_autofree char *text = g_strdup_printf(
        "/dts-v1/;\n/ {\n #address-cells = <2>;\n #size-cells = <2>;\n"
        " cpus {\n  #address-cells = <1>;\n  #size-cells = <0>;\n"
        "  cpu@0 {\n   device_type = \"cpu\";\n   reg = <0>;\n"
        "   compatible = \"riscv\";\n   %s\n"
        "   intc: interrupt-controller {\n    #interrupt-cells = <1>;\n"
        "    interrupt-controller;\n    compatible = \"riscv,cpu-intc\";\n"
        "   };\n  };\n };\n};\n", props);
    void *fdt = NULL;
    size_t size = 0;
    Machine *m = machine_new("dt");

    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    g_assert_true(board_compile_dts(path, &fdt, &size, NULL));
    g_unlink(path);
    g_rmdir(dir);
    if (!board_build(m, fdt, size, "hart.dts", errp)) {
        machine_free(m);
        m = NULL;
    }
    g_free(fdt);
    return m;
}

static RiscvCpu *hart(Machine *m)
{
    return DEVICE_STATE(device_resolve_path(m->root, "/machine/cpus/cpu@0"),
                        RiscvCpu);
}

static void test_isa_string(void)
{
    Machine *m = build("riscv,isa = \"rv32imac_zicsr_zba\";", NULL);
    RiscvCpu *cpu = hart(m);

    g_assert_cmpuint(cpu->xlen, ==, 32);
    g_assert_cmphex(cpu->exts & (EXT_M | EXT_A | EXT_C | EXT_ZBA), ==,
                    EXT_M | EXT_A | EXT_C | EXT_ZBA);
    g_assert_cmphex(cpu->exts & (EXT_F | EXT_D | EXT_ZBB), ==, 0);
    /* misa: MXL=1 and the letters I, M, A, C, S, U */
    g_assert_cmphex(cpu->misa, ==, (1ull << 30) | (1 << 8) | (1 << 12) |
                    (1 << 0) | (1 << 2) | (1 << 18) | (1 << 20));
    machine_free(m);
}

static void test_isa_extensions(void)
{
    Machine *m = build("riscv,isa = \"rv64imafd_zicsr\";\n"
                       "riscv,isa-base = \"rv64i\";\n"
                       "riscv,isa-extensions = \"i\", \"m\", \"a\", \"f\", "
                       "\"d\", \"zicsr\", \"zicntr\";", NULL);

    g_assert_cmpuint(hart(m)->xlen, ==, 64);
    g_assert_cmphex(hart(m)->exts & EXT_D, ==, EXT_D);
    machine_free(m);
}

static void expect_error(const char *props, const char *needle)
{
    g_autoptr(GError) err = NULL;

    g_assert_null(build(props, &err));
    g_assert_nonnull(err);
    if (!strstr(err->message, needle)) {
        g_error("'%s' lacks '%s'", err->message, needle);
    }
    g_assert_nonnull(strstr(err->message, "hart.dts: /cpus/cpu@0"));
}

static void test_isa_errors(void)
{
    expect_error("riscv,isa = \"rv64imafdcv\";", "extension 'v'");
    expect_error("riscv,isa = \"rv64imac_zkn\";", "extension 'zkn'");
    expect_error("riscv,isa = \"rv128i\";", "rv32 or rv64");
    expect_error("riscv,isa = \"rv64imac\";\n"
                 "riscv,isa-extensions = \"i\", \"m\", \"a\", \"c\", \"h\";",
                 "extension 'h'");
    expect_error("riscv,isa = \"rv64imac\";\n"
                 "riscv,isa-extensions = \"i\", \"m\";",
                 "do not name the same extensions");
    expect_error("riscv,isa = \"rv64ifc\";\nmmu-type = \"riscv,sv57\";",
                 "mmu-type");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/riscv-isa/string", test_isa_string);
    g_test_add_func("/riscv-isa/extensions", test_isa_extensions);
    g_test_add_func("/riscv-isa/errors", test_isa_errors);
    return g_test_run();
}
