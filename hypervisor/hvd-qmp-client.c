/* hvd-qmp-client.c: berthd's QMP client, one per QEMU worker.
 *
 * Everything runs on the main context that was the thread default when the client was made:
 * the socket is non-blocking, reads and writes are driven by socket sources, and no callback
 * runs after the client is gone because every source is destroyed when the connection closes.
 *
 * In-flight commands hold a reference on the client (their GTask's source object), as GIO
 * objects do; hvd_qmp_client_close() ends the connection and fails them at once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvd-qmp-client.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <gio/gunixfdmessage.h>
#include <gio/gunixsocketaddress.h>

/* How much is read per wakeup, the largest message accepted (query-qmp-schema is ~200 KiB),
 * how deep JSON may nest and how often a socket that does not exist yet is tried again. */
#define HVD_QMP_READ_SIZE   65536
#define HVD_QMP_MAX_MESSAGE (16 * 1024 * 1024)
#define HVD_QMP_MAX_DEPTH   1024
#define HVD_QMP_RETRY_MS    20

typedef enum {
    STATE_GREETING,
    STATE_NEGOTIATING,
    STATE_READY,
    STATE_CLOSED,
} HvdQmpState;

/* A command sent or about to be sent, waiting for its reply. */
typedef struct {
    char *id;
    char *command;
    guint64 seq;
    GTask *task; /* NULL once the caller cancelled: the reply is then dropped */
    GSource *cancel_source;
    gboolean sent;        /* some of it is on the wire: it can no longer be taken back */
    HvdQmpClient *client; /* unowned: the client owns the pending table */
} HvdQmpPending;

/* One message in the write queue. */
typedef struct {
    char *id;
    GBytes *data;
    gsize offset;
    int fd; /* ours (a dup), sent with the first byte, then closed; -1 when none */
} HvdQmpOutgoing;

struct _HvdQmpClient {
    GObject parent_instance;

    GMainContext *context;
    HvdQmpState state;
    GIOStream *stream; /* the GSocketConnection that owns socket, when we made one */
    GSocket *socket;
    GSource *read_source;
    GSource *write_source;

    /* Incoming bytes and the state of the scan that splits them into JSON objects. */
    GByteArray *inbuf;
    gsize scan_pos;
    guint depth;
    gboolean in_string;
    gboolean escaped;

    GQueue outgoing;
    GHashTable *pending; /* id → HvdQmpPending */
    guint64 next_seq;

    GTask *connect_task; /* until the handshake ends */

    JsonObject *greeting;
    guint version[3];
    char *package;
    GError *close_reason;
};

G_DEFINE_FINAL_TYPE(HvdQmpClient, hvd_qmp_client, G_TYPE_OBJECT)

enum {
    SIGNAL_EVENT,
    SIGNAL_CLOSED,
    N_SIGNALS,
};

static guint signals[N_SIGNALS];

typedef struct {
    char *path; /* NULL when connecting an existing socket */
    guint timeout_ms;
    GSocketClient *socket_client;
    GSocketAddress *address;
    GCancellable *cancellable; /* ours: cancelled when the connect ends early */
    GSource *timeout_source;
    GSource *retry_source;
    GSource *user_cancel_source;
    HvdQmpClient *client;
    gboolean done;
} ConnectData;

static void client_close(HvdQmpClient *self, GError *reason, gboolean emit);
static void connect_return(GTask *task, GError *error);
static void execute_internal(HvdQmpClient *self, GTask *task, const char *command, JsonObject *args,
                             int fd);

/* Safe accessors: json-glib's own ones warn when a member has the wrong type, and the peer
 * decides the types here. */
static JsonObject *
member_object(JsonObject *object, const char *name)
{
    JsonNode *node = object != NULL ? json_object_get_member(object, name) : NULL;

    return node != NULL && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

static const char *
member_string(JsonObject *object, const char *name)
{
    JsonNode *node = object != NULL ? json_object_get_member(object, name) : NULL;

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_STRING)
        return NULL;
    return json_node_get_string(node);
}

static gint64
member_int(JsonObject *object, const char *name, gint64 fallback)
{
    JsonNode *node = object != NULL ? json_object_get_member(object, name) : NULL;

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) ||
        json_node_get_value_type(node) != G_TYPE_INT64)
        return fallback;
    return json_node_get_int(node);
}

static void
destroy_source(GSource **source)
{
    if (*source != NULL) {
        g_source_destroy(*source);
        g_clear_pointer(source, g_source_unref);
    }
}

static void
pending_free(HvdQmpPending *pending)
{
    destroy_source(&pending->cancel_source);
    /* Every path that drops a pending command completes its task first. */
    g_assert(pending->task == NULL);
    g_free(pending->id);
    g_free(pending->command);
    g_free(pending);
}

