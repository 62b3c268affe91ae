/*
 * Character devices over real unix and TCP sockets and real files, driven
 * through glib's default main context exactly as kiln's main loop drives
 * them.  Every wait is bounded: a chardev that never delivers fails the
 * test after a few seconds instead of hanging it.
 */
#include "kiln/chardev.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define WAIT_MS 5000

static char *tmpdir;

/* ---- a front end that records what it is given ---- */

typedef struct TestFrontend {
    GByteArray *rx;
    size_t received;        /* rx->len, as a size_t for test_wait_until() */
    size_t budget;          /* what can_receive() answers; receive() spends it */
    size_t max_chunk;
    size_t opened;
    size_t closed;
    GString *log;           /* 'O' opened, 'C' closed, 'd' one receive() */
} TestFrontend;

static void test_frontend_init(TestFrontend *fe, size_t budget)
{
    *fe = (TestFrontend) {
        .rx = g_byte_array_new(),
        .budget = budget,
        .log = g_string_new(NULL),
    };
}

static void test_frontend_fini(TestFrontend *fe)
{
    g_byte_array_unref(fe->rx);
    g_string_free(fe->log, TRUE);
}

static size_t test_can_receive(void *opaque)
{
    TestFrontend *fe = opaque;
    return fe->budget;
}

static void test_receive(void *opaque, const uint8_t *buf, size_t len)
{
    TestFrontend *fe = opaque;

    g_assert_cmpuint(len, >, 0);
    g_assert_cmpuint(len, <=, fe->budget);
    fe->budget -= len;
    fe->max_chunk = MAX(fe->max_chunk, len);
    g_byte_array_append(fe->rx, buf, len);
    fe->received = fe->rx->len;
    g_string_append_c(fe->log, 'd');
}

static void test_event(void *opaque, ChardevEvent event)
{
    TestFrontend *fe = opaque;

    if (event == CHARDEV_OPENED) {
        fe->opened++;
        g_string_append_c(fe->log, 'O');
    } else {
        g_assert_cmpint(event, ==, CHARDEV_CLOSED);
        fe->closed++;
        g_string_append_c(fe->log, 'C');
    }
}

static void test_attach(Chardev *chr, TestFrontend *fe)
{
    chardev_set_frontend(chr, test_can_receive, test_receive, test_event, fe);
}

/* ---- bounded main-loop driving ---- */

static gboolean test_set_flag(gpointer opaque)
{
    *(bool *)opaque = true;
    return G_SOURCE_REMOVE;
}

/* Run the main loop until *VALUE >= TARGET or MS milliseconds passed. */
static bool test_run_until(const size_t *value, size_t target, guint ms)
{
    bool expired = false;
    GSource *timer = g_timeout_source_new(ms);

    g_source_set_callback(timer, test_set_flag, &expired, NULL);
    g_source_attach(timer, NULL);
    while ((!value || *value < target) && !expired) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_source_destroy(timer);
    g_source_unref(timer);
    return value && *value >= target;
}

static bool test_wait_until(const size_t *value, size_t target)
{
    return test_run_until(value, target, WAIT_MS);
}

/* Let the main loop run for MS milliseconds, for "nothing happens" checks. */
static void test_run_for(guint ms)
{
    test_run_until(NULL, 0, ms);
}

/* ---- the peer's side of sockets and files ---- */

static char *test_path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static struct sockaddr_un test_unix_addr(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_assert_cmpuint(strlen(path), <, sizeof(sa.sun_path));
    strcpy(sa.sun_path, path);
    return sa;
}

