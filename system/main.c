/*
 * kiln-system-riscv64 / kiln-system-riscv32: the command line, QEMU's
 * habits.  Parse the options, create the chardevs, assemble the board
 * from its device tree, start the front ends (qtest, QMP, gdbstub) and
 * run the main loop until something asks the run to end.
 *
 *     kiln-system-riscv64 -M virt -nographic
 *     kiln-system-riscv64 -M virt -bios fw.elf -S -s   (then gdb-multiarch)
 *     kiln-system-riscv64 -M dt,dts=board.dts,strict=on -qtest stdio
 */
#include "system.h"

#include "kiln/clock.h"
#include "kiln/log.h"
#include "../target/riscv/boot.h"
#include "../target/riscv/cpu.h"
#include "../tcg/tb.h"

#include <glib-unix.h>
#include <signal.h>

#ifndef KILN_TARGET_XLEN
#define KILN_TARGET_XLEN 64
#endif

typedef struct Options {
    const char *machine_type;
    const char *dtb;
    const char *dts;
    bool strict;
    const char *accel;
    uint64_t ram_size;
    bool nographic;
    bool nodefaults;
    bool no_reboot;
    GPtrArray *serials;
    GPtrArray *chardevs;
    GPtrArray *mons;
    GPtrArray *qmps;
    GPtrArray *globals;
    GPtrArray *strings;         /* split option strings, freed at exit */
    const char *qtest;
    const char *qtest_log;
    const char *log_items;
    const char *log_file;
    const char *bios;
    const char *kernel;
    const char *guest_dtb;      /* -dtb: the tree the guest gets */
    const char *append;
    unsigned icount_shift;
    unsigned smp;               /* -smp: harts, 0 = as the DT says */
    const char *gdb;            /* -gdb DEV (-s: tcp::1234) */
    bool freeze;                /* -S: harts wait for a debugger's continue */
} Options;

typedef enum OptionId {
    OPT_MACHINE, OPT_MEMORY, OPT_NOGRAPHIC, OPT_SERIAL, OPT_CHARDEV, OPT_MON,
    OPT_QMP, OPT_GLOBAL, OPT_LOG, OPT_LOG_FILE, OPT_DEVICE, OPT_VERSION,
    OPT_HELP, OPT_QTEST, OPT_QTEST_LOG, OPT_ACCEL, OPT_NODEFAULTS,
    OPT_NO_REBOOT, OPT_BIOS, OPT_KERNEL, OPT_DTB, OPT_APPEND, OPT_ICOUNT,
    OPT_SMP, OPT_GDB, OPT_GDB_DEFAULT, OPT_FREEZE,
    OPT_IGNORED,
} OptionId;

typedef struct OptionDesc {
    const char *name;
    OptionId id;
    bool has_arg;
    const char *help;
} OptionDesc;