static void
outgoing_free(HvdQmpOutgoing *out)
{
    if (out->fd >= 0)
        close(out->fd);
    g_free(out->id);
    g_bytes_unref(out->data);
    g_free(out);
}

static void
hvd_qmp_client_dispose(GObject *object)
{
    HvdQmpClient *self = HVD_QMP_CLIENT(object);

    client_close(
        self,
        g_error_new_literal(HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED, "The QMP client was disposed"),
        FALSE);

    G_OBJECT_CLASS(hvd_qmp_client_parent_class)->dispose(object);
}

static void
hvd_qmp_client_finalize(GObject *object)
{
    HvdQmpClient *self = HVD_QMP_CLIENT(object);

    g_assert(g_hash_table_size(self->pending) == 0);
    g_hash_table_unref(self->pending);
    g_byte_array_unref(self->inbuf);
    g_clear_pointer(&self->greeting, json_object_unref);
    g_free(self->package);
    g_clear_error(&self->close_reason);
    g_main_context_unref(self->context);

    G_OBJECT_CLASS(hvd_qmp_client_parent_class)->finalize(object);
}

static void
hvd_qmp_client_class_init(HvdQmpClientClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hvd_qmp_client_dispose;
    object_class->finalize = hvd_qmp_client_finalize;

    /**
     * HvdQmpClient::event:
     * @self: the client
     * @name: the event's name, e.g. "SHUTDOWN"; also the signal's detail
     * @data: the event's `data` (an empty object when QEMU sent none)
     * @timestamp: when QEMU emitted it, in microseconds since the epoch
     */
    signals[SIGNAL_EVENT] =
        g_signal_new("event", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0,
                     NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                     JSON_TYPE_OBJECT, G_TYPE_INT64);

    /**
     * HvdQmpClient::closed:
     * @self: the client
     * @reason: why: %HVD_QMP_ERROR_CLOSED when QEMU went away or hvd_qmp_client_close() was
     *   called, %HVD_QMP_ERROR_PROTOCOL when the peer sent something that is not QMP
     *
     * Emitted once, when the connection ends after the handshake, after the commands still
     * pending have failed. Not emitted when the client is disposed.
     */
    signals[SIGNAL_CLOSED] = g_signal_new("closed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
hvd_qmp_client_init(HvdQmpClient *self)
{
    self->context = g_main_context_ref_thread_default();
    self->state = STATE_GREETING;
    self->inbuf = g_byte_array_new();
    g_queue_init(&self->outgoing);
    self->pending =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)pending_free);
}

static gint
pending_compare_seq(gconstpointer a, gconstpointer b)
{
    const HvdQmpPending *pa = *(HvdQmpPending *const *)a;
    const HvdQmpPending *pb = *(HvdQmpPending *const *)b;

    return pa->seq < pb->seq ? -1 : pa->seq > pb->seq;
}

/* Ends the connection for good: stops all I/O, fails the pending commands in the order they
 * were issued, then emits "closed" (when @emit). Takes @reason. Safe to call more than once. */
static void
client_close(HvdQmpClient *self, GError *reason, gboolean emit)
{
    g_autoptr(HvdQmpClient) keep = g_object_ref(self);
    g_autoptr(GHashTable) pending = NULL;
    g_autoptr(GPtrArray) order = NULL;
    GHashTableIter iter;
    gpointer value;

    if (self->state == STATE_CLOSED) {
        g_error_free(reason);
        return;
    }
    self->state = STATE_CLOSED;
    self->close_reason = reason;

    destroy_source(&self->read_source);
    destroy_source(&self->write_source);
    g_queue_clear_full(&self->outgoing, (GDestroyNotify)outgoing_free);
    if (self->stream != NULL)
        g_io_stream_close(self->stream, NULL, NULL);
    else if (self->socket != NULL)
        g_socket_close(self->socket, NULL);
    g_clear_object(&self->stream);
    g_clear_object(&self->socket);
    g_byte_array_set_size(self->inbuf, 0);

    /* Callbacks may run from here on: they must find a consistent, closed client. */
    pending = g_steal_pointer(&self->pending);
    self->pending =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)pending_free);
    order = g_ptr_array_new();
    g_hash_table_iter_init(&iter, pending);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(order, value);
    g_ptr_array_sort(order, pending_compare_seq);
    for (guint i = 0; i < order->len; i++) {
        HvdQmpPending *p = order->pdata[i];
        g_autoptr(GTask) task = g_steal_pointer(&p->task);

        destroy_source(&p->cancel_source);
        if (task != NULL)
            g_task_return_new_error(task, reason->domain, reason->code,
                                    "QMP command '%s' failed: %s", p->command, reason->message);
    }

    if (self->connect_task != NULL)
        connect_return(self->connect_task, g_error_copy(reason));

    if (emit)
        g_signal_emit(self, signals[SIGNAL_CLOSED], 0, reason);
}

