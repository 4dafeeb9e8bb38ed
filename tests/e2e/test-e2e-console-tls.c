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
#define G_LOG_DOMAIN "test-e2e-console-tls"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <gtk/gtk.h>

#include "e2e-guest.h"
#include "e2e-tls.h"
#include "hangar-spice-display.h"
#include "hangar-vnc-display.h"
#include "test-free-port.h"

#define PASSWORD "hangar-tls"

static char *home;    /* the stand-in home directory */
static char *workdir; /* home/hangar-tls */
static GPtrArray *qemus;
static GtkWindow *window;

/* A private mount namespace where an empty tmpfs is the user's home (see the top). */
static void
enter_private_home (void)
{
  home = e2e_tls_enter_private_pki ();
  workdir = g_build_filename (home, "hangar-tls", NULL);
}

static char *
work_path (const char *relative)
{
  return g_build_filename (workdir, relative, NULL);
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
  g_autofree char *ca_cert = NULL;
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

  g_mkdir_with_parents (workdir, 0700);
  if (!g_file_set_contents (config, text, -1, &error))
    g_error ("%s", error->message);
  e2e_tls_make_cert (config, ca, "ca", "ca", "/CN=Hangar test CA", NULL);
  e2e_tls_make_cert (config, other_ca, "ca", "ca", "/CN=Another CA", NULL);
  e2e_tls_make_cert (config, server, "server", "server", "/CN=localhost", ca);
  e2e_tls_make_cert (config, client, "client", "client", "/CN=hangar-test-client", ca);
  e2e_tls_make_cert (config, other_client, "client", "client", "/CN=hangar-test-client", other_ca);

  /* QEMU's x509 directory: ca-cert.pem, server-cert.pem, server-key.pem. */
  ca_copy = g_build_filename (server, "ca-cert.pem", NULL);
  ca_cert = g_build_filename (ca, "ca-cert.pem", NULL);
  e2e_tls_copy_file (ca_cert, ca_copy);
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

  g_autofree char *from_ca = NULL;
  g_autofree char *from_cert = NULL;
  g_autofree char *from_key = NULL;

  if (ca_dir != NULL)
    from_ca = g_build_filename (workdir, ca_dir, "ca-cert.pem", NULL);
  if (client_dir != NULL)
    {
      from_cert = g_build_filename (workdir, client_dir, "client-cert.pem", NULL);
      from_key = g_build_filename (workdir, client_dir, "client-key.pem", NULL);
    }
  /* A NULL source removes what was there. */
  e2e_tls_copy_file (from_ca, ca);
  e2e_tls_copy_file (from_cert, cert);
  e2e_tls_copy_file (from_key, key);
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
  if (!e2e_wait_for (e2e_tls_file_exists, socket_path, 10000))
    g_error ("QEMU (%s) made no VNC socket at %s", args, socket_path);
  return socket_path;
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

/* Waits until @display shows the guest or gives up: either within the time, never a
 * hang. */
static HangarDisplay *
settle (HangarDisplay *display)
{
  gint64 elapsed = 0;

  if (!e2e_wait_for_elapsed (e2e_display_settled, display, 20000, &elapsed))
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
  e2e_display_close (display);
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
  e2e_display_assert_fails_naming (display, cert);
  e2e_display_assert_fails_naming (display, "client certificate");
  close_display (display);
}

static void
test_no_ca (void)
{
  g_autofree char *ca = g_build_filename (home, ".pki", "CA", "cacert.pem", NULL);
  HangarDisplay *display;

  set_client_files (NULL, "client");
  display = open_vnc (x509_socket, "localhost");
  e2e_display_assert_fails_naming (display, ca);
  close_display (display);
}

static void
test_wrong_ca (void)
{
  g_autofree char *ca = g_build_filename (home, ".pki", "CA", "cacert.pem", NULL);
  HangarDisplay *display;

  set_client_files ("other-ca", "client");
  display = open_vnc (x509_socket, "localhost");
  e2e_display_assert_fails_naming (display, ca);
  close_display (display);
}

/* A certificate from an authority the server does not know. */
static void
test_client_certificate_refused (void)
{
  HangarDisplay *display;

  set_client_files ("ca", "other-client");
  display = open_vnc (x509_socket, "localhost");
  e2e_display_assert_fails_naming (display, "may not accept the client certificate");
  close_display (display);
}

static void
test_wrong_host (void)
{
  HangarDisplay *display;

  set_client_files ("ca", "client");
  display = open_vnc (x509_socket, "elsewhere.invalid");
  e2e_display_assert_fails_naming (display, "elsewhere.invalid");
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
  if (!e2e_wait_for (e2e_display_settled, display, 20000))
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
  e2e_display_assert_fails_naming (display, ca);
  e2e_display_assert_fails_naming (display, needle);
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

    spice_port = test_free_port ();
    do
      spice_tls_port = test_free_port ();
    while (spice_tls_port == spice_port);
    spice = g_strdup_printf ("-spice port=%d,tls-port=%d,addr=127.0.0.1,x509-dir=%s,"
                             "disable-ticketing=on,tls-channel=default",
                             spice_port, spice_tls_port, server);
    start_qemu (spice);
    if (!e2e_wait_for (e2e_tls_port_listens, GINT_TO_POINTER (spice_tls_port), 10000))
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
