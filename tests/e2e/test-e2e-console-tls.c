// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Hangar's consoles over TLS, as libvirt sets them up with vnc_tls = 1 and spice_tls = 1
 * in qemu.conf. VNC: QEMU offers VeNCrypt with x509 certificates (and a password inside
 * when the guest has one), or anonymous TLS. SPICE: a TLS port that every channel must
 * use. The test starts its own QEMUs, so the shared libvirtd keeps its configuration,
 * with a CA and certificates made for the run (openssl).
 *
 * gvnc reads the client's certificates from /etc/pki and from ~/.pki of the password
 * database's home, not $HOME. So the test runs in a mount namespace of its own (root,
 * as the other end-to-end tests) with an empty tmpfs over that home and over /etc/pki:
 * nothing it writes outlives it, and nobody else sees it. Files under /etc/pki come
 * before those under ~/.pki, for VNC (gvnc) and SPICE alike (system-pki-first).
 *
 *   home (tmpfs)/.pki/CA/cacert.pem, libvirt-vnc/clientcert.pem, .../private/clientkey.pem
 *   home/hangar-tls/{ca,other-ca,client,other-client}/  server/ (QEMU's x509 dir)
 *   home/hangar-tls/x509.sock, password.sock, anon.sock (QEMU VNC); SPICE on TCP ports
 */
#define _GNU_SOURCE /* unshare () */
#define G_LOG_DOMAIN "test-e2e-console-tls"

#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "e2e-guest.h"
#include "e2e-tls.h"
#include "hangar-spice-display.h"
#include "hangar-vnc-display.h"

#define PASSWORD "hangar-tls"

static char *home;    /* the stand-in home directory */
static char *workdir; /* home/hangar-tls */
static GPtrArray *qemus;
static GtkWindow *window;

static void
run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", argv[0], error->message, err ? err : "");
}

/* A private mount namespace where an empty tmpfs is the user's home (see the top). */
static void
enter_private_home (void)
{
  struct passwd *pw = getpwuid (getuid ());

  if (pw == NULL || pw->pw_dir == NULL || g_strcmp0 (pw->pw_dir, "/") == 0)
    g_error ("The user has no home directory of its own for gvnc's ~/.pki");
  if (unshare (CLONE_NEWNS) != 0)
    g_error ("unshare (CLONE_NEWNS) failed: %s. This test needs root, as the other "
             "end-to-end tests.", g_strerror (errno));
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount ("tmpfs", pw->pw_dir, "tmpfs", 0, "mode=0700") != 0)
    g_error ("Could not put a tmpfs over %s: %s", pw->pw_dir, g_strerror (errno));
  /* A system-wide CA would come first; here there is none but the test's own. */
  if (g_mkdir_with_parents ("/etc/pki", 0755) != 0 ||
      mount ("tmpfs", "/etc/pki", "tmpfs", 0, "mode=0755") != 0)
    g_error ("Could not put a tmpfs over /etc/pki: %s", g_strerror (errno));
  home = g_strdup (pw->pw_dir);
  workdir = g_build_filename (home, "hangar-tls", NULL);
}

static char *
work_path (const char *relative)
{
  return g_build_filename (workdir, relative, NULL);
}

/* A key and a certificate signed by @ca (NULL: self-signed), as QEMU's file names want. */
static void
make_cert (const char *dir,
           const char *name,
           const char *extensions,
           const char *subject,
           const char *ca)
{
  g_autofree char *config = work_path ("openssl.cnf");
  g_autofree char *key = g_strdup_printf ("%s/%s-key.pem", dir, name);
  g_autofree char *cert = g_strdup_printf ("%s/%s-cert.pem", dir, name);
  g_autofree char *ca_cert = ca ? g_strdup_printf ("%s/ca-cert.pem", ca) : NULL;
  g_autofree char *ca_key = ca ? g_strdup_printf ("%s/ca-key.pem", ca) : NULL;
  const char *argv[] = {
    "openssl", "req", "-x509", "-config", config, "-extensions", extensions,
    "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc", "-days", "2",
    "-subj", subject, "-keyout", key, "-out", cert,
    ca ? "-CA" : NULL, ca_cert, "-CAkey", ca_key, NULL
  };

  g_mkdir_with_parents (dir, 0700);
  run (argv);
}

