/* mgr-gsettings.c: the settings Berth Manager keeps between runs (org.berth.Manager: window size,
 * panes, the wizard's "skip this page"); without the schema it runs on (berth-settings.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "berth-settings.h"
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
    g_autofree char *note = g_strdup_printf(
        /* Translators: %s is the schema's name, org.berth.Manager. */
        _("The GSettings schema %s is not installed: the window's size and choices are "
          "kept only until Berth Manager quits."),
        MGR_APPLICATION_ID);

    return berth_settings_new(MGR_APPLICATION_ID, "berth-manager", note);
}
