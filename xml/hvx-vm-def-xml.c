/* hvx-vm-def-xml.c: <vm> parse and format, one pair of functions per element.
 *
 * The parser checks the form of each element (known attributes, required ones, value ranges);
 * rules across elements live in hvx-vm-def-validate.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "hvx-defs-private.h"
#include "hvx-error.h"
#include "hvx-net-address.h"

#define ATTRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* <processor count hyperv-enlightenments/> */
static gboolean
hvx_processor_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    guint64 count = def->processor_count;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("count", "hyperv-enlightenments"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_uint(ctx, node, "count", HVX_PROCESSORS_MIN, HVX_PROCESSORS_MAX, FALSE,
                           &count, NULL);
    ok &= hvx_xml_get_bool(ctx, node, "hyperv-enlightenments", &def->hyperv_enlightenments);
    def->processor_count = (guint)count;
    return ok;
}

static void
hvx_processor_format(GString *out, const HvxVmDef *def)
{
    g_string_append(out, "  <processor");
    hvx_xml_attr_uint(out, "count", def->processor_count);
    hvx_xml_attr_bool(out, "hyperv-enlightenments", def->hyperv_enlightenments);
    g_string_append(out, "/>\n");
}

/* A size in the element's unit; the 32 MiB..12 TiB bounds are checked by the validator once the
 * unit is known. */
static gboolean
hvx_memory_size_parse(HvxParseContext *ctx, xmlNode *node, const char *name, guint64 *ret,
                      gboolean *ret_present)
{
    g_autoptr(GPtrArray) ignored = hvx_diagnostics_new();
    HvxParseContext quiet = {ctx->file, ignored};
    g_autofree char *value = NULL;

    if (hvx_xml_get_uint(&quiet, node, name, 0, HVX_MEMORY_MAX_MIB, FALSE, ret, ret_present))
        return TRUE;
    value = hvx_xml_attr(node, name);
    /* Translators: e.g. <memory startup="4 GB">: must be a whole number, at most 12 TiB */
    hvx_xml_error(ctx, hvx_xml_line(node),
                  _("<memory %s=\"%s\">: must be a whole number, at most 12 TiB"), name, value);
    return FALSE;
}

/* <memory startup unit dynamic minimum maximum/> */
static gboolean
hvx_memory_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    int unit = def->memory_unit;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node,
                                   ATTRS("startup", "unit", "dynamic", "minimum", "maximum"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_memory_size_parse(ctx, node, "startup", &def->memory_startup, NULL);
    ok &= hvx_xml_get_enum(ctx, node, "unit", hvx_size_unit_names(), FALSE, &unit);
    ok &= hvx_xml_get_bool(ctx, node, "dynamic", &def->memory_dynamic);
    ok &=
        hvx_memory_size_parse(ctx, node, "minimum", &def->memory_minimum, &def->has_memory_minimum);
    ok &=
        hvx_memory_size_parse(ctx, node, "maximum", &def->memory_maximum, &def->has_memory_maximum);
    def->memory_unit = unit;
    return ok;
}

static void
hvx_memory_format(GString *out, const HvxVmDef *def)
{
    g_string_append(out, "  <memory");
    hvx_xml_attr_uint(out, "startup", def->memory_startup);
    hvx_xml_attr_string(out, "unit", hvx_size_unit_to_string(def->memory_unit));
    hvx_xml_attr_bool(out, "dynamic", def->memory_dynamic);
    if (def->has_memory_minimum)
        hvx_xml_attr_uint(out, "minimum", def->memory_minimum);
    if (def->has_memory_maximum)
        hvx_xml_attr_uint(out, "maximum", def->memory_maximum);
    g_string_append(out, "/>\n");
}

