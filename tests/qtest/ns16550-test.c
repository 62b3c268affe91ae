/*
 * The 16550A UART (hw/periph/char/ns16550.c), register by register, as
 * the PC16550D datasheet describes it, and its chardev backends for real:
 * bytes written into a unix socket come out of RBR, THR writes come out of
 * the socket or land in a file.
 *
 * The virt board's UART sits at 0x10000000 with reg-shift 0, byte
 * registers and a 3.6864 MHz clock: divisor 2 gives 115200 baud, and one
 * bit lasts 32 clock cycles.  Its output line 0 is the UART's interrupt.
 * tests/data/uart-ns16550-mmio32.dts has one with reg-shift 2,
 * reg-io-width 4 and the default 1.8432 MHz clock.
 */
#include "libqtest.h"
#include "serial-socket.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define UART            0x10000000ULL
#define UART_PATH       "/machine/soc/serial@10000000"
#define VIRT_CLK_HZ     3686400ULL

#define RBR     (UART + 0)
#define THR     (UART + 0)
#define DLL     (UART + 0)
#define IER     (UART + 1)
#define DLM     (UART + 1)
#define IIR     (UART + 2)
#define FCR     (UART + 2)
#define LCR     (UART + 3)
#define MCR     (UART + 4)
#define LSR     (UART + 5)
#define MSR     (UART + 6)
#define SCR     (UART + 7)

#define IER_ERBFI   0x01
#define IER_ETBEI   0x02
#define IER_ELSI    0x04
#define IER_EDSSI   0x08

#define IIR_NONE    0x01
#define IIR_RLS     0x06
#define IIR_RDA     0x04
#define IIR_CTI     0x0c
#define IIR_THRE    0x02
#define IIR_MSI     0x00
#define IIR_FIFOS   0xc0

#define FCR_ENABLE  0x01
#define FCR_RX_RESET 0x02
#define FCR_TRIG_1  0x00
#define FCR_TRIG_4  0x40
#define FCR_TRIG_8  0x80
#define FCR_TRIG_14 0xc0

#define LCR_8N1     0x03
#define LCR_DLAB    0x80

#define MCR_DTR     0x01
#define MCR_RTS     0x02
#define MCR_OUT1    0x04
#define MCR_OUT2    0x08
#define MCR_LOOP    0x10

#define LSR_DR      0x01
#define LSR_OE      0x02
#define LSR_THRE    0x20
#define LSR_TEMT    0x40

#define MSR_DCTS    0x01
#define MSR_DDSR    0x02
#define MSR_TERI    0x04
#define MSR_DDCD    0x08
#define MSR_CTS     0x10
#define MSR_DSR     0x20
#define MSR_RI      0x40
#define MSR_DCD     0x80

/* How long a test waits for bytes to cross a socket. */
#define WAIT_MS     5000

static QTestState *start_virt(const char *extra)
{
    QTestState *s = qtest_initf("-M virt %s", extra);

    qtest_irq_intercept_out(s, UART_PATH);
    return s;
}

/* Program the baud divisor through the DLAB window. */
static void set_divisor(QTestState *s, uint16_t divisor, uint8_t lcr)
{
    qtest_writeb(s, LCR, LCR_DLAB);
    qtest_writeb(s, DLL, divisor & 0xff);
    qtest_writeb(s, DLM, divisor >> 8);
    qtest_writeb(s, LCR, lcr);
}

/* Four character times of BITS_X2 / 2 bits each, in ns, rounded up. */
static int64_t four_chars_ns(unsigned bits_x2, uint64_t divisor,
                             uint64_t clk_hz)
{
    /* One bit is 16 x divisor input clock cycles. */
    uint64_t cycles_x2 = 4ull * bits_x2 * 16 * divisor;

    return (cycles_x2 * 1000000000ull + 2 * clk_hz - 1) / (2 * clk_hz);
}

/* --- registers --- */

