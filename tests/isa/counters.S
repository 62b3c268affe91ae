/*
 * The counters (Zicntr; Priv 20211203 3.1.10-3.1.13): minstret counts
 * exactly the instructions retired, so a known sequence gives a known
 * difference; an instruction that traps does not retire, the handler's
 * instructions, mret included, do.
 *
 * Writing minstret: "a value written to instret by one instruction will
 * be the value read by the following instruction" (Unpriv 20191213 9.1:
 * the write is done instead of the increment; Priv 3.1.11: a CSR write
 * takes effect after the writing instruction has otherwise completed).
 * So "csrw minstret, 100; csrr a0, minstret" gives a0 = 100,
 * and one more csrr reads 101.  On RV32 minstret and mcycle are the low
 * halves: writing them leaves minstreth/mcycleh alone, and the count
 * carries into the high half.
 *
 * Access from S and U mode needs the counter's bit in mcounteren, and
 * from U also in scounteren (3.1.12, 4.1.5); time reads the CLINT's mtime.
 * mcountinhibit.IR, when it can be set, stops minstret (3.1.13).
 *
 * QEMU without -icount counts host time, not instructions; with it,
 * QEMU 7.2 also counts an ecall, an illegal instruction and the
 * instruction that writes minstret, against Priv 3.3.1 ("ECALL and
 * EBREAK ... are not considered to retire") and Unpriv 9.1.
 */
#include "test.h"

TEST_BEGIN
    /* Straight-line code: the first csrr and five nops retire */
    li gp, 1
    csrr a0, minstret
    nop
    nop
    nop
    nop
    nop
    csrr a1, minstret
    sub a1, a1, a0
    CHECK(1, a1, 6)

    /* A loop: 10 x (addi, bnez) */
    li gp, 2
    li a2, 10
    csrr a0, minstret
1:  addi a2, a2, -1
    bnez a2, 1b
    csrr a1, minstret
    sub a1, a1, a0
    CHECK(2, a1, 21)

    /* The user alias reads the same counter */
    li gp, 3
    csrr a0, minstret
    csrr a1, instret
    sub a1, a1, a0
    CHECK(3, a1, 1)

    /*
     * A trap: ecall does not retire (Priv 3.3.1); the handler's four
     * instructions, the last its mret, do.
     */
    li gp, 4
    SET_MTVEC(skip_handler)
    csrr a0, minstret
    ecall
    csrr a1, minstret
    sub a1, a1, a0
    CHECK(4, a1, 5)
    /* ... and an illegal instruction does not retire either */
    li gp, 5
    csrr a0, minstret
    .word 0
    csrr a1, minstret
    sub a1, a1, a0
    CHECK(5, a1, 5)
    SET_MTVEC(test_trap_m)

    /* The write rule */
    li gp, 6
    li a1, 100
    csrw minstret, a1
    csrr a0, minstret
    csrr a2, minstret
    CHECK(6, a0, 100)
    CHECK(7, a2, 101)
    /* csrrw reads the old value and writes the new one */
    li gp, 8
    li a1, 5000
    csrw minstret, a1
    li a1, 7
    csrrw a0, minstret, a1
    csrr a2, minstret
    CHECK(8, a0, 5001)
    CHECK(9, a2, 7)
    /* A block that starts at the write still counts from the value */
    li gp, 10
    li a1, 200
    csrw minstret, a1
    nop
    nop
    csrr a0, minstret
    CHECK(10, a0, 202)

