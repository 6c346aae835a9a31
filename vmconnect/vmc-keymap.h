/* vmc-keymap.h: keyboard tables: Linux evdev key codes to the PC XT scancodes SPICE sends (E0
 * keys as 0x100 | code), and text to the key strokes a US keyboard types it with.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* XT scancodes of the keys vmconnect presses itself. */
#define VMC_SCANCODE_LEFT_SHIFT 0x2a
#define VMC_SCANCODE_LEFT_CTRL  0x1d
#define VMC_SCANCODE_LEFT_ALT   0x38
#define VMC_SCANCODE_DELETE     0x153

/* @keycode: a hardware key code as GTK reports it (evdev + 8, on X11 and Wayland).
 * Returns the XT scancode, 0x100 | code for E0-prefixed keys, or 0 for keys the PC has not. */
guint vmc_keymap_scancode_from_keycode(guint keycode);

typedef struct {
    guint scancode;
    gboolean shift;
} VmcKeyStroke;

/* The key stroke that types @c on a US keyboard; FALSE when it has none (non-ASCII). */
gboolean vmc_keymap_stroke_for_char(gunichar c, VmcKeyStroke *ret_stroke);

/* Every key stroke for @text, in order; characters without one are skipped and counted in
 * @ret_skipped (may be NULL). "\r\n" types one Enter. */
GArray *vmc_keymap_strokes_for_text(const char *text, guint *ret_skipped);

G_END_DECLS
