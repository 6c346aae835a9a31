/* hvx-vm-def.c: the VM definition model: construction, defaults, derived values.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hvx-vm-def.h"

HvxDriveDef *
hvx_drive_def_new(HvxDriveType type, guint location, const char *path)
{
    HvxDriveDef *drive = g_new0(HvxDriveDef, 1);

    drive->type = type;
    drive->location = location;
    drive->path = g_strdup(path);
    return drive;
}

void
hvx_drive_def_free(HvxDriveDef *drive)
{
    if (drive == NULL)
        return;
    g_free(drive->path);
    g_free(drive);
}

HvxControllerDef *
hvx_controller_def_new(HvxControllerType type, guint number)
{
    HvxControllerDef *controller = g_new0(HvxControllerDef, 1);

    controller->type = type;
    controller->number = number;
    controller->drives = g_ptr_array_new_with_free_func((GDestroyNotify)hvx_drive_def_free);
    return controller;
}

void
hvx_controller_def_free(HvxControllerDef *controller)
{
    if (controller == NULL)
        return;
    g_ptr_array_unref(controller->drives);
    g_free(controller);
}

HvxNetworkAdapterDef *
hvx_network_adapter_def_new(void)
{
    HvxNetworkAdapterDef *adapter = g_new0(HvxNetworkAdapterDef, 1);

    adapter->mac = g_strdup("dynamic");
    return adapter;
}

void
hvx_network_adapter_def_free(HvxNetworkAdapterDef *adapter)
{
    if (adapter == NULL)
        return;
    g_free(adapter->switch_name);
    g_free(adapter->mac);
    g_free(adapter);
}

HvxComDef *
hvx_com_def_new(guint port)
{
    HvxComDef *com = g_new0(HvxComDef, 1);

    com->port = port;
    return com;
}

void
hvx_com_def_free(HvxComDef *com)
{
    g_free(com);
}

/* The defaults, like Hyper-V's New Virtual Machine wizard. */
HvxVmDef *
hvx_vm_def_new(guint generation)
{
    static const HvxBootDevice gen1_boot[] = {HVX_BOOT_DEVICE_DVD, HVX_BOOT_DEVICE_DISK,
                                              HVX_BOOT_DEVICE_NETWORK, HVX_BOOT_DEVICE_FLOPPY};
    static const HvxBootDevice gen2_boot[] = {HVX_BOOT_DEVICE_DVD, HVX_BOOT_DEVICE_DISK,
                                              HVX_BOOT_DEVICE_NETWORK};
    HvxVmDef *def;

    g_return_val_if_fail(generation == 1 || generation == 2, NULL);

    def = g_new0(HvxVmDef, 1);
    def->generation = generation;
    def->name = g_strdup("");
    def->processor_count = 1;
    def->memory_unit = HVX_SIZE_UNIT_MIB;
    def->memory_startup = 1024;
    def->secure_boot = generation == 2;
    def->firmware_template = HVX_FIRMWARE_TEMPLATE_MICROSOFT_WINDOWS;
    def->boot_order = g_array_new(FALSE, FALSE, sizeof(HvxBootDevice));
    if (generation == 1)
        g_array_append_vals(def->boot_order, gen1_boot, G_N_ELEMENTS(gen1_boot));
    else
        g_array_append_vals(def->boot_order, gen2_boot, G_N_ELEMENTS(gen2_boot));
    def->display_adapter = HVX_DISPLAY_ADAPTER_QXL;
    def->controllers = g_ptr_array_new_with_free_func((GDestroyNotify)hvx_controller_def_free);
    def->network_adapters =
        g_ptr_array_new_with_free_func((GDestroyNotify)hvx_network_adapter_def_free);
    def->com_ports = g_ptr_array_new_with_free_func((GDestroyNotify)hvx_com_def_free);
    def->integration_heartbeat = TRUE;
    def->integration_shutdown = TRUE;
    def->integration_time_sync = TRUE;
    def->integration_kvp = TRUE;
    def->auto_start = HVX_AUTO_START_NOTHING;
    def->auto_stop = HVX_AUTO_STOP_SAVE;
    return def;
}

void
hvx_vm_def_free(HvxVmDef *def)
{
    if (def == NULL)
        return;
    g_free(def->name);
    g_free(def->uuid);
    g_free(def->notes);
    g_array_unref(def->boot_order);
    g_ptr_array_unref(def->controllers);
    g_free(def->floppy_path);
    g_ptr_array_unref(def->network_adapters);
    g_ptr_array_unref(def->com_ports);
    g_free(def);
}

/* Beside hvx_vm_def_free(): a field added to one is added to the other. */
static GPtrArray *
copy_array(GPtrArray *array, GCopyFunc copy, GDestroyNotify free_func)
{
    GPtrArray *result = g_ptr_array_copy(array, copy, NULL);

    g_ptr_array_set_free_func(result, free_func);
    return result;
}

static gpointer
copy_drive(gconstpointer src, gpointer user_data)
{
    const HvxDriveDef *drive = src;
    HvxDriveDef *copy = g_memdup2(drive, sizeof(*drive));

    copy->path = g_strdup(drive->path);
    return copy;
}

static gpointer
copy_controller(gconstpointer src, gpointer user_data)
{
    const HvxControllerDef *controller = src;
    HvxControllerDef *copy = g_memdup2(controller, sizeof(*controller));

    copy->drives = copy_array(controller->drives, copy_drive, (GDestroyNotify)hvx_drive_def_free);
    return copy;
}

static gpointer
copy_adapter(gconstpointer src, gpointer user_data)
{
    const HvxNetworkAdapterDef *adapter = src;
    HvxNetworkAdapterDef *copy = g_memdup2(adapter, sizeof(*adapter));

    copy->switch_name = g_strdup(adapter->switch_name);
    copy->mac = g_strdup(adapter->mac);
    return copy;
}

static gpointer
copy_com(gconstpointer src, gpointer user_data)
{
    return g_memdup2(src, sizeof(HvxComDef));
}

HvxVmDef *
hvx_vm_def_copy(const HvxVmDef *def)
{
    HvxVmDef *copy;

    g_return_val_if_fail(def != NULL, NULL);

    copy = g_memdup2(def, sizeof(*def));
    copy->name = g_strdup(def->name);
    copy->uuid = g_strdup(def->uuid);
    copy->notes = g_strdup(def->notes);
    copy->boot_order = g_array_copy(def->boot_order);
    copy->controllers =
        copy_array(def->controllers, copy_controller, (GDestroyNotify)hvx_controller_def_free);
    copy->floppy_path = g_strdup(def->floppy_path);
    copy->network_adapters = copy_array(def->network_adapters, copy_adapter,
                                        (GDestroyNotify)hvx_network_adapter_def_free);
    copy->com_ports = copy_array(def->com_ports, copy_com, (GDestroyNotify)hvx_com_def_free);
    return copy;
}

const char *
hvx_vm_def_ensure_uuid(HvxVmDef *def)
{
    g_return_val_if_fail(def != NULL, NULL);

    if (def->uuid == NULL)
        def->uuid = g_uuid_string_random();
    return def->uuid;
}

guint64
hvx_vm_def_memory_startup_mib(const HvxVmDef *def)
{
    g_return_val_if_fail(def != NULL, 0);

    if (def->memory_unit == HVX_SIZE_UNIT_GIB)
        return def->memory_startup > G_MAXUINT64 / 1024 ? G_MAXUINT64 : def->memory_startup * 1024;
    return def->memory_startup;
}
