/*
 * The memory models on the board tests/data/misc-memory.dts: mmio-sram
 * (hw/periph/misc/mmio_sram.c), kiln-rom loaded from a file
 * (hw/periph/misc/kiln_rom.c) and the kiln-unimp placeholder
 * (hw/periph/misc/kiln_unimplemented.c).
 *
 * The board's ROM names "misc-rom.bin", a relative path: each test writes
 * that file into a fresh directory and starts kiln there.
 */
#include "libqtest.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SRAM            0x08000000
#define SRAM_SIZE       0x4000
#define ROM             0x20000000
#define ROM_SIZE        0x100
#define UNIMP           0x30000000

#define ROM_FILE        "misc-rom.bin"
#define UNIMP_PATH      "/machine/unimp@30000000"

typedef struct Fixture {
    char *dir;          /* the directory kiln runs in */
    char *rom;          /* DIR/misc-rom.bin */
    char *log;          /* DIR/log, for -D */
} Fixture;

static char *board_dts(const char *name)
{
    return g_build_filename(g_getenv("KILN_SOURCE_ROOT"), "tests", "data",
                            name, NULL);
}

static void fixture_init(Fixture *f)
{
    f->dir = g_dir_make_tmp("memory-models-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->rom = g_build_filename(f->dir, ROM_FILE, NULL);
    f->log = g_build_filename(f->dir, "log", NULL);
}

static void fixture_free(Fixture *f)
{
    g_unlink(f->rom);
    g_unlink(f->log);
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f->rom);
    g_free(f->log);
}

/* LEN bytes, each different from its neighbours and never 0. */
static guint8 *rom_image(size_t len)
{
    guint8 *data = g_malloc(len);

    for (size_t i = 0; i < len; i++) {
        data[i] = (guint8)(0x80 + i * 7) | 1;
    }
    return data;
}

static void write_rom(Fixture *f, size_t len)
{
    g_autofree guint8 *data = rom_image(len);

    g_assert_true(g_file_set_contents(f->rom, (const char *)data, len, NULL));
}

/* Start kiln on misc-memory.dts from F's directory. */
static QTestState *memory_init(Fixture *f, const char *extra)
{
    g_autofree char *cwd = g_get_current_dir();
    g_autofree char *dts = board_dts("misc-memory.dts");
    QTestState *s;

    g_assert_cmpint(chdir(f->dir), ==, 0);
    s = qtest_initf("-M dt,dts=%s %s", dts, extra ? extra : "");
    g_assert_cmpint(chdir(cwd), ==, 0);
    return s;
}

