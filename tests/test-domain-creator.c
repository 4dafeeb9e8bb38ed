// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-domain-creator"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-creator-page.h"
#include "hangar-creator-summary-page.h"
#include "hangar-domain-creator-private.h"
#include "hangar-guest.h"
#include "hangar-guest-creator.h"
#include "hangar-guest-window.h"
#include "hangar-job-view.h"
#include "hangar-os-catalog.h"
#include "test-core-util.h"
#include "test-widget-util.h"
#include "test-wizard-util.h"

/* The New Virtual Machine window on the test driver (test:///default: the guest "test"
 * runs, the pool "default-pool" has room). The window's own behaviour — steps, skipped
 * pages, Forward, errors routed to their page — is driven through small pages of the
 * test's (TestPage below), whatever real pages the window's table holds; the real table
 * is run through too. */

#define MiB (G_GUINT64_CONSTANT (1) << 20)

/* A page whose complete / needed the test sets, and which counts what the window asks
 * of it. It takes errors of one HangarGuestSpecError code, if told to. */
#define TEST_TYPE_PAGE (test_page_get_type ())
G_DECLARE_FINAL_TYPE (TestPage, test_page, TEST, PAGE, HangarCreatorPage)

struct _TestPage
{
  HangarCreatorPage parent_instance;
  GtkWidget *entry;
  guint applied;
  guint shown;
  guint faults_shown;
  int takes_code;           /* -1: none */
  char *error_shown;
};

G_DEFINE_FINAL_TYPE (TestPage, test_page, HANGAR_TYPE_CREATOR_PAGE)

static void
test_page_apply (HangarCreatorPage *page,
                 HangarGuestSpec   *spec)
{
  TEST_PAGE (page)->applied++;
}

static void
test_page_shown (HangarCreatorPage *page)
{
  TEST_PAGE (page)->shown++;
}

static void
test_page_show_faults (HangarCreatorPage *page)
{
  TEST_PAGE (page)->faults_shown++;
}

static gboolean
test_page_show_error (HangarCreatorPage *page,
                      const GError      *error)
{
  TestPage *self = TEST_PAGE (page);

  if (self->takes_code < 0 || !g_error_matches (error, HANGAR_GUEST_SPEC_ERROR, self->takes_code))
    return FALSE;
  g_free (self->error_shown);
  self->error_shown = g_strdup (error->message);
  return TRUE;
}

static void
test_page_finalize (GObject *object)
{
  g_free (TEST_PAGE (object)->error_shown);
  G_OBJECT_CLASS (test_page_parent_class)->finalize (object);
}

static void
test_page_class_init (TestPageClass *klass)
{
  HangarCreatorPageClass *page_class = HANGAR_CREATOR_PAGE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_page_finalize;
  page_class->apply = test_page_apply;
  page_class->shown = test_page_shown;
  page_class->show_faults = test_page_show_faults;
  page_class->show_error = test_page_show_error;
}

static void
test_page_init (TestPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();

  self->takes_code = -1;
  self->entry = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->entry), "Field");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->entry);
  adw_bin_set_child (ADW_BIN (self), group);
}

static GtkWidget *
new_page (HangarCreatorState *state,
          const char         *title,
          gboolean            complete,
          gboolean            needed)
{
  return g_object_new (TEST_TYPE_PAGE, "state", state, "title", title, "complete", complete,
                       "needed", needed, NULL);
}

static GtkWidget *
page_one (HangarCreatorState *state)
{
  return new_page (state, "One", TRUE, TRUE);
}

static GtkWidget *
page_two (HangarCreatorState *state)
{
  return new_page (state, "Two", TRUE, FALSE);
}

static GtkWidget *
page_three (HangarCreatorState *state)
{
  return new_page (state, "Three", FALSE, TRUE);
}

static const HangarCreatorPageEntry three_pages[] = {
  { "one", page_one },
  { "two", page_two },
  { "three", page_three },
  { "summary", hangar_creator_summary_page_new },
};

static const HangarCreatorPageEntry one_page[] = {
  { "one", page_one },
  { "summary", hangar_creator_summary_page_new },
};

static const HangarCreatorPageEntry summary_only[] = {
  { "summary", hangar_creator_summary_page_new },
};

static HangarConnection *connection;

