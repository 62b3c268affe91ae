/*
 * Real firmware booted on kiln's virt board, driven through its serial
 * console:
 *
 *  - kiln's demo firmware (firmware/demo): its console output is exactly
 *    the golden file beside this test, it exits with status 0 through the
 *    test finisher, and a second run prints the very same text and
 *    retires the very same number of instructions (virtual time only);
 *  - Debian's OpenSBI (fw_jump) with Debian's S-mode U-Boot as -kernel:
 *    it boots to U-Boot's prompt, answers `version` and `echo`, and
 *    `poweroff` ends kiln with status 0; on one hart and on four.
 *
 * Paths come from the environment meson sets (tests/boot/meson.build):
 * the demo's tests run once with kiln-system-riscv64 and the RV64 build,
 * once with kiln-system-riscv32 and the RV32 build.
 */
#include "console.h"

#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>

/* Virtual time only: the demo's run takes milliseconds of host time. */
#define DEMO_TIMEOUT_S 30
/*
 * OpenSBI and U-Boot run a few hundred million instructions to the
 * prompt; the timeouts leave room for the IR interpreter and sanitizers.
 */
#define BOOT_TIMEOUT_S 240
#define COMMAND_TIMEOUT_S 60

#define UBOOT_PROMPT "=> "

static const char *env_path(const char *name)
{
    const char *v = g_getenv(name);

    if (!v || !*v) {
        g_error("%s is not set: run this test through `meson test`", name);
    }
    return v;
}

/* --- the demo firmware --- */

/* One run of the demo: its console output, after checking it exited 0. */
static char *demo_run(void)
{
    const char *argv[] = {
        env_path("KILN_BINARY"), "-M", "virt", "-bios",
        env_path("KILN_DEMO_ELF"), "-nographic", NULL,
    };
    g_autoptr(Console) c = console_start(argv);
    int status = console_wait_exit(c, DEMO_TIMEOUT_S);

    /* 0 only through the finisher's pass value (0x5555). */
    g_assert_cmpint(status, ==, 0);
    return g_strdup(console_output(c)->str);
}

/* The number after the demo's last line, "done: minstret N". */
static guint64 demo_final_minstret(const char *out)
{
    const char *p = g_strrstr(out, "done: minstret ");
    guint64 n;

    g_assert_nonnull(p);
    n = g_ascii_strtoull(p + strlen("done: minstret "), NULL, 10);
    g_assert_cmpuint(n, >, 0);
    return n;
}

static void test_demo_output(void)
{
    const char *path = env_path("KILN_DEMO_GOLDEN");
    g_autofree char *golden = NULL;
    g_autofree char *out = demo_run();
    g_auto(GStrv) lines = NULL;
    g_autofree char *want = NULL;
    GError *err = NULL;

    if (!g_file_get_contents(path, &golden, NULL, &err)) {
        g_error("%s", err->message);
    }
    /* The golden file holds lines; the UART driver ends each with CR LF. */
    lines = g_strsplit(golden, "\n", -1);
    want = g_strjoinv("\r\n", lines);
    g_assert_cmpstr(out, ==, want);
}

static void test_demo_determinism(void)
{
    g_autofree char *first = demo_run();
    g_autofree char *second = demo_run();

    g_assert_cmpuint(demo_final_minstret(first), ==,
                     demo_final_minstret(second));
    g_assert_cmpstr(first, ==, second);
}

/* --- OpenSBI + U-Boot --- */

