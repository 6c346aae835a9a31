/* berth-test.h: what the C tests of every folder share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes @path and, when it is a folder, everything below it (symbolic links are removed, never
 * followed). Returns TRUE when @path no longer exists. */
gboolean berth_test_remove_tree(const char *path);

G_END_DECLS
