/* test-hvx-model.c: the library's API besides parsing files: derived interface names, UUIDs,
 * enum tables, the error domain, the schema error mapping, the typed parse functions.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <libxml/parser.h>

#include "hvx-schema-private.h"
#include "hvx.h"

static void
test_interface_names(void)
{
    g_autoptr(HvxSwitchDef) sw = hvx_switch_def_new(HVX_SWITCH_TYPE_PRIVATE);
    g_autofree char *bridge = NULL;
    g_autofree char *tap = NULL;
    g_autofree char *tap_last = NULL;
    g_autofree char *no_tap = NULL;

    g_assert_null(hvx_switch_def_bridge_name(sw));
    sw->uuid = g_strdup("C4A0E3B2-7D51-4E86-A9F3-2B6D8C1E5F47");
    bridge = hvx_switch_def_bridge_name(sw);
    g_assert_cmpstr(bridge, ==, "bswc4a0e3b2");
    g_assert_cmpuint(strlen(bridge), <=, HVX_IFNAME_MAX_CHARS);
    g_assert_true(hvx_ifname_is_valid(bridge));

    tap = hvx_tap_name("6f1c2a3e-8b4d-4c5e-9f60-718293a4b5c6", 0);
    g_assert_cmpstr(tap, ==, "btp6f1c2a3en0");
    tap_last = hvx_tap_name("6f1c2a3e-8b4d-4c5e-9f60-718293a4b5c6", 99);
    g_assert_cmpstr(tap_last, ==, "btp6f1c2a3en99");
    g_assert_cmpuint(strlen(tap_last), <, 16);
    g_assert_true(hvx_ifname_is_valid(tap_last));
    g_assert_null(hvx_tap_name("6f1c2a3e-8b4d-4c5e-9f60-718293a4b5c6", 100));
    no_tap = hvx_tap_name("not-a-uuid", 0);
    g_assert_null(no_tap);

    g_assert_false(hvx_ifname_is_valid(""));
    g_assert_false(hvx_ifname_is_valid("0123456789abcdef"));
    g_assert_true(hvx_ifname_is_valid("0123456789abcde"));
    g_assert_false(hvx_ifname_is_valid("a/b"));
    g_assert_false(hvx_ifname_is_valid(".."));
}

static void
test_ensure_uuid(void)
{
    g_autoptr(HvxVmDef) vm = hvx_vm_def_new(2);
    g_autoptr(HvxSwitchDef) sw = hvx_switch_def_new(HVX_SWITCH_TYPE_INTERNAL);
    const char *uuid;

    g_assert_null(vm->uuid);
    uuid = hvx_vm_def_ensure_uuid(vm);
    g_assert_true(g_uuid_string_is_valid(uuid));
    g_assert_true(hvx_vm_def_ensure_uuid(vm) == uuid);
    g_assert_true(g_uuid_string_is_valid(hvx_switch_def_ensure_uuid(sw)));
}

static void
test_enums_round_trip(void)
{
    for (int i = 0; i < HVX_BOOT_DEVICE_LAST; i++)
        g_assert_cmpint(hvx_boot_device_from_string(hvx_boot_device_to_string(i)), ==, i);
    for (int i = 0; i < HVX_FIRMWARE_TEMPLATE_LAST; i++)
        g_assert_cmpint(hvx_firmware_template_from_string(hvx_firmware_template_to_string(i)), ==,
                        i);
    for (int i = 0; i < HVX_SWITCH_TYPE_LAST; i++)
        g_assert_cmpint(hvx_switch_type_from_string(hvx_switch_type_to_string(i)), ==, i);
    for (int i = 0; i < HVX_AUTO_STOP_LAST; i++)
        g_assert_cmpint(hvx_auto_stop_from_string(hvx_auto_stop_to_string(i)), ==, i);
    g_assert_cmpint(hvx_size_unit_from_string("GB"), ==, -1);
    g_assert_cmpint(hvx_size_unit_from_string(NULL), ==, -1);
    g_assert_null(hvx_display_adapter_to_string(HVX_DISPLAY_ADAPTER_LAST));
}

static void
test_error_domain(void)
{
    g_autoptr(GError) error = g_error_new_literal(HVX_ERROR, HVX_ERROR_INVALID, "x");
    g_autofree char *name = g_dbus_error_encode_gerror(error);

    g_assert_cmpstr(name, ==, "org.berth.Xml.Error.Invalid");
}

static void
test_typed_parse(void)
{
    static const char vm_text[] = "<vm generation=\"1\"><name>a</name></vm>";
    static const char switch_text[] = "<switch type=\"private\"><name>s</name></switch>";
    g_autoptr(HvxVmDef) vm = NULL;
    g_autoptr(HvxSwitchDef) sw = NULL;
    g_autoptr(GError) error = NULL;

    vm = hvx_vm_def_parse_string(vm_text, -1, "vm.xml", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(vm->generation, ==, 1);
    g_assert_cmpuint(vm->boot_order->len, ==, 4);
    g_assert_cmpuint(hvx_vm_def_memory_startup_mib(vm), ==, 1024);

    sw = hvx_switch_def_parse_string(switch_text, -1, "s.xml", &error);
    g_assert_no_error(error);
    g_assert_cmpint(sw->type, ==, HVX_SWITCH_TYPE_PRIVATE);

    g_clear_pointer(&vm, hvx_vm_def_free);
    vm = hvx_vm_def_parse_string(switch_text, -1, "s.xml", &error);
    g_assert_null(vm);
    g_assert_error(error, HVX_ERROR, HVX_ERROR_INVALID);
    g_assert_cmpstr(error->message, ==, "s.xml:1: expected a <vm> definition, found <switch>");
    g_clear_error(&error);

    vm = hvx_vm_def_parse_string("", 0, "empty.xml", &error);
    g_assert_null(vm);
    g_assert_cmpstr(error->message, ==, "empty.xml: the file is empty");
}

static void
test_memory_gib(void)
{
    g_autoptr(HvxVmDef) vm = NULL;
    g_autoptr(GError) error = NULL;

    vm = hvx_vm_def_parse_string("<vm generation=\"2\"><name>a</name>"
                                 "<memory startup=\"4\" unit=\"GiB\"/></vm>",
                                 -1, "vm.xml", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(hvx_vm_def_memory_startup_mib(vm), ==, 4096);
}

/* The schema check maps libxml2's RelaxNG errors to our sentences. Our parser never lets these
 * documents reach it, so call it directly. */
