/*
 * The reference timer of kiln's cosim examples, in C on libkiln-cosim.
 * The C, SystemC and RTL timers all implement this register map, so one
 * test and one firmware serve them all; this one is the yardstick for
 * "the interrupt arrives at the same virtual time as the C model raises
 * it".  32-bit registers, little-endian:
 *
 *     0x00 CTRL    bit 0 EN (count), bit 1 IE (interrupt enable),
 *                  bit 2 PERIODIC (reload on match)
 *     0x04 LOAD    compare value in ticks
 *     0x08 COUNT   current count (read-only), one tick per 10 ns
 *     0x0c STATUS  bit 0 MATCH (sticky; write 1 to clear)
 *
 * Used by kiln-timer-model (timer_main.c) and by tests that run the model
 * in their own process.
 */
#ifndef KILN_MODELS_TIMER_MODEL_H
#define KILN_MODELS_TIMER_MODEL_H

#include <stdbool.h>

#include "kiln-cosim.h"

#define TIMER_TICK_NS 10

enum {
    TIMER_CTRL = 0x00,
    TIMER_LOAD = 0x04,
    TIMER_COUNT = 0x08,
    TIMER_STATUS = 0x0c,
};

enum {
    TIMER_CTRL_EN = 1u << 0,
    TIMER_CTRL_IE = 1u << 1,
    TIMER_CTRL_PERIODIC = 1u << 2,
    TIMER_STATUS_MATCH = 1u << 0,
};

typedef struct TimerModel {
    CosimModel *link;
    unsigned irq_line;      /* the bridge's interrupt this timer drives */
    uint64_t delay_ns;      /* annotated on every access */
    uint32_t ctrl;
    uint32_t load;
    uint32_t status;
    uint32_t stopped_count; /* COUNT while EN is 0 */
    uint64_t base;          /* the time COUNT was last 0, while EN is 1 */
    bool fired;             /* one-shot: matched since enabled or loaded */
    uint64_t match_at;      /* next match, or COSIM_TIME_NEVER */
    uint64_t now;
    bool line;              /* the level last sent */
} TimerModel;

extern const CosimChannelOps timer_model_ops;

/* A timer in its reset state, driving interrupt IRQ_LINE of LINK. */
void timer_model_init(TimerModel *t, CosimModel *link, unsigned irq_line,
                      uint64_t delay_ns);

#endif
