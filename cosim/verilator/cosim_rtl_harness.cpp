/*
 * The Verilator harness; cosim_rtl_harness.h says what it does for a
 * design, docs/cosim-protocol.md what kiln expects of it.
 *
 * Everything runs inside libkiln-cosim's channel ops, on the thread of
 * cosim_model_run(): the design is clocked only there, so it never runs
 * ahead of what kiln asked for except by the edges an access itself
 * takes (which kiln is charged as the access's delay).
 */
#include "cosim_rtl_harness.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <getopt.h>

/* Edges an access waits for a slave that does not answer before failing. */
#define RTL_ACCESS_MAX_EDGES 10000
/* How far the first speculation after an input change looks ahead. */
#define RTL_FIRST_REACH_NS 1000

/* AXI RESP values (ARM IHI 0022E, A3.4.4). */
enum { AXI_OKAY = 0, AXI_EXOKAY = 1, AXI_SLVERR = 2, AXI_DECERR = 3 };

/* --- ports --- */

uint64_t RtlPort::get() const
{
    switch (m_bytes) {
    case 1:
        return *static_cast<const CData *>(m_p);
    case 2:
        return *static_cast<const SData *>(m_p);
    case 4:
        return *static_cast<const IData *>(m_p);
    case 8:
        return *static_cast<const QData *>(m_p);
    }
    return 0;
}

void RtlPort::set(uint64_t value) const
{
    switch (m_bytes) {
    case 1:
        *static_cast<CData *>(m_p) = static_cast<CData>(value);
        break;
    case 2:
        *static_cast<SData *>(m_p) = static_cast<SData>(value);
        break;
    case 4:
        *static_cast<IData *>(m_p) = static_cast<IData>(value);
        break;
    case 8:
        *static_cast<QData *>(m_p) = value;
        break;
    }
}

/* An optional input is driven only when the design has it. */
static void port_drive(const RtlPort &p, uint64_t value)
{
    if (p.connected()) {
        p.set(value);
    }
}

/* An optional output reads as FALLBACK when the design has none. */
static uint64_t port_read(const RtlPort &p, uint64_t fallback)
{
    return p.connected() ? p.get() : fallback;
}

/* --- the design's state, in memory --- */

/*
 * Verilator's serialiser buffers 256 KiB and calls flush() when the
 * buffer fills and when asked; flushing into a vector keeps the whole
 * state in memory, whatever its size.
 */
class RtlStateWriter final : public VerilatedSerialize {
public:
    void save(RtlDesign &design, std::vector<uint8_t> &out)
    {
        out.clear();
        m_out = &out;
        m_cp = m_bufp;
        design.save(*this);
        flush();
        m_out = nullptr;
    }

    void flush() override
    {
        if (m_out) {
            m_out->insert(m_out->end(), m_bufp, m_cp);
        }
        m_cp = m_bufp;
    }

private:
    std::vector<uint8_t> *m_out = nullptr;
};

/*
 * The deserialiser reads from its buffer and calls fill() whenever fewer
 * than bufferInsertSize() bytes are left in it; fill() moves what is left
 * down and copies in what the saved state still has.  Verilator's file
 * reader pads the rest of the buffer with zeros at end of file; here the
 * buffer is zeroed once, because a restore reads exactly the bytes its
 * save wrote and clearing 256 KiB on every restore would cost more than
 * the rest of it together.
 */
class RtlStateReader final : public VerilatedDeserialize {
public:
    RtlStateReader() { std::memset(m_bufp, 0, bufferSize()); }

    void restore(RtlDesign &design, const std::vector<uint8_t> &in)
    {
        m_src = in.data();
        m_left = in.size();
        m_cp = m_bufp;
        m_endp = m_bufp;
        design.restore(*this);
    }

protected:
    void fill() override
    {
        size_t kept = static_cast<size_t>(m_endp - m_cp);
        size_t room;
        size_t n;

        std::memmove(m_bufp, m_cp, kept);
        m_cp = m_bufp;
        m_endp = m_bufp + kept;
        room = bufferSize() - kept;
        n = std::min(room, m_left);
        std::memcpy(m_endp, m_src, n);
        m_src += n;
        m_left -= n;
        m_endp = m_bufp + bufferSize();
    }

private:
    const uint8_t *m_src = nullptr;
    size_t m_left = 0;
};