#if __riscv_xlen == 32
    /* RV32: the low half wraps into the high half */
    li gp, 11
    li a1, 5
    csrw minstreth, a1
    li a1, 0xfffffffe
    csrw minstret, a1
    csrr a0, minstret
    csrr a1, minstreth
    nop
    csrr a2, minstret
    csrr a3, minstreth
    CHECK(11, a0, 0xfffffffe)
    CHECK(12, a1, 5)
    CHECK(13, a2, 1)
    CHECK(14, a3, 6)
    /* Writing the low half keeps the high half */
    TEST_CASE(16, a0, 6, li a1, 0x10; csrw minstret, a1; csrr a0, minstreth)
    TEST_CASE(17, a0, 6, csrr a0, instreth)
    /* The same for mcycle */
    li a1, 7
    csrw mcycleh, a1
    TEST_CASE(18, a0, 7, li a1, 0x100; csrw mcycle, a1; csrr a0, mcycleh)
    TEST_CASE(19, a0, 7, csrr a0, cycleh)
#endif

    /* mcycle advances, and a write sets it */
    TEST_CASE(20, a0, 1, csrr a1, mcycle; nop; nop; csrr a2, mcycle;
              sltu a0, a1, a2)
    TEST_CASE(21, a0, 1, li a1, 1000; csrw mcycle, a1; csrr a2, mcycle;
              addi a2, a2, -1000; sltiu a0, a2, 10)

    /* time is the CLINT's mtime */
    li gp, 22
    li a3, CLINT_MTIME
    lw a1, 0(a3)
    csrr a2, time
    sub a0, a2, a1
    sltiu a0, a0, 10
    CHECK(22, a0, 1)

    /*
     * Access from U and S mode.  mcounteren = 0: nothing below M may read
     * cycle, time or instret.
     */
    csrw mcounteren, x0
    csrw scounteren, x0
    GOTO_U(1f)
1:  EXPECT_TRAP(1f)
    csrr a0, instret
1:  CHECK(23, s8, CAUSE_ILLEGAL)
    GOTO_S(1f)
1:  EXPECT_TRAP(1f)
    csrr a0, cycle
1:  CHECK(24, s8, CAUSE_ILLEGAL)
    /* mcounteren opens S; U still needs scounteren */
    li a1, 7
    csrw mcounteren, a1
    GOTO_S(1f)
1:  csrr a0, instret
    csrr a0, time
    csrr a0, cycle
    li a0, 1
    RETURN_TO_M(1f)
1:  CHECK(25, a0, 1)
    CHECK(26, s8, CAUSE_ECALL_S)
    GOTO_U(1f)
1:  EXPECT_TRAP(1f)
    csrr a0, time
1:  CHECK(27, s8, CAUSE_ILLEGAL)
    li a1, 5                        /* cycle and instret, not time */
    csrw scounteren, a1
    GOTO_U(1f)
1:  csrr a0, cycle
    csrr a1, instret
    li a0, 2
    EXPECT_TRAP(1f)
    csrr a0, time
1:  CHECK(28, a0, 2)
    CHECK(29, s8, CAUSE_ILLEGAL)
    /* A user read of instret sees minstret, counting */
    li a1, 7
    csrw scounteren, a1
    li a1, 1000
    csrw minstret, a1
    GOTO_U(1f)
1:  csrr a0, instret
    csrr a1, instret
    RETURN_TO_M(1f)
1:  CHECK(30, s8, CAUSE_ECALL_U)
    sub a1, a1, a0
    CHECK(31, a1, 1)
    addi a0, a0, -1000
    sltiu a0, a0, 20
    CHECK(34, a0, 1)

    /* mcountinhibit.IR stops minstret when it can be set */
    li gp, 32
    li a1, 4
    csrs mcountinhibit, a1
    csrr a2, mcountinhibit
    andi a2, a2, 4
    csrr a0, minstret
    nop
    nop
    csrr a1, minstret
    csrw mcountinhibit, x0
    sub a1, a1, a0
    /* a0 = IR set ? a1 == 0 : a1 == 3 */
    snez a2, a2
    li a3, 3
    mul a3, a3, a2
    xori a3, a3, 3
    sub a0, a1, a3
    seqz a0, a0
    CHECK(32, a0, 1)
TEST_END

    .section .text
    .align 2
/* Return past a 4-byte trapping instruction. */
skip_handler:
    csrr t6, mepc
    addi t6, t6, 4
    csrw mepc, t6
    mret
