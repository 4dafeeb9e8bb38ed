// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-storage"

/* The storage model on libvirt's test driver: the field checks, pools and volumes as
 * listed, each operation, and the model following changes made through a second,
 * plain libvirt connection (its events arrive on the main loop). */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-pool.h"
#include "hangar-storage-private.h"
#include "hangar-volume.h"
#include "test-core-util.h"

#define GiB (G_GUINT64_CONSTANT (1) << 30)
#define MiB (G_GUINT64_CONSTANT (1) << 20)

/* Helpers. */

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

/* Waits for an operation started with test_on_result_cb and &result. */
static GAsyncResult *
wait_result (GAsyncResult **result)
{
  if (!test_wait_for (test_has_result, result, 10000))
    g_error ("The operation did not finish within 10 s");
  return *result;
}

static gboolean
volumes_loaded (gpointer data)
{
  return hangar_pool_get_volumes_loaded (data);
}

static GListModel *
load_volumes (HangarPool *pool)
{
  GListModel *volumes = hangar_pool_get_volumes (pool);

  g_assert_true (test_wait_for (volumes_loaded, pool, 5000));
  return volumes;
}

/* Field checks and sizes. */

static void
test_pool_types (void)
{
  g_assert_cmpstr (hangar_pool_type_to_string (HANGAR_POOL_TYPE_DIR), ==, "dir");
  g_assert_cmpstr (hangar_pool_type_to_string (HANGAR_POOL_TYPE_ISCSI), ==, "iscsi");
  g_assert_cmpint (hangar_pool_type_from_string ("netfs"), ==, HANGAR_POOL_TYPE_NETFS);
  g_assert_cmpint (hangar_pool_type_from_string ("rbd"), ==, HANGAR_POOL_TYPE_OTHER);
  g_assert_cmpint (hangar_pool_type_from_string (NULL), ==, HANGAR_POOL_TYPE_OTHER);
  g_assert_cmpstr (hangar_pool_type_to_label (HANGAR_POOL_TYPE_LOGICAL), ==, "LVM Volume Group");

  g_assert_cmpint (hangar_pool_type_get_fields (HANGAR_POOL_TYPE_DIR), ==,
                   HANGAR_POOL_FIELD_TARGET_PATH);
  g_assert_cmpint (hangar_pool_type_get_fields (HANGAR_POOL_TYPE_NETFS), ==,
                   HANGAR_POOL_FIELD_TARGET_PATH | HANGAR_POOL_FIELD_SOURCE_HOST |
                   HANGAR_POOL_FIELD_SOURCE_PATH | HANGAR_POOL_FIELD_SOURCE_FORMAT);
  g_assert_cmpint (hangar_pool_type_get_fields (HANGAR_POOL_TYPE_ISCSI) & HANGAR_POOL_FIELD_INITIATOR,
                   !=, 0);
  g_assert_cmpint (hangar_pool_type_get_fields (HANGAR_POOL_TYPE_LOGICAL) &
                   HANGAR_POOL_FIELD_TARGET_PATH, ==, 0);

  g_assert_true (hangar_pool_type_needs_build (HANGAR_POOL_TYPE_DIR));
  g_assert_false (hangar_pool_type_needs_build (HANGAR_POOL_TYPE_FS));
  g_assert_false (hangar_pool_type_needs_build (HANGAR_POOL_TYPE_DISK));

  g_assert_cmpstr (hangar_pool_type_get_formats (HANGAR_POOL_TYPE_FS)[0], ==, "auto");
  g_assert_cmpstr (hangar_pool_type_get_formats (HANGAR_POOL_TYPE_NETFS)[1], ==, "nfs");
  g_assert_cmpstr (hangar_pool_type_get_formats (HANGAR_POOL_TYPE_DISK)[0], ==, "dos");
  g_assert_null (hangar_pool_type_get_formats (HANGAR_POOL_TYPE_DIR)[0]);

  g_assert_cmpstr (hangar_volume_format_to_string (HANGAR_VOLUME_FORMAT_RAW), ==, "raw");
  g_assert_cmpstr (hangar_volume_format_suffix (HANGAR_VOLUME_FORMAT_QCOW2), ==, ".qcow2");
  g_assert_cmpstr (hangar_volume_format_suffix (HANGAR_VOLUME_FORMAT_RAW), ==, ".img");
}

static void
test_specs_copy (void)
{
  g_autoptr(HangarPoolSpec) pool = hangar_pool_spec_new ();
  g_autoptr(HangarPoolSpec) pool_copy = NULL;
  g_autoptr(HangarVolumeSpec) volume = hangar_volume_spec_new ();
  g_autoptr(HangarVolumeSpec) volume_copy = NULL;

  pool->name = g_strdup ("p");
  pool->type = HANGAR_POOL_TYPE_ISCSI;
  pool->initiator = g_strdup ("iqn.2026-01.org.example:init");
  pool->autostart = TRUE;
  pool_copy = g_boxed_copy (hangar_pool_spec_get_type (), pool);
  g_assert_true (pool_copy->name != pool->name);
  g_assert_cmpstr (pool_copy->name, ==, "p");
  g_assert_cmpstr (pool_copy->initiator, ==, "iqn.2026-01.org.example:init");
  g_assert_cmpint (pool_copy->type, ==, HANGAR_POOL_TYPE_ISCSI);
  g_assert_true (pool_copy->autostart);
  g_assert_null (pool_copy->target_path);

  volume->name = g_strdup ("v.qcow2");
  volume->capacity = 5 * GiB;
  volume->backing_path = g_strdup ("/images/base.qcow2");
  volume_copy = g_boxed_copy (hangar_volume_spec_get_type (), volume);
  g_assert_cmpstr (volume_copy->name, ==, "v.qcow2");
  g_assert_cmpstr (volume_copy->backing_path, ==, "/images/base.qcow2");
  g_assert_cmpuint (volume_copy->capacity, ==, 5 * GiB);
}

static void
assert_name_refused (const char *name,
                     const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hangar_storage_check_name (name, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_NAME);
  if (strstr (error->message, message) == NULL)
    g_error ("“%s”: expected “%s” in “%s”", name, message, error->message);
}

static void
test_check_name (void)
{
  g_autofree char *long_name = g_strnfill (256, 'a');
  g_autofree char *longest = g_strnfill (255, 'a');

  g_assert_true (hangar_storage_check_name ("disk-1_a.b+c.qcow2", NULL));
  g_assert_true (hangar_storage_check_name ("Jörg", NULL));
  g_assert_true (hangar_storage_check_name (longest, NULL));

  assert_name_refused (NULL, "Enter a name");
  assert_name_refused ("", "Enter a name");
  assert_name_refused (long_name, "too long");
  assert_name_refused ("..", "cannot be");
  assert_name_refused ("a/b", "cannot contain “/”");
  assert_name_refused ("my disk", "cannot contain space");
  /* Each character once, in the order typed. */
  assert_name_refused ("a/b/c$d e", "cannot contain “/”, “$”, space.");
  assert_name_refused ("tab\there", "invisible character U+0009");
}

static void
assert_size (const char *text,
             guint64     unit,
             guint64     expected)
{
  g_autoptr(GError) error = NULL;
  guint64 bytes = 0;

  if (!hangar_storage_parse_size (text, unit, &bytes, &error))
    g_error ("“%s”: %s", text, error->message);
  g_assert_cmpuint (bytes, ==, expected);
}

