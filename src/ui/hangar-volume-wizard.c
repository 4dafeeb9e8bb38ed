// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-volume-wizard"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-job-view.h"
#include "hangar-pool.h"
#include "hangar-volume.h"
#include "hangar-volume-wizard.h"
#include "hangar-ui-util.h"
#include "hangar-wizard-util.h"

/* In the order of format_row's items. */
static const HangarVolumeFormat formats[] = { HANGAR_VOLUME_FORMAT_QCOW2, HANGAR_VOLUME_FORMAT_RAW };

struct _HangarVolumeWizard
{
  AdwWindow parent_instance;

  HangarPool *pool;
  HangarJob *job;               /* while the volume is being created */
  gboolean name_touched;
  gboolean capacity_touched;
  gboolean filling;             /* the wizard writes a field itself: not the user's edit */
  gboolean close_when_done;
  /* How the last Create ended (a failure, or Cancel), kept until the user changes
   * something: the pool's own news (its free space after the undo) must not hide it. */
  char *outcome;
  gboolean outcome_is_error;

  AdwWindowTitle *window_title;
  GtkButton *cancel_button;
  GtkButton *create_button;
  GtkStack *stack;
  AdwPreferencesPage *form_page;
  GtkLabel *failure_label;
  AdwPreferencesGroup *volume_group;
  AdwEntryRow *name_row;
  GtkLabel *suffix_label;
  GtkLabel *name_message;
  AdwComboRow *format_row;
  AdwEntryRow *capacity_row;
  GtkDropDown *unit_dropdown;
  GtkLabel *capacity_message;
  AdwActionRow *allocate_row;
  GtkSwitch *allocate_switch;
  GtkLabel *allocate_message;
  AdwComboRow *backing_row;
  GtkLabel *backing_message;
  HangarJobView *job_view;
};

G_DEFINE_FINAL_TYPE (HangarVolumeWizard, hangar_volume_wizard, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_POOL,
  N_PROPS
};

enum {
  VOLUME_CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static HangarVolumeFormat
selected_format (HangarVolumeWizard *self)
{
  guint i = adw_combo_row_get_selected (self->format_row);

  return formats[i < G_N_ELEMENTS (formats) ? i : 0];
}

/* What the name gets after it unless the user wrote a suffix: the format's. */
static const char *
name_suffix (HangarVolumeWizard *self)
{
  if (!hangar_pool_holds_files (self->pool))
    return "";
  return hangar_volume_format_suffix (selected_format (self));
}

/* A name with a dot inside carries the user's own suffix, which the format leaves
 * alone; otherwise the format's suffix is added. */
static gboolean
has_own_suffix (const char *name)
{
  const char *dot = strrchr (name, '.');

  return dot != NULL && dot != name && dot[1] != '\0';
}

static char *
full_name (HangarVolumeWizard *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));

  if (*name == '\0' || has_own_suffix (name))
    return g_strdup (name);
  return g_strconcat (name, name_suffix (self), NULL);
}

/* The backing volume chosen, or NULL for "None" (the first item). */
static HangarVolume *
selected_backing (HangarVolumeWizard *self)
{
  gpointer item = adw_combo_row_get_selected_item (self->backing_row);

  return HANGAR_IS_VOLUME (item) ? item : NULL;
}

/* The volume as the form says it now; FALSE (with the field's error) when the
 * capacity cannot be read. */
static HangarVolumeSpec *
build_spec (HangarVolumeWizard *self,
            GError            **error)
{
  g_autoptr(HangarVolumeSpec) spec = hangar_volume_spec_new ();
  guint unit = gtk_drop_down_get_selected (self->unit_dropdown);
  HangarVolume *backing = selected_backing (self);

  spec->name = full_name (self);
  spec->format = selected_format (self);
  if (!hangar_storage_parse_size (gtk_editable_get_text (GTK_EDITABLE (self->capacity_row)),
                                  hangar_size_unit_bytes (unit),
                                  &spec->capacity, error))
    return NULL;
  /* Only raw volumes are allocated ahead; qcow2 ones grow as the guest writes. */
  if (spec->format == HANGAR_VOLUME_FORMAT_RAW && gtk_switch_get_active (self->allocate_switch))
    spec->allocation = spec->capacity;
  if (spec->format == HANGAR_VOLUME_FORMAT_QCOW2 && backing != NULL)
    spec->backing_path = g_strdup (hangar_volume_get_path (backing));
  return g_steal_pointer (&spec);
}