static GtkWidget *
open_window (const HangarCreatorPageEntry *entries,
             guint                         n_entries)
{
  GtkWidget *window;

  if (entries != NULL)
    window = GTK_WIDGET (_hangar_domain_creator_new_with_pages (NULL, connection, entries, n_entries));
  else
    window = GTK_WIDGET (hangar_domain_creator_new (NULL, connection));
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static TestPage *
page_named (GtkWidget  *window,
            const char *name)
{
  GtkWidget *stack = test_find_widget (window, GTK_TYPE_STACK, NULL, NULL);

  return TEST_PAGE (gtk_stack_get_child_by_name (GTK_STACK (stack), name));
}

static const char *
subtitle (GtkWidget *window)
{
  GtkWidget *title = test_find_widget (window, ADW_TYPE_WINDOW_TITLE, NULL, NULL);

  return adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title));
}

static GtkWidget *
button (GtkWidget  *window,
        const char *label)
{
  GtkWidget *found = test_find_titled (window, GTK_TYPE_BUTTON, label);

  g_assert_nonnull (found);
  return found;
}

static gboolean
usable (GtkWidget *widget)
{
  return gtk_widget_get_visible (widget) && gtk_widget_is_sensitive (widget);
}

static gboolean
host_ready (gpointer data)
{
  return hangar_creator_state_get_host_ready (hangar_domain_creator_get_state (data));
}

static guint
count_domains (void)
{
  virConnectPtr conn = test_raw_connection (connection);

  return virConnectNumOfDomains (conn) + virConnectNumOfDefinedDomains (conn);
}

/* Back and Forward, "Step N of M", pages not needed skipped both ways, Forward off on an
 * incomplete page (the action then shows the page's faults), apply on leaving forward. */
static void
test_steps (void)
{
  GtkWidget *window = open_window (three_pages, G_N_ELEMENTS (three_pages));
  TestPage *one = page_named (window, "one");
  TestPage *two = page_named (window, "two");
  TestPage *three = page_named (window, "three");

  g_assert_cmpstr (test_stack_page (window), ==, "one");
  g_assert_cmpstr (subtitle (window), ==, "One · Step 1 of 3");
  g_assert_cmpuint (one->shown, ==, 1);
  g_assert_false (usable (button (window, "_Back")));
  g_assert_true (usable (button (window, "_Forward")));
  g_assert_false (gtk_widget_get_visible (button (window, "C_reate")));
  hangar_test_assert_accessible_names (window);

  /* Two is not needed: Forward goes from one to three. */
  test_click (button (window, "_Forward"));
  g_assert_cmpuint (one->applied, ==, 1);
  g_assert_cmpstr (test_stack_page (window), ==, "three");
  g_assert_cmpstr (subtitle (window), ==, "Three · Step 2 of 3");
  g_assert_cmpuint (two->shown, ==, 0);
  g_assert_true (usable (button (window, "_Back")));

  /* Three is incomplete: the button is off, the action (Enter) shows its faults. */
  g_assert_false (usable (button (window, "_Forward")));
  gtk_widget_activate_action (window, "creator.forward", NULL);
  g_assert_cmpuint (three->faults_shown, ==, 1);
  g_assert_cmpuint (three->applied, ==, 0);
  g_assert_cmpstr (test_stack_page (window), ==, "three");
  hangar_creator_page_set_complete (HANGAR_CREATOR_PAGE (three), TRUE);
  g_assert_true (usable (button (window, "_Forward")));
  test_click (button (window, "_Forward"));
  g_assert_cmpuint (three->applied, ==, 1);
  g_assert_cmpstr (test_stack_page (window), ==, "summary");
  g_assert_cmpstr (subtitle (window), ==, "Summary · Step 3 of 3");
  g_assert_false (gtk_widget_get_visible (button (window, "_Forward")));
  g_assert_true (gtk_widget_get_visible (button (window, "C_reate")));

  /* Back skips two as well; once needed, it counts and is shown. */
  test_click (button (window, "_Back"));
  g_assert_cmpstr (test_stack_page (window), ==, "three");
  test_click (button (window, "_Back"));
  g_assert_cmpstr (test_stack_page (window), ==, "one");
  g_assert_cmpuint (one->shown, ==, 2);
  hangar_creator_page_set_needed (HANGAR_CREATOR_PAGE (two), TRUE);
  g_assert_cmpstr (subtitle (window), ==, "One · Step 1 of 4");
  test_click (button (window, "_Forward"));
  g_assert_cmpstr (test_stack_page (window), ==, "two");
  g_assert_cmpstr (subtitle (window), ==, "Two · Step 2 of 4");
  g_assert_cmpuint (one->applied, ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
  test_assert_finalized (window);
}

/* Cancel closes the window and makes nothing. */
static void
test_cancel (void)
{
  GtkWidget *window = open_window (NULL, 0);
  guint before = count_domains ();

  g_assert_true (test_wait_for (host_ready, window, 10000));
  test_click (button (window, "_Cancel"));
  test_wait_destroyed (window, 5000);
  g_assert_cmpuint (count_domains (), ==, before);
  test_assert_finalized (window);
}

/* What the pages would answer, for a guest the test driver can make. */
static void
fill_spec (GtkWidget  *window,
           const char *name)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (hangar_domain_creator_get_state (HANGAR_DOMAIN_CREATOR (window)));

  g_free (spec->name);
  spec->name = g_strdup (name);
  spec->source = HANGAR_GUEST_SOURCE_MANUAL;
  spec->memory = 64 * MiB;
  spec->vcpus = 1;
  spec->disk = HANGAR_GUEST_SPEC_DISK_NONE;
  spec->network = HANGAR_GUEST_SPEC_NETWORK_NONE;
}

