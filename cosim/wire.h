/*
 * Encoding and checking cosim messages (docs/cosim-protocol.md), shared by
 * kiln's bridge and libkiln-cosim so that a message is parsed in one place
 * and that place is fuzzed (tests/cosim/wire-test.c); and the link that
 * carries them, so that which transport carries a message (ZeroMQ, or
 * the shared-memory ring of shm-ring.h) is decided in one place too.
 *
 * The codec reads and writes the little-endian wire format byte by byte,
 * so it is right on any host.  cosim_wire_decode() accepts a message only
 * when its length is the one its type and sizes call for; everything the
 * rest of the code then reads from a CosimMsg is in range:
 *
 *     CosimMsg msg;
 *     char why[COSIM_WIRE_ERR_LEN];
 *
 *     if (cosim_wire_decode(buf, len, &msg, why, sizeof(why)) < 0) {
 *         ... "malformed message: <why>" ...
 *     }
 *
 * What the codec does not judge is left to the two sides: whether a type
 * may arrive now, whether an id is the awaited one, whether a version is
 * the one spoken (a HELLO of another version is decoded as far as its
 * version, so the mismatch can be named instead of called malformed).
 */
#ifndef KILN_COSIM_WIRE_H
#define KILN_COSIM_WIRE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto.h"
#include "shm-ring.h"

/* The longest ERROR text; longer texts are cut when encoded. */
#define COSIM_ERROR_TEXT_MAX 256
/* The longest message: a WRITE (or DMA_WRITE) with a full burst. */
#define COSIM_WIRE_MAX (sizeof(CosimHeader) + sizeof(CosimAccess) + \
                        COSIM_MAX_DATA)
/* Room for a decode error text. */
#define COSIM_WIRE_ERR_LEN 96

typedef struct CosimMsg {
    CosimHeader hdr;
    union {
        CosimHello hello;           /* HELLO */
        CosimAccess access;         /* READ, WRITE */
        CosimResp resp;             /* RESP */
        CosimIrq irq;               /* IRQ */
        CosimDma dma;               /* DMA_READ, DMA_WRITE */
        CosimDmaResp dma_resp;      /* DMA_RESP */
        CosimSyncReply sync_reply;  /* SYNC_REPLY */
        CosimShmOffer shm_offer;    /* SHM_OFFER */
        CosimShmReply shm_reply;    /* SHM_REPLY */
    } u;
    /*
     * The bytes after the fixed payload: WRITE and DMA_WRITE data, RESP
     * and DMA_RESP read data, ERROR and SHM_REPLY text (not
     * NUL-terminated).  Decoding
     * points into the buffer decoded; encoding copies from here.
     */
    const uint8_t *data;
    uint32_t data_len;
} CosimMsg;

