/* vsw-nft.c: Berth's own nftables tables, through libnftables (or in memory for the fake host).
 *
 * Rules are found again by listing the tables with handles ("... comment "TAG" # handle N") and
 * deleted by handle, so nothing outside Berth's tables is ever read or touched.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <nftables/libnftables.h>
#include <string.h>

#include "vsw-error.h"
#include "vsw-nft.h"

/* A rule as found in the tables (or kept by the memory backend). */
typedef struct {
    VswNftFamily family;
    char *chain;
    char *rule;
    char *tag;
    guint64 handle;
} Entry;

struct _VswNft {
    GObject parent_instance;

    struct nft_ctx *ctx; /* NULL in memory */
    GPtrArray *memory;   /* of Entry, in memory only */
    guint64 next_handle;
};

G_DEFINE_FINAL_TYPE(VswNft, vsw_nft, G_TYPE_OBJECT)

static const char *const family_names[] = {"ip", "bridge"};

static void
entry_free(gpointer data)
{
    Entry *e = data;

    g_free(e->chain);
    g_free(e->rule);
    g_free(e->tag);
    g_free(e);
}

VswNftRule *
vsw_nft_rule_new(VswNftFamily family, const char *chain, const char *format, ...)
{
    VswNftRule *rule = g_new0(VswNftRule, 1);
    va_list args;

    rule->family = family;
    rule->chain = chain;
    va_start(args, format);
    rule->rule = g_strdup_vprintf(format, args);
    va_end(args);
    return rule;
}

void
vsw_nft_rule_free(VswNftRule *rule)
{
    if (!rule)
        return;
    g_free(rule->rule);
    g_free(rule);
}

/* Runs @script as one transaction. */
static gboolean
run(VswNft *self, const char *script, char **ret_output, GError **error)
{
    int r;

    r = nft_run_cmd_from_buffer(self->ctx, script);
    if (r != 0) {
        g_autofree char *message = g_strstrip(g_strdup(nft_ctx_get_error_buffer(self->ctx)));

        g_set_error(error, VSW_ERROR, VSW_ERROR_FAILED, _("nftables refused Berth's rules: %s"),
                    message[0] ? message : _("unknown error"));
        g_debug("nft script that failed:\n%s", script);
        return FALSE;
    }
    if (ret_output)
        *ret_output = g_strdup(nft_ctx_get_output_buffer(self->ctx));
    return TRUE;
}

gboolean
vsw_nft_ensure(VswNft *self, GError **error)
{
    static const char script[] =
        "add table ip berth\n"
        "add chain ip berth postrouting { type nat hook postrouting priority srcnat; policy "
        "accept; }\n"
        "add chain ip berth forward { type filter hook forward priority filter; policy accept; "
        "}\n"
        "add table bridge berth\n"
        "add chain bridge berth prerouting { type filter hook prerouting priority filter; "
        "policy accept; }\n"
        "add chain bridge berth forward { type filter hook forward priority filter; policy "
        "accept; }\n"
        "add chain bridge berth input { type filter hook input priority filter; policy accept; "
        "}\n"
        "add chain bridge berth output { type filter hook output priority filter; policy "
        "accept; }\n";

    g_return_val_if_fail(VSW_IS_NFT(self), FALSE);

    if (!self->ctx)
        return TRUE;
    return run(self, script, NULL, error);
}

/* Every tagged rule of Berth's tables. A missing table is an empty one. */
static GPtrArray *
list_entries(VswNft *self, GError **error)
{
    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(entry_free);
    g_autoptr(GRegex) chain_re = g_regex_new("^\\s*chain (\\S+) \\{", 0, 0, NULL);
    g_autoptr(GRegex) rule_re =
        g_regex_new("^\\s*(.*) comment \"(berth:[^\"]*)\" # handle (\\d+)\\s*$", 0, 0, NULL);

    if (!self->ctx) {
        for (guint i = 0; i < self->memory->len; i++) {
            Entry *m = g_ptr_array_index(self->memory, i);
            Entry *e = g_new0(Entry, 1);

            *e = (Entry){m->family, g_strdup(m->chain), g_strdup(m->rule), g_strdup(m->tag),
                         m->handle};
            g_ptr_array_add(entries, e);
        }
        return g_steal_pointer(&entries);
    }
    for (guint f = 0; f < G_N_ELEMENTS(family_names); f++) {
        g_autofree char *cmd = g_strdup_printf("list table %s berth", family_names[f]);
        g_autofree char *output = NULL;
        g_auto(GStrv) lines = NULL;
        g_autofree char *chain = NULL;

        if (nft_run_cmd_from_buffer(self->ctx, cmd) != 0) {
            const char *err = nft_ctx_get_error_buffer(self->ctx);

            if (err && (strstr(err, "No such file or directory") || strstr(err, "does not exist")))
                continue;
            g_set_error(error, VSW_ERROR, VSW_ERROR_FAILED,
                        _("Cannot read Berth's nftables table: %s"), err ? err : "");
            return NULL;
        }
        output = g_strdup(nft_ctx_get_output_buffer(self->ctx));
        lines = g_strsplit(output, "\n", -1);
        for (guint i = 0; lines[i]; i++) {
            g_autoptr(GMatchInfo) m = NULL;

            if (g_regex_match(chain_re, lines[i], 0, &m)) {
                g_free(chain);
                chain = g_match_info_fetch(m, 1);
                continue;
            }
            g_clear_pointer(&m, g_match_info_free);
            if (chain && g_regex_match(rule_re, lines[i], 0, &m)) {
                Entry *e = g_new0(Entry, 1);
                g_autofree char *handle = g_match_info_fetch(m, 3);

                e->family = (VswNftFamily)f;
                e->chain = g_strdup(chain);
                e->rule = g_match_info_fetch(m, 1);
                e->tag = g_match_info_fetch(m, 2);
                e->handle = g_ascii_strtoull(handle, NULL, 10);
                g_ptr_array_add(entries, e);
            }
        }
    }
    return g_steal_pointer(&entries);
}

