/* xdamage-frames.c: counts the screen updates X clients make on a display, with the X DAMAGE
 * extension, the same way for any client (bench/console compares vmconnect with remote-viewer).
 *
 *   xdamage-frames [--window ID] [--gap MS]
 *
 * Watches the root window by default (damage to a window includes its inferiors, so this is
 * every top-level window on the display), or the window ID. A frame is one batch of damage:
 * the first notify after the damage was last emptied opens it, anything drawn within the next
 * MS milliseconds (default 4) joins it, then the damage is fetched and emptied. So a client
 * that paints one frame in several requests counts once, while two frames ~16 ms apart count
 * twice. Prints "ready" once it watches, then runs until SIGTERM or SIGINT and prints:
 *
 *   frames=N pixels=P rects=R
 *
 * P is the damaged area summed over the frames (in pixels, each frame's region counted once),
 * R the rectangles in those regions.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void
sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !stop)
        ;
}

int
main(int argc, char **argv)
{
    Window window = 0;
    int gap = 4, pending = 0, damage_event, damage_error, fixes_event, fixes_error;
    unsigned long long frames = 0, pixels = 0, rects = 0;
    struct sigaction sa;
    Display *display;
    XserverRegion region;
    Damage damage;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--window") == 0 && i + 1 < argc) {
            window = strtoul(argv[++i], NULL, 0);
        } else if (strcmp(argv[i], "--gap") == 0 && i + 1 < argc) {
            gap = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: %s [--window ID] [--gap MS]\n", argv[0]);
            return 2;
        }
    }
    display = XOpenDisplay(NULL);
    if (display == NULL) {
        fprintf(stderr, "xdamage-frames: cannot open display %s\n", XDisplayName(NULL));
        return 1;
    }
    if (!XDamageQueryExtension(display, &damage_event, &damage_error) ||
        !XFixesQueryExtension(display, &fixes_event, &fixes_error)) {
        fprintf(stderr, "xdamage-frames: the X server has no DAMAGE or XFIXES extension\n");
        return 1;
    }
    if (window == 0)
        window = DefaultRootWindow(display);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    damage = XDamageCreate(display, window, XDamageReportNonEmpty);
    region = XFixesCreateRegion(display, NULL, 0);
    /* Whatever was damaged before we started is not a frame of ours. */
    XDamageSubtract(display, damage, None, None);
    XSync(display, False);
    while (XPending(display) > 0) {
        XEvent event;

        XNextEvent(display, &event);
    }

    /* From here on, every update counts: tell whoever waits for us. */
    printf("ready\n");
    fflush(stdout);
    while (!stop) {
        struct pollfd pfd = {ConnectionNumber(display), POLLIN, 0};
        unsigned long subtract_serial;
        int n = 0;
        XRectangle *r;

        if (!pending) {
            if (XPending(display) == 0 && poll(&pfd, 1, 100) <= 0)
                continue;
            while (XPending(display) > 0) {
                XEvent event;

                XNextEvent(display, &event);
                if (event.type == damage_event + XDamageNotify)
                    pending = 1;
            }
            if (!pending)
                continue;
        }
        sleep_ms(gap);
        /* Take the damage (into region) and empty it: the next notify opens the next frame. */
        subtract_serial = NextRequest(display);
        XDamageSubtract(display, damage, None, region);
        r = XFixesFetchRegion(display, region, &n);
        for (int i = 0; i < n; i++)
            pixels += (unsigned long long)r[i].width * r[i].height;
        rects += n;
        if (r != NULL)
            XFree(r);
        frames++;
        /* Notifies generated before the subtract belong to this frame; one generated after it
         * (its serial is the subtract's or later) opens the next. */
        pending = 0;
        while (XPending(display) > 0) {
            XEvent event;

            XNextEvent(display, &event);
            if (event.type == damage_event + XDamageNotify && event.xany.serial >= subtract_serial)
                pending = 1;
        }
    }
    printf("frames=%llu pixels=%llu rects=%llu\n", frames, pixels, rects);
    XCloseDisplay(display);
    return 0;
}
