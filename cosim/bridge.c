/*
 * The cosim bridge ("kiln,cosim-bridge"): a device whose register windows
 * and interrupt lines belong to models outside kiln, reached over a
 * ZeroMQ link.  It implements kiln's side of docs/cosim-protocol.md
 * (version 1); the model side is libkiln-cosim (cosim/libkiln-cosim.c).
 *
 *     bridge@40000000 {
 *         compatible = "kiln,cosim-bridge";
 *         reg = <0x0 0x40000000 0x0 0x1000>, <0x0 0x40001000 0x0 0x1000>;
 *         interrupts = <32>, <33>;
 *         endpoint = "ipc:///tmp/timer.sock";
 *         quantum-ns = <0x0 100000>;
 *         timeout-ms = <5000>;
 *         shared-memory = <1>;
 *     };
 *
 * Window i (reg entry i) is channel i of the link; interrupt line i is
 * entry i of "interrupts", whichever channel drives it.
 *
 * Time (the spec's "Time" rules, by number):
 *  1, 3. Every READ, WRITE and RESET carries clock_now(), which is the time
 *     of the very instruction that made the access (the CPU brings the
 *     clock to it before any device access); a SYNC carries the time it
 *     grants.  Both only grow.
 *  2, 5. One kiln Timer stands for everything the model has told us: it
 *     is armed at the earliest of the model's next_event, the last time
 *     sent plus quantum-ns, and the SYNC a posted write owes.  kiln's timers
 *     fire between instructions at their exact deadline, so when it fires
 *     the bridge SYNCs the model to that instant, the model raises its
 *     line, and the CPU takes the interrupt before its next instruction.
 *     An event-driven model (its outputs change only at its next_event or
 *     in answer to kiln) has no quantum term: it is SYNCed at its events.
 *  4. A RESP's delay_ns is charged to the CPU with clock_charge_stall().
 *  6. An IRQ stamped before the present is applied at once and counted in
 *     late-irqs.
 *  7. A WRITE is posted only when the model offers a lookahead; the timer
 *     then also holds the SYNC due lookahead after it.  A model without
 *     lookahead gets every WRITE with NEED_ACK: a posted write could
 *     change its outputs at once, out of kiln's sight.  On ZeroMQ, to a
 *     model that takes batches, posted WRITEs wait in the link and leave
 *     together with the next message kiln sends.  None is seen late: the
 *     model moves only when a message of kiln lets it, and every such
 *     message leaves after them (the spec's "Batches").
 *  8. DMA requests that come while the bridge waits are served from the
 *     board's address space, so they reach RAM and devices alike.
 *
 * The link: ZeroMQ connects, and carries everything to a model that does
 * not take the shared-memory ring.  A model that can open kiln's
 * shared-memory object (one on the same host, with the capability, and
 * not told otherwise) moves every later message to the ring right after
 * the HELLOs; the ZeroMQ socket stays open to tell if the model dies.
 * Which carries a message is decided in one place, the CosimLink of
 * wire.h; "link" says which one a bridge ended up with.
 *
 * Failures: realize reports a model that does not answer HELLO, speaks
 * another version or serves too few channels as an error of the board.
 * Once running, a dead, silent or garbled peer leaves no way to go on (an
 * access cannot be answered, time cannot advance): the bridge prints one
 * line naming itself, the channel and what it waited for, and exits with
 * status 1.
 *
 * Unimplemented: access attributes (privilege, fetch) are sent as 0.
 */
#include "kiln/board.h"
#include "kiln/clock.h"
#include "kiln/cosim.h"
#include "kiln/device.h"
#include "kiln/log.h"
#include "wire.h"

#include <errno.h>
#include <zmq.h>

#define BRIDGE_MAX_WINDOWS 8
/* What kiln offers; what holds is what the model offers too. */
#define BRIDGE_CAPS (COSIM_CAP_POSTED_WRITES | COSIM_CAP_DMA | \
                     COSIM_CAP_NEXT_EVENT | COSIM_CAP_BURST | \
                     COSIM_CAP_EVENT_DRIVEN | COSIM_CAP_BATCH)
/* How long an exiting bridge lets its BYE take to leave, at most. */
#define BRIDGE_BYE_LINGER_MS 1000
/*
 * Slots of each shared-memory ring: as many messages as ZeroMQ queues
 * by default (its high-water mark, 1000), so that posted writes run as
 * far ahead of the model on either transport.
 */
#define BRIDGE_RING_SLOTS 1024

typedef struct CosimBridge CosimBridge;

/* A register window: the opaque of its region, so an access knows it. */
typedef struct BridgeWindow {
    CosimBridge *bridge;
    unsigned channel;
} BridgeWindow;

struct CosimBridge {
    Device dev;
    char *endpoint;
    uint64_t quantum_ns;
    uint32_t timeout_ms;
    char *trace_path;
    bool shared_memory;
    char *link_kind;            /* "link": what carries the messages */
    uint64_t late_irqs;
    IrqLine *irq;

