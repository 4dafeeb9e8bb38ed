// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-source-page"

/* The New VM window's first page: where the OS comes from. Each kind of source shows
 * its own fields; a file is checked as it is typed (it exists, is a file, Hangar can
 * read it, QEMU's user can read it), and install media and trees are identified. */

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-creator-source-page.h"
#include "hangar-file-access.h"
#include "hangar-host-drives.h"
#include "hangar-pool.h"
#include "hangar-ui-util.h"
#include "hangar-volume.h"
#include "hangar-wizard-util.h"

/* A tree URL is read once the user stops typing for this long. */
#define URL_PAUSE_MS 700

typedef enum {
  FIELD_ISO,
  FIELD_URL,
  FIELD_DISK,
  FIELD_BASE,
  FIELD_KERNEL,
  FIELD_INITRD,
  N_FIELDS
} FieldId;

typedef enum {
  MEDIUM_ISO,
  MEDIUM_CDROM,
  MEDIUM_VOLUME,
} Medium;

/* A path or URL field and what its check found. */
typedef struct {
  GtkWidget *row;
  GtkLabel *message;
  GtkWidget *message_row;
  GtkWidget *fix;
  GtkSpinner *spinner;
  GCancellable *cancellable;
  /* Bumped on every change: answers for an older text are dropped. */
  guint generation;
  gboolean touched;
  gboolean busy;
  gboolean ok;
} Field;

struct _HangarCreatorSourcePage
{
  HangarCreatorPage parent_instance;

  Field fields[N_FIELDS];
  GArray *kinds;                /* HangarGuestSource by position in kind_row */
  GArray *media;                /* Medium by position in medium_row */
  gboolean local;               /* the host is this machine: its files can be checked */
  guint url_timeout;
  GtkNativeDialog *chooser;
  FieldId chooser_field;
  /* The CD-ROM drive's identification, and whether it is over. */
  GCancellable *cdrom_cancellable;
  gboolean cdrom_busy;
  /* The host's CD-ROM drives, listed once on a worker: until then, none. */
  GtkStringList *cdroms;
  GCancellable *drives_cancellable;
  gboolean drives_listed;
  char *drives_error;

  GtkWidget *kind_row;
  GtkWidget *media_group;
  GtkWidget *medium_row;
  GtkWidget *cdrom_row;
  GtkWidget *cdrom_message_row;
  GtkLabel *cdrom_message;
  GtkWidget *volume_row;
  GtkWidget *volume_message_row;
  GtkLabel *volume_message;
  GtkWidget *url_group;
  GtkWidget *import_group;
  GtkWidget *cloud_group;
  AdwActionRow *copy_row;
  GtkSwitch *copy_switch;
  GtkWidget *kernel_group;
  GtkWidget *cmdline_row;
  GtkWidget *pxe_group;
  GtkWidget *manual_group;

  GtkWidget *iso_row, *url_row, *disk_row, *base_row, *kernel_row, *initrd_row;
  GtkLabel *iso_message, *url_message, *disk_message, *base_message, *kernel_message,
           *initrd_message;
  GtkWidget *iso_fix, *disk_fix, *base_fix, *kernel_fix, *initrd_fix;
  GtkSpinner *iso_spinner, *url_spinner;
};

G_DEFINE_FINAL_TYPE (HangarCreatorSourcePage, hangar_creator_source_page, HANGAR_TYPE_CREATOR_PAGE)

static const struct {
  HangarGuestSource source;
  const char *label;
} kind_labels[] = {
  { HANGAR_GUEST_SOURCE_MEDIA, N_("Local Install Media") },
  { HANGAR_GUEST_SOURCE_URL, N_("Network Install (URL)") },
  { HANGAR_GUEST_SOURCE_IMPORT, N_("Existing Disk Image") },
  { HANGAR_GUEST_SOURCE_CLOUD_IMAGE, N_("Cloud Image") },
  { HANGAR_GUEST_SOURCE_KERNEL, N_("Direct Kernel Boot") },
  { HANGAR_GUEST_SOURCE_PXE, N_("Network Boot (PXE)") },
  { HANGAR_GUEST_SOURCE_MANUAL, N_("Manual Install") },
};

static HangarCreatorState *
get_state (HangarCreatorSourcePage *self)
{
  return hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
}

static HangarGuestSource
current_kind (HangarCreatorSourcePage *self)
{
  guint position = adw_combo_row_get_selected (ADW_COMBO_ROW (self->kind_row));

  if (position >= self->kinds->len)
    return HANGAR_GUEST_SOURCE_MEDIA;
  return g_array_index (self->kinds, HangarGuestSource, position);
}

static Medium
current_medium (HangarCreatorSourcePage *self)
{
  guint position = adw_combo_row_get_selected (ADW_COMBO_ROW (self->medium_row));

  if (position >= self->media->len)
    return self->local ? MEDIUM_ISO : MEDIUM_VOLUME;
  return g_array_index (self->media, Medium, position);
}

static const char *
field_text (HangarCreatorSourcePage *self,
            FieldId                  id)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->fields[id].row));
}

