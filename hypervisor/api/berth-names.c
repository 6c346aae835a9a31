/* berth-names.c: the object paths of berthd's VMs, switches and jobs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "berth-names.h"

/* Object paths allow only [A-Za-z0-9_] in an element: a UUID's dashes are dropped. */
static char *
berth_uuid_object_path(const char *kind, const char *uuid)
{
    GString *path = g_string_new(BERTH_HOST_PATH "/");

    g_string_append(path, kind);
    g_string_append_c(path, '/');
    for (const char *p = uuid; *p != '\0'; p++) {
        if (*p != '-')
            g_string_append_c(path, *p);
    }
    return g_string_free(path, FALSE);
}

char *
berth_vm_object_path(const char *uuid)
{
    g_return_val_if_fail(uuid != NULL, NULL);
    return berth_uuid_object_path("vm", uuid);
}

char *
berth_switch_object_path(const char *uuid)
{
    g_return_val_if_fail(uuid != NULL, NULL);
    return berth_uuid_object_path("switch", uuid);
}

char *
berth_job_object_path(guint64 number)
{
    return g_strdup_printf(BERTH_HOST_PATH "/job/%" G_GUINT64_FORMAT, number);
}
