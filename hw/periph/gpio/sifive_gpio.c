/*
 * SiFive GPIO controller ("sifive,gpio0").
 *
 * Models: the GPIO block of the SiFive FE310-G002 Manual v19p05, chapter
 * 17 "General Purpose Input/Output Controller (GPIO)", up to 32 pins
 * (property ngpios), one bit per pin in every register (17.2):
 *
 *     0x00 input_val   R   pin level, gated by input_en (17.3)
 *     0x04 input_en    RW  input buffer enable
 *     0x08 output_en   RW  output driver enable
 *     0x0c output_val  RW  output value (kept whatever output_en says)
 *     0x10 pue         RW  internal pull-up enable (17.5)
 *     0x14 ds          RW  drive strength (stored only, 17.6)
 *     0x18 rise_ie / 0x1c rise_ip, 0x20 fall_ie / 0x24 fall_ip,
 *     0x28 high_ie / 0x2c high_ip, 0x30 low_ie / 0x34 low_ip   (17.4)
 *     0x38 iof_en, 0x3c iof_sel   RW  hardware I/O function select (17.8)
 *     0x40 out_xor     RW  output inversion (17.7)
 *
 * The level of a pin: a pin driven from outside (its "gpio-in" line has
 * been set) has that level; otherwise a pin whose output_en is set has
 * output_val ^ out_xor; otherwise a pin whose pue is set is pulled up to
 * 1; otherwise it floats, and kiln reads a floating pin as 0.  An outside
 * driver wins over the pin's own output driver, as a stronger driver
 * would.  input_val is the level where input_en is set, else 0.
 *
 * Interrupts (17.4): the pending bits latch from input_val, whatever the
 * enables say: rise_ip on a 0->1 change, fall_ip on 1->0, high_ip while
 * it is 1, low_ip while it is 0.  A pending bit stays set until a 1 is
 * written to it; a level bit whose condition still holds sets again at
 * once.  Interrupt line N is high while pin N has a pending bit whose
 * enable is set.  input_val is 0 after reset (input_en is 0), so low_ip
 * reads all ones after reset, as the level logic latches it.
 *
 * Lines: "irq" (the first list, one per pin: DT interrupts entry N is
 * pin N's interrupt, as in the FE310 device tree, which gives one per
 * pin; pins past the DT's entries have no interrupt wired); "gpio-out"
 * (one per pin: the level this controller puts on the pin - the output
 * driver where output_en is set, else 1 where pue is set, else 0);
 * "gpio-in" (one per pin: the level an outside device drives).
 *
 * Reset: every register 0 (the manual resets the enables; kiln clears
 * the rest too, so that a run after reset repeats exactly), so every
 * output line is low; the outside levels are kept, as the outside world
 * is not reset with the chip.
 *
 * Only 32-bit accesses are accepted (17.2: naturally aligned 32-bit
 * accesses only).  Bits of pins past ngpios read 0 and ignore writes.
 *
 * Unimplemented: the hardware I/O functions (iof_en and iof_sel are
 * stored, but the pin keeps following the GPIO registers); drive
 * strength (stored); the input synchroniser's delay (changes are seen at
 * once); the passthru_high_ie/passthru_low_ie registers of later SiFive
 * GPIO revisions (0x44, 0x48: unknown offsets here).
 */
#include "kiln/device.h"
#include "kiln/log.h"

REG32(INPUT_VAL, 0x00)
REG32(INPUT_EN, 0x04)
REG32(OUTPUT_EN, 0x08)
REG32(OUTPUT_VAL, 0x0c)
REG32(PUE, 0x10)
REG32(DS, 0x14)
REG32(RISE_IE, 0x18)
REG32(RISE_IP, 0x1c)
REG32(FALL_IE, 0x20)
REG32(FALL_IP, 0x24)
REG32(HIGH_IE, 0x28)
REG32(HIGH_IP, 0x2c)
REG32(LOW_IE, 0x30)
REG32(LOW_IP, 0x34)
REG32(IOF_EN, 0x38)
REG32(IOF_SEL, 0x3c)
REG32(OUT_XOR, 0x40)

