/*
 * Board assembly from device trees: the trees under tests/data/dt/ are
 * compiled with dtc and built against two models defined here, a timer
 * with a property of every type, two regions and DT-sized outputs, and an
 * interrupt controller that records the level of each of its 32 inputs.
 */
#include "kiln/board.h"

#include <errno.h>
#include <unistd.h>
#include <libfdt.h>

/* --- test models --- */

REG32(CTRL, 0x0)        /* bit i drives output line i */
REG32(ID, 0x4)

enum { TEST_TIMER_ID = 0x7e57 };

typedef struct TestTimer {
    Device dev;
    uint32_t clk_hz;
    uint32_t prescaler;
    uint32_t timebase_hz;
    uint64_t start;
    bool one_shot;
    bool wrap;
    char *label;
    char *chardev;
    Device *peer;
    IrqLine *irq;
    uint32_t ctrl;
    unsigned resets;
} TestTimer;

static uint64_t test_timer_read(void *opaque, hwaddr offset, unsigned size)
{
    TestTimer *s = opaque;

    switch (offset) {
    case A_CTRL:
        return s->ctrl;
    case A_ID:
        return TEST_TIMER_ID;
    }
    return 0;
}

static void test_timer_set_lines(TestTimer *s)
{
    DeviceLines *out = device_outputs(&s->dev, NULL);

    for (unsigned i = 0; i < out->count; i++) {
        irq_set(s->irq[i], (s->ctrl >> i) & 1);
    }
}

static void test_timer_write(void *opaque, hwaddr offset, uint64_t value,
                             unsigned size)
{
    TestTimer *s = opaque;

    if (offset == A_CTRL) {
        s->ctrl = value;
        test_timer_set_lines(s);
    }
}

static const MemOps test_timer_ops = {
    .read = test_timer_read,
    .write = test_timer_write,
    .sizes = MEM_SIZE_4,
};

/* The second region reads back its own offset, tagged, to tell it apart. */
static uint64_t test_aux_read(void *opaque, hwaddr offset, unsigned size)
{
    return 0xa000 + offset;
}

static void test_aux_write(void *opaque, hwaddr offset, uint64_t value,
                           unsigned size)
{
}

static const MemOps test_aux_ops = {
    .read = test_aux_read,
    .write = test_aux_write,
    .sizes = MEM_SIZE_4,
};

static void test_timer_reset(Device *dev)
{
    TestTimer *s = DEVICE_STATE(dev, TestTimer);

    s->ctrl = 0;
    test_timer_set_lines(s);
    s->resets++;
}

static const PropDesc test_timer_props[] = {
    PROP_U32("clock-frequency", TestTimer, clk_hz, 50),
    PROP_U32_RANGE("prescaler", TestTimer, prescaler, 0, 0, 7),
    PROP_U32("timebase-frequency", TestTimer, timebase_hz, 0),
    PROP_U64("start-value", TestTimer, start, 0),
    PROP_BOOL("one-shot", TestTimer, one_shot, false),
    PROP_BOOL("wrap", TestTimer, wrap, true),
    PROP_STRING("label", TestTimer, label, "none"),
    PROP_STRING("chardev", TestTimer, chardev, NULL),
    PROP_LINK("peer", TestTimer, peer),
    PROP_END
};

static const RegionDesc test_timer_regions[] = {
    REGION_IO("regs", &test_timer_ops),
    { .name = "aux", .kind = MR_IO, .ops = &test_aux_ops, .optional = true },
    REGION_END
};

static const LineDesc test_timer_outputs[] = {
    LINES_OUT("irq", TestTimer, irq, 0),
    LINES_END
};

static const char *const test_timer_compat[] = { "test,timer", NULL };

static const DeviceDesc test_timer_desc = {
    .name = "test-timer",
    .desc = "a timer with a property of every type",
    .compatible = test_timer_compat,
    .state_size = sizeof(TestTimer),
    .props = test_timer_props,
    .regions = test_timer_regions,
    .outputs = test_timer_outputs,
    .reset = test_timer_reset,
};

typedef struct TestIntc {
    Device dev;
    int level[32];
} TestIntc;

static void test_intc_input(Device *dev, int n, int level)
{
    DEVICE_STATE(dev, TestIntc)->level[n] = level;
}

static const LineDesc test_intc_inputs[] = {
    LINES_IN("irq", test_intc_input, 32),
    LINES_END
};

