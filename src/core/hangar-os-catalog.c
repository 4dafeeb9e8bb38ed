// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-os-catalog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "hangar-fetch.h"
#include "hangar-os-catalog.h"

#define GIB ((guint64) 1 << 30)
#define FALLBACK_MEMORY (2 * GIB)
#define FALLBACK_VCPUS 2
#define FALLBACK_DISK (20 * GIB)
/* Red Hat's PCI vendor id, which every virtio device carries (osinfo writes it
 * without "0x"). */
#define VIRTIO_VENDOR_ID "1af4"
#define VIRTIO_ID_PREFIX "http://pcisig.com/pci/1af4/"
/* With no end-of-life date, an OS released this long ago counts as end-of-life
 * (virt-manager's rule: the database rarely has the date). */
#define EOL_AFTER_YEARS 5

/* HangarOsMatch */

HangarOsMatch *
hangar_os_match_copy (const HangarOsMatch *match)
{
  HangarOsMatch *copy = g_new0 (HangarOsMatch, 1);

  copy->os = match->os ? g_object_ref (match->os) : NULL;
  copy->short_id = g_strdup (match->short_id);
  copy->name = g_strdup (match->name);
  copy->identified = match->identified;
  copy->from_family_guess = match->from_family_guess;
  copy->note = g_strdup (match->note);
  copy->media = match->media ? g_object_ref (match->media) : NULL;
  copy->tree = match->tree ? g_object_ref (match->tree) : NULL;
  return copy;
}

void
hangar_os_match_free (HangarOsMatch *match)
{
  if (match == NULL)
    return;
  g_clear_object (&match->os);
  g_free (match->short_id);
  g_free (match->name);
  g_free (match->note);
  g_clear_object (&match->media);
  g_clear_object (&match->tree);
  g_free (match);
}

G_DEFINE_BOXED_TYPE (HangarOsMatch, hangar_os_match, hangar_os_match_copy, hangar_os_match_free)

/* HangarOsDefaults */

HangarOsDefaults *
hangar_os_defaults_copy (const HangarOsDefaults *defaults)
{
  return g_memdup2 (defaults, sizeof *defaults);
}

void
hangar_os_defaults_free (HangarOsDefaults *defaults)
{
  g_free (defaults);
}

G_DEFINE_BOXED_TYPE (HangarOsDefaults, hangar_os_defaults, hangar_os_defaults_copy,
                     hangar_os_defaults_free)

/* HangarOsEntry */

struct _HangarOsEntry
{
  GObject parent_instance;

  OsinfoOs *os;
  char *short_id;
  char *name;
  char *vendor;
  char *version;
  gboolean eol;
  /* Sort key: names with their numbers in numeric order ("Debian 9" < "Debian 10"). */
  char *name_key;
};

G_DEFINE_FINAL_TYPE (HangarOsEntry, hangar_os_entry, G_TYPE_OBJECT)

enum {
  ENTRY_PROP_0,
  ENTRY_PROP_OS,
  ENTRY_PROP_SHORT_ID,
  ENTRY_PROP_NAME,
  ENTRY_PROP_VENDOR,
  ENTRY_PROP_VERSION,
  ENTRY_PROP_EOL,
  ENTRY_N_PROPS
};

static GParamSpec *entry_properties[ENTRY_N_PROPS];

static void
hangar_os_entry_finalize (GObject *object)
{
  HangarOsEntry *self = (HangarOsEntry *)object;

  g_clear_object (&self->os);
  g_free (self->short_id);
  g_free (self->name);
  g_free (self->vendor);
  g_free (self->version);
  g_free (self->name_key);

  G_OBJECT_CLASS (hangar_os_entry_parent_class)->finalize (object);
}

static void
hangar_os_entry_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HangarOsEntry *self = HANGAR_OS_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_OS:
      g_value_set_object (value, self->os);
      break;
    case ENTRY_PROP_SHORT_ID:
      g_value_set_string (value, self->short_id);
      break;
    case ENTRY_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case ENTRY_PROP_VENDOR:
      g_value_set_string (value, self->vendor);
      break;
    case ENTRY_PROP_VERSION:
      g_value_set_string (value, self->version);
      break;
    case ENTRY_PROP_EOL:
      g_value_set_boolean (value, self->eol);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_os_entry_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HangarOsEntry *self = HANGAR_OS_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_OS:
      self->os = g_value_dup_object (value);
      break;
    case ENTRY_PROP_SHORT_ID:
      self->short_id = g_value_dup_string (value);
      break;
    case ENTRY_PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case ENTRY_PROP_VENDOR:
      self->vendor = g_value_dup_string (value);
      break;
    case ENTRY_PROP_VERSION:
      self->version = g_value_dup_string (value);
      break;
    case ENTRY_PROP_EOL:
      self->eol = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_os_entry_class_init (HangarOsEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY
                      | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hangar_os_entry_finalize;
  object_class->get_property = hangar_os_entry_get_property;
  object_class->set_property = hangar_os_entry_set_property;

  entry_properties[ENTRY_PROP_OS] =
    g_param_spec_object ("os", NULL, NULL, OSINFO_TYPE_OS, flags);
  entry_properties[ENTRY_PROP_SHORT_ID] =
    g_param_spec_string ("short-id", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_VENDOR] =
    g_param_spec_string ("vendor", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_EOL] =
    g_param_spec_boolean ("eol", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, ENTRY_N_PROPS, entry_properties);
}

