/* test-vmc-window-accels.c: every control of the console window's toolbar has a tooltip, an
 * accessible name and an accelerator that its tooltip shows and that the window's shortcuts
 * really bind to its action; every menu item shows the accelerator that works (settings kept in
 * org.berth.VMConnect that are not on the toolbar may have none); no key is bound to two
 * actions, and every bound action exists. The real window (vmconnect's application and
 * VmcWindow) on Xvfb, pointed at a SPICE socket that does not exist.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <gtk/gtk.h>

#include "vmc-application.h"
#include "vmc-mic-button.h"
#include "vmc-settings.h"
#include "vmc-usb-button.h"
#include "vmc-window-private.h"

typedef struct {
    guint keyval; /* lower case */
    GdkModifierType mods;
    char *action;
} Binding;

static VmcWindow *window;
static GArray *bindings; /* of Binding: the window's shortcuts */

static void
binding_clear(gpointer data)
{
    g_free(((Binding *)data)->action);
}

static void
collect_bindings(void)
{
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers(GTK_WIDGET(window));

    bindings = g_array_new(FALSE, TRUE, sizeof(Binding));
    g_array_set_clear_func(bindings, binding_clear);
    for (guint i = 0; i < g_list_model_get_n_items(controllers); i++) {
        g_autoptr(GObject) controller = g_list_model_get_item(controllers, i);

        if (!GTK_IS_SHORTCUT_CONTROLLER(controller))
            continue;
        for (guint j = 0; j < g_list_model_get_n_items(G_LIST_MODEL(controller)); j++) {
            g_autoptr(GtkShortcut) shortcut = g_list_model_get_item(G_LIST_MODEL(controller), j);
            GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger(shortcut);
            GtkShortcutAction *action = gtk_shortcut_get_action(shortcut);
            Binding b = {0};

            if (!GTK_IS_KEYVAL_TRIGGER(trigger) || !GTK_IS_NAMED_ACTION(action))
                continue;
            b.keyval =
                gdk_keyval_to_lower(gtk_keyval_trigger_get_keyval(GTK_KEYVAL_TRIGGER(trigger)));
            b.mods = gtk_keyval_trigger_get_modifiers(GTK_KEYVAL_TRIGGER(trigger));
            b.action = g_strdup(gtk_named_action_get_action_name(GTK_NAMED_ACTION(action)));
            g_array_append_val(bindings, b);
        }
    }
}

/* The action the window's shortcuts bind @keyval with @mods to, or NULL. */
static const char *
bound_action(guint keyval, GdkModifierType mods)
{
    keyval = gdk_keyval_to_lower(keyval);
    for (guint i = 0; i < bindings->len; i++) {
        Binding *b = &g_array_index(bindings, Binding, i);

        if (b->keyval == keyval && b->mods == mods)
            return b->action;
    }
    return NULL;
}

/* "Ctrl+Shift+V", as tooltips write it, into a key and modifiers. */
static gboolean
parse_tooltip_accel(const char *text, guint *ret_keyval, GdkModifierType *ret_mods)
{
    g_auto(GStrv) parts = g_strsplit(text, "+", -1);
    guint n = g_strv_length(parts);

    *ret_mods = 0;
    for (guint i = 0; i + 1 < n; i++) {
        if (g_str_equal(parts[i], "Ctrl"))
            *ret_mods |= GDK_CONTROL_MASK;
        else if (g_str_equal(parts[i], "Shift"))
            *ret_mods |= GDK_SHIFT_MASK;
        else if (g_str_equal(parts[i], "Alt"))
            *ret_mods |= GDK_ALT_MASK;
        else
            return FALSE;
    }
    *ret_keyval = n > 0 ? gdk_keyval_from_name(parts[n - 1]) : GDK_KEY_VoidSymbol;
    return *ret_keyval != GDK_KEY_VoidSymbol;
}

/* The action a toolbar control stands for. */
static const char *
control_action(GtkWidget *control)
{
    if (GTK_IS_ACTIONABLE(control) && gtk_actionable_get_action_name(GTK_ACTIONABLE(control)))
        return gtk_actionable_get_action_name(GTK_ACTIONABLE(control));
    if (VMC_IS_MIC_BUTTON(control))
        return "win.microphone";
    if (gtk_widget_get_ancestor(control, VMC_TYPE_USB_BUTTON) != NULL)
        return "win.usb-menu";
    if (control == window->zoom_button)
        return "win.zoom-menu";
    return NULL;
}