/* Run kiln on DTS from F's directory, to its end; its standard error. */
static int run_kiln(Fixture *f, const char *dts, char **err_out)
{
    g_autofree char *path = board_dts(dts);
    g_autofree char *cmd = g_strdup_printf("'%s' -M dt,dts=%s -nodefaults",
                                           qtest_qemu_binary(), path);
    g_auto(GStrv) argv = NULL;
    int status;

    g_assert_true(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    g_assert_true(g_spawn_sync(f->dir, argv, NULL,
                               G_SPAWN_STDIN_FROM_DEV_NULL |
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               err_out, &status, NULL));
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void system_reset(QTestState *s)
{
    json_node_unref(qtest_qmp(s, "{'execute': 'system_reset'}"));
    qtest_qmp_eventwait(s, "RESET");
}

static void test_sram(void)
{
    Fixture f;
    QTestState *s;
    guint8 buf[16];
    static const guint8 pattern[16] = "kiln sram bytes";

    fixture_init(&f);
    write_rom(&f, 16);
    s = memory_init(&f, NULL);

    /* Zero at start, then read and written at every width. */
    g_assert_cmphex(qtest_readq(s, SRAM), ==, 0);
    g_assert_cmphex(qtest_readl(s, SRAM + SRAM_SIZE - 4), ==, 0);
    qtest_writel(s, SRAM, 0xdeadbeef);
    g_assert_cmphex(qtest_readl(s, SRAM), ==, 0xdeadbeef);
    g_assert_cmphex(qtest_readw(s, SRAM + 2), ==, 0xdead);
    g_assert_cmphex(qtest_readb(s, SRAM + 1), ==, 0xbe);
    qtest_writeb(s, SRAM + 3, 0x11);
    g_assert_cmphex(qtest_readl(s, SRAM), ==, 0x11adbeef);
    qtest_writeq(s, SRAM + SRAM_SIZE - 8, 0x0123456789abcdefull);
    g_assert_cmphex(qtest_readq(s, SRAM + SRAM_SIZE - 8), ==,
                    0x0123456789abcdefull);
    qtest_memwrite(s, SRAM + 0x100, pattern, sizeof(pattern));
    qtest_memread(s, SRAM + 0x100, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), pattern, sizeof(pattern));

    /* The region ends where reg says. */
    qtest_writel(s, SRAM + SRAM_SIZE, 0xffffffff);
    g_assert_cmphex(qtest_readl(s, SRAM + SRAM_SIZE), ==, 0);

    /* SRAM keeps its contents across a reset. */
    system_reset(s);
    g_assert_cmphex(qtest_readl(s, SRAM), ==, 0x11adbeef);
    qtest_quit(s);
    fixture_free(&f);
}

static void test_rom_loaded_from_file(void)
{
    g_autofree guint8 *image = rom_image(100);
    guint8 buf[ROM_SIZE];
    guint8 want[ROM_SIZE] = { 0 };
    Fixture f;
    QTestState *s;

    fixture_init(&f);
    write_rom(&f, 100);
    s = memory_init(&f, NULL);

    /* The file's bytes from offset 0, zero after them. */
    memcpy(want, image, 100);
    qtest_memread(s, ROM, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), want, sizeof(want));
    g_assert_cmphex(qtest_readb(s, ROM + 99), ==, image[99]);
    g_assert_cmphex(qtest_readl(s, ROM + 4), ==,
                    image[4] | image[5] << 8 | image[6] << 16 |
                    (uint32_t)image[7] << 24);

    /* Stores are ignored, at every width. */
    qtest_writel(s, ROM + 4, 0);
    qtest_writeb(s, ROM, (guint8)~image[0]);
    qtest_writeq(s, ROM + 0xf8, 0x1122334455667788ull);
    qtest_memread(s, ROM, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), want, sizeof(want));

    system_reset(s);
    qtest_memread(s, ROM, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), want, sizeof(want));
    qtest_quit(s);
    fixture_free(&f);
}

static void test_rom_file_fills_region(void)
{
    g_autofree guint8 *image = rom_image(ROM_SIZE);
    guint8 buf[ROM_SIZE];
    Fixture f;
    QTestState *s;

    fixture_init(&f);
    write_rom(&f, ROM_SIZE);
    s = memory_init(&f, NULL);
    qtest_memread(s, ROM, buf, sizeof(buf));
    g_assert_cmpmem(buf, sizeof(buf), image, ROM_SIZE);
    qtest_quit(s);
    fixture_free(&f);
}

static void test_rom_file_missing(void)
{
    g_autofree char *err = NULL;
    Fixture f;

    fixture_init(&f);
    g_assert_cmpint(run_kiln(&f, "misc-memory.dts", &err), ==, 1);
    g_assert_nonnull(strstr(err, "misc-memory.dts: /rom@20000000: file "
                            "\"" ROM_FILE "\": No such file or directory\n"));
    fixture_free(&f);
}

static void test_rom_file_too_large(void)
{
    g_autofree char *err = NULL;
    Fixture f;

    fixture_init(&f);
    write_rom(&f, ROM_SIZE + 1);
    g_assert_cmpint(run_kiln(&f, "misc-memory.dts", &err), ==, 1);
    g_assert_nonnull(strstr(err, "misc-memory.dts: /rom@20000000: file "
                            "\"" ROM_FILE "\" is 257 bytes, larger than the "
                            "region (0x100 bytes)\n"));
    fixture_free(&f);
}

