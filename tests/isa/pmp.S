/*
 * Physical memory protection (Priv 20211203 3.7): NAPOT, TOR and NA4
 * regions that deny U- and S-mode loads, stores and fetches with access
 * faults (mtval = the address); M mode ignores unlocked entries but not
 * MPRV accesses made with MPP = U; the lowest-numbered matching entry
 * decides and must cover the whole access; a locked entry binds M mode
 * too, and makes its pmpcfg field and pmpaddr (and, for TOR, the pmpaddr
 * below) read-only until reset.  Entry 15 opens all memory (test.h), so
 * an access no lower entry matches succeeds in every mode.
 */
#include "test.h"

/* The config of entry N (0-3, all in pmpcfg0's low word) becomes CFG. */
#define PMP_CFG(n, cfg)                                                 \
    li t6, 0xff << (8 * (n));                                           \
    csrc pmpcfg0, t6;                                                   \
    li t6, (cfg) << (8 * (n));                                          \
    csrs pmpcfg0, t6

/*
 * Check N: the instructions after the first argument, run in U (TRY_U)
 * or S mode (TRY_S), end with CAUSE: a fault, or CAUSE_ECALL_U /
 * CAUSE_ECALL_S when they all succeeded.
 */
#define TRY_U(n, cause, ...)                                            \
    GOTO_U(19980f);                                                     \
19980:                                                                  \
    EXPECT_TRAP(19981f);                                                \
    __VA_ARGS__;                                                        \
    RETURN_TO_M(19981f);                                                \
19981:                                                                  \
    CHECK(n, s8, cause)

#define TRY_S(n, cause, ...)                                            \
    GOTO_S(19982f);                                                     \
19982:                                                                  \
    EXPECT_TRAP(19983f);                                                \
    __VA_ARGS__;                                                        \
    RETURN_TO_M(19983f);                                                \
19983:                                                                  \
    CHECK(n, s8, cause)

    .section .pages, "aw", @nobits
    .balign 16384
pmp_pages:
    .space 16384

    .section .text
    .balign 4096
/* A page of code: returns 42 in a0. */
pmp_code:
    li a0, 42
    ret
    .balign 4096

TEST_BEGIN
    li t0, MSTATUS_FS
    csrs mstatus, t0
    la s0, pmp_pages
    li t0, 4096
    add s1, s0, t0
    add s2, s1, t0
    add s3, s2, t0
    la s4, pmp_code

    /* Entry 0: page 0, NAPOT, no permission */
    srli t0, s0, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr0, t0
    PMP_CFG(0, PMP_NAPOT)
    TRY_U(1, CAUSE_LOAD_ACCESS, lw a0, 0(s0))
    sub a0, s10, s0
    CHECK(2, a0, 0)
    TRY_U(3, CAUSE_STORE_ACCESS, sw a0, 4(s0))
    sub a0, s10, s0
    CHECK(4, a0, 4)
    TRY_S(5, CAUSE_LOAD_ACCESS, lw a0, 8(s0))
    /* the next page: entry 15 */
    TRY_U(6, CAUSE_ECALL_U, lw a0, 0(s1); sw a0, 0(s1))
    /* M mode ignores the unlocked entry */
    TEST_CASE(7, a0, 0x123, li a0, 0x123; sw a0, 0(s0); lw a0, 0(s0))
    /* An MPRV access with MPP = U is checked as U (3.1.6.3) */
    SET_MPP(PRV_U)
    li t0, MSTATUS_MPRV
    EXPECT_TRAP(1f)
    csrs mstatus, t0
    lw a0, 0(s0)
