/*
 * The device model: model registry, life cycle, typed properties, IRQ
 * line lists and the composition tree.  See include/kiln/device.h.
 *
 * A model's state struct starts with its Device, so the Device pointer is
 * also the state pointer handed to MMIO ops.
 */
#include "kiln/device.h"
#include "kiln/log.h"

#include <errno.h>

const DeviceDesc container_desc = {
    .name = "container",
    .desc = "a node of the composition tree that holds other devices",
    .state_size = sizeof(Device),
};

/* --- registry --- */

static GPtrArray *extra_model_lists;

void device_register_models(const DeviceDesc *const *list)
{
    if (!extra_model_lists) {
        extra_model_lists = g_ptr_array_new();
    }
    g_ptr_array_add(extra_model_lists, (gpointer)list);
}

/* Call FN on every model until it returns true; returns that model. */
static const DeviceDesc *models_find(bool (*fn)(const DeviceDesc *, const char *),
                                     const char *key)
{
    for (size_t i = 0; kiln_models[i]; i++) {
        if (fn(kiln_models[i], key)) {
            return kiln_models[i];
        }
    }
    for (guint l = 0; extra_model_lists && l < extra_model_lists->len; l++) {
        const DeviceDesc *const *list = g_ptr_array_index(extra_model_lists, l);

        for (size_t i = 0; list[i]; i++) {
            if (fn(list[i], key)) {
                return list[i];
            }
        }
    }
    return NULL;
}

static bool desc_has_name(const DeviceDesc *d, const char *name)
{
    return strcmp(d->name, name) == 0;
}

static bool desc_binds(const DeviceDesc *d, const char *compatible)
{
    for (size_t i = 0; d->compatible && d->compatible[i]; i++) {
        if (strcmp(d->compatible[i], compatible) == 0) {
            return true;
        }
    }
    return false;
}

const DeviceDesc *device_desc_find(const char *name)
{
    return models_find(desc_has_name, name);
}

const DeviceDesc *device_desc_by_compatible(const char *compatible)
{
    return models_find(desc_binds, compatible);
}

static const char *prop_type_name(PropType t)
{
    switch (t) {
    case PROP_TYPE_U32:
        return "uint32";
    case PROP_TYPE_U64:
        return "uint64";
    case PROP_TYPE_BOOL:
        return "bool";
    case PROP_TYPE_STRING:
        return "str";
    case PROP_TYPE_STRLIST:
        return "strlist";
    case PROP_TYPE_LINK:
        return "link";
    }
    return "?";
}

static char *compatibles_joined(const DeviceDesc *d)
{
    if (!d->compatible) {
        return g_strdup("");
    }
    return g_strjoinv(", ", (char **)d->compatible);
}

void device_print_models(FILE *out)
{
    fprintf(out, "Models (name: compatibles - description):\n");
    for (size_t i = 0; kiln_models[i]; i++) {
        const DeviceDesc *d = kiln_models[i];
        g_autofree char *compat = compatibles_joined(d);

        fprintf(out, "  %s: %s - %s\n", d->name, compat, d->desc);
    }
}

static void print_lines(FILE *out, const char *kind, const LineDesc *lines)
{
    for (size_t i = 0; lines && lines[i].name; i++) {
        const LineDesc *l = &lines[i];

        if (l->count) {
            fprintf(out, "  %s lines \"%s\": %u", kind, l->name, l->count);
        } else if (l->count_fn) {
            fprintf(out, "  %s lines \"%s\": count from properties", kind,
                    l->name);
        } else {
            fprintf(out, "  %s lines \"%s\": one per DT interrupt entry", kind,
                    l->name);
        }
        fprintf(out, "%s%s\n", l->help ? " - " : "", l->help ? l->help : "");
    }
}

