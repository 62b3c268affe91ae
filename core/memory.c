/*
 * Guest physical memory: the region tree, its flattened view, and the
 * dispatch of loads and stores to RAM, ROM and device ops.
 *
 * The tree is what boards build; the flat view is what accesses use.  Any
 * change to any tree bumps one global generation counter, and an address
 * space compares its own copy of that counter on every look-up, rebuilding
 * its flat ranges when they differ.  Boards change the tree only while they
 * are assembled, so the rebuild is paid once and a look-up is a compare and
 * a binary search.
 *
 * Region sizes are 64-bit, so a size cannot say 2^64; as in QEMU, a size
 * of UINT64_MAX stands for the whole 2^64-byte space (a root container).
 * All ranges are kept as inclusive [first, last] pairs so that nothing
 * overflows at the top of the address space.
 */
#include "kiln/memory.h"
#include "kiln/log.h"

/*
 * Bumped by every change to any region tree.  Starts above 0 so that an
 * address space built with generation 0 always rebuilds on first use.
 */
static uint64_t mem_generation = 1;

static uint64_t region_last(const MemRegion *mr)
{
    return mr->size == UINT64_MAX ? UINT64_MAX : mr->size - 1;
}

static const char *region_kind_str(MemRegionKind kind)
{
    switch (kind) {
    case MR_RAM:
        return "ram";
    case MR_ROM:
        return "rom";
    case MR_IO:
        return "io";
    case MR_ALIAS:
        return "alias";
    case MR_CONTAINER:
        return "container";
    }
    return "?";
}

static MemRegion *region_new(MemRegionKind kind, const char *name,
                             uint64_t size)
{
    MemRegion *mr = g_new0(MemRegion, 1);

    mr->kind = kind;
    mr->name = g_strdup(name);
    mr->size = size;
    return mr;
}

MemRegion *region_new_ram(const char *name, uint64_t size)
{
    MemRegion *mr = region_new(MR_RAM, name, size);

    mr->host = g_malloc0(size);
    return mr;
}

MemRegion *region_new_rom(const char *name, uint64_t size)
{
    MemRegion *mr = region_new(MR_ROM, name, size);

    mr->host = g_malloc0(size);
    return mr;
}

MemRegion *region_new_io(const char *name, uint64_t size,
                         const MemOps *ops, void *opaque)
{
    MemRegion *mr;

    /* A device that accepts no width could never be reached: a model bug. */
    g_assert(ops->sizes != 0 && (ops->sizes & ~(unsigned)MEM_SIZE_ALL) == 0);
    mr = region_new(MR_IO, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
    return mr;
}

MemRegion *region_new_alias(const char *name, MemRegion *target,
                            uint64_t offset, uint64_t size)
{
    MemRegion *mr = region_new(MR_ALIAS, name, size);

    mr->alias_of = target;
    mr->alias_offset = offset;
    return mr;
}

MemRegion *region_new_container(const char *name, uint64_t size)
{
    MemRegion *mr = region_new(MR_CONTAINER, name, size);

    mr->subregions = g_array_new(FALSE, FALSE, sizeof(MemSubregion));
    return mr;
}

/* Index of the first subregion of CONTAINER mapped at or above ADDR. */
static guint container_lower_bound(const MemRegion *container, hwaddr addr)
{
    guint lo = 0, hi = container->subregions->len;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;

        if (g_array_index(container->subregions, MemSubregion, mid).addr < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void container_unlink(MemRegion *container, const MemRegion *sub)
{
    for (guint i = 0; i < container->subregions->len; i++) {
        if (g_array_index(container->subregions, MemSubregion, i).mr == sub) {
            g_array_remove_index(container->subregions, i);
            return;
        }
    }
}

void region_free(MemRegion *mr)
{
    if (!mr) {
        return;
    }
    if (mr->container) {
        container_unlink(mr->container, mr);
    }
    if (mr->subregions) {
        for (guint i = 0; i < mr->subregions->len; i++) {
            MemRegion *sub = g_array_index(mr->subregions, MemSubregion, i).mr;

            /* Detach first so that freeing SUB does not edit this array. */
            sub->container = NULL;
            region_free(sub);
        }
        g_array_free(mr->subregions, TRUE);
    }
    g_free(mr->host);
    g_free(mr->name);
    g_free(mr);
    mem_generation++;
}

bool region_add(MemRegion *container, hwaddr addr, MemRegion *sub,
                GError **errp)
{
    uint64_t last, clast = region_last(container);
    MemSubregion entry = { .addr = addr, .mr = sub };
    guint pos;

    g_assert(container->kind == MR_CONTAINER);
    if (sub->container) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "region \"%s\" is already mapped in \"%s\"",
                    sub->name, sub->container->name);
        return false;
    }
    if (sub->size == 0) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "region \"%s\" has size 0", sub->name);
        return false;
    }
    if (addr > clast || region_last(sub) > clast - addr) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "region \"%s\" [0x%" PRIx64 ", 0x%" PRIx64 "] does not "
                    "fit in \"%s\" [0x0, 0x%" PRIx64 "]",
                    sub->name, addr,
                    region_last(sub) > UINT64_MAX - addr ?
                        UINT64_MAX : addr + region_last(sub),
                    container->name, clast);
        return false;
    }
    last = addr + region_last(sub);

    /*
     * Siblings are sorted and disjoint, so only the neighbours on either
     * side of the insertion point can overlap the newcomer.
     */
    pos = container_lower_bound(container, addr);
    for (guint i = pos > 0 ? pos - 1 : pos;
         i <= pos && i < container->subregions->len; i++) {
        const MemSubregion *s = &g_array_index(container->subregions,
                                               MemSubregion, i);
        uint64_t slast = s->addr + region_last(s->mr);

        if (s->addr <= last && addr <= slast) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "region \"%s\" [0x%" PRIx64 ", 0x%" PRIx64 "] overlaps "
                        "\"%s\" [0x%" PRIx64 ", 0x%" PRIx64 "] in \"%s\"",
                        sub->name, addr, last, s->mr->name, s->addr, slast,
                        container->name);
            return false;
        }
    }
    g_array_insert_val(container->subregions, pos, entry);
    sub->container = container;
    mem_generation++;
    return true;
}

