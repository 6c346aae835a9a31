/* hvd-disk-options.c: CreateDisk's and ConvertDisk's a{sv} options read into C.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvd-disk.h"
#include "hvd-error.h"

gboolean
hvd_disk_create_options_from_variant(GVariant *options, HvdDiskCreateOptions *ret_options,
                                     GError **error)
{
    GVariantIter iter;
    const char *key;
    GVariant *value;

    g_return_val_if_fail(options != NULL, FALSE);
    g_return_val_if_fail(g_variant_is_of_type(options, G_VARIANT_TYPE_VARDICT), FALSE);
    g_return_val_if_fail(ret_options != NULL, FALSE);

    *ret_options = (HvdDiskCreateOptions){HVD_DISK_FORMAT_AUTO, 0, FALSE, NULL};
    g_variant_iter_init(&iter, options);
    while (g_variant_iter_loop(&iter, "{&sv}", &key, &value)) {
        if (g_str_equal(key, "format") && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
            const char *name = g_variant_get_string(value, NULL);

            if (!hvd_disk_format_from_string(name, &ret_options->format)) {
                g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                            _("Unknown disk format “%s”: use vhdx, vhd, qcow2 or raw"), name);
                g_variant_unref(value);
                return FALSE;
            }
        } else if (g_str_equal(key, "size-bytes") &&
                   g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64)) {
            ret_options->size_bytes = g_variant_get_uint64(value);
        } else if (g_str_equal(key, "fixed") &&
                   g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
            ret_options->fixed = g_variant_get_boolean(value);
        } else if (g_str_equal(key, "parent") &&
                   g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
            ret_options->parent = g_variant_get_string(value, NULL);
            if (*ret_options->parent == '\0')
                ret_options->parent = NULL;
        } else {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                        /* Translators: %s is an option name like "size-bytes"; keep the types */
                        _("Unknown disk option “%s” (expected format s, size-bytes t, fixed b, "
                          "parent s)"),
                        key);
            g_variant_unref(value);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
hvd_disk_convert_options_from_variant(GVariant *options, HvdDiskFormat *ret_format,
                                      gboolean *ret_fixed, GError **error)
{
    GVariantIter iter;
    const char *key;
    GVariant *value;

    g_return_val_if_fail(options != NULL, FALSE);
    g_return_val_if_fail(g_variant_is_of_type(options, G_VARIANT_TYPE_VARDICT), FALSE);
    g_return_val_if_fail(ret_format != NULL && ret_fixed != NULL, FALSE);

    *ret_format = HVD_DISK_FORMAT_AUTO;
    *ret_fixed = FALSE;
    g_variant_iter_init(&iter, options);
    while (g_variant_iter_loop(&iter, "{&sv}", &key, &value)) {
        if (g_str_equal(key, "format") && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
            const char *name = g_variant_get_string(value, NULL);

            if (!hvd_disk_format_from_string(name, ret_format)) {
                g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                            _("Unknown disk format “%s”: use vhdx, vhd, qcow2 or raw"), name);
                g_variant_unref(value);
                return FALSE;
            }
        } else if (g_str_equal(key, "fixed") &&
                   g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN)) {
            *ret_fixed = g_variant_get_boolean(value);
        } else {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                        /* Translators: %s is an option name like "fixed"; keep the types */
                        _("Unknown conversion option “%s” (expected format s, fixed b)"), key);
            g_variant_unref(value);
            return FALSE;
        }
    }
    return TRUE;
}
