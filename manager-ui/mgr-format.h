/* mgr-format.h: how the manager words VM figures for people.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* berthd's state name ("Running") in the user's language. */
const char *mgr_format_state(const char *state);
/* "3 %"; "" when @state is not one where the VM uses CPU. */
char *mgr_format_cpu(double percent, const char *state);
/* "512 MiB", "1.5 GiB"; "" for 0. */
char *mgr_format_memory(guint64 bytes);
/* "00:00:43", "2.03:04:05" (days.hours:minutes:seconds, like Hyper-V); "" for 0. */
char *mgr_format_uptime(guint64 seconds);
/* A Unix time as the user's local date and time. */
char *mgr_format_time(gint64 unix_seconds);
/* Heartbeat property → words. */
const char *mgr_format_heartbeat(const char *heartbeat);

/* "Delete its virtual _hard disks too" → "Delete its virtual hard disks too". */
char *mgr_format_without_mnemonic(const char *label);

G_END_DECLS
