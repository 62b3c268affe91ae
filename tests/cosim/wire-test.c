/*
 * The cosim wire codec (cosim/wire.c): every type round-trips, every
 * malformation the spec names is rejected, and a deterministic stream of
 * random and mutated messages is either rejected or accepted as a message
 * that encodes back to the very same bytes - never a crash or an
 * overread (run it in the sanitizer build: each message decoded sits in a
 * heap block of exactly its length).  Batches (COSIM_CAP_BATCH) split
 * into the same messages, fuzzed too, and the link sends and hands out
 * their messages in order.
 */
#include <glib.h>
#include <stdbool.h>
#include <string.h>
#include <zmq.h>

#include "wire.h"

/* The message types, first to last. */
#define FIRST_TYPE COSIM_HELLO
#define LAST_TYPE COSIM_SHM_REPLY
#define NTYPES (LAST_TYPE - FIRST_TYPE + 1)

/* xorshift64*: the same stream on every host and every run. */
static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t rng_below(uint32_t n)
{
    return (uint32_t)(rng() % n);
}

/* Decode LEN bytes from a heap copy of exactly that size. */
static int decode_exact(const void *buf, size_t len, CosimMsg *msg,
                        char *why, uint8_t **copy)
{
    *copy = g_malloc(len ? len : 1);
    memcpy(*copy, buf, len);
    return cosim_wire_decode(*copy, len, msg, why, COSIM_WIRE_ERR_LEN);
}

/* A valid message of TYPE with random fields; data in DATA. */
static CosimMsg random_valid(unsigned type, uint8_t *data)
{
    CosimMsg m = {
        .hdr = { .type = (uint16_t)type,
                 .channel = (uint16_t)rng_below(COSIM_MAX_CHANNELS),
                 .id = (uint32_t)rng(), .flags = (uint32_t)rng_below(4),
                 .timestamp = rng() },
    };
    uint32_t size = 1 + rng_below(COSIM_MAX_DATA);

    for (unsigned i = 0; i < COSIM_MAX_DATA; i++) {
        data[i] = (uint8_t)rng();
    }
    switch (type) {
    case COSIM_HELLO:
        m.u.hello = (CosimHello){
            .magic = COSIM_MAGIC, .version = COSIM_VERSION,
            .nchannels = (uint16_t)rng_below(COSIM_MAX_CHANNELS + 1),
            .capabilities = (uint32_t)rng(), .reserved = (uint32_t)rng(),
            .quantum_ns = rng(), .lookahead_ns = rng(),
        };
        memcpy(m.u.hello.name, data, COSIM_NAME_LEN);
        break;
    case COSIM_READ:
    case COSIM_WRITE:
        m.u.access = (CosimAccess){ .addr = rng(), .size = size,
                                    .attrs = (uint32_t)rng(),
                                    .byte_enable = rng() };
        if (type == COSIM_WRITE) {
            m.data = data;
            m.data_len = size;
        }
        break;
    case COSIM_RESP:
        m.u.resp = (CosimResp){ .status = rng_below(3),
                                .reserved = (uint32_t)rng(),
                                .delay_ns = rng(), .next_event = rng() };
        m.data = data;
        m.data_len = rng_below(COSIM_MAX_DATA + 1);
        break;
    case COSIM_IRQ:
        m.u.irq = (CosimIrq){ .line = (uint32_t)rng(), .level = rng_below(2) };
        break;
    case COSIM_DMA_READ:
    case COSIM_DMA_WRITE:
        m.u.dma = (CosimDma){ .addr = rng(), .size = size,
                              .reserved = (uint32_t)rng() };
        if (type == COSIM_DMA_WRITE) {
            m.data = data;
            m.data_len = size;
        }
        break;
    case COSIM_DMA_RESP:
        m.u.dma_resp = (CosimDmaResp){ .status = rng_below(3),
                                       .reserved = (uint32_t)rng() };
        m.data = data;
        m.data_len = rng_below(COSIM_MAX_DATA + 1);
        break;
    case COSIM_SYNC_REPLY:
        m.u.sync_reply.next_event = rng();
        break;
    case COSIM_ERROR:
        m.data = data;
        m.data_len = rng_below(COSIM_ERROR_TEXT_MAX + 1);
        break;
    case COSIM_SHM_OFFER:
        m.u.shm_offer = (CosimShmOffer){ .nonce = rng(), .size = rng() };
        /* Any bytes, terminated somewhere in the field. */
        memcpy(m.u.shm_offer.name, data, COSIM_SHM_NAME_LEN);
        m.u.shm_offer.name[rng_below(COSIM_SHM_NAME_LEN)] = '\0';
        break;
    case COSIM_SHM_REPLY:
        m.u.shm_reply = (CosimShmReply){ .accepted = rng_below(2),
                                         .reserved = (uint32_t)rng() };
        m.data = data;
        m.data_len = rng_below(COSIM_ERROR_TEXT_MAX + 1);
        break;
    default:
        break;
    }
    if (!m.data_len) {
        m.data = NULL;
    }
    return m;
}

