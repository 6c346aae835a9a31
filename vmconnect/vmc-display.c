/* vmc-display.c: the guest's screen, drawn from a SPICE display channel.
 *
 * spice-client-glib keeps the guest's primary surface in a buffer it mutates in place and says
 * which rectangles changed (display-invalidate). The widget gathers those per 128×128 tile and,
 * at the next frame (GTK coalesces queue_draw to the frame clock), makes new render nodes for
 * only what changed, so GSK's diff damages only that.
 *
 * Under the cairo renderer (GTK's choice without a GPU) nothing is copied: the screen is one
 * cairo image over the channel's own buffer (RGB24 = xRGB as it is: cairo ignores X and copies
 * opaque pixels instead of blending), and render nodes paint parts of it when the renderer
 * draws the damaged area. One node shows the whole screen and stays while the buffer lives;
 * over it, one node per tile changed since the last frame (or a new whole-screen node when much
 * changed). GTK 4.8's cairo renderer visits every node of the window on every frame, clipped or
 * not (~2k instructions each): an idle screen with a blinking cursor is two nodes, not one per
 * tile. The recordings hold a cairo snapshot of the image, which reads the buffer as it is when
 * drawn; cairo is never told the buffer changed (cairo_surface_mark_dirty would copy the whole
 * screen into the snapshot). The buffer lives until display-primary-destroy (emitted also before
 * a primary of another size replaces it): there the image is finished, so cairo copies the
 * pixels into the snapshot while they are still there, and render nodes GTK still holds from
 * earlier frames never read freed memory (tests/vmconnect/test-vmc-display-resize.c).
 *
 * Under GL a tile is a texture node (a copy, GDK_MEMORY_DEFAULT with alpha forced to 255: GTK
 * 4.8 has no X8 memory format), uploaded once; a small change is a patch over its tile.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <string.h>

#include "vmc-display.h"

struct _VmcDisplay {
    GtkWidget parent_instance;

    SpiceDisplayChannel *channel;
    SpiceCursorChannel *cursor_channel;

    /* The primary surface, owned by the channel, and the cairo image over it (see above). */
    const guint8 *data;
    cairo_surface_t *primary_image;
    int width, height, stride;
    int format;
    gboolean marked;

    /* What changed since the last frame, per tile, in guest pixels (empty = clean). */
    guint tiles_x, tiles_y;
    cairo_rectangle_int_t *dirty;
    gboolean any_dirty;
    gboolean in_place; /* nodes draw from the buffer (cairo renderer), else copies (GL) */
    /* In place: the whole screen, and over it this frame's changes. */
    GskRenderNode *screen_node;
    GPtrArray *changes;
    /* Copies: a texture per tile; a small change inside a tile becomes a patch drawn over it
     * (at most one per tile, grown to cover the earlier one), so a blinking cursor uploads and
     * damages its cell, not its whole tile. */
    GskRenderNode **tiles;
    GskRenderNode **patches;
    cairo_rectangle_int_t *patch_rects;

    guint zoom;
    int alloc_width, alloc_height; /* device pixels, for "size-changed" */
    guint64 frames;
    guint64 tile_uploads;
};

G_DEFINE_FINAL_TYPE(VmcDisplay, vmc_display, GTK_TYPE_WIDGET)

enum {
    PROP_0,
    PROP_ZOOM,
    PROP_GUEST_WIDTH,
    PROP_GUEST_HEIGHT,
    PROP_SHOWING,
    N_PROPS,
};

static GParamSpec *properties[N_PROPS];

enum {
    SIGNAL_SIZE_CHANGED,
    N_SIGNALS,
};

static guint signals[N_SIGNALS];

/* Drops every render node; the next frame makes them again. */
static void
drop_nodes(VmcDisplay *self)
{
    g_clear_pointer(&self->screen_node, gsk_render_node_unref);
    g_ptr_array_set_size(self->changes, 0);
    for (guint i = 0; i < self->tiles_x * self->tiles_y; i++) {
        g_clear_pointer(&self->tiles[i], gsk_render_node_unref);
        g_clear_pointer(&self->patches[i], gsk_render_node_unref);
    }
}

