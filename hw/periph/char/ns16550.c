/*
 * 16550A UART ("ns16550a", "ns16550").
 *
 * Models: the National Semiconductor / Texas Instruments PC16550D UART with
 * FIFOs (datasheet SNLS378C, 1995, revised 2015).  Eight byte registers,
 * register N at offset N << reg-shift, reached with accesses of
 * reg-io-width bytes (the low byte carries the register):
 *
 *     0  RBR (read) / THR (write); DLL when LCR.DLAB is set
 *     1  IER; DLM when LCR.DLAB is set
 *     2  IIR (read) / FCR (write)
 *     3  LCR    4  MCR    5  LSR    6  MSR    7  SCR
 *
 * The receiver holds 16 characters in FIFO mode (FCR bit 0) and one in
 * 16450 mode.  Host input from the chardev lands there, never faster than
 * there is room: can_receive is the free space, and reading RBR asks the
 * chardev for more.  THR writes go out to the chardev at once, so THRE and
 * TEMT are set again by the time the write returns (and, with ETBEI, the
 * THRE interrupt is pending again).  In loopback (MCR bit 4) THR feeds the
 * receiver, host input waits, and the modem status inputs follow MCR.
 *
 * Interrupts, in the datasheet's priority order (table "Interrupt Control
 * Functions"): receiver line status (overrun) > received data available or
 * character timeout > THR empty > modem status.  The character timeout
 * fires when the FIFO holds data and nothing entered or left it for four
 * character times: bits per character from LCR (start, 5-8 data, parity,
 * 1, 1.5 or 2 stop bits), 16 x divisor cycles of clock-frequency per bit,
 * measured on the virtual clock.
 *
 * Unimplemented: baud-rate pacing of transmission (characters leave
 * instantly) and of reception (host bytes arrive as fast as the FIFO takes
 * them); parity, framing and break errors (a byte stream carries none), so
 * LSR bits 2-4 and 7 stay clear; break output (LCR bit 6); DMA mode
 * signalling (FCR bit 3 is kept, RXRDY/TXRDY pins do not exist); modem
 * control outputs to the host (the modem inputs read as CTS, DSR and DCD
 * asserted, RI not).  A divisor of 0 stops the baud clock: no character
 * timeout fires until the guest programs DLL/DLM.
 */
#include "kiln/chardev.h"
#include "kiln/clock.h"
#include "kiln/device.h"
#include "kiln/log.h"

/* Register numbers; the byte offset is the number << reg-shift. */
REG8(RBR, 0)
REG8(THR, 0)
REG8(DLL, 0)
REG8(IER, 1)
    FIELD(IER, ERBFI, 0, 1)     /* received data available (and timeout) */
    FIELD(IER, ETBEI, 1, 1)     /* THR empty */
    FIELD(IER, ELSI, 2, 1)      /* receiver line status */
    FIELD(IER, EDSSI, 3, 1)     /* modem status */
REG8(DLM, 1)
REG8(IIR, 2)
    FIELD(IIR, NO_INT, 0, 1)
    FIELD(IIR, ID, 1, 3)
    FIELD(IIR, FIFOS, 6, 2)     /* both set in FIFO mode */
REG8(FCR, 2)
    FIELD(FCR, FIFO_EN, 0, 1)
    FIELD(FCR, RX_RESET, 1, 1)
    FIELD(FCR, TX_RESET, 2, 1)
    FIELD(FCR, DMA, 3, 1)
    FIELD(FCR, TRIGGER, 6, 2)
REG8(LCR, 3)
    FIELD(LCR, WLS, 0, 2)       /* word length - 5 */
    FIELD(LCR, STB, 2, 1)       /* 1.5 (5-bit words) or 2 stop bits */
    FIELD(LCR, PEN, 3, 1)
    FIELD(LCR, DLAB, 7, 1)