static void
assert_size_refused (const char *text,
                     const char *message)
{
  g_autoptr(GError) error = NULL;
  guint64 bytes = 7;

  g_assert_false (hangar_storage_parse_size (text, GiB, &bytes, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE);
  if (strstr (error->message, message) == NULL)
    g_error ("“%s”: expected “%s” in “%s”", text, message, error->message);
  g_assert_cmpuint (bytes, ==, 7);
}

static void
test_parse_size (void)
{
  g_autofree char *twenty = NULL;
  g_autofree char *half = NULL;

  assert_size ("20", GiB, 20 * GiB);
  assert_size ("20", MiB, 20 * MiB);
  assert_size ("20 GiB", MiB, 20 * GiB);
  assert_size ("1.5G", MiB, 1536 * MiB);
  assert_size ("512M", GiB, 512 * MiB);
  assert_size (" 512 mib ", GiB, 512 * MiB);
  assert_size ("2 TB", GiB, G_GUINT64_CONSTANT (2000000000000));
  assert_size ("2 T", GiB, G_GUINT64_CONSTANT (2) << 40);
  assert_size ("100 KB", GiB, 100000);
  assert_size ("4096 bytes", GiB, 4096);
  assert_size (".5 k", GiB, 512);

  assert_size_refused ("", "Enter a size");
  assert_size_refused ("   ", "Enter a size");
  assert_size_refused ("0", "more than zero");
  assert_size_refused ("0.0000001 b", "more than zero");
  assert_size_refused ("-5", "is not a size");
  assert_size_refused ("+5", "is not a size");
  assert_size_refused ("twenty", "“twenty” is not a size");
  assert_size_refused ("20 GiBs", "is not a size");
  assert_size_refused ("1.2.3", "is not a size");
  assert_size_refused ("0x10", "is not a size");
  assert_size_refused ("inf", "is not a size");
  assert_size_refused ("99999999 PiB", "too large");

  twenty = hangar_storage_format_size (20 * GiB);
  /* A no-break space keeps number and unit on one line in a label. */
  g_assert_cmpstr (twenty, ==, "20.0\u00a0GiB");
  half = hangar_storage_format_size (512 * MiB);
  g_assert_cmpstr (half, ==, "512.0\u00a0MiB");
}

static void
test_job (void)
{
  g_autoptr(HangarJob) job = hangar_job_new ("Allocating");
  guint notified = 0;

  g_signal_connect_swapped (job, "notify::fraction", G_CALLBACK (g_atomic_int_inc), &notified);
  g_assert_cmpstr (hangar_job_get_title (job), ==, "Allocating");
  g_assert_cmpfloat (hangar_job_get_fraction (job), ==, 0);
  hangar_job_set_fraction (job, 0.5);
  hangar_job_set_fraction (job, 0.5);
  g_assert_cmpuint (notified, ==, 1);
  hangar_job_set_fraction (job, -3);
  g_assert_cmpfloat (hangar_job_get_fraction (job), ==, -1);
  hangar_job_set_message (job, "Wiping x");
  g_assert_cmpstr (hangar_job_get_message (job), ==, "Wiping x");
  g_assert_false (hangar_job_is_cancelled (job));
  hangar_job_cancel (job);
  g_assert_true (hangar_job_is_cancelled (job));
  g_assert_true (g_cancellable_is_cancelled (hangar_job_get_cancellable (job)));
}

/* Listing. */

static void
test_list_default (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  GListModel *pools = hangar_connection_get_pools (connection);
  HangarPool *pool;
  GListModel *volumes;
  g_autoptr(HangarPoolSpec) spec = NULL;

  /* Listed before the connection says it is connected. */
  g_assert_cmpuint (g_list_model_get_n_items (pools), ==, 1);
  pool = hangar_connection_find_pool (connection, "default-pool");
  g_assert_nonnull (pool);
  g_assert_true (hangar_pool_get_connection (pool) == connection);
  g_assert_cmpint (hangar_pool_get_pool_type (pool), ==, HANGAR_POOL_TYPE_DIR);
  g_assert_cmpstr (hangar_pool_get_type_label (pool), ==, "Filesystem Directory");
  g_assert_cmpint (hangar_pool_get_state (pool), ==, HANGAR_POOL_STATE_RUNNING);
  g_assert_cmpstr (hangar_pool_get_state_label (pool), ==, "Active");
  g_assert_true (hangar_pool_get_active (pool));
  g_assert_true (hangar_pool_get_persistent (pool));
  g_assert_false (hangar_pool_get_autostart (pool));
  g_assert_cmpuint (hangar_pool_get_capacity (pool), ==, 100 * GiB);
  g_assert_cmpuint (hangar_pool_get_available (pool), ==, 100 * GiB);
  g_assert_cmpuint (hangar_pool_get_allocation (pool), ==, 0);
  g_assert_cmpfloat (hangar_pool_get_fraction_used (pool), ==, 0);
  g_assert_cmpstr (hangar_pool_get_target_path (pool), ==, "/default-pool");
  g_assert_cmpstr (hangar_pool_get_uuid (pool), ==, "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566");
  spec = hangar_pool_get_spec (pool);
  g_assert_cmpstr (spec->name, ==, "default-pool");
  g_assert_cmpstr (spec->target_path, ==, "/default-pool");
  g_assert_cmpint (spec->type, ==, HANGAR_POOL_TYPE_DIR);

  /* Volumes are read when first asked for. */
  g_assert_false (hangar_pool_get_volumes_loaded (pool));
  volumes = load_volumes (pool);
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 0);
  g_assert_null (hangar_pool_find_volume (pool, "nothing"));

  hangar_connection_close (connection);
  g_assert_cmpuint (g_list_model_get_n_items (pools), ==, 0);
  test_assert_finalized (connection);
}

static void
test_list_file (void)
{
  g_autofree char *uri = test_data_uri ("storage.xml");
  HangarConnection *connection = test_open_connection (uri);
  HangarPool *images = hangar_connection_find_pool (connection, "images");
  HangarPool *vg = hangar_connection_find_pool (connection, "vg-data");
  g_autoptr(HangarPoolSpec) vg_spec = NULL;
  GListModel *volumes;
  HangarVolume *web, *shared, *overlay;
  g_autoptr(HangarPool) owner = NULL;
  g_auto(GStrv) users = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_pools (connection)), ==, 2);
  g_assert_nonnull (images);
  g_assert_nonnull (vg);

  /* The test driver sums its volumes' allocations: 3 GiB + 4 GiB + 1 MiB. */
  g_assert_cmpuint (hangar_pool_get_capacity (images), ==, 100 * GiB);
  g_assert_cmpuint (hangar_pool_get_allocation (images), ==, 7 * GiB + MiB);
  g_assert_cmpuint (hangar_pool_get_available (images), ==, 93 * GiB - MiB);
  g_assert_cmpfloat_with_epsilon (hangar_pool_get_fraction_used (images),
                                  (7.0 * GiB + MiB) / (100.0 * GiB), 1e-9);

  g_assert_cmpint (hangar_pool_get_pool_type (vg), ==, HANGAR_POOL_TYPE_LOGICAL);
  vg_spec = hangar_pool_get_spec (vg);
  g_assert_cmpstr (vg_spec->source_name, ==, "vg-data");
  g_assert_cmpstr (vg_spec->source_format, ==, "lvm2");
  g_assert_cmpstr (vg_spec->target_path, ==, "/dev/vg-data");

  volumes = load_volumes (images);
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 3);
  web = hangar_pool_find_volume (images, "web.qcow2");
  shared = hangar_pool_find_volume (images, "shared.img");
  overlay = hangar_pool_find_volume (images, "overlay.qcow2");
  g_assert_nonnull (web);
  g_assert_nonnull (shared);
  g_assert_nonnull (overlay);

  g_assert_cmpstr (hangar_volume_get_path (web), ==, "/images/web.qcow2");
  g_assert_cmpstr (hangar_volume_get_format (web), ==, "qcow2");
  g_assert_cmpuint (hangar_volume_get_capacity (web), ==, 20 * GiB);
  g_assert_cmpuint (hangar_volume_get_allocation (web), ==, 3 * GiB);
  g_assert_null (hangar_volume_get_backing_path (web));
  g_assert_cmpstr (hangar_volume_get_used_by (web), ==, "web");
  g_assert_cmpstr (hangar_volume_get_format (shared), ==, "raw");
  /* In name order, whatever order libvirt lists the guests in. */
  g_assert_cmpstr (hangar_volume_get_used_by (shared), ==, "db, web");
  g_assert_cmpuint (g_strv_length ((char **)hangar_volume_get_users (shared)), ==, 2);
  g_object_get (shared, "users", &users, "pool", &owner, NULL);
  g_assert_cmpstr (users[1], ==, "web");
  g_assert_true (owner == images);
  g_assert_cmpstr (hangar_volume_get_backing_path (overlay), ==, "/images/web.qcow2");
  g_assert_cmpstr (hangar_volume_get_used_by (overlay), ==, "");
  g_assert_cmpuint (g_strv_length ((char **)hangar_volume_get_users (overlay)), ==, 0);

  /* Sorted by name. */
  {
    g_autoptr(HangarVolume) first = g_list_model_get_item (volumes, 0);

    g_assert_true (first == overlay);
  }

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Operations. */

