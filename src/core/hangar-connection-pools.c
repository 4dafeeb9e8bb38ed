// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-connection"

/* Making pools on a HangarConnection's host: which types it can make, the default pool,
 * checking what the wizard asks for, and creating a pool step by step with undo. */

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-pool-private.h"
#include "hangar-storage-private.h"

/* What the host can make. */

GArray *
hangar_storage_pool_types_from_xml (const char *xml,
                                    GError    **error)
{
  g_autoptr(GVirConfigObject) caps = NULL;
  g_autoptr(GArray) types = g_array_new (FALSE, FALSE, sizeof (HangarPoolType));
  xmlNodePtr root;

  caps = gvir_config_object_new_from_xml (GVIR_CONFIG_TYPE_OBJECT, "storagepoolCapabilities",
                                          NULL, xml, error);
  if (caps == NULL)
    return NULL;
  root = hangar_storage_config_node (caps);
  /* <pool type='dir' supported='yes'>…, in the wizard's order. */
  for (HangarPoolType t = HANGAR_POOL_TYPE_DIR; t < HANGAR_POOL_TYPE_OTHER; t++)
    {
      for (xmlNodePtr node = root != NULL ? root->children : NULL; node; node = node->next)
        {
          g_autofree char *type = NULL;
          g_autofree char *supported = NULL;

          if (node->type != XML_ELEMENT_NODE || !xmlStrEqual (node->name, BAD_CAST "pool"))
            continue;
          type = hangar_storage_xml_attr (node, "type");
          supported = hangar_storage_xml_attr (node, "supported");
          if (g_strcmp0 (type, hangar_pool_type_to_string (t)) == 0 &&
              g_strcmp0 (supported, "yes") == 0)
            g_array_append_val (types, t);
        }
    }
  return g_steal_pointer (&types);
}

static void
pool_types_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  virConnectPtr conn = task_data;
  g_autofree char *xml = virConnectGetStoragePoolCapabilities (conn, 0);
  g_autoptr(GArray) types = NULL;
  GError *error = NULL;

  if (xml == NULL)
    {
      virErrorPtr err = virGetLastError ();

      /* Hosts before libvirt 5.2, and the test driver, cannot say: offer all. */
      if (err != NULL && err->code == VIR_ERR_NO_SUPPORT)
        {
          types = g_array_new (FALSE, FALSE, sizeof (HangarPoolType));
          for (HangarPoolType t = HANGAR_POOL_TYPE_DIR; t < HANGAR_POOL_TYPE_OTHER; t++)
            g_array_append_val (types, t);
          g_task_return_pointer (task, g_steal_pointer (&types), (GDestroyNotify)g_array_unref);
          return;
        }
      g_task_return_new_error (task, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_FAILED,
                               _("Could not ask the host which pool types it supports: %s"),
                               virGetLastErrorMessage ());
      return;
    }

  types = hangar_storage_pool_types_from_xml (xml, &error);
  if (types == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&types), (GDestroyNotify)g_array_unref);
}

void
hangar_connection_get_pool_types_async (HangarConnection   *self,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_CONNECTION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_connection_get_pool_types_async);
  if (self->conn == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("%s is not connected."), self->title);
      return;
    }
  virConnectRef (self->conn);
  g_task_set_task_data (task, self->conn, hangar_virt_conn_unref);
  g_task_run_in_thread (task, pool_types_thread);
}

GArray *
hangar_connection_get_pool_types_finish (HangarConnection *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

HangarPoolSpec *
hangar_connection_default_pool_spec (HangarConnection *self)
{
  HangarPoolSpec *spec;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  spec = hangar_pool_spec_new ();
  spec->name = g_strdup ("default");
  spec->type = HANGAR_POOL_TYPE_DIR;
  /* As virt-manager: a session daemon keeps images in the user's data directory. */
  if (hangar_connection_uri_is_session (self->uri))
    spec->target_path = g_build_filename (g_get_user_data_dir (), "libvirt", "images", NULL);
  else
    spec->target_path = g_strdup ("/var/lib/libvirt/images");
  spec->build = TRUE;
  spec->autostart = TRUE;
  return spec;
}

/* Checking a pool spec, as the user types: no libvirt call. Paths are checked on this
 * machine only when the host is this machine. */

static gboolean
is_empty (const char *value)
{
  return value == NULL || *value == '\0';
}

static gboolean
check_missing (const char *value,
               const char *message,
               GError    **error)
{
  if (!is_empty (value))
    return TRUE;
  g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_MISSING, message);
  return FALSE;
}

