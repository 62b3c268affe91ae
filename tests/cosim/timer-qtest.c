/*
 * The C reference timer (models/c, kiln-timer-model) behind a cosim
 * bridge, driven over QEMU's qtest protocol like any kiln device: its
 * registers read and write through the bridge, and its interrupt reaches
 * the board at the exact virtual nanosecond of the match - one ns before,
 * the line is low.  The model runs as a process of its own, on ipc:// and
 * on tcp:// alike, over the shared-memory ring (which a model on the same
 * host takes, on either) and over ZeroMQ alone; boards with several
 * bridges and several channels on a link; RESET and BYE; the quantum's
 * SYNCs in the transaction trace.
 */
#include "cosim-util.h"
#include "libqtest.h"

#include <glib/gstdio.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>

#define BRIDGE_PATH "/machine/soc/bridge@40000000"
#define PLIC_PATH   "/machine/soc/plic@c000000"
#define TIMER0      0x40000000
#define TIMER1      0x40001000
#define TIMER2      0x40010000

#define CTRL        0x00
#define LOAD        0x04
#define COUNT       0x08
#define STATUS      0x0c
#define CTRL_EN     (1u << 0)
#define CTRL_IE     (1u << 1)
#define CTRL_PERIODIC (1u << 2)
#define MATCH       (1u << 0)

typedef struct Rig {
    char *dir;
    ModelProc *model[2];
    char *board;
    char *trace;
    QTestState *qts;
} Rig;

/* "ipc" or "tcp": where the model of TRANSPORT listens. */
static char *model_endpoint(const Rig *rig, const char *transport,
                            unsigned n)
{
    if (strcmp(transport, "tcp") == 0) {
        return g_strdup("tcp://127.0.0.1:*");
    }
    return g_strdup_printf("ipc://%s/model%u.sock", rig->dir, n);
}

/*
 * A board with one bridge at TIMER0 on a kiln-timer-model on TRANSPORT,
 * with EXTRA properties on the bridge.
 */
static void rig_start(Rig *rig, const char *transport, const char *extra)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *ep = NULL;
    g_autofree char *node = NULL;
    g_autofree char *props = NULL;

    memset(rig, 0, sizeof(*rig));
    rig->dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_assert_no_error(err);
    ep = model_endpoint(rig, transport, 0);
    rig->model[0] = model_proc_start(cosim_env("KILN_TIMER_MODEL"), ep, NULL);
    rig->trace = g_build_filename(rig->dir, "trace.txt", NULL);
    props = g_strdup_printf("\t\t\tkiln,trace = \"%s\";\n%s", rig->trace,
                            extra ? extra : "");
    node = cosim_bridge_node(TIMER0, 1, "32", rig->model[0]->endpoint, props);
    rig->board = cosim_board(rig->dir, "board.dts", node);
    rig->qts = qtest_initf("-M dt,dts=%s", rig->board);
}

/* Quit kiln; every model must then end by itself, with status 0 (BYE). */
static void rig_end(Rig *rig)
{
    g_autoptr(GDir) d = NULL;
    const char *name;

    qtest_quit(rig->qts);
    for (unsigned i = 0; i < G_N_ELEMENTS(rig->model); i++) {
        if (rig->model[i]) {
            int st = model_proc_wait(rig->model[i], 5000);

            g_assert_true(WIFEXITED(st));
            g_assert_cmpint(WEXITSTATUS(st), ==, 0);
            model_proc_free(rig->model[i]);
        }
    }
    d = g_dir_open(rig->dir, 0, NULL);
    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(rig->dir, name, NULL);

        g_unlink(path);
    }
    g_rmdir(rig->dir);
    g_free(rig->dir);
    g_free(rig->board);
    g_free(rig->trace);
}

/* What carries the messages of the bridge at PATH: QMP qom-get "link". */
static char *bridge_link(QTestState *s, const char *path)
{
    JsonNode *v = qtest_qmp_assert_success_ref(s, "{'execute': 'qom-get', "
        "'arguments': {'path': '%s', 'property': 'link'}}", path);
    char *link = g_strdup(json_node_get_string(v));

    json_node_unref(v);
    return link;
}

/* A transport, and whether the bridge may offer its ring. */
typedef struct Link {
    const char *transport;
    bool ring;
} Link;

/*
 * A datasheet's sequence: LOAD, CTRL = EN | IE, then the match LOAD * 10
 * ns after the CTRL write - no earlier by one ns.
 */
