/*
 * Virtual memory (Priv 20211203 chapter 4): Sv39 and Sv48 on RV64, Sv32
 * on RV32, chosen at build time with -DMMU_SV=32, 39 or 48.
 *
 * The test builds page tables at run time (map, below): an identity
 * mapping of RAM as one superpage (1 GiB; 4 MiB for Sv32) without U, of
 * the devices likewise, 4 KiB test pages at TEST_VA, and the routines
 * page again at U_RT_VA with U set.  S- and U-mode accesses run small
 * routines (rt_*) entered by mret that end in an ecall, so a check sees
 * either the fault (cause in s8, address in s10) or CAUSE_ECALL_S/U.
 *
 * Covered: identity and offset mappings through 4 KiB pages and
 * superpages of every level (Sv48: a 512 GiB one too); page faults for
 * an invalid PTE (load, store, fetch; mtval = the virtual address),
 * missing R/W/X, W without R, a pointer PTE at the last level, a
 * misaligned superpage, a non-canonical address and reserved PTE bits;
 * an instruction across two pages and a misaligned load across two pages
 * (mtval = the part that faulted); the U bit for S (SUM, also when S sets
 * it itself; S never executes U pages) and for U; MXR; A and D set by
 * hardware (the Svadu behaviour QEMU and kiln share; the spec also allows
 * a page fault); sfence.vma after S mode rewrites a PTE; MPRV with MPP
 * for M-mode loads, stores and AMOs, with SUM and MXR; a page fault
 * delegated to S; a PTE that PMP denies (an access fault, 4.3.2 step 2);
 * satp's WARL mode.
 */
#include "test.h"

#if MMU_SV == 32
#define LEVELS      2
#define VPN_BITS    10
#define PTE_SHIFT   2
#define LPTE        lw
#define SPTE        sw
#define SATP_MODE   (1 << 31)
#define IDENT_LEVEL 1               /* 4 MiB */
#elif MMU_SV == 39
#define LEVELS      3
#define VPN_BITS    9
#define PTE_SHIFT   3
#define LPTE        ld
#define SPTE        sd
#define SATP_MODE   (8 << 60)
#define IDENT_LEVEL 2               /* 1 GiB */
#define NONCANON    0x0000004000000000
#elif MMU_SV == 48
#define LEVELS      4
#define VPN_BITS    9
#define PTE_SHIFT   3
#define LPTE        ld
#define SPTE        sd
#define SATP_MODE   (9 << 60)
#define IDENT_LEVEL 2
#define NONCANON    0x0000800000000000
#else
#error "build with -DMMU_SV=32, 39 or 48"
#endif

#define PAGE        4096
/* Level-1 superpage: 4 MiB for Sv32, 2 MiB otherwise */
#define SUPER_SIZE  (1 << (12 + VPN_BITS))

#define TEST_VA     0x40000000
#define U_RT_VA     (TEST_VA + 15 * PAGE)
#define SUPER_VA    0x41000000
#define PMPT_VA     0x42000000

#define RWXAD       (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define RWAD        (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

/* map(VA, PA, FLAGS, LEVEL); the PTE's address in a0. */
#define MAP(va, pa, flags, level)                                       \
    li a0, va;                                                          \
    li a1, pa;                                                          \
    li a2, flags;                                                       \
    li a3, level;                                                       \
    jal map

/* The same with a PA in a register. */
#define MAP_REG(va, pareg, flags, level)                                \
    mv a1, pareg;                                                       \
    li a0, va;                                                          \
    li a2, flags;                                                       \
    li a3, level;                                                       \
    jal map

/* Run ROUTINE in S mode (at its identity address) or U mode (U_RT_VA). */
#define RUN_S(routine)                                                  \
    EXPECT_TRAP(19960f);                                                \
    sfence.vma;                                                         \
    SET_MPP(PRV_S);                                                     \
    la t6, routine;                                                     \
    csrw mepc, t6;                                                      \
    mret;                                                               \
19960:

