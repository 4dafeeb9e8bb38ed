// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-core"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libvirt-glib/libvirt-glib.h>

#include "hangar-core.h"

static gboolean trace_enabled;
static gint64 process_start;

static void
on_virt_error_cb (void        *user_data,
                  virErrorPtr  error)
{
  /* libvirt prints every error to stderr by default; callers report them. */
  g_debug ("libvirt: %s", error->message ? error->message : "(no message)");
}

void
hangar_core_init (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      struct sigaction ignore = { .sa_handler = SIG_IGN };

      process_start = g_get_monotonic_time ();
      /* libvirt's RPC writes with plain write(): a socket libvirtd has closed (say,
       * for missed keepalives while the main loop was busy) must give EPIPE, not
       * death. GLib's GSocket ignores SIGPIPE too, but only once a GSocket exists. */
      sigemptyset (&ignore.sa_mask);
      sigaction (SIGPIPE, &ignore, NULL);
      virInitialize ();
      virSetErrorFunc (NULL, on_virt_error_cb);
      gvir_event_register ();
      g_once_init_leave (&initialized, 1);
    }
}

void
hangar_trace_set_enabled (gboolean enabled)
{
  trace_enabled = enabled;
}

gboolean
hangar_trace_get_enabled (void)
{
  return trace_enabled;
}

char *
hangar_name_bad_characters (const char *name,
                            gboolean  (*allowed) (gunichar c))
{
  g_autoptr(GString) bad = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (allowed (c) || g_hash_table_contains (seen, GUINT_TO_POINTER (c)))
        continue;
      g_hash_table_add (seen, GUINT_TO_POINTER (c));
      if (bad->len > 0)
        g_string_append (bad, ", ");
      if (c == ' ')
        g_string_append (bad, _("space"));
      else if (g_unichar_isspace (c) || !g_unichar_isprint (c))
        g_string_append_printf (bad, _("the invisible character U+%04X"), c);
      else
        {
          g_string_append (bad, "“");
          g_string_append_unichar (bad, c);
          g_string_append (bad, "”");
        }
    }
  return bad->len > 0 ? g_string_free (g_steal_pointer (&bad), FALSE) : NULL;
}

double
hangar_process_age (int pid)
{
  g_autofree char *stat_path = pid > 0 ? g_strdup_printf ("/proc/%d/stat", pid)
                                       : g_strdup ("/proc/self/stat");
  g_autofree char *contents = NULL;
  g_autofree char *up = NULL;
  unsigned long long start_ticks;
  double uptime;
  char *p;
  int field = 2;

  /* Field 22 of stat is when the process started, in clock ticks since boot; the
   * command name (field 2) may hold spaces, so count from its closing parenthesis. */
  if (!g_file_get_contents (stat_path, &contents, NULL, NULL) ||
      (p = strrchr (contents, ')')) == NULL)
    return -1.0;
  for (p++; *p && field < 22; p++)
    if (*p == ' ')
      field++;
  start_ticks = g_ascii_strtoull (p, NULL, 10);
  if (start_ticks == 0 || !g_file_get_contents ("/proc/uptime", &up, NULL, NULL))
    return -1.0;
  uptime = g_ascii_strtod (up, NULL);
  if (uptime <= 0.0)
    return -1.0;
  return MAX (0.0, uptime - (double)start_ticks / (double)sysconf (_SC_CLK_TCK));
}

static double
seconds_since_start (void)
{
  double age = hangar_process_age (0);

  /* Time since the process started, not since hangar_core_init ran. */
  if (age >= 0.0)
    return age;
  return (g_get_monotonic_time () - process_start) / (double)G_USEC_PER_SEC;
}

void
hangar_trace (const char *event,
              const char *format,
              ...)
{
  g_autofree char *details = NULL;
  va_list args;

  if (!trace_enabled)
    return;

  va_start (args, format);
  details = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "HANGAR-TRACE %.3f %s %s\n", seconds_since_start (), event, details);
  fflush (stderr);
}
