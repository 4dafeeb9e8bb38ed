// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-setup-page"

/* The New VM window's unattended-install and cloud-init answers; see
 * hangar-creator-setup-page.h. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "hangar-creator-setup-page.h"
#include "hangar-guest-creator.h"
#include "hangar-install-setup.h"
#include "hangar-wizard-util.h"

/* The fields, for "touched": a field's fault shows once the user has been there, or
 * after Forward. */
enum {
  FIELD_LOGIN = 1 << 0,
  FIELD_PASSWORD = 1 << 1,
  FIELD_REPEAT = 1 << 2,
  FIELD_ADMIN = 1 << 3,
  FIELD_PRODUCT_KEY = 1 << 4,
  FIELD_HOSTNAME = 1 << 5,
  FIELD_KEYS = 1 << 6,
  FIELD_ALL = 0x7f,
};

struct _HangarCreatorSetupPage
{
  HangarCreatorPage parent_instance;

  GCancellable *cancellable;
  GtkFileChooserNative *chooser;
  /* What the answers are for: a cloud image, or an install script (NULL: none). */
  gboolean cloud;
  OsinfoInstallScript *script;
  gboolean product_key_wanted;
  /* The OS has a script, but its installer reads it only from the medium's own initrd,
   * which Hangar cannot take from an ISO on a remote host: said, nothing asked. */
  gboolean remote_medium;
  gboolean product_key_required;
  guint touched;
  gboolean filling;              /* the page writes a field itself: not the user's edit */
  /* The full name the page proposed with the default login, while the user has not
   * typed one: it follows the login (blank for another login). */
  char *default_login;
  char *default_realname;
  gboolean realname_typed;

  AdwPreferencesGroup *auto_group;
  AdwActionRow *auto_row;
  GtkSwitch *auto_switch;
  AdwActionRow *desktop_row;
  GtkSwitch *desktop_switch;
  GtkLabel *auto_message;
  AdwPreferencesGroup *user_group;
  AdwEntryRow *login_row;
  GtkLabel *login_message;
  AdwEntryRow *realname_row;
  AdwActionRow *locked_row;
  GtkSwitch *locked_switch;
  AdwPasswordEntryRow *password_row;
  AdwPasswordEntryRow *repeat_row;
  GtkLabel *password_message;
  AdwActionRow *admin_same_row;
  GtkSwitch *admin_same_switch;
  AdwPasswordEntryRow *admin_row;
  GtkLabel *admin_message;
  AdwEntryRow *product_key_row;
  GtkLabel *product_key_message;
  AdwEntryRow *hostname_row;
  GtkLabel *hostname_message;
  AdwPreferencesGroup *keys_group;
  GtkButton *add_key_button;
  AdwPreferencesRow *keys_row;
  GtkTextView *keys_view;
  GtkLabel *keys_message;
};

