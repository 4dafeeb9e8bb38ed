// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-guest-creator"

/* Creating a guest: the installation files (hangar-install-setup: an unattended
 * install's answers, a cloud image's cidata disc, a network install's kernel and
 * initrd), the volume, the install definition, the start, each step on the
 * main thread deciding what comes next and the libvirt calls on workers. What a run
 * made is remembered in its Run, so that a failure or Cancel undoes exactly that (a
 * domain of the same name someone else defined meanwhile is never touched). */

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>

#include "hangar-connection-private.h"
#include "hangar-domain-builder.h"
#include "hangar-domain-config.h"
#include "hangar-guest-creator.h"
#include "hangar-guest-private.h"
#include "hangar-install-setup.h"
#include "hangar-os-catalog.h"
#include "hangar-pool-private.h"
#include "hangar-storage-private.h"
#include "hangar-volume-private.h"

G_DEFINE_QUARK (hangar-guest-creator-error-quark, hangar_guest_creator_error)

struct _HangarGuestCreator
{
  GObject parent_instance;

  HangarConnection *connection;
  HangarGuestSpec *spec;
  gboolean ran;
  /* After a successful run: the guest's UUID (the spec then has its disk_path). */
  char *uuid;
  /* After a successful run: the installation files, removed by finish_install. */
  HangarInstallSetup *setup;
};

G_DEFINE_FINAL_TYPE (HangarGuestCreator, hangar_guest_creator, G_TYPE_OBJECT)

typedef struct {
  HangarGuestSpec *spec;      /* the run's copy: disk_path set once the volume exists */
  HangarJob *job;
  virConnectPtr conn;
  char *xml;
  /* A cloud image's final definition, defined once the guest started: the cidata
   * disc stays only in the running guest. */
  char *final_xml;
  /* On a remote host: the pool the installation files are uploaded to. */
  char *upload_pool;
  /* What this run made, undone in reverse on failure. */
  HangarInstallSetup *setup;
  HangarVolume *volume;
  HangarVolumeInfo *copy;     /* a copied cloud image's volume, until it is volume */
  gboolean remote;            /* the host is another machine */
  virDomainPtr domain;
  gboolean started;
  /* While undoing: why, and what could not be undone. */
  GError *error;
  GString *undo_failures;
} Run;

static void
run_free (gpointer data)
{
  Run *run = data;

  hangar_guest_spec_free (run->spec);
  g_clear_object (&run->job);
  g_clear_pointer (&run->conn, virConnectClose);
  g_free (run->xml);
  g_free (run->final_xml);
  g_free (run->upload_pool);
  g_clear_pointer (&run->setup, hangar_install_setup_free);
  g_clear_object (&run->volume);
  g_clear_pointer (&run->copy, hangar_volume_info_free);
  g_clear_pointer (&run->domain, virDomainFree);
  g_clear_error (&run->error);
  if (run->undo_failures != NULL)
    g_string_free (run->undo_failures, TRUE);
  g_free (run);
}

static void
hangar_guest_creator_finalize (GObject *object)
{
  HangarGuestCreator *self = HANGAR_GUEST_CREATOR (object);

  g_clear_object (&self->connection);
  g_clear_pointer (&self->spec, hangar_guest_spec_free);
  g_free (self->uuid);
  g_clear_pointer (&self->setup, hangar_install_setup_free);
  G_OBJECT_CLASS (hangar_guest_creator_parent_class)->finalize (object);
}

static void
hangar_guest_creator_class_init (HangarGuestCreatorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_guest_creator_finalize;
}

static void
hangar_guest_creator_init (HangarGuestCreator *self)
{
}

HangarGuestCreator *
hangar_guest_creator_new (HangarConnection      *connection,
                          const HangarGuestSpec *spec)
{
  HangarGuestCreator *self;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_GUEST_CREATOR, NULL);
  self->connection = g_object_ref (connection);
  self->spec = hangar_guest_spec_copy (spec);
  return self;
}

static GError *
cancelled_error (Run *run)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                      _("Creating the virtual machine “%s” was cancelled."), run->spec->name);
}

