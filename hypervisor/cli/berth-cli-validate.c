/* berth-cli-validate.c: "berth validate FILE…": check definitions without the service.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"
#include "hvx.h"

static int
run_validate(const BerthCliCommand *command, int argc, char **argv)
{
    g_auto(GStrv) files = NULL;
    gboolean all_ok = TRUE;
    int exit_status;

    files = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (files == NULL)
        return exit_status;
    for (guint i = 0; files[i] != NULL; i++) {
        g_autoptr(HvxDefinition) definition = NULL;
        g_autoptr(GPtrArray) diagnostics = NULL;

        definition =
            hvx_definition_parse_file(files[i], HVX_DEFINITION_KIND_ANY, &diagnostics, NULL);
        if (definition != NULL) {
            /* Translators: printed for a valid file, e.g. "vm.xml: ok". */
            printf(_("%s: ok\n"), files[i]);
            continue;
        }
        all_ok = FALSE;
        for (guint j = 0; j < diagnostics->len; j++) {
            g_autofree char *line = hvx_diagnostic_to_string(g_ptr_array_index(diagnostics, j));

            fprintf(stderr, "%s\n", line);
        }
    }
    fflush(stdout);
    return all_ok ? 0 : 1;
}

const BerthCliCommand berth_cli_command_validate = {
    .name = "validate",
    .run = run_validate,
    .summary = N_("Check VM and switch definition files"),
    .parameters = N_("FILE…"),
    .description =
        N_("Checks each VM or switch definition file against the schema and Berth's rules.\n"
           "Prints \"FILE: ok\" on standard output for a valid file and each problem as\n"
           "\"FILE:LINE: message\" on standard error. Exits 0 when every file is valid."),
};
