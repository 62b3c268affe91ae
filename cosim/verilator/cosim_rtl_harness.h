/*
 * The Verilator side of a kiln cosim link (docs/cosim-protocol.md): runs
 * Verilated RTL under kiln's virtual clock, behind one register window
 * of a kiln,cosim-bridge, on libkiln-cosim (cosim/kiln-cosim.h).  A model
 * program is a few lines of wiring (models/rtl/rtl_timer_main.cpp):
 *
 *     #include "Vkiln_apb_timer.h"
 *     #include "cosim_rtl_harness.h"
 *
 *     int main(int argc, char **argv)
 *     {
 *         VerilatedDesign<Vkiln_apb_timer> design;
 *         Vkiln_apb_timer &top = design.top();
 *         RtlHarness timer(design, "rtl-timer");
 *
 *         timer.set_clock(top.pclk, 10);              // 100 MHz
 *         timer.set_reset(top.presetn, true);         // active low
 *         timer.set_apb({top.psel, top.penable, top.pwrite, top.paddr,
 *                        top.pwdata, top.pstrb, top.prdata, top.pready,
 *                        top.pslverr});
 *         timer.add_irq(top.irq, 0);                  // interrupts[0]
 *         return rtl_main(argc, argv, {&timer});
 *     }
 *
 * which serves `PROGRAM ENDPOINT [--trace FILE] [--horizon-ns N]
 * [--timeout-ms N] [--stats]`: it binds ENDPOINT, prints "listening on ENDPOINT",
 * serves kiln until its BYE (exit status 0) or a failure (one line on
 * standard error, status 1; status 2 for a bad command line).  The RTL
 * is built with `verilator --cc --savable --trace` (or --trace-fst;
 * cosim/verilator/verilate.py does it for meson).
 *
 * Time.  The clock's rising edges are at k * period ns of kiln's virtual
 * time (k >= 1); each is preceded by the falling edge half a period
 * before.  advance(t) evaluates every rising edge at or before t, so an
 * output that changes on the edge at t has changed when kiln reaches t.
 *
 * Register accesses.  An access stamped T is put on the bus right after
 * the last edge evaluated (the edge at or before T, or later if earlier
 * accesses already took the bus past it) and clocked until the slave
 * answers; wider or unaligned accesses become several 32-bit transfers
 * with byte strobes.  APB: setup phase sampled on the next edge, the
 * access phase ends on the first edge with PREADY; a zero-wait write thus
 * commits two edges after T.  AXI4-Lite: AW and W (or AR) are raised
 * together and held until their handshakes; the access ends with the B
 * (or R) handshake.  The RESP's delay is the time from T to the last
 * edge of the access, which kiln charges to the CPU.  PSLVERR, SLVERR
 * and an access the slave leaves unanswered for 10000 edges answer a
 * generic error; DECERR and an access outside the window an address
 * error (both are bus errors to kiln).  Because a write's effect
 * depends on the edge it lands on, the model tells kiln it has no
 * lookahead, so kiln acknowledges every write (protocol rule 7) and DMA
 * the RTL starts while taking a write reaches kiln while it waits.
 *
 * DMA.  A master port (set_dma) answers the RTL's AXI4-Lite requests as
 * a zero-wait slave: AR is taken on the first edge it is valid, the data
 * is read from kiln (cosim_model_dma_read) at that edge's time and
 * presented on R for the next edge; AW and W are taken when valid and,
 * once both are in, written to kiln at that edge's time, with B on the
 * next edge.  A failed DMA answers SLVERR.
 *
 * Interrupts.  Each irq port is looked at after every edge and every
 * access, and a change is sent to kiln (cosim_model_set_irq) stamped with
 * the time of the edge it happened on: at once when kiln is there, and
 * when kiln gets there (next_event names it) for an edge an access ran
 * ahead to.  A write that clears an interrupt thus lowers the line when
 * the write commits, two edges after it is issued on APB, as on the
 * real bus; under the CPU, whose stall covers those edges, that is the
 * moment the store retires.
 *
 * next_event: speculation (protocol rule 5).  kiln needs the earliest
 * time the RTL may change an output by itself.  The harness finds it by
 * running ahead: it saves the design's state to memory (Verilator
 * --savable), clocks it forward with every input held as it would be
 * with no access from kiln (its own DMA port keeps answering, except
 * that a request needing kiln is itself the event), notes the edge at
 * which an interrupt line first changes or a DMA request is taken,
 * restores the state and reports that edge.  If the whole state is the
 * same after two consecutive edges (looked at 1, 2, 4, 8... edges ahead)
 * the design is idle and the answer is "never".  If nothing happens
 * within the distance looked at, the answer is its end, a time by which
 * nothing can have happened, and kiln asks again from there: the first
 * look after an input change goes 1 us ahead, each next one twice as
 * far, up to the horizon (--horizon-ns, default 100 us), so the edges
 * run ahead stay within about twice those kiln goes on to need.  The
 * answer holds until an input changes (an access, a DMA answer, a reset)
 * or the design passes it, so a speculation is made once per access or
 * look, not once per question.  Its cost is one save and one restore of
 * the state (a few hundred bytes for the models here) plus the edges run
 * ahead, which are run a second time for real (docs/cosim.md has
 * measurements).
 *
 * Reset.  set_reset's line is held active for `cycles` edges that take
 * no virtual time, at start and on kiln's RESET of the channel; the
 * harness's own bus state is reset with it, and interrupt changes on
 * edges kiln has not reached yet are dropped (kiln lowers the bridge's
 * lines when it resets the board).
 *
 * Waveforms.  --trace FILE writes every rising and falling edge the
 * design really takes (not the speculative ones) in the format the RTL
 * was built for: VCD when Verilated with --trace, FST with --trace-fst
 * (verilate.py --trace-fst; VerilatedDesign picks the writer from the
 * model's trace() by itself), timestamped in kiln's ns.  A FILE named
 * .vcd or .fst must match that format.  With several channels in one
 * program, channel N's file is FILE with "-N" before its extension.
 *
 * Several channels.  One program may serve several designs on one link,
 * channel i the bridge's i-th reg window, each with lines of its own
 * (models/rtl/rtl_timers_main.cpp: two timers, interrupts[0] and [1]):
 *
 *     RtlHarness t0(d0, "rtl-timer0"), t1(d1, "rtl-timer1");
 *     ...
 *     t0.add_irq(d0.top().irq, 0);
 *     t1.add_irq(d1.top().irq, 1);
 *     return rtl_main(argc, argv, {&t0, &t1});
 *
 * Each design keeps its own clock, bus and speculation; kiln's time is
 * the link's, and an event of any of them stops kiln at its time.
 */
