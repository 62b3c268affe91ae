/*
 * The PLIC (hw/periph/intc/sifive_plic.c) against the RISC-V PLIC
 * Specification 1.0.0: its memory map, gateways, and claim/complete.
 *
 * The virt board's PLIC has 95 sources and two contexts: output line 0
 * is hart 0's M-mode context, line 1 its S-mode context.  Sources are
 * driven with set_irq_in on the PLIC's "irq" input list, where line N is
 * interrupt ID N.  The board tests/data/intc-two-harts.dts has 40 sources
 * and four contexts (M and S of hart 0, then of hart 1).
 */
#include "libqtest.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define PLIC            0xc000000ULL
#define PRIORITY(id)    (PLIC + 4 * (id))
#define PENDING(w)      (PLIC + 0x1000 + 4 * (w))
#define ENABLE(ctx, w)  (PLIC + 0x2000 + 0x80 * (ctx) + 4 * (w))
#define THRESHOLD(ctx)  (PLIC + 0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx)      (PLIC + 0x200004 + 0x1000 * (ctx))
#define PLIC_PATH       "/machine/soc/plic@c000000"

enum { CTX_M0, CTX_S0, CTX_M1, CTX_S1 };

static QTestState *start_virt(void)
{
    QTestState *s = qtest_init("-M virt");

    qtest_irq_intercept_out(s, PLIC_PATH);
    return s;
}

static QTestState *start_two_harts(void)
{
    QTestState *s = qtest_initf("-M dt,dts=%s/tests/data/intc-two-harts.dts",
                                g_getenv("KILN_SOURCE_ROOT"));

    qtest_irq_intercept_out(s, PLIC_PATH);
    return s;
}

static void source_set(QTestState *s, int id, int level)
{
    qtest_set_irq_in(s, PLIC_PATH, "irq", id, level);
}

/* Enable ID for CTX, keeping the other enable bits of its word. */
static void enable(QTestState *s, int ctx, int id)
{
    uint64_t addr = ENABLE(ctx, id / 32);

    qtest_writel(s, addr, qtest_readl(s, addr) | 1u << (id % 32));
}

static bool pending(QTestState *s, int id)
{
    return qtest_readl(s, PENDING(id / 32)) & 1u << (id % 32);
}

static void test_reset_values(void)
{
    QTestState *s = start_virt();

    for (int id = 1; id <= 95; id++) {
        g_assert_cmphex(qtest_readl(s, PRIORITY(id)), ==, 0);
    }
    for (int w = 0; w < 3; w++) {
        g_assert_cmphex(qtest_readl(s, PENDING(w)), ==, 0);
        g_assert_cmphex(qtest_readl(s, ENABLE(CTX_M0, w)), ==, 0);
        g_assert_cmphex(qtest_readl(s, ENABLE(CTX_S0, w)), ==, 0);
    }
    g_assert_cmphex(qtest_readl(s, THRESHOLD(CTX_M0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, THRESHOLD(CTX_S0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, CLAIM(CTX_M0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, CLAIM(CTX_S0)), ==, 0);
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_false(qtest_get_irq(s, CTX_S0));
    qtest_quit(s);
}

static void test_registers(void)
{
    QTestState *s = start_virt();

    /* Priorities and thresholds keep 3 bits (WARL). */
    qtest_writel(s, PRIORITY(1), 5);
    g_assert_cmphex(qtest_readl(s, PRIORITY(1)), ==, 5);
    qtest_writel(s, PRIORITY(95), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, PRIORITY(95)), ==, 7);
    qtest_writel(s, PRIORITY(2), 0x9);
    g_assert_cmphex(qtest_readl(s, PRIORITY(2)), ==, 1);
    g_assert_cmphex(qtest_readl(s, PRIORITY(3)), ==, 0);
    qtest_writel(s, THRESHOLD(CTX_M0), 0xff);
    g_assert_cmphex(qtest_readl(s, THRESHOLD(CTX_M0)), ==, 7);
    g_assert_cmphex(qtest_readl(s, THRESHOLD(CTX_S0)), ==, 0);
    qtest_writel(s, THRESHOLD(CTX_S0), 3);
    g_assert_cmphex(qtest_readl(s, THRESHOLD(CTX_S0)), ==, 3);
    g_assert_cmphex(qtest_readl(s, THRESHOLD(CTX_M0)), ==, 7);

    /* Enable bit 0 of word 0 is ID 0, which does not exist. */
    qtest_writel(s, ENABLE(CTX_M0, 0), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_M0, 0)), ==, 0xfffffffe);
    qtest_writel(s, ENABLE(CTX_M0, 2), 0x80000001);
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_M0, 2)), ==, 0x80000001);
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_M0, 1)), ==, 0);
    /* Each context has its own enables. */
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_S0, 0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_S0, 2)), ==, 0);
    qtest_writel(s, ENABLE(CTX_S0, 1), 0x00010000);
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_S0, 1)), ==, 0x00010000);
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_M0, 1)), ==, 0);
    qtest_writel(s, ENABLE(CTX_M0, 0), 0);
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_M0, 0)), ==, 0);

    /* Nothing is pending, so nothing of this raised a line. */
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_false(qtest_get_irq(s, CTX_S0));
    qtest_quit(s);
}

