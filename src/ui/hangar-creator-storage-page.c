// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-storage-page"

/* The New VM window's disk; see hangar-creator-storage-page.h. */

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-creator-storage-page.h"
#include "hangar-guest-creator.h"
#include "hangar-install-setup.h"
#include "hangar-pool.h"
#include "hangar-volume.h"
#include "hangar-wizard-util.h"

/* In the order of format_row's items. */
static const HangarVolumeFormat formats[] = { HANGAR_VOLUME_FORMAT_QCOW2, HANGAR_VOLUME_FORMAT_RAW };

struct _HangarCreatorStoragePage
{
  HangarCreatorPage parent_instance;

  GCancellable *cancellable;
  GSignalGroup *pool_signals;    /* the chosen pool's: its free space changes */
  gboolean filling;              /* the page writes a field itself: not the user's edit */
  gboolean size_touched;
  gboolean pools_changing;       /* the pool list changes: the selection moves by itself */
  char *chosen_pool;             /* the pool the user chose, by name */
  GHashTable *refreshed_pools;   /* names of the pools this window refreshed */
  gboolean path_touched;
  gboolean show_all;             /* show_faults came: empty fields say so too */
  gboolean creating_pool;          /* or starting it */
  guint creating_pool_dir;         /* the folders of its path not there yet: made with it */
  char *default_pool_error;
  /* The pool "default" this window made, while the host has it: removed when the
   * window goes without a guest in it, or with a failed creation (spec->made_pool). */
  HangarPool *made_pool;
  guint made_pool_dir;
  /* A cloud image to copy: its path, and the size a guest sees of it (0 while not
   * known, or when it cannot be copied). */
  char *image_path;
  guint64 image_size;
  GCancellable *image_cancellable;

  GtkCheckButton *create_check;
  GtkCheckButton *existing_check;
  GtkCheckButton *none_check;
  AdwPreferencesGroup *choice_group;
  AdwPreferencesGroup *create_group;
  AdwEntryRow *size_row;
  GtkDropDown *unit_dropdown;
  GtkLabel *size_message;
  AdwComboRow *format_row;
  AdwComboRow *pool_row;
  GtkLabel *pool_message;
  AdwPreferencesGroup *default_pool_group;
  AdwActionRow *default_pool_row;
  GtkButton *default_pool_button;
  GtkLabel *default_pool_message;
  AdwPreferencesGroup *existing_group;
  AdwEntryRow *path_row;
  GtkLabel *path_message;
};

G_DEFINE_FINAL_TYPE (HangarCreatorStoragePage, hangar_creator_storage_page,
                     HANGAR_TYPE_CREATOR_PAGE)

static HangarCreatorState *
get_state (HangarCreatorStoragePage *self)
{
  return hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
}

static gboolean
is_cloud_image (HangarCreatorStoragePage *self)
{
  return hangar_creator_state_get_source (get_state (self)) == HANGAR_GUEST_SOURCE_CLOUD_IMAGE;
}

/* The new disk is a copy of the cloud image (the source page's choice). */
static gboolean
is_copy (HangarCreatorStoragePage *self)
{
  return is_cloud_image (self) && hangar_creator_state_get_spec (get_state (self))->copy_base_image;
}

static void update (HangarCreatorStoragePage *self);

