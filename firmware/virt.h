/*
 * The memory map of kiln's (and QEMU's) "virt" board, as bare-metal
 * firmware sees it: the addresses in dts/virt-common.dtsi.  Firmware that
 * read them from the DT handed over in a1 would be more general; these
 * programs are small on purpose and hard-wire them.
 */
#ifndef FIRMWARE_VIRT_H
#define FIRMWARE_VIRT_H

#include <stdint.h>

#define VIRT_TEST_BASE      0x00100000ul   /* sifive,test1 finisher */
#define VIRT_CLINT_BASE     0x02000000ul
#define VIRT_UART0_BASE     0x10000000ul   /* ns16550a, byte registers */

/* CLINT (SiFive FU540-C000 manual, chapter 9). */
#define CLINT_MTIMECMP(hart) (VIRT_CLINT_BASE + 0x4000ul + 8ul * (hart))
#define CLINT_MTIME          (VIRT_CLINT_BASE + 0xbff8ul)
#define VIRT_TIMEBASE_HZ     10000000u     /* /cpus/timebase-frequency */

/* Test finisher: 0x5555 passes, (code << 16) | 0x3333 fails with code. */
#define TEST_FINISHER_PASS  0x5555u
#define TEST_FINISHER_FAIL  0x3333u

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
    *(volatile uint8_t *)addr = v;
}

static inline uint8_t mmio_read8(uintptr_t addr)
{
    return *(volatile uint8_t *)addr;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static inline uint32_t mmio_read32(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

#endif
