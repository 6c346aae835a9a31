/* vmc-render-cache.h: a bin that draws its child into one picture when the child changes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VMC_TYPE_RENDER_CACHE (vmc_render_cache_get_type())
G_DECLARE_FINAL_TYPE(VmcRenderCache, vmc_render_cache, VMC, RENDER_CACHE, GtkWidget)

GtkWidget *vmc_render_cache_new(void);
GtkWidget *vmc_render_cache_get_child(VmcRenderCache *self);
void vmc_render_cache_set_child(VmcRenderCache *self, GtkWidget *child);
guint64 vmc_render_cache_get_renders(VmcRenderCache *self);

G_END_DECLS
