/*
 * Every instruction kiln decodes, in many operand variants, for
 * tests/unit/decode-test.c, which compares kiln's disassembly of each with
 * GNU objdump's.  Assembled twice by the build: for RV64
 * (-march=rv64gc_zba_zbb_zbs) and for RV32 (rv32gc_zba_zbb_zbs); the
 * preprocessor keeps the instructions of the other XLEN out.
 *
 * Immediates are chosen to set each bit of multi-part encodings on its
 * own, plus both ends of each range.  Branch targets are given relative
 * to "." so that no relocation is left for objdump to print.
 *
 * Encodings the specification reserves, HINTs objdump names differently
 * (c.slli64) and fields the hart ignores (fence fm, fence.i imm) are left
 * out: there kiln's text differs from objdump's on purpose (see
 * target/riscv/disas.c).
 */

#define XREGS zero, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, \
              a6, a7, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6
#define XREGS_NONZERO ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, \
              a5, a6, a7, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6
#define FREGS ft0, ft1, ft2, ft3, ft4, ft5, ft6, ft7, fs0, fs1, fa0, fa1, fa2, \
              fa3, fa4, fa5, fa6, fa7, fs2, fs3, fs4, fs5, fs6, fs7, fs8, fs9, \
              fs10, fs11, ft8, ft9, ft10, ft11
/* The registers compressed instructions reach with 3-bit fields. */
#define CREGS s0, s1, a0, a1, a2, a3, a4, a5
#define CFREGS fs0, fs1, fa0, fa1, fa2, fa3, fa4, fa5
#define RMS rne, rtz, rdn, rup, rmm, dyn

#if __riscv_xlen == 64
#define SHAMTS 0, 1, 2, 4, 8, 16, 31, 32, 63
#else
#define SHAMTS 0, 1, 2, 4, 8, 16, 31
#endif
#define IMM12 -2048, -1024, -1, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2047
#define FENCE_SETS i, o, r, w, io, ir, iw, or, ow, rw, ior, iow, irw, orw, iorw

    .option norelax
    .text
    .globl isa_all
isa_all:
    .option push
    .option norvc

/* Three-register instructions: each register position swept once. */
.macro rtype op
    \op a0, a1, a2
    .irp r, XREGS
    \op \r, t0, t1
    .endr
    .irp r, zero, sp, s1, a7, t6
    \op a0, \r, a2
    \op a0, a1, \r
    .endr
.endm

.macro rtype_short op
    \op a0, a1, a2
    \op zero, ra, sp
    \op t6, s11, gp
    \op s0, t3, a7
.endm

.macro unary op
    \op a0, a1
    \op zero, t6
    \op s11, ra
.endm

.macro itype op
    .irp imm, IMM12
    \op a0, a1, \imm
    .endr
    \op zero, t6, 5
    \op t6, zero, -5
.endm

.macro shift op
    .irp sh, SHAMTS
    \op a0, a1, \sh
    .endr
    \op zero, t6, 3
    \op t6, zero, 7
.endm

.macro shiftw op
    .irp sh, 0, 1, 2, 4, 8, 16, 31
    \op a0, a1, \sh
    .endr
    \op t6, zero, 7
.endm

.macro load op
    .irp imm, IMM12
    \op a0, \imm(a1)
    .endr
    \op zero, 0(t6)
    \op t6, -8(zero)
    \op ra, 8(sp)
.endm

.macro store op
    .irp imm, IMM12
    \op a0, \imm(a1)
    .endr
    \op zero, 0(t6)
    \op t6, -8(zero)
    \op ra, 8(sp)
.endm

.macro branch op
    .irp off, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4094, -2, -4, -2048, -4096
    \op a0, a1, . + \off
    .endr
    \op zero, t6, . + 12
    \op t6, zero, . - 12
.endm

