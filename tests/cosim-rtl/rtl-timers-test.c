/*
 * Several RTL models behind one link: kiln-rtl-timers serves two RTL
 * timers (models/rtl/rtl_timers_main.cpp) on channels 0 and 1 of the
 * bridge in dts/cosim-rtl-timers.dts, which has two reg windows and two
 * interrupt lines.  Over qtest: each timer's registers are its own, each
 * interrupt comes on its own line at the exact virtual time the common
 * timer register map promises (enabled at T with LOAD = N: T + N * 10 ns,
 * not a ns sooner) whatever the other timer does, a board reset resets
 * both, and --trace writes one waveform per channel.  Then the same
 * bridge beside a second one, to the RTL DMA engine in a process of its
 * own: the timers keep their times while the engine copies memory.
 *
 * The board is the shipped dts/cosim-rtl-timers.dts itself, its bridge
 * pointed at the test's own socket.
 */
#include "libqtest.h"
#include "rtl-rig.h"
#include "waveform.h"

#include <string.h>

#define PLIC_PATH       "/machine/soc/plic@c000000"

/* The RTL DMA engine's registers (models/rtl/kiln_axil_dma.v). */
#define DMA_SRC         0x00
#define DMA_DST         0x04
#define DMA_LEN         0x08
#define DMA_CTRL        0x0c
#define DMA_STATUS      0x10
#define DMA_CTRL_START  (1u << 0)
#define DMA_CTRL_IE     (1u << 1)
#define DMA_STATUS_DONE (1u << 0)
#define DMA_STATUS_BUSY (1u << 2)

#define BUF_A           0x80100000u
#define BUF_B           0x80200000u

static const uint32_t timer_base[2] = { RTL_TIMERS_BASE0, RTL_TIMERS_BASE1 };

typedef struct TimersRig {
    RtlRig *rig;
    QTestState *s;
    int64_t now;                /* kiln's virtual time, ns */
} TimersRig;

/*
 * The board of dts/cosim-rtl-timers.dts, in RIG, on a kiln-rtl-timers
 * started with MODEL_ARGS, and, with DMA, a bridge to a kiln-rtl-dma of
 * its own.
 */
static TimersRig timers_start_in(RtlRig *rig, const char *const *model_args,
                                 bool dma)
{
    TimersRig t = { .rig = rig };
    const char *ep;

    rtl_rig_use_board(t.rig, "cosim-rtl-timers.dts");
    ep = rtl_rig_start_model(t.rig, "KILN_RTL_TIMERS", "timers", model_args);
    rtl_rig_set_endpoint(t.rig, "rtl_timers", ep);
    if (dma) {
        ep = rtl_rig_start_model(t.rig, "KILN_RTL_DMA", "dma", NULL);
        rtl_rig_add_bridge(t.rig, RTL_DMA_BASE, RTL_DMA_IRQ, ep, NULL);
    }
    t.s = qtest_initf("-M dt,dts=%s", rtl_rig_board(t.rig));
    return t;
}

/* The bridge's own lines, interrupts[0] and [1], as lines 0 and 1. */
static TimersRig timers_start_lines(RtlRig *rig,
                                    const char *const *model_args)
{
    TimersRig t = timers_start_in(rig, model_args, false);
    g_autofree char *path = rtl_rig_bridge_path(RTL_TIMERS_BASE0);

    qtest_irq_intercept_out(t.s, path);
    return t;
}

static void timers_stop(TimersRig *t)
{
    qtest_quit(t->s);
    rtl_rig_finish(t->rig);
}

static uint32_t timer_read(TimersRig *t, unsigned n, uint32_t reg)
{
    return qtest_readl(t->s, timer_base[n] + reg);
}

static void timer_write(TimersRig *t, unsigned n, uint32_t reg,
                        uint32_t value)
{
    qtest_writel(t->s, timer_base[n] + reg, value);
}

static void step_to(TimersRig *t, int64_t at)
{
    g_assert_cmpint(at, >=, t->now);
    g_assert_cmpint(qtest_clock_set(t->s, at), ==, at);
    t->now = at;
}

