/*
 * -smp N: the board's single hart is copied, and the CLINT and PLIC are
 * wired to every copy in hart order.
 */
#include "kiln/board.h"

static Machine *build_virt(unsigned harts)
{
    size_t size;
    const void *builtin = board_builtin_dtb("virt", &size);
    void *fdt = g_memdup2(builtin, size);
    Machine *m = machine_new("virt");
    g_autoptr(GError) err = NULL;

    g_assert_true(board_fdt_set_harts(&fdt, &size, harts, &err));
    g_assert_no_error(err);
    g_assert_true(board_build(m, fdt, size, "virt.dts", &err));
    g_assert_no_error(err);
    g_free(fdt);
    return m;
}

static void test_four_harts(void)
{
    Machine *m = build_virt(4);

    for (unsigned h = 0; h < 4; h++) {
        g_autofree char *path = g_strdup_printf("/machine/cpus/cpu@%u", h);
        g_autofree char *intc = g_strdup_printf("%s/interrupt-controller", path);
        Device *cpu = device_resolve_path(m->root, path);
        g_autofree char *reg = NULL;

        g_assert_nonnull(cpu);
        g_assert_cmpstr(cpu->desc->name, ==, "riscv-cpu");
        reg = device_prop_format(cpu, device_find_prop(cpu, "reg"));
        g_assert_cmpuint(g_ascii_strtoull(reg, NULL, 10), ==, h);
        g_assert_nonnull(device_resolve_path(m->root, intc));
    }
    /* Two CLINT lines (MSIP, MTIP) and two PLIC contexts (M, S) per hart. */
    g_assert_cmpuint(device_outputs(device_resolve_path(m->root,
                     "/machine/soc/clint@2000000"), NULL)->count, ==, 8);
    g_assert_cmpuint(device_outputs(device_resolve_path(m->root,
                     "/machine/soc/plic@c000000"), NULL)->count, ==, 8);
    machine_free(m);
}

static void test_same_count_is_unchanged(void)
{
    size_t size, before;
    const void *builtin = board_builtin_dtb("virt", &size);
    void *fdt = g_memdup2(builtin, size);

    before = size;
    g_assert_true(board_fdt_set_harts(&fdt, &size, 1, NULL));
    g_assert_cmpuint(size, ==, before);
    g_assert_cmpmem(fdt, size, builtin, before);
    g_free(fdt);
}

static void test_no_cpu_node(void)
{
    size_t size;
    const void *builtin = board_builtin_dtb("none", &size);
    void *fdt = g_memdup2(builtin, size);
    g_autoptr(GError) err = NULL;

    g_assert_false(board_fdt_set_harts(&fdt, &size, 2, &err));
    g_assert_nonnull(strstr(err->message, "no cpu node"));
    g_free(fdt);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/smp/four-harts", test_four_harts);
    g_test_add_func("/smp/same-count", test_same_count_is_unchanged);
    g_test_add_func("/smp/no-cpu-node", test_no_cpu_node);
    return g_test_run();
}