/* The field the user is to fill first for the current kind. */
static FieldId
main_field (HangarGuestSource kind)
{
  switch (kind)
    {
    case HANGAR_GUEST_SOURCE_URL:
      return FIELD_URL;
    case HANGAR_GUEST_SOURCE_IMPORT:
      return FIELD_DISK;
    case HANGAR_GUEST_SOURCE_CLOUD_IMAGE:
      return FIELD_BASE;
    case HANGAR_GUEST_SOURCE_KERNEL:
      return FIELD_KERNEL;
    default:
      return FIELD_ISO;
    }
}

static gboolean
field_complete (HangarCreatorSourcePage *self,
                FieldId                  id)
{
  return self->fields[id].ok && !self->fields[id].busy;
}

static void
update_complete (HangarCreatorSourcePage *self)
{
  gboolean complete = TRUE;

  switch (current_kind (self))
    {
    case HANGAR_GUEST_SOURCE_MEDIA:
      switch (current_medium (self))
        {
        case MEDIUM_ISO:
          complete = field_complete (self, FIELD_ISO);
          break;
        case MEDIUM_CDROM:
          complete = adw_combo_row_get_selected_item (ADW_COMBO_ROW (self->cdrom_row)) != NULL
                     && !self->cdrom_busy;
          break;
        case MEDIUM_VOLUME:
          complete = adw_combo_row_get_selected_item (ADW_COMBO_ROW (self->volume_row)) != NULL;
          break;
        }
      break;
    case HANGAR_GUEST_SOURCE_URL:
      complete = field_complete (self, FIELD_URL);
      break;
    case HANGAR_GUEST_SOURCE_IMPORT:
      complete = field_complete (self, FIELD_DISK);
      break;
    case HANGAR_GUEST_SOURCE_CLOUD_IMAGE:
      complete = field_complete (self, FIELD_BASE);
      break;
    case HANGAR_GUEST_SOURCE_KERNEL:
      complete = field_complete (self, FIELD_KERNEL) && field_complete (self, FIELD_INITRD);
      break;
    case HANGAR_GUEST_SOURCE_PXE:
    case HANGAR_GUEST_SOURCE_MANUAL:
      break;
    }
  hangar_creator_page_set_complete (HANGAR_CREATOR_PAGE (self), complete);
}

static void
set_busy (HangarCreatorSourcePage *self,
          FieldId                  id,
          gboolean                 busy)
{
  Field *field = &self->fields[id];

  field->busy = busy;
  if (field->spinner != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (field->spinner), busy);
      gtk_spinner_set_spinning (field->spinner, busy);
    }
}

/* Ends the field's check with @message (NULL: none) of @kind; an error leaves it not
 * ok. */
static void
finish_field (HangarCreatorSourcePage *self,
              FieldId                  id,
              HangarFieldMessageKind   kind,
              const char              *message)
{
  Field *field = &self->fields[id];

  set_busy (self, id, FALSE);
  field->ok = message == NULL || kind != HANGAR_FIELD_ERROR;
  hangar_field_set_message (field->row, field->message, kind, message);
  update_complete (self);
}

static const char *
empty_message (FieldId id)
{
  switch (id)
    {
    case FIELD_ISO:
      return _("Enter the path of an install ISO image, or choose one.");
    case FIELD_URL:
      return _("Enter the URL of a distribution tree.");
    case FIELD_DISK:
      return _("Enter the path of the disk image, or choose one.");
    case FIELD_BASE:
      return _("Enter the path of the cloud image, or choose one.");
    case FIELD_KERNEL:
      return _("Enter the path of the kernel, or choose one.");
    default:
      return NULL;
    }
}

/* Asynchronous steps of a field's check carry the page and the generation they are
 * for; an answer for an older text is dropped. */
typedef struct {
  HangarCreatorSourcePage *self;
  FieldId id;
  guint generation;
  char *path;
} Step;

static Step *
step_new (HangarCreatorSourcePage *self,
          FieldId                  id,
          const char              *path)
{
  Step *step = g_new0 (Step, 1);

  step->self = g_object_ref (self);
  step->id = id;
  step->generation = self->fields[id].generation;
  step->path = g_strdup (path);
  return step;
}

static void
step_free (Step *step)
{
  g_object_unref (step->self);
  g_free (step->path);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Step, step_free)

static gboolean
step_current (Step         *step,
              const GError *error)
{
  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         && step->generation == step->self->fields[step->id].generation;
}

static void
show_match (HangarCreatorSourcePage *self,
            FieldId                  id,
            const HangarOsMatch     *match)
{
  g_autofree char *message = NULL;

  hangar_creator_state_set_match (get_state (self), match);
  if (match->os == NULL)
    message = g_strdup (_("Not recognised: choose the operating system on the next page."));
  else if (match->identified)
    message = g_strdup_printf (_("Detected: %s"), match->name);
  else
    message = g_strdup_printf (_("Suggested: %s (not recognised for sure)"), match->name);
  finish_field (self, id, HANGAR_FIELD_HINT, message);
}

