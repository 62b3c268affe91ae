/*
 * The RTL timer (models/rtl/kiln_apb_timer.v, program kiln-rtl-timer)
 * behind a cosim bridge, driven over qtest: its registers, and its
 * interrupt at the exact virtual time the common timer register map
 * promises - enabled at T with LOAD = N, the line rises at T + N * 10 ns,
 * not a ns sooner.  The interrupt checks run unchanged on the C
 * reference timer (models/c, kiln-timer-model) too, so both are held to
 * the same times, and on a waveform the harness writes (--trace).
 *
 * Times are on the 10 ns grid of the RTL clock: an access between two
 * edges lands on the next one (cosim/verilator/cosim_rtl_harness.h).
 */
#include "libqtest.h"
#include "rtl-rig.h"

#include <stdio.h>
#include <string.h>

typedef struct TimerRig {
    RtlRig *rig;
    QTestState *s;
    uint32_t base;
    int64_t now;                /* kiln's virtual time, ns */
} TimerRig;

/*
 * A board in RIG with one timer, the RTL one or the C one, its interrupt
 * intercepted as line 0.  MODEL_ARGS go to the model program.
 */
static TimerRig timer_start_in(RtlRig *rig, bool rtl,
                               const char *const *model_args)
{
    TimerRig t = { .rig = rig };
    g_autofree char *path = NULL;
    const char *ep;

    t.base = rtl ? RTL_TIMER_BASE : C_TIMER_BASE;
    ep = rtl_rig_start_model(t.rig, rtl ? "KILN_RTL_TIMER" : "KILN_TIMER_MODEL",
                             "timer", model_args);
    rtl_rig_add_bridge(t.rig, t.base, rtl ? RTL_TIMER_IRQ : C_TIMER_IRQ, ep,
                       NULL);
    t.s = qtest_initf("-M dt,dts=%s", rtl_rig_board(t.rig));
    path = rtl_rig_bridge_path(t.base);
    qtest_irq_intercept_out(t.s, path);
    return t;
}

static TimerRig timer_start(bool rtl)
{
    return timer_start_in(rtl_rig_new(), rtl, NULL);
}

static void timer_stop(TimerRig *t)
{
    qtest_quit(t->s);
    rtl_rig_finish(t->rig);
}

static uint32_t timer_read(TimerRig *t, uint32_t reg)
{
    return qtest_readl(t->s, t->base + reg);
}

static void timer_write(TimerRig *t, uint32_t reg, uint32_t value)
{
    qtest_writel(t->s, t->base + reg, value);
}

/* Step to exactly AT (ns), which must not be in the past. */
static void step_to(TimerRig *t, int64_t at)
{
    g_assert_cmpint(at, >=, t->now);
    g_assert_cmpint(qtest_clock_set(t->s, at), ==, at);
    t->now = at;
}

/* The line is low at AT - 1 ns and high at AT. */
static void assert_rises_at(TimerRig *t, int64_t at)
{
    step_to(t, at - 1);
    g_assert_false(qtest_get_irq(t->s, 0));
    step_to(t, at);
    g_assert_true(qtest_get_irq(t->s, 0));
}

/*
 * Clear MATCH; the line is low once the write has landed.  On the RTL's
 * APB that takes two ticks, after two more for an access made at the same
 * instant just before (qtest's accesses take no time of kiln's, and the
 * bus serves them one after the other).
 */
static void clear_match(TimerRig *t)
{
    timer_write(t, TIMER_STATUS, TIMER_MATCH);
    step_to(t, t->now + 4 * TIMER_TICK_NS);
    g_assert_false(qtest_get_irq(t->s, 0));
    g_assert_cmpuint(timer_read(t, TIMER_STATUS), ==, 0);
}