    BridgeWindow windows[BRIDGE_MAX_WINDOWS];
    void *ctx;                  /* inproc: the process's; else our own */
    bool own_ctx;
    CosimLink link;
    CosimShm *offer;            /* the ring offered, until the model answers */
    FILE *trace;
    char peer[COSIM_NAME_LEN + 1];  /* the model's name, for messages */
    uint32_t caps;              /* negotiated */
    uint64_t lookahead_ns;
    uint32_t next_id;
    uint64_t model_time;        /* the last time the model was sent */
    uint64_t next_event;        /* the model's next output change */
    uint64_t posted_sync;       /* a posted write wants a SYNC by then */
    bool event_driven;          /* no quantum SYNCs (COSIM_CAP_EVENT_DRIVEN) */
    bool event_known;           /* the model's last next_event is believable */
    bool busy;                  /* waiting for the model */
    Timer timer;
    uint8_t rx[COSIM_WIRE_MAX + 1];
};

/*
 * What a wait is for: the reply it takes, and what it answers (words for
 * messages, put together by wait_what only when something went wrong: a
 * round trip on the ring is a fraction of a microsecond).
 */
typedef struct BridgeWait {
    unsigned type;
    unsigned channel;
    uint32_t id;
    unsigned request;           /* the CosimType answered, or 0 (HELLO) */
    uint64_t arg;               /* READ/WRITE: the offset; SYNC: the grant */
} BridgeWait;

/* "RESP to READ 0x8 (id 42)", "SYNC_REPLY to SYNC to 1000 ns (id 7)", ... */
static const char *wait_what(const BridgeWait *w, char *buf, size_t size)
{
    switch (w->request) {
    case 0:
        snprintf(buf, size, "%s from the model", cosim_wire_type_name(w->type));
        break;
    case COSIM_READ:
    case COSIM_WRITE:
        snprintf(buf, size, "%s to %s 0x%" PRIx64 " (id %u)",
                 cosim_wire_type_name(w->type), cosim_wire_type_name(w->request),
                 w->arg, w->id);
        break;
    case COSIM_SYNC:
        snprintf(buf, size, "%s to SYNC to %" PRIu64 " ns (id %u)",
                 cosim_wire_type_name(w->type), w->arg, w->id);
        break;
    default:
        snprintf(buf, size, "%s to %s (id %u)", cosim_wire_type_name(w->type),
                 cosim_wire_type_name(w->request), w->id);
        break;
    }
    return buf;
}

/* --- ZeroMQ contexts --- */

static void *zmq_ctx;

void *cosim_zmq_context(void)
{
    if (!zmq_ctx) {
        zmq_ctx = zmq_ctx_new();
        g_assert(zmq_ctx);
    }
    return zmq_ctx;
}

/* --- messages and failures --- */

static const char *bridge_peer(const CosimBridge *s)
{
    return s->peer[0] ? s->peer : s->endpoint;
}

/*
 * A dead or garbled peer mid-run: the access in flight cannot be
 * answered and time cannot move, so this is the end of the run.
 */
static void G_GNUC_NORETURN bridge_fatal(CosimBridge *s, unsigned channel,
                                         const char *why)
{
    error_report("cosim bridge %s: channel %u (%s): %s", s->dev.path, channel,
                 bridge_peer(s), why);
    exit(1);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/*
 * Text from the model (its name, an ERROR) goes into kiln's one error
 * line: whatever is not printable becomes a space.
 */
static char *one_line(char *text)
{
    for (char *p = text; *p; p++) {
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f) {
            *p = ' ';
        }
    }
    return text;
}

static void trace_time(FILE *f, uint64_t t)
{
    if (t == COSIM_TIME_NEVER) {
        fputs("never", f);
    } else {
        fprintf(f, "%" PRIu64, t);
    }
}

/*
 * Send M; with POST, it may wait in the link for the next message (a
 * posted WRITE).  NULL, or what went wrong.
 */
static char *bridge_transmit(CosimBridge *s, const CosimMsg *m, bool post)
{
    uint8_t buf[COSIM_WIRE_MAX];
    const char *name = cosim_wire_type_name(m->hdr.type);
    size_t len = cosim_wire_encode(m, buf);

    switch (post ? cosim_link_post(&s->link, buf, len)
                 : cosim_link_send(&s->link, buf, len)) {
    case 0:
        return NULL;
    case COSIM_LINK_TIMEOUT:
        return g_strdup_printf("the model took no %s within %u ms", name,
                               s->timeout_ms);
    case COSIM_LINK_CLOSED:
        return g_strdup_printf("the model closed the link while kiln sent %s",
                               name);
    case COSIM_LINK_CORRUPT:
        return g_strdup_printf("the model broke the shared-memory ring (%s) "
                               "while kiln sent %s", s->link.why, name);
    default:
        return g_strdup_printf("cannot send %s: %s", name,
                               zmq_strerror(errno));
    }
}