static void
make_certificates (void)
{
  g_autofree char *config = work_path ("openssl.cnf");
  g_autofree char *ca = work_path ("ca");
  g_autofree char *other_ca = work_path ("other-ca");
  g_autofree char *server = work_path ("server");
  g_autofree char *client = work_path ("client");
  g_autofree char *other_client = work_path ("other-client");
  g_autofree char *ca_copy = NULL;
  g_autoptr(GError) error = NULL;
  const char *text =
    "[req]\n"
    "distinguished_name = dn\n"
    "[dn]\n"
    "[ca]\n"
    "basicConstraints = critical,CA:TRUE\n"
    "keyUsage = critical,keyCertSign,cRLSign\n"
    "[server]\n"
    "basicConstraints = critical,CA:FALSE\n"
    "keyUsage = critical,digitalSignature,keyEncipherment\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost,IP:127.0.0.1\n"
    "[client]\n"
    "basicConstraints = critical,CA:FALSE\n"
    "keyUsage = critical,digitalSignature,keyEncipherment\n"
    "extendedKeyUsage = clientAuth\n";
  g_autofree char *contents = NULL;

  g_mkdir_with_parents (workdir, 0700);
  if (!g_file_set_contents (config, text, -1, &error))
    g_error ("%s", error->message);
  make_cert (ca, "ca", "ca", "/CN=Hangar test CA", NULL);
  make_cert (other_ca, "ca", "ca", "/CN=Another CA", NULL);
  make_cert (server, "server", "server", "/CN=localhost", ca);
  make_cert (client, "client", "client", "/CN=hangar-test-client", ca);
  make_cert (other_client, "client", "client", "/CN=hangar-test-client", other_ca);

  /* QEMU's x509 directory: ca-cert.pem, server-cert.pem, server-key.pem. */
  ca_copy = g_build_filename (server, "ca-cert.pem", NULL);
  {
    g_autofree char *ca_cert = g_build_filename (ca, "ca-cert.pem", NULL);

    if (!g_file_get_contents (ca_cert, &contents, NULL, &error) ||
        !g_file_set_contents (ca_copy, contents, -1, &error))
      g_error ("%s", error->message);
  }
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (to);
  g_autoptr(GError) error = NULL;
  gsize length;

  g_mkdir_with_parents (dir, 0700);
  if (!g_file_get_contents (from, &contents, &length, &error) ||
      !g_file_set_contents (to, contents, length, &error))
    g_error ("%s", error->message);
}

/* What @pki holds: the CA of @ca_dir, the client certificate and key of @client_dir
 * (NULL: none). */
static void
set_pki_files (const char *pki,
               const char *ca_dir,
               const char *client_dir)
{
  g_autofree char *ca = g_build_filename (pki, "CA", "cacert.pem", NULL);
  g_autofree char *cert = g_build_filename (pki, "libvirt-vnc", "clientcert.pem", NULL);
  g_autofree char *key = g_build_filename (pki, "libvirt-vnc", "private", "clientkey.pem",
                                           NULL);

  g_remove (ca);
  g_remove (cert);
  g_remove (key);
  if (ca_dir != NULL)
    {
      g_autofree char *from = g_build_filename (workdir, ca_dir, "ca-cert.pem", NULL);

      copy_file (from, ca);
    }
  if (client_dir != NULL)
    {
      g_autofree char *from_cert = g_build_filename (workdir, client_dir, "client-cert.pem",
                                                     NULL);
      g_autofree char *from_key = g_build_filename (workdir, client_dir, "client-key.pem",
                                                    NULL);

      copy_file (from_cert, cert);
      copy_file (from_key, key);
    }
}

/* What the user has in ~/.pki (and nothing in /etc/pki). */
static void
set_client_files (const char *ca_dir,
                  const char *client_dir)
{
  g_autofree char *pki = g_build_filename (home, ".pki", NULL);

  set_pki_files ("/etc/pki", NULL, NULL);
  set_pki_files (pki, ca_dir, client_dir);
}

static gboolean
socket_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* A QEMU with no disk (its BIOS screen is the picture), with @args (space-separated)
 * for its console; it dies with the test. */
static void
start_qemu (const char *args)
{
  g_ptr_array_add (qemus, e2e_tls_start_qemu (args));
}

/* A QEMU whose VNC server listens on the UNIX socket @name.sock with @vnc_options,
 * after the -object @objects (space-separated); returns the socket's path. */
