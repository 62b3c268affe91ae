/*
 * The shared-memory ring of cosim links (cosim/shm-ring.c): the checks a
 * model makes before it takes kiln's object; messages in order across
 * many trips around the ring and across the 2^32 wrap of its indices; a
 * full ring that makes its producer wait; a hostile peer's lengths and
 * indices caught without reading outside the object (run it in the
 * sanitizer build: buffers are heap blocks of exactly their size); and
 * futex sleeps and wake-ups between two threads and two processes, where
 * one lost wake-up would stall a wait until its timeout of seconds.
 */
#include <glib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shm-ring.h"
#include "wire.h"

/* Both ends of one object, as kiln and a model hold them. */
typedef struct Pair {
    CosimShm *kiln, *model;
    CosimRing ktx, krx;         /* kiln sends on ktx, receives on krx */
    CosimRing mtx, mrx;         /* the model's */
} Pair;

static void pair_open(Pair *p, uint32_t nslots)
{
    char why[160];

    p->kiln = cosim_shm_create(nslots, why, sizeof(why));
    if (!p->kiln) {
        g_error("create: %s", why);
    }
    p->model = cosim_shm_open(cosim_shm_name(p->kiln), cosim_shm_nonce(p->kiln),
                              cosim_shm_size(p->kiln), why, sizeof(why));
    if (!p->model) {
        g_error("open: %s", why);
    }
    cosim_shm_unlink(p->kiln);
    cosim_shm_rings(p->kiln, true, &p->ktx, &p->krx);
    cosim_shm_rings(p->model, false, &p->mtx, &p->mrx);
}

static void pair_close(Pair *p)
{
    cosim_shm_free(p->model);
    cosim_shm_free(p->kiln);
}

/* Message N: LEN bytes that say N and their own place. */
static uint32_t fill(uint8_t *buf, uint32_t n)
{
    uint32_t len = 1 + (n * 37u) % COSIM_WIRE_MAX;

    for (uint32_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(n * 7 + i);
    }
    return len;
}

static int64_t fill_len(uint32_t n)
{
    uint8_t buf[COSIM_WIRE_MAX];

    return fill(buf, n);
}

static void send_n(CosimRing *r, uint32_t n)
{
    uint8_t buf[COSIM_WIRE_MAX];

    g_assert_cmpint(cosim_ring_send(r, buf, fill(buf, n), 0, NULL, NULL), ==,
                    0);
}

static void recv_n(CosimRing *r, uint32_t n)
{
    uint8_t want[COSIM_WIRE_MAX];
    uint8_t *got = g_malloc(COSIM_WIRE_MAX);
    uint32_t len = fill(want, n);

    g_assert_cmpint(cosim_ring_recv(r, got, COSIM_WIRE_MAX, 0, NULL, NULL), ==,
                    len);
    g_assert_true(memcmp(got, want, len) == 0);
    g_free(got);
}

static void expect_open_fails(const char *name, uint64_t nonce, uint64_t size,
                              const char *reason)
{
    char why[160] = "";

    g_assert_null(cosim_shm_open(name, nonce, size, why, sizeof(why)));
    if (!strstr(why, reason)) {
        g_error("declined for \"%s\", expected \"%s\"", why, reason);
    }
}

/*
 * A model takes only the object kiln offered: named as offered, of the
 * size offered, with the nonce offered and a layout it speaks; and once
 * kiln has removed the name, nobody else can open it.
 */
