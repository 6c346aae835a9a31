/* vmc-application.c: the vmconnect application: parses `vmconnect [--connect ADDRESS] TARGET`
 * and opens one console window for it. Every vmconnect is its own process (NON_UNIQUE), like
 * VMConnect.exe, so a hung window never takes the others with it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <signal.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "vmc-application.h"
#include "vmc-window.h"

struct _VmcApplication {
    GtkApplication parent_instance;
    int exit_status;
};

G_DEFINE_FINAL_TYPE(VmcApplication, vmc_application, GTK_TYPE_APPLICATION)

static int
vmc_application_command_line(GApplication *app, GApplicationCommandLine *cmdline)
{
    VmcApplication *self = VMC_APPLICATION(app);
    GVariantDict *options = g_application_command_line_get_options_dict(cmdline);
    g_autofree char *address = NULL;
    g_autofree const char **targets = NULL;
    VmcWindow *window;

    g_variant_dict_lookup(options, "connect", "s", &address);
    g_variant_dict_lookup(options, G_OPTION_REMAINING, "^a&s", &targets);
    if (targets == NULL || targets[0] == NULL || targets[1] != NULL) {
        g_application_command_line_printerr(
            cmdline, "%s\n",
            _("Usage: vmconnect [--connect ADDRESS] VM | spice+unix:///PATH | spice://HOST:PORT"));
        self->exit_status = 2;
        return 2;
    }
    window = vmc_window_new(GTK_APPLICATION(app), targets[0], address);
    gtk_window_present(GTK_WINDOW(window));
    return 0;
}

/* SIGTERM and SIGINT close the windows properly (the exit status stays meaningful). */
static gboolean
on_quit_signal(gpointer user_data)
{
    g_application_quit(G_APPLICATION(user_data));
    return G_SOURCE_CONTINUE;
}

static gboolean
on_stats_signal(gpointer user_data)
{
    for (GList *l = gtk_application_get_windows(GTK_APPLICATION(user_data)); l != NULL; l = l->next)
        if (VMC_IS_WINDOW(l->data))
            vmc_window_print_stats(VMC_WINDOW(l->data));
    return G_SOURCE_CONTINUE;
}

static void
vmc_application_startup(GApplication *app)
{
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new();

    G_APPLICATION_CLASS(vmc_application_parent_class)->startup(app);
    gtk_css_provider_load_from_resource(css, "/org/berth/vmconnect/vmc-style.css");
    gtk_style_context_add_provider_for_display(gdk_display_get_default(), GTK_STYLE_PROVIDER(css),
                                               GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_unix_signal_add(SIGTERM, on_quit_signal, app);
    g_unix_signal_add(SIGINT, on_quit_signal, app);
    g_unix_signal_add(SIGUSR1, on_stats_signal, app);
}

static void
vmc_application_class_init(VmcApplicationClass *klass)
{
    GApplicationClass *app_class = G_APPLICATION_CLASS(klass);

    app_class->command_line = vmc_application_command_line;
    app_class->startup = vmc_application_startup;
}

static void
vmc_application_init(VmcApplication *self)
{
    static const GOptionEntry entries[] = {
        {"connect", 'c', 0, G_OPTION_ARG_STRING, NULL,
         /* Translators: --connect ADDRESS in `vmconnect --help` */
         N_("The D-Bus address of berthd's bus (else $BERTH_BUS_ADDRESS, the system bus, the "
            "session bus)"),
         N_("ADDRESS")},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, NULL},
        {NULL},
    };

    g_application_add_main_option_entries(G_APPLICATION(self), entries);
    g_application_set_option_context_parameter_string(
        G_APPLICATION(self), _("VM | spice+unix:///PATH | spice://HOST:PORT"));
    g_application_set_option_context_summary(
        G_APPLICATION(self), _("Shows a virtual machine's screen and lets you use it, like "
                               "Hyper-V's Virtual Machine Connection. VM is a name or UUID known "
                               "to berthd; a SPICE URI connects to any SPICE server."));
}

VmcApplication *
vmc_application_new(void)
{
    return g_object_new(VMC_TYPE_APPLICATION, "application-id", "org.berth.VmConnect", "flags",
                        G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE, NULL);
}

int
vmc_application_get_exit_status(VmcApplication *self)
{
    g_return_val_if_fail(VMC_IS_APPLICATION(self), 1);
    return self->exit_status;
}

void
vmc_application_set_exit_status(VmcApplication *self, int status)
{
    g_return_if_fail(VMC_IS_APPLICATION(self));
    self->exit_status = status;
}