static char *bridge_send(CosimBridge *s, const CosimMsg *m)
{
    return bridge_transmit(s, m, false);
}


/* --- serving the model while waiting --- */

static void bridge_apply_irq(CosimBridge *s, const CosimMsg *m)
{
    uint64_t now = (uint64_t)clock_now();

    if (m->hdr.timestamp < now) {
        s->late_irqs++;
        log_mask(LOG_COSIM, "cosim %s: IRQ %u stamped %" PRIu64 " ns applied "
                 "at %" PRIu64 " ns (late; %" PRIu64 " so far)\n", s->dev.path,
                 m->u.irq.line, m->hdr.timestamp, now, s->late_irqs);
    }
    if (s->trace) {
        fprintf(s->trace, "%" PRIu64 " IRQ %u %u at %" PRIu64 "\n",
                m->hdr.timestamp, m->u.irq.line, m->u.irq.level, now);
    }
    irq_set(s->irq[m->u.irq.line], (int)m->u.irq.level);
}

static char *bridge_serve_dma(CosimBridge *s, const CosimMsg *m)
{
    bool is_write = m->hdr.type == COSIM_DMA_WRITE;
    uint8_t data[COSIM_MAX_DATA] = { 0 };
    MemResult r = MEM_UNMAPPED;
    CosimMsg resp = {
        .hdr = { .type = COSIM_DMA_RESP, .channel = m->hdr.channel,
                 .id = m->hdr.id, .timestamp = (uint64_t)clock_now() },
    };

    if (current_machine) {
        if (is_write) {
            r = as_write(&current_machine->as, m->u.dma.addr, m->data,
                         m->u.dma.size);
        } else {
            r = as_read(&current_machine->as, m->u.dma.addr, data,
                        m->u.dma.size);
        }
    }
    if (r != MEM_OK) {
        log_mask(LOG_GUEST_ERROR, "cosim %s: channel %u: %s of %u bytes at "
                 "0x%" PRIx64 ": %s\n", s->dev.path, m->hdr.channel,
                 cosim_wire_type_name(m->hdr.type), m->u.dma.size,
                 m->u.dma.addr, mem_result_str(r));
    }
    if (s->trace) {
        fprintf(s->trace, "%" PRIu64 " %s %u 0x%" PRIx64 " %u %s\n",
                m->hdr.timestamp, cosim_wire_type_name(m->hdr.type),
                m->hdr.channel, m->u.dma.addr, m->u.dma.size,
                r == MEM_OK ? "ok" : "error");
    }
    resp.u.dma_resp.status = r == MEM_OK ? COSIM_OK : COSIM_ADDRESS_ERROR;
    if (!is_write) {
        resp.data = data;
        resp.data_len = m->u.dma.size;
    }
    return bridge_send(s, &resp);
}

/*
 * Receive until the reply W waits for arrives, serving IRQ and DMA
 * messages met on the way.  NULL with *REPLY filled (its data in s->rx),
 * or what went wrong.  The timeout counts silence: every message received
 * starts it again.
 */
static char *bridge_wait(CosimBridge *s, const BridgeWait *w, CosimMsg *reply)
{
    int timeout = (int)MIN(s->timeout_ms, (uint32_t)G_MAXINT);

    for (;;) {
        int64_t n = cosim_link_recv(&s->link, s->rx, sizeof(s->rx), timeout);
        char why[COSIM_WIRE_ERR_LEN];
        char what[96];
        char *err;

        switch (n) {
        case COSIM_LINK_TIMEOUT:
            return g_strdup_printf("no %s within %u ms", wait_what(w, what, sizeof(what)),
                                   s->timeout_ms);
        case COSIM_LINK_CLOSED:
            return g_strdup_printf("the model closed the link while kiln "
                                   "waited for %s", wait_what(w, what, sizeof(what)));
        case COSIM_LINK_CORRUPT:
            return g_strdup_printf("the model broke the shared-memory ring "
                                   "(%s) while kiln waited for %s",
                                   s->link.why, wait_what(w, what, sizeof(what)));
        case COSIM_LINK_FAILED:
            return g_strdup_printf("waiting for %s: %s", wait_what(w, what, sizeof(what)),
                                   zmq_strerror(errno));
        default:
            break;
        }
        if (cosim_wire_decode(s->rx, (size_t)n, reply, why, sizeof(why)) < 0) {
            return g_strdup_printf("malformed message from the model (%s) "
                                   "while kiln waited for %s", why, wait_what(w, what, sizeof(what)));
        }
        switch (reply->hdr.type) {
        case COSIM_IRQ:
            if (reply->u.irq.line >= s->dev.outs[0].count) {
                return g_strdup_printf("IRQ on line %u, but the bridge has %u "
                                       "interrupts (while kiln waited for "
                                       "%s)", reply->u.irq.line,
                                       s->dev.outs[0].count, wait_what(w, what, sizeof(what)));
            }
            bridge_apply_irq(s, reply);
            continue;
        case COSIM_DMA_READ:
        case COSIM_DMA_WRITE:
            if (!(s->caps & COSIM_CAP_DMA)) {
                return g_strdup_printf("%s without the DMA capability (while "
                                       "kiln waited for %s)",
                                       cosim_wire_type_name(reply->hdr.type),
                                       wait_what(w, what, sizeof(what)));
            }
            err = bridge_serve_dma(s, reply);
            if (err) {
                return err;
            }
            continue;
        case COSIM_ERROR: {
            g_autofree char *text = g_strndup((const char *)reply->data,
                                              reply->data_len);

            return g_strdup_printf("the model reported an error while kiln "
                                   "waited for %s: %s", wait_what(w, what, sizeof(what)),
                                   one_line(text));
        }
        case COSIM_BYE:
            return g_strdup_printf("the model said BYE while kiln waited for "
                                   "%s", wait_what(w, what, sizeof(what)));
        default:
            break;
        }
        if (reply->hdr.type != w->type ||
            (w->type != COSIM_HELLO &&
             (reply->hdr.id != w->id || reply->hdr.channel != w->channel))) {
            return g_strdup_printf("unexpected %s (channel %u, id %u) from "
                                   "the model while kiln waited for %s",
                                   cosim_wire_type_name(reply->hdr.type),
                                   reply->hdr.channel, reply->hdr.id, wait_what(w, what, sizeof(what)));
        }
        return NULL;
    }
}