static void
on_identified_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  g_autoptr(HangarOsMatch) match = NULL;
  g_autoptr(GError) error = NULL;

  if (step->id == FIELD_URL)
    match = hangar_os_catalog_identify_tree_finish (HANGAR_OS_CATALOG (object), result, &error);
  else
    match = hangar_os_catalog_identify_media_finish (HANGAR_OS_CATALOG (object), result, &error);
  if (!step_current (step, error))
    return;
  if (match == NULL)
    finish_field (step->self, step->id, HANGAR_FIELD_ERROR, error->message);
  else
    show_match (step->self, step->id, match);
}

static void
identify (HangarCreatorSourcePage *self,
          FieldId                  id,
          const char              *location)
{
  HangarOsCatalog *catalog = hangar_creator_state_get_catalog (get_state (self));

  if (id == FIELD_URL)
    hangar_os_catalog_identify_tree_async (catalog, location, self->fields[id].cancellable,
                                           on_identified_cb, step_new (self, id, location));
  else
    hangar_os_catalog_identify_media_async (catalog, location, self->fields[id].cancellable,
                                            on_identified_cb, step_new (self, id, location));
}

static void
on_access_checked_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  g_autoptr(GError) error = NULL;
  HangarCreatorSourcePage *self = step->self;
  gboolean readable = hangar_file_access_check_finish (result, &error);

  if (!step_current (step, error))
    return;
  if (g_error_matches (error, HANGAR_FILE_ACCESS_ERROR, HANGAR_FILE_ACCESS_ERROR_DENIED))
    {
      gtk_widget_set_visible (self->fields[step->id].fix, TRUE);
      finish_field (self, step->id, HANGAR_FIELD_ERROR, error->message);
      return;
    }
  gtk_widget_set_visible (self->fields[step->id].fix, FALSE);
  if (step->id == FIELD_ISO)
    {
      identify (self, step->id, step->path);
      return;
    }
  /* A host that cannot say who QEMU runs as does not block: the guest's start would. */
  finish_field (self, step->id, HANGAR_FIELD_WARNING, readable ? NULL : error->message);
}

/* A cloud image to copy: whether it can be, in place of QEMU's access (QEMU reads the
 * copy, not the image). */
static gboolean
copying (HangarCreatorSourcePage *self)
{
  return gtk_switch_get_active (self->copy_switch);
}

static void
on_copyable_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  g_autoptr(GError) error = NULL;

  hangar_volume_copyable_size_finish (result, NULL, &error);
  if (!step_current (step, error))
    return;
  finish_field (step->self, step->id, HANGAR_FIELD_ERROR, error != NULL ? error->message : NULL);
}

static void
check_copyable (HangarCreatorSourcePage *self,
                FieldId                  id,
                const char              *path)
{
  hangar_volume_copyable_size_async (hangar_creator_state_get_connection (get_state (self)), path,
                                     self->fields[id].cancellable, on_copyable_cb,
                                     step_new (self, id, path));
}

static void
on_info_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  HangarCreatorSourcePage *self = step->self;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (!step_current (step, error))
    return;
  name = g_filename_display_name (step->path);
  if (info == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    message = g_strdup_printf (_("“%s” does not exist. Check the path."), name);
  else if (info == NULL)
    message = g_strdup_printf (_("Could not look at “%s”: %s. Check the path."), name,
                               error->message);
  else if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    message = g_strdup_printf (_("“%s” is a folder. Choose a file in it."), name);
  else if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    message = g_strdup_printf (_("“%s” is not a regular file. Choose an image file."), name);
  else if (!g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ))
    message = g_strdup_printf (_("You cannot read “%s”. Check its permissions, or choose another file."),
                               name);
  if (message != NULL)
    {
      finish_field (self, step->id, HANGAR_FIELD_ERROR, message);
      return;
    }
  if (step->id == FIELD_BASE && copying (self))
    {
      check_copyable (self, step->id, step->path);
      return;
    }
  hangar_file_access_check_async (hangar_creator_state_get_connection (get_state (self)),
                                  step->path, self->fields[step->id].cancellable,
                                  on_access_checked_cb, step_new (self, step->id, step->path));
}

static gboolean
on_url_pause_cb (gpointer user_data)
{
  HangarCreatorSourcePage *self = user_data;

  self->url_timeout = 0;
  identify (self, FIELD_URL, field_text (self, FIELD_URL));
  return G_SOURCE_REMOVE;
}

static gboolean
is_tree_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  return scheme != NULL
         && (g_str_equal (scheme, "http") || g_str_equal (scheme, "https")
             || g_str_equal (scheme, "ftp"))
         && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* Starts the field's check afresh for its current text. */
