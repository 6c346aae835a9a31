/* mgr-new-vm-plan.c: the New Virtual Machine wizard's choices, checks and definition.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib/gi18n.h>

#include "hvx-names.h"
#include "mgr-new-vm-plan.h"

MgrNewVmPlan *
mgr_new_vm_plan_new(const char *default_folder)
{
    MgrNewVmPlan *plan = g_new0(MgrNewVmPlan, 1);

    plan->name = g_strdup(_("New Virtual Machine"));
    plan->generation = 2;
    plan->memory_mib = HVX_NEW_VM_DEFAULT_MEMORY_MIB;
    plan->dynamic_memory = FALSE;
    plan->disk_choice = MGR_DISK_CHOICE_CREATE;
    plan->disk_name = g_strdup_printf("%s.vhdx", plan->name);
    plan->disk_folder = g_strdup(default_folder);
    plan->disk_size_gib = MGR_NEW_VM_DEFAULT_DISK_GIB;
    plan->install = HVX_NEW_VM_INSTALL_LATER;
    return plan;
}

void
mgr_new_vm_plan_free(MgrNewVmPlan *plan)
{
    if (plan == NULL)
        return;
    g_free(plan->name);
    g_free(plan->switch_name);
    g_free(plan->disk_name);
    g_free(plan->disk_folder);
    g_free(plan->existing_disk);
    g_free(plan->copy_source);
    g_free(plan->iso_path);
    g_free(plan->floppy_path);
    g_free(plan);
}

char *
mgr_new_vm_plan_check_name(const MgrNewVmPlan *plan, const char *const *existing_names)
{
    g_autofree char *folded = NULL;
    char *reason = NULL;

    if (plan->name == NULL || *plan->name == '\0')
        return g_strdup(_("Give the virtual machine a name."));
    if (!hvx_name_is_valid(plan->name, &reason))
        return reason;
    folded = g_utf8_casefold(plan->name, -1);
    for (guint i = 0; existing_names != NULL && existing_names[i] != NULL; i++) {
        g_autofree char *other = g_utf8_casefold(existing_names[i], -1);

        if (g_str_equal(folded, other))
            return g_strdup_printf(_("A virtual machine named “%s” already exists."),
                                   existing_names[i]);
    }
    return NULL;
}

char *
mgr_new_vm_plan_check_memory(const MgrNewVmPlan *plan, guint64 host_memory_mib)
{
    if (plan->memory_mib < HVX_MEMORY_MIN_MIB)
        return g_strdup_printf(_("The startup memory must be at least %u MB."),
                               (guint)HVX_MEMORY_MIN_MIB);
    if (host_memory_mib > 0 && plan->memory_mib > host_memory_mib)
        return g_strdup_printf(
            _("The startup memory (%u MB) is more than this computer has (%u MB)."),
            (guint)plan->memory_mib, (guint)host_memory_mib);
    return NULL;
}

char *
mgr_new_vm_plan_warn_memory(const MgrNewVmPlan *plan, guint64 host_available_mib)
{
    if (host_available_mib > 0 && plan->memory_mib > host_available_mib)
        return g_strdup_printf(_("Only %u MB is free on this computer now: the virtual machine may "
                                 "fail to start."),
                               (guint)host_available_mib);
    return NULL;
}

/* @missing: the sentence to show when no path is given. */
static char *
check_file(const char *path, const char *missing)
{
    if (path == NULL || *path == '\0')
        return g_strdup(missing);
    if (!g_path_is_absolute(path))
        return g_strdup_printf(_("“%s” is not an absolute path."), path);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return g_strdup_printf(_("The file “%s” does not exist."), path);
    return NULL;
}

char *
mgr_new_vm_plan_check_disk(const MgrNewVmPlan *plan)
{
    g_autofree char *path = NULL;

    switch (plan->disk_choice) {
    case MGR_DISK_CHOICE_LATER:
        return NULL;
    case MGR_DISK_CHOICE_EXISTING:
        return check_file(plan->existing_disk, _("Choose an existing virtual hard disk."));
    case MGR_DISK_CHOICE_COPY: {
        char *reason = check_file(plan->copy_source, _("Choose the disk image to copy."));

        if (reason != NULL)
            return reason;
        break;
    }
    case MGR_DISK_CHOICE_CREATE:
        break;
    }
    if (plan->disk_name == NULL || *plan->disk_name == '\0')
        return g_strdup(_("Give the new virtual hard disk a file name."));
    if (strchr(plan->disk_name, '/') != NULL)
        return g_strdup(_("The disk's name is a file name: it cannot contain “/”."));
    if (!g_str_has_suffix(plan->disk_name, ".vhdx"))
        return g_strdup(_("The new virtual hard disk is a VHDX file: its name must end in "
                          "“.vhdx”."));
    if (plan->disk_folder == NULL || !g_path_is_absolute(plan->disk_folder))
        return g_strdup(_("Choose the folder of the new virtual hard disk."));
    if (g_file_test(plan->disk_folder, G_FILE_TEST_EXISTS) &&
        !g_file_test(plan->disk_folder, G_FILE_TEST_IS_DIR))
        return g_strdup_printf(_("“%s” is not a folder."), plan->disk_folder);
    path = g_build_filename(plan->disk_folder, plan->disk_name, NULL);
    if (g_file_test(path, G_FILE_TEST_EXISTS))
        return g_strdup_printf(_("The file “%s” already exists: choose another name, or use "
                                 "it as an existing virtual hard disk."),
                               path);
    if (plan->disk_choice == MGR_DISK_CHOICE_CREATE &&
        (plan->disk_size_gib < 1 || plan->disk_size_gib > MGR_NEW_VM_MAX_DISK_GIB))
        return g_strdup_printf(_("The size must be between 1 and %u GB."),
                               (guint)MGR_NEW_VM_MAX_DISK_GIB);
    return NULL;
}