/* Without a file the ROM is erased flash, for -bios or -kernel to fill. */
static void test_rom_without_file_is_erased(void)
{
    g_autofree char *dts = board_dts("misc-rom-no-file.dts");
    QTestState *s = qtest_initf("-M dt,dts=%s", dts);

    g_assert_cmphex(qtest_readl(s, 0x20000000), ==, 0xffffffff);
    g_assert_cmphex(qtest_readq(s, 0x200000f8), ==, UINT64_MAX);
    qtest_writel(s, 0x20000000, 0);
    g_assert_cmphex(qtest_readl(s, 0x20000000), ==, 0xffffffff);
    qtest_quit(s);
}

static void test_unimp_reads_zero_ignores_writes(void)
{
    g_autofree char *text = NULL;
    g_autofree char *opts = NULL;
    Fixture f;
    QTestState *s;

    fixture_init(&f);
    write_rom(&f, 16);
    opts = g_strdup_printf("-d unimp -D %s", f.log);
    s = memory_init(&f, opts);

    qtest_writel(s, UNIMP + 0x10, 0xcafe);
    g_assert_cmphex(qtest_readl(s, UNIMP + 0x10), ==, 0);
    qtest_writeb(s, UNIMP + 0xfff, 0x5a);
    g_assert_cmphex(qtest_readb(s, UNIMP + 0xfff), ==, 0);
    g_assert_cmphex(qtest_readw(s, UNIMP + 0x22), ==, 0);
    g_assert_cmphex(qtest_readq(s, UNIMP + 0x100), ==, 0);

    g_assert_true(g_file_get_contents(f.log, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, UNIMP_PATH ": unimplemented device write "
                            "of 4 bytes at offset 0x10, value 0xcafe\n"));
    g_assert_nonnull(strstr(text, UNIMP_PATH ": unimplemented device read "
                            "of 4 bytes at offset 0x10\n"));
    g_assert_nonnull(strstr(text, UNIMP_PATH ": unimplemented device write "
                            "of 1 bytes at offset 0xfff, value 0x5a\n"));
    g_assert_nonnull(strstr(text, UNIMP_PATH ": unimplemented device read "
                            "of 2 bytes at offset 0x22\n"));
    g_assert_nonnull(strstr(text, UNIMP_PATH ": unimplemented device read "
                            "of 8 bytes at offset 0x100\n"));
    qtest_quit(s);
    fixture_free(&f);
}

/* Without -d unimp the accesses are silent. */
static void test_unimp_quiet_by_default(void)
{
    g_autofree char *text = NULL;
    g_autofree char *opts = NULL;
    Fixture f;
    QTestState *s;

    fixture_init(&f);
    write_rom(&f, 16);
    opts = g_strdup_printf("-d guest_errors -D %s", f.log);
    s = memory_init(&f, opts);
    qtest_writel(s, UNIMP, 1);
    g_assert_cmphex(qtest_readl(s, UNIMP), ==, 0);
    g_assert_true(g_file_get_contents(f.log, &text, NULL, NULL));
    g_assert_null(strstr(text, "unimplemented"));
    qtest_quit(s);
    fixture_free(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory-models/sram", test_sram);
    g_test_add_func("/memory-models/rom-loaded-from-file",
                    test_rom_loaded_from_file);
    g_test_add_func("/memory-models/rom-file-fills-region",
                    test_rom_file_fills_region);
    g_test_add_func("/memory-models/rom-file-missing", test_rom_file_missing);
    g_test_add_func("/memory-models/rom-file-too-large",
                    test_rom_file_too_large);
    g_test_add_func("/memory-models/rom-without-file", test_rom_without_file_is_erased);
    g_test_add_func("/memory-models/unimp-reads-zero-ignores-writes",
                    test_unimp_reads_zero_ignores_writes);
    g_test_add_func("/memory-models/unimp-quiet-by-default",
                    test_unimp_quiet_by_default);
    return g_test_run();
}