static void
test_pool_operations (void)
{
  g_autofree char *uri = test_data_uri ("storage.xml");
  HangarConnection *connection = test_open_connection (uri);
  HangarPool *vg = hangar_connection_find_pool (connection, "vg-data");
  HangarPool *images = hangar_connection_find_pool (connection, "images");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *volumes = load_volumes (images);

  hangar_pool_stop_async (vg, NULL, test_on_result_cb, &result);
  g_assert_true (hangar_pool_stop_finish (vg, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* The caller finds the pool changed when its callback runs. */
  g_assert_cmpint (hangar_pool_get_state (vg), ==, HANGAR_POOL_STATE_INACTIVE);
  g_assert_false (hangar_pool_get_active (vg));
  g_assert_cmpuint (hangar_pool_get_capacity (vg), ==, 0);
  g_assert_cmpstr (hangar_pool_get_state_label (vg), ==, "Inactive");

  /* Stopping it again: libvirt's reason, in a sentence naming the pool. */
  hangar_pool_stop_async (vg, NULL, test_on_result_cb, &result);
  g_assert_false (hangar_pool_stop_finish (vg, wait_result (&result), &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Could not stop the pool “vg-data”: "));
  g_clear_error (&error);
  g_clear_object (&result);

  hangar_pool_start_async (vg, NULL, test_on_result_cb, &result);
  g_assert_true (hangar_pool_start_finish (vg, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (hangar_pool_get_state (vg), ==, HANGAR_POOL_STATE_RUNNING);
  g_assert_cmpuint (hangar_pool_get_capacity (vg), ==, 100 * GiB);

  hangar_pool_set_autostart_async (vg, TRUE, NULL, test_on_result_cb, &result);
  g_assert_true (hangar_pool_set_autostart_finish (vg, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (hangar_pool_get_autostart (vg));

  hangar_pool_refresh_async (images, NULL, test_on_result_cb, &result);
  g_assert_true (hangar_pool_refresh_finish (images, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 3);

  /* A stopped pool lists no volumes. */
  hangar_pool_stop_async (images, NULL, test_on_result_cb, &result);
  g_assert_true (hangar_pool_stop_finish (images, wait_result (&result), &error));
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 0);

  hangar_pool_delete_async (vg, FALSE, NULL, test_on_result_cb, &result);
  g_assert_true (hangar_pool_delete_finish (vg, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_null (hangar_connection_find_pool (connection, "vg-data"));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_pools (connection)), ==, 1);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Following a second connection. */

typedef struct {
  HangarConnection *connection;
  const char *name;
  int state; /* -1: absent */
} PoolCheck;

static gboolean
pool_is (gpointer data)
{
  PoolCheck *check = data;
  HangarPool *pool = hangar_connection_find_pool (check->connection, check->name);

  if (check->state < 0)
    return pool == NULL;
  return pool != NULL && (int)hangar_pool_get_state (pool) == check->state;
}

static void
assert_pool_becomes (HangarConnection *connection,
                     const char       *name,
                     int               state)
{
  PoolCheck check = { connection, name, state };

  if (!test_wait_for (pool_is, &check, 5000))
    g_error ("Pool %s did not reach state %d", name, state);
}

static gboolean
has_one_volume (gpointer data)
{
  return g_list_model_get_n_items (data) == 1;
}

static gboolean
allocation_is_one_gib (gpointer data)
{
  return hangar_pool_get_allocation (data) == GiB;
}

static gboolean
allocation_is_two_gib (gpointer data)
{
  return hangar_pool_get_allocation (data) == 2 * GiB;
}

static gboolean
allocation_is_three_gib_one_mib (gpointer data)
{
  return hangar_pool_get_allocation (data) == 3 * GiB + MiB;
}

static const char *other_pool_xml =
  "<pool type='dir'><name>elsewhere</name><target><path>/elsewhere</path></target></pool>";
static const char *transient_pool_xml =
  "<pool type='dir'><name>fleeting</name><target><path>/fleeting</path></target></pool>";
static const char *other_volume_xml =
  "<volume><name>made-elsewhere.img</name><capacity unit='GiB'>2</capacity>"
  "<allocation unit='GiB'>1</allocation><target><format type='raw'/></target></volume>";

static void
test_follows_other_connection (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  virStoragePoolPtr vpool, transient;
  virStorageVolPtr vvol;
  HangarPool *pool;
  GListModel *volumes;

  g_assert_nonnull (other);
  g_assert_null (hangar_connection_find_pool (connection, "elsewhere"));

  vpool = virStoragePoolDefineXML (other, other_pool_xml, 0);
  g_assert_nonnull (vpool);
  assert_pool_becomes (connection, "elsewhere", HANGAR_POOL_STATE_INACTIVE);
  pool = hangar_connection_find_pool (connection, "elsewhere");
  g_assert_true (hangar_pool_get_persistent (pool));
  g_assert_cmpstr (hangar_pool_get_target_path (pool), ==, "/elsewhere");
  volumes = load_volumes (pool);
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 0);

  g_assert_cmpint (virStoragePoolCreate (vpool, 0), ==, 0);
  assert_pool_becomes (connection, "elsewhere", HANGAR_POOL_STATE_RUNNING);
  g_assert_true (hangar_connection_find_pool (connection, "elsewhere") == pool);

  /* A volume made elsewhere shows after the pool's refresh event. */
  vvol = virStorageVolCreateXML (vpool, other_volume_xml, 0);
  g_assert_nonnull (vvol);
  virStorageVolFree (vvol);
  g_assert_cmpint (virStoragePoolRefresh (vpool, 0), ==, 0);
  if (!test_wait_for (has_one_volume, volumes, 5000))
    g_error ("The refresh event did not bring the new volume");
  g_assert_nonnull (hangar_pool_find_volume (pool, "made-elsewhere.img"));
  g_assert_true (test_wait_for (allocation_is_one_gib, pool, 5000));

  g_assert_cmpint (virStoragePoolDestroy (vpool), ==, 0);
  assert_pool_becomes (connection, "elsewhere", HANGAR_POOL_STATE_INACTIVE);
  g_assert_cmpuint (hangar_pool_get_capacity (pool), ==, 0);

  g_assert_cmpint (virStoragePoolUndefine (vpool), ==, 0);
  assert_pool_becomes (connection, "elsewhere", -1);
  virStoragePoolFree (vpool);

  /* A transient pool lives only while it runs. */
  transient = virStoragePoolCreateXML (other, transient_pool_xml, 0);
  g_assert_nonnull (transient);
  assert_pool_becomes (connection, "fleeting", HANGAR_POOL_STATE_RUNNING);
  g_assert_false (hangar_pool_get_persistent (hangar_connection_find_pool (connection,
                                                                          "fleeting")));
  g_assert_cmpint (virStoragePoolDestroy (transient), ==, 0);
  assert_pool_becomes (connection, "fleeting", -1);
  virStoragePoolFree (transient);

  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_pools (connection)), ==, 1);

  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Creating pools. */

/* A file that stands for a block device: the checks only ask that it exists here. */
static char *
make_device_file (void)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("hangar-test-device-XXXXXX", &path, &error);

  g_assert_no_error (error);
  close (fd);
  return path;
}

static HangarPool *
create_pool (HangarConnection     *connection,
             const HangarPoolSpec *spec,
             HangarJob            *job,
             GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hangar_connection_create_pool_async (connection, spec, job, NULL, test_on_result_cb, &result);
  return hangar_connection_create_pool_finish (connection, wait_result (&result), error);
}

static void
assert_spec_equal (const HangarPoolSpec *got,
                   const HangarPoolSpec *want)
{
  g_assert_cmpstr (got->name, ==, want->name);
  g_assert_cmpint (got->type, ==, want->type);
  g_assert_cmpstr (got->target_path, ==, want->target_path);
  g_assert_cmpstr (got->source_device, ==, want->source_device);
  g_assert_cmpstr (got->source_host, ==, want->source_host);
  g_assert_cmpstr (got->source_path, ==, want->source_path);
  g_assert_cmpstr (got->source_format, ==, want->source_format);
  g_assert_cmpstr (got->source_name, ==, want->source_name);
  g_assert_cmpstr (got->initiator, ==, want->initiator);
  g_assert_cmpint (got->autostart, ==, want->autostart);
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

static void
test_create_each_type (void)
{
  g_autofree char *uri = test_data_uri ("empty-host.xml");
  HangarConnection *connection = test_open_connection (uri);
  g_autofree char *device = make_device_file ();
  g_autofree char *disk = make_device_file ();
  g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func ((GDestroyNotify)hangar_pool_spec_free);
  HangarPoolSpec *spec;

  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_pools (connection)), ==, 0);

  spec = pool_spec ("dir-pool", HANGAR_POOL_TYPE_DIR, "/srv/hangar-test/dir-pool");
  spec->autostart = TRUE;
  g_ptr_array_add (specs, spec);

  /* Formatting asked for: the test driver builds without the OVERWRITE flag it does
   * not take (the real formatting is tested on libvirtd). */
  spec = pool_spec ("fs-pool", HANGAR_POOL_TYPE_FS, "/mnt/fs-pool");
  spec->source_device = g_strdup (device);
  spec->source_format = g_strdup ("ext4");
  spec->build = TRUE;
  g_ptr_array_add (specs, spec);

  spec = pool_spec ("netfs-pool", HANGAR_POOL_TYPE_NETFS, "/mnt/netfs-pool");
  spec->source_host = g_strdup ("nfs.example.org");
  spec->source_path = g_strdup ("/export/images");
  spec->source_format = g_strdup ("nfs");
  spec->autostart = TRUE;
  g_ptr_array_add (specs, spec);

  spec = pool_spec ("logical-pool", HANGAR_POOL_TYPE_LOGICAL, NULL);
  spec->source_name = g_strdup ("vg-test");
  g_ptr_array_add (specs, spec);

  /* libvirt refuses two pools on one device. */
  spec = pool_spec ("disk-pool", HANGAR_POOL_TYPE_DISK, "/dev");
  spec->source_device = g_strdup (disk);
  spec->source_format = g_strdup ("gpt");
  g_ptr_array_add (specs, spec);

  spec = pool_spec ("iscsi-pool", HANGAR_POOL_TYPE_ISCSI, "/dev/disk/by-path");
  spec->source_host = g_strdup ("127.0.0.1");
  spec->source_device = g_strdup ("iqn.2026-01.org.example:storage");
  spec->initiator = g_strdup ("iqn.2026-01.org.example:hangar");
  g_ptr_array_add (specs, spec);

  for (guint i = 0; i < specs->len; i++)
    {
      g_autoptr(HangarJob) job = hangar_job_new ("Creating");
      TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarPool) pool = NULL;
      g_autoptr(HangarPoolSpec) got = NULL;
      g_autoptr(HangarPoolSpec) want = hangar_pool_spec_copy (specs->pdata[i]);
      g_autofree char *defining = g_strdup_printf ("Defining the pool “%s”", want->name);
      g_autofree char *building = g_strdup_printf ("Building the pool “%s”", want->name);
      g_autofree char *autostarting =
        g_strdup_printf ("Making the pool “%s” start with the host", want->name);

      g_signal_connect (job, "notify::message", G_CALLBACK (test_job_watch_cb), &watch);
      pool = create_pool (connection, want, job, &error);
      g_assert_no_error (error);
      g_assert_nonnull (pool);
      g_assert_true (hangar_connection_find_pool (connection, want->name) == pool);
      g_assert_cmpint (hangar_pool_get_state (pool), ==, HANGAR_POOL_STATE_RUNNING);
      g_assert_true (hangar_pool_get_persistent (pool));
      g_assert_cmpint (hangar_pool_get_autostart (pool), ==, want->autostart);
      g_assert_cmpfloat (hangar_job_get_fraction (job), ==, 1.0);
      g_assert_true (test_has_message (watch.messages, defining));
      /* Only a dir pool is built unasked. */
      g_assert_cmpint (test_has_message (watch.messages, building), ==,
                       want->type == HANGAR_POOL_TYPE_DIR || want->build);
      g_assert_cmpint (test_has_message (watch.messages, autostarting), ==, want->autostart);

      /* What libvirt holds now is what was asked, with the defaults Hangar fills in:
       * a volume group's target is /dev/NAME and its format lvm2. */
      if (want->type == HANGAR_POOL_TYPE_LOGICAL)
        {
          want->target_path = g_strdup ("/dev/vg-test");
          want->source_format = g_strdup ("lvm2");
        }
      got = hangar_pool_get_spec (pool);
      assert_spec_equal (got, want);
      g_ptr_array_unref (watch.messages);
    }
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_pools (connection)), ==, 6);

  g_unlink (device);
  g_unlink (disk);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_create_defaults (void)
{
  g_autofree char *uri = test_data_uri ("empty-host.xml");
  HangarConnection *connection = test_open_connection (uri);
  g_autoptr(HangarPoolSpec) netfs = pool_spec ("netfs-auto", HANGAR_POOL_TYPE_NETFS, "/mnt/n");
  g_autoptr(HangarPoolSpec) logical = pool_spec ("vg-plain", HANGAR_POOL_TYPE_LOGICAL, NULL);
  g_autoptr(HangarPool) pool = NULL;
  g_autoptr(HangarPool) vg = NULL;
  g_autoptr(HangarPoolSpec) got = NULL;
  g_autoptr(HangarPoolSpec) got_vg = NULL;
  g_autoptr(GError) error = NULL;

  /* No format given: the type's default. No volume group named: the pool's name. */
  netfs->source_host = g_strdup ("server");
  netfs->source_path = g_strdup ("/export");
  pool = create_pool (connection, netfs, NULL, &error);
  g_assert_no_error (error);
  got = hangar_pool_get_spec (pool);
  g_assert_cmpstr (got->source_format, ==, "auto");

  vg = create_pool (connection, logical, NULL, &error);
  g_assert_no_error (error);
  got_vg = hangar_pool_get_spec (vg);
  g_assert_cmpstr (got_vg->source_name, ==, "vg-plain");
  g_assert_cmpstr (got_vg->target_path, ==, "/dev/vg-plain");

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
assert_spec_refused (HangarConnection     *connection,
                     const HangarPoolSpec *spec,
                     HangarStorageError    code,
                     const char           *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) create_error = NULL;
  g_autoptr(HangarPool) pool = NULL;
  guint n = g_list_model_get_n_items (hangar_connection_get_pools (connection));

  g_assert_false (hangar_connection_check_pool_spec (connection, spec, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, (int)code);
  if (strstr (error->message, message) == NULL)
    g_error ("Pool “%s”: expected “%s” in “%s”", spec->name, message, error->message);

  /* Creating refuses it the same way, before anything is made. */
  pool = create_pool (connection, spec, NULL, &create_error);
  g_assert_null (pool);
  g_assert_error (create_error, HANGAR_STORAGE_ERROR, (int)code);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_pools (connection)), ==, n);
}

static void
fresh_spec (HangarPoolSpec **spec,
            HangarPoolType   type,
            const char      *target)
{
  hangar_pool_spec_free (*spec);
  *spec = pool_spec ("fresh", type, target);
}

static void
test_bad_pool_specs (void)
{
  g_autofree char *uri = test_data_uri ("storage.xml");
  HangarConnection *connection = test_open_connection (uri);
  g_autofree char *file = make_device_file ();
  g_autoptr(HangarPoolSpec) spec = NULL;

#define FRESH(type, target) fresh_spec (&spec, type, target)

  FRESH (HANGAR_POOL_TYPE_DIR, "/srv/fresh");
  g_assert_true (hangar_connection_check_pool_spec (connection, spec, NULL));

  g_free (spec->name);
  spec->name = g_strdup ("");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_INVALID_NAME, "Enter a name");
  g_free (spec->name);
  spec->name = g_strdup ("my pool/1");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_INVALID_NAME,
                       "cannot contain space, “/”");
  g_free (spec->name);
  spec->name = g_strdup ("images");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_EXISTS,
                       "already has a pool called “images”");

  FRESH (HANGAR_POOL_TYPE_DIR, NULL);
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_MISSING, "Enter the target path");
  FRESH (HANGAR_POOL_TYPE_DIR, "relative/dir");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_INVALID_PATH,
                       "“relative/dir” is not absolute");
  FRESH (HANGAR_POOL_TYPE_DIR, file);
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_INVALID_PATH,
                       "exists and is not a directory");

  FRESH (HANGAR_POOL_TYPE_FS, "/mnt/fresh");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_MISSING, "Enter the source device");
  spec->source_device = g_strdup ("/dev/hangar-no-such-disk");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_NO_DEVICE,
                       "“/dev/hangar-no-such-disk” does not exist on this host");
  g_free (spec->source_device);
  spec->source_device = g_strdup (file);
  spec->source_format = g_strdup ("floppy");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_UNSUPPORTED,
                       "source format “floppy”");

  FRESH (HANGAR_POOL_TYPE_DISK, "/dev");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_MISSING, "Enter the source device");

  FRESH (HANGAR_POOL_TYPE_NETFS, "/mnt/fresh");
  spec->source_path = g_strdup ("/export");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_MISSING, "Enter the source host");
  spec->source_host = g_strdup ("server");
  g_clear_pointer (&spec->source_path, g_free);
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_MISSING, "Enter the source path");

  FRESH (HANGAR_POOL_TYPE_ISCSI, "/dev/disk/by-path");
  spec->source_host = g_strdup ("server");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_MISSING, "Enter the target IQN");

  FRESH (HANGAR_POOL_TYPE_LOGICAL, NULL);
  spec->source_name = g_strdup ("vg$1");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_INVALID_NAME,
                       "Volume group name: The name cannot contain “$”");
  g_clear_pointer (&spec->source_name, g_free);
  spec->source_device = g_strdup ("/dev/hangar-no-such-pv");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_NO_DEVICE,
                       "“/dev/hangar-no-such-pv” does not exist");

  FRESH (HANGAR_POOL_TYPE_OTHER, "/srv/fresh");
  assert_spec_refused (connection, spec, HANGAR_STORAGE_ERROR_UNSUPPORTED,
                       "cannot create pools of this type");
