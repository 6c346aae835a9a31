/* vmc-mic-button.h: the toolbar's microphone toggle.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "vmc-audio.h"

G_BEGIN_DECLS

#define VMC_TYPE_MIC_BUTTON (vmc_mic_button_get_type())
G_DECLARE_FINAL_TYPE(VmcMicButton, vmc_mic_button, VMC, MIC_BUTTON, GtkToggleButton)

GtkWidget *vmc_mic_button_new(void);
VmcAudio *vmc_mic_button_get_audio(VmcMicButton *self);
void vmc_mic_button_set_audio(VmcMicButton *self, VmcAudio *audio);

G_END_DECLS