static void assert_same(const CosimMsg *a, const CosimMsg *b)
{
    g_assert_cmpuint(a->hdr.type, ==, b->hdr.type);
    g_assert_cmpuint(a->hdr.channel, ==, b->hdr.channel);
    g_assert_cmpuint(a->hdr.id, ==, b->hdr.id);
    g_assert_cmpuint(a->hdr.flags, ==, b->hdr.flags);
    g_assert_cmpuint(a->hdr.timestamp, ==, b->hdr.timestamp);
    g_assert_true(memcmp(&a->u, &b->u, sizeof(a->u)) == 0);
    g_assert_cmpuint(a->data_len, ==, b->data_len);
    if (a->data_len) {
        g_assert_true(memcmp(a->data, b->data, a->data_len) == 0);
    }
}

static void test_roundtrip(void)
{
    rng_state = 0x1234567887654321ull;
    for (unsigned n = 0; n < 20000; n++) {
        unsigned type = FIRST_TYPE + n % NTYPES;
        uint8_t data[COSIM_MAX_DATA];
        uint8_t buf[COSIM_WIRE_MAX];
        char why[COSIM_WIRE_ERR_LEN];
        CosimMsg in = random_valid(type, data);
        CosimMsg out;
        uint8_t *copy;
        size_t len = cosim_wire_encode(&in, buf);

        g_assert_cmpuint(len, <=, COSIM_WIRE_MAX);
        if (decode_exact(buf, len, &out, why, &copy) < 0) {
            g_error("%s rejected: %s", cosim_wire_type_name(type), why);
        }
        g_assert_cmpuint(out.hdr.length, ==, len - sizeof(CosimHeader));
        in.hdr.length = out.hdr.length;
        assert_same(&in, &out);
        g_free(copy);
    }
}

/* One header of TYPE with LENGTH payload bytes (garbage unless set). */
static size_t raw_msg(uint8_t *buf, unsigned type, uint32_t payload)
{
    memset(buf, 0, sizeof(CosimHeader) + payload);
    buf[0] = (uint8_t)type;
    buf[1] = (uint8_t)(type >> 8);
    memcpy(buf + 12, &(uint32_t){ GUINT32_TO_LE(payload) }, 4);
    return sizeof(CosimHeader) + payload;
}

static void expect_reject(const void *buf, size_t len, const char *reason)
{
    char why[COSIM_WIRE_ERR_LEN];
    CosimMsg m;
    uint8_t *copy;

    g_assert_cmpint(decode_exact(buf, len, &m, why, &copy), ==, -1);
    if (!strstr(why, reason)) {
        g_error("rejected for \"%s\", expected \"%s\"", why, reason);
    }
    g_free(copy);
}

/* A valid message of TYPE, encoded, for the malformation tests to edit. */
static size_t valid_msg(uint8_t *buf, unsigned type)
{
    uint8_t data[COSIM_MAX_DATA];
    CosimMsg m = random_valid(type, data);

    return cosim_wire_encode(&m, buf);
}

/* A WRITE or DMA_WRITE of SIZE bytes. */
static size_t sized_msg(uint8_t *buf, unsigned type, uint32_t size)
{
    static const uint8_t data[COSIM_MAX_DATA];
    CosimMsg m = { .hdr = { .type = (uint16_t)type }, .data = data,
                   .data_len = size };

    if (type == COSIM_WRITE) {
        m.u.access.size = size;
    } else {
        m.u.dma.size = size;
    }
    return cosim_wire_encode(&m, buf);
}

static void put32(uint8_t *p, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(p, &v, 4);
}

