// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Hangar's storage core (HangarConnection → HangarPool → HangarVolume, HangarJob) on the
 * real libvirtd: every pool type the wizard offers, made here for real where this
 * machine can, volumes created, grown, allocated with progress, cancelled and deleted,
 * and a guest deleted with the one of its volumes the user chose (HangarGuest). Each
 * step is judged by the host itself — the file system, qemu-img, LVM, /proc/mounts,
 * libvirt's own answers and events — and by Hangar's model.
 *
 * What this machine allows (root in a container on a kernel built without modules:
 * /proc/config.gz), and so what each test does:
 *   dir      a directory under /var/tmp: all of it;
 *   fs       ext4 on a loop device (losetup, mkfs.ext4): all of it;
 *   logical  a volume group libvirt builds (pvcreate, vgcreate) on a loop device; the
 *            kernel has no device-mapper (/dev/mapper/control is missing), so no logical
 *            volume can be made or activated: the pool is made, started, listed (empty),
 *            stopped and deleted, its volume group removed;
 *   disk     a GPT label (parted) on a loop device; a partition made beside libvirt
 *            shows as the pool's volume, one made through Hangar is on the label
 *            (libvirt 9.0 cannot delete it: see test_disk);
 *   netfs    the kernel has no NFS at all (CONFIG_NETWORK_FILESYSTEMS is off: neither a
 *            client to mount nor nfsd to export), so no export can be mounted here;
 *   iscsi    tgt's userspace target runs on 127.0.0.1, but the kernel has no iSCSI
 *            initiator (no iscsi_tcp, no NETLINK_ISCSI: iscsid cannot start), so no
 *            session can be logged in.
 *   netfs and iscsi are therefore tested up to what libvirt accepts: Hangar's definition
 *   is taken (libvirt's DEFINED event), starting it fails (here mount says "unknown
 *   filesystem type 'nfs'" and iscsiadm finds no iscsid; on another machine, nothing
 *   serving NFS or iSCSI on 127.0.0.1 would fail it the same way), and Hangar undoes the
 *   definition and says which pool failed.
 * Raw "allocate now" volumes sit in a dir pool on an ext2 file system mounted -o sync:
 * ext2 has no fallocate, so libvirt writes the allocation out block by block, and with
 * every write synchronous, as on a slow disk, that takes seconds, so the progress and
 * its Cancel have something to watch. (On ext4 the allocation is one fallocate; on a
 * plain ext2 mount, page-cache writes finish 512 MiB within the job's first 250 ms.)
 *
 * Needs (build-aux/test provides them): HANGAR_TEST_LIBVIRT_URI (qemu:///system), root,
 * losetup, mkfs.ext4, mkfs.ext2, parted, LVM's tools, qemu-img. Whatever fails, what the
 * test made — pools, mounts, volume groups, loop devices, files — is undone by a
 * process of its own (e2e-storage.c) once the test has ended.
 */
#define G_LOG_DOMAIN "test-e2e-storage"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "e2e-storage.h"
#include "e2e-virt.h"
#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-guest.h"
#include "hangar-job.h"
#include "hangar-pool.h"
#include "hangar-storage.h"
#include "hangar-volume.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
/* The raw volumes allocated with progress, on ext2 mounted -o sync (see the top): at a
 * few ms a block here, some seconds of the job's reports (every 250 ms). */
#define ALLOC_SIZE (8 * MiB)

/* Timeouts (ms). */
#define CONNECT_TIMEOUT  15000
#define MODEL_TIMEOUT     5000
#define OP_TIMEOUT       60000

static const char *uri;
static char *tmp_root;          /* this run's directory, under /var/tmp */
static virConnectPtr virt;      /* the test's own look at libvirt */
static HangarConnection *connection;

/* ---- Waiting for Hangar ------------------------------------------------------------- */

typedef struct {
  GAsyncResult *result;
} Wait;

static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  ((Wait *)data)->result = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return ((Wait *)data)->result != NULL;
}

/* Waits for the operation @w was given to; fails naming @what if it does not end. */
static GAsyncResult *
await (Wait       *w,
       const char *what)
{
  e2e_assert (e2e_wait_for (has_result, w, OP_TIMEOUT), "%s did not finish within %d s", what,
              OP_TIMEOUT / 1000);
  return w->result;
}

typedef struct {
  HangarConnection *conn;
  const char       *name;
} PoolWait;

static gboolean
pool_listed (gpointer data)
{
  PoolWait *w = data;

  return hangar_connection_find_pool (w->conn, w->name) != NULL;
}

static gboolean
pool_not_listed (gpointer data)
{
  return !pool_listed (data);
}

typedef struct {
  HangarPool *pool;
  const char *name;
} VolumeWait;

static gboolean
volume_listed (gpointer data)
{
  VolumeWait *w = data;

  return hangar_pool_find_volume (w->pool, w->name) != NULL;
}

static gboolean
volume_not_listed (gpointer data)
{
  return !volume_listed (data);
}

typedef struct {
  HangarPool *pool;
  gboolean    active;
} ActiveWait;

static gboolean
pool_active_is (gpointer data)
{
  ActiveWait *w = data;

  return hangar_pool_get_active (w->pool) == w->active;
}

/* ---- libvirt's own answers ------------------------------------------------------------ */

/* Whether libvirt has pool @name, and (if so) whether it runs. */
static gboolean
virt_pool_exists (const char *name,
                  gboolean   *active)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (virt, name);

  if (pool == NULL)
    return FALSE;
  if (active != NULL)
    *active = virStoragePoolIsActive (pool) == 1;
  virStoragePoolFree (pool);
  return TRUE;
}

/* The storage-pool lifecycle events libvirt sent, as "NAME:EVENT" lines. */
static GString *pool_events;

static void
on_pool_lifecycle_cb (virConnectPtr     conn,
                      virStoragePoolPtr pool,
                      int               event,
                      int               detail,
                      void             *opaque)
{
  static const char *const names[] = { "defined", "undefined", "started", "stopped",
                                       "created", "deleted" };

  if (event >= 0 && event < (int)G_N_ELEMENTS (names))
    g_string_append_printf (pool_events, "%s:%s\n", virStoragePoolGetName (pool), names[event]);
}

static gboolean
event_seen (gpointer line)
{
  return strstr (pool_events->str, line) != NULL;
}

static void
assert_event (const char *pool,
              const char *event)
{
  g_autofree char *line = g_strdup_printf ("%s:%s\n", pool, event);

  e2e_assert (e2e_wait_for (event_seen, line, MODEL_TIMEOUT),
              "libvirt sent no %s event for pool %s (events: %s)", event, pool, pool_events->str);
}

/* ---- Pools through Hangar -------------------------------------------------------------- */

