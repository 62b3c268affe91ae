/*
 * cosim-bench: what a cosim link costs, per transport.
 *
 *     build/bench/cosim/cosim-bench [SECONDS [RUNS]]
 *
 * For inproc://, ipc:// and tcp:// (127.0.0.1) in turn, each on the
 * shared-memory ring and on ZeroMQ alone (the bridge's shared-memory
 * property and the model's switch both off), it links a kiln bridge,
 * made from the kiln library as a board would make it, to a model served
 * by libkiln-cosim on a thread of its own (for ipc and tcp, on a ZeroMQ
 * context of its own, so that on ZeroMQ every message crosses the kernel
 * as it would to another process), and measures for SECONDS (default 1)
 * each, keeping the best of RUNS (default 1) runs:
 *
 *   blocking reads   32-bit loads from the window: READ, then wait for RESP
 *   posted writes    32-bit stores, posted (the model offers a lookahead;
 *                    on ZeroMQ they travel in batches, COSIM_CAP_BATCH),
 *                    then one read, which returns once the model has
 *                    taken them all
 *   SYNCs            virtual time moved one quantum at a time: SYNC, then
 *                    wait for SYNC_REPLY
 *
 * The model is a register file with nothing to simulate, so the numbers
 * are the link's own cost.  The load average before and after goes with
 * them: on a busy machine a round trip waits for CPUs, not for the link.
 * Not a test: it asserts nothing about speed.
 */
#include "kiln/board.h"
#include "kiln/clock.h"
#include "kiln/cosim.h"
#include "kiln/device.h"
#include "kiln/log.h"
#include "kiln-cosim.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 0x40000000
#define QUANTUM_NS 1000

static uint32_t regs[16];

static CosimStatus reg_read(void *opaque, uint64_t addr, void *data,
                            uint32_t size, uint64_t *delay_ns)
{
    memcpy(data, &regs[(addr / 4) % 16], MIN(size, 4));
    return COSIM_OK;
}

static CosimStatus reg_write(void *opaque, uint64_t addr, const void *data,
                             uint32_t size, uint64_t *delay_ns)
{
    memcpy(&regs[(addr / 4) % 16], data, MIN(size, 4));
    return COSIM_OK;
}

static uint64_t reg_next_event(void *opaque)
{
    return COSIM_TIME_NEVER;
}

static const CosimChannelOps reg_ops = {
    .read = reg_read, .write = reg_write, .next_event = reg_next_event,
};

static gpointer model_thread(gpointer data)
{
    CosimModel *m = data;

    if (cosim_model_connect(m, 10000) < 0 || cosim_model_run(m) < 0) {
        g_printerr("cosim-bench: model: %s\n", cosim_model_error(m));
        exit(1);
    }
    cosim_model_free(m);
    return NULL;
}

static double seconds_since(gint64 start)
{
    return (g_get_monotonic_time() - start) / 1e6;
}

typedef struct Result {
    double reads, writes, syncs;
} Result;