static const char *const test_intc_compat[] = { "test,intc", NULL };

static const DeviceDesc test_intc_desc = {
    .name = "test-intc",
    .desc = "records the level of each of its inputs",
    .compatible = test_intc_compat,
    .state_size = sizeof(TestIntc),
    .inputs = test_intc_inputs,
};

static const DeviceDesc *const test_models[] = {
    &test_timer_desc,
    &test_intc_desc,
    NULL,
};

/* --- helpers --- */

static char *dt_path(const char *name)
{
    const char *root = g_getenv("KILN_SOURCE_ROOT");

    g_assert_nonnull(root);
    return g_build_filename(root, "tests", "data", "dt", name, NULL);
}

static void dt_compile(const char *name, void **fdt, size_t *size)
{
    g_autofree char *path = dt_path(name);
    GError *err = NULL;
    bool ok = board_compile_dts(path, fdt, size, &err);

    g_assert_no_error(err);
    g_assert_true(ok);
}

static Machine *dt_build(const char *name, uint64_t ram_size)
{
    Machine *m = machine_new("dt");
    void *fdt;
    size_t size;
    GError *err = NULL;
    bool ok;

    dt_compile(name, &fdt, &size);
    m->ram_size = ram_size;
    ok = board_build(m, fdt, size, name, &err);
    g_free(fdt);
    g_assert_no_error(err);
    g_assert_true(ok);
    return m;
}

/* HAY contains NEEDLE; on failure both are printed. */
static void assert_contains(const char *hay, const char *needle)
{
    g_assert_cmpstr(strstr(hay, needle) ? needle : hay, ==, needle);
}

/*
 * The error is one line, "FILE: NODE: PROPERTY: ...", and says WHAT.
 */
static void assert_dt_error(GError *err, const char *file, const char *node,
                            const char *prop, const char *what)
{
    g_autofree char *prefix = g_strdup_printf("%s: %s: %s: ", file, node,
                                              prop);
    g_autofree char *head = NULL;

    g_assert_nonnull(err);
    g_assert_true(err->domain == KILN_ERROR);
    head = g_strndup(err->message, strlen(prefix));
    g_assert_cmpstr(head, ==, prefix);
    g_assert_null(strchr(err->message, '\n'));
    assert_contains(err->message, what);
}

/* Build NAME, which must fail; the error is returned. */
static GError *dt_build_error(const char *name, bool strict)
{
    Machine *m = machine_new("dt");
    void *fdt;
    size_t size;
    GError *err = NULL;

    dt_compile(name, &fdt, &size);
    m->strict = strict;
    g_assert_false(board_build(m, fdt, size, name, &err));
    g_free(fdt);
    machine_free(m);
    g_assert_nonnull(err);
    return err;
}

static Device *dev_at(Machine *m, const char *path)
{
    Device *dev = device_resolve_path(m->root, path);

    g_assert_nonnull(dev);
    return dev;
}

static uint32_t load32(Machine *m, hwaddr addr)
{
    uint64_t v;

    g_assert_cmpint(as_load(&m->as, addr, 4, &v), ==, MEM_OK);
    return v;
}

/* --- the machine itself --- */

static void test_machine_new(void)
{
    Machine *m = machine_new("none");

    g_assert_cmpstr(m->name, ==, "none");
    g_assert_cmpstr(m->root->path, ==, "/machine");
    g_assert_null(m->root->parent);
    g_assert_true(m->root->desc == &container_desc);
    g_assert_cmpint(m->sysmem->kind, ==, MR_CONTAINER);
    g_assert_cmpuint(m->sysmem->size, ==, UINT64_MAX);
    g_assert_true(m->as.root == m->sysmem);
    g_assert_null(as_lookup(&m->as, 0));
    machine_free(m);
}

/* --- a good tree --- */

