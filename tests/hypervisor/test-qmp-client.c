/* test-qmp-client.c: HvdQmpClient against a scripted fake monitor.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fake-qmp-monitor.h"
#include "hvd-qmp-client.h"

#define CONNECT_TIMEOUT_MS 5000

/* Iterates the main loop until @cond holds; fails the test after 10 s. */
#define WAIT_FOR(cond)                                                   \
    G_STMT_START                                                         \
    {                                                                    \
        gint64 deadline_ = g_get_monotonic_time() + 10 * G_USEC_PER_SEC; \
        while (!(cond)) {                                                \
            if (g_get_monotonic_time() > deadline_)                      \
                g_error("timed out waiting for %s", #cond);              \
            g_main_context_iteration(NULL, TRUE);                        \
        }                                                                \
    }                                                                    \
    G_STMT_END

/* What a test observed, in order: "reply:CMD", "error:CMD", "event:NAME", "closed". */
typedef struct {
    GString *log;
    GPtrArray *events; /* Event */
    guint closed_count;
    GError *closed_error;
} Observer;

typedef struct {
    char *name;
    JsonObject *data;
    gint64 timestamp;
} Event;

typedef struct {
    Observer *observer;
    char *command;
    gboolean done;
    JsonNode *ret;
    GError *error;
} Reply;

static void
event_free(Event *event)
{
    g_free(event->name);
    json_object_unref(event->data);
    g_free(event);
}

static void
observer_init(Observer *observer)
{
    *observer = (Observer){0};
    observer->log = g_string_new(NULL);
    observer->events = g_ptr_array_new_with_free_func((GDestroyNotify)event_free);
}

static void
observer_clear(Observer *observer)
{
    g_string_free(observer->log, TRUE);
    g_ptr_array_unref(observer->events);
    g_clear_error(&observer->closed_error);
}

static void
observer_log(Observer *observer, const char *what, const char *name)
{
    if (observer->log->len > 0)
        g_string_append_c(observer->log, ' ');
    g_string_append_printf(observer->log, "%s:%s", what, name);
}

static void
on_event(HvdQmpClient *client, const char *name, JsonObject *data, gint64 timestamp,
         gpointer user_data)
{
    Observer *observer = user_data;
    Event *event = g_new0(Event, 1);

    event->name = g_strdup(name);
    event->data = json_object_ref(data);
    event->timestamp = timestamp;
    g_ptr_array_add(observer->events, event);
    observer_log(observer, "event", name);
}

static void
on_closed(HvdQmpClient *client, GError *reason, gpointer user_data)
{
    Observer *observer = user_data;

    g_assert_nonnull(reason);
    observer->closed_count++;
    g_clear_error(&observer->closed_error);
    observer->closed_error = g_error_copy(reason);
    observer_log(observer, "closed", reason->message);
}

static void
observe(HvdQmpClient *client, Observer *observer)
{
    g_signal_connect(client, "event", G_CALLBACK(on_event), observer);
    g_signal_connect(client, "closed", G_CALLBACK(on_closed), observer);
}

static Reply *
reply_new(Observer *observer, const char *command)
{
    Reply *reply = g_new0(Reply, 1);

    reply->observer = observer;
    reply->command = g_strdup(command);
    return reply;
}

static void
reply_free(Reply *reply)
{
    g_free(reply->command);
    g_clear_pointer(&reply->ret, json_node_unref);
    g_clear_error(&reply->error);
    g_free(reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Reply, reply_free)

static void
on_reply(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Reply *reply = user_data;

    g_assert_true(HVD_IS_QMP_CLIENT(source));
    g_assert_false(reply->done);
    reply->ret = hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &reply->error);
    g_assert_true((reply->ret == NULL) != (reply->error == NULL));
    reply->done = TRUE;
    if (reply->observer != NULL)
        observer_log(reply->observer, reply->ret != NULL ? "reply" : "error", reply->command);
}

/* Sends @command and returns the Reply that on_reply() fills. */
static Reply *
execute(HvdQmpClient *client, Observer *observer, const char *command, JsonObject *args, int fd,
        GCancellable *cancellable)
{
    Reply *reply = reply_new(observer, command);

    hvd_qmp_client_execute_async(client, command, args, fd, cancellable, on_reply, reply);
    return reply;
}

static Reply *
execute_and_wait(HvdQmpClient *client, const char *command, JsonObject *args)
{
    Reply *reply = execute(client, NULL, command, args, -1, NULL);

    WAIT_FOR(reply->done);
    return reply;
}

typedef struct {
    gboolean done;
    HvdQmpClient *client;
    GError *error;
} ConnectResult;

static void
on_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    ConnectResult *connect = user_data;

    g_assert_null(source);
    connect->client = hvd_qmp_client_connect_finish(result, &connect->error);
    g_assert_true((connect->client == NULL) != (connect->error == NULL));
    connect->done = TRUE;
}

