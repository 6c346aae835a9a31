/* hvd-host.c: what this host offers berthd's VMs.
 *
 * Everything here is looked up once, cheaply, when berthd starts, except the Hyper-V flags:
 * knowing them costs running QEMU, so they are probed on first need in a worker thread and the
 * answer is cached in a file keyed by the QEMU binary (path, size, mtime) and the accelerator.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "hvd-error.h"
#include "hvd-host.h"
#include "hvd-qemu-argv.h"

#define DEFAULT_FIRMWARE_DIR "/usr/share/OVMF"

struct _HvdHost {
    GObject parent_instance;

    HvdAccel accel;
    char *accel_reason;
    char *qemu_binary;
    char *swtpm_binary;
    char *firmware_dir;
    char *cache_dir;

    GStrv hyperv_flags;        /* NULL until known */
    GPtrArray *hyperv_waiting; /* of GTask, while a probe runs */
};

G_DEFINE_FINAL_TYPE(HvdHost, hvd_host, G_TYPE_OBJECT)

static void
hvd_host_finalize(GObject *object)
{
    HvdHost *self = HVD_HOST(object);

    g_free(self->accel_reason);
    g_free(self->qemu_binary);
    g_free(self->swtpm_binary);
    g_free(self->firmware_dir);
    g_free(self->cache_dir);
    g_strfreev(self->hyperv_flags);
    g_clear_pointer(&self->hyperv_waiting, g_ptr_array_unref);

    G_OBJECT_CLASS(hvd_host_parent_class)->finalize(object);
}

static void
hvd_host_class_init(HvdHostClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = hvd_host_finalize;
}

static void
hvd_host_init(HvdHost *self)
{
    self->firmware_dir = g_strdup(DEFAULT_FIRMWARE_DIR);
    self->cache_dir = g_build_filename(g_get_user_cache_dir(), "berth", NULL);
}

HvdHost *
hvd_host_new(HvdAccelMode mode, GError **error)
{
    g_autoptr(HvdHost) self = g_object_new(HVD_TYPE_HOST, NULL);
    HvdAccelHost probe = {0};
    gboolean ok;

    hvd_accel_host_probe(&probe, "/sys", "/proc", "/dev/kvm");
    ok = hvd_accel_choose(mode, &probe, &self->accel, &self->accel_reason, error);
    hvd_accel_host_clear(&probe);
    if (!ok)
        return NULL;
    self->qemu_binary = g_find_program_in_path("qemu-system-x86_64");
    self->swtpm_binary = g_find_program_in_path("swtpm");
    return g_steal_pointer(&self);
}

HvdAccel
hvd_host_get_accel(HvdHost *self)
{
    g_return_val_if_fail(HVD_IS_HOST(self), HVD_ACCEL_TCG);
    return self->accel;
}

const char *
hvd_host_get_accel_reason(HvdHost *self)
{
    g_return_val_if_fail(HVD_IS_HOST(self), NULL);
    return self->accel_reason;
}

const char *
hvd_host_get_qemu_binary(HvdHost *self)
{
    g_return_val_if_fail(HVD_IS_HOST(self), NULL);
    return self->qemu_binary;
}

const char *
hvd_host_get_swtpm_binary(HvdHost *self)
{
    g_return_val_if_fail(HVD_IS_HOST(self), NULL);
    return self->swtpm_binary;
}

void
hvd_host_set_firmware_dir(HvdHost *self, const char *dir)
{
    g_return_if_fail(HVD_IS_HOST(self) && dir != NULL);
    g_free(self->firmware_dir);
    self->firmware_dir = g_strdup(dir);
}

void
hvd_host_set_cache_dir(HvdHost *self, const char *dir)
{
    g_return_if_fail(HVD_IS_HOST(self) && dir != NULL);
    g_free(self->cache_dir);
    self->cache_dir = g_strdup(dir);
}

guint
hvd_host_get_cpu_count(HvdHost *self)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (guint)n : 1;
}

static gboolean
firmware_file(HvdHost *self, const char *name, const char **ret_path, GError **error)
{
    /* Paths are interned so callers may keep them as long as the process lives. */
    g_autofree char *path = g_build_filename(self->firmware_dir, name, NULL);

    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                    _("The UEFI firmware file “%s” is missing; install the Debian package "
                      "“ovmf”"),
                    path);
        return FALSE;
    }
    *ret_path = g_intern_string(path);
    return TRUE;
}

gboolean
hvd_host_get_firmware(HvdHost *self, gboolean secure_boot, HvxFirmwareTemplate template_,
                      const char **ret_code, const char **ret_vars_template, GError **error)
{
    g_return_val_if_fail(HVD_IS_HOST(self), FALSE);
    g_return_val_if_fail(ret_code != NULL && ret_vars_template != NULL, FALSE);

    /* Every template maps to Debian's one enrolled key set; see the header. */
    (void)template_;
    if (secure_boot)
        return firmware_file(self, "OVMF_CODE_4M.secboot.fd", ret_code, error) &&
               firmware_file(self, "OVMF_VARS_4M.ms.fd", ret_vars_template, error);
    return firmware_file(self, "OVMF_CODE_4M.fd", ret_code, error) &&
           firmware_file(self, "OVMF_VARS_4M.fd", ret_vars_template, error);
}

