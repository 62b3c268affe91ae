/*
 * The qtest client: start the program under test, then speak the qtest
 * line protocol (QEMU's system/qtest.c is the reference for every reply)
 * and QMP (QEMU's docs/interop/qmp-spec.rst) to it.
 *
 * Every wait has a deadline, and every failure kills the program before
 * the test ends, so that a broken server costs one clear message and
 * never a hung test run.
 */
#include "libqtest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* The server numbers intercepted lines below this (QEMU's MAX_IRQ). */
#define QTEST_MAX_IRQ 256
#define QTEST_DEFAULT_TIMEOUT_S 10

struct QTestState {
    GPid pid;
    bool exited;
    int wait_status;            /* valid once exited */
    int expected_status;
    int qtest_fd;
    int qmp_fd;
    char *tmp_dir;              /* the sockets' directory until accepted */
    char *qtest_path;
    char *qmp_path;
    GString *qtest_buf;         /* bytes received and not yet consumed */
    GString *qmp_buf;
    char *last_cmd;             /* the last qtest line sent, for messages */
    char *last_qmp;             /* the last QMP command sent */
    GQueue qmp_events;          /* JsonNode *, not yet waited for */
    GQueue qmp_responses;       /* JsonNode *, met while waiting for events */
    JsonNode *greeting;
    bool big_endian;
    bool has_clock;
    bool irq_level[QTEST_MAX_IRQ];
};

/* How the program under test has to be started. */
typedef struct QTestTraits {
    bool audio_none;            /* takes "-audio none" */
    bool qtest_accel;           /* has the qtest accelerator */
} QTestTraits;

static unsigned qtest_timeout_s(void)
{
    static guint64 timeout;
    const char *env;

    if (!timeout) {
        env = g_getenv("QTEST_TIMEOUT");
        timeout = QTEST_DEFAULT_TIMEOUT_S;
        if (env && !g_ascii_string_to_unsigned(env, 10, 1, 3600, &timeout,
                                               NULL)) {
            g_error("QTEST_TIMEOUT=%s: want a number of seconds, 1 to 3600",
                    env);
        }
    }
    return timeout;
}

static gint64 qtest_deadline(void)
{
    return g_get_monotonic_time() + (gint64)qtest_timeout_s() * G_USEC_PER_SEC;
}

const char *qtest_qemu_binary(void)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");

    if (!bin || !*bin) {
        g_error("QTEST_QEMU_BINARY is not set: it names the program to "
                "test (kiln-system-riscv64, or a QEMU)");
    }
    return bin;
}

bool qtest_binary_is_kiln(void)
{
    g_autofree char *base = g_path_get_basename(qtest_qemu_binary());

    return strstr(base, "kiln") != NULL;
}

/* --- the child process --- */

