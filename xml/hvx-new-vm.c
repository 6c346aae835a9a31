/* hvx-new-vm.c: a new VM's definition from the choices Hyper-V asks for.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvx-error.h"
#include "hvx-new-vm.h"

/* Where Hyper-V puts the drives of a new VM. */
#define GEN1_DISK_CONTROLLER 0 /* IDE 0:0 */
#define GEN1_DVD_CONTROLLER  1 /* IDE 1:0 */
#define GEN2_DISK_LOCATION   0 /* SCSI 0:0 */
#define GEN2_DVD_LOCATION    1 /* SCSI 0:1 */

void
hvx_new_vm_init(HvxNewVm *vm, const char *name, guint generation)
{
    g_return_if_fail(vm != NULL);

    *vm = (HvxNewVm){
        .name = name,
        .generation = generation,
        .memory_startup = HVX_NEW_VM_DEFAULT_MEMORY_MIB,
        .memory_unit = HVX_SIZE_UNIT_MIB,
        .processors = HVX_NEW_VM_DEFAULT_PROCESSORS,
        .install = HVX_NEW_VM_INSTALL_LATER,
        .secure_boot = -1,
        .secure_boot_template = -1,
    };
}

gboolean
hvx_new_vm_check(const HvxNewVm *vm, GError **error)
{
    g_return_val_if_fail(vm != NULL, FALSE);

    if (vm->generation != 1 && vm->generation != 2) {
        g_set_error(error, HVX_ERROR, HVX_ERROR_INVALID,
                    _("There is no Generation %u: a virtual machine is Generation 1 or 2."),
                    vm->generation);
        return FALSE;
    }
    if (vm->generation == 2) {
        if (vm->install == HVX_NEW_VM_INSTALL_FLOPPY) {
            g_set_error_literal(error, HVX_ERROR, HVX_ERROR_INVALID,
                                _("Only Generation 1 virtual machines have a floppy drive."));
            return FALSE;
        }
        return TRUE;
    }
    if (vm->secure_boot != -1 || vm->secure_boot_template != -1) {
        g_set_error_literal(error, HVX_ERROR, HVX_ERROR_INVALID,
                            _("Only Generation 2 virtual machines have Secure Boot."));
        return FALSE;
    }
    if (vm->tpm) {
        g_set_error_literal(error, HVX_ERROR, HVX_ERROR_INVALID,
                            _("Only Generation 2 virtual machines have a TPM."));
        return FALSE;
    }
    return TRUE;
}

/* @first, then the others in the generation's usual order. */
static void
boot_first(HvxVmDef *def, HvxBootDevice first)
{
    g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(HvxBootDevice));

    g_array_append_val(order, first);
    for (guint i = 0; i < def->boot_order->len; i++) {
        HvxBootDevice device = g_array_index(def->boot_order, HvxBootDevice, i);

        if (device != first)
            g_array_append_val(order, device);
    }
    g_array_set_size(def->boot_order, 0);
    g_array_append_vals(def->boot_order, order->data, order->len);
}

static void
add_drive(HvxVmDef *def, HvxControllerType type, guint number, HvxDriveType drive_type,
          guint location, const char *path)
{
    HvxControllerDef *controller = NULL;

    for (guint i = 0; i < def->controllers->len && controller == NULL; i++) {
        HvxControllerDef *candidate = g_ptr_array_index(def->controllers, i);

        if (candidate->type == type && candidate->number == number)
            controller = candidate;
    }
    if (controller == NULL) {
        controller = hvx_controller_def_new(type, number);
        g_ptr_array_add(def->controllers, controller);
    }
    g_ptr_array_add(controller->drives, hvx_drive_def_new(drive_type, location, path));
}

static void
set_memory(HvxVmDef *def, const HvxNewVm *vm)
{
    guint64 startup;

    def->memory_unit = vm->memory_unit;
    def->memory_startup = vm->memory_startup;
    if (!vm->dynamic_memory)
        return;
    /* Dynamic memory's bounds are MiB: so is the startup memory then. */
    startup = hvx_vm_def_memory_startup_mib(def);
    def->memory_unit = HVX_SIZE_UNIT_MIB;
    def->memory_startup = startup;
    def->memory_dynamic = TRUE;
    def->has_memory_minimum = TRUE;
    def->memory_minimum = MIN(startup, HVX_NEW_VM_DYNAMIC_MINIMUM_MIB);
    def->has_memory_maximum = TRUE;
    def->memory_maximum = MAX(startup, HVX_NEW_VM_DYNAMIC_MAXIMUM_MIB);
}

HvxVmDef *
hvx_new_vm_build(const HvxNewVm *vm, GError **error)
{
    g_autoptr(HvxVmDef) def = NULL;
    const char *iso;

    g_return_val_if_fail(vm != NULL, NULL);

    if (!hvx_new_vm_check(vm, error))
        return NULL;
    iso = vm->install == HVX_NEW_VM_INSTALL_DVD ? vm->install_path : NULL;
    def = hvx_vm_def_new(vm->generation);
    g_free(def->name);
    def->name = g_strdup(vm->name != NULL ? vm->name : "");
    set_memory(def, vm);
    def->processor_count = vm->processors;
    if (vm->secure_boot != -1)
        def->secure_boot = vm->secure_boot;
    if (vm->secure_boot_template != -1)
        def->firmware_template = vm->secure_boot_template;
    def->tpm = vm->tpm;

    if (vm->generation == 1) {
        if (vm->disk_path != NULL)
            add_drive(def, HVX_CONTROLLER_IDE, GEN1_DISK_CONTROLLER, HVX_DRIVE_DISK, 0,
                      vm->disk_path);
        add_drive(def, HVX_CONTROLLER_IDE, GEN1_DVD_CONTROLLER, HVX_DRIVE_DVD, 0, iso);
        def->has_floppy = TRUE;
        if (vm->install == HVX_NEW_VM_INSTALL_FLOPPY)
            def->floppy_path = g_strdup(vm->install_path);
    } else {
        if (vm->disk_path != NULL)
            add_drive(def, HVX_CONTROLLER_SCSI, 0, HVX_DRIVE_DISK, GEN2_DISK_LOCATION,
                      vm->disk_path);
        if (vm->install == HVX_NEW_VM_INSTALL_DVD)
            add_drive(def, HVX_CONTROLLER_SCSI, 0, HVX_DRIVE_DVD, GEN2_DVD_LOCATION, iso);
    }

    switch (vm->install) {
    case HVX_NEW_VM_INSTALL_LATER:
        break;
    case HVX_NEW_VM_INSTALL_DVD:
        boot_first(def, HVX_BOOT_DEVICE_DVD);
        break;
    case HVX_NEW_VM_INSTALL_NETWORK:
        boot_first(def, HVX_BOOT_DEVICE_NETWORK);
        break;
    case HVX_NEW_VM_INSTALL_FLOPPY:
        boot_first(def, HVX_BOOT_DEVICE_FLOPPY);
        break;
    }

    if (vm->switch_name != NULL) {
        HvxNetworkAdapterDef *adapter = hvx_network_adapter_def_new();

        adapter->switch_name = g_strdup(vm->switch_name);
        adapter->legacy = vm->generation == 1 && vm->install == HVX_NEW_VM_INSTALL_NETWORK;
        g_ptr_array_add(def->network_adapters, adapter);
    }
    return g_steal_pointer(&def);
}
