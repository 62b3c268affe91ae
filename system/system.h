/*
 * The parts of the kiln program around the board: run state, the qtest
 * server, QMP monitors and the gdbstub.  Internal to system/ and its tests.
 */
#ifndef KILN_SYSTEM_H
#define KILN_SYSTEM_H

#include "kiln/board.h"
#include "kiln/chardev.h"

/* --- run state (runstate.c) --- */

typedef void ResetNotifier(void *opaque, const char *reason, bool guest);

/* Called after every board reset, with the reason given to the request. */
void runstate_add_reset_notifier(ResetNotifier *fn, void *opaque);
/* With -no-reboot, a guest's reset request ends the run instead. */
void runstate_set_no_reboot(bool on);
/* Carry out pending requests; true when the run should end. */
bool runstate_process_requests(void);
int runstate_exit_code(void);
/*
 * Paused CPUs (-S, or a debugger stopped them): the main loop serves the
 * front ends only, and virtual time stands still.
 */
void runstate_set_paused(bool paused);
bool runstate_paused(void);

/* --- qtest server (qtest.c) --- */

/*
 * Serve the qtest protocol on CHR.  LOG is -qtest-log: a file, "none", or
 * NULL for stderr, as in QEMU.
 */
bool qtest_server_init(Chardev *chr, const char *log, GError **errp);

/* --- QMP (qmp.c) --- */

/* Serve QMP on CHR (-qmp, or -mon chardev=ID,mode=control). */
void qmp_monitor_init(Chardev *chr);
/* Send EVENT with DATA (a JSON object text, or NULL) to every monitor. */
void qmp_send_event(const char *event, const char *data_json);

/* --- gdbstub (gdbstub.c) --- */

/*
 * Listen for GDB's remote protocol on SPEC: tcp::PORT, tcp:HOST:PORT
 * (-gdb; -s is tcp::1234).  One debugger at a time.
 */
bool gdbstub_init(const char *spec, GError **errp);
struct RiscvCpu;

/*
 * CPU stopped at a breakpoint or after a step (riscv_debug_take_event):
 * pause, and tell the debugger (SIGTRAP).
 */
void gdbstub_report_stop(struct RiscvCpu *cpu);
/* The run ends with CODE: tell a connected debugger, close the sockets. */
void gdbstub_exit(int code);

#endif
