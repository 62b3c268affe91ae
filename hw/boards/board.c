/*
 * Board assembly: a flattened device tree becomes devices, memory and
 * wiring.  The rules for writing such a tree are in docs/board-dt.md; the
 * device tree vocabulary (reg, ranges, #address-cells, interrupts,
 * interrupt-parent, status, stdout-path) is that of the Devicetree
 * Specification v0.4, chapters 2 and 3.
 *
 * Assembly runs in three passes because a tree may refer forward: a node's
 * interrupt controller or link target can come later in the tree.
 *
 *   1. create: walk the nodes depth-first, make a Device for every node
 *      that has a model, is a simple-bus or holds such nodes; map memory
 *      nodes as RAM.
 *   2. configure: in the same order, set each device's properties (links
 *      can now name any device), hand it its reg entries, size its output
 *      lines by its interrupt entries, realize it and map its regions.
 *   3. wire: connect every interrupt entry to its controller, whose input
 *      lines exist now that it is realized.
 *
 * Every error is one line, "SOURCE: NODE: PROPERTY: what is wrong", so
 * that a user can go straight to the line of the DTS to fix.
 */
#include "kiln/board.h"
#include "kiln/log.h"

#include <libfdt.h>

/* One interrupt specifier, reduced to what kiln wires. */
typedef struct IrqSpec {
    int ctrl;               /* node offset of the interrupt controller */
    uint32_t line;          /* first cell: the controller's input number */
} IrqSpec;

/* A DT node that became a Device. */
typedef struct BoardNode {
    int offset;
    Device *dev;
    bool container;         /* no model of its own: a bus or holder */
    const char *irq_prop;   /* "interrupts" or "interrupts-extended" */
    GArray *irqs;           /* IrqSpec, entry i wires output line i */
} BoardNode;

typedef struct Builder {
    Machine *m;
    const void *fdt;
    const char *source;
    GPtrArray *nodes;       /* BoardNode *, in walk order: parents first */
    GHashTable *by_offset;  /* node offset -> BoardNode * */
    int cpus;               /* offset of /cpus, or < 0 */
    int stdout_node;        /* offset of the stdout-path node, or < 0 */
    unsigned next_serial;   /* next "serialN" handed to a chardev property */
    bool memory_seen;       /* the first memory node takes -m */
} Builder;

/* --- the machine --- */

Machine *machine_new(const char *name)
{
    Machine *m = g_new0(Machine, 1);

    m->name = g_strdup(name);
    m->root = device_new(&container_desc, "machine", NULL);
    /* UINT64_MAX stands for the whole 2^64-byte space (memory.h). */
    m->sysmem = region_new_container("system", UINT64_MAX);
    as_init(&m->as, "memory", m->sysmem);
    return m;
}

void machine_reset(Machine *m)
{
    device_reset(m->root);
}

void machine_free(Machine *m)
{
    if (!m) {
        return;
    }
    /*
     * Devices first: a device frees only its regions that are not mapped,
     * and looks at each region to know; the mapped ones then go with the
     * system container.
     */
    device_free(m->root);
    as_destroy(&m->as);
    region_free(m->sysmem);
    g_free(m->fdt);
    g_free(m->source);
    g_free(m->name);
    g_free(m);
}

void machine_print(Machine *m, FILE *out)
{
    device_print_tree(m->root, out);
    as_print(&m->as, out);
}

/* --- errors --- */

static char *node_path(const void *fdt, int node)
{
    for (int len = 64;; len *= 2) {
        char *buf = g_malloc(len);
        int err = fdt_get_path(fdt, node, buf, len);

        if (err == 0) {
            return buf;
        }
        g_free(buf);
        if (err != -FDT_ERR_NOSPACE) {
            return g_strdup_printf("<node at offset %d>", node);
        }
    }
}

static char *board_message(Builder *b, int node, const char *prop,
                           const char *fmt, va_list ap)
{
    g_autofree char *path = node_path(b->fdt, node);
    g_autofree char *what = g_strdup_vprintf(fmt, ap);

    return g_strdup_printf("%s: %s: %s: %s", b->source, path, prop, what);
}

/* Set "SOURCE: NODE: PROP: what" and return false. */
static bool G_GNUC_PRINTF(5, 6)
board_error(Builder *b, GError **errp, int node, const char *prop,
            const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = board_message(b, node, prop, fmt, ap);
    va_end(ap);
    g_set_error_literal(errp, KILN_ERROR, KILN_ERROR_INVALID, msg);
    g_free(msg);
    return false;
}

