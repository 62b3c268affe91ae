/*
 * Logging: user-facing errors and the -d/-D debug categories.
 *
 * error_report() is for the one line a user sees when their input is
 * wrong; it prefixes the program name as QEMU does.  Everything the guest
 * can trigger goes through log_mask() so that it costs a test of one
 * global word when the category is off.
 */
#ifndef KILN_LOG_H
#define KILN_LOG_H

#include "kiln/common.h"

enum {
    LOG_GUEST_ERROR = 1u << 0,  /* guest did something the hardware rejects */
    LOG_UNIMP       = 1u << 1,  /* guest used something kiln does not model */
    LOG_IN_ASM      = 1u << 2,  /* guest code as it is translated */
    LOG_CPU         = 1u << 3,  /* CPU state before each block */
    LOG_INT         = 1u << 4,  /* interrupts and exceptions */
    LOG_MMU         = 1u << 5,  /* page-table walks and faults */
    LOG_EXEC        = 1u << 6,  /* each block executed */
    LOG_DEVICE      = 1u << 7,  /* device model decisions (board assembly, realize) */
    LOG_COSIM       = 1u << 8,  /* cosim links: handshakes, late interrupts */
};

extern unsigned log_enabled_mask;

/* Name used as the prefix of error lines ("kiln-system-riscv64"). */
void log_set_program_name(const char *name);
const char *log_program_name(void);

/* Parse a -d argument ("guest_errors,unimp"); "help" lists categories. */
bool log_parse_items(const char *items, GError **errp);
/* Print the -d categories with their help text. */
void log_print_items(FILE *out);
/* Send log output to PATH (-D); NULL means stderr. */
bool log_set_file(const char *path, GError **errp);

void log_printf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#define log_mask(mask, ...)                                   \
    do {                                                      \
        if (unlikely(log_enabled_mask & (mask))) {            \
            log_printf(__VA_ARGS__);                          \
        }                                                     \
    } while (0)

/* One line on stderr: "<program>: <message>\n". */
void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#endif