static gboolean
tag_matches(const char *pattern, const char *tag)
{
    gsize n = strlen(pattern);

    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, tag, n - 1) == 0;
    return strcmp(pattern, tag) == 0;
}

gboolean
vsw_nft_replace(VswNft *self, const char *tag, GPtrArray *rules, GError **error)
{
    g_autoptr(GPtrArray) entries = NULL;
    g_autoptr(GString) script = g_string_new(NULL);

    g_return_val_if_fail(VSW_IS_NFT(self), FALSE);
    g_return_val_if_fail(tag != NULL && g_str_has_prefix(tag, "berth:"), FALSE);

    if (!vsw_nft_ensure(self, error))
        return FALSE;
    entries = list_entries(self, error);
    if (!entries)
        return FALSE;
    if (!self->ctx) {
        for (guint i = 0; i < self->memory->len;) {
            if (strcmp(((Entry *)g_ptr_array_index(self->memory, i))->tag, tag) == 0)
                g_ptr_array_remove_index(self->memory, i);
            else
                i++;
        }
        for (guint i = 0; rules && i < rules->len; i++) {
            VswNftRule *rule = g_ptr_array_index(rules, i);
            Entry *e = g_new0(Entry, 1);

            *e = (Entry){rule->family, g_strdup(rule->chain), g_strdup(rule->rule), g_strdup(tag),
                         self->next_handle++};
            g_ptr_array_add(self->memory, e);
        }
        return TRUE;
    }
    for (guint i = 0; i < entries->len; i++) {
        Entry *e = g_ptr_array_index(entries, i);

        if (strcmp(e->tag, tag) == 0)
            g_string_append_printf(script, "delete rule %s berth %s handle %" G_GUINT64_FORMAT "\n",
                                   family_names[e->family], e->chain, e->handle);
    }
    for (guint i = 0; rules && i < rules->len; i++) {
        VswNftRule *rule = g_ptr_array_index(rules, i);

        g_string_append_printf(script, "add rule %s berth %s %s comment \"%s\"\n",
                               family_names[rule->family], rule->chain, rule->rule, tag);
    }
    if (script->len == 0)
        return TRUE;
    return run(self, script->str, NULL, error);
}

gboolean
vsw_nft_remove(VswNft *self, const char *tag, GError **error)
{
    return vsw_nft_replace(self, tag, NULL, error);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GStrv
vsw_nft_list_tags(VswNft *self, GError **error)
{
    g_autoptr(GPtrArray) entries = NULL;
    g_autoptr(GPtrArray) tags = g_ptr_array_new();

    g_return_val_if_fail(VSW_IS_NFT(self), NULL);

    entries = list_entries(self, error);
    if (!entries)
        return NULL;
    for (guint i = 0; i < entries->len; i++) {
        const char *tag = ((Entry *)g_ptr_array_index(entries, i))->tag;

        if (!g_ptr_array_find_with_equal_func(tags, tag, g_str_equal, NULL))
            g_ptr_array_add(tags, g_strdup(tag));
    }
    g_ptr_array_sort(tags, compare_strings);
    g_ptr_array_add(tags, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&tags), FALSE);
}

int
vsw_nft_count(VswNft *self, const char *tag)
{
    g_autoptr(GPtrArray) entries = NULL;
    int n = 0;

    g_return_val_if_fail(VSW_IS_NFT(self), -1);

    entries = list_entries(self, NULL);
    if (!entries)
        return -1;
    for (guint i = 0; i < entries->len; i++) {
        if (tag_matches(tag, ((Entry *)g_ptr_array_index(entries, i))->tag))
            n++;
    }
    return n;
}

gboolean
vsw_nft_drop_tables(VswNft *self, GError **error)
{
    g_return_val_if_fail(VSW_IS_NFT(self), FALSE);

    if (!self->ctx) {
        g_ptr_array_set_size(self->memory, 0);
        return TRUE;
    }
    if (!vsw_nft_ensure(self, error))
        return FALSE;
    return run(self, "delete table ip berth\ndelete table bridge berth\n", NULL, error);
}

static void
vsw_nft_finalize(GObject *object)
{
    VswNft *self = VSW_NFT(object);

    if (self->ctx)
        nft_ctx_free(self->ctx);
    g_ptr_array_unref(self->memory);
    G_OBJECT_CLASS(vsw_nft_parent_class)->finalize(object);
}

static void
vsw_nft_class_init(VswNftClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = vsw_nft_finalize;
}

static void
vsw_nft_init(VswNft *self)
{
    self->memory = g_ptr_array_new_with_free_func(entry_free);
    self->next_handle = 1;
}

VswNft *
vsw_nft_new(gboolean kernel)
{
    VswNft *self = g_object_new(VSW_TYPE_NFT, NULL);

    if (kernel) {
        self->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
        nft_ctx_output_set_flags(self->ctx, NFT_CTX_OUTPUT_HANDLE);
        nft_ctx_buffer_output(self->ctx);
        nft_ctx_buffer_error(self->ctx);
    }
    return self;
}