static Result bench_link(const char *transport, const char *ep_pattern,
                         bool shm, double seconds)
{
    static unsigned links;
    bool inproc = strcmp(transport, "inproc") == 0;
    /*
     * A closed inproc endpoint is released in the background: each link
     * gets a name of its own rather than wait for it.
     */
    g_autofree char *ep = inproc ? g_strdup_printf("%s-%u", ep_pattern,
                                                   links++)
                                 : g_strdup(ep_pattern);
    CosimModel *m = inproc
        ? cosim_model_new_ctx(cosim_zmq_context(), ep, "bench")
        : cosim_model_new(ep, "bench");
    const char *want = shm ? "shared-memory" : "zeromq";
    g_autofree char *link = NULL;
    Machine *machine = machine_new("bench");
    const DeviceDesc *desc = device_desc_by_compatible("kiln,cosim-bridge");
    DeviceReg reg = { .base = WINDOW, .size = 0x1000 };
    g_autoptr(GError) err = NULL;
    GThread *thread;
    Device *dev;
    Result r;
    uint64_t v, n;
    gint64 start;

    clock_init();
    current_machine = machine;
    /* No output changes for 1 ms after a write: writes may be posted. */
    cosim_model_set_lookahead(m, 1000000);
    cosim_model_set_shared_memory(m, shm);
    if (cosim_model_add_channel(m, 0, &reg_ops, NULL) < 0 ||
        cosim_model_bind(m) < 0) {
        g_error("model: %s", cosim_model_error(m));
    }
    dev = device_new(desc, "bridge@40000000", machine->root);
    if (!device_set_prop_string(dev, "endpoint", cosim_model_endpoint(m),
                                &err) ||
        !device_set_prop_uint(dev, "quantum-ns", QUANTUM_NS, &err) ||
        !device_set_prop_bool(dev, "shared-memory", shm, &err)) {
        g_error("%s", err->message);
    }
    device_set_reg(dev, &reg, 1);
    thread = g_thread_new("model", model_thread, m);
    if (!device_realize(dev, &err) ||
        !region_add(machine->sysmem, WINDOW, dev->regs[0].mr, &err)) {
        g_error("%s", err->message);
    }
    device_reset(dev);
    link = device_prop_format(dev, device_find_prop(dev, "link"));
    if (strcmp(link, want) != 0) {
        g_error("%s: the link is on %s, not %s", transport, link, want);
    }

    start = g_get_monotonic_time();
    for (n = 0; seconds_since(start) < seconds; n++) {
        as_load(&machine->as, WINDOW + 4 * (n % 16), 4, &v);
    }
    r.reads = n / seconds_since(start);

    start = g_get_monotonic_time();
    for (n = 0; seconds_since(start) < seconds; n++) {
        as_store(&machine->as, WINDOW + 4 * (n % 16), 4, n);
    }
    as_load(&machine->as, WINDOW, 4, &v);
    r.writes = n / seconds_since(start);

    start = g_get_monotonic_time();
    for (n = 0; seconds_since(start) < seconds; n++) {
        clock_advance_to(clock_now() + QUANTUM_NS);
    }
    r.syncs = n / seconds_since(start);

    machine_free(machine);
    current_machine = NULL;
    g_thread_join(thread);
    return r;
}

static void print_load(const char *when)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) f = NULL;

    if (g_file_get_contents("/proc/loadavg", &text, NULL, NULL)) {
        f = g_strsplit(text, " ", 4);
        printf("load average %s: %s %s %s\n", when, f[0], f[1], f[2]);
    }
}

static double best(double a, double b)
{
    return a > b ? a : b;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? g_ascii_strtod(argv[1], NULL) : 1.0;
    int runs = argc > 2 ? atoi(argv[2]) : 1;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-bench-XXXXXX", &err);
    g_autofree char *sock = g_build_filename(dir, "bench.sock", NULL);
    g_autofree char *ipc = g_strconcat("ipc://", sock, NULL);
    const char *transports[][2] = {
        { "inproc", "inproc://bench" },
        { "ipc", ipc },
        { "tcp", "tcp://127.0.0.1:*" },
    };

    if (!dir || seconds <= 0 || runs < 1) {
        g_printerr("usage: cosim-bench [SECONDS [RUNS]]\n");
        return 1;
    }
    log_set_program_name("cosim-bench");
    print_load("before");
    printf("| transport | link | blocking reads/s | (per read) | "
           "posted writes/s | SYNCs/s |\n");
    printf("| --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < G_N_ELEMENTS(transports); i++) {
        for (int shm = 1; shm >= 0; shm--) {
            Result r = { 0 };

            for (int run = 0; run < runs; run++) {
                Result one = bench_link(transports[i][0], transports[i][1],
                                        shm, seconds);

                r.reads = best(r.reads, one.reads);
                r.writes = best(r.writes, one.writes);
                r.syncs = best(r.syncs, one.syncs);
            }
            printf("| %s | %s | %.0f | %.2f us | %.0f | %.0f |\n",
                   transports[i][0], shm ? "shared memory" : "ZeroMQ",
                   r.reads, 1e6 / r.reads, r.writes, r.syncs);
            fflush(stdout);
        }
    }
    print_load("after");
    g_unlink(sock);
    g_rmdir(dir);
    return 0;
}
