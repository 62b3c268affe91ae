/*
 * Entry and trap vector of the cosim timer firmware (timer-irq.c), RV64,
 * M mode, one hart.  The vector reads minstret with its second
 * instruction, before anything else can run, and hands it to the C
 * handler: that is how the firmware measures, to the instruction, when
 * the interrupt came.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    bnez    a0, park
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    la      tp, __tls_base
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:  la      t0, trap_vector
    csrw    mtvec, t0
    call    main
    /* main returns the exit status: the test finisher ends the run. */
    call    finish
park:
    csrw    mie, zero
3:  wfi
    j       3b

/*
 * minstret as read here is the count at the trap plus one (the csrw
 * before it retired).  Caller-saved registers are kept on the stack;
 * the C handler saves the rest itself.
 */
    .text
    .balign 4
    .globl trap_vector
trap_vector:
    csrw    mscratch, t0
    csrr    t0, minstret
    addi    sp, sp, -128
    sd      ra, 0(sp)
    sd      t1, 8(sp)
    sd      t2, 16(sp)
    sd      a0, 24(sp)
    sd      a1, 32(sp)
    sd      a2, 40(sp)
    sd      a3, 48(sp)
    sd      a4, 56(sp)
    sd      a5, 64(sp)
    sd      a6, 72(sp)
    sd      a7, 80(sp)
    sd      t3, 88(sp)
    sd      t4, 96(sp)
    sd      t5, 104(sp)
    sd      t6, 112(sp)
    mv      a0, t0
    call    trap_handler
    ld      ra, 0(sp)
    ld      t1, 8(sp)
    ld      t2, 16(sp)
    ld      a0, 24(sp)
    ld      a1, 32(sp)
    ld      a2, 40(sp)
    ld      a3, 48(sp)
    ld      a4, 56(sp)
    ld      a5, 64(sp)
    ld      a6, 72(sp)
    ld      a7, 80(sp)
    ld      t3, 88(sp)
    ld      t4, 96(sp)
    ld      t5, 104(sp)
    ld      t6, 112(sp)
    addi    sp, sp, 128
    csrr    t0, mscratch
    mret