static void
free_tiles(VmcDisplay *self)
{
    drop_nodes(self);
    g_clear_pointer(&self->tiles, g_free);
    g_clear_pointer(&self->patches, g_free);
    g_clear_pointer(&self->patch_rects, g_free);
    g_clear_pointer(&self->dirty, g_free);
    self->tiles_x = self->tiles_y = 0;
    self->any_dirty = FALSE;
}

/* Lets go of the primary surface: no render node may read it after this (the memory goes when
 * the channel's display-primary-destroy handlers return). */
static void
release_primary(VmcDisplay *self)
{
    free_tiles(self);
    if (self->primary_image != NULL) {
        cairo_surface_finish(self->primary_image);
        g_clear_pointer(&self->primary_image, cairo_surface_destroy);
    }
}

static gboolean
is_showing(VmcDisplay *self)
{
    return self->data != NULL && self->marked;
}

static void
set_showing(VmcDisplay *self, const guint8 *data, gboolean marked)
{
    const gboolean was = is_showing(self);

    self->data = data;
    self->marked = marked;
    if (was != is_showing(self))
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_SHOWING]);
}

/* Grows @rect to cover (x, y, w, h); an empty @rect (the clean mark) becomes it. */
static void
union_rect(cairo_rectangle_int_t *rect, int x, int y, int w, int h)
{
    const GdkRectangle add = {x, y, w, h};

    if (rect->width <= 0 || rect->height <= 0)
        *rect = add;
    else
        gdk_rectangle_union(rect, &add, rect);
}

static void
mark_dirty(VmcDisplay *self, int x, int y, int w, int h)
{
    int x1, y1;

    if (self->tiles == NULL)
        return;
    x1 = MIN(x + w, self->width);
    y1 = MIN(y + h, self->height);
    x = MAX(x, 0);
    y = MAX(y, 0);
    if (x >= x1 || y >= y1)
        return;
    for (int ty = y / VMC_DISPLAY_TILE; ty <= (y1 - 1) / VMC_DISPLAY_TILE; ty++) {
        for (int tx = x / VMC_DISPLAY_TILE; tx <= (x1 - 1) / VMC_DISPLAY_TILE; tx++) {
            const int cx0 = MAX(x, tx * VMC_DISPLAY_TILE), cy0 = MAX(y, ty * VMC_DISPLAY_TILE);
            const int cx1 = MIN(x1, (tx + 1) * VMC_DISPLAY_TILE);
            const int cy1 = MIN(y1, (ty + 1) * VMC_DISPLAY_TILE);

            union_rect(&self->dirty[ty * self->tiles_x + tx], cx0, cy0, cx1 - cx0, cy1 - cy0);
        }
    }
    self->any_dirty = TRUE;
}

/* Copies a rectangle of the primary surface into a texture's pixels; with force_alpha, alpha
 * becomes opaque on the way (SPICE's xRGB has garbage in X). */
static void
copy_pixels(VmcDisplay *self, int x0, int y0, int w, int h, guint8 *pixels, gsize stride,
            gboolean force_alpha)
{
    const guint32 alpha = force_alpha ? 0xff000000u : 0;

    for (int row = 0; row < h; row++) {
        const guint32 *src = (const guint32 *)(self->data + (gsize)(y0 + row) * self->stride) + x0;
        guint32 *dst = (guint32 *)(pixels + (gsize)row * stride);

        for (int col = 0; col < w; col++)
            dst[col] = GUINT32_FROM_LE(src[col]) | alpha;
    }
}

/* A render node for a rectangle of the primary surface, placed at its position in guest
 * pixels. */
static GskRenderNode *
make_node(VmcDisplay *self, int x0, int y0, int w, int h)
{
    const graphene_rect_t bounds = GRAPHENE_RECT_INIT(x0, y0, w, h);

    self->tile_uploads++;
    if (self->in_place) {
        /* The node's recording is clipped to its bounds: it draws that part of the image. */
        GskRenderNode *node = gsk_cairo_node_new(&bounds);
        cairo_t *cr = gsk_cairo_node_get_draw_context(node);

        cairo_set_source_surface(cr, self->primary_image, 0, 0);
        cairo_paint(cr);
        cairo_destroy(cr);
        return node;
    } else {
        guint8 *pixels = g_malloc((gsize)w * h * 4);
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GdkTexture) texture = NULL;

        copy_pixels(self, x0, y0, w, h, pixels, (gsize)w * 4,
                    self->format != SPICE_SURFACE_FMT_32_ARGB);
        bytes = g_bytes_new_take(pixels, (gsize)w * h * 4);
        texture = gdk_memory_texture_new(w, h, GDK_MEMORY_DEFAULT, bytes, (gsize)w * 4);
        return gsk_texture_node_new(texture, &bounds);
    }
}

