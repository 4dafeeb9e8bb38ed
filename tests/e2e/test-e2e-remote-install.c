// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * New VM on a remote host: the files Hangar makes for an install (here a cloud image's
 * cidata ISO) reach the host as volumes of its pool, uploaded through libvirt. The host
 * is the real libvirtd reached over qemu+ssh://root@127.0.0.1:PORT/system through an
 * sshd this test starts; Hangar counts 127.0.0.1 as remote, so nothing may point at the
 * file it made here. Behind Hangar's back a local connection (HANGAR_TEST_LIBVIRT_URI)
 * looks at the host, and a dir pool of the test's own in /var/tmp holds the disks:
 *   - a cloud-image guest (a qcow2 layer over an empty base image, the test's SSH key):
 *     the job said it uploaded; the running guest's CD-ROM is a volume of the pool; the
 *     volume's content, read back with virStorageVolDownload, is an ISO whose user-data
 *     holds the user and the key (xorriso); no ISO is left in Hangar's own temporary
 *     directory; finishing the install deletes the volume;
 *   - a network install from a tree served by Python's http.server on 127.0.0.1 (a
 *     Fedora 37 .treeinfo naming the tiny guest's kernel and initrd): the guest runs
 *     the installer from two volumes of the pool, named in its <kernel> and <initrd>;
 *     the kernel volume's content is the tree's kernel; finishing the install deletes
 *     both;
 *   - an unattended install from an ISO that is a volume of the host's pool (made with
 *     xorriso, a Fedora 37 volume id; never read here): the answers disc (OEMDRV) is
 *     uploaded into the pool and attached beside the medium; its content, downloaded,
 *     holds the kickstart with the user; finishing the install deletes it and takes
 *     both discs out, the medium itself stays;
 *   - a run that fails after the upload (a machine type QEMU does not have: libvirt
 *     refuses the definition) and a run cancelled once the upload began, for the
 *     cloud image and the unattended ISO: each leaves the pool's volumes as they were,
 *     no domain and no local file.
 * Core only: no display.
 */
#define G_LOG_DOMAIN "test-e2e-remote-install"

#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "e2e-sshd.h"
#include "e2e-tls.h"
#include "e2e-virt.h"
#include "hangar-core.h"
#include "hangar-gconfig.h"
#include "hangar-guest-creator.h"
#include "hangar-install-setup.h"
#include "hangar-job.h"
#include "test-core-util.h"
#include "test-http.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define PREFIX "hangar-e2e-rinstall-"

/* Timeouts (ms): over SSH on a loaded machine with TCG. */
#define CONNECT_TIMEOUT 30000
#define CREATE_TIMEOUT  120000

static virConnectPtr other;
static HangarConnection *remote;
static char *pool_name;
static char *pool_dir;
static char *files_dir;   /* the test's own files, outside the pool */
/* Hangar's temporary directory, where the setup makes its files: short, as the test
 * sshd's ssh ControlPath is made in it too (at most 107 bytes). */
static char *tmp_dir;
static char *base;
static char *key;

static gboolean
is_connected (gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (data);

  return state == HANGAR_CONNECTION_STATE_CONNECTED || state == HANGAR_CONNECTION_STATE_FAILED;
}

static gboolean
pool_listed (gpointer data)
{
  return hangar_connection_find_pool (remote, pool_name) != NULL;
}

/* The files the setup left in Hangar's temporary directory, in its run directories
 * (hangar-setup-XXXXXX), whose number goes to @dirs. The test sshd's directory is
 * there too. */
static guint
count_setup_files (guint *dirs)
{
  g_autoptr(GDir) handle = g_dir_open (tmp_dir, 0, NULL);
  const char *name;
  guint n = 0;

  e2e_assert (handle != NULL, "the directory %s is gone", tmp_dir);
  *dirs = 0;
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_prefix (name, "hangar-setup-"))
      {
        g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
        g_autoptr(GDir) setup = g_dir_open (path, 0, NULL);

        (*dirs)++;
        while (setup != NULL && g_dir_read_name (setup) != NULL)
          n++;
      }
  return n;
}

static int
count_domains (void)
{
  virDomainPtr *domains = NULL;
  int n = virConnectListAllDomains (other, &domains, 0);

  e2e_assert (n >= 0, "cannot list the host's domains: %s", e2e_virt_error ());
  for (int i = 0; i < n; i++)
    virDomainFree (domains[i]);
  free (domains);
  return n;
}

/* The pool's volumes as libvirt lists them after a refresh (so files made behind its
 * back count too). */
static char *
pool_volumes (void)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (other, pool_name);

  e2e_assert (pool != NULL && virStoragePoolRefresh (pool, 0) == 0, "cannot refresh %s: %s",
              pool_name, e2e_virt_error ());
  virStoragePoolFree (pool);
  return test_volume_names (other, pool_name);
}

/* A cloud-image guest @name on the remote host, as the pages answer: a qcow2 layer over
 * the base image in the test's pool, the test's key, the password locked. */
