/*
 * Goldfish real-time clock ("google,goldfish-rtc").
 *
 * Models: the RTC of Android's goldfish virtual platform, as specified in
 * the Android emulator's docs/GOLDFISH-VIRTUAL-HARDWARE.TXT ("goldfish
 * RTC"), with the alarm registers that Linux's drivers/rtc/rtc-goldfish.c
 * and QEMU's hw/rtc/goldfish_rtc.c use on top of that text:
 *
 *     0x00  TIME_LOW         R: the time in ns, low 32 bits; latches the
 *                               high 32 bits for TIME_HIGH
 *                            W: set the low 32 bits of the time
 *     0x04  TIME_HIGH        R: the high 32 bits latched by TIME_LOW
 *                            W: set the high 32 bits of the time
 *     0x08  ALARM_LOW        W: low 32 bits of the alarm; arms it
 *     0x0c  ALARM_HIGH       W: high 32 bits of the alarm (arms nothing)
 *     0x10  IRQ_ENABLED      bit 0: the alarm may raise the interrupt
 *     0x14  CLEAR_ALARM      W: disarm the alarm
 *     0x18  ALARM_STATUS     R: 1 while the alarm is armed
 *     0x1c  CLEAR_INTERRUPT  W: lower the interrupt
 *
 * Time is 64-bit ns since the Unix epoch: the virtual clock plus the
 * start-time property plus what the guest's writes of TIME added, so a
 * run is deterministic; it never reads the host's clock.  A write of one
 * half of TIME keeps the other half of the current time, so Linux's
 * sequence (TIME_HIGH, then TIME_LOW) sets all 64 bits.
 *
 * The alarm compares against that time.  A Timer is armed at the exact
 * virtual ns at which the time reaches the alarm; an alarm at or before
 * the current time fires at once, as in QEMU.  When it fires the alarm
 * disarms and the interrupt becomes pending; the "irq" line is high while
 * an interrupt is pending and IRQ_ENABLED is set.  A write of TIME while
 * the alarm is armed re-arms it against the new time (QEMU instead keeps
 * the deadline computed when the alarm was set).  The alarm registers
 * read back as written.
 *
 * Reset: alarm disarmed and zero, no interrupt pending, IRQ_ENABLED 0,
 * the line low.  The time is kept, as a battery-backed RTC keeps it.
 *
 * Only 32-bit accesses are accepted; an 8-byte access becomes two, low
 * half first, which reads TIME_LOW then the TIME_HIGH it latched.
 *
 * Unimplemented: nothing of the register interface.  The time has ns
 * resolution; the emulator's text allows a coarser one.
 */
#include "kiln/clock.h"
#include "kiln/device.h"
#include "kiln/log.h"

REG32(TIME_LOW, 0x00)
REG32(TIME_HIGH, 0x04)
REG32(ALARM_LOW, 0x08)
REG32(ALARM_HIGH, 0x0c)
REG32(IRQ_ENABLED, 0x10)
    FIELD(IRQ_ENABLED, ENABLE, 0, 1)
REG32(CLEAR_ALARM, 0x14)
REG32(ALARM_STATUS, 0x18)
REG32(CLEAR_INTERRUPT, 0x1c)

/* 2024-01-01T00:00:00Z: a fixed default, so that runs repeat exactly. */
#define GOLDFISH_RTC_DEFAULT_START_NS (1704067200ull * NS_PER_SEC)

typedef struct GoldfishRtc {
    Device dev;
    uint64_t start_ns;          /* property "start-time" */
    IrqLine *irq;

    uint64_t offset_ns;         /* added by the guest's writes of TIME */
    uint32_t time_high;         /* latched by reading TIME_LOW */
    uint64_t alarm_ns;
    bool alarm_armed;
    bool irq_pending;
    bool irq_enabled;
    Timer alarm_timer;
} GoldfishRtc;

static uint64_t goldfish_rtc_now(GoldfishRtc *s)
{
    return (uint64_t)clock_now() + s->start_ns + s->offset_ns;
}

static void goldfish_rtc_update_irq(GoldfishRtc *s)
{
    irq_set(s->irq[0], s->irq_pending && s->irq_enabled);
}

static void goldfish_rtc_fire(GoldfishRtc *s)
{
    timer_del(&s->alarm_timer);
    s->alarm_armed = false;
    s->irq_pending = true;
    goldfish_rtc_update_irq(s);
}

static void goldfish_rtc_alarm_cb(void *opaque)
{
    goldfish_rtc_fire(opaque);
}

/* Arm the timer for the virtual ns at which the time reaches the alarm. */
static void goldfish_rtc_arm(GoldfishRtc *s)
{
    uint64_t now = goldfish_rtc_now(s);
    uint64_t delta;

    if (s->alarm_ns <= now) {
        goldfish_rtc_fire(s);
        return;
    }
    delta = s->alarm_ns - now;
    s->alarm_armed = true;
    if (delta > (uint64_t)(INT64_MAX - clock_now())) {
        /* Past the end of virtual time: it stays armed and never fires. */
        timer_mod(&s->alarm_timer, INT64_MAX);
    } else {
        timer_mod(&s->alarm_timer, clock_now() + (int64_t)delta);
    }
}

/* Make the time read NEW_NS from now on. */
static void goldfish_rtc_set_time(GoldfishRtc *s, uint64_t new_ns)
{
    s->offset_ns += new_ns - goldfish_rtc_now(s);
    if (s->alarm_armed) {
        goldfish_rtc_arm(s);
    }
}