/* In place: this frame's changes become nodes over the screen node (last frame's go, which
 * damages their area too: drawn from the screen node, as the buffer is now); when they cover
 * more than a quarter of the screen, a new screen node instead, which damages everything once
 * rather than drawing the changes twice. */
static void
update_in_place(VmcDisplay *self)
{
    gint64 area = 0;

    g_ptr_array_set_size(self->changes, 0);
    for (guint i = 0; self->any_dirty && i < self->tiles_x * self->tiles_y; i++)
        area += (gint64)self->dirty[i].width * self->dirty[i].height;
    if (self->screen_node == NULL || area * 4 > (gint64)self->width * self->height) {
        g_clear_pointer(&self->screen_node, gsk_render_node_unref);
        self->screen_node = make_node(self, 0, 0, self->width, self->height);
    } else {
        for (guint i = 0; self->any_dirty && i < self->tiles_x * self->tiles_y; i++) {
            const cairo_rectangle_int_t change = self->dirty[i];

            if (change.width > 0 && change.height > 0)
                g_ptr_array_add(self->changes,
                                make_node(self, change.x, change.y, change.width, change.height));
        }
    }
    memset(self->dirty, 0, sizeof(*self->dirty) * self->tiles_x * self->tiles_y);
    self->any_dirty = FALSE;
}

/* Copies: the changed tiles' textures again, or patches over them. */
static void
update_copies(VmcDisplay *self)
{
    if (!self->any_dirty)
        return;
    for (guint ty = 0; ty < self->tiles_y; ty++) {
        for (guint tx = 0; tx < self->tiles_x; tx++) {
            const guint i = ty * self->tiles_x + tx;
            const int x0 = tx * VMC_DISPLAY_TILE, y0 = ty * VMC_DISPLAY_TILE;
            const int w = MIN(VMC_DISPLAY_TILE, self->width - x0);
            const int h = MIN(VMC_DISPLAY_TILE, self->height - y0);
            cairo_rectangle_int_t patch = self->dirty[i];

            if (patch.width <= 0 || patch.height <= 0)
                continue;
            self->dirty[i] = (cairo_rectangle_int_t){0, 0, 0, 0};
            if (self->patches[i] != NULL)
                union_rect(&patch, self->patch_rects[i].x, self->patch_rects[i].y,
                           self->patch_rects[i].width, self->patch_rects[i].height);
            g_clear_pointer(&self->patches[i], gsk_render_node_unref);
            /* Up to a quarter of the tile: a patch over the tile as it was; else the whole
             * tile again (which also drops the patch). */
            if (self->tiles[i] != NULL && patch.width * patch.height * 4 <= w * h) {
                self->patches[i] = make_node(self, patch.x, patch.y, patch.width, patch.height);
                self->patch_rects[i] = patch;
                continue;
            }
            g_clear_pointer(&self->tiles[i], gsk_render_node_unref);
            self->tiles[i] = make_node(self, x0, y0, w, h);
        }
    }
    self->any_dirty = FALSE;
}

/* Logical pixels per guest pixel, and where the screen's top left corner goes. A zoom level
 * counts device pixels: at 100 % one guest pixel is one device pixel, also on a HiDPI screen. */
static double
get_geometry(VmcDisplay *self, double *ret_x, double *ret_y)
{
    const int w = gtk_widget_get_width(GTK_WIDGET(self));
    const int h = gtk_widget_get_height(GTK_WIDGET(self));
    double scale;

    if (self->width <= 0 || self->height <= 0) {
        *ret_x = *ret_y = 0;
        return 1.0;
    }
    if (self->zoom == 0)
        scale = MIN((double)w / self->width, (double)h / self->height);
    else
        scale = self->zoom / 100.0 / gtk_widget_get_scale_factor(GTK_WIDGET(self));
    if (scale <= 0)
        scale = 1.0;
    /* Whole device pixels, so 100 % stays sharp. */
    *ret_x = MAX(0, floor((w - self->width * scale) / 2));
    *ret_y = MAX(0, floor((h - self->height * scale) / 2));
    return scale;
}

