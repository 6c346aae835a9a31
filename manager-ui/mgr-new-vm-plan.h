/* mgr-new-vm-plan.h: what the New Virtual Machine wizard collects, its checks (each returns why a
 * value cannot be used, for people) and the definition it makes, without any widget.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "hvx-new-vm.h"
#include "hvx-vm-def.h"

G_BEGIN_DECLS

typedef enum {
    MGR_DISK_CHOICE_CREATE,
    MGR_DISK_CHOICE_EXISTING,
    MGR_DISK_CHOICE_LATER,
    MGR_DISK_CHOICE_COPY, /* Quick Create: a copy of a disk image as the new VHDX */
} MgrDiskChoice;

/* Hyper-V's wizard's new disk (the VM's own defaults are HvxNewVm's). */
#define MGR_NEW_VM_DEFAULT_DISK_GIB 127
#define MGR_NEW_VM_MAX_DISK_GIB     (64 * 1024) /* VHDX's limit: 64 TiB */

typedef struct {
    char *name;
    guint generation;
    guint64 memory_mib;
    gboolean dynamic_memory;
    char *switch_name; /* NULL = not connected */

    MgrDiskChoice disk_choice;
    char *disk_name;   /* the new VHDX's file name */
    char *disk_folder; /* and its folder */
    guint64 disk_size_gib;
    char *existing_disk;
    char *copy_source;

    HvxNewVmInstall install;
    char *iso_path;    /* for HVX_NEW_VM_INSTALL_DVD */
    char *floppy_path; /* for HVX_NEW_VM_INSTALL_FLOPPY */
} MgrNewVmPlan;

MgrNewVmPlan *mgr_new_vm_plan_new(const char *default_folder);
void mgr_new_vm_plan_free(MgrNewVmPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MgrNewVmPlan, mgr_new_vm_plan_free)

/* Each check returns NULL when the value is fine, else the reason (translated, newly
 * allocated). */
char *mgr_new_vm_plan_check_name(const MgrNewVmPlan *plan, const char *const *existing_names);
char *mgr_new_vm_plan_check_memory(const MgrNewVmPlan *plan, guint64 host_memory_mib);
/* A warning rather than an error: more than the host has free now. NULL when fine. */
char *mgr_new_vm_plan_warn_memory(const MgrNewVmPlan *plan, guint64 host_available_mib);
char *mgr_new_vm_plan_check_disk(const MgrNewVmPlan *plan);
char *mgr_new_vm_plan_check_install(const MgrNewVmPlan *plan);

/* The path of the disk the VM gets (new or existing), NULL when attached later. */
char *mgr_new_vm_plan_disk_path(const MgrNewVmPlan *plan);

/* The definition the plan describes, built by HvxNewVm as "berth new" builds its own (not yet
 * checked by berthd); NULL with @error (HVX_ERROR) when the choices contradict each other. */
HvxVmDef *mgr_new_vm_plan_build(const MgrNewVmPlan *plan, GError **error);

/* The Summary page's lines, "Label: value" each. */
char *mgr_new_vm_plan_summary(const MgrNewVmPlan *plan);

/* MemAvailable from /proc/meminfo in MiB, 0 when unknown. */
guint64 mgr_host_available_memory_mib(void);

G_END_DECLS