static void test_handshake(void)
{
    char why[160];
    CosimShm *k = cosim_shm_create(16, why, sizeof(why));
    CosimShm *other = cosim_shm_create(16, why, sizeof(why));
    const char *name = cosim_shm_name(k);
    uint64_t nonce = cosim_shm_nonce(k);
    uint64_t size = cosim_shm_size(k);
    g_autofree char *path = g_strconcat("/dev/shm", name, NULL);
    CosimShmHeader *h = cosim_shm_base(k);
    CosimRing ktx, krx, mtx, mrx;
    struct stat st;
    CosimShm *m;

    g_assert_nonnull(k);
    g_assert_nonnull(other);
    g_assert_cmpstr(name, !=, cosim_shm_name(other));
    g_assert_cmpuint(nonce, !=, cosim_shm_nonce(other));
    cosim_shm_free(other);
    g_assert_cmpuint(size, ==, COSIM_SHM_SIZE(16, 320));
    /* The user's own: no other user's model may map it. */
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpuint(st.st_mode & 0777, ==, 0600);

    expect_open_fails(name, nonce + 1, size,
                      "the nonce is not the one offered");
    expect_open_fails(name, nonce, size + 64, "bytes, the offer says");
    expect_open_fails(name, nonce, 100, "is no ring's size");
    expect_open_fails("kiln-cosim", nonce, size, "not a shared-memory name");
    expect_open_fails("/dev/../kiln", nonce, size, "not a shared-memory name");
    expect_open_fails("/kiln-cosim-none", nonce, size, "cannot open");
    h->magic ^= 1;
    expect_open_fails(name, nonce, size, "is not a kiln ring");
    h->magic ^= 1;
    h->version = COSIM_SHM_VERSION + 1;
    expect_open_fails(name, nonce, size, "ring layout version 2");
    h->version = COSIM_SHM_VERSION;
    h->nslots = 24;
    expect_open_fails(name, nonce, size, "24 slots of 320 bytes do not make");
    h->nslots = 8;
    expect_open_fails(name, nonce, size, "8 slots of 320 bytes do not make");
    h->nslots = 16;
    h->slot_size = 64;
    expect_open_fails(name, nonce, size, "16 slots of 64 bytes do not make");
    h->slot_size = 320;

    m = cosim_shm_open(name, nonce, size, why, sizeof(why));
    if (!m) {
        g_error("open: %s", why);
    }
    cosim_shm_unlink(k);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    expect_open_fails(name, nonce, size, "No such file");
    /* The mappings outlive the name. */
    cosim_shm_rings(k, true, &ktx, &krx);
    cosim_shm_rings(m, false, &mtx, &mrx);
    send_n(&ktx, 1);
    recv_n(&mrx, 1);
    send_n(&mtx, 2);
    recv_n(&krx, 2);
    cosim_shm_free(m);
    cosim_shm_free(k);
}

/* Start both ends of R (one ring seen from both sides) at index AT. */
static void ring_start_at(CosimRing *tx, CosimRing *rx, uint32_t at)
{
    tx->head = tx->tail = rx->head = rx->tail = at;
    tx->ctl->head = tx->ctl->tail = at;
}

/*
 * Bursts of every size up to a full ring, taken in bursts of other
 * sizes: 125 trips around an 8-slot ring each way, every message whole
 * and in order; and again across the indices' wrap at 2^32.
 */
static void test_wrap(void)
{
    static const uint32_t starts[] = { 0, UINT32_MAX - 300 };

    for (size_t s = 0; s < G_N_ELEMENTS(starts); s++) {
        Pair p;
        uint32_t sent = 0, taken = 0, lcg = 12345;

        pair_open(&p, 8);
        ring_start_at(&p.ktx, &p.mrx, starts[s]);
        ring_start_at(&p.mtx, &p.krx, starts[s]);
        while (taken < 1000) {
            uint32_t room = 8 - (sent - taken);
            uint32_t burst;

            lcg = lcg * 1103515245 + 12345;
            burst = 1 + (lcg >> 16) % 8;
            for (uint32_t i = 0; i < burst && i < room; i++, sent++) {
                send_n(&p.ktx, sent);
                send_n(&p.mtx, sent);
            }
            lcg = lcg * 1103515245 + 12345;
            burst = 1 + (lcg >> 16) % (sent - taken);
            for (uint32_t i = 0; i < burst; i++, taken++) {
                recv_n(&p.mrx, taken);
                recv_n(&p.krx, taken);
            }
        }
        g_assert_cmpuint(p.ktx.head - starts[s], ==, sent);
        g_assert_cmpuint(p.ktx.ctl->tail - starts[s], ==, taken);
        pair_close(&p);
    }
}

static gint64 now_us(void)
{
    return g_get_monotonic_time();
}

/* A full ring: the producer waits for room, up to its timeout. */
static void test_full(void)
{
    uint8_t buf[8] = { 0 };
    Pair p;
    gint64 t0;

    pair_open(&p, 4);
    for (uint32_t n = 0; n < 4; n++) {
        send_n(&p.ktx, n);
    }
    t0 = now_us();
    g_assert_cmpint(cosim_ring_send(&p.ktx, buf, sizeof(buf), 50, NULL, NULL),
                    ==, COSIM_RING_TIMEOUT);
    g_assert_cmpint(now_us() - t0, >=, 50000);
    recv_n(&p.mrx, 0);
    send_n(&p.ktx, 4);
    for (uint32_t n = 1; n <= 4; n++) {
        recv_n(&p.mrx, n);
    }
    /* And empty: the consumer waits, up to its timeout. */
    g_assert_cmpint(cosim_ring_recv(&p.mrx, buf, sizeof(buf), 20, NULL, NULL),
                    ==, COSIM_RING_TIMEOUT);
    pair_close(&p);
}