static void client_fail(HvdQmpClient *self, HvdQmpError code, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

static void
client_fail(HvdQmpClient *self, HvdQmpError code, const char *format, ...)
{
    va_list ap;
    GError *error;

    va_start(ap, format);
    error = g_error_new_valist(HVD_QMP_ERROR, code, format, ap);
    va_end(ap);
    client_close(self, error, TRUE);
}

/* A short, printable excerpt of what the peer sent, for error messages. */
static char *
excerpt(const guint8 *data, gsize len)
{
    g_autofree char *raw = NULL;
    gsize n = 0;

    while (n < len && n < 40 && data[n] != '\r' && data[n] != '\n' && data[n] != '\0')
        n++;
    raw = g_strndup((const char *)data, n);
    return g_strescape(raw, NULL);
}

/* Splits the bytes read so far into complete top-level JSON objects. QEMU ends each message
 * with CRLF, but counting brackets (outside strings) does not depend on that and also copes
 * with pretty-printed output. */
static GPtrArray *
split_messages(HvdQmpClient *self, GError **error)
{
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    const guint8 *data = self->inbuf->data;
    gsize len = self->inbuf->len;
    gsize start = 0;
    gsize i;

    for (i = self->scan_pos; i < len; i++) {
        guint8 c = data[i];

        if (self->depth == 0) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                start = i + 1;
                continue;
            }
            if (c != '{') {
                g_autofree char *bad = excerpt(data + i, len - i);

                g_set_error(error, HVD_QMP_ERROR, HVD_QMP_ERROR_PROTOCOL,
                            "The QMP peer sent data that is not a JSON object: \"%s\"", bad);
                break;
            }
            start = i;
            self->depth = 1;
            continue;
        }
        if (self->in_string) {
            if (self->escaped)
                self->escaped = FALSE;
            else if (c == '\\')
                self->escaped = TRUE;
            else if (c == '"')
                self->in_string = FALSE;
            continue;
        }
        switch (c) {
        case '"':
            self->in_string = TRUE;
            break;
        case '{':
        case '[':
            if (++self->depth > HVD_QMP_MAX_DEPTH) {
                g_set_error(error, HVD_QMP_ERROR, HVD_QMP_ERROR_PROTOCOL,
                            "The QMP peer sent JSON nested deeper than %d levels",
                            HVD_QMP_MAX_DEPTH);
                return g_steal_pointer(&messages);
            }
            break;
        case '}':
        case ']':
            if (--self->depth == 0) {
                g_ptr_array_add(messages, g_strndup((const char *)data + start, i + 1 - start));
                start = i + 1;
            }
            break;
        default:
            break;
        }
    }

    g_byte_array_remove_range(self->inbuf, 0, start);
    self->scan_pos = i - start;
    if (self->inbuf->len > HVD_QMP_MAX_MESSAGE && (error == NULL || *error == NULL))
        g_set_error(error, HVD_QMP_ERROR, HVD_QMP_ERROR_PROTOCOL,
                    "The QMP peer sent a message larger than %d bytes", HVD_QMP_MAX_MESSAGE);
    return g_steal_pointer(&messages);
}

static void
on_capabilities(GObject *source, GAsyncResult *result, gpointer user_data)
{
    HvdQmpClient *self = HVD_QMP_CLIENT(source);
    g_autoptr(GTask) task = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) ret = hvd_qmp_client_execute_finish(self, result, &error);

    if (ret == NULL) {
        connect_return(task,
                       g_error_new(error->domain, error->code,
                                   "QMP capabilities negotiation failed: %s", error->message));
        return;
    }
    if (self->state == STATE_NEGOTIATING)
        self->state = STATE_READY;
    connect_return(task, NULL);
}

static void
handle_greeting(HvdQmpClient *self, JsonObject *message)
{
    JsonObject *qmp = member_object(message, "QMP");
    JsonObject *version = member_object(member_object(qmp, "version"), "qemu");
    ConnectData *data;
    g_autoptr(GTask) task = NULL;

    if (qmp == NULL) {
        client_fail(self, HVD_QMP_ERROR_PROTOCOL,
                    "The peer did not greet with a QMP banner; is this a QMP socket?");
        return;
    }
    self->greeting = json_object_ref(qmp);
    self->version[0] = member_int(version, "major", 0);
    self->version[1] = member_int(version, "minor", 0);
    self->version[2] = member_int(version, "micro", 0);
    self->package = g_strdup(member_string(member_object(qmp, "version"), "package"));
    self->state = STATE_NEGOTIATING;

    /* The connect task is what the handshake reports to; it exists until the end of it. */
    g_assert(self->connect_task != NULL);
    data = g_task_get_task_data(self->connect_task);
    task = g_task_new(self, data->cancellable, on_capabilities, g_object_ref(self->connect_task));
    g_task_set_source_tag(task, hvd_qmp_client_execute_async);
    execute_internal(self, task, "qmp_capabilities", NULL, -1);
}

