// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-creator-xml-page"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-creator-state.h"
#include "hangar-creator-xml-page.h"
#include "hangar-guest-creator.h"
#include "hangar-job.h"
#include "test-core-util.h"
#include "test-creator-util.h"
#include "test-wizard-util.h"

/* The New VM window's "Customize before install" page under Xvfb, on
 * tests/data/storage-host.xml (pool "images" at /images): the definition it shows,
 * edits judged as they are typed, Reset, what apply hands the creator, and the
 * creator defining the edited text on the test driver (or libvirt refusing it, the
 * page then saying why). */

#define GiB (G_GUINT64_CONSTANT (1) << 30)
#define MiB (G_GUINT64_CONSTANT (1) << 20)

static char *storage_host_uri;

typedef struct {
  TestCreatorPage base;
  HangarCreatorPage *page;  /* base.page */
  GtkTextBuffer *buffer;
  GtkWidget *view;
  GtkLabel *message;
  GtkLabel *note;
  GtkWidget *reset;
  HangarGuestCreator *creator;  /* the last that made a guest */
} Fixture;

static gboolean
host_ready (gpointer data)
{
  return hangar_creator_state_get_host_ready (data) ||
         hangar_creator_state_get_host_error (data) != NULL;
}

static gboolean
is_source_view (GtkWidget    *widget,
                gconstpointer data)
{
  return GTK_SOURCE_IS_VIEW (widget);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  HangarGuestSpec *spec;

  f->base.connection = test_open_storage_host (storage_host_uri, 2);
  f->base.state = hangar_creator_state_new (f->base.connection);
  g_assert_true (test_wait_for (host_ready, f->base.state, 10000));
  g_assert_null (hangar_creator_state_get_host_error (f->base.state));

  /* What the earlier pages would have written: a direct kernel boot on a new disk. */
  spec = hangar_creator_state_get_spec (f->base.state);
  hangar_creator_state_set_source (f->base.state, HANGAR_GUEST_SOURCE_KERNEL);
  spec->name = g_strdup ("xml-guest");
  spec->kernel = g_strdup ("/boot/vmlinuz");
  spec->initrd = g_strdup ("/boot/initrd.img");
  spec->cmdline = g_strdup ("console=ttyS0");
  spec->memory = 512 * MiB;
  spec->vcpus = 1;
  spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
  spec->pool_name = g_strdup ("images");
  spec->disk_size = 1 * GiB;
  spec->disk_format = HANGAR_VOLUME_FORMAT_QCOW2;
  spec->network = HANGAR_GUEST_SPEC_NETWORK_NONE;

  test_creator_page_show (&f->base, hangar_creator_xml_page_new, 700, 500);
  f->page = HANGAR_CREATOR_PAGE (f->base.page);

  f->view = test_find_widget (GTK_WIDGET (f->page), GTK_TYPE_TEXT_VIEW, is_source_view, NULL);
  g_assert_nonnull (f->view);
  f->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (f->view));
  f->message = GTK_LABEL (test_find_widget (GTK_WIDGET (f->page), GTK_TYPE_LABEL,
                                            test_has_name, "message"));
  g_assert_nonnull (f->message);
  f->note = GTK_LABEL (test_find_widget (GTK_WIDGET (f->page), GTK_TYPE_LABEL,
                                         test_has_name, "note"));
  g_assert_nonnull (f->note);
  f->reset = test_find_titled (GTK_WIDGET (f->page), GTK_TYPE_BUTTON, "_Reset");
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->creator);
  test_creator_page_close (&f->base);
}

static char *
get_text (Fixture *f)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (f->buffer, &start, &end);
  return gtk_text_buffer_get_text (f->buffer, &start, &end, FALSE);
}

/* Replaces the first @old in the editor with @new, as typing over a selection does. */
static void
edit (Fixture    *f,
      const char *old,
      const char *new)
{
  GtkTextIter start, match_start, match_end;

  gtk_text_buffer_get_start_iter (f->buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, old, 0, &match_start, &match_end, NULL));
  gtk_text_buffer_select_range (f->buffer, &match_start, &match_end);
  gtk_text_buffer_delete_selection (f->buffer, TRUE, TRUE);
  gtk_text_buffer_insert_interactive_at_cursor (f->buffer, new, -1, TRUE);
}

