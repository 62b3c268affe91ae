/*
 * The SystemC TLM-2.0 side of a kiln cosim link (docs/cosim-protocol.md),
 * built on libkiln-cosim (cosim/kiln-cosim.h).  One CosimScAdapter is one
 * link to one kiln bridge; a SystemC model is wired to it as to a bus:
 *
 *     int sc_main(int argc, char **argv)
 *     {
 *         ScTimer timer("timer");
 *         sc_core::sc_signal<bool> timer_irq("timer_irq");
 *         CosimScAdapter link("sc-timer", argv[1], 1, 1);
 *
 *         link.bus[0].bind(timer.socket);     // the bridge's reg window 0
 *         timer.irq(timer_irq);
 *         link.irq[0](timer_irq);             // the bridge's interrupts[0]
 *         link.set_reset(0, [&timer] { timer.reset(); });
 *         if (link.serve(5000) < 0) {
 *             fprintf(stderr, "sc-timer: %s\n", link.error().c_str());
 *             return 1;
 *         }
 *         return 0;
 *     }
 *
 * serve() elaborates the design, waits for kiln's HELLO and then runs the
 * SystemC kernel under kiln's clock until kiln says BYE:
 *
 * - Time.  SystemC time is kiln's virtual time: 1 ns of one is 1 ns of the
 *   other, both from 0.  Before each access, SYNC or RESET stamped T, the
 *   adapter runs sc_start() up to T and then every activity due at T, so
 *   a timed event at T has happened before kiln's access at T sees the
 *   model.  The kernel never runs past the time kiln grants.  kiln learns
 *   the next time the model may act by itself from
 *   sc_time_to_pending_activity() (rounded up to a whole ns), and stops
 *   its CPU there: an interrupt a SystemC process raises arrives at its
 *   exact time.  (A free-running sc_clock is pending activity on each
 *   edge, so kiln then steps edge by edge; clock only what needs it.)
 *
 * - bus[i] carries kiln's READ and WRITE of the bridge's i-th window into
 *   the model as b_transport calls (address = offset in the window), from
 *   an SC_THREAD of the adapter, so a target may wait() in b_transport.
 *   (So b_transport runs in a process: a target that writes an sc_signal
 *   there and also from a process of its own gives it two writers,
 *   SystemC's error E115; let one process drive it, as ScTimer does.)
 *   The delay passed in is the access's time minus sc_time_stamp() (zero
 *   when the kernel has been run up to it); the time the target adds,
 *   by annotation or by waiting, goes back to kiln as the RESP's delay_ns
 *   and is charged to the CPU that made the access.  A target that grants
 *   DMI is read and written through its pointer afterwards, charged its
 *   DMI latency.  TLM_ADDRESS_ERROR_RESPONSE becomes an address error on
 *   kiln's side; any other failure a generic one (both are bus errors).
 *
 * - irq[i] drives the bridge's i-th interrupts line: each change of the
 *   sc_signal<bool> bound to it is sent to kiln, in the order it happens.
 *
 * - dma takes the model's own transactions (an initiator socket bound to
 *   it): the address is a board physical address, reaching kiln's RAM or
 *   any device through the bridge.  Lengths past one message are split;
 *   byte enables are honoured; the delay is left as it is (kiln's memory
 *   answers in no time of the model's).  It may stay unbound.
 *
 * - The quantum.  kiln's quantum-ns (from its HELLO) becomes the TLM
 *   global quantum, so a model's own loosely-timed initiators synchronise
 *   at least as often as kiln does.
 *
 * Everything runs on the thread that calls serve(): the kernel runs only
 * inside it, so a process serves one link (one adapter; many channels).
 * A SystemC error (an sc_report thrown) inside the model ends the link
 * with an ERROR to kiln and serve() returns -1 with its text.
 *
 * Requirements: the time resolution must divide 1 ns (SystemC's default,
 * 1 ps, does); a 32-bit-wide socket (the TLM default) binds to bus[i].
 *
 * Unimplemented: nb_transport from the adapter (an approximately-timed
 * target behind a simple_target_socket is still reached, the socket
 * converting b_transport); DMI on the dma socket (board memory lives in
 * kiln's process); the access attributes (privilege, fetch) kiln sends.
 */
#ifndef KILN_COSIM_SC_ADAPTER_H
#define KILN_COSIM_SC_ADAPTER_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "kiln-cosim.h"