static void
on_image_size_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HangarCreatorStoragePage *self = user_data;
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  if (!hangar_volume_copyable_size_finish (result, &size, &error))
    {
      /* The source page says why it cannot be copied. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s", error->message);
      return;
    }
  self->image_size = size;
  update (self);
}

/* Learns the size of the image to copy, for the size's minimum. */
static void
track_image (HangarCreatorStoragePage *self)
{
  HangarConnection *connection = hangar_creator_state_get_connection (get_state (self));
  const char *path = hangar_creator_state_get_spec (get_state (self))->base_image;

  if (g_strcmp0 (self->image_path, path) == 0)
    return;
  g_cancellable_cancel (self->image_cancellable);
  g_clear_object (&self->image_cancellable);
  g_free (self->image_path);
  self->image_path = g_strdup (path);
  self->image_size = 0;
  if (path == NULL)
    return;
  self->image_cancellable = g_cancellable_new ();
  hangar_volume_copyable_size_async (connection, path, self->image_cancellable, on_image_size_cb,
                                     self);
}

static HangarGuestSpecDisk
selected_disk (HangarCreatorStoragePage *self)
{
  if (is_cloud_image (self) || gtk_check_button_get_active (self->create_check))
    return HANGAR_GUEST_SPEC_DISK_NEW;
  if (gtk_check_button_get_active (self->existing_check))
    return HANGAR_GUEST_SPEC_DISK_EXISTING;
  return HANGAR_GUEST_SPEC_DISK_NONE;
}

static HangarVolumeFormat
selected_format (HangarCreatorStoragePage *self)
{
  guint i = adw_combo_row_get_selected (self->format_row);

  if (is_cloud_image (self))
    return HANGAR_VOLUME_FORMAT_QCOW2;
  return formats[i < G_N_ELEMENTS (formats) ? i : 0];
}

static HangarPool *
selected_pool (HangarCreatorStoragePage *self)
{
  gpointer item = adw_combo_row_get_selected_item (self->pool_row);

  return HANGAR_IS_POOL (item) ? item : NULL;
}

static gboolean
read_size (HangarCreatorStoragePage *self,
           guint64                  *bytes,
           GError                  **error)
{
  guint unit = gtk_drop_down_get_selected (self->unit_dropdown);

  return hangar_storage_parse_size (gtk_editable_get_text (GTK_EDITABLE (self->size_row)),
                                    hangar_size_unit_bytes (unit), bytes, error);
}

/* The new disk's size and pool, checked as the volume wizard checks a volume. */
static gboolean
check_new_disk (HangarCreatorStoragePage *self)
{
  HangarPool *pool = selected_pool (self);
  g_autoptr(HangarVolumeSpec) volume = hangar_volume_spec_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *warning = NULL;
  g_autofree char *pool_subtitle = NULL;
  const char *size_problem = NULL;
  const char *pool_problem = NULL;
  gboolean size_read = read_size (self, &volume->capacity, &error);

  if (!size_read)
    size_problem = error->message;
  else if (is_copy (self)
           && !hangar_guest_spec_check_copy_size (volume->capacity, self->image_size, &error))
    size_problem = error->message;

  if (pool == NULL)
    pool_problem = _("The host has no storage pool. Create the pool “default” below, or "
                     "choose another kind of disk.");
  else
    {
      g_autofree char *available = hangar_storage_format_size (hangar_pool_get_available (pool));
      g_autofree char *capacity = hangar_storage_format_size (hangar_pool_get_capacity (pool));

      pool_subtitle = g_strdup_printf (_("%s free of %s"), available, capacity);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->pool_row),
                               pool_subtitle != NULL ? pool_subtitle : "");

  /* The name is the guest's, not known yet on this page: the pool judges the rest. */
  if (size_read && pool != NULL)
    {
      volume->name = g_strconcat ("hangar-new-disk", hangar_volume_format_suffix (selected_format (self)),
                                  NULL);
      volume->format = selected_format (self);
      if (!hangar_pool_check_volume_spec (pool, volume, &warning, &error))
        {
          if (g_error_matches (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE))
            size_problem = error->message;
          else if (!g_error_matches (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_EXISTS))
            pool_problem = error->message;
        }
    }

  if (size_problem != NULL || warning == NULL)
    hangar_field_set_message (GTK_WIDGET (self->size_row), self->size_message, HANGAR_FIELD_ERROR,
                              size_problem);
  else
    hangar_field_set_message (GTK_WIDGET (self->size_row), self->size_message,
                              HANGAR_FIELD_WARNING, warning);
  hangar_field_set_message (GTK_WIDGET (self->pool_row), self->pool_message, HANGAR_FIELD_ERROR,
                            pool_problem);
  return size_problem == NULL && pool_problem == NULL;
}

