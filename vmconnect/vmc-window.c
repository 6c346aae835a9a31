/* vmc-window.c: the console window of one VM: follows the VM through berthd (title, state,
 * the "turned off" page), keeps a SPICE connection while the VM runs (reconnecting after Start,
 * Restore, a lost connection) and wires its channels to the display and the input.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "vmc-application.h"
#include "vmc-media.h"
#include "vmc-render-cache.h"
#include "vmc-resources.h"
#include "vmc-window-private.h"

#define RECONNECT_DELAY_MS    1000
#define RECONNECT_ATTEMPTS    10
#define GUEST_RESIZE_DELAY_MS 300
#define FIT_DELAY_MS          250

G_DEFINE_FINAL_TYPE(VmcWindow, vmc_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
    PROP_0,
    PROP_SESSION,
    N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void update_state(VmcWindow *self);
static void connect_console(VmcWindow *self);

static SpiceSession *
new_idle_session(void)
{
    /* Audio goes through libpulse (vmc-audio), never spice_audio_get's GStreamer backend. */
    return g_object_new(SPICE_TYPE_SESSION, "enable-audio", TRUE, NULL);
}

static void
set_exit_status(VmcWindow *self, int status)
{
    GtkApplication *app = gtk_window_get_application(GTK_WINDOW(self));

    if (VMC_IS_APPLICATION(app))
        vmc_application_set_exit_status(VMC_APPLICATION(app), status);
}

/* Errors before the guest was ever shown make vmconnect exit with 1 once closed. */
static void
show_failure(VmcWindow *self, const char *message)
{
    vmc_window_show_error(self, message);
    if (!self->ever_shown)
        set_exit_status(self, 1);
}

static gboolean
is_state(VmcWindow *self, const char *state)
{
    return g_strcmp0(vmc_window_get_state(self), state) == 0;
}

static gboolean
console_wanted(VmcWindow *self)
{
    if (self->berth == NULL)
        return TRUE;
    return self->vm != NULL && (is_state(self, "Running") || is_state(self, "Paused"));
}

/* --- channels --------------------------------------------------------------------------------- */

static void
send_guest_size(VmcWindow *self)
{
    int width, height;

    if (self->main_channel == NULL || !self->agent_connected ||
        vmc_display_get_zoom(self->display) != 0)
        return;
    width = gtk_widget_get_width(GTK_WIDGET(self->display)) *
            gtk_widget_get_scale_factor(GTK_WIDGET(self->display));
    height = gtk_widget_get_height(GTK_WIDGET(self->display)) *
             gtk_widget_get_scale_factor(GTK_WIDGET(self->display));
    if (width < 320 || height < 200)
        return;
    /* Even widths keep some guests' drivers happy. */
    width &= ~7;
    spice_main_channel_update_display_enabled(self->main_channel, 0, TRUE, FALSE);
    spice_main_channel_update_display(self->main_channel, 0, 0, 0, width, height, FALSE);
    spice_main_channel_send_monitor_config(self->main_channel);
}

static gboolean
on_resize_timeout(gpointer user_data)
{
    VmcWindow *self = user_data;

    self->resize_source = 0;
    send_guest_size(self);
    return G_SOURCE_REMOVE;
}

static void
schedule_guest_size(VmcWindow *self)
{
    g_clear_handle_id(&self->resize_source, g_source_remove);
    self->resize_source = g_timeout_add(GUEST_RESIZE_DELAY_MS, on_resize_timeout, self);
}

static void
on_display_size_changed(VmcDisplay *display, int width, int height, VmcWindow *self)
{
    if (self->agent_connected)
        schedule_guest_size(self);
}

/* Without a vdagent the guest decides its resolution: the window follows it. The display's
 * natural size is the guest's screen (at the zoom level), so the window's natural size is what
 * it needs to show all of it. */