/* The line (1-based) of the editor's text on which @needle first appears. */
static int
line_of (Fixture    *f,
         const char *needle)
{
  g_autofree char *text = get_text (f);
  const char *at = strstr (text, needle);
  int line = 1;

  g_assert_nonnull (at);
  for (const char *p = text; p < at; p++)
    line += *p == '\n';
  return line;
}

static gboolean
message_shown (Fixture *f)
{
  return gtk_widget_get_visible (GTK_WIDGET (f->message)) &&
         *gtk_label_get_label (f->message) != '\0';
}

/* The page is needed only while the user asks to customize. */
static void
test_needed (Fixture      *f,
             gconstpointer data)
{
  g_assert_false (hangar_creator_page_get_needed (f->page));
  hangar_creator_state_set_customize (f->base.state, TRUE);
  g_assert_true (hangar_creator_page_get_needed (f->page));
  hangar_creator_state_set_customize (f->base.state, FALSE);
  g_assert_false (hangar_creator_page_get_needed (f->page));
}

/* The install definition of the answers, in an XML editor that follows the style. */
static void
test_shows_definition (Fixture      *f,
                       gconstpointer data)
{
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (f->buffer);
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *text = NULL;

  hangar_creator_state_set_customize (f->base.state, TRUE);
  hangar_creator_page_shown (f->page);
  text = get_text (f);
  g_assert_nonnull (strstr (text, "<name>xml-guest</name>"));
  g_assert_nonnull (strstr (text, "<kernel>/boot/vmlinuz</kernel>"));
  /* The new disk where the pool will put it: its target path, the guest's name and
   * the format's suffix. */
  g_assert_nonnull (strstr (text, "/images/xml-guest.qcow2"));
  g_assert_true (hangar_creator_page_get_complete (f->page));
  g_assert_false (message_shown (f));
  g_assert_false (gtk_widget_get_sensitive (f->reset));
  /* Nothing is added at creation for a kernel boot: no note. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->note)));
  g_assert_null (strstr (text, "@hangar-setup@"));

  g_assert_cmpstr (gtk_source_language_get_id (gtk_source_buffer_get_language (buffer)), ==, "xml");
  g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (f->view)));
  g_assert_true (gtk_source_view_get_show_line_numbers (GTK_SOURCE_VIEW (f->view)));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)),
                   ==, "Adwaita-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)),
                   ==, "Adwaita");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  hangar_test_assert_accessible_names (f->base.window);
  test_save_screenshot (f->base.window, "creator-xml-page");
}

/* A broken edit is named with its line, makes the page incomplete; Reset brings the
 * generated text back. */
static void
test_broken_edit_and_reset (Fixture      *f,
                            gconstpointer data)
{
  g_autofree char *generated = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  int name_line;

  hangar_creator_state_set_customize (f->base.state, TRUE);
  hangar_creator_page_shown (f->page);
  generated = get_text (f);
  name_line = line_of (f, "<name>xml-guest</name>");

  edit (f, "<name>xml-guest</name>", "<name>xml-guest</nme>");
  g_assert_true (message_shown (f));
  g_test_message ("Shown: %s", gtk_label_get_label (f->message));
  line = g_strdup_printf ("Line %d ", name_line);
  g_assert_nonnull (strstr (gtk_label_get_label (f->message), line));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->message), "error"));
  g_assert_true (gtk_widget_has_css_class (f->view, "error"));
  g_assert_false (hangar_creator_page_get_complete (f->page));
  g_assert_true (gtk_widget_get_sensitive (f->reset));
  test_save_screenshot (f->base.window, "creator-xml-page-broken");

  /* Mended by typing: complete again. */
  edit (f, "</nme>", "</name>");
  g_assert_false (message_shown (f));
  g_assert_true (hangar_creator_page_get_complete (f->page));

  /* Well-formed but not a domain. */
  edit (f, "<domain", "<dommain");
  edit (f, "</domain>", "</dommain>");
  g_assert_true (message_shown (f));
  g_assert_nonnull (strstr (gtk_label_get_label (f->message), "Line 1 "));
  g_assert_nonnull (strstr (gtk_label_get_label (f->message), "<domain>"));
  g_assert_false (hangar_creator_page_get_complete (f->page));

  test_click (f->reset);
  text = get_text (f);
  g_assert_cmpstr (text, ==, generated);
  g_assert_false (message_shown (f));
  g_assert_false (gtk_widget_has_css_class (f->view, "error"));
  g_assert_true (hangar_creator_page_get_complete (f->page));
  g_assert_false (gtk_widget_get_sensitive (f->reset));
}

