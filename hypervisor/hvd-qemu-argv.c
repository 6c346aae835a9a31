/* hvd-qemu-argv.c: the one place that turns a VM definition into QEMU's command line.
 *
 * The layout follows DESIGN.md's Generations table: Generation 1 is an i440fx PC with SeaBIOS,
 * IDE for the boot disk and DVD and emulated devices; Generation 2 is a q35 PC with OVMF,
 * virtio-scsi and synthetic devices only. Both get the same console plumbing: SPICE on a unix
 * socket (never TCP), an absolute pointer so a GTK4 client can use client mouse mode, HDA audio on
 * the spice backend, xHCI with usb-redir channels, and the vdagent and guest-agent ports.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "hvd-disk.h"
#include "hvd-error.h"
#include "hvd-qemu-argv.h"

#define DEFAULT_USB_REDIR_CHANNELS 4

static const char *const hyperv_flags_wanted[] = {
    "hv-relaxed", "hv-vapic", "hv-spinlocks=0x1fff", "hv-vpindex", "hv-runtime",  "hv-synic",
    "hv-stimer",  "hv-time",  "hv-frequencies",      "hv-reset",   "hv-tlbflush", "hv-ipi",
    NULL,
};

const char *const *
hvd_qemu_hyperv_flags_wanted(void)
{
    return hyperv_flags_wanted;
}

void
hvd_qemu_net_free(HvdQemuNet *net)
{
    if (net == NULL)
        return;
    g_free(net->mac);
    g_free(net);
}

const char *
hvd_qemu_block_driver_for_path(const char *path)
{
    /* hvd-disk's table of extensions; anything else (an ISO, a floppy image) is raw. */
    HvdDiskFormat format = HVD_DISK_FORMAT_RAW;

    hvd_disk_format_from_extension(path, &format);
    return hvd_disk_format_to_qemu(format);
}

char *
hvd_qemu_resolve_path(const char *vm_dir, const char *path)
{
    if (g_path_is_absolute(path))
        return g_strdup(path);
    return g_build_filename(vm_dir, path, NULL);
}

/* QemuOpts values double their commas. */
static char *
opt_escape(const char *value)
{
    g_auto(GStrv) parts = g_strsplit(value, ",", -1);

    return g_strjoinv(",,", parts);
}

static void
add(GPtrArray *argv, const char *arg)
{
    g_ptr_array_add(argv, g_strdup(arg));
}

static void
add_pair(GPtrArray *argv, const char *option, const char *value)
{
    add(argv, option);
    add(argv, value);
}

G_GNUC_PRINTF(3, 4)
static void
add_pairf(GPtrArray *argv, const char *option, const char *format, ...)
{
    va_list args;

    add(argv, option);
    va_start(args, format);
    g_ptr_array_add(argv, g_strdup_vprintf(format, args));
    va_end(args);
}

/* -blockdev in JSON form, so no path needs QemuOpts escaping. */
static void
add_blockdev(GPtrArray *argv, const char *node_name, const char *filename, gboolean read_only)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "node-name");
    json_builder_add_string_value(builder, node_name);
    json_builder_set_member_name(builder, "driver");
    json_builder_add_string_value(builder, hvd_qemu_block_driver_for_path(filename));
    json_builder_set_member_name(builder, "read-only");
    json_builder_add_boolean_value(builder, read_only);
    json_builder_set_member_name(builder, "file");
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "driver");
    json_builder_add_string_value(builder, "file");
    json_builder_set_member_name(builder, "filename");
    json_builder_add_string_value(builder, filename);
    json_builder_set_member_name(builder, "read-only");
    json_builder_add_boolean_value(builder, read_only);
    json_builder_end_object(builder);
    json_builder_end_object(builder);
    root = json_builder_get_root(builder);
    add(argv, "-blockdev");
    g_ptr_array_add(argv, json_to_string(root, FALSE));
}

