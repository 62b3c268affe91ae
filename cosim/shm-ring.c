/*
 * The shared-memory ring of a cosim link (shm-ring.h; the layout is
 * proto.h's, the rules docs/cosim-protocol.md's "The shared-memory
 * ring").  Linux: POSIX shared memory and futexes.
 *
 * Each ring is single-producer, single-consumer.  The producer fills the
 * slot at head, then publishes head with a release store; the consumer
 * reads head with an acquire load, copies the slot out, then publishes
 * tail.  Each end keeps the other's index as last seen and reads it again
 * only when that is not enough (the ring looked empty, or full), so the
 * ends do not pull each other's cache lines on every message.
 *
 * Sleeping without a lost wake-up is Dekker's pattern: the waiter sets
 * its waiting word, fences, looks at the index once more and only then
 * sleeps, with FUTEX_WAIT, on that index's old value; the other end moves
 * the index, fences, and wakes the waiter if its word is set.  One of the
 * two always sees the other's store; a wake-up that comes before the
 * sleep finds the index moved and FUTEX_WAIT returns at once.
 */
#include "shm-ring.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * How an end waits.  First it spins, RING_SPIN_NS: a peer running on
 * another CPU answers a simple access in under a microsecond.  Then it
 * yields its CPU in a loop until RING_YIELD_NS: a peer waiting for this
 * very CPU (two busy cores, both ends queued on one) runs at once, where
 * spinning would hold it off for a time slice.  Then it sleeps on the
 * futex, costing nothing, until the peer wakes it: a model that simply
 * works long (an RTL design, one under a debugger), or a kiln that runs
 * its CPU between accesses.  A futex wake-up costs 5 to 50 us, so the
 * yielding covers a few of those.
 */
#define RING_SPIN_NS 1000
#define RING_SPINS_PER_LOOK 16
#define RING_YIELD_NS 50000
/* The longest sleep between two looks at the caller's GONE. */
#define RING_SLICE_NS 10000000
/* Room for the longest message and its length word, in whole cache lines. */
#define RING_SLOT_SIZE ((4 + COSIM_WIRE_MAX + 63) / 64 * 64)

_Static_assert(RING_SLOT_SIZE <= COSIM_SHM_MAX_SLOT_SIZE, "slot size");
_Static_assert(sizeof(CosimShmHeader) % 64 == 0 &&
               sizeof(CosimShmRingCtl) % 64 == 0 && RING_SLOT_SIZE % 64 == 0,
               "every part of the object starts on a cache line");

struct CosimShm {
    uint8_t *base;
    uint64_t size;
    uint32_t nslots;            /* checked copies of the header's geometry */
    uint32_t slot_size;
    uint64_t nonce;
    bool named;                 /* the name is ours to remove */
    char name[COSIM_SHM_NAME_LEN];
};

static bool is_power_of_2(uint32_t n)
{
    return n && !(n & (n - 1));
}

/* --- the object --- */

