/* test-vm-runner.c: HvdVmRunner against a real QEMU booting Berth's test guest.
 *
 * Booted guests are shared between the checks (a TCG boot takes 10-30 s): the Gen1 checks run
 * in order on one VM, the Gen2 check boots its own. Only QEMU processes this test started are
 * signalled, by the pid their runner reports.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-host.h"
#include "hvd-vm-runner.h"
#include "berth-test.h"

#define BOOT_TIMEOUT_S   180
#define ACTION_TIMEOUT_S 120

typedef struct {
    HvdVmRunner *runner;
    GString *serial;  /* everything COM1 said since the runner was made */
    guint64 log_size; /* where COM1's next output starts in its log */
    gsize mark;       /* wait_line() looks at lines after this offset */
    char *vm_dir;
    char *runtime_dir;
} Vm;

static HvdHost *host;
/* QEMUs this test started, killed by pid if an assertion aborts the test. */
static GPid started[64];
static guint n_started;
static char *guest_dir;
static char *tmp_dir;
static Vm gen1;

/* --- helpers ------------------------------------------------------------------------------ */

typedef gboolean (*FinishFunc)(HvdVmRunner *self, GAsyncResult *result, GError **error);

typedef struct {
    GAsyncResult *result;
} Waiter;

static void
on_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Waiter *waiter = user_data;

    waiter->result = g_object_ref(result);
}

static void
iterate_until(gboolean *flag, guint timeout_s, const char *what)
{
    gint64 deadline = g_get_monotonic_time() + timeout_s * G_USEC_PER_SEC;

    while (!*flag) {
        if (g_get_monotonic_time() > deadline)
            g_error("timed out after %u s waiting for %s", timeout_s, what);
        g_main_context_iteration(NULL, TRUE);
    }
}

static GAsyncResult *
wait_result(Waiter *waiter, const char *what)
{
    gint64 deadline = g_get_monotonic_time() + ACTION_TIMEOUT_S * G_USEC_PER_SEC;

    while (waiter->result == NULL) {
        if (g_get_monotonic_time() > deadline)
            g_error("timed out waiting for %s", what);
        g_main_context_iteration(NULL, TRUE);
    }
    return waiter->result;
}

#define RUN(vm, action, error)                                                                     \
    G_STMT_START                                                                                   \
    {                                                                                              \
        Waiter w_ = {0};                                                                           \
        hvd_vm_runner_##action##_async((vm)->runner, NULL, on_done, &w_);                          \
        run_ok_ = hvd_vm_runner_##action##_finish((vm)->runner, wait_result(&w_, #action), error); \
        g_object_unref(w_.result);                                                                 \
    }                                                                                              \
    G_STMT_END

static gboolean run_ok_;

static void
note_started(Vm *vm)
{
    GPid pid = hvd_vm_runner_get_pid(vm->runner);

    if (pid != 0 && n_started < G_N_ELEMENTS(started))
        started[n_started++] = pid;
}

static void
on_abort(int sig)
{
    for (guint i = 0; i < n_started; i++)
        kill(started[i], SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
on_serial_output(HvdVmRunner *runner, GBytes *bytes, guint64 offset, gpointer user_data)
{
    Vm *vm = user_data;
    gsize len;
    const char *data = g_bytes_get_data(bytes, &len);

    /* The signal is the log, byte for byte: each run starts where the last one ended. */
    g_assert_cmpuint(offset, ==, vm->log_size);
    vm->log_size += len;
    g_string_append_len(vm->serial, data, (gssize)len);
}

/* The first complete line after the mark that starts with @prefix; moves the mark past it. */
static char *
find_line(Vm *vm, const char *prefix)
{
    gsize pos = vm->mark;

    while (pos < vm->serial->len) {
        const char *start = vm->serial->str + pos;
        const char *end = strchr(start, '\n');
        const char *hit;

        if (end == NULL)
            return NULL;
        hit = strstr(start, prefix);
        if (hit != NULL && hit < end) {
            vm->mark = (gsize)(end - vm->serial->str) + 1;
            return g_strstrip(g_strndup(hit, (gsize)(end - hit)));
        }
        pos = (gsize)(end - vm->serial->str) + 1;
    }
    return NULL;
}

static char *
wait_line(Vm *vm, const char *prefix, guint timeout_s)
{
    gint64 deadline = g_get_monotonic_time() + timeout_s * G_USEC_PER_SEC;
    char *line;

    while ((line = find_line(vm, prefix)) == NULL) {
        if (g_get_monotonic_time() > deadline) {
            g_printerr("--- serial so far ---\n%s\n---\n", vm->serial->str);
            g_error("timed out after %u s waiting for a line starting with “%s”", timeout_s,
                    prefix);
        }
        g_main_context_iteration(NULL, TRUE);
    }
    return line;
}

static void
idle_for(guint ms)
{
    gint64 deadline = g_get_monotonic_time() + ms * 1000;

    while (g_get_monotonic_time() < deadline) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(10000);
    }
}

static void
skip_to_end(Vm *vm)
{
    vm->mark = vm->serial->len;
}

static guint
last_count(Vm *vm)
{
    const char *p = vm->serial->str;
    const char *last = NULL;

    while ((p = strstr(p, "BERTH-COUNT ")) != NULL) {
        last = p;
        p++;
    }
    return last ? (guint)g_ascii_strtoull(last + strlen("BERTH-COUNT "), NULL, 10) : 0;
}

static void
send_serial(Vm *vm, const char *line)
{
    g_autoptr(GError) error = NULL;

    g_assert_true(hvd_vm_runner_send_serial(vm->runner, line, &error));
    g_assert_no_error(error);
}

static HvxVmDef *
parse_def(const char *xml)
{
    g_autoptr(GError) error = NULL;
    HvxVmDef *def = hvx_vm_def_parse_string(xml, -1, "test.xml", &error);

    g_assert_no_error(error);
    return def;
}

static void
make_overlay(const char *backing, const char *path)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;
    const char *argv[] = {"qemu-img", "create", "-q",    "-f", "qcow2", "-F",
                          "raw",      "-b",     backing, path, NULL};
    g_autoptr(GError) error = NULL;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
    g_assert_no_error(error);
    if (!g_spawn_check_wait_status(status, NULL))
        g_error("qemu-img failed: %s", err);
}

