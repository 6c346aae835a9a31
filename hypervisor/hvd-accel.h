/* hvd-accel.h: choosing KVM or TCG for the VMs berthd starts */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    HVD_ACCEL_MODE_AUTO,
    HVD_ACCEL_MODE_KVM,
    HVD_ACCEL_MODE_TCG,
} HvdAccelMode;

typedef enum {
    HVD_ACCEL_KVM,
    HVD_ACCEL_TCG,
} HvdAccel;

/* What the host offers, read from the kernel; a test builds one by hand. */
typedef struct {
    gboolean dev_kvm_opens;  /* /dev/kvm opens read-write */
    gboolean cpu_has_vmx;    /* "vmx" or "svm" among /proc/cpuinfo's flags */
    gboolean hw_kvm_module;  /* kvm_intel or kvm_amd is loaded */
    gchar *other_kvm_module; /* e.g. "kvm_pvm" when KVM is backed by something else */
} HvdAccelHost;

gboolean hvd_accel_mode_from_string(const char *text, HvdAccelMode *ret_mode);
const char *hvd_accel_to_string(HvdAccel accel);

void hvd_accel_host_probe(HvdAccelHost *ret_host, const char *sysfs_root, const char *procfs_root,
                          const char *dev_kvm);
void hvd_accel_host_clear(HvdAccelHost *host);

/* Chooses the accelerator for @mode on @host. Returns FALSE with @error when @mode is KVM and
 * KVM cannot work; @ret_reason always says why, for `berth host` and each VM's status. */
gboolean hvd_accel_choose(HvdAccelMode mode, const HvdAccelHost *host, HvdAccel *ret_accel,
                          char **ret_reason, GError **error);

G_END_DECLS