#ifndef KILN_COSIM_RTL_HARNESS_H
#define KILN_COSIM_RTL_HARNESS_H

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "verilated.h"
#include "verilated_fst_c.h"
#include "verilated_save.h"
#include "verilated_vcd_c.h"

#include "kiln-cosim.h"

/* One port of a Verilated model, of any width up to 64 bits. */
class RtlPort {
public:
    RtlPort() = default;
    RtlPort(CData &v) : m_p(&v), m_bytes(1) {}
    RtlPort(SData &v) : m_p(&v), m_bytes(2) {}
    RtlPort(IData &v) : m_p(&v), m_bytes(4) {}
    RtlPort(QData &v) : m_p(&v), m_bytes(8) {}

    bool connected() const { return m_p != nullptr; }
    uint64_t get() const;
    void set(uint64_t value) const;

private:
    void *m_p = nullptr;
    unsigned m_bytes = 0;
};

/*
 * An APB slave of the RTL (AMBA APB protocol, ARM IHI 0024C), which the
 * harness drives as the requester.  pstrb (APB4), pready and pslverr may
 * be left unconnected: no strobes, always ready, never an error.
 */
struct ApbPorts {
    RtlPort psel, penable, pwrite, paddr, pwdata, pstrb;
    RtlPort prdata, pready, pslverr;
};