/* --- Hyper-V flags ------------------------------------------------------------------------- */

typedef struct {
    char *qemu;
    HvdAccel accel;
    char *cache_file;
    char *cache_key;
} ProbeData;

static void
probe_data_free(ProbeData *data)
{
    g_free(data->qemu);
    g_free(data->cache_file);
    g_free(data->cache_key);
    g_free(data);
}

/* Does QEMU start (paused, then told to quit) with these flags on the CPU? */
static gboolean
qemu_accepts(const ProbeData *data, GPtrArray *flags)
{
    g_autoptr(GString) cpu = g_string_new(data->accel == HVD_ACCEL_KVM ? "host" : "max");
    g_autofree char *machine = g_strdup_printf("pc,accel=%s", hvd_accel_to_string(data->accel));
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GError) error = NULL;
    const char *qmp = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n";

    for (guint i = 0; i < flags->len; i++)
        g_string_append_printf(cpu, ",%s", (const char *)flags->pdata[i]);
    proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, data->qemu, "-machine", machine, "-cpu", cpu->str, "-S",
                            "-display", "none", "-nodefaults", "-no-user-config", "-m", "64",
                            "-qmp", "stdio", NULL);
    if (proc == NULL)
        return FALSE;
    if (!g_subprocess_communicate_utf8(proc, qmp, NULL, NULL, NULL, &error))
        return FALSE;
    return g_subprocess_get_if_exited(proc) && g_subprocess_get_exit_status(proc) == 0;
}

static void
probe_thread(GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
    ProbeData *data = task_data;
    const char *const *wanted = hvd_qemu_hyperv_flags_wanted();
    g_autoptr(GPtrArray) accepted = g_ptr_array_new();
    g_autoptr(GPtrArray) all = g_ptr_array_new();
    g_autoptr(GString) cache = NULL;
    g_autofree char *cached = NULL;
    gboolean progress = TRUE;

    /* The cache: first line the key, then one accepted flag a line. */
    if (g_file_get_contents(data->cache_file, &cached, NULL, NULL)) {
        g_auto(GStrv) lines = g_strsplit(cached, "\n", -1);

        if (lines[0] != NULL && g_strcmp0(lines[0], data->cache_key) == 0) {
            GPtrArray *result = g_ptr_array_new();

            for (guint i = 1; lines[i] != NULL; i++) {
                if (lines[i][0] != '\0' && g_strv_contains(wanted, lines[i]))
                    g_ptr_array_add(result, g_strdup(lines[i]));
            }
            g_ptr_array_add(result, NULL);
            g_task_return_pointer(task, g_ptr_array_free(result, FALSE),
                                  (GDestroyNotify)g_strfreev);
            return;
        }
    }

    for (guint i = 0; wanted[i] != NULL; i++)
        g_ptr_array_add(all, (gpointer)wanted[i]);
    if (qemu_accepts(data, all)) {
        g_ptr_array_extend(accepted, all, NULL, NULL);
    } else {
        /* Some flags need others (hv-stimer needs hv-synic and hv-time), so a flag is tried on
         * top of those already accepted, in passes until nothing more is accepted. */
        g_autoptr(GPtrArray) left = g_ptr_array_new();

        g_ptr_array_extend(left, all, NULL, NULL);
        while (progress && left->len > 0) {
            progress = FALSE;
            for (guint i = 0; i < left->len;) {
                g_ptr_array_add(accepted, left->pdata[i]);
                if (qemu_accepts(data, accepted)) {
                    g_ptr_array_remove_index(left, i);
                    progress = TRUE;
                } else {
                    g_ptr_array_remove_index(accepted, accepted->len - 1);
                    i++;
                }
            }
        }
    }

    cache = g_string_new(data->cache_key);
    g_string_append_c(cache, '\n');
    for (guint i = 0; i < accepted->len; i++)
        g_string_append_printf(cache, "%s\n", (const char *)accepted->pdata[i]);
    {
        g_autofree char *dir = g_path_get_dirname(data->cache_file);
        g_autoptr(GError) error = NULL;

        if (g_mkdir_with_parents(dir, 0700) != 0 ||
            !g_file_set_contents_full(data->cache_file, cache->str, cache->len,
                                      G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
            g_debug("Cannot cache the Hyper-V flags in %s: %s", data->cache_file,
                    error ? error->message : g_strerror(errno));
    }

    {
        GPtrArray *result = g_ptr_array_new();

        for (guint i = 0; i < accepted->len; i++)
            g_ptr_array_add(result, g_strdup(accepted->pdata[i]));
        g_ptr_array_add(result, NULL);
        g_task_return_pointer(task, g_ptr_array_free(result, FALSE), (GDestroyNotify)g_strfreev);
    }
}

static void
probe_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    HvdHost *self = HVD_HOST(source);
    g_autoptr(GPtrArray) waiting = g_steal_pointer(&self->hyperv_waiting);
    g_autoptr(GError) error = NULL;
    GStrv flags = g_task_propagate_pointer(G_TASK(result), &error);

    if (flags != NULL) {
        g_strfreev(self->hyperv_flags);
        self->hyperv_flags = flags;
    }
    for (guint i = 0; i < waiting->len; i++) {
        GTask *task = waiting->pdata[i];

        if (error != NULL)
            g_task_return_error(task, g_error_copy(error));
        else
            g_task_return_boolean(task, TRUE);
    }
}

static char *
cache_key(HvdHost *self)
{
    struct stat st;

    if (g_stat(self->qemu_binary, &st) != 0)
        return NULL;
    return g_strdup_printf("berth-hyperv-probe-1 qemu=%s size=%" G_GINT64_FORMAT
                           " mtime=%" G_GINT64_FORMAT " accel=%s",
                           self->qemu_binary, (gint64)st.st_size, (gint64)st.st_mtime,
                           hvd_accel_to_string(self->accel));
}

void
hvd_host_get_hyperv_flags_async(HvdHost *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;
    g_autoptr(GTask) probe = NULL;
    ProbeData *data;

    g_return_if_fail(HVD_IS_HOST(self));

    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, hvd_host_get_hyperv_flags_async);
    if (self->hyperv_flags != NULL) {
        g_task_return_boolean(task, TRUE);
        return;
    }
    if (self->qemu_binary == NULL) {
        g_task_return_new_error(task, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                                _("QEMU (qemu-system-x86_64) is not installed; install the Debian "
                                  "package “qemu-system-x86”"));
        return;
    }
    if (self->hyperv_waiting != NULL) {
        g_ptr_array_add(self->hyperv_waiting, g_steal_pointer(&task));
        return;
    }
    self->hyperv_waiting = g_ptr_array_new_with_free_func(g_object_unref);
    g_ptr_array_add(self->hyperv_waiting, g_steal_pointer(&task));

    data = g_new0(ProbeData, 1);
    data->qemu = g_strdup(self->qemu_binary);
    data->accel = self->accel;
    data->cache_file = g_build_filename(self->cache_dir, "hyperv-flags", NULL);
    data->cache_key = cache_key(self);
    if (data->cache_key == NULL)
        data->cache_key = g_strdup("?");
    probe = g_task_new(self, NULL, probe_done, NULL);
    g_task_set_task_data(probe, data, (GDestroyNotify)probe_data_free);
    g_task_run_in_thread(probe, probe_thread);
}