static void
handle_event(HvdQmpClient *self, JsonObject *message)
{
    const char *name = member_string(message, "event");
    JsonObject *timestamp = member_object(message, "timestamp");
    JsonObject *data = member_object(message, "data");
    g_autoptr(JsonObject) empty = NULL;
    gint64 when;

    if (name == NULL) {
        g_debug("QMP: ignoring an event without a name");
        return;
    }
    if (data == NULL)
        data = empty = json_object_new();
    if (timestamp != NULL)
        when = member_int(timestamp, "seconds", 0) * G_USEC_PER_SEC +
               member_int(timestamp, "microseconds", 0);
    else
        when = g_get_real_time();

    g_signal_emit(self, signals[SIGNAL_EVENT], g_quark_from_string(name), name, data, when);
}

static void
handle_reply(HvdQmpClient *self, JsonObject *message)
{
    const char *id = member_string(message, "id");
    JsonObject *error_object = member_object(message, "error");
    HvdQmpPending *pending = NULL;
    g_autoptr(GTask) task = NULL;

    if (id == NULL || !g_hash_table_steal_extended(self->pending, id, NULL, (gpointer *)&pending)) {
        g_debug("QMP: ignoring a reply to no command of ours (id %s)", id ? id : "none");
        return;
    }
    task = g_steal_pointer(&pending->task);
    g_clear_pointer(&pending, pending_free);
    if (task == NULL)
        return; /* cancelled by the caller */

    if (error_object != NULL) {
        const char *error_class = member_string(error_object, "class");
        const char *desc = member_string(error_object, "desc");
        HvdQmpError code = error_class != NULL ? hvd_qmp_error_from_class(error_class)
                                               : HVD_QMP_ERROR_GENERIC_ERROR;

        if (desc == NULL)
            desc = "QEMU gave no description";
        if (code == HVD_QMP_ERROR_UNKNOWN_CLASS)
            g_task_return_new_error(task, HVD_QMP_ERROR, code, "%s: %s", error_class, desc);
        else
            g_task_return_new_error(task, HVD_QMP_ERROR, code, "%s", desc);
    } else {
        g_task_return_pointer(task, json_node_copy(json_object_get_member(message, "return")),
                              (GDestroyNotify)json_node_unref);
    }
}

static void
handle_message(HvdQmpClient *self, const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    JsonNode *root;
    JsonObject *message;

    if (!json_parser_load_from_data(parser, text, -1, &error)) {
        client_fail(self, HVD_QMP_ERROR_PROTOCOL, "The QMP peer sent invalid JSON: %s",
                    error->message);
        return;
    }
    root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
        client_fail(self, HVD_QMP_ERROR_PROTOCOL, "The QMP peer sent JSON that is not an object");
        return;
    }
    message = json_node_get_object(root);

    if (self->state == STATE_GREETING)
        handle_greeting(self, message);
    else if (json_object_has_member(message, "event"))
        handle_event(self, message);
    else if (json_object_has_member(message, "return") || json_object_has_member(message, "error"))
        handle_reply(self, message);
    else
        g_debug("QMP: ignoring a message that is neither an event nor a reply");
}

