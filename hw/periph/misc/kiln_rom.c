/*
 * A ROM loaded from a file ("kiln,rom").
 *
 * Models: a mask ROM or boot flash that the guest only reads, such as an
 * MCU's boot ROM: a read-only region at the address and of the size of
 * its reg entry, whose contents are the bytes of the file that the "file"
 * property names, from offset 0; the rest of the region reads 0.  Guest
 * stores are ignored (the memory core does so for ROM, as a bus would).
 * The file is read once, when the board is assembled: a missing file or
 * one larger than the region is a board error naming the file.  A
 * relative path is taken from the current directory, as QEMU's -bios is.
 *
 * Without "file" the region is erased flash, all 0xff, for -bios or
 * -kernel to load the program into (how an MCU board's code flash gets
 * its contents).
 *
 * The contents survive a board reset (they were never writable).
 *
 * Unimplemented: flash programming commands (the region is plain ROM);
 * images in formats other than raw bytes (ELF, Intel HEX).
 */
#include "kiln/device.h"

#include <errno.h>
#include <sys/stat.h>

typedef struct KilnRom {
    Device dev;
    char *file;
} KilnRom;

static bool kiln_rom_realize(Device *dev, GError **errp)
{
    KilnRom *s = DEVICE_STATE(dev, KilnRom);
    MemRegion *mr = dev->regs[0].mr;
    struct stat st;
    FILE *f;
    bool ok;

    if (!s->file || !*s->file) {
        memset(mr->host, 0xff, mr->size);
        return true;
    }
    f = fopen(s->file, "rb");
    if (!f) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO, "file \"%s\": %s",
                    s->file, g_strerror(errno));
        return false;
    }
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO,
                    "file \"%s\": not a regular file", s->file);
        fclose(f);
        return false;
    }
    if ((uint64_t)st.st_size > mr->size) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "file \"%s\" is %jd bytes, larger than the region "
                    "(0x%" PRIx64 " bytes)", s->file, (intmax_t)st.st_size,
                    mr->size);
        fclose(f);
        return false;
    }
    ok = fread(mr->host, 1, st.st_size, f) == (size_t)st.st_size;
    if (!ok) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO,
                    "file \"%s\": cannot read its %jd bytes", s->file,
                    (intmax_t)st.st_size);
    }
    fclose(f);
    return ok;
}

static const char *const kiln_rom_compatible[] = { "kiln,rom", NULL };

static const PropDesc kiln_rom_props[] = {
    { .name = "file", .type = PROP_TYPE_STRING,
      .offset = offsetof(KilnRom, file),
      .help = "raw image loaded at offset 0 (relative to the current "
              "directory); without it the region is erased (0xff)" },
    PROP_END
};

static const RegionDesc kiln_rom_regions[] = {
    REGION_ROM("rom"),
    REGION_END
};

const DeviceDesc kiln_rom_desc = {
    .name = "kiln-rom",
    .desc = "read-only memory: a file's image, or erased flash that -bios fills",
    .compatible = kiln_rom_compatible,
    .state_size = sizeof(KilnRom),
    .props = kiln_rom_props,
    .regions = kiln_rom_regions,
    .realize = kiln_rom_realize,
};