/* RV32I / RV64I */
    .irp imm, 0, 1, 0x10, 0x800, 0x12345, 0x7ffff, 0x80000, 0xfffff
    lui a0, \imm
    auipc a1, \imm
    .endr
    lui zero, 1
    lui t6, 1
    auipc zero, 2
    auipc t6, 3
    .irp off, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 0x10000, 0x80000, 1048574, -2, -2048, -4096, -1048576
    jal ra, . + \off
    .endr
    jal zero, . + 8
    jal t6, . - 8
    .irp imm, -2048, -1, 0, 1, 2047
    jalr ra, \imm(a0)
    .endr
    jalr zero, 0(ra)
    jalr t6, 4(zero)
    branch beq
    branch bne
    branch blt
    branch bge
    branch bltu
    branch bgeu
    load lb
    load lh
    load lw
    load lbu
    load lhu
    store sb
    store sh
    store sw
    itype addi
    itype slti
    itype sltiu
    itype xori
    itype ori
    itype andi
    shift slli
    shift srli
    shift srai
    rtype add
    rtype sub
    rtype_short sll
    rtype_short slt
    rtype_short sltu
    rtype_short xor
    rtype_short srl
    rtype_short sra
    rtype_short or
    rtype_short and
    .irp set, FENCE_SETS
    fence \set, iorw
    fence iorw, \set
    .endr
    fence
    fence.tso
    ecall
    ebreak
#if __riscv_xlen == 64
    load ld
    load lwu
    store sd
    itype addiw
    shiftw slliw
    shiftw srliw
    shiftw sraiw
    rtype_short addw
    rtype_short subw
    rtype_short sllw
    rtype_short srlw
    rtype_short sraw
#endif

/* Zifencei */
    fence.i

/* Zicsr: every CSR kiln names, by number, and some it does not. */
.macro csr_range first, count
    .set csr, \first
    .rept \count
    csrrs a0, csr, zero
    .set csr, csr + 1
    .endr
.endm
    .irp n, 0x001, 0x002, 0x003, 0x100, 0x104, 0x105, 0x106, 0x10a, 0x140, \
        0x141, 0x142, 0x143, 0x144, 0x180, 0x300, 0x301, 0x302, 0x303, 0x304, \
        0x305, 0x306, 0x30a, 0x310, 0x31a, 0x320, 0x340, 0x341, 0x342, 0x343, \
        0x344, 0x34a, 0x34b, 0x747, 0x757, 0x7a0, 0x7a1, 0x7a2, 0x7a3, 0x7b0, \
        0x7b1, 0x7b2, 0x7b3, 0xb00, 0xb02, 0xb80, 0xb82, 0xc00, 0xc01, 0xc02, \
        0xc80, 0xc81, 0xc82, 0xf11, 0xf12, 0xf13, 0xf14, 0xf15
    csrrs a0, \n, zero
    .endr
    csr_range 0x323, 29
    csr_range 0x723, 29
    csr_range 0x3a0, 16
    csr_range 0x3b0, 64
    csr_range 0xb03, 29
    csr_range 0xb83, 29
    csr_range 0xc03, 29
    csr_range 0xc83, 29
    .irp n, 0x000, 0x7c0, 0x800, 0xfff, 0x5c0, 0xbc0
    csrrw a0, \n, a1
    .endr
    .irp op, csrrw, csrrs, csrrc
    \op a0, mstatus, a1
    \op zero, mscratch, t6
    \op t6, fcsr, zero
    .endr
    .irp op, csrrwi, csrrsi, csrrci
    .irp imm, 0, 1, 2, 4, 8, 16, 31
    \op a0, mie, \imm
    .endr
    \op zero, sstatus, 3
    \op t6, 0x7c0, 5
    .endr

/* Privileged */
    mret
    sret
    wfi
    sfence.vma
    sfence.vma a0
    sfence.vma a0, a1
    sfence.vma zero, t6
    sfence.vma t6, zero

