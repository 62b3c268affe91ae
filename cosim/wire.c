/*
 * The cosim wire codec (docs/cosim-protocol.md, "Messages").  Every field
 * is read and written as little-endian bytes: the structs of proto.h are
 * the in-memory form, never cast onto a received buffer, so neither the
 * host's byte order nor the buffer's alignment matters.  And the link
 * that carries the messages: ZeroMQ, or the shared-memory ring.
 */
#include "wire.h"

#include <zmq.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* What each type carries after the header: a fixed part, then data. */
typedef struct WireShape {
    const char *name;
    uint32_t fixed;         /* bytes of the type's struct */
    uint32_t max_data;      /* most data bytes after it */
} WireShape;

static const WireShape wire_shapes[] = {
    [COSIM_HELLO] = { "HELLO", sizeof(CosimHello), 0 },
    [COSIM_READ] = { "READ", sizeof(CosimAccess), 0 },
    [COSIM_WRITE] = { "WRITE", sizeof(CosimAccess), COSIM_MAX_DATA },
    [COSIM_RESP] = { "RESP", sizeof(CosimResp), COSIM_MAX_DATA },
    [COSIM_IRQ] = { "IRQ", sizeof(CosimIrq), 0 },
    [COSIM_DMA_READ] = { "DMA_READ", sizeof(CosimDma), 0 },
    [COSIM_DMA_WRITE] = { "DMA_WRITE", sizeof(CosimDma), COSIM_MAX_DATA },
    [COSIM_DMA_RESP] = { "DMA_RESP", sizeof(CosimDmaResp), COSIM_MAX_DATA },
    [COSIM_SYNC] = { "SYNC", 0, 0 },
    [COSIM_SYNC_REPLY] = { "SYNC_REPLY", sizeof(CosimSyncReply), 0 },
    [COSIM_RESET] = { "RESET", 0, 0 },
    [COSIM_BYE] = { "BYE", 0, 0 },
    [COSIM_ERROR] = { "ERROR", 0, COSIM_ERROR_TEXT_MAX },
    [COSIM_SHM_OFFER] = { "SHM_OFFER", sizeof(CosimShmOffer), 0 },
    [COSIM_SHM_REPLY] = { "SHM_REPLY", sizeof(CosimShmReply),
                          COSIM_ERROR_TEXT_MAX },
};

_Static_assert(COSIM_WIRE_MAX == 24 + 24 + COSIM_MAX_DATA,
               "the longest message is a full WRITE");

static const WireShape *wire_shape(unsigned type)
{
    if (type >= sizeof(wire_shapes) / sizeof(wire_shapes[0]) ||
        !wire_shapes[type].name) {
        return NULL;
    }
    return &wire_shapes[type];
}

const char *cosim_wire_type_name(unsigned type)
{
    const WireShape *s = wire_shape(type);

    return s ? s->name : "unknown";
}

