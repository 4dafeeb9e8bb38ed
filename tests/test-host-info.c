// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-host-info"

#include "config.h"

#include <stdlib.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-host-info.h"
#include "test-core-util.h"

/* HangarHostInfo on libvirt's test driver; expected values come from the test's own
 * libvirt connection, not from the code under test. */

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static gboolean
is_disconnected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_DISCONNECTED;
}

static gboolean
is_loaded (gpointer data)
{
  return hangar_host_info_get_loaded (data);
}

static void
on_sampled_cb (HangarHostInfo *info,
               guint          *count)
{
  (*count)++;
}

typedef struct {
  guint *count;
  guint at_least;
} CountCheck;

static gboolean
count_reached (gpointer data)
{
  CountCheck *check = data;

  return *check->count >= check->at_least;
}

static void
wait_for_samples (guint *count,
                  guint  at_least)
{
  CountCheck check = { count, at_least };

  if (!test_wait_for (count_reached, &check, 5000))
    g_error ("%u samples after 5 s, expected %u", *count, at_least);
}

/* The facts equal what libvirt tells another connection to the same host. */
static void
test_facts (void)
{
  g_autoptr(HangarConnection) connection = test_open_connection ("test:///default");
  HangarHostInfo *info = hangar_host_info_new (connection);
  virConnectPtr other = virConnectOpen ("test:///default");
  virNodeInfo node;
  unsigned long lib_version;
  char *host_name;
  g_autofree char *version_text = NULL;

  g_assert_nonnull (other);
  g_assert_true (test_wait_for (is_loaded, info, 5000));

  host_name = virConnectGetHostname (other);
  g_assert_cmpstr (hangar_host_info_get_host_name (info), ==, host_name);
  free (host_name);

  /* The test driver calls itself TEST, version 0.0.2 (virsh version says so too). */
  g_assert_cmpstr (hangar_host_info_get_hypervisor (info), ==, "TEST 0.0.2");

  g_assert_cmpint (virConnectGetLibVersion (other, &lib_version), ==, 0);
  version_text = g_strdup_printf ("%lu.%lu.%lu", lib_version / 1000000,
                                  lib_version / 1000 % 1000, lib_version % 1000);
  g_assert_cmpstr (hangar_host_info_get_libvirt_version (info), ==, version_text);

  g_assert_cmpint (virNodeGetInfo (other, &node), ==, 0);
  g_assert_cmpstr (hangar_host_info_get_architecture (info), ==, node.model);
  g_assert_cmpuint (hangar_host_info_get_cpus (info), ==, node.cpus);
  g_assert_cmpuint (hangar_host_info_get_cpu_mhz (info), ==, node.mhz);
  g_assert_cmpuint (hangar_host_info_get_memory (info), ==, (guint64)node.memory * 1024);
  /* The test driver's documented host: 16 CPUs, 3 GiB. */
  g_assert_cmpuint (hangar_host_info_get_cpus (info), ==, 16);
  g_assert_cmpuint (hangar_host_info_get_memory (info), ==, G_GUINT64_CONSTANT (3) << 30);

  /* Nobody watches: nothing is sampled. */
  g_assert_cmpfloat (hangar_host_info_get_cpu_usage (info), ==, -1);
  g_assert_cmpfloat (hangar_host_info_get_memory_fraction (info), ==, -1);

  virConnectClose (other);
  test_assert_finalized (info);
  hangar_connection_close (connection);
}

/* While watched, samples arrive every interval; the test driver lacks memory
 * statistics, so memory use is the total less its free memory; its CPU counters never
 * move, so CPU use stays unknown. Unwatched, sampling stops. */
