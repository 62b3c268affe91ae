/*
 * The gdbstub at the protocol level, without gdb: a raw TCP socket to
 * kiln started with -S -gdb on prog.S (KILN_BINARY, KILN_GDB_ELF).
 * Framing and acks, the replies to malformed and unknown packets, memory
 * errors, the size of 'g' against the target description, no-ack mode,
 * interrupting a running hart, and a randomized fuzz of the packet parser
 * (g_test_rand: reproducible with --seed).
 */
#include <glib.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPLY_TIMEOUT_MS 5000

typedef struct Kiln {
    GPid pid;
    int fd;
} Kiln;

static int free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&a, &len), ==, 0);
    close(fd);
    return ntohs(a.sin_port);
}

static Kiln kiln_start(void)
{
    const char *bin = g_getenv("KILN_BINARY");
    const char *elf = g_getenv("KILN_GDB_ELF");
    int port = free_port();
    g_autofree char *dev = g_strdup_printf("tcp:127.0.0.1:%d", port);
    const char *argv[] = { bin, "-M", "virt", "-bios", elf, "-nographic",
                           "-S", "-gdb", dev, NULL };
    g_autoptr(GError) err = NULL;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    Kiln k = { .fd = -1 };

    g_assert_nonnull(bin);
    g_assert_nonnull(elf);
    g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                &k.pid, &err));
    for (int i = 0; i < 500 && k.fd < 0; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
            k.fd = fd;
        } else {
            close(fd);
            g_usleep(10000);
        }
    }
    g_assert_cmpint(k.fd, >=, 0);
    return k;
}

