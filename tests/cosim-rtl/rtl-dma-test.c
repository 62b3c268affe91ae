/*
 * The RTL DMA engine (models/rtl/kiln_axil_dma.v, program kiln-rtl-dma)
 * behind a cosim bridge: its AXI4-Lite master reaches kiln's RAM through
 * the bridge, as bus master.
 *
 * Over qtest, the test fills RAM, programs the engine and lets virtual
 * time run until its interrupt: a copy, a CRC-32 against the test's own,
 * and the errors (a source where nothing is mapped, an unaligned one).
 *
 * On the CPU, firmware (dma-fw.c) does the same from kiln's hart, waiting
 * for the interrupt in WFI; it runs twice, and the two runs must print
 * the same console (instructions retired included) and leave the same
 * transaction trace of the bridge.
 */
#include "libqtest.h"
#include "console.h"
#include "rtl-rig.h"

#include <string.h>

#define DMA_SRC         0x00
#define DMA_DST         0x04
#define DMA_LEN         0x08
#define DMA_CTRL        0x0c
#define DMA_STATUS      0x10
#define DMA_CRC         0x14
#define CTRL_START      (1u << 0)
#define CTRL_IE         (1u << 1)
#define CTRL_CRC        (1u << 2)
#define STATUS_DONE     (1u << 0)
#define STATUS_ERROR    (1u << 1)
#define STATUS_BUSY     (1u << 2)

#define BUF_A           0x80100000u
#define BUF_B           0x80200000u

/* How long a firmware run may take, in wall-clock seconds. */
#define FIRMWARE_S      60

typedef struct DmaRig {
    RtlRig *rig;
    QTestState *s;
    int64_t now;                /* kiln's virtual time, ns */
} DmaRig;

static DmaRig dma_start(void)
{
    DmaRig d = { .rig = rtl_rig_new() };
    g_autofree char *path = rtl_rig_bridge_path(RTL_DMA_BASE);
    const char *ep = rtl_rig_start_model(d.rig, "KILN_RTL_DMA", "dma", NULL);

    rtl_rig_add_bridge(d.rig, RTL_DMA_BASE, RTL_DMA_IRQ, ep, NULL);
    d.s = qtest_initf("-M dt,dts=%s", rtl_rig_board(d.rig));
    qtest_irq_intercept_out(d.s, path);
    return d;
}

static void dma_stop(DmaRig *d)
{
    qtest_quit(d->s);
    rtl_rig_finish(d->rig);
}

static uint32_t dma_read(DmaRig *d, uint32_t reg)
{
    return qtest_readl(d->s, RTL_DMA_BASE + reg);
}

static void dma_write(DmaRig *d, uint32_t reg, uint32_t value)
{
    qtest_writel(d->s, RTL_DMA_BASE + reg, value);
}

/*
 * Start a run and let time go by, from one of kiln's timer deadlines to
 * the next (the bridge's: the engine's next bus request, as the harness
 * foresees it), until the interrupt rises.  Returns STATUS.
 */
static uint32_t dma_run(DmaRig *d, uint32_t src, uint32_t dst, uint32_t len,
                        uint32_t mode)
{
    int64_t start = d->now;
    uint32_t status;

    dma_write(d, DMA_SRC, src);
    dma_write(d, DMA_DST, dst);
    dma_write(d, DMA_LEN, len);
    dma_write(d, DMA_CTRL, CTRL_START | CTRL_IE | mode);
    while (!qtest_get_irq(d->s, 0)) {
        /* 1 ms of virtual time is far more than any run here needs. */
        d->now = qtest_clock_step_next(d->s);
        g_assert_cmpint(d->now - start, <, 1000000);
    }
    status = dma_read(d, DMA_STATUS);
    dma_write(d, DMA_STATUS, STATUS_DONE | STATUS_ERROR);
    d->now = qtest_clock_step(d->s, 100);
    g_assert_false(qtest_get_irq(d->s, 0));
    g_assert_cmpuint(dma_read(d, DMA_STATUS), ==, 0);
    return status;
}

static void fill(uint8_t *buf, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (uint8_t)(seed >> 16);
    }
}

