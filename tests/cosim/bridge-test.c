/*
 * The cosim bridge and libkiln-cosim in one process, over inproc://:
 * kiln's side is the kiln library (a machine with RAM, bridges realized
 * and reset as a board would), the models run on threads of their own.
 * The virtual clock is moved by hand, as qtest's clock_step moves it.
 *
 * Shown here: the C timer's interrupt at its exact ns over inproc; the
 * annotated delay charged as a CPU stall; error statuses as bus errors;
 * a model's DMA reaching RAM and a device, in bursts longer than one
 * message, and failing on a hole; posted writes under a model's
 * lookahead, with an event they schedule delivered on time, and one that
 * breaks the lookahead delivered late, stopped early and counted.
 *
 * Posted writes arrive all, in order and on time, before the READ that
 * follows them, batched on ZeroMQ.
 *
 * Each of them four times: on the shared-memory ring (kiln's and the
 * model's default), with the bridge's shared-memory property off, with
 * a model that declines the ring, and on ZeroMQ with a model that takes
 * no batches; every bridge checks which link it ended up on, and that
 * the ring's name is gone once the link is up.
 */
#include "kiln/board.h"
#include "kiln/clock.h"
#include "kiln/cosim.h"
#include "kiln/device.h"
#include "kiln/log.h"
#include "kiln-cosim.h"
#include "timer_model.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define TIMER       0x40000000
#define COPY        0x40001000
#define EVENTS      0x50000000
#define RAM_BASE    0x80000000
#define RAM_SIZE    0x10000
#define SINK_BASE   0x30000000
#define LOG_BASE    0x60000000

/* --- models: a copy engine doing DMA, and an event model with lookahead --- */

/*
 * 0x0 SRC, 0x4 DST, 0x8 LEN; writing 0xc starts the copy (board memory
 * to board memory, by DMA) and raises the line; reading 0xc gives 1 when
 * the copy went well, 2 when a DMA failed.
 */
typedef struct CopyEngine {
    CosimModel *link;
    uint32_t src, dst, len, status;
} CopyEngine;

static CosimStatus copy_read(void *opaque, uint64_t addr, void *data,
                             uint32_t size, uint64_t *delay_ns)
{
    CopyEngine *c = opaque;
    uint32_t regs[] = { c->src, c->dst, c->len, c->status };

    if (size != 4 || addr > 0xc || addr % 4) {
        return COSIM_ADDRESS_ERROR;
    }
    memcpy(data, &regs[addr / 4], 4);
    return COSIM_OK;
}

static CosimStatus copy_write(void *opaque, uint64_t addr, const void *data,
                              uint32_t size, uint64_t *delay_ns)
{
    CopyEngine *c = opaque;
    uint32_t v;
    uint8_t buf[1024];

    if (size != 4 || addr > 0xc || addr % 4) {
        return COSIM_ADDRESS_ERROR;
    }
    memcpy(&v, data, 4);
    switch (addr) {
    case 0x0:
        c->src = v;
        break;
    case 0x4:
        c->dst = v;
        break;
    case 0x8:
        c->len = MIN(v, sizeof(buf));
        break;
    default:
        c->status = cosim_model_dma_read(c->link, c->src, buf, c->len) == 0 &&
                    cosim_model_dma_write(c->link, c->dst, buf, c->len) == 0
                    ? 1 : 2;
        cosim_model_set_irq(c->link, 1, 1);
        break;
    }
    return COSIM_OK;
}

/* It acts only when written: no event of its own, ever. */
static uint64_t copy_next_event(void *opaque)
{
    return COSIM_TIME_NEVER;
}

static const CosimChannelOps copy_ops = {
    .read = copy_read,
    .write = copy_write,
    .next_event = copy_next_event,
};

/*
 * Registers 0x0-0xc hold what is written; writing N to 0x10 schedules an
 * event N ns later that toggles the model's line.  The model promises a
 * lookahead: no output change sooner than that after any write.
 */
typedef struct EventModel {
    CosimModel *link;
    uint32_t regs[4];
    uint64_t now;
    uint64_t event_at;
    bool line;
} EventModel;