static char *qtest_describe_status(int status)
{
    if (WIFEXITED(status)) {
        return g_strdup_printf("exited with status %d", WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return g_strdup_printf("was killed by signal %d (%s)%s",
                               WTERMSIG(status), strsignal(WTERMSIG(status)),
                               WCOREDUMP(status) ? ", core dumped" : "");
    }
    return g_strdup_printf("stopped with wait status 0x%x", status);
}

bool qtest_probe_child(QTestState *s)
{
    pid_t r;

    if (s->exited) {
        return false;
    }
    do {
        r = waitpid(s->pid, &s->wait_status, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0) {
        return true;
    }
    if (r < 0) {
        g_error("waitpid(%d): %s", (int)s->pid, g_strerror(errno));
    }
    s->exited = true;
    return false;
}

/* Wait for the child to exit; false if it still runs at DEADLINE. */
static bool qtest_wait_until(QTestState *s, gint64 deadline)
{
    while (qtest_probe_child(s)) {
        if (g_get_monotonic_time() >= deadline) {
            return false;
        }
        g_usleep(5000);
    }
    return true;
}

static void qtest_kill_child(QTestState *s)
{
    if (qtest_probe_child(s)) {
        kill(s->pid, SIGKILL);
        /* SIGKILL cannot be caught: this wait is short. */
        while (waitpid(s->pid, &s->wait_status, 0) < 0 && errno == EINTR) {
        }
        s->exited = true;
    }
}

static void qtest_remove_sockets(QTestState *s)
{
    if (s->qtest_path) {
        unlink(s->qtest_path);
        g_clear_pointer(&s->qtest_path, g_free);
    }
    if (s->qmp_path) {
        unlink(s->qmp_path);
        g_clear_pointer(&s->qmp_path, g_free);
    }
    if (s->tmp_dir) {
        rmdir(s->tmp_dir);
        g_clear_pointer(&s->tmp_dir, g_free);
    }
}

/* End the test with MSG, killing the program and cleaning up first. */
static void G_GNUC_NORETURN G_GNUC_PRINTF(2, 3)
qtest_fail(QTestState *s, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_kill_child(s);
    qtest_remove_sockets(s);
    g_error("%s", msg);
}

/*
 * What became of the program after it closed a connection: it normally
 * exits right after, so give it a moment before saying it still runs.
 */
static char *qtest_child_fate(QTestState *s)
{
    gint64 deadline = g_get_monotonic_time() + G_USEC_PER_SEC;

    if (!qtest_wait_until(s, deadline)) {
        return g_strdup("is still running");
    }
    return qtest_describe_status(s->wait_status);
}

int qtest_wait_qemu(QTestState *s)
{
    if (!qtest_wait_until(s, qtest_deadline())) {
        qtest_fail(s, "%s did not exit within %u s", qtest_qemu_binary(),
                   qtest_timeout_s());
    }
    return s->wait_status;
}

pid_t qtest_pid(QTestState *s)
{
    return s->pid;
}

void qtest_set_expected_status(QTestState *s, int status)
{
    s->expected_status = status;
}

void qtest_kill_qemu(QTestState *s)
{
    g_autofree char *fate = NULL;

    if (qtest_probe_child(s)) {
        kill(s->pid, SIGTERM);
        if (!qtest_wait_until(s, qtest_deadline())) {
            qtest_fail(s, "%s did not exit within %u s of SIGTERM",
                       qtest_qemu_binary(), qtest_timeout_s());
        }
    }
    if (!WIFEXITED(s->wait_status) ||
        WEXITSTATUS(s->wait_status) != s->expected_status) {
        fate = qtest_describe_status(s->wait_status);
        qtest_fail(s, "%s %s; expected exit status %d", qtest_qemu_binary(),
                   fate, s->expected_status);
    }
}

static void qtest_free_node(gpointer node)
{
    json_node_unref(node);
}

void qtest_quit(QTestState *s)
{
    qtest_kill_qemu(s);
    close(s->qtest_fd);
    close(s->qmp_fd);
    qtest_remove_sockets(s);
    g_string_free(s->qtest_buf, TRUE);
    g_string_free(s->qmp_buf, TRUE);
    g_free(s->last_cmd);
    g_free(s->last_qmp);
    g_queue_clear_full(&s->qmp_events, qtest_free_node);
    g_queue_clear_full(&s->qmp_responses, qtest_free_node);
    if (s->greeting) {
        json_node_unref(s->greeting);
    }
    g_free(s);
}

/* --- bytes on the sockets --- */

/* Wait until FD is ready for EVENTS; fail at DEADLINE, naming WHAT. */
static void qtest_poll(QTestState *s, int fd, short events, gint64 deadline,
                       const char *what)
{
    struct pollfd p = { .fd = fd, .events = events };
    g_autofree char *fate = NULL;
    gint64 left;
    int r;

    for (;;) {
        left = deadline - g_get_monotonic_time();
        if (left <= 0) {
            fate = qtest_probe_child(s) ? g_strdup("is still running")
                   : qtest_describe_status(s->wait_status);
            qtest_fail(s, "%s: nothing within %u s (%s %s)", what,
                       qtest_timeout_s(), qtest_qemu_binary(), fate);
        }
        r = poll(&p, 1, (int)MIN(left / 1000 + 1, INT_MAX));
        if (r > 0) {
            return;
        }
        if (r < 0 && errno != EINTR) {
            qtest_fail(s, "%s: poll: %s", what, g_strerror(errno));
        }
    }
}

static void qtest_send_all(QTestState *s, int fd, const char *buf, size_t len,
                           const char *what)
{
    gint64 deadline = qtest_deadline();
    g_autofree char *fate = NULL;
    ssize_t n;

    while (len) {
        /* MSG_NOSIGNAL: a program that died must fail the test, not kill it. */
        n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= n;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            qtest_poll(s, fd, POLLOUT, deadline, what);
        } else if (errno != EINTR) {
            fate = qtest_child_fate(s);
            qtest_fail(s, "%s: %s; %s %s", what, g_strerror(errno),
                       qtest_qemu_binary(), fate);
        }
    }
}

/* Append what arrives on FD to BUF; fail at DEADLINE, naming WHAT. */
static void qtest_recv_some(QTestState *s, int fd, GString *buf,
                            gint64 deadline, const char *what)
{
    g_autofree char *fate = NULL;
    char chunk[4096];
    ssize_t n;

    for (;;) {
        n = recv(fd, chunk, sizeof(chunk), 0);
        if (n > 0) {
            g_string_append_len(buf, chunk, n);
            return;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            qtest_poll(s, fd, POLLIN, deadline, what);
        } else if (n == 0 || errno != EINTR) {
            fate = qtest_child_fate(s);
            qtest_fail(s, "%s: %s closed the connection and %s", what,
                       qtest_qemu_binary(), fate);
        }
    }
}

/* --- the qtest protocol --- */

static char *qtest_read_line(QTestState *s, const char *what)
{
    gint64 deadline = qtest_deadline();
    GString *buf = s->qtest_buf;
    char *nl, *line;

    while (!(nl = memchr(buf->str, '\n', buf->len))) {
        qtest_recv_some(s, s->qtest_fd, buf, deadline, what);
    }
    line = g_strndup(buf->str, nl - buf->str);
    g_string_erase(buf, 0, nl - buf->str + 1);
    return line;
}

/* "IRQ raise N" / "IRQ lower N", sent whenever an intercepted line moves. */
static void qtest_record_irq(QTestState *s, const char *line)
{
    g_auto(GStrv) words = g_strsplit(line, " ", 0);
    guint64 n;

    if (g_strv_length(words) != 3 ||
        (strcmp(words[1], "raise") != 0 && strcmp(words[1], "lower") != 0) ||
        !g_ascii_string_to_unsigned(words[2], 10, 0, QTEST_MAX_IRQ - 1, &n,
                                    NULL)) {
        qtest_fail(s, "malformed line '%s' from %s (want 'IRQ raise N' or "
                   "'IRQ lower N', N below %d)", line, qtest_qemu_binary(),
                   QTEST_MAX_IRQ);
    }
    s->irq_level[n] = words[1][0] == 'r';
}

char *qtest_raw_cmd(QTestState *s, const char *line)
{
    g_autofree char *out = NULL;
    g_autofree char *what = NULL;
    char *reply;

    g_assert(!strchr(line, '\n'));
    g_free(s->last_cmd);
    s->last_cmd = g_strdup(line);
    out = g_strconcat(line, "\n", NULL);
    what = g_strdup_printf("qtest command '%s'", line);
    qtest_send_all(s, s->qtest_fd, out, strlen(out), what);

    g_free(what);
    what = g_strdup_printf("waiting for the reply to '%s'", line);
    for (;;) {
        reply = qtest_read_line(s, what);
        if (strcmp(reply, "IRQ") != 0 && !g_str_has_prefix(reply, "IRQ ")) {
            return reply;
        }
        qtest_record_irq(s, reply);
        g_free(reply);
    }
}

/*
 * Send a command whose reply must be "OK" and NARGS more words; return
 * the reply's words.
 */
static char ** G_GNUC_PRINTF(3, 4)
qtest_cmd(QTestState *s, unsigned nargs, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    g_autofree char *reply = NULL;
    va_list ap;
    char **words;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    reply = qtest_raw_cmd(s, line);
    words = g_strsplit(reply, " ", 0);
    if (!words[0] || strcmp(words[0], "OK") != 0 ||
        g_strv_length(words) != nargs + 1) {
        qtest_fail(s, "'%s' was answered '%s'; expected OK%s", line, reply,
                   nargs ? " and a value" : "");
    }
    return words;
}

static void G_GNUC_PRINTF(2, 3)
qtest_cmd_ok(QTestState *s, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    va_list ap;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_strfreev(qtest_cmd(s, 0, "%s", line));
}

/* A "0x..." value of the reply to the last command, at most MAX. */
static uint64_t qtest_parse_hex(QTestState *s, const char *word, uint64_t max)
{
    guint64 v;

    if (!g_str_has_prefix(word, "0x") ||
        !g_ascii_string_to_unsigned(word + 2, 16, 0, max, &v, NULL)) {
        qtest_fail(s, "'%s' was answered with '%s': want 0x and hex digits, "
                   "at most 0x%" PRIx64, s->last_cmd, word, max);
    }
    return v;
}

static int64_t qtest_parse_ns(QTestState *s, const char *word)
{
    gint64 v;

    if (!g_ascii_string_to_signed(word, 10, G_MININT64, G_MAXINT64, &v,
                                  NULL)) {
        qtest_fail(s, "'%s' was answered with '%s', not a time in ns",
                   s->last_cmd, word);
    }
    return v;
}

bool qtest_big_endian(QTestState *s)
{
    return s->big_endian;
}

bool qtest_has_clock(QTestState *s)
{
    return s->has_clock;
}

static bool qtest_query_big_endian(QTestState *s)
{
    g_auto(GStrv) words = qtest_cmd(s, 1, "endianness");

    if (strcmp(words[1], "big") != 0 && strcmp(words[1], "little") != 0) {
        qtest_fail(s, "'endianness' was answered 'OK %s'", words[1]);
    }
    return strcmp(words[1], "big") == 0;
}

bool qtest_get_irq(QTestState *s, int num)
{
    g_assert_cmpint(num, >=, 0);
    g_assert_cmpint(num, <, QTEST_MAX_IRQ);
    /*
     * A round trip collects IRQ lines still in flight.  QEMU's libqtest
     * uses "inb 0"; "endianness" does the same without touching a port.
     */
    qtest_query_big_endian(s);
    return s->irq_level[num];
}

void qtest_irq_intercept_in(QTestState *s, const char *qom_path)
{
    qtest_cmd_ok(s, "irq_intercept_in %s", qom_path);
}

void qtest_irq_intercept_out(QTestState *s, const char *qom_path)
{
    qtest_cmd_ok(s, "irq_intercept_out %s", qom_path);
}

void qtest_irq_intercept_out_named(QTestState *s, const char *qom_path,
                                   const char *name)
{
    qtest_cmd_ok(s, "irq_intercept_out %s %s", qom_path, name);
}

void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level)
{
    qtest_cmd_ok(s, "set_irq_in %s %s %d %d", qom_path, name, num, level);
}

