/*
 * SiFive UART ("sifive,uart0").
 *
 * Models: the UART of the SiFive FE310-G002 Manual v1p1, chapter 18
 * (the same block is in the FU540 and FU740).  32-bit registers:
 *
 *     0x00 txdata  write: enqueue data[7:0] unless full; read: full (bit 31)
 *     0x04 rxdata  read: dequeue data[7:0]; empty (bit 31) when there was none
 *     0x08 txctrl  txen (0), nstop (1), txcnt (18:16)
 *     0x0c rxctrl  rxen (0), rxcnt (18:16)
 *     0x10 ie      txwm (0), rxwm (1)
 *     0x14 ip      txwm: TX FIFO entries < txcnt; rxwm: RX FIFO entries > rxcnt
 *     0x18 div     baud rate = input clock / (div + 1)
 *
 * Both FIFOs hold 8 entries.  While txen is set the TX FIFO drains to the
 * chardev at once; while it is clear, characters wait in the FIFO (up to
 * full) and leave when txen is set.  Host input lands in the RX FIFO only
 * while rxen is set and never faster than there is room: can_receive is
 * the free space, and reading rxdata or setting rxen asks the chardev for
 * more.  The one interrupt output is (ip & ie) != 0.
 *
 * div resets to the block's divisorInit, the peripheral clock divided by
 * 115200; on the FE310-G002 (16 MHz) that is 138.
 *
 * Unimplemented: baud-rate pacing (div and nstop are stored but
 * characters move instantly in both directions); the txd/rxd pins (the
 * chardev is the line); the 4-wire, parity and stop-bit options of later
 * versions of the block.
 */
#include "kiln/chardev.h"
#include "kiln/device.h"
#include "kiln/log.h"

REG32(TXDATA, 0x00)
    FIELD(TXDATA, DATA, 0, 8)
    FIELD(TXDATA, FULL, 31, 1)
REG32(RXDATA, 0x04)
    FIELD(RXDATA, DATA, 0, 8)
    FIELD(RXDATA, EMPTY, 31, 1)
REG32(TXCTRL, 0x08)
    FIELD(TXCTRL, TXEN, 0, 1)
    FIELD(TXCTRL, NSTOP, 1, 1)
    FIELD(TXCTRL, TXCNT, 16, 3)
REG32(RXCTRL, 0x0c)
    FIELD(RXCTRL, RXEN, 0, 1)
    FIELD(RXCTRL, RXCNT, 16, 3)
REG32(IE, 0x10)
    FIELD(IE, TXWM, 0, 1)
    FIELD(IE, RXWM, 1, 1)
REG32(IP, 0x14)
    FIELD(IP, TXWM, 0, 1)
    FIELD(IP, RXWM, 1, 1)
REG32(DIV, 0x18)
    FIELD(DIV, DIV, 0, 16)

enum {
    SIFIVE_UART_FIFO_SIZE = 8,
    SIFIVE_UART_DIV_RESET = 138,
    TXCTRL_WRITABLE = R_TXCTRL_TXEN_MASK | R_TXCTRL_NSTOP_MASK |
                      R_TXCTRL_TXCNT_MASK,
    RXCTRL_WRITABLE = R_RXCTRL_RXEN_MASK | R_RXCTRL_RXCNT_MASK,
    IE_WRITABLE = R_IE_TXWM_MASK | R_IE_RXWM_MASK,
};

typedef struct SifiveUart {
    Device dev;

    /* properties */
    char *chardev;
    IrqLine *irq;

    Chardev *chr;

    uint32_t txctrl;
    uint32_t rxctrl;
    uint32_t ie;
    uint32_t div;

    uint8_t tx_fifo[SIFIVE_UART_FIFO_SIZE];     /* oldest first */
    unsigned tx_count;
    uint8_t rx_fifo[SIFIVE_UART_FIFO_SIZE];
    unsigned rx_head;
    unsigned rx_count;

    bool irq_level;
} SifiveUart;

static uint32_t sifive_uart_ip(const SifiveUart *s)
{
    uint32_t ip = 0;

    if (s->tx_count < FIELD_EX32(s->txctrl, TXCTRL, TXCNT)) {
        ip |= R_IP_TXWM_MASK;
    }
    if (s->rx_count > FIELD_EX32(s->rxctrl, RXCTRL, RXCNT)) {
        ip |= R_IP_RXWM_MASK;
    }
    return ip;
}

static void sifive_uart_update_irq(SifiveUart *s)
{
    bool level = (sifive_uart_ip(s) & s->ie) != 0;

    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(s->irq[0], level);
    }
}

/* With txen set the FIFO empties onto the line at once. */
static void sifive_uart_tx_drain(SifiveUart *s)
{
    if (!FIELD_EX32(s->txctrl, TXCTRL, TXEN) || s->tx_count == 0) {
        return;
    }
    if (s->chr) {
        chardev_write(s->chr, s->tx_fifo, s->tx_count);
    }
    s->tx_count = 0;
}

static uint32_t sifive_uart_read_rxdata(SifiveUart *s)
{
    uint8_t ch;

    if (s->rx_count == 0) {
        return R_RXDATA_EMPTY_MASK;
    }
    ch = s->rx_fifo[s->rx_head];
    s->rx_head = (s->rx_head + 1) % SIFIVE_UART_FIFO_SIZE;
    s->rx_count--;
    if (s->chr) {
        chardev_accept_input(s->chr);
    }
    return ch;
}

