/* main.c: berth-manager, Berth Manager's program. Everything else is libmgr.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <locale.h>

#include <glib/gi18n.h>

#include "mgr-application.h"

int
main(int argc, char **argv)
{
    g_autoptr(MgrApplication) app = NULL;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);
    g_set_application_name(_("Berth Manager"));

    app = mgr_application_new();
    return g_application_run(G_APPLICATION(app), argc, argv);
}
