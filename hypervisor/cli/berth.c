/* berth.c: the berth command-line client. Global options, then one command from the table in
 * berth-cli-commands.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

static void
berth_usage(FILE *stream)
{
    fprintf(stream, "%s\n\n%s\n%s\n\n%s\n",
            _("Usage: berth [--version] [--help] [--connect ADDRESS] COMMAND [ARGUMENT…]"),
            _("--connect ADDRESS: berthd's D-Bus bus (else $BERTH_BUS_ADDRESS, else the system"),
            _("bus when berthd runs there, else the session bus)."), _("Commands:"));
    for (const BerthCliCommand *c = berth_cli_commands(); c->name != NULL; c++)
        fprintf(stream, "  %-17s %s\n", c->name, _(c->summary));
    fprintf(stream, "\n%s\n", _("Run “berth COMMAND --help” for a command's arguments."));
}

int
main(int argc, char **argv)
{
    const BerthCliCommand *command;
    int first = 1;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    while (first + 1 < argc && g_str_equal(argv[first], "--connect")) {
        berth_cli_set_address(argv[first + 1]);
        first += 2;
    }
    if (first < argc && g_str_has_prefix(argv[first], "--connect=")) {
        berth_cli_set_address(argv[first] + strlen("--connect="));
        first++;
    }
    argc -= first - 1;
    argv += first - 1;
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