bool device_print_model_help(const char *name, FILE *out, GError **errp)
{
    const DeviceDesc *d = device_desc_find(name);
    g_autofree char *compat = NULL;

    if (!d) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_NOT_FOUND,
                    "-device: '%s' is not a valid device model name", name);
        return false;
    }
    compat = compatibles_joined(d);
    fprintf(out, "%s: %s\n", d->name, d->desc);
    fprintf(out, "  compatible: %s\n", compat);
    fprintf(out, "%s options:\n", d->name);
    for (const PropDesc *p = d->props; p && p->name; p++) {
        fprintf(out, "  %s=<%s>", p->name, prop_type_name(p->type));
        switch (p->type) {
        case PROP_TYPE_U32:
        case PROP_TYPE_U64:
            fprintf(out, " (default: %" PRIu64 ", range %" PRIu64 "..%" PRIu64 ")",
                    p->def, p->min, p->max);
            break;
        case PROP_TYPE_BOOL:
            fprintf(out, " (default: %s)", p->def ? "true" : "false");
            break;
        case PROP_TYPE_STRING:
            if (p->def_str) {
                fprintf(out, " (default: \"%s\")", p->def_str);
            }
            break;
        case PROP_TYPE_LINK:
            fprintf(out, " (a phandle in the DT)");
            break;
        case PROP_TYPE_STRLIST:
            fprintf(out, " (a DT string list; comma-separated in -global)");
            break;
        }
        fprintf(out, "%s%s\n", p->help ? " - " : "", p->help ? p->help : "");
    }
    for (const RegionDesc *r = d->regions; r && r->name; r++) {
        fprintf(out, "  reg entry %td: \"%s\" (%s)%s\n", r - d->regions, r->name,
                r->kind == MR_IO ? "mmio" : r->kind == MR_RAM ? "ram" : "rom",
                r->optional ? ", optional" : "");
    }
    print_lines(out, "output", d->outputs);
    print_lines(out, "input", d->inputs);
    return true;
}

/* --- properties --- */

static void *prop_field(const Device *dev, const PropDesc *p)
{
    return (char *)dev + p->offset;
}

static const char *model_name(const Device *dev)
{
    return dev->desc->name;
}

const PropDesc *device_find_prop(const Device *dev, const char *name)
{
    for (const PropDesc *p = dev->desc->props; p && p->name; p++) {
        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
    return NULL;
}

static const PropDesc *find_prop_typed(const Device *dev, const char *name,
                                       GError **errp)
{
    const PropDesc *p = device_find_prop(dev, name);

    if (!p) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_NOT_FOUND,
                    "%s has no property '%s'", model_name(dev), name);
    }
    return p;
}

static bool prop_type_error(const Device *dev, const PropDesc *p,
                            const char *given, GError **errp)
{
    g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                "property '%s' of %s is a %s, not a %s", p->name,
                model_name(dev), prop_type_name(p->type), given);
    return false;
}

static bool prop_store_uint(Device *dev, const PropDesc *p, uint64_t value,
                            GError **errp)
{
    if (value < p->min || value > p->max) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "property '%s' of %s: value %" PRIu64
                    " out of range [%" PRIu64 ", %" PRIu64 "]",
                    p->name, model_name(dev), value, p->min, p->max);
        return false;
    }
    if (p->type == PROP_TYPE_U32) {
        *(uint32_t *)prop_field(dev, p) = (uint32_t)value;
    } else {
        *(uint64_t *)prop_field(dev, p) = value;
    }
    return true;
}

bool device_set_prop_uint(Device *dev, const char *name, uint64_t value,
                          GError **errp)
{
    const PropDesc *p = find_prop_typed(dev, name, errp);

    if (!p) {
        return false;
    }
    if (p->type != PROP_TYPE_U32 && p->type != PROP_TYPE_U64) {
        return prop_type_error(dev, p, "number", errp);
    }
    return prop_store_uint(dev, p, value, errp);
}

bool device_set_prop_bool(Device *dev, const char *name, bool value,
                          GError **errp)
{
    const PropDesc *p = find_prop_typed(dev, name, errp);

    if (!p) {
        return false;
    }
    if (p->type != PROP_TYPE_BOOL) {
        return prop_type_error(dev, p, "bool", errp);
    }
    *(bool *)prop_field(dev, p) = value;
    return true;
}

