/*
 * The program the gdbstub tests debug: bare metal on the virt board,
 * loaded with -bios at the start of RAM (tests/isa/link.ld).  It sums
 * 1..100 in a loop, stores the sum, prints it and its own minstret on
 * the UART, and ends through the SiFive test finisher with the status
 * in exit_code (0 unless a debugger wrote it).  Symbols the tests break
 * at or read: sum_loop, sum_done, result, exit_code, msg_sum.
 */
#define UART_THR        0x10000000
#define FINISHER        0x100000
#define FINISHER_PASS   0x5555
#define FINISHER_FAIL   0x3333

#if __riscv_xlen == 64
#define SREG sd
#else
#define SREG sw
#endif

    .section .text.init, "ax"
    .globl _start
_start:
    li s0, 0
    li s1, 1
    li s2, 101
    .globl sum_loop
sum_loop:
    add s0, s0, s1
    addi s1, s1, 1
    bne s1, s2, sum_loop
    .globl sum_done
sum_done:
    /* auipc first: a 4-byte instruction, for the stepi check. */
    la t0, result
    SREG s0, 0(t0)
    la a0, msg_sum
    jal puts
    mv a0, s0
    jal puthex
    la a0, msg_instret
    jal puts
    csrr a0, minstret
    jal puthex
    la t0, exit_code
    lw t1, 0(t0)
    li t2, FINISHER
    li t3, FINISHER_PASS
    beqz t1, 1f
    slli t1, t1, 16
    li t3, FINISHER_FAIL
    or t3, t3, t1
1:  sw t3, 0(t2)
2:  j 2b

/* Print the string at a0. */
puts:
    li t0, UART_THR
1:  lbu t1, 0(a0)
    beqz t1, 2f
    sb t1, 0(t0)
    addi a0, a0, 1
    j 1b
2:  ret

/* Print a0 as XLEN/4 hex digits and a newline. */
puthex:
    li t0, UART_THR
    li t2, __riscv_xlen - 4
1:  srl t1, a0, t2
    andi t1, t1, 15
    li t3, 10
    blt t1, t3, 2f
    addi t1, t1, 'a' - '0' - 10
2:  addi t1, t1, '0'
    sb t1, 0(t0)
    addi t2, t2, -4
    bgez t2, 1b
    li t1, '\n'
    sb t1, 0(t0)
    ret

    .data
    .balign 8
    .globl result
result:
    .dword 0, 0
    .globl exit_code
exit_code:
    .word 0
    .globl msg_sum
msg_sum:
    .asciz "sum="
msg_instret:
    .asciz "instret="
