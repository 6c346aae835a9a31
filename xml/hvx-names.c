/* hvx-names.c: name rules and derived interface names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvx-names.h"
#include "hvx-vm-def.h"

gboolean
hvx_name_is_valid(const char *name, char **ret_reason)
{
    const char *reason = NULL;

    g_return_val_if_fail(name != NULL, FALSE);

    if (!g_utf8_validate(name, -1, NULL))
        reason = _("the name is not valid UTF-8");
    else if (*name == '\0')
        reason = _("the name is empty");
    else if (g_utf8_strlen(name, -1) > HVX_NAME_MAX_CHARS)
        reason = _("the name is longer than 100 characters");
    else if (strchr(name, '/') != NULL)
        reason = _("the name must not contain \"/\"");
    else {
        for (const char *p = name; *p != '\0'; p = g_utf8_next_char(p)) {
            if (g_unichar_iscntrl(g_utf8_get_char(p))) {
                reason = _("the name must not contain control characters");
                break;
            }
        }
    }
    if (reason != NULL && ret_reason != NULL)
        *ret_reason = g_strdup(reason);
    return reason == NULL;
}

gboolean
hvx_ifname_is_valid(const char *name)
{
    gsize len;

    g_return_val_if_fail(name != NULL, FALSE);

    len = strlen(name);
    if (len == 0 || len > HVX_IFNAME_MAX_CHARS)
        return FALSE;
    if (g_str_equal(name, ".") || g_str_equal(name, ".."))
        return FALSE;
    for (const char *p = name; *p != '\0'; p++) {
        if (*p == '/' || *p == ':' || g_ascii_isspace(*p) || g_ascii_iscntrl(*p) ||
            (guchar)*p >= 0x80)
            return FALSE;
    }
    return TRUE;
}

/* The first 8 hex digits of a UUID, lower case. */
static char *
hvx_uuid_prefix(const char *uuid)
{
    if (uuid == NULL || !g_uuid_string_is_valid(uuid))
        return NULL;
    return g_ascii_strdown(uuid, 8);
}

char *
hvx_tap_name(const char *vm_uuid, guint index)
{
    g_autofree char *prefix = hvx_uuid_prefix(vm_uuid);

    if (prefix == NULL || index >= 100)
        return NULL;
    return g_strdup_printf("btp%sn%u", prefix, index);
}

char *
hvx_bridge_name(const char *switch_uuid)
{
    g_autofree char *prefix = hvx_uuid_prefix(switch_uuid);

    if (prefix == NULL)
        return NULL;
    return g_strdup_printf("bsw%s", prefix);
}