/* kiln's exit status, waiting for it to end. */
static int kiln_wait(Kiln *k)
{
    int status;

    close(k->fd);
    g_assert_cmpint(waitpid(k->pid, &status, 0), ==, k->pid);
    g_spawn_close_pid(k->pid);
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static bool kiln_alive(Kiln *k)
{
    int status;

    return waitpid(k->pid, &status, WNOHANG) == 0;
}

/* End kiln as a user would (SIGTERM): it must exit cleanly. */
static void kiln_stop(Kiln *k)
{
    kill(k->pid, SIGTERM);
    g_assert_cmpint(kiln_wait(k), ==, 0);
}

static void send_raw(Kiln *k, const char *data, size_t len)
{
    g_assert_cmpint(write(k->fd, data, len), ==, (ssize_t)len);
}

static void send_packet(Kiln *k, const char *body)
{
    uint8_t sum = 0;
    g_autofree char *p = NULL;

    for (const char *c = body; *c; c++) {
        sum += (uint8_t)*c;
    }
    p = g_strdup_printf("$%s#%02x", body, sum);
    send_raw(k, p, strlen(p));
}

static char read_byte(Kiln *k)
{
    struct pollfd pfd = { .fd = k->fd, .events = POLLIN };
    char c;

    g_assert_cmpint(poll(&pfd, 1, REPLY_TIMEOUT_MS), ==, 1);
    g_assert_cmpint(read(k->fd, &c, 1), ==, 1);
    return c;
}

/* The next packet's body, its checksum checked; acks before it skipped. */
static char *read_packet(Kiln *k)
{
    GString *body = g_string_new(NULL);
    char c, cs[3] = { 0 };
    uint8_t sum = 0;

    while ((c = read_byte(k)) != '$') {
        g_assert_true(c == '+');
    }
    while ((c = read_byte(k)) != '#') {
        g_string_append_c(body, c);
        sum += (uint8_t)c;
    }
    cs[0] = read_byte(k);
    cs[1] = read_byte(k);
    g_assert_cmpuint(strtoul(cs, NULL, 16), ==, sum);
    return g_string_free(body, FALSE);
}

static char *command(Kiln *k, const char *body)
{
    send_packet(k, body);
    return read_packet(k);
}

/* Everything kiln sent so far, without waiting. */
static void drain(Kiln *k)
{
    struct pollfd pfd = { .fd = k->fd, .events = POLLIN };
    char buf[4096];

    while (poll(&pfd, 1, 0) == 1 && read(k->fd, buf, sizeof(buf)) > 0) {
    }
}

/* Read until NEEDLE has come, whatever came before it. */
static void wait_for(Kiln *k, const char *needle)
{
    g_autoptr(GString) seen = g_string_new(NULL);

    while (!strstr(seen->str, needle)) {
        g_string_append_c(seen, read_byte(k));
    }
}

/* Bytes the registers of the target description take, from bitsize=. */
static unsigned described_register_bytes(Kiln *k)
{
    g_autofree char *xml = command(k, "qXfer:features:read:target.xml:0,3ff0");
    unsigned bits = 0;

    g_assert_cmpint(xml[0], ==, 'l');
    g_assert_nonnull(strstr(xml, "org.gnu.gdb.riscv.cpu"));
    for (const char *p = xml; (p = strstr(p, "bitsize=\"")); p++) {
        bits += (unsigned)strtoul(p + strlen("bitsize=\""), NULL, 10);
    }
    return bits / 8;
}

static void test_framing(void)
{
    Kiln k = kiln_start();
    g_autofree char *regs = NULL, *stop = NULL, *again = NULL;

    /* A bad checksum is refused, and nothing is answered. */
    send_raw(&k, "$g#00", 5);
    g_assert_cmpint(read_byte(&k), ==, '-');
    /* A good packet is acked and answered. */
    send_raw(&k, "$?#3f", 5);
    g_assert_cmpint(read_byte(&k), ==, '+');
    stop = read_packet(&k);
    g_assert_cmpstr(stop, ==, "T05thread:1;");
    /* A '-' from us asks for the last reply again. */
    send_raw(&k, "-", 1);
    again = read_packet(&k);
    g_assert_cmpstr(again, ==, stop);
    /* 'g' is every register of the description, two hex digits a byte. */
    regs = command(&k, "g");
    g_assert_cmpuint(strlen(regs), ==, 2 * described_register_bytes(&k));
    kiln_stop(&k);
}

static void test_malformed(void)
{
    static const char *const packets[] = {
        "", "m", "mzz,4", "m80000000", "m80000000,", "m1,ffffffffffffffffff",
        "M80000000,4:zz", "M80000000,4:00", "M80000000", "p", "pzz",
        "p1000", "P", "P1", "P1=zz", "P1=00", "Pzz=00", "Z0", "Z0,zz",
        "Z0,80000000", "Z1,80000000,4", "z9", "H", "Hx1", "Hg99", "Hgzz", "Tzz",
        "T99", "G1", "Gzz", "qXfer:features:read:foo.xml:0,10",
        "qXfer:features:read:target.xml:zz", "vCont;x", "vCont;s:99",
        "vCont;c:zz", "vFoo", "qFooBar", "QFoo", "X80000000,0:", "!", "\x7f",
        "c80000000zz", "szz",
    };
    Kiln k = kiln_start();
    g_autofree char *alive = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(packets); i++) {
        g_autofree char *r = command(&k, packets[i]);

        if (*r && r[0] != 'E') {
            g_test_message("'%s' got '%s'", packets[i], r);
        }
        g_assert_true(*r == '\0' || r[0] == 'E');
    }
    alive = command(&k, "qC");
    g_assert_cmpstr(alive, ==, "QC1");
    kiln_stop(&k);
}

