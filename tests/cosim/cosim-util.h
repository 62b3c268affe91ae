/*
 * What the cosim tests that run real processes share: starting a model
 * program and learning its endpoint, writing a board with bridges, and
 * running kiln with a watchdog while collecting its output.
 *
 * Programs are found through the environment meson sets: KILN_BINARY,
 * KILN_TIMER_MODEL, KILN_FAKE_MODEL, KILN_COSIM_FIRMWARE and
 * KILN_SOURCE_ROOT.  Every child is killed when the test process dies.
 */
#ifndef KILN_TESTS_COSIM_UTIL_H
#define KILN_TESTS_COSIM_UTIL_H

#include <glib.h>
#include <stdint.h>
#include <sys/types.h>

/* The value of environment variable NAME; the test fails without it. */
const char *cosim_env(const char *name);

typedef struct ModelProc {
    GPid pid;
    int out_fd;             /* its standard output */
    char *endpoint;         /* from its "listening on ENDPOINT" line */
    int status;             /* wait status once it has exited, else -1 */
} ModelProc;

/*
 * Start PROG with the NULL-terminated arguments, and wait (10 s at most)
 * for its "listening on ENDPOINT" line.
 */
ModelProc *model_proc_start(const char *prog, ...) G_GNUC_NULL_TERMINATED;
/* Wait up to TIMEOUT_MS for it to exit by itself: its wait status, or -1. */
int model_proc_wait(ModelProc *p, int timeout_ms);
/* Wait up to TIMEOUT_MS for a line on its standard output, or NULL. */
char *model_proc_read_line(ModelProc *p, int timeout_ms);
void model_proc_kill(ModelProc *p, int sig);
/* Kill it if it still runs, reap it, free P. */
void model_proc_free(ModelProc *p);

/*
 * A bridge node for /soc: one window of 0x1000 bytes per interrupt in
 * IRQS (PLIC sources, comma separated), from BASE, on ENDPOINT; EXTRA is
 * more DTS properties (or "").
 */
char *cosim_bridge_node(uint64_t base, unsigned windows, const char *irqs,
                        const char *endpoint, const char *extra);
/* Write DIR/NAME: the virt board with SOC_NODES added to /soc.  Its path. */
char *cosim_board(const char *dir, const char *name, const char *soc_nodes);

typedef struct KilnRun {
    int status;             /* exit status; -1 if killed by the watchdog */
    char *out;              /* standard output */
    char *err;              /* standard error */
    double seconds;         /* wall time */
} KilnRun;

/*
 * Run kiln (KILN_BINARY) with the NULL-terminated ARGV (without the
 * program), writing INPUT (may be NULL) to its standard input, which stays
 * open until it exits.  It is killed after TIMEOUT_MS.
 */
void kiln_run(KilnRun *r, const char *const *argv, const char *input,
              int timeout_ms);
void kiln_run_clear(KilnRun *r);

/* The lines of TEXT that are not empty. */
unsigned count_lines(const char *text);

#endif