static void
check_field (HangarCreatorSourcePage *self,
             FieldId                  id)
{
  Field *field = &self->fields[id];
  const char *text = field_text (self, id);

  field->generation++;
  g_cancellable_cancel (field->cancellable);
  g_clear_object (&field->cancellable);
  field->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->url_timeout, g_source_remove);
  if (field->fix != NULL)
    gtk_widget_set_visible (field->fix, FALSE);
  if (id == FIELD_ISO || id == FIELD_URL)
    hangar_creator_state_set_match (get_state (self), NULL);

  if (*text == '\0')
    {
      /* The initrd may stay empty; the others say so once touched. */
      if (id == FIELD_INITRD)
        finish_field (self, id, HANGAR_FIELD_ERROR, NULL);
      else
        {
          finish_field (self, id, HANGAR_FIELD_ERROR, field->touched ? empty_message (id) : NULL);
          field->ok = FALSE;
          update_complete (self);
        }
      return;
    }

  if (id == FIELD_URL)
    {
      if (!is_tree_url (text))
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not a web address. Give one such as https://mirror.example.org/fedora/releases/37/Server/x86_64/os/."),
                             text);

          finish_field (self, id, HANGAR_FIELD_ERROR, message);
          return;
        }
      field->ok = FALSE;
      set_busy (self, id, TRUE);
      hangar_field_set_message (field->row, field->message, HANGAR_FIELD_HINT, NULL);
      update_complete (self);
      self->url_timeout = g_timeout_add (URL_PAUSE_MS, on_url_pause_cb, self);
      return;
    }

  /* A remote host's paths are not on this machine: the host checks them itself, but
   * for an image to copy, which must be in its pools. */
  if (!self->local && !(id == FIELD_BASE && copying (self)))
    {
      finish_field (self, id, HANGAR_FIELD_ERROR, NULL);
      return;
    }
  if (!g_path_is_absolute (text))
    {
      finish_field (self, id, HANGAR_FIELD_ERROR,
                    _("Give the full path, starting with “/”, or choose the file."));
      return;
    }

  field->ok = FALSE;
  set_busy (self, id, TRUE);
  hangar_field_set_message (field->row, field->message, HANGAR_FIELD_HINT, NULL);
  update_complete (self);
  if (!self->local)
    {
      check_copyable (self, id, text);
      return;
    }
  {
    g_autoptr(GFile) file = g_file_new_for_path (text);

    g_file_query_info_async (file,
                             G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_ACCESS_CAN_READ,
                             G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, field->cancellable,
                             on_info_cb, step_new (self, id, text));
  }
}

static FieldId
field_of_widget (HangarCreatorSourcePage *self,
                 GtkWidget               *widget)
{
  for (FieldId id = 0; id < N_FIELDS; id++)
    {
      Field *field = &self->fields[id];

      if (widget == field->row || widget == field->fix
          || gtk_widget_is_ancestor (widget, field->row))
        return id;
    }
  g_return_val_if_reached (FIELD_ISO);
}

static void
on_field_changed_cb (HangarCreatorSourcePage *self,
                     GtkEditable             *row)
{
  FieldId id = field_of_widget (self, GTK_WIDGET (row));

  self->fields[id].touched = TRUE;
  check_field (self, id);
}

static void
on_fixed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Step) step = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_file_access_fix_finish (result, &error))
    {
      if (!step_current (step, error))
        return;
      gtk_widget_set_visible (step->self->fields[step->id].fix, TRUE);
      finish_field (step->self, step->id, HANGAR_FIELD_ERROR, error->message);
      return;
    }
  if (step->generation == step->self->fields[step->id].generation)
    check_field (step->self, step->id);
}

static void
on_fix_clicked_cb (HangarCreatorSourcePage *self,
                   GtkButton               *button)
{
  FieldId id = field_of_widget (self, GTK_WIDGET (button));
  Field *field = &self->fields[id];

  gtk_widget_set_visible (field->fix, FALSE);
  set_busy (self, id, TRUE);
  hangar_file_access_fix_async (hangar_creator_state_get_connection (get_state (self)),
                                field_text (self, id), field->cancellable, on_fixed_cb,
                                step_new (self, id, field_text (self, id)));
}

static void
on_chooser_response_cb (HangarCreatorSourcePage *self,
                        int                      response,
                        GtkNativeDialog         *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->fields[self->chooser_field].row), path);
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

/* Where a chooser for a field holding @text opens: the folder the text names or is in,
 * else Downloads (where install images land), else the home folder. */
static GFile *
start_folder (const char *text)
{
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);

  if (g_path_is_absolute (text))
    {
      g_autofree char *parent = g_path_get_dirname (text);

      if (g_file_test (text, G_FILE_TEST_IS_DIR))
        return g_file_new_for_path (text);
      if (g_file_test (parent, G_FILE_TEST_IS_DIR))
        return g_file_new_for_path (parent);
    }
  if (downloads != NULL && g_file_test (downloads, G_FILE_TEST_IS_DIR))
    return g_file_new_for_path (downloads);
  return g_file_new_for_path (g_get_home_dir ());
}

static void
on_browse_clicked_cb (HangarCreatorSourcePage *self,
                      GtkButton               *button)
{
  FieldId id = field_of_widget (self, GTK_WIDGET (button));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = NULL;
  g_autoptr(GFile) folder = NULL;
  const char *title;

  if (self->chooser != NULL)
    return;
  title = id == FIELD_ISO ? _("Choose an ISO Image")
          : id == FIELD_KERNEL ? _("Choose a Kernel")
          : id == FIELD_INITRD ? _("Choose an Initrd")
          : _("Choose a Disk Image");
  self->chooser_field = id;
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (title,
                                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  _("_Open"), _("_Cancel")));
  gtk_native_dialog_set_modal (self->chooser, TRUE);
  if (id == FIELD_ISO)
    {
      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("ISO Images"));
      gtk_file_filter_add_suffix (filter, "iso");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }
  folder = start_folder (field_text (self, id));
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

