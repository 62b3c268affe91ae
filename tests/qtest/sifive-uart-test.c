/*
 * The SiFive UART (hw/periph/char/sifive_uart.c), register by register, as
 * chapter 18 of the FE310-G002 manual describes it, and its chardev
 * backends for real: bytes written into a unix socket come out of rxdata,
 * txdata writes come out of the socket or land in a file.
 *
 * The board tests/data/uart-sifive.dts has UART0 at 0x10013000 (serial0)
 * and UART1 at 0x10023000 (serial1), no interrupt controller; output
 * line 0 of UART0 is its interrupt.
 */
#include "libqtest.h"
#include "serial-socket.h"

#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define UART0           0x10013000ULL
#define UART1           0x10023000ULL
#define UART0_PATH      "/machine/soc/serial@10013000"

#define TXDATA(u)       ((u) + 0x00)
#define RXDATA(u)       ((u) + 0x04)
#define TXCTRL(u)       ((u) + 0x08)
#define RXCTRL(u)       ((u) + 0x0c)
#define IE(u)           ((u) + 0x10)
#define IP(u)           ((u) + 0x14)
#define DIV(u)          ((u) + 0x18)

#define TXDATA_FULL     0x80000000u
#define RXDATA_EMPTY    0x80000000u
#define TXEN            0x1u
#define NSTOP           0x2u
#define RXEN            0x1u
#define CNT(n)          ((uint32_t)(n) << 16)   /* txcnt / rxcnt */
#define IP_TXWM         0x1u
#define IP_RXWM         0x2u

/* The FE310-G002's div after reset: 16 MHz / 115200. */
#define DIV_RESET       138

#define WAIT_MS         5000

static QTestState *start(const char *extra)
{
    QTestState *s = qtest_initf("-M dt,dts=%s/tests/data/uart-sifive.dts %s",
                                g_getenv("KILN_SOURCE_ROOT"), extra);

    qtest_irq_intercept_out(s, UART0_PATH);
    return s;
}

/* --- registers --- */

