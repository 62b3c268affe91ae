/*
 * The SystemC adapter (cosim/systemc/cosim_sc_adapter.cpp) on a link whose
 * kiln end is this test, speaking docs/cosim-protocol.md message by
 * message, so that every field the adapter sends can be checked: times,
 * annotated delays, next_event, IRQ and DMA messages and their stamps.
 *
 * The model side is one SystemC design behind one adapter, served on its
 * own thread over inproc://:
 *
 *     channel 0  the SystemC timer (models/systemc), interrupt line 0
 *     channel 1  a 64-byte RAM: 7 ns per b_transport, DMI at 3 ns / 4 ns;
 *                a write at offset 64 invalidates the DMI it granted
 *     channel 2  a target that wait()s 25 ns in b_transport, then adds 5
 *     channel 3  a DMA engine: copies LEN bytes from SRC to DST in board
 *                memory through the adapter's dma socket; interrupt line 1
 *     channel 4  a target that fails: an SC_REPORT_ERROR, or a wait() for
 *                an event nobody notifies (--fatal=report / --fatal=hang)
 *
 * One SystemC kernel lives per process and kiln's time never goes back,
 * so the tests share the link and run in order, each at later times.  A
 * failure ends the link; --fatal=MODE runs only that test.
 */
#include <glib.h>
#include <zmq.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "cosim_sc_adapter.h"
#include "sc_timer.h"
extern "C" {
#include "wire.h"
}

using sc_core::sc_time;
using sc_core::SC_NS;

#define ENDPOINT "inproc://sc-adapter-test"
#define QUANTUM_NS 1000
#define LOOKAHEAD_NS 2
#define BOARD_BASE UINT64_C(0x80000000)
#define BOARD_SIZE 0x1000

enum { CH_TIMER, CH_RAM, CH_SLOW, CH_DMA, CH_FAULTY, NCHANNELS };
enum { IRQ_TIMER, IRQ_DMA, NIRQS };

/* --- the models behind the adapter --- */

struct TestRam : sc_core::sc_module {
    enum { SIZE = 64, INVALIDATE = 64 };

    tlm_utils::simple_target_socket<TestRam> socket;
    unsigned char mem[SIZE];

    explicit TestRam(sc_core::sc_module_name name)
        : sc_module(name), socket("socket")
    {
        memset(mem, 0, sizeof(mem));
        socket.register_b_transport(this, &TestRam::b_transport);
        socket.register_get_direct_mem_ptr(this, &TestRam::get_dmi);
    }

    void b_transport(tlm::tlm_generic_payload &trans, sc_time &delay)
    {
        uint64_t addr = trans.get_address();
        unsigned len = trans.get_data_length();

        delay += sc_time(7, SC_NS);
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        if (addr == INVALIDATE && trans.is_write()) {
            socket->invalidate_direct_mem_ptr(0, SIZE - 1);
            return;
        }
        if (addr + len > SIZE) {
            trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        } else if (trans.is_read()) {
            memcpy(trans.get_data_ptr(), mem + addr, len);
        } else {
            memcpy(mem + addr, trans.get_data_ptr(), len);
        }
        trans.set_dmi_allowed(true);
    }

    bool get_dmi(tlm::tlm_generic_payload &trans, tlm::tlm_dmi &dmi)
    {
        dmi.set_dmi_ptr(mem);
        dmi.set_start_address(0);
        dmi.set_end_address(SIZE - 1);
        dmi.allow_read_write();
        dmi.set_read_latency(sc_time(3, SC_NS));
        dmi.set_write_latency(sc_time(4, SC_NS));
        return true;
    }
};

struct SlowTarget : sc_core::sc_module {
    tlm_utils::simple_target_socket<SlowTarget> socket;

    explicit SlowTarget(sc_core::sc_module_name name)
        : sc_module(name), socket("socket")
    {
        socket.register_b_transport(this, &SlowTarget::b_transport);
    }

