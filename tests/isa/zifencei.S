/*
 * Zifencei (Unpriv 20191213 chapter 3): after stores to instruction
 * memory, fence.i makes the hart fetch what was stored, including code it
 * has run before (and that an emulator has translated and cached), code
 * on the page being run, and an instruction changed by a halfword store.
 */
#include "test.h"

/* addi a0, zero, IMM and jalr zero, 0(ra) */
#define ADDI_A0(imm) (((imm) << 20) | (10 << 7) | 0x13)
#define RET          0x00008067

    .section .data
    .balign 4
code_buf:
    .word ADDI_A0(1)
    .word RET

TEST_BEGIN
    la s0, code_buf
    fence.i
    TEST_CASE(1, a0, 1, jalr s0)
    /* run it again: the same code, from the cache */
    TEST_CASE(2, a0, 1, li a0, 0; jalr s0)
    /* a new instruction */
    li t0, ADDI_A0(2)
    sw t0, 0(s0)
    fence.i
    TEST_CASE(3, a0, 2, jalr s0)
    /* only its immediate, by a halfword store */
    li t0, ADDI_A0(0x7f5) >> 16
    sh t0, 2(s0)
    fence.i
    TEST_CASE(4, a0, 0x7f5, jalr s0)
    /* a new routine of three instructions */
    li t0, (7 << 20) | (10 << 15) | (10 << 7) | 0x13      /* addi a0, a0, 7 */
    sw t0, 4(s0)
    li t0, RET
    sw t0, 8(s0)
    fence.i
    TEST_CASE(5, a0, 0x7f5 + 7, jalr s0)

    /* Code right beside the code that patches it */
    j 1f
    .balign 4
    .option push
    .option norvc
patch_site:
    addi a0, zero, 3
    ret
    .option pop
1:  la s1, patch_site
    TEST_CASE(6, a0, 3, jalr s1)
    li t0, ADDI_A0(4)
    sw t0, 0(s1)
    fence.i
    TEST_CASE(7, a0, 4, jalr s1)
TEST_END
