// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * UEFI, Secure Boot and an emulated TPM 2.0 for a new guest on the real libvirtd + QEMU
 * (HANGAR_TEST_LIBVIRT_URI and DISPLAY from build-aux/test; the host has ovmf and swtpm,
 * build-aux/deps.sh), in a dir pool of the test's own:
 *   - through the New Virtual Machine window, driven through its widgets: a manual
 *     install on a new qcow2 volume with firmware UEFI, Secure Boot and a TPM. The
 *     guest is defined with <os firmware='efi'> asking for Secure Boot and a
 *     <tpm> with the emulator backend, version 2.0, and it runs: its live definition
 *     names a Secure Boot loader and an NVRAM file that exists, and an swtpm process
 *     runs on its TPM state. Deleted as Hangar deletes a guest with its disk, the
 *     NVRAM file, the TPM state, swtpm and the volume are gone;
 *   - an impossible request (a "kernel" QEMU refuses) with the same firmware, through
 *     the New VM core: the run fails once libvirt made the NVRAM file (seen made), and
 *     leaves no domain, no NVRAM file, no TPM state and no volume (counted).
 * OVMF under TCG boots slowly: the guest running is enough, its screen is not awaited.
 */
#define G_LOG_DOMAIN "test-e2e-creator-uefi"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "e2e-creator-util.h"
#include "e2e-guest.h"
#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-creator-state.h"
#include "hangar-display.h"
#include "hangar-domain-creator.h"
#include "hangar-guest-creator.h"
#include "hangar-guest-window.h"
#include "hangar-guest.h"
#include "hangar-job.h"
#include "test-core-util.h"
#include "test-widget-util.h"
#include "test-wizard-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define PREFIX "hangar-e2e-uefi-"
#define NVRAM_DIR "/var/lib/libvirt/qemu/nvram"
#define SWTPM_DIR "/var/lib/libvirt/swtpm"

/* Timeouts (ms), generous: the machine is shared and QEMU emulates. */
#define CONNECT_TIMEOUT 30000
#define CREATE_TIMEOUT  120000
#define LISTED_TIMEOUT  15000

static E2eCreatorHost *host;
static char *guest_name;
static gboolean firmware_set;   /* the details page was answered */
static char *failing_name;

static void
cleanup (void)
{
  if (guest_name != NULL)
    e2e_remove_domain (host->other, guest_name);
  if (failing_name != NULL)
    e2e_remove_domain (host->other, failing_name);
}

static gboolean
guest_listed (gpointer data)
{
  return hangar_connection_find_guest (host->connection, data) != NULL;
}

/* What the XPath @path finds in the definition @xml is @expected. */
static void
assert_xml_value (const char *xml,
                  const char *path,
                  const char *expected)
{
  g_autofree char *value = test_xpath (xml, path);

  e2e_assert (g_strcmp0 (value, expected) == 0, "%s is “%s”, not “%s”, in %s", path, value,
              expected, xml);
}

/* What SWTPM_DIR holds. libvirtd makes the directory when it first starts a guest with
 * an emulated TPM, so on a fresh machine it may not exist yet: it then holds nothing. */
static char *
swtpm_files (void)
{
  if (!g_file_test (SWTPM_DIR, G_FILE_TEST_EXISTS))
    return g_strdup ("");
  return e2e_creator_files_in (SWTPM_DIR);
}

/* The pid of an swtpm process whose command line names @uuid (its state directory is
 * SWTPM_DIR/@uuid), or 0. */