/*
 * An AXI4-Lite interface of the RTL (ARM IHI 0022E, part B), 32-bit data.
 * Used for a slave port (the harness is its manager) and for a master
 * port (the harness answers it).  bresp and rresp may be unconnected on
 * a slave port (always OKAY).
 */
struct AxiLitePorts {
    RtlPort awvalid, awready, awaddr;
    RtlPort wvalid, wready, wdata, wstrb;
    RtlPort bvalid, bready, bresp;
    RtlPort arvalid, arready, araddr;
    RtlPort rvalid, rready, rdata, rresp;
};

/* Verilator's serialisation, to and from memory (cosim_rtl_harness.cpp). */
class RtlStateWriter;
class RtlStateReader;

/* What the harness needs of a Verilated design; VerilatedDesign is one. */
class RtlDesign {
public:
    virtual ~RtlDesign() = default;
    virtual void eval() = 0;
    virtual void save(VerilatedSerialize &os) = 0;
    virtual void restore(VerilatedDeserialize &is) = 0;
    /* false when FILE cannot be written. */
    virtual bool trace_open(const std::string &file) = 0;
    /* The extension of the waveform format written ("vcd", "fst"), or
     * nullptr when it has none to check a file name against. */
    virtual const char *trace_format() const { return nullptr; }
    virtual void trace_dump(uint64_t time_ns) = 0;
    /* The time $time reads, for the design's own messages. */
    virtual void set_time(uint64_t time_ns) = 0;
    /* Run final blocks and close the trace. */
    virtual void finish() = 0;
};

/*
 * The waveform writer of a Verilated top module TOP: Verilator declares
 * TOP::trace(VerilatedFstC *, ...) when it is run with --trace-fst, and
 * TOP::trace(VerilatedVcdC *, ...) with --trace.
 */
template <class Top, class = void>
struct RtlTraceOf {
    using type = VerilatedVcdC;
};
template <class Top>
struct RtlTraceOf<Top, std::void_t<decltype(std::declval<Top &>().trace(
                           static_cast<VerilatedFstC *>(nullptr), 0))>> {
    using type = VerilatedFstC;
};

/*
 * A Verilated top module TOP (built with --savable, and --trace or
 * --trace-fst) in a context of its own.
 */
template <class Top, class Trace = typename RtlTraceOf<Top>::type>
class VerilatedDesign final : public RtlDesign {
public:
    VerilatedDesign() : m_ctx(make_context()), m_top(new Top(m_ctx.get())) {}
    ~VerilatedDesign() override { finish(); }

    Top &top() { return *m_top; }

    void eval() override { m_top->eval(); }
    void save(VerilatedSerialize &os) override { os << *m_top; }
    void restore(VerilatedDeserialize &is) override { is >> *m_top; }

    bool trace_open(const std::string &file) override
    {
        m_trace.reset(new Trace);
        m_top->trace(m_trace.get(), 99);
        m_trace->open(file.c_str());
        if (!m_trace->isOpen()) {
            m_trace.reset();
            return false;
        }
        return true;
    }

    const char *trace_format() const override
    {
        return std::is_same<Trace, VerilatedFstC>::value ? "fst" : "vcd";
    }

    void trace_dump(uint64_t time_ns) override
    {
        if (m_trace) {
            m_trace->dump(time_ns * units_per_ns());
        }
    }

    void set_time(uint64_t time_ns) override
    {
        m_ctx->time(time_ns * units_per_ns());
    }

