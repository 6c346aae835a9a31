/* test-hvx-invalid.c: each file in data/invalid/ must be refused with exactly the message in
 * the table below: one line per case, "FILE:LINE: message" as berth validate prints it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>

#include "hvx.h"

/* The file name is the text before the first ':'. */
static const char *const cases[] = {
    "automatic-invalid.xml:3: <automatic start=\"sometimes\">: must be one of nothing, start, "
    "always-start",
    "bandwidth-too-high.xml:3: <network-adapter bandwidth-max=\"2000000\">: must be a whole number "
    "from 0 to 1000000",
    "bool-invalid.xml:4: <integration heartbeat=\"yes\">: must be \"true\" or \"false\"",
    "boot-duplicate.xml:3: <boot order>: \"disk\" is listed twice",
    "boot-unknown-device.xml:3: <boot order>: unknown device \"usb\"; use dvd, disk, network or "
    "floppy",
    "com-port-invalid.xml:3: <com port=\"3\">: must be a whole number from 1 to 2",
    "com-port-twice.xml:4: <com port=\"1\">: that port is already used on line 3",
    "controller-unknown-drive.xml:4: <scsi-controller>: unknown element <tape>",
    "directory.xml: is a directory, not a definition file",
    "disk-without-path.xml:4: <disk>: the attribute \"path\" is required",
    "display-invalid.xml:3: <display adapter=\"vga\">: must be one of qxl, virtio-gpu",
    "doctype-external-entity.xml:2: <!DOCTYPE> and <!ENTITY> declarations are not allowed",
    "element-twice.xml:4: <memory> may appear only once (first on line 3)",
    "empty.xml: the file is empty",
    "entity-undeclared.xml:2: malformed XML: unknown entity &lab;",
    "enum-invalid.xml:3: <firmware template=\"apple\">: must be one of microsoft-windows, "
    "microsoft-uefi-ca, open-source",
    "gen1-dvd-on-scsi.xml:4: <dvd> on a <scsi-controller> is not allowed in a Generation 1 VM; put "
    "it on an <ide-controller>",
    "gen1-firmware.xml:3: <firmware> is not allowed in a Generation 1 VM; it always uses BIOS",
    "gen1-tpm.xml:3: <tpm/> is not allowed in a Generation 1 VM",
    "gen2-boot-floppy.xml:3: <boot order>: a Generation 2 VM has no floppy drive to boot from",
    "gen2-floppy.xml:3: <floppy> is not allowed in a Generation 2 VM",
    "gen2-ide-controller.xml:4: <ide-controller> is not allowed in a Generation 2 VM; use "
    "<scsi-controller>",
    "gen2-legacy-adapter.xml:3: <network-adapter legacy=\"true\"> is not allowed in a Generation 2 "
    "VM; it has synthetic adapters only",
    "generation-invalid.xml:1: <vm generation=\"3\">: must be a whole number from 1 to 2",
    "generation-missing.xml:1: <vm>: the attribute \"generation\" is required",
    "ide-location-out-of-range.xml:4: <disk location=\"2\">: must be a whole number from 0 to 1",
    "ide-number-duplicate.xml:4: <ide-controller number=\"0\">: that controller number is already "
    "used on line 3",
    "ide-number-out-of-range.xml:3: <ide-controller number=\"2\">: must be a whole number from 0 "
    "to 1",
    "location-duplicate.xml:5: <dvd location=\"0\">: location 0 of <scsi-controller number=\"0\"> "
    "is already used by the <disk> on line 4",
    "mac-all-zero.xml:3: <network-adapter mac>: \"00:00:00:00:00:00\" is the all-zero MAC address, "
    "which no adapter may have",
    "mac-malformed.xml:3: <network-adapter mac>: \"00:15:5d:01:02\" is not a MAC address: write "
    "six pairs of hex digits separated by colons, like 52:54:00:a0:00:01",
    "mac-multicast.xml:3: <network-adapter mac>: \"01:00:5e:00:00:01\" is a multicast MAC address "
    "(the lowest bit of its first byte is set); an adapter needs a unicast one",
    "malformed-attribute-twice.xml:3: malformed XML: the attribute \"count\" appears twice",
    "malformed-mismatch.xml:2: malformed XML: <name> is closed by </nmae>",
    "malformed-trailing-content.xml:4: malformed XML: content after the end of the root element",
    "malformed-unclosed.xml:4: malformed XML: <processor> is closed by </vm>",
    "memory-dynamic-without-range.xml:3: <memory dynamic=\"true\">: the attributes \"minimum\" and "
    "\"maximum\" are required",
    "memory-minimum-above-maximum.xml:3: <memory>: minimum is larger than maximum",
    "memory-not-a-number.xml:3: <memory startup=\"4 GB\">: must be a whole number, at most 12 TiB",
    "memory-startup-outside-dynamic.xml:3: <memory>: with dynamic memory, startup must be between "
    "minimum and maximum",
    "memory-too-large.xml:3: <memory startup=\"13000\" unit=\"GiB\">: must be from 32 MiB to 12 "
    "TiB",
    "memory-too-small.xml:3: <memory startup=\"16\" unit=\"MiB\">: must be from 32 MiB to 12 TiB",
    "memory-unit-invalid.xml:3: <memory unit=\"GB\">: must be one of MiB, GiB",
    "missing.xml: cannot open the file: No such file or directory",
    "name-control-character.xml:2: <name>: the name must not contain control characters",
    "name-empty.xml:2: <name>: the name is empty",
    "name-missing.xml:1: <vm>: the element <name> is required",
    "name-slash.xml:2: <name>: the name must not contain \"/\"",
    "name-too-long.xml:2: <name>: the name is longer than 100 characters",
    "namespaced-element.xml:3: <vm>: unknown element <x:extra>",
    "not-a-definition.xml:1: <domain> is not a Berth definition; expected <vm> or <switch>",
    "not-utf8.xml:2: the text is not valid UTF-8",
    "nul-byte.xml:2: the text is not valid UTF-8",
    "number-huge.xml:3: <memory startup=\"99999999999999999999999\">: must be a whole number, at "
    "most 12 TiB",
    "number-negative.xml:3: <processor count=\"-1\">: must be a whole number from 1 to 240",
    "number-overflow.xml:3: <vlan id=\"18446744073709551616\">: must be a whole number from 0 to "
    "4094",
    "number-with-space.xml:3: <processor count=\" 2\">: must be a whole number from 1 to 240",
    "path-empty.xml:4: <dvd path=\"\">: the path is empty",
    "path-escapes-folder.xml:4: <disk path=\"disks/../../other-vm/disk.vhdx\">: a relative path "
    "must stay inside the VM's folder",
    "processor-too-many.xml:3: <processor count=\"241\">: must be a whole number from 1 to 240",
    "processor-zero.xml:3: <processor count=\"0\">: must be a whole number from 1 to 240",
    "scsi-location-out-of-range.xml:4: <disk location=\"64\">: must be a whole number from 0 to 63",
    "scsi-number-out-of-range.xml:3: <scsi-controller number=\"4\">: must be a whole number from 0 "
    "to 3",
    "start-delay-too-long.xml:3: <automatic start-delay=\"100000\">: must be a whole number from 0 "
    "to 86400",
    "switch-adapter-name-too-long.xml:3: <adapter name=\"enp3s0-much-too-long\">: not a network "
    "interface name (1-15 characters, no spaces, \"/\" or \":\")",
    "switch-adapter-on-internal.xml:3: <adapter> is only for external switches, not for type "
    "\"internal\"",
    "switch-address-broadcast.xml:3: <address>: \"192.168.211.255/24\" is the broadcast address of "
    "192.168.211.0/24; the host needs an address inside the subnet, like 192.168.211.1/24",
    "switch-address-ipv6.xml:3: <address>: \"fd00:211::1/64\" is an IPv6 address; only IPv4 is "
    "supported here, like 192.168.211.1/24",
    "switch-address-leading-zero.xml:3: <address>: \"192.168.010.1/24\" has a leading zero in "
    "\"010\": write the numbers without leading zeros (some programs read them as octal)",
    "switch-address-malformed.xml:3: <address>: \"192.168.300.1/24\" has the number 300: each of "
    "the four numbers must be from 0 to 255",
    "switch-address-network.xml:3: <address>: \"192.168.211.0/24\" is the network address of "
    "192.168.211.0/24; the host needs an address inside the subnet, like 192.168.211.1/24",
    "switch-address-no-prefix.xml:3: <address>: \"192.168.211.1\" has no prefix length: write the "
    "subnet's size after a slash, like 192.168.211.1/24",
    "switch-address-on-private.xml:3: <address> is only for internal switches, not for type "
    "\"private\"",
    "switch-address-prefix-31.xml:3: <address>: \"192.168.211.1/31\": a /31 subnet has two "
    "addresses and no broadcast address, for point-to-point links only; use a prefix length from 8 "
    "to 30",
    "switch-address-prefix-32.xml:3: <address>: \"192.168.211.1/32\": a /32 is a single address, "
    "with no room for VMs; use a prefix length from 8 to 30",
    "switch-dhcp-includes-host.xml:4: <dhcp>: the range 192.168.211.1-192.168.211.50 includes the "
    "host's own address 192.168.211.1",
    "switch-dhcp-ipv6.xml:4: <dhcp>: \"fd00:211::100\" is an IPv6 address; only IPv4 is supported "
    "here, like 192.168.211.1",
    "switch-dhcp-leading-zero.xml:4: <dhcp>: \"192.168.211.0199\" has a leading zero in \"0199\": "
    "write the numbers without leading zeros (some programs read them as octal)",
    "switch-dhcp-network.xml:4: <dhcp>: \"192.168.211.0\" is the network address of "
    "192.168.211.0/24; VMs cannot use it",
    "switch-dhcp-outside-subnet.xml:4: <dhcp>: \"192.168.212.10\" is outside 192.168.211.0/24, the "
    "subnet of the host's address 192.168.211.1/24",
    "switch-dhcp-reversed.xml:4: <dhcp>: the first address 192.168.211.199 comes after the last "
    "192.168.211.100",
    "switch-dhcp-without-address.xml:3: <dhcp> needs an <address> for the host",
    "switch-external-without-adapter.xml:1: <switch type=\"external\">: the element <adapter> is "
    "required",
    "switch-name-too-long.xml:2: <name>: the name is longer than 100 characters",
    "switch-nat-on-external.xml:4: <nat/> is only for internal switches, not for type \"external\"",
    "switch-nat-without-address.xml:3: <nat/> needs an <address> for the host",
    "switch-type-invalid.xml:1: <switch type=\"bridged\">: must be one of external, internal, "
    "private",
    "switch-vlan-on-private.xml:3: <vlan> is not allowed on a private switch: the host is not on "
    "it",
    "switch-vlan-out-of-range.xml:3: <vlan id=\"5000\">: must be a whole number from 0 to 4094",
    "text-in-empty-element.xml:3: <tpm>: text is not allowed here",
    "too-many-adapters.xml:11: <network-adapter>: a VM has at most 8 synthetic network adapters",
    "unknown-attribute.xml:3: <processor>: unknown attribute \"cores\"",
    "unknown-element.xml:3: <vm>: unknown element <gpu>",
    "uuid-malformed.xml:3: <uuid>: \"6f1c2a3e-8b4d-4c5e-9f60\" is not a UUID like "
    "6f1c2a3e-8b4d-4c5e-9f60-718293a4b5c6",
    "vlan-out-of-range.xml:3: <network-adapter vlan=\"4095\">: must be a whole number from 0 to "
    "4094",
};