#undef FRESH

  g_unlink (file);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static gboolean
pool_is_listed (gpointer data)
{
  PoolCheck *check = data;

  return hangar_connection_find_pool (check->connection, check->name) != NULL;
}

/* Events come in order: once a pool defined after them is listed, the model has seen
 * everything before it. */
static void
settle_pool_events (HangarConnection *connection,
                    virConnectPtr     other)
{
  static const char *marker_xml =
    "<pool type='dir'><name>marker</name><target><path>/marker</path></target></pool>";
  virStoragePoolPtr marker = virStoragePoolDefineXML (other, marker_xml, 0);
  PoolCheck check = { connection, "marker", 0 };

  g_assert_nonnull (marker);
  g_assert_true (test_wait_for (pool_is_listed, &check, 5000));
  g_assert_cmpint (virStoragePoolUndefine (marker), ==, 0);
  virStoragePoolFree (marker);
  assert_pool_becomes (connection, "marker", -1);
}

static void
assert_no_pool_anywhere (HangarConnection *connection,
                         virConnectPtr     other,
                         const char       *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (other, name);

  if (pool != NULL)
    {
      virStoragePoolFree (pool);
      g_error ("The pool “%s” was left defined", name);
    }
  virResetLastError ();
  settle_pool_events (connection, other);
  g_assert_null (hangar_connection_find_pool (connection, name));
}