static char *
pool_name (const char *type)
{
  return g_strdup_printf ("hangar-e2e-storage-%d-%s", (int)getpid (), type);
}

static HangarPoolSpec *
pool_spec (const char     *name,
           HangarPoolType  type,
           const char     *target_path)
{
  HangarPoolSpec *spec = hangar_pool_spec_new ();

  spec->name = g_strdup (name);
  spec->type = type;
  spec->target_path = g_strdup (target_path);
  return spec;
}

/* Creates the pool through Hangar (define, build as asked, start) and checks that
 * libvirt runs it and Hangar's model lists it, running. */
static HangarPool *
create_pool (const HangarPoolSpec *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarPool) pool = NULL;
  gboolean active = FALSE;
  Wait w = { 0 };
  ActiveWait running;

  e2e_storage_undo_pool (spec->name);
  e2e_assert (hangar_connection_check_pool_spec (connection, spec, &error),
              "Hangar refuses the pool %s before making it: %s", spec->name, error->message);
  hangar_connection_create_pool_async (connection, spec, NULL, NULL, on_done_cb, &w);
  pool = hangar_connection_create_pool_finish (connection, await (&w, "creating a pool"), &error);
  g_clear_object (&w.result);
  e2e_assert (pool != NULL, "Hangar could not create pool %s: %s", spec->name,
              error ? error->message : "(no error)");
  e2e_assert (g_strcmp0 (hangar_pool_get_name (pool), spec->name) == 0,
              "Hangar created pool “%s” when asked for “%s”", hangar_pool_get_name (pool),
              spec->name);
  e2e_assert (virt_pool_exists (spec->name, &active) && active,
              "libvirt does not run pool %s that Hangar created", spec->name);
  e2e_assert (e2e_wait_for (pool_listed, &(PoolWait){ connection, spec->name }, MODEL_TIMEOUT),
              "Hangar's pool list does not show the new pool %s", spec->name);
  e2e_assert (hangar_connection_find_pool (connection, spec->name) == pool,
              "Hangar lists another object for pool %s than it created", spec->name);
  running = (ActiveWait){ pool, TRUE };
  e2e_assert (e2e_wait_for (pool_active_is, &running, MODEL_TIMEOUT),
              "Hangar's pool %s does not say it runs", spec->name);
  return g_steal_pointer (&pool);
}

static void
stop_pool (HangarPool *pool)
{
  g_autoptr(GError) error = NULL;
  const char *name = hangar_pool_get_name (pool);
  gboolean active = TRUE;
  ActiveWait stopped = { pool, FALSE };
  Wait w = { 0 };

  hangar_pool_stop_async (pool, NULL, on_done_cb, &w);
  e2e_assert (hangar_pool_stop_finish (pool, await (&w, "stopping a pool"), &error),
              "Hangar could not stop pool %s: %s", name, error->message);
  g_clear_object (&w.result);
  e2e_assert (virt_pool_exists (name, &active) && !active,
              "libvirt still runs pool %s after Hangar stopped it", name);
  e2e_assert (e2e_wait_for (pool_active_is, &stopped, MODEL_TIMEOUT),
              "Hangar's pool %s still says it runs after stopping", name);
  e2e_assert (hangar_pool_get_state (pool) == HANGAR_POOL_STATE_INACTIVE,
              "Hangar's stopped pool %s is not inactive (%s)", name,
              hangar_pool_get_state_label (pool));
}

static void
start_pool (HangarPool *pool)
{
  g_autoptr(GError) error = NULL;
  const char *name = hangar_pool_get_name (pool);
  gboolean active = FALSE;
  ActiveWait running = { pool, TRUE };
  Wait w = { 0 };

  hangar_pool_start_async (pool, NULL, on_done_cb, &w);
  e2e_assert (hangar_pool_start_finish (pool, await (&w, "starting a pool"), &error),
              "Hangar could not start pool %s: %s", name, error->message);
  g_clear_object (&w.result);
  e2e_assert (virt_pool_exists (name, &active) && active,
              "libvirt does not run pool %s after Hangar started it", name);
  e2e_assert (e2e_wait_for (pool_active_is, &running, MODEL_TIMEOUT),
              "Hangar's pool %s does not say it runs after starting", name);
}

static void
refresh_pool (HangarPool *pool)
{
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  hangar_pool_refresh_async (pool, NULL, on_done_cb, &w);
  e2e_assert (hangar_pool_refresh_finish (pool, await (&w, "refreshing a pool"), &error),
              "Hangar could not refresh pool %s: %s", hangar_pool_get_name (pool),
              error->message);
  g_clear_object (&w.result);
}

/* Deletes the pool through Hangar (stopping it if it runs) and checks that libvirt has
 * forgotten it and Hangar's model dropped it. */
static void
delete_pool (HangarPool *pool,
             gboolean    delete_storage)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup (hangar_pool_get_name (pool));
  Wait w = { 0 };

  hangar_pool_delete_async (pool, delete_storage, NULL, on_done_cb, &w);
  e2e_assert (hangar_pool_delete_finish (pool, await (&w, "deleting a pool"), &error),
              "Hangar could not delete pool %s: %s", name, error->message);
  g_clear_object (&w.result);
  e2e_assert (!virt_pool_exists (name, NULL), "libvirt still has pool %s after Hangar deleted it",
              name);
  e2e_assert (e2e_wait_for (pool_not_listed, &(PoolWait){ connection, name }, MODEL_TIMEOUT),
              "Hangar still lists pool %s after deleting it", name);
  e2e_storage_undo_pool_done (name);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

/* The names of the pool's volumes as Hangar lists them, sorted, comma-separated. */
static char *
volume_names (HangarPool *pool)
{
  GListModel *volumes = hangar_pool_get_volumes (pool);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (volumes); i++)
    {
      g_autoptr(HangarVolume) volume = g_list_model_get_item (volumes, i);

      g_ptr_array_add (names, (gpointer)hangar_volume_get_name (volume));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **)names->pdata);
}

typedef struct {
  HangarPool *pool;
  const char *names;
} NamesWait;

static gboolean
volume_names_are (gpointer data)
{
  NamesWait *w = data;
  g_autofree char *names = NULL;

  if (!hangar_pool_get_volumes_loaded (w->pool))
    return FALSE;
  names = volume_names (w->pool);
  return g_str_equal (names, w->names);
}

/* Waits until Hangar's model of @pool lists exactly @expected (sorted names,
 * comma-separated) — it reads them when first asked, and again on libvirt's refresh
 * event, a moment after a refresh — and gives the first one in @first if not NULL. */
