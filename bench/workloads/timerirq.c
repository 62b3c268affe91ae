/*
 * Timer interrupts, as fast as they come: the CLINT's mtimecmp is set one
 * tick (100 ns at the 10 MHz timebase) ahead, and the handler re-arms it,
 * until N_IRQS machine timer interrupts have been taken.  The main loop
 * only spins, so the run measures taking and returning from interrupts:
 * about a hundred instructions between two of them when time advances by
 * instructions (kiln, QEMU -icount 0).
 *
 * How many times the main loop spins depends on how fast time runs, so it
 * stays out of the checksum.  What the handler sees does not: every entry
 * must be a machine timer interrupt (mcause), with MTIP pending and mtime
 * at or past mtimecmp (Priv 3.2.1), and the checksum hashes those checks
 * with the count.
 */
#include "bench.h"

#define N_IRQS 50000
#define PERIOD_TICKS 1

#define CLINT_MTIME ((volatile uint64_t *)0x0200bff8)
#define CLINT_MTIMECMP ((volatile uint64_t *)0x02004000)
#define TEST_FINISHER ((volatile uint32_t *)0x100000)

#define MCAUSE_MTI ((1ull << 63) | 7)
#define MIP_MTIP (1u << 7)
#define MSTATUS_MIE (1u << 3)

static volatile uint32_t irq_count;
static uint64_t hash = 0xcbf29ce484222325ull;

static inline uint64_t csr_read_mcause(void)
{
    uint64_t v;

    __asm__ volatile("csrr %0, mcause" : "=r"(v));
    return v;
}

static inline uint64_t csr_read_mip(void)
{
    uint64_t v;

    __asm__ volatile("csrr %0, mip" : "=r"(v));
    return v;
}

/* mtvec's BASE must be 4-byte aligned (Priv 3.1.7); with C, code is 2. */
__attribute__((interrupt("machine"), aligned(4)))
static void timer_handler(void)
{
    uint64_t cause = csr_read_mcause();

    if (cause != MCAUSE_MTI) {
        /* Not a timer interrupt: fail at once, exit code 2. */
        *TEST_FINISHER = 2 << 16 | 0x3333;
        for (;;) {
        }
    }

    uint32_t n = irq_count + 1;
    uint64_t ok = (csr_read_mip() & MIP_MTIP) != 0 &&
                  *CLINT_MTIME >= *CLINT_MTIMECMP;

    hash = (hash ^ (n | ok << 32)) * 0x100000001b3ull;
    irq_count = n;
    /* The last one disarms: mtimecmp at its maximum never matches. */
    *CLINT_MTIMECMP = n < N_IRQS ? *CLINT_MTIME + PERIOD_TICKS : ~0ull;
}

int main(void)
{
    __asm__ volatile("csrw mtvec, %0" : : "r"(timer_handler));
    *CLINT_MTIMECMP = *CLINT_MTIME + PERIOD_TICKS;
    __asm__ volatile("csrs mie, %0" : : "r"(MIP_MTIP));
    __asm__ volatile("csrs mstatus, %0" : : "r"(MSTATUS_MIE));
    while (irq_count < N_IRQS) {
    }
    __asm__ volatile("csrc mstatus, %0" : : "r"(MSTATUS_MIE));
    report("timerirq", hash);
    return 0;
}
