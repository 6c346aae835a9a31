/* mgr-test-util.h: what the manager's GUI tests share: the client, the main loop, template
 * children, screenshots and the berth CLI (see berthtest.py session for the world they run in).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mgr-client.h"

G_BEGIN_DECLS

/* GTK + libadwaita for a test; FALSE (after printing a TAP skip plan) without a display. */
gboolean mgr_test_init(int *argc, char ***argv);
MgrClient *mgr_test_client(void);

/* Runs the main loop for @ms milliseconds. */
void mgr_test_spin(guint ms);
/* Runs the main loop until @done returns TRUE or @timeout_ms pass; returns the last answer. */
gboolean mgr_test_wait(gboolean (*done)(gpointer data), gpointer data, guint timeout_ms);

/* A template child of @widget (of class @type) by its id; fails the test when missing. */
gpointer mgr_test_child(gpointer widget, GType type, const char *id);
/* Sets an entry's text, a spin button's value, a check button's state, like typing/clicking. */
void mgr_test_type(gpointer widget, GType type, const char *id, const char *text);
void mgr_test_set_value(gpointer widget, GType type, const char *id, double value);
void mgr_test_toggle(gpointer widget, GType type, const char *id, gboolean active);
/* Activates a widget action (what a button press does) and asserts it was enabled. */
void mgr_test_activate(gpointer widget, const char *action);
/* Whether a child (e.g. a button bound to an action) can be used right now. */
gboolean mgr_test_sensitive(gpointer widget, GType type, const char *id);
/* The text of a label child when visible, else NULL. */
const char *mgr_test_reason(gpointer widget, GType type, const char *id);

/* The AdwMessageDialog shown on top of @parent, if any. */
AdwMessageDialog *mgr_test_message_dialog(gpointer parent);

/* Saves a PNG of @window as ARTIFACTS/NAME.png (BERTH_TEST_ARTIFACTS, else the session's
 * temporary folder): a picture for people, which no test compares (see tests/README.md). */
void mgr_test_screenshot(gpointer window, const char *name);

/* Runs "berth --connect ADDRESS ARGS…"; returns its stdout, or NULL when it failed (the
 * stderr then in @ret_stderr when given). */
char *mgr_test_berth(char **ret_stderr, const char *first, ...) G_GNUC_NULL_TERMINATED;
/* The same with the arguments in a NULL-terminated array; without BERTH_BUS_ADDRESS, no
 * --connect (for what needs no berthd, e.g. "berth new --print-xml"). */
char *mgr_test_berth_argv(char **ret_stderr, const char *const *args);

/* A scratch folder inside the session's temporary folder. */
char *mgr_test_scratch(const char *name);

/* Whether the window @window is gone (destroyed). */
gboolean mgr_test_window_gone(gpointer weak_pointer_location);

G_END_DECLS