static void test_reset_values(void)
{
    QTestState *s = start_virt("");

    g_assert_cmphex(qtest_readb(s, IER), ==, 0);
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_NONE);
    g_assert_cmphex(qtest_readb(s, LCR), ==, 0);
    g_assert_cmphex(qtest_readb(s, MCR), ==, 0);
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    /* A chardev has no modem lines: CTS, DSR and DCD read asserted. */
    g_assert_cmphex(qtest_readb(s, MSR), ==, MSR_CTS | MSR_DSR | MSR_DCD);
    g_assert_cmphex(qtest_readb(s, SCR), ==, 0);
    qtest_writeb(s, LCR, LCR_DLAB);
    g_assert_cmphex(qtest_readb(s, DLL), ==, 0);
    g_assert_cmphex(qtest_readb(s, DLM), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

static void test_read_write(void)
{
    QTestState *s = start_virt("");

    qtest_writeb(s, SCR, 0xa5);
    g_assert_cmphex(qtest_readb(s, SCR), ==, 0xa5);

    /* IER and MCR keep only the bits the chip has. */
    qtest_writeb(s, IER, 0xf0);
    g_assert_cmphex(qtest_readb(s, IER), ==, 0);
    qtest_writeb(s, MCR, 0xe0 | MCR_OUT2);
    g_assert_cmphex(qtest_readb(s, MCR), ==, MCR_OUT2);

    /* LCR reads back whole, DLAB included. */
    qtest_writeb(s, LCR, 0x5b);
    g_assert_cmphex(qtest_readb(s, LCR), ==, 0x5b);

    /* DLAB switches offsets 0 and 1 over to the divisor latches. */
    set_divisor(s, 0x1234, LCR_8N1);
    qtest_writeb(s, IER, IER_ELSI);
    g_assert_cmphex(qtest_readb(s, IER), ==, IER_ELSI);
    qtest_writeb(s, LCR, LCR_DLAB | LCR_8N1);
    g_assert_cmphex(qtest_readb(s, DLL), ==, 0x34);
    g_assert_cmphex(qtest_readb(s, DLM), ==, 0x12);
    qtest_writeb(s, LCR, LCR_8N1);
    g_assert_cmphex(qtest_readb(s, IER), ==, IER_ELSI);

    /* The status registers ignore writes. */
    qtest_writeb(s, LSR, 0xff);
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    qtest_writeb(s, MSR, 0x0f);
    g_assert_cmphex(qtest_readb(s, MSR), ==, MSR_CTS | MSR_DSR | MSR_DCD);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/* IIR bits 7:6 tell whether the FIFOs are on. */
static void test_fifo_enable(void)
{
    QTestState *s = start_virt("");

    qtest_writeb(s, FCR, FCR_ENABLE);
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_NONE);

    /* Loopback: THR feeds the receiver. */
    qtest_writeb(s, MCR, MCR_LOOP);
    qtest_writeb(s, THR, 'a');
    qtest_writeb(s, THR, 'b');
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_DR | LSR_THRE | LSR_TEMT);

    /* FCR bit 1 empties the receiver FIFO. */
    qtest_writeb(s, FCR, FCR_ENABLE | FCR_RX_RESET);
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_NONE);

    /* Leaving FIFO mode empties it too, and clears IIR bits 7:6. */
    qtest_writeb(s, THR, 'c');
    qtest_writeb(s, FCR, 0);
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_NONE);

    /* 16450 mode holds one character: the next one overruns it. */
    qtest_writeb(s, THR, 'd');
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_DR | LSR_THRE | LSR_TEMT);
    qtest_writeb(s, THR, 'e');
    g_assert_cmphex(qtest_readb(s, LSR), ==,
                    LSR_DR | LSR_OE | LSR_THRE | LSR_TEMT);
    g_assert_cmphex(qtest_readb(s, RBR), ==, 'e');
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    qtest_quit(s);
}

/* --- interrupts --- */