static void test_claim_complete(void)
{
    QTestState *s = start_virt();

    qtest_writel(s, PRIORITY(10), 1);
    enable(s, CTX_M0, 10);

    source_set(s, 10, 1);
    g_assert_true(pending(s, 10));
    g_assert_true(qtest_get_irq(s, CTX_M0));
    g_assert_false(qtest_get_irq(s, CTX_S0));

    /* The claim returns the source, clears its pending bit, lowers the line. */
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 10);
    g_assert_false(pending(s, 10));
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 0);

    /* The device is serviced: its line falls before the completion. */
    source_set(s, 10, 0);
    qtest_writel(s, CLAIM(CTX_M0), 10);
    g_assert_false(pending(s, 10));
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 0);

    /* The gateway is open again: the next rising level pends. */
    source_set(s, 10, 1);
    g_assert_true(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 10);
    qtest_quit(s);
}

static void test_level_gateway(void)
{
    QTestState *s = start_virt();

    qtest_writel(s, PRIORITY(10), 1);
    enable(s, CTX_M0, 10);
    source_set(s, 10, 1);
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 10);

    /*
     * In flight: no new request until the completion, whether the level
     * stays high or the device drops and raises it again.
     */
    g_assert_false(pending(s, 10));
    g_assert_false(qtest_get_irq(s, CTX_M0));
    source_set(s, 10, 0);
    source_set(s, 10, 1);
    g_assert_false(pending(s, 10));
    g_assert_false(qtest_get_irq(s, CTX_M0));

    /* Completing while the level is still high pends it again. */
    qtest_writel(s, CLAIM(CTX_M0), 10);
    g_assert_true(pending(s, 10));
    g_assert_true(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 10);
    g_assert_false(qtest_get_irq(s, CTX_M0));

    /*
     * A request stays pending when the source deasserts before the claim
     * (spec 1.0.0, Interrupt Gateways): the handler finds nothing to do.
     */
    qtest_writel(s, CLAIM(CTX_M0), 10);
    g_assert_true(qtest_get_irq(s, CTX_M0));
    source_set(s, 10, 0);
    g_assert_true(pending(s, 10));
    g_assert_true(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 10);
    qtest_writel(s, CLAIM(CTX_M0), 10);
    g_assert_false(pending(s, 10));
    g_assert_false(qtest_get_irq(s, CTX_M0));
    qtest_quit(s);
}

