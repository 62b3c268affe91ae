/*
 * The RTL timer (models/rtl/kiln_apb_timer.v, program kiln-rtl-timer)
 * behind a cosim bridge, driven over qtest: its registers, and its
 * interrupt at the exact virtual time the common timer register map
 * promises - enabled at T with LOAD = N, the line rises at T + N * 10 ns,
 * not a ns sooner.  The interrupt checks run unchanged on the C
 * reference timer (models/c, kiln-timer-model) too, so both are held to
 * the same times, and on the waveforms the harness writes (--trace): a
 * VCD from kiln-rtl-timer, an FST from kiln-rtl-timer-fst (the same
 * timer Verilated with --trace-fst), the two the same change for change.
 *
 * Times are on the 10 ns grid of the RTL clock: an access between two
 * edges lands on the next one (cosim/verilator/cosim_rtl_harness.h).
 */
#include "libqtest.h"
#include "rtl-rig.h"
#include "waveform.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct TimerRig {
    RtlRig *rig;
    QTestState *s;
    uint32_t base;
    int64_t now;                /* kiln's virtual time, ns */
} TimerRig;

/*
 * A board in RIG with one timer, the program ENV_PROGRAM names, behind a
 * bridge at BASE, its interrupt intercepted as line 0.  MODEL_ARGS go to
 * the model program.
 */
static TimerRig timer_start_in(RtlRig *rig, const char *env_program,
                               uint32_t base, unsigned irq,
                               const char *const *model_args)
{
    TimerRig t = { .rig = rig, .base = base };
    g_autofree char *path = NULL;
    const char *ep;

    ep = rtl_rig_start_model(t.rig, env_program, "timer", model_args);
    rtl_rig_add_bridge(t.rig, t.base, irq, ep, NULL);
    t.s = qtest_initf("-M dt,dts=%s", rtl_rig_board(t.rig));
    path = rtl_rig_bridge_path(t.base);
    qtest_irq_intercept_out(t.s, path);
    return t;
}

