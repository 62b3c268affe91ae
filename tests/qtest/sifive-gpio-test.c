/*
 * The SiFive GPIO controller (hw/periph/gpio/sifive_gpio.c) on the board
 * tests/data/misc-gpio.dts, against the FE310-G002 manual, chapter 17:
 * pins driven from outside through "gpio-in", the controller's own
 * outputs on "gpio-out", and one interrupt line per pin on "irq".
 */
#include "libqtest.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#define GPIO            0x10012000
#define GPIO8           0x10013000      /* ngpios = 8 */
#define GPIO4           0x10014000      /* ngpios = 4, interrupts wired */

#define INPUT_VAL       0x00
#define INPUT_EN        0x04
#define OUTPUT_EN       0x08
#define OUTPUT_VAL      0x0c
#define PUE             0x10
#define DS              0x14
#define RISE_IE         0x18
#define RISE_IP         0x1c
#define FALL_IE         0x20
#define FALL_IP         0x24
#define HIGH_IE         0x28
#define HIGH_IP         0x2c
#define LOW_IE          0x30
#define LOW_IP          0x34
#define IOF_EN          0x38
#define IOF_SEL         0x3c
#define OUT_XOR         0x40

#define GPIO_PATH       "/machine/soc/gpio@10012000"
#define GPIO8_PATH      "/machine/soc/gpio@10013000"
#define GPIO4_PATH      "/machine/soc/gpio@10014000"
#define INTC_PATH       "/machine/interrupt-controller"

#define BIT(n)          (1u << (n))

static QTestState *gpio_init(const char *extra)
{
    return qtest_initf("-M dt,dts=%s/tests/data/misc-gpio.dts %s",
                       g_getenv("KILN_SOURCE_ROOT"), extra ? extra : "");
}

static uint32_t rd(QTestState *s, uint32_t reg)
{
    return qtest_readl(s, GPIO + reg);
}

static void wr(QTestState *s, uint32_t reg, uint32_t value)
{
    qtest_writel(s, GPIO + reg, value);
}

static void drive(QTestState *s, int pin, int level)
{
    qtest_set_irq_in(s, GPIO_PATH, "gpio-in", pin, level);
}

/* Every register is 0 after reset but low_ip, latched by input_val = 0. */
static void test_reset_values(void)
{
    QTestState *s = gpio_init(NULL);

    for (uint32_t reg = INPUT_VAL; reg <= OUT_XOR; reg += 4) {
        g_assert_cmphex(rd(s, reg), ==, reg == LOW_IP ? 0xffffffff : 0);
    }
    g_assert_cmphex(qtest_readl(s, GPIO8 + LOW_IP), ==, 0xff);
    qtest_quit(s);
}

static void test_registers_read_back(void)
{
    static const uint32_t rw[] = {
        INPUT_EN, OUTPUT_EN, OUTPUT_VAL, PUE, DS, RISE_IE, FALL_IE, HIGH_IE,
        LOW_IE, IOF_EN, IOF_SEL, OUT_XOR,
    };
    QTestState *s = gpio_init(NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(rw); i++) {
        wr(s, rw[i], 0xa5a5a5a5);
        g_assert_cmphex(rd(s, rw[i]), ==, 0xa5a5a5a5);
        wr(s, rw[i], 0);
        g_assert_cmphex(rd(s, rw[i]), ==, 0);
        /* Only the 8 pins of the small controller have bits. */
        qtest_writel(s, GPIO8 + rw[i], 0xffffffff);
        g_assert_cmphex(qtest_readl(s, GPIO8 + rw[i]), ==, 0xff);
    }
    qtest_quit(s);
}

