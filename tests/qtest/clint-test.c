/*
 * The SiFive CLINT (hw/periph/timer/sifive_clint.c), register by
 * register, as the FU540-C000 manual (chapter 9) describes it.
 *
 * The virt board has one hart and a 10 MHz timebase: one tick per
 * 100 ns.  Output line 0 is hart 0's MSIP, line 1 its MTIP.  The board
 * tests/data/intc-two-harts.dts adds hart 1 (lines 2, 3) and a 32768 Hz
 * timebase, whose tick is no whole number of ns.
 */
#include "libqtest.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLINT           0x2000000ULL
#define MSIP(h)         (CLINT + 4 * (h))
#define MTIMECMP(h)     (CLINT + 0x4000 + 8 * (h))
#define MTIME           (CLINT + 0xbff8)
#define CLINT_PATH      "/machine/soc/clint@2000000"

/* virt: 10 MHz, 100 ns per tick. */
#define TICK_NS         100

enum { MSIP0, MTIP0, MSIP1, MTIP1 };

static QTestState *start_virt(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_irq_intercept_out(s, CLINT_PATH);
    return s;
}

static QTestState *start_two_harts(void)
{
    QTestState *s = qtest_initf("-M dt,dts=%s/tests/data/intc-two-harts.dts",
                                g_getenv("KILN_SOURCE_ROOT"));

    qtest_irq_intercept_out(s, CLINT_PATH);
    return s;
}

static void test_reset_values(void)
{
    QTestState *s = start_virt();

    g_assert_cmphex(qtest_readl(s, MSIP(0)), ==, 0);
    /* All ones: no timer interrupt until software sets a compare value. */
    g_assert_cmphex(qtest_readq(s, MTIMECMP(0)), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(s, MTIME), ==, 0);
    g_assert_false(qtest_get_irq(s, MSIP0));
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_quit(s);
}

static void test_system_reset(void)
{
    QTestState *s = start_virt();

    qtest_writel(s, MSIP(0), 1);
    qtest_writeq(s, MTIMECMP(0), 0);
    qtest_clock_step(s, 50 * TICK_NS);
    g_assert_true(qtest_get_irq(s, MSIP0));
    g_assert_true(qtest_get_irq(s, MTIP0));

    qtest_qmp_assert_success_ref(s, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(s, "RESET");

    g_assert_false(qtest_get_irq(s, MSIP0));
    g_assert_false(qtest_get_irq(s, MTIP0));
    g_assert_cmphex(qtest_readl(s, MSIP(0)), ==, 0);
    g_assert_cmphex(qtest_readq(s, MTIMECMP(0)), ==, UINT64_MAX);
    g_assert_cmphex(qtest_readq(s, MTIME), ==, 0);
    qtest_clock_step(s, 7 * TICK_NS);
    g_assert_cmphex(qtest_readq(s, MTIME), ==, 7);
    qtest_quit(s);
}

static void test_msip(void)
{
    QTestState *s = start_virt();

    qtest_writel(s, MSIP(0), 1);
    g_assert_true(qtest_get_irq(s, MSIP0));
    g_assert_cmphex(qtest_readl(s, MSIP(0)), ==, 1);
    g_assert_false(qtest_get_irq(s, MTIP0));

    qtest_writel(s, MSIP(0), 0);
    g_assert_false(qtest_get_irq(s, MSIP0));
    g_assert_cmphex(qtest_readl(s, MSIP(0)), ==, 0);

    /* Only bit 0 exists; the others read as zero. */
    qtest_writel(s, MSIP(0), 0xfffffffe);
    g_assert_false(qtest_get_irq(s, MSIP0));
    g_assert_cmphex(qtest_readl(s, MSIP(0)), ==, 0);
    qtest_writel(s, MSIP(0), 0xffffffff);
    g_assert_true(qtest_get_irq(s, MSIP0));
    g_assert_cmphex(qtest_readl(s, MSIP(0)), ==, 1);
    qtest_quit(s);
}

static void test_mtime_counts(void)
{
    QTestState *s = start_virt();

    qtest_clock_step(s, 1000);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 10);
    /* A tick counts once it has fully elapsed. */
    qtest_clock_step(s, TICK_NS - 1);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 10);
    qtest_clock_step(s, 1);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 11);
    qtest_clock_step(s, 1000000);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 10011);
    qtest_quit(s);
}

static void test_mtime_write(void)
{
    QTestState *s = start_virt();

    qtest_clock_step(s, 1050);
    qtest_writeq(s, MTIME, 1000000);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 1000000);
    /* Counting restarts from the write: whole ticks since then. */
    qtest_clock_step(s, TICK_NS - 1);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 1000000);
    qtest_clock_step(s, 1);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 1000001);

    /* The halves: the other half keeps its counted value. */
    qtest_writel(s, MTIME + 4, 0x12);
    g_assert_cmphex(qtest_readq(s, MTIME), ==, 0x12000f4241ULL);
    qtest_writel(s, MTIME, 0x34);
    g_assert_cmphex(qtest_readl(s, MTIME), ==, 0x34);
    g_assert_cmphex(qtest_readl(s, MTIME + 4), ==, 0x12);
    qtest_clock_step(s, 3 * TICK_NS);
    g_assert_cmphex(qtest_readq(s, MTIME), ==, 0x1200000037ULL);
    qtest_quit(s);
}

