/*
 * The SystemC timer (models/systemc/sc_timer.cpp) on its own, driven the
 * way a TLM-2.0 initiator drives it: b_transport with annotated delays,
 * the irq output read from its sc_signal, and the kernel's next pending
 * activity - what the cosim adapter reports to kiln as next_event - read
 * after every change.  Register behaviour is the common timer map
 * (docs/cosim.md); times are exact to the ns.
 *
 * One SystemC kernel lives per process and its time only goes forward,
 * so every test starts with a reset and measures from the time it
 * starts at.
 */
#include <glib.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "sc_timer.h"

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

#define TICK_NS 10

struct Bench : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Bench> socket;
    sc_core::sc_signal<bool> irq;
    ScTimer timer;

    explicit Bench(sc_core::sc_module_name name)
        : sc_module(name), socket("socket"), irq("irq"), timer("timer")
    {
        socket.bind(timer.socket);
        timer.irq(irq);
    }
};

static Bench *bench;

/* Run the kernel to NS past now and through everything due then. */
static void step(uint64_t ns)
{
    if (ns) {
        sc_core::sc_start(sc_time((double)ns, SC_NS));
    }
    while (sc_core::sc_pending_activity_at_current_time()) {
        sc_core::sc_start(SC_ZERO_TIME);
    }
}

static uint64_t now_ns(void)
{
    return sc_core::sc_time_stamp().value() / sc_time(1, SC_NS).value();
}

/* When the next activity is due, in ns from now; UINT64_MAX for none. */
static uint64_t next_event_in(void)
{
    if (!sc_core::sc_pending_activity()) {
        return UINT64_MAX;
    }
    return sc_core::sc_time_to_pending_activity().value() /
           sc_time(1, SC_NS).value();
}

static tlm::tlm_response_status transport(tlm::tlm_command cmd, uint64_t addr,
                                          void *data, unsigned len,
                                          uint64_t delay_ns)
{
    tlm::tlm_generic_payload trans;
    sc_time delay((double)delay_ns, SC_NS);

    trans.set_command(cmd);
    trans.set_address(addr);
    trans.set_data_ptr(static_cast<unsigned char *>(data));
    trans.set_data_length(len);
    trans.set_streaming_width(len);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    bench->socket->b_transport(trans, delay);
    /* The registers answer in no time. */
    g_assert_cmpuint(delay.value(), ==,
                     sc_time((double)delay_ns, SC_NS).value());
    step(0);
    return trans.get_response_status();
}

static uint32_t read_at(uint64_t reg, uint64_t delay_ns)
{
    unsigned char b[4];

    g_assert_cmpint(transport(tlm::TLM_READ_COMMAND, reg, b, 4, delay_ns), ==,
                    tlm::TLM_OK_RESPONSE);
    return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint32_t rd(uint64_t reg)
{
    return read_at(reg, 0);
}

static void wr(uint64_t reg, uint32_t value)
{
    unsigned char b[4] = {
        (unsigned char)value, (unsigned char)(value >> 8),
        (unsigned char)(value >> 16), (unsigned char)(value >> 24),
    };

    g_assert_cmpint(transport(tlm::TLM_WRITE_COMMAND, reg, b, 4, 0), ==,
                    tlm::TLM_OK_RESPONSE);
}

static void start_test(void)
{
    bench->timer.reset();
    step(0);
    g_assert_false(bench->irq.read());
    /* Off a tick boundary on purpose: the count starts at the enable. */
    step(3);
}

static void test_reset_values(void)
{
    start_test();
    wr(ScTimer::CTRL, ScTimer::CTRL_EN);
    wr(ScTimer::LOAD, 5);
    step(100);
    bench->timer.reset();
    step(0);
    g_assert_cmphex(rd(ScTimer::CTRL), ==, 0);
    g_assert_cmphex(rd(ScTimer::LOAD), ==, 0);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 0);
    g_assert_cmphex(rd(ScTimer::STATUS), ==, 0);
    g_assert_cmpuint(next_event_in(), ==, UINT64_MAX);
}

