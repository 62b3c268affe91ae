/*
 * kiln-rtl-dma: the copy and CRC-32 engine in RTL (kiln_axil_dma.v)
 * behind a kiln,cosim-bridge window: its registers on an AXI4-Lite slave
 * port, its AXI4-Lite master port reaching board memory through the
 * bridge, its interrupt on the bridge's interrupts[0].
 *
 *     kiln-rtl-dma ipc:///tmp/dma.sock [--trace dma.vcd] &
 */
#include "Vkiln_axil_dma.h"
#include "cosim_rtl_harness.h"

int main(int argc, char **argv)
{
    VerilatedDesign<Vkiln_axil_dma> design;
    Vkiln_axil_dma &top = design.top();
    RtlHarness dma(design, "rtl-dma");

    dma.set_clock(top.aclk, 10);
    dma.set_reset(top.aresetn, true);
    dma.set_axil({top.s_awvalid, top.s_awready, top.s_awaddr,
                  top.s_wvalid, top.s_wready, top.s_wdata, top.s_wstrb,
                  top.s_bvalid, top.s_bready, top.s_bresp,
                  top.s_arvalid, top.s_arready, top.s_araddr,
                  top.s_rvalid, top.s_rready, top.s_rdata, top.s_rresp});
    dma.set_dma({top.m_awvalid, top.m_awready, top.m_awaddr,
                 top.m_wvalid, top.m_wready, top.m_wdata, top.m_wstrb,
                 top.m_bvalid, top.m_bready, top.m_bresp,
                 top.m_arvalid, top.m_arready, top.m_araddr,
                 top.m_rvalid, top.m_rready, top.m_rdata, top.m_rresp});
    dma.add_irq(top.irq, 0);
    return rtl_main(argc, argv, {&dma});
}