static void test_memory(void)
{
    Kiln k = kiln_start();
    g_autofree char *unmapped = NULL, *wrote = NULL, *back = NULL;
    g_autofree char *reg = NULL, *set = NULL, *reg2 = NULL;

    /* Nothing at 0 on virt: an error, as QEMU gives, not a crash. */
    unmapped = command(&k, "m0,4");
    g_assert_cmpstr(unmapped, ==, "E14");
    wrote = command(&k, "M80000100,4:78563412");
    g_assert_cmpstr(wrote, ==, "OK");
    back = command(&k, "m80000100,4");
    g_assert_cmpstr(back, ==, "78563412");
    /* pc (register 32) starts at the start of RAM, little-endian. */
    reg = command(&k, "p20");
    g_assert_cmpstr(reg, ==, "0000008000000000");
    set = command(&k, "P5=efbeadde00000000");
    g_assert_cmpstr(set, ==, "OK");
    reg2 = command(&k, "p5");
    g_assert_cmpstr(reg2, ==, "efbeadde00000000");
    kiln_stop(&k);
}

static void test_no_ack(void)
{
    Kiln k = kiln_start();
    g_autofree char *ok = NULL, *sup = NULL;
    char c;

    sup = command(&k, "qSupported:multiprocess+;swbreak+");
    g_assert_nonnull(strstr(sup, "QStartNoAckMode+"));
    g_assert_nonnull(strstr(sup, "qXfer:features:read+"));
    ok = command(&k, "QStartNoAckMode");
    g_assert_cmpstr(ok, ==, "OK");
    /* From now on the reply comes with no '+' before it. */
    send_packet(&k, "qC");
    c = read_byte(&k);
    g_assert_cmpint(c, ==, '$');
    drain(&k);
    kiln_stop(&k);
}

/*
 * A running hart stops on 0x03 and reports SIGINT; 'k' ends kiln.  The
 * program is overwritten with "j ." (jal x0, 0) so that it never ends.
 */
static void test_interrupt(void)
{
    Kiln k = kiln_start();
    g_autofree char *wrote = NULL, *stop = NULL, *pc = NULL;

    wrote = command(&k, "M80000000,4:6f000000");
    g_assert_cmpstr(wrote, ==, "OK");
    send_packet(&k, "vCont;c");
    g_assert_cmpint(read_byte(&k), ==, '+');
    g_usleep(50000);
    send_raw(&k, "\x03", 1);
    stop = read_packet(&k);
    g_assert_cmpstr(stop, ==, "T02thread:1;");
    pc = command(&k, "p20");
    g_assert_cmpstr(pc, ==, "0000008000000000");
    send_packet(&k, "k");
    g_assert_cmpint(kiln_wait(&k), ==, 0);
}

/* A step runs exactly one instruction; continue runs the program out. */
static void test_step_and_exit(void)
{
    Kiln k = kiln_start();
    g_autofree char *stop = NULL, *pc = NULL, *exited = NULL;

    send_packet(&k, "s");
    stop = read_packet(&k);
    g_assert_cmpstr(stop, ==, "T05thread:1;");
    /* The first instruction is c.li s0, 0: two bytes. */
    pc = command(&k, "p20");
    g_assert_cmpstr(pc, ==, "0200008000000000");
    exited = command(&k, "c");
    g_assert_cmpstr(exited, ==, "W00");
    g_assert_cmpint(kiln_wait(&k), ==, 0);
}

/*
 * Continuing from a breakpoint (still set) passes over it and stops the
 * next time round the loop.  sum_loop is at 0x80000008 in prog.S's RV64
 * build: c.li, c.li, then a 4-byte li.
 */
static void test_breakpoint_resume(void)
{
    Kiln k = kiln_start();
    g_autofree char *set = NULL, *hit1 = NULL, *pc1 = NULL, *s1_1 = NULL;
    g_autofree char *hit2 = NULL, *pc2 = NULL, *s1_2 = NULL, *del = NULL;
    g_autofree char *exited = NULL;

    set = command(&k, "Z0,80000008,2");
    g_assert_cmpstr(set, ==, "OK");
    hit1 = command(&k, "c");
    g_assert_cmpstr(hit1, ==, "T05thread:1;");
    pc1 = command(&k, "p20");
    g_assert_cmpstr(pc1, ==, "0800008000000000");
    s1_1 = command(&k, "p9");
    g_assert_cmpstr(s1_1, ==, "0100000000000000");
    hit2 = command(&k, "vCont;c");
    g_assert_cmpstr(hit2, ==, "T05thread:1;");
    pc2 = command(&k, "p20");
    g_assert_cmpstr(pc2, ==, "0800008000000000");
    s1_2 = command(&k, "p9");
    g_assert_cmpstr(s1_2, ==, "0200000000000000");
    del = command(&k, "z0,80000008,2");
    g_assert_cmpstr(del, ==, "OK");
    exited = command(&k, "c");
    g_assert_cmpstr(exited, ==, "W00");
    g_assert_cmpint(kiln_wait(&k), ==, 0);
}