static int
swtpm_pid (const char *uuid)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *entry;

  e2e_assert (proc != NULL, "cannot read /proc");
  while ((entry = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc", entry, "comm", NULL);
      g_autofree char *cmdline_path = g_build_filename ("/proc", entry, "cmdline", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *cmdline = NULL;
      gsize length = 0;

      if (!g_ascii_isdigit (entry[0]) || !g_file_get_contents (comm_path, &comm, NULL, NULL)
          || !g_str_equal (g_strstrip (comm), "swtpm")
          || !g_file_get_contents (cmdline_path, &cmdline, &length, NULL))
        continue;
      /* The arguments are separated by NULs; a zombie has none. */
      for (gsize i = 0; i + 1 < length; i++)
        if (cmdline[i] == '\0')
          cmdline[i] = ' ';
      if (length > 0 && strstr (cmdline, uuid) != NULL)
        return atoi (entry);
    }
  return 0;
}

static gboolean
swtpm_gone (gpointer uuid)
{
  return swtpm_pid (uuid) == 0;
}

/* Answers each page for a manual install named @data on a new 64 MiB qcow2 volume in
 * the test's pool, no network, firmware UEFI with Secure Boot and a TPM. */
static void
answer_page (const char *page,
             GtkWidget  *shown,
             gpointer    data)
{
  if (g_str_equal (page, "source"))
    test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "_Install From"), "Manual Install");
  else if (g_str_equal (page, "os"))
    g_signal_emit_by_name (test_find_titled (shown, ADW_TYPE_ACTION_ROW, "_Generic / Unknown"),
                           "activated");
  else if (g_str_equal (page, "resources"))
    e2e_creator_answer_memory (shown, 256);
  else if (g_str_equal (page, "storage"))
    e2e_creator_answer_new_disk (shown, host->pool_name, "64");
  else if (g_str_equal (page, "details"))
    {
      GtkWidget *secure_boot = test_find_titled (shown, ADW_TYPE_ACTION_ROW, "_Secure Boot");
      GtkWidget *tpm = test_find_titled (shown, ADW_TYPE_ACTION_ROW, "Add a _TPM 2.0");

      test_type_text (test_find_titled (shown, ADW_TYPE_ENTRY_ROW, "_Name"), data);
      test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "Ne_twork"), "None");
      /* Offered because libvirt lists OVMF (with a Secure Boot build) and swtpm. */
      test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "_Firmware"), "UEFI");
      e2e_assert (gtk_widget_get_visible (secure_boot), "Secure Boot is not offered with UEFI");
      e2e_assert (gtk_widget_get_visible (tpm), "no TPM is offered");
      gtk_switch_set_active (GTK_SWITCH (e2e_creator_find_control (shown, GTK_TYPE_SWITCH, secure_boot)), TRUE);
      gtk_switch_set_active (GTK_SWITCH (e2e_creator_find_control (shown, GTK_TYPE_SWITCH, tpm)), TRUE);
      firmware_set = TRUE;
      test_save_screenshot (gtk_widget_get_ancestor (shown, GTK_TYPE_WINDOW), "creator-details-uefi");
    }
}

/* Answers every page of @window (answer_page); stops on the summary. */
static void
walk_to_summary (GtkWidget  *window,
                 const char *name)
{
  firmware_set = FALSE;
  e2e_creator_walk_to_summary (window, answer_page, (gpointer) name);
  e2e_assert (firmware_set, "the window never showed the details page");
  test_save_screenshot (window, "creator-summary-uefi");
}

/* Through the window: made with UEFI, Secure Boot and a TPM, running with its NVRAM
 * and swtpm; Hangar's delete takes the NVRAM, the TPM state and the volume with it. */
static void
test_create_start_delete (void)
{
  GtkWidget *creator = NULL;
  g_autofree char *files = NULL;
  g_autofree char *volume = NULL;
  g_autofree char *inactive = NULL;
  g_autofree char *live = NULL;
  g_autofree char *nvram = NULL;
  g_autofree char *tpm_state = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[2] = { NULL, NULL };
  char uuid[VIR_UUID_STRING_BUFLEN];
  HangarGuest *guest;
  virDomainPtr domain;

  guest_name = g_strdup_printf (PREFIX "%d", (int) getpid ());
  e2e_cleanup_domain (guest_name);

  creator = e2e_creator_open_window (host);
  walk_to_summary (creator, guest_name);
  e2e_creator_create_and_wait (creator, CREATE_TIMEOUT);

  domain = virDomainLookupByName (host->other, guest_name);
  e2e_assert (domain != NULL, "libvirt has no %s: %s", guest_name, e2e_virt_error ());
  e2e_assert (virDomainIsActive (domain) == 1, "%s does not run", guest_name);
  e2e_assert (virDomainGetUUIDString (domain, uuid) == 0, "no UUID: %s", e2e_virt_error ());

  /* As defined: libvirt picks the firmware from what the guest asks for. */
  inactive = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  e2e_assert (inactive != NULL, "no definition: %s", e2e_virt_error ());
  g_test_message ("defined as %s", inactive);
  assert_xml_value (inactive, "/domain/os/@firmware", "efi");
  assert_xml_value (inactive, "/domain/os/firmware/feature[@name='secure-boot']/@enabled", "yes");
  assert_xml_value (inactive, "/domain/devices/tpm/backend/@type", "emulator");
  assert_xml_value (inactive, "/domain/devices/tpm/backend/@version", "2.0");
  {
    g_autofree char *model = test_xpath (inactive, "/domain/devices/tpm/@model");

    e2e_assert (g_strcmp0 (model, "tpm-crb") == 0 || g_strcmp0 (model, "tpm-tis") == 0,
                "the TPM's model is “%s”", model);
  }

  /* As it runs: a Secure Boot build of OVMF, its own variables, its own swtpm. */
  live = virDomainGetXMLDesc (domain, 0);
  e2e_assert (live != NULL, "no live definition: %s", e2e_virt_error ());
  assert_xml_value (live, "/domain/os/loader/@secure", "yes");
  nvram = test_xpath (live, "/domain/os/nvram");
  e2e_assert (nvram != NULL && g_file_test (nvram, G_FILE_TEST_IS_REGULAR),
              "the running guest's NVRAM file “%s” does not exist", nvram);
  tpm_state = g_build_filename (SWTPM_DIR, uuid, NULL);
  e2e_assert (g_file_test (tpm_state, G_FILE_TEST_IS_DIR), "no TPM state in %s", tpm_state);
  e2e_assert (swtpm_pid (uuid) != 0, "no swtpm runs for %s (%s)", guest_name, uuid);
  g_test_message ("NVRAM %s, TPM state %s, swtpm pid %d", nvram, tpm_state, swtpm_pid (uuid));
  virDomainFree (domain);

  /* Deleted as the Delete dialog does, with the disk. */
  e2e_assert (e2e_wait_for (guest_listed, guest_name, LISTED_TIMEOUT),
              "%s is not in Hangar's list of the host's guests", guest_name);
  guest = hangar_connection_find_guest (host->connection, guest_name);
  e2e_creator_close_guest_window (host->app, guest);
  volume = g_strconcat (host->pool_dir, "/", guest_name, ".qcow2", NULL);
  e2e_assert (g_file_test (volume, G_FILE_TEST_IS_REGULAR), "the volume %s is missing", volume);
  paths[0] = volume;
  e2e_assert (test_delete_with_storage (guest, paths, CREATE_TIMEOUT, &error),
              "the delete failed: %s", error != NULL ? error->message : "");

  domain = virDomainLookupByName (host->other, guest_name);
  e2e_assert (domain == NULL, "%s is still defined", guest_name);
  e2e_assert (!g_file_test (nvram, G_FILE_TEST_EXISTS), "the NVRAM file %s is still there", nvram);
  e2e_assert (!g_file_test (tpm_state, G_FILE_TEST_EXISTS), "the TPM state %s is still there",
              tpm_state);
  e2e_assert (e2e_wait_for (swtpm_gone, uuid, CONNECT_TIMEOUT), "swtpm still runs for %s", uuid);
  files = e2e_creator_files_in (host->pool_dir);
  e2e_assert (g_str_equal (files, ""), "the pool still holds “%s”", files);
  e2e_cleanup_domain_done (guest_name);
}

