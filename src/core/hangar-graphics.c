// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-graphics"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>

#include "hangar-domain-config.h"
#include "hangar-graphics.h"
#include "hangar-guest-private.h"
#include "hangar-ssh.h"

#define HANGAR_LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

void
hangar_graphics_info_free (HangarGraphicsInfo *info)
{
  if (info == NULL)
    return;
  if (info->fd >= 0)
    close (info->fd);
  g_free (info->type);
  g_free (info->host);
  g_free (info->socket);
  g_free (info->password);
  g_free (info->tls_host);
  g_free (info->os_id);
  g_free (info);
}

/* An attribute of @node, or NULL when absent or empty. */
static char *
xml_prop (xmlNode    *node,
          const char *name)
{
  xmlChar *value = xmlGetProp (node, (const xmlChar *)name);
  char *result = NULL;

  if (value != NULL && value[0] != '\0')
    result = g_strdup ((const char *)value);
  xmlFree (value);
  return result;
}

/* An attribute libvirt-gconfig 4.0 has no getter for (listen, tlsPort, passwd), read
 * from @object's own element. */
static char *
node_prop (gpointer    object,
           const char *name)
{
  xmlNode *node = NULL;

  g_object_get (object, "node", &node, NULL);
  return node != NULL ? xml_prop (node, name) : NULL;
}

/* The address or socket of a <graphics>' first <listen> of @type, else NULL. */
static char *
listen_prop (GVirConfigDomainGraphics *graphics,
             const char               *type,
             const char               *name)
{
  xmlNode *node = NULL;

  g_object_get (graphics, "node", &node, NULL);
  for (xmlNode *child = node ? node->children : NULL; child != NULL; child = child->next)
    {
      g_autofree char *child_type = NULL;

      if (child->type != XML_ELEMENT_NODE || !xmlStrEqual (child->name, (const xmlChar *)"listen"))
        continue;
      child_type = xml_prop (child, "type");
      if (g_strcmp0 (child_type, type) == 0)
        return xml_prop (child, name);
    }
  return NULL;
}

/* libosinfo's id of the guest's OS, which virt-install and GNOME Boxes record in the
 * metadata: <libosinfo:libosinfo><libosinfo:os id="…"/></libosinfo:libosinfo>. */
static char *
libosinfo_os_id (GVirConfigDomain *config)
{
  g_autofree char *xml = gvir_config_domain_get_custom_xml (config, HANGAR_LIBOSINFO_NS);
  g_autoptr(GVirConfigObject) metadata = NULL;
  xmlNode *node = NULL;

  if (xml == NULL)
    return NULL;
  metadata = gvir_config_object_new_from_xml (GVIR_CONFIG_TYPE_OBJECT, "libosinfo", NULL, xml,
                                              NULL);
  if (metadata == NULL)
    return NULL;
  g_object_get (metadata, "node", &node, NULL);
  for (xmlNode *child = node ? node->children : NULL; child != NULL; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, (const xmlChar *)"os"))
      return xml_prop (child, "id");
  return NULL;
}

/* Fills type, host, ports, socket and password from the first VNC or SPICE <graphics>,
 * has_serial and os_id from the rest of @config. */