/* Boot order: the first device of each kind gets the next bootindex, in the definition's order. */
typedef struct {
    guint next;
    gboolean used[HVX_BOOT_DEVICE_LAST];
} BootIndex;

static guint
boot_index_take(BootIndex *boot, const HvxVmDef *def, HvxBootDevice kind)
{
    if (boot->used[kind])
        return 0;
    for (guint i = 0; i < def->boot_order->len; i++) {
        if (g_array_index(def->boot_order, HvxBootDevice, i) == kind) {
            boot->used[kind] = TRUE;
            return i + 1;
        }
    }
    return 0;
}

static char *
bootindex_suffix(guint index)
{
    return index > 0 ? g_strdup_printf(",bootindex=%u", index) : g_strdup("");
}

static void
add_machine(GPtrArray *argv, const HvdQemuConfig *config)
{
    const HvxVmDef *def = config->def;
    const char *accel = hvd_accel_to_string(config->accel);

    if (def->generation == 1) {
        add_pairf(argv, "-machine", "pc,accel=%s,usb=off,vmport=off", accel);
    } else {
        add_pairf(argv, "-machine", "q35,accel=%s,usb=off,vmport=off,smm=%s", accel,
                  def->secure_boot ? "on" : "off");
        if (def->secure_boot)
            add_pair(argv, "-global", "driver=cfi.pflash01,property=secure,value=on");
    }
}

static void
add_cpu(GPtrArray *argv, const HvdQemuConfig *config)
{
    const HvxVmDef *def = config->def;
    g_autoptr(GString) cpu = g_string_new(config->accel == HVD_ACCEL_KVM ? "host" : "max");

    if (def->hyperv_enlightenments && config->hyperv_flags_accepted != NULL) {
        for (guint i = 0; hyperv_flags_wanted[i] != NULL; i++) {
            if (g_strv_contains(config->hyperv_flags_accepted, hyperv_flags_wanted[i]))
                g_string_append_printf(cpu, ",%s", hyperv_flags_wanted[i]);
        }
    }
    add_pair(argv, "-cpu", cpu->str);
    add_pairf(argv, "-smp", "%u", def->processor_count);
    add_pairf(argv, "-m", "size=%" G_GUINT64_FORMAT "M", hvx_vm_def_memory_startup_mib(def));
}

static gboolean
add_firmware(GPtrArray *argv, const HvdQemuConfig *config, GError **error)
{
    g_autofree char *code = NULL;
    g_autofree char *vars = NULL;

    if (config->def->generation == 1)
        return TRUE; /* SeaBIOS is QEMU's default */
    if (config->firmware_code == NULL || config->firmware_vars == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                    _("A Generation 2 virtual machine needs UEFI firmware (OVMF), and none was "
                      "found; install the Debian package “ovmf”"));
        return FALSE;
    }
    code = opt_escape(config->firmware_code);
    vars = opt_escape(config->firmware_vars);
    add_pairf(argv, "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=%s", code);
    add_pairf(argv, "-drive", "if=pflash,format=raw,unit=1,file=%s", vars);
    return TRUE;
}

static void
add_chardev_socket(GPtrArray *argv, const char *id, const char *runtime_dir, const char *name)
{
    g_autofree char *path = g_build_filename(runtime_dir, name, NULL);
    g_autofree char *escaped = opt_escape(path);

    add_pairf(argv, "-chardev", "socket,id=%s,path=%s,server=on,wait=off", id, escaped);
}

