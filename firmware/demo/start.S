/*
 * Reset entry of the demo firmware.  kiln (like QEMU's virt) starts every
 * hart here in M mode with a0 = hartid and a1 = the DTB.  Hart 0 sets up
 * the C environment and runs main(); other harts park, with interrupts
 * off, in WFI.
 *
 * The linker script loads everything in place in RAM, so .data and .tdata
 * need no copy; only .tbss and .bss are cleared.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    bnez    a0, park

    /*
     * The linker turns accesses near __global_pointer$ into gp-relative
     * ones; the one that sets gp must stay as written.
     */
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top

    /*
     * errno is thread-local in picolibc.  The one thread's TLS block is
     * .tdata followed by .tbss, in place (psABI: tp points at its start).
     */
    la      tp, __tls_base

    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:
    call    main
    call    exit

park:
    csrw    mie, zero
3:  wfi
    j       3b
