/*
 * Character devices: the host side of a UART, the qtest stream and the
 * QMP monitor.
 *
 * Everything runs on glib's default main context, on the one kiln thread.
 * Input is read by fd watches and handed to the single front end, never
 * more bytes than its can_receive() allows; when it allows none, the read
 * watch is dropped until the front end calls chardev_accept_input(), so a
 * full UART FIFO leaves the data in the kernel's buffers (and TCP's flow
 * control pushes back on the peer) instead of piling up here.  Output is
 * synchronous: chardev_write() returns once every byte is handed to the
 * kernel, as QEMU's qemu_chr_fe_write_all() does for a UART.
 *
 * Events reach the front end through a queue that is drained from the main
 * loop, never from inside the call that caused them: a front end may write
 * from its event handler, or attach itself in the middle of device
 * realize, without re-entering itself.  The read watch drains the queue
 * before it delivers data, so a front end always sees OPENED before the
 * first byte of a connection and CLOSED after its last one.
 *
 * Option syntax and defaults follow QEMU's -chardev and -serial (see
 * qemu-options.hx and chardev/char-socket.c in QEMU): "key=value" items
 * separated by commas, ",," for a literal comma, a bare "key" for key=on
 * and "nokey" for key=off (hence the legacy "server,nowait").
 */
#include "kiln/chardev.h"
#include "kiln/log.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>

/* Bytes read per dispatch at most; a front end may ask for fewer. */
#define CHARDEV_READ_CHUNK 4096

typedef struct ChardevBackend ChardevBackend;

struct Chardev {
    char *id;
    const ChardevBackend *backend;

    int in_fd;              /* read when the front end can take input; -1: none */
    int out_fd;             /* chardev_write() goes here; -1: dropped */
    bool borrowed_fds;      /* stdin/stdout: never closed here */
    bool connected;

    /* Sockets: in_fd == out_fd is the connection while there is one. */
    bool is_socket;
    bool is_tcp;
    bool nodelay;
    int listen_fd;          /* a server's listening socket; -1 for clients */
    char *addr;             /* "unix:PATH" or "tcp:HOST:PORT", for messages */
    char *unlink_path;      /* a unix server's socket file, removed at close */

    GSource *read_src;
    GSource *listen_src;
    GSource *event_src;
    GQueue events;          /* ChardevEvent values not yet delivered */

    ChardevCanReceive *can_receive;
    ChardevReceive *receive;
    ChardevEventHandler *event;
    void *opaque;
};

/* One parsed "key=value" item of a spec. */
typedef struct ChardevOpt {
    char *key;
    char *value;            /* bare "key" is stored as "on", "nokey" as "off" */
    char *written;          /* the name as the user wrote it, for errors */
} ChardevOpt;

struct ChardevBackend {
    const char *name;
    const char *const *options;     /* accepted besides "backend" and "id" */
    bool (*open)(Chardev *chr, GPtrArray *opts, GError **errp);
};

static GHashTable *chardevs;        /* id -> Chardev */
static Chardev *stdio_owner;        /* stdin can feed one chardev only */
static bool tty_saved;
static struct termios tty_saved_attr;

/* ---- errors ---- */

static void G_GNUC_PRINTF(4, 5)
chardev_error(GError **errp, const Chardev *chr, int code,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(errp, KILN_ERROR, code, "%s chardev '%s': %s",
                chr->backend->name, chr->id, msg);
    g_free(msg);
}

/* ---- option parsing ---- */

static void chardev_opt_free(gpointer p)
{
    ChardevOpt *opt = p;
    g_free(opt->key);
    g_free(opt->value);
    g_free(opt->written);
    g_free(opt);
}

static void chardev_opts_add(GPtrArray *opts, const char *key,
                             const char *value)
{
    ChardevOpt *opt = g_new0(ChardevOpt, 1);
    opt->key = g_strdup(key);
    opt->value = g_strdup(value);
    opt->written = g_strdup(key);
    g_ptr_array_add(opts, opt);
}

