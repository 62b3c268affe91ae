/*
 * The qtest wire protocol, byte for byte: each command's exact reply, as
 * QEMU's system/qtest.c words it, so that QEMU's libqtest and any
 * qtest-speaking tool drive kiln unchanged.  The same file runs against
 * QEMU itself (the "protocol-vs-qemu" test), which keeps it honest.
 *
 * Only RAM is touched: kiln's virt and QEMU's both have RAM at
 * 0x80000000.  The test addresses sit 4 MiB in, clear of the firmware
 * QEMU loads at the base of RAM.
 */
#include "libqtest.h"

#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define RAM 0x80400000ULL

static void G_GNUC_PRINTF(3, 4)
assert_cmd(QTestState *s, const char *want, const char *fmt, ...)
{
    g_autofree char *line = NULL;
    g_autofree char *got = NULL;
    va_list ap;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    got = qtest_raw_cmd(s, line);
    if (strcmp(got, want) != 0) {
        g_error("'%s' was answered '%s', want '%s'", line, got, want);
    }
}

/* QEMU's major version, from the QMP greeting. */
static int64_t qemu_major(QTestState *s)
{
    JsonObject *o = json_node_get_object(qtest_qmp_greeting(s));

    o = json_object_get_object_member(o, "QMP");
    o = json_object_get_object_member(o, "version");
    o = json_object_get_object_member(o, "qemu");
    return json_object_get_int_member(o, "major");
}

/*
 * QEMU 10.0 made clock_step and clock_set say FAIL when time does not
 * move as asked (commits "system/qtest: properly feedback results of
 * clock_[step|set]" and "tests/qtest: tighten up the checks on
 * clock_step"); older QEMUs answer OK with the unchanged time.  kiln
 * answers as QEMU 10 does.
 */
static bool clock_reports_failure(QTestState *s)
{
    return qtest_binary_is_kiln() || qemu_major(s) >= 10;
}

static bool skip_without_clock(QTestState *s)
{
    if (!qtest_has_clock(s)) {
        g_test_skip("this QEMU has no qtest accelerator, hence no "
                    "clock_step or clock_set");
        qtest_quit(s);
        return true;
    }
    return false;
}

static void test_startup(void)
{
    QTestState *s = qtest_init("-M virt");

    g_assert_true(qtest_probe_child(s));
    assert_cmd(s, "OK little", "endianness");
    g_assert_false(qtest_big_endian(s));
    qtest_quit(s);
}

static void test_sigterm_exits_zero(void)
{
    QTestState *s = qtest_init("-M virt");
    int status;

    g_assert_cmpint(kill(qtest_pid(s), SIGTERM), ==, 0);
    status = qtest_wait_qemu(s);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    g_assert_false(qtest_probe_child(s));
    qtest_quit(s);
}

/* Each width reads back what it wrote, zero-extended to 16 digits. */
static void test_read_write_widths(void)
{
    QTestState *s = qtest_init("-M virt");

    assert_cmd(s, "OK", "writeb 0x%llx 0x5a", RAM);
    assert_cmd(s, "OK 0x000000000000005a", "readb 0x%llx", RAM);
    assert_cmd(s, "OK", "writew 0x%llx 0xbeef", RAM + 0x10);
    assert_cmd(s, "OK 0x000000000000beef", "readw 0x%llx", RAM + 0x10);
    assert_cmd(s, "OK", "writel 0x%llx 0xcafef00d", RAM + 0x20);
    assert_cmd(s, "OK 0x00000000cafef00d", "readl 0x%llx", RAM + 0x20);
    assert_cmd(s, "OK", "writeq 0x%llx 0xfedcba9876543210", RAM + 0x30);
    assert_cmd(s, "OK 0xfedcba9876543210", "readq 0x%llx", RAM + 0x30);

    /* Numbers are read with strtoul base 0: decimal works as well. */
    assert_cmd(s, "OK 0x00000000cafef00d", "readl %llu", RAM + 0x20);
    assert_cmd(s, "OK", "writeb %llu 17", RAM + 0x40);
    assert_cmd(s, "OK 0x0000000000000011", "readb 0x%llx", RAM + 0x40);

    /* The library's calls. */
    qtest_writeb(s, RAM + 0x50, 0xa5);
    qtest_writew(s, RAM + 0x52, 0x1234);
    qtest_writel(s, RAM + 0x54, 0x89abcdef);
    qtest_writeq(s, RAM + 0x58, 0x0123456789abcdefULL);
    g_assert_cmphex(qtest_readb(s, RAM + 0x50), ==, 0xa5);
    g_assert_cmphex(qtest_readw(s, RAM + 0x52), ==, 0x1234);
    g_assert_cmphex(qtest_readl(s, RAM + 0x54), ==, 0x89abcdef);
    g_assert_cmphex(qtest_readq(s, RAM + 0x58), ==, 0x0123456789abcdefULL);
    qtest_quit(s);
}