/* Runs @func on a worker with the run; @callback gets the outer task as user data. */
static void
run_in_thread (GTask           *task,
               GTaskThreadFunc  func,
               GAsyncReadyCallback callback)
{
  g_autoptr(GTask) inner = g_task_new (NULL, NULL, callback, g_object_ref (task));

  g_task_set_task_data (inner, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (inner, func);
}

/* Undoing. */

static void
finish_undo (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  GError *error = g_steal_pointer (&run->error);

  if (run->undo_failures != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("%s Some of what was made could not be removed:%s"),
                                                  error->message, run->undo_failures->str);
      g_free (error->message);
      error->message = g_steal_pointer (&message);
    }
  hangar_job_set_message (run->job, NULL);
  g_task_return_error (task, error);
}

static void
add_undo_failure (Run        *run,
                  const char *failure)
{
  if (run->undo_failures == NULL)
    run->undo_failures = g_string_new (NULL);
  g_string_append_printf (run->undo_failures, " %s", failure);
}

static void
on_made_pool_removed_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!hangar_guest_creator_remove_pool_finish (HANGAR_POOL (object), result, &error))
    add_undo_failure (run, error->message);
  finish_undo (task);
}

/* Last: the pool the window made for this guest, now that nothing of the run is in it. */
static void
undo_made_pool (GTask *task)
{
  HangarGuestCreator *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  HangarPool *pool = run->spec->made_pool != NULL
                     ? hangar_connection_find_pool (self->connection, run->spec->made_pool)
                     : NULL;

  if (pool == NULL)
    {
      finish_undo (task);
      return;
    }
  hangar_guest_creator_remove_pool_async (pool, run->spec->made_pool_dir, NULL,
                                          on_made_pool_removed_cb, g_object_ref (task));
}

static void
on_volume_deleted_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!hangar_volume_delete_finish (HANGAR_VOLUME (object), result, &error))
    add_undo_failure (run, error->message);
  g_clear_object (&run->volume);
  undo_made_pool (task);
}

static void
undo_thread (GTask        *inner,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Run *run = task_data;

  if (run->started && virDomainDestroy (run->domain) < 0)
    {
      g_autofree char *detail = hangar_virt_error_message ();
      g_autofree char *failure = g_strdup_printf (_("The virtual machine could not be stopped: %s."),
                                                  detail);
      add_undo_failure (run, failure);
    }
  if (run->domain != NULL)
    {
      /* With its NVRAM (UEFI variables); drivers that know no such flags (the test
       * driver) take the plain undefine. */
      int ok = virDomainUndefineFlags (run->domain, VIR_DOMAIN_UNDEFINE_NVRAM
                                                    | VIR_DOMAIN_UNDEFINE_MANAGED_SAVE);
      if (ok < 0)
        ok = virDomainUndefine (run->domain);
      if (ok < 0)
        {
          g_autofree char *detail = hangar_virt_error_message ();
          g_autofree char *failure = g_strdup_printf (_("The virtual machine could not be removed: %s."),
                                                      detail);
          add_undo_failure (run, failure);
        }
    }
  if (run->setup != NULL)
    {
      g_autoptr(GError) error = NULL;

      hangar_install_setup_remove (run->setup, &error);
      if (error != NULL)
        add_undo_failure (run, error->message);
      g_clear_pointer (&run->setup, hangar_install_setup_free);
    }
  g_task_return_boolean (inner, TRUE);
}

static void
on_undone_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);

  /* NULL when there was no domain to undo. */
  if (result != NULL)
    g_task_propagate_boolean (G_TASK (result), NULL);
  if (run->volume != NULL)
    {
      /* Not the job's cancellable: it may be what brought us here. */
      hangar_volume_delete_async (run->volume, TRUE, FALSE, NULL, NULL,
                                  on_volume_deleted_cb, g_object_ref (task));
      return;
    }
  undo_made_pool (task);
}

/* Fails the run with @error once what it made is undone. */
static void
undo (GTask  *task,
      GError *error)
{
  Run *run = g_task_get_task_data (task);

  run->error = error;
  hangar_job_set_fraction (run->job, -1);
  hangar_job_set_message (run->job, _("Cancelling…"));
  if (run->domain != NULL || run->setup != NULL)
    run_in_thread (task, undo_thread, on_undone_cb);
  else
    on_undone_cb (NULL, NULL, g_object_ref (task));
}

/* The steps. */

/* After a worker: when it failed or the job was cancelled meanwhile, starts the undo
 * and returns TRUE. */
static gboolean
worker_failed (GTask        *task,
               GAsyncResult *result)
{
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    undo (task, error);
  else if (hangar_job_is_cancelled (run->job))
    undo (task, cancelled_error (run));
  else
    return FALSE;
  return TRUE;
}

