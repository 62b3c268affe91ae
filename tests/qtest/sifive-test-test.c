/*
 * The SiFive test finisher of the virt board (hw/periph/misc/sifive_test.c)
 * and the syscon-poweroff/syscon-reboot nodes that describe it: a write
 * at 0x100000 ends the run with a status, or resets the board.
 */
#include "libqtest.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#define FINISHER        0x100000
#define FINISHER_FAIL   0x3333
#define FINISHER_PASS   0x5555
#define FINISHER_RESET  0x7777

/* The RTC of the same board, to see a reset happen. */
#define RTC_IRQ_ENABLED 0x101010

/* Wait for the program to end by itself; return its exit status. */
static int wait_exit_status(QTestState *s)
{
    int status = qtest_wait_qemu(s);

    g_assert_true(WIFEXITED(status));
    qtest_set_expected_status(s, WEXITSTATUS(status));
    return WEXITSTATUS(status);
}

static void test_pass_exits_zero(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_writel(s, FINISHER, FINISHER_PASS);
    g_assert_cmpint(wait_exit_status(s), ==, 0);
    qtest_quit(s);
}

static void test_fail_exits_with_code(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_writel(s, FINISHER, (3 << 16) | FINISHER_FAIL);
    g_assert_cmpint(wait_exit_status(s), ==, 3);
    qtest_quit(s);
}

/* The code is 16 bits; the process status keeps its low 8, as exit() does. */
static void test_fail_code_modulo_256(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_writel(s, FINISHER, (0x1ff << 16) | FINISHER_FAIL);
    g_assert_cmpint(wait_exit_status(s), ==, 0xff);
    qtest_quit(s);
}

/* QEMU decodes the low 16 bits only: a PASS with high bits still passes. */
static void test_pass_ignores_high_bits(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_writel(s, FINISHER, (7 << 16) | FINISHER_PASS);
    g_assert_cmpint(wait_exit_status(s), ==, 0);
    qtest_quit(s);
}

/* A 16-bit write carries a command too; FAIL with code 0 exits 0 (QEMU). */
static void test_halfword_fail_code_zero(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_writew(s, FINISHER, FINISHER_FAIL);
    g_assert_cmpint(wait_exit_status(s), ==, 0);
    qtest_quit(s);
}

static void test_reset_resets_board(void)
{
    QTestState *s = qtest_init("-M virt");
    JsonNode *ev;
    JsonObject *data;

    qtest_writel(s, RTC_IRQ_ENABLED, 1);
    g_assert_cmpuint(qtest_readl(s, RTC_IRQ_ENABLED), ==, 1);

    qtest_writel(s, FINISHER, FINISHER_RESET);
    ev = qtest_qmp_eventwait_ref(s, "RESET");
    data = json_object_get_object_member(json_node_get_object(ev), "data");
    g_assert_true(json_object_get_boolean_member(data, "guest"));
    g_assert_cmpstr(json_object_get_string_member(data, "reason"), ==,
                    "guest-reset");
    json_node_unref(ev);

    /* The session goes on, on a board that was reset. */
    g_assert_true(qtest_probe_child(s));
    g_assert_cmpuint(qtest_readl(s, RTC_IRQ_ENABLED), ==, 0);
    qtest_writel(s, FINISHER, FINISHER_PASS);
    g_assert_cmpint(wait_exit_status(s), ==, 0);
    qtest_quit(s);
}

/* With -no-reboot, as in QEMU, the guest's reset ends the run instead. */
static void test_reset_with_no_reboot_exits(void)
{
    QTestState *s = qtest_init("-M virt -no-reboot");

    qtest_writel(s, FINISHER, FINISHER_RESET);
    g_assert_cmpint(wait_exit_status(s), ==, 0);
    qtest_quit(s);
}

static char *read_log(const char *path)
{
    char *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

static void test_other_writes_ignored_and_logged(void)
{
    g_autofree char *dir = g_dir_make_tmp("sifive-test-XXXXXX", NULL);
    g_autofree char *log = g_build_filename(dir, "log", NULL);
    g_autofree char *text = NULL;
    QTestState *s;

    s = qtest_initf("-M virt -d guest_errors -D %s", log);
    qtest_writel(s, FINISHER, 0x1234);
    qtest_writel(s, FINISHER, 0x5556);
    qtest_writel(s, FINISHER + 4, FINISHER_PASS);
    qtest_writel(s, FINISHER + 0xffc, FINISHER_PASS);
    /* Reads return 0, whatever was written. */
    g_assert_cmpuint(qtest_readl(s, FINISHER), ==, 0);
    g_assert_cmpuint(qtest_readl(s, FINISHER + 4), ==, 0);
    g_assert_cmpuint(qtest_readw(s, FINISHER), ==, 0);
    g_assert_true(qtest_probe_child(s));

    text = read_log(log);
    g_assert_nonnull(strstr(text, "/machine/soc/test@100000: write of 0x1234 "
                            "(4 bytes) at offset 0x0 is not a finisher "
                            "command"));
    g_assert_nonnull(strstr(text, "write of 0x5556 (4 bytes) at offset 0x0"));
    g_assert_nonnull(strstr(text, "write of 0x5555 (4 bytes) at offset 0x4 "));
    g_assert_nonnull(strstr(text, "write of 0x5555 (4 bytes) at offset 0xffc "));
    qtest_quit(s);
    g_unlink(log);
    g_rmdir(dir);
}

/* A byte write is not a width the device takes: it never reaches it. */
static void test_byte_write_rejected(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_writeb(s, FINISHER, 0x55);
    qtest_writeb(s, FINISHER + 1, 0x55);
    g_assert_true(qtest_probe_child(s));
    g_assert_cmpuint(qtest_readl(s, FINISHER), ==, 0);
    qtest_quit(s);
}

static char *qom_get_string(QTestState *s, const char *path, const char *prop)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
                        "{'execute': 'qom-get', 'arguments': "
                        "{'path': '%s', 'property': '%s'}}", path, prop);
    char *str = g_strdup(json_node_get_string(ret));

    json_node_unref(ret);
    return str;
}

