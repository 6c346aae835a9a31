/* hvx-vm-def.h: the model of a VM definition (<vm>), its parser and writer.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "hvx-enums.h"

G_BEGIN_DECLS

/* Limits of the vocabulary, shared with the validator and the tests. */
#define HVX_NAME_MAX_CHARS          100
#define HVX_PROCESSORS_MIN          1
#define HVX_PROCESSORS_MAX          240
#define HVX_MEMORY_MIN_MIB          32
#define HVX_MEMORY_MAX_MIB          (G_GUINT64_CONSTANT(12) * 1024 * 1024) /* 12 TiB */
#define HVX_IDE_CONTROLLERS         2
#define HVX_IDE_LOCATIONS           2
#define HVX_SCSI_CONTROLLERS        4
#define HVX_SCSI_LOCATIONS          64
#define HVX_VLAN_MAX                4094
#define HVX_BANDWIDTH_MAX_MBITS     1000000
#define HVX_START_DELAY_MAX_SECONDS 86400
#define HVX_SYNTHETIC_ADAPTERS_MAX  8
#define HVX_LEGACY_ADAPTERS_MAX     4
#define HVX_COM_PORTS               2

typedef struct {
    HvxDriveType type;
    guint location;
    char *path; /* NULL for an empty DVD drive */
    guint line;
} HvxDriveDef;

typedef struct {
    HvxControllerType type;
    guint number;
    GPtrArray *drives; /* of HvxDriveDef */
    guint line;
} HvxControllerDef;

typedef struct {
    char *switch_name; /* NULL = not connected */
    char *mac;         /* "dynamic" or xx:xx:xx:xx:xx:xx (parsed: lower case) */
    guint vlan;        /* 0 = untagged */
    gboolean legacy;
    guint bandwidth_max; /* Mbit/s, 0 = unlimited */
    gboolean mac_spoofing;
    gboolean dhcp_guard;
    gboolean router_guard;
    guint line;
} HvxNetworkAdapterDef;

typedef struct {
    guint port; /* 1 or 2 */
    gboolean log;
    guint line;
} HvxComDef;

typedef struct {
    guint generation; /* 1 or 2 */
    char *name;
    char *uuid;  /* NULL until assigned, see hvx_vm_def_ensure_uuid() */
    char *notes; /* NULL = none */

    guint processor_count;
    gboolean hyperv_enlightenments;

    /* Sizes are kept in the unit they were written in, so a round trip keeps it. */
    HvxSizeUnit memory_unit;
    guint64 memory_startup;
    gboolean memory_dynamic;
    gboolean has_memory_minimum;
    guint64 memory_minimum;
    gboolean has_memory_maximum;
    guint64 memory_maximum;

    /* Generation 2 only. */
    gboolean secure_boot;
    HvxFirmwareTemplate firmware_template;
    gboolean tpm;

    GArray *boot_order; /* of HvxBootDevice */
    HvxDisplayAdapter display_adapter;

    GPtrArray *controllers; /* of HvxControllerDef, IDE and SCSI in document order */
    gboolean has_floppy;    /* Generation 1 only */
    char *floppy_path;      /* NULL = empty drive */

    GPtrArray *network_adapters; /* of HvxNetworkAdapterDef */
    GPtrArray *com_ports;        /* of HvxComDef */

    gboolean integration_heartbeat;
    gboolean integration_shutdown;
    gboolean integration_time_sync;
    gboolean integration_kvp;

    HvxAutoStart auto_start;
    guint auto_start_delay; /* seconds */
    HvxAutoStop auto_stop;

    /* Source lines of elements, for diagnostics; 0 when the element was absent. */
    guint line;
    guint name_line;
    guint uuid_line;
    guint processor_line;
    guint memory_line;
    guint firmware_line;
    guint tpm_line;
    guint boot_line;
    guint floppy_line;
    guint automatic_line;
} HvxVmDef;

/* A new definition with every default set, for the given generation (1 or 2). */
HvxVmDef *hvx_vm_def_new(guint generation);
void hvx_vm_def_free(HvxVmDef *def);
/* A deep copy (what formatting and parsing again would give, without the work). */
HvxVmDef *hvx_vm_def_copy(const HvxVmDef *def);

HvxDriveDef *hvx_drive_def_new(HvxDriveType type, guint location, const char *path);
void hvx_drive_def_free(HvxDriveDef *drive);
HvxControllerDef *hvx_controller_def_new(HvxControllerType type, guint number);
void hvx_controller_def_free(HvxControllerDef *controller);
HvxNetworkAdapterDef *hvx_network_adapter_def_new(void);
void hvx_network_adapter_def_free(HvxNetworkAdapterDef *adapter);
HvxComDef *hvx_com_def_new(guint port);
void hvx_com_def_free(HvxComDef *com);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvxVmDef, hvx_vm_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvxDriveDef, hvx_drive_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvxControllerDef, hvx_controller_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvxNetworkAdapterDef, hvx_network_adapter_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvxComDef, hvx_com_def_free)

/* Parse and validate (schema + semantic rules). On failure: NULL and @error (HVX_ERROR) whose
 * message holds every problem, one "FILE:LINE: message" per line. For the problems as a list,
 * use hvx_definition_parse_file(). */
HvxVmDef *hvx_vm_def_parse_file(const char *path, GError **error);
HvxVmDef *hvx_vm_def_parse_string(const char *text, gssize len, const char *source_name,
                                  GError **error);

/* The definition as XML text, defaults written explicitly. */
char *hvx_vm_def_format(const HvxVmDef *def);

/* Assigns a random UUID when the definition has none; returns the UUID. */
const char *hvx_vm_def_ensure_uuid(HvxVmDef *def);

/* Memory sizes in MiB, whatever the unit written. */
guint64 hvx_vm_def_memory_startup_mib(const HvxVmDef *def);

G_END_DECLS
