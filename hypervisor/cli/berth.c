/* berth.c: the berth command-line client. Global options, then one command from the table in
 * berth-cli-commands.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <locale.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    /* bash completion asks the table itself (berth-cli-complete.c). */
    if (argc > 1 && g_str_equal(argv[1], "__complete"))
        return berth_cli_complete(argc - 1, argv + 1);
    return berth_cli_main_command.run(&berth_cli_main_command, argc, argv);
}
