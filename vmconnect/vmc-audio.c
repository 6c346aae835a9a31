/* vmc-audio.c: the SPICE playback and record channels played and recorded through PulseAudio.
 *
 * libpulse runs on the GLib main loop (pa_glib_mainloop): no thread, no lock. The session must
 * have "enable-audio" set so the main channel creates the playback and record channels; this
 * object connects them itself (that is what an audio backend does in spice-client-glib) and
 * never calls spice_audio_get(), which would start the library's own GStreamer backend as well.
 *
 * Playback: one PulseAudio stream per announced format (playback-start), data written as it
 * arrives (held until the stream is ready), drained then corked on playback-stop, and the
 * stream's latency reported back to the server on playback-get-delay.
 *
 * Record: the stream is opened corked in advance, in the last (or likely) format, and only
 * uncorked on record-start, so the first second of speech is not spent connecting. Nothing is
 * captured unless the "microphone" property is on (the toolbar's toggle).
 *
 * Volume and mute follow the channels' properties both ways: the guest's mixer changes the
 * stream's volume, and a change a person makes in PulseAudio (pavucontrol) is written back into
 * the channel's properties.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib/gi18n-lib.h>
#include <pulse/glib-mainloop.h>
#include <pulse/pulseaudio.h>

#include "vmc-audio.h"

/* SPICE_AUDIO_FMT_S16 in spice-protocol: the only format a client is asked to play. */
#define SPICE_FMT_S16 1
/* What is held for a playback stream that is still connecting: about one second of audio. */
#define MAX_PENDING_BYTES (48000 * 2 * 2)
/* Target latency of the playback stream. */
#define PLAYBACK_LATENCY_USEC (100 * PA_USEC_PER_MSEC)

struct _VmcAudio {
    GObject parent_instance;

    SpiceSession *session;
    gboolean microphone;
    char *error_message;

    pa_glib_mainloop *loop;
    pa_context *context;

    SpicePlaybackChannel *playback;
    pa_stream *pstream;
    pa_sample_spec pspec;
    GByteArray *pending;
    gboolean playing;

    SpiceRecordChannel *record;
    pa_stream *rstream;
    pa_sample_spec rspec;
    gboolean recording;

    /* Set while this object writes a channel's volume/mute itself (no echo back to PA). */
    gboolean syncing;
};

G_DEFINE_FINAL_TYPE(VmcAudio, vmc_audio, G_TYPE_OBJECT)

enum { PROP_0, PROP_SESSION, PROP_MICROPHONE, PROP_AVAILABLE, PROP_ERROR_MESSAGE, N_PROPS };

static GParamSpec *properties[N_PROPS];

enum { SIGNAL_ERROR, N_SIGNALS };

static guint signals[N_SIGNALS];

static void open_record_stream(VmcAudio *self);
static void apply_volume(VmcAudio *self, SpiceChannel *channel);

/* ---- Helpers ------------------------------------------------------------------------------ */

static gboolean
context_ready(VmcAudio *self)
{
    return self->context != NULL && pa_context_get_state(self->context) == PA_CONTEXT_READY;
}

static gboolean
stream_ready(pa_stream *stream)
{
    return stream != NULL && pa_stream_get_state(stream) == PA_STREAM_READY;
}

static void
drop_stream(pa_stream **stream)
{
    if (*stream == NULL)
        return;
    pa_stream_set_state_callback(*stream, NULL, NULL);
    pa_stream_set_read_callback(*stream, NULL, NULL);
    if (pa_stream_get_state(*stream) == PA_STREAM_READY ||
        pa_stream_get_state(*stream) == PA_STREAM_CREATING)
        pa_stream_disconnect(*stream);
    pa_stream_unref(*stream);
    *stream = NULL;
}

static void
forget_operation(pa_operation *operation)
{
    if (operation != NULL)
        pa_operation_unref(operation);
}

static void
fail(VmcAudio *self, const char *message)
{
    if (g_strcmp0(self->error_message, message) == 0)
        return;
    g_free(self->error_message);
    self->error_message = g_strdup(message);
    g_message("%s", message);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_ERROR_MESSAGE]);
    g_signal_emit(self, signals[SIGNAL_ERROR], 0, message);
}

