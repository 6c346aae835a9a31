/* hvd-mac-range.c: the range dynamic MAC addresses come from and the address each VM network
 * adapter gets from it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "hvd-error.h"
#include "hvd-mac-range.h"

#define MAC_RANGE_FILE "mac-range"

void
hvd_mac_range_default(HvxMacRange *ret_range)
{
    g_autofree char *machine_id = NULL;
    guint8 block = 0xb0;

    if (g_file_get_contents("/etc/machine-id", &machine_id, NULL, NULL)) {
        g_strstrip(machine_id);
        block = (guint8)(g_str_hash(machine_id) & 0xff);
    }
    *ret_range = (HvxMacRange){
        .first = {0x52, 0x54, 0x00, block, 0x00, 0x00},
        .last = {0x52, 0x54, 0x00, block, 0xff, 0xff},
    };
}

gboolean
hvd_mac_range_from_strings(const char *first, const char *last, HvxMacRange *ret_range,
                           GError **error)
{
    g_autoptr(GError) local_error = NULL;

    if (!hvx_mac_range_parse(first, last, _("MAC address range"), ret_range, &local_error)) {
        g_set_error_literal(error, BERTH_ERROR, BERTH_ERROR_FAILED, local_error->message);
        return FALSE;
    }
    return TRUE;
}

void
hvd_mac_range_load(const char *state_dir, HvxMacRange *ret_range)
{
    g_autofree char *path = g_build_filename(state_dir, MAC_RANGE_FILE, NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) parts = NULL;
    g_autoptr(GError) error = NULL;

    hvd_mac_range_default(ret_range);
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return;
    parts = g_strsplit_set(g_strstrip(text), " \t", -1);
    if (g_strv_length(parts) != 2 ||
        !hvd_mac_range_from_strings(parts[0], parts[1], ret_range, &error))
        g_warning(_("Ignoring %s: %s; using the default MAC address range"), path,
                  error != NULL ? error->message : _("it must hold two MAC addresses"));
}

gboolean
hvd_mac_range_save(const char *state_dir, const HvxMacRange *range, GError **error)
{
    g_autofree char *path = g_build_filename(state_dir, MAC_RANGE_FILE, NULL);
    g_autofree char *first = hvx_mac_to_string(range->first);
    g_autofree char *last = hvx_mac_to_string(range->last);
    g_autofree char *text = g_strdup_printf("%s %s\n", first, last);
    g_autoptr(GError) local_error = NULL;

    if (!g_file_set_contents_full(path, text, -1,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0644, &local_error)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot write %s: %s"), path,
                    local_error->message);
        return FALSE;
    }
    return TRUE;
}

char *
hvd_mac_range_pick(const HvxMacRange *range, const char *vm_uuid, guint index)
{
    guint64 first = hvx_mac_to_number(range->first);
    guint64 count = hvx_mac_to_number(range->last) - first + 1;
    g_autofree char *seed = g_strdup_printf("%s/%u", vm_uuid, index);
    g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
    guint8 digest[32];
    gsize len = sizeof(digest);
    guint64 spot = 0;
    guint8 mac[6];

    g_checksum_update(checksum, (const guchar *)seed, -1);
    g_checksum_get_digest(checksum, digest, &len);
    for (guint i = 0; i < 8; i++)
        spot = (spot << 8) | digest[i];
    hvx_mac_from_number(first + spot % count, mac);
    return hvx_mac_to_string(mac);
}
