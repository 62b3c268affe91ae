/*
 * How a cosim link fails (docs/cosim-protocol.md, "Timeouts and
 * failures"): a model that is killed while kiln waits for its answer,
 * one that never answers, one that speaks another version, and ones
 * that send truncated or garbage messages (alone, or inside a batch of
 * several) each end kiln with exit status 1 and exactly one line on
 * standard error naming the bridge, the channel and what kiln waited
 * for - within the bridge's timeout-ms, never a hang or a crash.  And a model whose kiln dies ends too.
 *
 * Everything is real: kiln-system-riscv64 and cosim-fake-model
 * (fake-model.c) as processes, ZeroMQ over ipc:// and tcp://, and each
 * failure that can happen once linked also with the model on kiln's
 * shared-memory ring, where the same failure must read the same.  The
 * ring adds its own: a slot length past any message, an index out of
 * range, and a model that declines the ring and works on over ZeroMQ.
 * kiln runs the board in qtest mode with the qtest protocol on its
 * standard input, so the test makes the access that waits ("readl").
 */
#include "cosim-util.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>

#define BRIDGE_PATH "/machine/soc/bridge@40000000"
#define TIMEOUT_MS 500
/* Start-up (dtc, board) and teardown on a loaded machine. */
#define SLACK_S 4.0

/* Where the model is, and whether it takes the shared-memory ring. */
typedef struct Variant {
    bool tcp;
    bool ring;
} Variant;

static const Variant ipc_zeromq = { .tcp = false, .ring = false };
static const Variant ipc_ring = { .tcp = false, .ring = true };
static const Variant tcp_zeromq = { .tcp = true, .ring = false };
static const Variant tcp_ring = { .tcp = true, .ring = true };

typedef struct Fixture {
    char *dir;
    ModelProc *model;
    char *board;
} Fixture;

static void fixture_start(Fixture *f, const char *mode, const Variant *v)
{
    g_autofree char *ep = NULL;
    g_autofree char *node = NULL;
    g_autoptr(GError) err = NULL;
    const char *prog = cosim_env("KILN_FAKE_MODEL");

    f->dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_assert_no_error(err);
    ep = v->tcp ? g_strdup("tcp://127.0.0.1:*")
                : g_strdup_printf("ipc://%s/model.sock", f->dir);
    f->model = v->ring ? model_proc_start(prog, "-r", mode, ep, NULL)
                       : model_proc_start(prog, mode, ep, NULL);
    node = cosim_bridge_node(0x40000000, 1, "32", f->model->endpoint,
                             "\t\t\ttimeout-ms = <500>;\n");
    f->board = cosim_board(f->dir, "board.dts", node);
}

static void fixture_end(Fixture *f)
{
    g_autofree char *sock = g_build_filename(f->dir, "model.sock", NULL);

    model_proc_free(f->model);
    g_unlink(f->board);
    g_unlink(sock);
    g_rmdir(f->dir);
    g_free(f->board);
    g_free(f->dir);
}

static void run_board(KilnRun *r, const Fixture *f, const char *input)
{
    g_autofree char *machine = g_strdup_printf("dt,dts=%s", f->board);
    const char *argv[] = {
        "-M", machine, "-qtest", "stdio", "-qtest-log", "none", "-display",
        "none", NULL,
    };

    kiln_run(r, argv, input, (int)(1000 * (TIMEOUT_MS / 1000.0 + SLACK_S)));
}

/*
 * A board that works: kiln with the cosim log, killed by the watchdog
 * (qtest on standard input waits for commands until then).
 */
static void run_board_logged(KilnRun *r, const Fixture *f, const char *input)
{
    g_autofree char *machine = g_strdup_printf("dt,dts=%s", f->board);
    const char *argv[] = {
        "-M", machine, "-qtest", "stdio", "-qtest-log", "none", "-display",
        "none", "-d", "cosim", NULL,
    };

    kiln_run(r, argv, input, 1500);
}

/*
 * The one line: "<program>: ... cosim bridge PATH: channel 0 (...): ..."
 * with AWAITED in it, and nothing else on standard error.
 */