static void
vm_init(Vm *vm, const char *name, const char *xml)
{
    vm->vm_dir = g_build_filename(tmp_dir, "vms", name, NULL);
    vm->runtime_dir = g_build_filename(tmp_dir, "run", name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(vm->vm_dir, 0700), ==, 0);
    vm->serial = g_string_new(NULL);
    vm->runner = hvd_vm_runner_new(host, vm->vm_dir, vm->runtime_dir);
    hvd_vm_runner_set_definition(vm->runner, parse_def(xml));
    g_signal_connect(vm->runner, "serial-output", G_CALLBACK(on_serial_output), vm);
}

static void
vm_clear(Vm *vm)
{
    if (vm->runner != NULL) {
        GPid pid = hvd_vm_runner_get_pid(vm->runner);

        if (pid != 0) {
            Waiter w = {0};

            hvd_vm_runner_turn_off_async(vm->runner, NULL, on_done, &w);
            hvd_vm_runner_turn_off_finish(vm->runner, wait_result(&w, "turn off"), NULL);
            g_object_unref(w.result);
        }
    }
    g_clear_object(&vm->runner);
    if (vm->serial != NULL)
        g_string_free(vm->serial, TRUE);
    vm->serial = NULL;
    g_clear_pointer(&vm->vm_dir, g_free);
    g_clear_pointer(&vm->runtime_dir, g_free);
}

static gboolean
have_guest(void)
{
    g_autofree char *img = g_build_filename(guest_dir, "gen1.img", NULL);

    if (hvd_host_get_qemu_binary(host) == NULL) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return FALSE;
    }
    if (!g_file_test(img, G_FILE_TEST_EXISTS)) {
        g_test_skip("the test guest is not built (tests/guest)");
        return FALSE;
    }
    return TRUE;
}

static char *
gen1_xml(const char *disk)
{
    return g_strdup_printf("<vm generation=\"1\">\n"
                           "  <name>runner gen1</name>\n"
                           "  <uuid>8d6f2c4e-1a3b-4c5d-8e9f-0a1b2c3d4e5f</uuid>\n"
                           "  <processor count=\"1\"/>\n"
                           "  <memory startup=\"512\" unit=\"MiB\"/>\n"
                           "  <boot order=\"disk\"/>\n"
                           "  <ide-controller number=\"0\">\n"
                           "    <disk location=\"0\" path=\"%s\"/>\n"
                           "  </ide-controller>\n"
                           "  <com port=\"1\" log=\"true\"/>\n"
                           "  <integration heartbeat=\"true\"/>\n"
                           "</vm>\n",
                           disk);
}

/* --- checks ------------------------------------------------------------------------------- */

static void
test_bad_input(void)
{
    Vm vm = {0};
    g_autofree char *xml = gen1_xml("missing.qcow2");
    g_autofree char *missing = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_guest())
        return;
    vm_init(&vm, "bad", xml);
    missing = g_build_filename(vm.vm_dir, "missing.qcow2", NULL);

    /* A missing disk: named, nothing left behind. */
    RUN(&vm, start, &error);
    g_assert_false(run_ok_);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_NOT_FOUND);
    g_assert_nonnull(strstr(error->message, missing));
    g_test_message("missing disk: %s", error->message);
    g_clear_error(&error);
    g_assert_cmpint(hvd_vm_runner_get_state(vm.runner), ==, HVD_VM_STATE_OFF);
    g_assert_false(g_file_test(vm.runtime_dir, G_FILE_TEST_EXISTS));
    g_assert_cmpint(hvd_vm_runner_get_pid(vm.runner), ==, 0);

    /* Wrong state: the message names the state and the allowed actions. */
    RUN(&vm, pause, &error);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
    g_assert_nonnull(strstr(error->message, "Off"));
    g_assert_nonnull(strstr(error->message, "Start"));
    g_test_message("wrong state: %s", error->message);
    g_clear_error(&error);
    RUN(&vm, turn_off, &error);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
    g_clear_error(&error);
    RUN(&vm, save, &error);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
    g_clear_error(&error);
    g_assert_false(hvd_vm_runner_send_serial(vm.runner, "echo", &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
    g_clear_error(&error);

    vm_clear(&vm);
}

/* QEMU that refuses its command line: its own message, nothing left behind. */
static void
test_qemu_refuses(void)
{
    Vm vm = {0};
    g_autofree char *xml = NULL;
    g_autofree char *disk = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_guest())
        return;
    /* A "disk" that is a directory passes the existence check; QEMU refuses to open it. */
    xml = gen1_xml("notadisk");
    vm_init(&vm, "refused", xml);
    disk = g_build_filename(vm.vm_dir, "notadisk", NULL);
    g_assert_cmpint(g_mkdir(disk, 0700), ==, 0);
    RUN(&vm, start, &error);
    g_assert_false(run_ok_);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_test_message("QEMU refused: %s", error->message);
    /* QEMU's own words, naming the file. */
    g_assert_nonnull(strstr(error->message, "QEMU could not start"));
    g_assert_nonnull(strstr(error->message, "notadisk"));
    g_assert_cmpint(hvd_vm_runner_get_state(vm.runner), ==, HVD_VM_STATE_OFF);
    g_assert_false(g_file_test(vm.runtime_dir, G_FILE_TEST_EXISTS));
    g_assert_cmpint(hvd_vm_runner_get_pid(vm.runner), ==, 0);
    vm_clear(&vm);
}