static gboolean
spec_from_spice(int format, int channels, int rate, pa_sample_spec *ret_spec)
{
    if (format != SPICE_FMT_S16 || channels < 1 || (guint)channels > PA_CHANNELS_MAX || rate < 1 ||
        (guint)rate > PA_RATE_MAX)
        return FALSE;
    ret_spec->format = PA_SAMPLE_S16LE;
    ret_spec->channels = (uint8_t)channels;
    ret_spec->rate = (uint32_t)rate;
    return TRUE;
}

/* ---- Volume and mute, both ways ----------------------------------------------------------- */

static pa_volume_t
volume_from_spice(guint16 volume)
{
    return (pa_volume_t)((guint64)volume * PA_VOLUME_NORM / G_MAXUINT16);
}

static guint16
volume_to_spice(pa_volume_t volume)
{
    return (guint16)((guint64)MIN(volume, PA_VOLUME_NORM) * G_MAXUINT16 / PA_VOLUME_NORM);
}

/* The channel's volume as a PulseAudio volume for a stream of @spec; FALSE when the channel
 * has not been told any volume yet. */
static gboolean
channel_cvolume(SpiceChannel *channel, const pa_sample_spec *spec, pa_cvolume *ret_volume)
{
    guint16 *volume = NULL;
    guint nchannels = 0;

    g_object_get(channel, "volume", &volume, "nchannels", &nchannels, NULL);
    if (volume == NULL || nchannels == 0)
        return FALSE;
    pa_cvolume_init(ret_volume);
    ret_volume->channels = spec->channels;
    for (guint i = 0; i < spec->channels; i++)
        ret_volume->values[i] = volume_from_spice(volume[MIN(i, nchannels - 1)]);
    return TRUE;
}

static void
apply_volume(VmcAudio *self, SpiceChannel *channel)
{
    gboolean is_playback = SPICE_IS_PLAYBACK_CHANNEL(channel);
    pa_stream *stream = is_playback ? self->pstream : self->rstream;
    const pa_sample_spec *spec = is_playback ? &self->pspec : &self->rspec;
    gboolean mute = FALSE;
    pa_cvolume volume;
    uint32_t index;

    if (self->syncing || !context_ready(self) || !stream_ready(stream))
        return;
    index = pa_stream_get_index(stream);
    g_object_get(channel, "mute", &mute, NULL);
    if (is_playback) {
        if (channel_cvolume(channel, spec, &volume))
            forget_operation(
                pa_context_set_sink_input_volume(self->context, index, &volume, NULL, NULL));
        forget_operation(pa_context_set_sink_input_mute(self->context, index, mute, NULL, NULL));
    } else {
        if (channel_cvolume(channel, spec, &volume))
            forget_operation(
                pa_context_set_source_output_volume(self->context, index, &volume, NULL, NULL));
        forget_operation(pa_context_set_source_output_mute(self->context, index, mute, NULL, NULL));
    }
}

static void
on_channel_volume(GObject *channel, GParamSpec *pspec, gpointer user_data)
{
    apply_volume(VMC_AUDIO(user_data), SPICE_CHANNEL(channel));
}

/* A volume or mute PulseAudio reports for one of our streams: written into the channel. */
static void
reflect_volume(VmcAudio *self, SpiceChannel *channel, const pa_cvolume *volume, int mute)
{
    guint16 *current = NULL;
    guint nchannels = 0;
    gboolean current_mute = FALSE;
    g_autofree guint16 *values = NULL;
    gboolean changed = FALSE;

    if (channel == NULL)
        return;
    g_object_get(channel, "volume", &current, "nchannels", &nchannels, "mute", &current_mute, NULL);
    self->syncing = TRUE;
    if (nchannels > 0 && volume->channels > 0) {
        values = g_new0(guint16, nchannels);
        for (guint i = 0; i < nchannels; i++) {
            values[i] = volume_to_spice(volume->values[MIN(i, volume->channels - 1u)]);
            /* Rounding both ways may move a value by one step: not a change. */
            if (current == NULL || ABS((int)values[i] - (int)current[i]) > 1)
                changed = TRUE;
        }
        if (changed) {
            g_debug("PulseAudio changed the %s volume: %u%%", G_OBJECT_TYPE_NAME(channel),
                    (guint)(pa_cvolume_avg(volume) * 100 / PA_VOLUME_NORM));
            g_object_set(channel, "volume", values, NULL);
        }
    }
    if (!current_mute != !mute) {
        g_debug("PulseAudio changed the %s mute: %d", G_OBJECT_TYPE_NAME(channel), mute);
        g_object_set(channel, "mute", mute != 0, NULL);
    }
    self->syncing = FALSE;
}