/* Pass ERR on, prefixed with "SOURCE: NODE: PROP: "; return false. */
static bool board_prefix_error(Builder *b, GError **errp, GError *err,
                               int node, const char *prop)
{
    g_autofree char *path = node_path(b->fdt, node);

    if (prop) {
        g_prefix_error(&err, "%s: %s: %s: ", b->source, path, prop);
    } else {
        g_prefix_error(&err, "%s: %s: ", b->source, path);
    }
    g_propagate_error(errp, err);
    return false;
}

/* --- reading the tree --- */

/* DT spec 2.3.4: "okay" is operational; "ok" is the older spelling. */
static bool node_enabled(const void *fdt, int node)
{
    int len;
    const char *s = fdt_getprop(fdt, node, "status", &len);

    return !s || (len == 5 && memcmp(s, "okay", 5) == 0) ||
           (len == 3 && memcmp(s, "ok", 3) == 0);
}

static bool node_is_memory(const void *fdt, int node)
{
    int len;
    const char *s = fdt_getprop(fdt, node, "device_type", &len);

    return s && len == 7 && memcmp(s, "memory", 7) == 0;
}

/*
 * The model for NODE: the first string of its compatible list that a model
 * binds to, as Linux matches of_device_id tables.  *IS_BUS tells whether
 * the list names "simple-bus", which needs no model to hold devices.
 */
static const DeviceDesc *node_model(const void *fdt, int node, bool *is_bus)
{
    int len;
    const char *list = fdt_getprop(fdt, node, "compatible", &len);
    const char *end = list + (list ? len : 0);

    *is_bus = false;
    for (const char *s = list; s && s < end; s += strlen(s) + 1) {
        const DeviceDesc *desc;

        if (!memchr(s, '\0', end - s)) {
            break;
        }
        desc = device_desc_by_compatible(s);
        if (desc) {
            return desc;
        }
        if (strcmp(s, "simple-bus") == 0) {
            *is_bus = true;
        }
    }
    return NULL;
}

static bool node_holds_devices(const void *fdt, int node);

/* Pass 1's decision, without side effects. */
static bool node_becomes_device(const void *fdt, int node)
{
    bool is_bus;

    if (!node_enabled(fdt, node) || node_is_memory(fdt, node)) {
        return false;
    }
    return node_model(fdt, node, &is_bus) || is_bus ||
           node_holds_devices(fdt, node);
}

static bool node_holds_devices(const void *fdt, int node)
{
    int child;

    fdt_for_each_subnode(child, fdt, node) {
        if (node_becomes_device(fdt, child)) {
            return true;
        }
    }
    return false;
}

static uint64_t cells_read(const fdt32_t *p, uint32_t n)
{
    uint64_t v = 0;

    for (uint32_t i = 0; i < n; i++) {
        v = (v << 32) | fdt32_ld(&p[i]);
    }
    return v;
}

/*
 * #address-cells or #size-cells of NODE, which describe its children's
 * reg and ranges (DT spec 2.3.5); DEF when absent.  kiln's addresses are
 * 64-bit, so more than two cells cannot be held.
 */
static bool node_cells(Builder *b, int node, const char *name, uint32_t def,
                       uint32_t *cells, GError **errp)
{
    int len;
    const fdt32_t *p = fdt_getprop(b->fdt, node, name, &len);

    if (!p) {
        *cells = def;
        return true;
    }
    if (len != 4) {
        return board_error(b, errp, node, name,
                           "expected one cell, got %d bytes", len);
    }
    *cells = fdt32_ld(p);
    if (*cells > 2) {
        return board_error(b, errp, node, name,
                           "%u cells do not fit kiln's 64-bit addresses "
                           "(at most 2)", *cells);
    }
    return true;
}

static BoardNode *board_node(Builder *b, int offset)
{
    return g_hash_table_lookup(b->by_offset, GINT_TO_POINTER(offset));
}

/*
 * The node a phandle names, for PROP of NODE.  Only a dangling phandle is
 * an error here; whether the node became a device is the caller's concern.
 */
static bool board_phandle(Builder *b, int node, const char *prop,
                          uint32_t phandle, const char *why, int *target,
                          GError **errp)
{
    *target = fdt_node_offset_by_phandle(b->fdt, phandle);
    if (*target < 0) {
        return board_error(b, errp, node, prop, "phandle 0x%x names no node%s",
                           phandle, why);
    }
    return true;
}