static void
hangar_os_entry_init (HangarOsEntry *self)
{
}

OsinfoOs *
hangar_os_entry_get_os (HangarOsEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_ENTRY (self), NULL);
  return self->os;
}

const char *
hangar_os_entry_get_short_id (HangarOsEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_ENTRY (self), NULL);
  return self->short_id;
}

const char *
hangar_os_entry_get_name (HangarOsEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_ENTRY (self), NULL);
  return self->name;
}

const char *
hangar_os_entry_get_vendor (HangarOsEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_ENTRY (self), NULL);
  return self->vendor;
}

const char *
hangar_os_entry_get_version (HangarOsEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_ENTRY (self), NULL);
  return self->version;
}

gboolean
hangar_os_entry_get_eol (HangarOsEntry *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_ENTRY (self), FALSE);
  return self->eol;
}

/* HangarOsCatalog */

struct _HangarOsCatalog
{
  GObject parent_instance;

  /* Set on the main thread when the worker's load finishes; read-only afterwards. */
  OsinfoLoader *loader;
  OsinfoDb *db;
  gboolean loading;
  GError *load_error;
  /* GTasks waiting for the one load. */
  GPtrArray *waiting;
  /* HangarOsEntry for every OS, sorted; built once. */
  GPtrArray *entries;
};

G_DEFINE_FINAL_TYPE (HangarOsCatalog, hangar_os_catalog, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_os_catalog_finalize (GObject *object)
{
  HangarOsCatalog *self = (HangarOsCatalog *)object;

  g_assert (self->waiting->len == 0);
  g_ptr_array_unref (self->waiting);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_error (&self->load_error);
  g_clear_object (&self->loader);

  G_OBJECT_CLASS (hangar_os_catalog_parent_class)->finalize (object);
}

static void
hangar_os_catalog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarOsCatalog *self = HANGAR_OS_CATALOG (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, hangar_os_catalog_get_loaded (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_os_catalog_class_init (HangarOsCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_os_catalog_finalize;
  object_class->get_property = hangar_os_catalog_get_property;

  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_os_catalog_init (HangarOsCatalog *self)
{
  self->waiting = g_ptr_array_new ();
}

HangarOsCatalog *
hangar_os_catalog_new (void)
{
  return g_object_new (HANGAR_TYPE_OS_CATALOG, NULL);
}

HangarOsCatalog *
hangar_os_catalog_get_default (void)
{
  static HangarOsCatalog *catalog;

  if (catalog == NULL)
    {
      catalog = hangar_os_catalog_new ();
      hangar_os_catalog_load_async (catalog, NULL, NULL, NULL);
    }
  return catalog;
}

gboolean
hangar_os_catalog_get_loaded (HangarOsCatalog *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_CATALOG (self), FALSE);
  return self->db != NULL;
}

OsinfoDb *
hangar_os_catalog_get_db (HangarOsCatalog *self)
{
  g_return_val_if_fail (HANGAR_IS_OS_CATALOG (self), NULL);
  return self->db;
}

/* Loading */

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(OsinfoLoader) loader = osinfo_loader_new ();
  g_autoptr(GError) error = NULL;

  osinfo_loader_process_default_path (loader, &error);
  if (error != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not read the OS database (osinfo-db): %s. Check that the osinfo-db package is installed."),
                               error->message);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&loader), g_object_unref);
}

