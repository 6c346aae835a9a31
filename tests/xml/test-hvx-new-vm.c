/* test-hvx-new-vm.c: HvxNewVm, the one builder of new VMs: every valid combination of generation
 * and installation choice makes a definition that passes validation, contradicting choices are
 * refused with their reason, memory sizes keep or change unit as documented. (What each choice
 * writes is compared byte for byte through both of its users in tests/manager/new-vm/.)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "hvx.h"

static HvxVmDef *
build_and_check(const HvxNewVm *vm)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HvxVmDef) def = hvx_new_vm_build(vm, &error);
    g_autoptr(HvxVmDef) parsed = NULL;
    g_autofree char *xml = NULL;

    g_assert_no_error(error);
    g_assert_nonnull(def);
    xml = hvx_vm_def_format(def);
    parsed = hvx_vm_def_parse_string(xml, -1, "vm.xml", &error);
    g_assert_no_error(error);
    return g_steal_pointer(&def);
}

static const HvxDriveDef *
find_drive(const HvxVmDef *def, HvxControllerType type, guint number, guint location)
{
    for (guint i = 0; i < def->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        for (guint j = 0; j < controller->drives->len; j++) {
            const HvxDriveDef *drive = g_ptr_array_index(controller->drives, j);

            if (controller->type == type && controller->number == number &&
                drive->location == location)
                return drive;
        }
    }
    return NULL;
}

static void
test_every_install(void)
{
    for (guint generation = 1; generation <= 2; generation++) {
        for (int install = HVX_NEW_VM_INSTALL_LATER; install <= HVX_NEW_VM_INSTALL_FLOPPY;
             install++) {
            HvxNewVm vm;
            g_autoptr(HvxVmDef) def = NULL;
            const HvxDriveDef *dvd;

            if (generation == 2 && install == HVX_NEW_VM_INSTALL_FLOPPY)
                continue;
            hvx_new_vm_init(&vm, "Any", generation);
            vm.install = install;
            vm.install_path = install == HVX_NEW_VM_INSTALL_DVD      ? "/isos/setup.iso"
                              : install == HVX_NEW_VM_INSTALL_FLOPPY ? "/floppies/a.vfd"
                                                                     : NULL;
            vm.switch_name = "Lab";
            vm.disk_path = "/disks/any.vhdx";
            def = build_and_check(&vm);

            /* Generation 1 always has its DVD drive at IDE 1:0 and a floppy drive; Generation 2
             * a DVD drive only to install from. */
            dvd = generation == 1 ? find_drive(def, HVX_CONTROLLER_IDE, 1, 0)
                                  : find_drive(def, HVX_CONTROLLER_SCSI, 0, 1);
            if (generation == 1 || install == HVX_NEW_VM_INSTALL_DVD) {
                g_assert_nonnull(dvd);
                g_assert_cmpint(dvd->type, ==, HVX_DRIVE_DVD);
                g_assert_cmpstr(dvd->path, ==,
                                install == HVX_NEW_VM_INSTALL_DVD ? "/isos/setup.iso" : NULL);
            } else {
                g_assert_null(dvd);
            }
            g_assert_true(def->has_floppy == (generation == 1));
            g_assert_cmpstr(def->floppy_path, ==,
                            install == HVX_NEW_VM_INSTALL_FLOPPY ? "/floppies/a.vfd" : NULL);
            g_assert_cmpstr(
                find_drive(def, generation == 1 ? HVX_CONTROLLER_IDE : HVX_CONTROLLER_SCSI, 0, 0)
                    ->path,
                ==, "/disks/any.vhdx");
            g_assert_true(
                ((HvxNetworkAdapterDef *)g_ptr_array_index(def->network_adapters, 0))->legacy ==
                (generation == 1 && install == HVX_NEW_VM_INSTALL_NETWORK));
        }
    }
}