static void test_malformed(void)
{
    uint8_t buf[COSIM_WIRE_MAX + 64];
    size_t len;

    rng_state = 99;
    for (size_t n = 0; n < sizeof(CosimHeader); n++) {
        expect_reject(buf, n, "truncated header");
    }
    len = raw_msg(buf, 0, 0);
    expect_reject(buf, len, "unknown message type 0");
    len = raw_msg(buf, LAST_TYPE + 1, 0);
    expect_reject(buf, len, "unknown message type 16");
    len = raw_msg(buf, 0xffff, 0);
    expect_reject(buf, len, "unknown message type 65535");
    len = raw_msg(buf, COSIM_BYE, 0);
    expect_reject(buf, COSIM_WIRE_MAX + 1, "longer than any message");

    /* The header's length must be what came. */
    len = valid_msg(buf, COSIM_SYNC_REPLY);
    put32(buf + 12, 9);
    expect_reject(buf, len, "header says 9 payload bytes, 8 came");

    /* Each fixed-size type, one byte short and one byte long. */
    static const unsigned fixed_types[] = {
        COSIM_READ, COSIM_IRQ, COSIM_DMA_READ, COSIM_SYNC, COSIM_SYNC_REPLY,
        COSIM_RESET, COSIM_BYE, COSIM_HELLO, COSIM_SHM_OFFER,
    };
    for (size_t i = 0; i < G_N_ELEMENTS(fixed_types); i++) {
        len = valid_msg(buf, fixed_types[i]);
        if (len > sizeof(CosimHeader)) {
            put32(buf + 12, (uint32_t)(len - sizeof(CosimHeader) - 1));
            expect_reject(buf, len - 1, "payload is");
        }
        len = valid_msg(buf, fixed_types[i]);
        put32(buf + 12, (uint32_t)(len - sizeof(CosimHeader) + 1));
        expect_reject(buf, len + 1, "payload is");
    }

    /* Sizes and data lengths. */
    len = valid_msg(buf, COSIM_READ);
    put32(buf + 24 + 8, 0);
    expect_reject(buf, len, "READ of 0 bytes");
    put32(buf + 24 + 8, COSIM_MAX_DATA + 1);
    expect_reject(buf, len, "READ of 257 bytes");
    len = sized_msg(buf, COSIM_WRITE, 8);
    put32(buf + 24 + 8, 9);
    expect_reject(buf, len, "WRITE of 9 bytes carries 8");
    len = sized_msg(buf, COSIM_DMA_WRITE, 8);
    put32(buf + 24 + 8, 7);
    expect_reject(buf, len, "DMA_WRITE of 7 bytes carries 8");
    len = valid_msg(buf, COSIM_DMA_READ);
    put32(buf + 24 + 8, 0);
    expect_reject(buf, len, "DMA_READ of 0 bytes");

    /* Field ranges. */
    len = valid_msg(buf, COSIM_IRQ);
    put32(buf + 24 + 4, 2);
    expect_reject(buf, len, "level 2");
    len = valid_msg(buf, COSIM_RESP);
    put32(buf + 24, 3);
    expect_reject(buf, len, "unknown status 3");
    len = valid_msg(buf, COSIM_DMA_RESP);
    put32(buf + 24, 7);
    expect_reject(buf, len, "unknown status 7");
    len = valid_msg(buf, COSIM_RESET);
    buf[2] = COSIM_MAX_CHANNELS;
    buf[3] = 0;
    expect_reject(buf, len, "channel 64");
    len = valid_msg(buf, COSIM_HELLO);
    buf[24] ^= 1;
    expect_reject(buf, len, "magic");
    len = valid_msg(buf, COSIM_HELLO);
    buf[24 + 6] = COSIM_MAX_CHANNELS + 1;
    buf[24 + 7] = 0;
    expect_reject(buf, len, "65 channels");

    /* Data past what RESP and ERROR may carry. */
    len = raw_msg(buf, COSIM_RESP, sizeof(CosimResp) + COSIM_MAX_DATA + 1);
    expect_reject(buf, len, "longer than any message");
    len = raw_msg(buf, COSIM_ERROR, COSIM_ERROR_TEXT_MAX + 1);
    expect_reject(buf, len, "ERROR payload is 257 bytes");
    len = raw_msg(buf, COSIM_SHM_REPLY,
                  sizeof(CosimShmReply) + COSIM_ERROR_TEXT_MAX + 1);
    expect_reject(buf, len, "SHM_REPLY payload is 265 bytes");

    /* The shared-memory handshake's own fields. */
    len = valid_msg(buf, COSIM_SHM_OFFER);
    memset(buf + 24 + 16, 'x', COSIM_SHM_NAME_LEN);
    expect_reject(buf, len, "SHM_OFFER name is not terminated");
    len = valid_msg(buf, COSIM_SHM_REPLY);
    put32(buf + 24, 2);
    expect_reject(buf, len, "SHM_REPLY with accepted 2");
}

