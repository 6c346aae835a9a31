/* fake-qmp-monitor.c: a scripted QMP peer for testing HvdQmpClient.
 *
 * The monitor plays its script in a thread with plain blocking sockets, so that it never
 * depends on the main loop the client under test runs on. Each blocking wait is bounded; a
 * mismatch is recorded (first one wins), the connection is dropped and the test fails in
 * fake_monitor_finish() with the reason.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fake-qmp-monitor.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define FAKE_IO_TIMEOUT_MS 10000

struct _FakeMonitor {
    FakeStep *script;
    guint n_steps;
    guint delay_ms;
    char *dir;
    char *path;
    int fd;
    GThread *thread;
    GString *inbuf;
    GPtrArray *ids;    /* of the commands seen, in order */
    GArray *fds;       /* received with SCM_RIGHTS, in order */
    guint fds_claimed; /* by EXPECT steps that want one */
    char *failure;     /* the first mismatch */
    gint steps_done;   /* atomic */
    GMutex lock;
    GCond cond;
    guint releases; /* under lock: fake_monitor_release() calls */
    guint holds;    /* HOLD steps passed */
};

static void fake_fail(FakeMonitor *monitor, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
fake_fail(FakeMonitor *monitor, const char *format, ...)
{
    va_list ap;

    if (monitor->failure != NULL)
        return;
    va_start(ap, format);
    monitor->failure = g_strdup_vprintf(format, ap);
    va_end(ap);
}

static gboolean
wait_fd(int fd, short events)
{
    struct pollfd pfd = {.fd = fd, .events = events};
    int r;

    do
        r = poll(&pfd, 1, FAKE_IO_TIMEOUT_MS);
    while (r < 0 && errno == EINTR);
    return r > 0;
}

static gboolean
write_all(FakeMonitor *monitor, const char *text)
{
    gsize len = strlen(text);
    gsize done = 0;

    while (done < len) {
        ssize_t n = send(monitor->fd, text + done, len - done, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fake_fail(monitor, "send: %s", g_strerror(errno));
            return FALSE;
        }
        done += n;
    }
    return TRUE;
}

/* Reads one line the client sent. NULL on EOF (not a failure) or on error (a failure). */
static char *
read_line(FakeMonitor *monitor)
{
    for (;;) {
        char *nl = memchr(monitor->inbuf->str, '\n', monitor->inbuf->len);
        char buf[4096];
        union {
            struct cmsghdr align;
            char space[CMSG_SPACE(sizeof(int) * 4)];
        } control;
        struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
        struct msghdr msg = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = control.space,
            .msg_controllen = sizeof(control.space),
        };
        ssize_t n;

        if (nl != NULL) {
            gsize len = nl - monitor->inbuf->str;
            char *line = g_strndup(monitor->inbuf->str, len);

            g_string_erase(monitor->inbuf, 0, len + 1);
            return line;
        }
        if (!wait_fd(monitor->fd, POLLIN)) {
            fake_fail(monitor, "the client sent nothing for %d ms", FAKE_IO_TIMEOUT_MS);
            return NULL;
        }
        n = recvmsg(monitor->fd, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fake_fail(monitor, "recvmsg: %s", g_strerror(errno));
            return NULL;
        }
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                guint count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

                for (guint i = 0; i < count; i++) {
                    int fd;

                    memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                    g_array_append_val(monitor->fds, fd);
                }
            }
        }
        if (n == 0) {
            if (monitor->inbuf->len > 0)
                fake_fail(monitor, "EOF after a partial line: %s", monitor->inbuf->str);
            return NULL;
        }
        g_string_append_len(monitor->inbuf, buf, n);
    }
}