/* The last occurrence wins, as with QEMU's QemuOpts. */
static const char *chardev_opts_get(GPtrArray *opts, const char *key)
{
    for (guint i = opts->len; i-- > 0;) {
        ChardevOpt *opt = g_ptr_array_index(opts, i);
        if (strcmp(opt->key, key) == 0) {
            return opt->value;
        }
    }
    return NULL;
}

static bool chardev_opts_has(GPtrArray *opts, const char *key)
{
    return chardev_opts_get(opts, key) != NULL;
}

static void chardev_opts_add_item(GPtrArray *opts, const char *item,
                                  const char *implied_key)
{
    ChardevOpt *opt = g_new0(ChardevOpt, 1);
    const char *eq = strchr(item, '=');

    if (eq) {
        opt->key = g_strndup(item, eq - item);
        opt->value = g_strdup(eq + 1);
    } else if (implied_key) {
        opt->key = g_strdup(implied_key);
        opt->value = g_strdup(item);
    } else if (g_str_has_prefix(item, "no")) {
        opt->key = g_strdup(item + 2);
        opt->value = g_strdup("off");
    } else {
        opt->key = g_strdup(item);
        opt->value = g_strdup("on");
    }
    opt->written = eq ? g_strdup(opt->key) : g_strdup(item);
    g_ptr_array_add(opts, opt);
}

/*
 * Split "a,b=c,,d" into items; ",," stands for a literal comma.  A first
 * item without '=' is the value of IMPLIED_KEY when one is given (the
 * backend of -chardev, the path of -serial unix:).
 */
static void chardev_opts_parse(GPtrArray *opts, const char *str,
                               const char *implied_key)
{
    GString *item = g_string_new(NULL);
    bool first = true;

    for (const char *p = str;; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(item, ',');
            p++;
            continue;
        }
        if (*p != ',' && *p != '\0') {
            g_string_append_c(item, *p);
            continue;
        }
        if (item->len > 0) {
            chardev_opts_add_item(opts, item->str,
                                  first ? implied_key : NULL);
        }
        first = false;
        g_string_truncate(item, 0);
        if (*p == '\0') {
            break;
        }
    }
    g_string_free(item, TRUE);
}