    void finish() override
    {
        if (!m_finished) {
            m_finished = true;
            m_top->final();
        }
        if (m_trace) {
            m_trace->close();
            m_trace.reset();
        }
    }

private:
    static VerilatedContext *make_context()
    {
        VerilatedContext *ctx = new VerilatedContext;

        /* Before the model exists, so that it keeps trace activity. */
        ctx->traceEverOn(true);
        return ctx;
    }

    /*
     * Verilator counts time in the design's time precision (`timescale):
     * 1 for 1ns, 1000 for 1ps.  A precision coarser than 1 ns is not
     * supported (times would need rounding); it counts as 1 ns.
     */
    uint64_t units_per_ns() const
    {
        uint64_t units = 1;

        for (int p = m_ctx->timeprecision(); p < -9; p++) {
            units *= 10;
        }
        return units;
    }

    std::unique_ptr<VerilatedContext> m_ctx;
    std::unique_ptr<Top> m_top;
    std::unique_ptr<Trace> m_trace;
    bool m_finished = false;
};

/* One Verilated design serving one channel of a cosim link. */
class RtlHarness {
public:
    RtlHarness(RtlDesign &design, const char *name);
    ~RtlHarness();
    RtlHarness(const RtlHarness &) = delete;
    RtlHarness &operator=(const RtlHarness &) = delete;

    /* --- wiring, before serving --- */
    void set_clock(RtlPort clk, uint64_t period_ns = 10);
    void set_reset(RtlPort rst, bool active_low, unsigned cycles = 4);
    /* The register window: an APB or an AXI4-Lite slave (one of them). */
    void set_apb(const ApbPorts &ports, uint64_t window_size = 0x1000);
    void set_axil(const AxiLitePorts &ports, uint64_t window_size = 0x1000);
    /* The design's bus master port to board memory. */
    void set_dma(const AxiLitePorts &ports);
    /* PORT drives the bridge's interrupts[LINE]. */
    void add_irq(RtlPort port, unsigned line);
    /*
     * The furthest next_event looks ahead (default 100 us).  It first
     * looks 1 us ahead, and twice as far each time it finds nothing.
     */
    void set_horizon(uint64_t ns) { m_horizon_ns = ns; }

    const char *name() const { return m_name.c_str(); }
    RtlDesign &design() { return m_design; }
    const RtlDesign &design() const { return m_design; }

    /* Hold reset, then serve a channel of MODEL. */
    void attach(CosimModel *model);
    /* Write waveforms to FILE from now on; false if it cannot be written. */
    bool open_trace(const std::string &file);
    /* The channel ops; opaque is the RtlHarness. */
    static const CosimChannelOps ops;

    /* --- what the ops do --- */
    CosimStatus read(uint64_t addr, void *data, uint32_t size,
                     uint64_t *delay_ns);
    CosimStatus write(uint64_t addr, const void *data, uint32_t size,
                      uint64_t *delay_ns);
    void advance(uint64_t t);
    uint64_t next_event();
    void reset();

    /* The time of the last rising edge evaluated, in ns. */
    uint64_t time() const { return m_edge_ns; }
    /* Since the start: edges run for real, speculations, edges run in them. */
    uint64_t edges() const { return m_edges; }
    uint64_t speculations() const { return m_spec_count; }
    uint64_t speculated_edges() const { return m_spec_edges; }

private:
    /* The harness's own state, saved and restored with the design's. */
    struct BusState {
        /* DMA port (the RTL's master) */
        bool r_busy = false;        /* R presented, waiting for RREADY */
        uint32_t rdata = 0;
        uint32_t rresp = 0;
        bool aw_have = false;
        uint32_t awaddr = 0;
        bool w_have = false;
        uint32_t wdata = 0;
        uint32_t wstrb = 0;
        bool b_busy = false;        /* B presented, waiting for BREADY */
        uint32_t bresp = 0;

        bool operator==(const BusState &o) const;
    };

    /* What happened at an edge, for the speculation. */
    enum EdgeResult { EDGE_QUIET, EDGE_EVENT };