static void
parse_graphics (GVirConfigDomain   *config,
                HangarGraphicsInfo *info)
{
  GList *devices = hangar_domain_config_get_devices (config);
  g_autofree char *listen = NULL;

  info->port = -1;
  info->tls_port = -1;
  for (GList *l = devices; l != NULL; l = l->next)
    {
      if (GVIR_CONFIG_IS_DOMAIN_SERIAL (l->data) || GVIR_CONFIG_IS_DOMAIN_CONSOLE (l->data))
        info->has_serial = TRUE;
      if (info->type != NULL)
        continue;

      if (GVIR_CONFIG_IS_DOMAIN_GRAPHICS_VNC (l->data))
        {
          info->type = g_strdup ("vnc");
          info->port = gvir_config_domain_graphics_vnc_get_port (l->data);
        }
      else if (GVIR_CONFIG_IS_DOMAIN_GRAPHICS_SPICE (l->data))
        {
          g_autofree char *tls_port = node_prop (l->data, "tlsPort");

          info->type = g_strdup ("spice");
          info->port = gvir_config_domain_graphics_spice_get_port (l->data);
          info->tls_port = tls_port != NULL ? atoi (tls_port) : -1;
        }
      else
        continue;

      listen = listen_prop (l->data, "address", "address");
      if (listen == NULL)
        listen = node_prop (l->data, "listen");
      info->socket = listen_prop (l->data, "socket", "socket");
      info->password = node_prop (l->data, "passwd");
    }
  g_list_free_full (devices, g_object_unref);

  info->os_id = libosinfo_os_id (config);

  /* No port is -1 in the XML, or absent (0 from libvirt-gconfig). */
  if (info->port <= 0)
    info->port = -1;
  if (info->tls_port <= 0)
    info->tls_port = -1;
  /* A console listening on every address is reached on the host's loopback. */
  if (listen == NULL || g_str_equal (listen, "0.0.0.0") || g_str_equal (listen, "::"))
    info->host = g_strdup (info->port > 0 || info->tls_port > 0 ? "127.0.0.1" : NULL);
  else
    info->host = g_steal_pointer (&listen);
}

static char *
connection_uri (virDomainPtr domain)
{
  virConnectPtr conn = virDomainGetConnect (domain);

  return conn ? virConnectGetURI (conn) : NULL;
}

/* The host named in a libvirt URI, or NULL for this machine. */
static char *
uri_host (const char *uri)
{
  g_autoptr(GUri) parsed = uri ? g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL) : NULL;
  const char *host = parsed ? g_uri_get_host (parsed) : NULL;

  return host != NULL && *host != '\0' ? g_strdup (host) : NULL;
}

/* Whether libvirt runs elsewhere: a host in the URI, even 127.0.0.1 over ssh, means
 * libvirt cannot hand over a socket and the console's address is the far side's. */
static gboolean
uri_is_remote (const char *uri)
{
  g_autofree char *host = uri_host (uri);

  return host != NULL;
}

/* A remote console is reached only through its host's SSH session: a tunnel to @port on
 * @host as the far side sees it. */
static int
open_remote_tunnel (const char  *uri,
                    const char  *host,
                    int          port,
                    GError     **error)
{
  if (hangar_ssh_uri_uses_ssh (uri) && host != NULL && port > 0)
    return hangar_ssh_open_tunnel (uri, host, port, error);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("the console is on a remote host that Hangar reaches only over SSH"));
  return -1;
}

/* A server certificate names the host its clients know it by (libvirt's TLS guide):
 * the host of the connection's URI, or this one. */
static void
set_tls_host (HangarGraphicsInfo *info,
              const char         *uri)
{
  g_free (info->tls_host);
  info->tls_host = uri_host (uri);
  if (info->tls_host == NULL)
    info->tls_host = g_strdup (g_get_host_name ());
}

/* A connected socket to the console: from libvirt locally, through the host's SSH
 * session remotely. -1 and @error when neither works. */
static int
open_console_socket (virDomainPtr        domain,
                     HangarGraphicsInfo *info,
                     GError            **error)
{
  g_autofree char *uri = connection_uri (domain);
  int fd;

  set_tls_host (info, uri);

  if (!uri_is_remote (uri))
    {
      /* Straight from libvirt: no port to find, no password to ask. */
      fd = virDomainOpenGraphicsFD (domain, 0, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH);
      if (fd < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", virGetLastErrorMessage ());
          virResetLastError ();
        }
      return fd;
    }

  info->remote = TRUE;
  return open_remote_tunnel (uri, info->host, info->port, error);
}

/* Whether @host names this machine's loopback: 127.0.0.0/8, ::1 or localhost. */
static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = host ? g_inet_address_new_from_string (host) : NULL;

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);
  return g_strcmp0 (host, "localhost") == 0;
}

/* Whether the live definition sets a console password. libvirt shows it only with
 * VIR_DOMAIN_XML_SECURE, which a read-only connection may not ask for: then it may. */