static void
test_schema_mapping(void)
{
    static const struct {
        const char *text;
        HvxDefinitionKind kind;
        const char *expected;
    } cases[] = {
        {"<vm generation=\"2\">\n<name>a</name>\n<processor cores=\"2\"/>\n</vm>",
         HVX_DEFINITION_KIND_VM,
         "t.xml:3: <processor>: its attributes or content do not match the schema"},
        {"<vm generation=\"2\">\n<name>a</name>\n<gpu/>\n</vm>", HVX_DEFINITION_KIND_VM,
         "t.xml:3: <vm>: unknown element <gpu>"},
        {"<switch type=\"private\">\n<name>a</name>\n<nat>x</nat>\n</switch>",
         HVX_DEFINITION_KIND_SWITCH,
         "t.xml:3: <nat>: its attributes or content do not match the schema"},
        {"<vm generation=\"2\">\n<name>a</name>\n<processor count=\"x\"/>\n</vm>",
         HVX_DEFINITION_KIND_VM,
         "t.xml:3: <processor>: its attributes or content do not match the schema"},
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GPtrArray) diagnostics = hvx_diagnostics_new();
        g_autofree char *line = NULL;
        xmlDoc *doc =
            xmlReadMemory(cases[i].text, (int)strlen(cases[i].text), NULL, NULL, XML_PARSE_NONET);

        g_assert_nonnull(doc);
        g_assert_false(hvx_schema_validate(doc, cases[i].kind, "t.xml", diagnostics));
        g_assert_cmpuint(diagnostics->len, ==, 1);
        line = hvx_diagnostic_to_string(g_ptr_array_index(diagnostics, 0));
        g_assert_cmpstr(line, ==, cases[i].expected);
        xmlFreeDoc(doc);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xml/model/interface-names", test_interface_names);
    g_test_add_func("/xml/model/ensure-uuid", test_ensure_uuid);
    g_test_add_func("/xml/model/enums-round-trip", test_enums_round_trip);
    g_test_add_func("/xml/model/error-domain", test_error_domain);
    g_test_add_func("/xml/model/typed-parse", test_typed_parse);
    g_test_add_func("/xml/model/memory-gib", test_memory_gib);
    g_test_add_func("/xml/model/schema-mapping", test_schema_mapping);
    return g_test_run();
}