static int test_unix_connect(const char *path)
{
    struct sockaddr_un sa = test_unix_addr(path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return fd;
}

static int test_unix_listen(const char *path)
{
    struct sockaddr_un sa = test_unix_addr(path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    return fd;
}

/* A listening socket on 127.0.0.1 at a port the kernel picks. */
static int test_tcp_listen(unsigned *port)
{
    struct sockaddr_in sa = {
        .sin_family = AF_INET,
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(fd, 4), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &len), ==, 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static int test_accept(int lfd)
{
    struct pollfd pfd = { .fd = lfd, .events = POLLIN };

    g_assert_cmpint(poll(&pfd, 1, WAIT_MS), ==, 1);
    int fd = accept(lfd, NULL, NULL);
    g_assert_cmpint(fd, >=, 0);
    return fd;
}

static void test_send(int fd, const char *s)
{
    size_t len = strlen(s);
    g_assert_cmpint(send(fd, s, len, MSG_NOSIGNAL), ==, (ssize_t)len);
}

/* Read exactly strlen(EXPECT) bytes from FD within WAIT_MS and compare. */
static void test_expect(int fd, const char *expect)
{
    size_t len = strlen(expect);
    char *buf = g_malloc0(len + 1);
    size_t got = 0;

    while (got < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        g_assert_cmpint(poll(&pfd, 1, WAIT_MS), ==, 1);
        ssize_t n = read(fd, buf + got, len - got);
        g_assert_cmpint(n, >, 0);
        got += n;
    }
    g_assert_cmpstr(buf, ==, expect);
    g_free(buf);
}

static void test_assert_rx(const TestFrontend *fe, const char *expect)
{
    g_assert_cmpuint(fe->rx->len, ==, strlen(expect));
    g_assert_cmpmem(fe->rx->data, fe->rx->len, expect, strlen(expect));
}

static char *test_file_contents(const char *path)
{
    char *contents;
    GError *err = NULL;

    g_assert_true(g_file_get_contents(path, &contents, NULL, &err));
    g_assert_no_error(err);
    return contents;
}

/* ---- sockets ---- */

static void test_unix_server(void)
{
    char *path = test_path("server.sock");
    char *spec = g_strdup_printf("socket,id=srv,path=%s,server=on,wait=off",
                                 path);
    GError *err = NULL;
    TestFrontend fe;

    Chardev *chr = chardev_new(spec, &err);
    g_assert_no_error(err);
    g_assert_nonnull(chr);
    g_assert_true(chardev_find("srv") == chr);
    g_assert_cmpstr(chardev_id(chr), ==, "srv");
    g_assert_false(chardev_is_connected(chr));

    test_frontend_init(&fe, 1024);
    test_attach(chr, &fe);

    int c1 = test_unix_connect(path);
    g_assert_true(test_wait_until(&fe.opened, 1));
    g_assert_true(chardev_is_connected(chr));

    test_send(c1, "hello");
    g_assert_true(test_wait_until(&fe.received, 5));
    test_assert_rx(&fe, "hello");
    chardev_write(chr, "world!", 6);
    test_expect(c1, "world!");

    /* The client leaves: CLOSED, and the server listens again. */
    close(c1);
    g_assert_true(test_wait_until(&fe.closed, 1));
    g_assert_false(chardev_is_connected(chr));
    g_assert_cmpuint(fe.opened, ==, 1);

    int c2 = test_unix_connect(path);
    g_assert_true(test_wait_until(&fe.opened, 2));
    g_assert_true(chardev_is_connected(chr));
    test_send(c2, "again");
    g_assert_true(test_wait_until(&fe.received, 10));
    test_assert_rx(&fe, "helloagain");
    chardev_write(chr, "second", 6);
    test_expect(c2, "second");
    g_assert_cmpstr(fe.log->str, ==, "OdCOd");

    close(c2);
    chardev_close_all();
    g_assert_null(chardev_find("srv"));
    /* The server's socket file goes with it. */
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    test_frontend_fini(&fe);
    g_free(spec);
    g_free(path);
}

/* One client at a time: a second one waits until the first has gone. */
static void test_unix_server_one_client(void)
{
    char *path = test_path("one.sock");
    char *spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
    GError *err = NULL;
    TestFrontend fe;

    Chardev *chr = chardev_new_simple(spec, "one", &err);
    g_assert_no_error(err);
    test_frontend_init(&fe, 1024);
    test_attach(chr, &fe);

    int c1 = test_unix_connect(path);
    g_assert_true(test_wait_until(&fe.opened, 1));
    /* Accepted by the kernel's backlog, but not by the chardev. */
    int c2 = test_unix_connect(path);
    test_send(c2, "queued");
    test_run_for(100);
    g_assert_cmpuint(fe.opened, ==, 1);
    g_assert_cmpuint(fe.received, ==, 0);

    chardev_write(chr, "to-first", 8);
    test_expect(c1, "to-first");
    close(c1);
    g_assert_true(test_wait_until(&fe.opened, 2));
    g_assert_true(test_wait_until(&fe.received, 6));
    test_assert_rx(&fe, "queued");
    g_assert_cmpstr(fe.log->str, ==, "OCOd");

    close(c2);
    chardev_close_all();
    test_frontend_fini(&fe);
    g_free(spec);
    g_free(path);
}

/* QEMU's older spelling: "server" alone for server=on, "nowait" for wait=off. */
static void test_unix_server_legacy_options(void)
{
    char *path = test_path("legacy.sock");
    char *spec = g_strdup_printf("socket,id=leg,path=%s,server,nowait", path);
    GError *err = NULL;
    TestFrontend fe;

    /* With wait=on this would block; returning at all shows "nowait" held. */
    Chardev *chr = chardev_new(spec, &err);
    g_assert_no_error(err);
    g_assert_false(chardev_is_connected(chr));
    test_frontend_init(&fe, 1024);
    test_attach(chr, &fe);

    int c = test_unix_connect(path);
    g_assert_true(test_wait_until(&fe.opened, 1));
    test_send(c, "x");
    g_assert_true(test_wait_until(&fe.received, 1));

    close(c);
    chardev_close_all();
    test_frontend_fini(&fe);
    g_free(spec);
    g_free(path);
}

static gpointer test_connect_later(gpointer opaque)
{
    const char *path = opaque;
    struct sockaddr_un sa = test_unix_addr(path);

    /* The chardev binds after this thread starts: retry for a while. */
    for (int i = 0; i < WAIT_MS / 10; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            return GINT_TO_POINTER(fd);
        }
        close(fd);
        g_usleep(10 * 1000);
    }
    return GINT_TO_POINTER(-1);
}

/* server=on without wait=off: chardev_new returns with a client attached. */
static void test_unix_server_wait(void)
{
    char *path = test_path("wait.sock");
    char *spec = g_strdup_printf("socket,id=w,path=%s,server=on", path);
    GError *err = NULL;
    TestFrontend fe;

    GThread *client = g_thread_new("client", test_connect_later, path);
    /* If the client never comes, SIGALRM ends the test instead of a hang. */
    alarm(2 * WAIT_MS / 1000);
    Chardev *chr = chardev_new(spec, &err);
    alarm(0);
    int c = GPOINTER_TO_INT(g_thread_join(client));
    g_assert_cmpint(c, >=, 0);
    g_assert_no_error(err);
    g_assert_true(chardev_is_connected(chr));

    test_frontend_init(&fe, 1024);
    test_attach(chr, &fe);
    /* OPENED comes from the main loop, not from inside set_frontend. */
    g_assert_cmpuint(fe.opened, ==, 0);
    g_assert_true(test_wait_until(&fe.opened, 1));
    test_send(c, "ping");
    g_assert_true(test_wait_until(&fe.received, 4));
    test_assert_rx(&fe, "ping");

    close(c);
    chardev_close_all();
    test_frontend_fini(&fe);
    g_free(spec);
    g_free(path);
}

static void test_unix_client(void)
{
    char *path = test_path("client.sock");
    char *spec = g_strdup_printf("unix:%s", path);
    GError *err = NULL;
    TestFrontend fe;

    int lfd = test_unix_listen(path);
    Chardev *chr = chardev_new_simple(spec, "cli", &err);
    g_assert_no_error(err);
    g_assert_nonnull(chr);
    g_assert_true(chardev_find("cli") == chr);
    g_assert_true(chardev_is_connected(chr));
    int peer = test_accept(lfd);

    test_frontend_init(&fe, 1024);
    test_attach(chr, &fe);
    g_assert_cmpuint(fe.opened, ==, 0);
    g_assert_true(test_wait_until(&fe.opened, 1));

    test_send(peer, "from-peer");
    g_assert_true(test_wait_until(&fe.received, 9));
    test_assert_rx(&fe, "from-peer");
    chardev_write(chr, "from-chardev", 12);
    test_expect(peer, "from-chardev");

    close(peer);
    g_assert_true(test_wait_until(&fe.closed, 1));
    g_assert_false(chardev_is_connected(chr));
    /* A client does not reconnect; later writes are dropped quietly. */
    chardev_write(chr, "lost", 4);
    test_run_for(50);
    g_assert_cmpuint(fe.opened, ==, 1);
    g_assert_cmpstr(fe.log->str, ==, "OdC");

    chardev_close_all();
    close(lfd);
    unlink(path);
    test_frontend_fini(&fe);
    g_free(spec);
    g_free(path);
}

/*
 * A peer that leaves while the front end is not reading is noticed by the
 * next write: CLOSED, not SIGPIPE (nothing here ignores that signal).
 */
static void test_write_to_vanished_peer(void)
{
    char *path = test_path("vanish.sock");
    char *spec = g_strdup_printf("socket,id=v,path=%s", path);
    GError *err = NULL;
    TestFrontend fe;

    int lfd = test_unix_listen(path);
    Chardev *chr = chardev_new(spec, &err);
    g_assert_no_error(err);
    int peer = test_accept(lfd);

    test_frontend_init(&fe, 0);
    test_attach(chr, &fe);
    g_assert_true(test_wait_until(&fe.opened, 1));
    close(peer);
    test_run_for(50);

    chardev_write(chr, "into the void", 13);
    g_assert_true(test_wait_until(&fe.closed, 1));
    g_assert_false(chardev_is_connected(chr));
    chardev_write(chr, "more", 4);
    test_run_for(50);
    g_assert_cmpuint(fe.closed, ==, 1);

    chardev_close_all();
    close(lfd);
    unlink(path);
    test_frontend_fini(&fe);
    g_free(spec);
    g_free(path);
}

static void test_tcp_client(void)
{
    unsigned port;
    int lfd = test_tcp_listen(&port);
    GError *err = NULL;
    TestFrontend fe, fe2;

    /* -chardev form, with QEMU's "nodelay" (delay=off). */
    char *spec = g_strdup_printf("socket,id=tcp,host=127.0.0.1,port=%u,nodelay",
                                 port);
    Chardev *chr = chardev_new(spec, &err);
    g_assert_no_error(err);
    g_assert_true(chardev_is_connected(chr));
    int peer = test_accept(lfd);

    test_frontend_init(&fe, 1024);
    test_attach(chr, &fe);
    g_assert_true(test_wait_until(&fe.opened, 1));
    test_send(peer, "tcp-in");
    g_assert_true(test_wait_until(&fe.received, 6));
    test_assert_rx(&fe, "tcp-in");
    chardev_write(chr, "tcp-out", 7);
    test_expect(peer, "tcp-out");
    close(peer);
    g_assert_true(test_wait_until(&fe.closed, 1));

    /* -serial form. */
    char *simple = g_strdup_printf("tcp:127.0.0.1:%u", port);
    Chardev *chr2 = chardev_new_simple(simple, "tcp2", &err);
    g_assert_no_error(err);
    int peer2 = test_accept(lfd);
    test_frontend_init(&fe2, 1024);
    test_attach(chr2, &fe2);
    g_assert_true(test_wait_until(&fe2.opened, 1));
    chardev_write(chr2, "serial", 6);
    test_expect(peer2, "serial");

    close(peer2);
    close(lfd);
    chardev_close_all();
    test_frontend_fini(&fe);
    test_frontend_fini(&fe2);
    g_free(simple);
    g_free(spec);
}

/* ---- input flow control ---- */

static void test_flow_control(void)
{
    char *path = test_path("flow.sock");
    char *spec = g_strdup_printf("unix:%s", path);
    const char *data = "0123456789";
    GError *err = NULL;
    TestFrontend fe;

    int lfd = test_unix_listen(path);
    Chardev *chr = chardev_new_simple(spec, "flow", &err);
    g_assert_no_error(err);
    int peer = test_accept(lfd);

    /* Two bytes at a time, more only after accept_input. */
    test_frontend_init(&fe, 2);
    test_attach(chr, &fe);
    g_assert_true(test_wait_until(&fe.opened, 1));
    test_send(peer, data);
    for (size_t want = 2; want <= 10; want += 2) {
        g_assert_true(test_wait_until(&fe.received, want));
        test_run_for(20);
        g_assert_cmpuint(fe.received, ==, want);
        fe.budget = 2;
        chardev_accept_input(chr);
    }
    g_assert_cmpuint(fe.max_chunk, <=, 2);
    test_assert_rx(&fe, data);

    /* Zero stops delivery, even once there is room, until accept_input. */
    g_byte_array_set_size(fe.rx, 0);
    fe.received = 0;
    fe.budget = 0;
    test_send(peer, "wxyz");
    test_run_for(100);
    g_assert_cmpuint(fe.received, ==, 0);
    fe.budget = 100;
    test_run_for(100);
    g_assert_cmpuint(fe.received, ==, 0);
    chardev_accept_input(chr);
    g_assert_true(test_wait_until(&fe.received, 4));
    test_assert_rx(&fe, "wxyz");

    close(peer);
    close(lfd);
    unlink(path);
    chardev_close_all();
    test_frontend_fini(&fe);
    g_free(spec);
    g_free(path);
}

/* ---- file and null ---- */

static void test_file(void)
{
    char *path = test_path("out.txt");
    char *spec = g_strdup_printf("file,id=f,path=%s", path);
    GError *err = NULL;
    TestFrontend fe;

    /* The file is truncated, not appended to. */
    g_assert_true(g_file_set_contents(path, "stale contents", -1, NULL));
    Chardev *chr = chardev_new(spec, &err);
    g_assert_no_error(err);
    g_assert_true(chardev_is_connected(chr));

    test_frontend_init(&fe, 1024);
    test_attach(chr, &fe);
    g_assert_cmpuint(fe.opened, ==, 0);
    g_assert_true(test_wait_until(&fe.opened, 1));

    chardev_write(chr, "abc", 3);
    chardev_write(chr, "", 0);
    chardev_write(chr, "def\n", 4);
    chardev_close_all();

    char *contents = test_file_contents(path);
    g_assert_cmpstr(contents, ==, "abcdef\n");
    g_free(contents);

    test_frontend_fini(&fe);
    g_free(spec);
    g_free(path);
}

/* input-path feeds the front end, then CLOSED; output goes on. */
static void test_file_input(void)
{
    char *in = test_path("in.txt");
    char *out = test_path("in-out.txt");
    char *spec = g_strdup_printf("file,id=fi,path=%s,input-path=%s", out, in);
    GError *err = NULL;
    TestFrontend fe;

    g_assert_true(g_file_set_contents(in, "xyz", -1, NULL));
    Chardev *chr = chardev_new(spec, &err);
    g_assert_no_error(err);
    test_frontend_init(&fe, 1024);
    test_attach(chr, &fe);
    g_assert_true(test_wait_until(&fe.closed, 1));
    test_assert_rx(&fe, "xyz");
    g_assert_cmpstr(fe.log->str, ==, "OdC");

    chardev_write(chr, "still", 5);
    chardev_close_all();
    char *contents = test_file_contents(out);
    g_assert_cmpstr(contents, ==, "still");
    g_free(contents);

    test_frontend_fini(&fe);
    g_free(spec);
    g_free(out);
    g_free(in);
}

/* "file:PATH" takes the rest verbatim; -chardev needs ",," for a comma. */
static void test_file_paths_with_commas(void)
{
    char *simple_path = test_path("a,b.txt");
    char *escaped_path = test_path("c,d.txt");
    char *simple = g_strdup_printf("file:%s", simple_path);
    char *escaped = test_path("c,,d.txt");
    char *spec = g_strdup_printf("file,id=esc,path=%s", escaped);
    GError *err = NULL;

    Chardev *a = chardev_new_simple(simple, "comma", &err);
    g_assert_no_error(err);
    chardev_write(a, "1", 1);
    Chardev *b = chardev_new(spec, &err);
    g_assert_no_error(err);
    chardev_write(b, "2", 1);
    chardev_close_all();

    char *contents = test_file_contents(simple_path);
    g_assert_cmpstr(contents, ==, "1");
    g_free(contents);
    contents = test_file_contents(escaped_path);
    g_assert_cmpstr(contents, ==, "2");
    g_free(contents);

    g_free(spec);
    g_free(escaped);
    g_free(simple);
    g_free(escaped_path);
    g_free(simple_path);
}

static void test_null(void)
{
    GError *err = NULL;
    TestFrontend fe;
    char big[8192];

    Chardev *chr = chardev_new("null,id=n", &err);
    g_assert_no_error(err);
    g_assert_true(chardev_find("n") == chr);
    g_assert_true(chardev_is_connected(chr));
    memset(big, 'n', sizeof(big));
    chardev_write(chr, big, sizeof(big));

    test_frontend_init(&fe, 1024);
    test_attach(chr, &fe);
    g_assert_true(test_wait_until(&fe.opened, 1));
    test_run_for(20);
    g_assert_cmpuint(fe.received, ==, 0);

    chardev_close_all();
    test_frontend_fini(&fe);
}

/* ---- simple specs ---- */

static void test_simple_specs(void)
{
    GError *err = NULL;

    g_assert_null(chardev_new_simple("none", "serial0", &err));
    g_assert_no_error(err);
    g_assert_null(chardev_find("serial0"));

    Chardev *chr = chardev_new_simple("null", "serial0", &err);
    g_assert_no_error(err);
    g_assert_true(chardev_find("serial0") == chr);
    g_assert_true(chardev_new_simple("chardev:serial0", "serial1", &err) == chr);
    g_assert_no_error(err);
    g_assert_null(chardev_find("serial1"));

    g_assert_null(chardev_new_simple("chardev:nothere", "serial1", &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(err->message, "'nothere'"));
    g_clear_error(&err);

    chardev_close_all();
}

/*
 * stdin can feed one chardev only.  (mon:stdio may put a terminal in raw
 * mode; chardev_close_all() gives it back.)
 */
static void test_stdio_once(void)
{
    GError *err = NULL;

    Chardev *chr = chardev_new_simple("mon:stdio", "con", &err);
    g_assert_no_error(err);
    g_assert_true(chardev_is_connected(chr));
    g_assert_null(chardev_new("stdio,id=con2", &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_INVALID);
    g_assert_nonnull(strstr(err->message, "'con'"));
    g_clear_error(&err);
    chardev_close_all();

    /* Free again once the first is gone. */
    chr = chardev_new("stdio,id=con2,signal=off", &err);
    g_assert_no_error(err);
    g_assert_nonnull(chr);
    chardev_close_all();
}

/* ---- errors ---- */

typedef struct ErrorCase {
    const char *spec;       /* "%s" is the temporary directory */
    const char *simple_id;  /* non-NULL: a chardev_new_simple() spec */
    int code;
    const char *says[3];    /* fragments the message must contain */
} ErrorCase;

static void test_errors(void)
{
    const ErrorCase cases[] = {
        { "foo,id=c0", NULL, KILN_ERROR_INVALID,
          { "'c0'", "unknown backend 'foo'" } },
        { "socket,id=c0,path=%s/x.sock,bogus=1", NULL, KILN_ERROR_INVALID,
          { "'c0'", "unknown option 'bogus'" } },
        { "null,id=c0,nosuch", NULL, KILN_ERROR_INVALID,
          { "unknown option 'nosuch'" } },
        { "null", NULL, KILN_ERROR_INVALID, { "missing 'id'" } },
        { "id=c0", NULL, KILN_ERROR_INVALID, { "'c0'", "missing backend" } },
        { "file,id=c0", NULL, KILN_ERROR_INVALID, { "'c0'", "missing 'path'" } },
        { "socket,id=c0", NULL, KILN_ERROR_INVALID, { "'c0'", "'path'" } },
        { "socket,id=c0,host=localhost", NULL, KILN_ERROR_INVALID,
          { "'c0'", "missing 'port'" } },
        { "socket,id=c0,path=%s/x.sock,server=maybe", NULL, KILN_ERROR_INVALID,
          { "'server'", "'maybe'" } },
        { "socket,id=c0,path=%s/x.sock,wait=off", NULL, KILN_ERROR_INVALID,
          { "'wait'" } },
        { "socket,id=c0,path=%s/nonexistent.sock", NULL, KILN_ERROR_IO,
          { "socket chardev 'c0': cannot connect to ", "/nonexistent.sock: ",
            NULL } },
        { "file,id=c0,path=%s/no/such/dir/out.txt", NULL, KILN_ERROR_IO,
          { "'c0'", "cannot open ", "/no/such/dir/out.txt: " } },
        { "bogus", "serial0", KILN_ERROR_INVALID,
          { "'serial0'", "unknown backend 'bogus'" } },
        { "pty:whatever", "serial0", KILN_ERROR_INVALID,
          { "unknown backend 'pty'" } },
        { "unix:%s/x.sock,server=on,colour=blue", "serial0", KILN_ERROR_INVALID,
          { "'serial0'", "unknown option 'colour'" } },
        { "tcp:localhost", "serial0", KILN_ERROR_INVALID,
          { "missing 'port'" } },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const ErrorCase *c = &cases[i];
        char *spec = g_strdup_printf(c->spec, tmpdir);
        GError *err = NULL;
        Chardev *chr = c->simple_id ? chardev_new_simple(spec, c->simple_id, &err)
                                    : chardev_new(spec, &err);

        if (g_test_verbose()) {
            g_test_message("%s -> %s", spec, err ? err->message : "(no error)");
        }
        g_assert_null(chr);
        g_assert_error(err, KILN_ERROR, c->code);
        for (size_t j = 0; j < ARRAY_SIZE(c->says) && c->says[j]; j++) {
            if (!strstr(err->message, c->says[j])) {
                g_error("'%s': message '%s' lacks '%s'", spec, err->message,
                        c->says[j]);
            }
        }
        g_assert_null(chardev_find("c0"));
        g_assert_null(chardev_find("serial0"));
        g_clear_error(&err);
        g_free(spec);
    }

    /* strerror text for the missing socket, as a user reads it. */
    char *missing = g_strdup_printf("socket,id=c0,path=%s/nonexistent.sock",
                                    tmpdir);
    GError *err = NULL;
    g_assert_null(chardev_new(missing, &err));
    g_assert_nonnull(strstr(err->message, g_strerror(ENOENT)));
    g_clear_error(&err);
    g_free(missing);

    /* A mistyped option is caught before anything is opened or truncated. */
    char *keep = test_path("keep.txt");
    char *typo = g_strdup_printf("file,id=c0,path=%s,apend=on", keep);
    g_assert_true(g_file_set_contents(keep, "precious", -1, NULL));
    g_assert_null(chardev_new(typo, &err));
    g_assert_nonnull(strstr(err->message, "unknown option 'apend'"));
    g_clear_error(&err);
    char *contents = test_file_contents(keep);
    g_assert_cmpstr(contents, ==, "precious");
    g_free(contents);
    g_free(typo);
    g_free(keep);

    /* A duplicate id fails and leaves the first chardev in place. */
    Chardev *first = chardev_new("null,id=dup", &err);
    g_assert_no_error(err);
    g_assert_null(chardev_new("null,id=dup", &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_INVALID);
    g_assert_nonnull(strstr(err->message, "duplicate id 'dup'"));
    g_clear_error(&err);
    g_assert_null(chardev_new_simple("null", "dup", &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_true(chardev_find("dup") == first);
    chardev_close_all();
}

static void test_remove_tmpdir(void)
{
    GDir *dir = g_dir_open(tmpdir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        char *path = test_path(name);
        unlink(path);
        g_free(path);
    }
    if (dir) {
        g_dir_close(dir);
    }
    rmdir(tmpdir);
}

int main(int argc, char **argv)
{
    GError *err = NULL;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("kiln-chardev-XXXXXX", &err);
    g_assert_no_error(err);

    g_test_add_func("/chardev/unix/server", test_unix_server);
    g_test_add_func("/chardev/unix/server-one-client",
                    test_unix_server_one_client);
    g_test_add_func("/chardev/unix/server-legacy-options",
                    test_unix_server_legacy_options);
    g_test_add_func("/chardev/unix/server-wait", test_unix_server_wait);
    g_test_add_func("/chardev/unix/client", test_unix_client);
    g_test_add_func("/chardev/unix/write-to-vanished-peer",
                    test_write_to_vanished_peer);
    g_test_add_func("/chardev/tcp/client", test_tcp_client);
    g_test_add_func("/chardev/flow-control", test_flow_control);
    g_test_add_func("/chardev/file/output", test_file);
    g_test_add_func("/chardev/file/input", test_file_input);
    g_test_add_func("/chardev/file/commas", test_file_paths_with_commas);
    g_test_add_func("/chardev/null", test_null);
    g_test_add_func("/chardev/simple", test_simple_specs);
    g_test_add_func("/chardev/stdio-once", test_stdio_once);
    g_test_add_func("/chardev/errors", test_errors);

    int ret = g_test_run();
    test_remove_tmpdir();
    g_free(tmpdir);
    return ret;
}
