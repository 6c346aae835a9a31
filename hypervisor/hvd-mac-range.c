/* hvd-mac-range.c: the range dynamic MAC addresses come from and the address each VM network
 * adapter gets from it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "hvd-error.h"
#include "hvd-mac-range.h"

#define MAC_RANGE_FILE "mac-range"

gboolean
hvd_mac_parse(const char *text, guint8 ret_mac[6])
{
    g_auto(GStrv) parts = NULL;

    if (text == NULL)
        return FALSE;
    parts = g_strsplit(text, ":", -1);
    if (g_strv_length(parts) != 6)
        return FALSE;
    for (guint i = 0; i < 6; i++) {
        if (strlen(parts[i]) != 2 || !g_ascii_isxdigit(parts[i][0]) ||
            !g_ascii_isxdigit(parts[i][1]))
            return FALSE;
        ret_mac[i] =
            (guint8)(g_ascii_xdigit_value(parts[i][0]) * 16 + g_ascii_xdigit_value(parts[i][1]));
    }
    return TRUE;
}

char *
hvd_mac_to_string(const guint8 mac[6])
{
    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                           mac[5]);
}

static guint64
mac_to_number(const guint8 mac[6])
{
    guint64 n = 0;

    for (guint i = 0; i < 6; i++)
        n = (n << 8) | mac[i];
    return n;
}

static void
number_to_mac(guint64 n, guint8 ret_mac[6])
{
    for (int i = 5; i >= 0; i--) {
        ret_mac[i] = (guint8)(n & 0xff);
        n >>= 8;
    }
}

void
hvd_mac_range_default(HvdMacRange *ret_range)
{
    g_autofree char *machine_id = NULL;
    guint8 block = 0xb0;

    if (g_file_get_contents("/etc/machine-id", &machine_id, NULL, NULL)) {
        g_strstrip(machine_id);
        block = (guint8)(g_str_hash(machine_id) & 0xff);
    }
    *ret_range = (HvdMacRange){
        .first = {0x52, 0x54, 0x00, block, 0x00, 0x00},
        .last = {0x52, 0x54, 0x00, block, 0xff, 0xff},
    };
}

gboolean
hvd_mac_range_from_strings(const char *first, const char *last, HvdMacRange *ret_range,
                           GError **error)
{
    HvdMacRange range;
    static const guint8 zero[6] = {0};

    if (!hvd_mac_parse(first, range.first)) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                    _("“%s” is not a MAC address (aa:bb:cc:dd:ee:ff)"), first);
        return FALSE;
    }
    if (!hvd_mac_parse(last, range.last)) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                    _("“%s” is not a MAC address (aa:bb:cc:dd:ee:ff)"), last);
        return FALSE;
    }
    if ((range.first[0] & 1) != 0 || memcmp(range.first, zero, 6) == 0) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                    _("%s is not a unicast address: the lowest bit of its first byte must be 0"),
                    first);
        return FALSE;
    }
    if (memcmp(range.first, range.last, 3) != 0) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED,
                    _("%s and %s are in different blocks: the first three bytes must be equal"),
                    first, last);
        return FALSE;
    }
    if (mac_to_number(range.first) > mac_to_number(range.last)) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED, _("%s comes after %s"), first, last);
        return FALSE;
    }
    *ret_range = range;
    return TRUE;
}

void
hvd_mac_range_load(const char *state_dir, HvdMacRange *ret_range)
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
hvd_mac_range_save(const char *state_dir, const HvdMacRange *range, GError **error)
{
    g_autofree char *path = g_build_filename(state_dir, MAC_RANGE_FILE, NULL);
    g_autofree char *first = hvd_mac_to_string(range->first);
    g_autofree char *last = hvd_mac_to_string(range->last);
    g_autofree char *text = g_strdup_printf("%s %s\n", first, last);
    g_autoptr(GError) local_error = NULL;

    if (!g_file_set_contents_full(path, text, -1,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                  0644, &local_error)) {
        g_set_error(error, HVD_ERROR, HVD_ERROR_FAILED, _("Cannot write %s: %s"), path,
                    local_error->message);
        return FALSE;
    }
    return TRUE;
}

char *
hvd_mac_range_pick(const HvdMacRange *range, const char *vm_uuid, guint index)
{
    guint64 first = mac_to_number(range->first);
    guint64 count = mac_to_number(range->last) - first + 1;
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
    number_to_mac(first + spot % count, mac);
    return hvd_mac_to_string(mac);
}
