/* berth-cli-checkpoint.c: "berth checkpoint VM [NAME]", "berth checkpoints VM [--json]",
 * "berth apply VM CP" and "berth delete-checkpoint VM CP" (CP: a checkpoint's id or name).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "berth-cli.h"

static BerthDBusVirtualMachine *
berth_cli_checkpoint_vm(const char *command, const char *name, int *ret_exit)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = berth_cli_connect(&error);
    BerthDBusVirtualMachine *vm;

    if (connection == NULL) {
        *ret_exit = berth_cli_fail(command, error);
        return NULL;
    }
    vm = berth_client_find_vm_sync(connection, name, NULL, &error);
    /* Live checkpoints wait for the disks to switch: the VM proxy's default timeout
     * (BERTH_CLIENT_VM_TIMEOUT_MS) waits for them. */
    if (vm == NULL)
        *ret_exit = berth_cli_fail(command, error);
    return vm;
}

static int
run_checkpoint(const BerthCliCommand *command, int argc, char **argv)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autoptr(GVariant) list = NULL;
    g_autofree char *id = NULL;
    const char *name = NULL;
    int exit_status = 1;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    vm = berth_cli_checkpoint_vm("checkpoint", args[0], &exit_status);
    if (vm == NULL)
        return exit_status;
    if (!berth_dbus_virtual_machine_call_create_checkpoint_sync(vm, args[1] != NULL ? args[1] : "",
                                                                &id, NULL, &error))
        return berth_cli_fail("checkpoint", error);
    /* The name berthd gave it (the default one when none was asked for). */
    if (!berth_dbus_virtual_machine_call_list_checkpoints_sync(vm, &list, NULL, &error))
        return berth_cli_fail("checkpoint", error);
    name = args[1] != NULL ? args[1] : id;
    for (gsize i = 0; i < g_variant_n_children(list); i++) {
        const char *cp_id = NULL;
        const char *cp_name = NULL;

        g_variant_get_child(list, i, "(&s&s&sxb)", &cp_id, &cp_name, NULL, NULL, NULL);
        if (g_str_equal(cp_id, id))
            name = cp_name;
    }
    /* Translators: the first %s is the checkpoint's name, the second its id. */
    printf(_("Checkpoint “%s” (%s)\n"), name, id);
    return 0;
}

static guint
berth_cli_checkpoint_depth(GVariant *list, const char *parent)
{
    guint depth = 0;

    while (parent != NULL && parent[0] != '\0' && depth < 1000) {
        const char *next = NULL;

        for (gsize i = 0; i < g_variant_n_children(list); i++) {
            const char *id = NULL;
            const char *its_parent = NULL;

            g_variant_get_child(list, i, "(&s&s&sxb)", &id, NULL, &its_parent, NULL, NULL);
            if (g_str_equal(id, parent))
                next = its_parent;
        }
        if (next == NULL)
            break;
        depth++;
        parent = next;
    }
    return depth;
}

static void
berth_cli_checkpoints_json(GVariant *list)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autoptr(JsonGenerator) generator = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;

    json_builder_begin_array(builder);
    for (gsize i = 0; i < g_variant_n_children(list); i++) {
        const char *id = NULL;
        const char *name = NULL;
        const char *parent = NULL;
        gint64 created = 0;
        gboolean current = FALSE;

        g_variant_get_child(list, i, "(&s&s&sxb)", &id, &name, &parent, &created, &current);
        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "id");
        json_builder_add_string_value(builder, id);
        json_builder_set_member_name(builder, "name");
        json_builder_add_string_value(builder, name);
        json_builder_set_member_name(builder, "parent");
        if (parent[0] != '\0')
            json_builder_add_string_value(builder, parent);
        else
            json_builder_add_null_value(builder);
        json_builder_set_member_name(builder, "created");
        json_builder_add_int_value(builder, created);
        json_builder_set_member_name(builder, "current");
        json_builder_add_boolean_value(builder, current);
        json_builder_end_object(builder);
    }
    json_builder_end_array(builder);
    root = json_builder_get_root(builder);
    json_generator_set_root(generator, root);
    json_generator_set_pretty(generator, TRUE);
    text = json_generator_to_data(generator, NULL);
    printf("%s\n", text);
}

