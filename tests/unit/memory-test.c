/*
 * The memory API: what a board builds with regions, and what a CPU, a
 * debugger or qtest sees through an address space.
 */
#include "kiln/memory.h"
#include "kiln/log.h"

#include <glib/gstdio.h>
#include <unistd.h>

/* A device that records every access it receives. */
typedef struct Access {
    hwaddr offset;
    unsigned size;
    uint64_t value;
    bool is_write;
} Access;

typedef struct TestDev {
    Access log[16];
    int nr;
} TestDev;

static uint64_t test_dev_read(void *opaque, hwaddr offset, unsigned size)
{
    TestDev *d = opaque;
    /* Distinct per offset so that the assembled value shows the order. */
    uint64_t v = 0xa0000000u | offset;

    g_assert_cmpint(d->nr, <, (int)G_N_ELEMENTS(d->log));
    d->log[d->nr++] = (Access){ offset, size, v, false };
    return v;
}

static void test_dev_write(void *opaque, hwaddr offset, uint64_t value,
                           unsigned size)
{
    TestDev *d = opaque;

    g_assert_cmpint(d->nr, <, (int)G_N_ELEMENTS(d->log));
    d->log[d->nr++] = (Access){ offset, size, value, true };
}

static const MemOps test_dev_ops_4 = {
    .read = test_dev_read,
    .write = test_dev_write,
    .sizes = MEM_SIZE_4,
};

static const MemOps test_dev_ops_all = {
    .read = test_dev_read,
    .write = test_dev_write,
    .sizes = MEM_SIZE_ALL,
};

static void add_ok(MemRegion *container, hwaddr addr, MemRegion *sub)
{
    GError *err = NULL;

    g_assert_true(region_add(container, addr, sub, &err));
    g_assert_no_error(err);
}

static void test_ram_widths(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    AddressSpace as;
    uint8_t bytes[8];
    uint64_t v;

    add_ok(root, 0x80000000, region_new_ram("ram", 0x1000));
    as_init(&as, "memory", root);

    for (unsigned size = 1; size <= 8; size <<= 1) {
        uint64_t pattern = UINT64_C(0x8877665544332211);
        uint64_t expect = size == 8 ? pattern :
                          pattern & ((UINT64_C(1) << (8 * size)) - 1);
        hwaddr addr = 0x80000100 + 0x10 * size;

        g_assert_cmpint(as_store(&as, addr, size, pattern), ==, MEM_OK);
        g_assert_cmpint(as_load(&as, addr, size, &v), ==, MEM_OK);
        g_assert_cmphex(v, ==, expect);
        /* Little-endian in memory: the low byte at the lowest address. */
        memset(bytes, 0xee, sizeof(bytes));
        g_assert_cmpint(as_read(&as, addr, bytes, size), ==, MEM_OK);
        for (unsigned i = 0; i < size; i++) {
            g_assert_cmphex(bytes[i], ==, 0x11 * (i + 1));
        }
    }
    /* Bytes written one by one read back as one little-endian word. */
    for (unsigned i = 0; i < 4; i++) {
        as_store(&as, 0x80000200 + i, 1, 0xa0 + i);
    }
    g_assert_cmpint(as_load(&as, 0x80000200, 4, &v), ==, MEM_OK);
    g_assert_cmphex(v, ==, 0xa3a2a1a0);
    /* The last bytes of RAM are reachable, one past is not. */
    g_assert_cmpint(as_store(&as, 0x80000ff8, 8, 1), ==, MEM_OK);
    g_assert_cmpint(as_load(&as, 0x80001000, 1, &v), ==, MEM_UNMAPPED);

    as_destroy(&as);
    region_free(root);
}

static void test_rom(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    static const uint8_t image[] = { 0x97, 0x02, 0x00, 0x00 };
    AddressSpace as;
    uint64_t v;

    add_ok(root, 0x1000, region_new_rom("mrom", 0x100));
    as_init(&as, "memory", root);

    g_assert_cmpint(as_write(&as, 0x1000, image, sizeof(image)), ==, MEM_OK);
    g_assert_cmpint(as_load(&as, 0x1000, 4, &v), ==, MEM_OK);
    g_assert_cmphex(v, ==, 0x00000297);
    /* A guest store to ROM is accepted by the bus and changes nothing. */
    g_assert_cmpint(as_store(&as, 0x1000, 4, 0xdeadbeef), ==, MEM_OK);
    g_assert_cmpint(as_load(&as, 0x1000, 4, &v), ==, MEM_OK);
    g_assert_cmphex(v, ==, 0x00000297);

    as_destroy(&as);
    region_free(root);
}

