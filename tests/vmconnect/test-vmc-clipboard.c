/* test-vmc-clipboard.c: VmcClipboard between a real GdkClipboard (on Xvfb) and the SPICE main
 * channel's selection signals.
 *
 * The only stand-in is the channel's side: an unconnected session's main channel has no guest
 * agent, so the test emits the channel's signals itself (as spice-client-glib does when the
 * agent speaks) and records what VmcClipboard asks of the channel (grab, release, notify,
 * request) through vmc_clipboard_set_channel_ops(). "Another application" on the host is a
 * second X connection (a second GdkDisplay): its clipboard is the same X selection, owned by
 * another client, as for any program.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <gtk/gtk.h>
#include <spice/vd_agent.h>

#include "vmc-clipboard-private.h"

typedef struct {
    char *op;
    guint32 types[4];
    int ntypes;
    GBytes *data;
} Call;

typedef struct {
    SpiceSession *session;
    SpiceMainChannel *main;
    GdkDisplay *display; /* the console's */
    GdkDisplay *other;   /* another application's */
    VmcClipboard *clipboard;
    gboolean agent;
    GPtrArray *calls;
} Fixture;

static void
call_free(Call *call)
{
    g_free(call->op);
    g_clear_pointer(&call->data, g_bytes_unref);
    g_free(call);
}

static Call *
record(Fixture *f, const char *op)
{
    Call *call = g_new0(Call, 1);

    call->op = g_strdup(op);
    g_ptr_array_add(f->calls, call);
    return call;
}

static gboolean
fake_agent_connected(SpiceMainChannel *channel, gpointer user_data)
{
    return ((Fixture *)user_data)->agent;
}

static void
fake_grab(SpiceMainChannel *channel, guint selection, guint32 *types, int ntypes,
          gpointer user_data)
{
    Call *call = record(user_data, "grab");

    g_assert_cmpuint(selection, ==, VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD);
    g_assert_cmpint(ntypes, <=, 4);
    memcpy(call->types, types, sizeof(guint32) * ntypes);
    call->ntypes = ntypes;
}

static void
fake_release(SpiceMainChannel *channel, guint selection, gpointer user_data)
{
    record(user_data, "release");
}

static void
fake_notify(SpiceMainChannel *channel, guint selection, guint32 type, const guchar *data,
            gsize size, gpointer user_data)
{
    Call *call = record(user_data, "notify");

    call->types[0] = type;
    call->ntypes = 1;
    call->data = g_bytes_new(data, size);
}

static void
fake_request(SpiceMainChannel *channel, guint selection, guint32 type, gpointer user_data)
{
    Call *call = record(user_data, "request");

    call->types[0] = type;
    call->ntypes = 1;
}

static const VmcClipboardChannelOps fake_ops = {
    fake_agent_connected, fake_grab, fake_release, fake_notify, fake_request,
};

/* Iterates the main loop until @f has made @n calls (or 5 s have passed). */
static void
wait_calls(Fixture *f, guint n)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    while (f->calls->len < n && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE), g_usleep(1000);
    g_assert_cmpuint(f->calls->len, >=, n);
}

/* Lets X and GDK deliver what is in flight, for when nothing is expected to happen. */
static void
settle(void)
{
    gint64 until = g_get_monotonic_time() + 300 * 1000;

    while (g_get_monotonic_time() < until)
        g_main_context_iteration(NULL, FALSE), g_usleep(1000);
}

/* Iterates the main loop until @f has made a call @op (or 5 s have passed). */
static void
wait_op(Fixture *f, const char *op)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    for (;;) {
        for (guint i = 0; i < f->calls->len; i++) {
            if (g_str_equal(((Call *)f->calls->pdata[i])->op, op))
                return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

static Call *
call_at(Fixture *f, guint i)
{
    g_assert_cmpuint(i, <, f->calls->len);
    return f->calls->pdata[i];
}

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    GList *channels;

    f->calls = g_ptr_array_new_with_free_func((GDestroyNotify)call_free);
    f->display = gdk_display_get_default();
    f->other = gdk_display_open(NULL);
    g_assert_nonnull(f->other);
    f->session = spice_session_new();
    f->clipboard = vmc_clipboard_new(f->session, gdk_display_get_clipboard(f->display));
    vmc_clipboard_set_channel_ops(f->clipboard, &fake_ops, f);
    /* The main channel, as the session makes it when it connects. */
    f->main = SPICE_MAIN_CHANNEL(spice_channel_new(f->session, SPICE_CHANNEL_MAIN, 0));
    g_assert_nonnull(f->main);
    channels = spice_session_get_channels(f->session);
    g_assert_nonnull(g_list_find(channels, f->main));
    g_list_free(channels);
    g_assert_true(vmc_clipboard_get_main_channel(f->clipboard) == f->main);
    f->agent = TRUE;
    vmc_clipboard_set_focused(f->clipboard, TRUE);
    settle();
    g_ptr_array_set_size(f->calls, 0);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->clipboard);
    /* The session owns the channel it made, and destroys it from an idle: let that run. */
    spice_session_disconnect(f->session);
    settle();
    f->main = NULL;
    g_clear_object(&f->session);
    gdk_display_close(f->other);
    g_ptr_array_unref(f->calls);
}