static void
on_sink_input_info(pa_context *context, const pa_sink_input_info *info, int eol, void *user_data)
{
    VmcAudio *self = user_data;

    if (info == NULL || eol > 0 || self->pstream == NULL ||
        info->index != pa_stream_get_index(self->pstream))
        return;
    reflect_volume(self, SPICE_CHANNEL(self->playback), &info->volume, info->mute);
}

static void
on_source_output_info(pa_context *context, const pa_source_output_info *info, int eol,
                      void *user_data)
{
    VmcAudio *self = user_data;

    if (info == NULL || eol > 0 || self->rstream == NULL ||
        info->index != pa_stream_get_index(self->rstream))
        return;
    reflect_volume(self, SPICE_CHANNEL(self->record), &info->volume, info->mute);
}

static void
on_subscription(pa_context *context, pa_subscription_event_type_t type, uint32_t index,
                void *user_data)
{
    VmcAudio *self = user_data;
    pa_subscription_event_type_t facility = type & PA_SUBSCRIPTION_EVENT_FACILITY_MASK;

    if ((type & PA_SUBSCRIPTION_EVENT_TYPE_MASK) != PA_SUBSCRIPTION_EVENT_CHANGE)
        return;
    if (facility == PA_SUBSCRIPTION_EVENT_SINK_INPUT && stream_ready(self->pstream) &&
        index == pa_stream_get_index(self->pstream))
        forget_operation(pa_context_get_sink_input_info(context, index, on_sink_input_info, self));
    else if (facility == PA_SUBSCRIPTION_EVENT_SOURCE_OUTPUT && stream_ready(self->rstream) &&
             index == pa_stream_get_index(self->rstream))
        forget_operation(
            pa_context_get_source_output_info(context, index, on_source_output_info, self));
}

/* ---- Playback ----------------------------------------------------------------------------- */

static void
write_pending(VmcAudio *self)
{
    if (self->pending->len == 0 || !stream_ready(self->pstream))
        return;
    if (pa_stream_write(self->pstream, self->pending->data, self->pending->len, NULL, 0,
                        PA_SEEK_RELATIVE) < 0)
        g_warning("Cannot write to the playback stream: %s",
                  pa_strerror(pa_context_errno(self->context)));
    g_byte_array_set_size(self->pending, 0);
}

static void
on_playback_stream_state(pa_stream *stream, void *user_data)
{
    VmcAudio *self = user_data;

    switch (pa_stream_get_state(stream)) {
    case PA_STREAM_READY:
        g_debug("playback stream ready (sink input %u)", pa_stream_get_index(stream));
        apply_volume(self, SPICE_CHANNEL(self->playback));
        if (self->playing)
            write_pending(self);
        else
            forget_operation(pa_stream_cork(stream, 1, NULL, NULL));
        break;
    case PA_STREAM_FAILED:
        g_warning("The playback stream failed: %s", pa_strerror(pa_context_errno(self->context)));
        drop_stream(&self->pstream);
        break;
    default:
        break;
    }
}

