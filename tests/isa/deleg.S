/*
 * Trap delegation and the privilege rules of the trap-return and
 * virtual-memory instructions (Priv 20211203 3.1.6.5, 3.1.8, 3.3.2, 4.1):
 *   - medeleg/mideleg are WARL: ecall from M cannot be delegated, and
 *     mideleg holds only S-level interrupts;
 *   - an exception in U or S whose medeleg bit is set goes to stvec with
 *     scause, sepc, stval and sstatus.SPP/SPIE/SIE set; the same exception
 *     in M mode stays in M;
 *   - sret returns to SPP with SIE = SPIE; sret to S and to U;
 *   - an xRET to a mode below M clears mstatus.MPRV, mret to M keeps it;
 *   - mret is illegal below M, sret in U; TSR makes sret illegal in S;
 *     TW makes WFI illegal in S; WFI in U is illegal when S exists (kiln
 *     and QEMU trap at once, the spec also allows a bounded wait); TVM
 *     makes satp and sfence.vma illegal in S; sfence.vma is illegal in U.
 */
#include "test.h"

#define MRET_BITS   0x30200073
#define SRET_BITS   0x10200073
#define WFI_BITS    0x10500073
#define SFENCE_BITS 0x12000073      /* sfence.vma zero, zero */
#define CSRR_SATP   0x18002573      /* csrr a0, satp */

/* Bit N of REG, in REG. */
#define BIT(reg, n) srli reg, reg, n; andi reg, reg, 1

TEST_BEGIN
    /*
     * WARL: ecall from M never delegates (medeleg[11] is read-only zero,
     * 3.1.8; QEMU 7.2 lets it be set); mideleg only S interrupts.
     */
    li a0, -1
    csrw medeleg, a0
    TEST_CASE(1, a0, 0, csrr a0, medeleg; BIT(a0, CAUSE_ECALL_M))
    TEST_CASE(2, a0, 1, csrr a0, medeleg; BIT(a0, CAUSE_ECALL_U))
    TEST_CASE(3, a0, 1, csrr a0, medeleg; BIT(a0, CAUSE_LOAD_PAGE_FAULT))
    TEST_CASE(4, a0, 0, li a0, -1; csrw mideleg, a0; csrr a0, mideleg;
              li a1, MIP_MSIP | MIP_MTIP | MIP_MEIP; and a0, a0, a1)
    TEST_CASE(5, a0, MIP_SSIP | MIP_STIP | MIP_SEIP, csrr a0, mideleg;
              andi a0, a0, MIP_SSIP | MIP_STIP | MIP_SEIP)
    csrw mideleg, x0

    /* ecall from U delegated to S */
    li a0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_ILLEGAL)
    csrw medeleg, a0
    csrsi sstatus, MSTATUS_SIE
    GOTO_U(1f)
1:  EXPECT_TRAP(2f)
3:  ecall
2:  CHECK(6, s7, PRV_S)
    CHECK(7, s8, CAUSE_ECALL_U)
    CHECK(8, s10, 0)
    la a0, 3b
    sub a0, s9, a0
    CHECK(9, a0, 0)
    /* sstatus: SPP = U, SPIE = the old SIE (1), SIE = 0 */
    andi a0, s11, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
    CHECK(10, a0, MSTATUS_SPIE)
    /* Now in S mode: an undelegated ecall reaches M with cause 9 */
    RETURN_TO_M(1f)
1:  CHECK(11, s8, CAUSE_ECALL_S)
    CHECK(12, s7, PRV_M)
    /* mcause was not touched by the delegated trap */
    TEST_CASE(13, a0, CAUSE_ECALL_S, csrr a0, mcause)

    /* An illegal instruction in U, delegated: stval = its bits */
    GOTO_U(1f)
1:  EXPECT_TRAP(2f)
    .word 0x0000000b
2:  CHECK(14, s7, PRV_S)
    CHECK(15, s8, CAUSE_ILLEGAL)
    CHECK(16, s10, 0x0000000b)
    TEST_CASE(17, a0, CAUSE_ILLEGAL, csrr a0, scause)
    TEST_CASE(18, a0, 0x0000000b, csrr a0, stval)
    RETURN_TO_M(1f)
1:
    /* The same exception in M mode is not delegated */
    EXPECT_TRAP(1f)
    .word 0x0000000b
1:  CHECK(19, s7, PRV_M)
    CHECK(20, s8, CAUSE_ILLEGAL)

    /* sret to U: SPP = 0; SIE = SPIE, SPIE = 1 */
    GOTO_S(1f)
1:  la a0, 2f
    csrw sepc, a0
    li a0, MSTATUS_SPP | MSTATUS_SIE
    csrc sstatus, a0
    li a0, MSTATUS_SPIE
    csrs sstatus, a0
    sret
2:  EXPECT_TRAP(3f)
    ecall
3:  CHECK(21, s8, CAUSE_ECALL_U)
    /* the trap found SIE = 1 (from SPIE) and saved it in SPIE */
    andi a0, s11, MSTATUS_SPIE
    CHECK(22, a0, MSTATUS_SPIE)
    /* sret to S: SPP = 1; an ecall from there reaches M with cause 9 */
    la a0, 2f
    csrw sepc, a0
    li a0, MSTATUS_SPP
    csrs sstatus, a0
    sret
2:  RETURN_TO_M(1f)
1:  CHECK(23, s8, CAUSE_ECALL_S)
    /* sret cleared SPP */
    TEST_CASE(24, a0, 0, csrr a0, mstatus; andi a0, a0, MSTATUS_SPP)

    /*
     * MPRV: an xRET to a mode below M clears it, mret to M keeps it
     * (3.1.6.3).  MPP = M keeps M's own accesses untranslated meanwhile.
     * QEMU 7.2's sret leaves MPRV set, against the 20211203 spec.
     */
    SET_MPP(PRV_M)
    li a0, MSTATUS_MPRV
    csrs mstatus, a0
    la a0, 1f
    csrw mepc, a0
    mret
