/*
 * What the RTL cosim tests share: a board of their own (kiln's virt board
 * plus cosim bridges, written as a DTS into a fresh directory, so that
 * tests running side by side never share a socket), and the model
 * programs behind its bridges, started before kiln and expected to end
 * by themselves, with status 0, once kiln says BYE.
 *
 *     RtlRig *r = rtl_rig_new();
 *     const char *ep = rtl_rig_start_model(r, "KILN_RTL_TIMER", "timer",
 *                                          NULL);
 *     rtl_rig_add_bridge(r, RTL_TIMER_BASE, RTL_TIMER_IRQ, ep, NULL);
 *     QTestState *s = qtest_initf("-M dt,dts=%s", rtl_rig_board(r));
 *     ...
 *     qtest_quit(s);
 *     rtl_rig_finish(r);
 *
 * A board shipped in dts/ may stand in for virt.dts, its bridges pointed
 * at the rig's models by their labels:
 *
 *     rtl_rig_use_board(r, "cosim-rtl-timers.dts");
 *     ep = rtl_rig_start_model(r, "KILN_RTL_TIMERS", "timers", NULL);
 *     rtl_rig_set_endpoint(r, "rtl_timers", ep);
 *
 * Programs come from the environment (meson sets it): KILN_RTL_TIMER,
 * KILN_RTL_TIMER_FST, KILN_RTL_TIMERS, KILN_RTL_DMA, KILN_TIMER_MODEL
 * (the C reference timer), and KILN_SOURCE_ROOT for dts/.
 */
#ifndef TESTS_COSIM_RTL_RIG_H
#define TESTS_COSIM_RTL_RIG_H

#include <glib.h>
#include <stdint.h>

/* The windows and PLIC sources of dts/cosim-soc.dts. */
#define C_TIMER_BASE    0x40000000u
#define C_TIMER_IRQ     32
#define RTL_TIMER_BASE  0x40001000u
#define RTL_TIMER_IRQ   33
#define RTL_DMA_BASE    0x40002000u
#define RTL_DMA_IRQ     34
/* Those of dts/cosim-rtl-timers.dts: one bridge, two windows. */
#define RTL_TIMERS_BASE0    0x40004000u
#define RTL_TIMERS_IRQ0     36
#define RTL_TIMERS_BASE1    0x40005000u
#define RTL_TIMERS_IRQ1     37

/* The common timer register map (docs/cosim.md). */
#define TIMER_CTRL      0x0
#define TIMER_LOAD      0x4
#define TIMER_COUNT     0x8
#define TIMER_STATUS    0xc
#define TIMER_EN        (1u << 0)
#define TIMER_IE        (1u << 1)
#define TIMER_PERIODIC  (1u << 2)
#define TIMER_MATCH     (1u << 0)
#define TIMER_TICK_NS   10

typedef struct RtlRig RtlRig;

RtlRig *rtl_rig_new(void);
/* The rig's own directory, for files a test wants next to the board. */
const char *rtl_rig_dir(const RtlRig *r);
/*
 * Start the program named by environment variable ENV_PROGRAM on
 * ipc://DIR/NAME.sock with ARGS (NULL-terminated, may be NULL) after the
 * endpoint, wait until it listens, and return the endpoint.
 */
const char *rtl_rig_start_model(RtlRig *r, const char *env_program,
                                const char *name, const char *const *args);
/*
 * Run the program named by ENV_PROGRAM with ARGS (NULL-terminated) to its
 * end; its exit status, and its standard error in *ERR_TEXT (free it).
 * ARGS bound its wait for kiln (--timeout-ms), as nothing connects.
 */
int rtl_rig_run_model(const char *env_program, const char *const *args,
                      char **err_text);
/* The board is dts/DTS of kiln's source tree rather than dts/virt.dts. */
void rtl_rig_use_board(RtlRig *r, const char *dts);
/* The bridge labelled LABEL on the board connects to ENDPOINT, with the
 * timeout-ms of rtl_rig_add_bridge's bridges. */
void rtl_rig_set_endpoint(RtlRig *r, const char *label, const char *endpoint);
/* A kiln,cosim-bridge with one window at BASE and PLIC source IRQ.
 * EXTRA: more DT properties ("kiln,trace = \"...\";"), or NULL. */
void rtl_rig_add_bridge(RtlRig *r, uint32_t base, unsigned irq,
                        const char *endpoint, const char *extra);
/* Write the board and return its path (for -M dt,dts=...). */
const char *rtl_rig_board(RtlRig *r);
/*
 * Every model ends by itself with status 0 (after kiln's BYE: call it
 * once kiln has quit), so that the files it writes are complete.
 */
void rtl_rig_wait(RtlRig *r);
/* rtl_rig_wait, then clean up, the rig's directory with it. */
void rtl_rig_finish(RtlRig *r);

/* The QOM path of the bridge at BASE. */
char *rtl_rig_bridge_path(uint32_t base);

#endif