bool device_set_prop_string(Device *dev, const char *name, const char *value,
                            GError **errp)
{
    const PropDesc *p = find_prop_typed(dev, name, errp);
    char **field;

    if (!p) {
        return false;
    }
    if (p->type != PROP_TYPE_STRING) {
        return prop_type_error(dev, p, "string", errp);
    }
    field = prop_field(dev, p);
    g_free(*field);
    *field = g_strdup(value);
    return true;
}

bool device_set_prop_strlist(Device *dev, const char *name,
                             const char *const *list, GError **errp)
{
    const PropDesc *p = find_prop_typed(dev, name, errp);
    char ***field;

    if (!p) {
        return false;
    }
    if (p->type != PROP_TYPE_STRLIST) {
        return prop_type_error(dev, p, "string list", errp);
    }
    field = prop_field(dev, p);
    g_strfreev(*field);
    *field = g_strdupv((char **)list);
    return true;
}

bool device_set_prop_link(Device *dev, const char *name, Device *target,
                          GError **errp)
{
    const PropDesc *p = find_prop_typed(dev, name, errp);

    if (!p) {
        return false;
    }
    if (p->type != PROP_TYPE_LINK) {
        return prop_type_error(dev, p, "link", errp);
    }
    *(Device **)prop_field(dev, p) = target;
    return true;
}

static bool parse_uint(const char *text, uint64_t *value)
{
    char *end;

    if (!*text || *text == '-') {
        return false;
    }
    errno = 0;
    *value = g_ascii_strtoull(text, &end, 0);
    return errno == 0 && *end == '\0';
}

static bool parse_bool(const char *text, bool *value)
{
    static const char *const yes[] = { "on", "true", "yes", "1" };
    static const char *const no[] = { "off", "false", "no", "0" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strcmp(text, yes[i]) == 0) {
            *value = true;
            return true;
        }
        if (strcmp(text, no[i]) == 0) {
            *value = false;
            return true;
        }
    }
    return false;
}

static Device *tree_root(Device *dev)
{
    while (dev->parent) {
        dev = dev->parent;
    }
    return dev;
}

bool device_set_prop_parse(Device *dev, const char *name, const char *text,
                           GError **errp)
{
    const PropDesc *p = find_prop_typed(dev, name, errp);
    uint64_t u;
    bool b;
    Device *target;

    if (!p) {
        return false;
    }
    switch (p->type) {
    case PROP_TYPE_U32:
    case PROP_TYPE_U64:
        if (!parse_uint(text, &u)) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "property '%s' of %s: '%s' is not a number", name,
                        model_name(dev), text);
            return false;
        }
        return prop_store_uint(dev, p, u, errp);
    case PROP_TYPE_BOOL:
        if (!parse_bool(text, &b)) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "property '%s' of %s: '%s' is not on or off", name,
                        model_name(dev), text);
            return false;
        }
        return device_set_prop_bool(dev, name, b, errp);
    case PROP_TYPE_STRING:
        return device_set_prop_string(dev, name, text, errp);
    case PROP_TYPE_STRLIST: {
        g_auto(GStrv) list = g_strsplit(text, ",", -1);

        return device_set_prop_strlist(dev, name, (const char *const *)list,
                                       errp);
    }
    case PROP_TYPE_LINK:
        target = device_resolve_path(tree_root(dev), text);
        if (!target) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_NOT_FOUND,
                        "property '%s' of %s: no device at '%s'", name,
                        model_name(dev), text);
            return false;
        }
        return device_set_prop_link(dev, name, target, errp);
    }
    return false;
}

uint64_t device_prop_uint(const Device *dev, const PropDesc *p)
{
    switch (p->type) {
    case PROP_TYPE_U32:
        return *(uint32_t *)prop_field(dev, p);
    case PROP_TYPE_U64:
        return *(uint64_t *)prop_field(dev, p);
    case PROP_TYPE_BOOL:
        return *(bool *)prop_field(dev, p);
    default:
        return 0;
    }
}