static uint64_t qtest_in(QTestState *s, const char *op, uint16_t addr,
                         uint64_t max)
{
    g_auto(GStrv) words = qtest_cmd(s, 1, "%s 0x%x", op, addr);

    return qtest_parse_hex(s, words[1], max);
}

uint8_t qtest_inb(QTestState *s, uint16_t addr)
{
    return qtest_in(s, "inb", addr, UINT8_MAX);
}

uint16_t qtest_inw(QTestState *s, uint16_t addr)
{
    return qtest_in(s, "inw", addr, UINT16_MAX);
}

uint32_t qtest_inl(QTestState *s, uint16_t addr)
{
    return qtest_in(s, "inl", addr, UINT32_MAX);
}

void qtest_outb(QTestState *s, uint16_t addr, uint8_t value)
{
    qtest_cmd_ok(s, "outb 0x%x 0x%x", addr, value);
}

void qtest_outw(QTestState *s, uint16_t addr, uint16_t value)
{
    qtest_cmd_ok(s, "outw 0x%x 0x%x", addr, value);
}

void qtest_outl(QTestState *s, uint16_t addr, uint32_t value)
{
    qtest_cmd_ok(s, "outl 0x%x 0x%x", addr, value);
}

static uint64_t qtest_read(QTestState *s, const char *op, uint64_t addr,
                           uint64_t max)
{
    g_auto(GStrv) words = qtest_cmd(s, 1, "%s 0x%" PRIx64, op, addr);

    return qtest_parse_hex(s, words[1], max);
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readb", addr, UINT8_MAX);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readw", addr, UINT16_MAX);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readl", addr, UINT32_MAX);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return qtest_read(s, "readq", addr, UINT64_MAX);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    qtest_cmd_ok(s, "writeb 0x%" PRIx64 " 0x%x", addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    qtest_cmd_ok(s, "writew 0x%" PRIx64 " 0x%x", addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    qtest_cmd_ok(s, "writel 0x%" PRIx64 " 0x%" PRIx32, addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    qtest_cmd_ok(s, "writeq 0x%" PRIx64 " 0x%" PRIx64, addr, value);
}

