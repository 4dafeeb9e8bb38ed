// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-storage"

/* The storage model on libvirt's test driver: the field checks, pools and volumes as
 * listed, each operation, and the model following changes made through a second,
 * plain libvirt connection (its events arrive on the main loop). */

#include "config.h"

#include <string.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-pool.h"
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

static void
on_result_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

/* Waits for an operation started with on_result_cb and &result. */
static GAsyncResult *
wait_result (GAsyncResult **result)
{
  if (!test_wait_for (has_result, result, 10000))
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
  g_assert_cmpstr (hangar_volume_get_used_by (shared), ==, "web, db");
  g_assert_cmpuint (g_strv_length ((char **)hangar_volume_get_users (shared)), ==, 2);
  g_object_get (shared, "users", &users, "pool", &owner, NULL);
  g_assert_cmpstr (users[1], ==, "db");
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

  hangar_pool_stop_async (vg, NULL, on_result_cb, &result);
  g_assert_true (hangar_pool_stop_finish (vg, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  /* The caller finds the pool changed when its callback runs. */
  g_assert_cmpint (hangar_pool_get_state (vg), ==, HANGAR_POOL_STATE_INACTIVE);
  g_assert_false (hangar_pool_get_active (vg));
  g_assert_cmpuint (hangar_pool_get_capacity (vg), ==, 0);
  g_assert_cmpstr (hangar_pool_get_state_label (vg), ==, "Inactive");

  /* Stopping it again: libvirt's reason, in a sentence naming the pool. */
  hangar_pool_stop_async (vg, NULL, on_result_cb, &result);
  g_assert_false (hangar_pool_stop_finish (vg, wait_result (&result), &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Could not stop the pool “vg-data”: "));
  g_clear_error (&error);
  g_clear_object (&result);

  hangar_pool_start_async (vg, NULL, on_result_cb, &result);
  g_assert_true (hangar_pool_start_finish (vg, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (hangar_pool_get_state (vg), ==, HANGAR_POOL_STATE_RUNNING);
  g_assert_cmpuint (hangar_pool_get_capacity (vg), ==, 100 * GiB);

  hangar_pool_set_autostart_async (vg, TRUE, NULL, on_result_cb, &result);
  g_assert_true (hangar_pool_set_autostart_finish (vg, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (hangar_pool_get_autostart (vg));

  hangar_pool_refresh_async (images, NULL, on_result_cb, &result);
  g_assert_true (hangar_pool_refresh_finish (images, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 3);

  /* A stopped pool lists no volumes. */
  hangar_pool_stop_async (images, NULL, on_result_cb, &result);
  g_assert_true (hangar_pool_stop_finish (images, wait_result (&result), &error));
  g_clear_object (&result);
  g_assert_cmpuint (g_list_model_get_n_items (volumes), ==, 0);

  hangar_pool_delete_async (vg, FALSE, NULL, on_result_cb, &result);
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

  return g_test_run ();
}