static gboolean
on_socket_readable(GSocket *socket, GIOCondition condition, gpointer user_data)
{
    HvdQmpClient *self = HVD_QMP_CLIENT(user_data);
    g_autoptr(HvdQmpClient) keep = g_object_ref(self);
    g_autoptr(GPtrArray) messages = NULL;
    g_autoptr(GError) error = NULL;
    guint old_len = self->inbuf->len;
    gssize n;

    g_byte_array_set_size(self->inbuf, old_len + HVD_QMP_READ_SIZE);
    n = g_socket_receive(socket, (char *)self->inbuf->data + old_len, HVD_QMP_READ_SIZE, NULL,
                         &error);
    g_byte_array_set_size(self->inbuf, old_len + MAX(n, 0));
    if (n < 0) {
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;
        client_fail(self, HVD_QMP_ERROR_CLOSED, "Lost the QMP connection: %s", error->message);
        return G_SOURCE_REMOVE;
    }
    if (n == 0) {
        client_fail(self, HVD_QMP_ERROR_CLOSED, "QEMU closed the QMP connection");
        return G_SOURCE_REMOVE;
    }

    messages = split_messages(self, &error);
    /* Handlers may close the client: stop at once if one does. */
    for (guint i = 0; i < messages->len && self->state != STATE_CLOSED; i++)
        handle_message(self, messages->pdata[i]);
    if (error != NULL && self->state != STATE_CLOSED)
        client_close(self, g_steal_pointer(&error), TRUE);

    return self->state == STATE_CLOSED ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
mark_sent(HvdQmpClient *self, const char *id)
{
    HvdQmpPending *pending = g_hash_table_lookup(self->pending, id);

    if (pending != NULL)
        pending->sent = TRUE;
}

/* Writes as much of the queue as the socket takes. FALSE with WOULD_BLOCK: wait and retry. */
static gboolean
flush_outgoing(HvdQmpClient *self, GError **error)
{
    HvdQmpOutgoing *out;

    while ((out = g_queue_peek_head(&self->outgoing)) != NULL) {
        g_autoptr(GSocketControlMessage) fd_message = NULL;
        GSocketControlMessage *messages[1];
        GOutputVector vector;
        gsize size;
        const guint8 *data = g_bytes_get_data(out->data, &size);
        gssize n;

        /* The fd travels with the command's first byte, in the same sendmsg, so QEMU has it
         * when it parses getfd/add-fd. */
        if (out->fd >= 0) {
            fd_message = g_unix_fd_message_new();
            if (!g_unix_fd_message_append_fd(G_UNIX_FD_MESSAGE(fd_message), out->fd, error))
                return FALSE;
            messages[0] = fd_message;
        }
        vector.buffer = data + out->offset;
        vector.size = size - out->offset;
        n = g_socket_send_message(self->socket, NULL, &vector, 1,
                                  fd_message != NULL ? messages : NULL, fd_message != NULL ? 1 : 0,
                                  G_SOCKET_MSG_NONE, NULL, error);
        if (n < 0)
            return FALSE;
        if (out->fd >= 0) {
            close(out->fd);
            out->fd = -1;
        }
        if (out->offset == 0 && out->id != NULL)
            mark_sent(self, out->id);
        out->offset += n;
        if (out->offset == size)
            outgoing_free(g_queue_pop_head(&self->outgoing));
    }
    return TRUE;
}

static gboolean
on_socket_writable(GSocket *socket, GIOCondition condition, gpointer user_data)
{
    HvdQmpClient *self = HVD_QMP_CLIENT(user_data);
    g_autoptr(HvdQmpClient) keep = g_object_ref(self);
    g_autoptr(GError) error = NULL;

    if (flush_outgoing(self, &error)) {
        g_clear_pointer(&self->write_source, g_source_unref);
        return G_SOURCE_REMOVE;
    }
    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
    client_fail(self, HVD_QMP_ERROR_CLOSED, "Lost the QMP connection: %s", error->message);
    return G_SOURCE_REMOVE;
}

static GSource *
attach_socket_source(HvdQmpClient *self, GIOCondition condition, GSocketSourceFunc func)
{
    GSource *source = g_socket_create_source(self->socket, condition, NULL);

    g_source_set_callback(source, G_SOURCE_FUNC(func), self, NULL);
    g_source_attach(source, self->context);
    return source;
}

static gboolean
on_command_cancelled(GCancellable *cancellable, gpointer user_data)
{
    HvdQmpPending *pending = user_data;
    HvdQmpClient *self = pending->client;
    g_autoptr(GTask) task = g_steal_pointer(&pending->task);

    destroy_source(&pending->cancel_source);
    if (!pending->sent) {
        /* Not on the wire yet: take it back, so QEMU never runs it. */
        for (GList *l = self->outgoing.head; l != NULL; l = l->next) {
            HvdQmpOutgoing *out = l->data;

            if (g_strcmp0(out->id, pending->id) == 0) {
                outgoing_free(out);
                g_queue_delete_link(&self->outgoing, l);
                break;
            }
        }
        g_hash_table_remove(self->pending, pending->id);
    }
    /* Otherwise the entry stays, without its task, to swallow the reply. */
    if (task != NULL)
        g_task_return_error_if_cancelled(task);
    return G_SOURCE_REMOVE;
}

/* Queues @command for @task; the task returns the command's `return` node. */
static void
execute_internal(HvdQmpClient *self, GTask *task, const char *command, JsonObject *args, int fd)
{
    g_autoptr(JsonObject) message = json_object_new();
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(JsonGenerator) generator = json_generator_new();
    g_autofree char *text = NULL;
    GCancellable *cancellable = g_task_get_cancellable(task);
    HvdQmpPending *pending;
    HvdQmpOutgoing *out;
    gsize len;
    int our_fd = -1;

    g_assert(self->state != STATE_CLOSED);

    if (fd >= 0) {
        our_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (our_fd < 0) {
            int saved_errno = errno;

            g_task_return_new_error(task, G_IO_ERROR, g_io_error_from_errno(saved_errno),
                                    "Cannot pass fd %d with QMP command '%s': %s", fd, command,
                                    g_strerror(saved_errno));
            return;
        }
    }

    pending = g_new0(HvdQmpPending, 1);
    pending->client = self;
    pending->seq = ++self->next_seq;
    pending->id = g_strdup_printf("berth-%" G_GUINT64_FORMAT, pending->seq);
    pending->command = g_strdup(command);
    pending->task = g_object_ref(task);

    json_object_set_string_member(message, "execute", command);
    if (args != NULL)
        json_object_set_object_member(message, "arguments", json_object_ref(args));
    json_object_set_string_member(message, "id", pending->id);
    root = json_node_init_object(json_node_alloc(), message);
    json_generator_set_root(generator, root);
    text = json_generator_to_data(generator, &len);

    out = g_new0(HvdQmpOutgoing, 1);
    out->id = g_strdup(pending->id);
    out->data = g_bytes_new_take(g_strconcat(text, "\n", NULL), len + 1);
    out->fd = our_fd;
    g_queue_push_tail(&self->outgoing, out);
    g_hash_table_insert(self->pending, pending->id, pending);

    if (cancellable != NULL) {
        pending->cancel_source = g_cancellable_source_new(cancellable);
        g_source_set_callback(pending->cancel_source, G_SOURCE_FUNC(on_command_cancelled), pending,
                              NULL);
        g_source_attach(pending->cancel_source, self->context);
    }

    /* Written from the main loop, never from inside this call, so that a write error (and the
     * "closed" it causes) never reaches the caller re-entrantly. */
    if (self->write_source == NULL)
        self->write_source = attach_socket_source(self, G_IO_OUT, on_socket_writable);
}

/**
 * hvd_qmp_client_execute_async:
 * @self: a connected client
 * @command: the QMP command, e.g. "query-status"
 * @args: (nullable): its arguments (see hvd_qmp_args_new()); not taken, not modified
 * @fd: -1, or a file descriptor to pass with the command (SCM_RIGHTS, same sendmsg), for
 *   `getfd` and `add-fd`; the client duplicates it, so the caller keeps and may close its own
 * @cancellable: (nullable): gives up on the reply; a command not yet written is not sent at all,
 *   one already written still runs in QEMU
 * @callback: called with the reply
 * @user_data: for @callback
 *
 * Sends @command. Commands are written in call order; several may be in flight, and their
 * replies are matched by id.
 */
void
hvd_qmp_client_execute_async(HvdQmpClient *self, const char *command, JsonObject *args, int fd,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(HVD_IS_QMP_CLIENT(self));
    g_return_if_fail(command != NULL && command[0] != '\0');
    g_return_if_fail(fd >= -1);
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_qmp_client_execute_async);

    if (self->state == STATE_CLOSED) {
        g_task_return_new_error(task, self->close_reason->domain, self->close_reason->code,
                                "QMP command '%s' not sent: %s", command,
                                self->close_reason->message);
        return;
    }
    if (self->state != STATE_READY) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_PENDING,
                                "QMP command '%s' not sent: the handshake is not finished",
                                command);
        return;
    }
    if (g_task_return_error_if_cancelled(task))
        return;

    execute_internal(self, task, command, args, fd);
}