static void
fit_window_to_guest(VmcWindow *self)
{
    int width, height;

    if (self->agent_connected || gtk_window_is_maximized(GTK_WINDOW(self)) ||
        gtk_window_is_fullscreen(GTK_WINDOW(self)) ||
        !vmc_display_get_guest_size(self->display, NULL, NULL))
        return;
    gtk_widget_measure(GTK_WIDGET(self), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
    gtk_widget_measure(GTK_WIDGET(self), GTK_ORIENTATION_VERTICAL, width, NULL, &height, NULL,
                       NULL);
    g_debug("fitting the window to the guest's screen: %dx%d", width, height);
    gtk_window_set_default_size(GTK_WINDOW(self), width, height);
    self->fits_guest = TRUE;
}

static gboolean
on_fit_timeout(gpointer user_data)
{
    VmcWindow *self = user_data;

    self->fit_source = 0;
    fit_window_to_guest(self);
    return G_SOURCE_REMOVE;
}

/* A guest switching modes goes through passing sizes within milliseconds (720x400, 1024x64,
 * 1024x768 while Linux boots): the window follows the size that stays. Resizing for each raced
 * the X server's answers, and a passing size could stick. */
static void
schedule_fit(VmcWindow *self)
{
    g_clear_handle_id(&self->fit_source, g_source_remove);
    self->fit_source = g_timeout_add(FIT_DELAY_MS, on_fit_timeout, self);
}

static void
on_display_guest_size(VmcDisplay *display, GParamSpec *pspec, VmcWindow *self)
{
    schedule_fit(self);
}

static void
on_display_showing(VmcDisplay *display, GParamSpec *pspec, VmcWindow *self)
{
    gboolean showing = FALSE;

    g_object_get(display, "showing", &showing, NULL);
    if (!showing)
        return;
    if (!self->ever_shown) {
        self->ever_shown = TRUE;
        set_exit_status(self, 0);
        gtk_widget_grab_focus(GTK_WIDGET(self->display));
    }
    self->reconnect_attempts = 0;
    self->shown_this_connection = TRUE;
    gtk_widget_set_visible(self->busy_page, FALSE);
    gtk_spinner_stop(GTK_SPINNER(self->busy_spinner));
    vmc_window_actions_update(self);
    /* A reset or a reconnection may come back at the same guest size (no notify), after the
     * window was sized while the screen was away: size it to the guest again. */
    if (self->fits_guest)
        schedule_fit(self);
}

static void
on_mouse_mode(SpiceMainChannel *channel, GParamSpec *pspec, VmcWindow *self)
{
    int mode = SPICE_MOUSE_MODE_CLIENT;

    g_object_get(channel, "mouse-mode", &mode, NULL);
    vmc_input_set_mouse_mode(self->input, mode);
    if (mode == SPICE_MOUSE_MODE_SERVER)
        vmc_window_set_status_message(
            self, _("The guest has no absolute pointer: the mouse may not follow exactly."));
}

static void
on_agent_connected(SpiceMainChannel *channel, GParamSpec *pspec, VmcWindow *self)
{
    gboolean connected = FALSE;

    g_object_get(channel, "agent-connected", &connected, NULL);
    self->agent_connected = connected;
    if (connected)
        schedule_guest_size(self);
}

static void
on_channel_new(SpiceSession *session, SpiceChannel *channel, VmcWindow *self)
{
    int id = 0;

    g_object_get(channel, "channel-id", &id, NULL);
    if (SPICE_IS_MAIN_CHANNEL(channel)) {
        self->main_channel = SPICE_MAIN_CHANNEL(channel);
        g_signal_connect(channel, "notify::mouse-mode", G_CALLBACK(on_mouse_mode), self);
        g_signal_connect(channel, "notify::agent-connected", G_CALLBACK(on_agent_connected), self);
    } else if (SPICE_IS_DISPLAY_CHANNEL(channel) && id == 0) {
        vmc_display_set_channel(self->display, SPICE_DISPLAY_CHANNEL(channel));
        spice_channel_connect(channel);
    } else if (SPICE_IS_CURSOR_CHANNEL(channel) && id == 0) {
        vmc_display_set_cursor_channel(self->display, SPICE_CURSOR_CHANNEL(channel));
        spice_channel_connect(channel);
    } else if (SPICE_IS_INPUTS_CHANNEL(channel)) {
        vmc_input_set_channel(self->input, SPICE_INPUTS_CHANNEL(channel));
        spice_channel_connect(channel);
    }
}

static void
on_channel_destroy(SpiceSession *session, SpiceChannel *channel, VmcWindow *self)
{
    if (SPICE_CHANNEL(self->main_channel) == channel) {
        g_signal_handlers_disconnect_by_data(channel, self);
        self->main_channel = NULL;
        self->agent_connected = FALSE;
    } else if (SPICE_IS_DISPLAY_CHANNEL(channel)) {
        vmc_display_set_channel(self->display, NULL);
    } else if (SPICE_IS_CURSOR_CHANNEL(channel)) {
        vmc_display_set_cursor_channel(self->display, NULL);
    } else if (SPICE_IS_INPUTS_CHANNEL(channel)) {
        vmc_input_set_channel(self->input, NULL);
    }
}

/* --- the connection --------------------------------------------------------------------------- */

static void
set_session(VmcWindow *self, SpiceSession *session)
{
    if (self->session == session)
        return;
    if (self->session != NULL)
        g_signal_handlers_disconnect_by_data(self->session, self);
    g_set_object(&self->session, session);
    g_signal_connect(session, "channel-new", G_CALLBACK(on_channel_new), self);
    g_signal_connect(session, "channel-destroy", G_CALLBACK(on_channel_destroy), self);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_SESSION]);
}

