// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-install-setup"

/* Unattended installs and cloud-init with the installed osinfo-db and xorriso: a Debian
 * 11 ISO (made here, with a kernel and an initrd where Debian's are) gets its preseed
 * appended to the initrd and the script's command line; Windows 10 gets its answer
 * file on a disc; a cloud image gets a cidata disc with the user and the key, read back
 * with xorriso. Every file is counted away by remove (), and by the creator's undo when
 * a run fails for real. SSH keys are checked line by line. */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "hangar-core.h"
#include "hangar-domain-builder.h"
#include "hangar-guest-creator.h"
#include "hangar-install-setup.h"
#include "hangar-os-catalog.h"
#include "test-core-util.h"
#include "test-http.h"

#define GiB (G_GUINT64_CONSTANT (1) << 30)
#define ED25519_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAg4LD+/gCoQJpE2nCJrDr67dbn8yo/jykScc/rSt34I test@hangar"
#define ECDSA_KEY "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBH949tRTgxJUFr7FzrTYWwQNYBQYhxcwDiMttK43dFECTWDVjH1CxZDjfvrtj/m0ppI6A//EWzKqZQU3isJk4UI= e@hangar"
#define KERNEL_DATA "not really a kernel\n"

/* The test's own temporary directory (TMPDIR): the setups' directories are made in it,
 * so that what is left can be counted. */
static char *tmpdir;

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
run_tool (const char * const *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  /* xorriso must be installed (build-aux/deps.sh): a missing one fails here, loudly. */
  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                     | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("%s failed: %s", argv[0], err);
}

static OsinfoDb *
load_db (void)
{
  HangarOsCatalog *catalog = hangar_os_catalog_get_default ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hangar_os_catalog_load_async (catalog, NULL, test_on_result_cb, &result);
  if (!test_wait_for (test_has_result, &result, 30000))
    g_error ("The OS database did not load within 30 s");
  g_assert_true (hangar_os_catalog_load_finish (catalog, result, &error));
  g_assert_no_error (error);
  return hangar_os_catalog_get_db (catalog);
}

/* A bootable ISO labelled @volid in @dir with Debian's installer files (kernel and a
 * gzipped initrd; none when @initrd is NULL). */
static char *
make_iso (const char *dir,
          const char *volid,
          GBytes     *initrd)
{
  g_autofree char *root = g_build_filename (dir, "root", NULL);
  g_autofree char *install = g_build_filename (root, "install.amd", NULL);
  g_autofree char *boot = g_build_filename (root, "boot.img", NULL);
  g_autofree char *kernel = g_build_filename (install, "vmlinuz", NULL);
  g_autofree char *initrd_path = g_build_filename (install, "initrd.gz", NULL);
  g_autofree char *iso = g_build_filename (dir, "medium.iso", NULL);
  g_autoptr(GError) error = NULL;
  char boot_data[2048] = { 0 };
  const char *argv[] = { "xorriso", "-as", "mkisofs", "-quiet", "-V", volid, "-sysid", "LINUX",
                         "-b", "boot.img", "-no-emul-boot", "-o", iso, root, NULL };

  g_assert_cmpint (g_mkdir_with_parents (install, 0755), ==, 0);
  g_assert_true (g_file_set_contents (boot, boot_data, sizeof boot_data, &error));
  if (initrd != NULL)
    {
      g_assert_true (g_file_set_contents (kernel, KERNEL_DATA, -1, &error));
      g_assert_true (g_file_set_contents (initrd_path, g_bytes_get_data (initrd, NULL),
                                          g_bytes_get_size (initrd), &error));
    }
  g_assert_no_error (error);
  run_tool (argv);
  g_unlink (boot);
  g_unlink (kernel);
  g_unlink (initrd_path);
  g_rmdir (install);
  g_rmdir (root);
  return g_steal_pointer (&iso);
}

/* Extracts the ISO's files into a new directory under tmpdir. */
static char *
extract_iso (const char *iso)
{
  g_autofree char *out = g_build_filename (tmpdir, "extracted", NULL);
  const char *argv[] = { "xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/", out, NULL };

  run_tool (argv);
  return g_steal_pointer (&out);
}

static char *
read_text (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  /* xorriso extracts the disc's folders read-only. */
  g_chmod (path, 0700);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” not found in:\n%s", part, text);
}

/* Prepares @spec's install files; any error fails the test. */
/* The database, for a worker (loaded on the main thread first). */
static OsinfoDb *load_db_on_worker;

