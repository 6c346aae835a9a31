/* test-qemu-argv.c: definition in → QEMU argv out, one argument per line (golden files).
 *
 * Each case is one line of the table below and a pair of files in data/argv/: NAME.xml, the
 * definition, and NAME.args, the expected command line. BERTH_REGENERATE=1 rewrites the .args
 * files from the builder; review the diff before committing it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>

#include "hvd-error.h"
#include "hvd-qmp-client.h"
#include "hvd-qemu-argv.h"
#include "hvx-vm-def.h"
#include "berth-test.h"

#define VM_DIR      "/var/lib/berth/vms/VMID"
#define RUNTIME_DIR "/run/berth/VMID"

static const char *const all_hv_flags[] = {
    "hv-relaxed", "hv-vapic", "hv-spinlocks=0x1fff", "hv-vpindex", "hv-runtime",  "hv-synic",
    "hv-stimer",  "hv-time",  "hv-frequencies",      "hv-reset",   "hv-tlbflush", "hv-ipi",
    NULL,
};
/* What this kvm_pvm machine's QEMU accepts: hv-vpindex and everything needing it are refused. */
static const char *const some_hv_flags[] = {
    "hv-relaxed", "hv-vapic", "hv-spinlocks=0x1fff", "hv-time", "hv-frequencies", "hv-reset", NULL,
};

typedef struct {
    const char *name; /* data/argv/NAME.xml → NAME.args */
    HvdAccel accel;
    const char *const *hv_flags;
    HvdQemuNetType net; /* for every adapter */
    gboolean incoming;
} ArgvCase;

static const ArgvCase cases[] = {
    {"gen1-minimal", HVD_ACCEL_TCG, NULL, HVD_QEMU_NET_NONE, FALSE},
    {"gen1-legacy-com", HVD_ACCEL_TCG, NULL, HVD_QEMU_NET_TAP, FALSE},
    {"gen2-secure-boot-tpm", HVD_ACCEL_KVM, all_hv_flags, HVD_QEMU_NET_TAP, FALSE},
    {"gen2-secure-boot-tpm-some-hv", HVD_ACCEL_KVM, some_hv_flags, HVD_QEMU_NET_USER, FALSE},
    {"gen2-open-source", HVD_ACCEL_TCG, NULL, HVD_QEMU_NET_USER, TRUE},
};

static char *
data_path(const char *name, const char *suffix)
{
    g_autofree char *file = g_strconcat(name, suffix, NULL);

    return g_test_build_filename(G_TEST_DIST, "data", "argv", file, NULL);
}

static HvxVmDef *
load_def(const char *name)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *base = g_strdup(name);
    g_autofree char *path = NULL;
    HvxVmDef *def;

    /* A variant NAME-some-hv shares NAME.xml. */
    if (g_str_has_suffix(base, "-some-hv"))
        base[strlen(base) - strlen("-some-hv")] = '\0';
    path = data_path(base, ".xml");
    def = hvx_vm_def_parse_file(path, &error);
    g_assert_no_error(error);
    return def;
}

static GPtrArray *
make_nets(const HvxVmDef *def, HvdQemuNetType type)
{
    GPtrArray *nets = g_ptr_array_new_with_free_func((GDestroyNotify)hvd_qemu_net_free);

    for (guint i = 0; i < def->network_adapters->len; i++) {
        HvdQemuNet *net = g_new0(HvdQemuNet, 1);

        net->type = type;
        net->mac = g_strdup_printf("00:15:5d:00:10:%02x", i);
        net->tap_fd = 20 + 2 * i;
        net->vhost_fd = i == 0 ? 21 : -1;
        g_ptr_array_add(nets, net);
    }
    return nets;
}

static void
config_for_case(HvdQemuConfig *config, const ArgvCase *c, const HvxVmDef *def, GPtrArray *nets)
{
    *config = (HvdQemuConfig){
        .def = def,
        .qemu_binary = "qemu-system-x86_64",
        .vm_dir = VM_DIR,
        .runtime_dir = RUNTIME_DIR,
        .accel = c->accel,
        .hyperv_flags_accepted = c->hv_flags,
        .firmware_code = def->generation == 2 ? "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd" : NULL,
        .firmware_vars = def->generation == 2 ? VM_DIR "/nvram.fd" : NULL,
        .tpm_socket = RUNTIME_DIR "/swtpm.sock",
        .nets = nets,
        .incoming = c->incoming,
    };
}