void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_auto(GStrv) words = NULL;
    uint8_t *out = data;
    const char *hex;
    size_t i;
    int hi, lo;

    if (!size) {
        return;     /* the server rejects a zero-length "read" */
    }
    words = qtest_cmd(s, 1, "read 0x%" PRIx64 " 0x%zx", addr, size);
    hex = words[1];
    if (!g_str_has_prefix(hex, "0x") || strlen(hex) != 2 + 2 * size) {
        qtest_fail(s, "'%s' was answered with '%s': want 0x and %zu hex "
                   "digits", s->last_cmd, hex, 2 * size);
    }
    for (i = 0; i < size; i++) {
        hi = g_ascii_xdigit_value(hex[2 + 2 * i]);
        lo = g_ascii_xdigit_value(hex[3 + 2 * i]);
        if (hi < 0 || lo < 0) {
            qtest_fail(s, "'%s' was answered with '%s': not hex",
                       s->last_cmd, hex);
        }
        out[i] = hi << 4 | lo;
    }
}

void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    const uint8_t *in = data;
    GString *hex;
    size_t i;

    if (!size) {
        return;     /* "write" with no data is an error to the server */
    }
    hex = g_string_sized_new(2 * size + 1);
    for (i = 0; i < size; i++) {
        g_string_append_printf(hex, "%02x", in[i]);
    }
    qtest_cmd_ok(s, "write 0x%" PRIx64 " 0x%zx 0x%s", addr, size, hex->str);
    g_string_free(hex, TRUE);
}

