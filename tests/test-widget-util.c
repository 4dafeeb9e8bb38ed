// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-widget-util"

#include "config.h"

#include <gdk/x11/gdkx.h>

#include "test-widget-util.h"

GtkWidget *
test_find_widget (GtkWidget      *root,
                  GType           type,
                  TestWidgetMatch match,
                  gconstpointer   data)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (match == NULL || match (root, data)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = test_find_widget (child, type, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
test_xdotool (const char *args)
{
  g_autofree char *command = g_strdup_printf ("xdotool %s", args);
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_command_line_sync (command, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s", command, error->message);
}

gulong
test_x11_window_id (GtkWidget *widget)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  return (gulong)gdk_x11_surface_get_xid (surface);
}

/* Text a widget shows, which names it for roles named from their content. */
static gboolean
has_text_content (GtkWidget *widget)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      return text != NULL && *text != '\0';
    }
  if (GTK_IS_INSCRIPTION (widget))
    {
      const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));
      return text != NULL && *text != '\0';
    }
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    if (has_text_content (child))
      return TRUE;
  return FALSE;
}

static gboolean
named_from_content (GtkAccessibleRole role)
{
  switch (role)
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_CELL:
    case GTK_ACCESSIBLE_ROLE_COLUMN_HEADER:
    case GTK_ACCESSIBLE_ROLE_GRID_CELL:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_LIST_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_ROW:
    case GTK_ACCESSIBLE_ROLE_ROW_HEADER:
    case GTK_ACCESSIBLE_ROLE_TAB:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
collect_widgets (GtkWidget *widget,
                 GPtrArray *widgets)
{
  g_ptr_array_add (widgets, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, widgets);
}

/* GTK 4.8 has no getter for a relation's targets; find the one widget of the window
 * that equals it. A button, for one, is labelled by its child: an icon-only button
 * is "labelled" by a GtkImage, which says nothing. */
static gboolean
labelled_by_text (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
  GtkWidget *top = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();

  if (!gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return FALSE;
  if (top == NULL)
    for (top = widget; gtk_widget_get_parent (top) != NULL;)
      top = gtk_widget_get_parent (top);
  collect_widgets (top, widgets);
  for (guint i = 0; i < widgets->len; i++)
    {
      GtkWidget *candidate = g_ptr_array_index (widgets, i);
      g_autofree char *mismatch =
        gtk_test_accessible_check_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                            candidate, NULL);

      if (mismatch == NULL)
        return has_text_content (candidate);
    }
  /* Several targets, or one outside the window: trust the author. */
  return TRUE;
}

static gboolean
has_accessible_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      labelled_by_text (widget))
    return TRUE;
  if (named_from_content (gtk_accessible_get_accessible_role (accessible)))
    return has_text_content (widget);
  return FALSE;
}

/* Controls whose inner widgets (a menu button's toggle, an entry's text) are parts of
 * one thing a screen reader names once. */
static gboolean
is_composite_control (GtkWidget *widget)
{
  return GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_EDITABLE (widget) || GTK_IS_COLUMN_VIEW (widget) ||
         GTK_IS_LIST_VIEW (widget) || GTK_IS_GRID_VIEW (widget) ||
         GTK_IS_SCALE_BUTTON (widget) || GTK_IS_COLOR_BUTTON (widget) ||
         GTK_IS_FONT_BUTTON (widget) || GTK_IS_SWITCH (widget) || GTK_IS_SCALE (widget);
}

static gboolean
is_control (GtkWidget *widget)
{
  if (GTK_IS_LIST_BOX_ROW (widget))
    return gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget));
  if (GTK_IS_LABEL (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_WINDOW (widget) ||
      GTK_IS_LIST_BOX (widget) || GTK_IS_POPOVER (widget))
    return FALSE;
  return GTK_IS_BUTTON (widget) || is_composite_control (widget) ||
         gtk_widget_get_focusable (widget);
}