static void
assert_volume_names (HangarPool    *pool,
                     const char    *expected,
                     HangarVolume **first)
{
  NamesWait w = { pool, expected };
  g_autofree char *names = NULL;

  hangar_pool_get_volumes (pool);
  if (!e2e_wait_for (volume_names_are, &w, MODEL_TIMEOUT))
    {
      names = volume_names (pool);
      e2e_fail (__FILE__, __LINE__, G_STRFUNC, "Hangar lists the volumes of %s as “%s”, not “%s”%s",
                hangar_pool_get_name (pool), names, expected,
                hangar_pool_get_volumes_loaded (pool) ? "" : " (it never read them)");
    }
  if (first != NULL)
    *first = g_list_model_get_item (hangar_pool_get_volumes (pool), 0);
}

/* ---- Volumes through Hangar ------------------------------------------------------------ */

static HangarVolumeSpec *
volume_spec (const char         *name,
             HangarVolumeFormat  format,
             guint64             capacity,
             guint64             allocation)
{
  HangarVolumeSpec *spec = hangar_volume_spec_new ();

  spec->name = g_strdup (name);
  spec->format = format;
  spec->capacity = capacity;
  spec->allocation = allocation;
  return spec;
}

static HangarVolume *
create_volume (HangarPool             *pool,
               const HangarVolumeSpec *spec)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  HangarVolume *volume;
  Wait w = { 0 };

  e2e_assert (hangar_pool_check_volume_spec (pool, spec, &warning, &error),
              "Hangar refuses volume %s before making it: %s", spec->name, error->message);
  hangar_pool_create_volume_async (pool, spec, NULL, NULL, on_done_cb, &w);
  volume = hangar_pool_create_volume_finish (pool, await (&w, "creating a volume"), &error);
  g_clear_object (&w.result);
  e2e_assert (volume != NULL, "Hangar could not create volume %s in pool %s: %s", spec->name,
              hangar_pool_get_name (pool), error ? error->message : "(no error)");
  return volume;
}

static void
delete_volume (HangarVolume *volume)
{
  g_autoptr(GError) error = NULL;
  Wait w = { 0 };

  hangar_volume_delete_async (volume, FALSE, FALSE, NULL, NULL, on_done_cb, &w);
  e2e_assert (hangar_volume_delete_finish (volume, await (&w, "deleting a volume"), &error),
              "Hangar could not delete volume %s: %s", hangar_volume_get_name (volume),
              error->message);
  g_clear_object (&w.result);
}

/* A raw volume full of data, deleted with its data wiped first: the file is gone, and
 * what it held — read through a descriptor the test kept open, so the inode outlives
 * the name — is zeros now. */
static void
wipe_and_delete (HangarPool *pool,
                 const char *dir)
{
  g_autoptr(HangarVolumeSpec) vspec = volume_spec ("wiped.img", HANGAR_VOLUME_FORMAT_RAW,
                                                   1 * MiB, 1 * MiB);
  g_autofree char *path = g_build_filename (dir, "wiped.img", NULL);
  g_autofree guint8 *data = g_malloc (1 * MiB);
  g_autoptr(HangarVolume) volume = NULL;
  g_autoptr(HangarJob) job = hangar_job_new ("Deleting");
  g_autoptr(GError) error = NULL;
  gboolean zeros = TRUE;
  Wait w = { 0 };
  int fd;

  volume = create_volume (pool, vspec);
  fd = g_open (path, O_RDWR, 0);
  e2e_assert (fd >= 0, "cannot open %s: %s", path, g_strerror (errno));
  memset (data, 0xa5, 1 * MiB);
  e2e_assert (pwrite (fd, data, 1 * MiB, 0) == (ssize_t)(1 * MiB) && fsync (fd) == 0,
              "cannot fill %s: %s", path, g_strerror (errno));

  hangar_volume_delete_async (volume, FALSE, TRUE, job, NULL, on_done_cb, &w);
  e2e_assert (hangar_volume_delete_finish (volume, await (&w, "wiping and deleting a volume"),
                                           &error),
              "Hangar could not wipe and delete %s: %s", path, error->message);
  g_clear_object (&w.result);
  e2e_assert (!g_file_test (path, G_FILE_TEST_EXISTS), "%s is still there after deleting it",
              path);
  e2e_assert (pread (fd, data, 1 * MiB, 0) == (ssize_t)(1 * MiB), "cannot read %s back: %s",
              path, g_strerror (errno));
  for (gsize i = 0; i < 1 * MiB && zeros; i++)
    zeros = data[i] == 0;
  close (fd);
  e2e_assert (zeros, "%s held data, not zeros, when it was deleted: the wipe did not happen",
              path);
}

/* What qemu-img says of the image at @path: its "format" and "virtual-size" (the first
 * of each in its JSON are the image's own; a backing image's would come later). */
static void
qemu_img_info (const char *path,
               char      **format,
               gint64     *virtual_size)
{
  const char *argv[] = { "qemu-img", "info", "--output=json", path, NULL };
  g_autofree char *out = e2e_storage_run (argv);
  g_autoptr(GRegex) format_re = g_regex_new ("\"format\": *\"([^\"]+)\"", 0, 0, NULL);
  g_autoptr(GRegex) size_re = g_regex_new ("\"virtual-size\": *([0-9]+)", 0, 0, NULL);
  g_autoptr(GMatchInfo) format_match = NULL;
  g_autoptr(GMatchInfo) size_match = NULL;
  g_autofree char *size = NULL;

  e2e_assert (g_regex_match (format_re, out, 0, &format_match) &&
              g_regex_match (size_re, out, 0, &size_match),
              "qemu-img info names no format or virtual size for %s: %s", path, out);
  *format = g_match_info_fetch (format_match, 1);
  size = g_match_info_fetch (size_match, 1);
  *virtual_size = g_ascii_strtoll (size, NULL, 10);
}

/* Bytes the file at @path takes on its disk (st_blocks), or -1 when it is not there. */
static gint64
file_allocation (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return -1;
  return (gint64)st.st_blocks * 512;
}

/* ---- dir: a qcow2 volume created, grown, deleted ------------------------------------- */

