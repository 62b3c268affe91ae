/*
 * NaN-boxing (Unpriv 12.2) and the bit-level instructions: binary32
 * values live in the low half of a 64-bit f register whose high half is
 * all ones; an operand that is not so boxed reads as the canonical NaN,
 * every binary32 result is boxed.  FLW boxes, FSW and FMV.X.W take bits
 * 31:0 without looking at the box, FMV.W.X boxes, FSGNJ*.S work on the
 * unboxed values.  Then FLD/FSD, the D sign injections and moves, and
 * the compressed FP loads and stores.
 */
#include "fp-test.h"

#define S_ONE 0x3f800000
#define S_M_ONE 0xbf800000
#define S_TWO 0x40000000
#define S_M_TWO 0xc0000000
#define S_QNAN 0x7fc00000
#define S_SNAN 0x7f800001

/* 1.0f without its box, and with a box one bit short */
#define UNBOXED_ONE 0x000000003f800000
#define BADBOX_ONE 0xfffffffe3f800000

#define D_ONE 0x3ff0000000000000
#define D_M_ONE 0xbff0000000000000
#define D_QNAN 0x7ff8000000000000
#define D_SNAN 0x7ff0000000000001

    TEST_BEGIN
    addi sp, sp, -64

    /* FLW boxes what it loads. */
    TEST 1
    li a0, 0x12345678
    sw a0, 0(sp)
    SET_D f1, 0
    flw f1, 0(sp)
    EXPECT_S f1, 0x12345678
    /* FSW stores bits 31:0 of an unboxed register as they are. */
    TEST 2
    li a0, -1
    sw a0, 4(sp)
    SET_D f1, 0x0123456789abcdef
    fsw f1, 0(sp)
    lw a0, 0(sp)
    EXPECT_W a0, 0x89abcdef
    lw a0, 4(sp)
    EXPECT_W a0, -1
    EXPECT_FLAGS 0

    /* An operand that is not boxed is the canonical (quiet) NaN: no NV. */
    TEST 3
    SET_D f1, UNBOXED_ONE
    SET_S f2, S_ONE
    fadd.s f3, f1, f2
    EXPECT_S f3, S_QNAN
    EXPECT_FLAGS 0
    TEST 4
    SET_D f2, BADBOX_ONE
    fadd.s f3, f1, f2
    EXPECT_S f3, S_QNAN
    fmul.s f3, f2, f1
    EXPECT_S f3, S_QNAN
    EXPECT_FLAGS 0
    /* min/max of a NaN and a number: the number */
    TEST 5
    SET_S f2, S_TWO
    fmin.s f3, f1, f2
    EXPECT_S f3, S_TWO
    fmax.s f3, f2, f1
    EXPECT_S f3, S_TWO
    EXPECT_FLAGS 0
    /* compare: unordered, quietly for FEQ */
    TEST 6
    feq.s a0, f1, f1
    EXPECT_W a0, 0
    EXPECT_FLAGS 0
    fle.s a0, f1, f2
    EXPECT_W a0, 0
    EXPECT_FLAGS NV
    TEST 7
    fclass.s a0, f1
    EXPECT_W a0, CLASS_QNAN
    SET_D f2, 0xffffffef00000000    /* +0.0f in a broken box */
    fclass.s a0, f2
    EXPECT_W a0, CLASS_QNAN
    EXPECT_FLAGS 0
    TEST 8
    fcvt.w.s a0, f1, rtz
    EXPECT_W a0, 0x7fffffff
    EXPECT_FLAGS NV
    TEST 9
    fcvt.d.s f3, f1
    EXPECT_D f3, D_QNAN
    EXPECT_FLAGS 0
    TEST 10
    SET_S f2, S_ONE
    fmadd.s f3, f2, f2, f1, rne
    EXPECT_S f3, S_QNAN
    fsqrt.s f3, f1, rne
    EXPECT_S f3, S_QNAN
    EXPECT_FLAGS 0
    /* Results are boxed whatever rd held before. */
    TEST 11
    SET_D f3, 0x0000000012345678
    SET_S f1, S_ONE
    fadd.s f3, f1, f1, rne
    EXPECT_S f3, S_TWO
    SET_D f3, 0x0000000012345678
    li a0, 3
    fcvt.s.w f3, a0
    EXPECT_S f3, 0x40400000
    SET_D f1, D_ONE
    fcvt.s.d f3, f1
    EXPECT_S f3, S_ONE
    EXPECT_FLAGS 0

    /* FMV.X.W: bits 31:0 sign-extended, no unboxing. */
    TEST 12
    SET_D f1, 0x0000000080000001
    fmv.x.w a0, f1
    EXPECT_W a0, 0x80000001
    SET_D f1, 0x123456787fffffff
    fmv.x.w a0, f1
    EXPECT_W a0, 0x7fffffff
    /* FMV.W.X boxes bits 31:0 of rs1. */
    TEST 13
    li a0, 0x40490fdb
    fmv.w.x f1, a0
    EXPECT_S f1, 0x40490fdb
    li a0, -1
    fmv.w.x f1, a0
    EXPECT_S f1, 0xffffffff
    EXPECT_FLAGS 0

    /* FSGNJ*.S: NaNs are not touched, no flags. */
    TEST 14
    SET_S f1, S_SNAN
    SET_S f2, S_M_ONE
    fsgnj.s f3, f1, f2
    EXPECT_S f3, 0xff800001
    fsgnjn.s f3, f1, f2
    EXPECT_S f3, S_SNAN
    fsgnjx.s f3, f2, f2
    EXPECT_S f3, S_ONE
    fsgnjx.s f3, f2, f1
    EXPECT_S f3, S_M_ONE
    EXPECT_FLAGS 0
    TEST 15
    SET_S f1, S_TWO
    fneg.s f3, f1
    EXPECT_S f3, S_M_TWO
    fabs.s f3, f3
    EXPECT_S f3, S_TWO
    fmv.s f3, f2
    EXPECT_S f3, S_M_ONE
    /* An unboxed rs1 is the canonical NaN, which then takes the sign. */
    TEST 16
    SET_D f1, UNBOXED_ONE
    SET_S f2, S_M_ONE
    fsgnj.s f3, f1, f2
    EXPECT_S f3, 0xffc00000
    fsgnjn.s f3, f1, f2
    EXPECT_S f3, S_QNAN
    fsgnjx.s f3, f1, f2
    EXPECT_S f3, 0xffc00000
    /* An unboxed rs2 gives the sign of the canonical NaN: positive,
       although its raw bit 31 is set. */
    TEST 17
    SET_S f1, S_M_TWO
    SET_D f2, 0x0000000080000000
    fsgnj.s f3, f1, f2
    EXPECT_S f3, S_TWO
    fsgnjn.s f3, f1, f2
    EXPECT_S f3, S_M_TWO
    fsgnjx.s f3, f1, f2
    EXPECT_S f3, S_M_TWO
    EXPECT_FLAGS 0

    /* FSGNJ*.D: all 64 bits, nothing unboxed. */
    TEST 18
    SET_D f1, 0x0000000012345678
    SET_D f2, D_M_ONE
    fsgnj.d f3, f1, f2
    EXPECT_D f3, 0x8000000012345678
    fsgnjn.d f3, f1, f2
    EXPECT_D f3, 0x0000000012345678
    fsgnjx.d f3, f2, f2
    EXPECT_D f3, D_ONE
    SET_D f1, D_SNAN
    fsgnjn.d f3, f1, f1
    EXPECT_D f3, 0xfff0000000000001
    fabs.d f3, f3
    EXPECT_D f3, D_SNAN
    EXPECT_FLAGS 0

    /* FLD/FSD move 8 bytes, on RV32 too. */
    TEST 19
    li a0, 0x89abcdef
    sw a0, 8(sp)
    li a0, 0x01234567
    sw a0, 12(sp)
    fld f4, 8(sp)
    EXPECT_D f4, 0x0123456789abcdef
    fsd f4, 16(sp)
    lw a0, 16(sp)
    EXPECT_W a0, 0x89abcdef
    lw a0, 20(sp)
    EXPECT_W a0, 0x01234567
    /* A binary32 value stored with FSD keeps its box in memory. */
    TEST 20
    SET_S f1, S_ONE
    fsd f1, 16(sp)
    lw a0, 16(sp)
    EXPECT_W a0, S_ONE
    lw a0, 20(sp)
    EXPECT_W a0, -1

    /* Compressed: c.fld/c.fsd (x8-x15, f8-f15) and c.fldsp/c.fsdsp. */
    TEST 21
    mv a5, sp
    SET_D f9, 0x0123456789abcdef
    C_INSN c.fsd fs1, 24(a5)
    C_INSN c.fld fa0, 24(a5)
    EXPECT_D fa0, 0x0123456789abcdef
    TEST 22
    SET_D f20, 0xfedcba9876543210
    C_INSN c.fsdsp fs4, 32(sp)
    C_INSN c.fldsp ft11, 32(sp)
    EXPECT_D ft11, 0xfedcba9876543210
    lw a0, 32(sp)
    EXPECT_W a0, 0x76543210
    lw a0, 36(sp)
    EXPECT_W a0, 0xfedcba98

