/* vmc-usb-button.c: the toolbar's USB menu (redirected devices, shared ISO images).
 *
 * A menu button whose popover lists the host's USB devices from the session's
 * SpiceUsbDeviceManager, each with a check box that redirects it to the guest or gives it
 * back; the manager's "auto-connect" setting ("Redirect new devices automatically"); and
 * "Share an ISO image as a USB CD drive…", which makes the manager emulate a USB CD drive with
 * the image inside (spice_usb_device_manager_create_shared_cd_device) and redirect it.
 *
 * Everything that goes wrong (a device that cannot be opened, no free USB channel, an
 * unreadable image) is emitted as the "error" signal, a sentence the window shows.
 *
 * Actions (group "usb"): usb.share-iso (asks for a file), usb.share-iso-file(s) (a path),
 * usb.auto-connect (stateful).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "vmc-resources.h"
#include "vmc-usb-button.h"

struct _VmcUsbButton {
    GtkWidget parent_instance;

    GtkMenuButton *menu_button;
    GtkPopover *popover;
    GtkListBox *device_list;
    GtkLabel *status_label;

    SpiceSession *session;
    SpiceUsbDeviceManager *manager;
    GCancellable *cancellable;
    gboolean updating;
    /* The person's "Redirect new devices automatically", kept across sessions. */
    gboolean auto_connect;
    /* Shared CD drives made and not listed yet: redirected as soon as they are. */
    guint pending_cds;
};

G_DEFINE_FINAL_TYPE(VmcUsbButton, vmc_usb_button, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SESSION, PROP_AUTO_CONNECT, N_PROPS };

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_ERROR, N_SIGNALS };

static guint signals[N_SIGNALS];

static void
emit_error(VmcUsbButton *self, const char *message)
{
    g_message("%s", message);
    g_signal_emit(self, signals[SIGNAL_ERROR], 0, message);
}

static char *
describe(SpiceUsbDevice *device)
{
    /* Translators: a USB device in the USB menu: manufacturer, product, then vendor:product
     * ids, bus and address, e.g. "Kingston DataTraveler 3.0 (0951:1666, bus 1 address 4)". */
    char *text = spice_usb_device_get_description(device, _("%s %s (%s, bus %d address %d)"));

    /* A device without a manufacturer string starts with the separator. */
    return text != NULL ? g_strstrip(text) : g_strdup(_("USB device"));
}

/* ---- The device list ---------------------------------------------------------------------- */

static void
free_device(gpointer device)
{
    g_boxed_free(spice_usb_device_get_type(), device);
}

typedef struct {
    VmcUsbButton *self;
    GtkCheckButton *check;
    SpiceUsbDevice *device;
} DeviceOp;

static void
device_op_free(DeviceOp *op)
{
    g_object_unref(op->self);
    g_object_unref(op->check);
    free_device(op->device);
    g_free(op);
}

static SpiceUsbDevice *
row_device(GtkWidget *row)
{
    return g_object_get_data(G_OBJECT(row), "vmc-usb-device");
}

static GtkCheckButton *
row_check(GtkWidget *row)
{
    return GTK_CHECK_BUTTON(gtk_list_box_row_get_child(GTK_LIST_BOX_ROW(row)));
}

static GtkWidget *
find_row(VmcUsbButton *self, SpiceUsbDevice *device)
{
    for (GtkWidget *row = gtk_widget_get_first_child(GTK_WIDGET(self->device_list)); row != NULL;
         row = gtk_widget_get_next_sibling(row)) {
        if (GTK_IS_LIST_BOX_ROW(row) && row_device(row) == device)
            return row;
    }
    return NULL;
}

static void
sync_row(VmcUsbButton *self, GtkWidget *row)
{
    gboolean connected =
        spice_usb_device_manager_is_device_connected(self->manager, row_device(row));

    self->updating = TRUE;
    gtk_check_button_set_active(row_check(row), connected);
    self->updating = FALSE;
}

static void
sync_rows(VmcUsbButton *self)
{
    for (GtkWidget *row = gtk_widget_get_first_child(GTK_WIDGET(self->device_list)); row != NULL;
         row = gtk_widget_get_next_sibling(row)) {
        if (GTK_IS_LIST_BOX_ROW(row) && row_device(row) != NULL)
            sync_row(self, row);
    }
}