static bool chardev_opts_get_bool(Chardev *chr, GPtrArray *opts,
                                  const char *key, bool dflt, bool *out,
                                  GError **errp)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    const char *value = chardev_opts_get(opts, key);

    *out = dflt;
    if (!value) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strcmp(value, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(value, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    chardev_error(errp, chr, KILN_ERROR_INVALID,
                  "option '%s' expects on or off, not '%s'", key, value);
    return false;
}

/* ---- events ---- */

static void chardev_flush_events(Chardev *chr)
{
    while (!g_queue_is_empty(&chr->events)) {
        ChardevEvent ev = GPOINTER_TO_INT(g_queue_pop_head(&chr->events));
        if (chr->event) {
            chr->event(chr->opaque, ev);
        }
    }
}

static gboolean chardev_event_idle(gpointer opaque)
{
    Chardev *chr = opaque;

    g_source_unref(chr->event_src);
    chr->event_src = NULL;
    chardev_flush_events(chr);
    return G_SOURCE_REMOVE;
}

static void chardev_post_event(Chardev *chr, ChardevEvent ev)
{
    if (!chr->event) {
        return;
    }
    g_queue_push_tail(&chr->events, GINT_TO_POINTER(ev));
    if (!chr->event_src) {
        chr->event_src = g_idle_source_new();
        /*
         * Default rather than idle priority: an fd that is always readable
         * (a regular input file) must not starve the event.
         */
        g_source_set_priority(chr->event_src, G_PRIORITY_DEFAULT);
        g_source_set_callback(chr->event_src, chardev_event_idle, chr, NULL);
        g_source_attach(chr->event_src, NULL);
    }
}

/* ---- input ---- */

static void chardev_stop_reading(Chardev *chr)
{
    if (chr->read_src) {
        g_source_destroy(chr->read_src);
        g_source_unref(chr->read_src);
        chr->read_src = NULL;
    }
}

static gboolean chardev_read_ready(gint fd, GIOCondition cond,
                                   gpointer opaque);

static void chardev_start_reading(Chardev *chr)
{
    if (chr->read_src || chr->in_fd < 0 || !chr->receive) {
        return;
    }
    chr->read_src = g_unix_fd_source_new(chr->in_fd,
                                         G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(chr->read_src, G_SOURCE_FUNC(chardev_read_ready),
                          chr, NULL);
    g_source_attach(chr->read_src, NULL);
}

static void chardev_start_listening(Chardev *chr);

/* The socket peer went away: report it and, as a server, listen again. */
static void chardev_disconnect(Chardev *chr)
{
    chardev_stop_reading(chr);
    if (chr->in_fd >= 0) {
        close(chr->in_fd);
    }
    chr->in_fd = chr->out_fd = -1;
    chr->connected = false;
    chardev_post_event(chr, CHARDEV_CLOSED);
    if (chr->listen_fd >= 0) {
        chardev_start_listening(chr);
    }
}

/* End of input.  Files and stdio keep taking output. */
static void chardev_input_ended(Chardev *chr)
{
    if (chr->is_socket) {
        chardev_disconnect(chr);
        return;
    }
    chardev_stop_reading(chr);
    if (!chr->borrowed_fds) {
        close(chr->in_fd);
    }
    chr->in_fd = -1;
    chardev_post_event(chr, CHARDEV_CLOSED);
}

static gboolean chardev_read_ready(gint fd, GIOCondition cond,
                                   gpointer opaque)
{
    Chardev *chr = opaque;
    uint8_t buf[CHARDEV_READ_CHUNK];

    chardev_flush_events(chr);
    if (g_main_current_source() != chr->read_src) {
        /* The event handler closed, detached or re-attached: not ours. */
        return G_SOURCE_REMOVE;
    }

    size_t room = chr->can_receive ? chr->can_receive(chr->opaque)
                                   : sizeof(buf);
    if (room == 0) {
        /* Leave the bytes in the kernel until chardev_accept_input(). */
        chardev_stop_reading(chr);
        return G_SOURCE_REMOVE;
    }

    ssize_t n = read(fd, buf, MIN(room, sizeof(buf)));
    if (n > 0) {
        chr->receive(chr->opaque, buf, n);
        return G_SOURCE_CONTINUE;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
        return G_SOURCE_CONTINUE;
    }
    /* End of file, or a reset connection: either way the peer is gone. */
    chardev_input_ended(chr);
    return G_SOURCE_REMOVE;
}

/* ---- sockets ---- */

static void chardev_attach_connection(Chardev *chr, int fd)
{
    if (chr->is_tcp && chr->nodelay) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    chr->in_fd = chr->out_fd = fd;
    chr->connected = true;
    chardev_post_event(chr, CHARDEV_OPENED);
    chardev_start_reading(chr);
}

static void chardev_stop_listening(Chardev *chr)
{
    if (chr->listen_src) {
        g_source_destroy(chr->listen_src);
        g_source_unref(chr->listen_src);
        chr->listen_src = NULL;
    }
}

static bool chardev_accept_errno_transient(int err)
{
    /* accept(2): a pending connection may vanish before we take it. */
    return err == EINTR || err == EAGAIN || err == EWOULDBLOCK ||
           err == ECONNABORTED || err == EPROTO;
}

static gboolean chardev_listen_ready(gint fd, GIOCondition cond,
                                     gpointer opaque)
{
    Chardev *chr = opaque;
    int conn = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (conn < 0) {
        if (chardev_accept_errno_transient(errno)) {
            return G_SOURCE_CONTINUE;
        }
        /* Out of fds or worse: retrying would spin, so say why we stop. */
        warn_report("chardev '%s': cannot accept on %s: %s; no longer "
                    "listening", chr->id, chr->addr, g_strerror(errno));
        chardev_stop_listening(chr);
        return G_SOURCE_REMOVE;
    }
    /* One client at a time: later ones wait in the backlog. */
    chardev_stop_listening(chr);
    chardev_attach_connection(chr, conn);
    return G_SOURCE_REMOVE;
}

static void chardev_start_listening(Chardev *chr)
{
    if (chr->listen_src) {
        return;
    }
    chr->listen_src = g_unix_fd_source_new(chr->listen_fd, G_IO_IN);
    g_source_set_callback(chr->listen_src,
                          G_SOURCE_FUNC(chardev_listen_ready), chr, NULL);
    g_source_attach(chr->listen_src, NULL);
}

/* wait=on: block until the first client is there, as QEMU does. */
static bool chardev_accept_blocking(Chardev *chr, GError **errp)
{
    fprintf(stderr, "%s: waiting for connection on %s,server=on\n",
            log_program_name(), chr->addr);
    for (;;) {
        struct pollfd pfd = { .fd = chr->listen_fd, .events = POLLIN };
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
            break;
        }
        int conn = accept4(chr->listen_fd, NULL, NULL,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (conn >= 0) {
            chardev_attach_connection(chr, conn);
            return true;
        }
        if (!chardev_accept_errno_transient(errno)) {
            break;
        }
    }
    chardev_error(errp, chr, KILN_ERROR_IO, "cannot accept on %s: %s",
                  chr->addr, g_strerror(errno));
    return false;
}

static bool chardev_set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

static bool chardev_open_unix(Chardev *chr, const char *path, bool server,
                              GError **errp)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    chr->addr = g_strdup_printf("unix:%s", path);
    if (strlen(path) >= sizeof(sa.sun_path)) {
        chardev_error(errp, chr, KILN_ERROR_INVALID,
                      "path '%s' is longer than %zu bytes", path,
                      sizeof(sa.sun_path) - 1);
        return false;
    }
    strcpy(sa.sun_path, path);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        chardev_error(errp, chr, KILN_ERROR_IO, "cannot create socket: %s",
                      g_strerror(errno));
        return false;
    }

    if (!server) {
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            !chardev_set_nonblocking(fd)) {
            int err = errno;
            close(fd);
            chardev_error(errp, chr, KILN_ERROR_IO, "cannot connect to %s: %s",
                          path, g_strerror(err));
            return false;
        }
        chardev_attach_connection(chr, fd);
        return true;
    }

    /*
     * A socket left behind by an earlier run would make bind() fail.
     * QEMU unlinks whatever is at the path; we only remove a socket, so a
     * mistyped path cannot delete a regular file.
     */
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(path);
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 1) < 0 || !chardev_set_nonblocking(fd)) {
        int err = errno;
        close(fd);
        chardev_error(errp, chr, KILN_ERROR_IO, "cannot listen on %s: %s",
                      path, g_strerror(err));
        return false;
    }
    chr->listen_fd = fd;
    chr->unlink_path = g_strdup(path);
    return true;
}

