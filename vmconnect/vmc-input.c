/* vmc-input.c: keyboard and mouse of a VmcDisplay sent to a SPICE inputs channel.
 *
 * Keys: GTK's hardware key codes (evdev + 8) become PC XT scancodes through vmc-keymap, so the
 * guest's own layout applies. While the display has the focus the host's system shortcuts are
 * inhibited (Alt+Tab goes to the guest); Ctrl+Alt+Left gives them back, like VMConnect. The lock
 * keys are synced when the display gets the focus. Mouse: absolute positions in client mode
 * (GTK4 cannot grab or warp the pointer, so relative mode only sends motion deltas).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>

#include "vmc-input.h"
#include "vmc-keymap.h"

#define TYPE_INTERVAL_MS 8

struct _VmcInput {
    GObject parent_instance;

    VmcDisplay *display; /* weak: the display owns us */
    SpiceInputsChannel *channel;
    int mouse_mode;

    GHashTable *pressed; /* scancode → scancode of keys held in the guest */
    int button_state;
    double last_x, last_y;
    gboolean have_last;
    double scroll_dy;
    gboolean captured;

    GArray *typing; /* VmcKeyStroke queue for vmc_input_type_text */
    guint typing_pos;
    guint typing_source;
};

G_DEFINE_FINAL_TYPE(VmcInput, vmc_input, G_TYPE_OBJECT)

static void
key_press(VmcInput *self, guint scancode)
{
    if (self->channel == NULL || scancode == 0)
        return;
    g_hash_table_add(self->pressed, GUINT_TO_POINTER(scancode));
    spice_inputs_channel_key_press(self->channel, scancode);
}

static void
key_release(VmcInput *self, guint scancode)
{
    if (self->channel == NULL || scancode == 0)
        return;
    g_hash_table_remove(self->pressed, GUINT_TO_POINTER(scancode));
    spice_inputs_channel_key_release(self->channel, scancode);
}

void
vmc_input_release_all(VmcInput *self)
{
    GHashTableIter iter;
    gpointer key;

    g_return_if_fail(VMC_IS_INPUT(self));

    if (self->channel != NULL) {
        g_hash_table_iter_init(&iter, self->pressed);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            spice_inputs_channel_key_release(self->channel, GPOINTER_TO_UINT(key));
        for (int button = SPICE_MOUSE_BUTTON_LEFT; button <= SPICE_MOUSE_BUTTON_RIGHT; button++)
            if (self->button_state & (1 << (button - 1)))
                spice_inputs_channel_button_release(self->channel, button, 0);
    }
    g_hash_table_remove_all(self->pressed);
    self->button_state = 0;
}

void
vmc_input_send_ctrl_alt_del(VmcInput *self)
{
    g_return_if_fail(VMC_IS_INPUT(self));

    if (self->channel == NULL)
        return;
    spice_inputs_channel_key_press(self->channel, VMC_SCANCODE_LEFT_CTRL);
    spice_inputs_channel_key_press(self->channel, VMC_SCANCODE_LEFT_ALT);
    spice_inputs_channel_key_press(self->channel, VMC_SCANCODE_DELETE);
    spice_inputs_channel_key_release(self->channel, VMC_SCANCODE_DELETE);
    spice_inputs_channel_key_release(self->channel, VMC_SCANCODE_LEFT_ALT);
    spice_inputs_channel_key_release(self->channel, VMC_SCANCODE_LEFT_CTRL);
}

/* --- keyboard --------------------------------------------------------------------------------- */

static GdkToplevel *
get_toplevel(VmcInput *self)
{
    GtkNative *native = gtk_widget_get_native(GTK_WIDGET(self->display));
    GdkSurface *surface = native != NULL ? gtk_native_get_surface(native) : NULL;

    return surface != NULL && GDK_IS_TOPLEVEL(surface) ? GDK_TOPLEVEL(surface) : NULL;
}

