/* hvx-vm-def-validate.c: the rules of a VM definition across elements: what each generation
 * allows, unique controllers and locations, memory bounds, names, MAC addresses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvx-defs-private.h"
#include "hvx-names.h"
#include "hvx-net-address.h"

static guint64
hvx_to_mib(guint64 value, HvxSizeUnit unit)
{
    if (unit == HVX_SIZE_UNIT_GIB)
        return value > G_MAXUINT64 / 1024 ? G_MAXUINT64 : value * 1024;
    return value;
}

static gboolean
hvx_validate_name(HvxParseContext *ctx, const char *name, guint line)
{
    g_autofree char *reason = NULL;

    if (hvx_name_is_valid(name, &reason))
        return TRUE;
    /* Translators: the reason is e.g. "the name is empty". */
    hvx_xml_error(ctx, line, _("<name>: %s"), reason);
    return FALSE;
}

static gboolean
hvx_validate_uuid(HvxParseContext *ctx, const char *uuid, guint line)
{
    if (uuid == NULL || g_uuid_string_is_valid(uuid))
        return TRUE;
    hvx_xml_error(ctx, line,
                  _("<uuid>: \"%s\" is not a UUID like 6f1c2a3e-8b4d-4c5e-9f60-718293a4b5c6"),
                  uuid);
    return FALSE;
}

static gboolean
hvx_check_size(HvxParseContext *ctx, guint line, const char *attr, guint64 value, HvxSizeUnit unit)
{
    guint64 mib = hvx_to_mib(value, unit);
    g_autofree char *text = NULL;

    if (mib >= HVX_MEMORY_MIN_MIB && mib <= HVX_MEMORY_MAX_MIB)
        return TRUE;
    text = g_strdup_printf("%" G_GUINT64_FORMAT, value);
    /* Translators: e.g. <memory startup="16" unit="MiB">: must be from 32 MiB to 12 TiB */
    hvx_xml_error(ctx, line, _("<memory %s=\"%s\" unit=\"%s\">: must be from 32 MiB to 12 TiB"),
                  attr, text, hvx_size_unit_to_string(unit));
    return FALSE;
}

static gboolean
hvx_vm_validate_memory(HvxParseContext *ctx, const HvxVmDef *def)
{
    guint64 startup = hvx_to_mib(def->memory_startup, def->memory_unit);
    guint64 minimum = hvx_to_mib(def->memory_minimum, def->memory_unit);
    guint64 maximum = hvx_to_mib(def->memory_maximum, def->memory_unit);
    guint line = def->memory_line;
    gboolean ok = TRUE;

    ok &= hvx_check_size(ctx, line, "startup", def->memory_startup, def->memory_unit);
    if (def->has_memory_minimum)
        ok &= hvx_check_size(ctx, line, "minimum", def->memory_minimum, def->memory_unit);
    if (def->has_memory_maximum)
        ok &= hvx_check_size(ctx, line, "maximum", def->memory_maximum, def->memory_unit);
    if (!ok)
        return FALSE;
    if (def->has_memory_minimum && def->has_memory_maximum && minimum > maximum) {
        hvx_xml_error(ctx, line, _("<memory>: minimum is larger than maximum"));
        return FALSE;
    }
    if (!def->memory_dynamic)
        return TRUE;
    if (!def->has_memory_minimum || !def->has_memory_maximum) {
        hvx_xml_error(ctx, line,
                      _("<memory dynamic=\"true\">: the attributes \"minimum\" and \"maximum\" are "
                        "required"));
        return FALSE;
    }
    if (startup < minimum || startup > maximum) {
        hvx_xml_error(ctx, line,
                      _("<memory>: with dynamic memory, startup must be between minimum and "
                        "maximum"));
        return FALSE;
    }
    return TRUE;
}

static gboolean
hvx_vm_validate_boot(HvxParseContext *ctx, const HvxVmDef *def)
{
    gboolean seen[HVX_BOOT_DEVICE_LAST] = {FALSE};

    for (guint i = 0; i < def->boot_order->len; i++) {
        HvxBootDevice device = g_array_index(def->boot_order, HvxBootDevice, i);

        if (seen[device]) {
            hvx_xml_error(ctx, def->boot_line, _("<boot order>: \"%s\" is listed twice"),
                          hvx_boot_device_to_string(device));
            return FALSE;
        }
        seen[device] = TRUE;
        if (device == HVX_BOOT_DEVICE_FLOPPY && def->generation == 2) {
            hvx_xml_error(ctx, def->boot_line,
                          _("<boot order>: a Generation 2 VM has no floppy drive to boot from"));
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
hvx_vm_validate_controllers(HvxParseContext *ctx, const HvxVmDef *def)
{
    guint seen_line[HVX_CONTROLLER_LAST][HVX_SCSI_CONTROLLERS] = {{0}};
    gboolean ok = TRUE;

    for (guint i = 0; i < def->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);
        const char *name = hvx_controller_type_to_string(controller->type);
        const HvxDriveDef *at_location[HVX_SCSI_LOCATIONS] = {NULL};

        if (controller->type == HVX_CONTROLLER_IDE && def->generation == 2) {
            hvx_xml_error(ctx, controller->line,
                          _("<ide-controller> is not allowed in a Generation 2 VM; use "
                            "<scsi-controller>"));
            ok = FALSE;
            continue;
        }
        if (seen_line[controller->type][controller->number] != 0) {
            hvx_xml_error(
                ctx, controller->line,
                _("<%s number=\"%u\">: that controller number is already used on line %u"), name,
                controller->number, seen_line[controller->type][controller->number]);
            ok = FALSE;
        }
        seen_line[controller->type][controller->number] = controller->line;

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);
            const char *drive_name = hvx_drive_type_to_string(drive->type);

            if (at_location[drive->location] != NULL) {
                hvx_xml_error(ctx, drive->line,
                              _("<%s location=\"%u\">: location %u of <%s number=\"%u\"> is "
                                "already used by the <%s> on line %u"),
                              drive_name, drive->location, drive->location, name,
                              controller->number,
                              hvx_drive_type_to_string(at_location[drive->location]->type),
                              at_location[drive->location]->line);
                ok = FALSE;
            }
            at_location[drive->location] = drive;
            if (drive->type == HVX_DRIVE_DVD && controller->type == HVX_CONTROLLER_SCSI &&
                def->generation == 1) {
                hvx_xml_error(ctx, drive->line,
                              _("<dvd> on a <scsi-controller> is not allowed in a Generation 1 "
                                "VM; put it on an <ide-controller>"));
                ok = FALSE;
            }
        }
    }
    return ok;
}

