/*
 * The goldfish RTC of the virt board (hw/periph/timer/goldfish_rtc.c):
 * ns since the epoch from the virtual clock, and one alarm whose
 * interrupt rises at the exact ns, through its own intercepted output.
 */
#include "libqtest.h"

#include <glib/gstdio.h>
#include <string.h>

#define RTC                 0x101000
#define TIME_LOW            (RTC + 0x00)
#define TIME_HIGH           (RTC + 0x04)
#define ALARM_LOW           (RTC + 0x08)
#define ALARM_HIGH          (RTC + 0x0c)
#define IRQ_ENABLED         (RTC + 0x10)
#define CLEAR_ALARM         (RTC + 0x14)
#define ALARM_STATUS        (RTC + 0x18)
#define CLEAR_INTERRUPT     (RTC + 0x1c)

#define RTC_PATH            "/machine/soc/rtc@101000"

/* The documented default start-time: 2024-01-01T00:00:00Z. */
#define DEFAULT_START_NS    1704067200000000000ull

static uint64_t rtc_time(QTestState *s)
{
    uint64_t low = qtest_readl(s, TIME_LOW);

    return ((uint64_t)qtest_readl(s, TIME_HIGH) << 32) | low;
}

static void rtc_set_time(QTestState *s, uint64_t ns)
{
    /* Linux's order (drivers/rtc/rtc-goldfish.c): high half, then low. */
    qtest_writel(s, TIME_HIGH, ns >> 32);
    qtest_writel(s, TIME_LOW, (uint32_t)ns);
}

static void rtc_set_alarm(QTestState *s, uint64_t ns)
{
    qtest_writel(s, ALARM_HIGH, ns >> 32);
    qtest_writel(s, ALARM_LOW, (uint32_t)ns);
}

/* A virt board whose RTC's interrupt output is intercepted as line 0. */
static QTestState *rtc_init(const char *extra)
{
    QTestState *s = qtest_initf("-M virt %s", extra ? extra : "");

    qtest_irq_intercept_out(s, RTC_PATH);
    return s;
}

static void test_reset_values(void)
{
    QTestState *s = rtc_init(NULL);

    g_assert_cmpuint(qtest_readl(s, TIME_HIGH), ==, 0);
    g_assert_cmpuint(qtest_readl(s, ALARM_LOW), ==, 0);
    g_assert_cmpuint(qtest_readl(s, ALARM_HIGH), ==, 0);
    g_assert_cmpuint(qtest_readl(s, IRQ_ENABLED), ==, 0);
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 0);
    g_assert_cmpuint(qtest_readl(s, CLEAR_ALARM), ==, 0);
    g_assert_cmpuint(qtest_readl(s, CLEAR_INTERRUPT), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/* The time is start-time plus the virtual clock, to the ns. */
static void test_time_follows_clock(void)
{
    QTestState *s = rtc_init(NULL);

    g_assert_cmpuint(rtc_time(s), ==, DEFAULT_START_NS);
    g_assert_cmpint(qtest_clock_step(s, 12345), ==, 12345);
    g_assert_cmpuint(rtc_time(s), ==, DEFAULT_START_NS + 12345);
    qtest_clock_step(s, 1);
    g_assert_cmpuint(rtc_time(s), ==, DEFAULT_START_NS + 12346);
    qtest_clock_step(s, 3 * 1000000000ll);
    g_assert_cmpuint(rtc_time(s), ==, DEFAULT_START_NS + 3000012346ull);
    qtest_quit(s);
}

static void test_start_time_property(void)
{
    QTestState *s = rtc_init("-global goldfish-rtc.start-time=0x123456789");

    g_assert_cmpuint(rtc_time(s), ==, 0x123456789ull);
    qtest_clock_step(s, 7);
    g_assert_cmpuint(rtc_time(s), ==, 0x123456789ull + 7);
    qtest_quit(s);
}

/* TIME_HIGH holds what the last TIME_LOW read saw, however time moves. */
static void test_time_high_latched(void)
{
    QTestState *s = rtc_init("-global goldfish-rtc.start-time=0x1ffffff00");

    g_assert_cmpuint(qtest_readl(s, TIME_LOW), ==, 0xffffff00);
    qtest_clock_step(s, 0x100);
    g_assert_cmpuint(qtest_readl(s, TIME_HIGH), ==, 1);
    g_assert_cmpuint(qtest_readl(s, TIME_LOW), ==, 0);
    g_assert_cmpuint(qtest_readl(s, TIME_HIGH), ==, 2);
    qtest_quit(s);
}

static void test_set_time(void)
{
    QTestState *s = rtc_init(NULL);

    rtc_set_time(s, 0x0123456789abcdefull);
    g_assert_cmpuint(rtc_time(s), ==, 0x0123456789abcdefull);
    qtest_clock_step(s, 500);
    g_assert_cmpuint(rtc_time(s), ==, 0x0123456789abcdefull + 500);

    /* Writing one half keeps the other half of the current time. */
    qtest_writel(s, TIME_LOW, 0x10);
    g_assert_cmpuint(rtc_time(s), ==, 0x0123456700000010ull);
    qtest_writel(s, TIME_HIGH, 0x42);
    g_assert_cmpuint(rtc_time(s), ==, 0x0000004200000010ull);
    qtest_quit(s);
}

static void test_alarm_fires_on_time(void)
{
    QTestState *s = rtc_init(NULL);
    uint64_t alarm;

    qtest_writel(s, IRQ_ENABLED, 1);
    alarm = rtc_time(s) + 1000;
    rtc_set_alarm(s, alarm);
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 1);
    g_assert_cmpuint(qtest_readl(s, ALARM_LOW), ==, (uint32_t)alarm);
    g_assert_cmpuint(qtest_readl(s, ALARM_HIGH), ==, alarm >> 32);

    qtest_clock_step(s, 999);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 1);
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 0);
    g_assert_cmpuint(rtc_time(s), ==, alarm);

    /* The interrupt stays until cleared; clearing lowers it for good. */
    qtest_clock_step(s, 5000);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_writel(s, CLEAR_INTERRUPT, 1);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 5000);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/* An alarm across a 2^32 ns boundary compares all 64 bits. */
