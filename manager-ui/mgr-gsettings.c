/* mgr-gsettings.c: the settings Berth Manager keeps between runs (org.berth.Manager: window size,
 * panes, the wizard's "skip this page"). A manager run from the build tree without the compiled
 * schema (GSETTINGS_SCHEMA_DIR) still works, as vmconnect does: it says so once on stderr and
 * its choices then last until it quits, instead of GLib aborting on the missing schema.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "mgr-application.h"
#include "mgr-gsettings.h"

/**
 * mgr_gsettings_new:
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL if the schema is not installed
 */
GSettings *
mgr_gsettings_new(void)
{
    GSettingsSchemaSource *source = g_settings_schema_source_get_default();
    g_autoptr(GSettingsSchema) schema = NULL;

    if (source != NULL)
        schema = g_settings_schema_source_lookup(source, MGR_APPLICATION_ID, TRUE);
    if (schema == NULL) {
        static gsize warned = 0;

        if (g_once_init_enter(&warned)) {
            g_autofree char *message = g_strdup_printf(
                /* Translators: %s is the schema's name, org.berth.Manager. */
                _("The GSettings schema %s is not installed: the window's size and choices are "
                  "kept only until Berth Manager quits."),
                MGR_APPLICATION_ID);

            fprintf(stderr, "berth-manager: %s\n", message);
            g_once_init_leave(&warned, 1);
        }
        return NULL;
    }
    return g_settings_new_full(schema, NULL, NULL);
}