/* Checks every field, puts each message below its field, and says whether Create
 * may go: errors block, the capacity's warning does not. */
static gboolean
check_form (HangarVolumeWizard *self)
{
  g_autoptr(HangarVolumeSpec) spec = NULL;
  g_autoptr(GError) name_error = NULL;
  g_autoptr(GError) size_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = full_name (self);
  g_autofree char *warning = NULL;
  g_autofree char *taken = NULL;
  const char *name_problem = NULL;
  const char *capacity_problem = NULL;
  const char *allocate_problem = NULL;
  const char *backing_problem = NULL;
  const char *other_problem = NULL;

  if (!hangar_storage_check_name (name, &name_error))
    name_problem = name_error->message;
  else if (hangar_pool_find_volume (self->pool, name) != NULL)
    name_problem = taken = g_strdup_printf (_("The pool already has a volume called “%s”. "
                                              "Choose another name."), name);
  spec = build_spec (self, &size_error);
  if (spec == NULL)
    capacity_problem = size_error->message;

  /* The pool's own checks (free space, the backing volume) once both read well. */
  if (name_problem == NULL && spec != NULL &&
      !hangar_pool_check_volume_spec (self->pool, spec, &warning, &error))
    {
      const char **problem = &other_problem;

      if (error->domain == HANGAR_STORAGE_ERROR)
        switch (error->code)
          {
          case HANGAR_STORAGE_ERROR_INVALID_NAME:
          case HANGAR_STORAGE_ERROR_EXISTS:
            problem = &name_problem;
            break;
          case HANGAR_STORAGE_ERROR_INVALID_SIZE:
            problem = &capacity_problem;
            break;
          case HANGAR_STORAGE_ERROR_NO_SPACE:
            /* Only an allocation can be too large; sparse volumes just warn. */
            problem = spec->allocation > 0 ? &allocate_problem : &capacity_problem;
            break;
          default:
            if (spec->backing_path != NULL)
              problem = &backing_problem;
            break;
          }
      *problem = error->message;
    }

  hangar_field_set_message (GTK_WIDGET (self->name_row), self->name_message, HANGAR_FIELD_ERROR,
                            name_problem);
  if (capacity_problem != NULL || warning == NULL)
    hangar_field_set_message (GTK_WIDGET (self->capacity_row), self->capacity_message,
                              HANGAR_FIELD_ERROR, capacity_problem);
  else
    hangar_field_set_message (GTK_WIDGET (self->capacity_row), self->capacity_message,
                              HANGAR_FIELD_WARNING, warning);
  hangar_field_set_message (GTK_WIDGET (self->allocate_row), self->allocate_message,
                            HANGAR_FIELD_ERROR, allocate_problem);
  hangar_field_set_message (GTK_WIDGET (self->backing_row), self->backing_message,
                            HANGAR_FIELD_ERROR, backing_problem);
  /* Above the form: a fault no field owns, else how the last Create ended. */
  gtk_label_set_label (self->failure_label, other_problem != NULL ? other_problem
                                            : self->outcome != NULL ? self->outcome : "");
  if (other_problem != NULL || self->outcome_is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->failure_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->failure_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->failure_label),
                          other_problem != NULL || self->outcome != NULL);

  return name_problem == NULL && capacity_problem == NULL && allocate_problem == NULL &&
         backing_problem == NULL && other_problem == NULL;
}

static void
update (HangarVolumeWizard *self)
{
  HangarVolumeFormat format;
  gboolean busy = self->job != NULL;
  const char *name;

  /* Template signals arrive before the pool is set. */
  if (self->pool == NULL)
    return;

  format = selected_format (self);
  name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  gtk_label_set_label (self->suffix_label, name_suffix (self));
  gtk_widget_set_visible (GTK_WIDGET (self->suffix_label),
                          *name != '\0' && !has_own_suffix (name) && *name_suffix (self) != '\0');
  if (!hangar_pool_holds_files (self->pool))
    {
      g_autofree char *only_raw =
        g_strdup_printf (_("The volumes of a pool of type “%s” are raw"),
                         hangar_pool_get_type_label (self->pool));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->format_row), only_raw);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->format_row),
                                 format == HANGAR_VOLUME_FORMAT_QCOW2
                                 ? _("Grows as the guest writes; snapshots, backing volumes")
                                 : _("A plain image: the simplest and fastest"));
  gtk_widget_set_visible (GTK_WIDGET (self->allocate_row), format == HANGAR_VOLUME_FORMAT_RAW);
  gtk_widget_set_visible (GTK_WIDGET (self->backing_row), format == HANGAR_VOLUME_FORMAT_QCOW2);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.create",
                                 !busy && check_form (self));
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->create_button), !busy);
}

