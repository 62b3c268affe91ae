/*
 * Encoding and checking cosim messages (docs/cosim-protocol.md), shared by
 * kiln's bridge and libkiln-cosim so that a message is parsed in one place
 * and that place is fuzzed (tests/cosim/wire-test.c).
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
    } u;
    /*
     * The bytes after the fixed payload: WRITE and DMA_WRITE data, RESP
     * and DMA_RESP read data, ERROR text (not NUL-terminated).  Decoding
     * points into the buffer decoded; encoding copies from here.
     */
    const uint8_t *data;
    uint32_t data_len;
} CosimMsg;

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

#endif