enum { SIFIVE_GPIO_NR_REGS = R_OUT_XOR + 1, SIFIVE_GPIO_MAX_PINS = 32 };

typedef struct SifiveGpio {
    Device dev;
    uint32_t ngpios;
    IrqLine *irq;
    IrqLine *gpio_out;

    uint32_t regs[SIFIVE_GPIO_NR_REGS];
    uint32_t pin_mask;          /* one bit per existing pin */
    uint32_t ext_driven;        /* pins whose gpio-in line has been set */
    uint32_t ext_level;         /* the levels on those lines */
    uint32_t irq_level;         /* what the "irq" lines carry now */
    uint32_t out_level;         /* what the "gpio-out" lines carry now */
} SifiveGpio;

/* Set the lines of LINES whose bit differs between *NOW and WANT. */
static void sifive_gpio_drive(SifiveGpio *s, IrqLine *lines, uint32_t *now,
                              uint32_t want)
{
    uint32_t changed = (*now ^ want) & s->pin_mask;

    *now = want;
    for (unsigned n = 0; changed; n++, changed >>= 1) {
        if (changed & 1) {
            irq_set(lines[n], (want >> n) & 1);
        }
    }
}

static uint32_t sifive_gpio_own_level(SifiveGpio *s)
{
    uint32_t oe = s->regs[R_OUTPUT_EN];
    uint32_t driven = (s->regs[R_OUTPUT_VAL] ^ s->regs[R_OUT_XOR]) & oe;

    return (driven | (s->regs[R_PUE] & ~oe)) & s->pin_mask;
}

/*
 * Recompute input_val from the pins, latch the pending bits (17.4) and
 * bring every output line up to date.  Called after anything that can
 * change a pin, an enable or a pending bit.
 */
static void sifive_gpio_update(SifiveGpio *s)
{
    uint32_t *r = s->regs;
    uint32_t own = sifive_gpio_own_level(s);
    uint32_t pins = (s->ext_level & s->ext_driven) | (own & ~s->ext_driven);
    uint32_t old = r[R_INPUT_VAL];
    uint32_t val = pins & r[R_INPUT_EN] & s->pin_mask;
    uint32_t pending;

    r[R_INPUT_VAL] = val;
    r[R_RISE_IP] |= val & ~old;
    r[R_FALL_IP] |= ~val & old;
    r[R_HIGH_IP] |= val;
    r[R_LOW_IP] |= ~val & s->pin_mask;

    pending = (r[R_RISE_IP] & r[R_RISE_IE]) | (r[R_FALL_IP] & r[R_FALL_IE]) |
              (r[R_HIGH_IP] & r[R_HIGH_IE]) | (r[R_LOW_IP] & r[R_LOW_IE]);
    sifive_gpio_drive(s, s->irq, &s->irq_level, pending);
    sifive_gpio_drive(s, s->gpio_out, &s->out_level, own);
}

static uint64_t sifive_gpio_read(void *opaque, hwaddr offset, unsigned size)
{
    SifiveGpio *s = opaque;

    if (offset > A_OUT_XOR) {
        log_mask(LOG_GUEST_ERROR, "%s: read at unknown offset 0x%" PRIx64 "\n",
                 s->dev.path, offset);
        return 0;
    }
    return s->regs[offset / 4];
}