static void
add_control(GPtrArray *argv, const HvdQemuConfig *config)
{
    const HvxVmDef *def = config->def;
    g_autofree char *name = opt_escape(def->name);
    g_autofree char *pidfile = g_build_filename(config->runtime_dir, "qemu.pid", NULL);

    add_pairf(argv, "-name", "guest=%s,debug-threads=on", name);
    if (def->uuid != NULL)
        add_pair(argv, "-uuid", def->uuid);
    add(argv, "-no-user-config");
    add(argv, "-nodefaults");
    add_pair(argv, "-display", "none");
    add_pair(argv, "-sandbox",
             "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    add_pair(argv, "-pidfile", pidfile);
    add_chardev_socket(argv, "qmp", config->runtime_dir, "qmp.sock");
    add_pair(argv, "-mon", "chardev=qmp,mode=control");
    /* Windows keeps the RTC in local time; enlightenments are how a definition says "Windows". */
    add_pair(argv, "-rtc",
             def->hyperv_enlightenments ? "base=localtime,driftfix=slew"
                                        : "base=utc,driftfix=slew");
    add_pair(argv, "-boot", "strict=on");
}

static const char *
scsi_controller_id(guint number)
{
    static const char *const ids[] = {"scsi0", "scsi1", "scsi2", "scsi3"};

    g_assert(number < G_N_ELEMENTS(ids));
    return ids[number];
}

static void
add_drive(GPtrArray *argv, const HvdQemuConfig *config, const HvxControllerDef *controller,
          const HvxDriveDef *drive, BootIndex *boot)
{
    const gboolean ide = controller->type == HVX_CONTROLLER_IDE;
    const gboolean dvd = drive->type == HVX_DRIVE_DVD;
    g_autofree char *node =
        g_strdup_printf("%s%u-%u", ide ? "ide" : "scsi", controller->number, drive->location);
    g_autofree char *bootindex = bootindex_suffix(
        boot_index_take(boot, config->def, dvd ? HVX_BOOT_DEVICE_DVD : HVX_BOOT_DEVICE_DISK));
    g_autofree char *drive_opt = NULL;

    if (drive->path != NULL) {
        g_autofree char *path = hvd_qemu_resolve_path(config->vm_dir, drive->path);

        add_blockdev(argv, node, path, dvd);
        drive_opt = g_strdup_printf(",drive=%s", node);
    } else {
        drive_opt = g_strdup(""); /* an empty DVD drive */
    }
    if (ide)
        add_pairf(argv, "-device", "%s,id=%s-dev,bus=ide.%u,unit=%u%s%s", dvd ? "ide-cd" : "ide-hd",
                  node, controller->number, drive->location, drive_opt, bootindex);
    else
        add_pairf(argv, "-device", "%s,id=%s-dev,bus=%s.0,channel=0,scsi-id=%u,lun=0%s%s",
                  dvd ? "scsi-cd" : "scsi-hd", node, scsi_controller_id(controller->number),
                  drive->location, drive_opt, bootindex);
}

static void
add_storage(GPtrArray *argv, const HvdQemuConfig *config, BootIndex *boot)
{
    const HvxVmDef *def = config->def;

    for (guint i = 0; i < def->controllers->len; i++) {
        const HvxControllerDef *controller = g_ptr_array_index(def->controllers, i);

        if (controller->type == HVX_CONTROLLER_SCSI)
            add_pairf(argv, "-device", "virtio-scsi-pci,id=%s",
                      scsi_controller_id(controller->number));
        for (guint j = 0; j < controller->drives->len; j++)
            add_drive(argv, config, controller, g_ptr_array_index(controller->drives, j), boot);
    }
    if (def->generation == 1 && def->has_floppy) {
        /* The PC's built-in floppy controller holds the boot index, not the drive. */
        guint index = boot_index_take(boot, def, HVX_BOOT_DEVICE_FLOPPY);

        if (def->floppy_path != NULL) {
            g_autofree char *path = hvd_qemu_resolve_path(config->vm_dir, def->floppy_path);

            add_blockdev(argv, "fd0", path, FALSE);
            add_pair(argv, "-device", "floppy,id=fd0-dev,unit=0,drive=fd0");
        } else {
            add_pair(argv, "-device", "floppy,id=fd0-dev,unit=0");
        }
        if (index > 0)
            add_pairf(argv, "-global", "isa-fdc.bootindexA=%u", index);
    }
}

static void
add_network(GPtrArray *argv, const HvdQemuConfig *config, BootIndex *boot)
{
    const HvxVmDef *def = config->def;

    for (guint i = 0; i < def->network_adapters->len; i++) {
        const HvxNetworkAdapterDef *adapter = g_ptr_array_index(def->network_adapters, i);
        const HvdQemuNet *net =
            config->nets && i < config->nets->len ? g_ptr_array_index(config->nets, i) : NULL;
        const HvdQemuNetType type = net ? net->type : HVD_QEMU_NET_NONE;
        const char *model = adapter->legacy ? "tulip" : "virtio-net-pci";
        g_autofree char *bootindex =
            bootindex_suffix(boot_index_take(boot, def, HVX_BOOT_DEVICE_NETWORK));
        g_autofree char *mac =
            net && net->mac ? g_strdup_printf(",mac=%s", net->mac) : g_strdup("");

        switch (type) {
        case HVD_QEMU_NET_TAP:
            if (net->vhost_fd >= 0)
                add_pairf(argv, "-netdev", "tap,id=net%u,fd=%d,vhost=on,vhostfd=%d", i, net->tap_fd,
                          net->vhost_fd);
            else
                add_pairf(argv, "-netdev", "tap,id=net%u,fd=%d", i, net->tap_fd);
            break;
        case HVD_QEMU_NET_USER:
            add_pairf(argv, "-netdev", "user,id=net%u", i);
            break;
        case HVD_QEMU_NET_NONE:
        default:
            break;
        }
        if (type == HVD_QEMU_NET_NONE)
            /* No backend: the adapter is there with its cable unplugged (tulip has no link
             * property; with no peer nothing reaches it either). */
            add_pairf(argv, "-device", "%s,id=net%u-dev%s%s%s", model, i, mac,
                      adapter->legacy ? "" : ",status=off", bootindex);
        else
            add_pairf(argv, "-device", "%s,id=net%u-dev,netdev=net%u%s%s", model, i, i, mac,
                      bootindex);
    }
}

char *
hvd_qemu_com_log_name(guint port)
{
    return port == 1 ? g_strdup("serial.log") : g_strdup_printf("serial%u.log", port);
}

char *
hvd_qemu_com_input_name(guint port)
{
    return g_strdup_printf("com%u.in", port);
}

static void
add_serial(GPtrArray *argv, const HvdQemuConfig *config)
{
    const HvxVmDef *def = config->def;

    for (guint i = 0; i < def->com_ports->len; i++) {
        const HvxComDef *com = g_ptr_array_index(def->com_ports, i);
        g_autofree char *id = g_strdup_printf("com%u", com->port);
        g_autofree char *socket = g_strdup_printf("com%u.sock", com->port);
        g_autofree char *log_name = hvd_qemu_com_log_name(com->port);
        g_autofree char *log = com->log ? g_build_filename(config->vm_dir, log_name, NULL) : NULL;

        if (log != NULL) {
            g_autofree char *escaped_log = opt_escape(log);

            /* A file: QEMU's own log of a socket doubles a byte whenever the socket is full
             * (it logs the byte, then again when it retries), a file write never fails. berthd
             * adds the input (a FIFO) with chardev-change once QMP answers
             * (hvd_vm_runner_start_io), as 7.2's -chardev file has no "in". */
            add_pairf(argv, "-chardev", "file,id=%s,path=%s,append=on", id, escaped_log);
        } else {
            add_chardev_socket(argv, id, config->runtime_dir, socket);
        }
        add_pairf(argv, "-device", "isa-serial,id=%s-dev,chardev=%s,index=%u", id, id,
                  com->port - 1);
    }
}

static gboolean
add_tpm(GPtrArray *argv, const HvdQemuConfig *config, GError **error)
{
    g_autofree char *socket = NULL;

    if (config->def->generation != 2 || !config->def->tpm)
        return TRUE;
    if (config->tpm_socket == NULL) {
        g_set_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED,
                    _("This virtual machine has a TPM, which needs swtpm; install the Debian "
                      "package “swtpm”"));
        return FALSE;
    }
    socket = opt_escape(config->tpm_socket);
    add_pairf(argv, "-chardev", "socket,id=chrtpm,path=%s", socket);
    add_pair(argv, "-tpmdev", "emulator,id=tpm0,chardev=chrtpm");
    add_pair(argv, "-device", "tpm-crb,tpmdev=tpm0");
    return TRUE;
}