/* The Device made for TARGET, or an error for PROP of NODE. */
static bool board_target_device(Builder *b, int node, const char *prop,
                                int target, BoardNode **out, GError **errp)
{
    g_autofree char *path = NULL;

    *out = board_node(b, target);
    if (*out && !(*out)->container) {
        return true;
    }
    path = node_path(b->fdt, target);
    return board_error(b, errp, node, prop, "%s is %s", path,
                       !node_enabled(b->fdt, target) ? "disabled" :
                       *out ? "a bus, not a device" :
                       "not a device (no model for its compatible)");
}

/* --- reg and ranges --- */

/*
 * Translate [ADDR, ADDR + SIZE) of NODE's bus up to the system bus through
 * the ranges of every ancestor (DT spec 2.3.8): an empty ranges is the
 * identity; each entry is (child address, parent address, length) in the
 * cells of the bus, its parent and the bus again.
 */
static bool board_translate(Builder *b, int node, unsigned entry,
                            uint64_t addr, uint64_t size, hwaddr *out,
                            GError **errp)
{
    int bus = fdt_parent_offset(b->fdt, node);

    while (bus > 0) {
        int up = fdt_parent_offset(b->fdt, bus);
        uint32_t cac, csc, pac, stride;
        int len;
        const fdt32_t *r = fdt_getprop(b->fdt, bus, "ranges", &len);
        bool found = false;

        if (!r) {
            g_autofree char *path = node_path(b->fdt, bus);

            return board_error(b, errp, node, "reg",
                               "bus %s has no ranges property, so addresses "
                               "on it do not reach the system bus", path);
        }
        if (len == 0) {
            bus = up;
            continue;
        }
        if (!node_cells(b, bus, "#address-cells", 2, &cac, errp) ||
            !node_cells(b, bus, "#size-cells", 1, &csc, errp) ||
            !node_cells(b, up, "#address-cells", 2, &pac, errp)) {
            return false;
        }
        stride = cac + pac + csc;
        if (csc == 0 || len % (4 * stride) != 0) {
            return board_error(b, errp, bus, "ranges",
                               "%d bytes is not a whole number of (%u child "
                               "address, %u parent address, %u size) cell "
                               "entries", len, cac, pac, csc);
        }
        for (int i = 0; i < len / (int)(4 * stride); i++) {
            const fdt32_t *e = r + i * stride;
            uint64_t cbase = cells_read(e, cac);
            uint64_t pbase = cells_read(e + cac, pac);
            uint64_t wsize = cells_read(e + cac + pac, csc);

            if (wsize && addr >= cbase && addr - cbase <= wsize - 1 &&
                size - 1 <= wsize - 1 - (addr - cbase)) {
                addr = addr - cbase + pbase;
                found = true;
                break;
            }
        }
        if (!found) {
            g_autofree char *path = node_path(b->fdt, bus);

            return board_error(b, errp, node, "reg",
                               "entry %u [0x%" PRIx64 ", size 0x%" PRIx64
                               "] lies outside every ranges window of %s",
                               entry, addr, size, path);
        }
        if (size - 1 > UINT64_MAX - addr) {
            return board_error(b, errp, node, "reg",
                               "entry %u runs past the end of the address "
                               "space once translated", entry);
        }
        bus = up;
    }
    *out = addr;
    return true;
}

/*
 * NODE's reg entries, translated to system addresses (g_free *REGS).
 * When the parent's #size-cells is 0 the entries are not memory addresses
 * (hart ids under /cpus, addresses on an I2C or SPI bus): *NR is 0.
 */
static bool node_reg(Builder *b, int node, DeviceReg **regs, unsigned *nr,
                     GError **errp)
{
    int parent = fdt_parent_offset(b->fdt, node);
    uint32_t ac, sc, stride;
    int len;
    const fdt32_t *p = fdt_getprop(b->fdt, node, "reg", &len);
    g_autofree DeviceReg *out = NULL;
    unsigned n;

    *regs = NULL;
    *nr = 0;
    if (!p) {
        return true;
    }
    if (!node_cells(b, parent, "#address-cells", 2, &ac, errp) ||
        !node_cells(b, parent, "#size-cells", 1, &sc, errp)) {
        return false;
    }
    if (sc == 0) {
        return true;
    }
    stride = ac + sc;
    if (len == 0 || len % (4 * stride) != 0) {
        g_autofree char *path = node_path(b->fdt, parent);

        return board_error(b, errp, node, "reg",
                           "%d bytes is not a whole number of entries of %u "
                           "address and %u size cells (#address-cells and "
                           "#size-cells of %s)", len, ac, sc, path);
    }
    n = len / (4 * stride);
    out = g_new0(DeviceReg, n);
    for (unsigned i = 0; i < n; i++) {
        uint64_t addr = cells_read(p + i * stride, ac);
        uint64_t size = cells_read(p + i * stride + ac, sc);

        if (size == 0) {
            return board_error(b, errp, node, "reg", "entry %u has size 0", i);
        }
        if (size - 1 > UINT64_MAX - addr) {
            return board_error(b, errp, node, "reg",
                               "entry %u [0x%" PRIx64 ", size 0x%" PRIx64
                               "] runs past the end of the address space",
                               i, addr, size);
        }
        if (!board_translate(b, node, i, addr, size, &out[i].base, errp)) {
            return false;
        }
        out[i].size = size;
    }
    *regs = g_steal_pointer(&out);
    *nr = n;
    return true;
}

