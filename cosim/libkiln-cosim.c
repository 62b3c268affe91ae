/*
 * libkiln-cosim: the model side of docs/cosim-protocol.md (version 1), as
 * declared in kiln-cosim.h.  Plain C and libzmq, so that any model
 * program, C or C++, can link it without kiln's other dependencies.
 *
 * One CosimModel is one link: a ZMQ_PAIR socket the model binds and kiln's
 * bridge connects to.  The serve loop takes kiln's messages one at a time
 * and answers each before the next; the model's own messages (IRQ, DMA)
 * go out from inside the channel ops, which run only while a message of
 * kiln is being served - so the model never acts while kiln is not
 * waiting for it (the spec's "Time", rule 8).
 *
 * Time (rules 1, 5, 6): before an access, a RESET or a SYNC stamped T,
 * every channel is advanced to T.  On the way the library stops at each
 * event the channels announce (their next_event), so that an interrupt a
 * channel raises there carries its exact time.  In a SYNC, an output
 * change before T ends the advance there: the reply says STOPPED_EARLY
 * and gives the time reached, and kiln applies the change at that time.
 *
 * A disconnect of kiln is seen through a socket monitor, so a model whose
 * kiln has died ends its serve loop with an error instead of waiting
 * forever (the serve loop's own wait has no timeout: kiln may legitimately
 * be idle, under a debugger or waiting for a qtest client).
 *
 * Transport: the link (wire.h) carries messages on ZeroMQ, or, once kiln
 * has offered its shared-memory ring after the HELLOs and this side could
 * open it, on the ring; the monitor keeps watching the ZeroMQ socket
 * either way.  KILN_COSIM_SHM=0 in the environment (or
 * cosim_model_set_shared_memory) keeps a model on ZeroMQ.  There, with
 * COSIM_CAP_BATCH, kiln's posted writes come several to a ZeroMQ
 * message, and the model's IRQs leave with the answer that follows them.
 */
#include "kiln-cosim.h"
#include "wire.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define MODEL_DEFAULT_TIMEOUT_MS 5000
/* How long a closing model lets its last messages (BYE, ERROR) take. */
#define MODEL_LINGER_MS 1000

typedef struct ModelChannel {
    const CosimChannelOps *ops;     /* NULL: not served */
    void *opaque;
} ModelChannel;

struct CosimModel {
    void *ctx;
    bool own_ctx;
    CosimLink link;
    bool shared_memory;             /* take kiln's ring when offered */
    bool event_driven;              /* announce COSIM_CAP_EVENT_DRIVEN */
    bool batching;                  /* announce COSIM_CAP_BATCH */
    char *endpoint;
    char name[COSIM_NAME_LEN];
    ModelChannel chan[COSIM_MAX_CHANNELS];
    unsigned nchannels;             /* highest channel served + 1 */
    uint64_t lookahead_ns;
    int timeout_ms;                 /* DMA_RESP waits */
    bool bound;
    bool linked;                    /* HELLOs exchanged, no BYE yet */
    bool failed;                    /* the link is unusable */
    uint32_t caps;                  /* negotiated */
    uint64_t quantum_ns;            /* kiln's, from its HELLO */
    uint64_t now;
    unsigned cur_channel;           /* whose op runs: IRQ and DMA carry it */
    bool outputs_changed;           /* an IRQ went out in this advance step */
    uint32_t next_id;
    char error[512];
    uint8_t rx[COSIM_WIRE_MAX + 1];
};