/* The CD-ROM drive: identified as an ISO is; a drive without a recognisable disc is
 * still a source (a hint says so). */
static void
on_cdrom_identified_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(HangarCreatorSourcePage) self = user_data;
  g_autoptr(HangarOsMatch) match = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  match = hangar_os_catalog_identify_media_finish (HANGAR_OS_CATALOG (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->cdrom_busy = FALSE;
  if (match != NULL)
    {
      hangar_creator_state_set_match (get_state (self), match);
      message = g_strdup_printf (_("Detected: %s"), match->name);
    }
  else
    {
      /* Identification's sentence speaks of ISO files; a drive's user needs less. */
      g_debug ("%s", error->message);
      message = g_strdup_printf (_("Could not read a disc in %s. If one is in the drive, choose its operating system on the next page."),
                                 gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (self->cdrom_row))));
    }
  hangar_field_set_message (self->cdrom_row, self->cdrom_message, HANGAR_FIELD_HINT, message);
  update_complete (self);
}

static void
check_cdrom (HangarCreatorSourcePage *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (self->cdrom_row));
  const char *message;

  g_cancellable_cancel (self->cdrom_cancellable);
  g_clear_object (&self->cdrom_cancellable);
  hangar_creator_state_set_match (get_state (self), NULL);
  /* A host without a drive says so where the list would be. */
  gtk_widget_set_visible (self->cdrom_row, item != NULL);
  self->cdrom_busy = !self->drives_listed || item != NULL;
  if (!self->drives_listed)
    message = _("Looking for the host’s CD-ROM drives…");
  else if (self->drives_error != NULL)
    message = self->drives_error;
  else if (item == NULL)
    message = _("This host has no CD-ROM drive. Choose another install source.");
  else if (!self->local)
    {
      /* Another host's disc is not here to read. */
      self->cdrom_busy = FALSE;
      message = _("Hangar cannot read media on another host: choose the operating system on the next page.");
    }
  else
    message = _("Reading the disc…");
  hangar_field_set_message (self->cdrom_row, self->cdrom_message,
                            self->drives_listed && item == NULL ? HANGAR_FIELD_ERROR
                                                                : HANGAR_FIELD_HINT,
                            message);
  if (self->cdrom_busy && self->drives_listed)
    {
      self->cdrom_cancellable = g_cancellable_new ();
      hangar_os_catalog_identify_media_async (hangar_creator_state_get_catalog (get_state (self)),
                                              gtk_string_object_get_string (item),
                                              self->cdrom_cancellable, on_cdrom_identified_cb,
                                              g_object_ref (self));
    }
}

static void
on_cdroms_listed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  HangarCreatorSourcePage *self;
  g_auto(GStrv) drives = NULL;
  g_autoptr(GError) error = NULL;

  drives = hangar_host_drives_list_cdroms_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HANGAR_CREATOR_SOURCE_PAGE (user_data);
  self->drives_listed = TRUE;
  if (error != NULL)
    self->drives_error = g_strdup (error->message);
  else
    gtk_string_list_splice (self->cdroms, 0, 0, (const char *const *) drives);
  if (current_kind (self) == HANGAR_GUEST_SOURCE_MEDIA && current_medium (self) == MEDIUM_CDROM)
    {
      check_cdrom (self);
      update_complete (self);
    }
}

