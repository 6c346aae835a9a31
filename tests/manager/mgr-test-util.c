/* mgr-test-util.c: helpers for the manager's GUI tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gstdio.h>

#include "mgr-test-util.h"

gboolean
mgr_test_init(int *argc, char ***argv)
{
    g_test_init(argc, argv, NULL);
    /* Criticals stay fatal. Warnings do not: GTK 4.8 warns when a focused entry turns
     * insensitive while the window lacks the X focus (always so under Xvfb without a window
     * manager), which is GTK's bookkeeping, not a fault of ours. */
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    if (g_getenv("DISPLAY") == NULL || g_getenv("BERTH_BUS_ADDRESS") == NULL) {
        g_print("1..0 # SKIP needs DISPLAY and BERTH_BUS_ADDRESS: run through "
                "tests/berthtest.py session\n");
        return FALSE;
    }
    gtk_init();
    adw_init();
    return TRUE;
}

static gboolean
client_connected(gpointer client)
{
    return mgr_client_get_connected(client);
}

MgrClient *
mgr_test_client(void)
{
    MgrClient *client = mgr_client_new(NULL);

    mgr_client_start(client);
    if (!mgr_test_wait(client_connected, client, 20000))
        g_error("The client did not connect to berthd: %s", mgr_client_get_error(client));
    return client;
}

