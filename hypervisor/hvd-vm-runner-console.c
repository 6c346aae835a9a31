/* hvd-vm-runner-console.c: what reaches a running guest's screen and COM1: Screenshot,
 * OpenConsole (a SPICE connection by file descriptor), SendSerial.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-qemu-argv.h"
#include "hvd-vm-runner-private.h"

/* --- Screenshot, console, serial -------------------------------------------------------------- */

static gboolean
check_console_state(HvdVmRunner *self, const char *action, GError **error)
{
    if (self->qmp == NULL ||
        (self->state != HVD_VM_STATE_RUNNING && self->state != HVD_VM_STATE_PAUSED) ||
        !hvd_vm_state_allows(self->state, action)) {
        g_autofree char *allowed = hvd_vm_runner_actions_text(self->state);

        g_set_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE,
                    _("The virtual machine is %s; “%s” is not possible. Allowed: %s"),
                    hvd_vm_state_to_display(self->state), action, allowed);
        return FALSE;
    }
    return TRUE;
}

static void
on_screendump(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    const char *path = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node =
        hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &error);
    g_autofree char *contents = NULL;
    gsize len = 0;

    if (node == NULL) {
        g_unlink(path);
        g_task_return_error(task, hvd_vm_runner_qmp_failure(
                                      error, _("Cannot take a screenshot of the virtual machine")));
        return;
    }
    if (!g_file_get_contents(path, &contents, &len, &error)) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                _("Cannot read the screenshot: %s"), error->message);
        return;
    }
    g_unlink(path);
    g_task_return_pointer(task, g_bytes_new_take(g_steal_pointer(&contents), len),
                          (GDestroyNotify)g_bytes_unref);
}

void
hvd_vm_runner_screenshot_async(HvdVmRunner *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(JsonObject) args = NULL;
    GError *error = NULL;
    char *path;
    g_autofree char *name = NULL;

    g_return_if_fail(HVD_IS_VM_RUNNER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_screenshot_async);
    if (!check_console_state(self, "Screenshot", &error)) {
        g_task_return_error(task, error);
        return;
    }
    name = g_strdup_printf("screenshot-%u.png", ++self->fd_serial);
    path = hvd_vm_runner_runtime_path(self, name);
    g_task_set_task_data(task, path, g_free);
    args = hvd_qmp_args_new("s:filename", path, "s:format", "png", NULL);
    hvd_qmp_client_execute_async(self->qmp, "screendump", args, -1, cancellable, on_screendump,
                                 g_object_ref(task));
}

GBytes *
hvd_vm_runner_screenshot_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    return g_task_propagate_pointer(G_TASK(result), error);
}

typedef struct {
    HvdQmpClient *qmp;
    int fd; /* ours until returned */
    char *fdname;
} ConsoleData;

static void
console_data_free(ConsoleData *data)
{
    if (data->fd >= 0)
        close(data->fd);
    g_clear_object(&data->qmp);
    g_free(data->fdname);
    g_free(data);
}

static void
on_add_client(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    ConsoleData *data = g_task_get_task_data(task);
    g_autoptr(JsonNode) node = hvd_vm_runner_task_qmp_finish(
        task, source, result, _("Cannot open a console to the virtual machine"));
    int fd;

    if (node == NULL)
        return;
    fd = data->fd;
    data->fd = -1;
    g_task_return_int(task, fd);
}

static void
on_console_getfd(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    ConsoleData *data = g_task_get_task_data(task);
    g_autoptr(JsonNode) node = hvd_vm_runner_task_qmp_finish(
        task, source, result, _("Cannot open a console to the virtual machine"));
    g_autoptr(JsonObject) args = NULL;

    if (node == NULL)
        return;
    args =
        hvd_qmp_args_new("s:protocol", "spice", "s:fdname", data->fdname, "b:skipauth", TRUE, NULL);
    hvd_qmp_client_execute_async(data->qmp, "add_client", args, -1, NULL, on_add_client,
                                 g_steal_pointer(&task));
}

