/* hvd-qemu-argv.h: the one place that turns a VM definition into QEMU's command line.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "hvd-accel.h"
#include "hvx-vm-def.h"

G_BEGIN_DECLS

typedef enum {
    HVD_QEMU_NET_NONE, /* adapter present, cable unplugged (no switch or switch missing) */
    HVD_QEMU_NET_USER, /* user-mode networking (session mode without bridge privileges) */
    HVD_QEMU_NET_TAP,  /* a tap on the switch's bridge, handed to QEMU as a file descriptor */
} HvdQemuNetType;

/* How one <network-adapter> is connected; one per adapter, in definition order. */
typedef struct {
    HvdQemuNetType type;
    char *mac;    /* resolved, never "dynamic" */
    int tap_fd;   /* HVD_QEMU_NET_TAP: the fd number QEMU inherits */
    int vhost_fd; /* HVD_QEMU_NET_TAP: a /dev/vhost-net fd number, or -1 */
} HvdQemuNet;

/* Everything the command line depends on besides the definition. The builder reads no files,
 * so the same input always gives the same argv (golden-tested). */
typedef struct {
    const HvxVmDef *def;
    const char *qemu_binary;
    const char *vm_dir;      /* relative paths in the definition resolve here */
    const char *runtime_dir; /* qmp.sock, spice.sock, qga.sock, com*.sock|in, qemu.pid */
    HvdAccel accel;
    /* Hyper-V flags the host's QEMU accepts (see the probe); NULL = none. */
    const char *const *hyperv_flags_accepted;
    /* Generation 2: OVMF code (read-only) and this VM's own copy of the variables. */
    const char *firmware_code;
    const char *firmware_vars;
    const char *tpm_socket;   /* swtpm's control socket when the VM has a TPM */
    GPtrArray *nets;          /* of HvdQemuNet, one per adapter; NULL = all unplugged */
    guint usb_redir_channels; /* 0 = the default, 4 */
    gboolean incoming;        /* restore a saved state: -incoming defer */
} HvdQemuConfig;

void hvd_qemu_net_free(HvdQemuNet *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvdQemuNet, hvd_qemu_net_free)

/* The hv-* flags berthd asks for when <processor hyperv-enlightenments="true">, in order. */
const char *const *hvd_qemu_hyperv_flags_wanted(void);

/* QEMU's block driver for a disk or image file, from its name: vhdx, vpc (VHD), qcow2 or raw. */
const char *hvd_qemu_block_driver_for_path(const char *path);

/* A COM port's log in the VM's folder ("serial.log" for COM1, "serialN.log" for the others),
 * and the FIFO in the runtime folder that berthd writes its input to ("comN.in"). */
char *hvd_qemu_com_log_name(guint port);
char *hvd_qemu_com_input_name(guint port);

/* Resolves a definition path against the VM's folder. */
char *hvd_qemu_resolve_path(const char *vm_dir, const char *path);

/* The argv (NULL-terminated GPtrArray of strings), or NULL with @error when the configuration
 * lacks something the definition needs (firmware for Generation 2, the TPM socket, …). */
GPtrArray *hvd_qemu_argv_build(const HvdQemuConfig *config, GError **error);

G_END_DECLS