/*
 * A HELLO of another version is decoded as far as magic and version,
 * whatever its length, so that the mismatch can be named.
 */
static void test_foreign_hello(void)
{
    uint8_t buf[64];
    char why[COSIM_WIRE_ERR_LEN];
    CosimMsg m;
    uint8_t *copy;
    size_t len = raw_msg(buf, COSIM_HELLO, 12);

    put32(buf + 24, COSIM_MAGIC);
    buf[28] = 2;
    g_assert_cmpint(decode_exact(buf, len, &m, why, &copy), ==, 0);
    g_assert_cmpuint(m.u.hello.version, ==, 2);
    g_free(copy);

    /* The same length in version 1 is malformed, */
    buf[28] = COSIM_VERSION;
    expect_reject(buf, len, "HELLO payload is 12 bytes, not 64");
    /* and a foreign HELLO still needs the magic. */
    buf[28] = 2;
    buf[24] = 0;
    expect_reject(buf, len, "magic");
}

/* Accepted messages must encode back to exactly what was decoded. */
static void check_fuzzed(const uint8_t *buf, size_t len, unsigned *accepted)
{
    uint8_t again[COSIM_WIRE_MAX];
    char why[COSIM_WIRE_ERR_LEN];
    CosimMsg m;
    uint8_t *copy;

    if (decode_exact(buf, len, &m, why, &copy) == 0) {
        bool foreign = m.hdr.type == COSIM_HELLO &&
                       m.u.hello.version != COSIM_VERSION;

        (*accepted)++;
        if (!foreign) {
            size_t n = cosim_wire_encode(&m, again);

            g_assert_cmpuint(n, ==, len);
            g_assert_true(memcmp(again, buf, len) == 0);
        }
    } else {
        g_assert_cmpuint(strlen(why), >, 0);
    }
    g_free(copy);
}

static void test_fuzz(void)
{
    unsigned accepted = 0, total = 0;

    rng_state = 0x5eed5eed5eed5eedull;
    /* Random bytes: almost all rejected, none may crash. */
    for (unsigned n = 0; n < 50000; n++) {
        uint8_t buf[COSIM_WIRE_MAX + 32];
        size_t len = rng_below(sizeof(buf) + 1);

        for (size_t i = 0; i < len; i++) {
            buf[i] = (uint8_t)rng();
        }
        /* Half of them with a plausible type, so they get past the header. */
        if (len >= 2 && (n & 1)) {
            buf[0] = (uint8_t)(FIRST_TYPE + rng_below(NTYPES));
            buf[1] = 0;
        }
        check_fuzzed(buf, len, &accepted);
        total++;
    }
    /* Mutations of valid messages: bit flips, cuts, growth, field pokes. */
    for (unsigned n = 0; n < 200000; n++) {
        uint8_t buf[COSIM_WIRE_MAX + 32];
        size_t len = valid_msg(buf, FIRST_TYPE + n % NTYPES);
        unsigned edits = 1 + rng_below(4);

        for (unsigned e = 0; e < edits; e++) {
            switch (rng_below(5)) {
            case 0:
                if (len) {
                    buf[rng_below((uint32_t)len)] ^= (uint8_t)(1u << rng_below(8));
                }
                break;
            case 1:
                len = rng_below((uint32_t)len + 1);
                break;
            case 2:
                while (len < sizeof(buf) && rng_below(4)) {
                    buf[len++] = (uint8_t)rng();
                }
                break;
            case 3:
                if (len >= 16) {
                    /* Keep the header's length in step with the size. */
                    put32(buf + 12, (uint32_t)(len - sizeof(CosimHeader)));
                }
                break;
            default:
                if (len >= 4) {
                    put32(buf + rng_below((uint32_t)len - 3), (uint32_t)rng());
                }
                break;
            }
        }
        check_fuzzed(buf, len, &accepted);
        total++;
    }
    /* The stream is fixed: these counts pin that it reaches both outcomes. */
    g_test_message("fuzz: %u of %u messages accepted", accepted, total);
    g_assert_cmpuint(accepted, >, total / 20);
    g_assert_cmpuint(accepted, <, total / 2);
}