static char *
start_vnc (const char *name,
           const char *objects,
           const char *vnc_options)
{
  g_autofree char *socket_name = g_strdup_printf ("%s.sock", name);
  char *socket_path = work_path (socket_name);
  g_auto(GStrv) object_list = g_strsplit (objects, " ", -1);
  g_autofree char *object_args = NULL;
  g_autofree char *args = NULL;

  object_args = g_strjoinv (" -object ", object_list);
  args = g_strdup_printf ("-object %s -vnc unix:%s,%s", object_args, socket_path, vnc_options);
  start_qemu (args);
  if (!e2e_wait_for (socket_exists, socket_path, 10000))
    g_error ("QEMU (%s) made no VNC socket at %s", args, socket_path);
  return socket_path;
}

static gboolean
port_listens (gpointer data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection =
    g_socket_client_connect_to_host (client, "127.0.0.1", GPOINTER_TO_INT (data), NULL, NULL);

  return connection != NULL;
}

static int
connect_socket (const char *path)
{
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_strlcpy (address.sun_path, path, sizeof address.sun_path);
  if (connect (fd, (struct sockaddr *)&address, sizeof address) != 0)
    g_error ("Could not connect to %s: %s", path, g_strerror (errno));
  return fd;
}

static char *x509_socket;
static char *password_socket;
static char *anon_socket;
static int spice_port;
static int spice_tls_port;

static gboolean
display_settled (gpointer data)
{
  HangarDisplayState state = hangar_display_get_state (data);

  return state == HANGAR_DISPLAY_STATE_DISCONNECTED || e2e_display_shows_picture (data);
}

/* Waits until @display shows the guest or gives up: either within the time, never a
 * hang. */
static HangarDisplay *
settle (HangarDisplay *display)
{
  gint64 elapsed = 0;

  if (!e2e_wait_for_elapsed (display_settled, display, 20000, &elapsed))
    g_error ("The console neither connected nor failed in 20 s: “%s”",
             hangar_display_get_status_message (display));
  g_test_message ("settled after %" G_GINT64_FORMAT " ms: state %d, “%s”", elapsed,
                  hangar_display_get_state (display),
                  hangar_display_get_status_message (display));
  return display;
}

/* A new display in the window, connected to the VNC server at @socket_path. */
static HangarDisplay *
open_vnc (const char *socket_path,
          const char *tls_host)
{
  HangarDisplay *display = HANGAR_DISPLAY (hangar_vnc_display_new ());

  gtk_window_set_child (window, GTK_WIDGET (display));
  hangar_vnc_display_open_fd_with_host (HANGAR_VNC_DISPLAY (display),
                                        connect_socket (socket_path), tls_host);
  return settle (display);
}

/* The same for the SPICE server, which keeps every channel secure. */
static HangarDisplay *
open_spice (void)
{
  HangarDisplay *display = HANGAR_DISPLAY (hangar_spice_display_new ());

  gtk_window_set_child (window, GTK_WIDGET (display));
  hangar_spice_display_open_host (HANGAR_SPICE_DISPLAY (display), "localhost", spice_port,
                                  spice_tls_port);
  return settle (display);
}

static void
close_display (HangarDisplay *display)
{
  if (HANGAR_IS_VNC_DISPLAY (display))
    hangar_vnc_display_close (HANGAR_VNC_DISPLAY (display));
  else
    {
      /* Not while a channel still links (see e2e_spice_wait_linked). */
      e2e_spice_wait_linked (10000);
      hangar_spice_display_close (HANGAR_SPICE_DISPLAY (display));
    }
  gtk_window_set_child (window, NULL);
}

static void
assert_picture (HangarDisplay *display)
{
  if (!e2e_display_shows_picture (display))
    g_error ("The console shows no picture: “%s”", hangar_display_get_status_message (display));
  /* The BIOS's text mode (720×400) or VGA's 640×480. */
  g_assert_cmpint (hangar_display_get_guest_width (display), >=, 640);
  g_assert_cmpint (hangar_display_get_guest_height (display), >=, 400);
}

static void
assert_fails_naming (HangarDisplay *display,
                     const char    *needle)
{
  const char *message = hangar_display_get_status_message (display);

  g_assert_cmpint (hangar_display_get_state (display), ==, HANGAR_DISPLAY_STATE_DISCONNECTED);
  if (message == NULL || strstr (message, needle) == NULL)
    g_error ("The console's message “%s” does not name %s", message, needle);
}