static void
test_golden(gconstpointer data)
{
    const ArgvCase *c = data;
    g_autoptr(HvxVmDef) def = load_def(c->name);
    g_autoptr(GPtrArray) nets = make_nets(def, c->net);
    g_autoptr(GPtrArray) argv = NULL;
    g_autoptr(GString) actual = g_string_new(NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *expected_path = data_path(c->name, ".args");
    g_autofree char *expected = NULL;
    HvdQemuConfig config;

    config_for_case(&config, c, def, nets);
    argv = hvd_qemu_argv_build(&config, &error);
    g_assert_no_error(error);
    g_assert_nonnull(argv);
    g_assert_null(g_ptr_array_index(argv, argv->len - 1));
    for (guint i = 0; i + 1 < argv->len; i++)
        g_string_append_printf(actual, "%s\n", (const char *)g_ptr_array_index(argv, i));

    if (g_getenv("BERTH_REGENERATE") != NULL) {
        g_assert_true(g_file_set_contents(expected_path, actual->str, -1, &error));
        g_assert_no_error(error);
    }
    g_assert_true(g_file_get_contents(expected_path, &expected, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(actual->str, ==, expected);
}

static void
test_gen2_needs_firmware(void)
{
    g_autoptr(HvxVmDef) def = load_def("gen2-open-source");
    g_autoptr(GPtrArray) argv = NULL;
    g_autoptr(GError) error = NULL;
    HvdQemuConfig config;

    config_for_case(&config, &cases[4], def, NULL);
    config.firmware_code = NULL;
    argv = hvd_qemu_argv_build(&config, &error);
    g_assert_null(argv);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED);
    g_assert_nonnull(strstr(error->message, "OVMF"));
}

static void
test_tpm_needs_swtpm(void)
{
    g_autoptr(HvxVmDef) def = load_def("gen2-secure-boot-tpm");
    g_autoptr(GPtrArray) argv = NULL;
    g_autoptr(GError) error = NULL;
    HvdQemuConfig config;

    config_for_case(&config, &cases[2], def, NULL);
    config.tpm_socket = NULL;
    argv = hvd_qemu_argv_build(&config, &error);
    g_assert_null(argv);
    g_assert_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED);
    g_assert_nonnull(strstr(error->message, "swtpm"));
}

static void
test_block_driver(void)
{
    g_assert_cmpstr(hvd_qemu_block_driver_for_path("a/b.VHDX"), ==, "vhdx");
    g_assert_cmpstr(hvd_qemu_block_driver_for_path("b.vhd"), ==, "vpc");
    /* Checkpoint-style names are the same formats (they were opened as raw once). */
    g_assert_cmpstr(hvd_qemu_block_driver_for_path("b.avhdx"), ==, "vhdx");
    g_assert_cmpstr(hvd_qemu_block_driver_for_path("b.AVHD"), ==, "vpc");
    g_assert_cmpstr(hvd_qemu_block_driver_for_path("b.qcow2"), ==, "qcow2");
    g_assert_cmpstr(hvd_qemu_block_driver_for_path("b.iso"), ==, "raw");
    g_assert_cmpstr(hvd_qemu_block_driver_for_path("b.img"), ==, "raw");
}

/* QEMU 7.2 itself must accept each golden command line: the same definition is built with its
 * paths moved into a temporary folder of real files, started paused under TCG, asked for its
 * status over QMP and told to quit. */
typedef struct {
    GMainLoop *loop;
    HvdQmpClient *client;
    JsonNode *reply;
    GError *error;
} QmpWait;

static void
on_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
    QmpWait *wait = user_data;

    wait->client = hvd_qmp_client_connect_finish(result, &wait->error);
    g_main_loop_quit(wait->loop);
}

static void
on_executed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    QmpWait *wait = user_data;

    wait->reply = hvd_qmp_client_execute_finish(HVD_QMP_CLIENT(source), result, &wait->error);
    g_main_loop_quit(wait->loop);
}

static void
make_disk(const char *path)
{
    const char *format = hvd_qemu_block_driver_for_path(path);
    const char *argv[] = {"qemu-img", "create", "-q", "-f", format, path, "64M", NULL};
    g_autoptr(GError) error = NULL;
    int status = 0;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
}

/* Points every path of @def into @dir and creates the files there. */
static void
localise_paths(HvxVmDef *def, const char *dir)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);
            g_autofree char *base = NULL;

            if (drive->path == NULL)
                continue;
            base = g_path_get_basename(drive->path);
            g_free(drive->path);
            drive->path = g_build_filename(dir, base, NULL);
            make_disk(drive->path);
        }
    }
    if (def->floppy_path != NULL) {
        g_autofree char *base = g_path_get_basename(def->floppy_path);

        g_free(def->floppy_path);
        def->floppy_path = g_build_filename(dir, base, NULL);
        make_disk(def->floppy_path);
    }
}

static GPid
spawn_swtpm(const char *dir, const char *socket)
{
    g_autofree char *state = g_build_filename(dir, "tpm", NULL);
    g_autofree char *state_opt = g_strdup_printf("dir=%s", state);
    g_autofree char *ctrl_opt = g_strdup_printf("type=unixio,path=%s", socket);
    const char *argv[] = {"swtpm",   "socket", "--tpm2", "--tpmstate",
                          state_opt, "--ctrl", ctrl_opt, NULL};
    g_autoptr(GError) error = NULL;
    GPid pid = 0;

    g_assert_cmpint(g_mkdir_with_parents(state, 0700), ==, 0);
    g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                &error));
    g_assert_no_error(error);
    for (guint i = 0; i < 100 && !g_file_test(socket, G_FILE_TEST_EXISTS); i++)
        g_usleep(20000);
    return pid;
}

