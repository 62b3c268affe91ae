/*
 * When F/D instructions are illegal, and mstatus.FS:
 *  - with mstatus.FS = Off every F/D instruction, and the FP CSRs, raise
 *    illegal-instruction (Priv 3.1.6.6), with mtval = the instruction's
 *    bits, leaving rd and fflags alone; the same code runs again once FS
 *    is back on;
 *  - a static rm of 101 or 110 is illegal, and so is DYN while frm holds
 *    101, 110 or 111 (Unpriv 11.2); instructions without rm are not
 *    affected by frm;
 *  - writing an f register or fflags makes FS Dirty, and mstatus.SD
 *    (bit XLEN-1) reads 1 with it.
 */
#include "fp-test.h"

#define S_ONE 0x3f800000
#define S_TWO 0x40000000
#define OPC_OP_FP 0x53
#define OPC_MADD 0x43

/* mstatus.FS = V, V being one of the MSTATUS_FS_* values or 0 (Off) */
.macro SET_FS v
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li t0, \v
    csrs mstatus, t0
.endm

/* FS == V and SD == (V is Dirty) */
.macro EXPECT_FS v
    csrr t0, mstatus
    li t1, MSTATUS_FS
    and t1, t0, t1
    li t2, \v
    bne t1, t2, fail
    slt t1, t0, zero
    .if (\v) == MSTATUS_FS
    beqz t1, fail
    .else
    bnez t1, fail
    .endif
.endm

    TEST_BEGIN
    addi sp, sp, -32
    SET_S f3, S_TWO
    SET_S f1, S_ONE

    /* FS = Off: loads, stores, arithmetic, moves, the FP CSRs */
    TEST 1
    SET_FS 0
    EXPECT_ILLEGAL flw f3, 0(sp)
    TEST 2
    EXPECT_ILLEGAL fsw f1, 0(sp)
    TEST 3
    EXPECT_ILLEGAL fld f3, 0(sp)
    TEST 4
    EXPECT_ILLEGAL fsd f1, 0(sp)
    TEST 5
    EXPECT_ILLEGAL fadd.s f3, f1, f1, rne
    TEST 6
    EXPECT_ILLEGAL fmadd.d f3, f1, f1, f1, rne
    TEST 7
    EXPECT_ILLEGAL fsqrt.d f3, f1
    TEST 8
    EXPECT_ILLEGAL fsgnj.s f3, f1, f1
    TEST 9
    EXPECT_ILLEGAL fmin.d f3, f1, f1
    TEST 10
    li a0, 7
    EXPECT_ILLEGAL fmv.x.w a0, f1
    EXPECT_W a0, 7
    TEST 11
    EXPECT_ILLEGAL fmv.w.x f3, zero
    TEST 12
    EXPECT_ILLEGAL fcvt.w.s a0, f1, rtz
    EXPECT_W a0, 7
    TEST 13
    EXPECT_ILLEGAL fcvt.d.wu f3, a0
    TEST 14
    EXPECT_ILLEGAL feq.d a0, f1, f1
    TEST 15
    EXPECT_ILLEGAL fclass.s a0, f1
    EXPECT_W a0, 7
    TEST 16
    EXPECT_ILLEGAL csrr a0, fflags
    TEST 17
    EXPECT_ILLEGAL csrw frm, zero
    TEST 18
    EXPECT_ILLEGAL_C c.fldsp f3, 0(sp)
    TEST 19
    mv a5, sp
    EXPECT_ILLEGAL_C c.fsd fs0, 0(a5)
#if __riscv_xlen == 64
    TEST 20
    EXPECT_ILLEGAL fmv.x.d a0, f1
    TEST 21
    EXPECT_ILLEGAL fcvt.l.d a0, f1
#else
    TEST 20
    EXPECT_ILLEGAL_C c.flw fa0, 0(a5)
    TEST 21
    EXPECT_ILLEGAL_C c.fswsp f1, 0(sp)