static void
vmc_display_snapshot(GtkWidget *widget, GtkSnapshot *snapshot)
{
    VmcDisplay *self = VMC_DISPLAY(widget);
    const int w = gtk_widget_get_width(widget), h = gtk_widget_get_height(widget);
    static const GdkRGBA black = {0, 0, 0, 1};
    double scale, ox, oy;
    GtkNative *native;
    GskRenderer *renderer;
    gboolean in_place;

    gtk_snapshot_append_color(snapshot, &black, &GRAPHENE_RECT_INIT(0, 0, w, h));
    if (self->data == NULL || !self->marked || self->tiles == NULL)
        return;
    native = gtk_widget_get_native(widget);
    renderer = native != NULL ? gtk_native_get_renderer(native) : NULL;
    in_place = renderer != NULL && GSK_IS_CAIRO_RENDERER(renderer);
    if (in_place != self->in_place) {
        /* Another renderer (the widget moved to another window): remake everything. */
        self->in_place = in_place;
        drop_nodes(self);
        mark_dirty(self, 0, 0, self->width, self->height);
    }
    if (self->in_place)
        update_in_place(self);
    else
        update_copies(self);
    scale = get_geometry(self, &ox, &oy);
    gtk_snapshot_save(snapshot);
    gtk_snapshot_translate(snapshot, &GRAPHENE_POINT_INIT(ox, oy));
    gtk_snapshot_scale(snapshot, scale, scale);
    if (self->in_place) {
        gtk_snapshot_append_node(snapshot, self->screen_node);
        for (guint i = 0; i < self->changes->len; i++)
            gtk_snapshot_append_node(snapshot, g_ptr_array_index(self->changes, i));
    }
    for (guint i = 0; !self->in_place && i < self->tiles_x * self->tiles_y; i++) {
        if (self->tiles[i] != NULL)
            gtk_snapshot_append_node(snapshot, self->tiles[i]);
        if (self->patches[i] != NULL)
            gtk_snapshot_append_node(snapshot, self->patches[i]);
    }
    gtk_snapshot_restore(snapshot);
    self->frames++;
}

static void
vmc_display_measure(GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                    int *natural, int *minimum_baseline, int *natural_baseline)
{
    VmcDisplay *self = VMC_DISPLAY(widget);
    int guest = orientation == GTK_ORIENTATION_HORIZONTAL ? self->width : self->height;

    if (guest <= 0)
        guest = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 480;
    if (self->zoom == 0) {
        /* Fits any size; naturally one guest pixel per device pixel. */
        *minimum = 1;
        *natural = (int)ceil(guest / (double)gtk_widget_get_scale_factor(widget));
    } else {
        *minimum = *natural =
            (int)ceil(guest * self->zoom / 100.0 / gtk_widget_get_scale_factor(widget));
    }
}

static void
vmc_display_size_allocate(GtkWidget *widget, int width, int height, int baseline)
{
    VmcDisplay *self = VMC_DISPLAY(widget);
    const int scale = gtk_widget_get_scale_factor(widget);

    if (width * scale != self->alloc_width || height * scale != self->alloc_height) {
        self->alloc_width = width * scale;
        self->alloc_height = height * scale;
        g_signal_emit(self, signals[SIGNAL_SIZE_CHANGED], 0, self->alloc_width, self->alloc_height);
    }
}

/* --- display channel signals ------------------------------------------------------------------ */

