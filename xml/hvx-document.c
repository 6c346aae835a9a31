/* hvx-document.c: reading definition files safely.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "hvx-document-private.h"
#include "hvx-error.h"

char *
hvx_document_read_file(const char *path, gsize max_bytes, gsize *ret_len, GPtrArray *diagnostics)
{
    g_autofree char *data = NULL;
    struct stat st;
    gsize len = 0;
    int fd;

    fd = g_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
    if (fd < 0) {
        int saved_errno = errno;

        hvx_diagnostics_add(diagnostics, path, 0, _("cannot open the file: %s"),
                            g_strerror(saved_errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        int saved_errno = errno;

        hvx_diagnostics_add(diagnostics, path, 0, _("cannot read the file: %s"),
                            g_strerror(saved_errno));
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        hvx_diagnostics_add(diagnostics, path, 0, _("is a directory, not a definition file"));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        hvx_diagnostics_add(diagnostics, path, 0, _("is not a regular file"));
        close(fd);
        return NULL;
    }
    if ((guint64)st.st_size > max_bytes) {
        hvx_diagnostics_add(diagnostics, path, 0, _("the file is larger than %u KiB"),
                            (guint)(max_bytes / 1024));
        close(fd);
        return NULL;
    }
    /* Read one byte more than allowed so a file that grows meanwhile is still caught. */
    data = g_malloc(max_bytes + 2);
    while (len <= max_bytes) {
        gssize n = read(fd, data + len, max_bytes + 1 - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved_errno = errno;

            hvx_diagnostics_add(diagnostics, path, 0, _("cannot read the file: %s"),
                                g_strerror(saved_errno));
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        len += (gsize)n;
    }
    close(fd);
    if (len > max_bytes) {
        hvx_diagnostics_add(diagnostics, path, 0, _("the file is larger than %u KiB"),
                            (guint)(max_bytes / 1024));
        return NULL;
    }
    data[len] = '\0';
    *ret_len = len;
    return g_steal_pointer(&data);
}

static guint
hvx_line_at(const char *data, const char *at)
{
    guint line = 1;

    for (const char *p = data; p < at; p++) {
        if (*p == '\n')
            line++;
    }
    return line;
}

/* Finds "<!DOCTYPE" or "<!ENTITY": document type declarations can pull in files, the network or
 * entity bombs, and no definition needs one. */
static const char *
hvx_find_declaration(const char *data, gsize len)
{
    static const char *const markers[] = {"<!DOCTYPE", "<!ENTITY"};
    const char *found = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(markers); i++) {
        const char *p = g_strstr_len(data, (gssize)len, markers[i]);

        if (p != NULL && (found == NULL || p < found))
            found = p;
    }
    return found;
}

typedef struct {
    const char *source_name;
    GPtrArray *diagnostics;
    gboolean reported;
} HvxParseErrors;

/* libxml2's own sentences are English and name its internals; keep only the code, line and
 * names, and say it in ours. Only the first error counts: the rest follow from it. */