G_DEFINE_FINAL_TYPE (HangarCreatorSetupPage, hangar_creator_setup_page, HANGAR_TYPE_CREATOR_PAGE)

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static char *
keys_text (HangarCreatorSetupPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->keys_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
answers_asked (HangarCreatorSetupPage *self)
{
  return self->cloud || (!self->remote_medium && gtk_switch_get_active (self->auto_switch));
}

static gboolean
locked (HangarCreatorSetupPage *self)
{
  return self->cloud && gtk_switch_get_active (self->locked_switch);
}

static gboolean
admin_asked (HangarCreatorSetupPage *self)
{
  return !self->cloud && self->script != NULL && !gtk_switch_get_active (self->admin_same_switch);
}

/* "$$$$$-$$$$$-…": each $ a letter or digit, the rest as written. */
static gboolean
matches_key_format (const char *key,
                    const char *format)
{
  if (format == NULL)
    return TRUE;
  if (strlen (key) != strlen (format))
    return FALSE;
  for (gsize i = 0; format[i] != '\0'; i++)
    if (format[i] == '$' ? !g_ascii_isalnum (key[i]) : key[i] != format[i])
      return FALSE;
  return TRUE;
}

/* Each field's fault (NULL: none), whether shown yet or not; TRUE when there is none. */
static gboolean
update (HangarCreatorSetupPage *self)
{
  g_autoptr(GError) login_error = NULL;
  g_autoptr(GError) hostname_error = NULL;
  g_autoptr(GError) keys_error = NULL;
  g_autofree char *keys = keys_text (self);
  g_autofree char *keys_fault = NULL;
  g_autofree char *product_key_fault = NULL;
  const char *password_fault = NULL;
  guint password_field = FIELD_PASSWORD;
  const char *admin_fault = NULL;
  gboolean asked = answers_asked (self);
  gboolean ok;

  if (asked)
    {
      const char *password = text_of (self->password_row);
      const char *product_key = text_of (self->product_key_row);

      hangar_install_setup_check_user_login (text_of (self->login_row), &login_error);
      if (!locked (self) && password[0] == '\0')
        password_fault = _("Enter the user’s password.");
      else if (!locked (self) && g_strcmp0 (password, text_of (self->repeat_row)) != 0)
        {
          /* Said once the repeat was typed, not while the first is. */
          password_fault = _("The two passwords differ. Type the same password twice.");
          password_field = FIELD_REPEAT;
        }
      if (admin_asked (self) && text_of (self->admin_row)[0] == '\0')
        admin_fault = _("Enter the administrator’s password, or use the user’s.");
      if (self->product_key_wanted && product_key[0] == '\0' && self->product_key_required)
        product_key_fault = g_strdup (_("Enter the product key: this installer needs one."));
      else if (self->product_key_wanted && product_key[0] != '\0'
               && !matches_key_format (product_key,
                                       osinfo_install_script_get_product_key_format (self->script)))
        product_key_fault = g_strdup_printf (_("A product key is written as %s, each $ a letter or digit."),
                                             osinfo_install_script_get_product_key_format (self->script));
      hangar_install_setup_check_hostname (text_of (self->hostname_row), &hostname_error);
      if (self->cloud && !hangar_install_setup_check_ssh_keys (keys, &keys_error))
        keys_fault = g_strdup (keys_error->message);
      else if (locked (self) && g_strstrip (keys)[0] == '\0')
        keys_fault = g_strdup (_("Without a password, the user can only log in with an SSH key. Add a public key, or set a password."));
    }
  ok = login_error == NULL && password_fault == NULL && admin_fault == NULL
       && product_key_fault == NULL && hostname_error == NULL && keys_fault == NULL;

  hangar_field_set_message (GTK_WIDGET (self->login_row), self->login_message, HANGAR_FIELD_ERROR,
                            login_error != NULL && (self->touched & FIELD_LOGIN)
                            ? login_error->message : NULL);
  hangar_field_set_message (GTK_WIDGET (self->repeat_row), self->password_message, HANGAR_FIELD_ERROR,
                            password_fault != NULL && (self->touched & password_field)
                            ? password_fault : NULL);
  hangar_field_set_message (GTK_WIDGET (self->admin_row), self->admin_message, HANGAR_FIELD_ERROR,
                            admin_fault != NULL && (self->touched & FIELD_ADMIN) ? admin_fault : NULL);
  hangar_field_set_message (GTK_WIDGET (self->product_key_row), self->product_key_message,
                            HANGAR_FIELD_ERROR,
                            product_key_fault != NULL && (self->touched & FIELD_PRODUCT_KEY)
                            ? product_key_fault : NULL);
  hangar_field_set_message (GTK_WIDGET (self->hostname_row), self->hostname_message,
                            hostname_error != NULL ? HANGAR_FIELD_ERROR : HANGAR_FIELD_HINT,
                            hostname_error != NULL ? hostname_error->message
                            : _("Empty: the virtual machine’s name."));
  hangar_field_set_message (GTK_WIDGET (self->keys_row), self->keys_message, HANGAR_FIELD_ERROR,
                            keys_fault != NULL && (self->touched & FIELD_KEYS) ? keys_fault : NULL);
  hangar_creator_page_set_complete (HANGAR_CREATOR_PAGE (self), ok);
  return ok;
}

static void
move_focus_out (HangarCreatorSetupPage *self,
                GtkWidget              *area,
                GtkWidget              *to)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && (focus == area || gtk_widget_is_ancestor (focus, area)))
    gtk_widget_grab_focus (to);
}