static void
drop_console(VmcWindow *self)
{
    SpiceSession *idle;

    g_clear_handle_id(&self->reconnect_source, g_source_remove);
    if (self->console == NULL)
        return;
    g_signal_handlers_disconnect_by_data(self->console, self);
    vmc_display_set_channel(self->display, NULL);
    vmc_display_set_cursor_channel(self->display, NULL);
    vmc_input_set_channel(self->input, NULL);
    if (self->main_channel != NULL)
        g_signal_handlers_disconnect_by_data(self->main_channel, self);
    self->main_channel = NULL;
    self->agent_connected = FALSE;
    vmc_console_stop(self->console);
    g_clear_object(&self->console);
    idle = new_idle_session();
    set_session(self, idle);
    g_object_unref(idle);
}

static gboolean
on_reconnect(gpointer user_data)
{
    VmcWindow *self = user_data;

    self->reconnect_source = 0;
    if (self->console == NULL && console_wanted(self))
        connect_console(self);
    return G_SOURCE_REMOVE;
}

static void
show_disconnected(VmcWindow *self)
{
    gtk_label_set_text(GTK_LABEL(self->busy_label), _("Disconnected"));
    gtk_spinner_stop(GTK_SPINNER(self->busy_spinner));
    gtk_widget_set_visible(self->busy_page, TRUE);
    vmc_window_actions_update(self);
}

/* A connection that showed the guest closed and, a moment later, the VM still runs: SPICE takes
 * one client at a time, so another console most likely took over. Fighting back would make the
 * two windows take turns for ever: say so and let the person reconnect. */
static gboolean
on_closed_check(gpointer user_data)
{
    VmcWindow *self = user_data;

    self->reconnect_source = 0;
    if (self->console != NULL || !console_wanted(self))
        return G_SOURCE_REMOVE;
    self->taken_over = TRUE;
    vmc_window_show_error(self, _("The connection to the screen closed while the virtual machine "
                                  "runs; another console may have taken it over. Select "
                                  "Reconnect (Ctrl+Shift+R) to connect again."));
    show_disconnected(self);
    return G_SOURCE_REMOVE;
}