static void test_thre_interrupt(void)
{
    QTestState *s = start_virt("");

    /* Enabling ETBEI while THR is empty raises the interrupt at once. */
    qtest_writeb(s, IER, IER_ETBEI);
    g_assert_true(qtest_get_irq(s, 0));
    /* Reading IIR while it reports THRE acknowledges it. */
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_THRE);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_NONE);

    /* The character leaves at once: THR is empty again, THRE pending again. */
    qtest_writeb(s, THR, 'x');
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_THRE);
    g_assert_false(qtest_get_irq(s, 0));

    /* Disabled, a pending THRE does not reach the line. */
    qtest_writeb(s, IER, 0);
    qtest_writeb(s, THR, 'y');
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_NONE);
    qtest_quit(s);
}

static void test_rx_trigger_levels(void)
{
    static const struct {
        uint8_t fcr;
        unsigned level;
    } trig[] = {
        { FCR_TRIG_1, 1 }, { FCR_TRIG_4, 4 }, { FCR_TRIG_8, 8 },
        { FCR_TRIG_14, 14 },
    };

    for (size_t t = 0; t < G_N_ELEMENTS(trig); t++) {
        QTestState *s = start_virt("");

        qtest_writeb(s, FCR, FCR_ENABLE | trig[t].fcr);
        qtest_writeb(s, MCR, MCR_LOOP);
        qtest_writeb(s, IER, IER_ERBFI);
        for (unsigned i = 0; i < trig[t].level - 1; i++) {
            qtest_writeb(s, THR, 'A' + i);
        }
        g_assert_false(qtest_get_irq(s, 0));
        g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_NONE);

        qtest_writeb(s, THR, 'A' + trig[t].level - 1);
        g_assert_true(qtest_get_irq(s, 0));
        g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_RDA);

        /* Falling below the trigger level clears the interrupt. */
        g_assert_cmphex(qtest_readb(s, RBR), ==, 'A');
        g_assert_false(qtest_get_irq(s, 0));
        for (unsigned i = 1; i < trig[t].level; i++) {
            g_assert_cmphex(qtest_readb(s, LSR) & LSR_DR, ==, LSR_DR);
            g_assert_cmphex(qtest_readb(s, RBR), ==, 'A' + i);
        }
        g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
        g_assert_false(qtest_get_irq(s, 0));
        qtest_quit(s);
    }
}

/*
 * The character timeout: data below the trigger level, nothing in or out
 * for four character times.
 */
static void test_char_timeout(void)
{
    static const struct {
        uint8_t lcr;
        unsigned bits_x2;   /* start + data + parity + stop, doubled */
    } formats[] = {
        { 0x03, 20 },       /* 8N1: 10 bits */
        { 0x04, 15 },       /* 5N1.5: 7.5 bits */
        { 0x1e, 22 },       /* 7E2: 11 bits */
        { 0x0f, 24 },       /* 8O2: 12 bits */
    };

    for (size_t f = 0; f < G_N_ELEMENTS(formats); f++) {
        QTestState *s = start_virt("");
        int64_t timeout = four_chars_ns(formats[f].bits_x2, 2, VIRT_CLK_HZ);

        set_divisor(s, 2, formats[f].lcr);
        qtest_writeb(s, FCR, FCR_ENABLE | FCR_TRIG_4);
        qtest_writeb(s, MCR, MCR_LOOP);
        qtest_writeb(s, IER, IER_ERBFI);
        qtest_writeb(s, THR, '1');
        qtest_writeb(s, THR, '2');
        g_assert_false(qtest_get_irq(s, 0));

        qtest_clock_step(s, timeout - 1);
        g_assert_false(qtest_get_irq(s, 0));
        g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_NONE);
        qtest_clock_step(s, 1);
        g_assert_true(qtest_get_irq(s, 0));
        g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_CTI);

        /* A read clears it and starts the four character times anew. */
        g_assert_cmphex(qtest_readb(s, RBR), ==, '1');
        g_assert_false(qtest_get_irq(s, 0));
        g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_NONE);
        qtest_clock_step(s, timeout - 1);
        g_assert_false(qtest_get_irq(s, 0));
        qtest_clock_step(s, 1);
        g_assert_true(qtest_get_irq(s, 0));
        g_assert_cmphex(qtest_readb(s, RBR), ==, '2');
        g_assert_false(qtest_get_irq(s, 0));

        /* An empty FIFO never times out. */
        qtest_clock_step(s, 10 * timeout);
        g_assert_false(qtest_get_irq(s, 0));
        qtest_quit(s);
    }
}