/* One-shot: LOAD = N, enabled at T: the match at T + N * 10 ns. */
static void check_one_shot(TimerRig *t, int64_t enable_at, uint32_t n)
{
    int64_t match = enable_at + (int64_t)n * TIMER_TICK_NS;

    timer_write(t, TIMER_LOAD, n);
    step_to(t, enable_at);
    timer_write(t, TIMER_CTRL, TIMER_EN | TIMER_IE);
    /*
     * A read a tick before the match: on the RTL its bus cycles run past
     * the match's edge, yet the line must not rise before its time.
     */
    step_to(t, match - TIMER_TICK_NS);
    g_assert_cmpuint(timer_read(t, TIMER_COUNT), ==, n - 1);
    g_assert_false(qtest_get_irq(t->s, 0));
    assert_rises_at(t, match);
    g_assert_cmpuint(timer_read(t, TIMER_STATUS), ==, TIMER_MATCH);
    /* One-shot keeps counting past LOAD. */
    step_to(t, match + 7 * TIMER_TICK_NS);
    g_assert_cmpuint(timer_read(t, TIMER_COUNT), ==, n + 7);
    clear_match(t);
    timer_write(t, TIMER_CTRL, 0);
}

static void test_one_shot(gconstpointer rtl)
{
    TimerRig t = timer_start(GPOINTER_TO_INT(rtl));

    g_assert_false(qtest_get_irq(t.s, 0));
    check_one_shot(&t, 1000, 1000);
    check_one_shot(&t, 50000, 3);
    timer_stop(&t);
}

/*
 * A match far past the harness's look-ahead horizon (100 us): found by
 * speculating again at each horizon, still to the ns.
 */
static void test_far_match(gconstpointer rtl)
{
    TimerRig t = timer_start(GPOINTER_TO_INT(rtl));

    check_one_shot(&t, 2000, 123457);           /* 1.23457 ms */
    timer_stop(&t);
}

/* Periodic: COUNT restarts at each match, one every LOAD ticks. */
static void test_periodic(gconstpointer rtl)
{
    TimerRig t = timer_start(GPOINTER_TO_INT(rtl));
    const int64_t enable_at = 3000;
    const uint32_t n = 250;

    timer_write(&t, TIMER_LOAD, n);
    step_to(&t, enable_at);
    timer_write(&t, TIMER_CTRL, TIMER_EN | TIMER_IE | TIMER_PERIODIC);
    for (int k = 1; k <= 4; k++) {
        int64_t match = enable_at + (int64_t)k * n * TIMER_TICK_NS;

        assert_rises_at(&t, match);
        step_to(&t, match + 5 * TIMER_TICK_NS);
        g_assert_cmpuint(timer_read(&t, TIMER_COUNT), ==, 5);
        clear_match(&t);
    }
    timer_stop(&t);
}

/* With IE clear, MATCH is set at its time but the line stays low. */
static void test_masked(gconstpointer rtl)
{
    TimerRig t = timer_start(GPOINTER_TO_INT(rtl));

    timer_write(&t, TIMER_LOAD, 40);
    step_to(&t, 1000);
    timer_write(&t, TIMER_CTRL, TIMER_EN);
    step_to(&t, 1000 + 40 * TIMER_TICK_NS - 1);
    g_assert_cmpuint(timer_read(&t, TIMER_STATUS), ==, 0);
    step_to(&t, 1000 + 40 * TIMER_TICK_NS + 100);
    g_assert_cmpuint(timer_read(&t, TIMER_STATUS), ==, TIMER_MATCH);
    g_assert_false(qtest_get_irq(t.s, 0));
    /* Enabling the interrupt raises the line for the pending match. */
    timer_write(&t, TIMER_CTRL, TIMER_EN | TIMER_IE);
    step_to(&t, 1000 + 40 * TIMER_TICK_NS + 200);
    g_assert_true(qtest_get_irq(t.s, 0));
    timer_stop(&t);
}

