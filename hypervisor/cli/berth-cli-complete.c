/* berth-cli-complete.c: "berth __complete CWORD WORD…", what bash completion asks
 * (data/completion/berth.bash): the candidates for WORD number CWORD of a berth command line,
 * read from the same command table and option entries the commands parse with, and the names
 * of berthd's VMs and switches. The first line says what follows: "words" (one candidate a
 * line, those that start with the word being completed) or "files" (let the shell complete a
 * file name).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "berth-cli.h"

typedef enum {
    COMPLETE_NOTHING,
    COMPLETE_WORDS,
    COMPLETE_FILES,
} CompleteKind;

static void
add_word(GPtrArray *words, const char *prefix, const char *word)
{
    if (g_str_has_prefix(word, prefix))
        g_ptr_array_add(words, g_strdup(word));
}

/* The names of berthd's objects that have @interface; none when berthd does not answer. */
static void
add_names(GPtrArray *words, const char *prefix, const char *interface)
{
    g_autoptr(GDBusConnection) connection = berth_cli_connect(NULL);
    g_autoptr(GPtrArray) objects = NULL;

    if (connection != NULL)
        objects = berth_cli_list_objects(connection, interface, NULL);
    for (guint i = 0; objects != NULL && i < objects->len; i++) {
        g_autoptr(GVariant) properties =
            g_variant_get_child_value(g_ptr_array_index(objects, i), 1);

        add_word(words, prefix, berth_cli_dict_string(properties, "Name"));
    }
}

static gboolean
takes_value(const GOptionEntry *entry)
{
    return entry->arg != G_OPTION_ARG_NONE && !(entry->flags & G_OPTION_FLAG_NO_ARG);
}

/* @command's option called @name ("--json" → its entry; "-f" by its short name). */
static const GOptionEntry *
find_option(const BerthCliCommand *command, const char *word)
{
    for (const GOptionEntry *e = command->options; e != NULL && e->long_name != NULL; e++) {
        if (g_str_has_prefix(word, "--") && g_str_equal(word + 2, e->long_name))
            return e;
        if (word[0] == '-' && word[1] == e->short_name && e->short_name != '\0' && word[2] == '\0')
            return e;
    }
    return NULL;
}

/* A value of @entry: its choices ("vhdx|vhd|qcow2|raw"), a switch, a file, or nothing. */
static CompleteKind
complete_value(const GOptionEntry *entry, const char *prefix, const char *value, GPtrArray *words)
{
    if (entry->arg_description != NULL && strchr(entry->arg_description, '|') != NULL) {
        g_auto(GStrv) choices = g_strsplit(entry->arg_description, "|", -1);

        for (guint i = 0; choices[i] != NULL; i++) {
            g_autofree char *word = g_strconcat(prefix, choices[i], NULL);

            add_word(words, value, word);
        }
        return COMPLETE_WORDS;
    }
    if (g_strcmp0(entry->arg_description, "SWITCH") == 0) {
        add_names(words, value, BERTH_SWITCH_INTERFACE);
        return COMPLETE_WORDS;
    }
    if (g_strcmp0(entry->arg_description, "FILE") == 0 && *prefix == '\0')
        return COMPLETE_FILES;
    return COMPLETE_NOTHING;
}

/* The @index-th positional argument of @command. */
static CompleteKind
complete_parameter(const BerthCliCommand *command, guint index, const char *prefix,
                   GPtrArray *words)
{
    guint max = 0;
    g_auto(GStrv) parameters = berth_cli_parameter_words(command->parameters, NULL, &max);
    guint n = g_strv_length(parameters);
    const char *parameter = NULL;

    /* The last of "FILE…" repeats. */
    if (index < n)
        parameter = parameters[index];
    else if (n > 0 && max == G_MAXUINT)
        parameter = parameters[n - 1];
    if (parameter == NULL)
        return COMPLETE_NOTHING;
    if (g_str_equal(parameter, "VM")) {
        add_names(words, prefix, BERTH_VM_INTERFACE);
        return COMPLETE_WORDS;
    }
    if (g_str_equal(parameter, "SWITCH")) {
        add_names(words, prefix, BERTH_SWITCH_INTERFACE);
        return COMPLETE_WORDS;
    }
    if (g_str_has_prefix(parameter, "FILE") || g_str_equal(parameter, "SOURCE") ||
        g_str_equal(parameter, "TARGET"))
        return COMPLETE_FILES;
    return COMPLETE_NOTHING;
}