static void
on_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    DeviceOp *op = user_data;
    g_autoptr(GError) error = NULL;

    if (!spice_usb_device_manager_connect_device_finish(SPICE_USB_DEVICE_MANAGER(source), result,
                                                        &error) &&
        !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_autofree char *name = describe(op->device);
        /* Translators: the first %s is a USB device, the second the reason (libusb's or
         * spice's, e.g. "Access denied (insufficient permissions)"). */
        g_autofree char *message = g_strdup_printf(
            _("Cannot redirect “%s” to the virtual machine: %s"), name, error->message);
        emit_error(op->self, message);
    }
    gtk_widget_set_sensitive(GTK_WIDGET(op->check), TRUE);
    if (op->self->manager != NULL) {
        GtkWidget *row = find_row(op->self, op->device);
        if (row != NULL)
            sync_row(op->self, row);
    }
    device_op_free(op);
}

static void
on_disconnected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    DeviceOp *op = user_data;
    g_autoptr(GError) error = NULL;

    if (!spice_usb_device_manager_disconnect_device_finish(SPICE_USB_DEVICE_MANAGER(source), result,
                                                           &error) &&
        !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_autofree char *name = describe(op->device);
        g_autofree char *message =
            g_strdup_printf(_("Cannot give “%s” back to this computer: %s"), name, error->message);
        emit_error(op->self, message);
    }
    gtk_widget_set_sensitive(GTK_WIDGET(op->check), TRUE);
    if (op->self->manager != NULL) {
        GtkWidget *row = find_row(op->self, op->device);
        if (row != NULL)
            sync_row(op->self, row);
    }
    device_op_free(op);
}

static void
on_check_toggled(GtkCheckButton *check, gpointer user_data)
{
    VmcUsbButton *self = VMC_USB_BUTTON(user_data);
    GtkWidget *row = gtk_widget_get_parent(GTK_WIDGET(check));
    SpiceUsbDevice *device = row_device(row);
    g_autoptr(GError) error = NULL;
    DeviceOp *op;

    if (self->updating || self->manager == NULL)
        return;
    if (gtk_check_button_get_active(check) ==
        spice_usb_device_manager_is_device_connected(self->manager, device))
        return;
    if (gtk_check_button_get_active(check) &&
        !spice_usb_device_manager_can_redirect_device(self->manager, device, &error)) {
        g_autofree char *name = describe(device);
        g_autofree char *message = g_strdup_printf(
            _("Cannot redirect “%s” to the virtual machine: %s"), name, error->message);
        emit_error(self, message);
        sync_row(self, row);
        return;
    }
    op = g_new0(DeviceOp, 1);
    op->self = g_object_ref(self);
    op->check = g_object_ref(check);
    op->device = g_boxed_copy(spice_usb_device_get_type(), device);
    gtk_widget_set_sensitive(GTK_WIDGET(check), FALSE);
    if (gtk_check_button_get_active(check))
        spice_usb_device_manager_connect_device_async(self->manager, device, self->cancellable,
                                                      on_connected, op);
    else
        spice_usb_device_manager_disconnect_device_async(self->manager, device, self->cancellable,
                                                         on_disconnected, op);
}

static void
add_row(VmcUsbButton *self, SpiceUsbDevice *device)
{
    g_autofree char *name = describe(device);
    GtkWidget *check = gtk_check_button_new_with_label(name);
    GtkWidget *row = gtk_list_box_row_new();

    if (spice_usb_device_manager_is_device_shared_cd(self->manager, device)) {
        /* Manufacturer (none) and product ("SPICE CD (NAME.iso)"): the ids and bus are made up.
         * (A positional "%2$s" alone would abort in glibc's fortified printf.) */
        g_autofree char *product = spice_usb_device_get_description(device, "%s %s");
        g_autofree char *label = NULL;

        /* Translators: %s describes the emulated drive; the image is shared as a USB CD. */
        label =
            g_strdup_printf(_("Shared CD image: %s"), product != NULL ? g_strstrip(product) : name);
        gtk_check_button_set_label(GTK_CHECK_BUTTON(check), label);
    }
    gtk_widget_set_tooltip_text(check, _("Use this device in the virtual machine; clear to give "
                                         "it back to this computer"));
    gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), check);
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    g_object_set_data_full(G_OBJECT(row), "vmc-usb-device",
                           g_boxed_copy(spice_usb_device_get_type(), device), free_device);
    gtk_list_box_append(self->device_list, row);
    sync_row(self, row);
    g_signal_connect_object(check, "toggled", G_CALLBACK(on_check_toggled), self, 0);
}

