/*
 * What the parts of the demo firmware share: the console, the machine
 * timer, and CSR access.
 */
#ifndef FIRMWARE_DEMO_H
#define FIRMWARE_DEMO_H

#include <stdint.h>

#define csr_read(csr) ({                                    \
    unsigned long v_;                                       \
    __asm__ volatile ("csrr %0, " #csr : "=r"(v_));         \
    v_; })
#define csr_write(csr, v) \
    __asm__ volatile ("csrw " #csr ", %0" : : "r"((unsigned long)(v)))
#define csr_set(csr, bits) \
    __asm__ volatile ("csrs " #csr ", %0" : : "r"((unsigned long)(bits)))
#define csr_clear(csr, bits) \
    __asm__ volatile ("csrc " #csr ", %0" : : "r"((unsigned long)(bits)))

/* Priv 3.1.6 (mstatus) and 3.1.9 (mip/mie). */
#define MSTATUS_MIE (1ul << 3)
#define MIE_MTIE    (1ul << 7)
#define IRQ_M_TIMER 7

/* ns16550.c: set the UART up; printf() works from then on. */
void uart_init(void);

/* clint.c: the machine timer. */
uint64_t clint_read_mtime(void);
/* Interrupt every period_ticks of mtime, starting one period from now. */
void timer_start(uint64_t period_ticks);
void timer_stop(void);
/* Timer interrupts taken so far, and mtime and minstret at the last one. */
typedef struct TickRecord {
    unsigned count;
    uint64_t mtime;
    uint64_t minstret;
} TickRecord;
TickRecord timer_last_tick(void);
/* The trap handler's share of a machine-timer interrupt. */
void timer_interrupt(void);

/* trap.c: point mtvec at the handler. */
void trap_init(void);

/* minstret, all 64 bits on RV32 too. */
uint64_t read_minstret(void);

#endif