/* A listening or connected socket for AI, or -1 with *ERR set. */
static int chardev_tcp_socket(const struct addrinfo *ai, bool server, int *err)
{
    int one = 1;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);

    if (fd < 0) {
        *err = errno;
        return -1;
    }
    if (server) {
        int zero = 0;
        /* Restarting kiln must not wait out TIME_WAIT. */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ai->ai_family == AF_INET6) {
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
        }
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, 1) == 0 && chardev_set_nonblocking(fd)) {
            return fd;
        }
    } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
               chardev_set_nonblocking(fd)) {
        return fd;
    }
    *err = errno;
    close(fd);
    return -1;
}

static bool chardev_open_tcp(Chardev *chr, const char *host, const char *port,
                             bool server, GError **errp)
{
    /* No host: every address for a server, this machine for a client. */
    const char *node = host && *host ? host : server ? NULL : "localhost";
    bool v6 = node && strchr(node, ':');
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = server ? AI_PASSIVE : 0,
    };
    struct addrinfo *res;

    chr->is_tcp = true;
    chr->addr = g_strdup_printf("tcp:%s%s%s:%s", v6 ? "[" : "",
                                node ? node : "", v6 ? "]" : "", port);
    const char *where = chr->addr + strlen("tcp:");

    int rc = getaddrinfo(node, port, &hints, &res);
    if (rc != 0) {
        chardev_error(errp, chr, KILN_ERROR_IO, "cannot resolve %s: %s", where,
                      rc == EAI_SYSTEM ? g_strerror(errno) : gai_strerror(rc));
        return false;
    }

    /*
     * A server on every address binds the IPv6 wildcard first, dual-stack,
     * so that clients reach it over either family; getaddrinfo() tends to
     * list 0.0.0.0 first, which would leave ::1 refused.
     */
    bool wildcard = server && !node;
    int fd = -1;
    int err = EADDRNOTAVAIL;
    for (int pass = 0; pass < 2 && fd < 0; pass++) {
        for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
            /* Pass 0 tries what comes first; pass 1 what pass 0 skipped. */
            bool first = !wildcard || ai->ai_family == AF_INET6;
            if (first != (pass == 0)) {
                continue;
            }
            fd = chardev_tcp_socket(ai, server, &err);
        }
    }
    freeaddrinfo(res);

    if (fd < 0) {
        chardev_error(errp, chr, KILN_ERROR_IO, "cannot %s %s: %s",
                      server ? "listen on" : "connect to", where,
                      g_strerror(err));
        return false;
    }
    if (server) {
        chr->listen_fd = fd;
    } else {
        chardev_attach_connection(chr, fd);
    }
    return true;
}

