// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Making a guest on the real libvirtd + QEMU (HANGAR_TEST_LIBVIRT_URI and DISPLAY from
 * build-aux/test), under Xvfb, in a dir pool of the test's own in a temporary directory:
 *   - through the New Virtual Machine window, driven through its widgets page by page
 *     (pages not in its table yet are answered into the spec as they would write it):
 *     the tiny test guest by direct kernel boot (its kernel, initrd and command line)
 *     with a new qcow2 volume, "Customize before install" on and a description added
 *     on the XML page. The volume is a qcow2 file in the pool (by the file system),
 *     the guest runs with the edited definition, and the window the application opens
 *     on it shows the guest's shell prompt in its serial console and a picture in its
 *     graphical one (SPICE, the default);
 *   - a cloud image with cloud-init (a qcow2 layer over a base image, the user's SSH
 *     key): the guest runs with the NoCloud "cidata" ISO as its CD-ROM, whose user-data
 *     holds the key (read back with xorriso); once the guest is off (as after its first
 *     boot), finishing the install removes the ISO and its CD-ROM;
 *   - a cloud image copied (from a volume of a pool, and uploaded from a file outside
 *     the pools): a whole qcow2 volume with the image's data, grown to the size asked,
 *     the guest running on it; Cancel during the upload leaves nothing (counted);
 *   - impossible requests (a "kernel" QEMU refuses at start; the same file as the
 *     kernel of a cloud-image guest, put in on the XML page): each run fails naming the
 *     guest, and leaves no volume, no domain and no ISO behind — the pool's files, the
 *     host's domains and the ISO images counted before and after.
 * The last two go through the New VM core (HangarCreatorState's spec, as the pages
 * write it, and HangarGuestCreator): the setup page is not in the window yet. One
 * guest boots. Guests run with the virt type build-aux/test found working
 * (HANGAR_TEST_VIRT_TYPE): this machine's libvirt offers a KVM in which the tiny guest
 * never boots.
 */
#define G_LOG_DOMAIN "test-e2e-creator"

#include "config.h"

#include <signal.h>
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
#include "hangar-creator-xml-page.h"
#include "hangar-gconfig.h"
#include "hangar-display.h"
#include "hangar-domain-creator.h"
#include "hangar-guest-creator.h"
#include "hangar-guest-window.h"
#include "hangar-guest.h"
#include "hangar-job.h"
#include "hangar-serial-console.h"
#include "hangar-session.h"
#include "test-core-util.h"
#include "test-widget-util.h"
#include "test-wizard-util.h"
#include "test-app-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define PREFIX "hangar-e2e-creator-"

/* Timeouts (ms). TCG boots the tiny guest in 10–30 s on a busy machine. */
#define CONNECT_TIMEOUT 30000
#define CREATE_TIMEOUT  120000
#define LISTED_TIMEOUT  15000
#define PROMPT_TIMEOUT  120000

static E2eCreatorHost *host;
static virConnectPtr other;
static HangarApplication *app;
static HangarConnection *connection;
static char *pool_name;
static char *pool_dir;
static char *files_dir;     /* the test's own files, outside the pool */
static char *guest_name;
static char *failing_name;

static void
cleanup (void)
{
  if (other == NULL)
    return;
  if (guest_name != NULL)
    e2e_remove_domain (other, guest_name);
  if (failing_name != NULL)
    e2e_remove_domain (other, failing_name);
}

static gboolean
guest_listed (gpointer data)
{
  return hangar_connection_find_guest (connection, data) != NULL;
}

static guint
count_isos_in (const char *dir,
               guint       depth)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_suffix (name, ".iso"))
        n++;
      else if (depth > 0 && g_file_test (path, G_FILE_TEST_IS_DIR))
        n += count_isos_in (path, depth - 1);
    }
  return n;
}

/* ISO images anywhere a run could leave one: the pool, the test's files and its
 * temporary directory (where the setup makes its files: TMPDIR is the test's own), and
 * the places libvirt keeps images and boot files. */
static guint
count_isos (void)
{
  const char *dirs[] = { pool_dir, files_dir, "/var/lib/libvirt/images", "/var/lib/libvirt/boot",
                         NULL };
  guint n = 0;

  for (guint i = 0; dirs[i] != NULL; i++)
    n += count_isos_in (dirs[i], 2);
  return n;
}

/* The answers for a direct kernel boot of @kernel with a new qcow2 volume in the
 * test's pool, as the pages write them into the state's spec. */