static void test_good_devices(void)
{
    Machine *m = dt_build("good.dts", 0);

    g_assert_true(dev_at(m, "/machine/soc")->desc == &container_desc);
    g_assert_true(dev_at(m, "/machine/soc/sub@8000")->desc == &container_desc);
    g_assert_true(dev_at(m, "/machine/soc/timer@1000")->desc ==
                  &test_timer_desc);
    g_assert_true(dev_at(m, "/machine/soc/sub@8000/timer@100")->desc ==
                  &test_timer_desc);
    g_assert_true(dev_at(m, "/machine/bus/timer@20000000")->desc ==
                  &test_timer_desc);
    g_assert_true(dev_at(m, "/machine/interrupt-controller")->desc ==
                  &test_intc_desc);
    /* Nodes without a model or a device below them are not devices. */
    g_assert_null(device_resolve_path(m->root, "/machine/chosen"));
    g_assert_null(device_resolve_path(m->root, "/machine/aliases"));
    g_assert_null(device_resolve_path(m->root, "/machine/cpus/cpu@0"));
    g_assert_null(device_resolve_path(m->root, "/machine/memory@80000000"));
    /* /cpus holds a device, so it is one; its reg is a hart id. */
    g_assert_true(dev_at(m, "/machine/cpus")->desc == &container_desc);
    g_assert_cmpuint(dev_at(m, "/machine/cpus/cpu@1")->nr_regs, ==, 0);
    /* Children keep the order of the tree. */
    g_assert_cmpuint(m->root->children->len, ==, 6);
    g_assert_cmpstr(((Device *)g_ptr_array_index(m->root->children, 1))->name,
                    ==, "soc");
    g_assert_cmpstr(m->source, ==, "good.dts");
    machine_free(m);
}

static void test_good_regions(void)
{
    Machine *m = dt_build("good.dts", 0);
    Device *t0 = dev_at(m, "/machine/soc/timer@1000");
    Device *t1 = dev_at(m, "/machine/soc/sub@8000/timer@100");
    Device *dflt = dev_at(m, "/machine/defaults/timer@30000000");

    /* soc 0x1000 -> 0x10001000; two entries, each its own region. */
    g_assert_cmpuint(t0->nr_regs, ==, 2);
    g_assert_cmphex(t0->regs[0].base, ==, 0x10001000);
    g_assert_cmphex(t0->regs[0].size, ==, 0x100);
    g_assert_cmphex(t0->regs[1].base, ==, 0x10002000);
    g_assert_true(as_lookup(&m->as, 0x10001000)->mr == t0->regs[0].mr);
    g_assert_cmphex(load32(m, 0x10001004), ==, TEST_TIMER_ID);
    g_assert_cmphex(load32(m, 0x10002008), ==, 0xa008);
    g_assert_null(as_lookup(&m->as, 0x10001100));
    /* Through two buses: sub 0x100 -> soc 0x8100 -> 0x10008100. */
    g_assert_cmpuint(t1->nr_regs, ==, 1);
    g_assert_cmphex(t1->regs[0].base, ==, 0x10008100);
    g_assert_cmphex(load32(m, 0x10008104), ==, TEST_TIMER_ID);
    /* An empty ranges is the identity. */
    g_assert_cmphex(load32(m, 0x20000004), ==, TEST_TIMER_ID);
    /* status = "ok" is the older spelling of "okay". */
    g_assert_cmphex(load32(m, 0x20001004), ==, TEST_TIMER_ID);
    /* Without #address-cells/#size-cells, reg is 2 + 1 cells. */
    g_assert_cmphex(dflt->regs[0].base, ==, 0x30000000);
    g_assert_cmphex(dflt->regs[0].size, ==, 0x100);
    machine_free(m);
}

static void test_good_props(void)
{
    Machine *m = dt_build("good.dts", 0);
    TestTimer *t0 = DEVICE_STATE(dev_at(m, "/machine/soc/timer@1000"),
                                 TestTimer);
    TestTimer *t1 = DEVICE_STATE(dev_at(m, "/machine/soc/sub@8000/timer@100"),
                                 TestTimer);
    TestTimer *t2 = DEVICE_STATE(dev_at(m, "/machine/bus/timer@20000000"),
                                 TestTimer);

    g_assert_cmpuint(t0->clk_hz, ==, 1000000);
    g_assert_cmphex(t0->start, ==, 0x100000002ull);     /* two cells */
    g_assert_true(t0->one_shot);                        /* empty */
    g_assert_false(t0->wrap);                           /* <0> */
    g_assert_cmpstr(t0->label, ==, "first");
    g_assert_true(t0->peer == dev_at(m, "/machine/interrupt-controller"));
    g_assert_cmpuint(t1->prescaler, ==, 3);
    g_assert_cmphex(t1->start, ==, 5);                  /* one cell */
    /* Defaults stay where the DT says nothing. */
    g_assert_cmpuint(t1->clk_hz, ==, 50);
    g_assert_true(t1->wrap);
    g_assert_cmpstr(t1->label, ==, "none");
    g_assert_null(t1->peer);
    /* timebase-frequency: the node's own, else /cpus's. */
    g_assert_cmpuint(t1->timebase_hz, ==, 32768);
    g_assert_cmpuint(t0->timebase_hz, ==, 10000000);
    g_assert_cmpuint(t2->timebase_hz, ==, 10000000);
    machine_free(m);
}