static HangarGuestSpec *
cloud_spec (const char *name)
{
  HangarGuestSpec *spec = hangar_guest_spec_new ();
  const char *virt_type = g_getenv ("HANGAR_TEST_VIRT_TYPE");
  g_autoptr(GError) error = NULL;

  e2e_assert (hangar_guest_spec_fill_host (spec, remote, &error),
              "the host's capabilities over SSH: %s", error->message);
  /* build-aux/test found which virt type boots here (this machine's KVM hangs). */
  if (virt_type != NULL)
    {
      g_free (spec->virt_type);
      spec->virt_type = g_strdup (virt_type);
    }
  spec->name = g_strdup (name);
  spec->source = HANGAR_GUEST_SOURCE_CLOUD_IMAGE;
  spec->base_image = g_strdup (base);
  spec->cloud_init = TRUE;
  spec->user_login = g_strdup ("hangar");
  spec->password_locked = TRUE;
  spec->ssh_keys = g_strdup (key);
  spec->hostname = g_strdup ("cloud-guest");
  spec->memory = 128 * MiB;
  spec->vcpus = 1;
  spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
  spec->pool_name = g_strdup (pool_name);
  spec->disk_size = 64 * MiB;
  spec->disk_format = HANGAR_VOLUME_FORMAT_QCOW2;
  spec->network = HANGAR_GUEST_SPEC_NETWORK_NONE;
  return spec;
}

/* Whether the job said it uploads a file to the test's pool. */
static gboolean
said_upload (GPtrArray *messages)
{
  g_autofree char *pool_said = g_strdup_printf ("to the pool “%s”", pool_name);

  for (guint i = 0; i < messages->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (messages, i), "Uploading ")
        && g_str_has_suffix (g_ptr_array_index (messages, i), pool_said))
      return TRUE;
  return FALSE;
}

/* Runs the creator for @spec with its job's messages in @watch; its result. */
static char *
create (const HangarGuestSpec  *spec,
        TestJobWatch           *watch,
        HangarGuestCreator    **creator_out,
        GError                **error)
{
  g_autoptr(HangarGuestCreator) creator = hangar_guest_creator_new (remote, spec);
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  g_autoptr(GAsyncResult) result = NULL;
  char *name;

  g_signal_connect (job, "notify::message", G_CALLBACK (test_job_watch_cb), watch);
  hangar_guest_creator_run_async (creator, job, test_on_result_cb, &result);
  e2e_assert (e2e_wait_for (test_has_result, &result, CREATE_TIMEOUT),
              "the creator did not end within %d ms (last: %s)", CREATE_TIMEOUT,
              hangar_job_get_message (job));
  name = hangar_guest_creator_run_finish (creator, result, error);
  if (creator_out != NULL)
    *creator_out = g_steal_pointer (&creator);
  return name;
}

static GPtrArray *sources_of (virDomainPtr                         domain,
                              GVirConfigDomainDiskGuestDeviceType  type);

/* The CD-ROM media of @domain's live definition. */
static GPtrArray *
cdroms_of (virDomainPtr domain)
{
  return sources_of (domain, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM);
}

/* The sources of @domain's drives of @type, in its live definition. */
static GPtrArray *
sources_of (virDomainPtr                         domain,
            GVirConfigDomainDiskGuestDeviceType  type)
{
  g_autofree char *xml = virDomainGetXMLDesc (domain, 0);
  g_autoptr(GVirConfigDomain) config = gvir_config_domain_new_from_xml (xml, NULL);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GList *devices;

  e2e_assert (config != NULL, "cannot read the definition of %s", virDomainGetName (domain));
  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    if (GVIR_CONFIG_IS_DOMAIN_DISK (l->data) &&
        gvir_config_domain_disk_get_guest_device_type (l->data) == type &&
        gvir_config_domain_disk_get_source (l->data) != NULL)
      g_ptr_array_add (paths, g_strdup (gvir_config_domain_disk_get_source (l->data)));
  g_list_free_full (devices, g_object_unref);
  return paths;
}

/* The first CD-ROM's medium in @domain's live definition, or NULL. */
static char *
cdrom_of (virDomainPtr domain)
{
  g_autoptr(GPtrArray) paths = cdroms_of (domain);

  return paths->len > 0 ? g_strdup (g_ptr_array_index (paths, 0)) : NULL;
}


static int
write_to_file (virStreamPtr stream,
               const char  *data,
               size_t       size,
               void        *opaque)
{
  return write (GPOINTER_TO_INT (opaque), data, size);
}

