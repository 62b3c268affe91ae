/*
 * Firmware on kiln's CPU against the C reference timer behind a cosim
 * bridge (tests/cosim/firmware/timer-irq.c): the guest programs the
 * timer, takes its interrupt through the PLIC and checks, to the
 * instruction, that it came at the match - end to end, with the model a
 * separate process on ipc:// or tcp://.  And the same run twice gives
 * the same console output (which includes the final instruction count)
 * and the same transaction trace, byte for byte - whether the link runs
 * on the shared-memory ring or on ZeroMQ alone.
 */
#include "cosim-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

typedef struct FwRun {
    KilnRun kiln;
    char *trace;            /* the bridge's kiln,trace file */
    char *log;              /* kiln's -d cosim log */
    int model_status;
} FwRun;

/*
 * Run the firmware once against a fresh model listening on ENDPOINT
 * ("ipc://DIR/...", or a tcp:// pattern), tracing into DIR/TRACE_NAME,
 * with EXTRA properties on the bridge.
 */
static void fw_run(FwRun *run, const char *dir, const char *endpoint,
                   const char *trace_name, const char *extra)
{
    ModelProc *model = model_proc_start(cosim_env("KILN_TIMER_MODEL"),
                                        endpoint, NULL);
    g_autofree char *trace = g_build_filename(dir, trace_name, NULL);
    g_autofree char *log = g_strconcat(trace, ".log", NULL);
    g_autofree char *props = g_strdup_printf("\t\t\tkiln,trace = \"%s\";\n%s",
                                             trace, extra);
    g_autofree char *node = cosim_bridge_node(0x40000000, 1, "32",
                                              model->endpoint, props);
    g_autofree char *board = cosim_board(dir, "board.dts", node);
    g_autofree char *machine = g_strdup_printf("dt,dts=%s", board);
    const char *argv[] = {
        "-M", machine, "-bios", cosim_env("KILN_COSIM_FIRMWARE"),
        "-nographic", "-d", "cosim", "-D", log, NULL,
    };

    kiln_run(&run->kiln, argv, NULL, 30000);
    run->model_status = model_proc_wait(model, 5000);
    model_proc_free(model);
    g_assert_true(g_file_get_contents(trace, &run->trace, NULL, NULL));
    g_assert_true(g_file_get_contents(log, &run->log, NULL, NULL));
    g_unlink(trace);
    g_unlink(log);
    g_unlink(board);
}

/* The link the run's bridge ended up on, from its -d cosim log line. */
static void assert_link(const FwRun *run, const char *over)
{
    g_autofree char *want = g_strdup_printf(", over %s\n", over);

    g_assert_nonnull(strstr(run->log, ": linked to \"c-timer\" at "));
    g_assert_nonnull(strstr(run->log, want));
}

static void fw_run_clear(FwRun *run)
{
    kiln_run_clear(&run->kiln);
    g_free(run->trace);
    g_free(run->log);
}

static void assert_passed(const FwRun *run)
{
    g_test_message("console:\n%s%s", run->kiln.out, run->kiln.err);
    g_assert_cmpint(run->kiln.status, ==, 0);
    g_assert_cmpstr(run->kiln.err, ==, "");
    g_assert_nonnull(strstr(run->kiln.out,
        "one-shot LOAD 1000: interrupt 10002 instructions after the enabling "
        "read (expected 10002)\n"));
    g_assert_nonnull(strstr(run->kiln.out,
        "periodic LOAD 50: interrupts at +502 +1002 +1502"));
    g_assert_true(g_str_has_suffix(run->kiln.out, "\nPASS\n"));
    /* kiln's BYE ended the model's serve loop normally. */
    g_assert_true(WIFEXITED(run->model_status));
    g_assert_cmpint(WEXITSTATUS(run->model_status), ==, 0);
}

static void test_exact(gconstpointer data)
{
    const char *transport = data;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *ep = strcmp(transport, "tcp") == 0
        ? g_strdup("tcp://127.0.0.1:*")
        : g_strdup_printf("ipc://%s/model.sock", dir);
    g_autofree char *sock = g_build_filename(dir, "model.sock", NULL);
    FwRun run;

    fw_run(&run, dir, ep, "trace.txt", "");
    assert_passed(&run);
    assert_link(&run, "the shared-memory ring");
    /* The trace saw the interrupts: raised by the match, lowered by the clear. */
    g_assert_nonnull(strstr(run.trace, " IRQ 0 1 at "));
    g_assert_nonnull(strstr(run.trace, " IRQ 0 0 at "));
    fw_run_clear(&run);
    g_unlink(sock);
    g_rmdir(dir);
}

/*
 * The quantum bounds only changes a model does not announce: the timer
 * announces its matches, so with a quantum of a whole second (no SYNC
 * in the run at all but those at its events) its interrupts are as exact.
 */
static void test_large_quantum(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *ep = g_strdup_printf("ipc://%s/model.sock", dir);
    g_autofree char *sock = g_build_filename(dir, "model.sock", NULL);
    FwRun run;

    fw_run(&run, dir, ep, "trace.txt",
           "\t\t\tquantum-ns = <0x0 1000000000>;\n");
    assert_passed(&run);
    fw_run_clear(&run);
    g_unlink(sock);
    g_rmdir(dir);
}

static void test_deterministic(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *ep = g_strdup_printf("ipc://%s/model.sock", dir);
    g_autofree char *sock = g_build_filename(dir, "model.sock", NULL);
    FwRun a, b;

    fw_run(&a, dir, ep, "trace-a.txt", "");
    fw_run(&b, dir, ep, "trace-b.txt", "");
    assert_passed(&a);
    assert_passed(&b);
    g_assert_nonnull(strstr(a.kiln.out, "instret at end: "));
    g_assert_cmpstr(a.kiln.out, ==, b.kiln.out);
    g_assert_cmpuint(count_lines(a.trace), >, 20);
    g_assert_cmpstr(a.trace, ==, b.trace);
    fw_run_clear(&a);
    fw_run_clear(&b);
    g_unlink(sock);
    g_rmdir(dir);
}

/*
 * The transport is no input of the run: on the shared-memory ring and on
 * ZeroMQ alone (the bridge's shared-memory = <0>) the console, the
 * instruction count and the trace are the same, byte for byte.
 */
static void test_links_agree(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *ep = g_strdup_printf("ipc://%s/model.sock", dir);
    g_autofree char *sock = g_build_filename(dir, "model.sock", NULL);
    FwRun a, b;

    fw_run(&a, dir, ep, "trace-a.txt", "");
    fw_run(&b, dir, ep, "trace-b.txt", "\t\t\tshared-memory = <0>;\n");
    assert_passed(&a);
    assert_passed(&b);
    assert_link(&a, "the shared-memory ring");
    assert_link(&b, "ZeroMQ");
    g_assert_cmpstr(a.kiln.out, ==, b.kiln.out);
    g_assert_cmpstr(a.trace, ==, b.trace);
    fw_run_clear(&a);
    fw_run_clear(&b);
    g_unlink(sock);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/cosim/firmware/exact/ipc", "ipc", test_exact);
    g_test_add_data_func("/cosim/firmware/exact/tcp", "tcp", test_exact);
    g_test_add_func("/cosim/firmware/large-quantum", test_large_quantum);
    g_test_add_func("/cosim/firmware/deterministic", test_deterministic);
    g_test_add_func("/cosim/firmware/links-agree", test_links_agree);
    return g_test_run();
}
