/* vmc-clipboard-private.h: what VmcClipboard asks of the SPICE main channel, replaceable by a
 * unit test (the channel of an unconnected session has no agent to talk to).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vmc-clipboard.h"

G_BEGIN_DECLS

typedef struct {
    gboolean (*agent_connected)(SpiceMainChannel *channel, gpointer user_data);
    void (*grab)(SpiceMainChannel *channel, guint selection, guint32 *types, int ntypes,
                 gpointer user_data);
    void (*release)(SpiceMainChannel *channel, guint selection, gpointer user_data);
    void (*notify)(SpiceMainChannel *channel, guint selection, guint32 type, const guchar *data,
                   gsize size, gpointer user_data);
    void (*request)(SpiceMainChannel *channel, guint selection, guint32 type, gpointer user_data);
} VmcClipboardChannelOps;

void vmc_clipboard_set_channel_ops(VmcClipboard *self, const VmcClipboardChannelOps *ops,
                                   gpointer user_data);
SpiceMainChannel *vmc_clipboard_get_main_channel(VmcClipboard *self);

G_END_DECLS