/* RISC-V is little-endian: the low byte of a quadword sits lowest. */
static void test_little_endian_layout(void)
{
    QTestState *s = qtest_init("-M virt");

    assert_cmd(s, "OK", "writeq 0x%llx 0x1122334455667788", RAM);
    assert_cmd(s, "OK 0x0000000000000088", "readb 0x%llx", RAM);
    assert_cmd(s, "OK 0x0000000000000011", "readb 0x%llx", RAM + 7);
    assert_cmd(s, "OK 0x0000000000005566", "readw 0x%llx", RAM + 2);
    assert_cmd(s, "OK 0x0000000011223344", "readl 0x%llx", RAM + 4);
    assert_cmd(s, "OK 0x8877665544332211", "read 0x%llx 8", RAM);

    assert_cmd(s, "OK", "writel 0x%llx 0xdeadbeef", RAM + 8);
    assert_cmd(s, "OK 0xefbeadde", "read 0x%llx 4", RAM + 8);
    qtest_quit(s);
}

static void test_read_write_bytes(void)
{
    QTestState *s = qtest_init("-M virt");

    assert_cmd(s, "OK", "write 0x%llx 4 0x01020304", RAM);
    assert_cmd(s, "OK 0x01020304", "read 0x%llx 4", RAM);
    assert_cmd(s, "OK 0x0102", "read 0x%llx 0x2", RAM);
    /* Data shorter than SIZE is padded with zero bytes. */
    assert_cmd(s, "OK", "write 0x%llx 4 0xaabb", RAM);
    assert_cmd(s, "OK 0xaabb0000", "read 0x%llx 4", RAM);
    /* Hex digits in either case. */
    assert_cmd(s, "OK", "write 0x%llx 2 0xABcd", RAM);
    assert_cmd(s, "OK 0xabcd0000", "read 0x%llx 4", RAM);

    assert_cmd(s, "OK", "b64write 0x%llx 3 AQID", RAM);
    assert_cmd(s, "OK AQID", "b64read 0x%llx 3", RAM);
    assert_cmd(s, "OK 0x01020300", "read 0x%llx 4", RAM);
    assert_cmd(s, "OK AQIDAA==", "b64read 0x%llx 4", RAM);

    assert_cmd(s, "OK", "memset 0x%llx 4 0x55", RAM);
    assert_cmd(s, "OK 0x55555555", "read 0x%llx 4", RAM);
    assert_cmd(s, "OK", "memset 0x%llx 2 0xff", RAM + 1);
    assert_cmd(s, "OK 0x55ffff55", "read 0x%llx 4", RAM);
    /* A zero size is permitted and writes nothing. */
    assert_cmd(s, "OK", "memset 0x%llx 0 0xaa", RAM);
    assert_cmd(s, "OK 0x55ffff55", "read 0x%llx 4", RAM);

    /* Data too short to hold a byte is refused, as QEMU refuses it. */
    assert_cmd(s, "ERR invalid argument size", "write 0x%llx 4 0x", RAM);
    assert_cmd(s, "ERR invalid argument size", "b64write 0x%llx 4 AQ", RAM);
    assert_cmd(s, "OK 0x55ffff55", "read 0x%llx 4", RAM);
    qtest_quit(s);
}