static void
start_thread (GTask        *inner,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Run *run = task_data;

  if (virDomainCreate (run->domain) < 0)
    {
      g_autofree char *detail = hangar_virt_error_message ();
      g_task_return_new_error (inner, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_START,
                               _("Could not start the virtual machine “%s”: %s"),
                               run->spec->name, detail);
      return;
    }
  run->started = TRUE;
  if (run->final_xml != NULL)
    {
      virDomainPtr defined = virDomainDefineXML (run->conn, run->final_xml);

      if (defined == NULL)
        {
          g_autofree char *detail = hangar_virt_error_message ();
          g_task_return_new_error (inner, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_START,
                                   _("Could not start the virtual machine “%s”: %s"),
                                   run->spec->name, detail);
          return;
        }
      virDomainFree (defined);
    }
  g_task_return_boolean (inner, TRUE);
}

static void
on_started_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarGuestCreator *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (worker_failed (task, result))
    return;
  /* No libvirt call: the UUID is kept in the domain object. */
  if (virDomainGetUUIDString (run->domain, uuid) == 0)
    self->uuid = g_strdup (uuid);
  hangar_guest_spec_free (self->spec);
  self->spec = hangar_guest_spec_copy (run->spec);
  self->setup = g_steal_pointer (&run->setup);
  hangar_job_set_fraction (run->job, 1);
  hangar_job_set_message (run->job, NULL);
  g_task_return_pointer (task, g_strdup (run->spec->name), g_free);
}

static void
define_thread (GTask        *inner,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Run *run = task_data;
  gboolean custom = run->spec->custom_xml != NULL;

  /* The user's own text is checked against libvirt's schema first. */
  run->domain = virDomainDefineXMLFlags (run->conn, run->xml, custom ? VIR_DOMAIN_DEFINE_VALIDATE : 0);
  if (run->domain == NULL && custom)
    {
      g_autofree char *detail = g_strstrip (hangar_virt_error_message ());
      g_task_return_new_error (inner, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_CUSTOM_XML,
                               _("The definition you edited for “%s” was refused by libvirt: %s. Correct it, or press Reset for the generated one."),
                               run->spec->name, detail);
      return;
    }
  if (run->domain == NULL)
    {
      g_autofree char *detail = hangar_virt_error_message ();
      g_task_return_new_error (inner, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE,
                               _("Could not define the virtual machine “%s”: %s"),
                               run->spec->name, detail);
      return;
    }
  /* The edited text may name the guest differently (no libvirt call: kept locally). */
  if (custom)
    {
      g_free (run->spec->name);
      run->spec->name = g_strdup (virDomainGetName (run->domain));
    }
  g_task_return_boolean (inner, TRUE);
}

static void
on_defined_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autofree char *message = NULL;

  if (worker_failed (task, result))
    return;
  message = g_strdup_printf (_("Starting “%s”"), run->spec->name);
  hangar_job_set_message (run->job, message);
  run_in_thread (task, start_thread, on_started_cb);
}

static void remove_cdroms_of (GVirConfigDomain *domain,
                              const char       *media);

/* gconfig appends a new <uuid> after the devices; libvirt's schema, which an edited
 * definition is checked against, wants it beside the name. */
static void
set_uuid (GVirConfigDomain *domain,
          const char       *uuid)
{
  xmlNodePtr root;
  xmlNodePtr name;
  xmlNodePtr node;

  gvir_config_domain_set_uuid (domain, uuid);
  root = hangar_storage_config_node (domain);
  name = hangar_storage_xml_child (root, "name");
  node = hangar_storage_xml_child (root, "uuid");
  if (name != NULL && node != NULL)
    {
      xmlUnlinkNode (node);
      xmlAddNextSibling (name, node);
    }
}

