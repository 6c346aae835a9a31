/* vmc-render-cache.c: a bin that draws its child into one picture when the child changes.
 *
 * GTK 4.8's cairo renderer (GTK's choice without a GPU: Xvfb, ssh -X, llvmpipe refused) draws
 * the window's whole render node tree on every frame, clipped to the damaged region, and it
 * converts every texture node it meets again each time, inside the damage or not. So while the
 * guest's screen changes, every frame paid for the toolbar's twenty symbolic icons (a texture
 * download, a colour-matrix group each): more than half of vmconnect's CPU per frame on an
 * idle console with a blinking cursor (bench/console, callgrind). Under the cairo renderer this
 * bin draws its child's nodes once into an image surface, when GTK asks it to snapshot (which
 * GTK does only when something inside queued a draw, or the window was redrawn as a whole), and
 * hands GTK that picture as one cairo node; cairo skips it cheaply when it lies outside the
 * damage. Input, focus and accessibility stay with the real widgets. Under other renderers it
 * is a plain bin.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>

#include "vmc-render-cache.h"

struct _VmcRenderCache {
    GtkWidget parent_instance;

    GtkWidget *child;
    guint64 renders;
};

static void vmc_render_cache_buildable_init(GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(VmcRenderCache, vmc_render_cache, GTK_TYPE_WIDGET,
                              G_IMPLEMENT_INTERFACE(GTK_TYPE_BUILDABLE,
                                                    vmc_render_cache_buildable_init))

enum {
    PROP_0,
    PROP_CHILD,
    N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static GtkBuildableIface *parent_buildable_iface;

static gboolean
uses_cairo(GtkWidget *widget)
{
    GtkNative *native = gtk_widget_get_native(widget);
    GskRenderer *renderer = native != NULL ? gtk_native_get_renderer(native) : NULL;

    return renderer != NULL && GSK_IS_CAIRO_RENDERER(renderer);
}

static void
vmc_render_cache_snapshot(GtkWidget *widget, GtkSnapshot *snapshot)
{
    VmcRenderCache *self = VMC_RENDER_CACHE(widget);
    const int scale = gtk_widget_get_scale_factor(widget);
    g_autoptr(GskRenderNode) node = NULL;
    g_autoptr(GskRenderNode) picture = NULL;
    graphene_rect_t bounds;
    cairo_surface_t *surface;
    GtkSnapshot *child_snapshot;
    double x0, y0, x1, y1;
    cairo_t *cr;

    if (self->child == NULL)
        return;
    if (!uses_cairo(widget)) {
        gtk_widget_snapshot_child(widget, self->child, snapshot);
        return;
    }
    child_snapshot = gtk_snapshot_new();
    gtk_widget_snapshot_child(widget, self->child, child_snapshot);
    node = gtk_snapshot_free_to_node(child_snapshot);
    if (node == NULL)
        return;
    /* Whole device pixels around everything the child draws (focus rings may overhang). */
    gsk_render_node_get_bounds(node, &bounds);
    x0 = floor(bounds.origin.x);
    y0 = floor(bounds.origin.y);
    x1 = ceil(bounds.origin.x + bounds.size.width);
    y1 = ceil(bounds.origin.y + bounds.size.height);
    if (x1 <= x0 || y1 <= y0)
        return;
    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)(x1 - x0) * scale,
                                         (int)(y1 - y0) * scale);
    cairo_surface_set_device_scale(surface, scale, scale);
    cairo_surface_set_device_offset(surface, -x0 * scale, -y0 * scale);
    cr = cairo_create(surface);
    gsk_render_node_draw(node, cr);
    cairo_destroy(cr);

    picture = gsk_cairo_node_new(&GRAPHENE_RECT_INIT(x0, y0, x1 - x0, y1 - y0));
    cr = gsk_cairo_node_get_draw_context(picture);
    cairo_set_source_surface(cr, surface, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    gtk_snapshot_append_node(snapshot, picture);
    self->renders++;
}

GtkWidget *
vmc_render_cache_get_child(VmcRenderCache *self)
{
    g_return_val_if_fail(VMC_IS_RENDER_CACHE(self), NULL);
    return self->child;
}

void
vmc_render_cache_set_child(VmcRenderCache *self, GtkWidget *child)
{
    g_return_if_fail(VMC_IS_RENDER_CACHE(self));
    g_return_if_fail(child == NULL || GTK_IS_WIDGET(child));
    g_return_if_fail(child == NULL || gtk_widget_get_parent(child) == NULL);

    if (self->child == child)
        return;
    g_clear_pointer(&self->child, gtk_widget_unparent);
    if (child != NULL) {
        self->child = child;
        gtk_widget_set_parent(child, GTK_WIDGET(self));
    }
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_CHILD]);
}

/* How many times the child was drawn into a picture (the tests check it is not every frame). */
guint64
vmc_render_cache_get_renders(VmcRenderCache *self)
{
    g_return_val_if_fail(VMC_IS_RENDER_CACHE(self), 0);
    return self->renders;
}

static void
vmc_render_cache_add_child(GtkBuildable *buildable, GtkBuilder *builder, GObject *child,
                           const char *type)
{
    if (GTK_IS_WIDGET(child))
        vmc_render_cache_set_child(VMC_RENDER_CACHE(buildable), GTK_WIDGET(child));
    else
        parent_buildable_iface->add_child(buildable, builder, child, type);
}

static void
vmc_render_cache_buildable_init(GtkBuildableIface *iface)
{
    parent_buildable_iface = g_type_interface_peek_parent(iface);
    iface->add_child = vmc_render_cache_add_child;
}

static void
vmc_render_cache_dispose(GObject *object)
{
    VmcRenderCache *self = VMC_RENDER_CACHE(object);

    g_clear_pointer(&self->child, gtk_widget_unparent);
    G_OBJECT_CLASS(vmc_render_cache_parent_class)->dispose(object);
}

static void
vmc_render_cache_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    VmcRenderCache *self = VMC_RENDER_CACHE(object);

    switch (prop_id) {
    case PROP_CHILD:
        g_value_set_object(value, self->child);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_render_cache_set_property(GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
    VmcRenderCache *self = VMC_RENDER_CACHE(object);

    switch (prop_id) {
    case PROP_CHILD:
        vmc_render_cache_set_child(self, g_value_get_object(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_render_cache_class_init(VmcRenderCacheClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);
    GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

    object_class->dispose = vmc_render_cache_dispose;
    object_class->get_property = vmc_render_cache_get_property;
    object_class->set_property = vmc_render_cache_set_property;
    widget_class->snapshot = vmc_render_cache_snapshot;

    properties[PROP_CHILD] =
        g_param_spec_object("child", NULL, NULL, GTK_TYPE_WIDGET,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    gtk_widget_class_set_layout_manager_type(widget_class, GTK_TYPE_BIN_LAYOUT);
    gtk_widget_class_set_css_name(widget_class, "vmc-render-cache");
    gtk_widget_class_set_accessible_role(widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
vmc_render_cache_init(VmcRenderCache *self)
{
}

GtkWidget *
vmc_render_cache_new(void)
{
    return g_object_new(VMC_TYPE_RENDER_CACHE, NULL);
}