static bool chardev_open_socket(Chardev *chr, GPtrArray *opts, GError **errp)
{
    const char *path = chardev_opts_get(opts, "path");
    const char *host = chardev_opts_get(opts, "host");
    const char *port = chardev_opts_get(opts, "port");
    bool server, wait, delay;

    if (!chardev_opts_get_bool(chr, opts, "server", false, &server, errp) ||
        !chardev_opts_get_bool(chr, opts, "wait", true, &wait, errp) ||
        !chardev_opts_get_bool(chr, opts, "delay", true, &delay, errp)) {
        return false;
    }
    if (path && (host || port)) {
        chardev_error(errp, chr, KILN_ERROR_INVALID,
                      "'path' (unix) and 'host'/'port' (tcp) exclude each other");
        return false;
    }
    if (!path && !port) {
        chardev_error(errp, chr, KILN_ERROR_INVALID,
                      host ? "missing 'port'"
                           : "missing 'path' (unix) or 'host' and 'port' (tcp)");
        return false;
    }
    if (!server && chardev_opts_has(opts, "wait")) {
        chardev_error(errp, chr, KILN_ERROR_INVALID,
                      "'wait' applies only with server=on");
        return false;
    }

    chr->is_socket = true;
    chr->nodelay = !delay;
    if (!(path ? chardev_open_unix(chr, path, server, errp)
               : chardev_open_tcp(chr, host, port, server, errp))) {
        return false;
    }
    if (server && wait && !chardev_accept_blocking(chr, errp)) {
        return false;
    }
    if (server && !chr->connected) {
        chardev_start_listening(chr);
    }
    return true;
}

/* ---- stdio, file, null ---- */

static void chardev_restore_tty(void)
{
    if (tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &tty_saved_attr);
        tty_saved = false;
    }
}

