// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The rules of README.md's "Consoles over TLS" that hold for a guest's console, opened
 * the way the guest window opens it (hangar_vnc_display_open, hangar_spice_display_open
 * with the HangarGuest), which test-e2e-console-tls (displays pointed at servers by
 * hand) does not reach:
 *
 *   - the certificate is checked against this machine's name for a local guest: a VNC
 *     server whose certificate names only this host (and not localhost) is accepted,
 *     one whose certificate names only localhost and 127.0.0.1 is refused, the message
 *     naming this host;
 *   - and against the host of the connection's URI for a remote guest (its console
 *     reached through the host's SSH session): over test+ssh://root@127.0.0.1:PORT/…
 *     the other way round, the localhost/127.0.0.1 certificate is accepted and the one
 *     for this host's name refused, the message naming 127.0.0.1;
 *   - SPICE on a local guest falls back to libvirt's own CA,
 *     /etc/pki/libvirt-spice/ca-cert.pem, when CA/cacert.pem is in neither /etc/pki nor
 *     ~/.pki; CA/cacert.pem comes first when there is one; a console that is not a
 *     local guest's does not take libvirt's CA;
 *   - a local guest's console on a loopback port that asks a direct connection for TLS
 *     (VNC) or a password (SPICE) is opened again through libvirt's socket (on the test
 *     driver, which has none to give, by its address as before).
 *
 * The guests are libvirt test-driver guests (a local URI, test:///…) whose <graphics>
 * lead to QEMU console servers the test starts with TLS as libvirt's vnc_tls and
 * spice_tls configure them (x509 directories of ca-cert.pem, server-cert.pem,
 * server-key.pem; every SPICE channel secure), with certificates made for the run.
 * Files go to /etc/pki and ~/.pki in a mount namespace of the test's own (e2e-tls.h).
 * The remote host is this one behind an sshd of the test's own (e2e-sshd.h), its
 * libvirtd serving a test-driver host file under /tmp.
 */
#define G_LOG_DOMAIN "test-e2e-tls-guest"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "e2e-guest.h"
#include "e2e-sshd.h"
#include "e2e-tls.h"
#include "hangar-core.h"
#include "hangar-spice-display.h"
#include "hangar-vnc-display.h"
#include "test-free-port.h"

#define SETTLE_TIMEOUT 20000

static char *home;
static char *workdir;
static const char *host_name;
static GPtrArray *qemus;
static HangarConnection *connection;
static HangarConnection *remote;
static char *remote_dir;
static GtkWindow *window;
static int spice_port;
static int spice_tls_port;

static char *
work_path (const char *relative)
{
  return g_build_filename (workdir, relative, NULL);
}

/* Where the client looks: /etc/pki and ~/.pki's CA/cacert.pem, libvirt's SPICE CA. */
static void
set_files (const char *user_ca,
           const char *libvirt_spice_ca)
{
  g_autofree char *user = g_build_filename (home, ".pki", "CA", "cacert.pem", NULL);
  g_autofree char *from_user = user_ca ? work_path (user_ca) : NULL;
  g_autofree char *from_spice = libvirt_spice_ca ? work_path (libvirt_spice_ca) : NULL;

  e2e_tls_copy_file (NULL, "/etc/pki/CA/cacert.pem");
  e2e_tls_copy_file (from_user, user);
  e2e_tls_copy_file (from_spice, "/etc/pki/libvirt-spice/ca-cert.pem");
}

/* The CAs, and two servers' x509 directories: "named" has a certificate for this host's
 * name only, "local" one for localhost and 127.0.0.1 only. */
static void
make_certificates (void)
{
  g_autofree char *config = work_path ("openssl.cnf");
  g_autofree char *text = g_strdup_printf (
    "[req]\n"
    "distinguished_name = dn\n"
    "[dn]\n"
    "[ca]\n"
    "basicConstraints = critical,CA:TRUE\n"
    "keyUsage = critical,keyCertSign,cRLSign\n"
    "[named]\n"
    "basicConstraints = critical,CA:FALSE\n"
    "keyUsage = critical,digitalSignature,keyEncipherment\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:%s\n"
    "[local]\n"
    "basicConstraints = critical,CA:FALSE\n"
    "keyUsage = critical,digitalSignature,keyEncipherment\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost,IP:127.0.0.1\n", host_name);
  g_autofree char *ca = work_path ("ca");
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (workdir, 0700);
  if (!g_file_set_contents (config, text, -1, &error))
    g_error ("%s", error->message);
  e2e_tls_make_cert (config, ca, "ca", "ca", "/CN=Hangar test CA", NULL);
  {
    g_autofree char *other = work_path ("other-ca");

    e2e_tls_make_cert (config, other, "ca", "ca", "/CN=Another CA", NULL);
  }
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "named" : "local";
      g_autofree char *dir = work_path (name);
      g_autofree char *subject = g_strdup_printf ("/CN=%s", i == 0 ? host_name : "localhost");
      g_autofree char *ca_cert = g_build_filename (ca, "ca-cert.pem", NULL);
      g_autofree char *ca_copy = g_build_filename (dir, "ca-cert.pem", NULL);

      e2e_tls_make_cert (config, dir, "server", name, subject, ca);
      e2e_tls_copy_file (ca_cert, ca_copy);
    }
}

