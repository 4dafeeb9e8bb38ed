// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * hangar-bench-storage URI POOL N [IDLE_SECONDS]
 *
 * Lists the volumes of pool POOL on URI through Hangar's core, as the host page does
 * (HangarConnection → HangarPool → its GListModel of HangarVolume), and prints one line
 * of key=value measurements for bench/storage/run.sh:
 *
 *   stall_ms        the longest gap between two runs of a 1 ms timeout on the main
 *                   context, from asking for the volumes until all N are in the model
 *                   (and 100 ms after): how long a window would have been frozen;
 *   request_ms      from asking for the volumes (hangar_pool_get_volumes) until the
 *                   model holds all N;
 *   answer_ms       from libvirt's last answer (see below) until the model holds all N:
 *                   Hangar's own work once libvirt has answered;
 *   rss_kb          resident memory growth over the same span (VmRSS);
 *   idle_cpu_pct    CPU (all threads, getrusage) over IDLE_SECONDS after listing,
 *                   with the 1 ms timeout removed, as a share of one core;
 *   calls           how many libvirt storage calls Hangar made for the listing.
 *
 * "libvirt's last answer": this program wraps the libvirt functions that read pools,
 * volumes and guests' definitions (the wrappers below pass every call on to libvirt
 * unchanged, found with dlsym (RTLD_NEXT)) and notes when each returns. The core is a
 * static library linked into this program, and the program exports its symbols, so
 * both the core's calls and libvirt-gobject's reach the wrappers.
 *
 * Exits 1 (with a message) when the connection, the pool or the N volumes do not come
 * within 120 s. It judges nothing else: run.sh compares with the targets.
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "bench-storage"

#include "config.h"

#include <dlfcn.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-pool.h"
#include "hangar-volume.h"

#define WAIT_TIMEOUT_US (120 * G_USEC_PER_SEC)

/* ---- libvirt's answers ------------------------------------------------------------- */

/* When libvirt last answered (monotonic µs) and how many calls it answered so far;
 * written on the core's worker threads, read on the main thread. */
G_LOCK_DEFINE_STATIC (answers);
static gint64 last_answer;
static int calls;

static void
answered (void)
{
  G_LOCK (answers);
  last_answer = g_get_monotonic_time ();
  calls++;
  G_UNLOCK (answers);
}

static gpointer
real_function (const char *name)
{
  gpointer fn = dlsym (RTLD_NEXT, name);

  if (fn == NULL)
    g_error ("libvirt has no %s", name);
  return fn;
}

/* Defines a pass-through wrapper of libvirt function NAME. */
#define WRAP(ret, name, params, args) \
  ret name params \
  { \
    static ret (*real) params; \
    static gsize resolved; \
    ret r; \
    if (g_once_init_enter (&resolved)) \
      { \
        real = real_function (#name); \
        g_once_init_leave (&resolved, 1); \
      } \
    r = real args; \
    answered (); \
    return r; \
  }

WRAP (int, virStoragePoolListAllVolumes,
      (virStoragePoolPtr pool, virStorageVolPtr **vols, unsigned int flags),
      (pool, vols, flags))
WRAP (int, virStoragePoolListVolumes,
      (virStoragePoolPtr pool, char **const names, int maxnames),
      (pool, names, maxnames))
WRAP (int, virStoragePoolNumOfVolumes, (virStoragePoolPtr pool), (pool))
WRAP (int, virStoragePoolRefresh, (virStoragePoolPtr pool, unsigned int flags),
      (pool, flags))
WRAP (int, virStoragePoolGetInfo, (virStoragePoolPtr pool, virStoragePoolInfoPtr info),
      (pool, info))
WRAP (char *, virStoragePoolGetXMLDesc, (virStoragePoolPtr pool, unsigned int flags),
      (pool, flags))
WRAP (virStorageVolPtr, virStorageVolLookupByName,
      (virStoragePoolPtr pool, const char *name), (pool, name))
WRAP (int, virStorageVolGetInfo, (virStorageVolPtr vol, virStorageVolInfoPtr info),
      (vol, info))
WRAP (int, virStorageVolGetInfoFlags,
      (virStorageVolPtr vol, virStorageVolInfoPtr info, unsigned int flags),
      (vol, info, flags))
WRAP (char *, virStorageVolGetXMLDesc, (virStorageVolPtr vol, unsigned int flags),
      (vol, flags))
WRAP (char *, virStorageVolGetPath, (virStorageVolPtr vol), (vol))
WRAP (int, virConnectListAllDomains,
      (virConnectPtr conn, virDomainPtr **domains, unsigned int flags),
      (conn, domains, flags))
WRAP (char *, virDomainGetXMLDesc, (virDomainPtr domain, unsigned int flags),
      (domain, flags))

/* ---- the main loop's pulse ----------------------------------------------------------- */

static gint64 last_tick;
static gint64 longest_gap;
static gboolean measuring;

static gboolean
on_tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (measuring && last_tick > 0)
    longest_gap = MAX (longest_gap, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

/* ---- helpers -------------------------------------------------------------------------- */

static gint64
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "\nVmRSS:")) == NULL)
    g_error ("Cannot read VmRSS from /proc/self/status");
  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

typedef gboolean (*Predicate) (gpointer data);

