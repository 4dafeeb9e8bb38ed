// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-guest-spec"

/* The New VM wizard's answers, their checks against the host, and what the host
 * offers (arch, machine, virt type). */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-core.h"
#include "hangar-guest-spec.h"
#include "hangar-host-caps.h"
#include "hangar-install-setup.h"
#include "hangar-volume-private.h"

G_DEFINE_QUARK (hangar-guest-spec-error-quark, hangar_guest_spec_error)

static void
free_secret (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

HangarGuestSpec *
hangar_guest_spec_new (void)
{
  HangarGuestSpec *spec = g_new0 (HangarGuestSpec, 1);

  spec->vcpus = 1;
  spec->virtio_disk = TRUE;
  spec->virtio_net = TRUE;
  spec->graphics = HANGAR_GUEST_GRAPHICS_SPICE;
  spec->firmware = HANGAR_GUEST_FIRMWARE_BIOS;
  return spec;
}

HangarGuestSpec *
hangar_guest_spec_copy (const HangarGuestSpec *spec)
{
  HangarGuestSpec *copy = g_memdup2 (spec, sizeof *spec);

  copy->name = g_strdup (spec->name);
  copy->media_path = g_strdup (spec->media_path);
  copy->tree_url = g_strdup (spec->tree_url);
  copy->base_image = g_strdup (spec->base_image);
  copy->kernel = g_strdup (spec->kernel);
  copy->initrd = g_strdup (spec->initrd);
  copy->cmdline = g_strdup (spec->cmdline);
  copy->os_id = g_strdup (spec->os_id);
  copy->pool_name = g_strdup (spec->pool_name);
  copy->volume_name = g_strdup (spec->volume_name);
  copy->disk_path = g_strdup (spec->disk_path);
  copy->made_pool = g_strdup (spec->made_pool);
  copy->network_name = g_strdup (spec->network_name);
  copy->arch = g_strdup (spec->arch);
  copy->machine = g_strdup (spec->machine);
  copy->virt_type = g_strdup (spec->virt_type);
  copy->user_login = g_strdup (spec->user_login);
  copy->user_realname = g_strdup (spec->user_realname);
  copy->user_password = g_strdup (spec->user_password);
  copy->admin_password = g_strdup (spec->admin_password);
  copy->product_key = g_strdup (spec->product_key);
  copy->hostname = g_strdup (spec->hostname);
  copy->ssh_keys = g_strdup (spec->ssh_keys);
  copy->custom_xml = g_strdup (spec->custom_xml);
  return copy;
}

void
hangar_guest_spec_free (HangarGuestSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->media_path);
  g_free (spec->tree_url);
  g_free (spec->base_image);
  g_free (spec->kernel);
  g_free (spec->initrd);
  g_free (spec->cmdline);
  g_free (spec->os_id);
  g_free (spec->pool_name);
  g_free (spec->volume_name);
  g_free (spec->disk_path);
  g_free (spec->made_pool);
  g_free (spec->network_name);
  g_free (spec->arch);
  g_free (spec->machine);
  g_free (spec->virt_type);
  g_free (spec->user_login);
  g_free (spec->user_realname);
  g_free (spec->hostname);
  g_free (spec->ssh_keys);
  g_free (spec->custom_xml);
  /* Secrets are not left in freed memory. */
  free_secret (spec->user_password);
  free_secret (spec->admin_password);
  free_secret (spec->product_key);
  g_free (spec);
}

G_DEFINE_BOXED_TYPE (HangarGuestSpec, hangar_guest_spec, hangar_guest_spec_copy,
                     hangar_guest_spec_free)

/* virt-manager's rule: letters, digits and _ . : + - (libvirt makes files of the name). */
static gboolean
is_name_char (gunichar c)
{
  return (c < 128 && g_ascii_isalnum (c)) || strchr ("_.:+-", c) != NULL;
}

gboolean
hangar_guest_spec_check_name (const char *name,
                              GError    **error)
{
  g_autofree char *bad = NULL;

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_NAME,
                           _("Enter a name for the virtual machine."));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_NAME,
                           _("The name is not valid text. Type it again."));
      return FALSE;
    }
  bad = hangar_name_bad_characters (name, is_name_char);
  if (bad != NULL)
    {
      g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_NAME,
                   _("The name cannot contain %s. Use letters, digits, “_”, “.”, “:”, “+” and “-”."),
                   bad);
      return FALSE;
    }
  return TRUE;
}

static gboolean
missing (const char *value)
{
  return value == NULL || *value == '\0';
}