/* A memory node: each reg entry is RAM named after the node. */
static bool board_add_memory(Builder *b, int node, GError **errp)
{
    const char *name = fdt_get_name(b->fdt, node, NULL);
    g_autofree DeviceReg *regs = NULL;
    unsigned nr;

    if (!node_reg(b, node, &regs, &nr, errp)) {
        return false;
    }
    if (nr == 0) {
        return board_error(b, errp, node, "reg",
                           "a memory node needs at least one entry with a "
                           "size");
    }
    for (unsigned i = 0; i < nr; i++) {
        g_autofree char *mr_name = i == 0 ? g_strdup(name) :
            g_strdup_printf("%s.%u", name, i);
        uint64_t size = regs[i].size;
        MemRegion *mr;
        GError *err = NULL;

        if (!b->memory_seen && i == 0 && b->m->ram_size) {
            size = b->m->ram_size;
        }
        mr = region_new_ram(mr_name, size);
        if (!region_add(b->m->sysmem, regs[i].base, mr, &err)) {
            region_free(mr);
            return board_prefix_error(b, errp, err, node, "reg");
        }
        log_mask(LOG_DEVICE, "board: %s: RAM 0x%" PRIx64 " size 0x%" PRIx64
                 "\n", mr_name, regs[i].base, size);
    }
    b->memory_seen = true;
    return true;
}

/* --- pass 1: create --- */

static BoardNode *board_node_add(Builder *b, int offset, Device *dev,
                                 bool container)
{
    BoardNode *bn = g_new0(BoardNode, 1);

    bn->offset = offset;
    bn->dev = dev;
    bn->container = container;
    bn->irqs = g_array_new(FALSE, FALSE, sizeof(IrqSpec));
    g_ptr_array_add(b->nodes, bn);
    g_hash_table_insert(b->by_offset, GINT_TO_POINTER(offset), bn);
    return bn;
}

static void board_node_free(gpointer p)
{
    BoardNode *bn = p;

    g_array_free(bn->irqs, TRUE);
    g_free(bn);
}

/* A compatible no model binds to: reported, never silently dropped. */
static bool board_report_unknown(Builder *b, int node, GError **errp)
{
    int len;
    const char *list = fdt_getprop(b->fdt, node, "compatible", &len);
    int count = fdt_stringlist_count(b->fdt, node, "compatible");
    g_autoptr(GString) names = g_string_new(NULL);
    g_autofree char *path = NULL;

    if (count <= 0) {
        return board_error(b, errp, node, "compatible",
                           "expected a list of strings");
    }
    for (const char *s = list; s < list + len; s += strlen(s) + 1) {
        g_string_append_printf(names, "%s\"%s\"", names->len ? ", " : "", s);
    }
    if (b->m->strict) {
        return board_error(b, errp, node, "compatible",
                           "no model for %s (strict=on)", names->str);
    }
    path = node_path(b->fdt, node);
    warn_report("%s: %s: compatible: no model for %s; %s", b->source, path,
                names->str, node_holds_devices(b->fdt, node) ?
                "kept only to hold the devices below it" : "node ignored");
    return true;
}

