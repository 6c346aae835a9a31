/* display-frames.c: VmcDisplay's frames alone, for counting their instructions with callgrind.
 *
 * A 1024×768 window with only the display widget, under GTK's cairo renderer on the X server
 * in $DISPLAY, fed by a real SpiceDisplayChannel (of a session that never connects) whose
 * signals the program emits itself: a guest screen in a buffer of its own, then FRAMES frames
 * of one kind of change, each invalidated and painted before the next:
 *
 *   full     the whole screen changes (a scrolling console, a video)
 *   cursor   a 16×32 cell in the middle (a blinking cursor)
 *
 * Everything the frames cost happens inside measure_frames(), so callgrind counts just that:
 *
 *   tests/berthtest.py xvfb valgrind --tool=callgrind --toggle-collect=measure_frames \
 *       build/bench/display-frames cursor
 *
 * and the dump's `summary:` divided by FRAMES is the cost of one frame (bench/README.md).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <gtk/gtk.h>

#include "vmc-display.h"

#define WIDTH  1024
#define HEIGHT 768

static guint paints;

static void
on_after_paint(GdkFrameClock *clock, gpointer data)
{
    paints++;
}

static void
wait_paint(void)
{
    const guint target = paints + 1;

    while (paints < target)
        g_main_context_iteration(NULL, TRUE);
}

/* Not inlined: callgrind's --toggle-collect names it. */
__attribute__((noinline)) static void
measure_frames(SpiceChannel *channel, guint32 *pixels, gboolean full, guint frames)
{
    for (guint i = 0; i < frames; i++) {
        if (full) {
            for (gsize k = 0; k < (gsize)WIDTH * HEIGHT; k += 7)
                pixels[k] = 0x010203u * i;
            g_signal_emit_by_name(channel, "display-invalidate", 0, 0, WIDTH, HEIGHT);
        } else {
            for (int y = HEIGHT / 2 - 16; y < HEIGHT / 2 + 16; y++)
                for (int x = WIDTH / 2 - 8; x < WIDTH / 2 + 8; x++)
                    pixels[y * WIDTH + x] = i % 2 ? 0xffffffu : 0;
            g_signal_emit_by_name(channel, "display-invalidate", WIDTH / 2 - 8, HEIGHT / 2 - 16, 16,
                                  32);
        }
        wait_paint();
    }
}

int
main(int argc, char **argv)
{
    g_autofree guint32 *pixels = g_new0(guint32, (gsize)WIDTH * HEIGHT);
    const guint frames = argc > 2 ? (guint)atoi(argv[2]) : 60;
    GtkWidget *window;
    VmcDisplay *display;
    SpiceSession *session;
    SpiceChannel *channel;

    if (argc < 2 || (!g_str_equal(argv[1], "full") && !g_str_equal(argv[1], "cursor")) ||
        frames == 0) {
        g_printerr("usage: display-frames full|cursor [FRAMES]\n");
        return 2;
    }
    g_setenv("GSK_RENDERER", "cairo", TRUE);
    g_setenv("GTK_A11Y", "none", TRUE);
    gtk_init();
    window = gtk_window_new();
    gtk_window_set_default_size(GTK_WINDOW(window), WIDTH, HEIGHT);
    display = VMC_DISPLAY(vmc_display_new());
    gtk_window_set_child(GTK_WINDOW(window), GTK_WIDGET(display));
    session = spice_session_new();
    channel = spice_channel_new(session, SPICE_CHANNEL_DISPLAY, 0);
    vmc_display_set_channel(display, SPICE_DISPLAY_CHANNEL(channel));
    gtk_window_present(GTK_WINDOW(window));
    g_signal_connect(gtk_widget_get_frame_clock(window), "after-paint", G_CALLBACK(on_after_paint),
                     NULL);
    g_signal_emit_by_name(channel, "display-primary-create", SPICE_SURFACE_FMT_32_xRGB, WIDTH,
                          HEIGHT, WIDTH * 4, -1, pixels);
    g_signal_emit_by_name(channel, "display-mark", TRUE);
    /* Settled: mapped, sized, drawn whole. */
    for (int i = 0; i < 10; i++) {
        g_signal_emit_by_name(channel, "display-invalidate", 0, 0, WIDTH, HEIGHT);
        wait_paint();
    }
    measure_frames(channel, pixels, g_str_equal(argv[1], "full"), frames);
    g_print("frames=%u\n", frames);
    g_signal_emit_by_name(channel, "display-primary-destroy");
    gtk_window_destroy(GTK_WINDOW(window));
    return 0;
}