/* Bulk transfers through the library, both encodings crossed. */
static void test_bulk_transfers(void)
{
    QTestState *s = qtest_init("-M virt");
    uint8_t out[4096], in[sizeof(out)];
    size_t i;

    for (i = 0; i < sizeof(out); i++) {
        out[i] = i * 7 + (i >> 8);
    }
    qtest_memwrite(s, RAM, out, sizeof(out));
    qtest_bufread(s, RAM, in, sizeof(in));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));

    for (i = 0; i < sizeof(out); i++) {
        out[i] = ~out[i];
    }
    qtest_bufwrite(s, RAM, out, sizeof(out));
    qtest_memread(s, RAM, in, sizeof(in));
    g_assert_cmpmem(in, sizeof(in), out, sizeof(out));

    qtest_memset(s, RAM + 1, 0x3c, 5);
    qtest_memread(s, RAM, in, 8);
    g_assert_cmphex(in[0], ==, out[0]);
    for (i = 1; i < 6; i++) {
        g_assert_cmphex(in[i], ==, 0x3c);
    }
    g_assert_cmphex(in[6], ==, out[6]);
    qtest_quit(s);
}

/*
 * RISC-V has no port I/O: QEMU's I/O space is empty, reads float high
 * (four hex digits at least, as "OK 0x%04x" prints them) and writes
 * vanish.
 */
static void test_empty_port_space(void)
{
    QTestState *s = qtest_init("-M virt");

    assert_cmd(s, "OK 0x00ff", "inb 0x10");
    assert_cmd(s, "OK 0xffff", "inw 0x10");
    assert_cmd(s, "OK 0xffffffff", "inl 0x10");
    assert_cmd(s, "OK", "outb 0x10 0x12");
    assert_cmd(s, "OK", "outw 0x10 0x1234");
    assert_cmd(s, "OK", "outl 0x10 0x12345678");
    assert_cmd(s, "OK 0xffffffff", "inl 0x10");
    assert_cmd(s, "OK 0x00ff", "inb 0xffff");

    qtest_outl(s, 0x20, 0);
    g_assert_cmphex(qtest_inb(s, 0x20), ==, 0xff);
    g_assert_cmphex(qtest_inw(s, 0x20), ==, 0xffff);
    g_assert_cmphex(qtest_inl(s, 0x20), ==, 0xffffffff);
    qtest_quit(s);
}

/* Under qtest, virtual time starts at 0 and moves only when told. */
static void test_clock(void)
{
    QTestState *s = qtest_init("-M virt");
    bool fails;

    if (skip_without_clock(s)) {
        return;
    }
    fails = clock_reports_failure(s);
    assert_cmd(s, "OK 100", "clock_step 100");
    assert_cmd(s, "OK 150", "clock_step 50");
    assert_cmd(s, "OK 1000", "clock_set 1000");
    assert_cmd(s, "OK 1000", "clock_set 1000");
    /* Time never runs backwards; the reply says where it stayed. */
    assert_cmd(s, fails ? "FAIL 1000" : "OK 1000", "clock_set 500");
    assert_cmd(s, "OK 1010", "clock_step 10");

    g_assert_cmpint(qtest_clock_step(s, 90), ==, 1100);
    g_assert_cmpint(qtest_clock_set(s, 5000), ==, 5000);
    qtest_quit(s);
}

