/* vmc-clipboard.h: the host's clipboard shared with the guest through the SPICE agent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gdk/gdk.h>
#include <spice-client.h>

G_BEGIN_DECLS

#define VMC_TYPE_CLIPBOARD (vmc_clipboard_get_type())
G_DECLARE_FINAL_TYPE(VmcClipboard, vmc_clipboard, VMC, CLIPBOARD, GObject)

VmcClipboard *vmc_clipboard_new(SpiceSession *session, GdkClipboard *clipboard);
gboolean vmc_clipboard_get_focused(VmcClipboard *self);
void vmc_clipboard_set_focused(VmcClipboard *self, gboolean focused);
gboolean vmc_clipboard_get_only_when_focused(VmcClipboard *self);
void vmc_clipboard_set_only_when_focused(VmcClipboard *self, gboolean only_when_focused);

G_END_DECLS
