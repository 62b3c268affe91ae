/*
 * Generic syscon power-off and reboot descriptions ("syscon-poweroff",
 * "syscon-reboot").
 *
 * Models: the nodes of the Linux bindings
 * Documentation/devicetree/bindings/power/reset/syscon-poweroff.yaml and
 * syscon-reboot.yaml: "to power off (or reboot), write VALUE under MASK
 * to register OFFSET of the syscon device REGMAP names".  They have no
 * registers of their own; the write lands on the REGMAP device, which
 * does the work (on kiln's virt board, the SiFive test finisher).
 *
 * kiln models them so that a board that describes them assembles with
 * strict=on, and so that the board is checked: REGMAP must name a device
 * (a phandle to a bus, or to a node kiln has no model for, is an error).
 * The properties are kept as the DT gives them, for -device NAME,help and
 * qom-get.
 *
 * The binding lets a node give MASK without VALUE (an older form in which
 * MASK is the value); the mask defaults to all ones, as Linux's driver
 * does.
 *
 * Unimplemented: nothing; these devices have no behaviour in hardware.
 * The priority property of syscon-reboot (an ordering hint for Linux's
 * restart handlers) is not a kiln property: a DT may give it, kiln
 * ignores it.
 */
#include "kiln/device.h"

typedef struct SysconPower {
    Device dev;
    Device *regmap;
    uint32_t offset;
    uint32_t value;
    uint32_t mask;
} SysconPower;

static bool syscon_power_realize(Device *dev, GError **errp)
{
    SysconPower *s = DEVICE_STATE(dev, SysconPower);

    if (!s->regmap) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "regmap: missing; %s needs a phandle to the syscon "
                    "device that the write goes to", dev->desc->name);
        return false;
    }
    if (s->regmap->desc == &container_desc) {
        g_set_error(errp, KILN_ERROR, KILN_ERROR_INVALID,
                    "regmap: %s is not a device", s->regmap->path);
        return false;
    }
    return true;
}

static const PropDesc syscon_power_props[] = {
    { .name = "regmap", .type = PROP_TYPE_LINK,
      .offset = offsetof(SysconPower, regmap),
      .help = "the syscon device the write goes to" },
    { .name = "offset", .type = PROP_TYPE_U32,
      .offset = offsetof(SysconPower, offset), .def = 0,
      .min = 0, .max = UINT32_MAX,
      .help = "byte offset of the register in the regmap device" },
    { .name = "value", .type = PROP_TYPE_U32,
      .offset = offsetof(SysconPower, value), .def = 0,
      .min = 0, .max = UINT32_MAX,
      .help = "the value written (32-bit access)" },
    { .name = "mask", .type = PROP_TYPE_U32,
      .offset = offsetof(SysconPower, mask), .def = UINT32_MAX,
      .min = 0, .max = UINT32_MAX,
      .help = "the register bits the write updates" },
    PROP_END
};

static const char *const syscon_poweroff_compatible[] = {
    "syscon-poweroff", NULL
};

const DeviceDesc syscon_poweroff_desc = {
    .name = "syscon-poweroff",
    .desc = "power-off by a register write to a syscon device "
            "(describes it; the regmap device acts)",
    .compatible = syscon_poweroff_compatible,
    .state_size = sizeof(SysconPower),
    .props = syscon_power_props,
    .realize = syscon_power_realize,
};

static const char *const syscon_reboot_compatible[] = {
    "syscon-reboot", NULL
};

const DeviceDesc syscon_reboot_desc = {
    .name = "syscon-reboot",
    .desc = "reboot by a register write to a syscon device "
            "(describes it; the regmap device acts)",
    .compatible = syscon_reboot_compatible,
    .state_size = sizeof(SysconPower),
    .props = syscon_power_props,
    .realize = syscon_power_realize,
};
