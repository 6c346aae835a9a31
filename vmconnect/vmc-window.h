/* vmc-window.h: the console window of one VM (or one SPICE server).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <spice-client.h>

G_BEGIN_DECLS

#define VMC_TYPE_WINDOW (vmc_window_get_type())
G_DECLARE_FINAL_TYPE(VmcWindow, vmc_window, VMC, WINDOW, GtkApplicationWindow)

/* @target: a VM's name or UUID (found through berthd on @bus_address, else $BERTH_BUS_ADDRESS,
 * else the system bus, else the session bus), or a SPICE URI: spice+unix:///PATH or
 * spice://HOST:PORT. */
VmcWindow *vmc_window_new(GtkApplication *app, const char *target, const char *bus_address);

/* The SpiceSession the window shows, made with "enable-audio" TRUE (playback and record channels
 * appear; nobody may call spice_audio_get on it). The session is replaced by a fresh one for every
 * connection (after Start, Reset, Restore, berthd's return): follow "notify::session" and connect
 * to the new session's "channel-new". Never NULL. */
SpiceSession *vmc_window_get_session(VmcWindow *self);

/* Shows @message in the window's message bar (until the user hides it or another replaces it).
 * For failures the user should read: a device that cannot be opened, a server that went away. */
void vmc_window_show_error(VmcWindow *self, const char *message);
void vmc_window_hide_error(VmcWindow *self);

/* The toolbar box for media controls (USB menu, microphone toggle), empty until filled. */
GtkBox *vmc_window_get_media_box(VmcWindow *self);

/* For bench/: prints the frames the screen painted and the tiles it uploaded to stderr
 * ("vmconnect-stats: frames=N tiles=N"); SIGUSR1 does it for every window. */
void vmc_window_print_stats(VmcWindow *self);

G_END_DECLS
