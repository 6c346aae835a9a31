/* vsw-platform-fake.h: a VswPlatform kept in memory, with the kernel's answers, for unit tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vsw-platform.h"

G_BEGIN_DECLS

#define VSW_TYPE_PLATFORM_FAKE (vsw_platform_fake_get_type())
G_DECLARE_FINAL_TYPE(VswPlatformFake, vsw_platform_fake, VSW, PLATFORM_FAKE, VswPlatform)

/* A fake host with only "lo". */
VswPlatform *vsw_platform_fake_new(void);

/* Plays a kernel without bridge VLAN filtering (when FALSE) for the bridges made afterwards. */
void vsw_platform_fake_set_vlan_filtering(VswPlatformFake *self, gboolean supported);

G_END_DECLS