static HangarCreatorState *
answer (const char *name,
        const char *kernel)
{
  HangarCreatorState *state = hangar_creator_state_new (connection);
  HangarGuestSpec *spec;
  g_autofree char *cmdline_file = e2e_creator_guest_file ("cmdline");
  g_autofree char *cmdline = NULL;

  e2e_assert (e2e_wait_for (e2e_creator_host_ready, state, CONNECT_TIMEOUT),
              "the host's capabilities did not come within %d ms", CONNECT_TIMEOUT);
  e2e_assert (hangar_creator_state_get_host_error (state) == NULL,
              "the host's capabilities: %s", hangar_creator_state_get_host_error (state));
  e2e_assert (g_file_get_contents (cmdline_file, &cmdline, NULL, NULL), "cannot read %s",
              cmdline_file);

  hangar_creator_state_set_source (state, HANGAR_GUEST_SOURCE_KERNEL);
  spec = hangar_creator_state_get_spec (state);
  e2e_creator_use_test_virt_type (spec);
  spec->name = g_strdup (name);
  spec->kernel = g_strdup (kernel);
  spec->initrd = e2e_creator_guest_file ("initrd.img");
  spec->cmdline = g_strdup (g_strstrip (cmdline));
  spec->memory = 128 * MiB;
  spec->vcpus = 1;
  spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
  spec->pool_name = g_strdup (pool_name);
  spec->disk_size = 64 * MiB;
  spec->disk_format = HANGAR_VOLUME_FORMAT_QCOW2;
  spec->network = HANGAR_GUEST_SPEC_NETWORK_NONE;
  return state;
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
on_result_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Checks the answers on the host as the summary does, then makes the guest, with @job
 * (NULL: one of its own); the creator goes to @creator_out when not NULL. */
static char *
create_with_job (HangarCreatorState  *state,
                 HangarJob           *job_in,
                 HangarGuestCreator **creator_out,
                 GError             **error)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (state);
  g_autoptr(HangarGuestCreator) creator = NULL;
  char *name;
  g_autoptr(HangarJob) job = job_in != NULL ? g_object_ref (job_in) : hangar_job_new ("Creating");
  g_autoptr(GAsyncResult) checked = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) check_error = NULL;

  hangar_guest_spec_check_async (spec, connection, NULL, on_result_cb, &checked);
  e2e_assert (e2e_wait_for (has_result, &checked, CREATE_TIMEOUT), "the check did not end");
  e2e_assert (hangar_guest_spec_check_finish (checked, &check_error),
              "the answers were refused: %s", check_error->message);

  creator = hangar_guest_creator_new (connection, spec);
  hangar_guest_creator_run_async (creator, job, on_result_cb, &result);
  e2e_assert (e2e_wait_for (has_result, &result, CREATE_TIMEOUT),
              "the creator did not end within %d ms (last: %s)", CREATE_TIMEOUT,
              hangar_job_get_message (job));
  name = hangar_guest_creator_run_finish (creator, result, error);
  if (creator_out != NULL)
    *creator_out = g_steal_pointer (&creator);
  return name;
}

static char *
create (HangarCreatorState  *state,
        HangarGuestCreator **creator_out,
        GError             **error)
{
  return create_with_job (state, NULL, creator_out, error);
}

/* The guest's window and its consoles. */

static gboolean
is_serial_console (GtkWidget    *widget,
                   gconstpointer data)
{
  return HANGAR_IS_SERIAL_CONSOLE (widget);
}

static gboolean
serial_connected (gpointer data)
{
  HangarSerialConsole *console = HANGAR_SERIAL_CONSOLE (
    test_find_widget (data, HANGAR_TYPE_SERIAL_CONSOLE, is_serial_console, NULL));

  return console != NULL && hangar_serial_console_get_connected (console);
}

static guint
count_in_terminal (HangarSerialConsole *console,
                   const char          *needle)
{
  g_autofree char *text = vte_terminal_get_text (hangar_serial_console_get_terminal (console),
                                                 NULL, NULL, NULL);
  guint n = 0;

  for (const char *p = text; p != NULL && (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  return n;
}

typedef struct {
  HangarSerialConsole *console;
  guint count;
} PromptWait;

static gboolean
new_prompt (gpointer data)
{
  PromptWait *wait = data;

  return count_in_terminal (wait->console, "hangar-guest:") > wait->count;
}

/* Presses Enter in the serial console until a fresh prompt of the tiny guest's shell
 * ("hangar-guest:/# ") shows: the guest booted to its shell and answers there. */
static void
wait_for_prompt (HangarSerialConsole *console)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) PROMPT_TIMEOUT * 1000;
  gint64 start = g_get_monotonic_time ();

  while (TRUE)
    {
      PromptWait wait = { console, count_in_terminal (console, "hangar-guest:") };

      vte_terminal_feed_child (hangar_serial_console_get_terminal (console), "\r", 1);
      if (e2e_wait_for (new_prompt, &wait, 1000))
        break;
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *text = vte_terminal_get_text (hangar_serial_console_get_terminal (console),
                                                         NULL, NULL, NULL);
          e2e_fail (__FILE__, __LINE__, G_STRFUNC,
                    "no shell prompt in the guest's serial console within %d ms; it shows: \"%s\"",
                    PROMPT_TIMEOUT, text != NULL ? text : "");
        }
    }
  g_test_message ("the guest's prompt showed %" G_GINT64_FORMAT " ms after its window opened",
                  (g_get_monotonic_time () - start) / 1000);
}

