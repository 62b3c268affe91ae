/*
 * Interrupts (Priv 20211203 3.1.6.1, 3.1.7, 3.1.9, 3.3.3) with the
 * virt board's CLINT (mtimecmp, msip) and mip's software-writable S bits:
 *   - the machine timer: MTIP follows mtime >= mtimecmp; with MTIE and
 *     MIE the interrupt is taken, mcause = 2^(XLEN-1) + 7, mepc the next
 *     instruction to run; not before its time;
 *   - the machine software interrupt from CLINT msip, cause 3, taken
 *     right after the store that raises it;
 *   - priority: MSI before MTI;
 *   - a vectored mtvec or stvec sends interrupt N to base + 4N;
 *   - M interrupts are taken in S mode whatever mstatus.MIE;
 *   - WFI returns when an enabled interrupt is pending, even with MIE = 0,
 *     and then the interrupt is taken as soon as MIE is set; with MIE = 1
 *     it is taken with mepc after the wfi;
 *   - delegated S interrupts: SSIP set through sip from S mode traps to
 *     stvec with scause = 2^(XLEN-1) + 1 when SIE; never in M mode;
 *     always in U mode; STIP set by M mode gives cause 5 in S, and S
 *     cannot clear it;
 *   - an undelegated SSIP is an M interrupt, cause 1.
 */
#include "test.h"

/* Long enough for a tick to pass on a host running QEMU, in mtime ticks. */
#define SOON 1000

TEST_BEGIN
    /* MTIP follows mtime >= mtimecmp; not taken without MTIE / MIE */
    li a0, 0
    jal timer_in
    TEST_CASE(1, a0, MIP_MTIP, csrr a0, mip; andi a0, a0, MIP_MTIP)
    jal timer_off
    TEST_CASE(2, a0, 0, csrr a0, mip; andi a0, a0, MIP_MTIP)

    /* The timer interrupt: not early, then taken with cause 7 */
    li a0, SOON
    jal timer_in
    li a0, MIP_MTIP
    csrw mie, a0
    EXPECT_TRAP(1f)
    csrsi mstatus, MSTATUS_MIE
    SPIN(20)
    li tp, 0
    li gp, 3
    /* still nothing: the deadline is SOON ticks away */
    CHECK(3, s8, -1)
    EXPECT_TRAP(1f)
    SPIN(100000000)
1:  CHECK(4, s8, IRQ_CAUSE(7))
    /* the trap cleared MIE and saved it in MPIE */
    andi a0, s11, MSTATUS_MIE | MSTATUS_MPIE
    CHECK(5, a0, MSTATUS_MPIE)
    /* it came when mtime reached mtimecmp */
    jal timer_passed
    CHECK(6, a0, 1)
    jal timer_off
    csrw mie, x0

    /* mepc is the instruction the interrupt preempted: the one after csrs */
    li a0, 0
    jal timer_in
    li a0, MIP_MTIP
    csrw mie, a0
    EXPECT_TRAP(1f)
    csrsi mstatus, MSTATUS_MIE
2:  j test_fail
1:  CHECK(7, s8, IRQ_CAUSE(7))
    la a0, 2b
    sub a0, s9, a0
    CHECK(8, a0, 0)
    jal timer_off
    csrw mie, x0

    /* The software interrupt from CLINT msip */
    li a1, CLINT_MSIP
    li a0, 1
    sw a0, 0(a1)
    TEST_CASE(9, a0, MIP_MSIP, csrr a0, mip; andi a0, a0, MIP_MSIP)
    li a0, MIP_MSIP
    csrw mie, a0
    EXPECT_TRAP(1f)
    csrsi mstatus, MSTATUS_MIE
    j test_fail
1:  CHECK(10, s8, IRQ_CAUSE(3))
    sw x0, 0(a1)
    TEST_CASE(11, a0, 0, csrr a0, mip; andi a0, a0, MIP_MSIP)

    /*
     * A store to the CLINT that raises an enabled interrupt: taken right
     * after the store, mepc = the next instruction.  The spec allows a
     * delay (QEMU 7.2 takes it at the end of its translation block); kiln
     * promises none (target/riscv/cpu.c), and this checks that promise.
     */
    li a0, MIP_MSIP
    csrw mie, a0
    csrsi mstatus, MSTATUS_MIE
    li a0, 1
    EXPECT_TRAP(1f)
    sw a0, 0(a1)