/* --- time --- */

static void bridge_rearm(CosimBridge *s)
{
    uint64_t t = min_u64(s->next_event, s->posted_sync);

    /*
     * Rule 2: the quantum, unless the model is event-driven and has told
     * a next_event that can be believed; then it changes no output before
     * that time (or a posted write's lookahead), and a SYNC sooner would
     * only cost a round trip.
     */
    if (!s->event_driven || !s->event_known) {
        t = min_u64(t, add_sat(s->model_time, s->quantum_ns));
    }
    timer_mod(&s->timer, (int64_t)min_u64(t, INT64_MAX));
}

/* The model's next_event from a RESP or SYNC_REPLY of time T. */
static void bridge_set_next_event(CosimBridge *s, uint64_t next, uint64_t t)
{
    s->event_known = true;
    if (!(s->caps & COSIM_CAP_NEXT_EVENT)) {
        next = COSIM_TIME_NEVER;
    } else if (next <= t) {
        /*
         * An event at or before the time the model is at has passed; a
         * deadline there would SYNC to the same instant forever.  The
         * quantum still bounds how long a change can go unseen, even for
         * an event-driven model, until it names a next_event again.
         */
        log_mask(LOG_COSIM, "cosim %s: next_event %" PRIu64 " ns is not after "
                 "%" PRIu64 " ns; ignored\n", s->dev.path, next, t);
        next = COSIM_TIME_NEVER;
        s->event_known = false;
    }
    s->next_event = next;
}

static void bridge_sync(CosimBridge *s, uint64_t t)
{
    BridgeWait w = { .type = COSIM_SYNC_REPLY, .channel = 0,
                     .id = ++s->next_id, .request = COSIM_SYNC, .arg = t };
    CosimMsg m = { .hdr = { .type = COSIM_SYNC, .id = w.id, .timestamp = t } };
    CosimMsg reply;
    char *err;

    s->busy = true;
    err = bridge_send(s, &m);
    if (!err) {
        err = bridge_wait(s, &w, &reply);
    }
    s->busy = false;
    /*
     * A grant always lies after the model's time (every deadline does), so
     * a reply must move it forward, or the next SYNC would ask again.
     */
    if (!err && (reply.hdr.timestamp > t ||
                 reply.hdr.timestamp <= s->model_time)) {
        err = g_strdup_printf("SYNC_REPLY reached %" PRIu64 " ns, outside the "
                              "grant (%" PRIu64 ", %" PRIu64 "] ns",
                              reply.hdr.timestamp, s->model_time, t);
    }
    if (err) {
        bridge_fatal(s, 0, err);
    }
    if (s->trace) {
        fprintf(s->trace, "%" PRIu64 " SYNC reached %" PRIu64 "%s next ", t,
                reply.hdr.timestamp,
                reply.hdr.flags & COSIM_F_STOPPED_EARLY ? " early" : "");
        trace_time(s->trace, reply.u.sync_reply.next_event);
        fputc('\n', s->trace);
    }
    s->model_time = reply.hdr.timestamp;
    if (s->model_time == t) {
        s->posted_sync = COSIM_TIME_NEVER;
    }
    bridge_set_next_event(s, reply.u.sync_reply.next_event, s->model_time);
    /*
     * Stopped early, the model is behind the clock: the timer is then due
     * at once, and the next SYNC brings it the rest of the way.
     */
    bridge_rearm(s);
}

