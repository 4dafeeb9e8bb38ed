// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "e2e-host-page"

#include "config.h"

#include <libvirt/virterror.h>

#include "e2e-host-page.h"
#include "e2e-virt.h"
#include "test-host-page-util.h"

gboolean
e2e_host_info_loaded (gpointer window)
{
  return hangar_host_info_get_loaded (hangar_host_window_get_host_info (window));
}

gboolean
e2e_host_use_measured (gpointer window)
{
  HangarHostInfo *info = hangar_host_window_get_host_info (window);

  return hangar_host_info_get_cpu_usage (info) >= 0 &&
         hangar_host_info_get_memory_fraction (info) >= 0;
}

void
e2e_host_assert_row (HangarHostWindow *window,
                     const char       *title,
                     const char       *expected)
{
  const char *shown = test_row_value (GTK_WIDGET (window), title);

  e2e_assert (g_strcmp0 (shown, expected) == 0, "%s shows “%s”, libvirt says “%s”", title, shown,
              expected);
}

virConnectPtr
e2e_host_open_direct (void)
{
  const char *uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  virConnectPtr conn;

  if (uri == NULL || *uri == '\0')
    g_error ("HANGAR_TEST_LIBVIRT_URI is not set: run the tests with build-aux/test, which "
             "starts libvirtd");
  conn = virConnectOpen (uri);
  if (conn == NULL)
    g_error ("Cannot open %s: %s", uri, e2e_virt_error ());
  return conn;
}

void
e2e_host_stop_pool (virConnectPtr conn,
                    const char   *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, name);

  if (pool != NULL)
    {
      virStoragePoolDestroy (pool);
      virStoragePoolFree (pool);
    }
  virResetLastError ();
}
