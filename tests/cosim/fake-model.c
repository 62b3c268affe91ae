/*
 * A misbehaving cosim model, for the failure tests: real ZeroMQ, real
 * process, one broken behaviour chosen by MODE.
 *
 *     cosim-fake-model [-r] MODE ENDPOINT
 *
 *     silent          binds and never reads or answers anything
 *     version2        answers HELLO as protocol version 2
 *     truncated-hello answers HELLO with 10 bytes
 *     hang-read       a correct model until the first READ, which it never
 *                     answers
 *     die-read        as hang-read, and prints "READ" when the READ comes
 *                     (the test then kills it)
 *     truncated       answers the first READ with 10 bytes
 *     garbage         answers the first READ with a message of unknown type
 *     short-resp      answers the first READ of 4 bytes with 3 bytes of data
 *     good            answers every READ with 0x600d
 *     batch-truncated takes batches (COSIM_CAP_BATCH), and answers the
 *                     first READ with one: an IRQ, then a RESP whose
 *                     header says 28 payload bytes where 10 follow
 *     batch-garbage   takes batches, and answers the first READ with an
 *                     IRQ and a header of unknown type in one
 *
 * With -r it takes kiln's shared-memory ring after the HELLOs, and then
 * misbehaves on the ring; and it has more ways to:
 *
 *     bad-length      answers the first READ with a slot whose length
 *                     word is 0xfffffff0
 *     bad-index       answers the first READ by moving the ring's head
 *                     past everything
 *     decline-open    declines the ring, as a model that cannot open
 *                     the object (on another host), then is "good"
 *     decline-nonce   declines the ring, as a model that opened some
 *                     other object, then is "good"
 *
 * Like the real models it prints "listening on ENDPOINT" once bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "wire.h"

static CosimLink model_link;

static void send_raw(const void *buf, size_t len)
{
    cosim_link_send(&model_link, buf, len);
}

static void send_msg(const CosimMsg *m)
{
    uint8_t buf[COSIM_WIRE_MAX];

    send_raw(buf, cosim_wire_encode(m, buf));
}

static void recv_msg(CosimMsg *m, uint8_t *buf)
{
    char why[COSIM_WIRE_ERR_LEN];
    int64_t n = cosim_link_recv(&model_link, buf, COSIM_WIRE_MAX, -1);

    if (n < 0 || cosim_wire_decode(buf, (size_t)n, m, why, sizeof(why)) < 0) {
        fprintf(stderr, "cosim-fake-model: bad message from kiln\n");
        exit(2);
    }
}

static void answer_hello(const CosimMsg *hello, unsigned version, bool ring,
                         bool batch)
{
    CosimMsg m = {
        .hdr = { .type = COSIM_HELLO, .timestamp = hello->hdr.timestamp },
        .u.hello = { .magic = COSIM_MAGIC, .version = (uint16_t)version,
                     .nchannels = hello->u.hello.nchannels,
                     .capabilities = COSIM_CAP_POSTED_WRITES |
                                     (ring ? COSIM_CAP_SHM_RING : 0) |
                                     (batch ? COSIM_CAP_BATCH : 0) },
    };

    strcpy(m.u.hello.name, "fake");
    send_msg(&m);
}

/*
 * Answer kiln's SHM_OFFER: take the ring, or decline as MODE says, with
 * the reason the real library would give.
 */
static void answer_offer(const char *mode, uint8_t *buf)
{
    CosimMsg offer;
    CosimMsg reply = { .hdr = { .type = COSIM_SHM_REPLY } };
    CosimShmOffer *o = &offer.u.shm_offer;
    char why[160];
    CosimShm *shm;

    recv_msg(&offer, buf);
    if (offer.hdr.type != COSIM_SHM_OFFER) {
        fprintf(stderr, "cosim-fake-model: no SHM_OFFER from kiln\n");
        exit(2);
    }
    if (strcmp(mode, "decline-open") == 0) {
        /* The name as another host would see it: not there. */
        strcat(o->name, "-x");
    } else if (strcmp(mode, "decline-nonce") == 0) {
        o->nonce ^= 1;
    }
    shm = cosim_shm_open(o->name, o->nonce, o->size, why, sizeof(why));
    reply.hdr.id = offer.hdr.id;
    reply.u.shm_reply.accepted = shm != NULL;
    if (!shm) {
        reply.data = (const uint8_t *)why;
        reply.data_len = (uint32_t)strlen(why);
    }
    send_msg(&reply);
    if (shm) {
        cosim_link_use_ring(&model_link, shm, false);
    }
}

static void answer(const CosimMsg *req, const uint8_t *data, uint32_t data_len)
{
    static const uint8_t zeros[COSIM_MAX_DATA];
    CosimMsg m = {
        .hdr = { .type = COSIM_RESP, .channel = req->hdr.channel,
                 .id = req->hdr.id, .timestamp = req->hdr.timestamp },
        .u.resp = { .next_event = COSIM_TIME_NEVER },
        .data = data ? data : zeros,
        .data_len = data_len,
    };

    send_msg(&m);
}

/*
 * One ZeroMQ message: a good IRQ (line 0 low, which changes nothing),
 * then the message at BAD of LEN bytes.
 */