static void bridge_on_timer(void *opaque)
{
    CosimBridge *s = opaque;

    bridge_sync(s, (uint64_t)clock_now());
}

/* --- accesses --- */

/* Send M (READ, WRITE or RESET) and wait for its RESP; the RESP is in *REPLY. */
static void bridge_transact(CosimBridge *s, CosimMsg *m, CosimMsg *reply)
{
    BridgeWait w = { .type = COSIM_RESP, .channel = m->hdr.channel,
                     .id = m->hdr.id, .request = m->hdr.type,
                     .arg = m->u.access.addr };
    char *err;

    s->busy = true;
    err = bridge_send(s, m);
    if (!err) {
        err = bridge_wait(s, &w, reply);
    }
    s->busy = false;
    if (err) {
        bridge_fatal(s, m->hdr.channel, err);
    }
}

/* After a RESP for a message of time T: the model is at T. */
static void bridge_resp_done(CosimBridge *s, const CosimMsg *reply, uint64_t t)
{
    s->model_time = t;
    s->posted_sync = COSIM_TIME_NEVER;
    bridge_set_next_event(s, reply->u.resp.next_event, t);
    bridge_rearm(s);
}

/*
 * A model's DMA reaching back into its own bridge while the bridge waits
 * for that model: the model is blocked in its request, so the access can
 * only fail.
 */
static bool bridge_reentered(CosimBridge *s, unsigned channel, hwaddr offset)
{
    if (!s->busy) {
        return false;
    }
    log_mask(LOG_GUEST_ERROR, "cosim %s: channel %u: access to offset 0x%"
             PRIx64 " while the bridge waits for its model (a DMA into its "
             "own window?): bus error\n", s->dev.path, channel, offset);
    mem_access_fail();
    return true;
}

static uint64_t bridge_read(void *opaque, hwaddr offset, unsigned size)
{
    BridgeWindow *win = opaque;
    CosimBridge *s = win->bridge;
    uint64_t t = (uint64_t)clock_now();
    CosimMsg m = {
        .hdr = { .type = COSIM_READ, .channel = (uint16_t)win->channel,
                 .id = ++s->next_id, .timestamp = t },
        .u.access = { .addr = offset, .size = size,
                      .byte_enable = (1ull << size) - 1 },
    };
    CosimMsg reply;
    uint64_t value = 0;

    if (bridge_reentered(s, win->channel, offset)) {
        return 0;
    }
    bridge_transact(s, &m, &reply);
    if (reply.u.resp.status == COSIM_OK) {
        if (reply.data_len != size) {
            g_autofree char *err = g_strdup_printf(
                "RESP to READ 0x%" PRIx64 " (id %u) carries %u bytes, not %u",
                offset, m.hdr.id, reply.data_len, size);

            bridge_fatal(s, win->channel, err);
        }
        for (unsigned i = 0; i < size; i++) {
            value |= (uint64_t)reply.data[i] << (8 * i);
        }
    } else {
        log_mask(LOG_GUEST_ERROR, "cosim %s: channel %u: read of %u bytes at "
                 "0x%" PRIx64 ": %s\n", s->dev.path, win->channel, size, offset,
                 reply.u.resp.status == COSIM_ADDRESS_ERROR ? "address error"
                 : "error");
        mem_access_fail();
    }
    if (s->trace) {
        fprintf(s->trace, "%" PRIu64 " READ %u 0x%" PRIx64 " %u = 0x%" PRIx64
                " status %u delay %" PRIu64 "\n", t, win->channel, offset,
                size, value, reply.u.resp.status, reply.u.resp.delay_ns);
    }
    clock_charge_stall((int64_t)min_u64(reply.u.resp.delay_ns, INT64_MAX));
    bridge_resp_done(s, &reply, t);
    return value;
}

static void bridge_write(void *opaque, hwaddr offset, uint64_t value,
                         unsigned size)
{
    BridgeWindow *win = opaque;
    CosimBridge *s = win->bridge;
    uint64_t t = (uint64_t)clock_now();
    bool posted = (s->caps & COSIM_CAP_POSTED_WRITES) && s->lookahead_ns > 0;
    uint8_t data[8];
    CosimMsg m = {
        .hdr = { .type = COSIM_WRITE, .channel = (uint16_t)win->channel,
                 .id = ++s->next_id, .timestamp = t,
                 .flags = posted ? 0 : COSIM_F_NEED_ACK },
        .u.access = { .addr = offset, .size = size,
                      .byte_enable = (1ull << size) - 1 },
        .data = data,
        .data_len = size,
    };
    CosimMsg reply;
    char *err;

    if (bridge_reentered(s, win->channel, offset)) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        data[i] = (uint8_t)(value >> (8 * i));
    }
    if (s->trace) {
        fprintf(s->trace, "%" PRIu64 " WRITE %u 0x%" PRIx64 " %u 0x%" PRIx64
                "%s\n", t, win->channel, offset, size, value,
                posted ? " posted" : "");
    }
    if (posted) {
        err = bridge_transmit(s, &m, true);
        if (err) {
            bridge_fatal(s, win->channel, err);
        }
        s->model_time = t;
        s->posted_sync = min_u64(s->posted_sync, add_sat(t, s->lookahead_ns));
        bridge_rearm(s);
        return;
    }
    bridge_transact(s, &m, &reply);
    if (reply.u.resp.status != COSIM_OK) {
        log_mask(LOG_GUEST_ERROR, "cosim %s: channel %u: write of %u bytes at "
                 "0x%" PRIx64 ": %s\n", s->dev.path, win->channel, size, offset,
                 reply.u.resp.status == COSIM_ADDRESS_ERROR ? "address error"
                 : "error");
        mem_access_fail();
    }
    clock_charge_stall((int64_t)min_u64(reply.u.resp.delay_ns, INT64_MAX));
    bridge_resp_done(s, &reply, t);
}