static void test_mtip_on_time(void)
{
    QTestState *s = start_virt();
    uint64_t now;

    qtest_clock_step(s, 1000);
    now = qtest_readq(s, MTIME);
    g_assert_cmpuint(now, ==, 10);

    qtest_writeq(s, MTIMECMP(0), now + 5);
    g_assert_cmpuint(qtest_readq(s, MTIMECMP(0)), ==, 15);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 499);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 14);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 1);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 15);
    g_assert_true(qtest_get_irq(s, MTIP0));
    g_assert_false(qtest_get_irq(s, MSIP0));

    /* A level: it stays high while mtime >= mtimecmp. */
    qtest_clock_step(s, 100000);
    g_assert_true(qtest_get_irq(s, MTIP0));

    /* A compare value ahead of mtime lowers it and arms a new deadline. */
    now = qtest_readq(s, MTIME);
    qtest_writeq(s, MTIMECMP(0), now + 20);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 20 * TICK_NS - 1);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, MTIP0));

    /* A compare value at or below mtime raises it at once. */
    qtest_writeq(s, MTIMECMP(0), UINT64_MAX);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_writeq(s, MTIMECMP(0), qtest_readq(s, MTIME));
    g_assert_true(qtest_get_irq(s, MTIP0));
    qtest_quit(s);
}

static void test_mtip_follows_mtime_writes(void)
{
    QTestState *s = start_virt();

    qtest_writeq(s, MTIMECMP(0), 500);
    qtest_writeq(s, MTIME, 500);
    g_assert_true(qtest_get_irq(s, MTIP0));

    /* Moving mtime back lowers MTIP; the deadline follows the new count. */
    qtest_writeq(s, MTIME, 490);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 10 * TICK_NS - 1);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, MTIP0));

    /* Every write of mtime re-arms the deadline from the new count. */
    qtest_writeq(s, MTIME, 0);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_writeq(s, MTIME, 499);
    qtest_clock_step(s, TICK_NS - 1);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, MTIP0));
    qtest_quit(s);
}

static void test_mtime_wraps(void)
{
    QTestState *s = start_virt();

    qtest_writeq(s, MTIME, UINT64_MAX - 5);
    qtest_writeq(s, MTIMECMP(0), UINT64_MAX - 2);
    qtest_clock_step(s, 3 * TICK_NS - 1);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, MTIP0));

    /* At 2^64 mtime wraps to 0, below mtimecmp again. */
    qtest_clock_step(s, 3 * TICK_NS - 1);
    g_assert_cmphex(qtest_readq(s, MTIME), ==, UINT64_MAX);
    g_assert_true(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 1);
    g_assert_cmphex(qtest_readq(s, MTIME), ==, 0);
    g_assert_false(qtest_get_irq(s, MTIP0));

    /* Compare values are distances from the wrapped count. */
    qtest_writeq(s, MTIMECMP(0), UINT64_MAX - 2);
    qtest_clock_step(s, 1000000);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_writeq(s, MTIMECMP(0), qtest_readq(s, MTIME) + 2);
    qtest_clock_step(s, 2 * TICK_NS - 1);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, MTIP0));
    qtest_quit(s);
}

static void test_mtimecmp_halves(void)
{
    QTestState *s = start_virt();

    qtest_writel(s, MTIMECMP(0), 0x89abcdef);
    g_assert_cmphex(qtest_readq(s, MTIMECMP(0)), ==, 0xffffffff89abcdefULL);
    qtest_writel(s, MTIMECMP(0) + 4, 0x01234567);
    g_assert_cmphex(qtest_readq(s, MTIMECMP(0)), ==, 0x0123456789abcdefULL);
    g_assert_cmphex(qtest_readl(s, MTIMECMP(0)), ==, 0x89abcdef);
    g_assert_cmphex(qtest_readl(s, MTIMECMP(0) + 4), ==, 0x01234567);

    /*
     * The RV32 sequence (Priv 3.2.1): high half all ones first, so that
     * no intermediate value fires, then low, then high.
     */
    qtest_clock_step(s, 1000);
    qtest_writel(s, MTIMECMP(0) + 4, 0xffffffff);
    qtest_writel(s, MTIMECMP(0), 30);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_writel(s, MTIMECMP(0) + 4, 0);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 20 * TICK_NS - 1);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, MTIP0));
    qtest_quit(s);
}

