/*
 * Things every kiln source file needs: fixed-width types, the guest
 * physical address type, register and bit-field helpers, and the error
 * domain used with GError.
 */
#ifndef KILN_COMMON_H
#define KILN_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <inttypes.h>
#include <glib.h>

typedef uint64_t hwaddr;

#define KILN_ERROR (kiln_error_quark())
GQuark kiln_error_quark(void);

/* Error codes of the KILN_ERROR domain. */
enum {
    KILN_ERROR_FAILED,      /* anything without a more precise code */
    KILN_ERROR_INVALID,     /* malformed user input: option, DT, property */
    KILN_ERROR_NOT_FOUND,   /* a named thing does not exist */
    KILN_ERROR_IO,          /* file or socket trouble */
};

/*
 * Named registers and fields, in the vocabulary of a datasheet:
 *
 *     REG32(LSR, 0x14)
 *         FIELD(LSR, DR, 0, 1)
 *
 * gives A_LSR (byte offset), R_LSR (word index), R_LSR_DR_SHIFT,
 * R_LSR_DR_LENGTH and R_LSR_DR_MASK.
 */
#define REG8(reg, addr)  enum { A_##reg = (addr), R_##reg = (addr) };
#define REG32(reg, addr) enum { A_##reg = (addr), R_##reg = (addr) / 4 };
#define FIELD(reg, field, shift, length)                                   \
    enum { R_##reg##_##field##_SHIFT = (shift),                            \
           R_##reg##_##field##_LENGTH = (length),                          \
           R_##reg##_##field##_MASK = (int)(((1ull << (length)) - 1) << (shift)) };
#define FIELD_EX32(v, reg, field)                                          \
    (((uint32_t)(v) >> R_##reg##_##field##_SHIFT) &                        \
     ((1u << R_##reg##_##field##_LENGTH) - 1))
#define FIELD_DP32(v, reg, field, x)                                       \
    (((uint32_t)(v) & ~(uint32_t)R_##reg##_##field##_MASK) |               \
     (((uint32_t)(x) << R_##reg##_##field##_SHIFT) &                       \
      (uint32_t)R_##reg##_##field##_MASK))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