static void
test_gen1_start(void)
{
    g_autofree char *backing = NULL;
    g_autofree char *overlay = NULL;
    g_autofree char *xml = gen1_xml("disk.qcow2");
    g_autofree char *ready = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) busy = NULL;
    Waiter first = {0};
    Waiter second = {0};
    gint64 t0;

    if (!have_guest())
        return;
    vm_init(&gen1, "gen1", xml);
    backing = g_build_filename(guest_dir, "gen1.img", NULL);
    overlay = g_build_filename(gen1.vm_dir, "disk.qcow2", NULL);
    make_overlay(backing, overlay);

    /* Two starts at once: one wins, the other is busy. */
    t0 = g_get_monotonic_time();
    hvd_vm_runner_start_async(gen1.runner, NULL, on_done, &first);
    hvd_vm_runner_start_async(gen1.runner, NULL, on_done, &second);
    g_assert_false(hvd_vm_runner_start_finish(gen1.runner, wait_result(&second, "start 2"), &busy));
    g_assert_error(busy, BERTH_ERROR, BERTH_ERROR_BUSY);
    g_assert_true(hvd_vm_runner_start_finish(gen1.runner, wait_result(&first, "start"), &error));
    note_started(&gen1);
    g_assert_no_error(error);
    g_object_unref(first.result);
    g_object_unref(second.result);
    g_test_message("start returned after %.2f s",
                   (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_RUNNING);
    g_assert_cmpint(hvd_vm_runner_get_pid(gen1.runner), >, 0);
    g_test_message("status: %s", hvd_vm_runner_get_status(gen1.runner));
    g_assert_nonnull(strstr(hvd_vm_runner_get_status(gen1.runner),
                            hvd_host_get_accel(host) == HVD_ACCEL_KVM ? "KVM" : "TCG"));
    g_assert_cmpstr(hvd_vm_runner_get_accelerator(gen1.runner), ==,
                    hvd_accel_to_string(hvd_host_get_accel(host)));

    ready = wait_line(&gen1, "BERTH-GUEST-READY", BOOT_TIMEOUT_S);
    g_test_message("%s after %.1f s", ready,
                   (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC);
    g_assert_nonnull(strstr(ready, "gen=1"));
    g_assert_nonnull(strstr(ready, "firmware=bios"));

    /* Live figures. */
    idle_for(2500);
    g_test_message(
        "cpu %.1f %%, memory %" G_GUINT64_FORMAT " B, uptime %" G_GUINT64_FORMAT " s, heartbeat %s",
        hvd_vm_runner_get_cpu_usage(gen1.runner), hvd_vm_runner_get_assigned_memory(gen1.runner),
        hvd_vm_runner_get_uptime(gen1.runner), hvd_vm_runner_get_heartbeat(gen1.runner));
    g_assert_cmpuint(hvd_vm_runner_get_assigned_memory(gen1.runner), ==, 512 * 1024 * 1024);
    g_assert_cmpuint(hvd_vm_runner_get_uptime(gen1.runner), >, 0);
    /* An idle guest may use no measurable CPU in a second: only the range is certain. */
    g_assert_cmpfloat(hvd_vm_runner_get_cpu_usage(gen1.runner), >=, 0);
    g_assert_cmpfloat(hvd_vm_runner_get_cpu_usage(gen1.runner), <=, 100);
    /* The test guest has no guest agent. */
    g_assert_cmpstr(hvd_vm_runner_get_heartbeat(gen1.runner), ==, "no-contact");
}

static void
test_gen1_pause_resume(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *line = NULL;
    guint before, after;

    if (gen1.runner == NULL || hvd_vm_runner_get_pid(gen1.runner) == 0) {
        g_test_skip("no running Gen1 VM");
        return;
    }
    skip_to_end(&gen1);
    send_serial(&gen1, "counter");
    g_free(wait_line(&gen1, "BERTH-OK counter", 30));
    g_free(wait_line(&gen1, "BERTH-COUNT", 30));
    g_free(wait_line(&gen1, "BERTH-COUNT", 30));

    RUN(&gen1, pause, &error);
    g_assert_no_error(error);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_PAUSED);
    idle_for(300);
    before = last_count(&gen1);
    idle_for(1500);
    g_assert_cmpuint(last_count(&gen1), ==, before);

    /* A paused VM is busy for nobody, but pausing again is the wrong state. */
    RUN(&gen1, pause, &error);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
    g_clear_error(&error);

    RUN(&gen1, resume, &error);
    g_assert_no_error(error);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_RUNNING);
    skip_to_end(&gen1);
    line = wait_line(&gen1, "BERTH-COUNT", 30);
    after = (guint)g_ascii_strtoull(line + strlen("BERTH-COUNT "), NULL, 10);
    g_test_message("counter: %u when paused, %u after resume", before, after);
    g_assert_cmpuint(after, >, before);
    g_assert_cmpuint(after, <=, before + 3);
}