static void test_threshold(void)
{
    QTestState *s = start_virt();

    qtest_writel(s, PRIORITY(20), 3);
    enable(s, CTX_M0, 20);
    qtest_writel(s, THRESHOLD(CTX_M0), 3);
    source_set(s, 20, 1);

    /* Only a priority above the threshold interrupts. */
    g_assert_true(pending(s, 20));
    g_assert_false(qtest_get_irq(s, CTX_M0));
    qtest_writel(s, THRESHOLD(CTX_M0), 2);
    g_assert_true(qtest_get_irq(s, CTX_M0));
    qtest_writel(s, THRESHOLD(CTX_M0), 7);
    g_assert_false(qtest_get_irq(s, CTX_M0));
    qtest_writel(s, PRIORITY(20), 7);
    g_assert_false(qtest_get_irq(s, CTX_M0));
    qtest_writel(s, THRESHOLD(CTX_M0), 0);
    g_assert_true(qtest_get_irq(s, CTX_M0));

    /* Priority 0 means never interrupt, even at threshold 0. */
    qtest_writel(s, PRIORITY(20), 0);
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 0);

    /* Disabling the source masks it, and keeps it from being claimed. */
    qtest_writel(s, PRIORITY(20), 1);
    g_assert_true(qtest_get_irq(s, CTX_M0));
    qtest_writel(s, ENABLE(CTX_M0, 0), 0);
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 0);
    g_assert_true(pending(s, 20));
    qtest_quit(s);
}

static void test_threshold_polling(void)
{
    QTestState *s = start_virt();

    /*
     * The threshold masks the notification, not the claim (spec 1.0.0,
     * "Interrupt Claim Process"): at the maximum threshold a context
     * polls by claiming.
     */
    qtest_writel(s, THRESHOLD(CTX_M0), 7);
    qtest_writel(s, PRIORITY(20), 3);
    qtest_writel(s, PRIORITY(21), 7);
    enable(s, CTX_M0, 20);
    enable(s, CTX_M0, 21);
    source_set(s, 20, 1);
    source_set(s, 21, 1);
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 21);
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 20);
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 0);
    g_assert_false(pending(s, 20));
    g_assert_false(pending(s, 21));
    g_assert_false(qtest_get_irq(s, CTX_M0));
    qtest_quit(s);
}

static void test_priority_order(void)
{
    QTestState *s = start_virt();
    static const struct { int id, prio; } src[] = {
        { 5, 2 }, { 9, 6 }, { 7, 6 }, { 70, 7 }, { 40, 1 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(src); i++) {
        qtest_writel(s, PRIORITY(src[i].id), src[i].prio);
        enable(s, CTX_M0, src[i].id);
    }
    /* Source 60 has the top priority but is not enabled for the context. */
    qtest_writel(s, PRIORITY(60), 7);
    source_set(s, 60, 1);
    for (size_t i = 0; i < G_N_ELEMENTS(src); i++) {
        source_set(s, src[i].id, 1);
    }
    g_assert_cmphex(qtest_readl(s, PENDING(0)), ==, 1u << 5 | 1u << 7 | 1u << 9);
    g_assert_cmphex(qtest_readl(s, PENDING(1)), ==, 1u << (40 - 32) |
                                                   1u << (60 - 32));
    g_assert_cmphex(qtest_readl(s, PENDING(2)), ==, 1u << (70 - 64));

    /* Highest priority first; equal priorities by lowest ID. */
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 70);
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 7);
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 9);
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 5);
    g_assert_true(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 40);
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, PENDING(1)), ==, 1u << (60 - 32));
    qtest_quit(s);
}