static void
on_device_added(SpiceUsbDeviceManager *manager, SpiceUsbDevice *device, gpointer user_data)
{
    VmcUsbButton *self = VMC_USB_BUTTON(user_data);

    GtkWidget *row = find_row(self, device);

    if (row == NULL) {
        add_row(self, device);
        row = find_row(self, device);
    } else {
        sync_rows(self);
    }
    /* A drive made by "Share an ISO image…" goes to the guest at once (the manager only does
     * that by itself with auto-connect on). */
    if (self->pending_cds > 0 && row != NULL &&
        spice_usb_device_manager_is_device_shared_cd(manager, device) &&
        !spice_usb_device_manager_is_device_connected(manager, device)) {
        self->pending_cds--;
        gtk_check_button_set_active(row_check(row), TRUE);
    }
}

static void
on_device_removed(SpiceUsbDeviceManager *manager, SpiceUsbDevice *device, gpointer user_data)
{
    VmcUsbButton *self = VMC_USB_BUTTON(user_data);
    GtkWidget *row = find_row(self, device);

    if (row != NULL)
        gtk_list_box_remove(self->device_list, row);
}

static void
on_device_error(SpiceUsbDeviceManager *manager, SpiceUsbDevice *device, GError *error,
                gpointer user_data)
{
    VmcUsbButton *self = VMC_USB_BUTTON(user_data);
    g_autofree char *name = describe(device);
    g_autofree char *message = NULL;

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    message =
        g_strdup_printf(_("Cannot redirect “%s” to the virtual machine: %s"), name, error->message);
    emit_error(self, message);
    sync_rows(self);
}

static void
clear_rows(VmcUsbButton *self)
{
    GtkWidget *row;

    while ((row = gtk_widget_get_first_child(GTK_WIDGET(self->device_list))) != NULL &&
           GTK_IS_LIST_BOX_ROW(row) && row_device(row) != NULL)
        gtk_list_box_remove(self->device_list, row);
}

static void
set_status(VmcUsbButton *self, const char *text)
{
    gtk_label_set_text(self->status_label, text != NULL ? text : "");
    gtk_widget_set_visible(GTK_WIDGET(self->status_label), text != NULL);
}

static void
on_manager_notify(GObject *object, GParamSpec *pspec, gpointer user_data)
{
    VmcUsbButton *self = VMC_USB_BUTTON(user_data);

    gboolean auto_connect = FALSE;

    if (g_str_equal(pspec->name, "auto-connect")) {
        g_object_get(object, "auto-connect", &auto_connect, NULL);
        if (self->auto_connect != auto_connect) {
            self->auto_connect = auto_connect;
            g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_AUTO_CONNECT]);
        }
    } else
        sync_rows(self);
}

static void
detach_manager(VmcUsbButton *self)
{
    if (self->manager == NULL)
        return;
    g_cancellable_cancel(self->cancellable);
    g_clear_object(&self->cancellable);
    g_signal_handlers_disconnect_by_data(self->manager, self);
    g_clear_object(&self->manager);
    self->pending_cds = 0;
    clear_rows(self);
}

static void
attach_manager(VmcUsbButton *self)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) devices = NULL;
    SpiceUsbDeviceManager *manager;

    set_status(self, NULL);
    manager = spice_usb_device_manager_get(self->session, &error);
    if (manager == NULL) {
        g_autofree char *message =
            g_strdup_printf(_("USB redirection is not available: %s"), error->message);

        set_status(self, message);
        gtk_widget_action_set_enabled(GTK_WIDGET(self), "usb.share-iso", FALSE);
        gtk_widget_action_set_enabled(GTK_WIDGET(self), "usb.share-iso-file", FALSE);
        return;
    }
    self->manager = g_object_ref(manager);
    self->cancellable = g_cancellable_new();
    g_object_set(manager, "auto-connect", self->auto_connect, NULL);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "usb.share-iso", TRUE);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "usb.share-iso-file", TRUE);
    g_signal_connect_object(manager, "device-added", G_CALLBACK(on_device_added), self, 0);
    g_signal_connect_object(manager, "device-removed", G_CALLBACK(on_device_removed), self, 0);
    g_signal_connect_object(manager, "device-error", G_CALLBACK(on_device_error), self, 0);
    g_signal_connect_object(manager, "auto-connect-failed", G_CALLBACK(on_device_error), self, 0);
    g_signal_connect_object(manager, "notify::auto-connect", G_CALLBACK(on_manager_notify), self,
                            0);
    g_signal_connect_object(manager, "notify::free-channels", G_CALLBACK(on_manager_notify), self,
                            0);
    devices = spice_usb_device_manager_get_devices(manager);
    for (guint i = 0; i < devices->len; i++)
        add_row(self, devices->pdata[i]);
}