/* What the earlier pages chose decides whether the page is needed and which fields
 * it asks. */
static void
refresh (HangarCreatorSetupPage *self)
{
  HangarCreatorState *state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
  HangarGuestSource source;
  const HangarOsMatch *match;
  OsinfoInstallScript *script = NULL;
  gboolean offers_minimal = FALSE;
  gboolean remote_medium;

  /* The template's own settings, before construction is done. */
  if (state == NULL)
    return;
  source = hangar_creator_state_get_source (state);
  match = hangar_creator_state_get_match (state);

  self->cloud = source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE;
  if (source == HANGAR_GUEST_SOURCE_MEDIA || source == HANGAR_GUEST_SOURCE_URL)
    {
      OsinfoOs *os = hangar_creator_state_get_os (state);
      OsinfoMedia *media = match != NULL ? match->media : NULL;
      OsinfoTree *tree = match != NULL ? match->tree : NULL;

      script = hangar_install_setup_find_script (os, media, tree,
                                                 !gtk_switch_get_active (self->desktop_switch));
      offers_minimal = hangar_install_setup_offers_minimal (os, media, tree);
    }
  /* A remote host's install medium is never read here: its installer can only be
   * handed a script on a disc of the script's own (uploaded to the host). */
  remote_medium = script != NULL && source == HANGAR_GUEST_SOURCE_MEDIA
                  && hangar_connection_uri_is_remote (
                       hangar_connection_get_uri (hangar_creator_state_get_connection (state)))
                  && !(osinfo_install_script_get_injection_methods (script) & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM);
  if (remote_medium)
    script = NULL;
  g_set_object (&self->script, script);
  self->product_key_wanted = script != NULL
                             && hangar_install_setup_script_wants (script,
                                                                   OSINFO_INSTALL_CONFIG_PROP_REG_PRODUCTKEY,
                                                                   &self->product_key_required);

  if (remote_medium != self->remote_medium)
    {
      OsinfoOs *os = hangar_creator_state_get_os (state);
      g_autofree char *why = NULL;

      if (remote_medium)
        why = g_strdup_printf (_("%s’s installer takes its answers only from the initrd on its medium, which Hangar cannot read in an ISO on a remote host. To install it automatically there, choose Network Install (URL) with the distribution’s installer folder on a mirror."),
                               osinfo_product_get_name (OSINFO_PRODUCT (os)));
      move_focus_out (self, GTK_WIDGET (self->auto_switch), GTK_WIDGET (self->auto_row));
      hangar_field_set_message (GTK_WIDGET (self->auto_row), self->auto_message, HANGAR_FIELD_HINT, why);
    }
  self->remote_medium = remote_medium;
  /* No switch that would not do what it shows. */
  gtk_widget_set_visible (GTK_WIDGET (self->auto_switch), !remote_medium);
  adw_action_row_set_subtitle (self->auto_row,
                               remote_medium ? _("Not available for this medium on a remote host")
                                             : _("Hangar answers the installer’s questions: you come back to an installed system"));
  gtk_widget_set_visible (GTK_WIDGET (self->user_group), !remote_medium);
  gtk_widget_set_visible (GTK_WIDGET (self->auto_group), !self->cloud);
  gtk_widget_set_visible (GTK_WIDGET (self->desktop_row), !self->cloud && script != NULL && offers_minimal);
  gtk_widget_set_sensitive (GTK_WIDGET (self->desktop_row), answers_asked (self));
  gtk_widget_set_visible (GTK_WIDGET (self->locked_row), self->cloud);
  gtk_widget_set_visible (GTK_WIDGET (self->keys_group), self->cloud);
  /* Every script sets the administrator's password (root's, Administrator's). */
  gtk_widget_set_visible (GTK_WIDGET (self->admin_same_row), !self->cloud && self->script != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->admin_row), admin_asked (self));
  gtk_widget_set_visible (GTK_WIDGET (self->product_key_row), !self->cloud && self->product_key_wanted);
  /* Focus leaves a field before it turns insensitive (GTK warns otherwise). */
  if (!answers_asked (self))
    {
      move_focus_out (self, GTK_WIDGET (self->user_group), GTK_WIDGET (self->auto_switch));
      move_focus_out (self, GTK_WIDGET (self->desktop_row), GTK_WIDGET (self->auto_switch));
    }
  if (locked (self))
    {
      move_focus_out (self, GTK_WIDGET (self->password_row), GTK_WIDGET (self->locked_switch));
      move_focus_out (self, GTK_WIDGET (self->repeat_row), GTK_WIDGET (self->locked_switch));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_group), answers_asked (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !locked (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->repeat_row), !locked (self));
  hangar_creator_page_set_title (HANGAR_CREATOR_PAGE (self),
                                 self->cloud ? _("First Boot") : _("Automatic Installation"));
  hangar_creator_page_set_needed (HANGAR_CREATOR_PAGE (self), self->cloud || script != NULL || remote_medium);
  update (self);
}