typedef struct {
  char *name;
  HangarGuest *guest;
  gboolean has_creator;
} Created;

static void
on_created_cb (HangarDomainCreator *window,
               const char          *name,
               HangarGuest         *guest,
               HangarGuestCreator  *creator,
               Created             *created)
{
  created->name = g_strdup (name);
  g_set_object (&created->guest, guest);
  created->has_creator = HANGAR_IS_GUEST_CREATOR (creator);
}

/* The guest goes, with the disk a storage page made for it, through Hangar (whose pool
 * list would not hear of a volume deleted behind its back). */
static void
delete_domain (const char *name)
{
  HangarGuest *guest = hangar_connection_find_guest (connection, name);
  g_autoptr(GPtrArray) disks = NULL;
  g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();
  g_auto(GStrv) own = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (guest);
  disks = test_list_disks (guest, 5000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < disks->len; i++)
    {
      HangarGuestDisk *disk = disks->pdata[i];

      if (disk->delete_by_default)
        g_strv_builder_add (paths, disk->path);
    }
  own = g_strv_builder_end (paths);
  g_assert_true (test_delete_with_storage (guest, (const char *const *)own, 10000, &error));
  g_assert_no_error (error);
}

/* The window handed over the guest called @name with its creator, and the host runs
 * it; then it goes. */
static void
assert_made_and_remove (Created    *created,
                        const char *name)
{
  virDomainPtr domain = virDomainLookupByName (test_raw_connection (connection), name);
  int state = 0;

  g_assert_cmpstr (created->name, ==, name);
  g_assert_nonnull (created->guest);
  g_assert_cmpstr (hangar_guest_get_name (created->guest), ==, name);
  g_assert_true (created->has_creator);
  g_assert_nonnull (domain);
  g_assert_cmpint (virDomainGetState (domain, &state, NULL, 0), ==, 0);
  g_assert_cmpint (state, ==, VIR_DOMAIN_RUNNING);
  virDomainFree (domain);
  delete_domain (name);
  g_clear_object (&created->guest);
  g_free (created->name);
}

/* Create makes the guest on the host, the window closes and hands over the guest (once
 * it is in the connection's list) and the creator. */
static void
test_create (void)
{
  GtkWidget *window = open_window (summary_only, G_N_ELEMENTS (summary_only));
  Created created = { NULL, NULL, FALSE };
  GtkWidget *failure;

  g_signal_connect (window, "created", G_CALLBACK (on_created_cb), &created);
  g_assert_cmpstr (test_stack_page (window), ==, "summary");
  g_assert_cmpstr (subtitle (window), ==, "Summary · Step 1 of 1");
  /* Create waits for the host's answer, and says so meanwhile (the answer comes through
   * the main loop, which has not run since the window opened). */
  failure = test_find_widget (window, GTK_TYPE_LABEL, test_has_name, "failure");
  g_assert_false (host_ready (window));
  g_assert_false (usable (button (window, "C_reate")));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (failure)), ==, "Asking the host what it can run…");
  g_assert_true (test_wait_for (host_ready, window, 10000));
  g_assert_false (gtk_widget_get_visible (failure));
  g_assert_true (usable (button (window, "C_reate")));
  fill_spec (window, "made-by-window");
  test_click (button (window, "C_reate"));
  test_wait_destroyed (window, 20000);

  assert_made_and_remove (&created, "made-by-window");
  test_assert_finalized (window);
}

static gboolean
shows_page_one (gpointer data)
{
  return g_strcmp0 (test_stack_page (data), "one") == 0;
}

/* A name the host has already: the check refuses it; the page that takes the error shows
 * it and is shown again, else the summary says it. Nothing is made either way. */
