/*
 * Booting a RISC-V board the way QEMU's virt machine does, so stock
 * firmware needs nothing special:
 *
 *  - the first stage (-bios; OpenSBI's fw_dynamic by default on boards
 *    that ask for it) is loaded at the start of RAM (an ELF at its own
 *    addresses), and every hart starts there in M mode;
 *  - the next stage (-kernel) goes 2 MiB into RAM on RV64 and 4 MiB on
 *    RV32, where OpenSBI's fw_jump and fw_dynamic expect it; with
 *    -bios none it is the first stage;
 *  - the DTB, fixed up (/chosen/bootargs, the size of the first memory
 *    node after -m), is placed below min(end of RAM, 3 GiB), 2 MiB
 *    aligned; harts get a0 = hartid, a1 = its address, a2 = a
 *    fw_dynamic_info telling OpenSBI where the next stage is.
 */
#include "boot.h"
#include "cpu.h"

#include <libfdt.h>

#define FW_DYNAMIC_MAGIC 0x4942534fu    /* "OSBI" */
#define FW_DYNAMIC_VERSION 2
#define FW_DYNAMIC_NEXT_MODE_S 1
#define MIB (1024 * 1024ull)

/* The lowest RAM range of the board: where images go. */
static bool find_ram(Machine *m, uint64_t *base, uint64_t *size,
                     GError **errp)
{
    as_lookup(&m->as, 0);   /* brings the flat view up to date */
    for (size_t i = 0; i < m->as.nr_ranges; i++) {
        const FlatRange *fr = &m->as.ranges[i];

        if (fr->mr->kind == MR_RAM) {
            *base = fr->start;
            *size = fr->last - fr->start + 1;
            return true;
        }
    }
    g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                "%s: the board has no RAM to boot from (no memory node)",
                m->source);
    return false;
}

static bool load_image(Machine *m, const char *path, uint64_t addr,
                       uint64_t *entry, uint64_t *end, GError **errp)
{
    uint64_t low, high, size;

    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO, "%s: no such file", path);
        return false;
    }
    if (loader_is_elf(path)) {
        if (!loader_load_elf(&m->as, path, entry, &low, &high, errp)) {
            return false;
        }
        *end = high;
        return true;
    }
    if (!loader_load_raw(&m->as, path, addr, &size, errp)) {
        return false;
    }
    *entry = addr;
    *end = addr + size;
    return true;
}

/* The tree the guest gets: the board's own (or -dtb), fixed up. */
static bool guest_fdt(Machine *m, const RiscvBootOptions *o, void **out,
                      size_t *out_size, GError **errp)
{
    void *src;
    size_t src_size;
    size_t size;
    void *fdt;
    int err;

    if (o->dtb) {
        if (!board_load_dtb(o->dtb, &src, &src_size, errp)) {
            return false;
        }
    } else {
        src = g_memdup2(m->fdt, m->fdt_size);
        src_size = m->fdt_size;
    }
    size = src_size + 4096 + (o->append ? strlen(o->append) : 0);
    fdt = g_malloc0(size);
    err = fdt_open_into(src, fdt, (int)size);
    g_free(src);
    if (err == 0 && o->append) {
        int chosen = fdt_path_offset(fdt, "/chosen");

        if (chosen < 0) {
            chosen = fdt_add_subnode(fdt, 0, "chosen");
        }
        err = chosen < 0 ? chosen : fdt_setprop_string(fdt, chosen, "bootargs",
                                                       o->append);
    }
    if (err == 0 && m->ram_size) {
        int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
                                                 "memory", sizeof("memory"));
        int len;
        const fdt32_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;

        /* The board's memory nodes use two address and two size cells. */
        if (reg && len >= 16) {
            fdt32_t cells[4];

            memcpy(cells, reg, sizeof(cells));
            cells[2] = cpu_to_fdt32((uint32_t)(m->ram_size >> 32));
            cells[3] = cpu_to_fdt32((uint32_t)m->ram_size);
            err = fdt_setprop_inplace_namelen_partial(fdt, node, "reg", 3, 0,
                                                      cells, sizeof(cells));
        }
    }
    if (err == 0) {
        err = fdt_pack(fdt);
    }
    if (err) {
        g_free(fdt);
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s: cannot fix up the guest's device tree: %s",
                    o->dtb ? o->dtb : m->source, fdt_strerror(err));
        return false;
    }
    *out = fdt;
    *out_size = fdt_totalsize(fdt);
    return true;
}

