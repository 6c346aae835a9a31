/* fake-qmp-monitor.h: a scripted QMP peer for testing HvdQmpClient (the idea of libvirt's
 * qemumonitortestutils): it runs in its own thread with blocking I/O, plays its script step by
 * step and records where the client did not behave as the script expected.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
    FAKE_STEP_SEND,   /* write text (one write); "@N@" becomes the id of the Nth command seen */
    FAKE_STEP_EXPECT, /* read one command: its name, optional arguments, optional fd */
    FAKE_STEP_SLEEP,  /* pause, e.g. between the parts of a split reply */
    FAKE_STEP_CLOSE,  /* hang up (the script ends there) */
    FAKE_STEP_HOLD,   /* wait for fake_monitor_release(): orders the script after the test */
} FakeStepKind;

/* Steps are compound literals: scripts are local arrays. */
typedef struct {
    FakeStepKind kind;
    const char *text;    /* SEND */
    const char *command; /* EXPECT */
    const char *args;    /* EXPECT: JSON the arguments must equal, or NULL for "any" */
    gboolean want_fd;    /* EXPECT: an fd must come with the command */
    guint ms;            /* SLEEP */
} FakeStep;

#define FAKE_SEND(t)           ((FakeStep){.kind = FAKE_STEP_SEND, .text = (t)})
#define FAKE_EXPECT(c)         ((FakeStep){.kind = FAKE_STEP_EXPECT, .command = (c)})
#define FAKE_EXPECT_ARGS(c, a) ((FakeStep){.kind = FAKE_STEP_EXPECT, .command = (c), .args = (a)})
#define FAKE_EXPECT_FD(c, a) \
    ((FakeStep){.kind = FAKE_STEP_EXPECT, .command = (c), .args = (a), .want_fd = TRUE})
#define FAKE_SLEEP(n)       ((FakeStep){.kind = FAKE_STEP_SLEEP, .ms = (n)})
#define FAKE_CLOSE          ((FakeStep){.kind = FAKE_STEP_CLOSE})
#define FAKE_HOLD           ((FakeStep){.kind = FAKE_STEP_HOLD})
#define FAKE_REPLY(n, json) FAKE_SEND("{\"return\": " json ", \"id\": \"@" #n "@\"}\r\n")

#define FAKE_GREETING_TEXT                                                            \
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, " \
    "\"package\": \"fake 7.2\"}, \"capabilities\": [\"oob\"]}}\r\n"

/* Greeting, then qmp_capabilities (command 1) and its reply. */
#define FAKE_HANDSHAKE \
    FAKE_SEND(FAKE_GREETING_TEXT), FAKE_EXPECT("qmp_capabilities"), FAKE_REPLY(1, "{}")

typedef struct _FakeMonitor FakeMonitor;

FakeMonitor *fake_monitor_new(const FakeStep *script, guint n_steps, guint delay_ms);
FakeMonitor *fake_monitor_new_socketpair(const FakeStep *script, guint n_steps,
                                         GSocket **ret_client);
const char *fake_monitor_get_path(FakeMonitor *monitor);
guint fake_monitor_get_steps_done(FakeMonitor *monitor);
void fake_monitor_release(FakeMonitor *monitor);
int fake_monitor_steal_fd(FakeMonitor *monitor);
void fake_monitor_finish(FakeMonitor *monitor);
void fake_monitor_free(FakeMonitor *monitor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FakeMonitor, fake_monitor_free)

G_END_DECLS