static void
test_x509 (void)
{
  HangarDisplay *display;

  set_client_files ("ca", "client");
  display = open_vnc (x509_socket, "localhost");
  assert_picture (display);
  close_display (display);
}

static void
test_no_client_certificate (void)
{
  g_autofree char *cert = g_build_filename (home, ".pki", "libvirt-vnc", "clientcert.pem",
                                            NULL);
  HangarDisplay *display;

  set_client_files ("ca", NULL);
  display = open_vnc (x509_socket, "localhost");
  assert_fails_naming (display, cert);
  assert_fails_naming (display, "client certificate");
  close_display (display);
}

static void
test_no_ca (void)
{
  g_autofree char *ca = g_build_filename (home, ".pki", "CA", "cacert.pem", NULL);
  HangarDisplay *display;

  set_client_files (NULL, "client");
  display = open_vnc (x509_socket, "localhost");
  assert_fails_naming (display, ca);
  close_display (display);
}

static void
test_wrong_ca (void)
{
  g_autofree char *ca = g_build_filename (home, ".pki", "CA", "cacert.pem", NULL);
  HangarDisplay *display;

  set_client_files ("other-ca", "client");
  display = open_vnc (x509_socket, "localhost");
  assert_fails_naming (display, ca);
  close_display (display);
}

/* A certificate from an authority the server does not know. */
static void
test_client_certificate_refused (void)
{
  HangarDisplay *display;

  set_client_files ("ca", "other-client");
  display = open_vnc (x509_socket, "localhost");
  assert_fails_naming (display, "may not accept the client certificate");
  close_display (display);
}

static void
test_wrong_host (void)
{
  HangarDisplay *display;

  set_client_files ("ca", "client");
  display = open_vnc (x509_socket, "elsewhere.invalid");
  assert_fails_naming (display, "elsewhere.invalid");
  close_display (display);
}

static void
on_password_needed_cb (HangarDisplay *display,
                       guint         *asked)
{
  (*asked)++;
  hangar_display_set_password (display, PASSWORD);
}

/* libvirt's guest with a password under vnc_tls: VeNCrypt x509 with VNC auth inside. */
static void
test_x509_password (void)
{
  HangarDisplay *display = HANGAR_DISPLAY (hangar_vnc_display_new ());
  guint asked = 0;


  set_client_files ("ca", "client");
  g_signal_connect (display, "password-needed", G_CALLBACK (on_password_needed_cb), &asked);
  gtk_window_set_child (window, GTK_WIDGET (display));
  hangar_vnc_display_open_fd_with_host (HANGAR_VNC_DISPLAY (display),
                                        connect_socket (password_socket), "localhost");
  if (!e2e_wait_for (display_settled, display, 20000))
    g_error ("The console neither connected nor failed: “%s”",
             hangar_display_get_status_message (display));
  g_assert_cmpuint (asked, ==, 1);
  assert_picture (display);
  close_display (display);
}

/* QEMU's TLS without certificates: VeNCrypt's anonymous TLS. */
static void
test_anonymous (void)
{
  HangarDisplay *display;

  set_client_files (NULL, NULL);
  display = open_vnc (anon_socket, "localhost");
  assert_picture (display);
  close_display (display);
}

/* libvirt's spice_tls: QEMU's SPICE server with a TLS port that every channel must use.
 * The client tries the plain port, is told to go secure, and checks the certificate. */
static void
test_spice (void)
{
  HangarDisplay *display;

  set_client_files ("ca", NULL);
  display = open_spice ();
  assert_picture (display);
  close_display (display);
}

/* A certificate that does not verify; spice-client-glib warns about it as well (two
 * warnings e2e-virt.c lets through, by their exact words). */
static void
assert_spice_refuses (const char *ca_dir,
                      const char *needle)
{
  g_autofree char *ca = g_build_filename (home, ".pki", "CA", "cacert.pem", NULL);
  HangarDisplay *display;

  set_client_files (ca_dir, NULL);
  display = open_spice ();
  assert_fails_naming (display, ca);
  assert_fails_naming (display, needle);
  close_display (display);
}

