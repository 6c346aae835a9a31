/* vsw-wait.h: for programs without a main loop of their own (the vswitch tests, the switch
 * benchmarks): VswNetwork's switch changes, waited for by running the thread-default main
 * context (where VswNetwork's sources run) until each is done. berthd never waits like this.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "vsw-network.h"

static void
vsw_wait_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    *(GAsyncResult **)user_data = g_object_ref(result);
}

static GAsyncResult *
vsw_wait_result(GAsyncResult **result)
{
    g_autoptr(GMainContext) context = g_main_context_ref_thread_default();

    while (*result == NULL)
        g_main_context_iteration(context, TRUE);
    return *result;
}

static G_GNUC_UNUSED gboolean
vsw_wait_apply_switch(VswNetwork *network, const HvxSwitchDef *def, GError **error)
{
    g_autoptr(GAsyncResult) result = NULL;

    vsw_network_apply_switch_async(network, def, vsw_wait_done, &result);
    return vsw_network_apply_switch_finish(network, vsw_wait_result(&result), error);
}

static G_GNUC_UNUSED gboolean
vsw_wait_remove_switch(VswNetwork *network, const char *uuid, GError **error)
{
    g_autoptr(GAsyncResult) result = NULL;

    vsw_network_remove_switch_async(network, uuid, vsw_wait_done, &result);
    return vsw_network_remove_switch_finish(network, vsw_wait_result(&result), error);
}

static G_GNUC_UNUSED gboolean
vsw_wait_sync(VswNetwork *network, GPtrArray *defs, GError **error)
{
    g_autoptr(GAsyncResult) result = NULL;

    vsw_network_sync_async(network, defs, vsw_wait_done, &result);
    return vsw_network_sync_finish(network, vsw_wait_result(&result), error);
}