gboolean
hangar_connection_check_pool_spec (HangarConnection     *self,
                                   const HangarPoolSpec *spec,
                                   GError              **error)
{
  HangarPoolFields fields;
  gboolean local;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  if (!hangar_storage_check_name (spec->name, error))
    return FALSE;
  if (hangar_connection_find_pool (self, spec->name) != NULL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_EXISTS,
                   _("%s already has a pool called “%s”. Choose another name."),
                   self->title, spec->name);
      return FALSE;
    }
  if (spec->type == HANGAR_POOL_TYPE_OTHER || (guint)spec->type > HANGAR_POOL_TYPE_OTHER)
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_UNSUPPORTED,
                           _("Hangar cannot create pools of this type. Choose another type."));
      return FALSE;
    }

  fields = hangar_pool_type_get_fields (spec->type);
  local = !hangar_connection_uri_is_remote (self->uri);

  if (fields & HANGAR_POOL_FIELD_TARGET_PATH)
    {
      if (!check_missing (spec->target_path,
                          _("Enter the target path, the directory where the pool appears on the host."),
                          error))
        return FALSE;
      if (!g_path_is_absolute (spec->target_path))
        {
          g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_PATH,
                       _("The target path “%s” is not absolute. Enter a path that starts with “/”."),
                       spec->target_path);
          return FALSE;
        }
      if (local && g_file_test (spec->target_path, G_FILE_TEST_EXISTS) &&
          !g_file_test (spec->target_path, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_PATH,
                       _("The target path “%s” exists and is not a directory. Choose another path."),
                       spec->target_path);
          return FALSE;
        }
    }

  if (fields & HANGAR_POOL_FIELD_SOURCE_HOST &&
      !check_missing (spec->source_host,
                      _("Enter the source host, the name or address of the server."), error))
    return FALSE;

  if (fields & HANGAR_POOL_FIELD_SOURCE_PATH &&
      !check_missing (spec->source_path,
                      _("Enter the source path, the directory the server exports."), error))
    return FALSE;

  if (fields & HANGAR_POOL_FIELD_SOURCE_DEVICE)
    {
      if (spec->type == HANGAR_POOL_TYPE_ISCSI)
        {
          /* An iSCSI pool's "device" is the target's IQN, on the server. */
          if (!check_missing (spec->source_device,
                              _("Enter the target IQN, such as “iqn.2026-01.com.example:disks”."),
                              error))
            return FALSE;
        }
      else
        {
          /* A volume group can be made of nothing more than its name. */
          if (spec->type != HANGAR_POOL_TYPE_LOGICAL &&
              !check_missing (spec->source_device,
                              _("Enter the source device, such as “/dev/sdb”."), error))
            return FALSE;
          if (!is_empty (spec->source_device) && local &&
              !g_file_test (spec->source_device, G_FILE_TEST_EXISTS))
            {
              g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_NO_DEVICE,
                           _("The source device “%s” does not exist on this host. Choose a device that does."),
                           spec->source_device);
              return FALSE;
            }
        }
    }

  if (fields & HANGAR_POOL_FIELD_SOURCE_FORMAT && !is_empty (spec->source_format) &&
      !g_strv_contains (hangar_pool_type_get_formats (spec->type), spec->source_format))
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_UNSUPPORTED,
                   _("The source format “%s” is not one a %s pool can have. Choose one from the list."),
                   spec->source_format, hangar_pool_type_to_label (spec->type));
      return FALSE;
    }

  if (fields & HANGAR_POOL_FIELD_SOURCE_NAME && !is_empty (spec->source_name) &&
      !hangar_storage_check_name (spec->source_name, error))
    {
      g_prefix_error (error, _("Volume group name: "));
      return FALSE;
    }

  return TRUE;
}