/* The volume's content as libvirt hands it out, into @dest. */
static void
download (virStorageVolPtr  vol,
          const char       *dest)
{
  virStreamPtr stream = virStreamNew (other, 0);
  int fd = g_open (dest, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  e2e_assert (fd >= 0, "cannot write %s", dest);
  e2e_assert (virStorageVolDownload (vol, stream, 0, 0, 0) == 0
              && virStreamRecvAll (stream, write_to_file, GINT_TO_POINTER (fd)) == 0
              && virStreamFinish (stream) == 0,
              "cannot download %s: %s", virStorageVolGetName (vol), e2e_virt_error ());
  virStreamFree (stream);
  close (fd);
}

static gboolean
is_off (gpointer data)
{
  return virDomainIsActive (data) == 0;
}

/* The guest stops, as its installer or first boot ends it, and the creator finishes the
 * install. */
static void
stop_and_finish_install (HangarGuestCreator *creator,
                         virDomainPtr        domain,
                         gboolean            installer)
{
  g_autoptr(GAsyncResult) finished = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = virDomainGetName (domain);

  /* An installer's end: its reboot, which QEMU turns into an exit under the install
   * definition (on_reboot=destroy), a shutdown for libvirt; a Force Off would end
   * nothing (test-install-watcher). A cloud image's first boot has no installer: any
   * stop ends it. */
  if (installer)
    e2e_assert (virDomainReset (domain, 0) == 0, "cannot reset %s: %s", name, e2e_virt_error ());
  else
    e2e_assert (virDomainDestroy (domain) == 0, "cannot stop %s: %s", name, e2e_virt_error ());
  e2e_assert (e2e_wait_for (is_off, domain, 10000), "%s does not stop", name);
  hangar_guest_creator_finish_install_async (creator, NULL, test_on_result_cb, &finished);
  e2e_assert (e2e_wait_for (test_has_result, &finished, CREATE_TIMEOUT),
              "finishing the install did not end");
  e2e_assert (hangar_guest_creator_finish_install_finish (creator, finished, &error),
              "finishing the install failed: %s", error != NULL ? error->message : "");
}

/* The volume of the test's pool at @path, where an uploaded file is (a reference);
 * Hangar kept no copy of it: the run's directory stays until the install ends, what it
 * held is on the host. */
static virStorageVolPtr
uploaded_volume (const char *path)
{
  virStorageVolPtr vol = virStorageVolLookupByPath (other, path);
  virStoragePoolPtr vol_pool;
  g_autofree char *volumes = NULL;
  guint dirs;

  e2e_assert (vol != NULL, "%s is no volume of the host: %s", path, e2e_virt_error ());
  vol_pool = virStoragePoolLookupByVolume (vol);
  e2e_assert (vol_pool != NULL && g_str_equal (virStoragePoolGetName (vol_pool), pool_name),
              "the volume %s is not in the pool %s", path, pool_name);
  virStoragePoolFree (vol_pool);
  volumes = pool_volumes ();
  g_test_message ("the pool holds %s", volumes);
  e2e_assert (count_setup_files (&dirs) == 0, "Hangar kept %u files in %s after the upload",
              count_setup_files (&dirs), tmp_dir);
  return vol;
}

static void
test_cloud_image (void)
{
  g_autofree char *name = g_strdup_printf (PREFIX "%d-cloud", (int) getpid ());
  g_autoptr(HangarGuestSpec) spec = NULL;
  g_autoptr(HangarGuestCreator) creator = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  TestJobWatch watch = { messages, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *made = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *copy = g_build_filename (files_dir, "downloaded.iso", NULL);
  g_autofree char *user_data_file = g_build_filename (files_dir, "user-data", NULL);
  g_autofree char *user_data = NULL;
  virStorageVolPtr vol;
  virDomainPtr domain;
  guint dirs;
  const char *extract[] = { "xorriso", "-osirrox", "on", "-indev", copy, "-extract",
                            "/user-data", user_data_file, NULL };

  e2e_cleanup_domain (name);
  spec = cloud_spec (name);
  made = create (spec, &watch, &creator, &error);
  e2e_assert (made != NULL, "creating %s over SSH failed: %s", name, error->message);
  e2e_assert (said_upload (messages), "the job never said it uploads");

  domain = virDomainLookupByName (other, name);
  e2e_assert (domain != NULL, "libvirt has no %s: %s", name, e2e_virt_error ());
  e2e_assert (virDomainIsActive (domain) == 1, "%s does not run", name);

  /* The CD-ROM holds a volume of the test's pool, not the file made here. */
  iso = cdrom_of (domain);
  e2e_assert (iso != NULL, "%s runs without a CD-ROM medium", name);
  g_test_message ("the guest's CD-ROM holds %s", iso);
  vol = uploaded_volume (iso);

  /* Its content, as libvirt hands it out, is the NoCloud seed with the user's key. */
  download (vol, copy);
  virStorageVolFree (vol);
  e2e_tls_run (extract);
  e2e_assert (g_file_get_contents (user_data_file, &user_data, NULL, NULL), "no user-data in %s",
              iso);
  e2e_assert (strstr (user_data, key) != NULL && strstr (user_data, "name: \"hangar\"") != NULL,
              "the uploaded user-data lacks the user or the key: %s", user_data);

  /* Off, as after its first boot: the seed volume goes with the install. */
  stop_and_finish_install (creator, domain, FALSE);
  vol = virStorageVolLookupByPath (other, iso);
  e2e_assert (vol == NULL, "the seed volume %s is still on the host", iso);
  e2e_assert (!g_file_test (iso, G_FILE_TEST_EXISTS), "the seed file %s is still there", iso);
  e2e_assert (count_setup_files (&dirs) == 0 && dirs == 0,
              "the install's end left %u directories in %s", dirs, tmp_dir);
  g_free (iso);
  iso = cdrom_of (domain);
  e2e_assert (iso == NULL, "%s still has the medium %s", name, iso);
  virDomainFree (domain);

  /* Its disk goes as the user would delete it; the pool is the test's. */
  e2e_remove_domain (other, name);
  e2e_cleanup_domain_done (name);
}

/* The tiny guest's file @name ("vmlinuz", "initrd.img"). */
static char *
guest_file (const char *name)
{
  const char *dir = g_getenv ("HANGAR_TEST_GUEST_DIR");
  char *path = g_build_filename (dir != NULL ? dir : "/var/cache/hangar-test-guest", name, NULL);

  e2e_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR),
              "the tiny guest's %s is missing: build it with tests/guest/build-guest.sh", path);
  return path;
}