static const MemOps bridge_ops = {
    .read = bridge_read,
    .write = bridge_write,
    .sizes = MEM_SIZE_ALL,
};

/* --- life cycle --- */

/*
 * Offer the model the ring made for it; its SHM_REPLY says whether it
 * moved there.  NULL, on the ring or not; or what went wrong.
 */
static char *bridge_offer_ring(CosimBridge *s)
{
    BridgeWait w = { .type = COSIM_SHM_REPLY, .id = ++s->next_id,
                     .request = COSIM_SHM_OFFER };
    CosimMsg m = {
        .hdr = { .type = COSIM_SHM_OFFER, .id = w.id,
                 .timestamp = (uint64_t)clock_now() },
        .u.shm_offer = { .nonce = cosim_shm_nonce(s->offer),
                         .size = cosim_shm_size(s->offer) },
    };
    CosimMsg reply;
    char *err;

    g_strlcpy(m.u.shm_offer.name, cosim_shm_name(s->offer),
              sizeof(m.u.shm_offer.name));
    err = bridge_send(s, &m);
    if (!err) {
        err = bridge_wait(s, &w, &reply);
    }
    /* Taken or not, the name has served: none is left behind. */
    cosim_shm_unlink(s->offer);
    if (err) {
        return err;
    }
    if (reply.u.shm_reply.accepted) {
        cosim_link_use_ring(&s->link, s->offer, true);
    } else {
        g_autofree char *why = g_strndup((const char *)reply.data,
                                         reply.data_len);

        log_mask(LOG_COSIM, "cosim %s: the model declined the shared-memory "
                 "ring: %s\n", s->dev.path, one_line(why));
        cosim_shm_free(s->offer);
    }
    s->offer = NULL;
    return NULL;
}

static char *bridge_hello(CosimBridge *s)
{
    BridgeWait w = { .type = COSIM_HELLO };
    CosimMsg m = {
        .hdr = { .type = COSIM_HELLO, .timestamp = (uint64_t)clock_now() },
        .u.hello = {
            .magic = COSIM_MAGIC, .version = COSIM_VERSION,
            .nchannels = (uint16_t)s->dev.nr_regs,
            .capabilities = BRIDGE_CAPS, .quantum_ns = s->quantum_ns,
        },
    };
    CosimMsg reply;
    char *err;

    /*
     * The ring is made before HELLO, so that the capability is offered
     * only when an SHM_OFFER can follow: a model that has it waits for one.
     */
    if (s->shared_memory) {
        char why[128];

        s->offer = cosim_shm_create(BRIDGE_RING_SLOTS, why, sizeof(why));
        if (s->offer) {
            m.u.hello.capabilities |= COSIM_CAP_SHM_RING;
        } else {
            log_mask(LOG_COSIM, "cosim %s: no shared-memory ring: %s\n",
                     s->dev.path, why);
        }
    }
    g_strlcpy(m.u.hello.name, s->dev.name, sizeof(m.u.hello.name));
    err = bridge_send(s, &m);
    if (!err) {
        err = bridge_wait(s, &w, &reply);
    }
    if (err) {
        return err;
    }
    memcpy(s->peer, reply.u.hello.name, COSIM_NAME_LEN);
    s->peer[COSIM_NAME_LEN] = '\0';
    one_line(s->peer);
    if (reply.u.hello.version != COSIM_VERSION) {
        CosimMsg bye = { .hdr = { .type = COSIM_ERROR } };
        g_autofree char *text = g_strdup_printf(
            "version mismatch: kiln speaks cosim protocol version %u, the "
            "model version %u", COSIM_VERSION, reply.u.hello.version);

        bye.data = (const uint8_t *)text;
        bye.data_len = (uint32_t)strlen(text);
        g_free(bridge_send(s, &bye));
        return g_strdup_printf("%s (in its HELLO)", text);
    }
    if (reply.u.hello.nchannels < s->dev.nr_regs) {
        return g_strdup_printf("the model serves %u channel%s, the bridge has "
                               "%u windows (in its HELLO)",
                               reply.u.hello.nchannels,
                               reply.u.hello.nchannels == 1 ? "" : "s",
                               s->dev.nr_regs);
    }
    s->caps = m.u.hello.capabilities & reply.u.hello.capabilities;
    s->lookahead_ns = reply.u.hello.lookahead_ns;
    cosim_link_set_batching(&s->link, s->caps & COSIM_CAP_BATCH);
    /* Its events are all it needs only if it tells them. */
    s->event_driven = (s->caps & COSIM_CAP_EVENT_DRIVEN) &&
                      (s->caps & COSIM_CAP_NEXT_EVENT);
    if (s->caps & COSIM_CAP_SHM_RING) {
        err = bridge_offer_ring(s);
        if (err) {
            return err;
        }
    }
    cosim_shm_free(s->offer);
    s->offer = NULL;
    g_free(s->link_kind);
    s->link_kind = g_strdup(cosim_link_on_ring(&s->link) ? "shared-memory"
                                                          : "zeromq");
    log_mask(LOG_COSIM, "cosim %s: linked to \"%s\" at %s: %u channels, "
             "capabilities 0x%x, lookahead %" PRIu64 " ns, over %s\n",
             s->dev.path, bridge_peer(s), s->endpoint, reply.u.hello.nchannels,
             s->caps, s->lookahead_ns,
             cosim_link_on_ring(&s->link) ? "the shared-memory ring"
                                          : "ZeroMQ");
    return NULL;
}