static void test_good_serials(void)
{
    Machine *m = dt_build("good.dts", 0);
    TestTimer *t0 = DEVICE_STATE(dev_at(m, "/machine/soc/timer@1000"),
                                 TestTimer);
    TestTimer *t1 = DEVICE_STATE(dev_at(m, "/machine/soc/sub@8000/timer@100"),
                                 TestTimer);
    TestTimer *t2 = DEVICE_STATE(dev_at(m, "/machine/bus/timer@20000000"),
                                 TestTimer);
    TestTimer *t3 = DEVICE_STATE(dev_at(m, "/machine/bus/timer@20001000"),
                                 TestTimer);

    /* stdout-path "console:115200n8" -> alias console -> timer1. */
    g_assert_cmpstr(t1->chardev, ==, "serial0");
    g_assert_cmpstr(t0->chardev, ==, "serial1");
    g_assert_cmpstr(t2->chardev, ==, "serial2");
    g_assert_cmpstr(t3->chardev, ==, "uart-x");
    g_assert_cmpstr(DEVICE_STATE(dev_at(m, "/machine/defaults/timer@30000000"),
                                 TestTimer)->chardev, ==, "serial3");
    machine_free(m);
}

static void test_good_irqs(void)
{
    Machine *m = dt_build("good.dts", 0);
    TestTimer *t0 = DEVICE_STATE(dev_at(m, "/machine/soc/timer@1000"),
                                 TestTimer);
    TestTimer *t2 = DEVICE_STATE(dev_at(m, "/machine/bus/timer@20000000"),
                                 TestTimer);
    TestIntc *intc = DEVICE_STATE(dev_at(m, "/machine/interrupt-controller"),
                                  TestIntc);
    TestIntc *intc2 = DEVICE_STATE(dev_at(m, "/machine/interrupt-controller-2"),
                                   TestIntc);

    /* One output line per interrupt entry. */
    g_assert_cmpuint(device_outputs(&t0->dev, NULL)->count, ==, 2);
    g_assert_cmpuint(device_outputs(&t2->dev, NULL)->count, ==, 0);

    /* interrupts = <3>, <4> through the inherited interrupt-parent. */
    g_assert_cmpint(as_store(&m->as, 0x10001000, 4, 0x2), ==, MEM_OK);
    g_assert_cmpint(intc->level[3], ==, 0);
    g_assert_cmpint(intc->level[4], ==, 1);
    g_assert_cmpint(as_store(&m->as, 0x10001000, 4, 0x1), ==, MEM_OK);
    g_assert_cmpint(intc->level[3], ==, 1);
    g_assert_cmpint(intc->level[4], ==, 0);

    /* interrupts-extended = <&intc 7>, <&intc2 9 0>. */
    g_assert_cmpint(as_store(&m->as, 0x10008100, 4, 0x3), ==, MEM_OK);
    g_assert_cmpint(intc->level[7], ==, 1);
    g_assert_cmpint(intc2->level[9], ==, 1);
    g_assert_cmpint(intc2->level[7], ==, 0);

    /* Reset lowers what the devices drive. */
    machine_reset(m);
    g_assert_cmpint(intc->level[3], ==, 0);
    g_assert_cmpint(intc->level[7], ==, 0);
    g_assert_cmpint(intc2->level[9], ==, 0);
    machine_free(m);
}

static void test_good_reset(void)
{
    Machine *m = dt_build("good.dts", 0);
    TestTimer *t0 = DEVICE_STATE(dev_at(m, "/machine/soc/timer@1000"),
                                 TestTimer);

    /* The board comes up reset, and machine_reset resets it again. */
    g_assert_cmpuint(t0->resets, ==, 1);
    g_assert_cmpint(as_store(&m->as, 0x10001000, 4, 0x5), ==, MEM_OK);
    machine_reset(m);
    g_assert_cmpuint(t0->resets, ==, 2);
    g_assert_cmphex(load32(m, 0x10001000), ==, 0);
    machine_free(m);
}