static void test_match_time(gconstpointer data)
{
    const Link *l = data;
    g_autofree char *link = NULL;
    QTestState *s;
    Rig rig;

    rig_start(&rig, l->transport,
              l->ring ? NULL : "\t\t\tshared-memory = <0>;\n");
    s = rig.qts;
    link = bridge_link(s, BRIDGE_PATH);
    g_assert_cmpstr(link, ==, l->ring ? "shared-memory" : "zeromq");
    qtest_irq_intercept_out(s, BRIDGE_PATH);

    g_assert_cmphex(qtest_readl(s, TIMER0 + CTRL), ==, 0);
    g_assert_cmphex(qtest_readl(s, TIMER0 + STATUS), ==, 0);
    qtest_clock_step(s, 1000);
    qtest_writel(s, TIMER0 + LOAD, 100);
    g_assert_cmphex(qtest_readl(s, TIMER0 + LOAD), ==, 100);
    qtest_writel(s, TIMER0 + CTRL, CTRL_EN | CTRL_IE);
    g_assert_cmphex(qtest_readl(s, TIMER0 + CTRL), ==, CTRL_EN | CTRL_IE);

    /* Enabled at 1000 ns: the match is at 1000 + 100 * 10 = 2000 ns. */
    g_assert_cmpint(qtest_clock_step(s, 505), ==, 1505);
    g_assert_cmphex(qtest_readl(s, TIMER0 + COUNT), ==, 50);
    g_assert_cmpint(qtest_clock_step(s, 494), ==, 1999);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, TIMER0 + STATUS), ==, 0);
    g_assert_cmpint(qtest_clock_step(s, 1), ==, 2000);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, TIMER0 + STATUS), ==, MATCH);
    g_assert_cmphex(qtest_readl(s, TIMER0 + COUNT), ==, 100);

    /* STATUS.MATCH is write-1-to-clear, and the line follows it. */
    qtest_writel(s, TIMER0 + STATUS, MATCH);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, TIMER0 + STATUS), ==, 0);

    /* One-shot: no second match. */
    qtest_clock_step(s, 5000);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, TIMER0 + COUNT), ==, 600);

    /* An offset past STATUS is a bus error: a qtest read gives 0. */
    g_assert_cmphex(qtest_readl(s, TIMER0 + 0x10), ==, 0);
    rig_end(&rig);
}

/* PERIODIC: a match every LOAD ticks; IE gates the line, not MATCH. */
static void test_periodic(void)
{
    QTestState *s;
    Rig rig;

    rig_start(&rig, "ipc", NULL);
    s = rig.qts;
    qtest_irq_intercept_out(s, BRIDGE_PATH);
    qtest_writel(s, TIMER0 + LOAD, 7);
    qtest_writel(s, TIMER0 + CTRL, CTRL_EN | CTRL_PERIODIC);
    qtest_clock_step(s, 70);
    g_assert_cmphex(qtest_readl(s, TIMER0 + STATUS), ==, MATCH);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_writel(s, TIMER0 + STATUS, MATCH);
    qtest_writel(s, TIMER0 + CTRL, CTRL_EN | CTRL_PERIODIC | CTRL_IE);
    /* Restarted by nothing: COUNT went back to 0 at 70 and runs on. */
    g_assert_cmphex(qtest_readl(s, TIMER0 + COUNT), ==, 0);
    qtest_clock_step(s, 69);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_writel(s, TIMER0 + STATUS, MATCH);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 69);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, 0));
    rig_end(&rig);
}

/* The bridge's interrupts entry 0 is PLIC source 32. */
static void test_plic_wiring(void)
{
    QTestState *s;
    Rig rig;

    rig_start(&rig, "ipc", NULL);
    s = rig.qts;
    qtest_irq_intercept_in(s, PLIC_PATH);
    qtest_writel(s, TIMER0 + LOAD, 3);
    qtest_writel(s, TIMER0 + CTRL, CTRL_EN | CTRL_IE);
    qtest_clock_step(s, 29);
    g_assert_false(qtest_get_irq(s, 32));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, 32));
    rig_end(&rig);
}

/*
 * Two bridges, one with two windows (two timers, one model process on
 * ipc), one on tcp: each interrupt at its own exact time.
 */