static void
open_playback_stream(VmcAudio *self)
{
    pa_buffer_attr attr = {
        .maxlength = (uint32_t)-1,
        .tlength = (uint32_t)pa_usec_to_bytes(PLAYBACK_LATENCY_USEC, &self->pspec),
        .prebuf = (uint32_t)-1,
        .minreq = (uint32_t)-1,
        .fragsize = (uint32_t)-1,
    };
    pa_cvolume volume;
    gboolean have_volume, mute = FALSE;
    pa_stream_flags_t flags =
        PA_STREAM_ADJUST_LATENCY | PA_STREAM_AUTO_TIMING_UPDATE | PA_STREAM_INTERPOLATE_TIMING;

    drop_stream(&self->pstream);
    if (!context_ready(self))
        return;
    self->pstream = pa_stream_new(self->context, "Virtual machine", &self->pspec, NULL);
    if (self->pstream == NULL) {
        g_warning("Cannot make a playback stream: %s",
                  pa_strerror(pa_context_errno(self->context)));
        return;
    }
    have_volume = channel_cvolume(SPICE_CHANNEL(self->playback), &self->pspec, &volume);
    g_object_get(self->playback, "mute", &mute, NULL);
    if (mute)
        flags |= PA_STREAM_START_MUTED;
    pa_stream_set_state_callback(self->pstream, on_playback_stream_state, self);
    if (pa_stream_connect_playback(self->pstream, NULL, &attr, flags, have_volume ? &volume : NULL,
                                   NULL) < 0) {
        g_warning("Cannot connect the playback stream: %s",
                  pa_strerror(pa_context_errno(self->context)));
        drop_stream(&self->pstream);
    }
}

static void
on_playback_start(SpicePlaybackChannel *channel, int format, int channels, int rate,
                  gpointer user_data)
{
    VmcAudio *self = VMC_AUDIO(user_data);
    pa_sample_spec spec;

    g_debug("playback-start format=%d channels=%d rate=%d", format, channels, rate);
    if (!spec_from_spice(format, channels, rate, &spec)) {
        g_warning("The virtual machine plays audio in a format this console cannot play "
                  "(format %d, %d channels, %d Hz)",
                  format, channels, rate);
        return;
    }
    self->playing = TRUE;
    g_byte_array_set_size(self->pending, 0);
    if (self->pstream != NULL && pa_sample_spec_equal(&spec, &self->pspec) &&
        pa_stream_get_state(self->pstream) <= PA_STREAM_READY) {
        if (stream_ready(self->pstream))
            forget_operation(pa_stream_cork(self->pstream, 0, NULL, NULL));
        return;
    }
    self->pspec = spec;
    open_playback_stream(self);
}

static void
on_playback_data(SpicePlaybackChannel *channel, gpointer data, int size, gpointer user_data)
{
    VmcAudio *self = VMC_AUDIO(user_data);

    if (size <= 0 || self->pstream == NULL)
        return;
    if (!stream_ready(self->pstream)) {
        /* Still connecting: hold about a second, then drop the oldest. */
        g_byte_array_append(self->pending, data, (guint)size);
        if (self->pending->len > MAX_PENDING_BYTES)
            g_byte_array_remove_range(self->pending, 0, self->pending->len - MAX_PENDING_BYTES);
        return;
    }
    write_pending(self);
    if (pa_stream_write(self->pstream, data, (size_t)size, NULL, 0, PA_SEEK_RELATIVE) < 0)
        g_warning("Cannot write to the playback stream: %s",
                  pa_strerror(pa_context_errno(self->context)));
}

static void
on_drained(pa_stream *stream, int success, void *user_data)
{
    VmcAudio *self = user_data;

    /* Corked once the last sample has been played, unless the guest started again. */
    if (stream == self->pstream && !self->playing && stream_ready(stream))
        forget_operation(pa_stream_cork(stream, 1, NULL, NULL));
}

static void
on_playback_stop(SpicePlaybackChannel *channel, gpointer user_data)
{
    VmcAudio *self = VMC_AUDIO(user_data);

    g_debug("playback-stop");
    self->playing = FALSE;
    if (stream_ready(self->pstream)) {
        write_pending(self);
        forget_operation(pa_stream_drain(self->pstream, on_drained, self));
    }
}

