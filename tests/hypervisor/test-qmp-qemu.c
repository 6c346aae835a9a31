/* test-qmp-qemu.c: HvdQmpClient against a real QEMU (TCG, no disk, paused at start).
 *
 * Only the QEMU this test starts is ever killed, by its pid, through its GSubprocess.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "hvd-qmp-client.h"

/* Generous for TCG on a loaded machine; a normal run takes well under a second. */
#define TIMEOUT_S 30

#define WAIT_FOR(cond)                                                          \
    G_STMT_START                                                                \
    {                                                                           \
        gint64 deadline_ = g_get_monotonic_time() + TIMEOUT_S * G_USEC_PER_SEC; \
        while (!(cond)) {                                                       \
            if (g_get_monotonic_time() > deadline_)                             \
                g_error("timed out waiting for %s", #cond);                     \
            g_main_context_iteration(NULL, TRUE);                               \
        }                                                                       \
    }                                                                           \
    G_STMT_END

typedef struct {
    char *dir;
    char *socket_path;
    GSubprocess *qemu;
    HvdQmpClient *client;
    GPtrArray *events; /* names, in order */
    guint closed_count;
    GError *closed_error;
} Fixture;

typedef struct {
    gboolean done;
    JsonNode *ret;
    GError *error;
} Reply;

static void
on_event(HvdQmpClient *client, const char *name, JsonObject *data, gint64 timestamp,
         gpointer user_data)
{
    Fixture *fixture = user_data;

    /* QEMU stamps events with the host's real time. */
    g_assert_cmpint(ABS(g_get_real_time() - timestamp), <, 60 * G_USEC_PER_SEC);
    g_ptr_array_add(fixture->events, g_strdup(name));
}

static void
on_closed(HvdQmpClient *client, GError *reason, gpointer user_data)
{
    Fixture *fixture = user_data;

    fixture->closed_count++;
    g_clear_error(&fixture->closed_error);
    fixture->closed_error = g_error_copy(reason);
}

static void
on_reply(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Reply *reply = user_data;

    reply->ret = hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &reply->error);
    reply->done = TRUE;
}

static void
reply_clear(Reply *reply)
{
    g_clear_pointer(&reply->ret, json_node_unref);
    g_clear_error(&reply->error);
    reply->done = FALSE;
}

/* Runs @command and checks it succeeded; returns its `return` object (owned by @reply). */
static JsonObject *
run(Fixture *fixture, Reply *reply, const char *command, JsonObject *args, int fd)
{
    reply_clear(reply);
    hvd_qmp_client_execute_async(fixture->client, command, args, fd, NULL, on_reply, reply);
    WAIT_FOR(reply->done);
    g_assert_no_error(reply->error);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(reply->ret));
    return json_node_get_object(reply->ret);
}

static const char *
query_status(Fixture *fixture, Reply *reply)
{
    return json_object_get_string_member(run(fixture, reply, "query-status", NULL, -1), "status");
}

static gboolean
has_event(Fixture *fixture, const char *name)
{
    for (guint i = 0; i < fixture->events->len; i++) {
        if (g_str_equal(fixture->events->pdata[i], name))
            return TRUE;
    }
    return FALSE;
}

static void
on_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Fixture *fixture = user_data;
    g_autoptr(GError) error = NULL;

    fixture->client = hvd_qmp_client_connect_finish(result, &error);
    g_assert_no_error(error);
}

static void
fixture_setup(Fixture *fixture, gconstpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *qmp = NULL;
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");

    fixture->events = g_ptr_array_new_with_free_func(g_free);
    if (qemu == NULL)
        return;

    fixture->dir = g_dir_make_tmp("berth-qmp-qemu-XXXXXX", &error);
    g_assert_no_error(error);
    fixture->socket_path = g_build_filename(fixture->dir, "qmp.sock", NULL);
    qmp = g_strdup_printf("unix:%s,server=on,wait=off", fixture->socket_path);
    fixture->qemu =
        g_subprocess_new(G_SUBPROCESS_FLAGS_NONE, &error, qemu, "-machine", "pc", "-accel", "tcg",
                         "-nodefaults", "-display", "none", "-m", "64", "-S", "-qmp", qmp, NULL);
    g_assert_no_error(error);
}

static void
fixture_teardown(Fixture *fixture, gconstpointer user_data)
{
    g_clear_object(&fixture->client);
    if (fixture->qemu != NULL) {
        /* Normally QEMU has quit already; if the test failed early, kill ours by its pid. */
        if (g_subprocess_get_identifier(fixture->qemu) != NULL)
            g_subprocess_force_exit(fixture->qemu);
        g_subprocess_wait(fixture->qemu, NULL, NULL);
        g_clear_object(&fixture->qemu);
    }
    if (fixture->socket_path != NULL)
        g_unlink(fixture->socket_path);
    if (fixture->dir != NULL)
        g_rmdir(fixture->dir);
    g_free(fixture->socket_path);
    g_free(fixture->dir);
    g_ptr_array_unref(fixture->events);
    g_clear_error(&fixture->closed_error);
}

