/* mgr-settings-page.h: what the Settings dialog's section builders share. Each builder makes
 * one section's page (an AdwPreferencesPage) whose widgets edit the dialog's copy of the VM's
 * definition directly and then call mgr_settings_context_changed().
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hvx-vm-def.h"

G_BEGIN_DECLS

typedef struct _MgrSettingsContext MgrSettingsContext;

struct _MgrSettingsContext {
    HvxVmDef *def;      /* the edited definition (owned by the dialog) */
    gboolean running;   /* the VM is not Off: fields that need it off are locked */
    char *running_text; /* why they are locked, for people */
    char **switches;    /* the switch names berthd has */
    guint host_cpus;
    GtkWindow *window;
    void (*changed)(gpointer dialog); /* a field changed: check, mark for Apply */
    void (*rebuild)(gpointer dialog); /* hardware was added or removed: new sections */
    gpointer dialog;
};

void mgr_settings_context_changed(MgrSettingsContext *ctx);
void mgr_settings_context_rebuild(MgrSettingsContext *ctx);

/* A section: its id (for the sidebar and tests), its title and its page. */
typedef struct {
    char *id;
    char *title;
    char *icon;
    GtkWidget *page;
} MgrSettingsSection;

void mgr_settings_section_free(MgrSettingsSection *section);

/* All sections for ctx->def, Hyper-V's order: Add Hardware, Firmware or BIOS, Security (Gen 2),
 * Memory, Processor, the controllers with their drives, the floppy (Gen 1), the network
 * adapters, COM ports, then the management ones: Name, Integration Services, Checkpoints,
 * Automatic Start Action, Automatic Stop Action. */
GPtrArray *mgr_settings_build_sections(MgrSettingsContext *ctx);

/* Builders in their files (mgr-settings-hardware.c, mgr-settings-storage.c,
 * mgr-settings-network.c, mgr-settings-management.c). */
void mgr_settings_add_hardware_sections(MgrSettingsContext *ctx, GPtrArray *sections);
void mgr_settings_add_storage_sections(MgrSettingsContext *ctx, GPtrArray *sections);
void mgr_settings_add_network_sections(MgrSettingsContext *ctx, GPtrArray *sections);
void mgr_settings_add_management_sections(MgrSettingsContext *ctx, GPtrArray *sections);

/* Helpers for the builders. */
MgrSettingsSection *mgr_settings_section_new(GPtrArray *sections, const char *id, const char *title,
                                             const char *icon);
AdwPreferencesGroup *mgr_settings_group(MgrSettingsSection *section, const char *title,
                                        const char *description);
/* A note at the top of a section when the VM runs and the section needs it off. Returns TRUE
 * when locked (the caller makes its widgets insensitive). */
gboolean mgr_settings_lock_note(MgrSettingsContext *ctx, MgrSettingsSection *section);
GtkWidget *mgr_settings_switch_row(AdwPreferencesGroup *group, const char *title,
                                   const char *subtitle, gboolean active);
GtkWidget *mgr_settings_spin_row(AdwPreferencesGroup *group, const char *title,
                                 const char *subtitle, double lower, double upper, double step,
                                 double value);

/* Named widgets for tests: mgr_settings_dialog_find() looks them up by "SECTION/NAME". */
void mgr_settings_name_widget(MgrSettingsSection *section, GtkWidget *widget, const char *name);

G_END_DECLS
