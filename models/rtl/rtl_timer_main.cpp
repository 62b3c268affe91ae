/*
 * kiln-rtl-timer: the common cosim timer in RTL (kiln_apb_timer.v) behind
 * a kiln,cosim-bridge window, on its APB port, its compare interrupt on
 * the bridge's interrupts[0].
 *
 *     kiln-rtl-timer ipc:///tmp/timer.sock [--trace timer.vcd] &
 *     kiln-system-riscv64 -M dt,dtb=dts/cosim-soc.dts ...
 */
#include "Vkiln_apb_timer.h"
#include "cosim_rtl_harness.h"

int main(int argc, char **argv)
{
    VerilatedDesign<Vkiln_apb_timer> design;
    Vkiln_apb_timer &top = design.top();
    RtlHarness timer(design, "rtl-timer");

    timer.set_clock(top.pclk, 10);
    timer.set_reset(top.presetn, true);
    timer.set_apb({top.psel, top.penable, top.pwrite, top.paddr, top.pwdata,
                   top.pstrb, top.prdata, top.pready, top.pslverr});
    timer.add_irq(top.irq, 0);
    return rtl_main(argc, argv, {&timer});
}