/* Creating a pool. The XML is built with libvirt-gconfig; the element gconfig 4.0 has
 * no setter for (iSCSI's <initiator><iqn name=…/>) is added to the source's node. */

static GVirConfigStoragePoolType
gconfig_pool_type (HangarPoolType type)
{
  switch (type)
    {
    case HANGAR_POOL_TYPE_FS:
      return GVIR_CONFIG_STORAGE_POOL_TYPE_FS;
    case HANGAR_POOL_TYPE_NETFS:
      return GVIR_CONFIG_STORAGE_POOL_TYPE_NETFS;
    case HANGAR_POOL_TYPE_LOGICAL:
      return GVIR_CONFIG_STORAGE_POOL_TYPE_LOGICAL;
    case HANGAR_POOL_TYPE_DISK:
      return GVIR_CONFIG_STORAGE_POOL_TYPE_DISK;
    case HANGAR_POOL_TYPE_ISCSI:
      return GVIR_CONFIG_STORAGE_POOL_TYPE_ISCSI;
    case HANGAR_POOL_TYPE_DIR:
    case HANGAR_POOL_TYPE_OTHER:
    default:
      return GVIR_CONFIG_STORAGE_POOL_TYPE_DIR;
    }
}

/* <element attribute="value"/> under @parent; xmlNewProp escapes the value itself. */
static void
add_element (xmlNodePtr  parent,
             const char *element,
             const char *attribute,
             const char *value)
{
  xmlNodePtr node = xmlNewChild (parent, NULL, BAD_CAST element, NULL);

  xmlNewProp (node, BAD_CAST attribute, BAD_CAST value);
}

static char *
pool_spec_to_xml (const HangarPoolSpec *spec)
{
  g_autoptr(GVirConfigStoragePool) pool = gvir_config_storage_pool_new ();
  g_autoptr(GVirConfigStoragePoolTarget) target = gvir_config_storage_pool_target_new ();
  g_autoptr(GVirConfigStoragePoolSource) source = gvir_config_storage_pool_source_new ();
  HangarPoolFields fields = hangar_pool_type_get_fields (spec->type);
  const char *const *formats = hangar_pool_type_get_formats (spec->type);
  gboolean has_source = FALSE;

  gvir_config_storage_pool_set_name (pool, spec->name);
  gvir_config_storage_pool_set_pool_type (pool, gconfig_pool_type (spec->type));

  if (fields & HANGAR_POOL_FIELD_SOURCE_HOST && !is_empty (spec->source_host))
    {
      gvir_config_storage_pool_source_set_host (source, spec->source_host);
      has_source = TRUE;
    }
  if (fields & HANGAR_POOL_FIELD_SOURCE_DEVICE && !is_empty (spec->source_device))
    {
      gvir_config_storage_pool_source_set_device_path (source, spec->source_device);
      has_source = TRUE;
    }
  /* gconfig 4.0's set_directory writes <directory>, which libvirt does not read: the
   * element is <dir path=…/>. */
  if (fields & HANGAR_POOL_FIELD_SOURCE_PATH && !is_empty (spec->source_path))
    {
      add_element (hangar_storage_config_node (source), "dir", "path", spec->source_path);
      has_source = TRUE;
    }
  if (fields & HANGAR_POOL_FIELD_SOURCE_FORMAT)
    {
      gvir_config_storage_pool_source_set_format (source, !is_empty (spec->source_format)
                                                            ? spec->source_format
                                                            : formats[0]);
      has_source = TRUE;
    }
  if (spec->type == HANGAR_POOL_TYPE_LOGICAL)
    {
      /* As virt-manager: the volume group is called as the pool unless named. */
      gvir_config_storage_pool_source_set_name (source, !is_empty (spec->source_name)
                                                          ? spec->source_name
                                                          : spec->name);
      gvir_config_storage_pool_source_set_format (source, "lvm2");
      has_source = TRUE;
    }
  if (has_source)
    gvir_config_storage_pool_set_source (pool, source);

  if (fields & HANGAR_POOL_FIELD_INITIATOR && !is_empty (spec->initiator))
    {
      g_autoptr(GVirConfigStoragePoolSource) attached = gvir_config_storage_pool_get_source (pool);
      xmlNodePtr node;
      xmlNodePtr initiator;

      if (attached == NULL)
        {
          gvir_config_storage_pool_set_source (pool, source);
          attached = gvir_config_storage_pool_get_source (pool);
        }
      node = hangar_storage_config_node (attached);
      initiator = xmlNewChild (node, NULL, BAD_CAST "initiator", NULL);
      add_element (initiator, "iqn", "name", spec->initiator);
    }

  if (fields & HANGAR_POOL_FIELD_TARGET_PATH && !is_empty (spec->target_path))
    gvir_config_storage_pool_target_set_path (target, spec->target_path);
  else if (spec->type == HANGAR_POOL_TYPE_LOGICAL)
    {
      g_autofree char *path = g_build_filename ("/dev", !is_empty (spec->source_name)
                                                          ? spec->source_name
                                                          : spec->name, NULL);

      gvir_config_storage_pool_target_set_path (target, path);
    }
  gvir_config_storage_pool_set_target (pool, target);

  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (pool));
}

