/*
 * A placeholder for hardware not yet modelled ("kiln,unimplemented").
 *
 * Models: nothing, on purpose, as QEMU's unimplemented-device does: a
 * region that reads as zero and ignores writes at any width, so that a
 * board can describe a block kiln has no model for and firmware that
 * touches it in passing runs on.  Every access is logged under -d unimp
 * with the device's path, the offset and the size (and the value for a
 * write), so that what firmware expects from the block can be seen.
 *
 * Unimplemented: everything behind the region, by definition.
 */
#include "kiln/device.h"
#include "kiln/log.h"

typedef struct KilnUnimp {
    Device dev;
} KilnUnimp;

static uint64_t kiln_unimp_read(void *opaque, hwaddr offset, unsigned size)
{
    Device *dev = opaque;

    log_mask(LOG_UNIMP,
             "%s: unimplemented device read of %u bytes at offset 0x%" PRIx64
             "\n", dev->path, size, offset);
    return 0;
}

static void kiln_unimp_write(void *opaque, hwaddr offset, uint64_t value,
                             unsigned size)
{
    Device *dev = opaque;

    log_mask(LOG_UNIMP,
             "%s: unimplemented device write of %u bytes at offset 0x%" PRIx64
             ", value 0x%" PRIx64 "\n", dev->path, size, offset, value);
}

static const MemOps kiln_unimp_ops = {
    .read = kiln_unimp_read,
    .write = kiln_unimp_write,
    .sizes = MEM_SIZE_ALL,
};

static const char *const kiln_unimp_compatible[] = {
    "kiln,unimplemented", NULL
};

static const RegionDesc kiln_unimp_regions[] = {
    REGION_IO("unimp", &kiln_unimp_ops),
    REGION_END
};

const DeviceDesc kiln_unimp_desc = {
    .name = "kiln-unimp",
    .desc = "placeholder for unmodelled hardware: reads 0, ignores writes, "
            "logs each access (-d unimp)",
    .compatible = kiln_unimp_compatible,
    .state_size = sizeof(KilnUnimp),
    .regions = kiln_unimp_regions,
};