/* M */
    rtype mul
    rtype_short mulh
    rtype_short mulhsu
    rtype_short mulhu
    rtype_short div
    rtype_short divu
    rtype_short rem
    rtype_short remu
#if __riscv_xlen == 64
    rtype_short mulw
    rtype_short divw
    rtype_short divuw
    rtype_short remw
    rtype_short remuw
#endif

/* A */
.macro amo op
    .irp order, , .aq, .rl, .aqrl
    \op\order a0, a2, (a1)
    .endr
    \op zero, t6, (sp)
    \op t6, zero, (zero)
.endm
.macro lr op
    .irp order, , .aq, .rl, .aqrl
    \op\order a0, (a1)
    .endr
    \op zero, (t6)
    \op t6, (zero)
.endm
    lr lr.w
    amo sc.w
    amo amoswap.w
    amo amoadd.w
    amo amoxor.w
    amo amoand.w
    amo amoor.w
    amo amomin.w
    amo amomax.w
    amo amominu.w
    amo amomaxu.w
#if __riscv_xlen == 64
    lr lr.d
    amo sc.d
    amo amoswap.d
    amo amoadd.d
    amo amoxor.d
    amo amoand.d
    amo amoor.d
    amo amomin.d
    amo amomax.d
    amo amominu.d
    amo amomaxu.d
#endif

/* F and D */
.macro fload op
    .irp imm, IMM12
    \op fa0, \imm(a1)
    .endr
    .irp r, FREGS
    \op \r, 8(sp)
    .endr
    \op ft11, 0(zero)
.endm
.macro fstore op
    .irp imm, IMM12
    \op fa0, \imm(a1)
    .endr
    .irp r, FREGS
    \op \r, 8(sp)
    .endr
    \op ft11, 0(t6)
.endm
.macro fr4 op
    \op fa0, fa1, fa2, fa3
    .irp rm, RMS
    \op fa0, fa1, fa2, fa3, \rm
    .endr
    \op ft0, ft11, fs0, fs11
    \op ft11, ft0, fs11, fs0
.endm
.macro frrm op
    \op fa0, fa1, fa2
    .irp rm, RMS
    \op fa0, fa1, fa2, \rm
    .endr
    .irp r, FREGS
    \op \r, ft1, ft2
    .endr
    \op ft0, ft11, fs0
    \op ft11, ft0, fs11
.endm
.macro fr op
    \op fa0, fa1, fa2
    \op ft0, ft11, fs0
    \op ft11, ft0, fs11
.endm
.macro fcmp op
    \op a0, fa1, fa2
    \op zero, ft0, ft11
    \op t6, ft11, ft0
.endm
/* One operand and a rounding mode; D is "f" or "x", S likewise. */
.macro f2rm op, d0, d1, s0, s1
    \op \d0, \s0
    .irp rm, RMS
    \op \d0, \s0, \rm
    .endr
    \op \d1, \s1
