/*
 * RISC-V Platform-Level Interrupt Controller ("sifive,plic-1.0.0",
 * "riscv,plic0").
 *
 * Models: the PLIC as the RISC-V Platform-Level Interrupt Controller
 * Specification 1.0.0 defines it, with the layout of its "Memory Map"
 * chapter:
 *
 *     0x000000 + 4*src        priority of source src (1..riscv,ndev)
 *     0x001000 + 4*w          pending bits of sources 32w..32w+31
 *     0x002000 + 0x80*ctx     enable bits of context ctx, 32 per word
 *     0x200000 + 0x1000*ctx   priority threshold of context ctx
 *     0x200004 + 0x1000*ctx   claim (read) / complete (write) of ctx
 *
 * Sources are the input lines 1..riscv,ndev (line 0, like interrupt ID 0,
 * does not exist).  Contexts are the output lines, one per entry of the
 * DT's interrupts-extended: on QEMU's virt, M-mode then S-mode of each
 * hart.  A context's line is high while some source is pending, enabled
 * for it, and of a priority above its threshold.
 *
 * Priorities and thresholds have 3 bits (0..7), as on SiFive's FU540; the
 * registers are WARL and keep the low 3 bits of a write.  Priority 0
 * means "never interrupt".
 *
 * Each source has a level-triggered gateway (spec 1.0.0, "Interrupt
 * Gateways"): a high input sets the pending bit unless a request of the
 * same source is already in flight, that is forwarded and not yet
 * completed.  The pending bit stays set when the input falls before the
 * claim, as the spec requires ("the interrupt request remains present in
 * the IP bit").  A claim clears it; the completion re-opens the gateway,
 * and an input still high pends again at once.
 *
 * Claim returns the pending, enabled source of highest priority, the
 * lowest ID among equals, or 0 when there is none.  As the spec says, the
 * threshold masks the notification but not the claim, and completions
 * naming a source not enabled for the context are ignored.
 *
 * Unimplemented: edge-triggered gateways (every source is level
 * triggered); the pending bits are read-only (writes are logged and
 * ignored); a claim is not checked against the context's own completions
 * (the spec does not ask for it).
 */
#include "kiln/device.h"
#include "kiln/log.h"

REG32(PRIORITY, 0x0)
REG32(PENDING, 0x1000)
REG32(ENABLE, 0x2000)
REG32(CONTEXT, 0x200000)
REG32(THRESHOLD, 0x0)       /* in a context's 4 KiB block */
REG32(CLAIM, 0x4)           /* in a context's 4 KiB block */

enum {
    PLIC_MAX_SOURCES = 1023,
    PLIC_WORDS = (PLIC_MAX_SOURCES + 1) / 32,
    PLIC_MAX_CONTEXTS = 15872,
    PLIC_ENABLE_STRIDE = 0x80,
    PLIC_CONTEXT_STRIDE = 0x1000,
    PLIC_PRIORITY_MASK = 0x7,
};

typedef struct PlicContext {
    uint32_t enable[PLIC_WORDS];
    uint32_t threshold;
} PlicContext;

typedef struct SifivePlic {
    Device dev;
    uint32_t ndev;
    IrqLine *irq;                   /* one per context */
    unsigned nr_contexts;
    PlicContext *contexts;
    uint32_t priority[PLIC_MAX_SOURCES + 1];
    uint32_t pending[PLIC_WORDS];
    uint32_t level[PLIC_WORDS];     /* the input lines, as last driven */
    uint32_t in_flight[PLIC_WORDS]; /* gateway closed until completion */
} SifivePlic;

static bool plic_bit(const uint32_t *words, unsigned id)
{
    return words[id / 32] & (1u << (id % 32));
}

static void plic_set_bit(uint32_t *words, unsigned id, bool on)
{
    if (on) {
        words[id / 32] |= 1u << (id % 32);
    } else {
        words[id / 32] &= ~(1u << (id % 32));
    }
}

/* The bits of word W that name existing sources (1..ndev). */
static uint32_t plic_word_mask(const SifivePlic *s, unsigned w)
{
    uint32_t mask = w == 0 ? ~1u : ~0u;   /* ID 0 does not exist */
    unsigned last;                          /* bit of source ndev */

    if (32 * w > s->ndev) {
        return 0;
    }
    last = s->ndev - 32 * w;
    if (last < 31) {
        mask &= (2u << last) - 1;
    }
    return mask;
}

/*
 * The pending source enabled for C of the highest priority above ABOVE,
 * the lowest ID among equals (spec 1.0.0, "Interrupt Identifiers"), or 0.
 */
