/*
 * The frame of the F/D test programs: bare-metal M-mode code for the virt
 * board (RAM at 0x80000000, test finisher at 0x100000), assembled for
 * RV64 and RV32 from the same source.
 *
 * A program is a list of numbered checks:
 *
 *     TEST 3
 *     SET_S  f1, 0x3f800000               1.0f
 *     SET_S  f2, 0x33800000               2^-24: half an ulp of 1.0f
 *     fadd.s f3, f1, f2, rmm
 *     EXPECT_S f3, 0x3f800001             ties away from zero
 *     EXPECT_FLAGS NX                     reads and clears fflags
 *
 * The first failing check ends the run with (n << 16) | 0x3333 written to
 * the finisher, so the emulator's exit status is n; PASS writes 0x5555
 * (status 0).  A trap ends the run as a failure of the current check
 * unless EXPECT_ILLEGAL announced it.  Numbers stay below 256 to survive
 * the exit status.
 *
 * Registers: s11 holds the check number, s7..s10 belong to the trap
 * handler, t4..t6 to these macros.  The rest is the tests'.
 */
#ifndef KILN_TESTS_ISA_FP_TEST_H
#define KILN_TESTS_ISA_FP_TEST_H

#define FINISHER 0x100000
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333

#define MCAUSE_ILLEGAL_INST 2
#define MSTATUS_FS 0x6000           /* Priv 3.1.6.6 */
#define MSTATUS_FS_INITIAL 0x2000
#define MSTATUS_FS_CLEAN 0x4000

/* fflags bits (Unpriv table 11.2) */
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

/* fclass results (Unpriv table 11.5) */
#define CLASS_NEG_INF 0x001
#define CLASS_NEG_NORMAL 0x002
#define CLASS_NEG_SUBNORMAL 0x004
#define CLASS_NEG_ZERO 0x008
#define CLASS_POS_ZERO 0x010
#define CLASS_POS_SUBNORMAL 0x020
#define CLASS_POS_NORMAL 0x040
#define CLASS_POS_INF 0x080
#define CLASS_SNAN 0x100
#define CLASS_QNAN 0x200

/* frm / rm encodings (Unpriv table 11.1) */
#define RM_RNE 0
#define RM_RTZ 1
#define RM_RDN 2
#define RM_RUP 3
#define RM_RMM 4

/* Bits 31:0 of V, sign-extended: what a 32-bit load gives on either XLEN. */
#define SX32(v) ((((v) & 0xffffffff) ^ 0x80000000) - 0x80000000)
#define HI32(v) SX32((v) >> 32)

#if __riscv_xlen == 64
#define LWU lwu
#else
#define LWU lw
#endif

/*
 * Entry: trap vector, stack, FP on with FS = Initial, fcsr clear.  The
 * assembler must not compress instructions behind the tests' back: the
 * compressed forms are tested where C_INSN asks for them.  No linker
 * relaxation either: gp is not set up for it.
 */
.macro TEST_BEGIN
    .option norvc
    .option norelax
    .text
    .globl _start
_start:
    li s11, 0
    li s10, 0
    la t0, trap_handler
    csrw mtvec, t0
    la sp, stack_top
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    csrwi fcsr, 0
.endm

/*
 * PASS, the failure path and the trap handler.  An announced trap
 * (s10 != 0) records mcause, mtval and mepc in s8, s9, s7, clears s10 and
 * resumes after the trapping instruction (2 or 4 bytes, from the bits
 * in mtval); any other trap fails the current check.
 */
.macro TEST_END
    li t5, FINISHER_PASS
    li t6, FINISHER
    sw t5, 0(t6)
1:  j 1b

fail:
    slli t5, s11, 16
    li t6, FINISHER_FAIL
    or t5, t5, t6
    li t6, FINISHER
    sw t5, 0(t6)
1:  j 1b

trap_handler:
    beqz s10, fail
    csrr s8, mcause
    csrr s9, mtval
    csrr s7, mepc
    addi t5, s7, 2
    andi t6, s9, 3
    li t4, 3
    bne t6, t4, 1f
    addi t5, s7, 4
1:  csrw mepc, t5
    li s10, 0
    mret

    .data
    .balign 16
scratch:
    .dword 0, 0, 0, 0

    .bss
    .balign 16
stack:
    .skip 4096
stack_top:
.endm

.macro TEST n
    li s11, \n
.endm