/*
 * Random input: packets with good checksums whose bodies are random
 * (commands that resume or end the run left out), and raw random bytes
 * that break the framing anywhere.  kiln must stay up and answer.
 */
static void test_fuzz(void)
{
    static const char first[] = "gGpPmMzZHTqQX?!x";
    Kiln k = kiln_start();

    for (int i = 0; i < 3000; i++) {
        char body[64];
        size_t n = (size_t)g_test_rand_int_range(1, sizeof(body));

        if (g_test_rand_bit()) {
            /* Hex digits and separators often, any printable byte else. */
            static const char alphabet[] = "0123456789abcdef,:;=-";

            body[0] = first[g_test_rand_int_range(0, sizeof(first) - 1)];
            for (size_t j = 1; j < n; j++) {
                body[j] = g_test_rand_bit()
                          ? alphabet[g_test_rand_int_range(0, sizeof(alphabet) - 1)]
                          : (char)g_test_rand_int_range(0x20, 0x7f);
                if (body[j] == '$' || body[j] == '#') {
                    body[j] = 'x';
                }
            }
            body[n] = '\0';
            send_packet(&k, body);
        } else {
            for (size_t j = 0; j < n; j++) {
                body[j] = (char)g_test_rand_int_range(0, 256);
                /* No interrupt byte: the hart is stopped and stays so. */
                if (body[j] == 0x03) {
                    body[j] = '+';
                }
            }
            send_raw(&k, body, n);
        }
        drain(&k);
        g_assert_true(kiln_alive(&k));
    }
    /* Whatever state the parser was left in, a '$' starts afresh. */
    send_packet(&k, "qC");
    wait_for(&k, "$QC1#");
    kiln_stop(&k);
}

/* A bad -gdb value: one line naming the option, status 1, as QEMU's habits. */
static void test_bad_values(void)
{
    static const char *const values[] = {
        "foo", "tcp:1234", "tcp::", "tcp::0", "tcp::65536", "tcp::12x",
        "unix:/tmp/x", "tcp:nosuchhost.invalid:1234",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
        const char *argv[] = { g_getenv("KILN_BINARY"), "-M", "virt", "-gdb",
                               values[i], NULL };
        g_autofree char *out = NULL, *err = NULL, *want = NULL;
        int status;

        g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL,
                                   &out, &err, &status, NULL));
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 1);
        want = g_strdup_printf("-gdb %s: ", values[i]);
        g_assert_nonnull(strstr(err, want));
        g_assert_cmpuint(strlen(err), >, 0);
        g_assert_true(strchr(err, '\n') == err + strlen(err) - 1);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gdb/protocol/framing", test_framing);
    g_test_add_func("/gdb/protocol/malformed", test_malformed);
    g_test_add_func("/gdb/protocol/memory", test_memory);
    g_test_add_func("/gdb/protocol/no-ack", test_no_ack);
    g_test_add_func("/gdb/protocol/interrupt", test_interrupt);
    g_test_add_func("/gdb/protocol/step-and-exit", test_step_and_exit);
    g_test_add_func("/gdb/protocol/breakpoint-resume", test_breakpoint_resume);
    g_test_add_func("/gdb/protocol/fuzz", test_fuzz);
    g_test_add_func("/gdb/cmdline/bad-values", test_bad_values);
    return g_test_run();
}