static unsigned plic_best(const SifivePlic *s, const PlicContext *c,
                          uint32_t above)
{
    unsigned best = 0;
    uint32_t best_prio = above;

    for (unsigned w = 0; w < PLIC_WORDS; w++) {
        uint32_t bits = s->pending[w] & c->enable[w];

        while (bits) {
            unsigned id = 32 * w + __builtin_ctz(bits);

            if (s->priority[id] > best_prio) {
                best = id;
                best_prio = s->priority[id];
            }
            bits &= bits - 1;
        }
    }
    return best;
}

static void plic_update(SifivePlic *s)
{
    for (unsigned i = 0; i < s->nr_contexts; i++) {
        PlicContext *c = &s->contexts[i];

        irq_set(s->irq[i], plic_best(s, c, c->threshold) != 0);
    }
}

/* The gateway forwards a high level unless a request is in flight. */
static void plic_gateway(SifivePlic *s, unsigned id)
{
    if (plic_bit(s->level, id) && !plic_bit(s->in_flight, id)) {
        plic_set_bit(s->in_flight, id, true);
        plic_set_bit(s->pending, id, true);
    }
}

static void plic_set_irq(Device *dev, int n, int level)
{
    SifivePlic *s = DEVICE_STATE(dev, SifivePlic);

    /* Line 0 is interrupt ID 0, which does not exist: nothing behind it. */
    if (n == 0) {
        return;
    }
    plic_set_bit(s->level, n, level);
    plic_gateway(s, n);
    plic_update(s);
}

/*
 * "The claim operation is not affected by the setting of the priority
 * threshold register" (spec 1.0.0, "Interrupt Claim Process"), so that a
 * context may mask its notifications and poll; priority 0 still means
 * never.
 */
static uint32_t plic_claim(SifivePlic *s, PlicContext *c)
{
    unsigned id = plic_best(s, c, 0);

    if (id) {
        plic_set_bit(s->pending, id, false);
        plic_update(s);
    }
    return id;
}

static void plic_complete(SifivePlic *s, PlicContext *c, uint32_t id)
{
    if (id == 0 || id > s->ndev || !plic_bit(c->enable, id)) {
        return;
    }
    plic_set_bit(s->in_flight, id, false);
    plic_gateway(s, id);
    plic_update(s);
}

/* The context whose enable word OFFSET is, or NULL; *W is the word. */
static PlicContext *plic_enable_word(SifivePlic *s, hwaddr offset,
                                     unsigned *w)
{
    unsigned i = (offset - A_ENABLE) / PLIC_ENABLE_STRIDE;

    *w = (offset - A_ENABLE) % PLIC_ENABLE_STRIDE / 4;
    if (i >= s->nr_contexts || !plic_word_mask(s, *w)) {
        return NULL;
    }
    return &s->contexts[i];
}

/* The context whose block OFFSET is in, or NULL; *REG is the offset in it. */
static PlicContext *plic_context(SifivePlic *s, hwaddr offset, hwaddr *reg)
{
    unsigned i = (offset - A_CONTEXT) / PLIC_CONTEXT_STRIDE;

    *reg = (offset - A_CONTEXT) % PLIC_CONTEXT_STRIDE;
    return i < s->nr_contexts ? &s->contexts[i] : NULL;
}

static uint64_t plic_read(void *opaque, hwaddr offset, unsigned size)
{
    SifivePlic *s = opaque;
    PlicContext *c;
    unsigned w;
    hwaddr reg;

    if (offset < A_PENDING) {
        unsigned id = (offset - A_PRIORITY) / 4;

        if (id != 0 && id <= s->ndev) {
            return s->priority[id];
        }
    } else if (offset < A_PENDING + 4 * PLIC_WORDS) {
        w = (offset - A_PENDING) / 4;
        if (plic_word_mask(s, w)) {
            return s->pending[w];
        }
    } else if (offset >= A_ENABLE && offset < A_CONTEXT) {
        c = plic_enable_word(s, offset, &w);
        if (c) {
            return c->enable[w];
        }
    } else if (offset >= A_CONTEXT) {
        c = plic_context(s, offset, &reg);
        if (c && reg == A_THRESHOLD) {
            return c->threshold;
        }
        if (c && reg == A_CLAIM) {
            return plic_claim(s, c);
        }
    }
    log_mask(LOG_GUEST_ERROR, "%s: read at reserved offset 0x%" PRIx64 "\n",
             s->dev.path, offset);
    return 0;
}