/* The steps run one worker each; between them the main thread looks at Cancel, so a
 * cancelled creation stops before its next step and undoes the ones done. */
typedef enum {
  STEP_DEFINE,
  STEP_BUILD,
  STEP_START,
  STEP_AUTOSTART,
  STEP_READ,
  STEP_UNDO,
  N_STEPS
} CreateStep;

typedef struct {
  HangarPoolSpec *spec;
  char *xml;
  HangarJob *job;
  GCancellable *cancellable;
  virConnectPtr conn;
  virStoragePoolPtr pool;
  CreateStep step;
  gboolean local;
  gboolean defined;
  gboolean built;
  gboolean started;
  /* Building a dir pool makes its directory: undone only if it was not there. */
  gboolean build_made_directory;
  HangarPoolInfo *info;
  GError *error;
} CreatePool;

static void
create_pool_free (CreatePool *create)
{
  hangar_pool_spec_free (create->spec);
  g_free (create->xml);
  g_clear_object (&create->job);
  g_clear_object (&create->cancellable);
  g_clear_pointer (&create->pool, hangar_virt_pool_unref);
  g_clear_pointer (&create->conn, virConnectClose);
  g_clear_pointer (&create->info, hangar_pool_info_free);
  g_clear_error (&create->error);
  g_free (create);
}

static gboolean
create_is_cancelled (CreatePool *create)
{
  return g_cancellable_is_cancelled (create->cancellable) ||
         (create->job != NULL && hangar_job_is_cancelled (create->job));
}

static void
undo_created_pool (CreatePool *create)
{
  /* Each step undone in reverse; failures here are logged, the first error stands. */
  if (create->started && virStoragePoolDestroy (create->pool) < 0)
    g_warning ("Could not stop the half-made pool “%s”: %s", create->spec->name,
               virGetLastErrorMessage ());
  if (create->built &&
      (create->spec->type == HANGAR_POOL_TYPE_LOGICAL || create->build_made_directory) &&
      virStoragePoolDelete (create->pool, 0) < 0)
    g_warning ("Could not delete what building the pool “%s” made: %s", create->spec->name,
               virGetLastErrorMessage ());
  if (create->defined && virStoragePoolUndefine (create->pool) < 0)
    g_warning ("Could not forget the half-made pool “%s”: %s", create->spec->name,
               virGetLastErrorMessage ());
}

/* Without flags libvirt only makes the target directory. Formatting a file system or a
 * partition table, or making a volume group, needs OVERWRITE: the user asked for it
 * beside the words "erases the device". (NO_OVERWRITE would refuse a device that
 * holds anything, and leave the user no way on.) */
