// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-pool-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-job-view.h"
#include "hangar-pool-wizard.h"
#include "hangar-ui-util.h"
#include "hangar-wizard-util.h"

/* The text fields of the details page; each type shows those its
 * hangar_pool_type_get_fields() names. */
typedef enum {
  FIELD_TARGET,
  FIELD_HOST,
  FIELD_SOURCE_PATH,
  FIELD_DEVICE,
  FIELD_SOURCE_NAME,
  FIELD_INITIATOR,
  N_FIELDS
} Field;

static const HangarPoolFields field_flags[N_FIELDS] = {
  HANGAR_POOL_FIELD_TARGET_PATH,
  HANGAR_POOL_FIELD_SOURCE_HOST,
  HANGAR_POOL_FIELD_SOURCE_PATH,
  HANGAR_POOL_FIELD_SOURCE_DEVICE,
  HANGAR_POOL_FIELD_SOURCE_NAME,
  HANGAR_POOL_FIELD_INITIATOR,
};

typedef struct {
  AdwEntryRow *row;
  GtkLabel *message;
  /* The user wrote in it: a default no longer replaces the text, and an empty
   * required field is an error rather than a hint. */
  gboolean touched;
} FieldState;

struct _HangarPoolWizard
{
  AdwWindow parent_instance;

  HangarConnection *connection;
  GCancellable *cancellable;     /* the type look-up; cancelled when the window goes */
  GArray *types;                 /* HangarPoolType in type_row's order; NULL until known */
  HangarPoolSpec *default_spec;  /* the pool "default" would be on this host */
  HangarJob *job;                /* while the pool is being created */
  GPtrArray *summary_rows;

  HangarPoolType type;           /* the type the details page is set up for */
  gboolean offer_default;
  gboolean name_touched;
  gboolean show_all;             /* Enter was pressed: every fault shows, touched or not */
  gboolean filling;              /* the wizard writes a field itself: not the user's edit */
  gboolean close_when_done;
  FieldState fields[N_FIELDS];

  AdwWindowTitle *window_title;
  GtkButton *cancel_button;
  GtkButton *back_button;
  GtkButton *forward_button;
  GtkButton *create_button;
  GtkStack *stack;
  AdwPreferencesPage *name_page;
  AdwPreferencesGroup *name_group;
  AdwEntryRow *name_row;
  GtkLabel *name_message;
  AdwComboRow *type_row;
  GtkStringList *type_list;
  GtkLabel *type_message;
  AdwPreferencesPage *details_page;
  AdwPreferencesGroup *details_group;
  AdwEntryRow *target_row;
  GtkLabel *target_message;
  AdwEntryRow *host_row;
  GtkLabel *host_message;
  AdwEntryRow *source_path_row;
  GtkLabel *source_path_message;
  AdwEntryRow *device_row;
  GtkLabel *device_message;
  AdwEntryRow *source_name_row;
  GtkLabel *source_name_message;
  AdwComboRow *format_row;
  GtkStringList *format_list;
  AdwEntryRow *initiator_row;
  GtkLabel *initiator_message;
  AdwPreferencesGroup *build_group;
  AdwActionRow *build_row;
  GtkSwitch *build_switch;
  GtkLabel *build_message;
  GtkLabel *details_message;
  AdwPreferencesPage *summary_page;
  GtkLabel *failure_label;
  AdwPreferencesGroup *summary_group;
  GtkSwitch *autostart_switch;
  HangarJobView *job_view;
};

