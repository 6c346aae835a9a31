/* test-vmc-render-cache.c: VmcRenderCache on Xvfb under GTK's cairo renderer. A toolbar-like
 * child (icon buttons and a label) beside a widget that changes on every frame, like the
 * guest's screen: the cache draws its child once, not once per frame; its picture has the
 * same pixels as the child drawn directly; changing the child draws it again; the child keeps
 * focus and activation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <gtk/gtk.h>

#include "vmc-render-cache.h"

typedef struct {
    GtkWidget *window;
    GtkWidget *cache;
    GtkWidget *toolbar;
    GtkWidget *label;
    GtkWidget *button;
    GtkWidget *ticker;
    guint ticks;
    guint clicks;
} Fixture;

static void
draw_ticker(GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
    Fixture *f = data;

    cairo_set_source_rgb(cr, (f->ticks % 7) / 7.0, 0.2, 0.4);
    cairo_paint(cr);
}

/* The "guest's screen": a new picture every frame. */
static gboolean
on_tick(GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
    Fixture *f = data;

    f->ticks++;
    gtk_widget_queue_draw(widget);
    return G_SOURCE_CONTINUE;
}

static void
on_clicked(GtkButton *button, gpointer data)
{
    ((Fixture *)data)->clicks++;
}

static void
run_ticks(Fixture *f, guint n)
{
    const guint target = f->ticks + n;
    const gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;

    while (f->ticks < target && g_get_monotonic_time() < deadline)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpuint(f->ticks, >=, target);
}

/* The widget as the window's renderer draws it, as bytes. */
static GBytes *
render(Fixture *f, GtkWidget *widget, int *ret_width, int *ret_height)
{
    g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new(widget);
    GtkSnapshot *snapshot = gtk_snapshot_new();
    g_autoptr(GskRenderNode) node = NULL;
    g_autoptr(GdkTexture) texture = NULL;
    GskRenderer *renderer = gtk_native_get_renderer(GTK_NATIVE(f->window));
    const int w = gtk_widget_get_width(widget), h = gtk_widget_get_height(widget);
    guchar *pixels = g_malloc((gsize)w * h * 4);

    gdk_paintable_snapshot(paintable, snapshot, w, h);
    node = gtk_snapshot_free_to_node(snapshot);
    g_assert_nonnull(node);
    texture = gsk_renderer_render_texture(renderer, node, &GRAPHENE_RECT_INIT(0, 0, w, h));
    gdk_texture_download(texture, pixels, (gsize)w * 4);
    *ret_width = w;
    *ret_height = h;
    return g_bytes_new_take(pixels, (gsize)w * h * 4);
}

static void
setup(Fixture *f)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    const char *icons[] = {"media-playback-start-symbolic", "media-playback-stop-symbolic",
                           "view-refresh-symbolic", "edit-paste-symbolic"};

    f->window = gtk_window_new();
    gtk_window_set_default_size(GTK_WINDOW(f->window), 400, 300);
    f->toolbar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 2);
    for (guint i = 0; i < G_N_ELEMENTS(icons); i++) {
        GtkWidget *button = gtk_button_new_from_icon_name(icons[i]);

        gtk_widget_set_tooltip_text(button, icons[i]);
        gtk_box_append(GTK_BOX(f->toolbar), button);
        if (i == 0)
            f->button = button;
    }
    g_signal_connect(f->button, "clicked", G_CALLBACK(on_clicked), f);
    f->label = gtk_label_new("Running");
    gtk_box_append(GTK_BOX(f->toolbar), f->label);
    f->cache = vmc_render_cache_new();
    vmc_render_cache_set_child(VMC_RENDER_CACHE(f->cache), f->toolbar);
    gtk_box_append(GTK_BOX(box), f->cache);

    f->ticker = gtk_drawing_area_new();
    gtk_widget_set_vexpand(f->ticker, TRUE);
    gtk_drawing_area_set_draw_func(GTK_DRAWING_AREA(f->ticker), draw_ticker, f, NULL);
    gtk_widget_add_tick_callback(f->ticker, on_tick, f, NULL);
    gtk_box_append(GTK_BOX(box), f->ticker);
    gtk_window_set_child(GTK_WINDOW(f->window), box);
    gtk_window_present(GTK_WINDOW(f->window));
}

static void
test_cache(void)
{
    Fixture f = {0};
    g_autoptr(GBytes) cached = NULL;
    g_autoptr(GBytes) direct = NULL;
    g_autoptr(GBytes) changed = NULL;
    guint64 renders;
    int w1, h1, w2, h2;

    setup(&f);
    run_ticks(&f, 10); /* mapped, sized, settled */
    g_assert_true(GSK_IS_CAIRO_RENDERER(gtk_native_get_renderer(GTK_NATIVE(f.window))));
    g_assert_cmpuint(vmc_render_cache_get_renders(VMC_RENDER_CACHE(f.cache)), >=, 1);

    /* 60 frames of the ticker: the toolbar is not drawn again. */
    renders = vmc_render_cache_get_renders(VMC_RENDER_CACHE(f.cache));
    run_ticks(&f, 60);
    g_assert_cmpuint(vmc_render_cache_get_renders(VMC_RENDER_CACHE(f.cache)), ==, renders);

    /* The picture is the child's own drawing, pixel for pixel. */
    cached = render(&f, f.cache, &w1, &h1);
    direct = render(&f, f.toolbar, &w2, &h2);
    g_assert_cmpint(w1, ==, w2);
    g_assert_cmpint(h1, ==, h2);
    g_assert_cmpint(w1, >, 50);
    g_assert_true(g_bytes_equal(cached, direct));

    /* A change inside is drawn (once more, then cached again). */
    renders = vmc_render_cache_get_renders(VMC_RENDER_CACHE(f.cache));
    gtk_label_set_text(GTK_LABEL(f.label), "Paused since a long time ago");
    run_ticks(&f, 30);
    g_assert_cmpuint(vmc_render_cache_get_renders(VMC_RENDER_CACHE(f.cache)), >, renders);
    g_assert_cmpuint(vmc_render_cache_get_renders(VMC_RENDER_CACHE(f.cache)), <=, renders + 5);
    changed = render(&f, f.cache, &w1, &h1);
    g_assert_false(g_bytes_equal(cached, changed));

    /* The real widgets stay: focus and activation reach the button inside. */
    g_assert_true(gtk_widget_get_parent(f.toolbar) == f.cache);
    g_assert_true(gtk_widget_grab_focus(f.button));
    g_assert_true(gtk_widget_has_focus(f.button));
    g_assert_true(gtk_widget_activate(f.button));
    run_ticks(&f, 30); /* GtkButton clicks at the end of its activation animation */
    g_assert_cmpuint(f.clicks, ==, 1);

    /* Taking the child away leaves an empty, zero-sized bin. */
    vmc_render_cache_set_child(VMC_RENDER_CACHE(f.cache), NULL);
    g_assert_null(vmc_render_cache_get_child(VMC_RENDER_CACHE(f.cache)));
    run_ticks(&f, 5);
    g_assert_cmpint(gtk_widget_get_height(f.cache), ==, 0);
    gtk_window_destroy(GTK_WINDOW(f.window));
}

int
main(int argc, char **argv)
{
    /* What GTK picks without a GPU; the cache only acts under it. */
    g_setenv("GSK_RENDERER", "cairo", TRUE);
    g_setenv("GTK_A11Y", "none", TRUE);
    gtk_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmconnect/render-cache", test_cache);
    return g_test_run();
}