static void
on_primary_create(SpiceChannel *channel, int format, int width, int height, int stride, int shmid,
                  gpointer data, VmcDisplay *self)
{
    const gboolean resized = width != self->width || height != self->height;
    const gboolean xrgb = format == SPICE_SURFACE_FMT_32_xRGB;
    cairo_surface_t *image;

    release_primary(self);
    if (!xrgb && format != SPICE_SURFACE_FMT_32_ARGB) {
        g_warning("vmconnect: the guest's screen has pixel format %d, which is not drawn", format);
        set_showing(self, NULL, self->marked);
        return;
    }
    /* xRGB is cairo's RGB24 and SPICE's ARGB cairo's ARGB32 (premultiplied BGRA in native
     * words, like SPICE's). */
    image = cairo_image_surface_create_for_data(
        data, xrgb ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32, width, height, stride);
    if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) {
        g_warning("vmconnect: the guest's screen (%dx%d, %d bytes a row) is not drawn: %s", width,
                  height, stride, cairo_status_to_string(cairo_surface_status(image)));
        cairo_surface_destroy(image);
        set_showing(self, NULL, self->marked);
        return;
    }
    self->primary_image = image;
    self->format = format;
    self->width = width;
    self->height = height;
    self->stride = stride;
    self->tiles_x = (width + VMC_DISPLAY_TILE - 1) / VMC_DISPLAY_TILE;
    self->tiles_y = (height + VMC_DISPLAY_TILE - 1) / VMC_DISPLAY_TILE;
    self->tiles = g_new0(GskRenderNode *, self->tiles_x * self->tiles_y);
    self->patches = g_new0(GskRenderNode *, self->tiles_x * self->tiles_y);
    self->patch_rects = g_new0(cairo_rectangle_int_t, self->tiles_x * self->tiles_y);
    self->dirty = g_new0(cairo_rectangle_int_t, self->tiles_x * self->tiles_y);
    set_showing(self, data, self->marked);
    mark_dirty(self, 0, 0, width, height);
    gtk_widget_queue_draw(GTK_WIDGET(self));
    if (resized) {
        gtk_widget_queue_resize(GTK_WIDGET(self));
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_GUEST_WIDTH]);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_GUEST_HEIGHT]);
    }
}

static void
on_primary_destroy(SpiceChannel *channel, VmcDisplay *self)
{
    release_primary(self);
    set_showing(self, NULL, self->marked);
    gtk_widget_queue_draw(GTK_WIDGET(self));
}

static void
on_invalidate(SpiceChannel *channel, int x, int y, int w, int h, VmcDisplay *self)
{
    mark_dirty(self, x, y, w, h);
    if (self->marked)
        gtk_widget_queue_draw(GTK_WIDGET(self));
}

static void
on_mark(SpiceChannel *channel, gboolean mark, VmcDisplay *self)
{
    set_showing(self, self->data, mark);
    gtk_widget_queue_draw(GTK_WIDGET(self));
}

void
vmc_display_set_channel(VmcDisplay *self, SpiceDisplayChannel *channel)
{
    g_return_if_fail(VMC_IS_DISPLAY(self));
    g_return_if_fail(channel == NULL || SPICE_IS_DISPLAY_CHANNEL(channel));

    if (self->channel == channel)
        return;
    if (self->channel != NULL) {
        g_signal_handlers_disconnect_by_data(self->channel, self);
        g_clear_object(&self->channel);
    }
    release_primary(self);
    set_showing(self, NULL, FALSE);
    if (channel != NULL) {
        SpiceDisplayPrimary primary;

        self->channel = g_object_ref(channel);
        g_signal_connect(channel, "display-primary-create", G_CALLBACK(on_primary_create), self);
        g_signal_connect(channel, "display-primary-destroy", G_CALLBACK(on_primary_destroy), self);
        g_signal_connect(channel, "display-invalidate", G_CALLBACK(on_invalidate), self);
        g_signal_connect(channel, "display-mark", G_CALLBACK(on_mark), self);
        /* A channel that already has a screen (the widget came late) draws it at once. */
        if (spice_display_channel_get_primary(SPICE_CHANNEL(channel), 0, &primary)) {
            on_primary_create(SPICE_CHANNEL(channel), primary.format, primary.width, primary.height,
                              primary.stride, primary.shmid, primary.data, self);
            on_mark(SPICE_CHANNEL(channel), primary.marked, self);
        }
    }
    gtk_widget_queue_draw(GTK_WIDGET(self));
}

/* --- cursor channel --------------------------------------------------------------------------- */