/* --- the harness --- */

bool RtlHarness::BusState::operator==(const BusState &o) const
{
    return r_busy == o.r_busy && rdata == o.rdata && rresp == o.rresp &&
           aw_have == o.aw_have && awaddr == o.awaddr &&
           w_have == o.w_have && wdata == o.wdata && wstrb == o.wstrb &&
           b_busy == o.b_busy && bresp == o.bresp;
}

RtlHarness::RtlHarness(RtlDesign &design, const char *name)
    : m_design(design), m_name(name), m_writer(new RtlStateWriter),
      m_reader(new RtlStateReader)
{
}

RtlHarness::~RtlHarness() = default;

void RtlHarness::set_clock(RtlPort clk, uint64_t period_ns)
{
    m_clk = clk;
    /* Two edges a period, on whole ns: the period is even and >= 2. */
    m_period_ns = std::max<uint64_t>(2, period_ns & ~uint64_t(1));
}

void RtlHarness::set_reset(RtlPort rst, bool active_low, unsigned cycles)
{
    m_rst = rst;
    m_rst_active_low = active_low;
    m_rst_cycles = cycles;
}

void RtlHarness::set_apb(const ApbPorts &ports, uint64_t window_size)
{
    m_bus_kind = BUS_APB;
    m_apb = ports;
    m_window_size = window_size;
}

void RtlHarness::set_axil(const AxiLitePorts &ports, uint64_t window_size)
{
    m_bus_kind = BUS_AXIL;
    m_axil = ports;
    m_window_size = window_size;
}

void RtlHarness::set_dma(const AxiLitePorts &ports)
{
    m_has_dma = true;
    m_dma = ports;
}

void RtlHarness::add_irq(RtlPort port, unsigned line)
{
    m_irqs.push_back({port, line, false});
}

void RtlHarness::attach(CosimModel *model)
{
    m_model = model;
    pulse_reset();
}

bool RtlHarness::open_trace(const std::string &file)
{
    if (!m_design.trace_open(file)) {
        return false;
    }
    m_tracing = true;
    trace(m_edge_ns);
    return true;
}

/* --- clocking --- */

void RtlHarness::settle()
{
    m_design.eval();
}

void RtlHarness::trace(uint64_t t)
{
    if (m_speculating || (m_dumped && t <= m_dumped_ns)) {
        return;
    }
    m_design.trace_dump(t);
    m_dumped_ns = t;
    m_dumped = true;
}

/*
 * One clock period: the inputs driven since the last edge settle, the
 * DMA port's handshakes are sampled as the rising edge will see them,
 * the clock falls and rises, and the harness reacts to what the edge
 * did.  In a speculation, a reaction that needs kiln ends the period
 * with EDGE_EVENT instead.
 */
RtlHarness::EdgeResult RtlHarness::tick()
{
    uint64_t edge = m_edge_ns + m_period_ns;
    bool ar_fire = false, r_fire = false, aw_fire = false, w_fire = false;
    bool b_fire = false;
    uint32_t araddr = 0, awaddr = 0, wdata = 0, wstrb = 0;
    EdgeResult result;

    settle();
    if (m_has_dma) {
        ar_fire = !m_bus.r_busy && m_dma.arvalid.get();
        r_fire = m_bus.r_busy && port_read(m_dma.rready, 1);
        aw_fire = !m_bus.aw_have && !m_bus.b_busy && m_dma.awvalid.get();
        w_fire = !m_bus.w_have && !m_bus.b_busy && m_dma.wvalid.get();
        b_fire = m_bus.b_busy && port_read(m_dma.bready, 1);
        araddr = static_cast<uint32_t>(m_dma.araddr.get());
        awaddr = static_cast<uint32_t>(m_dma.awaddr.get());
        wdata = static_cast<uint32_t>(m_dma.wdata.get());
        wstrb = static_cast<uint32_t>(port_read(m_dma.wstrb, 0xf));
    }

    m_clk.set(0);
    m_design.eval();
    trace(edge - m_period_ns / 2);
    m_clk.set(1);
    m_edge_ns = edge;
    if (!m_speculating) {
        m_edges++;
        m_design.set_time(edge);
    }
    m_design.eval();
    trace(edge);

    result = dma_after_edge(ar_fire, r_fire, aw_fire, w_fire, b_fire, araddr,
                            awaddr, wdata, wstrb);
    if (m_speculating) {
        if (irqs_changed()) {
            result = EDGE_EVENT;
        }
    } else {
        send_irqs();
    }
    return result;
}

