/*
 * The device model: typed properties with defaults and ranges, -global,
 * line lists, regions from reg entries, the composition tree and paths.
 */
#include "kiln/device.h"

typedef struct TestDev {
    Device dev;
    uint32_t freq;
    uint64_t big;
    bool fast;
    char *label;
    Device *peer;
    IrqLine *irq;
    IrqLine *ctx;
    unsigned nin;
    int in_levels[8];
    uint32_t last_write;
    int realized;
} TestDev;

static uint64_t testdev_read(void *opaque, hwaddr off, unsigned size)
{
    return 0x1000 + off;
}

static void testdev_write(void *opaque, hwaddr off, uint64_t v, unsigned size)
{
    TestDev *s = opaque;

    s->last_write = (uint32_t)v;
}

static const MemOps testdev_ops = {
    .read = testdev_read, .write = testdev_write, .sizes = MEM_SIZE_4,
};

static void testdev_input(Device *dev, int n, int level)
{
    DEVICE_STATE(dev, TestDev)->in_levels[n] = level;
}

static unsigned testdev_nin(Device *dev)
{
    return DEVICE_STATE(dev, TestDev)->nin;
}

static bool testdev_realize(Device *dev, GError **errp)
{
    DEVICE_STATE(dev, TestDev)->realized++;
    return true;
}

static const PropDesc testdev_props[] = {
    PROP_U32_RANGE("clock-frequency", TestDev, freq, 1000, 10, 5000),
    PROP_U64("big", TestDev, big, 0x100000000ull),
    PROP_BOOL("fast", TestDev, fast, true),
    PROP_STRING("label", TestDev, label, "none"),
    PROP_LINK("peer", TestDev, peer),
    PROP_U32("num-inputs", TestDev, nin, 4),
    PROP_END
};

static const LineDesc testdev_outputs[] = {
    LINES_OUT("irq", TestDev, irq, 2),
    { .name = "ctx", .offset = offsetof(TestDev, ctx) },
    LINES_END
};

static const LineDesc testdev_inputs[] = {
    LINES_IN_FN("in", testdev_input, testdev_nin),
    LINES_END
};

static const RegionDesc testdev_regions[] = {
    REGION_IO("regs", &testdev_ops),
    { .name = "extra", .kind = MR_RAM, .optional = true },
    REGION_END
};

static const char *const testdev_compat[] = { "test,dev-v2", "test,dev", NULL };

static const DeviceDesc testdev_desc = {
    .name = "test-dev",
    .desc = "a device for the device model's tests",
    .compatible = testdev_compat,
    .state_size = sizeof(TestDev),
    .props = testdev_props,
    .regions = testdev_regions,
    .outputs = testdev_outputs,
    .inputs = testdev_inputs,
    .realize = testdev_realize,
};

static const DeviceDesc *const test_models[] = { &testdev_desc, NULL };

static const DeviceReg one_reg = { 0x1000, 0x100 };

static Device *new_root(void)
{
    return device_new(&container_desc, "machine", NULL);
}

static void test_registry(void)
{
    g_assert_true(device_desc_find("test-dev") == &testdev_desc);
    g_assert_true(device_desc_by_compatible("test,dev") == &testdev_desc);
    g_assert_true(device_desc_by_compatible("test,dev-v2") == &testdev_desc);
    g_assert_null(device_desc_by_compatible("test,other"));
    g_assert_true(device_desc_by_compatible("riscv,cpu-intc") != NULL);
}