static char *
case_file(const char *expected)
{
    return g_strndup(expected, strcspn(expected, ":"));
}

static void
test_invalid(gconstpointer data)
{
    const char *expected = data;
    g_autofree char *file = case_file(expected);
    g_autoptr(HvxDefinition) definition = NULL;
    g_autoptr(GPtrArray) diagnostics = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *line = NULL;

    definition = hvx_definition_parse_file(file, HVX_DEFINITION_KIND_ANY, &diagnostics, &error);
    g_assert_null(definition);
    g_assert_nonnull(error);
    g_assert_true(error->domain == HVX_ERROR);
    g_assert_cmpuint(diagnostics->len, ==, 1);
    line = hvx_diagnostic_to_string(g_ptr_array_index(diagnostics, 0));
    g_assert_cmpstr(line, ==, expected);
    g_assert_cmpstr(error->message, ==, expected);
}

/* Every file in data/invalid/ has its line in the table, and every line its file (except the
 * missing one). */
static void
test_table_complete(void)
{
    g_autoptr(GHashTable) listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GError) error = NULL;
    const char *name;

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *file = case_file(cases[i]);

        g_assert_false(g_hash_table_contains(listed, file));
        g_hash_table_add(listed, file);
        if (!g_str_equal(file, "missing.xml"))
            g_assert_true(g_file_test(file, G_FILE_TEST_EXISTS));
    }
    dir = g_dir_open(".", 0, &error);
    g_assert_no_error(error);
    while ((name = g_dir_read_name(dir)) != NULL) {
        if (!g_hash_table_contains(listed, name))
            g_error("data/invalid/%s has no line in the table of test-hvx-invalid.c", name);
    }
    g_assert_cmpuint(G_N_ELEMENTS(cases), >=, 40);
}