/* --- the DMA port: the harness as the RTL's AXI4-Lite slave --- */

void RtlHarness::drive_dma()
{
    if (!m_has_dma) {
        return;
    }
    m_dma.arready.set(!m_bus.r_busy);
    m_dma.rvalid.set(m_bus.r_busy);
    m_dma.rdata.set(m_bus.rdata);
    port_drive(m_dma.rresp, m_bus.rresp);
    m_dma.awready.set(!m_bus.aw_have && !m_bus.b_busy);
    m_dma.wready.set(!m_bus.w_have && !m_bus.b_busy);
    m_dma.bvalid.set(m_bus.b_busy);
    port_drive(m_dma.bresp, m_bus.bresp);
}

RtlHarness::EdgeResult RtlHarness::dma_after_edge(
    bool ar_fire, bool r_fire, bool aw_fire, bool w_fire, bool b_fire,
    uint32_t araddr, uint32_t awaddr, uint32_t wdata, uint32_t wstrb)
{
    if (!m_has_dma) {
        return EDGE_QUIET;
    }
    if (r_fire) {
        m_bus.r_busy = false;
    }
    if (b_fire) {
        m_bus.b_busy = false;
    }
    if (aw_fire) {
        m_bus.aw_have = true;
        m_bus.awaddr = awaddr;
    }
    if (w_fire) {
        m_bus.w_have = true;
        m_bus.wdata = wdata;
        m_bus.wstrb = wstrb;
    }
    bool need_write = m_bus.aw_have && m_bus.w_have;

    if ((ar_fire || need_write) && m_speculating) {
        return EDGE_EVENT;
    }
    if (ar_fire) {
        m_bus.rdata = dma_read_word(araddr, &m_bus.rresp);
        m_bus.r_busy = true;
    }
    if (need_write) {
        m_bus.bresp = dma_write_word(m_bus.awaddr, m_bus.wdata, m_bus.wstrb);
        m_bus.b_busy = true;
        m_bus.aw_have = false;
        m_bus.w_have = false;
    }
    if (ar_fire || need_write) {
        /* Data from kiln is an input no speculation could know. */
        inputs_changed();
    }
    drive_dma();
    return EDGE_QUIET;
}

/*
 * The bus is 32 bits wide: a read fetches the aligned word holding
 * ADDR, as an AXI4-Lite slave answers with the whole data bus.
 */
uint32_t RtlHarness::dma_read_word(uint32_t addr, uint32_t *resp)
{
    uint8_t b[4];

    if (m_failed ||
        cosim_model_dma_read(m_model, addr & ~uint32_t(3), b, 4) < 0) {
        *resp = AXI_SLVERR;
        return 0;
    }
    *resp = AXI_OKAY;
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 |
           uint32_t(b[3]) << 24;
}

/* Only the bytes WSTRB enables are written, each run of them at once. */
uint32_t RtlHarness::dma_write_word(uint32_t addr, uint32_t data,
                                    uint32_t strb)
{
    uint32_t base = addr & ~uint32_t(3);
    uint8_t b[4] = {
        uint8_t(data), uint8_t(data >> 8), uint8_t(data >> 16),
        uint8_t(data >> 24),
    };
    unsigned i = 0;

    while (i < 4) {
        unsigned j;

        if (!(strb & (1u << i))) {
            i++;
            continue;
        }
        for (j = i; j < 4 && (strb & (1u << j)); j++) {
        }
        if (m_failed ||
            cosim_model_dma_write(m_model, base + i, b + i, j - i) < 0) {
            return AXI_SLVERR;
        }
        i = j;
    }
    return AXI_OKAY;
}