char *device_prop_format(const Device *dev, const PropDesc *p)
{
    const char *s;
    const Device *target;

    switch (p->type) {
    case PROP_TYPE_U32:
    case PROP_TYPE_U64:
        return g_strdup_printf("%" PRIu64, device_prop_uint(dev, p));
    case PROP_TYPE_BOOL:
        return g_strdup(device_prop_uint(dev, p) ? "true" : "false");
    case PROP_TYPE_STRING:
        s = *(char **)prop_field(dev, p);
        return g_strdup(s ? s : "");
    case PROP_TYPE_STRLIST: {
        char **list = *(char ***)prop_field(dev, p);

        return list ? g_strjoinv(",", list) : g_strdup("");
    }
    case PROP_TYPE_LINK:
        target = *(Device **)prop_field(dev, p);
        return g_strdup(target ? target->path : "");
    }
    return g_strdup("");
}

/* --- -global --- */

typedef struct GlobalProp {
    const DeviceDesc *desc;
    char *prop;
    char *value;
} GlobalProp;

static GPtrArray *global_props;

bool device_add_global(const char *spec, GError **errp)
{
    const char *dot = strchr(spec, '.');
    const char *eq = dot ? strchr(dot, '=') : NULL;
    g_autofree char *model = NULL;
    g_autofree char *prop = NULL;
    const DeviceDesc *d;
    const PropDesc *p;
    GlobalProp *g;
    Device *scratch;
    bool ok;

    if (!dot || !eq || dot == spec || eq == dot + 1) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "-global: '%s' is not DRIVER.PROPERTY=VALUE", spec);
        return false;
    }
    model = g_strndup(spec, dot - spec);
    prop = g_strndup(dot + 1, eq - dot - 1);
    d = device_desc_find(model);
    if (!d) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_NOT_FOUND,
                    "-global: '%s' is not a valid device model name", model);
        return false;
    }
    for (p = d->props; p && p->name; p++) {
        if (strcmp(p->name, prop) == 0) {
            break;
        }
    }
    if (!p || !p->name) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_NOT_FOUND,
                    "-global: %s has no property '%s'", model, prop);
        return false;
    }
    if (p->type == PROP_TYPE_LINK) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "-global: link property '%s' can only be set in the DT",
                    prop);
        return false;
    }
    /* Check the value the way it will be applied: on a device of the model. */
    scratch = device_new(d, "global", NULL);
    ok = device_set_prop_parse(scratch, prop, eq + 1, errp);
    device_free(scratch);
    if (!ok) {
        g_prefix_error(errp, "-global %s: ", spec);
        return false;
    }
    if (!global_props) {
        global_props = g_ptr_array_new();
    }
    g = g_new0(GlobalProp, 1);
    g->desc = d;
    g->prop = g_steal_pointer(&prop);
    g->value = g_strdup(eq + 1);
    g_ptr_array_add(global_props, g);
    return true;
}

/* Values were checked when added, so applying them cannot fail. */
static void apply_globals(Device *dev)
{
    for (guint i = 0; global_props && i < global_props->len; i++) {
        GlobalProp *g = g_ptr_array_index(global_props, i);

        if (g->desc == dev->desc) {
            bool ok = device_set_prop_parse(dev, g->prop, g->value, NULL);

            g_assert(ok);
        }
    }
}

/* --- life cycle --- */

static void lines_init(DeviceLines **arr, const LineDesc *descs)
{
    size_t n = 0;

    while (descs && descs[n].name) {
        n++;
    }
    *arr = n ? g_new0(DeviceLines, n) : NULL;
    for (size_t i = 0; i < n; i++) {
        (*arr)[i].desc = &descs[i];
        (*arr)[i].count = descs[i].count;
    }
}

