// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The per-guest statistics fallback on a real driver that lacks the bulk call.
 *
 * HangarConnection samples CPU and memory with virConnectGetAllDomainStats; where a
 * driver answers VIR_ERR_NO_SUPPORT it asks each running guest on its own
 * (hangar-connection-stats.c). libvirt's test driver and QEMU driver both have the bulk
 * call; its LXC driver (libvirt-daemon-driver-lxc) has never had it. So this test runs
 * containers of libvirt's LXC driver:
 *
 *   busy   /bin/sh spinning (while :; do :; done)
 *   idle   /bin/sh blocked reading a FIFO; when the test writes to it, it holds 32 MiB
 *          in a shell variable, says so in a file, and sleeps
 *   late   /bin/sh sleeping, started after Hangar is connected
 *
 * and judges what reaches Hangar's model against libvirt's own per-guest answers:
 * the fallback flag is set; the busy container's CPU is well above the idle one's and
 * matches libvirt's CPU time over the same window; memory follows the cgroup's use
 * (virDomainGetInfo, virDomainMemoryStats' RSS) as the idle container grows; a container
 * started meanwhile gets samples, one stopped meanwhile gets none, and with none left
 * running the sampling timer stops.
 *
 * The libvirtd is the test's own, with the LXC driver alone, in a mount namespace of its
 * own. Why not the system one (lxc:///system): on a host whose cgroups are the hybrid
 * layout (v1 controllers, an empty cgroup2 at /sys/fs/cgroup/unified, as this project's
 * machines have), libvirt 9.0's LXC driver fails every start with "Failure in
 * libvirt_lxc startup: Unable to create directory /sys/fs/cgroup/unified: No such file or
 * directory": setting up the container's /sys/fs/cgroup, it bind-mounts the cgroup2
 * hierarchy (its v2 backend goes first) before the tmpfs that would hold its mount point
 * is there. In its own namespace the daemon does not see the empty cgroup2 mount (the
 * test unmounts it there, nowhere else) and uses the v1 controllers, where the
 * containers' CPU and memory are accounted. Its sockets, state (/run/libvirt) and
 * container definitions (/etc/libvirt/lxc) are the namespace's own too, so the system
 * libvirtd is not touched.
 *
 * Needs root, unshare (util-linux) and libvirt-daemon-driver-lxc (deps.sh installs it);
 * HANGAR_TEST_LIBVIRT_URI must be set, as for every e2e test (build-aux/test). Whatever
 * fails, the e2e cleaner (e2e-virt.c) destroys the containers through the test's
 * libvirtd, then ends the processes naming the test's directory (the daemon, each
 * container's shell) and removes it.
 */
#define G_LOG_DOMAIN "test-e2e-lxc-stats"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "e2e-virt.h"
#include "hangar-connection-private.h"
#include "hangar-core.h"
#include "hangar-guest.h"

#define PREFIX   "hangar-e2e-lxc-"
/* Each container's limit; the idle one grows by GROW_MIB within it. */
#define LIMIT_MIB 256
#define GROW_MIB   32

/* Hangar samples every FIRST_INTERVAL ms at first (the application's default, 3 s), then
 * every INTERVAL ms. */
#define FIRST_INTERVAL 3000
#define INTERVAL        500
#define CONNECT_TIMEOUT 15000
#define DAEMON_TIMEOUT  15000
#define STATE_TIMEOUT   15000
#define SAMPLES_TIMEOUT 20000
/* The window over which Hangar's CPU figures and libvirt's are compared. */
#define WINDOW_SAMPLES      8

typedef struct {
  const char  *role;
  char        *name;
  virDomainPtr domain;
  HangarGuest *guest;
  /* Every CPU figure Hangar's model published (notify::cpu-usage with a sample). */
  GArray      *usage;
} Container;

/* The test's libvirtd: its directory (config, sockets, pid file), process and URI. */
static char *daemon_dir;
static GPid daemon_pid;
static char *lxc_uri;
static virConnectPtr virt;
static HangarConnection *connection;
static Container busy = { "busy" }, idle = { "idle" }, late = { "late" };
static Container *const containers[] = { &busy, &idle, &late };
/* The FIFO the idle container waits on (in daemon_dir), and the file it writes once
 * grown. */
static char *fifo_path;
static char *grown_path;

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
stop_daemon (void)
{
  int status;

  if (daemon_pid == 0)
    return;
  kill (daemon_pid, SIGTERM);
  waitpid (daemon_pid, &status, 0);
  g_spawn_close_pid (daemon_pid);
  daemon_pid = 0;
}

/* Stopped and undefined (e2e_remove_domain's NVRAM flag is one LXC refuses). */
static void
remove_container (Container *c)
{
  virDomainPtr dom = virDomainLookupByName (virt, c->name);

  if (dom == NULL)
    {
      virResetLastError ();
      return;
    }
  if (virDomainIsActive (dom) == 1)
    virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainFree (dom);
}

static void
cleanup (void)
{
  const char *argv[] = { "rm", "-rf", "--", daemon_dir, NULL };

  for (guint i = 0; i < G_N_ELEMENTS (containers); i++)
    if (virt != NULL && containers[i]->name != NULL)
      {
        remove_container (containers[i]);
        e2e_cleanup_domain_done (containers[i]->name);
      }
  g_clear_pointer (&virt, virConnectClose);
  stop_daemon ();
  if (daemon_dir != NULL)
    {
      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    NULL, NULL);
      e2e_cleanup_path_done (daemon_dir);
    }
}

/* The test's libvirtd, with the LXC driver alone (LIBVIRT_DRIVER_DIR holds nothing else:
 * no network or QEMU driver to start or stop anything of the host's), in a mount
 * namespace where the empty cgroup2 hierarchy is gone and /run/libvirt and
 * /etc/libvirt/lxc are its own. See the top of the file for why. */
static void
start_daemon (void)
{
  g_autofree char *drivers = g_build_filename (daemon_dir, "drivers", NULL);
  g_autofree char *driver = g_build_filename (drivers, "libvirt_driver_lxc.so", NULL);
  g_autofree char *conf = g_build_filename (daemon_dir, "libvirtd.conf", NULL);
  g_autofree char *log = g_build_filename (daemon_dir, "libvirtd.log", NULL);
  g_autofree char *pidfile = g_build_filename (daemon_dir, "libvirtd.pid", NULL);
  g_autofree char *socket = g_build_filename (daemon_dir, "libvirt-sock", NULL);
  /* Its process is not called libvirtd: what looks for the system's by name (pgrep -x
   * libvirtd, as build-aux/deps.sh and e2e-libvirtd do) does not find this one. */
  g_autofree char *binary = g_build_filename (daemon_dir, "lxc-libvirtd", NULL);
  g_autofree char *config = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { "unshare", "--mount", "--propagation", "private", "sh", "-ec", NULL,
                         NULL };

  e2e_assert (g_file_test (LXC_DRIVER, G_FILE_TEST_EXISTS),
              "libvirt's LXC driver %s is not installed: apt-get install "
              "libvirt-daemon-driver-lxc (build-aux/deps.sh lists it)", LXC_DRIVER);
  g_assert_cmpint (g_mkdir (drivers, 0700), ==, 0);
  g_assert_cmpint (symlink (LXC_DRIVER, driver), ==, 0);
  g_assert_cmpint (symlink (LIBVIRTD, binary), ==, 0);
  config = g_strdup_printf ("unix_sock_dir = \"%s\"\n"
                            "unix_sock_rw_perms = \"0700\"\n"
                            "auth_unix_rw = \"none\"\n"
                            "auth_unix_ro = \"none\"\n"
                            "log_outputs = \"3:file:%s\"\n", daemon_dir, log);
  g_assert_true (g_file_set_contents (conf, config, -1, NULL));
  script = g_strdup_printf ("if mountpoint -q /sys/fs/cgroup/unified; then "
                            "umount /sys/fs/cgroup/unified; fi; "
                            "mount -t tmpfs tmpfs /run/libvirt; "
                            "mkdir -p /etc/libvirt/lxc; mount -t tmpfs tmpfs /etc/libvirt/lxc; "
                            "exec '%s' -f '%s' -p '%s'", binary, conf, pidfile);
  argv[6] = script;
  env = g_environ_setenv (env, "LIBVIRT_DRIVER_DIR", drivers, TRUE);
  env = g_environ_setenv (env, "PATH", "/usr/sbin:/usr/bin:/sbin:/bin", TRUE);
  e2e_assert (g_spawn_async (NULL, (char **)argv, env,
                             G_SPAWN_SEARCH_PATH_FROM_ENVP | G_SPAWN_DO_NOT_REAP_CHILD |
                             G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL, &daemon_pid, &error),
              "cannot start the test's libvirtd: %s", error->message);
  e2e_assert (e2e_wait_for (file_exists, socket, DAEMON_TIMEOUT),
              "the test's libvirtd did not make %s within %d ms (see %s)", socket,
              DAEMON_TIMEOUT, log);
}

/* The end of libvirt's log of a container (the controller's and its init's words). */
static char *
container_log (Container *c)
{
  g_autofree char *path = g_strdup_printf ("/var/log/libvirt/lxc/%s.log", c->name);
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, NULL))
    return g_strdup_printf ("(no %s)", path);
  return g_strdup (text + (len > 1500 ? len - 1500 : 0));
}

