/* vmc-clipboard.c: the host's clipboard shared with the guest through the SPICE agent.
 *
 * Text (UTF-8) and images (PNG) go both ways between a GdkClipboard and the vdagent's
 * CLIPBOARD selection on the SPICE main channel:
 *
 * - host → guest: when another application on the host copies something, the guest's
 *   clipboard is grabbed with the types on offer; when a guest application pastes, the guest
 *   asks (main-clipboard-selection-request) and the data is read from the GdkClipboard then and
 *   sent (spice_main_channel_clipboard_selection_notify).
 * - guest → host: when a guest application copies (main-clipboard-selection-grab), the data is
 *   asked for at once and, once it arrives (main-clipboard-selection), put on the GdkClipboard,
 *   which then owns it: pasting on the host works even after the guest is gone.
 *
 * By default ("only-when-focused") nothing is shared while the console window is not focused:
 * the guest's grab is released when the window loses the focus, and what either side copied
 * meanwhile is shared when it gets the focus back.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <spice/vd_agent.h>

#include "vmc-clipboard-private.h"

#define SELECTION VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD
#define MIME_TEXT "text/plain;charset=utf-8"
#define MIME_PNG  "image/png"

struct _VmcClipboard {
    GObject parent_instance;

    SpiceSession *session;
    GdkClipboard *clipboard;
    SpiceMainChannel *main;
    gboolean focused;
    gboolean only_when_focused;

    const VmcClipboardChannelOps *ops;
    gpointer ops_data;

    /* The guest's clipboard is grabbed on behalf of the host's. */
    gboolean grabbed;
    /* The host's clipboard changed (or the guest's did) while sharing was not allowed. */
    gboolean host_pending;
    guint32 guest_pending_type;
    /* What was asked of the guest and not answered yet (VD_AGENT_CLIPBOARD_NONE if nothing). */
    guint32 requested_type;
    GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE(VmcClipboard, vmc_clipboard, G_TYPE_OBJECT)

enum { PROP_0, PROP_SESSION, PROP_CLIPBOARD, PROP_FOCUSED, PROP_ONLY_WHEN_FOCUSED, N_PROPS };

static GParamSpec *properties[N_PROPS];

/* ---- The real channel --------------------------------------------------------------------- */