static void
on_state_changed_cb (HangarCreatorSetupPage *self)
{
  refresh (self);
}

static void
on_auto_changed_cb (HangarCreatorSetupPage *self)
{
  hangar_field_set_message (GTK_WIDGET (self->auto_row), self->auto_message, HANGAR_FIELD_ERROR, NULL);
  refresh (self);
}

static void
on_switch_changed_cb (HangarCreatorSetupPage *self)
{
  refresh (self);
}

static void
on_field_changed_cb (HangarCreatorSetupPage *self,
                     GtkEditable            *widget)
{
  if (self->filling)
    return;
  if (widget == GTK_EDITABLE (self->login_row))
    {
      self->touched |= FIELD_LOGIN;
      /* The desktop user's full name belongs to the desktop user's login. */
      if (!self->realname_typed)
        {
          gboolean own = g_strcmp0 (text_of (self->login_row), self->default_login) == 0;

          self->filling = TRUE;
          gtk_editable_set_text (GTK_EDITABLE (self->realname_row),
                                 own && self->default_realname != NULL ? self->default_realname : "");
          self->filling = FALSE;
        }
    }
  else if (widget == GTK_EDITABLE (self->realname_row))
    self->realname_typed = TRUE;
  else if (widget == GTK_EDITABLE (self->password_row))
    self->touched |= FIELD_PASSWORD;
  else if (widget == GTK_EDITABLE (self->repeat_row))
    self->touched |= FIELD_REPEAT;
  else if (widget == GTK_EDITABLE (self->admin_row))
    self->touched |= FIELD_ADMIN;
  else if (widget == GTK_EDITABLE (self->product_key_row))
    self->touched |= FIELD_PRODUCT_KEY;
  else if (widget == GTK_EDITABLE (self->hostname_row))
    self->touched |= FIELD_HOSTNAME;
  refresh (self);
}

static void
on_keys_changed_cb (HangarCreatorSetupPage *self)
{
  if (!self->filling)
    self->touched |= FIELD_KEYS;
  update (self);
}

/* Adding a key file. */

/* The lines of a key file other than blanks and comments, one a line; NULL when there
 * are none (the file holds no key). */
static char *
key_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) keys = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (line[0] != '\0' && line[0] != '#')
        g_string_append_printf (keys, "%s%s", keys->len > 0 ? "\n" : "", line);
    }
  return keys->len > 0 ? g_string_free (g_steal_pointer (&keys), FALSE) : NULL;
}

