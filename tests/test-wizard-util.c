// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-wizard-util"

#include "config.h"

#include <string.h>

#include "test-core-util.h"
#include "test-wizard-util.h"

typedef struct {
  HangarConnection *connection;
  guint min_pools;
} PoolsCheck;

static gboolean
pools_listed (gpointer data)
{
  PoolsCheck *check = data;

  return g_list_model_get_n_items (hangar_connection_get_pools (check->connection)) >= check->min_pools;
}

HangarConnection *
test_open_storage_host (const char *uri,
                        guint       min_pools)
{
  PoolsCheck check = { test_open_connection (uri), min_pools };

  if (!test_wait_for (pools_listed, &check, 5000))
    g_error ("%s: %u pools listed within 5 s, expected %u", uri,
             g_list_model_get_n_items (hangar_connection_get_pools (check.connection)), min_pools);
  return check.connection;
}

const char *
test_stack_page (GtkWidget *window)
{
  GtkWidget *stack = test_find_widget (window, GTK_TYPE_STACK, NULL, NULL);

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

gboolean
test_has_name (GtkWidget    *widget,
               gconstpointer data)
{
  return g_strcmp0 (gtk_widget_get_name (widget), data) == 0;
}

static gboolean
has_title (GtkWidget    *widget,
           gconstpointer data)
{
  if (ADW_IS_PREFERENCES_ROW (widget))
    return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data) == 0;
  if (GTK_IS_BUTTON (widget))
    return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
  return FALSE;
}

GtkWidget *
test_find_titled (GtkWidget  *root,
                  GType       type,
                  const char *title)
{
  GtkWidget *widget = test_find_widget (root, type, has_title, title);

  if (widget == NULL)
    g_error ("No %s titled “%s” below %s", g_type_name (type), title, G_OBJECT_TYPE_NAME (root));
  return widget;
}

void
test_click (GtkWidget *button)
{
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

void
test_type_text (GtkWidget  *row,
                const char *text)
{
  g_assert_true (gtk_widget_is_sensitive (row));
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* The position of the item of a combo row whose text is @text, or G_MAXUINT. */
static guint
combo_find (GtkWidget  *combo_row,
            const char *text)
{
  AdwComboRow *combo = ADW_COMBO_ROW (combo_row);
  GListModel *model = adw_combo_row_get_model (combo);
  GtkExpression *expression = adw_combo_row_get_expression (combo);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      g_auto(GValue) value = G_VALUE_INIT;
      const char *item_text;

      if (expression != NULL)
        {
          g_assert_true (gtk_expression_evaluate (expression, item, &value));
          item_text = g_value_get_string (&value);
        }
      else
        item_text = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
      if (g_strcmp0 (item_text, text) == 0)
        return i;
    }
  return G_MAXUINT;
}

gboolean
test_combo_offers (GtkWidget  *combo_row,
                   const char *text)
{
  return combo_find (combo_row, text) != G_MAXUINT;
}

void
test_choose (GtkWidget  *combo_row,
             const char *text)
{
  guint i = combo_find (combo_row, text);

  if (i == G_MAXUINT)
    g_error ("“%s” has no item “%s”",
             adw_preferences_row_get_title (ADW_PREFERENCES_ROW (combo_row)), text);
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo_row), i);
}

GtkLabel *
test_field_message (GtkWidget *row)
{
  GtkWidget *below = gtk_widget_get_next_sibling (row);
  GtkWidget *label;

  /* The message is the list's next row, a label alone in it. */
  if (below == NULL || !GTK_IS_LIST_BOX_ROW (below) || !gtk_widget_get_visible (below))
    return NULL;
  label = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (below));
  if (!GTK_IS_LABEL (label) || !gtk_widget_get_visible (label))
    return NULL;
  return GTK_LABEL (label);
}

typedef struct {
  GtkWidget *dialog;
  GFile *folder;
} Chooser;

static gboolean
chooser_shown (gpointer data)
{
  Chooser *chooser = data;
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not a reference */

  chooser->dialog = NULL;
  for (guint i = 0; chooser->dialog == NULL && i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window) && gtk_widget_get_visible (window))
        chooser->dialog = window;
    }
  if (chooser->dialog != NULL)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser->dialog));

      return folder != NULL && (chooser->folder == NULL || g_file_equal (folder, chooser->folder));
    }
  return FALSE;
}