static void
on_load_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HangarOsCatalog *self = HANGAR_OS_CATALOG (object);
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GError) error = NULL;

  self->loader = g_task_propagate_pointer (G_TASK (result), &error);
  self->loading = FALSE;
  if (self->loader != NULL)
    self->db = osinfo_loader_get_db (self->loader);
  else
    self->load_error = g_steal_pointer (&error);

  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new ();
  for (guint i = 0; i < waiting->len; i++)
    {
      g_autoptr(GTask) task = waiting->pdata[i];

      if (self->load_error != NULL)
        g_task_return_error (task, g_error_copy (self->load_error));
      else
        g_task_return_boolean (task, TRUE);
    }
  if (self->db != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

void
hangar_os_catalog_load_async (HangarOsCatalog     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_OS_CATALOG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_os_catalog_load_async);

  if (self->db != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* A failed load is not retried: the installed files do not change meanwhile. */
  if (self->load_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->load_error));
      return;
    }

  g_ptr_array_add (self->waiting, g_steal_pointer (&task));
  if (!self->loading)
    {
      /* The one load is not cancellable: others may be waiting for it. */
      g_autoptr(GTask) load = g_task_new (self, NULL, on_load_done_cb, NULL);

      self->loading = TRUE;
      g_task_set_source_tag (load, load_worker);
      g_task_run_in_thread (load, load_worker);
    }
}

gboolean
hangar_os_catalog_load_finish (HangarOsCatalog  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Queries (main thread or identification workers; the database is only read) */

OsinfoOs *
hangar_os_catalog_find_os (HangarOsCatalog *self,
                           const char      *short_id)
{
  g_autoptr(OsinfoOsList) list = NULL;
  int n;

  g_return_val_if_fail (HANGAR_IS_OS_CATALOG (self), NULL);
  g_return_val_if_fail (short_id != NULL, NULL);

  if (self->db == NULL)
    return NULL;
  list = osinfo_db_get_os_list (self->db);
  n = osinfo_list_get_length (OSINFO_LIST (list));
  for (int i = 0; i < n; i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));

      g_autoptr(GList) ids = osinfo_product_get_short_id_list (OSINFO_PRODUCT (os));

      for (GList *l = ids; l != NULL; l = l->next)
        if (g_strcmp0 (l->data, short_id) == 0)
          return os;
    }
  return NULL;
}

static gboolean
os_is_eol (OsinfoOs  *os,
           GDate     *today)
{
  g_autoptr(GDate) eol = osinfo_product_get_eol_date (OSINFO_PRODUCT (os));
  g_autoptr(GDate) released = NULL;

  if (eol != NULL)
    return g_date_compare (eol, today) < 0;
  released = osinfo_product_get_release_date (OSINFO_PRODUCT (os));
  if (released == NULL)
    return FALSE;
  g_date_add_years (released, EOL_AFTER_YEARS);
  return g_date_compare (released, today) < 0;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  HangarOsEntry *ea = *(HangarOsEntry **) a;
  HangarOsEntry *eb = *(HangarOsEntry **) b;
  int cmp;

  /* By the name the list shows (numbers in numeric order), as a user looks for it; the
   * vendor, which the list does not show, only breaks ties. */
  cmp = strcmp (ea->name_key, eb->name_key);
  if (cmp == 0)
    cmp = g_strcmp0 (ea->version, eb->version);
  if (cmp == 0)
    cmp = g_utf8_collate (ea->vendor, eb->vendor);
  if (cmp == 0)
    cmp = g_strcmp0 (ea->short_id, eb->short_id);
  return cmp;
}

static void
ensure_entries (HangarOsCatalog *self)
{
  g_autoptr(OsinfoOsList) list = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDate) today = NULL;
  int n;

  if (self->entries != NULL || self->db == NULL)
    return;

  today = g_date_new_dmy (g_date_time_get_day_of_month (now),
                          g_date_time_get_month (now),
                          g_date_time_get_year (now));
  list = osinfo_db_get_os_list (self->db);
  n = osinfo_list_get_length (OSINFO_LIST (list));
  self->entries = g_ptr_array_new_full (n, g_object_unref);
  for (int i = 0; i < n; i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      OsinfoProduct *product = OSINFO_PRODUCT (os);
      const char *vendor = osinfo_product_get_vendor (product);
      HangarOsEntry *entry;

      entry = g_object_new (HANGAR_TYPE_OS_ENTRY,
                            "os", os,
                            "short-id", osinfo_product_get_short_id (product),
                            "name", osinfo_product_get_name (product),
                            "vendor", vendor != NULL ? vendor : "",
                            "version", osinfo_product_get_version (product),
                            "eol", os_is_eol (os, today),
                            NULL);
      {
        /* Case aside: "AlmaLinux", "ALT p10", "Arch Linux". */
        g_autofree char *folded = g_utf8_casefold (entry->name ? entry->name : "", -1);

        entry->name_key = g_utf8_collate_key_for_filename (folded, -1);
      }
      g_ptr_array_add (self->entries, entry);
    }
  g_ptr_array_sort (self->entries, compare_entries);
}

