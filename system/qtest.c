/*
 * The qtest server: QEMU's qtest protocol, byte for byte.
 *
 * A line-based request/response protocol on a chardev.  Every request is
 * one line of words separated by single spaces; every reply is one line
 * starting with OK, FAIL or ERR.  Asynchronous "IRQ raise N" and
 * "IRQ lower N" lines report intercepted interrupt lines; they are sent
 * when the line changes, so they come before the reply of the command
 * that caused them.  The replies, numbers and texts are QEMU's (its
 * system/qtest.c documents the protocol), so QEMU's libqtest and
 * qtest-style tests drive kiln unchanged.
 *
 * One difference, on purpose: where QEMU asserts on a malformed request
 * (a missing or non-numeric argument) and aborts, kiln answers
 * "FAIL <what is wrong>" and keeps serving.  And when the client closes
 * the connection, kiln exits (status 0) rather than run on unattended.
 *
 * The I/O port space (inb/outb...) is empty on RISC-V: reads return all
 * ones and writes are dropped, as QEMU's unassigned port space does.
 */
#include "system.h"

#include "kiln/clock.h"
#include "kiln/log.h"

#include <errno.h>

#define QTEST_MAX_IRQ 256

typedef struct OutIntercept {
    IrqLine original;
} OutIntercept;

typedef struct QtestServer {
    Chardev *chr;
    GString *inbuf;
    FILE *log;
    GTimer *timer;
    bool opened;
    Device *intercepted;
    OutIntercept *out_intercepts;
    int irq_levels[QTEST_MAX_IRQ];
} QtestServer;

static QtestServer qtest;

static void qtest_log_prefix(char kind)
{
    if (qtest.log && qtest.opened) {
        fprintf(qtest.log, "[%c +%.6f] ", kind, g_timer_elapsed(qtest.timer, NULL));
    }
}

static void qtest_send(const char *text)
{
    qtest_log_prefix('S');
    if (qtest.log && qtest.opened) {
        fputs(text, qtest.log);
    }
    chardev_write(qtest.chr, text, strlen(text));
}

static void G_GNUC_PRINTF(1, 2) qtest_sendf(const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_send(text);
}

static void qtest_report_irq(int n, int level)
{
    if (n < 0 || n >= QTEST_MAX_IRQ || qtest.irq_levels[n] == level) {
        return;
    }
    qtest.irq_levels[n] = level;
    qtest_sendf("IRQ %s %d\n", level ? "raise" : "lower", n);
}

static void qtest_in_hook(void *opaque, int n, int level)
{
    qtest_report_irq(n, level);
}

static void qtest_out_hook(void *opaque, int n, int level)
{
    OutIntercept *icpt = opaque;

    irq_set(icpt->original, level);
    qtest_report_irq(n, level);
}

/* A malformed request: one FAIL line naming what is wrong. */
typedef struct Request {
    char **words;
    size_t nwords;
    bool bad;
} Request;