static void test_two_harts(void)
{
    QTestState *s = start_two_harts();

    /* Line 2h is hart h's MSIP. */
    qtest_writel(s, MSIP(1), 1);
    g_assert_true(qtest_get_irq(s, MSIP1));
    g_assert_false(qtest_get_irq(s, MSIP0));
    g_assert_cmphex(qtest_readl(s, MSIP(0)), ==, 0);
    qtest_writel(s, MSIP(0), 1);
    g_assert_true(qtest_get_irq(s, MSIP0));
    qtest_writel(s, MSIP(1), 0);
    g_assert_false(qtest_get_irq(s, MSIP1));
    g_assert_true(qtest_get_irq(s, MSIP0));

    /* An 8-byte access to the msip block reaches both harts' registers. */
    qtest_writeq(s, MSIP(0), 0x100000000ULL);
    g_assert_false(qtest_get_irq(s, MSIP0));
    g_assert_true(qtest_get_irq(s, MSIP1));
    g_assert_cmphex(qtest_readq(s, MSIP(0)), ==, 0x100000000ULL);

    /*
     * Line 2h + 1 is hart h's MTIP.  At 32768 Hz, tick 1 is complete at
     * 30517.578125 ns: MTIP rises at 30518 ns, not at 30517.
     */
    qtest_writeq(s, MTIMECMP(1), 1);
    qtest_clock_step(s, 30517);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 0);
    g_assert_false(qtest_get_irq(s, MTIP1));
    qtest_clock_step(s, 1);
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 1);
    g_assert_true(qtest_get_irq(s, MTIP1));
    g_assert_false(qtest_get_irq(s, MTIP0));

    /* Tick 32768 is one second exactly. */
    qtest_writeq(s, MTIMECMP(0), 32768);
    qtest_clock_set(s, 1000000000 - 1);
    g_assert_false(qtest_get_irq(s, MTIP0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, MTIP0));
    g_assert_cmpuint(qtest_readq(s, MTIME), ==, 32768);
    qtest_quit(s);
}

static void test_guest_errors(void)
{
    g_autofree char *log_path = NULL;
    g_autofree char *log = NULL;
    int fd = g_file_open_tmp("clint-test-XXXXXX.log", &log_path, NULL);
    QTestState *s;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    s = qtest_initf("-M virt -d guest_errors -D %s", log_path);
    qtest_irq_intercept_out(s, CLINT_PATH);

    /* virt has one hart: msip[1] and mtimecmp[1] are not there. */
    qtest_writel(s, MSIP(1), 1);
    g_assert_cmphex(qtest_readl(s, MSIP(1)), ==, 0);
    qtest_writeq(s, MTIMECMP(1), 0);
    g_assert_cmphex(qtest_readq(s, MTIMECMP(1)), ==, 0);
    g_assert_false(qtest_get_irq(s, MSIP0));
    g_assert_false(qtest_get_irq(s, MTIP0));
    /* Past mtime, to the end of the 64 KiB window. */
    qtest_writel(s, CLINT + 0xc000, 1);
    g_assert_cmphex(qtest_readl(s, CLINT + 0xfffc), ==, 0);
    /* The hart's own registers are untouched. */
    g_assert_cmphex(qtest_readl(s, MSIP(0)), ==, 0);
    g_assert_cmphex(qtest_readq(s, MTIMECMP(0)), ==, UINT64_MAX);
    qtest_quit(s);

    g_assert_true(g_file_get_contents(log_path, &log, NULL, NULL));
    g_assert_nonnull(strstr(log, CLINT_PATH ": write of 4 bytes at bad "
                            "offset 0x4 (value 0x1)\n"));
    g_assert_nonnull(strstr(log, CLINT_PATH ": read of 4 bytes at bad "
                            "offset 0x4\n"));
    g_assert_nonnull(strstr(log, CLINT_PATH ": read of 8 bytes at bad "
                            "offset 0x4008\n"));
    g_assert_nonnull(strstr(log, CLINT_PATH ": write of 4 bytes at bad "
                            "offset 0xc000 (value 0x1)\n"));
    g_assert_nonnull(strstr(log, CLINT_PATH ": read of 4 bytes at bad "
                            "offset 0xfffc\n"));
    g_unlink(log_path);
}

/* A board that gives a hart only one of its two lines is refused. */
static void test_odd_line_count(void)
{
    g_autofree char *cmd = g_strdup_printf(
        "'%s' -M dt,dts=%s/tests/data/intc-bad-clint-lines.dts -display none",
        qtest_qemu_binary(), g_getenv("KILN_SOURCE_ROOT"));
    g_auto(GStrv) argv = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL,
                               NULL, NULL, &out, &err, &status, NULL));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "/soc/clint@2000000: 3 interrupt lines, "
                            "but a CLINT has two per hart"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/clint/reset-values", test_reset_values);
    g_test_add_func("/clint/system-reset", test_system_reset);
    g_test_add_func("/clint/msip", test_msip);
    g_test_add_func("/clint/mtime-counts", test_mtime_counts);
    g_test_add_func("/clint/mtime-write", test_mtime_write);
    g_test_add_func("/clint/mtip-on-time", test_mtip_on_time);
    g_test_add_func("/clint/mtip-follows-mtime-writes",
                    test_mtip_follows_mtime_writes);
    g_test_add_func("/clint/mtime-wraps", test_mtime_wraps);
    g_test_add_func("/clint/mtimecmp-halves", test_mtimecmp_halves);
    g_test_add_func("/clint/two-harts", test_two_harts);
    g_test_add_func("/clint/guest-errors", test_guest_errors);
    g_test_add_func("/clint/odd-line-count", test_odd_line_count);
    return g_test_run();
}