/* Another application copies text: the guest's clipboard is grabbed with UTF-8 text, and when
 * a guest application pastes, it gets the text. */
static void
test_host_text_to_guest(Fixture *f, gconstpointer data)
{
    const char *text = "Привет, guest — 123";
    Call *call;

    gdk_clipboard_set_text(gdk_display_get_clipboard(f->other), text);
    wait_calls(f, 1);
    call = call_at(f, 0);
    g_assert_cmpstr(call->op, ==, "grab");
    g_assert_cmpint(call->ntypes, ==, 1);
    g_assert_cmpuint(call->types[0], ==, VD_AGENT_CLIPBOARD_UTF8_TEXT);

    g_signal_emit_by_name(f->main, "main-clipboard-selection-request",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, VD_AGENT_CLIPBOARD_UTF8_TEXT,
                          &(gboolean){FALSE});
    wait_calls(f, 2);
    call = call_at(f, 1);
    g_assert_cmpstr(call->op, ==, "notify");
    g_assert_cmpuint(call->types[0], ==, VD_AGENT_CLIPBOARD_UTF8_TEXT);
    g_assert_cmpmem(g_bytes_get_data(call->data, NULL), g_bytes_get_size(call->data), text,
                    strlen(text));
}

static GdkTexture *
make_texture(void)
{
    guchar pixels[4 * 3 * 4];

    /* A 4x3 picture: every pixel a different opaque colour. */
    for (guint i = 0; i < 12; i++) {
        pixels[4 * i] = (guchar)(i * 20);
        pixels[4 * i + 1] = (guchar)(255 - i * 20);
        pixels[4 * i + 2] = (guchar)(i * 7);
        pixels[4 * i + 3] = 255;
    }
    g_autoptr(GBytes) bytes = g_bytes_new(pixels, sizeof(pixels));
    return gdk_memory_texture_new(4, 3, GDK_MEMORY_R8G8B8A8, bytes, 16);
}

static void
assert_same_pixels(GdkTexture *a, GdkTexture *b)
{
    guchar pa[4 * 3 * 4], pb[4 * 3 * 4];

    g_assert_cmpint(gdk_texture_get_width(a), ==, gdk_texture_get_width(b));
    g_assert_cmpint(gdk_texture_get_height(a), ==, gdk_texture_get_height(b));
    gdk_texture_download(a, pa, 16);
    gdk_texture_download(b, pb, 16);
    g_assert_cmpmem(pa, sizeof(pa), pb, sizeof(pb));
}

/* Another application copies an image: offered as PNG; the guest gets a PNG of it. */
static void
test_host_image_to_guest(Fixture *f, gconstpointer data)
{
    g_autoptr(GdkTexture) texture = make_texture();
    g_autoptr(GdkTexture) sent = NULL;
    g_autoptr(GError) error = NULL;
    Call *call;
    gboolean png = FALSE;

    gdk_clipboard_set_texture(gdk_display_get_clipboard(f->other), texture);
    wait_calls(f, 1);
    call = call_at(f, 0);
    g_assert_cmpstr(call->op, ==, "grab");
    for (int i = 0; i < call->ntypes; i++)
        png |= call->types[i] == VD_AGENT_CLIPBOARD_IMAGE_PNG;
    g_assert_true(png);

    g_signal_emit_by_name(f->main, "main-clipboard-selection-request",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, VD_AGENT_CLIPBOARD_IMAGE_PNG,
                          &(gboolean){FALSE});
    wait_calls(f, 2);
    call = call_at(f, 1);
    g_assert_cmpstr(call->op, ==, "notify");
    g_assert_cmpuint(call->types[0], ==, VD_AGENT_CLIPBOARD_IMAGE_PNG);
    g_assert_cmpuint(g_bytes_get_size(call->data), >, 8);
    g_assert_cmpmem(g_bytes_get_data(call->data, NULL), 8, "\x89PNG\r\n\x1a\n", 8);
    sent = gdk_texture_new_from_bytes(call->data, &error);
    g_assert_no_error(error);
    assert_same_pixels(texture, sent);
}

