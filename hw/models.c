/*
 * Every device model kiln has, in one list.  A model that is not named
 * here does not exist: there is no self-registration.
 */
#include "kiln/device.h"

extern const DeviceDesc riscv_cpu_intc_desc;
extern const DeviceDesc sifive_clint_desc;
extern const DeviceDesc sifive_plic_desc;

const DeviceDesc *const kiln_models[] = {
    &riscv_cpu_intc_desc,
    &sifive_clint_desc,
    &sifive_plic_desc,
    NULL,
};