static void test_io_split(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    TestDev dev = { 0 };
    AddressSpace as;
    uint64_t v;

    add_ok(root, 0x10000000, region_new_io("dev", 0x100, &test_dev_ops_4, &dev));
    as_init(&as, "memory", root);

    g_assert_cmpint(as_load(&as, 0x10000010, 8, &v), ==, MEM_OK);
    g_assert_cmpint(dev.nr, ==, 2);
    g_assert_cmphex(dev.log[0].offset, ==, 0x10);
    g_assert_cmphex(dev.log[1].offset, ==, 0x14);
    g_assert_cmpuint(dev.log[0].size, ==, 4);
    g_assert_cmpuint(dev.log[1].size, ==, 4);
    g_assert_cmphex(v, ==, UINT64_C(0xa0000014a0000010));

    dev.nr = 0;
    g_assert_cmpint(as_store(&as, 0x10000020, 8, UINT64_C(0x1122334455667788)),
                    ==, MEM_OK);
    g_assert_cmpint(dev.nr, ==, 2);
    g_assert_true(dev.log[0].is_write);
    g_assert_cmphex(dev.log[0].offset, ==, 0x20);
    g_assert_cmphex(dev.log[0].value, ==, 0x55667788);
    g_assert_cmphex(dev.log[1].offset, ==, 0x24);
    g_assert_cmphex(dev.log[1].value, ==, 0x11223344);

    /* The pieces only need their own alignment. */
    dev.nr = 0;
    g_assert_cmpint(as_load(&as, 0x10000004, 8, &v), ==, MEM_OK);
    g_assert_cmpint(dev.nr, ==, 2);
    g_assert_cmphex(v, ==, UINT64_C(0xa0000008a0000004));

    as_destroy(&as);
    region_free(root);
}

static void test_io_reject(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    TestDev dev = { 0 };
    AddressSpace as;
    uint64_t v;

    add_ok(root, 0x10000000, region_new_io("dev", 0x100, &test_dev_ops_4, &dev));
    as_init(&as, "memory", root);

    v = 0x55;
    g_assert_cmpint(as_load(&as, 0x10000000, 1, &v), ==, MEM_REJECTED);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmpint(as_store(&as, 0x10000000, 2, 0xffff), ==, MEM_REJECTED);
    /* Misaligned for the device's width. */
    g_assert_cmpint(as_load(&as, 0x10000002, 4, &v), ==, MEM_REJECTED);
    g_assert_cmpint(as_load(&as, 0x10000002, 8, &v), ==, MEM_REJECTED);
    /* Running off the end of the device. */
    g_assert_cmpint(as_load(&as, 0x100000fc, 8, &v), ==, MEM_REJECTED);
    g_assert_cmpint(dev.nr, ==, 0);

    as_destroy(&as);
    region_free(root);
}

static void test_unmapped(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    AddressSpace as;
    uint64_t v = 0x1234;

    add_ok(root, 0x80000000, region_new_ram("ram", 0x1000));
    as_init(&as, "memory", root);

    g_assert_null(as_lookup(&as, 0x7fffffff));
    g_assert_cmpint(as_load(&as, 0x7ffffff0, 4, &v), ==, MEM_UNMAPPED);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmpint(as_store(&as, 0, 8, 1), ==, MEM_UNMAPPED);
    g_assert_cmpint(as_load(&as, UINT64_MAX, 1, &v), ==, MEM_UNMAPPED);

    as_destroy(&as);
    region_free(root);
}

/* With -d guest_errors, a bad access leaves one line naming what failed. */
static void test_guest_error_log(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    TestDev dev = { 0 };
    GError *err = NULL;
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    AddressSpace as;
    uint64_t v;
    int fd;

    add_ok(root, 0x10000000, region_new_io("uart", 0x100, &test_dev_ops_4, &dev));
    as_init(&as, "memory", root);
    fd = g_file_open_tmp("kiln-memory-test-XXXXXX", &path, &err);
    g_assert_no_error(err);
    close(fd);
    g_assert_true(log_set_file(path, &err));
    g_assert_true(log_parse_items("guest_errors", &err));
    g_assert_no_error(err);

    as_load(&as, 0x20000000, 4, &v);
    as_store(&as, 0x10000001, 1, 0);

    log_enabled_mask = 0;
    g_assert_true(log_set_file(NULL, &err));
    g_assert_true(g_file_get_contents(path, &text, NULL, &err));
    g_assert_no_error(err);
    g_assert_nonnull(strstr(text, "load of 4 bytes at 0x20000000: unmapped\n"));
    g_assert_nonnull(strstr(text, "store of 1 bytes at 0x10000001: rejected "
                                  "by \"uart\" at offset 0x1\n"));
    g_unlink(path);

    as_destroy(&as);
    region_free(root);
}

