/* test-manager-plans.c: the wizards' logic without widgets: the New Virtual Machine plan's checks
 * and the definition it builds (Generation 1 and 2), and the Virtual Switch Manager's checks
 * (names, wireless and busy adapters, libhvx's address rules) and its "may cut the host off"
 * rule. (The Switch Manager test also meets a wireless adapter, through berthd.)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gstdio.h>

#include "mgr-new-vm-plan.h"
#include "mgr-switch-plan.h"

static char *
scratch(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("test-manager-plans-XXXXXX", &error);

    g_assert_no_error(error);
    return dir;
}

static void
test_vm_name(void)
{
    g_autoptr(MgrNewVmPlan) plan = mgr_new_vm_plan_new("/tmp");
    const char *const existing[] = {"Web Server", NULL};
    g_autofree char *empty = NULL;
    g_autofree char *slash = NULL;
    g_autofree char *duplicate = NULL;
    g_autofree char *fine = NULL;

    g_free(plan->name);
    plan->name = g_strdup("");
    empty = mgr_new_vm_plan_check_name(plan, existing);
    g_assert_nonnull(empty);
    g_free(plan->name);
    plan->name = g_strdup("a/b");
    slash = mgr_new_vm_plan_check_name(plan, existing);
    g_assert_nonnull(slash);
    g_free(plan->name);
    plan->name = g_strdup("WEB server");
    duplicate = mgr_new_vm_plan_check_name(plan, existing);
    g_assert_nonnull(duplicate);
    g_assert_nonnull(strstr(duplicate, "Web Server"));
    g_free(plan->name);
    plan->name = g_strdup("Web Server 2");
    fine = mgr_new_vm_plan_check_name(plan, existing);
    g_assert_null(fine);
}

static void
test_vm_memory(void)
{
    g_autoptr(MgrNewVmPlan) plan = mgr_new_vm_plan_new("/tmp");
    g_autofree char *low = NULL;
    g_autofree char *high = NULL;
    g_autofree char *warning = NULL;
    g_autofree char *fine = NULL;

    plan->memory_mib = 16;
    low = mgr_new_vm_plan_check_memory(plan, 4096);
    g_assert_nonnull(low);
    plan->memory_mib = 8192;
    high = mgr_new_vm_plan_check_memory(plan, 4096);
    g_assert_nonnull(high);
    g_assert_nonnull(strstr(high, "4096"));
    plan->memory_mib = 2048;
    fine = mgr_new_vm_plan_check_memory(plan, 4096);
    g_assert_null(fine);
    warning = mgr_new_vm_plan_warn_memory(plan, 1024);
    g_assert_nonnull(warning);
}

static void
test_vm_disk(void)
{
    g_autofree char *dir = scratch();
    g_autofree char *taken = g_build_filename(dir, "taken.vhdx", NULL);
    g_autoptr(MgrNewVmPlan) plan = mgr_new_vm_plan_new(dir);
    g_autofree char *reason = NULL;

    g_assert_true(g_file_set_contents(taken, "", 0, NULL));
    g_free(plan->disk_name);
    plan->disk_name = g_strdup("taken.vhdx");
    reason = mgr_new_vm_plan_check_disk(plan);
    g_assert_nonnull(reason);
    g_assert_nonnull(strstr(reason, "already exists"));
    g_clear_pointer(&reason, g_free);
    g_free(plan->disk_name);
    plan->disk_name = g_strdup("new.qcow2");
    reason = mgr_new_vm_plan_check_disk(plan);
    g_assert_nonnull(reason); /* the wizard makes VHDX */
    g_clear_pointer(&reason, g_free);
    g_free(plan->disk_name);
    plan->disk_name = g_strdup("new.vhdx");
    plan->disk_size_gib = 0;
    reason = mgr_new_vm_plan_check_disk(plan);
    g_assert_nonnull(reason);
    g_clear_pointer(&reason, g_free);
    plan->disk_size_gib = 20;
    reason = mgr_new_vm_plan_check_disk(plan);
    g_assert_null(reason);

    plan->disk_choice = MGR_DISK_CHOICE_EXISTING;
    plan->existing_disk = g_strdup("/nonexistent.vhdx");
    reason = mgr_new_vm_plan_check_disk(plan);
    g_assert_nonnull(reason);
    g_clear_pointer(&reason, g_free);
    g_free(plan->existing_disk);
    plan->existing_disk = g_strdup(taken);
    reason = mgr_new_vm_plan_check_disk(plan);
    g_assert_null(reason);
    g_unlink(taken);
    g_rmdir(dir);
}