static bool board_visit(Builder *b, int node, BoardNode *parent,
                        GError **errp)
{
    const DeviceDesc *desc;
    bool is_bus;
    int child;

    if (!node_enabled(b->fdt, node)) {
        return true;
    }
    if (node_is_memory(b->fdt, node)) {
        return board_add_memory(b, node, errp);
    }
    desc = node_model(b->fdt, node, &is_bus);
    if (!desc && !is_bus && fdt_getprop(b->fdt, node, "compatible", NULL) &&
        !board_report_unknown(b, node, errp)) {
        return false;
    }
    if (desc || is_bus || node_holds_devices(b->fdt, node)) {
        const char *name = fdt_get_name(b->fdt, node, NULL);
        Device *dev = device_new(desc ? desc : &container_desc, name,
                                 parent->dev);

        log_mask(LOG_DEVICE, "board: %s: %s\n", dev->path,
                 desc ? desc->name : "container");
        parent = board_node_add(b, node, dev, !desc);
    }
    /*
     * Children of a node that is not a device hold no devices either, but
     * they may still be memory or carry compatibles to report.
     */
    fdt_for_each_subnode(child, b->fdt, node) {
        if (!board_visit(b, child, parent, errp)) {
            return false;
        }
    }
    return true;
}

/* --- pass 2: configure --- */

static bool model_has_chardev(const Device *dev)
{
    const PropDesc *p = device_find_prop(dev, "chardev");

    return p && p->type == PROP_TYPE_STRING;
}

/*
 * The console is the node /chosen/stdout-path names (DT spec 3.6), by
 * path or alias, with options after a ':'.  It gets serial0 so that
 * -serial's first backend is the console, as on QEMU's boards.
 */
static bool board_find_stdout(Builder *b, GError **errp)
{
    int chosen = fdt_path_offset(b->fdt, "/chosen");
    const char *s;
    int len;
    BoardNode *bn;

    b->stdout_node = -1;
    b->next_serial = 0;
    s = chosen < 0 ? NULL : fdt_getprop(b->fdt, chosen, "stdout-path", &len);
    if (!s) {
        return true;
    }
    if (len < 1 || s[len - 1] != '\0') {
        return board_error(b, errp, chosen, "stdout-path",
                           "expected a string");
    }
    b->stdout_node = fdt_path_offset_namelen(b->fdt, s, strcspn(s, ":"));
    if (b->stdout_node < 0) {
        return board_error(b, errp, chosen, "stdout-path",
                           "\"%.*s\" names no node (neither a path nor an "
                           "alias)", (int)strcspn(s, ":"), s);
    }
    bn = board_node(b, b->stdout_node);
    if (bn && !bn->container && model_has_chardev(bn->dev) &&
        !fdt_getprop(b->fdt, b->stdout_node, "chardev", NULL)) {
        b->next_serial = 1;
    }
    return true;
}

/* Set property P of DEV from the DT value VAL (LEN bytes) of node SRC. */
static bool board_set_prop(Builder *b, Device *dev, const PropDesc *p,
                           int src, const void *val, int len, GError **errp)
{
    GError *err = NULL;
    uint32_t cell = len == 4 ? fdt32_ld(val) : 0;
    int target;
    BoardNode *tn;
    bool ok = false;

    switch (p->type) {
    case PROP_TYPE_U32:
        if (len != 4) {
            return board_error(b, errp, src, p->name,
                               "expected one cell (u32), got %d bytes", len);
        }
        ok = device_set_prop_uint(dev, p->name, cell, &err);
        break;
    case PROP_TYPE_U64:
        if (len != 4 && len != 8) {
            return board_error(b, errp, src, p->name,
                               "expected one or two cells (u64), got %d "
                               "bytes", len);
        }
        ok = device_set_prop_uint(dev, p->name,
                                  len == 8 ? fdt64_ld(val) : cell, &err);
        break;
    case PROP_TYPE_BOOL:
        /* An empty property is true, as DT flags are (DT spec 2.2.4). */
        if (len != 0 && (len != 4 || cell > 1)) {
            return board_error(b, errp, src, p->name,
                               "expected an empty property or one cell 0 "
                               "or 1 (bool)");
        }
        ok = device_set_prop_bool(dev, p->name, len == 0 || cell, &err);
        break;
    case PROP_TYPE_STRING:
        if (len < 1 || memchr(val, '\0', len) != (const char *)val + len - 1) {
            return board_error(b, errp, src, p->name,
                               "expected one string");
        }
        ok = device_set_prop_string(dev, p->name, val, &err);
        break;
    case PROP_TYPE_STRLIST: {
        /* A DT string list: NUL-terminated strings back to back. */
        g_autoptr(GPtrArray) list = g_ptr_array_new();

        if (len < 1 || ((const char *)val)[len - 1] != '\0') {
            return board_error(b, errp, src, p->name,
                               "expected a list of strings");
        }
        for (const char *str = val; str < (const char *)val + len;
             str += strlen(str) + 1) {
            g_ptr_array_add(list, (gpointer)str);
        }
        g_ptr_array_add(list, NULL);
        ok = device_set_prop_strlist(dev, p->name,
                                     (const char *const *)list->pdata, &err);
        break;
    }
    case PROP_TYPE_LINK:
        if (len != 4) {
            return board_error(b, errp, src, p->name,
                               "expected one phandle cell, got %d bytes", len);
        }
        if (!board_phandle(b, src, p->name, cell, "", &target, errp) ||
            !board_target_device(b, src, p->name, target, &tn, errp)) {
            return false;
        }
        ok = device_set_prop_link(dev, p->name, tn->dev, &err);
        break;
    }
    return ok || board_prefix_error(b, errp, err, src, p->name);
}

