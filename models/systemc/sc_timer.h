/*
 * A TLM-2.0 model of the cosim timer: the common timer register map that
 * kiln's C, SystemC and RTL timers share (docs/cosim.md):
 *
 *     0x00  CTRL    bit 0 EN (count), bit 1 IE (interrupt enable),
 *                   bit 2 PERIODIC (restart at 0 on a match)
 *     0x04  LOAD    the compare value, in ticks
 *     0x08  COUNT   the current count (read-only)
 *     0x0c  STATUS  bit 0 MATCH (sticky; write 1 to clear)
 *
 * A tick is 10 ns (100 MHz).  The semantics are the C reference model's
 * (models/c/timer_model.c), to the ns:
 * - Writing CTRL.EN 0->1 restarts COUNT at 0 at the time of that write;
 *   the first match is LOAD ticks later.  Clearing EN freezes COUNT.
 * - COUNT is 32 bits and wraps.  In the tick COUNT reaches LOAD (LOAD >=
 *   1), MATCH is set; PERIODIC restarts COUNT at 0 there (so COUNT reads
 *   0 at the match), one-shot counts on and matches once per enable or
 *   per LOAD write.  A LOAD below the running COUNT matches after a wrap.
 * - The "irq" output is STATUS.MATCH & CTRL.IE; clearing MATCH lowers it
 *   at once.
 * - Only aligned 32-bit accesses with every byte enabled are served: any
 *   other size or alignment is a TLM_BURST_ERROR_RESPONSE, partial byte
 *   enables a TLM_BYTE_ENABLE_ERROR_RESPONSE, offsets past STATUS a
 *   TLM_ADDRESS_ERROR_RESPONSE (all bus errors on kiln's side, as the C
 *   model's errors are).
 *
 * So an enable at T with LOAD = N matches at exactly T + N * 10 ns, then
 * every N * 10 ns when periodic.  The match is the only pending activity
 * the model schedules, and only while MATCH is clear: later periodic
 * matches change nothing visible (MATCH is sticky), so they are counted
 * when the timer is next accessed instead of simulated one by one.
 *
 * The target is loosely timed: an access happens at sc_time_stamp() plus
 * its annotated delay, and the model's state is brought to that instant
 * first, so a read far into a quantum still sees the right COUNT and
 * MATCH.  Registers answer in no time (the delay is returned unchanged),
 * as the C model's do by default.  Debug transport reads the registers
 * without side effects.
 *
 * Unimplemented: DMI (a register file offers none).
 */
#ifndef KILN_MODELS_SC_TIMER_H
#define KILN_MODELS_SC_TIMER_H

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

class ScTimer : public sc_core::sc_module {
public:
    enum {
        CTRL = 0x00,
        LOAD = 0x04,
        COUNT = 0x08,
        STATUS = 0x0c,
        SIZE = 0x10,            /* bytes of register window */
    };
    enum {
        CTRL_EN = 1u << 0,
        CTRL_IE = 1u << 1,
        CTRL_PERIODIC = 1u << 2,
        STATUS_MATCH = 1u << 0,
    };

    tlm_utils::simple_target_socket<ScTimer> socket;
    sc_core::sc_out<bool> irq;

    SC_HAS_PROCESS(ScTimer);
    explicit ScTimer(sc_core::sc_module_name name);

    /* Back to the reset state: all registers 0, no match pending, irq low. */
    void reset();

    static const sc_core::sc_time TICK;

private:
    void b_transport(tlm::tlm_generic_payload &trans, sc_core::sc_time &delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload &trans);
    bool access(tlm::tlm_generic_payload &trans, const sc_core::sc_time &now,
                bool debug);

    uint32_t reg_read(uint64_t reg, const sc_core::sc_time &now) const;
    void reg_write(uint64_t reg, uint32_t value, const sc_core::sc_time &now);

    uint64_t ticks_at(const sc_core::sc_time &t) const;
    void catch_up(const sc_core::sc_time &now);
    void plan_match(const sc_core::sc_time &now);
    void notify_match();
    void on_match();
    void update_irq();
    void drive_irq();

    uint32_t m_ctrl;
    uint32_t m_load;
    uint32_t m_status;
    uint32_t m_frozen;          /* COUNT while EN is clear */
    sc_core::sc_time m_base;    /* while EN is set: when COUNT was 0 */
    bool m_fired;               /* one-shot: matched since enabled or loaded */
    bool m_armed;               /* a match is due at m_match_at */
    sc_core::sc_time m_match_at;
    sc_core::sc_event m_match;
    sc_core::sc_event m_irq_changed;
};

#endif
