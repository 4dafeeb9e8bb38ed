// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "e2e-virt"

#include "config.h"

#include <stdarg.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <libvirt/virterror.h>

#include "e2e-virt.h"

void
e2e_remove_domain (virConnectPtr conn,
                   const char   *name)
{
  virDomainPtr dom = virDomainLookupByName (conn, name);

  if (!dom)
    return;
  if (virDomainIsActive (dom) == 1)
    virDomainDestroy (dom);
  virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_NVRAM);
  virDomainFree (dom);
}

/* Test guests are named PREFIX[WORD-]PID[-…] after the test process that made them: one
 * whose process still runs belongs to a test running now and is left alone. */
static gboolean
owner_alive (const char *rest)
{
  g_auto(GStrv) parts = g_strsplit (rest, "-", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 pid;

      if (g_ascii_string_to_unsigned (parts[i], 10, 1, G_MAXINT, &pid, NULL))
        return (int)pid == getpid () || kill ((pid_t)pid, 0) == 0 || errno == EPERM;
    }
  return FALSE;
}

void
e2e_remove_stale_domains (virConnectPtr conn,
                          const char   *prefix)
{
  virDomainPtr *doms = NULL;
  int n = virConnectListAllDomains (conn, &doms, 0);

  for (int i = 0; i < n; i++)
    {
      const char *name = virDomainGetName (doms[i]);

      if (name && g_str_has_prefix (name, prefix) && !owner_alive (name + strlen (prefix)))
        {
          g_test_message ("removing stale test guest %s", name);
          e2e_remove_domain (conn, name);
        }
      virDomainFree (doms[i]);
    }
  free (doms);
}

static void (*cleanup_hook) (void);

void
e2e_set_cleanup (void (*cleanup) (void))
{
  cleanup_hook = cleanup;
}

void
e2e_fail (const char *file,
          int         line,
          const char *func,
          const char *format,
          ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  if (cleanup_hook != NULL)
    cleanup_hook ();
  g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
  abort ();
}

const char *
e2e_virt_error (void)
{
  const char *msg = virGetLastErrorMessage ();

  return msg ? msg : "(no libvirt error)";
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
e2e_wait_for_elapsed (E2ePredicate pred,
                      gpointer     data,
                      guint        timeout_ms,
                      gint64      *elapsed_ms)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64)timeout_ms * 1000;
  /* A tick, so that a blocking iteration wakes up to look at the clock. */
  guint tick = g_timeout_add (10, wake_up, NULL);
  gboolean ok;

  while (!(ok = pred (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  if (elapsed_ms != NULL)
    *elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  return ok;
}

gboolean
e2e_wait_for (E2ePredicate pred,
              gpointer     data,
              guint        timeout_ms)
{
  return e2e_wait_for_elapsed (pred, data, timeout_ms, NULL);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
e2e_spin (guint ms)
{
  e2e_wait_for (never, NULL, ms);
}
