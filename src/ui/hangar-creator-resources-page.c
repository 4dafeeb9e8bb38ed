// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-resources-page"

/* The New VM window's memory and CPUs; see hangar-creator-resources-page.h. */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "hangar-creator-resources-page.h"
#include "hangar-host-caps.h"
#include "hangar-storage.h"
#include "hangar-wizard-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define GiB (G_GUINT64_CONSTANT (1) << 30)

struct _HangarCreatorResourcesPage
{
  HangarCreatorPage parent_instance;

  HangarHostCaps *caps;          /* NULL until the host answered */
  gboolean memory_touched;
  gboolean vcpus_touched;
  gboolean filling;              /* the page writes a field itself: not the user's edit */
  guint unit;                    /* memory_unit's selection the spin counts in */

  AdwActionRow *memory_row;
  GtkSpinButton *memory_spin;
  GtkDropDown *memory_unit;
  GtkLabel *memory_message;
  AdwActionRow *vcpus_row;
  GtkSpinButton *vcpus_spin;
  GtkLabel *vcpus_message;
};

G_DEFINE_FINAL_TYPE (HangarCreatorResourcesPage, hangar_creator_resources_page,
                     HANGAR_TYPE_CREATOR_PAGE)

static guint64
memory_bytes (HangarCreatorResourcesPage *self)
{
  double value = gtk_spin_button_get_value (self->memory_spin);

  /* Whole MiB: libvirt counts KiB, and a half MiB is nobody's intent. */
  return (guint64) llround (value * hangar_size_unit_bytes (self->unit) / MiB) * MiB;
}

static void
set_memory_bytes (HangarCreatorResourcesPage *self,
                  guint64                     bytes)
{
  gboolean filling = self->filling;

  self->filling = TRUE;
  gtk_spin_button_set_value (self->memory_spin,
                             (double) bytes / hangar_size_unit_bytes (self->unit));
  self->filling = filling;
}

/* The spin counts MiB in whole steps, GiB in tenths; the amount stays. (Changing the
 * range or digits may emit value-changed: that is the page's doing, not the user's.) */
static void
set_unit (HangarCreatorResourcesPage *self,
          guint                       unit)
{
  guint64 bytes = memory_bytes (self);
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (self->memory_spin);
  gboolean filling = self->filling;

  self->filling = TRUE;
  self->unit = unit;
  gtk_spin_button_set_digits (self->memory_spin, unit == 0 ? 0 : 1);
  gtk_adjustment_set_step_increment (adjustment, unit == 0 ? 256 : 1);
  gtk_adjustment_set_page_increment (adjustment, unit == 0 ? 1024 : 4);
  gtk_adjustment_set_upper (adjustment, unit == 0 ? 4194304 : 4096);
  set_memory_bytes (self, bytes);
  self->filling = filling;
}

static void
update (HangarCreatorResourcesPage *self)
{
  guint64 memory = memory_bytes (self);
  guint vcpus = gtk_spin_button_get_value_as_int (self->vcpus_spin);
  g_autofree char *memory_text = NULL;
  g_autofree char *vcpus_text = NULL;
  HangarFieldMessageKind memory_kind = HANGAR_FIELD_ERROR;
  gboolean memory_ok = TRUE;
  gboolean vcpus_ok = TRUE;

  if (memory == 0)
    {
      memory_text = g_strdup (_("The memory cannot be zero. Give the virtual machine some memory."));
      memory_ok = FALSE;
    }
  else if (self->caps != NULL && memory > self->caps->memory_total)
    {
      g_autofree char *total = hangar_storage_format_size (self->caps->memory_total);

      memory_text = g_strdup_printf (_("The host has only %s of memory. Give the virtual "
                                       "machine less."), total);
      memory_ok = FALSE;
    }
  else if (self->caps != NULL && memory > self->caps->memory_free)
    {
      g_autofree char *free_text = hangar_storage_format_size (self->caps->memory_free);

      memory_text = g_strdup_printf (_("The host has only %s free now: the host or its "
                                       "guests may have to swap."), free_text);
      memory_kind = HANGAR_FIELD_WARNING;
    }

  if (vcpus == 0)
    {
      vcpus_text = g_strdup (_("The number of CPUs cannot be zero."));
      vcpus_ok = FALSE;
    }
  else if (self->caps != NULL && vcpus > self->caps->cpus)
    {
      vcpus_text = g_strdup_printf (ngettext ("The host has %u CPU. Give the virtual machine "
                                              "at most that many.",
                                              "The host has %u CPUs. Give the virtual machine "
                                              "at most that many.", self->caps->cpus),
                                    self->caps->cpus);
      vcpus_ok = FALSE;
    }

  hangar_field_set_message (GTK_WIDGET (self->memory_row), self->memory_message, memory_kind,
                            memory_text);
  hangar_field_set_message (GTK_WIDGET (self->vcpus_row), self->vcpus_message,
                            HANGAR_FIELD_ERROR, vcpus_text);
  hangar_creator_page_set_complete (HANGAR_CREATOR_PAGE (self), memory_ok && vcpus_ok);
}

