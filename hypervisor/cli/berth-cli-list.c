/* berth-cli-list.c: "berth list [--json]": every VM with its state and figures, from one
 * GetManagedObjects call.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "berth-cli.h"

#define VM_INTERFACE "org.berth.Berth1.VirtualMachine"

typedef struct {
    char *path;
    GVariant *properties; /* a{sv} */
    const char *name;
    char *sort_key;
} BerthCliVm;

static void
berth_cli_vm_free(BerthCliVm *vm)
{
    g_free(vm->path);
    g_variant_unref(vm->properties);
    g_free(vm->sort_key);
    g_free(vm);
}

static const char *
prop_string(const BerthCliVm *vm, const char *name)
{
    const char *value = "";

    g_variant_lookup(vm->properties, name, "&s", &value);
    return value;
}

static guint64
prop_uint64(const BerthCliVm *vm, const char *name)
{
    guint64 value = 0;

    g_variant_lookup(vm->properties, name, "t", &value);
    return value;
}

static double
prop_double(const BerthCliVm *vm, const char *name)
{
    double value = 0;

    g_variant_lookup(vm->properties, name, "d", &value);
    return value;
}

static int
compare_vms(gconstpointer a, gconstpointer b)
{
    const BerthCliVm *vm_a = *(BerthCliVm *const *)a;
    const BerthCliVm *vm_b = *(BerthCliVm *const *)b;

    return g_strcmp0(vm_a->sort_key, vm_b->sort_key);
}

/* The VMs among berthd's objects, sorted by name. */
static GPtrArray *
berth_cli_list_vms(GDBusConnection *connection, GError **error)
{
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GVariant) objects = NULL;
    GPtrArray *vms;
    GVariantIter iter;
    const char *path;
    GVariant *interfaces;

    reply = g_dbus_connection_call_sync(connection, "org.berth.Berth1", "/org/berth/Berth1",
                                        "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                        NULL, G_VARIANT_TYPE("(a{oa{sa{sv}}})"),
                                        G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
    if (reply == NULL)
        return NULL;
    objects = g_variant_get_child_value(reply, 0);
    vms = g_ptr_array_new_with_free_func((GDestroyNotify)berth_cli_vm_free);
    g_variant_iter_init(&iter, objects);
    while (g_variant_iter_next(&iter, "{&o@a{sa{sv}}}", &path, &interfaces)) {
        g_autoptr(GVariant) owned = interfaces;
        GVariant *properties = g_variant_lookup_value(interfaces, VM_INTERFACE, NULL);
        BerthCliVm *vm;

        if (properties == NULL)
            continue;
        vm = g_new0(BerthCliVm, 1);
        vm->path = g_strdup(path);
        vm->properties = properties;
        vm->name = prop_string(vm, "Name");
        {
            g_autofree char *folded = g_utf8_casefold(vm->name, -1);

            vm->sort_key = g_utf8_collate_key(folded, -1);
        }
        g_ptr_array_add(vms, vm);
    }
    g_ptr_array_sort(vms, compare_vms);
    return vms;
}

static char *
format_uptime(guint64 seconds)
{
    if (seconds >= 86400)
        return g_strdup_printf("%" G_GUINT64_FORMAT ".%02u:%02u:%02u", seconds / 86400,
                               (guint)(seconds % 86400 / 3600), (guint)(seconds % 3600 / 60),
                               (guint)(seconds % 60));
    return g_strdup_printf("%02u:%02u:%02u", (guint)(seconds / 3600), (guint)(seconds % 3600 / 60),
                           (guint)(seconds % 60));
}

/* Pads @text to @width characters (not bytes). */
static void
print_cell(GString *out, const char *text, guint width, gboolean last)
{
    glong chars = g_utf8_strlen(text, -1);

    g_string_append(out, text);
    if (last)
        return;
    for (glong i = chars; i < (glong)width + 2; i++)
        g_string_append_c(out, ' ');
}

#define N_COLUMNS 6