G_DEFINE_FINAL_TYPE (HangarPoolWizard, hangar_pool_wizard, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

enum {
  POOL_CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void update (HangarPoolWizard *self);

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* The field's text without surrounding blanks, NULL when there is none. */
static char *
field_value (HangarPoolWizard *self,
             Field             field)
{
  g_autofree char *text = g_strstrip (g_strdup (row_text (self->fields[field].row)));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
fill_text (HangarPoolWizard *self,
           AdwEntryRow      *row,
           const char       *text)
{
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  self->filling = FALSE;
}

static HangarPoolType
selected_type (HangarPoolWizard *self)
{
  guint i = adw_combo_row_get_selected (self->type_row);

  if (self->types == NULL || i >= self->types->len)
    return HANGAR_POOL_TYPE_OTHER;
  return g_array_index (self->types, HangarPoolType, i);
}

static const char *
field_title (Field          field,
             HangarPoolType type)
{
  switch (field)
    {
    case FIELD_TARGET:
      return _("_Target Path");
    case FIELD_HOST:
      return _("_Host");
    case FIELD_SOURCE_PATH:
      return _("_Exported Directory");
    case FIELD_DEVICE:
      if (type == HANGAR_POOL_TYPE_LOGICAL)
        return _("Physical _Volume (optional)");
      if (type == HANGAR_POOL_TYPE_ISCSI)
        return _("Target _IQN");
      return _("Source _Device");
    case FIELD_SOURCE_NAME:
      return _("_Volume Group");
    case FIELD_INITIATOR:
      return _("_Initiator IQN (optional)");
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

/* What to write in an empty field the type needs; NULL for an optional one. */
static const char *
field_missing (Field          field,
               HangarPoolType type)
{
  switch (field)
    {
    case FIELD_TARGET:
      if (type == HANGAR_POOL_TYPE_DISK || type == HANGAR_POOL_TYPE_ISCSI)
        return _("Enter the folder where the host shows the pool’s devices, such as /dev.");
      return _("Enter the folder where the pool keeps its volumes, such as "
               "/var/lib/libvirt/images/pool.");
    case FIELD_HOST:
      if (type == HANGAR_POOL_TYPE_ISCSI)
        return _("Enter the name or address of the iSCSI server.");
      return _("Enter the name or address of the NFS server.");
    case FIELD_SOURCE_PATH:
      return _("Enter the directory the server exports, such as /srv/nfs/images.");
    case FIELD_DEVICE:
      if (type == HANGAR_POOL_TYPE_LOGICAL)
        return NULL;
      if (type == HANGAR_POOL_TYPE_ISCSI)
        return _("Enter the IQN of the iSCSI target, such as iqn.2024-01.com.example:storage.");
      if (type == HANGAR_POOL_TYPE_DISK)
        return _("Enter the disk the pool uses, such as /dev/sdb.");
      return _("Enter the device that holds the filesystem, such as /dev/sdb1.");
    case FIELD_SOURCE_NAME:
      return _("Enter the name of the volume group.");
    case FIELD_INITIATOR:
      return NULL;
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

/* The format row's title: what the format is of. */
static const char *
format_title (HangarPoolType type)
{
  switch (type)
    {
    case HANGAR_POOL_TYPE_NETFS:
      return _("_Protocol");
    case HANGAR_POOL_TYPE_DISK:
      return _("_Partition Table");
    case HANGAR_POOL_TYPE_FS:
      return _("_Filesystem");
    default:
      return _("_Format");
    }
}

static const char *
type_description (HangarPoolType type)
{
  switch (type)
    {
    case HANGAR_POOL_TYPE_DIR:
      return _("A folder on the host; each volume is a file in it. The folder is made when "
               "it is missing.");
    case HANGAR_POOL_TYPE_FS:
      return _("A device with a filesystem, mounted on the target path; each volume is a "
               "file on it.");
    case HANGAR_POOL_TYPE_NETFS:
      return _("A directory an NFS server exports, mounted on the target path; each volume "
               "is a file in it.");
    case HANGAR_POOL_TYPE_LOGICAL:
      return _("An LVM volume group; each volume is one of its logical volumes.");
    case HANGAR_POOL_TYPE_DISK:
      return _("A whole disk; each volume is one of its partitions.");
    case HANGAR_POOL_TYPE_ISCSI:
      return _("The LUNs an iSCSI target offers; they are the pool’s volumes.");
    case HANGAR_POOL_TYPE_OTHER:
    default:
      return NULL;
    }
}

/* Building an fs, disk or logical pool erases its device (a filesystem, a partition
 * table, a volume group is made on it): only when the user asks. A dir pool is built
 * anyway (its folder is made), the others not at all. */
static gboolean
type_builds_on_request (HangarPoolType type)
{
  return type == HANGAR_POOL_TYPE_FS || type == HANGAR_POOL_TYPE_DISK ||
         type == HANGAR_POOL_TYPE_LOGICAL;
}

static const char *
build_title (HangarPoolType type)
{
  if (type == HANGAR_POOL_TYPE_LOGICAL)
    return _("Create the Volume Group (_Erases the Device)");
  return _("Format the Device (_Erases It)");
}

/* Where a pool's target goes unless the user says otherwise (virt-manager's choice):
 * folder pools beside the default pool, as …/images/NAME; disks under /dev. */
static char *
default_target (HangarPoolWizard *self,
                HangarPoolType    type,
                const char       *name)
{
  switch (type)
    {
    case HANGAR_POOL_TYPE_DIR:
    case HANGAR_POOL_TYPE_FS:
    case HANGAR_POOL_TYPE_NETFS:
      if (self->offer_default && type == self->default_spec->type &&
          g_strcmp0 (name, self->default_spec->name) == 0)
        return g_strdup (self->default_spec->target_path);
      return g_build_filename (self->default_spec->target_path, name, NULL);
    case HANGAR_POOL_TYPE_DISK:
      return g_strdup ("/dev");
    case HANGAR_POOL_TYPE_ISCSI:
      return g_strdup ("/dev/disk/by-path");
    case HANGAR_POOL_TYPE_LOGICAL:
    case HANGAR_POOL_TYPE_OTHER:
    default:
      return g_strdup ("");
    }
}

static char **
spec_member (HangarPoolSpec *spec,
             Field           field)
{
  switch (field)
    {
    case FIELD_TARGET:
      return &spec->target_path;
    case FIELD_HOST:
      return &spec->source_host;
    case FIELD_SOURCE_PATH:
      return &spec->source_path;
    case FIELD_DEVICE:
      return &spec->source_device;
    case FIELD_SOURCE_NAME:
      return &spec->source_name;
    case FIELD_INITIATOR:
      return &spec->initiator;
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

static const char *
selected_format (HangarPoolWizard *self)
{
  guint i = adw_combo_row_get_selected (self->format_row);

  if (i >= g_list_model_get_n_items (G_LIST_MODEL (self->format_list)))
    return NULL;
  return gtk_string_list_get_string (self->format_list, i);
}

/* The pool as the pages say it now. */
static HangarPoolSpec *
build_spec (HangarPoolWizard *self)
{
  HangarPoolSpec *spec = hangar_pool_spec_new ();
  HangarPoolFields used = hangar_pool_type_get_fields (self->type);

  spec->name = g_strdup (row_text (self->name_row));
  spec->type = self->type;
  for (guint f = 0; f < N_FIELDS; f++)
    if (used & field_flags[f])
      *spec_member (spec, f) = field_value (self, f);
  if (used & HANGAR_POOL_FIELD_SOURCE_FORMAT)
    spec->source_format = g_strdup (selected_format (self));
  spec->build = type_builds_on_request (self->type) && gtk_switch_get_active (self->build_switch);
  spec->autostart = gtk_switch_get_active (self->autostart_switch);
  return spec;
}

/* NULL when the name is legal and free on the host; otherwise what to do. */
static char *
name_problem (HangarPoolWizard *self)
{
  const char *name = row_text (self->name_row);
  g_autoptr(GError) error = NULL;

  if (!hangar_storage_check_name (name, &error))
    return g_strdup (error->message);
  if (hangar_connection_find_pool (self->connection, name) != NULL)
    return g_strdup_printf (_("This host already has a pool called “%s”. Choose another "
                              "name."), name);
  return NULL;
}

static gboolean
check_name_page (HangarPoolWizard *self)
{
  g_autofree char *problem = name_problem (self);
  gboolean show = self->name_touched || self->show_all;

  hangar_field_set_message (GTK_WIDGET (self->name_row), self->name_message,
                            HANGAR_FIELD_ERROR, show ? problem : NULL);
  return problem == NULL && self->types != NULL && self->types->len > 0;
}

/* Which field a complaint of hangar_connection_check_pool_spec() belongs to;
 * N_FIELDS for the page as a whole. */
static Field
field_of_error (HangarPoolWizard *self,
                const GError     *error)
{
  HangarPoolFields used = hangar_pool_type_get_fields (self->type);

  if (error->domain != HANGAR_STORAGE_ERROR)
    return N_FIELDS;
  switch (error->code)
    {
    case HANGAR_STORAGE_ERROR_INVALID_PATH:
      if (used & HANGAR_POOL_FIELD_TARGET_PATH)
        return FIELD_TARGET;
      return (used & HANGAR_POOL_FIELD_SOURCE_PATH) ? FIELD_SOURCE_PATH : N_FIELDS;
    case HANGAR_STORAGE_ERROR_NO_DEVICE:
      return (used & HANGAR_POOL_FIELD_SOURCE_DEVICE) ? FIELD_DEVICE : N_FIELDS;
    case HANGAR_STORAGE_ERROR_INVALID_NAME:
      /* The pool's name passed the first page: this is the volume group's. */
      return (used & HANGAR_POOL_FIELD_SOURCE_NAME) ? FIELD_SOURCE_NAME : N_FIELDS;
    default:
      return N_FIELDS;
    }
}

/* Checks the details page, shows each field's message, and says whether it may go on.
 * An empty field the type needs reads as a hint until the user touched it. */
static gboolean
check_details_page (HangarPoolWizard *self)
{
  HangarPoolFields used = hangar_pool_type_get_fields (self->type);
  char *problems[N_FIELDS] = { NULL };
  gboolean missing[N_FIELDS] = { FALSE };
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  for (guint f = 0; f < N_FIELDS; f++)
    {
      g_autofree char *value = field_value (self, f);

      if ((used & field_flags[f]) && value == NULL && field_missing (f, self->type) != NULL)
        {
          problems[f] = g_strdup (field_missing (f, self->type));
          missing[f] = TRUE;
          ok = FALSE;
        }
    }
  /* A volume group is made on a device: without one there is nothing to erase. */
  if (self->type == HANGAR_POOL_TYPE_LOGICAL && gtk_switch_get_active (self->build_switch) &&
      (used & HANGAR_POOL_FIELD_SOURCE_DEVICE) && problems[FIELD_DEVICE] == NULL &&
      gtk_editable_get_text (GTK_EDITABLE (self->device_row))[0] == '\0')
    {
      problems[FIELD_DEVICE] = g_strdup (_("Enter the device to make the volume group on, "
                                           "such as /dev/sdb."));
      missing[FIELD_DEVICE] = TRUE;
      ok = FALSE;
    }

  /* The host's own checks (the path, the device), once every needed field is there. */
  if (ok)
    {
      g_autoptr(HangarPoolSpec) spec = build_spec (self);

      if (!hangar_connection_check_pool_spec (self->connection, spec, &error))
        {
          Field f = field_of_error (self, error);

          ok = FALSE;
          if (f < N_FIELDS)
            problems[f] = g_strdup (error->message);
        }
    }

  for (guint f = 0; f < N_FIELDS; f++)
    {
      FieldState *state = &self->fields[f];
      gboolean hint = missing[f] && !state->touched && !self->show_all;

      hangar_field_set_message (GTK_WIDGET (state->row), state->message,
                                hint ? HANGAR_FIELD_HINT : HANGAR_FIELD_ERROR,
                                (used & field_flags[f]) ? problems[f] : NULL);
      g_free (g_steal_pointer (&problems[f]));
    }

  /* A complaint no single field owns (the name taken meanwhile, say). */
  gtk_label_set_label (self->details_message,
                       error != NULL && field_of_error (self, error) == N_FIELDS
                       ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_message),
                          error != NULL && field_of_error (self, error) == N_FIELDS);

  if (type_builds_on_request (self->type))
    {
      g_autofree char *device = field_value (self, FIELD_DEVICE);
      g_autofree char *erased = NULL;

      if (gtk_switch_get_active (self->build_switch))
        erased = g_strdup_printf (_("Everything on %s will be erased when the pool is "
                                    "created."), device != NULL ? device : _("the device"));
      hangar_field_set_message (GTK_WIDGET (self->build_row), self->build_message,
                                HANGAR_FIELD_WARNING,
                                erased != NULL ? erased
                                : self->type == HANGAR_POOL_TYPE_LOGICAL
                                ? _("Leave this off for a volume group that exists: making one "
                                    "erases everything on the device.")
                                : _("Leave this off for a device that already holds the "
                                    "pool’s data: formatting erases everything on it."));
    }
  return ok;
}

/* Shows the details page's rows for @type, with titles and defaults to match. */
static void
setup_details (HangarPoolWizard *self)
{
  HangarPoolType type = selected_type (self);
  HangarPoolFields used = hangar_pool_type_get_fields (type);
  const char *name = row_text (self->name_row);
  gboolean type_changed = type != self->type;
  g_autofree char *target = NULL;

  self->type = type;
  adw_preferences_group_set_title (self->details_group, hangar_pool_type_to_label (type));
  adw_preferences_group_set_description (self->details_group, type_description (type));

  for (guint f = 0; f < N_FIELDS; f++)
    {
      FieldState *state = &self->fields[f];

      gtk_widget_set_visible (GTK_WIDGET (state->row), (used & field_flags[f]) != 0);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (state->row), field_title (f, type));
      if (type_changed && f == FIELD_TARGET)
        state->touched = FALSE;
    }

  /* Defaults follow the name and the type until the user writes their own. */
  target = default_target (self, type, name);
  if (!self->fields[FIELD_TARGET].touched)
    fill_text (self, self->target_row, target);
  if (!self->fields[FIELD_SOURCE_NAME].touched)
    fill_text (self, self->source_name_row, name);

  gtk_widget_set_visible (GTK_WIDGET (self->format_row),
                          (used & HANGAR_POOL_FIELD_SOURCE_FORMAT) != 0);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->format_row), format_title (type));
  hangar_name_combo_row_parts (GTK_WIDGET (self->format_row));
  gtk_widget_set_visible (GTK_WIDGET (self->build_group), type_builds_on_request (type));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->build_row), build_title (type));
  if (type_changed)
    {
      const char *const *formats = hangar_pool_type_get_formats (type);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->format_list));

      self->filling = TRUE;
      gtk_string_list_splice (self->format_list, 0, n, formats);
      adw_combo_row_set_selected (self->format_row, 0);
      gtk_switch_set_active (self->build_switch, FALSE);
      self->filling = FALSE;
    }
}

static char *
strip_mnemonic (const char *title)
{
  GString *text = g_string_new (NULL);

  for (const char *c = title; *c != '\0'; c++)
    if (*c != '_')
      g_string_append_c (text, *c);
  return g_string_free (text, FALSE);
}

static void
add_summary_row (HangarPoolWizard *self,
                 const char       *title,
                 const char       *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_preferences_group_add (self->summary_group, row);
  g_ptr_array_add (self->summary_rows, row);
}

static void
fill_summary (HangarPoolWizard *self)
{
  g_autoptr(HangarPoolSpec) spec = build_spec (self);

  for (guint i = 0; i < self->summary_rows->len; i++)
    adw_preferences_group_remove (self->summary_group, g_ptr_array_index (self->summary_rows, i));
  g_ptr_array_set_size (self->summary_rows, 0);

  add_summary_row (self, _("Name"), spec->name);
  add_summary_row (self, _("Type"), hangar_pool_type_to_label (spec->type));
  for (guint f = 0; f < N_FIELDS; f++)
    {
      const char *value = *spec_member (spec, f);

      if (value != NULL)
        {
          g_autofree char *title = strip_mnemonic (field_title (f, spec->type));

          add_summary_row (self, title, value);
        }
    }
  if (spec->source_format != NULL)
    {
      g_autofree char *title = strip_mnemonic (format_title (spec->type));

      add_summary_row (self, title, spec->source_format);
    }
  if (spec->build)
    {
      g_autofree char *title = strip_mnemonic (build_title (spec->type));
      g_autofree char *erased = g_strdup_printf (_("Yes: everything on %s is erased"),
                                                 spec->source_device);

      add_summary_row (self, title, erased);
    }
}

static void
update (HangarPoolWizard *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  gboolean on_name = g_strcmp0 (page, "name") == 0;
  gboolean on_details = g_strcmp0 (page, "details") == 0;
  gboolean on_summary = g_strcmp0 (page, "summary") == 0;
  gboolean forward = FALSE;

  /* Template signals arrive before the connection is set. */
  if (self->connection == NULL || page == NULL)
    return;

  if (on_name)
    forward = check_name_page (self);
  else if (on_details)
    forward = check_details_page (self);

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), self->job == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), on_details || on_summary);
  gtk_widget_set_visible (GTK_WIDGET (self->forward_button), on_name || on_details);
  gtk_widget_set_visible (GTK_WIDGET (self->create_button), on_summary);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", on_details || on_summary);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.forward", forward);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.create",
                                 on_summary && self->job == NULL);
  adw_window_title_set_subtitle (self->window_title,
                                 gtk_stack_page_get_title (gtk_stack_get_page (self->stack,
                                                                               gtk_stack_get_visible_child (self->stack))));
}

