/*
 * The boards shipped in dts/: each assembles with strict=on (every node has
 * a model) and every device answers at the address its DT gives.
 */
#include "libqtest.h"

/* RAM at BASE of SIZE bytes: its ends hold what is written, past it nothing. */
static void check_ram(QTestState *s, uint64_t base, uint64_t size)
{
    qtest_writel(s, base, 0x11223344);
    qtest_writel(s, base + size - 4, 0x55667788);
    g_assert_cmphex(qtest_readl(s, base), ==, 0x11223344);
    g_assert_cmphex(qtest_readl(s, base + size - 4), ==, 0x55667788);
    qtest_writel(s, base + size, 0x99aabbcc);
    g_assert_cmphex(qtest_readl(s, base + size), ==, 0);
}

/* A register that keeps what is written (here: a priority or enable). */
static void check_rw(QTestState *s, uint64_t addr, uint32_t value)
{
    qtest_writel(s, addr, value);
    g_assert_cmphex(qtest_readl(s, addr), ==, value);
}

static void test_virt(void)
{
    QTestState *s = qtest_init("-M virt,strict=on");

    check_ram(s, 0x80000000, 128 * 1024 * 1024);
    g_assert_cmphex(qtest_readl(s, 0x100000), ==, 0);          /* finisher */
    g_assert_cmphex(qtest_readl(s, 0x101000), !=, 0);          /* RTC TIME_LOW */
    g_assert_cmphex(qtest_readl(s, 0x2004000), ==, 0xffffffff); /* mtimecmp */
    g_assert_cmphex(qtest_readq(s, 0x200bff8), ==, 0);         /* mtime at 0 */
    qtest_clock_step(s, 1000);
    g_assert_cmphex(qtest_readq(s, 0x200bff8), ==, 10);        /* 10 MHz */
    check_rw(s, 0xc000000 + 4 * 10, 5);                        /* PLIC prio 10 */
    g_assert_cmphex(qtest_readb(s, 0x10000005), ==, 0x60);     /* UART LSR */
    qtest_quit(s);
}

static void test_virt_smp(void)
{
    QTestState *s = qtest_init("-M virt,strict=on -smp 4");

    /* Hart 3's mtimecmp and M-context threshold exist; hart 4's do not. */
    g_assert_cmphex(qtest_readl(s, 0x2004000 + 8 * 3), ==, 0xffffffff);
    g_assert_cmphex(qtest_readl(s, 0x2004000 + 8 * 4), ==, 0);
    check_rw(s, 0xc200000 + 0x1000 * 6, 3);
    qtest_quit(s);
}

static void test_virt32(void)
{
    QTestState *s = qtest_init("-M virt32,strict=on");

    check_ram(s, 0x80000000, 128 * 1024 * 1024);
    g_assert_cmphex(qtest_readl(s, 0x2004000), ==, 0xffffffff);
    g_assert_cmphex(qtest_readb(s, 0x10000005), ==, 0x60);
    qtest_quit(s);
}

static void test_mcu32(void)
{
    QTestState *s = qtest_init("-M mcu32,strict=on");

    check_ram(s, 0x80000000, 16 * 1024);
    g_assert_cmphex(qtest_readl(s, 0x20000000), ==, 0xffffffff); /* erased flash */
    g_assert_cmphex(qtest_readl(s, 0x203ffffc), ==, 0xffffffff);
    g_assert_cmphex(qtest_readl(s, 0x2004000), ==, 0xffffffff);  /* mtimecmp */
    qtest_clock_step(s, 1000000000);
    g_assert_cmphex(qtest_readq(s, 0x200bff8), ==, 32768);       /* 1 s of RTC */
    check_rw(s, 0xc000000 + 4 * 3, 7);                           /* PLIC prio 3 */
    g_assert_cmphex(qtest_readl(s, 0x10000000), ==, 0);          /* AON placeholder */
    g_assert_cmphex(qtest_readl(s, 0x10008000), ==, 0);          /* PRCI placeholder */
    check_rw(s, 0x10012000 + 0x08, 0xff00ff00);                  /* GPIO output_en */
    g_assert_cmphex(qtest_readl(s, 0x10013000 + 0x18), ==, 138); /* UART0 div */
    g_assert_cmphex(qtest_readl(s, 0x10023000 + 0x18), ==, 138); /* UART1 div */
    g_assert_cmphex(qtest_readl(s, 0x10014000), ==, 0);          /* QSPI placeholder */
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/boards/virt", test_virt);
    g_test_add_func("/boards/virt-smp", test_virt_smp);
    g_test_add_func("/boards/virt32", test_virt32);
    g_test_add_func("/boards/mcu32", test_mcu32);
    return g_test_run();
}