static void
set_cursor_shape(VmcDisplay *self, SpiceCursorShape *shape)
{
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GdkTexture) texture = NULL;
    g_autoptr(GdkCursor) cursor = NULL;

    if (shape == NULL || shape->data == NULL || shape->width == 0 || shape->height == 0) {
        gtk_widget_set_cursor(GTK_WIDGET(self), NULL);
        return;
    }
    /* spice-client-glib hands cursors over as RGBA bytes, like a GdkPixbuf. */
    bytes = g_bytes_new(shape->data, (gsize)shape->width * shape->height * 4);
    texture = gdk_memory_texture_new(shape->width, shape->height, GDK_MEMORY_R8G8B8A8, bytes,
                                     (gsize)shape->width * 4);
    cursor = gdk_cursor_new_from_texture(texture, shape->hot_spot_x, shape->hot_spot_y, NULL);
    gtk_widget_set_cursor(GTK_WIDGET(self), cursor);
}

static void
on_cursor_notify(SpiceCursorChannel *channel, GParamSpec *pspec, VmcDisplay *self)
{
    SpiceCursorShape *shape = NULL;

    g_object_get(channel, "cursor", &shape, NULL);
    set_cursor_shape(self, shape);
    if (shape != NULL)
        g_boxed_free(SPICE_TYPE_CURSOR_SHAPE, shape);
}

static void
on_cursor_hide(SpiceCursorChannel *channel, VmcDisplay *self)
{
    gtk_widget_set_cursor_from_name(GTK_WIDGET(self), "none");
}

static void
on_cursor_reset(SpiceCursorChannel *channel, VmcDisplay *self)
{
    gtk_widget_set_cursor(GTK_WIDGET(self), NULL);
}

void
vmc_display_set_cursor_channel(VmcDisplay *self, SpiceCursorChannel *channel)
{
    g_return_if_fail(VMC_IS_DISPLAY(self));
    g_return_if_fail(channel == NULL || SPICE_IS_CURSOR_CHANNEL(channel));

    if (self->cursor_channel == channel)
        return;
    if (self->cursor_channel != NULL) {
        g_signal_handlers_disconnect_by_data(self->cursor_channel, self);
        g_clear_object(&self->cursor_channel);
    }
    gtk_widget_set_cursor(GTK_WIDGET(self), NULL);
    if (channel != NULL) {
        self->cursor_channel = g_object_ref(channel);
        g_signal_connect(channel, "notify::cursor", G_CALLBACK(on_cursor_notify), self);
        g_signal_connect(channel, "cursor-hide", G_CALLBACK(on_cursor_hide), self);
        g_signal_connect(channel, "cursor-reset", G_CALLBACK(on_cursor_reset), self);
    }
}

/* --- the rest --------------------------------------------------------------------------------- */

void
vmc_display_set_zoom(VmcDisplay *self, guint percent)
{
    g_return_if_fail(VMC_IS_DISPLAY(self));
    g_return_if_fail(percent == 0 || (percent >= 10 && percent <= 400));

    if (self->zoom == percent)
        return;
    self->zoom = percent;
    gtk_widget_queue_resize(GTK_WIDGET(self));
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ZOOM]);
}

guint
vmc_display_get_zoom(VmcDisplay *self)
{
    g_return_val_if_fail(VMC_IS_DISPLAY(self), 0);
    return self->zoom;
}

gboolean
vmc_display_get_guest_size(VmcDisplay *self, int *ret_width, int *ret_height)
{
    g_return_val_if_fail(VMC_IS_DISPLAY(self), FALSE);

    if (ret_width != NULL)
        *ret_width = self->width;
    if (ret_height != NULL)
        *ret_height = self->height;
    return self->data != NULL && self->width > 0;
}

gboolean
vmc_display_widget_to_guest(VmcDisplay *self, double x, double y, int *ret_x, int *ret_y)
{
    double scale, ox, oy;

    g_return_val_if_fail(VMC_IS_DISPLAY(self), FALSE);

    if (self->width <= 0 || self->height <= 0)
        return FALSE;
    scale = get_geometry(self, &ox, &oy);
    *ret_x = CLAMP((int)floor((x - ox) / scale), 0, self->width - 1);
    *ret_y = CLAMP((int)floor((y - oy) / scale), 0, self->height - 1);
    return TRUE;
}

