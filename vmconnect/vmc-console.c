/* vmc-console.c: one SPICE connection. For a VM, every channel's socket comes from berthd's
 * OpenConsole (berthd hands the other end to QEMU), so SPICE never listens on the network: the
 * session is opened with spice_session_open_fd(-1) and each channel asks for its socket through
 * "open-fd". For a URI, spice-client-glib connects by itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>
#include <gio/gunixfdlist.h>
#include <unistd.h>

#include "berth-client.h"
#include "vmc-console.h"

struct _VmcConsole {
    GObject parent_instance;

    char *uri;
    BerthDBusVirtualMachine *vm;
    SpiceSession *session;
    SpiceChannel *main_channel;
    GCancellable *cancellable;
    gboolean closed;
};

G_DEFINE_FINAL_TYPE(VmcConsole, vmc_console, G_TYPE_OBJECT)

enum {
    SIGNAL_OPENED,
    SIGNAL_CLOSED,
    N_SIGNALS,
};

static guint signals[N_SIGNALS];

gboolean
vmc_console_is_uri(const char *target)
{
    return target != NULL &&
           (g_str_has_prefix(target, "spice://") || g_str_has_prefix(target, "spice+unix://"));
}

static void
emit_closed(VmcConsole *self, const char *message)
{
    if (self->closed)
        return;
    self->closed = TRUE;
    g_signal_emit(self, signals[SIGNAL_CLOSED], 0, message);
}

/* --- sockets from berthd ---------------------------------------------------------------------- */

typedef struct {
    VmcConsole *console; /* weak, guarded by the cancellable */
    SpiceChannel *channel;
} OpenFdData;

static void
open_fd_data_free(OpenFdData *data)
{
    g_object_unref(data->channel);
    g_free(data);
}

static void
on_open_console(GObject *source, GAsyncResult *result, gpointer user_data)
{
    OpenFdData *data = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GUnixFDList) fds = NULL;
    g_autoptr(GVariant) handle = NULL;
    int fd;

    if (!berth_dbus_virtual_machine_call_open_console_finish(BERTH_DBUS_VIRTUAL_MACHINE(source),
                                                             &handle, &fds, result, &error)) {
        if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_autofree char *reason = berth_client_error_message(error);
            g_autofree char *message = g_strdup_printf(_("Cannot open the console: %s"), reason);
            spice_channel_disconnect(data->channel, SPICE_CHANNEL_ERROR_CONNECT);
            if (data->channel == data->console->main_channel)
                emit_closed(data->console, message);
        }
        open_fd_data_free(data);
        return;
    }
    fd = g_unix_fd_list_get(fds, g_variant_get_handle(handle), &error);
    if (fd < 0) {
        g_autofree char *message =
            g_strdup_printf(_("Cannot open the console: %s"), error->message);

        spice_channel_disconnect(data->channel, SPICE_CHANNEL_ERROR_CONNECT);
        if (data->channel == data->console->main_channel)
            emit_closed(data->console, message);
        open_fd_data_free(data);
        return;
    }
    /* The channel owns the socket from here on. */
    if (!spice_channel_open_fd(data->channel, fd))
        close(fd);
    open_fd_data_free(data);
}

static void
on_channel_open_fd(SpiceChannel *channel, int with_tls, VmcConsole *self)
{
    OpenFdData *data = g_new0(OpenFdData, 1);

    data->console = self;
    data->channel = g_object_ref(channel);
    berth_dbus_virtual_machine_call_open_console(self->vm, g_variant_new("a{sv}", NULL), NULL,
                                                 self->cancellable, on_open_console, data);
}

/* --- channels --------------------------------------------------------------------------------- */

static void
on_main_channel_event(SpiceChannel *channel, SpiceChannelEvent event, VmcConsole *self)
{
    const GError *error;

    switch (event) {
    case SPICE_CHANNEL_OPENED:
        g_signal_emit(self, signals[SIGNAL_OPENED], 0);
        break;
    case SPICE_CHANNEL_CLOSED:
        emit_closed(self, _("The virtual machine's console closed the connection."));
        break;
    case SPICE_CHANNEL_ERROR_CONNECT:
    case SPICE_CHANNEL_ERROR_TLS:
    case SPICE_CHANNEL_ERROR_LINK:
    case SPICE_CHANNEL_ERROR_AUTH:
    case SPICE_CHANNEL_ERROR_IO: {
        g_autofree char *message = NULL;

        error = spice_channel_get_error(channel);
        if (error != NULL)
            message =
                g_strdup_printf(_("The connection to the console failed: %s"), error->message);
        else
            message = g_strdup(_("The connection to the console failed."));
        emit_closed(self, message);
        break;
    }
    default:
        break;
    }
}

