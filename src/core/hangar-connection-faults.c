// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-connection"

/* Why a host could not be opened, in words. libvirt says it in its own terms — the
 * socket it tried, the errno, what ssh printed — so its message is matched against
 * the texts libvirt 9.0 and OpenSSH 9.2 really write (tests/test-connection-faults.c
 * produces each for real) and turned into a sentence naming the host and what to do.
 * Anything unknown keeps libvirt's own words behind the host's name. */

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection-private.h"

char *
hangar_connection_host_label (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  const char *host = parsed != NULL ? g_uri_get_host (parsed) : NULL;

  if (host == NULL || *host == '\0')
    return g_strdup (_("this computer"));
  return g_strdup (host);
}

static gboolean
contains_any (const char        *text,
              const char *const *needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (strstr (text, needles[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* The path in "Failed to connect socket to '/path': …", or NULL. */
static char *
socket_path (const char *reason)
{
  const char *start = strstr (reason, "Failed to connect socket to '");
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen ("Failed to connect socket to '");
  end = strchr (start, '\'');
  return end != NULL ? g_strndup (start, end - start) : NULL;
}

GError *
hangar_connection_failure_error (const char *uri,
                                 const char *reason)
{
  /* The remote shell could not find virt-ssh-helper or nc ("sh: 1: exec: nc: not
   * found", bash's "command not found"). */
  static const char *const missing[] = { "virt-ssh-helper: not found", "nc: not found",
                                         "virt-ssh-helper: command not found",
                                         "nc: command not found", NULL };
  /* ssh's and SASL's words for a refused login. */
  static const char *const login[] = { "Permission denied (", "authentication failed",
                                       "Too many authentication failures",
                                       "Host key verification failed", NULL };
  static const char *const unreachable[] = { "No route to host", "Network is unreachable",
                                             "Name or service not known",
                                             "Temporary failure in name resolution",
                                             "Could not resolve hostname", NULL };
  static const char *const timed_out[] = { "Connection timed out",
                                           "Operation timed out", NULL };
  g_autofree char *host = hangar_connection_host_label (uri);
  g_autofree char *path = socket_path (reason);

  if (contains_any (reason, missing))
    return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_NO_LIBVIRT,
                        _("libvirt is not installed on %s: neither virt-ssh-helper nor nc "
                          "is there. Install libvirt-daemon-system on that host, then "
                          "try again."), host);

  if (path != NULL && strstr (reason, "Permission denied") != NULL)
    return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_SOCKET_DENIED,
                        _("You may not use libvirt on %s: its socket %s refuses your "
                          "user. Add the user to the libvirt group there (or allow it "
                          "through polkit) and log in again, then try again."),
                        host, path);

  /* No socket, or one nobody listens on: the daemon is not running. */
  if (path != NULL && (strstr (reason, "No such file or directory") != NULL ||
                       strstr (reason, "Connection refused") != NULL))
    return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_NO_DAEMON,
                        _("libvirtd is not running on %s (nothing answers on %s). Start "
                          "it there (systemctl start libvirtd), then try again."),
                        host, path);

  if (contains_any (reason, login))
    return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_LOGIN_REFUSED,
                        _("%s refused the login. Check the user name and the password "
                          "or key, then try again."), host);

  if (strstr (reason, "Connection refused") != NULL)
    return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_REFUSED,
                        _("%s refused the connection: nothing listens on that port. "
                          "Check the port, and that the host’s libvirtd (or sshd) "
                          "accepts connections, then try again."), host);

  if (contains_any (reason, unreachable))
    return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_UNREACHABLE,
                        _("%s cannot be reached. Check the host name and the network, "
                          "then try again."), host);

  if (contains_any (reason, timed_out))
    return hangar_connection_timeout_error (uri, 0);

  return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_FAILED,
                      _("Could not connect to %s: %s"), host, reason);
}

GError *
hangar_connection_timeout_error (const char *uri,
                                 guint       seconds)
{
  g_autofree char *host = hangar_connection_host_label (uri);

  if (seconds == 0)
    return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_TIMED_OUT,
                        _("%s did not answer in time. Check that the host is on and "
                          "reachable, then try again."), host);
  return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_TIMED_OUT,
                      ngettext ("%s did not answer within %u second. Check that the host "
                                "is on and reachable, then try again.",
                                "%s did not answer within %u seconds. Check that the host "
                                "is on and reachable, then try again.", seconds),
                      host, seconds);
}