2:  j test_fail
1:  CHECK(36, s8, IRQ_CAUSE(3))
    la a0, 2b
    sub a0, s9, a0
    CHECK(37, a0, 0)
    sw x0, 0(a1)
    csrw mie, x0

    /* Priority: MSI and MTI both pending: MSI first, then MTI */
    li a0, 1
    sw a0, 0(a1)
    li a0, 0
    jal timer_in
    li a0, MIP_MSIP | MIP_MTIP
    csrw mie, a0
    EXPECT_TRAP(1f)
    csrsi mstatus, MSTATUS_MIE
    j test_fail
1:  CHECK(12, s8, IRQ_CAUSE(3))
    sw x0, 0(a1)
    EXPECT_TRAP(1f)
    csrsi mstatus, MSTATUS_MIE
    j test_fail
1:  CHECK(13, s8, IRQ_CAUSE(7))
    jal timer_off
    csrw mie, x0

    /* Vectored mtvec: the timer goes to base + 4 * 7 */
    la a0, vec_table
    ori a0, a0, 1
    csrw mtvec, a0
    li a0, 0
    jal timer_in
    li a0, MIP_MTIP
    csrw mie, a0
    li a0, 0
    csrsi mstatus, MSTATUS_MIE
    CHECK(14, a0, 7)
    SET_MTVEC(test_trap_m)
    jal timer_off
    csrw mie, x0

    /* M interrupts are enabled in S mode even with MIE = 0 */
    csrci mstatus, MSTATUS_MIE
    li a0, 0
    jal timer_in
    li a0, MIP_MTIP
    csrw mie, a0
    li t6, MSTATUS_MPIE
    csrc mstatus, t6
    EXPECT_TRAP(1f)
    GOTO_S(2f)
2:  j test_fail
1:  CHECK(15, s8, IRQ_CAUSE(7))
    la a0, 2b
    sub a0, s9, a0
    CHECK(16, a0, 0)
    srli a0, s11, 11
    andi a0, a0, 3
    CHECK(17, a0, PRV_S)
    jal timer_off
    csrw mie, x0

    /* WFI returns on a pending enabled interrupt with MIE = 0 */
    li a0, SOON
    jal timer_in
    li a0, MIP_MTIP
    csrw mie, a0
    csrci mstatus, MSTATUS_MIE
    wfi
    /* (a WFI may also return early: wait for the interrupt itself) */
1:  csrr a0, mip
    andi a0, a0, MIP_MTIP
    beqz a0, 1b
    jal timer_passed
    CHECK(18, a0, 1)
    /* ... and the interrupt is taken as soon as MIE is set */
    EXPECT_TRAP(1f)
    csrsi mstatus, MSTATUS_MIE
    j test_fail
1:  CHECK(19, s8, IRQ_CAUSE(7))
    jal timer_off
    csrw mie, x0

    /* WFI with MIE = 1: the interrupt is taken, mepc after the wfi */
    li a0, SOON
    jal timer_in
    li a0, MIP_MTIP
    csrw mie, a0
    EXPECT_TRAP(1f)
    csrsi mstatus, MSTATUS_MIE
    wfi
2:  SPIN(100000000)
    j test_fail
1:  CHECK(38, s8, IRQ_CAUSE(7))
    la a0, 2b
    sub a0, s9, a0
    CHECK(39, a0, 0)
    jal timer_off
    csrw mie, x0

    /* An undelegated SSIP is an M interrupt with cause 1 */
    li a0, MIP_SSIP
    csrw mie, a0
    EXPECT_TRAP(1f)
    csrs mip, a0
    csrsi mstatus, MSTATUS_MIE
    j test_fail
1:  CHECK(20, s8, IRQ_CAUSE(1))
    csrw mip, x0

    /*
     * Delegated SSIP: M mode never takes it, whatever MIE and SIE; S mode
     * takes it when SIE, through stvec.
     */
    csrw mideleg, a0
    csrsi mstatus, MSTATUS_MIE | MSTATUS_SIE
    csrs mip, a0
    SPIN(10)
    TEST_CASE(21, a0, MIP_SSIP, csrr a0, mip; andi a0, a0, MIP_SSIP)
    csrw mip, x0
    csrci mstatus, MSTATUS_SIE
    GOTO_S(1f)