/* Every model property the DT gives, plus the inherited and serial ones. */
static bool board_set_props(Builder *b, BoardNode *bn, GError **errp)
{
    for (const PropDesc *p = bn->dev->desc->props; p && p->name; p++) {
        int src = bn->offset;
        int len;
        const void *val = fdt_getprop(b->fdt, src, p->name, &len);

        /* The timer frequency of RISC-V boards lives on /cpus. */
        if (!val && b->cpus >= 0 &&
            strcmp(p->name, "timebase-frequency") == 0) {
            src = b->cpus;
            val = fdt_getprop(b->fdt, src, p->name, &len);
        }
        if (val) {
            if (!board_set_prop(b, bn->dev, p, src, val, len, errp)) {
                return false;
            }
        } else if (p->type == PROP_TYPE_STRING &&
                   strcmp(p->name, "chardev") == 0) {
            g_autofree char *name = bn->offset == b->stdout_node ?
                g_strdup("serial0") :
                g_strdup_printf("serial%u", b->next_serial++);
            GError *err = NULL;

            if (!device_set_prop_string(bn->dev, p->name, name, &err)) {
                return board_prefix_error(b, errp, err, bn->offset, p->name);
            }
        }
    }
    return true;
}

/*
 * The interrupt controller of NODE's "interrupts": the interrupt-parent
 * of the node or of its nearest ancestor that has one (DT spec 2.4.1).
 */
static bool board_interrupt_parent(Builder *b, int node, int *ctrl,
                                   GError **errp)
{
    for (int n = node; n >= 0; n = fdt_parent_offset(b->fdt, n)) {
        int len;
        const fdt32_t *p = fdt_getprop(b->fdt, n, "interrupt-parent", &len);
        g_autofree char *why = NULL;
        g_autofree char *path = NULL;

        if (!p) {
            continue;
        }
        if (len != 4) {
            return board_error(b, errp, n, "interrupt-parent",
                               "expected one phandle cell, got %d bytes", len);
        }
        if (n != node) {
            path = node_path(b->fdt, n);
            why = g_strdup_printf(" (interrupt-parent inherited from %s)",
                                  path);
        }
        return board_phandle(b, node, "interrupts", fdt32_ld(p),
                             why ? why : "", ctrl, errp);
    }
    return board_error(b, errp, node, "interrupts",
                       "no interrupt-parent on the node or its ancestors");
}

/* #interrupt-cells of controller CTRL, named by PROP of NODE. */
static bool board_interrupt_cells(Builder *b, int node, const char *prop,
                                  int ctrl, uint32_t *cells, GError **errp)
{
    int len;
    const fdt32_t *p = fdt_getprop(b->fdt, ctrl, "#interrupt-cells", &len);
    g_autofree char *path = node_path(b->fdt, ctrl);

    if (!p) {
        return board_error(b, errp, node, prop,
                           "%s has no #interrupt-cells: not an interrupt "
                           "controller", path);
    }
    if (len != 4 || fdt32_ld(p) == 0) {
        return board_error(b, errp, ctrl, "#interrupt-cells",
                           "expected one non-zero cell");
    }
    *cells = fdt32_ld(p);
    return true;
}

/*
 * NODE's interrupt specifiers (DT spec 2.4): interrupts-extended, a list
 * of (phandle, cells...) entries, takes precedence over interrupts, a list
 * of specifiers for the one interrupt parent.
 */
