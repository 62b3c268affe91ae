/*
 * The cosim timer as a loosely-timed TLM-2.0 target; sc_timer.h says what
 * it models.
 *
 * The count is not ticked: while EN is set, COUNT is the number of whole
 * ticks since m_base, and the next match is computed as a time, at which
 * one sc_event fires.  So the kernel has at most one pending activity per
 * timer - its next visible match - and the cosim adapter, which reports
 * the kernel's next pending activity to kiln as next_event, announces the
 * interrupt at its exact time.
 */
#include "sc_timer.h"

using sc_core::sc_time;

const sc_time ScTimer::TICK(10, sc_core::SC_NS);

/* COUNT wraps after 2^32 ticks. */
static const uint64_t TIMER_WRAP_TICKS = UINT64_C(1) << 32;

ScTimer::ScTimer(sc_core::sc_module_name name)
    : sc_module(name), socket("socket"), irq("irq")
{
    socket.register_b_transport(this, &ScTimer::b_transport);
    socket.register_transport_dbg(this, &ScTimer::transport_dbg);
    SC_METHOD(on_match);
    sensitive << m_match;
    dont_initialize();
    SC_METHOD(drive_irq);
    sensitive << m_irq_changed;
    dont_initialize();
    m_ctrl = m_load = m_status = m_frozen = 0;
    m_fired = m_armed = false;
}

void ScTimer::reset()
{
    m_match.cancel();
    m_ctrl = m_load = m_status = m_frozen = 0;
    m_fired = m_armed = false;
    update_irq();
}

/* Whole ticks from m_base to T (T is never before m_base). */
uint64_t ScTimer::ticks_at(const sc_time &t) const
{
    return (t - m_base).value() / TICK.value();
}

/*
 * The first time after NOW at which COUNT reaches LOAD: LOAD ticks after
 * m_base, or whole wraps later when that has passed.  None while stopped,
 * with LOAD 0, or for a one-shot that has fired.
 */
void ScTimer::plan_match(const sc_time &now)
{
    m_armed = (m_ctrl & CTRL_EN) && m_load != 0 &&
              ((m_ctrl & CTRL_PERIODIC) || !m_fired);
    if (!m_armed) {
        return;
    }

    uint64_t ticks = m_load;
    uint64_t elapsed = ticks_at(now);
    if (ticks <= elapsed) {
        ticks += ((elapsed - ticks) / TIMER_WRAP_TICKS + 1) * TIMER_WRAP_TICKS;
    }
    m_match_at = m_base + sc_time::from_value(ticks * TICK.value());
}

/*
 * Apply the match due at or before NOW, at its own time: an access with
 * an annotated delay may land past a match the kernel has not reached.
 * Periodic matches that MATCH, still set, made invisible are all taken
 * at once: COUNT restarts at the last of them.
 */
void ScTimer::catch_up(const sc_time &now)
{
    if (!m_armed || m_match_at > now) {
        return;
    }
    m_status |= STATUS_MATCH;
    if (m_ctrl & CTRL_PERIODIC) {
        uint64_t period = m_load * TICK.value();

        m_base = m_match_at + sc_time::from_value(
            (now - m_match_at).value() / period * period);
    } else {
        m_fired = true;
    }
    plan_match(now);
}

/* The kernel's one timed activity: the next match, while it would show. */
void ScTimer::notify_match()
{
    m_match.cancel();
    if (m_armed && !(m_status & STATUS_MATCH)) {
        m_match.notify(m_match_at - sc_core::sc_time_stamp());
    }
}

void ScTimer::on_match()
{
    catch_up(sc_core::sc_time_stamp());
    notify_match();
    update_irq();
}

/*
 * Registers change in whichever process makes the access (or in none,
 * for reset()); an sc_signal takes one writer, so one method drives it.
 */
void ScTimer::update_irq()
{
    m_irq_changed.notify(sc_core::SC_ZERO_TIME);
}

void ScTimer::drive_irq()
{
    irq.write((m_status & STATUS_MATCH) && (m_ctrl & CTRL_IE));
}

uint32_t ScTimer::reg_read(uint64_t reg, const sc_time &now) const
{
    switch (reg) {
    case CTRL:
        return m_ctrl;
    case LOAD:
        return m_load;
    case COUNT:
        return (m_ctrl & CTRL_EN) ? (uint32_t)ticks_at(now) : m_frozen;
    default:
        return m_status;
    }
}

void ScTimer::reg_write(uint64_t reg, uint32_t value, const sc_time &now)
{
    switch (reg) {
    case CTRL: {
        uint32_t old = m_ctrl;

        m_ctrl = value & (CTRL_EN | CTRL_IE | CTRL_PERIODIC);
        if (!(old & CTRL_EN) && (m_ctrl & CTRL_EN)) {
            m_base = now;
            m_fired = false;
        } else if ((old & CTRL_EN) && !(m_ctrl & CTRL_EN)) {
            m_frozen = (uint32_t)ticks_at(now);
        }
        break;
    }
    case LOAD:
        m_load = value;
        m_fired = false;
        break;
    case COUNT:
        /* Read-only: the write is ignored. */
        return;
    case STATUS:
        m_status &= ~(value & STATUS_MATCH);
        break;
    }
    plan_match(now);
}

/* DEBUG: transport_dbg, which reads without side effects and never writes. */
bool ScTimer::access(tlm::tlm_generic_payload &trans, const sc_time &now,
                     bool debug)
{
    uint64_t addr = trans.get_address();
    unsigned char *data = trans.get_data_ptr();
    const unsigned char *be = trans.get_byte_enable_ptr();

    if (debug && !trans.is_read()) {
        return false;
    }
    if (trans.get_data_length() != 4 || addr % 4 != 0 ||
        trans.get_streaming_width() < 4) {
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    if (addr >= SIZE) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    for (unsigned i = 0; be && i < 4; i++) {
        if (be[i % trans.get_byte_enable_length()] != TLM_BYTE_ENABLED) {
            trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
            return false;
        }
    }

    if (!debug) {
        catch_up(now);
    }
    /* The registers are little-endian, byte by byte. */
    if (trans.is_read()) {
        uint32_t value = reg_read(addr, now);

        for (unsigned i = 0; i < 4; i++) {
            data[i] = (unsigned char)(value >> (8 * i));
        }
    } else if (trans.is_write()) {
        uint32_t value = 0;

        for (unsigned i = 0; i < 4; i++) {
            value |= (uint32_t)data[i] << (8 * i);
        }
        reg_write(addr, value, now);
    }
    if (!debug) {
        notify_match();
        update_irq();
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

void ScTimer::b_transport(tlm::tlm_generic_payload &trans, sc_time &delay)
{
    access(trans, sc_core::sc_time_stamp() + delay, false);
}

unsigned int ScTimer::transport_dbg(tlm::tlm_generic_payload &trans)
{
    return access(trans, sc_core::sc_time_stamp(), true) ? 4 : 0;
}