/* Whether this kiln takes -smp; if not, why not (kiln's own words). */
static bool kiln_takes_smp(const char *kiln, char **why)
{
    const char *argv[] = { kiln, "-smp", "4", "-version", NULL };
    g_autofree char *err_text = NULL;
    GError *err = NULL;
    int status;

    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, NULL, &err_text, &status, &err)) {
        g_error("cannot run %s: %s", kiln, err->message);
    }
    *why = g_strdup(g_strstrip(err_text));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_opensbi_uboot(gconstpointer data)
{
    unsigned harts = GPOINTER_TO_UINT(data);
    const char *kiln = env_path("KILN_BINARY");
    const char *opensbi = env_path("OPENSBI_FW_JUMP");
    const char *uboot = env_path("UBOOT_SMODE");
    g_autofree char *smp = g_strdup_printf("%u", harts);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *skip = NULL;
    g_autofree char *why = NULL;
    g_autofree char *banner = NULL;
    g_autofree char *hart_count = NULL;
    g_autofree char *again = NULL;
    g_autoptr(Console) c = NULL;
    const char *colon;
    int status;

    if (!g_file_test(opensbi, G_FILE_TEST_IS_REGULAR) ||
        !g_file_test(uboot, G_FILE_TEST_IS_REGULAR)) {
        skip = g_strdup_printf("needs %s and %s (Debian packages opensbi "
                               "and u-boot-qemu)", opensbi, uboot);
        g_test_skip(skip);
        return;
    }
    if (harts > 1 && !kiln_takes_smp(kiln, &why)) {
        skip = g_strdup_printf("kiln does not accept -smp yet: %s", why);
        g_test_skip(skip);
        return;
    }

    g_ptr_array_add(argv, (char *)kiln);
    g_ptr_array_add(argv, "-M");
    g_ptr_array_add(argv, "virt");
    if (harts > 1) {
        /* One hart is the board's own, with or without -smp. */
        g_ptr_array_add(argv, "-smp");
        g_ptr_array_add(argv, smp);
    }
    g_ptr_array_add(argv, "-bios");
    g_ptr_array_add(argv, (char *)opensbi);
    g_ptr_array_add(argv, "-kernel");
    g_ptr_array_add(argv, (char *)uboot);
    g_ptr_array_add(argv, "-nographic");
    g_ptr_array_add(argv, NULL);
    c = console_start((const char *const *)argv->pdata);

    console_expect(c, "OpenSBI v", "OpenSBI's banner", BOOT_TIMEOUT_S);
    hart_count = console_expect_line(c, "Platform HART Count",
                                     "OpenSBI's platform summary",
                                     BOOT_TIMEOUT_S);
    colon = strchr(hart_count, ':');
    g_assert_nonnull(colon);
    g_assert_cmpstr(g_strstrip((char *)colon + 1), ==, smp);
    banner = console_expect_line(c, "U-Boot 20", "U-Boot's banner",
                                 BOOT_TIMEOUT_S);
    /*
     * Stop autoboot: its 2 s countdown is virtual time, but 2e9
     * instructions of polling are minutes on the host.
     */
    console_expect(c, "Hit any key to stop autoboot", "U-Boot's countdown",
                   BOOT_TIMEOUT_S);
    console_send(c, " ");
    console_expect(c, UBOOT_PROMPT, "U-Boot's prompt", BOOT_TIMEOUT_S);

    console_send(c, "version\n");
    again = console_expect_line(c, "U-Boot 20", "the answer to `version`",
                                COMMAND_TIMEOUT_S);
    g_assert_cmpstr(again, ==, banner);
    console_expect(c, UBOOT_PROMPT, "the prompt after `version`",
                   COMMAND_TIMEOUT_S);

    /* The first line is the typed command echoed, the second its answer. */
    console_send(c, "echo hello-kiln\n");
    console_expect(c, "echo hello-kiln\r\n", "`echo hello-kiln` echoed",
                   COMMAND_TIMEOUT_S);
    console_expect(c, "hello-kiln\r\n" UBOOT_PROMPT,
                   "the answer to `echo hello-kiln`", COMMAND_TIMEOUT_S);

    /*
     * SBI SRST -> OpenSBI -> the test finisher.  U-Boot first waits
     * 100 ms of virtual time, polling: a boot-sized wait.
     */
    console_send(c, "poweroff\n");
    status = console_wait_exit(c, BOOT_TIMEOUT_S);
    g_assert_cmpint(status, ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/boot/demo/output", test_demo_output);
    g_test_add_func("/boot/demo/determinism", test_demo_determinism);
    g_test_add_data_func("/boot/opensbi-uboot/1-hart", GUINT_TO_POINTER(1),
                         test_opensbi_uboot);
    g_test_add_data_func("/boot/opensbi-uboot/4-harts", GUINT_TO_POINTER(4),
                         test_opensbi_uboot);
    return g_test_run();
}