static gboolean
check_existing (HangarCreatorStoragePage *self)
{
  g_autofree char *path = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->path_row))));
  const char *problem = NULL;

  if (*path == '\0')
    {
      if (self->path_touched || self->show_all)
        problem = _("Enter the path of a disk image or volume on the host.");
      hangar_field_set_message (GTK_WIDGET (self->path_row), self->path_message,
                                HANGAR_FIELD_ERROR, problem);
      return FALSE;
    }
  if (!g_path_is_absolute (path))
    problem = _("Enter the full path, starting with “/”.");
  hangar_field_set_message (GTK_WIDGET (self->path_row), self->path_message, HANGAR_FIELD_ERROR,
                            problem);
  return problem == NULL;
}

static void hangar_creator_storage_page_apply (HangarCreatorPage *page,
                                               HangarGuestSpec   *spec);

/* Whether the installation files go to the pool "default": on a remote host they are
 * uploaded to the new disk's pool when it holds files, else to "default"
 * (hangar_install_setup_upload_pool, asked with this page's answers). */
static gboolean
uploads_to_default (HangarCreatorStoragePage *self)
{
  HangarCreatorState *state = get_state (self);
  HangarConnection *connection = hangar_creator_state_get_connection (state);
  HangarGuestSpec *current = hangar_creator_state_get_spec (state);
  g_autoptr(HangarGuestSpec) spec = NULL;

  if (!hangar_connection_uri_is_remote (hangar_connection_get_uri (connection))
      || !hangar_install_setup_needed (current))
    return FALSE;
  spec = hangar_guest_spec_copy (current);
  hangar_creator_storage_page_apply (HANGAR_CREATOR_PAGE (self), spec);
  return g_strcmp0 (hangar_install_setup_upload_pool (spec, connection), "default") == 0;
}

/* The pool "default", when the guest needs it (its new disk goes there, or there is no
 * pool at all; the installation files go there) and the host has none, or has it
 * stopped: said, with a button that creates it as the pool wizard would
 * (hangar_connection_default_pool_spec) or starts it. Without it the files have
 * nowhere to go: returns FALSE then. */
static gboolean
check_default_pool (HangarCreatorStoragePage *self,
                    HangarGuestSpecDisk       disk)
{
  HangarConnection *connection = hangar_creator_state_get_connection (get_state (self));
  HangarPool *pool = hangar_connection_find_pool (connection, "default");
  gboolean usable = pool != NULL && hangar_pool_get_active (pool);
  gboolean uploads = !usable && uploads_to_default (self);
  gboolean for_disk = disk == HANGAR_GUEST_SPEC_DISK_NEW
                      && (pool == NULL || selected_pool (self) == pool);
  gboolean shown = !usable && (uploads || for_disk);
  const char *problem = self->default_pool_error;

  gtk_widget_set_visible (GTK_WIDGET (self->default_pool_group), shown);
  gtk_widget_set_visible (GTK_WIDGET (self->default_pool_row), shown);
  if (!shown)
    {
      hangar_field_set_message (GTK_WIDGET (self->default_pool_row), self->default_pool_message,
                                HANGAR_FIELD_ERROR, NULL);
      return TRUE;
    }
  if (pool == NULL)
    {
      g_autoptr(HangarPoolSpec) spec = hangar_connection_default_pool_spec (connection);
      g_autofree char *subtitle = g_strdup_printf (_("Hangar can create it, in %s"),
                                                   spec->target_path);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->default_pool_row),
                                     _("The host has no pool called “default”"));
      adw_action_row_set_subtitle (self->default_pool_row,
                                   self->creating_pool ? _("Creating the pool…") : subtitle);
      gtk_button_set_label (self->default_pool_button, _("Create _It"));
      if (problem == NULL && uploads)
        problem = _("The installation files are uploaded to the host’s pool “default”, which it does not have. Press Create It, or create the disk in another pool of files.");
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->default_pool_row),
                                     _("The pool “default” is stopped"));
      adw_action_row_set_subtitle (self->default_pool_row,
                                   self->creating_pool ? _("Starting the pool…")
                                                       : _("Hangar can start it"));
      gtk_button_set_label (self->default_pool_button, _("Start _It"));
      if (problem == NULL && uploads)
        problem = _("The installation files are uploaded to the host’s pool “default”, which is stopped. Press Start It, or create the disk in another pool of files.");
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->default_pool_button), !self->creating_pool);
  hangar_field_set_message (GTK_WIDGET (self->default_pool_row), self->default_pool_message,
                            HANGAR_FIELD_ERROR, problem);
  return !uploads;
}

