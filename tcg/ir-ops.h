/*
 * The IR's operations, declared once.  The builder, the optimiser, the
 * printer, the interpreter and every native backend switch over this
 * table, so an op added here is an op every one of them must handle
 * (-Wswitch tells which).
 *
 *     DEF(name, outputs, inputs, constants)
 *
 * Every value is an IR temp holding 64 bits.  "_i32" ops read the low 32
 * bits of their inputs and write a zero-extended 32-bit result, which is
 * what an x86-64 32-bit instruction does, so a backend emits them as one
 * instruction.  Memory ops name a MemOp (size, sign) and an MMU index.
 */

/* moves and constants */
DEF(movi, 1, 0, 1)                  /* d = c0 */
DEF(mov, 1, 1, 0)                   /* d = a */

/* CPU state: env + c0 */
DEF(ld_env, 1, 0, 2)                /* d = *(env + c0), c1: 4 (zero-ext) or 8 bytes */
DEF(st_env, 0, 1, 2)                /* *(env + c0) = a, c1: 4 or 8 bytes */

/* 64-bit arithmetic; shift counts are taken modulo 64 */
DEF(add, 1, 2, 0)
DEF(sub, 1, 2, 0)
DEF(and, 1, 2, 0)
DEF(or, 1, 2, 0)
DEF(xor, 1, 2, 0)
DEF(shl, 1, 2, 0)
DEF(shr, 1, 2, 0)
DEF(sar, 1, 2, 0)
DEF(rotl, 1, 2, 0)
DEF(rotr, 1, 2, 0)
DEF(mul, 1, 2, 0)
DEF(mulsh, 1, 2, 0)                 /* high 64 bits of signed x signed */
DEF(muluh, 1, 2, 0)                 /* high 64 bits of unsigned x unsigned */
DEF(mulsuh, 1, 2, 0)                /* high 64 bits of signed x unsigned */
/*
 * Division never traps: x / 0 is all ones and x % 0 is x; signed
 * MIN / -1 is MIN and MIN % -1 is 0 (the RISC-V rules, Unpriv 7.2).
 */
DEF(div, 1, 2, 0)                   /* signed quotient, rounded toward zero */
DEF(divu, 1, 2, 0)
DEF(rem, 1, 2, 0)                   /* signed remainder, the sign of a */
DEF(remu, 1, 2, 0)
DEF(neg, 1, 1, 0)
DEF(not, 1, 1, 0)
DEF(clz, 1, 1, 0)                   /* 64 for 0 */
DEF(ctz, 1, 1, 0)                   /* 64 for 0 */
DEF(ctpop, 1, 1, 0)

/* 32-bit arithmetic, result zero-extended; shift counts modulo 32 */
DEF(add_i32, 1, 2, 0)
DEF(sub_i32, 1, 2, 0)
DEF(shl_i32, 1, 2, 0)
DEF(shr_i32, 1, 2, 0)
DEF(sar_i32, 1, 2, 0)
DEF(rotl_i32, 1, 2, 0)
DEF(rotr_i32, 1, 2, 0)
DEF(mul_i32, 1, 2, 0)
DEF(div_i32, 1, 2, 0)               /* division as above, on 32-bit values */
DEF(divu_i32, 1, 2, 0)
DEF(rem_i32, 1, 2, 0)
DEF(remu_i32, 1, 2, 0)
DEF(clz_i32, 1, 1, 0)               /* 32 for 0 */
DEF(ctz_i32, 1, 1, 0)               /* 32 for 0 */
DEF(ctpop_i32, 1, 1, 0)

/* width changes */
DEF(ext8s, 1, 1, 0)
DEF(ext8u, 1, 1, 0)
DEF(ext16s, 1, 1, 0)
DEF(ext16u, 1, 1, 0)
DEF(ext32s, 1, 1, 0)
DEF(ext32u, 1, 1, 0)

/* comparisons: c0 is an IrCond */
DEF(setcond, 1, 2, 1)               /* d = a COND b ? 1 : 0 */
DEF(movcond, 1, 4, 1)               /* d = a COND b ? c : e */

/* control flow inside a block: labels are numbers from ir_new_label() */
DEF(set_label, 0, 0, 1)
DEF(br, 0, 0, 1)
DEF(brcond, 0, 2, 2)                /* if (a COND b) goto c1 */

/* guest memory: a = address; c0 = MemOp, c1 = MMU index */
DEF(guest_ld, 1, 1, 2)
DEF(guest_st, 0, 2, 2)              /* a = value, b = address */

/*
 * A C helper: d = fn(env, a, b, c, e); c0 = the IrHelper, c1 = IR_CALL_*
 * flags.  Unused inputs are IR_NO_TEMP; a helper without a result has
 * IR_NO_TEMP as its output.
 */
DEF(call, 1, 4, 2)

/* Guest instruction boundary: c0 = guest pc, c1 = index in the block. */
DEF(insn_start, 0, 0, 2)

/* Leave the block.  c0: IR_EXIT_* reason (how the next pc was set). */
DEF(goto_tb, 0, 0, 1)               /* c0: jump slot 0 or 1, a direct successor */
DEF(exit_tb, 0, 0, 1)