static void
test_error_routed (void)
{
  GtkWidget *window = open_window (one_page, G_N_ELEMENTS (one_page));
  TestPage *one = page_named (window, "one");
  GtkWidget *failure;
  guint before = count_domains ();

  one->takes_code = HANGAR_GUEST_SPEC_ERROR_NAME;
  g_assert_true (test_wait_for (host_ready, window, 10000));
  fill_spec (window, "test");
  test_click (button (window, "_Forward"));
  test_click (button (window, "C_reate"));
  g_assert_true (test_wait_for (shows_page_one, window, 10000));
  g_assert_nonnull (one->error_shown);
  g_assert_true (strstr (one->error_shown, "test") != NULL);
  g_assert_cmpstr (subtitle (window), ==, "One · Step 1 of 2");
  g_assert_cmpuint (count_domains (), ==, before);

  /* No page takes it: it stands on the summary. */
  one->takes_code = -1;
  test_click (button (window, "_Forward"));
  test_click (button (window, "C_reate"));
  failure = test_find_widget (window, GTK_TYPE_LABEL, test_has_name, "failure");
  g_assert_true (test_wait_for (test_label_shows, failure, 10000));
  g_assert_cmpstr (test_stack_page (window), ==, "summary");
  g_assert_true (gtk_widget_has_css_class (failure, "error"));
  g_assert_cmpuint (count_domains (), ==, before);

  gtk_window_destroy (GTK_WINDOW (window));
  test_assert_finalized (window);
}

/* Shown, and not sliding between pages: where keys typed now go is known. */
static gboolean
is_settled (gpointer data)
{
  GtkWidget *stack = test_find_widget (data, GTK_TYPE_STACK, NULL, NULL);

  return gtk_widget_get_mapped (data) && !gtk_stack_get_transition_running (GTK_STACK (stack));
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (data);
}

static gboolean
shows_page_three (gpointer data)
{
  return g_strcmp0 (test_stack_page (data), "three") == 0;
}

static gboolean
faults_shown (gpointer data)
{
  return TEST_PAGE (data)->faults_shown > 0;
}

/* Enter typed in a page's field (real X11 keys) goes forward like the button, and on an
 * incomplete page shows what is missing instead. */