static void
test_create_cancelled (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  const char *steps[] = { "Defining", "Building", "Starting", "Making" };
  g_autoptr(HangarPoolSpec) spec = pool_spec ("halfway", HANGAR_POOL_TYPE_DIR, "/halfway");

  g_assert_nonnull (other);
  spec->autostart = TRUE;

  /* Cancelled before it began: nothing is made. */
  {
    g_autoptr(HangarJob) job = hangar_job_new ("Creating");
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarPool) pool = NULL;

    hangar_job_cancel (job);
    pool = create_pool (connection, spec, job, &error);
    g_assert_null (pool);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    assert_no_pool_anywhere (connection, other, "halfway");
  }

  /* Cancelled as each step is announced: the steps done before it are undone. */
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(HangarJob) job = hangar_job_new ("Creating");
      TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), steps[i] };
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarPool) pool = NULL;

      g_signal_connect (job, "notify::message", G_CALLBACK (test_job_watch_cb), &watch);
      pool = create_pool (connection, spec, job, &error);
      g_assert_null (pool);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpstr (error->message, ==, "Creating the pool “halfway” was cancelled.");
      /* The step announced last before Cancel is the one that was cancelled. */
      g_assert_true (g_str_has_prefix (watch.messages->pdata[watch.messages->len - 2], steps[i]));
      g_assert_cmpstr (watch.messages->pdata[watch.messages->len - 1], ==, "Cancelling…");
      assert_no_pool_anywhere (connection, other, "halfway");
      g_ptr_array_unref (watch.messages);
    }

  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_pool_types_and_default (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  HangarConnection *session = hangar_connection_new ("qemu:///session");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) types = NULL;
  g_autoptr(HangarPoolSpec) spec = NULL;
  g_autoptr(HangarPoolSpec) session_spec = NULL;
  g_autofree char *session_images = NULL;

  /* The test driver cannot say which types it has: all six, in the wizard's order. */
  hangar_connection_get_pool_types_async (connection, NULL, test_on_result_cb, &result);
  types = hangar_connection_get_pool_types_finish (connection, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result); /* it holds the connection */
  g_assert_cmpuint (types->len, ==, 6);
  for (guint i = 0; i < types->len; i++)
    g_assert_cmpint (g_array_index (types, HangarPoolType, i), ==, (int)i);

  spec = hangar_connection_default_pool_spec (connection);
  g_assert_cmpstr (spec->name, ==, "default");
  g_assert_cmpint (spec->type, ==, HANGAR_POOL_TYPE_DIR);
  g_assert_cmpstr (spec->target_path, ==, "/var/lib/libvirt/images");
  g_assert_true (spec->autostart);

  session_spec = hangar_connection_default_pool_spec (session);
  session_images = g_build_filename (g_get_user_data_dir (), "libvirt", "images", NULL);
  g_assert_cmpstr (session_spec->target_path, ==, session_images);

  test_assert_finalized (session);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Volumes. */

static HangarVolumeSpec *
volume_spec (const char        *name,
             HangarVolumeFormat format,
             guint64            capacity,
             guint64            allocation)
{
  HangarVolumeSpec *spec = hangar_volume_spec_new ();

  spec->name = g_strdup (name);
  spec->format = format;
  spec->capacity = capacity;
  spec->allocation = allocation;
  return spec;
}

static void
assert_volume_refused (HangarPool             *pool,
                       const HangarVolumeSpec *spec,
                       HangarStorageError      code,
                       const char             *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) create_error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HangarVolume) volume = NULL;
  g_autofree char *warning = NULL;
  guint n = g_list_model_get_n_items (hangar_pool_get_volumes (pool));

  g_assert_false (hangar_pool_check_volume_spec (pool, spec, &warning, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, (int)code);
  if (strstr (error->message, message) == NULL)
    g_error ("Volume “%s”: expected “%s” in “%s”", spec->name, message, error->message);

  hangar_pool_create_volume_async (pool, spec, NULL, NULL, test_on_result_cb, &result);
  volume = hangar_pool_create_volume_finish (pool, wait_result (&result), &create_error);
  g_assert_null (volume);
  g_assert_error (create_error, HANGAR_STORAGE_ERROR, (int)code);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_pool_get_volumes (pool)), ==, n);
}

