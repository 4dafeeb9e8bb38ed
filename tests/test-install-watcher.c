// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-install-watcher"

/* HangarInstallWatcher on libvirt's test driver: a guest made from an install medium
 * runs its installer; shutting it down behind Hangar's back plays the installer's end
 * (its reboot, which the install definition turns into QEMU's exit: a shutdown for
 * libvirt); destroying it plays a Force Off, which ends nothing. The watcher then puts the final
 * definition in place and starts the guest again, as virt-install does. */

#include "config.h"

#include <string.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-guest.h"
#include "hangar-guest-creator.h"
#include "hangar-guest-spec.h"
#include "hangar-install-watcher.h"
#include "hangar-job.h"
#include "test-core-util.h"

#define GiB (G_GUINT64_CONSTANT (1) << 30)

typedef struct {
  gboolean finished;
  GError *error;
} Outcome;

static void
on_finished_cb (HangarInstallWatcher *watcher,
                const GError         *error,
                Outcome              *outcome)
{
  g_assert_false (outcome->finished);
  outcome->finished = TRUE;
  outcome->error = error != NULL ? g_error_copy (error) : NULL;
}

static gboolean
is_finished (gpointer data)
{
  return ((Outcome *)data)->finished;
}

typedef struct {
  HangarConnection *connection;
  const char *name;
  HangarGuestState state;
} GuestCheck;

static gboolean
guest_in_state (gpointer data)
{
  GuestCheck *check = data;
  HangarGuest *guest = hangar_connection_find_guest (check->connection, check->name);

  return guest != NULL && hangar_guest_get_state (guest) == check->state;
}

/* A guest booting an install medium, made by the creator (which the test keeps). */
static HangarGuestCreator *
make_installing_guest (HangarConnection *connection,
                       const char       *name)
{
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *made = NULL;
  HangarGuestCreator *creator;

  spec->name = g_strdup (name);
  spec->source = HANGAR_GUEST_SOURCE_MEDIA;
  spec->media_path = g_strdup ("/var/lib/libvirt/images/debian-12.iso");
  spec->memory = 1 * GiB;
  spec->vcpus = 1;
  spec->disk = HANGAR_GUEST_SPEC_DISK_EXISTING;
  spec->disk_path = g_strdup ("/default-pool/installed.qcow2");
  spec->network = HANGAR_GUEST_SPEC_NETWORK_NONE;
  g_assert_true (hangar_guest_spec_fill_host (spec, connection, &error));
  g_assert_no_error (error);

  creator = hangar_guest_creator_new (connection, spec);
  hangar_guest_creator_run_async (creator, job, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 10000));
  made = hangar_guest_creator_run_finish (creator, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (made, ==, name);
  return creator;
}

/* A guest whose installer runs, and its watcher. */
typedef struct {
  HangarConnection *connection;
  virConnectPtr other;         /* behind Hangar's back */
  HangarGuestCreator *creator;
  HangarInstallWatcher *watcher;
  Outcome outcome;
  virDomainPtr domain;
} Watched;

static void
watch_new_guest (Watched    *w,
                 const char *name)
{
  GuestCheck running = { NULL, name, HANGAR_GUEST_STATE_RUNNING };

  w->connection = test_open_connection ("test:///default");
  w->other = virConnectOpen ("test:///default");
  w->creator = make_installing_guest (w->connection, name);
  w->watcher = hangar_install_watcher_new (w->connection, w->creator, name);
  g_signal_connect (w->watcher, "finished", G_CALLBACK (on_finished_cb), &w->outcome);
  /* The installer runs, and the watcher waits. */
  running.connection = w->connection;
  g_assert_true (test_wait_for (guest_in_state, &running, 5000));
  g_assert_false (w->outcome.finished);
  w->domain = virDomainLookupByName (w->other, name);
  g_assert_nonnull (w->domain);
}

static void
watched_free (Watched *w)
{
  virDomainFree (w->domain);
  virConnectClose (w->other);
  g_clear_error (&w->outcome.error);
  test_assert_finalized (w->watcher);
  test_assert_finalized (w->creator);
  hangar_connection_close (w->connection);
  test_assert_finalized (w->connection);
}

static void
test_finish (void)
{
  Watched w = { 0 };
  GuestCheck running = { NULL, "installing", HANGAR_GUEST_STATE_RUNNING };
  g_autofree char *xml = NULL;
  int state = 0;

  watch_new_guest (&w, "installing");
  xml = virDomainGetXMLDesc (w.domain, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (strstr (xml, "<on_reboot>destroy</on_reboot>"));
  g_clear_pointer (&xml, free);

  /* Forced off in the middle (the guest window's Force Off): the install definition
   * stays and nothing finishes. */
  {
    GuestCheck off = { w.connection, "installing", HANGAR_GUEST_STATE_SHUTOFF };

    g_assert_cmpint (virDomainDestroy (w.domain), ==, 0);
    g_assert_true (test_wait_for (guest_in_state, &off, 5000));
    /* Time for the watcher's check to run on its worker and come back. */
    test_spin (500);
    g_assert_false (w.outcome.finished);
    xml = virDomainGetXMLDesc (w.domain, VIR_DOMAIN_XML_INACTIVE);
    g_assert_nonnull (strstr (xml, "<on_reboot>destroy</on_reboot>"));
    g_clear_pointer (&xml, free);
  }
  /* Run again: the installer starts over, and its end is watched for again. */
  running.connection = w.connection;
  g_assert_cmpint (virDomainCreate (w.domain), ==, 0);
  g_assert_true (test_wait_for (guest_in_state, &running, 5000));

  /* The installer ends (its reboot, with on_reboot=destroy, is a shutdown for
   * libvirt): the guest goes off. */
  g_assert_cmpint (virDomainShutdown (w.domain), ==, 0);
  g_assert_true (test_wait_for (is_finished, &w.outcome, 10000));
  g_assert_no_error (w.outcome.error);

  /* Running again, from the final definition: reboots restart, the medium is gone. */
  g_assert_cmpint (virDomainGetState (w.domain, &state, NULL, 0), ==, 0);
  g_assert_cmpint (state, ==, VIR_DOMAIN_RUNNING);
  xml = virDomainGetXMLDesc (w.domain, VIR_DOMAIN_XML_INACTIVE);
  g_assert_nonnull (strstr (xml, "<on_reboot>restart</on_reboot>"));
  g_assert_null (strstr (xml, "device='cdrom'"));
  g_clear_pointer (&xml, free);
  g_assert_true (test_wait_for (guest_in_state, &running, 5000));

  g_assert_cmpint (virDomainDestroy (w.domain), ==, 0);
  g_assert_cmpint (virDomainUndefine (w.domain), ==, 0);
  watched_free (&w);
}

/* The guest deleted while its installer runs: the watcher gives up, saying so with
 * G_IO_ERROR_CANCELLED, and leaves the host alone. */
static void
test_guest_gone (void)
{
  Watched w = { 0 };

  watch_new_guest (&w, "deleted");
  /* Undefined first: the destroy then removes a transient guest, not one shut off. */
  g_assert_cmpint (virDomainUndefine (w.domain), ==, 0);
  g_assert_cmpint (virDomainDestroy (w.domain), ==, 0);
  g_assert_true (test_wait_for (is_finished, &w.outcome, 10000));
  g_assert_error (w.outcome.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (virDomainLookupByName (w.other, "deleted"));
  watched_free (&w);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/install-watcher/finish", test_finish);
  g_test_add_func ("/install-watcher/guest-gone", test_guest_gone);

  return g_test_run ();
}