/* OpenSBI's struct fw_dynamic_info, in the hart's XLEN. */
static void write_fw_dynamic_info(Machine *m, unsigned xlen, uint64_t addr,
                                  uint64_t next_addr)
{
    uint64_t fields[6] = {
        FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, next_addr,
        FW_DYNAMIC_NEXT_MODE_S, 0,
        /* boot_hart: any hart may boot (the first to get there) */
        xlen == 32 ? UINT32_MAX : UINT64_MAX,
    };

    for (unsigned i = 0; i < 6; i++) {
        as_store(&m->as, addr + i * (xlen / 8), xlen / 8, fields[i]);
    }
}

bool riscv_boot_setup(Machine *m, const RiscvBootOptions *o, GError **errp)
{
    GPtrArray *cpus = riscv_cpus();
    RiscvCpu *cpu0;
    uint64_t ram_base, ram_size, entry = 0, end = 0;
    uint64_t kernel_addr = 0, kernel_entry = 0, kernel_end = 0;
    uint64_t fdt_addr, info_addr, limit;
    const char *bios = o->bios;
    g_autofree void *fdt = NULL;
    size_t fdt_size;
    bool have_bios;

    for (guint i = 0; i < cpus->len; i++) {
        RiscvCpu *cpu = g_ptr_array_index(cpus, i);

        cpu->as = &m->as;
    }
    if (cpus->len == 0) {
        if (o->bios && strcmp(o->bios, "none") != 0) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "-bios: the board has no hart to run it");
            return false;
        }
        return true;
    }
    cpu0 = g_ptr_array_index(cpus, 0);
    if (!find_ram(m, &ram_base, &ram_size, errp)) {
        return false;
    }
    if (!bios && o->default_bios && !o->kernel) {
        bios = OPENSBI_FW_DYNAMIC;
        if (cpu0->xlen != 64 || !g_file_test(bios, G_FILE_TEST_EXISTS)) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_NOT_FOUND,
                        "no firmware: install Debian's opensbi package (it "
                        "provides %s), or give -bios FILE or -bios none",
                        OPENSBI_FW_DYNAMIC);
            return false;
        }
    } else if (!bios && o->default_bios && o->kernel) {
        bios = g_file_test(OPENSBI_FW_DYNAMIC, G_FILE_TEST_EXISTS) &&
               cpu0->xlen == 64 ? OPENSBI_FW_DYNAMIC : NULL;
        if (!bios) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_NOT_FOUND,
                        "-kernel needs firmware to run under: install "
                        "Debian's opensbi package, or give -bios FILE or "
                        "-bios none");
            return false;
        }
    }
    have_bios = bios && strcmp(bios, "none") != 0;
    if (have_bios && !load_image(m, bios, ram_base, &entry, &end, errp)) {
        return false;
    }
    if (o->kernel) {
        kernel_addr = have_bios ? ram_base + (cpu0->xlen == 32 ? 4 : 2) * MIB
                                : ram_base;
        if (!load_image(m, o->kernel, kernel_addr, &kernel_entry, &kernel_end,
                        errp)) {
            return false;
        }
        if (!have_bios) {
            entry = kernel_entry;
        }
    }
    if (!guest_fdt(m, o, &fdt, &fdt_size, errp)) {
        return false;
    }
    limit = ram_base < 3072 * MIB ? MIN(ram_base + ram_size, 3072 * MIB)
                                  : ram_base + ram_size;
    fdt_addr = (limit - fdt_size) & ~(2 * MIB - 1);
    if (fdt_addr < MAX(end, kernel_end) || fdt_addr < ram_base + 64) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "RAM too small for the images and the device tree");
        return false;
    }
    as_write(&m->as, fdt_addr, fdt, fdt_size);
    info_addr = fdt_addr - 64;
    write_fw_dynamic_info(m, cpu0->xlen, info_addr,
                          o->kernel ? kernel_entry
                                    : ram_base + (cpu0->xlen == 32 ? 4 : 2) * MIB);
    if (!have_bios && !o->kernel) {
        entry = ram_base;
    }
    for (guint i = 0; i < cpus->len; i++) {
        RiscvCpu *cpu = g_ptr_array_index(cpus, i);

        cpu->boot_pc = entry;
        cpu->boot_a1 = fdt_addr;
        cpu->boot_a2 = info_addr;
    }
    return true;
}