/* The raw slot of index N of ring R. */
static uint8_t *raw_slot(const CosimRing *r, uint32_t n)
{
    return r->slots + (size_t)(n % r->nslots) * r->slot_size;
}

static void raw_put(const CosimRing *r, uint32_t n, uint32_t len, uint8_t byte)
{
    uint8_t *slot = raw_slot(r, n);

    memcpy(slot, &len, 4);
    memset(slot + 4, byte, r->slot_size - 4);
    __atomic_store_n(&r->ctl->head, n + 1, __ATOMIC_RELEASE);
}

/*
 * A peer that writes what it likes in the object: lengths past any
 * buffer and past the slot are cut to what fits (and the decoder names
 * the length, as for ZeroMQ); indices out of range are refused.
 */
static void test_hostile(void)
{
    size_t rx_size = COSIM_WIRE_MAX + 1;
    uint8_t *rx = g_malloc(rx_size);
    uint8_t *big = g_malloc(4096);
    char why[COSIM_WIRE_ERR_LEN];
    uint8_t buf[8] = { 0 };
    CosimMsg msg;
    Pair p;

    pair_open(&p, 8);
    /* kiln's ring written by a "kiln" that lies to the model. */
    raw_put(&p.ktx, 0, UINT32_MAX, 0xab);
    g_assert_cmpint(cosim_ring_recv(&p.mrx, rx, rx_size, 0, NULL, NULL), ==,
                    UINT32_MAX);
    g_assert_cmpint(cosim_wire_decode(rx, UINT32_MAX, &msg, why, sizeof(why)),
                    ==, -1);
    g_assert_cmpstr(why, ==, "4294967295 bytes, longer than any message");

    memset(big, 0x5a, 4096);
    raw_put(&p.ktx, 1, p.mrx.slot_size + 100, 0xcd);
    g_assert_cmpint(cosim_ring_recv(&p.mrx, big, 4096, 0, NULL, NULL), ==,
                    p.mrx.slot_size + 100);
    /* What the slot holds was copied, and not a byte more. */
    g_assert_cmphex(big[p.mrx.slot_size - 5], ==, 0xcd);
    g_assert_cmphex(big[p.mrx.slot_size - 4], ==, 0x5a);

    /* A head more than a ring ahead of the tail. */
    __atomic_store_n(&p.ktx.ctl->head, 2 + 9, __ATOMIC_RELEASE);
    g_assert_cmpint(cosim_ring_recv(&p.mrx, rx, rx_size, 0, NULL, NULL), ==,
                    COSIM_RING_CORRUPT);
    g_assert_cmpstr(p.mrx.why, ==, "ring head out of range: head 11, tail 2, "
                    "8 slots");
    /* A head behind the tail. */
    __atomic_store_n(&p.ktx.ctl->head, 1, __ATOMIC_RELEASE);
    g_assert_cmpint(cosim_ring_recv(&p.mrx, rx, rx_size, 0, NULL, NULL), ==,
                    COSIM_RING_CORRUPT);

    /* The model's ring, full, and a "kiln" that moves its tail past head. */
    for (uint32_t n = 0; n < 8; n++) {
        send_n(&p.mtx, n);
    }
    __atomic_store_n(&p.mtx.ctl->tail, 8 + 3, __ATOMIC_RELEASE);
    g_assert_cmpint(cosim_ring_send(&p.mtx, buf, sizeof(buf), 0, NULL, NULL),
                    ==, COSIM_RING_CORRUPT);
    g_assert_cmpstr(p.mtx.why, ==, "ring tail out of range: head 8, tail 11, "
                    "8 slots");
    /* And no message longer than a slot goes out. */
    g_assert_cmpint(cosim_ring_send(&p.ktx, big, p.ktx.slot_size - 3, 0, NULL,
                                    NULL), ==, COSIM_RING_CORRUPT);
    g_assert_cmpstr(p.ktx.why, ==, "a message of 317 bytes, longer than a "
                    "slot");
    pair_close(&p);
    g_free(big);
    g_free(rx);
}