static void send_bad_batch(const CosimMsg *req, const uint8_t *bad,
                           size_t len)
{
    uint8_t batch[COSIM_WIRE_MAX * 2];
    CosimMsg irq = {
        .hdr = { .type = COSIM_IRQ, .timestamp = req->hdr.timestamp },
    };
    size_t n = cosim_wire_encode(&irq, batch);

    memcpy(batch + n, bad, len);
    send_raw(batch, n + len);
}

/* A slot written by hand: LEN in its length word, HEAD published after. */
static void send_hostile(uint32_t len, uint32_t head)
{
    CosimRing *r = &model_link.tx;
    uint8_t *slot = r->slots + (size_t)(r->head % r->nslots) * r->slot_size;

    memcpy(slot, &len, sizeof(len));
    __atomic_store_n(&r->ctl->head, head, __ATOMIC_RELEASE);
}

int main(int argc, char **argv)
{
    static const uint8_t good[4] = { 0x0d, 0x60, 0, 0 };
    uint8_t buf[COSIM_WIRE_MAX];
    char bound[256];
    size_t len = sizeof(bound);
    bool ring = false;
    bool batch;
    const char *mode;
    void *ctx, *sock;
    CosimMsg m;

    if (argc > 1 && strcmp(argv[1], "-r") == 0) {
        ring = true;
        argv++;
        argc--;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: cosim-fake-model [-r] MODE ENDPOINT\n");
        return 1;
    }
    mode = argv[1];
    batch = strncmp(mode, "batch-", 6) == 0;
    ctx = zmq_ctx_new();
    sock = zmq_socket(ctx, ZMQ_PAIR);
    if (cosim_link_init(&model_link, ctx, sock, -1) < 0 ||
        zmq_bind(sock, argv[2]) < 0) {
        fprintf(stderr, "cosim-fake-model: cannot bind %s: %s\n", argv[2],
                zmq_strerror(zmq_errno()));
        return 1;
    }
    zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, bound, &len);
    printf("listening on %s\n", bound);
    fflush(stdout);

    if (strcmp(mode, "silent") == 0) {
        for (;;) {
            pause();
        }
    }
    recv_msg(&m, buf);
    if (strcmp(mode, "version2") == 0) {
        answer_hello(&m, 2, ring, batch);
        /* kiln answers with ERROR and goes; nothing more to do. */
        recv_msg(&m, buf);
        return 0;
    }
    if (strcmp(mode, "truncated-hello") == 0) {
        send_raw(buf, 10);
        pause();
        return 0;
    }
    answer_hello(&m, COSIM_VERSION, ring, batch);
    cosim_link_set_batching(&model_link,
                            batch && (m.u.hello.capabilities & COSIM_CAP_BATCH));
    if (ring && (m.u.hello.capabilities & COSIM_CAP_SHM_RING)) {
        answer_offer(mode, buf);
    }
    for (;;) {
        recv_msg(&m, buf);
        if (m.hdr.type == COSIM_RESET ||
            (m.hdr.type == COSIM_WRITE && (m.hdr.flags & COSIM_F_NEED_ACK))) {
            answer(&m, NULL, 0);
            continue;
        }
        if (m.hdr.type == COSIM_SYNC) {
            CosimMsg reply = {
                .hdr = { .type = COSIM_SYNC_REPLY, .id = m.hdr.id,
                         .timestamp = m.hdr.timestamp },
                .u.sync_reply.next_event = COSIM_TIME_NEVER,
            };

            send_msg(&reply);
            continue;
        }
        if (m.hdr.type == COSIM_BYE) {
            return 0;
        }
        if (m.hdr.type != COSIM_READ) {
            continue;
        }
        if (strcmp(mode, "good") == 0 || strncmp(mode, "decline-", 8) == 0) {
            answer(&m, good, m.u.access.size < 4 ? m.u.access.size : 4);
            continue;
        }
        if (strcmp(mode, "die-read") == 0) {
            printf("READ\n");
            fflush(stdout);
        } else if (strcmp(mode, "truncated") == 0) {
            send_raw(buf, 10);
        } else if (strcmp(mode, "garbage") == 0) {
            memset(buf, 0x77, sizeof(CosimHeader));
            memset(buf + 12, 0, 4);
            send_raw(buf, sizeof(CosimHeader));
        } else if (strcmp(mode, "batch-truncated") == 0) {
            memset(buf, 0, sizeof(CosimHeader) + 10);
            buf[0] = COSIM_RESP;
            buf[12] = 28;
            send_bad_batch(&m, buf, sizeof(CosimHeader) + 10);
        } else if (strcmp(mode, "batch-garbage") == 0) {
            memset(buf, 0x77, sizeof(CosimHeader));
            memset(buf + 12, 0, 4);
            send_bad_batch(&m, buf, sizeof(CosimHeader));
        } else if (strcmp(mode, "short-resp") == 0) {
            answer(&m, NULL, m.u.access.size - 1);
        } else if (ring && strcmp(mode, "bad-length") == 0) {
            send_hostile(0xfffffff0u, model_link.tx.head + 1);
        } else if (ring && strcmp(mode, "bad-index") == 0) {
            send_hostile(0, model_link.tx.head + 5000);
        }
        for (;;) {
            pause();
        }
    }
}