static void
test_enter (void)
{
  GtkWidget *window = open_window (three_pages, G_N_ELEMENTS (three_pages));
  TestPage *one = page_named (window, "one");
  TestPage *three = page_named (window, "three");
  g_autofree char *focus = NULL;

  g_assert_true (test_wait_for (is_settled, window, 5000));
  focus = g_strdup_printf ("windowfocus --sync %lu", test_x11_window_id (window));
  test_xdotool (focus);
  g_assert_true (test_wait_for (window_is_active, window, 3000));
  gtk_widget_grab_focus (one->entry);
  test_xdotool ("key Return");
  g_assert_true (test_wait_for (shows_page_three, window, 3000));
  g_assert_cmpuint (one->applied, ==, 1);

  g_assert_true (test_wait_for (is_settled, window, 5000));
  gtk_widget_grab_focus (three->entry);
  test_xdotool ("key Return");
  g_assert_true (test_wait_for (faults_shown, three, 3000));
  g_assert_cmpstr (test_stack_page (window), ==, "three");
  g_assert_cmpuint (three->applied, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  test_assert_finalized (window);
}

static const char *
row_says (GtkWidget  *window,
          const char *title)
{
  GtkWidget *row = test_find_titled (window, ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* The summary reads the answers each time it is shown. */
static void
test_summary (void)
{
  GtkWidget *window = open_window (one_page, G_N_ELEMENTS (one_page));
  HangarGuestSpec *spec = hangar_creator_state_get_spec (hangar_domain_creator_get_state (HANGAR_DOMAIN_CREATOR (window)));

  fill_spec (window, "summed-up");
  spec->source = HANGAR_GUEST_SOURCE_MEDIA;
  spec->media_path = g_strdup ("/isos/debian-12.iso");
  spec->memory = 2048 * MiB;
  spec->vcpus = 2;
  spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
  spec->pool_name = g_strdup ("default-pool");
  spec->disk_size = 20480 * MiB;
  spec->disk_format = HANGAR_VOLUME_FORMAT_QCOW2;
  spec->network = HANGAR_GUEST_SPEC_NETWORK_VIRTUAL;
  spec->network_name = g_strdup ("default");
  spec->firmware = HANGAR_GUEST_FIRMWARE_UEFI;
  spec->secure_boot = TRUE;
  spec->unattended = TRUE;
  spec->minimal_install = TRUE;
  spec->user_login = g_strdup ("ada");
  test_click (button (window, "_Forward"));

  g_assert_cmpstr (row_says (window, "Name"), ==, "summed-up");
  g_assert_cmpstr (row_says (window, "Host"), ==, hangar_connection_get_title (connection));
  g_assert_cmpstr (row_says (window, "Operating System"), ==, "Unknown (generic settings)");
  g_assert_cmpstr (row_says (window, "Installation Source"), ==,
                   "Installation media “/isos/debian-12.iso”");
  g_assert_cmpstr (row_says (window, "Automatic Installation"), ==,
                   "Yes, with user “ada”, host name “summed-up”, without a desktop");
  g_assert_cmpstr (row_says (window, "Memory"), ==, "2.0\u00a0GiB");
  g_assert_cmpstr (row_says (window, "CPUs"), ==, "2");
  g_assert_cmpstr (row_says (window, "Disk"), ==,
                   "New 20.0\u00a0GiB qcow2 volume “summed-up.qcow2” in pool “default-pool”");
  g_assert_cmpstr (row_says (window, "Network"), ==, "Virtual network “default”, virtio");
  g_assert_cmpstr (row_says (window, "Firmware"), ==, "UEFI, Secure Boot");
  hangar_test_assert_accessible_names (window);
  test_save_screenshot (window, "domain-creator-summary");

  /* Back, a change, Forward: the summary follows. */
  test_click (button (window, "_Back"));
  spec->vcpus = 4;
  spec->network = HANGAR_GUEST_SPEC_NETWORK_NONE;
  /* A host without KVM: the guest is emulated, and the summary says so. */
  g_free (spec->virt_type);
  spec->virt_type = g_strdup ("qemu");
  test_click (button (window, "_Forward"));
  g_assert_cmpstr (row_says (window, "CPUs"), ==, "4");
  g_assert_cmpstr (row_says (window, "Network"), ==, "None");
  {
    g_autofree char *emulated = g_strdup_printf ("%s, software emulation (no KVM: slower)",
                                                 hangar_connection_get_title (connection));
    g_assert_cmpstr (row_says (window, "Host"), ==, emulated);
  }
  /* Only an edited definition is mentioned: the rows show the pages' choices. */
  g_assert_false (gtk_widget_get_visible (test_find_titled (window, ADW_TYPE_ACTION_ROW, "Definition")));
  test_click (button (window, "_Back"));
  spec->custom_xml = g_strdup ("<domain type='qemu'/>");
  test_click (button (window, "_Forward"));
  g_assert_true (gtk_widget_get_visible (test_find_titled (window, ADW_TYPE_ACTION_ROW, "Definition")));
  g_assert_cmpstr (row_says (window, "Definition"), ==,
                   "Edited in Customize: created as you wrote it, which may differ from the rows above");
  test_save_screenshot (window, "domain-creator-summary-edited");

  /* Usermode networking, named with its card. */
  test_click (button (window, "_Back"));
  spec->network = HANGAR_GUEST_SPEC_NETWORK_USER;
  test_click (button (window, "_Forward"));
  g_assert_cmpstr (row_says (window, "Network"), ==, "Usermode networking, virtio");
  /* The card the definition gets: e1000e without virtio. */
  test_click (button (window, "_Back"));
  spec->virtio_net = FALSE;
  test_click (button (window, "_Forward"));
  g_assert_cmpstr (row_says (window, "Network"), ==, "Usermode networking, e1000e");
  hangar_test_assert_accessible_names (window);

  gtk_window_destroy (GTK_WINDOW (window));
  test_assert_finalized (window);
}

/* Each source kind: the source, the setup and the disk rows say what Create will do
 * with it (hangar-guest-creator.c: the volume's name, a cloud image's layer, the
 * installer fetched for a network install, answers only where the setup makes them). */
static void
set_text (char       **field,
          const char  *text)
{
  g_free (*field);
  *field = g_strdup (text);
}

static void
test_summary_sources (void)
{
  static const struct {
    HangarGuestSource source;
    const char *source_says;
    const char *setup_title;
    const char *setup_says;
    const char *disk_says;
  } cases[] = {
    { HANGAR_GUEST_SOURCE_MEDIA, "Installation media “/isos/debian-12.iso”",
      "Automatic Installation", "Yes, with user “ada”, host name “web”",
      "New 20.0\u00a0GiB raw volume “web-disk.img” in pool “default-pool”" },
    { HANGAR_GUEST_SOURCE_URL,
      "Network installation from http://deb.example/tree/; its installer’s kernel and initrd are fetched when the virtual machine is created",
      "Automatic Installation", "Yes, with user “ada”, host name “web”",
      "New 20.0\u00a0GiB raw volume “web-disk.img” in pool “default-pool”" },
    { HANGAR_GUEST_SOURCE_CLOUD_IMAGE, "The cloud image “/isos/base.qcow2”",
      "Cloud-init", "User “ada”, password locked, 2 SSH keys, host name “web”",
      "A new 20.0\u00a0GiB disk “web-disk.img” in pool “default-pool” on the cloud image “/isos/base.qcow2”" },
    { HANGAR_GUEST_SOURCE_IMPORT, "None: it boots from the existing disk",
      NULL, NULL, "The disk image “/isos/old.qcow2”" },
    { HANGAR_GUEST_SOURCE_KERNEL,
      "Kernel “/boot/vmlinuz”, initrd “/boot/initrd.img”, command line “console=ttyS0”",
      NULL, NULL, "No disk" },
    { HANGAR_GUEST_SOURCE_PXE, "Network boot (PXE)", NULL, NULL, "No disk" },
    { HANGAR_GUEST_SOURCE_MANUAL, "None: install later", NULL, NULL,
      "New 20.0\u00a0GiB raw volume “web-disk.img” in pool “default-pool”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GtkWidget *window = open_window (one_page, G_N_ELEMENTS (one_page));
      HangarGuestSpec *spec = hangar_creator_state_get_spec (hangar_domain_creator_get_state (HANGAR_DOMAIN_CREATOR (window)));

      fill_spec (window, "web");
      spec->source = cases[i].source;
      set_text (&spec->media_path, "/isos/debian-12.iso");
      set_text (&spec->tree_url, "http://deb.example/tree/");
      set_text (&spec->base_image, "/isos/base.qcow2");
      set_text (&spec->kernel, cases[i].source == HANGAR_GUEST_SOURCE_KERNEL ? "/boot/vmlinuz" : NULL);
      set_text (&spec->initrd, "/boot/initrd.img");
      set_text (&spec->cmdline, "console=ttyS0");
      spec->memory = 1024 * MiB;
      spec->vcpus = 1;
      spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
      set_text (&spec->pool_name, "default-pool");
      set_text (&spec->volume_name, "web-disk.img");
      spec->disk_size = 20480 * MiB;
      spec->disk_format = HANGAR_VOLUME_FORMAT_RAW;
      if (cases[i].source == HANGAR_GUEST_SOURCE_IMPORT)
        {
          spec->disk = HANGAR_GUEST_SPEC_DISK_EXISTING;
          set_text (&spec->disk_path, "/isos/old.qcow2");
        }
      else if (cases[i].source == HANGAR_GUEST_SOURCE_KERNEL || cases[i].source == HANGAR_GUEST_SOURCE_PXE)
        spec->disk = HANGAR_GUEST_SPEC_DISK_NONE;
      spec->network = HANGAR_GUEST_SPEC_NETWORK_BRIDGE;
      set_text (&spec->network_name, "br0");
      spec->virtio_net = FALSE;
      /* Both asked: only what the source takes is made. */
      spec->unattended = TRUE;
      spec->cloud_init = TRUE;
      set_text (&spec->user_login, "ada");
      spec->password_locked = TRUE;
      set_text (&spec->ssh_keys, "ssh-ed25519 AAAA a@b\n# mine\n\nssh-ed25519 AAAB c@d\n");
      test_click (button (window, "_Forward"));

      g_test_message ("Source %d", cases[i].source);
      g_assert_cmpstr (row_says (window, "Installation Source"), ==, cases[i].source_says);
      if (cases[i].setup_title != NULL)
        g_assert_cmpstr (row_says (window, cases[i].setup_title), ==, cases[i].setup_says);
      else
        {
          /* Nothing is set up for this source: no row for it. */
          GtkWidget *row = test_find_titled (window, ADW_TYPE_ACTION_ROW, "Automatic Installation");

          g_assert_true (row == NULL || !gtk_widget_get_visible (row));
        }
      g_assert_cmpstr (row_says (window, "Disk"), ==, cases[i].disk_says);
      g_assert_cmpstr (row_says (window, "Network"), ==, "Bridge “br0”, e1000e");
      hangar_test_assert_accessible_names (window);
      gtk_window_destroy (GTK_WINDOW (window));
      test_assert_finalized (window);
    }
}

static gboolean
is_fault (GtkWidget    *widget,
          gconstpointer data)
{
  return gtk_widget_get_visible (widget) && gtk_widget_has_css_class (widget, "error");
}

static gboolean
catalog_loaded (gpointer data)
{
  return hangar_os_catalog_get_loaded (hangar_creator_state_get_catalog (data));
}

/* The window's own pages, as a user goes through them: each page the table holds is
 * answered the simplest way (a manual install, the generic OS, 1 GiB, the proposed
 * storage, @name_wanted), up to the summary. Returns the name. */
static char *
walk_to_summary (GtkWidget  *window,
                 const char *name_wanted)
{
  HangarCreatorState *state = hangar_domain_creator_get_state (HANGAR_DOMAIN_CREATOR (window));
  GtkStack *stack = GTK_STACK (test_find_widget (window, GTK_TYPE_STACK, NULL, NULL));
  char *name = NULL;

  g_assert_true (test_wait_for (host_ready, window, 10000));
  g_assert_true (test_wait_for (catalog_loaded, state, 20000));
  /* Without a source page (not in the table yet), the source it would ask for. */
  if (gtk_stack_get_child_by_name (stack, "source") == NULL)
    hangar_creator_state_set_source (state, HANGAR_GUEST_SOURCE_MANUAL);

  for (guint step = 0; g_strcmp0 (test_stack_page (window), "summary") != 0; step++)
    {
      const char *page = test_stack_page (window);
      GtkWidget *shown = gtk_stack_get_visible_child (stack);

      g_assert_cmpuint (step, <, 12);
      if (g_str_equal (page, "source"))
        test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "_Install From"),
                     "Manual Install");
      else if (g_str_equal (page, "os"))
        g_signal_emit_by_name (test_find_titled (shown, ADW_TYPE_ACTION_ROW, "_Generic / Unknown"),
                               "activated");
      else if (g_str_equal (page, "resources"))
        {
          /* The generic OS asks for 4 GiB; the test driver's host has 3. */
          GtkWidget *memory = test_find_titled (shown, ADW_TYPE_ACTION_ROW, "_Memory");

          gtk_drop_down_set_selected (GTK_DROP_DOWN (test_find_widget (memory, GTK_TYPE_DROP_DOWN, NULL, NULL)), 1);
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (test_find_widget (memory, GTK_TYPE_SPIN_BUTTON, NULL, NULL)), 1);
        }
      else if (g_str_equal (page, "details"))
        {
          GtkWidget *name_row = test_find_titled (shown, ADW_TYPE_ENTRY_ROW, "_Name");

          /* Each test its own name: a disk an earlier test made may still be listed. */
          test_type_text (name_row, name_wanted);
          name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (name_row)));
        }
      if (!hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (shown)))
        {
          GtkWidget *fault = test_find_widget (shown, GTK_TYPE_LABEL, is_fault, NULL);

          g_error ("The page “%s” is not complete with its proposed answers: %s", page,
                   fault != NULL ? gtk_label_get_text (GTK_LABEL (fault)) : "(no message)");
        }
      test_click (button (window, "_Forward"));
    }
  g_assert_nonnull (name);
  g_assert_cmpstr (row_says (window, "Name"), ==, name);
  g_assert_cmpstr (row_says (window, "Memory"), ==, "1.0\u00a0GiB");
  return name;
}

