/*
 * kiln-rtl-timers: two instances of the RTL timer (kiln_apb_timer.v) in
 * one program, on one link: channel 0 is the bridge's first reg window,
 * channel 1 its second, and their compare interrupts drive the bridge's
 * interrupts[0] and interrupts[1].  Each is a design of its own, with its
 * own clock, APB port and look-ahead; they share only the link and
 * kiln's virtual time.
 *
 *     kiln-rtl-timers ipc:///tmp/kiln-cosim-rtl-timers.sock \
 *         [--trace timers.vcd] &         # timers-0.vcd, timers-1.vcd
 *     kiln-system-riscv64 -M dt,dts=dts/cosim-rtl-timers.dts ...
 */
#include "Vkiln_apb_timer.h"
#include "cosim_rtl_harness.h"

/* Clock, reset and APB port of one timer; its interrupt on LINE. */
static void timer_wire(RtlHarness &h, Vkiln_apb_timer &top, unsigned line)
{
    h.set_clock(top.pclk, 10);
    h.set_reset(top.presetn, true);
    h.set_apb({top.psel, top.penable, top.pwrite, top.paddr, top.pwdata,
               top.pstrb, top.prdata, top.pready, top.pslverr});
    h.add_irq(top.irq, line);
}

int main(int argc, char **argv)
{
    VerilatedDesign<Vkiln_apb_timer> design0, design1;
    RtlHarness timer0(design0, "rtl-timer0");
    RtlHarness timer1(design1, "rtl-timer1");

    timer_wire(timer0, design0.top(), 0);
    timer_wire(timer1, design1.top(), 1);
    return rtl_main(argc, argv, {&timer0, &timer1});
}
