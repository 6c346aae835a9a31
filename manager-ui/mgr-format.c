/* mgr-format.c: wording of states, sizes and times.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n.h>

#include "mgr-format.h"

const char *
mgr_format_state(const char *state)
{
    static const struct {
        const char *state;
        const char *words;
    } states[] = {
        {"Off", NC_("vm state", "Off")},           {"Starting", NC_("vm state", "Starting")},
        {"Running", NC_("vm state", "Running")},   {"Paused", NC_("vm state", "Paused")},
        {"Saving", NC_("vm state", "Saving")},     {"Saved", NC_("vm state", "Saved")},
        {"Stopping", NC_("vm state", "Stopping")},
    };

    if (state == NULL)
        return "";
    for (gsize i = 0; i < G_N_ELEMENTS(states); i++)
        if (g_str_equal(states[i].state, state))
            return g_dpgettext2(NULL, "vm state", states[i].words);
    return state;
}

char *
mgr_format_cpu(double percent, const char *state)
{
    if (g_strcmp0(state, "Running") != 0 && g_strcmp0(state, "Paused") != 0)
        return g_strdup("");
    /* Translators: CPU usage in percent; keep the space before % as your language writes it. */
    return g_strdup_printf(_("%.0f %%"), percent);
}

char *
mgr_format_memory(guint64 bytes)
{
    guint64 mib = bytes / (1024 * 1024);

    if (bytes == 0)
        return g_strdup("");
    if (mib >= 1024 && mib % 1024 == 0)
        /* Translators: memory size in gibibytes. */
        return g_strdup_printf(_("%u GiB"), (guint)(mib / 1024));
    if (mib >= 1024)
        /* Translators: memory size in gibibytes with one decimal. */
        return g_strdup_printf(_("%.1f GiB"), (double)mib / 1024.0);
    /* Translators: memory size in mebibytes. */
    return g_strdup_printf(_("%u MiB"), (guint)mib);
}

char *
mgr_format_uptime(guint64 seconds)
{
    guint64 days = seconds / 86400;

    if (seconds == 0)
        return g_strdup("");
    seconds %= 86400;
    if (days > 0)
        return g_strdup_printf("%" G_GUINT64_FORMAT ".%02u:%02u:%02u", days,
                               (guint)(seconds / 3600), (guint)(seconds / 60 % 60),
                               (guint)(seconds % 60));
    return g_strdup_printf("%02u:%02u:%02u", (guint)(seconds / 3600), (guint)(seconds / 60 % 60),
                           (guint)(seconds % 60));
}

char *
mgr_format_time(gint64 unix_seconds)
{
    g_autoptr(GDateTime) time = g_date_time_new_from_unix_local(unix_seconds);

    if (time == NULL)
        return g_strdup("");
    return g_date_time_format(time, "%x %X");
}

const char *
mgr_format_heartbeat(const char *heartbeat)
{
    if (g_strcmp0(heartbeat, "ok") == 0)
        /* Translators: the guest's heartbeat (integration services) answers. */
        return _("OK");
    if (g_strcmp0(heartbeat, "no-contact") == 0)
        return _("No contact");
    if (g_strcmp0(heartbeat, "disabled") == 0)
        return _("Disabled");
    return "—";
}

char *
mgr_format_without_mnemonic(const char *label)
{
    GString *plain = g_string_new(NULL);

    for (const char *p = label; p != NULL && *p != '\0'; p++) {
        if (*p == '_' && p[1] == '_')
            p++; /* "__" is a literal underscore */
        else if (*p == '_')
            continue;
        g_string_append_c(plain, *p);
    }
    return g_string_free(plain, FALSE);
}
