/*
 * The command line: QEMU's options and habits, and one clear line with
 * exit status 1 for every mistake.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

typedef struct Run {
    char *out;
    char *err;
    int status;     /* exit status, or -1 if killed */
} Run;

static const char *kiln64(void)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");

    g_assert_nonnull(bin);
    return bin;
}

static char *kiln32(void)
{
    g_autofree char *dir = g_path_get_dirname(kiln64());

    return g_build_filename(dir, "kiln-system-riscv32", NULL);
}

/* Run BIN with the space-separated ARGS. */
static Run run_bin(const char *bin, const char *args)
{
    g_autofree char *cmd = g_strdup_printf("'%s' %s", bin, args);
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) err = NULL;
    Run r = { 0 };
    int wait_status;

    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, &err));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL,
                               NULL, NULL, &r.out, &r.err, &wait_status, &err));
    r.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    return r;
}

static Run run(const char *args)
{
    return run_bin(kiln64(), args);
}

static void run_free(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* Exit status 1 and exactly one line on stderr, containing every NEEDLE. */
static void assert_one_line_error(const char *args, const char *first, ...)
{
    Run r = run(args);
    va_list ap;

    if (r.status != 1) {
        g_error("'%s': exit status %d, stderr: %s", args, r.status, r.err);
    }
    g_assert_true(g_str_has_prefix(r.err, "kiln-system-riscv64: "));
    g_assert_nonnull(strchr(r.err, '\n'));
    g_assert_cmpstr(strchr(r.err, '\n') + 1, ==, "");
    va_start(ap, first);
    for (const char *n = first; n; n = va_arg(ap, const char *)) {
        if (!strstr(r.err, n)) {
            g_error("'%s': stderr '%s' lacks '%s'", args, r.err, n);
        }
    }
    va_end(ap);
    run_free(&r);
}

static void test_version(void)
{
    g_autofree char *bin32 = kiln32();
    Run r = run("-version");
    Run r32 = run_bin(bin32, "--version");

    g_assert_cmpint(r.status, ==, 0);
    g_assert_true(g_str_has_prefix(r.out, "kiln-system-riscv64 version "));
    g_assert_cmpint(r32.status, ==, 0);
    g_assert_true(g_str_has_prefix(r32.out, "kiln-system-riscv32 version "));
    run_free(&r);
    run_free(&r32);
}

static void test_help(void)
{
    Run r = run("-h");

    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "-machine TYPE"));
    g_assert_nonnull(strstr(r.out, "-qtest DEV"));
    g_assert_nonnull(strstr(r.out, "-global MODEL.PROP=VALUE"));
    run_free(&r);
}

static void test_invalid_option(void)
{
    Run r = run("-frobnicate");

    g_assert_cmpint(r.status, ==, 1);
    g_assert_cmpstr(r.err, ==, "kiln-system-riscv64: -frobnicate: invalid option\n");
    run_free(&r);
    assert_one_line_error("-M", "-M", "requires an argument", NULL);
    assert_one_line_error("stray", "stray", NULL);
}

static void test_machine_errors(void)
{
    assert_one_line_error("-M nosuch", "nosuch", "unsupported machine", NULL);
    assert_one_line_error("-machine none,frob=1", "frob", NULL);
    assert_one_line_error("-M none,strict=maybe", "strict", "maybe", NULL);
    assert_one_line_error("-M dt", "dtb=FILE", NULL);
    assert_one_line_error("-M dt,dtb=/nonexistent/board.dtb",
                          "/nonexistent/board.dtb", NULL);
    assert_one_line_error("-M none,dtb=x.dtb", "-M dt", NULL);
    assert_one_line_error("-accel kvm", "kvm", NULL);
}

static void test_machine_help(void)
{
    Run r = run("-M help");

    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "none "));
    g_assert_nonnull(strstr(r.out, "dt "));
    run_free(&r);
}

static void test_memory_errors(void)
{
    assert_one_line_error("-M none -m 0", "-m", NULL);
    assert_one_line_error("-M none -m 12Q", "12Q", NULL);
    assert_one_line_error("-M none -m lots", "lots", NULL);
}

