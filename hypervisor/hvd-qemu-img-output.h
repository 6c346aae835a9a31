/* hvd-qemu-img-output.h: what qemu-img says, read for hvd-qemu-img (private).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Consumes the complete pieces (ended by \r or \n) of @buffer, what qemu-img printed:
 * "(NN.NN/100%)" sets *ret_percent (0..100) and returns TRUE; other non-empty lines are appended to
 * @messages, one per line. The incomplete tail stays in @buffer. */
gboolean hvd_qemu_img_output_parse(GString *buffer, double *ret_percent, GString *messages);

/* qemu-img's messages turned into one clear sentence naming @path (the file the user named),
 * in HVD_ERROR: in use, no space, missing, not a disk image, permission, else the last line. */
GError *hvd_qemu_img_output_error(const char *messages, const char *path);

G_END_DECLS
