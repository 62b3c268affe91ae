/*
 * Shared macros of the ISA tests (the .S files beside this one), in the
 * spirit of riscv-tests' test_macros.h.  A test is
 *
 *     #include "test.h"
 *     TEST_BEGIN
 *         TEST_CASE(1, a0, 3, li a1, 1; addi a0, a1, 2)
 *         ...
 *     TEST_END
 *
 * and runs bare-metal on the virt board (kiln -M virt -bios X.elf, or QEMU
 * -M virt -bios none -kernel X.elf).  It ends through the SiFive test
 * finisher at 0x100000: 0x5555 when every check passed, (N << 16) | 0x3333
 * when check N failed, so the emulator's exit status is N.  A failure also
 * prints a line on the 16550 UART.
 *
 * Reserved registers (test code must not use them for its own values):
 *   gp      the number of the check running (for failure reports)
 *   t6      scratch of the macros and trap handlers
 *   tp      what the next trap should do (EXPECT_TRAP, EXPECT_TRAP_SKIP);
 *           0: any trap is unexpected and fails the test
 *   s7-s11  what the last expected trap recorded: s7 the mode that took it
 *           (3 M, 1 S), s8 xcause, s9 xepc, s10 xtval, s11 xstatus as the
 *           handler found it
 *
 * Exit codes: 1-249 a check; 254 an unexpected trap taken in S mode,
 * 255 one taken in M mode.  Check numbers must stay below 250 (the
 * finisher's code reaches the process as an 8-bit exit status).
 *
 * Every check can be made to fail on purpose: building with
 * -DTEST_MUTATE=N flips bit 0 of the value check N expects, and the run
 * must then end with status N.  That is how each check was shown able to
 * fail, and how it can be shown again after editing a test.
 *
 * The same source builds for RV64 and RV32; __riscv_xlen tells them apart.
 */
#ifndef KILN_TESTS_ISA_TEST_H
#define KILN_TESTS_ISA_TEST_H

#ifndef TEST_MUTATE
#define TEST_MUTATE 0
#endif

/* --- the board (QEMU's virt memory map) --- */
#define FINISHER        0x100000
#define UART_THR        0x10000000
#define CLINT_MSIP      0x2000000
#define CLINT_MTIMECMP  0x2004000
#define CLINT_MTIME     0x200bff8
#define RAM_BASE        0x80000000

#define FINISHER_PASS   0x5555
#define FINISHER_FAIL   0x3333
#define CODE_TRAP_S     254
#define CODE_TRAP_M     255

/* --- architectural constants (Priv 20211203) --- */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MSTATUS_SIE     (1 << 1)
#define MSTATUS_MIE     (1 << 3)
#define MSTATUS_SPIE    (1 << 5)
#define MSTATUS_MPIE    (1 << 7)
#define MSTATUS_SPP     (1 << 8)
#define MSTATUS_MPP     (3 << 11)
#define MSTATUS_FS      (3 << 13)
#define MSTATUS_MPRV    (1 << 17)
#define MSTATUS_SUM     (1 << 18)
#define MSTATUS_MXR     (1 << 19)
#define MSTATUS_TVM     (1 << 20)
#define MSTATUS_TW      (1 << 21)
#define MSTATUS_TSR     (1 << 22)

#define MIP_SSIP (1 << 1)
#define MIP_MSIP (1 << 3)
#define MIP_STIP (1 << 5)
#define MIP_MTIP (1 << 7)
#define MIP_SEIP (1 << 9)
#define MIP_MEIP (1 << 11)

#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL           2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_U           8
#define CAUSE_ECALL_S           9
#define CAUSE_ECALL_M           11
#define CAUSE_FETCH_PAGE_FAULT  12
#define CAUSE_LOAD_PAGE_FAULT   13
#define CAUSE_STORE_PAGE_FAULT  15

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)

#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

#if __riscv_xlen == 64
#define XLEN        64
#define REGBYTES    8
#define LREG        ld
#define SREG        sd
#define WORD_PTR    .dword
/* An interrupt's xcause: the top bit set (Priv 3.1.15). */
#define IRQ_CAUSE(n) (0x8000000000000000 | (n))
/* The value of a 64-bit or a 32-bit hart, whichever this is. */
#define XLEN_SEL(v64, v32) v64
#else
#define XLEN        32
#define REGBYTES    4
#define LREG        lw
#define SREG        sw
#define WORD_PTR    .word
#define IRQ_CAUSE(n) (0x80000000 | (n))
#define XLEN_SEL(v64, v32) v32
#endif

