/* mgr-stack.h: showing one page of a GtkStack.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shows the page called @name and hides the others (visible = FALSE), so assistive technologies
 * and keyboard navigation see only the page on screen, not every page the stack holds. */
void mgr_stack_show_only(GtkStack *stack, const char *name);

G_END_DECLS