#define RUN_U(routine)                                                  \
    EXPECT_TRAP(19961f);                                                \
    sfence.vma;                                                         \
    SET_MPP(PRV_U);                                                     \
    la t6, routine;                                                     \
    la t5, rt_page;                                                     \
    sub t6, t6, t5;                                                     \
    li t5, U_RT_VA;                                                     \
    add t6, t6, t5;                                                     \
    csrw mepc, t6;                                                      \
    mret;                                                               \
19961:

/* Check N: s10 (the trap's address) is VA. */
#define CHECK_TVAL(n, va)                                               \
    li t5, va;                                                          \
    sub t5, s10, t5;                                                    \
    CHECK(n, t5, 0)

    .section .pages, "aw", @nobits
    .balign PAGE
pt_pool:
    .space 24 * PAGE
pt_pool_end:
data_pages:
    .space 4 * PAGE

    .section .data
    .balign 8
pool_next:
    WORD_PTR pt_pool + PAGE         /* the first page is the root */

    .section .text
    .balign PAGE
/* Routines S and U mode run; a1 = address, a2 = value to store. */
rt_page:
rt_load:
    lw a0, 0(a1)
    ecall
rt_store:
    sw a2, 0(a1)
    ecall
rt_amo:
    amoadd.w a0, a2, (a1)
    ecall
rt_fetch:
    jalr a1
    ecall
/* Read a1, write PTE a3 at a4, sfence.vma, read a1 again into a5. */
rt_remap:
    lw a0, 0(a1)
    SPTE a3, 0(a4)
    sfence.vma
    lw a5, 0(a1)
    ecall
/* The same, fencing only the page of a1. */
rt_remap_va:
    lw a0, 0(a1)
    SPTE a3, 0(a4)
    sfence.vma a1
    lw a5, 0(a1)
    ecall
/*
 * Set SUM (a3 = MSTATUS_SUM) and read a1 into a0, clear it and read a1
 * again into a5: a change of SUM needs no sfence.vma (4.1.1).
 */
rt_sum:
    csrs sstatus, a3
    lw a0, 0(a1)
    csrc sstatus, a3
    lw a5, 0(a1)
    ecall
    .balign PAGE
/* A page of code to fetch through other mappings. */
fetch_target:
    li a0, 0x77
    ecall
    .balign PAGE
/* Two pages with an instruction across them: addi a0, zero, 0x77; ecall */
cross_code:
    .skip PAGE - 2
    .hword 0x0513
    .hword 0x0770
    .option push
    .option norvc
    ecall
    .option pop
    .balign PAGE

TEST_BEGIN
    /* The root table, zeroed */
    la a0, pt_pool
    jal zero_page
    /* Data pages: D0-D3, word 0 = 0x11111111 * (n + 1) */
    la s0, data_pages
    li t0, PAGE
    add s1, s0, t0
    add s2, s1, t0
    add s3, s2, t0
    li t0, 0x11111111
    sw t0, 0(s0)
    li t0, 0x22222222
    sw t0, 0(s1)
    li t0, 0x33333333
    sw t0, 0(s2)
    li t0, 0x44444444
    sw t0, 0(s3)

    /* Identity: RAM, and the devices the failure reports use */
    MAP(RAM_BASE, RAM_BASE, RWXAD, IDENT_LEVEL)
    MAP(0, 0, RWAD, IDENT_LEVEL)
#if MMU_SV == 32
    MAP(UART_THR, UART_THR, RWAD, 1)
