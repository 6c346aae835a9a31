/* berth-cli-client.c: berth's side of the client library: the bus --connect chose, errors as
 * one line, berthd's objects listed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

static char *berth_cli_address;

void
berth_cli_set_address(const char *address)
{
    g_free(berth_cli_address);
    berth_cli_address = g_strdup(address);
}

const char *
berth_cli_get_address(void)
{
    return berth_cli_address;
}

GDBusConnection *
berth_cli_connect(GError **error)
{
    return berth_client_connect_sync(berth_cli_address, NULL, error);
}

int
berth_cli_fail(const char *command, GError *error)
{
    g_autofree char *message = berth_client_error_message(error);

    berth_cli_error(command, "%s", message);
    return 1;
}

int
berth_cli_fail_invalid_definition(const char *command, const char *source, const char *file,
                                  GError *error)
{
    g_autofree char *prefix = g_strconcat(source, ":", NULL);
    g_auto(GStrv) lines = NULL;

    g_dbus_error_strip_remote_error(error);
    lines = g_strsplit(error->message, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        char *line = lines[i];

        if (*line == '\0')
            continue;
        if (g_str_has_prefix(line, prefix)) {
            char *rest = line + strlen(prefix);

            if (file != NULL) {
                fprintf(stderr, "%s:%s\n", file, rest);
                continue;
            }
            /* No file to point into: the line number means nothing either. */
            while (g_ascii_isdigit(*rest))
                rest++;
            if (*rest == ':')
                rest++;
            line = g_strstrip(rest);
        }
        berth_cli_error(command, "%s", line);
    }
    return 1;
}

GPtrArray *
berth_cli_list_objects(GDBusConnection *connection, const char *interface, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GVariant) objects = NULL;
    GPtrArray *found;
    GVariantIter iter;
    const char *path;
    GVariant *interfaces;

    reply = g_dbus_connection_call_sync(
        connection, BERTH_BUS_NAME, BERTH_HOST_PATH, "org.freedesktop.DBus.ObjectManager",
        "GetManagedObjects", NULL, G_VARIANT_TYPE("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE,
        BERTH_CLIENT_TIMEOUT_MS, NULL, error);
    if (reply == NULL)
        return NULL;
    objects = g_variant_get_child_value(reply, 0);
    found = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
    g_variant_iter_init(&iter, objects);
    while (g_variant_iter_next(&iter, "{&o@a{sa{sv}}}", &path, &interfaces)) {
        g_autoptr(GVariant) owned = interfaces;
        g_autoptr(GVariant) properties = g_variant_lookup_value(interfaces, interface, NULL);

        if (properties != NULL)
            g_ptr_array_add(found,
                            g_variant_ref_sink(g_variant_new("(o@a{sv})", path, properties)));
    }
    return found;
}

const char *
berth_cli_dict_string(GVariant *dict, const char *key)
{
    const char *value = "";

    g_variant_lookup(dict, key, "&s", &value);
    return value;
}

gboolean
berth_cli_dict_bool(GVariant *dict, const char *key)
{
    gboolean value = FALSE;

    g_variant_lookup(dict, key, "b", &value);
    return value;
}