/*
 * Append to RANGES the leaves that MR resolves to, for the part of MR that
 * starts at offset MR_OFFSET and is seen at guest addresses [FIRST, LAST].
 * Children emit in address order, so RANGES comes out sorted.
 */
static void flatten(GArray *ranges, MemRegion *mr, uint64_t mr_offset,
                    hwaddr first, hwaddr last)
{
    uint64_t mlast = region_last(mr);

    /* Clip to MR itself: an alias may point past the end of its target. */
    if (mr_offset > mlast) {
        return;
    }
    if (last - first > mlast - mr_offset) {
        last = first + (mlast - mr_offset);
    }

    switch (mr->kind) {
    case MR_RAM:
    case MR_ROM:
    case MR_IO: {
        FlatRange fr = {
            .start = first, .last = last, .mr = mr, .offset = mr_offset,
        };

        g_array_append_val(ranges, fr);
        break;
    }
    case MR_ALIAS:
        if (mr->alias_offset > UINT64_MAX - mr_offset) {
            return;
        }
        flatten(ranges, mr->alias_of, mr->alias_offset + mr_offset,
                first, last);
        break;
    case MR_CONTAINER: {
        uint64_t view_last = mr_offset + (last - first);

        for (guint i = 0; i < mr->subregions->len; i++) {
            const MemSubregion *s = &g_array_index(mr->subregions,
                                                   MemSubregion, i);
            uint64_t lo = MAX(s->addr, mr_offset);
            uint64_t hi = MIN(s->addr + region_last(s->mr), view_last);

            if (s->addr > view_last) {
                break;
            }
            if (lo > hi) {
                continue;
            }
            flatten(ranges, s->mr, lo - s->addr,
                    first + (lo - mr_offset), first + (hi - mr_offset));
        }
        break;
    }
    }
}

static void as_rebuild(AddressSpace *as)
{
    GArray *ranges = g_array_new(FALSE, FALSE, sizeof(FlatRange));

    flatten(ranges, as->root, 0, 0, region_last(as->root));
    g_free(as->ranges);
    as->nr_ranges = ranges->len;
    as->ranges = (FlatRange *)(void *)g_array_free(ranges, FALSE);
    as->generation = mem_generation;
}

void as_init(AddressSpace *as, const char *name, MemRegion *root)
{
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name);
    as->root = root;
}

