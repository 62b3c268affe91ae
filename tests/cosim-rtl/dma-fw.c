/*
 * Bare-metal firmware for the RTL DMA engine (models/rtl/kiln_axil_dma.v)
 * behind a cosim bridge on kiln's virt board: the window at 0x40002000
 * and PLIC source 34, as in dts/cosim-soc.dts.  It has the engine
 *
 *   1. copy a buffer in RAM to another (a length that is not a multiple
 *      of the bus width, so the last word is written with strobes),
 *   2. compute the CRC-32 of a buffer,
 *   3. read from where there is no memory (an error, not a hang),
 *
 * each time sleeping in WFI until the engine's interrupt, and checks the
 * results against its own copy loop and its own CRC-32.  It prints one
 * line per step and the instructions it retired (minstret) on the 16550
 * UART, then passes through the test finisher; a failed check prints why
 * and fails with the step's number.  tests/cosim-rtl/rtl-dma-test.c runs
 * it twice and compares the two consoles.
 */
#include <stddef.h>
#include <stdint.h>

#define UART_THR        0x10000000ul
#define FINISHER        0x00100000ul
#define FINISHER_PASS   0x5555u
#define FINISHER_FAIL   0x3333u

/* SiFive PLIC (riscv-plic-spec 1.0.0); context 0 is hart 0's M mode. */
#define PLIC            0x0c000000ul
#define PLIC_PRIORITY(n) (PLIC + 4ul * (n))
#define PLIC_ENABLE0(n) (PLIC + 0x2000ul + 4ul * ((n) / 32))
#define PLIC_THRESHOLD0 (PLIC + 0x200000ul)
#define PLIC_CLAIM0     (PLIC + 0x200004ul)

#define DMA             0x40002000ul
#define DMA_IRQ         34
#define DMA_SRC         (DMA + 0x00)
#define DMA_DST         (DMA + 0x04)
#define DMA_LEN         (DMA + 0x08)
#define DMA_CTRL        (DMA + 0x0c)
#define DMA_STATUS      (DMA + 0x10)
#define DMA_CRC         (DMA + 0x14)
#define CTRL_START      (1u << 0)
#define CTRL_IE         (1u << 1)
#define CTRL_CRC        (1u << 2)
#define STATUS_DONE     (1u << 0)
#define STATUS_ERROR    (1u << 1)

/* Priv 3.1.6, 3.1.9, 3.1.15 */
#define MSTATUS_MIE     (1ul << 3)
#define MIE_MEIE        (1ul << 11)
#define MCAUSE_MEI      ((1ul << (__riscv_xlen - 1)) | 11)

#define LEN             1003        /* not a multiple of 4, on purpose */
#define GUARD           0xa5

#define csr_read(csr) ({ unsigned long v_; \
    __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" :: "r"(v))
#define csr_set(csr, v) __asm__ volatile("csrs " #csr ", %0" :: "r"(v))
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" :: "r"(v))

static uint8_t src[LEN + 8] __attribute__((aligned(4)));
static uint8_t dst[LEN + 8] __attribute__((aligned(4)));
static uint8_t stack[4096] __attribute__((aligned(16)));

static volatile unsigned irq_count;
static volatile uint32_t irq_status;

static void mmio_write32(unsigned long addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static uint32_t mmio_read32(unsigned long addr)
{
    return *(volatile uint32_t *)addr;
}

static void putc_uart(char c)
{
    *(volatile uint8_t *)UART_THR = (uint8_t)c;
}

static void puts_uart(const char *s)
{
    while (*s) {
        putc_uart(*s++);
    }
}

static void put_dec(unsigned long v)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        putc_uart(buf[--n]);
    }
}

static void put_hex32(uint32_t v)
{
    puts_uart("0x");
    for (int i = 28; i >= 0; i -= 4) {
        putc_uart("0123456789abcdef"[(v >> i) & 0xf]);
    }
}

