/* vmc-audio.h: the SPICE playback and record channels played and recorded through PulseAudio.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <spice-client.h>

G_BEGIN_DECLS

#define VMC_TYPE_AUDIO (vmc_audio_get_type())
G_DECLARE_FINAL_TYPE(VmcAudio, vmc_audio, VMC, AUDIO, GObject)

VmcAudio *vmc_audio_new(SpiceSession *session);
SpiceSession *vmc_audio_get_session(VmcAudio *self);
gboolean vmc_audio_get_microphone(VmcAudio *self);
void vmc_audio_set_microphone(VmcAudio *self, gboolean microphone);
gboolean vmc_audio_get_available(VmcAudio *self);
const char *vmc_audio_get_error_message(VmcAudio *self);

G_END_DECLS