/* Runs the main context until @pred holds; exits the program after WAIT_TIMEOUT_US. */
static void
wait_for (Predicate   pred,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_US;

  while (!pred (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_printerr ("hangar-bench-storage: %s did not happen within %d s\n", what,
                      (int)(WAIT_TIMEOUT_US / G_USEC_PER_SEC));
          exit (1);
        }
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
on_time_up_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context for @ms, waking for nothing else of its own. */
static void
run_for (guint ms)
{
  gboolean up = FALSE;

  g_timeout_add (ms, on_time_up_cb, &up);
  while (!up)
    g_main_context_iteration (NULL, TRUE);
}

/* ---- the listing ---------------------------------------------------------------------- */

typedef struct {
  HangarConnection *conn;
  const char       *pool_name;
  HangarPool       *pool;
  GListModel       *volumes;
  guint             expected;
  gint64            full_at;       /* when the model first held @expected volumes */
  gint64            answer_at;     /* libvirt's last answer at that moment */
  int               calls_at;
  gboolean          open_done;
  GError           *open_error;
} Bench;

static void
on_open_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Bench *b = user_data;

  hangar_connection_open_finish (HANGAR_CONNECTION (source), result, &b->open_error);
  b->open_done = TRUE;
}

static gboolean
open_done (gpointer data)
{
  return ((Bench *)data)->open_done;
}

static gboolean
pool_found (gpointer data)
{
  Bench *b = data;

  b->pool = hangar_connection_find_pool (b->conn, b->pool_name);
  return b->pool != NULL;
}

static void
note_if_full (Bench *b)
{
  if (b->full_at == 0 && hangar_pool_get_volumes_loaded (b->pool) &&
      g_list_model_get_n_items (b->volumes) == b->expected)
    {
      b->full_at = g_get_monotonic_time ();
      G_LOCK (answers);
      b->answer_at = last_answer;
      b->calls_at = calls;
      G_UNLOCK (answers);
    }
}

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  note_if_full (user_data);
}

static void
on_volumes_loaded_cb (GObject    *pool,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  note_if_full (user_data);
}

static gboolean
model_full (gpointer data)
{
  return ((Bench *)data)->full_at != 0;
}

int
main (int   argc,
      char *argv[])
{
  Bench b = { 0 };
  guint64 expected;
  guint64 idle_s = 30;
  gint64 asked_at, rss_before, rss_after;
  int calls_before;
  double cpu_before, cpu_idle;
  guint tick;

  setlocale (LC_ALL, "");
  if (argc < 4 || argc > 5 ||
      !g_ascii_string_to_unsigned (argv[3], 10, 0, G_MAXUINT, &expected, NULL) ||
      (argc == 5 && !g_ascii_string_to_unsigned (argv[4], 10, 0, 3600, &idle_s, NULL)))
    {
      g_printerr ("Usage: %s URI POOL N [IDLE_SECONDS]\n", argv[0]);
      return 2;
    }
  b.pool_name = argv[2];
  b.expected = (guint)expected;

  hangar_core_init ();
  b.conn = hangar_connection_new (argv[1]);
  hangar_connection_open_async (b.conn, NULL, on_open_cb, &b);
  wait_for (open_done, &b, "opening the connection");
  if (b.open_error != NULL)
    {
      g_printerr ("hangar-bench-storage: cannot open %s: %s\n", argv[1], b.open_error->message);
      return 1;
    }
  wait_for (pool_found, &b, "the pool's appearing in the connection's list");

  /* Let whatever the connection does after opening (guests, stats) settle first. */
  run_for (1000);
  tick = g_timeout_add (1, on_tick_cb, NULL);
  run_for (100);

  rss_before = rss_kb ();
  G_LOCK (answers);
  calls_before = calls;
  G_UNLOCK (answers);
  measuring = TRUE;
  asked_at = g_get_monotonic_time ();
  b.volumes = hangar_pool_get_volumes (b.pool);
  g_signal_connect (b.volumes, "items-changed", G_CALLBACK (on_items_changed_cb), &b);
  g_signal_connect (b.pool, "notify::volumes-loaded", G_CALLBACK (on_volumes_loaded_cb), &b);
  note_if_full (&b);
  wait_for (model_full, &b, "the volume list's filling");
  run_for (100);
  measuring = FALSE;
  rss_after = rss_kb ();
  g_source_remove (tick);

  cpu_before = cpu_seconds ();
  run_for (idle_s * 1000);
  cpu_idle = cpu_seconds () - cpu_before;

  printf ("volumes=%u stall_ms=%.1f request_ms=%.1f answer_ms=%.1f rss_kb=%" G_GINT64_FORMAT
          " rss_total_kb=%" G_GINT64_FORMAT " idle_s=%" G_GUINT64_FORMAT
          " idle_cpu_pct=%.2f calls=%d\n",
          g_list_model_get_n_items (b.volumes), longest_gap / 1000.0,
          (b.full_at - asked_at) / 1000.0,
          b.answer_at > asked_at ? (b.full_at - b.answer_at) / 1000.0 : -1.0,
          rss_after - rss_before, rss_after, idle_s,
          idle_s > 0 ? 100.0 * cpu_idle / idle_s : 0.0, b.calls_at - calls_before);

  g_signal_handlers_disconnect_by_data (b.volumes, &b);
  g_signal_handlers_disconnect_by_data (b.pool, &b);
  hangar_connection_close (b.conn);
  g_object_unref (b.conn);
  return 0;
}