static void model_set_error(CosimModel *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void model_set_error(CosimModel *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(m->error, sizeof(m->error), fmt, ap);
    va_end(ap);
}

/* --- life cycle --- */

CosimModel *cosim_model_new_ctx(void *zmq_ctx, const char *endpoint,
                                const char *name)
{
    CosimModel *m = calloc(1, sizeof(*m));
    const char *shm;

    if (!m) {
        return NULL;
    }
    m->ctx = zmq_ctx;
    m->endpoint = strdup(endpoint);
    strncpy(m->name, name ? name : "", sizeof(m->name) - 1);
    m->timeout_ms = MODEL_DEFAULT_TIMEOUT_MS;
    m->batching = true;
    /* A switch for any model program, without touching its code. */
    shm = getenv("KILN_COSIM_SHM");
    m->shared_memory = !shm || strcmp(shm, "0") != 0;
    if (!m->endpoint) {
        free(m);
        return NULL;
    }
    return m;
}

CosimModel *cosim_model_new(const char *endpoint, const char *name)
{
    void *ctx = zmq_ctx_new();
    CosimModel *m;

    if (!ctx) {
        return NULL;
    }
    m = cosim_model_new_ctx(ctx, endpoint, name);
    if (!m) {
        zmq_ctx_term(ctx);
        return NULL;
    }
    m->own_ctx = true;
    return m;
}

/*
 * Send MSG; with POST, it may wait in the link for the next message (an
 * IRQ, which the RESP or SYNC_REPLY that ends the op follows).
 */
static int model_transmit(CosimModel *m, const CosimMsg *msg, bool post)
{
    uint8_t buf[COSIM_WIRE_MAX];
    size_t len = cosim_wire_encode(msg, buf);
    int r = post ? cosim_link_post(&m->link, buf, len)
                 : cosim_link_send(&m->link, buf, len);

    if (r == 0) {
        return 0;
    }
    model_set_error(m, "cannot send %s to kiln: %s",
                    cosim_wire_type_name(msg->hdr.type),
                    r == COSIM_LINK_TIMEOUT ? "kiln takes no messages"
                    : r == COSIM_LINK_CLOSED ? "kiln closed the link"
                    : r == COSIM_LINK_CORRUPT ? m->link.why
                    : zmq_strerror(errno));
    m->failed = true;
    return -1;
}

static int model_send(CosimModel *m, const CosimMsg *msg)
{
    return model_transmit(m, msg, false);
}

/* Tell kiln why the link ends (ERROR), with the same text kept locally. */
static int model_protocol_error(CosimModel *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int model_protocol_error(CosimModel *m, const char *fmt, ...)
{
    CosimMsg msg = { .hdr = { .type = COSIM_ERROR, .timestamp = m->now } };
    char text[sizeof(m->error)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    msg.data = (const uint8_t *)text;
    msg.data_len = (uint32_t)strlen(text);
    if (!m->failed && m->link.sock) {
        model_send(m, &msg);
    }
    /* This is the error to report, whether or not kiln could be told. */
    m->failed = true;
    memcpy(m->error, text, sizeof(text));
    return -1;
}

void cosim_model_free(CosimModel *m)
{
    if (!m) {
        return;
    }
    if (m->linked && !m->failed) {
        CosimMsg bye = { .hdr = { .type = COSIM_BYE, .timestamp = m->now } };

        model_send(m, &bye);
    }
    cosim_link_close(&m->link, MODEL_LINGER_MS);
    if (m->own_ctx) {
        zmq_ctx_term(m->ctx);
    }
    free(m->endpoint);
    free(m);
}

int cosim_model_add_channel(CosimModel *m, unsigned channel,
                            const CosimChannelOps *ops, void *opaque)
{
    if (channel >= COSIM_MAX_CHANNELS || !ops) {
        model_set_error(m, "channel %u: out of range (0 to %u) or no ops",
                        channel, COSIM_MAX_CHANNELS - 1);
        return -1;
    }
    if (m->chan[channel].ops) {
        model_set_error(m, "channel %u: added twice", channel);
        return -1;
    }
    m->chan[channel] = (ModelChannel){ ops, opaque };
    if (channel >= m->nchannels) {
        m->nchannels = channel + 1;
    }
    return 0;
}

void cosim_model_set_lookahead(CosimModel *m, uint64_t ns)
{
    m->lookahead_ns = ns;
}

void cosim_model_set_shared_memory(CosimModel *m, int enable)
{
    m->shared_memory = enable != 0;
}

int cosim_model_shared_memory(const CosimModel *m)
{
    return cosim_link_on_ring(&m->link);
}

void cosim_model_set_event_driven(CosimModel *m, int enable)
{
    m->event_driven = enable != 0;
}

void cosim_model_set_batching(CosimModel *m, int enable)
{
    m->batching = enable != 0;
}

void cosim_model_received(const CosimModel *m, uint64_t *messages,
                          uint64_t *transfers)
{
    *messages = m->link.msgs_in;
    *transfers = m->link.transfers_in;
}

const char *cosim_model_error(const CosimModel *m)
{
    return m->error[0] ? m->error : "no error";
}

uint64_t cosim_model_time(const CosimModel *m)
{
    return m->now;
}

const char *cosim_model_endpoint(const CosimModel *m)
{
    return m->endpoint;
}

uint64_t cosim_model_quantum(const CosimModel *m)
{
    return m->quantum_ns;
}

int cosim_model_bind(CosimModel *m)
{
    char bound[256];
    size_t len = sizeof(bound);
    void *sock;
    char *copy;

    if (m->bound) {
        return 0;
    }
    /* A bind that failed (an address in use) may be tried again. */
    if (!m->link.sock) {
        sock = zmq_socket(m->ctx, ZMQ_PAIR);
        if (!sock) {
            model_set_error(m, "cannot make a socket: %s",
                            zmq_strerror(errno));
            return -1;
        }
        /* Sends wait as long as it takes: kiln reads when it waits for us. */
        if (cosim_link_init(&m->link, m->ctx, sock, -1) < 0) {
            model_set_error(m, "cannot watch %s: %s", m->endpoint,
                            zmq_strerror(errno));
            return -1;
        }
    }
    sock = m->link.sock;
    if (zmq_bind(sock, m->endpoint) < 0) {
        model_set_error(m, "cannot bind %s: %s", m->endpoint,
                        zmq_strerror(errno));
        return -1;
    }
    if (zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, bound, &len) == 0 &&
        len > 1 && (copy = strdup(bound))) {
        free(m->endpoint);
        m->endpoint = copy;
    }
    m->bound = true;
    return 0;
}

/* --- receiving --- */

/*
 * The next message from kiln, within TIMEOUT_MS (< 0: no limit).  1 with
 * *MSG decoded (its data in m->rx), 0 on timeout, -1 when the link failed
 * (the error is set, and kiln told of a malformed message).
 */
static int model_recv(CosimModel *m, int timeout_ms, CosimMsg *msg)
{
    int64_t n = cosim_link_recv(&m->link, m->rx, sizeof(m->rx), timeout_ms);
    char why[COSIM_WIRE_ERR_LEN];

    switch (n) {
    case COSIM_LINK_TIMEOUT:
        return 0;
    case COSIM_LINK_CLOSED:
        model_set_error(m, "kiln closed the link");
        m->failed = true;
        return -1;
    case COSIM_LINK_CORRUPT:
        return model_protocol_error(m, "kiln broke the shared-memory ring "
                                    "(%s)", m->link.why);
    case COSIM_LINK_FAILED:
        model_set_error(m, "waiting for kiln: %s", zmq_strerror(errno));
        m->failed = true;
        return -1;
    default:
        break;
    }
    if (cosim_wire_decode(m->rx, (size_t)n, msg, why, sizeof(why)) < 0) {
        return model_protocol_error(m, "malformed message from kiln: %s", why);
    }
    return 1;
}

/* --- time --- */

static uint64_t model_next_event(const CosimModel *m)
{
    uint64_t next = COSIM_TIME_NEVER;

    for (unsigned i = 0; i < m->nchannels; i++) {
        const CosimChannelOps *ops = m->chan[i].ops;

        if (ops && ops->next_event) {
            uint64_t t = ops->next_event(m->chan[i].opaque);

            if (t < next) {
                next = t;
            }
        }
    }
    return next;
}

/* next_event as the replies carry it: meaningful only when negotiated. */
static uint64_t model_reply_next_event(const CosimModel *m)
{
    return (m->caps & COSIM_CAP_NEXT_EVENT) ? model_next_event(m)
                                            : COSIM_TIME_NEVER;
}

/*
 * Advance every channel to T, stepping through the events the channels
 * announce.  With MAY_STOP, a step that changed an output before T ends
 * the advance there.  Returns the time reached.
 */
static uint64_t model_advance(CosimModel *m, uint64_t t, bool may_stop)
{
    while (m->now < t && !m->failed) {
        uint64_t next = model_next_event(m);
        uint64_t step = next > m->now && next < t ? next : t;

        m->outputs_changed = false;
        m->now = step;
        for (unsigned i = 0; i < m->nchannels; i++) {
            const CosimChannelOps *ops = m->chan[i].ops;

            if (ops && ops->advance) {
                m->cur_channel = i;
                ops->advance(m->chan[i].opaque, step);
            }
        }
        if (may_stop && m->outputs_changed && step < t) {
            break;
        }
    }
    return m->now;
}

/* --- serving kiln --- */

static const ModelChannel *model_channel(const CosimModel *m, unsigned ch)
{
    return ch < m->nchannels && m->chan[ch].ops ? &m->chan[ch] : NULL;
}

static int model_reply(CosimModel *m, const CosimMsg *req, CosimStatus status,
                       uint64_t delay_ns, const uint8_t *data, uint32_t len)
{
    CosimMsg resp = {
        .hdr = { .type = COSIM_RESP, .channel = req->hdr.channel,
                 .id = req->hdr.id, .timestamp = m->now },
        .u.resp = { .status = status, .delay_ns = delay_ns,
                    .next_event = model_reply_next_event(m) },
        .data = data,
        .data_len = len,
    };

    return model_send(m, &resp);
}

static int model_serve_read(CosimModel *m, const CosimMsg *req)
{
    const ModelChannel *c = model_channel(m, req->hdr.channel);
    uint8_t data[COSIM_MAX_DATA] = { 0 };
    CosimStatus status = COSIM_ADDRESS_ERROR;
    uint64_t delay = 0;

    model_advance(m, req->hdr.timestamp, false);
    if (c && c->ops->read) {
        m->cur_channel = req->hdr.channel;
        status = c->ops->read(c->opaque, req->u.access.addr, data,
                              req->u.access.size, &delay);
    }
    if (m->failed) {
        return -1;
    }
    if (status != COSIM_OK) {
        memset(data, 0, sizeof(data));
    }
    return model_reply(m, req, status, delay, data, req->u.access.size);
}

static int model_serve_write(CosimModel *m, const CosimMsg *req)
{
    const ModelChannel *c = model_channel(m, req->hdr.channel);
    CosimStatus status = COSIM_ADDRESS_ERROR;
    uint64_t delay = 0;

    model_advance(m, req->hdr.timestamp, false);
    if (c && c->ops->write) {
        m->cur_channel = req->hdr.channel;
        status = c->ops->write(c->opaque, req->u.access.addr, req->data,
                               req->u.access.size, &delay);
    }
    if (m->failed) {
        return -1;
    }
    /* A posted write has no answer, not even for an error (the spec, 7). */
    if (!(req->hdr.flags & COSIM_F_NEED_ACK)) {
        return 0;
    }
    return model_reply(m, req, status, delay, NULL, 0);
}

static int model_serve_reset(CosimModel *m, const CosimMsg *req)
{
    const ModelChannel *c = model_channel(m, req->hdr.channel);

    model_advance(m, req->hdr.timestamp, false);
    if (c && c->ops->reset) {
        m->cur_channel = req->hdr.channel;
        c->ops->reset(c->opaque);
    }
    if (m->failed) {
        return -1;
    }
    return model_reply(m, req, c ? COSIM_OK : COSIM_ADDRESS_ERROR, 0, NULL, 0);
}

static int model_serve_sync(CosimModel *m, const CosimMsg *req)
{
    uint64_t reached = model_advance(m, req->hdr.timestamp, true);
    CosimMsg reply = {
        .hdr = { .type = COSIM_SYNC_REPLY, .id = req->hdr.id,
                 .timestamp = reached },
    };

    if (m->failed) {
        return -1;
    }
    if (reached < req->hdr.timestamp) {
        reply.hdr.flags = COSIM_F_STOPPED_EARLY;
    }
    reply.u.sync_reply.next_event = model_reply_next_event(m);
    return model_send(m, &reply);
}

/*
 * kiln follows the HELLOs with SHM_OFFER when both sides have the ring:
 * open the object it names and answer whether the link moves there.  A
 * model that cannot open it (another host, another user) declines, and
 * the link stays on ZeroMQ.  0, or -1 when the link failed.
 */
static int model_take_ring(CosimModel *m, int timeout_ms)
{
    CosimMsg offer;
    CosimMsg reply = { .hdr = { .type = COSIM_SHM_REPLY } };
    char why[160];
    CosimShm *shm;
    int r = model_recv(m, timeout_ms, &offer);

    if (r == 0) {
        model_set_error(m, "no SHM_OFFER from kiln within %d ms", timeout_ms);
        return -1;
    }
    if (r < 0) {
        return -1;
    }
    if (offer.hdr.type != COSIM_SHM_OFFER) {
        return model_protocol_error(m, "expected SHM_OFFER from kiln, got %s",
                                    cosim_wire_type_name(offer.hdr.type));
    }
    shm = cosim_shm_open(offer.u.shm_offer.name, offer.u.shm_offer.nonce,
                         offer.u.shm_offer.size, why, sizeof(why));
    reply.hdr.id = offer.hdr.id;
    reply.hdr.timestamp = m->now;
    reply.u.shm_reply.accepted = shm != NULL;
    if (!shm) {
        reply.data = (const uint8_t *)why;
        reply.data_len = (uint32_t)strlen(why);
    }
    if (model_send(m, &reply) < 0) {
        cosim_shm_free(shm);
        return -1;
    }
    if (shm) {
        cosim_link_use_ring(&m->link, shm, false);
    }
    return 0;
}

int cosim_model_connect(CosimModel *m, int timeout_ms)
{
    uint32_t caps = COSIM_CAP_POSTED_WRITES | COSIM_CAP_DMA | COSIM_CAP_BURST |
                    COSIM_CAP_NEXT_EVENT;
    CosimMsg hello;
    CosimMsg reply = {
        .hdr = { .type = COSIM_HELLO },
        .u.hello = { .magic = COSIM_MAGIC, .version = COSIM_VERSION },
    };
    int r;

    if (cosim_model_bind(m) < 0) {
        return -1;
    }
    if (timeout_ms > 0) {
        m->timeout_ms = timeout_ms;
    }
    r = model_recv(m, timeout_ms, &hello);
    if (r == 0) {
        model_set_error(m, "no HELLO from kiln on %s within %d ms",
                        m->endpoint, timeout_ms);
        return -1;
    }
    if (r < 0) {
        return -1;
    }
    if (hello.hdr.type != COSIM_HELLO) {
        return model_protocol_error(m, "expected HELLO from kiln, got %s",
                                    cosim_wire_type_name(hello.hdr.type));
    }
    if (hello.u.hello.version != COSIM_VERSION) {
        return model_protocol_error(m, "version mismatch: the model speaks "
                                    "cosim protocol version %u, kiln version "
                                    "%u", COSIM_VERSION,
                                    hello.u.hello.version);
    }
    /* next_event means something only if every channel can tell it. */
    for (unsigned i = 0; i < m->nchannels; i++) {
        if (m->chan[i].ops && !m->chan[i].ops->next_event) {
            caps &= ~(uint32_t)COSIM_CAP_NEXT_EVENT;
        }
    }
    /* And events are all the model needs only if it tells them. */
    if (m->event_driven && (caps & COSIM_CAP_NEXT_EVENT)) {
        caps |= COSIM_CAP_EVENT_DRIVEN;
    }
    if (m->shared_memory) {
        caps |= COSIM_CAP_SHM_RING;
    }
    if (m->batching) {
        caps |= COSIM_CAP_BATCH;
    }
    m->caps = caps & hello.u.hello.capabilities;
    m->quantum_ns = hello.u.hello.quantum_ns;
    m->now = hello.hdr.timestamp;
    reply.hdr.timestamp = m->now;
    reply.u.hello.nchannels = (uint16_t)m->nchannels;
    reply.u.hello.capabilities = caps;
    reply.u.hello.lookahead_ns = m->lookahead_ns;
    memcpy(reply.u.hello.name, m->name, sizeof(reply.u.hello.name));
    if (model_send(m, &reply) < 0) {
        return -1;
    }
    /* From kiln's next message on, which kiln sends once it has this HELLO. */
    cosim_link_set_batching(&m->link, m->caps & COSIM_CAP_BATCH);
    /* kiln sends its offer at once: the link's timeout is enough for it. */
    if ((m->caps & COSIM_CAP_SHM_RING) &&
        model_take_ring(m, m->timeout_ms) < 0) {
        return -1;
    }
    m->linked = true;
    return 0;
}

int cosim_model_run(CosimModel *m)
{
    if (!m->linked) {
        model_set_error(m, "not linked to kiln (cosim_model_connect)");
        return -1;
    }
    while (!m->failed) {
        CosimMsg msg;
        int r = model_recv(m, -1, &msg);

        if (r < 0) {
            return -1;
        }
        switch (msg.hdr.type) {
        case COSIM_READ:
            r = model_serve_read(m, &msg);
            break;
        case COSIM_WRITE:
            r = model_serve_write(m, &msg);
            break;
        case COSIM_RESET:
            r = model_serve_reset(m, &msg);
            break;
        case COSIM_SYNC:
            r = model_serve_sync(m, &msg);
            break;
        case COSIM_BYE:
            m->linked = false;
            return 0;
        case COSIM_ERROR:
            model_set_error(m, "kiln reported an error: %.*s",
                            (int)msg.data_len, (const char *)msg.data);
            m->failed = true;
            return -1;
        default:
            return model_protocol_error(m, "unexpected %s from kiln",
                                        cosim_wire_type_name(msg.hdr.type));
        }
        if (r < 0) {
            return -1;
        }
    }
    return -1;
}

/* --- from inside the ops --- */

void cosim_model_abort(CosimModel *m, const char *text)
{
    model_protocol_error(m, "%s", text);
}

int cosim_model_set_irq(CosimModel *m, unsigned line, int level)
{
    CosimMsg msg = {
        .hdr = { .type = COSIM_IRQ, .channel = (uint16_t)m->cur_channel,
                 .timestamp = m->now },
        .u.irq = { .line = line, .level = level != 0 },
    };

    if (!m->linked || m->failed) {
        model_set_error(m, "IRQ %u: not linked to kiln", line);
        return -1;
    }
    m->outputs_changed = true;
    return model_transmit(m, &msg, true);
}

/* One DMA request of at most COSIM_MAX_DATA bytes, and its answer. */
static int model_dma_chunk(CosimModel *m, unsigned type, uint64_t addr,
                           uint8_t *dst, const uint8_t *src, uint32_t size)
{
    CosimMsg req = {
        .hdr = { .type = (uint16_t)type, .channel = (uint16_t)m->cur_channel,
                 .id = ++m->next_id, .timestamp = m->now },
        .u.dma = { .addr = addr, .size = size },
        .data = src,
        .data_len = src ? size : 0,
    };
    const char *name = cosim_wire_type_name(type);
    CosimMsg resp;
    int r;

    if (model_send(m, &req) < 0) {
        return -1;
    }
    r = model_recv(m, m->timeout_ms, &resp);
    if (r == 0) {
        model_set_error(m, "no DMA_RESP to %s 0x%llx (id %u) within %d ms",
                        name, (unsigned long long)addr, req.hdr.id,
                        m->timeout_ms);
        m->failed = true;
        return -1;
    }
    if (r < 0) {
        return -1;
    }
    if (resp.hdr.type == COSIM_ERROR || resp.hdr.type == COSIM_BYE) {
        model_set_error(m, "kiln ended the link (%s) while the model waited "
                        "for DMA_RESP to %s 0x%llx: %.*s",
                        cosim_wire_type_name(resp.hdr.type), name,
                        (unsigned long long)addr, (int)resp.data_len,
                        resp.data ? (const char *)resp.data : "");
        m->failed = true;
        return -1;
    }
    if (resp.hdr.type != COSIM_DMA_RESP || resp.hdr.id != req.hdr.id ||
        (resp.u.dma_resp.status == COSIM_OK && dst &&
         resp.data_len != size)) {
        return model_protocol_error(m, "unexpected %s (id %u, %u bytes) "
                                    "while the model waited for DMA_RESP to "
                                    "%s (id %u)",
                                    cosim_wire_type_name(resp.hdr.type),
                                    resp.hdr.id, resp.data_len, name,
                                    req.hdr.id);
    }
    if (resp.u.dma_resp.status != COSIM_OK) {
        model_set_error(m, "%s of %u bytes at 0x%llx: %s", name, size,
                        (unsigned long long)addr,
                        resp.u.dma_resp.status == COSIM_ADDRESS_ERROR
                        ? "address error" : "error");
        return -1;
    }
    if (dst) {
        memcpy(dst, resp.data, size);
    }
    return 0;
}

static int model_dma(CosimModel *m, unsigned type, uint64_t addr,
                     uint8_t *dst, const uint8_t *src, uint32_t size)
{
    int result = 0;

    if (!m->linked || m->failed) {
        model_set_error(m, "DMA: not linked to kiln");
        return -1;
    }
    if (!(m->caps & COSIM_CAP_DMA)) {
        model_set_error(m, "DMA: kiln's bridge did not accept DMA");
        return -1;
    }
    /* Bursts of COSIM_MAX_DATA; every chunk is tried, as a bus would. */
    for (uint32_t done = 0; done < size && !m->failed;) {
        uint32_t n = size - done < COSIM_MAX_DATA ? size - done : COSIM_MAX_DATA;

        if (model_dma_chunk(m, type, addr + done, dst ? dst + done : NULL,
                            src ? src + done : NULL, n) < 0) {
            result = -1;
        }
        done += n;
    }
    return m->failed ? -1 : result;
}

int cosim_model_dma_read(CosimModel *m, uint64_t addr, void *buf,
                         uint32_t size)
{
    return model_dma(m, COSIM_DMA_READ, addr, buf, NULL, size);
}

int cosim_model_dma_write(CosimModel *m, uint64_t addr, const void *buf,
                          uint32_t size)
{
    return model_dma(m, COSIM_DMA_WRITE, addr, NULL, buf, size);
}