#endif
    /* The routines again for U mode */
    la s4, rt_page
    MAP_REG(U_RT_VA, s4, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A, 0)
    la s5, fetch_target

    la t0, pt_pool
    srli t0, t0, 12
    li t1, SATP_MODE
    or t0, t0, t1
    csrw satp, t0
    TEST_CASE(1, a0, 1, csrr a1, satp; sub a1, a1, t0; seqz a0, a1)

    /* Identity mapping in S mode */
    mv a1, s0
    RUN_S(rt_load)
    CHECK(2, s8, CAUSE_ECALL_S)
    CHECK(3, a0, 0x11111111)

    /* A 4 KiB page at another address: TEST_VA -> D0 */
    MAP_REG(TEST_VA, s0, RWAD, 0)
    li a1, TEST_VA
    RUN_S(rt_load)
    CHECK(4, a0, 0x11111111)
    li a1, TEST_VA + 4
    li a2, 0x5555
    RUN_S(rt_store)
    CHECK(5, s8, CAUSE_ECALL_S)
    TEST_CASE(6, a0, 0x5555, lw a0, 4(s0))

    /* A level-1 superpage: SUPER_VA -> RAM_BASE */
    MAP(SUPER_VA, RAM_BASE, RWAD, 1)
    li a1, SUPER_VA
    add a1, a1, s1
    li t0, RAM_BASE
    sub a1, a1, t0
    RUN_S(rt_load)
    CHECK(7, s8, CAUSE_ECALL_S)
    CHECK(8, a0, 0x22222222)

    /* An invalid PTE: load, store and fetch page faults, mtval = VA */
    MAP_REG(TEST_VA + PAGE, s1, RWXAD & ~PTE_V, 0)
    li a1, TEST_VA + PAGE + 8
    RUN_S(rt_load)
    CHECK(9, s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK_TVAL(10, TEST_VA + PAGE + 8)
    RUN_S(rt_store)
    CHECK(11, s8, CAUSE_STORE_PAGE_FAULT)
    CHECK_TVAL(12, TEST_VA + PAGE + 8)
    RUN_S(rt_fetch)
    CHECK(13, s8, CAUSE_FETCH_PAGE_FAULT)
    CHECK_TVAL(14, TEST_VA + PAGE + 8)
    li t5, TEST_VA + PAGE + 8
    sub t5, s9, t5
    CHECK(15, t5, 0)

    /* Read-only: loads work; stores, AMOs and fetches fault */
    MAP_REG(TEST_VA + 2 * PAGE, s1, PTE_V | PTE_R | PTE_A | PTE_D, 0)
    li a1, TEST_VA + 2 * PAGE
    RUN_S(rt_load)
    CHECK(16, a0, 0x22222222)
    RUN_S(rt_store)
    CHECK(17, s8, CAUSE_STORE_PAGE_FAULT)
    RUN_S(rt_amo)
    CHECK(18, s8, CAUSE_STORE_PAGE_FAULT)
    RUN_S(rt_fetch)
    CHECK(19, s8, CAUSE_FETCH_PAGE_FAULT)

    /* Execute-only: fetch works, a load faults unless MXR */
    MAP_REG(TEST_VA + 3 * PAGE, s5, PTE_V | PTE_X | PTE_A, 0)
    li a0, 0
    li a1, TEST_VA + 3 * PAGE
    RUN_S(rt_fetch)
    CHECK(20, s8, CAUSE_ECALL_S)
    CHECK(21, a0, 0x77)
    RUN_S(rt_load)
    CHECK(22, s8, CAUSE_LOAD_PAGE_FAULT)
    li t0, MSTATUS_MXR
    csrs mstatus, t0
    RUN_S(rt_load)
    CHECK(23, s8, CAUSE_ECALL_S)
    lw t0, 0(s5)
    sub a0, a0, t0
    CHECK(24, a0, 0)
    li t0, MSTATUS_MXR
    csrc mstatus, t0

    /* The U bit, seen from S: SUM for data, never for fetch */
    MAP_REG(TEST_VA + 4 * PAGE, s2, RWAD | PTE_U, 0)
    li a1, TEST_VA + 4 * PAGE
    RUN_S(rt_load)
    CHECK(25, s8, CAUSE_LOAD_PAGE_FAULT)
    li t0, MSTATUS_SUM
    csrs mstatus, t0
    RUN_S(rt_load)
    CHECK(26, s8, CAUSE_ECALL_S)
    CHECK(27, a0, 0x33333333)
    MAP_REG(TEST_VA + 5 * PAGE, s5, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A, 0)
    li a1, TEST_VA + 5 * PAGE
    RUN_S(rt_fetch)
    CHECK(28, s8, CAUSE_FETCH_PAGE_FAULT)
    li t0, MSTATUS_SUM
    csrc mstatus, t0

    /* SUM changed by S mode itself takes effect at once */
    li a1, TEST_VA + 4 * PAGE
    li a3, MSTATUS_SUM
    li a5, 0
    RUN_S(rt_sum)
    CHECK(81, a0, 0x33333333)
    CHECK(82, s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK(83, a5, 0)

    /* ... and from U: U pages only */
    li a1, TEST_VA + 4 * PAGE
    RUN_U(rt_load)
    CHECK(29, s8, CAUSE_ECALL_U)
    CHECK(30, a0, 0x33333333)
    li a1, TEST_VA
    RUN_U(rt_load)
    CHECK(31, s8, CAUSE_LOAD_PAGE_FAULT)
    li a0, 0
    li a1, TEST_VA + 5 * PAGE
    RUN_U(rt_fetch)
    CHECK(32, s8, CAUSE_ECALL_U)
    CHECK(33, a0, 0x77)
    /* U may not run the identity-mapped (non-U) code */
    RUN_S(1f)
1:  EXPECT_TRAP(1f)
    la t6, rt_load
    csrw sepc, t6
    li t6, MSTATUS_SPP
    csrc sstatus, t6
    sret
1:  CHECK(34, s8, CAUSE_FETCH_PAGE_FAULT)
    srli a0, s11, 11
    andi a0, a0, 3
    CHECK(35, a0, PRV_U)

    /* A and D: set by the hardware on the first load and store */
    MAP_REG(TEST_VA + 6 * PAGE, s3, PTE_V | PTE_R | PTE_W, 0)
    mv s6, a0
    li a1, TEST_VA + 6 * PAGE
    RUN_S(rt_load)
    CHECK(36, a0, 0x44444444)
    TEST_CASE(37, a0, PTE_A, LPTE a0, 0(s6); andi a0, a0, PTE_A | PTE_D)
    li a2, 0x4545
    RUN_S(rt_store)
    CHECK(38, s8, CAUSE_ECALL_S)
    TEST_CASE(39, a0, PTE_A | PTE_D, LPTE a0, 0(s6); andi a0, a0, PTE_A | PTE_D)
    TEST_CASE(40, a0, 0x4545, lw a0, 0(s3))

    /* S rewrites a PTE, then sfence.vma: the new mapping is used */
    MAP_REG(TEST_VA + 7 * PAGE, s0, RWAD, 0)
    mv a4, a0
    srli a3, s1, 12
    slli a3, a3, 10
    ori a3, a3, RWAD
    li a1, TEST_VA + 7 * PAGE
    RUN_S(rt_remap)
    CHECK(41, a0, 0x11111111)
    CHECK(42, a5, 0x22222222)
    /* the same with sfence.vma of the one address */
    srli a3, s2, 12
    slli a3, a3, 10
    ori a3, a3, RWAD
    RUN_S(rt_remap_va)
    CHECK(43, a0, 0x22222222)
    CHECK(44, a5, 0x33333333)
    /* invalidated: a page fault after the fence */
    li a3, 0
    RUN_S(rt_remap)
    CHECK(45, s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK(46, a0, 0x33333333)

    /*
     * MPRV: M-mode loads and stores translated as MPP's mode (3.1.6.3);
     * fetches are not (this code keeps running).  A trap leaves MPRV set
     * but makes MPP = M.
     */
    li t1, MSTATUS_MPRV
    SET_MPP(PRV_S)
    csrs mstatus, t1
    li a1, TEST_VA
    lw a0, 0(a1)
    li a2, 0x6767
    sw a2, 8(a1)
    csrc mstatus, t1
    CHECK(47, a0, 0x11111111)
    TEST_CASE(48, a0, 0x6767, lw a0, 8(s0))
    /* MPP = S, SUM = 0: a U page faults */
    EXPECT_TRAP(1f)
    li a1, TEST_VA + 4 * PAGE
    csrs mstatus, t1
    lw a0, 0(a1)
1:  csrc mstatus, t1
    CHECK(49, s8, CAUSE_LOAD_PAGE_FAULT)
    /* MPP = U: the U page works, the S one faults */
    SET_MPP(PRV_U)
    csrs mstatus, t1
    lw a0, 0(a1)
    csrc mstatus, t1
    CHECK(50, a0, 0x33333333)
    SET_MPP(PRV_U)
    EXPECT_TRAP(1f)
    li a1, TEST_VA
    csrs mstatus, t1
    lw a0, 0(a1)
1:  csrc mstatus, t1
    CHECK(51, s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK_TVAL(52, TEST_VA)
    /* MPP = M: no translation */
    SET_MPP(PRV_M)
    csrs mstatus, t1
    lw a0, 0(s1)
    csrc mstatus, t1
    CHECK(53, a0, 0x22222222)

    /* A misaligned superpage: its PPN's low bits are not zero */
    MAP(SUPER_VA + SUPER_SIZE, RAM_BASE + PAGE, RWAD, 1)
    li a1, SUPER_VA + SUPER_SIZE
    RUN_S(rt_load)
    CHECK(54, s8, CAUSE_LOAD_PAGE_FAULT)

    /* W without R is reserved: a page fault */
    MAP_REG(TEST_VA + 8 * PAGE, s0, PTE_V | PTE_W | PTE_A | PTE_D, 0)
    li a1, TEST_VA + 8 * PAGE
    RUN_S(rt_load)
    CHECK(55, s8, CAUSE_LOAD_PAGE_FAULT)
    RUN_S(rt_store)
    CHECK(56, s8, CAUSE_STORE_PAGE_FAULT)

    /* A pointer PTE (V only) at the last level: a page fault */
    MAP_REG(TEST_VA + 9 * PAGE, s0, PTE_V, 0)
    li a1, TEST_VA + 9 * PAGE
    RUN_S(rt_load)
    CHECK(57, s8, CAUSE_LOAD_PAGE_FAULT)

    /*
     * An instruction across two pages: mepc is its address; when only
     * the second page is invalid, mtval is that page (Priv 3.1.16: the
     * portion that faulted).
     */
    la s6, cross_code
    MAP_REG(TEST_VA + 10 * PAGE, s6, PTE_V | PTE_X | PTE_A, 0)
    li a1, TEST_VA + 11 * PAGE - 2
    RUN_S(rt_fetch)
    CHECK(70, s8, CAUSE_FETCH_PAGE_FAULT)
    CHECK_TVAL(71, TEST_VA + 11 * PAGE)
    li t5, TEST_VA + 11 * PAGE - 2
    sub t5, s9, t5
    CHECK(72, t5, 0)
    MAP_REG(TEST_VA + 12 * PAGE, s6, PTE_V | PTE_X | PTE_A, 0)
    li t0, PAGE
    add s6, s6, t0
    MAP_REG(TEST_VA + 13 * PAGE, s6, PTE_V | PTE_X | PTE_A, 0)
    li a0, 0
    li a1, TEST_VA + 13 * PAGE - 2
    RUN_S(rt_fetch)
    CHECK(73, s8, CAUSE_ECALL_S)
    CHECK(74, a0, 0x77)

    /* A misaligned load whose second page faults: mtval = that page */
    li a1, TEST_VA + PAGE - 2
    RUN_S(rt_load)
    CHECK(75, s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK_TVAL(76, TEST_VA + PAGE)

    /* MPRV also applies to AMOs, and with MXR */
    li t1, MSTATUS_MPRV
    SET_MPP(PRV_S)
    csrs mstatus, t1
    li a1, TEST_VA
    li a2, 0x10
    amoadd.w a0, a2, (a1)
    csrc mstatus, t1
    CHECK(77, a0, 0x11111111)
    TEST_CASE(78, a0, 0x11111121, lw a0, 0(s0))
    li t0, MSTATUS_MXR
    csrs mstatus, t0
    csrs mstatus, t1
    li a1, TEST_VA + 3 * PAGE
    lw a0, 0(a1)
    csrc mstatus, t1
    csrc mstatus, t0
    lw t0, 0(s5)
    sub a0, a0, t0
    CHECK(79, a0, 0)

    /* A page fault delegated to S: scause, stval, S handler */
    li t0, 1 << CAUSE_LOAD_PAGE_FAULT
    csrw medeleg, t0
    li a1, TEST_VA + PAGE + 12
    RUN_S(rt_load)
    /* now in S mode, from test_trap_s */
    CHECK(58, s7, PRV_S)
    CHECK(59, s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK_TVAL(60, TEST_VA + PAGE + 12)
    RETURN_TO_M(1f)
1:  csrw medeleg, x0

    /* A PTE in memory PMP denies: an access fault for the walk */
    MAP_REG(PMPT_VA, s0, RWAD, 0)
    srli t0, a0, 12
    slli t0, t0, 10
    ori t0, t0, 0x1ff
    csrw pmpaddr0, t0
    li t0, PMP_NAPOT
    csrw pmpcfg0, t0
    li a1, PMPT_VA
    RUN_S(rt_load)
    CHECK(61, s8, CAUSE_LOAD_ACCESS)
    CHECK_TVAL(62, PMPT_VA)
    csrw pmpcfg0, x0
    RUN_S(rt_load)
    CHECK(63, a0, 0x11111121)

#if MMU_SV != 32
    /* Bits 63:VA-1 must all equal bit VA-1 */
    li a1, NONCANON
    RUN_S(rt_load)
    CHECK(64, s8, CAUSE_LOAD_PAGE_FAULT)
    CHECK_TVAL(65, NONCANON)
    /*
     * PTE bits 63:54 without Svpbmt/Svnapot (here PBMT = 1): a page fault
     * (Priv 1.13 4.4.1; 20211203 only asks software to keep them zero).
     */
    MAP_REG(TEST_VA + 14 * PAGE, s0, 0, 0)
    li t0, 1 << 61
    ori t0, t0, RWAD
    srli t1, s0, 12
    slli t1, t1, 10
    or t0, t0, t1
    sd t0, 0(a0)
    li a1, TEST_VA + 14 * PAGE
    RUN_S(rt_load)
    CHECK(80, s8, CAUSE_LOAD_PAGE_FAULT)
    /* satp: a reserved mode leaves it unchanged (4.1.11) */
    TEST_CASE(66, a0, 0, csrr a1, satp; li a2, (3 << 60) | 1; csrw satp, a2;
              csrr a0, satp; sub a0, a0, a1)
#endif
#if MMU_SV == 48
    /* A level-3 superpage (512 GiB): 0x8000000000 -> 0 */
    MAP(0x8000000000, 0, RWAD, 3)
    li a1, 0x8000000000
    add a1, a1, s1
    RUN_S(rt_load)
    CHECK(67, a0, 0x22222222)
#endif
    csrw satp, x0
TEST_END

    .section .text
/*
 * map: a0 = VA, a1 = PA, a2 = leaf flags, a3 = leaf level (0: 4 KiB).
 * Walks from the root, adding zeroed tables from the pool as needed;
 * returns the leaf PTE's address in a0.  Clobbers t0-t5, a4, a5.
 */
map:
    mv a5, ra
    la t0, pt_pool
    li t1, LEVELS - 1
1:  li t2, VPN_BITS
    mul t2, t2, t1
    addi t2, t2, 12
    srl t3, a0, t2
    andi t3, t3, (1 << VPN_BITS) - 1
    slli t3, t3, PTE_SHIFT
    add t3, t3, t0
    beq t1, a3, 3f
    LPTE t4, 0(t3)
    andi t5, t4, PTE_V
    bnez t5, 2f
    /* a new table */
    la t4, pool_next
    LREG t5, 0(t4)
    li t2, PAGE
    add t2, t5, t2
    SREG t2, 0(t4)
    la t4, pt_pool_end
    bgeu t5, t4, test_fail
    mv a4, a0
    mv a0, t5
    jal zero_page
    mv a0, a4
    srli t4, t5, 12
    slli t4, t4, 10
    ori t4, t4, PTE_V
    SPTE t4, 0(t3)
2:  srli t4, t4, 10
    slli t0, t4, 12
    addi t1, t1, -1
    j 1b
3:  srli t4, a1, 12
    slli t4, t4, 10
    or t4, t4, a2
    SPTE t4, 0(t3)
    mv a0, t3
    jr a5

/* Zero the page at a0.  Clobbers t2. */
zero_page:
    li t2, PAGE
    add t2, t2, a0
1:  addi t2, t2, -REGBYTES
    SREG x0, 0(t2)
    bne t2, a0, 1b
    ret
