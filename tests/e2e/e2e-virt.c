// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "e2e-virt"

#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
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

void
e2e_remove_stale_domains (virConnectPtr conn,
                          const char   *prefix)
{
  virDomainPtr *doms = NULL;
  int n = virConnectListAllDomains (conn, &doms, 0);

  for (int i = 0; i < n; i++)
    {
      const char *name = virDomainGetName (doms[i]);

      if (name && g_str_has_prefix (name, prefix))
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
