/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * xdamage-count: count how often an X client draws into a window.
 *
 *   xdamage-count [-d DISPLAY] [-g GAP_MS] [-v] WINDOW SECONDS
 *
 * Creates an XDamage object (XDamageReportRawRectangles) on WINDOW (an id as
 * printed by xdotool/xwininfo, decimal or 0x hex) and listens for SECONDS. Damage on
 * a window includes drawing into its child windows. Nothing is ever subtracted:
 * in raw mode the server sends one DamageNotify per rectangle of every drawing
 * request, and flags all but the last rectangle of a request with "more".
 *
 * Printed at the end, one line of key=value pairs:
 *   seconds   measured wall time
 *   events    DamageNotify events (rectangles)
 *   requests  drawing requests (events without the "more" flag)
 *   frames    bursts of events: a new frame starts when an event's server timestamp
 *             is more than GAP_MS (default 4) after the previous event's
 *   fps       frames / seconds
 *   mpix_per_frame  damaged area per frame, in megapixels (rectangles summed,
 *             overlaps counted twice)
 * With -v, one line per second with the frames of that second.
 * Exit status 2 if the window does not exist or XDamage is missing.
 */
#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int bad_window;

static int
on_error (Display *dpy, XErrorEvent *ev)
{
  (void) dpy;
  if (ev->error_code == BadWindow || ev->error_code == BadDrawable)
    bad_window = 1;
  return 0;
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main (int argc, char **argv)
{
  const char *display_name = NULL;
  long gap_ms = 4;
  int verbose = 0, opt;
  Display *dpy;
  Window win;
  XWindowAttributes attrs;
  int ev_base, err_base;
  double seconds, t0, t_end, next_tick;
  unsigned long events = 0, requests = 0, frames = 0, frames_this_second = 0;
  double area = 0;
  Time last_ts = 0;
  int have_last = 0;

  while ((opt = getopt (argc, argv, "d:g:v")) != -1)
    switch (opt)
      {
      case 'd': display_name = optarg; break;
      case 'g': gap_ms = strtol (optarg, NULL, 10); break;
      case 'v': verbose = 1; break;
      default: goto usage;
      }
  if (argc - optind != 2)
    {
    usage:
      fprintf (stderr, "usage: %s [-d DISPLAY] [-g GAP_MS] [-v] WINDOW SECONDS\n", argv[0]);
      return 1;
    }
  win = strtoul (argv[optind], NULL, 0);
  seconds = strtod (argv[optind + 1], NULL);

  dpy = XOpenDisplay (display_name);
  if (dpy == NULL)
    {
      fprintf (stderr, "xdamage-count: cannot open display\n");
      return 2;
    }
  if (!XDamageQueryExtension (dpy, &ev_base, &err_base))
    {
      fprintf (stderr, "xdamage-count: no DAMAGE extension\n");
      return 2;
    }
  XSetErrorHandler (on_error);
  if (!XGetWindowAttributes (dpy, win, &attrs) || bad_window)
    {
      fprintf (stderr, "xdamage-count: no window 0x%lx\n", win);
      return 2;
    }
  XDamageCreate (dpy, win, XDamageReportRawRectangles);
  XSync (dpy, False);
  if (bad_window)
    {
      fprintf (stderr, "xdamage-count: no window 0x%lx\n", win);
      return 2;
    }

  t0 = now ();
  t_end = t0 + seconds;
  next_tick = t0 + 1;
  for (;;)
    {
      double t = now ();
      struct pollfd pfd = { ConnectionNumber (dpy), POLLIN, 0 };
      double until;

      while (t >= next_tick)
        {
          if (verbose)
            fprintf (stderr, "xdamage-count: %.0f s: %lu frames\n", next_tick - t0,
                     frames_this_second);
          frames_this_second = 0;
          next_tick += 1;
        }
      if (t >= t_end)
        break;
      /* After the tick above: a window that never draws waits here every time. */
      until = t_end < next_tick ? t_end : next_tick;
      if (XPending (dpy) == 0)
        {
          int ms = (int) ((until - t) * 1000) + 1;

          if (poll (&pfd, 1, ms) < 0 && errno != EINTR)
            break;
          continue;
        }
      while (XPending (dpy) > 0)
        {
          XEvent ev;

          XNextEvent (dpy, &ev);
          if (ev.type == ev_base + XDamageNotify)
            {
              XDamageNotifyEvent *de = (XDamageNotifyEvent *) &ev;

              events++;
              if (!de->more)
                requests++;
              area += (double) de->area.width * de->area.height;
              if (!have_last || de->timestamp - last_ts > (Time) gap_ms)
                {
                  frames++;
                  frames_this_second++;
                }
              last_ts = de->timestamp;
              have_last = 1;
            }
        }
      if (bad_window)
        {
          fprintf (stderr, "xdamage-count: window 0x%lx went away\n", win);
          break;
        }
    }
  seconds = now () - t0;
  printf ("seconds=%.2f events=%lu requests=%lu frames=%lu fps=%.2f mpix_per_frame=%.3f\n",
          seconds, events, requests, frames, frames / seconds,
          frames ? area / frames / 1e6 : 0.0);
  XCloseDisplay (dpy);
  return bad_window ? 2 : 0;
}