/* CRC-32 (IEEE 802.3, reflected), as zlib's crc32(). */
static uint32_t crc32_ref(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;

    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
        }
    }
    return ~c;
}

static void test_registers(void)
{
    DmaRig d = dma_start();

    for (uint32_t reg = DMA_SRC; reg <= DMA_CRC; reg += 4) {
        g_assert_cmpuint(dma_read(&d, reg), ==, 0);
    }
    dma_write(&d, DMA_SRC, 0x80001000);
    dma_write(&d, DMA_DST, 0x80002000);
    dma_write(&d, DMA_LEN, 77);
    dma_write(&d, DMA_CTRL, CTRL_IE | CTRL_CRC);
    g_assert_cmphex(dma_read(&d, DMA_SRC), ==, 0x80001000);
    g_assert_cmphex(dma_read(&d, DMA_DST), ==, 0x80002000);
    g_assert_cmpuint(dma_read(&d, DMA_LEN), ==, 77);
    g_assert_cmphex(dma_read(&d, DMA_CTRL), ==, CTRL_IE | CTRL_CRC);
    /* STATUS and CRC are read-only but for STATUS's write-1-to-clear. */
    dma_write(&d, DMA_CRC, 0x1234);
    g_assert_cmpuint(dma_read(&d, DMA_CRC), ==, 0);
    g_assert_cmpuint(dma_read(&d, 0x18), ==, 0);
    g_assert_false(qtest_get_irq(d.s, 0));
    dma_stop(&d);
}

static void test_copy(void)
{
    DmaRig d = dma_start();
    uint8_t src[1021], dst[sizeof(src) + 8], guard[8];

    fill(src, sizeof(src), 1);
    memset(guard, 0x5a, sizeof(guard));
    qtest_bufwrite(d.s, BUF_A, src, sizeof(src));
    qtest_memset(d.s, BUF_B, 0x5a, sizeof(dst));
    g_assert_cmphex(dma_run(&d, BUF_A, BUF_B, sizeof(src), 0), ==,
                    STATUS_DONE);
    qtest_bufread(d.s, BUF_B, dst, sizeof(dst));
    g_assert_cmpmem(dst, sizeof(src), src, sizeof(src));
    /* The last word is written with strobes: nothing past the end. */
    g_assert_cmpmem(dst + sizeof(src), 8, guard, 8);

    /* A second run, to show the first left the engine ready. */
    fill(src, 64, 2);
    qtest_bufwrite(d.s, BUF_A + 0x1000, src, 64);
    g_assert_cmphex(dma_run(&d, BUF_A + 0x1000, BUF_B, 64, 0), ==,
                    STATUS_DONE);
    qtest_bufread(d.s, BUF_B, dst, 64);
    g_assert_cmpmem(dst, 64, src, 64);
    dma_stop(&d);
}

static void test_crc(void)
{
    DmaRig d = dma_start();
    static const char check[] = "123456789";
    uint8_t buf[2003];

    /* The CRC-32 check value of the catalogues (reveng): 0xcbf43926. */
    qtest_bufwrite(d.s, BUF_A, check, 9);
    g_assert_cmphex(dma_run(&d, BUF_A, 0, 9, CTRL_CRC), ==, STATUS_DONE);
    g_assert_cmphex(dma_read(&d, DMA_CRC), ==, 0xcbf43926);

    fill(buf, sizeof(buf), 3);
    qtest_bufwrite(d.s, BUF_A, buf, sizeof(buf));
    g_assert_cmphex(dma_run(&d, BUF_A, 0, sizeof(buf), CTRL_CRC), ==,
                    STATUS_DONE);
    g_assert_cmphex(dma_read(&d, DMA_CRC), ==, crc32_ref(buf, sizeof(buf)));

    /* An empty run is done at once, with the CRC of nothing. */
    g_assert_cmphex(dma_run(&d, BUF_A, 0, 0, CTRL_CRC), ==, STATUS_DONE);
    g_assert_cmphex(dma_read(&d, DMA_CRC), ==, 0);
    dma_stop(&d);
}

