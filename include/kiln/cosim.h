/*
 * kiln's side of cosimulation: what code outside cosim/bridge.c needs to
 * know about the "kiln,cosim-bridge" device.  The wire protocol is
 * docs/cosim-protocol.md (cosim/proto.h); the model side is
 * cosim/kiln-cosim.h.
 */
#ifndef KILN_COSIM_H
#define KILN_COSIM_H

/*
 * The ZeroMQ context the bridges of this process use for inproc://
 * endpoints, made on first use and kept for the life of the process.  A
 * model that runs in the same process must bind its inproc:// endpoint
 * on this context (cosim_model_new_ctx): inproc endpoints are private to
 * a context.  (ipc:// and tcp:// bridges use contexts of their own.)
 */
void *cosim_zmq_context(void);

#endif
