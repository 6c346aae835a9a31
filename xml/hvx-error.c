/* hvx-error.c: the libhvx error domain and the diagnostics list.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>

#include "hvx-error.h"

static const GDBusErrorEntry hvx_error_entries[] = {
    {HVX_ERROR_READ, "org.berth.Xml.Error.Read"},
    {HVX_ERROR_INVALID, "org.berth.Xml.Error.Invalid"},
    {HVX_ERROR_WRONG_KIND, "org.berth.Xml.Error.WrongKind"},
};

/* Registered with GDBus so D-Bus clients get typed errors back. */
GQuark
hvx_error_quark(void)
{
    static gsize quark = 0;

    g_dbus_error_register_error_domain("hvx-error-quark", &quark, hvx_error_entries,
                                       G_N_ELEMENTS(hvx_error_entries));
    return (GQuark)quark;
}

HvxDiagnostic *
hvx_diagnostic_new(const char *file, guint line, const char *message)
{
    HvxDiagnostic *diagnostic;

    g_return_val_if_fail(file != NULL, NULL);
    g_return_val_if_fail(message != NULL, NULL);

    diagnostic = g_new0(HvxDiagnostic, 1);
    diagnostic->file = g_strdup(file);
    diagnostic->line = line;
    diagnostic->message = g_strdup(message);
    return diagnostic;
}

void
hvx_diagnostic_free(HvxDiagnostic *diagnostic)
{
    if (diagnostic == NULL)
        return;
    g_free(diagnostic->file);
    g_free(diagnostic->message);
    g_free(diagnostic);
}

char *
hvx_diagnostic_to_string(const HvxDiagnostic *diagnostic)
{
    g_return_val_if_fail(diagnostic != NULL, NULL);

    if (diagnostic->line == 0)
        return g_strdup_printf("%s: %s", diagnostic->file, diagnostic->message);
    return g_strdup_printf("%s:%u: %s", diagnostic->file, diagnostic->line, diagnostic->message);
}

GPtrArray *
hvx_diagnostics_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)hvx_diagnostic_free);
}

void
hvx_diagnostics_add(GPtrArray *diagnostics, const char *file, guint line, const char *format, ...)
{
    g_autofree char *message = NULL;
    va_list args;

    g_return_if_fail(diagnostics != NULL);

    va_start(args, format);
    message = g_strdup_vprintf(format, args);
    va_end(args);
    g_ptr_array_add(diagnostics, hvx_diagnostic_new(file, line, message));
}

void
hvx_diagnostics_set_error(GPtrArray *diagnostics, GError **error)
{
    g_autoptr(GString) text = g_string_new(NULL);

    g_return_if_fail(diagnostics != NULL);

    for (guint i = 0; i < diagnostics->len; i++) {
        g_autofree char *line = hvx_diagnostic_to_string(g_ptr_array_index(diagnostics, i));

        if (i > 0)
            g_string_append_c(text, '\n');
        g_string_append(text, line);
    }
    g_set_error_literal(error, HVX_ERROR, HVX_ERROR_INVALID, text->str);
}