static void test_alarm_crosses_high_half(void)
{
    QTestState *s = rtc_init(NULL);

    qtest_writel(s, IRQ_ENABLED, 1);
    rtc_set_time(s, 0x5ffffff00ull);
    rtc_set_alarm(s, 0x600000100ull);
    qtest_clock_step(s, 0x1ff);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_clear_alarm_cancels(void)
{
    QTestState *s = rtc_init(NULL);

    qtest_writel(s, IRQ_ENABLED, 1);
    rtc_set_alarm(s, rtc_time(s) + 1000);
    qtest_clock_step(s, 500);
    qtest_writel(s, CLEAR_ALARM, 1);
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 0);
    qtest_clock_step(s, 10000);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/* IRQ_ENABLED gates the line, not the alarm: a pending one shows later. */
static void test_irq_enabled_gates_line(void)
{
    QTestState *s = rtc_init(NULL);

    rtc_set_alarm(s, rtc_time(s) + 1000);
    qtest_clock_step(s, 1000);
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));

    qtest_writel(s, IRQ_ENABLED, 1);
    g_assert_cmpuint(qtest_readl(s, IRQ_ENABLED), ==, 1);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_writel(s, IRQ_ENABLED, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_writel(s, CLEAR_INTERRUPT, 1);
    qtest_writel(s, IRQ_ENABLED, 1);
    g_assert_false(qtest_get_irq(s, 0));

    /* Only bit 0 enables. */
    qtest_writel(s, IRQ_ENABLED, 0xfffffffe);
    g_assert_cmpuint(qtest_readl(s, IRQ_ENABLED), ==, 0);
    qtest_quit(s);
}

static void test_alarm_in_past_fires_at_once(void)
{
    QTestState *s = rtc_init(NULL);

    qtest_writel(s, IRQ_ENABLED, 1);
    qtest_clock_step(s, 100);
    rtc_set_alarm(s, rtc_time(s));
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 0);
    qtest_quit(s);
}

