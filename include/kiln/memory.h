/*
 * Guest physical memory.
 *
 * A MemRegion is RAM, ROM (host memory the guest reads directly), MMIO
 * (a device's read/write ops), an alias (a window onto part of another
 * region) or a container (holds subregions at offsets).  An AddressSpace
 * views a root container; it keeps a flat, sorted array of the leaf ranges
 * that the tree resolves to, rebuilt lazily when the tree changes, so a
 * look-up is a binary search (O(log n)).
 *
 * Siblings in a container may not overlap: region_add() refuses an
 * overlap with an error naming both regions.  That makes a board whose DT
 * places two devices on the same addresses fail at assembly, not at the
 * first guest access.
 *
 * Widths: a device declares the access sizes it accepts (MemOps.sizes, a
 * mask of 1, 2, 4 and 8).  An access wider than the widest accepted size
 * is split by the core into naturally aligned accesses of the widest
 * accepted size, lowest address first (little-endian).  Any other access
 * the device does not accept (too narrow, or misaligned for its pieces) is
 * rejected with MEM_REJECTED and never reaches the device.  Unmapped
 * addresses give MEM_UNMAPPED.  Both are logged under -d guest_errors and
 * become access faults for a CPU.
 */
#ifndef KILN_MEMORY_H
#define KILN_MEMORY_H

#include "kiln/common.h"

typedef enum MemResult {
    MEM_OK = 0,
    MEM_UNMAPPED,       /* no region at the address */
    MEM_REJECTED,       /* a region is there, but not for this access */
} MemResult;

enum {
    MEM_SIZE_1 = 1u << 0,
    MEM_SIZE_2 = 1u << 1,
    MEM_SIZE_4 = 1u << 2,
    MEM_SIZE_8 = 1u << 3,
    MEM_SIZE_ALL = 0xf,
};

typedef struct MemOps {
    /* OFFSET is relative to the region; SIZE is 1, 2, 4 or 8. */
    uint64_t (*read)(void *opaque, hwaddr offset, unsigned size);
    void (*write)(void *opaque, hwaddr offset, uint64_t value, unsigned size);
    unsigned sizes;     /* MEM_SIZE_* mask of accepted widths */
} MemOps;

typedef enum MemRegionKind {
    MR_RAM,
    MR_ROM,
    MR_IO,
    MR_ALIAS,
    MR_CONTAINER,
} MemRegionKind;

typedef struct MemRegion MemRegion;

typedef struct MemSubregion {
    hwaddr addr;
    MemRegion *mr;
} MemSubregion;

struct MemRegion {
    MemRegionKind kind;
    char *name;
    uint64_t size;
    uint8_t *host;              /* RAM, ROM: size bytes owned by the region */
    const MemOps *ops;          /* IO */
    void *opaque;               /* IO: first argument of the ops */
    MemRegion *alias_of;        /* ALIAS */
    uint64_t alias_offset;      /* ALIAS: offset into alias_of */
    GArray *subregions;         /* CONTAINER: MemSubregion, sorted by addr */
    MemRegion *container;       /* where this region is mapped, if anywhere */
};

/*
 * Called by a device's read or write op: this access failed on the bus
 * (a cosim model answered with an error status).  The access then ends as
 * MEM_REJECTED, an access fault for a CPU; a failed read's value is
 * dropped.
 */
void mem_access_fail(void);

MemRegion *region_new_ram(const char *name, uint64_t size);
MemRegion *region_new_rom(const char *name, uint64_t size);
MemRegion *region_new_io(const char *name, uint64_t size,
                         const MemOps *ops, void *opaque);
MemRegion *region_new_alias(const char *name, MemRegion *target,
                            uint64_t offset, uint64_t size);
/* As in QEMU, a SIZE of UINT64_MAX means all 2^64 bytes (a root container). */
MemRegion *region_new_container(const char *name, uint64_t size);
/* Frees MR and, for a container, every subregion in it. */
void region_free(MemRegion *mr);

/* Map SUB at ADDR inside CONTAINER; fails on overlap or out of bounds. */
bool region_add(MemRegion *container, hwaddr addr, MemRegion *sub,
                GError **errp);

/* One contiguous range of the flattened view, mapped to a leaf region. */
typedef struct FlatRange {
    hwaddr start;
    hwaddr last;                /* inclusive, so a range may end at 2^64-1 */
    MemRegion *mr;              /* RAM, ROM or IO leaf (aliases resolved) */
    uint64_t offset;            /* offset of START within mr */
} FlatRange;

typedef struct AddressSpace {
    char *name;
    MemRegion *root;
    FlatRange *ranges;
    size_t nr_ranges;
    uint64_t generation;        /* of the region tree when ranges were built */
} AddressSpace;

void as_init(AddressSpace *as, const char *name, MemRegion *root);
void as_destroy(AddressSpace *as);

/* The range containing ADDR, or NULL: what a TLB fill uses. */
const FlatRange *as_lookup(AddressSpace *as, hwaddr addr);

/*
 * One access of SIZE (1, 2, 4, 8) bytes, value little-endian.  A failed
 * load sets *value to 0.  Writes to ROM are ignored (MEM_OK) as on a bus.
 */
MemResult as_load(AddressSpace *as, hwaddr addr, unsigned size,
                  uint64_t *value);
MemResult as_store(AddressSpace *as, hwaddr addr, unsigned size,
                   uint64_t value);

/*
 * A byte buffer, as a debugger or qtest's read/write sees memory: RAM and
 * ROM are copied, MMIO is reached with the widest naturally aligned
 * accesses the device accepts.  Bytes that cannot be read read as 0; the
 * first failure is returned, the rest of the buffer is still transferred.
 * as_write also writes ROM (it is how images are loaded).
 */
MemResult as_read(AddressSpace *as, hwaddr addr, void *buf, uint64_t len);
MemResult as_write(AddressSpace *as, hwaddr addr, const void *buf,
                   uint64_t len);

/* Print the flattened map (like QEMU's "info mtree -f"). */
void as_print(AddressSpace *as, FILE *out);

const char *mem_result_str(MemResult r);

#endif
