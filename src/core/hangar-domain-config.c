// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-domain-config"

#include "config.h"

#include <libvirt/virterror.h>

#include "hangar-domain-config.h"

GVirConfigDomain *
hangar_domain_config_fetch (virDomainPtr  domain,
                            unsigned int  flags,
                            GError      **error)
{
  g_autofree char *xml = virDomainGetXMLDesc (domain, flags);

  if (xml == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", virGetLastErrorMessage ());
      return NULL;
    }
  return gvir_config_domain_new_from_xml (xml, error);
}

GPtrArray *
hangar_domain_config_disk_sources (GVirConfigDomain *config)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GList *devices = gvir_config_domain_get_devices (config);

  for (GList *l = devices; l != NULL; l = l->next)
    {
      GVirConfigDomainDisk *disk;
      GVirConfigDomainDiskType type;
      const char *source;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      disk = l->data;
      type = gvir_config_domain_disk_get_disk_type (disk);
      source = gvir_config_domain_disk_get_source (disk);
      if ((type == GVIR_CONFIG_DOMAIN_DISK_FILE || type == GVIR_CONFIG_DOMAIN_DISK_BLOCK) &&
          source != NULL && *source != '\0')
        g_ptr_array_add (paths, g_strdup (source));
    }
  g_list_free_full (devices, g_object_unref);
  return paths;
}

static void
add_users (GHashTable *users,
           virDomainPtr domain,
           unsigned int flags)
{
  g_autoptr(GVirConfigDomain) config = hangar_domain_config_fetch (domain, flags, NULL);
  g_autoptr(GPtrArray) paths = NULL;
  const char *name = virDomainGetName (domain);

  if (config == NULL)
    return; /* gone meanwhile */
  paths = hangar_domain_config_disk_sources (config);
  for (guint i = 0; i < paths->len; i++)
    {
      GPtrArray *names = g_hash_table_lookup (users, paths->pdata[i]);

      if (names == NULL)
        {
          names = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (users, g_strdup (paths->pdata[i]), names);
        }
      if (!g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (name));
    }
}

GHashTable *
hangar_domain_config_disk_users (virConnectPtr  conn,
                                 GError       **error)
{
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify)g_ptr_array_unref);
  virDomainPtr *domains = NULL;
  int n = virConnectListAllDomains (conn, &domains, 0);

  if (n < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", virGetLastErrorMessage ());
      return NULL;
    }
  for (int i = 0; i < n; i++)
    {
      /* A running guest may use a disk its next boot will not (hot-plugged), and the
       * other way round: both count. */
      if (virDomainIsPersistent (domains[i]) == 1)
        add_users (users, domains[i], VIR_DOMAIN_XML_INACTIVE);
      if (virDomainIsActive (domains[i]) == 1)
        add_users (users, domains[i], 0);
      virDomainFree (domains[i]);
    }
  free (domains);
  return g_steal_pointer (&users);
}