static gboolean
display_known (gpointer data)
{
  return hangar_guest_window_get_display (data) != NULL;
}

/* The New Virtual Machine window, driven through its widgets. */

static gboolean
catalog_loaded (gpointer data)
{
  return hangar_os_catalog_get_loaded (hangar_creator_state_get_catalog (data));
}

/* Answers every page of @window as a user would, for the tiny guest booted directly
 * from its kernel on a new qcow2 volume of @size_mib MiB in the test's pool, named
 * @name, and on the XML page ("Customize before install") adds @description to the
 * definition; stops on the summary. Pages not in the window's table yet (the source
 * and storage pages land later) are answered into the spec as they would write it. */
static void
walk_to_summary (GtkWidget  *window,
                 const char *name,
                 const char *description)
{
  HangarCreatorState *state = hangar_domain_creator_get_state (HANGAR_DOMAIN_CREATOR (window));
  HangarGuestSpec *spec = hangar_creator_state_get_spec (state);
  GtkStack *stack = GTK_STACK (test_find_widget (window, GTK_TYPE_STACK, NULL, NULL));
  g_autofree char *kernel = e2e_creator_guest_file ("vmlinuz");
  g_autofree char *initrd = e2e_creator_guest_file ("initrd.img");
  g_autofree char *cmdline_file = e2e_creator_guest_file ("cmdline");
  g_autofree char *cmdline = NULL;
  gboolean customized = FALSE;

  e2e_assert (e2e_wait_for (e2e_creator_host_ready, state, CONNECT_TIMEOUT), "the window never learnt the host");
  e2e_assert (hangar_creator_state_get_host_error (state) == NULL, "the host: %s",
              hangar_creator_state_get_host_error (state));
  e2e_assert (e2e_wait_for (catalog_loaded, state, CONNECT_TIMEOUT), "the OS catalogue did not load");
  e2e_assert (g_file_get_contents (cmdline_file, &cmdline, NULL, NULL), "cannot read %s", cmdline_file);
  g_strstrip (cmdline);
  e2e_creator_use_test_virt_type (spec);

  if (gtk_stack_get_child_by_name (stack, "source") == NULL)
    {
      hangar_creator_state_set_source (state, HANGAR_GUEST_SOURCE_KERNEL);
      spec->kernel = g_strdup (kernel);
      spec->initrd = g_strdup (initrd);
      spec->cmdline = g_strdup (cmdline);
    }
  if (gtk_stack_get_child_by_name (stack, "storage") == NULL)
    {
      spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
      spec->pool_name = g_strdup (pool_name);
      spec->disk_size = 64 * MiB;
      spec->disk_format = HANGAR_VOLUME_FORMAT_QCOW2;
    }

  for (guint step = 0; g_strcmp0 (test_stack_page (window), "summary") != 0; step++)
    {
      const char *page = test_stack_page (window);
      GtkWidget *shown = gtk_stack_get_visible_child (stack);

      e2e_assert (step < 12, "the window went round in circles (on “%s”)", page);
      g_test_message ("page %s", page);
      if (g_str_equal (page, "source"))
        {
          test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "_Install From"), "Direct Kernel Boot");
          test_type_text (test_find_titled (shown, ADW_TYPE_ENTRY_ROW, "_Kernel"), kernel);
          test_type_text (test_find_titled (shown, ADW_TYPE_ENTRY_ROW, "I_nitrd (optional)"), initrd);
          test_type_text (test_find_titled (shown, ADW_TYPE_ENTRY_ROW, "Co_mmand Line"), cmdline);
        }
      else if (g_str_equal (page, "os"))
        g_signal_emit_by_name (test_find_titled (shown, ADW_TYPE_ACTION_ROW, "_Generic / Unknown"),
                               "activated");
      else if (g_str_equal (page, "resources"))
        e2e_creator_answer_memory (shown, 256);
      else if (g_str_equal (page, "storage"))
        e2e_creator_answer_new_disk (shown, pool_name, "64");
      else if (g_str_equal (page, "details"))
        {
          test_type_text (test_find_titled (shown, ADW_TYPE_ENTRY_ROW, "_Name"), name);
          test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "Ne_twork"), "None");
          gtk_switch_set_active (GTK_SWITCH (e2e_creator_find_control (shown, GTK_TYPE_SWITCH,
                                                           test_find_titled (shown, ADW_TYPE_ACTION_ROW,
                                                                             "_Customize Configuration Before Install"))),
                                 TRUE);
        }
      else if (g_str_equal (page, "xml"))
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (e2e_creator_find_control (shown, GTK_TYPE_TEXT_VIEW, NULL)));
          g_autofree char *element = g_strdup_printf ("<description>%s</description>", description);
          GtkTextIter start, end;

          gtk_text_buffer_get_start_iter (buffer, &start);
          e2e_assert (gtk_text_iter_forward_search (&start, "</name>", 0, &start, &end, NULL),
                      "the definition shown has no name");
          gtk_text_buffer_insert (buffer, &end, element, -1);
          customized = TRUE;
        }
      /* Some checks run on workers (the files QEMU must read, the name on the host). */
      e2e_creator_wait_page_complete (shown, page, CONNECT_TIMEOUT);
      test_click (test_find_titled (window, GTK_TYPE_BUTTON, "_Forward"));
    }
  e2e_assert (customized, "the window never showed the XML page");
}

