/*
 * Bare-metal firmware for kiln's cosim SoC: it programs a cosim timer
 * (the common register map of docs/cosim.md) behind a bridge, takes its
 * interrupt through the PLIC, and checks to the instruction that the
 * interrupt came when the timer's count reached LOAD - the same virtual
 * time at which the C reference model raises it.
 *
 * With -icount 0 every instruction takes 1 ns and a timer tick is 10 ns,
 * so a match LOAD ticks after the store that enabled the timer comes
 * exactly 10 * LOAD instructions after that store.  The trap vector
 * (start.S) reads minstret with its second instruction; the store is the
 * instruction after a minstret read; so the two reads differ by
 * 10 * LOAD + 2.  The expectations assume a model that annotates no delay
 * on its accesses (the C timer's default); a delay would stall the hart.
 *
 * Build-time choices, so the same program serves any timer of the SoC:
 * TIMER_BASE (0x40000000) and TIMER_IRQ (PLIC source 32).
 *
 * The console shows every measurement and the instruction count at the
 * end; the run ends through the test finisher, status 0 when every check
 * passed, otherwise the number of the failed check.
 */
#include <stdbool.h>
#include <stdint.h>

#include "../../../firmware/virt.h"

#ifndef TIMER_BASE
#define TIMER_BASE 0x40000000ul
#endif
#ifndef TIMER_IRQ
#define TIMER_IRQ 32
#endif

/* The common timer map. */
#define TIMER_CTRL      0x00
#define TIMER_LOAD      0x04
#define TIMER_COUNT     0x08
#define TIMER_STATUS    0x0c
#define CTRL_EN         (1u << 0)
#define CTRL_IE         (1u << 1)
#define CTRL_PERIODIC   (1u << 2)
#define STATUS_MATCH    (1u << 0)
#define TICK_NS         10

/* PLIC 1.0.0 (riscv-plic-spec), context 0 = hart 0 M mode on virt. */
#define PLIC_BASE       0x0c000000ul
#define PLIC_PRIORITY(s)  (PLIC_BASE + 4ul * (s))
#define PLIC_ENABLE(s)    (PLIC_BASE + 0x2000ul + 4ul * ((s) / 32))
#define PLIC_THRESHOLD    (PLIC_BASE + 0x200000ul)
#define PLIC_CLAIM        (PLIC_BASE + 0x200004ul)

/* Priv 3.1.6, 3.1.9, 3.1.15. */
#define MSTATUS_MIE     (1ul << 3)
#define MIE_MEIE        (1ul << 11)
#define MCAUSE_MEI      ((1ul << 63) | 11)

#define csr_read(csr) ({                                    \
    unsigned long v_;                                       \
    __asm__ volatile ("csrr %0, " #csr : "=r"(v_));         \
    v_; })
#define csr_set(csr, bits) \
    __asm__ volatile ("csrs " #csr ", %0" : : "r"((unsigned long)(bits)))

/* What the trap handler saw, for main to check. */
static volatile unsigned irq_count;
static volatile uint64_t irq_instret[4];
static volatile uint32_t irq_timer_count;
static volatile unsigned bad_traps;

/* --- console --- */

static void put_char(char c)
{
    while (!(mmio_read8(VIRT_UART0_BASE + 5) & 0x20)) {
        continue;
    }
    mmio_write8(VIRT_UART0_BASE, (uint8_t)c);
}

static void put_str(const char *s)
{
    while (*s) {
        put_char(*s++);
    }
}

static void put_dec(uint64_t v)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        put_char(buf[--n]);
    }
}

static void put_hex(uint64_t v)
{
    put_str("0x");
    for (int shift = 60; shift >= 0; shift -= 4) {
        if (v >> shift || shift == 0) {
            put_char("0123456789abcdef"[(v >> shift) & 0xf]);
        }
    }
}

void finish(int status)
{
    put_str("instret at end: ");
    put_dec(csr_read(minstret));
    put_str(status ? "\nFAIL\n" : "\nPASS\n");
    mmio_write32(VIRT_TEST_BASE, status == 0 ? TEST_FINISHER_PASS
                 : ((uint32_t)status << 16) | TEST_FINISHER_FAIL);
    for (;;) {
        __asm__ volatile ("wfi");
    }
}

/* One check: N is its number, the exit status when it fails. */
static void check(int n, bool ok, const char *what)
{
    if (!ok) {
        put_str("check ");
        put_dec((uint64_t)n);
        put_str(" failed: ");
        put_str(what);
        put_char('\n');
        finish(n);
    }
}

/* --- the timer --- */

static uint32_t timer_read(unsigned reg)
{
    return mmio_read32(TIMER_BASE + reg);
}

static void timer_write(unsigned reg, uint32_t v)
{
    mmio_write32(TIMER_BASE + reg, v);
}

/*
 * Write CTRL right after reading minstret: the store is the instruction
 * after the value returned.
 */
static uint64_t timer_enable_measured(uint32_t ctrl)
{
    uint64_t before;

    __asm__ volatile ("csrr %0, minstret\n\t"
                      "sw %1, 0(%2)"
                      : "=&r"(before)
                      : "r"(ctrl), "r"(TIMER_BASE + TIMER_CTRL)
                      : "memory");
    return before;
}