static const OptionDesc option_table[] = {
    { "M", OPT_MACHINE, true, "-M TYPE[,dtb=FILE|dts=FILE][,strict=on][,accel=A]  same as -machine" },
    { "machine", OPT_MACHINE, true, "-machine TYPE[,...]  the board: a name from -M help, or dt" },
    { "m", OPT_MEMORY, true, "-m SIZE[KMGT]  RAM size of the first memory node (default unit MiB)" },
    { "nographic", OPT_NOGRAPHIC, false, "-nographic  serial port on stdio" },
    { "serial", OPT_SERIAL, true, "-serial DEV  next serial port: stdio, null, none, file:P, unix:P, tcp:H:P, chardev:ID" },
    { "chardev", OPT_CHARDEV, true, "-chardev BACKEND,id=ID[,...]  a character device (stdio, file, socket, null)" },
    { "mon", OPT_MON, true, "-mon chardev=ID,mode=control  QMP on a chardev" },
    { "qmp", OPT_QMP, true, "-qmp DEV  QMP on DEV (unix:PATH,server=on,wait=off ...)" },
    { "global", OPT_GLOBAL, true, "-global MODEL.PROP=VALUE  default a property of every device of MODEL" },
    { "d", OPT_LOG, true, "-d ITEM[,...]  log categories (-d help lists them)" },
    { "D", OPT_LOG_FILE, true, "-D FILE  write the log to FILE" },
    { "device", OPT_DEVICE, true, "-device help | -device MODEL,help  list models, or one model's properties" },
    { "version", OPT_VERSION, false, "-version  print the version" },
    { "h", OPT_HELP, false, "-h  this help" },
    { "help", OPT_HELP, false, NULL },
    { "qtest", OPT_QTEST, true, "-qtest DEV  serve the qtest protocol on DEV (unix:PATH, stdio)" },
    { "qtest-log", OPT_QTEST_LOG, true, "-qtest-log FILE|none  log the qtest conversation" },
    { "accel", OPT_ACCEL, true, "-accel qtest|tcg[,backend=native|interp]  how the board runs" },
    { "nodefaults", OPT_NODEFAULTS, false, "-nodefaults  no default serial port" },
    { "no-reboot", OPT_NO_REBOOT, false, "-no-reboot  a guest's reset request ends the run" },
    { "bios", OPT_BIOS, true, "-bios FILE|none  first-stage firmware (ELF or raw at the start of RAM)" },
    { "kernel", OPT_KERNEL, true, "-kernel FILE  next stage (ELF, or raw 2 MiB into RAM after -bios)" },
    { "dtb", OPT_DTB, true, "-dtb FILE  the device tree handed to the guest instead of the board's" },
    { "append", OPT_APPEND, true, "-append TEXT  /chosen/bootargs" },
    { "smp", OPT_SMP, true, "-smp [cpus=]N  N harts (the board's one cpu node is copied)" },
    { "icount", OPT_ICOUNT, true, "-icount [shift=]N  virtual time: 2^N ns per instruction (default 0)" },
    { "gdb", OPT_GDB, true, "-gdb tcp::PORT|tcp:HOST:PORT  wait for gdb on a TCP port (docs/gdb.md)" },
    { "s", OPT_GDB_DEFAULT, false, "-s  same as -gdb tcp::1234" },
    { "S", OPT_FREEZE, false, "-S  do not start the harts until gdb says continue" },
    /* Accepted for QEMU's libqtest and scripts; nothing to do for them here. */
    { "display", OPT_IGNORED, true, NULL },
    { "audio", OPT_IGNORED, true, NULL },
    { "run-with", OPT_IGNORED, true, NULL },
    { "trace", OPT_IGNORED, true, NULL },
};

static void G_GNUC_NORETURN die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void die(const char *fmt, ...)
{
    /* On the stack: nothing is left allocated when the process exits. */
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_report("%s", msg);
    exit(1);
}

static void die_error(GError *err)
{
    die("%s", err->message);
}

static void print_help(void)
{
    printf("usage: %s [options]\n\nOptions:\n", log_program_name());
    for (size_t i = 0; i < ARRAY_SIZE(option_table); i++) {
        if (option_table[i].help) {
            printf("  %s\n", option_table[i].help);
        }
    }
}

static void print_machines(void)
{
    printf("Supported machines are:\n");
    for (size_t i = 0; board_builtin_names[i]; i++) {
        printf("%-10s board from dts/%s.dts\n", board_builtin_names[i],
               board_builtin_names[i]);
    }
    printf("%-10s any board from a device tree (dtb=FILE or dts=FILE)\n", "dt");
}

static bool parse_on_off(const char *opt, const char *key, const char *value)
{
    if (strcmp(value, "on") == 0 || strcmp(value, "true") == 0 ||
        strcmp(value, "yes") == 0) {
        return true;
    }
    if (strcmp(value, "off") == 0 || strcmp(value, "false") == 0 ||
        strcmp(value, "no") == 0) {
        return false;
    }
    die("-%s: %s: '%s' is not on or off", opt, key, value);
}

static void parse_machine(Options *o, const char *opt, const char *arg)
{
    /* The values point into PARTS, which lives as long as the options. */
    char **parts = g_strsplit(arg, ",", -1);

    g_ptr_array_add(o->strings, parts);

    for (size_t i = 0; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');

        if (!eq) {
            if (i != 0) {
                die("-%s %s: '%s' is not KEY=VALUE", opt, arg, parts[i]);
            }
            o->machine_type = parts[i];
            continue;
        }
        *eq = '\0';
        if (strcmp(parts[i], "type") == 0) {
            o->machine_type = eq + 1;
        } else if (strcmp(parts[i], "dtb") == 0) {
            o->dtb = eq + 1;
        } else if (strcmp(parts[i], "dts") == 0) {
            o->dts = eq + 1;
        } else if (strcmp(parts[i], "strict") == 0) {
            o->strict = parse_on_off(opt, "strict", eq + 1);
        } else if (strcmp(parts[i], "accel") == 0) {
            o->accel = eq + 1;
        } else {
            die("-%s %s: invalid parameter '%s'", opt, arg, parts[i]);
        }
    }
}