/* The empty board arms no timer, so there is no deadline to step to. */
static void test_clock_without_deadline(void)
{
    QTestState *s = qtest_init("-M none");
    bool fails;

    if (skip_without_clock(s)) {
        return;
    }
    fails = clock_reports_failure(s);
    assert_cmd(s, fails ? "FAIL cannot advance clock to the next deadline "
                          "because there is no pending deadline"
                        : "OK 0", "clock_step");
    assert_cmd(s, fails ? "FAIL could not advance time" : "OK 0",
               "clock_step 0");
    assert_cmd(s, "OK 10", "clock_step 10");
    assert_cmd(s, fails ? "FAIL 10" : "OK 10", "clock_set 5");
    assert_cmd(s, "OK little", "endianness");
    qtest_quit(s);
}

static void test_unknown_command(void)
{
    QTestState *s = qtest_init("-M virt");

    assert_cmd(s, "FAIL Unknown command 'xyz'", "xyz");
    assert_cmd(s, "FAIL Unknown command 'xyz'", "xyz 1 2");
    assert_cmd(s, "FAIL Unknown command 'READB'", "READB 0x%llx", RAM);
    assert_cmd(s, "OK little", "endianness");
    qtest_quit(s);
}

static void test_unknown_device(void)
{
    QTestState *s = qtest_init("-M virt");

    assert_cmd(s, "FAIL Unknown device",
               "irq_intercept_in /machine/nonexistent");
    assert_cmd(s, "FAIL Unknown device",
               "irq_intercept_out /machine/nonexistent");
    assert_cmd(s, "FAIL Unknown device",
               "set_irq_in /machine/nonexistent unnamed-gpio-in 0 1");
    assert_cmd(s, "OK little", "endianness");
    qtest_quit(s);
}

/*
 * QEMU aborts on lines it cannot parse (g_assert in system/qtest.c); kiln
 * answers FAIL and carries on, so that one bad line in a long session
 * costs one error instead of the board.
 */
static void test_malformed_lines(void)
{
    static const char *const lines[] = {
        "",
        "readl",
        "readl zzz",
        "writel 0x80400000",
        "writel 0x80400000 zzz",
        "read 0x80400000",
        "read 0x80400000 0",
        "write 0x80400000 4",
        "b64read 0x80400000",
        "memset 0x80400000 4",
        "inb",
        "outb 0x10000 0",
        "clock_step zzz",
        "clock_set",
        "irq_intercept_in",
        "set_irq_in /machine",
    };
    QTestState *s;
    size_t i;

    if (!qtest_binary_is_kiln()) {
        g_test_skip("QEMU aborts on malformed lines");
        return;
    }
    s = qtest_init("-M virt");
    qtest_writel(s, RAM, 0x600dcafe);
    for (i = 0; i < G_N_ELEMENTS(lines); i++) {
        g_autofree char *reply = qtest_raw_cmd(s, lines[i]);

        if (!g_str_has_prefix(reply, "FAIL")) {
            g_error("'%s' was answered '%s', want FAIL", lines[i], reply);
        }
        g_assert_true(qtest_probe_child(s));
    }
    assert_cmd(s, "OK little", "endianness");
    g_assert_cmphex(qtest_readl(s, RAM), ==, 0x600dcafe);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/protocol/startup", test_startup);
    g_test_add_func("/protocol/sigterm-exits-zero", test_sigterm_exits_zero);
    g_test_add_func("/protocol/read-write-widths", test_read_write_widths);
    g_test_add_func("/protocol/little-endian-layout",
                    test_little_endian_layout);
    g_test_add_func("/protocol/read-write-bytes", test_read_write_bytes);
    g_test_add_func("/protocol/bulk-transfers", test_bulk_transfers);
    g_test_add_func("/protocol/empty-port-space", test_empty_port_space);
    g_test_add_func("/protocol/clock", test_clock);
    g_test_add_func("/protocol/clock-without-deadline",
                    test_clock_without_deadline);
    g_test_add_func("/protocol/unknown-command", test_unknown_command);
    g_test_add_func("/protocol/unknown-device", test_unknown_device);
    g_test_add_func("/protocol/malformed-lines", test_malformed_lines);
    return g_test_run();
}