/* <firmware secure-boot template/>, Generation 2 only */
static gboolean
hvx_firmware_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    int template = def->firmware_template;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("secure-boot", "template"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_bool(ctx, node, "secure-boot", &def->secure_boot);
    ok &= hvx_xml_get_enum(ctx, node, "template", hvx_firmware_template_names(), FALSE, &template);
    def->firmware_template = template;
    return ok;
}

static void
hvx_firmware_format(GString *out, const HvxVmDef *def)
{
    if (def->generation != 2)
        return;
    g_string_append(out, "  <firmware");
    hvx_xml_attr_bool(out, "secure-boot", def->secure_boot);
    hvx_xml_attr_string(out, "template", hvx_firmware_template_to_string(def->firmware_template));
    g_string_append(out, "/>\n");
}

/* <tpm/>, Generation 2 only */
static gboolean
hvx_tpm_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS(NULL));
    ok &= hvx_xml_check_empty(ctx, node);
    def->tpm = TRUE;
    return ok;
}

static void
hvx_tpm_format(GString *out, const HvxVmDef *def)
{
    if (def->tpm)
        g_string_append(out, "  <tpm/>\n");
}

/* <boot order="dvd disk network floppy"/> */
static gboolean
hvx_boot_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    g_autofree char *order = NULL;
    g_auto(GStrv) words = NULL;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("order"));
    ok &= hvx_xml_check_empty(ctx, node);
    if (!hvx_xml_get_string(ctx, node, "order", TRUE, &order))
        return FALSE;
    g_array_set_size(def->boot_order, 0);
    words = g_strsplit_set(order, " \t\n\r", -1);
    for (guint i = 0; words[i] != NULL; i++) {
        int device;

        if (*words[i] == '\0')
            continue;
        device = hvx_boot_device_from_string(words[i]);
        if (device < 0) {
            hvx_xml_error(ctx, hvx_xml_line(node),
                          _("<boot order>: unknown device \"%s\"; use dvd, disk, network or "
                            "floppy"),
                          words[i]);
            ok = FALSE;
            continue;
        }
        g_array_append_val(def->boot_order, device);
    }
    if (def->boot_order->len == 0 && ok) {
        hvx_xml_error(ctx, hvx_xml_line(node), _("<boot order>: name at least one device"));
        ok = FALSE;
    }
    return ok;
}

static void
hvx_boot_format(GString *out, const HvxVmDef *def)
{
    g_string_append(out, "  <boot order=\"");
    for (guint i = 0; i < def->boot_order->len; i++) {
        if (i > 0)
            g_string_append_c(out, ' ');
        g_string_append(
            out, hvx_boot_device_to_string(g_array_index(def->boot_order, HvxBootDevice, i)));
    }
    g_string_append(out, "\"/>\n");
}

/* <display adapter/> */
static gboolean
hvx_display_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    int adapter = def->display_adapter;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("adapter"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_enum(ctx, node, "adapter", hvx_display_adapter_names(), FALSE, &adapter);
    def->display_adapter = adapter;
    return ok;
}

static void
hvx_display_format(GString *out, const HvxVmDef *def)
{
    g_string_append(out, "  <display");
    hvx_xml_attr_string(out, "adapter", hvx_display_adapter_to_string(def->display_adapter));
    g_string_append(out, "/>\n");
}

