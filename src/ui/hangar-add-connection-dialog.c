// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-add-connection-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-session.h"
#include "hangar-ui-util.h"

struct _HangarAddConnectionDialog
{
  AdwWindow parent_instance;

  HangarSession *session;

  AdwPreferencesPage *page;
  AdwComboRow *hypervisor_row;
  AdwEntryRow *uri_row;
  GtkSwitch *autoconnect_switch;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (HangarAddConnectionDialog, hangar_add_connection_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* In the order of the combo row's items; the last one is "Custom URI". */
static const char *preset_uris[] = {
  "qemu:///system",
  "qemu:///session",
  "lxc:///system",
  "test:///default",
  NULL,
};

char *
hangar_add_connection_dialog_check_uri (const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (uri != NULL ? uri : ""));

  if (*trimmed == '\0')
    return g_strdup (_("Enter the URI of a hypervisor, such as qemu:///system."));

  parsed = g_uri_parse (trimmed, G_URI_FLAGS_NONE, &error);
  /* GUri lets spaces through; libvirt's parser (libxml2's) refuses them. */
  if (parsed == NULL || strstr (trimmed, "://") == NULL || strpbrk (trimmed, " \t\n") != NULL)
    return g_strdup_printf (_("“%s” is not a libvirt URI. Write it as driver[+transport]://"
                              "[user@][host][:port]/path, for example "
                              "qemu+ssh://root@example.com/system."), trimmed);
  return NULL;
}

/* The preset's URI, or what the user wrote under "Custom URI". */
static const char *
current_uri (HangarAddConnectionDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->hypervisor_row);

  if (selected < G_N_ELEMENTS (preset_uris) && preset_uris[selected] != NULL)
    return preset_uris[selected];
  return gtk_editable_get_text (GTK_EDITABLE (self->uri_row));
}

/* Any edit takes the previous complaint away. */
static void
hide_error (HangarAddConnectionDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->uri_row), "error");
}

static void
on_hypervisor_row_selected_cb (HangarAddConnectionDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->hypervisor_row);
  gboolean custom = selected >= G_N_ELEMENTS (preset_uris) || preset_uris[selected] == NULL;

  /* Presets show their URI; "Custom URI" lets the user write one. */
  gtk_editable_set_editable (GTK_EDITABLE (self->uri_row), custom);
  if (!custom)
    gtk_editable_set_text (GTK_EDITABLE (self->uri_row), preset_uris[selected]);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->uri_row));
  hide_error (self);
}

static void
on_uri_row_changed_cb (HangarAddConnectionDialog *self)
{
  hide_error (self);
}

/* dialog.connect: a URI that cannot be one is refused at the field, with the sentence
 * saying what to write; any other is added (and opened) by the session, remembered. */
static void
connect_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (widget);
  g_autofree char *uri = g_strstrip (g_strdup (current_uri (self)));
  g_autofree char *problem = hangar_add_connection_dialog_check_uri (uri);

  if (problem != NULL)
    {
      gtk_label_set_label (self->error_label, problem);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->uri_row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (self->uri_row));
      return;
    }

  hangar_session_add_connection (self->session, uri, TRUE,
                                 gtk_switch_get_active (self->autoconnect_switch));
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Enter in the field connects, as the button does. */
static void
on_uri_row_activated_cb (HangarAddConnectionDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.connect", NULL);
}

static void
hangar_add_connection_dialog_dispose (GObject *object)
{
  HangarAddConnectionDialog *self = (HangarAddConnectionDialog *)object;

  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_ADD_CONNECTION_DIALOG);

  G_OBJECT_CLASS (hangar_add_connection_dialog_parent_class)->dispose (object);
}

static void
hangar_add_connection_dialog_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_add_connection_dialog_set_property (GObject      *object,
                                           guint         prop_id,
                                           const GValue *value,
                                           GParamSpec   *pspec)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_add_connection_dialog_class_init (HangarAddConnectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_add_connection_dialog_dispose;
  object_class->get_property = hangar_add_connection_dialog_get_property;
  object_class->set_property = hangar_add_connection_dialog_set_property;

  /* The connections the dialog adds to. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, HANGAR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-add-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, page);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, hypervisor_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, uri_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog,
                                        autoconnect_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_hypervisor_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_uri_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_uri_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "dialog.connect", NULL, connect_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_add_connection_dialog_init (HangarAddConnectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hangar_name_page_scroller (GTK_WIDGET (self->page), _("Add Connection"));
  hangar_name_combo_row_parts (GTK_WIDGET (self->hypervisor_row));
  on_hypervisor_row_selected_cb (self);
}

HangarAddConnectionDialog *
hangar_add_connection_dialog_new (HangarSession *session)
{
  g_return_val_if_fail (HANGAR_IS_SESSION (session), NULL);

  return g_object_new (HANGAR_TYPE_ADD_CONNECTION_DIALOG, "session", session, NULL);
}