static void
on_channel_new(SpiceSession *session, SpiceChannel *channel, VmcConsole *self)
{
    if (self->vm != NULL)
        g_signal_connect(channel, "open-fd", G_CALLBACK(on_channel_open_fd), self);
    if (SPICE_IS_MAIN_CHANNEL(channel)) {
        self->main_channel = channel;
        g_signal_connect(channel, "channel-event", G_CALLBACK(on_main_channel_event), self);
    }
}

static void
on_channel_destroy(SpiceSession *session, SpiceChannel *channel, VmcConsole *self)
{
    g_signal_handlers_disconnect_by_data(channel, self);
    if (channel == self->main_channel) {
        self->main_channel = NULL;
        emit_closed(self, _("The virtual machine's console closed the connection."));
    }
}

/* --- object ----------------------------------------------------------------------------------- */

SpiceSession *
vmc_console_get_session(VmcConsole *self)
{
    g_return_val_if_fail(VMC_IS_CONSOLE(self), NULL);
    return self->session;
}

void
vmc_console_start(VmcConsole *self)
{
    g_return_if_fail(VMC_IS_CONSOLE(self));

    self->closed = FALSE;
    if (self->vm != NULL) {
        /* -1: every channel, the main one too, asks for its socket through "open-fd". */
        if (!spice_session_open_fd(self->session, -1))
            emit_closed(self, _("Cannot start the console connection."));
    } else if (!spice_session_connect(self->session)) {
        emit_closed(self, _("Cannot connect to the SPICE server; check the address."));
    }
}

void
vmc_console_stop(VmcConsole *self)
{
    g_return_if_fail(VMC_IS_CONSOLE(self));

    g_cancellable_cancel(self->cancellable);
    self->closed = TRUE; /* a stop is no news */
    spice_session_disconnect(self->session);
}

static void
vmc_console_dispose(GObject *object)
{
    VmcConsole *self = VMC_CONSOLE(object);

    if (self->cancellable != NULL)
        g_cancellable_cancel(self->cancellable);
    if (self->session != NULL) {
        g_signal_handlers_disconnect_by_data(self->session, self);
        if (self->main_channel != NULL)
            g_signal_handlers_disconnect_by_data(self->main_channel, self);
        self->main_channel = NULL;
        self->closed = TRUE;
        spice_session_disconnect(self->session);
        /* Channels still hold our handlers for open-fd: drop them. */
        for (GList *l = spice_session_get_channels(self->session); l != NULL; l = l->next)
            g_signal_handlers_disconnect_by_data(l->data, self);
    }
    g_clear_object(&self->session);
    g_clear_object(&self->vm);
    g_clear_object(&self->cancellable);
    G_OBJECT_CLASS(vmc_console_parent_class)->dispose(object);
}

static void
vmc_console_finalize(GObject *object)
{
    g_free(VMC_CONSOLE(object)->uri);
    G_OBJECT_CLASS(vmc_console_parent_class)->finalize(object);
}

static void
vmc_console_class_init(VmcConsoleClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = vmc_console_dispose;
    object_class->finalize = vmc_console_finalize;

    signals[SIGNAL_OPENED] = g_signal_new("opened", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
    signals[SIGNAL_CLOSED] = g_signal_new("closed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vmc_console_init(VmcConsole *self)
{
    self->cancellable = g_cancellable_new();
    /* Audio goes through libpulse (vmc-audio), never spice_audio_get's GStreamer backend. */
    self->session = g_object_new(SPICE_TYPE_SESSION, "enable-audio", TRUE, NULL);
    g_signal_connect(self->session, "channel-new", G_CALLBACK(on_channel_new), self);
    g_signal_connect(self->session, "channel-destroy", G_CALLBACK(on_channel_destroy), self);
}

VmcConsole *
vmc_console_new_for_uri(const char *uri)
{
    VmcConsole *self;

    g_return_val_if_fail(vmc_console_is_uri(uri), NULL);

    self = g_object_new(VMC_TYPE_CONSOLE, NULL);
    self->uri = g_strdup(uri);
    g_object_set(self->session, "uri", uri, NULL);
    return self;
}

VmcConsole *
vmc_console_new_for_vm(BerthDBusVirtualMachine *vm)
{
    VmcConsole *self;

    g_return_val_if_fail(BERTH_DBUS_IS_VIRTUAL_MACHINE(vm), NULL);

    self = g_object_new(VMC_TYPE_CONSOLE, NULL);
    self->vm = g_object_ref(vm);
    return self;
}
