// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-xml-page"

/* The New VM window's "Customize before install" page; see hangar-creator-xml-page.h.
 *
 * The XML shown is what the creator would define: the domain builder's install
 * definition of the answers so far. Only the new disk's path is not known yet (the
 * creator makes the volume first and takes the path libvirt gives it); the page puts
 * in the path the volume will get in a directory-like pool, the pool's target path
 * and the name the creator gives it (the guest's name and the format's suffix). The
 * full hardware editor will come as another page on the same state; this one keeps to
 * the text.
 *
 * What the install setup adds when the guest is made is shown too, as
 * hangar_install_setup_new_preview gives it: the cidata CD-ROM, an unattended install's
 * answers' disc, a network install's kernel, initrd and arguments, with
 * "@hangar-setup@/…" where the path is known only then. The creator fills those in
 * (hangar_install_setup_apply_edited); a part the user took out stays out. Where an
 * unattended install's way depends on what the medium holds (a local medium whose
 * installer can read its initrd), the note line above the editor says the answers are
 * added at creation. For sources with an
 * install phase, the final definition keeps the edits, without the installer's parts. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <libxml/parser.h>

#include "hangar-connection.h"
#include "hangar-creator-xml-page.h"
#include "hangar-domain-builder.h"
#include "hangar-guest-creator.h"
#include "hangar-install-setup.h"
#include "hangar-pool.h"
#include "hangar-wizard-util.h"

struct _HangarCreatorXmlPage
{
  HangarCreatorPage parent_instance;

  /* The definition built when the page was last shown (NULL: none could be). */
  char *generated;
  /* The answers changed since the user edited: say so until Reset or a new edit. */
  gboolean stale;
  /* libvirt refused the edited definition: said until the user edits it again. */
  char *refusal;
  gboolean filling;   /* the page writes the text itself: not the user's edit */

  GtkSourceView *view;
  GtkSourceBuffer *buffer;
  GtkTextTag *fault_tag;
  GtkLabel *message_label;
  GtkLabel *note_label;
  GtkButton *reset_button;
};

G_DEFINE_FINAL_TYPE (HangarCreatorXmlPage, hangar_creator_xml_page, HANGAR_TYPE_CREATOR_PAGE)

static char *
get_text (HangarCreatorXmlPage *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, FALSE);
}

static void
set_text (HangarCreatorXmlPage *self,
          const char           *text)
{
  GtkTextIter start;

  self->filling = TRUE;
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), text != NULL ? text : "", -1);
  self->filling = FALSE;
  gtk_text_buffer_get_start_iter (GTK_TEXT_BUFFER (self->buffer), &start);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &start);
}

/* The line (1-based) and libxml2's words when @text is not a well-formed <domain>
 * document; 0 when it is. */
static int
find_fault (const char  *text,
            char       **what)
{
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt ();
  xmlDocPtr doc;
  int line = 0;

  /* No network, no entities from outside: only the text itself is judged. */
  doc = xmlCtxtReadMemory (ctxt, text, strlen (text), "domain.xml", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    {
      const xmlError *error = xmlCtxtGetLastError (ctxt);

      line = error != NULL && error->line > 0 ? error->line : 1;
      *what = g_strstrip (g_strdup (error != NULL && error->message != NULL
                                    ? error->message : _("unreadable text")));
    }
  else
    {
      xmlNodePtr root = xmlDocGetRootElement (doc);

      if (root == NULL || g_strcmp0 ((const char *) root->name, "domain") != 0)
        {
          line = root != NULL ? MAX (xmlGetLineNo (root), 1) : 1;
          *what = g_strdup (_("the definition must be a single <domain> element"));
        }
      xmlFreeDoc (doc);
    }
  xmlFreeParserCtxt (ctxt);
  return line;
}

static void
mark_line (HangarCreatorXmlPage *self,
           int                   line)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->fault_tag, &start, &end);
  if (line <= 0)
    return;
  gtk_text_buffer_get_iter_at_line (buffer, &start, line - 1);
  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  gtk_text_buffer_apply_tag (buffer, self->fault_tag, &start, &end);
}