/* A new character restarts the timer; 16450 mode has no timeout. */
static void test_char_timeout_restart(void)
{
    QTestState *s = start_virt("");
    int64_t timeout = four_chars_ns(20, 2, VIRT_CLK_HZ);

    set_divisor(s, 2, LCR_8N1);
    qtest_writeb(s, FCR, FCR_ENABLE | FCR_TRIG_14);
    qtest_writeb(s, MCR, MCR_LOOP);
    qtest_writeb(s, IER, IER_ERBFI);
    qtest_writeb(s, THR, '1');
    qtest_clock_step(s, timeout / 2);
    qtest_writeb(s, THR, '2');
    qtest_clock_step(s, timeout - 1);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_CTI);

    /* Disabling the FIFOs drops the data and the indication. */
    qtest_writeb(s, FCR, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_writeb(s, THR, '3');
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_RDA);
    qtest_clock_step(s, 10 * timeout);
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_RDA);
    g_assert_cmphex(qtest_readb(s, RBR), ==, '3');
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/* A full FIFO loses the next character and reports an overrun. */
static void test_overrun(void)
{
    QTestState *s = start_virt("");

    qtest_writeb(s, FCR, FCR_ENABLE | FCR_TRIG_14);
    qtest_writeb(s, MCR, MCR_LOOP);
    qtest_writeb(s, IER, IER_ELSI);
    for (unsigned i = 0; i < 16; i++) {
        qtest_writeb(s, THR, 'a' + i);
    }
    g_assert_false(qtest_get_irq(s, 0));
    qtest_writeb(s, THR, '!');
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_RLS);

    /* Reading LSR reports the overrun once and clears the interrupt. */
    g_assert_cmphex(qtest_readb(s, LSR), ==,
                    LSR_DR | LSR_OE | LSR_THRE | LSR_TEMT);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_DR | LSR_THRE | LSR_TEMT);
    for (unsigned i = 0; i < 16; i++) {
        g_assert_cmphex(qtest_readb(s, RBR), ==, 'a' + i);
    }
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    qtest_quit(s);
}

/*
 * Every source at once, served in the datasheet's priority order: line
 * status, received data, THR empty, modem status.
 */
static void test_priority(void)
{
    QTestState *s = start_virt("");

    qtest_writeb(s, FCR, FCR_ENABLE | FCR_TRIG_1);
    /* Entering loopback drops CTS, DSR and DCD: modem status pending. */
    qtest_writeb(s, MCR, MCR_LOOP);
    for (unsigned i = 0; i < 17; i++) {
        qtest_writeb(s, THR, i);
    }
    g_assert_false(qtest_get_irq(s, 0));
    qtest_writeb(s, IER, IER_ERBFI | IER_ETBEI | IER_ELSI | IER_EDSSI);
    g_assert_true(qtest_get_irq(s, 0));

    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_RLS);
    qtest_readb(s, LSR);
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_RDA);
    for (unsigned i = 0; i < 16; i++) {
        qtest_readb(s, RBR);
    }
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_THRE);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_MSI);
    g_assert_cmphex(qtest_readb(s, MSR), ==, MSR_DCTS | MSR_DDSR | MSR_DDCD);
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_FIFOS | IIR_NONE);
    qtest_quit(s);
}

/*
 * In loopback the modem inputs follow MCR: RTS->CTS, DTR->DSR, OUT1->RI,
 * OUT2->DCD.
 */