static void
on_console_closed(VmcConsole *console, const char *message, VmcWindow *self)
{
    const gboolean was_shown = self->shown_this_connection;

    drop_console(self);
    if (self->berth == NULL) {
        show_failure(self,
                     message != NULL ? message : _("The SPICE server closed the connection."));
        show_disconnected(self);
        return;
    }
    if (!console_wanted(self)) {
        update_state(self);
        return;
    }
    if (was_shown) {
        /* Give berthd a moment to report the VM off, if that is what happened. */
        self->reconnect_source = g_timeout_add(RECONNECT_DELAY_MS + 500, on_closed_check, self);
        return;
    }
    /* It never showed the guest: the SPICE server may not be ready yet (Restore); try again. */
    if (++self->reconnect_attempts > RECONNECT_ATTEMPTS) {
        show_failure(self, message);
        show_disconnected(self);
        return;
    }
    self->reconnect_source = g_timeout_add(RECONNECT_DELAY_MS, on_reconnect, self);
}

gboolean
vmc_window_can_reconnect(VmcWindow *self)
{
    return self->console == NULL && console_wanted(self);
}

void
vmc_window_reconnect(VmcWindow *self)
{
    g_clear_handle_id(&self->reconnect_source, g_source_remove);
    self->taken_over = FALSE;
    self->reconnect_attempts = 0;
    vmc_window_hide_error(self);
    if (self->console == NULL && console_wanted(self))
        connect_console(self);
}

static void
connect_console(VmcWindow *self)
{
    g_assert(self->console == NULL);

    self->shown_this_connection = FALSE;
    self->console = self->berth == NULL ? vmc_console_new_for_uri(self->target)
                                        : vmc_console_new_for_vm(self->vm);
    g_signal_connect(self->console, "closed", G_CALLBACK(on_console_closed), self);
    set_session(self, vmc_console_get_session(self->console));
    gtk_label_set_text(GTK_LABEL(self->busy_label), _("Connecting to the virtual machine…"));
    gtk_spinner_start(GTK_SPINNER(self->busy_spinner));
    gtk_widget_set_visible(self->busy_page, TRUE);
    vmc_console_start(self->console);
}

/* --- the VM's state --------------------------------------------------------------------------- */

const char *
vmc_window_get_state(VmcWindow *self)
{
    return self->vm != NULL ? berth_dbus_virtual_machine_get_state(self->vm) : NULL;
}

static const char *
state_for_people(const char *state)
{
    static const struct {
        const char *state;
        const char *text;
    } states[] = {
        {"Off", NC_("VM state", "Off")},           {"Starting", NC_("VM state", "Starting")},
        {"Running", NC_("VM state", "Running")},   {"Paused", NC_("VM state", "Paused")},
        {"Saving", NC_("VM state", "Saving")},     {"Saved", NC_("VM state", "Saved")},
        {"Stopping", NC_("VM state", "Stopping")},
    };

    for (guint i = 0; i < G_N_ELEMENTS(states); i++)
        if (g_strcmp0(state, states[i].state) == 0)
            return g_dpgettext2(NULL, "VM state", states[i].text);
    return state;
}

static void
update_title(VmcWindow *self)
{
    g_autofree char *title = NULL;
    const char *state = vmc_window_get_state(self);
    const char *name = self->target;

    if (self->vm != NULL && berth_dbus_virtual_machine_get_name(self->vm) != NULL)
        name = berth_dbus_virtual_machine_get_name(self->vm);
    if (self->berth == NULL)
        /* Translators: the window title for a SPICE URI */
        title = g_strdup_printf(_("%s - Virtual Machine Connection"), self->target);
    else if (state != NULL)
        /* Translators: window title: VM name, host name, VM state */
        title = g_strdup_printf(_("%s on %s - Virtual Machine Connection (%s)"), name,
                                g_get_host_name(), state_for_people(state));
    else
        /* Translators: window title: VM name, host name */
        title =
            g_strdup_printf(_("%s on %s - Virtual Machine Connection"), name, g_get_host_name());
    gtk_window_set_title(GTK_WINDOW(self), title);
}

