/* berth-cli-new.c: "berth new --name NAME --generation 1|2 …", Hyper-V's New-VM: a definition
 * built from options by HvxNewVm (as the manager's New Virtual Machine Wizard builds its own),
 * defined through berthd, with an optional new disk made by berthd's CreateDisk job and an
 * optional start; or only printed (--print-xml).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <glib/gi18n.h>

#include "berth-cli.h"
#include "hvx.h"

typedef struct {
    HvxNewVm vm; /* the choices; its strings belong to this struct or to new_args */
    char *disk;
    char *new_disk;
    guint64 size;
    char *media; /* --dvd's or --floppy's file */
    gboolean start;
    gboolean print_xml;
} BerthCliNewOptions;

static void
berth_cli_new_options_clear(BerthCliNewOptions *options)
{
    g_free(options->disk);
    g_free(options->new_disk);
    g_free(options->media);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(BerthCliNewOptions, berth_cli_new_options_clear)

/* "2048", "2048M", "2048MiB", "2048MB" → MiB; "2G", "2GiB", "2GB" → GiB. */
static gboolean
parse_memory(const char *text, HvxSizeUnit *ret_unit, guint64 *ret_value)
{
    static const struct {
        const char *suffix;
        HvxSizeUnit unit;
    } suffixes[] = {
        {"MiB", HVX_SIZE_UNIT_MIB}, {"MB", HVX_SIZE_UNIT_MIB}, {"M", HVX_SIZE_UNIT_MIB},
        {"GiB", HVX_SIZE_UNIT_GIB}, {"GB", HVX_SIZE_UNIT_GIB}, {"G", HVX_SIZE_UNIT_GIB},
    };
    g_autofree char *number = g_strdup(text);
    HvxSizeUnit unit = HVX_SIZE_UNIT_MIB;

    for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        gsize len = strlen(number), suffix_len = strlen(suffixes[i].suffix);

        if (len > suffix_len &&
            g_ascii_strcasecmp(number + len - suffix_len, suffixes[i].suffix) == 0) {
            number[len - suffix_len] = '\0';
            unit = suffixes[i].unit;
            break;
        }
    }
    if (!g_ascii_string_to_unsigned(number, 10, 1, G_MAXUINT32, ret_value, NULL))
        return FALSE;
    *ret_unit = unit;
    return TRUE;
}

/* What GOptionContext read; parse_options checks it into a BerthCliNewOptions. */
static struct {
    char *name;
    char *generation;
    char *memory;
    char *processors;
    char *disk;
    char *new_disk;
    char *size;
    char *dvd;
    char *floppy;
    gboolean network_boot;
    char *switch_name;
    char *secure_boot;
    char *secure_boot_template;
    gboolean tpm;
    gboolean dynamic_memory;
    gboolean start;
    gboolean print_xml;
} new_args;

