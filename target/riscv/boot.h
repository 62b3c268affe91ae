/* Booting a RISC-V board: firmware, kernel and the DTB the harts get. */
#ifndef KILN_RISCV_BOOT_H
#define KILN_RISCV_BOOT_H

#include "kiln/board.h"

typedef struct RiscvBootOptions {
    const char *bios;           /* -bios: a file, "none", or NULL for the default */
    const char *kernel;         /* -kernel */
    const char *dtb;            /* -dtb: the tree handed to the guest instead */
    const char *append;         /* -append: /chosen/bootargs */
    bool default_bios;          /* the board boots OpenSBI when -bios is absent */
} RiscvBootOptions;

/* Where Debian's opensbi package puts the generic platform's firmware. */
#define OPENSBI_FW_DYNAMIC "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"

/*
 * Load the images, place the DTB and set every hart's reset state (pc,
 * a0 = hartid, a1 = DTB address, a2 = OpenSBI's fw_dynamic info).  Call
 * before machine_reset.  Returns false with one-line errors.
 */
bool riscv_boot_setup(Machine *m, const RiscvBootOptions *o, GError **errp);

#endif