static HangarInstallSetup *
prepare_ok (HangarGuestSpec *spec,
            OsinfoDb        *db)
{
  g_autoptr(GError) error = NULL;
  HangarInstallSetup *setup = hangar_install_setup_prepare (spec, db, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (setup);
  return setup;
}

/* Removes @setup's files, which must be @files of them, and its directory with them. */
static void
assert_removed (HangarInstallSetup *setup,
                guint               files)
{
  g_autofree char *dir = g_strdup (hangar_install_setup_get_dir (setup));
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (hangar_install_setup_remove (setup, &error), ==, files);
  g_assert_no_error (error);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

static HangarGuestSpec *
user_spec (HangarGuestSource source)
{
  HangarGuestSpec *spec = hangar_guest_spec_new ();

  spec->name = g_strdup ("setup-guest");
  spec->source = source;
  spec->memory = 1 * GiB;
  spec->vcpus = 1;
  spec->arch = g_strdup ("x86_64");
  spec->virt_type = g_strdup ("qemu");
  spec->virtio_disk = TRUE;
  spec->user_login = g_strdup ("alice");
  spec->user_realname = g_strdup ("Alice Example");
  spec->user_password = g_strdup ("s3cret-pw");
  spec->hostname = g_strdup ("deb-guest");
  return spec;
}

/* What a gzip stream holds. */
static GBytes *
gunzip (const guint8 *data,
        gsize         size)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) memory = g_memory_input_stream_new_from_data (data, size, NULL);
  g_autoptr(GInputStream) stream = g_converter_input_stream_new (memory, G_CONVERTER (decompressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* An archive as text: its NULs (name ends, padding) as spaces. */
static char *
archive_text (GBytes *bytes)
{
  const char *data = g_bytes_get_data (bytes, NULL);
  gsize size = g_bytes_get_size (bytes);
  char *text = g_malloc (size + 1);

  for (gsize i = 0; i < size; i++)
    text[i] = data[i] != '\0' ? data[i] : ' ';
  text[size] = '\0';
  return text;
}

static GBytes *
gzip_text (const char *text)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (stream, text, strlen (text), NULL, NULL, &error));
  g_assert_true (g_output_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Debian 11 from its ISO: the preseed (initrd injection only) is appended to the
 * ISO's initrd as a gzipped cpio, and the kernel boots with the script's line. */
/* @volid: a medium the database recognises (Debian 11's), or one it does not (Debian
 * 12's, newer than Debian 12's own osinfo-db) whose family's OS the user took. */
static void
debian_initrd (const char *volid)
{
  OsinfoDb *db = load_db ();
  g_autofree char *work = g_build_filename (tmpdir, "debian", NULL);
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GBytes) appended = NULL;
  g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_MEDIA);
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *initrd = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *dir = NULL;
  gsize initrd_size = 0;
  guint files;

  g_assert_cmpint (g_mkdir (work, 0700), ==, 0);
  /* A real gzip member, as Debian's initrd.gz is. */
  original = gzip_text ("the installer's own initrd");
  iso = make_iso (work, volid, original);
  spec->media_path = g_strdup (iso);
  spec->os_id = g_strdup ("http://debian.org/debian/11");
  spec->unattended = TRUE;

  setup = prepare_ok (spec, db);
  dir = g_strdup (hangar_install_setup_get_dir (setup));
  g_assert_true (g_str_has_prefix (dir, tmpdir));
  g_assert_null (hangar_install_setup_get_cdrom (setup));

  /* The kernel as on the ISO; the initrd is the ISO's, then the preseed. */
  g_assert_true (g_file_get_contents (hangar_install_setup_get_kernel (setup), &kernel, NULL, &error));
  g_assert_cmpstr (kernel, ==, KERNEL_DATA);
  g_assert_true (g_file_get_contents (hangar_install_setup_get_initrd (setup), &initrd,
                                      &initrd_size, &error));
  g_assert_cmpuint (initrd_size, >, g_bytes_get_size (original));
  g_assert_cmpmem (initrd, g_bytes_get_size (original),
                   g_bytes_get_data (original, NULL), g_bytes_get_size (original));
  appended = gunzip ((const guint8 *) initrd + g_bytes_get_size (original),
                     initrd_size - g_bytes_get_size (original));
  {
    g_autofree char *text = archive_text (appended);

    /* newc cpio: the file's header, then its name, its data and the trailer. */
    g_assert_true (g_str_has_prefix (text, "070701"));
    assert_contains (text, "preseed.cfg");
    assert_contains (text, "TRAILER!!!");
    assert_contains (text, "d-i passwd/username string alice");
    assert_contains (text, "d-i passwd/user-fullname string Alice Example");
    assert_contains (text, "d-i netcfg/get_hostname string deb-guest");
    assert_contains (text, "d-i partman-auto/disk string /dev/vda");
    /* A desktop unless asked otherwise, as GNOME Boxes and virt-install install. */
    assert_contains (text, "tasksel tasksel/first multiselect desktop ssh-server");
    assert_contains (text, "s3cret-pw");
  }
  assert_contains (hangar_install_setup_get_cmdline (setup), "debconf/priority=critical");

  /* The install definition boots the kernel with that initrd and line. */
  spec->disk = HANGAR_GUEST_SPEC_DISK_NONE;
  domain = hangar_domain_builder_build (spec, HANGAR_DOMAIN_PHASE_INSTALL, &error);
  g_assert_no_error (error);
  hangar_install_setup_apply (setup, domain);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  assert_contains (xml, hangar_install_setup_get_initrd (setup));
  assert_contains (xml, "<cmdline>");

  /* kernel, initrd, preseed.cfg; then the directory. */
  files = count_entries (dir);
  g_assert_cmpuint (files, ==, 3);
  assert_removed (setup, files);
  g_assert_cmpuint (hangar_install_setup_remove (setup, &error), ==, 0);

  g_assert_cmpint (g_unlink (iso), ==, 0);
  g_assert_cmpint (g_rmdir (work), ==, 0);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

static void
test_debian_initrd (void)
{
  debian_initrd ("Debian 11.5.0 amd64 n");
}

/* libosinfo cannot name the medium (its own installer-script check would ask a NULL OS:
 * a critical, fatal here); the chosen OS's script is used. */
static void
test_unrecognised_medium (void)
{
  debian_initrd ("Debian 12.2.0 amd64 n");
}

/* A medium without the installer the chosen OS keeps on it (Debian's install.amd/):
 * one sentence that says what to do, not xorriso's whole output; nothing left. */
static void
test_medium_without_installer (void)
{
  OsinfoDb *db = load_db ();
  g_autofree char *work = g_build_filename (tmpdir, "no-installer", NULL);
  g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_MEDIA);
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *iso = NULL;

  g_assert_cmpint (g_mkdir (work, 0700), ==, 0);
  iso = make_iso (work, "Debian 11.5.0 amd64 n", NULL);
  spec->media_path = g_strdup (iso);
  spec->os_id = g_strdup ("http://debian.org/debian/11");
  spec->unattended = TRUE;

  setup = hangar_install_setup_prepare (spec, db, NULL, &error);
  g_assert_null (setup);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message,
                                   "the medium has no installer where the chosen operating system keeps it (/install.amd/"));
  assert_contains (error->message, "Choose the operating system of this medium, or turn off Automatic Installation");
  /* Only xorriso's last line, not its banner. */
  g_assert_null (strstr (error->message, "\n"));

  g_assert_cmpint (g_unlink (iso), ==, 0);
  g_assert_cmpint (g_rmdir (work), ==, 0);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