/**
 * hvd_qmp_client_execute_finish:
 * @self: the client
 * @result: the result passed to the callback
 * @error: QEMU's error (%HVD_QMP_ERROR with the code for its `class` and its `desc` as the
 *   message), %HVD_QMP_ERROR_CLOSED / %HVD_QMP_ERROR_PROTOCOL when the connection ended first,
 *   or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full): the command's `return` value (often an empty object).
 */
JsonNode *
hvd_qmp_client_execute_finish(HvdQmpClient *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(HVD_IS_QMP_CLIENT(self), NULL);
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == hvd_qmp_client_execute_async,
                         NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}

/**
 * hvd_qmp_client_close:
 * @self: the client
 *
 * Closes the connection: pending commands fail with %HVD_QMP_ERROR_CLOSED and "closed" is
 * emitted (once; nothing happens when already closed).
 */
void
hvd_qmp_client_close(HvdQmpClient *self)
{
    g_return_if_fail(HVD_IS_QMP_CLIENT(self));

    client_fail(self, HVD_QMP_ERROR_CLOSED, "The QMP connection was closed by Berth");
}

/**
 * hvd_qmp_client_is_closed:
 * @self: the client
 *
 * Returns: whether the connection has ended (commands then fail at once).
 */
gboolean
hvd_qmp_client_is_closed(HvdQmpClient *self)
{
    g_return_val_if_fail(HVD_IS_QMP_CLIENT(self), TRUE);

    return self->state == STATE_CLOSED;
}

/**
 * hvd_qmp_client_get_qemu_version:
 * @self: the client
 * @ret_major: (out) (optional): e.g. 7
 * @ret_minor: (out) (optional): e.g. 2
 * @ret_micro: (out) (optional): e.g. 22
 *
 * QEMU's version as its greeting announced it.
 */