static CosimStatus event_read(void *opaque, uint64_t addr, void *data,
                              uint32_t size, uint64_t *delay_ns)
{
    EventModel *e = opaque;

    if (size != 4 || addr > 0xc || addr % 4) {
        return COSIM_ADDRESS_ERROR;
    }
    memcpy(data, &e->regs[addr / 4], 4);
    return COSIM_OK;
}

static CosimStatus event_write(void *opaque, uint64_t addr, const void *data,
                               uint32_t size, uint64_t *delay_ns)
{
    EventModel *e = opaque;
    uint32_t v;

    if (size != 4 || addr > 0x10 || addr % 4) {
        return COSIM_ADDRESS_ERROR;
    }
    memcpy(&v, data, 4);
    if (addr == 0x10) {
        e->event_at = e->now + v;
    } else {
        e->regs[addr / 4] = v;
    }
    return COSIM_OK;
}

static void event_advance(void *opaque, uint64_t t)
{
    EventModel *e = opaque;

    if (e->event_at <= t) {
        e->event_at = COSIM_TIME_NEVER;
        e->line = !e->line;
        cosim_model_set_irq(e->link, 0, e->line);
    }
    e->now = t;
}

static uint64_t event_next(void *opaque)
{
    return ((EventModel *)opaque)->event_at;
}

static void event_reset(void *opaque)
{
    EventModel *e = opaque;

    memset(e->regs, 0, sizeof(e->regs));
    e->event_at = COSIM_TIME_NEVER;
}

static const CosimChannelOps event_ops = {
    .read = event_read,
    .write = event_write,
    .advance = event_advance,
    .next_event = event_next,
    .reset = event_reset,
};

#define EVENT_LOOKAHEAD_NS 500

/*
 * A log of the writes it takes, with their time: reading 0x0 gives how
 * many, and notes how many messages had come from kiln by then and in
 * how many transfers (ZeroMQ messages or ring slots).  No output, ever:
 * its lookahead is as long as kiln likes, so every write is posted.
 */
#define LOG_MAX 256

typedef struct WriteLog {
    CosimModel *link;
    unsigned n;
    uint64_t addr[LOG_MAX], value[LOG_MAX], when[LOG_MAX];
    uint64_t msgs, transfers;   /* at the last read */
} WriteLog;

static CosimStatus log_read(void *opaque, uint64_t addr, void *data,
                            uint32_t size, uint64_t *delay_ns)
{
    WriteLog *w = opaque;
    uint32_t n = w->n;

    if (size != 4 || addr != 0) {
        return COSIM_ADDRESS_ERROR;
    }
    cosim_model_received(w->link, &w->msgs, &w->transfers);
    memcpy(data, &n, 4);
    return COSIM_OK;
}

static CosimStatus log_write(void *opaque, uint64_t addr, const void *data,
                             uint32_t size, uint64_t *delay_ns)
{
    WriteLog *w = opaque;
    uint32_t v;

    if (size != 4 || w->n == LOG_MAX) {
        return COSIM_ADDRESS_ERROR;
    }
    memcpy(&v, data, 4);
    w->addr[w->n] = addr;
    w->value[w->n] = v;
    w->when[w->n] = cosim_model_time(w->link);
    w->n++;
    return COSIM_OK;
}

static const CosimChannelOps log_ops = {
    .read = log_read,
    .write = log_write,
    .next_event = copy_next_event,
};

/* Who offers and who takes the shared-memory ring, in the running test. */
typedef struct Setup {
    bool kiln_ring;         /* the bridge's shared-memory property */
    bool model_ring;        /* cosim_model_set_shared_memory() */
    bool model_unbatched;   /* cosim_model_set_batching(0) */
    bool event_driven;      /* cosim_model_set_event_driven() */
    uint64_t quantum_ns;    /* the bridge's quantum-ns; 0: its default */
} Setup;

static Setup setup;

/* --- the model side: one thread per link --- */