/* libvirt's TLS guide puts the client's files under /etc/pki, then ~/.pki: the system's
 * come first. Right ones there, wrong ones (another CA, a client certificate it did not
 * sign) in the user's: the console connects. */
static void
set_system_first (void)
{
  g_autofree char *user_pki = g_build_filename (home, ".pki", NULL);

  set_pki_files (user_pki, "other-ca", "other-client");
  set_pki_files ("/etc/pki", "ca", "client");
}

static void
test_vnc_system_pki_first (void)
{
  HangarDisplay *display;

  set_system_first ();
  display = open_vnc (x509_socket, "localhost");
  assert_picture (display);
  close_display (display);
}

static void
test_spice_system_pki_first (void)
{
  HangarDisplay *display;

  set_system_first ();
  display = open_spice ();
  assert_picture (display);
  close_display (display);
}

static void
test_spice_no_ca (void)
{
  assert_spice_refuses (NULL, "cannot be checked");
}

static void
test_spice_wrong_ca (void)
{
  assert_spice_refuses ("other-ca", "not accepted");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *server = NULL;
  g_autofree char *x509 = NULL;
  int ret;

  /* Before any thread exists. */
  enter_private_home ();

  e2e_gtk_test_init (&argc, &argv);

  qemus = g_ptr_array_new_with_free_func (g_object_unref);
  make_certificates ();
  server = work_path ("server");
  x509 = g_strdup_printf ("tls-creds-x509,id=tls0,dir=%s,endpoint=server,verify-peer=on",
                          server);
  x509_socket = start_vnc ("x509", x509, "tls-creds=tls0");
  {
    g_autofree char *objects = g_strdup_printf ("secret,id=pw0,data=" PASSWORD " %s", x509);

    password_socket = start_vnc ("password", objects, "tls-creds=tls0,password-secret=pw0");
  }
  anon_socket = start_vnc ("anon", "tls-creds-anon,id=tls0,endpoint=server", "tls-creds=tls0");
  {
    g_autofree char *spice = NULL;

    spice_port = e2e_tls_free_port ();
    do
      spice_tls_port = e2e_tls_free_port ();
    while (spice_tls_port == spice_port);
    spice = g_strdup_printf ("-spice port=%d,tls-port=%d,addr=127.0.0.1,x509-dir=%s,"
                             "disable-ticketing=on,tls-channel=default",
                             spice_port, spice_tls_port, server);
    start_qemu (spice);
    if (!e2e_wait_for (port_listens, GINT_TO_POINTER (spice_tls_port), 10000))
      g_error ("QEMU's SPICE server does not listen on %d", spice_tls_port);
  }

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 800, 500);
  gtk_window_present (window);

  g_test_add_func ("/e2e/vnc-tls/x509", test_x509);
  g_test_add_func ("/e2e/vnc-tls/no-client-certificate", test_no_client_certificate);
  g_test_add_func ("/e2e/vnc-tls/no-ca", test_no_ca);
  g_test_add_func ("/e2e/vnc-tls/wrong-ca", test_wrong_ca);
  g_test_add_func ("/e2e/vnc-tls/client-certificate-refused",
                   test_client_certificate_refused);
  g_test_add_func ("/e2e/vnc-tls/wrong-host", test_wrong_host);
  g_test_add_func ("/e2e/vnc-tls/x509-password", test_x509_password);
  g_test_add_func ("/e2e/vnc-tls/anonymous", test_anonymous);
  g_test_add_func ("/e2e/vnc-tls/system-pki-first", test_vnc_system_pki_first);
  g_test_add_func ("/e2e/spice-tls/x509", test_spice);
  g_test_add_func ("/e2e/spice-tls/system-pki-first", test_spice_system_pki_first);
  g_test_add_func ("/e2e/spice-tls/no-ca", test_spice_no_ca);
  g_test_add_func ("/e2e/spice-tls/wrong-ca", test_spice_wrong_ca);
  ret = g_test_run ();

  gtk_window_destroy (window);
  for (guint i = 0; i < qemus->len; i++)
    {
      GSubprocess *qemu = g_ptr_array_index (qemus, i);

      g_subprocess_force_exit (qemu);
      g_subprocess_wait (qemu, NULL, NULL);
    }
  g_ptr_array_unref (qemus);
  g_free (x509_socket);
  g_free (password_socket);
  g_free (anon_socket);
  return ret;
}
