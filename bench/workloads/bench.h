/* What every workload shares: the UART, the counters, a result line. */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

/*
 * BENCH_HOST builds a workload as an ordinary host program, so that
 * bench/run.py can check the checksums of the pure computations against
 * the host's own arithmetic.  The host has no minstret: it reports 0.
 */
#ifdef BENCH_HOST
#include <stdio.h>

static inline void put_char(char c)
{
    putchar(c);
}

static inline uint64_t read_instret(void)
{
    return 0;
}
#else
#define UART_THR ((volatile uint8_t *)0x10000000)

static inline void put_char(char c)
{
    *UART_THR = (uint8_t)c;
}

static inline uint64_t read_instret(void)
{
    uint64_t v;

    __asm__ volatile("csrr %0, minstret" : "=r"(v));
    return v;
}
#endif

static inline void put_str(const char *s)
{
    while (*s) {
        put_char(*s++);
    }
}

static inline void put_hex(uint64_t v)
{
    for (int i = 60; i >= 0; i -= 4) {
        put_char("0123456789abcdef"[(v >> i) & 15]);
    }
}

/* "NAME checksum=... instret=..." so the harness can check and count. */
static inline void report(const char *name, uint64_t checksum)
{
    uint64_t n = read_instret();

    put_str(name);
    put_str(" checksum=");
    put_hex(checksum);
    put_str(" instret=");
    put_hex(n);
    put_char('\n');
}

#endif
