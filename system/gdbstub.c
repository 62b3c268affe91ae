/*
 * The gdbstub: GDB's remote serial protocol over TCP, for gdb-multiarch.
 *
 *     kiln-system-riscv64 -M virt -bios fw.elf -S -s
 *     gdb-multiarch fw.elf -ex 'target remote :1234'
 *
 * Reference: GDB manual, appendix E "GDB Remote Serial Protocol" (packet
 * framing E.1, packets E.2, stop replies E.3, general queries E.4, target
 * descriptions G).  All-stop mode only: a stop stops every hart, and
 * every hart is a thread (id = its index in hart order + 1).
 *
 * Framing: $DATA#CS, CS the sum of DATA's bytes mod 256 in two hex
 * digits; the receiver acks + (good) or - (bad checksum: send again)
 * until QStartNoAckMode.  A 0x03 byte outside a packet interrupts the
 * running target.  A '$' always starts a new packet, so that garbage on
 * the line costs at most the packet it hit.
 *
 * Registers follow gdb's RISC-V target description: the features
 * org.gnu.gdb.riscv.cpu (x0-x31, pc) and org.gnu.gdb.riscv.fpu (f0-f31,
 * fflags, frm, fcsr) when the hart has F, numbered 0-32 and 33-67.
 *
 * Unimplemented: hardware breakpoints and watchpoints (Z1-Z4), the
 * binary X packet (gdb falls back to M), non-stop mode, CSRs other than
 * the FP ones, multiprocess extensions, reverse execution.
 */
#include "system.h"

#include "../target/riscv/cpu.h"

#include <errno.h>
#include <glib-unix.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

/* Largest packet we take: "PacketSize" in qSupported is this, in hex. */
#define GDB_PACKET_MAX 0x4000
/* Signals in stop replies: GDB's numbering (include/gdb/signals.def). */
#define GDB_SIGINT 2
#define GDB_SIGTRAP 5
/* Register numbers of our target description. */
#define REG_PC 32
#define REG_F0 33
#define REG_FFLAGS 65
#define REG_FRM 66
#define REG_FCSR 67

typedef enum RxState { RX_IDLE, RX_DATA, RX_CS1, RX_CS2 } RxState;

typedef struct GdbStub {
    int listen_fd;
    guint listen_watch;
    int fd;                     /* the debugger, or -1 */
    guint watch;
    RxState rx;
    GString *packet;            /* the packet being received */
    uint8_t sum;                /* of its bytes so far */
    uint8_t cs;                 /* checksum as sent, high digit first */
    bool no_ack;                /* QStartNoAckMode */
    GString *last;              /* last packet sent, for a '-' */
    bool running;               /* resumed: a stop reply is owed */
    RiscvCpu *g_cpu;            /* Hg: registers and memory */
    RiscvCpu *c_cpu;            /* Hc: step */
    RiscvCpu *stop_cpu;         /* the hart the last stop was on */
    int stop_signal;
} GdbStub;

static GdbStub gdb = { .listen_fd = -1, .fd = -1 };

/* --- output --- */