/* ---- Shared ISO images -------------------------------------------------------------------- */

/**
 * vmc_usb_button_share_iso:
 * @path: an ISO 9660 image
 *
 * Plugs a USB CD drive with @path inside into the guest. The drive appears in the device list,
 * where clearing it unplugs it.
 */
gboolean
vmc_usb_button_share_iso(VmcUsbButton *self, const char *path, GError **error)
{
    g_autoptr(GError) local_error = NULL;
    g_autofree char *copy = NULL;
    int fd;

    g_return_val_if_fail(VMC_IS_USB_BUTTON(self), FALSE);
    g_return_val_if_fail(path != NULL, FALSE);

    if (self->manager == NULL) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    _("Cannot share “%s”: USB redirection is not available"), path);
        return FALSE;
    }
    /* spice's own message for an unreadable file is vague: check first, say why. */
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int saved_errno = errno;

        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved_errno),
                    _("Cannot share “%s”: %s"), path, g_strerror(saved_errno));
        return FALSE;
    }
    close(fd);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                    _("Cannot share “%s”: it is not a file"), path);
        return FALSE;
    }
    copy = g_strdup(path);
    if (!spice_usb_device_manager_create_shared_cd_device(self->manager, copy, &local_error)) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot share “%s”: %s"), path,
                    local_error->message);
        return FALSE;
    }
    self->pending_cds++;
    return TRUE;
}

static void
share_file(VmcUsbButton *self, const char *path)
{
    g_autoptr(GError) error = NULL;

    if (!vmc_usb_button_share_iso(self, path, &error))
        emit_error(self, error->message);
}

static void
on_file_chosen(GtkNativeDialog *dialog, int response, gpointer user_data)
{
    VmcUsbButton *self = VMC_USB_BUTTON(user_data);

    if (response == GTK_RESPONSE_ACCEPT) {
        g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        g_autofree char *path = file != NULL ? g_file_get_path(file) : NULL;

        if (path != NULL)
            share_file(self, path);
        else
            emit_error(self, _("Only images on this computer can be shared"));
    }
    gtk_native_dialog_destroy(dialog);
    g_object_unref(dialog);
    g_object_unref(self);
}