REG8(MCR, 4)
    FIELD(MCR, DTR, 0, 1)
    FIELD(MCR, RTS, 1, 1)
    FIELD(MCR, OUT1, 2, 1)
    FIELD(MCR, OUT2, 3, 1)
    FIELD(MCR, LOOP, 4, 1)
REG8(LSR, 5)
    FIELD(LSR, DR, 0, 1)
    FIELD(LSR, OE, 1, 1)
    FIELD(LSR, PE, 2, 1)
    FIELD(LSR, FE, 3, 1)
    FIELD(LSR, BI, 4, 1)
    FIELD(LSR, THRE, 5, 1)
    FIELD(LSR, TEMT, 6, 1)
REG8(MSR, 6)
    FIELD(MSR, DCTS, 0, 1)
    FIELD(MSR, DDSR, 1, 1)
    FIELD(MSR, TERI, 2, 1)
    FIELD(MSR, DDCD, 3, 1)
    FIELD(MSR, CTS, 4, 1)
    FIELD(MSR, DSR, 5, 1)
    FIELD(MSR, RI, 6, 1)
    FIELD(MSR, DCD, 7, 1)
REG8(SCR, 7)

enum {
    NS16550_NR_REGS = 8,
    NS16550_FIFO_SIZE = 16,
    /* IIR bits 3:0 per source (datasheet, "Interrupt Control Functions") */
    IIR_NONE = 0x1,
    IIR_RLS = 0x6,              /* receiver line status */
    IIR_RDA = 0x4,              /* received data available */
    IIR_CTI = 0xc,              /* character timeout indication */
    IIR_THRE = 0x2,
    IIR_MSI = 0x0,              /* modem status */
    LSR_ERRORS = R_LSR_OE_MASK | R_LSR_PE_MASK | R_LSR_FE_MASK | R_LSR_BI_MASK,
    MSR_DELTAS = R_MSR_DCTS_MASK | R_MSR_DDSR_MASK | R_MSR_TERI_MASK |
                 R_MSR_DDCD_MASK,
    MCR_WRITABLE = 0x1f,        /* bits 7:5 are permanently 0 */
    IER_WRITABLE = 0x0f,        /* bits 7:4 are permanently 0 */
};

/* RX FIFO trigger levels selected by FCR bits 7:6. */
static const uint8_t ns16550_trigger_levels[4] = { 1, 4, 8, 14 };

typedef struct Ns16550 {
    Device dev;

    /* properties */
    uint32_t clk_hz;
    uint32_t reg_shift;
    uint32_t reg_io_width;
    char *chardev;
    IrqLine *irq;

    Chardev *chr;
    Timer timeout_timer;

    /* registers as the guest sees them */
    uint8_t ier;
    uint8_t fcr;            /* FIFO enable, DMA mode, trigger as programmed */
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr_errors;     /* OE/PE/FE/BI; DR, THRE and TEMT are derived */
    uint8_t msr;
    uint8_t scr;
    uint8_t dll, dlm;
    uint8_t rbr;            /* the character last read out of the receiver */

    /* receiver: one character in 16450 mode, sixteen in FIFO mode */
    uint8_t rx_fifo[NS16550_FIFO_SIZE];
    unsigned rx_head;
    unsigned rx_count;
    int64_t rx_last;        /* virtual ns of the last character in or out */

    bool thr_ipending;      /* THRE interrupt not yet acknowledged */
    bool timeout_ipending;
    bool irq_level;
} Ns16550;

static bool ns16550_fifo_mode(const Ns16550 *s)
{
    return FIELD_EX32(s->fcr, FCR, FIFO_EN);
}

static bool ns16550_loopback(const Ns16550 *s)
{
    return FIELD_EX32(s->mcr, MCR, LOOP);
}

static unsigned ns16550_rx_capacity(const Ns16550 *s)
{
    return ns16550_fifo_mode(s) ? NS16550_FIFO_SIZE : 1;
}

static bool ns16550_rx_data_available(const Ns16550 *s)
{
    if (!ns16550_fifo_mode(s)) {
        return s->rx_count > 0;
    }
    return s->rx_count >=
           ns16550_trigger_levels[FIELD_EX32(s->fcr, FCR, TRIGGER)];
}