static void
test_contradictions(void)
{
    static const struct {
        guint generation;
        HvxNewVmInstall install;
        int secure_boot;
        int secure_boot_template;
        gboolean tpm;
        const char *reason;
    } cases[] = {
        {3, HVX_NEW_VM_INSTALL_LATER, -1, -1, FALSE, "There is no Generation 3"},
        {0, HVX_NEW_VM_INSTALL_LATER, -1, -1, FALSE, "There is no Generation 0"},
        {2, HVX_NEW_VM_INSTALL_FLOPPY, -1, -1, FALSE, "floppy drive"},
        {1, HVX_NEW_VM_INSTALL_LATER, TRUE, -1, FALSE, "Secure Boot"},
        {1, HVX_NEW_VM_INSTALL_LATER, FALSE, -1, FALSE, "Secure Boot"},
        {1, HVX_NEW_VM_INSTALL_LATER, -1, HVX_FIRMWARE_TEMPLATE_OPEN_SOURCE, FALSE, "Secure Boot"},
        {1, HVX_NEW_VM_INSTALL_LATER, -1, -1, TRUE, "TPM"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(HvxVmDef) def = NULL;
        HvxNewVm vm;

        hvx_new_vm_init(&vm, "Contradiction", cases[i].generation);
        vm.install = cases[i].install;
        vm.secure_boot = cases[i].secure_boot;
        vm.secure_boot_template = cases[i].secure_boot_template;
        vm.tpm = cases[i].tpm;
        g_assert_false(hvx_new_vm_check(&vm, NULL));
        def = hvx_new_vm_build(&vm, &error);
        g_assert_null(def);
        g_assert_error(error, HVX_ERROR, HVX_ERROR_INVALID);
        g_test_message("case %u: %s", i, error->message);
        g_assert_nonnull(strstr(error->message, cases[i].reason));
    }
}

static void
test_generation2_firmware(void)
{
    HvxNewVm vm;
    g_autoptr(HvxVmDef) defaults = NULL;
    g_autoptr(HvxVmDef) chosen = NULL;

    hvx_new_vm_init(&vm, "Firmware", 2);
    defaults = build_and_check(&vm);
    g_assert_true(defaults->secure_boot);
    g_assert_cmpint(defaults->firmware_template, ==, HVX_FIRMWARE_TEMPLATE_MICROSOFT_WINDOWS);
    g_assert_false(defaults->tpm);

    vm.secure_boot = FALSE;
    vm.secure_boot_template = HVX_FIRMWARE_TEMPLATE_MICROSOFT_UEFI_CA;
    vm.tpm = TRUE;
    chosen = build_and_check(&vm);
    g_assert_false(chosen->secure_boot);
    g_assert_cmpint(chosen->firmware_template, ==, HVX_FIRMWARE_TEMPLATE_MICROSOFT_UEFI_CA);
    g_assert_true(chosen->tpm);
}

static void
test_memory(void)
{
    HvxNewVm vm;
    g_autoptr(HvxVmDef) fixed = NULL;
    g_autoptr(HvxVmDef) dynamic = NULL;
    g_autoptr(HvxVmDef) huge = NULL;

    /* Static memory keeps the unit it was given. */
    hvx_new_vm_init(&vm, "Memory", 2);
    vm.memory_startup = 3;
    vm.memory_unit = HVX_SIZE_UNIT_GIB;
    fixed = build_and_check(&vm);
    g_assert_cmpuint(fixed->memory_startup, ==, 3);
    g_assert_cmpint(fixed->memory_unit, ==, HVX_SIZE_UNIT_GIB);
    g_assert_false(fixed->memory_dynamic);

    /* Dynamic memory's bounds are MiB, and so becomes the startup memory. */
    vm.dynamic_memory = TRUE;
    dynamic = build_and_check(&vm);
    g_assert_cmpint(dynamic->memory_unit, ==, HVX_SIZE_UNIT_MIB);
    g_assert_cmpuint(dynamic->memory_startup, ==, 3072);
    g_assert_cmpuint(dynamic->memory_minimum, ==, HVX_NEW_VM_DYNAMIC_MINIMUM_MIB);
    g_assert_cmpuint(dynamic->memory_maximum, ==, HVX_NEW_VM_DYNAMIC_MAXIMUM_MIB);

    /* Bounds widen to hold a startup memory outside them. */
    vm.memory_startup = 2048;
    huge = build_and_check(&vm);
    g_assert_cmpuint(huge->memory_startup, ==, 2048 * 1024);
    g_assert_cmpuint(huge->memory_maximum, ==, 2048 * 1024);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xml/new-vm/every-install", test_every_install);
    g_test_add_func("/xml/new-vm/contradictions", test_contradictions);
    g_test_add_func("/xml/new-vm/generation2-firmware", test_generation2_firmware);
    g_test_add_func("/xml/new-vm/memory", test_memory);
    return g_test_run();
}