static void
update_state(VmcWindow *self)
{
    const char *state = vmc_window_get_state(self);
    g_autofree char *status = NULL;

    update_title(self);
    /* First, so the Start button below is sensitive when it takes the focus. */
    vmc_window_actions_update(self);
    if (self->vm != NULL) {
        const char *sentence = berth_dbus_virtual_machine_get_status(self->vm);

        if (sentence != NULL && *sentence != '\0')
            /* Translators: the status bar: the VM's state, then berthd's sentence about it */
            status = g_strdup_printf(_("Status: %s. %s"), state_for_people(state), sentence);
        else
            /* Translators: the status bar: the VM's state */
            status = g_strdup_printf(_("Status: %s"), state_for_people(state));
        gtk_label_set_text(GTK_LABEL(self->status_label), status);
    }

    if (console_wanted(self)) {
        gtk_widget_set_visible(self->off_page, FALSE);
        if (self->console == NULL && self->reconnect_source == 0 && !self->taken_over)
            connect_console(self);
    } else if (self->vm != NULL) {
        g_autofree char *text = NULL;
        const char *name = berth_dbus_virtual_machine_get_name(self->vm);

        drop_console(self);
        self->reconnect_attempts = 0;
        self->taken_over = FALSE;
        if (g_strcmp0(state, "Off") == 0 || g_strcmp0(state, "Saved") == 0) {
            text = g_strdup_printf(g_strcmp0(state, "Off") == 0
                                       ? _("The virtual machine “%s” is turned off")
                                       : _("The virtual machine “%s” is saved"),
                                   name);
            gtk_label_set_text(GTK_LABEL(self->off_label), text);
            gtk_label_set_text(GTK_LABEL(self->off_hint),
                               g_strcmp0(state, "Off") == 0
                                   ? _("To start the virtual machine, select Start.")
                                   : _("To restore the virtual machine, select Start."));
            if (!gtk_widget_get_visible(self->off_page)) {
                gtk_widget_set_visible(self->off_page, TRUE);
                /* Enter starts it. */
                gtk_widget_grab_focus(self->off_start_button);
            }
            gtk_widget_set_visible(self->busy_page, FALSE);
        } else {
            /* Translators: shown while the VM is Starting, Saving or Stopping */
            text = g_strdup_printf(_("%s…"), state_for_people(state));
            gtk_widget_set_visible(self->off_page, FALSE);
            gtk_label_set_text(GTK_LABEL(self->busy_label), text);
            gtk_spinner_start(GTK_SPINNER(self->busy_spinner));
            gtk_widget_set_visible(self->busy_page, TRUE);
        }
    }
    vmc_window_actions_update(self);
}

static void
on_vm_properties_changed(GDBusProxy *proxy, GVariant *changed, GStrv invalidated, VmcWindow *self)
{
    update_state(self);
}

static void
on_berth_vm(VmcBerth *berth, GParamSpec *pspec, VmcWindow *self)
{
    BerthDBusVirtualMachine *vm = vmc_berth_get_vm(berth);

    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_set_object(&self->vm, vm);
    /* After the proxy's own handler, which drops its cached copies of changed strv properties
     * (AllowedActions): before it, they would still read as the previous value. */
    if (vm != NULL)
        g_signal_connect_after(vm, "g-properties-changed", G_CALLBACK(on_vm_properties_changed),
                               self);
    update_state(self);
}

static void
on_berth_problem(VmcBerth *berth, GParamSpec *pspec, VmcWindow *self)
{
    const char *problem = vmc_berth_get_problem(berth);

    if (problem != NULL)
        show_failure(self, problem);
    else
        vmc_window_hide_error(self);
}

/* --- window ----------------------------------------------------------------------------------- */