static gboolean
may_have_password (virDomainPtr domain)
{
  g_autoptr(GVirConfigDomain) config = hangar_domain_config_fetch (domain, VIR_DOMAIN_XML_SECURE,
                                                                  NULL);
  g_autoptr(HangarGraphicsInfo) secure = g_new0 (HangarGraphicsInfo, 1);

  virResetLastError ();
  if (config == NULL)
    return TRUE;
  secure->fd = -1;
  parse_graphics (config, secure);
  return secure->password != NULL;
}

/* Whether a local console is better reached over TCP than through libvirt's socket:
 * it listens on a loopback port and asks for nothing that libvirt's socket would skip
 * (a password) or that needs a name to check (TLS). */
static gboolean
can_connect_directly (virDomainPtr        domain,
                      HangarGraphicsInfo *info)
{
  return info->socket == NULL && info->port > 0 && info->tls_port <= 0 &&
         is_loopback (info->host) && !may_have_password (domain);
}

/* Reads the live definition into @info; on failure returns the task's error. */
static gboolean
read_definition (GTask              *task,
                 virDomainPtr        domain,
                 HangarGraphicsInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVirConfigDomain) config = hangar_domain_config_fetch (domain, 0, &error);

  if (config == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not read the definition of “%s”: %s"),
                               hangar_guest_get_name (g_task_get_source_object (task)),
                               error->message);
      return FALSE;
    }
  parse_graphics (config, info);
  return TRUE;
}

static void
open_graphics_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  HangarGuest *guest = source_object;
  virDomainPtr domain = task_data;
  HangarGraphicsOpenFlags flags =
    GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "hangar-open-flags"));
  g_autofree char *uri = connection_uri (domain);
  g_autoptr(HangarGraphicsInfo) info = g_new0 (HangarGraphicsInfo, 1);
  int active;

  info->fd = -1;
  active = virDomainIsActive (domain);
  if (active == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("“%s” is not running."), hangar_guest_get_name (guest));
      return;
    }

  if (!read_definition (task, domain, info))
    return;
  if (info->type == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("“%s” has no graphical console (VNC or SPICE)."),
                               hangar_guest_get_name (guest));
      return;
    }

  if (!(flags & HANGAR_GRAPHICS_OPEN_THROUGH_LIBVIRT) &&
      !uri_is_remote (uri) && can_connect_directly (domain, info))
    {
      info->direct = TRUE;
      set_tls_host (info, uri);
      g_task_return_pointer (task, g_steal_pointer (&info),
                             (GDestroyNotify)hangar_graphics_info_free);
      return;
    }

  {
    g_autoptr(GError) error = NULL;

    info->fd = open_console_socket (domain, info, &error);
    /* Locally, a listening port or socket is the way in when libvirt gives no socket. */
    if (info->fd < 0 && (info->remote || (info->port <= 0 && info->socket == NULL)))
      {
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("Could not open the graphical console of “%s”: %s"),
                                 hangar_guest_get_name (guest), error->message);
        return;
      }
  }

  if (info->fd < 0 && info->port <= 0 && info->tls_port <= 0 && info->socket == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The graphical console of “%s” cannot be reached: it has "
                                 "no listening port or socket."),
                               hangar_guest_get_name (guest));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&info),
                         (GDestroyNotify)hangar_graphics_info_free);
}

void
hangar_guest_open_graphics_async (HangarGuest            *guest,
                                  HangarGraphicsOpenFlags flags,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_GUEST (guest));

  task = hangar_guest_new_domain_task (guest, hangar_guest_open_graphics_async, cancellable,
                                       callback, user_data);
  if (task == NULL)
    return;
  /* Set before the worker starts, only read there. */
  g_object_set_data (G_OBJECT (task), "hangar-open-flags", GINT_TO_POINTER (flags));
  g_task_run_in_thread (task, open_graphics_thread);
}

