/*
 * MMIO polling: the loop of a driver that polls device registers.  Each
 * round reads the UART's line status, writes and reads back its scratch
 * register, writes one PLIC priority and reads another, and reads the
 * CLINT's mtime: six device accesses among a handful of instructions.
 *
 * What the registers return is fixed by the devices (LSR's transmitter
 * bits, the values written earlier), so the checksum is the same on any
 * correct -M virt.  mtime is real time on QEMU without -icount, so only
 * its monotony counts: a step backwards spoils the checksum.
 */
#include "bench.h"

#define N_ROUNDS 600000

#define UART_LSR ((volatile uint8_t *)0x10000005)
#define UART_SCR ((volatile uint8_t *)0x10000007)
#define UART_LSR_THRE_TEMT 0x60
#define PLIC_PRIORITY ((volatile uint32_t *)0x0c000000)    /* [source] */
#define CLINT_MTIME ((volatile uint64_t *)0x0200bff8)

int main(void)
{
    uint64_t hash = 0xcbf29ce484222325ull;
    uint64_t last = *CLINT_MTIME, backwards = 0;

    for (uint32_t i = 0; i < N_ROUNDS; i++) {
        /* Priorities are 3 bits on both QEMU's PLIC and kiln's: 0..7. */
        PLIC_PRIORITY[1 + (i & 31)] = i & 7;
        *UART_SCR = (uint8_t)(i * 7 + 3);

        uint32_t lsr = *UART_LSR & UART_LSR_THRE_TEMT;
        uint32_t scr = *UART_SCR;
        uint32_t prio = PLIC_PRIORITY[1 + ((i + 5) & 31)];
        uint64_t now = *CLINT_MTIME;

        backwards += now < last;
        last = now;
        hash = (hash ^ (lsr | scr << 8 | prio << 16)) * 0x100000001b3ull;
    }
    report("mmiopoll", hash ^ backwards);
    return 0;
}
