/*
 * An expect-like driver for a board's serial console: start kiln with
 * the console on a pipe (-nographic), wait for text, type text, wait for
 * kiln to exit.
 *
 * Every wait has a timeout.  A wait that times out, or that kiln's exit
 * cuts short, ends the test with one message naming what was awaited and
 * the console's last output; kiln never outlives the test.
 */
#ifndef TESTS_BOOT_CONSOLE_H
#define TESTS_BOOT_CONSOLE_H

#include <glib.h>

typedef struct Console Console;

/* Start argv (kiln and its options) with its stdin and stdout on pipes. */
Console *console_start(const char *const *argv);

/*
 * Wait until text appears in the output after the previous match; the
 * next wait starts after this match.  `what` says what the text means,
 * for the message if it never comes.
 */
void console_expect(Console *c, const char *text, const char *what,
                    unsigned timeout_s);
/* The same, and return the rest of the line after text (no "\r\n"). */
char *console_expect_line(Console *c, const char *text, const char *what,
                          unsigned timeout_s);

/* Type text on the console. */
void console_send(Console *c, const char *text);

/* Wait for kiln to end on its own; its exit status. */
int console_wait_exit(Console *c, unsigned timeout_s);

/* All output so far. */
const GString *console_output(const Console *c);

/* Stop kiln with SIGTERM if it still runs, and free. */
void console_free(Console *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Console, console_free)

#endif