static gboolean
real_agent_connected(SpiceMainChannel *channel, gpointer user_data)
{
    gboolean connected = FALSE;

    g_object_get(channel, "agent-connected", &connected, NULL);
    return connected &&
           spice_main_channel_agent_test_capability(channel, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
}

static void
real_grab(SpiceMainChannel *channel, guint selection, guint32 *types, int ntypes,
          gpointer user_data)
{
    spice_main_channel_clipboard_selection_grab(channel, selection, types, ntypes);
}

static void
real_release(SpiceMainChannel *channel, guint selection, gpointer user_data)
{
    spice_main_channel_clipboard_selection_release(channel, selection);
}

static void
real_notify(SpiceMainChannel *channel, guint selection, guint32 type, const guchar *data,
            gsize size, gpointer user_data)
{
    spice_main_channel_clipboard_selection_notify(channel, selection, type, data, size);
}

static void
real_request(SpiceMainChannel *channel, guint selection, guint32 type, gpointer user_data)
{
    spice_main_channel_clipboard_selection_request(channel, selection, type);
}

static const VmcClipboardChannelOps real_ops = {
    real_agent_connected, real_grab, real_release, real_notify, real_request,
};

/* ---- Helpers ------------------------------------------------------------------------------ */

static gboolean
sharing(VmcClipboard *self)
{
    return self->main != NULL && (self->focused || !self->only_when_focused) &&
           self->ops->agent_connected(self->main, self->ops_data);
}

/* The agent's types the host's clipboard can give, best first; returns how many. */
static int
host_types(VmcClipboard *self, guint32 types[2])
{
    g_autoptr(GdkContentFormats) formats = NULL;
    int n = 0;

    formats = gdk_content_formats_ref(gdk_clipboard_get_formats(self->clipboard));
    formats = gdk_content_formats_union_serialize_mime_types(formats);
    if (gdk_content_formats_contain_mime_type(formats, MIME_TEXT) ||
        gdk_content_formats_contain_mime_type(formats, "text/plain"))
        types[n++] = VD_AGENT_CLIPBOARD_UTF8_TEXT;
    if (gdk_content_formats_contain_mime_type(formats, MIME_PNG))
        types[n++] = VD_AGENT_CLIPBOARD_IMAGE_PNG;
    return n;
}

static void
release_guest(VmcClipboard *self)
{
    if (!self->grabbed)
        return;
    self->grabbed = FALSE;
    if (self->main != NULL)
        self->ops->release(self->main, SELECTION, self->ops_data);
}

/* Offers the host's clipboard to the guest, if it is someone else's and sharing is allowed. */
static void
offer_host_clipboard(VmcClipboard *self)
{
    guint32 types[2];
    int ntypes;

    if (gdk_clipboard_is_local(self->clipboard)) {
        g_debug("clipboard: the host's clipboard changed, and is ours");
        return;
    }
    if (!sharing(self)) {
        g_debug("clipboard: the host's clipboard changed, not shared now");
        /* The latest copy wins when sharing resumes: this one, not an earlier guest's. */
        self->host_pending = TRUE;
        self->guest_pending_type = VD_AGENT_CLIPBOARD_NONE;
        return;
    }
    self->host_pending = FALSE;
    ntypes = host_types(self, types);
    if (ntypes == 0) {
        g_debug("clipboard: the host's clipboard changed, to nothing the guest takes");
        release_guest(self);
        return;
    }
    g_debug("clipboard: offering the host's clipboard to the guest (%d types)", ntypes);
    self->grabbed = TRUE;
    self->ops->grab(self->main, SELECTION, types, ntypes, self->ops_data);
}

static void
on_clipboard_changed(GdkClipboard *clipboard, gpointer user_data)
{
    offer_host_clipboard(VMC_CLIPBOARD(user_data));
}

/* ---- Host → guest: the guest pastes ------------------------------------------------------- */

typedef struct {
    VmcClipboard *self;
    SpiceMainChannel *main;
    guint selection;
    guint32 type;
} Request;

static void
request_free(Request *request)
{
    g_object_unref(request->self);
    g_object_unref(request->main);
    g_free(request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Request, request_free)

static void
answer(Request *request, const guchar *data, gsize size)
{
    /* An empty answer tells the guest there is nothing, rather than letting it wait. */
    request->self->ops->notify(request->main, request->selection,
                               data != NULL ? request->type : VD_AGENT_CLIPBOARD_NONE, data,
                               data != NULL ? size : 0, request->self->ops_data);
}

static void
on_text_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(Request) request = user_data;
    g_autoptr(GError) error = NULL;
    g_autofree char *text = gdk_clipboard_read_text_finish(GDK_CLIPBOARD(source), result, &error);

    if (text == NULL)
        g_debug("clipboard: cannot read the host's text: %s", error ? error->message : "empty");
    answer(request, (const guchar *)text, text != NULL ? strlen(text) : 0);
}

static void
on_texture_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(Request) request = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkTexture) texture = NULL;
    g_autoptr(GBytes) png = NULL;

    texture = gdk_clipboard_read_texture_finish(GDK_CLIPBOARD(source), result, &error);
    if (texture == NULL) {
        g_debug("clipboard: cannot read the host's image: %s", error ? error->message : "none");
        answer(request, NULL, 0);
        return;
    }
    png = gdk_texture_save_to_png_bytes(texture);
    answer(request, g_bytes_get_data(png, NULL), g_bytes_get_size(png));
}

static gboolean
on_selection_request(SpiceMainChannel *main, guint selection, guint type, gpointer user_data)
{
    VmcClipboard *self = VMC_CLIPBOARD(user_data);
    Request *request;

    if (selection != SELECTION)
        return FALSE;
    request = g_new0(Request, 1);
    request->self = g_object_ref(self);
    request->main = g_object_ref(main);
    request->selection = selection;
    request->type = type;
    if (!self->grabbed || !sharing(self) || gdk_clipboard_is_local(self->clipboard)) {
        g_debug("clipboard: the guest asks for the host's clipboard, which is not shared now");
        answer(request, NULL, 0);
        request_free(request);
        return TRUE;
    }
    switch (type) {
    case VD_AGENT_CLIPBOARD_UTF8_TEXT:
        gdk_clipboard_read_text_async(self->clipboard, self->cancellable, on_text_read, request);
        break;
    case VD_AGENT_CLIPBOARD_IMAGE_PNG:
        gdk_clipboard_read_texture_async(self->clipboard, self->cancellable, on_texture_read,
                                         request);
        break;
    default:
        answer(request, NULL, 0);
        request_free(request);
    }
    return TRUE;
}