1:  li a0, MIP_SSIP
    csrs sip, a0                    /* SIE = 0: pending, not taken */
    SPIN(10)
    TEST_CASE(22, a0, MIP_SSIP, csrr a0, sip)
    EXPECT_TRAP(1f)
    csrsi sstatus, MSTATUS_SIE
2:  j test_fail
1:  CHECK(23, s7, PRV_S)
    CHECK(24, s8, IRQ_CAUSE(1))
    la a0, 2b
    sub a0, s9, a0
    CHECK(25, a0, 0)
    TEST_CASE(26, a0, IRQ_CAUSE(1), csrr a0, scause)
    /* SPP = S, SPIE = 1, SIE = 0 */
    andi a0, s11, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
    CHECK(27, a0, MSTATUS_SPP | MSTATUS_SPIE)
    csrw sip, x0
    /* A vectored stvec: S software interrupt at base + 4 * 1 */
    la a0, svec_table
    ori a0, a0, 1
    csrw stvec, a0
    li a0, MIP_SSIP
    li a1, 0
    csrs sip, a0
    csrsi sstatus, MSTATUS_SIE
    CHECK(40, a1, 1)
    SET_STVEC(test_trap_s)
    RETURN_TO_M(1f)
1:  CHECK(28, s8, CAUSE_ECALL_S)

    /* In U mode a delegated interrupt is taken even with SIE = 0 */
    csrci mstatus, MSTATUS_SIE
    li a0, MIP_SSIP
    csrs mip, a0
    EXPECT_TRAP(1f)
    GOTO_U(2f)
2:  j test_fail
1:  CHECK(29, s7, PRV_S)
    CHECK(30, s8, IRQ_CAUSE(1))
    andi a0, s11, MSTATUS_SPP
    CHECK(31, a0, 0)
    csrw sip, x0
    RETURN_TO_M(1f)
1:
    /* STIP, set by M mode in mip, delegated: S timer interrupt, cause 5 */
    li a0, MIP_STIP
    csrw mideleg, a0
    csrw mie, a0
    csrs mip, a0
    TEST_CASE(32, a0, MIP_STIP, csrr a0, sip)
    EXPECT_TRAP(1f)
    GOTO_U(2f)
2:  j test_fail
1:  CHECK(33, s8, IRQ_CAUSE(5))
    CHECK(34, s7, PRV_S)
    /* S mode cannot clear STIP: only M can (3.1.9) */
    csrw sip, x0
    TEST_CASE(35, a0, MIP_STIP, csrr a0, sip)
    RETURN_TO_M(1f)
1:  csrw mip, x0
    csrw mie, x0
    csrw mideleg, x0
TEST_END

    .section .text
/* a0 = ticks: mtimecmp = mtime + a0.  Clobbers t0-t3. */
timer_in:
    li t0, CLINT_MTIME
#if __riscv_xlen == 64
    ld t1, 0(t0)
    add t1, t1, a0
    li t0, CLINT_MTIMECMP
    sd t1, 0(t0)
#else
1:  lw t1, 4(t0)
    lw t2, 0(t0)
    lw t3, 4(t0)
    bne t1, t3, 1b
    add t2, t2, a0
    sltu t3, t2, a0
    add t1, t1, t3
    li t0, CLINT_MTIMECMP
    li t3, -1
    sw t3, 4(t0)
    sw t2, 0(t0)
    sw t1, 4(t0)
#endif
    ret

/* mtimecmp = all ones: never. */
timer_off:
    li t0, CLINT_MTIMECMP
    li t1, -1
    sw t1, 0(t0)
    sw t1, 4(t0)
    ret

/* a0 = 1 if mtime >= mtimecmp (compared in their low words: both small). */
timer_passed:
    li t0, CLINT_MTIME
    lw t1, 0(t0)
    li t0, CLINT_MTIMECMP
    lw t2, 0(t0)
    sltu a0, t1, t2
    xori a0, a0, 1
    ret

    .align 6
vec_table:
    .option push
    .option norvc
    .rept 7
    j test_fail
    .endr
    j vec_timer                     /* base + 4 * 7 */
    .rept 8
    j test_fail
    .endr
    .option pop
vec_timer:
    li a0, 7
    li t6, MIP_MTIP
    csrc mie, t6
    mret

    .align 6
svec_table:
    .option push
    .option norvc
    j test_fail
    j svec_ssi                      /* base + 4 * 1 */
    .rept 14
    j test_fail
    .endr
    .option pop
svec_ssi:
    li a1, 1
    csrw sip, x0
    sret