static void __attribute__((noreturn)) finish(unsigned code)
{
    mmio_write32(FINISHER, code ? (code << 16) | FINISHER_FAIL
                                : FINISHER_PASS);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

static void fail(unsigned step, const char *why)
{
    puts_uart("FAIL step ");
    put_dec(step);
    puts_uart(": ");
    puts_uart(why);
    puts_uart("\n");
    finish(step);
}

/* CRC-32 (IEEE 802.3, reflected; zlib's crc32), bit by bit. */
static uint32_t crc32_sw(const uint8_t *p, size_t n)
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

/*
 * The engine's interrupt: note and clear its status, and read the status
 * back so that the clearing write has reached the engine (and the line
 * has fallen) before the PLIC is told the interrupt is done.
 */
__attribute__((interrupt("machine"), aligned(4)))
static void trap_handler(void)
{
    uint32_t source;

    if (csr_read(mcause) != MCAUSE_MEI) {
        fail(99, "unexpected trap");
    }
    source = mmio_read32(PLIC_CLAIM0);
    if (source == DMA_IRQ) {
        uint32_t status = mmio_read32(DMA_STATUS);

        if (status & (STATUS_DONE | STATUS_ERROR)) {
            irq_status = status;
            irq_count++;
            mmio_write32(DMA_STATUS, status & (STATUS_DONE | STATUS_ERROR));
            (void)mmio_read32(DMA_STATUS);
        }
    }
    if (source) {
        mmio_write32(PLIC_CLAIM0, source);
    }
}

/*
 * Sleep until the engine's interrupt has been taken.  The flag is tested
 * with interrupts off, so one that comes between the test and the WFI
 * still ends the WFI (Priv 3.3.3) instead of being missed.
 */
static uint32_t wait_dma(unsigned seen)
{
    for (;;) {
        csr_clear(mstatus, MSTATUS_MIE);
        if (irq_count != seen) {
            break;
        }
        __asm__ volatile("wfi");
        csr_set(mstatus, MSTATUS_MIE);
    }
    csr_set(mstatus, MSTATUS_MIE);
    return irq_status;
}

static uint32_t dma_run(unsigned long from, unsigned long to, uint32_t len,
                        uint32_t mode)
{
    unsigned seen = irq_count;

    mmio_write32(DMA_SRC, (uint32_t)from);
    mmio_write32(DMA_DST, (uint32_t)to);
    mmio_write32(DMA_LEN, len);
    mmio_write32(DMA_CTRL, CTRL_START | CTRL_IE | mode);
    return wait_dma(seen);
}

int main(void)
{
    uint32_t seed = 12345;
    uint32_t status, crc;

    for (size_t i = 0; i < sizeof(src); i++) {
        seed = seed * 1103515245u + 12345u;
        src[i] = (uint8_t)(seed >> 16);
        dst[i] = GUARD;
    }

    mmio_write32(PLIC_PRIORITY(DMA_IRQ), 1);
    mmio_write32(PLIC_ENABLE0(DMA_IRQ), 1u << (DMA_IRQ % 32));
    mmio_write32(PLIC_THRESHOLD0, 0);
    csr_write(mtvec, (unsigned long)trap_handler);
    csr_set(mie, MIE_MEIE);
    csr_set(mstatus, MSTATUS_MIE);

    /* 1: copy */
    status = dma_run((unsigned long)src, (unsigned long)dst, LEN, 0);
    if (status != STATUS_DONE) {
        fail(1, "copy did not end DONE");
    }
    for (size_t i = 0; i < LEN; i++) {
        if (dst[i] != src[i]) {
            fail(1, "copy differs");
        }
    }
    for (size_t i = LEN; i < sizeof(dst); i++) {
        if (dst[i] != GUARD) {
            fail(1, "copy wrote past its end");
        }
    }
    puts_uart("copy ");
    put_dec(LEN);
    puts_uart(" bytes: ok\n");

    /* 2: CRC-32 */
    status = dma_run((unsigned long)src, 0, LEN, CTRL_CRC);
    crc = mmio_read32(DMA_CRC);
    if (status != STATUS_DONE) {
        fail(2, "crc did not end DONE");
    }
    if (crc != crc32_sw(src, LEN)) {
        fail(2, "crc differs from the software CRC-32");
    }
    puts_uart("crc32 ");
    put_hex32(crc);
    puts_uart(": ok\n");

    /* 3: nothing at address 0: the engine's read fails, it ends ERROR */
    status = dma_run(0, (unsigned long)dst, 16, 0);
    if (status != STATUS_ERROR) {
        fail(3, "a read of nowhere did not end ERROR");
    }
    puts_uart("bus error: ok\n");

    puts_uart("instret ");
    put_dec(csr_read(minstret));
    puts_uart(" mcycle ");
    put_dec(csr_read(mcycle));
    puts_uart("\n");
    finish(0);
}

/*
 * Reset entry: hart 0 gets gp (the default linker script's
 * __global_pointer$, which relaxed accesses count on) and a stack, and
 * runs main; other harts sleep.
 */
__attribute__((naked, section(".text.start")))
void _start(void)
{
    __asm__ volatile(
        "   csrr    t0, mhartid\n"
        "   bnez    t0, 1f\n"
        "   .option push\n"
        "   .option norelax\n"
        "   la      gp, __global_pointer$\n"
        "   .option pop\n"
        "   la      sp, %0 + %1\n"
        "   call    main\n"
        "1: wfi\n"
        "   j       1b\n"
        :: "i"(stack), "i"(sizeof(stack)));
}
