/*
 * A board: one device tree, assembled into devices, memory and wiring.
 *
 * Named boards are DTS files in dts/ compiled into kiln at build time;
 * "-M dt,dtb=FILE" and "-M dt,dts=FILE" take any tree; "-M none" is an
 * empty board.  The builder walks the DTB: for each node with a known
 * compatible it creates the model, sets its properties from DT properties
 * of the same names, maps each reg entry (through simple-bus ranges),
 * and wires interrupts/interrupts-extended to the controllers their
 * phandles name.  memory nodes become RAM.  The same DTB is handed to the
 * guest.
 */
#ifndef KILN_BOARD_H
#define KILN_BOARD_H

#include "kiln/common.h"
#include "kiln/device.h"
#include "kiln/memory.h"

typedef struct Machine {
    char *name;                 /* "virt", "dt", "none" */
    char *source;               /* where the DT came from, for messages */
    void *fdt;                  /* the board's DTB (g_malloc'd) */
    size_t fdt_size;
    bool strict;                /* unknown compatible is an error */
    uint64_t ram_size;          /* -m; 0: as the DT says */
    Device *root;               /* "/machine" */
    MemRegion *sysmem;          /* the whole physical address space */
    AddressSpace as;
} Machine;

/* The running machine (one per process). */
extern Machine *current_machine;

/* --- sources of device trees --- */

/* A board compiled in from dts/, or NULL.  Not to be freed. */
const void *board_builtin_dtb(const char *name, size_t *size);
/* NULL-terminated names of the compiled-in boards. */
extern const char *const board_builtin_names[];
/* Read a DTB file; checks that it is a well-formed blob. */
bool board_load_dtb(const char *path, void **fdt, size_t *size,
                    GError **errp);
/* Compile a DTS file with dtc. */
bool board_compile_dts(const char *path, void **fdt, size_t *size,
                       GError **errp);

/*
 * Give the tree HARTS harts (-smp): copies the one cpu node it has and
 * extends interrupts-extended wiring to the copies.  *FDT is replaced.
 */
bool board_fdt_set_harts(void **fdt, size_t *size, unsigned harts,
                         GError **errp);

/* --- assembly --- */

/* An empty machine: root container, empty address space. */
Machine *machine_new(const char *name);
/*
 * Assemble M from FDT (copied).  SOURCE names the tree in errors
 * ("virt.dts", "/tmp/board.dtb").  Every error names the source, the node
 * path and the property.
 */
bool board_build(Machine *m, const void *fdt, size_t size,
                 const char *source, GError **errp);
void machine_reset(Machine *m);
void machine_free(Machine *m);

/* Print the assembled board: tree with regions and lines, then the map. */
void machine_print(Machine *m, FILE *out);

/* --- loading images (loader.c) --- */

bool loader_is_elf(const char *path);
/* Load an ELF's PT_LOAD segments at their physical addresses. */
bool loader_load_elf(AddressSpace *as, const char *path, uint64_t *entry,
                     uint64_t *low, uint64_t *high, GError **errp);
/* Load a file's bytes at ADDR. */
bool loader_load_raw(AddressSpace *as, const char *path, uint64_t addr,
                     uint64_t *size, GError **errp);

/* --- run state, for devices that end or reset the simulation --- */

/* Exit with CODE once the current event is done. */
void machine_request_shutdown(int code);
/* Reset the board once the current event is done. REASON as in QMP. */
void machine_request_reset(const char *reason);
/* A shutdown or reset is pending: CPUs stop at the next instruction. */
bool machine_stop_pending(void);

#endif