static void
define_container (Container  *c,
                  const char *script)
{
  g_autofree char *escaped = g_markup_escape_text (script, -1);
  g_autofree char *xml = g_strdup_printf (
    "<domain type='lxc'>"
    "  <name>%s</name>"
    "  <memory unit='MiB'>%d</memory>"
    "  <vcpu>1</vcpu>"
    "  <os><type>exe</type><init>/bin/sh</init>"
    "    <initarg>-c</initarg><initarg>%s</initarg></os>"
    "  <devices><console type='pty'/></devices>"
    "</domain>", c->name, LIMIT_MIB, escaped);

  e2e_cleanup_domain (c->name);
  c->domain = virDomainDefineXML (virt, xml);
  e2e_assert (c->domain != NULL, "cannot define the %s container %s: %s", c->role, c->name,
              e2e_virt_error ());
}

static void
start_container (Container *c)
{
  g_autofree char *log = NULL;

  if (virDomainCreate (c->domain) == 0)
    return;
  log = container_log (c);
  e2e_fail (__FILE__, __LINE__, G_STRFUNC, "libvirt cannot start the %s container %s: %s\n"
            "its log ends:\n%s", c->role, c->name, e2e_virt_error (), log);
}

static void
on_cpu_usage_cb (HangarGuest *guest,
                 GParamSpec  *pspec,
                 Container   *c)
{
  guint n = 0;
  double usage;

  /* A stop clears the history, which notifies too: that is no sample. */
  hangar_guest_get_cpu_history (guest, &n);
  if (n == 0)
    return;
  usage = hangar_guest_get_cpu_usage (guest);
  g_array_append_val (c->usage, usage);
}