typedef struct ModelThread {
    CosimModel *link;
    GThread *thread;
    int result;
    TimerModel timer;
    CopyEngine copy;
    EventModel events;
    WriteLog log;
} ModelThread;

/* As a model program would: serve until BYE, then close the link. */
static gpointer model_serve(gpointer data)
{
    ModelThread *mt = data;

    mt->result = cosim_model_connect(mt->link, 5000) == 0 &&
                 cosim_model_run(mt->link) == 0 ? 0 : -1;
    if (mt->result < 0) {
        g_printerr("model: %s\n", cosim_model_error(mt->link));
    }
    cosim_model_free(mt->link);
    return NULL;
}

/* The timer (delay TIMER_DELAY_NS) on channel 0, the copy engine on 1. */
#define TIMER_DELAY_NS 7

static ModelThread *model_timer_copy(const char *ep)
{
    ModelThread *mt = g_new0(ModelThread, 1);

    mt->link = cosim_model_new_ctx(cosim_zmq_context(), ep, "timer+copy");
    cosim_model_set_shared_memory(mt->link, setup.model_ring);
    cosim_model_set_batching(mt->link, !setup.model_unbatched);
    cosim_model_set_event_driven(mt->link, setup.event_driven);
    timer_model_init(&mt->timer, mt->link, 0, TIMER_DELAY_NS);
    mt->copy.link = mt->link;
    g_assert_cmpint(cosim_model_add_channel(mt->link, 0, &timer_model_ops,
                                            &mt->timer), ==, 0);
    g_assert_cmpint(cosim_model_add_channel(mt->link, 1, &copy_ops,
                                            &mt->copy), ==, 0);
    mt->thread = g_thread_new("model", model_serve, mt);
    return mt;
}

static ModelThread *model_events(const char *ep)
{
    ModelThread *mt = g_new0(ModelThread, 1);

    mt->link = cosim_model_new_ctx(cosim_zmq_context(), ep, "events");
    cosim_model_set_shared_memory(mt->link, setup.model_ring);
    cosim_model_set_batching(mt->link, !setup.model_unbatched);
    mt->events = (EventModel){ .link = mt->link,
                               .event_at = COSIM_TIME_NEVER };
    cosim_model_set_lookahead(mt->link, EVENT_LOOKAHEAD_NS);
    g_assert_cmpint(cosim_model_add_channel(mt->link, 0, &event_ops,
                                            &mt->events), ==, 0);
    mt->thread = g_thread_new("model", model_serve, mt);
    return mt;
}

static ModelThread *model_log(const char *ep)
{
    ModelThread *mt = g_new0(ModelThread, 1);

    mt->link = cosim_model_new_ctx(cosim_zmq_context(), ep, "log");
    cosim_model_set_shared_memory(mt->link, setup.model_ring);
    cosim_model_set_batching(mt->link, !setup.model_unbatched);
    mt->log.link = mt->link;
    cosim_model_set_lookahead(mt->link, UINT64_MAX / 2);
    g_assert_cmpint(cosim_model_add_channel(mt->link, 0, &log_ops, &mt->log),
                    ==, 0);
    mt->thread = g_thread_new("model", model_serve, mt);
    return mt;
}

/* After kiln's BYE the model's serve loop ends with success. */
static void model_join(ModelThread *mt)
{
    g_thread_join(mt->thread);
    g_assert_cmpint(mt->result, ==, 0);
    g_free(mt);
}

/* --- kiln's side --- */

typedef struct LineLog {
    int level[4];
    int64_t when[4];        /* virtual time of the last change */
} LineLog;

static LineLog lines;

static void record_line(void *opaque, int n, int level)
{
    lines.level[n] = level;
    lines.when[n] = clock_now();
}

/* A device that takes 4-byte writes and keeps them: a DMA target. */
static uint32_t sink[16];

static uint64_t sink_read(void *opaque, hwaddr offset, unsigned size)
{
    return sink[offset / 4];
}

static void sink_write(void *opaque, hwaddr offset, uint64_t value,
                       unsigned size)
{
    sink[offset / 4] = (uint32_t)value;
}