static void
describe_path (GString   *path,
               GtkWidget *widget,
               GtkWidget *root)
{
  if (widget != root && gtk_widget_get_parent (widget) != NULL)
    {
      describe_path (path, gtk_widget_get_parent (widget), root);
      g_string_append (path, " > ");
    }
  g_string_append (path, G_OBJECT_TYPE_NAME (widget));
  if (gtk_widget_get_name (widget) != NULL &&
      !g_str_equal (gtk_widget_get_name (widget), G_OBJECT_TYPE_NAME (widget)))
    g_string_append_printf (path, "#%s", gtk_widget_get_name (widget));
  if (gtk_widget_get_tooltip_text (widget) != NULL)
    g_string_append_printf (path, "[tooltip “%s”]", gtk_widget_get_tooltip_text (widget));
}

static void
collect_unnamed (GtkWidget *widget,
                 GtkWidget *root,
                 GString   *failures,
                 guint     *n_controls)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  /* Hidden, or a page its stack does not show: no screen reader reaches it now. */
  if (!gtk_widget_get_visible (widget) ||
      (GTK_IS_STACK (parent) && gtk_stack_get_visible_child (GTK_STACK (parent)) != widget))
    return;
  if (is_control (widget))
    {
      (*n_controls)++;
      if (!has_accessible_name (widget))
        {
          g_string_append (failures, "\n  ");
          describe_path (failures, widget, root);
        }
      if (is_composite_control (widget))
        return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_unnamed (child, root, failures, n_controls);
}

static gboolean
is_button_labelled (GtkWidget    *widget,
                    gconstpointer label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

void
test_click_button (GtkWidget  *root,
                   const char *label)
{
  GtkWidget *button = test_find_widget (root, GTK_TYPE_BUTTON, is_button_labelled, label);

  if (button == NULL)
    g_error ("No button labelled “%s” below %s", label, G_OBJECT_TYPE_NAME (root));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

void
hangar_test_assert_accessible_names (GtkWidget *root)
{
  g_autoptr(GString) failures = g_string_new (NULL);
  guint n_controls = 0;

  g_return_if_fail (GTK_IS_WIDGET (root));
  /* Only GTK's test AT context records accessible attributes where a test can read
   * them (tests/meson.build sets it for the widget tests). */
  if (g_strcmp0 (g_getenv ("GTK_A11Y"), "test") != 0)
    g_error ("hangar_test_assert_accessible_names needs GTK_A11Y=test in the environment");

  collect_unnamed (root, root, failures, &n_controls);
  g_test_message ("%u controls below %s checked for an accessible name", n_controls,
                  G_OBJECT_TYPE_NAME (root));
  if (failures->len > 0)
    {
      g_autofree char *message =
        g_strdup_printf ("Controls without an accessible name below %s:%s",
                         G_OBJECT_TYPE_NAME (root), failures->str);

      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, message);
    }
}

static void
on_clipboard_changed_cb (GdkClipboard *clipboard,
                         GPtrArray    *texts)
{
  GdkContentProvider *content = gdk_clipboard_get_content (clipboard);
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_STRING);
  if (content != NULL && gdk_content_provider_get_value (content, &value, NULL))
    g_ptr_array_add (texts, g_value_dup_string (&value));
  else
    g_ptr_array_add (texts, g_strdup ("(another program's)"));
}

gulong
test_clipboard_keep_texts (GdkClipboard *clipboard,
                           GPtrArray    *texts)
{
  return g_signal_connect (clipboard, "changed", G_CALLBACK (on_clipboard_changed_cb), texts);
}

typedef struct {
  gboolean done;
  char *text;
} ReadText;

static void
on_read_text_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  ReadText *read = data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static gboolean
read_done (gpointer data)
{
  return ((ReadText *)data)->done;
}

gboolean
test_clipboard_read_text (GdkClipboard *clipboard,
                          char        **text,
                          guint         timeout_ms)
{
  /* Kept until the read ends: the callback writes here even after a timeout. */
  ReadText *read = g_new0 (ReadText, 1);

  gdk_clipboard_read_text_async (clipboard, NULL, on_read_text_cb, read);
  if (!test_wait_for (read_done, read, timeout_ms))
    return FALSE;
  *text = read->text;
  g_free (read);
  return TRUE;
}