static void
define_step (GTask *task)
{
  HangarGuestCreator *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  if (hangar_job_is_cancelled (run->job))
    {
      undo (task, cancelled_error (run));
      return;
    }
  /* The user's edited definition stands for the built one. */
  if (run->spec->custom_xml != NULL)
    domain = gvir_config_domain_new_from_xml (run->spec->custom_xml, &error);
  else
    domain = hangar_domain_builder_build (run->spec, HANGAR_DOMAIN_PHASE_INSTALL, &error);
  if (domain == NULL)
    {
      undo (task, g_error_new (HANGAR_GUEST_CREATOR_ERROR,
                               run->spec->custom_xml != NULL ? HANGAR_GUEST_CREATOR_ERROR_CUSTOM_XML
                               : HANGAR_GUEST_CREATOR_ERROR_DEFINE,
                               _("Could not define the virtual machine “%s”: %s"),
                               run->spec->name, error->message));
      return;
    }
  if (run->setup != NULL)
    {
      if (hangar_install_setup_get_cdrom (run->setup) != NULL
          && !hangar_domain_builder_has_install_phase (run->spec))
        {
          g_autofree char *uuid = g_uuid_string_random ();
          g_autoptr(GVirConfigDomain) final = NULL;

          /* One UUID for both, so that the final one replaces the first. */
          set_uuid (domain, uuid);
          run->final_xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
          /* The edited text may hold the disc where Customize showed it. */
          final = run->spec->custom_xml != NULL
                  ? gvir_config_domain_new_from_xml (run->final_xml, NULL) : NULL;
          if (final != NULL)
            {
              remove_cdroms_of (final, HANGAR_INSTALL_SETUP_PLACEHOLDER "/cidata.iso");
              g_free (run->final_xml);
              run->final_xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (final));
            }
        }
      /* The edited text has the setup's parts as Customize showed them (the original
       * answers say which: this run's spec names the fetched installer already). */
      if (run->spec->custom_xml == NULL)
        hangar_install_setup_apply (run->setup, domain);
      else if (!hangar_install_setup_apply_edited (run->setup, self->spec, domain, &error))
        {
          undo (task, g_error_new (HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_CUSTOM_XML,
                                   _("Could not define the virtual machine “%s”: %s"),
                                   run->spec->name, error->message));
          return;
        }
    }
  run->xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  hangar_job_set_fraction (run->job, -1);
  message = g_strdup_printf (_("Defining “%s”"), run->spec->name);
  hangar_job_set_message (run->job, message);
  run_in_thread (task, define_thread, on_defined_cb);
}