void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size)
{
    g_auto(GStrv) words = NULL;
    g_autofree guchar *bytes = NULL;
    gsize len;

    if (!size) {
        return;
    }
    words = qtest_cmd(s, 1, "b64read 0x%" PRIx64 " 0x%zx", addr, size);
    bytes = g_base64_decode(words[1], &len);
    if (len != size) {
        qtest_fail(s, "'%s' was answered with '%s': %zu bytes, want %zu",
                   s->last_cmd, words[1], (size_t)len, size);
    }
    memcpy(data, bytes, size);
}

void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size)
{
    g_autofree char *b64 = NULL;

    if (!size) {
        return;     /* "b64write" with no data is an error to the server */
    }
    b64 = g_base64_encode(data, size);
    qtest_cmd_ok(s, "b64write 0x%" PRIx64 " 0x%zx %s", addr, size, b64);
}

void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size)
{
    qtest_cmd_ok(s, "memset 0x%" PRIx64 " 0x%zx 0x%02x", addr, size, pattern);
}

static int64_t G_GNUC_PRINTF(2, 3)
qtest_clock_cmd(QTestState *s, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    g_auto(GStrv) words = NULL;
    va_list ap;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    words = qtest_cmd(s, 1, "%s", line);
    return qtest_parse_ns(s, words[1]);
}

int64_t qtest_clock_step(QTestState *s, int64_t step)
{
    return qtest_clock_cmd(s, "clock_step %" PRId64, step);
}

int64_t qtest_clock_step_next(QTestState *s)
{
    return qtest_clock_cmd(s, "clock_step");
}

int64_t qtest_clock_set(QTestState *s, int64_t val)
{
    return qtest_clock_cmd(s, "clock_set %" PRId64, val);
}

/* --- QMP --- */

/*
 * The length of the first complete JSON object in BUF, or 0 while it is
 * incomplete.  QMP frames nothing: messages are JSON texts one after the
 * other, and QEMU's parser (like ours) splits them by bracket depth.
 */
static size_t qmp_object_end(QTestState *s, const GString *buf)
{
    bool in_string = false, escaped = false;
    unsigned depth = 0;
    size_t i;

    for (i = 0; i < buf->len; i++) {
        char c = buf->str[i];

        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && depth) {
            if (--depth == 0) {
                return i + 1;
            }
        } else if (!depth && !g_ascii_isspace(c)) {
            g_autofree char *text = g_strescape(buf->str + i, NULL);

            qtest_fail(s, "QMP: %s sent '%.60s' outside any message",
                       qtest_qemu_binary(), text);
        }
    }
    return 0;
}

static JsonNode *qmp_read_message(QTestState *s, const char *what)
{
    gint64 deadline = qtest_deadline();
    JsonParser *parser;
    GError *err = NULL;
    JsonNode *root;
    size_t end;

    while (!(end = qmp_object_end(s, s->qmp_buf))) {
        qtest_recv_some(s, s->qmp_fd, s->qmp_buf, deadline, what);
    }
    parser = json_parser_new();
    if (!json_parser_load_from_data(parser, s->qmp_buf->str, end, &err)) {
        qtest_fail(s, "QMP: malformed message '%.*s': %s", (int)end,
                   s->qmp_buf->str, err->message);
    }
    root = json_parser_steal_root(parser);
    g_object_unref(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        qtest_fail(s, "QMP: message '%.*s' is not an object", (int)end,
                   s->qmp_buf->str);
    }
    g_string_erase(s->qmp_buf, 0, end);
    return root;
}

static bool qmp_has(JsonNode *msg, const char *member)
{
    return json_object_has_member(json_node_get_object(msg), member);
}