static void
test_gen1_screenshot_console(void)
{
    static const guint8 png_magic[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) png = NULL;
    Waiter w = {0};
    const guint8 *data;
    gsize len;
    int fd, type = 0;
    socklen_t type_len = sizeof(type);
    /* SpiceLinkHeader (magic, major 2, minor 2, size 18) + SpiceLinkMess for the main channel. */
    guint8 link[16 + 18] = {'R', 'E', 'D', 'Q', 2, 0, 0, 0, 2, 0, 0, 0, 18, 0, 0, 0,  0,
                            0,   0,   0,   1,   0, 0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 18, 0};
    guint8 reply[4];
    gssize n;

    if (gen1.runner == NULL || hvd_vm_runner_get_pid(gen1.runner) == 0) {
        g_test_skip("no running Gen1 VM");
        return;
    }
    hvd_vm_runner_screenshot_async(gen1.runner, NULL, on_done, &w);
    png = hvd_vm_runner_screenshot_finish(gen1.runner, wait_result(&w, "screenshot"), &error);
    g_object_unref(w.result);
    g_assert_no_error(error);
    data = g_bytes_get_data(png, &len);
    g_test_message("screenshot: %zu bytes", len);
    g_assert_cmpuint(len, >, 100);
    g_assert_cmpmem(data, sizeof(png_magic), png_magic, sizeof(png_magic));

    w.result = NULL;
    hvd_vm_runner_open_console_async(gen1.runner, NULL, on_done, &w);
    fd = hvd_vm_runner_open_console_finish(gen1.runner, wait_result(&w, "console"), &error);
    g_object_unref(w.result);
    g_assert_no_error(error);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len), ==, 0);
    g_assert_cmpint(type, ==, SOCK_STREAM);
    g_assert_cmpint(write(fd, link, sizeof(link)), ==, sizeof(link));
    {
        struct timeval tv = {.tv_sec = 10};

        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
    /* QEMU's SPICE server runs in its main loop: read while ours runs too (it does not wait on
     * us, but keep the test's loop honest). */
    n = recv(fd, reply, sizeof(reply), MSG_WAITALL);
    g_assert_cmpint(n, ==, 4);
    g_assert_cmpmem(reply, 4, "REDQ", 4);
    g_test_message("console: the SPICE server answered the link message");
    close(fd);
}