static void
collect_controls(GtkWidget *widget, GPtrArray *controls)
{
    if (GTK_IS_BUTTON(widget) || GTK_IS_MENU_BUTTON(widget)) {
        g_ptr_array_add(controls, widget);
        return;
    }
    for (GtkWidget *child = gtk_widget_get_first_child(widget); child != NULL;
         child = gtk_widget_get_next_sibling(child))
        collect_controls(child, controls);
}

static void
test_toolbar(void)
{
    g_autoptr(GPtrArray) controls = g_ptr_array_new();

    collect_controls(window->toolbar, controls);
    /* The microphone toggle's tooltip is the reason it is off while PulseAudio is missing (as
     * here); without a session it is its own. */
    for (guint i = 0; i < controls->len; i++)
        if (VMC_IS_MIC_BUTTON(controls->pdata[i]))
            vmc_mic_button_set_audio(controls->pdata[i], NULL);
    /* Ctrl+Alt+Del … Type clipboard text, USB, microphone, screenshot, zoom, full screen. */
    g_assert_cmpuint(controls->len, >=, 17);
    for (guint i = 0; i < controls->len; i++) {
        GtkWidget *control = controls->pdata[i];
        const char *tooltip = gtk_widget_get_tooltip_text(control);
        const char *action = control_action(control);
        const char *open, *close;
        g_autofree char *accel = NULL;
        guint keyval = 0;
        GdkModifierType mods = 0;

        g_test_message("%s: %s, tooltip %s", G_OBJECT_TYPE_NAME(control), action, tooltip);
        g_assert_nonnull(action);
        g_assert_nonnull(tooltip);
        g_assert_true(gtk_test_accessible_has_property(GTK_ACCESSIBLE(control),
                                                       GTK_ACCESSIBLE_PROPERTY_LABEL) ||
                      gtk_test_accessible_has_relation(GTK_ACCESSIBLE(control),
                                                       GTK_ACCESSIBLE_RELATION_LABELLED_BY));
        /* The tooltip ends with its accelerator in parentheses … */
        open = strrchr(tooltip, '(');
        close = strrchr(tooltip, ')');
        g_assert_nonnull(open);
        g_assert_true(close != NULL && close > open && close[1] == '\0');
        accel = g_strndup(open + 1, close - open - 1);
        g_assert_true(parse_tooltip_accel(accel, &keyval, &mods));
        /* … which the window binds to the control's action. */
        g_assert_cmpstr(bound_action(keyval, mods), ==, action);
    }
}

static gboolean
is_setting(const char *action)
{
    g_autoptr(GSettings) settings = vmc_settings_new();
    g_autoptr(GSettingsSchema) schema = NULL;

    g_assert_nonnull(settings);
    g_object_get(settings, "settings-schema", &schema, NULL);
    return g_str_has_prefix(action, "win.") && g_settings_schema_has_key(schema, action + 4);
}

static gboolean
on_toolbar(const char *action)
{
    g_autoptr(GPtrArray) controls = g_ptr_array_new();

    collect_controls(window->toolbar, controls);
    for (guint i = 0; i < controls->len; i++)
        if (g_strcmp0(control_action(controls->pdata[i]), action) == 0)
            return TRUE;
    return FALSE;
}