static void bridge_close(CosimBridge *s)
{
    int linger = (int)MIN(s->timeout_ms, BRIDGE_BYE_LINGER_MS);

    timer_del(&s->timer);
    cosim_link_close(&s->link, linger);
    cosim_shm_free(s->offer);
    s->offer = NULL;
    /*
     * Ending our own context is what waits, up to the linger, for queued
     * messages (BYE) to leave.  The shared one of inproc:// links stays:
     * a model in this process may still be reading from it, and inproc
     * messages are delivered as they are sent.
     */
    if (s->own_ctx) {
        zmq_ctx_term(s->ctx);
        s->own_ctx = false;
    }
    s->ctx = NULL;
    if (s->trace) {
        fclose(s->trace);
        s->trace = NULL;
    }
}

static bool bridge_realize(Device *dev, GError **errp)
{
    CosimBridge *s = DEVICE_STATE(dev, CosimBridge);
    int timeout = (int)MIN(s->timeout_ms, (uint32_t)G_MAXINT);
    void *sock;
    char *err;

    if (!s->endpoint || !*s->endpoint) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "endpoint: no ZeroMQ endpoint for the model "
                    "(inproc://, ipc:// or tcp://)");
        return false;
    }
    for (unsigned i = 0; i < dev->nr_regs; i++) {
        s->windows[i] = (BridgeWindow){ s, i };
        /* The core gives every region the device; the bridge needs the window. */
        dev->regs[i].mr->opaque = &s->windows[i];
    }
    timer_init(&s->timer, bridge_on_timer, s);
    /* A counter, whatever a DT or -global set it to. */
    s->late_irqs = 0;
    s->next_event = COSIM_TIME_NEVER;
    s->event_known = false;
    s->posted_sync = COSIM_TIME_NEVER;
    s->model_time = (uint64_t)clock_now();
    if (s->trace_path) {
        s->trace = fopen(s->trace_path, "w");
        if (!s->trace) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_IO,
                        "kiln,trace: cannot open %s: %s", s->trace_path,
                        g_strerror(errno));
            return false;
        }
        /* Whole lines as they happen: readable while kiln runs, or is killed. */
        setvbuf(s->trace, NULL, _IOLBF, 0);
    }

    s->own_ctx = !g_str_has_prefix(s->endpoint, "inproc://");
    s->ctx = s->own_ctx ? zmq_ctx_new() : cosim_zmq_context();
    g_assert(s->ctx);
    sock = zmq_socket(s->ctx, ZMQ_PAIR);
    g_assert(sock);
    if (cosim_link_init(&s->link, s->ctx, sock, timeout) < 0) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_FAILED,
                    "cannot watch the link to %s: %s", s->endpoint,
                    zmq_strerror(errno));
        bridge_close(s);
        return false;
    }
    if (zmq_connect(sock, s->endpoint) < 0) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "endpoint: cannot connect to %s: %s", s->endpoint,
                    zmq_strerror(errno));
        bridge_close(s);
        return false;
    }

    err = bridge_hello(s);
    if (err) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO,
                    "cosim bridge %s: channel 0 (%s): %s", dev->path,
                    bridge_peer(s), err);
        g_free(err);
        bridge_close(s);
        return false;
    }
    bridge_rearm(s);
    return true;
}