/* A disk pool's volumes are partitions, and libvirt takes only their device names:
 * "sdb1", "nvme0n1p1", "loop0p1". The first one free. */
static char *
free_partition_name (HangarVolumeWizard *self)
{
  g_autoptr(HangarPoolSpec) spec = hangar_pool_get_spec (self->pool);
  g_autofree char *device = spec->source_device != NULL ? g_path_get_basename (spec->source_device)
                                                         : g_strdup ("sda");
  gsize len = strlen (device);
  const char *separator = len > 0 && g_ascii_isdigit (device[len - 1]) ? "p" : "";

  for (guint i = 1; ; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s%s%u", device, separator, i);

      if (hangar_pool_find_volume (self->pool, name) == NULL)
        return g_steal_pointer (&name);
    }
}

/* "disk", else "disk-1", "disk-2"…: the first base name free with the format's suffix. */
static char *
free_volume_name (HangarVolumeWizard *self)
{
  const char *suffix = name_suffix (self);
  g_autofree char *name = g_strdup ("disk");

  if (hangar_pool_get_pool_type (self->pool) == HANGAR_POOL_TYPE_DISK)
    return free_partition_name (self);

  for (guint i = 1; ; i++)
    {
      g_autofree char *full = g_strconcat (name, suffix, NULL);

      if (hangar_pool_find_volume (self->pool, full) == NULL)
        return g_steal_pointer (&name);
      g_free (name);
      name = g_strdup_printf ("disk-%u", i);
    }
}

static void
suggest_name (HangarVolumeWizard *self)
{
  g_autofree char *name = free_volume_name (self);

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  self->filling = FALSE;
}

/* The user changed something: how the last Create ended no longer applies. */
static void
user_changed (HangarVolumeWizard *self)
{
  if (!self->filling)
    g_clear_pointer (&self->outcome, g_free);
}

static void
on_name_changed_cb (HangarVolumeWizard *self)
{
  if (!self->filling)
    self->name_touched = TRUE;
  user_changed (self);
  update (self);
}

static void
on_format_changed_cb (HangarVolumeWizard *self)
{
  user_changed (self);
  /* The suggested name follows the new suffix ("disk.img" may be free where
   * "disk.qcow2" was not). */
  if (self->pool != NULL && !self->name_touched)
    suggest_name (self);
  update (self);
}

static void
on_option_changed_cb (HangarVolumeWizard *self)
{
  user_changed (self);
  update (self);
}

static void
on_capacity_changed_cb (HangarVolumeWizard *self)
{
  if (!self->filling)
    self->capacity_touched = TRUE;
  user_changed (self);
  update (self);
}

/* A new overlay starts as large as its backing volume (as virt-manager does), unless
 * the user wrote a capacity. */
static void
on_backing_changed_cb (HangarVolumeWizard *self)
{
  HangarVolume *backing = self->pool != NULL ? selected_backing (self) : NULL;

  user_changed (self);
  if (backing != NULL && !self->capacity_touched)
    {
      guint64 capacity = hangar_volume_get_capacity (backing);
      guint64 gib = hangar_size_unit_bytes (HANGAR_SIZE_UNIT_GIB);
      guint64 mib = hangar_size_unit_bytes (HANGAR_SIZE_UNIT_MIB);
      gboolean whole_gib = capacity % gib == 0;
      g_autofree char *text =
        g_strdup_printf ("%" G_GUINT64_FORMAT,
                         whole_gib ? capacity / gib : (capacity + mib - 1) / mib);

      self->filling = TRUE;
      gtk_drop_down_set_selected (self->unit_dropdown, whole_gib ? 1 : 0);
      gtk_editable_set_text (GTK_EDITABLE (self->capacity_row), text);
      self->filling = FALSE;
    }
  update (self);
}

