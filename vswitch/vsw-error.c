/* vsw-error.c: the virtual-switch library's error domain.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>

#include "vsw-error.h"

GQuark
vsw_error_quark(void)
{
    return g_quark_from_static_string("vsw-error-quark");
}

VswError
vsw_error_from_errno(int errsv)
{
    switch (errsv) {
    case EEXIST:
        return VSW_ERROR_EXISTS;
    case ENODEV:
    case ENOENT:
    case EADDRNOTAVAIL:
        return VSW_ERROR_NOT_FOUND;
    case EINVAL:
    case ERANGE:
        return VSW_ERROR_INVALID_ARGUMENT;
    case EPERM:
    case EACCES:
        return VSW_ERROR_PERMISSION_DENIED;
    case EBUSY:
        return VSW_ERROR_BUSY;
    case EOPNOTSUPP:
        return VSW_ERROR_NOT_SUPPORTED;
    default:
        return VSW_ERROR_FAILED;
    }
}