static void test_modem_loopback(void)
{
    QTestState *s = start_virt("");

    qtest_writeb(s, MCR, MCR_LOOP);
    g_assert_cmphex(qtest_readb(s, MSR), ==, MSR_DCTS | MSR_DDSR | MSR_DDCD);
    g_assert_cmphex(qtest_readb(s, MSR), ==, 0);

    qtest_writeb(s, IER, IER_EDSSI);
    qtest_writeb(s, MCR, MCR_LOOP | MCR_RTS);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_MSI);
    g_assert_cmphex(qtest_readb(s, MSR), ==, MSR_CTS | MSR_DCTS);
    g_assert_false(qtest_get_irq(s, 0));

    qtest_writeb(s, MCR, MCR_LOOP | MCR_RTS | MCR_DTR);
    g_assert_cmphex(qtest_readb(s, MSR), ==, MSR_CTS | MSR_DSR | MSR_DDSR);
    qtest_writeb(s, MCR, MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT2);
    g_assert_cmphex(qtest_readb(s, MSR), ==,
                    MSR_CTS | MSR_DSR | MSR_DCD | MSR_DDCD);

    /* TERI reports RI's trailing edge only. */
    qtest_writeb(s, MCR, MCR_LOOP | MCR_OUT1);
    g_assert_cmphex(qtest_readb(s, MSR), ==,
                    MSR_RI | MSR_DCTS | MSR_DDSR | MSR_DDCD);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_writeb(s, MCR, MCR_LOOP);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, MSR), ==, MSR_TERI);
    g_assert_false(qtest_get_irq(s, 0));

    /* Out of loopback the tied inputs come back. */
    qtest_writeb(s, MCR, 0);
    g_assert_cmphex(qtest_readb(s, MSR), ==, MSR_CTS | MSR_DSR | MSR_DCD |
                    MSR_DCTS | MSR_DDSR | MSR_DDCD);
    qtest_quit(s);
}

static void test_system_reset(void)
{
    QTestState *s = start_virt("");

    set_divisor(s, 2, LCR_8N1);
    qtest_writeb(s, FCR, FCR_ENABLE);
    qtest_writeb(s, MCR, MCR_LOOP | MCR_RTS);
    qtest_writeb(s, SCR, 0x42);
    qtest_writeb(s, THR, 'z');
    qtest_writeb(s, IER, IER_ERBFI | IER_ETBEI);
    g_assert_true(qtest_get_irq(s, 0));

    qtest_qmp_assert_success_ref(s, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(s, "RESET");

    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IER), ==, 0);
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_NONE);
    g_assert_cmphex(qtest_readb(s, LCR), ==, 0);
    g_assert_cmphex(qtest_readb(s, MCR), ==, 0);
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    g_assert_cmphex(qtest_readb(s, MSR), ==, MSR_CTS | MSR_DSR | MSR_DCD);
    g_assert_cmphex(qtest_readb(s, SCR), ==, 0);
    qtest_writeb(s, LCR, LCR_DLAB);
    g_assert_cmphex(qtest_readb(s, DLL), ==, 0);
    qtest_quit(s);
}

/* --- chardev backends --- */

/*
 * Poll LSR until DR is set.  Host bytes reach the UART from kiln's main
 * loop, between qtest commands; virtual time does not move meanwhile.
 * Fails on an overrun: flow control must keep the FIFO from overflowing.
 */
static void wait_for_rx(QTestState *s)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000;

    for (;;) {
        uint8_t lsr = qtest_readb(s, LSR);

        g_assert_cmphex(lsr & LSR_OE, ==, 0);
        if (lsr & LSR_DR) {
            return;
        }
        if (g_get_monotonic_time() > deadline) {
            g_error("no character arrived in RBR within %d ms", WAIT_MS);
        }
        g_usleep(1000);
    }
}