static gboolean checkpoints_json;

static const GOptionEntry checkpoints_options[] = {
    {"json", 0, 0, G_OPTION_ARG_NONE, &checkpoints_json,
     N_("A JSON array of the checkpoints (id, name, parent, created, current)"), NULL},
    G_OPTION_ENTRY_NULL,
};

static int
run_checkpoints(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autoptr(GVariant) list = NULL;
    g_auto(GStrv) args = NULL;
    int exit_status = 1;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    vm = berth_cli_checkpoint_vm("checkpoints", args[0], &exit_status);
    if (vm == NULL)
        return exit_status;
    if (!berth_dbus_virtual_machine_call_list_checkpoints_sync(vm, &list, NULL, &error))
        return berth_cli_fail("checkpoints", error);
    if (checkpoints_json) {
        berth_cli_checkpoints_json(list);
        return 0;
    }
    /* Tree order from berthd: indent each by its depth, like Hyper-V Manager's tree; the
     * current one (where "Now" continues) is marked. */
    for (gsize i = 0; i < g_variant_n_children(list); i++) {
        const char *id = NULL;
        const char *cp_name = NULL;
        const char *parent = NULL;
        gint64 created = 0;
        gboolean current = FALSE;
        g_autoptr(GDateTime) time = NULL;
        g_autofree char *when = NULL;
        guint depth;

        g_variant_get_child(list, i, "(&s&s&sxb)", &id, &cp_name, &parent, &created, &current);
        depth = berth_cli_checkpoint_depth(list, parent);
        time = g_date_time_new_from_unix_local(created);
        when = g_date_time_format(time, "%Y-%m-%d %H:%M:%S");
        printf("%s %*s%s  %s  %s%s\n", current ? "*" : " ", (int)(depth * 2), "", cp_name, id, when,
               current ? _("  (current)") : "");
    }
    return 0;
}

/* "apply VM CP" and "delete-checkpoint VM CP". */
static int
run_checkpoint_action(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_auto(GStrv) args = NULL;
    gboolean ok;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    vm = berth_cli_checkpoint_vm(command->name, args[0], &exit_status);
    if (vm == NULL)
        return exit_status;
    if (command == &berth_cli_command_apply)
        ok = berth_dbus_virtual_machine_call_apply_checkpoint_sync(vm, args[1], NULL, &error);
    else
        ok = berth_dbus_virtual_machine_call_delete_checkpoint_sync(vm, args[1], NULL, &error);
    if (!ok)
        return berth_cli_fail(command->name, error);
    return 0;
}

const BerthCliCommand berth_cli_command_checkpoint = {
    .name = "checkpoint",
    .run = run_checkpoint,
    .summary = N_("Take a checkpoint of a VM"),
    .parameters = N_("VM [NAME]"),
};

const BerthCliCommand berth_cli_command_checkpoints = {
    .name = "checkpoints",
    .run = run_checkpoints,
    .summary = N_("List a VM's checkpoints as a tree"),
    .parameters = N_("VM"),
    .options = checkpoints_options,
};

const BerthCliCommand berth_cli_command_apply = {
    .name = "apply",
    .run = run_checkpoint_action,
    .summary = N_("Apply a checkpoint (the VM must be off)"),
    .parameters = N_("VM CHECKPOINT"),
};

const BerthCliCommand berth_cli_command_delete_checkpoint = {
    .name = "delete-checkpoint",
    .run = run_checkpoint_action,
    .summary = N_("Delete a checkpoint"),
    .parameters = N_("VM CHECKPOINT"),
};