static void
update (HangarCreatorStoragePage *self)
{
  HangarCreatorState *state = get_state (self);
  HangarGuestSpecDisk disk;
  gboolean cloud;
  gboolean ok = TRUE;

  /* Template signals arrive before the state is set. */
  if (state == NULL)
    return;
  disk = selected_disk (self);
  cloud = is_cloud_image (self);

  hangar_creator_page_set_needed (HANGAR_CREATOR_PAGE (self),
                                  hangar_creator_state_get_source (state) != HANGAR_GUEST_SOURCE_IMPORT);
  /* A cloud image always gets a new disk over it: no choice to offer. */
  gtk_widget_set_visible (GTK_WIDGET (self->choice_group), !cloud);
  gtk_widget_set_visible (GTK_WIDGET (self->create_group), disk == HANGAR_GUEST_SPEC_DISK_NEW);
  gtk_widget_set_visible (GTK_WIDGET (self->existing_group), disk == HANGAR_GUEST_SPEC_DISK_EXISTING);
  gtk_widget_set_visible (GTK_WIDGET (self->format_row), !cloud);
  if (is_copy (self))
    track_image (self);
  adw_preferences_group_set_description (self->create_group,
                                         is_copy (self)
                                         ? _("A whole qcow2 copy of the cloud image, grown to "
                                             "this size: no smaller than the image")
                                         : cloud ? _("A qcow2 volume over the cloud image, which "
                                                     "grows to this size")
                                                 : NULL);

  if (disk == HANGAR_GUEST_SPEC_DISK_NEW)
    ok = check_new_disk (self);
  else if (disk == HANGAR_GUEST_SPEC_DISK_EXISTING)
    ok = check_existing (self);
  ok = check_default_pool (self, disk) && ok;
  /* The pool shows up (libvirt's events) before it is made to the end: Forward waits,
   * so that the guest knows the pool is its own (spec->made_pool). */
  hangar_creator_page_set_complete (HANGAR_CREATOR_PAGE (self), ok && !self->creating_pool);
}

/* The OS's disk size, while the user has not written one: whole GiB in GiB. */
static void
apply_defaults (HangarCreatorStoragePage *self)
{
  const HangarOsDefaults *defaults = hangar_creator_state_get_defaults (get_state (self));
  g_autofree char *text = NULL;
  guint unit;

  if (self->size_touched || defaults == NULL || defaults->disk == 0)
    return;
  unit = defaults->disk % hangar_size_unit_bytes (HANGAR_SIZE_UNIT_GIB) == 0
         ? HANGAR_SIZE_UNIT_GIB : HANGAR_SIZE_UNIT_MIB;
  text = g_strdup_printf ("%" G_GUINT64_FORMAT, defaults->disk / hangar_size_unit_bytes (unit));
  self->filling = TRUE;
  gtk_drop_down_set_selected (self->unit_dropdown, unit);
  gtk_editable_set_text (GTK_EDITABLE (self->size_row), text);
  self->filling = FALSE;
  update (self);
}

/* Which pool to preselect, lowest first: the one the user chose, "default", a running
 * pool of files (where a qcow2 image can go), any running pool, the rest. */
static guint
pool_rank (HangarCreatorStoragePage *self,
           HangarPool               *pool)
{
  const char *name = hangar_pool_get_name (pool);

  if (g_strcmp0 (name, self->chosen_pool) == 0)
    return 0;
  if (g_strcmp0 (name, "default") == 0)
    return 1;
  if (hangar_pool_get_active (pool))
    return hangar_pool_holds_files (pool) ? 2 : 3;
  return 4;
}