/* The highest-priority enabled pending source, as IIR bits 3:0. */
static uint8_t ns16550_iir_id(const Ns16550 *s)
{
    if (FIELD_EX32(s->ier, IER, ELSI) && (s->lsr_errors & LSR_ERRORS)) {
        return IIR_RLS;
    }
    if (FIELD_EX32(s->ier, IER, ERBFI)) {
        if (s->timeout_ipending) {
            return IIR_CTI;
        }
        if (ns16550_rx_data_available(s)) {
            return IIR_RDA;
        }
    }
    if (FIELD_EX32(s->ier, IER, ETBEI) && s->thr_ipending) {
        return IIR_THRE;
    }
    if (FIELD_EX32(s->ier, IER, EDSSI) && (s->msr & MSR_DELTAS)) {
        return IIR_MSI;
    }
    return IIR_NONE;
}

static void ns16550_update_irq(Ns16550 *s)
{
    bool level = ns16550_iir_id(s) != IIR_NONE;

    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(s->irq[0], level);
    }
}

/*
 * Four character times in ns, or -1 while the divisor is 0 (no baud
 * clock).  One bit lasts 16 x divisor input clock cycles; counting in
 * half bits keeps 1.5 stop bits exact.
 */
static int64_t ns16550_timeout_ns(const Ns16550 *s)
{
    unsigned divisor = s->dll | (unsigned)s->dlm << 8;
    unsigned wls = FIELD_EX32(s->lcr, LCR, WLS);
    unsigned half_bits = 2 * (1 + 5 + wls + FIELD_EX32(s->lcr, LCR, PEN));

    if (divisor == 0) {
        return -1;
    }
    if (!FIELD_EX32(s->lcr, LCR, STB)) {
        half_bits += 2;
    } else {
        half_bits += wls == 0 ? 3 : 4;
    }
    return clock_ticks_to_ns(4ull * half_bits * 8 * divisor, s->clk_hz);
}

/* (Re)start the character timeout from the last receiver activity. */
static void ns16550_arm_timeout(Ns16550 *s)
{
    int64_t timeout = ns16550_timeout_ns(s);

    if (ns16550_fifo_mode(s) && s->rx_count > 0 && timeout >= 0) {
        timer_mod(&s->timeout_timer, s->rx_last + timeout);
    } else {
        timer_del(&s->timeout_timer);
    }
}

static void ns16550_timeout_expired(void *opaque)
{
    Ns16550 *s = opaque;

    if (ns16550_fifo_mode(s) && s->rx_count > 0) {
        s->timeout_ipending = true;
        ns16550_update_irq(s);
    }
}

static void ns16550_rx_clear(Ns16550 *s)
{
    s->rx_head = 0;
    s->rx_count = 0;
    s->timeout_ipending = false;
    timer_del(&s->timeout_timer);
    if (s->chr) {
        chardev_accept_input(s->chr);
    }
}

/*
 * A character reaches the receiver.  With the receiver full it is an
 * overrun: in FIFO mode the new character is lost, in 16450 mode it
 * overwrites RBR (datasheet, LSR bit 1).
 */
static void ns16550_rx_push(Ns16550 *s, uint8_t ch)
{
    if (s->rx_count == ns16550_rx_capacity(s)) {
        s->lsr_errors |= R_LSR_OE_MASK;
        if (!ns16550_fifo_mode(s)) {
            s->rx_fifo[s->rx_head] = ch;
        }
    } else {
        s->rx_fifo[(s->rx_head + s->rx_count) % NS16550_FIFO_SIZE] = ch;
        s->rx_count++;
    }
    s->rx_last = clock_now();
    ns16550_arm_timeout(s);
}

