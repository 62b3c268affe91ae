/*
 * The machine timer: the CLINT's mtime and this hart's mtimecmp (SiFive
 * FU540-C000 manual, chapter 9; Priv 3.2.1), driving a periodic
 * machine-timer interrupt.
 */
#include "demo.h"
#include "../virt.h"

static uint64_t period;
static uint64_t next_deadline;
static volatile TickRecord last_tick;

uint64_t read_minstret(void)
{
#if __riscv_xlen == 32
    uint32_t hi, lo;

    /* Re-read if the low half carried into the high one in between. */
    do {
        hi = csr_read(minstreth);
        lo = csr_read(minstret);
    } while (hi != csr_read(minstreth));
    return ((uint64_t)hi << 32) | lo;
#else
    return csr_read(minstret);
#endif
}

uint64_t clint_read_mtime(void)
{
#if __riscv_xlen == 32
    uint32_t hi, lo;

    do {
        hi = mmio_read32(CLINT_MTIME + 4);
        lo = mmio_read32(CLINT_MTIME);
    } while (hi != mmio_read32(CLINT_MTIME + 4));
    return ((uint64_t)hi << 32) | lo;
#else
    return *(volatile uint64_t *)CLINT_MTIME;
#endif
}

static void clint_write_mtimecmp(uint64_t v)
{
    uintptr_t reg = CLINT_MTIMECMP(csr_read(mhartid));

#if __riscv_xlen == 32
    /*
     * Priv 3.2.1: with 32-bit stores, raise the low half first so that no
     * intermediate value is below both the old and the new compare value
     * and fires a spurious interrupt.
     */
    mmio_write32(reg, UINT32_MAX);
    mmio_write32(reg + 4, (uint32_t)(v >> 32));
    mmio_write32(reg, (uint32_t)v);
#else
    *(volatile uint64_t *)reg = v;
#endif
}

void timer_start(uint64_t period_ticks)
{
    period = period_ticks;
    next_deadline = clint_read_mtime() + period;
    clint_write_mtimecmp(next_deadline);
    csr_set(mie, MIE_MTIE);
}

void timer_stop(void)
{
    csr_clear(mie, MIE_MTIE);
    clint_write_mtimecmp(UINT64_MAX);
}

/*
 * Called by the trap handler.  The next deadline counts from the last
 * one, not from now, so the handler's own run time never makes the
 * ticks drift.
 */
void timer_interrupt(void)
{
    last_tick.mtime = clint_read_mtime();
    last_tick.minstret = read_minstret();
    last_tick.count++;
    next_deadline += period;
    clint_write_mtimecmp(next_deadline);
}

TickRecord timer_last_tick(void)
{
    TickRecord t;

    t.count = last_tick.count;
    t.mtime = last_tick.mtime;
    t.minstret = last_tick.minstret;
    return t;
}
