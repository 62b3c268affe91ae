/*
 * The virtual clock: one per kiln process, in nanoseconds.
 *
 * Time never moves by itself.  Under qtest it moves by clock_step and
 * clock_set; with a CPU it moves by instructions retired.  Either way the
 * mover calls clock_advance_to(), which fires every timer whose deadline
 * falls at or before the target, in deadline order, and sets the clock to
 * each deadline before its callback runs, so a callback reads the exact
 * time it was due.
 *
 * Timers are deadlines in a binary min-heap.  Equal deadlines fire in the
 * order the timers were armed (a sequence number breaks the tie), so a run
 * is deterministic.  A callback may re-arm its own timer or any other; a
 * timer re-armed at or before the current time fires in the same
 * clock_advance_to() call.
 */
#ifndef KILN_CLOCK_H
#define KILN_CLOCK_H

#include "kiln/common.h"

typedef void TimerCallback(void *opaque);

typedef struct Timer {
    int64_t deadline;       /* absolute virtual ns; valid while armed */
    uint64_t seq;           /* arming order, breaks ties between equal deadlines */
    int heap_index;         /* position in the heap, -1 when not armed */
    TimerCallback *cb;
    void *opaque;
} Timer;

#define NS_PER_SEC 1000000000LL

/* Forget every timer and set the time to 0 (process start, unit tests). */
void clock_init(void);

/* The current virtual time in ns. */
int64_t clock_now(void);

/*
 * Move the clock forward to TARGET, firing due timers on the way.  A
 * target in the past leaves the clock where it is.  Returns the new time.
 */
int64_t clock_advance_to(int64_t target);

/* The earliest armed deadline, or -1 when no timer is armed. */
int64_t clock_next_deadline(void);

void timer_init(Timer *t, TimerCallback *cb, void *opaque);
/* Arm (or re-arm) T to fire at absolute virtual time DEADLINE ns. */
void timer_mod(Timer *t, int64_t deadline);
void timer_del(Timer *t);
bool timer_pending(const Timer *t);

/*
 * A device access took NS longer than the instruction's own time (a bus
 * stall, a cosim model's annotated delay): the CPU that made it is charged
 * that much time before its next instruction.  Accumulates until taken.
 */
void clock_charge_stall(int64_t ns);
/* The stall charged since the last call, and reset it (the CPU's side). */
int64_t clock_take_stall(void);

/*
 * Convert between a counter of FREQ_HZ and virtual ns, without overflow
 * (results that do not fit saturate).  ns -> ticks rounds down (whole
 * ticks elapsed); ticks -> ns rounds up (the first ns at which that many
 * ticks have elapsed), so a timer armed for tick N fires when the counter
 * reads N, never N - 1.
 */
uint64_t clock_ns_to_ticks(int64_t ns, uint64_t freq_hz);
int64_t clock_ticks_to_ns(uint64_t ticks, uint64_t freq_hz);

#endif