static gint64 qom_get_int(QTestState *s, const char *path, const char *prop)
{
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
                        "{'execute': 'qom-get', 'arguments': "
                        "{'path': '%s', 'property': '%s'}}", path, prop);
    gint64 v = json_node_get_int(ret);

    json_node_unref(ret);
    return v;
}

/* The nodes that tell Linux how to power off and reboot name the finisher. */
static void test_syscon_nodes_describe_finisher(void)
{
    QTestState *s = qtest_init("-M virt");
    g_autofree char *type = qom_get_string(s, "/machine/soc/poweroff", "type");
    g_autofree char *regmap = qom_get_string(s, "/machine/soc/poweroff",
                                             "regmap");
    g_autofree char *rtype = qom_get_string(s, "/machine/soc/reboot", "type");
    g_autofree char *rregmap = qom_get_string(s, "/machine/soc/reboot",
                                              "regmap");

    g_assert_cmpstr(type, ==, "syscon-poweroff");
    g_assert_cmpstr(regmap, ==, "/machine/soc/test@100000");
    g_assert_cmpint(qom_get_int(s, "/machine/soc/poweroff", "offset"), ==, 0);
    g_assert_cmpint(qom_get_int(s, "/machine/soc/poweroff", "value"), ==,
                    FINISHER_PASS);
    g_assert_cmpint(qom_get_int(s, "/machine/soc/poweroff", "mask"), ==,
                    0xffffffff);
    g_assert_cmpstr(rtype, ==, "syscon-reboot");
    g_assert_cmpstr(rregmap, ==, "/machine/soc/test@100000");
    g_assert_cmpint(qom_get_int(s, "/machine/soc/reboot", "value"), ==,
                    FINISHER_RESET);

    /* Doing what the poweroff node says powers the board off. */
    qtest_writel(s, FINISHER, FINISHER_PASS);
    g_assert_cmpint(wait_exit_status(s), ==, 0);
    qtest_quit(s);
}

/* Run kiln with ARGS to its end; its exit status, its standard error. */
static int run_kiln(const char *args, char **err_out)
{
    g_autofree char *cmd = g_strdup_printf("'%s' %s", qtest_qemu_binary(),
                                           args);
    g_auto(GStrv) argv = NULL;
    GError *err = NULL;
    int status;

    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, &err));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL |
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               err_out, &status, &err));
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_syscon_needs_regmap(void)
{
    g_autofree char *dts = g_build_filename(g_getenv("KILN_SOURCE_ROOT"),
                                            "tests", "data",
                                            "misc-syscon-no-regmap.dts", NULL);
    g_autofree char *args = g_strdup_printf("-M dt,dts=%s -nodefaults", dts);
    g_autofree char *err = NULL;

    g_assert_cmpint(run_kiln(args, &err), ==, 1);
    g_assert_nonnull(strstr(err, "misc-syscon-no-regmap.dts: /poweroff: "
                            "regmap: missing"));
}

static void test_syscon_help(void)
{
    g_autofree char *err = NULL;
    g_autofree char *cmd = g_strdup_printf("'%s' -device syscon-reboot,help",
                                           qtest_qemu_binary());
    g_autofree char *out = NULL;
    int status;

    g_assert_true(g_spawn_command_line_sync(cmd, &out, &err, &status, NULL));
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_assert_nonnull(strstr(out, "compatible: syscon-reboot"));
    g_assert_nonnull(strstr(out, "regmap=<link>"));
    g_assert_nonnull(strstr(out, "offset=<uint32>"));
    g_assert_nonnull(strstr(out, "value=<uint32>"));
    g_assert_nonnull(strstr(out, "mask=<uint32> (default: 4294967295"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sifive-test/pass-exits-zero", test_pass_exits_zero);
    g_test_add_func("/sifive-test/fail-exits-with-code",
                    test_fail_exits_with_code);
    g_test_add_func("/sifive-test/fail-code-modulo-256",
                    test_fail_code_modulo_256);
    g_test_add_func("/sifive-test/pass-ignores-high-bits",
                    test_pass_ignores_high_bits);
    g_test_add_func("/sifive-test/halfword-fail-code-zero",
                    test_halfword_fail_code_zero);
    g_test_add_func("/sifive-test/reset-resets-board",
                    test_reset_resets_board);
    g_test_add_func("/sifive-test/reset-with-no-reboot-exits",
                    test_reset_with_no_reboot_exits);
    g_test_add_func("/sifive-test/other-writes-ignored-and-logged",
                    test_other_writes_ignored_and_logged);
    g_test_add_func("/sifive-test/byte-write-rejected",
                    test_byte_write_rejected);
    g_test_add_func("/sifive-test/syscon-nodes-describe-finisher",
                    test_syscon_nodes_describe_finisher);
    g_test_add_func("/sifive-test/syscon-needs-regmap",
                    test_syscon_needs_regmap);
    g_test_add_func("/sifive-test/syscon-help", test_syscon_help);
    return g_test_run();
}