static void test_prop_defaults_and_ranges(void)
{
    Device *root = new_root();
    Device *d = device_new(&testdev_desc, "dev@0", root);
    TestDev *s = DEVICE_STATE(d, TestDev);
    g_autoptr(GError) err = NULL;

    g_assert_cmpuint(s->freq, ==, 1000);
    g_assert_cmpuint(s->big, ==, 0x100000000ull);
    g_assert_true(s->fast);
    g_assert_cmpstr(s->label, ==, "none");

    g_assert_true(device_set_prop_uint(d, "clock-frequency", 5000, NULL));
    g_assert_cmpuint(s->freq, ==, 5000);
    g_assert_false(device_set_prop_uint(d, "clock-frequency", 5001, &err));
    g_assert_nonnull(strstr(err->message, "clock-frequency"));
    g_assert_nonnull(strstr(err->message, "out of range [10, 5000]"));
    g_assert_cmpuint(s->freq, ==, 5000);
    g_clear_error(&err);

    g_assert_false(device_set_prop_string(d, "clock-frequency", "x", &err));
    g_assert_nonnull(strstr(err->message, "is a uint32, not a string"));
    g_clear_error(&err);
    g_assert_false(device_set_prop_uint(d, "nosuch", 1, &err));
    g_assert_nonnull(strstr(err->message, "has no property 'nosuch'"));
    g_clear_error(&err);

    g_assert_true(device_set_prop_parse(d, "big", "0x123456789", NULL));
    g_assert_cmpuint(s->big, ==, 0x123456789ull);
    g_assert_true(device_set_prop_parse(d, "fast", "off", NULL));
    g_assert_false(s->fast);
    g_assert_false(device_set_prop_parse(d, "fast", "maybe", &err));
    g_clear_error(&err);
    g_assert_false(device_set_prop_parse(d, "big", "12abc", &err));
    g_clear_error(&err);
    g_assert_false(device_set_prop_parse(d, "big", "-1", &err));
    g_clear_error(&err);
    g_assert_true(device_set_prop_parse(d, "label", "hello", NULL));
    g_assert_cmpstr(s->label, ==, "hello");

    {
        g_autofree char *v = device_prop_format(d, device_find_prop(d, "big"));
        g_autofree char *b = device_prop_format(d, device_find_prop(d, "fast"));

        g_assert_cmpstr(v, ==, "4886718345");
        g_assert_cmpstr(b, ==, "false");
    }
    device_free(root);
}

static void test_link_and_paths(void)
{
    Device *root = new_root();
    Device *soc = device_new(&container_desc, "soc", root);
    Device *a = device_new(&testdev_desc, "a@1000", soc);
    Device *b = device_new(&testdev_desc, "b@2000", soc);
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;

    g_assert_cmpstr(a->path, ==, "/machine/soc/a@1000");
    g_assert_true(device_resolve_path(root, "/machine/soc/b@2000") == b);
    g_assert_true(device_resolve_path(root, "/machine") == root);
    g_assert_true(device_resolve_path(root, "b@2000") == b);
    g_assert_true(device_resolve_path(root, "soc/a@1000") == a);
    g_assert_null(device_resolve_path(root, "/machine/soc/c"));
    g_assert_null(device_resolve_path(root, "/other/soc"));

    g_assert_true(device_set_prop_parse(a, "peer", "/machine/soc/b@2000", NULL));
    g_assert_true(DEVICE_STATE(a, TestDev)->peer == b);
    text = device_prop_format(a, device_find_prop(a, "peer"));
    g_assert_cmpstr(text, ==, "/machine/soc/b@2000");
    g_assert_false(device_set_prop_parse(a, "peer", "/machine/nope", &err));
    g_assert_nonnull(strstr(err->message, "/machine/nope"));
    device_free(root);
}

static void test_globals(void)
{
    Device *root = new_root();
    Device *d;
    g_autoptr(GError) err = NULL;

    g_assert_false(device_add_global("test-dev.clock-frequency", &err));
    g_clear_error(&err);
    g_assert_false(device_add_global("nosuch.x=1", &err));
    g_clear_error(&err);
    g_assert_false(device_add_global("test-dev.nosuch=1", &err));
    g_clear_error(&err);
    g_assert_true(device_add_global("test-dev.clock-frequency=2500", NULL));

    d = device_new(&testdev_desc, "d", root);
    device_set_reg(d, &one_reg, 1);
    g_assert_true(device_realize(d, NULL));
    g_assert_cmpuint(DEVICE_STATE(d, TestDev)->freq, ==, 2500);
    device_free(root);
}

static int sink_levels[8];

static void sink(void *opaque, int n, int level)
{
    sink_levels[n] = level;
}

static int hook_calls;

static void hook(void *opaque, int n, int level)
{
    hook_calls++;
}