/* --- interrupts --- */

bool RtlHarness::irqs_changed() const
{
    for (const Irq &irq : m_irqs) {
        if ((irq.port.get() != 0) != irq.level) {
            return true;
        }
    }
    return false;
}

void RtlHarness::send_irq(unsigned line, bool level)
{
    if (!m_failed && cosim_model_set_irq(m_model, line, level) < 0) {
        m_failed = true;
    }
}

/*
 * A change on an edge kiln has not reached yet (the edges of an access
 * run ahead of the access's time) waits for kiln there: next_event names
 * its edge, kiln stops at it, and the change goes out stamped with its
 * own time.
 */
void RtlHarness::send_irqs()
{
    uint64_t now = cosim_model_time(m_model);

    for (Irq &irq : m_irqs) {
        bool level = irq.port.get() != 0;

        if (level == irq.level) {
            continue;
        }
        irq.level = level;
        if (m_edge_ns > now || !m_pending.empty()) {
            m_pending.push_back({m_edge_ns, irq.line, level});
        } else {
            send_irq(irq.line, level);
        }
    }
}

/* The changes waiting for a time kiln has now reached, in order. */
void RtlHarness::send_pending_irqs(uint64_t t)
{
    size_t n = 0;

    while (n < m_pending.size() && m_pending[n].time <= t) {
        send_irq(m_pending[n].line, m_pending[n].level);
        n++;
    }
    m_pending.erase(m_pending.begin(), m_pending.begin() + n);
}

/* --- reset --- */

/*
 * The reset pulse takes no virtual time: its edges are clocked at the
 * present instant and not traced, so that reset at time 0 (or at kiln's
 * RESET at T) leaves the clock on its grid.
 */
void RtlHarness::pulse_reset()
{
    const ApbPorts &a = m_apb;
    const AxiLitePorts &x = m_axil;

    if (m_bus_kind == BUS_APB) {
        a.psel.set(0);
        a.penable.set(0);
        a.pwrite.set(0);
        a.paddr.set(0);
        a.pwdata.set(0);
        port_drive(a.pstrb, 0);
    } else if (m_bus_kind == BUS_AXIL) {
        x.awvalid.set(0);
        x.wvalid.set(0);
        x.bready.set(0);
        x.arvalid.set(0);
        x.rready.set(0);
    }
    m_bus = BusState();
    drive_dma();

    m_clk.set(1);
    if (m_rst.connected()) {
        m_rst.set(m_rst_active_low ? 0 : 1);
        m_design.eval();
        for (unsigned i = 0; i < m_rst_cycles; i++) {
            m_clk.set(0);
            m_design.eval();
            m_clk.set(1);
            m_design.eval();
        }
        m_rst.set(m_rst_active_low ? 1 : 0);
    }
    settle();
    inputs_changed();
}

void RtlHarness::reset()
{
    pulse_reset();
    /*
     * kiln lowers the bridge's lines before it resets its channels, as a
     * device's reset lowers every line.  The changes an access ran ahead
     * to, which kiln has not reached, were the old state's and go with
     * it: from low lines, only what the design drives after the reset
     * goes out.
     */
    m_pending.clear();
    for (Irq &irq : m_irqs) {
        irq.level = false;
    }
    trace(m_edge_ns);
    send_irqs();
}

/* --- time --- */

void RtlHarness::advance(uint64_t t)
{
    send_pending_irqs(t);
    while (!m_failed && m_edge_ns + m_period_ns <= t) {
        /*
         * Once a design is idle (speculation found its state fixed from
         * an edge on), every further edge leaves it as it is: skip them,
         * unless a trace should show the clock going on.
         */
        if (m_spec_valid && m_spec_answer == COSIM_TIME_NEVER &&
            m_edge_ns >= m_spec_idle_from && !m_tracing) {
            m_edge_ns += (t - m_edge_ns) / m_period_ns * m_period_ns;
            m_design.set_time(m_edge_ns);
            break;
        }
        tick();
    }
    send_irqs();
}