/* A distribution tree in @dir served over HTTP on 127.0.0.1; its URL goes to @url. */
static GSubprocess *
serve_tree (const char  *dir,
            char       **url)
{
  g_autofree char *images = g_build_filename (dir, "images", "pxeboot", NULL);
  g_autofree char *info = g_build_filename (dir, ".treeinfo", NULL);
  g_autofree char *kernel = guest_file ("vmlinuz");
  g_autofree char *initrd = guest_file ("initrd.img");

  e2e_assert (g_mkdir_with_parents (images, 0755) == 0
              && g_file_set_contents (info, TEST_FEDORA_TREEINFO, -1, NULL),
              "cannot make the tree in %s", dir);
  {
    const char *copy[] = { "cp", kernel, initrd, images, NULL };

    e2e_tls_run (copy);
  }
  return test_http_serve (dir, url);
}

/* The volume @name of the test's pool (a reference), failing the test without one. */
static virStorageVolPtr
pool_volume (const char *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (other, pool_name);
  virStorageVolPtr vol = pool != NULL ? virStorageVolLookupByName (pool, name) : NULL;

  e2e_assert (vol != NULL, "the pool %s has no volume %s: %s", pool_name, name, e2e_virt_error ());
  virStoragePoolFree (pool);
  return vol;
}

/* A network install on the remote host: the installer fetched here, uploaded there. */
static void
test_network_install (void)
{
  g_autofree char *name = g_strdup_printf (PREFIX "%d-url", (int) getpid ());
  g_autofree char *tree_dir = g_build_filename (files_dir, "tree", NULL);
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) server = serve_tree (tree_dir, &url);
  g_autoptr(HangarGuestSpec) spec = cloud_spec (name);
  g_autoptr(HangarGuestCreator) creator = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  TestJobWatch watch = { messages, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *made = NULL;
  g_autofree char *kernel_name = g_strconcat (name, "-kernel", NULL);
  g_autofree char *initrd_name = g_strconcat (name, "-initrd", NULL);
  g_autofree char *kernel_path = NULL;
  g_autofree char *initrd_path = NULL;
  g_autofree char *kernel_element = NULL;
  g_autofree char *initrd_element = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *copy = g_build_filename (files_dir, "downloaded-kernel", NULL);
  g_autofree char *local_kernel = guest_file ("vmlinuz");
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  gsize expected_size, got_size;
  virStorageVolPtr vol;
  virDomainPtr domain;
  guint dirs;

  e2e_cleanup_domain (name);
  spec->source = HANGAR_GUEST_SOURCE_URL;
  spec->cloud_init = FALSE;
  g_clear_pointer (&spec->base_image, g_free);
  spec->tree_url = g_strdup (url);
  spec->os_id = g_strdup ("http://fedoraproject.org/fedora/37");
  made = create (spec, &watch, &creator, &error);
  e2e_assert (made != NULL, "the network install of %s over SSH failed: %s", name, error->message);
  e2e_assert (said_upload (messages), "the job never said it uploads");

  domain = virDomainLookupByName (other, name);
  e2e_assert (domain != NULL && virDomainIsActive (domain) == 1, "%s does not run", name);
  vol = pool_volume (initrd_name);
  initrd_path = virStorageVolGetPath (vol);
  virStorageVolFree (vol);
  vol = pool_volume (kernel_name);
  kernel_path = virStorageVolGetPath (vol);
  xml = virDomainGetXMLDesc (domain, 0);
  kernel_element = g_strdup_printf ("<kernel>%s</kernel>", kernel_path);
  initrd_element = g_strdup_printf ("<initrd>%s</initrd>", initrd_path);
  e2e_assert (strstr (xml, kernel_element) != NULL && strstr (xml, initrd_element) != NULL,
              "%s does not boot the uploaded %s and %s: %s", name, kernel_path, initrd_path, xml);
  e2e_assert (count_setup_files (&dirs) == 0, "Hangar kept %u files in %s after the upload",
              count_setup_files (&dirs), tmp_dir);

  /* The host's copy is the tree's kernel, byte for byte. */
  download (vol, copy);
  virStorageVolFree (vol);
  e2e_assert (g_file_get_contents (local_kernel, &expected, &expected_size, NULL)
              && g_file_get_contents (copy, &got, &got_size, NULL), "cannot read the kernels");
  e2e_assert (got_size == expected_size && memcmp (got, expected, got_size) == 0,
              "the uploaded kernel (%" G_GSIZE_FORMAT " bytes) is not the tree's (%" G_GSIZE_FORMAT
              " bytes)", got_size, expected_size);

  /* The installer ended: both volumes go with the switch to the final definition. */
  stop_and_finish_install (creator, domain, TRUE);
  e2e_assert (!g_file_test (kernel_path, G_FILE_TEST_EXISTS)
              && !g_file_test (initrd_path, G_FILE_TEST_EXISTS),
              "the installer's volumes %s and %s are still there", kernel_path, initrd_path);
  virDomainFree (domain);

  e2e_remove_domain (other, name);
  e2e_cleanup_domain_done (name);
  test_http_stop (g_steal_pointer (&server));
}