static void test_lines(void)
{
    Device *root = new_root();
    Device *d = device_new(&testdev_desc, "d", root);
    TestDev *s = DEVICE_STATE(d, TestDev);
    g_autoptr(GError) err = NULL;
    IrqLine in;

    g_assert_true(device_set_prop_uint(d, "num-inputs", 6, NULL));
    g_assert_true(device_size_outputs(d, "ctx", 3, NULL));
    g_assert_false(device_size_outputs(d, "irq", 3, &err));
    g_clear_error(&err);
    g_assert_false(device_realize(d, &err));
    g_assert_nonnull(strstr(err->message, "needs reg entry 0 (\"regs\")"));
    g_clear_error(&err);
    device_set_reg(d, &one_reg, 1);
    g_assert_true(device_realize(d, NULL));
    g_assert_cmpuint(s->realized, ==, 1);

    g_assert_cmpuint(device_outputs(d, NULL)->count, ==, 2);
    g_assert_cmpuint(device_outputs(d, "ctx")->count, ==, 3);
    g_assert_cmpuint(device_inputs(d, "in")->count, ==, 6);

    /* Outputs: the board connects, the model sets. */
    g_assert_true(device_connect_output(d, NULL, 1, (IrqLine){ sink, NULL, 5 },
                                        NULL));
    irq_raise(s->irq[1]);
    g_assert_cmpint(sink_levels[5], ==, 1);
    irq_raise(s->irq[0]);   /* unconnected: nothing happens */
    g_assert_false(device_connect_output(d, "ctx", 3, (IrqLine){ sink }, &err));
    g_assert_nonnull(strstr(err->message, "no line 3"));
    g_clear_error(&err);

    /* Inputs reach the model and, when hooked, the hook too. */
    g_assert_true(device_input_line(d, NULL, 5, &in, NULL));
    irq_raise(in);
    g_assert_cmpint(s->in_levels[5], ==, 1);
    d->input_hook = (DeviceInputHook){ hook, NULL };
    irq_lower(in);
    g_assert_cmpint(s->in_levels[5], ==, 0);
    g_assert_cmpint(hook_calls, ==, 1);
    g_assert_false(device_input_line(d, NULL, 6, &in, &err));
    g_clear_error(&err);
    g_assert_false(device_input_line(d, "nosuch", 0, &in, &err));
    g_clear_error(&err);
    device_free(root);
}

static void test_regions(void)
{
    Device *root = new_root();
    Device *d = device_new(&testdev_desc, "d", root);
    Device *e = device_new(&testdev_desc, "e", root);
    DeviceReg two[2] = { { 0x1000, 0x100 }, { 0x2000, 0x1000 } };
    DeviceReg three[3] = { { 0x1000, 0x100 }, { 0x2000, 0x100 }, { 0x3000, 0x100 } };
    g_autoptr(GError) err = NULL;

    device_set_reg(d, two, 2);
    g_assert_true(device_realize(d, NULL));
    g_assert_cmpint(d->regs[0].mr->kind, ==, MR_IO);
    g_assert_cmpuint(d->regs[0].mr->size, ==, 0x100);
    g_assert_true(d->regs[0].mr->opaque == d);
    g_assert_cmpint(d->regs[1].mr->kind, ==, MR_RAM);
    g_assert_cmpuint(d->regs[0].mr->ops->read(d, 4, 4), ==, 0x1004);

    device_set_reg(e, three, 3);
    g_assert_false(device_realize(e, &err));
    g_assert_nonnull(strstr(err->message, "takes 2 reg entries, not 3"));
    device_free(root);
}

static void test_model_help(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    g_assert_true(device_print_model_help("test-dev", f, NULL));
    fclose(f);
    g_assert_nonnull(strstr(text, "compatible: test,dev-v2, test,dev"));
    g_assert_nonnull(strstr(text,
        "clock-frequency=<uint32> (default: 1000, range 10..5000)"));
    g_assert_nonnull(strstr(text, "fast=<bool> (default: true)"));
    g_assert_nonnull(strstr(text, "output lines \"irq\": 2"));
    g_assert_nonnull(strstr(text, "output lines \"ctx\": one per DT interrupt entry"));
    free(text);
    g_assert_false(device_print_model_help("nosuch", stdout, NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    device_register_models(test_models);
    g_test_add_func("/device/registry", test_registry);
    g_test_add_func("/device/prop-defaults-ranges", test_prop_defaults_and_ranges);
    g_test_add_func("/device/link-and-paths", test_link_and_paths);
    g_test_add_func("/device/globals", test_globals);
    g_test_add_func("/device/lines", test_lines);
    g_test_add_func("/device/regions", test_regions);
    g_test_add_func("/device/model-help", test_model_help);
    return g_test_run();
}
