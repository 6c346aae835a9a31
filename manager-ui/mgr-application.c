/* mgr-application.c: the application: command line, the shared berthd client, accelerators and
 * windows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-application.h"
#include "mgr-resources.h"
#include "mgr-window.h"

struct _MgrApplication {
    AdwApplication parent_instance;

    char *address; /* --connect */
    MgrClient *client;
};

G_DEFINE_FINAL_TYPE(MgrApplication, mgr_application, ADW_TYPE_APPLICATION)

static const GOptionEntry mgr_application_options[] = {
    {"connect", 0, 0, G_OPTION_ARG_STRING, NULL,
     /* Translators: help for --connect. */
     N_("The D-Bus address of berthd's bus (default: $BERTH_BUS_ADDRESS, else the system bus, "
        "else the session bus)"),
     N_("ADDRESS")},
    {"version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL},
    {NULL}};

static int
mgr_application_handle_local_options(GApplication *application, GVariantDict *options)
{
    MgrApplication *self = MGR_APPLICATION(application);
    const char *address = NULL;

    if (g_variant_dict_contains(options, "version")) {
        g_print("berth-manager %s\n", BERTH_VERSION);
        return 0;
    }
    if (g_variant_dict_lookup(options, "connect", "&s", &address)) {
        g_free(self->address);
        self->address = g_strdup(address);
    }
    return G_APPLICATION_CLASS(mgr_application_parent_class)
        ->handle_local_options(application, options);
}

static void
mgr_application_startup(GApplication *application)
{
    MgrApplication *self = MGR_APPLICATION(application);

    G_APPLICATION_CLASS(mgr_application_parent_class)->startup(application);

    /* Dark mode follows the desktop's preference. */
    adw_style_manager_set_color_scheme(adw_style_manager_get_default(),
                                       ADW_COLOR_SCHEME_PREFER_LIGHT);
    gtk_window_set_default_icon_name(MGR_APPLICATION_ID);
    self->client = mgr_client_new(self->address);
    mgr_application_install_actions(self);
    mgr_client_start(self->client);
}

static void
mgr_application_activate(GApplication *application)
{
    MgrApplication *self = MGR_APPLICATION(application);
    GtkWindow *window = gtk_application_get_active_window(GTK_APPLICATION(application));

    if (window == NULL)
        window = GTK_WINDOW(mgr_window_new(self, self->client));
    gtk_window_present(window);
}

static void
mgr_application_shutdown(GApplication *application)
{
    MgrApplication *self = MGR_APPLICATION(application);

    G_APPLICATION_CLASS(mgr_application_parent_class)->shutdown(application);
    g_clear_object(&self->client);
}

static void
mgr_application_finalize(GObject *object)
{
    MgrApplication *self = MGR_APPLICATION(object);

    g_free(self->address);
    g_clear_object(&self->client);
    G_OBJECT_CLASS(mgr_application_parent_class)->finalize(object);
}

static void
mgr_application_class_init(MgrApplicationClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GApplicationClass *app_class = G_APPLICATION_CLASS(klass);

    object_class->finalize = mgr_application_finalize;
    app_class->handle_local_options = mgr_application_handle_local_options;
    app_class->startup = mgr_application_startup;
    app_class->activate = mgr_application_activate;
    app_class->shutdown = mgr_application_shutdown;
}

static void
mgr_application_init(MgrApplication *self)
{
    /* The resources live in libmgr; referencing them keeps the linker from dropping them. */
    (void)mgr_get_resource();
    g_application_add_main_option_entries(G_APPLICATION(self), mgr_application_options);
    g_application_set_option_context_parameter_string(G_APPLICATION(self), NULL);
}

MgrApplication *
mgr_application_new(void)
{
    return g_object_new(MGR_TYPE_APPLICATION, "application-id", MGR_APPLICATION_ID, "flags",
                        G_APPLICATION_DEFAULT_FLAGS, NULL);
}

MgrClient *
mgr_application_get_client(MgrApplication *self)
{
    g_return_val_if_fail(MGR_IS_APPLICATION(self), NULL);
    return self->client;
}

GtkWindow *
mgr_application_get_parent(MgrApplication *self)
{
    g_return_val_if_fail(MGR_IS_APPLICATION(self), NULL);
    return gtk_application_get_active_window(GTK_APPLICATION(self));
}