static void test_reset_values(void)
{
    QTestState *s = start("");

    g_assert_cmphex(qtest_readl(s, TXDATA(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, RXDATA_EMPTY);
    g_assert_cmphex(qtest_readl(s, TXCTRL(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, RXCTRL(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, IE(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, DIV(UART0)), ==, DIV_RESET);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_read_write(void)
{
    QTestState *s = start("");

    /* Only the documented fields hold bits. */
    qtest_writel(s, TXCTRL(UART0), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, TXCTRL(UART0)), ==, TXEN | NSTOP | CNT(7));
    qtest_writel(s, RXCTRL(UART0), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, RXCTRL(UART0)), ==, RXEN | CNT(7));
    qtest_writel(s, DIV(UART0), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, DIV(UART0)), ==, 0xffff);
    qtest_writel(s, DIV(UART0), 34);
    g_assert_cmphex(qtest_readl(s, DIV(UART0)), ==, 34);
    /* txcnt 7 and an empty TX FIFO: txwm is pending. */
    g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, IP_TXWM);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_writel(s, IE(UART0), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, IE(UART0)), ==, IP_TXWM | IP_RXWM);
    g_assert_true(qtest_get_irq(s, 0));

    /* rxdata and ip ignore writes. */
    qtest_writel(s, RXDATA(UART0), 'x');
    g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, RXDATA_EMPTY);
    qtest_writel(s, IP(UART0), 0);
    g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, IP_TXWM);
    g_assert_true(qtest_get_irq(s, 0));

    qtest_writel(s, IE(UART0), 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/*
 * With txen clear the TX FIFO fills: txwm follows txcnt, full says when
 * the eighth entry is in, and writes to a full FIFO are dropped.
 */
static void test_tx_fifo(void)
{
    QTestState *s = start("");

    qtest_writel(s, TXCTRL(UART0), CNT(4));
    qtest_writel(s, IE(UART0), IP_TXWM);
    for (unsigned i = 0; i < 8; i++) {
        /* Pending while fewer than txcnt entries wait. */
        g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, i < 4 ? IP_TXWM : 0);
        g_assert_cmpint(qtest_get_irq(s, 0), ==, i < 4);
        g_assert_cmphex(qtest_readl(s, TXDATA(UART0)), ==, 0);
        qtest_writel(s, TXDATA(UART0), 'a' + i);
    }
    g_assert_cmphex(qtest_readl(s, TXDATA(UART0)), ==, TXDATA_FULL);
    qtest_writel(s, TXDATA(UART0), '!');
    g_assert_cmphex(qtest_readl(s, TXDATA(UART0)), ==, TXDATA_FULL);
    g_assert_false(qtest_get_irq(s, 0));

    /* txen drains it. */
    qtest_writel(s, TXCTRL(UART0), TXEN | CNT(4));
    g_assert_cmphex(qtest_readl(s, TXDATA(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, IP_TXWM);
    g_assert_true(qtest_get_irq(s, 0));

    /* txcnt 0: never pending. */
    qtest_writel(s, TXCTRL(UART0), TXEN);
    g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_system_reset(void)
{
    QTestState *s = start("");

    qtest_writel(s, TXCTRL(UART0), CNT(2));
    qtest_writel(s, TXDATA(UART0), 'r');
    qtest_writel(s, RXCTRL(UART0), RXEN | CNT(3));
    qtest_writel(s, IE(UART0), IP_TXWM);
    qtest_writel(s, DIV(UART0), 7);
    g_assert_true(qtest_get_irq(s, 0));

    qtest_qmp_assert_success_ref(s, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(s, "RESET");

    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, TXCTRL(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, RXCTRL(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, IE(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, DIV(UART0)), ==, DIV_RESET);
    /* The character that waited in the TX FIFO is gone: 8 fit again. */
    for (unsigned i = 0; i < 7; i++) {
        qtest_writel(s, TXDATA(UART0), 'a' + i);
    }
    g_assert_cmphex(qtest_readl(s, TXDATA(UART0)), ==, 0);
    qtest_writel(s, TXDATA(UART0), 'h');
    g_assert_cmphex(qtest_readl(s, TXDATA(UART0)), ==, TXDATA_FULL);
    qtest_quit(s);
}

/* --- chardev backends --- */

static QTestState *start_with_socket(SerialSocket *ss)
{
    g_autofree char *args = NULL;
    QTestState *s;

    serial_socket_init(ss, "sifive-uart-test");
    args = g_strdup_printf("-serial unix:%s,server=on,wait=off", ss->path);
    s = start(args);
    serial_socket_connect(ss);
    return s;
}

/*
 * Wait until the RX FIFO holds at least N (1..8) entries, watching
 * ip.rxwm with rxcnt = N - 1 so that nothing is dequeued.  Host bytes
 * reach the UART from kiln's main loop, between qtest commands.
 */
static void wait_for_rx(QTestState *s, unsigned n)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;
    uint32_t rxctrl = qtest_readl(s, RXCTRL(UART0));

    qtest_writel(s, RXCTRL(UART0), RXEN | CNT(n - 1));
    while (!(qtest_readl(s, IP(UART0)) & IP_RXWM)) {
        if (g_get_monotonic_time() > deadline) {
            g_error("%u characters did not arrive within %d ms", n, WAIT_MS);
        }
        g_usleep(1000);
    }
    qtest_writel(s, RXCTRL(UART0), rxctrl);
}

static void test_socket_rx(void)
{
    SerialSocket ss;
    QTestState *s = start_with_socket(&ss);

    /* With rxen clear the line is ignored: the bytes wait in the socket. */
    serial_socket_send(&ss, "abc", 3);
    for (int i = 0; i < 20; i++) {
        g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, 0);
        g_usleep(1000);
    }
    g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, RXDATA_EMPTY);

    /* rxwm: pending while more than rxcnt entries wait. */
    qtest_writel(s, IE(UART0), IP_RXWM);
    qtest_writel(s, RXCTRL(UART0), RXEN | CNT(2));
    wait_for_rx(s, 3);
    g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, IP_RXWM);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, 'a');
    g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, 'b');
    g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, 'c');
    g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, RXDATA_EMPTY);
    g_assert_false(qtest_get_irq(s, 0));

    qtest_quit(s);
    serial_socket_cleanup(&ss);
}

/*
 * More than a FIFO's worth at once: kiln takes only what fits and the
 * rest waits in the socket until the guest reads, so nothing is lost.
 */
static void test_socket_flow_control(void)
{
    SerialSocket ss;
    QTestState *s = start_with_socket(&ss);
    uint8_t msg[60];

    for (size_t i = 0; i < sizeof(msg); i++) {
        msg[i] = i * 5 + 3;
    }
    qtest_writel(s, RXCTRL(UART0), RXEN);
    serial_socket_send(&ss, msg, sizeof(msg));
    /* The FIFO fills to eight entries and stops. */
    wait_for_rx(s, 8);
    for (int i = 0; i < 20; i++) {
        qtest_readl(s, DIV(UART0));
        g_usleep(1000);
    }
    for (size_t i = 0; i < sizeof(msg); i++) {
        wait_for_rx(s, 1);
        g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, msg[i]);
    }
    g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, RXDATA_EMPTY);
    qtest_quit(s);
    serial_socket_cleanup(&ss);
}

