/* mgr-application-actions.c: the app.* actions — what Hyper-V Manager offers for the host: New
 * Virtual Machine, Quick Create, New Hard Disk, Edit and Inspect Disk, Virtual Switch Manager —
 * plus About and Quit, and every accelerator of the app.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-application.h"
#include "mgr-disk-dialog.h"
#include "mgr-new-vm-wizard.h"
#include "mgr-switch-manager.h"
#include "mgr-window.h"

/* The dialogs that need berthd; enabled while the client is connected and a handler exists. */
static const char *const mgr_host_actions[] = {
    "new-vm", "quick-create", "switch-manager", "new-disk", "edit-disk", "inspect-disk", NULL,
};

static void
about_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    MgrApplication *self = user_data;
    const char *developers[] = {_("The Berth developers"), NULL};
    GtkWidget *about;

    about = g_object_new(ADW_TYPE_ABOUT_WINDOW, "transient-for", mgr_application_get_parent(self),
                         "modal", TRUE, "application-icon", MGR_APPLICATION_ID, "application-name",
                         _("Berth Manager"), "developer-name", _("The Berth developers"), "version",
                         BERTH_VERSION, "comments",
                         _("Create, run and connect to virtual machines on this computer, in the "
                           "spirit of Hyper-V Manager."),
                         "license-type", GTK_LICENSE_GPL_2_0, "developers", developers,
                         /* Translators: put your names here, one per line. */
                         "translator-credits", _("translator-credits"), NULL);
    gtk_window_present(GTK_WINDOW(about));
}

static void
quit_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    g_application_quit(G_APPLICATION(user_data));
}

/* The wizard made a VM: select it in the main window. */
static void
vm_created(MgrNewVmWizard *wizard, const char *object_path, gpointer user_data)
{
    GtkWindow *parent = user_data;

    if (MGR_IS_WINDOW(parent))
        mgr_window_select_vm(MGR_WINDOW(parent), object_path);
}

static void
host_dialog_activated(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    MgrApplication *self = user_data;
    MgrClient *client = mgr_application_get_client(self);
    GtkWindow *parent = mgr_application_get_parent(self);
    const char *name = g_action_get_name(G_ACTION(action));
    GtkWindow *dialog = NULL;

    if (g_str_equal(name, "new-vm") || g_str_equal(name, "quick-create")) {
        MgrNewVmWizard *wizard = g_str_equal(name, "new-vm")
                                     ? mgr_new_vm_wizard_new(parent, client)
                                     : mgr_new_vm_wizard_new_quick(parent, client);

        g_signal_connect_object(wizard, "vm-created", G_CALLBACK(vm_created), parent, 0);
        dialog = GTK_WINDOW(wizard);
    } else if (g_str_equal(name, "switch-manager")) {
        dialog = GTK_WINDOW(mgr_switch_manager_new(parent, client));
    } else if (g_str_equal(name, "new-disk")) {
        dialog = GTK_WINDOW(mgr_disk_dialog_new(parent, client, MGR_DISK_DIALOG_NEW));
    } else if (g_str_equal(name, "edit-disk")) {
        dialog = GTK_WINDOW(mgr_disk_dialog_new(parent, client, MGR_DISK_DIALOG_EDIT));
    } else if (g_str_equal(name, "inspect-disk")) {
        dialog = GTK_WINDOW(mgr_disk_dialog_new(parent, client, MGR_DISK_DIALOG_INSPECT));
    }
    if (dialog != NULL)
        gtk_window_present(dialog);
}

static gboolean
mgr_host_action_has_dialog(const char *name)
{
    return TRUE; /* every host action has its dialog now */
}

static void
client_connected_changed(MgrClient *client, GParamSpec *pspec, gpointer user_data)
{
    MgrApplication *self = user_data;
    gboolean connected = mgr_client_get_connected(client);

    for (guint i = 0; mgr_host_actions[i] != NULL; i++) {
        GAction *action = g_action_map_lookup_action(G_ACTION_MAP(self), mgr_host_actions[i]);

        g_simple_action_set_enabled(G_SIMPLE_ACTION(action),
                                    connected && mgr_host_action_has_dialog(mgr_host_actions[i]));
    }
}

typedef struct {
    const char *action;
    const char *accels[3];
} MgrAccel;

static const MgrAccel mgr_accels[] = {
    {"app.new-vm", {"<Control>n", NULL}},
    {"app.quick-create", {"<Control><Shift>q", NULL}},
    {"app.new-disk", {"<Control><Shift>h", NULL}},
    {"app.edit-disk", {"<Control>e", NULL}},
    {"app.inspect-disk", {"<Control>i", NULL}},
    {"app.switch-manager", {"<Control><Shift>w", NULL}},
    {"app.quit", {"<Control>q", NULL}},
    {"win.show-help-overlay", {"<Control>question", NULL}},
    {"win.find", {"<Control>f", NULL}},
    {"win.connect", {"<Control>o", NULL}},
    {"win.settings", {"<Alt>Return", NULL}},
    {"win.start", {"<Control><Shift>s", NULL}},
    {"win.turn-off", {"<Control><Shift>t", NULL}},
    {"win.shut-down", {"<Control><Shift>o", NULL}},
    {"win.save", {"<Control><Shift>a", NULL}},
    {"win.pause", {"<Control><Shift>p", NULL}},
    {"win.resume", {"<Control><Shift>r", NULL}},
    {"win.reset", {"<Control><Shift>e", NULL}},
    {"win.checkpoint", {"<Control><Shift>n", NULL}},
    {"win.revert", {"<Control><Shift>v", NULL}},
    {"win.rename", {"F2", NULL}},
    {"win.delete", {"<Control>Delete", NULL}},
    {"win.refresh", {"F5", NULL}},
    {"win.context-menu", {"Menu", "<Shift>F10", NULL}},
};

void
mgr_application_install_actions(MgrApplication *self)
{
    static const GActionEntry entries[] = {
        {"about", about_activated},
        {"quit", quit_activated},
        {"new-vm", host_dialog_activated},
        {"quick-create", host_dialog_activated},
        {"switch-manager", host_dialog_activated},
        {"new-disk", host_dialog_activated},
        {"edit-disk", host_dialog_activated},
        {"inspect-disk", host_dialog_activated},
    };

    g_action_map_add_action_entries(G_ACTION_MAP(self), entries, G_N_ELEMENTS(entries), self);
    for (gsize i = 0; i < G_N_ELEMENTS(mgr_accels); i++)
        gtk_application_set_accels_for_action(GTK_APPLICATION(self), mgr_accels[i].action,
                                              mgr_accels[i].accels);
    g_signal_connect_object(mgr_application_get_client(self), "notify::connected",
                            G_CALLBACK(client_connected_changed), self, 0);
    client_connected_changed(mgr_application_get_client(self), NULL, self);
}