.endm
    fload flw
    fstore fsw
    fr4 fmadd.s
    fr4 fmsub.s
    fr4 fnmsub.s
    fr4 fnmadd.s
    frrm fadd.s
    frrm fsub.s
    frrm fmul.s
    frrm fdiv.s
    f2rm fsqrt.s, fa0, ft11, fa1, ft0
    fr fsgnj.s
    fr fsgnjn.s
    fr fsgnjx.s
    fr fmin.s
    fr fmax.s
    f2rm fcvt.w.s, a0, t6, fa1, ft0
    f2rm fcvt.wu.s, a0, zero, fa1, ft11
    fmv.x.w a0, fa1
    fmv.x.w t6, ft0
    fcmp feq.s
    fcmp flt.s
    fcmp fle.s
    fclass.s a0, fa1
    fclass.s zero, ft11
    f2rm fcvt.s.w, fa0, ft11, a1, zero
    f2rm fcvt.s.wu, fa0, ft0, a1, t6
    fmv.w.x fa0, a1
    fmv.w.x ft11, zero
    fload fld
    fstore fsd
    fr4 fmadd.d
    fr4 fmsub.d
    fr4 fnmsub.d
    fr4 fnmadd.d
    frrm fadd.d
    frrm fsub.d
    frrm fmul.d
    frrm fdiv.d
    f2rm fsqrt.d, fa0, ft11, fa1, ft0
    fr fsgnj.d
    fr fsgnjn.d
    fr fsgnjx.d
    fr fmin.d
    fr fmax.d
    f2rm fcvt.s.d, fa0, ft11, fa1, ft0
    /* Exact conversions: the assembler takes no rounding mode. */
    fcvt.d.s fa0, fa1
    fcvt.d.s ft11, ft0
    fcvt.d.w fa0, a1
    fcvt.d.w ft0, zero
    fcvt.d.wu fa0, a1
    fcvt.d.wu ft11, t6
    fcmp feq.d
    fcmp flt.d
    fcmp fle.d
    fclass.d a0, fa1
    fclass.d t6, ft0
    f2rm fcvt.w.d, a0, t6, fa1, ft0
    f2rm fcvt.wu.d, a0, zero, fa1, ft11
#if __riscv_xlen == 64
    f2rm fcvt.l.s, a0, t6, fa1, ft0
    f2rm fcvt.lu.s, a0, zero, fa1, ft11
    f2rm fcvt.s.l, fa0, ft11, a1, zero
    f2rm fcvt.s.lu, fa0, ft0, a1, t6
    f2rm fcvt.l.d, a0, t6, fa1, ft0
    f2rm fcvt.lu.d, a0, zero, fa1, ft11
    f2rm fcvt.d.l, fa0, ft11, a1, zero
    f2rm fcvt.d.lu, fa0, ft0, a1, t6
    fmv.x.d a0, fa1
    fmv.x.d t6, ft0
    fmv.d.x fa0, a1
    fmv.d.x ft11, zero
#endif

/* Zba */
    rtype_short sh1add
    rtype_short sh2add
    rtype_short sh3add
#if __riscv_xlen == 64
    rtype_short add.uw
    rtype_short sh1add.uw
    rtype_short sh2add.uw
    rtype_short sh3add.uw
    shift slli.uw
#endif

/* Zbb */
    rtype_short andn
    rtype_short orn
    rtype_short xnor
    unary clz
    unary ctz
    unary cpop
    unary sext.b
    unary sext.h
    rtype_short max
    rtype_short maxu
    rtype_short min
    rtype_short minu
    unary zext.h
    rtype_short rol
    rtype_short ror
    shift rori
    unary orc.b
    unary rev8
#if __riscv_xlen == 64
    unary clzw
    unary ctzw
    unary cpopw
    rtype_short rolw
    rtype_short rorw
    shiftw roriw
#endif

/* Zbs */
    rtype_short bclr
    rtype_short bext
    rtype_short binv
    rtype_short bset
    shift bclri
    shift bexti
    shift binvi
    shift bseti

    .option pop

/* C: the instructions are named, so the assembler does not choose. */
    .option push
    .option rvc

/* Quadrant 0 */
    .irp imm, 4, 8, 16, 32, 64, 128, 256, 512, 1020
    c.addi4spn a0, sp, \imm
    .endr
    .irp r, CREGS
    c.addi4spn \r, sp, 8
    .endr
/* FP is "f" for the floating-point forms, which sweep FP registers. */
.macro cload op, rd, scale, fp
    .irp imm, 0, 1, 2, 4, 8, 16, 31
    \op \rd, \imm * \scale(a1)
    .endr
    .irp r, CREGS
    \op \rd, \scale(\r)
    .endr
    .ifc \fp, f
    .irp r, CFREGS
    \op \r, 0(a5)
    .endr
    .else
    .irp r, CREGS
    \op \r, 0(a5)
    .endr
    .endif