1:  li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK(8, s8, CAUSE_LOAD_ACCESS)
    /* MPP = M: allowed */
    SET_MPP(PRV_M)
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    lw a0, 0(s0)
    csrc mstatus, t0
    CHECK(9, a0, 0x123)

    /* Read-only, then read-write */
    PMP_CFG(0, PMP_NAPOT | PMP_R)
    TRY_U(10, CAUSE_ECALL_U, lw a0, 0(s0))
    CHECK(11, a0, 0x123)
    TRY_U(12, CAUSE_STORE_ACCESS, sw a0, 0(s0))
    PMP_CFG(0, PMP_NAPOT | PMP_R | PMP_W)
    TRY_U(13, CAUSE_ECALL_U, li a0, 0x456; sw a0, 0(s0))
    TEST_CASE(14, a0, 0x456, lw a0, 0(s0))

    /* Fetch: no X gives an instruction access fault at the target */
    srli t0, s4, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr1, t0
    PMP_CFG(1, PMP_NAPOT | PMP_R)
    TRY_U(15, CAUSE_FETCH_ACCESS, jalr s4)
    sub a0, s9, s4
    CHECK(16, a0, 0)
    sub a0, s10, s4
    CHECK(17, a0, 0)
    /* Execute-only: the call runs, a load from the page faults */
    PMP_CFG(1, PMP_NAPOT | PMP_X)
    TRY_U(18, CAUSE_ECALL_U, li a0, 0; jalr s4)
    CHECK(19, a0, 42)
    TRY_U(20, CAUSE_LOAD_ACCESS, lw a0, 0(s4))
    /* S mode is bound as U is */
    TRY_S(21, CAUSE_LOAD_ACCESS, lw a0, 0(s4))
    PMP_CFG(1, 0)

    /* TOR: entry 2 covers [pmpaddr1, pmpaddr2) = page 2, read-only */
    PMP_CFG(0, 0)
    srli t0, s2, 2
    csrw pmpaddr1, t0
    srli t0, s3, 2
    csrw pmpaddr2, t0
    PMP_CFG(2, PMP_TOR | PMP_R)
    TRY_U(22, CAUSE_STORE_ACCESS, sw a0, 0(s2))
    TRY_U(23, CAUSE_STORE_ACCESS, sw a0, -4(s3))
    TRY_U(24, CAUSE_ECALL_U, lw a0, -4(s3); sw a0, 0(s3); sw a0, -4(s2))
    /*
     * pmpaddr[i-1] >= pmpaddr[i]: the entry matches nothing.  (QEMU 7.2
     * does not recompute entry 2 when pmpaddr1 changes: a QEMU bug.)
     */
    csrw pmpaddr1, t0
    TRY_U(25, CAUSE_ECALL_U, sw a0, 0(s2))
    /*
     * Entry 0 as TOR: [0, pmpaddr0), everything below page 1 (the code
     * too), readable and executable but not writable.
     */
    PMP_CFG(2, 0)
    srli t0, s1, 2
    csrw pmpaddr0, t0
    PMP_CFG(0, PMP_TOR | PMP_R | PMP_X)
    TRY_U(26, CAUSE_STORE_ACCESS, lw a0, -4(s1); sw a0, -4(s1))
    TRY_U(27, CAUSE_ECALL_U, sw a0, 0(s1))
    PMP_CFG(0, 0)

    /* NA4: exactly one word, page 1 offset 8 */
    addi t0, s1, 8
    srli t0, t0, 2
    csrw pmpaddr0, t0
    PMP_CFG(0, PMP_NA4)
    TRY_U(28, CAUSE_LOAD_ACCESS, lw a0, 8(s1))
    sub a0, s10, s1
    CHECK(29, a0, 8)
    TRY_U(30, CAUSE_ECALL_U, lw a0, 4(s1); lw a0, 12(s1))
    /*
     * An aligned 8-byte access that the NA4 entry covers half of fails,
     * even though the entry allows it (3.7.1: the lowest matching entry
     * must match all bytes).  fld is an 8-byte load on RV32 too.
     */
    PMP_CFG(0, PMP_NA4 | PMP_R | PMP_W)
    TRY_U(31, CAUSE_ECALL_U, lw a0, 8(s1))
    TRY_U(32, CAUSE_LOAD_ACCESS, fld fa0, 8(s1))
    TRY_U(33, CAUSE_ECALL_U, fld fa0, 16(s1))

    /* The lowest-numbered match decides: page 0 R inside pages 0-1 RW */
    srli t0, s0, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr0, t0
    PMP_CFG(0, PMP_NAPOT | PMP_R)
    srli t0, s0, 2
    ori t0, t0, 0x3ff
    csrw pmpaddr1, t0
    PMP_CFG(1, PMP_NAPOT | PMP_R | PMP_W)
    TRY_U(34, CAUSE_STORE_ACCESS, sw a0, 0(s0))
    TRY_U(35, CAUSE_ECALL_U, sw a0, 0(s1))
    /* the other order: the RW entry first */
    csrw pmpaddr0, t0
    srli t0, s0, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr1, t0
    PMP_CFG(0, PMP_NAPOT | PMP_R | PMP_W)
    PMP_CFG(1, PMP_NAPOT | PMP_R)
    TRY_U(36, CAUSE_ECALL_U, sw a0, 0(s0))
    PMP_CFG(0, 0)
    PMP_CFG(1, 0)

    /*
     * R = 0, W = 1 is reserved: it must not read back (WARL).  QEMU 7.2
     * keeps it; later releases ignore such a write, as kiln does.
     */
    PMP_CFG(0, PMP_NAPOT | PMP_W)
    TEST_CASE(37, a0, 0, csrr a0, pmpcfg0; andi a0, a0, 3; addi a0, a0, -2;
              seqz a0, a0)
    PMP_CFG(0, 0)

    /*
     * Locked entries (last: only a reset unlocks them).  Entry 3: page 3,
     * NAPOT, locked read-only: M mode may read, not write.
     */
    li t0, 0x5a
    sw t0, 0(s3)
    srli t0, s3, 2
    ori t0, t0, 0x1ff
    csrw pmpaddr3, t0
    PMP_CFG(3, PMP_L | PMP_NAPOT | PMP_R)
    TEST_CASE(38, a0, 0x5a, lw a0, 0(s3))
    EXPECT_TRAP(1f)
    sw t0, 0(s3)
