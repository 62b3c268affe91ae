/*
 * RISC-V hart-local interrupt controller ("riscv,cpu-intc").
 *
 * Models: the interrupt-controller child of each DT cpu node, whose input
 * number is the interrupt's cause code as in mip (RISC-V Privileged
 * Architecture 20211203, 3.1.9): 1 SSIP, 3 MSIP, 5 STIP, 7 MTIP, 9 SEIP,
 * 11 MEIP.  CLINT, PLIC and ACLINT outputs are wired to these inputs
 * through interrupts-extended.  The controller holds the levels that the
 * hart's mip reads.
 *
 * Unimplemented: no registers (it has none on real hardware); the hart
 * consumes `levels` directly.
 */
#include "riscv_cpu_intc.h"

enum { CPU_INTC_LINES = 16 };

typedef struct RiscvCpuIntc {
    Device dev;
    uint32_t levels;    /* bit N: input N is high */
} RiscvCpuIntc;

static void cpu_intc_set(Device *dev, int n, int level)
{
    RiscvCpuIntc *s = DEVICE_STATE(dev, RiscvCpuIntc);

    if (level) {
        s->levels |= 1u << n;
    } else {
        s->levels &= ~(1u << n);
    }
}

uint32_t riscv_cpu_intc_levels(Device *intc)
{
    return DEVICE_STATE(intc, RiscvCpuIntc)->levels;
}

static const char *const cpu_intc_compatible[] = { "riscv,cpu-intc", NULL };

static const LineDesc cpu_intc_inputs[] = {
    { .name = "irq", .count = CPU_INTC_LINES, .input = cpu_intc_set,
      .help = "interrupt lines by mip bit number" },
    LINES_END
};

const DeviceDesc riscv_cpu_intc_desc = {
    .name = "riscv-cpu-intc",
    .desc = "RISC-V hart-local interrupt controller (mip lines)",
    .compatible = cpu_intc_compatible,
    .state_size = sizeof(RiscvCpuIntc),
    .inputs = cpu_intc_inputs,
    /* No reset: levels follow the sources, which lower their lines. */
};