static void
sync_locks(VmcInput *self)
{
    GdkDisplay *display = gtk_widget_get_display(GTK_WIDGET(self->display));
    GdkSeat *seat = gdk_display_get_default_seat(display);
    GdkDevice *keyboard = seat != NULL ? gdk_seat_get_keyboard(seat) : NULL;
    guint locks = 0;

    if (keyboard == NULL || self->channel == NULL)
        return;
    if (gdk_device_get_caps_lock_state(keyboard))
        locks |= SPICE_INPUTS_CAPS_LOCK;
    if (gdk_device_get_num_lock_state(keyboard))
        locks |= SPICE_INPUTS_NUM_LOCK;
    if (gdk_device_get_scroll_lock_state(keyboard))
        locks |= SPICE_INPUTS_SCROLL_LOCK;
    spice_inputs_channel_set_key_locks(self->channel, locks);
}

static void
set_captured(VmcInput *self, gboolean captured)
{
    GdkToplevel *toplevel = get_toplevel(self);

    if (self->captured == captured)
        return;
    self->captured = captured;
    if (toplevel != NULL) {
        if (captured)
            gdk_toplevel_inhibit_system_shortcuts(toplevel, NULL);
        else
            gdk_toplevel_restore_system_shortcuts(toplevel);
    }
    g_object_notify(G_OBJECT(self), "captured");
}

static gboolean
on_key_pressed(GtkEventControllerKey *controller, guint keyval, guint keycode,
               GdkModifierType state, VmcInput *self)
{
    const GdkModifierType mods = state & (GDK_CONTROL_MASK | GDK_ALT_MASK);

    /* Not connected: the keys are the window's (its shortcuts, Reconnect). */
    if (self->channel == NULL)
        return FALSE;
    if (mods == (GDK_CONTROL_MASK | GDK_ALT_MASK)) {
        switch (keyval) {
        case GDK_KEY_Left:
        case GDK_KEY_KP_Left:
            vmc_input_release_all(self);
            gtk_widget_activate_action(GTK_WIDGET(self->display), "win.release-input", NULL);
            return TRUE;
        case GDK_KEY_End:
        case GDK_KEY_KP_End:
            vmc_input_release_all(self);
            vmc_input_send_ctrl_alt_del(self);
            return TRUE;
        case GDK_KEY_Pause:
        case GDK_KEY_Break:
            vmc_input_release_all(self);
            gtk_widget_activate_action(GTK_WIDGET(self->display), "win.fullscreen", NULL);
            return TRUE;
        default:
            break;
        }
    }
    key_press(self, vmc_keymap_scancode_from_keycode(keycode));
    return TRUE;
}

static void
on_key_released(GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, VmcInput *self)
{
    guint scancode = vmc_keymap_scancode_from_keycode(keycode);

    /* Only keys the guest saw pressed: not the host keys' own releases. */
    if (g_hash_table_contains(self->pressed, GUINT_TO_POINTER(scancode)))
        key_release(self, scancode);
}

static void
on_focus_enter(GtkEventControllerFocus *controller, VmcInput *self)
{
    sync_locks(self);
    set_captured(self, TRUE);
}

static void
on_focus_leave(GtkEventControllerFocus *controller, VmcInput *self)
{
    vmc_input_release_all(self);
    set_captured(self, FALSE);
}

/* --- mouse ------------------------------------------------------------------------------------ */

static int
spice_button(guint gdk_button)
{
    switch (gdk_button) {
    case GDK_BUTTON_PRIMARY:
        return SPICE_MOUSE_BUTTON_LEFT;
    case GDK_BUTTON_MIDDLE:
        return SPICE_MOUSE_BUTTON_MIDDLE;
    case GDK_BUTTON_SECONDARY:
        return SPICE_MOUSE_BUTTON_RIGHT;
    case 8:
        return SPICE_MOUSE_BUTTON_SIDE;
    case 9:
        return SPICE_MOUSE_BUTTON_EXTRA;
    default:
        return 0;
    }
}