static void
on_qemu_exited(GObject *source, GAsyncResult *result, gpointer user_data)
{
    gboolean *exited = user_data;

    g_subprocess_wait_finish(G_SUBPROCESS(source), result, NULL);
    *exited = TRUE;
}

static void
test_qemu_lifecycle(Fixture *fixture, gconstpointer user_data)
{
    Reply reply = {0};
    g_autoptr(JsonObject) getfd_args = hvd_qmp_args_new("s:fdname", "berth-test", NULL);
    JsonObject *version;
    guint major = 0, minor = 0;
    gint64 start = g_get_monotonic_time();
    gboolean exited = FALSE;
    int pipe_fds[2];

    if (fixture->qemu == NULL) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }

    /* Connect right after exec: the socket usually does not exist yet. */
    hvd_qmp_client_connect_async(fixture->socket_path, TIMEOUT_S * 1000, NULL, on_connected,
                                 fixture);
    WAIT_FOR(fixture->client != NULL);
    g_test_message("connected after %" G_GINT64_FORMAT " ms (%s)",
                   (g_get_monotonic_time() - start) / 1000,
                   hvd_qmp_client_get_qemu_package(fixture->client));
    g_signal_connect(fixture->client, "event", G_CALLBACK(on_event), fixture);
    g_signal_connect(fixture->client, "closed", G_CALLBACK(on_closed), fixture);

    hvd_qmp_client_get_qemu_version(fixture->client, &major, &minor, NULL);
    g_assert_cmpuint(major, ==, 7);
    g_assert_cmpuint(minor, ==, 2);

    g_assert_cmpstr(query_status(fixture, &reply), ==, "prelaunch");
    g_assert_false(json_object_get_boolean_member(json_node_get_object(reply.ret), "running"));

    run(fixture, &reply, "cont", NULL, -1);
    WAIT_FOR(has_event(fixture, "RESUME"));
    g_assert_cmpstr(query_status(fixture, &reply), ==, "running");
    g_assert_true(json_object_get_boolean_member(json_node_get_object(reply.ret), "running"));

    run(fixture, &reply, "stop", NULL, -1);
    WAIT_FOR(has_event(fixture, "STOP"));
    g_assert_cmpstr(query_status(fixture, &reply), ==, "paused");

    run(fixture, &reply, "system_reset", NULL, -1);
    WAIT_FOR(has_event(fixture, "RESET"));

    /* A real fd through SCM_RIGHTS: QEMU keeps it under the name, and closefd finds it. */
    g_assert_cmpint(pipe(pipe_fds), ==, 0);
    run(fixture, &reply, "getfd", getfd_args, pipe_fds[1]);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    run(fixture, &reply, "closefd", getfd_args, -1);
    reply_clear(&reply);
    hvd_qmp_client_execute_async(fixture->client, "closefd", getfd_args, -1, NULL, on_reply,
                                 &reply);
    WAIT_FOR(reply.done);
    g_assert_error(reply.error, HVD_QMP_ERROR, HVD_QMP_ERROR_GENERIC_ERROR);
    g_test_message("closefd twice: %s", reply.error->message);

    version =
        json_object_get_object_member(run(fixture, &reply, "query-version", NULL, -1), "qemu");
    g_assert_cmpint(json_object_get_int_member(version, "major"), ==, 7);
    g_assert_cmpint(json_object_get_int_member(version, "minor"), ==, 2);

    /* quit: the reply, SHUTDOWN, then the connection ends and QEMU exits. */
    g_subprocess_wait_async(fixture->qemu, NULL, on_qemu_exited, &exited);
    run(fixture, &reply, "quit", NULL, -1);
    WAIT_FOR(fixture->closed_count > 0);
    g_assert_true(has_event(fixture, "SHUTDOWN"));
    g_assert_cmpstr(fixture->events->pdata[fixture->events->len - 1], ==, "SHUTDOWN");
    g_assert_error(fixture->closed_error, HVD_QMP_ERROR, HVD_QMP_ERROR_CLOSED);
    g_assert_cmpuint(fixture->closed_count, ==, 1);
    g_assert_true(hvd_qmp_client_is_closed(fixture->client));
    WAIT_FOR(exited);
    g_assert_true(g_subprocess_get_successful(fixture->qemu));

    g_test_message("events: %u, whole run %" G_GINT64_FORMAT " ms", fixture->events->len,
                   (g_get_monotonic_time() - start) / 1000);
    reply_clear(&reply);
}

/* WAIT_FOR checks its deadline even when QEMU says nothing. */
static gboolean
wake_up(gpointer user_data)
{
    return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_timeout_add(100, wake_up, NULL);

    g_test_add("/hypervisor/qmp/qemu/lifecycle", Fixture, NULL, fixture_setup, test_qemu_lifecycle,
               fixture_teardown);

    return g_test_run();
}