/*
 * -accel qtest|tcg[,backend=native|interp]: returns the accelerator's
 * name.  tcg runs native host code unless told to interpret the IR.
 */
static const char *parse_accel(Options *o, const char *arg)
{
    char **parts = g_strsplit(arg, ",", -1);

    g_ptr_array_add(o->strings, parts);
    if (strcmp(parts[0], "qtest") != 0 && strcmp(parts[0], "tcg") != 0) {
        die("-accel %s: invalid accelerator %s", arg, parts[0]);
    }
    for (size_t i = 1; parts[i]; i++) {
        if (strcmp(parts[i], "backend=interp") == 0) {
            tb_set_backend(TB_BACKEND_INTERP);
        } else if (strcmp(parts[i], "backend=native") == 0) {
            tb_set_backend(TB_BACKEND_NATIVE);
            if (!tb_use_native()) {
                die("-accel %s: this host has no native backend", arg);
            }
        } else {
            die("-accel %s: invalid parameter '%s'", arg, parts[i]);
        }
    }
    return parts[0];
}

static uint64_t parse_size(const char *opt, const char *arg)
{
    const char *text = g_str_has_prefix(arg, "size=") ? arg + 5 : arg;
    char *end;
    uint64_t n, shift = 20;

    n = g_ascii_strtoull(text, &end, 0);
    if (end == text) {
        die("-%s %s: not a size", opt, arg);
    }
    switch (g_ascii_toupper(*end)) {
    case '\0':
        break;
    case 'B':
        shift = 0;
        end++;
        break;
    case 'K':
        shift = 10;
        end++;
        break;
    case 'M':
        end++;
        break;
    case 'G':
        shift = 30;
        end++;
        break;
    case 'T':
        shift = 40;
        end++;
        break;
    default:
        die("-%s %s: unknown size suffix '%s'", opt, arg, end);
    }
    if (*end || n == 0 || n > (UINT64_MAX >> shift)) {
        die("-%s %s: not a valid size", opt, arg);
    }
    return n << shift;
}

/* -icount N or -icount shift=N[,...]: 2^N ns per instruction. */
static unsigned parse_icount(const char *arg)
{
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);
    unsigned shift = 0;

    for (size_t i = 0; parts[i]; i++) {
        const char *v = g_str_has_prefix(parts[i], "shift=") ? parts[i] + 6
                        : (i == 0 && !strchr(parts[i], '=')) ? parts[i] : NULL;
        char *end;
        uint64_t n;

        if (!v) {
            die("-icount %s: invalid parameter '%s'", arg, parts[i]);
        }
        n = g_ascii_strtoull(v, &end, 10);
        if (!*v || *end || n > 10) {
            die("-icount %s: shift must be a number from 0 to 10", arg);
        }
        shift = (unsigned)n;
    }
    return shift;
}

/* -smp N or -smp cpus=N (other QEMU topology keys are not modelled). */
static unsigned parse_smp(const char *arg)
{
    const char *v = g_str_has_prefix(arg, "cpus=") ? arg + 5 : arg;
    char *end;
    uint64_t n = g_ascii_strtoull(v, &end, 10);

    if (!*v || *end || n == 0 || n > 64) {
        die("-smp %s: expected a number of harts from 1 to 64", arg);
    }
    return (unsigned)n;
}

static void handle_device(const char *arg)
{
    g_autoptr(GError) err = NULL;
    size_t len = strlen(arg);

    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        device_print_models(stdout);
        exit(0);
    }
    if (g_str_has_suffix(arg, ",help") || g_str_has_suffix(arg, ",?")) {
        char *name = g_strndup(arg, len - (arg[len - 1] == '?' ? 2 : 5));
        bool ok = device_print_model_help(name, stdout, &err);

        g_free(name);
        if (!ok) {
            die_error(err);
        }
        exit(0);
    }
    die("-device %s: devices are added in the board's device tree "
        "(see docs/board-dt.md), not on the command line", arg);
}

