/* vmc-console.h: one SPICE connection: a session whose channels get their sockets from berthd
 * (OpenConsole, one file descriptor per channel) or from a SPICE URI.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <spice-client.h>

#include "berth-dbus.h"

G_BEGIN_DECLS

#define VMC_TYPE_CONSOLE (vmc_console_get_type())
G_DECLARE_FINAL_TYPE(VmcConsole, vmc_console, VMC, CONSOLE, GObject)

/* Whether @target is a SPICE URI (spice://HOST:PORT or spice+unix:///PATH) rather than a VM. */
gboolean vmc_console_is_uri(const char *target);

VmcConsole *vmc_console_new_for_uri(const char *uri);
VmcConsole *vmc_console_new_for_vm(BerthDBusVirtualMachine *vm);

/* The session, made with "enable-audio" TRUE. Connect to its "channel-new" before starting. */
SpiceSession *vmc_console_get_session(VmcConsole *self);

/* Connects; "opened" when the main channel is up, "closed" (with a message for people, or NULL
 * after vmc_console_stop) when it ends or fails. */
void vmc_console_start(VmcConsole *self);
void vmc_console_stop(VmcConsole *self);

G_END_DECLS