/* 17.3: input_val is the pin's level where input_en is set. */
static void test_input_val_gated_by_input_en(void)
{
    QTestState *s = gpio_init(NULL);

    drive(s, 5, 1);
    drive(s, 31, 1);
    g_assert_cmphex(rd(s, INPUT_VAL), ==, 0);
    wr(s, INPUT_EN, BIT(5));
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(5));
    wr(s, INPUT_EN, 0xffffffff);
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(5) | BIT(31));
    drive(s, 5, 0);
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(31));
    qtest_quit(s);
}

/* 17.5: an undriven pin reads 1 with its pull-up, and floats (0) without. */
static void test_pull_up(void)
{
    QTestState *s = gpio_init(NULL);

    wr(s, INPUT_EN, 0xffffffff);
    wr(s, PUE, BIT(3));
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(3));
    /* A driven pin has the level driven, pull-up or not. */
    drive(s, 3, 0);
    drive(s, 4, 1);
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(4));
    wr(s, PUE, 0);
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(4));
    qtest_quit(s);
}

/* An output pin reads back its output, inverted by out_xor (17.7). */
static void test_output_loopback(void)
{
    QTestState *s = gpio_init(NULL);

    wr(s, INPUT_EN, 0xffffffff);
    wr(s, OUTPUT_VAL, BIT(1) | BIT(2));
    g_assert_cmphex(rd(s, INPUT_VAL), ==, 0);
    wr(s, OUTPUT_EN, BIT(1) | BIT(6));
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(1));
    wr(s, OUT_XOR, BIT(1) | BIT(6));
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(6));
    /* output_val keeps what was written (17.3). */
    g_assert_cmphex(rd(s, OUTPUT_VAL), ==, BIT(1) | BIT(2));
    /* A driver from outside wins over the pin's own. */
    drive(s, 6, 0);
    g_assert_cmphex(rd(s, INPUT_VAL), ==, 0);
    qtest_quit(s);
}

static void test_rise_interrupt(void)
{
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_out(s, GPIO_PATH);
    drive(s, 2, 0);
    wr(s, INPUT_EN, BIT(2));
    wr(s, RISE_IE, BIT(2));
    g_assert_false(qtest_get_irq(s, 2));

    drive(s, 2, 1);
    g_assert_cmphex(rd(s, RISE_IP), ==, BIT(2));
    g_assert_true(qtest_get_irq(s, 2));
    g_assert_false(qtest_get_irq(s, 3));

    /* Pending until a 1 is written to it, whatever the pin does. */
    drive(s, 2, 0);
    g_assert_true(qtest_get_irq(s, 2));
    wr(s, RISE_IP, 0);
    g_assert_cmphex(rd(s, RISE_IP), ==, BIT(2));
    wr(s, RISE_IP, ~BIT(2));
    g_assert_true(qtest_get_irq(s, 2));
    wr(s, RISE_IP, BIT(2));
    g_assert_cmphex(rd(s, RISE_IP), ==, 0);
    g_assert_false(qtest_get_irq(s, 2));
    qtest_quit(s);
}

static void test_fall_interrupt(void)
{
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_out(s, GPIO_PATH);
    drive(s, 31, 1);
    wr(s, INPUT_EN, BIT(31));
    wr(s, FALL_IE, BIT(31));
    wr(s, RISE_IP, 0xffffffff);
    g_assert_cmphex(rd(s, FALL_IP), ==, 0);

    drive(s, 31, 0);
    g_assert_cmphex(rd(s, FALL_IP), ==, BIT(31));
    g_assert_cmphex(rd(s, RISE_IP), ==, 0);
    g_assert_true(qtest_get_irq(s, 31));
    wr(s, FALL_IP, BIT(31));
    g_assert_false(qtest_get_irq(s, 31));
    qtest_quit(s);
}