static void test_overlap(void)
{
    MemRegion *soc = region_new_container("soc", 0x20000000);
    TestDev dev = { 0 };
    MemRegion *uart = region_new_io("uart", 0x100, &test_dev_ops_4, &dev);
    MemRegion *plic = region_new_io("plic", 0x100, &test_dev_ops_4, &dev);
    MemRegion *clint = region_new_io("clint", 0x10, &test_dev_ops_4, &dev);
    GError *err = NULL;

    add_ok(soc, 0x10000000, plic);
    /* Overlapping the start, the end, and sitting inside all fail. */
    g_assert_false(region_add(soc, 0x10000080, uart, &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_INVALID);
    g_assert_cmpstr(err->message, ==,
                    "region \"uart\" [0x10000080, 0x1000017f] overlaps "
                    "\"plic\" [0x10000000, 0x100000ff] in \"soc\"");
    g_clear_error(&err);
    g_assert_false(region_add(soc, 0xfffff80, uart, &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_false(region_add(soc, 0x10000040, clint, &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_INVALID);
    g_clear_error(&err);
    g_assert_null(uart->container);

    /* Touching is not overlapping. */
    add_ok(soc, 0x10000100, uart);
    add_ok(soc, 0x0ffffff0, clint);
    /* A region can be mapped only once. */
    g_assert_false(region_add(soc, 0x0, uart, &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_INVALID);
    g_clear_error(&err);

    region_free(soc);
}

static void test_out_of_container(void)
{
    MemRegion *soc = region_new_container("soc", 0x1000);
    MemRegion *ram = region_new_ram("sram", 0x100);
    MemRegion *root = region_new_container("system", UINT64_MAX);
    MemRegion *top = region_new_ram("top", 0x1000);
    GError *err = NULL;

    g_assert_false(region_add(soc, 0xf80, ram, &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_INVALID);
    g_assert_cmpstr(err->message, ==,
                    "region \"sram\" [0xf80, 0x107f] does not fit in "
                    "\"soc\" [0x0, 0xfff]");
    g_clear_error(&err);
    g_assert_false(region_add(soc, UINT64_MAX - 0x10, ram, &err));
    g_assert_error(err, KILN_ERROR, KILN_ERROR_INVALID);
    g_clear_error(&err);
    add_ok(soc, 0xf00, ram);

    /* A full 2^64 root takes a region at the very top. */
    add_ok(root, UINT64_C(0xfffffffffffff000), top);
    {
        AddressSpace as;
        uint64_t v;

        as_init(&as, "memory", root);
        g_assert_cmpint(as_store(&as, UINT64_MAX - 7, 8, 42), ==, MEM_OK);
        g_assert_cmpint(as_load(&as, UINT64_MAX - 7, 8, &v), ==, MEM_OK);
        g_assert_cmpuint(v, ==, 42);
        /* An access may not wrap past the top of the address space. */
        g_assert_cmpint(as_load(&as, UINT64_MAX - 3, 8, &v), ==, MEM_REJECTED);
        as_destroy(&as);
    }

    region_free(soc);
    region_free(root);
}

static void test_alias(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    MemRegion *ram = region_new_ram("ram", 0x10000);
    AddressSpace as;
    const FlatRange *fr;
    uint64_t v;

    add_ok(root, 0x80000000, ram);
    /* A 4 KiB window onto ram+0x1000, seen at 0. */
    add_ok(root, 0x0, region_new_alias("low", ram, 0x1000, 0x1000));
    as_init(&as, "memory", root);

    as_store(&as, 0x80001010, 4, 0xcafef00d);
    g_assert_cmpint(as_load(&as, 0x10, 4, &v), ==, MEM_OK);
    g_assert_cmphex(v, ==, 0xcafef00d);
    as_store(&as, 0x20, 4, 0x600d);
    g_assert_cmpint(as_load(&as, 0x80001020, 4, &v), ==, MEM_OK);
    g_assert_cmphex(v, ==, 0x600d);

    fr = as_lookup(&as, 0x10);
    g_assert_nonnull(fr);
    g_assert_true(fr->mr == ram);
    g_assert_cmphex(fr->start, ==, 0);
    g_assert_cmphex(fr->last, ==, 0xfff);
    g_assert_cmphex(fr->offset, ==, 0x1000);
    /* The window ends where the alias ends, not where RAM does. */
    g_assert_null(as_lookup(&as, 0x1000));

    as_destroy(&as);
    region_free(root);
}

static void test_nested_containers(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    MemRegion *soc = region_new_container("soc", 0x1000000);
    MemRegion *periph = region_new_container("periph", 0x10000);
    MemRegion *sram = region_new_ram("sram", 0x100);
    TestDev dev = { 0 };
    MemRegion *uart = region_new_io("uart", 0x100, &test_dev_ops_all, &dev);
    AddressSpace as;
    const FlatRange *fr;
    uint64_t v;

    add_ok(periph, 0x10, sram);
    add_ok(soc, 0x0, uart);
    add_ok(soc, 0x100000, periph);
    add_ok(root, 0x10000000, soc);
    /* A window onto the middle of the SoC, cutting sram in half. */
    add_ok(root, 0x20000000, region_new_alias("win", soc, 0x100090, 0x1000));
    as_init(&as, "memory", root);

    fr = as_lookup(&as, 0x10100010);
    g_assert_nonnull(fr);
    g_assert_true(fr->mr == sram);
    g_assert_cmphex(fr->start, ==, 0x10100010);
    g_assert_cmphex(fr->last, ==, 0x1010010f);
    g_assert_null(as_lookup(&as, 0x10100000));
    g_assert_null(as_lookup(&as, 0x10100110));

    as_store(&as, 0x10100010 + 0x80, 8, 0x0123456789abcdefull);
    g_assert_cmpint(as_load(&as, 0x10100010 + 0x80, 8, &v), ==, MEM_OK);
    g_assert_cmphex(v, ==, 0x0123456789abcdefull);

    g_assert_cmpint(as_load(&as, 0x10000008, 2, &v), ==, MEM_OK);
    g_assert_cmpint(dev.nr, ==, 1);
    g_assert_cmphex(dev.log[0].offset, ==, 8);
    g_assert_cmpuint(dev.log[0].size, ==, 2);

    /* Through the window: sram from its offset 0x80 on, clipped at both ends. */
    fr = as_lookup(&as, 0x20000000);
    g_assert_nonnull(fr);
    g_assert_true(fr->mr == sram);
    g_assert_cmphex(fr->offset, ==, 0x80);
    g_assert_cmphex(fr->last, ==, 0x2000007f);
    g_assert_cmpint(as_load(&as, 0x20000000, 8, &v), ==, MEM_OK);
    g_assert_cmphex(v, ==, 0x0123456789abcdefull);
    g_assert_null(as_lookup(&as, 0x20000080));

    as_destroy(&as);
    region_free(root);
}

static void test_lazy_rebuild(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    MemRegion *ram = region_new_ram("ram", 0x1000);
    MemRegion *extra = region_new_ram("extra", 0x1000);
    MemRegion *periph = region_new_container("periph", 0x10000);
    AddressSpace as;
    const FlatRange *fr;

    add_ok(root, 0x80000000, ram);
    add_ok(root, 0x40000000, periph);
    as_init(&as, "memory", root);
    g_assert_true(as_lookup(&as, 0x80000000)->mr == ram);
    g_assert_null(as_lookup(&as, 0x90000000));

    /* Mapping after the first look-up, even deep in the tree, is seen. */
    add_ok(root, 0x90000000, extra);
    g_assert_true(as_lookup(&as, 0x90000000)->mr == extra);
    add_ok(periph, 0x2000, region_new_ram("deep", 0x100));
    fr = as_lookup(&as, 0x40002000);
    g_assert_nonnull(fr);
    g_assert_cmpstr(fr->mr->name, ==, "deep");

    /* Freeing a mapped region unmaps it. */
    region_free(extra);
    g_assert_null(as_lookup(&as, 0x90000000));
    g_assert_true(as_lookup(&as, 0x80000000)->mr == ram);

    as_destroy(&as);
    region_free(root);
}

static void test_many_regions(void)
{
    enum { N = 1000 };
    MemRegion *root = region_new_container("system", UINT64_MAX);
    MemRegion *regions[N];
    AddressSpace as;
    GRand *rand = g_rand_new_with_seed(7);
    int order[N];

    /* Added in random order: the container must keep them sorted. */
    for (int i = 0; i < N; i++) {
        order[i] = i;
    }
    for (int i = N - 1; i > 0; i--) {
        int j = g_rand_int_range(rand, 0, i + 1);
        int t = order[i];

        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < N; i++) {
        int k = order[i];
        g_autofree char *name = g_strdup_printf("r%d", k);

        regions[k] = region_new_ram(name, 0x100);
        add_ok(root, 0x10000000 + (hwaddr)k * 0x1000, regions[k]);
    }
    as_init(&as, "memory", root);

    for (int k = 0; k < N; k++) {
        hwaddr base = 0x10000000 + (hwaddr)k * 0x1000;

        g_assert_true(as_lookup(&as, base)->mr == regions[k]);
        g_assert_true(as_lookup(&as, base + 0x7f)->mr == regions[k]);
        g_assert_true(as_lookup(&as, base + 0xff)->mr == regions[k]);
        g_assert_null(as_lookup(&as, base + 0x100));
        g_assert_null(as_lookup(&as, base - 1));
    }
    g_assert_cmpuint(as.nr_ranges, ==, N);
    g_rand_free(rand);
    as_destroy(&as);
    region_free(root);
}

static void test_read_across_ranges(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    TestDev dev = { 0 };
    AddressSpace as;
    uint8_t buf[32];
    uint8_t ram_bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint64_t v;

    add_ok(root, 0x1000, region_new_ram("ram", 0x1000));
    add_ok(root, 0x2000, region_new_io("dev", 0x10, &test_dev_ops_4, &dev));
    as_init(&as, "memory", root);

    g_assert_cmpint(as_write(&as, 0x1ff8, ram_bytes, 8), ==, MEM_OK);
    memset(buf, 0xee, sizeof(buf));
    /* 8 bytes of RAM, the 16-byte device, then 8 bytes of hole. */
    g_assert_cmpint(as_read(&as, 0x1ff8, buf, sizeof(buf)), ==, MEM_UNMAPPED);
    g_assert_cmpmem(buf, 8, ram_bytes, 8);
    g_assert_cmpint(dev.nr, ==, 4);
    for (int i = 0; i < 4; i++) {
        g_assert_cmphex(dev.log[i].offset, ==, 4 * i);
        g_assert_cmpuint(dev.log[i].size, ==, 4);
        g_assert_cmphex(buf[8 + 4 * i], ==, 4 * i);
        g_assert_cmphex(buf[8 + 4 * i + 3], ==, 0xa0);
    }
    for (int i = 24; i < 32; i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }

    /* Bytes a device refuses read as 0; the rest still arrives. */
    dev.nr = 0;
    memset(buf, 0xee, sizeof(buf));
    g_assert_cmpint(as_read(&as, 0x2002, buf, 8), ==, MEM_REJECTED);
    g_assert_cmpint(dev.nr, ==, 1);
    g_assert_cmphex(dev.log[0].offset, ==, 4);
    g_assert_cmphex(buf[0], ==, 0);
    g_assert_cmphex(buf[1], ==, 0);
    g_assert_cmphex(buf[2], ==, 0x04);
    g_assert_cmphex(buf[5], ==, 0xa0);
    g_assert_cmphex(buf[6], ==, 0);
    g_assert_cmphex(buf[7], ==, 0);

    /* as_write reaches the device in its own width. */
    dev.nr = 0;
    g_assert_cmpint(as_write(&as, 0x2008, ram_bytes, 8), ==, MEM_OK);
    g_assert_cmpint(dev.nr, ==, 2);
    g_assert_cmphex(dev.log[0].value, ==, 0x04030201);
    g_assert_cmphex(dev.log[1].offset, ==, 0xc);
    g_assert_cmphex(dev.log[1].value, ==, 0x08070605);

    /* A single load across RAM into the device is refused whole. */
    dev.nr = 0;
    g_assert_cmpint(as_load(&as, 0x1ffc, 8, &v), ==, MEM_REJECTED);
    g_assert_cmphex(v, ==, 0);
    g_assert_cmpint(dev.nr, ==, 0);

    as_destroy(&as);
    region_free(root);
}

/* A debugger read reaches a device in the widest aligned accesses it takes. */
static void test_read_widest_accesses(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    TestDev dev = { 0 };
    AddressSpace as;
    uint8_t buf[23];
    static const struct {
        hwaddr offset;
        unsigned size;
    } expect[] = { { 1, 1 }, { 2, 2 }, { 4, 4 }, { 8, 8 }, { 16, 8 } };

    add_ok(root, 0x3000, region_new_io("dev", 0x100, &test_dev_ops_all, &dev));
    as_init(&as, "memory", root);

    g_assert_cmpint(as_read(&as, 0x3001, buf, sizeof(buf)), ==, MEM_OK);
    g_assert_cmpint(dev.nr, ==, (int)G_N_ELEMENTS(expect));
    for (size_t i = 0; i < G_N_ELEMENTS(expect); i++) {
        g_assert_cmphex(dev.log[i].offset, ==, expect[i].offset);
        g_assert_cmpuint(dev.log[i].size, ==, expect[i].size);
    }
    /* Each piece lands at its own place in the buffer, little-endian. */
    g_assert_cmphex(buf[0], ==, 0x01);
    g_assert_cmphex(buf[1], ==, 0x02);
    g_assert_cmphex(buf[15], ==, 0x10);
    g_assert_cmphex(buf[18], ==, 0xa0);

    as_destroy(&as);
    region_free(root);
}

static void test_load_across_ram_ranges(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    AddressSpace as;
    uint64_t v;

    add_ok(root, 0x0, region_new_rom("rom", 0x1000));
    add_ok(root, 0x1000, region_new_ram("ram", 0x1000));
    as_init(&as, "memory", root);

    as_write(&as, 0xffc, "\x11\x22\x33\x44", 4);
    g_assert_cmpint(as_store(&as, 0xffc, 8, UINT64_C(0x8877665500000000)),
                    ==, MEM_OK);
    /* The ROM half kept its bytes, the RAM half took the store. */
    g_assert_cmpint(as_load(&as, 0xffc, 8, &v), ==, MEM_OK);
    g_assert_cmphex(v, ==, UINT64_C(0x8877665544332211));

    as_destroy(&as);
    region_free(root);
}

static void test_print(void)
{
    MemRegion *root = region_new_container("system", UINT64_MAX);
    MemRegion *ram = region_new_ram("ram", 0x10000);
    TestDev dev = { 0 };
    AddressSpace as;
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    add_ok(root, 0x80000000, ram);
    add_ok(root, 0x10000000, region_new_io("uart", 0x100, &test_dev_ops_4, &dev));
    add_ok(root, 0x1000, region_new_rom("mrom", 0x1000));
    add_ok(root, 0x0, region_new_alias("low", ram, 0x100, 0x100));
    as_init(&as, "memory", root);

    out = open_memstream(&text, &len);
    as_print(&as, out);
    fclose(out);
    g_assert_cmpstr(text, ==,
                    "0000000000000000-00000000000000ff (ram) ram "
                    "@0000000000000100\n"
                    "0000000000001000-0000000000001fff (rom) mrom\n"
                    "0000000010000000-00000000100000ff (io) uart\n"
                    "0000000080000000-000000008000ffff (ram) ram\n");
    free(text);

    as_destroy(&as);
    region_free(root);
}

static void test_result_str(void)
{
    g_assert_cmpstr(mem_result_str(MEM_OK), ==, "ok");
    g_assert_cmpstr(mem_result_str(MEM_UNMAPPED), ==, "unmapped");
    g_assert_cmpstr(mem_result_str(MEM_REJECTED), ==, "rejected");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory/ram-widths", test_ram_widths);
    g_test_add_func("/memory/rom", test_rom);
    g_test_add_func("/memory/io-split", test_io_split);
    g_test_add_func("/memory/io-reject", test_io_reject);
    g_test_add_func("/memory/unmapped", test_unmapped);
    g_test_add_func("/memory/guest-error-log", test_guest_error_log);
    g_test_add_func("/memory/overlap", test_overlap);
    g_test_add_func("/memory/out-of-container", test_out_of_container);
    g_test_add_func("/memory/alias", test_alias);
    g_test_add_func("/memory/nested-containers", test_nested_containers);
    g_test_add_func("/memory/lazy-rebuild", test_lazy_rebuild);
    g_test_add_func("/memory/many-regions", test_many_regions);
    g_test_add_func("/memory/read-across-ranges", test_read_across_ranges);
    g_test_add_func("/memory/read-widest-accesses",
                    test_read_widest_accesses);
    g_test_add_func("/memory/load-across-ram-ranges",
                    test_load_across_ram_ranges);
    g_test_add_func("/memory/print", test_print);
    g_test_add_func("/memory/result-str", test_result_str);
    return g_test_run();
}