CosimShm *cosim_shm_create(uint32_t nslots, char *err, size_t err_size)
{
    uint64_t rnd[2];
    CosimShm *shm;
    CosimShmHeader *h;
    void *base;
    int fd, e;

    if (nslots < 2 || nslots > COSIM_SHM_MAX_SLOTS || !is_power_of_2(nslots)) {
        cosim_fail(err, err_size, "%u slots: not a power of two from 2 to %u",
                   nslots, COSIM_SHM_MAX_SLOTS);
        return NULL;
    }
    /* The name must not be guessed before it is offered, nor the nonce. */
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
        cosim_fail(err, err_size, "no random numbers: %s", strerror(errno));
        return NULL;
    }
    shm = calloc(1, sizeof(*shm));
    if (!shm) {
        cosim_fail(err, err_size, "out of memory");
        return NULL;
    }
    shm->nslots = nslots;
    shm->slot_size = RING_SLOT_SIZE;
    shm->size = COSIM_SHM_SIZE(nslots, RING_SLOT_SIZE);
    shm->nonce = rnd[1];
    snprintf(shm->name, sizeof(shm->name), "/kiln-cosim-%ld-%016" PRIx64,
             (long)getpid(), rnd[0]);
    fd = shm_open(shm->name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        cosim_fail(err, err_size, "cannot create %s: %s", shm->name, strerror(errno));
        free(shm);
        return NULL;
    }
    shm->named = true;
    /*
     * Reserve the pages now: a full /dev/shm then fails here, where it
     * can be said, and not as a SIGBUS at the first touch of a slot.
     */
    e = posix_fallocate(fd, 0, (off_t)shm->size);
    if (e) {
        cosim_fail(err, err_size, "cannot size %s to %" PRIu64 " bytes: %s",
                   shm->name, shm->size, strerror(e));
        close(fd);
        cosim_shm_free(shm);
        return NULL;
    }
    base = mmap(NULL, shm->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (base == MAP_FAILED) {
        cosim_fail(err, err_size, "cannot map %s: %s", shm->name, strerror(errno));
        cosim_shm_free(shm);
        return NULL;
    }
    shm->base = base;
    h = base;
    h->magic = COSIM_SHM_MAGIC;
    h->version = COSIM_SHM_VERSION;
    h->nslots = nslots;
    h->slot_size = RING_SLOT_SIZE;
    h->nonce = shm->nonce;
    return shm;
}

CosimShm *cosim_shm_open(const char *name, uint64_t nonce, uint64_t size,
                         char *err, size_t err_size)
{
    size_t len = strnlen(name, COSIM_SHM_NAME_LEN);
    CosimShmHeader h;
    CosimShm *shm;
    struct stat st;
    void *base;
    int fd;

    if (len < 2 || len == COSIM_SHM_NAME_LEN || name[0] != '/' ||
        strchr(name + 1, '/')) {
        cosim_fail(err, err_size, "\"%.*s\" is not a shared-memory name",
                   (int)len, name);
        return NULL;
    }
    if (size < COSIM_SHM_SIZE(2, RING_SLOT_SIZE) ||
        size > COSIM_SHM_SIZE(COSIM_SHM_MAX_SLOTS, COSIM_SHM_MAX_SLOT_SIZE)) {
        cosim_fail(err, err_size, "%s: %" PRIu64 " bytes is no ring's size", name,
                   size);
        return NULL;
    }
    fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) {
        cosim_fail(err, err_size, "cannot open %s: %s", name, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != size) {
        cosim_fail(err, err_size, "%s is %lld bytes, the offer says %" PRIu64, name,
                   (long long)st.st_size, size);
        close(fd);
        return NULL;
    }
    base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (base == MAP_FAILED) {
        cosim_fail(err, err_size, "cannot map %s: %s", name, strerror(errno));
        return NULL;
    }
    /* Checked in a private copy, so the checks hold for what is used. */
    memcpy(&h, base, sizeof(h));
    if (h.magic != COSIM_SHM_MAGIC) {
        cosim_fail(err, err_size, "%s is not a kiln ring (magic 0x%08x)", name,
                   h.magic);
    } else if (h.version != COSIM_SHM_VERSION) {
        cosim_fail(err, err_size, "%s: ring layout version %u, this side speaks %u",
                   name, h.version, COSIM_SHM_VERSION);
    } else if (h.nonce != nonce) {
        cosim_fail(err, err_size, "%s: the nonce is not the one offered", name);
    } else if (h.nslots < 2 || h.nslots > COSIM_SHM_MAX_SLOTS ||
               !is_power_of_2(h.nslots) || h.slot_size % 64 ||
               h.slot_size < RING_SLOT_SIZE ||
               h.slot_size > COSIM_SHM_MAX_SLOT_SIZE ||
               COSIM_SHM_SIZE(h.nslots, h.slot_size) != size) {
        cosim_fail(err, err_size, "%s: %u slots of %u bytes do not make a ring of "
                   "%" PRIu64 " bytes", name, h.nslots, h.slot_size, size);
    } else if (!(shm = calloc(1, sizeof(*shm)))) {
        cosim_fail(err, err_size, "out of memory");
    } else {
        shm->base = base;
        shm->size = size;
        shm->nslots = h.nslots;
        shm->slot_size = h.slot_size;
        shm->nonce = nonce;
        memcpy(shm->name, name, len + 1);
        return shm;
    }
    munmap(base, size);
    return NULL;
}

