/*
 * libkiln-cosim: the model side of the kiln cosim protocol, for any model
 * written in C or C++ (the SystemC adapter and the Verilator harness are
 * built on it).  A model process opens one link to a kiln bridge and
 * serves one or more channels on it, each a model with a register window:
 *
 *     static const CosimChannelOps timer_ops = {
 *         .read = timer_read, .write = timer_write,
 *         .advance = timer_advance, .next_event = timer_next_event,
 *         .reset = timer_reset,
 *     };
 *
 *     CosimModel *m = cosim_model_new("ipc:///tmp/timer.sock", "timer");
 *     cosim_model_add_channel(m, 0, &timer_ops, &timer);
 *     if (cosim_model_connect(m, 5000) < 0 || cosim_model_run(m) < 0) {
 *         fprintf(stderr, "timer: %s\n", cosim_model_error(m));
 *     }
 *     cosim_model_free(m);
 *
 * Time: the library calls advance(t) on every channel before it serves an
 * access or a SYNC stamped t, so a model sees time move forward only, to
 * the instant of each access.  Inside advance, read or write a model may
 * raise its interrupt lines and reach board memory (DMA); those messages
 * carry the model's time.  next_event tells kiln the earliest time the
 * model could change an output by itself (a timer's compare match), so
 * kiln stops its CPU there and the interrupt is seen at that very time.
 *
 * The library is single-threaded and blocking; every wait has the link's
 * timeout and a failure ends cosim_model_run with an error text.
 *
 * The link is ZeroMQ; with a kiln on the same host it moves, right after
 * the HELLOs, to a shared-memory ring kiln offers (much faster), unless
 * either side is told not to.  Nothing else changes for the model.
 */
#ifndef KILN_COSIM_MODEL_H
#define KILN_COSIM_MODEL_H

#include "proto.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CosimModel CosimModel;

typedef struct CosimChannelOps {
    /* ADDR is the offset in the channel's window; *DELAY_NS the time taken. */
    CosimStatus (*read)(void *opaque, uint64_t addr, void *data, uint32_t size,
                        uint64_t *delay_ns);
    CosimStatus (*write)(void *opaque, uint64_t addr, const void *data,
                         uint32_t size, uint64_t *delay_ns);
    /* Run the model up to virtual time T (ns); T never decreases. */
    void (*advance)(void *opaque, uint64_t t);
    /* Earliest time the model may change an output by itself, or
     * COSIM_TIME_NEVER.  NULL: unknown (kiln then syncs every quantum). */
    uint64_t (*next_event)(void *opaque);
    void (*reset)(void *opaque);
} CosimChannelOps;

/* ENDPOINT: a ZeroMQ endpoint (inproc://, ipc://, tcp://) the model binds;
 * kiln's bridge connects to it.  NAME appears in kiln's messages. */
CosimModel *cosim_model_new(const char *endpoint, const char *name);
/* As cosim_model_new, on a ZeroMQ context the caller owns (inproc://). */
CosimModel *cosim_model_new_ctx(void *zmq_ctx, const char *endpoint,
                                const char *name);
void cosim_model_free(CosimModel *m);

int cosim_model_add_channel(CosimModel *m, unsigned channel,
                            const CosimChannelOps *ops, void *opaque);
/* Minimum time from any input to an output change (HELLO lookahead). */
void cosim_model_set_lookahead(CosimModel *m, uint64_t ns);
/*
 * Whether to take kiln's shared-memory ring when it offers one (ENABLE
 * 1, the default unless KILN_COSIM_SHM=0 is in the environment) or stay
 * on ZeroMQ (0).  Before cosim_model_connect.
 */
void cosim_model_set_shared_memory(CosimModel *m, int enable);
/* 1 once the link runs on kiln's shared-memory ring, else 0. */
int cosim_model_shared_memory(const CosimModel *m);
/*
 * Promise kiln (COSIM_CAP_EVENT_DRIVEN) that the model's outputs change
 * only at the time its next_event ops name, or inside its answer to an
 * access or a reset: kiln then SYNCs it only at those times instead of
 * every quantum, which costs a round trip each.  Only for models whose
 * every channel has a next_event op that is exact (the reference timer's
 * is); others are SYNCed every quantum whatever this says.  Before
 * cosim_model_connect.
 */
void cosim_model_set_event_driven(CosimModel *m, int enable);
/*
 * Whether to take several messages in one ZeroMQ message (ENABLE 1, the
 * default: COSIM_CAP_BATCH, which makes kiln's posted writes several
 * times cheaper) or one each (0).  Before cosim_model_connect.
 */
void cosim_model_set_batching(CosimModel *m, int enable);
/*
 * The messages received from kiln so far, and the transfers (ZeroMQ
 * messages, or ring slots) that carried them: fewer when batched.
 */
void cosim_model_received(const CosimModel *m, uint64_t *messages,
                          uint64_t *transfers);

/*
 * Bind the endpoint now (cosim_model_connect binds it when this was not
 * called).  0, or -1 with an error.  A tcp:// endpoint with port "*" gets
 * a free port, which cosim_model_endpoint() then names.
 */
int cosim_model_bind(CosimModel *m);
/* The endpoint as bound ("tcp://127.0.0.1:41233"), or as given before. */
const char *cosim_model_endpoint(const CosimModel *m);

/*
 * Bind, wait for kiln's HELLO and answer it (and take kiln's shared-memory
 * ring when it offers one).  0, or -1 with an error.  TIMEOUT_MS bounds
 * the wait for HELLO (< 0: no bound) and, once linked, every wait for
 * kiln's SHM_OFFER or a DMA_RESP (< 0: 5000 ms).
 */
int cosim_model_connect(CosimModel *m, int timeout_ms);
/* Serve until kiln sends BYE (0) or something fails (-1). */
int cosim_model_run(CosimModel *m);

/* From inside the ops: */
uint64_t cosim_model_time(const CosimModel *m);
int cosim_model_set_irq(CosimModel *m, unsigned line, int level);
int cosim_model_dma_read(CosimModel *m, uint64_t addr, void *buf,
                         uint32_t size);
int cosim_model_dma_write(CosimModel *m, uint64_t addr, const void *buf,
                          uint32_t size);

/* kiln's quantum-ns from its HELLO; 0 before cosim_model_connect. */
uint64_t cosim_model_quantum(const CosimModel *m);
/*
 * From inside the ops: the model cannot go on (a SystemC error, say).
 * Sends ERROR with TEXT to kiln, which ends with it; cosim_model_run then
 * returns -1 with TEXT as the error once the op has returned.
 */
void cosim_model_abort(CosimModel *m, const char *text);

const char *cosim_model_error(const CosimModel *m);

#ifdef __cplusplus
}
#endif

#endif
