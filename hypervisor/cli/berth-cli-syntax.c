/* berth-cli-syntax.c: how every berth command reads its command line. GOptionContext parses the
 * options of the command's table entry (berth-cli.h), so --help and the usage errors are the
 * same everywhere; this file also counts the positional arguments against the command's
 * parameters and runs the subcommands of a group.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"

char **
berth_cli_parameter_words(const char *parameters, guint *ret_min, guint *ret_max)
{
    g_auto(GStrv) split = g_strsplit(parameters != NULL ? parameters : "", " ", -1);
    g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func(g_free);
    guint depth = 0;
    guint min = 0;
    guint max = 0;

    for (guint i = 0; split[i] != NULL; i++) {
        const char *word = split[i];
        gboolean optional;
        gsize len;

        if (*word == '\0')
            continue;
        while (*word == '[') {
            depth++;
            word++;
        }
        optional = depth > 0;
        len = strlen(word);
        while (len > 0 && word[len - 1] == ']') {
            depth = depth > 0 ? depth - 1 : 0;
            len--;
        }
        if (!optional)
            min++;
        if (len >= strlen("…") && strncmp(word + len - strlen("…"), "…", strlen("…")) == 0) {
            len -= strlen("…");
            max = G_MAXUINT;
        } else if (max != G_MAXUINT) {
            max++;
        }
        g_ptr_array_add(words, g_strndup(word, len));
    }
    g_ptr_array_add(words, NULL);
    if (ret_min != NULL)
        *ret_min = min;
    if (ret_max != NULL)
        *ret_max = max;
    return (char **)g_ptr_array_free(g_steal_pointer(&words), FALSE);
}

/* "Usage: berth switch new [OPTION…] NAME", translated. */
static char *
usage_line(const BerthCliCommand *command)
{
    const char *parameters = command->parameters != NULL ? _(command->parameters) : "";
    g_autofree char *program =
        *command->name != '\0' ? g_strconcat("berth ", command->name, NULL) : g_strdup("berth");

    /* Translators: %s are the command ("berth new") and its parameters ("VM [NAME]"). */
    return g_strstrip(g_strdup_printf(_("Usage: %s [OPTION…] %s"), program, parameters));
}

int
berth_cli_usage_error(const BerthCliCommand *command, const char *format, ...)
{
    g_autofree char *message = NULL;
    g_autofree char *usage = usage_line(command);
    va_list args;

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    berth_cli_error(*command->name != '\0' ? command->name : NULL, "%s", message);
    fprintf(stderr, "%s\n", usage);
    return 2;
}

/* A group's --help ends with its commands and their summaries. */
static char *
group_description(const BerthCliCommand *command)
{
    g_autoptr(GString) text = g_string_new(_("Commands:"));
    g_autofree char *program =
        *command->name != '\0' ? g_strconcat("berth ", command->name, NULL) : g_strdup("berth");

    for (const BerthCliCommand *const *c = command->subcommands; *c != NULL; c++) {
        const char *name =
            strrchr((*c)->name, ' ') != NULL ? strrchr((*c)->name, ' ') + 1 : (*c)->name;

        g_string_append_printf(text, "\n  %-18s %s", name, _((*c)->summary));
    }
    g_string_append_c(text, '\n');
    g_string_append_c(text, '\n');
    /* Translators: %s is "berth" or "berth switch". */
    g_string_append_printf(text, _("Run “%s COMMAND --help” for a command's arguments."), program);
    return g_string_free(g_steal_pointer(&text), FALSE);
}

char **
berth_cli_parse_args(const BerthCliCommand *command, int argc, char **argv, int *ret_exit)
{
    g_autoptr(GOptionContext) context = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *program = NULL;
    g_autofree char *description = NULL;
    g_auto(GStrv) args = NULL;
    g_auto(GStrv) words = NULL;
    g_auto(GStrv) shown = NULL;
    guint min = 0;
    guint max = 0;
    guint n;
    const GOptionEntry remaining[] = {
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, NULL},
        G_OPTION_ENTRY_NULL,
    };

    g_return_val_if_fail(command != NULL && ret_exit != NULL, NULL);

    /* --help shows "Usage: berth switch new [OPTION…] NAME". */
    program =
        *command->name != '\0' ? g_strconcat("berth ", command->name, NULL) : g_strdup("berth");
    g_set_prgname(program);
    context = g_option_context_new(command->parameters);
    g_option_context_set_translation_domain(context, GETTEXT_PACKAGE);
    g_option_context_set_summary(context, command->summary);
    if (command->subcommands != NULL) {
        /* Options up to the subcommand are the group's; the rest are the subcommand's. */
        g_option_context_set_strict_posix(context, TRUE);
        description = group_description(command);
        g_option_context_set_description(context, description);
    } else {
        g_option_context_set_description(context, command->description);
    }
    if (command->options != NULL)
        g_option_context_add_main_entries(context, command->options, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(context, remaining, GETTEXT_PACKAGE);
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        *ret_exit = berth_cli_usage_error(command, "%s", error->message);
        return NULL;
    }
    if (args == NULL)
        args = g_new0(char *, 1);
    if (command->subcommands != NULL)
        return g_steal_pointer(&args);

    words = berth_cli_parameter_words(command->parameters, &min, &max);
    shown = berth_cli_parameter_words(command->parameters != NULL ? _(command->parameters) : NULL,
                                      NULL, NULL);
    n = g_strv_length(args);
    if (n < min) {
        const char *missing = g_strv_length(shown) == g_strv_length(words) ? shown[n] : words[n];

        /* Translators: %s is what the command line lacks, e.g. "VM" or "FILE". */
        *ret_exit = berth_cli_usage_error(command, _("%s is missing"), missing);
        return NULL;
    }
    if (n > max) {
        /* Translators: %s is an argument the command does not take. */
        *ret_exit = berth_cli_usage_error(command, _("unexpected argument “%s”"), args[max]);
        return NULL;
    }
    return g_steal_pointer(&args);
}

const BerthCliCommand *
berth_cli_find_subcommand(const BerthCliCommand *group, const char *name)
{
    g_return_val_if_fail(group != NULL && name != NULL, NULL);

    for (const BerthCliCommand *const *c = group->subcommands; c != NULL && *c != NULL; c++) {
        const char *last = strrchr((*c)->name, ' ');

        if (g_str_equal(last != NULL ? last + 1 : (*c)->name, name))
            return *c;
    }
    return NULL;
}

int
berth_cli_run_subcommand(const BerthCliCommand *command, char **args)
{
    const BerthCliCommand *sub;
    g_autofree char **argv = NULL;
    guint n = g_strv_length(args);

    if (n == 0)
        return berth_cli_usage_error(command, _("%s is missing"), _("COMMAND"));
    sub = berth_cli_find_subcommand(command, args[0]);
    if (sub == NULL)
        /* Translators: %s is a command berth does not have. */
        return berth_cli_usage_error(command, _("unknown command “%s”"), args[0]);
    /* GOptionContext shuffles the pointers of the array it parses: give it a copy. */
    argv = g_memdup2(args, (n + 1) * sizeof(char *));
    return sub->run(sub, (int)n, argv);
}

int
berth_cli_run_group(const BerthCliCommand *command, int argc, char **argv)
{
    g_auto(GStrv) args = NULL;
    int exit_status;

    args = berth_cli_parse_args(command, argc, argv, &exit_status);
    if (args == NULL)
        return exit_status;
    return berth_cli_run_subcommand(command, args);
}
