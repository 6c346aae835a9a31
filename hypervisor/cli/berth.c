/* berth.c: the berth command-line client. Global options, then one command from the table in
 * berth-cli-commands.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

static void
berth_usage(FILE *stream)
{
    fprintf(stream, "%s\n\n%s\n", _("Usage: berth [--version] [--help] COMMAND [ARGUMENT…]"),
            _("Commands:"));
    for (const BerthCliCommand *c = berth_cli_commands(); c->name != NULL; c++)
        fprintf(stream, "  %-12s %s\n", c->name, _(c->summary));
    fprintf(stream, "\n%s\n", _("Run “berth COMMAND --help” for a command's arguments."));
}

int
main(int argc, char **argv)
{
    const BerthCliCommand *command;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    if (argc < 2) {
        berth_usage(stderr);
        return 1;
    }
    if (g_str_equal(argv[1], "--version")) {
        printf("berth %s\n", BERTH_VERSION);
        return 0;
    }
    if (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) {
        berth_usage(stdout);
        return 0;
    }
    if (argv[1][0] == '-') {
        berth_cli_error(NULL, _("unknown option “%s”; see “berth --help”"), argv[1]);
        return 1;
    }
    command = berth_cli_find_command(argv[1]);
    if (command == NULL) {
        berth_cli_error(NULL, _("unknown command “%s”; see “berth --help”"), argv[1]);
        return 1;
    }
    return command->run(argc - 1, argv + 1);
}