/* Judges the text and says what is wrong below the editor; the page is complete when
 * the text is a well-formed definition. Returns the faulty line, or 0. */
static int
update (HangarCreatorXmlPage *self)
{
  HangarCreatorPage *page = HANGAR_CREATOR_PAGE (self);
  g_autofree char *text = get_text (self);
  g_autofree char *what = NULL;
  g_autofree char *message = NULL;
  gboolean edited = self->generated != NULL && g_strcmp0 (text, self->generated) != 0;
  int line = 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button), self->generated != NULL && edited);
  if (self->generated == NULL)
    {
      /* shown () said why nothing could be built. */
      hangar_creator_page_set_complete (page, FALSE);
      return 0;
    }
  if (edited)
    line = find_fault (text, &what);
  mark_line (self, line);

  if (line > 0)
    message = g_strdup_printf (_("Line %d is wrong: %s. Correct it, or press Reset to start again from the generated definition."),
                               line, what);
  if (message != NULL || self->refusal != NULL)
    hangar_field_set_message (GTK_WIDGET (self->view), self->message_label, HANGAR_FIELD_ERROR,
                              message != NULL ? message : self->refusal);
  else if (edited && self->stale)
    hangar_field_set_message (GTK_WIDGET (self->view), self->message_label, HANGAR_FIELD_WARNING,
                              _("The answers on the earlier pages changed since you edited this definition; it does not show them. Reset takes them, and drops your changes."));
  else
    hangar_field_set_message (GTK_WIDGET (self->view), self->message_label, HANGAR_FIELD_HINT, NULL);
  hangar_creator_page_set_complete (page, line == 0);
  return line;
}

static void
scroll_to_line (HangarCreatorXmlPage *self,
                int                   line)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_line (GTK_TEXT_BUFFER (self->buffer), &iter, line - 1);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &iter);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->view), &iter, 0.1, FALSE, 0, 0);
}

static void
on_buffer_changed_cb (HangarCreatorXmlPage *self)
{
  if (self->filling)
    return;
  g_clear_pointer (&self->refusal, g_free);
  update (self);
}