static void
on_volume_created_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  run->volume = hangar_pool_create_volume_finish (HANGAR_POOL (object), result, &error);
  if (run->volume == NULL)
    {
      /* The pool removed a half-made volume itself. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        undo (task, cancelled_error (run));
      else
        undo (task, g_error_new (HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DISK,
                                 _("Could not create the disk of “%s”: %s"),
                                 run->spec->name, error->message));
      return;
    }
  g_free (run->spec->disk_path);
  run->spec->disk_path = g_strdup (hangar_volume_get_path (run->volume));
  define_step (task);
}

/* Its volume name, or the guest's with its format's suffix. */
static char *
volume_name (const HangarGuestSpec *spec,
             HangarVolumeFormat     format)
{
  if (spec->volume_name != NULL)
    return g_strdup (spec->volume_name);
  return g_strconcat (spec->name, hangar_volume_format_suffix (format), NULL);
}

static void
copy_thread (GTask        *inner,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Run *run = task_data;
  virStoragePoolPtr pool = virStoragePoolLookupByName (run->conn, run->spec->pool_name);
  g_autofree char *name = volume_name (run->spec, HANGAR_VOLUME_FORMAT_QCOW2);
  g_autoptr(GError) error = NULL;

  if (pool != NULL)
    {
      run->copy = hangar_volume_copy_image (pool, name, run->spec->base_image, run->spec->disk_size,
                                            !run->remote,
                                            run->job, hangar_job_get_cancellable (run->job), &error);
      virStoragePoolFree (pool);
    }
  else
    hangar_storage_set_virt_error (&error, _("Could not find the storage pool “%s”: %s"),
                                   run->spec->pool_name);
  if (run->copy != NULL)
    g_task_return_boolean (inner, TRUE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (inner, cancelled_error (run));
  else
    g_task_return_new_error (inner, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DISK,
                             _("Could not create the disk of “%s”: %s"),
                             run->spec->name, error->message);
}

static void
on_copied_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarGuestCreator *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  HangarPool *pool = hangar_connection_find_pool (self->connection, run->spec->pool_name);

  /* Made: the pool lists it, and an undo deletes it. */
  if (run->copy != NULL && pool != NULL)
    {
      run->volume = g_object_ref (hangar_pool_add_volume (pool, run->copy));
      hangar_pool_reload (pool, FALSE);
    }
  g_clear_pointer (&run->copy, hangar_volume_info_free);
  if (worker_failed (task, result))
    return;
  g_free (run->spec->disk_path);
  run->spec->disk_path = g_strdup (hangar_volume_get_path (run->volume));
  define_step (task);
}

static void
volume_step (GTask *task)
{
  HangarGuestCreator *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(HangarVolumeSpec) volume = hangar_volume_spec_new ();
  HangarPool *pool = hangar_connection_find_pool (self->connection, run->spec->pool_name);

  if (pool == NULL)
    {
      undo (task, g_error_new (HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DISK,
                               _("Could not create the disk of “%s”: the storage pool “%s” is gone. Choose another pool."),
                               run->spec->name, run->spec->pool_name));
      return;
    }
  /* A cloud image's disk is a qcow2 layer over the image, or a qcow2 copy of it. */
  if (run->spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE && run->spec->copy_base_image)
    {
      hangar_job_set_fraction (run->job, -1);
      hangar_job_set_message (run->job, _("Copying the image"));
      run->remote = hangar_connection_uri_is_remote (hangar_connection_get_uri (self->connection));
      run_in_thread (task, copy_thread, on_copied_cb);
      return;
    }
  volume->format = run->spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE
                   ? HANGAR_VOLUME_FORMAT_QCOW2 : run->spec->disk_format;
  volume->name = volume_name (run->spec, volume->format);
  volume->capacity = run->spec->disk_size;
  volume->allocation = 0;
  if (run->spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
    volume->backing_path = g_strdup (run->spec->base_image);
  hangar_pool_create_volume_async (pool, volume, run->job, hangar_job_get_cancellable (run->job),
                                   on_volume_created_cb, g_object_ref (task));
}

/* The installation files. */

static void
after_setup (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  if (run->spec->disk == HANGAR_GUEST_SPEC_DISK_NEW)
    volume_step (task);
  else
    define_step (task);
}

static void
setup_thread (GTask        *inner,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Run *run = task_data;
  HangarOsCatalog *catalog = hangar_os_catalog_get_default ();
  g_autoptr(GError) error = NULL;

  run->setup = hangar_install_setup_prepare_for_host (run->spec, hangar_os_catalog_get_db (catalog),
                                                      run->upload_pool != NULL,
                                                      hangar_job_get_cancellable (run->job), &error);
  /* A remote host reads them from its own pool; a failed upload's volumes go with
   * the undo. */
  if (run->setup == NULL
      || (run->upload_pool != NULL
          && !hangar_install_setup_upload (run->setup, run->conn, run->upload_pool, run->spec->name,
                                          run->job, hangar_job_get_cancellable (run->job),
                                          &error)))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (inner, cancelled_error (run));
      else
        g_task_return_new_error (inner, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_SETUP,
                                 _("Could not prepare the installation of “%s”: %s"),
                                 run->spec->name, error->message);
      return;
    }
  g_task_return_boolean (inner, TRUE);
}

static void
on_setup_prepared_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);

  if (worker_failed (task, result))
    return;
  /* A network install boots the fetched installer (the domain builder's kernel boot). */
  if (run->spec->source == HANGAR_GUEST_SOURCE_URL
      && hangar_install_setup_get_kernel (run->setup) != NULL)
    {
      g_free (run->spec->kernel);
      g_free (run->spec->initrd);
      g_free (run->spec->cmdline);
      run->spec->kernel = g_strdup (hangar_install_setup_get_kernel (run->setup));
      run->spec->initrd = g_strdup (hangar_install_setup_get_initrd (run->setup));
      run->spec->cmdline = g_strdup (hangar_install_setup_get_cmdline (run->setup));
    }
  after_setup (task);
}

static void
on_catalog_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *message;

  if (!hangar_os_catalog_load_finish (HANGAR_OS_CATALOG (object), result, &error))
    {
      undo (task, g_error_new (HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_SETUP,
                               _("Could not prepare the installation of “%s”: %s"),
                               run->spec->name, error->message));
      return;
    }
  if (hangar_job_is_cancelled (run->job))
    {
      undo (task, cancelled_error (run));
      return;
    }
  if (run->spec->cloud_init && run->spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
    message = _("Making the cloud-init disc");
  else if (run->spec->unattended)
    message = _("Preparing the automatic installation");
  else
    message = _("Fetching the installer");
  hangar_job_set_fraction (run->job, -1);
  hangar_job_set_message (run->job, message);
  run_in_thread (task, setup_thread, on_setup_prepared_cb);
}

