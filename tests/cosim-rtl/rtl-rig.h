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
 * Programs come from the environment (meson sets it): KILN_RTL_TIMER,
 * KILN_RTL_DMA, KILN_TIMER_MODEL (the C reference timer), and
 * KILN_SOURCE_ROOT for dts/virt.dts.
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
/* A kiln,cosim-bridge with one window at BASE and PLIC source IRQ.
 * EXTRA: more DT properties ("kiln,trace = \"...\";"), or NULL. */
void rtl_rig_add_bridge(RtlRig *r, uint32_t base, unsigned irq,
                        const char *endpoint, const char *extra);
/* Write the board and return its path (for -M dt,dts=...). */
const char *rtl_rig_board(RtlRig *r);
/* Every model ends by itself with status 0; then clean up. */
void rtl_rig_finish(RtlRig *r);

/* The QOM path of the bridge at BASE. */
char *rtl_rig_bridge_path(uint32_t base);

#endif