static void test_errors(void)
{
    DmaRig d = dma_start();
    uint8_t before[16], after[16];

    /* Nothing is mapped at 0: the bridge's DMA fails, the engine says so. */
    qtest_bufread(d.s, BUF_B, before, sizeof(before));
    g_assert_cmphex(dma_run(&d, 0x0, BUF_B, 16, 0), ==, STATUS_ERROR);
    qtest_bufread(d.s, BUF_B, after, sizeof(after));
    g_assert_cmpmem(after, sizeof(after), before, sizeof(before));
    /* Nor where it would write. */
    g_assert_cmphex(dma_run(&d, BUF_A, 0x4, 16, 0), ==, STATUS_ERROR);
    /* Unaligned addresses are refused before any transfer. */
    g_assert_cmphex(dma_run(&d, BUF_A + 1, BUF_B, 16, 0), ==, STATUS_ERROR);
    g_assert_cmphex(dma_run(&d, BUF_A, BUF_B + 2, 16, 0), ==, STATUS_ERROR);
    /* And the engine still works afterwards. */
    g_assert_cmphex(dma_run(&d, BUF_A, BUF_B, 16, 0), ==, STATUS_DONE);
    dma_stop(&d);
}

/* --- the firmware, twice --- */

typedef struct FirmwareRun {
    char *console;
    char *trace;
} FirmwareRun;

static FirmwareRun run_firmware(void)
{
    const char *kiln = g_getenv("KILN_BINARY");
    const char *fw = g_getenv("KILN_DMA_FW");
    RtlRig *rig = rtl_rig_new();
    g_autofree char *trace_path = g_build_filename(rtl_rig_dir(rig),
                                                   "bridge.trace", NULL);
    g_autofree char *trace_prop = g_strdup_printf("kiln,trace = \"%s\";",
                                                  trace_path);
    const char *ep = rtl_rig_start_model(rig, "KILN_RTL_DMA", "dma", NULL);
    g_autofree char *machine = NULL;
    g_autoptr(Console) c = NULL;
    FirmwareRun run;
    GError *err = NULL;

    if (!kiln) {
        g_error("KILN_BINARY is not set: run this test under meson");
    }
    rtl_rig_add_bridge(rig, RTL_DMA_BASE, RTL_DMA_IRQ, ep, trace_prop);
    machine = g_strdup_printf("dt,dts=%s", rtl_rig_board(rig));
    {
        const char *argv[] = {
            kiln, "-M", machine, "-bios", fw, "-nographic", NULL,
        };

        c = console_start(argv);
    }
    console_expect(c, "copy 1003 bytes: ok\n", "the DMA copy", FIRMWARE_S);
    console_expect(c, ": ok\n", "the DMA CRC-32", FIRMWARE_S);
    console_expect(c, "bus error: ok\n", "the DMA error", FIRMWARE_S);
    g_assert_cmpint(console_wait_exit(c, FIRMWARE_S), ==, 0);
    run.console = g_strdup(console_output(c)->str);
    g_file_get_contents(trace_path, &run.trace, NULL, &err);
    g_assert_no_error(err);
    rtl_rig_finish(rig);
    return run;
}

static void test_firmware(void)
{
    FirmwareRun a, b;

    if (!g_getenv("KILN_DMA_FW")) {
        g_test_skip("no firmware: the RISC-V cross compiler was not found "
                    "at build time (scripts/install-deps.sh)");
        return;
    }
    a = run_firmware();
    b = run_firmware();

    g_test_message("console:\n%s", a.console);
    g_assert_nonnull(strstr(a.console, "instret "));
    /* The engine did its work on the bus: reads and writes of RAM. */
    g_assert_nonnull(strstr(a.trace, "DMA"));
    g_assert_cmpstr(a.console, ==, b.console);
    g_assert_cmpstr(a.trace, ==, b.trace);
    g_free(a.console);
    g_free(a.trace);
    g_free(b.console);
    g_free(b.trace);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cosim-rtl/dma/registers", test_registers);
    g_test_add_func("/cosim-rtl/dma/copy", test_copy);
    g_test_add_func("/cosim-rtl/dma/crc32", test_crc);
    g_test_add_func("/cosim-rtl/dma/errors", test_errors);
    g_test_add_func("/cosim-rtl/dma/firmware", test_firmware);
    return g_test_run();
}