static bool chardev_open_stdio(Chardev *chr, GPtrArray *opts, GError **errp)
{
    static bool atexit_done;
    bool allow_signals;

    if (!chardev_opts_get_bool(chr, opts, "signal", true, &allow_signals,
                               errp)) {
        return false;
    }
    if (stdio_owner) {
        chardev_error(errp, chr, KILN_ERROR_INVALID,
                      "stdio is already used by chardev '%s'",
                      stdio_owner->id);
        return false;
    }

    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &tty_saved_attr) == 0) {
        /*
         * Raw input so that the guest sees every key as it is typed
         * (termios(3), "raw mode"), but keep OPOST so a guest's bare "\n"
         * still starts a new line, and keep ISIG unless signal=off so that
         * Ctrl-C stops kiln, both as QEMU's stdio chardev does.
         */
        struct termios raw = tty_saved_attr;
        raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                         ICRNL | IXON);
        raw.c_oflag |= OPOST;
        raw.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
        if (!allow_signals) {
            raw.c_lflag &= ~ISIG;
        }
        raw.c_cflag &= ~(CSIZE | PARENB);
        raw.c_cflag |= CS8;
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        tty_saved = true;
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
        if (!atexit_done) {
            atexit(chardev_restore_tty);
            atexit_done = true;
        }
    }

    chr->in_fd = STDIN_FILENO;
    chr->out_fd = STDOUT_FILENO;
    chr->borrowed_fds = true;
    chr->connected = true;
    stdio_owner = chr;
    return true;
}

static bool chardev_open_file(Chardev *chr, GPtrArray *opts, GError **errp)
{
    const char *path = chardev_opts_get(opts, "path");
    const char *input = chardev_opts_get(opts, "input-path");
    bool append;

    if (!chardev_opts_get_bool(chr, opts, "append", false, &append, errp)) {
        return false;
    }
    if (!path || !*path) {
        chardev_error(errp, chr, KILN_ERROR_INVALID, "missing 'path'");
        return false;
    }

    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
    chr->out_fd = open(path, flags, 0666);
    if (chr->out_fd < 0) {
        chardev_error(errp, chr, KILN_ERROR_IO, "cannot open %s: %s", path,
                      g_strerror(errno));
        return false;
    }
    if (input) {
        chr->in_fd = open(input, O_RDONLY | O_CLOEXEC);
        if (chr->in_fd < 0) {
            chardev_error(errp, chr, KILN_ERROR_IO, "cannot open %s: %s",
                          input, g_strerror(errno));
            return false;
        }
    }
    chr->connected = true;
    return true;
}

static bool chardev_open_null(Chardev *chr, GPtrArray *opts, GError **errp)
{
    /* Always "connected": writes are accepted and discarded. */
    chr->connected = true;
    return true;
}

static const char *const chardev_socket_options[] = {
    "path", "host", "port", "server", "wait", "delay", NULL,
};
static const char *const chardev_file_options[] = {
    "path", "input-path", "append", NULL,
};
static const char *const chardev_stdio_options[] = { "signal", NULL };
static const char *const chardev_no_options[] = { NULL };

static const ChardevBackend chardev_backends[] = {
    { "socket", chardev_socket_options, chardev_open_socket },
    { "file", chardev_file_options, chardev_open_file },
    { "stdio", chardev_stdio_options, chardev_open_stdio },
    { "null", chardev_no_options, chardev_open_null },
};

static const ChardevBackend *chardev_find_backend(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(chardev_backends); i++) {
        if (strcmp(chardev_backends[i].name, name) == 0) {
            return &chardev_backends[i];
        }
    }
    return NULL;
}

/* ---- life cycle ---- */

static void chardev_free(Chardev *chr)
{
    chardev_stop_reading(chr);
    chardev_stop_listening(chr);
    if (chr->event_src) {
        g_source_destroy(chr->event_src);
        g_source_unref(chr->event_src);
    }
    g_queue_clear(&chr->events);

    if (!chr->borrowed_fds) {
        if (chr->in_fd >= 0) {
            close(chr->in_fd);
        }
        if (chr->out_fd >= 0 && chr->out_fd != chr->in_fd) {
            close(chr->out_fd);
        }
    }
    if (chr->listen_fd >= 0) {
        close(chr->listen_fd);
    }
    if (chr->unlink_path) {
        unlink(chr->unlink_path);
    }
    if (stdio_owner == chr) {
        chardev_restore_tty();
        stdio_owner = NULL;
    }
    g_free(chr->unlink_path);
    g_free(chr->addr);
    g_free(chr->id);
    g_free(chr);
}