static char *
hvx_parse_error_message(const xmlError *err)
{
    const char *s1 = err->str1 != NULL ? err->str1 : "?";
    const char *s2 = err->str2 != NULL ? err->str2 : "?";

    switch (err->code) {
    case XML_ERR_DOCUMENT_EMPTY:
        return g_strdup(_("the file contains no XML element"));
    case XML_ERR_DOCUMENT_END:
        return g_strdup(_("malformed XML: content after the end of the root element"));
    case XML_ERR_TAG_NAME_MISMATCH:
        /* Translators: malformed XML, e.g. <name> is closed by </nmae>. */
        return g_strdup_printf(_("malformed XML: <%s> is closed by </%s>"), s1, s2);
    case XML_ERR_TAG_NOT_FINISHED:
        return g_strdup_printf(_("malformed XML: <%s> is never closed"), s1);
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
        return g_strdup_printf(_("malformed XML: unknown entity &%s;"), s1);
    case XML_ERR_ATTRIBUTE_REDEFINED:
        return g_strdup_printf(_("malformed XML: the attribute \"%s\" appears twice"), s1);
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
    case XML_ERR_LT_IN_ATTRIBUTE:
        return g_strdup(_("malformed XML: an attribute value must be in quotes"));
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_DEC_CHARREF:
    case XML_ERR_INVALID_HEX_CHARREF:
    case XML_ERR_INVALID_CHARREF:
        return g_strdup(_("malformed XML: a character that XML does not allow"));
    case XML_ERR_INVALID_ENCODING:
    case XML_ERR_UNKNOWN_ENCODING:
    case XML_ERR_UNSUPPORTED_ENCODING:
        return g_strdup(_("the text is not valid UTF-8"));
    case XML_ERR_COMMENT_NOT_FINISHED:
        return g_strdup(_("malformed XML: a comment is never closed"));
    case XML_ERR_GT_REQUIRED:
    case XML_ERR_LTSLASH_REQUIRED:
    case XML_ERR_NAME_REQUIRED:
    case XML_ERR_SPACE_REQUIRED:
    case XML_ERR_LT_REQUIRED:
        return g_strdup(_("malformed XML: a tag is broken"));
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        return g_strdup(_("malformed XML: \"&\" must be written as &amp;"));
    case XML_ERR_RESERVED_XML_NAME:
    case XML_ERR_XMLDECL_NOT_FINISHED:
    case XML_ERR_XMLDECL_NOT_STARTED:
    case XML_ERR_VERSION_MISSING:
        return g_strdup(_("malformed XML: a broken <?xml …?> declaration"));
    case XML_ERR_EXT_ENTITY_STANDALONE:
    case XML_ERR_ENTITY_LOOP:
    case XML_ERR_ENTITY_PE_INTERNAL:
    case XML_ERR_NOT_STANDALONE:
        return g_strdup(_("entity declarations are not allowed"));
    case XML_ERR_NS_DECL_ERROR:
    case XML_NS_ERR_UNDEFINED_NAMESPACE:
    case XML_NS_ERR_QNAME:
        return g_strdup_printf(_("malformed XML: an undeclared namespace prefix in <%s>"), s1);
    default:
        (void)s2;
        /* Translators: %d is libxml2's error number, for bug reports. */
        return g_strdup_printf(_("malformed XML (parser error %d)"), err->code);
    }
}

static void
hvx_parse_error_cb(void *user_data, xmlError *err)
{
    HvxParseErrors *errors = user_data;
    g_autofree char *message = NULL;

    if (err == NULL || err->level < XML_ERR_ERROR || errors->reported)
        return;
    errors->reported = TRUE;
    message = hvx_parse_error_message(err);
    hvx_diagnostics_add(errors->diagnostics, errors->source_name,
                        err->line > 0 ? (guint)err->line : 0, "%s", message);
}

xmlDoc *
hvx_document_parse(const char *data, gsize len, const char *source_name, gsize max_bytes,
                   GPtrArray *diagnostics)
{
    HvxParseErrors errors = {source_name, diagnostics, FALSE};
    g_autoptr(xmlDoc) doc = NULL;
    const char *bad = NULL;
    const char *declaration;
    gboolean blank = TRUE;
    /* No NOENT (entities are never substituted), no DTDLOAD/DTDATTR, no network. */
    int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING |
                  XML_PARSE_NOERROR;

    for (gsize i = 0; i < len && blank; i++)
        blank = g_ascii_isspace(data[i]);
    if (blank) {
        hvx_diagnostics_add(diagnostics, source_name, 0, _("the file is empty"));
        return NULL;
    }
    if (len > max_bytes || len > G_MAXINT) {
        hvx_diagnostics_add(diagnostics, source_name, 0, _("the file is larger than %u KiB"),
                            (guint)(max_bytes / 1024));
        return NULL;
    }
    if (!g_utf8_validate(data, (gssize)len, &bad)) {
        hvx_diagnostics_add(diagnostics, source_name, hvx_line_at(data, bad),
                            _("the text is not valid UTF-8"));
        return NULL;
    }
    declaration = hvx_find_declaration(data, len);
    if (declaration != NULL) {
        hvx_diagnostics_add(diagnostics, source_name, hvx_line_at(data, declaration),
                            _("<!DOCTYPE> and <!ENTITY> declarations are not allowed"));
        return NULL;
    }

    xmlSetStructuredErrorFunc(&errors, hvx_parse_error_cb);
    doc = xmlReadMemory(data, (int)len, NULL, "UTF-8", options);
    xmlSetStructuredErrorFunc(NULL, NULL);

    if (doc == NULL || errors.reported) {
        if (!errors.reported)
            hvx_diagnostics_add(diagnostics, source_name, 0, _("malformed XML"));
        return NULL;
    }
    if (doc->intSubset != NULL || doc->extSubset != NULL) {
        hvx_diagnostics_add(diagnostics, source_name, 1,
                            _("<!DOCTYPE> and <!ENTITY> declarations are not allowed"));
        return NULL;
    }
    if (xmlDocGetRootElement(doc) == NULL) {
        hvx_diagnostics_add(diagnostics, source_name, 0, _("the file contains no XML element"));
        return NULL;
    }
    return g_steal_pointer(&doc);
}