GListModel *
hangar_os_catalog_get_oses (HangarOsCatalog *self,
                            gboolean         include_eol)
{
  GListStore *store;

  g_return_val_if_fail (HANGAR_IS_OS_CATALOG (self), NULL);

  store = g_list_store_new (HANGAR_TYPE_OS_ENTRY);
  ensure_entries (self);
  if (self->entries == NULL)
    return G_LIST_MODEL (store);

  if (include_eol)
    {
      g_list_store_splice (store, 0, 0, self->entries->pdata, self->entries->len);
    }
  else
    {
      g_autoptr(GPtrArray) current = g_ptr_array_new ();

      for (guint i = 0; i < self->entries->len; i++)
        {
          HangarOsEntry *entry = self->entries->pdata[i];

          if (!entry->eol)
            g_ptr_array_add (current, entry);
        }
      g_list_store_splice (store, 0, 0, current->pdata, current->len);
    }
  return G_LIST_MODEL (store);
}

/* Defaults */

static OsinfoResources *
resources_for_arch (OsinfoResourcesList *list,
                    const char          *arch)
{
  OsinfoResources *all = NULL;
  int n = osinfo_list_get_length (OSINFO_LIST (list));

  for (int i = 0; i < n; i++)
    {
      OsinfoResources *r = OSINFO_RESOURCES (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *r_arch = osinfo_resources_get_architecture (r);

      if (g_strcmp0 (r_arch, arch) == 0)
        return r;
      if (g_strcmp0 (r_arch, OSINFO_ARCHITECTURE_ALL) == 0)
        all = r;
    }
  return all;
}

/* The vendor id comes from the PCI id database (hwdata); where that is missing, the
 * device's id (http://pcisig.com/pci/<vendor>/<product>) says it too. */
static gboolean
is_virtio (OsinfoDevice *dev)
{
  const char *vendor = osinfo_device_get_vendor_id (dev);

  if (vendor != NULL)
    {
      if (g_str_has_prefix (vendor, "0x") || g_str_has_prefix (vendor, "0X"))
        vendor += 2;
      return g_ascii_strcasecmp (vendor, VIRTIO_VENDOR_ID) == 0;
    }
  return g_str_has_prefix (osinfo_entity_get_id (OSINFO_ENTITY (dev)), VIRTIO_ID_PREFIX);
}

HangarOsDefaults *
hangar_os_catalog_get_defaults (HangarOsCatalog *self,
                                OsinfoOs        *os,
                                const char      *arch)
{
  HangarOsDefaults *d = g_new0 (HangarOsDefaults, 1);
  g_autoptr(OsinfoResourcesList) recommended = NULL;
  g_autoptr(OsinfoResourcesList) minimum = NULL;
  g_autoptr(OsinfoDeviceList) devices = NULL;
  g_autoptr(OsinfoFirmwareList) firmwares = NULL;
  OsinfoResources *rec, *min;
  gboolean has_efi = FALSE, has_bios = FALSE, bios_refused = FALSE, has_tpm = FALSE;
  int n;

  g_return_val_if_fail (HANGAR_IS_OS_CATALOG (self), NULL);
  g_return_val_if_fail (os == NULL || OSINFO_IS_OS (os), NULL);
  g_return_val_if_fail (arch != NULL, NULL);

  d->memory = FALLBACK_MEMORY;
  d->vcpus = FALLBACK_VCPUS;
  d->disk = FALLBACK_DISK;
  if (os == NULL)
    return d;

  /* Each value: the recommended one, else twice the minimum, else the fallback. */
  recommended = osinfo_os_get_recommended_resources (os);
  minimum = osinfo_os_get_minimum_resources (os);
  rec = resources_for_arch (recommended, arch);
  min = resources_for_arch (minimum, arch);
  if (rec != NULL && osinfo_resources_get_ram (rec) > 0)
    d->memory = osinfo_resources_get_ram (rec);
  else if (min != NULL && osinfo_resources_get_ram (min) > 0)
    d->memory = 2 * (guint64) osinfo_resources_get_ram (min);
  if (rec != NULL && osinfo_resources_get_n_cpus (rec) > 0)
    d->vcpus = osinfo_resources_get_n_cpus (rec);
  else if (min != NULL && osinfo_resources_get_n_cpus (min) > 0)
    d->vcpus = 2 * osinfo_resources_get_n_cpus (min);
  if (rec != NULL && osinfo_resources_get_storage (rec) > 0)
    d->disk = osinfo_resources_get_storage (rec);
  else if (min != NULL && osinfo_resources_get_storage (min) > 0)
    d->disk = 2 * (guint64) osinfo_resources_get_storage (min);

  /* Devices the OS has drivers for, including those it inherits (derives-from). */
  devices = osinfo_os_get_all_devices (os, NULL);
  n = osinfo_list_get_length (OSINFO_LIST (devices));
  for (int i = 0; i < n; i++)
    {
      OsinfoDevice *dev = OSINFO_DEVICE (osinfo_list_get_nth (OSINFO_LIST (devices), i));
      const char *klass = osinfo_device_get_class (dev);

      if (g_strcmp0 (klass, "tpm") == 0)
        has_tpm = TRUE;
      if (!is_virtio (dev))
        continue;
      if (g_strcmp0 (klass, "block") == 0)
        d->virtio_disk = TRUE;
      else if (g_strcmp0 (klass, "net") == 0)
        d->virtio_net = TRUE;
      else if (g_strcmp0 (klass, "rng") == 0)
        d->virtio_rng = TRUE;
      else if (g_strcmp0 (klass, "memory.balloon") == 0)
        d->balloon = TRUE;
    }

  /* UEFI is needed when the OS supports EFI on this architecture and marks BIOS
   * unsupported there (an OS that names no BIOS entry keeps BIOS, libosinfo's default). */
  firmwares = osinfo_os_get_complete_firmware_list (os, NULL);
  n = osinfo_list_get_length (OSINFO_LIST (firmwares));
  for (int i = 0; i < n; i++)
    {
      OsinfoFirmware *fw = OSINFO_FIRMWARE (osinfo_list_get_nth (OSINFO_LIST (firmwares), i));
      const char *type = osinfo_firmware_get_firmware_type (fw);

      if (g_strcmp0 (osinfo_firmware_get_architecture (fw), arch) != 0)
        continue;
      if (g_strcmp0 (type, "bios") == 0)
        {
          if (osinfo_firmware_is_supported (fw))
            has_bios = TRUE;
          else
            bios_refused = TRUE;
        }
      else if (g_strcmp0 (type, "efi") == 0 && osinfo_firmware_is_supported (fw))
        has_efi = TRUE;
    }
  d->needs_uefi = has_efi && !has_bios && bios_refused;

  /* A TPM: when the OS lists a TPM device, or when it is Windows (family winnt) that
   * refuses BIOS — Windows 11's requirement; osinfo-db 1.10's files describe neither
   * TPM devices nor Secure Boot, so the firmware rule stands for both. */
  d->wants_tpm = has_tpm || (d->needs_uefi && g_strcmp0 (osinfo_os_get_family (os), "winnt") == 0);
  return d;
}

/* Identification */

/* Volume ids (and .treeinfo families) of distributions, and their osinfo "distro". */
static const struct {
  const char *pattern;
  const char *distro;
  const char *label;
} families[] = {
  { "^Debian[ _-]", "debian", "Debian" },
  { "^Fedora", "fedora", "Fedora" },
  { "^Ubuntu", "ubuntu", "Ubuntu" },
  { "^openSUSE", "opensuse", "openSUSE" },
  { "^CentOS", "centos", "CentOS" },
  { "^Rocky", "rocky", "Rocky Linux" },
  { "^AlmaLinux", "almalinux", "AlmaLinux" },
  { "^RHEL|^Red Hat Enterprise Linux", "rhel", "Red Hat Enterprise Linux" },
  { "^alpine", "alpinelinux", "Alpine Linux" },
};

/* The newest released OS of @distro: latest release date, a short id starting with the
 * distro's name first on equal dates (fedora37 before silverblue37). */
static OsinfoOs *
newest_of_distro (OsinfoDb   *db,
                  const char *distro)
{
  g_autoptr(OsinfoOsList) list = osinfo_db_get_os_list (db);
  g_autoptr(GDate) best_date = NULL;
  OsinfoOs *best = NULL;
  int n = osinfo_list_get_length (OSINFO_LIST (list));

  for (int i = 0; i < n; i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      g_autoptr(GDate) date = NULL;
      int cmp;

      if (g_strcmp0 (osinfo_os_get_distro (os), distro) != 0
          || osinfo_os_get_release_status (os) != OSINFO_RELEASE_STATUS_RELEASED)
        continue;
      date = osinfo_product_get_release_date (OSINFO_PRODUCT (os));
      if (date == NULL)
        continue;
      cmp = best_date ? g_date_compare (date, best_date) : 1;
      if (cmp == 0)
        cmp = g_str_has_prefix (osinfo_product_get_short_id (OSINFO_PRODUCT (os)), distro)
              && !g_str_has_prefix (osinfo_product_get_short_id (OSINFO_PRODUCT (best)), distro);
      if (cmp > 0)
        {
          best = os;
          g_clear_pointer (&best_date, g_date_free);
          best_date = g_steal_pointer (&date);
        }
    }
  return best;
}

static HangarOsMatch *
match_new (OsinfoOs *os)
{
  HangarOsMatch *match = g_new0 (HangarOsMatch, 1);

  if (os != NULL)
    {
      match->os = g_object_ref (os);
      match->short_id = g_strdup (osinfo_product_get_short_id (OSINFO_PRODUCT (os)));
      match->name = g_strdup (osinfo_product_get_name (OSINFO_PRODUCT (os)));
    }
  else
    {
      match->name = g_strdup (_("Unknown"));
    }
  return match;
}

/* What libosinfo did not recognise: the newest of the family @label names, else the
 * generic Linux of 2022, else unknown. */
static HangarOsMatch *
guess (OsinfoDb   *db,
       const char *label)
{
  OsinfoOs *os;

  for (gsize i = 0; label != NULL && i < G_N_ELEMENTS (families); i++)
    {
      if (!g_regex_match_simple (families[i].pattern, label, 0, 0))
        continue;
      os = newest_of_distro (db, families[i].distro);
      if (os != NULL)
        {
          HangarOsMatch *match = match_new (os);

          match->from_family_guess = TRUE;
          /* Translators: the first %s is a distribution ("Debian"), the second an OS
           * of the database ("Debian 11"). */
          match->note = g_strdup_printf (_("This %s release is newer than Hangar’s OS database, so %s is suggested; to update the database, download a newer osinfo-db tarball and run “osinfo-db-import --local” on it."),
                                         families[i].label, match->name);
          return match;
        }
    }
  os = osinfo_db_get_os (db, "http://libosinfo.org/linux/2022");
  return match_new (os);
}

/* An identification: where to read, and the worker that reads it once the database is
 * loaded. */
typedef struct {
  char *location;
  GTaskThreadFunc worker;
} Identify;

static void
identify_free (Identify *identify)
{
  g_free (identify->location);
  g_free (identify);
}

static void
on_identify_load_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Identify *identify = g_task_get_task_data (task);
  GError *error = NULL;

  if (!hangar_os_catalog_load_finish (HANGAR_OS_CATALOG (object), result, &error))
    g_task_return_error (task, error);
  else if (!g_task_return_error_if_cancelled (task))
    g_task_run_in_thread (task, identify->worker);
}