/* An unattended install of Fedora 37 @name from the ISO @iso, a volume of the test's
 * pool on the host, onto a new disk there; the user "hangar" with a password. */
static HangarGuestSpec *
unattended_spec (const char *name,
                 const char *iso)
{
  HangarGuestSpec *spec = cloud_spec (name);

  spec->source = HANGAR_GUEST_SOURCE_MEDIA;
  spec->cloud_init = FALSE;
  g_clear_pointer (&spec->base_image, g_free);
  g_clear_pointer (&spec->ssh_keys, g_free);
  spec->password_locked = FALSE;
  spec->media_path = g_strdup (iso);
  spec->os_id = g_strdup ("http://fedoraproject.org/fedora/37");
  spec->unattended = TRUE;
  spec->user_realname = g_strdup ("Hangar Tester");
  spec->user_password = g_strdup ("e2e-s3cret");
  spec->admin_password = g_strdup ("e2e-r00t");
  spec->hostname = g_strdup ("iso-guest");
  return spec;
}

/* An install medium in the test's pool: an ISO with Fedora 37's volume id (as
 * libosinfo knows it) holding a file, made with xorriso; its path on the host. */
static char *
make_install_iso (void)
{
  g_autofree char *content = g_build_filename (files_dir, "iso-content", NULL);
  g_autofree char *readme = g_build_filename (content, "README", NULL);
  char *iso = g_build_filename (pool_dir, "fedora-37-install.iso", NULL);
  const char *make[] = { "xorriso", "-as", "mkisofs", "-quiet", "-V", "Fedora-S-dvd-x86_64-37",
                         "-o", iso, content, NULL };
  virStoragePoolPtr pool;

  if (g_file_test (iso, G_FILE_TEST_EXISTS))
    return iso;
  e2e_assert (g_mkdir_with_parents (content, 0755) == 0
              && g_file_set_contents (readme, "Fedora 37, as far as Hangar can tell\n", -1, NULL),
              "cannot make %s", content);
  e2e_tls_run (make);
  e2e_assert (g_chmod (iso, 0644) == 0, "cannot make %s readable", iso);
  /* libvirt lists it once the pool is refreshed. */
  pool = virStoragePoolLookupByName (other, pool_name);
  e2e_assert (pool != NULL && virStoragePoolRefresh (pool, 0) == 0, "cannot refresh %s: %s",
              pool_name, e2e_virt_error ());
  virStoragePoolFree (pool);
  return iso;
}

/* The text of every file in the ISO @iso, one after another (xorriso extracts it). */
static char *
iso_text (const char *iso)
{
  g_autofree char *dir = g_build_filename (files_dir, "extracted", NULL);
  const char *extract[] = { "xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/", dir, NULL };
  const char *remove[] = { "rm", "-rf", dir, NULL };
  g_autoptr(GDir) handle = NULL;
  GString *text = g_string_new (NULL);
  const char *name;

  e2e_tls_run (remove);
  e2e_tls_run (extract);
  handle = g_dir_open (dir, 0, NULL);
  e2e_assert (handle != NULL, "nothing extracted from %s", iso);
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, NULL))
        g_string_append_printf (text, "== %s\n%s\n", name, contents);
    }
  e2e_tls_run (remove);
  return g_string_free (text, FALSE);
}