static void
on_key_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HangarCreatorSetupPage *self;
  g_autofree char *contents = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *name = g_file_get_parse_name (G_FILE (object));
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HANGAR_CREATOR_SETUP_PAGE (user_data);
  self->touched |= FIELD_KEYS;
  if (error != NULL)
    message = g_strdup_printf (_("Could not read %s: %s. Choose another file."), name,
                               error->message);
  else if (length > 65536 || !g_utf8_validate (contents, length, NULL)
           || (keys = key_lines (contents)) == NULL
           || !hangar_install_setup_check_ssh_keys (keys, &error))
    message = g_strdup_printf (_("%s is not an SSH public key. Choose the .pub file of a key pair."),
                               name);
  if (message == NULL)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->keys_view);
      g_autofree char *current = keys_text (self);
      GtkTextIter end;

      gtk_text_buffer_get_end_iter (buffer, &end);
      if (current[0] != '\0' && !g_str_has_suffix (current, "\n"))
        gtk_text_buffer_insert (buffer, &end, "\n", -1);
      gtk_text_buffer_insert (buffer, &end, keys, -1);
      return;
    }
  update (self);
  hangar_field_set_message (GTK_WIDGET (self->keys_row), self->keys_message, HANGAR_FIELD_ERROR,
                            message);
}

static void
on_chooser_response_cb (HangarCreatorSetupPage *self,
                        int                     response)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  g_clear_object (&self->chooser);
  if (file != NULL)
    g_file_load_contents_async (file, self->cancellable, on_key_loaded_cb, self);
}

static void
on_add_key_clicked_cb (HangarCreatorSetupPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GFile) ssh_dir = g_file_new_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Add an SSH Public Key"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("SSH public keys"));
  gtk_file_filter_add_pattern (filter, "*.pub");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  /* A key pair's public half is not always named .pub. */
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  if (g_file_query_exists (ssh_dir, NULL))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), ssh_dir, NULL);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* The page's vfuncs. */

/* Replaces a secret in the spec, wiping the old one. */
static void
set_secret (char       **field,
            const char  *value)
{
  if (*field != NULL)
    memset (*field, 0, strlen (*field));
  g_free (*field);
  *field = value != NULL && value[0] != '\0' ? g_strdup (value) : NULL;
}

static void
hangar_creator_setup_page_apply (HangarCreatorPage *page,
                                 HangarGuestSpec   *spec)
{
  HangarCreatorSetupPage *self = HANGAR_CREATOR_SETUP_PAGE (page);
  gboolean asked = answers_asked (self);
  g_autofree char *keys = keys_text (self);

  spec->cloud_init = self->cloud;
  spec->unattended = !self->cloud && asked;
  spec->minimal_install = spec->unattended && gtk_widget_get_visible (GTK_WIDGET (self->desktop_row))
                          && !gtk_switch_get_active (self->desktop_switch);
  spec->password_locked = asked && locked (self);
  set_secret (&spec->user_login, asked ? text_of (self->login_row) : NULL);
  set_secret (&spec->user_realname, asked ? text_of (self->realname_row) : NULL);
  set_secret (&spec->user_password, asked && !locked (self) ? text_of (self->password_row) : NULL);
  /* NULL: the same as the user's. */
  set_secret (&spec->admin_password, asked && admin_asked (self) ? text_of (self->admin_row) : NULL);
  set_secret (&spec->product_key, asked && self->product_key_wanted
                                  ? text_of (self->product_key_row) : NULL);
  set_secret (&spec->hostname, asked ? text_of (self->hostname_row) : NULL);
  set_secret (&spec->ssh_keys, asked && self->cloud ? g_strstrip (keys) : NULL);
}

static void
hangar_creator_setup_page_shown (HangarCreatorPage *page)
{
  HangarCreatorSetupPage *self = HANGAR_CREATOR_SETUP_PAGE (page);

  refresh (self);
  if (answers_asked (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->login_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->auto_switch));
}

static void
hangar_creator_setup_page_show_faults (HangarCreatorPage *page)
{
  HangarCreatorSetupPage *self = HANGAR_CREATOR_SETUP_PAGE (page);

  self->touched = FIELD_ALL;
  update (self);
}