static void
check_menu(GMenuModel *model, guint *ret_items)
{
    for (int i = 0; i < g_menu_model_get_n_items(model); i++) {
        g_autofree char *action = NULL;
        g_autofree char *accel = NULL;
        g_autofree char *label = NULL;
        GMenuModel *link;
        g_autoptr(GMenuLinkIter) links = g_menu_model_iterate_item_links(model, i);
        const char *name;

        while (g_menu_link_iter_get_next(links, &name, &link)) {
            check_menu(link, ret_items);
            g_object_unref(link);
        }
        if (!g_menu_model_get_item_attribute(model, i, "action", "s", &action))
            continue;
        g_menu_model_get_item_attribute(model, i, "label", "s", &label);
        g_menu_model_get_item_attribute(model, i, "accel", "s", &accel);
        g_test_message("menu item %s: %s %s", label, action, accel);
        (*ret_items)++;
        if (accel != NULL) {
            guint keyval = 0;
            GdkModifierType mods = 0;

            g_assert_true(gtk_accelerator_parse(accel, &keyval, &mods));
            g_assert_cmpstr(bound_action(keyval, mods), ==, action);
        } else {
            /* Only a setting that is not on the toolbar may go without. */
            g_assert_true(is_setting(action));
            g_assert_false(on_toolbar(action));
        }
    }
}

static void
test_menus(void)
{
    guint items = 0;

    check_menu(gtk_popover_menu_bar_get_menu_model(GTK_POPOVER_MENU_BAR(window->menu_bar)), &items);
    g_assert_cmpuint(items, >=, 25);
}

static void
test_bindings(void)
{
    g_assert_cmpuint(bindings->len, >=, 20);
    for (guint i = 0; i < bindings->len; i++) {
        Binding *b = &g_array_index(bindings, Binding, i);
        g_autofree char *label = gtk_accelerator_get_label(b->keyval, b->mods);

        g_test_message("%s: %s", label, b->action);
        /* No key bound twice. */
        for (guint j = i + 1; j < bindings->len; j++) {
            Binding *other = &g_array_index(bindings, Binding, j);

            g_assert_false(other->keyval == b->keyval && other->mods == b->mods);
        }
        /* The action exists ("window." ones are GtkWindow's own). */
        if (g_str_has_prefix(b->action, "win."))
            g_assert_true(g_action_group_has_action(G_ACTION_GROUP(window), b->action + 4));
        else
            g_assert_true(g_str_has_prefix(b->action, "window."));
    }
}

/* The host keys are Ctrl+Alt+…, the rest of the window's keys Ctrl+… or F11; every one the
 * guest's screen does not take first (they work while the keyboard is the host's). */
static void
test_host_keys(void)
{
    g_assert_cmpstr(bound_action(GDK_KEY_End, GDK_CONTROL_MASK | GDK_ALT_MASK), ==,
                    "win.ctrl-alt-del");
    g_assert_cmpstr(bound_action(GDK_KEY_Pause, GDK_CONTROL_MASK | GDK_ALT_MASK), ==,
                    "win.fullscreen");
    g_assert_cmpstr(bound_action(GDK_KEY_m, GDK_CONTROL_MASK), ==, "win.microphone");
    for (guint i = 0; i < bindings->len; i++) {
        Binding *b = &g_array_index(bindings, Binding, i);

        g_assert_true((b->mods & GDK_CONTROL_MASK) || b->keyval == GDK_KEY_F11);
    }
}

int
main(int argc, char **argv)
{
    g_autoptr(VmcApplication) app = NULL;
    g_autoptr(GError) error = NULL;
    int status;

    g_setenv("GTK_A11Y", "test", TRUE);
    g_setenv("GSETTINGS_BACKEND", "memory", TRUE);
    gtk_test_init(&argc, &argv, NULL);
    if (gdk_display_get_default() == NULL) {
        g_print("no display: skipping\n");
        return 77;
    }
    if (g_getenv("GSETTINGS_SCHEMA_DIR") == NULL) {
        g_print("needs the compiled schema (GSETTINGS_SCHEMA_DIR): skipping\n");
        return 77;
    }
    app = vmc_application_new();
    g_assert_true(g_application_register(G_APPLICATION(app), NULL, &error));
    window = vmc_window_new(GTK_APPLICATION(app), "spice+unix:///nonexistent/spice.sock", NULL);
    collect_bindings();
    g_test_add_func("/vmconnect/window/bindings", test_bindings);
    g_test_add_func("/vmconnect/window/host-keys", test_host_keys);
    g_test_add_func("/vmconnect/window/toolbar", test_toolbar);
    g_test_add_func("/vmconnect/window/menus", test_menus);
    status = g_test_run();
    g_array_unref(bindings);
    gtk_window_destroy(GTK_WINDOW(window));
    return status;
}