/* Through the New Virtual Machine window: a direct kernel boot of the tiny guest on a
 * new qcow2 volume, customized on the XML page — made, defined as edited, running, and
 * the window the application opens on it shows its prompt. */
static void
test_create_and_boot (void)
{
  g_autofree char *files = NULL;
  g_autofree char *volume = NULL;
  g_autofree char *header = NULL;
  g_autofree char *desc = NULL;
  GtkWidget *creator = NULL;
  HangarGuestWindow *window = NULL;
  HangarSerialConsole *console;
  HangarDisplay *display;
  HangarGuest *guest;
  virDomainPtr domain;
  gsize length = 0;

  guest_name = g_strdup_printf (PREFIX "%d", (int) getpid ());
  e2e_cleanup_domain (guest_name);
  files = e2e_creator_files_in (pool_dir);
  e2e_assert (g_str_equal (files, ""), "the new pool already holds “%s”", files);

  /* As New Virtual Machine in the manager does. */
  creator = e2e_creator_open_window (host);
  walk_to_summary (creator, guest_name, "made through the XML page");
  e2e_creator_create_and_wait (creator, CREATE_TIMEOUT);

  /* The volume, as the file system sees it: a qcow2 file named after the guest. */
  g_free (files);
  files = e2e_creator_files_in (pool_dir);
  volume = g_strconcat (guest_name, ".qcow2", NULL);
  e2e_assert (g_str_equal (files, volume), "the pool holds “%s”, not %s", files, volume);
  g_free (files);
  files = g_build_filename (pool_dir, volume, NULL);
  e2e_assert (g_file_get_contents (files, &header, &length, NULL) && length >= 4 &&
              memcmp (header, "QFI\xfb", 4) == 0, "%s is not a qcow2 file", files);

  domain = virDomainLookupByName (other, guest_name);
  e2e_assert (domain != NULL, "libvirt has no %s: %s", guest_name, e2e_virt_error ());
  e2e_assert (virDomainIsActive (domain) == 1, "%s does not run", guest_name);
  /* The edit on the XML page is in the guest libvirt runs. */
  desc = virDomainGetMetadata (domain, VIR_DOMAIN_METADATA_DESCRIPTION, NULL, 0);
  e2e_assert (g_strcmp0 (desc, "made through the XML page") == 0,
              "the guest's description is “%s”, not the one added on the XML page", desc);
  virDomainFree (domain);

  /* The application opened the new guest's window. */
  e2e_assert (e2e_wait_for (guest_listed, guest_name, LISTED_TIMEOUT),
              "%s is not in Hangar's list of the host's guests", guest_name);
  guest = hangar_connection_find_guest (connection, guest_name);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (HANGAR_IS_GUEST_WINDOW (l->data) && hangar_guest_window_get_guest (l->data) == guest)
      window = l->data;
  e2e_assert (window != NULL, "no window opened on %s once it was made", guest_name);
  e2e_assert (e2e_wait_for (serial_connected, window, CONNECT_TIMEOUT),
              "the guest window's serial console did not connect");
  console = HANGAR_SERIAL_CONSOLE (test_find_widget (GTK_WIDGET (window), HANGAR_TYPE_SERIAL_CONSOLE,
                                                     is_serial_console, NULL));
  wait_for_prompt (console);

  /* The graphical console (SPICE, the default) shows the guest's screen too. */
  e2e_assert (e2e_wait_for (display_known, window, CONNECT_TIMEOUT),
              "the guest window has no graphical console");
  display = hangar_guest_window_get_display (window);
  e2e_assert (e2e_wait_for (e2e_display_shows_picture, display, CONNECT_TIMEOUT),
              "the guest window's graphical console shows no picture (state %d, %" G_GUINT64_FORMAT
              " frames, “%s”)", hangar_display_get_state (display),
              hangar_display_get_frame_count (display), hangar_display_get_status_message (display));
  e2e_display_close (display);
  gtk_window_destroy (GTK_WINDOW (window));
  e2e_spin (200);
  e2e_remove_domain (other, guest_name);
  e2e_cleanup_domain_done (guest_name);
}

/* Runs @state's answers, which must fail, and checks that nothing is left: the
 * pool's files, the host's domains and the ISO images are as before. */
