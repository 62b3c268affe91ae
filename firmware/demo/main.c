/*
 * kiln's demo firmware for the virt board: it says who it runs on, then
 * sleeps through a few machine-timer interrupts, and leaves through the
 * test finisher.  Every number it prints comes from virtual time and
 * retired instructions, so two runs print the very same text.
 */
#include "demo.h"
#include "../virt.h"

#include <stdio.h>
#include <unistd.h>

#define TICKS       5
#define TICK_US     1000u
#define TICK_PERIOD ((uint64_t)VIRT_TIMEBASE_HZ / 1000000u * TICK_US)

/*
 * misa (Priv 3.1.1) as an ISA string: "rv" and the width from MXL, the
 * base (I or E), then the other single-letter extensions in the order the
 * unprivileged spec's naming chapter gives ("IMAFDQLCBKJTPVH").  S and U
 * are privilege modes, not extensions, so they are reported apart.
 */
static void print_isa(unsigned long misa)
{
    static const char order[] = "mafdqlcbkjtpvh";
    static const unsigned widths[] = { 0, 32, 64, 128 };
    unsigned mxl = (unsigned)(misa >> (__riscv_xlen - 2));

    /* misa may read as zero: "not implemented" (Priv 3.1.1). */
    if (misa == 0) {
        printf("isa     : unknown (misa is 0)\n");
        return;
    }
    printf("isa     : rv%u%c", widths[mxl],
           misa & (1ul << ('i' - 'a')) ? 'i' : 'e');
    for (const char *c = order; *c; c++) {
        if (misa & (1ul << (*c - 'a'))) {
            putchar(*c);
        }
    }
    printf("\nmodes   : M%s%s\n", misa & (1ul << ('s' - 'a')) ? " S" : "",
           misa & (1ul << ('u' - 'a')) ? " U" : "");
}

/* Sleep until the tick count passes `seen`; returns the new record. */
static TickRecord wait_for_tick(unsigned seen)
{
    TickRecord t;

    for (;;) {
        /*
         * Check with interrupts masked: a tick landing between the check
         * and WFI still wakes WFI (Priv 3.3.3: WFI resumes on a pending
         * enabled interrupt whatever mstatus.MIE says), and is taken as
         * soon as MIE is set again.
         */
        csr_clear(mstatus, MSTATUS_MIE);
        t = timer_last_tick();
        if (t.count != seen) {
            csr_set(mstatus, MSTATUS_MIE);
            return t;
        }
        __asm__ volatile ("wfi");
        csr_set(mstatus, MSTATUS_MIE);
    }
}

int main(void)
{
    TickRecord t = { 0 };

    uart_init();
    trap_init();
    printf("kiln demo firmware\n");
    printf("hart id : %lu\n", csr_read(mhartid));
    printf("misa    : 0x%lx\n", csr_read(misa));
    print_isa(csr_read(misa));
    printf("timer   : %u ticks of %u us (mtimecmp, %u Hz timebase)\n",
           TICKS, TICK_US, VIRT_TIMEBASE_HZ);

    timer_start(TICK_PERIOD);
    while (t.count < TICKS) {
        t = wait_for_tick(t.count);
        printf("tick %u: mtime %llu minstret %llu\n", t.count,
               (unsigned long long)t.mtime, (unsigned long long)t.minstret);
    }
    timer_stop();

    printf("done: minstret %llu\n", (unsigned long long)read_minstret());
    return 0;
}

/* Where exit() ends up: the test finisher stops the board. */
void _exit(int status)
{
    uint32_t code = status == 0 ? TEST_FINISHER_PASS
                    : ((uint32_t)status << 16) | TEST_FINISHER_FAIL;

    mmio_write32(VIRT_TEST_BASE, code);
    for (;;) {
        __asm__ volatile ("wfi");
    }
}