/* The alarm is a time of day: moving the time moves when it fires. */
static void test_set_time_moves_alarm(void)
{
    QTestState *s = rtc_init(NULL);

    qtest_writel(s, IRQ_ENABLED, 1);
    rtc_set_time(s, 1000000);
    rtc_set_alarm(s, 1001000);
    rtc_set_time(s, 900000);
    qtest_clock_step(s, 100999);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, 0));

    qtest_writel(s, CLEAR_INTERRUPT, 1);
    rtc_set_alarm(s, 2000000);
    rtc_set_time(s, 2000000);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 0);
    qtest_quit(s);
}

/* A reset clears the alarm and the interrupt; the time runs on. */
static void test_reset_keeps_time(void)
{
    QTestState *s = rtc_init(NULL);

    rtc_set_time(s, 0x100000000ull);
    qtest_writel(s, IRQ_ENABLED, 1);
    rtc_set_alarm(s, 0x100000000ull + 100);
    qtest_clock_step(s, 100);
    g_assert_true(qtest_get_irq(s, 0));
    rtc_set_alarm(s, 0x100000000ull + 1000);

    json_node_unref(qtest_qmp(s, "{'execute': 'system_reset'}"));
    qtest_qmp_eventwait(s, "RESET");
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmpuint(qtest_readl(s, IRQ_ENABLED), ==, 0);
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 0);
    g_assert_cmpuint(qtest_readl(s, ALARM_LOW), ==, 0);
    g_assert_cmpuint(rtc_time(s), ==, 0x100000000ull + 100);

    qtest_writel(s, IRQ_ENABLED, 1);
    qtest_clock_step(s, 2000);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_guest_errors(void)
{
    g_autofree char *dir = g_dir_make_tmp("goldfish-rtc-XXXXXX", NULL);
    g_autofree char *log = g_build_filename(dir, "log", NULL);
    g_autofree char *opts = g_strdup_printf("-d guest_errors -D %s", log);
    g_autofree char *text = NULL;
    QTestState *s = rtc_init(opts);

    g_assert_cmpuint(qtest_readl(s, RTC + 0x20), ==, 0);
    qtest_writel(s, RTC + 0xffc, 0x1234);
    qtest_writel(s, ALARM_STATUS, 1);
    g_assert_cmpuint(qtest_readl(s, ALARM_STATUS), ==, 0);
    /* Only 32-bit accesses reach the registers. */
    qtest_writel(s, IRQ_ENABLED, 1);
    g_assert_cmpuint(qtest_readw(s, IRQ_ENABLED), ==, 0);
    qtest_writeb(s, IRQ_ENABLED, 0);
    g_assert_cmpuint(qtest_readl(s, IRQ_ENABLED), ==, 1);
    g_assert_true(qtest_probe_child(s));

    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, RTC_PATH ": read at unknown offset 0x20\n"));
    g_assert_nonnull(strstr(text, RTC_PATH ": write of 0x1234 at unknown "
                            "offset 0xffc\n"));
    g_assert_nonnull(strstr(text, RTC_PATH ": write of 0x1 to read-only "
                            "ALARM_STATUS\n"));
    qtest_quit(s);
    g_unlink(log);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/goldfish-rtc/reset-values", test_reset_values);
    g_test_add_func("/goldfish-rtc/time-follows-clock",
                    test_time_follows_clock);
    g_test_add_func("/goldfish-rtc/start-time-property",
                    test_start_time_property);
    g_test_add_func("/goldfish-rtc/time-high-latched", test_time_high_latched);
    g_test_add_func("/goldfish-rtc/set-time", test_set_time);
    g_test_add_func("/goldfish-rtc/alarm-fires-on-time",
                    test_alarm_fires_on_time);
    g_test_add_func("/goldfish-rtc/alarm-crosses-high-half",
                    test_alarm_crosses_high_half);
    g_test_add_func("/goldfish-rtc/clear-alarm-cancels",
                    test_clear_alarm_cancels);
    g_test_add_func("/goldfish-rtc/irq-enabled-gates-line",
                    test_irq_enabled_gates_line);
    g_test_add_func("/goldfish-rtc/alarm-in-past-fires-at-once",
                    test_alarm_in_past_fires_at_once);
    g_test_add_func("/goldfish-rtc/set-time-moves-alarm",
                    test_set_time_moves_alarm);
    g_test_add_func("/goldfish-rtc/reset-keeps-time", test_reset_keeps_time);
    g_test_add_func("/goldfish-rtc/guest-errors", test_guest_errors);
    return g_test_run();
}