static uint64_t sifive_uart_read(void *opaque, hwaddr offset, unsigned size)
{
    SifiveUart *s = opaque;
    uint32_t val;

    switch (offset) {
    case A_TXDATA:
        /* The data field reads as zero. */
        val = s->tx_count == SIFIVE_UART_FIFO_SIZE ? R_TXDATA_FULL_MASK : 0;
        break;
    case A_RXDATA:
        val = sifive_uart_read_rxdata(s);
        break;
    case A_TXCTRL:
        val = s->txctrl;
        break;
    case A_RXCTRL:
        val = s->rxctrl;
        break;
    case A_IE:
        val = s->ie;
        break;
    case A_IP:
        val = sifive_uart_ip(s);
        break;
    case A_DIV:
        val = s->div;
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "%s: read of %u bytes at bad offset 0x%"
                 PRIx64 "\n", s->dev.path, size, offset);
        return 0;
    }
    sifive_uart_update_irq(s);
    return val;
}

static void sifive_uart_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    SifiveUart *s = opaque;
    uint32_t val = value;
    bool rx_was_enabled = FIELD_EX32(s->rxctrl, RXCTRL, RXEN);

    switch (offset) {
    case A_TXDATA:
        /* A write to a full FIFO is ignored (manual 18.4). */
        if (s->tx_count < SIFIVE_UART_FIFO_SIZE) {
            s->tx_fifo[s->tx_count++] = FIELD_EX32(val, TXDATA, DATA);
            sifive_uart_tx_drain(s);
        }
        break;
    case A_RXDATA:
        /* Writes are ignored (manual 18.5). */
        break;
    case A_TXCTRL:
        s->txctrl = val & TXCTRL_WRITABLE;
        sifive_uart_tx_drain(s);
        break;
    case A_RXCTRL:
        s->rxctrl = val & RXCTRL_WRITABLE;
        if (!rx_was_enabled && FIELD_EX32(s->rxctrl, RXCTRL, RXEN) && s->chr) {
            chardev_accept_input(s->chr);
        }
        break;
    case A_IE:
        s->ie = val & IE_WRITABLE;
        break;
    case A_IP:
        log_mask(LOG_GUEST_ERROR, "%s: write of %u bytes to read-only ip "
                 "(value 0x%" PRIx32 ")\n", s->dev.path, size, val);
        return;
    case A_DIV:
        s->div = FIELD_EX32(val, DIV, DIV);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "%s: write of %u bytes at bad offset 0x%"
                 PRIx64 " (value 0x%" PRIx32 ")\n", s->dev.path, size, offset,
                 val);
        return;
    }
    sifive_uart_update_irq(s);
}

static const MemOps sifive_uart_ops = {
    .read = sifive_uart_read,
    .write = sifive_uart_write,
    .sizes = MEM_SIZE_4,
};

static size_t sifive_uart_can_receive(void *opaque)
{
    SifiveUart *s = opaque;

    /* With rxen clear the rxd pin is ignored (manual 18.7). */
    if (!FIELD_EX32(s->rxctrl, RXCTRL, RXEN)) {
        return 0;
    }
    return SIFIVE_UART_FIFO_SIZE - s->rx_count;
}

static void sifive_uart_receive(void *opaque, const uint8_t *buf, size_t len)
{
    SifiveUart *s = opaque;

    /* can_receive bounds LEN; anything past a full FIFO would be lost. */
    for (size_t i = 0; i < len && s->rx_count < SIFIVE_UART_FIFO_SIZE; i++) {
        s->rx_fifo[(s->rx_head + s->rx_count) % SIFIVE_UART_FIFO_SIZE] = buf[i];
        s->rx_count++;
    }
    sifive_uart_update_irq(s);
}

static bool sifive_uart_realize(Device *dev, GError **errp)
{
    SifiveUart *s = DEVICE_STATE(dev, SifiveUart);

    s->chr = s->chardev ? chardev_find(s->chardev) : NULL;
    if (s->chr) {
        chardev_set_frontend(s->chr, sifive_uart_can_receive,
                             sifive_uart_receive, NULL, s);
    }
    return true;
}

static void sifive_uart_reset(Device *dev)
{
    SifiveUart *s = DEVICE_STATE(dev, SifiveUart);

    s->txctrl = 0;
    s->rxctrl = 0;
    s->ie = 0;
    s->div = SIFIVE_UART_DIV_RESET;
    s->tx_count = 0;
    s->rx_head = 0;
    s->rx_count = 0;
    s->irq_level = false;
    irq_lower(s->irq[0]);
}

static void sifive_uart_finalize(Device *dev)
{
    SifiveUart *s = DEVICE_STATE(dev, SifiveUart);

    if (s->chr) {
        chardev_set_frontend(s->chr, NULL, NULL, NULL, NULL);
    }
}

static const char *const sifive_uart_compatible[] = { "sifive,uart0", NULL };

static const PropDesc sifive_uart_props[] = {
    PROP_STRING("chardev", SifiveUart, chardev, NULL),
    PROP_END
};

static const RegionDesc sifive_uart_regions[] = {
    REGION_IO("regs", &sifive_uart_ops),
    REGION_END
};

static const LineDesc sifive_uart_outputs[] = {
    { .name = "irq", .count = 1, .offset = offsetof(SifiveUart, irq),
      .help = "interrupt, high while ip & ie is not zero" },
    LINES_END
};

const DeviceDesc sifive_uart_desc = {
    .name = "sifive-uart",
    .desc = "SiFive UART (FE310/FU540) with 8-entry FIFOs",
    .compatible = sifive_uart_compatible,
    .state_size = sizeof(SifiveUart),
    .props = sifive_uart_props,
    .regions = sifive_uart_regions,
    .outputs = sifive_uart_outputs,
    .realize = sifive_uart_realize,
    .reset = sifive_uart_reset,
    .finalize = sifive_uart_finalize,
};