/* Each timer's registers answer for it alone. */
static void test_registers(void)
{
    TimersRig t = timers_start_lines(rtl_rig_new(), NULL);

    for (unsigned n = 0; n < 2; n++) {
        for (uint32_t reg = TIMER_CTRL; reg <= TIMER_STATUS; reg += 4) {
            g_assert_cmpuint(timer_read(&t, n, reg), ==, 0);
        }
    }
    timer_write(&t, 0, TIMER_LOAD, 0x11111111);
    timer_write(&t, 1, TIMER_LOAD, 0x22222222);
    g_assert_cmphex(timer_read(&t, 0, TIMER_LOAD), ==, 0x11111111);
    g_assert_cmphex(timer_read(&t, 1, TIMER_LOAD), ==, 0x22222222);
    /* A byte lane of one leaves the other as it was. */
    qtest_writeb(t.s, timer_base[1] + TIMER_LOAD + 2, 0xab);
    g_assert_cmphex(timer_read(&t, 1, TIMER_LOAD), ==, 0x22ab2222);
    g_assert_cmphex(timer_read(&t, 0, TIMER_LOAD), ==, 0x11111111);

    /* Timer 0 counts from 10 us, timer 1 from 30 us; CTRL is each's own. */
    timer_write(&t, 0, TIMER_LOAD, 0);
    timer_write(&t, 1, TIMER_LOAD, 0);
    step_to(&t, 10000);
    timer_write(&t, 0, TIMER_CTRL, TIMER_EN);
    step_to(&t, 20000);
    g_assert_cmpuint(timer_read(&t, 0, TIMER_COUNT), ==, 1000);
    g_assert_cmpuint(timer_read(&t, 1, TIMER_COUNT), ==, 0);
    g_assert_cmpuint(timer_read(&t, 1, TIMER_CTRL), ==, 0);
    step_to(&t, 30000);
    timer_write(&t, 1, TIMER_CTRL, TIMER_EN | TIMER_PERIODIC);
    step_to(&t, 30000 + 4570);
    g_assert_cmpuint(timer_read(&t, 0, TIMER_COUNT), ==, 2457);
    g_assert_cmpuint(timer_read(&t, 1, TIMER_COUNT), ==, 457);
    g_assert_cmpuint(timer_read(&t, 0, TIMER_CTRL), ==, TIMER_EN);
    g_assert_cmpuint(timer_read(&t, 1, TIMER_CTRL), ==,
                     TIMER_EN | TIMER_PERIODIC);
    /* Stopping one leaves the other counting. */
    step_to(&t, 40000);
    timer_write(&t, 0, TIMER_CTRL, 0);
    step_to(&t, 50000);
    g_assert_cmpuint(timer_read(&t, 0, TIMER_COUNT), ==, 3000);
    g_assert_cmpuint(timer_read(&t, 1, TIMER_COUNT), ==, 2000);
    g_assert_false(qtest_get_irq(t.s, 0));
    g_assert_false(qtest_get_irq(t.s, 1));
    timers_stop(&t);
}

/* Lines 0 and 1 are LEVEL0 and LEVEL1 at AT - 1 ns, and at AT. */
static void assert_lines(TimersRig *t, int64_t at, bool before0,
                         bool before1, bool level0, bool level1)
{
    step_to(t, at - 1);
    g_assert_cmpint(qtest_get_irq(t->s, 0), ==, before0);
    g_assert_cmpint(qtest_get_irq(t->s, 1), ==, before1);
    step_to(t, at);
    g_assert_cmpint(qtest_get_irq(t->s, 0), ==, level0);
    g_assert_cmpint(qtest_get_irq(t->s, 1), ==, level1);
}

/*
 * Clear timer N's MATCH; its line is low once the write has landed (two
 * ticks on APB, after two more for an access just before at the same
 * instant), the other line as it was.
 */
static void clear_match(TimersRig *t, unsigned n, bool other)
{
    timer_write(t, n, TIMER_STATUS, TIMER_MATCH);
    step_to(t, t->now + 4 * TIMER_TICK_NS);
    g_assert_false(qtest_get_irq(t->s, n));
    g_assert_cmpint(qtest_get_irq(t->s, !n), ==, other);
    g_assert_cmpuint(timer_read(t, n, TIMER_STATUS), ==, 0);
}

/*
 * Each interrupt on its own line at its own time: timer 0 one-shot,
 * enabled at 1 us with LOAD 300 (match at 4 us); timer 1 periodic,
 * enabled at 1.5 us with LOAD 170 (matches at 3.2, 4.9, 6.6 us).  One
 * line rising never moves the other.
 */