static bool board_parse_irqs(Builder *b, BoardNode *bn, GError **errp)
{
    int node = bn->offset;
    int len;
    const fdt32_t *p;
    uint32_t cells;
    int ctrl = -1;

    p = fdt_getprop(b->fdt, node, "interrupts-extended", &len);
    if (p) {
        unsigned n = len / 4;

        bn->irq_prop = "interrupts-extended";
        if (len % 4 != 0) {
            return board_error(b, errp, node, bn->irq_prop,
                               "%d bytes is not a whole number of cells", len);
        }
        for (unsigned pos = 0, i = 0; pos < n; i++) {
            IrqSpec spec;
            g_autofree char *why = g_strdup_printf(" (entry %u)", i);

            if (!board_phandle(b, node, bn->irq_prop, fdt32_ld(&p[pos]), why,
                               &ctrl, errp) ||
                !board_interrupt_cells(b, node, bn->irq_prop, ctrl, &cells,
                                       errp)) {
                return false;
            }
            if (n - pos - 1 < cells) {
                g_autofree char *path = node_path(b->fdt, ctrl);

                return board_error(b, errp, node, bn->irq_prop,
                                   "entry %u has %u cell%s after the "
                                   "phandle, but %s has #interrupt-cells = %u",
                                   i, n - pos - 1, n - pos - 1 == 1 ? "" : "s",
                                   path, cells);
            }
            spec.ctrl = ctrl;
            spec.line = fdt32_ld(&p[pos + 1]);
            g_array_append_val(bn->irqs, spec);
            pos += 1 + cells;
        }
        return true;
    }
    p = fdt_getprop(b->fdt, node, "interrupts", &len);
    if (!p) {
        return true;
    }
    bn->irq_prop = "interrupts";
    if (!board_interrupt_parent(b, node, &ctrl, errp) ||
        !board_interrupt_cells(b, node, bn->irq_prop, ctrl, &cells, errp)) {
        return false;
    }
    if (len == 0 || len % (4 * cells) != 0) {
        g_autofree char *path = node_path(b->fdt, ctrl);

        return board_error(b, errp, node, bn->irq_prop,
                           "%d bytes is not a whole number of specifiers of "
                           "%u cells (#interrupt-cells of %s)",
                           len, cells, path);
    }
    for (unsigned i = 0; i < len / (4 * cells); i++) {
        IrqSpec spec = { .ctrl = ctrl, .line = fdt32_ld(&p[i * cells]) };

        g_array_append_val(bn->irqs, spec);
    }
    return true;
}

/*
 * The model's output lines for the interrupt entries: a list without a
 * count of its own gets one line per entry, before realize.
 */
static bool board_size_outputs(Builder *b, BoardNode *bn, GError **errp)
{
    const LineDesc *out = bn->dev->desc->outputs;
    GError *err = NULL;

    if (bn->irqs->len == 0) {
        return true;
    }
    if (!out || !out->name) {
        return board_error(b, errp, bn->offset, bn->irq_prop,
                           "model %s has no interrupt outputs",
                           bn->dev->desc->name);
    }
    if (out->count == 0 && !out->count_fn &&
        !device_size_outputs(bn->dev, NULL, bn->irqs->len, &err)) {
        return board_prefix_error(b, errp, err, bn->offset, bn->irq_prop);
    }
    return true;
}

/* The reg entries against the model's region table, named by property. */
static bool board_check_regions(Builder *b, BoardNode *bn, unsigned nr,
                                GError **errp)
{
    const DeviceDesc *desc = bn->dev->desc;
    unsigned n = 0;

    while (desc->regions && desc->regions[n].name) {
        n++;
    }
    if (nr > n) {
        return board_error(b, errp, bn->offset, "reg",
                           "%u entries, but model %s has %u region%s",
                           nr, desc->name, n, n == 1 ? "" : "s");
    }
    for (unsigned i = nr; i < n; i++) {
        if (!desc->regions[i].optional) {
            return board_error(b, errp, bn->offset, "reg",
                               "model %s needs entry %u (\"%s\"); the node "
                               "has %u", desc->name, i,
                               desc->regions[i].name, nr);
        }
    }
    return true;
}

static bool board_configure(Builder *b, BoardNode *bn, GError **errp)
{
    Device *dev = bn->dev;
    GError *err = NULL;

    if (!bn->container) {
        g_autofree DeviceReg *regs = NULL;
        unsigned nr;

        if (!board_set_props(b, bn, errp) ||
            !node_reg(b, bn->offset, &regs, &nr, errp) ||
            !board_check_regions(b, bn, nr, errp) ||
            !board_parse_irqs(b, bn, errp) ||
            !board_size_outputs(b, bn, errp)) {
            return false;
        }
        device_set_reg(dev, regs, nr);
    }
    if (!device_realize(dev, &err)) {
        return board_prefix_error(b, errp, err, bn->offset, NULL);
    }
    for (unsigned i = 0; i < dev->nr_regs; i++) {
        if (dev->regs[i].mr &&
            !region_add(b->m->sysmem, dev->regs[i].base, dev->regs[i].mr,
                        &err)) {
            return board_prefix_error(b, errp, err, bn->offset, "reg");
        }
    }
    return true;
}

