/*
 * LR/SC across harts (Unpriv 8.2): two harts each add 1 to one shared
 * counter N times with an LR/SC loop.  The harts take turns in slices, so
 * a turn often ends between a hart's LR and its SC while the other hart
 * stores to the counter; that SC must fail and retry, or increments are
 * lost.  Hart 0 waits for both to finish and checks the counter is 2N.
 * Run with -smp 2.  Exit status: 0 pass, 1 a lost increment.
 */
#define N 40000

    .section .text.init
    .globl _start
_start:
    csrr a0, mhartid
    la t0, counter
    li t1, N
1:  lr.w t2, (t0)
    addi t2, t2, 1
    sc.w t3, t2, (t0)
    bnez t3, 1b
    addi t1, t1, -1
    bnez t1, 1b

    la t0, finished
    li t2, 1
    amoadd.w zero, t2, (t0)
    bnez a0, park

    li t3, 2
2:  lw t2, 0(t0)
    bne t2, t3, 2b

    la t0, counter
    lw t2, 0(t0)
    li t3, 2 * N
    li t0, 0x100000
    bne t2, t3, fail
    li t1, 0x5555
    sw t1, 0(t0)
fail:
    li t1, (1 << 16) | 0x3333
    sw t1, 0(t0)
park:
    wfi
    j park

    .data
    .balign 64
counter:
    .word 0
    .balign 64
finished:
    .word 0