1:  TEST_CASE(60, a0, MSTATUS_MPRV, csrr a0, mstatus; li a1, MSTATUS_MPRV;
              and a0, a0, a1)
    /* (mret made MPP = U; M accesses stay allowed: PMP entry 15) */
    SET_MPP(PRV_M)
    la a0, 2f
    csrw sepc, a0
    li a0, MSTATUS_SPP
    csrs mstatus, a0
    sret
2:  RETURN_TO_M(1f)
1:  CHECK(61, s8, CAUSE_ECALL_S)
    li a0, MSTATUS_MPRV
    and a0, s11, a0
    CHECK(62, a0, 0)

    /* ecall from S delegated: SPP = 1; ebreak (not delegated) goes to M */
    li a0, (1 << CAUSE_ECALL_S)
    csrw medeleg, a0
    GOTO_S(1f)
1:  EXPECT_TRAP(2f)
    ecall
2:  CHECK(25, s7, PRV_S)
    CHECK(26, s8, CAUSE_ECALL_S)
    andi a0, s11, MSTATUS_SPP
    CHECK(27, a0, MSTATUS_SPP)
    EXPECT_TRAP(1f)
    ebreak
1:  CHECK(28, s7, PRV_M)
    CHECK(29, s8, CAUSE_BREAKPOINT)
    csrw medeleg, x0

    /* mret below M, sret in U: illegal */
    GOTO_S(1f)
1:  EXPECT_TRAP(1f)
    mret
1:  CHECK(30, s8, CAUSE_ILLEGAL)
    CHECK(31, s10, MRET_BITS)
    srli a0, s11, 11
    andi a0, a0, 3
    CHECK(32, a0, PRV_S)
    GOTO_U(1f)
1:  EXPECT_TRAP(1f)
    mret
1:  CHECK(33, s8, CAUSE_ILLEGAL)
    GOTO_U(1f)
1:  EXPECT_TRAP(1f)
    sret
1:  CHECK(34, s8, CAUSE_ILLEGAL)
    CHECK(35, s10, SRET_BITS)

    /* TSR: sret is illegal in S, still allowed in M */
    li a0, MSTATUS_TSR
    csrs mstatus, a0
    GOTO_S(1f)
1:  EXPECT_TRAP(1f)
    sret
1:  CHECK(36, s8, CAUSE_ILLEGAL)
    CHECK(37, s10, SRET_BITS)
    la a0, 2f
    csrw sepc, a0
    li a0, MSTATUS_SPP
    csrs mstatus, a0
    sret
2:  RETURN_TO_M(1f)
1:  CHECK(38, s8, CAUSE_ECALL_S)
    li a0, MSTATUS_TSR
    csrc mstatus, a0

    /*
     * WFI.  So that a permitted WFI returns at once, an S software
     * interrupt is pending and enabled in sie but masked by sstatus.SIE
     * (WFI waits for mip & mie, whatever the global enables, 3.3.3).
     */
    li a0, MIP_SSIP
    csrw mideleg, a0
    csrw mie, a0
    csrw mip, a0
    csrci sstatus, MSTATUS_SIE
    /* TW = 0: WFI in S completes */
    GOTO_S(1f)
1:  li a0, 5
    wfi
    RETURN_TO_M(1f)
1:  CHECK(39, s8, CAUSE_ECALL_S)
    CHECK(40, a0, 5)
    /* TW = 1: illegal in S */
    li a0, MSTATUS_TW
    csrs mstatus, a0
    GOTO_S(1f)
1:  EXPECT_TRAP(1f)
    wfi
1:  CHECK(41, s8, CAUSE_ILLEGAL)
    CHECK(42, s10, WFI_BITS)
    /* ... and in M it completes */
    TEST_CASE(43, a0, 6, li a0, 6; wfi)
    li a0, MSTATUS_TW
    csrc mstatus, a0
    /* (U mode takes S interrupts whatever SIE: none may be pending) */
    csrw mie, x0
    csrw mip, x0
    csrw mideleg, x0
    /* In U, illegal even with TW = 0 */
    GOTO_U(1f)
1:  EXPECT_TRAP(1f)
    wfi
1:  CHECK(44, s8, CAUSE_ILLEGAL)

    /* TVM: satp and sfence.vma are illegal in S */
    li a0, MSTATUS_TVM
    csrs mstatus, a0
    GOTO_S(1f)
1:  EXPECT_TRAP(1f)
    csrr a0, satp
1:  CHECK(45, s8, CAUSE_ILLEGAL)
    CHECK(46, s10, CSRR_SATP)
    GOTO_S(1f)
1:  EXPECT_TRAP(1f)
    sfence.vma
1:  CHECK(47, s8, CAUSE_ILLEGAL)
    CHECK(48, s10, SFENCE_BITS)
    /* M mode is not affected */
    TEST_CASE(49, a0, 0, li a0, 5; csrr a0, satp; sfence.vma)
    li a0, MSTATUS_TVM
    csrc mstatus, a0
    /* TVM = 0: S may use both */
    GOTO_S(1f)
1:  li a0, 5
    csrr a0, satp
    sfence.vma
    RETURN_TO_M(1f)
1:  CHECK(50, s8, CAUSE_ECALL_S)
    CHECK(51, a0, 0)
    /* sfence.vma in U is illegal */
    GOTO_U(1f)
1:  EXPECT_TRAP(1f)
    sfence.vma
1:  CHECK(52, s8, CAUSE_ILLEGAL)
TEST_END
