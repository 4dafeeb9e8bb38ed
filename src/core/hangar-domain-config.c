// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-domain-config"

#include "config.h"

#include <libvirt/virterror.h>
#include <libxml/tree.h>

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

GList *
hangar_domain_config_get_devices (GVirConfigDomain *config)
{
  g_autoptr(GEnumClass) types = g_type_class_ref (GVIR_CONFIG_TYPE_DOMAIN_DISK_TYPE);
  g_autoptr(GPtrArray) masked = g_ptr_array_new ();
  xmlNode *root = NULL;
  GList *devices;

  /* libvirt-gconfig reads a disk's type as it builds the list, and warns of one it does
   * not know: such disks are "file" meanwhile, and their own type again after. */
  g_object_get (config, "node", &root, NULL);
  for (xmlNode *node = root ? root->children : NULL; node != NULL; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE || !xmlStrEqual (node->name, (const xmlChar *)"devices"))
        continue;
      for (xmlNode *disk = node->children; disk != NULL; disk = disk->next)
        {
          xmlChar *type;

          if (disk->type != XML_ELEMENT_NODE || !xmlStrEqual (disk->name, (const xmlChar *)"disk"))
            continue;
          type = xmlGetProp (disk, (const xmlChar *)"type");
          if (type != NULL && g_enum_get_value_by_nick (types, (const char *)type) == NULL)
            {
              g_ptr_array_add (masked, disk);
              g_ptr_array_add (masked, type);
              xmlSetProp (disk, (const xmlChar *)"type", (const xmlChar *)"file");
            }
          else
            xmlFree (type);
        }
    }
  devices = gvir_config_domain_get_devices (config);
  for (guint i = 0; i < masked->len; i += 2)
    {
      xmlSetProp (masked->pdata[i], (const xmlChar *)"type", masked->pdata[i + 1]);
      xmlFree (masked->pdata[i + 1]);
    }
  return devices;
}

/* Whether @disk is given by pool and volume name (type='volume'), which libvirt-gconfig
 * 4.0's disk types do not know (it takes such a disk for a file). */
static gboolean
disk_is_volume (GVirConfigDomainDisk *disk)
{
  xmlNode *node = NULL;
  xmlChar *type;
  gboolean result;

  g_object_get (disk, "node", &node, NULL);
  type = node != NULL ? xmlGetProp (node, (const xmlChar *)"type") : NULL;
  result = type != NULL && xmlStrEqual (type, (const xmlChar *)"volume");
  xmlFree (type);
  return result;
}

/* An attribute of @disk's <source>, for what libvirt-gconfig 4.0 does not read. */
static char *
source_prop (GVirConfigDomainDisk *disk,
             const char           *name)
{
  xmlNode *node = NULL;

  g_object_get (disk, "node", &node, NULL);
  for (xmlNode *child = node ? node->children : NULL; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, (const xmlChar *)"source"))
      {
        xmlChar *value = xmlGetProp (child, (const xmlChar *)name);
        char *result = g_strdup ((const char *)value);

        xmlFree (value);
        return result;
      }
  return NULL;
}

/* The source of a file or block disk, else NULL. */
static const char *
file_source (GVirConfigDomainDisk *disk)
{
  GVirConfigDomainDiskType type;
  const char *source;

  if (disk_is_volume (disk))
    return NULL;
  type = gvir_config_domain_disk_get_disk_type (disk);
  source = gvir_config_domain_disk_get_source (disk);
  if ((type == GVIR_CONFIG_DOMAIN_DISK_FILE || type == GVIR_CONFIG_DOMAIN_DISK_BLOCK) &&
      source != NULL && *source != '\0')
    return source;
  return NULL;
}

char *
hangar_domain_config_disk_path (virConnectPtr         conn,
                                GVirConfigDomainDisk *disk)
{
  g_autofree char *pool_name = NULL;
  g_autofree char *vol_name = NULL;
  virStoragePoolPtr pool;
  virStorageVolPtr vol = NULL;
  char *path = NULL;

  if (!disk_is_volume (disk))
    return g_strdup (file_source (disk));

  pool_name = source_prop (disk, "pool");
  vol_name = source_prop (disk, "volume");
  pool = pool_name != NULL ? virStoragePoolLookupByName (conn, pool_name) : NULL;
  if (pool != NULL && vol_name != NULL)
    vol = virStorageVolLookupByName (pool, vol_name);
  if (vol != NULL)
    {
      char *vol_path = virStorageVolGetPath (vol);

      path = g_strdup (vol_path);
      free (vol_path);
      virStorageVolFree (vol);
    }
  if (pool != NULL)
    virStoragePoolFree (pool);
  /* A pool or volume that is gone is no path, not an error. */
  virResetLastError ();
  return path;
}

GPtrArray *
hangar_domain_config_disk_sources (GVirConfigDomain *config)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GList *devices = hangar_domain_config_get_devices (config);

  for (GList *l = devices; l != NULL; l = l->next)
    {
      const char *source;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      source = file_source (l->data);
      if (source != NULL)
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
  const char *name = virDomainGetName (domain);
  GList *devices;

  if (config == NULL)
    return; /* gone meanwhile */
  devices = hangar_domain_config_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      g_autofree char *path = NULL;
      GPtrArray *names;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      path = hangar_domain_config_disk_path (virDomainGetConnect (domain), l->data);
      if (path == NULL)
        continue;
      names = g_hash_table_lookup (users, path);
      if (names == NULL)
        {
          names = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (users, g_strdup (path), names);
        }
      if (!g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_list_free_full (devices, g_object_unref);
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