static const MemOps sink_ops = {
    .read = sink_read, .write = sink_write, .sizes = MEM_SIZE_4,
};

static Machine *board_new(void)
{
    Machine *m = machine_new("cosim-test");
    g_autoptr(GError) err = NULL;

    clock_init();
    memset(&lines, 0, sizeof(lines));
    memset(sink, 0, sizeof(sink));
    region_add(m->sysmem, RAM_BASE, region_new_ram("ram", RAM_SIZE), &err);
    g_assert_no_error(err);
    region_add(m->sysmem, SINK_BASE,
               region_new_io("sink", sizeof(sink), &sink_ops, NULL), &err);
    g_assert_no_error(err);
    current_machine = m;
    return m;
}

static void board_free(Machine *m)
{
    machine_free(m);
    current_machine = NULL;
}

/* The shared-memory objects this process has made that are still named. */
static unsigned shm_names_left(void)
{
    g_autofree char *prefix = g_strdup_printf("kiln-cosim-%ld-",
                                              (long)getpid());
    g_autoptr(GDir) d = g_dir_open("/dev/shm", 0, NULL);
    const char *name;
    unsigned n = 0;

    while (d && (name = g_dir_read_name(d))) {
        n += g_str_has_prefix(name, prefix);
    }
    return n;
}

/*
 * A bridge at BASE with WINDOWS windows of 0x1000 and as many lines (line
 * i recorded as lines.level[FIRST_LINE + i]), on EP, realized and reset.
 */
static Device *bridge_add(Machine *m, hwaddr base, unsigned windows,
                          unsigned first_line, const char *ep,
                          const char *trace)
{
    const DeviceDesc *desc = device_desc_by_compatible("kiln,cosim-bridge");
    g_autofree char *name = g_strdup_printf("bridge@%" PRIx64, base);
    Device *dev = device_new(desc, name, m->root);
    g_autoptr(GError) err = NULL;
    DeviceReg regs[4];

    g_assert_nonnull(desc);
    for (unsigned i = 0; i < windows; i++) {
        regs[i] = (DeviceReg){ .base = base + 0x1000 * i, .size = 0x1000 };
    }
    g_autofree char *link = NULL;

    g_assert_true(device_set_prop_string(dev, "endpoint", ep, &err));
    g_assert_true(device_set_prop_uint(dev, "timeout-ms", 5000, &err));
    g_assert_true(device_set_prop_bool(dev, "shared-memory", setup.kiln_ring,
                                       &err));
    if (setup.quantum_ns) {
        g_assert_true(device_set_prop_uint(dev, "quantum-ns", setup.quantum_ns,
                                           &err));
    }
    if (trace) {
        g_assert_true(device_set_prop_string(dev, "kiln,trace", trace, &err));
    }
    device_set_reg(dev, regs, windows);
    g_assert_true(device_size_outputs(dev, NULL, windows, &err));
    if (!device_realize(dev, &err)) {
        g_error("realize: %s", err->message);
    }
    link = device_prop_format(dev, device_find_prop(dev, "link"));
    g_assert_cmpstr(link, ==, setup.kiln_ring && setup.model_ring
                              ? "shared-memory" : "zeromq");
    /* Taken or declined, the object's name is gone: nothing is left. */
    g_assert_cmpuint(shm_names_left(), ==, 0);
    for (unsigned i = 0; i < windows; i++) {
        g_assert_true(region_add(m->sysmem, regs[i].base, dev->regs[i].mr,
                                 &err));
        g_assert_true(device_connect_output(dev, NULL, i,
            (IrqLine){ record_line, NULL, (int)(first_line + i) }, &err));
    }
    device_reset(dev);
    return dev;
}

static uint32_t rd32(Machine *m, hwaddr addr)
{
    uint64_t v;

    g_assert_cmpint(as_load(&m->as, addr, 4, &v), ==, MEM_OK);
    return (uint32_t)v;
}

static void wr32(Machine *m, hwaddr addr, uint32_t v)
{
    g_assert_cmpint(as_store(&m->as, addr, 4, v), ==, MEM_OK);
}

/* --- tests --- */