/* Write the printf-style reason into ERR (ERR_SIZE bytes, may be 0); return -1. */
int cosim_fail(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "READ", "SYNC_REPLY", ...; "type N" text for an unknown type is the caller's. */
const char *cosim_wire_type_name(unsigned type);

/*
 * Check and decode the LEN bytes at BUF into MSG.  0 when the message is
 * well formed; -1 otherwise, with the reason (one phrase, no newline) in
 * ERR.
 */
int cosim_wire_decode(const void *buf, size_t len, CosimMsg *msg, char *err,
                      size_t err_size);

/*
 * The length of the first message in the LEN bytes at BUF, a batch of
 * messages back to back (COSIM_CAP_BATCH): its header and header.length
 * bytes of payload; or all LEN bytes when they hold less than that (a
 * truncated header, a length running past the end), so that
 * cosim_wire_decode() judges them as it judges one message that came
 * alone.  The rest of the batch begins where the first ends.
 */
size_t cosim_wire_split(const void *buf, size_t len);

/*
 * Encode MSG into BUF (COSIM_WIRE_MAX bytes) and return the length.
 * hdr.length is computed; the fixed payload is the one of hdr.type.  The
 * caller keeps data_len within COSIM_MAX_DATA (ERROR text within
 * COSIM_ERROR_TEXT_MAX; longer text is cut).
 */
size_t cosim_wire_encode(const CosimMsg *msg, void *buf);

/*
 * Drain the events of a ZeroMQ socket monitor (zmq_socket_monitor with
 * ZMQ_EVENT_DISCONNECTED); true when one says the peer went away.  Both
 * sides use it to see a dead peer at once rather than at the timeout.
 */
bool cosim_monitor_disconnected(void *monitor);

/*
 * One end of a link, kiln's or a model's.  ZeroMQ carries the messages
 * until the two sides have agreed on the shared-memory ring
 * (COSIM_CAP_SHM_RING); then the ring does, and the ZeroMQ socket stays
 * open for its disconnect monitor, which is how a dead peer is seen on
 * either transport:
 *
 *     CosimLink link;
 *
 *     sock = zmq_socket(ctx, ZMQ_PAIR); zmq_connect(sock, endpoint);
 *     if (cosim_link_init(&link, ctx, sock, timeout_ms) < 0) ...
 *     cosim_link_send(&link, buf, len);
 *     n = cosim_link_recv(&link, buf, sizeof(buf), timeout_ms);
 *     ...
 *     cosim_link_close(&link, linger_ms);
 *
 * Batches (COSIM_CAP_BATCH): once both HELLOs carry the capability, each
 * side calls cosim_link_set_batching().  Then, on ZeroMQ, a message sent
 * with cosim_link_post() (a posted WRITE, an IRQ) waits in a buffer of
 * COSIM_BATCH_MAX bytes, and leaves with the next message sent with
 * cosim_link_send() (in the same ZeroMQ message), before the link
 * waits for anything (cosim_link_recv), when the buffer is full, at
 * cosim_link_flush() and when the link closes; and a ZeroMQ message
 * received is handed out one message at a time.  Messages keep their
 * order either way: a batch is just their concatenation.  On the ring
 * every message has a slot of its own, as before.
 */
typedef struct CosimLink {
    void *sock;                 /* the ZMQ_PAIR socket */
    void *monitor;              /* its disconnect events */
    int send_timeout_ms;        /* < 0: none */
    bool gone;                  /* the monitor said the peer went away */
    CosimShm *shm;              /* non-NULL once the ring carries messages */
    CosimRing tx, rx;
    char why[96];               /* what COSIM_LINK_CORRUPT found */
    bool batch;                 /* the peer takes batches, and sends them */
    uint32_t tx_len;            /* bytes waiting in tx_batch */
    uint32_t rx_len, rx_off;    /* the batch in rx_batch, and how far read */
    /* Messages each way, and the ZeroMQ messages or slots that carried them. */
    uint64_t msgs_out, transfers_out, msgs_in, transfers_in;
    uint8_t tx_batch[COSIM_BATCH_MAX];
    uint8_t rx_batch[COSIM_BATCH_MAX];
} CosimLink;

/* cosim_link_send() and cosim_link_recv() failures. */
enum {
    COSIM_LINK_TIMEOUT = -1,    /* recv: nothing came; send: no room */
    COSIM_LINK_CLOSED = -2,     /* the peer went away */
    COSIM_LINK_FAILED = -3,     /* ZeroMQ failed; errno says how */
    COSIM_LINK_CORRUPT = -4,    /* the ring broke its rules; why says how */
};

/*
 * Take SOCK (connected or bound; closed by cosim_link_close() from now
 * on) and watch it for disconnects.  A send waits up to SEND_TIMEOUT_MS
 * (< 0: no limit) for room.  0, or -1 with errno set.
 */
int cosim_link_init(CosimLink *l, void *ctx, void *sock, int send_timeout_ms);
/*
 * Send the LEN bytes at BUF as one message, now: after (and, when it
 * fits, together with) whatever waits from cosim_link_post().  0, or a
 * COSIM_LINK_ failure.
 */
int cosim_link_send(CosimLink *l, const void *buf, size_t len);
/*
 * Send the LEN bytes at BUF as one message that may wait for the next
 * one: a message nobody waits for.  Batching off, or on the ring, the
 * same as cosim_link_send().  0, or a COSIM_LINK_ failure (of sending
 * what waited, when the buffer was full).
 */
int cosim_link_post(CosimLink *l, const void *buf, size_t len);
/* Send what waits from cosim_link_post(), if anything.  0, or a failure. */
int cosim_link_flush(CosimLink *l);
/*
 * Whether both sides have COSIM_CAP_BATCH: from the end of the HELLOs
 * on, for the rest of the link.
 */
void cosim_link_set_batching(CosimLink *l, bool on);
/*
 * The next message into BUF (SIZE bytes), waiting up to TIMEOUT_MS (< 0:
 * no limit), once what waits to be sent has gone: its length, which may
 * exceed SIZE (the rest is cut, and cosim_wire_decode() then rejects the
 * length); or a COSIM_LINK_ failure.
 */
int64_t cosim_link_recv(CosimLink *l, void *buf, size_t size, int timeout_ms);
/*
 * From now on the ring of SHM carries every message, KILN's end or the
 * model's; the link owns SHM.  Nothing may wait to be sent then (the
 * SHM_OFFER and SHM_REPLY before it are sent, not posted).
 */
void cosim_link_use_ring(CosimLink *l, CosimShm *shm, bool kiln);
/* Whether the shared-memory ring carries the messages. */
bool cosim_link_on_ring(const CosimLink *l);
/*
 * Send what waits, then close the socket (queued messages get LINGER_MS
 * to leave) and the ring.
 */
void cosim_link_close(CosimLink *l, int linger_ms);

#endif