/* ---- Guest → host: the guest copies ------------------------------------------------------- */

static void
request_guest(VmcClipboard *self, guint32 type)
{
    if (!sharing(self)) {
        self->guest_pending_type = type;
        return;
    }
    self->guest_pending_type = VD_AGENT_CLIPBOARD_NONE;
    self->requested_type = type;
    self->ops->request(self->main, SELECTION, type, self->ops_data);
}

static gboolean
on_selection_grab(SpiceMainChannel *main, guint selection, gpointer types_pointer, guint ntypes,
                  gpointer user_data)
{
    VmcClipboard *self = VMC_CLIPBOARD(user_data);
    const guint32 *types = types_pointer;
    guint32 best = VD_AGENT_CLIPBOARD_NONE;

    if (selection != SELECTION)
        return FALSE;
    /* The guest owns its clipboard now: whatever the host offered is no longer there, and an
     * older host copy waiting for the focus is superseded. */
    self->grabbed = FALSE;
    self->host_pending = FALSE;
    for (guint i = 0; i < ntypes; i++) {
        if (types[i] == VD_AGENT_CLIPBOARD_UTF8_TEXT)
            best = types[i];
        else if (types[i] == VD_AGENT_CLIPBOARD_IMAGE_PNG && best == VD_AGENT_CLIPBOARD_NONE)
            best = types[i];
    }
    g_debug("clipboard: the guest copied (%u types, taking %u)", ntypes, best);
    if (best != VD_AGENT_CLIPBOARD_NONE)
        request_guest(self, best);
    return TRUE;
}

static void
on_selection(SpiceMainChannel *main, guint selection, guint type, gpointer data, guint size,
             gpointer user_data)
{
    VmcClipboard *self = VMC_CLIPBOARD(user_data);
    guint32 requested = self->requested_type;

    if (selection != SELECTION)
        return;
    self->requested_type = VD_AGENT_CLIPBOARD_NONE;
    if (requested == VD_AGENT_CLIPBOARD_NONE || type != requested || data == NULL || size == 0)
        return;
    if (type == VD_AGENT_CLIPBOARD_UTF8_TEXT) {
        g_autofree char *text = g_strndup(data, size);

        if (!g_utf8_validate(text, -1, NULL)) {
            g_debug("clipboard: the guest's text is not UTF-8; ignored");
            return;
        }
        gdk_clipboard_set_text(self->clipboard, text);
    } else if (type == VD_AGENT_CLIPBOARD_IMAGE_PNG) {
        g_autoptr(GBytes) bytes = g_bytes_new(data, size);
        g_autoptr(GError) error = NULL;
        g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes(bytes, &error);

        if (texture == NULL) {
            g_debug("clipboard: the guest's image cannot be read: %s", error->message);
            return;
        }
        gdk_clipboard_set_texture(self->clipboard, texture);
    }
}

static void
on_selection_release(SpiceMainChannel *main, guint selection, gpointer user_data)
{
    VmcClipboard *self = VMC_CLIPBOARD(user_data);

    /* What the guest copied stays pasteable on the host; only a pending ask is forgotten. */
    if (selection == SELECTION)
        self->guest_pending_type = VD_AGENT_CLIPBOARD_NONE;
}

static void
on_agent_update(SpiceMainChannel *main, gpointer user_data)
{
    VmcClipboard *self = VMC_CLIPBOARD(user_data);

    /* An agent that (re)appears has an empty clipboard of ours: offer again. */
    if (self->ops->agent_connected(main, self->ops_data)) {
        self->grabbed = FALSE;
        offer_host_clipboard(self);
    }
}