static void assert_one_error(const KilnRun *r, const char *awaited)
{
    g_test_message("kiln said (%.2f s): %s", r->seconds, r->err);
    g_assert_cmpint(r->status, ==, 1);
    g_assert_cmpuint(count_lines(r->err), ==, 1);
    g_assert_true(g_str_has_prefix(r->err, "kiln-system-riscv64: "));
    g_assert_nonnull(strstr(r->err, "cosim bridge " BRIDGE_PATH ": channel 0 ("));
    g_assert_nonnull(strstr(r->err, awaited));
    g_assert_cmpfloat(r->seconds, <, TIMEOUT_MS / 1000.0 + SLACK_S);
}

/* A model that binds and never says anything: no HELLO within the timeout. */
static void test_silent(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "silent", data);
    run_board(&r, &f, NULL);
    assert_one_error(&r, "no HELLO from the model within 500 ms");
    g_assert_cmpfloat(r.seconds, >=, TIMEOUT_MS / 1000.0);
    kiln_run_clear(&r);
    fixture_end(&f);
}

static void test_version_mismatch(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "version2", data);
    run_board(&r, &f, NULL);
    assert_one_error(&r, "version mismatch: kiln speaks cosim protocol "
                         "version 1, the model version 2 (in its HELLO)");
    kiln_run_clear(&r);
    /* kiln told the model too, with ERROR, and the model then ended. */
    g_assert_cmpint(model_proc_wait(f.model, 2000), ==, 0);
    fixture_end(&f);
}

static void test_truncated_hello(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "truncated-hello", data);
    run_board(&r, &f, NULL);
    assert_one_error(&r, "malformed message from the model (truncated header "
                         "(10 of 24 bytes)) while kiln waited for HELLO");
    kiln_run_clear(&r);
    fixture_end(&f);
}

/* A model that answers HELLO and RESET but never the READ. */
static void test_no_resp(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "hang-read", data);
    run_board(&r, &f, "readl 0x40000004\n");
    assert_one_error(&r, "no RESP to READ 0x4 (id ");
    g_assert_nonnull(strstr(r.err, ") within 500 ms"));
    /* It answered nothing: so the error line waited the whole timeout. */
    g_assert_cmpfloat(r.seconds, >=, TIMEOUT_MS / 1000.0);
    kiln_run_clear(&r);
    fixture_end(&f);
}

static gpointer run_board_thread(gpointer data)
{
    Fixture *f = ((gpointer *)data)[0];
    KilnRun *r = ((gpointer *)data)[1];

    run_board(r, f, "readl 0x40000008\n");
    return NULL;
}

/*
 * SIGKILL the model while kiln waits for its RESP.  On the ring, kill it
 * once kiln has gone to sleep on the ring's futex.
 */
static void test_model_killed(gconstpointer data)
{
    const Variant *v = data;
    Fixture f;
    KilnRun r;
    gpointer args[2] = { &f, &r };
    g_autofree char *line = NULL;
    GThread *kiln;

    fixture_start(&f, "die-read", v);
    kiln = g_thread_new("kiln", run_board_thread, args);
    line = model_proc_read_line(f.model, 10000);
    g_assert_cmpstr(line, ==, "READ");
    if (v->ring) {
        g_usleep(100000);
    }
    model_proc_kill(f.model, SIGKILL);
    g_thread_join(kiln);
    assert_one_error(&r, "the model closed the link while kiln waited for "
                         "RESP to READ 0x8 (id ");
    kiln_run_clear(&r);
    g_assert_true(WIFSIGNALED(model_proc_wait(f.model, 2000)));
    fixture_end(&f);
}

static void test_truncated(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "truncated", data);
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "malformed message from the model (truncated header "
                         "(10 of 24 bytes)) while kiln waited for RESP to "
                         "READ 0x0");
    kiln_run_clear(&r);
    fixture_end(&f);
}

static void test_garbage(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "garbage", data);
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "malformed message from the model (unknown message "
                         "type 30583) while kiln waited for RESP to READ 0x0");
    kiln_run_clear(&r);
    fixture_end(&f);
}

/*
 * In a batch (COSIM_CAP_BATCH), after a good IRQ: the same line as the
 * same message alone.
 */
static void test_batch_truncated(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "batch-truncated", data);
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "malformed message from the model (RESP header says "
                         "28 payload bytes, 10 came) while kiln waited for "
                         "RESP to READ 0x0");
    kiln_run_clear(&r);
    fixture_end(&f);
}

static void test_batch_garbage(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "batch-garbage", data);
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "malformed message from the model (unknown message "
                         "type 30583) while kiln waited for RESP to READ 0x0");
    kiln_run_clear(&r);
    fixture_end(&f);
}