static void
test_qemu_accepts(gconstpointer data)
{
    const ArgvCase *c = data;
    g_autoptr(HvxVmDef) def = load_def(c->name);
    /* Taps need a switch; user-mode networking stands in for them here. */
    g_autoptr(GPtrArray) nets =
        make_nets(def, c->net == HVD_QEMU_NET_TAP ? HVD_QEMU_NET_USER : c->net);
    g_autoptr(GPtrArray) argv = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("berth-argv-XXXXXX", &error);
    g_autofree char *qmp = NULL;
    g_autofree char *vars = NULL;
    g_autofree char *tpm = NULL;
    g_autofree char *vars_text = NULL;
    gsize vars_len = 0;
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    QmpWait wait = {.loop = loop};
    HvdQemuConfig config;
    GPid qemu = 0, swtpm = 0;
    int status = 0;

    g_assert_no_error(error);
    localise_paths(def, dir);
    qmp = g_build_filename(dir, "qmp.sock", NULL);
    vars = g_build_filename(dir, "nvram.fd", NULL);
    tpm = g_build_filename(dir, "swtpm.sock", NULL);
    config_for_case(&config, c, def, nets);
    config.vm_dir = dir;
    config.runtime_dir = dir;
    config.accel = HVD_ACCEL_TCG; /* what this machine can run */
    config.hyperv_flags_accepted = c->hv_flags ? some_hv_flags : NULL;
    if (def->generation == 2) {
        config.firmware_code = def->secure_boot ? "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
                                                : "/usr/share/OVMF/OVMF_CODE_4M.fd";
        g_assert_true(g_file_get_contents("/usr/share/OVMF/OVMF_VARS_4M.ms.fd", &vars_text,
                                          &vars_len, &error));
        g_assert_true(g_file_set_contents(vars, vars_text, vars_len, &error));
        config.firmware_vars = vars;
    }
    if (def->generation == 2 && def->tpm)
        swtpm = spawn_swtpm(dir, tpm);
    config.tpm_socket = tpm;
    config.incoming = FALSE; /* -incoming waits for a stream; the golden test covers it */

    argv = hvd_qemu_argv_build(&config, &error);
    g_assert_no_error(error);
    g_ptr_array_insert(argv, argv->len - 1, g_strdup("-S"));
    g_assert_true(g_spawn_async(NULL, (char **)argv->pdata, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &qemu,
                                &error));
    g_assert_no_error(error);

    /* Generous: QEMU's start-up under TCG on a loaded two-core host takes many seconds. */
    hvd_qmp_client_connect_async(qmp, 90000, NULL, on_connected, &wait);
    g_main_loop_run(loop);
    if (wait.error != NULL) {
        kill(qemu, SIGKILL);
        if (swtpm)
            kill(swtpm, SIGKILL);
    }
    g_assert_no_error(wait.error);
    hvd_qmp_client_execute_async(wait.client, "query-status", NULL, -1, NULL, on_executed, &wait);
    g_main_loop_run(loop);
    g_assert_no_error(wait.error);
    g_assert_cmpstr(json_object_get_string_member(json_node_get_object(wait.reply), "status"), ==,
                    "prelaunch");
    g_clear_pointer(&wait.reply, json_node_unref);
    hvd_qmp_client_execute_async(wait.client, "quit", NULL, -1, NULL, on_executed, &wait);
    g_main_loop_run(loop);
    g_assert_no_error(wait.error);
    g_clear_pointer(&wait.reply, json_node_unref);
    g_clear_object(&wait.client);

    g_assert_cmpint(waitpid(qemu, &status, 0), ==, qemu);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (swtpm) {
        kill(swtpm, SIGTERM);
        waitpid(swtpm, NULL, 0);
    }
    /* QEMU removed its QMP socket as it quit. What stays is ours (disks, NVRAM, swtpm's state)
     * or QEMU's to leave (the serial log, the SPICE socket): all of it goes with the test. */
    g_assert_false(g_file_test(qmp, G_FILE_TEST_EXISTS));
    g_assert_true(berth_test_remove_tree(dir));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/qemu-argv/golden/%s", cases[i].name);

        g_test_add_data_func(path, &cases[i], test_golden);
    }
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/qemu-argv/qemu-accepts/%s", cases[i].name);

        g_test_add_data_func(path, &cases[i], test_qemu_accepts);
    }
    g_test_add_func("/qemu-argv/gen2-needs-firmware", test_gen2_needs_firmware);
    g_test_add_func("/qemu-argv/tpm-needs-swtpm", test_tpm_needs_swtpm);
    g_test_add_func("/qemu-argv/block-driver", test_block_driver);
    return g_test_run();
}