static void
assert_fails_leaving_nothing (HangarCreatorState *state,
                              const char         *name)
{
  g_autofree char *pool_before = e2e_creator_files_in (pool_dir);
  g_autofree char *pool_after = NULL;
  g_autofree char *made = NULL;
  g_autoptr(GError) error = NULL;
  int domains_before = e2e_creator_count_domains (other);
  guint isos_before = count_isos ();
  virDomainPtr domain;

  made = create (state, NULL, &error);
  e2e_assert (made == NULL, "%s was made, though it cannot be", name);
  g_test_message ("the run failed: %s", error->message);
  e2e_assert (strstr (error->message, name) != NULL, "the error does not name %s: %s", name,
              error->message);
  pool_after = e2e_creator_files_in (pool_dir);
  e2e_assert (g_str_equal (pool_before, pool_after), "the pool held “%s” and now holds “%s”",
              pool_before, pool_after);
  domain = virDomainLookupByName (other, name);
  e2e_assert (domain == NULL, "%s is still defined", name);
  e2e_assert (e2e_creator_count_domains (other) == domains_before, "the host had %d domains and now has %d",
              domains_before, e2e_creator_count_domains (other));
  e2e_assert (count_isos () == isos_before, "there were %u ISO images and now %u", isos_before,
              count_isos ());
}

/* A cloud image with cloud-init, answered as the pages would: a layer over @base, the
 * test's SSH key, the password locked. */
