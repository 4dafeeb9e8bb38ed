// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "e2e-virt"

#include "config.h"

#include <stdlib.h>

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