/* The OS's defaults, for the fields the user has not touched. */
static void
apply_defaults (HangarCreatorResourcesPage *self)
{
  HangarCreatorState *state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
  const HangarOsDefaults *defaults = hangar_creator_state_get_defaults (state);

  if (defaults == NULL)
    return;
  if (!self->memory_touched && defaults->memory > 0)
    {
      guint64 memory = defaults->memory;

      /* A default never asks for more than the host has (whole 256 MiB steps): an OS
       * that recommends 4 GiB on a 3 GiB host gets 3 GiB, not a page that refuses its
       * own proposal. */
      if (self->caps != NULL && self->caps->memory_total >= 256 * MiB)
        memory = MIN (memory, self->caps->memory_total / (256 * MiB) * (256 * MiB));
      /* Whole GiB read best in GiB. */
      self->filling = TRUE;
      gtk_drop_down_set_selected (self->memory_unit, memory % GiB == 0 ? 1 : 0);
      set_unit (self, gtk_drop_down_get_selected (self->memory_unit));
      set_memory_bytes (self, memory);
      self->filling = FALSE;
    }
  if (!self->vcpus_touched && defaults->vcpus > 0)
    {
      guint vcpus = defaults->vcpus;

      /* A default never asks for more than the host has. */
      if (self->caps != NULL && self->caps->cpus > 0)
        vcpus = MIN (vcpus, self->caps->cpus);
      self->filling = TRUE;
      gtk_spin_button_set_value (self->vcpus_spin, vcpus);
      self->filling = FALSE;
    }
  update (self);
}

static void
on_defaults_changed_cb (HangarCreatorResourcesPage *self)
{
  apply_defaults (self);
}

/* The state asks the host once for every page. */
static void
on_host_caps_cb (HangarCreatorResourcesPage *self)
{
  HangarCreatorState *state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
  const HangarHostCaps *caps = hangar_creator_state_get_host_caps (state);
  const char *error = hangar_creator_state_get_host_caps_error (state);

  if (caps == NULL)
    {
      /* Without the host's numbers the page checks what it can; the final check asks
       * the host again. */
      if (error != NULL)
        adw_action_row_set_subtitle (self->memory_row, error);
      return;
    }
  g_clear_pointer (&self->caps, hangar_host_caps_free);
  self->caps = hangar_host_caps_copy (caps);
  {
    g_autofree char *total = hangar_storage_format_size (self->caps->memory_total);
    g_autofree char *free_text = hangar_storage_format_size (self->caps->memory_free);
    g_autofree char *memory_subtitle = g_strdup_printf (_("The host has %s, %s free"), total,
                                                        free_text);
    g_autofree char *cpus_subtitle = g_strdup_printf (ngettext ("The host has %u CPU",
                                                                "The host has %u CPUs",
                                                                self->caps->cpus),
                                                      self->caps->cpus);

    adw_action_row_set_subtitle (self->memory_row, memory_subtitle);
    adw_action_row_set_subtitle (self->vcpus_row, cpus_subtitle);
  }
  apply_defaults (self);
}

static void
on_memory_changed_cb (HangarCreatorResourcesPage *self)
{
  if (!self->filling)
    self->memory_touched = TRUE;
  update (self);
}

static void
on_memory_unit_changed_cb (HangarCreatorResourcesPage *self)
{
  if (self->filling)
    return;
  set_unit (self, gtk_drop_down_get_selected (self->memory_unit));
  update (self);
}

static void
on_vcpus_changed_cb (HangarCreatorResourcesPage *self)
{
  if (!self->filling)
    self->vcpus_touched = TRUE;
  update (self);
}

