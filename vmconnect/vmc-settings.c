/* vmc-settings.c: vmconnect's choices kept between runs (org.berth.VMConnect: USB
 * auto-redirect, clipboard only while focused, microphone, zoom). A vmconnect run from the build
 * tree without the compiled schema (GSETTINGS_SCHEMA_DIR) still works; its choices then last as
 * long as the window.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmc-settings.h"

/**
 * vmc_settings_new:
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL if the schema is not installed
 */
GSettings *
vmc_settings_new(void)
{
    GSettingsSchemaSource *source = g_settings_schema_source_get_default();
    g_autoptr(GSettingsSchema) schema = NULL;

    if (source != NULL)
        schema = g_settings_schema_source_lookup(source, VMC_SETTINGS_SCHEMA, TRUE);
    if (schema == NULL) {
        static gsize warned = 0;

        if (g_once_init_enter(&warned)) {
            g_debug("The GSettings schema %s is not installed: choices are not kept "
                    "between runs.",
                    VMC_SETTINGS_SCHEMA);
            g_once_init_leave(&warned, 1);
        }
        return NULL;
    }
    return g_settings_new_full(schema, NULL, NULL);
}