static void
test_dir_qcow2 (void)
{
  g_autofree char *name = pool_name ("dir");
  g_autofree char *dir = g_build_filename (tmp_root, "dir-pool", NULL);
  g_autofree char *path = g_build_filename (dir, "disk.qcow2", NULL);
  g_autoptr(HangarPoolSpec) spec = pool_spec (name, HANGAR_POOL_TYPE_DIR, dir);
  g_autoptr(HangarVolumeSpec) vspec = volume_spec ("disk.qcow2", HANGAR_VOLUME_FORMAT_QCOW2,
                                                   64 * MiB, 0);
  g_autoptr(HangarPool) pool = NULL;
  g_autoptr(HangarVolume) volume = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *format = NULL;
  gint64 size = 0;
  VolumeWait listed;
  Wait w = { 0 };

  /* A dir pool's directory is made by libvirt's build, which Hangar runs for this type. */
  spec->build = TRUE;
  pool = create_pool (spec);
  e2e_assert (g_file_test (dir, G_FILE_TEST_IS_DIR), "pool %s's directory %s was not made",
              name, dir);
  e2e_assert (g_strcmp0 (hangar_pool_get_target_path (pool), dir) == 0,
              "Hangar says pool %s is at %s, not %s", name, hangar_pool_get_target_path (pool),
              dir);
  assert_volume_names (pool, "", NULL);

  volume = create_volume (pool, vspec);
  e2e_assert (g_strcmp0 (hangar_volume_get_path (volume), path) == 0,
              "Hangar says the volume is at %s, not %s", hangar_volume_get_path (volume), path);
  qemu_img_info (path, &format, &size);
  e2e_assert (g_strcmp0 (format, "qcow2") == 0 && size == (gint64)(64 * MiB),
              "qemu-img says %s is %s of %" G_GINT64_FORMAT " bytes, not qcow2 of 64 MiB", path,
              format, size);
  listed = (VolumeWait){ pool, "disk.qcow2" };
  e2e_assert (e2e_wait_for (volume_listed, &listed, MODEL_TIMEOUT),
              "Hangar's volume list of %s does not show disk.qcow2", name);

  /* Grown to 100 MiB: qemu-img reads the new size from the image itself. */
  hangar_volume_resize_async (volume, 100 * MiB, FALSE, NULL, on_done_cb, &w);
  e2e_assert (hangar_volume_resize_finish (volume, await (&w, "resizing a volume"), &error),
              "Hangar could not grow %s: %s", path, error ? error->message : "");
  g_clear_object (&w.result);
  g_clear_pointer (&format, g_free);
  qemu_img_info (path, &format, &size);
  e2e_assert (g_strcmp0 (format, "qcow2") == 0 && size == (gint64)(100 * MiB),
              "after growing to 100 MiB qemu-img says %s is %s of %" G_GINT64_FORMAT " bytes",
              path, format, size);
  e2e_assert (hangar_volume_get_capacity (volume) == 100 * MiB,
              "Hangar's volume says %" G_GUINT64_FORMAT " bytes after growing to 100 MiB",
              hangar_volume_get_capacity (volume));

  delete_volume (volume);
  e2e_assert (!g_file_test (path, G_FILE_TEST_EXISTS), "%s is still there after deleting it",
              path);
  e2e_assert (e2e_wait_for (volume_not_listed, &listed, MODEL_TIMEOUT),
              "Hangar still lists disk.qcow2 in %s after deleting it", name);

  wipe_and_delete (pool, dir);

  stop_pool (pool);
  delete_pool (pool, TRUE);
  e2e_assert (!g_file_test (dir, G_FILE_TEST_EXISTS),
              "pool %s's directory %s is still there after deleting the pool with its storage",
              name, dir);
}

/* ---- dir: raw "allocate now" with progress, and its Cancel ----------------------------- */

/* A dir pool on an ext2 file system of its own, mounted -o sync (see the top). */
typedef struct {
  char       *file;
  char       *device;
  char       *mount;
  HangarPool *pool;
} AllocPool;

static void
alloc_pool_open (AllocPool  *ap,
                 const char *name)
{
  const char *mkfs[] = { "mkfs.ext2", "-q", "-F", "-b", "4096", NULL, NULL };
  g_autoptr(HangarPoolSpec) spec = NULL;

  ap->file = g_strdup_printf ("%s/%s.ext2", tmp_root, name);
  ap->mount = g_strdup_printf ("%s/%s", tmp_root, name);
  e2e_storage_make_file (ap->file, ALLOC_SIZE + 12 * MiB);
  mkfs[5] = ap->file;
  g_free (e2e_storage_run (mkfs));
  ap->device = e2e_storage_loop_attach (ap->file);
  e2e_assert (g_mkdir (ap->mount, 0755) == 0, "Cannot make %s: %s", ap->mount, g_strerror (errno));
  e2e_storage_mount (ap->device, ap->mount, "sync");

  spec = pool_spec (name, HANGAR_POOL_TYPE_DIR, ap->mount);
  ap->pool = create_pool (spec);
}

static void
alloc_pool_close (AllocPool *ap)
{
  delete_pool (ap->pool, FALSE);
  g_clear_object (&ap->pool);
  e2e_storage_umount (ap->mount);
  e2e_storage_loop_detach (ap->device);
  g_clear_pointer (&ap->device, g_free);
  g_clear_pointer (&ap->mount, g_free);
  g_clear_pointer (&ap->file, g_free);
}

typedef struct {
  GArray     *fractions;    /* every fraction the job reported, in order */
  gboolean    cancel;       /* cancel once libvirt is writing the file */
  const char *path;
  HangarJob  *job;
  Wait       *wait;         /* the operation's end */
  gint64      allocated_at_cancel;
} Progress;

static void
on_fraction_cb (HangarJob  *job,
                GParamSpec *pspec,
                gpointer    data)
{
  Progress *p = data;
  double fraction = hangar_job_get_fraction (job);

  g_array_append_val (p->fractions, fraction);
}

/* The operation ended; before that, with p->cancel, Cancel is pressed as soon as the
 * file system shows libvirt writing the volume: the half-made state Cancel must undo.
 * (Judged by the file, not by the job's first report: once in a dozen runs here the
 * job's first allocation poll was answered by libvirtd only when the allocation ended,
 * and a Cancel then would come after the fact.) */
static gboolean
ended_cancelling_midway (gpointer data)
{
  Progress *p = data;
  gint64 allocated;

  if (p->wait->result != NULL)
    return TRUE;
  if (p->cancel && !hangar_job_is_cancelled (p->job) &&
      (allocated = file_allocation (p->path)) > 0)
    {
      p->allocated_at_cancel = allocated;
      hangar_job_cancel (p->job);
    }
  return FALSE;
}