static void
on_playback_get_delay(SpicePlaybackChannel *channel, gpointer user_data)
{
    VmcAudio *self = VMC_AUDIO(user_data);
    pa_usec_t latency = 0;
    int negative = 0;
    guint64 delay_ms = 0;

    if (stream_ready(self->pstream) &&
        pa_stream_get_latency(self->pstream, &latency, &negative) == 0 && !negative)
        delay_ms = latency / PA_USEC_PER_MSEC;
    if (self->pending->len > 0 && pa_sample_spec_valid(&self->pspec))
        delay_ms += pa_bytes_to_usec(self->pending->len, &self->pspec) / PA_USEC_PER_MSEC;
    spice_playback_channel_set_delay(channel, (guint32)MIN(delay_ms, G_MAXUINT32));
}

/* ---- Record ------------------------------------------------------------------------------- */

static void
update_record_cork(VmcAudio *self)
{
    gboolean capture = self->recording && self->microphone;

    if (!stream_ready(self->rstream))
        return;
    if (!capture)
        forget_operation(pa_stream_flush(self->rstream, NULL, NULL));
    forget_operation(pa_stream_cork(self->rstream, !capture, NULL, NULL));
}

static void
on_record_stream_state(pa_stream *stream, void *user_data)
{
    VmcAudio *self = user_data;

    switch (pa_stream_get_state(stream)) {
    case PA_STREAM_READY:
        g_debug("record stream ready (source output %u)", pa_stream_get_index(stream));
        if (self->record != NULL)
            apply_volume(self, SPICE_CHANNEL(self->record));
        update_record_cork(self);
        break;
    case PA_STREAM_FAILED:
        g_warning("The record stream failed: %s", pa_strerror(pa_context_errno(self->context)));
        drop_stream(&self->rstream);
        break;
    default:
        break;
    }
}

static void
on_record_readable(pa_stream *stream, size_t nbytes, void *user_data)
{
    VmcAudio *self = user_data;
    const void *data = NULL;
    size_t length = 0;

    while (pa_stream_readable_size(stream) > 0) {
        if (pa_stream_peek(stream, &data, &length) < 0 || length == 0)
            return;
        /* data == NULL is a hole in the stream: nothing to send. */
        if (data != NULL && self->record != NULL && self->recording && self->microphone)
            spice_record_channel_send_data(self->record, (gpointer)data, length,
                                           (guint32)(g_get_monotonic_time() / 1000));
        pa_stream_drop(stream);
    }
}

static void
open_record_stream(VmcAudio *self)
{
    pa_buffer_attr attr = {
        .maxlength = (uint32_t)-1,
        .tlength = (uint32_t)-1,
        .prebuf = (uint32_t)-1,
        .minreq = (uint32_t)-1,
        /* Small fragments: the guest hears the microphone with little delay. */
        .fragsize = (uint32_t)pa_usec_to_bytes(20 * PA_USEC_PER_MSEC, &self->rspec),
    };

    drop_stream(&self->rstream);
    if (!context_ready(self) || self->record == NULL)
        return;
    self->rstream = pa_stream_new(self->context, "Virtual machine microphone", &self->rspec, NULL);
    if (self->rstream == NULL) {
        g_warning("Cannot make a record stream: %s", pa_strerror(pa_context_errno(self->context)));
        return;
    }
    pa_stream_set_state_callback(self->rstream, on_record_stream_state, self);
    pa_stream_set_read_callback(self->rstream, on_record_readable, self);
    if (pa_stream_connect_record(self->rstream, NULL, &attr,
                                 PA_STREAM_START_CORKED | PA_STREAM_ADJUST_LATENCY) < 0) {
        g_warning("Cannot connect the record stream: %s",
                  pa_strerror(pa_context_errno(self->context)));
        drop_stream(&self->rstream);
    }
}

static void
on_record_start(SpiceRecordChannel *channel, int format, int channels, int rate, gpointer user_data)
{
    VmcAudio *self = VMC_AUDIO(user_data);
    pa_sample_spec spec;

    g_debug("record-start format=%d channels=%d rate=%d", format, channels, rate);
    if (!spec_from_spice(format, channels, rate, &spec)) {
        g_warning("The virtual machine records audio in a format this console cannot record "
                  "(format %d, %d channels, %d Hz)",
                  format, channels, rate);
        return;
    }
    self->recording = TRUE;
    if (self->rstream != NULL && pa_sample_spec_equal(&spec, &self->rspec)) {
        update_record_cork(self);
        return;
    }
    /* Not the format guessed in advance: the stream starts uncorked once connected. */
    self->rspec = spec;
    open_record_stream(self);
}