static void parse_options(Options *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *name;
        const OptionDesc *opt = NULL;
        const char *value = NULL;

        if (arg[0] != '-') {
            die("%s: invalid option", arg);
        }
        name = arg + (arg[1] == '-' ? 2 : 1);
        for (size_t k = 0; k < ARRAY_SIZE(option_table); k++) {
            if (strcmp(option_table[k].name, name) == 0) {
                opt = &option_table[k];
                break;
            }
        }
        if (!opt) {
            die("%s: invalid option", arg);
        }
        if (opt->has_arg) {
            if (i + 1 >= argc) {
                die("%s: requires an argument", arg);
            }
            value = argv[++i];
        }
        switch (opt->id) {
        case OPT_MACHINE:
            if (strcmp(value, "help") == 0 || strcmp(value, "?") == 0) {
                print_machines();
                exit(0);
            }
            parse_machine(o, name, value);
            break;
        case OPT_MEMORY:
            o->ram_size = parse_size(name, value);
            break;
        case OPT_NOGRAPHIC:
            o->nographic = true;
            break;
        case OPT_SERIAL:
            g_ptr_array_add(o->serials, (gpointer)value);
            break;
        case OPT_CHARDEV:
            g_ptr_array_add(o->chardevs, (gpointer)value);
            break;
        case OPT_MON:
            g_ptr_array_add(o->mons, (gpointer)value);
            break;
        case OPT_QMP:
            g_ptr_array_add(o->qmps, (gpointer)value);
            break;
        case OPT_GLOBAL:
            g_ptr_array_add(o->globals, (gpointer)value);
            break;
        case OPT_LOG:
            if (strcmp(value, "help") == 0) {
                log_print_items(stdout);
                exit(0);
            }
            o->log_items = value;
            break;
        case OPT_LOG_FILE:
            o->log_file = value;
            break;
        case OPT_DEVICE:
            handle_device(value);
            break;
        case OPT_VERSION:
            printf("%s version %s\n", log_program_name(), KILN_VERSION);
            exit(0);
        case OPT_HELP:
            print_help();
            exit(0);
        case OPT_QTEST:
            o->qtest = value;
            break;
        case OPT_QTEST_LOG:
            o->qtest_log = value;
            break;
        case OPT_ACCEL:
            o->accel = value;
            break;
        case OPT_NODEFAULTS:
            o->nodefaults = true;
            break;
        case OPT_NO_REBOOT:
            o->no_reboot = true;
            break;
        case OPT_BIOS:
            o->bios = value;
            break;
        case OPT_KERNEL:
            o->kernel = value;
            break;
        case OPT_DTB:
            o->guest_dtb = value;
            break;
        case OPT_APPEND:
            o->append = value;
            break;
        case OPT_ICOUNT:
            o->icount_shift = parse_icount(value);
            break;
        case OPT_SMP:
            o->smp = parse_smp(value);
            break;
        case OPT_GDB:
            o->gdb = value;
            break;
        case OPT_GDB_DEFAULT:
            o->gdb = "tcp::1234";
            break;
        case OPT_FREEZE:
            o->freeze = true;
            break;
        case OPT_IGNORED:
            break;
        }
    }
}

/* -mon chardev=ID,mode=control */
static Chardev *parse_mon(const char *arg)
{
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);
    const char *id = NULL;
    const char *mode = "readline";
    Chardev *chr;

    for (size_t i = 0; parts[i]; i++) {
        if (g_str_has_prefix(parts[i], "chardev=")) {
            id = parts[i] + 8;
        } else if (g_str_has_prefix(parts[i], "mode=")) {
            mode = parts[i] + 5;
        } else if (strcmp(parts[i], "pretty=off") != 0) {
            die("-mon %s: invalid parameter '%s'", arg, parts[i]);
        }
    }
    if (!id) {
        die("-mon %s: missing 'chardev'", arg);
    }
    if (strcmp(mode, "control") != 0) {
        die("-mon %s: only mode=control (QMP) is supported", arg);
    }
    chr = chardev_find(id);
    if (!chr) {
        die("-mon %s: no chardev '%s'", arg, id);
    }
    return chr;
}