    void settle();
    EdgeResult tick();
    void trace(uint64_t t);
    void drive_dma();
    EdgeResult dma_after_edge(bool ar_fire, bool r_fire, bool aw_fire,
                              bool w_fire, bool b_fire, uint32_t araddr,
                              uint32_t awaddr, uint32_t wdata,
                              uint32_t wstrb);
    uint32_t dma_read_word(uint32_t addr, uint32_t *resp);
    uint32_t dma_write_word(uint32_t addr, uint32_t data, uint32_t strb);
    bool irqs_changed() const;
    void send_irq(unsigned line, bool level);
    void send_irqs();
    void send_pending_irqs(uint64_t t);
    void pulse_reset();
    void inputs_changed()
    {
        m_spec_valid = false;
        m_reach_ns = 0;
    }

    CosimStatus transfer(bool write, uint32_t addr, uint32_t wdata,
                         uint32_t strb, uint32_t *rdata);
    CosimStatus apb_transfer(bool write, uint32_t addr, uint32_t wdata,
                             uint32_t strb, uint32_t *rdata);
    CosimStatus axil_transfer(bool write, uint32_t addr, uint32_t wdata,
                              uint32_t strb, uint32_t *rdata);
    CosimStatus access(bool write, uint64_t addr, uint8_t *data,
                       uint32_t size, uint64_t *delay_ns);

    void speculate();

    RtlDesign &m_design;
    std::string m_name;
    CosimModel *m_model = nullptr;

    RtlPort m_clk;
    uint64_t m_period_ns = 10;
    RtlPort m_rst;
    bool m_rst_active_low = true;
    unsigned m_rst_cycles = 4;

    enum { BUS_NONE, BUS_APB, BUS_AXIL } m_bus_kind = BUS_NONE;
    ApbPorts m_apb;
    AxiLitePorts m_axil;
    uint64_t m_window_size = 0;
    bool m_has_dma = false;
    AxiLitePorts m_dma;

    struct Irq {
        RtlPort port;
        unsigned line;
        bool level;                 /* as last sent or queued for kiln */
    };
    std::vector<Irq> m_irqs;
    struct PendingIrq {
        uint64_t time;              /* the edge it changed on */
        unsigned line;
        bool level;
    };
    std::vector<PendingIrq> m_pending;  /* changes ahead of kiln's time */

    BusState m_bus;
    uint64_t m_edge_ns = 0;         /* last rising edge evaluated */
    uint64_t m_edges = 0;
    bool m_tracing = false;
    uint64_t m_dumped_ns = 0;       /* last trace timestamp written */
    bool m_dumped = false;
    bool m_speculating = false;
    bool m_failed = false;          /* a message to kiln failed */

    uint64_t m_horizon_ns = 100000;
    uint64_t m_reach_ns = 0;        /* the next look ahead; 0: the first */
    bool m_spec_valid = false;
    uint64_t m_spec_answer = 0;     /* the next_event found */
    uint64_t m_spec_idle_from = 0;  /* with "never": the state is fixed
                                       after the edge at this time */
    uint64_t m_spec_count = 0;
    uint64_t m_spec_edges = 0;
    std::unique_ptr<RtlStateWriter> m_writer;
    std::unique_ptr<RtlStateReader> m_reader;
    std::vector<uint8_t> m_saved;   /* the state speculation starts from */
    std::vector<uint8_t> m_probe;   /* a later state, for the idle test */
    std::vector<uint8_t> m_now_state;   /* the one after it */
};

/*
 * The main of a model program: `PROGRAM ENDPOINT [--trace FILE]
 * [--horizon-ns N] [--timeout-ms N] [--stats]`.  Channel i of the link
 * is CHANNELS[i].  Returns the process's exit status (0 after kiln's BYE).
 */
int rtl_main(int argc, char **argv, std::initializer_list<RtlHarness *> channels);

#endif
