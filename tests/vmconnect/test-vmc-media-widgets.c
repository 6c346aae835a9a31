/* test-vmc-media-widgets.c: the USB menu, the microphone toggle and VmcAudio without a guest,
 * on Xvfb: bad ISO paths refused with their reason, a shared CD drive listed (and its failed
 * redirection reported) on a session with no USB channel, PulseAudio missing reported once and
 * the toggle made insensitive with the reason, and accessible names and tooltips present.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "vmc-audio.h"
#include "vmc-mic-button.h"
#include "vmc-usb-button.h"

static void
on_error(GObject *source, const char *message, gpointer user_data)
{
    GPtrArray *errors = user_data;

    g_ptr_array_add(errors, g_strdup(message));
}

static void
wait_for(gboolean (*done)(gpointer), gpointer data)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (!done(data) && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE), g_usleep(1000);
    g_assert_true(done(data));
}

static gboolean
has_errors(gpointer data)
{
    return ((GPtrArray *)data)->len > 0;
}

static char *
accessible_label(GtkWidget *widget)
{
    /* GTK 4.8 has no getter for accessible properties: the widget's tooltip and its template's
     * <accessibility> are what the test can see. */
    return g_strdup(gtk_widget_get_tooltip_text(widget));
}

static GtkWidget *
find_descendant(GtkWidget *widget, GType type)
{
    if (G_TYPE_CHECK_INSTANCE_TYPE(widget, type))
        return widget;
    for (GtkWidget *child = gtk_widget_get_first_child(widget); child != NULL;
         child = gtk_widget_get_next_sibling(child)) {
        GtkWidget *found = find_descendant(child, type);
        if (found != NULL)
            return found;
    }
    return NULL;
}

