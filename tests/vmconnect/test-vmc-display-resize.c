/* test-vmc-display-resize.c: VmcDisplay while the guest changes its resolution 50 times, built
 * with AddressSanitizer (tests/vmconnect/meson.build compiles vmc-display.c into this test with
 * -fsanitize=address) and drawn by GTK's cairo renderer on Xvfb.
 *
 * The widget draws its tiles straight from the display channel's buffer. spice-client-glib
 * frees that buffer right after emitting display-primary-destroy (also before a primary of
 * another size); glibc gives a buffer of that size back to the kernel (munmap), and a render
 * node that read it afterwards would crash vmconnect or show garbage. Here a real
 * SpiceDisplayChannel (of a session that never connects) emits the display signals as
 * spice-client-glib does, with buffers of the test's own that become inaccessible
 * (PROT_NONE, never handed out again) as soon as display-primary-destroy returns: a node that
 * still reads one, or a cairo snapshot copied from one too late, faults, which ASan reports.
 * In between, the test checks the widget shows what the buffer holds: the whole screen, a
 * small change (a cursor cell), a whole new screen.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <sys/mman.h>
#include <string.h>
#include <gdk/x11/gdkx.h>
#include <gtk/gtk.h>

#include "vmc-display.h"

#define CHANGES 50

typedef struct {
    GtkWidget *window;
    VmcDisplay *display;
    SpiceSession *session;
    SpiceChannel *channel;
    guint paints;
} Fixture;

/* A guest screen's buffer, as spice-client-glib's: xRGB, 4 bytes a pixel, no padding. */
typedef struct {
    guint32 *pixels;
    gsize size;
    int width, height;
} GuestBuffer;