/* apply hands the text over only when the user changed it. */
static void
test_apply (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  g_autofree char *text = NULL;

  hangar_creator_state_set_customize (f->base.state, TRUE);
  hangar_creator_page_shown (f->page);
  spec->custom_xml = g_strdup ("<domain/>");
  hangar_creator_page_apply (f->page, spec);
  g_assert_null (spec->custom_xml);

  edit (f, "<name>xml-guest</name>", "<name>edited-guest</name>");
  hangar_creator_page_apply (f->page, spec);
  text = get_text (f);
  g_assert_nonnull (spec->custom_xml);
  g_assert_cmpstr (spec->custom_xml, ==, text);
  g_assert_nonnull (strstr (spec->custom_xml, "<name>edited-guest</name>"));

  /* Edited back to what was generated: nothing to hand over. */
  edit (f, "<name>edited-guest</name>", "<name>xml-guest</name>");
  hangar_creator_page_apply (f->page, spec);
  g_assert_null (spec->custom_xml);
}

/* Earlier answers change after an edit: the edit stays, and the page says the text no
 * longer follows them; untouched text follows them. */
static void
test_answers_change (Fixture      *f,
                     gconstpointer data)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (f->base.state);
  g_autofree char *text = NULL;

  hangar_creator_state_set_customize (f->base.state, TRUE);
  hangar_creator_page_shown (f->page);
  g_free (spec->name);
  spec->name = g_strdup ("renamed");
  hangar_creator_page_shown (f->page);
  text = get_text (f);
  g_assert_nonnull (strstr (text, "<name>renamed</name>"));
  g_assert_nonnull (strstr (text, "/images/renamed.qcow2"));
  g_assert_false (message_shown (f));
  g_clear_pointer (&text, g_free);

  edit (f, "<vcpu", "<!-- mine --><vcpu");
  g_free (spec->name);
  spec->name = g_strdup ("renamed-again");
  hangar_creator_page_shown (f->page);
  text = get_text (f);
  g_assert_nonnull (strstr (text, "<!-- mine -->"));
  g_assert_nonnull (strstr (text, "<name>renamed</name>"));
  g_assert_true (message_shown (f));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->message), "warning"));
  g_assert_true (hangar_creator_page_get_complete (f->page));
  g_clear_pointer (&text, g_free);

  test_click (f->reset);
  text = get_text (f);
  g_assert_nonnull (strstr (text, "<name>renamed-again</name>"));
  g_assert_false (message_shown (f));
}

/* Runs a creator on @spec; when it made the guest, the creator is kept for
 * end_install. */
static char *
run_creator (Fixture          *f,
             HangarGuestSpec  *spec,
             GError          **error)
{
  g_autoptr(HangarGuestCreator) creator = hangar_guest_creator_new (f->base.connection, spec);
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  g_autoptr(GAsyncResult) result = NULL;
  char *name;

  hangar_guest_creator_run_async (creator, job, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 20000));
  name = hangar_guest_creator_run_finish (creator, result, error);
  if (name != NULL)
    g_set_object (&f->creator, creator);
  return name;
}

/* The guest @name stops as an installer would, and the creator ends the installation:
 * the setup's files go. */
static void
end_install (Fixture    *f,
             const char *name)
{
  virDomainPtr domain = virDomainLookupByName (test_raw_connection (f->base.connection), name);
  g_autoptr(GAsyncResult) finished = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (domain);
  /* Shut down, as an installer ends (a Force Off would end nothing). */
  g_assert_cmpint (virDomainShutdown (domain), ==, 0);
  virDomainFree (domain);
  hangar_guest_creator_finish_install_async (f->creator, NULL, test_on_result_cb, &finished);
  g_assert_true (test_wait_for (test_has_result, &finished, 20000));
  g_assert_true (hangar_guest_creator_finish_install_finish (f->creator, finished, &error));
  g_assert_no_error (error);
}