/* ---- waits ------------------------------------------------------------------------------ */

static gboolean
connection_open (gpointer data)
{
  return hangar_connection_get_state (connection) == HANGAR_CONNECTION_STATE_CONNECTED;
}

typedef struct {
  Container        *c;
  HangarGuestState  state;
} StateWait;

static gboolean
model_state_is (gpointer data)
{
  StateWait *w = data;
  HangarGuest *guest = hangar_connection_find_guest (connection, w->c->name);

  return guest != NULL && hangar_guest_get_state (guest) == w->state;
}

/* Waits until Hangar shows @c in @state; the first time, keeps its HangarGuest and
 * follows its CPU figures. */
static void
await_model_state (Container        *c,
                   HangarGuestState  state,
                   const char       *what)
{
  StateWait w = { c, state };
  HangarGuest *guest;
  gint64 ms = 0;

  e2e_assert (e2e_wait_for_elapsed (model_state_is, &w, STATE_TIMEOUT, &ms),
              "%s: Hangar does not show the %s container as “%s” within %d ms (it shows %s)",
              what, c->role, hangar_guest_state_to_label (state), STATE_TIMEOUT,
              (guest = hangar_connection_find_guest (connection, c->name)) != NULL
                ? hangar_guest_get_state_label (guest) : "no such guest");
  g_test_message ("%s: the %s container is “%s” in Hangar after %" G_GINT64_FORMAT " ms", what,
                  c->role, hangar_guest_state_to_label (state), ms);
  if (c->guest == NULL)
    {
      c->guest = g_object_ref (hangar_connection_find_guest (connection, c->name));
      g_signal_connect (c->guest, "notify::cpu-usage", G_CALLBACK (on_cpu_usage_cb), c);
    }
}