/* Through the real pages, Create makes the guest the summary described. */
static void
test_real_pages (void)
{
  GtkWidget *window = open_window (NULL, 0);
  Created created = { NULL, NULL, FALSE };
  g_autofree char *name = NULL;
  guint before = count_domains ();

  g_signal_connect (window, "created", G_CALLBACK (on_created_cb), &created);
  name = walk_to_summary (window, "walked-made");
  hangar_test_assert_accessible_names (window);
  test_click (button (window, "C_reate"));
  test_wait_destroyed (window, 20000);

  g_assert_cmpuint (count_domains (), ==, before + 1);
  assert_made_and_remove (&created, name);
  test_assert_finalized (window);
}

static gboolean
shows_details (gpointer data)
{
  return g_strcmp0 (test_stack_page (data), "details") == 0;
}

/* The name was free on the details page; someone takes it before Create: the host's
 * refusal goes back to the details page, beside the name, and nothing is made. */
static void
test_real_error (void)
{
  GtkWidget *window = open_window (NULL, 0);
  g_autofree char *name = walk_to_summary (window, "walked-refused");
  g_autofree char *xml = g_strdup_printf ("<domain type='test'><name>%s</name><memory>65536</memory>"
                                          "<os><type>hvm</type></os></domain>", name);
  virDomainPtr theirs = virDomainDefineXML (test_raw_connection (connection), xml);
  GtkWidget *name_row;
  guint before = count_domains ();

  g_assert_nonnull (theirs);
  test_click (button (window, "C_reate"));
  g_assert_true (test_wait_for (shows_details, window, 10000));
  name_row = test_find_titled (window, ADW_TYPE_ENTRY_ROW, "_Name");
  test_assert_field_error (name_row, name);
  g_assert_cmpuint (count_domains (), ==, before);

  g_assert_cmpint (virDomainUndefine (theirs), ==, 0);
  virDomainFree (theirs);
  gtk_window_destroy (GTK_WINDOW (window));
  test_assert_finalized (window);
}

