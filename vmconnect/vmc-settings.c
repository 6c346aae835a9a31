/* vmc-settings.c: vmconnect's choices kept between runs (org.berth.VMConnect: USB
 * auto-redirect, clipboard only while focused, microphone, zoom); without the schema it runs on
 * (berth-settings.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "berth-settings.h"
#include "vmc-settings.h"

/**
 * vmc_settings_new:
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL if the schema is not installed
 */
GSettings *
vmc_settings_new(void)
{
    g_autofree char *note = g_strdup_printf(
        /* Translators: %s is the schema's name, org.berth.VMConnect. */
        _("The GSettings schema %s is not installed: the console's choices are kept only until "
          "vmconnect quits."),
        VMC_SETTINGS_SCHEMA);

    return berth_settings_new(VMC_SETTINGS_SCHEMA, "vmconnect", note);
}