/* Shows the current kind's group and medium's rows, and re-checks what they show. */
static void
update_kind (HangarCreatorSourcePage *self)
{
  HangarGuestSource kind = current_kind (self);
  Medium medium = current_medium (self);
  gboolean media = kind == HANGAR_GUEST_SOURCE_MEDIA;

  hangar_creator_state_set_source (get_state (self), kind);
  gtk_widget_set_visible (self->media_group, media);
  gtk_widget_set_visible (self->url_group, kind == HANGAR_GUEST_SOURCE_URL);
  gtk_widget_set_visible (self->import_group, kind == HANGAR_GUEST_SOURCE_IMPORT);
  gtk_widget_set_visible (self->cloud_group, kind == HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  gtk_widget_set_visible (self->kernel_group, kind == HANGAR_GUEST_SOURCE_KERNEL);
  gtk_widget_set_visible (self->pxe_group, kind == HANGAR_GUEST_SOURCE_PXE);
  gtk_widget_set_visible (self->manual_group, kind == HANGAR_GUEST_SOURCE_MANUAL);

  gtk_widget_set_visible (self->medium_row, self->media->len > 1);
  gtk_widget_set_visible (self->iso_row, medium == MEDIUM_ISO);
  gtk_widget_set_visible (self->cdrom_row, medium == MEDIUM_CDROM
                          && g_list_model_get_n_items (G_LIST_MODEL (self->cdroms)) > 0);
  gtk_widget_set_visible (self->volume_row, medium == MEDIUM_VOLUME);
  if (medium != MEDIUM_ISO)
    gtk_widget_set_visible (self->fields[FIELD_ISO].message_row, FALSE);
  if (medium != MEDIUM_CDROM)
    gtk_widget_set_visible (self->cdrom_message_row, FALSE);
  if (medium != MEDIUM_VOLUME)
    gtk_widget_set_visible (self->volume_message_row, FALSE);

  /* What was detected belongs to the medium or tree now shown. */
  hangar_creator_state_set_match (get_state (self), NULL);
  g_cancellable_cancel (self->cdrom_cancellable);
  self->cdrom_busy = FALSE;
  if (media && medium == MEDIUM_ISO)
    check_field (self, FIELD_ISO);
  else if (media && medium == MEDIUM_CDROM)
    check_cdrom (self);
  else if (media && medium == MEDIUM_VOLUME)
    hangar_field_set_message (self->volume_row, self->volume_message, HANGAR_FIELD_HINT,
                              _("Hangar cannot read media on another host: choose the operating system on the next page."));
  else if (kind == HANGAR_GUEST_SOURCE_URL)
    check_field (self, FIELD_URL);
  update_complete (self);
}

static void
on_choice_changed_cb (HangarCreatorSourcePage *self,
                      GParamSpec              *pspec,
                      GtkWidget               *row)
{
  if (row == self->cdrom_row)
    {
      /* The list arriving selects its first drive, whatever is shown. */
      if (current_kind (self) == HANGAR_GUEST_SOURCE_MEDIA && current_medium (self) == MEDIUM_CDROM)
        check_cdrom (self);
      update_complete (self);
    }
  else if (row == self->volume_row)
    update_complete (self);
  else
    update_kind (self);
}

/* What each way of using a cloud image means, for the one chosen. */
static void
on_copy_changed_cb (HangarCreatorSourcePage *self)
{
  adw_action_row_set_subtitle (self->copy_row,
                               gtk_switch_get_active (self->copy_switch)
                               ? _("The new disk is a whole copy: independent of the image, it takes the image’s space, and time to copy.")
                               : _("The new disk keeps only the guest’s changes and reads the rest from the image, which must stay where it is."));
  /* What the image must be differs. */
  if (current_kind (self) == HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
    check_field (self, FIELD_BASE);
}

static void
hangar_creator_source_page_apply (HangarCreatorPage *page,
                                  HangarGuestSpec   *spec)
{
  HangarCreatorSourcePage *self = HANGAR_CREATOR_SOURCE_PAGE (page);
  HangarGuestSource kind = current_kind (self);

  spec->source = kind;
  spec->copy_base_image = FALSE;
  g_clear_pointer (&spec->media_path, g_free);
  g_clear_pointer (&spec->tree_url, g_free);
  g_clear_pointer (&spec->base_image, g_free);
  g_clear_pointer (&spec->kernel, g_free);
  g_clear_pointer (&spec->initrd, g_free);
  g_clear_pointer (&spec->cmdline, g_free);
  switch (kind)
    {
    case HANGAR_GUEST_SOURCE_MEDIA:
      switch (current_medium (self))
        {
        case MEDIUM_ISO:
          spec->media_path = g_strdup (field_text (self, FIELD_ISO));
          break;
        case MEDIUM_CDROM:
          spec->media_path = g_strdup (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (self->cdrom_row))));
          break;
        case MEDIUM_VOLUME:
          spec->media_path = g_strdup (hangar_volume_get_path (adw_combo_row_get_selected_item (ADW_COMBO_ROW (self->volume_row))));
          break;
        }
      break;
    case HANGAR_GUEST_SOURCE_URL:
      spec->tree_url = g_strdup (field_text (self, FIELD_URL));
      break;
    case HANGAR_GUEST_SOURCE_IMPORT:
      spec->disk = HANGAR_GUEST_SPEC_DISK_EXISTING;
      g_free (spec->disk_path);
      spec->disk_path = g_strdup (field_text (self, FIELD_DISK));
      break;
    case HANGAR_GUEST_SOURCE_CLOUD_IMAGE:
      spec->base_image = g_strdup (field_text (self, FIELD_BASE));
      spec->copy_base_image = gtk_switch_get_active (self->copy_switch);
      break;
    case HANGAR_GUEST_SOURCE_KERNEL:
      spec->kernel = g_strdup (field_text (self, FIELD_KERNEL));
      if (*field_text (self, FIELD_INITRD) != '\0')
        spec->initrd = g_strdup (field_text (self, FIELD_INITRD));
      if (*gtk_editable_get_text (GTK_EDITABLE (self->cmdline_row)) != '\0')
        spec->cmdline = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->cmdline_row)));
      break;
    case HANGAR_GUEST_SOURCE_PXE:
    case HANGAR_GUEST_SOURCE_MANUAL:
      break;
    }
}