/* An unattended install from an ISO on the remote host: its answers reach the host. */
static void
test_unattended_iso (void)
{
  g_autofree char *name = g_strdup_printf (PREFIX "%d-iso", (int) getpid ());
  g_autofree char *iso = make_install_iso ();
  g_autoptr(HangarGuestSpec) spec = unattended_spec (name, iso);
  g_autoptr(HangarGuestCreator) creator = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) cdroms = NULL;
  TestJobWatch watch = { messages, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *made = NULL;
  g_autofree char *copy = g_build_filename (files_dir, "downloaded-answers.iso", NULL);
  g_autofree char *text = NULL;
  const char *answers = NULL;
  virStorageVolPtr vol;
  virDomainPtr domain;
  guint dirs;

  e2e_cleanup_domain (name);
  made = create (spec, &watch, &creator, &error);
  e2e_assert (made != NULL, "the unattended install of %s over SSH failed: %s", name,
              error->message);
  e2e_assert (said_upload (messages), "the job never said it uploads");

  domain = virDomainLookupByName (other, name);
  e2e_assert (domain != NULL && virDomainIsActive (domain) == 1, "%s does not run", name);
  /* Two discs: the medium as it is on the host, and the answers' volume. */
  cdroms = cdroms_of (domain);
  e2e_assert (cdroms->len == 2, "%s has %u CD-ROM media, not the medium and the answers", name,
              cdroms->len);
  for (guint i = 0; i < cdroms->len; i++)
    if (!g_str_equal (g_ptr_array_index (cdroms, i), iso))
      answers = g_ptr_array_index (cdroms, i);
  e2e_assert (answers != NULL, "%s's discs are not the medium %s and another", name, iso);
  g_test_message ("the answers disc is %s", answers);
  vol = uploaded_volume (answers);

  /* Its content, as libvirt hands it out: the kickstart, with the user. */
  download (vol, copy);
  virStorageVolFree (vol);
  text = iso_text (copy);
  e2e_assert (strstr (text, "hangar") != NULL && strstr (text, "--hostname=iso-guest") != NULL,
              "the uploaded answers lack the user or the host name: %s", text);
  e2e_assert (strstr (text, "e2e-s3cret") != NULL || strstr (text, "--iscrypted") != NULL,
              "the uploaded answers set no password: %s", text);

  /* The installer ended: the answers volume goes, the discs come out; the medium is
   * the user's and stays. */
  stop_and_finish_install (creator, domain, TRUE);
  vol = virStorageVolLookupByPath (other, answers);
  e2e_assert (vol == NULL, "the answers volume %s is still on the host", answers);
  e2e_assert (!g_file_test (answers, G_FILE_TEST_EXISTS), "the answers file %s is still there",
              answers);
  e2e_assert (g_file_test (iso, G_FILE_TEST_EXISTS), "the medium %s went", iso);
  e2e_assert (count_setup_files (&dirs) == 0 && dirs == 0,
              "the install's end left %u directories in %s", dirs, tmp_dir);
  g_ptr_array_unref (cdroms);
  cdroms = cdroms_of (domain);
  e2e_assert (cdroms->len == 0, "%s still has %u discs after the install", name, cdroms->len);
  virDomainFree (domain);

  e2e_remove_domain (other, name);
  e2e_cleanup_domain_done (name);
}

/* Runs @spec, which must fail (cancelled at the upload when @cancel), and checks that
 * the upload happened and nothing of the run is left. */
static void
assert_fails_leaving_nothing (HangarGuestSpec *spec,
                              gboolean         cancel)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  TestJobWatch watch = { messages, cancel ? "Uploading" : NULL };
  g_autofree char *before = pool_volumes ();
  g_autofree char *after = NULL;
  g_autofree char *made = NULL;
  g_autoptr(GError) error = NULL;
  int domains = count_domains ();
  guint files, dirs;

  made = create (spec, &watch, NULL, &error);
  e2e_assert (made == NULL, "%s was made, though it cannot be", spec->name);
  g_test_message ("the run failed: %s", error->message);
  e2e_assert (said_upload (messages), "the run ended before any upload");
  if (cancel)
    e2e_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED),
                "Cancel gave another error: %s", error->message);
  e2e_assert (strstr (error->message, spec->name) != NULL, "the error does not name %s: %s",
              spec->name, error->message);
  after = pool_volumes ();
  e2e_assert (g_str_equal (before, after), "the pool held “%s” and now holds “%s”", before, after);
  e2e_assert (count_domains () == domains, "the host had %d domains and now has %d", domains,
              count_domains ());
  files = count_setup_files (&dirs);
  e2e_assert (files == 0 && dirs == 0, "the run left %u files and %u directories in %s", files,
              dirs, tmp_dir);
}

