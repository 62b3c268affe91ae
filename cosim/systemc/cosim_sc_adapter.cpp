/*
 * The SystemC TLM-2.0 adapter over libkiln-cosim; cosim_sc_adapter.h says
 * what it does for a model, docs/cosim-protocol.md what kiln expects.
 *
 * libkiln-cosim calls the channel ops from inside cosim_model_run(), on
 * the thread that called serve(); the SystemC kernel runs only there, in
 * sc_start() calls the ops make, which is what keeps the model from ever
 * running ahead of the time kiln granted.  sc_start(D) runs the activity
 * strictly before now + D and stops; run_current() then runs what is due
 * at the instant reached (IEEE 1666-2011 4.5.7,
 * sc_pending_activity_at_current_time), so that an event at T has had its
 * effect, and its interrupt has been sent, before kiln's access at T is
 * served.
 */
#include "cosim_sc_adapter.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

CosimScAdapter::CosimScAdapter(sc_core::sc_module_name name,
                               const char *endpoint, unsigned nchannels,
                               unsigned nirqs, void *zmq_ctx)
    : sc_module(name), bus("bus", nchannels), irq("irq", nirqs), dma("dma"),
      m_model(nullptr), m_channels(nchannels), m_irq_sent(nirqs, false),
      m_ns_value(sc_time(1, sc_core::SC_NS).value()), m_quantum_ns(0),
      m_live(false), m_failed(false), m_req_channel(nullptr),
      m_req_done(false)
{
    /* Positional: CosimChannelOps is C, and C++17 has no designators. */
    static const CosimChannelOps ops = {
        &CosimScAdapter::op_read,
        &CosimScAdapter::op_write,
        &CosimScAdapter::op_advance,
        &CosimScAdapter::op_next_event,
        &CosimScAdapter::op_reset,
    };

    for (unsigned i = 0; i < nchannels; i++) {
        m_channels[i].self = this;
        m_channels[i].index = i;
        m_channels[i].dmi_valid = false;
        bus[i].register_invalidate_direct_mem_ptr(
            this, &CosimScAdapter::invalidate_dmi);
    }
    dma.register_b_transport(this, &CosimScAdapter::dma_b_transport);
    dma.register_transport_dbg(this, &CosimScAdapter::dma_transport_dbg);

    SC_THREAD(transport_thread);
    if (nirqs > 0) {
        SC_METHOD(irq_method);
        for (unsigned i = 0; i < nirqs; i++) {
            sensitive << irq[i];
        }
        dont_initialize();
    }

    if (m_ns_value == 0) {
        fail("the SystemC time resolution is coarser than 1 ns");
        return;
    }
    m_model = zmq_ctx ? cosim_model_new_ctx(zmq_ctx, endpoint, basename())
                      : cosim_model_new(endpoint, basename());
    if (!m_model) {
        fail(std::string("cannot open a cosim link on ") + endpoint);
        return;
    }
    for (unsigned i = 0; i < nchannels; i++) {
        cosim_model_add_channel(m_model, i, &ops, &m_channels[i]);
    }
}

CosimScAdapter::~CosimScAdapter()
{
    if (m_model) {
        cosim_model_free(m_model);
    }
}

void CosimScAdapter::set_reset(unsigned channel, std::function<void()> reset)
{
    m_channels.at(channel).reset = std::move(reset);
}

void CosimScAdapter::set_lookahead(uint64_t ns)
{
    if (m_model) {
        cosim_model_set_lookahead(m_model, ns);
    }
}

int CosimScAdapter::bind()
{
    if (m_failed) {
        return -1;
    }
    if (cosim_model_bind(m_model) < 0) {
        fail(cosim_model_error(m_model));
        return -1;
    }
    return 0;
}

const char *CosimScAdapter::endpoint() const
{
    return m_model ? cosim_model_endpoint(m_model) : "";
}