/* Larger than the cap: made here rather than kept in git. */
static void
test_too_large(void)
{
    g_autofree char *dir = g_dir_make_tmp("hvx-test-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "huge.xml", NULL);
    g_autoptr(GString) text = g_string_new("<vm generation=\"2\">\n  <notes>");
    g_autoptr(GPtrArray) diagnostics = NULL;
    g_autoptr(HvxDefinition) definition = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *line = NULL;
    g_autoptr(GError) error = NULL;

    while (text->len <= HVX_DEFINITION_MAX_BYTES)
        g_string_append(text, "0123456789abcdef");
    g_string_append(text, "</notes>\n  <name>Huge</name>\n</vm>\n");
    g_file_set_contents(path, text->str, (gssize)text->len, &error);
    g_assert_no_error(error);

    definition = hvx_definition_parse_file(path, HVX_DEFINITION_KIND_ANY, &diagnostics, &error);
    g_assert_null(definition);
    g_assert_error(error, HVX_ERROR, HVX_ERROR_READ);
    line = hvx_diagnostic_to_string(g_ptr_array_index(diagnostics, 0));
    expected = g_strdup_printf("%s: the file is larger than 1024 KiB", path);
    g_assert_cmpstr(line, ==, expected);
    g_clear_error(&error);

    /* The same through the string API. */
    g_clear_pointer(&diagnostics, g_ptr_array_unref);
    definition = hvx_definition_parse_string(text->str, (gssize)text->len, "huge.xml",
                                             HVX_DEFINITION_KIND_ANY, &diagnostics, &error);
    g_assert_null(definition);
    g_assert_error(error, HVX_ERROR, HVX_ERROR_INVALID);
    g_assert_cmpstr(error->message, ==, "huge.xml: the file is larger than 1024 KiB");

    g_unlink(path);
    g_rmdir(dir);
}

/* Several problems in one document are all reported, in document order. */
static void
test_several_problems(void)
{
    static const char text[] = "<vm generation=\"2\">\n"
                               "  <name>x</name>\n"
                               "  <processor count=\"0\" cores=\"2\"/>\n"
                               "  <gpu/>\n"
                               "</vm>\n";
    g_autoptr(GPtrArray) diagnostics = NULL;
    g_autoptr(HvxDefinition) definition = NULL;
    g_autoptr(GError) error = NULL;

    definition = hvx_definition_parse_string(text, -1, "vm.xml", HVX_DEFINITION_KIND_ANY,
                                             &diagnostics, &error);
    g_assert_null(definition);
    g_assert_cmpstr(error->message, ==,
                    "vm.xml:3: <processor>: unknown attribute \"cores\"\n"
                    "vm.xml:3: <processor count=\"0\">: must be a whole number from 1 to 240\n"
                    "vm.xml:4: <vm>: unknown element <gpu>");
    g_assert_cmpuint(diagnostics->len, ==, 3);
}

int
main(int argc, char **argv)
{
    g_autofree char *dir = g_build_filename(HVX_TEST_SRCDIR, "data", "invalid", NULL);

    g_test_init(&argc, &argv, NULL);
    /* Relative names, so the messages are the same wherever the tree is. */
    g_assert_cmpint(g_chdir(dir), ==, 0);

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *file = case_file(cases[i]);
        g_autofree char *path = g_strconcat("/xml/invalid/", file, NULL);

        g_test_add_data_func(path, cases[i], test_invalid);
    }
    g_test_add_func("/xml/invalid/table-complete", test_table_complete);
    g_test_add_func("/xml/invalid/too-large", test_too_large);
    g_test_add_func("/xml/invalid/several-problems", test_several_problems);
    return g_test_run();
}