static void
on_entry_activated_cb (HangarVolumeWizard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.create", NULL);
}

/* The pool's volumes arrived or changed: a suggested name must stay free, and a
 * typed one may have been taken. */
static void
on_volumes_changed_cb (HangarVolumeWizard *self)
{
  if (!self->name_touched)
    suggest_name (self);
  update (self);
}

static void
on_pool_space_cb (HangarVolumeWizard *self)
{
  g_autofree char *available = hangar_storage_format_size (hangar_pool_get_available (self->pool));
  g_autofree char *capacity = hangar_storage_format_size (hangar_pool_get_capacity (self->pool));
  g_autofree char *description = NULL;

  if (hangar_pool_get_active (self->pool))
    description = g_strdup_printf (_("Pool “%s” has %s free of %s."),
                                   hangar_pool_get_name (self->pool), available, capacity);
  else
    description = g_strdup_printf (_("Pool “%s” is not running: start it to add volumes."),
                                   hangar_pool_get_name (self->pool));
  adw_preferences_group_set_description (self->volume_group, description);
  update (self);
}

static void
create_volume_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HangarVolumeWizard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarVolume) volume = NULL;

  volume = hangar_pool_create_volume_finish (HANGAR_POOL (source), result, &error);
  g_clear_object (&self->job);
  if (volume != NULL)
    g_signal_emit (self, signals[VOLUME_CREATED], 0, volume);
  if (volume != NULL || self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  /* The core removed the half-made volume: the form is as the user left it. */
  hangar_job_view_set_job (self->job_view, NULL);
  gtk_stack_set_visible_child_name (self->stack, "form");
  self->outcome_is_error = !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_free (self->outcome);
  self->outcome = g_strdup (self->outcome_is_error ? error->message
                                                   : _("Cancelled. The volume was removed."));
  update (self);
}


static void
create_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarVolumeWizard *self = HANGAR_VOLUME_WIZARD (widget);
  g_autoptr(HangarVolumeSpec) spec = NULL;
  g_autofree char *title = NULL;

  if (self->job != NULL || !check_form (self))
    return;

  spec = build_spec (self, NULL);
  title = g_strdup_printf (_("Creating Volume “%s”"), spec->name);
  self->job = hangar_job_new (title);
  hangar_job_view_set_job (self->job_view, self->job);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  hangar_pool_create_volume_async (self->pool, spec, self->job,
                                   hangar_job_get_cancellable (self->job),
                                   create_volume_cb, g_object_ref (self));
  update (self);
}

static char *
backing_item_name (GObject *item)
{
  if (HANGAR_IS_VOLUME (item))
    return g_strdup (hangar_volume_get_name (HANGAR_VOLUME (item)));
  return g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
}

/* The backing row's choices: "None", then the pool's volumes as they come and go.
 *   GListStore { GListStore { "None" }, hangar_pool_get_volumes () } → GtkFlattenListModel */
static void
setup_backing_row (HangarVolumeWizard *self)
{
  g_autoptr(GListStore) none = g_list_store_new (GTK_TYPE_STRING_OBJECT);
  g_autoptr(GListStore) parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GtkStringObject) none_item = gtk_string_object_new (_("None"));
  g_autoptr(GtkFlattenListModel) choices = NULL;
  GtkExpression *expression;

  g_list_store_append (none, none_item);
  g_list_store_append (parts, none);
  g_list_store_append (parts, hangar_pool_get_volumes (self->pool));
  choices = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts)));
  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                            G_CALLBACK (backing_item_name), NULL, NULL);
  adw_combo_row_set_expression (self->backing_row, expression);
  gtk_expression_unref (expression);
  adw_combo_row_set_model (self->backing_row, G_LIST_MODEL (choices));
  adw_combo_row_set_selected (self->backing_row, 0);
}

