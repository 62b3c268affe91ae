/*
 * The device model.
 *
 * A model is data: a const DeviceDesc naming the model, the compatible
 * strings it binds to (most specific first), the size of its state, a
 * typed property table, its memory regions, its named IRQ line lists, and
 * realize and reset.  Every model is named once in hw/models.c; nothing
 * registers itself.
 *
 * A device's state struct starts with a Device:
 *
 *     typedef struct Ns16550 {
 *         Device dev;
 *         uint32_t clk_hz;
 *         IrqLine *irq;        (allocated by the core, one per line)
 *         ...
 *     } Ns16550;
 *
 *     static const PropDesc ns16550_props[] = {
 *         PROP_U32("clock-frequency", Ns16550, clk_hz, 1843200),
 *         PROP_U32_RANGE("reg-shift", Ns16550, reg_shift, 0, 0, 2),
 *         PROP_END
 *     };
 *
 * Devices form a composition tree with paths ("/machine/soc/uart@10000000")
 * that qtest, QMP and logs use.  The life of a device:
 *
 *     device_new(desc, name, parent)   state zeroed, defaults applied
 *     device_set_prop_*()               typed properties (board builder)
 *     device_set_reg()                  the reg entries (base and size)
 *     device_realize()                  the core sizes line arrays and
 *                                       creates the regions, then calls
 *                                       desc->realize
 *     device_reset()                    desc->reset: every guest-visible
 *                                       register to its reset value,
 *                                       every output line lowered
 */
#ifndef KILN_DEVICE_H
#define KILN_DEVICE_H

#include "kiln/common.h"
#include "kiln/irq.h"
#include "kiln/memory.h"

typedef struct Device Device;
typedef struct DeviceDesc DeviceDesc;

typedef enum PropType {
    PROP_TYPE_U32,
    PROP_TYPE_U64,
    PROP_TYPE_BOOL,
    PROP_TYPE_STRING,   /* char * owned by the device */
    PROP_TYPE_STRLIST,  /* char ** (NULL-terminated) owned by the device;
                           a DT string list such as riscv,isa-extensions */
    PROP_TYPE_LINK,     /* Device * to another device (DT: a phandle) */
} PropType;

typedef struct PropDesc {
    const char *name;       /* kebab-case, as in the DT */
    PropType type;
    size_t offset;          /* of the field in the state struct */
    uint64_t def;           /* U32, U64, BOOL */
    const char *def_str;    /* STRING (may be NULL) */
    uint64_t min, max;      /* U32, U64: inclusive range */
    const char *help;
} PropDesc;

#define PROP_U32_RANGE(n, T, f, d, lo, hi) \
    { .name = (n), .type = PROP_TYPE_U32, .offset = offsetof(T, f), \
      .def = (d), .min = (lo), .max = (hi) }
#define PROP_U32(n, T, f, d) PROP_U32_RANGE(n, T, f, d, 0, UINT32_MAX)
#define PROP_U64_RANGE(n, T, f, d, lo, hi) \
    { .name = (n), .type = PROP_TYPE_U64, .offset = offsetof(T, f), \
      .def = (d), .min = (lo), .max = (hi) }
#define PROP_U64(n, T, f, d) PROP_U64_RANGE(n, T, f, d, 0, UINT64_MAX)
#define PROP_BOOL(n, T, f, d) \
    { .name = (n), .type = PROP_TYPE_BOOL, .offset = offsetof(T, f), \
      .def = (d), .max = 1 }
#define PROP_STRING(n, T, f, d) \
    { .name = (n), .type = PROP_TYPE_STRING, .offset = offsetof(T, f), \
      .def_str = (d) }
#define PROP_STRLIST(n, T, f) \
    { .name = (n), .type = PROP_TYPE_STRLIST, .offset = offsetof(T, f) }
#define PROP_LINK(n, T, f) \
    { .name = (n), .type = PROP_TYPE_LINK, .offset = offsetof(T, f) }
#define PROP_END { .name = NULL }

/*
 * A named list of IRQ lines.  Outputs: the core allocates COUNT IrqLines
 * and stores the pointer in the IrqLine * field at OFFSET; the model sets
 * them with irq_set(s->irq[i], level) and the board wires them.  Inputs:
 * a line into the device calls INPUT with the line number.  When the count
 * depends on properties (a PLIC's riscv,ndev), COUNT_FN gives it after the
 * properties are set; otherwise COUNT does.
 */
typedef struct LineDesc {
    const char *name;
    unsigned count;
    unsigned (*count_fn)(Device *dev);
    size_t offset;                                  /* outputs */
    void (*input)(Device *dev, int n, int level);   /* inputs */
    const char *help;
} LineDesc;

#define LINES_OUT(n, T, f, cnt) \
    { .name = (n), .count = (cnt), .offset = offsetof(T, f) }
#define LINES_OUT_FN(n, T, f, fn) \
    { .name = (n), .count_fn = (fn), .offset = offsetof(T, f) }
#define LINES_IN(n, handler, cnt) \
    { .name = (n), .count = (cnt), .input = (handler) }
#define LINES_IN_FN(n, handler, fn) \
    { .name = (n), .count_fn = (fn), .input = (handler) }
#define LINES_END { .name = NULL }

/*
 * The regions a device offers, one per DT reg entry in order.  An IO
 * region uses OPS with the device state as opaque; a RAM or ROM region
 * gets host memory of the reg entry's size.  Entries past the table's
 * length, or missing entries not marked OPTIONAL, are errors.
 */
typedef struct RegionDesc {
    const char *name;
    MemRegionKind kind;     /* MR_IO, MR_RAM or MR_ROM */
    const MemOps *ops;      /* MR_IO */
    bool optional;
} RegionDesc;