/* "dynamic" or a MAC address an adapter may have (hvx_mac_parse()). */
static gboolean
hvx_validate_mac(HvxParseContext *ctx, const char *mac, guint line)
{
    g_autoptr(GError) error = NULL;

    if (g_str_equal(mac, "dynamic") || hvx_mac_parse(mac, "<network-adapter mac>", NULL, &error))
        return TRUE;
    hvx_xml_error(ctx, line, "%s", error->message);
    return FALSE;
}

static gboolean
hvx_vm_validate_network(HvxParseContext *ctx, const HvxVmDef *def)
{
    guint synthetic = 0, legacy = 0;
    gboolean ok = TRUE;

    for (guint i = 0; i < def->network_adapters->len; i++) {
        const HvxNetworkAdapterDef *adapter = g_ptr_array_index(def->network_adapters, i);

        if (adapter->switch_name != NULL) {
            g_autofree char *reason = NULL;

            if (!hvx_name_is_valid(adapter->switch_name, &reason)) {
                /* Translators: the reason is e.g. "the name is empty". */
                hvx_xml_error(ctx, adapter->line, _("<network-adapter switch>: %s"), reason);
                ok = FALSE;
            }
        }
        ok &= hvx_validate_mac(ctx, adapter->mac, adapter->line);
        if (adapter->legacy && def->generation == 2) {
            hvx_xml_error(ctx, adapter->line,
                          _("<network-adapter legacy=\"true\"> is not allowed in a Generation 2 "
                            "VM; it has synthetic adapters only"));
            ok = FALSE;
        }
        if (adapter->legacy)
            legacy++;
        else
            synthetic++;
        if (synthetic == HVX_SYNTHETIC_ADAPTERS_MAX + 1 && !adapter->legacy) {
            hvx_xml_error(ctx, adapter->line,
                          _("<network-adapter>: a VM has at most 8 synthetic network adapters"));
            ok = FALSE;
        }
        if (legacy == HVX_LEGACY_ADAPTERS_MAX + 1 && adapter->legacy) {
            hvx_xml_error(ctx, adapter->line,
                          _("<network-adapter>: a VM has at most 4 legacy network adapters"));
            ok = FALSE;
        }
    }
    return ok;
}

static gboolean
hvx_vm_validate_com(HvxParseContext *ctx, const HvxVmDef *def)
{
    guint seen_line[HVX_COM_PORTS + 1] = {0};
    gboolean ok = TRUE;

    for (guint i = 0; i < def->com_ports->len; i++) {
        const HvxComDef *com = g_ptr_array_index(def->com_ports, i);

        if (seen_line[com->port] != 0) {
            hvx_xml_error(ctx, com->line,
                          _("<com port=\"%u\">: that port is already used on line %u"), com->port,
                          seen_line[com->port]);
            ok = FALSE;
        }
        seen_line[com->port] = com->line;
    }
    return ok;
}

gboolean
hvx_vm_def_validate(const HvxVmDef *def, HvxParseContext *ctx)
{
    gboolean ok = TRUE;

    ok &= hvx_validate_name(ctx, def->name, def->name_line);
    ok &= hvx_validate_uuid(ctx, def->uuid, def->uuid_line);
    ok &= hvx_vm_validate_memory(ctx, def);
    if (def->generation == 1 && def->firmware_line != 0) {
        hvx_xml_error(ctx, def->firmware_line,
                      _("<firmware> is not allowed in a Generation 1 VM; it always uses BIOS"));
        ok = FALSE;
    }
    if (def->generation == 1 && def->tpm) {
        hvx_xml_error(ctx, def->tpm_line, _("<tpm/> is not allowed in a Generation 1 VM"));
        ok = FALSE;
    }
    if (def->generation == 2 && def->has_floppy) {
        hvx_xml_error(ctx, def->floppy_line, _("<floppy> is not allowed in a Generation 2 VM"));
        ok = FALSE;
    }
    ok &= hvx_vm_validate_boot(ctx, def);
    ok &= hvx_vm_validate_controllers(ctx, def);
    ok &= hvx_vm_validate_network(ctx, def);
    ok &= hvx_vm_validate_com(ctx, def);
    return ok;
}
