/* berth-cli-table.c: plain-text tables, columns padded to their widest cell.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "berth-cli.h"

void
berth_cli_print_table(const char *const *headers, guint n_columns, GPtrArray *rows)
{
    g_autofree guint *widths = g_new0(guint, n_columns);
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint c = 0; c < n_columns; c++)
        widths[c] = g_utf8_strlen(headers[c], -1);
    for (guint i = 0; i < rows->len; i++) {
        const char *const *row = g_ptr_array_index(rows, i);

        for (guint c = 0; c < n_columns; c++)
            widths[c] = MAX(widths[c], (guint)g_utf8_strlen(row[c], -1));
    }
    for (guint i = 0; i <= rows->len; i++) {
        const char *const *row = i == 0 ? headers : g_ptr_array_index(rows, i - 1);
        gsize start = out->len;

        for (guint c = 0; c < n_columns; c++) {
            g_string_append(out, row[c]);
            for (guint k = g_utf8_strlen(row[c], -1); c + 1 < n_columns && k < widths[c] + 2; k++)
                g_string_append_c(out, ' ');
        }
        while (out->len > start && out->str[out->len - 1] == ' ')
            g_string_truncate(out, out->len - 1);
        g_string_append_c(out, '\n');
    }
    fwrite(out->str, 1, out->len, stdout);
}