void
vmc_window_set_status_message(VmcWindow *self, const char *message)
{
    gtk_label_set_text(GTK_LABEL(self->status_label), message);
}

static void
on_captured(VmcInput *input, GParamSpec *pspec, VmcWindow *self)
{
    gtk_label_set_text(
        GTK_LABEL(self->input_label),
        vmc_input_get_captured(input) ? _("Press Ctrl+Alt+Left to release the keyboard") : "");
}

static void
on_error_revealed(GtkRevealer *revealer, GParamSpec *pspec, VmcWindow *self)
{
    /* The message bar came or went: a window sized to the guest is sized again. */
    if (self->fits_guest)
        fit_window_to_guest(self);
}

static void
on_error_close_clicked(VmcWindow *self)
{
    vmc_window_hide_error(self);
}

static void
vmc_window_dispose(GObject *object)
{
    VmcWindow *self = VMC_WINDOW(object);

    g_clear_object(&self->media);
    g_clear_object(&self->settings);
    g_clear_handle_id(&self->resize_source, g_source_remove);
    g_clear_handle_id(&self->fullscreen_bar_source, g_source_remove);
    g_clear_handle_id(&self->fit_source, g_source_remove);
    if (self->display != NULL && g_getenv("VMC_STATS") != NULL)
        vmc_window_print_stats(self);
    drop_console(self);
    if (self->berth != NULL)
        g_signal_handlers_disconnect_by_data(self->berth, self);
    g_clear_object(&self->berth);
    if (self->vm != NULL)
        g_signal_handlers_disconnect_by_data(self->vm, self);
    g_clear_object(&self->vm);
    self->display = NULL; /* the template's child, gone with it */
    if (self->session != NULL)
        g_signal_handlers_disconnect_by_data(self->session, self);
    g_clear_object(&self->session);
    gtk_widget_dispose_template(GTK_WIDGET(self), VMC_TYPE_WINDOW);
    G_OBJECT_CLASS(vmc_window_parent_class)->dispose(object);
}

static void
vmc_window_finalize(GObject *object)
{
    VmcWindow *self = VMC_WINDOW(object);

    g_free(self->target);
    g_free(self->bus_address);
    G_OBJECT_CLASS(vmc_window_parent_class)->finalize(object);
}

static void
vmc_window_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    VmcWindow *self = VMC_WINDOW(object);

    switch (prop_id) {
    case PROP_SESSION:
        g_value_set_object(value, self->session);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_window_class_init(VmcWindowClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = vmc_window_dispose;
    object_class->finalize = vmc_window_finalize;
    object_class->get_property = vmc_window_get_property;

    properties[PROP_SESSION] =
        g_param_spec_object("session", NULL, NULL, SPICE_TYPE_SESSION,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* Referencing the resource keeps its registering constructor in the static library's link. */
    g_assert(vmc_get_resource() != NULL);
    g_type_ensure(VMC_TYPE_RENDER_CACHE);
    gtk_widget_class_set_template_from_resource(widget_class, "/org/berth/vmconnect/vmc-window.ui");
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, menu_bar);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, toolbar);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, media_box);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, zoom_button);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, error_revealer);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, error_label);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, scroller);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, off_page);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, off_label);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, off_hint);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, off_start_button);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, busy_page);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, busy_spinner);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, busy_label);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, status_bar);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, fullscreen_bar);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, status_label);
    gtk_widget_class_bind_template_child(widget_class, VmcWindow, input_label);
    gtk_widget_class_bind_template_callback(widget_class, on_error_close_clicked);
}