static void test_registers(void)
{
    start_test();
    wr(ScTimer::LOAD, 0xdeadbeef);
    g_assert_cmphex(rd(ScTimer::LOAD), ==, 0xdeadbeef);
    /* Only EN, IE and PERIODIC exist. */
    wr(ScTimer::CTRL, 0xffffff06);
    g_assert_cmphex(rd(ScTimer::CTRL), ==, 0x6);
    /* COUNT is read-only, and stands still while EN is clear. */
    wr(ScTimer::COUNT, 1234);
    step(1000);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 0);
    /* MATCH is only set by a match. */
    wr(ScTimer::STATUS, 1);
    g_assert_cmphex(rd(ScTimer::STATUS), ==, 0);
}

/* Enable at T with LOAD = N: the line rises at exactly T + N * 10 ns. */
static void test_one_shot_exact_time(void)
{
    const uint32_t n = 37;

    start_test();
    wr(ScTimer::LOAD, n);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN | ScTimer::CTRL_IE);
    uint64_t t = now_ns();

    /* What kiln is told: the match is the next thing the model does. */
    g_assert_cmpuint(next_event_in(), ==, n * TICK_NS);
    step(n * TICK_NS - 1);
    g_assert_cmpuint(now_ns(), ==, t + n * TICK_NS - 1);
    g_assert_false(bench->irq.read());
    g_assert_cmphex(rd(ScTimer::STATUS), ==, 0);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, n - 1);
    step(1);
    g_assert_true(bench->irq.read());
    g_assert_cmphex(rd(ScTimer::STATUS), ==, ScTimer::STATUS_MATCH);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, n);

    /* One-shot: the count runs on past LOAD, and nothing more is due. */
    step(50 * TICK_NS);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, n + 50);
    g_assert_cmpuint(next_event_in(), ==, UINT64_MAX);

    /* A new LOAD arms it again, against the running count. */
    wr(ScTimer::STATUS, ScTimer::STATUS_MATCH);
    g_assert_cmpuint(next_event_in(), ==, UINT64_MAX);
    wr(ScTimer::LOAD, n + 60);
    g_assert_cmpuint(next_event_in(), ==, 10 * TICK_NS);
    step(10 * TICK_NS);
    g_assert_true(bench->irq.read());
}

static void test_periodic(void)
{
    const uint32_t n = 20;

    start_test();
    wr(ScTimer::LOAD, n);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN | ScTimer::CTRL_IE |
                      ScTimer::CTRL_PERIODIC);
    step(n * TICK_NS);
    g_assert_true(bench->irq.read());
    /* The count restarted at 0 in the tick it matched. */
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 0);

    wr(ScTimer::STATUS, ScTimer::STATUS_MATCH);
    g_assert_false(bench->irq.read());
    step(3 * TICK_NS);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 3);

    /* Again N ticks after the first match, not after the clear. */
    g_assert_cmpuint(next_event_in(), ==, (n - 3) * TICK_NS);
    step((n - 3) * TICK_NS - 1);
    g_assert_false(bench->irq.read());
    step(1);
    g_assert_true(bench->irq.read());
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 0);
}

/* The line is MATCH & IE; MATCH is sticky until written with 1. */
static void test_status_and_ie(void)
{
    start_test();
    wr(ScTimer::LOAD, 2);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN);
    step(2 * TICK_NS);
    g_assert_cmphex(rd(ScTimer::STATUS), ==, ScTimer::STATUS_MATCH);
    g_assert_false(bench->irq.read());

    wr(ScTimer::CTRL, ScTimer::CTRL_EN | ScTimer::CTRL_IE);
    g_assert_true(bench->irq.read());
    wr(ScTimer::STATUS, 0);
    g_assert_true(bench->irq.read());
    wr(ScTimer::STATUS, ScTimer::STATUS_MATCH);
    g_assert_false(bench->irq.read());
    g_assert_cmphex(rd(ScTimer::STATUS), ==, 0);

    /* Lowering IE lowers the line but keeps MATCH. */
    wr(ScTimer::CTRL, 0);
    wr(ScTimer::LOAD, 1);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN | ScTimer::CTRL_IE);
    step(TICK_NS);
    g_assert_true(bench->irq.read());
    wr(ScTimer::CTRL, ScTimer::CTRL_EN);
    g_assert_false(bench->irq.read());
    g_assert_cmphex(rd(ScTimer::STATUS), ==, ScTimer::STATUS_MATCH);
}