/* --- two threads --- */

typedef struct Waiter {
    CosimRing *ring;
    bool send;              /* wait for room to send, or for a message */
    int64_t result;
    gint64 waited_us;
} Waiter;

static gpointer waiter_run(gpointer data)
{
    Waiter *w = data;
    uint8_t buf[COSIM_WIRE_MAX];
    gint64 t0 = now_us();

    /* No GONE: it sleeps through to the 10 s timeout unless woken. */
    w->result = w->send
        ? cosim_ring_send(w->ring, buf, fill(buf, 99), 10000, NULL, NULL)
        : cosim_ring_recv(w->ring, buf, sizeof(buf), 10000, NULL, NULL);
    w->waited_us = now_us() - t0;
    return NULL;
}

/*
 * A consumer asleep on an empty ring is woken by the message, a producer
 * asleep on a full ring by the room: at once, not at its timeout.
 */
static void test_wake_threads(void)
{
    Pair p;
    Waiter w;
    GThread *t;

    pair_open(&p, 2);
    w = (Waiter){ .ring = &p.mrx };
    t = g_thread_new("consumer", waiter_run, &w);
    g_usleep(100000);
    send_n(&p.ktx, 7);
    g_thread_join(t);
    g_assert_cmpint(w.result, ==, fill_len(7));
    g_assert_cmpuint(p.mrx.sleeps, >=, 1);
    g_assert_cmpint(w.waited_us, >=, 90000);
    g_assert_cmpint(w.waited_us, <, 5000000);

    send_n(&p.ktx, 0);
    send_n(&p.ktx, 1);
    w = (Waiter){ .ring = &p.ktx, .send = true };
    t = g_thread_new("producer", waiter_run, &w);
    g_usleep(100000);
    recv_n(&p.mrx, 0);
    g_thread_join(t);
    g_assert_cmpint(w.result, ==, 0);
    g_assert_cmpuint(p.ktx.sleeps, >=, 1);
    g_assert_cmpint(w.waited_us, >=, 90000);
    g_assert_cmpint(w.waited_us, <, 5000000);
    recv_n(&p.mrx, 1);
    recv_n(&p.mrx, 99);
    pair_close(&p);
}

typedef struct Echo {
    Pair *p;
    uint32_t rounds;
} Echo;

static gpointer echo_run(gpointer data)
{
    Echo *e = data;
    uint8_t buf[COSIM_WIRE_MAX];

    for (uint32_t n = 0; n < e->rounds; n++) {
        int64_t len = cosim_ring_recv(&e->p->mrx, buf, sizeof(buf), 10000,
                                      NULL, NULL);

        g_assert_cmpint(len, >, 0);
        g_assert_cmpint(cosim_ring_send(&e->p->mtx, buf, (uint32_t)len, 10000,
                                        NULL, NULL), ==, 0);
    }
    return NULL;
}

/*
 * Ping-pong with pauses around the spin time, so that the ends go to
 * sleep at every moment of the other's send: a lost wake-up would cost
 * its 10 s timeout, far past what the whole run may take.
 */
static void test_pingpong(void)
{
    Echo e = { .rounds = 3000 };
    uint32_t lcg = 1;
    gint64 t0 = now_us();
    GThread *t;
    Pair p;

    pair_open(&p, 4);
    e.p = &p;
    t = g_thread_new("echo", echo_run, &e);
    for (uint32_t n = 0; n < e.rounds; n++) {
        uint8_t buf[COSIM_WIRE_MAX];

        lcg = lcg * 1103515245 + 12345;
        if ((lcg >> 16) % 3 == 0) {
            g_usleep((lcg >> 20) % 60);
        }
        g_assert_cmpint(cosim_ring_send(&p.ktx, buf, fill(buf, n), 10000, NULL,
                                        NULL), ==, 0);
        lcg = lcg * 1103515245 + 12345;
        if ((lcg >> 16) % 3 == 0) {
            g_usleep((lcg >> 20) % 60);
        }
        g_assert_cmpint(cosim_ring_recv(&p.krx, buf, sizeof(buf), 10000, NULL,
                                        NULL), ==, fill(buf, n));
    }
    g_thread_join(t);
    g_test_message("3000 round trips in %.3f s; sleeps: kiln %" G_GUINT64_FORMAT
                   ", model %" G_GUINT64_FORMAT, (now_us() - t0) / 1e6,
                   p.krx.sleeps, p.mrx.sleeps);
    g_assert_cmpint(now_us() - t0, <, 9000000);
    pair_close(&p);
}