/* Paths that are not images are refused with the path and the reason; nothing is listed. */
static void
test_usb_bad_paths(void)
{
    SpiceSession *session = spice_session_new();
    GtkWidget *button = g_object_ref_sink(vmc_usb_button_new());
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("vmc-usb-XXXXXX", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing.iso", NULL);
    g_autofree char *message = NULL;

    /* Without a session, sharing is refused at once. */
    g_assert_false(vmc_usb_button_share_iso(VMC_USB_BUTTON(button), missing, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_clear_error(&error);

    vmc_usb_button_set_session(VMC_USB_BUTTON(button), session);
    g_assert_nonnull(vmc_usb_button_get_manager(VMC_USB_BUTTON(button)));
    g_assert_false(vmc_usb_button_share_iso(VMC_USB_BUTTON(button), missing, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    message = g_strdup_printf("Cannot share “%s”: %s", missing, g_strerror(ENOENT));
    g_assert_cmpstr(error->message, ==, message);
    g_clear_error(&error);

    g_assert_false(vmc_usb_button_share_iso(VMC_USB_BUTTON(button), dir, &error));
    g_assert_nonnull(strstr(error->message, dir));
    g_clear_error(&error);

    /* The action reports through "error", for the window's message bar. */
    g_signal_connect(button, "error", G_CALLBACK(on_error), errors);
    gtk_widget_activate_action(button, "usb.share-iso-file", "s", missing);
    g_assert_cmpuint(errors->len, ==, 1);
    g_assert_cmpstr(errors->pdata[0], ==, message);

    vmc_usb_button_set_session(VMC_USB_BUTTON(button), NULL);
    g_object_unref(button);
    spice_session_disconnect(session);
    g_object_unref(session);
    g_rmdir(dir);
}

static gboolean
has_shared_cd_row(gpointer data)
{
    GtkWidget *list = find_descendant(GTK_WIDGET(data), GTK_TYPE_LIST_BOX);
    GtkWidget *check = list != NULL ? find_descendant(list, GTK_TYPE_CHECK_BUTTON) : NULL;

    /* Named by its image, without spice's made-up ids and bus. */
    return check != NULL &&
           g_str_has_prefix(gtk_check_button_get_label(GTK_CHECK_BUTTON(check)),
                            "Shared CD image: ") &&
           strstr(gtk_check_button_get_label(GTK_CHECK_BUTTON(check)), "cd.iso") != NULL &&
           strstr(gtk_check_button_get_label(GTK_CHECK_BUTTON(check)), "bus") == NULL;
}

/* An image on a session without USB channels: the emulated drive is listed, and the failed
 * redirection is reported with the drive's name; the auto-connect setting follows the action. */
static void
test_usb_shared_cd_listed(void)
{
    SpiceSession *session = spice_session_new();
    GtkWidget *window = gtk_window_new();
    GtkWidget *button = vmc_usb_button_new();
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("vmc-usb-XXXXXX", NULL);
    g_autofree char *iso = g_build_filename(dir, "cd.iso", NULL);
    g_autoptr(GVariant) state = NULL;
    gboolean auto_connect = TRUE;
    /* An ISO 9660 image's first sector of its volume descriptor; enough for the emulation to
     * open the file (it reads the guest's requests lazily). */
    g_autofree char *data = g_malloc0(64 * 1024);

    memcpy(data + 32768, "\001CD001\001", 7);
    g_assert_true(g_file_set_contents(iso, data, 64 * 1024, NULL));
    gtk_window_set_child(GTK_WINDOW(window), button);
    gtk_window_present(GTK_WINDOW(window));
    g_signal_connect(button, "error", G_CALLBACK(on_error), errors);
    vmc_usb_button_set_session(VMC_USB_BUTTON(button), session);

    /* The stateful action follows the manager's setting, and the setting follows it. */
    g_object_get(vmc_usb_button_get_manager(VMC_USB_BUTTON(button)), "auto-connect", &auto_connect,
                 NULL);
    g_assert_false(auto_connect);
    gtk_widget_activate_action(button, "usb.auto-connect", NULL);
    g_object_get(vmc_usb_button_get_manager(VMC_USB_BUTTON(button)), "auto-connect", &auto_connect,
                 NULL);
    g_assert_true(auto_connect);
    gtk_widget_activate_action(button, "usb.auto-connect", NULL);

    g_assert_true(vmc_usb_button_share_iso(VMC_USB_BUTTON(button), iso, &error));
    g_assert_no_error(error);
    wait_for(has_shared_cd_row, button);
    /* No USB channel in a session that never connected: said, not hidden. */
    wait_for(has_errors, errors);
    g_assert_true(g_str_has_prefix(errors->pdata[0], "Cannot redirect “"));

    gtk_window_destroy(GTK_WINDOW(window));
    spice_session_disconnect(session);
    g_object_unref(session);
    g_unlink(iso);
    g_rmdir(dir);
}

/* Every control has a tooltip and a name for assistive technologies. */
static void
test_accessible(void)
{
    GtkWidget *usb = g_object_ref_sink(vmc_usb_button_new());
    GtkWidget *mic = g_object_ref_sink(vmc_mic_button_new());
    GtkWidget *menu_button = find_descendant(usb, GTK_TYPE_MENU_BUTTON);
    g_autofree char *usb_label = NULL;
    g_autofree char *mic_label = NULL;

    g_assert_nonnull(menu_button);
    usb_label = accessible_label(menu_button);
    g_assert_cmpstr(usb_label, ==, "USB devices (Ctrl+U)");
    mic_label = accessible_label(mic);
    g_assert_nonnull(mic_label);
    g_assert_cmpuint(strlen(mic_label), >, 10);
    g_assert_true(gtk_widget_get_focusable(menu_button) || gtk_widget_get_focusable(usb) ||
                  find_descendant(menu_button, GTK_TYPE_TOGGLE_BUTTON) != NULL);
    g_object_unref(usb);
    g_object_unref(mic);
}

static gboolean
audio_settled(gpointer data)
{
    return vmc_audio_get_error_message(VMC_AUDIO(data)) != NULL ||
           vmc_audio_get_available(VMC_AUDIO(data));
}

/* PulseAudio missing: one clear message, the toggle insensitive with the reason; the
 * microphone setting still round-trips (it applies once sound works). */
static void
test_audio_without_pulseaudio(void)
{
    SpiceSession *session = g_object_new(SPICE_TYPE_SESSION, "enable-audio", TRUE, NULL);
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *dir = g_dir_make_tmp("vmc-pulse-XXXXXX", NULL);
    g_autofree char *server = g_strdup_printf("unix:%s/no-such-socket", dir);
    g_autoptr(VmcAudio) audio = NULL;
    GtkWidget *mic = g_object_ref_sink(vmc_mic_button_new());

    g_setenv("PULSE_SERVER", server, TRUE);
    audio = vmc_audio_new(session);
    g_signal_connect(audio, "error", G_CALLBACK(on_error), errors);
    wait_for(audio_settled, audio);
    g_assert_false(vmc_audio_get_available(audio));
    g_assert_nonnull(strstr(vmc_audio_get_error_message(audio), "PulseAudio"));
    g_assert_nonnull(strstr(vmc_audio_get_error_message(audio), "works without it"));

    vmc_mic_button_set_audio(VMC_MIC_BUTTON(mic), audio);
    g_assert_false(gtk_widget_get_sensitive(mic));
    g_assert_cmpstr(gtk_widget_get_tooltip_text(mic), ==, vmc_audio_get_error_message(audio));

    vmc_audio_set_microphone(audio, TRUE);
    g_assert_true(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(mic)));
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(mic), FALSE);
    g_assert_false(vmc_audio_get_microphone(audio));

    vmc_mic_button_set_audio(VMC_MIC_BUTTON(mic), NULL);
    g_object_unref(mic);
    g_clear_object(&audio);
    g_object_unref(session);
    g_unsetenv("PULSE_SERVER");
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    gtk_test_init(&argc, &argv, NULL);
    if (gdk_display_get_default() == NULL) {
        g_print("no display: skipping\n");
        return 77;
    }
    g_test_add_func("/vmconnect/usb/bad-paths", test_usb_bad_paths);
    g_test_add_func("/vmconnect/usb/shared-cd-listed", test_usb_shared_cd_listed);
    g_test_add_func("/vmconnect/media/accessible", test_accessible);
    g_test_add_func("/vmconnect/audio/without-pulseaudio", test_audio_without_pulseaudio);
    return g_test_run();
}