.endm
    cload c.lw, a0, 4
    cload c.sw, a0, 4
    cload c.fld, fa0, 8, f
    cload c.fsd, fa0, 8, f
#if __riscv_xlen == 64
    cload c.ld, a0, 8
    cload c.sd, a0, 8
#else
    cload c.flw, fa0, 4, f
    cload c.fsw, fa0, 4, f
#endif
    c.unimp

/* Quadrant 1 */
    c.nop
    .irp imm, -32, -16, -1, 1, 2, 4, 8, 16, 31
    c.addi a0, \imm
    c.li a1, \imm
    c.andi s1, \imm
    .endr
    .irp r, ra, sp, gp, a0, s11, t6
    c.addi \r, 1
    c.li \r, 0
    .endr
    .irp r, CREGS
    c.andi \r, 0
    .endr
#if __riscv_xlen == 64
    .irp imm, -32, -1, 0, 1, 31
    c.addiw a0, \imm
    .endr
    c.addiw ra, 1
    c.addiw t6, -2
#endif
    .irp imm, -512, -256, -16, 16, 32, 64, 128, 256, 496
    c.addi16sp sp, \imm
    .endr
    .irp imm, 1, 2, 4, 8, 0x10, 0x1f, 0xfffe0, 0xffff0, 0xfffff
    c.lui a0, \imm
    .endr
    .irp r, ra, gp, s0, t6
    c.lui \r, 1
    .endr
#if __riscv_xlen == 64
#define CSHAMTS 1, 2, 4, 8, 16, 31, 32, 63
#else
#define CSHAMTS 1, 2, 4, 8, 16, 31
#endif
    .irp sh, CSHAMTS
    c.srli a0, \sh
    c.srai a1, \sh
    c.slli a2, \sh
    .endr
    .irp r, CREGS
    c.srli \r, 3
    c.srai \r, 3
    .endr
    c.slli ra, 1
    c.slli t6, 2
.macro calu op
    .irp r, CREGS
    \op \r, a0
    \op a1, \r
    .endr
.endm
    calu c.sub
    calu c.xor
    calu c.or
    calu c.and
#if __riscv_xlen == 64
    calu c.subw
    calu c.addw
#endif
    .irp off, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2046, -2, -2048
    c.j . + \off
#if __riscv_xlen == 32
    c.jal . + \off
#endif
    .endr
    .irp off, 0, 2, 4, 8, 16, 32, 64, 128, 254, -2, -256
    c.beqz a0, . + \off
    c.bnez a1, . + \off
    .endr
    .irp r, CREGS
    c.beqz \r, . + 6
    c.bnez \r, . - 6
    .endr

/* Quadrant 2 */
/* REGS is "x" (every register), "x1" (all but zero) or "f". */
.macro cspload op, rd, scale, regs
    .irp imm, 0, 1, 2, 4, 8, 16, 32, 63
    \op \rd, \imm * \scale(sp)
    .endr
    .ifc \regs, f
    .irp r, FREGS
    \op \r, \scale(sp)
    .endr
    .endif
    .ifc \regs, x
    .irp r, XREGS
    \op \r, \scale(sp)
    .endr
    .endif
    .ifc \regs, x1
    .irp r, XREGS_NONZERO
    \op \r, \scale(sp)
    .endr
    .endif
.endm
    cspload c.lwsp, a0, 4, x1
    cspload c.swsp, a0, 4, x
    cspload c.fldsp, fa0, 8, f
    cspload c.fsdsp, fa0, 8, f
#if __riscv_xlen == 64
    cspload c.ldsp, a0, 8, x1
    cspload c.sdsp, a0, 8, x
#else
    cspload c.flwsp, fa0, 4, f
    cspload c.fswsp, fa0, 4, f
#endif
    .irp r, XREGS_NONZERO
    c.jr \r
    c.jalr \r
    c.mv \r, a0
    c.mv a1, \r
    c.add \r, a0
    c.add a1, \r
    .endr
    c.ebreak

    .option pop