static uint8_t ns16550_read_rbr(Ns16550 *s)
{
    if (s->rx_count == 0) {
        return s->rbr;
    }
    s->rbr = s->rx_fifo[s->rx_head];
    s->rx_head = (s->rx_head + 1) % NS16550_FIFO_SIZE;
    s->rx_count--;
    /* A read clears the timeout indication and restarts its timer. */
    s->timeout_ipending = false;
    s->rx_last = clock_now();
    ns16550_arm_timeout(s);
    if (s->chr && !ns16550_loopback(s)) {
        chardev_accept_input(s->chr);
    }
    return s->rbr;
}

/* The modem status inputs: tied asserted, or MCR's outputs in loopback. */
static uint8_t ns16550_modem_inputs(const Ns16550 *s)
{
    if (!ns16550_loopback(s)) {
        return R_MSR_CTS_MASK | R_MSR_DSR_MASK | R_MSR_DCD_MASK;
    }
    return (FIELD_EX32(s->mcr, MCR, RTS) ? R_MSR_CTS_MASK : 0) |
           (FIELD_EX32(s->mcr, MCR, DTR) ? R_MSR_DSR_MASK : 0) |
           (FIELD_EX32(s->mcr, MCR, OUT1) ? R_MSR_RI_MASK : 0) |
           (FIELD_EX32(s->mcr, MCR, OUT2) ? R_MSR_DCD_MASK : 0);
}

/* Latch the inputs into MSR, setting the delta bits for what changed. */
static void ns16550_update_msr(Ns16550 *s)
{
    uint8_t in = ns16550_modem_inputs(s);
    uint8_t changed = in ^ (s->msr & ~MSR_DELTAS);
    uint8_t deltas = s->msr & MSR_DELTAS;

    if (changed & R_MSR_CTS_MASK) {
        deltas |= R_MSR_DCTS_MASK;
    }
    if (changed & R_MSR_DSR_MASK) {
        deltas |= R_MSR_DDSR_MASK;
    }
    /* TERI reports the trailing edge of RI only. */
    if ((changed & R_MSR_RI_MASK) && !(in & R_MSR_RI_MASK)) {
        deltas |= R_MSR_TERI_MASK;
    }
    if (changed & R_MSR_DCD_MASK) {
        deltas |= R_MSR_DDCD_MASK;
    }
    s->msr = in | deltas;
}

static void ns16550_write_thr(Ns16550 *s, uint8_t ch)
{
    if (ns16550_loopback(s)) {
        ns16550_rx_push(s, ch);
    } else if (s->chr) {
        chardev_write(s->chr, &ch, 1);
    }
    /*
     * The write acknowledged THRE, but the character left at once, so
     * THR is empty again and so is the transmitter: THRE is pending anew.
     */
    s->thr_ipending = true;
}

static void ns16550_write_fcr(Ns16550 *s, uint8_t val)
{
    bool enable = FIELD_EX32(val, FCR, FIFO_EN);

    /* Switching between 16450 and FIFO mode empties the FIFOs. */
    if (enable != ns16550_fifo_mode(s)) {
        s->fcr = 0;
        ns16550_rx_clear(s);
    }
    /* The other bits are programmed only together with FCR bit 0. */
    if (!enable) {
        return;
    }
    s->fcr = val & (R_FCR_FIFO_EN_MASK | R_FCR_DMA_MASK | R_FCR_TRIGGER_MASK);
    if (FIELD_EX32(val, FCR, RX_RESET)) {
        ns16550_rx_clear(s);
    }
    /* TX_RESET: the transmitter never holds a character. */
}

static void ns16550_write_mcr(Ns16550 *s, uint8_t val)
{
    bool was_loopback = ns16550_loopback(s);

    s->mcr = val & MCR_WRITABLE;
    ns16550_update_msr(s);
    if (was_loopback && !ns16550_loopback(s) && s->chr) {
        chardev_accept_input(s->chr);
    }
}

static void ns16550_write_ier(Ns16550 *s, uint8_t val)
{
    /* Enabling ETBEI while THR is empty raises the THRE interrupt. */
    if (!FIELD_EX32(s->ier, IER, ETBEI) && FIELD_EX32(val, IER, ETBEI)) {
        s->thr_ipending = true;
    }
    s->ier = val & IER_WRITABLE;
}