static void sifive_gpio_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    SifiveGpio *s = opaque;
    uint32_t v = (uint32_t)value & s->pin_mask;

    switch (offset) {
    case A_INPUT_VAL:
        log_mask(LOG_GUEST_ERROR,
                 "%s: write of 0x%" PRIx64 " to read-only input_val\n",
                 s->dev.path, value);
        return;
    case A_RISE_IP:
    case A_FALL_IP:
    case A_HIGH_IP:
    case A_LOW_IP:
        /* 17.4: a pending bit is cleared by writing 1 to it. */
        s->regs[offset / 4] &= ~v;
        break;
    default:
        if (offset > A_OUT_XOR) {
            log_mask(LOG_GUEST_ERROR,
                     "%s: write of 0x%" PRIx64 " at unknown offset 0x%" PRIx64
                     "\n", s->dev.path, value, offset);
            return;
        }
        s->regs[offset / 4] = v;
        break;
    }
    sifive_gpio_update(s);
}

static void sifive_gpio_set_input(Device *dev, int n, int level)
{
    SifiveGpio *s = DEVICE_STATE(dev, SifiveGpio);
    uint32_t bit = 1u << n;

    s->ext_driven |= bit;
    s->ext_level = level ? s->ext_level | bit : s->ext_level & ~bit;
    sifive_gpio_update(s);
}

static unsigned sifive_gpio_count(Device *dev)
{
    return DEVICE_STATE(dev, SifiveGpio)->ngpios;
}

static bool sifive_gpio_realize(Device *dev, GError **errp)
{
    SifiveGpio *s = DEVICE_STATE(dev, SifiveGpio);

    s->pin_mask = s->ngpios == 32 ? UINT32_MAX : (1u << s->ngpios) - 1;
    return true;
}

static void sifive_gpio_reset(Device *dev)
{
    SifiveGpio *s = DEVICE_STATE(dev, SifiveGpio);

    memset(s->regs, 0, sizeof(s->regs));
    for (unsigned n = 0; n < s->ngpios; n++) {
        irq_lower(s->irq[n]);
        irq_lower(s->gpio_out[n]);
    }
    s->irq_level = 0;
    s->out_level = 0;
    sifive_gpio_update(s);
}

static const MemOps sifive_gpio_ops = {
    .read = sifive_gpio_read,
    .write = sifive_gpio_write,
    .sizes = MEM_SIZE_4,
};

static const char *const sifive_gpio_compatible[] = { "sifive,gpio0", NULL };

static const PropDesc sifive_gpio_props[] = {
    { .name = "ngpios", .type = PROP_TYPE_U32,
      .offset = offsetof(SifiveGpio, ngpios), .def = SIFIVE_GPIO_MAX_PINS,
      .min = 1, .max = SIFIVE_GPIO_MAX_PINS,
      .help = "number of pins (the FE310 has 32)" },
    PROP_END
};

static const RegionDesc sifive_gpio_regions[] = {
    REGION_IO("gpio", &sifive_gpio_ops),
    REGION_END
};

static const LineDesc sifive_gpio_outputs[] = {
    { .name = "irq", .count_fn = sifive_gpio_count,
      .offset = offsetof(SifiveGpio, irq),
      .help = "one per pin: pending & enabled (DT interrupts entry N is "
              "pin N)" },
    { .name = "gpio-out", .count_fn = sifive_gpio_count,
      .offset = offsetof(SifiveGpio, gpio_out),
      .help = "one per pin: output_val ^ out_xor where output_en, else "
              "pue" },
    LINES_END
};

static const LineDesc sifive_gpio_inputs[] = {
    { .name = "gpio-in", .count_fn = sifive_gpio_count,
      .input = sifive_gpio_set_input,
      .help = "one per pin: the level driven from outside" },
    LINES_END
};

const DeviceDesc sifive_gpio_desc = {
    .name = "sifive-gpio",
    .desc = "SiFive GPIO controller (FE310): up to 32 pins with edge and "
            "level interrupts",
    .compatible = sifive_gpio_compatible,
    .state_size = sizeof(SifiveGpio),
    .props = sifive_gpio_props,
    .regions = sifive_gpio_regions,
    .outputs = sifive_gpio_outputs,
    .inputs = sifive_gpio_inputs,
    .realize = sifive_gpio_realize,
    .reset = sifive_gpio_reset,
};