static void load_tree(const Options *o, void **fdt, size_t *size,
                      char **source)
{
    g_autoptr(GError) err = NULL;
    const char *type = o->machine_type ? o->machine_type : "none";
    const void *builtin;

    if (strcmp(type, "dt") == 0) {
        if (!!o->dtb == !!o->dts) {
            die("-M dt: give exactly one of dtb=FILE and dts=FILE");
        }
        if (o->dtb ? !board_load_dtb(o->dtb, fdt, size, &err)
                   : !board_compile_dts(o->dts, fdt, size, &err)) {
            die_error(err);
        }
        *source = g_path_get_basename(o->dtb ? o->dtb : o->dts);
        if (o->smp && !board_fdt_set_harts(fdt, size, o->smp, &err)) {
            die_error(err);
        }
        return;
    }
    if (o->dtb || o->dts) {
        die("-M %s: dtb= and dts= go with -M dt", type);
    }
    /* kiln-system-riscv32 is the same program; its virt has an RV32 hart. */
    if (KILN_TARGET_XLEN == 32 && strcmp(type, "virt") == 0) {
        type = "virt32";
    }
    builtin = board_builtin_dtb(type, size);
    if (!builtin) {
        die("-M %s: unsupported machine type (use -M help to list them)", type);
    }
    *fdt = g_memdup2(builtin, *size);
    *source = g_strdup_printf("%s.dts", type);
    if (o->smp && !board_fdt_set_harts(fdt, size, o->smp, &err)) {
        die_error(err);
    }
}

/*
 * How much virtual time harts run between two looks at host I/O, when no
 * timer comes sooner: 1 ms, a million instructions at -icount 0.
 */
#define IO_POLL_NS 1000000

/* The earliest hart's time: where the board's clock stands after a stop. */
static int64_t cpus_min_time(void)
{
    GPtrArray *cpus = riscv_cpus();
    int64_t t = INT64_MAX;

    for (guint i = 0; i < cpus->len; i++) {
        t = MIN(t, ((RiscvCpu *)g_ptr_array_index(cpus, i))->time);
    }
    return t;
}

static void run_cpus(void)
{
    while (!runstate_process_requests()) {
        int64_t now = clock_now();
        int64_t deadline = clock_next_deadline();
        int64_t until = now + IO_POLL_NS;
        RiscvCpu *stopped;

        if (runstate_paused()) {
            /* Stopped (-S, the debugger): time stands still, front ends run. */
            g_main_context_iteration(NULL, TRUE);
            continue;
        }
        if (deadline >= 0 && deadline <= now) {
            clock_advance_to(now);
            continue;
        }
        if (deadline >= 0 && deadline < until) {
            until = deadline;
        }
        if (riscv_cpus_idle()) {
            if (deadline < 0) {
                /* Nothing will happen until the host sends something. */
                g_main_context_iteration(NULL, TRUE);
                continue;
            }
            until = deadline;
        }
        riscv_cpus_run(until);
        if (riscv_debug_take_event(&stopped) != RISCV_DEBUG_NONE) {
            clock_advance_to(cpus_min_time());
            gdbstub_report_stop(stopped);
            continue;
        }
        clock_advance_to(until);
        g_main_context_iteration(NULL, FALSE);
    }
}

static gboolean on_signal(gpointer data)
{
    machine_request_shutdown(0);
    return G_SOURCE_CONTINUE;
}

static void create_serials(Options *o, bool qtest_mode)
{
    g_autoptr(GError) err = NULL;

    if (o->serials->len == 0 && !o->nodefaults && !qtest_mode) {
        g_ptr_array_add(o->serials, (gpointer)"stdio");
    }
    for (guint i = 0; i < o->serials->len; i++) {
        g_autofree char *id = g_strdup_printf("serial%u", i);

        if (!chardev_new_simple(g_ptr_array_index(o->serials, i), id, &err) &&
            err) {
            die("-serial %s: %s", (char *)g_ptr_array_index(o->serials, i),
                err->message);
        }
    }
}