static HvdQmpClient *
connect_path(const char *path, guint timeout_ms, GError **error)
{
    ConnectResult connect = {0};

    hvd_qmp_client_connect_async(path, timeout_ms, NULL, on_connected, &connect);
    WAIT_FOR(connect.done);
    if (connect.error != NULL)
        g_propagate_error(error, connect.error);
    return connect.client;
}

static HvdQmpClient *
connect_monitor(FakeMonitor *monitor)
{
    g_autoptr(GError) error = NULL;
    HvdQmpClient *client = connect_path(fake_monitor_get_path(monitor), CONNECT_TIMEOUT_MS, &error);

    g_assert_no_error(error);
    g_assert_true(HVD_IS_QMP_CLIENT(client));
    return client;
}

/* Drops @client and checks that it is really gone (no reference leaked by the client). */
static void
drop_client(HvdQmpClient **client)
{
    g_object_add_weak_pointer(G_OBJECT(*client), (gpointer *)client);
    g_object_unref(*client);
    WAIT_FOR(*client == NULL);
}

static void
test_handshake(void)
{
    const FakeStep script[] = {FAKE_HANDSHAKE};
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    JsonObject *greeting;
    guint major, minor, micro;

    hvd_qmp_client_get_qemu_version(client, &major, &minor, &micro);
    g_assert_cmpuint(major, ==, 7);
    g_assert_cmpuint(minor, ==, 2);
    g_assert_cmpuint(micro, ==, 0);
    g_assert_cmpstr(hvd_qmp_client_get_qemu_package(client), ==, "fake 7.2");
    greeting = hvd_qmp_client_get_greeting(client);
    g_assert_nonnull(greeting);
    g_assert_true(json_object_has_member(greeting, "capabilities"));
    g_assert_false(hvd_qmp_client_is_closed(client));

    drop_client(&client);
    fake_monitor_finish(monitor);
}

static void
test_return(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
        FAKE_REPLY(2, "{\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false}"),
        FAKE_EXPECT_ARGS("human-monitor-command",
                         "{\"command-line\": \"info version\", \"cpu-index\": 0}"),
        FAKE_REPLY(3, "\"7.2.0\\r\\n\""),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    g_autoptr(JsonObject) args =
        hvd_qmp_args_new("s:command-line", "info version", "i:cpu-index", 0, NULL);
    g_autoptr(Reply) status = execute_and_wait(client, "query-status", NULL);
    g_autoptr(Reply) hmp = execute_and_wait(client, "human-monitor-command", args);
    JsonObject *object;

    g_assert_no_error(status->error);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(status->ret));
    object = json_node_get_object(status->ret);
    g_assert_cmpstr(json_object_get_string_member(object, "status"), ==, "prelaunch");
    g_assert_false(json_object_get_boolean_member(object, "running"));

    g_assert_no_error(hmp->error);
    g_assert_cmpstr(json_node_get_string(hmp->ret), ==, "7.2.0\r\n");

    drop_client(&client);
    fake_monitor_finish(monitor);
}

