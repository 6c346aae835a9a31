/* hvd-accel.c: choosing KVM or TCG for the VMs berthd starts
 *
 * Opening /dev/kvm is not enough: nested, software-assisted KVM (kvm_pvm) opens fine but real
 * guests die under it with "KVM internal error / emulation failure". Automatic mode therefore
 * uses KVM only when the CPU has hardware virtualisation and kvm_intel or kvm_amd drives it.
 */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "hvd-accel.h"
#include "hvd-error.h"

gboolean
hvd_accel_mode_from_string(const char *text, HvdAccelMode *ret_mode)
{
    g_return_val_if_fail(ret_mode != NULL, FALSE);

    if (g_strcmp0(text, "auto") == 0)
        *ret_mode = HVD_ACCEL_MODE_AUTO;
    else if (g_strcmp0(text, "kvm") == 0)
        *ret_mode = HVD_ACCEL_MODE_KVM;
    else if (g_strcmp0(text, "tcg") == 0)
        *ret_mode = HVD_ACCEL_MODE_TCG;
    else
        return FALSE;
    return TRUE;
}

const char *
hvd_accel_to_string(HvdAccel accel)
{
    return accel == HVD_ACCEL_KVM ? "kvm" : "tcg";
}

static gboolean
cpuinfo_has_hw_virt(const char *procfs_root)
{
    g_autofree char *path = g_build_filename(procfs_root, "cpuinfo", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return FALSE;
    lines = g_strsplit(text, "\n", -1);
    for (char **line = lines; *line != NULL; line++) {
        g_auto(GStrv) flags = NULL;

        if (!g_str_has_prefix(*line, "flags"))
            continue;
        flags = g_strsplit_set(strchr(*line, ':') ? strchr(*line, ':') + 1 : "", " \t", -1);
        for (char **flag = flags; *flag != NULL; flag++) {
            if (g_str_equal(*flag, "vmx") || g_str_equal(*flag, "svm"))
                return TRUE;
        }
        return FALSE; /* every CPU lists the same flags */
    }
    return FALSE;
}

static gboolean
module_loaded(const char *sysfs_root, const char *name)
{
    g_autofree char *path = g_build_filename(sysfs_root, "module", name, NULL);

    return g_file_test(path, G_FILE_TEST_IS_DIR);
}

void
hvd_accel_host_probe(HvdAccelHost *ret_host, const char *sysfs_root, const char *procfs_root,
                     const char *dev_kvm)
{
    static const char *const other_modules[] = {"kvm_pvm", NULL};
    int fd;

    g_return_if_fail(ret_host != NULL);

    *ret_host = (HvdAccelHost){0};
    fd = open(dev_kvm ? dev_kvm : "/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        ret_host->dev_kvm_opens = TRUE;
        close(fd);
    }
    ret_host->cpu_has_vmx = cpuinfo_has_hw_virt(procfs_root ? procfs_root : "/proc");
    ret_host->hw_kvm_module = module_loaded(sysfs_root ? sysfs_root : "/sys", "kvm_intel") ||
                              module_loaded(sysfs_root ? sysfs_root : "/sys", "kvm_amd");
    for (guint i = 0; other_modules[i] != NULL; i++) {
        if (module_loaded(sysfs_root ? sysfs_root : "/sys", other_modules[i]))
            ret_host->other_kvm_module = g_strdup(other_modules[i]);
    }
}

void
hvd_accel_host_clear(HvdAccelHost *host)
{
    g_clear_pointer(&host->other_kvm_module, g_free);
}

/* Why KVM cannot run real guests on @host, or NULL when it can. */
static char *
kvm_unusable_reason(const HvdAccelHost *host)
{
    if (host->other_kvm_module != NULL && !host->hw_kvm_module)
        return g_strdup_printf(_("/dev/kvm is provided by %s, a software-assisted nested "
                                 "hypervisor under which guests crash"),
                               host->other_kvm_module);
    if (!host->cpu_has_vmx)
        return g_strdup(_("the processor offers no hardware virtualisation (vmx or svm)"));
    if (!host->hw_kvm_module)
        return g_strdup(_("neither kvm_intel nor kvm_amd is loaded"));
    if (!host->dev_kvm_opens)
        return g_strdup(_("/dev/kvm cannot be opened for reading and writing"));
    return NULL;
}

gboolean
hvd_accel_choose(HvdAccelMode mode, const HvdAccelHost *host, HvdAccel *ret_accel,
                 char **ret_reason, GError **error)
{
    g_autofree char *unusable = NULL;

    g_return_val_if_fail(host != NULL, FALSE);
    g_return_val_if_fail(ret_accel != NULL && ret_reason != NULL, FALSE);

    unusable = kvm_unusable_reason(host);
    switch (mode) {
    case HVD_ACCEL_MODE_TCG:
        *ret_accel = HVD_ACCEL_TCG;
        *ret_reason = g_strdup(_("TCG (software emulation), as configured"));
        return TRUE;
    case HVD_ACCEL_MODE_KVM:
        if (unusable != NULL) {
            g_set_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                        _("KVM was requested but cannot be used: %s"), unusable);
            *ret_reason = g_steal_pointer(&unusable);
            return FALSE;
        }
        *ret_accel = HVD_ACCEL_KVM;
        *ret_reason = g_strdup(_("KVM (hardware virtualisation), as configured"));
        return TRUE;
    case HVD_ACCEL_MODE_AUTO:
    default:
        if (unusable != NULL) {
            *ret_accel = HVD_ACCEL_TCG;
            *ret_reason = g_strdup_printf(_("TCG (software emulation), because %s"), unusable);
        } else {
            *ret_accel = HVD_ACCEL_KVM;
            *ret_reason = g_strdup(_("KVM (hardware virtualisation)"));
        }
        return TRUE;
    }
}