static QTestState *start_with_socket(SerialSocket *ss)
{
    QTestState *s;

    serial_socket_init(ss, "ns16550-test");
    s = qtest_initf("-M virt -serial unix:%s,server=on,wait=off", ss->path);
    qtest_irq_intercept_out(s, UART_PATH);
    serial_socket_connect(ss);
    return s;
}

static void test_socket_rx(void)
{
    SerialSocket ss;
    QTestState *s = start_with_socket(&ss);

    /* 16450 mode: one character at a time, each raising RDA. */
    qtest_writeb(s, IER, IER_ERBFI);
    serial_socket_send(&ss, "hi", 2);
    wait_for_rx(s);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, IIR), ==, IIR_RDA);
    g_assert_cmphex(qtest_readb(s, RBR), ==, 'h');
    wait_for_rx(s);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, RBR), ==, 'i');
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);

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
    uint8_t msg[100];

    for (size_t i = 0; i < sizeof(msg); i++) {
        msg[i] = i * 7 + 1;
    }
    for (int fifo = 0; fifo <= 1; fifo++) {
        qtest_writeb(s, FCR, fifo ? FCR_ENABLE | FCR_TRIG_14 : 0);
        serial_socket_send(&ss, msg, sizeof(msg));
        /* Give kiln every chance to over-read before the guest reads. */
        for (int i = 0; i < 20; i++) {
            qtest_readb(s, SCR);
            g_usleep(1000);
        }
        for (size_t i = 0; i < sizeof(msg); i++) {
            wait_for_rx(s);
            g_assert_cmphex(qtest_readb(s, RBR), ==, msg[i]);
        }
        g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    }
    qtest_quit(s);
    serial_socket_cleanup(&ss);
}

static void test_socket_tx(void)
{
    SerialSocket ss;
    QTestState *s = start_with_socket(&ss);
    const char msg[] = "Hello from the 16550\r\n";
    char buf[sizeof(msg)] = "";
    char sync;

    /* A byte that made it through proves kiln has accepted the connection. */
    serial_socket_send(&ss, "s", 1);
    wait_for_rx(s);
    qtest_readb(s, RBR);

    for (size_t i = 0; i < strlen(msg); i++) {
        qtest_writeb(s, THR, msg[i]);
        g_assert_cmphex(qtest_readb(s, LSR), ==, LSR_THRE | LSR_TEMT);
    }
    serial_socket_recv(&ss, buf, strlen(msg), WAIT_MS);
    g_assert_cmpstr(buf, ==, msg);

    /* Loopback keeps THR off the line. */
    qtest_writeb(s, MCR, MCR_LOOP);
    qtest_writeb(s, THR, '#');
    g_assert_cmphex(qtest_readb(s, RBR), ==, '#');
    /* ...and host input waits until loopback ends. */
    serial_socket_send(&ss, "w", 1);
    for (int i = 0; i < 20; i++) {
        g_assert_cmphex(qtest_readb(s, LSR) & LSR_DR, ==, 0);
        g_usleep(1000);
    }
    qtest_writeb(s, MCR, 0);
    wait_for_rx(s);
    g_assert_cmphex(qtest_readb(s, RBR), ==, 'w');
    qtest_writeb(s, THR, '.');
    serial_socket_recv(&ss, &sync, 1, WAIT_MS);
    g_assert_cmphex(sync, ==, '.');
    serial_socket_assert_empty(&ss);

    qtest_quit(s);
    serial_socket_cleanup(&ss);
}

static void test_file_output(void)
{
    g_autofree char *path = NULL;
    g_autofree char *contents = NULL;
    const char msg[] = "kiln 16550 file backend\n";
    gsize len;
    int fd = g_file_open_tmp("ns16550-test-XXXXXX.txt", &path, NULL);
    QTestState *s;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    s = qtest_initf("-M virt -serial file:%s", path);
    for (size_t i = 0; i < strlen(msg); i++) {
        qtest_writeb(s, THR, msg[i]);
    }
    /* Loopback characters and divisor writes do not reach the file. */
    qtest_writeb(s, MCR, MCR_LOOP);
    qtest_writeb(s, THR, '!');
    set_divisor(s, 1, LCR_8N1);
    qtest_quit(s);

    g_assert_true(g_file_get_contents(path, &contents, &len, NULL));
    g_assert_cmpuint(len, ==, strlen(msg));
    g_assert_cmpstr(contents, ==, msg);
    g_unlink(path);
}