/* --- checks --- */

/*
 * Fail with check N unless REG holds EXPECTED.  The value REG held is
 * printed; t6 is clobbered.
 */
#define CHECK(n, reg, expected)                                         \
    li gp, n;                                                           \
    li t6, expected;                                                    \
    .if (n) == TEST_MUTATE; xori t6, t6, 1; .endif;                     \
    beq reg, t6, 19999f;                                                \
    mv t6, reg;                                                         \
    j test_fail;                                                        \
19999:

/* Check N: run the instructions after EXPECTED (';' between), then CHECK. */
#define TEST_CASE(n, reg, expected, ...)                                \
    li gp, n;                                                           \
    __VA_ARGS__;                                                        \
    CHECK(n, reg, expected)

/* --- traps ---
 *
 * The M-mode handler (test_trap_m) and the S-mode one (test_trap_s) do
 * what tp says, once: tp = 0 fails the test (the trap was not expected);
 * tp = 1 records the trap and returns past the trapping instruction to
 * the mode it came from; any other tp records the trap and jumps to the
 * address in tp, in the handler's mode, leaving xstatus as trap entry
 * made it.  "Records": s7 = mode of the handler, s8 = xcause, s9 = xepc,
 * s10 = xtval, s11 = xstatus.  EXPECT_TRAP* also set s8 to -1 so that a
 * trap that never came shows as a wrong cause.
 *
 * Skipping reads the trapping instruction's first halfword at xepc with
 * the handler's own view of memory (M: physical; S: through its page
 * table), so use it only where that address reads back the instruction.
 */
#define EXPECT_TRAP(resume)                                             \
    li s8, -1;                                                          \
    la tp, resume

#define EXPECT_TRAP_SKIP                                                \
    li s8, -1;                                                          \
    li tp, 1

/* Use LABEL (4-byte aligned) as the M-mode or S-mode trap vector. */
#define SET_MTVEC(label)                                                \
    la t6, label;                                                       \
    csrw mtvec, t6

#define SET_STVEC(label)                                                \
    la t6, label;                                                       \
    csrw stvec, t6

/* Set mstatus.MPP to MODE (PRV_*), clobbering t6. */
#define SET_MPP(mode)                                                   \
    li t6, MSTATUS_MPP;                                                 \
    csrc mstatus, t6;                                                   \
    li t6, (mode) << 11;                                                \
    csrs mstatus, t6

/* From M mode, continue at LABEL in MODE (through mret). */
#define GOTO_MODE(mode, label)                                          \
    SET_MPP(mode);                                                      \
    la t6, label;                                                       \
    csrw mepc, t6;                                                      \
    mret

#define GOTO_S(label) GOTO_MODE(PRV_S, label)
#define GOTO_U(label) GOTO_MODE(PRV_U, label)

/*
 * From S or U mode, back to M mode at LABEL: an ecall the M handler
 * turns into a jump (s8 = the ecall's cause).
 */
#define RETURN_TO_M(label)                                              \
    EXPECT_TRAP(label);                                                 \
    ecall

/*
 * A loop of N iterations that waits for an interrupt; falls through if
 * none came (the caller's check then sees s8 == -1).
 */
#define SPIN(n)                                                         \
    li t6, n;                                                           \
19998:                                                                  \
    addi t6, t6, -1;                                                    \
    bnez t6, 19998b

/* --- the program --- */

/*
 * Reset: M mode, the default handler, a stack, and a PMP entry (the last
 * one, 15) that opens all memory to S and U mode as firmware does:
 * without any PMP entry an S/U access may be denied (Priv 3.7.1).  Tests
 * of PMP use entries 0-14, which take priority over 15.
 */
#define TEST_BEGIN                                                      \
    .section .text.init, "ax";                                          \
    .globl _start;                                                      \