static void
send_motion(VmcInput *self, double x, double y)
{
    int gx, gy;

    if (self->channel == NULL)
        return;
    if (self->mouse_mode == SPICE_MOUSE_MODE_SERVER) {
        if (self->have_last)
            spice_inputs_channel_motion(self->channel, (int)lround(x - self->last_x),
                                        (int)lround(y - self->last_y), self->button_state);
    } else if (vmc_display_widget_to_guest(self->display, x, y, &gx, &gy)) {
        spice_inputs_channel_position(self->channel, gx, gy, 0, self->button_state);
    }
    self->last_x = x;
    self->last_y = y;
    self->have_last = TRUE;
}

static void
send_wheel(VmcInput *self, int button, int count)
{
    for (int i = 0; i < count; i++) {
        spice_inputs_channel_button_press(self->channel, button, self->button_state);
        spice_inputs_channel_button_release(self->channel, button, self->button_state);
    }
}

static void
on_motion(GtkEventControllerMotion *controller, double x, double y, VmcInput *self)
{
    send_motion(self, x, y);
}

static gboolean
on_legacy_event(GtkEventControllerLegacy *controller, GdkEvent *event, VmcInput *self)
{
    GdkEventType type = gdk_event_get_event_type(event);

    switch (type) {
    case GDK_BUTTON_PRESS:
    case GDK_BUTTON_RELEASE: {
        int button = spice_button(gdk_button_event_get_button(event));

        if (type == GDK_BUTTON_PRESS && !gtk_widget_has_focus(GTK_WIDGET(self->display)))
            gtk_widget_grab_focus(GTK_WIDGET(self->display));
        if (button == 0 || self->channel == NULL)
            return TRUE;
        if (type == GDK_BUTTON_PRESS) {
            self->button_state |= 1 << (button - 1);
            spice_inputs_channel_button_press(self->channel, button, self->button_state);
        } else {
            self->button_state &= ~(1 << (button - 1));
            spice_inputs_channel_button_release(self->channel, button, self->button_state);
        }
        return TRUE;
    }
    case GDK_SCROLL: {
        GdkScrollDirection direction = gdk_scroll_event_get_direction(event);

        if (self->channel == NULL)
            return TRUE;
        if (direction == GDK_SCROLL_UP) {
            send_wheel(self, SPICE_MOUSE_BUTTON_UP, 1);
        } else if (direction == GDK_SCROLL_DOWN) {
            send_wheel(self, SPICE_MOUSE_BUTTON_DOWN, 1);
        } else if (direction == GDK_SCROLL_SMOOTH) {
            double dx, dy;
            int steps;

            gdk_scroll_event_get_deltas(event, &dx, &dy);
            self->scroll_dy += dy;
            steps = (int)trunc(self->scroll_dy);
            self->scroll_dy -= steps;
            send_wheel(self, steps < 0 ? SPICE_MOUSE_BUTTON_UP : SPICE_MOUSE_BUTTON_DOWN,
                       ABS(steps));
        }
        return TRUE;
    }
    default:
        return FALSE;
    }
}

/* --- typing text ------------------------------------------------------------------------------ */

static gboolean
type_next(gpointer user_data)
{
    VmcInput *self = user_data;
    VmcKeyStroke *stroke;

    if (self->channel == NULL || self->typing_pos >= self->typing->len) {
        g_array_set_size(self->typing, 0);
        self->typing_pos = 0;
        self->typing_source = 0;
        return G_SOURCE_REMOVE;
    }
    stroke = &g_array_index(self->typing, VmcKeyStroke, self->typing_pos++);
    if (stroke->shift)
        spice_inputs_channel_key_press(self->channel, VMC_SCANCODE_LEFT_SHIFT);
    spice_inputs_channel_key_press_and_release(self->channel, stroke->scancode);
    if (stroke->shift)
        spice_inputs_channel_key_release(self->channel, VMC_SCANCODE_LEFT_SHIFT);
    return G_SOURCE_CONTINUE;
}

