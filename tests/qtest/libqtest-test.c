/*
 * The qtest client library itself, against a scripted fake server: IRQ
 * lines that come before a reply or between commands are recorded, QMP
 * events met while waiting for a response are kept for later, and every
 * way a server can misbehave (die, stall, never connect, answer garbage,
 * exit badly) ends the test with a clear message instead of a hang.
 *
 * The fake server is this very program: started with "-qtest" as its
 * first argument, it plays the scenario named by FAKE_SCENARIO.
 */
#include "libqtest.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* --- the fake server --- */

static const char *scenario;
static int exit_code_on_sigterm;

static void fake_on_sigterm(int sig)
{
    _exit(exit_code_on_sigterm);
}

static int fake_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        exit(100);
    }
    return fd;
}

static void fake_send(int fd, const char *text)
{
    size_t len = strlen(text);
    ssize_t n;

    while (len) {
        n = write(fd, text, len);
        if (n <= 0) {
            exit(101);
        }
        text += n;
        len -= n;
    }
}

static void fake_qtest_line(int fd, const char *line)
{
    bool is_readl = g_str_has_prefix(line, "readl ");

    if (strcmp(line, "endianness") == 0) {
        fake_send(fd, "OK little\n");
    } else if (is_readl && strcmp(scenario, "silent") == 0) {
        pause();
    } else if (is_readl && strcmp(scenario, "die") == 0) {
        _exit(5);
    } else if (is_readl && strcmp(scenario, "bad-reply") == 0) {
        fake_send(fd, "OK\n");
    } else if (is_readl) {
        fake_send(fd, "IRQ raise 3\nIRQ raise 255\nOK 0x00000000deadbeef\n");
    } else if (g_str_has_prefix(line, "writel ")) {
        fake_send(fd, "IRQ lower 3\nOK\n");
    } else if (g_str_has_prefix(line, "writeb ")) {
        /* The line moves after the reply, as a timer would move it. */
        fake_send(fd, "OK\n");
        g_usleep(20000);
        fake_send(fd, "IRQ raise 7\n");
    } else {
        fake_send(fd, "FAIL Unknown command\n");
    }
}

static void fake_qmp_line(int fd, const char *line)
{
    JsonParser *parser = json_parser_new();
    const char *cmd;

    if (!json_parser_load_from_data(parser, line, -1, NULL)) {
        exit(102);
    }
    cmd = json_object_get_string_member(
        json_node_get_object(json_parser_get_root(parser)), "execute");
    if (strcmp(cmd, "fake-events") == 0) {
        /* Two events, then a response cut in two, braces in a string. */
        fake_send(fd, "{\"event\": \"FIRST\", \"data\": {}}\r\n"
                      "{\"event\": \"SECOND\", \"data\": {\"n\": 2}}\r\n"
                      "{\"return\": {\"text\": \"}{\\\"");
        g_usleep(20000);
        fake_send(fd, "\"}}\r\n");
    } else {
        fake_send(fd, "{\"return\": {}}\r\n");
    }
    g_object_unref(parser);
}

/* Hand each complete line of BUF to HANDLE. */
static void fake_take_lines(int fd, GString *buf,
                            void (*handle)(int fd, const char *line))
{
    char *nl;

    while ((nl = memchr(buf->str, '\n', buf->len))) {
        g_autofree char *line = g_strndup(buf->str, nl - buf->str);

        g_string_erase(buf, 0, nl - buf->str + 1);
        handle(fd, line);
    }
}

static int fake_server_main(int argc, char **argv)
{
    const char *qtest_path = NULL, *qmp_path = NULL;
    GString *qtest_buf, *qmp_buf;
    struct pollfd p[2];
    char chunk[4096];
    ssize_t n;
    int i;

    scenario = g_getenv("FAKE_SCENARIO");
    scenario = scenario ? scenario : "";
    exit_code_on_sigterm = strcmp(scenario, "bad-exit") == 0 ? 2 : 0;
    signal(SIGTERM, fake_on_sigterm);
    for (i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "-qtest") == 0) {
            qtest_path = argv[i + 1] + strlen("unix:");
        } else if (strcmp(argv[i], "-chardev") == 0) {
            qmp_path = strstr(argv[i + 1], "path=") + strlen("path=");
            *strchr(qmp_path, ',') = '\0';
        }
    }
    if (strcmp(scenario, "exit-early") == 0) {
        return 3;
    }
    if (strcmp(scenario, "no-connect") == 0) {
        pause();
    }
    qtest_buf = g_string_new(NULL);
    qmp_buf = g_string_new(NULL);
    p[0] = (struct pollfd) { .fd = fake_connect(qtest_path), .events = POLLIN };
    p[1] = (struct pollfd) { .fd = fake_connect(qmp_path), .events = POLLIN };
    fake_send(p[1].fd, "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 10, "
                       "\"minor\": 0, \"micro\": 0}, \"package\": \"\"}, "
                       "\"capabilities\": []}}\r\n");
    for (;;) {
        if (poll(p, 2, -1) < 0 && errno != EINTR) {
            return 103;
        }
        for (i = 0; i < 2; i++) {
            if (!p[i].revents) {
                continue;
            }
            n = read(p[i].fd, chunk, sizeof(chunk));
            if (n <= 0) {
                g_string_free(qtest_buf, TRUE);
                g_string_free(qmp_buf, TRUE);
                return 0;
            }
            g_string_append_len(i ? qmp_buf : qtest_buf, chunk, n);
        }
        fake_take_lines(p[0].fd, qtest_buf, fake_qtest_line);
        fake_take_lines(p[1].fd, qmp_buf, fake_qmp_line);
    }
}

