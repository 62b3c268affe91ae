/*
 * Polled, output-only driver for the virt board's 16550A UART, and
 * picolibc's stdio on top of it, so printf() writes to the console.
 *
 * Registers (TI PC16550D datasheet, table 2; byte wide, reg-shift 0 on
 * virt): THR 0, IER 1, FCR 2, LCR 3, MCR 4, LSR 5; with LCR.DLAB set,
 * offsets 0 and 1 are the divisor latch.
 */
#include "demo.h"
#include "../virt.h"

#include <stdio.h>

#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LCR_8N1     0x03
#define LCR_DLAB    0x80
#define FCR_ENABLE  0x01
#define FCR_CLEAR   0x06    /* reset both FIFOs */
#define MCR_DTR_RTS 0x03
#define LSR_THRE    0x20    /* the transmitter can take a byte */

#define UART_CLOCK_HZ 3686400u  /* the DT node's clock-frequency */
#define UART_BAUD     115200u

static void uart_write_reg(unsigned reg, uint8_t v)
{
    mmio_write8(VIRT_UART0_BASE + reg, v);
}

static uint8_t uart_read_reg(unsigned reg)
{
    return mmio_read8(VIRT_UART0_BASE + reg);
}

void uart_init(void)
{
    unsigned divisor = UART_CLOCK_HZ / (16 * UART_BAUD);

    uart_write_reg(UART_IER, 0);     /* polled: no UART interrupts */
    uart_write_reg(UART_LCR, LCR_DLAB);
    uart_write_reg(UART_DLL, divisor & 0xff);
    uart_write_reg(UART_DLM, divisor >> 8);
    uart_write_reg(UART_LCR, LCR_8N1);
    uart_write_reg(UART_FCR, FCR_ENABLE | FCR_CLEAR);
    uart_write_reg(UART_MCR, MCR_DTR_RTS);
}

static void uart_putc(uint8_t c)
{
    while (!(uart_read_reg(UART_LSR) & LSR_THRE)) {
        continue;
    }
    uart_write_reg(UART_THR, c);
}

/* A serial terminal wants "\r\n" for a new line. */
static int stdio_put(char c, FILE *stream)
{
    if (c == '\n') {
        uart_putc('\r');
    }
    uart_putc((uint8_t)c);
    return (unsigned char)c;
}

/* picolibc's stdio: one output stream serves stdout and stderr. */
static FILE console = FDEV_SETUP_STREAM(stdio_put, NULL, NULL,
                                        _FDEV_SETUP_WRITE);
FILE *const stdout = &console;
FILE *const stderr = &console;