#endif
    /* Nothing above changed FP state. */
    TEST 22
    EXPECT_FS 0
    SET_FS MSTATUS_FS_INITIAL
    EXPECT_S f3, S_TWO
    EXPECT_FLAGS 0

    /*
     * A block translated while FS was on must not run once it is off:
     * the same code, called both ways.
     */
    TEST 23
    call add_ones
    EXPECT_S f3, S_TWO
    SET_FS 0
    li s10, 1
    call add_ones
    bnez s10, fail
    li t6, MCAUSE_ILLEGAL_INST
    bne s8, t6, fail
    la t6, add_ones
    bne s7, t6, fail
    TEST 24
    SET_FS MSTATUS_FS_INITIAL
    call add_ones
    EXPECT_S f3, S_TWO

    /* Reserved static rounding modes, in each instruction shape. */
    TEST 30
    SET_S f3, S_ONE
    EXPECT_ILLEGAL .insn r OPC_OP_FP, 5, 0x00, f3, f1, f1    /* fadd.s rm=5 */
    TEST 31
    EXPECT_ILLEGAL .insn r OPC_OP_FP, 6, 0x01, f3, f1, f1    /* fadd.d rm=6 */
    TEST 32
    EXPECT_ILLEGAL .insn r4 OPC_MADD, 5, 0, f3, f1, f1, f1   /* fmadd.s */
    TEST 33
    EXPECT_ILLEGAL .insn r OPC_OP_FP, 6, 0x2c, f3, f1, f0    /* fsqrt.s */
    TEST 34
    EXPECT_ILLEGAL .insn r OPC_OP_FP, 5, 0x21, f3, f1, f0    /* fcvt.d.s */
    TEST 35
    li a0, 7
    EXPECT_ILLEGAL .insn r OPC_OP_FP, 5, 0x60, a0, f1, x0    /* fcvt.w.s */
    EXPECT_W a0, 7
    TEST 36
    EXPECT_ILLEGAL .insn r OPC_OP_FP, 6, 0x69, f3, a0, x0    /* fcvt.d.wu */
    TEST 37
    EXPECT_S f3, S_ONE
    EXPECT_FLAGS 0

    /* DYN with a reserved frm: illegal when it executes. */
    TEST 40
    fsrmi 5
    EXPECT_ILLEGAL fadd.s f3, f1, f1, dyn
    TEST 41
    fsrmi 6
    EXPECT_ILLEGAL fmadd.d f3, f1, f1, f1, dyn
    TEST 42
    fsrmi 7
    EXPECT_ILLEGAL fcvt.w.s a0, f1, dyn
    EXPECT_W a0, 7
    TEST 43
    EXPECT_ILLEGAL fcvt.s.w f3, a0, dyn
    TEST 44
    EXPECT_ILLEGAL fsqrt.d f3, f1, dyn
    TEST 45
    EXPECT_S f3, S_ONE
    EXPECT_FLAGS 0
    /* Instructions without rm do not care. */
    TEST 46
    SET_S f2, S_TWO
    fmin.s f3, f1, f2
    EXPECT_S f3, S_ONE
    fsgnjn.s f3, f1, f1
    EXPECT_S f3, 0xbf800000
    feq.s a0, f1, f1
    EXPECT_W a0, 1
    /* The same fadd.s dyn, once frm is valid again */
    TEST 47
    fsrmi RM_RNE
    fadd.s f3, f1, f1, dyn
    EXPECT_S f3, S_TWO

    /* Each way of writing FP state makes FS Dirty, with SD. */
    TEST 50
    SET_FS MSTATUS_FS_INITIAL
    EXPECT_FS MSTATUS_FS_INITIAL
    fadd.s f3, f1, f1
    EXPECT_FS MSTATUS_FS
    TEST 51
    SET_FS MSTATUS_FS_CLEAN
    EXPECT_FS MSTATUS_FS_CLEAN
    flw f3, 0(sp)
    EXPECT_FS MSTATUS_FS
    TEST 52
    SET_FS MSTATUS_FS_CLEAN
    fld f3, 0(sp)
    EXPECT_FS MSTATUS_FS
    TEST 53
    SET_FS MSTATUS_FS_CLEAN
    fmv.w.x f3, zero
    EXPECT_FS MSTATUS_FS
    TEST 54
    SET_FS MSTATUS_FS_CLEAN
    fsgnjx.d f3, f1, f1
    EXPECT_FS MSTATUS_FS
    TEST 55
    SET_FS MSTATUS_FS_CLEAN
    fcvt.s.w f3, zero
    EXPECT_FS MSTATUS_FS
    TEST 56
    SET_FS MSTATUS_FS_CLEAN
    fmadd.d f3, f1, f1, f1
    EXPECT_FS MSTATUS_FS
    TEST 57
    SET_FS MSTATUS_FS_CLEAN
    C_INSN c.fldsp f3, 0(sp)
    EXPECT_FS MSTATUS_FS
    TEST 58
    SET_FS MSTATUS_FS_CLEAN
    fmin.d f3, f1, f1
    EXPECT_FS MSTATUS_FS
    TEST 59
    SET_FS MSTATUS_FS_CLEAN
    csrwi fflags, NX
    EXPECT_FS MSTATUS_FS
    EXPECT_FLAGS NX

    addi sp, sp, 32
    TEST_END

    .text
add_ones:
    fadd.s f3, f1, f1, rne
    ret
