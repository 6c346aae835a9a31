/* vmconnect.c: the console window's main: everything else is in libvmc.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <locale.h>

#include <glib/gi18n.h>

#include "vmc-application.h"

int
main(int argc, char **argv)
{
    g_autoptr(VmcApplication) app = NULL;
    int status;

    /* Without a GPU (no DRM device) GTK's GL renderer runs on Mesa's software rasteriser and
     * redraws whole frames; the cairo renderer redraws only what changed, which costs a
     * fraction of the CPU for the same frames (bench/console). GSK_RENDERER still decides. */
    if (!g_file_test("/dev/dri", G_FILE_TEST_IS_DIR))
        g_setenv("GSK_RENDERER", "cairo", FALSE);

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    app = vmc_application_new();
    status = g_application_run(G_APPLICATION(app), argc, argv);
    return status != 0 ? status : vmc_application_get_exit_status(app);
}