/* f register = a binary32 value, NaN-boxed (fmv.w.x boxes). */
.macro SET_S freg, v
    li t6, SX32(\v)
    fmv.w.x \freg, t6
.endm

/* f register = 64 bits, through memory so that RV32 can do it too. */
.macro SET_D freg, v
    la t4, scratch
    li t6, SX32(\v)
    sw t6, 0(t4)
    li t6, HI32(\v)
    sw t6, 4(t4)
    fld \freg, 0(t4)
.endm

/* The whole 64-bit f register is V. */
.macro EXPECT_D freg, v
    la t4, scratch
    fsd \freg, 0(t4)
    lw t5, 0(t4)
    li t6, SX32(\v)
    bne t5, t6, fail
    lw t5, 4(t4)
    li t6, HI32(\v)
    bne t5, t6, fail
.endm

/* The f register holds binary32 V, NaN-boxed. */
.macro EXPECT_S freg, v
    EXPECT_D \freg, (0xffffffff00000000 | (\v))
.endm

/* An x register holds bits 31:0 of V sign-extended to XLEN. */
.macro EXPECT_W reg, v
    li t6, SX32(\v)
    bne \reg, t6, fail
.endm

/* An x register holds V (RV64 only). */
.macro EXPECT_L reg, v
    li t6, \v
    bne \reg, t6, fail
.endm

/* fflags == V; then clear fflags for the next check. */
.macro EXPECT_FLAGS v
    csrrw t5, fflags, zero
    li t6, \v
    bne t5, t6, fail
.endm

/*
 * INSN (4 bytes) raises illegal-instruction, with mepc at it and mtval
 * holding its bits.
 */
.macro EXPECT_ILLEGAL insn:vararg
    li s10, 1
99: \insn
    bnez s10, fail
    li t6, MCAUSE_ILLEGAL_INST
    bne s8, t6, fail
    la t6, 99b
    bne s7, t6, fail
    LWU t6, 0(t6)
    bne s9, t6, fail
.endm

/*
 * A compressed instruction, which -march allows but .option norvc hides,
 * then a c.nop if needed to keep the code 4-byte aligned (without RVC the
 * assembler cannot pad by 2, and .balign would silently do nothing).
 */
.macro C_INSN insn:vararg
    .option push
    .option rvc
    \insn
    .balign 4
    .option pop
.endm

/* EXPECT_ILLEGAL for a compressed (2-byte) instruction. */
.macro EXPECT_ILLEGAL_C insn:vararg
    li s10, 1
99: C_INSN \insn
    bnez s10, fail
    li t6, MCAUSE_ILLEGAL_INST
    bne s8, t6, fail
    la t6, 99b
    bne s7, t6, fail
    lhu t6, 0(t6)
    bne s9, t6, fail
.endm

/* Table rows: TEST n, then operands, the instruction, result and fflags. */
.macro T_RR_S n, op, rm, a, b, res, flags
    TEST \n
    SET_S f1, \a
    SET_S f2, \b
    \op f3, f1, f2, \rm
    EXPECT_S f3, \res
    EXPECT_FLAGS \flags
.endm

.macro T_RR_D n, op, rm, a, b, res, flags
    TEST \n
    SET_D f1, \a
    SET_D f2, \b
    \op f3, f1, f2, \rm
    EXPECT_D f3, \res
    EXPECT_FLAGS \flags
.endm

.macro T_RRR_S n, op, rm, a, b, c, res, flags
    TEST \n
    SET_S f1, \a
    SET_S f2, \b
    SET_S f4, \c
    \op f3, f1, f2, f4, \rm
    EXPECT_S f3, \res
    EXPECT_FLAGS \flags
.endm

.macro T_RRR_D n, op, rm, a, b, c, res, flags
    TEST \n
    SET_D f1, \a
    SET_D f2, \b
    SET_D f4, \c
    \op f3, f1, f2, f4, \rm
    EXPECT_D f3, \res
    EXPECT_FLAGS \flags
.endm

/* Unary with rm: fsqrt. */
.macro T_R_S n, op, rm, a, res, flags
    TEST \n
    SET_S f1, \a
    \op f3, f1, \rm
    EXPECT_S f3, \res
    EXPECT_FLAGS \flags
.endm

.macro T_R_D n, op, rm, a, res, flags
    TEST \n
    SET_D f1, \a
    \op f3, f1, \rm
    EXPECT_D f3, \res
    EXPECT_FLAGS \flags
.endm

#endif