static gboolean
build_pool (virStoragePoolPtr     pool,
            const HangarPoolSpec *spec)
{
  unsigned int flags = 0;
  virErrorPtr err;

  if (spec->build && (spec->type == HANGAR_POOL_TYPE_FS || spec->type == HANGAR_POOL_TYPE_DISK ||
                      spec->type == HANGAR_POOL_TYPE_LOGICAL))
    flags = VIR_STORAGE_POOL_BUILD_OVERWRITE;
  if (virStoragePoolBuild (pool, flags) == 0)
    return TRUE;
  /* A driver with no storage behind it (the test driver) takes no flags at all. */
  err = virGetLastError ();
  if (flags == 0 || err == NULL || err->code != VIR_ERR_INVALID_ARG)
    return FALSE;
  return virStoragePoolBuild (pool, 0) == 0;
}

static void
create_step_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CreatePool *create = task_data;
  const char *name = create->spec->name;
  GError *error = NULL;

  switch (create->step)
    {
    case STEP_DEFINE:
      create->pool = virStoragePoolDefineXML (create->conn, create->xml, 0);
      if (create->pool == NULL)
        {
          hangar_storage_set_virt_error (&error, _("Could not define the pool “%s”: %s"), name);
          break;
        }
      create->defined = TRUE;
      break;

    case STEP_BUILD:
      /* Only a local directory can be looked at; elsewhere it is left as built. */
      create->build_made_directory = create->spec->type == HANGAR_POOL_TYPE_DIR &&
                                     create->local &&
                                     !g_file_test (create->spec->target_path, G_FILE_TEST_EXISTS);
      if (!build_pool (create->pool, create->spec))
        {
          hangar_storage_set_virt_error (&error, _("Could not build the pool “%s”: %s"), name);
          break;
        }
      create->built = TRUE;
      break;

    case STEP_START:
      if (virStoragePoolCreate (create->pool, 0) < 0)
        {
          hangar_storage_set_virt_error (&error, _("Could not start the pool “%s”: %s"), name);
          break;
        }
      create->started = TRUE;
      break;

    case STEP_AUTOSTART:
      if (virStoragePoolSetAutostart (create->pool, 1) < 0)
        hangar_storage_set_virt_error (&error,
                                       _("Could not make the pool “%s” start with the host: %s"),
                                       name);
      break;

    case STEP_READ:
      create->info = hangar_pool_info_fetch (create->pool, &error);
      break;

    case STEP_UNDO:
      undo_created_pool (create);
      break;

    case N_STEPS:
    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void run_create_step (GTask *outer);
static void finish_create   (GTask *outer);

static void
on_create_step_done_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  CreatePool *create = g_task_get_task_data (outer);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_assert (create->error == NULL);
      create->error = error;
    }
  if (create->step == STEP_UNDO)
    {
      g_task_return_error (outer, g_steal_pointer (&create->error));
      return;
    }
  /* Read back: done. A Cancel now comes too late, as after the callback. */
  if (create->step == STEP_READ && create->error == NULL)
    {
      finish_create (outer);
      return;
    }
  create->step++;
  run_create_step (g_steal_pointer (&outer));
}

static void
finish_create (GTask *outer)
{
  HangarConnection *self = g_task_get_source_object (outer);
  CreatePool *create = g_task_get_task_data (outer);
  HangarPool *listed = g_hash_table_lookup (self->pools_by_uuid, create->info->uuid);
  g_autoptr(HangarPool) pool = NULL;

  /* The events may have brought it already; else it joins now, read. */
  if (listed != NULL)
    {
      hangar_pool_apply_info (listed, create->info);
      pool = g_object_ref (listed);
    }
  else if (self->conn == create->conn)
    {
      hangar_connection_cancel_arriving_pool (self, create->info->uuid);
      pool = g_object_ref (hangar_connection_add_pool (self, create->pool, create->info));
    }
  else
    pool = hangar_pool_new (self, NULL, create->info); /* the link went meanwhile */

  if (create->job != NULL)
    hangar_job_set_fraction (create->job, 1.0);
  g_task_return_pointer (outer, g_steal_pointer (&pool), g_object_unref);
}