/* The RTL timer, or the C one. */
static TimerRig timer_start(bool rtl)
{
    if (rtl) {
        return timer_start_in(rtl_rig_new(), "KILN_RTL_TIMER", RTL_TIMER_BASE,
                              RTL_TIMER_IRQ, NULL);
    }
    return timer_start_in(rtl_rig_new(), "KILN_TIMER_MODEL", C_TIMER_BASE,
                          C_TIMER_IRQ, NULL);
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

/*
 * A board reset just after an access ran the bus over the match's edge
 * (a read a tick before the match: its access phase ends on that edge),
 * before kiln got there: the rise that edge brought goes with the rest
 * of the timer's state.  The line stays low, at the match and after.
 */
static void test_reset_mid_access(void)
{
    TimerRig t = timer_start(true);
    const int64_t match = 1000 + 100 * TIMER_TICK_NS;

    timer_write(&t, TIMER_LOAD, 100);
    step_to(&t, 1000);
    timer_write(&t, TIMER_CTRL, TIMER_EN | TIMER_IE);
    step_to(&t, match - TIMER_TICK_NS);
    g_assert_cmpuint(timer_read(&t, TIMER_COUNT), ==, 99);
    json_node_unref(qtest_qmp_assert_success_ref(t.s,
        "{'execute': 'system_reset'}"));
    qtest_qmp_eventwait(t.s, "RESET");
    g_assert_false(qtest_get_irq(t.s, 0));
    for (int64_t at = t.now + 1; at <= match + 10 * TIMER_TICK_NS; at++) {
        step_to(&t, at);
        g_assert_false(qtest_get_irq(t.s, 0));
    }
    g_assert_cmpuint(timer_read(&t, TIMER_CTRL), ==, 0);
    g_assert_cmpuint(timer_read(&t, TIMER_STATUS), ==, 0);
    /* The timer works on after it, to the ns. */
    check_one_shot(&t, 5000, 20);
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

/* --- the waveforms --- */

/* The run traced: LOAD = 50, enabled at 1 us, the match at 1.5 us. */
#define TRACE_ENABLE_AT 1000
#define TRACE_LOAD      50
#define TRACE_MATCH     (TRACE_ENABLE_AT + TRACE_LOAD * TIMER_TICK_NS)

/* A directory for the waveforms of one test, which outlive its rigs. */
static char *trace_dir_new(void)
{
    GError *err = NULL;
    char *dir = g_dir_make_tmp("kiln-rtl-trace-XXXXXX", &err);

    g_assert_no_error(err);
    return dir;
}

static void trace_dir_free(char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        g_unlink(path);
    }
    g_rmdir(dir);
    g_free(dir);
}

/* Run the traced run on the timer ENV_PROGRAM names, writing FILE. */
static void trace_run(const char *env_program, const char *file)
{
    const char *args[] = { "--trace", file, NULL };
    TimerRig t = timer_start_in(rtl_rig_new(), env_program, RTL_TIMER_BASE,
                                RTL_TIMER_IRQ, args);

    timer_write(&t, TIMER_LOAD, TRACE_LOAD);
    step_to(&t, TRACE_ENABLE_AT);
    timer_write(&t, TIMER_CTRL, TIMER_EN | TIMER_IE);
    assert_rises_at(&t, TRACE_MATCH);
    step_to(&t, 2000);
    /* The model writes the end of its trace when kiln has said BYE. */
    timer_stop(&t);
}

/* What the traced run must show, in either format. */
static void check_timer_waveform(const Waveform *w)
{
    const GArray *clk = waveform_changes(w, "TOP.pclk");
    int64_t t;

    g_assert_cmpint(waveform_timescale(w), ==, -9);
    /* The ports at the top and the registers inside are all there. */
    g_assert_nonnull(waveform_changes(w, "TOP.irq"));
    g_assert_nonnull(waveform_changes(w, "TOP.kiln_apb_timer.irq"));
    g_assert_nonnull(waveform_changes(w, "TOP.kiln_apb_timer.count"));

    /*
     * Every edge the design takes, on kiln's 10 ns grid: high from the
     * start (the reset pulse takes no time and is not traced), then a
     * falling edge at 5 ns, a rising one at 10, and so on, none missed.
     */
    g_assert_nonnull(clk);
    g_assert_cmpuint(clk->len, >, 2 * TRACE_MATCH / TIMER_TICK_NS);
    for (guint i = 0; i < clk->len; i++) {
        const WaveChange *c = &g_array_index(clk, WaveChange, i);

        g_assert_cmpint(c->time, ==, (int64_t)i * TIMER_TICK_NS / 2);
        g_assert_cmpuint(c->value, ==, i % 2 == 0);
    }

    /* The registers the run wrote, and COUNT ticking from the enable. */
    g_assert_cmpuint(waveform_value_at(w, "TOP.kiln_apb_timer.load",
                                       TRACE_ENABLE_AT), ==, TRACE_LOAD);
    g_assert_cmpuint(waveform_value_at(w, "TOP.kiln_apb_timer.ctrl",
                                       TRACE_MATCH), ==, TIMER_EN | TIMER_IE);
    for (uint32_t k = 3; k <= TRACE_LOAD; k++) {
        g_assert_cmpuint(waveform_value_at(w, "TOP.kiln_apb_timer.count",
                                           TRACE_ENABLE_AT +
                                           k * TIMER_TICK_NS), ==, k);
    }

    /* The interrupt rises where kiln saw it, inside and at the port. */
    t = waveform_first(w, "TOP.irq", 1, 0);
    g_assert_cmpint(t, ==, TRACE_MATCH);
    g_assert_cmpuint(waveform_value_at(w, "TOP.irq", t - 1), ==, 0);
    g_assert_cmpint(waveform_first(w, "TOP.kiln_apb_timer.irq", 1, 0), ==, t);
    g_assert_cmpint(waveform_first(w, "TOP.kiln_apb_timer.match", 1, 0), ==,
                    t);
}

/* Two waveforms hold the same signals with the same changes. */
static void assert_same_waveforms(const Waveform *a, const Waveform *b)
{
    g_autoptr(GPtrArray) na = waveform_names(a);
    g_autoptr(GPtrArray) nb = waveform_names(b);

    g_assert_cmpuint(na->len, ==, nb->len);
    for (guint i = 0; i < na->len; i++) {
        const char *name = na->pdata[i];
        const GArray *ca = waveform_changes(a, name);
        const GArray *cb = waveform_changes(b, name);

        g_assert_cmpstr(name, ==, nb->pdata[i]);
        g_assert_cmpuint(ca->len, ==, cb->len);
        for (guint k = 0; k < ca->len; k++) {
            const WaveChange *x = &g_array_index(ca, WaveChange, k);
            const WaveChange *y = &g_array_index(cb, WaveChange, k);

            if (x->time != y->time || x->value != y->value) {
                g_error("%s: change %u is 0x%" G_GINT64_MODIFIER "x at %"
                        G_GINT64_FORMAT " in one waveform, 0x%"
                        G_GINT64_MODIFIER "x at %" G_GINT64_FORMAT
                        " in the other", name, k, x->value, x->time,
                        y->value, y->time);
            }
        }
    }
}

/* kiln-rtl-timer --trace FILE.vcd: a VCD of the run. */
static void test_trace_vcd(void)
{
    char *dir = trace_dir_new();
    g_autofree char *vcd = g_build_filename(dir, "timer.vcd", NULL);
    g_autoptr(Waveform) w = NULL;

    trace_run("KILN_RTL_TIMER", vcd);
    w = waveform_read_vcd(vcd);
    g_assert_nonnull(w);
    check_timer_waveform(w);
    trace_dir_free(dir);
}

/*
 * kiln-rtl-timer-fst --trace FILE.fst: an FST (GTKWave's reader takes it,
 * and does not take the VCD), showing the run as the VCD of the same run
 * on kiln-rtl-timer does, change for change.
 */
static void test_trace_fst(void)
{
    char *dir = trace_dir_new();
    g_autofree char *fst_path = g_build_filename(dir, "timer.fst", NULL);
    g_autofree char *vcd_path = g_build_filename(dir, "timer.vcd", NULL);
    g_autoptr(Waveform) fst = NULL;
    g_autoptr(Waveform) vcd = NULL;
    g_autoptr(Waveform) vcd_as_fst = NULL;
    g_autoptr(Waveform) fst_as_vcd = NULL;

    trace_run("KILN_RTL_TIMER_FST", fst_path);
    trace_run("KILN_RTL_TIMER", vcd_path);
    fst = waveform_read_fst(fst_path);
    g_assert_nonnull(fst);
    vcd_as_fst = waveform_read_fst(vcd_path);
    g_assert_null(vcd_as_fst);
    fst_as_vcd = waveform_read_vcd(fst_path);
    g_assert_null(fst_as_vcd);
    check_timer_waveform(fst);
    vcd = waveform_read_vcd(vcd_path);
    g_assert_nonnull(vcd);
    assert_same_waveforms(vcd, fst);
    trace_dir_free(dir);
}

/*
 * A program writes the one format its RTL was Verilated for: asked for
 * the other by the file's name, it says so and exits with status 2
 * instead of writing one format under the other's name.
 */
static void test_trace_wrong_format(void)
{
    static const struct {
        const char *program, *file, *says;
    } cases[] = {
        { "KILN_RTL_TIMER", "timer.fst", "writes VCD" },
        { "KILN_RTL_TIMER_FST", "timer.vcd", "writes FST" },
    };
    char *dir = trace_dir_new();
    g_autofree char *ep = g_strdup_printf("ipc://%s/timer.sock", dir);

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *file = g_build_filename(dir, cases[i].file, NULL);
        const char *args[] = { ep, "--trace", file, "--timeout-ms", "1000",
                               NULL };
        g_autofree char *err = NULL;

        g_assert_cmpint(rtl_rig_run_model(cases[i].program, args, &err), ==,
                        2);
        g_assert_nonnull(strstr(err, file));
        g_assert_nonnull(strstr(err, cases[i].says));
        /* One line. */
        g_assert_nonnull(strchr(err, '\n'));
        g_assert_cmpstr(strchr(err, '\n'), ==, "\n");
        g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    }
    trace_dir_free(dir);
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
    g_test_add_func("/cosim-rtl/timer/rtl/reset-mid-access",
                    test_reset_mid_access);
    g_test_add_func("/cosim-rtl/timer/rtl/trace/vcd", test_trace_vcd);
    g_test_add_func("/cosim-rtl/timer/rtl/trace/fst", test_trace_fst);
    g_test_add_func("/cosim-rtl/timer/rtl/trace/wrong-format",
                    test_trace_wrong_format);
    return g_test_run();
}