static void
on_text(GObject *source, GAsyncResult *result, gpointer user_data)
{
    *(char **)user_data = gdk_clipboard_read_text_finish(GDK_CLIPBOARD(source), result, NULL);
}

static void
on_texture(GObject *source, GAsyncResult *result, gpointer user_data)
{
    *(GdkTexture **)user_data =
        gdk_clipboard_read_texture_finish(GDK_CLIPBOARD(source), result, NULL);
}

/* A guest application copies text: the console asks for it at once and owns the host's
 * clipboard with it; another application pastes it. */
static void
test_guest_text_to_host(Fixture *f, gconstpointer data)
{
    guint32 types[] = {VD_AGENT_CLIPBOARD_IMAGE_PNG, VD_AGENT_CLIPBOARD_UTF8_TEXT};
    const char *text = "copied in the guest ✓";
    g_autofree char *pasted = NULL;
    gboolean handled = FALSE;
    gint64 deadline;

    g_signal_emit_by_name(f->main, "main-clipboard-selection-grab",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, types, 2, &handled);
    g_assert_true(handled);
    wait_calls(f, 1);
    g_assert_cmpstr(call_at(f, 0)->op, ==, "request");
    /* Text is preferred to an image when the guest offers both. */
    g_assert_cmpuint(call_at(f, 0)->types[0], ==, VD_AGENT_CLIPBOARD_UTF8_TEXT);

    g_signal_emit_by_name(f->main, "main-clipboard-selection",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, VD_AGENT_CLIPBOARD_UTF8_TEXT,
                          text, (guint)strlen(text));
    g_assert_true(gdk_clipboard_is_local(gdk_display_get_clipboard(f->display)));
    gdk_clipboard_read_text_async(gdk_display_get_clipboard(f->other), NULL, on_text, &pasted);
    deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (pasted == NULL && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE), g_usleep(1000);
    g_assert_cmpstr(pasted, ==, text);
    /* Owning the host's clipboard ourselves is not offered back to the guest. */
    settle();
    for (guint i = 0; i < f->calls->len; i++)
        g_assert_cmpstr(call_at(f, i)->op, !=, "grab");
}

/* A guest application copies an image (PNG): another application pastes the same pixels. */
static void
test_guest_image_to_host(Fixture *f, gconstpointer data)
{
    guint32 types[] = {VD_AGENT_CLIPBOARD_IMAGE_PNG};
    g_autoptr(GdkTexture) texture = make_texture();
    g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes(texture);
    g_autoptr(GdkTexture) pasted = NULL;
    gboolean handled = FALSE;
    gint64 deadline;

    g_signal_emit_by_name(f->main, "main-clipboard-selection-grab",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, types, 1, &handled);
    wait_calls(f, 1);
    g_assert_cmpstr(call_at(f, 0)->op, ==, "request");
    g_assert_cmpuint(call_at(f, 0)->types[0], ==, VD_AGENT_CLIPBOARD_IMAGE_PNG);
    g_signal_emit_by_name(f->main, "main-clipboard-selection",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, VD_AGENT_CLIPBOARD_IMAGE_PNG,
                          g_bytes_get_data(png, NULL), (guint)g_bytes_get_size(png));
    gdk_clipboard_read_texture_async(gdk_display_get_clipboard(f->other), NULL, on_texture,
                                     &pasted);
    deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (pasted == NULL && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, FALSE), g_usleep(1000);
    g_assert_nonnull(pasted);
    assert_same_pixels(texture, pasted);
}