static void
identify_async (HangarOsCatalog     *self,
                const char          *location,
                GTaskThreadFunc      worker,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Identify *identify = g_new0 (Identify, 1);

  identify->location = g_strdup (location);
  identify->worker = worker;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, identify, (GDestroyNotify) identify_free);
  hangar_os_catalog_load_async (self, cancellable, on_identify_load_cb, g_steal_pointer (&task));
}

static HangarOsMatch *
identify_finish (HangarOsCatalog  *self,
                 GAsyncResult     *result,
                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* libosinfo's synchronous readers run a main loop on the thread-default context: give
 * them one of this worker's own, so that they never iterate the main thread's. */
static void
identify_media_worker (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  HangarOsCatalog *self = source_object;
  const char *path = ((Identify *) task_data)->location;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(OsinfoMedia) media = NULL;
  g_autoptr(OsinfoMedia) matched = NULL;
  g_autoptr(GError) error = NULL;
  HangarOsMatch *match;

  g_main_context_push_thread_default (context);
  media = osinfo_media_create_from_location (path, cancellable, &error);
  g_main_context_pop_thread_default (context);

  if (media == NULL)
    {
      g_autofree char *name = g_filename_display_basename (path);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (g_error_matches (error, OSINFO_MEDIA_ERROR, OSINFO_MEDIA_ERROR_NOT_BOOTABLE))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                 _("“%s” is not a bootable install medium. Choose the ISO image of an installer."),
                                 name);
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                 _("Could not read “%s” as an ISO image: %s. Check that the file is an install ISO you can read."),
                                 name, error->message);
      return;
    }

  if (osinfo_db_identify_media (self->db, media))
    {
      match = match_new (osinfo_media_get_os (media));
      match->identified = TRUE;
    }
  else
    {
      match = guess (self->db, osinfo_media_get_volume_id (media));
    }
  match->media = g_steal_pointer (&media);
  g_task_return_pointer (task, match, (GDestroyNotify) hangar_os_match_free);
}

