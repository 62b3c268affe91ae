/*
 * -smp N on a board whose DT lists one hart: the tree is given N harts
 * before the board is built from it, the way QEMU's virt lays them out.
 *
 * The first cpu node (and its interrupt-controller child) is copied to
 * cpu@1 ... cpu@N-1 with reg = hart id and fresh phandles, and every
 * interrupts-extended property that names the first hart's controller
 * gets the same entries again for each new hart, in hart order.  That is
 * how a CLINT (MSIP, MTIP per hart) and a PLIC (M and S context per hart)
 * are wired for N harts, so their models size themselves from the tree.
 */
#include "kiln/board.h"

#include <libfdt.h>

static bool fdt_fail(GError **errp, const char *what, int err)
{
    g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID, "-smp: %s: %s", what,
                fdt_strerror(err));
    return false;
}

typedef struct PropCopy {
    char *name;
    void *value;
    int len;
} PropCopy;

static void prop_copy_free(gpointer p)
{
    PropCopy *c = p;

    g_free(c->name);
    g_free(c->value);
    g_free(c);
}

/* Every property of NODE but reg and phandle, copied out of the blob. */
static GPtrArray *props_of(const void *fdt, int node)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(prop_copy_free);
    int prop;

    fdt_for_each_property_offset(prop, fdt, node) {
        const char *name;
        int len;
        const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);
        PropCopy *c;

        if (strcmp(name, "phandle") == 0 || strcmp(name, "linux,phandle") == 0 ||
            strcmp(name, "reg") == 0) {
            continue;
        }
        c = g_new0(PropCopy, 1);
        c->name = g_strdup(name);
        c->value = g_memdup2(val, len);
        c->len = len;
        g_ptr_array_add(list, c);
    }
    return list;
}

/* Set the properties of LIST on the node at PATH (looked up each time:
 * every change moves the nodes behind it in the blob). */
static int set_props(void *fdt, const char *path, GPtrArray *list)
{
    for (guint i = 0; i < list->len; i++) {
        PropCopy *c = g_ptr_array_index(list, i);
        int node = fdt_path_offset(fdt, path);
        int err = node < 0 ? node : fdt_setprop(fdt, node, c->name, c->value,
                                                c->len);

        if (err) {
            return err;
        }
    }
    return 0;
}

/* The first node with device_type = "cpu" under /cpus. */
static int first_cpu(void *fdt, int cpus, int *count)
{
    int node, first = -1;

    *count = 0;
    fdt_for_each_subnode(node, fdt, cpus) {
        const char *type = fdt_getprop(fdt, node, "device_type", NULL);

        if (type && strcmp(type, "cpu") == 0) {
            if (first < 0) {
                first = node;
            }
            (*count)++;
        }
    }
    return first;
}

static int intc_child(void *fdt, int cpu)
{
    int node;

    fdt_for_each_subnode(node, fdt, cpu) {
        if (fdt_getprop(fdt, node, "interrupt-controller", NULL)) {
            return node;
        }
    }
    return -FDT_ERR_NOTFOUND;
}

/* Append, for each new hart, the entries of PROP that name OLD_PH. */
static int extend_interrupts(void *fdt, int node, uint32_t old_ph,
                             const uint32_t *new_ph, unsigned extra)
{
    int len, err;
    const fdt32_t *p = fdt_getprop(fdt, node, "interrupts-extended", &len);
    g_autofree fdt32_t *cells = g_memdup2(p, len);
    unsigned n = len / 4, i = 0;
    GArray *out = g_array_new(FALSE, FALSE, sizeof(fdt32_t));
    GArray *hart0 = g_array_new(FALSE, FALSE, sizeof(unsigned)); /* start, count */

    g_array_append_vals(out, cells, n);
    while (i < n) {
        uint32_t ph = fdt32_to_cpu(cells[i]);
        int target = fdt_node_offset_by_phandle(fdt, ph);
        const fdt32_t *ic = target >= 0 ?
            fdt_getprop(fdt, target, "#interrupt-cells", NULL) : NULL;
        unsigned nc = ic ? fdt32_to_cpu(*ic) : 0;

        if (!ic || i + 1 + nc > n) {
            g_array_free(out, TRUE);
            g_array_free(hart0, TRUE);
            return -FDT_ERR_BADVALUE;
        }
        if (ph == old_ph) {
            unsigned entry[2] = { i + 1, nc };

            g_array_append_vals(hart0, entry, 2);
        }
        i += 1 + nc;
    }
    for (unsigned h = 0; h < extra; h++) {
        fdt32_t ph = cpu_to_fdt32(new_ph[h]);

        for (unsigned k = 0; k < hart0->len; k += 2) {
            g_array_append_val(out, ph);
            g_array_append_vals(out, &cells[g_array_index(hart0, unsigned, k)],
                                g_array_index(hart0, unsigned, k + 1));
        }
    }
    err = fdt_setprop(fdt, node, "interrupts-extended", out->data,
                      out->len * sizeof(fdt32_t));
    g_array_free(out, TRUE);
    g_array_free(hart0, TRUE);
    return err;
}