static void
vmc_window_init(VmcWindow *self)
{
    SpiceSession *idle = new_idle_session();

    gtk_widget_init_template(GTK_WIDGET(self));
    set_session(self, idle);
    g_object_unref(idle);

    self->display = VMC_DISPLAY(vmc_display_new());
    gtk_accessible_update_property(GTK_ACCESSIBLE(self->display), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                   _("The virtual machine's screen"), -1);
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(self->scroller), GTK_WIDGET(self->display));
    self->input = vmc_input_new(self->display);
    g_signal_connect(self->input, "notify::captured", G_CALLBACK(on_captured), self);
    g_signal_connect(self->display, "size-changed", G_CALLBACK(on_display_size_changed), self);
    g_signal_connect(self->display, "notify::guest-width", G_CALLBACK(on_display_guest_size), self);
    g_signal_connect(self->display, "notify::guest-height", G_CALLBACK(on_display_guest_size),
                     self);
    g_signal_connect(self->display, "notify::showing", G_CALLBACK(on_display_showing), self);
    g_signal_connect(self->error_revealer, "notify::child-revealed", G_CALLBACK(on_error_revealed),
                     self);
    vmc_window_actions_init(self);
    self->media = vmc_media_new(self);
}

VmcWindow *
vmc_window_new(GtkApplication *app, const char *target, const char *bus_address)
{
    VmcWindow *self;

    g_return_val_if_fail(GTK_IS_APPLICATION(app), NULL);
    g_return_val_if_fail(target != NULL, NULL);

    self = g_object_new(VMC_TYPE_WINDOW, "application", app, NULL);
    self->target = g_strdup(target);
    self->bus_address = g_strdup(bus_address);
    update_title(self);
    if (vmc_console_is_uri(target)) {
        gtk_label_set_text(GTK_LABEL(self->status_label), target);
        connect_console(self);
    } else {
        self->berth = vmc_berth_new(bus_address, target);
        g_signal_connect(self->berth, "notify::vm", G_CALLBACK(on_berth_vm), self);
        g_signal_connect(self->berth, "notify::problem", G_CALLBACK(on_berth_problem), self);
        gtk_label_set_text(GTK_LABEL(self->busy_label), _("Looking for the virtual machine…"));
        gtk_widget_set_visible(self->busy_page, TRUE);
        gtk_spinner_start(GTK_SPINNER(self->busy_spinner));
        vmc_berth_start(self->berth);
    }
    vmc_window_actions_update(self);
    return self;
}

SpiceSession *
vmc_window_get_session(VmcWindow *self)
{
    g_return_val_if_fail(VMC_IS_WINDOW(self), NULL);
    return self->session;
}

void
vmc_window_show_error(VmcWindow *self, const char *message)
{
    g_return_if_fail(VMC_IS_WINDOW(self));
    g_return_if_fail(message != NULL);

    /* Also on stderr: for logs, and for scripts that run vmconnect. */
    g_printerr("vmconnect: %s\n", message);
    gtk_label_set_text(GTK_LABEL(self->error_label), message);
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->error_revealer), TRUE);
}

void
vmc_window_hide_error(VmcWindow *self)
{
    g_return_if_fail(VMC_IS_WINDOW(self));
    gtk_revealer_set_reveal_child(GTK_REVEALER(self->error_revealer), FALSE);
}

void
vmc_window_print_stats(VmcWindow *self)
{
    int width = 0, height = 0;

    g_return_if_fail(VMC_IS_WINDOW(self));

    if (self->display == NULL)
        return;
    vmc_display_get_guest_size(self->display, &width, &height);
    g_printerr("vmconnect-stats: frames=%" G_GUINT64_FORMAT " tiles=%" G_GUINT64_FORMAT
               " guest=%dx%d widget=%dx%d\n",
               vmc_display_get_frames(self->display), vmc_display_get_tile_uploads(self->display),
               width, height, gtk_widget_get_width(GTK_WIDGET(self->display)),
               gtk_widget_get_height(GTK_WIDGET(self->display)));
}

GtkBox *
vmc_window_get_media_box(VmcWindow *self)
{
    g_return_val_if_fail(VMC_IS_WINDOW(self), NULL);
    return GTK_BOX(self->media_box);
}
