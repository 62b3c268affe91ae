/*
 * RISC-V disassembler: the text of one instruction, as "-d in_asm" logs it.
 *
 * It knows what the decoder knows (RV32GC and RV64GC, Zba, Zbb, Zbs,
 * mret, sret, wfi, sfence.vma): both come from insn32.decode and
 * insn16.decode.  The text is what GNU objdump -M no-aliases prints
 * (register ABI names, compressed instructions as c.*), except that a
 * branch target is printed as an absolute 0x address, without objdump's
 * "<symbol>", and that mnemonic and operands are separated by one space:
 *
 *   char text[64];
 *   int n = riscv_disas(text, sizeof(text), pc, insn, 64);
 *   // "beq a0,a1,0x80000010", n == 4
 */
#ifndef KILN_RISCV_DISAS_H
#define KILN_RISCV_DISAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Write the text of INSN, fetched at PC by a hart running at XLEN (32 or
 * 64), to BUF: at most LEN bytes including the NUL, truncated as snprintf
 * truncates.  When the low two bits of INSN are not 11 it is a compressed
 * instruction and only its low 16 bits are read.  Returns the length of
 * the instruction in bytes, 2 or 4.  An encoding that is no instruction
 * at XLEN, or one the specification reserves, is written as
 * ".insn 0x0000" or ".insn 0x00000000" (the assembler directive that
 * produces it); 0x0000, which the spec defines to be illegal, is written
 * "c.unimp" as objdump writes it.
 */
int riscv_disas(char *buf, size_t len, uint64_t pc, uint32_t insn, int xlen);

/*
 * Whether INSN (read as riscv_disas reads it) is an instruction at XLEN:
 * false for what riscv_disas writes as ".insn" and for c.unimp.  Operand
 * values checked only when the instruction executes (a reserved
 * rounding mode, a CSR the hart lacks) do not make it invalid.
 */
bool riscv_insn_valid(uint32_t insn, int xlen);

#endif
