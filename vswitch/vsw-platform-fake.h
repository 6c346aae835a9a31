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

/* A physical adapter (kind ether, down), wireless or not. */
void vsw_platform_fake_add_adapter(VswPlatformFake *self, const char *name, gboolean wireless);

/* Makes the @n-th change from now (1 = the next one) fail with @errsv, once; 0 disarms. Changes
 * are creations, deletions and every setting; lookups and lists are not. */
void vsw_platform_fake_fail_nth(VswPlatformFake *self, guint n, int errsv);

/* How many changes were asked of the fake so far (failed ones included). */
guint vsw_platform_fake_get_changes(VswPlatformFake *self);

G_END_DECLS
