/*
 * Loads and stores of every width (Unpriv 20191213 2.6, 5.3): sign and
 * zero extension, 12-bit offsets both ways, stores that write only their
 * own bytes, x0 as destination and as source, and misaligned accesses,
 * which the virt board performs (as QEMU does; the spec allows them to be
 * performed or to trap, 2.6), including ones that cross a page.  On
 * RV32, ld, sd and lwu do not exist.
 */
#include "test.h"

    .section .data
    .balign 16
ld_data:
    .byte 0x81, 0x02, 0x83, 0x84, 0x05, 0x86, 0x87, 0x88
    .byte 0x09, 0x8a, 0x8b, 0x8c, 0x0d, 0x8e, 0x8f, 0x90
st_area:
    .space 64

    .section .pages, "aw", @nobits
    .balign 4096
pagebuf:
    .space 8192

TEST_BEGIN
    la s0, ld_data
    la s1, st_area
    la s2, pagebuf

    /* Aligned loads of each width */
    TEST_CASE(1, a0, -127, lb a0, 0(s0))
    TEST_CASE(2, a0, 0x81, lbu a0, 0(s0))
    TEST_CASE(3, a0, 0x02, lb a0, 1(s0))
    TEST_CASE(4, a0, 0x0281, lh a0, 0(s0))
    TEST_CASE(5, a0, XLEN_SEL(0xffffffffffff8483, 0xffff8483), lh a0, 2(s0))
    TEST_CASE(6, a0, 0x8483, lhu a0, 2(s0))
    TEST_CASE(7, a0, XLEN_SEL(0xffffffff84830281, 0x84830281), lw a0, 0(s0))
    TEST_CASE(8, a0, XLEN_SEL(0xffffffff8c8b8a09, 0x8c8b8a09), lw a0, 8(s0))
    /* Negative offset */
    TEST_CASE(9, a0, -127, addi a1, s0, 8; lb a0, -8(a1))
    TEST_CASE(10, a0, 0x8a09, addi a1, s0, 16; lhu a0, -8(a1))
    /* A load into x0 leaves it zero */
    TEST_CASE(11, x0, 0, lw x0, 0(s0))

    /* Misaligned loads */
    TEST_CASE(12, a0, XLEN_SEL(0xffffffffffff8302, 0xffff8302), lh a0, 1(s0))
    TEST_CASE(13, a0, 0x0584, lhu a0, 3(s0))
    TEST_CASE(14, a0, 0x05848302, lw a0, 1(s0))
    TEST_CASE(15, a0, XLEN_SEL(0xffffffff86058483, 0x86058483), lw a0, 2(s0))
    TEST_CASE(16, a0, XLEN_SEL(0xffffffff87860584, 0x87860584), lw a0, 3(s0))

#if __riscv_xlen == 64
    TEST_CASE(17, a0, 0x84830281, lwu a0, 0(s0))
    TEST_CASE(18, a0, 0x09888786, lwu a0, 5(s0))
    TEST_CASE(19, a0, 0x8887860584830281, ld a0, 0(s0))
    TEST_CASE(20, a0, 0x908f8e0d8c8b8a09, ld a0, 8(s0))
    TEST_CASE(21, a0, 0x0988878605848302, ld a0, 1(s0))
    TEST_CASE(22, a0, 0x8f8e0d8c8b8a0988, ld a0, 7(s0))
#else
    /* ld, sd and lwu are RV64 only */
    EXPECT_TRAP(1f)
    .word 0x0005b503                /* ld a0, 0(a1) */
1:  CHECK(17, s8, CAUSE_ILLEGAL)
    CHECK(18, s10, 0x0005b503)
    EXPECT_TRAP(1f)
    .word 0x00c5b023                /* sd a2, 0(a1) */
1:  CHECK(19, s8, CAUSE_ILLEGAL)
    EXPECT_TRAP(1f)
    .word 0x0005e503                /* lwu a0, 0(a1) */
