/*
 * Loading guest images into board memory: ELF (32- and 64-bit,
 * little-endian, PT_LOAD segments at their physical addresses) and raw
 * binaries at a given address.  Images go through the address space like
 * any write, so they land in RAM or ROM wherever the board has it; a
 * segment that falls on no memory is an error naming the file.
 */
#include "kiln/board.h"

#include <elf.h>
#include <errno.h>

static bool read_file(const char *path, char **data, size_t *len,
                      GError **errp)
{
    GError *err = NULL;
    gsize n;

    if (!g_file_get_contents(path, data, &n, &err)) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO, "%s", err->message);
        g_error_free(err);
        return false;
    }
    *len = n;
    return true;
}

bool loader_is_elf(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char magic[4] = { 0 };
    bool is_elf;

    if (!f) {
        return false;
    }
    is_elf = fread(magic, 1, 4, f) == 4 && memcmp(magic, ELFMAG, SELFMAG) == 0;
    fclose(f);
    return is_elf;
}

static bool load_bytes(AddressSpace *as, const char *path, uint64_t addr,
                       const void *data, uint64_t len, GError **errp)
{
    const uint8_t *bytes = data;

    /* Check every byte lands on memory before writing any. */
    for (uint64_t off = 0; off < len;) {
        const FlatRange *fr = as_lookup(as, addr + off);

        if (!fr || (fr->mr->kind != MR_RAM && fr->mr->kind != MR_ROM)) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "%s: 0x%" PRIx64 " bytes at 0x%" PRIx64 " do not fit "
                        "in the board's memory (nothing at 0x%" PRIx64 ")",
                        path, len, addr, addr + off);
            return false;
        }
        off = fr->last - addr + 1;
        if (fr->last == UINT64_MAX) {
            break;
        }
    }
    as_write(as, addr, bytes, len);
    return true;
}

bool loader_load_raw(AddressSpace *as, const char *path, uint64_t addr,
                     uint64_t *size, GError **errp)
{
    g_autofree char *data = NULL;
    size_t len;

    if (!read_file(path, &data, &len, errp) ||
        !load_bytes(as, path, addr, data, len, errp)) {
        return false;
    }
    *size = len;
    return true;
}

static bool elf_error(GError **errp, const char *path, const char *what)
{
    g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID, "%s: %s", path, what);
    return false;
}

bool loader_load_elf(AddressSpace *as, const char *path, uint64_t *entry,
                     uint64_t *low, uint64_t *high, GError **errp)
{
    g_autofree char *data = NULL;
    size_t len;
    bool is64;
    uint64_t phoff, phnum, phentsize;

    if (!read_file(path, &data, &len, errp)) {
        return false;
    }
    if (len < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG) != 0) {
        return elf_error(errp, path, "not an ELF file");
    }
    if (data[EI_DATA] != ELFDATA2LSB) {
        return elf_error(errp, path, "not a little-endian ELF file");
    }
    is64 = data[EI_CLASS] == ELFCLASS64;
    if (len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
        return elf_error(errp, path, "truncated ELF header");
    }
    if (is64) {
        Elf64_Ehdr eh;

        memcpy(&eh, data, sizeof(eh));
        if (eh.e_machine != EM_RISCV) {
            return elf_error(errp, path, "not a RISC-V ELF file");
        }
        *entry = eh.e_entry;
        phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
    } else {
        Elf32_Ehdr eh;

        memcpy(&eh, data, sizeof(eh));
        if (eh.e_machine != EM_RISCV) {
            return elf_error(errp, path, "not a RISC-V ELF file");
        }
        *entry = eh.e_entry;
        phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
    }
    if (phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) ||
        phoff > len || phnum > (len - phoff) / phentsize) {
        return elf_error(errp, path, "program headers lie outside the file");
    }
    *low = UINT64_MAX;
    *high = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        const char *ph = data + phoff + i * phentsize;
        uint64_t type, off, paddr, filesz, memsz;
        g_autofree uint8_t *seg = NULL;

        if (is64) {
            Elf64_Phdr p;

            memcpy(&p, ph, sizeof(p));
            type = p.p_type, off = p.p_offset, paddr = p.p_paddr;
            filesz = p.p_filesz, memsz = p.p_memsz;
        } else {
            Elf32_Phdr p;

            memcpy(&p, ph, sizeof(p));
            type = p.p_type, off = p.p_offset, paddr = p.p_paddr;
            filesz = p.p_filesz, memsz = p.p_memsz;
        }
        if (type != PT_LOAD || memsz == 0) {
            continue;
        }
        if (filesz > memsz || off > len || filesz > len - off ||
            memsz > (1ull << 32)) {
            return elf_error(errp, path, "a segment lies outside the file");
        }
        /* The bytes past the file's part (.bss) are zero. */
        seg = g_malloc0(memsz);
        memcpy(seg, data + off, filesz);
        if (!load_bytes(as, path, paddr, seg, memsz, errp)) {
            return false;
        }
        *low = MIN(*low, paddr);
        *high = MAX(*high, paddr + memsz);
    }
    if (*low == UINT64_MAX) {
        return elf_error(errp, path, "no loadable segment");
    }
    return true;
}