int CosimScAdapter::serve(int timeout_ms)
{
    if (m_failed) {
        return -1;
    }
    /* Elaborate now, so a binding error is told before kiln is awaited. */
    try {
        sc_core::sc_start(SC_ZERO_TIME);
    } catch (const std::exception &e) {
        fail(e.what());
        return -1;
    }
    if (cosim_model_connect(m_model, timeout_ms) < 0) {
        fail(cosim_model_error(m_model));
        return -1;
    }
    m_quantum_ns = cosim_model_quantum(m_model);
    if (m_quantum_ns != 0) {
        tlm_utils::tlm_quantumkeeper::set_global_quantum(
            ns_to_time(m_quantum_ns));
    }
    m_qk.reset();

    m_live = true;
    int ret = cosim_model_run(m_model);
    m_live = false;
    if (m_failed) {
        return -1;
    }
    if (ret < 0) {
        fail(cosim_model_error(m_model));
        return -1;
    }
    return 0;
}

/*
 * A failure inside the model (a SystemC error, a target that never
 * returns) cannot be served around: kiln is told, and the link ends.  An
 * sc_report's text spans lines (file, process); kiln reports one line.
 */
void CosimScAdapter::fail(const std::string &what)
{
    if (m_failed) {
        return;
    }
    m_failed = true;
    m_error.clear();
    /* Lines joined with "; ", their indentation and empty ones dropped. */
    size_t i = 0;
    while (i < what.size()) {
        size_t end = what.find('\n', i);
        size_t start = what.find_first_not_of(" \t", i);

        if (end == std::string::npos) {
            end = what.size();
        }
        if (start < end) {
            m_error += (m_error.empty() ? "" : "; ") +
                       what.substr(start, end - start);
        }
        i = end + 1;
    }
    if (m_live) {
        cosim_model_abort(m_model, m_error.c_str());
    }
}

sc_time CosimScAdapter::ns_to_time(uint64_t ns) const
{
    if (ns > UINT64_MAX / m_ns_value) {
        return sc_core::sc_max_time();
    }
    return sc_time::from_value(ns * m_ns_value);
}

/* Rounded up: kiln learns of an event no earlier than it happens. */
uint64_t CosimScAdapter::time_to_ns(const sc_time &t) const
{
    return t.value() / m_ns_value + (t.value() % m_ns_value != 0);
}

/* --- time --- */

void CosimScAdapter::run_current()
{
    while (sc_core::sc_pending_activity_at_current_time()) {
        sc_core::sc_start(SC_ZERO_TIME);
    }
}

void CosimScAdapter::advance(uint64_t t)
{
    sc_time at = ns_to_time(t);

    /* After a target that wait()ed, the kernel may be past T already. */
    if (at > sc_core::sc_time_stamp()) {
        sc_core::sc_start(at - sc_core::sc_time_stamp());
    }
    run_current();
}

uint64_t CosimScAdapter::next_event()
{
    if (!sc_core::sc_pending_activity()) {
        return COSIM_TIME_NEVER;
    }
    sc_time dt = sc_core::sc_time_to_pending_activity();

    if (dt >= sc_core::sc_max_time() - sc_core::sc_time_stamp()) {
        return COSIM_TIME_NEVER;
    }
    return time_to_ns(sc_core::sc_time_stamp() + dt);
}

/* --- kiln's accesses into the model --- */

/*
 * The adapter's initiator: one process, so that b_transport runs in a
 * thread context as TLM-2.0 allows a target to expect (it may wait()).
 * Its local time, kept by the quantum keeper, is how far kiln's access
 * lies past the kernel's time.
 */
void CosimScAdapter::transport_thread()
{
    for (;;) {
        wait(m_request);
        m_qk.set(m_req_delay);
        sc_time delay = m_qk.get_local_time();

        bus[m_req_channel->index]->b_transport(m_trans, delay);
        m_qk.set(delay);
        m_req_delay = m_qk.get_local_time();
        m_req_done = true;
    }
}

bool CosimScAdapter::access_dmi(Channel &ch, tlm::tlm_command cmd,
                                uint64_t addr, unsigned char *data,
                                uint32_t size, uint64_t *delay_ns)
{
    const tlm::tlm_dmi &dmi = ch.dmi;

    if (addr < dmi.get_start_address() ||
        addr + size - 1 > dmi.get_end_address()) {
        return false;
    }
    unsigned char *p = dmi.get_dmi_ptr() + (addr - dmi.get_start_address());

    if (cmd == tlm::TLM_READ_COMMAND) {
        if (!dmi.is_read_allowed()) {
            return false;
        }
        memcpy(data, p, size);
        *delay_ns = time_to_ns(dmi.get_read_latency());
    } else {
        if (!dmi.is_write_allowed()) {
            return false;
        }
        memcpy(p, data, size);
        *delay_ns = time_to_ns(dmi.get_write_latency());
    }
    return true;
}

