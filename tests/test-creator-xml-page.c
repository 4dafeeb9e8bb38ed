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
  GtkWidget *reset;
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
  f->reset = test_find_titled (GTK_WIDGET (f->page), GTK_TYPE_BUTTON, "_Reset");
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
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

static char *
run_creator (Fixture          *f,
             HangarGuestSpec  *spec,
             GError          **error)
{
  g_autoptr(HangarGuestCreator) creator = hangar_guest_creator_new (f->base.connection, spec);
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  g_autoptr(GAsyncResult) result = NULL;

  hangar_guest_creator_run_async (creator, job, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 10000));
  return hangar_guest_creator_run_finish (creator, result, error);
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
#undef ADD

  status = g_test_run ();
  g_free (storage_host_uri);
  return status;
}
