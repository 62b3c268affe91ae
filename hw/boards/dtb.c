/*
 * Where a board's device tree comes from when it is not built in: a DTB
 * file ("-M dt,dtb=FILE"), or a DTS source compiled with dtc
 * ("-M dt,dts=FILE").  Both hand back a blob that board_build() then
 * checks in full; here the checks are the ones that need the file:
 * that it is a DTB at all, and that it is as long as its header says.
 */
#include "kiln/board.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libfdt.h>

/* The whole of PATH, which may be a pipe, so read until EOF. */
static bool dtb_read_file(const char *path, void **data, size_t *size,
                          GError **errp)
{
    FILE *f = fopen(path, "rb");
    GByteArray *buf;
    uint8_t chunk[16384];
    size_t n;

    if (!f) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO, "%s: %s", path,
                    g_strerror(errno));
        return false;
    }
    buf = g_byte_array_new();
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        g_byte_array_append(buf, chunk, n);
    }
    if (ferror(f)) {
        int e = errno;

        fclose(f);
        g_byte_array_free(buf, TRUE);
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO, "%s: %s", path,
                    g_strerror(e));
        return false;
    }
    fclose(f);
    *size = buf->len;
    *data = g_byte_array_free(buf, FALSE);
    return true;
}

static bool dtb_check(const char *path, const void *fdt, size_t size,
                      GError **errp)
{
    int err;

    if (size >= 4 && fdt_magic(fdt) != FDT_MAGIC) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s: not a device tree blob (bad magic 0x%08x)", path,
                    fdt_magic(fdt));
        return false;
    }
    if (size < sizeof(struct fdt_header)) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s: truncated device tree blob: %zu bytes, shorter "
                    "than its header", path, size);
        return false;
    }
    err = fdt_check_header(fdt);
    if (err) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s: bad device tree header: %s", path, fdt_strerror(err));
        return false;
    }
    if (fdt_totalsize(fdt) > size) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s: truncated device tree blob: the header says %u "
                    "bytes, the file has %zu", path, fdt_totalsize(fdt), size);
        return false;
    }
    return true;
}

bool board_load_dtb(const char *path, void **fdt, size_t *size,
                    GError **errp)
{
    void *data;
    size_t len;

    if (!dtb_read_file(path, &data, &len, errp)) {
        return false;
    }
    if (!dtb_check(path, data, len, errp)) {
        g_free(data);
        return false;
    }
    *fdt = data;
    *size = len;
    return true;
}

bool board_compile_dts(const char *path, void **fdt, size_t *size,
                       GError **errp)
{
    /*
     * g_spawn_sync() returns a child's output as a NUL-terminated string
     * without its length, and a DTB is full of NULs, so dtc writes the
     * blob to a temporary file rather than to its standard output.
     */
    g_autofree char *tmp = NULL;
    g_autofree char *dtc_err = NULL;
    GError *err = NULL;
    int status;
    int fd = g_file_open_tmp("kiln-XXXXXX.dtb", &tmp, &err);
    bool ok;

    if (fd < 0) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO,
                    "%s: no temporary file for dtc's output: %s", path,
                    err->message);
        g_error_free(err);
        return false;
    }
    close(fd);

    const char *argv[] = {
        "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", tmp, path, NULL
    };
    ok = g_spawn_sync(NULL, (char **)argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, NULL, &dtc_err, &status, &err);
    if (!ok) {
        if (g_error_matches(err, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT)) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_NOT_FOUND,
                        "%s: dtc, the device tree compiler, is not "
                        "installed (or not in PATH); install it, or give "
                        "a compiled blob with dtb=", path);
        } else {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_FAILED,
                        "%s: cannot run dtc: %s", path, err->message);
        }
        g_error_free(err);
        unlink(tmp);
        return false;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        dtc_err[strcspn(dtc_err, "\n")] = '\0';
        if (*dtc_err) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "%s: dtc failed: %s", path, dtc_err);
        } else {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "%s: dtc failed (wait status 0x%x)", path, status);
        }
        unlink(tmp);
        return false;
    }
    ok = dtb_read_file(tmp, fdt, size, errp);
    unlink(tmp);
    if (ok && !dtb_check(path, *fdt, *size, errp)) {
        g_free(*fdt);
        *fdt = NULL;
        ok = false;
    }
    return ok;
}