Device *device_new(const DeviceDesc *desc, const char *name, Device *parent)
{
    Device *dev;

    g_assert(desc->state_size >= sizeof(Device));
    dev = g_malloc0(desc->state_size);
    dev->desc = desc;
    dev->name = g_strdup(name);
    dev->parent = parent;
    dev->children = g_ptr_array_new();
    if (parent) {
        dev->path = g_strdup_printf("%s/%s", parent->path, name);
        g_ptr_array_add(parent->children, dev);
    } else {
        dev->path = g_strdup_printf("/%s", name);
    }
    for (const PropDesc *p = desc->props; p && p->name; p++) {
        switch (p->type) {
        case PROP_TYPE_U32:
            *(uint32_t *)prop_field(dev, p) = (uint32_t)p->def;
            break;
        case PROP_TYPE_U64:
            *(uint64_t *)prop_field(dev, p) = p->def;
            break;
        case PROP_TYPE_BOOL:
            *(bool *)prop_field(dev, p) = p->def != 0;
            break;
        case PROP_TYPE_STRING:
            *(char **)prop_field(dev, p) = g_strdup(p->def_str);
            break;
        case PROP_TYPE_LINK:
        case PROP_TYPE_STRLIST:
            break;
        }
    }
    lines_init(&dev->outs, desc->outputs);
    lines_init(&dev->ins, desc->inputs);
    apply_globals(dev);
    return dev;
}

void device_set_reg(Device *dev, const DeviceReg *regs, unsigned nr)
{
    g_assert(!dev->realized);
    g_free(dev->regs);
    dev->regs = g_memdup2(regs, sizeof(*regs) * nr);
    dev->nr_regs = nr;
}

static size_t count_lines(const LineDesc *descs)
{
    size_t n = 0;

    while (descs && descs[n].name) {
        n++;
    }
    return n;
}

static bool lines_realize(Device *dev, DeviceLines *arr, const LineDesc *descs,
                          bool outputs)
{
    size_t n = count_lines(descs);

    for (size_t i = 0; i < n; i++) {
        DeviceLines *l = &arr[i];

        if (descs[i].count_fn) {
            l->count = descs[i].count_fn(dev);
        }
        if (outputs) {
            g_free(l->lines);
            l->lines = l->count ? g_new0(IrqLine, l->count) : NULL;
            *(IrqLine **)((char *)dev + descs[i].offset) = l->lines;
        }
    }
    return true;
}

static bool regions_realize(Device *dev, GError **errp)
{
    const RegionDesc *rd = dev->desc->regions;
    size_t n = 0;

    while (rd && rd[n].name) {
        n++;
    }
    if (dev->nr_regs > n) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s takes %zu reg entr%s, not %u", dev->desc->name, n,
                    n == 1 ? "y" : "ies", dev->nr_regs);
        return false;
    }
    for (size_t i = dev->nr_regs; i < n; i++) {
        if (!rd[i].optional) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "%s needs reg entry %zu (\"%s\")", dev->desc->name, i,
                        rd[i].name);
            return false;
        }
    }
    for (unsigned i = 0; i < dev->nr_regs; i++) {
        DeviceReg *r = &dev->regs[i];
        g_autofree char *name = n > 1 ?
            g_strdup_printf("%s.%s", dev->name, rd[i].name) : g_strdup(dev->name);

        switch (rd[i].kind) {
        case MR_IO:
            r->mr = region_new_io(name, r->size, rd[i].ops, dev);
            break;
        case MR_RAM:
            r->mr = region_new_ram(name, r->size);
            break;
        case MR_ROM:
            r->mr = region_new_rom(name, r->size);
            break;
        default:
            g_assert_not_reached();
        }
    }
    return true;
}

bool device_realize(Device *dev, GError **errp)
{
    g_assert(!dev->realized);
    if (!lines_realize(dev, dev->outs, dev->desc->outputs, true) ||
        !lines_realize(dev, dev->ins, dev->desc->inputs, false) ||
        !regions_realize(dev, errp)) {
        return false;
    }
    if (dev->desc->realize && !dev->desc->realize(dev, errp)) {
        return false;
    }
    dev->realized = true;
    return true;
}