/*
 * Protocol rule 5 by running ahead: see the header.  The edges a
 * speculation may run are those within its reach, which doubles, up to
 * the horizon, each time nothing is found; at every power of two of them
 * the state is kept and compared with the next edge's, so an idle design
 * is recognised within twice the edges it takes to settle.
 */
void RtlHarness::speculate()
{
    uint64_t start = m_edge_ns;
    uint64_t reach = m_reach_ns ? m_reach_ns
                                : std::min<uint64_t>(RTL_FIRST_REACH_NS,
                                                     m_horizon_ns);
    uint64_t horizon;
    BusState bus = m_bus;
    BusState probe_bus;
    uint64_t answer;
    uint64_t probe_at = 0;

    /* At least one edge: an answer must lie after kiln's time. */
    reach = std::max(reach, m_period_ns);
    horizon = start + reach;
    answer = horizon;
    m_spec_count++;
    m_writer->save(m_design, m_saved);
    m_speculating = true;
    for (uint64_t k = 1; m_edge_ns + m_period_ns <= horizon; k++) {
        m_spec_edges++;
        if (tick() == EDGE_EVENT) {
            answer = m_edge_ns;
            break;
        }
        if (probe_at && k == probe_at + 1) {
            m_writer->save(m_design, m_now_state);
            if (m_now_state == m_probe && m_bus == probe_bus) {
                answer = COSIM_TIME_NEVER;
                m_spec_idle_from = start + probe_at * m_period_ns;
                break;
            }
        }
        if ((k & (k - 1)) == 0) {
            m_writer->save(m_design, m_probe);
            probe_bus = m_bus;
            probe_at = k;
        }
    }
    m_speculating = false;
    m_reader->restore(m_design, m_saved);
    m_bus = bus;
    m_edge_ns = start;

    m_spec_answer = answer;
    m_spec_valid = true;
    m_reach_ns = answer == horizon ? std::min(2 * reach, m_horizon_ns)
                                   : 0;
}

uint64_t RtlHarness::next_event()
{
    if (!m_spec_valid || m_edge_ns >= m_spec_answer) {
        speculate();
    }
    if (!m_pending.empty()) {
        return std::min(m_pending.front().time, m_spec_answer);
    }
    return m_spec_answer;
}

/* --- register accesses --- */

CosimStatus RtlHarness::apb_transfer(bool write, uint32_t addr,
                                     uint32_t wdata, uint32_t strb,
                                     uint32_t *rdata)
{
    const ApbPorts &p = m_apb;
    CosimStatus status = COSIM_GENERIC_ERROR;

    p.paddr.set(addr);
    p.pwrite.set(write);
    p.pwdata.set(write ? wdata : 0);
    port_drive(p.pstrb, write ? strb : 0);
    p.psel.set(1);
    p.penable.set(0);
    tick();                             /* the setup phase */
    p.penable.set(1);
    for (unsigned n = 0; n < RTL_ACCESS_MAX_EDGES && !m_failed; n++) {
        settle();
        if (port_read(p.pready, 1)) {
            *rdata = static_cast<uint32_t>(p.prdata.get());
            status = port_read(p.pslverr, 0) ? COSIM_GENERIC_ERROR : COSIM_OK;
            tick();                     /* the access phase's last edge */
            break;
        }
        tick();
    }
    p.psel.set(0);
    p.penable.set(0);
    port_drive(p.pstrb, 0);
    return status;
}

static CosimStatus axi_status(uint64_t resp)
{
    switch (resp) {
    case AXI_OKAY:
    case AXI_EXOKAY:
        return COSIM_OK;
    case AXI_DECERR:
        return COSIM_ADDRESS_ERROR;
    default:
        return COSIM_GENERIC_ERROR;
    }
}