GdkTexture *
vmc_display_get_texture(VmcDisplay *self)
{
    g_autoptr(GBytes) bytes = NULL;
    guint32 *pixels;

    g_return_val_if_fail(VMC_IS_DISPLAY(self), NULL);

    if (self->data == NULL || self->width <= 0)
        return NULL;
    pixels = g_malloc((gsize)self->width * self->height * 4);
    for (int row = 0; row < self->height; row++) {
        const guint32 *src = (const guint32 *)(self->data + (gsize)row * self->stride);

        for (int col = 0; col < self->width; col++)
            pixels[(gsize)row * self->width + col] = GUINT32_FROM_LE(src[col]) | 0xff000000u;
    }
    bytes = g_bytes_new_take(pixels, (gsize)self->width * self->height * 4);
    return gdk_memory_texture_new(self->width, self->height, GDK_MEMORY_DEFAULT, bytes,
                                  (gsize)self->width * 4);
}

guint64
vmc_display_get_frames(VmcDisplay *self)
{
    g_return_val_if_fail(VMC_IS_DISPLAY(self), 0);
    return self->frames;
}

guint64
vmc_display_get_tile_uploads(VmcDisplay *self)
{
    g_return_val_if_fail(VMC_IS_DISPLAY(self), 0);
    return self->tile_uploads;
}

static void
vmc_display_dispose(GObject *object)
{
    VmcDisplay *self = VMC_DISPLAY(object);

    vmc_display_set_channel(self, NULL);
    vmc_display_set_cursor_channel(self, NULL);
    release_primary(self);
    G_OBJECT_CLASS(vmc_display_parent_class)->dispose(object);
}

static void
vmc_display_finalize(GObject *object)
{
    VmcDisplay *self = VMC_DISPLAY(object);

    g_ptr_array_unref(self->changes);
    G_OBJECT_CLASS(vmc_display_parent_class)->finalize(object);
}

static void
vmc_display_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    VmcDisplay *self = VMC_DISPLAY(object);

    switch (prop_id) {
    case PROP_ZOOM:
        g_value_set_uint(value, self->zoom);
        break;
    case PROP_GUEST_WIDTH:
        g_value_set_int(value, self->width);
        break;
    case PROP_GUEST_HEIGHT:
        g_value_set_int(value, self->height);
        break;
    case PROP_SHOWING:
        g_value_set_boolean(value, is_showing(self));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_display_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    switch (prop_id) {
    case PROP_ZOOM:
        vmc_display_set_zoom(VMC_DISPLAY(object), g_value_get_uint(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_display_class_init(VmcDisplayClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = vmc_display_dispose;
    object_class->finalize = vmc_display_finalize;
    object_class->get_property = vmc_display_get_property;
    object_class->set_property = vmc_display_set_property;
    widget_class->snapshot = vmc_display_snapshot;
    widget_class->measure = vmc_display_measure;
    widget_class->size_allocate = vmc_display_size_allocate;

    properties[PROP_ZOOM] =
        g_param_spec_uint("zoom", NULL, NULL, 0, 400, 0,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_GUEST_WIDTH] =
        g_param_spec_int("guest-width", NULL, NULL, 0, G_MAXINT, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_GUEST_HEIGHT] =
        g_param_spec_int("guest-height", NULL, NULL, 0, G_MAXINT, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    /* The guest's screen is there and marked ready. */
    properties[PROP_SHOWING] =
        g_param_spec_boolean("showing", NULL, NULL, FALSE,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /* The widget's new size in device pixels: what the guest's resolution may follow. */
    signals[SIGNAL_SIZE_CHANGED] =
        g_signal_new("size-changed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

    gtk_widget_class_set_css_name(widget_class, "vmc-display");
    gtk_widget_class_set_accessible_role(widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
vmc_display_init(VmcDisplay *self)
{
    self->changes = g_ptr_array_new_with_free_func((GDestroyNotify)gsk_render_node_unref);
    gtk_widget_set_focusable(GTK_WIDGET(self), TRUE);
    gtk_widget_set_hexpand(GTK_WIDGET(self), TRUE);
    gtk_widget_set_vexpand(GTK_WIDGET(self), TRUE);
    gtk_widget_set_overflow(GTK_WIDGET(self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
vmc_display_new(void)
{
    return g_object_new(VMC_TYPE_DISPLAY, NULL);
}