static gboolean
hangar_creator_setup_page_show_error (HangarCreatorPage *page,
                                      const GError      *error)
{
  HangarCreatorSetupPage *self = HANGAR_CREATOR_SETUP_PAGE (page);

  if (g_error_matches (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP))
    {
      /* The page's own checks name the field when they find the fault; else the
       * answers as a whole are meant. */
      self->touched = FIELD_ALL;
      if (update (self))
        hangar_field_set_message (GTK_WIDGET (self->login_row), self->login_message,
                                  HANGAR_FIELD_ERROR, error->message);
      return TRUE;
    }
  /* Making the installation files failed: said where the choice to make them is. */
  if (g_error_matches (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_SETUP))
    {
      if (self->cloud)
        hangar_field_set_message (GTK_WIDGET (self->login_row), self->login_message,
                                  HANGAR_FIELD_ERROR, error->message);
      else
        hangar_field_set_message (GTK_WIDGET (self->auto_row), self->auto_message,
                                  HANGAR_FIELD_ERROR, error->message);
      return TRUE;
    }
  return FALSE;
}

static void
hangar_creator_setup_page_constructed (GObject *object)
{
  HangarCreatorSetupPage *self = HANGAR_CREATOR_SETUP_PAGE (object);
  HangarCreatorState *state;

  G_OBJECT_CLASS (hangar_creator_setup_page_parent_class)->constructed (object);

  state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
  g_signal_connect_object (state, "notify::source", G_CALLBACK (on_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::os", G_CALLBACK (on_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::match", G_CALLBACK (on_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
}

static void
hangar_creator_setup_page_dispose (GObject *object)
{
  HangarCreatorSetupPage *self = HANGAR_CREATOR_SETUP_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CREATOR_SETUP_PAGE);
  G_OBJECT_CLASS (hangar_creator_setup_page_parent_class)->dispose (object);
}

static void
hangar_creator_setup_page_finalize (GObject *object)
{
  HangarCreatorSetupPage *self = HANGAR_CREATOR_SETUP_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->script);
  g_free (self->default_login);
  g_free (self->default_realname);
  G_OBJECT_CLASS (hangar_creator_setup_page_parent_class)->finalize (object);
}

static void
hangar_creator_setup_page_class_init (HangarCreatorSetupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HangarCreatorPageClass *page_class = HANGAR_CREATOR_PAGE_CLASS (klass);

  object_class->constructed = hangar_creator_setup_page_constructed;
  object_class->dispose = hangar_creator_setup_page_dispose;
  object_class->finalize = hangar_creator_setup_page_finalize;
  page_class->apply = hangar_creator_setup_page_apply;
  page_class->shown = hangar_creator_setup_page_shown;
  page_class->show_faults = hangar_creator_setup_page_show_faults;
  page_class->show_error = hangar_creator_setup_page_show_error;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-creator-setup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, auto_group);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, auto_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, auto_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, desktop_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, desktop_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, auto_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, user_group);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, login_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, login_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, realname_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, locked_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, locked_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, password_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, admin_same_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, admin_same_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, admin_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, admin_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, product_key_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, product_key_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, hostname_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, hostname_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, keys_group);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, add_key_button);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, keys_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, keys_view);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSetupPage, keys_message);
  gtk_widget_class_bind_template_callback (widget_class, on_auto_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_switch_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_key_clicked_cb);
}

static void
hangar_creator_setup_page_init (HangarCreatorSetupPage *self)
{
  const char *realname = g_get_real_name ();
  g_autofree char *login = hangar_install_setup_default_user_login ();

  self->cancellable = g_cancellable_new ();
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The desktop's user, and automatic installation, unless the user says otherwise; the
   * full name only with the desktop user's own login (root's is "root"). */
  gtk_editable_set_text (GTK_EDITABLE (self->login_row), login);
  if (!g_str_equal (realname, "Unknown") && g_str_equal (login, g_get_user_name ()))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->realname_row), realname);
      self->default_realname = g_strdup (realname);
    }
  self->default_login = g_steal_pointer (&login);
  gtk_switch_set_active (self->auto_switch, TRUE);
  gtk_switch_set_active (self->admin_same_switch, TRUE);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->keys_view), "changed",
                            G_CALLBACK (on_keys_changed_cb), self);
  self->filling = FALSE;
}

GtkWidget *
hangar_creator_setup_page_new (HangarCreatorState *state)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (state), NULL);

  return g_object_new (HANGAR_TYPE_CREATOR_SETUP_PAGE, "state", state, NULL);
}