/* A Fedora 37 Server tree (as test-os-catalog's) with its installer's kernel and
 * initrd, served over HTTP by Python's http.server on 127.0.0.1. */
typedef struct {
  char *dir;
  GSubprocess *server;
  char *url;
  GBytes *initrd;
} Tree;

static void
write_file (const char *dir,
            const char *name,
            const void *data,
            gsize       size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, data, size, &error));
  g_assert_no_error (error);
}

static void
serve_tree (Tree     *tree,
            gboolean  with_boot_files)
{
  const char *treeinfo = TEST_FEDORA_TREEINFO;

  tree->dir = g_build_filename (tmpdir, "tree", NULL);
  tree->initrd = gzip_text ("fedora's initrd");
  write_file (tree->dir, ".treeinfo", treeinfo, strlen (treeinfo));
  if (with_boot_files)
    {
      write_file (tree->dir, "images/pxeboot/vmlinuz", KERNEL_DATA, strlen (KERNEL_DATA));
      write_file (tree->dir, "images/pxeboot/initrd.img", g_bytes_get_data (tree->initrd, NULL),
                  g_bytes_get_size (tree->initrd));
    }
  tree->server = test_http_serve (tree->dir, &tree->url);
}

static void
stop_tree (Tree *tree)
{
  test_http_stop (tree->server);
  remove_tree (tree->dir);
  g_free (tree->dir);
  g_free (tree->url);
  g_bytes_unref (tree->initrd);
}

static HangarGuestSpec *
tree_spec (Tree *tree)
{
  HangarGuestSpec *spec = user_spec (HANGAR_GUEST_SOURCE_URL);

  spec->tree_url = g_strdup (tree->url);
  spec->os_id = g_strdup ("http://fedoraproject.org/fedora/37");
  return spec;
}

/* A network install without answers: the tree's kernel and initrd fetched over HTTP,
 * booted with the tree's URL (inst.repo=, as virt-install passes it). */