/* <disk location path/> and <dvd location path?/> inside a controller */
static HvxDriveDef *
hvx_drive_parse(HvxParseContext *ctx, xmlNode *node, HvxControllerType controller)
{
    guint max = controller == HVX_CONTROLLER_IDE ? HVX_IDE_LOCATIONS : HVX_SCSI_LOCATIONS;
    HvxDriveType type = g_str_equal(HVX_NAME(node), "disk") ? HVX_DRIVE_DISK : HVX_DRIVE_DVD;
    g_autoptr(HvxDriveDef) drive = hvx_drive_def_new(type, 0, NULL);
    guint64 location = 0;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("location", "path"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_uint(ctx, node, "location", 0, max - 1, TRUE, &location, NULL);
    ok &= hvx_xml_get_string(ctx, node, "path", type == HVX_DRIVE_DISK, &drive->path);
    if (drive->path != NULL)
        ok &= hvx_xml_check_path(ctx, node, "path", drive->path);
    drive->location = (guint)location;
    drive->line = hvx_xml_line(node);
    return ok ? g_steal_pointer(&drive) : NULL;
}

static void
hvx_drive_format(GString *out, const HvxDriveDef *drive)
{
    g_string_append_printf(out, "    <%s", hvx_drive_type_to_string(drive->type));
    hvx_xml_attr_uint(out, "location", drive->location);
    if (drive->path != NULL)
        hvx_xml_attr_string(out, "path", drive->path);
    g_string_append(out, "/>\n");
}

/* <ide-controller number> and <scsi-controller number>, holding drives */
static gboolean
hvx_controller_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    HvxControllerType type =
        g_str_equal(HVX_NAME(node), "ide-controller") ? HVX_CONTROLLER_IDE : HVX_CONTROLLER_SCSI;
    guint max = type == HVX_CONTROLLER_IDE ? HVX_IDE_CONTROLLERS : HVX_SCSI_CONTROLLERS;
    g_autoptr(HvxControllerDef) controller = NULL;
    guint64 number = 0;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("number"));
    ok &= hvx_xml_check_no_text(ctx, node);
    ok &= hvx_xml_get_uint(ctx, node, "number", 0, max - 1, TRUE, &number, NULL);
    controller = hvx_controller_def_new(type, (guint)number);
    controller->line = hvx_xml_line(node);
    for_each_child (child, node) {
        HvxDriveDef *drive;

        if (child->ns != NULL ||
            (!g_str_equal(HVX_NAME(child), "disk") && !g_str_equal(HVX_NAME(child), "dvd"))) {
            hvx_xml_unknown_element(ctx, node, child);
            ok = FALSE;
            continue;
        }
        drive = hvx_drive_parse(ctx, child, type);
        if (drive == NULL)
            ok = FALSE;
        else
            g_ptr_array_add(controller->drives, drive);
    }
    g_ptr_array_add(def->controllers, g_steal_pointer(&controller));
    return ok;
}

static void
hvx_controller_format(GString *out, const HvxControllerDef *controller)
{
    const char *name = hvx_controller_type_to_string(controller->type);

    g_string_append_printf(out, "  <%s", name);
    hvx_xml_attr_uint(out, "number", controller->number);
    if (controller->drives->len == 0) {
        g_string_append(out, "/>\n");
        return;
    }
    g_string_append(out, ">\n");
    for (guint i = 0; i < controller->drives->len; i++)
        hvx_drive_format(out, g_ptr_array_index(controller->drives, i));
    g_string_append_printf(out, "  </%s>\n", name);
}

/* <floppy path?/>, Generation 1 only */
static gboolean
hvx_floppy_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("path"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_string(ctx, node, "path", FALSE, &def->floppy_path);
    if (def->floppy_path != NULL)
        ok &= hvx_xml_check_path(ctx, node, "path", def->floppy_path);
    def->has_floppy = TRUE;
    return ok;
}

static void
hvx_floppy_format(GString *out, const HvxVmDef *def)
{
    if (!def->has_floppy)
        return;
    g_string_append(out, "  <floppy");
    if (def->floppy_path != NULL)
        hvx_xml_attr_string(out, "path", def->floppy_path);
    g_string_append(out, "/>\n");
}

