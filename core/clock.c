/*
 * The virtual clock and its timers.
 *
 * Armed timers sit in a binary min-heap ordered by (deadline, seq), so the
 * next deadline is at the root and arming or removing a timer costs
 * O(log n).  Each timer records its own heap index, which is what makes
 * timer_del and re-arming an armed timer O(log n) instead of a search.
 *
 * seq comes from one counter bumped at every timer_mod: two timers due at
 * the same instant fire in the order they were armed, whatever the heap's
 * shape, so the same run always fires them the same way.
 */
#include "kiln/clock.h"

static int64_t clock_ns;
static uint64_t timer_seq;
static Timer **heap;
static int heap_len;
static int heap_cap;

void clock_init(void)
{
    /*
     * The timers themselves are not touched: they may be gone already.
     * timer_pending() checks that the heap slot still holds the timer, so
     * one left over from before reads as not armed.
     */
    clock_ns = 0;
    timer_seq = 0;
    heap_len = 0;
}

int64_t clock_now(void)
{
    return clock_ns;
}

static bool timer_before(const Timer *a, const Timer *b)
{
    return a->deadline < b->deadline ||
           (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_place(Timer *t, int i)
{
    heap[i] = t;
    t->heap_index = i;
}

static void heap_sift_up(int i)
{
    Timer *t = heap[i];

    while (i > 0) {
        int parent = (i - 1) / 2;

        if (!timer_before(t, heap[parent])) {
            break;
        }
        heap_place(heap[parent], i);
        i = parent;
    }
    heap_place(t, i);
}

static void heap_sift_down(int i)
{
    Timer *t = heap[i];

    for (;;) {
        int child = 2 * i + 1;

        if (child >= heap_len) {
            break;
        }
        if (child + 1 < heap_len && timer_before(heap[child + 1], heap[child])) {
            child++;
        }
        if (!timer_before(heap[child], t)) {
            break;
        }
        heap_place(heap[child], i);
        i = child;
    }
    heap_place(t, i);
}

/* Take the timer at heap slot I out of the heap. */
static void heap_remove(int i)
{
    Timer *t = heap[i];

    heap_len--;
    if (i != heap_len) {
        Timer *moved = heap[heap_len];

        /* The last timer fills the hole; it may belong above or below. */
        heap_place(moved, i);
        heap_sift_up(i);
        heap_sift_down(moved->heap_index);
    }
    t->heap_index = -1;
}

void timer_init(Timer *t, TimerCallback *cb, void *opaque)
{
    t->deadline = 0;
    t->seq = 0;
    t->heap_index = -1;
    t->cb = cb;
    t->opaque = opaque;
}

bool timer_pending(const Timer *t)
{
    return t->heap_index >= 0 && t->heap_index < heap_len &&
           heap[t->heap_index] == t;
}

void timer_mod(Timer *t, int64_t deadline)
{
    bool armed = timer_pending(t);

    t->deadline = deadline;
    t->seq = ++timer_seq;
    if (armed) {
        /* Re-arming: the new key can only move it up or down. */
        heap_sift_up(t->heap_index);
        heap_sift_down(t->heap_index);
        return;
    }
    if (heap_len == heap_cap) {
        heap_cap = heap_cap ? 2 * heap_cap : 16;
        heap = g_renew(Timer *, heap, heap_cap);
    }
    heap_place(t, heap_len++);
    heap_sift_up(t->heap_index);
}

void timer_del(Timer *t)
{
    if (timer_pending(t)) {
        heap_remove(t->heap_index);
    } else {
        t->heap_index = -1;
    }
}

int64_t clock_next_deadline(void)
{
    return heap_len > 0 ? heap[0]->deadline : -1;
}

int64_t clock_advance_to(int64_t target)
{
    /*
     * Pop one timer at a time rather than collecting the due ones first:
     * a callback may arm, re-arm or delete any timer, and the heap is the
     * only place that knows what is due now.
     */
    while (heap_len > 0 && heap[0]->deadline <= target) {
        Timer *t = heap[0];

        heap_remove(0);
        if (t->deadline > clock_ns) {
            clock_ns = t->deadline;
        }
        t->cb(t->opaque);
    }
    if (target > clock_ns) {
        clock_ns = target;
    }
    return clock_ns;
}

/*
 * Both conversions go through 128 bits: ns up to 2^62 times a frequency up
 * to 10 GHz is about 2^95.  A result that does not fit saturates.
 *
 * ns -> ticks rounds down: it is the number of whole ticks elapsed.
 * ticks -> ns rounds up: it is the first instant at which that many ticks
 * have elapsed, so a timer armed for tick N never fires while the counter
 * still reads N - 1.
 */
uint64_t clock_ns_to_ticks(int64_t ns, uint64_t freq_hz)
{
    unsigned __int128 ticks;

    if (ns <= 0) {
        return 0;
    }
    ticks = (unsigned __int128)ns * freq_hz / NS_PER_SEC;
    return ticks > UINT64_MAX ? UINT64_MAX : (uint64_t)ticks;
}

int64_t clock_ticks_to_ns(uint64_t ticks, uint64_t freq_hz)
{
    unsigned __int128 ns;

    g_return_val_if_fail(freq_hz != 0, INT64_MAX);
    ns = ((unsigned __int128)ticks * NS_PER_SEC + freq_hz - 1) / freq_hz;
    return ns > INT64_MAX ? INT64_MAX : (int64_t)ns;
}

static int64_t pending_stall;

void clock_charge_stall(int64_t ns)
{
    if (ns > 0) {
        pending_stall += ns;
    }
}

int64_t clock_take_stall(void)
{
    int64_t ns = pending_stall;

    pending_stall = 0;
    return ns;
}