/* --- little-endian fields --- */

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void put_le(uint8_t *p, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* A cursor over a buffer, so each struct reads as its list of fields. */
typedef struct Cursor {
    uint8_t *p;
    const uint8_t *cp;
} Cursor;

static uint64_t rd(Cursor *c, unsigned n)
{
    uint64_t v = get_le(c->cp, n);

    c->cp += n;
    return v;
}

static void wr(Cursor *c, unsigned n, uint64_t v)
{
    put_le(c->p, n, v);
    c->p += n;
}

int cosim_fail(char *err, size_t err_size, const char *fmt, ...)
{
    va_list ap;

    if (err && err_size) {
        va_start(ap, fmt);
        vsnprintf(err, err_size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* --- decoding --- */

static void decode_fixed(unsigned type, Cursor *c, CosimMsg *m)
{
    switch (type) {
    case COSIM_HELLO:
        m->u.hello.magic = (uint32_t)rd(c, 4);
        m->u.hello.version = (uint16_t)rd(c, 2);
        m->u.hello.nchannels = (uint16_t)rd(c, 2);
        m->u.hello.capabilities = (uint32_t)rd(c, 4);
        m->u.hello.reserved = (uint32_t)rd(c, 4);
        m->u.hello.quantum_ns = rd(c, 8);
        m->u.hello.lookahead_ns = rd(c, 8);
        memcpy(m->u.hello.name, c->cp, COSIM_NAME_LEN);
        c->cp += COSIM_NAME_LEN;
        break;
    case COSIM_READ:
    case COSIM_WRITE:
        m->u.access.addr = rd(c, 8);
        m->u.access.size = (uint32_t)rd(c, 4);
        m->u.access.attrs = (uint32_t)rd(c, 4);
        m->u.access.byte_enable = rd(c, 8);
        break;
    case COSIM_RESP:
        m->u.resp.status = (uint32_t)rd(c, 4);
        m->u.resp.reserved = (uint32_t)rd(c, 4);
        m->u.resp.delay_ns = rd(c, 8);
        m->u.resp.next_event = rd(c, 8);
        break;
    case COSIM_IRQ:
        m->u.irq.line = (uint32_t)rd(c, 4);
        m->u.irq.level = (uint32_t)rd(c, 4);
        break;
    case COSIM_DMA_READ:
    case COSIM_DMA_WRITE:
        m->u.dma.addr = rd(c, 8);
        m->u.dma.size = (uint32_t)rd(c, 4);
        m->u.dma.reserved = (uint32_t)rd(c, 4);
        break;
    case COSIM_DMA_RESP:
        m->u.dma_resp.status = (uint32_t)rd(c, 4);
        m->u.dma_resp.reserved = (uint32_t)rd(c, 4);
        break;
    case COSIM_SYNC_REPLY:
        m->u.sync_reply.next_event = rd(c, 8);
        break;
    case COSIM_SHM_OFFER:
        m->u.shm_offer.nonce = rd(c, 8);
        m->u.shm_offer.size = rd(c, 8);
        memcpy(m->u.shm_offer.name, c->cp, COSIM_SHM_NAME_LEN);
        c->cp += COSIM_SHM_NAME_LEN;
        break;
    case COSIM_SHM_REPLY:
        m->u.shm_reply.accepted = (uint32_t)rd(c, 4);
        m->u.shm_reply.reserved = (uint32_t)rd(c, 4);
        break;
    default:
        break;
    }
}

/*
 * A HELLO of another version may be laid out differently: only its magic
 * and version are read, so that the mismatch is reported as one.
 */
static int decode_foreign_hello(const uint8_t *payload, CosimMsg *m,
                                char *err, size_t err_size)
{
    m->u.hello.magic = (uint32_t)get_le(payload, 4);
    m->u.hello.version = (uint16_t)get_le(payload + 4, 2);
    if (m->u.hello.magic != COSIM_MAGIC) {
        return cosim_fail(err, err_size, "HELLO without the KILN magic (0x%08x)",
                          m->u.hello.magic);
    }
    return 0;
}

/* The checks each type's own fields need, once decoded. */
static int check_fields(const CosimMsg *m, char *err, size_t err_size)
{
    const char *name = cosim_wire_type_name(m->hdr.type);

    switch (m->hdr.type) {
    case COSIM_HELLO:
        if (m->u.hello.magic != COSIM_MAGIC) {
            return cosim_fail(err, err_size, "HELLO without the KILN magic (0x%08x)",
                              m->u.hello.magic);
        }
        if (m->u.hello.nchannels > COSIM_MAX_CHANNELS) {
            return cosim_fail(err, err_size, "HELLO announces %u channels, more "
                              "than %u", m->u.hello.nchannels, COSIM_MAX_CHANNELS);
        }
        return 0;
    case COSIM_READ:
    case COSIM_WRITE:
        if (m->u.access.size < 1 || m->u.access.size > COSIM_MAX_DATA) {
            return cosim_fail(err, err_size, "%s of %u bytes (1 to %u allowed)",
                              name, m->u.access.size, COSIM_MAX_DATA);
        }
        if (m->hdr.type == COSIM_WRITE && m->data_len != m->u.access.size) {
            return cosim_fail(err, err_size, "WRITE of %u bytes carries %u",
                              m->u.access.size, m->data_len);
        }
        return 0;
    case COSIM_DMA_READ:
    case COSIM_DMA_WRITE:
        if (m->u.dma.size < 1 || m->u.dma.size > COSIM_MAX_DATA) {
            return cosim_fail(err, err_size, "%s of %u bytes (1 to %u allowed)",
                              name, m->u.dma.size, COSIM_MAX_DATA);
        }
        if (m->hdr.type == COSIM_DMA_WRITE && m->data_len != m->u.dma.size) {
            return cosim_fail(err, err_size, "DMA_WRITE of %u bytes carries %u",
                              m->u.dma.size, m->data_len);
        }
        return 0;
    case COSIM_RESP:
        if (m->u.resp.status > COSIM_GENERIC_ERROR) {
            return cosim_fail(err, err_size, "RESP with unknown status %u",
                              m->u.resp.status);
        }
        return 0;
    case COSIM_DMA_RESP:
        if (m->u.dma_resp.status > COSIM_GENERIC_ERROR) {
            return cosim_fail(err, err_size, "DMA_RESP with unknown status %u",
                              m->u.dma_resp.status);
        }
        return 0;
    case COSIM_IRQ:
        if (m->u.irq.level > 1) {
            return cosim_fail(err, err_size, "IRQ with level %u (0 or 1 allowed)",
                              m->u.irq.level);
        }
        return 0;
    case COSIM_SHM_OFFER:
        if (!memchr(m->u.shm_offer.name, '\0', COSIM_SHM_NAME_LEN)) {
            return cosim_fail(err, err_size, "SHM_OFFER name is not terminated");
        }
        return 0;
    case COSIM_SHM_REPLY:
        if (m->u.shm_reply.accepted > 1) {
            return cosim_fail(err, err_size, "SHM_REPLY with accepted %u (0 or 1 "
                              "allowed)", m->u.shm_reply.accepted);
        }
        return 0;
    default:
        return 0;
    }
}

int cosim_wire_decode(const void *buf, size_t len, CosimMsg *m, char *err,
                      size_t err_size)
{
    const uint8_t *b = buf;
    const WireShape *shape;
    Cursor c = { .cp = b };
    uint32_t payload;

    memset(m, 0, sizeof(*m));
    if (len < sizeof(CosimHeader)) {
        return cosim_fail(err, err_size, "truncated header (%zu of %zu bytes)", len,
                          sizeof(CosimHeader));
    }
    if (len > COSIM_WIRE_MAX) {
        return cosim_fail(err, err_size, "%zu bytes, longer than any message", len);
    }
    m->hdr.type = (uint16_t)rd(&c, 2);
    m->hdr.channel = (uint16_t)rd(&c, 2);
    m->hdr.id = (uint32_t)rd(&c, 4);
    m->hdr.flags = (uint32_t)rd(&c, 4);
    m->hdr.length = (uint32_t)rd(&c, 4);
    m->hdr.timestamp = rd(&c, 8);
    payload = (uint32_t)(len - sizeof(CosimHeader));

    shape = wire_shape(m->hdr.type);
    if (!shape) {
        return cosim_fail(err, err_size, "unknown message type %u", m->hdr.type);
    }
    if (m->hdr.length != payload) {
        return cosim_fail(err, err_size, "%s header says %u payload bytes, %u came",
                          shape->name, m->hdr.length, payload);
    }
    if (m->hdr.channel >= COSIM_MAX_CHANNELS) {
        return cosim_fail(err, err_size, "%s for channel %u (at most %u)",
                          shape->name, m->hdr.channel, COSIM_MAX_CHANNELS - 1);
    }
    if (m->hdr.type == COSIM_HELLO && payload != shape->fixed &&
        payload >= 8 && get_le(b + sizeof(CosimHeader) + 4, 2) != COSIM_VERSION) {
        return decode_foreign_hello(b + sizeof(CosimHeader), m, err, err_size);
    }
    if (payload < shape->fixed || payload - shape->fixed > shape->max_data) {
        if (shape->max_data == 0) {
            return cosim_fail(err, err_size, "%s payload is %u bytes, not %u",
                              shape->name, payload, shape->fixed);
        }
        return cosim_fail(err, err_size, "%s payload is %u bytes, not %u to %u",
                          shape->name, payload, shape->fixed,
                          shape->fixed + shape->max_data);
    }
    decode_fixed(m->hdr.type, &c, m);
    m->data_len = payload - shape->fixed;
    m->data = m->data_len ? b + sizeof(CosimHeader) + shape->fixed : NULL;
    return check_fields(m, err, err_size);
}

size_t cosim_wire_split(const void *buf, size_t len)
{
    const uint8_t *b = buf;
    uint64_t whole;

    if (len < sizeof(CosimHeader)) {
        return len;
    }
    whole = sizeof(CosimHeader) + get_le(b + offsetof(CosimHeader, length), 4);
    return whole < len ? (size_t)whole : len;
}

/* --- encoding --- */

static void encode_fixed(const CosimMsg *m, Cursor *c)
{
    switch (m->hdr.type) {
    case COSIM_HELLO:
        wr(c, 4, m->u.hello.magic);
        wr(c, 2, m->u.hello.version);
        wr(c, 2, m->u.hello.nchannels);
        wr(c, 4, m->u.hello.capabilities);
        wr(c, 4, m->u.hello.reserved);
        wr(c, 8, m->u.hello.quantum_ns);
        wr(c, 8, m->u.hello.lookahead_ns);
        memcpy(c->p, m->u.hello.name, COSIM_NAME_LEN);
        c->p += COSIM_NAME_LEN;
        break;
    case COSIM_READ:
    case COSIM_WRITE:
        wr(c, 8, m->u.access.addr);
        wr(c, 4, m->u.access.size);
        wr(c, 4, m->u.access.attrs);
        wr(c, 8, m->u.access.byte_enable);
        break;
    case COSIM_RESP:
        wr(c, 4, m->u.resp.status);
        wr(c, 4, m->u.resp.reserved);
        wr(c, 8, m->u.resp.delay_ns);
        wr(c, 8, m->u.resp.next_event);
        break;
    case COSIM_IRQ:
        wr(c, 4, m->u.irq.line);
        wr(c, 4, m->u.irq.level);
        break;
    case COSIM_DMA_READ:
    case COSIM_DMA_WRITE:
        wr(c, 8, m->u.dma.addr);
        wr(c, 4, m->u.dma.size);
        wr(c, 4, m->u.dma.reserved);
        break;
    case COSIM_DMA_RESP:
        wr(c, 4, m->u.dma_resp.status);
        wr(c, 4, m->u.dma_resp.reserved);
        break;
    case COSIM_SYNC_REPLY:
        wr(c, 8, m->u.sync_reply.next_event);
        break;
    case COSIM_SHM_OFFER:
        wr(c, 8, m->u.shm_offer.nonce);
        wr(c, 8, m->u.shm_offer.size);
        memcpy(c->p, m->u.shm_offer.name, COSIM_SHM_NAME_LEN);
        c->p += COSIM_SHM_NAME_LEN;
        break;
    case COSIM_SHM_REPLY:
        wr(c, 4, m->u.shm_reply.accepted);
        wr(c, 4, m->u.shm_reply.reserved);
        break;
    default:
        break;
    }
}

size_t cosim_wire_encode(const CosimMsg *m, void *buf)
{
    const WireShape *shape = wire_shape(m->hdr.type);
    uint32_t fixed = shape ? shape->fixed : 0;
    uint32_t max = shape ? shape->max_data : 0;
    uint32_t data_len = m->data_len < max ? m->data_len : max;
    Cursor c = { .p = buf };

    wr(&c, 2, m->hdr.type);
    wr(&c, 2, m->hdr.channel);
    wr(&c, 4, m->hdr.id);
    wr(&c, 4, m->hdr.flags);
    wr(&c, 4, fixed + data_len);
    wr(&c, 8, m->hdr.timestamp);
    encode_fixed(m, &c);
    if (data_len) {
        memcpy(c.p, m->data, data_len);
    }
    return sizeof(CosimHeader) + fixed + data_len;
}

bool cosim_monitor_disconnected(void *monitor)
{
    bool gone = false;

    for (;;) {
        zmq_msg_t frame;
        bool more;

        zmq_msg_init(&frame);
        if (zmq_msg_recv(&frame, monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&frame);
            return gone;
        }
        /* Monitor events are two frames: {u16 event, u32 value}, endpoint. */
        if (zmq_msg_size(&frame) >= 2) {
            const uint8_t *p = zmq_msg_data(&frame);

            gone |= (p[0] | p[1] << 8) == ZMQ_EVENT_DISCONNECTED;
        }
        more = zmq_msg_more(&frame);
        zmq_msg_close(&frame);
        while (more) {
            zmq_msg_init(&frame);
            zmq_msg_recv(&frame, monitor, 0);
            more = zmq_msg_more(&frame);
            zmq_msg_close(&frame);
        }
    }
}

/* --- the link --- */

int cosim_link_init(CosimLink *l, void *ctx, void *sock, int send_timeout_ms)
{
    static unsigned monitors;
    char ep[64];

    memset(l, 0, sizeof(*l));
    l->sock = sock;
    l->send_timeout_ms = send_timeout_ms;
    zmq_setsockopt(sock, ZMQ_SNDTIMEO, &send_timeout_ms,
                   sizeof(send_timeout_ms));
    /*
     * A monitor is an inproc endpoint of the context, which a bridge and
     * a model in one process share: the address and a counter keep the
     * name unique.
     */
    snprintf(ep, sizeof(ep), "inproc://kiln-cosim-monitor.%p.%u", (void *)l,
             __atomic_fetch_add(&monitors, 1, __ATOMIC_RELAXED));
    l->monitor = zmq_socket(ctx, ZMQ_PAIR);
    if (!l->monitor ||
        zmq_socket_monitor(sock, ep, ZMQ_EVENT_DISCONNECTED) < 0 ||
        zmq_connect(l->monitor, ep) < 0) {
        return -1;
    }
    return 0;
}

/* Sticky: the monitor's events are drained as they are read. */
static bool link_gone(void *opaque)
{
    CosimLink *l = opaque;

    if (!l->gone && l->monitor && cosim_monitor_disconnected(l->monitor)) {
        l->gone = true;
    }
    return l->gone;
}

/* A ring's failure as the link's. */
static int link_ring_failure(CosimLink *l, int64_t rc, const CosimRing *r)
{
    switch (rc) {
    case COSIM_RING_TIMEOUT:
        return COSIM_LINK_TIMEOUT;
    case COSIM_RING_GONE:
        return COSIM_LINK_CLOSED;
    default:
        snprintf(l->why, sizeof(l->why), "%s", r->why);
        return COSIM_LINK_CORRUPT;
    }
}

/* One ZeroMQ message, or one slot of the ring. */
static int link_transfer(CosimLink *l, const void *buf, size_t len)
{
    l->transfers_out++;
    if (l->shm) {
        int rc = cosim_ring_send(&l->tx, buf, (uint32_t)len,
                                 l->send_timeout_ms, link_gone, l);

        return rc < 0 ? link_ring_failure(l, rc, &l->tx) : 0;
    }
    while (zmq_send(l->sock, buf, len, 0) < 0) {
        if (errno != EINTR) {
            return errno == EAGAIN ? COSIM_LINK_TIMEOUT : COSIM_LINK_FAILED;
        }
    }
    return 0;
}

static void link_append(CosimLink *l, const void *buf, size_t len)
{
    memcpy(l->tx_batch + l->tx_len, buf, len);
    l->tx_len += (uint32_t)len;
    l->msgs_out++;
}

int cosim_link_flush(CosimLink *l)
{
    uint32_t len = l->tx_len;

    if (!len) {
        return 0;
    }
    /* Sent or not, the batch is over: a failure ends the link. */
    l->tx_len = 0;
    return link_transfer(l, l->tx_batch, len);
}

int cosim_link_send(CosimLink *l, const void *buf, size_t len)
{
    int rc;

    /* What waits and this message, in one ZeroMQ message when they fit. */
    if (l->tx_len && len <= sizeof(l->tx_batch) - l->tx_len) {
        link_append(l, buf, len);
        return cosim_link_flush(l);
    }
    rc = cosim_link_flush(l);
    if (rc < 0) {
        return rc;
    }
    l->msgs_out++;
    return link_transfer(l, buf, len);
}

int cosim_link_post(CosimLink *l, const void *buf, size_t len)
{
    if (!l->batch || l->shm || len > sizeof(l->tx_batch)) {
        return cosim_link_send(l, buf, len);
    }
    if (len > sizeof(l->tx_batch) - l->tx_len) {
        int rc = cosim_link_flush(l);

        if (rc < 0) {
            return rc;
        }
    }
    link_append(l, buf, len);
    return 0;
}

void cosim_link_set_batching(CosimLink *l, bool on)
{
    l->batch = on;
}

static int64_t monotonic_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The next message of the batch in rx_batch into BUF (SIZE bytes). */
static int64_t link_next_in_batch(CosimLink *l, void *buf, size_t size)
{
    size_t n = cosim_wire_split(l->rx_batch + l->rx_off,
                                l->rx_len - l->rx_off);

    memcpy(buf, l->rx_batch + l->rx_off, n < size ? n : size);
    l->rx_off += (uint32_t)n;
    l->msgs_in++;
    return (int64_t)n;
}

/*
 * The first message of a ZeroMQ message from a peer that batches (the
 * rest stays in rx_batch), or -1 when none has come.
 */
static int64_t link_recv_batch(CosimLink *l, void *buf, size_t size)
{
    int n = zmq_recv(l->sock, l->rx_batch, sizeof(l->rx_batch),
                     ZMQ_DONTWAIT);

    if (n < 0) {
        return -1;
    }
    l->transfers_in++;
    l->rx_len = 0;
    l->rx_off = 0;
    if ((size_t)n > sizeof(l->rx_batch)) {
        /*
         * Longer than any batch: handed on whole, as one message longer
         * than any, for the decoder to reject.
         */
        memcpy(buf, l->rx_batch, size < sizeof(l->rx_batch)
                                 ? size : sizeof(l->rx_batch));
        l->msgs_in++;
        return n;
    }
    l->rx_len = (uint32_t)n;
    return link_next_in_batch(l, buf, size);
}

int64_t cosim_link_recv(CosimLink *l, void *buf, size_t size, int timeout_ms)
{
    int64_t deadline = timeout_ms < 0 ? -1
                                      : monotonic_us() + timeout_ms * 1000LL;
    /* The peer may need what waits here before it can answer. */
    int rc = cosim_link_flush(l);

    if (rc < 0) {
        return rc;
    }
    if (l->rx_off < l->rx_len) {
        return link_next_in_batch(l, buf, size);
    }
    if (l->shm) {
        int64_t n = cosim_ring_recv(&l->rx, buf, size, timeout_ms, link_gone,
                                    l);

        if (n < 0) {
            return link_ring_failure(l, n, &l->rx);
        }
        l->transfers_in++;
        l->msgs_in++;
        return n;
    }
    for (;;) {
        zmq_pollitem_t items[] = {
            { .socket = l->sock, .events = ZMQ_POLLIN },
            { .socket = l->monitor, .events = ZMQ_POLLIN },
        };
        long wait = -1;
        int n;

        if (deadline >= 0) {
            int64_t left = deadline - monotonic_us();

            if (left <= 0) {
                return COSIM_LINK_TIMEOUT;
            }
            wait = (long)((left + 999) / 1000);
        }
        if (zmq_poll(items, 2, wait) < 0 && errno != EINTR) {
            return COSIM_LINK_FAILED;
        }
        if (l->batch) {
            int64_t got = link_recv_batch(l, buf, size);

            if (got >= 0) {
                return got;
            }
        } else if ((n = zmq_recv(l->sock, buf, size, ZMQ_DONTWAIT)) >= 0) {
            l->transfers_in++;
            l->msgs_in++;
            return n;
        }
        /* Messages first: a peer may answer, then go. */
        if (items[1].revents && link_gone(l)) {
            return COSIM_LINK_CLOSED;
        }
    }
}

void cosim_link_use_ring(CosimLink *l, CosimShm *shm, bool kiln)
{
    l->shm = shm;
    cosim_shm_rings(shm, kiln, &l->tx, &l->rx);
}

bool cosim_link_on_ring(const CosimLink *l)
{
    return l->shm != NULL;
}

void cosim_link_close(CosimLink *l, int linger_ms)
{
    /*
     * What waits goes if there is room at once: a closing side does not
     * wait for a peer that may have gone (and the ring has nothing
     * waiting, ever).
     */
    if (l->sock && l->tx_len && !l->shm) {
        zmq_send(l->sock, l->tx_batch, l->tx_len, ZMQ_DONTWAIT);
        l->tx_len = 0;
    }
    /*
     * Monitoring stops first: an event the I/O thread sends to a monitor
     * socket already closed is lost with its memory.
     */
    if (l->sock) {
        zmq_socket_monitor(l->sock, NULL, 0);
    }
    if (l->monitor) {
        zmq_close(l->monitor);
        l->monitor = NULL;
    }
    if (l->sock) {
        zmq_setsockopt(l->sock, ZMQ_LINGER, &linger_ms, sizeof(linger_ms));
        zmq_close(l->sock);
        l->sock = NULL;
    }
    cosim_shm_free(l->shm);
    l->shm = NULL;
}