static void bridge_reset(Device *dev)
{
    CosimBridge *s = DEVICE_STATE(dev, CosimBridge);
    uint64_t t = (uint64_t)clock_now();

    for (unsigned i = 0; i < dev->outs[0].count; i++) {
        irq_lower(s->irq[i]);
    }
    for (unsigned ch = 0; ch < dev->nr_regs; ch++) {
        CosimMsg m = {
            .hdr = { .type = COSIM_RESET, .channel = (uint16_t)ch,
                     .id = ++s->next_id, .timestamp = t },
        };
        CosimMsg reply;

        if (s->trace) {
            fprintf(s->trace, "%" PRIu64 " RESET %u\n", t, ch);
        }
        bridge_transact(s, &m, &reply);
        bridge_resp_done(s, &reply, t);
    }
}

static void bridge_finalize(Device *dev)
{
    CosimBridge *s = DEVICE_STATE(dev, CosimBridge);
    CosimMsg bye = {
        .hdr = { .type = COSIM_BYE, .timestamp = (uint64_t)clock_now() },
    };

    /*
     * A model that has gone cannot take it; leaving is all that is left.
     * Posted writes still in the link go before it.
     */
    g_free(bridge_send(s, &bye));
    log_mask(LOG_COSIM, "cosim %s: sent %" PRIu64 " messages in %" PRIu64
             " transfers, received %" PRIu64 " in %" PRIu64 "\n", s->dev.path,
             s->link.msgs_out, s->link.transfers_out, s->link.msgs_in,
             s->link.transfers_in);
    bridge_close(s);
}

static const char *const bridge_compatible[] = { "kiln,cosim-bridge", NULL };

static const PropDesc bridge_props[] = {
    { .name = "endpoint", .type = PROP_TYPE_STRING,
      .offset = offsetof(CosimBridge, endpoint),
      .help = "ZeroMQ endpoint the model binds: inproc://, ipc:// or tcp://" },
    { .name = "quantum-ns", .type = PROP_TYPE_U64,
      .offset = offsetof(CosimBridge, quantum_ns), .def = 100000,
      .min = 1, .max = UINT64_MAX,
      .help = "kiln runs at most this far ahead of the model (ns)" },
    { .name = "timeout-ms", .type = PROP_TYPE_U32,
      .offset = offsetof(CosimBridge, timeout_ms), .def = 5000,
      .min = 1, .max = UINT32_MAX,
      .help = "the longest silence from the model before kiln gives up" },
    { .name = "shared-memory", .type = PROP_TYPE_BOOL,
      .offset = offsetof(CosimBridge, shared_memory), .def = 1, .max = 1,
      .help = "offer a model on the same host a shared-memory ring, "
              "faster than ZeroMQ (0: ZeroMQ only)" },
    { .name = "link", .type = PROP_TYPE_STRING,
      .offset = offsetof(CosimBridge, link_kind),
      .help = "read it with qom-get: what carries the messages once linked, "
              "\"shared-memory\" or \"zeromq\"" },
    { .name = "kiln,trace", .type = PROP_TYPE_STRING,
      .offset = offsetof(CosimBridge, trace_path),
      .help = "file receiving one line per transaction, with its time" },
    { .name = "late-irqs", .type = PROP_TYPE_U64,
      .offset = offsetof(CosimBridge, late_irqs), .max = UINT64_MAX,
      .help = "counter (read it with qom-get): interrupts that arrived "
              "stamped before kiln's time" },
    PROP_END
};

static const RegionDesc bridge_regions[] = {
    REGION_IO("window0", &bridge_ops),
    { .name = "window1", .kind = MR_IO, .ops = &bridge_ops, .optional = true },
    { .name = "window2", .kind = MR_IO, .ops = &bridge_ops, .optional = true },
    { .name = "window3", .kind = MR_IO, .ops = &bridge_ops, .optional = true },
    { .name = "window4", .kind = MR_IO, .ops = &bridge_ops, .optional = true },
    { .name = "window5", .kind = MR_IO, .ops = &bridge_ops, .optional = true },
    { .name = "window6", .kind = MR_IO, .ops = &bridge_ops, .optional = true },
    { .name = "window7", .kind = MR_IO, .ops = &bridge_ops, .optional = true },
    REGION_END
};

_Static_assert(ARRAY_SIZE(bridge_regions) == BRIDGE_MAX_WINDOWS + 1,
               "one region per window");

static const LineDesc bridge_outputs[] = {
    { .name = "irq", .offset = offsetof(CosimBridge, irq),
      .help = "driven by the models behind the bridge (IRQ messages)" },
    LINES_END
};

const DeviceDesc cosim_bridge_desc = {
    .name = "cosim-bridge",
    .desc = "link to external models (C, SystemC, Verilated RTL) over ZeroMQ",
    .compatible = bridge_compatible,
    .state_size = sizeof(CosimBridge),
    .props = bridge_props,
    .regions = bridge_regions,
    .outputs = bridge_outputs,
    .realize = bridge_realize,
    .reset = bridge_reset,
    .finalize = bridge_finalize,
};