void CosimScAdapter::invalidate_dmi(sc_dt::uint64 start, sc_dt::uint64 end)
{
    /* The socket does not say which channel: drop every overlapping one. */
    for (Channel &ch : m_channels) {
        if (ch.dmi_valid && start <= ch.dmi.get_end_address() &&
            end >= ch.dmi.get_start_address()) {
            ch.dmi_valid = false;
        }
    }
}

static CosimStatus cosim_sc_status(tlm::tlm_response_status status)
{
    switch (status) {
    case tlm::TLM_OK_RESPONSE:
        return COSIM_OK;
    case tlm::TLM_ADDRESS_ERROR_RESPONSE:
        return COSIM_ADDRESS_ERROR;
    default:
        return COSIM_GENERIC_ERROR;
    }
}

CosimStatus CosimScAdapter::access(Channel &ch, tlm::tlm_command cmd,
                                   uint64_t addr, unsigned char *data,
                                   uint32_t size, uint64_t *delay_ns)
{
    if (m_failed) {
        return COSIM_GENERIC_ERROR;
    }
    *delay_ns = 0;
    if (ch.dmi_valid && access_dmi(ch, cmd, addr, data, size, delay_ns)) {
        return COSIM_OK;
    }

    sc_time start = sc_core::sc_time_stamp();
    sc_time at = std::max(ns_to_time(cosim_model_time(m_model)), start);

    m_trans.set_command(cmd);
    m_trans.set_address(addr);
    m_trans.set_data_ptr(data);
    m_trans.set_data_length(size);
    m_trans.set_streaming_width(size);
    m_trans.set_byte_enable_ptr(nullptr);
    m_trans.set_byte_enable_length(0);
    m_trans.set_dmi_allowed(false);
    m_trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    m_req_channel = &ch;
    m_req_delay = at - start;
    m_req_done = false;
    m_request.notify(SC_ZERO_TIME);

    /* Run the kernel until the target returns: at once, or after the
     * time it wait()s, running whatever else falls due meanwhile. */
    while (!m_req_done) {
        if (sc_core::sc_pending_activity_at_current_time()) {
            sc_core::sc_start(SC_ZERO_TIME);
        } else if (sc_core::sc_pending_activity()) {
            sc_core::sc_start(sc_core::sc_time_to_pending_activity());
        } else {
            char what[128];

            snprintf(what, sizeof(what),
                     "channel %u: b_transport %s 0x%" PRIx64
                     " waits for an event nothing will notify",
                     ch.index, cmd == tlm::TLM_READ_COMMAND ? "read" : "write",
                     addr);
            fail(what);
            return COSIM_GENERIC_ERROR;
        }
    }
    run_current();

    sc_time done = sc_core::sc_time_stamp() + m_req_delay;
    *delay_ns = time_to_ns(done - at);

    if (m_trans.is_dmi_allowed()) {
        tlm::tlm_dmi dmi;

        m_trans.set_address(addr);
        if (bus[ch.index]->get_direct_mem_ptr(m_trans, dmi)) {
            ch.dmi = dmi;
            ch.dmi_valid = true;
        }
    }
    return cosim_sc_status(m_trans.get_response_status());
}

/* --- interrupts --- */

void CosimScAdapter::send_irqs()
{
    for (unsigned i = 0; i < irq.size(); i++) {
        bool level = irq[i].read();

        if (level != m_irq_sent[i]) {
            cosim_model_set_irq(m_model, i, level);
            m_irq_sent[i] = level;
        }
    }
}

/* Each change is sent as it happens, so a pulse reaches kiln as two. */
void CosimScAdapter::irq_method()
{
    if (m_live) {
        send_irqs();
    }
}

/* --- the model's DMA into kiln --- */