static char *
fractions_text (GArray *fractions)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < fractions->len; i++)
    g_string_append_printf (text, "%s%.3f", i ? " " : "", g_array_index (fractions, double, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* One raw "allocate now" volume of ALLOC_SIZE, @name in a new pool on ext2, with a job
 * (cancelled while libvirt writes it if @cancel). */
typedef struct {
  AllocPool     ap;
  char         *path;
  HangarJob    *job;
  Progress      progress;
  HangarVolume *volume;        /* what the operation made, or NULL */
  GError       *error;         /* or why it made nothing */
  char         *seen;          /* the fractions reported, for messages */
} Allocation;

static void
allocate (Allocation *a,
          const char *pool,
          const char *name,
          gboolean    cancel)
{
  g_autoptr(HangarVolumeSpec) spec = volume_spec (name, HANGAR_VOLUME_FORMAT_RAW, ALLOC_SIZE,
                                                  ALLOC_SIZE);
  g_autofree char *title = g_strdup_printf ("Allocating %s", name);
  Wait w = { 0 };
  gint64 started;

  alloc_pool_open (&a->ap, pool);
  a->path = g_build_filename (a->ap.mount, name, NULL);
  a->job = hangar_job_new (title);
  a->progress = (Progress){ g_array_new (FALSE, FALSE, sizeof (double)), cancel, a->path,
                            a->job, &w, -1 };
  g_signal_connect (a->job, "notify::fraction", G_CALLBACK (on_fraction_cb), &a->progress);
  started = g_get_monotonic_time ();
  hangar_pool_create_volume_async (a->ap.pool, spec, a->job, NULL, on_done_cb, &w);
  e2e_assert (e2e_wait_for (ended_cancelling_midway, &a->progress, OP_TIMEOUT),
              "allocating %s did not finish within %d s", a->path, OP_TIMEOUT / 1000);
  a->volume = hangar_pool_create_volume_finish (a->ap.pool, w.result, &a->error);
  g_clear_object (&w.result);
  g_signal_handlers_disconnect_by_data (a->job, &a->progress);
  a->progress.wait = NULL;
  a->seen = fractions_text (a->progress.fractions);
  g_test_message ("allocating %s%s ended after %" G_GINT64_FORMAT " ms; the job reported %s",
                  a->path, cancel ? " (cancelled)" : "",
                  (g_get_monotonic_time () - started) / 1000, a->seen);
}

static void
allocation_clear (Allocation *a)
{
  alloc_pool_close (&a->ap);
  g_clear_pointer (&a->path, g_free);
  g_clear_object (&a->job);
  g_clear_pointer (&a->progress.fractions, g_array_unref);
  g_clear_object (&a->volume);
  g_clear_error (&a->error);
  g_clear_pointer (&a->seen, g_free);
}

static void
test_dir_allocate_progress (void)
{
  g_autofree char *name = pool_name ("alloc");
  GArray *fractions;
  Allocation a = { 0 };
  gboolean between = FALSE;

  allocate (&a, name, "full.img", FALSE);
  e2e_assert (a.volume != NULL, "Hangar could not allocate %s: %s", a.path,
              a.error ? a.error->message : "(no error)");
  fractions = a.progress.fractions;

  /* The progress went up, never back (a pulse, -1, between), and ended at 1. Whether it
   * was seen part of the way is up to libvirtd: it answers a volume's info only between
   * stretches of the allocation, and often holds the first poll until the end (measured
   * with libvirt alone: 8 of 8 allocations held a poll 0.9–1.7 s). So that is logged,
   * not required. */
  for (guint i = 0; i < fractions->len; i++)
    {
      double f = g_array_index (fractions, double, i);

      e2e_assert (i == 0 || f < 0 || f >= g_array_index (fractions, double, i - 1) ||
                  g_array_index (fractions, double, i - 1) < 0,
                  "the allocation's progress went back: %s", a.seen);
      between |= f > 0.0 && f < 1.0;
    }
  g_test_message ("progress part of the way: %s", between ? "seen" : "not answered by libvirtd");
  e2e_assert (fractions->len > 0 && g_array_index (fractions, double, fractions->len - 1) == 1.0,
              "the allocation's progress did not end at 1: %s", a.seen);
  /* Allocated now: the whole size is on the disk. */
  e2e_assert (file_allocation (a.path) >= (gint64)ALLOC_SIZE,
              "%s takes %" G_GINT64_FORMAT " bytes on its disk, not the %" G_GUINT64_FORMAT
              " allocated", a.path, file_allocation (a.path), ALLOC_SIZE);

  delete_volume (a.volume);
  e2e_assert (!g_file_test (a.path, G_FILE_TEST_EXISTS), "%s is still there after deleting it",
              a.path);
  allocation_clear (&a);
}

static void
test_dir_allocate_cancel (void)
{
  g_autofree char *name = pool_name ("cancel");
  Allocation a = { 0 };
  VolumeWait listed;
  virStoragePoolPtr vpool;
  virStorageVolPtr vvol;

  allocate (&a, name, "half.img", TRUE);
  g_test_message ("%" G_GINT64_FORMAT " bytes of %s were on the disk at Cancel",
                  a.progress.allocated_at_cancel, a.path);
  /* Cancelled while libvirt was still making it, not after the fact. libvirt's
   * allocation cannot be interrupted: the core waits for it, then deletes the volume. */
  e2e_assert (hangar_job_is_cancelled (a.job) && a.progress.allocated_at_cancel > 0,
              "the allocation of %s ended before libvirt was seen writing it", a.path);
  e2e_assert (a.volume == NULL && g_error_matches (a.error, G_IO_ERROR, G_IO_ERROR_CANCELLED),
              "the cancelled allocation did not end CANCELLED (%s)",
              a.volume != NULL ? "it made the volume" : a.error->message);
  e2e_assert (!g_file_test (a.path, G_FILE_TEST_EXISTS), "the half-made %s is still there",
              a.path);
  vpool = virStoragePoolLookupByName (virt, name);
  e2e_assert (vpool != NULL, "libvirt lost pool %s", name);
  virStoragePoolRefresh (vpool, 0);
  vvol = virStorageVolLookupByName (vpool, "half.img");
  virStoragePoolFree (vpool);
  e2e_assert (vvol == NULL, "libvirt still has the cancelled volume half.img");
  listed = (VolumeWait){ a.ap.pool, "half.img" };
  e2e_assert (!volume_listed (&listed), "Hangar's pool %s holds the cancelled volume half.img",
              name);
  assert_volume_names (a.ap.pool, "lost+found", NULL);
  allocation_clear (&a);
}

/* ---- fs: ext4 on a loop device ---------------------------------------------------------- */

static void
test_fs (void)
{
  g_autofree char *name = pool_name ("fs");
  g_autofree char *file = g_build_filename (tmp_root, "fs.ext4", NULL);
  g_autofree char *mount = g_build_filename (tmp_root, "fs-pool", NULL);
  g_autofree char *outside = g_build_filename (mount, "outside.img", NULL);
  g_autofree char *device = NULL;
  g_autofree char *quoted = g_shell_quote (mount);
  g_autofree char *umount = g_strdup_printf ("umount %s", quoted);
  const char *mkfs[] = { "mkfs.ext4", "-q", "-F", file, NULL };
  g_autoptr(HangarPoolSpec) spec = NULL;
  g_autoptr(HangarPool) pool = NULL;

  e2e_storage_make_file (file, 64 * MiB);
  g_free (e2e_storage_run (mkfs));
  device = e2e_storage_loop_attach (file);
  e2e_assert (g_mkdir (mount, 0755) == 0, "Cannot make %s: %s", mount, g_strerror (errno));
  /* libvirt mounts it while the pool runs. */
  e2e_storage_undo (mount, umount);

  spec = pool_spec (name, HANGAR_POOL_TYPE_FS, mount);
  spec->source_device = g_strdup (device);
  spec->source_format = g_strdup ("ext4");
  pool = create_pool (spec);
  e2e_assert (e2e_storage_is_mounted (mount), "pool %s runs but %s is not mounted", name, mount);

  stop_pool (pool);
  e2e_assert (!e2e_storage_is_mounted (mount), "pool %s stopped but %s is still mounted", name,
              mount);
  start_pool (pool);
  e2e_assert (e2e_storage_is_mounted (mount), "pool %s started again but %s is not mounted",
              name, mount);

  /* mkfs made lost+found; a file written beside libvirt shows after a refresh. */
  e2e_assert (g_file_set_contents (outside, "x", 1, NULL), "Cannot write %s", outside);
  refresh_pool (pool);
  assert_volume_names (pool, "lost+found,outside.img", NULL);

  stop_pool (pool);
  delete_pool (pool, FALSE);
  e2e_assert (!e2e_storage_is_mounted (mount), "%s is still mounted after deleting pool %s",
              mount, name);
  e2e_storage_undo_done (mount);
  e2e_storage_loop_detach (device);
}

/* ---- logical: a volume group libvirt builds on a loop device ------------------------------ */

static gboolean
volume_group_exists (const char *vg)
{
  const char *argv[] = { "vgs", "--noheadings", "-o", "vg_name", vg, NULL };

  return e2e_storage_try (argv, NULL, NULL);
}

static void
test_logical (void)
{
  g_autofree char *name = pool_name ("logical");
  g_autofree char *vg = g_strdup_printf ("hangar_e2e_%d", (int)getpid ());
  g_autofree char *file = g_build_filename (tmp_root, "logical.img", NULL);
  g_autofree char *device = NULL;
  g_autofree char *undo = NULL;
  g_autoptr(HangarPoolSpec) spec = NULL;
  g_autoptr(HangarPool) pool = NULL;

  e2e_storage_make_file (file, 64 * MiB);
  device = e2e_storage_loop_attach (file);
  undo = g_strdup_printf ("vgremove -f %s; pvremove -ff -y %s", vg, device);
  e2e_storage_undo (vg, undo);

  spec = pool_spec (name, HANGAR_POOL_TYPE_LOGICAL, NULL);
  spec->source_device = g_strdup (device);
  spec->source_name = g_strdup (vg);
  /* libvirt's build makes the physical volume and the group. */
  spec->build = TRUE;
  pool = create_pool (spec);
  e2e_assert (volume_group_exists (vg), "pool %s runs but LVM has no volume group %s", name, vg);
  /* No logical volume can exist here (no device-mapper): an empty list. */
  assert_volume_names (pool, "", NULL);

  stop_pool (pool);
  start_pool (pool);
  stop_pool (pool);
  delete_pool (pool, TRUE);
  e2e_assert (!volume_group_exists (vg),
              "volume group %s is still there after deleting pool %s with its storage", vg, name);
  e2e_storage_undo_done (vg);
  e2e_storage_loop_detach (device);
}

/* ---- disk: a GPT label on a loop device ----------------------------------------------- */

static gboolean
path_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* How many partitions parted reads in the label of @device. */
static guint
partition_count (const char *device)
{
  const char *argv[] = { "parted", "-s", "-m", device, "unit", "B", "print", NULL };
  g_autofree char *out = e2e_storage_run (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = 0;

  /* "BYT;", the disk's line, then one "NUMBER:START:END:…" line a partition. */
  for (guint i = 2; i < g_strv_length (lines); i++)
    n += g_ascii_isdigit (lines[i][0]);
  return n;
}

static void
test_disk (void)
{
  g_autofree char *name = pool_name ("disk");
  g_autofree char *file = g_build_filename (tmp_root, "disk.img", NULL);
  g_autofree char *device = NULL;
  g_autofree char *partition = NULL;
  g_autofree char *second = NULL;
  g_autoptr(HangarPoolSpec) spec = NULL;
  g_autoptr(HangarVolumeSpec) vspec = NULL;
  g_autoptr(HangarPool) pool = NULL;
  g_autoptr(HangarVolume) volume = NULL;

  e2e_storage_make_file (file, 64 * MiB);
  device = e2e_storage_loop_attach (file);
  {
    const char *label[] = { "parted", "-s", device, "mklabel", "gpt", NULL };

    g_free (e2e_storage_run (label));
  }

  spec = pool_spec (name, HANGAR_POOL_TYPE_DISK, "/dev");
  spec->source_device = g_strdup (device);
  spec->source_format = g_strdup ("gpt");
  pool = create_pool (spec);
  assert_volume_names (pool, "", NULL);

  /* A partition made beside libvirt is the pool's volume after a refresh. */
  {
    const char *part[] = { "parted", "-s", device, "mkpart", "hangar", "1MiB", "17MiB", NULL };

    g_free (e2e_storage_run (part));
  }
  partition = g_strconcat (device, "p1", NULL);
  e2e_assert (e2e_wait_for (path_exists, partition, MODEL_TIMEOUT),
              "parted made a partition but %s did not appear", partition);
  refresh_pool (pool);
  assert_volume_names (pool, partition + strlen ("/dev/"), &volume);
  e2e_assert (g_strcmp0 (hangar_volume_get_path (volume), partition) == 0 &&
              hangar_volume_get_capacity (volume) == 16 * MiB,
              "Hangar says the partition is %s of %" G_GUINT64_FORMAT " bytes, not %s of 16 MiB",
              hangar_volume_get_path (volume), hangar_volume_get_capacity (volume), partition);
  g_clear_object (&volume);

  /* A partition made through Hangar, under the next name libvirt takes: parted reads
   * the label itself. It goes again beside libvirt: libvirt 9.0 cannot delete a
   * partition of a device whose name ends in a digit (loop0, nvme0n1) — it runs
   * "parted /dev/loop0 rm p2" (the same with virsh vol-delete) — so Hangar's Delete
   * fails here with libvirt's words and the volume's name. */
  second = g_strconcat (device, "p2", NULL);
  vspec = volume_spec (second + strlen ("/dev/"), HANGAR_VOLUME_FORMAT_RAW, 8 * MiB, 0);
  volume = create_volume (pool, vspec);
  e2e_assert (g_strcmp0 (hangar_volume_get_path (volume), second) == 0,
              "Hangar says the new partition is %s, not %s", hangar_volume_get_path (volume),
              second);
  e2e_assert (partition_count (device) == 2, "parted reads %u partitions on %s, not 2",
              partition_count (device), device);
  g_clear_object (&volume);
  {
    const char *rm[] = { "parted", "-s", device, "rm", "2", NULL };

    g_free (e2e_storage_run (rm));
  }

  stop_pool (pool);
  start_pool (pool);
  stop_pool (pool);
  delete_pool (pool, FALSE);
  e2e_storage_loop_detach (device);
}

/* ---- Deleting a guest with the volumes the user chose ----------------------------------- */

/* The guest's definition (test data, not Hangar's): two disks on @a and @b, a CD-ROM
 * with @iso; never started. */
static char *
guest_xml (const char *name,
           const char *a,
           const char *b,
           const char *iso)
{
  return g_markup_printf_escaped (
    "<domain type='qemu'>\n"
    "  <name>%s</name>\n"
    "  <memory unit='MiB'>64</memory>\n"
    "  <os><type arch='x86_64'>hvm</type></os>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='qcow2'/>\n"
    "      <source file='%s'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "    </disk>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='qcow2'/>\n"
    "      <source file='%s'/>\n"
    "      <target dev='vdb' bus='virtio'/>\n"
    "    </disk>\n"
    "    <disk type='file' device='cdrom'>\n"
    "      <driver name='qemu' type='raw'/>\n"
    "      <source file='%s'/>\n"
    "      <target dev='hdc' bus='ide'/>\n"
    "      <readonly/>\n"
    "    </disk>\n"
    "  </devices>\n"
    "</domain>\n", name, a, b, iso);
}

/* The names in @dir, sorted, comma-separated. */
static char *
dir_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;

  e2e_assert (d != NULL, "Cannot read %s", dir);
  while ((entry = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (entry));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **)names->pdata);
}

static gboolean
guest_listed (gpointer name)
{
  return hangar_connection_find_guest (connection, name) != NULL;
}

static gboolean
guest_not_listed (gpointer name)
{
  return !guest_listed (name);
}

static void
assert_disk (GPtrArray           *disks,
             guint                i,
             const char          *target,
             HangarGuestDiskKind  kind,
             const char          *path,
             const char          *pool,
             const char          *volume,
             gboolean             delete_by_default)
{
  HangarGuestDisk *d = g_ptr_array_index (disks, i);

  e2e_assert (g_strcmp0 (d->target, target) == 0 && d->kind == kind &&
              g_strcmp0 (d->path, path) == 0 && g_strcmp0 (d->pool, pool) == 0 &&
              g_strcmp0 (d->volume, volume) == 0 && d->delete_by_default == delete_by_default &&
              g_strv_length (d->other_users) == 0,
              "Hangar lists disk %u as %s (kind %d) %s, volume %s of %s, %s by default; not %s "
              "(kind %d) %s, volume %s of %s, %s", i, d->target, d->kind, d->path, d->volume,
              d->pool, d->delete_by_default ? "deleted" : "kept", target, kind, path, volume,
              pool, delete_by_default ? "deleted" : "kept");
}

static void
test_guest_delete_with_storage (void)
{
  g_autofree char *name = pool_name ("guest");
  g_autofree char *guest_name = g_strdup_printf ("hangar-e2e-storage-%d", (int)getpid ());
  g_autofree char *dir = g_build_filename (tmp_root, "guest-pool", NULL);
  g_autofree char *iso = g_build_filename (dir, "media.iso", NULL);
  g_autoptr(HangarPoolSpec) spec = pool_spec (name, HANGAR_POOL_TYPE_DIR, dir);
  g_autoptr(HangarVolumeSpec) aspec = volume_spec ("a.qcow2", HANGAR_VOLUME_FORMAT_QCOW2,
                                                   16 * MiB, 0);
  g_autoptr(HangarVolumeSpec) bspec = volume_spec ("b.qcow2", HANGAR_VOLUME_FORMAT_QCOW2,
                                                   16 * MiB, 0);
  g_autoptr(HangarPool) pool = NULL;
  g_autoptr(HangarVolume) a = NULL;
  g_autoptr(HangarVolume) b = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  HangarGuest *guest;
  virDomainPtr domain;
  Wait w = { 0 };

  spec->build = TRUE;
  pool = create_pool (spec);
  a = create_volume (pool, aspec);
  b = create_volume (pool, bspec);
  /* The CD-ROM's medium, made beside libvirt, a volume of the pool after a refresh. */
  e2e_storage_make_file (iso, 1 * MiB);
  refresh_pool (pool);

  xml = guest_xml (guest_name, hangar_volume_get_path (a), hangar_volume_get_path (b), iso);
  e2e_cleanup_domain (guest_name);
  domain = virDomainDefineXML (virt, xml);
  e2e_assert (domain != NULL, "libvirt refuses the test guest %s: %s", guest_name,
              e2e_virt_error ());
  virDomainFree (domain);
  e2e_assert (e2e_wait_for (guest_listed, guest_name, MODEL_TIMEOUT),
              "Hangar does not list the defined guest %s", guest_name);
  guest = hangar_connection_find_guest (connection, guest_name);

  /* What the delete dialog shows: both disks checked, the CD-ROM not. */
  hangar_guest_list_disks_async (guest, NULL, on_done_cb, &w);
  disks = hangar_guest_list_disks_finish (guest, await (&w, "listing a guest's disks"), &error);
  g_clear_object (&w.result);
  e2e_assert (disks != NULL && disks->len == 3, "Hangar lists %u disks of %s, not 3: %s",
              disks != NULL ? disks->len : 0, guest_name, error ? error->message : "");
  assert_disk (disks, 0, "vda", HANGAR_GUEST_DISK_KIND_DISK, hangar_volume_get_path (a), name,
               "a.qcow2", TRUE);
  assert_disk (disks, 1, "vdb", HANGAR_GUEST_DISK_KIND_DISK, hangar_volume_get_path (b), name,
               "b.qcow2", TRUE);
  assert_disk (disks, 2, "hdc", HANGAR_GUEST_DISK_KIND_CDROM, iso, name, "media.iso", FALSE);

  /* The user unchecks vda: only b.qcow2 goes. */
  before = dir_entries (dir);
  e2e_assert (g_str_equal (before, "a.qcow2,b.qcow2,media.iso"), "the pool holds %s", before);
  {
    const char *paths[] = { hangar_volume_get_path (b), NULL };

    hangar_guest_delete_with_storage_async (guest, paths, NULL, on_done_cb, &w);
    e2e_assert (hangar_guest_delete_with_storage_finish (guest, await (&w, "deleting a guest"),
                                                         &error),
                "Hangar could not delete %s with b.qcow2: %s", guest_name, error->message);
    g_clear_object (&w.result);
  }
  domain = virDomainLookupByName (virt, guest_name);
  e2e_assert (domain == NULL, "libvirt still has guest %s after Hangar deleted it", guest_name);
  e2e_cleanup_domain_done (guest_name);
  e2e_assert (e2e_wait_for (guest_not_listed, guest_name, MODEL_TIMEOUT),
              "Hangar still lists guest %s after deleting it", guest_name);
  after = dir_entries (dir);
  e2e_assert (g_str_equal (after, "a.qcow2,media.iso"),
              "deleting the guest with b.qcow2 left %s of %s (3 files before)", after, dir);

  delete_pool (pool, FALSE);
}

/* ---- netfs and iscsi: up to what libvirt accepts --------------------------------------- */

/* Hangar's definition is taken, the start fails (nothing serves the source here), and
 * Hangar undoes the definition, naming the pool. */
static void
assert_defined_then_undone (const HangarPoolSpec *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarPool) pool = NULL;
  Wait w = { 0 };

  e2e_storage_undo_pool (spec->name);
  e2e_assert (hangar_connection_check_pool_spec (connection, spec, &error),
              "Hangar refuses the pool %s before making it: %s", spec->name, error->message);
  hangar_connection_create_pool_async (connection, spec, NULL, NULL, on_done_cb, &w);
  pool = hangar_connection_create_pool_finish (connection, await (&w, "creating a pool"), &error);
  g_clear_object (&w.result);
  e2e_assert (pool == NULL, "pool %s started, with nothing serving its source", spec->name);
  g_test_message ("Hangar says: %s", error->message);
  e2e_assert (strstr (error->message, spec->name) != NULL,
              "the failure to start pool %s does not name it: %s", spec->name, error->message);
  assert_event (spec->name, "defined");
  assert_event (spec->name, "undefined");
  e2e_assert (!virt_pool_exists (spec->name, NULL),
              "libvirt still has pool %s after Hangar's failed create", spec->name);
  e2e_assert (e2e_wait_for (pool_not_listed, &(PoolWait){ connection, spec->name },
                            MODEL_TIMEOUT),
              "Hangar lists pool %s after failing to create it", spec->name);
  e2e_storage_undo_pool_done (spec->name);
}