/* --- reg-shift, reg-io-width, clock-frequency --- */

#define M32             0x10000000ULL
#define M32_PATH        "/machine/soc/serial@10000000"

static QTestState *start_mmio32(const char *extra)
{
    QTestState *s = qtest_initf("-M dt,dts=%s/tests/data/"
                                "uart-ns16550-mmio32.dts %s",
                                g_getenv("KILN_SOURCE_ROOT"), extra);

    qtest_irq_intercept_out(s, M32_PATH);
    return s;
}

static void test_mmio32(void)
{
    QTestState *s = start_mmio32("");
    /* The default clock: 1.8432 MHz, divisor 1 for 115200 baud. */
    int64_t timeout = four_chars_ns(20, 1, 1843200);

    /* Register N is the word at N << 2. */
    g_assert_cmphex(qtest_readl(s, M32 + 5 * 4), ==, LSR_THRE | LSR_TEMT);
    g_assert_cmphex(qtest_readl(s, M32 + 2 * 4), ==, IIR_NONE);
    qtest_writel(s, M32 + 7 * 4, 0xffffff5a);
    g_assert_cmphex(qtest_readl(s, M32 + 7 * 4), ==, 0x5a);

    qtest_writel(s, M32 + 3 * 4, LCR_DLAB);
    qtest_writel(s, M32 + 0 * 4, 1);
    qtest_writel(s, M32 + 1 * 4, 0);
    qtest_writel(s, M32 + 3 * 4, LCR_8N1);
    qtest_writel(s, M32 + 2 * 4, FCR_ENABLE | FCR_TRIG_8);
    qtest_writel(s, M32 + 4 * 4, MCR_LOOP);
    qtest_writel(s, M32 + 1 * 4, IER_ERBFI);
    qtest_writel(s, M32 + 0 * 4, 'q');
    qtest_clock_step(s, timeout - 1);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_clock_step(s, 1);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmphex(qtest_readl(s, M32 + 2 * 4), ==, IIR_FIFOS | IIR_CTI);
    g_assert_cmphex(qtest_readl(s, M32 + 0 * 4), ==, 'q');
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/* What a run with -D PATH logged. */
static char *read_log(const char *path)
{
    char *log = NULL;

    g_assert_true(g_file_get_contents(path, &log, NULL, NULL));
    return log;
}

/* Guest mistakes read zero, change nothing, and are logged. */
static void test_guest_errors(void)
{
    g_autofree char *log_path = NULL;
    g_autofree char *log_args = NULL;
    char *log;
    int fd = g_file_open_tmp("ns16550-test-XXXXXX.log", &log_path, NULL);
    QTestState *s;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    log_args = g_strdup_printf("-d guest_errors -D %s", log_path);

    s = start_virt(log_args);
    /* virt's reg is 0x100 bytes; the registers take the first 8. */
    g_assert_cmphex(qtest_readb(s, UART + 8), ==, 0);
    qtest_writeb(s, UART + 0xff, 0x12);
    g_assert_cmphex(qtest_readb(s, UART + 0xff), ==, 0);
    g_assert_cmphex(qtest_readb(s, SCR), ==, 0);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit(s);
    log = read_log(log_path);
    g_assert_nonnull(strstr(log, UART_PATH ": read of 1 bytes at bad offset "
                            "0x8\n"));
    g_assert_nonnull(strstr(log, UART_PATH ": write of 1 bytes at bad offset "
                            "0xff (value 0x12)\n"));
    g_free(log);

    s = start_mmio32(log_args);
    /* Bytes are not words here: the bus rejects them. */
    qtest_writel(s, M32 + 7 * 4, 0x77);
    g_assert_cmphex(qtest_readb(s, M32 + 7 * 4), ==, 0);
    qtest_writeb(s, M32 + 7 * 4, 0x11);
    g_assert_cmphex(qtest_readl(s, M32 + 7 * 4), ==, 0x77);
    g_assert_cmphex(qtest_readl(s, M32 + 8 * 4), ==, 0);
    qtest_quit(s);
    log = read_log(log_path);
    g_assert_nonnull(strstr(log, M32_PATH ": read of 4 bytes at bad offset "
                            "0x20\n"));
    g_assert_nonnull(strstr(log, "rejected"));
    g_free(log);
    g_unlink(log_path);
}

/* A board that asks for something the chip cannot be: an error, exit 1. */
static void assert_bad_board(const char *props, const char *size,
                             const char *needle)
{
    g_autofree char *dir = g_dir_make_tmp("ns16550-test-XXXXXX", NULL);
    g_autofree char *dts = g_build_filename(dir, "bad.dts", NULL);
    g_autofree char *text = g_strdup_printf(
        "/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n"
        "\tserial@10000000 {\n\t\tcompatible = \"ns16550a\";\n"
        "\t\treg = <0x10000000 %s>;\n%s\t};\n};\n", size, props);
    g_autofree char *cmd = NULL;
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_auto(GStrv) argv = NULL;
    int status;

    g_assert_nonnull(dir);
    g_assert_true(g_file_set_contents(dts, text, -1, NULL));
    cmd = g_strdup_printf("'%s' -nodefaults -M dt,dts=%s", qtest_qemu_binary(),
                          dts);
    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL,
                               NULL, NULL, &out, &err, &status, NULL));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    /* The first line names the node and what is wrong with it. */
    g_assert_nonnull(strchr(err, '\n'));
    *strchr(err, '\n') = '\0';
    g_assert_nonnull(strstr(err, "bad.dts: /serial@10000000: "));
    g_assert_nonnull(strstr(err, needle));
    g_unlink(dts);
    g_rmdir(dir);
}