static void test_interrupts(void)
{
    TimersRig t = timers_start_lines(rtl_rig_new(), NULL);

    timer_write(&t, 0, TIMER_LOAD, 300);
    timer_write(&t, 1, TIMER_LOAD, 170);
    step_to(&t, 1000);
    timer_write(&t, 0, TIMER_CTRL, TIMER_EN | TIMER_IE);
    step_to(&t, 1500);
    timer_write(&t, 1, TIMER_CTRL, TIMER_EN | TIMER_IE | TIMER_PERIODIC);

    assert_lines(&t, 3200, false, false, false, true);
    g_assert_cmpuint(timer_read(&t, 0, TIMER_STATUS), ==, 0);
    assert_lines(&t, 4000, false, true, true, true);
    g_assert_cmpuint(timer_read(&t, 0, TIMER_COUNT), ==, 300);
    clear_match(&t, 1, true);
    assert_lines(&t, 4900, true, false, true, true);
    clear_match(&t, 0, true);
    clear_match(&t, 1, false);
    assert_lines(&t, 6600, false, false, false, true);
    /* Timer 0 counted on past its match, one-shot; timer 1 restarted. */
    step_to(&t, 7000);
    g_assert_cmpuint(timer_read(&t, 0, TIMER_COUNT), ==, 600);
    g_assert_cmpuint(timer_read(&t, 1, TIMER_COUNT), ==, 40);
    timers_stop(&t);
}

/* A board reset resets both channels: registers, counts and lines. */
static void test_reset(void)
{
    TimersRig t = timers_start_lines(rtl_rig_new(), NULL);

    for (unsigned n = 0; n < 2; n++) {
        timer_write(&t, n, TIMER_LOAD, 20 + 10 * n);
        timer_write(&t, n, TIMER_CTRL, TIMER_EN | TIMER_IE);
    }
    step_to(&t, 1000);
    g_assert_true(qtest_get_irq(t.s, 0));
    g_assert_true(qtest_get_irq(t.s, 1));
    json_node_unref(qtest_qmp_assert_success_ref(t.s,
        "{'execute': 'system_reset'}"));
    qtest_qmp_eventwait(t.s, "RESET");
    g_assert_false(qtest_get_irq(t.s, 0));
    g_assert_false(qtest_get_irq(t.s, 1));
    for (unsigned n = 0; n < 2; n++) {
        for (uint32_t reg = TIMER_CTRL; reg <= TIMER_STATUS; reg += 4) {
            g_assert_cmpuint(timer_read(&t, n, reg), ==, 0);
        }
    }
    /* Timer 1 works on after it, on its own line. */
    timer_write(&t, 1, TIMER_LOAD, 50);
    step_to(&t, 2000);
    timer_write(&t, 1, TIMER_CTRL, TIMER_EN | TIMER_IE);
    assert_lines(&t, 2500, false, false, false, true);
    timers_stop(&t);
}

/*
 * --trace FILE.vcd: channel N's waveform is FILE-N.vcd, each its own
 * timer's, its interrupt rising at its own match.
 */
static void test_trace(void)
{
    RtlRig *rig = rtl_rig_new();
    g_autofree char *file = g_build_filename(rtl_rig_dir(rig), "timers.vcd",
                                             NULL);
    const char *args[] = { "--trace", file, NULL };
    static const uint32_t load[2] = { 70, 25 };
    static const int64_t match[2] = { 1000 + 70 * TIMER_TICK_NS,
                                      1300 + 25 * TIMER_TICK_NS };
    TimersRig t = timers_start_lines(rig, args);

    timer_write(&t, 0, TIMER_LOAD, load[0]);
    timer_write(&t, 1, TIMER_LOAD, load[1]);
    step_to(&t, 1000);
    timer_write(&t, 0, TIMER_CTRL, TIMER_EN | TIMER_IE);
    step_to(&t, 1300);
    timer_write(&t, 1, TIMER_CTRL, TIMER_EN | TIMER_IE);
    assert_lines(&t, match[1], false, false, false, true);
    assert_lines(&t, match[0], false, true, true, true);
    step_to(&t, 2000);
    qtest_quit(t.s);
    /* The model writes the end of its traces when kiln has said BYE. */
    rtl_rig_wait(rig);

    g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    for (unsigned n = 0; n < 2; n++) {
        g_autofree char *name = g_strdup_printf("timers-%u.vcd", n);
        g_autofree char *path = g_build_filename(rtl_rig_dir(rig), name,
                                                 NULL);
        g_autoptr(Waveform) w = waveform_read_vcd(path);

        g_assert_nonnull(w);
        g_assert_cmpuint(waveform_value_at(w, "TOP.kiln_apb_timer.load",
                                           2000), ==, load[n]);
        g_assert_cmpint(waveform_first(w, "TOP.irq", 1, 0), ==, match[n]);
        g_assert_cmpuint(waveform_value_at(w, "TOP.irq", match[n] - 1), ==,
                         0);
    }
    rtl_rig_finish(rig);
}