GtkWidget *
test_file_chooser_open (GtkWidget *button,
                        GFile     *folder)
{
  Chooser chooser = { NULL, folder };

  test_click (button);
  if (!test_wait_for (chooser_shown, &chooser, 10000))
    g_error ("no file chooser showing %s within 10 s",
             folder != NULL ? g_file_peek_path (folder) : "a folder");
  return chooser.dialog;
}

typedef struct {
  GtkFileChooser *chooser;
  GFile *file;
} Chosen;

static gboolean
file_selected (gpointer data)
{
  Chosen *chosen = data;
  g_autoptr(GFile) file = gtk_file_chooser_get_file (chosen->chooser);

  return file != NULL && g_file_equal (file, chosen->file);
}

void
test_file_chooser_accept (GtkWidget  *dialog,
                          const char *path,
                          const char *filter)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  Chosen chosen = { GTK_FILE_CHOOSER (dialog), file };

  if (filter != NULL)
    {
      g_autoptr(GListModel) filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (dialog));
      gboolean found = FALSE;

      for (guint i = 0; !found && i < g_list_model_get_n_items (filters); i++)
        {
          g_autoptr(GtkFileFilter) each = g_list_model_get_item (filters, i);

          if (g_strcmp0 (gtk_file_filter_get_name (each), filter) == 0)
            {
              gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (dialog), each);
              found = TRUE;
            }
        }
      if (!found)
        g_error ("the file chooser has no filter “%s”", filter);
    }
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, &error));
  g_assert_no_error (error);
  if (!test_wait_for (file_selected, &chosen, 10000))
    g_error ("the file chooser did not select %s", path);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
}

gboolean
test_field_says (gpointer data)
{
  TestFieldSays *says = data;
  GtkLabel *message = test_field_message (says->row);

  return message != NULL && strstr (gtk_label_get_text (message), says->part) != NULL;
}

static GtkLabel *
assert_message (GtkWidget  *row,
                const char *css_class,
                const char *part)
{
  GtkLabel *label = test_field_message (row);

  if (label == NULL)
    g_error ("“%s” shows no message (expected one with “%s”)",
             adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), part);
  if (strstr (gtk_label_get_text (label), part) == NULL)
    g_error ("“%s” says “%s”, expected it to contain “%s”",
             adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
             gtk_label_get_text (label), part);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), css_class));
  return label;
}

void
test_assert_field_error (GtkWidget  *row,
                         const char *part)
{
  assert_message (row, "error", part);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
}

void
test_assert_field_note (GtkWidget  *row,
                        const char *css_class,
                        const char *part)
{
  GtkLabel *label = assert_message (row, css_class, part);

  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (label), "error"));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
}

void
test_assert_field_clean (GtkWidget *row)
{
  GtkLabel *label = test_field_message (row);

  if (label != NULL)
    g_error ("“%s” shows “%s”, expected no message",
             adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), gtk_label_get_text (label));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
}

gboolean
test_label_shows (gpointer data)
{
  return gtk_widget_get_visible (data) && *gtk_label_get_text (data) != '\0';
}

/* A destroyed window has left GTK's list of toplevels. */
static gboolean
is_destroyed (gpointer data)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  return g_list_find (toplevels, data) == NULL;
}

void
test_wait_destroyed (GtkWidget *window,
                     guint      timeout_ms)
{
  if (!test_wait_for (is_destroyed, window, timeout_ms))
    {
      GtkWidget *failure = test_find_widget (window, GTK_TYPE_LABEL, test_has_name, "failure");

      /* A wizard says why it stayed. */
      g_error ("%s still open after %u ms, saying “%s”", G_OBJECT_TYPE_NAME (window), timeout_ms,
               failure != NULL ? gtk_label_get_text (GTK_LABEL (failure)) : "");
    }
}

static gboolean
is_settled (gpointer data)
{
  GtkWidget *window = data;
  GtkWidget *stack = test_find_widget (window, GTK_TYPE_STACK, NULL, NULL);

  return gtk_widget_get_mapped (window) &&
         (stack == NULL || !gtk_stack_get_transition_running (GTK_STACK (stack)));
}

void
test_save_screenshot (GtkWidget  *window,
                      const char *name)
{
  const char *dir = g_getenv ("HANGAR_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  if (dir == NULL)
    return;
  g_assert_true (test_wait_for (is_settled, window, 5000));
  /* Not a test's judgement, only a picture: let the last frame be drawn. */
  test_spin (300);

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}