static void
setup_step (GTask *task)
{
  HangarGuestCreator *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  /* The files are made on this machine (see hangar-install-setup.h); a remote host
   * gets them in a pool holding files: the disk's, else "default". */
  if (hangar_connection_uri_is_remote (hangar_connection_get_uri (self->connection)))
    run->upload_pool = g_strdup (hangar_install_setup_upload_pool (run->spec, self->connection));
  hangar_os_catalog_load_async (hangar_os_catalog_get_default (), NULL,
                                on_catalog_loaded_cb, g_object_ref (task));
}

void
hangar_guest_creator_run_async (HangarGuestCreator  *self,
                                HangarJob           *job,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (HANGAR_IS_GUEST_CREATOR (self));
  g_return_if_fail (HANGAR_IS_JOB (job));
  g_return_if_fail (!self->ran);

  self->ran = TRUE;
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, hangar_guest_creator_run_async);
  run = g_new0 (Run, 1);
  run->spec = hangar_guest_spec_copy (self->spec);
  run->job = g_object_ref (job);
  g_task_set_task_data (task, run, run_free);

  if (self->connection->conn == NULL)
    {
      g_task_return_new_error (task, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE,
                               _("Could not create the virtual machine “%s”: the connection is closed. Connect to the host again."),
                               run->spec->name);
      return;
    }
  run->conn = self->connection->conn;
  virConnectRef (run->conn);

  if (hangar_install_setup_needed (run->spec))
    setup_step (task);
  else
    after_setup (task);
}