/* <network-adapter switch mac vlan legacy bandwidth-max mac-spoofing dhcp-guard router-guard/> */
static gboolean
hvx_network_adapter_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    g_autoptr(HvxNetworkAdapterDef) adapter = hvx_network_adapter_def_new();
    guint64 vlan = 0, bandwidth = 0;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node,
                                   ATTRS("switch", "mac", "vlan", "legacy", "bandwidth-max",
                                         "mac-spoofing", "dhcp-guard", "router-guard"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_string(ctx, node, "switch", FALSE, &adapter->switch_name);
    ok &= hvx_xml_get_string(ctx, node, "mac", FALSE, &adapter->mac);
    {
        guint8 mac[6];

        /* One form for a valid MAC, whatever case it was written in; a bad one stays as written
         * for the validation's message. */
        if (hvx_mac_parse(adapter->mac, NULL, mac, NULL)) {
            g_free(adapter->mac);
            adapter->mac = hvx_mac_to_string(mac);
        }
    }
    ok &= hvx_xml_get_uint(ctx, node, "vlan", 0, HVX_VLAN_MAX, FALSE, &vlan, NULL);
    ok &= hvx_xml_get_bool(ctx, node, "legacy", &adapter->legacy);
    ok &= hvx_xml_get_uint(ctx, node, "bandwidth-max", 0, HVX_BANDWIDTH_MAX_MBITS, FALSE,
                           &bandwidth, NULL);
    ok &= hvx_xml_get_bool(ctx, node, "mac-spoofing", &adapter->mac_spoofing);
    ok &= hvx_xml_get_bool(ctx, node, "dhcp-guard", &adapter->dhcp_guard);
    ok &= hvx_xml_get_bool(ctx, node, "router-guard", &adapter->router_guard);
    adapter->vlan = (guint)vlan;
    adapter->bandwidth_max = (guint)bandwidth;
    adapter->line = hvx_xml_line(node);
    g_ptr_array_add(def->network_adapters, g_steal_pointer(&adapter));
    return ok;
}

static void
hvx_network_adapter_format(GString *out, const HvxNetworkAdapterDef *adapter)
{
    g_string_append(out, "  <network-adapter");
    if (adapter->switch_name != NULL)
        hvx_xml_attr_string(out, "switch", adapter->switch_name);
    hvx_xml_attr_string(out, "mac", adapter->mac);
    hvx_xml_attr_uint(out, "vlan", adapter->vlan);
    hvx_xml_attr_bool(out, "legacy", adapter->legacy);
    hvx_xml_attr_uint(out, "bandwidth-max", adapter->bandwidth_max);
    hvx_xml_attr_bool(out, "mac-spoofing", adapter->mac_spoofing);
    hvx_xml_attr_bool(out, "dhcp-guard", adapter->dhcp_guard);
    hvx_xml_attr_bool(out, "router-guard", adapter->router_guard);
    g_string_append(out, "/>\n");
}

/* <com port log/> */
static gboolean
hvx_com_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    g_autoptr(HvxComDef) com = hvx_com_def_new(1);
    guint64 port = 1;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("port", "log"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_uint(ctx, node, "port", 1, HVX_COM_PORTS, TRUE, &port, NULL);
    ok &= hvx_xml_get_bool(ctx, node, "log", &com->log);
    com->port = (guint)port;
    com->line = hvx_xml_line(node);
    g_ptr_array_add(def->com_ports, g_steal_pointer(&com));
    return ok;
}

static void
hvx_com_format(GString *out, const HvxComDef *com)
{
    g_string_append(out, "  <com");
    hvx_xml_attr_uint(out, "port", com->port);
    hvx_xml_attr_bool(out, "log", com->log);
    g_string_append(out, "/>\n");
}

/* <integration heartbeat shutdown time-sync kvp/> */
static gboolean
hvx_integration_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("heartbeat", "shutdown", "time-sync", "kvp"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_bool(ctx, node, "heartbeat", &def->integration_heartbeat);
    ok &= hvx_xml_get_bool(ctx, node, "shutdown", &def->integration_shutdown);
    ok &= hvx_xml_get_bool(ctx, node, "time-sync", &def->integration_time_sync);
    ok &= hvx_xml_get_bool(ctx, node, "kvp", &def->integration_kvp);
    return ok;
}

