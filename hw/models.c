/*
 * Every device model kiln has, in one list.  A model that is not named
 * here does not exist: there is no self-registration.
 */
#include "kiln/device.h"

extern const DeviceDesc riscv_cpu_desc;
extern const DeviceDesc riscv_cpu_intc_desc;
extern const DeviceDesc ns16550_desc;
extern const DeviceDesc sifive_uart_desc;
extern const DeviceDesc sifive_clint_desc;
extern const DeviceDesc sifive_plic_desc;
extern const DeviceDesc goldfish_rtc_desc;
extern const DeviceDesc kiln_rom_desc;
extern const DeviceDesc kiln_unimp_desc;
extern const DeviceDesc mmio_sram_desc;
extern const DeviceDesc sifive_gpio_desc;
extern const DeviceDesc sifive_test_desc;
extern const DeviceDesc syscon_poweroff_desc;
extern const DeviceDesc syscon_reboot_desc;
extern const DeviceDesc cosim_bridge_desc;

const DeviceDesc *const kiln_models[] = {
    &riscv_cpu_desc,
    &riscv_cpu_intc_desc,
    &ns16550_desc,
    &sifive_uart_desc,
    &sifive_clint_desc,
    &sifive_plic_desc,
    &goldfish_rtc_desc,
    &kiln_rom_desc,
    &kiln_unimp_desc,
    &mmio_sram_desc,
    &sifive_gpio_desc,
    &sifive_test_desc,
    &syscon_poweroff_desc,
    &syscon_reboot_desc,
    &cosim_bridge_desc,
    NULL,
};
