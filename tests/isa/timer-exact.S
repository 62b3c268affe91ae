/*
 * A machine-timer interrupt armed by a store to mtimecmp in the middle of
 * a run is taken exactly when mtime reaches mtimecmp, not at the end of
 * some longer slice of virtual time.  The handler reads mtime first thing:
 * it must equal mtimecmp (the next tick is 100 ns away; the handler's first
 * instructions take a few ns).  Checked for a deadline a few ticks out and
 * for one far out (beyond the main loop's 1 ms look at host I/O).
 * Exit status: 0 pass; 1/2 the interrupt was late for the first/second.
 */
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME    0x200bff8

    .section .text.init
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li t0, 1 << 7               /* MTIE */
    csrw mie, t0
    li s0, 1                    /* check number */
    li s1, 5                    /* ticks ahead */
    call arm_and_wait
    li s0, 2
    li s1, 25000                /* 2.5 ms */
    call arm_and_wait
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b

/* Arm mtimecmp = mtime + s1, enable interrupts, spin until the handler ran. */
arm_and_wait:
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    add t1, t1, s1
    li t0, CLINT_MTIMECMP
    sd t1, 0(t0)
    li s2, 0                    /* set by the handler */
    csrsi mstatus, 8            /* MIE */
2:  beqz s2, 2b
    ret

    .balign 4
handler:
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t0, CLINT_MTIMECMP
    ld t2, 0(t0)
    bne t1, t2, late
    li t1, -1
    sd t1, 0(t0)                /* quiet the timer */
    li t1, 0x80
    csrc mstatus, t1            /* MPIE: return with interrupts off */
    li s2, 1
    mret
late:
    slli s0, s0, 16
    li t1, 0x3333
    or s0, s0, t1
    li t0, 0x100000
    sw s0, 0(t0)
3:  j 3b
