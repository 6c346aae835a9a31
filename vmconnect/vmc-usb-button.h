/* vmc-usb-button.h: the toolbar's USB menu (redirected devices, shared ISO images).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <spice-client.h>

G_BEGIN_DECLS

#define VMC_TYPE_USB_BUTTON (vmc_usb_button_get_type())
G_DECLARE_FINAL_TYPE(VmcUsbButton, vmc_usb_button, VMC, USB_BUTTON, GtkWidget)

GtkWidget *vmc_usb_button_new(void);
SpiceSession *vmc_usb_button_get_session(VmcUsbButton *self);
void vmc_usb_button_set_session(VmcUsbButton *self, SpiceSession *session);
SpiceUsbDeviceManager *vmc_usb_button_get_manager(VmcUsbButton *self);
void vmc_usb_button_popup(VmcUsbButton *self);
gboolean vmc_usb_button_share_iso(VmcUsbButton *self, const char *path, GError **error);

G_END_DECLS
