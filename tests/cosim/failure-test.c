/*
 * How a cosim link fails (docs/cosim-protocol.md, "Timeouts and
 * failures"): a model that is killed while kiln waits for its answer,
 * one that never answers, one that speaks another version, and ones
 * that send truncated or garbage messages each end kiln with exit status
 * 1 and exactly one line on standard error naming the bridge, the
 * channel and what kiln waited for - within the bridge's timeout-ms,
 * never a hang or a crash.  And a model whose kiln dies ends too.
 *
 * Everything is real: kiln-system-riscv64 and cosim-fake-model
 * (fake-model.c) as processes, ZeroMQ over ipc://.  kiln runs the
 * board in qtest mode with the qtest protocol on its standard input, so
 * the test makes the access that waits ("readl").
 */
#include "cosim-util.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define BRIDGE_PATH "/machine/soc/bridge@40000000"
#define TIMEOUT_MS 500
/* Start-up (dtc, board) and teardown on a loaded machine. */
#define SLACK_S 4.0

typedef struct Fixture {
    char *dir;
    ModelProc *model;
    char *board;
} Fixture;

static void fixture_start(Fixture *f, const char *mode)
{
    g_autofree char *ep = NULL;
    g_autofree char *node = NULL;
    g_autoptr(GError) err = NULL;

    f->dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_assert_no_error(err);
    ep = g_strdup_printf("ipc://%s/model.sock", f->dir);
    f->model = model_proc_start(cosim_env("KILN_FAKE_MODEL"), mode, ep, NULL);
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
static void test_silent(void)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "silent");
    run_board(&r, &f, NULL);
    assert_one_error(&r, "no HELLO from the model within 500 ms");
    g_assert_cmpfloat(r.seconds, >=, TIMEOUT_MS / 1000.0);
    kiln_run_clear(&r);
    fixture_end(&f);
}

static void test_version_mismatch(void)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "version2");
    run_board(&r, &f, NULL);
    assert_one_error(&r, "version mismatch: kiln speaks cosim protocol "
                         "version 1, the model version 2 (in its HELLO)");
    kiln_run_clear(&r);
    /* kiln told the model too, with ERROR, and the model then ended. */
    g_assert_cmpint(model_proc_wait(f.model, 2000), ==, 0);
    fixture_end(&f);
}

static void test_truncated_hello(void)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "truncated-hello");
    run_board(&r, &f, NULL);
    assert_one_error(&r, "malformed message from the model (truncated header "
                         "(10 of 24 bytes)) while kiln waited for HELLO");
    kiln_run_clear(&r);
    fixture_end(&f);
}

/* A model that answers HELLO and RESET but never the READ. */
static void test_no_resp(void)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "hang-read");
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

/* SIGKILL the model while kiln waits for its RESP. */
static void test_model_killed(void)
{
    Fixture f;
    KilnRun r;
    gpointer args[2] = { &f, &r };
    g_autofree char *line = NULL;
    GThread *kiln;

    fixture_start(&f, "die-read");
    kiln = g_thread_new("kiln", run_board_thread, args);
    line = model_proc_read_line(f.model, 10000);
    g_assert_cmpstr(line, ==, "READ");
    model_proc_kill(f.model, SIGKILL);
    g_thread_join(kiln);
    assert_one_error(&r, "the model closed the link while kiln waited for "
                         "RESP to READ 0x8 (id ");
    kiln_run_clear(&r);
    g_assert_true(WIFSIGNALED(model_proc_wait(f.model, 2000)));
    fixture_end(&f);
}

static void test_truncated(void)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "truncated");
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "malformed message from the model (truncated header "
                         "(10 of 24 bytes)) while kiln waited for RESP to "
                         "READ 0x0");
    kiln_run_clear(&r);
    fixture_end(&f);
}

static void test_garbage(void)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "garbage");
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "malformed message from the model (unknown message "
                         "type 30583) while kiln waited for RESP to READ 0x0");
    kiln_run_clear(&r);
    fixture_end(&f);
}

static void test_short_resp(void)
{
    Fixture f;
    KilnRun r;

    fixture_start(&f, "short-resp");
    run_board(&r, &f, "readl 0x40000000\n");
    assert_one_error(&r, "RESP to READ 0x0 (id ");
    g_assert_nonnull(strstr(r.err, ") carries 3 bytes, not 4"));
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

/* The model's side: kiln killed under it ends its serve loop with 1. */
static void test_kiln_killed(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *ep = g_strdup_printf("ipc://%s/model.sock", dir);
    ModelProc *model = model_proc_start(cosim_env("KILN_TIMER_MODEL"), ep,
                                        NULL);
    g_autofree char *node = cosim_bridge_node(0x40000000, 1, "32", ep, "");
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
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cosim/failure/silent", test_silent);
    g_test_add_func("/cosim/failure/version-mismatch", test_version_mismatch);
    g_test_add_func("/cosim/failure/truncated-hello", test_truncated_hello);
    g_test_add_func("/cosim/failure/no-resp", test_no_resp);
    g_test_add_func("/cosim/failure/model-killed", test_model_killed);
    g_test_add_func("/cosim/failure/truncated", test_truncated);
    g_test_add_func("/cosim/failure/garbage", test_garbage);
    g_test_add_func("/cosim/failure/short-resp", test_short_resp);
    g_test_add_func("/cosim/failure/no-endpoint", test_no_endpoint);
    g_test_add_func("/cosim/failure/kiln-killed", test_kiln_killed);
    return g_test_run();
}