static void test_contexts_independent(void)
{
    QTestState *s = start_virt();

    qtest_writel(s, PRIORITY(12), 2);
    enable(s, CTX_S0, 12);
    source_set(s, 12, 1);
    g_assert_true(qtest_get_irq(s, CTX_S0));
    g_assert_false(qtest_get_irq(s, CTX_M0));

    /* The M context has no claim on a source it has not enabled. */
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 0);
    g_assert_true(pending(s, 12));
    /* A threshold masks only its own context. */
    qtest_writel(s, THRESHOLD(CTX_M0), 7);
    g_assert_true(qtest_get_irq(s, CTX_S0));
    qtest_writel(s, THRESHOLD(CTX_S0), 2);
    g_assert_false(qtest_get_irq(s, CTX_S0));
    qtest_writel(s, THRESHOLD(CTX_S0), 1);
    g_assert_true(qtest_get_irq(s, CTX_S0));

    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_S0)), ==, 12);
    g_assert_false(qtest_get_irq(s, CTX_S0));

    /*
     * A completion naming a source not enabled for the context is
     * ignored: the gateway stays closed although the level is high.
     */
    qtest_writel(s, CLAIM(CTX_M0), 12);
    g_assert_false(pending(s, 12));
    g_assert_false(qtest_get_irq(s, CTX_S0));
    qtest_writel(s, CLAIM(CTX_S0), 12);
    g_assert_true(pending(s, 12));
    g_assert_true(qtest_get_irq(s, CTX_S0));
    g_assert_false(qtest_get_irq(s, CTX_M0));

    /* Enabled in both: both lines, and the first claim takes it. */
    qtest_writel(s, THRESHOLD(CTX_M0), 0);
    enable(s, CTX_M0, 12);
    g_assert_true(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 12);
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_false(qtest_get_irq(s, CTX_S0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_S0)), ==, 0);
    qtest_quit(s);
}

static void test_two_harts(void)
{
    QTestState *s = start_two_harts();

    /* Hart 1's contexts are lines 2 (M) and 3 (S). */
    qtest_writel(s, PRIORITY(40), 4);
    enable(s, CTX_S1, 40);
    source_set(s, 40, 1);
    g_assert_true(qtest_get_irq(s, CTX_S1));
    g_assert_false(qtest_get_irq(s, CTX_M1));
    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_false(qtest_get_irq(s, CTX_S0));
    g_assert_cmphex(qtest_readl(s, PENDING(1)), ==, 1u << (40 - 32));

    qtest_writel(s, PRIORITY(33), 1);
    enable(s, CTX_M1, 33);
    source_set(s, 33, 1);
    g_assert_true(qtest_get_irq(s, CTX_M1));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M1)), ==, 33);
    g_assert_false(qtest_get_irq(s, CTX_M1));
    g_assert_true(qtest_get_irq(s, CTX_S1));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_S1)), ==, 40);
    g_assert_false(qtest_get_irq(s, CTX_S1));

    /* With 40 sources, word 1 holds IDs 32..40 only. */
    qtest_writel(s, ENABLE(CTX_M0, 1), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_M0, 1)), ==, 0x1ff);
    qtest_writel(s, THRESHOLD(CTX_S1), 6);
    g_assert_cmphex(qtest_readl(s, THRESHOLD(CTX_S1)), ==, 6);
    qtest_quit(s);
}