static gboolean
has_guest_window (gpointer data)
{
  for (GList *l = gtk_application_get_windows (data); l; l = l->next)
    if (HANGAR_IS_GUEST_WINDOW (l->data))
      return TRUE;
  return FALSE;
}

/* As the manager's New Virtual Machine does: the application opens the window, and once
 * the guest is made, the guest's own window. */
static void
test_opens_guest_window (void)
{
  g_autoptr(HangarApplication) app = hangar_application_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  GtkWidget *window = NULL;
  GList *windows;

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  hangar_application_show_domain_creator (app, connection, NULL);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (HANGAR_IS_DOMAIN_CREATOR (windows->data));
  window = g_object_ref (windows->data);

  name = walk_to_summary (window, "walked-opened");
  test_click (button (window, "C_reate"));
  test_wait_destroyed (window, 20000);
  g_assert_true (test_wait_for (has_guest_window, app, 5000));
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_cmpstr (hangar_guest_get_name (hangar_guest_window_get_guest (windows->data)), ==, name);

  gtk_window_destroy (windows->data);
  delete_domain (name);
  test_assert_finalized (window);
}

static gboolean
shows_summary (gpointer data)
{
  return g_strcmp0 (test_stack_page (data), "summary") == 0;
}

/* Cancel on the progress page, or closing the window while the guest is made: what was
 * made goes, and nothing is left on the host. */