static void
test_failure_leaves_nothing (void)
{
  g_autofree char *name = g_strdup_printf (PREFIX "%d-fails", (int) getpid ());
  g_autoptr(HangarGuestSpec) spec = NULL;

  e2e_cleanup_domain (name);
  /* The cidata volume is uploaded, the disk made, then libvirt refuses the machine. */
  spec = cloud_spec (name);
  g_free (spec->machine);
  spec->machine = g_strdup ("hangar-no-such-machine");
  assert_fails_leaving_nothing (spec, FALSE);
  g_clear_pointer (&spec, hangar_guest_spec_free);

  /* Cancel once the job says it uploads (during or just after the upload). */
  spec = cloud_spec (name);
  assert_fails_leaving_nothing (spec, TRUE);
  g_clear_pointer (&spec, hangar_guest_spec_free);

  /* The same for the answers disc of an unattended install from an ISO. */
  {
    g_autofree char *iso = make_install_iso ();

    spec = unattended_spec (name, iso);
    g_free (spec->machine);
    spec->machine = g_strdup ("hangar-no-such-machine");
    assert_fails_leaving_nothing (spec, FALSE);
    g_clear_pointer (&spec, hangar_guest_spec_free);
    spec = unattended_spec (name, iso);
    assert_fails_leaving_nothing (spec, TRUE);
  }
  e2e_cleanup_domain_done (name);
}

static void
cleanup (void)
{
  virStoragePoolPtr pool;

  if (other == NULL || pool_name == NULL)
    return;
  pool = virStoragePoolLookupByName (other, pool_name);
  if (pool != NULL)
    {
      virStoragePoolDestroy (pool);
      virStoragePoolFree (pool);
    }
}

/* A cloud image copied on a remote host: the image is a volume of the host's pool,
 * libvirt copies it on the host (virStorageVolCreateXMLFrom), and the guest’s disk is a whole
 * qcow2 of the size asked for, with no backing file; the image stays. */
static void
test_cloud_image_copy (void)
{
  g_autofree char *name = g_strdup_printf (PREFIX "%d-copy", (int) getpid ());
  g_autofree char *image_xml = g_strdup_printf (
    "<volume><name>" PREFIX "%d-image.qcow2</name><capacity unit='MiB'>32</capacity>"
    "<target><format type='qcow2'/></target></volume>", (int) getpid ());
  g_autoptr(HangarGuestSpec) spec = NULL;
  g_autoptr(HangarGuestCreator) creator = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) disks = NULL;
  TestJobWatch watch = { messages, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *made = NULL;
  g_autofree char *image_path = NULL;
  g_autofree char *disk_xml = NULL;
  virStoragePoolPtr pool = virStoragePoolLookupByName (other, pool_name);
  virStorageVolPtr image;
  virStorageVolPtr disk;
  virStorageVolInfo info;
  virDomainPtr domain;

  e2e_cleanup_domain (name);
  e2e_assert (pool != NULL, "no pool %s: %s", pool_name, e2e_virt_error ());
  image = virStorageVolCreateXML (pool, image_xml, 0);
  e2e_assert (image != NULL, "cannot make the image volume: %s", e2e_virt_error ());
  image_path = virStorageVolGetPath (image);
  e2e_assert (e2e_wait_for (pool_listed, NULL, CONNECT_TIMEOUT), "the pool %s is not listed",
              pool_name);
  hangar_pool_refresh_async (hangar_connection_find_pool (remote, pool_name), NULL, NULL, NULL);

  spec = cloud_spec (name);
  g_free (spec->base_image);
  spec->base_image = g_strdup (image_path);
  spec->copy_base_image = TRUE;
  made = create (spec, &watch, &creator, &error);
  e2e_assert (made != NULL, "creating %s over SSH with a copy failed: %s", name,
              error != NULL ? error->message : "");

  domain = virDomainLookupByName (other, name);
  e2e_assert (domain != NULL, "libvirt has no %s: %s", name, e2e_virt_error ());
  e2e_assert (virDomainIsActive (domain) == 1, "%s does not run", name);
  disks = sources_of (domain, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK);
  e2e_assert (disks->len == 1, "%s has %u disks", name, disks->len);
  disk = virStorageVolLookupByPath (other, g_ptr_array_index (disks, 0));
  e2e_assert (disk != NULL, "the disk %s is no volume of the host",
              (char *) g_ptr_array_index (disks, 0));
  e2e_assert (!g_str_equal (g_ptr_array_index (disks, 0), image_path), "the guest runs on the image itself");
  disk_xml = virStorageVolGetXMLDesc (disk, 0);
  e2e_assert (strstr (disk_xml, "<format type='qcow2'/>") != NULL, "the copy is no qcow2: %s", disk_xml);
  e2e_assert (strstr (disk_xml, "<backingStore>") == NULL, "the copy has a backing file: %s", disk_xml);
  e2e_assert (virStorageVolGetInfo (disk, &info) == 0 && info.capacity == spec->disk_size,
              "the copy's size is %llu, not %" G_GUINT64_FORMAT, info.capacity, spec->disk_size);
  g_test_message ("copied %s to %s, %llu bytes", image_path,
                  (char *) g_ptr_array_index (disks, 0), info.capacity);
  virStorageVolFree (disk);

  stop_and_finish_install (creator, domain, FALSE);
  virDomainFree (domain);
  e2e_remove_domain (other, name);
  e2e_cleanup_domain_done (name);
  /* The image is the user's: still there. */
  e2e_assert (virStorageVolGetInfo (image, &info) == 0, "the image %s went with the guest", image_path);
  e2e_assert (virStorageVolDelete (image, 0) == 0, "cannot delete the image: %s", e2e_virt_error ());
  virStorageVolFree (image);
  virStoragePoolFree (pool);
}

