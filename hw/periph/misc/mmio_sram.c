/*
 * On-chip SRAM ("mmio-sram").
 *
 * Models: the generic SRAM node of the Linux binding
 * Documentation/devicetree/bindings/sram/sram.yaml: a block of RAM at the
 * address and of the size of its reg entry, read and written at any width
 * and reached by the CPU's fast path like main memory.  It starts zeroed
 * and keeps its contents across a board reset, as SRAM keeps them across
 * a warm reset.
 *
 * Unimplemented: the binding's child nodes (reserved partitions for other
 * drivers: kiln makes nothing of them), and the "pool", "export" and
 * "protect-exec" properties, which concern Linux's use of the SRAM.
 */
#include "kiln/device.h"

typedef struct MmioSram {
    Device dev;
} MmioSram;

static const char *const mmio_sram_compatible[] = { "mmio-sram", NULL };

static const RegionDesc mmio_sram_regions[] = {
    REGION_RAM("sram"),
    REGION_END
};

const DeviceDesc mmio_sram_desc = {
    .name = "mmio-sram",
    .desc = "on-chip SRAM: RAM at the reg entry's address and size",
    .compatible = mmio_sram_compatible,
    .state_size = sizeof(MmioSram),
    .regions = mmio_sram_regions,
};
