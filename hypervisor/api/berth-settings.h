/* berth-settings.h: a GUI client's GSettings, also when its schema is not installed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The settings of @schema_id, or NULL when the schema is not installed (a program run from the
 * build tree without GSETTINGS_SCHEMA_DIR): then "@program: @note" goes to stderr, once per
 * process, and the program keeps its choices only until it quits instead of aborting as
 * g_settings_new() would. */
GSettings *berth_settings_new(const char *schema_id, const char *program, const char *note);

G_END_DECLS