/* ---- Channels ----------------------------------------------------------------------------- */

static void
attach(VmcClipboard *self, SpiceMainChannel *main)
{
    self->main = g_object_ref(main);
    g_signal_connect_object(main, "main-clipboard-selection-grab", G_CALLBACK(on_selection_grab),
                            self, 0);
    g_signal_connect_object(main, "main-clipboard-selection-request",
                            G_CALLBACK(on_selection_request), self, 0);
    g_signal_connect_object(main, "main-clipboard-selection-release",
                            G_CALLBACK(on_selection_release), self, 0);
    g_signal_connect_object(main, "main-clipboard-selection", G_CALLBACK(on_selection), self, 0);
    g_signal_connect_object(main, "main-agent-update", G_CALLBACK(on_agent_update), self, 0);
}

static void
detach(VmcClipboard *self)
{
    if (self->main == NULL)
        return;
    g_signal_handlers_disconnect_by_data(self->main, self);
    g_clear_object(&self->main);
    self->grabbed = FALSE;
    self->requested_type = VD_AGENT_CLIPBOARD_NONE;
}

static void
on_channel_new(SpiceSession *session, SpiceChannel *channel, gpointer user_data)
{
    VmcClipboard *self = VMC_CLIPBOARD(user_data);

    if (SPICE_IS_MAIN_CHANNEL(channel) && self->main == NULL)
        attach(self, SPICE_MAIN_CHANNEL(channel));
}

