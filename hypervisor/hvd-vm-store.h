/* hvd-vm-store.h: the VM definitions berthd keeps, one folder per VM (STATE/vms/<uuid>/vm.xml).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hvx.h"

G_BEGIN_DECLS

/* The source name of validation messages for definitions that come over D-Bus. */
#define HVD_VM_STORE_DEFINITION_NAME "vm.xml"

#define HVD_TYPE_VM_STORE (hvd_vm_store_get_type())
G_DECLARE_FINAL_TYPE(HvdVmStore, hvd_vm_store, HVD, VM_STORE, GObject)

HvdVmStore *hvd_vm_store_new(const char *state_dir);
const char *hvd_vm_store_get_state_dir(HvdVmStore *self);

/* Creates STATE/vms if needed and reads every STATE/vms/<uuid>/vm.xml. A broken definition is
 * logged with each of its "FILE:LINE: message" problems and skipped. Fails only when the folder
 * itself cannot be made or read. */
gboolean hvd_vm_store_load(HvdVmStore *self, GError **error);

/* The UUIDs of the stored VMs, sorted; free with g_ptr_array_unref. */
GPtrArray *hvd_vm_store_list(HvdVmStore *self);
guint hvd_vm_store_get_count(HvdVmStore *self);

/* The stored definition of @uuid, or NULL. Owned by the store; valid until the VM changes. */
const HvxVmDef *hvd_vm_store_lookup(HvdVmStore *self, const char *uuid);
/* A private copy of @uuid's definition (e.g. for a runner); NULL with BERTH_ERROR_NOT_FOUND. */
HvxVmDef *hvd_vm_store_dup_definition(HvdVmStore *self, const char *uuid, GError **error);

/* The UUID of the VM called @name_or_uuid (names compare case-insensitively; UUIDs with or
 * without dashes), or NULL with BERTH_ERROR_NOT_FOUND. Owned by the store. */
const char *hvd_vm_store_find(HvdVmStore *self, const char *name_or_uuid, GError **error);

/* STATE/vms/<uuid>. */
char *hvd_vm_store_get_vm_dir(HvdVmStore *self, const char *uuid);

/* Creates a VM, or updates the one whose UUID the definition names; assigns a UUID when absent.
 * Invalid XML: BERTH_ERROR_INVALID_DEFINITION with every "vm.xml:LINE: message" line, nothing
 * written. A name already used by another VM or a relative path leaving the VM's folder are
 * refused the same way. Returns the stored definition's UUID (owned by the store). */
const char *hvd_vm_store_define(HvdVmStore *self, const char *xml, gboolean *ret_created,
                                GError **error);

gboolean hvd_vm_store_rename(HvdVmStore *self, const char *uuid, const char *name, GError **error);

/* Removes the definition and berthd's files of the VM (NVRAM, TPM, saved state, serial log,
 * checkpoints). With @delete_disks also the disks it lists that live inside its folder; files
 * outside the folder are never touched. The folder goes when nothing else is left in it. */
gboolean hvd_vm_store_delete(HvdVmStore *self, const char *uuid, gboolean delete_disks,
                             GError **error);

/* TRUE when @path (as written in a definition) resolves inside @vm_dir. */
gboolean hvd_vm_store_path_is_inside(const char *vm_dir, const char *path);

/* "1B4E…" or dashed, any case → canonical lower-case dashed UUID, NULL when not a UUID (VMs'
 * and switches' alike). */
char *hvd_uuid_normalize(const char *text);

G_END_DECLS