static bool qmp_is_event(JsonNode *msg, const char *name)
{
    JsonNode *ev = json_object_get_member(json_node_get_object(msg), "event");

    return ev && JSON_NODE_HOLDS_VALUE(ev) &&
           json_node_get_value_type(ev) == G_TYPE_STRING &&
           strcmp(json_node_get_string(ev), name) == 0;
}

/*
 * Sort the next message: a greeting not yet read is kept, an event
 * queued, a response returned (NULL for the others).
 */
static JsonNode *qmp_next_response(QTestState *s, const char *what)
{
    g_autofree char *text = NULL;
    JsonNode *msg = qmp_read_message(s, what);

    if (qmp_has(msg, "event")) {
        g_queue_push_tail(&s->qmp_events, msg);
        return NULL;
    }
    if (qmp_has(msg, "return") || qmp_has(msg, "error")) {
        return msg;
    }
    if (!s->greeting && qmp_has(msg, "QMP")) {
        s->greeting = msg;
        return NULL;
    }
    text = json_to_string(msg, FALSE);
    qtest_fail(s, "QMP: '%s' is neither a response nor an event", text);
}

JsonNode *qtest_qmp_greeting(QTestState *s)
{
    g_autofree char *text = NULL;
    JsonNode *msg;

    if (!s->greeting) {
        msg = qmp_read_message(s, "waiting for the QMP greeting");
        if (!qmp_has(msg, "QMP")) {
            text = json_to_string(msg, FALSE);
            qtest_fail(s, "QMP: '%s' came where the greeting belongs", text);
        }
        s->greeting = msg;
    }
    return s->greeting;
}

static void qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
{
    g_autofree char *text = g_strdup_vprintf(fmt, ap);
    g_autofree char *wire = NULL;
    g_autofree char *what = NULL;
    JsonParser *parser = json_parser_new();
    GError *err = NULL;

    /* json-glib reads QEMU's single-quoted strings; send strict JSON. */
    if (!json_parser_load_from_data(parser, text, -1, &err)) {
        g_error("QMP command '%s' is not JSON: %s", text, err->message);
    }
    g_free(s->last_qmp);
    s->last_qmp = json_to_string(json_parser_get_root(parser), FALSE);
    g_object_unref(parser);
    wire = g_strconcat(s->last_qmp, "\n", NULL);
    what = g_strdup_printf("QMP command %s", s->last_qmp);
    qtest_send_all(s, s->qmp_fd, wire, strlen(wire), what);
}

void qtest_qmp_send(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
}

JsonNode *qtest_qmp_receive(QTestState *s)
{
    g_autofree char *what = NULL;
    JsonNode *rsp;

    if (!g_queue_is_empty(&s->qmp_responses)) {
        return g_queue_pop_head(&s->qmp_responses);
    }
    what = g_strdup_printf("waiting for the response to %s",
                           s->last_qmp ? s->last_qmp : "a QMP command");
    while (!(rsp = qmp_next_response(s, what))) {
    }
    return rsp;
}

JsonNode *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
    return qtest_qmp_receive(s);
}

JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    JsonNode *rsp, *ret;
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
    rsp = qtest_qmp_receive(s);
    if (!qmp_has(rsp, "return")) {
        text = json_to_string(rsp, FALSE);
        qtest_fail(s, "QMP command %s failed: %s", s->last_qmp, text);
    }
    ret = json_node_copy(json_object_get_member(json_node_get_object(rsp),
                                                "return"));
    json_node_unref(rsp);
    return ret;
}

JsonNode *qtest_qmp_eventwait_ref(QTestState *s, const char *event)
{
    g_autofree char *what = g_strdup_printf("waiting for QMP event %s", event);
    JsonNode *rsp;
    GList *l;

    for (l = s->qmp_events.head; l; l = l->next) {
        if (qmp_is_event(l->data, event)) {
            rsp = l->data;
            g_queue_delete_link(&s->qmp_events, l);
            return rsp;
        }
    }
    for (;;) {
        rsp = qmp_next_response(s, what);
        if (rsp) {
            /* A command sent before the wait: its response is kept. */
            g_queue_push_tail(&s->qmp_responses, rsp);
        } else if (!g_queue_is_empty(&s->qmp_events) &&
                   qmp_is_event(g_queue_peek_tail(&s->qmp_events), event)) {
            return g_queue_pop_tail(&s->qmp_events);
        }
    }
}

void qtest_qmp_eventwait(QTestState *s, const char *event)
{
    json_node_unref(qtest_qmp_eventwait_ref(s, event));
}

/* --- starting the program --- */