static bool req_fail(Request *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool req_fail(Request *r, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    if (!r->bad) {
        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        qtest_sendf("FAIL %s: %s\n", r->words[0], msg);
        r->bad = true;
    }
    return false;
}

static bool req_has(Request *r, size_t nargs)
{
    if (r->nwords < nargs + 1) {
        return req_fail(r, "expected %zu argument%s", nargs,
                        nargs == 1 ? "" : "s");
    }
    return true;
}

/* Word I as a number, strtoull/strtoll with base 0 as QEMU parses it. */
static bool req_u64(Request *r, size_t i, uint64_t *value)
{
    const char *w = r->words[i];
    char *end;

    errno = 0;
    if (*w == '-') {
        *value = (uint64_t)g_ascii_strtoll(w, &end, 0);
    } else {
        *value = g_ascii_strtoull(w, &end, 0);
    }
    if (!*w || *end || errno) {
        return req_fail(r, "'%s' is not a number", w);
    }
    return true;
}

static bool req_i64(Request *r, size_t i, int64_t *value)
{
    const char *w = r->words[i];
    char *end;

    errno = 0;
    *value = g_ascii_strtoll(w, &end, 0);
    if (!*w || *end || errno) {
        return req_fail(r, "'%s' is not a number", w);
    }
    return true;
}

static Device *req_device(Request *r, size_t i)
{
    Device *root = current_machine ? current_machine->root : NULL;

    return device_resolve_path(root, r->words[i]);
}

static AddressSpace *qtest_as(void)
{
    return &current_machine->as;
}

static unsigned access_size(char c)
{
    switch (c) {
    case 'b':
        return 1;
    case 'w':
        return 2;
    case 'l':
        return 4;
    default:
        return 8;
    }
}

static void cmd_irq_intercept(Request *r)
{
    bool out = r->words[0][14] == 'o';
    const char *name = r->nwords > 2 ? r->words[2] : NULL;
    Device *dev;
    DeviceLines *lines;

    if (!req_has(r, 1)) {
        return;
    }
    dev = req_device(r, 1);
    if (!dev) {
        qtest_send("FAIL Unknown device\n");
        return;
    }
    if (name && !out) {
        qtest_send("FAIL Interception of named in-GPIOs not yet supported\n");
        return;
    }
    if (qtest.intercepted) {
        qtest_send(qtest.intercepted == dev ? "OK\n"
                   : "FAIL IRQ intercept already enabled\n");
        return;
    }
    if (out) {
        /* Without a name, QEMU takes the device's unnamed list; ours is the first. */
        lines = device_outputs(dev, name);
        if (!lines || !lines->count) {
            qtest_send("FAIL No intercepts installed\n");
            return;
        }
        qtest.out_intercepts = g_new0(OutIntercept, lines->count);
        for (unsigned i = 0; i < lines->count; i++) {
            qtest.out_intercepts[i].original = lines->lines[i];
            lines->lines[i] = (IrqLine){ qtest_out_hook,
                                         &qtest.out_intercepts[i], (int)i };
        }
    } else {
        if (!device_inputs(dev, NULL)) {
            qtest_send("FAIL No intercepts installed\n");
            return;
        }
        dev->input_hook = (DeviceInputHook){ qtest_in_hook, NULL };
    }
    qtest.intercepted = dev;
    qtest_send("OK\n");
}

static void cmd_set_irq_in(Request *r)
{
    Device *dev;
    uint64_t n;
    int64_t level;
    IrqLine line;
    const char *name;
    g_autoptr(GError) err = NULL;

    if (!req_has(r, 4) || !req_u64(r, 3, &n) || !req_i64(r, 4, &level)) {
        return;
    }
    dev = req_device(r, 1);
    if (!dev) {
        qtest_send("FAIL Unknown device\n");
        return;
    }
    name = strcmp(r->words[2], "unnamed-gpio-in") == 0 ? NULL : r->words[2];
    if (!device_input_line(dev, name, n, &line, &err)) {
        req_fail(r, "%s", err->message);
        return;
    }
    irq_set(line, (int)level);
    qtest_send("OK\n");
}

static void cmd_port(Request *r)
{
    bool is_in = r->words[0][0] == 'i';
    char width = r->words[0][is_in ? 2 : 3];
    uint64_t addr, value;

    if (!req_has(r, is_in ? 1 : 2) || !req_u64(r, 1, &addr) ||
        (!is_in && !req_u64(r, 2, &value))) {
        return;
    }
    if (addr > 0xffff) {
        req_fail(r, "port 0x%" PRIx64 " is beyond 0xffff", addr);
        return;
    }
    if (!is_in) {
        qtest_send("OK\n");
        return;
    }
    qtest_sendf("OK 0x%04x\n", (unsigned)(UINT32_MAX >>
                                          (32 - 8 * access_size(width))));
}

static void cmd_write_sized(Request *r)
{
    uint64_t addr, value;

    if (!req_has(r, 2) || !req_u64(r, 1, &addr) || !req_u64(r, 2, &value)) {
        return;
    }
    as_store(qtest_as(), addr, access_size(r->words[0][5]), value);
    qtest_send("OK\n");
}

static void cmd_read_sized(Request *r)
{
    uint64_t addr, value;

    if (!req_has(r, 1) || !req_u64(r, 1, &addr)) {
        return;
    }
    as_load(qtest_as(), addr, access_size(r->words[0][4]), &value);
    qtest_sendf("OK 0x%016" PRIx64 "\n", value);
}

/* ADDR SIZE for read/b64read: SIZE must fit in host memory. */
static bool req_range(Request *r, uint64_t *addr, uint64_t *len)
{
    if (!req_has(r, 2) || !req_u64(r, 1, addr) || !req_u64(r, 2, len)) {
        return false;
    }
    if (*len > (1u << 30)) {
        return req_fail(r, "size 0x%" PRIx64 " too large", *len);
    }
    return true;
}

static void cmd_read(Request *r)
{
    uint64_t addr, len;
    g_autofree uint8_t *data = NULL;
    GString *enc;

    if (!req_range(r, &addr, &len)) {
        return;
    }
    if (!len) {
        req_fail(r, "size must not be 0");
        return;
    }
    data = g_malloc(len);
    as_read(qtest_as(), addr, data, len);
    enc = g_string_sized_new(2 * len + 8);
    g_string_append(enc, "OK 0x");
    for (uint64_t i = 0; i < len; i++) {
        g_string_append_printf(enc, "%02x", data[i]);
    }
    g_string_append_c(enc, '\n');
    qtest_send(enc->str);
    g_string_free(enc, TRUE);
}

static void cmd_b64read(Request *r)
{
    uint64_t addr, len;
    g_autofree uint8_t *data = NULL;
    g_autofree char *b64 = NULL;

    if (!req_range(r, &addr, &len)) {
        return;
    }
    data = g_malloc(len ? len : 1);
    as_read(qtest_as(), addr, data, len);
    b64 = g_base64_encode(data, len);
    qtest_sendf("OK %s\n", b64);
}

static int hex_nibble(char c)
{
    return g_ascii_xdigit_value(c);
}

static void cmd_write(Request *r)
{
    uint64_t addr, len;
    const char *hex;
    size_t hex_len;
    g_autofree uint8_t *data = NULL;

    if (!req_has(r, 3) || !req_range(r, &addr, &len)) {
        return;
    }
    hex = r->words[3];
    hex_len = strlen(hex);
    if (hex_len < 3) {
        qtest_send("ERR invalid argument size\n");
        return;
    }
    data = g_malloc0(len ? len : 1);
    /* DATA is 0x followed by hex digit pairs; missing bytes are zero. */
    for (uint64_t i = 0; i < len && i * 2 + 4 <= hex_len; i++) {
        int hi = hex_nibble(hex[i * 2 + 2]);
        int lo = hex_nibble(hex[i * 2 + 3]);

        if (hi < 0 || lo < 0) {
            req_fail(r, "'%s' is not hex data", hex);
            return;
        }
        data[i] = (uint8_t)(hi << 4 | lo);
    }
    as_write(qtest_as(), addr, data, len);
    qtest_send("OK\n");
}

static void cmd_b64write(Request *r)
{
    uint64_t addr, len;
    gsize out_len;
    g_autofree uint8_t *data = NULL;
    guchar *decoded;

    if (!req_has(r, 3) || !req_range(r, &addr, &len)) {
        return;
    }
    if (strlen(r->words[3]) < 3) {
        qtest_send("ERR invalid argument size\n");
        return;
    }
    decoded = g_base64_decode_inplace(r->words[3], &out_len);
    if (out_len != len && qtest.log && qtest.opened) {
        qtest_log_prefix('S');
        fprintf(qtest.log, "b64write: data length mismatch (told %" PRIu64
                ", found %zu)\n", len, (size_t)out_len);
    }
    /* Where QEMU would write past the decoded bytes, kiln writes zeros. */
    data = g_malloc0(len ? len : 1);
    memcpy(data, decoded, MIN(out_len, len));
    as_write(qtest_as(), addr, data, len);
    qtest_send("OK\n");
}

static void cmd_memset(Request *r)
{
    uint64_t addr, len, pattern;
    g_autofree uint8_t *data = NULL;

    if (!req_has(r, 3) || !req_range(r, &addr, &len) ||
        !req_u64(r, 3, &pattern)) {
        return;
    }
    if (len) {
        data = g_malloc(len);
        memset(data, (int)(pattern & 0xff), len);
        as_write(qtest_as(), addr, data, len);
    }
    qtest_send("OK\n");
}

static void cmd_clock_step(Request *r)
{
    int64_t old_ns = clock_now();
    int64_t ns, new_ns;

    if (r->nwords > 1) {
        if (!req_i64(r, 1, &ns)) {
            return;
        }
    } else {
        int64_t deadline = clock_next_deadline();

        if (deadline < 0) {
            qtest_send("FAIL cannot advance clock to the next deadline "
                       "because there is no pending deadline\n");
            return;
        }
        ns = MAX(deadline - old_ns, 0);
    }
    new_ns = clock_advance_to(old_ns + ns);
    if (new_ns > old_ns) {
        qtest_sendf("OK %" PRIi64 "\n", new_ns);
    } else {
        qtest_send("FAIL could not advance time\n");
    }
}

static void cmd_clock_set(Request *r)
{
    int64_t ns, new_ns;

    if (!req_has(r, 1) || !req_i64(r, 1, &ns)) {
        return;
    }
    new_ns = clock_advance_to(ns);
    qtest_sendf("%s %" PRIi64 "\n", new_ns == ns ? "OK" : "FAIL", new_ns);
}

static void cmd_endianness(Request *r)
{
    qtest_send("OK little\n");
}

static const struct {
    const char *name;
    void (*fn)(Request *r);
} qtest_commands[] = {
    { "irq_intercept_in", cmd_irq_intercept },
    { "irq_intercept_out", cmd_irq_intercept },
    { "set_irq_in", cmd_set_irq_in },
    { "outb", cmd_port }, { "outw", cmd_port }, { "outl", cmd_port },
    { "inb", cmd_port }, { "inw", cmd_port }, { "inl", cmd_port },
    { "writeb", cmd_write_sized }, { "writew", cmd_write_sized },
    { "writel", cmd_write_sized }, { "writeq", cmd_write_sized },
    { "readb", cmd_read_sized }, { "readw", cmd_read_sized },
    { "readl", cmd_read_sized }, { "readq", cmd_read_sized },
    { "read", cmd_read },
    { "b64read", cmd_b64read },
    { "write", cmd_write },
    { "b64write", cmd_b64write },
    { "memset", cmd_memset },
    { "endianness", cmd_endianness },
    { "clock_step", cmd_clock_step },
    { "clock_set", cmd_clock_set },
};

static void qtest_process_line(const char *line)
{
    Request r = { .words = g_strsplit(line, " ", 0) };

    r.nwords = g_strv_length(r.words);
    if (qtest.log) {
        fprintf(qtest.log, "[R +%.6f]", g_timer_elapsed(qtest.timer, NULL));
        for (size_t i = 0; i < r.nwords; i++) {
            fprintf(qtest.log, " %s", r.words[i]);
        }
        fputc('\n', qtest.log);
    }
    if (r.nwords == 0) {
        /* An empty line: QEMU would assert; we answer like an unknown command. */
        qtest_send("FAIL Unknown command ''\n");
    } else {
        size_t i;

        for (i = 0; i < ARRAY_SIZE(qtest_commands); i++) {
            if (strcmp(r.words[0], qtest_commands[i].name) == 0) {
                qtest_commands[i].fn(&r);
                break;
            }
        }
        if (i == ARRAY_SIZE(qtest_commands)) {
            qtest_sendf("FAIL Unknown command '%s'\n", r.words[0]);
        }
    }
    g_strfreev(r.words);
}

static size_t qtest_can_receive(void *opaque)
{
    return 4096;
}

static void qtest_receive(void *opaque, const uint8_t *buf, size_t len)
{
    char *nl;

    g_string_append_len(qtest.inbuf, (const char *)buf, len);
    while ((nl = memchr(qtest.inbuf->str, '\n', qtest.inbuf->len)) != NULL) {
        size_t n = nl - qtest.inbuf->str;
        g_autofree char *line = g_strndup(qtest.inbuf->str, n);

        g_string_erase(qtest.inbuf, 0, n + 1);
        qtest_process_line(line);
    }
}

static void qtest_event(void *opaque, ChardevEvent event)
{
    switch (event) {
    case CHARDEV_OPENED:
        memset(qtest.irq_levels, 0, sizeof(qtest.irq_levels));
        g_timer_start(qtest.timer);
        qtest.opened = true;
        if (qtest.log) {
            fprintf(qtest.log, "[I %.6f] OPENED\n", g_timer_elapsed(qtest.timer, NULL));
        }
        break;
    case CHARDEV_CLOSED:
        if (qtest.log && qtest.opened) {
            fprintf(qtest.log, "[I +%.6f] CLOSED\n", g_timer_elapsed(qtest.timer, NULL));
        }
        qtest.opened = false;
        machine_request_shutdown(0);
        break;
    }
}

bool qtest_server_init(Chardev *chr, const char *log, GError **errp)
{
    if (!log) {
        qtest.log = stderr;
    } else if (strcmp(log, "none") != 0) {
        qtest.log = fopen(log, "w+");
        if (!qtest.log) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_IO,
                        "-qtest-log: cannot open %s: %s", log, g_strerror(errno));
            return false;
        }
        setvbuf(qtest.log, NULL, _IOLBF, 0);
    }
    qtest.chr = chr;
    qtest.inbuf = g_string_new("");
    qtest.timer = g_timer_new();
    chardev_set_frontend(chr, qtest_can_receive, qtest_receive, qtest_event,
                         NULL);
    return true;
}