static CompleteKind
complete(char **argv, guint cword, GPtrArray *words)
{
    const BerthCliCommand *command = &berth_cli_main_command;
    const GOptionEntry *pending = NULL;
    const char *cur = cword < g_strv_length(argv) ? argv[cword] : "";
    gboolean options_done = FALSE;
    guint positional = 0;

    /* Walk the words before the one being completed as the commands would parse them. */
    for (guint i = 1; i < cword && argv[i] != NULL; i++) {
        const char *word = argv[i];

        if (pending != NULL) {
            if (command == &berth_cli_main_command && g_str_equal(pending->long_name, "connect"))
                berth_cli_set_address(word);
            pending = NULL;
        } else if (!options_done && g_str_equal(word, "--")) {
            options_done = TRUE;
        } else if (!options_done && word[0] == '-' && word[1] != '\0') {
            g_autofree char *name = g_strndup(word, strcspn(word, "="));
            const GOptionEntry *entry = find_option(command, name);

            if (entry != NULL && takes_value(entry) && strchr(word, '=') == NULL)
                pending = entry;
            else if (entry != NULL && command == &berth_cli_main_command &&
                     g_str_equal(entry->long_name, "connect"))
                berth_cli_set_address(strchr(word, '=') + 1);
        } else if (command->subcommands != NULL) {
            command = berth_cli_find_subcommand(command, word);
            if (command == NULL)
                return COMPLETE_NOTHING;
            options_done = FALSE;
        } else {
            positional++;
        }
    }

    if (pending != NULL)
        return complete_value(pending, "", cur, words);
    if (!options_done && g_str_has_prefix(cur, "-")) {
        const char *equals = strchr(cur, '=');

        if (equals != NULL) {
            g_autofree char *name = g_strndup(cur, (gsize)(equals - cur));
            g_autofree char *prefix = g_strndup(cur, (gsize)(equals - cur) + 1);
            const GOptionEntry *entry = find_option(command, name);

            return entry != NULL ? complete_value(entry, prefix, cur, words) : COMPLETE_NOTHING;
        }
        for (const GOptionEntry *e = command->options; e != NULL && e->long_name != NULL; e++) {
            g_autofree char *option = g_strconcat("--", e->long_name, NULL);

            add_word(words, cur, option);
        }
        add_word(words, cur, "--help");
        return COMPLETE_WORDS;
    }
    if (command->subcommands != NULL) {
        for (const BerthCliCommand *const *c = command->subcommands; *c != NULL; c++) {
            const char *last = strrchr((*c)->name, ' ');

            add_word(words, cur, last != NULL ? last + 1 : (*c)->name);
        }
        return COMPLETE_WORDS;
    }
    return complete_parameter(command, positional, cur, words);
}

int
berth_cli_complete(int argc, char **argv)
{
    g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func(g_free);
    guint64 cword = 0;
    CompleteKind kind;

    /* argv: "__complete" CWORD WORD0 WORD1 …, WORD0 being berth itself. */
    if (argc < 3 || !g_ascii_string_to_unsigned(argv[1], 10, 1, G_MAXUINT, &cword, NULL)) {
        berth_cli_error("__complete", "usage: berth __complete CWORD WORD…");
        return 2;
    }
    kind = complete(argv + 2, (guint)cword, words);
    if (kind == COMPLETE_FILES)
        printf("files\n");
    else
        printf("words\n");
    for (guint i = 0; i < words->len; i++)
        printf("%s\n", (const char *)g_ptr_array_index(words, i));
    return 0;
}