_start:                                                                 \
    li gp, 0;                                                           \
    li tp, 0;                                                           \
    SET_MTVEC(test_trap_m);                                             \
    SET_STVEC(test_trap_s);                                             \
    la sp, test_stack_top;                                              \
    csrwi mie, 0;                                                       \
    csrwi mip, 0;                                                       \
    csrwi medeleg, 0;                                                   \
    csrwi mideleg, 0;                                                   \
    csrwi satp, 0;                                                      \
    li t6, -1;                                                          \
    csrw pmpaddr15, t6;                                                 \
    TEST_PMPCFG15(PMP_NAPOT | PMP_R | PMP_W | PMP_X);                   \
    j test_main;                                                        \
    TEST_RUNTIME;                                                       \
test_main:

#if __riscv_xlen == 64
#define TEST_PMPCFG15(cfg)                                              \
    li t6, (cfg) << 56;                                                 \
    csrw pmpcfg2, t6
#else
#define TEST_PMPCFG15(cfg)                                              \
    li t6, (cfg) << 24;                                                 \
    csrw pmpcfg3, t6
#endif

/* Every check passed. */
#define TEST_PASS                                                       \
    li t6, FINISHER;                                                    \
    li t5, FINISHER_PASS;                                               \
    sw t5, 0(t6);                                                       \
19997:                                                                  \
    j 19997b

#define TEST_END                                                        \
    TEST_PASS;                                                          \
    .section .bss;                                                      \
    .align 4;                                                           \
    .space 1024;                                                        \
test_stack_top:

/*
 * The code every test carries: failure reports and the two default trap
 * handlers.  Reports go through the UART and the finisher by physical
 * address; from S or U mode that works as long as the test's page table
 * and PMP let it, and otherwise the access faults into test_trap_m, which
 * reports the check that was running.
 */
#define TEST_RUNTIME                                                    \
    .align 2;                                                           \
test_fail:                                                              \
    mv s0, t6;                                                          \
    la a0, test_msg_fail;                                               \
    jal test_puts;                                                      \
    mv a0, gp;                                                          \
    jal test_putdec;                                                    \
    la a0, test_msg_got;                                                \
    jal test_puts;                                                      \
    mv a0, s0;                                                          \
    jal test_puthex;                                                    \
    li a0, 10;                                                        \
    jal test_putc;                                                      \
    slli a0, gp, 16;                                                    \
    li t6, FINISHER_FAIL;                                               \
    or a0, a0, t6;                                                      \
    j test_exit;                                                        \
                                                                        \
    .align 2;                                                           \
test_trap_m:                                                            \
    beqz tp, test_trap_m_unexpected;                                    \
    csrr s8, mcause;                                                    \
    csrr s9, mepc;                                                      \
    csrr s10, mtval;                                                    \
    csrr s11, mstatus;                                                  \
    li s7, PRV_M;                                                       \
    li t6, 1;                                                           \
    beq tp, t6, 1f;                                                     \
    mv t6, tp;                                                          \
    li tp, 0;                                                           \
    jr t6;                                                              \
1:  li tp, 0;                                                           \
    lhu t6, 0(s9);                                                      \
    andi t6, t6, 3;                                                     \
    addi t6, t6, -3;                                                    \
    bnez t6, 2f;                                                        \
    addi t6, s9, 4;                                                     \
    csrw mepc, t6;                                                      \
    mret;                                                               \
2:  addi t6, s9, 2;                                                     \
    csrw mepc, t6;                                                      \
    mret;                                                               \
                                                                        \
test_trap_m_unexpected:                                                 \
    li t6, 0x5bad;                                                      \
    beq s7, t6, test_trap_s_report;                                     \
    csrr s8, mcause;                                                    \
    csrr s9, mepc;                                                      \
    csrr s10, mtval;                                                    \
    la a0, test_msg_trap_m;                                             \
    li s0, (CODE_TRAP_M << 16) | FINISHER_FAIL;                         \
    j test_trap_report;                                                 \
test_trap_s_report:                                                     \
    la a0, test_msg_trap_s;                                             \
    li s0, (CODE_TRAP_S << 16) | FINISHER_FAIL;                         \