static void test_bad_config(void)
{
    assert_bad_board("\t\treg-io-width = <2>;\n", "0x100",
                     "reg-io-width: must be 1 or 4, not 2");
    assert_bad_board("\t\treg-io-width = <4>;\n", "0x100",
                     "reg-io-width 4 needs registers 4 bytes apart");
    assert_bad_board("\t\treg-shift = <2>;\n", "0x10",
                     "reg: 0x10 bytes, but 8 registers at reg-shift 2 need "
                     "0x20");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ns16550/reset-values", test_reset_values);
    g_test_add_func("/ns16550/read-write", test_read_write);
    g_test_add_func("/ns16550/fifo-enable", test_fifo_enable);
    g_test_add_func("/ns16550/thre-interrupt", test_thre_interrupt);
    g_test_add_func("/ns16550/rx-trigger-levels", test_rx_trigger_levels);
    g_test_add_func("/ns16550/char-timeout", test_char_timeout);
    g_test_add_func("/ns16550/char-timeout-restart", test_char_timeout_restart);
    g_test_add_func("/ns16550/overrun", test_overrun);
    g_test_add_func("/ns16550/priority", test_priority);
    g_test_add_func("/ns16550/modem-loopback", test_modem_loopback);
    g_test_add_func("/ns16550/system-reset", test_system_reset);
    g_test_add_func("/ns16550/socket-rx", test_socket_rx);
    g_test_add_func("/ns16550/socket-flow-control", test_socket_flow_control);
    g_test_add_func("/ns16550/socket-tx", test_socket_tx);
    g_test_add_func("/ns16550/file-output", test_file_output);
    g_test_add_func("/ns16550/mmio32", test_mmio32);
    g_test_add_func("/ns16550/guest-errors", test_guest_errors);
    g_test_add_func("/ns16550/bad-config", test_bad_config);
    return g_test_run();
}