static HangarCreatorState *
answer_cloud (const char *name,
              const char *base,
              const char *key)
{
  g_autofree char *kernel = e2e_creator_guest_file ("vmlinuz");
  HangarCreatorState *state = answer (name, kernel);
  HangarGuestSpec *spec = hangar_creator_state_get_spec (state);

  hangar_creator_state_set_source (state, HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  g_clear_pointer (&spec->kernel, g_free);
  g_clear_pointer (&spec->initrd, g_free);
  g_clear_pointer (&spec->cmdline, g_free);
  spec->base_image = g_strdup (base);
  spec->cloud_init = TRUE;
  spec->user_login = g_strdup ("hangar");
  spec->password_locked = TRUE;
  spec->ssh_keys = g_strdup (key);
  spec->hostname = g_strdup ("cloud-guest");
  return state;
}

/* The path of the first CD-ROM's medium in @domain's live definition, or NULL. */
static char *
cdrom_of (virDomainPtr domain)
{
  g_autofree char *xml = virDomainGetXMLDesc (domain, 0);
  g_autoptr(GVirConfigDomain) config = gvir_config_domain_new_from_xml (xml, NULL);
  GList *devices;
  char *path = NULL;

  e2e_assert (config != NULL, "cannot read the definition of %s", virDomainGetName (domain));
  devices = gvir_config_domain_get_devices (config);
  for (GList *l = devices; l != NULL && path == NULL; l = l->next)
    if (GVIR_CONFIG_IS_DOMAIN_DISK (l->data) &&
        gvir_config_domain_disk_get_guest_device_type (l->data) == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM &&
        gvir_config_domain_disk_get_source (l->data) != NULL)
      path = g_strdup (gvir_config_domain_disk_get_source (l->data));
  g_list_free_full (devices, g_object_unref);
  return path;
}

static gboolean
is_off (gpointer data)
{
  return virDomainIsActive (data) == 0;
}

/* An empty qcow2 disk image made for the test (once): the cloud image. */
static char *
base_image (void)
{
  char *base = g_build_filename (files_dir, "base.qcow2", NULL);
  const char *make_base[] = { "qemu-img", "create", "-q", "-f", "qcow2", base, "32M", NULL };

  if (!g_file_test (base, G_FILE_TEST_EXISTS))
    e2e_creator_run_command (make_base, NULL);
  return base;
}

/* The public half of an SSH key made for the test (once). */
static char *
test_key (void)
{
  g_autofree char *key_file = g_build_filename (files_dir, "id_ed25519", NULL);
  g_autofree char *pub_file = g_strconcat (key_file, ".pub", NULL);
  const char *make_key[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hangar@e2e",
                             "-f", key_file, NULL };
  char *key = NULL;

  if (!g_file_test (pub_file, G_FILE_TEST_EXISTS))
    e2e_creator_run_command (make_key, NULL);
  e2e_assert (g_file_get_contents (pub_file, &key, NULL, NULL), "cannot read %s", pub_file);
  return g_strstrip (key);
}

/* A cloud image with cloud-init: the guest runs with its cidata ISO, which holds the
 * key; finishing the install once the guest is off removes the ISO and the CD-ROM. */
static void
test_cloud_image (void)
{
  g_autoptr(HangarCreatorState) state = NULL;
  g_autoptr(HangarGuestCreator) creator = NULL;
  g_autoptr(GAsyncResult) finished = NULL;
  g_autofree char *base = base_image ();
  g_autofree char *key = test_key ();
  g_autofree char *name = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *user_data = NULL;
  g_autofree char *user_data_file = g_build_filename (files_dir, "user-data", NULL);
  g_autofree char *files = NULL;
  g_autoptr(GError) error = NULL;
  virDomainPtr domain;
  const char *extract[] = { "xorriso", "-osirrox", "on", "-indev", NULL, "-extract", "/user-data",
                            user_data_file, NULL };


  g_free (guest_name);
  guest_name = g_strdup_printf (PREFIX "%d-cloud", (int) getpid ());
  e2e_cleanup_domain (guest_name);
  state = answer_cloud (guest_name, base, key);
  name = create (state, &creator, &error);
  e2e_assert (name != NULL, "creating %s failed: %s", guest_name, error->message);

  domain = virDomainLookupByName (other, guest_name);
  e2e_assert (domain != NULL, "libvirt has no %s: %s", guest_name, e2e_virt_error ());
  e2e_assert (virDomainIsActive (domain) == 1, "%s does not run", guest_name);
  iso = cdrom_of (domain);
  e2e_assert (iso != NULL && g_str_has_suffix (iso, ".iso") && g_file_test (iso, G_FILE_TEST_EXISTS),
              "%s runs without its cidata ISO (its CD-ROM holds “%s”)", guest_name, iso);
  extract[4] = iso;
  e2e_creator_run_command (extract, NULL);
  e2e_assert (g_file_get_contents (user_data_file, &user_data, NULL, NULL), "no user-data in %s", iso);
  e2e_assert (strstr (user_data, key) != NULL && strstr (user_data, "hangar") != NULL,
              "the user-data lacks the user or the key: %s", user_data);
  files = e2e_creator_files_in (pool_dir);
  g_test_message ("the pool holds %s; the seed is %s", files, iso);

  /* The guest goes off, as after its first boot; the seed goes with the install. */
  e2e_assert (virDomainDestroy (domain) == 0, "cannot stop %s: %s", guest_name, e2e_virt_error ());
  e2e_assert (e2e_wait_for (is_off, domain, 10000), "%s does not stop", guest_name);
  hangar_guest_creator_finish_install_async (creator, NULL, on_result_cb, &finished);
  e2e_assert (e2e_wait_for (has_result, &finished, CREATE_TIMEOUT), "finishing the install did not end");
  e2e_assert (hangar_guest_creator_finish_install_finish (creator, finished, &error),
              "finishing the install failed: %s", error != NULL ? error->message : "");
  e2e_assert (!g_file_test (iso, G_FILE_TEST_EXISTS), "the seed %s is still there", iso);
  g_free (iso);
  iso = cdrom_of (domain);
  e2e_assert (iso == NULL, "%s still has the medium %s", guest_name, iso);
  virDomainFree (domain);
  e2e_remove_domain (other, guest_name);
  e2e_cleanup_domain_done (guest_name);
}

/* A qcow2 image @name of @size in @dir whose first @written bytes hold a pattern (so
 * that a copy can be compared with it), made once. */
static char *
patterned_image (const char *dir,
                 const char *name,
                 const char *size,
                 const char *written)
{
  char *image = g_build_filename (dir, name, NULL);
  g_autofree char *write = g_strdup_printf ("write -P 0x5a 0 %s", written);
  const char *pattern[] = { "qemu-io", "-f", "qcow2", "-c", write, image, NULL };

  if (!g_file_test (image, G_FILE_TEST_EXISTS))
    {
      test_make_qcow2 (image, size, NULL);
      e2e_creator_run_command (pattern, NULL);
    }
  return image;
}

/* Makes a guest on a copy of @image; checks the copy: a file of the pool named after
 * the guest, without a backing file, of the size asked (larger than the image's), the
 * image's data in it (qemu-img compare, which reads past the image's end as zeros), the
 * guest running on it. Then removes the guest and the copy. */
static void
create_on_copy (const char *image,
                HangarJob  *job)
{
  g_autoptr(HangarCreatorState) state = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = test_key ();
  g_autofree char *name = NULL;
  g_autofree char *volume = g_strconcat (guest_name, ".qcow2", NULL);
  g_autofree char *copy = g_build_filename (pool_dir, volume, NULL);
  g_autofree char *xml = NULL;
  g_autofree char *disk_xml = NULL;
  const char *compare[] = { "qemu-img", "compare", "-U", "-q", image, copy, NULL };
  virStorageVolPtr vol;
  virStorageVolInfo info;
  virDomainPtr domain;

  e2e_cleanup_domain (guest_name);
  state = answer_cloud (guest_name, image, key);
  hangar_creator_state_get_spec (state)->copy_base_image = TRUE;
  hangar_creator_state_get_spec (state)->disk_size = 96 * MiB;
  name = create_with_job (state, job, NULL, &error);
  e2e_assert (name != NULL, "creating %s on a copy of %s failed: %s", guest_name, image,
              error->message);

  vol = virStorageVolLookupByPath (other, copy);
  e2e_assert (vol != NULL, "libvirt has no volume %s: %s", copy, e2e_virt_error ());
  xml = virStorageVolGetXMLDesc (vol, 0);
  e2e_assert (xml != NULL && strstr (xml, "<backingStore") == NULL,
              "the copy has a backing file:\n%s", xml);
  e2e_assert (strstr (xml, "<format type='qcow2'/>") != NULL, "the copy is not qcow2:\n%s", xml);
  e2e_assert (virStorageVolGetInfo (vol, &info) == 0 && info.capacity == 96 * MiB,
              "the copy holds %" G_GUINT64_FORMAT " bytes, not the 96 MiB asked",
              (guint64) info.capacity);
  e2e_creator_run_command (compare, NULL);

  domain = virDomainLookupByName (other, guest_name);
  e2e_assert (domain != NULL, "libvirt has no %s: %s", guest_name, e2e_virt_error ());
  e2e_assert (virDomainIsActive (domain) == 1, "%s does not run", guest_name);
  disk_xml = virDomainGetXMLDesc (domain, 0);
  e2e_assert (strstr (disk_xml, copy) != NULL, "%s does not run on %s", guest_name, copy);
  virDomainFree (domain);
  e2e_remove_domain (other, guest_name);
  e2e_cleanup_domain_done (guest_name);
  e2e_assert (virStorageVolDelete (vol, 0) == 0, "cannot delete %s: %s", copy, e2e_virt_error ());
  virStorageVolFree (vol);
}

typedef struct {
  guint reports;          /* distinct fractions while copying */
  double last;
  gboolean cancel;        /* cancel at the first */
  gboolean cancelled;
} CopyWatch;

static void
on_copy_progress_cb (HangarJob  *job,
                     GParamSpec *pspec,
                     CopyWatch  *watch)
{
  double fraction = hangar_job_get_fraction (job);
  const char *message = hangar_job_get_message (job);

  if (message == NULL || !g_str_has_prefix (message, "Copying the image to the pool")
      || fraction <= 0 || fraction >= 1 || fraction == watch->last)
    return;
  watch->reports++;
  watch->last = fraction;
  if (watch->cancel && !watch->cancelled)
    {
      watch->cancelled = TRUE;
      hangar_job_cancel (job);
    }
}

/* A cloud image copied instead of layered: from a volume of a pool (libvirt copies it),
 * and from a file outside the pools (uploaded, the progress shown); each copy is whole,
 * grown to the size asked, and the guest runs on it. Cancel during an upload leaves no
 * volume, no domain and no ISO (counted). */
static void
test_cloud_image_copy (void)
{
  g_autofree char *in_pool = NULL;
  g_autofree char *outside = patterned_image (files_dir, "patterned.qcow2", "48M", "8M");
  g_autofree char *large = patterned_image (files_dir, "large.qcow2", "256M", "256M");
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  g_autoptr(HangarCreatorState) state = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = test_key ();
  g_autofree char *pool_before = NULL;
  g_autofree char *pool_after = NULL;
  g_autofree char *made = NULL;
  CopyWatch watch = { 0 };
  virStoragePoolPtr pool;
  virStorageVolPtr base;
  int domains_before;
  guint isos_before;

  g_free (guest_name);
  guest_name = g_strdup_printf (PREFIX "%d-copy", (int) getpid ());

  /* A volume of a pool: the test's pool, which lists the image once refreshed. */
  in_pool = patterned_image (pool_dir, "base-image.qcow2", "48M", "8M");
  pool = virStoragePoolLookupByName (other, pool_name);
  e2e_assert (pool != NULL && virStoragePoolRefresh (pool, 0) == 0, "cannot refresh %s: %s",
              pool_name, e2e_virt_error ());
  create_on_copy (in_pool, NULL);

  /* A file outside the pools: uploaded, the progress in the job. */
  g_signal_connect (job, "notify::fraction", G_CALLBACK (on_copy_progress_cb), &watch);
  create_on_copy (outside, job);
  g_test_message ("the upload reported %u fractions", watch.reports);
  e2e_assert (watch.reports >= 2, "the upload reported %u fractions of its progress", watch.reports);
  g_clear_object (&job);

  /* Cancel during the upload. */
  job = hangar_job_new ("Creating");
  watch = (CopyWatch) { .cancel = TRUE };
  g_signal_connect (job, "notify::fraction", G_CALLBACK (on_copy_progress_cb), &watch);
  state = answer_cloud (guest_name, large, key);
  hangar_creator_state_get_spec (state)->copy_base_image = TRUE;
  hangar_creator_state_get_spec (state)->disk_size = 256 * MiB;
  pool_before = e2e_creator_files_in (pool_dir);
  domains_before = e2e_creator_count_domains (other);
  isos_before = count_isos ();
  made = create_with_job (state, job, NULL, &error);
  e2e_assert (watch.cancelled, "the upload showed no progress to cancel at");
  e2e_assert (made == NULL, "%s was made though cancelled", guest_name);
  e2e_assert (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED),
              "the run did not end as cancelled: %s", error->message);
  pool_after = e2e_creator_files_in (pool_dir);
  e2e_assert (g_str_equal (pool_before, pool_after), "the pool held “%s” and now holds “%s”",
              pool_before, pool_after);
  e2e_assert (e2e_creator_count_domains (other) == domains_before,
              "the host had %d domains and now has %d", domains_before,
              e2e_creator_count_domains (other));
  e2e_assert (count_isos () == isos_before, "there were %u ISO images and now %u", isos_before,
              count_isos ());

  base = virStorageVolLookupByPath (other, in_pool);
  e2e_assert (base != NULL && virStorageVolDelete (base, 0) == 0, "cannot delete %s: %s", in_pool,
              e2e_virt_error ());
  virStorageVolFree (base);
  virStoragePoolFree (pool);
}