static void test_two_bridges(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *ep0 = NULL;
    g_autofree char *nodes = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    QTestState *s;
    Rig rig = { 0 };

    rig.dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_assert_no_error(err);
    ep0 = model_endpoint(&rig, "ipc", 0);
    rig.model[0] = model_proc_start(cosim_env("KILN_TIMER_MODEL"), ep0,
                                    "0", "1", NULL);
    rig.model[1] = model_proc_start(cosim_env("KILN_TIMER_MODEL"),
                                    "tcp://127.0.0.1:*", NULL);
    a = cosim_bridge_node(TIMER0, 2, "32,33", rig.model[0]->endpoint, "");
    b = cosim_bridge_node(TIMER2, 1, "34", rig.model[1]->endpoint, "");
    nodes = g_strconcat(a, b, NULL);
    rig.board = cosim_board(rig.dir, "board.dts", nodes);
    rig.qts = s = qtest_initf("-M dt,dts=%s", rig.board);
    qtest_irq_intercept_in(s, PLIC_PATH);
    /* Both models are on this host: both links moved to the ring. */
    for (unsigned i = 0; i < 2; i++) {
        g_autofree char *link = bridge_link(
            s, i ? "/machine/soc/bridge@40010000" : BRIDGE_PATH);

        g_assert_cmpstr(link, ==, "shared-memory");
    }

    qtest_writel(s, TIMER0 + LOAD, 30);
    qtest_writel(s, TIMER1 + LOAD, 20);
    qtest_writel(s, TIMER2 + LOAD, 10);
    qtest_writel(s, TIMER0 + CTRL, CTRL_EN | CTRL_IE);
    qtest_writel(s, TIMER1 + CTRL, CTRL_EN | CTRL_IE);
    qtest_writel(s, TIMER2 + CTRL, CTRL_EN | CTRL_IE);
    g_assert_cmphex(qtest_readl(s, TIMER1 + LOAD), ==, 20);
    for (int64_t t = 1; t <= 300; t++) {
        qtest_clock_step(s, 1);
        g_assert_cmpint(qtest_get_irq(s, 34), ==, t >= 100);
        g_assert_cmpint(qtest_get_irq(s, 33), ==, t >= 200);
        g_assert_cmpint(qtest_get_irq(s, 32), ==, t >= 300);
    }
    rig_end(&rig);
}

/* A board reset sends RESET: the model's registers and line go back. */
static void test_reset(void)
{
    QTestState *s;
    Rig rig;

    rig_start(&rig, "ipc", NULL);
    s = rig.qts;
    qtest_irq_intercept_out(s, BRIDGE_PATH);
    qtest_writel(s, TIMER0 + LOAD, 5);
    qtest_writel(s, TIMER0 + CTRL, CTRL_EN | CTRL_IE);
    qtest_clock_step(s, 50);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_qmp_assert_success_ref(s, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(s, "RESET");
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, TIMER0 + CTRL), ==, 0);
    g_assert_cmphex(qtest_readl(s, TIMER0 + LOAD), ==, 0);
    g_assert_cmphex(qtest_readl(s, TIMER0 + STATUS), ==, 0);
    rig_end(&rig);
}

/*
 * kiln runs at most quantum-ns ahead of the model: stepping 10 us with a
 * 1 us quantum SYNCs the model ten times, at each quantum's end; an idle
 * timer adds none; late-irqs stays 0.
 */
static void test_quantum(void)
{
    g_autofree char *trace = NULL;
    g_auto(GStrv) lines = NULL;
    unsigned syncs = 0;
    JsonNode *late;
    QTestState *s;
    Rig rig;

    rig_start(&rig, "ipc", "\t\t\tquantum-ns = <0x0 1000>;\n");
    s = rig.qts;
    qtest_clock_step(s, 10000);
    late = qtest_qmp_assert_success_ref(s, "{'execute': 'qom-get', "
        "'arguments': {'path': '" BRIDGE_PATH "', 'property': 'late-irqs'}}");
    g_assert_cmpint(json_node_get_int(late), ==, 0);
    json_node_unref(late);
    g_assert_true(g_file_get_contents(rig.trace, &trace, NULL, NULL));
    lines = g_strsplit(trace, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        if (strstr(lines[i], " SYNC ")) {
            g_autofree char *want = g_strdup_printf(
                "%u SYNC reached %u next never", 1000 * (syncs + 1),
                1000 * (syncs + 1));

            g_assert_cmpstr(lines[i], ==, want);
            syncs++;
        }
    }
    g_assert_cmpuint(syncs, ==, 10);
    rig_end(&rig);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    static const Link links[] = {
        { "ipc", true }, { "tcp", true }, { "ipc", false }, { "tcp", false },
    };

    g_test_add_data_func("/cosim/timer/match-time/ipc", &links[0],
                         test_match_time);
    g_test_add_data_func("/cosim/timer/match-time/tcp", &links[1],
                         test_match_time);
    g_test_add_data_func("/cosim/timer/match-time/ipc-zeromq", &links[2],
                         test_match_time);
    g_test_add_data_func("/cosim/timer/match-time/tcp-zeromq", &links[3],
                         test_match_time);
    g_test_add_func("/cosim/timer/periodic", test_periodic);
    g_test_add_func("/cosim/timer/plic-wiring", test_plic_wiring);
    g_test_add_func("/cosim/timer/two-bridges", test_two_bridges);
    g_test_add_func("/cosim/timer/reset", test_reset);
    g_test_add_func("/cosim/timer/quantum", test_quantum);
    return g_test_run();
}