static void
hangar_creator_source_page_show_faults (HangarCreatorPage *page)
{
  HangarCreatorSourcePage *self = HANGAR_CREATOR_SOURCE_PAGE (page);
  FieldId id = main_field (current_kind (self));
  Field *field = &self->fields[id];

  /* Only an empty field has a fault not shown yet; the others say theirs already. */
  if (!field->touched && *field_text (self, id) == '\0' && gtk_widget_get_visible (field->row))
    {
      field->touched = TRUE;
      check_field (self, id);
    }
}

static gboolean
hangar_creator_source_page_show_error (HangarCreatorPage *page,
                                       const GError      *error)
{
  HangarCreatorSourcePage *self = HANGAR_CREATOR_SOURCE_PAGE (page);
  FieldId id;

  if (!g_error_matches (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SOURCE))
    return FALSE;
  id = main_field (current_kind (self));
  if (current_kind (self) == HANGAR_GUEST_SOURCE_MEDIA && current_medium (self) == MEDIUM_CDROM)
    hangar_field_set_message (self->cdrom_row, self->cdrom_message, HANGAR_FIELD_ERROR,
                              error->message);
  else if (current_kind (self) == HANGAR_GUEST_SOURCE_MEDIA
           && current_medium (self) == MEDIUM_VOLUME)
    hangar_field_set_message (self->volume_row, self->volume_message, HANGAR_FIELD_ERROR,
                              error->message);
  else if (gtk_widget_get_visible (self->fields[id].row))
    finish_field (self, id, HANGAR_FIELD_ERROR, error->message);
  else
    return FALSE;
  return TRUE;
}

static void
hangar_creator_source_page_shown (HangarCreatorPage *page)
{
  HangarCreatorSourcePage *self = HANGAR_CREATOR_SOURCE_PAGE (page);

  gtk_widget_grab_focus (self->kind_row);
}

/* Each pool's volumes, one list: pools → their volumes (loaded on demand) → flattened. */
static gpointer
pool_volumes (gpointer item,
              gpointer user_data)
{
  GListModel *volumes = g_object_ref (hangar_pool_get_volumes (item));

  g_object_unref (item);
  return volumes;
}

static void
hangar_creator_source_page_constructed (GObject *object)
{
  HangarCreatorSourcePage *self = HANGAR_CREATOR_SOURCE_PAGE (object);
  HangarConnection *connection;
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) media = gtk_string_list_new (NULL);
  g_autoptr(GUri) uri = NULL;
  gboolean system;
  Medium medium;

  G_OBJECT_CLASS (hangar_creator_source_page_parent_class)->constructed (object);

  connection = hangar_creator_state_get_connection (get_state (self));
  uri = g_uri_parse (hangar_connection_get_uri (connection), G_URI_FLAGS_NONE, NULL);
  self->local = uri != NULL && (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0');
  /* PXE needs a network the guest shares with a PXE server: session guests have
   * only user-mode networking. */
  system = uri != NULL && g_strcmp0 (g_uri_get_path (uri), "/system") == 0;

  hangar_creator_page_set_title (HANGAR_CREATOR_PAGE (self), _("Install Source"));
  hangar_name_page_scroller (adw_bin_get_child (ADW_BIN (self)), _("Install Source"));

  for (guint i = 0; i < G_N_ELEMENTS (kind_labels); i++)
    {
      if (kind_labels[i].source == HANGAR_GUEST_SOURCE_PXE && !system)
        continue;
      g_array_append_val (self->kinds, kind_labels[i].source);
      gtk_string_list_append (kinds, _(kind_labels[i].label));
    }

  /* A local host's media are files; another host's, volumes of its pools; any host's,
   * its drives. */
  if (self->local)
    {
      medium = MEDIUM_ISO;
      g_array_append_val (self->media, medium);
      gtk_string_list_append (media, _("ISO Image File"));
    }
  else
    {
      GListModel *pools = hangar_connection_get_pools (connection);
      GtkMapListModel *map = gtk_map_list_model_new (g_object_ref (pools), pool_volumes, NULL, NULL);
      g_autoptr(GtkFlattenListModel) volumes = gtk_flatten_list_model_new (G_LIST_MODEL (map));

      medium = MEDIUM_VOLUME;
      g_array_append_val (self->media, medium);
      gtk_string_list_append (media, _("Volume on the Host"));
      adw_combo_row_set_model (ADW_COMBO_ROW (self->volume_row), G_LIST_MODEL (volumes));
    }
  medium = MEDIUM_CDROM;
  g_array_append_val (self->media, medium);
  gtk_string_list_append (media, _("CD-ROM Drive"));
  self->cdroms = gtk_string_list_new (NULL);
  adw_combo_row_set_model (ADW_COMBO_ROW (self->cdrom_row), G_LIST_MODEL (self->cdroms));
  self->drives_cancellable = g_cancellable_new ();
  hangar_host_drives_list_cdroms_async (connection, self->drives_cancellable,
                                        on_cdroms_listed_cb, self);
  adw_combo_row_set_model (ADW_COMBO_ROW (self->medium_row), G_LIST_MODEL (media));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->kind_row), G_LIST_MODEL (kinds));
  hangar_name_combo_row_parts (self->kind_row);
  hangar_name_combo_row_parts (self->medium_row);
  hangar_name_combo_row_parts (self->cdrom_row);
  hangar_name_combo_row_parts (self->volume_row);
  on_copy_changed_cb (self);
  update_kind (self);
}

