/*
 * SiFive Core-Local Interruptor ("sifive,clint0", "riscv,clint0").
 *
 * Models: the CLINT of SiFive's cores and of QEMU's virt board, as
 * described in the SiFive FU540-C000 Manual v1.0, chapter 9 "Core Local
 * Interruptor (CLINT)", and in the RISC-V ACLINT specification 1.0 draft
 * (its MSWI and MTIMER devices, side by side, are the CLINT):
 *
 *     0x0000 + 4*h    msip[h]       bit 0 drives hart h's MSIP
 *     0x4000 + 8*h    mtimecmp[h]   64-bit; MTIP of hart h is high while
 *                                   mtime >= mtimecmp[h]
 *     0xbff8          mtime         64-bit, counts at timebase-frequency
 *
 * mtime is derived from the virtual clock, never stored per tick: it is
 * the value last written plus the whole ticks elapsed since that write.
 * MTIP is a level; each hart has a timer armed at the first virtual ns at
 * which mtime reaches mtimecmp, so the line rises exactly on time,
 * neither a tick early nor a tick late (and, while it is high, at the
 * instant mtime wraps to 0, which lowers it again).
 *
 * The number of harts is taken from the wiring: the DT's
 * interrupts-extended lists MSIP then MTIP for each hart in turn, so
 * output line 2h is hart h's MSIP and line 2h + 1 its MTIP.
 *
 * Accesses of 4 and 8 bytes are accepted; mtime and mtimecmp are 64-bit
 * registers whose 32-bit halves are also reachable.  msip is a 32-bit
 * register: an 8-byte access to the msip block acts as two 4-byte ones.
 *
 * Reset: msip 0 and mtime 0, as the ACLINT specification says, and
 * mtimecmp all ones.  mtimecmp's reset state is unknown on hardware; all
 * ones keeps MTIP low until software programs a compare value, as reset
 * requires every line low.
 *
 * Unimplemented: the ACLINT's SSWI (supervisor software interrupts), a
 * separate device; any delay between a register write or an mtime tick
 * and the hart seeing MSIP or MTIP (here the line changes at that very
 * virtual instant).
 */
#include "kiln/clock.h"
#include "kiln/device.h"
#include "kiln/log.h"

REG32(MSIP, 0x0)
    FIELD(MSIP, PENDING, 0, 1)
REG32(MTIMECMP, 0x4000)
REG32(MTIME, 0xbff8)

/* The layout leaves room for 4095 harts: mtimecmp[4095] would be mtime. */
enum { CLINT_MAX_HARTS = (A_MTIME - A_MTIMECMP) / 8 };

typedef struct SifiveClint SifiveClint;

typedef struct ClintHart {
    SifiveClint *clint;
    unsigned index;
    uint32_t msip;
    uint64_t mtimecmp;
    Timer timer;        /* armed for MTIP's next change */
} ClintHart;

struct SifiveClint {
    Device dev;
    uint32_t timebase_hz;
    IrqLine *irq;       /* 2h: hart h's MSIP, 2h + 1: its MTIP */
    unsigned nr_harts;
    ClintHart *harts;
    /* mtime = mtime_base + ticks elapsed since base_ns. */
    uint64_t mtime_base;
    int64_t base_ns;
};

/* Whole ticks since mtime was last written (or reset). */
static uint64_t clint_elapsed(const SifiveClint *s)
{
    return clock_ns_to_ticks(clock_now() - s->base_ns, s->timebase_hz);
}

static uint64_t clint_mtime(const SifiveClint *s)
{
    return s->mtime_base + clint_elapsed(s);
}

/*
 * Arm hart H's timer for the instant mtime has moved DISTANCE ticks past
 * the ELAPSED ones; 0 means never.  The deadline counts ticks from the
 * base rather than from now, and ticks -> ns rounds up where the
 * counter's ns -> ticks rounds down, so it is the first ns at which the
 * counter reads the target: never a tick early, never late, and always
 * after now.
 */
