/* hvd-qmp-error.h: the error domain of berthd's QMP client.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HVD_QMP_ERROR (hvd_qmp_error_quark())

/**
 * HvdQmpError:
 * @HVD_QMP_ERROR_GENERIC_ERROR: QEMU's class "GenericError" (nearly every failure).
 * @HVD_QMP_ERROR_COMMAND_NOT_FOUND: QEMU's class "CommandNotFound".
 * @HVD_QMP_ERROR_DEVICE_NOT_ACTIVE: QEMU's class "DeviceNotActive".
 * @HVD_QMP_ERROR_DEVICE_NOT_FOUND: QEMU's class "DeviceNotFound".
 * @HVD_QMP_ERROR_KVM_MISSING_CAP: QEMU's class "KVMMissingCap".
 * @HVD_QMP_ERROR_UNKNOWN_CLASS: a class QEMU 7.2 does not have; the message starts with it.
 * @HVD_QMP_ERROR_CLOSED: the connection is gone (QEMU closed it or exited, or the client was
 *   closed) before the command got its reply.
 * @HVD_QMP_ERROR_PROTOCOL: the peer sent something that is not QMP (not JSON, no greeting, …);
 *   the client closes the connection then.
 *
 * The first five codes carry an error QEMU returned: the message is QEMU's `desc` unchanged.
 */
typedef enum {
    HVD_QMP_ERROR_GENERIC_ERROR,
    HVD_QMP_ERROR_COMMAND_NOT_FOUND,
    HVD_QMP_ERROR_DEVICE_NOT_ACTIVE,
    HVD_QMP_ERROR_DEVICE_NOT_FOUND,
    HVD_QMP_ERROR_KVM_MISSING_CAP,
    HVD_QMP_ERROR_UNKNOWN_CLASS,
    HVD_QMP_ERROR_CLOSED,
    HVD_QMP_ERROR_PROTOCOL,
} HvdQmpError;

GQuark hvd_qmp_error_quark(void);

HvdQmpError hvd_qmp_error_from_class(const char *error_class);
const char *hvd_qmp_error_to_class(HvdQmpError code);

G_END_DECLS
