/* vmc-input.h: keyboard and mouse of a VmcDisplay sent to a SPICE inputs channel.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vmc-display.h"

G_BEGIN_DECLS

#define VMC_TYPE_INPUT (vmc_input_get_type())
G_DECLARE_FINAL_TYPE(VmcInput, vmc_input, VMC, INPUT, GObject)

/* Adds the event controllers to @display (which keeps a reference to the VmcInput). Host keys
 * while the display has the keyboard: Ctrl+Alt+Left releases it (activates "win.release-input"),
 * Ctrl+Alt+End sends Ctrl+Alt+Del, Ctrl+Alt+Pause activates "win.fullscreen". */
VmcInput *vmc_input_new(VmcDisplay *display);

void vmc_input_set_channel(VmcInput *self, SpiceInputsChannel *channel);
/* SPICE_MOUSE_MODE_CLIENT (absolute, the default) or SPICE_MOUSE_MODE_SERVER (relative). */
void vmc_input_set_mouse_mode(VmcInput *self, int mode);

/* Releases every key and button the guest believes held (on focus loss and before a release). */
void vmc_input_release_all(VmcInput *self);
void vmc_input_send_ctrl_alt_del(VmcInput *self);
/* Types @text as key presses, one character every few milliseconds. Returns how many characters
 * have no key on a US keyboard (they are skipped). */
guint vmc_input_type_text(VmcInput *self, const char *text);
/* Whether the display holds the host's system shortcuts (it has the keyboard). */
gboolean vmc_input_get_captured(VmcInput *self);

G_END_DECLS