static void
test_gen1_save_restore(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *saved = NULL;
    g_autofree char *line = NULL;
    guint before, after;
    gint64 t0;

    if (gen1.runner == NULL || hvd_vm_runner_get_pid(gen1.runner) == 0) {
        g_test_skip("no running Gen1 VM");
        return;
    }
    saved = g_build_filename(gen1.vm_dir, "saved.state", NULL);
    skip_to_end(&gen1);
    g_free(wait_line(&gen1, "BERTH-COUNT", 30));

    t0 = g_get_monotonic_time();
    RUN(&gen1, save, &error);
    g_assert_no_error(error);
    g_test_message("saved in %.2f s", (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_SAVED);
    g_assert_cmpint(hvd_vm_runner_get_pid(gen1.runner), ==, 0);
    g_assert_true(g_file_test(saved, G_FILE_TEST_IS_REGULAR));
    g_assert_false(g_file_test(gen1.runtime_dir, G_FILE_TEST_EXISTS));
    idle_for(200);
    before = last_count(&gen1);

    /* A new berthd sees the saved state. */
    {
        g_autoptr(HvdVmRunner) other = hvd_vm_runner_new(host, gen1.vm_dir, gen1.runtime_dir);
        g_autofree char *xml = gen1_xml("disk.qcow2");
        Waiter w = {0};

        hvd_vm_runner_set_definition(other, parse_def(xml));
        hvd_vm_runner_recover_async(other, NULL, on_done, &w);
        g_assert_true(hvd_vm_runner_recover_finish(other, wait_result(&w, "recover"), &error));
        g_object_unref(w.result);
        g_assert_no_error(error);
        g_assert_cmpint(hvd_vm_runner_get_state(other), ==, HVD_VM_STATE_SAVED);
    }

    RUN(&gen1, pause, &error);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
    g_clear_error(&error);

    t0 = g_get_monotonic_time();
    RUN(&gen1, start, &error);
    note_started(&gen1);
    g_assert_no_error(error);
    g_test_message("restored in %.2f s", (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_RUNNING);
    g_assert_false(g_file_test(saved, G_FILE_TEST_EXISTS));
    skip_to_end(&gen1);
    line = wait_line(&gen1, "BERTH-COUNT", 30);
    after = (guint)g_ascii_strtoull(line + strlen("BERTH-COUNT "), NULL, 10);
    g_test_message("counter: %u when saved, %u after restore", before, after);
    g_assert_cmpuint(after, >, before);
    g_assert_cmpuint(after, <=, before + 5);
    send_serial(&gen1, "stop");
    g_free(wait_line(&gen1, "BERTH-OK stop", 30));
}

/* berthd restarts: a second runner for the same folders finds the VM running. */
static void
test_gen1_recover(void)
{
    g_autoptr(HvdVmRunner) second = NULL;
    g_autofree char *xml = gen1_xml("disk.qcow2");
    g_autoptr(GError) error = NULL;
    GPid pid;
    Waiter w = {0};

    if (gen1.runner == NULL || hvd_vm_runner_get_pid(gen1.runner) == 0) {
        g_test_skip("no running Gen1 VM");
        return;
    }
    pid = hvd_vm_runner_get_pid(gen1.runner);
    /* The old berthd goes away (its connections close; QEMU keeps running). */
    g_signal_handlers_disconnect_by_data(gen1.runner, &gen1);
    g_clear_object(&gen1.runner);
    g_assert_cmpint(kill(pid, 0), ==, 0);

    second = hvd_vm_runner_new(host, gen1.vm_dir, gen1.runtime_dir);
    hvd_vm_runner_set_definition(second, parse_def(xml));
    hvd_vm_runner_recover_async(second, NULL, on_done, &w);
    g_assert_true(hvd_vm_runner_recover_finish(second, wait_result(&w, "recover"), &error));
    g_object_unref(w.result);
    g_assert_no_error(error);
    g_assert_cmpint(hvd_vm_runner_get_state(second), ==, HVD_VM_STATE_RUNNING);
    g_assert_cmpint(hvd_vm_runner_get_pid(second), ==, pid);

    gen1.runner = g_steal_pointer(&second);
    g_signal_connect(gen1.runner, "serial-output", G_CALLBACK(on_serial_output), &gen1);
    skip_to_end(&gen1);
    send_serial(&gen1, "echo recovered");
    g_free(wait_line(&gen1, "BERTH-OK echo recovered", 30));
}

static void
test_gen1_reset(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *ready = NULL;

    if (gen1.runner == NULL || hvd_vm_runner_get_pid(gen1.runner) == 0) {
        g_test_skip("no running Gen1 VM");
        return;
    }
    skip_to_end(&gen1);
    RUN(&gen1, reset, &error);
    g_assert_no_error(error);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_RUNNING);
    ready = wait_line(&gen1, "BERTH-GUEST-READY", BOOT_TIMEOUT_S);
    g_test_message("after reset: %s", ready);
}

static void
test_gen1_shut_down(void)
{
    g_autoptr(GError) error = NULL;
    Waiter w = {0};

    if (gen1.runner == NULL || hvd_vm_runner_get_pid(gen1.runner) == 0) {
        g_test_skip("no running Gen1 VM");
        return;
    }
    /* A guest that ignores the power button: the call fails, the VM keeps running. */
    skip_to_end(&gen1);
    send_serial(&gen1, "powerbutton ignore");
    g_free(wait_line(&gen1, "BERTH-OK powerbutton", 30));
    hvd_vm_runner_shut_down_async(gen1.runner, 2, NULL, on_done, &w);
    g_assert_false(
        hvd_vm_runner_shut_down_finish(gen1.runner, wait_result(&w, "shut down 1"), &error));
    g_object_unref(w.result);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_test_message("ignored: %s", error->message);
    g_clear_error(&error);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_RUNNING);
    g_assert_cmpint(hvd_vm_runner_get_pid(gen1.runner), >, 0);

    send_serial(&gen1, "powerbutton poweroff");
    g_free(wait_line(&gen1, "BERTH-OK powerbutton", 30));
    w.result = NULL;
    hvd_vm_runner_shut_down_async(gen1.runner, 60, NULL, on_done, &w);
    g_assert_true(
        hvd_vm_runner_shut_down_finish(gen1.runner, wait_result(&w, "shut down 2"), &error));
    g_object_unref(w.result);
    g_assert_no_error(error);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_OFF);
    g_assert_cmpstr(hvd_vm_runner_get_status(gen1.runner), ==, "");
    g_assert_false(g_file_test(gen1.runtime_dir, G_FILE_TEST_EXISTS));
}

static void
on_state_notify(GObject *object, GParamSpec *pspec, gpointer user_data)
{
    gboolean *off = user_data;

    if (hvd_vm_runner_get_state(HVD_VM_RUNNER(object)) == HVD_VM_STATE_OFF)
        *off = TRUE;
}