/* What a failing run is watched for: the NVRAM file named after the guest made, and
 * gone again. */
typedef struct {
  const char *file;
  gboolean made;
  gboolean removed;
} NvramWatch;

static void
on_nvram_changed_cb (GFileMonitor      *monitor,
                     GFile             *file,
                     GFile             *other_file,
                     GFileMonitorEvent  event,
                     gpointer           user_data)
{
  NvramWatch *watch = user_data;
  g_autofree char *name = g_file_get_basename (file);

  if (!g_str_equal (name, watch->file))
    return;
  if (event == G_FILE_MONITOR_EVENT_CREATED)
    watch->made = TRUE;
  else if (event == G_FILE_MONITOR_EVENT_DELETED)
    watch->removed = TRUE;
}

static gboolean
nvram_came_and_went (gpointer data)
{
  NvramWatch *watch = data;

  return watch->made && watch->removed;
}

/* An impossible request with UEFI, Secure Boot and a TPM: libvirt makes the NVRAM file
 * and the TPM state at the start, QEMU then refuses the "kernel"; nothing is left. */
static void
test_failing_create_leaves_nothing (void)
{
  g_autoptr(HangarCreatorState) state = NULL;
  g_autoptr(HangarGuestCreator) creator = NULL;
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  g_autoptr(GAsyncResult) checked = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) nvram_dir = g_file_new_for_path (NVRAM_DIR);
  g_autoptr(GFileMonitor) monitor = NULL;
  g_autofree char *kernel = g_build_filename (host->files_dir, "not-a-kernel", NULL);
  g_autofree char *nvram_file = NULL;
  g_autofree char *pool_before = NULL;
  g_autofree char *nvram_before = NULL;
  g_autofree char *swtpm_before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *made = NULL;
  HangarGuestSpec *spec;
  int domains_before;
  NvramWatch watch = { NULL, FALSE, FALSE };

  failing_name = g_strdup_printf (PREFIX "%d-fails", (int) getpid ());
  e2e_cleanup_domain (failing_name);
  e2e_assert (g_file_set_contents (kernel, "no kernel here\n", -1, NULL), "cannot write %s", kernel);

  /* The answers as the pages write them. */
  state = hangar_creator_state_new (host->connection);
  e2e_assert (e2e_wait_for (e2e_creator_host_ready, state, CONNECT_TIMEOUT),
              "the host's capabilities did not come within %d ms", CONNECT_TIMEOUT);
  e2e_assert (hangar_creator_state_get_host_error (state) == NULL, "the host: %s",
              hangar_creator_state_get_host_error (state));
  hangar_creator_state_set_source (state, HANGAR_GUEST_SOURCE_KERNEL);
  spec = hangar_creator_state_get_spec (state);
  e2e_creator_use_test_virt_type (spec);
  spec->name = g_strdup (failing_name);
  spec->kernel = g_strdup (kernel);
  spec->initrd = e2e_creator_guest_file ("initrd.img");
  spec->memory = 256 * MiB;
  spec->vcpus = 1;
  spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
  spec->pool_name = g_strdup (host->pool_name);
  spec->disk_size = 64 * MiB;
  spec->disk_format = HANGAR_VOLUME_FORMAT_QCOW2;
  spec->network = HANGAR_GUEST_SPEC_NETWORK_NONE;
  spec->firmware = HANGAR_GUEST_FIRMWARE_UEFI;
  spec->secure_boot = TRUE;
  spec->tpm = TRUE;

  pool_before = e2e_creator_files_in (host->pool_dir);
  nvram_before = e2e_creator_files_in (NVRAM_DIR);
  swtpm_before = swtpm_files ();
  domains_before = e2e_creator_count_domains (host->other);
  nvram_file = g_strconcat (failing_name, "_VARS.fd", NULL);
  watch.file = nvram_file;
  monitor = g_file_monitor_directory (nvram_dir, G_FILE_MONITOR_NONE, NULL, &error);
  e2e_assert (monitor != NULL, "cannot watch %s: %s", NVRAM_DIR, error->message);
  g_signal_connect (monitor, "changed", G_CALLBACK (on_nvram_changed_cb), &watch);

  hangar_guest_spec_check_async (spec, host->connection, NULL, test_on_result_cb, &checked);
  e2e_assert (e2e_wait_for (test_has_result, &checked, CREATE_TIMEOUT), "the check did not end");
  e2e_assert (hangar_guest_spec_check_finish (checked, &error), "the answers were refused: %s",
              error->message);
  creator = hangar_guest_creator_new (host->connection, spec);
  hangar_guest_creator_run_async (creator, job, test_on_result_cb, &result);
  e2e_assert (e2e_wait_for (test_has_result, &result, CREATE_TIMEOUT),
              "the creator did not end within %d ms (last: %s)", CREATE_TIMEOUT,
              hangar_job_get_message (job));
  made = hangar_guest_creator_run_finish (creator, result, &error);
  e2e_assert (made == NULL, "%s was made, though it cannot start", failing_name);
  g_test_message ("the run failed: %s", error->message);
  e2e_assert (strstr (error->message, failing_name) != NULL, "the error does not name %s: %s",
              failing_name, error->message);

  /* It failed after the firmware's variables were made for it. */
  e2e_assert (e2e_wait_for (nvram_came_and_went, &watch, CONNECT_TIMEOUT),
              "%s/%s was %s", NVRAM_DIR, nvram_file,
              !watch.made ? "never made: the run failed before the firmware was set up"
                          : "made and not removed");
  after = e2e_creator_files_in (host->pool_dir);
  e2e_assert (g_str_equal (pool_before, after), "the pool held “%s” and now holds “%s”",
              pool_before, after);
  g_free (after);
  after = e2e_creator_files_in (NVRAM_DIR);
  e2e_assert (g_str_equal (nvram_before, after), "%s held “%s” and now holds “%s”", NVRAM_DIR,
              nvram_before, after);
  g_free (after);
  after = swtpm_files ();
  e2e_assert (g_str_equal (swtpm_before, after), "%s held “%s” and now holds “%s”", SWTPM_DIR,
              swtpm_before, after);
  e2e_assert (virDomainLookupByName (host->other, failing_name) == NULL, "%s is still defined",
              failing_name);
  e2e_assert (e2e_creator_count_domains (host->other) == domains_before,
              "the host had %d domains and now has %d", domains_before,
              e2e_creator_count_domains (host->other));
  e2e_cleanup_domain_done (failing_name);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  e2e_creator_init (&argc, &argv);
  e2e_assert (g_file_test (NVRAM_DIR, G_FILE_TEST_IS_DIR),
              "%s is missing: is libvirtd's QEMU driver installed?", NVRAM_DIR);
  e2e_assert (g_file_test ("/usr/bin/swtpm", G_FILE_TEST_IS_EXECUTABLE),
              "/usr/bin/swtpm is missing: the swtpm package is needed for the TPM");
  host = e2e_creator_host_open (PREFIX, FALSE, cleanup);

  g_test_add_func ("/e2e-creator-uefi/create-start-delete", test_create_start_delete);
  g_test_add_func ("/e2e-creator-uefi/failing-create-leaves-nothing", test_failing_create_leaves_nothing);
  status = g_test_run ();

  cleanup ();
  e2e_creator_host_close (host);
  return status;
}