/* A level bit sets again at once while its level lasts. */
static void test_high_interrupt(void)
{
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_out(s, GPIO_PATH);
    wr(s, INPUT_EN, BIT(7));
    wr(s, HIGH_IE, BIT(7));
    g_assert_cmphex(rd(s, HIGH_IP), ==, 0);
    g_assert_false(qtest_get_irq(s, 7));

    drive(s, 7, 1);
    g_assert_cmphex(rd(s, HIGH_IP), ==, BIT(7));
    g_assert_true(qtest_get_irq(s, 7));
    wr(s, HIGH_IP, BIT(7));
    g_assert_cmphex(rd(s, HIGH_IP), ==, BIT(7));
    g_assert_true(qtest_get_irq(s, 7));

    drive(s, 7, 0);
    g_assert_true(qtest_get_irq(s, 7));
    wr(s, HIGH_IP, BIT(7));
    g_assert_cmphex(rd(s, HIGH_IP), ==, 0);
    g_assert_false(qtest_get_irq(s, 7));
    qtest_quit(s);
}

static void test_low_interrupt(void)
{
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_out(s, GPIO_PATH);
    /* low_ip is latched from reset: enabling it raises the line at once. */
    wr(s, LOW_IE, BIT(0));
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_false(qtest_get_irq(s, 1));

    drive(s, 0, 1);
    wr(s, INPUT_EN, BIT(0));
    wr(s, LOW_IP, 0xffffffff);
    g_assert_cmphex(rd(s, LOW_IP), ==, ~BIT(0));
    g_assert_false(qtest_get_irq(s, 0));

    drive(s, 0, 0);
    g_assert_true(qtest_get_irq(s, 0));
    qtest_quit(s);
}

/* Pending bits latch whatever the enables say; the enable gates the line. */
static void test_pending_latches_without_enable(void)
{
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_out(s, GPIO_PATH);
    wr(s, INPUT_EN, BIT(9));
    drive(s, 9, 1);
    drive(s, 9, 0);
    g_assert_cmphex(rd(s, RISE_IP) & BIT(9), ==, BIT(9));
    g_assert_cmphex(rd(s, FALL_IP) & BIT(9), ==, BIT(9));
    g_assert_cmphex(rd(s, HIGH_IP) & BIT(9), ==, BIT(9));
    g_assert_false(qtest_get_irq(s, 9));

    wr(s, FALL_IE, BIT(9));
    g_assert_true(qtest_get_irq(s, 9));
    wr(s, FALL_IE, 0);
    g_assert_false(qtest_get_irq(s, 9));
    qtest_quit(s);
}

/* An output pin sees its own edges: software can raise its own interrupt. */
static void test_output_edge_interrupts(void)
{
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_out(s, GPIO_PATH);
    wr(s, INPUT_EN, BIT(12));
    wr(s, OUTPUT_EN, BIT(12));
    wr(s, RISE_IE, BIT(12));
    g_assert_false(qtest_get_irq(s, 12));
    wr(s, OUTPUT_VAL, BIT(12));
    g_assert_true(qtest_get_irq(s, 12));
    qtest_quit(s);
}

static void test_gpio_out(void)
{
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_out_named(s, GPIO_PATH, "gpio-out");
    wr(s, OUTPUT_VAL, BIT(0) | BIT(1));
    g_assert_false(qtest_get_irq(s, 0));

    wr(s, OUTPUT_EN, BIT(0) | BIT(2));
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_false(qtest_get_irq(s, 1));
    g_assert_false(qtest_get_irq(s, 2));

    wr(s, OUT_XOR, BIT(0) | BIT(2));
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_true(qtest_get_irq(s, 2));

    /* A pin not driven by its output is pulled up, or low. */
    wr(s, OUTPUT_EN, 0);
    g_assert_false(qtest_get_irq(s, 2));
    wr(s, PUE, BIT(2) | BIT(30));
    g_assert_true(qtest_get_irq(s, 2));
    g_assert_true(qtest_get_irq(s, 30));

    /* What comes from outside is not this controller's output. */
    drive(s, 5, 1);
    g_assert_false(qtest_get_irq(s, 5));
    qtest_quit(s);
}