/* Data the console did not ask for, or that is not UTF-8, never reaches the host. */
static void
test_guest_unasked_or_bad(Fixture *f, gconstpointer data)
{
    guint32 types[] = {VD_AGENT_CLIPBOARD_UTF8_TEXT};
    const char bad[] = "bad \xff\xfe text";

    gdk_clipboard_set_text(gdk_display_get_clipboard(f->other), "host text");
    wait_calls(f, 1);
    g_signal_emit_by_name(f->main, "main-clipboard-selection",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, VD_AGENT_CLIPBOARD_UTF8_TEXT,
                          "unasked", 7u);
    g_assert_false(gdk_clipboard_is_local(gdk_display_get_clipboard(f->display)));
    g_signal_emit_by_name(f->main, "main-clipboard-selection-grab",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, types, 1, &(gboolean){FALSE});
    g_signal_emit_by_name(f->main, "main-clipboard-selection",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, VD_AGENT_CLIPBOARD_UTF8_TEXT, bad,
                          (guint)strlen(bad));
    g_assert_false(gdk_clipboard_is_local(gdk_display_get_clipboard(f->display)));
}

/* Only while focused (the default): nothing goes either way while the window is in the back,
 * the guest's grab is released when it goes to the back, and both sides catch up when it
 * comes back. */
static void
test_only_when_focused(Fixture *f, gconstpointer data)
{
    guint32 types[] = {VD_AGENT_CLIPBOARD_UTF8_TEXT};
    Call *call;

    g_assert_true(vmc_clipboard_get_only_when_focused(f->clipboard));
    gdk_clipboard_set_text(gdk_display_get_clipboard(f->other), "first");
    wait_calls(f, 1);
    g_assert_cmpstr(call_at(f, 0)->op, ==, "grab");

    vmc_clipboard_set_focused(f->clipboard, FALSE);
    g_assert_cmpuint(f->calls->len, ==, 2);
    g_assert_cmpstr(call_at(f, 1)->op, ==, "release");

    /* A paste in the guest now gets nothing (an empty answer, not a hang). */
    g_signal_emit_by_name(f->main, "main-clipboard-selection-request",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, VD_AGENT_CLIPBOARD_UTF8_TEXT,
                          &(gboolean){FALSE});
    g_assert_cmpuint(f->calls->len, ==, 3);
    call = call_at(f, 2);
    g_assert_cmpstr(call->op, ==, "notify");
    g_assert_cmpuint(call->types[0], ==, VD_AGENT_CLIPBOARD_NONE);
    g_assert_cmpuint(g_bytes_get_size(call->data), ==, 0);

    /* Copies on both sides while in the back: nothing happens… */
    gdk_clipboard_set_text(gdk_display_get_clipboard(f->other), "second");
    settle();
    g_signal_emit_by_name(f->main, "main-clipboard-selection-grab",
                          VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD, types, 1, &(gboolean){FALSE});
    settle();
    g_assert_cmpuint(f->calls->len, ==, 3);

    /* …until the window has the focus again: the guest's copy, the later one, is asked for,
     * and the host's older one is not offered. */
    vmc_clipboard_set_focused(f->clipboard, TRUE);
    g_assert_cmpuint(f->calls->len, ==, 4);
    g_assert_cmpstr(call_at(f, 3)->op, ==, "request");

    /* The setting off: sharing goes on in the back. */
    vmc_clipboard_set_only_when_focused(f->clipboard, FALSE);
    vmc_clipboard_set_focused(f->clipboard, FALSE);
    g_ptr_array_set_size(f->calls, 0);
    gdk_clipboard_set_text(gdk_display_get_clipboard(f->other), "third");
    wait_op(f, "grab");
}

/* Without an agent in the guest nothing is offered; when one appears, the host's clipboard is. */
static void
test_no_agent(Fixture *f, gconstpointer data)
{
    f->agent = FALSE;
    gdk_clipboard_set_text(gdk_display_get_clipboard(f->other), "waiting for an agent");
    settle();
    g_assert_cmpuint(f->calls->len, ==, 0);
    f->agent = TRUE;
    g_signal_emit_by_name(f->main, "main-agent-update");
    wait_calls(f, 1);
    g_assert_cmpstr(call_at(f, 0)->op, ==, "grab");
}

int
main(int argc, char **argv)
{
    gtk_test_init(&argc, &argv, NULL);
    if (gdk_display_get_default() == NULL) {
        g_print("no display: skipping\n");
        return 77;
    }
#define ADD(name, fn) \
    g_test_add("/vmconnect/clipboard/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("host-text-to-guest", test_host_text_to_guest);
    ADD("host-image-to-guest", test_host_image_to_guest);
    ADD("guest-text-to-host", test_guest_text_to_host);
    ADD("guest-image-to-host", test_guest_image_to_host);
    ADD("guest-unasked-or-bad", test_guest_unasked_or_bad);
    ADD("only-when-focused", test_only_when_focused);
    ADD("no-agent", test_no_agent);
    return g_test_run();
}
