/* berth-cli-validate.c: "berth validate FILE…": check definitions without the service.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"
#include "hvx.h"

static void
berth_cli_validate_usage(FILE *stream)
{
    fprintf(stream, "%s\n\n%s\n", _("Usage: berth validate FILE…"),
            _("Checks each VM or switch definition file against the schema and Berth's rules.\n"
              "Prints \"FILE: ok\" on standard output for a valid file and each problem as\n"
              "\"FILE:LINE: message\" on standard error. Exits 0 when every file is valid."));
}

int
berth_cli_validate(int argc, char **argv)
{
    gboolean all_ok = TRUE;
    gboolean options_done = FALSE;
    guint files = 0;

    for (int i = 1; i < argc; i++) {
        if (!options_done && (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h"))) {
            berth_cli_validate_usage(stdout);
            return 0;
        }
        if (!options_done && g_str_equal(argv[i], "--")) {
            options_done = TRUE;
        } else if (!options_done && argv[i][0] == '-' && argv[i][1] != '\0') {
            berth_cli_error("validate", _("unknown option “%s”; see “berth validate --help”"),
                            argv[i]);
            return 1;
        }
    }

    options_done = FALSE;
    for (int i = 1; i < argc; i++) {
        g_autoptr(HvxDefinition) definition = NULL;
        g_autoptr(GPtrArray) diagnostics = NULL;

        if (!options_done && g_str_equal(argv[i], "--")) {
            options_done = TRUE;
            continue;
        }
        files++;
        definition =
            hvx_definition_parse_file(argv[i], HVX_DEFINITION_KIND_ANY, &diagnostics, NULL);
        if (definition != NULL) {
            /* Translators: printed for a valid file, e.g. "vm.xml: ok". */
            printf(_("%s: ok\n"), argv[i]);
            continue;
        }
        all_ok = FALSE;
        for (guint j = 0; j < diagnostics->len; j++) {
            g_autofree char *line = hvx_diagnostic_to_string(g_ptr_array_index(diagnostics, j));

            fprintf(stderr, "%s\n", line);
        }
    }
    if (files == 0) {
        berth_cli_error("validate", _("no files given; usage: berth validate FILE…"));
        return 1;
    }
    fflush(stdout);
    return all_ok ? 0 : 1;
}
