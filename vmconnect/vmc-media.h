/* vmc-media.h: a console window's audio, USB menu, microphone toggle and clipboard sharing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vmc-audio.h"
#include "vmc-clipboard.h"
#include "vmc-window.h"

G_BEGIN_DECLS

#define VMC_TYPE_MEDIA (vmc_media_get_type())
G_DECLARE_FINAL_TYPE(VmcMedia, vmc_media, VMC, MEDIA, GObject)

VmcMedia *vmc_media_new(VmcWindow *window);
VmcAudio *vmc_media_get_audio(VmcMedia *self);
VmcClipboard *vmc_media_get_clipboard(VmcMedia *self);
GtkWidget *vmc_media_get_usb_button(VmcMedia *self);
GtkWidget *vmc_media_get_mic_button(VmcMedia *self);

G_END_DECLS