void
hangar_os_catalog_identify_media_async (HangarOsCatalog     *self,
                                        const char          *path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_OS_CATALOG (self));
  g_return_if_fail (path != NULL);

  identify_async (self, path, identify_media_worker, hangar_os_catalog_identify_media_async,
                  cancellable, callback, user_data);
}

HangarOsMatch *
hangar_os_catalog_identify_media_finish (HangarOsCatalog  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  return identify_finish (self, result, error);
}

static gboolean
on_tree_timeout_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Distribution trees */

/* Debian's and Ubuntu's architectures, as their installer directories name them, and
 * libosinfo's. */
static const struct {
  const char *debian;
  const char *osinfo;
} debian_arches[] = {
  { "amd64", "x86_64" }, { "i386", "i686" }, { "arm64", "aarch64" }, { "armhf", "armv7l" },
  { "ppc64el", "ppc64le" }, { "s390x", "s390x" },
};

/* "dists/SUITE/main/installer-ARCH" of a Debian-style installer directory's URL (its
 * path's end, without the slash), or NULL. */
static char *
debian_tree_key (const char *location)
{
  g_autoptr(GRegex) regex = g_regex_new ("(?:^|/)(dists/[^/]+/main/installer-[^/]+)/*$", 0, 0, NULL);
  g_autoptr(GMatchInfo) info = NULL;

  if (location == NULL || !g_regex_match (regex, location, 0, &info))
    return NULL;
  return g_match_info_fetch (info, 1);
}