#define REGION_IO(n, o) { .name = (n), .kind = MR_IO, .ops = (o) }
#define REGION_RAM(n)   { .name = (n), .kind = MR_RAM }
#define REGION_ROM(n)   { .name = (n), .kind = MR_ROM }
#define REGION_END      { .name = NULL }

struct DeviceDesc {
    const char *name;               /* model name: "ns16550" */
    const char *desc;               /* one line for -device help */
    const char *const *compatible;  /* NULL-terminated, specific first */
    size_t state_size;              /* >= sizeof(Device) */
    const PropDesc *props;          /* PROP_END-terminated, may be NULL */
    const RegionDesc *regions;      /* REGION_END-terminated, may be NULL */
    const LineDesc *outputs;        /* LINES_END-terminated, may be NULL */
    const LineDesc *inputs;         /* LINES_END-terminated, may be NULL */
    bool (*realize)(Device *dev, GError **errp);
    void (*reset)(Device *dev);
    void (*finalize)(Device *dev);  /* free what realize allocated */
};

/* A reg entry as the board gave it, and the region built for it. */
typedef struct DeviceReg {
    hwaddr base;
    uint64_t size;
    MemRegion *mr;
} DeviceReg;

typedef struct DeviceLines {
    const LineDesc *desc;
    unsigned count;
    IrqLine *lines;         /* outputs: the array the model sets */
} DeviceLines;

/* Set by qtest's irq_intercept_in: every input also goes to HOOK. */
typedef struct DeviceInputHook {
    IrqHandler *handler;
    void *opaque;
} DeviceInputHook;

struct Device {
    const DeviceDesc *desc;
    char *name;                 /* last path component */
    char *path;                 /* "/machine/soc/uart@10000000" */
    Device *parent;
    GPtrArray *children;        /* Device *, in creation order */
    DeviceReg *regs;
    unsigned nr_regs;
    DeviceLines *outs;          /* one per desc->outputs entry */
    DeviceLines *ins;           /* one per desc->inputs entry */
    DeviceInputHook input_hook;
    bool realized;
};

/* The state struct behind a Device. */
#define DEVICE_STATE(devp, T) container_of(devp, T, dev)

/* --- the model registry (hw/models.c) --- */

/* NULL-terminated list of every model kiln has. */
extern const DeviceDesc *const kiln_models[];
/*
 * Add a NULL-terminated list of models looked up after kiln_models (a
 * test's own models).  The list must outlive its use.
 */
void device_register_models(const DeviceDesc *const *list);
const DeviceDesc *device_desc_find(const char *name);
const DeviceDesc *device_desc_by_compatible(const char *compatible);
/* -device help / -device NAME,help */
void device_print_models(FILE *out);
bool device_print_model_help(const char *name, FILE *out, GError **errp);

/* --- life cycle --- */

/* The container model used for tree nodes without a model of their own. */
extern const DeviceDesc container_desc;

Device *device_new(const DeviceDesc *desc, const char *name, Device *parent);
/* Set the reg entries (before realize). */
void device_set_reg(Device *dev, const DeviceReg *regs, unsigned nr);
bool device_realize(Device *dev, GError **errp);
/* Reset DEV and everything below it, parents first. */
void device_reset(Device *dev);
/* Free DEV and everything below it. */
void device_free(Device *dev);

/* --- properties --- */

const PropDesc *device_find_prop(const Device *dev, const char *name);
bool device_set_prop_uint(Device *dev, const char *name, uint64_t value,
                          GError **errp);
bool device_set_prop_bool(Device *dev, const char *name, bool value,
                          GError **errp);
bool device_set_prop_string(Device *dev, const char *name, const char *value,
                            GError **errp);
bool device_set_prop_link(Device *dev, const char *name, Device *target,
                          GError **errp);
/* LIST is NULL-terminated and copied. */
bool device_set_prop_strlist(Device *dev, const char *name,
                             const char *const *list, GError **errp);
/* Parse TEXT by the property's type ("-global ns16550.reg-shift=2"). */
bool device_set_prop_parse(Device *dev, const char *name, const char *text,
                           GError **errp);
uint64_t device_prop_uint(const Device *dev, const PropDesc *p);
/* The value as text, for qom-get and -device NAME,help (free with g_free). */
char *device_prop_format(const Device *dev, const PropDesc *p);

/*
 * -global DRIVER.PROP=VALUE: remembered, and applied to every device of
 * model DRIVER when it is created, before DT properties.
 */
bool device_add_global(const char *spec, GError **errp);

/* --- lines --- */

/*
 * Size an output list declared with neither COUNT nor COUNT_FN: the board
 * builder gives it as many lines as the DT has interrupt entries for it.
 * Before realize only.
 */
bool device_size_outputs(Device *dev, const char *name, unsigned count,
                         GError **errp);
/* The list named NAME (NULL: the first list), or NULL. */
DeviceLines *device_outputs(Device *dev, const char *name);
DeviceLines *device_inputs(Device *dev, const char *name);
/* Line N of the input list NAME (NULL: the first list), for wiring. */
bool device_input_line(Device *dev, const char *name, unsigned n,
                       IrqLine *out, GError **errp);
/* Connect output N of list NAME (NULL: the first) to LINE. */
bool device_connect_output(Device *dev, const char *name, unsigned n,
                           IrqLine line, GError **errp);

/* --- the tree --- */

Device *device_find_child(Device *dev, const char *name);
/* Resolve an absolute path ("/machine/soc/uart@10000000"). */
Device *device_resolve_path(Device *root, const char *path);
/* Print the tree with regions and lines (like QEMU's "info qtree"). */
void device_print_tree(Device *dev, FILE *out);

#endif
