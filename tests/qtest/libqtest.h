/*
 * A client for the qtest and QMP front ends, with the call shapes of
 * QEMU's libqtest (tests/qtest/libqtest.h in QEMU), so that a test reads
 * the same whether it drives kiln or QEMU.  QMP messages are json-glib
 * nodes instead of QEMU's QDicts.
 *
 *     QTestState *s = qtest_init("-M virt");
 *     qtest_writel(s, 0x80000000, 0xdeadbeef);
 *     g_assert_cmphex(qtest_readl(s, 0x80000000), ==, 0xdeadbeef);
 *     qtest_clock_step(s, 1000);
 *     qtest_quit(s);
 *
 * The program under test is named by the environment variable
 * QTEST_QEMU_BINARY.  It is started as QEMU's libqtest starts QEMU:
 *
 *     BINARY -qtest unix:SOCK -qtest-log LOG
 *            -chardev socket,path=QMPSOCK,id=char0
 *            -mon chardev=char0,mode=control
 *            -display none -audio none -machine accel=qtest EXTRA_ARGS
 *
 * and connects to both sockets as a client.  LOG is /dev/null, or
 * standard error when QTEST_LOG is set.  The program's standard output
 * goes to standard error, so that it cannot disturb a test's TAP stream.
 *
 * Any failure (the program exits, a reply is malformed or is not "OK",
 * nothing arrives within the timeout) ends the test with one message
 * naming what was waited for; nothing waits forever.  The timeout is 10 s,
 * or QTEST_TIMEOUT seconds.  The program is killed when the test process
 * dies, however it dies.
 */
#ifndef LIBQTEST_H
#define LIBQTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct QTestState QTestState;

/* --- life cycle --- */

/*
 * Start the program with EXTRA_ARGS (split as a shell would), wait until
 * it has connected to both sockets, learn the target's endianness, read
 * the QMP greeting and send qmp_capabilities.
 */
QTestState *qtest_init(const char *extra_args);
QTestState *qtest_initf(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* The same without the QMP handshake: the greeting is still unread. */
QTestState *qtest_init_without_qmp_handshake(const char *extra_args);

/*
 * Stop the program with SIGTERM unless it has already exited, wait for
 * it, check its exit status against the expected one (0 unless set), and
 * free S.
 */
void qtest_quit(QTestState *s);
/* Everything qtest_quit does but closing the connections and freeing S. */
void qtest_kill_qemu(QTestState *s);
/* The exit status qtest_kill_qemu and qtest_quit expect. */
void qtest_set_expected_status(QTestState *s, int status);
/* True while the program runs; once it has exited, its status is kept. */
bool qtest_probe_child(QTestState *s);
/*
 * Wait (within the timeout) for the program to exit by itself, and return
 * its status as waitpid() gives it (WIFEXITED, WEXITSTATUS, ...).
 */
int qtest_wait_qemu(QTestState *s);
pid_t qtest_pid(QTestState *s);

/* QTEST_QEMU_BINARY; the test fails when it is not set. */
const char *qtest_qemu_binary(void);
/* Whether the program under test is kiln (its file name says "kiln"). */
bool qtest_binary_is_kiln(void);
/*
 * Whether clock_step and clock_set are available.  They are, unless the
 * program is a QEMU built without its qtest accelerator (Debian leaves it
 * out): such a QEMU is started with TCG and its CPUs stopped (-S), and
 * answers every other command as usual.
 */
bool qtest_has_clock(QTestState *s);

/* --- the qtest protocol --- */

/*
 * Send LINE (without its newline) and return the reply line without its
 * newline, whatever it says.  IRQ lines that come first are recorded as
 * for every other command.
 */
char *qtest_raw_cmd(QTestState *s, const char *line);

/* Whether the target is big-endian, as "endianness" answered at start. */
bool qtest_big_endian(QTestState *s);

/*
 * The level of intercepted IRQ line NUM (0..255), as the last "IRQ raise"
 * or "IRQ lower" line for it said.  Lines that arrive asynchronously are
 * collected first.
 */
bool qtest_get_irq(QTestState *s, int num);
void qtest_irq_intercept_in(QTestState *s, const char *qom_path);
void qtest_irq_intercept_out(QTestState *s, const char *qom_path);
void qtest_irq_intercept_out_named(QTestState *s, const char *qom_path,
                                   const char *name);
/* NAME is a line list's name, or "unnamed-gpio-in". */
void qtest_set_irq_in(QTestState *s, const char *qom_path, const char *name,
                      int num, int level);

void qtest_outb(QTestState *s, uint16_t addr, uint8_t value);
void qtest_outw(QTestState *s, uint16_t addr, uint16_t value);
void qtest_outl(QTestState *s, uint16_t addr, uint32_t value);
uint8_t qtest_inb(QTestState *s, uint16_t addr);
uint16_t qtest_inw(QTestState *s, uint16_t addr);
uint32_t qtest_inl(QTestState *s, uint16_t addr);

/* Accesses in the target's byte order, as the CPU would make them. */
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);

/* Byte strings, hex-encoded on the wire ("read", "write"). */
void qtest_memread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_memwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
/* Byte strings, base64-encoded on the wire ("b64read", "b64write"). */
void qtest_bufread(QTestState *s, uint64_t addr, void *data, size_t size);
void qtest_bufwrite(QTestState *s, uint64_t addr, const void *data,
                    size_t size);
void qtest_memset(QTestState *s, uint64_t addr, uint8_t pattern, size_t size);

/* Each returns the virtual time in ns after the command. */
int64_t qtest_clock_step(QTestState *s, int64_t step);
/* Advance to the next timer deadline. */
int64_t qtest_clock_step_next(QTestState *s);
int64_t qtest_clock_set(QTestState *s, int64_t val);

/* --- QMP --- */

/*
 * FMT is printf-style JSON; strings may be single-quoted, as in QEMU's
 * tests: qtest_qmp(s, "{'execute': 'qom-get', 'arguments': "
 * "{'path': '%s', 'property': 'type'}}", path).  Interpolated strings
 * must not contain quotes.
 */

/* Send a command and return its response; events met are queued. */
JsonNode *qtest_qmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Send a command without waiting for its response. */
void qtest_qmp_send(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The next response (an object with "return" or "error"). */
JsonNode *qtest_qmp_receive(QTestState *s);
/*
 * Send a command, check that it succeeded and return the value of its
 * "return" member.
 */
JsonNode *qtest_qmp_assert_success_ref(QTestState *s, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* The first event named EVENT, queued or still to come. */
JsonNode *qtest_qmp_eventwait_ref(QTestState *s, const char *event);
void qtest_qmp_eventwait(QTestState *s, const char *event);
/* The greeting ({"QMP": {...}}); read now if still unread.  Owned by S. */
JsonNode *qtest_qmp_greeting(QTestState *s);

#endif
