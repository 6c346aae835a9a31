/* berthd.c: the Berth hypervisor service. Options and the main loop; the rest is libhvd.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "hvd-daemon.h"

static GLogLevelFlags berthd_max_level = G_LOG_LEVEL_INFO;

/* Everything at or above the chosen level goes to stderr (the journal, under systemd). */
static GLogWriterOutput
berthd_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
    GLogLevelFlags masked = level & G_LOG_LEVEL_MASK;

    /* Lower bits are more severe: ERROR 1<<2 … DEBUG 1<<7. */
    if (masked > berthd_max_level)
        return G_LOG_WRITER_HANDLED;
    if (g_log_writer_is_journald(fileno(stderr)) &&
        g_log_writer_journald(level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
        return G_LOG_WRITER_HANDLED;
    {
        g_autofree char *line = g_log_writer_format_fields(level, fields, n_fields, FALSE);

        fprintf(stderr, "%s\n", line);
    }
    return G_LOG_WRITER_HANDLED;
}

static gboolean
berthd_parse_log_level(const char *text)
{
    static const struct {
        const char *name;
        GLogLevelFlags level;
    } levels[] = {
        {"error", G_LOG_LEVEL_CRITICAL},
        {"warning", G_LOG_LEVEL_WARNING},
        {"info", G_LOG_LEVEL_INFO},
        {"debug", G_LOG_LEVEL_DEBUG},
    };

    for (guint i = 0; i < G_N_ELEMENTS(levels); i++) {
        if (g_str_equal(levels[i].name, text)) {
            berthd_max_level = levels[i].level;
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean
berthd_quit(gpointer user_data)
{
    g_info("Stopping (running VMs keep running)");
    g_main_loop_quit(user_data);
    return G_SOURCE_REMOVE;
}

static void
berthd_bus_closed(GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
                  gpointer user_data)
{
    g_warning(_("The bus connection closed: %s"), error != NULL ? error->message : "");
    g_main_loop_quit(user_data);
}

typedef struct {
    GMainLoop *loop;
    const char *bus;
    const char *state_dir;
    const char *runtime_dir;
    GError *error; /* why berthd could not start */
} BerthdStart;

static void
berthd_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    BerthdStart *start = user_data;

    if (!hvd_daemon_start_finish(HVD_DAEMON(source), result, &start->error)) {
        g_main_loop_quit(start->loop);
        return;
    }
    g_info("Serving %s on the %s bus; state in %s, runtime files in %s", BERTH_BUS_NAME, start->bus,
           start->state_dir, start->runtime_dir);
}

int
main(int argc, char **argv)
{
    g_autofree char *bus = NULL;
    g_autofree char *state_dir = NULL;
    g_autofree char *runtime_dir = NULL;
    g_autofree char *accel = NULL;
    g_autofree char *log_level = NULL;
    gboolean version = FALSE;
    HvdAccelMode accel_mode;
    gboolean system_bus;
    g_autoptr(GOptionContext) context = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) connection = NULL;
    g_autoptr(HvdDaemon) daemon = NULL;
    g_autoptr(GMainLoop) loop = NULL;
    BerthdStart start;
    const GOptionEntry entries[] = {
        {"bus", 0, 0, G_OPTION_ARG_STRING, &bus,
         N_("The bus to serve on: system, session or a D-Bus address (default: session)"),
         N_("BUS")},
        {"state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
         N_("Where definitions and VM files live (default: /var/lib/berth on the system bus, "
            "$XDG_DATA_HOME/berth otherwise)"),
         N_("DIR")},
        {"runtime-dir", 0, 0, G_OPTION_ARG_FILENAME, &runtime_dir,
         N_("Where the VMs' sockets live (default: /run/berth on the system bus, "
            "$XDG_RUNTIME_DIR/berth otherwise)"),
         N_("DIR")},
        {"accel", 0, 0, G_OPTION_ARG_STRING, &accel,
         N_("The accelerator: auto, kvm or tcg (default: $BERTH_ACCEL, else auto)"), N_("MODE")},
        {"log-level", 0, 0, G_OPTION_ARG_STRING, &log_level,
         N_("Log error, warning, info or debug messages and above (default: info)"), N_("LEVEL")},
        {"version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL},
        G_OPTION_ENTRY_NULL,
    };

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    context = g_option_context_new(NULL);
    g_option_context_set_summary(context, _("The Berth hypervisor service."));
    g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        fprintf(stderr, "berthd: %s\n", error->message);
        return 1;
    }
    if (version) {
        printf("berthd %s\n", BERTH_VERSION);
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "berthd: %s\n", _("unexpected arguments; see “berthd --help”"));
        return 1;
    }
    if (log_level != NULL && !berthd_parse_log_level(log_level)) {
        fprintf(stderr, "berthd: %s\n", _("--log-level must be error, warning, info or debug"));
        return 1;
    }
    g_log_set_writer_func(berthd_log_writer, NULL, NULL);

    if (accel == NULL)
        accel = g_strdup(g_getenv("BERTH_ACCEL"));
    if (accel == NULL || *accel == '\0') {
        accel_mode = HVD_ACCEL_MODE_AUTO;
    } else if (!hvd_accel_mode_from_string(accel, &accel_mode)) {
        fprintf(stderr, "berthd: %s\n", _("--accel must be auto, kvm or tcg"));
        return 1;
    }

    if (bus == NULL)
        bus = g_strdup("session");
    system_bus = g_str_equal(bus, "system");
    if (state_dir == NULL)
        state_dir = system_bus ? g_strdup("/var/lib/berth")
                               : g_build_filename(g_get_user_data_dir(), "berth", NULL);
    if (runtime_dir == NULL)
        runtime_dir = system_bus ? g_strdup("/run/berth")
                                 : g_build_filename(g_get_user_runtime_dir(), "berth", NULL);

    connection = hvd_daemon_connect_bus(bus, &error);
    if (connection == NULL) {
        g_prefix_error(&error, _("Cannot connect to the %s bus: "), bus);
        fprintf(stderr, "berthd: %s\n", error->message);
        return 1;
    }
    g_dbus_connection_set_exit_on_close(connection, FALSE);

    daemon = hvd_daemon_new(connection, system_bus, state_dir, runtime_dir, accel_mode);
    loop = g_main_loop_new(NULL, FALSE);
    start = (BerthdStart){loop, bus, state_dir, runtime_dir, NULL};
    hvd_daemon_start_async(daemon, berthd_started, &start);
    g_unix_signal_add(SIGTERM, berthd_quit, loop);
    g_unix_signal_add(SIGINT, berthd_quit, loop);
    g_signal_connect(connection, "closed", G_CALLBACK(berthd_bus_closed), loop);
    g_main_loop_run(loop);
    if (start.error != NULL) {
        g_dbus_error_strip_remote_error(start.error);
        fprintf(stderr, "berthd: %s\n", start.error->message);
        g_error_free(start.error);
        return 1;
    }
    hvd_daemon_stop(daemon);
    return 0;
}