/* COUNT read 20 instructions after the enabling store: 2 ticks. */
static uint32_t timer_count_after_20(uint32_t ctrl)
{
    uint32_t count;

    __asm__ volatile ("sw %1, 0(%2)\n\t"
                      ".rept 19\n\t"
                      "nop\n\t"
                      ".endr\n\t"
                      "lw %0, 0(%3)"
                      : "=&r"(count)
                      : "r"(ctrl), "r"(TIMER_BASE + TIMER_CTRL),
                        "r"(TIMER_BASE + TIMER_COUNT)
                      : "memory");
    return count;
}

/* Called by trap_vector with minstret as its second instruction read it. */
void trap_handler(uint64_t instret)
{
    uint32_t source;

    if (csr_read(mcause) != MCAUSE_MEI) {
        bad_traps++;
        put_str("unexpected trap: mcause ");
        put_hex(csr_read(mcause));
        put_str(" mepc ");
        put_hex(csr_read(mepc));
        put_char('\n');
        finish(99);
    }
    source = mmio_read32(PLIC_CLAIM);
    if (source == TIMER_IRQ) {
        if (irq_count < 4) {
            irq_instret[irq_count] = instret;
        }
        irq_timer_count = timer_read(TIMER_COUNT);
        irq_count++;
        /* MATCH is sticky: clearing it lowers the line before completion. */
        timer_write(TIMER_STATUS, STATUS_MATCH);
    }
    mmio_write32(PLIC_CLAIM, source);
}

static void wait_irqs(unsigned n)
{
    for (unsigned long spins = 0; irq_count < n; spins++) {
        check(90, spins < 10000000, "no interrupt within 10^7 loops");
    }
}

int main(void)
{
    uint64_t before;
    uint64_t got;
    uint32_t count;

    put_str("cosim timer at ");
    put_hex(TIMER_BASE);
    put_str(", PLIC source ");
    put_dec(TIMER_IRQ);
    put_char('\n');

    check(1, timer_read(TIMER_CTRL) == 0 && timer_read(TIMER_LOAD) == 0 &&
             timer_read(TIMER_COUNT) == 0 && timer_read(TIMER_STATUS) == 0,
          "registers are not 0 after reset");
    timer_write(TIMER_LOAD, 1234);
    check(2, timer_read(TIMER_LOAD) == 1234, "LOAD does not read back");
    put_str("reset values and LOAD: ok\n");

    /* COUNT counts from the enabling store, one per 10 instructions. */
    count = timer_count_after_20(CTRL_EN);
    timer_write(TIMER_CTRL, 0);
    put_str("COUNT 20 instructions after enable: ");
    put_dec(count);
    put_str(" (expected 2)\n");
    check(3, count == 2, "COUNT is not 2 after 20 ns");

    mmio_write32(PLIC_PRIORITY(TIMER_IRQ), 1);
    mmio_write32(PLIC_ENABLE(TIMER_IRQ), 1u << (TIMER_IRQ % 32));
    mmio_write32(PLIC_THRESHOLD, 0);
    csr_set(mie, MIE_MEIE);
    csr_set(mstatus, MSTATUS_MIE);

    /* One-shot: the interrupt exactly 10 * LOAD instructions on. */
    timer_write(TIMER_LOAD, 1000);
    before = timer_enable_measured(CTRL_EN | CTRL_IE);
    wait_irqs(1);
    got = irq_instret[0] - before;
    put_str("one-shot LOAD 1000: interrupt ");
    put_dec(got);
    put_str(" instructions after the enabling read (expected ");
    put_dec(10 * 1000 + 2);
    put_str(")\n");
    check(4, got == 10 * 1000 + 2, "one-shot interrupt not on time");
    check(5, (timer_read(TIMER_STATUS) & STATUS_MATCH) == 0,
          "STATUS.MATCH not cleared by writing 1");
    timer_write(TIMER_CTRL, 0);

    /* Periodic: every 50 ticks, from the enabling store. */
    irq_count = 0;
    timer_write(TIMER_LOAD, 50);
    before = timer_enable_measured(CTRL_EN | CTRL_IE | CTRL_PERIODIC);
    wait_irqs(3);
    timer_write(TIMER_CTRL, 0);
    put_str("periodic LOAD 50: interrupts at");
    for (unsigned i = 0; i < 3; i++) {
        put_str(" +");
        put_dec(irq_instret[i] - before);
    }
    put_str(" (expected +502 +1002 +1502)\n");
    for (unsigned i = 0; i < 3; i++) {
        check(6 + (int)i, irq_instret[i] - before == 500 * (i + 1) + 2,
              "periodic interrupt not on time");
    }

    /* Waiting in WFI: kiln skips to the match and the timer wakes the hart. */
    irq_count = 0;
    timer_write(TIMER_LOAD, 3000);
    timer_write(TIMER_CTRL, CTRL_EN | CTRL_IE);
    while (irq_count == 0) {
        __asm__ volatile ("wfi");
    }
    timer_write(TIMER_CTRL, 0);
    put_str("after WFI: COUNT at the interrupt ");
    put_dec(irq_timer_count);
    put_str(" (expected 3000 plus the handler's few ticks)\n");
    check(9, irq_timer_count >= 3000 && irq_timer_count < 3010,
          "WFI wake-up not at the match");
    check(10, bad_traps == 0, "unexpected traps");
    return 0;
}
