/* hvd-serial-tail.h: follows the end of a COM port's log file and says what was added.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HVD_TYPE_SERIAL_TAIL (hvd_serial_tail_get_type())
G_DECLARE_FINAL_TYPE(HvdSerialTail, hvd_serial_tail, HVD, SERIAL_TAIL, GObject)

/* Follows @path from its current end (a missing file counts as empty). Emits
 * HvdSerialTail::output(GBytes *data, guint64 offset) for every new run of bytes, @offset being
 * where @data starts in the file, so consecutive emissions are contiguous. */
HvdSerialTail *hvd_serial_tail_new(const char *path);

/* Reads what was added since the last emission now, instead of at the next change event. */
void hvd_serial_tail_poll(HvdSerialTail *self);

/* Where the next emission starts. */
guint64 hvd_serial_tail_get_offset(HvdSerialTail *self);

G_END_DECLS