    void b_transport(tlm::tlm_generic_payload &trans, sc_time &delay)
    {
        wait(sc_time(25, SC_NS));
        delay += sc_time(5, SC_NS);
        if (trans.is_read()) {
            memset(trans.get_data_ptr(), 0xa5, trans.get_data_length());
        }
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

/*
 * Registers, 32-bit: SRC, DST, LEN, GO, STATUS (1 done, 2 failed; a write
 * clears it and the line).  GO says what to do: copy, copy every other
 * byte, pulse the line (high and low again at the same instant), or raise
 * it 2.5 ns later, between two ns.
 */
struct TestDma : sc_core::sc_module {
    enum { SRC = 0x0, DST = 0x4, LEN = 0x8, GO = 0xc, STATUS = 0x10 };
    enum { COPY = 1, COPY_SPARSE = 2, PULSE = 3, LATE = 4 };

    tlm_utils::simple_target_socket<TestDma> regs;
    tlm_utils::simple_initiator_socket<TestDma> bus;
    sc_core::sc_out<bool> done;

    SC_HAS_PROCESS(TestDma);
    explicit TestDma(sc_core::sc_module_name name)
        : sc_module(name), regs("regs"), bus("bus"), done("done")
    {
        regs.register_b_transport(this, &TestDma::b_transport);
        SC_THREAD(run);
        SC_METHOD(drive_done);
        sensitive << done_changed;
        dont_initialize();
    }

    uint32_t reg[5] = { 0 };
    sc_core::sc_event go;
    bool done_level = false;
    sc_core::sc_event done_changed;

    /* One writer for the signal, whichever process changes the level. */
    void set_done(bool level)
    {
        done_level = level;
        done_changed.notify(sc_core::SC_ZERO_TIME);
    }

    void drive_done()
    {
        done.write(done_level);
    }

    void b_transport(tlm::tlm_generic_payload &trans, sc_time &delay)
    {
        uint32_t *r = &reg[trans.get_address() / 4];

        if (trans.is_read()) {
            memcpy(trans.get_data_ptr(), r, 4);
        } else {
            memcpy(r, trans.get_data_ptr(), 4);
            if (trans.get_address() == GO) {
                go.notify();
            } else if (trans.get_address() == STATUS) {
                *r = 0;
                set_done(false);
            }
        }
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    tlm::tlm_response_status move(tlm::tlm_command cmd, uint32_t addr,
                                  std::vector<unsigned char> &buf,
                                  const unsigned char *be, unsigned be_len)
    {
        tlm::tlm_generic_payload trans;
        sc_time delay = sc_core::SC_ZERO_TIME;

        trans.set_command(cmd);
        trans.set_address(addr);
        trans.set_data_ptr(buf.data());
        trans.set_data_length((unsigned)buf.size());
        trans.set_streaming_width((unsigned)buf.size());
        trans.set_byte_enable_ptr(const_cast<unsigned char *>(be));
        trans.set_byte_enable_length(be_len);
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        bus->b_transport(trans, delay);
        return trans.get_response_status();
    }

    void run()
    {
        static const unsigned char every_other[2] = { TLM_BYTE_ENABLED,
                                                      TLM_BYTE_DISABLED };
        for (;;) {
            wait(go);
            if (reg[GO / 4] == PULSE) {
                set_done(true);
                wait(done_changed);
                wait(sc_core::SC_ZERO_TIME);
                set_done(false);
                continue;
            }
            if (reg[GO / 4] == LATE) {
                wait(sc_time(2500, sc_core::SC_PS));
                set_done(true);
                continue;
            }
            std::vector<unsigned char> buf(reg[LEN / 4]);
            bool sparse = reg[GO / 4] == COPY_SPARSE;
            bool ok = move(tlm::TLM_READ_COMMAND, reg[SRC / 4], buf, nullptr,
                           0) == tlm::TLM_OK_RESPONSE &&
                      move(tlm::TLM_WRITE_COMMAND, reg[DST / 4], buf,
                           sparse ? every_other : nullptr,
                           sparse ? 2 : 0) == tlm::TLM_OK_RESPONSE;

            reg[STATUS / 4] = ok ? 1 : 2;
            set_done(true);
        }
    }
};

static bool fatal_mode, fatal_hang;

struct FaultyTarget : sc_core::sc_module {
    tlm_utils::simple_target_socket<FaultyTarget> socket;
    sc_core::sc_event never;

    explicit FaultyTarget(sc_core::sc_module_name name)
        : sc_module(name), socket("socket")
    {
        socket.register_b_transport(this, &FaultyTarget::b_transport);
    }

    void b_transport(tlm::tlm_generic_payload &trans, sc_time &delay)
    {
        if (fatal_hang) {
            wait(never);
        }
        SC_REPORT_ERROR("/kiln/test", "the model broke");
    }
};

static int model_result = 1;
static std::string model_error;

static void model_main(void *zmq_ctx)
{
    ScTimer timer("timer");
    TestRam ram("ram");
    SlowTarget slow("slow");
    TestDma dma("dma");
    FaultyTarget faulty("faulty");
    sc_core::sc_signal<bool> timer_irq("timer_irq"), dma_irq("dma_irq");
    CosimScAdapter link("sc-adapter-test", ENDPOINT, NCHANNELS, NIRQS,
                        zmq_ctx);

    link.bus[CH_TIMER].bind(timer.socket);
    link.bus[CH_RAM].bind(ram.socket);
    link.bus[CH_SLOW].bind(slow.socket);
    link.bus[CH_DMA].bind(dma.regs);
    link.bus[CH_FAULTY].bind(faulty.socket);
    dma.bus.bind(link.dma);
    timer.irq(timer_irq);
    dma.done(dma_irq);
    link.irq[IRQ_TIMER](timer_irq);
    link.irq[IRQ_DMA](dma_irq);
    link.set_reset(CH_TIMER, [&timer] { timer.reset(); });
    link.set_lookahead(LOOKAHEAD_NS);

    model_result = link.serve(10000);
    model_error = link.error();
}

/* --- kiln, played by the test --- */

static void *kiln_sock;
static uint32_t kiln_id;
static uint64_t kiln_time;
static CosimHello model_hello;
static uint8_t board[BOARD_SIZE];

struct IrqSeen {
    unsigned line;
    unsigned level;
    uint64_t t;
};
static std::vector<IrqSeen> irqs_seen;

struct DmaSeen {
    unsigned type;
    uint64_t addr;
    uint32_t size;
    uint64_t t;
};
static std::vector<DmaSeen> dmas_seen;

/* A reply as the test keeps it: the message and a copy of its data. */
struct Reply {
    CosimMsg msg;
    std::vector<uint8_t> data;
};

static void kiln_send(CosimMsg &m)
{
    uint8_t buf[COSIM_WIRE_MAX];
    size_t len = cosim_wire_encode(&m, buf);

    g_assert_cmpint(zmq_send(kiln_sock, buf, len, 0), ==, (int)len);
}

static Reply kiln_recv(const char *what)
{
    static uint8_t rx[COSIM_WIRE_MAX + 1];
    char why[COSIM_WIRE_ERR_LEN];
    Reply r;
    int n = zmq_recv(kiln_sock, rx, sizeof(rx), 0);

    if (n < 0) {
        g_error("no message from the model while waiting for %s: %s", what,
                zmq_strerror(errno));
    }
    g_assert_cmpint(cosim_wire_decode(rx, (size_t)n, &r.msg, why,
                                      sizeof(why)), ==, 0);
    r.data.assign(r.msg.data, r.msg.data + r.msg.data_len);
    r.msg.data = nullptr;
    return r;
}

/* DMA as kiln's bridge serves it, from a 4 KiB board RAM at BOARD_BASE. */
static void kiln_serve_dma(const Reply &req)
{
    const CosimDma &d = req.msg.u.dma;
    bool in = d.addr >= BOARD_BASE &&
              d.addr + d.size <= BOARD_BASE + BOARD_SIZE;
    CosimMsg resp = {};

    resp.hdr.type = COSIM_DMA_RESP;
    resp.hdr.channel = req.msg.hdr.channel;
    resp.hdr.id = req.msg.hdr.id;
    resp.hdr.timestamp = req.msg.hdr.timestamp;
    resp.u.dma_resp.status = in ? COSIM_OK : COSIM_ADDRESS_ERROR;
    if (in && req.msg.hdr.type == COSIM_DMA_READ) {
        resp.data = board + (d.addr - BOARD_BASE);
        resp.data_len = d.size;
    } else if (in) {
        memcpy(board + (d.addr - BOARD_BASE), req.data.data(), d.size);
    }
    dmas_seen.push_back({ req.msg.hdr.type, d.addr, d.size,
                          req.msg.hdr.timestamp });
    kiln_send(resp);
}

/* Wait for TYPE with ID, taking IRQ and DMA messages on the way. */
static Reply kiln_await(unsigned type, uint32_t id, const char *what)
{
    for (;;) {
        Reply r = kiln_recv(what);

        switch (r.msg.hdr.type) {
        case COSIM_IRQ:
            irqs_seen.push_back({ r.msg.u.irq.line, r.msg.u.irq.level,
                                  r.msg.hdr.timestamp });
            continue;
        case COSIM_DMA_READ:
        case COSIM_DMA_WRITE:
            kiln_serve_dma(r);
            continue;
        case COSIM_ERROR:
            if (!fatal_mode) {
                g_error("the model ended the link while kiln waited for %s: "
                        "%.*s", what, (int)r.data.size(),
                        (const char *)r.data.data());
            }
            return r;
        }
        g_assert_cmpuint(r.msg.hdr.type, ==, type);
        g_assert_cmpuint(r.msg.hdr.id, ==, id);
        return r;
    }
}

static void kiln_at(uint64_t t)
{
    g_assert_cmpuint(t, >=, kiln_time);
    kiln_time = t;
}

static Reply kiln_access(unsigned type, unsigned ch, uint64_t addr,
                         const void *data, uint32_t size, uint64_t t)
{
    CosimMsg m = {};

    kiln_at(t);
    m.hdr.type = (uint16_t)type;
    m.hdr.channel = (uint16_t)ch;
    m.hdr.id = ++kiln_id;
    m.hdr.flags = type == COSIM_WRITE ? COSIM_F_NEED_ACK : 0;
    m.hdr.timestamp = t;
    m.u.access.addr = addr;
    m.u.access.size = size;
    m.u.access.byte_enable = size >= 64 ? UINT64_MAX : (1ull << size) - 1;
    if (type == COSIM_WRITE) {
        m.data = static_cast<const uint8_t *>(data);
        m.data_len = size;
    }
    kiln_send(m);

    Reply r = kiln_await(COSIM_RESP, m.hdr.id, "RESP");
    if (r.msg.hdr.type == COSIM_RESP) {
        g_assert_cmpuint(r.msg.hdr.channel, ==, ch);
    }
    return r;
}

static Reply kiln_read(unsigned ch, uint64_t addr, uint32_t size, uint64_t t)
{
    return kiln_access(COSIM_READ, ch, addr, nullptr, size, t);
}

static Reply kiln_write(unsigned ch, uint64_t addr, const void *data,
                        uint32_t size, uint64_t t)
{
    return kiln_access(COSIM_WRITE, ch, addr, data, size, t);
}

static uint32_t read32(unsigned ch, uint64_t addr, uint64_t t)
{
    Reply r = kiln_read(ch, addr, 4, t);
    uint32_t v;

    g_assert_cmpuint(r.msg.u.resp.status, ==, COSIM_OK);
    g_assert_cmpuint(r.data.size(), ==, 4);
    memcpy(&v, r.data.data(), 4);
    return GUINT32_FROM_LE(v);
}

/* Returns the RESP's next_event. */
static uint64_t write32(unsigned ch, uint64_t addr, uint32_t value, uint64_t t)
{
    uint32_t le = GUINT32_TO_LE(value);
    Reply r = kiln_write(ch, addr, &le, 4, t);

    g_assert_cmpuint(r.msg.u.resp.status, ==, COSIM_OK);
    return r.msg.u.resp.next_event;
}

static Reply kiln_sync(uint64_t t)
{
    CosimMsg m = {};

    kiln_at(t);
    m.hdr.type = COSIM_SYNC;
    m.hdr.id = ++kiln_id;
    m.hdr.timestamp = t;
    kiln_send(m);
    return kiln_await(COSIM_SYNC_REPLY, m.hdr.id, "SYNC_REPLY");
}

static Reply kiln_reset(unsigned ch, uint64_t t)
{
    CosimMsg m = {};

    kiln_at(t);
    m.hdr.type = COSIM_RESET;
    m.hdr.channel = (uint16_t)ch;
    m.hdr.id = ++kiln_id;
    m.hdr.timestamp = t;
    kiln_send(m);
    return kiln_await(COSIM_RESP, m.hdr.id, "RESP to RESET");
}

/* A fresh start for a test: 1 us after the last, off the 10 ns grid. */
static uint64_t test_start(void)
{
    irqs_seen.clear();
    dmas_seen.clear();
    return (kiln_time / 1000 + 1) * 1000 + 3;
}

/* --- the tests --- */

static void test_hello(void)
{
    g_assert_cmpuint(model_hello.magic, ==, COSIM_MAGIC);
    g_assert_cmpuint(model_hello.version, ==, COSIM_VERSION);
    g_assert_cmpuint(model_hello.nchannels, ==, NCHANNELS);
    g_assert_cmpuint(model_hello.capabilities & COSIM_CAP_NEXT_EVENT, !=, 0);
    g_assert_cmpuint(model_hello.capabilities & COSIM_CAP_DMA, !=, 0);
    g_assert_cmpuint(model_hello.lookahead_ns, ==, LOOKAHEAD_NS);
    g_assert_cmpstr(model_hello.name, ==, "sc-adapter-test");
}

/* kiln's quantum is the model's TLM global quantum. */
static void test_quantum(void)
{
    /* A round trip first: the model sets it after answering HELLO. */
    kiln_sync(test_start());
    g_assert_true(tlm::tlm_global_quantum::instance().get() ==
                  sc_time(QUANTUM_NS, SC_NS));
}

/*
 * The timer enabled at T with LOAD = N: next_event announces T + N * 10,
 * a SYNC to one ns before sees nothing, a SYNC to it sees the IRQ stamped
 * with that very time - before the SYNC_REPLY.
 */
static void test_timer_irq_on_time(void)
{
    const uint32_t n = 25;
    uint64_t t = test_start();

    g_assert_cmpuint(write32(CH_TIMER, ScTimer::LOAD, n, t), ==,
                     COSIM_TIME_NEVER);
    g_assert_cmpuint(write32(CH_TIMER, ScTimer::CTRL,
                             ScTimer::CTRL_EN | ScTimer::CTRL_IE, t), ==,
                     t + n * 10);

    Reply r = kiln_sync(t + n * 10 - 1);
    g_assert_cmpuint(r.msg.hdr.timestamp, ==, t + n * 10 - 1);
    g_assert_cmpuint(r.msg.hdr.flags & COSIM_F_STOPPED_EARLY, ==, 0);
    g_assert_cmpuint(r.msg.u.sync_reply.next_event, ==, t + n * 10);
    g_assert_cmpuint(irqs_seen.size(), ==, 0);
    g_assert_cmpuint(read32(CH_TIMER, ScTimer::COUNT, t + n * 10 - 1), ==,
                     n - 1);

    r = kiln_sync(t + n * 10);
    g_assert_cmpuint(r.msg.hdr.timestamp, ==, t + n * 10);
    g_assert_cmpuint(irqs_seen.size(), ==, 1);
    g_assert_cmpuint(irqs_seen[0].line, ==, IRQ_TIMER);
    g_assert_cmpuint(irqs_seen[0].level, ==, 1);
    g_assert_cmpuint(irqs_seen[0].t, ==, t + n * 10);
    /* MATCH is set: nothing more the timer does would show. */
    g_assert_cmpuint(r.msg.u.sync_reply.next_event, ==, COSIM_TIME_NEVER);

    /* Clearing STATUS lowers the line, stamped with the write's time. */
    g_assert_cmpuint(read32(CH_TIMER, ScTimer::STATUS, t + 300), ==, 1);
    write32(CH_TIMER, ScTimer::STATUS, ScTimer::STATUS_MATCH, t + 307);
    g_assert_cmpuint(irqs_seen.size(), ==, 2);
    g_assert_cmpuint(irqs_seen[1].level, ==, 0);
    g_assert_cmpuint(irqs_seen[1].t, ==, t + 307);
}

/* A SYNC past an output change stops there, and says so. */
static void test_stopped_early(void)
{
    uint64_t t = test_start();

    write32(CH_TIMER, ScTimer::CTRL, 0, t);
    write32(CH_TIMER, ScTimer::LOAD, 10, t);
    write32(CH_TIMER, ScTimer::CTRL,
            ScTimer::CTRL_EN | ScTimer::CTRL_IE | ScTimer::CTRL_PERIODIC, t);

    Reply r = kiln_sync(t + 500);
    g_assert_cmpuint(r.msg.hdr.timestamp, ==, t + 100);
    g_assert_cmpuint(r.msg.hdr.flags & COSIM_F_STOPPED_EARLY, !=, 0);
    g_assert_cmpuint(irqs_seen.size(), ==, 1);
    g_assert_cmpuint(irqs_seen[0].t, ==, t + 100);

    r = kiln_sync(t + 500);
    g_assert_cmpuint(r.msg.hdr.timestamp, ==, t + 500);
    g_assert_cmpuint(r.msg.hdr.flags & COSIM_F_STOPPED_EARLY, ==, 0);
    /* Periodic: COUNT restarted at each match. */
    g_assert_cmpuint(read32(CH_TIMER, ScTimer::COUNT, t + 535), ==, 3);
}

/* RESET puts the timer back, and its line goes low before the RESP. */
static void test_reset(void)
{
    uint64_t t = test_start();

    /* Left matched, with IE set, by the test before. */
    g_assert_cmpuint(read32(CH_TIMER, ScTimer::STATUS, t), ==, 1);
    Reply r = kiln_reset(CH_TIMER, t + 1);
    g_assert_cmpuint(r.msg.u.resp.status, ==, COSIM_OK);
    g_assert_cmpuint(irqs_seen.size(), ==, 1);
    g_assert_cmpuint(irqs_seen[0].level, ==, 0);
    g_assert_cmpuint(irqs_seen[0].t, ==, t + 1);
    g_assert_cmpuint(read32(CH_TIMER, ScTimer::CTRL, t + 2), ==, 0);
    g_assert_cmpuint(read32(CH_TIMER, ScTimer::LOAD, t + 2), ==, 0);
    g_assert_cmpuint(r.msg.u.resp.next_event, ==, COSIM_TIME_NEVER);
}

/*
 * The target's annotated delay is the RESP's delay_ns; once it grants
 * DMI, accesses go through the pointer at its latency, until it
 * invalidates the region.
 */
static void test_annotated_delay_and_dmi(void)
{
    const uint8_t pattern[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint64_t t = test_start();

    Reply r = kiln_write(CH_RAM, 0x10, pattern, 8, t);
    g_assert_cmpuint(r.msg.u.resp.status, ==, COSIM_OK);
    g_assert_cmpuint(r.msg.u.resp.delay_ns, ==, 7);

    r = kiln_read(CH_RAM, 0x10, 8, t + 10);
    g_assert_cmpuint(r.msg.u.resp.delay_ns, ==, 3);
    g_assert_true(r.data == std::vector<uint8_t>(pattern, pattern + 8));
    r = kiln_write(CH_RAM, 0x20, pattern, 2, t + 20);
    g_assert_cmpuint(r.msg.u.resp.delay_ns, ==, 4);

    r = kiln_write(CH_RAM, TestRam::INVALIDATE, pattern, 1, t + 30);
    g_assert_cmpuint(r.msg.u.resp.delay_ns, ==, 7);
    r = kiln_read(CH_RAM, 0x20, 2, t + 40);
    g_assert_cmpuint(r.msg.u.resp.delay_ns, ==, 7);
    g_assert_cmpuint(r.data[0], ==, 1);
    g_assert_cmpuint(r.data[1], ==, 2);

    /* TLM_ADDRESS_ERROR_RESPONSE is an address error for kiln. */
    r = kiln_read(CH_RAM, 0x3c, 8, t + 50);
    g_assert_cmpuint(r.msg.u.resp.status, ==, COSIM_ADDRESS_ERROR);
}

/* Time the target spends in wait() is part of the delay kiln charges. */
static void test_target_waits(void)
{
    uint64_t t = test_start();

    Reply r = kiln_read(CH_SLOW, 0, 4, t);
    g_assert_cmpuint(r.msg.u.resp.status, ==, COSIM_OK);
    g_assert_cmpuint(r.msg.u.resp.delay_ns, ==, 30);
    g_assert_cmpuint(r.data[0], ==, 0xa5);
    /* kiln charged the 30 ns; the link goes on from there. */
    r = kiln_sync(t + 30);
    g_assert_cmpuint(r.msg.hdr.timestamp, ==, t + 30);
}

/* The model's DMA reaches board memory, split into messages of at most
 * COSIM_MAX_DATA bytes, stamped with the time the engine ran. */
static void test_dma(void)
{
    const uint64_t src = BOARD_BASE + 0x100, dst = BOARD_BASE + 0x400;
    const uint32_t len = 300;
    uint64_t t = test_start();

    for (unsigned i = 0; i < BOARD_SIZE; i++) {
        board[i] = (uint8_t)(i * 7 + 1);
    }
    write32(CH_DMA, TestDma::SRC, (uint32_t)src, t);
    write32(CH_DMA, TestDma::DST, (uint32_t)dst, t);
    write32(CH_DMA, TestDma::LEN, len, t);
    write32(CH_DMA, TestDma::GO, TestDma::COPY, t + 5);

    g_assert_cmpmem(board + 0x400, len, board + 0x100, len);
    g_assert_cmpuint(dmas_seen.size(), ==, 4);
    g_assert_cmpuint(dmas_seen[0].type, ==, COSIM_DMA_READ);
    g_assert_cmpuint(dmas_seen[0].addr, ==, src);
    g_assert_cmpuint(dmas_seen[0].size, ==, COSIM_MAX_DATA);
    g_assert_cmpuint(dmas_seen[1].addr, ==, src + COSIM_MAX_DATA);
    g_assert_cmpuint(dmas_seen[1].size, ==, len - COSIM_MAX_DATA);
    g_assert_cmpuint(dmas_seen[2].type, ==, COSIM_DMA_WRITE);
    g_assert_cmpuint(dmas_seen[3].size, ==, len - COSIM_MAX_DATA);
    for (const DmaSeen &d : dmas_seen) {
        g_assert_cmpuint(d.t, ==, t + 5);
    }
    g_assert_cmpuint(irqs_seen.size(), ==, 1);
    g_assert_cmpuint(irqs_seen[0].line, ==, IRQ_DMA);
    g_assert_cmpuint(irqs_seen[0].level, ==, 1);
    g_assert_cmpuint(read32(CH_DMA, TestDma::STATUS, t + 10), ==, 1);
    write32(CH_DMA, TestDma::STATUS, 0, t + 10);
    g_assert_cmpuint(irqs_seen.size(), ==, 2);
    g_assert_cmpuint(irqs_seen[1].level, ==, 0);
}

/* Byte enables: only the enabled bytes are written, run by run. */
static void test_dma_byte_enables(void)
{
    const uint64_t src = BOARD_BASE + 0x100, dst = BOARD_BASE + 0x800;
    uint8_t before[16];
    uint64_t t = test_start();

    memcpy(before, board + 0x800, sizeof(before));
    write32(CH_DMA, TestDma::SRC, (uint32_t)src, t);
    write32(CH_DMA, TestDma::DST, (uint32_t)dst, t);
    write32(CH_DMA, TestDma::LEN, 16, t);
    write32(CH_DMA, TestDma::GO, TestDma::COPY_SPARSE, t);
    for (unsigned i = 0; i < 16; i++) {
        g_assert_cmpuint(board[0x800 + i], ==,
                         i % 2 ? before[i] : board[0x100 + i]);
    }
    /* One read, then one write per enabled byte. */
    g_assert_cmpuint(dmas_seen.size(), ==, 1 + 8);
    g_assert_cmpuint(dmas_seen[1].addr, ==, dst);
    g_assert_cmpuint(dmas_seen[2].addr, ==, dst + 2);
    g_assert_cmpuint(dmas_seen[2].size, ==, 1);
    write32(CH_DMA, TestDma::STATUS, 0, t + 1);
}

/* A DMA kiln cannot serve is an error response to the model's initiator. */
static void test_dma_error(void)
{
    uint64_t t = test_start();

    write32(CH_DMA, TestDma::SRC, (uint32_t)(BOARD_BASE + 0x10000), t);
    write32(CH_DMA, TestDma::LEN, 4, t);
    write32(CH_DMA, TestDma::GO, TestDma::COPY, t);
    g_assert_cmpuint(read32(CH_DMA, TestDma::STATUS, t + 1), ==, 2);
    write32(CH_DMA, TestDma::STATUS, 0, t + 1);
}

/* A failure in the model ends the link with one ERROR naming it. */
static void test_model_error(void)
{
    uint64_t t = test_start();
    Reply r = kiln_read(CH_FAULTY, 0, 4, t);

    g_assert_cmpuint(r.msg.hdr.type, ==, COSIM_ERROR);
    std::string text(r.data.begin(), r.data.end());
    g_test_message("ERROR: %s", text.c_str());
    g_assert_true(text.find('\n') == std::string::npos);
    if (fatal_hang) {
        g_assert_true(text.find("channel 4: b_transport read 0x0 waits for an "
                                "event nothing will notify") !=
                      std::string::npos);
    } else {
        /* The sc_report, its lines joined: message, file, process. */
        g_assert_true(text.find("Error: /kiln/test: the model broke; In file: ")
                      != std::string::npos);
        g_assert_true(text.find("In process: sc-adapter-test.transport_thread")
                      != std::string::npos);
    }
}

/* A line that goes up and down within one instant reaches kiln as two
 * messages: nothing of it is lost between the model's delta cycles. */
static void test_irq_pulse(void)
{
    uint64_t t = test_start();

    write32(CH_DMA, TestDma::GO, TestDma::PULSE, t);
    g_assert_cmpuint(irqs_seen.size(), ==, 2);
    g_assert_cmpuint(irqs_seen[0].line, ==, IRQ_DMA);
    g_assert_cmpuint(irqs_seen[0].level, ==, 1);
    g_assert_cmpuint(irqs_seen[0].t, ==, t);
    g_assert_cmpuint(irqs_seen[1].level, ==, 0);
    g_assert_cmpuint(irqs_seen[1].t, ==, t);
}

/* An event between two ns is announced at the later one, never before it
 * happens, and delivered there. */
static void test_sub_ns_event(void)
{
    uint64_t t = test_start();

    g_assert_cmpuint(write32(CH_DMA, TestDma::GO, TestDma::LATE, t), ==, t + 3);
    Reply r = kiln_sync(t + 2);
    g_assert_cmpuint(r.msg.u.sync_reply.next_event, ==, t + 3);
    g_assert_cmpuint(irqs_seen.size(), ==, 0);
    kiln_sync(t + 3);
    g_assert_cmpuint(irqs_seen.size(), ==, 1);
    g_assert_cmpuint(irqs_seen[0].level, ==, 1);
    g_assert_cmpuint(irqs_seen[0].t, ==, t + 3);
    write32(CH_DMA, TestDma::STATUS, 0, t + 4);
}

int sc_main(int argc, char **argv)
{
    const char *fatal = nullptr;

    g_test_init(&argc, &argv, nullptr);
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--fatal=", 8)) {
            fatal = argv[i] + 8;
            fatal_mode = true;
            fatal_hang = !strcmp(fatal, "hang");
        }
    }

    void *ctx = zmq_ctx_new();
    int timeout = 10000;
    kiln_sock = zmq_socket(ctx, ZMQ_PAIR);
    zmq_setsockopt(kiln_sock, ZMQ_RCVTIMEO, &timeout, sizeof(timeout));
    zmq_setsockopt(kiln_sock, ZMQ_SNDTIMEO, &timeout, sizeof(timeout));
    std::thread model(model_main, ctx);
    g_assert_cmpint(zmq_connect(kiln_sock, ENDPOINT), ==, 0);

    CosimMsg hello = {};
    hello.hdr.type = COSIM_HELLO;
    hello.u.hello.magic = COSIM_MAGIC;
    hello.u.hello.version = COSIM_VERSION;
    hello.u.hello.nchannels = NCHANNELS;
    hello.u.hello.capabilities = COSIM_CAP_POSTED_WRITES | COSIM_CAP_DMA |
                                 COSIM_CAP_NEXT_EVENT | COSIM_CAP_BURST;
    hello.u.hello.quantum_ns = QUANTUM_NS;
    kiln_send(hello);
    Reply r = kiln_recv("HELLO");
    g_assert_cmpuint(r.msg.hdr.type, ==, COSIM_HELLO);
    model_hello = r.msg.u.hello;

    if (fatal) {
        g_test_add_func("/sc-adapter/model-error", test_model_error);
    } else {
        g_test_add_func("/sc-adapter/hello", test_hello);
        g_test_add_func("/sc-adapter/quantum", test_quantum);
        g_test_add_func("/sc-adapter/timer-irq-on-time",
                        test_timer_irq_on_time);
        g_test_add_func("/sc-adapter/stopped-early", test_stopped_early);
        g_test_add_func("/sc-adapter/reset", test_reset);
        g_test_add_func("/sc-adapter/annotated-delay-and-dmi",
                        test_annotated_delay_and_dmi);
        g_test_add_func("/sc-adapter/target-waits", test_target_waits);
        g_test_add_func("/sc-adapter/dma", test_dma);
        g_test_add_func("/sc-adapter/dma-byte-enables",
                        test_dma_byte_enables);
        g_test_add_func("/sc-adapter/dma-error", test_dma_error);
        g_test_add_func("/sc-adapter/irq-pulse", test_irq_pulse);
        g_test_add_func("/sc-adapter/sub-ns-event", test_sub_ns_event);
    }
    int ret = g_test_run();

    if (!fatal) {
        /* kiln's BYE ends serve() with 0. */
        CosimMsg bye = {};

        bye.hdr.type = COSIM_BYE;
        bye.hdr.timestamp = kiln_time;
        kiln_send(bye);
    }
    model.join();
    if (ret == 0) {
        /* serve() ends as the link did: 0 after BYE, -1 after a failure. */
        if (fatal) {
            g_assert_cmpint(model_result, ==, -1);
            g_assert_true(model_error.find(fatal_hang ? "nothing will notify"
                                                      : "the model broke") !=
                          std::string::npos);
        } else {
            g_assert_cmpint(model_result, ==, 0);
        }
    }
    zmq_close(kiln_sock);
    zmq_ctx_term(ctx);
    return ret;
}
