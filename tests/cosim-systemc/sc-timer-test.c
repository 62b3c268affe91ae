/*
 * The SystemC timer (models/systemc, program kiln-sc-timer) behind a
 * cosim bridge, driven over qtest, side by side with the C reference timer
 * (models/c, kiln-timer-model) behind a bridge of its own.  Both are
 * programmed at the same instants and must agree to the ns: enabled at T
 * with LOAD = N, MATCH is set at T + N * 10 ns and not a ns sooner; the
 * SystemC timer's line (intercepted) rises then, and the C timer's is
 * pending at the PLIC then.  Periodic mode matches again N * 10 ns later;
 * clearing STATUS lowers the line.
 *
 * Each test has a board of its own (the virt board plus the two bridges,
 * at the windows and PLIC sources of dts/cosim-soc.dts) in a fresh
 * directory, so tests running side by side share no socket; the model
 * programs are started first and must end by themselves, with status 0,
 * when kiln says BYE.
 */
#include "cosim-util.h"
#include "libqtest.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

#define C_TIMER_BASE    0x40000000u
#define C_TIMER_IRQ     32
#define SC_TIMER_BASE   0x40003000u
#define SC_TIMER_IRQ    35
#define SC_TIMER_PATH   "/machine/soc/bridge@40003000"
#define PLIC            0x0c000000u
#define PLIC_PRIORITY(src)      (PLIC + 4 * (src))
#define PLIC_PENDING(src)       (PLIC + 0x1000 + 4 * ((src) / 32))
#define PLIC_ENABLE(ctx, src)   (PLIC + 0x2000 + 0x80 * (ctx) + \
                                 4 * ((src) / 32))
#define PLIC_CLAIM(ctx)         (PLIC + 0x200004 + 0x1000 * (ctx))

/* The common timer register map (docs/cosim.md). */
#define TIMER_CTRL      0x0
#define TIMER_LOAD      0x4
#define TIMER_COUNT     0x8
#define TIMER_STATUS    0xc
#define TIMER_EN        (1u << 0)
#define TIMER_IE        (1u << 1)
#define TIMER_PERIODIC  (1u << 2)
#define TIMER_MATCH     (1u << 0)
#define TIMER_TICK_NS   10

typedef struct Rig {
    char *dir;
    char *board;
    ModelProc *sc;
    ModelProc *c;
    QTestState *s;
    int64_t now;
} Rig;

/* The SystemC timer on ipc:// in the rig's directory, or on tcp://. */
static Rig *rig_start(bool tcp)
{
    Rig *r = g_new0(Rig, 1);
    g_autofree char *sc_ep = NULL, *c_ep = NULL, *nodes = NULL;
    g_autofree char *c_node = NULL, *sc_node = NULL;

    r->dir = g_dir_make_tmp("kiln-sc-timer-XXXXXX", NULL);
    g_assert_nonnull(r->dir);
    sc_ep = tcp ? g_strdup("tcp://127.0.0.1:*")
                : g_strdup_printf("ipc://%s/sc-timer.sock", r->dir);
    c_ep = g_strdup_printf("ipc://%s/c-timer.sock", r->dir);
    r->sc = model_proc_start(cosim_env("KILN_SC_TIMER"), "--timeout-ms=10000",
                             sc_ep, NULL);
    r->c = model_proc_start(cosim_env("KILN_TIMER_MODEL"), "-t", "10000", c_ep,
                            NULL);
    c_node = cosim_bridge_node(C_TIMER_BASE, 1, G_STRINGIFY(C_TIMER_IRQ),
                               r->c->endpoint, "");
    sc_node = cosim_bridge_node(SC_TIMER_BASE, 1, G_STRINGIFY(SC_TIMER_IRQ),
                                r->sc->endpoint, "");
    nodes = g_strconcat(c_node, sc_node, NULL);
    r->board = cosim_board(r->dir, "board.dts", nodes);
    r->s = qtest_initf("-M dt,dts=%s", r->board);
    qtest_irq_intercept_out(r->s, SC_TIMER_PATH);
    /* The C timer's interrupt, claimable by hart 0's M mode (context 0). */
    qtest_writel(r->s, PLIC_PRIORITY(C_TIMER_IRQ), 1);
    qtest_writel(r->s, PLIC_ENABLE(0, C_TIMER_IRQ), 1u << (C_TIMER_IRQ % 32));
    return r;
}