void device_reset(Device *dev)
{
    if (dev->realized && dev->desc->reset) {
        dev->desc->reset(dev);
    }
    for (guint i = 0; i < dev->children->len; i++) {
        device_reset(g_ptr_array_index(dev->children, i));
    }
}

void device_free(Device *dev)
{
    size_t n;

    while (dev->children->len) {
        device_free(g_ptr_array_index(dev->children,
                                      dev->children->len - 1));
    }
    if (dev->parent) {
        g_ptr_array_remove(dev->parent->children, dev);
    }
    if (dev->realized && dev->desc->finalize) {
        dev->desc->finalize(dev);
    }
    for (const PropDesc *p = dev->desc->props; p && p->name; p++) {
        if (p->type == PROP_TYPE_STRING) {
            g_free(*(char **)prop_field(dev, p));
        } else if (p->type == PROP_TYPE_STRLIST) {
            g_strfreev(*(char ***)prop_field(dev, p));
        }
    }
    n = count_lines(dev->desc->outputs);
    for (size_t i = 0; i < n; i++) {
        g_free(dev->outs[i].lines);
    }
    /* A region mapped in a container belongs to the container. */
    for (unsigned i = 0; i < dev->nr_regs; i++) {
        if (dev->regs[i].mr && !dev->regs[i].mr->container) {
            region_free(dev->regs[i].mr);
        }
    }
    g_free(dev->outs);
    g_free(dev->ins);
    g_free(dev->regs);
    g_ptr_array_free(dev->children, TRUE);
    g_free(dev->name);
    g_free(dev->path);
    g_free(dev);
}

/* --- lines --- */

static DeviceLines *find_lines(DeviceLines *arr, const LineDesc *descs,
                               const char *name)
{
    size_t n = count_lines(descs);

    for (size_t i = 0; i < n; i++) {
        if (!name || strcmp(descs[i].name, name) == 0) {
            return &arr[i];
        }
    }
    return NULL;
}

DeviceLines *device_outputs(Device *dev, const char *name)
{
    return find_lines(dev->outs, dev->desc->outputs, name);
}

DeviceLines *device_inputs(Device *dev, const char *name)
{
    return find_lines(dev->ins, dev->desc->inputs, name);
}

bool device_size_outputs(Device *dev, const char *name, unsigned count,
                         GError **errp)
{
    DeviceLines *l = device_outputs(dev, name);

    g_assert(!dev->realized);
    if (!l) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s has no output lines%s%s", dev->desc->name,
                    name ? " named " : "", name ? name : "");
        return false;
    }
    if (l->desc->count || l->desc->count_fn) {
        if (l->desc->count && count > l->desc->count) {
            g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                        "%s has %u \"%s\" output lines, not %u",
                        dev->desc->name, l->desc->count, l->desc->name, count);
            return false;
        }
        return true;
    }
    l->count = count;
    return true;
}

/*
 * Every input line of every device enters here, so that qtest's
 * irq_intercept_in sees what the device sees.  N packs the list index
 * (high 16 bits) and the line number.
 */
static void device_input_dispatch(void *opaque, int n, int level)
{
    Device *dev = opaque;
    const LineDesc *l = &dev->desc->inputs[n >> 16];
    int line = n & 0xffff;

    l->input(dev, line, level);
    if (dev->input_hook.handler) {
        dev->input_hook.handler(dev->input_hook.opaque, line, level);
    }
}

bool device_input_line(Device *dev, const char *name, unsigned n,
                       IrqLine *out, GError **errp)
{
    DeviceLines *l = device_inputs(dev, name);

    if (!l) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s has no input lines%s%s", dev->desc->name,
                    name ? " named " : "", name ? name : "");
        return false;
    }
    if (n >= l->count || n > 0xffff) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s has %u \"%s\" input lines: no line %u",
                    dev->desc->name, l->count, l->desc->name, n);
        return false;
    }
    out->handler = device_input_dispatch;
    out->opaque = dev;
    out->n = (int)(((l - dev->ins) << 16) | n);
    return true;
}