char *
hangar_guest_creator_run_finish (HangarGuestCreator  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Switching to the final definition. */

typedef struct {
  virConnectPtr conn;
  char *uuid;
  char *name;
  char *xml;                   /* NULL: no new definition, only the files go */
  HangarInstallSetup *setup;   /* borrowed from the creator, which outlives the task */
  gboolean install_phase;      /* the guest ran its installer */
} Switch;

static void
switch_free (gpointer data)
{
  Switch *sw = data;

  g_clear_pointer (&sw->conn, virConnectClose);
  g_free (sw->uuid);
  g_free (sw->name);
  g_free (sw->xml);
  g_free (sw);
}

static void
switch_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Switch *sw = task_data;
  virDomainPtr domain = virDomainLookupByUUIDString (sw->conn, sw->uuid);
  virDomainPtr defined;
  g_autofree char *detail = NULL;
  int active;
  int state = 0;
  int reason = 0;

  if (domain == NULL)
    {
      detail = hangar_virt_error_message ();
      g_task_return_new_error (task, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE,
                               _("Could not finish the installation of “%s”: %s"), sw->name, detail);
      return;
    }
  active = virDomainIsActive (domain);
  if (active == 0 && sw->install_phase
      && virDomainGetState (domain, &state, &reason, 0) == 0 && state == VIR_DOMAIN_SHUTOFF
      && (reason == VIR_DOMAIN_SHUTOFF_DESTROYED || reason == VIR_DOMAIN_SHUTOFF_CRASHED
          || reason == VIR_DOMAIN_SHUTOFF_FAILED))
    {
      /* The installer's end is its reboot or power-off (a shutdown, for libvirt); a
       * guest forced off, crashed or failed to run was stopped before it. */
      virDomainFree (domain);
      g_task_return_new_error (task, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_INTERRUPTED,
                               _("The installation of “%s” was stopped before the installer ended. Run the virtual machine to start the installation again."),
                               sw->name);
      return;
    }
  virDomainFree (domain);
  if (active != 0)
    {
      g_task_return_new_error (task, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE,
                               _("Could not finish the installation of “%s”: it still runs. Wait until the installer has ended."),
                               sw->name);
      return;
    }
  if (sw->xml != NULL)
    {
      defined = virDomainDefineXML (sw->conn, sw->xml);
      if (defined == NULL)
        {
          detail = hangar_virt_error_message ();
          g_task_return_new_error (task, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE,
                                   _("Could not finish the installation of “%s”: %s"), sw->name, detail);
          return;
        }
      virDomainFree (defined);
    }
  /* The answers (passwords) and the installer's files are no longer needed. */
  if (sw->setup != NULL)
    {
      g_autoptr(GError) error = NULL;

      hangar_install_setup_remove (sw->setup, &error);
      if (error != NULL)
        {
          g_task_return_new_error (task, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_SETUP,
                                   _("Could not finish the installation of “%s”: %s"),
                                   sw->name, error->message);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

/* Takes out of @parent its element children named one of @names (NULL-terminated). */
static void
remove_elements (xmlNodePtr          parent,
                 const char * const *names)
{
  xmlNodePtr next;

  for (xmlNodePtr child = parent->children; child != NULL; child = next)
    {
      next = child->next;
      if (child->type == XML_ELEMENT_NODE
          && g_strv_contains (names, (const char *) child->name))
        {
          xmlUnlinkNode (child);
          xmlFreeNode (child);
        }
    }
}

/* Takes out of @domain the CD-ROM drives that hold @media, found through libvirt-gconfig
 * (hangar-domain-config's device list); gconfig 4.0 cannot remove one device, so its
 * node goes. */
static void
remove_cdroms_of (GVirConfigDomain *domain,
                  const char       *media)
{
  GList *devices = hangar_domain_config_get_devices (domain);

  for (GList *l = devices; l != NULL; l = l->next)
    {
      GVirConfigDomainDisk *disk;
      xmlNodePtr node = NULL;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      disk = GVIR_CONFIG_DOMAIN_DISK (l->data);
      if (gvir_config_domain_disk_get_guest_device_type (disk) != GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM
          || g_strcmp0 (gvir_config_domain_disk_get_source (disk), media) != 0)
        continue;
      g_object_get (disk, "node", &node, NULL);
      xmlUnlinkNode (node);
      xmlFreeNode (node);
    }
  g_list_free_full (devices, g_object_unref);
}

/* The final definition of a guest whose install definition the user edited (Customize):
 * the user's definition, keeping every edit, with what only the installer needed taken
 * out — its kernel, initrd and command line (unless the guest boots a kernel for good),
 * the install medium's CD-ROM drive and the answers' — booting from the disk, restarting
 * on reboot. */
static GVirConfigDomain *
final_from_custom (const HangarGuestSpec *spec,
                   GError               **error)
{
  static const char * const installer_boot[] = { "kernel", "initrd", "cmdline", NULL };
  g_autoptr(GVirConfigDomain) domain = gvir_config_domain_new_from_xml (spec->custom_xml, error);
  g_autoptr(GVirConfigDomainOs) os = NULL;

  if (domain == NULL)
    return NULL;
  os = gvir_config_domain_get_os (domain);
  if (os != NULL && spec->source != HANGAR_GUEST_SOURCE_KERNEL)
    {
      GList *boot = g_list_append (NULL, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
      xmlNodePtr os_node = NULL;

      /* gconfig 4.0 sets a kernel, never takes one away: the nodes go. */
      g_object_get (os, "node", &os_node, NULL);
      remove_elements (os_node, installer_boot);
      gvir_config_domain_os_set_boot_devices (os, boot);
      g_list_free (boot);
    }
  if (spec->media_path != NULL)
    remove_cdroms_of (domain, spec->media_path);
  /* The answers' disc where Customize showed it goes with the installation. */
  remove_cdroms_of (domain, HANGAR_INSTALL_SETUP_PLACEHOLDER "/unattended.iso");
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_REBOOT,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_RESTART);
  return g_steal_pointer (&domain);
}

void
hangar_guest_creator_finish_install_async (HangarGuestCreator  *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  Switch *sw;

  g_return_if_fail (HANGAR_IS_GUEST_CREATOR (self));
  g_return_if_fail (self->uuid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_guest_creator_finish_install_async);
  if (!hangar_domain_builder_has_install_phase (self->spec) && self->setup == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->connection->conn == NULL)
    {
      g_task_return_new_error (task, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE,
                               _("Could not finish the installation of “%s”: the connection is closed. Connect to the host again."),
                               self->spec->name);
      return;
    }
  sw = g_new0 (Switch, 1);
  /* A cloud image's final definition is in place since it started: only the cidata
   * disc's file goes. */
  if (hangar_domain_builder_has_install_phase (self->spec))
    {
      /* The user's edits outlive the installation. */
      if (self->spec->custom_xml != NULL)
        domain = final_from_custom (self->spec, &error);
      else
        domain = hangar_domain_builder_build (self->spec, HANGAR_DOMAIN_PHASE_FINAL, &error);
      if (domain == NULL)
        {
          switch_free (sw);
          g_task_return_new_error (task, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE,
                                   _("Could not finish the installation of “%s”: %s"),
                                   self->spec->name, error->message);
          return;
        }
      /* The same UUID: libvirt replaces the definition instead of refusing the name. */
      gvir_config_domain_set_uuid (domain, self->uuid);
      sw->xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
    }
  sw->setup = self->setup;
  sw->install_phase = hangar_domain_builder_has_install_phase (self->spec);
  sw->conn = self->connection->conn;
  virConnectRef (sw->conn);
  sw->uuid = g_strdup (self->uuid);
  sw->name = g_strdup (self->spec->name);
  g_task_set_task_data (task, sw, switch_free);
  g_task_run_in_thread (task, switch_thread);
}

gboolean
hangar_guest_creator_finish_install_finish (HangarGuestCreator  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Removing a pool made for a guest. */

static void
free_virt_pool (gpointer pool)
{
  virStoragePoolFree (pool);
}

static void
count_volumes_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  virStoragePoolPtr pool = task_data;
  int n;

  /* A stopped pool cannot be counted: it lists nothing, and its directory may hold
   * files; kept (-1). */
  if (virStoragePoolIsActive (pool) != 1)
    n = -1;
  else
    {
      /* Files put there behind libvirt's back count too. */
      virStoragePoolRefresh (pool, 0);
      n = virStoragePoolNumOfVolumes (pool);
    }
  if (n < 0)
    {
      g_autofree char *detail = hangar_virt_error_message ();

      g_debug ("the volumes of the pool “%s” are not counted: %s", virStoragePoolGetName (pool),
               detail);
    }
  g_task_return_int (task, n);
}

/* The empty folders above the pool's directory that were made with it. */
static void
remove_parents_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  HangarPool *pool = source_object;
  g_autofree char *dir = g_strdup (hangar_pool_get_target_path (pool));

  for (guint i = 1; dir != NULL && i < GPOINTER_TO_UINT (task_data); i++)
    {
      char *parent = g_path_get_dirname (dir);

      g_free (dir);
      dir = parent;
      if (g_rmdir (dir) < 0)
        {
          /* Not empty any more: someone else's now. */
          g_debug ("%s is kept: %s", dir, g_strerror (errno));
          break;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_made_pool_deleted_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!hangar_pool_delete_finish (HANGAR_POOL (object), result, &error))
    g_task_return_error (task, error);
  else if (GPOINTER_TO_UINT (g_task_get_task_data (task)) > 1
           && hangar_pool_get_target_path (HANGAR_POOL (object)) != NULL)
    g_task_run_in_thread (task, remove_parents_thread);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_volumes_counted_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HangarPool *pool = g_task_get_source_object (task);
  gssize n = g_task_propagate_int (G_TASK (result), NULL);

  if (n != 0)
    {
      g_debug ("the pool “%s” is kept: it holds %" G_GSSIZE_FORMAT " volumes",
               hangar_pool_get_name (pool), n);
      g_task_return_boolean (task, TRUE);
      return;
    }
  hangar_pool_delete_async (pool, GPOINTER_TO_UINT (g_task_get_task_data (task)) > 0,
                            g_task_get_cancellable (task), on_made_pool_deleted_cb,
                            g_object_ref (task));
}

void
hangar_guest_creator_remove_pool_async (HangarPool          *pool,
                                        guint                made_dirs,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) count = NULL;
  virStoragePoolPtr virt_pool;

  g_return_if_fail (HANGAR_IS_POOL (pool));

  task = g_task_new (pool, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_guest_creator_remove_pool_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (made_dirs), NULL);
  virt_pool = hangar_pool_get_virt_pool (pool);
  if (virt_pool == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The pool “%s” could not be removed: the host is not connected."),
                               hangar_pool_get_name (pool));
      return;
    }
  virStoragePoolRef (virt_pool);
  count = g_task_new (NULL, cancellable, on_volumes_counted_cb, g_steal_pointer (&task));
  g_task_set_task_data (count, virt_pool, free_virt_pool);
  g_task_run_in_thread (count, count_volumes_thread);
}

gboolean
hangar_guest_creator_remove_pool_finish (HangarPool    *pool,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, pool), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
