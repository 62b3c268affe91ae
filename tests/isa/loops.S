/*
 * Loops whose body is one whole block.  The native backend translates
 * such a block as several passes of the body (target/riscv/translate.c),
 * leaving at the pass whose branch falls through, and takes each pass's
 * instructions from the budget as the pass begins; these checks hold on
 * any correct hart and prove that nothing of that shows:
 *
 *  1-24   a counted loop run 1 to 24 times retires exactly 3 instructions
 *         a pass, whichever pass leaves (minstret read around it), and
 *         computes what it should;
 *  30     a loop polling the CLINT's mtime through a register sees every
 *         tick: the load repeats in every pass and must read the device
 *         each time (mtime ticks every 100 instructions at -icount 0, so
 *         from a tick to the next the 5-instruction loop runs 20 or 21
 *         passes, where one that saw only some passes' loads would run a
 *         count that depends on how many passes make a block);
 *  31     a loop of loads from RAM, with a store into the loaded word
 *         between them, reads what the store wrote;
 *  32     sext.w elided where its input is already sign-extended must not
 *         be elided where it is not: negw of a bit, addw that wraps.
 * Exit status: the number of the failing check.
 */
#include "test.h"

/* Run the 3-instruction loop N times; a0 = minstret between, a1 = sum. */
#define COUNTED(n, iters)                                               \
    li gp, n;                                                           \
    li t0, iters;                                                       \
    li a1, 0;                                                           \
    csrr s0, minstret;                                                  \
1:  addi a1, a1, 3;                                                     \
    addi t0, t0, -1;                                                    \
    bnez t0, 1b;                                                        \
    csrr a0, minstret;                                                  \
    sub a0, a0, s0;                                                     \
    CHECK(n, a0, 3 * (iters) + 1);                                      \
    CHECK(n, a1, 3 * (iters))

TEST_BEGIN
    COUNTED(1, 1)
    COUNTED(2, 2)
    COUNTED(3, 3)
    COUNTED(4, 4)
    COUNTED(5, 5)
    COUNTED(6, 6)
    COUNTED(7, 7)
    COUNTED(8, 8)
    COUNTED(9, 9)
    COUNTED(10, 10)
    COUNTED(11, 11)
    COUNTED(12, 12)
    COUNTED(13, 13)
    COUNTED(14, 14)
    COUNTED(15, 15)
    COUNTED(16, 16)
    COUNTED(17, 17)
    COUNTED(18, 18)
    COUNTED(19, 19)
    COUNTED(20, 20)
    COUNTED(21, 21)
    COUNTED(22, 22)
    COUNTED(23, 23)
    COUNTED(24, 100)

    /* 30: wait for a tick, then count the passes until the next one. */
    li gp, 30
    li a0, CLINT_MTIME
    LREG a2, 0(a0)
2:  LREG a1, 0(a0)
    beq a1, a2, 2b
    li t0, 0
3:  LREG a3, 0(a0)
    addi t0, t0, 1
    nop
    nop
    beq a3, a1, 3b
    addi t0, t0, -20            /* 20 or 21: 0 or 1 */
    srli t0, t0, 1
    CHECK(30, t0, 0)
    sub a3, a3, a1
    CHECK(30, a3, 1)

    /* 31: the loaded word changes under the loop. */
    li gp, 31
    la a0, scratch
    sw zero, 0(a0)
    li t0, 5
4:  lw a1, 0(a0)
    addi a1, a1, 7
    sw a1, 0(a0)
    lw a2, 0(a0)
    addi t0, t0, -1
    bnez t0, 4b
    CHECK(31, a2, 35)

#if __riscv_xlen == 64
    /* 32: negw of a bit is 0 or -1; addw of 2^31 - 1 and 1 wraps. */
    li gp, 32
    li t0, 4
    li a1, 0x7fffffff
    li a2, 0
5:  andi a3, t0, 1
    negw a3, a3
    add a2, a2, a3
    addw a4, a1, t0
    srlw a5, a4, 1
    addi t0, t0, -1
    bnez t0, 5b
    CHECK(32, a2, -2)
    CHECK(32, a4, 0xffffffff80000000)
    CHECK(32, a5, 0x40000000)
#endif
TEST_END

    .data
    .align 3
scratch:
    .dword 0
