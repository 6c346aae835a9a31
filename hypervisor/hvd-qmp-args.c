/* hvd-qmp-args.c: building the "arguments" object of a QMP command in one call.
 *
 * The key syntax follows libvirt's qemuMonitorJSONMakeCommand: a one-letter type, a colon and
 * the member name, so that a whole command reads as one line at the call site.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvd-qmp-args.h"

/**
 * hvd_qmp_args_new:
 * @first_key: "T:name" for the first member, followed by its value, then more pairs, then %NULL
 *
 * Builds a JSON object from typed key/value pairs. T is one of:
 *
 * - `s` a string (must not be %NULL); `S` a string, member left out when %NULL
 * - `b` a #gboolean
 * - `i` an int; `I` a #gint64; `u` a #guint; `U` a #guint64 (must fit in a #gint64)
 * - `d` a double
 * - `n` a #JsonNode, `o` a #JsonObject, `a` a #JsonArray: ownership is taken; `N`, `O`, `A`:
 *   the same, member left out when %NULL
 *
 * |[<!-- language="C" -->
 * g_autoptr(JsonObject) args = hvd_qmp_args_new("s:uri", "fd:migrate", "b:detach", TRUE, NULL);
 * ]|
 *
 * Returns: (transfer full): the new object, or %NULL (with a critical) on a malformed key.
 */
JsonObject *
hvd_qmp_args_new(const char *first_key, ...)
{
    va_list ap;
    JsonObject *object;

    va_start(ap, first_key);
    object = hvd_qmp_args_new_valist(first_key, ap);
    va_end(ap);
    return object;
}

/**
 * hvd_qmp_args_new_valist:
 * @first_key: (nullable): see hvd_qmp_args_new()
 * @ap: the values and further keys
 *
 * Returns: (transfer full): the new object, or %NULL on a malformed key.
 */
JsonObject *
hvd_qmp_args_new_valist(const char *first_key, va_list ap)
{
    g_autoptr(JsonObject) object = json_object_new();

    for (const char *key = first_key; key != NULL; key = va_arg(ap, const char *)) {
        const char *name = key + 2;

        if (key[0] == '\0' || key[1] != ':' || name[0] == '\0') {
            g_critical("hvd_qmp_args_new: malformed key \"%s\" (want \"T:name\")", key);
            return NULL;
        }

        switch (key[0]) {
        case 's':
        case 'S': {
            const char *value = va_arg(ap, const char *);

            if (value == NULL && key[0] == 's') {
                g_critical("hvd_qmp_args_new: NULL string for \"%s\"", name);
                return NULL;
            }
            if (value != NULL)
                json_object_set_string_member(object, name, value);
            break;
        }
        case 'b':
            json_object_set_boolean_member(object, name, va_arg(ap, gboolean) != FALSE);
            break;
        case 'i':
            json_object_set_int_member(object, name, va_arg(ap, int));
            break;
        case 'I':
            json_object_set_int_member(object, name, va_arg(ap, gint64));
            break;
        case 'u':
            json_object_set_int_member(object, name, va_arg(ap, guint));
            break;
        case 'U': {
            guint64 value = va_arg(ap, guint64);

            if (value > G_MAXINT64) {
                g_critical("hvd_qmp_args_new: \"%s\" does not fit in a JSON integer", name);
                return NULL;
            }
            json_object_set_int_member(object, name, (gint64)value);
            break;
        }
        case 'd':
            json_object_set_double_member(object, name, va_arg(ap, double));
            break;
        case 'n':
        case 'N': {
            JsonNode *value = va_arg(ap, JsonNode *);

            if (value == NULL && key[0] == 'n') {
                g_critical("hvd_qmp_args_new: NULL node for \"%s\"", name);
                return NULL;
            }
            if (value != NULL)
                json_object_set_member(object, name, value);
            break;
        }
        case 'o':
        case 'O': {
            JsonObject *value = va_arg(ap, JsonObject *);

            if (value == NULL && key[0] == 'o') {
                g_critical("hvd_qmp_args_new: NULL object for \"%s\"", name);
                return NULL;
            }
            if (value != NULL)
                json_object_set_object_member(object, name, value);
            break;
        }
        case 'a':
        case 'A': {
            JsonArray *value = va_arg(ap, JsonArray *);

            if (value == NULL && key[0] == 'a') {
                g_critical("hvd_qmp_args_new: NULL array for \"%s\"", name);
                return NULL;
            }
            if (value != NULL)
                json_object_set_array_member(object, name, value);
            break;
        }
        default:
            g_critical("hvd_qmp_args_new: unknown type '%c' in \"%s\"", key[0], key);
            return NULL;
        }
    }

    return g_steal_pointer(&object);
}