const char *cosim_shm_name(const CosimShm *shm)
{
    return shm->name;
}

uint64_t cosim_shm_nonce(const CosimShm *shm)
{
    return shm->nonce;
}

uint64_t cosim_shm_size(const CosimShm *shm)
{
    return shm->size;
}

void *cosim_shm_base(CosimShm *shm)
{
    return shm->base;
}

void cosim_shm_unlink(CosimShm *shm)
{
    if (shm->named) {
        shm_unlink(shm->name);
        shm->named = false;
    }
}

void cosim_shm_free(CosimShm *shm)
{
    if (!shm) {
        return;
    }
    cosim_shm_unlink(shm);
    if (shm->base) {
        munmap(shm->base, shm->size);
    }
    free(shm);
}

static void ring_init(CosimRing *r, CosimShm *shm, unsigned index)
{
    uint8_t *p = shm->base + sizeof(CosimShmHeader) +
                 index * (sizeof(CosimShmRingCtl) +
                          (size_t)shm->nslots * shm->slot_size);

    memset(r, 0, sizeof(*r));
    r->ctl = (CosimShmRingCtl *)p;
    r->slots = p + sizeof(CosimShmRingCtl);
    r->nslots = shm->nslots;
    r->slot_size = shm->slot_size;
}

void cosim_shm_rings(CosimShm *shm, bool kiln, CosimRing *tx, CosimRing *rx)
{
    /* Ring 0 carries kiln's messages, ring 1 the model's. */
    ring_init(tx, shm, kiln ? 0 : 1);
    ring_init(rx, shm, kiln ? 1 : 0);
}

/* --- waiting --- */

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Tell the CPU this is a spin loop: it then spares the sibling thread. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static long futex(uint32_t *word, int op, uint32_t val,
                  const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

/* The peer moved its index (WHICH) where no honest peer can. */
static int corrupt(CosimRing *r, const char *which, uint32_t head,
                   uint32_t tail)
{
    snprintf(r->why, sizeof(r->why), "ring %s out of range: head %u, tail "
             "%u, %u slots", which, head, tail, r->nslots);
    return -1;
}

/* The producer: 1 when a slot is free, 0 when not, -1 when tail is absurd. */
static int ring_has_room(CosimRing *r)
{
    uint32_t tail = __atomic_load_n(&r->ctl->tail, __ATOMIC_ACQUIRE);

    if (r->head - tail > r->nslots) {
        return corrupt(r, "tail", r->head, tail);
    }
    r->tail = tail;
    return r->head - tail < r->nslots;
}

/* The consumer: 1 when a message waits, 0 when not, -1 when head is absurd. */
static int ring_has_message(CosimRing *r)
{
    uint32_t head = __atomic_load_n(&r->ctl->head, __ATOMIC_ACQUIRE);

    if (head - r->tail > r->nslots) {
        return corrupt(r, "head", head, r->tail);
    }
    r->head = head;
    return head != r->tail;
}

/*
 * Wait until READY, sleeping on WORD (the other end's index, last seen
 * as *SEEN) with WAITING set.  0, or a COSIM_RING_ failure.
 */
static int ring_wait(CosimRing *r, uint32_t *word, const uint32_t *seen,
                     uint32_t *waiting, int (*ready)(CosimRing *),
                     int timeout_ms, CosimRingGone gone, void *opaque)
{
    int rd = ready(r);
    int64_t start, deadline;
    bool spinning = true;

    /*
     * The clock is read only when the message is not there yet, and while
     * spinning every RING_SPINS_PER_LOOK turns: it is not free either.
     */
    if (rd != 0) {
        return rd > 0 ? 0 : COSIM_RING_CORRUPT;
    }
    start = now_ns();
    deadline = timeout_ms < 0 ? INT64_MAX
                              : start + (int64_t)timeout_ms * 1000000;
    for (unsigned spins = 1; (rd = ready(r)) == 0; spins++) {
        int64_t now;

        if (spinning && spins % RING_SPINS_PER_LOOK) {
            cpu_relax();
            continue;
        }
        now = now_ns();
        if (now < start + RING_SPIN_NS) {
            cpu_relax();
            continue;
        }
        spinning = false;
        if (now < start + RING_YIELD_NS) {
            sched_yield();
            continue;
        }
        if (now >= deadline) {
            return COSIM_RING_TIMEOUT;
        }
        if (gone && gone(opaque)) {
            /* Messages first: a peer may answer, then go. */
            rd = ready(r);
            return rd > 0 ? 0 : rd < 0 ? COSIM_RING_CORRUPT : COSIM_RING_GONE;
        }
        __atomic_store_n(waiting, 1, __ATOMIC_SEQ_CST);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (ready(r) == 0) {
            int64_t left = deadline - now;
            struct timespec ts;

            /* Without GONE there is nothing to look at between slices. */
            if (gone && left > RING_SLICE_NS) {
                left = RING_SLICE_NS;
            }
            ts.tv_sec = left / 1000000000;
            ts.tv_nsec = left % 1000000000;
            r->sleeps++;
            futex(word, FUTEX_WAIT, *seen, deadline == INT64_MAX && !gone
                                           ? NULL : &ts);
        }
        __atomic_store_n(waiting, 0, __ATOMIC_RELAXED);
    }
    return rd > 0 ? 0 : COSIM_RING_CORRUPT;
}

/* After moving an index: wake the other end if it may sleep on it. */
static void ring_wake(uint32_t *waiting, uint32_t *word)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(waiting, __ATOMIC_RELAXED) &&
        __atomic_exchange_n(waiting, 0, __ATOMIC_ACQ_REL)) {
        futex(word, FUTEX_WAKE, 1, NULL);
    }
}