static gboolean
hangar_volume_wizard_close_request (GtkWindow *window)
{
  HangarVolumeWizard *self = HANGAR_VOLUME_WIZARD (window);

  /* Closing while the volume is made cancels it; the window goes once the core has
   * removed the half-made volume. */
  if (self->job != NULL)
    {
      self->close_when_done = TRUE;
      hangar_job_view_cancel (self->job_view);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (hangar_volume_wizard_parent_class)->close_request (window);
}

static void
hangar_volume_wizard_constructed (GObject *object)
{
  HangarVolumeWizard *self = (HangarVolumeWizard *)object;
  g_autofree char *subtitle = NULL;

  G_OBJECT_CLASS (hangar_volume_wizard_parent_class)->constructed (object);

  subtitle = g_strdup_printf (_("In Pool “%s”"), hangar_pool_get_name (self->pool));
  adw_window_title_set_subtitle (self->window_title, subtitle);
  if (!hangar_pool_holds_files (self->pool))
    {
      self->filling = TRUE;
      adw_combo_row_set_selected (self->format_row, 1);
      self->filling = FALSE;
      gtk_widget_set_sensitive (GTK_WIDGET (self->format_row), FALSE);
    }
  setup_backing_row (self);

  g_signal_connect_object (hangar_pool_get_volumes (self->pool), "items-changed",
                           G_CALLBACK (on_volumes_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pool, "notify::available",
                           G_CALLBACK (on_pool_space_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pool, "notify::capacity",
                           G_CALLBACK (on_pool_space_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pool, "notify::active",
                           G_CALLBACK (on_pool_space_cb), self, G_CONNECT_SWAPPED);
  suggest_name (self);
  on_pool_space_cb (self);
}

static void
hangar_volume_wizard_dispose (GObject *object)
{
  HangarVolumeWizard *self = (HangarVolumeWizard *)object;

  if (self->job != NULL)
    hangar_job_cancel (self->job);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_VOLUME_WIZARD);

  G_OBJECT_CLASS (hangar_volume_wizard_parent_class)->dispose (object);
}

static void
hangar_volume_wizard_finalize (GObject *object)
{
  HangarVolumeWizard *self = (HangarVolumeWizard *)object;

  g_clear_object (&self->pool);
  g_clear_object (&self->job);
  g_clear_pointer (&self->outcome, g_free);

  G_OBJECT_CLASS (hangar_volume_wizard_parent_class)->finalize (object);
}

static void
hangar_volume_wizard_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarVolumeWizard *self = HANGAR_VOLUME_WIZARD (object);

  switch (prop_id)
    {
    case PROP_POOL:
      g_value_set_object (value, self->pool);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_volume_wizard_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HangarVolumeWizard *self = HANGAR_VOLUME_WIZARD (object);

  switch (prop_id)
    {
    case PROP_POOL:
      self->pool = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_volume_wizard_class_init (HangarVolumeWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = hangar_volume_wizard_constructed;
  object_class->dispose = hangar_volume_wizard_dispose;
  object_class->finalize = hangar_volume_wizard_finalize;
  object_class->get_property = hangar_volume_wizard_get_property;
  object_class->set_property = hangar_volume_wizard_set_property;
  window_class->close_request = hangar_volume_wizard_close_request;

  /* The pool the volume is made in. */
  properties[PROP_POOL] =
    g_param_spec_object ("pool", NULL, NULL, HANGAR_TYPE_POOL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted with the new HangarVolume just before the window closes. */
  signals[VOLUME_CREATED] =
    g_signal_new ("volume-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HANGAR_TYPE_VOLUME);

  g_type_ensure (HANGAR_TYPE_JOB_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-volume-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, create_button);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, form_page);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, failure_label);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, volume_group);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, suffix_label);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, name_message);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, format_row);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, capacity_row);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, unit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, capacity_message);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, allocate_row);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, allocate_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, allocate_message);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, backing_row);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, backing_message);
  gtk_widget_class_bind_template_child (widget_class, HangarVolumeWizard, job_view);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_format_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_option_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_capacity_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_backing_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "wizard.create", NULL, create_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_volume_wizard_init (HangarVolumeWizard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  hangar_name_page_scroller (GTK_WIDGET (self->form_page), _("New Volume"));
  hangar_name_combo_row_parts (GTK_WIDGET (self->format_row));
  hangar_name_combo_row_parts (GTK_WIDGET (self->backing_row));
}

GtkWindow *
hangar_volume_wizard_new (GtkWindow  *parent,
                          HangarPool *pool)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HANGAR_IS_POOL (pool), NULL);

  return g_object_new (HANGAR_TYPE_VOLUME_WIZARD,
                       "pool", pool,
                       "transient-for", parent,
                       NULL);
}