static void
test_bad_volume_specs (void)
{
  g_autofree char *uri = test_data_uri ("storage.xml");
  HangarConnection *connection = test_open_connection (uri);
  HangarPool *images = hangar_connection_find_pool (connection, "images");
  guint64 available = hangar_pool_get_available (images);
  g_autoptr(HangarVolumeSpec) spec = volume_spec ("new.qcow2", HANGAR_VOLUME_FORMAT_QCOW2,
                                                  10 * GiB, 0);
  g_autofree char *warning = NULL;
  g_autoptr(GError) error = NULL;

  load_volumes (images);
  /* 100 GiB less the volumes' 7 GiB and 1 MiB, as the data file says. */
  g_assert_cmpuint (available, ==, 93 * GiB - MiB);
  g_assert_true (hangar_pool_check_volume_spec (images, spec, &warning, &error));
  g_assert_no_error (error);
  g_assert_null (warning);

  /* A capacity beyond the free space is allowed, with a warning. */
  spec->capacity = 94 * GiB;
  g_assert_true (hangar_pool_check_volume_spec (images, spec, &warning, &error));
  g_assert_no_error (error);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "The pool “images” has 93.0\u00a0GiB free"));
  g_clear_pointer (&warning, g_free);

  /* An allocation beyond it is not. */
  spec->format = HANGAR_VOLUME_FORMAT_RAW;
  spec->allocation = 94 * GiB;
  assert_volume_refused (images, spec, HANGAR_STORAGE_ERROR_NO_SPACE,
                         "has 93.0\u00a0GiB free, less than the 94.0\u00a0GiB to allocate");
  spec->allocation = 95 * GiB;
  assert_volume_refused (images, spec, HANGAR_STORAGE_ERROR_INVALID_SIZE,
                         "allocation cannot be larger than the capacity");
  spec->allocation = 0;
  spec->capacity = 0;
  assert_volume_refused (images, spec, HANGAR_STORAGE_ERROR_INVALID_SIZE,
                         "capacity larger than zero");
  spec->capacity = GiB;

  g_free (spec->name);
  spec->name = g_strdup ("web.qcow2");
  assert_volume_refused (images, spec, HANGAR_STORAGE_ERROR_EXISTS,
                         "already has a volume called “web.qcow2”");
  g_free (spec->name);
  spec->name = g_strdup ("bad:name.img");
  assert_volume_refused (images, spec, HANGAR_STORAGE_ERROR_INVALID_NAME, "cannot contain “:”");
  g_free (spec->name);
  spec->name = g_strdup ("");
  assert_volume_refused (images, spec, HANGAR_STORAGE_ERROR_INVALID_NAME, "Enter a name");
  g_free (spec->name);
  spec->name = g_strdup ("new.img");

  spec->backing_path = g_strdup ("/images/web.qcow2");
  assert_volume_refused (images, spec, HANGAR_STORAGE_ERROR_UNSUPPORTED,
                         "Only a qcow2 volume can have a backing volume");
  spec->format = HANGAR_VOLUME_FORMAT_QCOW2;
  g_free (spec->backing_path);
  spec->backing_path = g_strdup ("web.qcow2");
  assert_volume_refused (images, spec, HANGAR_STORAGE_ERROR_INVALID_PATH,
                         "“web.qcow2” is not an absolute path");

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Reads the volume's XML from libvirt, as a second look at what was made. */
static char *
volume_xml (virStoragePoolPtr pool,
            const char       *name)
{
  virStorageVolPtr vol = virStorageVolLookupByName (pool, name);
  char *xml;

  g_assert_nonnull (vol);
  xml = virStorageVolGetXMLDesc (vol, 0);
  virStorageVolFree (vol);
  return xml;
}