/* Remove DIR and what is in it: the board, and the ipc:// socket files
 * ZeroMQ leaves behind. */
static void remove_dir(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;

    g_assert_nonnull(d);
    while ((name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, name, NULL);

        g_unlink(path);
    }
    g_dir_close(d);
    g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void rig_finish(Rig *r)
{
    qtest_quit(r->s);
    g_assert_cmpint(model_proc_wait(r->sc, 10000), ==, 0);
    g_assert_cmpint(model_proc_wait(r->c, 10000), ==, 0);
    model_proc_free(r->sc);
    model_proc_free(r->c);
    remove_dir(r->dir);
    g_free(r->board);
    g_free(r->dir);
    g_free(r);
}

static uint32_t sc_read(Rig *r, uint32_t reg)
{
    return qtest_readl(r->s, SC_TIMER_BASE + reg);
}

static uint32_t c_read(Rig *r, uint32_t reg)
{
    return qtest_readl(r->s, C_TIMER_BASE + reg);
}

/* Both timers, at the same instant (a qtest access takes no time). */
static void both_write(Rig *r, uint32_t reg, uint32_t value)
{
    qtest_writel(r->s, SC_TIMER_BASE + reg, value);
    qtest_writel(r->s, C_TIMER_BASE + reg, value);
}

/* The register reads the same on both; its value. */
static uint32_t both_read(Rig *r, uint32_t reg)
{
    uint32_t v = sc_read(r, reg);

    g_assert_cmphex(c_read(r, reg), ==, v);
    return v;
}

static bool sc_line(Rig *r)
{
    return qtest_get_irq(r->s, 0);
}

static bool c_pending(Rig *r)
{
    return qtest_readl(r->s, PLIC_PENDING(C_TIMER_IRQ)) >>
           (C_TIMER_IRQ % 32) & 1;
}

/* Step to exactly AT (ns), never back. */
static void step_to(Rig *r, int64_t at)
{
    g_assert_cmpint(at, >=, r->now);
    g_assert_cmpint(qtest_clock_set(r->s, at), ==, at);
    r->now = at;
}

/*
 * Both match at AT, not before: at AT - 1 ns neither has MATCH, the line
 * is low and nothing is pending at the PLIC; one ns later, all of it.
 */
static void assert_match_at(Rig *r, int64_t at)
{
    step_to(r, at - 1);
    g_assert_false(sc_line(r));
    g_assert_false(c_pending(r));
    g_assert_cmphex(both_read(r, TIMER_STATUS), ==, 0);
    step_to(r, at);
    g_assert_true(sc_line(r));
    g_assert_true(c_pending(r));
    g_assert_cmphex(both_read(r, TIMER_STATUS), ==, TIMER_MATCH);
}

/*
 * Clearing MATCH lowers the line at once; the C timer's interrupt is then
 * taken at the PLIC as a handler would (claim, complete), so that its
 * next match pends it anew.
 */
static void clear_match(Rig *r)
{
    both_write(r, TIMER_STATUS, TIMER_MATCH);
    g_assert_false(sc_line(r));
    g_assert_cmphex(both_read(r, TIMER_STATUS), ==, 0);
    g_assert_cmpuint(qtest_readl(r->s, PLIC_CLAIM(0)), ==, C_TIMER_IRQ);
    qtest_writel(r->s, PLIC_CLAIM(0), C_TIMER_IRQ);
    g_assert_false(c_pending(r));
}

static void test_registers(void)
{
    Rig *r = rig_start(false);

    g_assert_cmphex(both_read(r, TIMER_CTRL), ==, 0);
    g_assert_cmphex(both_read(r, TIMER_LOAD), ==, 0);
    g_assert_cmphex(both_read(r, TIMER_COUNT), ==, 0);
    g_assert_cmphex(both_read(r, TIMER_STATUS), ==, 0);

    both_write(r, TIMER_LOAD, 0xdeadbeef);
    g_assert_cmphex(both_read(r, TIMER_LOAD), ==, 0xdeadbeef);
    /* Reserved CTRL bits read as 0. */
    both_write(r, TIMER_CTRL, 0xfffffff0 | TIMER_IE | TIMER_PERIODIC);
    g_assert_cmphex(both_read(r, TIMER_CTRL), ==, TIMER_IE | TIMER_PERIODIC);
    /* COUNT is read-only and stands still while EN is clear. */
    both_write(r, TIMER_COUNT, 1234);
    step_to(r, 5000);
    g_assert_cmphex(both_read(r, TIMER_COUNT), ==, 0);
    /* MATCH is only set by a match. */
    both_write(r, TIMER_STATUS, TIMER_MATCH);
    g_assert_cmphex(both_read(r, TIMER_STATUS), ==, 0);

    /* Running: one count per 10 ns from the enabling write. */
    both_write(r, TIMER_CTRL, TIMER_EN);
    step_to(r, 5000 + 1234);
    g_assert_cmphex(both_read(r, TIMER_COUNT), ==, 123);
    /* Stopped: COUNT holds. */
    both_write(r, TIMER_CTRL, 0);
    step_to(r, 9000);
    g_assert_cmphex(both_read(r, TIMER_COUNT), ==, 123);

    /* Past STATUS: a bus error, which qtest reads as 0. */
    g_assert_cmphex(both_read(r, 0x10), ==, 0);
    g_assert_false(sc_line(r));
    rig_finish(r);
}

/* One-shot, enabled at T (off the 10 ns grid) with LOAD = N. */
static void check_one_shot(Rig *r, int64_t enable_at, uint32_t n)
{
    int64_t match = enable_at + (int64_t)n * TIMER_TICK_NS;

    both_write(r, TIMER_LOAD, n);
    step_to(r, enable_at);
    both_write(r, TIMER_CTRL, TIMER_EN | TIMER_IE);
    assert_match_at(r, match);
    g_assert_cmphex(both_read(r, TIMER_COUNT), ==, n);

    /* One-shot: counting on, and no second match. */
    clear_match(r);
    step_to(r, match + 7 * TIMER_TICK_NS);
    g_assert_cmphex(both_read(r, TIMER_COUNT), ==, n + 7);
    step_to(r, match + (int64_t)n * TIMER_TICK_NS + 1);
    g_assert_cmphex(both_read(r, TIMER_STATUS), ==, 0);
    g_assert_false(sc_line(r));
    both_write(r, TIMER_CTRL, 0);
}

static void test_one_shot(gconstpointer tcp)
{
    Rig *r = rig_start(GPOINTER_TO_INT(tcp));

    check_one_shot(r, 1003, 25);
    /* Far past kiln's 100 us quantum: still to the ns. */
    check_one_shot(r, 20007, 12345);
    rig_finish(r);
}

/* Periodic: again N * 10 ns after each match; COUNT restarts at each. */
static void test_periodic(void)
{
    Rig *r = rig_start(false);
    const uint32_t n = 40;
    const int64_t t = 2001;

    both_write(r, TIMER_LOAD, n);
    step_to(r, t);
    both_write(r, TIMER_CTRL, TIMER_EN | TIMER_IE | TIMER_PERIODIC);
    assert_match_at(r, t + n * TIMER_TICK_NS);
    g_assert_cmphex(both_read(r, TIMER_COUNT), ==, 0);
    clear_match(r);

    assert_match_at(r, t + 2 * n * TIMER_TICK_NS);
    clear_match(r);
    step_to(r, t + 2 * n * TIMER_TICK_NS + 7 * TIMER_TICK_NS);
    g_assert_cmphex(both_read(r, TIMER_COUNT), ==, 7);

    /* Left matched, it goes on counting periods; cleared, the next match
     * is where the period puts it. */
    assert_match_at(r, t + 3 * n * TIMER_TICK_NS);
    step_to(r, t + 5 * n * TIMER_TICK_NS + 3 * TIMER_TICK_NS);
    g_assert_cmphex(both_read(r, TIMER_COUNT), ==, 3);
    clear_match(r);
    assert_match_at(r, t + 6 * n * TIMER_TICK_NS);
    rig_finish(r);
}

/* The line is MATCH & IE, whichever changes. */
static void test_line_follows_ie(void)
{
    Rig *r = rig_start(false);

    both_write(r, TIMER_LOAD, 5);
    step_to(r, 100);
    both_write(r, TIMER_CTRL, TIMER_EN);
    step_to(r, 150);
    g_assert_cmphex(both_read(r, TIMER_STATUS), ==, TIMER_MATCH);
    g_assert_false(sc_line(r));

    both_write(r, TIMER_CTRL, TIMER_EN | TIMER_IE);
    g_assert_true(sc_line(r));
    both_write(r, TIMER_CTRL, TIMER_EN);
    g_assert_false(sc_line(r));
    g_assert_cmphex(both_read(r, TIMER_STATUS), ==, TIMER_MATCH);
    both_write(r, TIMER_CTRL, TIMER_EN | TIMER_IE);
    g_assert_true(sc_line(r));
    clear_match(r);
    rig_finish(r);
}

/* A board reset (QMP system_reset) resets the model and lowers its line. */
static void test_system_reset(void)
{
    Rig *r = rig_start(false);

    both_write(r, TIMER_LOAD, 3);
    both_write(r, TIMER_CTRL, TIMER_EN | TIMER_IE | TIMER_PERIODIC);
    step_to(r, 30);
    g_assert_true(sc_line(r));

    qtest_qmp_assert_success_ref(r->s, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(r->s, "RESET");
    g_assert_false(sc_line(r));
    g_assert_cmphex(both_read(r, TIMER_CTRL), ==, 0);
    g_assert_cmphex(both_read(r, TIMER_LOAD), ==, 0);
    g_assert_cmphex(both_read(r, TIMER_STATUS), ==, 0);
    step_to(r, r->now + 1000);
    g_assert_false(sc_line(r));
    rig_finish(r);
}

/* Without kiln, the program gives up after its --timeout-ms, status 1. */
static void test_no_kiln(void)
{
    g_autofree char *dir = g_dir_make_tmp("kiln-sc-timer-XXXXXX", NULL);
    g_autofree char *ep = g_strdup_printf("ipc://%s/sc-timer.sock", dir);
    ModelProc *p = model_proc_start(cosim_env("KILN_SC_TIMER"),
                                    "--timeout-ms=100", ep, NULL);
    int status = model_proc_wait(p, 10000);

    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    model_proc_free(p);
    remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cosim/sc-timer/registers", test_registers);
    g_test_add_data_func("/cosim/sc-timer/one-shot/ipc", GINT_TO_POINTER(0),
                         test_one_shot);
    g_test_add_data_func("/cosim/sc-timer/one-shot/tcp", GINT_TO_POINTER(1),
                         test_one_shot);
    g_test_add_func("/cosim/sc-timer/periodic", test_periodic);
    g_test_add_func("/cosim/sc-timer/line-follows-ie", test_line_follows_ie);
    g_test_add_func("/cosim/sc-timer/system-reset", test_system_reset);
    g_test_add_func("/cosim/sc-timer/no-kiln", test_no_kiln);
    return g_test_run();
}
