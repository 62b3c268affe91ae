/*
 * The console driver behind console.h.  kiln's stdout is read without
 * blocking, under poll() with the wait's deadline; its stderr stays the
 * test's stderr, where meson's log keeps it.
 */
#include "console.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

/* How much of the output a failure message quotes. */
#define TAIL_BYTES 2000
#define POLL_SLICE_MS 20
/* How long kiln gets to end on SIGTERM before SIGKILL. */
#define TERM_GRACE_S 5

struct Console {
    GPid pid;
    bool exited;
    int status;         /* waitpid() status, once exited */
    int in_fd;          /* kiln's stdin */
    int out_fd;         /* kiln's stdout; -1 after end of file */
    GString *out;
    size_t mark;        /* where the next console_expect() starts looking */
    char *program;
};

/*
 * Runs in the child between fork and exec: kiln must not outlive the
 * test, even one that ends in an assertion.
 */
static void console_child_setup(gpointer parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != (pid_t)GPOINTER_TO_INT(parent)) {
        _exit(127);
    }
}

Console *console_start(const char *const *argv)
{
    Console *c = g_new0(Console, 1);
    g_autofree char *cmdline = g_strjoinv(" ", (char **)argv);
    GError *err = NULL;

    g_test_message("starting: %s", cmdline);
    if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD,
                                  console_child_setup,
                                  GINT_TO_POINTER(getpid()), &c->pid,
                                  &c->in_fd, &c->out_fd, NULL, &err)) {
        g_error("cannot start %s: %s", argv[0], err->message);
    }
    if (!g_unix_set_fd_nonblocking(c->out_fd, TRUE, &err)) {
        g_error("cannot make %s's stdout non-blocking: %s", argv[0],
                err->message);
    }
    c->out = g_string_new(NULL);
    c->program = g_path_get_basename(argv[0]);
    return c;
}

const GString *console_output(const Console *c)
{
    return c->out;
}

static void console_reap(Console *c, bool block)
{
    pid_t r;

    if (c->exited) {
        return;
    }
    do {
        r = waitpid(c->pid, &c->status, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        g_error("waitpid(%d): %s", (int)c->pid, g_strerror(errno));
    }
    if (r == c->pid) {
        c->exited = true;
        g_spawn_close_pid(c->pid);
    }
}

/* Read what kiln wrote, waiting at most ms for some. */
static void console_read(Console *c, int ms)
{
    struct pollfd pfd = { .fd = c->out_fd, .events = POLLIN };
    char buf[4096];
    ssize_t n;

    if (c->out_fd < 0) {
        g_usleep((gulong)ms * 1000);
        return;
    }
    if (poll(&pfd, 1, ms) <= 0) {
        return;
    }
    for (;;) {
        n = read(c->out_fd, buf, sizeof(buf));
        if (n > 0) {
            g_string_append_len(c->out, buf, n);
        } else if (n == 0) {
            close(c->out_fd);
            c->out_fd = -1;
            return;
        } else if (errno != EINTR) {
            return;     /* EAGAIN: all read for now */
        }
    }
}

static const char *console_tail(const Console *c)
{
    return c->out->str + (c->out->len > TAIL_BYTES ? c->out->len - TAIL_BYTES
                                                   : 0);
}

static const char *console_fate(Console *c)
{
    static char fate[64];

    if (!c->exited) {
        return "still running";
    }
    if (WIFEXITED(c->status)) {
        g_snprintf(fate, sizeof(fate), "exited with status %d",
                   WEXITSTATUS(c->status));
    } else {
        g_snprintf(fate, sizeof(fate), "killed by signal %d",
                   WTERMSIG(c->status));
    }
    return fate;
}

/* Where text is found after the mark, or NULL. */
static const char *console_find(const Console *c, const char *text)
{
    return g_strstr_len(c->out->str + c->mark, c->out->len - c->mark, text);
}

static const char *console_wait_for(Console *c, const char *text,
                                    const char *what, unsigned timeout_s)
{
    gint64 deadline = g_get_monotonic_time() +
                      (gint64)timeout_s * G_USEC_PER_SEC;
    const char *found;
    g_autofree char *quoted = g_strescape(text, NULL);

    while (!(found = console_find(c, text))) {
        if (c->out_fd < 0) {
            console_reap(c, false);
        }
        if (c->exited) {
            g_test_message("console output, last part:\n%s", console_tail(c));
            g_error("%s %s before printing \"%s\" (%s)", c->program,
                    console_fate(c), quoted, what);
        }
        if (g_get_monotonic_time() >= deadline) {
            g_test_message("console output, last part:\n%s", console_tail(c));
            g_error("%s: timed out after %u s waiting for \"%s\" (%s)",
                    c->program, timeout_s, quoted, what);
        }
        console_read(c, POLL_SLICE_MS);
    }
    return found;
}

void console_expect(Console *c, const char *text, const char *what,
                    unsigned timeout_s)
{
    const char *found = console_wait_for(c, text, what, timeout_s);

    c->mark = (size_t)(found - c->out->str) + strlen(text);
}

char *console_expect_line(Console *c, const char *text, const char *what,
                          unsigned timeout_s)
{
    const char *found = console_wait_for(c, text, what, timeout_s);
    size_t start = (size_t)(found - c->out->str) + strlen(text);
    const char *eol;

    c->mark = start;
    eol = console_wait_for(c, "\n", what, timeout_s);
    c->mark = (size_t)(eol - c->out->str) + 1;
    /* console_wait_for() may have grown the buffer: index, not pointers. */
    found = c->out->str + start;
    eol = c->out->str + c->mark - 1;
    if (eol > found && eol[-1] == '\r') {
        eol--;
    }
    return g_strndup(found, (gsize)(eol - found));
}

void console_send(Console *c, const char *text)
{
    size_t len = strlen(text);
    ssize_t n;

    while (len) {
        n = write(c->in_fd, text, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            g_error("%s: cannot type on its console: %s", c->program,
                    g_strerror(errno));
        }
        text += n;
        len -= (size_t)n;
    }
}

int console_wait_exit(Console *c, unsigned timeout_s)
{
    gint64 deadline = g_get_monotonic_time() +
                      (gint64)timeout_s * G_USEC_PER_SEC;

    /* Keep reading: kiln blocks on a full pipe, and its output counts. */
    for (console_reap(c, false); !c->exited; console_reap(c, false)) {
        if (g_get_monotonic_time() >= deadline) {
            g_test_message("console output, last part:\n%s", console_tail(c));
            g_error("%s: timed out after %u s waiting for it to exit",
                    c->program, timeout_s);
        }
        console_read(c, POLL_SLICE_MS);
    }
    while (c->out_fd >= 0) {
        console_read(c, POLL_SLICE_MS);
    }
    if (!WIFEXITED(c->status)) {
        g_test_message("console output, last part:\n%s", console_tail(c));
        g_error("%s %s", c->program, console_fate(c));
    }
    return WEXITSTATUS(c->status);
}

void console_free(Console *c)
{
    gint64 deadline = g_get_monotonic_time() + TERM_GRACE_S * G_USEC_PER_SEC;

    if (!c->exited) {
        kill(c->pid, SIGTERM);
    }
    for (console_reap(c, false); !c->exited; console_reap(c, false)) {
        if (g_get_monotonic_time() >= deadline) {
            kill(c->pid, SIGKILL);
            console_reap(c, true);
            break;
        }
        g_usleep(POLL_SLICE_MS * 1000);
    }
    if (c->out_fd >= 0) {
        close(c->out_fd);
    }
    close(c->in_fd);
    g_string_free(c->out, TRUE);
    g_free(c->program);
    g_free(c);
}