static void
test_error(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("no-such-command"),
        FAKE_SEND("{\"id\": \"@2@\", \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                  "\"The command no-such-command has not been found\"}}\r\n"),
        FAKE_EXPECT_ARGS("closefd", "{\"fdname\": \"nope\"}"),
        FAKE_SEND("{\"id\": \"@3@\", \"error\": {\"class\": \"GenericError\", \"desc\": "
                  "\"File descriptor named 'nope' not found\"}}\r\n"),
        FAKE_EXPECT("future"),
        FAKE_SEND("{\"id\": \"@4@\", \"error\": {\"class\": \"BrandNew\", \"desc\": "
                  "\"Something new\"}}\r\n"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    g_autoptr(JsonObject) args = hvd_qmp_args_new("s:fdname", "nope", NULL);
    g_autoptr(Reply) missing = execute_and_wait(client, "no-such-command", NULL);
    g_autoptr(Reply) closefd = execute_and_wait(client, "closefd", args);
    g_autoptr(Reply) future = execute_and_wait(client, "future", NULL);

    g_assert_null(missing->ret);
    g_assert_error(missing->error, HVD_QMP_ERROR, HVD_QMP_ERROR_COMMAND_NOT_FOUND);
    g_assert_cmpstr(missing->error->message, ==, "The command no-such-command has not been found");
    g_assert_cmpstr(hvd_qmp_error_to_class(missing->error->code), ==, "CommandNotFound");

    g_assert_error(closefd->error, HVD_QMP_ERROR, HVD_QMP_ERROR_GENERIC_ERROR);
    g_assert_cmpstr(closefd->error->message, ==, "File descriptor named 'nope' not found");

    g_assert_error(future->error, HVD_QMP_ERROR, HVD_QMP_ERROR_UNKNOWN_CLASS);
    g_assert_cmpstr(future->error->message, ==, "BrandNew: Something new");

    /* A QMP error is about one command: the connection stays up. */
    g_assert_false(hvd_qmp_client_is_closed(client));

    drop_client(&client);
    fake_monitor_finish(monitor);
}

static void
test_out_of_order(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
        FAKE_EXPECT("query-name"),
        FAKE_REPLY(3, "{\"name\": \"vm1\"}"),
        FAKE_REPLY(2, "{\"status\": \"running\", \"singlestep\": false, \"running\": true}"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    Observer observer;
    g_autoptr(Reply) status = NULL;
    g_autoptr(Reply) name = NULL;

    observer_init(&observer);
    status = execute(client, &observer, "query-status", NULL, -1, NULL);
    name = execute(client, &observer, "query-name", NULL, -1, NULL);
    WAIT_FOR(status->done && name->done);

    g_assert_cmpstr(observer.log->str, ==, "reply:query-name reply:query-status");
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(name->ret), "name"), ==,
                    "vm1");
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(status->ret), "status"), ==,
                    "running");

    drop_client(&client);
    fake_monitor_finish(monitor);
    observer_clear(&observer);
}

static guint resume_count;

static void
on_resume(HvdQmpClient *client, const char *name, JsonObject *data, gint64 timestamp,
          gpointer user_data)
{
    g_assert_cmpstr(name, ==, "RESUME");
    resume_count++;
}

static void
test_events(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("cont"),
        FAKE_EXPECT("query-status"),
        FAKE_SEND("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, "
                  "\"event\": \"RESUME\"}\r\n"),
        FAKE_REPLY(2, "{}"),
        FAKE_SEND("{\"timestamp\": {\"seconds\": 1700000001, \"microseconds\": 5}, "
                  "\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": "
                  "\"guest-shutdown\"}}\r\n"),
        FAKE_SEND("{\"event\": \"SOMETHING_NEW\"}\r\n"),
        FAKE_REPLY(3, "{\"status\": \"shutdown\", \"singlestep\": false, \"running\": false}"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    Observer observer;
    g_autoptr(Reply) cont = NULL;
    g_autoptr(Reply) status = NULL;
    Event *event;

    observer_init(&observer);
    observe(client, &observer);
    resume_count = 0;
    g_signal_connect(client, "event::RESUME", G_CALLBACK(on_resume), NULL);
    cont = execute(client, &observer, "cont", NULL, -1, NULL);
    status = execute(client, &observer, "query-status", NULL, -1, NULL);
    WAIT_FOR(cont->done && status->done);

    g_assert_cmpstr(observer.log->str, ==,
                    "event:RESUME reply:cont event:SHUTDOWN event:SOMETHING_NEW "
                    "reply:query-status");
    g_assert_cmpuint(resume_count, ==, 1);
    g_assert_cmpuint(observer.events->len, ==, 3);

    event = observer.events->pdata[0];
    g_assert_cmpint(event->timestamp, ==, G_GINT64_CONSTANT(1700000000123456));
    g_assert_cmpuint(json_object_get_size(event->data), ==, 0);

    event = observer.events->pdata[1];
    g_assert_cmpint(event->timestamp, ==, G_GINT64_CONSTANT(1700000001000005));
    g_assert_true(json_object_get_boolean_member(event->data, "guest"));
    g_assert_cmpstr(json_object_get_string_member(event->data, "reason"), ==, "guest-shutdown");

    /* No timestamp: the client stamps it on arrival. */
    event = observer.events->pdata[2];
    g_assert_cmpint(event->timestamp, >, g_get_real_time() - 60 * G_USEC_PER_SEC);
    g_assert_cmpuint(json_object_get_size(event->data), ==, 0);

    g_assert_cmpuint(observer.closed_count, ==, 0);
    drop_client(&client);
    fake_monitor_finish(monitor);
    g_assert_cmpuint(observer.closed_count, ==, 0); /* not emitted on dispose */
    observer_clear(&observer);
}

static void
test_split_and_coalesced(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
        FAKE_SEND("{\"return\": {\"status\": \"runn"),
        FAKE_SLEEP(50),
        FAKE_SEND("ing\", \"singlestep\": false, \"running\": true}, \"id\""),
        FAKE_SLEEP(50),
        FAKE_SEND(": \"@2@\"}\r"),
        FAKE_SLEEP(20),
        FAKE_SEND("\n"),
        FAKE_EXPECT("query-name"),
        FAKE_EXPECT("human-monitor-command"),
        /* Both replies and an event in one write, with brackets, quotes and escapes inside
         * strings, and no line ends between them. */
        FAKE_SEND("{\"return\": {\"name\": \"we{ird\\\"} [name\\\\\"}, \"id\": \"@3@\"}"
                  "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n"
                  "{\"return\": \"}}}\", \"id\": \"@4@\"}\r\n"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    Observer observer;
    g_autoptr(Reply) status = NULL;
    g_autoptr(Reply) name = NULL;
    g_autoptr(Reply) hmp = NULL;
    g_autoptr(JsonObject) args = hvd_qmp_args_new("s:command-line", "info status", NULL);

    observer_init(&observer);
    observe(client, &observer);
    status = execute(client, &observer, "query-status", NULL, -1, NULL);
    WAIT_FOR(status->done);
    g_assert_no_error(status->error);
    g_assert_true(json_object_get_boolean_member(json_node_get_object(status->ret), "running"));

    name = execute(client, &observer, "query-name", NULL, -1, NULL);
    hmp = execute(client, &observer, "human-monitor-command", args, -1, NULL);
    WAIT_FOR(name->done && hmp->done);
    g_assert_no_error(name->error);
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(name->ret), "name"), ==,
                    "we{ird\"} [name\\");
    g_assert_cmpstr(json_node_get_string(hmp->ret), ==, "}}}");
    g_assert_cmpstr(observer.log->str, ==,
                    "reply:query-status reply:query-name event:STOP reply:human-monitor-command");

    drop_client(&client);
    fake_monitor_finish(monitor);
    observer_clear(&observer);
}