#if __riscv_xlen == 64
    /* FMV.X.D and FMV.D.X copy 64 bits. */
    TEST 30
    li a0, 0x0123456789abcdef
    fmv.d.x f1, a0
    EXPECT_D f1, 0x0123456789abcdef
    fmv.x.d a1, f1
    bne a0, a1, fail
    EXPECT_FLAGS 0
    /* FMV.X.W of a boxed value gives the sign-extended word. */
    TEST 31
    SET_S f1, S_M_ONE
    fmv.x.w a0, f1
    EXPECT_L a0, 0xffffffffbf800000
#else
    /* RV32: c.flw/c.fsw and c.flwsp/c.fswsp, which box like flw. */
    TEST 40
    mv a5, sp
    li a0, 0x3fc00000
    sw a0, 40(sp)
    SET_D fa2, 0
    C_INSN c.flw fa2, 40(a5)
    EXPECT_S fa2, 0x3fc00000
    TEST 41
    SET_D fa3, 0x12345678c0000000
    C_INSN c.fsw fa3, 44(a5)
    lw a0, 44(sp)
    EXPECT_W a0, 0xc0000000
    TEST 42
    SET_D f7, 0
    C_INSN c.flwsp ft7, 44(sp)
    EXPECT_S f7, 0xc0000000
    C_INSN c.fswsp fa2, 48(sp)
    lw a0, 48(sp)
    EXPECT_W a0, 0x3fc00000
#endif

    addi sp, sp, 64
    TEST_END