HangarGraphicsInfo *
hangar_guest_open_graphics_finish (HangarGuest  *guest,
                                   GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A connected socket to the console's TLS port: directly on this host, through the
 * host's SSH session otherwise. libvirt's socket is never a TLS one. */
static int
open_tls_socket (virDomainPtr        domain,
                 HangarGraphicsInfo *info,
                 GCancellable       *cancellable,
                 GError            **error)
{
  g_autofree char *uri = connection_uri (domain);
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  int fd;

  if (info->host == NULL || info->tls_port <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("the console wants TLS but the guest's live XML has no TLS port; "
                     "check the guest's <graphics> element (tlsPort)"));
      return -1;
    }
  if (uri_is_remote (uri))
    return open_remote_tunnel (uri, info->host, info->tls_port, error);

  client = g_socket_client_new ();
  connection = g_socket_client_connect_to_host (client, info->host, info->tls_port,
                                                cancellable, error);
  if (connection == NULL)
    return -1;
  /* The connection closes its socket when it goes: hand over a copy. */
  fd = fcntl (g_socket_get_fd (g_socket_connection_get_socket (connection)), F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("could not keep the console's connection: %s"), g_strerror (saved));
    }
  return fd;
}

static void
open_fd_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_autoptr(HangarGraphicsInfo) info = g_new0 (HangarGraphicsInfo, 1);
  virDomainPtr domain = task_data;
  g_autofree char *uri = connection_uri (domain);
  gboolean tls = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "hangar-tls"));
  g_autoptr(GError) error = NULL;
  int fd;

  info->fd = -1;
  /* Only a tunnel or the TLS port needs the console's address: locally libvirt hands
   * the socket over. */
  if (tls || uri_is_remote (uri))
    {
      g_autoptr(GVirConfigDomain) config = hangar_domain_config_fetch (domain, 0, NULL);

      if (config != NULL)
        parse_graphics (config, info);
    }
  if (tls)
    fd = open_tls_socket (domain, info, cancellable, &error);
  else
    fd = open_console_socket (domain, info, &error);
  if (fd < 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not open the graphical console of “%s”: %s"),
                               hangar_guest_get_name (source_object), error->message);
      return;
    }
  g_task_return_int (task, fd);
}

void
hangar_guest_open_graphics_fd_async (HangarGuest        *guest,
                                     gboolean            tls,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_GUEST (guest));

  task = hangar_guest_new_domain_task (guest, hangar_guest_open_graphics_fd_async, cancellable,
                                       callback, user_data);
  if (task == NULL)
    return;
  /* Set before the worker starts, only read there. */
  g_object_set_data (G_OBJECT (task), "hangar-tls", GINT_TO_POINTER (tls));
  g_task_run_in_thread (task, open_fd_thread);
}

int
hangar_guest_open_graphics_fd_finish (HangarGuest  *guest,
                                      GAsyncResult *result,
                                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), -1);
  return (int)g_task_propagate_int (G_TASK (result), error);
}

static void
query_consoles_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  g_autoptr(HangarGraphicsInfo) info = g_new0 (HangarGraphicsInfo, 1);

  info->fd = -1;
  if (!read_definition (task, task_data, info))
    return;
  g_task_return_pointer (task, g_steal_pointer (&info), (GDestroyNotify)hangar_graphics_info_free);
}

void
hangar_guest_query_consoles_async (HangarGuest        *guest,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_GUEST (guest));

  task = hangar_guest_new_domain_task (guest, hangar_guest_query_consoles_async, cancellable,
                                       callback, user_data);
  if (task != NULL)
    g_task_run_in_thread (task, query_consoles_thread);
}

HangarGraphicsInfo *
hangar_guest_query_consoles_finish (HangarGuest  *guest,
                                    GAsyncResult *result,
                                    GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, guest), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
hangar_pki_user_path (const char *relative)
{
  /* As gvnc: the password database's home, whatever $HOME says. */
  struct passwd *pw = getpwuid (getuid ());

  return g_build_filename (pw != NULL ? pw->pw_dir : g_get_home_dir (), ".pki", relative,
                           NULL);
}

char *
hangar_pki_find (const char *relative)
{
  g_autofree char *system = g_build_filename (HANGAR_PKI_SYSTEM_DIR, relative, NULL);
  g_autofree char *user = hangar_pki_user_path (relative);

  if (g_file_test (system, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&system);
  if (g_file_test (user, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&user);
  return NULL;
}