/* --- two processes --- */

/*
 * The model's side in a child process: open the object by name, echo
 * every message until an empty one, then answer with how often it slept.
 */
static int child_echo(const char *name, uint64_t nonce, uint64_t size)
{
    uint8_t buf[COSIM_WIRE_MAX];
    char why[160];
    CosimShm *shm = cosim_shm_open(name, nonce, size, why, sizeof(why));
    CosimRing tx, rx;
    int64_t len;

    if (!shm) {
        return 2;
    }
    cosim_shm_rings(shm, false, &tx, &rx);
    while ((len = cosim_ring_recv(&rx, buf, sizeof(buf), 10000, NULL,
                                  NULL)) > 0) {
        if (cosim_ring_send(&tx, buf, (uint32_t)len, 10000, NULL, NULL) < 0) {
            return 3;
        }
    }
    if (len < 0) {
        return 4;
    }
    memcpy(buf, &rx.sleeps, sizeof(rx.sleeps));
    cosim_ring_send(&tx, buf, sizeof(rx.sleeps), 10000, NULL, NULL);
    cosim_shm_free(shm);
    return 0;
}

static void test_processes(void)
{
    char why[160];
    CosimShm *k = cosim_shm_create(8, why, sizeof(why));
    uint8_t buf[COSIM_WIRE_MAX];
    uint64_t child_sleeps;
    CosimRing tx, rx;
    int status;
    pid_t pid;

    g_assert_nonnull(k);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        _exit(child_echo(cosim_shm_name(k), cosim_shm_nonce(k),
                         cosim_shm_size(k)));
    }
    cosim_shm_rings(k, true, &tx, &rx);
    for (uint32_t n = 0; n < 400; n++) {
        /* Every fourth message after a pause: the child is asleep by then. */
        if (n % 4 == 0) {
            g_usleep(200);
        }
        g_assert_cmpint(cosim_ring_send(&tx, buf, fill(buf, n), 10000, NULL,
                                        NULL), ==, 0);
        g_assert_cmpint(cosim_ring_recv(&rx, buf, sizeof(buf), 10000, NULL,
                                        NULL), ==, fill(buf, n));
        g_assert_cmphex(buf[0], ==, (uint8_t)(n * 7));
    }
    g_assert_cmpint(cosim_ring_send(&tx, buf, 0, 10000, NULL, NULL), ==, 0);
    g_assert_cmpint(cosim_ring_recv(&rx, buf, sizeof(buf), 10000, NULL, NULL),
                    ==, sizeof(child_sleeps));
    memcpy(&child_sleeps, buf, sizeof(child_sleeps));
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    /* The child slept, and the parent's messages woke it across processes. */
    g_assert_cmpuint(child_sleeps, >=, 10);
    cosim_shm_free(k);
}

/* --- a peer that goes --- */

static bool gone_on_third(void *opaque)
{
    return ++*(int *)opaque >= 3;
}

/* A wait with no timeout ends when GONE says so, looked at every slice. */
static void test_gone(void)
{
    uint8_t buf[8];
    int calls = 0;
    Pair p;

    pair_open(&p, 4);
    g_assert_cmpint(cosim_ring_recv(&p.mrx, buf, sizeof(buf), -1,
                                    gone_on_third, &calls), ==,
                    COSIM_RING_GONE);
    g_assert_cmpint(calls, ==, 3);
    /* A message already there comes first. */
    calls = 3;
    send_n(&p.ktx, 0);
    g_assert_cmpint(cosim_ring_recv(&p.mrx, buf, sizeof(buf), -1,
                                    gone_on_third, &calls), ==, fill_len(0));
    pair_close(&p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cosim/shm-ring/handshake", test_handshake);
    g_test_add_func("/cosim/shm-ring/wrap", test_wrap);
    g_test_add_func("/cosim/shm-ring/full", test_full);
    g_test_add_func("/cosim/shm-ring/hostile", test_hostile);
    g_test_add_func("/cosim/shm-ring/wake-threads", test_wake_threads);
    g_test_add_func("/cosim/shm-ring/pingpong", test_pingpong);
    g_test_add_func("/cosim/shm-ring/processes", test_processes);
    g_test_add_func("/cosim/shm-ring/gone", test_gone);
    return g_test_run();
}