class CosimScAdapter : public sc_core::sc_module {
public:
    typedef tlm_utils::simple_initiator_socket<CosimScAdapter> BusSocket;

    sc_core::sc_vector<BusSocket> bus;
    sc_core::sc_vector<sc_core::sc_in<bool>> irq;
    /* Optional: a model that makes no DMA leaves it unbound. */
    tlm_utils::simple_target_socket_optional<CosimScAdapter> dma;

    SC_HAS_PROCESS(CosimScAdapter);
    /*
     * NAME is also the model's name in kiln's messages.  ENDPOINT is the
     * ZeroMQ endpoint to bind (ipc://, tcp://; inproc:// needs ZMQ_CTX,
     * the caller's context).  NCHANNELS: the bridge's reg windows served;
     * NIRQS: its interrupt lines driven.
     */
    CosimScAdapter(sc_core::sc_module_name name, const char *endpoint,
                   unsigned nchannels, unsigned nirqs,
                   void *zmq_ctx = nullptr);
    ~CosimScAdapter() override;

    /* Called when kiln resets CHANNEL (a board reset); then the kernel
     * runs the activity it caused.  A channel without one ignores RESET. */
    void set_reset(unsigned channel, std::function<void()> reset);
    /* The HELLO lookahead: the least time from an access to an output
     * change the model makes (0, the default: unknown). */
    void set_lookahead(uint64_t ns);

    /* Bind the endpoint now (serve() binds it otherwise): 0, or -1 with
     * error().  A tcp:// port "*" is then chosen, and endpoint() names it. */
    int bind();
    const char *endpoint() const;
    /* Elaborate, connect (waiting TIMEOUT_MS for kiln's HELLO; < 0: as
     * long as it takes), serve until BYE: 0, or -1 with error() saying
     * why. */
    int serve(int timeout_ms);
    const std::string &error() const { return m_error; }
    /* kiln's quantum-ns, once connected. */
    uint64_t quantum_ns() const { return m_quantum_ns; }

private:
    struct Channel {
        CosimScAdapter *self;
        unsigned index;
        std::function<void()> reset;
        bool dmi_valid;
        tlm::tlm_dmi dmi;
    };

    static CosimStatus op_read(void *opaque, uint64_t addr, void *data,
                               uint32_t size, uint64_t *delay_ns);
    static CosimStatus op_write(void *opaque, uint64_t addr,
                                const void *data, uint32_t size,
                                uint64_t *delay_ns);
    static void op_advance(void *opaque, uint64_t t);
    static uint64_t op_next_event(void *opaque);
    static void op_reset(void *opaque);

    CosimStatus access(Channel &ch, tlm::tlm_command cmd, uint64_t addr,
                       unsigned char *data, uint32_t size,
                       uint64_t *delay_ns);
    bool access_dmi(Channel &ch, tlm::tlm_command cmd, uint64_t addr,
                    unsigned char *data, uint32_t size, uint64_t *delay_ns);
    void advance(uint64_t t);
    uint64_t next_event();
    void run_current();
    void transport_thread();
    void irq_method();
    void send_irqs();
    void dma_b_transport(tlm::tlm_generic_payload &trans,
                         sc_core::sc_time &delay);
    unsigned int dma_transport_dbg(tlm::tlm_generic_payload &trans);
    bool dma_access(tlm::tlm_generic_payload &trans);
    void invalidate_dmi(sc_dt::uint64 start, sc_dt::uint64 end);
    void fail(const std::string &what);
    template <typename T, typename F> T guarded(T fallback, F body);

    sc_core::sc_time ns_to_time(uint64_t ns) const;
    uint64_t time_to_ns(const sc_core::sc_time &t) const;

    CosimModel *m_model;
    std::vector<Channel> m_channels;
    std::vector<bool> m_irq_sent;   /* the level kiln last heard per line */
    uint64_t m_ns_value;            /* sc_time value of 1 ns */
    uint64_t m_quantum_ns;
    bool m_live;                    /* inside an op: messages may be sent */
    bool m_failed;
    std::string m_error;

    /* The access the transport thread serves next. */
    sc_core::sc_event m_request;
    Channel *m_req_channel;
    tlm::tlm_generic_payload m_trans;
    sc_core::sc_time m_req_delay;
    bool m_req_done;
    tlm_utils::tlm_quantumkeeper m_qk;
};

#endif
