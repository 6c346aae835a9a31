/* hvx-error.h: the libhvx error domain and the diagnostics list.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HVX_ERROR (hvx_error_quark())

typedef enum {
    HVX_ERROR_READ,       /* the file could not be read (missing, a directory, too large) */
    HVX_ERROR_INVALID,    /* the document is not a valid definition, or a value (an address,
                           * a MAC) breaks its rule: hvx-net-address.h */
    HVX_ERROR_WRONG_KIND, /* a valid definition, but not the kind asked for */
} HvxErrorCode;

GQuark hvx_error_quark(void);

/* One problem found in a definition: "FILE:LINE: message" (line 0 = the whole file). */
typedef struct {
    char *file;
    guint line;
    char *message;
} HvxDiagnostic;

HvxDiagnostic *hvx_diagnostic_new(const char *file, guint line, const char *message);
void hvx_diagnostic_free(HvxDiagnostic *diagnostic);
char *hvx_diagnostic_to_string(const HvxDiagnostic *diagnostic);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvxDiagnostic, hvx_diagnostic_free)

/* A GPtrArray of HvxDiagnostic, freeing its elements. */
GPtrArray *hvx_diagnostics_new(void);
void hvx_diagnostics_add(GPtrArray *diagnostics, const char *file, guint line, const char *format,
                         ...) G_GNUC_PRINTF(4, 5);
/* Sets @error to HVX_ERROR_INVALID with every diagnostic, one per line. */
void hvx_diagnostics_set_error(GPtrArray *diagnostics, GError **error);

G_END_DECLS