static void test_system_reset(void)
{
    QTestState *s = start_virt();

    qtest_writel(s, PRIORITY(10), 1);
    qtest_writel(s, PRIORITY(11), 1);
    enable(s, CTX_M0, 10);
    enable(s, CTX_M0, 11);
    qtest_writel(s, THRESHOLD(CTX_S0), 4);
    source_set(s, 10, 1);
    source_set(s, 11, 1);
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 10);
    source_set(s, 11, 0);
    g_assert_true(qtest_get_irq(s, CTX_M0));

    qtest_qmp_assert_success_ref(s, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(s, "RESET");

    g_assert_false(qtest_get_irq(s, CTX_M0));
    g_assert_cmphex(qtest_readl(s, PRIORITY(10)), ==, 0);
    g_assert_cmphex(qtest_readl(s, ENABLE(CTX_M0, 0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, THRESHOLD(CTX_S0)), ==, 0);
    /*
     * Source 11's request went with the reset; source 10, still high,
     * meets an open gateway and pends again.
     */
    g_assert_cmphex(qtest_readl(s, PENDING(0)), ==, 1u << 10);
    qtest_writel(s, PRIORITY(10), 1);
    enable(s, CTX_M0, 10);
    g_assert_true(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 10);
    qtest_quit(s);
}

static void test_guest_errors(void)
{
    g_autofree char *log_path = NULL;
    g_autofree char *log = NULL;
    int fd = g_file_open_tmp("plic-test-XXXXXX.log", &log_path, NULL);
    QTestState *s;

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    s = qtest_initf("-M virt -d guest_errors -D %s", log_path);
    qtest_irq_intercept_out(s, PLIC_PATH);

    qtest_writel(s, PRIORITY(10), 1);
    enable(s, CTX_M0, 10);
    source_set(s, 10, 1);

    /* Source 0 and sources past riscv,ndev have no priority register. */
    qtest_writel(s, PRIORITY(0), 7);
    g_assert_cmphex(qtest_readl(s, PRIORITY(0)), ==, 0);
    qtest_writel(s, PRIORITY(96), 7);
    g_assert_cmphex(qtest_readl(s, PRIORITY(96)), ==, 0);
    /* The pending bits are read-only; word 3 (IDs 96..127) is not there. */
    qtest_writel(s, PENDING(0), 0);
    g_assert_cmphex(qtest_readl(s, PENDING(0)), ==, 1u << 10);
    g_assert_cmphex(qtest_readl(s, PENDING(3)), ==, 0);
    /* virt has two contexts: context 2 has no registers. */
    qtest_writel(s, ENABLE(2, 0), 0xffffffff);
    g_assert_cmphex(qtest_readl(s, ENABLE(2, 0)), ==, 0);
    g_assert_cmphex(qtest_readl(s, THRESHOLD(2)), ==, 0);
    g_assert_cmphex(qtest_readl(s, CLAIM(2)), ==, 0);
    /* Between the registers of context 0. */
    g_assert_cmphex(qtest_readl(s, THRESHOLD(CTX_M0) + 8), ==, 0);
    /* Completions of IDs that do not exist are ignored, silently. */
    qtest_writel(s, CLAIM(CTX_M0), 0);
    qtest_writel(s, CLAIM(CTX_M0), 1000);

    /* None of it disturbed the real state. */
    g_assert_true(qtest_get_irq(s, CTX_M0));
    g_assert_cmpuint(qtest_readl(s, CLAIM(CTX_M0)), ==, 10);
    qtest_quit(s);

    g_assert_true(g_file_get_contents(log_path, &log, NULL, NULL));
    g_assert_nonnull(strstr(log, PLIC_PATH ": write at reserved offset 0x0 "
                            "(value 0x7)\n"));
    g_assert_nonnull(strstr(log, PLIC_PATH ": read at reserved offset 0x0\n"));
    g_assert_nonnull(strstr(log, PLIC_PATH ": read at reserved offset "
                            "0x180\n"));
    g_assert_nonnull(strstr(log, PLIC_PATH ": write to read-only pending "
                            "bits at 0x1000 (value 0x0)\n"));
    g_assert_nonnull(strstr(log, PLIC_PATH ": read at reserved offset "
                            "0x100c\n"));
    g_assert_nonnull(strstr(log, PLIC_PATH ": write at reserved offset "
                            "0x2100 (value 0xffffffff)\n"));
    g_assert_nonnull(strstr(log, PLIC_PATH ": read at reserved offset "
                            "0x202004\n"));
    g_assert_nonnull(strstr(log, PLIC_PATH ": read at reserved offset "
                            "0x200008\n"));
    g_unlink(log_path);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/plic/reset-values", test_reset_values);
    g_test_add_func("/plic/registers", test_registers);
    g_test_add_func("/plic/claim-complete", test_claim_complete);
    g_test_add_func("/plic/level-gateway", test_level_gateway);
    g_test_add_func("/plic/threshold", test_threshold);
    g_test_add_func("/plic/threshold-polling", test_threshold_polling);
    g_test_add_func("/plic/priority-order", test_priority_order);
    g_test_add_func("/plic/contexts-independent", test_contexts_independent);
    g_test_add_func("/plic/two-harts", test_two_harts);
    g_test_add_func("/plic/system-reset", test_system_reset);
    g_test_add_func("/plic/guest-errors", test_guest_errors);
    return g_test_run();
}
