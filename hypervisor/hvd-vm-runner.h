/* hvd-vm-runner.h: one VM's worker: starts, watches and controls its QEMU process.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvd-host.h"
#include "hvd-network.h"
#include "hvd-vm-state.h"
#include "hvx.h"

G_BEGIN_DECLS

/* Threading: a runner, its signals, notifications and callbacks all belong to the global default
 * main context (child watches and timeouts are attached there); use it from the main thread.
 * Lifetime: an action under way holds a reference on the runner. Dropping the last reference
 * closes berthd's connections to the worker but leaves QEMU running, for a later recover. */

#define HVD_TYPE_VM_RUNNER (hvd_vm_runner_get_type())
G_DECLARE_FINAL_TYPE(HvdVmRunner, hvd_vm_runner, HVD, VM_RUNNER, GObject)

/* @vm_dir: the VM's folder (vm.xml, nvram.fd, tpm/, saved.state, serial.log; relative disk
 * paths resolve here). @runtime_dir: RUNTIME/<uuid>, made (0700) on start and removed when the
 * worker ends. Nothing is touched until an action or recover runs. */
HvdVmRunner *hvd_vm_runner_new(HvdHost *host, const char *vm_dir, const char *runtime_dir);

/* The definition the next start uses (transfer full). A running worker keeps the command line
 * it was started with. */
void hvd_vm_runner_set_definition(HvdVmRunner *self, HvxVmDef *def);
const HvxVmDef *hvd_vm_runner_get_definition(HvdVmRunner *self);

/* Where network adapters get their ports (referenced); without one they start unplugged. */
void hvd_vm_runner_set_network(HvdVmRunner *self, HvdNetwork *network);

const char *hvd_vm_runner_get_vm_dir(HvdVmRunner *self);
const char *hvd_vm_runner_get_runtime_dir(HvdVmRunner *self);

/* Finds a QEMU left running by an earlier berthd (pid file, /proc/PID/cmdline naming this VM's
 * uuid, QMP socket) and takes it over with its true state (Running or Paused); else Saved when
 * saved.state exists, else Off; a stale runtime dir (and its swtpm) is cleaned up. */