static char *
substitute_ids(FakeMonitor *monitor, const char *text)
{
    GString *out = g_string_new(NULL);

    for (const char *p = text; *p != '\0'; p++) {
        char *end = NULL;
        guint64 n;

        if (*p == '@' && g_ascii_isdigit(p[1])) {
            n = g_ascii_strtoull(p + 1, &end, 10);
            if (*end == '@' && n >= 1 && n <= monitor->ids->len) {
                g_string_append(out, g_ptr_array_index(monitor->ids, n - 1));
                p = end;
                continue;
            }
            fake_fail(monitor, "script refers to command @%" G_GUINT64_FORMAT "@, not seen yet", n);
        }
        g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

static gboolean
expect_command(FakeMonitor *monitor, const FakeStep *step)
{
    g_autofree char *line = read_line(monitor);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    JsonObject *object;
    JsonNode *id;
    const char *execute;

    if (line == NULL) {
        fake_fail(monitor, "expected '%s', got EOF", step->command);
        return FALSE;
    }
    if (!json_parser_load_from_data(parser, line, -1, &error) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        fake_fail(monitor, "expected '%s', got non-JSON: %s", step->command, line);
        return FALSE;
    }
    object = json_node_get_object(json_parser_get_root(parser));
    execute = json_object_get_string_member_with_default(object, "execute", "");
    if (g_strcmp0(execute, step->command) != 0) {
        fake_fail(monitor, "expected '%s', got: %s", step->command, line);
        return FALSE;
    }
    id = json_object_get_member(object, "id");
    if (id == NULL || json_node_get_value_type(id) != G_TYPE_STRING) {
        fake_fail(monitor, "command without a string id: %s", line);
        return FALSE;
    }
    g_ptr_array_add(monitor->ids, g_strdup(json_node_get_string(id)));

    if (step->args != NULL) {
        g_autoptr(JsonParser) want = json_parser_new();
        JsonNode *got = json_object_get_member(object, "arguments");

        if (!json_parser_load_from_data(want, step->args, -1, NULL))
            g_error("fake monitor: bad JSON in script: %s", step->args);
        if (got == NULL || !json_node_equal(got, json_parser_get_root(want))) {
            fake_fail(monitor, "'%s': arguments differ from %s: %s", step->command, step->args,
                      line);
            return FALSE;
        }
    }
    if (step->want_fd) {
        if (monitor->fds->len <= monitor->fds_claimed) {
            fake_fail(monitor, "'%s' came without a file descriptor", step->command);
            return FALSE;
        }
        monitor->fds_claimed++;
    }
    return TRUE;
}

static int
listen_and_accept(FakeMonitor *monitor)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int fd = -1;

    g_assert_cmpint(listener, >=, 0);
    g_assert_cmpuint(strlen(monitor->path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, monitor->path);
    if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(listener, 1) < 0) {
        fake_fail(monitor, "bind/listen %s: %s", monitor->path, g_strerror(errno));
    } else if (!wait_fd(listener, POLLIN)) {
        fake_fail(monitor, "nobody connected to %s", monitor->path);
    } else {
        fd = accept(listener, NULL, NULL);
        if (fd < 0)
            fake_fail(monitor, "accept: %s", g_strerror(errno));
    }
    close(listener);
    return fd;
}

static gpointer
fake_monitor_thread(gpointer user_data)
{
    FakeMonitor *monitor = user_data;

    if (monitor->fd < 0) {
        if (monitor->delay_ms > 0)
            g_usleep(monitor->delay_ms * 1000);
        monitor->fd = listen_and_accept(monitor);
        if (monitor->fd < 0)
            return NULL;
    }

    for (guint i = 0; i < monitor->n_steps && monitor->failure == NULL; i++) {
        const FakeStep *step = &monitor->script[i];

        switch (step->kind) {
        case FAKE_STEP_SEND: {
            g_autofree char *text = substitute_ids(monitor, step->text);

            write_all(monitor, text);
            break;
        }
        case FAKE_STEP_EXPECT:
            expect_command(monitor, step);
            break;
        case FAKE_STEP_SLEEP:
            g_usleep(step->ms * 1000);
            break;
        case FAKE_STEP_CLOSE:
            close(monitor->fd);
            monitor->fd = -1;
            break;
        case FAKE_STEP_HOLD: {
            gint64 deadline = g_get_monotonic_time() + FAKE_IO_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

            g_mutex_lock(&monitor->lock);
            while (monitor->releases <= monitor->holds) {
                if (!g_cond_wait_until(&monitor->cond, &monitor->lock, deadline)) {
                    fake_fail(monitor, "the test did not release the monitor");
                    break;
                }
            }
            monitor->holds++;
            g_mutex_unlock(&monitor->lock);
            break;
        }
        }
        g_atomic_int_inc(&monitor->steps_done);
        if (monitor->fd < 0)
            break;
    }

    /* After the script the client must only hang up. */
    if (monitor->fd >= 0 && monitor->failure == NULL) {
        g_autofree char *line = read_line(monitor);

        if (line != NULL)
            fake_fail(monitor, "unexpected message after the script: %s", line);
    }
    if (monitor->fd >= 0) {
        close(monitor->fd);
        monitor->fd = -1;
    }
    /* An fd may arrive with the bytes of the command before its own: only the total counts. */
    if (monitor->fds->len > monitor->fds_claimed)
        fake_fail(monitor, "%u unexpected file descriptors",
                  monitor->fds->len - monitor->fds_claimed);
    return NULL;
}

static FakeMonitor *
fake_monitor_alloc(const FakeStep *script, guint n_steps)
{
    FakeMonitor *monitor = g_new0(FakeMonitor, 1);

    monitor->script = g_memdup2(script, n_steps * sizeof(FakeStep));
    monitor->n_steps = n_steps;
    monitor->fd = -1;
    monitor->inbuf = g_string_new(NULL);
    monitor->ids = g_ptr_array_new_with_free_func(g_free);
    monitor->fds = g_array_new(FALSE, FALSE, sizeof(int));
    g_mutex_init(&monitor->lock);
    g_cond_init(&monitor->cond);
    return monitor;
}

/**
 * fake_monitor_new:
 * @script: the steps
 * @n_steps: how many
 * @delay_ms: how long to wait before creating the listening socket
 *
 * A monitor listening on a unix socket in a new temporary directory (see
 * fake_monitor_get_path()); it accepts one connection and plays @script on it.
 */
FakeMonitor *
fake_monitor_new(const FakeStep *script, guint n_steps, guint delay_ms)
{
    FakeMonitor *monitor = fake_monitor_alloc(script, n_steps);
    g_autoptr(GError) error = NULL;

    monitor->delay_ms = delay_ms;
    monitor->dir = g_dir_make_tmp("berth-fake-qmp-XXXXXX", &error);
    g_assert_no_error(error);
    monitor->path = g_build_filename(monitor->dir, "qmp.sock", NULL);
    monitor->thread = g_thread_new("fake-qmp-monitor", fake_monitor_thread, monitor);
    return monitor;
}

/**
 * fake_monitor_new_socketpair:
 * @script: the steps
 * @n_steps: how many
 * @ret_client: (out): the client's end
 */
FakeMonitor *
fake_monitor_new_socketpair(const FakeStep *script, guint n_steps, GSocket **ret_client)
{
    FakeMonitor *monitor = fake_monitor_alloc(script, n_steps);
    g_autoptr(GError) error = NULL;
    int fds[2];

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
    monitor->fd = fds[0];
    *ret_client = g_socket_new_from_fd(fds[1], &error);
    g_assert_no_error(error);
    monitor->thread = g_thread_new("fake-qmp-monitor", fake_monitor_thread, monitor);
    return monitor;
}

const char *
fake_monitor_get_path(FakeMonitor *monitor)
{
    return monitor->path;
}

/* How many steps have been played: lets a test wait until the monitor got somewhere. */
guint
fake_monitor_get_steps_done(FakeMonitor *monitor)
{
    return g_atomic_int_get(&monitor->steps_done);
}

/* Lets the script go on past its next HOLD step. */
void
fake_monitor_release(FakeMonitor *monitor)
{
    g_mutex_lock(&monitor->lock);
    monitor->releases++;
    g_cond_signal(&monitor->cond);
    g_mutex_unlock(&monitor->lock);
}

/* The first fd received and not yet claimed, or -1; call after fake_monitor_finish(). */
int
fake_monitor_steal_fd(FakeMonitor *monitor)
{
    int fd;

    g_assert_null(monitor->thread);
    if (monitor->fds->len == 0)
        return -1;
    fd = g_array_index(monitor->fds, int, 0);
    g_array_remove_index(monitor->fds, 0);
    return fd;
}

/* Waits for the script to end (the client must hang up after it) and asserts it all went as
 * written. */
void
fake_monitor_finish(FakeMonitor *monitor)
{
    g_clear_pointer(&monitor->thread, g_thread_join);
    g_assert_cmpstr(monitor->failure, ==, NULL);
    g_assert_cmpuint(g_atomic_int_get(&monitor->steps_done), ==, monitor->n_steps);
}

void
fake_monitor_free(FakeMonitor *monitor)
{
    g_clear_pointer(&monitor->thread, g_thread_join);
    if (monitor->fd >= 0)
        close(monitor->fd);
    for (guint i = 0; i < monitor->fds->len; i++)
        close(g_array_index(monitor->fds, int, i));
    if (monitor->path != NULL)
        g_unlink(monitor->path);
    if (monitor->dir != NULL)
        g_rmdir(monitor->dir);
    g_free(monitor->path);
    g_free(monitor->dir);
    g_free(monitor->script);
    g_string_free(monitor->inbuf, TRUE);
    g_ptr_array_unref(monitor->ids);
    g_array_unref(monitor->fds);
    g_free(monitor->failure);
    g_mutex_clear(&monitor->lock);
    g_cond_clear(&monitor->cond);
    g_free(monitor);
}