int
main (int   argc,
      char *argv[])
{
  const char *uri;
  g_autofree char *remote_uri = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *pub_file = NULL;
  virStoragePoolPtr pool;
  int status;

  e2e_test_init (&argc, &argv);
  hangar_core_init ();
  uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  if (uri == NULL || *uri == '\0')
    g_error ("HANGAR_TEST_LIBVIRT_URI is not set: run the tests with build-aux/test, which "
             "starts libvirtd");
  other = virConnectOpen (uri);
  if (other == NULL)
    g_error ("Cannot open %s: %s", uri, e2e_virt_error ());
  e2e_remove_stale_domains (other, PREFIX);
  e2e_remove_stale_pools (other, PREFIX);
  e2e_set_cleanup (cleanup);

  /* The pool: a directory QEMU's user can reach (not a 0700 one under /tmp). */
  pool_dir = g_strdup_printf ("/var/tmp/" PREFIX "%d", (int) getpid ());
  pool_name = g_path_get_basename (pool_dir);
  files_dir = g_strconcat (pool_dir, "-files", NULL);
  tmp_dir = g_strdup_printf ("/tmp/hr-%d", (int) getpid ());
  e2e_cleanup_path (pool_dir);
  e2e_cleanup_path (files_dir);
  e2e_cleanup_path (tmp_dir);
  e2e_assert (g_mkdir (pool_dir, 0755) == 0 && g_mkdir (files_dir, 0755) == 0
              && g_mkdir (tmp_dir, 0755) == 0, "cannot make %s, %s and %s", pool_dir, files_dir,
              tmp_dir);
  /* The setup makes its files in the temporary directory: the test's own, so that what
   * is counted there is this test's alone. */
  g_setenv ("TMPDIR", tmp_dir, TRUE);
  e2e_assert (g_str_equal (g_get_tmp_dir (), tmp_dir), "the temporary directory was read before");
  xml = g_strdup_printf ("<pool type='dir'><name>%s</name><target><path>%s</path></target>"
                         "</pool>", pool_name, pool_dir);
  pool = virStoragePoolCreateXML (other, xml, 0);
  e2e_assert (pool != NULL, "cannot create the pool %s: %s", pool_name, e2e_virt_error ());
  virStoragePoolFree (pool);

  /* The cloud image (an empty qcow2 disk) and the user's key. */
  base = g_build_filename (files_dir, "base.qcow2", NULL);
  key_file = g_build_filename (files_dir, "id_ed25519", NULL);
  pub_file = g_strconcat (key_file, ".pub", NULL);
  {
    const char *make_base[] = { "qemu-img", "create", "-q", "-f", "qcow2", base, "32M", NULL };
    const char *make_key[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hangar@e2e",
                               "-f", key_file, NULL };

    e2e_tls_run (make_base);
    e2e_tls_run (make_key);
  }
  e2e_assert (g_file_get_contents (pub_file, &key, NULL, NULL), "cannot read %s", pub_file);
  g_strstrip (key);

  remote_uri = g_strdup_printf ("qemu+ssh://root@127.0.0.1:%d/system", e2e_sshd_start ());
  remote = hangar_connection_new (remote_uri);
  hangar_connection_open_async (remote, NULL, NULL, NULL);
  e2e_assert (e2e_wait_for (is_connected, remote, CONNECT_TIMEOUT)
              && hangar_connection_get_state (remote) == HANGAR_CONNECTION_STATE_CONNECTED,
              "Hangar did not connect to %s: %s", remote_uri,
              hangar_connection_get_error_message (remote));
  e2e_assert (hangar_connection_uri_is_remote (remote_uri), "%s does not count as remote",
              remote_uri);
  e2e_assert (e2e_wait_for (pool_listed, NULL, CONNECT_TIMEOUT), "the pool %s is not listed",
              pool_name);

  g_test_add_func ("/e2e-remote-install/cloud-image", test_cloud_image);
  g_test_add_func ("/e2e-remote-install/cloud-image-copy", test_cloud_image_copy);
  g_test_add_func ("/e2e-remote-install/network-install", test_network_install);
  g_test_add_func ("/e2e-remote-install/unattended-iso", test_unattended_iso);
  g_test_add_func ("/e2e-remote-install/failure-leaves-nothing", test_failure_leaves_nothing);
  status = g_test_run ();

  hangar_connection_close (remote);
  g_clear_object (&remote);
  e2e_sshd_stop ();
  cleanup ();
  {
    const char *remove[] = { "rm", "-rf", pool_dir, files_dir, tmp_dir, NULL };

    e2e_tls_run (remove);
    e2e_cleanup_path_done (pool_dir);
    e2e_cleanup_path_done (files_dir);
    e2e_cleanup_path_done (tmp_dir);
  }
  virConnectClose (other);
  return status;
}
