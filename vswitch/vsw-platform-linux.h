/* vsw-platform-linux.h: VswPlatform on the kernel, over rtnetlink (libnl) and /dev/net/tun.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vsw-platform.h"

G_BEGIN_DECLS

#define VSW_TYPE_PLATFORM_LINUX (vsw_platform_linux_get_type())
G_DECLARE_FINAL_TYPE(VswPlatformLinux, vsw_platform_linux, VSW, PLATFORM_LINUX, VswPlatform)

/* The network namespace of the calling thread; NULL with @error set when rtnetlink cannot be
 * opened. Changes need CAP_NET_ADMIN. */
VswPlatform *vsw_platform_linux_new(GError **error);

/* Where wireless adapters are looked up ("/sys" by default): @root/class/net/IF/wireless or
 * phy80211. Tests point it at a made-up tree. */
void vsw_platform_linux_set_sysfs_root(VswPlatformLinux *self, const char *root);

G_END_DECLS