/* --- the tests --- */

static QTestState *start(const char *fake_scenario)
{
    g_setenv("FAKE_SCENARIO", fake_scenario, TRUE);
    return qtest_init(NULL);
}

/* Run the rest of the calling test in a child; true in that child. */
static bool in_subprocess(void)
{
    if (g_test_subprocess()) {
        g_setenv("QTEST_TIMEOUT", "1", TRUE);
        return true;
    }
    g_test_trap_subprocess(NULL, 8 * G_USEC_PER_SEC, 0);
    return false;
}

static void test_irq_lines(void)
{
    QTestState *s = start("irq");
    g_autofree char *reply = NULL;

    g_assert_false(qtest_get_irq(s, 3));
    g_assert_cmphex(qtest_readl(s, 0x1000), ==, 0xdeadbeef);
    g_assert_true(qtest_get_irq(s, 3));
    g_assert_true(qtest_get_irq(s, 255));
    g_assert_false(qtest_get_irq(s, 4));
    qtest_writel(s, 0x1000, 0);
    g_assert_false(qtest_get_irq(s, 3));
    g_assert_true(qtest_get_irq(s, 255));

    /* A line that moves between commands is seen by the next look. */
    qtest_writeb(s, 0x1000, 0);
    g_assert_true(qtest_get_irq(s, 7));

    reply = qtest_raw_cmd(s, "readl 0x1000");
    g_assert_cmpstr(reply, ==, "OK 0x00000000deadbeef");
    qtest_quit(s);
}

static void test_qmp_events_kept(void)
{
    QTestState *s = start("");
    JsonNode *rsp = qtest_qmp(s, "{'execute': 'fake-events'}");
    JsonObject *ret;
    JsonNode *ev;

    ret = json_object_get_object_member(json_node_get_object(rsp), "return");
    g_assert_cmpstr(json_object_get_string_member(ret, "text"), ==, "}{\"");
    json_node_unref(rsp);

    ev = qtest_qmp_eventwait_ref(s, "SECOND");
    g_assert_cmpint(json_object_get_int_member(
        json_object_get_object_member(json_node_get_object(ev), "data"), "n"),
        ==, 2);
    json_node_unref(ev);
    qtest_qmp_eventwait(s, "FIRST");
    qtest_quit(s);
}

static void test_expected_status(void)
{
    QTestState *s = start("bad-exit");

    qtest_set_expected_status(s, 2);
    qtest_quit(s);
}

static void test_unexpected_status(void)
{
    if (in_subprocess()) {
        qtest_quit(start("bad-exit"));
        return;
    }
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*exited with status 2; expected exit "
                              "status 0*");
}

static void test_stalled_reply(void)
{
    if (in_subprocess()) {
        qtest_readl(start("silent"), 0x1000);
        return;
    }
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*waiting for the reply to 'readl 0x1000': "
                              "nothing within 1 s*");
}

static void test_death_mid_command(void)
{
    if (in_subprocess()) {
        qtest_readl(start("die"), 0x1000);
        return;
    }
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*waiting for the reply to 'readl 0x1000': *"
                              "closed the connection and exited with "
                              "status 5*");
}

static void test_bad_reply(void)
{
    if (in_subprocess()) {
        qtest_readl(start("bad-reply"), 0x1000);
        return;
    }
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*'readl 0x1000' was answered 'OK'; "
                              "expected OK and a value*");
}

static void test_exit_before_connecting(void)
{
    if (in_subprocess()) {
        start("exit-early");
        return;
    }
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*exited with status 3 before connecting*");
}

static void test_never_connecting(void)
{
    if (in_subprocess()) {
        start("no-connect");
        return;
    }
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr("*did not connect to its * socket within 1 s*");
}

int main(int argc, char **argv)
{
    g_autofree char *self = NULL;

    if (argc > 1 && strcmp(argv[1], "-qtest") == 0) {
        return fake_server_main(argc, argv);
    }
    if (argc > 1 && (strcmp(argv[argc - 1], "-version") == 0 ||
                     strcmp(argv[argc - 1], "help") == 0)) {
        return 0;       /* the library asking what this "QEMU" accepts */
    }
    g_test_init(&argc, &argv, NULL);
    self = g_file_read_link("/proc/self/exe", NULL);
    g_assert_nonnull(self);
    g_setenv("QTEST_QEMU_BINARY", self, TRUE);

    g_test_add_func("/libqtest/irq-lines", test_irq_lines);
    g_test_add_func("/libqtest/qmp-events-kept", test_qmp_events_kept);
    g_test_add_func("/libqtest/expected-status", test_expected_status);
    g_test_add_func("/libqtest/unexpected-status", test_unexpected_status);
    g_test_add_func("/libqtest/stalled-reply", test_stalled_reply);
    g_test_add_func("/libqtest/death-mid-command", test_death_mid_command);
    g_test_add_func("/libqtest/bad-reply", test_bad_reply);
    g_test_add_func("/libqtest/exit-before-connecting",
                    test_exit_before_connecting);
    g_test_add_func("/libqtest/never-connecting", test_never_connecting);
    return g_test_run();
}