test_trap_report:                                                       \
    jal test_puts;                                                      \
    mv a0, gp;                                                          \
    jal test_putdec;                                                    \
    la a0, test_msg_cause;                                              \
    jal test_puts;                                                      \
    mv a0, s8;                                                          \
    jal test_puthex;                                                    \
    la a0, test_msg_epc;                                                \
    jal test_puts;                                                      \
    mv a0, s9;                                                          \
    jal test_puthex;                                                    \
    la a0, test_msg_tval;                                               \
    jal test_puts;                                                      \
    mv a0, s10;                                                         \
    jal test_puthex;                                                    \
    li a0, 10;                                                        \
    jal test_putc;                                                      \
    mv a0, s0;                                                          \
    j test_exit;                                                        \
                                                                        \
    /* An unexpected S-mode trap is reported by M mode: ecall there. */ \
    .align 2;                                                           \
test_trap_s:                                                            \
    beqz tp, test_trap_s_unexpected;                                    \
    csrr s8, scause;                                                    \
    csrr s9, sepc;                                                      \
    csrr s10, stval;                                                    \
    csrr s11, sstatus;                                                  \
    li s7, PRV_S;                                                       \
    li t6, 1;                                                           \
    beq tp, t6, 1f;                                                     \
    mv t6, tp;                                                          \
    li tp, 0;                                                           \
    jr t6;                                                              \
1:  li tp, 0;                                                           \
    lhu t6, 0(s9);                                                      \
    andi t6, t6, 3;                                                     \
    addi t6, t6, -3;                                                    \
    bnez t6, 2f;                                                        \
    addi t6, s9, 4;                                                     \
    csrw sepc, t6;                                                      \
    sret;                                                               \
2:  addi t6, s9, 2;                                                     \
    csrw sepc, t6;                                                      \
    sret;                                                               \
test_trap_s_unexpected:                                                 \
    csrr s8, scause;                                                    \
    csrr s9, sepc;                                                      \
    csrr s10, stval;                                                    \
    li s7, 0x5bad;                                                      \
    ecall;                                                              \
                                                                        \
    /* a0: the finisher command. */                                     \
test_exit:                                                              \
    li t6, FINISHER;                                                    \
    sw a0, 0(t6);                                                       \
1:  j 1b;                                                               \
                                                                        \
    /* UART output: a0 = character / string / number; clobbers t0-t3. */\
test_putc:                                                              \
    li t0, UART_THR;                                                    \
    sb a0, 0(t0);                                                       \
    ret;                                                                \
test_puts:                                                              \
    li t0, UART_THR;                                                    \
1:  lbu t1, 0(a0);                                                      \
    beqz t1, 2f;                                                        \
    sb t1, 0(t0);                                                       \
    addi a0, a0, 1;                                                     \
    j 1b;                                                               \
2:  ret;                                                                \
test_puthex:                                                            \
    li t0, UART_THR;                                                    \
    li t1, '0';                                                         \
    sb t1, 0(t0);                                                       \
    li t1, 'x';                                                         \
    sb t1, 0(t0);                                                       \
    li t2, XLEN - 4;                                                    \
1:  srl t1, a0, t2;                                                     \
    andi t1, t1, 15;                                                    \
    addi t1, t1, '0';                                                   \
    li t3, '9';                                                         \
    ble t1, t3, 2f;                                                     \
    addi t1, t1, 'a' - '0' - 10;                                        \
2:  sb t1, 0(t0);                                                       \
    addi t2, t2, -4;                                                    \
    bgez t2, 1b;                                                        \
    ret;                                                                \
test_putdec:                                                            \
    li t0, UART_THR;                                                    \
    li t2, 100;                                                         \
    li t3, 10;                                                          \
1:  divu t1, a0, t2;                                                    \
    remu t1, t1, t3;                                                    \
    addi t1, t1, '0';                                                   \
    sb t1, 0(t0);                                                       \
    divu t2, t2, t3;                                                    \
    bnez t2, 1b;                                                        \
    ret;                                                                \
                                                                        \
    .section .rodata;                                                   \
test_msg_fail: .asciz "FAIL: check ";                                   \
test_msg_got: .asciz ", got ";                                          \
test_msg_trap_m: .asciz "FAIL: unexpected M-mode trap in check ";       \
test_msg_trap_s: .asciz "FAIL: unexpected S-mode trap in check ";       \
test_msg_cause: .asciz ": cause ";                                      \
test_msg_epc: .asciz " epc ";                                           \
test_msg_tval: .asciz " tval ";                                         \
    .section .text.init, "ax"

#endif