static void
test_create_volumes (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  virStoragePoolPtr vpool = virStoragePoolLookupByName (other, "default-pool");
  HangarPool *pool = hangar_connection_find_pool (connection, "default-pool");
  GListModel *volumes = load_volumes (pool);
  g_autoptr(HangarVolumeSpec) base = volume_spec ("base.qcow2", HANGAR_VOLUME_FORMAT_QCOW2,
                                                  8 * GiB, 0);
  g_autoptr(HangarVolumeSpec) overlay = volume_spec ("overlay.qcow2",
                                                     HANGAR_VOLUME_FORMAT_QCOW2, 8 * GiB, 0);
  g_autoptr(HangarVolumeSpec) raw = volume_spec ("full.img", HANGAR_VOLUME_FORMAT_RAW,
                                                 2 * GiB, 2 * GiB);
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarVolume) v1 = NULL;
  g_autoptr(HangarVolume) v2 = NULL;
  g_autoptr(HangarVolume) v3 = NULL;
  g_autofree char *xml = NULL;

  g_assert_nonnull (vpool);
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 0);

  hangar_pool_create_volume_async (pool, base, NULL, NULL, test_on_result_cb, &result);
  v1 = hangar_pool_create_volume_finish (pool, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (hangar_pool_find_volume (pool, "base.qcow2") == v1);
  g_assert_cmpstr (hangar_volume_get_format (v1), ==, "qcow2");
  g_assert_cmpuint (hangar_volume_get_capacity (v1), ==, 8 * GiB);
  g_assert_cmpuint (hangar_volume_get_allocation (v1), ==, 0);
  g_assert_cmpstr (hangar_volume_get_path (v1), ==, "/default-pool/base.qcow2");

  /* An overlay names its backing volume and that volume's format. */
  overlay->backing_path = g_strdup ("/default-pool/base.qcow2");
  hangar_pool_create_volume_async (pool, overlay, NULL, NULL, test_on_result_cb, &result);
  v2 = hangar_pool_create_volume_finish (pool, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (hangar_volume_get_backing_path (v2), ==, "/default-pool/base.qcow2");
  xml = volume_xml (vpool, "overlay.qcow2");
  g_assert_nonnull (strstr (xml, "<backingStore>"));
  g_assert_nonnull (strstr (xml, "<path>/default-pool/base.qcow2</path>"));
  g_clear_pointer (&xml, g_free);

  /* "Allocate now", watched by a job: it ends full, and the pool's free space drops. */
  g_signal_connect (job, "notify::message", G_CALLBACK (test_job_watch_cb), &watch);
  hangar_pool_create_volume_async (pool, raw, job, NULL, test_on_result_cb, &result);
  v3 = hangar_pool_create_volume_finish (pool, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (test_has_message (watch.messages, "Allocating full.img"));
  g_assert_cmpfloat (hangar_job_get_fraction (job), ==, 1.0);
  g_assert_cmpstr (hangar_volume_get_format (v3), ==, "raw");
  g_assert_cmpuint (hangar_volume_get_allocation (v3), ==, 2 * GiB);
  g_assert_true (test_wait_for (allocation_is_two_gib, pool, 5000));

  /* The list is in name order. */
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 3);
  {
    g_autoptr(HangarVolume) first = g_list_model_get_item (volumes, 0);
    g_autoptr(HangarVolume) last = g_list_model_get_item (volumes, 2);

    g_assert_true (first == v1);
    g_assert_true (last == v2);
  }

  /* A name libvirt already has (made elsewhere, not yet listed): libvirt's refusal. */
  {
    g_autoptr(HangarVolumeSpec) twin = volume_spec ("twin.img", HANGAR_VOLUME_FORMAT_RAW,
                                                    GiB, 0);
    virStorageVolPtr made = virStorageVolCreateXML (vpool,
      "<volume><name>twin.img</name><capacity>1024</capacity></volume>", 0);
    g_autoptr(HangarVolume) none = NULL;

    g_assert_nonnull (made);
    hangar_pool_create_volume_async (pool, twin, NULL, NULL, test_on_result_cb, &result);
    none = hangar_pool_create_volume_finish (pool, wait_result (&result), &error);
    g_assert_null (none);
    g_assert_nonnull (error);
    g_assert_true (g_str_has_prefix (error->message, "Could not create the volume “twin.img”: "));
    g_clear_error (&error);
    g_clear_object (&result);
    g_assert_cmpint (virStorageVolDelete (made, 0), ==, 0);
    virStorageVolFree (made);
  }

  /* Leave test:///default as found. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(HangarVolume) volume = g_list_model_get_item (volumes, 0);

      hangar_volume_delete_async (volume, FALSE, FALSE, NULL, NULL, test_on_result_cb, &result);
      g_assert_true (hangar_volume_delete_finish (volume, wait_result (&result), &error));
      g_assert_no_error (error);
      g_clear_object (&result);
    }
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 0);

  g_ptr_array_unref (watch.messages);
  virStoragePoolFree (vpool);
  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_create_volume_cancelled (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  virStoragePoolPtr vpool = virStoragePoolLookupByName (other, "default-pool");
  HangarPool *pool = hangar_connection_find_pool (connection, "default-pool");
  GListModel *volumes = load_volumes (pool);
  g_autoptr(HangarVolumeSpec) spec = volume_spec ("doomed.img", HANGAR_VOLUME_FORMAT_RAW,
                                                  GiB, GiB);
  guint round;

  g_assert_nonnull (vpool);

  /* 0: cancelled before; 1: cancelled as "Allocating" shows, the create already under
   * way: it ends, then the volume is deleted. */
  for (round = 0; round < 2; round++)
    {
      g_autoptr(HangarJob) job = hangar_job_new ("Creating");
      TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), "Allocating" };
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(HangarVolume) volume = NULL;
      virStorageVolPtr left;

      if (round == 0)
        hangar_job_cancel (job);
      g_signal_connect (job, "notify::message", G_CALLBACK (test_job_watch_cb), &watch);
      hangar_pool_create_volume_async (pool, spec, job, NULL, test_on_result_cb, &result);
      volume = hangar_pool_create_volume_finish (pool, wait_result (&result), &error);
      g_assert_null (volume);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpstr (error->message, ==, "Creating the volume “doomed.img” was cancelled.");
      if (round == 1)
        g_assert_cmpstr (watch.messages->pdata[watch.messages->len - 1], ==, "Cancelling…");

      left = virStorageVolLookupByName (vpool, "doomed.img");
      if (left != NULL)
        g_error ("Round %u: the cancelled volume was left behind", round);
      virResetLastError ();
      g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 0);
      g_ptr_array_unref (watch.messages);
    }

  virStoragePoolFree (vpool);
  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_resize_volume (void)
{
  g_autofree char *uri = test_data_uri ("storage.xml");
  HangarConnection *connection = test_open_connection (uri);
  HangarPool *images = hangar_connection_find_pool (connection, "images");
  HangarVolume *web;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  load_volumes (images);
  web = hangar_pool_find_volume (images, "web.qcow2");

  /* Smaller without leave: refused before libvirt is asked, in a sentence. */
  hangar_volume_resize_async (web, 10 * GiB, FALSE, NULL, test_on_result_cb, &result);
  g_assert_false (hangar_volume_resize_finish (web, wait_result (&result), &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE);
  g_assert_nonnull (strstr (error->message, "The volume “web.qcow2” is 20.0\u00a0GiB, more than the 10.0\u00a0GiB asked for."));
  g_assert_nonnull (strstr (error->message, "confirm"));
  g_clear_error (&error);
  g_clear_object (&result);

  hangar_volume_resize_async (web, 0, FALSE, NULL, test_on_result_cb, &result);
  g_assert_false (hangar_volume_resize_finish (web, wait_result (&result), &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The test driver has no virStorageVolResize: growing (and a confirmed shrink) meet
   * that, said as a sentence naming the volume. Real resizing is tested on libvirtd. */
  hangar_volume_resize_async (web, 30 * GiB, FALSE, NULL, test_on_result_cb, &result);
  g_assert_false (hangar_volume_resize_finish (web, wait_result (&result), &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_UNSUPPORTED);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The pool of the volume “web.qcow2” cannot resize it: "));
  g_clear_error (&error);
  g_clear_object (&result);

  hangar_volume_resize_async (web, 10 * GiB, TRUE, NULL, test_on_result_cb, &result);
  g_assert_false (hangar_volume_resize_finish (web, wait_result (&result), &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The same size: nothing to do. */
  hangar_volume_resize_async (web, 20 * GiB, FALSE, NULL, test_on_result_cb, &result);
  g_assert_true (hangar_volume_resize_finish (web, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (hangar_volume_get_capacity (web), ==, 20 * GiB);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_delete_volume (void)
{
  g_autofree char *uri = test_data_uri ("storage.xml");
  HangarConnection *connection = test_open_connection (uri);
  HangarPool *images = hangar_connection_find_pool (connection, "images");
  GListModel *volumes = load_volumes (images);
  g_autoptr(HangarVolume) shared = g_object_ref (hangar_pool_find_volume (images, "shared.img"));
  HangarVolume *overlay = hangar_pool_find_volume (images, "overlay.qcow2");
  g_autoptr(HangarJob) job = hangar_job_new ("Deleting");
  TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Two guests use it: refused, naming them. */
  hangar_volume_delete_async (shared, FALSE, FALSE, NULL, NULL, test_on_result_cb, &result);
  g_assert_false (hangar_volume_delete_finish (shared, wait_result (&result), &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_IN_USE);
  g_assert_cmpstr (error->message, ==,
                   "The guests db, web use the volume “shared.img”. Remove the disk from them first, or confirm deleting the volume anyway.");
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 3);

  /* A wipe the test driver cannot do: the volume stays. */
  g_signal_connect (job, "notify::message", G_CALLBACK (test_job_watch_cb), &watch);
  hangar_volume_delete_async (overlay, FALSE, TRUE, job, NULL, test_on_result_cb, &result);
  g_assert_false (hangar_volume_delete_finish (overlay, wait_result (&result), &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_UNSUPPORTED);
  g_assert_true (g_str_has_prefix (error->message, "Could not wipe the volume “overlay.qcow2”: "));
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_true (test_has_message (watch.messages, "Wiping overlay.qcow2"));
  g_assert_cmpfloat (hangar_job_get_fraction (job), ==, -1);
  g_assert_true (hangar_pool_find_volume (images, "overlay.qcow2") == overlay);

  /* Confirmed: deleted, gone from the list, the pool's allocation down by its 4 GiB. */
  hangar_volume_delete_async (shared, TRUE, FALSE, NULL, NULL, test_on_result_cb, &result);
  g_assert_true (hangar_volume_delete_finish (shared, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_null (hangar_pool_find_volume (images, "shared.img"));
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 2);
  g_assert_true (test_wait_for (allocation_is_three_gib_one_mib, images, 5000));

  /* Deleting it again: libvirt's reason, naming it. */
  hangar_volume_delete_async (shared, TRUE, FALSE, NULL, NULL, test_on_result_cb, &result);
  g_assert_false (hangar_volume_delete_finish (shared, wait_result (&result), &error));
  g_assert_true (g_str_has_prefix (error->message, "Could not find the volume “shared.img”: "));
  g_clear_object (&result);

  g_ptr_array_unref (watch.messages);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Thousands of volumes reach the list in one change, so a view rebuilds once. */

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *count)
{
  (*count)++;
}

static gboolean
has_n_volumes (gpointer data)
{
  return g_list_model_get_n_items (data) == 5000;
}

static gboolean
has_5001_volumes (gpointer data)
{
  return g_list_model_get_n_items (data) == 5001;
}

static void
test_many_volumes (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  virStoragePoolPtr vpool = NULL;
  HangarPool *pool;
  GListModel *volumes;
  guint changes = 0;
  gint64 start;

  g_assert_nonnull (other);
  vpool = virStoragePoolCreateXML (other,
    "<pool type='dir'><name>crowded</name><target><path>/crowded</path></target></pool>", 0);
  g_assert_nonnull (vpool);
  for (guint i = 0; i < 5000; i++)
    {
      g_autofree char *xml = g_strdup_printf ("<volume><name>vol-%04u.img</name>"
                                              "<capacity>1048576</capacity></volume>", i);
      virStorageVolPtr vol = virStorageVolCreateXML (vpool, xml, 0);

      g_assert_nonnull (vol);
      virStorageVolFree (vol);
    }
  assert_pool_becomes (connection, "crowded", HANGAR_POOL_STATE_RUNNING);
  pool = hangar_connection_find_pool (connection, "crowded");

  volumes = hangar_pool_get_volumes (pool);
  g_signal_connect (volumes, "items-changed", G_CALLBACK (on_items_changed_cb), &changes);
  start = g_get_monotonic_time ();
  g_assert_true (test_wait_for (volumes_loaded, pool, 30000));
  g_test_message ("5000 volumes listed in %.0f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_true (has_n_volumes (volumes));
  g_assert_cmpuint (changes, ==, 1);

  /* A refresh that changes nothing changes nothing in the list; the one after it, with
   * one volume more, is one change (and proves the first re-read is over). */
  g_assert_cmpint (virStoragePoolRefresh (vpool, 0), ==, 0);
  {
    virStorageVolPtr vol = virStorageVolCreateXML (vpool,
      "<volume><name>vol-late.img</name><capacity>1048576</capacity></volume>", 0);

    g_assert_nonnull (vol);
    virStorageVolFree (vol);
  }
  g_assert_cmpint (virStoragePoolRefresh (vpool, 0), ==, 0);
  g_assert_true (test_wait_for (has_5001_volumes, volumes, 30000));
  g_assert_cmpuint (changes, ==, 2);

  g_signal_handlers_disconnect_by_func (volumes, on_items_changed_cb, &changes);
  g_assert_cmpint (virStoragePoolDestroy (vpool), ==, 0);
  assert_pool_becomes (connection, "crowded", -1);
  virStoragePoolFree (vpool);
  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* A guest defined or undefined elsewhere changes who uses a volume, without a refresh. */

static gboolean
used_by_user (gpointer data)
{
  return g_strcmp0 (hangar_volume_get_used_by (data), "user") == 0;
}

static gboolean
used_by_nobody (gpointer data)
{
  return g_strcmp0 (hangar_volume_get_used_by (data), "") == 0;
}

static void
test_users_follow_guests (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  HangarPool *pool = hangar_connection_find_pool (connection, "default-pool");
  g_autoptr(HangarVolumeSpec) spec = volume_spec ("guest-disk.qcow2", HANGAR_VOLUME_FORMAT_QCOW2,
                                                  GiB, 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarVolume) volume = NULL;
  virDomainPtr domain;

  g_assert_nonnull (other);
  load_volumes (pool);
  hangar_pool_create_volume_async (pool, spec, NULL, NULL, test_on_result_cb, &result);
  volume = hangar_pool_create_volume_finish (pool, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (hangar_volume_get_used_by (volume), ==, "");

  domain = virDomainDefineXML (other,
    "<domain type='test'><name>user</name><memory unit='MiB'>128</memory>"
    "<os><type arch='x86_64'>hvm</type></os><devices>"
    "<disk type='file' device='disk'><source file='/default-pool/guest-disk.qcow2'/>"
    "<target dev='vda' bus='virtio'/></disk></devices></domain>");
  g_assert_nonnull (domain);
  if (!test_wait_for (used_by_user, volume, 5000))
    g_error ("The new guest did not show as the volume's user");
  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  virDomainFree (domain);
  if (!test_wait_for (used_by_nobody, volume, 5000))
    g_error ("The undefined guest still shows as the volume's user");

  hangar_volume_delete_async (volume, FALSE, FALSE, NULL, NULL, test_on_result_cb, &result);
  g_assert_true (hangar_volume_delete_finish (volume, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* What virConnectGetStoragePoolCapabilities says, read from real libvirt 9.0 answers
 * (the test driver cannot answer it). */
static void
assert_pool_types_of (const char           *file,
                      const HangarPoolType *expected,
                      guint                 n_expected)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) types = NULL;

  g_assert_true (g_file_get_contents (path, &xml, NULL, &error));
  types = hangar_storage_pool_types_from_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (types->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpint (g_array_index (types, HangarPoolType, i), ==, expected[i]);
}

static void
test_pool_capabilities (void)
{
  static const HangarPoolType all[] = { HANGAR_POOL_TYPE_DIR, HANGAR_POOL_TYPE_FS,
                                        HANGAR_POOL_TYPE_NETFS, HANGAR_POOL_TYPE_LOGICAL,
                                        HANGAR_POOL_TYPE_DISK, HANGAR_POOL_TYPE_ISCSI };
  static const HangarPoolType partial[] = { HANGAR_POOL_TYPE_DIR, HANGAR_POOL_TYPE_FS,
                                            HANGAR_POOL_TYPE_NETFS, HANGAR_POOL_TYPE_DISK };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) none = NULL;

  assert_pool_types_of ("storage-pool-capabilities.xml", all, G_N_ELEMENTS (all));
  assert_pool_types_of ("storage-pool-capabilities-partial.xml", partial,
                        G_N_ELEMENTS (partial));
  none = hangar_storage_pool_types_from_xml ("<storagepoolCapabilities", &error);
  g_assert_null (none);
  g_assert_nonnull (error);
}

/* A host page holds its HangarPool: the same object comes back after a reconnect. */
static void
test_pools_survive_reconnect (void)
{
  g_autofree char *uri = test_data_uri ("storage.xml");
  HangarConnection *connection = test_open_connection (uri);
  g_autoptr(HangarPool) pool = g_object_ref (hangar_connection_find_pool (connection, "images"));

  load_volumes (pool);
  hangar_connection_close (connection);
  g_assert_null (hangar_connection_find_pool (connection, "images"));

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_connected, connection, 5000));
  g_assert_true (hangar_connection_find_pool (connection, "images") == pool);
  g_assert_cmpint (hangar_pool_get_state (pool), ==, HANGAR_POOL_STATE_RUNNING);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_pool_get_volumes (pool)), ==, 3);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/storage/pool-types", test_pool_types);
  g_test_add_func ("/storage/specs-copy", test_specs_copy);
  g_test_add_func ("/storage/check-name", test_check_name);
  g_test_add_func ("/storage/parse-size", test_parse_size);
  g_test_add_func ("/storage/job", test_job);
  g_test_add_func ("/storage/list-default", test_list_default);
  g_test_add_func ("/storage/list-file", test_list_file);
  g_test_add_func ("/storage/pool-operations", test_pool_operations);
  g_test_add_func ("/storage/follows-other-connection", test_follows_other_connection);
  g_test_add_func ("/storage/pools-survive-reconnect", test_pools_survive_reconnect);
  g_test_add_func ("/storage/create-each-type", test_create_each_type);
  g_test_add_func ("/storage/create-defaults", test_create_defaults);
  g_test_add_func ("/storage/bad-pool-specs", test_bad_pool_specs);
  g_test_add_func ("/storage/create-cancelled", test_create_cancelled);
  g_test_add_func ("/storage/pool-types-and-default", test_pool_types_and_default);
  g_test_add_func ("/storage/bad-volume-specs", test_bad_volume_specs);
  g_test_add_func ("/storage/create-volumes", test_create_volumes);
  g_test_add_func ("/storage/create-volume-cancelled", test_create_volume_cancelled);
  g_test_add_func ("/storage/resize-volume", test_resize_volume);
  g_test_add_func ("/storage/delete-volume", test_delete_volume);
  g_test_add_func ("/storage/many-volumes", test_many_volumes);
  g_test_add_func ("/storage/users-follow-guests", test_users_follow_guests);
  g_test_add_func ("/storage/pool-capabilities", test_pool_capabilities);

  return g_test_run ();
}