static void test_timer_inproc(void)
{
    Machine *m = board_new();
    ModelThread *mt = model_timer_copy("inproc://timer-inproc");

    bridge_add(m, TIMER, 2, 0, "inproc://timer-inproc", NULL);
    clock_advance_to(1000);
    wr32(m, TIMER + TIMER_LOAD, 100);
    wr32(m, TIMER + TIMER_CTRL, TIMER_CTRL_EN | TIMER_CTRL_IE);
    clock_advance_to(1999);
    g_assert_cmpint(lines.level[0], ==, 0);
    g_assert_cmphex(rd32(m, TIMER + TIMER_COUNT), ==, 99);
    clock_advance_to(2000);
    g_assert_cmpint(lines.level[0], ==, 1);
    g_assert_cmpint(lines.when[0], ==, 2000);
    g_assert_cmphex(rd32(m, TIMER + TIMER_STATUS), ==, TIMER_STATUS_MATCH);
    wr32(m, TIMER + TIMER_STATUS, TIMER_STATUS_MATCH);
    g_assert_cmpint(lines.level[0], ==, 0);
    board_free(m);
    model_join(mt);
}

/* A RESP's delay_ns becomes a stall of the CPU that made the access. */
static void test_delay_charged(void)
{
    Machine *m = board_new();
    ModelThread *mt = model_timer_copy("inproc://delay");

    bridge_add(m, TIMER, 2, 0, "inproc://delay", NULL);
    clock_take_stall();
    rd32(m, TIMER + TIMER_CTRL);
    g_assert_cmpint(clock_take_stall(), ==, TIMER_DELAY_NS);
    wr32(m, TIMER + TIMER_LOAD, 5);
    rd32(m, TIMER + TIMER_LOAD);
    g_assert_cmpint(clock_take_stall(), ==, 2 * TIMER_DELAY_NS);
    board_free(m);
    model_join(mt);
}

/* ADDRESS_ERROR and GENERIC_ERROR statuses are bus errors for kiln. */
static void test_bus_error(void)
{
    Machine *m = board_new();
    ModelThread *mt = model_timer_copy("inproc://bus-error");
    uint8_t buf[8];
    uint64_t v = 1;

    bridge_add(m, TIMER, 2, 0, "inproc://bus-error", NULL);
    g_assert_cmpint(as_load(&m->as, TIMER + 0x10, 4, &v), ==, MEM_REJECTED);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmpint(as_store(&m->as, TIMER + 0x10, 4, 1), ==, MEM_REJECTED);
    /* The timer takes 32-bit accesses only. */
    g_assert_cmpint(as_load(&m->as, TIMER, 8, &v), ==, MEM_REJECTED);
    /* A buffer read (a debugger's, a DMA's) gets zeros where it failed. */
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmpint(as_read(&m->as, TIMER + 0xc, buf, sizeof(buf)), ==,
                    MEM_REJECTED);
    g_assert_true(memcmp(buf, (uint8_t[8]){ 0 }, sizeof(buf)) == 0);
    g_assert_cmpint(as_load(&m->as, TIMER + TIMER_LOAD, 4, &v), ==, MEM_OK);
    board_free(m);
    model_join(mt);
}

/*
 * The copy engine's DMA, in bursts past one message's 256 bytes, reaches
 * RAM and a device; a copy from a hole fails.
 */
