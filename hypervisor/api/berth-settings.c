/* berth-settings.c: a GUI client's GSettings, also when its schema is not installed. Berth
 * Manager and vmconnect both run from the build tree, where GLib would abort on the missing
 * schema; both say so the same way here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "berth-settings.h"

GSettings *
berth_settings_new(const char *schema_id, const char *program, const char *note)
{
    static gsize noted = 0;
    GSettingsSchemaSource *source = g_settings_schema_source_get_default();
    g_autoptr(GSettingsSchema) schema = NULL;

    g_return_val_if_fail(schema_id != NULL, NULL);

    if (source != NULL)
        schema = g_settings_schema_source_lookup(source, schema_id, TRUE);
    if (schema != NULL)
        return g_settings_new_full(schema, NULL, NULL);
    if (g_once_init_enter(&noted)) {
        fprintf(stderr, "%s: %s\n", program, note);
        g_once_init_leave(&noted, 1);
    }
    return NULL;
}