static GuestBuffer
buffer_new(int width, int height)
{
    GuestBuffer buffer = {NULL, (gsize)width * height * 4, width, height};

    buffer.pixels =
        mmap(NULL, buffer.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_assert_true(buffer.pixels != MAP_FAILED);
    return buffer;
}

/* The buffer is gone: its memory goes back and any read faults. The pages stay reserved so that
 * no later buffer gets the same addresses (which would hide a stale read). */
static void
buffer_gone(GuestBuffer *buffer)
{
    g_assert_cmpint(madvise(buffer->pixels, buffer->size, MADV_DONTNEED), ==, 0);
    g_assert_cmpint(mprotect(buffer->pixels, buffer->size, PROT_NONE), ==, 0);
}

/* Fills a rectangle with an xRGB colour; the X byte is garbage, as SPICE's may be. */
static void
buffer_fill(GuestBuffer *buffer, int x, int y, int w, int h, guint32 rgb)
{
    for (int row = y; row < y + h; row++)
        for (int col = x; col < x + w; col++)
            buffer->pixels[(gsize)row * buffer->width + col] = GUINT32_TO_LE(0x5a000000u | rgb);
}

static void
on_after_paint(GdkFrameClock *clock, Fixture *f)
{
    f->paints++;
}

static gboolean
on_timeout(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Runs the main loop until GTK has painted @n more frames (20 s at most). */
static void
wait_paints(Fixture *f, guint n)
{
    const guint target = f->paints + n;
    gboolean timed_out = FALSE;
    const guint timeout = g_timeout_add_seconds(20, on_timeout, &timed_out);

    while (f->paints < target && !timed_out)
        g_main_context_iteration(NULL, TRUE);
    if (!timed_out)
        g_source_remove(timeout);
    g_assert_cmpuint(f->paints, >=, target);
}

static void
invalidate(Fixture *f, int x, int y, int w, int h)
{
    g_signal_emit_by_name(f->channel, "display-invalidate", x, y, w, h);
    wait_paints(f, 1);
}

/* The colour at the middle of the widget as the X server has it in the window (RGB): what
 * GTK drew there, so a change GTK was not told about (no damage) shows as the old colour. */
static guint32
middle_colour(Fixture *f)
{
    GtkWidget *widget = GTK_WIDGET(f->display);
    Display *xdisplay = gdk_x11_display_get_xdisplay(gtk_widget_get_display(f->window));
    GdkSurface *surface = gtk_native_get_surface(GTK_NATIVE(f->window));
    graphene_point_t point;
    double dx, dy;
    XImage *image;
    guint32 pixel;

    g_assert_true(gtk_widget_compute_point(
        widget, f->window,
        &GRAPHENE_POINT_INIT(gtk_widget_get_width(widget) / 2, gtk_widget_get_height(widget) / 2),
        &point));
    gtk_native_get_surface_transform(GTK_NATIVE(f->window), &dx, &dy);
    image = XGetImage(xdisplay, gdk_x11_surface_get_xid(surface), (int)(point.x + dx),
                      (int)(point.y + dy), 1, 1, AllPlanes, ZPixmap);
    g_assert_nonnull(image);
    pixel = XGetPixel(image, 0, 0) & 0xffffffu;
    XDestroyImage(image);
    return pixel;
}

/* Under $GSK_RENDERER (GTK reads it once per process): "cairo" (GTK's choice without a GPU; the
 * widget draws the buffer in place; the default here) or "gl" (textures copied from the buffer;
 * llvmpipe on Xvfb). */
static void
test_resize(void)
{
    const char *renderer = g_getenv("GSK_RENDERER");
    /* Sizes a guest goes through, some not a whole number of tiles, some larger than the
     * window (scaled down to fit), one a single tile. */
    static const int sizes[][2] = {{1024, 768}, {800, 600},  {640, 480}, {1280, 1024},
                                   {720, 400},  {1023, 767}, {128, 128}, {1920, 1080}};
    Fixture f = {0};
    GskRenderer *used;
    gboolean skip;

    f.window = gtk_window_new();
    gtk_window_set_default_size(GTK_WINDOW(f.window), 640, 480);
    f.display = VMC_DISPLAY(vmc_display_new());
    gtk_window_set_child(GTK_WINDOW(f.window), GTK_WIDGET(f.display));
    f.session = spice_session_new();
    f.channel = spice_channel_new(f.session, SPICE_CHANNEL_DISPLAY, 0);
    vmc_display_set_channel(f.display, SPICE_DISPLAY_CHANNEL(f.channel));
    gtk_window_present(GTK_WINDOW(f.window));
    g_signal_connect(gtk_widget_get_frame_clock(f.window), "after-paint",
                     G_CALLBACK(on_after_paint), &f);
    wait_paints(&f, 1);
    used = gtk_native_get_renderer(GTK_NATIVE(f.window));
    /* (GTK falls back to cairo when GL does not work; X11 has no third renderer.) */
    skip = g_str_equal(renderer, "gl") && GSK_IS_CAIRO_RENDERER(used);
    if (skip)
        g_test_skip("GTK's GL renderer does not work on this X server");
    else
        g_assert_true(g_str_equal(renderer, "cairo") == GSK_IS_CAIRO_RENDERER(used));

    for (guint i = 0; i < CHANGES && !skip; i++) {
        const int w = sizes[i % G_N_ELEMENTS(sizes)][0], h = sizes[i % G_N_ELEMENTS(sizes)][1];
        const guint32 first = 0x102030 + i, cell = 0xe0c0a0 - i, second = 0x30a050 + i;
        GuestBuffer buffer = buffer_new(w, h);
        int gw, gh;

        /* A new screen, drawn whole. */
        buffer_fill(&buffer, 0, 0, w, h, first);
        g_signal_emit_by_name(f.channel, "display-primary-create", SPICE_SURFACE_FMT_32_xRGB, w, h,
                              w * 4, -1, buffer.pixels);
        if (i == 0)
            g_signal_emit_by_name(f.channel, "display-mark", TRUE);
        wait_paints(&f, 1);
        g_assert_true(vmc_display_get_guest_size(f.display, &gw, &gh));
        g_assert_cmpint(gw, ==, w);
        g_assert_cmpint(gh, ==, h);
        g_assert_cmphex(middle_colour(&f), ==, first);

        /* A cursor cell in the middle changes: drawn over its tile. */
        buffer_fill(&buffer, w / 2 - 16, h / 2 - 16, 32, 32, cell);
        invalidate(&f, w / 2 - 16, h / 2 - 16, 32, 32);
        g_assert_cmphex(middle_colour(&f), ==, cell);

        /* Everything changes; the rectangle reaches past the screen, as a sloppy server's may. */
        buffer_fill(&buffer, 0, 0, w, h, second);
        invalidate(&f, -8, -8, w + 16, h + 16);
        g_assert_cmphex(middle_colour(&f), ==, second);

        /* The guest changes its resolution: the buffer goes as soon as the signal returns, and
         * GTK keeps painting (every other time with no screen in between, black). */
        g_signal_emit_by_name(f.channel, "display-primary-destroy");
        buffer_gone(&buffer);
        if (i % 2 == 0) {
            gtk_widget_queue_draw(f.window);
            wait_paints(&f, 1);
            g_assert_cmphex(middle_colour(&f), ==, 0);
        }
    }
    g_assert_false(vmc_display_get_guest_size(f.display, NULL, NULL));
    vmc_display_set_channel(f.display, NULL);
    gtk_window_destroy(GTK_WINDOW(f.window));
    /* The session owns the channel it made, and destroys it from an idle. */
    spice_session_disconnect(f.session);
    while (g_main_context_iteration(NULL, FALSE))
        ;
    g_object_unref(f.session);
}

int
main(int argc, char **argv)
{
    g_setenv("GSK_RENDERER", "cairo", FALSE);
    g_setenv("GTK_A11Y", "none", TRUE);
    gtk_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmconnect/display/resize", test_resize);
    return g_test_run();
}