static void test_dma(void)
{
    Machine *m = board_new();
    ModelThread *mt = model_timer_copy("inproc://dma");
    uint8_t pattern[600], back[600];

    bridge_add(m, TIMER, 2, 0, "inproc://dma", NULL);
    for (size_t i = 0; i < sizeof(pattern); i++) {
        pattern[i] = (uint8_t)(i * 7 + 3);
    }
    g_assert_cmpint(as_write(&m->as, RAM_BASE, pattern, sizeof(pattern)), ==,
                    MEM_OK);
    clock_advance_to(500);
    wr32(m, COPY + 0x0, RAM_BASE);
    wr32(m, COPY + 0x4, RAM_BASE + 0x1000);
    wr32(m, COPY + 0x8, sizeof(pattern));
    wr32(m, COPY + 0xc, 1);
    g_assert_cmpuint(rd32(m, COPY + 0xc), ==, 1);
    as_read(&m->as, RAM_BASE + 0x1000, back, sizeof(back));
    g_assert_true(memcmp(pattern, back, sizeof(pattern)) == 0);
    g_assert_cmpint(lines.level[1], ==, 1);
    g_assert_cmpint(lines.when[1], ==, 500);

    /* Into a device: the memory API splits it into the widths it takes. */
    wr32(m, COPY + 0x4, SINK_BASE);
    wr32(m, COPY + 0x8, 16);
    wr32(m, COPY + 0xc, 1);
    g_assert_cmpuint(rd32(m, COPY + 0xc), ==, 1);
    g_assert_true(memcmp(sink, pattern, 16) == 0);

    /* From a hole: the model is told, and reports it. */
    wr32(m, COPY + 0x0, 0x1000);
    wr32(m, COPY + 0xc, 1);
    g_assert_cmpuint(rd32(m, COPY + 0xc), ==, 2);

    /*
     * From its own bridge's window, which waits for this very model: a
     * bus error, not a deadlock.
     */
    wr32(m, COPY + 0x0, TIMER);
    wr32(m, COPY + 0x4, RAM_BASE + 0x2000);
    wr32(m, COPY + 0x8, 4);
    wr32(m, COPY + 0xc, 1);
    g_assert_cmpuint(rd32(m, COPY + 0xc), ==, 2);
    board_free(m);
    model_join(mt);
}

static char *read_trace(const char *path)
{
    char *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return text;
}

/*
 * A model with a lookahead gets its writes posted; kiln catches up with
 * a SYNC one lookahead after a write, and so learns of an event the write
 * scheduled in time to deliver it at its exact ns.
 */
static void test_posted(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *trace_path = g_build_filename(dir, "trace.txt", NULL);
    g_autofree char *trace = NULL;
    Machine *m = board_new();
    ModelThread *mt = model_events("inproc://posted");
    Device *dev = bridge_add(m, EVENTS, 1, 0, "inproc://posted", trace_path);

    clock_advance_to(100);
    for (unsigned i = 0; i < 4; i++) {
        wr32(m, EVENTS + 4 * i, 0x1000 + i);
    }
    g_assert_cmphex(rd32(m, EVENTS + 8), ==, 0x1002);

    clock_advance_to(1000);
    wr32(m, EVENTS + 0x10, 600);
    clock_advance_to(1599);
    g_assert_cmpint(lines.level[0], ==, 0);
    clock_advance_to(1600);
    g_assert_cmpint(lines.level[0], ==, 1);
    g_assert_cmpint(lines.when[0], ==, 1600);
    g_assert_cmpuint(device_prop_uint(dev, device_find_prop(dev, "late-irqs")),
                     ==, 0);
    board_free(m);
    model_join(mt);

    trace = read_trace(trace_path);
    g_assert_nonnull(strstr(trace, "100 WRITE 0 0x0 4 0x1000 posted\n"
                                   "100 WRITE 0 0x4 4 0x1001 posted\n"));
    g_assert_nonnull(strstr(trace, "1000 WRITE 0 0x10 4 0x258 posted\n"
                                   "1500 SYNC reached 1500 next 1600\n"
                                   "1600 IRQ 0 1 at 1600\n"
                                   "1600 SYNC reached 1600 next never\n"));
    g_unlink(trace_path);
    g_rmdir(dir);
}

/*
 * Posted writes arrive all, in order, each with its time, before a READ
 * that follows them is answered.  On ZeroMQ to a model that takes
 * batches they come several to a ZeroMQ message; to one that does not,
 * and on the ring, one each.
 */