guint
vmc_input_type_text(VmcInput *self, const char *text)
{
    g_autoptr(GArray) strokes = NULL;
    guint skipped = 0;

    g_return_val_if_fail(VMC_IS_INPUT(self), 0);
    g_return_val_if_fail(text != NULL, 0);

    strokes = vmc_keymap_strokes_for_text(text, &skipped);
    g_array_append_vals(self->typing, strokes->data, strokes->len);
    /* Paced, so the guest's keyboard buffer never overflows. */
    if (self->typing_source == 0 && self->typing->len > 0)
        self->typing_source = g_timeout_add(TYPE_INTERVAL_MS, type_next, self);
    return skipped;
}

/* --- object ----------------------------------------------------------------------------------- */

void
vmc_input_set_channel(VmcInput *self, SpiceInputsChannel *channel)
{
    g_return_if_fail(VMC_IS_INPUT(self));

    if (self->channel == channel)
        return;
    vmc_input_release_all(self);
    g_set_object(&self->channel, channel);
    self->have_last = FALSE;
    if (channel != NULL && gtk_widget_has_focus(GTK_WIDGET(self->display)))
        sync_locks(self);
}

void
vmc_input_set_mouse_mode(VmcInput *self, int mode)
{
    g_return_if_fail(VMC_IS_INPUT(self));
    self->mouse_mode = mode;
    self->have_last = FALSE;
}

gboolean
vmc_input_get_captured(VmcInput *self)
{
    g_return_val_if_fail(VMC_IS_INPUT(self), FALSE);
    return self->captured;
}

static void
vmc_input_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    switch (prop_id) {
    case 1:
        g_value_set_boolean(value, VMC_INPUT(object)->captured);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_input_dispose(GObject *object)
{
    VmcInput *self = VMC_INPUT(object);

    g_clear_handle_id(&self->typing_source, g_source_remove);
    g_clear_object(&self->channel);
    G_OBJECT_CLASS(vmc_input_parent_class)->dispose(object);
}

static void
vmc_input_finalize(GObject *object)
{
    VmcInput *self = VMC_INPUT(object);

    g_hash_table_unref(self->pressed);
    g_array_unref(self->typing);
    G_OBJECT_CLASS(vmc_input_parent_class)->finalize(object);
}

static void
vmc_input_class_init(VmcInputClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = vmc_input_dispose;
    object_class->finalize = vmc_input_finalize;
    object_class->get_property = vmc_input_get_property;
    g_object_class_install_property(
        object_class, 1,
        g_param_spec_boolean("captured", NULL, NULL, FALSE,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
vmc_input_init(VmcInput *self)
{
    self->pressed = g_hash_table_new(NULL, NULL);
    self->typing = g_array_new(FALSE, FALSE, sizeof(VmcKeyStroke));
    self->mouse_mode = SPICE_MOUSE_MODE_CLIENT;
}

VmcInput *
vmc_input_new(VmcDisplay *display)
{
    VmcInput *self;
    GtkEventController *controller;

    g_return_val_if_fail(VMC_IS_DISPLAY(display), NULL);

    self = g_object_new(VMC_TYPE_INPUT, NULL);
    self->display = display;

    controller = gtk_event_controller_key_new();
    g_signal_connect(controller, "key-pressed", G_CALLBACK(on_key_pressed), self);
    g_signal_connect(controller, "key-released", G_CALLBACK(on_key_released), self);
    gtk_widget_add_controller(GTK_WIDGET(display), controller);

    controller = gtk_event_controller_focus_new();
    g_signal_connect(controller, "enter", G_CALLBACK(on_focus_enter), self);
    g_signal_connect(controller, "leave", G_CALLBACK(on_focus_leave), self);
    gtk_widget_add_controller(GTK_WIDGET(display), controller);

    controller = gtk_event_controller_motion_new();
    g_signal_connect(controller, "motion", G_CALLBACK(on_motion), self);
    gtk_widget_add_controller(GTK_WIDGET(display), controller);

    controller = gtk_event_controller_legacy_new();
    g_signal_connect(controller, "event", G_CALLBACK(on_legacy_event), self);
    gtk_widget_add_controller(GTK_WIDGET(display), controller);

    g_object_set_data_full(G_OBJECT(display), "vmc-input", self, g_object_unref);
    return self;
}