bool CosimScAdapter::dma_access(tlm::tlm_generic_payload &trans)
{
    uint64_t addr = trans.get_address();
    unsigned len = trans.get_data_length();
    unsigned char *data = trans.get_data_ptr();
    const unsigned char *be = trans.get_byte_enable_ptr();
    unsigned be_len = trans.get_byte_enable_length();

    if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return true;
    }
    if (!m_live || m_failed) {
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return false;
    }
    if (trans.get_streaming_width() < len) {
        /* A FIFO-style burst has no place in board memory. */
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }

    /* Runs of enabled bytes, each split into messages of COSIM_MAX_DATA. */
    unsigned i = 0;
    while (i < len) {
        if (be && be[i % be_len] != TLM_BYTE_ENABLED) {
            i++;
            continue;
        }
        unsigned n = 1;
        while (i + n < len && n < COSIM_MAX_DATA &&
               (!be || be[(i + n) % be_len] == TLM_BYTE_ENABLED)) {
            n++;
        }
        int ret = trans.is_read()
                  ? cosim_model_dma_read(m_model, addr + i, data + i, n)
                  : cosim_model_dma_write(m_model, addr + i, data + i, n);
        if (ret < 0) {
            trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return false;
        }
        i += n;
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

void CosimScAdapter::dma_b_transport(tlm::tlm_generic_payload &trans,
                                     sc_time &delay)
{
    dma_access(trans);
}

unsigned int CosimScAdapter::dma_transport_dbg(tlm::tlm_generic_payload &trans)
{
    return dma_access(trans) ? trans.get_data_length() : 0;
}

/* --- the ops libkiln-cosim calls --- */

/*
 * No exception may cross libkiln-cosim, which is C: a SystemC error in
 * the model (an sc_report, thrown by default) ends the link instead.
 * Whatever the model did to its interrupt lines is sent before the op
 * returns, so kiln has it before the RESP or SYNC_REPLY.
 */
template <typename T, typename F>
T CosimScAdapter::guarded(T fallback, F body)
{
    if (m_failed) {
        return fallback;
    }
    try {
        T ret = body();

        send_irqs();
        return ret;
    } catch (const std::exception &e) {
        fail(e.what());
    } catch (...) {
        fail("the model threw an exception that is no std::exception");
    }
    return fallback;
}

CosimStatus CosimScAdapter::op_read(void *opaque, uint64_t addr, void *data,
                                    uint32_t size, uint64_t *delay_ns)
{
    Channel &ch = *static_cast<Channel *>(opaque);

    return ch.self->guarded(COSIM_GENERIC_ERROR, [&] {
        return ch.self->access(ch, tlm::TLM_READ_COMMAND, addr,
                               static_cast<unsigned char *>(data), size,
                               delay_ns);
    });
}

CosimStatus CosimScAdapter::op_write(void *opaque, uint64_t addr,
                                     const void *data, uint32_t size,
                                     uint64_t *delay_ns)
{
    Channel &ch = *static_cast<Channel *>(opaque);
    /* A TLM payload's data is not const; the model gets its own copy.
     * The protocol bounds SIZE by COSIM_MAX_DATA (wire.c checks it). */
    unsigned char buf[COSIM_MAX_DATA];
    uint32_t n = std::min<uint32_t>(size, sizeof(buf));

    memcpy(buf, data, n);
    return ch.self->guarded(COSIM_GENERIC_ERROR, [&] {
        return ch.self->access(ch, tlm::TLM_WRITE_COMMAND, addr, buf, n,
                               delay_ns);
    });
}

void CosimScAdapter::op_advance(void *opaque, uint64_t t)
{
    Channel &ch = *static_cast<Channel *>(opaque);

    ch.self->guarded(0, [&] {
        ch.self->advance(t);
        return 0;
    });
}

uint64_t CosimScAdapter::op_next_event(void *opaque)
{
    Channel &ch = *static_cast<Channel *>(opaque);

    return ch.self->guarded(COSIM_TIME_NEVER, [&] {
        return ch.self->next_event();
    });
}

void CosimScAdapter::op_reset(void *opaque)
{
    Channel &ch = *static_cast<Channel *>(opaque);

    ch.self->guarded(0, [&] {
        if (ch.reset) {
            ch.reset();
        }
        ch.dmi_valid = false;
        ch.self->run_current();
        return 0;
    });
}