static void
test_getfd(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
        FAKE_EXPECT_FD("getfd", "{\"fdname\": \"migrate\"}"),
        FAKE_EXPECT("query-name"),
        FAKE_REPLY(2, "{\"status\": \"paused\", \"singlestep\": false, \"running\": false}"),
        FAKE_REPLY(3, "{}"),
        FAKE_REPLY(4, "{}"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;
    g_autoptr(JsonObject) args = hvd_qmp_args_new("s:fdname", "migrate", NULL);
    g_autoptr(Reply) status = NULL;
    g_autoptr(Reply) getfd = NULL;
    g_autoptr(Reply) name = NULL;
    struct stat ours, theirs;
    char contents[16] = {0};
    int fd = g_file_open_tmp("berth-getfd-XXXXXX", &path, &error);
    int received;

    g_assert_no_error(error);
    g_assert_cmpint(write(fd, "berth getfd", 11), ==, 11);
    g_assert_cmpint(fstat(fd, &ours), ==, 0);

    status = execute(client, NULL, "query-status", NULL, -1, NULL);
    getfd = execute(client, NULL, "getfd", args, fd, NULL);
    name = execute(client, NULL, "query-name", NULL, -1, NULL);
    /* The client took its own copy: the caller may close at once. */
    close(fd);
    WAIT_FOR(status->done && getfd->done && name->done);
    g_assert_no_error(getfd->error);

    drop_client(&client);
    fake_monitor_finish(monitor);

    received = fake_monitor_steal_fd(monitor);
    g_assert_cmpint(received, >=, 0);
    g_assert_cmpint(fake_monitor_steal_fd(monitor), ==, -1);
    g_assert_cmpint(fstat(received, &theirs), ==, 0);
    g_assert_cmpuint(ours.st_dev, ==, theirs.st_dev);
    g_assert_cmpuint(ours.st_ino, ==, theirs.st_ino);
    g_assert_cmpint(pread(received, contents, sizeof(contents) - 1, 0), ==, 11);
    g_assert_cmpstr(contents, ==, "berth getfd");
    close(received);
    g_unlink(path);
}

static void
test_peer_closes(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
        FAKE_EXPECT("stop"),
        FAKE_CLOSE,
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    Observer observer;
    g_autoptr(Reply) status = NULL;
    g_autoptr(Reply) stop = NULL;
    g_autoptr(Reply) late = NULL;

    observer_init(&observer);
    observe(client, &observer);
    status = execute(client, &observer, "query-status", NULL, -1, NULL);
    stop = execute(client, &observer, "stop", NULL, -1, NULL);
    WAIT_FOR(observer.closed_count > 0);

    /* Both fail, in the order they were sent, before "closed". */
    g_assert_true(status->done && stop->done);
    g_assert_error(status->error, HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED);
    g_assert_error(stop->error, HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED);
    g_assert_nonnull(strstr(status->error->message, "'query-status'"));
    g_assert_nonnull(strstr(stop->error->message, "'stop'"));
    g_assert_error(observer.closed_error, HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED);
    g_assert_true(g_str_has_prefix(observer.log->str, "error:query-status error:stop closed:"));
    g_assert_true(hvd_qmp_client_is_closed(client));

    /* Afterwards commands fail at once, and "closed" never comes again. */
    late = execute(client, &observer, "query-name", NULL, -1, NULL);
    WAIT_FOR(late->done);
    g_assert_error(late->error, HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED);
    hvd_qmp_client_close(client);
    g_main_context_iteration(NULL, FALSE);
    g_assert_cmpuint(observer.closed_count, ==, 1);

    drop_client(&client);
    fake_monitor_finish(monitor);
    observer_clear(&observer);
}

static void
check_garbage(const char *garbage, const char *expected_message_part)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
        FAKE_EXPECT("query-name"),
        FAKE_REPLY(2, "{\"status\": \"running\", \"singlestep\": false, \"running\": true}"),
        FAKE_SEND(garbage),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    Observer observer;
    g_autoptr(Reply) status = NULL;
    g_autoptr(Reply) name = NULL;

    /* An empty part would be found in any message. */
    g_assert_cmpuint(strlen(expected_message_part), >, 0);
    observer_init(&observer);
    observe(client, &observer);
    status = execute(client, &observer, "query-status", NULL, -1, NULL);
    name = execute(client, &observer, "query-name", NULL, -1, NULL);
    WAIT_FOR(observer.closed_count > 0);

    /* What came before the garbage still counts; the rest fails with a protocol error. */
    g_assert_no_error(status->error);
    g_assert_error(name->error, HVD_QMP_ERROR, HVD_QMP_ERROR_PROTOCOL);
    g_assert_error(observer.closed_error, HVD_QMP_ERROR, HVD_QMP_ERROR_PROTOCOL);
    g_test_message("closed: %s", observer.closed_error->message);
    g_assert_nonnull(strstr(observer.closed_error->message, expected_message_part));
    g_assert_cmpuint(observer.closed_count, ==, 1);
    g_assert_true(hvd_qmp_client_is_closed(client));

    drop_client(&client);
    fake_monitor_finish(monitor);
    observer_clear(&observer);
}