/* Impossible requests leave nothing: no volume, no domain, no ISO. */
static void
test_impossible_leaves_nothing (void)
{
  g_autoptr(HangarCreatorState) state = NULL;
  g_autofree char *kernel = g_build_filename (files_dir, "not-a-kernel", NULL);
  g_autofree char *key = test_key ();

  /* Readable, but no kernel: QEMU stops at once ("linux kernel too old to load a ram
   * disk"), after the volume was made and the guest defined. */
  e2e_assert (g_file_set_contents (kernel, "no kernel here\n", -1, NULL), "cannot write %s", kernel);
  failing_name = g_strdup_printf (PREFIX "%d-fails", (int) getpid ());
  e2e_cleanup_domain (failing_name);

  state = answer (failing_name, kernel);
  assert_fails_leaving_nothing (state, failing_name);
  g_clear_object (&state);

  /* A cloud image whose definition the user customized on the XML page to boot that
   * file: its seed ISO is made, the volume, the definition (checked by libvirt's
   * schema) defined, then QEMU refuses it. */
  {
    g_autofree char *base = base_image ();
    g_autofree char *initrd = e2e_creator_guest_file ("initrd.img");
    g_autofree char *boot = g_strdup_printf ("<kernel>%s</kernel><initrd>%s</initrd></os>", kernel,
                                             initrd);
    GtkWidget *window = gtk_window_new ();
    HangarCreatorPage *page;
    GtkTextBuffer *buffer;
    GtkTextIter start, end;

    state = answer_cloud (failing_name, base, key);
    hangar_creator_state_set_customize (state, TRUE);
    page = HANGAR_CREATOR_PAGE (hangar_creator_xml_page_new (state));
    gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
    gtk_window_present (GTK_WINDOW (window));
    e2e_assert (hangar_creator_page_get_needed (page), "the XML page is not needed with customize on");
    hangar_creator_page_shown (page);
    buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (test_find_widget (GTK_WIDGET (page),
                                                                          GTK_TYPE_TEXT_VIEW, NULL, NULL)));
    gtk_text_buffer_get_start_iter (buffer, &start);
    e2e_assert (gtk_text_iter_forward_search (&start, "</os>", 0, &start, &end, NULL),
                "the definition shown has no </os>");
    gtk_text_buffer_delete (buffer, &start, &end);
    gtk_text_buffer_insert (buffer, &start, boot, -1);
    e2e_assert (hangar_creator_page_get_complete (page), "the edited definition is refused");
    hangar_creator_page_apply (page, hangar_creator_state_get_spec (state));
    e2e_assert (hangar_creator_state_get_spec (state)->custom_xml != NULL,
                "the XML page handed no edited definition over");
    gtk_window_destroy (GTK_WINDOW (window));
    assert_fails_leaving_nothing (state, failing_name);
  }
  e2e_cleanup_domain_done (failing_name);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  e2e_creator_init (&argc, &argv);
  /* The setup's files go to the temporary directory: the test's own, so that the ISO
   * images counted are this test's alone. */
  host = e2e_creator_host_open (PREFIX, TRUE, cleanup);
  other = host->other;
  app = host->app;
  connection = host->connection;
  pool_name = host->pool_name;
  pool_dir = host->pool_dir;
  files_dir = host->files_dir;

  g_test_add_func ("/e2e-creator/create-and-boot", test_create_and_boot);
  g_test_add_func ("/e2e-creator/cloud-image", test_cloud_image);
  g_test_add_func ("/e2e-creator/cloud-image-copy", test_cloud_image_copy);
  g_test_add_func ("/e2e-creator/impossible-leaves-nothing", test_impossible_leaves_nothing);
  status = g_test_run ();

  cleanup ();
  e2e_cleanup_domain_done (guest_name);
  e2e_creator_host_close (host);
  return status;
}
