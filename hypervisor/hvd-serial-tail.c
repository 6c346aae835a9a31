/* hvd-serial-tail.c: follows the end of a COM port's log file and says what was added.
 *
 * QEMU writes a COM port's log itself (a `file` chardev: a write to a regular file never fails,
 * so every byte is there exactly once, also while berthd is not running). berthd only reads it:
 * a GFileMonitor says when the file changed, and each change is read from the last offset to the
 * end of the file. What SerialOutput sends is therefore the log, byte for byte, and a client can
 * stitch it to ReadSerial by offset.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "hvd-serial-tail.h"

/* Change events come at most this often while the guest writes without a pause; the first
 * change after a quiet time comes at once. */
#define RATE_LIMIT_MS 50
/* One emission carries at most this much (a D-Bus signal each). */
#define CHUNK_MAX (64 * 1024)

struct _HvdSerialTail {
    GObject parent_instance;

    char *path;
    GFileMonitor *monitor;
    guint64 offset;
};

enum {
    SIGNAL_OUTPUT,
    N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE(HvdSerialTail, hvd_serial_tail, G_TYPE_OBJECT)

static guint64
file_size(const char *path)
{
    GStatBuf st;

    return g_stat(path, &st) == 0 ? (guint64)st.st_size : 0;
}

void
hvd_serial_tail_poll(HvdSerialTail *self)
{
    g_autofree guint8 *buffer = NULL;
    int fd;

    g_return_if_fail(HVD_IS_SERIAL_TAIL(self));

    fd = g_open(self->path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0)
        return;
    /* A log that shrank was replaced (the VM was deleted and defined again): start over. */
    if (file_size(self->path) < self->offset)
        self->offset = 0;
    buffer = g_malloc(CHUNK_MAX);
    while (TRUE) {
        ssize_t n = pread(fd, buffer, CHUNK_MAX, (off_t)self->offset);
        g_autoptr(GBytes) bytes = NULL;
        guint64 at = self->offset;

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        bytes = g_bytes_new(buffer, (gsize)n);
        self->offset += (guint64)n;
        g_signal_emit(self, signals[SIGNAL_OUTPUT], 0, bytes, at);
    }
    g_close(fd, NULL);
}

guint64
hvd_serial_tail_get_offset(HvdSerialTail *self)
{
    g_return_val_if_fail(HVD_IS_SERIAL_TAIL(self), 0);
    return self->offset;
}

static void
on_changed(GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
           gpointer user_data)
{
    if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_CREATED ||
        event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT)
        hvd_serial_tail_poll(HVD_SERIAL_TAIL(user_data));
}

HvdSerialTail *
hvd_serial_tail_new(const char *path)
{
    HvdSerialTail *self;
    g_autoptr(GFile) file = NULL;
    g_autoptr(GError) error = NULL;

    g_return_val_if_fail(path != NULL, NULL);

    self = g_object_new(HVD_TYPE_SERIAL_TAIL, NULL);
    self->path = g_strdup(path);
    self->offset = file_size(path);
    file = g_file_new_for_path(path);
    self->monitor = g_file_monitor_file(file, G_FILE_MONITOR_NONE, NULL, &error);
    if (self->monitor == NULL) {
        g_warning("Cannot follow %s: %s", path, error->message);
        return self;
    }
    g_file_monitor_set_rate_limit(self->monitor, RATE_LIMIT_MS);
    g_signal_connect(self->monitor, "changed", G_CALLBACK(on_changed), self);
    return self;
}

static void
hvd_serial_tail_dispose(GObject *object)
{
    HvdSerialTail *self = HVD_SERIAL_TAIL(object);

    if (self->monitor != NULL) {
        g_signal_handlers_disconnect_by_data(self->monitor, self);
        g_file_monitor_cancel(self->monitor);
        g_clear_object(&self->monitor);
    }
    G_OBJECT_CLASS(hvd_serial_tail_parent_class)->dispose(object);
}

static void
hvd_serial_tail_finalize(GObject *object)
{
    HvdSerialTail *self = HVD_SERIAL_TAIL(object);

    g_free(self->path);
    G_OBJECT_CLASS(hvd_serial_tail_parent_class)->finalize(object);
}

static void
hvd_serial_tail_class_init(HvdSerialTailClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->dispose = hvd_serial_tail_dispose;
    object_class->finalize = hvd_serial_tail_finalize;

    /**
     * HvdSerialTail::output:
     * @self: the tail
     * @data: bytes added to the file
     * @offset: where @data starts in the file
     */
    signals[SIGNAL_OUTPUT] =
        g_signal_new("output", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                     G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_UINT64);
}

static void
hvd_serial_tail_init(HvdSerialTail *self)
{
}