static void
test_vm_build(void)
{
    g_autoptr(MgrNewVmPlan) plan = mgr_new_vm_plan_new("/srv/disks");
    g_autoptr(HvxVmDef) def = NULL;
    g_autoptr(HvxVmDef) parsed = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    const HvxControllerDef *ide1;
    const HvxNetworkAdapterDef *adapter;

    g_free(plan->name);
    plan->name = g_strdup("Old");
    plan->generation = 1;
    plan->memory_mib = 256;
    plan->dynamic_memory = TRUE;
    plan->switch_name = g_strdup("Lab");
    plan->install = HVX_NEW_VM_INSTALL_NETWORK;
    def = mgr_new_vm_plan_build(plan, &error);
    g_assert_no_error(error);
    xml = hvx_vm_def_format(def);
    parsed = hvx_vm_def_parse_string(xml, -1, "vm.xml", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(parsed->generation, ==, 1);
    g_assert_true(parsed->memory_dynamic);
    g_assert_cmpuint(parsed->memory_minimum, ==, 256);
    g_assert_cmpuint(parsed->memory_maximum, ==, HVX_NEW_VM_DYNAMIC_MAXIMUM_MIB);
    g_assert_cmpint(g_array_index(parsed->boot_order, HvxBootDevice, 0), ==,
                    HVX_BOOT_DEVICE_NETWORK);
    /* Disk on IDE 0:0, the (empty) DVD on IDE 1:0, a floppy drive. */
    g_assert_cmpuint(parsed->controllers->len, ==, 2);
    ide1 = g_ptr_array_index(parsed->controllers, 1);
    g_assert_cmpuint(ide1->number, ==, 1);
    g_assert_cmpint(((HvxDriveDef *)g_ptr_array_index(ide1->drives, 0))->type, ==, HVX_DRIVE_DVD);
    g_assert_true(parsed->has_floppy);
    /* Network boot on Generation 1 takes the legacy adapter. */
    adapter = g_ptr_array_index(parsed->network_adapters, 0);
    g_assert_true(adapter->legacy);
    g_assert_cmpstr(adapter->switch_name, ==, "Lab");
}

static GPtrArray *
adapters(void)
{
    GVariantBuilder list;
    const char *const addresses[] = {"10.0.0.2/24", NULL};
    const char *const none[] = {NULL};

    g_variant_builder_init(&list, G_VARIANT_TYPE("aa{sv}"));
    g_variant_builder_open(&list, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&list, "{sv}", "name", g_variant_new_string("eth0"));
    g_variant_builder_add(&list, "{sv}", "kind", g_variant_new_string("wired"));
    g_variant_builder_add(&list, "{sv}", "up", g_variant_new_boolean(TRUE));
    g_variant_builder_add(&list, "{sv}", "addresses", g_variant_new_strv(addresses, -1));
    g_variant_builder_add(&list, "{sv}", "usable", g_variant_new_boolean(TRUE));
    g_variant_builder_add(&list, "{sv}", "reason", g_variant_new_string(""));
    g_variant_builder_add(&list, "{sv}", "used-by", g_variant_new_string(""));
    g_variant_builder_close(&list);
    g_variant_builder_open(&list, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&list, "{sv}", "name", g_variant_new_string("wlan0"));
    g_variant_builder_add(&list, "{sv}", "kind", g_variant_new_string("wireless"));
    g_variant_builder_add(&list, "{sv}", "addresses", g_variant_new_strv(none, -1));
    g_variant_builder_add(&list, "{sv}", "usable", g_variant_new_boolean(FALSE));
    g_variant_builder_add(&list, "{sv}", "reason",
                          g_variant_new_string("wlan0 is a wireless adapter"));
    g_variant_builder_close(&list);
    return mgr_adapter_infos_from_variant(g_variant_builder_end(&list));
}

static void
test_switch_checks(void)
{
    g_autoptr(GPtrArray) infos = adapters();
    g_autoptr(HvxSwitchDef) def = hvx_switch_def_new(HVX_SWITCH_TYPE_EXTERNAL);
    const char *const names[] = {"Default Switch", NULL};
    char *reason;

    g_assert_cmpuint(infos->len, ==, 2);
    g_assert_true(((MgrAdapterInfo *)g_ptr_array_index(infos, 1))->wireless);

    reason = mgr_switch_plan_check(def, names, NULL, infos);
    g_assert_nonnull(reason); /* no name */
    g_free(reason);
    g_free(def->name);
    def->name = g_strdup("default switch");
    reason = mgr_switch_plan_check(def, names, NULL, infos);
    g_assert_nonnull(strstr(reason, "already exists"));
    g_free(reason);
    /* Its own stored name is fine. */
    reason = mgr_switch_plan_check(def, names, "Default Switch", infos);
    g_assert_nonnull(reason); /* but still no adapter */
    g_assert_null(strstr(reason, "already exists"));
    g_free(reason);

    g_free(def->name);
    def->name = g_strdup("Outside");
    reason = mgr_switch_plan_check(def, names, NULL, infos);
    g_assert_nonnull(reason); /* no adapter chosen */
    g_free(reason);
    def->adapter_name = g_strdup("wlan0");
    reason = mgr_switch_plan_check(def, names, NULL, infos);
    g_assert_nonnull(reason);
    g_assert_nonnull(strstr(reason, "wireless"));
    g_free(reason);
    g_free(def->adapter_name);
    def->adapter_name = g_strdup("eth9");
    reason = mgr_switch_plan_check(def, names, NULL, infos);
    g_assert_nonnull(strstr(reason, "eth9"));
    g_free(reason);
    g_free(def->adapter_name);
    def->adapter_name = g_strdup("eth0");
    reason = mgr_switch_plan_check(def, names, NULL, infos);
    g_assert_null(reason);

    /* Internal: libhvx's rules, without "switch.xml:N:" in front. */
    def->type = HVX_SWITCH_TYPE_INTERNAL;
    g_clear_pointer(&def->adapter_name, g_free);
    def->address = g_strdup("10.9.0.1");
    reason = mgr_switch_plan_check(def, names, NULL, infos);
    g_assert_nonnull(reason);
    g_assert_false(g_str_has_prefix(reason, "switch.xml"));
    g_test_message("bad address: %s", reason);
    g_free(reason);
    g_free(def->address);
    def->address = g_strdup("10.9.0.1/24");
    def->dhcp_first = g_strdup("10.9.1.10");
    def->dhcp_last = g_strdup("10.9.1.20");
    reason = mgr_switch_plan_check(def, names, NULL, infos);
    g_assert_nonnull(reason);
    g_test_message("DHCP outside: %s", reason);
    g_free(reason);
    g_free(def->dhcp_first);
    def->dhcp_first = g_strdup("10.9.0.10");
    g_free(def->dhcp_last);
    def->dhcp_last = g_strdup("10.9.0.20");
    def->nat = TRUE;
    reason = mgr_switch_plan_check(def, names, NULL, infos);
    g_assert_null(reason);
}

static void
test_switch_may_cut_host(void)
{
    g_autoptr(GPtrArray) infos = adapters();
    g_autoptr(HvxSwitchDef) internal = hvx_switch_def_new(HVX_SWITCH_TYPE_INTERNAL);
    g_autoptr(HvxSwitchDef) shared = hvx_switch_def_new(HVX_SWITCH_TYPE_EXTERNAL);
    g_autoptr(HvxSwitchDef) exclusive = hvx_switch_def_new(HVX_SWITCH_TYPE_EXTERNAL);

    shared->adapter_name = g_strdup("eth0");
    shared->adapter_share_with_host = TRUE;
    exclusive->adapter_name = g_strdup("eth0");
    exclusive->adapter_share_with_host = FALSE;

    g_assert_false(mgr_switch_plan_may_cut_host(NULL, internal, infos));
    g_assert_true(mgr_switch_plan_may_cut_host(NULL, exclusive, infos));
    g_assert_true(mgr_switch_plan_may_cut_host(NULL, shared, infos)); /* addresses move */
    g_assert_true(mgr_switch_plan_may_cut_host(shared, exclusive, infos));
    g_assert_true(mgr_switch_plan_may_cut_host(shared, internal, infos));
    g_assert_false(mgr_switch_plan_may_cut_host(shared, shared, infos));
}

static void
test_strip_locations(void)
{
    g_autofree char *text =
        mgr_switch_plan_strip_locations("switch.xml:3: <dhcp>: first comes after last\n"
                                        "switch.xml:4: <nat/> needs an <address>\n");

    g_assert_cmpstr(text, ==, "<dhcp>: first comes after last\n<nat/> needs an <address>");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/plans/vm/name", test_vm_name);
    g_test_add_func("/plans/vm/memory", test_vm_memory);
    g_test_add_func("/plans/vm/disk", test_vm_disk);
    g_test_add_func("/plans/vm/build", test_vm_build);
    g_test_add_func("/plans/switch/checks", test_switch_checks);
    g_test_add_func("/plans/switch/may-cut-host", test_switch_may_cut_host);
    g_test_add_func("/plans/switch/strip-locations", test_strip_locations);
    return g_test_run();
}