/* The OS of the database whose tree is at the same place of a mirror as @key, and that
 * tree (transfer none both), or NULL. */
static OsinfoOs *
find_debian_tree_os (OsinfoDb    *db,
                     const char  *key,
                     OsinfoTree **known)
{
  g_autoptr(OsinfoOsList) list = osinfo_db_get_os_list (db);

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      g_autoptr(OsinfoTreeList) trees = osinfo_os_get_tree_list (os);

      for (int j = 0; j < osinfo_list_get_length (OSINFO_LIST (trees)); j++)
        {
          OsinfoTree *tree = OSINFO_TREE (osinfo_list_get_nth (OSINFO_LIST (trees), j));
          g_autofree char *tree_key = debian_tree_key (osinfo_tree_get_url (tree));

          if (g_strcmp0 (tree_key, key) == 0 && osinfo_tree_get_kernel_path (tree) != NULL
              && osinfo_tree_get_initrd_path (tree) != NULL)
            {
              *known = tree;
              return os;
            }
        }
    }
  return NULL;
}

/* A Debian or Ubuntu installer directory (…/dists/bookworm/main/installer-amd64/), which
 * has no .treeinfo: it is one when its images' MANIFEST is there, as virt-install checks.
 * Its OS is the database's release whose tree is at that place of a mirror (the suite's
 * code name); else its treeinfo family names the distribution, for a guess. The kernel
 * and initrd are where that release keeps them, else where netboot images are. */
static OsinfoTree *
read_debian_tree (OsinfoDb      *db,
                  const char    *location,
                  const char    *key,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autofree char *base = g_str_has_suffix (location, "/") ? g_strdup (location)
                                                          : g_strconcat (location, "/", NULL);
  g_autofree char *manifest = g_strconcat (base, "current/images/MANIFEST", NULL);
  g_autofree char *lower = g_ascii_strdown (location, -1);
  g_autoptr(GBytes) bytes = NULL;
  gboolean ubuntu = strstr (lower, "ubuntu") != NULL;
  const char *debian_arch = strrchr (key, '-') + 1;
  const char *arch = NULL;
  OsinfoTree *known = NULL;
  OsinfoOs *os;
  OsinfoTree *tree;

  bytes = hangar_fetch_bytes (manifest, 1 << 20, cancellable, error);
  if (bytes == NULL)
    return NULL;
  os = find_debian_tree_os (db, key, &known);
  for (gsize i = 0; i < G_N_ELEMENTS (debian_arches); i++)
    if (g_str_equal (debian_arches[i].debian, debian_arch))
      arch = debian_arches[i].osinfo;
  tree = osinfo_tree_new (location, known != NULL ? osinfo_tree_get_architecture (known)
                                                  : arch != NULL ? arch : debian_arch);
  osinfo_entity_set_param (OSINFO_ENTITY (tree), OSINFO_TREE_PROP_URL, location);
  osinfo_entity_set_param (OSINFO_ENTITY (tree), OSINFO_TREE_PROP_TREEINFO_FAMILY,
                           ubuntu ? "Ubuntu" : "Debian GNU/Linux");
  if (known != NULL)
    {
      osinfo_entity_set_param (OSINFO_ENTITY (tree), OSINFO_TREE_PROP_KERNEL,
                               osinfo_tree_get_kernel_path (known));
      osinfo_entity_set_param (OSINFO_ENTITY (tree), OSINFO_TREE_PROP_INITRD,
                               osinfo_tree_get_initrd_path (known));
      osinfo_tree_set_os (tree, os);
    }
  else
    {
      g_autofree char *dir = g_strdup_printf ("current/images/netboot/%s-installer/%s/",
                                              ubuntu ? "ubuntu" : "debian", debian_arch);
      g_autofree char *kernel = g_strconcat (dir, "linux", NULL);
      g_autofree char *initrd = g_strconcat (dir, "initrd.gz", NULL);

      osinfo_entity_set_param (OSINFO_ENTITY (tree), OSINFO_TREE_PROP_KERNEL, kernel);
      osinfo_entity_set_param (OSINFO_ENTITY (tree), OSINFO_TREE_PROP_INITRD, initrd);
    }
  return tree;
}