/* Registers of the RTL timer, as the register map describes them. */
static void test_registers(void)
{
    TimerRig t = timer_start(true);
    uint32_t b = t.base;

    g_assert_cmpuint(timer_read(&t, TIMER_CTRL), ==, 0);
    g_assert_cmpuint(timer_read(&t, TIMER_LOAD), ==, 0);
    g_assert_cmpuint(timer_read(&t, TIMER_COUNT), ==, 0);
    g_assert_cmpuint(timer_read(&t, TIMER_STATUS), ==, 0);
    /* Unknown offsets read as zero and ignore writes. */
    timer_write(&t, 0x10, 0xffffffff);
    g_assert_cmpuint(timer_read(&t, 0x10), ==, 0);
    g_assert_cmpuint(timer_read(&t, 0xffc), ==, 0);

    /* CTRL keeps its three bits; COUNT is read-only. */
    timer_write(&t, TIMER_LOAD, 0x11223344);
    g_assert_cmpuint(timer_read(&t, TIMER_LOAD), ==, 0x11223344);
    timer_write(&t, TIMER_COUNT, 1234);
    g_assert_cmpuint(timer_read(&t, TIMER_COUNT), ==, 0);

    /* Narrow and wide accesses become 32-bit transfers with strobes. */
    qtest_writeb(t.s, b + TIMER_LOAD + 1, 0xaa);
    g_assert_cmpuint(timer_read(&t, TIMER_LOAD), ==, 0x1122aa44);
    qtest_writew(t.s, b + TIMER_LOAD + 2, 0x5566);
    g_assert_cmpuint(timer_read(&t, TIMER_LOAD), ==, 0x5566aa44);
    g_assert_cmphex(qtest_readb(t.s, b + TIMER_LOAD + 3), ==, 0x55);
    g_assert_cmphex(qtest_readw(t.s, b + TIMER_LOAD + 2), ==, 0x5566);
    qtest_writeq(t.s, b + TIMER_CTRL, 0x0000000500000000ull | 0xf8);
    g_assert_cmphex(qtest_readq(t.s, b + TIMER_CTRL), ==,
                    0x0000000500000000ull);

    /* COUNT: ticks since the enabling write, 10 ns each. */
    step_to(&t, 10000);
    timer_write(&t, TIMER_LOAD, 0);
    step_to(&t, 20000);
    timer_write(&t, TIMER_CTRL, TIMER_EN);
    step_to(&t, 20000 + 4579);
    g_assert_cmpuint(timer_read(&t, TIMER_COUNT), ==, 457);
    step_to(&t, 20000 + 4600);
    g_assert_cmpuint(timer_read(&t, TIMER_COUNT), ==, 460);
    step_to(&t, 30000);
    g_assert_cmpuint(timer_read(&t, TIMER_COUNT), ==, 1000);
    g_assert_cmpuint(timer_read(&t, TIMER_CTRL), ==, TIMER_EN);
    /* Disabling freezes COUNT at the value it had when written. */
    step_to(&t, 40000);
    timer_write(&t, TIMER_CTRL, 0);
    step_to(&t, 90000);
    g_assert_cmpuint(timer_read(&t, TIMER_COUNT), ==, 2000);
    /* Re-enabling restarts it at 0. */
    step_to(&t, 100000);
    timer_write(&t, TIMER_CTRL, TIMER_EN);
    step_to(&t, 100000 + 300);
    g_assert_cmpuint(timer_read(&t, TIMER_COUNT), ==, 30);
    timer_stop(&t);
}

/* --- the waveform --- */

/*
 * The VCD identifier code of the variable NAME declared in the scope
 * SCOPE ("$scope module SCOPE $end ... $var wire W CODE NAME ... $end").
 */
static char *vcd_var_code(const char *vcd, const char *scope,
                          const char *name)
{
    g_autofree char *scope_decl = g_strdup_printf("$scope module %s $end",
                                                  scope);
    const char *p = strstr(vcd, scope_decl);
    g_auto(GStrv) lines = NULL;

    g_assert_nonnull(p);
    lines = g_strsplit(p, "\n", -1);
    for (char **l = lines; *l && !strstr(*l, "$upscope"); l++) {
        char code[32], var[64];

        /* $var wire WIDTH CODE NAME [RANGE] $end */
        if (sscanf(*l, " $var %*s %*d %31s %63s", code, var) == 2 &&
            !strcmp(var, name)) {
            return g_strdup(code);
        }
    }
    g_error("no $var %s in scope %s of the trace", name, scope);
}