static void test_enable_restarts_count(void)
{
    start_test();
    wr(ScTimer::LOAD, 1000);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN);
    step(42 * TICK_NS + 7);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 42);

    /* Clearing EN freezes the count and cancels the match. */
    wr(ScTimer::CTRL, 0);
    step(5000 * TICK_NS);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 42);
    g_assert_cmphex(rd(ScTimer::STATUS), ==, 0);
    g_assert_cmpuint(next_event_in(), ==, UINT64_MAX);

    /* EN 0->1 starts again from 0, at the time of the write. */
    wr(ScTimer::LOAD, 3);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN | ScTimer::CTRL_IE);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 0);
    step(3 * TICK_NS - 1);
    g_assert_false(bench->irq.read());
    step(1);
    g_assert_true(bench->irq.read());

    /* Writing CTRL with EN still set does not restart the count. */
    step(4 * TICK_NS);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN | ScTimer::CTRL_IE);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 7);
}

/* A new LOAD while counting is compared with the running count. */
static void test_load_while_running(void)
{
    start_test();
    wr(ScTimer::LOAD, 100);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN | ScTimer::CTRL_IE);
    step(10 * TICK_NS);
    wr(ScTimer::LOAD, 15);
    g_assert_cmpuint(next_event_in(), ==, 5 * TICK_NS);
    step(5 * TICK_NS);
    g_assert_true(bench->irq.read());

    /* Below the count: only after COUNT has wrapped to it. */
    wr(ScTimer::STATUS, ScTimer::STATUS_MATCH);
    wr(ScTimer::LOAD, 4);
    g_assert_cmpuint(next_event_in(), ==,
                     ((UINT64_C(1) << 32) - 15 + 4) * TICK_NS);
}

/*
 * Periodic matches while MATCH is still set show nothing, so the kernel
 * is not woken for them; COUNT still restarts at each.
 */
static void test_periodic_while_matched(void)
{
    const uint32_t n = 20;

    start_test();
    wr(ScTimer::LOAD, n);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN | ScTimer::CTRL_IE |
                      ScTimer::CTRL_PERIODIC);
    step(n * TICK_NS);
    g_assert_true(bench->irq.read());
    g_assert_cmpuint(next_event_in(), ==, UINT64_MAX);

    step(5 * n * TICK_NS + 7 * TICK_NS + 3);
    g_assert_cmphex(rd(ScTimer::COUNT), ==, 7);
    wr(ScTimer::STATUS, ScTimer::STATUS_MATCH);
    g_assert_false(bench->irq.read());
    g_assert_cmpuint(next_event_in(), ==, (n - 7) * TICK_NS - 3);
    step((n - 7) * TICK_NS - 3);
    g_assert_true(bench->irq.read());
}

/*
 * Loosely timed: an access at sc_time_stamp() + delay sees the timer as
 * it is at that instant, even past a match the kernel has not reached.
 */
static void test_annotated_delay(void)
{
    start_test();
    wr(ScTimer::LOAD, 10);
    wr(ScTimer::CTRL, ScTimer::CTRL_EN | ScTimer::CTRL_IE);
    g_assert_cmphex(read_at(ScTimer::COUNT, 55), ==, 5);
    g_assert_cmphex(read_at(ScTimer::STATUS, 99), ==, 0);
    g_assert_cmphex(read_at(ScTimer::STATUS, 100), ==, ScTimer::STATUS_MATCH);
    /* A one-shot count at its match is LOAD. */
    g_assert_cmphex(read_at(ScTimer::COUNT, 100), ==, 10);
}