/*
 * Batches (COSIM_CAP_BATCH): messages back to back split where each
 * header says, and whatever is left when a header does not fit or runs
 * past the end is one piece, judged by the decoder as a message alone.
 */
static void test_split(void)
{
    uint8_t batch[COSIM_BATCH_MAX] = { 0 };
    size_t len = 0, starts[NTYPES + 1], off;
    unsigned n = 0;
    CosimMsg m;
    char why[COSIM_WIRE_ERR_LEN];

    rng_state = 0xba7c4ba7c4ba7c4bull;
    g_assert_cmpuint(cosim_wire_split(batch, 0), ==, 0);
    for (unsigned t = FIRST_TYPE; t <= LAST_TYPE; t++) {
        uint8_t one[COSIM_WIRE_MAX];
        size_t l = valid_msg(one, t);

        starts[n++] = len;
        memcpy(batch + len, one, l);
        len += l;
    }
    starts[n] = len;
    for (off = 0, n = 0; off < len; n++) {
        size_t piece = cosim_wire_split(batch + off, len - off);
        uint8_t *copy;

        g_assert_cmpuint(off, ==, starts[n]);
        g_assert_cmpuint(piece, ==, starts[n + 1] - starts[n]);
        g_assert_cmpint(decode_exact(batch + off, piece, &m, why, &copy), ==,
                        0);
        g_assert_cmpuint(m.hdr.type, ==, FIRST_TYPE + n);
        g_free(copy);
        off += piece;
    }
    g_assert_cmpuint(n, ==, NTYPES);

    /* After a WRITE: a header cut short, */
    len = sized_msg(batch, COSIM_WRITE, 4);
    g_assert_cmpuint(cosim_wire_split(batch, len + 10), ==, len);
    g_assert_cmpuint(cosim_wire_split(batch + len, 10), ==, 10);
    expect_reject(batch + len, 10, "truncated header (10 of 24 bytes)");
    /* a length running past the end of the batch, */
    raw_msg(batch + len, COSIM_RESP, 10);
    put32(batch + len + 12, 28);
    g_assert_cmpuint(cosim_wire_split(batch + len, 34), ==, 34);
    expect_reject(batch + len, 34, "RESP header says 28 payload bytes, 10 "
                                   "came");
    /* or as far as a length can run. */
    put32(batch + len + 12, UINT32_MAX);
    g_assert_cmpuint(cosim_wire_split(batch + len, 34), ==, 34);
    /* A length that stops short leaves the rest to the next header. */
    raw_msg(batch + len, COSIM_SYNC, 0);
    memset(batch + len + 24, 0x77, 24);
    g_assert_cmpuint(cosim_wire_split(batch + len, 48), ==, 24);
    expect_reject(batch + len + 24, 24, "unknown message type 30583");
}

/*
 * Batches of valid and mutated messages: splitting always moves on, the
 * pieces cover the batch, and each piece is accepted or rejected as the
 * decoder would any message (the sanitizer build sees every piece in a
 * heap block of exactly its length); unmutated batches come back whole.
 */
