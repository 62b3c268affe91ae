/*
 * The shared-memory ring of a cosim link (docs/cosim-protocol.md, "The
 * shared-memory ring"): a POSIX shared-memory object that kiln creates
 * and a model on the same host maps, holding two single-producer,
 * single-consumer rings of message slots, one each way.  A slot holds one
 * message encoded exactly as it travels on ZeroMQ, so cosim_wire_decode()
 * stays the one parser of what a peer sends.
 *
 * kiln's side:
 *
 *     CosimShm *shm = cosim_shm_create(1024, why, sizeof(why));
 *     ... SHM_OFFER with cosim_shm_name(), _nonce(), _size(); SHM_REPLY ...
 *     cosim_shm_unlink(shm);
 *
 * the model's:
 *
 *     CosimShm *shm = cosim_shm_open(offer.name, offer.nonce, offer.size,
 *                                    why, sizeof(why));
 *
 * then each side takes its two ends with cosim_shm_rings() and sends and
 * receives with cosim_ring_send() and cosim_ring_recv().
 *
 * The peer is not trusted: the geometry is checked once, when the object
 * is opened, and kept in this process (never read back from the object);
 * every index and length read from shared memory is checked before use,
 * and a message is copied out of its slot before it is decoded, so a peer
 * that scribbles on the object can make a message malformed but cannot
 * make this side read or write outside the object.
 *
 * Waiting is a short spin, then yielding the CPU for a while (a round
 * trip on the same host takes about a microsecond: sleeping would cost
 * more than the wait), then FUTEX_WAIT on the other end's index in
 * slices, between which the caller's GONE callback says whether the peer
 * has died.  The ends make no system call on the fast path: a wake-up is
 * sent only to an end that has said it may sleep.
 */
#ifndef KILN_COSIM_SHM_RING_H
#define KILN_COSIM_SHM_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

typedef struct CosimShm CosimShm;

/* This side's end of one ring. */
typedef struct CosimRing {
    CosimShmRingCtl *ctl;
    uint8_t *slots;
    uint32_t nslots;        /* checked copies of the geometry */
    uint32_t slot_size;
    uint32_t head;          /* producer: messages written; consumer: seen */
    uint32_t tail;          /* consumer: messages taken; producer: seen */
    uint64_t sleeps;        /* futex waits this end has made */
    char why[80];           /* what COSIM_RING_CORRUPT found */
} CosimRing;

/* cosim_ring_send() and cosim_ring_recv() failures. */
enum {
    COSIM_RING_TIMEOUT = -1,    /* nothing (or no room) within the timeout */
    COSIM_RING_GONE = -2,       /* GONE said the peer has gone */
    COSIM_RING_CORRUPT = -3,    /* an index out of range: see why */
};

/* Asked between sleeps: true when the peer has gone away. */
typedef bool (*CosimRingGone)(void *opaque);

/*
 * kiln: create an object with a fresh random name and nonce and NSLOTS
 * slots (a power of two) in each ring, readable and writable by this
 * user only.  NULL with a reason in ERR when it cannot.
 */
CosimShm *cosim_shm_create(uint32_t nslots, char *err, size_t err_size);
/*
 * A model: open the object NAME that kiln offered and check it is the
 * one offered (SIZE, NONCE) and a ring this side speaks.  NULL with the
 * reason in ERR otherwise: the model then declines.
 */
CosimShm *cosim_shm_open(const char *name, uint64_t nonce, uint64_t size,
                         char *err, size_t err_size);
const char *cosim_shm_name(const CosimShm *shm);
uint64_t cosim_shm_nonce(const CosimShm *shm);
uint64_t cosim_shm_size(const CosimShm *shm);
/* The mapping itself: for tests that play a peer breaking the rules. */
void *cosim_shm_base(CosimShm *shm);
/* Remove the name (the mapping stays); kiln does once the model answered. */
void cosim_shm_unlink(CosimShm *shm);
/* Unmap, and remove the name if it is this side's and still there. */
void cosim_shm_free(CosimShm *shm);

/* KILN's (or the model's) end of the ring it sends on and of the other. */
void cosim_shm_rings(CosimShm *shm, bool kiln, CosimRing *tx, CosimRing *rx);

/*
 * Put the LEN bytes of MSG in the next slot, waiting up to TIMEOUT_MS
 * (< 0: no limit) for room.  0, or a COSIM_RING_ failure.
 */
int cosim_ring_send(CosimRing *r, const void *msg, uint32_t len,
                    int timeout_ms, CosimRingGone gone, void *opaque);
/*
 * Take the next message into BUF (SIZE bytes), waiting up to TIMEOUT_MS
 * (< 0: no limit).  Its length as the slot gives it, which may exceed
 * SIZE or the slot (only what fits is copied: the decoder then rejects
 * the length, as it does ZeroMQ's); or a COSIM_RING_ failure.
 */
int64_t cosim_ring_recv(CosimRing *r, void *buf, size_t size, int timeout_ms,
                        CosimRingGone gone, void *opaque);

#endif