static void clint_arm(ClintHart *h, uint64_t elapsed, uint64_t distance)
{
    SifiveClint *s = h->clint;
    uint64_t target = elapsed + distance;
    int64_t delay;

    if (distance == 0 || target < elapsed) {
        timer_del(&h->timer);
        return;
    }
    delay = clock_ticks_to_ns(target, s->timebase_hz);
    if (delay >= INT64_MAX - s->base_ns) {
        timer_del(&h->timer);       /* past the end of virtual time */
        return;
    }
    timer_mod(&h->timer, s->base_ns + delay);
}

/*
 * Set hart H's MTIP from the comparison (Priv 3.2.1) and arm the timer
 * for its next change: mtime reaching mtimecmp while it is low, mtime
 * wrapping to 0 while it is high.
 */
static void clint_update_mtip(ClintHart *h)
{
    SifiveClint *s = h->clint;
    IrqLine mtip = s->irq[2 * h->index + 1];
    uint64_t elapsed = clint_elapsed(s);
    uint64_t mtime = s->mtime_base + elapsed;

    if (mtime >= h->mtimecmp) {
        irq_raise(mtip);
        /*
         * It falls when mtime wraps to 0, 2^64 - mtime ticks on; never
         * with mtimecmp 0, which every mtime reaches.
         */
        clint_arm(h, elapsed, h->mtimecmp ? -mtime : 0);
    } else {
        irq_lower(mtip);
        clint_arm(h, elapsed, h->mtimecmp - mtime);
    }
}

static void clint_timer_expired(void *opaque)
{
    clint_update_mtip(opaque);
}

static void clint_set_mtime(SifiveClint *s, uint64_t value)
{
    s->mtime_base = value;
    s->base_ns = clock_now();
    for (unsigned i = 0; i < s->nr_harts; i++) {
        clint_update_mtip(&s->harts[i]);
    }
}

/* VALUE written into the SIZE bytes at byte SHIFT of the 64-bit OLD. */
static uint64_t deposit_access(uint64_t old, unsigned shift, unsigned size,
                               uint64_t value)
{
    uint64_t mask = size == 8 ? UINT64_MAX : ((1ull << (8 * size)) - 1);

    return (old & ~(mask << (8 * shift))) | ((value & mask) << (8 * shift));
}

static uint64_t extract_access(uint64_t reg, unsigned shift, unsigned size)
{
    uint64_t mask = size == 8 ? UINT64_MAX : ((1ull << (8 * size)) - 1);

    return (reg >> (8 * shift)) & mask;
}

static uint64_t clint_read(void *opaque, hwaddr offset, unsigned size)
{
    SifiveClint *s = opaque;

    if (offset < A_MTIMECMP) {
        unsigned hart = offset / 4;

        if (size == 8) {
            return clint_read(s, offset, 4) |
                   clint_read(s, offset + 4, 4) << 32;
        }
        if (hart < s->nr_harts) {
            return s->harts[hart].msip;
        }
    } else if (offset < A_MTIME) {
        unsigned hart = (offset - A_MTIMECMP) / 8;

        if (hart < s->nr_harts) {
            return extract_access(s->harts[hart].mtimecmp, offset % 8, size);
        }
    } else if (offset < A_MTIME + 8) {
        return extract_access(clint_mtime(s), offset - A_MTIME, size);
    }
    log_mask(LOG_GUEST_ERROR, "%s: read of %u bytes at bad offset 0x%"
             PRIx64 "\n", s->dev.path, size, offset);
    return 0;
}