/* QEMU's VNC server on NAME.sock with the x509 directory NAME (libvirt's vnc_tls; this
 * test leaves client certificates to test-e2e-console-tls). */
static char *
start_vnc (const char *name)
{
  g_autofree char *dir = work_path (name);
  g_autofree char *socket_name = g_strdup_printf ("%s.sock", name);
  char *socket_path = work_path (socket_name);
  g_autofree char *args = g_strdup_printf (
    "-object tls-creds-x509,id=tls0,dir=%s,endpoint=server,verify-peer=off "
    "-vnc unix:%s,tls-creds=tls0", dir, socket_path);

  g_ptr_array_add (qemus, e2e_tls_start_qemu (args));
  if (!e2e_wait_for (e2e_tls_file_exists, socket_path, 10000))
    g_error ("QEMU (%s) made no VNC socket at %s", args, socket_path);
  return socket_path;
}

/* QEMU's SPICE server as spice_tls makes it: a plain port and a TLS port, every
 * channel secure, the "local" certificate (the address it listens on, 127.0.0.1). */
static void
start_spice (void)
{
  g_autofree char *dir = work_path ("local");
  g_autofree char *args = NULL;

  spice_port = test_free_port ();
  do
    spice_tls_port = test_free_port ();
  while (spice_tls_port == spice_port);
  args = g_strdup_printf ("-spice port=%d,tls-port=%d,addr=127.0.0.1,x509-dir=%s,"
                          "disable-ticketing=on,tls-channel=default",
                          spice_port, spice_tls_port, dir);
  g_ptr_array_add (qemus, e2e_tls_start_qemu (args));
  if (!e2e_wait_for (e2e_tls_port_listens, GINT_TO_POINTER (spice_tls_port), 10000))
    g_error ("QEMU's SPICE server does not listen on %d", spice_tls_port);
}

/* A SPICE server with a password of its own, on a plain port (what a password set on
 * QEMU outside libvirt is like: the definition shows none); returns the port. */
#define SPICE_PASSWORD "hangar-pw"

static int
start_spice_password (void)
{
  int port = test_free_port ();
  g_autofree char *args = g_strdup_printf ("-object secret,id=pw0,data=" SPICE_PASSWORD " "
                                           "-spice port=%d,addr=127.0.0.1,password-secret=pw0",
                                           port);

  g_ptr_array_add (qemus, e2e_tls_start_qemu (args));
  if (!e2e_wait_for (e2e_tls_port_listens, GINT_TO_POINTER (port), 10000))
    g_error ("QEMU's SPICE server does not listen on %d", port);
  return port;
}

