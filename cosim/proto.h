/*
 * The kiln cosim wire protocol, version 1: the single definition that
 * kiln's bridge (cosim/bridge.c) and every model side (libkiln-cosim, the
 * SystemC adapter, the Verilator harness) compile.  docs/cosim-protocol.md
 * is its specification; this file and that one say the same.
 *
 * Every message is one ZeroMQ message (or, once a same-host pair has
 * negotiated it, one slot of the shared-memory ring below): a CosimHeader
 * followed by header.length bytes of payload.  Between peers that both
 * have COSIM_CAP_BATCH, one ZeroMQ message may carry several of them
 * back to back (at most COSIM_BATCH_MAX bytes).  All fields are
 * little-endian; the
 * structs below are laid out without padding surprises (checked with
 * _Static_assert), so a little-endian host may send them as they are and
 * a big-endian one must swap.  Pure C, so C++ (SystemC, Verilator) includes
 * it too.
 */
#ifndef KILN_COSIM_PROTO_H
#define KILN_COSIM_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define COSIM_MAGIC 0x4e4c494bu         /* "KILN" read as little-endian bytes */
#define COSIM_VERSION 1
#define COSIM_MAX_DATA 256              /* bytes in one READ/WRITE/DMA burst */
#define COSIM_MAX_CHANNELS 64
#define COSIM_NAME_LEN 32
#define COSIM_TIME_NEVER UINT64_MAX     /* "no event scheduled" */
#define COSIM_BATCH_MAX 4096            /* bytes in one batch (COSIM_CAP_BATCH) */

typedef enum CosimType {
    COSIM_HELLO = 1,        /* both: version, capabilities, channels */
    COSIM_READ = 2,         /* kiln -> model: a blocking read */
    COSIM_WRITE = 3,        /* kiln -> model: a write, posted unless flagged */
    COSIM_RESP = 4,         /* model -> kiln: the response to READ/WRITE */
    COSIM_IRQ = 5,          /* model -> kiln: an interrupt line's level */
    COSIM_DMA_READ = 6,     /* model -> kiln: read board memory */
    COSIM_DMA_WRITE = 7,    /* model -> kiln: write board memory */
    COSIM_DMA_RESP = 8,     /* kiln -> model: the response to a DMA request */
    COSIM_SYNC = 9,         /* kiln -> model: advance to header.timestamp */
    COSIM_SYNC_REPLY = 10,  /* model -> kiln: reached it, or stopped early */
    COSIM_RESET = 11,       /* kiln -> model: reset the channel's model */
    COSIM_BYE = 12,         /* either: the link closes; no reply */
    COSIM_ERROR = 13,       /* either: a protocol error, text payload; link closes */
    COSIM_SHM_OFFER = 14,   /* kiln -> model: a shared-memory ring to move to */
    COSIM_SHM_REPLY = 15,   /* model -> kiln: moved to it, or declined */
} CosimType;

/* header.flags */
enum {
    COSIM_F_NEED_ACK = 1u << 0,     /* WRITE: respond with RESP (non-posted) */
    COSIM_F_STOPPED_EARLY = 1u << 1,/* SYNC_REPLY: stopped before the grant */
};

/* HELLO capabilities (the intersection of both sides' is what holds). */
enum {
    COSIM_CAP_POSTED_WRITES = 1u << 0,  /* WRITEs need no RESP */
    COSIM_CAP_DMA = 1u << 1,            /* the model may send DMA requests */
    COSIM_CAP_NEXT_EVENT = 1u << 2,     /* RESP/SYNC_REPLY carry next_event */
    COSIM_CAP_BURST = 1u << 3,          /* accesses longer than 8 bytes */
    COSIM_CAP_SHM_RING = 1u << 4,       /* SHM_OFFER follows the HELLOs */
    COSIM_CAP_EVENT_DRIVEN = 1u << 5,   /* model: SYNC me only at next_event */
    COSIM_CAP_BATCH = 1u << 6,          /* a ZeroMQ message may carry several */
};

/* RESP / DMA_RESP status */
typedef enum CosimStatus {
    COSIM_OK = 0,
    COSIM_ADDRESS_ERROR = 1,    /* nothing at that offset: a bus error */
    COSIM_GENERIC_ERROR = 2,    /* the target refused: a bus error */
} CosimStatus;

typedef struct CosimHeader {
    uint16_t type;          /* CosimType */
    uint16_t channel;       /* which model behind the link; 0 for link-wide */
    uint32_t id;            /* request id; echoed by the response */
    uint32_t flags;
    uint32_t length;        /* payload bytes after the header */
    uint64_t timestamp;     /* virtual time in ns the message happens at */
} CosimHeader;

/* HELLO payload; kiln sends it first, the model answers with its own. */
typedef struct CosimHello {
    uint32_t magic;         /* COSIM_MAGIC */
    uint16_t version;       /* COSIM_VERSION */
    uint16_t nchannels;     /* model: channels it serves; kiln: windows it has */
    uint32_t capabilities;
    uint32_t reserved;
    uint64_t quantum_ns;    /* kiln: the quantum; model: 0 */
    uint64_t lookahead_ns;  /* model: no output changes sooner than this after
                               an input (0: unknown); kiln: 0 */
    char name[COSIM_NAME_LEN];  /* NUL-padded, for messages */
} CosimHello;

/* READ and WRITE payload; WRITE's data follows. */
typedef struct CosimAccess {
    uint64_t addr;          /* offset within the channel's window */
    uint32_t size;          /* bytes, 1..COSIM_MAX_DATA */
    uint32_t attrs;         /* bit 0: privileged, bit 1: instruction fetch */
    uint64_t byte_enable;   /* bit i: byte i of the first 64 takes part */
} CosimAccess;

