/*
 * Logging: error lines for the user, and the -d categories for what the
 * guest does.  Log output goes to stderr or the -D file, line buffered so
 * that a crash or kill loses nothing already logged.
 */
#include "kiln/log.h"

#include <stdarg.h>
#include <errno.h>

unsigned log_enabled_mask;

static FILE *log_file;
static const char *program_name = "kiln";

static const struct {
    const char *name;
    unsigned mask;
    const char *help;
} log_items[] = {
    { "guest_errors", LOG_GUEST_ERROR,
      "guest accesses and programming the hardware rejects" },
    { "unimp", LOG_UNIMP, "guest use of unimplemented functionality" },
    { "in_asm", LOG_IN_ASM, "guest code as it is translated" },
    { "cpu", LOG_CPU, "CPU registers before each translation block" },
    { "int", LOG_INT, "interrupts and exceptions" },
    { "mmu", LOG_MMU, "page table walks and MMU faults" },
    { "exec", LOG_EXEC, "each translation block executed" },
    { "device", LOG_DEVICE, "board assembly and device model decisions" },
    { "cosim", LOG_COSIM, "cosim bridges: links made, late interrupts, "
      "ignored next_event" },
};

void log_set_program_name(const char *name)
{
    program_name = name;
}

const char *log_program_name(void)
{
    return program_name;
}

void log_print_items(FILE *out)
{
    fprintf(out, "Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        fprintf(out, "%-15s %s\n", log_items[i].name, log_items[i].help);
    }
}

bool log_parse_items(const char *items, GError **errp)
{
    g_auto(GStrv) words = g_strsplit(items, ",", -1);
    unsigned mask = 0;

    for (size_t w = 0; words[w]; w++) {
        size_t i;

        for (i = 0; i < ARRAY_SIZE(log_items); i++) {
            if (strcmp(words[w], log_items[i].name) == 0) {
                mask |= log_items[i].mask;
                break;
            }
        }
        if (i == ARRAY_SIZE(log_items)) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "-d: unknown log item '%s' (try -d help)", words[w]);
            return false;
        }
    }
    log_enabled_mask = mask;
    return true;
}

bool log_set_file(const char *path, GError **errp)
{
    FILE *f;

    if (log_file) {
        fclose(log_file);
        log_file = NULL;
    }
    if (!path) {
        return true;
    }
    f = fopen(path, "w");
    if (!f) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO, "-D: cannot open %s: %s",
                    path, g_strerror(errno));
        return false;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    log_file = f;
    return true;
}

void log_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(log_file ? log_file : stderr, fmt, ap);
    va_end(ap);
}

static void report(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", program_name, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("warning: ", fmt, ap);
    va_end(ap);
}