/* A running test-driver guest @name whose console is @graphics (a <graphics> element). */
static void
append_guest (GString    *xml,
              const char *name,
              const char *graphics)
{
  g_string_append_printf (xml,
                          "  <domain type='test'>\n"
                          "    <name>%s</name>\n"
                          "    <memory unit='MiB'>256</memory>\n"
                          "    <vcpu>1</vcpu>\n"
                          "    <os><type arch='x86_64'>hvm</type></os>\n"
                          "    <devices>%s</devices>\n"
                          "  </domain>\n", name, graphics);
}

/* Writes the test-driver host of the guests in @xml to @path. */
static void
write_node (const char *path,
            GString    *xml)
{
  g_autofree char *text = g_strdup_printf ("<node>\n%s</node>\n", xml->str);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, text, -1, &error))
    g_error ("%s", error->message);
}

/* A test-driver host whose running guests' consoles are those servers. */
static char *
write_host (const char *named_socket,
            const char *local_socket,
            int         tcp_port,
            int         spice_password_port)
{
  g_autofree char *path = work_path ("host.xml");
  g_autoptr(GString) xml = g_string_new (NULL);
  g_autofree char *named = g_strdup_printf (
    "<graphics type='vnc'><listen type='socket' socket='%s'/></graphics>", named_socket);
  g_autofree char *local = g_strdup_printf (
    "<graphics type='vnc'><listen type='socket' socket='%s'/></graphics>", local_socket);
  g_autofree char *spice = g_strdup_printf (
    "<graphics type='spice' autoport='no' port='%d' tlsPort='%d' listen='127.0.0.1'>"
    "<listen type='address' address='127.0.0.1'/></graphics>", spice_port, spice_tls_port);
  g_autofree char *tcp = g_strdup_printf (
    "<graphics type='vnc' port='%d' autoport='no' listen='127.0.0.1'/>", tcp_port);

  append_guest (xml, "vnc-named", named);
  append_guest (xml, "vnc-tcp-this-host", tcp);
  g_free (tcp);
  tcp = g_strdup_printf ("<graphics type='spice' port='%d' autoport='no' listen='127.0.0.1'/>",
                         spice_password_port);
  append_guest (xml, "spice-password", tcp);
  append_guest (xml, "vnc-local", local);
  append_guest (xml, "spice", spice);
  write_node (path, xml);
  return g_strconcat ("test://", path, NULL);
}

/* A VNC display number whose port nothing listens on now. */
static int
free_vnc_display (void)
{
  for (int display = 100; display < 1000; display++)
    {
      g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL);
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 5900 + display);

      if (socket != NULL && g_socket_bind (socket, address, FALSE, NULL))
        return display;
    }
  g_error ("No free VNC display on 127.0.0.1");
}

/* The same VNC server as start_vnc's, on a TCP port (a remote console is reached by
 * its port, through the host's SSH session); returns the port. */
static int
start_vnc_tcp (const char *name)
{
  g_autofree char *dir = work_path (name);
  int display = free_vnc_display ();
  g_autofree char *args = g_strdup_printf (
    "-object tls-creds-x509,id=tls0,dir=%s,endpoint=server,verify-peer=off "
    "-vnc 127.0.0.1:%d,tls-creds=tls0", dir, display);

  g_ptr_array_add (qemus, e2e_tls_start_qemu (args));
  if (!e2e_wait_for (e2e_tls_port_listens, GINT_TO_POINTER (5900 + display), 10000))
    g_error ("QEMU (%s) does not listen on %d", args, 5900 + display);
  return 5900 + display;
}

/* The remote host: a test-driver host file that libvirtd (outside the test's mount
 * namespace) can read, with two guests on those TCP ports; its URI over the test's
 * sshd. */
