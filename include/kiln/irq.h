/*
 * An interrupt (or any single-bit signal) line is a small value: the
 * handler of the receiving end, its opaque pointer and the input number.
 * The board wires a device's output by storing such a value in it; the
 * device merely sets the level.  A line with no handler is unconnected
 * and setting it does nothing.
 */
#ifndef KILN_IRQ_H
#define KILN_IRQ_H

#include "kiln/common.h"

typedef void IrqHandler(void *opaque, int n, int level);

typedef struct IrqLine {
    IrqHandler *handler;
    void *opaque;
    int n;
} IrqLine;

static inline void irq_set(IrqLine line, int level)
{
    if (line.handler) {
        line.handler(line.opaque, line.n, level);
    }
}

static inline void irq_raise(IrqLine line) { irq_set(line, 1); }
static inline void irq_lower(IrqLine line) { irq_set(line, 0); }

static inline void irq_pulse(IrqLine line)
{
    irq_set(line, 1);
    irq_set(line, 0);
}

static inline bool irq_is_connected(IrqLine line)
{
    return line.handler != NULL;
}

#endif