static const GOptionEntry new_options[] = {
    {"name", 0, 0, G_OPTION_ARG_FILENAME, &new_args.name, N_("The VM's name (required)"),
     N_("NAME")},
    {"generation", 0, 0, G_OPTION_ARG_FILENAME, &new_args.generation,
     N_("Generation 1 (BIOS, IDE) or 2 (UEFI, SCSI) (required)"), "1|2"},
    {"memory", 0, 0, G_OPTION_ARG_FILENAME, &new_args.memory,
     N_("Startup memory in MiB or with a suffix, e.g. 2048M or 2G (default 1024M)"), N_("SIZE")},
    {"processors", 0, 0, G_OPTION_ARG_FILENAME, &new_args.processors,
     N_("Number of virtual processors"), N_("N")},
    {"disk", 0, 0, G_OPTION_ARG_FILENAME, &new_args.disk, N_("An existing virtual hard disk"),
     N_("FILE")},
    {"new-disk", 0, 0, G_OPTION_ARG_FILENAME, &new_args.new_disk,
     N_("Create a dynamic disk of --size here (format from the extension, VHDX when none is "
        "known)"),
     N_("FILE")},
    {"size", 0, 0, G_OPTION_ARG_FILENAME, &new_args.size, N_("The new disk's size, e.g. 40G"),
     N_("SIZE")},
    {"dvd", 0, 0, G_OPTION_ARG_FILENAME, &new_args.dvd,
     N_("Install from this ISO image: in the DVD drive, which boots first"), N_("FILE")},
    {"floppy", 0, 0, G_OPTION_ARG_FILENAME, &new_args.floppy,
     N_("Install from this virtual floppy disk, which boots first (Generation 1)"), N_("FILE")},
    {"network-boot", 0, 0, G_OPTION_ARG_NONE, &new_args.network_boot,
     N_("Install from the network, which boots first (Generation 1: a legacy adapter)"), NULL},
    {"switch", 0, 0, G_OPTION_ARG_FILENAME, &new_args.switch_name,
     N_("Connect a network adapter to this virtual switch"), N_("SWITCH")},
    {"secure-boot", 0, 0, G_OPTION_ARG_FILENAME, &new_args.secure_boot,
     N_("Secure Boot (Generation 2; on by default)"), "on|off"},
    {"secure-boot-template", 0, 0, G_OPTION_ARG_FILENAME, &new_args.secure_boot_template,
     N_("Secure Boot's template: microsoft-windows (the default), microsoft-uefi-ca or "
        "open-source (Generation 2)"),
     N_("TEMPLATE")},
    {"tpm", 0, 0, G_OPTION_ARG_NONE, &new_args.tpm, N_("A virtual TPM (Generation 2)"), NULL},
    {"dynamic-memory", 0, 0, G_OPTION_ARG_NONE, &new_args.dynamic_memory,
     N_("Dynamic memory, from 512M (or less, if the startup memory is) up to 1T"), NULL},
    {"start", 0, 0, G_OPTION_ARG_NONE, &new_args.start, N_("Start the VM once it is defined"),
     NULL},
    {"print-xml", 0, 0, G_OPTION_ARG_NONE, &new_args.print_xml,
     N_("Print the definition instead of defining it (nothing is created)"), NULL},
    G_OPTION_ENTRY_NULL,
};

/* --dvd, --floppy or --network-boot, which is the installation choice; @path made absolute
 * (berthd has no working directory of ours). */
static void
set_install(BerthCliNewOptions *options, HvxNewVmInstall install, const char *path)
{
    options->vm.install = install;
    g_free(options->media);
    options->media = path != NULL ? g_canonicalize_filename(path, NULL) : NULL;
    options->vm.install_path = options->media;
}

