/* hvd-host.h: what this host offers berthd's VMs: the accelerator, QEMU, OVMF, swtpm and the
 * Hyper-V enlightenments QEMU accepts here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvd-accel.h"
#include "hvx.h"

G_BEGIN_DECLS

#define HVD_TYPE_HOST (hvd_host_get_type())
G_DECLARE_FINAL_TYPE(HvdHost, hvd_host, HVD, HOST, GObject)

/* Probes the accelerator (fails only when @mode is KVM and KVM cannot work), finds
 * qemu-system-x86_64, the OVMF files and swtpm on $PATH / in /usr/share/OVMF. Cheap: the
 * Hyper-V flags are probed later, on first need. */
HvdHost *hvd_host_new(HvdAccelMode mode, GError **error);

HvdAccel hvd_host_get_accel(HvdHost *self);
const char *hvd_host_get_accel_reason(HvdHost *self);

/* NULL when the program is not installed. */
const char *hvd_host_get_qemu_binary(HvdHost *self);
const char *hvd_host_get_swtpm_binary(HvdHost *self);

/* Where the OVMF files are looked for (default /usr/share/OVMF); tests point it elsewhere. */
void hvd_host_set_firmware_dir(HvdHost *self, const char *dir);
/* Where the Hyper-V probe result is cached (default $XDG_CACHE_HOME/berth). */
void hvd_host_set_cache_dir(HvdHost *self, const char *dir);

/* The UEFI code file and the variable store template a Generation 2 VM uses:
 * - Secure Boot off: OVMF_CODE_4M.fd + OVMF_VARS_4M.fd (no keys).
 * - Secure Boot on, every template: OVMF_CODE_4M.secboot.fd + OVMF_VARS_4M.ms.fd. Debian ships
 *   one enrolled key set (Microsoft's Windows PCA and UEFI CA plus Debian's), which is what
 *   Hyper-V's "Microsoft Windows" and "Microsoft UEFI CA" templates trust; "open source" (Linux
 *   shims signed by the UEFI CA) boots with the same set. OVMF_VARS_4M.fd would leave Secure
 *   Boot in setup mode, i.e. off, so it is never used with Secure Boot on.
 * Fails with BERTH_ERROR_HOST_UNSUPPORTED naming the missing file. */
gboolean hvd_host_get_firmware(HvdHost *self, gboolean secure_boot, HvxFirmwareTemplate template_,
                               const char **ret_code, const char **ret_vars_template,
                               GError **error);

/* The hv-* flags (of hvd_qemu_hyperv_flags_wanted()) this host's QEMU accepts with the chosen
 * accelerator. The first call runs QEMU a few times in a worker thread (~0.1 s per run) unless
 * a cache file for the same QEMU binary (path, size, mtime) and accelerator exists; later calls
 * return at once. */
void hvd_host_get_hyperv_flags_async(HvdHost *self, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
const char *const *hvd_host_get_hyperv_flags_finish(HvdHost *self, GAsyncResult *result,
                                                    GError **error);
/* The flags when already known (probed or cached), else NULL. */
const char *const *hvd_host_get_hyperv_flags(HvdHost *self);

/* a{sv}: "uefi" b, "secure-boot" b, "tpm" b, "hyperv-flags" as (empty until probed), "cpus" u,
 * "memory-mib" t, "qemu" s (binary, "" when missing), "accelerator" s, "accelerator-reason" s.
 * Floating reference. */
GVariant *hvd_host_get_capabilities(HvdHost *self);

/* The host's logical CPUs (for CPU usage percentages). */
guint hvd_host_get_cpu_count(HvdHost *self);

G_END_DECLS