static void
on_stack_page_cb (HangarPoolWizard *self)
{
  update (self);
}

static void
on_name_changed_cb (HangarPoolWizard *self)
{
  if (!self->filling)
    self->name_touched = TRUE;
  update (self);
}

static void
on_type_changed_cb (HangarPoolWizard *self)
{
  update (self);
}

static void
on_field_changed_cb (HangarPoolWizard *self,
                     GtkEditable      *row)
{
  for (guint f = 0; f < N_FIELDS; f++)
    if (!self->filling && GTK_EDITABLE (self->fields[f].row) == row)
      self->fields[f].touched = TRUE;
  update (self);
}

static void
on_option_changed_cb (HangarPoolWizard *self)
{
  update (self);
}

/* Enter goes on, as Forward does; on a page with a fault it shows every fault. */
static void
on_entry_activated_cb (HangarPoolWizard *self)
{
  self->show_all = TRUE;
  update (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.forward", NULL);
}

static void
on_pools_changed_cb (HangarPoolWizard *self)
{
  /* A pool made meanwhile (here or elsewhere) may take the name. */
  update (self);
}

static void
focus_first_field (HangarPoolWizard *self)
{
  for (guint f = 0; f < N_FIELDS; f++)
    if (gtk_widget_get_visible (GTK_WIDGET (self->fields[f].row)))
      {
        gtk_widget_grab_focus (GTK_WIDGET (self->fields[f].row));
        return;
      }
}

static void
forward_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HangarPoolWizard *self = HANGAR_POOL_WIZARD (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "name") && check_name_page (self))
    {
      setup_details (self);
      self->show_all = FALSE;
      gtk_stack_set_visible_child_name (self->stack, "details");
      focus_first_field (self);
    }
  else if (g_str_equal (page, "details") && check_details_page (self))
    {
      fill_summary (self);
      gtk_widget_set_visible (GTK_WIDGET (self->failure_label), FALSE);
      gtk_stack_set_visible_child_name (self->stack, "summary");
    }
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  HangarPoolWizard *self = HANGAR_POOL_WIZARD (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  self->show_all = FALSE;
  if (g_str_equal (page, "details"))
    gtk_stack_set_visible_child_name (self->stack, "name");
  else if (g_str_equal (page, "summary"))
    gtk_stack_set_visible_child_name (self->stack, "details");
}