const char *const *
hvd_host_get_hyperv_flags_finish(HvdHost *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);

    if (!g_task_propagate_boolean(G_TASK(result), error))
        return NULL;
    return (const char *const *)self->hyperv_flags;
}

const char *const *
hvd_host_get_hyperv_flags(HvdHost *self)
{
    g_return_val_if_fail(HVD_IS_HOST(self), NULL);
    return (const char *const *)self->hyperv_flags;
}

static guint64
host_memory_mib(void)
{
    long pages = sysconf(_SC_PHYS_PAGES);
    long page_size = sysconf(_SC_PAGESIZE);

    if (pages <= 0 || page_size <= 0)
        return 0;
    return (guint64)pages * (guint64)page_size / (1024 * 1024);
}

GVariant *
hvd_host_get_capabilities(HvdHost *self)
{
    g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE_VARDICT);
    const char *code = NULL;
    const char *vars = NULL;
    const char *const empty[] = {NULL};

    g_return_val_if_fail(HVD_IS_HOST(self), NULL);

    g_variant_builder_add(
        &builder, "{sv}", "uefi",
        g_variant_new_boolean(hvd_host_get_firmware(
            self, FALSE, HVX_FIRMWARE_TEMPLATE_MICROSOFT_WINDOWS, &code, &vars, NULL)));
    g_variant_builder_add(
        &builder, "{sv}", "secure-boot",
        g_variant_new_boolean(hvd_host_get_firmware(
            self, TRUE, HVX_FIRMWARE_TEMPLATE_MICROSOFT_WINDOWS, &code, &vars, NULL)));
    g_variant_builder_add(&builder, "{sv}", "tpm",
                          g_variant_new_boolean(self->swtpm_binary != NULL));
    g_variant_builder_add(
        &builder, "{sv}", "hyperv-flags",
        g_variant_new_strv(self->hyperv_flags ? (const char *const *)self->hyperv_flags : empty,
                           -1));
    g_variant_builder_add(&builder, "{sv}", "cpus",
                          g_variant_new_uint32(hvd_host_get_cpu_count(self)));
    g_variant_builder_add(&builder, "{sv}", "memory-mib", g_variant_new_uint64(host_memory_mib()));
    g_variant_builder_add(&builder, "{sv}", "qemu",
                          g_variant_new_string(self->qemu_binary ? self->qemu_binary : ""));
    g_variant_builder_add(&builder, "{sv}", "accelerator",
                          g_variant_new_string(hvd_accel_to_string(self->accel)));
    g_variant_builder_add(&builder, "{sv}", "accelerator-reason",
                          g_variant_new_string(self->accel_reason ? self->accel_reason : ""));
    return g_variant_builder_end(&builder);
}
