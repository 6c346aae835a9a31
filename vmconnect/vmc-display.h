/* vmc-display.h: the guest's screen: a GTK4 widget drawing a SPICE display channel.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <spice-client.h>

G_BEGIN_DECLS

#define VMC_TYPE_DISPLAY (vmc_display_get_type())
G_DECLARE_FINAL_TYPE(VmcDisplay, vmc_display, VMC, DISPLAY, GtkWidget)

/* Changes to the guest's screen are gathered per tile of this size: a change makes new render
 * nodes for (at most) the tiles it touches. */
#define VMC_DISPLAY_TILE 128

GtkWidget *vmc_display_new(void);

/* The display channel to draw (NULL: none, the widget shows black). */
void vmc_display_set_channel(VmcDisplay *self, SpiceDisplayChannel *channel);
/* The cursor channel whose shape becomes the host cursor over the widget (NULL: default). */
void vmc_display_set_cursor_channel(VmcDisplay *self, SpiceCursorChannel *channel);

/* 0 = automatic (fit the widget, keeping the aspect ratio); else percent (25-200) of one guest
 * pixel per logical pixel. */
void vmc_display_set_zoom(VmcDisplay *self, guint percent);
guint vmc_display_get_zoom(VmcDisplay *self);

/* The guest's screen size in guest pixels; FALSE while there is none. */
gboolean vmc_display_get_guest_size(VmcDisplay *self, int *ret_width, int *ret_height);
/* Maps a point of the widget to guest pixels (clamped to the screen); FALSE without a screen. */
gboolean vmc_display_widget_to_guest(VmcDisplay *self, double x, double y, int *ret_x, int *ret_y);
/* The guest's screen as it is now (a copy), or NULL. */
GdkTexture *vmc_display_get_texture(VmcDisplay *self);
/* Frames painted and render nodes made for the guest's screen (under GL: textures uploaded)
 * since the widget was made (for the benchmark). */
guint64 vmc_display_get_frames(VmcDisplay *self);
guint64 vmc_display_get_tile_uploads(VmcDisplay *self);

G_END_DECLS