/*
 * Two bridges, each to its own model process: the two timers' link and
 * the DMA engine's.  The engine copies 8 KiB of RAM while both timers
 * count; their interrupts reach the PLIC at their exact times, mid-copy,
 * and the copy is right.
 */
static void test_two_bridges(void)
{
    TimersRig t = timers_start_in(rtl_rig_new(), NULL, true);
    static uint8_t src[8192], dst[sizeof(src)];
    static const unsigned irq[2] = { RTL_TIMERS_IRQ0, RTL_TIMERS_IRQ1 };
    static const int64_t match[2] = { 5000 + 700 * TIMER_TICK_NS,
                                      5000 + 1100 * TIMER_TICK_NS };
    int64_t start;

    qtest_irq_intercept_in(t.s, PLIC_PATH);
    for (size_t i = 0; i < sizeof(src); i++) {
        src[i] = (uint8_t)(i * 7 + (i >> 8));
    }
    qtest_bufwrite(t.s, BUF_A, src, sizeof(src));
    qtest_memset(t.s, BUF_B, 0, sizeof(dst));

    timer_write(&t, 0, TIMER_LOAD, 700);
    timer_write(&t, 1, TIMER_LOAD, 1100);
    step_to(&t, 5000);
    qtest_writel(t.s, RTL_DMA_BASE + DMA_SRC, BUF_A);
    qtest_writel(t.s, RTL_DMA_BASE + DMA_DST, BUF_B);
    qtest_writel(t.s, RTL_DMA_BASE + DMA_LEN, sizeof(src));
    qtest_writel(t.s, RTL_DMA_BASE + DMA_CTRL, DMA_CTRL_START | DMA_CTRL_IE);
    timer_write(&t, 0, TIMER_CTRL, TIMER_EN | TIMER_IE);
    timer_write(&t, 1, TIMER_CTRL, TIMER_EN | TIMER_IE);

    for (unsigned n = 0; n < 2; n++) {
        step_to(&t, match[n] - 1);
        g_assert_false(qtest_get_irq(t.s, irq[n]));
        step_to(&t, match[n]);
        g_assert_true(qtest_get_irq(t.s, irq[n]));
        g_assert_cmpint(qtest_get_irq(t.s, irq[!n]), ==, n == 1);
        /* Still copying: the timers' times held under the engine's DMA. */
        g_assert_cmpuint(qtest_readl(t.s, RTL_DMA_BASE + DMA_STATUS) &
                         DMA_STATUS_BUSY, !=, 0);
        g_assert_false(qtest_get_irq(t.s, RTL_DMA_IRQ));
    }

    start = t.now;
    while (!qtest_get_irq(t.s, RTL_DMA_IRQ)) {
        t.now = qtest_clock_step_next(t.s);
        g_assert_cmpint(t.now - start, <, 10000000);
    }
    g_assert_cmphex(qtest_readl(t.s, RTL_DMA_BASE + DMA_STATUS), ==,
                    DMA_STATUS_DONE);
    qtest_bufread(t.s, BUF_B, dst, sizeof(dst));
    g_assert_cmpmem(dst, sizeof(dst), src, sizeof(src));
    timers_stop(&t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cosim-rtl/timers/registers", test_registers);
    g_test_add_func("/cosim-rtl/timers/interrupts", test_interrupts);
    g_test_add_func("/cosim-rtl/timers/reset", test_reset);
    g_test_add_func("/cosim-rtl/timers/trace", test_trace);
    g_test_add_func("/cosim-rtl/timers/two-bridges", test_two_bridges);
    return g_test_run();
}