/* The plan as HvxNewVm's choices; @disk (the plan's disk path) must outlive @ret_vm. */
static void
plan_choices(const MgrNewVmPlan *plan, const char *disk, HvxNewVm *ret_vm)
{
    hvx_new_vm_init(ret_vm, plan->name, plan->generation);
    ret_vm->memory_startup = plan->memory_mib;
    ret_vm->memory_unit = HVX_SIZE_UNIT_MIB;
    ret_vm->dynamic_memory = plan->dynamic_memory;
    ret_vm->switch_name = plan->switch_name;
    ret_vm->disk_path = disk;
    ret_vm->install = plan->install;
    switch (plan->install) {
    case HVX_NEW_VM_INSTALL_DVD:
        ret_vm->install_path = plan->iso_path;
        break;
    case HVX_NEW_VM_INSTALL_FLOPPY:
        ret_vm->install_path = plan->floppy_path;
        break;
    case HVX_NEW_VM_INSTALL_LATER:
    case HVX_NEW_VM_INSTALL_NETWORK:
        break;
    }
}

char *
mgr_new_vm_plan_check_install(const MgrNewVmPlan *plan)
{
    HvxNewVm vm;
    g_autoptr(GError) error = NULL;

    /* What the generation allows: HvxNewVm's rule. */
    plan_choices(plan, NULL, &vm);
    if (!hvx_new_vm_check(&vm, &error))
        return g_strdup(error->message);
    switch (plan->install) {
    case HVX_NEW_VM_INSTALL_LATER:
    case HVX_NEW_VM_INSTALL_NETWORK:
        return NULL;
    case HVX_NEW_VM_INSTALL_DVD:
        return check_file(plan->iso_path, _("Choose the ISO image."));
    case HVX_NEW_VM_INSTALL_FLOPPY:
        return check_file(plan->floppy_path, _("Choose the virtual floppy disk."));
    }
    g_assert_not_reached();
}

char *
mgr_new_vm_plan_disk_path(const MgrNewVmPlan *plan)
{
    switch (plan->disk_choice) {
    case MGR_DISK_CHOICE_CREATE:
    case MGR_DISK_CHOICE_COPY:
        return g_build_filename(plan->disk_folder, plan->disk_name, NULL);
    case MGR_DISK_CHOICE_EXISTING:
        return g_strdup(plan->existing_disk);
    case MGR_DISK_CHOICE_LATER:
        return NULL;
    }
    g_assert_not_reached();
}

HvxVmDef *
mgr_new_vm_plan_build(const MgrNewVmPlan *plan, GError **error)
{
    g_autofree char *disk = mgr_new_vm_plan_disk_path(plan);
    HvxNewVm vm;

    plan_choices(plan, disk, &vm);
    return hvx_new_vm_build(&vm, error);
}

char *
mgr_new_vm_plan_summary(const MgrNewVmPlan *plan)
{
    GString *text = g_string_new(NULL);
    g_autofree char *disk = mgr_new_vm_plan_disk_path(plan);

    g_string_append_printf(text, _("Name: %s\n"), plan->name);
    g_string_append_printf(text, _("Generation: Generation %u\n"), plan->generation);
    g_string_append_printf(text, _("Memory: %u MB%s\n"), (guint)plan->memory_mib,
                           plan->dynamic_memory ? _(" (dynamic memory)") : "");
    g_string_append_printf(text, _("Network: %s\n"),
                           plan->switch_name != NULL ? plan->switch_name : _("Not connected"));
    switch (plan->disk_choice) {
    case MGR_DISK_CHOICE_CREATE:
        g_string_append_printf(text, _("Hard disk: %s (new, VHDX, dynamically expanding, %u GB)\n"),
                               disk, (guint)plan->disk_size_gib);
        break;
    case MGR_DISK_CHOICE_EXISTING:
        g_string_append_printf(text, _("Hard disk: %s\n"), disk);
        break;
    case MGR_DISK_CHOICE_LATER:
        g_string_append(text, _("Hard disk: attach later\n"));
        break;
    case MGR_DISK_CHOICE_COPY:
        g_string_append_printf(text, _("Hard disk: %s (a VHDX copy of %s)\n"), disk,
                               plan->copy_source);
        break;
    }
    switch (plan->install) {
    case HVX_NEW_VM_INSTALL_LATER:
        g_string_append(text, _("Operating system: will be installed later"));
        break;
    case HVX_NEW_VM_INSTALL_DVD:
        g_string_append_printf(text, _("Operating system: install from %s"), plan->iso_path);
        break;
    case HVX_NEW_VM_INSTALL_NETWORK:
        g_string_append(text, _("Operating system: install from a network-based installation "
                                "server"));
        break;
    case HVX_NEW_VM_INSTALL_FLOPPY:
        g_string_append_printf(text, _("Operating system: install from the floppy %s"),
                               plan->floppy_path);
        break;
    }
    return g_string_free(text, FALSE);
}

guint64
mgr_host_available_memory_mib(void)
{
    g_autofree char *text = NULL;
    const char *line;
    guint64 kib;

    if (!g_file_get_contents("/proc/meminfo", &text, NULL, NULL))
        return 0;
    line = strstr(text, "MemAvailable:");
    if (line == NULL)
        return 0;
    kib = g_ascii_strtoull(line + strlen("MemAvailable:"), NULL, 10);
    return kib / 1024;
}