void
hvd_qmp_client_get_qemu_version(HvdQmpClient *self, guint *ret_major, guint *ret_minor,
                                guint *ret_micro)
{
    g_return_if_fail(HVD_IS_QMP_CLIENT(self));

    if (ret_major != NULL)
        *ret_major = self->version[0];
    if (ret_minor != NULL)
        *ret_minor = self->version[1];
    if (ret_micro != NULL)
        *ret_micro = self->version[2];
}

/**
 * hvd_qmp_client_get_qemu_package:
 * @self: the client
 *
 * Returns: (nullable): the distribution's package version from the greeting, e.g.
 *   "Debian 1:7.2+dfsg-7+deb12u18+b3", or %NULL
 */
const char *
hvd_qmp_client_get_qemu_package(HvdQmpClient *self)
{
    g_return_val_if_fail(HVD_IS_QMP_CLIENT(self), NULL);

    return self->package;
}

/**
 * hvd_qmp_client_get_greeting:
 * @self: the client
 *
 * Returns: (transfer none) (nullable): the greeting's "QMP" object (version, capabilities)
 */
JsonObject *
hvd_qmp_client_get_greeting(HvdQmpClient *self)
{
    g_return_val_if_fail(HVD_IS_QMP_CLIENT(self), NULL);

    return self->greeting;
}

/* Connecting. */

static void
connect_data_free(ConnectData *data)
{
    destroy_source(&data->timeout_source);
    destroy_source(&data->retry_source);
    destroy_source(&data->user_cancel_source);
    g_clear_object(&data->socket_client);
    g_clear_object(&data->address);
    g_clear_object(&data->cancellable);
    g_assert(data->client == NULL);
    g_free(data->path);
    g_free(data);
}

/* Ends the connect operation, once: with the client when @error is NULL. Takes @error. */
static void
connect_return(GTask *task, GError *error)
{
    g_autoptr(GTask) keep = g_object_ref(task);
    ConnectData *data = g_task_get_task_data(task);
    g_autoptr(HvdQmpClient) client = NULL;

    if (data->done) {
        g_clear_error(&error);
        return;
    }
    data->done = TRUE;
    destroy_source(&data->timeout_source);
    destroy_source(&data->retry_source);
    destroy_source(&data->user_cancel_source);

    client = g_steal_pointer(&data->client);
    if (client != NULL)
        g_clear_object(&client->connect_task);

    if (error != NULL) {
        /* Stops a socket connect still under way; the half-made client goes quietly. */
        g_cancellable_cancel(data->cancellable);
        if (client != NULL)
            client_close(client, g_error_copy(error), FALSE);
        g_task_return_error(task, error);
    } else {
        g_task_return_pointer(task, g_steal_pointer(&client), g_object_unref);
    }
}

static void
connect_attach(GTask *task, GSocket *socket, GIOStream *stream)
{
    ConnectData *data = g_task_get_task_data(task);
    HvdQmpClient *client = g_object_new(HVD_TYPE_QMP_CLIENT, NULL);

    data->client = client;
    client->connect_task = g_object_ref(task);
    client->socket = g_object_ref(socket);
    client->stream = stream != NULL ? g_object_ref(stream) : NULL;
    g_socket_set_blocking(socket, FALSE);
    client->read_source =
        attach_socket_source(client, G_IO_IN | G_IO_HUP | G_IO_ERR, on_socket_readable);
}

static void connect_try(GTask *task);

static gboolean
on_connect_retry(gpointer user_data)
{
    GTask *task = user_data;
    ConnectData *data = g_task_get_task_data(task);

    g_clear_pointer(&data->retry_source, g_source_unref);
    connect_try(task);
    return G_SOURCE_REMOVE;
}

static void
on_socket_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    ConnectData *data = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) connection =
        g_socket_client_connect_finish(G_SOCKET_CLIENT(source), result, &error);

    if (data->done)
        return;
    if (connection == NULL) {
        /* QEMU creates and listens on its socket shortly after exec: try again. */
        if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
            g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)) {
            data->retry_source = g_timeout_source_new(HVD_QMP_RETRY_MS);
            g_source_set_callback(data->retry_source, on_connect_retry, g_object_ref(task),
                                  g_object_unref);
            g_source_attach(data->retry_source, g_task_get_context(task));
            return;
        }
        connect_return(task, g_error_new(error->domain, error->code,
                                         "Cannot connect to the QMP socket %s: %s", data->path,
                                         error->message));
        return;
    }
    connect_attach(task, g_socket_connection_get_socket(connection), G_IO_STREAM(connection));
}

static void
connect_try(GTask *task)
{
    ConnectData *data = g_task_get_task_data(task);

    g_socket_client_connect_async(data->socket_client, G_SOCKET_CONNECTABLE(data->address),
                                  data->cancellable, on_socket_connected, g_object_ref(task));
}