CosimStatus RtlHarness::axil_transfer(bool write, uint32_t addr,
                                      uint32_t wdata, uint32_t strb,
                                      uint32_t *rdata)
{
    const AxiLitePorts &p = m_axil;
    CosimStatus status = COSIM_GENERIC_ERROR;

    if (write) {
        p.awaddr.set(addr);
        p.awvalid.set(1);
        p.wdata.set(wdata);
        port_drive(p.wstrb, strb);
        p.wvalid.set(1);
        p.bready.set(1);
    } else {
        p.araddr.set(addr);
        p.arvalid.set(1);
        p.rready.set(1);
    }
    for (unsigned n = 0; n < RTL_ACCESS_MAX_EDGES && !m_failed; n++) {
        bool aw, w, ar, done;
        uint64_t resp = AXI_OKAY;

        settle();
        if (write) {
            aw = p.awvalid.get() && p.awready.get();
            w = p.wvalid.get() && p.wready.get();
            done = p.bvalid.get();
            if (done) {
                resp = port_read(p.bresp, AXI_OKAY);
            }
        } else {
            ar = p.arvalid.get() && p.arready.get();
            done = p.rvalid.get();
            if (done) {
                resp = port_read(p.rresp, AXI_OKAY);
                *rdata = static_cast<uint32_t>(p.rdata.get());
            }
        }
        tick();
        if (write) {
            if (aw) {
                p.awvalid.set(0);
            }
            if (w) {
                p.wvalid.set(0);
            }
        } else if (ar) {
            p.arvalid.set(0);
        }
        if (done) {
            status = axi_status(resp);
            break;
        }
    }
    if (write) {
        p.awvalid.set(0);
        p.wvalid.set(0);
        p.bready.set(0);
    } else {
        p.arvalid.set(0);
        p.rready.set(0);
    }
    return status;
}

CosimStatus RtlHarness::transfer(bool write, uint32_t addr, uint32_t wdata,
                                 uint32_t strb, uint32_t *rdata)
{
    uint32_t unused;

    if (!rdata) {
        rdata = &unused;
    }
    switch (m_bus_kind) {
    case BUS_APB:
        return apb_transfer(write, addr, wdata, strb, rdata);
    case BUS_AXIL:
        return axil_transfer(write, addr, wdata, strb, rdata);
    default:
        return COSIM_ADDRESS_ERROR;
    }
}

/*
 * An access of SIZE bytes at ADDR, as 32-bit transfers: each covers the
 * bytes of one aligned word, with strobes for the bytes it writes.  It
 * stops at the first transfer that fails.
 */
CosimStatus RtlHarness::access(bool write, uint64_t addr, uint8_t *data,
                               uint32_t size, uint64_t *delay_ns)
{
    CosimStatus status = COSIM_OK;
    uint32_t done = 0;

    *delay_ns = 0;
    if (size == 0 || addr >= m_window_size || size > m_window_size - addr) {
        return COSIM_ADDRESS_ERROR;
    }
    while (done < size && status == COSIM_OK) {
        uint64_t a = addr + done;
        uint32_t lane = static_cast<uint32_t>(a & 3);
        uint32_t n = std::min<uint32_t>(4 - lane, size - done);
        uint32_t word = 0;

        if (write) {
            for (uint32_t i = 0; i < n; i++) {
                word |= uint32_t(data[done + i]) << (8 * (lane + i));
            }
        }
        status = transfer(write, static_cast<uint32_t>(a & ~uint64_t(3)),
                          word, ((1u << n) - 1) << lane, &word);
        if (!write && status == COSIM_OK) {
            for (uint32_t i = 0; i < n; i++) {
                data[done + i] = uint8_t(word >> (8 * (lane + i)));
            }
        }
        done += n;
    }
    settle();
    send_irqs();
    inputs_changed();
    uint64_t t = cosim_model_time(m_model);

    *delay_ns = m_edge_ns > t ? m_edge_ns - t : 0;
    return status;
}

CosimStatus RtlHarness::read(uint64_t addr, void *data, uint32_t size,
                             uint64_t *delay_ns)
{
    return access(false, addr, static_cast<uint8_t *>(data), size, delay_ns);
}

CosimStatus RtlHarness::write(uint64_t addr, const void *data, uint32_t size,
                              uint64_t *delay_ns)
{
    uint8_t buf[COSIM_MAX_DATA];

    if (size > sizeof(buf)) {
        *delay_ns = 0;
        return COSIM_GENERIC_ERROR;
    }
    std::memcpy(buf, data, size);
    return access(true, addr, buf, size, delay_ns);
}

