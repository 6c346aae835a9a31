/* hvx-enums.h: the enumerations of the definition vocabulary, as string tables that round-trip.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    HVX_SIZE_UNIT_MIB,
    HVX_SIZE_UNIT_GIB,
    HVX_SIZE_UNIT_LAST,
} HvxSizeUnit;

typedef enum {
    HVX_FIRMWARE_TEMPLATE_MICROSOFT_WINDOWS,
    HVX_FIRMWARE_TEMPLATE_MICROSOFT_UEFI_CA,
    HVX_FIRMWARE_TEMPLATE_OPEN_SOURCE,
    HVX_FIRMWARE_TEMPLATE_LAST,
} HvxFirmwareTemplate;

typedef enum {
    HVX_BOOT_DEVICE_DVD,
    HVX_BOOT_DEVICE_DISK,
    HVX_BOOT_DEVICE_NETWORK,
    HVX_BOOT_DEVICE_FLOPPY,
    HVX_BOOT_DEVICE_LAST,
} HvxBootDevice;

typedef enum {
    HVX_CONTROLLER_IDE,
    HVX_CONTROLLER_SCSI,
    HVX_CONTROLLER_LAST,
} HvxControllerType;

typedef enum {
    HVX_DRIVE_DISK,
    HVX_DRIVE_DVD,
    HVX_DRIVE_LAST,
} HvxDriveType;

typedef enum {
    HVX_DISPLAY_ADAPTER_QXL,
    HVX_DISPLAY_ADAPTER_VIRTIO_GPU,
    HVX_DISPLAY_ADAPTER_LAST,
} HvxDisplayAdapter;

typedef enum {
    HVX_AUTO_START_NOTHING,
    HVX_AUTO_START_START,
    HVX_AUTO_START_ALWAYS_START,
    HVX_AUTO_START_LAST,
} HvxAutoStart;

typedef enum {
    HVX_AUTO_STOP_SAVE,
    HVX_AUTO_STOP_TURN_OFF,
    HVX_AUTO_STOP_SHUT_DOWN,
    HVX_AUTO_STOP_LAST,
} HvxAutoStop;

typedef enum {
    HVX_SWITCH_TYPE_EXTERNAL,
    HVX_SWITCH_TYPE_INTERNAL,
    HVX_SWITCH_TYPE_PRIVATE,
    HVX_SWITCH_TYPE_LAST,
} HvxSwitchType;

/* For each enum: NAME_to_string() returns the XML word (never NULL for a valid value);
 * NAME_from_string() returns the value or -1 for an unknown word. */
#define HVX_ENUM_DECLARE(name, Type)                \
    const char *hvx_##name##_to_string(Type value); \
    int hvx_##name##_from_string(const char *str);  \
    const char *const *hvx_##name##_names(void);

HVX_ENUM_DECLARE(size_unit, HvxSizeUnit)
HVX_ENUM_DECLARE(firmware_template, HvxFirmwareTemplate)
HVX_ENUM_DECLARE(boot_device, HvxBootDevice)
HVX_ENUM_DECLARE(controller_type, HvxControllerType)
HVX_ENUM_DECLARE(drive_type, HvxDriveType)
HVX_ENUM_DECLARE(display_adapter, HvxDisplayAdapter)
HVX_ENUM_DECLARE(auto_start, HvxAutoStart)
HVX_ENUM_DECLARE(auto_stop, HvxAutoStop)
HVX_ENUM_DECLARE(switch_type, HvxSwitchType)

G_END_DECLS