/*
 * The first timestamp after the initial values (time 0) at which the
 * 1-bit variable CODE is set to 1, or -1.
 */
static int64_t vcd_first_rise(const char *vcd, const char *code)
{
    g_auto(GStrv) lines = g_strsplit(strstr(vcd, "$enddefinitions"), "\n", -1);
    int64_t time = -1;

    for (char **l = lines; *l; l++) {
        if ((*l)[0] == '#') {
            time = g_ascii_strtoll(*l + 1, NULL, 10);
        } else if (time > 0 && (*l)[0] == '1' && !strcmp(*l + 1, code)) {
            return time;
        }
    }
    return -1;
}

static void test_trace(void)
{
    RtlRig *rig = rtl_rig_new();
    g_autofree char *vcd_path = g_build_filename(rtl_rig_dir(rig),
                                                 "timer.vcd", NULL);
    const char *args[] = { "--trace", vcd_path, NULL };
    TimerRig t = timer_start_in(rig, true, args);
    g_autofree char *vcd = NULL;
    g_autofree char *irq = NULL;
    g_autofree char *clk = NULL;
    g_autofree char *count = NULL;
    GError *err = NULL;

    timer_write(&t, TIMER_LOAD, 50);
    step_to(&t, 1000);
    timer_write(&t, TIMER_CTRL, TIMER_EN | TIMER_IE);
    step_to(&t, 2000);
    g_assert_true(qtest_get_irq(t.s, 0));
    qtest_quit(t.s);
    /* The model closes the trace when it ends. */
    g_file_get_contents(vcd_path, &vcd, NULL, &err);
    g_assert_no_error(err);
    rtl_rig_finish(t.rig);

    g_assert_nonnull(strstr(vcd, "$timescale 1ns $end"));
    /* The timer's ports and registers are all there... */
    irq = vcd_var_code(vcd, "kiln_apb_timer", "irq");
    clk = vcd_var_code(vcd, "kiln_apb_timer", "pclk");
    count = vcd_var_code(vcd, "kiln_apb_timer", "count");
    g_assert_cmpstr(count, !=, irq);
    /* ...the clock rises on the 10 ns grid... */
    g_assert_cmpint(vcd_first_rise(vcd, clk), ==, 10);
    g_assert_nonnull(strstr(vcd, "\n#1495\n"));
    g_assert_nonnull(strstr(vcd, "\n#1500\n"));
    /* ...and the interrupt rises where kiln saw it. */
    g_assert_cmpint(vcd_first_rise(vcd, irq), ==, 1000 + 50 * TIMER_TICK_NS);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (int rtl = 1; rtl >= 0; rtl--) {
        const char *who = rtl ? "rtl" : "c-model";
        gconstpointer p = GINT_TO_POINTER(rtl);
        g_autofree char *one_shot = g_strdup_printf("/cosim-rtl/timer/%s/one-shot", who);
        g_autofree char *far = g_strdup_printf("/cosim-rtl/timer/%s/far-match", who);
        g_autofree char *periodic = g_strdup_printf("/cosim-rtl/timer/%s/periodic", who);
        g_autofree char *masked = g_strdup_printf("/cosim-rtl/timer/%s/masked", who);

        g_test_add_data_func(one_shot, p, test_one_shot);
        g_test_add_data_func(far, p, test_far_match);
        g_test_add_data_func(periodic, p, test_periodic);
        g_test_add_data_func(masked, p, test_masked);
    }
    g_test_add_func("/cosim-rtl/timer/rtl/registers", test_registers);
    g_test_add_func("/cosim-rtl/timer/rtl/trace", test_trace);
    return g_test_run();
}