static void test_fuzz_batch(void)
{
    unsigned accepted = 0;

    rng_state = 0xfeedba7cfeedba7cull;
    for (unsigned n = 0; n < 20000; n++) {
        uint8_t batch[COSIM_BATCH_MAX];
        size_t len = 0, count = 0, pieces = 0;
        bool mutate = n & 1;

        for (;;) {
            uint8_t one[COSIM_WIRE_MAX];
            size_t l = valid_msg(one, FIRST_TYPE + rng_below(NTYPES));

            if (len + l > sizeof(batch) || rng_below(8) == 0) {
                break;
            }
            memcpy(batch + len, one, l);
            len += l;
            count++;
        }
        if (mutate) {
            for (unsigned e = 1 + rng_below(4); e > 0 && len; e--) {
                if (rng_below(2)) {
                    batch[rng_below((uint32_t)len)] ^=
                        (uint8_t)(1u << rng_below(8));
                } else {
                    len = rng_below((uint32_t)len + 1);
                }
            }
        }
        for (size_t off = 0; off < len; pieces++) {
            size_t piece = cosim_wire_split(batch + off, len - off);
            unsigned before = accepted;

            g_assert_cmpuint(piece, >, 0);
            g_assert_cmpuint(piece, <=, len - off);
            check_fuzzed(batch + off, piece, &accepted);
            if (!mutate) {
                g_assert_cmpuint(accepted, ==, before + 1);
            }
            off += piece;
        }
        if (!mutate) {
            g_assert_cmpuint(pieces, ==, count);
        }
    }
    g_test_message("batch fuzz: %u pieces accepted", accepted);
}

/* Two ends of an inproc link, the model's bound, kiln's connected. */
typedef struct LinkPair {
    void *ctx;
    CosimLink kiln, model;
} LinkPair;

static void link_pair_open(LinkPair *p, const char *ep, bool batch)
{
    void *ks, *ms;

    p->ctx = zmq_ctx_new();
    ms = zmq_socket(p->ctx, ZMQ_PAIR);
    ks = zmq_socket(p->ctx, ZMQ_PAIR);
    g_assert_cmpint(cosim_link_init(&p->model, p->ctx, ms, 1000), ==, 0);
    g_assert_cmpint(cosim_link_init(&p->kiln, p->ctx, ks, 1000), ==, 0);
    g_assert_cmpint(zmq_bind(ms, ep), ==, 0);
    g_assert_cmpint(zmq_connect(ks, ep), ==, 0);
    cosim_link_set_batching(&p->kiln, batch);
    cosim_link_set_batching(&p->model, batch);
}

static void link_pair_close(LinkPair *p)
{
    cosim_link_close(&p->kiln, 0);
    cosim_link_close(&p->model, 0);
    zmq_ctx_term(p->ctx);
}

static size_t write_msg(uint8_t *buf, uint32_t id, uint64_t t)
{
    uint32_t v = id;
    CosimMsg m = {
        .hdr = { .type = COSIM_WRITE, .id = id, .timestamp = t },
        .u.access = { .addr = 4 * id, .size = 4 },
        .data = (const uint8_t *)&v,
        .data_len = 4,
    };

    return cosim_wire_encode(&m, buf);
}

/* The next message on L, decoded; the test fails on anything else. */
static CosimMsg link_take(CosimLink *l, uint8_t *rx, size_t size)
{
    char why[COSIM_WIRE_ERR_LEN];
    int64_t n = cosim_link_recv(l, rx, size, 1000);
    CosimMsg m;

    g_assert_cmpint(n, >, 0);
    if (cosim_wire_decode(rx, (size_t)n, &m, why, sizeof(why)) < 0) {
        g_error("message rejected: %s", why);
    }
    return m;
}

/*
 * Posted messages wait, in order, and leave with the next sent one, when
 * the buffer is full, before the link waits, and when it closes; the
 * receiver hands them out one by one.  Without batching, one each.
 */
