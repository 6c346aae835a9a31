/* hvx-enums.c: string tables for the vocabulary's enumerations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvx-enums.h"

/* Each table is NULL-terminated and indexed by the enum value; a static assertion keeps the
 * table and the enum the same length. */
#define HVX_ENUM_IMPL(name, Type, last, ...)                             \
    static const char *const hvx_##name##_table[] = {__VA_ARGS__, NULL}; \
    G_STATIC_ASSERT(G_N_ELEMENTS(hvx_##name##_table) == (last) + 1);     \
    const char *hvx_##name##_to_string(Type value)                       \
    {                                                                    \
        if ((int)value < 0 || (int)value >= (int)(last))                 \
            return NULL;                                                 \
        return hvx_##name##_table[value];                                \
    }                                                                    \
    int hvx_##name##_from_string(const char *str)                        \
    {                                                                    \
        return hvx_enum_lookup(hvx_##name##_table, str);                 \
    }                                                                    \
    const char *const *hvx_##name##_names(void)                          \
    {                                                                    \
        return hvx_##name##_table;                                       \
    }

static int
hvx_enum_lookup(const char *const *table, const char *str)
{
    if (str == NULL)
        return -1;
    for (int i = 0; table[i] != NULL; i++) {
        if (g_str_equal(table[i], str))
            return i;
    }
    return -1;
}

HVX_ENUM_IMPL(size_unit, HvxSizeUnit, HVX_SIZE_UNIT_LAST, "MiB", "GiB")
HVX_ENUM_IMPL(firmware_template, HvxFirmwareTemplate, HVX_FIRMWARE_TEMPLATE_LAST,
              "microsoft-windows", "microsoft-uefi-ca", "open-source")
HVX_ENUM_IMPL(boot_device, HvxBootDevice, HVX_BOOT_DEVICE_LAST, "dvd", "disk", "network", "floppy")
HVX_ENUM_IMPL(controller_type, HvxControllerType, HVX_CONTROLLER_LAST, "ide-controller",
              "scsi-controller")
HVX_ENUM_IMPL(drive_type, HvxDriveType, HVX_DRIVE_LAST, "disk", "dvd")
HVX_ENUM_IMPL(display_adapter, HvxDisplayAdapter, HVX_DISPLAY_ADAPTER_LAST, "qxl", "virtio-gpu")
HVX_ENUM_IMPL(auto_start, HvxAutoStart, HVX_AUTO_START_LAST, "nothing", "start", "always-start")
HVX_ENUM_IMPL(auto_stop, HvxAutoStop, HVX_AUTO_STOP_LAST, "save", "turn-off", "shut-down")
HVX_ENUM_IMPL(switch_type, HvxSwitchType, HVX_SWITCH_TYPE_LAST, "external", "internal", "private")
