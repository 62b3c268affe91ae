/*
 * The reference timer (timer_model.h has the register map).
 *
 * Time is kept lazily: COUNT is computed from the time it was last 0, and
 * the next compare match is one number, which is also what next_event
 * announces, so kiln stops its CPU at the match and the interrupt is
 * raised at that very nanosecond.
 *
 * Semantics, where the common map leaves room:
 * - Writing CTRL.EN 0 -> 1 restarts COUNT at 0 at the time of the write;
 *   the first match is LOAD ticks later.  EN 1 -> 0 freezes COUNT.
 * - COUNT is 32 bits and wraps.  A match happens when COUNT reaches LOAD
 *   (LOAD >= 1): PERIODIC restarts COUNT at 0 there (so COUNT reads 0 at
 *   the match), one-shot keeps counting and matches once per enable or
 *   per LOAD write.
 * - A LOAD written below the current COUNT matches only after COUNT wraps.
 * - The line is STATUS.MATCH & CTRL.IE; clearing MATCH lowers it at once,
 *   so the model has no lookahead and kiln acknowledges every write.
 * - Only aligned 32-bit accesses; others, and offsets past STATUS, are bus
 *   errors.
 */
#include "timer_model.h"

#include <string.h>

/* COUNT wraps after 2^32 ticks. */
#define TIMER_WRAP_NS ((uint64_t)TIMER_TICK_NS << 32)

static uint32_t timer_count(const TimerModel *t)
{
    if (!(t->ctrl & TIMER_CTRL_EN)) {
        return t->stopped_count;
    }
    return (uint32_t)((t->now - t->base) / TIMER_TICK_NS);
}

static void timer_schedule(TimerModel *t)
{
    uint64_t at;

    if (!(t->ctrl & TIMER_CTRL_EN) || t->load == 0 ||
        (!(t->ctrl & TIMER_CTRL_PERIODIC) && t->fired)) {
        t->match_at = COSIM_TIME_NEVER;
        return;
    }
    at = t->base + (uint64_t)t->load * TIMER_TICK_NS;
    if (at <= t->now) {
        at += ((t->now - at) / TIMER_WRAP_NS + 1) * TIMER_WRAP_NS;
    }
    t->match_at = at;
}

static void timer_update_irq(TimerModel *t)
{
    bool level = (t->status & TIMER_STATUS_MATCH) && (t->ctrl & TIMER_CTRL_IE);

    if (level != t->line) {
        t->line = level;
        cosim_model_set_irq(t->link, t->irq_line, level);
    }
}

/*
 * Matches up to NOW.  Periodic matches after the first change nothing a
 * bus or a line can see (MATCH is sticky), so they are skipped over in
 * one step, and next_event announces a match only while MATCH is clear.
 */
static void timer_advance(void *opaque, uint64_t now)
{
    TimerModel *t = opaque;

    if (t->match_at <= now) {
        uint64_t at = t->match_at;

        t->status |= TIMER_STATUS_MATCH;
        if (t->ctrl & TIMER_CTRL_PERIODIC) {
            uint64_t period = (uint64_t)t->load * TIMER_TICK_NS;

            t->base = at + (now - at) / period * period;
        } else {
            t->fired = true;
        }
        t->now = now;
        timer_schedule(t);
        timer_update_irq(t);
    }
    t->now = now;
}

static uint64_t timer_next_event(void *opaque)
{
    TimerModel *t = opaque;

    return (t->status & TIMER_STATUS_MATCH) ? COSIM_TIME_NEVER : t->match_at;
}

static CosimStatus timer_read(void *opaque, uint64_t addr, void *data,
                              uint32_t size, uint64_t *delay_ns)
{
    TimerModel *t = opaque;
    uint32_t v;
    uint8_t *p = data;

    if (size != 4 || addr % 4) {
        return COSIM_GENERIC_ERROR;
    }
    switch (addr) {
    case TIMER_CTRL:
        v = t->ctrl;
        break;
    case TIMER_LOAD:
        v = t->load;
        break;
    case TIMER_COUNT:
        v = timer_count(t);
        break;
    case TIMER_STATUS:
        v = t->status;
        break;
    default:
        return COSIM_ADDRESS_ERROR;
    }
    for (unsigned i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
    *delay_ns = t->delay_ns;
    return COSIM_OK;
}

static void timer_write_ctrl(TimerModel *t, uint32_t v)
{
    uint32_t old = t->ctrl;

    v &= TIMER_CTRL_EN | TIMER_CTRL_IE | TIMER_CTRL_PERIODIC;
    if (!(old & TIMER_CTRL_EN) && (v & TIMER_CTRL_EN)) {
        t->base = t->now;
        t->fired = false;
    } else if ((old & TIMER_CTRL_EN) && !(v & TIMER_CTRL_EN)) {
        t->stopped_count = timer_count(t);
    }
    t->ctrl = v;
}

static CosimStatus timer_write(void *opaque, uint64_t addr, const void *data,
                               uint32_t size, uint64_t *delay_ns)
{
    TimerModel *t = opaque;
    const uint8_t *p = data;
    uint32_t v = 0;

    if (size != 4 || addr % 4) {
        return COSIM_GENERIC_ERROR;
    }
    for (unsigned i = 0; i < 4; i++) {
        v |= (uint32_t)p[i] << (8 * i);
    }
    switch (addr) {
    case TIMER_CTRL:
        timer_write_ctrl(t, v);
        break;
    case TIMER_LOAD:
        t->load = v;
        t->fired = false;
        break;
    case TIMER_COUNT:
        break;
    case TIMER_STATUS:
        t->status &= ~(v & TIMER_STATUS_MATCH);
        break;
    default:
        return COSIM_ADDRESS_ERROR;
    }
    timer_schedule(t);
    timer_update_irq(t);
    *delay_ns = t->delay_ns;
    return COSIM_OK;
}

static void timer_reset(void *opaque)
{
    TimerModel *t = opaque;

    t->ctrl = 0;
    t->load = 0;
    t->status = 0;
    t->stopped_count = 0;
    t->base = t->now;
    t->fired = false;
    t->match_at = COSIM_TIME_NEVER;
    timer_update_irq(t);
}

const CosimChannelOps timer_model_ops = {
    .read = timer_read,
    .write = timer_write,
    .advance = timer_advance,
    .next_event = timer_next_event,
    .reset = timer_reset,
};

void timer_model_init(TimerModel *t, CosimModel *link, unsigned irq_line,
                      uint64_t delay_ns)
{
    memset(t, 0, sizeof(*t));
    t->link = link;
    t->irq_line = irq_line;
    t->delay_ns = delay_ns;
    t->match_at = COSIM_TIME_NEVER;
}
