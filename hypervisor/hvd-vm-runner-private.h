/* hvd-vm-runner-private.h: what the hvd-vm-runner*.c files share: the runner's fields and the
 * helpers each operation uses.
 *
 * One action at a time: self->op holds it. Every asynchronous step of an action is given
 * self->op_cancellable and a reference on the runner; when the action ends (or the worker dies
 * under it) the cancellable is cancelled and late callbacks drop out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hvd-network.h"
#include "hvd-qmp-client.h"
#include "hvd-serial-tail.h"
#include "hvd-vm-runner.h"

G_BEGIN_DECLS

#define QMP_CONNECT_TIMEOUT_MS 30000 /* QEMU's own start-up, generous for a loaded host */
#define RECOVER_TIMEOUT_MS     3000
#define START_GRACE_MS         2000
#define TURN_OFF_KILL_MS       3000
#define SHUT_DOWN_DEFAULT_S    120
#define MIGRATE_POLL_MS        50
#define STATS_INTERVAL_MS      1000
#define HEARTBEAT_INTERVAL_S   2
#define HEARTBEAT_GRACE_US     (5 * G_USEC_PER_SEC)
#define LAST_SERIAL_LINES      10
#define MIGRATE_BANDWIDTH      (G_GINT64_CONSTANT(64) * 1024 * 1024 * 1024)

typedef enum {
    OP_NONE,
    OP_RECOVER,
    OP_START,
    OP_SHUT_DOWN,
    OP_TURN_OFF,
    OP_SAVE,
    OP_PAUSE,
    OP_RESUME,
    OP_RESET,
    OP_CHECKPOINT, /* held by a checkpoint operation (hvd_vm_runner_hold), no task */
} OpKind;

struct _HvdVmRunner {
    GObject parent_instance;

    HvdHost *host;
    HvdNetwork *network; /* NULL: adapters unplugged (tests without switches) */
    char *net_note;      /* adapters the last start left disconnected, for the status */
    char *vm_dir;
    char *runtime_dir;
    HvxVmDef *def;     /* for the next start */
    HvxVmDef *run_def; /* the definition the running worker was started with, once replaced */

    HvdVmState state;
    char *status;
    double cpu_usage;
    guint64 assigned_memory;
    guint64 uptime;
    char *heartbeat;
    char *accelerator;
    char *last_serial_lines;

    /* The action under way. */
    OpKind op;
    GTask *op_task;
    GCancellable *op_cancellable;
    GError *op_error;      /* a start that failed: returned once the worker is gone */
    gboolean restoring;    /* the start restores saved.state */
    gboolean save_written; /* saved.state is complete; QEMU was told to quit */
    guint op_timeout_id;

    /* The worker. */
    GPid pid;
    gboolean own_child;
    guint child_watch_id;
    int pidfd;
    GSource *pidfd_source;
    HvdQmpClient *qmp;
    gboolean expect_exit;    /* we told QEMU to end */
    gboolean guest_shutdown; /* the guest powered off (SHUTDOWN event) */
    guint kill_timeout_id;
    guint swtpm_pid;

    /* Figures. */
    guint stats_id;
    guint64 start_ticks; /* /proc/PID/stat starttime */
    guint64 last_cpu_ticks;
    gint64 last_cpu_time;
    guint stats_round;
    gboolean balloon_pending;

    /* COM1 (its log followed, or its socket when it keeps none) and the guest agent. */
    HvdSerialTail *serial_tail;
    GSocket *serial;
    GSource *serial_source;
    guint64 serial_socket_offset;
    GSocket *qga;
    GSource *qga_source;
    gint64 qga_last_reply;

    guint fd_serial;
};

/* Ends the action under way with an error (taken), e.g. hvd_vm_runner_op_end. */
typedef void (*HvdVmRunnerFailFunc)(HvdVmRunner *self, GError *error);

/* hvd-vm-runner.c: fields, state and the action machinery. */
char *hvd_vm_runner_runtime_path(HvdVmRunner *self, const char *name);
char *hvd_vm_runner_vm_path(HvdVmRunner *self, const char *name);
const HvxVmDef *hvd_vm_runner_running_def(HvdVmRunner *self);
void hvd_vm_runner_set_status(HvdVmRunner *self, const char *status);
void hvd_vm_runner_set_heartbeat(HvdVmRunner *self, const char *heartbeat);
void hvd_vm_runner_set_accelerator(HvdVmRunner *self, const char *accelerator);
void hvd_vm_runner_set_last_serial_lines(HvdVmRunner *self, const char *lines);
void hvd_vm_runner_set_figures(HvdVmRunner *self, double cpu, guint64 memory, guint64 uptime);
void hvd_vm_runner_set_state(HvdVmRunner *self, HvdVmState state);
/* hvd-vm-runner-figures.c: the running definition's COM port @port, or NULL. */
const HvxComDef *hvd_vm_runner_find_com(HvdVmRunner *self, guint port);
void hvd_vm_runner_emit_serial_output(HvdVmRunner *self, GBytes *bytes, guint64 offset);
char *hvd_vm_runner_actions_text(HvdVmState state);
gboolean hvd_vm_runner_check_action(HvdVmRunner *self, const char *action, GError **error);
GTask *hvd_vm_runner_op_begin(HvdVmRunner *self, OpKind kind, GTask *task);
void hvd_vm_runner_op_end(HvdVmRunner *self, GError *error);
gboolean hvd_vm_runner_action_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);
gboolean hvd_vm_runner_is_cancelled(const GError *error);
void hvd_vm_runner_qmp_exec(HvdVmRunner *self, const char *command, JsonObject *args, int fd,
                            GAsyncReadyCallback callback);
GError *hvd_vm_runner_qmp_failure(const GError *error, const char *what);
JsonNode *hvd_vm_runner_qmp_finish(HvdVmRunner *self, GObject *source, GAsyncResult *result,
                                   HvdVmRunnerFailFunc fail, const char *what);
const char *hvd_vm_runner_reply_status(JsonNode *node);
JsonNode *hvd_vm_runner_task_qmp_finish(GTask *task, GObject *source, GAsyncResult *result,
                                        const char *what);

/* hvd-vm-runner-stop.c: the worker's files, its watch and its end. */
void hvd_vm_runner_remove_runtime_dir(HvdVmRunner *self);
GPid hvd_vm_runner_read_pid_file(const char *path);
gboolean hvd_vm_runner_process_matches(GPid pid, const char *needle);
void hvd_vm_runner_stop_swtpm(HvdVmRunner *self);
void hvd_vm_runner_stop_watching(HvdVmRunner *self);
void hvd_vm_runner_worker_exited(HvdVmRunner *self, gboolean have_status, int wait_status);
void hvd_vm_runner_on_child_exited(GPid pid, int wait_status, gpointer user_data);
void hvd_vm_runner_watch_pid(HvdVmRunner *self);
void hvd_vm_runner_attach_qmp(HvdVmRunner *self, HvdQmpClient *qmp);
void hvd_vm_runner_kill_worker(HvdVmRunner *self);
void hvd_vm_runner_end_worker(HvdVmRunner *self);
void hvd_vm_runner_on_quit_sent(GObject *source, GAsyncResult *result, gpointer user_data);

/* Drops the port rules of the worker's adapters (its taps went with it). */
void hvd_vm_runner_release_ports(HvdVmRunner *self);

/* hvd-vm-runner-figures.c: live figures, COM1 and the guest agent. */
void hvd_vm_runner_start_io(HvdVmRunner *self);

G_END_DECLS
