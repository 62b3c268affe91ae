/* The hart-local interrupt controller, as the hart reads it. */
#ifndef KILN_RISCV_CPU_INTC_H
#define KILN_RISCV_CPU_INTC_H

#include "kiln/device.h"

extern const DeviceDesc riscv_cpu_intc_desc;

/* Bit N set: input N (the mip bit of the same number) is high. */
uint32_t riscv_cpu_intc_levels(Device *intc);

#endif