static void
print_table(GPtrArray *vms)
{
    const char *headers[N_COLUMNS] = {_("Name"),   _("State"),  _("CPU"),
                                      _("Memory"), _("Uptime"), _("Status")};
    guint widths[N_COLUMNS];
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint c = 0; c < N_COLUMNS; c++)
        widths[c] = g_utf8_strlen(headers[c], -1);
    for (guint i = 0; i < vms->len; i++) {
        const BerthCliVm *vm = g_ptr_array_index(vms, i);
        char **row = g_new0(char *, N_COLUMNS + 1);

        row[0] = g_strdup(vm->name);
        row[1] = g_strdup(prop_string(vm, "State"));
        row[2] = g_strdup_printf("%.0f %%", prop_double(vm, "CpuUsage"));
        row[3] = g_strdup_printf("%" G_GUINT64_FORMAT " MiB",
                                 prop_uint64(vm, "AssignedMemory") / (1024 * 1024));
        row[4] = format_uptime(prop_uint64(vm, "Uptime"));
        row[5] = g_strdup(prop_string(vm, "Status"));
        for (guint c = 0; c < N_COLUMNS; c++)
            widths[c] = MAX(widths[c], (guint)g_utf8_strlen(row[c], -1));
        g_ptr_array_add(rows, row);
    }
    for (guint i = 0; i <= rows->len; i++) {
        const char *const *row = i == 0 ? headers : g_ptr_array_index(rows, i - 1);
        gsize start = out->len;

        for (guint c = 0; c < N_COLUMNS; c++)
            print_cell(out, row[c], widths[c], c == N_COLUMNS - 1);
        while (out->len > start && out->str[out->len - 1] == ' ')
            g_string_truncate(out, out->len - 1);
        g_string_append_c(out, '\n');
    }
    fwrite(out->str, 1, out->len, stdout);
}

static void
print_json(GPtrArray *vms)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autoptr(JsonGenerator) generator = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_begin_array(builder);
    for (guint i = 0; i < vms->len; i++) {
        const BerthCliVm *vm = g_ptr_array_index(vms, i);
        g_autofree const char **actions = NULL;
        guint32 generation = 0;

        g_variant_lookup(vm->properties, "Generation", "u", &generation);
        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "name");
        json_builder_add_string_value(builder, vm->name);
        json_builder_set_member_name(builder, "uuid");
        json_builder_add_string_value(builder, prop_string(vm, "Uuid"));
        json_builder_set_member_name(builder, "generation");
        json_builder_add_int_value(builder, generation);
        json_builder_set_member_name(builder, "state");
        json_builder_add_string_value(builder, prop_string(vm, "State"));
        json_builder_set_member_name(builder, "status");
        json_builder_add_string_value(builder, prop_string(vm, "Status"));
        json_builder_set_member_name(builder, "cpu-usage");
        json_builder_add_double_value(builder, prop_double(vm, "CpuUsage"));
        json_builder_set_member_name(builder, "assigned-memory");
        json_builder_add_int_value(builder, (gint64)prop_uint64(vm, "AssignedMemory"));
        json_builder_set_member_name(builder, "uptime");
        json_builder_add_int_value(builder, (gint64)prop_uint64(vm, "Uptime"));
        json_builder_set_member_name(builder, "heartbeat");
        json_builder_add_string_value(builder, prop_string(vm, "Heartbeat"));
        json_builder_set_member_name(builder, "accelerator");
        json_builder_add_string_value(builder, prop_string(vm, "Accelerator"));
        json_builder_set_member_name(builder, "allowed-actions");
        json_builder_begin_array(builder);
        if (g_variant_lookup(vm->properties, "AllowedActions", "^a&s", &actions)) {
            for (guint j = 0; actions[j] != NULL; j++)
                json_builder_add_string_value(builder, actions[j]);
        }
        json_builder_end_array(builder);
        json_builder_set_member_name(builder, "object-path");
        json_builder_add_string_value(builder, vm->path);
        json_builder_end_object(builder);
    }
    json_builder_end_array(builder);
    root = json_builder_get_root(builder);
    json_generator_set_root(generator, root);
    json_generator_set_pretty(generator, TRUE);
    text = json_generator_to_data(generator, NULL);
    printf("%s\n", text);
}

int
berth_cli_list(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(GPtrArray) vms = NULL;
    gboolean json = FALSE;
    const char *usage = _("Usage: berth list [--json]\n\n"
                          "Lists the VMs: Name, State, CPU, Memory, Uptime and Status, or with\n"
                          "--json a JSON array of objects with every property.");

    for (int i = 1; i < argc; i++) {
        if (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h")) {
            printf("%s\n", usage);
            return 0;
        } else if (g_str_equal(argv[i], "--json")) {
            json = TRUE;
        } else {
            berth_cli_error("list", "%s", usage);
            return 1;
        }
    }
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("list", error);
    vms = berth_cli_list_vms(connection, &error);
    if (vms == NULL)
        return berth_cli_fail("list", error);
    if (json)
        print_json(vms);
    else
        print_table(vms);
    return 0;
}