void
hvd_vm_runner_open_console_async(HvdVmRunner *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(JsonObject) args = NULL;
    GError *error = NULL;
    ConsoleData *data;
    int fds[2];

    g_return_if_fail(HVD_IS_VM_RUNNER(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_vm_runner_open_console_async);
    if (!check_console_state(self, "OpenConsole", &error)) {
        g_task_return_error(task, error);
        return;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        int saved_errno = errno;

        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_FAILED,
                                _("Cannot make a socket for the console: %s"),
                                g_strerror(saved_errno));
        return;
    }
    data = g_new0(ConsoleData, 1);
    data->qmp = g_object_ref(self->qmp);
    data->fd = fds[1];
    data->fdname = g_strdup_printf("berth-console-%u", ++self->fd_serial);
    g_task_set_task_data(task, data, (GDestroyNotify)console_data_free);
    args = hvd_qmp_args_new("s:fdname", data->fdname, NULL);
    /* The client duplicates fds[0] for the send: QEMU ends up with the only copy. */
    hvd_qmp_client_execute_async(self->qmp, "getfd", args, fds[0], NULL, on_console_getfd,
                                 g_steal_pointer(&task));
    close(fds[0]);
}

int
hvd_vm_runner_open_console_finish(HvdVmRunner *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), -1);
    return (int)g_task_propagate_int(G_TASK(result), error);
}

/* COM1 with a log: its input FIFO, which QEMU always reads (never blocks berthd: a FIFO too
 * full for one line means the guest stopped reading its port). */
static gboolean
send_to_fifo(HvdVmRunner *self, const char *data, gsize len, GError **error)
{
    g_autofree char *name = hvd_qemu_com_input_name(1);
    g_autofree char *path = hvd_vm_runner_runtime_path(self, name);
    int fd = g_open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
    gssize n;
    int saved_errno;

    if (fd < 0) {
        saved_errno = errno;
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot open COM1's input “%s”: %s"),
                    path, g_strerror(saved_errno));
        return FALSE;
    }
    /* Up to PIPE_BUF bytes go in whole or not at all. */
    do
        n = write(fd, data, len);
    while (n < 0 && errno == EINTR);
    saved_errno = errno;
    g_close(fd, NULL);
    if (n == (gssize)len)
        return TRUE;
    if (n < 0 && saved_errno == EAGAIN)
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_BUSY,
                    _("COM1's input is full: the guest is not reading its serial port"));
    else
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot write to COM1: %s"),
                    n < 0 ? g_strerror(saved_errno) : _("only part of the line was written"));
    return FALSE;
}

/* COM1 without a log: its socket. */
static gboolean
send_to_socket(HvdVmRunner *self, const char *data, gsize len, GError **error)
{
    g_autoptr(GError) local_error = NULL;
    gsize sent = 0;

    if (self->serial == NULL)
        hvd_vm_runner_start_io(self);
    if (self->serial == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                    _("The virtual machine has no COM1 port berthd can reach"));
        return FALSE;
    }
    while (sent < len) {
        gssize n = g_socket_send_with_blocking(self->serial, data + sent, len - sent, TRUE, NULL,
                                               &local_error);

        if (n < 0) {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED, _("Cannot write to COM1: %s"),
                        local_error->message);
            return FALSE;
        }
        sent += (gsize)n;
    }
    return TRUE;
}

gboolean
hvd_vm_runner_send_serial(HvdVmRunner *self, const char *line, GError **error)
{
    const HvxComDef *com1;
    g_autofree char *data = NULL;

    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), FALSE);
    g_return_val_if_fail(line != NULL, FALSE);

    if (!check_console_state(self, "SendSerial", error))
        return FALSE;
    com1 = hvd_vm_runner_find_com(self, 1);
    if (com1 == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_FAILED,
                    _("The virtual machine has no COM1 port berthd can reach"));
        return FALSE;
    }
    data = g_strconcat(line, "\n", NULL);
    return com1->log ? send_to_fifo(self, data, strlen(data), error)
                     : send_to_socket(self, data, strlen(data), error);
}

char *
hvd_vm_runner_get_serial_log_path(HvdVmRunner *self)
{
    g_autofree char *name = hvd_qemu_com_log_name(1);

    g_return_val_if_fail(HVD_IS_VM_RUNNER(self), NULL);
    return hvd_vm_runner_vm_path(self, name);
}
