/*
 * Self-modifying code without fence.i: kiln invalidates translated code
 * whenever its page is written (what the issue asks of it; the spec
 * would allow stale code until a fence.i).  The tricky case: the page was
 * written, and its TLB entry filled for direct stores, BEFORE any code on
 * it was translated; a later store must still reach the slow path.
 * Exit status: 0 pass; 1 the first call; 2 stale code ran after the patch;
 * 3, 4 the same with the page's TLB entry among the victims (mmu.c).
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

    /*
     * The same when the page's TLB entry, filled for direct loads and
     * stores, has been pushed among the victims by a page 1 MiB away (the
     * same TLB index) when the code is translated: a load that brings it
     * back must not bring back direct stores.
     */
    la t0, patch2
    lw t6, 8(t0)
    sw zero, 8(t0)          /* the entry: direct loads and stores */
    li t4, 0x100000
    add t5, t0, t4
    lw t6, 0(t5)            /* the page 1 MiB up takes the index */
    call patch2             /* translated now: a0 = 1 */
    li t1, 1
    li t2, 3
    bne a0, t1, fail
    la t0, patch2
    lw t6, 8(t0)            /* brings the old entry back */
    li t3, 0x00200513       /* addi a0, zero, 2 */
    sw t3, 0(t0)
    call patch2
    li t1, 2
    li t2, 4
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

    .balign 4096
patch2:
    addi a0, zero, 1
    ret
    .word 0