static void
test_cancel_create (void)
{
  GtkWidget *window = open_window (summary_only, G_N_ELEMENTS (summary_only));
  GtkWidget *progress;
  GtkWidget *failure;
  guint before = count_domains ();

  g_assert_true (test_wait_for (host_ready, window, 10000));
  fill_spec (window, "cancelled-guest");
  test_click (button (window, "C_reate"));
  g_assert_cmpstr (test_stack_page (window), ==, "progress");
  g_assert_cmpstr (subtitle (window), ==, "Creating");
  g_assert_false (gtk_widget_get_visible (button (window, "_Back")));
  progress = test_find_widget (window, HANGAR_TYPE_JOB_VIEW, NULL, NULL);
  test_click (test_find_titled (progress, GTK_TYPE_BUTTON, "_Cancel"));
  g_assert_true (test_wait_for (shows_summary, window, 10000));
  failure = test_find_widget (window, GTK_TYPE_LABEL, test_has_name, "failure");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (failure)), ==, "Cancelled. Nothing was left behind.");
  g_assert_false (gtk_widget_has_css_class (failure, "error"));
  g_assert_cmpuint (count_domains (), ==, before);

  /* Closed while creating: the window goes once the work is undone. */
  test_click (button (window, "C_reate"));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpstr (test_stack_page (window), ==, "progress");
  test_wait_destroyed (window, 10000);
  g_assert_cmpuint (count_domains (), ==, before);
  test_assert_finalized (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Typing goes through xdotool, which needs X11 windows. */
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_type_ensure (TEST_TYPE_PAGE);

  connection = test_open_connection ("test:///default");

  g_test_add_func ("/domain-creator/steps", test_steps);
  g_test_add_func ("/domain-creator/cancel", test_cancel);
  g_test_add_func ("/domain-creator/create", test_create);
  g_test_add_func ("/domain-creator/error-routed", test_error_routed);
  g_test_add_func ("/domain-creator/cancel-create", test_cancel_create);
  g_test_add_func ("/domain-creator/enter", test_enter);
  g_test_add_func ("/domain-creator/summary", test_summary);
  g_test_add_func ("/domain-creator/summary-sources", test_summary_sources);
  g_test_add_func ("/domain-creator/real-pages", test_real_pages);
  g_test_add_func ("/domain-creator/real-error", test_real_error);
  g_test_add_func ("/domain-creator/opens-guest-window", test_opens_guest_window);

  status = g_test_run ();
  hangar_connection_close (connection);
  g_object_unref (connection);
  return status;
}