/* Run BIN with ARGS to learn about it; its exit status, its output. */
static int qtest_run_probe(const char *bin, const char *const *args,
                           char **out)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    GError *err = NULL;
    int status;

    g_ptr_array_add(argv, (char *)bin);
    for (; *args; args++) {
        g_ptr_array_add(argv, (char *)*args);
    }
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, out, NULL, &status, &err)) {
        g_error("cannot run %s: %s", bin, err->message);
    }
    return status;
}

static bool qtest_lists_accel(const char *help, const char *accel)
{
    g_auto(GStrv) lines = g_strsplit(help, "\n", 0);
    char **l;

    for (l = lines; *l; l++) {
        if (strcmp(g_strstrip(*l), accel) == 0) {
            return true;
        }
    }
    return false;
}

/*
 * kiln takes QEMU's libqtest arguments as they are.  A QEMU may not:
 * older ones (7.2 among them) want "-audio driver,model=..." and reject
 * "-audio none", and Debian builds leave out the qtest accelerator.  Ask
 * the QEMU once; kiln is never asked, as it is the program under test.
 */
static const QTestTraits *qtest_traits(void)
{
    static const char *const audio_probe[] = { "-audio", "none", "-version",
                                               NULL };
    static const char *const accel_probe[] = { "-accel", "help", NULL };
    static QTestTraits traits;
    static bool probed;
    g_autofree char *help = NULL;
    const char *bin = qtest_qemu_binary();
    int status;

    if (probed) {
        return &traits;
    }
    probed = true;
    traits.audio_none = true;
    traits.qtest_accel = true;
    if (qtest_binary_is_kiln()) {
        return &traits;
    }
    status = qtest_run_probe(bin, audio_probe, NULL);
    traits.audio_none = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    status = qtest_run_probe(bin, accel_probe, &help);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
        g_str_has_prefix(help, "Accelerators supported") &&
        !qtest_lists_accel(help, "qtest")) {
        traits.qtest_accel = false;
    }
    return &traits;
}

static int qtest_listen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        g_error("socket path %s is too long; set TMPDIR to a shorter "
                "directory", path);
    }
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 1) < 0) {
        g_error("cannot listen on %s: %s", path, g_strerror(errno));
    }
    return fd;
}

/* Accept the program's two connections, failing if it dies or dawdles. */
static void qtest_accept_both(QTestState *s, int qtest_listener,
                              int qmp_listener)
{
    gint64 deadline = qtest_deadline();
    g_autofree char *fate = NULL;
    struct pollfd p[2];
    int *fd[2] = { &s->qtest_fd, &s->qmp_fd };
    const char *missing;
    int i, n;

    p[0] = (struct pollfd) { .fd = qtest_listener, .events = POLLIN };
    p[1] = (struct pollfd) { .fd = qmp_listener, .events = POLLIN };
    while (s->qtest_fd < 0 || s->qmp_fd < 0) {
        /* Short slices: a program that dies is noticed at once. */
        n = poll(p, 2, 50);
        for (i = 0; n > 0 && i < 2; i++) {
            if (p[i].fd >= 0 && (p[i].revents & POLLIN)) {
                *fd[i] = accept4(p[i].fd, NULL, NULL,
                                 SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (*fd[i] >= 0) {
                    p[i].fd = -1;   /* poll() skips it from now on */
                }
            }
        }
        if (s->qtest_fd >= 0 && s->qmp_fd >= 0) {
            break;
        }
        missing = s->qtest_fd < 0 ? "qtest" : "QMP";
        if (!qtest_probe_child(s)) {
            fate = qtest_describe_status(s->wait_status);
            qtest_fail(s, "%s %s before connecting to its %s socket",
                       qtest_qemu_binary(), fate, missing);
        }
        if (g_get_monotonic_time() >= deadline) {
            qtest_fail(s, "%s did not connect to its %s socket within %u s",
                       qtest_qemu_binary(), missing, qtest_timeout_s());
        }
    }
}

/*
 * Runs in the child between fork and exec.  The program must not outlive
 * the test, whether the test ends well, fails an assertion or crashes.
 */
static void qtest_child_setup(gpointer parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != (pid_t)GPOINTER_TO_INT(parent)) {
        _exit(127);
    }
}

static void qtest_add_args(GPtrArray *argv, const char *args)
{
    GError *err = NULL;
    const char *c;
    char **split;
    int argc, i;

    for (c = args; c && g_ascii_isspace(*c); c++) {
    }
    if (!c || !*c) {
        return;     /* g_shell_parse_argv() rejects an empty line */
    }
    if (!g_shell_parse_argv(args, &argc, &split, &err)) {
        g_error("cannot split the arguments '%s': %s", args, err->message);
    }
    for (i = 0; i < argc; i++) {
        g_ptr_array_add(argv, split[i]);
    }
    g_free(split);
}

