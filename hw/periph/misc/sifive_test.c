/*
 * SiFive test finisher ("sifive,test1", "sifive,test0").
 *
 * Models: the one-register device at 0x100000 of QEMU's riscv virt board
 * (QEMU hw/misc/sifive_test.c), through which firmware and test programs
 * end or restart the simulation.  A write to offset 0 is decoded by its
 * low 16 bits:
 *
 *     0x5555  FINISHER_PASS   the run ends with exit status 0
 *     0x3333  FINISHER_FAIL   the run ends with exit status CODE, taken
 *                             from bits 31:16 ((code << 16) | 0x3333)
 *     0x7777  FINISHER_RESET  the board resets ("guest-reset")
 *
 * These are QEMU's semantics, kept so that programs written for QEMU end
 * the same way: a FAIL with code 0 exits with status 0, and the process
 * exit status is CODE modulo 256, as POSIX exit() makes it.  The request
 * is carried out once the access is done (include/kiln/board.h), so the
 * store itself completes.
 *
 * Linux drives the device through syscon-poweroff and syscon-reboot
 * nodes whose regmap names it (hw/periph/misc/syscon_power.c).
 *
 * Accesses of 2 and 4 bytes are accepted, as QEMU's device accepts them;
 * a 2-byte write at offset 0 carries a command with code 0.  Reads
 * return 0.  Any other write is ignored and logged under -d guest_errors.
 *
 * Unimplemented: nothing of the device; it has no state and no reset.
 */
#include "kiln/board.h"
#include "kiln/device.h"
#include "kiln/log.h"

REG32(FINISHER, 0x0)
    FIELD(FINISHER, STATUS, 0, 16)
    FIELD(FINISHER, CODE, 16, 16)

enum {
    FINISHER_FAIL = 0x3333,
    FINISHER_PASS = 0x5555,
    FINISHER_RESET = 0x7777,
};

typedef struct SifiveTest {
    Device dev;
} SifiveTest;

static uint64_t sifive_test_read(void *opaque, hwaddr offset, unsigned size)
{
    return 0;
}

static void sifive_test_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    Device *dev = opaque;

    if (offset == A_FINISHER) {
        switch (FIELD_EX32(value, FINISHER, STATUS)) {
        case FINISHER_PASS:
            machine_request_shutdown(0);
            return;
        case FINISHER_FAIL:
            machine_request_shutdown(FIELD_EX32(value, FINISHER, CODE));
            return;
        case FINISHER_RESET:
            machine_request_reset("guest-reset");
            return;
        }
    }
    log_mask(LOG_GUEST_ERROR,
             "%s: write of 0x%" PRIx64 " (%u bytes) at offset 0x%" PRIx64
             " is not a finisher command\n",
             dev->path, value, size, offset);
}

static const MemOps sifive_test_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
    .sizes = MEM_SIZE_2 | MEM_SIZE_4,
};

static const char *const sifive_test_compatible[] = {
    "sifive,test1", "sifive,test0", NULL
};

static const RegionDesc sifive_test_regions[] = {
    REGION_IO("test", &sifive_test_ops),
    REGION_END
};

const DeviceDesc sifive_test_desc = {
    .name = "sifive-test",
    .desc = "SiFive test finisher: a write ends the run (pass/fail code) "
            "or resets the board",
    .compatible = sifive_test_compatible,
    .state_size = sizeof(SifiveTest),
    .regions = sifive_test_regions,
};