static void plic_write(void *opaque, hwaddr offset, uint64_t value,
                       unsigned size)
{
    SifivePlic *s = opaque;
    PlicContext *c;
    unsigned w;
    hwaddr reg;

    if (offset < A_PENDING) {
        unsigned id = (offset - A_PRIORITY) / 4;

        if (id != 0 && id <= s->ndev) {
            s->priority[id] = value & PLIC_PRIORITY_MASK;
            plic_update(s);
            return;
        }
    } else if (offset < A_PENDING + 4 * PLIC_WORDS) {
        if (plic_word_mask(s, (offset - A_PENDING) / 4)) {
            log_mask(LOG_GUEST_ERROR, "%s: write to read-only pending bits "
                     "at 0x%" PRIx64 " (value 0x%" PRIx64 ")\n",
                     s->dev.path, offset, value);
            return;
        }
    } else if (offset >= A_ENABLE && offset < A_CONTEXT) {
        c = plic_enable_word(s, offset, &w);
        if (c) {
            c->enable[w] = value & plic_word_mask(s, w);
            plic_update(s);
            return;
        }
    } else if (offset >= A_CONTEXT) {
        c = plic_context(s, offset, &reg);
        if (c && reg == A_THRESHOLD) {
            c->threshold = value & PLIC_PRIORITY_MASK;
            plic_update(s);
            return;
        }
        if (c && reg == A_CLAIM) {
            plic_complete(s, c, value);
            return;
        }
    }
    log_mask(LOG_GUEST_ERROR, "%s: write at reserved offset 0x%" PRIx64
             " (value 0x%" PRIx64 ")\n", s->dev.path, offset, value);
}

static const MemOps plic_ops = {
    .read = plic_read,
    .write = plic_write,
    .sizes = MEM_SIZE_4,
};

static unsigned plic_nr_inputs(Device *dev)
{
    return DEVICE_STATE(dev, SifivePlic)->ndev + 1;
}

static bool plic_realize(Device *dev, GError **errp)
{
    SifivePlic *s = DEVICE_STATE(dev, SifivePlic);

    s->nr_contexts = device_outputs(dev, "irq")->count;
    if (s->nr_contexts > PLIC_MAX_CONTEXTS) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%u contexts, but a PLIC has room for %d",
                    s->nr_contexts, PLIC_MAX_CONTEXTS);
        return false;
    }
    s->contexts = g_new0(PlicContext, s->nr_contexts);
    return true;
}

static void plic_reset(Device *dev)
{
    SifivePlic *s = DEVICE_STATE(dev, SifivePlic);

    memset(s->priority, 0, sizeof(s->priority));
    /*
     * The inputs are not the PLIC's to reset: a source still high is
     * forwarded by its reopened gateway, as after any completion.
     */
    memcpy(s->pending, s->level, sizeof(s->pending));
    memcpy(s->in_flight, s->level, sizeof(s->in_flight));
    for (unsigned i = 0; i < s->nr_contexts; i++) {
        memset(&s->contexts[i], 0, sizeof(s->contexts[i]));
        irq_lower(s->irq[i]);
    }
}

static void plic_finalize(Device *dev)
{
    g_free(DEVICE_STATE(dev, SifivePlic)->contexts);
}

static const char *const plic_compatible[] = {
    "sifive,plic-1.0.0", "riscv,plic0", NULL
};

static const PropDesc plic_props[] = {
    { .name = "riscv,ndev", .type = PROP_TYPE_U32,
      .offset = offsetof(SifivePlic, ndev), .def = PLIC_MAX_SOURCES,
      .min = 1, .max = PLIC_MAX_SOURCES,
      .help = "number of interrupt sources (IDs 1..ndev)" },
    PROP_END
};

static const RegionDesc plic_regions[] = {
    REGION_IO("plic", &plic_ops),
    REGION_END
};

static const LineDesc plic_outputs[] = {
    { .name = "irq", .offset = offsetof(SifivePlic, irq),
      .help = "one per context, in interrupts-extended order" },
    LINES_END
};

static const LineDesc plic_inputs[] = {
    { .name = "irq", .count_fn = plic_nr_inputs, .input = plic_set_irq,
      .help = "interrupt sources by ID (line 0 unused)" },
    LINES_END
};

const DeviceDesc sifive_plic_desc = {
    .name = "sifive-plic",
    .desc = "RISC-V PLIC 1.0.0: priorities, enables, claim/complete",
    .compatible = plic_compatible,
    .state_size = sizeof(SifivePlic),
    .props = plic_props,
    .regions = plic_regions,
    .outputs = plic_outputs,
    .inputs = plic_inputs,
    .realize = plic_realize,
    .reset = plic_reset,
    .finalize = plic_finalize,
};