static void clint_write(void *opaque, hwaddr offset, uint64_t value,
                        unsigned size)
{
    SifiveClint *s = opaque;

    if (offset < A_MTIMECMP) {
        unsigned hart = offset / 4;

        if (size == 8) {
            clint_write(s, offset, value & UINT32_MAX, 4);
            clint_write(s, offset + 4, value >> 32, 4);
            return;
        }
        if (hart < s->nr_harts) {
            /* WARL: bits 31..1 are tied to zero (ACLINT, MSIP). */
            s->harts[hart].msip = value & R_MSIP_PENDING_MASK;
            irq_set(s->irq[2 * hart], s->harts[hart].msip);
            return;
        }
    } else if (offset < A_MTIME) {
        unsigned hart = (offset - A_MTIMECMP) / 8;

        if (hart < s->nr_harts) {
            ClintHart *h = &s->harts[hart];

            h->mtimecmp = deposit_access(h->mtimecmp, offset % 8, size, value);
            clint_update_mtip(h);
            return;
        }
    } else if (offset < A_MTIME + 8) {
        clint_set_mtime(s, deposit_access(clint_mtime(s), offset - A_MTIME,
                                          size, value));
        return;
    }
    log_mask(LOG_GUEST_ERROR, "%s: write of %u bytes at bad offset 0x%"
             PRIx64 " (value 0x%" PRIx64 ")\n", s->dev.path, size, offset,
             value);
}

static const MemOps clint_ops = {
    .read = clint_read,
    .write = clint_write,
    .sizes = MEM_SIZE_4 | MEM_SIZE_8,
};

static bool clint_realize(Device *dev, GError **errp)
{
    SifiveClint *s = DEVICE_STATE(dev, SifiveClint);
    unsigned nr_lines = device_outputs(dev, "irq")->count;

    if (nr_lines % 2) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%u interrupt lines, but a CLINT has two per hart "
                    "(MSIP, MTIP)", nr_lines);
        return false;
    }
    if (nr_lines / 2 > CLINT_MAX_HARTS) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%u harts, but a CLINT has room for %d",
                    nr_lines / 2, CLINT_MAX_HARTS);
        return false;
    }
    s->nr_harts = nr_lines / 2;
    s->harts = g_new0(ClintHart, s->nr_harts);
    for (unsigned i = 0; i < s->nr_harts; i++) {
        s->harts[i].clint = s;
        s->harts[i].index = i;
        timer_init(&s->harts[i].timer, clint_timer_expired, &s->harts[i]);
    }
    return true;
}

static void clint_reset(Device *dev)
{
    SifiveClint *s = DEVICE_STATE(dev, SifiveClint);

    s->mtime_base = 0;
    s->base_ns = clock_now();
    for (unsigned i = 0; i < s->nr_harts; i++) {
        ClintHart *h = &s->harts[i];

        h->msip = 0;
        h->mtimecmp = UINT64_MAX;
        timer_del(&h->timer);
        irq_lower(s->irq[2 * i]);
        irq_lower(s->irq[2 * i + 1]);
    }
}

static void clint_finalize(Device *dev)
{
    SifiveClint *s = DEVICE_STATE(dev, SifiveClint);

    for (unsigned i = 0; i < s->nr_harts; i++) {
        timer_del(&s->harts[i].timer);
    }
    g_free(s->harts);
}

static const char *const clint_compatible[] = {
    "sifive,clint0", "riscv,clint0", NULL
};

static const PropDesc clint_props[] = {
    { .name = "timebase-frequency", .type = PROP_TYPE_U32,
      .offset = offsetof(SifiveClint, timebase_hz), .def = 10000000,
      .min = 1, .max = UINT32_MAX,
      .help = "mtime rate in Hz (from /cpus when the node has none)" },
    PROP_END
};

static const RegionDesc clint_regions[] = {
    REGION_IO("clint", &clint_ops),
    REGION_END
};

static const LineDesc clint_outputs[] = {
    { .name = "irq", .offset = offsetof(SifiveClint, irq),
      .help = "2h: hart h's MSIP, 2h+1: its MTIP (one pair per hart)" },
    LINES_END
};

const DeviceDesc sifive_clint_desc = {
    .name = "sifive-clint",
    .desc = "SiFive CLINT: software interrupts, mtime and mtimecmp",
    .compatible = clint_compatible,
    .state_size = sizeof(SifiveClint),
    .props = clint_props,
    .regions = clint_regions,
    .outputs = clint_outputs,
    .realize = clint_realize,
    .reset = clint_reset,
    .finalize = clint_finalize,
};
