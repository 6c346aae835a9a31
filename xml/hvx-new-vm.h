/* hvx-new-vm.h: a new VM as Hyper-V makes one (its New-VM cmdlet and New Virtual Machine
 * Wizard): the choices in a plain struct, the definition built from them. "berth new" and Berth
 * Manager's wizard both build through it, so the same choices make the same definition.
 *
 * What Hyper-V adds by itself, and so does this:
 * - Generation 1: a DVD drive on IDE controller 1, location 0 (empty unless installing from an
 *   ISO image) and a diskette drive (empty unless installing from a virtual floppy disk); the
 *   boot disk on IDE 0, location 0.
 * - Generation 2: the boot disk on SCSI controller 0, location 0; a DVD drive (at location 1)
 *   only when installing from an ISO image; Secure Boot on with the Microsoft Windows template.
 * - Installing from the network boots from the network first; on Generation 1 through the
 *   legacy network adapter, the one a PC's firmware can boot from.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "hvx-enums.h"
#include "hvx-vm-def.h"

G_BEGIN_DECLS

/* Hyper-V's defaults for a new VM. */
#define HVX_NEW_VM_DEFAULT_MEMORY_MIB  1024
#define HVX_NEW_VM_DEFAULT_PROCESSORS  1
#define HVX_NEW_VM_DYNAMIC_MINIMUM_MIB 512 /* or less, if startup is */
#define HVX_NEW_VM_DYNAMIC_MAXIMUM_MIB (G_GUINT64_CONSTANT(1024) * 1024) /* 1 TiB, or startup */

/* How the operating system will be installed. */
typedef enum {
    HVX_NEW_VM_INSTALL_LATER,   /* no medium; the usual boot order */
    HVX_NEW_VM_INSTALL_DVD,     /* from an ISO image in the DVD drive; DVD first */
    HVX_NEW_VM_INSTALL_NETWORK, /* from a network installation server; network first */
    HVX_NEW_VM_INSTALL_FLOPPY,  /* Generation 1: from a virtual floppy disk; floppy first */
} HvxNewVmInstall;

/* The choices. Strings are borrowed: they must outlive hvx_new_vm_build(). */
typedef struct {
    const char *name;
    guint generation; /* 1 or 2 */

    guint64 memory_startup; /* in memory_unit */
    HvxSizeUnit memory_unit;
    gboolean dynamic_memory; /* from HVX_NEW_VM_DYNAMIC_MINIMUM_MIB to …_MAXIMUM_MIB */
    guint processors;

    const char *switch_name; /* NULL: no network adapter */
    const char *disk_path;   /* the boot disk (made or chosen by the caller); NULL: none yet */

    HvxNewVmInstall install;
    const char *install_path; /* the ISO image or virtual floppy disk; NULL: an empty drive */

    /* Generation 2 only: -1 keeps the default (on; microsoft-windows). */
    int secure_boot;          /* -1, FALSE or TRUE */
    int secure_boot_template; /* -1 or an HvxFirmwareTemplate */
    gboolean tpm;
} HvxNewVm;

/* Fills @vm with Hyper-V's defaults for a VM called @name of @generation. */
void hvx_new_vm_init(HvxNewVm *vm, const char *name, guint generation);

/* FALSE with @error (HVX_ERROR_INVALID, a sentence for people) when the choices contradict each
 * other, e.g. a floppy on Generation 2. Names, sizes and paths are checked later, by the
 * definition's own validation (berthd's, or hvx_vm_def_parse_string()'s). */
gboolean hvx_new_vm_check(const HvxNewVm *vm, GError **error);

/* The definition the choices describe (no UUID yet), or NULL with @error as
 * hvx_new_vm_check() sets it. */
HvxVmDef *hvx_new_vm_build(const HvxNewVm *vm, GError **error);

G_END_DECLS