static void send_raw(const char *data, size_t len)
{
    while (len > 0 && gdb.fd >= 0) {
        ssize_t n = write(gdb.fd, data, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* The debugger went away: the read side sees it and cleans up. */
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}

static void send_packet(const char *data)
{
    uint8_t sum = 0;

    for (const char *p = data; *p; p++) {
        sum += (uint8_t)*p;
    }
    g_string_printf(gdb.last, "$%s#%02x", data, sum);
    send_raw(gdb.last->str, gdb.last->len);
}

static RiscvCpu *cpu_by_thread(long tid)
{
    GPtrArray *cpus = riscv_cpus();

    return tid >= 1 && (guint)tid <= cpus->len ? g_ptr_array_index(cpus, tid - 1)
                                               : NULL;
}

static unsigned thread_of(RiscvCpu *cpu)
{
    GPtrArray *cpus = riscv_cpus();

    for (guint i = 0; i < cpus->len; i++) {
        if (g_ptr_array_index(cpus, i) == cpu) {
            return i + 1;
        }
    }
    return 1;
}

static void send_stop_reply(void)
{
    char reply[48];

    snprintf(reply, sizeof(reply), "T%02xthread:%x;", gdb.stop_signal,
             thread_of(gdb.stop_cpu));
    send_packet(reply);
}

/* Stop every hart (all-stop) and remember why, for '?'. */
static void stop_all(RiscvCpu *cpu, int signal)
{
    gdb.running = false;
    gdb.stop_cpu = cpu;
    gdb.stop_signal = signal;
    gdb.g_cpu = cpu;
    runstate_set_paused(true);
}

static void resume(RiscvCpu *step)
{
    riscv_debug_resume(step);
    gdb.running = true;
    runstate_set_paused(false);
}

/* --- hex --- */

static int hex_digit(char c)
{
    return g_ascii_xdigit_value(c);
}

/* Little-endian bytes of V, SIZE of them, as hex (target byte order). */
static void append_le(GString *out, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        g_string_append_printf(out, "%02x", (unsigned)(v >> (8 * i)) & 0xff);
    }
}

/* SIZE little-endian bytes in hex at *P; false if they are not there. */
static bool parse_le(const char **p, unsigned size, uint64_t *v)
{
    *v = 0;
    for (unsigned i = 0; i < size; i++) {
        int hi = hex_digit((*p)[0]), lo = hi < 0 ? -1 : hex_digit((*p)[1]);

        if (lo < 0) {
            return false;
        }
        *v |= (uint64_t)(hi << 4 | lo) << (8 * i);
        *p += 2;
    }
    return true;
}

/* A hex number at *P, up to a character not a hex digit; false if none. */
static bool parse_hex(const char **p, uint64_t *v)
{
    const char *s = *p;

    *v = 0;
    while (hex_digit(**p) >= 0) {
        if (*v >> 60) {
            return false;
        }
        *v = *v << 4 | (uint64_t)hex_digit(**p);
        (*p)++;
    }
    return *p != s;
}

/* "ADDR,LEN" then END (a character, or '\0'). */
static bool parse_addr_len(const char **p, uint64_t *addr, uint64_t *len,
                           char end)
{
    if (!parse_hex(p, addr) || **p != ',') {
        return false;
    }
    (*p)++;
    if (!parse_hex(p, len) || **p != end) {
        return false;
    }
    if (end) {
        (*p)++;
    }
    return true;
}

/* --- registers --- */

static bool has_fpu(RiscvCpu *cpu)
{
    return cpu->exts & EXT_F;
}

static unsigned reg_count(RiscvCpu *cpu)
{
    return has_fpu(cpu) ? REG_FCSR + 1 : REG_PC + 1;
}

static unsigned reg_size(RiscvCpu *cpu, unsigned n)
{
    if (n <= REG_PC) {
        return cpu->xlen / 8;
    }
    if (n < REG_FFLAGS) {
        return cpu->exts & EXT_D ? 8 : 4;
    }
    return 4;
}

static uint64_t reg_get(RiscvCpu *cpu, unsigned n)
{
    uint64_t mask = reg_size(cpu, n) == 8 ? UINT64_MAX : UINT32_MAX;

    if (n < 32) {
        return cpu->x[n] & mask;
    }
    switch (n) {
    case REG_PC:
        return cpu->pc & mask;
    case REG_FFLAGS:
        return cpu->fflags;
    case REG_FRM:
        return cpu->frm;
    case REG_FCSR:
        return cpu->frm << 5 | cpu->fflags;
    default:
        return cpu->f[n - REG_F0] & mask;
    }
}

static void reg_set(RiscvCpu *cpu, unsigned n, uint64_t v)
{
    if (n < 32) {
        /* RV32 registers are held sign-extended (cpu.h). */
        if (n) {
            cpu->x[n] = riscv_sext(cpu, v);
        }
        return;
    }
    switch (n) {
    case REG_PC:
        cpu->pc = cpu->xlen == 32 ? (uint32_t)v : v;
        break;
    case REG_FFLAGS:
        cpu->fflags = v & 0x1f;
        break;
    case REG_FRM:
        cpu->frm = v & 7;
        break;
    case REG_FCSR:
        cpu->fflags = v & 0x1f;
        cpu->frm = (v >> 5) & 7;
        break;
    default:
        /* A single in a 64-bit register is NaN-boxed (Unpriv 13.2). */
        cpu->f[n - REG_F0] = reg_size(cpu, n) == 4 ? v | 0xffffffff00000000ull
                                                   : v;
        break;
    }
}

/* --- target description (GDB manual G.5.1, gdb/features/riscv/) --- */

static char *target_xml(RiscvCpu *cpu)
{
    static const char *const gpr[32] = {
        "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",
        "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
        "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
    };
    static const char *const fpr[32] = {
        "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1",
        "fa0", "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3",
        "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8",
        "ft9", "ft10", "ft11",
    };
    GString *x = g_string_new("<?xml version=\"1.0\"?>\n"
                              "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                              "<target version=\"1.0\">\n");

    g_string_append_printf(x, "<architecture>riscv:rv%u</architecture>\n"
                           "<feature name=\"org.gnu.gdb.riscv.cpu\">\n",
                           cpu->xlen);
    for (unsigned i = 0; i < 32; i++) {
        g_string_append_printf(x, "<reg name=\"%s\" bitsize=\"%u\" "
                               "type=\"%s\" regnum=\"%u\"/>\n", gpr[i],
                               cpu->xlen, i == 2 ? "data_ptr" : "int", i);
    }
    g_string_append_printf(x, "<reg name=\"pc\" bitsize=\"%u\" "
                           "type=\"code_ptr\" regnum=\"%u\"/>\n</feature>\n",
                           cpu->xlen, REG_PC);
    if (has_fpu(cpu)) {
        bool d = cpu->exts & EXT_D;

        g_string_append(x, "<feature name=\"org.gnu.gdb.riscv.fpu\">\n");
        if (d) {
            g_string_append(x, "<union id=\"riscv_double\">"
                            "<field name=\"float\" type=\"ieee_single\"/>"
                            "<field name=\"double\" type=\"ieee_double\"/>"
                            "</union>\n");
        }
        for (unsigned i = 0; i < 32; i++) {
            g_string_append_printf(x, "<reg name=\"%s\" bitsize=\"%u\" "
                                   "type=\"%s\" regnum=\"%u\"/>\n", fpr[i],
                                   d ? 64 : 32,
                                   d ? "riscv_double" : "ieee_single",
                                   REG_F0 + i);
        }
        g_string_append_printf(x,
            "<reg name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
            "<reg name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
            "<reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
            "</feature>\n", REG_FFLAGS, REG_FRM, REG_FCSR);
    }
    g_string_append(x, "</target>\n");
    return g_string_free(x, FALSE);
}

/* --- packets --- */

static RiscvCpu *g_cpu(void)
{
    return gdb.g_cpu ? gdb.g_cpu : cpu_by_thread(1);
}

static void handle_read_registers(GString *out)
{
    RiscvCpu *cpu = g_cpu();

    for (unsigned n = 0; n < reg_count(cpu); n++) {
        append_le(out, reg_get(cpu, n), reg_size(cpu, n));
    }
}

static void handle_write_registers(const char *p, GString *out)
{
    RiscvCpu *cpu = g_cpu();
    unsigned n;
    uint64_t v[REG_FCSR + 1];

    /* All or nothing: a short or bad packet changes no register. */
    for (n = 0; n < reg_count(cpu) && *p; n++) {
        if (!parse_le(&p, reg_size(cpu, n), &v[n])) {
            g_string_assign(out, "E01");
            return;
        }
    }
    if (*p) {
        g_string_assign(out, "E01");
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        reg_set(cpu, i, v[i]);
    }
    g_string_assign(out, "OK");
}

static void handle_register(const char *p, bool write, GString *out)
{
    RiscvCpu *cpu = g_cpu();
    uint64_t n, v;

    if (!parse_hex(&p, &n) || (write ? *p++ != '=' : *p != '\0')) {
        g_string_assign(out, "E01");
        return;
    }
    if (n >= reg_count(cpu)) {
        /* Not ours: gdb then knows the register is not there. */
        g_string_assign(out, write ? "E01" : "");
        return;
    }
    if (!write) {
        append_le(out, reg_get(cpu, (unsigned)n), reg_size(cpu, (unsigned)n));
        return;
    }
    if (!parse_le(&p, reg_size(cpu, (unsigned)n), &v) || *p) {
        g_string_assign(out, "E01");
        return;
    }
    reg_set(cpu, (unsigned)n, v);
    g_string_assign(out, "OK");
}

static void handle_read_memory(const char *p, GString *out)
{
    uint64_t addr, len;
    g_autofree uint8_t *buf = NULL;

    if (!parse_addr_len(&p, &addr, &len, '\0') ||
        len > (GDB_PACKET_MAX - 8) / 2) {
        g_string_assign(out, "E01");
        return;
    }
    buf = g_malloc(len ? len : 1);
    if (!riscv_debug_rw(g_cpu(), addr, buf, len, false)) {
        /* EFAULT, as QEMU answers an access that fails. */
        g_string_assign(out, "E14");
        return;
    }
    for (uint64_t i = 0; i < len; i++) {
        g_string_append_printf(out, "%02x", buf[i]);
    }
}

static void handle_write_memory(const char *p, GString *out)
{
    uint64_t addr, len;
    g_autofree uint8_t *buf = NULL;

    if (!parse_addr_len(&p, &addr, &len, ':') || strlen(p) != 2 * len) {
        g_string_assign(out, "E01");
        return;
    }
    buf = g_malloc(len ? len : 1);
    for (uint64_t i = 0; i < len; i++) {
        uint64_t byte;

        if (!parse_le(&p, 1, &byte)) {
            g_string_assign(out, "E01");
            return;
        }
        buf[i] = (uint8_t)byte;
    }
    g_string_assign(out, riscv_debug_rw(g_cpu(), addr, buf, len, true)
                         ? "OK" : "E14");
}

/* Z0/z0 ADDR,KIND: software breakpoints; other kinds are not supported. */
static void handle_breakpoint(const char *p, bool insert, GString *out)
{
    uint64_t addr, kind;

    if (p[0] != '0') {
        return;
    }
    p++;
    if (*p++ != ',' || !parse_hex(&p, &addr) || *p++ != ',' ||
        !parse_hex(&p, &kind)) {
        g_string_assign(out, "E01");
        return;
    }
    if (insert) {
        riscv_breakpoint_insert(addr);
    } else {
        riscv_breakpoint_remove(addr);
    }
    g_string_assign(out, "OK");
}

/* H[gc]TID: which thread later packets mean; 0 and -1 mean any or all. */
static void handle_set_thread(const char *p, GString *out)
{
    char op = *p;
    RiscvCpu *cpu = NULL;

    if (!op) {
        g_string_assign(out, "E22");
        return;
    }
    p++;
    if (strcmp(p, "0") != 0 && strcmp(p, "-1") != 0) {
        uint64_t tid;

        if (!parse_hex(&p, &tid) || *p || !(cpu = cpu_by_thread((long)tid))) {
            g_string_assign(out, "E22");
            return;
        }
    }
    if (op == 'g') {
        gdb.g_cpu = cpu;
    } else if (op == 'c') {
        gdb.c_cpu = cpu;
    } else {
        g_string_assign(out, "E22");
        return;
    }
    g_string_assign(out, "OK");
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH (GDB manual E.4). */
static void handle_xfer_features(const char *p, GString *out)
{
    g_autofree char *xml = NULL;
    uint64_t offset, len;
    size_t total;

    if (!g_str_has_prefix(p, "target.xml:")) {
        g_string_assign(out, "E00");
        return;
    }
    p += strlen("target.xml:");
    if (!parse_addr_len(&p, &offset, &len, '\0')) {
        g_string_assign(out, "E01");
        return;
    }
    xml = target_xml(g_cpu());
    total = strlen(xml);
    len = MIN(len, GDB_PACKET_MAX - 8);
    if (offset >= total) {
        g_string_assign(out, "l");
        return;
    }
    len = MIN(len, total - offset);
    g_string_append_c(out, offset + len < total ? 'm' : 'l');
    g_string_append_len(out, xml + offset, (gssize)len);
}

static void handle_query(const char *p, GString *out)
{
    if (g_str_has_prefix(p, "qSupported")) {
        g_string_printf(out, "PacketSize=%x;qXfer:features:read+;"
                        "QStartNoAckMode+;vContSupported+", GDB_PACKET_MAX);
    } else if (g_str_has_prefix(p, "qXfer:features:read:")) {
        handle_xfer_features(p + strlen("qXfer:features:read:"), out);
    } else if (strcmp(p, "qAttached") == 0 ||
               g_str_has_prefix(p, "qAttached:")) {
        /* Attached to a running system: detaching must not kill it. */
        g_string_assign(out, "1");
    } else if (strcmp(p, "qC") == 0) {
        g_string_printf(out, "QC%x", thread_of(gdb.stop_cpu ? gdb.stop_cpu
                                                             : cpu_by_thread(1)));
    } else if (strcmp(p, "qfThreadInfo") == 0) {
        g_string_assign(out, "m");
        for (guint i = 0; i < riscv_cpus()->len; i++) {
            g_string_append_printf(out, "%s%x", i ? "," : "", i + 1);
        }
    } else if (strcmp(p, "qsThreadInfo") == 0) {
        g_string_assign(out, "l");
    } else if (strcmp(p, "QStartNoAckMode") == 0) {
        g_string_assign(out, "OK");
    }
}

/*
 * vCont;ACTION[:TID][;ACTION[:TID]]...: a step of one thread, or
 * continue.  All-stop: whatever the actions, every hart stops together.
 */
static bool handle_vcont(const char *p, GString *out)
{
    RiscvCpu *step = NULL;
    g_auto(GStrv) actions = NULL;

    if (strcmp(p, "vCont?") == 0) {
        g_string_assign(out, "vCont;c;C;s;S");
        return false;
    }
    if (!g_str_has_prefix(p, "vCont;")) {
        return false;
    }
    actions = g_strsplit(p + strlen("vCont;"), ";", -1);
    for (size_t i = 0; actions[i]; i++) {
        const char *a = actions[i];
        const char *colon = strchr(a, ':');
        RiscvCpu *cpu = gdb.c_cpu ? gdb.c_cpu : g_cpu();

        if (a[0] != 'c' && a[0] != 'C' && a[0] != 's' && a[0] != 'S') {
            g_string_assign(out, "E01");
            return false;
        }
        if (colon && strcmp(colon + 1, "-1") != 0) {
            const char *t = colon + 1;
            uint64_t tid;

            if (!parse_hex(&t, &tid) || *t || !cpu_by_thread((long)tid)) {
                g_string_assign(out, "E22");
                return false;
            }
            cpu = cpu_by_thread((long)tid);
        }
        if ((a[0] == 's' || a[0] == 'S') && !step) {
            step = cpu;
        }
    }
    resume(step);
    return true;
}

/* c/s [ADDR]: resume at ADDR, or where the hart is. */
static bool handle_resume(const char *p, bool step, GString *out)
{
    RiscvCpu *cpu = gdb.c_cpu ? gdb.c_cpu : g_cpu();
    uint64_t addr;

    if (*p) {
        if (!parse_hex(&p, &addr) || *p) {
            g_string_assign(out, "E01");
            return false;
        }
        reg_set(cpu, REG_PC, addr);
    }
    resume(step ? cpu : NULL);
    return true;
}

/* Detach, or the debugger is gone: no breakpoint stays, the CPUs run. */
static void release_target(void)
{
    riscv_breakpoint_remove_all();
    riscv_debug_resume(NULL);
    gdb.running = false;
    runstate_set_paused(false);
}

static void handle_packet(const char *p)
{
    g_autoptr(GString) out = g_string_new(NULL);
    bool resumed = false;

    switch (p[0]) {
    case '?':
        send_stop_reply();
        return;
    case 'g':
        if (p[1]) {
            g_string_assign(out, "E01");
        } else {
            handle_read_registers(out);
        }
        break;
    case 'G':
        handle_write_registers(p + 1, out);
        break;
    case 'p':
    case 'P':
        handle_register(p + 1, p[0] == 'P', out);
        break;
    case 'm':
        handle_read_memory(p + 1, out);
        break;
    case 'M':
        handle_write_memory(p + 1, out);
        break;
    case 'c':
    case 's':
        resumed = handle_resume(p + 1, p[0] == 's', out);
        break;
    case 'v':
        resumed = handle_vcont(p, out);
        break;
    case 'Z':
    case 'z':
        handle_breakpoint(p + 1, p[0] == 'Z', out);
        break;
    case 'H':
        handle_set_thread(p + 1, out);
        break;
    case 'T': {
        const char *t = p + 1;
        uint64_t tid;

        g_string_assign(out, parse_hex(&t, &tid) && !*t &&
                             cpu_by_thread((long)tid) ? "OK" : "E22");
        break;
    }
    case 'q':
    case 'Q':
        handle_query(p, out);
        break;
    case 'D':
        send_packet("OK");
        release_target();
        return;
    case 'k':
        /* Kill: the run ends, as QEMU's does. */
        machine_request_shutdown(0);
        runstate_set_paused(false);
        return;
    default:
        break;
    }
    if (resumed) {
        return;         /* the stop reply comes when the harts stop */
    }
    send_packet(out->str);
    if (strcmp(p, "QStartNoAckMode") == 0) {
        gdb.no_ack = true;
    }
}

/* --- input --- */

static void on_interrupt(void)
{
    /* Only a running target can be interrupted (E.8). */
    if (gdb.running) {
        stop_all(gdb.c_cpu ? gdb.c_cpu : cpu_by_thread(1), GDB_SIGINT);
        send_stop_reply();
    }
}

static void rx_byte(char c)
{
    int d;

    if (c == '$') {
        g_string_truncate(gdb.packet, 0);
        gdb.sum = 0;
        gdb.rx = RX_DATA;
        return;
    }
    switch (gdb.rx) {
    case RX_IDLE:
        if (c == 0x03) {
            on_interrupt();
        } else if (c == '-' && !gdb.no_ack && gdb.last->len) {
            send_raw(gdb.last->str, gdb.last->len);
        }
        /* '+' and anything else between packets: nothing to do. */
        break;
    case RX_DATA:
        if (c == '#') {
            gdb.rx = RX_CS1;
        } else if (gdb.packet->len >= GDB_PACKET_MAX) {
            gdb.rx = RX_IDLE;
            send_raw("-", 1);
        } else {
            g_string_append_c(gdb.packet, c);
            gdb.sum += (uint8_t)c;
        }
        break;
    case RX_CS1:
    case RX_CS2:
        d = hex_digit(c);
        if (d < 0) {
            gdb.rx = RX_IDLE;
            send_raw("-", 1);
            break;
        }
        if (gdb.rx == RX_CS1) {
            gdb.cs = (uint8_t)(d << 4);
            gdb.rx = RX_CS2;
            break;
        }
        gdb.rx = RX_IDLE;
        gdb.cs |= (uint8_t)d;
        if (gdb.cs != gdb.sum) {
            send_raw("-", 1);
            break;
        }
        if (!gdb.no_ack) {
            send_raw("+", 1);
        }
        /* A NUL inside a packet would cut it short: treat it as unknown. */
        if (strlen(gdb.packet->str) != gdb.packet->len) {
            send_packet("");
            break;
        }
        handle_packet(gdb.packet->str);
        break;
    }
}

static void client_close(void)
{
    if (gdb.watch) {
        g_source_remove(gdb.watch);
        gdb.watch = 0;
    }
    if (gdb.fd >= 0) {
        close(gdb.fd);
        gdb.fd = -1;
    }
}

static gboolean on_client(gint fd, GIOCondition cond, gpointer opaque)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        gdb.watch = 0;
        close(gdb.fd);
        gdb.fd = -1;
        release_target();
        return G_SOURCE_REMOVE;
    }
    for (ssize_t i = 0; i < n && gdb.fd >= 0; i++) {
        rx_byte(buf[i]);
    }
    return G_SOURCE_CONTINUE;
}