/* The creator defines the edited text; libvirt's schema refusal comes back to the
 * page, and nothing is left behind. */
static void
test_creator_uses_edit (Fixture      *f,
                        gconstpointer data)
{
  virConnectPtr conn = test_raw_connection (f->base.connection);
  g_autoptr(HangarGuestSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *desc = NULL;
  g_autofree char *volumes = NULL;
  virDomainPtr domain;

  hangar_creator_state_set_customize (f->base.state, TRUE);
  hangar_creator_page_shown (f->page);

  /* Refused by libvirt's schema, though well-formed: an element no domain has. */
  edit (f, "<vcpu", "<hangar-bogus/><vcpu");
  g_assert_true (hangar_creator_page_get_complete (f->page));
  spec = hangar_guest_spec_copy (hangar_creator_state_get_spec (f->base.state));
  hangar_creator_page_apply (f->page, spec);
  g_assert_nonnull (spec->custom_xml);
  name = run_creator (f, spec, &error);
  g_assert_null (name);
  g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_CUSTOM_XML);
  g_assert_nonnull (strstr (error->message, "xml-guest"));
  g_assert_null (virDomainLookupByName (conn, "xml-guest"));
  volumes = test_volume_names (conn, "images");
  g_assert_cmpstr (volumes, ==, "base.qcow2 filler.img");

  g_assert_true (hangar_creator_page_show_error (f->page, error));
  g_test_message ("Shown: %s", gtk_label_get_label (f->message));
  g_assert_true (message_shown (f));
  g_assert_nonnull (strstr (gtk_label_get_label (f->message), "refused"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->message), "error"));
  /* Someone else's error is not this page's. */
  {
    g_autoptr(GError) other = g_error_new_literal (HANGAR_GUEST_CREATOR_ERROR,
                                                   HANGAR_GUEST_CREATOR_ERROR_DEFINE, "other");
    g_assert_false (hangar_creator_page_show_error (f->page, other));
  }
  g_clear_error (&error);

  /* Mended, and the guest renamed in the text: defined as written. */
  edit (f, "<hangar-bogus/>", "<description>edited by hand</description>");
  g_assert_false (message_shown (f));
  edit (f, "<name>xml-guest</name>", "<name>hand-named</name>");
  hangar_creator_page_apply (f->page, spec);
  name = run_creator (f, spec, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "hand-named");
  domain = virDomainLookupByName (conn, "hand-named");
  g_assert_nonnull (domain);
  desc = virDomainGetMetadata (domain, VIR_DOMAIN_METADATA_DESCRIPTION, NULL, 0);
  g_assert_cmpstr (desc, ==, "edited by hand");
  virDomainFree (domain);
  g_clear_pointer (&volumes, g_free);
  volumes = test_volume_names (conn, "images");
  g_assert_cmpstr (volumes, ==, "base.qcow2 filler.img xml-guest.qcow2");
}

#define ED25519_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAg4LD+/gCoQJpE2nCJrDr67dbn8yo/jykScc/rSt34I test@hangar"

/* Another source than the fixture's kernel boot: its kernel answers go. */
static void
set_source (Fixture           *f,
            HangarGuestSource  source)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (f->base.state);

  hangar_creator_state_set_source (f->base.state, source);
  g_clear_pointer (&spec->kernel, g_free);
  g_clear_pointer (&spec->initrd, g_free);
  g_clear_pointer (&spec->cmdline, g_free);
}

/* The earlier pages' answers for a cloud image with cloud-init on the pool "images". */
static void
set_cloud_init (Fixture *f)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (f->base.state);

  set_source (f, HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  spec->base_image = g_strdup ("/images/base.qcow2");
  spec->cloud_init = TRUE;
  spec->user_login = g_strdup ("ann");
  spec->password_locked = TRUE;
  spec->ssh_keys = g_strdup (ED25519_KEY);
  hangar_creator_state_set_customize (f->base.state, TRUE);
  hangar_creator_page_shown (f->page);
}