static void test_socket_tx(void)
{
    SerialSocket ss;
    QTestState *s = start_with_socket(&ss);
    const char msg[] = "Hello from the SiFive UART\r\n";
    char buf[sizeof(msg)] = "";

    /* A byte that made it through proves kiln has accepted the connection. */
    qtest_writel(s, RXCTRL(UART0), RXEN);
    serial_socket_send(&ss, "s", 1);
    wait_for_rx(s, 1);
    g_assert_cmphex(qtest_readl(s, RXDATA(UART0)), ==, 's');

    qtest_writel(s, TXCTRL(UART0), TXEN);
    for (size_t i = 0; i < strlen(msg); i++) {
        g_assert_cmphex(qtest_readl(s, TXDATA(UART0)), ==, 0);
        qtest_writel(s, TXDATA(UART0), msg[i]);
    }
    serial_socket_recv(&ss, buf, strlen(msg), WAIT_MS);
    g_assert_cmpstr(buf, ==, msg);

    /* txen clear: eight characters wait, the ninth is dropped. */
    qtest_writel(s, TXCTRL(UART0), 0);
    for (unsigned i = 0; i < 9; i++) {
        qtest_writel(s, TXDATA(UART0), '0' + i);
    }
    serial_socket_assert_empty(&ss);
    qtest_writel(s, TXCTRL(UART0), TXEN);
    memset(buf, 0, sizeof(buf));
    serial_socket_recv(&ss, buf, 8, WAIT_MS);
    g_assert_cmpstr(buf, ==, "01234567");
    /* Only the data field goes out. */
    qtest_writel(s, TXDATA(UART0), 0xffffff00 | '.');
    serial_socket_recv(&ss, buf, 1, WAIT_MS);
    g_assert_cmphex(buf[0], ==, '.');
    serial_socket_assert_empty(&ss);

    qtest_quit(s);
    serial_socket_cleanup(&ss);
}

/* Each UART writes to its own backend: UART1 is serial1. */
static void test_file_output(void)
{
    g_autofree char *path = NULL;
    g_autofree char *contents = NULL;
    g_autofree char *args = NULL;
    const char msg[] = "kiln SiFive UART1 file backend\n";
    gsize len;
    int fd = g_file_open_tmp("sifive-uart-test-XXXXXX.txt", &path, NULL);
    QTestState *s;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    args = g_strdup_printf("-serial null -serial file:%s", path);
    s = start(args);
    qtest_writel(s, TXCTRL(UART0), TXEN);
    qtest_writel(s, TXDATA(UART0), '0');
    qtest_writel(s, TXCTRL(UART1), TXEN);
    for (size_t i = 0; i < strlen(msg); i++) {
        qtest_writel(s, TXDATA(UART1), msg[i]);
    }
    /* With txen clear nothing leaves. */
    qtest_writel(s, TXCTRL(UART1), 0);
    qtest_writel(s, TXDATA(UART1), '!');
    qtest_quit(s);

    g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
    g_assert_cmpuint(len, ==, strlen(msg));
    g_assert_cmpstr(contents, ==, msg);
    g_unlink(path);
}

/* Guest mistakes read zero, change nothing, and are logged. */
static void test_guest_errors(void)
{
    g_autofree char *log_path = NULL;
    g_autofree char *log = NULL;
    g_autofree char *args = NULL;
    int fd = g_file_open_tmp("sifive-uart-test-XXXXXX.log", &log_path, NULL);
    QTestState *s;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    args = g_strdup_printf("-d guest_errors -D %s", log_path);
    s = start(args);
    qtest_writel(s, DIV(UART0), 0x1234);
    g_assert_cmphex(qtest_readl(s, UART0 + 0x1c), ==, 0);
    qtest_writel(s, UART0 + 0xffc, 0x55);
    g_assert_cmphex(qtest_readl(s, UART0 + 0xffc), ==, 0);
    /* The registers are words: byte accesses are rejected by the bus. */
    g_assert_cmphex(qtest_readb(s, DIV(UART0)), ==, 0);
    qtest_writeb(s, DIV(UART0), 0x77);
    g_assert_cmphex(qtest_readl(s, DIV(UART0)), ==, 0x1234);
    qtest_writel(s, IP(UART0), 3);
    g_assert_cmphex(qtest_readl(s, IP(UART0)), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);

    g_assert_true(g_file_get_contents(log_path, &log, NULL, NULL));
    g_assert_nonnull(strstr(log, UART0_PATH ": read of 4 bytes at bad offset "
                            "0x1c\n"));
    g_assert_nonnull(strstr(log, UART0_PATH ": write of 4 bytes at bad offset "
                            "0xffc (value 0x55)\n"));
    g_assert_nonnull(strstr(log, UART0_PATH ": write of 4 bytes to read-only "
                            "ip (value 0x3)\n"));
    g_assert_nonnull(strstr(log, "rejected"));
    g_unlink(log_path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sifive-uart/reset-values", test_reset_values);
    g_test_add_func("/sifive-uart/read-write", test_read_write);
    g_test_add_func("/sifive-uart/tx-fifo", test_tx_fifo);
    g_test_add_func("/sifive-uart/system-reset", test_system_reset);
    g_test_add_func("/sifive-uart/socket-rx", test_socket_rx);
    g_test_add_func("/sifive-uart/socket-flow-control",
                    test_socket_flow_control);
    g_test_add_func("/sifive-uart/socket-tx", test_socket_tx);
    g_test_add_func("/sifive-uart/file-output", test_file_output);
    g_test_add_func("/sifive-uart/guest-errors", test_guest_errors);
    return g_test_run();
}