static void
share_iso_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    VmcUsbButton *self = VMC_USB_BUTTON(widget);
    GtkRoot *root = gtk_widget_get_root(widget);
    GtkFileChooserNative *chooser;
    g_autoptr(GtkFileFilter) iso = gtk_file_filter_new();
    g_autoptr(GtkFileFilter) all = gtk_file_filter_new();

    gtk_popover_popdown(self->popover);
    chooser = gtk_file_chooser_native_new(_("Share an ISO Image as a USB CD Drive"),
                                          GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL,
                                          GTK_FILE_CHOOSER_ACTION_OPEN, _("_Share"), NULL);
    gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(chooser), TRUE);
    gtk_file_filter_set_name(iso, _("CD and DVD images (*.iso)"));
    gtk_file_filter_add_pattern(iso, "*.iso");
    gtk_file_filter_add_pattern(iso, "*.ISO");
    gtk_file_filter_add_mime_type(iso, "application/x-cd-image");
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(chooser), iso);
    gtk_file_filter_set_name(all, _("All files"));
    gtk_file_filter_add_pattern(all, "*");
    gtk_file_chooser_add_filter(GTK_FILE_CHOOSER(chooser), all);
    g_signal_connect(chooser, "response", G_CALLBACK(on_file_chosen), g_object_ref(self));
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static void
share_iso_file_activated(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
    share_file(VMC_USB_BUTTON(widget), g_variant_get_string(parameter, NULL));
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
vmc_usb_button_dispose(GObject *object)
{
    VmcUsbButton *self = VMC_USB_BUTTON(object);

    detach_manager(self);
    g_clear_object(&self->session);
    gtk_widget_dispose_template(GTK_WIDGET(self), VMC_TYPE_USB_BUTTON);
    G_OBJECT_CLASS(vmc_usb_button_parent_class)->dispose(object);
}

static void
vmc_usb_button_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    VmcUsbButton *self = VMC_USB_BUTTON(object);

    switch (prop_id) {
    case PROP_SESSION:
        g_value_set_object(value, self->session);
        break;
    case PROP_AUTO_CONNECT:
        g_value_set_boolean(value, self->auto_connect);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_usb_button_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    VmcUsbButton *self = VMC_USB_BUTTON(object);

    switch (prop_id) {
    case PROP_SESSION:
        vmc_usb_button_set_session(self, g_value_get_object(value));
        break;
    case PROP_AUTO_CONNECT:
        if (self->auto_connect == g_value_get_boolean(value))
            break;
        self->auto_connect = g_value_get_boolean(value);
        if (self->manager != NULL)
            g_object_set(self->manager, "auto-connect", self->auto_connect, NULL);
        g_object_notify_by_pspec(object, pspec);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_usb_button_class_init(VmcUsbButtonClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = vmc_usb_button_dispose;
    object_class->get_property = vmc_usb_button_get_property;
    object_class->set_property = vmc_usb_button_set_property;

    properties[PROP_SESSION] =
        g_param_spec_object("session", NULL, NULL, SPICE_TYPE_SESSION,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    /* The manager's "auto-connect", kept across sessions, for a stateful action to follow. */
    properties[PROP_AUTO_CONNECT] =
        g_param_spec_boolean("auto-connect", NULL, NULL, FALSE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /**
     * VmcUsbButton::error:
     * @message: a sentence for the person at the console
     */
    signals[SIGNAL_ERROR] = g_signal_new("error", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

    /* Referencing the resource keeps its registering constructor in the static library's link. */
    g_assert(vmc_get_resource() != NULL);
    gtk_widget_class_set_template_from_resource(widget_class,
                                                "/org/berth/vmconnect/vmc-usb-button.ui");
    gtk_widget_class_bind_template_child(widget_class, VmcUsbButton, menu_button);
    gtk_widget_class_bind_template_child(widget_class, VmcUsbButton, popover);
    gtk_widget_class_bind_template_child(widget_class, VmcUsbButton, device_list);
    gtk_widget_class_bind_template_child(widget_class, VmcUsbButton, status_label);
    gtk_widget_class_install_action(widget_class, "usb.share-iso", NULL, share_iso_activated);
    gtk_widget_class_install_action(widget_class, "usb.share-iso-file", "s",
                                    share_iso_file_activated);
    gtk_widget_class_install_property_action(widget_class, "usb.auto-connect", "auto-connect");
    gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
vmc_usb_button_init(VmcUsbButton *self)
{
    GtkWidget *placeholder;

    gtk_widget_init_template(GTK_WIDGET(self));
    placeholder = gtk_label_new(_("No USB devices on this computer"));
    gtk_widget_add_css_class(placeholder, "dim-label");
    gtk_widget_set_margin_top(placeholder, 6);
    gtk_widget_set_margin_bottom(placeholder, 6);
    gtk_list_box_set_placeholder(self->device_list, placeholder);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "usb.share-iso", FALSE);
    gtk_widget_action_set_enabled(GTK_WIDGET(self), "usb.share-iso-file", FALSE);
    set_status(self, _("Not connected"));
}

GtkWidget *
vmc_usb_button_new(void)
{
    return g_object_new(VMC_TYPE_USB_BUTTON, NULL);
}

SpiceSession *
vmc_usb_button_get_session(VmcUsbButton *self)
{
    g_return_val_if_fail(VMC_IS_USB_BUTTON(self), NULL);
    return self->session;
}

/**
 * vmc_usb_button_set_session:
 *
 * Lists @session's USB devices (its SpiceUsbDeviceManager); NULL empties the menu.
 */
void
vmc_usb_button_set_session(VmcUsbButton *self, SpiceSession *session)
{
    g_return_if_fail(VMC_IS_USB_BUTTON(self));
    g_return_if_fail(session == NULL || SPICE_IS_SESSION(session));

    if (self->session == session)
        return;
    detach_manager(self);
    g_set_object(&self->session, session);
    if (session != NULL)
        attach_manager(self);
    else
        set_status(self, _("Not connected"));
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_SESSION]);
}

SpiceUsbDeviceManager *
vmc_usb_button_get_manager(VmcUsbButton *self)
{
    g_return_val_if_fail(VMC_IS_USB_BUTTON(self), NULL);
    return self->manager;
}

/**
 * vmc_usb_button_popup:
 *
 * Opens the menu (the window's Ctrl+U).
 */
void
vmc_usb_button_popup(VmcUsbButton *self)
{
    g_return_if_fail(VMC_IS_USB_BUTTON(self));
    gtk_menu_button_popup(self->menu_button);
}