typedef struct {
  Container *c;
  guint      count;
} SamplesWait;

static gboolean
has_samples (gpointer data)
{
  SamplesWait *w = data;

  return w->c->usage->len >= w->count;
}

static void
await_samples (Container  *c,
               guint       count,
               const char *what)
{
  SamplesWait w = { c, count };
  gint64 ms = 0;

  e2e_assert (e2e_wait_for_elapsed (has_samples, &w, SAMPLES_TIMEOUT, &ms),
              "%s: Hangar has %u CPU samples of the %s container, not %u, after %d ms", what,
              c->usage->len, c->role, count, SAMPLES_TIMEOUT);
  g_test_message ("%s: %u CPU samples of the %s container after %" G_GINT64_FORMAT " ms", what,
                  count, c->role, ms);
}

/* ---- what libvirt itself says ----------------------------------------------------------- */

static virDomainInfo
libvirt_info (Container *c)
{
  virDomainInfo info;

  e2e_assert (virDomainGetInfo (c->domain, &info) == 0,
              "libvirt cannot tell the %s container's CPU time and memory: %s", c->role,
              e2e_virt_error ());
  return info;
}

/* The container's resident memory (KiB) by virDomainMemoryStats. */
static guint64
libvirt_rss (Container *c)
{
  virDomainMemoryStatStruct stats[VIR_DOMAIN_MEMORY_STAT_NR];
  int n = virDomainMemoryStats (c->domain, stats, VIR_DOMAIN_MEMORY_STAT_NR, 0);

  e2e_assert (n >= 0, "libvirt has no memory statistics of the %s container: %s", c->role,
              e2e_virt_error ());
  for (int i = 0; i < n; i++)
    if (stats[i].tag == VIR_DOMAIN_MEMORY_STAT_RSS)
      return stats[i].val;
  e2e_fail (__FILE__, __LINE__, G_STRFUNC,
            "libvirt's memory statistics of the %s container hold no RSS", c->role);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* The median of @values from index @from on. */
static double
median (GArray *values,
        guint   from)
{
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (double));

  g_array_append_vals (sorted, &g_array_index (values, double, from), values->len - from);
  g_array_sort (sorted, compare_doubles);
  return sorted->len > 0 ? g_array_index (sorted, double, sorted->len / 2) : 0.0;
}

static double
mean (GArray *values,
      guint   from)
{
  double sum = 0;

  for (guint i = from; i < values->len; i++)
    sum += g_array_index (values, double, i);
  return sum / MAX (values->len - from, 1);
}

/* Hangar's memory figure of @c against libvirt's answers now: the cgroup's use, within
 * what the other figures of the moment allow (they are read at other instants). */
static void
assert_memory_plausible (Container  *c,
                         const char *what)
{
  guint64 shown = hangar_guest_get_memory (c->guest);
  virDomainInfo info = libvirt_info (c);
  guint64 rss = libvirt_rss (c);
  guint64 low = MIN (info.memory, rss), high = MAX (info.memory, rss);

  g_test_message ("%s: the %s container uses %" G_GUINT64_FORMAT " KiB in Hangar, libvirt says "
                  "%lu KiB (GetInfo), RSS %" G_GUINT64_FORMAT " KiB, limit %lu KiB", what,
                  c->role, shown, info.memory, rss, info.maxMem);
  /* Not the limit, which is what Hangar shows before any sample. */
  e2e_assert (shown > 0 && shown < info.maxMem,
              "%s: Hangar shows %" G_GUINT64_FORMAT " KiB for the %s container, not what it "
              "uses (under its limit of %lu KiB)", what, shown, c->role, info.maxMem);
  e2e_assert (shown + 4096 >= low * 3 / 4 && shown <= high * 4 / 3 + 4096,
              "%s: Hangar shows %" G_GUINT64_FORMAT " KiB for the %s container; libvirt says "
              "%lu KiB (GetInfo) and %" G_GUINT64_FORMAT " KiB (RSS)", what, shown, c->role,
              info.memory, rss);
}

