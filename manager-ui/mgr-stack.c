/* mgr-stack.c: GTK 4.8 reports the pages a GtkStack does not show as visible to AT-SPI; hiding
 * them keeps screen readers (and the tests that drive the app through AT-SPI) on the page that
 * is really there.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mgr-stack.h"

void
mgr_stack_show_only(GtkStack *stack, const char *name)
{
    GtkWidget *shown;

    g_return_if_fail(GTK_IS_STACK(stack));

    shown = gtk_stack_get_child_by_name(stack, name);
    g_return_if_fail(shown != NULL);
    gtk_widget_set_visible(shown, TRUE);
    gtk_stack_set_visible_child(stack, shown);
    for (GtkWidget *child = gtk_widget_get_first_child(GTK_WIDGET(stack)); child != NULL;
         child = gtk_widget_get_next_sibling(child))
        if (child != shown)
            gtk_widget_set_visible(child, FALSE);
}