static void test_short_resp(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "short-resp", data);
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "RESP to READ 0x0 (id ");
    g_assert_nonnull(strstr(r.err, ") carries 3 bytes, not 4"));
    kiln_run_clear(&r);
    fixture_end(&f);
}

/* A slot whose length word is past any message: malformed, as on ZeroMQ. */
static void test_bad_length(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "bad-length", data);
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "malformed message from the model (4294967280 bytes, "
                         "longer than any message) while kiln waited for "
                         "RESP to READ 0x0");
    kiln_run_clear(&r);
    fixture_end(&f);
}

/* The ring's head moved past anything written: the ring is broken. */
static void test_bad_index(gconstpointer data)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "bad-index", data);
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "the model broke the shared-memory ring (ring head "
                         "out of range: head ");
    g_assert_nonnull(strstr(r.err, ", 1024 slots) while kiln waited for RESP "
                                   "to READ 0x0 (id "));
    kiln_run_clear(&r);
    fixture_end(&f);
}

/*
 * A model that takes the ring works on it (the -d cosim log says which
 * transport the link ended up on); one that declines it, because it
 * cannot open kiln's object (as on another host) or opened another one,
 * works on over ZeroMQ, and kiln's log says why.
 */
static void test_ring_taken(gconstpointer data)
{
    const char *mode = data;
    Fixture f;
    KilnRun r;

    fixture_start(&f, mode, &ipc_ring);
    run_board_logged(&r, &f, "readl 0x40000000\nreadl 0x40000004\n");
    g_test_message("kiln said: %s", r.err);
    g_assert_cmpstr(r.out, ==, "OK 0x000000000000600d\n"
                               "OK 0x000000000000600d\n");
    g_assert_nonnull(strstr(r.err, "cosim " BRIDGE_PATH ": linked to \"fake\" "
                                   "at ipc://"));
    if (strcmp(mode, "good") == 0) {
        g_assert_true(g_str_has_suffix(r.err, ", over the shared-memory "
                                              "ring\n"));
        g_assert_null(strstr(r.err, "declined"));
    } else {
        g_assert_true(g_str_has_suffix(r.err, ", over ZeroMQ\n"));
        g_assert_nonnull(strstr(r.err, "cosim " BRIDGE_PATH ": the model "
                                       "declined the shared-memory ring: "));
        g_assert_nonnull(strstr(r.err, strcmp(mode, "decline-open") == 0
                                ? "-x: No such file or directory\n"
                                : ": the nonce is not the one offered\n"));
    }
    kiln_run_clear(&r);
    fixture_end(&f);
}

/* A bridge without an endpoint is a board error naming the property. */
static void test_no_endpoint(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *board = cosim_board(dir, "board.dts",
        "\t\tbridge@40000000 {\n"
        "\t\t\tcompatible = \"kiln,cosim-bridge\";\n"
        "\t\t\treg = <0x0 0x40000000 0x0 0x1000>;\n"
        "\t\t};\n");
    g_autofree char *machine = g_strdup_printf("dt,dts=%s", board);
    const char *argv[] = { "-M", machine, "-qtest", "stdio", "-qtest-log",
                           "none", NULL };
    KilnRun r;

    kiln_run(&r, argv, NULL, 10000);
    g_assert_cmpint(r.status, ==, 1);
    g_assert_cmpstr(r.err, ==, "kiln-system-riscv64: board.dts: "
                    "/soc/bridge@40000000: endpoint: no ZeroMQ endpoint for "
                    "the model (inproc://, ipc:// or tcp://)\n");
    kiln_run_clear(&r);
    g_unlink(board);
    g_rmdir(dir);
}

/*
 * The model's side: kiln killed under it ends its serve loop with 1, on
 * the ring (where it sleeps on the ring's futex) as on ZeroMQ.
 */