static void options_free(Options *o)
{
    g_ptr_array_free(o->serials, TRUE);
    g_ptr_array_free(o->chardevs, TRUE);
    g_ptr_array_free(o->mons, TRUE);
    g_ptr_array_free(o->qmps, TRUE);
    g_ptr_array_free(o->globals, TRUE);
    g_ptr_array_free(o->strings, TRUE);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *prog = g_path_get_basename(argv[0]);
    g_autofree char *source = NULL;
    Options o = {
        .serials = g_ptr_array_new(),
        .chardevs = g_ptr_array_new(),
        .mons = g_ptr_array_new(),
        .qmps = g_ptr_array_new(),
        .globals = g_ptr_array_new(),
        .strings = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev),
    };
    void *fdt = NULL;
    size_t fdt_size = 0;
    bool qtest_mode;
    Machine *m;

    log_set_program_name(prog);
    /* A peer that goes away is seen as EPIPE where it matters, not as a signal. */
    signal(SIGPIPE, SIG_IGN);
    parse_options(&o, argc, argv);

    if ((o.log_items && !log_parse_items(o.log_items, &err)) ||
        (o.log_file && !log_set_file(o.log_file, &err))) {
        die_error(err);
    }
    if (o.accel) {
        o.accel = parse_accel(&o, o.accel);
    }
    qtest_mode = o.qtest || (o.accel && strcmp(o.accel, "qtest") == 0);
    runstate_set_no_reboot(o.no_reboot);

    for (guint i = 0; i < o.globals->len; i++) {
        if (!device_add_global(g_ptr_array_index(o.globals, i), &err)) {
            die_error(err);
        }
    }
    for (guint i = 0; i < o.chardevs->len; i++) {
        if (!chardev_new(g_ptr_array_index(o.chardevs, i), &err)) {
            die("-chardev %s: %s", (char *)g_ptr_array_index(o.chardevs, i),
                err->message);
        }
    }
    create_serials(&o, qtest_mode);

    clock_init();
    load_tree(&o, &fdt, &fdt_size, &source);
    m = machine_new(o.machine_type ? o.machine_type : "none");
    m->strict = o.strict;
    m->ram_size = o.ram_size;
    current_machine = m;
    if (!board_build(m, fdt, fdt_size, source, &err)) {
        die_error(err);
    }
    g_free(fdt);

    if (o.qtest) {
        Chardev *chr = chardev_new_simple(o.qtest, "qtest", &err);

        if (!chr) {
            die("-qtest %s: %s", o.qtest, err ? err->message : "no device");
        }
        if (!qtest_server_init(chr, o.qtest_log, &err)) {
            die_error(err);
        }
    }
    for (guint i = 0; i < o.qmps->len; i++) {
        g_autofree char *id = g_strdup_printf("qmp%u", i);
        Chardev *chr = chardev_new_simple(g_ptr_array_index(o.qmps, i), id,
                                          &err);

        if (!chr) {
            die("-qmp %s: %s", (char *)g_ptr_array_index(o.qmps, i),
                err ? err->message : "no device");
        }
        qmp_monitor_init(chr);
    }
    for (guint i = 0; i < o.mons->len; i++) {
        qmp_monitor_init(parse_mon(g_ptr_array_index(o.mons, i)));
    }
    if (o.gdb && !gdbstub_init(o.gdb, &err)) {
        die_error(err);
    }
    /* -S without -gdb waits until the run is ended (a signal, QMP quit). */
    runstate_set_paused(o.freeze);

    if (!qtest_mode) {
        RiscvBootOptions boot = {
            .bios = o.bios, .kernel = o.kernel, .dtb = o.guest_dtb,
            .append = o.append,
            .default_bios = strcmp(m->name, "virt") == 0,
        };

        if (!riscv_boot_setup(m, &boot, &err)) {
            die_error(err);
        }
        riscv_cpus_set_icount_shift(o.icount_shift);
    }
    machine_reset(m);
    g_unix_signal_add(SIGTERM, on_signal, NULL);
    g_unix_signal_add(SIGINT, on_signal, NULL);
    g_unix_signal_add(SIGHUP, on_signal, NULL);

    if (!qtest_mode && riscv_cpus()->len > 0) {
        run_cpus();
    } else if (!qtest_mode && o.qmps->len == 0 && o.mons->len == 0) {
        /* A board without harts and nothing to drive it: show what it is. */
        printf("%s: board '%s' assembled from %s; it has no hart, "
               "nothing to run\n", prog, m->name, source);
        machine_print(m, stdout);
    } else {
        while (!runstate_process_requests()) {
            g_main_context_iteration(NULL, TRUE);
        }
    }
    gdbstub_exit(runstate_exit_code());
    /* The board first: its devices detach from the chardevs they use. */
    machine_free(m);
    chardev_close_all();
    options_free(&o);
    return runstate_exit_code();
}