static void
test_netfs (void)
{
  g_autofree char *name = pool_name ("netfs");
  g_autofree char *mount = g_build_filename (tmp_root, "netfs-pool", NULL);
  g_autoptr(HangarPoolSpec) spec = pool_spec (name, HANGAR_POOL_TYPE_NETFS, mount);

  e2e_assert (g_mkdir (mount, 0755) == 0, "Cannot make %s: %s", mount, g_strerror (errno));
  spec->source_host = g_strdup ("127.0.0.1");
  spec->source_path = g_strdup ("/srv/hangar-e2e-export");
  spec->source_format = g_strdup ("nfs");
  assert_defined_then_undone (spec);
  e2e_assert (!e2e_storage_is_mounted (mount), "%s is mounted after the failed pool", mount);
}

static void
test_iscsi (void)
{
  g_autofree char *name = pool_name ("iscsi");
  g_autoptr(HangarPoolSpec) spec = pool_spec (name, HANGAR_POOL_TYPE_ISCSI,
                                              "/dev/disk/by-path");

  spec->source_host = g_strdup ("127.0.0.1");
  spec->source_device = g_strdup ("iqn.2026-12.io.github.hangarvm:e2e-storage");
  assert_defined_then_undone (spec);
}

/* ---- main ------------------------------------------------------------------------------ */