/* --- the channel ops --- */

static CosimStatus op_read(void *opaque, uint64_t addr, void *data,
                           uint32_t size, uint64_t *delay_ns)
{
    return static_cast<RtlHarness *>(opaque)->read(addr, data, size, delay_ns);
}

static CosimStatus op_write(void *opaque, uint64_t addr, const void *data,
                            uint32_t size, uint64_t *delay_ns)
{
    return static_cast<RtlHarness *>(opaque)->write(addr, data, size,
                                                    delay_ns);
}

static void op_advance(void *opaque, uint64_t t)
{
    static_cast<RtlHarness *>(opaque)->advance(t);
}

static uint64_t op_next_event(void *opaque)
{
    return static_cast<RtlHarness *>(opaque)->next_event();
}

static void op_reset(void *opaque)
{
    static_cast<RtlHarness *>(opaque)->reset();
}

/* Positional: CosimChannelOps is C, and C++17 has no designators. */
const CosimChannelOps RtlHarness::ops = {
    op_read, op_write, op_advance, op_next_event, op_reset,
};

/* --- the program --- */

static void usage(FILE *f, const char *prog)
{
    std::fprintf(f,
        "usage: %s ENDPOINT [--trace FILE] [--horizon-ns N] "
        "[--timeout-ms N] [--stats]\n"
        "Serve a Verilated design to a kiln,cosim-bridge at ENDPOINT\n"
        "(ipc://PATH, tcp://HOST:PORT, ...).\n"
        "  --trace FILE      write the design's waveforms to FILE (VCD, or "
        "FST if\n"
        "                    Verilated with --trace-fst; channel N of "
        "several: FILE-N)\n"
        "  --horizon-ns N    look at most N ns ahead for the next event "
        "(100000)\n"
        "  --timeout-ms N    wait at most N ms for kiln's HELLO (default: "
        "no limit)\n"
        "  --stats           at the end, print the edges simulated and "
        "those run ahead\n"
        "Once bound it prints \"listening on ENDPOINT\" (a tcp port \"*\" "
        "filled in).\n", prog);
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;

    errno = 0;
    *out = std::strtoull(s, &end, 0);
    return errno == 0 && end != s && *end == '\0' && s[0] != '-';
}

/* Where the extension of FILE's name starts (its dot), or npos. */
static size_t extension_dot(const std::string &file)
{
    size_t slash = file.rfind('/');
    size_t dot = file.rfind('.');

    if (dot == std::string::npos ||
        (slash != std::string::npos && dot < slash)) {
        return std::string::npos;
    }
    return dot;
}

/* FILE for one channel; FILE with "-N" before its extension for several. */
static std::string trace_file(const std::string &file, unsigned channel,
                              size_t nchannels)
{
    if (nchannels == 1) {
        return file;
    }
    size_t dot = extension_dot(file);
    std::string tag = "-" + std::to_string(channel);

    if (dot == std::string::npos) {
        return file + tag;
    }
    return file.substr(0, dot) + tag + file.substr(dot);
}