static bool chardev_option_known(const ChardevBackend *backend,
                                 const char *key)
{
    if (strcmp(key, "backend") == 0 || strcmp(key, "id") == 0) {
        return true;
    }
    for (const char *const *o = backend->options; *o; o++) {
        if (strcmp(*o, key) == 0) {
            return true;
        }
    }
    return false;
}

/* Check OPTS completely before opening anything, then open and register. */
static Chardev *chardev_open(GPtrArray *opts, GError **errp)
{
    const char *id = chardev_opts_get(opts, "id");
    const char *name = chardev_opts_get(opts, "backend");

    if (!id || !*id) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "chardev: missing 'id'");
        return NULL;
    }
    if (!name || !*name) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "chardev '%s': missing backend", id);
        return NULL;
    }
    const ChardevBackend *backend = chardev_find_backend(name);
    if (!backend) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "chardev '%s': unknown backend '%s'", id, name);
        return NULL;
    }
    if (chardev_find(id)) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "chardev: duplicate id '%s'", id);
        return NULL;
    }
    for (guint i = 0; i < opts->len; i++) {
        ChardevOpt *opt = g_ptr_array_index(opts, i);
        if (!chardev_option_known(backend, opt->key)) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "%s chardev '%s': unknown option '%s'",
                        backend->name, id, opt->written);
            return NULL;
        }
    }

    Chardev *chr = g_new0(Chardev, 1);
    chr->id = g_strdup(id);
    chr->backend = backend;
    chr->in_fd = chr->out_fd = chr->listen_fd = -1;
    g_queue_init(&chr->events);
    if (!backend->open(chr, opts, errp)) {
        chardev_free(chr);
        return NULL;
    }

    if (!chardevs) {
        chardevs = g_hash_table_new(g_str_hash, g_str_equal);
    }
    g_hash_table_insert(chardevs, chr->id, chr);
    return chr;
}

Chardev *chardev_new(const char *spec, GError **errp)
{
    GPtrArray *opts = g_ptr_array_new_with_free_func(chardev_opt_free);
    chardev_opts_parse(opts, spec, "backend");
    Chardev *chr = chardev_open(opts, errp);
    g_ptr_array_unref(opts);
    return chr;
}

/*
 * Turn a -serial style spec into -chardev options, as QEMU's
 * qemu_chr_parse_compat() does.  False for a spec naming no backend.
 */
static bool chardev_parse_simple(GPtrArray *opts, const char *spec)
{
    const char *rest;

    /*
     * "mon:" multiplexes QEMU's human monitor onto the device; kiln has no
     * such monitor, so the prefix leaves just the device.
     */
    if (g_str_has_prefix(spec, "mon:")) {
        spec += strlen("mon:");
    }

    if (strcmp(spec, "stdio") == 0 || strcmp(spec, "null") == 0) {
        chardev_opts_add(opts, "backend", spec);
    } else if ((rest = g_str_has_prefix(spec, "file:") ? spec + 5 : NULL)) {
        /* The rest is the path, commas and all. */
        chardev_opts_add(opts, "path", rest);
        chardev_opts_add(opts, "backend", "file");
    } else if ((rest = g_str_has_prefix(spec, "unix:") ? spec + 5 : NULL)) {
        chardev_opts_parse(opts, rest, "path");
        chardev_opts_add(opts, "backend", "socket");
    } else if ((rest = g_str_has_prefix(spec, "tcp:") ? spec + 4 : NULL)) {
        /* HOST:PORT, HOST possibly empty or a bracketed IPv6 address. */
        const char *comma = strchr(rest, ',');
        char *hostport = comma ? g_strndup(rest, comma - rest)
                               : g_strdup(rest);
        char *colon = strrchr(hostport, ':');
        if (colon) {
            *colon = '\0';
            char *host = hostport;
            size_t len = strlen(host);
            if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
                host[len - 1] = '\0';
                host++;
            }
            chardev_opts_add(opts, "host", host);
            chardev_opts_add(opts, "port", colon + 1);
        } else {
            /* No port: let the socket backend say "missing 'port'". */
            chardev_opts_add(opts, "host", hostport);
        }
        g_free(hostport);
        if (comma) {
            chardev_opts_parse(opts, comma + 1, NULL);
        }
        chardev_opts_add(opts, "backend", "socket");
    } else {
        return false;
    }
    return true;
}