static gboolean
check_source (const HangarGuestSpec *spec,
              GError               **error)
{
  const char *message = NULL;
  HangarGuestSpecError code = HANGAR_GUEST_SPEC_ERROR_SOURCE;

  switch (spec->source)
    {
    case HANGAR_GUEST_SOURCE_MEDIA:
      if (missing (spec->media_path))
        message = _("Choose the installation ISO image or CD-ROM.");
      break;
    case HANGAR_GUEST_SOURCE_URL:
      if (missing (spec->tree_url))
        message = _("Enter the address of the installation tree.");
      break;
    case HANGAR_GUEST_SOURCE_IMPORT:
      if (spec->disk != HANGAR_GUEST_SPEC_DISK_EXISTING || missing (spec->disk_path))
        message = _("Choose the disk image to import.");
      break;
    case HANGAR_GUEST_SOURCE_CLOUD_IMAGE:
      if (missing (spec->base_image))
        message = _("Choose the cloud image.");
      else if (spec->disk != HANGAR_GUEST_SPEC_DISK_NEW)
        {
          message = _("A cloud image needs a new disk in a storage pool.");
          code = HANGAR_GUEST_SPEC_ERROR_DISK;
        }
      break;
    case HANGAR_GUEST_SOURCE_KERNEL:
      if (missing (spec->kernel))
        message = _("Choose the kernel to boot.");
      break;
    case HANGAR_GUEST_SOURCE_PXE:
      message = hangar_guest_spec_pxe_network_fault (spec->network);
      break;
    case HANGAR_GUEST_SOURCE_MANUAL:
    default:
      break;
    }
  if (message == NULL && spec->disk == HANGAR_GUEST_SPEC_DISK_NEW
      && (missing (spec->pool_name) || spec->disk_size == 0))
    {
      message = _("Choose the storage pool and the size of the new disk.");
      code = HANGAR_GUEST_SPEC_ERROR_DISK;
    }
  if (message == NULL && spec->disk == HANGAR_GUEST_SPEC_DISK_EXISTING && missing (spec->disk_path))
    {
      message = _("Choose the disk image.");
      code = HANGAR_GUEST_SPEC_ERROR_DISK;
    }
  if (message != NULL)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, code, message);
      return FALSE;
    }
  return TRUE;
}

/* The unattended / cloud-init answers. */
static gboolean
check_setup (const HangarGuestSpec *spec,
             GError               **error)
{
  const char *message = NULL;
  gboolean cloud = spec->cloud_init && spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE;

  if (!spec->unattended && !cloud)
    return TRUE;
  if (!hangar_install_setup_check_user_login (spec->user_login, error))
    return FALSE;
  if (cloud && spec->password_locked && missing (spec->ssh_keys))
    message = _("Without a password, the user can only log in with an SSH key. Add a public key, or set a password.");
  else if (!(cloud && spec->password_locked) && missing (spec->user_password))
    message = _("Enter the user’s password.");
  if (message != NULL)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP, message);
      return FALSE;
    }
  if (!hangar_install_setup_check_hostname (spec->hostname, error))
    return FALSE;
  return hangar_install_setup_check_ssh_keys (spec->ssh_keys, error);
}

/* A cloud image to copy: one that can be copied on this host, and a disk no smaller. */
static gboolean
check_copy (const HangarGuestSpec *spec,
            virConnectPtr          conn,
            GError               **error)
{
  char *uri = virConnectGetURI (conn);
  gboolean local = uri != NULL && !hangar_connection_uri_is_remote (uri);
  g_autoptr(GError) local_error = NULL;
  guint64 size;

  free (uri);
  if (!hangar_volume_image_size (conn, spec->base_image, local, &size, &local_error))
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SOURCE,
                           local_error->message);
      return FALSE;
    }
  return hangar_guest_spec_check_copy_size (spec->disk_size, size, error);
}

gboolean
hangar_guest_spec_check_copy_size (guint64   disk_size,
                                   guint64   image_size,
                                   GError  **error)
{
  g_autofree char *text = NULL;

  if (disk_size >= image_size)
    return TRUE;
  text = hangar_storage_format_size (image_size);
  g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_DISK,
               _("The disk must be at least %s, the size of the image it copies. Give a larger size."),
               text);
  return FALSE;
}

static void
set_host_error (GError    **error,
                const char *what)
{
  const char *detail = virGetLastErrorMessage ();

  g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_HOST,
               _("Could not read the host’s %s: %s"), what, detail);
}

static gboolean
check_with_conn (const HangarGuestSpec *spec,
                 virConnectPtr          conn,
                 GError               **error)
{
  virNodeInfo info;
  virDomainPtr taken;

  if (!hangar_guest_spec_check_name (spec->name, error))
    return FALSE;
  if (spec->memory == 0)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_MEMORY,
                           _("The memory cannot be zero. Give the virtual machine some memory."));
      return FALSE;
    }
  if (spec->vcpus == 0)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_VCPUS,
                           _("The number of CPUs cannot be zero."));
      return FALSE;
    }
  if (!check_source (spec, error))
    return FALSE;
  if (!check_setup (spec, error))
    return FALSE;
  if (conn == NULL)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_HOST,
                           _("The connection is closed. Connect to the host again."));
      return FALSE;
    }

  if (spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE && spec->copy_base_image
      && !check_copy (spec, conn, error))
    return FALSE;

  taken = virDomainLookupByName (conn, spec->name);
  if (taken != NULL)
    {
      virDomainFree (taken);
      g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_NAME,
                   _("The host already has a virtual machine named “%s”. Choose another name."),
                   spec->name);
      return FALSE;
    }

  if (virNodeGetInfo (conn, &info) < 0)
    {
      set_host_error (error, _("memory size"));
      return FALSE;
    }
  /* info.memory is in KiB. */
  if (spec->memory > (guint64) info.memory * 1024)
    {
      g_autofree char *host = hangar_storage_format_size ((guint64) info.memory * 1024);
      g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_MEMORY,
                   _("The memory is more than the host has (%s). Give the virtual machine less."),
                   host);
      return FALSE;
    }
  if (spec->vcpus > info.cpus)
    {
      g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_VCPUS,
                   _("The host has %u CPUs. Give the virtual machine at most that many."),
                   info.cpus);
      return FALSE;
    }
  return TRUE;
}