/* The best pool by pool_rank, by name among equals (libvirt lists pools in no order). */
static void
choose_pool (HangarCreatorStoragePage *self)
{
  GListModel *pools = adw_combo_row_get_model (self->pool_row);
  guint n = g_list_model_get_n_items (pools);
  guint chosen = GTK_INVALID_LIST_POSITION;
  g_autoptr(HangarPool) best = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarPool) pool = g_list_model_get_item (pools, i);
      guint rank = pool_rank (self, pool);

      if (best == NULL || rank < pool_rank (self, best)
          || (rank == pool_rank (self, best)
              && g_strcmp0 (hangar_pool_get_name (pool), hangar_pool_get_name (best)) < 0))
        {
          g_set_object (&best, pool);
          chosen = i;
        }
    }
  if (adw_combo_row_get_selected (self->pool_row) == chosen)
    return;
  self->filling = TRUE;
  adw_combo_row_set_selected (self->pool_row, chosen);
  self->filling = FALSE;
}

/* Around the combo row's own reaction to a change of the pool list (connected before it
 * and after it): the selection it moves is not the user's choice. */
static void
on_pools_changing_cb (HangarCreatorStoragePage *self)
{
  self->pools_changing = TRUE;
}

static void
on_pools_changed_cb (HangarCreatorStoragePage *self)
{
  HangarConnection *connection = hangar_creator_state_get_connection (get_state (self));

  self->pools_changing = FALSE;
  /* Gone (a failed creation removed it, or someone else): no longer this window's. */
  if (self->made_pool != NULL
      && hangar_connection_find_pool (connection, hangar_pool_get_name (self->made_pool)) != self->made_pool)
    g_clear_object (&self->made_pool);
  choose_pool (self);
  update (self);
}

static void
on_pool_changed_cb (HangarCreatorStoragePage *self)
{
  HangarPool *pool = selected_pool (self);

  if (!self->filling && !self->pools_changing && pool != NULL)
    {
      g_free (self->chosen_pool);
      self->chosen_pool = g_strdup (hangar_pool_get_name (pool));
    }
  g_signal_group_set_target (self->pool_signals, pool);
  /* The details page checks the guest's name against the pool's volumes: start reading
   * them now. A list read before (a host window, an earlier wizard) may be stale: a
   * volume deleted by another program sends no event. Refreshed once per window. */
  if (pool != NULL)
    {
      if (hangar_pool_get_volumes_loaded (pool) && hangar_pool_get_active (pool) &&
          g_hash_table_add (self->refreshed_pools, g_strdup (hangar_pool_get_name (pool))))
        hangar_pool_refresh_async (pool, self->cancellable, NULL, NULL);
      hangar_pool_get_volumes (pool);
    }
  update (self);
}

static void
on_choice_toggled_cb (HangarCreatorStoragePage *self)
{
  update (self);
}

static void
on_size_changed_cb (HangarCreatorStoragePage *self)
{
  if (!self->filling)
    self->size_touched = TRUE;
  update (self);
}

static void
on_update_cb (HangarCreatorStoragePage *self)
{
  update (self);
}

static void
on_path_changed_cb (HangarCreatorStoragePage *self)
{
  if (!self->filling)
    self->path_touched = TRUE;
  update (self);
}

static void
on_default_pool_created_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(HangarCreatorStoragePage) self = user_data;
  g_autoptr(HangarPool) pool = NULL;
  g_autoptr(GError) error = NULL;

  pool = hangar_connection_create_pool_finish (HANGAR_CONNECTION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->creating_pool = FALSE;
  g_clear_pointer (&self->default_pool_error, g_free);
  if (pool == NULL)
    self->default_pool_error = g_strdup (error->message);
  else
    {
      g_set_object (&self->made_pool, pool);
      self->made_pool_dir = self->creating_pool_dir;
      /* The user asked for this pool: it is the one to use. */
      g_free (self->chosen_pool);
      self->chosen_pool = g_strdup (hangar_pool_get_name (pool));
      choose_pool (self);
    }
  update (self);
}