static void
on_record_stop(SpiceRecordChannel *channel, gpointer user_data)
{
    VmcAudio *self = VMC_AUDIO(user_data);

    g_debug("record-stop");
    self->recording = FALSE;
    update_record_cork(self);
}

/* ---- Channels ----------------------------------------------------------------------------- */

static gboolean
connect_channel(gpointer channel)
{
    spice_channel_connect(SPICE_CHANNEL(channel));
    return G_SOURCE_REMOVE;
}

/* Connected from an idle: spice_channel_connect() on a session opened by file descriptors
 * emits "open-fd" at once, and whoever hands out the descriptors (the window) may connect to
 * "channel-new" after this object did. */
static void
connect_channel_later(SpiceChannel *channel)
{
    g_idle_add_full(G_PRIORITY_DEFAULT, connect_channel, g_object_ref(channel), g_object_unref);
}

static void
on_channel_new(SpiceSession *session, SpiceChannel *channel, gpointer user_data)
{
    VmcAudio *self = VMC_AUDIO(user_data);

    if (SPICE_IS_PLAYBACK_CHANNEL(channel) && self->playback == NULL) {
        self->playback = g_object_ref(SPICE_PLAYBACK_CHANNEL(channel));
        g_signal_connect_object(channel, "playback-start", G_CALLBACK(on_playback_start), self, 0);
        g_signal_connect_object(channel, "playback-data", G_CALLBACK(on_playback_data), self, 0);
        g_signal_connect_object(channel, "playback-stop", G_CALLBACK(on_playback_stop), self, 0);
        g_signal_connect_object(channel, "playback-get-delay", G_CALLBACK(on_playback_get_delay),
                                self, 0);
        g_signal_connect_object(channel, "notify::volume", G_CALLBACK(on_channel_volume), self, 0);
        g_signal_connect_object(channel, "notify::mute", G_CALLBACK(on_channel_volume), self, 0);
        connect_channel_later(channel);
    } else if (SPICE_IS_RECORD_CHANNEL(channel) && self->record == NULL) {
        self->record = g_object_ref(SPICE_RECORD_CHANNEL(channel));
        g_signal_connect_object(channel, "record-start", G_CALLBACK(on_record_start), self, 0);
        g_signal_connect_object(channel, "record-stop", G_CALLBACK(on_record_stop), self, 0);
        g_signal_connect_object(channel, "notify::volume", G_CALLBACK(on_channel_volume), self, 0);
        g_signal_connect_object(channel, "notify::mute", G_CALLBACK(on_channel_volume), self, 0);
        connect_channel_later(channel);
        open_record_stream(self);
    }
}

static void
on_channel_destroy(SpiceSession *session, SpiceChannel *channel, gpointer user_data)
{
    VmcAudio *self = VMC_AUDIO(user_data);

    if (channel == SPICE_CHANNEL(self->playback)) {
        g_signal_handlers_disconnect_by_data(channel, self);
        drop_stream(&self->pstream);
        g_byte_array_set_size(self->pending, 0);
        self->playing = FALSE;
        g_clear_object(&self->playback);
    } else if (channel == SPICE_CHANNEL(self->record)) {
        g_signal_handlers_disconnect_by_data(channel, self);
        drop_stream(&self->rstream);
        self->recording = FALSE;
        g_clear_object(&self->record);
    }
}

/* ---- The PulseAudio context --------------------------------------------------------------- */