/* A reset clears every register and lowers every line, on both lists. */
static void test_reset(void)
{
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_out_named(s, GPIO_PATH, "gpio-out");
    drive(s, 4, 1);
    wr(s, OUTPUT_EN, BIT(8));
    wr(s, OUTPUT_VAL, BIT(8));
    wr(s, PUE, BIT(9));
    wr(s, HIGH_IE, BIT(4));
    wr(s, INPUT_EN, BIT(4));
    g_assert_true(qtest_get_irq(s, 8));
    g_assert_true(qtest_get_irq(s, 9));

    json_node_unref(qtest_qmp(s, "{'execute': 'system_reset'}"));
    qtest_qmp_eventwait(s, "RESET");
    g_assert_false(qtest_get_irq(s, 8));
    g_assert_false(qtest_get_irq(s, 9));
    for (uint32_t reg = INPUT_VAL; reg <= OUT_XOR; reg += 4) {
        g_assert_cmphex(rd(s, reg), ==, reg == LOW_IP ? 0xffffffff : 0);
    }
    /* The outside world was not reset: pin 4 is still driven high. */
    wr(s, INPUT_EN, BIT(4));
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(4));
    qtest_quit(s);
}

static void test_reset_lowers_irq(void)
{
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_out(s, GPIO_PATH);
    wr(s, LOW_IE, 0xffffffff);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_true(qtest_get_irq(s, 31));
    json_node_unref(qtest_qmp(s, "{'execute': 'system_reset'}"));
    qtest_qmp_eventwait(s, "RESET");
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_false(qtest_get_irq(s, 31));
    qtest_quit(s);
}

/* The small controller has 8 pins: no line 8, no bit 8. */
static void test_ngpios(void)
{
    QTestState *s = gpio_init(NULL);
    g_autofree char *reply = NULL;

    qtest_irq_intercept_out(s, GPIO8_PATH);
    qtest_set_irq_in(s, GPIO8_PATH, "gpio-in", 7, 1);
    qtest_writel(s, GPIO8 + INPUT_EN, 0xffffffff);
    g_assert_cmphex(qtest_readl(s, GPIO8 + INPUT_VAL), ==, BIT(7));
    qtest_writel(s, GPIO8 + LOW_IP, 0xffffffff);
    g_assert_cmphex(qtest_readl(s, GPIO8 + LOW_IP), ==, 0x7f);
    qtest_writel(s, GPIO8 + LOW_IE, 0xffffffff);
    g_assert_true(qtest_get_irq(s, 6));
    g_assert_false(qtest_get_irq(s, 7));
    g_assert_false(qtest_get_irq(s, 8));

    reply = qtest_raw_cmd(s, "set_irq_in " GPIO8_PATH " gpio-in 8 1");
    g_assert_true(g_str_has_prefix(reply, "FAIL"));
    qtest_quit(s);
}

/* DT interrupts entry N is pin N's interrupt, whatever line it names. */
static void test_dt_interrupts_per_pin(void)
{
    static const int intc_line[] = { 3, 7, 11, 9 };
    QTestState *s = gpio_init(NULL);

    qtest_irq_intercept_in(s, INTC_PATH);
    qtest_writel(s, GPIO4 + INPUT_EN, 0xf);
    for (int pin = 0; pin < 4; pin++) {
        qtest_writel(s, GPIO4 + HIGH_IE, BIT(pin));
        qtest_set_irq_in(s, GPIO4_PATH, "gpio-in", pin, 1);
        for (int other = 0; other < 4; other++) {
            g_assert_cmpint(qtest_get_irq(s, intc_line[other]), ==,
                            other == pin);
        }
        qtest_set_irq_in(s, GPIO4_PATH, "gpio-in", pin, 0);
        qtest_writel(s, GPIO4 + HIGH_IP, 0xf);
        g_assert_false(qtest_get_irq(s, intc_line[pin]));
    }
    qtest_quit(s);
}