Chardev *chardev_new_simple(const char *spec, const char *id, GError **errp)
{
    if (strcmp(spec, "none") == 0) {
        return NULL;
    }
    if (g_str_has_prefix(spec, "chardev:")) {
        const char *target = spec + strlen("chardev:");
        Chardev *chr = chardev_find(target);
        if (!chr) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_NOT_FOUND,
                        "chardev '%s' not found", target);
        }
        return chr;
    }

    GPtrArray *opts = g_ptr_array_new_with_free_func(chardev_opt_free);
    Chardev *chr = NULL;
    if (chardev_parse_simple(opts, spec)) {
        chardev_opts_add(opts, "id", id);
        chr = chardev_open(opts, errp);
    } else {
        char *name = g_strndup(spec, strcspn(spec, ":,"));
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "chardev '%s': unknown backend '%s'", id ? id : "", name);
        g_free(name);
    }
    g_ptr_array_unref(opts);
    return chr;
}

Chardev *chardev_find(const char *id)
{
    return chardevs ? g_hash_table_lookup(chardevs, id) : NULL;
}

const char *chardev_id(const Chardev *chr)
{
    return chr->id;
}

void chardev_set_frontend(Chardev *chr, ChardevCanReceive *can_receive,
                          ChardevReceive *receive,
                          ChardevEventHandler *event, void *opaque)
{
    chardev_stop_reading(chr);
    g_queue_clear(&chr->events);
    chr->can_receive = can_receive;
    chr->receive = receive;
    chr->event = event;
    chr->opaque = opaque;
    if (chr->connected) {
        chardev_post_event(chr, CHARDEV_OPENED);
    }
    chardev_start_reading(chr);
}

void chardev_accept_input(Chardev *chr)
{
    chardev_start_reading(chr);
}

/* The output's peer is gone (EPIPE, ECONNRESET) or the output failed. */
static void chardev_output_failed(Chardev *chr)
{
    if (chr->is_socket) {
        chardev_disconnect(chr);
        return;
    }
    if (!chr->borrowed_fds && chr->out_fd != chr->in_fd) {
        close(chr->out_fd);
    }
    chr->out_fd = -1;
    chr->connected = false;
    chardev_post_event(chr, CHARDEV_CLOSED);
}

void chardev_write(Chardev *chr, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    while (len > 0 && chr->out_fd >= 0) {
        /* MSG_NOSIGNAL: a vanished peer is an EPIPE, not a SIGPIPE. */
        ssize_t n = chr->is_socket ? send(chr->out_fd, p, len, MSG_NOSIGNAL)
                                   : write(chr->out_fd, p, len);
        if (n > 0) {
            p += n;
            len -= n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = { .fd = chr->out_fd, .events = POLLOUT };
            poll(&pfd, 1, -1);
            continue;
        }
        if (n < 0 && errno != EPIPE && errno != ECONNRESET) {
            warn_report("chardev '%s': write failed: %s; dropping output",
                        chr->id, g_strerror(errno));
        }
        chardev_output_failed(chr);
    }
}

bool chardev_is_connected(const Chardev *chr)
{
    return chr->connected;
}

void chardev_close_all(void)
{
    if (!chardevs) {
        return;
    }
    GList *all = g_hash_table_get_values(chardevs);
    g_hash_table_destroy(chardevs);
    chardevs = NULL;
    for (GList *l = all; l; l = l->next) {
        chardev_free(l->data);
    }
    g_list_free(all);
}