static void test_blob_copied(void)
{
    Machine *m = machine_new("dt");
    void *fdt;
    size_t size;
    GError *err = NULL;
    bool ok;

    dt_compile("good.dts", &fdt, &size);
    ok = board_build(m, fdt, size, "good.dts", &err);
    g_assert_no_error(err);
    g_assert_true(ok);
    /* The machine keeps its own copy: the caller may free the blob. */
    g_assert_true(m->fdt != fdt);
    g_assert_cmpmem(m->fdt, m->fdt_size, fdt, size);
    memset(fdt, 0, size);
    g_free(fdt);
    g_assert_cmpint(fdt_check_full(m->fdt, m->fdt_size), ==, 0);
    machine_free(m);
}

static void test_disabled(void)
{
    Machine *m = dt_build("good.dts", 0);

    g_assert_null(device_resolve_path(m->root, "/machine/soc/timer@3000"));
    g_assert_null(as_lookup(&m->as, 0x10003000));
    machine_free(m);
}

static void test_memory(void)
{
    Machine *m = dt_build("good.dts", 0);
    const FlatRange *fr = as_lookup(&m->as, 0x80000000);

    g_assert_nonnull(fr);
    g_assert_cmpint(fr->mr->kind, ==, MR_RAM);
    g_assert_cmpstr(fr->mr->name, ==, "memory@80000000");
    g_assert_cmphex(fr->mr->size, ==, 0x100000);
    g_assert_null(as_lookup(&m->as, 0x80100000));
    /* The second entry is RAM too. */
    fr = as_lookup(&m->as, 0x100000000ull);
    g_assert_nonnull(fr);
    g_assert_cmpint(fr->mr->kind, ==, MR_RAM);
    g_assert_cmphex(fr->mr->size, ==, 0x1000);
    g_assert_cmpint(as_store(&m->as, 0x80000010, 4, 0xcafe), ==, MEM_OK);
    g_assert_cmphex(load32(m, 0x80000010), ==, 0xcafe);
    machine_free(m);
}

static void test_memory_ram_size(void)
{
    Machine *m = dt_build("good.dts", 0x200000);
    const FlatRange *fr = as_lookup(&m->as, 0x80000000);

    /* -m sizes the first entry of the first memory node only. */
    g_assert_cmphex(fr->mr->size, ==, 0x200000);
    g_assert_nonnull(as_lookup(&m->as, 0x801ffffc));
    g_assert_cmphex(as_lookup(&m->as, 0x100000000ull)->mr->size, ==, 0x1000);
    machine_free(m);
}