static void
run_create_step (GTask *outer)
{
  CreatePool *create = g_task_get_task_data (outer);
  const char *name = create->spec->name;
  g_autofree char *message = NULL;
  g_autoptr(GTask) task = NULL;

  /* Steps the spec does not ask for are passed over. */
  while ((create->step == STEP_BUILD && !create->spec->build &&
          !hangar_pool_type_needs_build (create->spec->type)) ||
         (create->step == STEP_AUTOSTART && !create->spec->autostart))
    create->step++;

  switch (create->error == NULL ? create->step : STEP_UNDO)
    {
    case STEP_DEFINE:
      message = g_strdup_printf (_("Defining the pool “%s”"), name);
      break;
    case STEP_BUILD:
      message = g_strdup_printf (_("Building the pool “%s”"), name);
      break;
    case STEP_START:
      message = g_strdup_printf (_("Starting the pool “%s”"), name);
      break;
    case STEP_AUTOSTART:
      message = g_strdup_printf (_("Making the pool “%s” start with the host"), name);
      break;
    case STEP_READ:
    case STEP_UNDO:
    case N_STEPS:
    default:
      break;
    }
  /* Telling the job first: a Cancel pressed in reply is seen below, before the step. */
  if (create->job != NULL && message != NULL)
    {
      hangar_job_set_message (create->job, message);
      hangar_job_set_fraction (create->job, (double)create->step / STEP_READ);
    }

  if (create->error != NULL || create_is_cancelled (create))
    {
      if (create->error == NULL)
        create->error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     _("Creating the pool “%s” was cancelled."), name);
      create->step = STEP_UNDO;
      if (create->job != NULL)
        {
          hangar_job_set_message (create->job,
                                  g_error_matches (create->error, G_IO_ERROR,
                                                   G_IO_ERROR_CANCELLED)
                                    ? _("Cancelling…") : _("Undoing…"));
          hangar_job_set_fraction (create->job, -1);
        }
      if (!create->defined)
        {
          g_task_return_error (outer, g_steal_pointer (&create->error));
          g_object_unref (outer);
          return;
        }
    }

  task = g_task_new (NULL, NULL, on_create_step_done_cb, outer);
  g_task_set_source_tag (task, run_create_step);
  g_task_set_task_data (task, create, NULL);
  g_task_run_in_thread (task, create_step_thread);
}

void
hangar_connection_create_pool_async (HangarConnection     *self,
                                     const HangarPoolSpec *spec,
                                     HangarJob            *job,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autoptr(GTask) outer = NULL;
  CreatePool *create;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_CONNECTION (self));
  g_return_if_fail (spec != NULL);
  g_return_if_fail (job == NULL || HANGAR_IS_JOB (job));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, hangar_connection_create_pool_async);
  /* A cancelled creation answers G_IO_ERROR_CANCELLED itself, after undoing. */
  g_task_set_check_cancellable (outer, FALSE);

  if (self->conn == NULL)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("%s is not connected."), self->title);
      return;
    }
  if (!hangar_connection_check_pool_spec (self, spec, &error))
    {
      g_task_return_error (outer, error);
      return;
    }

  create = g_new0 (CreatePool, 1);
  create->spec = hangar_pool_spec_copy (spec);
  create->xml = pool_spec_to_xml (spec);
  create->job = job != NULL ? g_object_ref (job) : NULL;
  create->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  create->conn = self->conn;
  virConnectRef (create->conn);
  create->local = !hangar_connection_uri_is_remote (self->uri);
  create->step = STEP_DEFINE;
  g_task_set_task_data (outer, create, (GDestroyNotify)create_pool_free);
  run_create_step (g_steal_pointer (&outer));
}

/* Transfer full. */
HangarPool *
hangar_connection_create_pool_finish (HangarConnection *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
