/*
 * The rig behind rtl-rig.h.  Model programs run under the boot tests'
 * console driver (tests/boot/console.c): their standard output is read
 * with deadlines, and they never outlive the test.
 */
#include "rtl-rig.h"
#include "console.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

/* How long a model may take to bind, and to end after kiln's BYE. */
#define MODEL_START_S 20
#define MODEL_EXIT_S 20
/* How long a bridge waits for its model (timeout-ms). */
#define BRIDGE_TIMEOUT_MS 10000

struct RtlRig {
    char *dir;
    GPtrArray *models;          /* Console * */
    GPtrArray *endpoints;       /* char * */
    char *base_board;           /* in dts/ */
    GString *bridges;           /* DT nodes */
    GString *overrides;         /* &label { ... }; */
    char *board;
};

RtlRig *rtl_rig_new(void)
{
    RtlRig *r = g_new0(RtlRig, 1);
    GError *err = NULL;

    r->dir = g_dir_make_tmp("kiln-cosim-rtl-XXXXXX", &err);
    g_assert_no_error(err);
    r->models = g_ptr_array_new();
    r->endpoints = g_ptr_array_new_with_free_func(g_free);
    r->base_board = g_strdup("virt.dts");
    r->bridges = g_string_new(NULL);
    r->overrides = g_string_new(NULL);
    return r;
}

const char *rtl_rig_dir(const RtlRig *r)
{
    return r->dir;
}

/* The program the environment variable ENV_PROGRAM names. */
static const char *rtl_rig_program(const char *env_program)
{
    const char *program = g_getenv(env_program);

    if (!program) {
        g_error("%s is not set: run this test under meson", env_program);
    }
    return program;
}

const char *rtl_rig_start_model(RtlRig *r, const char *env_program,
                                const char *name, const char *const *args)
{
    const char *program = rtl_rig_program(env_program);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    char *endpoint;
    Console *c;

    endpoint = g_strdup_printf("ipc://%s/%s.sock", r->dir, name);
    g_ptr_array_add(argv, (gpointer)program);
    g_ptr_array_add(argv, endpoint);
    for (; args && *args; args++) {
        g_ptr_array_add(argv, (gpointer)*args);
    }
    g_ptr_array_add(argv, NULL);
    c = console_start((const char *const *)argv->pdata);
    console_expect(c, "listening on ", "the model binds its endpoint",
                   MODEL_START_S);
    g_ptr_array_add(r->models, c);
    g_ptr_array_add(r->endpoints, endpoint);
    return endpoint;
}

int rtl_rig_run_model(const char *env_program, const char *const *args,
                      char **err_text)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    GError *err = NULL;
    int status;

    g_ptr_array_add(argv, (gpointer)rtl_rig_program(env_program));
    for (; args && *args; args++) {
        g_ptr_array_add(argv, (gpointer)*args);
    }
    g_ptr_array_add(argv, NULL);
    g_spawn_sync(NULL, (char **)argv->pdata, NULL,
                 G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, err_text,
                 &status, &err);
    g_assert_no_error(err);
    g_assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

void rtl_rig_use_board(RtlRig *r, const char *dts)
{
    g_free(r->base_board);
    r->base_board = g_strdup(dts);
}

void rtl_rig_set_endpoint(RtlRig *r, const char *label, const char *endpoint)
{
    g_string_append_printf(r->overrides,
        "&%s {\n"
        "\tendpoint = \"%s\";\n"
        "\ttimeout-ms = <%u>;\n"
        "};\n", label, endpoint, BRIDGE_TIMEOUT_MS);
}

void rtl_rig_add_bridge(RtlRig *r, uint32_t base, unsigned irq,
                        const char *endpoint, const char *extra)
{
    g_string_append_printf(r->bridges,
        "\t\tbridge@%x {\n"
        "\t\t\tcompatible = \"kiln,cosim-bridge\";\n"
        "\t\t\treg = <0x0 0x%x 0x0 0x1000>;\n"
        "\t\t\tinterrupt-parent = <&plic>;\n"
        "\t\t\tinterrupts = <%u>;\n"
        "\t\t\tendpoint = \"%s\";\n"
        "\t\t\tquantum-ns = <0x0 100000>;\n"
        "\t\t\ttimeout-ms = <%u>;\n"
        "\t\t\t%s\n"
        "\t\t};\n", base, base, irq, endpoint, BRIDGE_TIMEOUT_MS,
        extra ? extra : "");
}

const char *rtl_rig_board(RtlRig *r)
{
    const char *root = g_getenv("KILN_SOURCE_ROOT");
    g_autofree char *text = NULL;
    GError *err = NULL;

    if (!root) {
        g_error("KILN_SOURCE_ROOT is not set: run this test under meson");
    }
    g_free(r->board);
    r->board = g_build_filename(r->dir, "board.dts", NULL);
    text = g_strdup_printf("/include/ \"%s/dts/%s\"\n\n"
                           "/ {\n\tsoc {\n%s\t};\n};\n%s", root,
                           r->base_board, r->bridges->str,
                           r->overrides->str);
    g_file_set_contents(r->board, text, -1, &err);
    g_assert_no_error(err);
    return r->board;
}

void rtl_rig_wait(RtlRig *r)
{
    for (guint i = 0; i < r->models->len; i++) {
        Console *c = g_ptr_array_index(r->models, i);

        g_assert_cmpint(console_wait_exit(c, MODEL_EXIT_S), ==, 0);
        console_free(c);
    }
    g_ptr_array_set_size(r->models, 0);
}

void rtl_rig_finish(RtlRig *r)
{
    g_autoptr(GDir) dir = NULL;
    const char *name;

    rtl_rig_wait(r);
    dir = g_dir_open(r->dir, 0, NULL);
    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = g_build_filename(r->dir, name, NULL);

        g_unlink(path);
    }
    g_rmdir(r->dir);
    g_ptr_array_free(r->models, TRUE);
    g_ptr_array_free(r->endpoints, TRUE);
    g_free(r->base_board);
    g_string_free(r->bridges, TRUE);
    g_string_free(r->overrides, TRUE);
    g_free(r->board);
    g_free(r->dir);
    g_free(r);
}

char *rtl_rig_bridge_path(uint32_t base)
{
    return g_strdup_printf("/machine/soc/bridge@%x", base);
}