/* RESP payload; a READ's data follows. */
typedef struct CosimResp {
    uint32_t status;        /* CosimStatus */
    uint32_t reserved;
    uint64_t delay_ns;      /* time the access took in the model (annotated delay) */
    uint64_t next_event;    /* earliest the model may change an output, or NEVER */
} CosimResp;

/* IRQ payload */
typedef struct CosimIrq {
    uint32_t line;          /* index into the bridge's DT "interrupts" */
    uint32_t level;         /* 0 or 1 */
} CosimIrq;

/* DMA_READ and DMA_WRITE payload; DMA_WRITE's data follows. */
typedef struct CosimDma {
    uint64_t addr;          /* board physical address */
    uint32_t size;          /* 1..COSIM_MAX_DATA */
    uint32_t reserved;
} CosimDma;

/* DMA_RESP payload; a DMA_READ's data follows. */
typedef struct CosimDmaResp {
    uint32_t status;
    uint32_t reserved;
} CosimDmaResp;

/* SYNC_REPLY payload (header.timestamp: the time reached). */
typedef struct CosimSyncReply {
    uint64_t next_event;
} CosimSyncReply;

/* SHM_OFFER payload: where the ring is (docs/cosim-protocol.md). */
#define COSIM_SHM_NAME_LEN 48
typedef struct CosimShmOffer {
    uint64_t nonce;         /* also in the object's header: it is kiln's */
    uint64_t size;          /* bytes of the object */
    char name[COSIM_SHM_NAME_LEN];  /* for shm_open(): "/...", NUL-terminated */
} CosimShmOffer;

/* SHM_REPLY payload; a declining model may add why, as text. */
typedef struct CosimShmReply {
    uint32_t accepted;      /* 1: every later message travels on the ring */
    uint32_t reserved;
} CosimShmReply;

/*
 * The shared-memory object kiln offers.  Unlike messages, its header and
 * indices are in the host's byte order: both ends share the host.
 *
 *     CosimShmHeader | ring 0: CosimShmRingCtl, slots | ring 1: the same
 *
 * Ring 0 carries kiln's messages to the model, ring 1 the model's to
 * kiln.  A slot is a u32 length, then that many bytes: one message
 * encoded exactly as it would travel on ZeroMQ.
 */
#define COSIM_SHM_MAGIC 0x4d48534bu     /* "KSHM" read as little-endian bytes */
#define COSIM_SHM_VERSION 1
#define COSIM_SHM_MAX_SLOTS 65536u      /* nslots: a power of two, 2 to this */
#define COSIM_SHM_MAX_SLOT_SIZE 4096u   /* slot_size: a multiple of 64 */

typedef struct CosimShmHeader {
    uint32_t magic;         /* COSIM_SHM_MAGIC */
    uint16_t version;       /* COSIM_SHM_VERSION */
    uint16_t reserved;
    uint32_t nslots;        /* slots in each ring */
    uint32_t slot_size;     /* bytes per slot, the length word included */
    uint64_t nonce;         /* as in SHM_OFFER */
    uint8_t pad[40];
} CosimShmHeader;

/*
 * One ring's indices and wait words, each in a cache line of its own so
 * that the two ends do not write the same line.  head and tail count
 * messages modulo 2^32; slot i is used for every count equal to i modulo
 * nslots.  The waiting words are futex words' companions: an end sets
 * its word to 1 before it sleeps on the other end's index, and the
 * other end, having moved that index, wakes it (FUTEX_WAKE).
 */
typedef struct CosimShmRingCtl {
    uint32_t head;              /* written by the producer: messages written */
    uint8_t pad0[60];
    uint32_t tail;              /* written by the consumer: messages taken */
    uint8_t pad1[60];
    uint32_t consumer_waiting;  /* the consumer may sleep on head */
    uint8_t pad2[60];
    uint32_t producer_waiting;  /* the producer (ring full) may sleep on tail */
    uint8_t pad3[60];
} CosimShmRingCtl;

/* Bytes of the object for NSLOTS slots of SLOT_SIZE bytes in each ring. */
#define COSIM_SHM_SIZE(nslots, slot_size) \
    (sizeof(CosimShmHeader) + \
     2 * (sizeof(CosimShmRingCtl) + (uint64_t)(nslots) * (slot_size)))

#ifndef __cplusplus
_Static_assert(sizeof(CosimShmOffer) == 64, "CosimShmOffer layout");
_Static_assert(sizeof(CosimShmReply) == 8, "CosimShmReply layout");
_Static_assert(sizeof(CosimShmHeader) == 64, "CosimShmHeader layout");
_Static_assert(sizeof(CosimShmRingCtl) == 256, "CosimShmRingCtl layout");
_Static_assert(sizeof(CosimHeader) == 24, "CosimHeader layout");
_Static_assert(sizeof(CosimHello) == 64, "CosimHello layout");
_Static_assert(sizeof(CosimAccess) == 24, "CosimAccess layout");
_Static_assert(sizeof(CosimResp) == 24, "CosimResp layout");
_Static_assert(sizeof(CosimIrq) == 8, "CosimIrq layout");
_Static_assert(sizeof(CosimDma) == 16, "CosimDma layout");
_Static_assert(sizeof(CosimDmaResp) == 8, "CosimDmaResp layout");
_Static_assert(sizeof(CosimSyncReply) == 8, "CosimSyncReply layout");
#else
static_assert(sizeof(CosimHeader) == 24, "CosimHeader layout");
static_assert(sizeof(CosimHello) == 64, "CosimHello layout");
static_assert(sizeof(CosimAccess) == 24, "CosimAccess layout");
static_assert(sizeof(CosimResp) == 24, "CosimResp layout");
#endif

#endif