OsinfoTree *
hangar_os_tree_read (OsinfoDb      *db,
                     const char    *location,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(OsinfoTree) tree = NULL;
  g_autoptr(GError) treeinfo_error = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (OSINFO_IS_DB (db), NULL);
  g_return_val_if_fail (location != NULL, NULL);

  tree = osinfo_tree_create_from_location (location, cancellable, &treeinfo_error);
  if (tree != NULL)
    {
      osinfo_db_identify_tree (db, tree);
      return g_steal_pointer (&tree);
    }
  key = debian_tree_key (location);
  if (key == NULL || g_cancellable_is_cancelled (cancellable))
    {
      g_propagate_error (error, g_steal_pointer (&treeinfo_error));
      return NULL;
    }
  return read_debian_tree (db, location, key, cancellable, error);
}

static gboolean
on_tree_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
identify_tree_worker (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  HangarOsCatalog *self = source_object;
  const char *location = ((Identify *) task_data)->location;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) bounded = g_cancellable_new ();
  g_autoptr(GSource) timer = NULL;
  g_autoptr(GSource) relay = NULL;
  g_autoptr(OsinfoTree) tree = NULL;
  g_autoptr(OsinfoOs) os = NULL;
  g_autoptr(GError) error = NULL;
  HangarOsMatch *match;

  /* The reader runs on this worker's context, and so do the timeout and the relay of
   * the caller's Cancel: the reader's cancellable is cancelled in its own thread. */
  timer = g_timeout_source_new_seconds (HANGAR_OS_CATALOG_TREE_TIMEOUT_S);
  g_source_set_callback (timer, G_SOURCE_FUNC (on_tree_timeout_cb), bounded, NULL);
  g_source_attach (timer, context);
  if (cancellable != NULL)
    {
      relay = g_cancellable_source_new (cancellable);
      g_source_set_callback (relay, G_SOURCE_FUNC (on_tree_cancelled_cb), bounded, NULL);
      g_source_attach (relay, context);
    }

  g_main_context_push_thread_default (context);
  tree = hangar_os_tree_read (self->db, location, bounded, &error);
  g_main_context_pop_thread_default (context);
  g_source_destroy (timer);
  if (relay != NULL)
    g_source_destroy (relay);

  if (tree == NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("Reading the distribution tree was cancelled."));
      else if (g_cancellable_is_cancelled (bounded))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                 _("“%s” did not answer within %d seconds. Check the URL and that the server is reachable."),
                                 location, HANGAR_OS_CATALOG_TREE_TIMEOUT_S);
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                 _("“%s” is not a distribution tree (%s). Give the URL of a directory that holds a .treeinfo file, or of Debian’s or Ubuntu’s installer (…/dists/bookworm/main/installer-amd64/)."),
                                 location, error->message);
      return;
    }

  os = osinfo_tree_get_os (tree);
  if (os != NULL)
    {
      match = match_new (os);
      match->identified = TRUE;
    }
  else
    {
      match = guess (self->db, osinfo_tree_get_treeinfo_family (tree));
    }
  match->tree = g_steal_pointer (&tree);
  g_task_return_pointer (task, match, (GDestroyNotify) hangar_os_match_free);
}

void
hangar_os_catalog_identify_tree_async (HangarOsCatalog     *self,
                                       const char          *location,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (HANGAR_IS_OS_CATALOG (self));
  g_return_if_fail (location != NULL);

  identify_async (self, location, identify_tree_worker, hangar_os_catalog_identify_tree_async,
                  cancellable, callback, user_data);
}

HangarOsMatch *
hangar_os_catalog_identify_tree_finish (HangarOsCatalog  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  return identify_finish (self, result, error);
}
