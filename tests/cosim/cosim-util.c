/*
 * Helpers of the process-based cosim tests (cosim-util.h).
 */
#include "cosim-util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

const char *cosim_env(const char *name)
{
    const char *v = g_getenv(name);

    if (!v || !*v) {
        g_error("%s is not set (run the test through meson)", name);
    }
    return v;
}

/* Children die with the test, however it dies. */
static void child_setup(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static gint64 now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

char *model_proc_read_line(ModelProc *p, int timeout_ms)
{
    GString *line = g_string_new(NULL);
    gint64 deadline = now_ms() + timeout_ms;

    for (;;) {
        struct pollfd pfd = { .fd = p->out_fd, .events = POLLIN };
        gint64 left = deadline - now_ms();
        char c;

        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
            if (left > 0 && errno == EINTR) {
                continue;
            }
            break;
        }
        if (read(p->out_fd, &c, 1) != 1) {
            break;
        }
        if (c == '\n') {
            return g_string_free(line, FALSE);
        }
        g_string_append_c(line, c);
    }
    g_string_free(line, TRUE);
    return NULL;
}

ModelProc *model_proc_start(const char *prog, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    ModelProc *p = g_new0(ModelProc, 1);
    g_autoptr(GError) err = NULL;
    g_autofree char *line = NULL;
    const char *arg;
    va_list ap;

    g_ptr_array_add(argv, (gpointer)prog);
    va_start(ap, prog);
    while ((arg = va_arg(ap, const char *))) {
        g_ptr_array_add(argv, (gpointer)arg);
    }
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    p->status = -1;
    if (!g_spawn_async_with_pipes(NULL, (char **)argv->pdata, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL,
                                  &p->pid, NULL, &p->out_fd, NULL, &err)) {
        g_error("cannot start %s: %s", prog, err->message);
    }
    g_ptr_array_free(argv, TRUE);
    line = model_proc_read_line(p, 10000);
    if (!line || !g_str_has_prefix(line, "listening on ")) {
        g_error("%s did not say where it listens (got \"%s\")", prog,
                line ? line : "nothing");
    }
    p->endpoint = g_strdup(line + strlen("listening on "));
    return p;
}

int model_proc_wait(ModelProc *p, int timeout_ms)
{
    gint64 deadline = now_ms() + timeout_ms;

    while (p->status < 0) {
        int st;
        pid_t r = waitpid(p->pid, &st, WNOHANG);

        if (r == p->pid) {
            p->status = st;
            break;
        }
        if (now_ms() >= deadline) {
            return -1;
        }
        g_usleep(2000);
    }
    return p->status;
}

void model_proc_kill(ModelProc *p, int sig)
{
    if (p->status < 0) {
        kill(p->pid, sig);
    }
}

void model_proc_free(ModelProc *p)
{
    if (p->status < 0) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, &p->status, 0);
    }
    close(p->out_fd);
    g_spawn_close_pid(p->pid);
    g_free(p->endpoint);
    g_free(p);
}

char *cosim_bridge_node(uint64_t base, unsigned windows, const char *irqs,
                        const char *endpoint, const char *extra)
{
    GString *s = g_string_new(NULL);
    g_auto(GStrv) irq = g_strsplit(irqs, ",", -1);

    g_string_append_printf(s, "\t\tbridge@%" G_GINT64_MODIFIER "x {\n"
                           "\t\t\tcompatible = \"kiln,cosim-bridge\";\n"
                           "\t\t\treg = ", base);
    for (unsigned i = 0; i < windows; i++) {
        g_string_append_printf(s, "%s<0x0 0x%" G_GINT64_MODIFIER "x 0x0 "
                               "0x1000>", i ? ", " : "", base + 0x1000 * i);
    }
    g_string_append(s, ";\n\t\t\tinterrupt-parent = <&plic>;\n"
                       "\t\t\tinterrupts = ");
    for (unsigned i = 0; irq[i]; i++) {
        g_string_append_printf(s, "%s<%s>", i ? ", " : "", irq[i]);
    }
    g_string_append_printf(s, ";\n\t\t\tendpoint = \"%s\";\n%s\t\t};\n",
                           endpoint, extra);
    return g_string_free(s, FALSE);
}

char *cosim_board(const char *dir, const char *name, const char *soc_nodes)
{
    g_autoptr(GError) err = NULL;
    char *path = g_build_filename(dir, name, NULL);
    g_autofree char *text = g_strdup_printf(
        "/include/ \"%s/dts/virt.dts\"\n/ {\n\tsoc {\n%s\t};\n};\n",
        cosim_env("KILN_SOURCE_ROOT"), soc_nodes);

    if (!g_file_set_contents(path, text, -1, &err)) {
        g_error("%s: %s", path, err->message);
    }
    return path;
}

/* Move what is readable on FD into BUF; false at end of file. */
static bool drain(int fd, GString *buf)
{
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof(chunk));

    if (n > 0) {
        g_string_append_len(buf, chunk, n);
        return true;
    }
    return n < 0 && errno == EINTR;
}

void kiln_run(KilnRun *r, const char *const *argv, const char *input,
              int timeout_ms)
{
    GPtrArray *args = g_ptr_array_new();
    GString *out = g_string_new(NULL), *err_text = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    gint64 start = g_get_monotonic_time();
    gint64 deadline = now_ms() + timeout_ms;
    int in_fd, fds[2];
    bool open[2] = { true, true };
    GPid pid;
    int st;

    g_ptr_array_add(args, (gpointer)cosim_env("KILN_BINARY"));
    for (size_t i = 0; argv[i]; i++) {
        g_ptr_array_add(args, (gpointer)argv[i]);
    }
    g_ptr_array_add(args, NULL);
    if (!g_spawn_async_with_pipes(NULL, (char **)args->pdata, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL,
                                  &pid, &in_fd, &fds[0], &fds[1], &err)) {
        g_error("cannot start kiln: %s", err->message);
    }
    g_ptr_array_free(args, TRUE);
    if (input && write(in_fd, input, strlen(input)) != (ssize_t)strlen(input)) {
        g_error("cannot write kiln's input: %s", g_strerror(errno));
    }
    r->status = -1;
    while (open[0] || open[1]) {
        struct pollfd pfd[2] = {
            { .fd = open[0] ? fds[0] : -1, .events = POLLIN },
            { .fd = open[1] ? fds[1] : -1, .events = POLLIN },
        };
        gint64 left = deadline - now_ms();

        if (left <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(pfd, 2, (int)left) <= 0) {
            continue;
        }
        for (int i = 0; i < 2; i++) {
            if (pfd[i].revents && !drain(fds[i], i ? err_text : out)) {
                open[i] = false;
            }
        }
    }
    /* Its output is closed; the exit itself is due within the deadline too. */
    while (waitpid(pid, &st, WNOHANG) != pid) {
        if (now_ms() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            break;
        }
        g_usleep(2000);
    }
    if (WIFEXITED(st) && now_ms() < deadline) {
        r->status = WEXITSTATUS(st);
    }
    r->seconds = (g_get_monotonic_time() - start) / 1e6;
    close(in_fd);
    close(fds[0]);
    close(fds[1]);
    g_spawn_close_pid(pid);
    r->out = g_string_free(out, FALSE);
    r->err = g_string_free(err_text, FALSE);
}

void kiln_run_clear(KilnRun *r)
{
    g_free(r->out);
    g_free(r->err);
    memset(r, 0, sizeof(*r));
}

unsigned count_lines(const char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    unsigned n = 0;

    for (size_t i = 0; lines[i]; i++) {
        n += lines[i][0] != '\0';
    }
    return n;
}
