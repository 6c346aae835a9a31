/* berth-cli-list.c: "berth list [--json]": every VM with its state and figures, from one
 * GetManagedObjects call.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "berth-cli.h"

/* One VM's properties, read in one pass over its a{sv}. */
typedef struct {
    char *path;
    GVariant *properties; /* a{sv}; the strings below point into it */
    const char *name;
    const char *uuid;
    const char *state;
    const char *status;
    const char *heartbeat;
    const char *accelerator;
    guint32 generation;
    double cpu_usage;
    guint64 assigned_memory;
    guint64 uptime;
    GVariant *allowed_actions; /* as, or NULL */
    char *sort_key;
} BerthCliVm;

static void
berth_cli_vm_free(BerthCliVm *vm)
{
    g_free(vm->path);
    g_clear_pointer(&vm->allowed_actions, g_variant_unref);
    g_variant_unref(vm->properties);
    g_free(vm->sort_key);
    g_free(vm);
}

static BerthCliVm *
berth_cli_vm_new(const char *path, GVariant *properties)
{
    BerthCliVm *vm = g_new0(BerthCliVm, 1);
    g_autofree char *folded = NULL;
    GVariantIter iter;
    const char *key;
    GVariant *value;

    vm->path = g_strdup(path);
    vm->properties = properties;
    vm->name = vm->uuid = vm->state = vm->status = vm->heartbeat = vm->accelerator = "";
    g_variant_iter_init(&iter, properties);
    while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
        g_autoptr(GVariant) owned = value;
        const char **text = NULL;

        if (g_str_equal(key, "Name"))
            text = &vm->name;
        else if (g_str_equal(key, "Uuid"))
            text = &vm->uuid;
        else if (g_str_equal(key, "State"))
            text = &vm->state;
        else if (g_str_equal(key, "Status"))
            text = &vm->status;
        else if (g_str_equal(key, "Heartbeat"))
            text = &vm->heartbeat;
        else if (g_str_equal(key, "Accelerator"))
            text = &vm->accelerator;
        else if (g_str_equal(key, "Generation") &&
                 g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32))
            vm->generation = g_variant_get_uint32(value);
        else if (g_str_equal(key, "CpuUsage") && g_variant_is_of_type(value, G_VARIANT_TYPE_DOUBLE))
            vm->cpu_usage = g_variant_get_double(value);
        else if (g_str_equal(key, "AssignedMemory") &&
                 g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64))
            vm->assigned_memory = g_variant_get_uint64(value);
        else if (g_str_equal(key, "Uptime") && g_variant_is_of_type(value, G_VARIANT_TYPE_UINT64))
            vm->uptime = g_variant_get_uint64(value);
        else if (g_str_equal(key, "AllowedActions") &&
                 g_variant_is_of_type(value, G_VARIANT_TYPE_STRING_ARRAY))
            vm->allowed_actions = g_variant_ref(value);
        /* The strings live in @properties' serialised data, which outlives @value. */
        if (text != NULL && g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
            *text = g_variant_get_string(value, NULL);
    }
    folded = g_utf8_casefold(vm->name, -1);
    vm->sort_key = g_utf8_collate_key(folded, -1);
    return vm;
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
    g_autoptr(GPtrArray) objects = berth_cli_list_objects(connection, BERTH_VM_INTERFACE, error);
    GPtrArray *vms;

    if (objects == NULL)
        return NULL;
    vms = g_ptr_array_new_with_free_func((GDestroyNotify)berth_cli_vm_free);
    for (guint i = 0; i < objects->len; i++) {
        const char *path;
        g_autoptr(GVariant) properties = NULL;

        g_variant_get(g_ptr_array_index(objects, i), "(&o@a{sv})", &path, &properties);
        g_ptr_array_add(vms, berth_cli_vm_new(path, g_steal_pointer(&properties)));
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
        row[1] = g_strdup(vm->state);
        row[2] = g_strdup_printf("%.0f %%", vm->cpu_usage);
        row[3] = g_strdup_printf("%" G_GUINT64_FORMAT " MiB", vm->assigned_memory / (1024 * 1024));
        row[4] = format_uptime(vm->uptime);
        row[5] = g_strdup(vm->status);
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
        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "name");
        json_builder_add_string_value(builder, vm->name);
        json_builder_set_member_name(builder, "uuid");
        json_builder_add_string_value(builder, vm->uuid);
        json_builder_set_member_name(builder, "generation");
        json_builder_add_int_value(builder, vm->generation);
        json_builder_set_member_name(builder, "state");
        json_builder_add_string_value(builder, vm->state);
        json_builder_set_member_name(builder, "status");
        json_builder_add_string_value(builder, vm->status);
        json_builder_set_member_name(builder, "cpu-usage");
        json_builder_add_double_value(builder, vm->cpu_usage);
        json_builder_set_member_name(builder, "assigned-memory");
        json_builder_add_int_value(builder, (gint64)vm->assigned_memory);
        json_builder_set_member_name(builder, "uptime");
        json_builder_add_int_value(builder, (gint64)vm->uptime);
        json_builder_set_member_name(builder, "heartbeat");
        json_builder_add_string_value(builder, vm->heartbeat);
        json_builder_set_member_name(builder, "accelerator");
        json_builder_add_string_value(builder, vm->accelerator);
        json_builder_set_member_name(builder, "allowed-actions");
        json_builder_begin_array(builder);
        if (vm->allowed_actions != NULL) {
            g_autofree const char **actions = g_variant_get_strv(vm->allowed_actions, NULL);

            for (guint j = 0; actions[j] != NULL; j++)
                json_builder_add_string_value(builder, actions[j]);
        }
        json_builder_end_array(builder);
        json_builder_set_member_name(builder, "network-adapters");
        {
            g_autoptr(GVariant) adapters =
                g_variant_lookup_value(vm->properties, "NetworkAdapters", G_VARIANT_TYPE("aa{sv}"));

            if (adapters != NULL) {
                json_builder_add_value(builder, json_gvariant_serialize(adapters));
            } else {
                json_builder_begin_array(builder);
                json_builder_end_array(builder);
            }
        }
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

static gboolean list_json;

static const GOptionEntry list_options[] = {
    {"json", 0, 0, G_OPTION_ARG_NONE, &list_json,
     N_("A JSON array of objects with every property (network adapters included: switch, MAC, "
        "VLAN, connected, status, addresses, tap)"),
     NULL},
    G_OPTION_ENTRY_NULL,
};

static int
run_list(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(GPtrArray) vms = NULL;
    g_auto(GStrv) args = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("list", error);
    vms = berth_cli_list_vms(connection, &error);
    if (vms == NULL)
        return berth_cli_fail("list", error);
    if (list_json)
        print_json(vms);
    else
        print_table(vms);
    return 0;
}

const BerthCliCommand berth_cli_command_list = {
    .name = "list",
    .run = run_list,
    .summary = N_("List the virtual machines"),
    .options = list_options,
    .description = N_("Lists the VMs: Name, State, CPU, Memory, Uptime and Status."),
};