static void
hangar_creator_source_page_dispose (GObject *object)
{
  HangarCreatorSourcePage *self = HANGAR_CREATOR_SOURCE_PAGE (object);

  for (FieldId id = 0; id < N_FIELDS; id++)
    {
      g_cancellable_cancel (self->fields[id].cancellable);
      g_clear_object (&self->fields[id].cancellable);
    }
  g_cancellable_cancel (self->cdrom_cancellable);
  g_clear_object (&self->cdrom_cancellable);
  g_cancellable_cancel (self->drives_cancellable);
  g_clear_object (&self->drives_cancellable);
  g_clear_object (&self->cdroms);
  g_clear_handle_id (&self->url_timeout, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CREATOR_SOURCE_PAGE);
  G_OBJECT_CLASS (hangar_creator_source_page_parent_class)->dispose (object);
}

static void
hangar_creator_source_page_finalize (GObject *object)
{
  HangarCreatorSourcePage *self = HANGAR_CREATOR_SOURCE_PAGE (object);

  g_array_unref (self->kinds);
  g_array_unref (self->media);
  g_free (self->drives_error);
  G_OBJECT_CLASS (hangar_creator_source_page_parent_class)->finalize (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, HangarCreatorSourcePage, name)

static void
hangar_creator_source_page_class_init (HangarCreatorSourcePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HangarCreatorPageClass *page_class = HANGAR_CREATOR_PAGE_CLASS (klass);

  object_class->constructed = hangar_creator_source_page_constructed;
  object_class->dispose = hangar_creator_source_page_dispose;
  object_class->finalize = hangar_creator_source_page_finalize;
  page_class->apply = hangar_creator_source_page_apply;
  page_class->shown = hangar_creator_source_page_shown;
  page_class->show_faults = hangar_creator_source_page_show_faults;
  page_class->show_error = hangar_creator_source_page_show_error;

  /* The volume list's expression names it. */
  g_type_ensure (HANGAR_TYPE_VOLUME);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-creator-source-page.ui");
  BIND (kind_row);
  BIND (media_group);
  BIND (medium_row);
  BIND (cdrom_row);
  BIND (cdrom_message_row);
  BIND (cdrom_message);
  BIND (volume_row);
  BIND (volume_message_row);
  BIND (volume_message);
  BIND (url_group);
  BIND (import_group);
  BIND (cloud_group);
  BIND (copy_row);
  BIND (copy_switch);
  BIND (kernel_group);
  BIND (cmdline_row);
  BIND (pxe_group);
  BIND (manual_group);
  BIND (iso_row);
  BIND (url_row);
  BIND (disk_row);
  BIND (base_row);
  BIND (kernel_row);
  BIND (initrd_row);
  BIND (iso_message);
  BIND (url_message);
  BIND (disk_message);
  BIND (base_message);
  BIND (kernel_message);
  BIND (initrd_message);
  BIND (iso_fix);
  BIND (disk_fix);
  BIND (base_fix);
  BIND (kernel_fix);
  BIND (initrd_fix);
  BIND (iso_spinner);
  BIND (url_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_fix_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_browse_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_changed_cb);
}

static void
set_field (Field      *field,
           GtkWidget  *row,
           GtkLabel   *message,
           GtkWidget  *fix,
           GtkSpinner *spinner)
{
  field->row = row;
  field->message = message;
  field->message_row = gtk_widget_get_ancestor (GTK_WIDGET (message), GTK_TYPE_LIST_BOX_ROW);
  field->fix = fix;
  field->spinner = spinner;
  field->cancellable = g_cancellable_new ();
}

static void
hangar_creator_source_page_init (HangarCreatorSourcePage *self)
{
  self->kinds = g_array_new (FALSE, FALSE, sizeof (HangarGuestSource));
  self->media = g_array_new (FALSE, FALSE, sizeof (Medium));
  gtk_widget_init_template (GTK_WIDGET (self));

  set_field (&self->fields[FIELD_ISO], self->iso_row, self->iso_message, self->iso_fix,
             self->iso_spinner);
  set_field (&self->fields[FIELD_URL], self->url_row, self->url_message, NULL, self->url_spinner);
  set_field (&self->fields[FIELD_DISK], self->disk_row, self->disk_message, self->disk_fix, NULL);
  set_field (&self->fields[FIELD_BASE], self->base_row, self->base_message, self->base_fix, NULL);
  set_field (&self->fields[FIELD_KERNEL], self->kernel_row, self->kernel_message,
             self->kernel_fix, NULL);
  set_field (&self->fields[FIELD_INITRD], self->initrd_row, self->initrd_message,
             self->initrd_fix, NULL);
  /* An empty initrd is allowed from the start. */
  self->fields[FIELD_INITRD].ok = TRUE;
}

GtkWidget *
hangar_creator_source_page_new (HangarCreatorState *state)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (state), NULL);

  return g_object_new (HANGAR_TYPE_CREATOR_SOURCE_PAGE, "state", state, NULL);
}
