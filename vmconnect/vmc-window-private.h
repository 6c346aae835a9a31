/* vmc-window-private.h: what VmcWindow's own files share (the window and its actions).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vmc-berth.h"
#include "vmc-console.h"
#include "vmc-display.h"
#include "vmc-input.h"
#include "vmc-media.h"
#include "vmc-window.h"

G_BEGIN_DECLS

struct _VmcWindow {
    GtkApplicationWindow parent_instance;

    char *target;
    char *bus_address;
    SpiceSession *session; /* the console's, or an unconnected one while there is none */

    VmcBerth *berth;             /* NULL for a SPICE URI */
    BerthDBusVirtualMachine *vm; /* while berthd has it */
    VmcConsole *console;         /* while connected or connecting */
    guint reconnect_source;
    guint reconnect_attempts;
    gboolean ever_shown;            /* the guest's screen appeared at least once */
    gboolean shown_this_connection; /* ... on the current (or last) connection */
    gboolean taken_over;            /* it closed while the VM ran: wait for Reconnect */
    gboolean agent_connected;
    SpiceMainChannel *main_channel;
    guint resize_source;
    guint fit_source;    /* the window follows the guest's size once it settles */
    gboolean fits_guest; /* the window was sized to the guest's screen */

    VmcDisplay *display;
    VmcInput *input;
    VmcMedia *media;     /* audio, USB, microphone, clipboard */
    GSettings *settings; /* org.berth.VMConnect (zoom); NULL without the schema */

    /* template children */
    GtkWidget *menu_bar;
    GtkWidget *toolbar;
    GtkWidget *media_box;
    GtkWidget *zoom_button;
    GtkWidget *error_revealer;
    GtkWidget *error_label;
    GtkWidget *scroller;
    GtkWidget *off_page;
    GtkWidget *off_label;
    GtkWidget *off_hint;
    GtkWidget *off_start_button;
    GtkWidget *busy_page;
    GtkWidget *busy_spinner;
    GtkWidget *busy_label;
    GtkWidget *status_bar;
    GtkWidget *fullscreen_bar;
    guint fullscreen_bar_source;
    GtkWidget *status_label;
    GtkWidget *input_label;
};

/* vmc-window-actions.c */
void vmc_window_actions_init(VmcWindow *self);
void vmc_window_actions_update(VmcWindow *self);

/* vmc-window.c */
const char *vmc_window_get_state(VmcWindow *self);
void vmc_window_set_status_message(VmcWindow *self, const char *message);
gboolean vmc_window_can_reconnect(VmcWindow *self);
void vmc_window_reconnect(VmcWindow *self);

G_END_DECLS
