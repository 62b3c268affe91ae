/*
 * Self-modifying code without fence.i: kiln invalidates translated code
 * whenever its page is written (what the issue asks of it; the spec
 * would allow stale code until a fence.i).  The tricky case: the page was
 * written, and its TLB entry filled for direct stores, BEFORE any code on
 * it was translated; a later store must still reach the slow path.
 * Exit status: 0 pass; 1 the first call; 2 stale code ran after the patch.
 */
    .option norvc
    .section .text.init
    .globl _start
_start:
    la t0, scratch
    sw zero, 0(t0)          /* the page is stored to before it holds code */

    call patch              /* translated now: a0 = 1 */
    li t1, 1
    li t2, 1
    bne a0, t1, fail

    la t0, patch
    li t3, 0x00200513       /* addi a0, zero, 2 */
    sw t3, 0(t0)            /* no fence.i */
    call patch
    li t1, 2
    li t2, 2
    bne a0, t1, fail

    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
fail:
    slli t2, t2, 16
    li t1, 0x3333
    or t2, t2, t1
    li t0, 0x100000
    sw t2, 0(t0)
1:  j 1b

    .section .text.smc, "awx"
    .balign 4096
patch:
    addi a0, zero, 1
    ret
scratch:
    .word 0