/* kill -9 of QEMU: Off with the status within a second; then start and turn off. */
static void
test_gen1_killed(void)
{
    g_autoptr(GError) error = NULL;
    gboolean off = FALSE;
    gulong id;
    GPid pid;
    gint64 t0;

    if (gen1.runner == NULL) {
        g_test_skip("no Gen1 VM");
        return;
    }
    RUN(&gen1, start, &error);
    note_started(&gen1);
    g_assert_no_error(error);
    pid = hvd_vm_runner_get_pid(gen1.runner);
    g_assert_cmpint(pid, >, 0);
    id = g_signal_connect(gen1.runner, "notify::state", G_CALLBACK(on_state_notify), &off);
    t0 = g_get_monotonic_time();
    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    iterate_until(&off, 5, "state Off after kill -9");
    g_test_message("noticed after %.3f s: %s",
                   (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC,
                   hvd_vm_runner_get_status(gen1.runner));
    g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);
    g_signal_handler_disconnect(gen1.runner, id);
    g_assert_true(g_str_has_prefix(hvd_vm_runner_get_status(gen1.runner),
                                   "The virtual machine stopped unexpectedly"));
    g_assert_false(g_file_test(gen1.runtime_dir, G_FILE_TEST_EXISTS));

    /* Start, then Turn Off at once. */
    RUN(&gen1, start, &error);
    note_started(&gen1);
    g_assert_no_error(error);
    g_assert_cmpstr(hvd_vm_runner_get_status(gen1.runner), !=, "");
    g_assert_cmpstr(hvd_vm_runner_get_last_serial_lines(gen1.runner), ==, "");
    pid = hvd_vm_runner_get_pid(gen1.runner);
    RUN(&gen1, turn_off, &error);
    g_assert_no_error(error);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_OFF);
    g_assert_cmpint(hvd_vm_runner_get_pid(gen1.runner), ==, 0);
    g_assert_cmpint(kill(pid, 0), !=, 0);
    g_assert_false(g_file_test(gen1.runtime_dir, G_FILE_TEST_EXISTS));
}

/* Turn Off interrupts a Shut Down the guest ignores, and discards a saved state. */
static void
test_gen1_turn_off(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *saved = NULL;
    Waiter shut = {0};
    Waiter off = {0};

    if (gen1.runner == NULL) {
        g_test_skip("no Gen1 VM");
        return;
    }
    saved = g_build_filename(gen1.vm_dir, "saved.state", NULL);
    RUN(&gen1, start, &error);
    note_started(&gen1);
    g_assert_no_error(error);

    /* The guest is still in its firmware: the power button does nothing yet. */
    hvd_vm_runner_shut_down_async(gen1.runner, 60, NULL, on_done, &shut);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_STOPPING);
    RUN(&gen1, pause, &error);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_BUSY);
    g_test_message("busy: %s", error->message);
    g_clear_error(&error);
    hvd_vm_runner_turn_off_async(gen1.runner, NULL, on_done, &off);
    g_assert_false(
        hvd_vm_runner_shut_down_finish(gen1.runner, wait_result(&shut, "shut down"), &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_FAILED);
    g_test_message("interrupted: %s", error->message);
    g_clear_error(&error);
    g_assert_true(
        hvd_vm_runner_turn_off_finish(gen1.runner, wait_result(&off, "turn off"), &error));
    g_assert_no_error(error);
    g_object_unref(shut.result);
    g_object_unref(off.result);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_OFF);

    /* Saved, then Turn Off: the saved state is gone and the VM is Off. */
    RUN(&gen1, start, &error);
    note_started(&gen1);
    g_assert_no_error(error);
    RUN(&gen1, save, &error);
    g_assert_no_error(error);
    g_assert_true(g_file_test(saved, G_FILE_TEST_EXISTS));
    RUN(&gen1, turn_off, &error);
    g_assert_no_error(error);
    g_assert_cmpint(hvd_vm_runner_get_state(gen1.runner), ==, HVD_VM_STATE_OFF);
    g_assert_false(g_file_test(saved, G_FILE_TEST_EXISTS));
}