bool device_connect_output(Device *dev, const char *name, unsigned n,
                           IrqLine line, GError **errp)
{
    DeviceLines *l = device_outputs(dev, name);

    g_assert(dev->realized);
    if (!l) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s has no output lines%s%s", dev->desc->name,
                    name ? " named " : "", name ? name : "");
        return false;
    }
    if (n >= l->count) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "%s has %u \"%s\" output lines: no line %u",
                    dev->desc->name, l->count, l->desc->name, n);
        return false;
    }
    l->lines[n] = line;
    return true;
}

/* --- the tree --- */

Device *device_find_child(Device *dev, const char *name)
{
    for (guint i = 0; i < dev->children->len; i++) {
        Device *c = g_ptr_array_index(dev->children, i);

        if (strcmp(c->name, name) == 0) {
            return c;
        }
    }
    return NULL;
}

/* The unique device whose path ends in "/SUFFIX" (QEMU's partial paths). */
static void find_suffix(Device *dev, const char *suffix, size_t len,
                        Device **found, unsigned *matches)
{
    size_t plen = strlen(dev->path);

    if (plen > len && dev->path[plen - len - 1] == '/' &&
        strcmp(dev->path + plen - len, suffix) == 0) {
        *found = dev;
        (*matches)++;
    }
    for (guint i = 0; i < dev->children->len; i++) {
        find_suffix(g_ptr_array_index(dev->children, i), suffix, len, found,
                    matches);
    }
}

Device *device_resolve_path(Device *root, const char *path)
{
    g_auto(GStrv) parts = NULL;
    Device *dev = root;
    Device *found = NULL;
    unsigned matches = 0;

    if (!root || !path || !*path) {
        return NULL;
    }
    if (path[0] != '/') {
        find_suffix(root, path, strlen(path), &found, &matches);
        return matches == 1 ? found : NULL;
    }
    if (strcmp(path, "/") == 0) {
        return root;
    }
    parts = g_strsplit(path + 1, "/", -1);
    if (strcmp(parts[0], root->name) != 0) {
        return NULL;
    }
    for (size_t i = 1; parts[i] && dev; i++) {
        if (*parts[i]) {
            dev = device_find_child(dev, parts[i]);
        }
    }
    return dev;
}

static void print_tree(Device *dev, FILE *out, int depth)
{
    fprintf(out, "%*s%s (%s)\n", depth * 2, "", dev->name, dev->desc->name);
    for (unsigned i = 0; i < dev->nr_regs; i++) {
        fprintf(out, "%*s  reg 0x%" PRIx64 " size 0x%" PRIx64 "\n", depth * 2,
                "", dev->regs[i].base, dev->regs[i].size);
    }
    for (const PropDesc *p = dev->desc->props; p && p->name; p++) {
        g_autofree char *v = device_prop_format(dev, p);

        fprintf(out, "%*s  %s = %s\n", depth * 2, "", p->name, v);
    }
    for (size_t i = 0; i < count_lines(dev->desc->outputs); i++) {
        DeviceLines *l = &dev->outs[i];
        unsigned wired = 0;

        for (unsigned n = 0; n < l->count; n++) {
            wired += irq_is_connected(l->lines[n]);
        }
        fprintf(out, "%*s  out \"%s\": %u lines, %u wired\n", depth * 2, "",
                l->desc->name, l->count, wired);
    }
    for (size_t i = 0; i < count_lines(dev->desc->inputs); i++) {
        fprintf(out, "%*s  in \"%s\": %u lines\n", depth * 2, "",
                dev->ins[i].desc->name, dev->ins[i].count);
    }
    for (guint i = 0; i < dev->children->len; i++) {
        print_tree(g_ptr_array_index(dev->children, i), out, depth + 1);
    }
}

void device_print_tree(Device *dev, FILE *out)
{
    print_tree(dev, out, 0);
}