static void test_batched(void)
{
    enum { NWRITES = 200 };
    Machine *m = board_new();
    ModelThread *mt = model_log("inproc://batched");
    WriteLog *log = &mt->log;
    bool batched = !(setup.kiln_ring && setup.model_ring) &&
                   !setup.model_unbatched;
    uint64_t msgs0, transfers0;

    bridge_add(m, LOG_BASE, 1, 0, "inproc://batched", NULL);
    g_assert_cmpuint(rd32(m, LOG_BASE), ==, 0);
    msgs0 = log->msgs;
    transfers0 = log->transfers;
    for (unsigned i = 0; i < NWRITES; i++) {
        clock_advance_to(1000 + 3 * i);
        wr32(m, LOG_BASE + 4 * (i % 8), 0x5000 + i);
    }
    g_assert_cmpuint(rd32(m, LOG_BASE), ==, NWRITES);
    for (unsigned i = 0; i < NWRITES; i++) {
        g_assert_cmphex(log->addr[i], ==, 4 * (i % 8));
        g_assert_cmphex(log->value[i], ==, 0x5000 + i);
        g_assert_cmpuint(log->when[i], ==, 1000 + 3 * i);
    }
    /* The writes and the READ, each a message. */
    g_assert_cmpuint(log->msgs - msgs0, ==, NWRITES + 1);
    if (batched) {
        /* 52 bytes a WRITE: some 78 to a batch of 4 KiB. */
        g_assert_cmpuint(log->transfers - transfers0, <=,
                         (NWRITES * 52 + 48) / 4000 + 1);
    } else {
        g_assert_cmpuint(log->transfers - transfers0, ==, NWRITES + 1);
    }
    board_free(m);
    model_join(mt);
}

/*
 * An event sooner than the lookahead breaks the model's promise: the
 * model stops its advance at the event (STOPPED_EARLY), kiln applies the
 * change at once, late, and counts it.
 */
static void test_late(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *trace_path = g_build_filename(dir, "trace.txt", NULL);
    g_autofree char *trace = NULL;
    Machine *m = board_new();
    ModelThread *mt = model_events("inproc://late");
    Device *dev = bridge_add(m, EVENTS, 1, 0, "inproc://late", trace_path);
    const PropDesc *late = device_find_prop(dev, "late-irqs");

    clock_advance_to(2000);
    wr32(m, EVENTS + 0x10, 100);
    clock_advance_to(2499);
    g_assert_cmpint(lines.level[0], ==, 0);
    clock_advance_to(3000);
    g_assert_cmpint(lines.level[0], ==, 1);
    g_assert_cmpint(lines.when[0], ==, 2500);
    g_assert_cmpuint(device_prop_uint(dev, late), ==, 1);
    board_free(m);
    model_join(mt);

    trace = read_trace(trace_path);
    g_assert_nonnull(strstr(trace, "2000 WRITE 0 0x10 4 0x64 posted\n"
                                   "2100 IRQ 0 1 at 2500\n"
                                   "2500 SYNC reached 2100 early next never\n"
                                   "2500 SYNC reached 2500 next never\n"));
    g_unlink(trace_path);
    g_rmdir(dir);
}

/*
 * An event-driven model is SYNCed at its announced events only, not every
 * quantum: with a quantum of 100 ns, the timer's matches (one-shot, then
 * periodic) still raise the line at their exact ns, and the only SYNCs
 * are those at the matches.  Without the promise, the same run SYNCs
 * every quantum.
 */