static gboolean
note_says (Fixture    *f,
           const char *words)
{
  return gtk_widget_get_visible (GTK_WIDGET (f->note))
         && strstr (gtk_label_get_label (f->note), words) != NULL;
}

/* Replaces the whole editor text, as a paste over Select All does. */
static void
replace_all (Fixture    *f,
             const char *text)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (f->buffer, &start, &end);
  gtk_text_buffer_select_range (f->buffer, &start, &end);
  gtk_text_buffer_delete_selection (f->buffer, TRUE, TRUE);
  gtk_text_buffer_insert_interactive_at_cursor (f->buffer, text, -1, TRUE);
}

/* A cloud image's cidata disc is in the definition, where the creator will attach it,
 * its path a marked placeholder; the note says so. */
static void
test_shows_cidata (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *text = NULL;

  set_cloud_init (f);
  text = get_text (f);
  g_assert_nonnull (strstr (text, "<source file=\"@hangar-setup@/cidata.iso\"/>"));
  g_assert_nonnull (strstr (text, "device=\"cdrom\""));
  g_assert_nonnull (strstr (text, "/images/xml-guest.qcow2"));
  g_assert_true (note_says (f, "@hangar-setup@"));
  g_assert_false (message_shown (f));
  g_assert_true (hangar_creator_page_get_complete (f->page));
  test_save_screenshot (f->base.window, "creator-xml-page-cloud-init");
}

/* Creates the guest from the page's text; its running and its persistent definition. */
static void
create_from_page (Fixture  *f,
                  char    **live,
                  char    **inactive)
{
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_copy (hangar_creator_state_get_spec (f->base.state));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  virDomainPtr domain;

  hangar_creator_page_apply (f->page, spec);
  g_assert_nonnull (spec->custom_xml);
  name = run_creator (f, spec, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "xml-guest");
  domain = virDomainLookupByName (test_raw_connection (f->base.connection), name);
  g_assert_nonnull (domain);
  *live = virDomainGetXMLDesc (domain, 0);
  *inactive = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  g_test_message ("Started with: %s", *live);
  virDomainFree (domain);
  end_install (f, name);
}

/* The edited definition keeps the disc where it was shown: the guest starts with the
 * real cidata ISO, which its final definition leaves out. */
static void
test_cidata_edit_honoured (Fixture      *f,
                           gconstpointer data)
{
  g_autofree char *live = NULL;
  g_autofree char *inactive = NULL;

  set_cloud_init (f);
  edit (f, "<vcpu", "<description>cloud edited</description><vcpu");
  create_from_page (f, &live, &inactive);
  g_assert_nonnull (strstr (live, "cloud edited"));
  g_assert_null (strstr (live, "@hangar-setup@"));
  g_assert_nonnull (strstr (live, "/cidata.iso'"));
  g_assert_nonnull (strstr (inactive, "cloud edited"));
  g_assert_null (strstr (inactive, "cidata.iso"));
}

/* Takes the <disk> whose source is @source out of the editor's text, as a user would. */
static void
remove_disk (Fixture    *f,
             const char *source)
{
  g_autofree char *text = get_text (f);
  g_autoptr(GString) without = NULL;
  const char *at, *start, *end;

  at = strstr (text, source);
  g_assert_nonnull (at);
  for (start = at; start > text && !g_str_has_prefix (start, "<disk"); start--)
    ;
  end = strstr (at, "</disk>") + strlen ("</disk>");
  without = g_string_new_len (text, start - text);
  g_string_append (without, end);
  replace_all (f, without->str);
  g_assert_false (message_shown (f));
}

/* The disc taken out of the text stays out. */
static void
test_cidata_removed_honoured (Fixture      *f,
                              gconstpointer data)
{
  g_autofree char *live = NULL;
  g_autofree char *inactive = NULL;

  set_cloud_init (f);
  remove_disk (f, "@hangar-setup@/cidata.iso");
  create_from_page (f, &live, &inactive);
  g_assert_null (strstr (live, "cidata"));
  g_assert_null (strstr (live, "device='cdrom'"));
}

/* A placeholder nothing fills is refused with a sentence naming it, on this page, and
 * nothing is left behind. */