static void
show_failure (HangarPoolWizard       *self,
              HangarFieldMessageKind  kind,
              const char             *message)
{
  gtk_label_set_label (self->failure_label, message);
  gtk_widget_remove_css_class (GTK_WIDGET (self->failure_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->failure_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->failure_label),
                            kind == HANGAR_FIELD_ERROR ? "error" : "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), TRUE);
}

static void
create_pool_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HangarPoolWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarPool) pool = NULL;

  pool = hangar_connection_create_pool_finish (HANGAR_CONNECTION (source), result, &error);
  g_clear_object (&self->job);
  if (pool != NULL)
    g_signal_emit (self, signals[POOL_CREATED], 0, pool);
  if (pool != NULL || self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  hangar_job_view_set_job (self->job_view, NULL);

  /* The core undid every step: the user may change something and try again. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_failure (self, HANGAR_FIELD_HINT, _("Cancelled. Nothing was created."));
  else
    show_failure (self, HANGAR_FIELD_ERROR, error->message);
  gtk_stack_set_visible_child_name (self->stack, "summary");
  update (self);
}

static void
create_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarPoolWizard *self = HANGAR_POOL_WIZARD (widget);
  g_autoptr(HangarPoolSpec) spec = NULL;
  g_autofree char *title = NULL;

  if (self->job != NULL)
    return;

  spec = build_spec (self);
  title = g_strdup_printf (_("Creating Pool “%s”"), spec->name);
  self->job = hangar_job_new (title);
  hangar_job_view_set_job (self->job_view, self->job);
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  hangar_connection_create_pool_async (self->connection, spec, self->job,
                                       hangar_job_get_cancellable (self->job),
                                       create_pool_cb, g_object_ref (self));
  update (self);
}

static void
got_pool_types_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(HangarPoolWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) types = NULL;
  guint selected = 0;

  types = hangar_connection_get_pool_types_finish (HANGAR_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (types == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("Could not ask the host which pools it can make: %s"),
                         error->message);

      hangar_field_set_message (GTK_WIDGET (self->type_row), self->type_message,
                                HANGAR_FIELD_ERROR, message);
      return;
    }

  self->types = g_array_new (FALSE, FALSE, sizeof (HangarPoolType));
  for (guint i = 0; i < types->len; i++)
    {
      HangarPoolType type = g_array_index (types, HangarPoolType, i);

      if (type == HANGAR_POOL_TYPE_OTHER)
        continue;
      if (self->offer_default && type == self->default_spec->type)
        selected = self->types->len;
      g_array_append_val (self->types, type);
      gtk_string_list_append (self->type_list, hangar_pool_type_to_label (type));
    }
  adw_combo_row_set_selected (self->type_row, selected);
  hangar_field_set_message (GTK_WIDGET (self->type_row), self->type_message, HANGAR_FIELD_ERROR,
                            self->types->len == 0
                            ? _("This host cannot make any of the pool types Hangar offers.")
                            : NULL);
  update (self);
}

/* "pool", else "pool-1", "pool-2"…: the first name the host does not have. */
static char *
free_pool_name (HangarPoolWizard *self)
{
  g_autofree char *name = g_strdup ("pool");

  for (guint i = 1; hangar_connection_find_pool (self->connection, name) != NULL; i++)
    {
      g_free (name);
      name = g_strdup_printf ("pool-%u", i);
    }
  return g_steal_pointer (&name);
}

static gboolean
hangar_pool_wizard_close_request (GtkWindow *window)
{
  HangarPoolWizard *self = HANGAR_POOL_WIZARD (window);

  /* Closing while the pool is made cancels it; the window goes once the core has
   * undone what it made. */
  if (self->job != NULL)
    {
      self->close_when_done = TRUE;
      hangar_job_view_cancel (self->job_view);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (hangar_pool_wizard_parent_class)->close_request (window);
}

static void
hangar_pool_wizard_constructed (GObject *object)
{
  HangarPoolWizard *self = (HangarPoolWizard *)object;
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (hangar_pool_wizard_parent_class)->constructed (object);

  self->default_spec = hangar_connection_default_pool_spec (self->connection);
  self->offer_default = hangar_connection_find_pool (self->connection,
                                                     self->default_spec->name) == NULL;
  if (self->offer_default)
    {
      g_autofree char *offer =
        g_strdup_printf (_("This host has no pool called “%s”, where new guests’ disks go. "
                           "It is filled in below: create it as it is, or change it."),
                         self->default_spec->name);

      adw_preferences_group_set_description (self->name_group, offer);
      name = g_strdup (self->default_spec->name);
    }
  else
    name = free_pool_name (self);
  fill_text (self, self->name_row, name);

  g_signal_connect_object (hangar_connection_get_pools (self->connection), "items-changed",
                           G_CALLBACK (on_pools_changed_cb), self, G_CONNECT_SWAPPED);
  hangar_field_set_message (GTK_WIDGET (self->type_row), self->type_message, HANGAR_FIELD_HINT,
                            _("Asking the host which pool types it supports…"));
  hangar_connection_get_pool_types_async (self->connection, self->cancellable,
                                          got_pool_types_cb, g_object_ref (self));
  update (self);
}

static void
hangar_pool_wizard_dispose (GObject *object)
{
  HangarPoolWizard *self = (HangarPoolWizard *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->job != NULL)
    hangar_job_cancel (self->job);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_POOL_WIZARD);

  G_OBJECT_CLASS (hangar_pool_wizard_parent_class)->dispose (object);
}

static void
hangar_pool_wizard_finalize (GObject *object)
{
  HangarPoolWizard *self = (HangarPoolWizard *)object;

  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->job);
  g_clear_pointer (&self->types, g_array_unref);
  g_clear_pointer (&self->default_spec, hangar_pool_spec_free);
  g_clear_pointer (&self->summary_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (hangar_pool_wizard_parent_class)->finalize (object);
}

static void
hangar_pool_wizard_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HangarPoolWizard *self = HANGAR_POOL_WIZARD (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_pool_wizard_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HangarPoolWizard *self = HANGAR_POOL_WIZARD (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_pool_wizard_class_init (HangarPoolWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = hangar_pool_wizard_constructed;
  object_class->dispose = hangar_pool_wizard_dispose;
  object_class->finalize = hangar_pool_wizard_finalize;
  object_class->get_property = hangar_pool_wizard_get_property;
  object_class->set_property = hangar_pool_wizard_set_property;
  window_class->close_request = hangar_pool_wizard_close_request;

  /* The host the pool is made on. */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted with the new HangarPool just before the window closes. */
  signals[POOL_CREATED] =
    g_signal_new ("pool-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HANGAR_TYPE_POOL);

  g_type_ensure (HANGAR_TYPE_JOB_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-pool-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, forward_button);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, create_button);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, name_page);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, name_group);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, name_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, type_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, type_list);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, type_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, details_page);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, details_group);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, target_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, target_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, host_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, host_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, source_path_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, source_path_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, device_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, device_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, source_name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, source_name_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, format_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, format_list);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, initiator_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, initiator_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, build_group);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, build_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, build_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, build_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, details_message);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, summary_page);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, failure_label);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, summary_group);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarPoolWizard, job_view);
  gtk_widget_class_bind_template_callback (widget_class, on_stack_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_type_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_option_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "wizard.forward", NULL, forward_activated);
  gtk_widget_class_install_action (widget_class, "wizard.create", NULL, create_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_pool_wizard_init (HangarPoolWizard *self)
{
  self->cancellable = g_cancellable_new ();
  self->summary_rows = g_ptr_array_new ();
  self->type = HANGAR_POOL_TYPE_OTHER;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->fields[FIELD_TARGET] = (FieldState) { self->target_row, self->target_message, FALSE };
  self->fields[FIELD_HOST] = (FieldState) { self->host_row, self->host_message, FALSE };
  self->fields[FIELD_SOURCE_PATH] = (FieldState) { self->source_path_row,
                                                   self->source_path_message, FALSE };
  self->fields[FIELD_DEVICE] = (FieldState) { self->device_row, self->device_message, FALSE };
  self->fields[FIELD_SOURCE_NAME] = (FieldState) { self->source_name_row,
                                                   self->source_name_message, FALSE };
  self->fields[FIELD_INITIATOR] = (FieldState) { self->initiator_row, self->initiator_message,
                                                 FALSE };

  hangar_name_page_scroller (GTK_WIDGET (self->name_page), _("Name and Type"));
  hangar_name_page_scroller (GTK_WIDGET (self->details_page), _("Details"));
  hangar_name_page_scroller (GTK_WIDGET (self->summary_page), _("Summary"));
  hangar_name_combo_row_parts (GTK_WIDGET (self->type_row));
  hangar_name_combo_row_parts (GTK_WIDGET (self->format_row));
}

GtkWindow *
hangar_pool_wizard_new (GtkWindow        *parent,
                        HangarConnection *connection)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  return g_object_new (HANGAR_TYPE_POOL_WIZARD,
                       "connection", connection,
                       "transient-for", parent,
                       NULL);
}