bool board_fdt_set_harts(void **fdtp, size_t *size, unsigned harts,
                         GError **errp)
{
    size_t new_size = *size + harts * 4096 + 4096;
    void *fdt = g_malloc0(new_size);
    int cpus, cpu0, intc0, count, err = 0, node;
    uint32_t intc0_ph;
    g_autofree uint32_t *new_ph = NULL;

    err = fdt_open_into(*fdtp, fdt, (int)new_size);
    if (err) {
        g_free(fdt);
        return fdt_fail(errp, "the board's tree", err);
    }
    cpus = fdt_path_offset(fdt, "/cpus");
    cpu0 = cpus >= 0 ? first_cpu(fdt, cpus, &count) : -1;
    if (cpu0 < 0) {
        g_free(fdt);
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "-smp %u: the board's tree has no cpu node", harts);
        return false;
    }
    if ((unsigned)count == harts) {
        g_free(fdt);
        return true;
    }
    if (count != 1) {
        g_free(fdt);
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "-smp %u: the board's tree already lists %d harts",
                    harts, count);
        return false;
    }
    intc0 = intc_child(fdt, cpu0);
    intc0_ph = intc0 >= 0 ? fdt_get_phandle(fdt, intc0) : 0;
    new_ph = g_new0(uint32_t, harts);
    {
        g_autofree char *cpu0_path = g_malloc(256);
        g_autofree char *intc_name = intc0 >= 0 ?
            g_strdup(fdt_get_name(fdt, intc0, NULL)) : NULL;
        g_autoptr(GPtrArray) cpu_props = NULL;
        g_autoptr(GPtrArray) intc_props = NULL;

        fdt_get_path(fdt, cpu0, cpu0_path, 256);
        cpu_props = props_of(fdt, cpu0);
        intc_props = intc0 >= 0 ? props_of(fdt, intc0) : NULL;
        for (unsigned h = 1; h < harts; h++) {
            g_autofree char *name = g_strdup_printf("cpu@%u", h);
            g_autofree char *path = g_strdup_printf("/cpus/%s", name);
            g_autofree char *intc_path = NULL;
            int node;

            node = fdt_add_subnode(fdt, fdt_path_offset(fdt, "/cpus"), name);
            if (node < 0 || (err = set_props(fdt, path, cpu_props)) ||
                (err = fdt_setprop_u32(fdt, fdt_path_offset(fdt, path), "reg", h))) {
                g_free(fdt);
                return fdt_fail(errp, name, node < 0 ? node : err);
            }
            if (!intc_props) {
                continue;
            }
            intc_path = g_strdup_printf("%s/%s", path, intc_name);
            node = fdt_add_subnode(fdt, fdt_path_offset(fdt, path), intc_name);
            if (node < 0 || (err = set_props(fdt, intc_path, intc_props)) ||
                (err = fdt_generate_phandle(fdt, &new_ph[h - 1])) ||
                (err = fdt_setprop_u32(fdt, fdt_path_offset(fdt, intc_path),
                                       "phandle", new_ph[h - 1]))) {
                g_free(fdt);
                return fdt_fail(errp, name, node < 0 ? node : err);
            }
        }
    }
    if (intc0_ph) {
        for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
             node = fdt_next_node(fdt, node, NULL)) {
            const fdt32_t *p;
            int len;
            bool names_hart0 = false;

            p = fdt_getprop(fdt, node, "interrupts-extended", &len);
            for (int i = 0; p && i < len / 4; i++) {
                names_hart0 |= fdt32_to_cpu(p[i]) == intc0_ph;
            }
            if (names_hart0 &&
                (err = extend_interrupts(fdt, node, intc0_ph, new_ph, harts - 1))) {
                g_free(fdt);
                return fdt_fail(errp, fdt_get_name(fdt, node, NULL), err);
            }
        }
    }
    fdt_pack(fdt);
    g_free(*fdtp);
    *fdtp = fdt;
    *size = fdt_totalsize(fdt);
    return true;
}
