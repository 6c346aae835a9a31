/* hvd-mac-range.h: the range dynamic MAC addresses come from, Berth's global network setting
 * like Hyper-V's (STATE/mac-range), and the address each VM network adapter gets from it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    guint8 first[6];
    guint8 last[6];
} HvdMacRange;

/* "aa:bb:cc:dd:ee:ff" (case-insensitive) → bytes. */
gboolean hvd_mac_parse(const char *text, guint8 ret_mac[6]);
char *hvd_mac_to_string(const guint8 mac[6]);

/* 52:54:00:XX:00:00 - 52:54:00:XX:ff:ff, XX derived from /etc/machine-id, so two hosts on one
 * LAN most likely differ (Hyper-V derives its block from the host's address). */
void hvd_mac_range_default(HvdMacRange *ret_range);

/* Both unicast, not all zero, in one OUI-sized block (the first three bytes equal), first <=
 * last. HVD_ERROR_FAILED naming what is wrong otherwise. */
gboolean hvd_mac_range_from_strings(const char *first, const char *last, HvdMacRange *ret_range,
                                    GError **error);

/* STATE/mac-range ("FIRST LAST\n"); the default when the file does not exist. A broken file is
 * logged and the default used. */
void hvd_mac_range_load(const char *state_dir, HvdMacRange *ret_range);
gboolean hvd_mac_range_save(const char *state_dir, const HvdMacRange *range, GError **error);

/* The dynamic MAC of adapter @index of the VM @vm_uuid: a fixed spot in @range chosen from the
 * UUID and index, so it stays the same from start to start. */
char *hvd_mac_range_pick(const HvdMacRange *range, const char *vm_uuid, guint index);

G_END_DECLS