static void test_event_driven(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("kiln-cosim-XXXXXX", &err);
    g_autofree char *trace_path = g_build_filename(dir, "trace.txt", NULL);

    setup.quantum_ns = 100;
    for (int driven = 1; driven >= 0; driven--) {
        g_autofree char *ep = g_strdup_printf("inproc://event-driven-%d",
                                              driven);
        g_autofree char *trace = NULL;
        g_auto(GStrv) lines_of = NULL;
        unsigned syncs = 0;
        Machine *m;
        ModelThread *mt;

        setup.event_driven = driven;
        m = board_new();
        mt = model_timer_copy(ep);
        bridge_add(m, TIMER, 2, 0, ep, trace_path);
        clock_advance_to(1000);
        wr32(m, TIMER + TIMER_LOAD, 100);
        wr32(m, TIMER + TIMER_CTRL, TIMER_CTRL_EN | TIMER_CTRL_IE);
        /* One-shot: the match at 1000 + 100 * 10 ns, not a ns before. */
        for (int64_t t = 1001; t <= 2000; t++) {
            clock_advance_to(t);
            g_assert_cmpint(lines.level[0], ==, t == 2000);
        }
        g_assert_cmpint(lines.when[0], ==, 2000);
        wr32(m, TIMER + TIMER_STATUS, TIMER_STATUS_MATCH);
        /* Restarted, periodic, at 2500: matches at 3500 and 4500. */
        clock_advance_to(2500);
        wr32(m, TIMER + TIMER_CTRL, 0);
        wr32(m, TIMER + TIMER_CTRL,
             TIMER_CTRL_EN | TIMER_CTRL_IE | TIMER_CTRL_PERIODIC);
        for (int64_t t = 2501; t <= 4500; t++) {
            clock_advance_to(t);
            g_assert_cmpint(lines.level[0], ==, t == 3500 || t == 4500);
            if (lines.level[0]) {
                g_assert_cmpint(lines.when[0], ==, t);
                wr32(m, TIMER + TIMER_STATUS, TIMER_STATUS_MATCH);
            }
        }
        board_free(m);
        model_join(mt);

        g_assert_true(g_file_get_contents(trace_path, &trace, NULL, NULL));
        lines_of = g_strsplit(trace, "\n", -1);
        for (size_t i = 0; lines_of[i]; i++) {
            syncs += strstr(lines_of[i], " SYNC ") != NULL;
        }
        if (driven) {
            /*
             * At each match; a raised line stays up whatever the timer
             * does, so its next event comes with the RESP that clears it.
             */
            g_assert_cmpuint(syncs, ==, 3);
            g_assert_nonnull(strstr(trace, "2000 SYNC reached 2000 next "
                                           "never\n"));
            g_assert_nonnull(strstr(trace, "3500 SYNC reached 3500 next "
                                           "never\n"));
            g_assert_nonnull(strstr(trace, "4500 SYNC reached 4500 next "
                                           "never\n"));
        } else {
            /* One a quantum, from 1000 ns to 4500 ns. */
            g_assert_cmpuint(syncs, >=, 30);
        }
        g_unlink(trace_path);
    }
    g_rmdir(dir);
}

typedef struct Case {
    Setup setup;
    void (*fn)(void);
} Case;

static void run_case(gconstpointer data)
{
    const Case *c = data;

    setup = c->setup;
    c->fn();
}

int main(int argc, char **argv)
{
    static const struct {
        const char *prefix;
        Setup setup;
    } setups[] = {
        { "/cosim/bridge/", { .kiln_ring = true, .model_ring = true } },
        { "/cosim/bridge/zeromq/", { .kiln_ring = false, .model_ring = true } },
        { "/cosim/bridge/model-declines/",
          { .kiln_ring = true, .model_ring = false } },
        { "/cosim/bridge/zeromq-unbatched/",
          { .kiln_ring = false, .model_ring = true,
            .model_unbatched = true } },
    };
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        { "timer-inproc", test_timer_inproc },
        { "delay-charged", test_delay_charged },
        { "bus-error", test_bus_error },
        { "dma", test_dma },
        { "posted", test_posted },
        { "batched", test_batched },
        { "late", test_late },
        { "event-driven", test_event_driven },
    };
    static Case cases[G_N_ELEMENTS(setups) * G_N_ELEMENTS(tests)];

    g_test_init(&argc, &argv, NULL);
    log_set_program_name("bridge-test");
    for (size_t i = 0; i < G_N_ELEMENTS(setups); i++) {
        for (size_t j = 0; j < G_N_ELEMENTS(tests); j++) {
            Case *c = &cases[i * G_N_ELEMENTS(tests) + j];
            g_autofree char *path = g_strconcat(setups[i].prefix,
                                                tests[j].name, NULL);

            *c = (Case){ setups[i].setup, tests[j].fn };
            g_test_add_data_func(path, c, run_case);
        }
    }
    return g_test_run();
}