static void
on_channel_destroy(SpiceSession *session, SpiceChannel *channel, gpointer user_data)
{
    VmcClipboard *self = VMC_CLIPBOARD(user_data);

    if (channel == SPICE_CHANNEL(self->main))
        detach(self);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
vmc_clipboard_constructed(GObject *object)
{
    VmcClipboard *self = VMC_CLIPBOARD(object);
    g_autoptr(GList) channels = NULL;

    G_OBJECT_CLASS(vmc_clipboard_parent_class)->constructed(object);
    g_return_if_fail(SPICE_IS_SESSION(self->session));
    g_return_if_fail(GDK_IS_CLIPBOARD(self->clipboard));

    g_signal_connect_object(self->clipboard, "changed", G_CALLBACK(on_clipboard_changed), self, 0);
    g_signal_connect_object(self->session, "channel-new", G_CALLBACK(on_channel_new), self, 0);
    g_signal_connect_object(self->session, "channel-destroy", G_CALLBACK(on_channel_destroy), self,
                            0);
    channels = spice_session_get_channels(self->session);
    for (GList *l = channels; l != NULL; l = l->next)
        on_channel_new(self->session, l->data, self);
}

static void
vmc_clipboard_dispose(GObject *object)
{
    VmcClipboard *self = VMC_CLIPBOARD(object);

    g_cancellable_cancel(self->cancellable);
    detach(self);
    g_clear_object(&self->cancellable);
    g_clear_object(&self->clipboard);
    g_clear_object(&self->session);
    G_OBJECT_CLASS(vmc_clipboard_parent_class)->dispose(object);
}

static void
vmc_clipboard_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    VmcClipboard *self = VMC_CLIPBOARD(object);

    switch (prop_id) {
    case PROP_SESSION:
        g_value_set_object(value, self->session);
        break;
    case PROP_CLIPBOARD:
        g_value_set_object(value, self->clipboard);
        break;
    case PROP_FOCUSED:
        g_value_set_boolean(value, self->focused);
        break;
    case PROP_ONLY_WHEN_FOCUSED:
        g_value_set_boolean(value, self->only_when_focused);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_clipboard_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    VmcClipboard *self = VMC_CLIPBOARD(object);

    switch (prop_id) {
    case PROP_SESSION:
        self->session = g_value_dup_object(value);
        break;
    case PROP_CLIPBOARD:
        self->clipboard = g_value_dup_object(value);
        break;
    case PROP_FOCUSED:
        vmc_clipboard_set_focused(self, g_value_get_boolean(value));
        break;
    case PROP_ONLY_WHEN_FOCUSED:
        vmc_clipboard_set_only_when_focused(self, g_value_get_boolean(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_clipboard_class_init(VmcClipboardClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->constructed = vmc_clipboard_constructed;
    object_class->dispose = vmc_clipboard_dispose;
    object_class->get_property = vmc_clipboard_get_property;
    object_class->set_property = vmc_clipboard_set_property;

    properties[PROP_SESSION] =
        g_param_spec_object("session", NULL, NULL, SPICE_TYPE_SESSION,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    properties[PROP_CLIPBOARD] =
        g_param_spec_object("clipboard", NULL, NULL, GDK_TYPE_CLIPBOARD,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    properties[PROP_FOCUSED] =
        g_param_spec_boolean("focused", NULL, NULL, FALSE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_ONLY_WHEN_FOCUSED] =
        g_param_spec_boolean("only-when-focused", NULL, NULL, TRUE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
vmc_clipboard_init(VmcClipboard *self)
{
    self->only_when_focused = TRUE;
    self->ops = &real_ops;
    self->cancellable = g_cancellable_new();
}

/* ---- API ---------------------------------------------------------------------------------- */

/**
 * vmc_clipboard_new:
 * @session: the console's session
 * @clipboard: the host's clipboard (gdk_display_get_clipboard())
 *
 * Shares @clipboard with the guest's CLIPBOARD selection once the session's main channel and
 * the guest's agent are there.
 */
VmcClipboard *
vmc_clipboard_new(SpiceSession *session, GdkClipboard *clipboard)
{
    g_return_val_if_fail(SPICE_IS_SESSION(session), NULL);
    g_return_val_if_fail(GDK_IS_CLIPBOARD(clipboard), NULL);
    return g_object_new(VMC_TYPE_CLIPBOARD, "session", session, "clipboard", clipboard, NULL);
}

gboolean
vmc_clipboard_get_focused(VmcClipboard *self)
{
    g_return_val_if_fail(VMC_IS_CLIPBOARD(self), FALSE);
    return self->focused;
}

static void
sharing_changed(VmcClipboard *self)
{
    gboolean allowed = self->focused || !self->only_when_focused;

    if (!allowed) {
        /* The guest must not read the host's clipboard while the window is in the back. */
        if (self->grabbed)
            self->host_pending = TRUE;
        release_guest(self);
        return;
    }
    if (self->host_pending)
        offer_host_clipboard(self);
    if (self->guest_pending_type != VD_AGENT_CLIPBOARD_NONE)
        request_guest(self, self->guest_pending_type);
}

/**
 * vmc_clipboard_set_focused:
 *
 * Whether the console window has the focus (GtkWindow:is-active).
 */
void
vmc_clipboard_set_focused(VmcClipboard *self, gboolean focused)
{
    g_return_if_fail(VMC_IS_CLIPBOARD(self));

    focused = !!focused;
    if (self->focused == focused)
        return;
    self->focused = focused;
    sharing_changed(self);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_FOCUSED]);
}

gboolean
vmc_clipboard_get_only_when_focused(VmcClipboard *self)
{
    g_return_val_if_fail(VMC_IS_CLIPBOARD(self), FALSE);
    return self->only_when_focused;
}

/**
 * vmc_clipboard_set_only_when_focused:
 *
 * The "Share clipboard only while focused" setting (on by default).
 */
void
vmc_clipboard_set_only_when_focused(VmcClipboard *self, gboolean only_when_focused)
{
    g_return_if_fail(VMC_IS_CLIPBOARD(self));

    only_when_focused = !!only_when_focused;
    if (self->only_when_focused == only_when_focused)
        return;
    self->only_when_focused = only_when_focused;
    sharing_changed(self);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ONLY_WHEN_FOCUSED]);
}

void
vmc_clipboard_set_channel_ops(VmcClipboard *self, const VmcClipboardChannelOps *ops,
                              gpointer user_data)
{
    g_return_if_fail(VMC_IS_CLIPBOARD(self));
    self->ops = ops != NULL ? ops : &real_ops;
    self->ops_data = user_data;
}

SpiceMainChannel *
vmc_clipboard_get_main_channel(VmcClipboard *self)
{
    g_return_val_if_fail(VMC_IS_CLIPBOARD(self), NULL);
    return self->main;
}