static void
test_garbage_text(void)
{
    check_garbage("this is not JSON at all\r\n", "\"this is not JSON at all");
}

static void
test_garbage_json(void)
{
    check_garbage("{\"return\": nonsense, \"id\": 1}\r\n", "invalid JSON");
}

static void
test_garbage_binary(void)
{
    /* json-glib's reason, after ours ("invalid JSON: …"). */
    check_garbage("{\"return\": \"\xff\xfe\", \"id\": \"x\"}\r\n\x01\x02", "UTF-8");
}

static void
test_bad_greeting(void)
{
    const FakeStep script[] = {FAKE_SEND("{\"hello\": \"I am not QEMU\"}\r\n")};
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    g_autoptr(GError) error = NULL;
    HvdQmpClient *client = connect_path(fake_monitor_get_path(monitor), CONNECT_TIMEOUT_MS, &error);

    g_assert_null(client);
    g_assert_error(error, HVD_QMP_ERROR, HVD_QMP_ERROR_PROTOCOL);
    fake_monitor_finish(monitor);
}

static void
test_closed_before_greeting(void)
{
    const FakeStep script[] = {FAKE_CLOSE};
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    g_autoptr(GError) error = NULL;
    HvdQmpClient *client = connect_path(fake_monitor_get_path(monitor), CONNECT_TIMEOUT_MS, &error);

    g_assert_null(client);
    g_assert_error(error, HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED);
    fake_monitor_finish(monitor);
}