static void
on_context_state(pa_context *context, void *user_data)
{
    VmcAudio *self = user_data;
    g_autofree char *message = NULL;

    switch (pa_context_get_state(context)) {
    case PA_CONTEXT_READY:
        g_debug("connected to PulseAudio %s", pa_context_get_server(context));
        pa_context_set_subscribe_callback(context, on_subscription, self);
        forget_operation(pa_context_subscribe(
            context, PA_SUBSCRIPTION_MASK_SINK_INPUT | PA_SUBSCRIPTION_MASK_SOURCE_OUTPUT, NULL,
            NULL));
        g_clear_pointer(&self->error_message, g_free);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_AVAILABLE]);
        if (self->playing)
            open_playback_stream(self);
        open_record_stream(self);
        break;
    case PA_CONTEXT_FAILED:
    case PA_CONTEXT_TERMINATED:
        drop_stream(&self->pstream);
        drop_stream(&self->rstream);
        /* Translators: %s is PulseAudio's reason, e.g. "Connection refused". */
        message = g_strdup_printf(_("No sound: PulseAudio cannot be reached (%s). The console "
                                    "works without it."),
                                  pa_strerror(pa_context_errno(context)));
        fail(self, message);
        g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_AVAILABLE]);
        break;
    default:
        break;
    }
}