static void
test_tree_fetch (void)
{
  OsinfoDb *db = load_db ();
  Tree tree = { NULL };
  g_autoptr(HangarGuestSpec) spec = NULL;
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *initrd = NULL;
  g_autofree char *repo = NULL;
  gsize size = 0;

  serve_tree (&tree, TRUE);
  spec = tree_spec (&tree);
  g_assert_true (hangar_install_setup_needed (spec));
  setup = prepare_ok (spec, db);
  g_assert_true (g_file_get_contents (hangar_install_setup_get_kernel (setup), &kernel, NULL, &error));
  g_assert_cmpstr (kernel, ==, KERNEL_DATA);
  g_assert_true (g_file_get_contents (hangar_install_setup_get_initrd (setup), &initrd, &size, &error));
  g_assert_cmpmem (initrd, size, g_bytes_get_data (tree.initrd, NULL), g_bytes_get_size (tree.initrd));
  repo = g_strdup_printf ("inst.repo=%s", tree.url);
  g_assert_cmpstr (hangar_install_setup_get_cmdline (setup), ==, repo);
  assert_removed (setup, 2);

  stop_tree (&tree);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

/* Fedora's kickstart appended to the fetched initrd, read from there (inst.ks=file:/). */
static void
test_tree_unattended (void)
{
  OsinfoDb *db = load_db ();
  Tree tree = { NULL };
  g_autoptr(HangarGuestSpec) spec = NULL;
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autoptr(GBytes) appended = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *initrd = NULL;
  g_autofree char *text = NULL;
  gsize size = 0;
  gsize original;

  serve_tree (&tree, TRUE);
  spec = tree_spec (&tree);
  spec->unattended = TRUE;
  setup = prepare_ok (spec, db);
  g_assert_null (hangar_install_setup_get_cdrom (setup));
  g_assert_true (g_file_get_contents (hangar_install_setup_get_initrd (setup), &initrd, &size, &error));
  original = g_bytes_get_size (tree.initrd);
  g_assert_cmpuint (size, >, original);
  g_assert_cmpmem (initrd, original, g_bytes_get_data (tree.initrd, NULL), original);
  appended = gunzip ((const guint8 *) initrd + original, size - original);
  text = archive_text (appended);
  g_assert_true (g_str_has_prefix (text, "070701"));
  assert_contains (text, "fedora.ks");
  assert_contains (text, "useradd -G wheel alice");
  assert_contains (text, "--hostname=deb-guest");
  assert_contains (hangar_install_setup_get_cmdline (setup), "inst.ks=file:/fedora.ks");
  assert_contains (hangar_install_setup_get_cmdline (setup), tree.url);
  assert_removed (setup, 3);

  stop_tree (&tree);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

/* Debian 12's installer directory on a mirror (no .treeinfo; newer than the database:
 * the user keeps the suggested Debian 11): its netboot kernel and initrd fetched, the
 * preseed appended to the initrd, and the installer told to take its packages from that
 * mirror, not its default one. */
static void
test_debian_tree_unattended (void)
{
  OsinfoDb *db = load_db ();
  g_autofree char *dir = g_build_filename (tmpdir, "mirror", NULL);
  const char *installer = "debian/dists/bookworm/main/installer-amd64/current/images/";
  g_autofree char *manifest = g_strconcat (installer, "MANIFEST", NULL);
  g_autofree char *linux_path = g_strconcat (installer, "netboot/debian-installer/amd64/linux", NULL);
  g_autofree char *initrd_path = g_strconcat (installer, "netboot/debian-installer/amd64/initrd.gz", NULL);
  g_autoptr(GBytes) original = gzip_text ("debian's initrd");
  g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_URL);
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autoptr(GBytes) appended = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *initrd = NULL;
  g_autofree char *text = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *host = NULL;
  GSubprocess *server;
  const char *cmdline;
  gsize size = 0;

  write_file (dir, manifest, "netboot/debian-installer/amd64/initrd.gz\n", 41);
  write_file (dir, linux_path, KERNEL_DATA, strlen (KERNEL_DATA));
  write_file (dir, initrd_path, g_bytes_get_data (original, NULL), g_bytes_get_size (original));
  server = test_http_serve (dir, &url);
  spec->tree_url = g_strconcat (url, "debian/dists/bookworm/main/installer-amd64/", NULL);
  spec->os_id = g_strdup ("http://debian.org/debian/11");
  spec->unattended = TRUE;
  spec->minimal_install = TRUE;

  setup = prepare_ok (spec, db);
  g_assert_true (g_file_get_contents (hangar_install_setup_get_kernel (setup), &kernel, NULL, &error));
  g_assert_cmpstr (kernel, ==, KERNEL_DATA);
  g_assert_true (g_file_get_contents (hangar_install_setup_get_initrd (setup), &initrd, &size, &error));
  g_assert_cmpuint (size, >, g_bytes_get_size (original));
  g_assert_cmpmem (initrd, g_bytes_get_size (original), g_bytes_get_data (original, NULL),
                   g_bytes_get_size (original));
  appended = gunzip ((const guint8 *) initrd + g_bytes_get_size (original),
                     size - g_bytes_get_size (original));
  text = archive_text (appended);
  assert_contains (text, "preseed.cfg");
  assert_contains (text, "d-i passwd/username string alice");
  assert_contains (text, "d-i netcfg/get_hostname string deb-guest");
  /* Without a desktop: libosinfo's "jeos" profile. */
  assert_contains (text, "tasksel tasksel/first multiselect standard ssh-server");
  cmdline = hangar_install_setup_get_cmdline (setup);
  assert_contains (cmdline, "debconf/priority=critical");
  /* "http://127.0.0.1:PORT/" */
  host = g_strndup (url + strlen ("http://"), strlen (url) - strlen ("http://") - 1);
  {
    g_autofree char *expected = g_strdup_printf ("mirror/country=manual mirror/protocol=http mirror/http/hostname=%s mirror/http/directory=/debian ",
                                                 host);
    assert_contains (cmdline, expected);
  }
  /* Customize: arguments the user adds beside the placeholder stay, around the real
   * ones. */
  {
    g_autoptr(GVirConfigDomain) domain = NULL;
    g_autofree char *expected = g_strconcat ("<cmdline>", cmdline, " console=ttyS0</cmdline>", NULL);
    g_autofree char *kernel_node = g_strconcat ("<kernel>", hangar_install_setup_get_kernel (setup),
                                                "</kernel>", NULL);
    g_autofree char *xml = NULL;

    domain = gvir_config_domain_new_from_xml (
      "<domain type='qemu'><name>setup-guest</name><memory>1048576</memory>"
      "<os><type>hvm</type><kernel>@hangar-setup@/kernel</kernel><initrd>@hangar-setup@/initrd</initrd>"
      "<cmdline>@hangar-setup@/cmdline console=ttyS0</cmdline></os></domain>", &error);
    g_assert_no_error (error);
    g_assert_true (hangar_install_setup_apply_edited (setup, spec, domain, &error));
    g_assert_no_error (error);
    xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
    assert_contains (xml, expected);
    assert_contains (xml, kernel_node);
  }
  assert_removed (setup, 3);

  test_http_stop (server);
  remove_tree (dir);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

/* A tree whose kernel is not there: a sentence naming the file and the server's
 * answer; nothing left. */
static void
test_tree_missing (void)
{
  OsinfoDb *db = load_db ();
  Tree tree = { NULL };
  g_autoptr(HangarGuestSpec) spec = NULL;
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autoptr(GError) error = NULL;

  serve_tree (&tree, FALSE);
  spec = tree_spec (&tree);
  setup = hangar_install_setup_prepare (spec, db, NULL, &error);
  g_assert_null (setup);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  assert_contains (error->message, "images/pxeboot/vmlinuz");
  assert_contains (error->message, "404");

  stop_tree (&tree);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

/* Windows 10 reads its answer file from a disc: the script on a small ISO, attached as
 * an extra CD-ROM after the install medium. */
static void
test_windows_cdrom (void)
{
  OsinfoDb *db = load_db ();
  g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_MEDIA);
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *extracted = NULL;
  g_autofree char *answers = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *dir = NULL;

  spec->media_path = g_strdup ("/nonexistent/windows.iso");
  spec->os_id = g_strdup ("http://microsoft.com/win/10");
  spec->unattended = TRUE;
  spec->product_key = g_strdup ("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY");
  spec->virtio_disk = FALSE;

  setup = prepare_ok (spec, db);
  dir = g_strdup (hangar_install_setup_get_dir (setup));
  g_assert_nonnull (hangar_install_setup_get_cdrom (setup));
  g_assert_null (hangar_install_setup_get_kernel (setup));
  /* Only the disc stays: the script went into it. */
  g_assert_cmpuint (count_entries (dir), ==, 1);

  extracted = extract_iso (hangar_install_setup_get_cdrom (setup));
  answers = read_text (extracted, "autounattend.xml");
  assert_contains (answers, "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY");
  assert_contains (answers, "Alice Example");
  /* The post-install script the answer file runs, on the same disc. */
  g_free (answers);
  answers = read_text (extracted, "windows.cmd");
  remove_tree (extracted);

  spec->disk = HANGAR_GUEST_SPEC_DISK_EXISTING;
  spec->disk_path = g_strdup ("/var/lib/libvirt/images/w.qcow2");
  domain = hangar_domain_builder_build (spec, HANGAR_DOMAIN_PHASE_INSTALL, &error);
  g_assert_no_error (error);
  hangar_install_setup_apply (setup, domain);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  /* The disk is sda, the medium sdb: the answers take sdc. */
  {
    g_autofree char *source = g_strdup_printf ("<source file=\"%s\"/>",
                                               hangar_install_setup_get_cdrom (setup));
    assert_contains (xml, source);
  }
  assert_contains (xml, "<target bus=\"sata\" dev=\"sdc\"/>");

  assert_removed (setup, 1);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

static void
prepare_remote_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GError *error = NULL;
  HangarInstallSetup *setup = hangar_install_setup_prepare_for_host (task_data, load_db_on_worker,
                                                                     TRUE, NULL, &error);

  if (setup == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, setup, (GDestroyNotify) hangar_install_setup_free);
}

static GThread *main_thread;

/* Ticks of the main loop: counted, and whether one ran on another thread. */
typedef struct {
  guint ticks;
  gboolean elsewhere;
} Ticks;

static gboolean
on_tick_cb (gpointer data)
{
  Ticks *ticks = data;

  ticks->ticks++;
  if (g_thread_self () != main_thread)
    ticks->elsewhere = TRUE;
  return G_SOURCE_CONTINUE;
}

/* A medium on a remote host is never read here: Fedora 37's kickstart goes on a disc of
 * its own (the OS's script, OEMDRV as Anaconda looks for), no kernel is taken out. Made
 * on a worker while the main loop runs, as the creator does: libosinfo's own loop never
 * runs the application's sources (a tick every millisecond stays on the main thread). */
static void
test_remote_media (void)
{
  OsinfoDb *db = load_db ();
  g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_MEDIA);
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *extracted = NULL;
  g_autofree char *kickstart = NULL;
  Ticks ticks = { 0 };
  guint tick_id;

  spec->media_path = g_strdup ("/var/lib/libvirt/images/on-the-host/fedora-37.iso");
  spec->os_id = g_strdup ("http://fedoraproject.org/fedora/37");
  spec->unattended = TRUE;
  load_db_on_worker = db;
  main_thread = g_thread_self ();
  tick_id = g_timeout_add (1, on_tick_cb, &ticks);
  task = g_task_new (NULL, NULL, test_on_result_cb, &result);
  g_task_set_task_data (task, spec, NULL);
  g_task_run_in_thread (task, prepare_remote_thread);
  if (!test_wait_for (test_has_result, &result, 30000))
    g_error ("The setup was not made within 30 s");
  g_source_remove (tick_id);
  g_assert_cmpuint (ticks.ticks, >, 0);
  g_assert_false (ticks.elsewhere);
  setup = g_task_propagate_pointer (G_TASK (result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (hangar_install_setup_get_cdrom (setup));
  g_assert_null (hangar_install_setup_get_kernel (setup));

  extracted = extract_iso (hangar_install_setup_get_cdrom (setup));
  kickstart = read_text (extracted, "fedora.ks");
  remove_tree (extracted);
  assert_contains (kickstart, "alice");
  assert_contains (kickstart, "--hostname=deb-guest");
  assert_removed (setup, 1);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

/* The cidata disc holds user-data with the user, the locked password and the keys, and
 * meta-data with the host name; the files it was made from are gone already. */
static void
test_cloud_init (void)
{
  OsinfoDb *db = load_db ();
  g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *extracted = NULL;
  g_autofree char *user_data = NULL;
  g_autofree char *meta_data = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pvd = NULL;

  spec->cloud_init = TRUE;
  spec->password_locked = TRUE;
  g_clear_pointer (&spec->user_password, g_free);
  spec->ssh_keys = g_strdup (ED25519_KEY "\n\n" ECDSA_KEY "\n");
  g_free (spec->hostname);
  spec->hostname = g_strdup ("cloud-guest");

  setup = prepare_ok (spec, db);
  dir = g_strdup (hangar_install_setup_get_dir (setup));
  g_assert_cmpuint (count_entries (dir), ==, 1);

  {
    const char *argv[] = { "xorriso", "-indev", hangar_install_setup_get_cdrom (setup),
                           "-pvd_info", NULL };
    g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                              | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                        &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &pvd, NULL, &error));
    g_assert_no_error (error);
    assert_contains (pvd, "Volume Id    : cidata");
  }
  extracted = extract_iso (hangar_install_setup_get_cdrom (setup));
  user_data = read_text (extracted, "user-data");
  meta_data = read_text (extracted, "meta-data");
  g_assert_true (g_str_has_prefix (user_data, "#cloud-config\n"));
  assert_contains (user_data, "  - name: \"alice\"\n");
  assert_contains (user_data, "    gecos: \"Alice Example\"\n");
  assert_contains (user_data, "    lock_passwd: true\n");
  assert_contains (user_data, "      - \"" ED25519_KEY "\"\n");
  assert_contains (user_data, "      - \"" ECDSA_KEY "\"\n");
  assert_contains (user_data, "hostname: \"cloud-guest\"\n");
  g_assert_null (strstr (user_data, "plain_text_passwd"));
  assert_contains (meta_data, "local-hostname: \"cloud-guest\"\n");
  assert_contains (meta_data, "instance-id: ");
  remove_tree (extracted);

  assert_removed (setup, 1);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

/* A password with quotes and a line break stays one YAML string. */
static void
test_cloud_init_quoting (void)
{
  OsinfoDb *db = load_db ();
  g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autofree char *extracted = NULL;
  g_autofree char *user_data = NULL;

  spec->cloud_init = TRUE;
  g_free (spec->user_password);
  spec->user_password = g_strdup ("a\"b\\c\nusers: []");
  setup = prepare_ok (spec, db);
  extracted = extract_iso (hangar_install_setup_get_cdrom (setup));
  user_data = read_text (extracted, "user-data");
  assert_contains (user_data, "    lock_passwd: false\n");
  assert_contains (user_data, "    plain_text_passwd: \"a\\\"b\\\\c\\nusers: []\"\n");
  /* hostname falls back to the guest's name */
  assert_contains (user_data, "hostname: \"deb-guest\"\n");
  remove_tree (extracted);
  assert_removed (setup, 1);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
}

static void
test_ssh_keys (void)
{
  const char *good[] = {
    ED25519_KEY, ECDSA_KEY, ED25519_KEY "\n" ECDSA_KEY, "# mine\n" ED25519_KEY "\n", "",
  };
  const char *bad[] = {
    "hello world",
    "ssh-ed25519",
    "ssh-ed25519 not*base64 x",
    /* An ed25519 blob announced as RSA. */
    "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIAg4LD+/gCoQJpE2nCJrDr67dbn8yo/jykScc/rSt34I",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    ED25519_KEY "\nssh-ed25519 AAAA",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (hangar_install_setup_check_ssh_keys (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (hangar_install_setup_check_ssh_keys (bad[i], &error));
      g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP);
      if (i == G_N_ELEMENTS (bad) - 1)
        g_assert_true (g_str_has_prefix (error->message, "Line 2 "));
    }
}

/* The spec's check refuses bad setup answers with the SETUP code. */
static void
test_check (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  struct {
    const char *login;
    const char *password;
    gboolean locked;
    const char *keys;
    const char *hostname;
  } cases[] = {
    { "", "pw", FALSE, NULL, NULL },
    { "Alice Smith", "pw", FALSE, NULL, NULL },
    { "alice", NULL, FALSE, NULL, NULL },
    { "alice", NULL, TRUE, NULL, NULL },
    { "alice", NULL, TRUE, "not a key", NULL },
    { "alice", "pw", FALSE, NULL, "bad_host!" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
      g_autoptr(GError) error = NULL;

      spec->cloud_init = TRUE;
      spec->base_image = g_strdup ("/default-pool/base.qcow2");
      spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
      spec->pool_name = g_strdup ("default-pool");
      spec->disk_size = GiB;
      g_free (spec->user_login);
      spec->user_login = g_strdup (cases[i].login);
      g_free (spec->user_password);
      spec->user_password = g_strdup (cases[i].password);
      spec->password_locked = cases[i].locked;
      spec->ssh_keys = g_strdup (cases[i].keys);
      g_free (spec->hostname);
      spec->hostname = g_strdup (cases[i].hostname);
      g_assert_false (hangar_guest_spec_check (spec, connection, &error));
      g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP);
    }
  {
    g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
    g_autoptr(GError) error = NULL;

    spec->cloud_init = TRUE;
    spec->base_image = g_strdup ("/default-pool/base.qcow2");
    spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
    spec->pool_name = g_strdup ("default-pool");
    spec->disk_size = GiB;
    spec->password_locked = TRUE;
    spec->ssh_keys = g_strdup (ED25519_KEY);
    g_assert_true (hangar_guest_spec_check (spec, connection, &error));
    g_assert_no_error (error);
  }
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static char *
run_creator (HangarGuestCreator *creator,
             TestJobWatch       *watch,
             GError            **error)
{
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  g_autoptr(GAsyncResult) result = NULL;

  g_signal_connect (job, "notify::message", G_CALLBACK (test_job_watch_cb), watch);
  hangar_guest_creator_run_async (creator, job, test_on_result_cb, &result);
  if (!test_wait_for (test_has_result, &result, 20000))
    g_error ("The creator did not finish within 20 s");
  return hangar_guest_creator_run_finish (creator, result, error);
}

static gboolean
finish_install (HangarGuestCreator *creator,
                GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hangar_guest_creator_finish_install_async (creator, NULL, test_on_result_cb, &result);
  if (!test_wait_for (test_has_result, &result, 10000))
    g_error ("finish_install did not finish within 10 s");
  return hangar_guest_creator_finish_install_finish (creator, result, error);
}

static HangarGuestSpec *
cloud_spec (HangarConnection *connection,
            const char       *name)
{
  HangarGuestSpec *spec = user_spec (HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  g_autoptr(GError) error = NULL;

  g_free (spec->name);
  spec->name = g_strdup (name);
  spec->cloud_init = TRUE;
  spec->base_image = g_strdup ("/default-pool/base.qcow2");
  spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
  spec->pool_name = g_strdup ("default-pool");
  spec->disk_size = GiB;
  spec->disk_format = HANGAR_VOLUME_FORMAT_QCOW2;
  g_assert_true (hangar_guest_spec_fill_host (spec, connection, &error));
  g_assert_no_error (error);
  return spec;
}

/* A cloud image made by the creator: running with the cidata disc, its persistent
 * definition already without it; finish_install (once it stopped) deletes the disc. */
static void
test_creator_cloud (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  g_autoptr(HangarGuestSpec) spec = cloud_spec (connection, "cloud-guest");
  g_autoptr(HangarGuestCreator) creator = hangar_guest_creator_new (connection, spec);
  TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *live = NULL;
  g_autofree char *persistent = NULL;
  virDomainPtr domain;
  virStoragePoolPtr pool;
  virStorageVolPtr volume;

  name = run_creator (creator, &watch, &error);
  g_assert_no_error (error);
  g_assert_true (test_has_message (watch.messages, "Making the cloud-init disc"));
  g_assert_cmpuint (count_entries (tmpdir), ==, 1);

  domain = virDomainLookupByName (other, "cloud-guest");
  g_assert_nonnull (domain);
  live = virDomainGetXMLDesc (domain, 0);
  persistent = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  assert_contains (live, "cidata.iso");
  g_assert_null (strstr (persistent, "cidata.iso"));

  /* Refused while it runs; the disc stays. */
  g_assert_false (finish_install (creator, &error));
  g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (tmpdir), ==, 1);

  g_assert_cmpint (virDomainDestroy (domain), ==, 0);
  g_assert_true (finish_install (creator, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);

  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  virDomainFree (domain);
  pool = virStoragePoolLookupByName (other, "default-pool");
  volume = virStorageVolLookupByName (pool, "cloud-guest.qcow2");
  g_assert_nonnull (volume);
  g_assert_cmpint (virStorageVolDelete (volume, 0), ==, 0);
  virStorageVolFree (volume);
  virStoragePoolFree (pool);
  g_ptr_array_unref (watch.messages);
  virConnectClose (other);
  g_clear_object (&creator);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* The define fails for real (the name taken meanwhile through a second connection):
 * the undo removes the cidata disc and its directory with the volume. */
static void
test_creator_undo (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  g_autoptr(HangarGuestSpec) spec = cloud_spec (connection, "taken-guest");
  g_autoptr(HangarGuestSpec) theirs = cloud_spec (connection, "taken-guest");
  g_autoptr(HangarGuestCreator) creator = hangar_guest_creator_new (connection, spec);
  TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), NULL };
  g_autoptr(GVirConfigDomain) their_domain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *their_xml = NULL;
  g_autofree char *volumes = NULL;
  virDomainPtr domain;

  theirs->disk = HANGAR_GUEST_SPEC_DISK_EXISTING;
  theirs->disk_path = g_strdup ("/default-pool/theirs.qcow2");
  their_domain = hangar_domain_builder_build (theirs, HANGAR_DOMAIN_PHASE_FINAL, &error);
  g_assert_no_error (error);
  their_xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (their_domain));
  domain = virDomainDefineXML (other, their_xml);
  g_assert_nonnull (domain);

  name = run_creator (creator, &watch, &error);
  g_assert_null (name);
  g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE);
  /* The disc was made before the define failed, and is gone. */
  g_assert_true (test_has_message (watch.messages, "Making the cloud-init disc"));
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
  volumes = test_volume_names (other, "default-pool");
  g_assert_cmpstr (volumes, ==, "");

  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  virDomainFree (domain);
  g_ptr_array_unref (watch.messages);
  virConnectClose (other);
  g_clear_object (&creator);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Cancel while the disc is being made: nothing stays. */
static void
test_creator_cancel (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  g_autoptr(HangarGuestSpec) spec = cloud_spec (connection, "cancelled-guest");
  g_autoptr(HangarGuestCreator) creator = hangar_guest_creator_new (connection, spec);
  TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), "Making the cloud-init disc" };
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *volumes = NULL;
  virDomainPtr domain;

  name = run_creator (creator, &watch, &error);
  g_assert_null (name);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count_entries (tmpdir), ==, 0);
  volumes = test_volume_names (other, "default-pool");
  g_assert_cmpstr (volumes, ==, "");
  domain = virDomainLookupByName (other, "cancelled-guest");
  g_assert_null (domain);

  g_ptr_array_unref (watch.messages);
  virConnectClose (other);
  g_clear_object (&creator);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* What Customize shows of unattended answers before creation: a disc where the way is
 * known (Windows 10's script reads only a disc; a remote medium is never read, so
 * Fedora's kickstart goes on one), the installer's kernel and initrd for a network
 * install (Debian's preseed rides in its initrd), and nothing but a sentence where only
 * a local medium can tell. */
static void
test_preview_injection (void)
{
  OsinfoDb *db = load_db ();
  g_autoptr(HangarGuestSpec) spec = user_spec (HANGAR_GUEST_SOURCE_MEDIA);
  struct {
    const char *os;
    HangarGuestSource source;
    gboolean remote;
    const char *cdrom;
    const char *kernel;
    gboolean unshown;
  } cases[] = {
    { "http://microsoft.com/win/10", HANGAR_GUEST_SOURCE_MEDIA, FALSE, "@hangar-setup@/unattended.iso", NULL, FALSE },
    { "http://fedoraproject.org/fedora/37", HANGAR_GUEST_SOURCE_MEDIA, TRUE, "@hangar-setup@/unattended.iso", NULL, FALSE },
    { "http://fedoraproject.org/fedora/37", HANGAR_GUEST_SOURCE_MEDIA, FALSE, NULL, NULL, TRUE },
    { "http://debian.org/debian/11", HANGAR_GUEST_SOURCE_URL, FALSE, NULL, "@hangar-setup@/kernel", FALSE },
    { NULL, HANGAR_GUEST_SOURCE_MEDIA, TRUE, NULL, NULL, TRUE },
  };

  spec->unattended = TRUE;
  spec->media_path = g_strdup ("/var/lib/libvirt/images/install.iso");
  spec->tree_url = g_strdup ("http://127.0.0.1:9/tree/");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HangarInstallSetup) preview = NULL;
      g_autofree char *unshown = NULL;

      g_test_message ("%s from %s, %s", cases[i].os, cases[i].source == HANGAR_GUEST_SOURCE_URL ? "a tree" : "a medium",
                      cases[i].remote ? "remote" : "local");
      spec->source = cases[i].source;
      preview = hangar_install_setup_new_preview (spec, cases[i].os != NULL ? osinfo_db_get_os (db, cases[i].os) : NULL,
                                                  cases[i].remote, &unshown);
      g_assert_nonnull (preview);
      g_assert_cmpstr (hangar_install_setup_get_cdrom (preview), ==, cases[i].cdrom);
      g_assert_cmpstr (hangar_install_setup_get_kernel (preview), ==, cases[i].kernel);
      g_assert_true ((unshown != NULL) == cases[i].unshown);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Before GLib reads TMPDIR (g_get_tmp_dir keeps the first answer): every setup
   * directory lands here. */
  tmpdir = g_build_filename (g_getenv ("TMPDIR") != NULL ? g_getenv ("TMPDIR") : "/tmp",
                             "test-install-setup-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (tmpdir));
  g_setenv ("TMPDIR", tmpdir, TRUE);

  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/install-setup/debian-initrd", test_debian_initrd);
  g_test_add_func ("/install-setup/unrecognised-medium", test_unrecognised_medium);
  g_test_add_func ("/install-setup/medium-without-installer", test_medium_without_installer);
  g_test_add_func ("/install-setup/windows-cdrom", test_windows_cdrom);
  g_test_add_func ("/install-setup/remote-media", test_remote_media);
  g_test_add_func ("/install-setup/preview-injection", test_preview_injection);
  g_test_add_func ("/install-setup/tree-fetch", test_tree_fetch);
  g_test_add_func ("/install-setup/tree-unattended", test_tree_unattended);
  g_test_add_func ("/install-setup/tree-missing", test_tree_missing);
  g_test_add_func ("/install-setup/debian-tree-unattended", test_debian_tree_unattended);
  g_test_add_func ("/install-setup/cloud-init", test_cloud_init);
  g_test_add_func ("/install-setup/cloud-init-quoting", test_cloud_init_quoting);
  g_test_add_func ("/install-setup/ssh-keys", test_ssh_keys);
  g_test_add_func ("/install-setup/check", test_check);
  g_test_add_func ("/install-setup/creator-cloud", test_creator_cloud);
  g_test_add_func ("/install-setup/creator-undo", test_creator_undo);
  g_test_add_func ("/install-setup/creator-cancel", test_creator_cancel);

  status = g_test_run ();
  g_rmdir (tmpdir);
  return status;
}