QTestState *qtest_init_without_qmp_handshake(const char *extra_args)
{
    const QTestTraits *traits = qtest_traits();
    const char *bin = qtest_qemu_binary();
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *cmdline = NULL;
    QTestState *s = g_new0(QTestState, 1);
    GError *err = NULL;
    int qtest_listener, qmp_listener, stdout_fd;

    s->qtest_fd = s->qmp_fd = -1;
    s->exited = true;       /* until there is a child */
    s->qtest_buf = g_string_new(NULL);
    s->qmp_buf = g_string_new(NULL);
    g_queue_init(&s->qmp_events);
    g_queue_init(&s->qmp_responses);
    s->has_clock = traits->qtest_accel;

    s->tmp_dir = g_dir_make_tmp("qtest-XXXXXX", &err);
    if (!s->tmp_dir) {
        g_error("cannot make a directory for the sockets: %s", err->message);
    }
    s->qtest_path = g_build_filename(s->tmp_dir, "qtest.sock", NULL);
    s->qmp_path = g_build_filename(s->tmp_dir, "qmp.sock", NULL);
    qtest_listener = qtest_listen(s->qtest_path);
    qmp_listener = qtest_listen(s->qmp_path);

    g_ptr_array_add(argv, g_strdup(bin));
    g_ptr_array_add(argv, g_strdup("-qtest"));
    g_ptr_array_add(argv, g_strconcat("unix:", s->qtest_path, NULL));
    g_ptr_array_add(argv, g_strdup("-qtest-log"));
    g_ptr_array_add(argv, g_strdup(g_getenv("QTEST_LOG") ? "/dev/fd/2"
                                   : "/dev/null"));
    g_ptr_array_add(argv, g_strdup("-chardev"));
    g_ptr_array_add(argv, g_strdup_printf("socket,path=%s,id=char0",
                                          s->qmp_path));
    g_ptr_array_add(argv, g_strdup("-mon"));
    g_ptr_array_add(argv, g_strdup("chardev=char0,mode=control"));
    g_ptr_array_add(argv, g_strdup("-display"));
    g_ptr_array_add(argv, g_strdup("none"));
    if (traits->audio_none) {
        g_ptr_array_add(argv, g_strdup("-audio"));
        g_ptr_array_add(argv, g_strdup("none"));
    }
    g_ptr_array_add(argv, g_strdup("-machine"));
    if (traits->qtest_accel) {
        g_ptr_array_add(argv, g_strdup("accel=qtest"));
    } else {
        /* Without qtest's clock, stopped CPUs keep the board still. */
        g_ptr_array_add(argv, g_strdup("accel=tcg"));
        g_ptr_array_add(argv, g_strdup("-S"));
    }
    qtest_add_args(argv, extra_args);
    g_ptr_array_add(argv, NULL);

    cmdline = g_strjoinv(" ", (char **)argv->pdata);
    g_test_message("starting: %s", cmdline);
    /*
     * The program's output goes to stderr, away from the TAP stream.  Not
     * as fd 2 itself: glib closes the fds it is given in the child, and
     * the program would lose its stderr.
     */
    stdout_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (stdout_fd < 0 ||
        !g_spawn_async_with_fds(NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_SEARCH_PATH |
                                G_SPAWN_DO_NOT_REAP_CHILD,
                                qtest_child_setup,
                                GINT_TO_POINTER(getpid()), &s->pid,
                                -1, stdout_fd, -1, &err)) {
        qtest_remove_sockets(s);
        g_error("cannot start %s: %s", bin,
                err ? err->message : g_strerror(errno));
    }
    close(stdout_fd);
    s->exited = false;

    qtest_accept_both(s, qtest_listener, qmp_listener);
    close(qtest_listener);
    close(qmp_listener);
    qtest_remove_sockets(s);

    s->big_endian = qtest_query_big_endian(s);
    return s;
}

QTestState *qtest_init(const char *extra_args)
{
    QTestState *s = qtest_init_without_qmp_handshake(extra_args);

    qtest_qmp_greeting(s);
    json_node_unref(qtest_qmp_assert_success_ref(s,
                        "{'execute': 'qmp_capabilities'}"));
    return s;
}

QTestState *qtest_initf(const char *fmt, ...)
{
    g_autofree char *args = NULL;
    va_list ap;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return qtest_init(args);
}
