/*
 * The machine-mode trap handler.  The timer interrupt is the only trap
 * the demo expects; anything else is a bug worth a clear last word, so
 * it is reported and the run ends with a failing exit status.
 */
#include "demo.h"

#include <stdio.h>
#include <unistd.h>

/* Priv 3.1.15: mcause's top bit tells interrupts from exceptions. */
#define MCAUSE_INTERRUPT (1ul << (__riscv_xlen - 1))

/*
 * GCC's interrupt attribute saves what the handler clobbers and returns
 * with mret; mtvec's direct mode needs a 4-byte aligned address (3.1.7).
 */
__attribute__((interrupt("machine"), aligned(4)))
static void trap_handler(void)
{
    unsigned long cause = csr_read(mcause);

    if (cause == (MCAUSE_INTERRUPT | IRQ_M_TIMER)) {
        timer_interrupt();
        return;
    }
    printf("unexpected trap: mcause 0x%lx mepc 0x%lx mtval 0x%lx\n",
           cause, csr_read(mepc), csr_read(mtval));
    _exit(1);
}

void trap_init(void)
{
    csr_write(mtvec, (uintptr_t)trap_handler);
}