1:  CHECK(39, s8, CAUSE_STORE_ACCESS)
    CHECK(40, s7, PRV_M)
    /* its pmpcfg field and pmpaddr no longer change */
    li t6, 0xff << 24
    csrc pmpcfg0, t6
    TEST_CASE(41, a0, PMP_L | PMP_NAPOT | PMP_R, csrr a0, pmpcfg0;
              srli a0, a0, 24; andi a0, a0, 0xff)
    srli t0, s3, 2
    ori t0, t0, 0x1ff
    TEST_CASE(42, a0, 0, csrw pmpaddr3, x0; csrr a0, pmpaddr3; sub a0, a0, t0)
    /* the unlocked fields beside it still change */
    TEST_CASE(43, a0, PMP_NA4, PMP_CFG(2, PMP_NA4); csrr a0, pmpcfg0;
              srli a0, a0, 16; andi a0, a0, 0xff)
    PMP_CFG(2, 0)
    /* A locked TOR entry also locks the pmpaddr below it */
    srli t0, s2, 2
    csrw pmpaddr1, t0
    srli t0, s3, 2
    csrw pmpaddr2, t0
    PMP_CFG(2, PMP_L | PMP_TOR | PMP_R | PMP_W)
    srli t0, s2, 2
    TEST_CASE(44, a0, 0, csrw pmpaddr1, x0; csrr a0, pmpaddr1; sub a0, a0, t0)
    /* the locked TOR region stays usable as R/W */
    TEST_CASE(45, a0, 0x99, li a0, 0x99; sw a0, 0(s2); lw a0, 0(s2))
TEST_END