static void
on_reset_clicked_cb (HangarCreatorXmlPage *self)
{
  g_clear_pointer (&self->refusal, g_free);
  self->stale = FALSE;
  set_text (self, self->generated);
  update (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

/* The install definition of the answers so far, as the creator would build it, with
 * what the install setup adds; @note gets a line about what is not in it, or NULL. */
static char *
build_definition (HangarCreatorXmlPage *self,
                  char                **note,
                  GError              **error)
{
  HangarCreatorState *state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_copy (hangar_creator_state_get_spec (state));
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(HangarInstallSetup) setup = NULL;
  g_autofree char *unshown = NULL;

  if (!hangar_creator_state_get_host_ready (state))
    {
      const char *host_error = hangar_creator_state_get_host_error (state);

      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           host_error != NULL ? host_error
                           : _("The host has not said yet what it can run; the definition follows once it has."));
      return NULL;
    }
  if (spec->disk == HANGAR_GUEST_SPEC_DISK_NEW && spec->disk_path == NULL)
    {
      HangarConnection *connection = hangar_creator_state_get_connection (state);
      HangarPool *pool = spec->pool_name != NULL
                         ? hangar_connection_find_pool (connection, spec->pool_name) : NULL;
      /* As the creator names the volume: a cloud image's is a qcow2 layer. */
      HangarVolumeFormat format = spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE
                                  ? HANGAR_VOLUME_FORMAT_QCOW2 : spec->disk_format;
      g_autofree char *file = g_strconcat (spec->name != NULL ? spec->name : "",
                                           hangar_volume_format_suffix (format), NULL);

      if (pool == NULL || hangar_pool_get_target_path (pool) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("The storage pool “%s” for the new disk is not on the host. Go back to Storage and choose another pool."),
                       spec->pool_name != NULL ? spec->pool_name : "");
          return NULL;
        }
      spec->disk_path = g_build_filename (hangar_pool_get_target_path (pool), file, NULL);
    }
  g_clear_pointer (&spec->custom_xml, g_free);
  setup = hangar_install_setup_new_preview (spec, hangar_creator_state_get_os (state),
                                            hangar_connection_uri_is_remote (hangar_connection_get_uri (hangar_creator_state_get_connection (state))),
                                            &unshown);
  /* A network install boots the installer fetched at creation. */
  if (setup != NULL && hangar_install_setup_get_kernel (setup) != NULL)
    {
      g_free (spec->kernel);
      g_free (spec->initrd);
      g_free (spec->cmdline);
      spec->kernel = g_strdup (hangar_install_setup_get_kernel (setup));
      spec->initrd = g_strdup (hangar_install_setup_get_initrd (setup));
      spec->cmdline = g_strdup (hangar_install_setup_get_cmdline (setup));
    }
  domain = hangar_domain_builder_build (spec, HANGAR_DOMAIN_PHASE_INSTALL, error);
  if (domain == NULL)
    return NULL;
  if (setup != NULL)
    {
      hangar_install_setup_apply (setup, domain);
      gboolean placeholders = hangar_install_setup_get_cdrom (setup) != NULL
                              || hangar_install_setup_get_kernel (setup) != NULL;
      const char *cmdline = hangar_install_setup_get_cmdline (setup);
      gboolean arguments = cmdline != NULL && strstr (cmdline, HANGAR_INSTALL_SETUP_PLACEHOLDER) != NULL;

      /* One line: what the placeholders stand for, and what is not shown at all. */
      *note = g_strjoin (" ", placeholders ? _("Hangar puts the paths starting with “@hangar-setup@” in when it creates the virtual machine.") : "",
                         arguments ? _("In the command line, “@hangar-setup@/cmdline” stands for the installer’s arguments made with its answers (the keyboard, the mirror…); arguments you add beside it are kept.") : "",
                         unshown != NULL ? unshown : "", NULL);
      g_strstrip (*note);
      if (**note == '\0')
        g_clear_pointer (note, g_free);
    }
  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
}

static void
hangar_creator_xml_page_shown (HangarCreatorPage *page)
{
  HangarCreatorXmlPage *self = HANGAR_CREATOR_XML_PAGE (page);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = get_text (self);
  g_autofree char *note = NULL;
  g_autofree char *built = build_definition (self, &note, &error);
  gboolean edited = self->generated != NULL && g_strcmp0 (text, self->generated) != 0;

  gtk_label_set_label (self->note_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL);

  if (built == NULL)
    {
      g_clear_pointer (&self->generated, g_free);
      self->stale = FALSE;
      set_text (self, "");
      hangar_field_set_message (GTK_WIDGET (self->view), self->message_label, HANGAR_FIELD_ERROR,
                                error->message);
      update (self);
      return;
    }
  /* The user's edits stay; a text they did not touch follows the answers. */
  if (edited)
    self->stale = self->stale || g_strcmp0 (built, self->generated) != 0;
  else
    {
      self->stale = FALSE;
      set_text (self, built);
    }
  g_free (self->generated);
  self->generated = g_steal_pointer (&built);
  update (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static void
hangar_creator_xml_page_apply (HangarCreatorPage *page,
                               HangarGuestSpec   *spec)
{
  HangarCreatorXmlPage *self = HANGAR_CREATOR_XML_PAGE (page);
  g_autofree char *text = get_text (self);

  g_clear_pointer (&spec->custom_xml, g_free);
  if (self->generated != NULL && g_strcmp0 (text, self->generated) != 0)
    spec->custom_xml = g_steal_pointer (&text);
}

static void
hangar_creator_xml_page_show_faults (HangarCreatorPage *page)
{
  HangarCreatorXmlPage *self = HANGAR_CREATOR_XML_PAGE (page);
  int line = update (self);

  if (line > 0)
    scroll_to_line (self, line);
  gtk_widget_grab_focus (GTK_WIDGET (self->view));
}

static gboolean
hangar_creator_xml_page_show_error (HangarCreatorPage *page,
                                    const GError      *error)
{
  HangarCreatorXmlPage *self = HANGAR_CREATOR_XML_PAGE (page);

  if (!g_error_matches (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_CUSTOM_XML))
    return FALSE;
  g_free (self->refusal);
  self->refusal = g_strdup (error->message);
  update (self);
  return TRUE;
}

static void
update_needed (HangarCreatorXmlPage *self)
{
  HangarCreatorState *state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));

  hangar_creator_page_set_needed (HANGAR_CREATOR_PAGE (self),
                                  hangar_creator_state_get_customize (state));
}