static void
test_gen2_secure_boot(void)
{
    Vm vm = {0};
    g_autofree char *backing = NULL;
    g_autofree char *overlay = NULL;
    g_autofree char *nvram = NULL;
    g_autofree char *swtpm_pid = NULL;
    g_autofree char *ready = NULL;
    g_autoptr(GError) error = NULL;
    const char *xml = "<vm generation=\"2\">\n"
                      "  <name>runner gen2</name>\n"
                      "  <uuid>3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d</uuid>\n"
                      "  <processor count=\"1\"/>\n"
                      "  <memory startup=\"512\" unit=\"MiB\"/>\n"
                      "  <firmware secure-boot=\"true\" template=\"microsoft-uefi-ca\"/>\n"
                      "  <tpm/>\n"
                      "  <boot order=\"disk\"/>\n"
                      "  <scsi-controller number=\"0\">\n"
                      "    <disk location=\"0\" path=\"disk.qcow2\"/>\n"
                      "  </scsi-controller>\n"
                      "  <com port=\"1\" log=\"true\"/>\n"
                      "  <integration heartbeat=\"false\"/>\n"
                      "</vm>\n";
    gint64 t0;

    if (!have_guest())
        return;
    vm_init(&vm, "gen2", xml);
    backing = g_build_filename(guest_dir, "gen2.img", NULL);
    overlay = g_build_filename(vm.vm_dir, "disk.qcow2", NULL);
    make_overlay(backing, overlay);
    nvram = g_build_filename(vm.vm_dir, "nvram.fd", NULL);
    swtpm_pid = g_build_filename(vm.runtime_dir, "swtpm.pid", NULL);

    t0 = g_get_monotonic_time();
    RUN(&vm, start, &error);
    note_started(&vm);
    g_assert_no_error(error);
    g_assert_true(g_file_test(nvram, G_FILE_TEST_IS_REGULAR));
    g_assert_true(g_file_test(swtpm_pid, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpstr(hvd_vm_runner_get_heartbeat(vm.runner), ==, "disabled");
    ready = wait_line(&vm, "BERTH-GUEST-READY", BOOT_TIMEOUT_S);
    g_test_message("%s after %.1f s", ready,
                   (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC);
    g_assert_nonnull(strstr(ready, "gen=2"));
    g_assert_nonnull(strstr(ready, "firmware=uefi"));
    g_assert_nonnull(strstr(ready, "sb=1"));

    RUN(&vm, turn_off, &error);
    g_assert_no_error(error);
    g_assert_cmpint(hvd_vm_runner_get_state(vm.runner), ==, HVD_VM_STATE_OFF);
    g_assert_false(g_file_test(vm.runtime_dir, G_FILE_TEST_EXISTS));
    /* The NVRAM copy stays for the next start. */
    g_assert_true(g_file_test(nvram, G_FILE_TEST_IS_REGULAR));
    vm_clear(&vm);
}

/* A runtime dir whose pid file names a process that is not this VM's QEMU is stale: cleaned,
 * and the VM is Off. */
static void
test_recover_stale(void)
{
    Vm vm = {0};
    g_autofree char *xml = gen1_xml("disk.qcow2");
    g_autofree char *pid_file = NULL;
    g_autofree char *pid_text = g_strdup_printf("%d\n", (int)getpid());
    g_autoptr(GError) error = NULL;
    Waiter w = {0};

    vm_init(&vm, "stale", xml);
    g_assert_cmpint(g_mkdir_with_parents(vm.runtime_dir, 0700), ==, 0);
    pid_file = g_build_filename(vm.runtime_dir, "qemu.pid", NULL);
    g_assert_true(g_file_set_contents(pid_file, pid_text, -1, NULL));
    hvd_vm_runner_recover_async(vm.runner, NULL, on_done, &w);
    g_assert_true(hvd_vm_runner_recover_finish(vm.runner, wait_result(&w, "recover"), &error));
    g_object_unref(w.result);
    g_assert_no_error(error);
    g_assert_cmpint(hvd_vm_runner_get_state(vm.runner), ==, HVD_VM_STATE_OFF);
    g_assert_false(g_file_test(vm.runtime_dir, G_FILE_TEST_EXISTS));
    vm_clear(&vm);
}

static void
test_states(void)
{
    HvdVmState state;

    g_assert_cmpstr(hvd_vm_state_to_string(HVD_VM_STATE_SAVED), ==, "Saved");
    g_assert_true(hvd_vm_state_from_string("Stopping", &state));
    g_assert_cmpint(state, ==, HVD_VM_STATE_STOPPING);
    g_assert_true(hvd_vm_state_allows(HVD_VM_STATE_OFF, "Start"));
    g_assert_false(hvd_vm_state_allows(HVD_VM_STATE_OFF, "Pause"));
    g_assert_true(hvd_vm_state_allows(HVD_VM_STATE_SAVED, "TurnOff"));
    g_assert_true(hvd_vm_state_allows(HVD_VM_STATE_PAUSED, "Resume"));
    g_assert_null(hvd_vm_state_allowed_actions(HVD_VM_STATE_SAVING)[0]);
    /* Checkpoints: taken Off, Saved, Running or Paused; applied only Off or Saved. */
    g_assert_true(hvd_vm_state_allows(HVD_VM_STATE_RUNNING, "CreateCheckpoint"));
    g_assert_true(hvd_vm_state_allows(HVD_VM_STATE_PAUSED, "DeleteCheckpoint"));
    g_assert_true(hvd_vm_state_allows(HVD_VM_STATE_SAVED, "ApplyCheckpoint"));
    g_assert_false(hvd_vm_state_allows(HVD_VM_STATE_RUNNING, "ApplyCheckpoint"));
    g_assert_false(hvd_vm_state_allows(HVD_VM_STATE_STARTING, "CreateCheckpoint"));
}

/* A checkpoint operation holds the runner: other actions are Busy until it is released. */
static void
test_hold(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) nodes = g_ptr_array_new();
    Vm vm = {0};
    Waiter w = {0};

    vm_init(&vm, "hold",
            "<vm generation=\"1\"><name>Hold</name><memory startup=\"64\" unit=\"MiB\"/></vm>");
    g_assert_false(hvd_vm_runner_is_held(vm.runner));
    g_assert_true(hvd_vm_runner_hold(vm.runner, "CreateCheckpoint", &error));
    g_assert_no_error(error);
    g_assert_true(hvd_vm_runner_is_held(vm.runner));
    g_assert_false(hvd_vm_runner_hold(vm.runner, "DeleteCheckpoint", &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_BUSY);
    g_clear_error(&error);
    hvd_vm_runner_start_async(vm.runner, NULL, on_done, &w);
    g_assert_false(hvd_vm_runner_start_finish(vm.runner, wait_result(&w, "start"), &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_BUSY);
    g_clear_error(&error);
    g_clear_object(&w.result);
    /* Off: no worker whose disks could switch. */
    hvd_vm_runner_snapshot_disks_async(vm.runner, nodes, nodes, on_done, &w);
    g_assert_false(
        hvd_vm_runner_snapshot_disks_finish(vm.runner, wait_result(&w, "snapshot"), &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
    g_clear_error(&error);
    g_clear_object(&w.result);
    hvd_vm_runner_release(vm.runner);
    g_assert_false(hvd_vm_runner_hold(vm.runner, "Pause", &error));
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_WRONG_STATE);
    g_assert_true(hvd_vm_runner_hold(vm.runner, "ApplyCheckpoint", NULL));
    hvd_vm_runner_release(vm.runner);
    vm_clear(&vm);
}

static void
on_flags(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Waiter *w = user_data;

    w->result = g_object_ref(result);
}

static void
test_host(void)
{
    g_autoptr(GVariant) caps = g_variant_ref_sink(hvd_host_get_capabilities(host));
    g_autoptr(GError) error = NULL;
    g_autofree char *text = g_variant_print(caps, FALSE);
    const char *const *flags;
    const char *code = NULL;
    const char *vars = NULL;
    Waiter w = {0};
    gint64 t0 = g_get_monotonic_time();

    g_test_message("capabilities: %s", text);
    if (hvd_host_get_qemu_binary(host) == NULL) {
        g_test_skip("qemu-system-x86_64 is not installed");
        return;
    }
    hvd_host_get_hyperv_flags_async(host, NULL, on_flags, &w);
    flags = hvd_host_get_hyperv_flags_finish(host, wait_result(&w, "hyperv probe"), &error);
    g_object_unref(w.result);
    g_assert_no_error(error);
    g_assert_nonnull(flags);
    text = g_strjoinv(" ", (char **)flags);
    g_test_message("Hyper-V flags accepted (%.2f s): %s",
                   (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC, text);
    g_assert_true(g_strv_contains(flags, "hv-relaxed"));

    if (hvd_host_get_firmware(host, TRUE, HVX_FIRMWARE_TEMPLATE_OPEN_SOURCE, &code, &vars, NULL)) {
        g_assert_true(g_str_has_suffix(code, "OVMF_CODE_4M.secboot.fd"));
        g_assert_true(g_str_has_suffix(vars, "OVMF_VARS_4M.ms.fd"));
    }
}

static void
drop_log(const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *cache = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    signal(SIGABRT, on_abort);
    /* GIO's socket client logs every retry of the QMP connect: only when asked for. */
    if (g_getenv("G_MESSAGES_DEBUG") == NULL)
        g_log_set_handler("GLib-GIO", G_LOG_LEVEL_DEBUG, drop_log, NULL);
    signal(SIGTRAP, on_abort);

    host = hvd_host_new(HVD_ACCEL_MODE_AUTO, &error);
    g_assert_no_error(error);
    tmp_dir = g_dir_make_tmp("berth-runner-XXXXXX", &error);
    g_assert_no_error(error);
    cache = g_build_filename(tmp_dir, "cache", NULL);
    hvd_host_set_cache_dir(host, cache);
    guest_dir = g_strdup(g_getenv("BERTH_TEST_GUEST_DIR"));
    if (guest_dir == NULL)
        guest_dir = g_test_build_filename(G_TEST_BUILT, "..", "guest", NULL);
    /* TAP comment: which accelerator these boots use, and why. */
    g_print("# accelerator: %s (%s)\n", hvd_accel_to_string(hvd_host_get_accel(host)),
            hvd_host_get_accel_reason(host));
    g_print("# test guest: %s\n", guest_dir);

    g_test_add_func("/vm-runner/states", test_states);
    g_test_add_func("/vm-runner/host", test_host);
    g_test_add_func("/vm-runner/hold", test_hold);
    g_test_add_func("/vm-runner/bad-input", test_bad_input);
    g_test_add_func("/vm-runner/recover-stale", test_recover_stale);
    g_test_add_func("/vm-runner/qemu-refuses", test_qemu_refuses);
    g_test_add_func("/vm-runner/gen1/start", test_gen1_start);
    g_test_add_func("/vm-runner/gen1/pause-resume", test_gen1_pause_resume);
    g_test_add_func("/vm-runner/gen1/screenshot-console", test_gen1_screenshot_console);
    g_test_add_func("/vm-runner/gen1/save-restore", test_gen1_save_restore);
    g_test_add_func("/vm-runner/gen1/recover", test_gen1_recover);
    g_test_add_func("/vm-runner/gen1/reset", test_gen1_reset);
    g_test_add_func("/vm-runner/gen1/shut-down", test_gen1_shut_down);
    g_test_add_func("/vm-runner/gen1/killed", test_gen1_killed);
    g_test_add_func("/vm-runner/gen1/turn-off", test_gen1_turn_off);
    g_test_add_func("/vm-runner/gen2/secure-boot", test_gen2_secure_boot);

    ret = g_test_run();

    vm_clear(&gen1);
    g_clear_object(&host);
    berth_test_remove_tree(tmp_dir);
    g_free(tmp_dir);
    g_free(guest_dir);
    return ret;
}
