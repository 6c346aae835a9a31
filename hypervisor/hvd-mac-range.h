/* hvd-mac-range.h: the range dynamic MAC addresses come from, Berth's global network setting
 * like Hyper-V's (STATE/mac-range), and the address each VM network adapter gets from it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "hvx.h"

G_BEGIN_DECLS

/* 52:54:00:XX:00:00 - 52:54:00:XX:ff:ff, XX derived from /etc/machine-id, so two hosts on one
 * LAN most likely differ (Hyper-V derives its block from the host's address). */
void hvd_mac_range_default(HvxMacRange *ret_range);

/* hvx_mac_range_parse() (unicast, not all zero, one OUI-sized block, first <= last) as
 * BERTH_ERROR_FAILED, for SetMacAddressRange and the state file. */
gboolean hvd_mac_range_from_strings(const char *first, const char *last, HvxMacRange *ret_range,
                                    GError **error);

/* STATE/mac-range ("FIRST LAST\n"); the default when the file does not exist. A broken file is
 * logged and the default used. */
void hvd_mac_range_load(const char *state_dir, HvxMacRange *ret_range);
gboolean hvd_mac_range_save(const char *state_dir, const HvxMacRange *range, GError **error);

/* The dynamic MAC of adapter @index of the VM @vm_uuid: a fixed spot in @range chosen from the
 * UUID and index, so it stays the same from start to start. */
char *hvd_mac_range_pick(const HvxMacRange *range, const char *vm_uuid, guint index);

G_END_DECLS