/* The register number for OFFSET, or -1 when no register is there. */
static int ns16550_reg_at(const Ns16550 *s, hwaddr offset)
{
    hwaddr reg = offset >> s->reg_shift;

    if ((offset & ((1u << s->reg_shift) - 1)) || reg >= NS16550_NR_REGS) {
        return -1;
    }
    return (int)reg;
}

static uint64_t ns16550_read(void *opaque, hwaddr offset, unsigned size)
{
    Ns16550 *s = opaque;
    bool dlab = FIELD_EX32(s->lcr, LCR, DLAB);
    uint8_t val = 0;
    uint8_t id;

    switch (ns16550_reg_at(s, offset)) {
    case A_RBR:
        val = dlab ? s->dll : ns16550_read_rbr(s);
        break;
    case A_IER:
        val = dlab ? s->dlm : s->ier;
        break;
    case A_IIR:
        id = ns16550_iir_id(s);
        /* Reading IIR acknowledges THRE when THRE is what it reports. */
        if (id == IIR_THRE) {
            s->thr_ipending = false;
        }
        val = id | (ns16550_fifo_mode(s) ? R_IIR_FIFOS_MASK : 0);
        break;
    case A_LCR:
        val = s->lcr;
        break;
    case A_MCR:
        val = s->mcr;
        break;
    case A_LSR:
        val = s->lsr_errors | R_LSR_THRE_MASK | R_LSR_TEMT_MASK |
              (s->rx_count ? R_LSR_DR_MASK : 0);
        /* Reading LSR clears the error bits (and their interrupt). */
        s->lsr_errors = 0;
        break;
    case A_MSR:
        val = s->msr;
        s->msr &= ~MSR_DELTAS;
        break;
    case A_SCR:
        val = s->scr;
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "%s: read of %u bytes at bad offset 0x%"
                 PRIx64 "\n", s->dev.path, size, offset);
        return 0;
    }
    ns16550_update_irq(s);
    return val;
}

static void ns16550_write(void *opaque, hwaddr offset, uint64_t value,
                          unsigned size)
{
    Ns16550 *s = opaque;
    bool dlab = FIELD_EX32(s->lcr, LCR, DLAB);
    uint8_t val = value;

    switch (ns16550_reg_at(s, offset)) {
    case A_THR:
        if (dlab) {
            s->dll = val;
            ns16550_arm_timeout(s);
        } else {
            ns16550_write_thr(s, val);
        }
        break;
    case A_IER:
        if (dlab) {
            s->dlm = val;
            ns16550_arm_timeout(s);
        } else {
            ns16550_write_ier(s, val);
        }
        break;
    case A_FCR:
        ns16550_write_fcr(s, val);
        break;
    case A_LCR:
        s->lcr = val;
        ns16550_arm_timeout(s);
        break;
    case A_MCR:
        ns16550_write_mcr(s, val);
        break;
    case A_LSR:
    case A_MSR:
        /* Status registers: writes have no effect (LSR's: factory test). */
        break;
    case A_SCR:
        s->scr = val;
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "%s: write of %u bytes at bad offset 0x%"
                 PRIx64 " (value 0x%" PRIx64 ")\n", s->dev.path, size, offset,
                 value);
        return;
    }
    ns16550_update_irq(s);
}

static const MemOps ns16550_ops8 = {
    .read = ns16550_read,
    .write = ns16550_write,
    .sizes = MEM_SIZE_1,
};

static const MemOps ns16550_ops32 = {
    .read = ns16550_read,
    .write = ns16550_write,
    .sizes = MEM_SIZE_4,
};

static size_t ns16550_can_receive(void *opaque)
{
    Ns16550 *s = opaque;

    /* In loopback the serial input is disconnected from the receiver. */
    if (ns16550_loopback(s)) {
        return 0;
    }
    return ns16550_rx_capacity(s) - s->rx_count;
}