static void
on_open_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;

  if (!hangar_connection_open_finish (HANGAR_CONNECTION (source), result, &error))
    g_test_message ("opening %s: %s", uri, error->message);
}

static gboolean
connected (gpointer conn)
{
  return hangar_connection_get_state (conn) == HANGAR_CONNECTION_STATE_CONNECTED;
}

/* libvirt-glib's event loop reports each watch at debug level: not this test's story. */
static void
drop_debug (const char    *log_domain,
            GLogLevelFlags level,
            const char    *message,
            gpointer       data)
{
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *quoted = NULL;
  g_autofree char *remove = NULL;
  int callback;
  int ret;

  setlocale (LC_ALL, "");
  e2e_test_init (&argc, &argv);
  e2e_storage_init ();
  g_log_set_handler (NULL, G_LOG_LEVEL_DEBUG, drop_debug, NULL);
  uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  e2e_assert (uri != NULL, "HANGAR_TEST_LIBVIRT_URI is not set (build-aux/test sets it)");
  e2e_assert (getuid () == 0, "the storage tests make loop devices and mounts: run as root");

  tmp_root = g_strdup_printf ("/var/tmp/hangar-e2e-storage-%d", (int)getpid ());
  quoted = g_shell_quote (tmp_root);
  remove = g_strdup_printf ("rm -rf %s", quoted);
  e2e_storage_undo (tmp_root, remove);
  e2e_assert (g_mkdir (tmp_root, 0755) == 0, "Cannot make %s: %s", tmp_root, g_strerror (errno));

  hangar_core_init ();
  virt = virConnectOpen (uri);
  e2e_assert (virt != NULL, "Cannot open %s: %s", uri, e2e_virt_error ());
  pool_events = g_string_new (NULL);
  callback = virConnectStoragePoolEventRegisterAny (
    virt, NULL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
    VIR_STORAGE_POOL_EVENT_CALLBACK (on_pool_lifecycle_cb), NULL, NULL);
  e2e_assert (callback >= 0, "Cannot watch %s's pools: %s", uri, e2e_virt_error ());

  connection = hangar_connection_new (uri);
  hangar_connection_open_async (connection, NULL, on_open_cb, NULL);
  e2e_assert (e2e_wait_for (connected, connection, CONNECT_TIMEOUT),
              "Hangar could not connect to %s: %s", uri,
              hangar_connection_get_error_message (connection));

  g_test_add_func ("/e2e/storage/dir/qcow2", test_dir_qcow2);
  g_test_add_func ("/e2e/storage/dir/allocate-progress", test_dir_allocate_progress);
  g_test_add_func ("/e2e/storage/dir/allocate-cancel", test_dir_allocate_cancel);
  g_test_add_func ("/e2e/storage/fs", test_fs);
  g_test_add_func ("/e2e/storage/logical", test_logical);
  g_test_add_func ("/e2e/storage/disk", test_disk);
  g_test_add_func ("/e2e/storage/netfs", test_netfs);
  g_test_add_func ("/e2e/storage/iscsi", test_iscsi);
  g_test_add_func ("/e2e/storage/guest-delete-with-storage", test_guest_delete_with_storage);
  ret = g_test_run ();

  hangar_connection_close (connection);
  g_clear_object (&connection);
  virConnectStoragePoolEventDeregisterAny (virt, callback);
  virConnectClose (virt);
  /* After a failure the undo process removes it, with whatever else is left. */
  if (ret == 0)
    {
      const char *rm[] = { "rm", "-rf", "--", tmp_root, NULL };

      g_free (e2e_storage_run (rm));
      e2e_storage_undo_done (tmp_root);
    }
  return ret;
}