gboolean
hangar_guest_spec_check (const HangarGuestSpec *spec,
                         HangarConnection      *connection,
                         GError               **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), FALSE);

  return check_with_conn (spec, connection->conn, error);
}

typedef struct {
  HangarGuestSpec *spec;
  virConnectPtr conn;
} CheckData;

static void
check_data_free (gpointer data)
{
  CheckData *check = data;

  hangar_guest_spec_free (check->spec);
  g_clear_pointer (&check->conn, virConnectClose);
  g_free (check);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *check = task_data;
  GError *error = NULL;

  if (check_with_conn (check->spec, check->conn, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hangar_guest_spec_check_async (const HangarGuestSpec *spec,
                               HangarConnection      *connection,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *check;

  g_return_if_fail (spec != NULL);
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_guest_spec_check_async);
  check = g_new0 (CheckData, 1);
  check->spec = hangar_guest_spec_copy (spec);
  if (connection->conn != NULL)
    {
      check->conn = connection->conn;
      virConnectRef (check->conn);
    }
  g_task_set_task_data (task, check, check_data_free);
  g_task_run_in_thread (task, check_thread);
}

gboolean
hangar_guest_spec_check_finish (GAsyncResult *result,
                                GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
hangar_guest_spec_fill_host (HangarGuestSpec  *spec,
                             HangarConnection *connection,
                             GError          **error)
{
  g_autoptr(HangarHostCaps) caps = hangar_host_caps_new ();

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), FALSE);

  if (!hangar_host_caps_read_guest (caps, connection, error))
    return FALSE;
  hangar_guest_spec_set_host (spec, caps);
  return TRUE;
}

HangarGuestSpecNetwork
hangar_guest_spec_default_network (const char           *uri,
                                   const HangarHostCaps *caps,
                                   const char          **network_name)
{
  gboolean qemu = hangar_connection_uri_is_qemu (uri);

  *network_name = NULL;
  /* A session daemon cannot start a virtual network (it needs root): usermode is what
   * reaches the outside there, as in virt-manager and GNOME Boxes. */
  if (qemu && hangar_connection_uri_is_session (uri))
    return HANGAR_GUEST_SPEC_NETWORK_USER;
  for (guint i = 0; caps != NULL && i < caps->networks->len; i++)
    {
      const HangarHostNetwork *network = caps->networks->pdata[i];

      if (network->active)
        {
          *network_name = network->name;
          return HANGAR_GUEST_SPEC_NETWORK_VIRTUAL;
        }
    }
  return qemu ? HANGAR_GUEST_SPEC_NETWORK_USER : HANGAR_GUEST_SPEC_NETWORK_NONE;
}

const char *
hangar_guest_spec_net_model (const HangarGuestSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);
  return spec->virtio_net ? "virtio" : "e1000e";
}

const char *
hangar_guest_spec_pxe_network_fault (HangarGuestSpecNetwork network)
{
  switch (network)
    {
    case HANGAR_GUEST_SPEC_NETWORK_NONE:
      return _("A network boot (PXE) needs a network: choose a virtual network, a host "
               "bridge or macvtap.");
    case HANGAR_GUEST_SPEC_NETWORK_USER:
      /* libvirt gives QEMU's own DHCP no boot file or TFTP folder, and the LAN's PXE
       * server is out of its reach: the guest would find nothing to boot. */
      return _("A network boot (PXE) cannot go through usermode networking: no boot "
               "server answers there. Choose a virtual network, a host bridge or macvtap.");
    case HANGAR_GUEST_SPEC_NETWORK_VIRTUAL:
    case HANGAR_GUEST_SPEC_NETWORK_BRIDGE:
    case HANGAR_GUEST_SPEC_NETWORK_MACVTAP:
    default:
      return NULL;
    }
}

void
hangar_guest_spec_set_host (HangarGuestSpec      *spec,
                            const HangarHostCaps *caps)
{
  g_return_if_fail (spec != NULL);
  g_return_if_fail (caps != NULL);

  g_free (spec->arch);
  spec->arch = g_strdup (caps->arch);
  g_free (spec->machine);
  spec->machine = g_strdup (caps->machine);
  g_free (spec->virt_type);
  spec->virt_type = g_strdup (caps->virt_type);
}
