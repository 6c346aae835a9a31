/* vsw-error.h: the virtual-switch library's error domain.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VSW_ERROR (vsw_error_quark())

typedef enum {
    VSW_ERROR_FAILED,            /* anything not below */
    VSW_ERROR_EXISTS,            /* the name or address is taken */
    VSW_ERROR_NOT_FOUND,         /* no such interface or address */
    VSW_ERROR_INVALID_ARGUMENT,  /* bad name, address or VLAN id */
    VSW_ERROR_PERMISSION_DENIED, /* no CAP_NET_ADMIN */
    VSW_ERROR_BUSY,              /* the kernel says the object is in use */
    VSW_ERROR_NOT_SUPPORTED,     /* the kernel cannot do it on this kind of interface */
    VSW_ERROR_WIRELESS,          /* a wireless adapter cannot be bridged */
    VSW_ERROR_OVERLAPS,          /* the subnet overlaps a host route or another switch */
    VSW_ERROR_PROCESS,           /* dnsmasq or nftables failed */
    VSW_ERROR_STATE,             /* a record under the state dir cannot be read or written */
} VswError;

GQuark vsw_error_quark(void);

/* The code for a positive errno value, for backends reporting the kernel's answer. */
VswError vsw_error_from_errno(int errsv);

G_END_DECLS