static void test_print(void)
{
    Machine *m = dt_build("good.dts", 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    machine_print(m, out);
    fclose(out);
    assert_contains(text, "timer@100 (test-timer)");
    assert_contains(text, "memory@80000000");
    free(text);
    machine_free(m);
}

/* --- broken trees --- */

static void test_bad_irq_parent(void)
{
    GError *err = dt_build_error("bad-irq-parent.dts", false);

    assert_dt_error(err, "bad-irq-parent.dts", "/soc/timer@1000",
                    "interrupts", "phandle 0x7 names no node");
    g_error_free(err);
}

static void test_bad_link(void)
{
    GError *err = dt_build_error("bad-link.dts", false);

    assert_dt_error(err, "bad-link.dts", "/soc/timer@1000", "peer",
                    "phandle 0x9 names no node");
    g_error_free(err);
}

static void test_bad_overlap(void)
{
    GError *err = dt_build_error("bad-overlap.dts", false);

    assert_dt_error(err, "bad-overlap.dts", "/soc/timer@1080", "reg",
                    "overlaps");
    g_error_free(err);
}

static void test_bad_reg_cells(void)
{
    GError *err = dt_build_error("bad-reg-cells.dts", false);

    assert_dt_error(err, "bad-reg-cells.dts", "/soc/timer@1000", "reg",
                    "12 bytes is not a whole number of entries");
    g_error_free(err);
}

static void test_bad_no_ranges(void)
{
    GError *err = dt_build_error("bad-no-ranges.dts", false);

    assert_dt_error(err, "bad-no-ranges.dts", "/soc/timer@1000", "reg",
                    "bus /soc has no ranges");
    g_error_free(err);
}

static void test_bad_type(void)
{
    GError *err = dt_build_error("bad-type.dts", false);

    assert_dt_error(err, "bad-type.dts", "/soc/timer@1000", "clock-frequency",
                    "expected one cell (u32), got 5 bytes");
    g_error_free(err);
}

static void test_bad_range(void)
{
    GError *err = dt_build_error("bad-range.dts", false);

    assert_dt_error(err, "bad-range.dts", "/soc/timer@1000", "prescaler",
                    "out of range");
    g_error_free(err);
}

static void test_bad_irq_line(void)
{
    GError *err = dt_build_error("bad-irq-line.dts", false);

    assert_dt_error(err, "bad-irq-line.dts", "/soc/timer@1000", "interrupts",
                    "line 40 is out of range");
    g_error_free(err);
}

static void test_bad_irq_cells(void)
{
    GError *err = dt_build_error("bad-irq-cells.dts", false);

    assert_dt_error(err, "bad-irq-cells.dts", "/soc/timer@1000",
                    "interrupts-extended", "#interrupt-cells = 2");
    g_error_free(err);
}

static void test_bad_irq_count(void)
{
    GError *err = dt_build_error("bad-irq-count.dts", false);

    assert_dt_error(err, "bad-irq-count.dts", "/soc/timer@1000", "interrupts",
                    "not a whole number of specifiers of 2 cells");
    g_error_free(err);
}

static void test_bad_not_intc(void)
{
    GError *err = dt_build_error("bad-not-intc.dts", false);

    assert_dt_error(err, "bad-not-intc.dts", "/soc/timer@1000", "interrupts",
                    "/soc/timer@2000 has no #interrupt-cells");
    g_error_free(err);
}

static void test_unknown_strict(void)
{
    GError *err = dt_build_error("unknown.dts", true);

    assert_dt_error(err, "unknown.dts", "/soc/mystery@4000", "compatible",
                    "\"acme,mystery\", \"acme,generic\"");
    g_error_free(err);
}

static void test_unknown_warns(void)
{
    if (g_test_subprocess()) {
        Machine *m = dt_build("unknown.dts", 0);

        g_assert_nonnull(device_resolve_path(m->root,
                                             "/machine/soc/timer@1000"));
        g_assert_null(device_resolve_path(m->root,
                                          "/machine/soc/mystery@4000"));
        g_assert_null(as_lookup(&m->as, 0x10004000));
        machine_free(m);
        return;
    }
    g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("*warning: unknown.dts: /soc/mystery@4000: "
                              "compatible: no model for \"acme,mystery\", "
                              "\"acme,generic\"*");
}

static void test_truncated_blob(void)
{
    Machine *m = machine_new("dt");
    void *fdt;
    size_t size;
    GError *err = NULL;

    dt_compile("good.dts", &fdt, &size);
    g_assert_false(board_build(m, fdt, size - 16, "good.dtb", &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(err->message, "good.dtb: "));
    assert_contains(err->message, "truncated");
    g_clear_error(&err);
    g_assert_false(board_build(m, fdt, 3, "good.dtb", &err));
    assert_contains(err->message, "truncated");
    g_error_free(err);
    g_free(fdt);
    machine_free(m);
}

static void test_garbage_blob(void)
{
    Machine *m = machine_new("dt");
    uint8_t junk[512];
    GError *err = NULL;

    for (size_t i = 0; i < sizeof(junk); i++) {
        junk[i] = (uint8_t)(i * 37 + 11);
    }
    g_assert_false(board_build(m, junk, sizeof(junk), "junk.dtb", &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(err->message, "junk.dtb: "));
    assert_contains(err->message, "not a device tree blob");
    g_error_free(err);
    machine_free(m);
}

/* --- loading and compiling --- */

static void test_load_dtb(void)
{
    void *fdt, *loaded;
    size_t size, loaded_size;
    g_autofree char *path = NULL;
    GError *err = NULL;
    int fd = g_file_open_tmp("board-test-XXXXXX.dtb", &path, &err);

    g_assert_no_error(err);
    close(fd);
    dt_compile("good.dts", &fdt, &size);

    g_assert_true(g_file_set_contents(path, fdt, size, NULL));
    g_assert_true(board_load_dtb(path, &loaded, &loaded_size, &err));
    g_assert_no_error(err);
    g_assert_cmpmem(loaded, loaded_size, fdt, size);
    g_free(loaded);

    /* Cut short: the header promises more than the file has. */
    g_assert_true(g_file_set_contents(path, fdt, size - 8, NULL));
    g_assert_false(board_load_dtb(path, &loaded, &loaded_size, &err));
    g_assert_true(g_str_has_prefix(err->message, path));
    assert_contains(err->message, "truncated");
    g_clear_error(&err);

    g_assert_true(g_file_set_contents(path, "not a dtb at all", -1, NULL));
    g_assert_false(board_load_dtb(path, &loaded, &loaded_size, &err));
    g_assert_true(g_str_has_prefix(err->message, path));
    assert_contains(err->message, "not a device tree blob");
    g_clear_error(&err);

    unlink(path);
    g_assert_false(board_load_dtb(path, &loaded, &loaded_size, &err));
    g_assert_true(g_str_has_prefix(err->message, path));
    assert_contains(err->message, g_strerror(ENOENT));
    g_error_free(err);
    g_free(fdt);
}

static void test_compile_fails(void)
{
    g_autofree char *path = dt_path("bad-syntax.dts");
    g_autofree char *prefix = g_strdup_printf("%s: dtc failed: ", path);
    void *fdt = NULL;
    size_t size;
    GError *err = NULL;

    g_assert_false(board_compile_dts(path, &fdt, &size, &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(err->message, prefix));
    assert_contains(err->message, "syntax error");
    g_assert_null(strchr(err->message, '\n'));
    g_error_free(err);
}

static void test_compile_no_dtc(void)
{
    g_autofree char *path = dt_path("good.dts");
    g_autofree char *old = g_strdup(g_getenv("PATH"));
    void *fdt = NULL;
    size_t size;
    GError *err = NULL;

    /* A PATH where dtc cannot be found. */
    g_setenv("PATH", "/nonexistent", TRUE);
    g_assert_false(board_compile_dts(path, &fdt, &size, &err));
    g_setenv("PATH", old, TRUE);
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(err->message, path));
    assert_contains(err->message, "dtc, the device tree compiler, is not "
                    "installed");
    g_error_free(err);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    device_register_models(test_models);

    g_test_add_func("/board/machine-new", test_machine_new);
    g_test_add_func("/board/good/devices", test_good_devices);
    g_test_add_func("/board/good/regions", test_good_regions);
    g_test_add_func("/board/good/props", test_good_props);
    g_test_add_func("/board/good/serials", test_good_serials);
    g_test_add_func("/board/good/irqs", test_good_irqs);
    g_test_add_func("/board/good/reset", test_good_reset);
    g_test_add_func("/board/good/print", test_print);
    g_test_add_func("/board/blob-copied", test_blob_copied);
    g_test_add_func("/board/disabled", test_disabled);
    g_test_add_func("/board/memory", test_memory);
    g_test_add_func("/board/memory-ram-size", test_memory_ram_size);
    g_test_add_func("/board/bad/irq-parent", test_bad_irq_parent);
    g_test_add_func("/board/bad/link", test_bad_link);
    g_test_add_func("/board/bad/overlap", test_bad_overlap);
    g_test_add_func("/board/bad/reg-cells", test_bad_reg_cells);
    g_test_add_func("/board/bad/no-ranges", test_bad_no_ranges);
    g_test_add_func("/board/bad/type", test_bad_type);
    g_test_add_func("/board/bad/range", test_bad_range);
    g_test_add_func("/board/bad/irq-line", test_bad_irq_line);
    g_test_add_func("/board/bad/irq-cells", test_bad_irq_cells);
    g_test_add_func("/board/bad/irq-count", test_bad_irq_count);
    g_test_add_func("/board/bad/not-intc", test_bad_not_intc);
    g_test_add_func("/board/bad/truncated", test_truncated_blob);
    g_test_add_func("/board/bad/garbage", test_garbage_blob);
    g_test_add_func("/board/unknown/strict", test_unknown_strict);
    g_test_add_func("/board/unknown/warns", test_unknown_warns);
    g_test_add_func("/board/load-dtb", test_load_dtb);
    g_test_add_func("/board/compile/fails", test_compile_fails);
    g_test_add_func("/board/compile/no-dtc", test_compile_no_dtc);
    return g_test_run();
}