/* --- messages --- */

int cosim_ring_send(CosimRing *r, const void *msg, uint32_t len,
                    int timeout_ms, CosimRingGone gone, void *opaque)
{
    uint8_t *slot;

    if (len > r->slot_size - 4) {
        snprintf(r->why, sizeof(r->why), "a message of %u bytes, longer than "
                 "a slot", len);
        return COSIM_RING_CORRUPT;
    }
    if (r->head - r->tail >= r->nslots) {
        int rc = ring_wait(r, &r->ctl->tail, &r->tail,
                           &r->ctl->producer_waiting, ring_has_room,
                           timeout_ms, gone, opaque);

        if (rc < 0) {
            return rc;
        }
    }
    slot = r->slots + (size_t)(r->head & (r->nslots - 1)) * r->slot_size;
    __atomic_store_n((uint32_t *)slot, len, __ATOMIC_RELAXED);
    memcpy(slot + 4, msg, len);
    r->head++;
    __atomic_store_n(&r->ctl->head, r->head, __ATOMIC_RELEASE);
    ring_wake(&r->ctl->consumer_waiting, &r->ctl->head);
    return 0;
}

int64_t cosim_ring_recv(CosimRing *r, void *buf, size_t size, int timeout_ms,
                        CosimRingGone gone, void *opaque)
{
    const uint8_t *slot;
    uint32_t len;
    size_t n;

    if (r->head == r->tail) {
        int rc = ring_wait(r, &r->ctl->head, &r->head,
                           &r->ctl->consumer_waiting, ring_has_message,
                           timeout_ms, gone, opaque);

        if (rc < 0) {
            return rc;
        }
    }
    slot = r->slots + (size_t)(r->tail & (r->nslots - 1)) * r->slot_size;
    /* Read once: the length checked is the length used. */
    len = __atomic_load_n((const uint32_t *)slot, __ATOMIC_RELAXED);
    n = len < size ? len : size;
    if (n > r->slot_size - 4) {
        n = r->slot_size - 4;
    }
    memcpy(buf, slot + 4, n);
    r->tail++;
    __atomic_store_n(&r->ctl->tail, r->tail, __ATOMIC_RELEASE);
    ring_wake(&r->ctl->producer_waiting, &r->ctl->tail);
    return len;
}