static void test_kiln_killed(gconstpointer data)
{
    const Variant *v = data;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *ep = v->tcp ? g_strdup("tcp://127.0.0.1:*")
                                 : g_strdup_printf("ipc://%s/model.sock", dir);
    ModelProc *model = model_proc_start(cosim_env("KILN_TIMER_MODEL"), ep,
                                        NULL);
    g_autofree char *node = cosim_bridge_node(0x40000000, 1, "32",
        model->endpoint, v->ring ? "" : "\t\t\tshared-memory = <0>;\n");
    g_autofree char *board = cosim_board(dir, "board.dts", node);
    g_autofree char *machine = g_strdup_printf("dt,dts=%s", board);
    g_autofree char *sock = g_build_filename(dir, "model.sock", NULL);
    const char *argv[] = { "-M", machine, "-qtest", "stdio", "-qtest-log",
                           "none", NULL };
    KilnRun r;
    int st;

    /* kiln waits for qtest commands until the watchdog kills it. */
    kiln_run(&r, argv, "readl 0x40000000\n", 1500);
    g_assert_cmpint(r.status, ==, -1);
    g_assert_true(g_str_has_prefix(r.out, "OK 0x0000000000000000"));
    st = model_proc_wait(model, 3000);
    g_assert_true(WIFEXITED(st));
    g_assert_cmpint(WEXITSTATUS(st), ==, 1);
    kiln_run_clear(&r);
    model_proc_free(model);
    g_unlink(board);
    g_unlink(sock);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    /* Failures once linked: on each transport, on ZeroMQ and the ring. */
    static const struct {
        const char *name;
        GTestDataFunc fn;
    } linked[] = {
        { "no-resp", test_no_resp },
        { "model-killed", test_model_killed },
        { "truncated", test_truncated },
        { "garbage", test_garbage },
        { "short-resp", test_short_resp },
        { "kiln-killed", test_kiln_killed },
    };
    static const struct {
        const char *prefix;
        const Variant *v;
    } variants[] = {
        { "/cosim/failure/", &ipc_zeromq },
        { "/cosim/failure/ring/", &ipc_ring },
        { "/cosim/failure/tcp/", &tcp_zeromq },
        { "/cosim/failure/tcp-ring/", &tcp_ring },
    };

    g_test_init(&argc, &argv, NULL);
    /* Before the link exists there is no ring: each transport once. */
    g_test_add_data_func("/cosim/failure/silent", &ipc_zeromq, test_silent);
    g_test_add_data_func("/cosim/failure/version-mismatch", &ipc_zeromq,
                         test_version_mismatch);
    g_test_add_data_func("/cosim/failure/truncated-hello", &ipc_zeromq,
                         test_truncated_hello);
    g_test_add_data_func("/cosim/failure/tcp/silent", &tcp_zeromq,
                         test_silent);
    g_test_add_data_func("/cosim/failure/tcp/version-mismatch", &tcp_zeromq,
                         test_version_mismatch);
    g_test_add_data_func("/cosim/failure/tcp/truncated-hello", &tcp_zeromq,
                         test_truncated_hello);
    for (size_t i = 0; i < G_N_ELEMENTS(variants); i++) {
        for (size_t j = 0; j < G_N_ELEMENTS(linked); j++) {
            g_autofree char *path = g_strconcat(variants[i].prefix,
                                                linked[j].name, NULL);

            g_test_add_data_func(path, variants[i].v, linked[j].fn);
        }
    }
    /* Batches are a ZeroMQ matter: the ring has a slot a message. */
    g_test_add_data_func("/cosim/failure/batch-truncated", &ipc_zeromq,
                         test_batch_truncated);
    g_test_add_data_func("/cosim/failure/batch-garbage", &ipc_zeromq,
                         test_batch_garbage);
    g_test_add_data_func("/cosim/failure/tcp/batch-truncated", &tcp_zeromq,
                         test_batch_truncated);
    g_test_add_data_func("/cosim/failure/tcp/batch-garbage", &tcp_zeromq,
                         test_batch_garbage);
    g_test_add_data_func("/cosim/failure/ring/bad-length", &ipc_ring,
                         test_bad_length);
    g_test_add_data_func("/cosim/failure/tcp-ring/bad-length", &tcp_ring,
                         test_bad_length);
    g_test_add_data_func("/cosim/failure/ring/bad-index", &ipc_ring,
                         test_bad_index);
    g_test_add_data_func("/cosim/failure/ring/taken", "good",
                         test_ring_taken);
    g_test_add_data_func("/cosim/failure/ring/declined-cannot-open",
                         "decline-open", test_ring_taken);
    g_test_add_data_func("/cosim/failure/ring/declined-other-object",
                         "decline-nonce", test_ring_taken);
    g_test_add_func("/cosim/failure/no-endpoint", test_no_endpoint);
    return g_test_run();
}