/* --- pass 3: wire --- */

static bool board_wire(Builder *b, BoardNode *bn, GError **errp)
{
    DeviceLines *outs = device_outputs(bn->dev, NULL);
    GError *err = NULL;

    if (bn->irqs->len == 0) {
        return true;
    }
    if (outs->count < bn->irqs->len) {
        return board_error(b, errp, bn->offset, bn->irq_prop,
                           "%u entries, but model %s has %u output lines",
                           bn->irqs->len, bn->dev->desc->name, outs->count);
    }
    for (unsigned i = 0; i < bn->irqs->len; i++) {
        const IrqSpec *spec = &g_array_index(bn->irqs, IrqSpec, i);
        BoardNode *cn;
        DeviceLines *ins;
        IrqLine line;
        g_autofree char *path = NULL;

        if (!board_target_device(b, bn->offset, bn->irq_prop, spec->ctrl,
                                 &cn, errp)) {
            return false;
        }
        ins = device_inputs(cn->dev, NULL);
        path = node_path(b->fdt, spec->ctrl);
        if (!ins || ins->count == 0) {
            return board_error(b, errp, bn->offset, bn->irq_prop,
                               "%s (model %s) has no interrupt inputs", path,
                               cn->dev->desc->name);
        }
        if (spec->line >= ins->count) {
            return board_error(b, errp, bn->offset, bn->irq_prop,
                               "entry %u: line %u is out of range: %s has "
                               "%u inputs", i, spec->line, path, ins->count);
        }
        if (!device_input_line(cn->dev, NULL, spec->line, &line, &err) ||
            !device_connect_output(bn->dev, NULL, i, line, &err)) {
            return board_prefix_error(b, errp, err, bn->offset, bn->irq_prop);
        }
    }
    return true;
}

/* --- assembly --- */

/*
 * FDT is the user's input: check it whole before any other libfdt call
 * trusts its offsets and lengths.
 */
static bool board_check_blob(const void *fdt, size_t size, const char *source,
                             GError **errp)
{
    int err;

    if (size >= 4 && fdt_magic(fdt) != FDT_MAGIC) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s: not a device tree blob (bad magic 0x%08x)", source,
                    fdt_magic(fdt));
        return false;
    }
    err = fdt_check_full(fdt, size);
    if (err == -FDT_ERR_TRUNCATED) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s: truncated device tree blob (%zu bytes)", source,
                    size);
        return false;
    }
    if (err) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s: malformed device tree blob: %s", source,
                    fdt_strerror(err));
        return false;
    }
    return true;
}

bool board_build(Machine *m, const void *fdt, size_t size, const char *source,
                 GError **errp)
{
    Builder b = { .m = m, .source = source };
    BoardNode *root;
    bool ok;

    g_free(m->source);
    m->source = g_strdup(source);
    g_free(m->fdt);
    /* A private copy: the machine keeps it, and libfdt needs alignment. */
    m->fdt = g_malloc(size ? size : 1);
    memcpy(m->fdt, fdt, size);
    m->fdt_size = size;
    if (!board_check_blob(m->fdt, size, source, errp)) {
        return false;
    }
    b.fdt = m->fdt;
    b.cpus = fdt_path_offset(b.fdt, "/cpus");
    b.nodes = g_ptr_array_new_with_free_func(board_node_free);
    b.by_offset = g_hash_table_new(g_direct_hash, g_direct_equal);
    root = board_node_add(&b, 0, m->root, true);

    ok = true;
    for (int child = fdt_first_subnode(b.fdt, 0); ok && child >= 0;
         child = fdt_next_subnode(b.fdt, child)) {
        ok = board_visit(&b, child, root, errp);
    }
    ok = ok && board_find_stdout(&b, errp);
    for (guint i = 0; ok && i < b.nodes->len; i++) {
        ok = board_configure(&b, g_ptr_array_index(b.nodes, i), errp);
    }
    for (guint i = 0; ok && i < b.nodes->len; i++) {
        ok = board_wire(&b, g_ptr_array_index(b.nodes, i), errp);
    }
    g_hash_table_destroy(b.by_offset);
    g_ptr_array_free(b.nodes, TRUE);
    if (ok) {
        machine_reset(m);
    }
    return ok;
}