static gboolean
on_connect_timeout(gpointer user_data)
{
    GTask *task = user_data;
    ConnectData *data = g_task_get_task_data(task);

    g_clear_pointer(&data->timeout_source, g_source_unref);
    if (data->path != NULL && data->client == NULL)
        connect_return(task, g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                         "QEMU's QMP socket %s did not accept a connection "
                                         "within %u ms",
                                         data->path, data->timeout_ms));
    else
        connect_return(task, g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                         "QEMU did not complete the QMP handshake within %u ms",
                                         data->timeout_ms));
    return G_SOURCE_REMOVE;
}

static gboolean
on_connect_cancelled(GCancellable *cancellable, gpointer user_data)
{
    GTask *task = user_data;
    ConnectData *data = g_task_get_task_data(task);

    g_clear_pointer(&data->user_cancel_source, g_source_unref);
    connect_return(task, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "Connecting to QEMU's QMP socket was cancelled"));
    return G_SOURCE_REMOVE;
}

static GTask *
connect_task_new(guint timeout_ms, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    ConnectData *data = g_new0(ConnectData, 1);

    g_task_set_source_tag(task, hvd_qmp_client_connect_async);
    g_task_set_task_data(task, data, (GDestroyNotify)connect_data_free);
    data->timeout_ms = timeout_ms;
    data->cancellable = g_cancellable_new();

    if (timeout_ms > 0) {
        data->timeout_source = g_timeout_source_new(timeout_ms);
        g_source_set_callback(data->timeout_source, on_connect_timeout, g_object_ref(task),
                              g_object_unref);
        g_source_attach(data->timeout_source, g_task_get_context(task));
    }
    if (cancellable != NULL) {
        data->user_cancel_source = g_cancellable_source_new(cancellable);
        g_source_set_callback(data->user_cancel_source, G_SOURCE_FUNC(on_connect_cancelled),
                              g_object_ref(task), g_object_unref);
        g_source_attach(data->user_cancel_source, g_task_get_context(task));
    }
    return task;
}

/**
 * hvd_qmp_client_connect_async:
 * @socket_path: QEMU's QMP socket (`-qmp unix:PATH,server=on,wait=off`)
 * @timeout_ms: how long the whole connect may take, including waiting for the socket to
 *   appear (QEMU creates it shortly after exec) and the handshake; 0 for no limit
 * @cancellable: (nullable): to give up
 * @callback: called once connected and negotiated, or on failure
 * @user_data: for @callback
 *
 * Connects to QEMU's monitor, reads its greeting and negotiates capabilities; finish with
 * hvd_qmp_client_connect_finish(). While the socket does not exist yet, or nobody listens on
 * it, the connect is retried every few milliseconds until @timeout_ms.
 */
void
hvd_qmp_client_connect_async(const char *socket_path, guint timeout_ms, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    ConnectData *data;

    g_return_if_fail(socket_path != NULL && socket_path[0] != '\0');
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = connect_task_new(timeout_ms, cancellable, callback, user_data);
    if (g_task_return_error_if_cancelled(task))
        return;
    data = g_task_get_task_data(task);
    data->path = g_strdup(socket_path);
    data->address = g_unix_socket_address_new(socket_path);
    data->socket_client = g_socket_client_new();
    g_socket_client_set_enable_proxy(data->socket_client, FALSE);
    connect_try(task);
}

/**
 * hvd_qmp_client_connect_socket_async:
 * @socket: a connected unix stream socket to a QMP monitor; the client takes it over (it
 *   becomes non-blocking) and closes it when the connection ends
 * @timeout_ms: how long the handshake may take; 0 for no limit
 * @cancellable: (nullable): to give up
 * @callback: called once negotiated, or on failure
 * @user_data: for @callback
 *
 * Like hvd_qmp_client_connect_async() on an already connected socket; finish with
 * hvd_qmp_client_connect_finish().
 */
void
hvd_qmp_client_connect_socket_async(GSocket *socket, guint timeout_ms, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(G_IS_SOCKET(socket));
    g_return_if_fail(cancellable == NULL || G_IS_CANCELLABLE(cancellable));

    task = connect_task_new(timeout_ms, cancellable, callback, user_data);
    if (g_task_return_error_if_cancelled(task))
        return;
    connect_attach(task, socket, NULL);
}

/**
 * hvd_qmp_client_connect_finish:
 * @result: the result passed to the callback
 * @error: why the connect failed (%G_IO_ERROR_TIMED_OUT, %G_IO_ERROR_CANCELLED, a socket error,
 *   %HVD_QMP_ERROR_CLOSED when QEMU hung up, %HVD_QMP_ERROR_PROTOCOL for a non-QMP peer)
 *
 * Returns: (transfer full): a client ready for hvd_qmp_client_execute_async(), or %NULL
 */
HvdQmpClient *
hvd_qmp_client_connect_finish(GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
    g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == hvd_qmp_client_connect_async,
                         NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    return g_task_propagate_pointer(G_TASK(result), error);
}