static void
hvx_integration_format(GString *out, const HvxVmDef *def)
{
    g_string_append(out, "  <integration");
    hvx_xml_attr_bool(out, "heartbeat", def->integration_heartbeat);
    hvx_xml_attr_bool(out, "shutdown", def->integration_shutdown);
    hvx_xml_attr_bool(out, "time-sync", def->integration_time_sync);
    hvx_xml_attr_bool(out, "kvp", def->integration_kvp);
    g_string_append(out, "/>\n");
}

/* <automatic start start-delay stop/> */
static gboolean
hvx_automatic_parse(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def)
{
    int start = def->auto_start, stop = def->auto_stop;
    guint64 delay = def->auto_start_delay;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, node, ATTRS("start", "start-delay", "stop"));
    ok &= hvx_xml_check_empty(ctx, node);
    ok &= hvx_xml_get_enum(ctx, node, "start", hvx_auto_start_names(), FALSE, &start);
    ok &= hvx_xml_get_uint(ctx, node, "start-delay", 0, HVX_START_DELAY_MAX_SECONDS, FALSE, &delay,
                           NULL);
    ok &= hvx_xml_get_enum(ctx, node, "stop", hvx_auto_stop_names(), FALSE, &stop);
    def->auto_start = start;
    def->auto_start_delay = (guint)delay;
    def->auto_stop = stop;
    return ok;
}

static void
hvx_automatic_format(GString *out, const HvxVmDef *def)
{
    g_string_append(out, "  <automatic");
    hvx_xml_attr_string(out, "start", hvx_auto_start_to_string(def->auto_start));
    hvx_xml_attr_uint(out, "start-delay", def->auto_start_delay);
    hvx_xml_attr_string(out, "stop", hvx_auto_stop_to_string(def->auto_stop));
    g_string_append(out, "/>\n");
}

typedef gboolean (*HvxVmElementParse)(HvxParseContext *ctx, xmlNode *node, HvxVmDef *def);

/* Elements that may appear once, with where their first line is kept. */
static const struct {
    const char *name;
    HvxVmElementParse parse;
    gsize line_offset;
} hvx_vm_singletons[] = {
    {"processor", hvx_processor_parse, G_STRUCT_OFFSET(HvxVmDef, processor_line)},
    {"memory", hvx_memory_parse, G_STRUCT_OFFSET(HvxVmDef, memory_line)},
    {"firmware", hvx_firmware_parse, G_STRUCT_OFFSET(HvxVmDef, firmware_line)},
    {"tpm", hvx_tpm_parse, G_STRUCT_OFFSET(HvxVmDef, tpm_line)},
    {"boot", hvx_boot_parse, G_STRUCT_OFFSET(HvxVmDef, boot_line)},
    {"display", hvx_display_parse, 0},
    {"floppy", hvx_floppy_parse, G_STRUCT_OFFSET(HvxVmDef, floppy_line)},
    {"integration", hvx_integration_parse, 0},
    {"automatic", hvx_automatic_parse, G_STRUCT_OFFSET(HvxVmDef, automatic_line)},
};

static const struct {
    const char *name;
    HvxVmElementParse parse;
} hvx_vm_repeated[] = {
    {"ide-controller", hvx_controller_parse},
    {"scsi-controller", hvx_controller_parse},
    {"network-adapter", hvx_network_adapter_parse},
    {"com", hvx_com_parse},
};