void hvd_vm_runner_recover_async(HvdVmRunner *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_vm_runner_recover_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

/* The actions. Each fails at once with BERTH_ERROR_BUSY while another action runs (except
 * TurnOff, which interrupts a Start or a ShutDown), and with BERTH_ERROR_WRONG_STATE naming the
 * state and the actions it allows. @cancellable is only checked before the action begins: an
 * action under way always completes, because half a state change is worse than a late one.
 *
 * Start: Off or Saved → Running; returns when the guest runs. Errors: BERTH_ERROR_NOT_FOUND
 * naming a missing disk, DVD or floppy image; BERTH_ERROR_HOST_UNSUPPORTED for missing QEMU,
 * firmware or swtpm; BERTH_ERROR_FAILED with QEMU's own message when QEMU exits during start.
 * A failed start leaves no process, socket or runtime dir behind (a saved state is kept).
 * From Saved it restores the guest exactly (QEMU with -incoming defer, the same command line)
 * and lets it run, whether it was running or paused when saved; saved.state is then deleted.
 * Generation 2: VM_DIR/nvram.fd is copied from the firmware template on the first start and
 * kept; a TPM's state lives in VM_DIR/tpm, served by a swtpm started per run. */
void hvd_vm_runner_start_async(HvdVmRunner *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_vm_runner_start_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

/* ShutDown: the ACPI power button; waits up to @timeout_seconds (0 = 120) for the guest to
 * power off. If it does not, fails (BERTH_ERROR_FAILED) and the VM keeps running. */
void hvd_vm_runner_shut_down_async(HvdVmRunner *self, guint timeout_seconds,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean hvd_vm_runner_shut_down_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

/* TurnOff: QMP quit, SIGKILL after 3 s; from Saved it deletes the saved state. */
void hvd_vm_runner_turn_off_async(HvdVmRunner *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_vm_runner_turn_off_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

/* Save: the guest's state to VM_DIR/saved.state (complete or absent), then QEMU ends. */
void hvd_vm_runner_save_async(HvdVmRunner *self, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_vm_runner_save_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

void hvd_vm_runner_pause_async(HvdVmRunner *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_vm_runner_pause_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

void hvd_vm_runner_resume_async(HvdVmRunner *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_vm_runner_resume_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

void hvd_vm_runner_reset_async(HvdVmRunner *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_vm_runner_reset_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

/* Screenshot: the screen as PNG bytes (Running or Paused; not exclusive with other actions). */
void hvd_vm_runner_screenshot_async(HvdVmRunner *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
GBytes *hvd_vm_runner_screenshot_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

/* OpenConsole: a unix socket connected to the VM's SPICE server (Running or Paused). Returns
 * the fd (the caller owns and closes it) or -1 with @error. */
void hvd_vm_runner_open_console_async(HvdVmRunner *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
int hvd_vm_runner_open_console_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

/* Writes @line and a newline to COM1 (Running only). The connection to COM1 is berthd's for
 * as long as the worker runs; what the guest writes comes back as "serial-output". */
gboolean hvd_vm_runner_send_serial(HvdVmRunner *self, const char *line, GError **error);

/* VM_DIR/serial.log: COM1's log, kept across runs. */
char *hvd_vm_runner_get_serial_log_path(HvdVmRunner *self);

/* InsertMedia / EjectMedia (hvd-vm-runner-media.c). find_drive: the DVD drive of @def at
 * @controller ("ide", "scsi" or "floppy") @number:@location, and its QEMU node name ("ide0-1",
 * "fd0") in @ret_node; BERTH_ERROR_NOT_FOUND when there is none, BERTH_ERROR_FAILED for a hard disk
 * there. Returns NULL for the floppy drive too (check @ret_node). change_media: puts @path
 * (NULL = eject) into the running worker's drive @node; nothing to do while Off; WRONG_STATE
 * otherwise (a saved VM restores only with the media it was saved with). */
const HvxDriveDef *hvd_vm_media_find_drive(const HvxVmDef *def, const char *controller,
                                           guint number, guint location, char **ret_node,
                                           GError **error);
void hvd_vm_runner_change_media_async(HvdVmRunner *self, const char *node, const char *path,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean hvd_vm_runner_change_media_finish(HvdVmRunner *self, GAsyncResult *result, GError **error);

/* Checkpoint operations: hold marks the runner busy with @action (a D-Bus method name) after
 * checking the state allows it (BERTH_ERROR_BUSY, BERTH_ERROR_WRONG_STATE as for the actions);
 * release ends the hold. While held, snapshot_disks switches the running worker's disks
 * (@nodes, the argv's node names such as "ide0-0") to the prepared qcow2 overlays
 * (@overlays, absolute paths whose backing files are the disks' current images) in one QMP
 * transaction: all or none. The guest keeps running. */
gboolean hvd_vm_runner_hold(HvdVmRunner *self, const char *action, GError **error);
void hvd_vm_runner_release(HvdVmRunner *self);
/* TRUE while a checkpoint operation holds the runner (its definition is about to change). */
gboolean hvd_vm_runner_is_held(HvdVmRunner *self);
void hvd_vm_runner_snapshot_disks_async(HvdVmRunner *self, GPtrArray *nodes, GPtrArray *overlays,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean hvd_vm_runner_snapshot_disks_finish(HvdVmRunner *self, GAsyncResult *result,
                                             GError **error);

HvdVmState hvd_vm_runner_get_state(HvdVmRunner *self);
const char *hvd_vm_runner_get_status(HvdVmRunner *self);
double hvd_vm_runner_get_cpu_usage(HvdVmRunner *self);
guint64 hvd_vm_runner_get_assigned_memory(HvdVmRunner *self);
guint64 hvd_vm_runner_get_uptime(HvdVmRunner *self);
const char *hvd_vm_runner_get_heartbeat(HvdVmRunner *self);
const char *hvd_vm_runner_get_accelerator(HvdVmRunner *self);
/* The last lines of serial.log when the worker last stopped unexpectedly, else "". */
const char *hvd_vm_runner_get_last_serial_lines(HvdVmRunner *self);
/* The QEMU process id while a worker runs, else 0. */
GPid hvd_vm_runner_get_pid(HvdVmRunner *self);

G_END_DECLS