static void
connect_pulseaudio(VmcAudio *self)
{
    g_autofree char *message = NULL;
    pa_proplist *props = pa_proplist_new();

    self->loop = pa_glib_mainloop_new(NULL);
    pa_proplist_sets(props, PA_PROP_APPLICATION_NAME, _("Virtual Machine Connection"));
    pa_proplist_sets(props, PA_PROP_APPLICATION_ID, "org.berth.VmConnect");
    pa_proplist_sets(props, PA_PROP_APPLICATION_ICON_NAME, "computer");
    self->context = pa_context_new_with_proplist(pa_glib_mainloop_get_api(self->loop), NULL, props);
    pa_proplist_free(props);
    if (self->context == NULL) {
        fail(self, _("No sound: cannot set up PulseAudio. The console works without it."));
        return;
    }
    pa_context_set_state_callback(self->context, on_context_state, self);
    if (pa_context_connect(self->context, NULL, PA_CONTEXT_NOAUTOSPAWN, NULL) < 0) {
        message = g_strdup_printf(_("No sound: PulseAudio cannot be reached (%s). The console "
                                    "works without it."),
                                  pa_strerror(pa_context_errno(self->context)));
        fail(self, message);
    }
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
vmc_audio_constructed(GObject *object)
{
    VmcAudio *self = VMC_AUDIO(object);
    g_autoptr(GList) channels = NULL;

    G_OBJECT_CLASS(vmc_audio_parent_class)->constructed(object);
    g_return_if_fail(SPICE_IS_SESSION(self->session));

    connect_pulseaudio(self);
    g_signal_connect_object(self->session, "channel-new", G_CALLBACK(on_channel_new), self, 0);
    g_signal_connect_object(self->session, "channel-destroy", G_CALLBACK(on_channel_destroy), self,
                            0);
    channels = spice_session_get_channels(self->session);
    for (GList *l = channels; l != NULL; l = l->next)
        on_channel_new(self->session, l->data, self);
}

static void
vmc_audio_dispose(GObject *object)
{
    VmcAudio *self = VMC_AUDIO(object);

    drop_stream(&self->pstream);
    drop_stream(&self->rstream);
    if (self->context != NULL) {
        pa_context_set_state_callback(self->context, NULL, NULL);
        pa_context_set_subscribe_callback(self->context, NULL, NULL);
        pa_context_disconnect(self->context);
        g_clear_pointer(&self->context, pa_context_unref);
    }
    g_clear_pointer(&self->loop, pa_glib_mainloop_free);
    if (self->playback != NULL)
        g_signal_handlers_disconnect_by_data(self->playback, self);
    if (self->record != NULL)
        g_signal_handlers_disconnect_by_data(self->record, self);
    g_clear_object(&self->playback);
    g_clear_object(&self->record);
    g_clear_object(&self->session);
    G_OBJECT_CLASS(vmc_audio_parent_class)->dispose(object);
}

static void
vmc_audio_finalize(GObject *object)
{
    VmcAudio *self = VMC_AUDIO(object);

    g_byte_array_unref(self->pending);
    g_free(self->error_message);
    G_OBJECT_CLASS(vmc_audio_parent_class)->finalize(object);
}

static void
vmc_audio_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    VmcAudio *self = VMC_AUDIO(object);

    switch (prop_id) {
    case PROP_SESSION:
        g_value_set_object(value, self->session);
        break;
    case PROP_MICROPHONE:
        g_value_set_boolean(value, self->microphone);
        break;
    case PROP_AVAILABLE:
        g_value_set_boolean(value, vmc_audio_get_available(self));
        break;
    case PROP_ERROR_MESSAGE:
        g_value_set_string(value, self->error_message);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_audio_set_property(GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    VmcAudio *self = VMC_AUDIO(object);

    switch (prop_id) {
    case PROP_SESSION:
        self->session = g_value_dup_object(value);
        break;
    case PROP_MICROPHONE:
        vmc_audio_set_microphone(self, g_value_get_boolean(value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
    }
}

static void
vmc_audio_class_init(VmcAudioClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS(klass);

    object_class->constructed = vmc_audio_constructed;
    object_class->dispose = vmc_audio_dispose;
    object_class->finalize = vmc_audio_finalize;
    object_class->get_property = vmc_audio_get_property;
    object_class->set_property = vmc_audio_set_property;

    properties[PROP_SESSION] =
        g_param_spec_object("session", NULL, NULL, SPICE_TYPE_SESSION,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    properties[PROP_MICROPHONE] =
        g_param_spec_boolean("microphone", NULL, NULL, FALSE,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    properties[PROP_AVAILABLE] = g_param_spec_boolean("available", NULL, NULL, FALSE,
                                                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    properties[PROP_ERROR_MESSAGE] = g_param_spec_string("error-message", NULL, NULL, NULL,
                                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(object_class, N_PROPS, properties);

    /**
     * VmcAudio::error:
     * @message: a sentence for the person at the console
     *
     * Sound cannot work (PulseAudio is missing or went away); the console goes on without it.
     */
    signals[SIGNAL_ERROR] = g_signal_new("error", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
vmc_audio_init(VmcAudio *self)
{
    self->pending = g_byte_array_new();
    /* What QEMU's SPICE audio announces for the microphone; corrected on record-start. */
    self->rspec.format = PA_SAMPLE_S16LE;
    self->rspec.channels = 2;
    self->rspec.rate = 48000;
}

/* ---- Public API --------------------------------------------------------------------------- */

/**
 * vmc_audio_new:
 * @session: a session with "enable-audio" set, connected or not yet
 *
 * Plays the session's playback channel and records its record channel through PulseAudio.
 */
VmcAudio *
vmc_audio_new(SpiceSession *session)
{
    g_return_val_if_fail(SPICE_IS_SESSION(session), NULL);
    return g_object_new(VMC_TYPE_AUDIO, "session", session, NULL);
}

SpiceSession *
vmc_audio_get_session(VmcAudio *self)
{
    g_return_val_if_fail(VMC_IS_AUDIO(self), NULL);
    return self->session;
}

gboolean
vmc_audio_get_microphone(VmcAudio *self)
{
    g_return_val_if_fail(VMC_IS_AUDIO(self), FALSE);
    return self->microphone;
}

/**
 * vmc_audio_set_microphone:
 *
 * Whether the host's microphone (PulseAudio's default source) reaches the guest.
 */
void
vmc_audio_set_microphone(VmcAudio *self, gboolean microphone)
{
    g_return_if_fail(VMC_IS_AUDIO(self));

    microphone = !!microphone;
    if (self->microphone == microphone)
        return;
    self->microphone = microphone;
    update_record_cork(self);
    g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_MICROPHONE]);
}

/* Whether PulseAudio is connected. */
gboolean
vmc_audio_get_available(VmcAudio *self)
{
    g_return_val_if_fail(VMC_IS_AUDIO(self), FALSE);
    return context_ready(self);
}

/* Why there is no sound, or NULL. */
const char *
vmc_audio_get_error_message(VmcAudio *self)
{
    g_return_val_if_fail(VMC_IS_AUDIO(self), NULL);
    return self->error_message;
}