static void ns16550_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Ns16550 *s = opaque;

    for (size_t i = 0; i < len; i++) {
        ns16550_rx_push(s, buf[i]);
    }
    ns16550_update_irq(s);
}

static bool ns16550_realize(Device *dev, GError **errp)
{
    Ns16550 *s = DEVICE_STATE(dev, Ns16550);
    uint64_t span = (uint64_t)NS16550_NR_REGS << s->reg_shift;

    if (s->reg_io_width != 1 && s->reg_io_width != 4) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "reg-io-width: must be 1 or 4, not %u", s->reg_io_width);
        return false;
    }
    if (s->reg_io_width == 4 && s->reg_shift < 2) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "reg-shift: reg-io-width 4 needs registers 4 bytes apart "
                    "(reg-shift 2), not reg-shift %u", s->reg_shift);
        return false;
    }
    if (dev->regs[0].size < span) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "reg: 0x%" PRIx64 " bytes, but 8 registers at reg-shift "
                    "%u need 0x%" PRIx64, dev->regs[0].size, s->reg_shift,
                    span);
        return false;
    }
    /* The accepted access width follows reg-io-width. */
    dev->regs[0].mr->ops = s->reg_io_width == 4 ? &ns16550_ops32
                                                : &ns16550_ops8;
    timer_init(&s->timeout_timer, ns16550_timeout_expired, s);
    s->chr = s->chardev ? chardev_find(s->chardev) : NULL;
    if (s->chr) {
        chardev_set_frontend(s->chr, ns16550_can_receive, ns16550_receive,
                             NULL, s);
    }
    return true;
}

/* Datasheet table "UART Reset Configuration"; DLL, DLM and SCR read 0. */
static void ns16550_reset(Device *dev)
{
    Ns16550 *s = DEVICE_STATE(dev, Ns16550);

    s->ier = 0;
    s->fcr = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->lsr_errors = 0;
    s->msr = ns16550_modem_inputs(s);
    s->scr = 0;
    s->dll = 0;
    s->dlm = 0;
    s->rbr = 0;
    s->rx_last = clock_now();
    s->thr_ipending = false;
    /* Also tells the chardev there is room again. */
    ns16550_rx_clear(s);
    s->irq_level = false;
    irq_lower(s->irq[0]);
}

static void ns16550_finalize(Device *dev)
{
    Ns16550 *s = DEVICE_STATE(dev, Ns16550);

    timer_del(&s->timeout_timer);
    if (s->chr) {
        chardev_set_frontend(s->chr, NULL, NULL, NULL, NULL);
    }
}

static const char *const ns16550_compatible[] = { "ns16550a", "ns16550", NULL };

static const PropDesc ns16550_props[] = {
    PROP_U32_RANGE("clock-frequency", Ns16550, clk_hz, 1843200, 1, UINT32_MAX),
    PROP_U32_RANGE("reg-shift", Ns16550, reg_shift, 0, 0, 2),
    PROP_U32_RANGE("reg-io-width", Ns16550, reg_io_width, 1, 1, 4),
    PROP_STRING("chardev", Ns16550, chardev, NULL),
    PROP_END
};

static const RegionDesc ns16550_regions[] = {
    REGION_IO("regs", &ns16550_ops8),
    REGION_END
};

static const LineDesc ns16550_outputs[] = {
    { .name = "irq", .count = 1, .offset = offsetof(Ns16550, irq),
      .help = "interrupt request (INTR), high while IIR reports a source" },
    LINES_END
};

const DeviceDesc ns16550_desc = {
    .name = "ns16550",
    .desc = "16550A UART with 16-byte FIFOs",
    .compatible = ns16550_compatible,
    .state_size = sizeof(Ns16550),
    .props = ns16550_props,
    .regions = ns16550_regions,
    .outputs = ns16550_outputs,
    .realize = ns16550_realize,
    .reset = ns16550_reset,
    .finalize = ns16550_finalize,
};