static void
hangar_creator_resources_page_apply (HangarCreatorPage *page,
                                     HangarGuestSpec   *spec)
{
  HangarCreatorResourcesPage *self = HANGAR_CREATOR_RESOURCES_PAGE (page);

  spec->memory = memory_bytes (self);
  spec->vcpus = gtk_spin_button_get_value_as_int (self->vcpus_spin);
}

static void
hangar_creator_resources_page_shown (HangarCreatorPage *page)
{
  HangarCreatorResourcesPage *self = HANGAR_CREATOR_RESOURCES_PAGE (page);

  gtk_widget_grab_focus (GTK_WIDGET (self->memory_spin));
}

static void
hangar_creator_resources_page_show_faults (HangarCreatorPage *page)
{
  /* Every message shows as soon as it applies. */
  update (HANGAR_CREATOR_RESOURCES_PAGE (page));
}

static gboolean
hangar_creator_resources_page_show_error (HangarCreatorPage *page,
                                          const GError      *error)
{
  HangarCreatorResourcesPage *self = HANGAR_CREATOR_RESOURCES_PAGE (page);

  if (error->domain != HANGAR_GUEST_SPEC_ERROR)
    return FALSE;
  if (error->code == HANGAR_GUEST_SPEC_ERROR_MEMORY)
    hangar_field_set_message (GTK_WIDGET (self->memory_row), self->memory_message,
                              HANGAR_FIELD_ERROR, error->message);
  else if (error->code == HANGAR_GUEST_SPEC_ERROR_VCPUS)
    hangar_field_set_message (GTK_WIDGET (self->vcpus_row), self->vcpus_message,
                              HANGAR_FIELD_ERROR, error->message);
  else
    return FALSE;
  return TRUE;
}

static void
hangar_creator_resources_page_constructed (GObject *object)
{
  HangarCreatorResourcesPage *self = HANGAR_CREATOR_RESOURCES_PAGE (object);
  HangarCreatorState *state;

  G_OBJECT_CLASS (hangar_creator_resources_page_parent_class)->constructed (object);

  state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
  g_signal_connect_object (state, "notify::defaults", G_CALLBACK (on_defaults_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::host-caps", G_CALLBACK (on_host_caps_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::host-caps-error", G_CALLBACK (on_host_caps_cb),
                           self, G_CONNECT_SWAPPED);
  apply_defaults (self);
  on_host_caps_cb (self);
}

static void
hangar_creator_resources_page_dispose (GObject *object)
{
  HangarCreatorResourcesPage *self = HANGAR_CREATOR_RESOURCES_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CREATOR_RESOURCES_PAGE);
  G_OBJECT_CLASS (hangar_creator_resources_page_parent_class)->dispose (object);
}

static void
hangar_creator_resources_page_finalize (GObject *object)
{
  HangarCreatorResourcesPage *self = HANGAR_CREATOR_RESOURCES_PAGE (object);

  g_clear_pointer (&self->caps, hangar_host_caps_free);
  G_OBJECT_CLASS (hangar_creator_resources_page_parent_class)->finalize (object);
}

static void
hangar_creator_resources_page_class_init (HangarCreatorResourcesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HangarCreatorPageClass *page_class = HANGAR_CREATOR_PAGE_CLASS (klass);

  object_class->constructed = hangar_creator_resources_page_constructed;
  object_class->dispose = hangar_creator_resources_page_dispose;
  object_class->finalize = hangar_creator_resources_page_finalize;
  page_class->apply = hangar_creator_resources_page_apply;
  page_class->shown = hangar_creator_resources_page_shown;
  page_class->show_faults = hangar_creator_resources_page_show_faults;
  page_class->show_error = hangar_creator_resources_page_show_error;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-creator-resources-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorResourcesPage, memory_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorResourcesPage, memory_spin);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorResourcesPage, memory_unit);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorResourcesPage, memory_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorResourcesPage, vcpus_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorResourcesPage, vcpus_spin);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorResourcesPage, vcpus_message);
  gtk_widget_class_bind_template_callback (widget_class, on_memory_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_memory_unit_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_vcpus_changed_cb);
}

static void
hangar_creator_resources_page_init (HangarCreatorResourcesPage *self)
{
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filling = FALSE;
}

GtkWidget *
hangar_creator_resources_page_new (HangarCreatorState *state)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (state), NULL);

  return g_object_new (HANGAR_TYPE_CREATOR_RESOURCES_PAGE, "state", state, NULL);
}