static void test_link_batch(void)
{
    enum { NPOSTS = 200 };
    uint8_t buf[COSIM_WIRE_MAX], rx[COSIM_WIRE_MAX + 1];
    CosimMsg read = { .hdr = { .type = COSIM_READ, .id = NPOSTS },
                      .u.access = { .size = 4 } };

    for (int batch = 1; batch >= 0; batch--) {
        g_autofree char *ep = g_strdup_printf("inproc://link-batch-%d", batch);
        LinkPair p;
        CosimMsg m;

        link_pair_open(&p, ep, batch);
        for (uint32_t i = 0; i < NPOSTS; i++) {
            g_assert_cmpint(cosim_link_post(&p.kiln, buf,
                                            write_msg(buf, i, 10 * i)), ==, 0);
        }
        g_assert_cmpint(cosim_link_send(&p.kiln, buf,
                                        cosim_wire_encode(&read, buf)), ==, 0);
        for (uint32_t i = 0; i < NPOSTS; i++) {
            m = link_take(&p.model, rx, sizeof(rx));
            g_assert_cmpuint(m.hdr.type, ==, COSIM_WRITE);
            g_assert_cmpuint(m.hdr.id, ==, i);
            g_assert_cmpuint(m.hdr.timestamp, ==, 10 * i);
            g_assert_cmpuint(m.u.access.addr, ==, 4 * i);
        }
        m = link_take(&p.model, rx, sizeof(rx));
        g_assert_cmpuint(m.hdr.type, ==, COSIM_READ);
        g_assert_cmpuint(p.kiln.msgs_out, ==, NPOSTS + 1);
        g_assert_cmpuint(p.model.msgs_in, ==, NPOSTS + 1);
        /* 52-byte WRITEs: 78 fill a batch, the READ rides with the rest. */
        g_assert_cmpuint(p.kiln.transfers_out, ==, batch ? 3 : NPOSTS + 1);
        g_assert_cmpuint(p.model.transfers_in, ==, p.kiln.transfers_out);

        /* Waiting on the link sends what waits: the peer may need it. */
        g_assert_cmpint(cosim_link_post(&p.kiln, buf, write_msg(buf, 7, 0)),
                        ==, 0);
        g_assert_cmpint(cosim_link_recv(&p.kiln, rx, sizeof(rx), 0), ==,
                        COSIM_LINK_TIMEOUT);
        m = link_take(&p.model, rx, sizeof(rx));
        g_assert_cmpuint(m.hdr.id, ==, 7);
        /* So does closing. */
        g_assert_cmpint(cosim_link_post(&p.kiln, buf, write_msg(buf, 8, 0)),
                        ==, 0);
        cosim_link_close(&p.kiln, 1000);
        m = link_take(&p.model, rx, sizeof(rx));
        g_assert_cmpuint(m.hdr.id, ==, 8);
        link_pair_close(&p);
    }
}

/*
 * A malformed message inside a batch reaches the decoder as it would
 * alone, after the good ones before it; a ZeroMQ message longer than
 * any batch is a message longer than any.
 */
static void test_link_bad_batch(void)
{
    uint8_t batch[COSIM_BATCH_MAX + 100], rx[COSIM_WIRE_MAX + 1];
    char why[COSIM_WIRE_ERR_LEN];
    size_t len;
    int64_t n;
    LinkPair p;
    CosimMsg m;

    link_pair_open(&p, "inproc://link-bad-batch", true);
    len = write_msg(batch, 1, 5);
    raw_msg(batch + len, COSIM_RESP, 10);
    put32(batch + len + 12, 28);
    len += 34;
    g_assert_cmpint(zmq_send(p.kiln.sock, batch, len, 0), ==, (int)len);
    m = link_take(&p.model, rx, sizeof(rx));
    g_assert_cmpuint(m.hdr.id, ==, 1);
    n = cosim_link_recv(&p.model, rx, sizeof(rx), 1000);
    g_assert_cmpint(n, ==, 34);
    g_assert_cmpint(cosim_wire_decode(rx, (size_t)n, &m, why, sizeof(why)),
                    ==, -1);
    g_assert_cmpstr(why, ==, "RESP header says 28 payload bytes, 10 came");

    memset(batch, 0, sizeof(batch));
    g_assert_cmpint(zmq_send(p.kiln.sock, batch, sizeof(batch), 0), ==,
                    (int)sizeof(batch));
    n = cosim_link_recv(&p.model, rx, sizeof(rx), 1000);
    g_assert_cmpint(n, ==, (int64_t)sizeof(batch));
    g_assert_cmpint(cosim_wire_decode(rx, (size_t)n, &m, why, sizeof(why)),
                    ==, -1);
    g_assert_nonnull(strstr(why, "longer than any message"));
    link_pair_close(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cosim/wire/roundtrip", test_roundtrip);
    g_test_add_func("/cosim/wire/malformed", test_malformed);
    g_test_add_func("/cosim/wire/foreign-hello", test_foreign_hello);
    g_test_add_func("/cosim/wire/fuzz", test_fuzz);
    g_test_add_func("/cosim/wire/split", test_split);
    g_test_add_func("/cosim/wire/fuzz-batch", test_fuzz_batch);
    g_test_add_func("/cosim/wire/link-batch", test_link_batch);
    g_test_add_func("/cosim/wire/link-bad-batch", test_link_bad_batch);
    return g_test_run();
}