static gboolean on_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    int c = accept(fd, NULL, NULL);

    if (c < 0) {
        return G_SOURCE_CONTINUE;
    }
    if (gdb.fd >= 0 || riscv_cpus()->len == 0) {
        /* One debugger at a time, and only a board with harts to debug. */
        close(c);
        return G_SOURCE_CONTINUE;
    }
    gdb.fd = c;
    gdb.rx = RX_IDLE;
    gdb.no_ack = false;
    gdb.c_cpu = NULL;
    g_string_truncate(gdb.last, 0);
    /* A debugger that connects finds the harts stopped, as with QEMU. */
    stop_all(gdb.stop_cpu ? gdb.stop_cpu : cpu_by_thread(1), GDB_SIGTRAP);
    gdb.watch = g_unix_fd_add(c, G_IO_IN | G_IO_HUP | G_IO_ERR, on_client,
                              NULL);
    return G_SOURCE_CONTINUE;
}

/* --- interface --- */

bool gdbstub_init(const char *spec, GError **errp)
{
    g_auto(GStrv) parts = NULL;
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_PASSIVE,
    };
    struct addrinfo *res = NULL;
    const char *host, *port;
    char *end;
    uint64_t n;
    int fd = -1, on = 1, rc;

    parts = g_strsplit(spec, ":", 3);
    if (g_strv_length(parts) != 3 || strcmp(parts[0], "tcp") != 0) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "-gdb %s: expected tcp::PORT or tcp:HOST:PORT", spec);
        return false;
    }
    host = *parts[1] ? parts[1] : NULL;
    port = parts[2];
    n = g_ascii_strtoull(port, &end, 10);
    if (!*port || *end || n == 0 || n > 65535) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "-gdb %s: '%s' is not a port number", spec, port);
        return false;
    }
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID, "-gdb %s: %s", spec,
                    gai_strerror(rc));
        return false;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_IO, "-gdb %s: cannot listen: %s",
                    spec, g_strerror(errno));
        return false;
    }
    gdb.listen_fd = fd;
    gdb.listen_watch = g_unix_fd_add(fd, G_IO_IN, on_accept, NULL);
    gdb.packet = g_string_new(NULL);
    gdb.last = g_string_new(NULL);
    gdb.stop_signal = GDB_SIGTRAP;
    return true;
}

void gdbstub_report_stop(RiscvCpu *cpu)
{
    if (gdb.fd < 0) {
        /* Nobody to tell (the debugger just left): run on. */
        release_target();
        return;
    }
    stop_all(cpu, GDB_SIGTRAP);
    send_stop_reply();
}

void gdbstub_exit(int code)
{
    if (gdb.listen_fd < 0) {
        return;
    }
    if (gdb.fd >= 0) {
        char reply[8];

        /* Process exited with CODE (E.3): gdb says "exited with code". */
        snprintf(reply, sizeof(reply), "W%02x", code & 0xff);
        send_packet(reply);
    }
    client_close();
    g_source_remove(gdb.listen_watch);
    close(gdb.listen_fd);
    gdb.listen_fd = -1;
    g_string_free(gdb.packet, TRUE);
    g_string_free(gdb.last, TRUE);
    riscv_breakpoint_remove_all();
}