/* As in the C model: aligned 32-bit accesses only, nothing past STATUS. */
static void test_bad_accesses(void)
{
    unsigned char b[8] = { 0 };
    tlm::tlm_generic_payload trans;
    unsigned char be[4] = { TLM_BYTE_ENABLED, TLM_BYTE_DISABLED,
                            TLM_BYTE_ENABLED, TLM_BYTE_ENABLED };
    sc_time delay = SC_ZERO_TIME;

    start_test();
    wr(ScTimer::LOAD, 0x11223344);
    g_assert_cmpint(transport(tlm::TLM_READ_COMMAND, ScTimer::LOAD, b, 1, 0),
                    ==, tlm::TLM_BURST_ERROR_RESPONSE);
    g_assert_cmpint(transport(tlm::TLM_WRITE_COMMAND, ScTimer::LOAD + 2, b, 2,
                              0), ==, tlm::TLM_BURST_ERROR_RESPONSE);
    g_assert_cmpint(transport(tlm::TLM_READ_COMMAND, ScTimer::CTRL, b, 8, 0),
                    ==, tlm::TLM_BURST_ERROR_RESPONSE);
    g_assert_cmpint(transport(tlm::TLM_READ_COMMAND, ScTimer::LOAD + 1, b, 4,
                              0), ==, tlm::TLM_BURST_ERROR_RESPONSE);
    g_assert_cmpint(transport(tlm::TLM_READ_COMMAND, ScTimer::SIZE, b, 4, 0),
                    ==, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    g_assert_cmpint(transport(tlm::TLM_WRITE_COMMAND, 0x100, b, 4, 0),
                    ==, tlm::TLM_ADDRESS_ERROR_RESPONSE);

    trans.set_command(tlm::TLM_WRITE_COMMAND);
    trans.set_address(ScTimer::LOAD);
    trans.set_data_ptr(b);
    trans.set_data_length(4);
    trans.set_streaming_width(4);
    trans.set_byte_enable_ptr(be);
    trans.set_byte_enable_length(4);
    bench->socket->b_transport(trans, delay);
    g_assert_cmpint(trans.get_response_status(), ==,
                    tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);

    /* None of it changed a register. */
    g_assert_cmphex(rd(ScTimer::LOAD), ==, 0x11223344);
    g_assert_cmphex(rd(ScTimer::CTRL), ==, 0);
}

/* A debug read has no side effect and reads what b_transport would. */
static void test_debug_transport(void)
{
    tlm::tlm_generic_payload trans;
    unsigned char b[4];

    start_test();
    wr(ScTimer::LOAD, 0x5a5a);
    trans.set_command(tlm::TLM_READ_COMMAND);
    trans.set_address(ScTimer::LOAD);
    trans.set_data_ptr(b);
    trans.set_data_length(4);
    trans.set_streaming_width(4);
    g_assert_cmpuint(bench->socket->transport_dbg(trans), ==, 4);
    g_assert_cmphex(b[0] | b[1] << 8, ==, 0x5a5a);
    trans.set_command(tlm::TLM_WRITE_COMMAND);
    g_assert_cmpuint(bench->socket->transport_dbg(trans), ==, 0);
}

int sc_main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    bench = new Bench("bench");
    sc_core::sc_start(SC_ZERO_TIME);

    g_test_add_func("/sc-timer/reset-values", test_reset_values);
    g_test_add_func("/sc-timer/registers", test_registers);
    g_test_add_func("/sc-timer/one-shot-exact-time", test_one_shot_exact_time);
    g_test_add_func("/sc-timer/periodic", test_periodic);
    g_test_add_func("/sc-timer/status-and-ie", test_status_and_ie);
    g_test_add_func("/sc-timer/enable-restarts-count",
                    test_enable_restarts_count);
    g_test_add_func("/sc-timer/load-while-running", test_load_while_running);
    g_test_add_func("/sc-timer/periodic-while-matched",
                    test_periodic_while_matched);
    g_test_add_func("/sc-timer/annotated-delay", test_annotated_delay);
    g_test_add_func("/sc-timer/bad-accesses", test_bad_accesses);
    g_test_add_func("/sc-timer/debug-transport", test_debug_transport);
    int ret = g_test_run();

    delete bench;
    return ret;
}
