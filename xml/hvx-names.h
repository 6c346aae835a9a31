/* hvx-names.h: rules for definition names and the kernel interface names derived from UUIDs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Kernel interface names must be shorter than IFNAMSIZ (16 including the NUL). */
#define HVX_IFNAME_MAX_CHARS 15

/* TRUE when @name is a valid VM or switch name: 1-100 characters, no '/', no control
 * characters. Otherwise FALSE and, if @ret_reason is given, why (translated). */
gboolean hvx_name_is_valid(const char *name, char **ret_reason);

/* TRUE when @name is a usable Linux network interface name (1-15 bytes, no '/', ':',
 * whitespace or control characters, not "." or ".."). */
gboolean hvx_ifname_is_valid(const char *name);

/* The tap interface for network adapter @index (0-based) of the VM @vm_uuid: "btp" + the first
 * 8 hex digits of the UUID + "n" + index, e.g. "btp6f1c2a3en0"; always at most 15 characters.
 * NULL when @vm_uuid is not a UUID or @index is 100 or more. */
char *hvx_tap_name(const char *vm_uuid, guint index);

/* The bridge for the switch @switch_uuid: "bsw" + the first 8 hex digits, e.g. "bswc4a0e3b2".
 * NULL when @switch_uuid is not a UUID. */
char *hvx_bridge_name(const char *switch_uuid);

G_END_DECLS