static gboolean
hvx_vm_child_parse(HvxParseContext *ctx, xmlNode *root, xmlNode *child, HvxVmDef *def, guint *lines)
{
    const char *name = HVX_NAME(child);

    if (child->ns != NULL) {
        hvx_xml_unknown_element(ctx, root, child);
        return FALSE;
    }
    if (g_str_equal(name, "name") || g_str_equal(name, "uuid") || g_str_equal(name, "notes")) {
        guint *line = g_str_equal(name, "name")   ? &def->name_line
                      : g_str_equal(name, "uuid") ? &def->uuid_line
                                                  : &lines[G_N_ELEMENTS(hvx_vm_singletons)];
        char **field = g_str_equal(name, "name")   ? &def->name
                       : g_str_equal(name, "uuid") ? &def->uuid
                                                   : &def->notes;

        if (!hvx_xml_check_once(ctx, child, line))
            return FALSE;
        return hvx_xml_replace_text(ctx, child, field);
    }
    for (guint i = 0; i < G_N_ELEMENTS(hvx_vm_singletons); i++) {
        if (!g_str_equal(name, hvx_vm_singletons[i].name))
            continue;
        if (!hvx_xml_check_once(ctx, child, &lines[i]))
            return FALSE;
        if (hvx_vm_singletons[i].line_offset != 0)
            G_STRUCT_MEMBER(guint, def, hvx_vm_singletons[i].line_offset) = lines[i];
        return hvx_vm_singletons[i].parse(ctx, child, def);
    }
    for (guint i = 0; i < G_N_ELEMENTS(hvx_vm_repeated); i++) {
        if (g_str_equal(name, hvx_vm_repeated[i].name))
            return hvx_vm_repeated[i].parse(ctx, child, def);
    }
    hvx_xml_unknown_element(ctx, root, child);
    return FALSE;
}

HvxVmDef *
hvx_vm_def_parse_node(HvxParseContext *ctx, xmlNode *root)
{
    guint lines[G_N_ELEMENTS(hvx_vm_singletons) + 1] = {0};
    g_autoptr(HvxVmDef) def = NULL;
    guint64 generation = 2;
    gboolean ok = TRUE;

    ok &= hvx_xml_check_attributes(ctx, root, ATTRS("generation"));
    ok &= hvx_xml_check_no_text(ctx, root);
    ok &= hvx_xml_get_uint(ctx, root, "generation", 1, 2, TRUE, &generation, NULL);
    def = hvx_vm_def_new((guint)generation);
    def->line = hvx_xml_line(root);
    g_clear_pointer(&def->name, g_free);

    for_each_child (child, root)
        ok &= hvx_vm_child_parse(ctx, root, child, def, lines);

    if (def->name == NULL) {
        hvx_xml_error(ctx, def->line, _("<%s>: the element <%s> is required"), "vm", "name");
        return NULL;
    }
    return ok ? g_steal_pointer(&def) : NULL;
}

char *
hvx_vm_def_format(const HvxVmDef *def)
{
    GString *out;

    g_return_val_if_fail(def != NULL, NULL);

    out = g_string_new(NULL);
    g_string_append_printf(out, "<vm generation=\"%u\">\n", def->generation);
    hvx_xml_text_element(out, "  ", "name", def->name);
    if (def->uuid != NULL)
        hvx_xml_text_element(out, "  ", "uuid", def->uuid);
    if (def->notes != NULL)
        hvx_xml_text_element(out, "  ", "notes", def->notes);
    hvx_processor_format(out, def);
    hvx_memory_format(out, def);
    hvx_firmware_format(out, def);
    hvx_tpm_format(out, def);
    hvx_boot_format(out, def);
    hvx_display_format(out, def);
    for (guint i = 0; i < def->controllers->len; i++)
        hvx_controller_format(out, g_ptr_array_index(def->controllers, i));
    hvx_floppy_format(out, def);
    for (guint i = 0; i < def->network_adapters->len; i++)
        hvx_network_adapter_format(out, g_ptr_array_index(def->network_adapters, i));
    for (guint i = 0; i < def->com_ports->len; i++)
        hvx_com_format(out, g_ptr_array_index(def->com_ports, i));
    hvx_integration_format(out, def);
    hvx_automatic_format(out, def);
    g_string_append(out, "</vm>\n");
    return g_string_free(out, FALSE);
}