static void
on_default_pool_started_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(HangarCreatorStoragePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_pool_start_finish (HANGAR_POOL (object), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->creating_pool = FALSE;
  g_clear_pointer (&self->default_pool_error, g_free);
  if (error != NULL)
    self->default_pool_error = g_strdup (error->message);
  update (self);
}

/* The button of the pool "default": creates it when the host has none, else starts it. */
static void
on_create_default_pool_cb (HangarCreatorStoragePage *self)
{
  HangarConnection *connection = hangar_creator_state_get_connection (get_state (self));
  HangarPool *pool = hangar_connection_find_pool (connection, "default");

  self->creating_pool = TRUE;
  g_clear_pointer (&self->default_pool_error, g_free);
  if (pool != NULL)
    hangar_pool_start_async (pool, self->cancellable, on_default_pool_started_cb,
                             g_object_ref (self));
  else
    {
      g_autoptr(HangarPoolSpec) spec = hangar_connection_default_pool_spec (connection);

      /* Its directory, and the folders above it, go with it later only if they are
       * made now (a session host's ~/.local/share/libvirt/images); a remote host's are
       * not looked at (kept). */
      self->creating_pool_dir = 0;
      if (!hangar_connection_uri_is_remote (hangar_connection_get_uri (connection)))
        {
          g_autofree char *dir = g_strdup (spec->target_path);

          while (!g_file_test (dir, G_FILE_TEST_EXISTS))
            {
              char *parent = g_path_get_dirname (dir);

              self->creating_pool_dir++;
              g_free (dir);
              dir = parent;
            }
        }
      hangar_connection_create_pool_async (connection, spec, NULL, self->cancellable,
                                           on_default_pool_created_cb, g_object_ref (self));
    }
  update (self);
}

static void
hangar_creator_storage_page_apply (HangarCreatorPage *page,
                                   HangarGuestSpec   *spec)
{
  HangarCreatorStoragePage *self = HANGAR_CREATOR_STORAGE_PAGE (page);
  HangarPool *pool = selected_pool (self);

  spec->disk = selected_disk (self);
  g_clear_pointer (&spec->made_pool, g_free);
  spec->made_pool = self->made_pool != NULL ? g_strdup (hangar_pool_get_name (self->made_pool)) : NULL;
  spec->made_pool_dir = self->made_pool_dir;
  g_clear_pointer (&spec->pool_name, g_free);
  g_clear_pointer (&spec->disk_path, g_free);
  spec->disk_size = 0;
  if (spec->disk == HANGAR_GUEST_SPEC_DISK_NEW)
    {
      if (!read_size (self, &spec->disk_size, NULL))
        spec->disk_size = 0;
      spec->disk_format = selected_format (self);
      spec->pool_name = pool != NULL ? g_strdup (hangar_pool_get_name (pool)) : NULL;
    }
  else if (spec->disk == HANGAR_GUEST_SPEC_DISK_EXISTING)
    spec->disk_path = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->path_row))));
}

static void
hangar_creator_storage_page_shown (HangarCreatorPage *page)
{
  HangarCreatorStoragePage *self = HANGAR_CREATOR_STORAGE_PAGE (page);

  update (self);
  gtk_widget_grab_focus (GTK_WIDGET (selected_disk (self) == HANGAR_GUEST_SPEC_DISK_EXISTING
                                     ? self->path_row : self->size_row));
}

static void
hangar_creator_storage_page_show_faults (HangarCreatorPage *page)
{
  HangarCreatorStoragePage *self = HANGAR_CREATOR_STORAGE_PAGE (page);

  self->show_all = TRUE;
  update (self);
}

static gboolean
hangar_creator_storage_page_show_error (HangarCreatorPage *page,
                                        const GError      *error)
{
  HangarCreatorStoragePage *self = HANGAR_CREATOR_STORAGE_PAGE (page);

  if (!g_error_matches (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_DISK))
    return FALSE;
  switch (selected_disk (self))
    {
    case HANGAR_GUEST_SPEC_DISK_NEW:
      hangar_field_set_message (GTK_WIDGET (self->size_row), self->size_message,
                                HANGAR_FIELD_ERROR, error->message);
      break;
    case HANGAR_GUEST_SPEC_DISK_EXISTING:
      hangar_field_set_message (GTK_WIDGET (self->path_row), self->path_message,
                                HANGAR_FIELD_ERROR, error->message);
      break;
    case HANGAR_GUEST_SPEC_DISK_NONE:
    default:
      return FALSE;
    }
  return TRUE;
}

