// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-preferences-window.h"
#include "hangar-ui-util.h"

/* Every row edits a GSettings key directly; windows and connections follow the keys. */
struct _HangarPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  GtkSpinButton *stats_spin;
  AdwComboRow *release_row;
  AdwComboRow *scaling_row;
  GtkSwitch *clipboard_switch;
};

G_DEFINE_FINAL_TYPE (HangarPreferencesWindow, hangar_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

/* In the order of the rows' items. */
static const char *release_keys[] = {
  "Control_L+Alt_L", "Control_L+Alt_L+Shift_L", "Control_L+Super_L", "Control_R",
};
static const char *scalings[] = { "fit", "one-to-one", "resize-guest" };

/* GSettings strings ↔ combo row positions; @user_data is the row's list above. */
static gboolean
string_to_index (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char **choices = user_data;
  const char *current = g_variant_get_string (variant, NULL);
  guint n = choices == release_keys ? G_N_ELEMENTS (release_keys) : G_N_ELEMENTS (scalings);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (choices[i], current))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  /* A value set elsewhere that the list does not offer: show the first. */
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
index_to_string (const GValue       *value,
                 const GVariantType *type,
                 gpointer            user_data)
{
  const char **choices = user_data;
  guint n = choices == release_keys ? G_N_ELEMENTS (release_keys) : G_N_ELEMENTS (scalings);
  guint i = g_value_get_uint (value);

  /* NULL keeps the setting as it is (a position the list does not have). */
  return i < n ? g_variant_new_string (choices[i]) : NULL;
}

static void
hangar_preferences_window_dispose (GObject *object)
{
  HangarPreferencesWindow *self = (HangarPreferencesWindow *)object;

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (hangar_preferences_window_parent_class)->dispose (object);
}

static void
hangar_preferences_window_class_init (HangarPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow, stats_spin);
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow, release_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow, scaling_row);
  gtk_widget_class_bind_template_child (widget_class, HangarPreferencesWindow,
                                        clipboard_switch);
}

static void
hangar_preferences_window_init (HangarPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Parts of libadwaita's that a screen reader would otherwise find unnamed. */
  hangar_name_page_scroller (gtk_widget_get_ancestor (GTK_WIDGET (self->release_row),
                                                      ADW_TYPE_PREFERENCES_PAGE),
                             _("Preferences"));
  hangar_name_combo_row_parts (GTK_WIDGET (self->release_row));
  hangar_name_combo_row_parts (GTK_WIDGET (self->scaling_row));
}

GtkWidget *
hangar_preferences_window_new (GSettings *settings)
{
  HangarPreferencesWindow *self = g_object_new (HANGAR_TYPE_PREFERENCES_WINDOW, NULL);

  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "stats-interval", self->stats_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "release-combination", self->release_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, string_to_index, index_to_string,
                                release_keys, NULL);
  g_settings_bind_with_mapping (settings, "console-scaling", self->scaling_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, string_to_index, index_to_string,
                                scalings, NULL);
  g_settings_bind (settings, "share-clipboard", self->clipboard_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (self);
}