/* The extension of FILE's name in lower case ("vcd"), or "". */
static std::string file_extension(const std::string &file)
{
    size_t dot = extension_dot(file);
    std::string ext;

    if (dot == std::string::npos) {
        return ext;
    }
    for (char c : file.substr(dot + 1)) {
        ext += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return ext;
}

/*
 * A trace named .vcd or .fst must be in that format: a design writes the
 * one it was Verilated for, and a viewer goes by the name (GTKWave reads
 * a .fst as FST), so the other would be a file no tool opens.
 */
static bool trace_format_ok(const char *prog, const std::string &file,
                            const RtlHarness &h)
{
    std::string ext = file_extension(file);
    const char *format = h.design().trace_format();
    bool fst;

    if (!format || (ext != "vcd" && ext != "fst") || ext == format) {
        return true;
    }
    fst = std::strcmp(format, "fst") == 0;
    std::fprintf(stderr, "%s: --trace %s: this program writes %s (its RTL "
                 "was Verilated with %s); name the file .%s, or Verilate "
                 "with %s for %s\n", prog, file.c_str(), fst ? "FST" : "VCD",
                 fst ? "--trace-fst" : "--trace", format,
                 fst ? "--trace" : "--trace-fst", fst ? "VCD" : "FST");
    return false;
}

int rtl_main(int argc, char **argv, std::initializer_list<RtlHarness *> channels)
{
    static const struct option options[] = {
        {"trace", required_argument, nullptr, 't'},
        {"horizon-ns", required_argument, nullptr, 'H'},
        {"timeout-ms", required_argument, nullptr, 'T'},
        {"stats", no_argument, nullptr, 's'},
        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    };
    const char *prog = std::strrchr(argv[0], '/');
    const char *trace = nullptr;
    uint64_t horizon = 0;
    uint64_t timeout = 0;
    bool stats = false;
    std::vector<RtlHarness *> harnesses(channels);
    CosimModel *model;
    unsigned channel = 0;
    int status = 0;
    int c;

    prog = prog ? prog + 1 : argv[0];
    while ((c = getopt_long(argc, argv, "h", options, nullptr)) != -1) {
        switch (c) {
        case 't':
            trace = optarg;
            break;
        case 'H':
            if (!parse_u64(optarg, &horizon) || horizon == 0) {
                std::fprintf(stderr, "%s: --horizon-ns wants a positive "
                             "number of ns, not '%s'\n", prog, optarg);
                return 2;
            }
            break;
        case 'T':
            if (!parse_u64(optarg, &timeout) || timeout == 0 ||
                timeout > INT32_MAX) {
                std::fprintf(stderr, "%s: --timeout-ms wants a positive "
                             "number of ms, not '%s'\n", prog, optarg);
                return 2;
            }
            break;
        case 's':
            stats = true;
            break;
        case 'h':
            usage(stdout, prog);
            return 0;
        default:
            usage(stderr, prog);
            return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr, prog);
        return 2;
    }
    for (const RtlHarness *h : harnesses) {
        if (trace && !trace_format_ok(prog, trace, *h)) {
            return 2;
        }
    }

    model = cosim_model_new(argv[optind],
                            harnesses.size() == 1 ? harnesses[0]->name()
                                                  : prog);
    if (!model) {
        std::fprintf(stderr, "%s: cannot open a cosim link on %s\n", prog,
                     argv[optind]);
        return 1;
    }
    /*
     * No lookahead: an access lands on whichever edge the bus reaches, so
     * any write may change an output at once.  kiln then waits for every
     * write, and DMA the write starts is served while it waits.
     */
    cosim_model_set_lookahead(model, 0);
    for (RtlHarness *h : harnesses) {
        if (horizon) {
            h->set_horizon(horizon);
        }
        h->attach(model);
        if (trace) {
            std::string file = trace_file(trace, channel, harnesses.size());

            if (!h->open_trace(file)) {
                std::fprintf(stderr, "%s: cannot write the trace %s: %s\n",
                             prog, file.c_str(), std::strerror(errno));
                cosim_model_free(model);
                return 1;
            }
        }
        cosim_model_add_channel(model, channel, &RtlHarness::ops, h);
        channel++;
    }

    if (cosim_model_bind(model) < 0) {
        status = 1;
    } else {
        std::printf("listening on %s\n", cosim_model_endpoint(model));
        std::fflush(stdout);
        if (cosim_model_connect(model, timeout ? static_cast<int>(timeout)
                                               : -1) < 0 ||
            cosim_model_run(model) < 0) {
            status = 1;
        }
    }
    if (status) {
        std::fprintf(stderr, "%s: %s\n", prog, cosim_model_error(model));
    }
    for (RtlHarness *h : harnesses) {
        h->design().finish();
        if (stats) {
            std::fprintf(stderr, "%s: %s: %" PRIu64 " edges simulated, %"
                         PRIu64 " run ahead in %" PRIu64 " speculations\n",
                         prog, h->name(), h->edges(), h->speculated_edges(),
                         h->speculations());
        }
    }
    cosim_model_free(model);
    return status;
}