static void
hangar_creator_storage_page_constructed (GObject *object)
{
  HangarCreatorStoragePage *self = HANGAR_CREATOR_STORAGE_PAGE (object);
  HangarCreatorState *state;
  GListModel *pools;

  G_OBJECT_CLASS (hangar_creator_storage_page_parent_class)->constructed (object);

  state = get_state (self);
  pools = hangar_connection_get_pools (hangar_creator_state_get_connection (state));
  g_signal_connect_object (pools, "items-changed", G_CALLBACK (on_pools_changing_cb), self,
                           G_CONNECT_SWAPPED);
  self->filling = TRUE;
  adw_combo_row_set_model (self->pool_row, pools);
  self->filling = FALSE;
  g_signal_connect_object (pools, "items-changed", G_CALLBACK (on_pools_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (state, "notify::defaults", G_CALLBACK (apply_defaults), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::source", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  choose_pool (self);
  g_signal_group_set_target (self->pool_signals, selected_pool (self));
  apply_defaults (self);
  update (self);
}

static void
hangar_creator_storage_page_dispose (GObject *object)
{
  HangarCreatorStoragePage *self = HANGAR_CREATOR_STORAGE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->image_cancellable);
  g_clear_object (&self->image_cancellable);
  g_signal_group_set_target (self->pool_signals, NULL);
  /* A pool made here and still empty (no guest was made in it, or a failed one's went):
   * nothing is left behind. */
  if (self->made_pool != NULL)
    hangar_guest_creator_remove_pool_async (self->made_pool, self->made_pool_dir, NULL, NULL, NULL);
  g_clear_object (&self->made_pool);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CREATOR_STORAGE_PAGE);
  G_OBJECT_CLASS (hangar_creator_storage_page_parent_class)->dispose (object);
}

static void
hangar_creator_storage_page_finalize (GObject *object)
{
  HangarCreatorStoragePage *self = HANGAR_CREATOR_STORAGE_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->pool_signals);
  g_free (self->default_pool_error);
  g_free (self->chosen_pool);
  g_clear_pointer (&self->refreshed_pools, g_hash_table_unref);
  g_free (self->image_path);
  G_OBJECT_CLASS (hangar_creator_storage_page_parent_class)->finalize (object);
}

static void
hangar_creator_storage_page_class_init (HangarCreatorStoragePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HangarCreatorPageClass *page_class = HANGAR_CREATOR_PAGE_CLASS (klass);

  object_class->constructed = hangar_creator_storage_page_constructed;
  object_class->dispose = hangar_creator_storage_page_dispose;
  object_class->finalize = hangar_creator_storage_page_finalize;
  page_class->apply = hangar_creator_storage_page_apply;
  page_class->shown = hangar_creator_storage_page_shown;
  page_class->show_faults = hangar_creator_storage_page_show_faults;
  page_class->show_error = hangar_creator_storage_page_show_error;

  /* The pool row's expression names the type. */
  g_type_ensure (HANGAR_TYPE_POOL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-creator-storage-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, create_check);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, existing_check);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, none_check);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, choice_group);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, create_group);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, size_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, unit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, size_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, format_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, pool_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, pool_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, default_pool_group);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, default_pool_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, default_pool_button);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, default_pool_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, existing_group);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, path_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorStoragePage, path_message);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_size_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_update_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_pool_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_create_default_pool_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_path_changed_cb);
}

static void
hangar_creator_storage_page_init (HangarCreatorStoragePage *self)
{
  self->cancellable = g_cancellable_new ();
  self->refreshed_pools = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pool_signals = g_signal_group_new (HANGAR_TYPE_POOL);
  g_signal_group_connect_swapped (self->pool_signals, "notify::available", G_CALLBACK (update), self);
  g_signal_group_connect_swapped (self->pool_signals, "notify::active", G_CALLBACK (update), self);
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_check_button_set_active (self->create_check, TRUE);
  self->filling = FALSE;
}

GtkWidget *
hangar_creator_storage_page_new (HangarCreatorState *state)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (state), NULL);

  return g_object_new (HANGAR_TYPE_CREATOR_STORAGE_PAGE, "state", state, NULL);
}