static void
add_console(GPtrArray *argv, const HvdQemuConfig *config)
{
    const HvxVmDef *def = config->def;
    g_autofree char *spice = g_build_filename(config->runtime_dir, "spice.sock", NULL);
    g_autofree char *spice_escaped = opt_escape(spice);
    guint channels =
        config->usb_redir_channels ? config->usb_redir_channels : DEFAULT_USB_REDIR_CHANNELS;

    if (def->display_adapter == HVX_DISPLAY_ADAPTER_VIRTIO_GPU)
        add_pair(argv, "-device", "virtio-vga,id=video0");
    else
        add_pair(argv, "-device", "qxl-vga,id=video0");
    add_pairf(argv, "-spice", "unix=on,addr=%s,disable-ticketing=on,seamless-migration=on",
              spice_escaped);

    add_pair(argv, "-audiodev", "spice,id=snd0");
    add_pair(argv, "-device", "ich9-intel-hda,id=sound0");
    add_pair(argv, "-device", "hda-duplex,id=sound0-codec0,bus=sound0.0,cad=0,audiodev=snd0");

    add_pair(argv, "-device", "qemu-xhci,id=xhci");
    add_pair(argv, "-device", "usb-tablet,id=input0,bus=xhci.0");
    for (guint i = 0; i < channels; i++) {
        add_pairf(argv, "-chardev", "spicevmc,id=usbredir%u,name=usbredir", i);
        add_pairf(argv, "-device", "usb-redir,id=usbredir%u-dev,chardev=usbredir%u,bus=xhci.0", i,
                  i);
    }

    add_pair(argv, "-device", "virtio-serial-pci,id=vioserial0");
    add_pair(argv, "-chardev", "spicevmc,id=vdagent,name=vdagent");
    add_pair(argv, "-device",
             "virtserialport,id=vdagent-port,bus=vioserial0.0,chardev=vdagent,"
             "name=com.redhat.spice.0");
    add_chardev_socket(argv, "qga0", config->runtime_dir, "qga.sock");
    add_pair(argv, "-device",
             "virtserialport,id=qga0-port,bus=vioserial0.0,chardev=qga0,"
             "name=org.qemu.guest_agent.0");
}

GPtrArray *
hvd_qemu_argv_build(const HvdQemuConfig *config, GError **error)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    BootIndex boot = {0};

    g_return_val_if_fail(config != NULL && config->def != NULL, NULL);
    g_return_val_if_fail(config->vm_dir != NULL && config->runtime_dir != NULL, NULL);

    add(argv, config->qemu_binary ? config->qemu_binary : "qemu-system-x86_64");
    add_control(argv, config);
    add_machine(argv, config);
    add_cpu(argv, config);
    if (!add_firmware(argv, config, error))
        return NULL;
    add_storage(argv, config, &boot);
    add_network(argv, config, &boot);
    add_serial(argv, config);
    if (!add_tpm(argv, config, error))
        return NULL;
    add_console(argv, config);
    if (config->def->memory_dynamic)
        add_pair(argv, "-device", "virtio-balloon-pci,id=balloon0,free-page-reporting=on");
    if (config->incoming)
        add_pair(argv, "-incoming", "defer");
    g_ptr_array_add(argv, NULL);
    return g_steal_pointer(&argv);
}