static char *
write_remote_host (int named_port,
                   int local_port,
                   int sshd_port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GString) xml = g_string_new (NULL);
  const char *graphics = "<graphics type='vnc' port='%d' autoport='no' listen='127.0.0.1'/>";
  g_autofree char *named = g_strdup_printf (graphics, named_port);
  g_autofree char *local = g_strdup_printf (graphics, local_port);

  remote_dir = g_dir_make_tmp ("hangar-tls-host-XXXXXX", &error);
  if (remote_dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (remote_dir, "host.xml", NULL);
  append_guest (xml, "vnc-tcp-named", named);
  append_guest (xml, "vnc-tcp-local", local);
  write_node (path, xml);
  return g_strdup_printf ("test+ssh://root@127.0.0.1:%d%s", sshd_port, path);
}

static gboolean
connection_open (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static HangarConnection *
open_connection (const char *uri)
{
  HangarConnection *c = hangar_connection_new (uri);

  hangar_connection_open_async (c, NULL, NULL, NULL);
  if (!e2e_wait_for (connection_open, c, 30000))
    g_error ("Hangar could not open %s: %s", uri, hangar_connection_get_error_message (c));
  return c;
}

static HangarGuest *
find_guest (const char *name)
{
  HangarGuest *guest = hangar_connection_find_guest (connection, name);

  if (guest == NULL && remote != NULL)
    guest = hangar_connection_find_guest (remote, name);
  if (guest == NULL || !hangar_guest_is_active (guest))
    g_error ("The test-driver host has no running guest %s", name);
  return guest;
}

/* @display, put in the window and opened on the guest @name as the guest window does,
 * once it shows the guest or gave up. */
static HangarDisplay *
open_guest_console (HangarDisplay *display,
                    const char    *name)
{
  gint64 ms = 0;

  gtk_window_set_child (window, GTK_WIDGET (display));
  if (HANGAR_IS_VNC_DISPLAY (display))
    hangar_vnc_display_open (HANGAR_VNC_DISPLAY (display), find_guest (name));
  else
    hangar_spice_display_open (HANGAR_SPICE_DISPLAY (display), find_guest (name));
  if (!e2e_wait_for_elapsed (e2e_display_settled, display, SETTLE_TIMEOUT, &ms))
    g_error ("%s's console neither connected nor failed in %d ms: “%s”", name,
             SETTLE_TIMEOUT, hangar_display_get_status_message (display));
  g_test_message ("%s: %s after %" G_GINT64_FORMAT " ms%s%s", name,
                  e2e_display_shows_picture (display) ? "shows the guest" : "gave up", ms,
                  hangar_display_get_status_message (display) ? ": " : "",
                  hangar_display_get_status_message (display) ?: "");
  return display;
}

static void
close_display (HangarDisplay *display)
{
  e2e_display_close (display);
  gtk_window_set_child (window, NULL);
}

static void
assert_picture (HangarDisplay *display)
{
  if (!e2e_display_shows_picture (display))
    g_error ("The console shows no picture: “%s”", hangar_display_get_status_message (display));
}

/* ---- the host name ---------------------------------------------------------------------- */

static void
test_vnc_this_host_name (void)
{
  HangarDisplay *display;

  set_files ("ca/ca-cert.pem", NULL);
  display = open_guest_console (HANGAR_DISPLAY (hangar_vnc_display_new ()), "vnc-named");
  assert_picture (display);
  close_display (display);
}

static void
test_vnc_not_this_host_name (void)
{
  g_autofree char *quoted = g_strdup_printf ("“%s”", host_name);
  HangarDisplay *display;

  set_files ("ca/ca-cert.pem", NULL);
  display = open_guest_console (HANGAR_DISPLAY (hangar_vnc_display_new ()), "vnc-local");
  e2e_display_assert_fails_naming (display, quoted);
  e2e_display_assert_fails_naming (display, "not issued for");
  close_display (display);
}

static void
test_vnc_uri_host_name (void)
{
  HangarDisplay *display;

  set_files ("ca/ca-cert.pem", NULL);
  display = open_guest_console (HANGAR_DISPLAY (hangar_vnc_display_new ()), "vnc-tcp-local");
  assert_picture (display);
  close_display (display);
}

static void
test_vnc_not_uri_host_name (void)
{
  HangarDisplay *display;

  set_files ("ca/ca-cert.pem", NULL);
  display = open_guest_console (HANGAR_DISPLAY (hangar_vnc_display_new ()), "vnc-tcp-named");
  e2e_display_assert_fails_naming (display, "“127.0.0.1”");
  e2e_display_assert_fails_naming (display, "not issued for");
  close_display (display);
}

/* A local guest's console on a loopback port, whose definition shows no password or TLS
 * port, is first reached directly over TCP; this server then asks for TLS (libvirt's
 * vnc_tls, which no definition shows), so the console is opened again through libvirt's
 * socket — which the test driver cannot give, so by its address as before, with TLS and
 * the certificate checked against this host's name. */
static guint reopened;

/* The display's debug line when it goes through libvirt's socket after all. */
static void
count_reopened (const char    *domain,
                GLogLevelFlags level,
                const char    *message,
                gpointer       data)
{
  if (strstr (message, "through libvirt's socket") != NULL)
    reopened++;
}

static void
test_vnc_direct_asks_tls (void)
{
  guint handler = g_log_set_handler ("hangar-vnc-display", G_LOG_LEVEL_DEBUG, count_reopened,
                                     NULL);
  HangarDisplay *display;

  set_files ("ca/ca-cert.pem", NULL);
  reopened = 0;
  display = open_guest_console (HANGAR_DISPLAY (hangar_vnc_display_new ()),
                                "vnc-tcp-this-host");
  g_log_remove_handler ("hangar-vnc-display", handler);
  g_assert_cmpuint (reopened, ==, 1);
  assert_picture (display);
  close_display (display);
}

static guint passwords_asked;

static void
on_password_needed_cb (HangarDisplay *display)
{
  passwords_asked++;
  hangar_display_set_password (display, SPICE_PASSWORD);
}

/* The same with SPICE and a password the definition does not show: the direct session
 * is refused and opened again through libvirt's socket (on the test driver: by its
 * address, which asks for the password once). */
static void
test_spice_direct_asks_password (void)
{
  /* spice-client-glib warns of the refused password: warnings are not fatal here. */
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  guint handler = g_log_set_handler ("hangar-spice-session", G_LOG_LEVEL_DEBUG,
                                     count_reopened, NULL);
  HangarDisplay *display = HANGAR_DISPLAY (hangar_spice_display_new ());

  passwords_asked = 0;
  reopened = 0;
  g_signal_connect (display, "password-needed", G_CALLBACK (on_password_needed_cb), NULL);
  open_guest_console (display, "spice-password");
  g_log_remove_handler ("hangar-spice-session", handler);
  g_assert_cmpuint (reopened, ==, 1);
  assert_picture (display);
  g_assert_cmpuint (passwords_asked, ==, 1);
  close_display (display);
  g_log_set_always_fatal (fatal);
}

/* ---- SPICE's CA --------------------------------------------------------------------------- */

static void
test_spice_libvirt_ca (void)
{
  HangarDisplay *display;

  set_files (NULL, "ca/ca-cert.pem");
  display = open_guest_console (HANGAR_DISPLAY (hangar_spice_display_new ()), "spice");
  assert_picture (display);
  close_display (display);
}

static void
test_spice_client_ca_first (void)
{
  HangarDisplay *display;

  set_files ("ca/ca-cert.pem", "other-ca/ca-cert.pem");
  display = open_guest_console (HANGAR_DISPLAY (hangar_spice_display_new ()), "spice");
  assert_picture (display);
  close_display (display);
}

/* The same server reached directly, not as a local guest's console: libvirt's CA is not
 * taken. spice-client-glib warns about the refused certificate as well: here warnings
 * are not fatal, criticals still are. */
static void
test_spice_libvirt_ca_only_local (void)
{
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  HangarDisplay *display = HANGAR_DISPLAY (hangar_spice_display_new ());
  gint64 ms = 0;

  set_files (NULL, "ca/ca-cert.pem");
  gtk_window_set_child (window, GTK_WIDGET (display));
  hangar_spice_display_open_host (HANGAR_SPICE_DISPLAY (display), "127.0.0.1", spice_port,
                                  spice_tls_port);
  if (!e2e_wait_for_elapsed (e2e_display_settled, display, SETTLE_TIMEOUT, &ms))
    g_error ("The console neither connected nor failed in %d ms", SETTLE_TIMEOUT);
  e2e_display_assert_fails_naming (display, "cannot be checked");
  close_display (display);
  g_log_set_always_fatal (fatal);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *named_socket = NULL;
  g_autofree char *local_socket = NULL;
  g_autofree char *uri = NULL;
  int ret;

  /* Before any thread exists. */
  home = e2e_tls_enter_private_pki ();
  workdir = g_build_filename (home, "hangar-tls", NULL);

  e2e_gtk_test_init (&argc, &argv);
  hangar_core_init ();

  host_name = g_get_host_name ();
  if (g_ascii_strcasecmp (host_name, "localhost") == 0)
    g_error ("This machine is named localhost: a certificate for its name cannot be told "
             "from one for localhost. Give it a name (hostnamectl) to run this test.");

  qemus = g_ptr_array_new_with_free_func (g_object_unref);
  make_certificates ();
  named_socket = start_vnc ("named");
  local_socket = start_vnc ("local");
  start_spice ();

  uri = write_host (named_socket, local_socket, start_vnc_tcp ("named"),
                    start_spice_password ());
  connection = open_connection (uri);
  {
    int named_port = start_vnc_tcp ("named");
    int local_port = start_vnc_tcp ("local");
    g_autofree char *remote_uri = write_remote_host (named_port, local_port, e2e_sshd_start ());

    remote = open_connection (remote_uri);
  }

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 800, 500);
  gtk_window_present (window);

  g_test_add_func ("/e2e/tls-guest/vnc-this-host-name", test_vnc_this_host_name);
  g_test_add_func ("/e2e/tls-guest/vnc-not-this-host-name", test_vnc_not_this_host_name);
  g_test_add_func ("/e2e/tls-guest/vnc-uri-host-name", test_vnc_uri_host_name);
  g_test_add_func ("/e2e/tls-guest/vnc-not-uri-host-name", test_vnc_not_uri_host_name);
  g_test_add_func ("/e2e/tls-guest/vnc-direct-asks-tls", test_vnc_direct_asks_tls);
  g_test_add_func ("/e2e/tls-guest/spice-direct-asks-password",
                   test_spice_direct_asks_password);
  g_test_add_func ("/e2e/tls-guest/spice-libvirt-ca", test_spice_libvirt_ca);
  g_test_add_func ("/e2e/tls-guest/spice-client-ca-first", test_spice_client_ca_first);
  g_test_add_func ("/e2e/tls-guest/spice-libvirt-ca-only-local",
                   test_spice_libvirt_ca_only_local);
  ret = g_test_run ();

  gtk_window_destroy (window);
  hangar_connection_close (connection);
  g_clear_object (&connection);
  hangar_connection_close (remote);
  g_clear_object (&remote);
  e2e_sshd_stop ();
  if (remote_dir != NULL)
    {
      const char *rm[] = { "rm", "-rf", remote_dir, NULL };

      e2e_tls_run (rm);
      g_free (remote_dir);
    }
  for (guint i = 0; i < qemus->len; i++)
    {
      GSubprocess *qemu = g_ptr_array_index (qemus, i);

      g_subprocess_force_exit (qemu);
      g_subprocess_wait (qemu, NULL, NULL);
    }
  g_ptr_array_unref (qemus);
  g_free (workdir);
  g_free (home);
  return ret;
}