/* Parses the options; FALSE with *ret_exit set when the command ends here. */
static gboolean
parse_options(const BerthCliCommand *command, int argc, char **argv, BerthCliNewOptions *options,
              int *ret_exit)
{
    g_auto(GStrv) args = berth_cli_parse_args(command, argc, argv, ret_exit);
    HvxNewVm *vm = &options->vm;

    if (args == NULL)
        return FALSE;
    *ret_exit = 1;
    if (new_args.name == NULL || new_args.generation == NULL) {
        *ret_exit = berth_cli_usage_error(command, _("--name and --generation are required"));
        return FALSE;
    }
    if (new_args.disk != NULL && new_args.new_disk != NULL) {
        *ret_exit = berth_cli_usage_error(command, _("use either --disk or --new-disk, not both"));
        return FALSE;
    }
    if (new_args.new_disk != NULL && new_args.size == NULL) {
        *ret_exit = berth_cli_usage_error(command, _("--new-disk needs --size, e.g. --size 40G"));
        return FALSE;
    }
    if (new_args.size != NULL && new_args.new_disk == NULL) {
        *ret_exit = berth_cli_usage_error(command, _("--size goes with --new-disk"));
        return FALSE;
    }
    if ((new_args.dvd != NULL) + (new_args.floppy != NULL) + (new_args.network_boot != FALSE) > 1) {
        *ret_exit =
            berth_cli_usage_error(command, _("use only one of --dvd, --floppy and --network-boot"));
        return FALSE;
    }
    if (new_args.print_xml && new_args.start) {
        *ret_exit = berth_cli_usage_error(
            command, _("--print-xml only prints the definition: leave out --start"));
        return FALSE;
    }

    hvx_new_vm_init(vm, new_args.name, 0);
    if (g_str_equal(new_args.generation, "1"))
        vm->generation = 1;
    else if (g_str_equal(new_args.generation, "2"))
        vm->generation = 2;
    else {
        berth_cli_error("new", _("unknown generation “%s”: use 1 or 2"), new_args.generation);
        return FALSE;
    }
    if (new_args.memory != NULL &&
        !parse_memory(new_args.memory, &vm->memory_unit, &vm->memory_startup)) {
        berth_cli_error("new", _("--memory “%s” is not a size, e.g. 2048M or 2G"), new_args.memory);
        return FALSE;
    }
    if (new_args.processors != NULL) {
        guint64 count;

        if (!g_ascii_string_to_unsigned(new_args.processors, 10, 1, G_MAXUINT32, &count, NULL)) {
            berth_cli_error("new", _("--processors “%s” is not a positive number"),
                            new_args.processors);
            return FALSE;
        }
        vm->processors = (guint)count;
    }
    /* berthd has no working directory of ours. */
    if (new_args.disk != NULL)
        options->disk = g_canonicalize_filename(new_args.disk, NULL);
    if (new_args.new_disk != NULL)
        options->new_disk = g_canonicalize_filename(new_args.new_disk, NULL);
    vm->disk_path = options->disk != NULL ? options->disk : options->new_disk;
    if (new_args.size != NULL && !berth_cli_parse_size(new_args.size, &options->size)) {
        berth_cli_error("new", _("--size “%s” is not a size, e.g. 40G"), new_args.size);
        return FALSE;
    }
    if (new_args.dvd != NULL)
        set_install(options, HVX_NEW_VM_INSTALL_DVD, new_args.dvd);
    else if (new_args.floppy != NULL)
        set_install(options, HVX_NEW_VM_INSTALL_FLOPPY, new_args.floppy);
    else if (new_args.network_boot)
        set_install(options, HVX_NEW_VM_INSTALL_NETWORK, NULL);
    vm->switch_name = new_args.switch_name;
    if (new_args.secure_boot != NULL) {
        if (g_str_equal(new_args.secure_boot, "on"))
            vm->secure_boot = TRUE;
        else if (g_str_equal(new_args.secure_boot, "off"))
            vm->secure_boot = FALSE;
        else {
            berth_cli_error("new", _("--secure-boot wants “on” or “off”, not “%s”"),
                            new_args.secure_boot);
            return FALSE;
        }
    }
    if (new_args.secure_boot_template != NULL) {
        vm->secure_boot_template = hvx_firmware_template_from_string(new_args.secure_boot_template);
        if (vm->secure_boot_template == -1) {
            g_autofree char *names = g_strjoinv(", ", (char **)hvx_firmware_template_names());

            /* Translators: the last %s lists the templates, e.g. "open-source, …". */
            berth_cli_error("new", _("unknown Secure Boot template “%s”: use one of %s"),
                            new_args.secure_boot_template, names);
            return FALSE;
        }
    }
    vm->tpm = new_args.tpm;
    vm->dynamic_memory = new_args.dynamic_memory;
    options->start = new_args.start;
    options->print_xml = new_args.print_xml;
    return TRUE;
}

/* The new disk's format from its extension, as berthd's CreateDisk names them. */
static const char *
disk_format_for_path(const char *path)
{
    g_autofree char *lower = g_ascii_strdown(path, -1);

    if (g_str_has_suffix(lower, ".vhd"))
        return "vhd";
    if (g_str_has_suffix(lower, ".qcow2"))
        return "qcow2";
    if (g_str_has_suffix(lower, ".img") || g_str_has_suffix(lower, ".raw"))
        return "raw";
    return "vhdx";
}

