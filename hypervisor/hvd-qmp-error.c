/* hvd-qmp-error.c: the error domain of berthd's QMP client.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvd-qmp-error.h"

GQuark
hvd_qmp_error_quark(void)
{
    return g_quark_from_static_string("hvd-qmp-error-quark");
}

/* QEMU's QapiErrorClass (qapi/error.json), in HvdQmpError order. */
static const char *const error_classes[] = {
    [HVD_QMP_ERROR_GENERIC_ERROR] = "GenericError",
    [HVD_QMP_ERROR_COMMAND_NOT_FOUND] = "CommandNotFound",
    [HVD_QMP_ERROR_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
    [HVD_QMP_ERROR_DEVICE_NOT_FOUND] = "DeviceNotFound",
    [HVD_QMP_ERROR_KVM_MISSING_CAP] = "KVMMissingCap",
};

/**
 * hvd_qmp_error_from_class:
 * @error_class: the `class` of a QMP error reply
 *
 * Returns: the code for @error_class, or %HVD_QMP_ERROR_UNKNOWN_CLASS.
 */
HvdQmpError
hvd_qmp_error_from_class(const char *error_class)
{
    g_return_val_if_fail(error_class != NULL, HVD_QMP_ERROR_UNKNOWN_CLASS);

    for (guint i = 0; i < G_N_ELEMENTS(error_classes); i++) {
        if (g_str_equal(error_classes[i], error_class))
            return (HvdQmpError)i;
    }
    return HVD_QMP_ERROR_UNKNOWN_CLASS;
}

/**
 * hvd_qmp_error_to_class:
 * @code: an #HvdQmpError
 *
 * Returns: (nullable): QEMU's class name for @code, or %NULL for the codes the client itself
 *   sets (unknown class, closed, protocol).
 */
const char *
hvd_qmp_error_to_class(HvdQmpError code)
{
    if ((guint)code < G_N_ELEMENTS(error_classes))
        return error_classes[code];
    return NULL;
}