static void
test_unknown_placeholder_refused (Fixture      *f,
                                  gconstpointer data)
{
  virConnectPtr conn = test_raw_connection (f->base.connection);
  g_autoptr(HangarGuestSpec) spec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *volumes = NULL;

  set_cloud_init (f);
  edit (f, "@hangar-setup@/cidata.iso", "@hangar-setup@/other.iso");
  spec = hangar_guest_spec_copy (hangar_creator_state_get_spec (f->base.state));
  hangar_creator_page_apply (f->page, spec);
  name = run_creator (f, spec, &error);
  g_assert_null (name);
  g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_CUSTOM_XML);
  g_test_message ("Refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "“@hangar-setup@/other.iso”"));
  g_assert_null (virDomainLookupByName (conn, "xml-guest"));
  volumes = test_volume_names (conn, "images");
  g_assert_cmpstr (volumes, ==, "base.qcow2 filler.img");
  g_assert_true (hangar_creator_page_show_error (f->page, error));
  g_assert_true (message_shown (f));
}

/* A network install boots the installer fetched at creation: kernel and initrd are
 * shown with placeholders (before, the page could show no definition at all); with
 * unattended answers the command line is theirs, and the note says what may be added. */
static void
test_shows_network_install (Fixture      *f,
                            gconstpointer data)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (f->base.state);
  g_autofree char *text = NULL;

  set_source (f, HANGAR_GUEST_SOURCE_URL);
  spec->tree_url = g_strdup ("http://127.0.0.1:9/tree/");
  hangar_creator_state_set_customize (f->base.state, TRUE);
  hangar_creator_page_shown (f->page);
  text = get_text (f);
  g_assert_nonnull (strstr (text, "<kernel>@hangar-setup@/kernel</kernel>"));
  g_assert_nonnull (strstr (text, "<initrd>@hangar-setup@/initrd</initrd>"));
  g_assert_true (hangar_creator_page_get_complete (f->page));
  g_assert_false (message_shown (f));
  g_assert_true (note_says (f, "@hangar-setup@"));
  g_assert_null (strstr (gtk_label_get_label (f->note), "answers"));
  test_save_screenshot (f->base.window, "creator-xml-page-network");
  g_clear_pointer (&text, g_free);

  spec->unattended = TRUE;
  spec->user_login = g_strdup ("ann");
  hangar_creator_page_shown (f->page);
  text = get_text (f);
  g_assert_nonnull (strstr (text, "<cmdline>@hangar-setup@/cmdline</cmdline>"));
  g_assert_true (note_says (f, "answers"));
  g_assert_true (note_says (f, "“@hangar-setup@/cmdline” stands for the installer’s arguments"));
}

/* An unattended install from media: its answers' way depends on the medium, so the
 * note says they are added at creation. */
static void
test_unattended_media_note (Fixture      *f,
                            gconstpointer data)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (f->base.state);
  g_autofree char *text = NULL;

  set_source (f, HANGAR_GUEST_SOURCE_MEDIA);
  spec->media_path = g_strdup ("/images/base.qcow2");
  hangar_creator_state_set_customize (f->base.state, TRUE);
  hangar_creator_page_shown (f->page);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (f->note)));

  spec->unattended = TRUE;
  spec->user_login = g_strdup ("ann");
  hangar_creator_page_shown (f->page);
  text = get_text (f);
  g_assert_true (note_says (f, "installation answers"));
  /* Nothing of the setup's is in the text: no word of placeholders. */
  g_assert_null (strstr (gtk_label_get_label (f->note), "@hangar-setup@"));
  g_assert_null (strstr (text, "@hangar-setup@"));
  g_assert_true (hangar_creator_page_get_complete (f->page));
}

static gboolean
catalog_loaded (gpointer catalog)
{
  return hangar_os_catalog_get_loaded (catalog);
}

/* The persistent definition of the guest @name. */
static char *
inactive_of (Fixture    *f,
             const char *name)
{
  virDomainPtr domain = virDomainLookupByName (test_raw_connection (f->base.connection), name);
  char *xml;

  g_assert_nonnull (domain);
  xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  virDomainFree (domain);
  return xml;
}

/* The earlier pages' answers for Windows 10 installed unattended from its ISO: its
 * script takes the answers from a disc only, so the page can show it. */