static int
create_disk(GDBusConnection *connection, BerthDBusHost *host, const BerthCliNewOptions *options)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *job = NULL;
    GVariantBuilder builder;

    g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&builder, "{sv}", "format",
                          g_variant_new_string(disk_format_for_path(options->new_disk)));
    g_variant_builder_add(&builder, "{sv}", "size-bytes", g_variant_new_uint64(options->size));
    if (!berth_dbus_host_call_create_disk_sync(host, options->new_disk,
                                               g_variant_builder_end(&builder), &job, NULL, &error))
        return berth_cli_fail("new", error);
    return berth_cli_wait_for_job(connection, "new", job);
}

/* --print-xml: the definition, checked as berthd would check it, on stdout. */
static int
print_definition(const char *xml)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HvxVmDef) checked = hvx_vm_def_parse_string(xml, -1, "vm.xml", &error);

    if (checked == NULL)
        return berth_cli_fail_invalid_definition("new", "vm.xml", NULL, error);
    fputs(xml, stdout);
    return 0;
}

static int
run_new(const BerthCliCommand *command, int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(BerthDBusHost) host = NULL;
    g_autoptr(BerthDBusVirtualMachine) vm = NULL;
    g_autoptr(HvxVmDef) def = NULL;
    g_auto(BerthCliNewOptions) options = {0};
    g_autofree char *xml = NULL;
    g_autofree char *path = NULL;
    int exit_status;

    if (!parse_options(command, argc, argv, &options, &exit_status))
        return exit_status;
    def = hvx_new_vm_build(&options.vm, &error);
    if (def == NULL) {
        berth_cli_error("new", "%s", error->message);
        return 1;
    }
    xml = hvx_vm_def_format(def);
    if (options.print_xml)
        return print_definition(xml);

    connection = berth_cli_connect(&error);
    if (connection == NULL)
        return berth_cli_fail("new", error);
    host = berth_client_get_host_sync(connection, NULL, &error);
    if (host == NULL)
        return berth_cli_fail("new", error);
    if (!berth_dbus_host_call_define_virtual_machine_sync(host, xml, &path, NULL, &error)) {
        /* Checked under the name "vm.xml", as print_definition() does; it came from options. */
        if (g_error_matches(error, BERTH_ERROR, BERTH_ERROR_INVALID_DEFINITION))
            return berth_cli_fail_invalid_definition("new", "vm.xml", NULL, error);
        return berth_cli_fail("new", error);
    }
    vm = berth_client_get_vm_sync(connection, path, NULL, &error);
    if (vm == NULL)
        return berth_cli_fail("new", error);

    /* Defined first, so berthd's validation speaks before a disk is written; a disk that cannot
     * be made takes the new definition with it. */
    if (options.new_disk != NULL && create_disk(connection, host, &options) != 0) {
        berth_dbus_virtual_machine_call_delete_sync(vm, FALSE, NULL, NULL);
        return 1;
    }
    /* Translators: "Defined “Web server” (6f1c2a3e-…)". */
    printf(_("Defined “%s” (%s)\n"), berth_dbus_virtual_machine_get_name(vm),
           berth_dbus_virtual_machine_get_uuid(vm));
    fflush(stdout);
    if (!options.start)
        return 0;
    /* The VM proxy waits as long as the guest's start takes (BERTH_CLIENT_VM_TIMEOUT_MS). */
    if (!berth_dbus_virtual_machine_call_start_sync(vm, NULL, &error))
        return berth_cli_fail("new", error);
    return 0;
}

const BerthCliCommand berth_cli_command_new = {
    .name = "new",
    .run = run_new,
    .summary = N_("Create a VM from options, like Hyper-V's New-VM"),
    .options = new_options,
    .description =
        N_("Defines a VM like Hyper-V's New-VM and New Virtual Machine Wizard.\nGeneration 1: the "
           "disk on IDE 0, a DVD drive on IDE 1 (empty unless --dvd) and a floppy\ndrive (empty "
           "unless --floppy). Generation 2: the disk on SCSI 0 at location 0; with\n--dvd, the "
           "DVD drive at 1. Relative paths are taken from the current directory."),
};