static void
test_sampling (void)
{
  g_autoptr(HangarConnection) connection = test_open_connection ("test:///default");
  HangarHostInfo *info = hangar_host_info_new (connection);
  HangarHostInfo *witness = hangar_host_info_new (connection);
  virConnectPtr other = virConnectOpen ("test:///default");
  virNodeInfo node;
  guint64 expected_used;
  guint samples = 0, witness_samples = 0;

  g_assert_nonnull (other);
  g_assert_cmpint (virNodeGetInfo (other, &node), ==, 0);
  expected_used = (guint64)node.memory * 1024 - virNodeGetFreeMemory (other);
  virConnectClose (other);

  hangar_connection_set_stats_interval (connection, 50);
  g_signal_connect (info, "sampled", G_CALLBACK (on_sampled_cb), &samples);
  g_signal_connect (witness, "sampled", G_CALLBACK (on_sampled_cb), &witness_samples);
  g_assert_true (test_wait_for (is_loaded, info, 5000));
  g_assert_true (test_wait_for (is_loaded, witness, 5000));

  g_assert_false (hangar_host_info_get_measuring (info));
  hangar_host_info_watch (info);
  /* Measuring until two samples are in (CPU use needs two). */
  g_assert_true (hangar_host_info_get_measuring (info));
  wait_for_samples (&samples, 3);
  g_assert_false (hangar_host_info_get_measuring (info));
  g_assert_cmpuint (hangar_host_info_get_memory_used (info), ==, expected_used);
  g_assert_cmpuint (hangar_host_info_get_memory_total (info), ==, (guint64)node.memory * 1024);
  g_assert_cmpfloat_with_epsilon (hangar_host_info_get_memory_fraction (info),
                                  (double)expected_used / ((double)node.memory * 1024), 1e-9);
  g_assert_cmpfloat (hangar_host_info_get_cpu_usage (info), ==, -1);
  g_assert_cmpuint (witness_samples, ==, 0);

  /* Two watchers, one sampler; after the last unwatch, none. The witness's three
   * samples prove three intervals passed. */
  hangar_host_info_watch (info);
  hangar_host_info_unwatch (info);
  hangar_host_info_unwatch (info);
  samples = 0;
  hangar_host_info_watch (witness);
  wait_for_samples (&witness_samples, 3);
  g_assert_cmpuint (samples, ==, 0);
  hangar_host_info_unwatch (witness);

  test_assert_finalized (witness);
  test_assert_finalized (info);
  hangar_connection_close (connection);
}

/* A closed link stops sampling and forgets the live values; the reopened one is
 * sampled again. */
static void
test_disconnect (void)
{
  g_autoptr(HangarConnection) connection = test_open_connection ("test:///default");
  HangarHostInfo *info = hangar_host_info_new (connection);
  guint samples = 0;

  hangar_connection_set_stats_interval (connection, 50);
  g_signal_connect (info, "sampled", G_CALLBACK (on_sampled_cb), &samples);
  g_assert_true (test_wait_for (is_loaded, info, 5000));
  hangar_host_info_watch (info);
  wait_for_samples (&samples, 1);
  g_assert_cmpfloat (hangar_host_info_get_memory_fraction (info), >, 0);

  hangar_connection_close (connection);
  g_assert_true (test_wait_for (is_disconnected, connection, 5000));
  g_assert_cmpfloat (hangar_host_info_get_memory_fraction (info), ==, -1);
  g_assert_cmpuint (hangar_host_info_get_memory_used (info), ==, 0);
  g_assert_cmpuint (hangar_host_info_get_memory_total (info), ==, 0);
  /* The facts stay: they are still the host's. */
  g_assert_cmpuint (hangar_host_info_get_cpus (info), ==, 16);

  samples = 0;
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_connected, connection, 5000));
  wait_for_samples (&samples, 2);
  g_assert_cmpfloat (hangar_host_info_get_memory_fraction (info), >, 0);

  hangar_host_info_unwatch (info);
  test_assert_finalized (info);
  hangar_connection_close (connection);
}

/* CPU use between two samples of the host's counters. */
static void
test_cpu_usage (void)
{
  const HangarHostCpuTimes start = { 100, 200, 700, 0 };
  const HangarHostCpuTimes quarter = { 150, 250, 1000, 0 };   /* 100 busy of 400 */
  const HangarHostCpuTimes all_busy = { 600, 200, 700, 0 };   /* 500 of 500 */
  const HangarHostCpuTimes waiting = { 100, 200, 800, 100 };  /* iowait is not busy */

  g_assert_cmpfloat_with_epsilon (hangar_host_cpu_usage (&start, &quarter), 25.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (hangar_host_cpu_usage (&start, &all_busy), 100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (hangar_host_cpu_usage (&start, &waiting), 0.0, 1e-9);
  /* No time passed, or the counters went back (the host restarted): unknown. */
  g_assert_cmpfloat (hangar_host_cpu_usage (&start, &start), ==, -1);
  g_assert_cmpfloat (hangar_host_cpu_usage (&quarter, &start), ==, -1);
}

static void
test_format_version (void)
{
  g_autofree char *a = hangar_format_libvirt_version (9000000);
  g_autofree char *b = hangar_format_libvirt_version (7002001);
  g_autofree char *c = hangar_format_libvirt_version (2);

  g_assert_cmpstr (a, ==, "9.0.0");
  g_assert_cmpstr (b, ==, "7.2.1");
  g_assert_cmpstr (c, ==, "0.0.2");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/host-info/facts", test_facts);
  g_test_add_func ("/host-info/sampling", test_sampling);
  g_test_add_func ("/host-info/disconnect", test_disconnect);
  g_test_add_func ("/host-info/cpu-usage", test_cpu_usage);
  g_test_add_func ("/host-info/format-version", test_format_version);

  return g_test_run ();
}