/* The root region belongs to whoever built it; it is not freed here. */
void as_destroy(AddressSpace *as)
{
    g_free(as->name);
    g_free(as->ranges);
    memset(as, 0, sizeof(*as));
}

/*
 * Index of the first range that starts above ADDR; the range holding ADDR,
 * if any, is the one just before it.
 */
static size_t as_upper_bound(AddressSpace *as, hwaddr addr)
{
    size_t lo = 0, hi;

    if (unlikely(as->generation != mem_generation)) {
        as_rebuild(as);
    }
    hi = as->nr_ranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (as->ranges[mid].start <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

const FlatRange *as_lookup(AddressSpace *as, hwaddr addr)
{
    size_t i = as_upper_bound(as, addr);

    if (i > 0 && addr <= as->ranges[i - 1].last) {
        return &as->ranges[i - 1];
    }
    return NULL;
}

static uint64_t load_le(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1:
        return p[0];
    case 2: {
        uint16_t v;
        memcpy(&v, p, 2);
        return GUINT16_FROM_LE(v);
    }
    case 4: {
        uint32_t v;
        memcpy(&v, p, 4);
        return GUINT32_FROM_LE(v);
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return GUINT64_FROM_LE(v);
    }
    }
}

static void store_le(uint8_t *p, unsigned size, uint64_t value)
{
    switch (size) {
    case 1:
        p[0] = (uint8_t)value;
        break;
    case 2: {
        uint16_t v = GUINT16_TO_LE((uint16_t)value);
        memcpy(p, &v, 2);
        break;
    }
    case 4: {
        uint32_t v = GUINT32_TO_LE((uint32_t)value);
        memcpy(p, &v, 4);
        break;
    }
    default: {
        uint64_t v = GUINT64_TO_LE(value);
        memcpy(p, &v, 8);
        break;
    }
    }
}

static uint64_t size_mask(unsigned size)
{
    return size == 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/*
 * The width in which an access of SIZE at region offset OFFSET reaches a
 * device: SIZE itself if accepted, else the widest accepted width when
 * SIZE is wider than it.  0 when the device cannot take the access, either
 * because it is too narrow or because the pieces would be misaligned.
 */
static unsigned io_piece_size(const MemOps *ops, hwaddr offset, unsigned size)
{
    unsigned widest = 1u << (31 - __builtin_clz(ops->sizes));
    unsigned piece;

    if (ops->sizes & size) {
        piece = size;
    } else if (size > widest) {
        piece = widest;
    } else {
        return 0;
    }
    return offset % piece == 0 ? piece : 0;
}

/* Set by mem_access_fail() during a device op. */
static bool op_failed;

void mem_access_fail(void)
{
    op_failed = true;
}

/*
 * One call of a device op; false when the device called mem_access_fail().
 * An op may itself reach memory (a cosim model's DMA), so the flag of the
 * access around this one is kept aside and put back.
 */
static bool io_op(MemRegion *mr, hwaddr offset, unsigned size,
                  uint64_t *value, bool is_write)
{
    bool outer = op_failed;
    bool failed;

    op_failed = false;
    if (is_write) {
        mr->ops->write(mr->opaque, offset, *value, size);
    } else {
        *value = mr->ops->read(mr->opaque, offset, size);
    }
    failed = op_failed;
    op_failed = outer;
    return !failed;
}

/* An access of SIZE at OFFSET of an IO region; false if rejected. */
static bool io_access(MemRegion *mr, hwaddr offset, unsigned size,
                      uint64_t *value, bool is_write)
{
    unsigned piece = io_piece_size(mr->ops, offset, size);
    uint64_t v = 0;

    if (piece == 0) {
        return false;
    }
    for (unsigned done = 0; done < size; done += piece) {
        uint64_t part = is_write ? (*value >> (8 * done)) & size_mask(piece)
                                 : 0;

        if (!io_op(mr, offset + done, piece, &part, is_write)) {
            return false;
        }
        if (!is_write) {
            v |= (part & size_mask(piece)) << (8 * done);
        }
    }
    if (!is_write) {
        *value = v;
    }
    return true;
}

static void log_unmapped(const char *what, hwaddr addr, uint64_t size)
{
    log_mask(LOG_GUEST_ERROR,
             "%s of %" PRIu64 " bytes at 0x%" PRIx64 ": unmapped\n",
             what, size, addr);
}

static void log_rejected(const char *what, hwaddr addr, uint64_t size,
                         const MemRegion *mr, uint64_t offset)
{
    log_mask(LOG_GUEST_ERROR,
             "%s of %" PRIu64 " bytes at 0x%" PRIx64 ": rejected by \"%s\" "
             "at offset 0x%" PRIx64 "\n", what, size, addr, mr->name, offset);
}

static bool range_is_memory(const FlatRange *fr)
{
    return fr->mr->kind == MR_RAM || fr->mr->kind == MR_ROM;
}

/*
 * An access that runs off the end of its range into the next.  Between
 * RAM and ROM it is done byte by byte, as the bus would; anything else
 * (a device, a hole, the top of the address space) rejects it whole.
 */
static MemResult as_access_straddle(AddressSpace *as, hwaddr addr,
                                    unsigned size, uint64_t *value,
                                    bool is_write)
{
    const FlatRange *fr[8];
    const char *what = is_write ? "store" : "load";

    for (unsigned i = 0; i < size; i++) {
        fr[i] = i > 0 && addr + i == 0 ? NULL : as_lookup(as, addr + i);
        if (!fr[i] || !range_is_memory(fr[i])) {
            log_mask(LOG_GUEST_ERROR,
                     "%s of %u bytes at 0x%" PRIx64 ": crosses from \"%s\" "
                     "into %s%s%s\n", what, size, addr, fr[0]->mr->name,
                     fr[i] ? "\"" : "", fr[i] ? fr[i]->mr->name : "unmapped",
                     fr[i] ? "\"" : "");
            return MEM_REJECTED;
        }
    }
    for (unsigned i = 0; i < size; i++) {
        uint8_t *p = fr[i]->mr->host + fr[i]->offset + (addr + i - fr[i]->start);

        if (!is_write) {
            *value |= (uint64_t)*p << (8 * i);
        } else if (fr[i]->mr->kind == MR_RAM) {
            *p = (uint8_t)(*value >> (8 * i));
        }
    }
    return MEM_OK;
}

static MemResult as_access(AddressSpace *as, hwaddr addr, unsigned size,
                           uint64_t *value, bool is_write)
{
    const FlatRange *fr = as_lookup(as, addr);
    const char *what = is_write ? "store" : "load";
    uint64_t offset;

    g_assert(size == 1 || size == 2 || size == 4 || size == 8);
    if (unlikely(!fr)) {
        log_unmapped(what, addr, size);
        return MEM_UNMAPPED;
    }
    if (unlikely(size - 1 > fr->last - addr)) {
        return as_access_straddle(as, addr, size, value, is_write);
    }
    offset = fr->offset + (addr - fr->start);

    switch (fr->mr->kind) {
    case MR_RAM:
        if (is_write) {
            store_le(fr->mr->host + offset, size, *value);
        } else {
            *value = load_le(fr->mr->host + offset, size);
        }
        return MEM_OK;
    case MR_ROM:
        if (is_write) {
            log_mask(LOG_GUEST_ERROR,
                     "store of %u bytes at 0x%" PRIx64 ": \"%s\" is ROM, "
                     "ignored\n", size, addr, fr->mr->name);
        } else {
            *value = load_le(fr->mr->host + offset, size);
        }
        return MEM_OK;
    default:
        if (!io_access(fr->mr, offset, size, value, is_write)) {
            log_rejected(what, addr, size, fr->mr, offset);
            return MEM_REJECTED;
        }
        return MEM_OK;
    }
}

MemResult as_load(AddressSpace *as, hwaddr addr, unsigned size,
                  uint64_t *value)
{
    MemResult r;

    *value = 0;
    r = as_access(as, addr, size, value, false);
    if (r != MEM_OK) {
        *value = 0;
    }
    return r;
}

MemResult as_store(AddressSpace *as, hwaddr addr, unsigned size,
                   uint64_t value)
{
    return as_access(as, addr, size, &value, true);
}

/*
 * The widest access the device accepts that is naturally aligned at
 * OFFSET and no longer than LEN; 0 if even a single byte is refused.
 */
static unsigned io_widest_fit(const MemOps *ops, hwaddr offset, uint64_t len)
{
    for (unsigned size = 8; size > 0; size >>= 1) {
        if ((ops->sizes & size) && size <= len && offset % size == 0) {
            return size;
        }
    }
    return 0;
}

/*
 * A byte transfer: reads fill DST, writes take SRC; exactly one is set.
 * The cursor moves both so each step needs no case split.
 */
typedef struct Transfer {
    uint8_t *dst;
    const uint8_t *src;
} Transfer;

static void transfer_skip(Transfer *t, uint64_t n)
{
    if (t->dst) {
        t->dst += n;
    } else {
        t->src += n;
    }
}

/*
 * Move LEN bytes between T and the IO region of FR starting at ADDR, all
 * within FR.  Bytes the device refuses read as 0 and are dropped on write.
 */
static MemResult io_transfer(const FlatRange *fr, hwaddr addr, Transfer *t,
                             uint64_t len)
{
    MemRegion *mr = fr->mr;
    MemResult r = MEM_OK;
    uint64_t done = 0;

    while (done < len) {
        uint64_t offset = fr->offset + (addr - fr->start) + done;
        unsigned size = io_widest_fit(mr->ops, offset, len - done);

        if (size == 0) {
            log_rejected(t->dst ? "read" : "write", addr + done, 1, mr,
                         offset);
            if (t->dst) {
                *t->dst = 0;
            }
            r = MEM_REJECTED;
            size = 1;
        } else {
            uint64_t v = t->dst ? 0 : load_le(t->src, size);

            if (!io_op(mr, offset, size, &v, !t->dst)) {
                r = MEM_REJECTED;
                v = 0;
            }
            if (t->dst) {
                store_le(t->dst, size, v);
            }
        }
        transfer_skip(t, size);
        done += size;
    }
    return r;
}

static MemResult as_transfer(AddressSpace *as, hwaddr addr, Transfer *t,
                             uint64_t len)
{
    MemResult first_failure = MEM_OK;

    while (len > 0) {
        size_t next = as_upper_bound(as, addr);
        const FlatRange *fr = next > 0 ? &as->ranges[next - 1] : NULL;
        uint64_t chunk;
        MemResult r = MEM_OK;

        if (fr && addr <= fr->last) {
            chunk = len - 1 <= fr->last - addr ? len : fr->last - addr + 1;
            if (fr->mr->kind == MR_IO) {
                r = io_transfer(fr, addr, t, chunk);
            } else {
                uint8_t *host = fr->mr->host + fr->offset + (addr - fr->start);

                if (t->dst) {
                    memcpy(t->dst, host, chunk);
                } else {
                    memcpy(host, t->src, chunk);
                }
                transfer_skip(t, chunk);
            }
        } else {
            /* A hole: up to the next range, or to the end of the buffer. */
            chunk = len;
            if (next < as->nr_ranges && as->ranges[next].start - addr < len) {
                chunk = as->ranges[next].start - addr;
            }
            log_unmapped(t->dst ? "read" : "write", addr, chunk);
            if (t->dst) {
                memset(t->dst, 0, chunk);
            }
            transfer_skip(t, chunk);
            r = MEM_UNMAPPED;
        }
        if (first_failure == MEM_OK) {
            first_failure = r;
        }
        addr += chunk;
        len -= chunk;
    }
    return first_failure;
}

MemResult as_read(AddressSpace *as, hwaddr addr, void *buf, uint64_t len)
{
    Transfer t = { .dst = buf };

    return as_transfer(as, addr, &t, len);
}

MemResult as_write(AddressSpace *as, hwaddr addr, const void *buf,
                   uint64_t len)
{
    Transfer t = { .src = buf };

    return as_transfer(as, addr, &t, len);
}

void as_print(AddressSpace *as, FILE *out)
{
    if (as->generation != mem_generation) {
        as_rebuild(as);
    }
    for (size_t i = 0; i < as->nr_ranges; i++) {
        const FlatRange *fr = &as->ranges[i];

        fprintf(out, "%016" PRIx64 "-%016" PRIx64 " (%s) %s", fr->start,
                fr->last, region_kind_str(fr->mr->kind), fr->mr->name);
        if (fr->offset) {
            fprintf(out, " @%016" PRIx64, fr->offset);
        }
        fputc('\n', out);
    }
}

const char *mem_result_str(MemResult r)
{
    switch (r) {
    case MEM_OK:
        return "ok";
    case MEM_UNMAPPED:
        return "unmapped";
    case MEM_REJECTED:
        return "rejected";
    }
    return "?";
}