static void
test_capabilities_refused(void)
{
    const FakeStep script[] = {
        FAKE_SEND(FAKE_GREETING_TEXT),
        FAKE_EXPECT("qmp_capabilities"),
        FAKE_SEND("{\"id\": \"@1@\", \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                  "\"Capabilities negotiation is already complete, command ignored\"}}\r\n"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    g_autoptr(GError) error = NULL;
    HvdQmpClient *client = connect_path(fake_monitor_get_path(monitor), CONNECT_TIMEOUT_MS, &error);

    g_assert_null(client);
    g_assert_error(error, HVD_QMP_ERROR, HVD_QMP_ERROR_COMMAND_NOT_FOUND);
    g_assert_true(g_str_has_prefix(error->message, "QMP capabilities negotiation failed: "));
    fake_monitor_finish(monitor);
}

static void
test_late_socket(void)
{
    const FakeStep script[] = {FAKE_HANDSHAKE};
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 300);
    gint64 start = g_get_monotonic_time();
    HvdQmpClient *client = connect_monitor(monitor);
    gint64 elapsed_ms = (g_get_monotonic_time() - start) / 1000;

    g_test_message("connected after %" G_GINT64_FORMAT " ms", elapsed_ms);
    g_assert_cmpint(elapsed_ms, >=, 300);
    g_assert_cmpint(elapsed_ms, <, 2000);

    drop_client(&client);
    fake_monitor_finish(monitor);
}

static void
test_connect_timeout(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("berth-qmp-none-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "never.sock", NULL);
    gint64 start = g_get_monotonic_time();
    HvdQmpClient *client = connect_path(path, 200, &error);
    gint64 elapsed_ms = (g_get_monotonic_time() - start) / 1000;

    g_assert_null(client);
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_assert_nonnull(strstr(error->message, path));
    g_assert_cmpint(elapsed_ms, >=, 200);
    g_assert_cmpint(elapsed_ms, <, 2000);
    g_rmdir(dir);
}

static void
test_connect_error(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("berth-qmp-file-XXXXXX", &error);
    g_autofree char *file = g_build_filename(dir, "file", NULL);
    g_autofree char *path = g_build_filename(file, "qmp.sock", NULL);
    HvdQmpClient *client;

    /* A regular file where the socket's directory should be: no point in waiting. */
    g_assert_true(g_file_set_contents(file, "", 0, &error));
    client = connect_path(path, CONNECT_TIMEOUT_MS, &error);
    g_assert_null(client);
    g_assert_nonnull(error);
    g_assert_false(g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
    g_assert_nonnull(strstr(error->message, path));
    g_unlink(file);
    g_rmdir(dir);
}

static gboolean
cancel_later(gpointer user_data)
{
    g_cancellable_cancel(G_CANCELLABLE(user_data));
    return G_SOURCE_REMOVE;
}

static void
test_connect_cancel(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("berth-qmp-none-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "never.sock", NULL);
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    ConnectResult connect = {0};

    hvd_qmp_client_connect_async(path, 0, cancellable, on_connected, &connect);
    g_timeout_add(100, cancel_later, cancellable);
    WAIT_FOR(connect.done);
    g_assert_error(connect.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error(&connect.error);
    g_rmdir(dir);
}

static void
test_socketpair(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
        FAKE_REPLY(2, "{\"status\": \"running\", \"singlestep\": false, \"running\": true}"),
    };
    g_autoptr(GSocket) socket = NULL;
    g_autoptr(FakeMonitor) monitor =
        fake_monitor_new_socketpair(script, G_N_ELEMENTS(script), &socket);
    ConnectResult connect = {0};
    g_autoptr(Reply) status = NULL;

    hvd_qmp_client_connect_socket_async(socket, CONNECT_TIMEOUT_MS, NULL, on_connected, &connect);
    WAIT_FOR(connect.done);
    g_assert_no_error(connect.error);
    status = execute_and_wait(connect.client, "query-status", NULL);
    g_assert_no_error(status->error);

    drop_client(&connect.client);
    fake_monitor_finish(monitor);
}

static void
test_handshake_timeout(void)
{
    const FakeStep script[] = {FAKE_SLEEP(500)};
    g_autoptr(GSocket) socket = NULL;
    g_autoptr(FakeMonitor) monitor =
        fake_monitor_new_socketpair(script, G_N_ELEMENTS(script), &socket);
    ConnectResult connect = {0};

    hvd_qmp_client_connect_socket_async(socket, 200, NULL, on_connected, &connect);
    WAIT_FOR(connect.done);
    g_assert_error(connect.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_clear_error(&connect.error);
    /* The half-made client closed the socket: the monitor sees EOF after its script. */
    g_clear_object(&socket);
    fake_monitor_finish(monitor);
}

static void
test_cancel_unsent(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-name"),
        FAKE_REPLY(2, "{}"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_autoptr(Reply) stop = NULL;
    g_autoptr(Reply) name = NULL;
    g_autoptr(Reply) already = NULL;

    /* Cancelled before it was written: QEMU must never see it (the script says so). */
    stop = execute(client, NULL, "stop", NULL, -1, cancellable);
    g_cancellable_cancel(cancellable);
    name = execute(client, NULL, "query-name", NULL, -1, NULL);
    already = execute(client, NULL, "cont", NULL, -1, cancellable);
    WAIT_FOR(stop->done && name->done && already->done);
    g_assert_error(stop->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_error(already->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_no_error(name->error);

    drop_client(&client);
    fake_monitor_finish(monitor);
}

static void
test_cancel_sent(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
        FAKE_HOLD,
        FAKE_REPLY(2, "{\"status\": \"running\", \"singlestep\": false, \"running\": true}"),
        FAKE_EXPECT("query-name"),
        FAKE_REPLY(3, "{\"name\": \"after\"}"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    g_autoptr(GCancellable) cancellable = g_cancellable_new();
    g_autoptr(Reply) status = NULL;
    g_autoptr(Reply) name = NULL;

    status = execute(client, NULL, "query-status", NULL, -1, cancellable);
    WAIT_FOR(fake_monitor_get_steps_done(monitor) >= 4);
    g_cancellable_cancel(cancellable);
    WAIT_FOR(status->done);
    g_assert_error(status->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    fake_monitor_release(monitor);

    /* The late reply is swallowed; the next command gets its own. */
    name = execute_and_wait(client, "query-name", NULL);
    g_assert_no_error(name->error);
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(name->ret), "name"), ==,
                    "after");

    drop_client(&client);
    fake_monitor_finish(monitor);
}

static void
test_close_in_flight(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    Observer observer;
    g_autoptr(Reply) status = NULL;

    observer_init(&observer);
    observe(client, &observer);
    status = execute(client, &observer, "query-status", NULL, -1, NULL);
    WAIT_FOR(fake_monitor_get_steps_done(monitor) >= 4);
    hvd_qmp_client_close(client);
    g_object_unref(client);
    WAIT_FOR(status->done);
    g_assert_error(status->error, HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED);
    g_assert_cmpuint(observer.closed_count, ==, 1);

    fake_monitor_finish(monitor);
    observer_clear(&observer);
}

static void
test_unref_in_flight(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
        FAKE_SLEEP(100),
        FAKE_REPLY(2, "{\"status\": \"running\", \"singlestep\": false, \"running\": true}"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    g_autoptr(Reply) status = NULL;

    /* The caller lets go at once: the command keeps the client alive until its reply. */
    status = execute(client, NULL, "query-status", NULL, -1, NULL);
    g_object_add_weak_pointer(G_OBJECT(client), (gpointer *)&client);
    g_object_unref(client);
    g_assert_nonnull(client);
    WAIT_FOR(status->done);
    g_assert_no_error(status->error);
    WAIT_FOR(client == NULL);

    fake_monitor_finish(monitor);
}

static void
test_dispose_in_flight(void)
{
    const FakeStep script[] = {
        FAKE_HANDSHAKE,
        FAKE_EXPECT("query-status"),
    };
    g_autoptr(FakeMonitor) monitor = fake_monitor_new(script, G_N_ELEMENTS(script), 0);
    HvdQmpClient *client = connect_monitor(monitor);
    Observer observer;
    g_autoptr(Reply) status = NULL;

    observer_init(&observer);
    observe(client, &observer);
    status = execute(client, &observer, "query-status", NULL, -1, NULL);
    WAIT_FOR(fake_monitor_get_steps_done(monitor) >= 4);
    g_object_run_dispose(G_OBJECT(client));
    WAIT_FOR(status->done);
    g_assert_error(status->error, HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED);
    g_assert_cmpuint(observer.closed_count, ==, 0);
    drop_client(&client);

    fake_monitor_finish(monitor);
    observer_clear(&observer);
}

static void
test_args(void)
{
    g_autoptr(JsonGenerator) generator = json_generator_new();
    g_autoptr(JsonNode) root = json_node_new(JSON_NODE_OBJECT);
    g_autoptr(JsonArray) array = json_array_new();
    g_autofree char *text = NULL;
    g_autoptr(JsonObject) args = NULL;

    json_array_add_string_element(array, "a");
    args = hvd_qmp_args_new("s:uri", "fd:migrate", "S:absent", NULL, "b:detach", TRUE, "i:int", -3,
                            "I:int64", G_GINT64_CONSTANT(1) << 40, "u:uint", 4u, "U:uint64",
                            G_GUINT64_CONSTANT(1) << 41, "d:ratio", 0.5, "a:list",
                            g_steal_pointer(&array), "o:nested",
                            hvd_qmp_args_new("s:driver", "file", NULL), "O:none", NULL, NULL);
    g_assert_nonnull(args);
    json_node_set_object(root, args);
    json_generator_set_root(generator, root);
    text = json_generator_to_data(generator, NULL);
    g_assert_cmpstr(text, ==,
                    "{\"uri\":\"fd:migrate\",\"detach\":true,\"int\":-3,\"int64\":1099511627776,"
                    "\"uint\":4,\"uint64\":2199023255552,\"ratio\":0.5,\"list\":[\"a\"],"
                    "\"nested\":{\"driver\":\"file\"}}");

    if (g_test_undefined()) {
        g_test_expect_message("berthd", G_LOG_LEVEL_CRITICAL, "*malformed key*");
        g_assert_null(hvd_qmp_args_new("uri", "x", NULL));
        g_test_assert_expected_messages();
        g_test_expect_message("berthd", G_LOG_LEVEL_CRITICAL, "*unknown type*");
        g_assert_null(hvd_qmp_args_new("x:uri", "x", NULL));
        g_test_assert_expected_messages();
    }
}

static void
test_error_classes(void)
{
    g_assert_cmpint(hvd_qmp_error_from_class("GenericError"), ==, HVD_QMP_ERROR_GENERIC_ERROR);
    g_assert_cmpint(hvd_qmp_error_from_class("KVMMissingCap"), ==, HVD_QMP_ERROR_KVM_MISSING_CAP);
    g_assert_cmpint(hvd_qmp_error_from_class("Whatever"), ==, HVD_QMP_ERROR_UNKNOWN_CLASS);
    g_assert_cmpstr(hvd_qmp_error_to_class(HVD_QMP_ERROR_DEVICE_NOT_FOUND), ==, "DeviceNotFound");
    g_assert_null(hvd_qmp_error_to_class(HVD_QMP_ERROR_CLOSED));
}

/* WAIT_FOR also polls conditions no source reports (the monitor thread's progress). */
static gboolean
wake_up(gpointer user_data)
{
    return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_timeout_add(10, wake_up, NULL);

    g_test_add_func("/hypervisor/qmp/args", test_args);
    g_test_add_func("/hypervisor/qmp/error-classes", test_error_classes);
    g_test_add_func("/hypervisor/qmp/handshake", test_handshake);
    g_test_add_func("/hypervisor/qmp/return", test_return);
    g_test_add_func("/hypervisor/qmp/error", test_error);
    g_test_add_func("/hypervisor/qmp/out-of-order", test_out_of_order);
    g_test_add_func("/hypervisor/qmp/events", test_events);
    g_test_add_func("/hypervisor/qmp/split-and-coalesced", test_split_and_coalesced);
    g_test_add_func("/hypervisor/qmp/getfd", test_getfd);
    g_test_add_func("/hypervisor/qmp/peer-closes", test_peer_closes);
    g_test_add_func("/hypervisor/qmp/garbage/text", test_garbage_text);
    g_test_add_func("/hypervisor/qmp/garbage/json", test_garbage_json);
    g_test_add_func("/hypervisor/qmp/garbage/binary", test_garbage_binary);
    g_test_add_func("/hypervisor/qmp/connect/bad-greeting", test_bad_greeting);
    g_test_add_func("/hypervisor/qmp/connect/closed-before-greeting", test_closed_before_greeting);
    g_test_add_func("/hypervisor/qmp/connect/capabilities-refused", test_capabilities_refused);
    g_test_add_func("/hypervisor/qmp/connect/late-socket", test_late_socket);
    g_test_add_func("/hypervisor/qmp/connect/timeout", test_connect_timeout);
    g_test_add_func("/hypervisor/qmp/connect/not-a-socket", test_connect_error);
    g_test_add_func("/hypervisor/qmp/connect/cancel", test_connect_cancel);
    g_test_add_func("/hypervisor/qmp/connect/socketpair", test_socketpair);
    g_test_add_func("/hypervisor/qmp/connect/handshake-timeout", test_handshake_timeout);
    g_test_add_func("/hypervisor/qmp/cancel/unsent", test_cancel_unsent);
    g_test_add_func("/hypervisor/qmp/cancel/sent", test_cancel_sent);
    g_test_add_func("/hypervisor/qmp/lifetime/close-in-flight", test_close_in_flight);
    g_test_add_func("/hypervisor/qmp/lifetime/unref-in-flight", test_unref_in_flight);
    g_test_add_func("/hypervisor/qmp/lifetime/dispose-in-flight", test_dispose_in_flight);

    return g_test_run();
}