/* The editor's colours follow the desktop's light or dark style. */
static void
update_scheme (HangarCreatorXmlPage *self)
{
  GtkSourceStyleSchemeManager *manager = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (manager, dark ? "Adwaita-dark" : "Adwaita");
  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (manager, dark ? "classic-dark" : "classic");
  gtk_source_buffer_set_style_scheme (self->buffer, scheme);
}

static void
hangar_creator_xml_page_constructed (GObject *object)
{
  HangarCreatorXmlPage *self = HANGAR_CREATOR_XML_PAGE (object);
  HangarCreatorState *state;

  G_OBJECT_CLASS (hangar_creator_xml_page_parent_class)->constructed (object);

  state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
  g_signal_connect_object (state, "notify::customize", G_CALLBACK (update_needed), self,
                           G_CONNECT_SWAPPED);
  update_needed (self);
}

static void
hangar_creator_xml_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), HANGAR_TYPE_CREATOR_XML_PAGE);
  G_OBJECT_CLASS (hangar_creator_xml_page_parent_class)->dispose (object);
}

static void
hangar_creator_xml_page_finalize (GObject *object)
{
  HangarCreatorXmlPage *self = HANGAR_CREATOR_XML_PAGE (object);

  g_free (self->generated);
  g_free (self->refusal);
  G_OBJECT_CLASS (hangar_creator_xml_page_parent_class)->finalize (object);
}

static void
hangar_creator_xml_page_class_init (HangarCreatorXmlPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HangarCreatorPageClass *page_class = HANGAR_CREATOR_PAGE_CLASS (klass);

  object_class->constructed = hangar_creator_xml_page_constructed;
  object_class->dispose = hangar_creator_xml_page_dispose;
  object_class->finalize = hangar_creator_xml_page_finalize;
  page_class->shown = hangar_creator_xml_page_shown;
  page_class->apply = hangar_creator_xml_page_apply;
  page_class->show_faults = hangar_creator_xml_page_show_faults;
  page_class->show_error = hangar_creator_xml_page_show_error;

  /* Registers GtkSourceView's types and finds its languages and styles; any number of
   * calls. */
  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-creator-xml-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorXmlPage, view);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorXmlPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorXmlPage, note_label);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorXmlPage, reset_button);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked_cb);
}

static void
hangar_creator_xml_page_init (HangarCreatorXmlPage *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->view)));
  gtk_source_buffer_set_language (self->buffer,
                                  gtk_source_language_manager_get_language (languages, "xml"));
  gtk_source_buffer_set_highlight_syntax (self->buffer, TRUE);
  self->fault_tag = gtk_text_buffer_create_tag (GTK_TEXT_BUFFER (self->buffer), NULL,
                                                "underline", PANGO_UNDERLINE_ERROR, NULL);
  g_signal_connect_object (self->buffer, "changed", G_CALLBACK (on_buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);

  update_scheme (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_scheme), self, G_CONNECT_SWAPPED);
  hangar_creator_page_set_title (HANGAR_CREATOR_PAGE (self), _("Customize"));
}

GtkWidget *
hangar_creator_xml_page_new (HangarCreatorState *state)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (state), NULL);

  return g_object_new (HANGAR_TYPE_CREATOR_XML_PAGE, "state", state, NULL);
}