static gboolean
time_up(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

void
mgr_test_spin(guint ms)
{
    gboolean done = FALSE;

    g_timeout_add(ms, time_up, &done);
    while (!done)
        g_main_context_iteration(NULL, TRUE);
}

gboolean
mgr_test_wait(gboolean (*done)(gpointer data), gpointer data, guint timeout_ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    while (!done(data)) {
        if (g_get_monotonic_time() > end)
            return done(data);
        mgr_test_spin(20);
    }
    return TRUE;
}

gpointer
mgr_test_child(gpointer widget, GType type, const char *id)
{
    GObject *child = gtk_widget_get_template_child(GTK_WIDGET(widget), type, id);

    if (child == NULL)
        g_error("No template child “%s” in %s", id, g_type_name(type));
    return child;
}

void
mgr_test_type(gpointer widget, GType type, const char *id, const char *text)
{
    GtkWidget *entry = mgr_test_child(widget, type, id);

    g_assert_true(gtk_widget_is_sensitive(entry));
    gtk_editable_set_text(GTK_EDITABLE(entry), text);
    mgr_test_spin(10);
}

void
mgr_test_set_value(gpointer widget, GType type, const char *id, double value)
{
    GtkSpinButton *spin = mgr_test_child(widget, type, id);

    g_assert_true(gtk_widget_is_sensitive(GTK_WIDGET(spin)));
    gtk_spin_button_set_value(spin, value);
    mgr_test_spin(10);
}

void
mgr_test_toggle(gpointer widget, GType type, const char *id, gboolean active)
{
    GtkCheckButton *check = mgr_test_child(widget, type, id);

    g_assert_true(gtk_widget_is_sensitive(GTK_WIDGET(check)));
    g_assert_true(gtk_widget_get_visible(GTK_WIDGET(check)));
    gtk_check_button_set_active(check, active);
    mgr_test_spin(10);
}

gboolean
mgr_test_sensitive(gpointer widget, GType type, const char *id)
{
    /* A button bound to a disabled action turns insensitive (GtkActionable). */
    return gtk_widget_is_sensitive(GTK_WIDGET(mgr_test_child(widget, type, id)));
}

void
mgr_test_activate(gpointer widget, const char *action)
{
    g_assert_true(gtk_widget_activate_action(GTK_WIDGET(widget), action, NULL));
    mgr_test_spin(30);
}

const char *
mgr_test_reason(gpointer widget, GType type, const char *id)
{
    GtkLabel *label = mgr_test_child(widget, type, id);

    if (!gtk_widget_get_visible(GTK_WIDGET(label)))
        return NULL;
    return gtk_label_get_text(label);
}

AdwMessageDialog *
mgr_test_message_dialog(gpointer parent)
{
    GListModel *toplevels = gtk_window_get_toplevels(); /* not ours */

    for (guint i = 0; i < g_list_model_get_n_items(toplevels); i++) {
        g_autoptr(GObject) window = g_list_model_get_item(toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG(window) &&
            gtk_window_get_transient_for(GTK_WINDOW(window)) == parent &&
            gtk_widget_get_visible(GTK_WIDGET(window)))
            return ADW_MESSAGE_DIALOG(window);
    }
    return NULL;
}

void
mgr_test_screenshot(gpointer window, const char *name)
{
    const char *folder = g_getenv("BERTH_TEST_ARTIFACTS");
    g_autofree char *fallback = NULL;
    g_autofree char *path = NULL;
    g_autoptr(GdkPaintable) paintable = NULL;
    g_autoptr(GtkSnapshot) snapshot = NULL;
    g_autoptr(GskRenderNode) node = NULL;
    g_autoptr(GdkTexture) texture = NULL;
    int width, height;

    mgr_test_spin(300);
    width = gtk_widget_get_width(GTK_WIDGET(window));
    height = gtk_widget_get_height(GTK_WIDGET(window));
    g_assert_cmpint(width, >, 0);
    paintable = gtk_widget_paintable_new(GTK_WIDGET(window));
    snapshot = gtk_snapshot_new();
    gdk_paintable_snapshot(paintable, GDK_SNAPSHOT(snapshot), width, height);
    node = gtk_snapshot_free_to_node(g_steal_pointer(&snapshot));
    g_assert_nonnull(node);
    texture = gsk_renderer_render_texture(gtk_native_get_renderer(GTK_NATIVE(window)), node,
                                          &GRAPHENE_RECT_INIT(0, 0, width, height));
    /* Never the current folder (a source tree): the session's temporary one instead. */
    if (folder == NULL)
        folder = fallback = g_build_filename(
            g_getenv("BERTH_TEST_TMP") != NULL ? g_getenv("BERTH_TEST_TMP") : g_get_tmp_dir(),
            "artifacts", NULL);
    g_mkdir_with_parents(folder, 0755);
    path = g_strdup_printf("%s/%s.png", folder, name);
    g_assert_true(gdk_texture_save_to_png(texture, path));
    g_test_message("screenshot: %s", path);
}

char *
mgr_test_berth_argv(char **ret_stderr, const char *const *args)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    int status = 0;

    g_assert_nonnull(g_getenv("BERTH_CLI"));
    g_ptr_array_add(argv, (char *)g_getenv("BERTH_CLI"));
    if (g_getenv("BERTH_BUS_ADDRESS") != NULL) {
        g_ptr_array_add(argv, "--connect");
        g_ptr_array_add(argv, (char *)g_getenv("BERTH_BUS_ADDRESS"));
    }
    for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add(argv, (char *)args[i]);
    g_ptr_array_add(argv, NULL);
    g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                 &error);
    g_assert_no_error(error);
    if (ret_stderr != NULL)
        *ret_stderr = g_strdup(err);
    if (!g_spawn_check_wait_status(status, NULL))
        return NULL;
    return g_steal_pointer(&out);
}

char *
mgr_test_berth(char **ret_stderr, const char *first, ...)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    va_list ap;

    va_start(ap, first);
    for (const char *arg = first; arg != NULL; arg = va_arg(ap, const char *))
        g_ptr_array_add(args, (char *)arg);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    return mgr_test_berth_argv(ret_stderr, (const char *const *)args->pdata);
}

char *
mgr_test_scratch(const char *name)
{
    const char *tmp = g_getenv("BERTH_TEST_TMP");
    char *path = g_build_filename(tmp != NULL ? tmp : g_get_tmp_dir(), "scratch", name, NULL);

    g_mkdir_with_parents(path, 0755);
    return path;
}

gboolean
mgr_test_window_gone(gpointer weak_pointer_location)
{
    return *(gpointer *)weak_pointer_location == NULL;
}