static void
set_windows_unattended (Fixture *f)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (f->base.state);
  HangarOsCatalog *catalog = hangar_creator_state_get_catalog (f->base.state);

  g_assert_true (test_wait_for (catalog_loaded, catalog, 30000));
  set_source (f, HANGAR_GUEST_SOURCE_MEDIA);
  spec->media_path = g_strdup ("/nonexistent/windows.iso");
  hangar_creator_state_set_os (f->base.state, hangar_os_catalog_find_os (catalog, "win10"));
  spec->unattended = TRUE;
  spec->user_login = g_strdup ("ann");
  spec->user_password = g_strdup ("s3cret");
  spec->product_key = g_strdup ("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY");
  hangar_creator_state_set_customize (f->base.state, TRUE);
  hangar_creator_page_shown (f->page);
}

/* Windows 10's answers go on a disc whatever the medium holds: the disc is in the
 * definition with a placeholder, as the cidata one, and the note names the
 * placeholders, not answers added unseen. */
static void
test_shows_answers_disc (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *text = NULL;

  set_windows_unattended (f);
  text = get_text (f);
  g_assert_nonnull (strstr (text, "<source file=\"@hangar-setup@/unattended.iso\"/>"));
  g_assert_true (note_says (f, "@hangar-setup@"));
  g_assert_null (strstr (gtk_label_get_label (f->note), "answers"));
  g_assert_false (message_shown (f));
  g_assert_true (hangar_creator_page_get_complete (f->page));
  test_save_screenshot (f->base.window, "creator-xml-page-unattended");
}

/* The guest starts with the real answers' disc where the page showed it, which its
 * final definition leaves out. */
static void
test_answers_disc_edit_honoured (Fixture      *f,
                                 gconstpointer data)
{
  g_autofree char *live = NULL;
  g_autofree char *inactive = NULL;

  set_windows_unattended (f);
  edit (f, "<vcpu", "<description>answers edited</description><vcpu");
  create_from_page (f, &live, &inactive);
  g_assert_nonnull (strstr (live, "answers edited"));
  g_assert_null (strstr (live, "@hangar-setup@"));
  g_assert_nonnull (strstr (live, "/unattended.iso'"));
  /* Once installed, the definition keeps the edit, without the answers' disc. */
  g_free (inactive);
  inactive = inactive_of (f, "xml-guest");
  g_assert_nonnull (strstr (inactive, "answers edited"));
  g_assert_null (strstr (inactive, "unattended.iso"));
  g_assert_null (strstr (inactive, "@hangar-setup@"));
}

/* The answers' disc taken out of the text stays out. */
static void
test_answers_disc_removed_honoured (Fixture      *f,
                                    gconstpointer data)
{
  g_autofree char *live = NULL;
  g_autofree char *inactive = NULL;

  set_windows_unattended (f);
  remove_disk (f, "@hangar-setup@/unattended.iso");
  create_from_page (f, &live, &inactive);
  g_assert_null (strstr (live, "unattended.iso"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  storage_host_uri = test_data_uri ("storage-host.xml");

#define ADD(path, func) \
  g_test_add ("/creator-xml-page/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("needed", test_needed);
  ADD ("shows-definition", test_shows_definition);
  ADD ("broken-edit-and-reset", test_broken_edit_and_reset);
  ADD ("apply", test_apply);
  ADD ("answers-change", test_answers_change);
  ADD ("creator-uses-edit", test_creator_uses_edit);
  ADD ("shows-cidata", test_shows_cidata);
  ADD ("cidata-edit-honoured", test_cidata_edit_honoured);
  ADD ("cidata-removed-honoured", test_cidata_removed_honoured);
  ADD ("unknown-placeholder-refused", test_unknown_placeholder_refused);
  ADD ("shows-network-install", test_shows_network_install);
  ADD ("unattended-media-note", test_unattended_media_note);
  ADD ("shows-answers-disc", test_shows_answers_disc);
  ADD ("answers-disc-edit-honoured", test_answers_disc_edit_honoured);
  ADD ("answers-disc-removed-honoured", test_answers_disc_removed_honoured);
#undef ADD

  status = g_test_run ();
  g_free (storage_host_uri);
  return status;
}