static uint64_t goldfish_rtc_read(void *opaque, hwaddr offset, unsigned size)
{
    GoldfishRtc *s = opaque;
    uint64_t now;

    switch (offset) {
    case A_TIME_LOW:
        now = goldfish_rtc_now(s);
        s->time_high = now >> 32;
        return (uint32_t)now;
    case A_TIME_HIGH:
        return s->time_high;
    case A_ALARM_LOW:
        return (uint32_t)s->alarm_ns;
    case A_ALARM_HIGH:
        return s->alarm_ns >> 32;
    case A_IRQ_ENABLED:
        return s->irq_enabled;
    case A_ALARM_STATUS:
        return s->alarm_armed;
    case A_CLEAR_ALARM:
    case A_CLEAR_INTERRUPT:
        /* Write-only commands: nothing to read, and nothing wrong in it. */
        return 0;
    default:
        log_mask(LOG_GUEST_ERROR, "%s: read at unknown offset 0x%" PRIx64 "\n",
                 s->dev.path, offset);
        return 0;
    }
}

static void goldfish_rtc_write(void *opaque, hwaddr offset, uint64_t value,
                               unsigned size)
{
    GoldfishRtc *s = opaque;
    uint64_t now;

    switch (offset) {
    case A_TIME_LOW:
        now = goldfish_rtc_now(s);
        goldfish_rtc_set_time(s, (now & ~(uint64_t)UINT32_MAX) | value);
        break;
    case A_TIME_HIGH:
        now = goldfish_rtc_now(s);
        goldfish_rtc_set_time(s, (value << 32) | (uint32_t)now);
        break;
    case A_ALARM_LOW:
        s->alarm_ns = (s->alarm_ns & ~(uint64_t)UINT32_MAX) | value;
        goldfish_rtc_arm(s);
        break;
    case A_ALARM_HIGH:
        s->alarm_ns = (value << 32) | (uint32_t)s->alarm_ns;
        break;
    case A_IRQ_ENABLED:
        s->irq_enabled = FIELD_EX32(value, IRQ_ENABLED, ENABLE);
        goldfish_rtc_update_irq(s);
        break;
    case A_CLEAR_ALARM:
        timer_del(&s->alarm_timer);
        s->alarm_armed = false;
        break;
    case A_CLEAR_INTERRUPT:
        s->irq_pending = false;
        goldfish_rtc_update_irq(s);
        break;
    case A_ALARM_STATUS:
        log_mask(LOG_GUEST_ERROR,
                 "%s: write of 0x%" PRIx64 " to read-only ALARM_STATUS\n",
                 s->dev.path, value);
        break;
    default:
        log_mask(LOG_GUEST_ERROR,
                 "%s: write of 0x%" PRIx64 " at unknown offset 0x%" PRIx64
                 "\n", s->dev.path, value, offset);
        break;
    }
}

static bool goldfish_rtc_realize(Device *dev, GError **errp)
{
    GoldfishRtc *s = DEVICE_STATE(dev, GoldfishRtc);

    timer_init(&s->alarm_timer, goldfish_rtc_alarm_cb, s);
    return true;
}

static void goldfish_rtc_reset(Device *dev)
{
    GoldfishRtc *s = DEVICE_STATE(dev, GoldfishRtc);

    timer_del(&s->alarm_timer);
    s->time_high = 0;
    s->alarm_ns = 0;
    s->alarm_armed = false;
    s->irq_pending = false;
    s->irq_enabled = false;
    irq_lower(s->irq[0]);
}

static void goldfish_rtc_finalize(Device *dev)
{
    GoldfishRtc *s = DEVICE_STATE(dev, GoldfishRtc);

    timer_del(&s->alarm_timer);
}

static const MemOps goldfish_rtc_ops = {
    .read = goldfish_rtc_read,
    .write = goldfish_rtc_write,
    .sizes = MEM_SIZE_4,
};

static const char *const goldfish_rtc_compatible[] = {
    "google,goldfish-rtc", NULL
};

static const PropDesc goldfish_rtc_props[] = {
    { .name = "start-time", .type = PROP_TYPE_U64,
      .offset = offsetof(GoldfishRtc, start_ns),
      .def = GOLDFISH_RTC_DEFAULT_START_NS, .min = 0, .max = UINT64_MAX,
      .help = "the time at virtual time 0, in ns since the Unix epoch "
              "(default 2024-01-01T00:00:00Z)" },
    PROP_END
};

static const RegionDesc goldfish_rtc_regions[] = {
    REGION_IO("rtc", &goldfish_rtc_ops),
    REGION_END
};

static const LineDesc goldfish_rtc_outputs[] = {
    { .name = "irq", .count = 1, .offset = offsetof(GoldfishRtc, irq),
      .help = "the alarm interrupt: pending and IRQ_ENABLED" },
    LINES_END
};

const DeviceDesc goldfish_rtc_desc = {
    .name = "goldfish-rtc",
    .desc = "Goldfish RTC: ns time since the epoch from the virtual clock, "
            "one alarm",
    .compatible = goldfish_rtc_compatible,
    .state_size = sizeof(GoldfishRtc),
    .props = goldfish_rtc_props,
    .regions = goldfish_rtc_regions,
    .outputs = goldfish_rtc_outputs,
    .realize = goldfish_rtc_realize,
    .reset = goldfish_rtc_reset,
    .finalize = goldfish_rtc_finalize,
};