/* ---- the test ---------------------------------------------------------------------------- */

static void
test_fallback (void)
{
  virDomainStatsRecordPtr *records = NULL;
  virErrorPtr err;
  g_autofree char *busy_script = NULL;
  g_autofree char *idle_script = NULL;
  g_autofree char *late_script = NULL;
  g_autofree char *busy_log = NULL;
  virDomainInfo busy0, busy1, idle0, idle1;
  gint64 connected, first_ms, t0, t1;
  guint busy_from, idle_from;
  double busy_hangar, idle_hangar, busy_libvirt, idle_libvirt, busy_median, idle_median;
  guint64 idle_before;
  int fd;

  virt = virConnectOpen (lxc_uri);
  e2e_assert (virt != NULL, "cannot connect to the test's libvirtd at %s: %s", lxc_uri,
              e2e_virt_error ());

  /* The premise: this driver lacks the bulk call, so Hangar must take the other path. */
  e2e_assert (virConnectGetAllDomainStats (virt, VIR_DOMAIN_STATS_CPU_TOTAL, &records, 0) < 0,
              "%s answers virConnectGetAllDomainStats: this test no longer tests Hangar's "
              "per-guest fallback", lxc_uri);
  err = virGetLastError ();
  e2e_assert (err != NULL && err->code == VIR_ERR_NO_SUPPORT,
              "%s refuses virConnectGetAllDomainStats with error %d (%s), not "
              "VIR_ERR_NO_SUPPORT", lxc_uri, err ? err->code : -1, e2e_virt_error ());
  virResetLastError ();

  g_assert_cmpint (mkfifo (fifo_path, 0600), ==, 0);
  /* Each shell's command line names the test's directory, so that the cleaner ends it
   * whatever happened to the test's libvirtd. */
  busy_script = g_strdup_printf (": %s; while :; do :; done", daemon_dir);
  idle_script = g_strdup_printf ("read line < %s; x=$(head -c %d /dev/zero | tr '\\0' a); "
                                 "echo grown > %s; sleep 100000", fifo_path,
                                 GROW_MIB * 1024 * 1024, grown_path);
  late_script = g_strdup_printf (": %s; sleep 100000", daemon_dir);
  define_container (&busy, busy_script);
  define_container (&idle, idle_script);
  define_container (&late, late_script);
  start_container (&busy);
  start_container (&idle);

  connection = hangar_connection_new (lxc_uri);
  hangar_connection_set_stats_interval (connection, FIRST_INTERVAL);
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  e2e_assert (e2e_wait_for (connection_open, NULL, CONNECT_TIMEOUT),
              "Hangar could not connect to %s within %d ms: %s", lxc_uri, CONNECT_TIMEOUT,
              hangar_connection_get_error_message (connection));
  connected = g_get_monotonic_time ();
  await_model_state (&busy, HANGAR_GUEST_STATE_RUNNING, "listed");
  await_model_state (&idle, HANGAR_GUEST_STATE_RUNNING, "listed");
  await_model_state (&late, HANGAR_GUEST_STATE_SHUTOFF, "listed");
  /* The tick at the connection learns the bulk call is missing and takes each guest's
   * baseline; the next one, an interval later, gives the first figure (not two
   * intervals later, as when that first tick gave nothing). */
  await_samples (&busy, 1, "first sample");
  first_ms = (g_get_monotonic_time () - connected) / 1000;
  g_test_message ("the first CPU figure came %" G_GINT64_FORMAT " ms after the connection, "
                  "interval %d ms", first_ms, FIRST_INTERVAL);
  e2e_assert (first_ms < FIRST_INTERVAL * 3 / 2,
              "the first CPU figure came %" G_GINT64_FORMAT " ms after the connection: more "
              "than one interval (%d ms)", first_ms, FIRST_INTERVAL);
  hangar_connection_set_stats_interval (connection, INTERVAL);
  await_samples (&busy, 2, "first samples");
  await_samples (&idle, 2, "first samples");
  e2e_assert (connection->bulk_stats_unsupported,
              "Hangar has CPU samples of %s's containers but did not mark the bulk call "
              "unsupported: they did not come from the per-guest path", lxc_uri);

  /* CPU: Hangar's figures over a window against libvirt's CPU time over the same. */
  busy_from = busy.usage->len;
  idle_from = idle.usage->len;
  t0 = g_get_monotonic_time ();
  busy0 = libvirt_info (&busy);
  idle0 = libvirt_info (&idle);
  await_samples (&busy, busy_from + WINDOW_SAMPLES, "window");
  await_samples (&idle, idle_from + WINDOW_SAMPLES, "window");
  t1 = g_get_monotonic_time ();
  busy1 = libvirt_info (&busy);
  idle1 = libvirt_info (&idle);
  busy_libvirt = (double)(busy1.cpuTime - busy0.cpuTime) / ((t1 - t0) * 1000.0) * 100.0;
  idle_libvirt = (double)(idle1.cpuTime - idle0.cpuTime) / ((t1 - t0) * 1000.0) * 100.0;
  busy_hangar = mean (busy.usage, busy_from);
  idle_hangar = mean (idle.usage, idle_from);
  busy_median = median (busy.usage, busy_from);
  idle_median = median (idle.usage, idle_from);
  g_test_message ("CPU over %.1f s: busy %.1f %% in Hangar (median %.1f), %.1f %% by libvirt; "
                  "idle %.2f %% in Hangar (median %.2f), %.2f %% by libvirt",
                  (t1 - t0) / 1e6, busy_hangar, busy_median, busy_libvirt, idle_hangar,
                  idle_median, idle_libvirt);
  e2e_assert (busy_median >= 15.0 && idle_median <= 2.0,
              "Hangar shows the spinning container at %.1f %% and the idle one at %.2f %% "
              "(medians): the spinning one should be far above", busy_median, idle_median);
  e2e_assert (fabs (busy_hangar - busy_libvirt) <= 5.0 &&
              fabs (idle_hangar - idle_libvirt) <= 1.0,
              "Hangar's CPU figures (busy %.1f %%, idle %.2f %%) are not libvirt's over the same "
              "window (%.1f %%, %.2f %%)", busy_hangar, idle_hangar, busy_libvirt, idle_libvirt);

  /* Memory: the cgroup's use, as libvirt reads it, and it follows the idle one's growth. */
  assert_memory_plausible (&busy, "running");
  assert_memory_plausible (&idle, "running");
  idle_before = hangar_guest_get_memory (idle.guest);
  fd = open (fifo_path, O_WRONLY | O_NONBLOCK);
  e2e_assert (fd >= 0, "the idle container does not read %s: %s", fifo_path, g_strerror (errno));
  e2e_assert (write (fd, "go\n", 3) == 3, "cannot write to %s: %s", fifo_path, g_strerror (errno));
  close (fd);
  e2e_assert (e2e_wait_for (file_exists, grown_path, STATE_TIMEOUT),
              "the idle container did not grow by %d MiB within %d ms", GROW_MIB, STATE_TIMEOUT);
  /* Samples taken after it grew. */
  await_samples (&idle, idle.usage->len + 3, "grown");
  assert_memory_plausible (&idle, "grown");
  e2e_assert (hangar_guest_get_memory (idle.guest) >= idle_before + GROW_MIB * 1024 * 3 / 4,
              "the idle container grew by %d MiB, but Hangar shows %" G_GUINT64_FORMAT " KiB, "
              "%" G_GUINT64_FORMAT " KiB before", GROW_MIB, hangar_guest_get_memory (idle.guest),
              idle_before);

  /* A container started meanwhile is sampled too. */
  start_container (&late);
  await_model_state (&late, HANGAR_GUEST_STATE_RUNNING, "started");
  await_samples (&late, 3, "started");
  assert_memory_plausible (&late, "started");
  e2e_assert (mean (late.usage, 0) <= 2.0, "the sleeping container shows %.2f %% CPU in Hangar",
              mean (late.usage, 0));

  /* One stopped meanwhile is not: its graph is cleared and stays empty while the others
   * go on being sampled. */
  e2e_assert (virDomainDestroy (idle.domain) == 0, "cannot stop the idle container: %s",
              e2e_virt_error ());
  await_model_state (&idle, HANGAR_GUEST_STATE_SHUTOFF, "stopped");
  idle_from = idle.usage->len;
  await_samples (&busy, busy.usage->len + 3, "after the stop");
  await_samples (&late, late.usage->len + 3, "after the stop");
  e2e_assert (idle.usage->len == idle_from,
              "Hangar took %u CPU samples of the stopped container", idle.usage->len - idle_from);
  hangar_guest_get_cpu_history (idle.guest, &idle_from);
  e2e_assert (idle_from == 0, "the stopped container still has %u CPU samples in Hangar",
              idle_from);
  e2e_assert (connection->bulk_stats_unsupported, "the fallback flag was lost");

  /* With nothing running, nothing is asked. */
  busy_log = container_log (&busy);
  e2e_assert (virDomainDestroy (busy.domain) == 0 && virDomainDestroy (late.domain) == 0,
              "cannot stop the containers: %s", e2e_virt_error ());
  await_model_state (&busy, HANGAR_GUEST_STATE_SHUTOFF, "stopped");
  await_model_state (&late, HANGAR_GUEST_STATE_SHUTOFF, "stopped");
  e2e_spin (2 * INTERVAL);
  e2e_assert (connection->stats_source == 0, "Hangar's sampling timer runs with no container "
              "running");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "");
  e2e_assert (g_getenv ("HANGAR_TEST_LIBVIRT_URI") != NULL,
              "HANGAR_TEST_LIBVIRT_URI is not set: run the tests with build-aux/test");
  /* Not under /tmp, which a service manager may keep private to a daemon; the containers
   * share the host's file system. The cleaner removes the containers from the test's
   * libvirtd (its URI, read when it starts), then ends what names this directory. */
  daemon_dir = g_strdup_printf ("/var/tmp/" PREFIX "%d", (int)getpid ());
  lxc_uri = g_strdup_printf ("lxc:///system?socket=%s/libvirt-sock", daemon_dir);
  g_setenv ("HANGAR_TEST_LIBVIRT_URI", lxc_uri, TRUE);
  e2e_test_init (&argc, &argv);
  e2e_set_cleanup (cleanup);
  hangar_core_init ();

  e2e_cleanup_path (daemon_dir);
  e2e_assert (g_mkdir (daemon_dir, 0755) == 0, "cannot make %s: %s", daemon_dir,
              g_strerror (errno));
  for (guint i = 0; i < G_N_ELEMENTS (containers); i++)
    {
      containers[i]->name = g_strdup_printf (PREFIX "%d-%s", (int)getpid (),
                                             containers[i]->role);
      containers[i]->usage = g_array_new (FALSE, FALSE, sizeof (double));
    }
  fifo_path = g_build_filename (daemon_dir, "go", NULL);
  grown_path = g_build_filename (daemon_dir, "grown", NULL);
  start_daemon ();

  g_test_add_func ("/e2e/lxc-stats/fallback", test_fallback);
  ret = g_test_run ();

  if (connection != NULL)
    {
      hangar_connection_close (connection);
      g_clear_object (&connection);
    }
  cleanup ();
  for (guint i = 0; i < G_N_ELEMENTS (containers); i++)
    {
      if (containers[i]->guest != NULL)
        g_signal_handlers_disconnect_by_func (containers[i]->guest, on_cpu_usage_cb,
                                              containers[i]);
      g_clear_object (&containers[i]->guest);
      g_clear_pointer (&containers[i]->domain, virDomainFree);
      g_free (containers[i]->name);
      g_array_unref (containers[i]->usage);
    }
  g_free (fifo_path);
  g_free (grown_path);
  g_free (lxc_uri);
  g_free (daemon_dir);
  return ret;
}