static void test_device_help(void)
{
    Run all = run("-device help");
    Run one = run("-device riscv-cpu-intc,help");

    g_assert_cmpint(all.status, ==, 0);
    g_assert_nonnull(strstr(all.out, "riscv-cpu-intc: riscv,cpu-intc"));
    g_assert_cmpint(one.status, ==, 0);
    g_assert_nonnull(strstr(one.out, "compatible: riscv,cpu-intc"));
    g_assert_nonnull(strstr(one.out, "input lines \"irq\": 16"));
    run_free(&all);
    run_free(&one);
    assert_one_line_error("-device nosuch,help", "nosuch", NULL);
    assert_one_line_error("-device riscv-cpu-intc", "device tree", NULL);
}

static void test_log_errors(void)
{
    Run r = run("-d help");

    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "guest_errors"));
    g_assert_nonnull(strstr(r.out, "unimp"));
    run_free(&r);
    assert_one_line_error("-M none -d guest_errors,bogus", "bogus", NULL);
    assert_one_line_error("-M none -D /nonexistent/dir/log.txt",
                          "/nonexistent/dir/log.txt", NULL);
}

static void test_chardev_errors(void)
{
    assert_one_line_error("-M none -chardev frob,id=c0", "frob", NULL);
    assert_one_line_error("-M none -chardev socket,id=c0,path=/nonexistent/s",
                          "/nonexistent/s", NULL);
    assert_one_line_error("-M none -mon chardev=nosuch,mode=control", "nosuch",
                          NULL);
    assert_one_line_error("-M none -global nosuch.prop=1", "nosuch", NULL);
    assert_one_line_error("-M none -global riscv-cpu-intc.nosuch=1", "nosuch",
                          NULL);
}

/* What QEMU's libqtest passes is accepted; -M none with nothing to drive it
 * shows the board and ends. */
static void test_libqtest_options_accepted(void)
{
    Run r = run("-M none -display none -audio none -run-with exit-with-parent=on"
                " -trace 'qtest*' -no-reboot -nodefaults");

    g_assert_cmpint(r.status, ==, 0);
    g_assert_nonnull(strstr(r.out, "board 'none'"));
    g_assert_nonnull(strstr(r.out, "machine (container)"));
    run_free(&r);
}

/* A DT error through the command line: one line naming file, node, property. */
static void test_dt_error_exit(void)
{
    g_autofree char *dir = g_dir_make_tmp("kiln-cmdline-XXXXXX", NULL);
    g_autofree char *dts = g_build_filename(dir, "broken.dts", NULL);
    g_autofree char *args = g_strdup_printf("-M dt,dts=%s", dts);

    g_assert_true(g_file_set_contents(dts,
        "/dts-v1/;\n/ {\n #address-cells = <2>;\n #size-cells = <2>;\n"
        " memory@80000000 {\n  device_type = \"memory\";\n"
        "  reg = <0x0 0x80000000 0x0>;\n };\n};\n", -1, NULL));
    assert_one_line_error(args, "broken.dts", "/memory@80000000", "reg", NULL);
    g_unlink(dts);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cmdline/version", test_version);
    g_test_add_func("/cmdline/help", test_help);
    g_test_add_func("/cmdline/invalid-option", test_invalid_option);
    g_test_add_func("/cmdline/machine-errors", test_machine_errors);
    g_test_add_func("/cmdline/machine-help", test_machine_help);
    g_test_add_func("/cmdline/memory-errors", test_memory_errors);
    g_test_add_func("/cmdline/device-help", test_device_help);
    g_test_add_func("/cmdline/log-errors", test_log_errors);
    g_test_add_func("/cmdline/chardev-errors", test_chardev_errors);
    g_test_add_func("/cmdline/libqtest-options", test_libqtest_options_accepted);
    g_test_add_func("/cmdline/dt-error", test_dt_error_exit);
    return g_test_run();
}