1:  CHECK(20, s8, CAUSE_ILLEGAL)
#endif

    /* Stores write their bytes and no others */
    li a0, -1
    sw a0, 0(s1)
    sw a0, 4(s1)
    sw a0, 8(s1)
    sw a0, 12(s1)
    TEST_CASE(23, a0, XLEN_SEL(0xffffffffffff12ff, 0xffff12ff),
              li a1, 0xabcd12; sb a1, 1(s1); lw a0, 0(s1))
    TEST_CASE(24, a0, 0x5678ffff, li a1, 0x1235678; sh a1, 6(s1); lw a0, 4(s1))
    TEST_CASE(25, a0, 0x11223344,
              li a1, XLEN_SEL(0x5555555511223344, 0x11223344); sw a1, 8(s1);
              lw a0, 8(s1))
    TEST_CASE(26, a0, -1, lw a0, 12(s1))
    TEST_CASE(27, a0, 0, sw x0, 12(s1); lw a0, 12(s1))
    TEST_CASE(28, a0, 0xff, lbu a0, 0(s1))
    TEST_CASE(29, a0, 0x12, li a1, 0x4412; sb a1, 1(s1); addi a1, s1, 2;
              lbu a0, -1(a1))
#if __riscv_xlen == 64
    TEST_CASE(30, a0, 0x0102030405060708,
              li a1, 0x0102030405060708; sd a1, 16(s1); ld a0, 16(s1))
    TEST_CASE(31, a0, 0x05060708, lw a0, 16(s1))
    TEST_CASE(32, a0, 0x01020304, lw a0, 20(s1))
#endif

    /* Misaligned stores */
    TEST_CASE(33, a0, XLEN_SEL(0xffffffffa1b2c3d4, 0xa1b2c3d4),
              li a1, 0xa1b2c3d4; sw a1, 33(s1); lw a0, 33(s1))
    TEST_CASE(34, a0, 0, lbu a0, 32(s1))
    TEST_CASE(35, a0, 0xd4, lbu a0, 33(s1))
    TEST_CASE(36, a0, 0xa1, lbu a0, 36(s1))
    TEST_CASE(37, a0, 0, lbu a0, 37(s1))
    TEST_CASE(38, a0, 0xbeef, li a1, 0xbeef; sh a1, 41(s1); lhu a0, 41(s1))
    TEST_CASE(39, a0, 0xef, lbu a0, 41(s1))
#if __riscv_xlen == 64
    TEST_CASE(40, a0, 0x1122334455667788,
              li a1, 0x1122334455667788; sd a1, 49(s1); ld a0, 49(s1))
    TEST_CASE(41, a0, 0x88, lbu a0, 49(s1))
    TEST_CASE(42, a0, 0x11, lbu a0, 56(s1))
#endif

    /* Misaligned accesses across a page boundary */
    li s3, 4096
    add s3, s3, s2
    TEST_CASE(43, a0, XLEN_SEL(0xffffffffdeadbeef, 0xdeadbeef),
              li a1, 0xdeadbeef; sw a1, -2(s3); lw a0, -2(s3))
    TEST_CASE(44, a0, 0xbe, lbu a0, -1(s3))
    TEST_CASE(45, a0, 0xad, lbu a0, 0(s3))
    TEST_CASE(46, a0, 0xadbe, lhu a0, -1(s3))
    TEST_CASE(47, a0, XLEN_SEL(0xffffffffffffadbe, 0xffffadbe), lh a0, -1(s3))
#if __riscv_xlen == 64
    TEST_CASE(48, a0, 0xcafef00d12345678,
              li a1, 0xcafef00d12345678; sd a1, -3(s3); ld a0, -3(s3))
    TEST_CASE(49, a0, 0x12345678, lwu a0, -3(s3))
    TEST_CASE(50, a0, 0xcafef00d, lwu a0, 1(s3))
#endif

    /* The largest offsets, +2047 and -2048 */
    li s4, 4096 + 2048
    add s4, s4, s2
    TEST_CASE(51, a0, 0x5a, li a1, 0x5a; sb a1, 2047(s4); lbu a0, 2047(s4))
    TEST_CASE(52, a0, 0x5a, li a1, 8191; add a1, a1, s2; lbu a0, 0(a1))
    TEST_CASE(53, a0, 0x3c, li a1, 0x3c; sb a1, -2048(s4); li a1, 4096;
              add a1, a1, s2;
              lbu a0, 0(a1))

    /* A store then a load of a narrower part of it */
    TEST_CASE(54, a0, 0x7766, li a1, 0x88776655; sw a1, 0(s1); lhu a0, 1(s1))
TEST_END