/* More interrupts in the DT than pins is a board error. */
static void test_too_many_interrupts(void)
{
    g_autofree char *cmd = g_strdup_printf(
        "'%s' -M dt,dts=%s/tests/data/misc-gpio-too-many-irqs.dts -nodefaults",
        qtest_qemu_binary(), g_getenv("KILN_SOURCE_ROOT"));
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    g_assert_true(g_spawn_command_line_sync(cmd, &out, &err, &status, NULL));
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 1);
    g_assert_nonnull(strstr(err, "misc-gpio-too-many-irqs.dts: "
                            "/gpio@10012000: interrupts: 3 entries, but "
                            "model sifive-gpio has 2 output lines"));
}

static void test_guest_errors(void)
{
    g_autofree char *dir = g_dir_make_tmp("sifive-gpio-XXXXXX", NULL);
    g_autofree char *log = g_build_filename(dir, "log", NULL);
    g_autofree char *opts = g_strdup_printf("-d guest_errors -D %s", log);
    g_autofree char *text = NULL;
    QTestState *s = gpio_init(opts);

    drive(s, 0, 1);
    wr(s, INPUT_EN, BIT(0));
    wr(s, INPUT_VAL, 0);
    g_assert_cmphex(rd(s, INPUT_VAL), ==, BIT(0));
    g_assert_cmphex(rd(s, 0x44), ==, 0);
    wr(s, 0xffc, 0x55);
    /* Only 32-bit accesses reach the registers (17.2). */
    g_assert_cmphex(qtest_readw(s, GPIO + INPUT_VAL), ==, 0);
    qtest_writeb(s, GPIO + INPUT_EN, 0);
    g_assert_cmphex(rd(s, INPUT_EN), ==, BIT(0));
    g_assert_true(qtest_probe_child(s));

    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, GPIO_PATH ": write of 0x0 to read-only "
                            "input_val\n"));
    g_assert_nonnull(strstr(text, GPIO_PATH ": read at unknown offset "
                            "0x44\n"));
    g_assert_nonnull(strstr(text, GPIO_PATH ": write of 0x55 at unknown "
                            "offset 0xffc\n"));
    qtest_quit(s);
    g_unlink(log);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sifive-gpio/reset-values", test_reset_values);
    g_test_add_func("/sifive-gpio/registers-read-back",
                    test_registers_read_back);
    g_test_add_func("/sifive-gpio/input-val-gated-by-input-en",
                    test_input_val_gated_by_input_en);
    g_test_add_func("/sifive-gpio/pull-up", test_pull_up);
    g_test_add_func("/sifive-gpio/output-loopback", test_output_loopback);
    g_test_add_func("/sifive-gpio/rise-interrupt", test_rise_interrupt);
    g_test_add_func("/sifive-gpio/fall-interrupt", test_fall_interrupt);
    g_test_add_func("/sifive-gpio/high-interrupt", test_high_interrupt);
    g_test_add_func("/sifive-gpio/low-interrupt", test_low_interrupt);
    g_test_add_func("/sifive-gpio/pending-latches-without-enable",
                    test_pending_latches_without_enable);
    g_test_add_func("/sifive-gpio/output-edge-interrupts",
                    test_output_edge_interrupts);
    g_test_add_func("/sifive-gpio/gpio-out", test_gpio_out);
    g_test_add_func("/sifive-gpio/reset", test_reset);
    g_test_add_func("/sifive-gpio/reset-lowers-irq", test_reset_lowers_irq);
    g_test_add_func("/sifive-gpio/ngpios", test_ngpios);
    g_test_add_func("/sifive-gpio/dt-interrupts-per-pin",
                    test_dt_interrupts_per_pin);
    g_test_add_func("/sifive-gpio/too-many-interrupts",
                    test_too_many_interrupts);
    g_test_add_func("/sifive-gpio/guest-errors", test_guest_errors);
    return g_test_run();
}
