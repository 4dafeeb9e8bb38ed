// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-connection-row.h"
#include "hangar-core.h"
#include "hangar-session.h"
#include "hangar-sparkline.h"
#include "hangar-window.h"

struct _HangarWindow
{
  AdwApplicationWindow parent_instance;

  HangarSession *session;
  GCancellable *cancellable;

  /* Template widgets. */
  AdwLeaflet *leaflet;
  GtkListBox *host_list;
  AdwWindowTitle *content_title;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkColumnView *column_view;
  GtkColumnViewColumn *name_column;
  AdwStatusPage *empty_page;
  GtkButton *empty_button;
  GtkMenuButton *power_button;
  GMenuModel *guest_context_menu;
  GtkPopoverMenu *context_menu;

  /* The model chain, see setup_model (). */
  GtkStringFilter *name_filter;
  GtkCustomFilter *host_filter;
  GtkFilterListModel *filter_model;
  GtkSortListModel *sort_model;
  GtkMultiSelection *selection;

  HangarConnection *selected_connection;
  GPtrArray *watched_guests;
  gboolean list_shown_traced;
  guint view_update_source;
};

G_DEFINE_FINAL_TYPE (HangarWindow, hangar_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_view (HangarWindow *self);

/* Selected guests, in view order. */
static GPtrArray *
get_selected_guests (HangarWindow *self)
{
  g_autoptr(GtkBitset) bitset = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *guests = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  if (gtk_bitset_iter_init_first (&iter, bitset, &position))
    do
      g_ptr_array_add (guests, g_list_model_get_item (G_LIST_MODEL (self->selection), position));
    while (gtk_bitset_iter_next (&iter, &position));

  return guests;
}

static const struct {
  const char *name;
  HangarGuestAction action;
} guest_actions[] = {
  { "win.run-guest", HANGAR_GUEST_ACTION_RUN },
  { "win.pause-guest", HANGAR_GUEST_ACTION_PAUSE },
  { "win.resume-guest", HANGAR_GUEST_ACTION_RESUME },
  { "win.shutdown-guest", HANGAR_GUEST_ACTION_SHUTDOWN },
  { "win.reboot-guest", HANGAR_GUEST_ACTION_REBOOT },
  { "win.force-off-guest", HANGAR_GUEST_ACTION_FORCE_OFF },
  { "win.delete-guest", HANGAR_GUEST_ACTION_DELETE },
};

/* Enables each action when at least one selected guest can take it. */
static void
hangar_window_actions_update (HangarWindow *self)
{
  g_autoptr(GPtrArray) guests = get_selected_guests (self);

  for (guint i = 0; i < G_N_ELEMENTS (guest_actions); i++)
    {
      gboolean enabled = FALSE;

      for (guint j = 0; j < guests->len && !enabled; j++)
        enabled = hangar_guest_can_do (g_ptr_array_index (guests, j), guest_actions[i].action);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), guest_actions[i].name, enabled);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-guest", guests->len > 0);
  /* The power menu's entries are all guest actions: a selection enables some. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->power_button), guests->len > 0);
}

static void
on_watched_guest_state_cb (HangarWindow *self)
{
  hangar_window_actions_update (self);
}

static void
unwatch_guests (HangarWindow *self)
{
  for (guint i = 0; i < self->watched_guests->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_guests, i),
                                          on_watched_guest_state_cb, self);
  g_ptr_array_set_size (self->watched_guests, 0);
}

static void
on_selection_changed_cb (HangarWindow *self)
{
  g_autoptr(GPtrArray) guests = get_selected_guests (self);

  /* The actions follow the selected guests' states as libvirt reports them. */
  unwatch_guests (self);
  for (guint i = 0; i < guests->len; i++)
    {
      HangarGuest *guest = g_ptr_array_index (guests, i);

      g_signal_connect_object (guest, "notify::state", G_CALLBACK (on_watched_guest_state_cb),
                               self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched_guests, g_object_ref (guest));
    }
  hangar_window_actions_update (self);
}

/* Lifecycle actions. */

/* A message over the window, with a Close button. */
void
hangar_window_show_error (HangarWindow *self,
                          const char   *heading,
                          const char   *body)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_action_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(HangarWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_guest_run_action_finish (HANGAR_GUEST (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      hangar_window_show_error (self, _("Action Failed"), error->message);
    }
  /* Success shows through libvirt's event, which changes the row's state. */
}

static void
run_on_selected (HangarWindow     *self,
                 HangarGuestAction action)
{
  g_autoptr(GPtrArray) guests = get_selected_guests (self);

  for (guint i = 0; i < guests->len; i++)
    {
      HangarGuest *guest = g_ptr_array_index (guests, i);

      if (hangar_guest_can_do (guest, action))
        hangar_guest_run_action_async (guest, action, self->cancellable, on_action_done_cb,
                                       g_object_ref (self));
    }
}

static void
guest_action_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  for (guint i = 0; i < G_N_ELEMENTS (guest_actions); i++)
    if (g_str_equal (guest_actions[i].name, action_name))
      run_on_selected (self, guest_actions[i].action);
}

static void
on_delete_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       HangarWindow     *self)
{
  GPtrArray *guests = g_object_get_data (G_OBJECT (dialog), "guests");

  if (!g_str_equal (response, "delete"))
    return;

  for (guint i = 0; i < guests->len; i++)
    hangar_guest_run_action_async (g_ptr_array_index (guests, i), HANGAR_GUEST_ACTION_DELETE,
                                   self->cancellable, on_action_done_cb, g_object_ref (self));
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  GPtrArray *guests = get_selected_guests (self);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  if (guests->len == 0)
    {
      g_ptr_array_unref (guests);
      return;
    }

  if (guests->len == 1)
    {
      HangarGuest *guest = g_ptr_array_index (guests, 0);

      heading = g_strdup_printf (_("Delete “%s”?"), hangar_guest_get_name (guest));
      body = g_strdup_printf (hangar_guest_is_active (guest)
                                ? _("The guest is running: it will be forced off and its "
                                    "definition removed from %s. Its disk images are kept.")
                                : _("Its definition will be removed from %s. Its disk images "
                                    "are kept."),
                              hangar_guest_get_host_name (guest));
    }
  else
    {
      heading = g_strdup_printf (ngettext ("Delete %u Guest?", "Delete %u Guests?", guests->len),
                                 guests->len);
      body = g_strdup (_("Running guests will be forced off and their definitions removed. "
                         "Their disk images are kept."));
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "guests", guests, (GDestroyNotify)g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_guest_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  g_autoptr(GPtrArray) guests = get_selected_guests (self);

  for (guint i = 0; i < guests->len; i++)
    hangar_application_show_guest (HANGAR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))), g_ptr_array_index (guests, i));
}

static void
on_column_view_activate_cb (HangarWindow *self,
                            guint         position)
{
  g_autoptr(HangarGuest) guest = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (guest != NULL)
    hangar_application_show_guest (HANGAR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))), guest);
}

static void
add_connection_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);
  HangarAddConnectionDialog *dialog = hangar_add_connection_dialog_new (HANGAR_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
search_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarWindow *self = HANGAR_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Cells. Bindings made in bind are kept on the list item and undone in unbind. */

static void
keep_binding (GtkListItem *item,
              GBinding    *binding)
{
  GPtrArray *bindings = g_object_get_data (G_OBJECT (item), "hangar-bindings");

  if (bindings == NULL)
    {
      bindings = g_ptr_array_new ();
      g_object_set_data_full (G_OBJECT (item), "hangar-bindings", bindings,
                              (GDestroyNotify)g_ptr_array_unref);
    }
  g_ptr_array_add (bindings, binding);
}

static void
on_cell_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GPtrArray *bindings = g_object_get_data (G_OBJECT (item), "hangar-bindings");
  GtkWidget *child = gtk_list_item_get_child (item);

  if (bindings != NULL)
    {
      for (guint i = 0; i < bindings->len; i++)
        g_binding_unbind (g_ptr_array_index (bindings, i));
      g_ptr_array_set_size (bindings, 0);
    }
  if (HANGAR_IS_SPARKLINE (child))
    hangar_sparkline_set_guest (HANGAR_SPARKLINE (child), NULL);
}

static void
on_cell_pressed_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    GtkListItem     *item)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  HangarWindow *self = HANGAR_WINDOW (gtk_widget_get_root (cell));
  guint position = gtk_list_item_get_position (item);
  graphene_point_t point;

  if (position == GTK_INVALID_LIST_POSITION)
    return;

  /* Right-click acts on the clicked row, keeping a selection that includes it. */
  if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);

  if (!gtk_widget_compute_point (cell, GTK_WIDGET (self->column_view),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { point.x, point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
add_context_gesture (GtkWidget   *cell,
                     GtkListItem *item)
{
  GtkGesture *gesture = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_cell_pressed_cb), item);
  gtk_widget_add_controller (cell, GTK_EVENT_CONTROLLER (gesture));
}

static GtkWidget *
new_label (float xalign)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

static void
on_name_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *label = new_label (0.0);

  gtk_widget_add_css_class (label, "heading");
  add_context_gesture (label, item);
  gtk_list_item_set_child (item, label);
}

static void
on_name_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  HangarGuest *guest = gtk_list_item_get_item (item);

  keep_binding (item, g_object_bind_property (guest, "name", gtk_list_item_get_child (item),
                                              "label", G_BINDING_SYNC_CREATE));
}

static void
on_state_setup_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), new_label (0.0));
  add_context_gesture (box, item);
  gtk_list_item_set_child (item, box);
}

static void
on_state_bind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  HangarGuest *guest = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (image);

  keep_binding (item, g_object_bind_property (guest, "state-icon", image, "icon-name",
                                              G_BINDING_SYNC_CREATE));
  keep_binding (item, g_object_bind_property (guest, "state-label", label, "label",
                                              G_BINDING_SYNC_CREATE));
}

static void
on_cpu_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *sparkline = hangar_sparkline_new ();

  add_context_gesture (sparkline, item);
  gtk_list_item_set_child (item, sparkline);
}

static void
on_cpu_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  hangar_sparkline_set_guest (HANGAR_SPARKLINE (gtk_list_item_get_child (item)),
                              gtk_list_item_get_item (item));
}

static void
on_number_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GtkWidget *label = new_label (1.0);

  gtk_widget_add_css_class (label, "numeric");
  add_context_gesture (label, item);
  gtk_list_item_set_child (item, label);
}

static gboolean
memory_to_label (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  g_value_take_string (to, g_format_size_full (g_value_get_uint64 (from) * 1024,
                                               G_FORMAT_SIZE_IEC_UNITS));
  return TRUE;
}

static void
on_memory_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  keep_binding (item, g_object_bind_property_full (gtk_list_item_get_item (item), "memory",
                                                   gtk_list_item_get_child (item), "label",
                                                   G_BINDING_SYNC_CREATE, memory_to_label,
                                                   NULL, NULL, NULL));
}

static gboolean
uint_to_label (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  g_value_take_string (to, g_strdup_printf ("%u", g_value_get_uint (from)));
  return TRUE;
}

static void
on_vcpus_bind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  keep_binding (item, g_object_bind_property_full (gtk_list_item_get_item (item), "vcpus",
                                                   gtk_list_item_get_child (item), "label",
                                                   G_BINDING_SYNC_CREATE, uint_to_label,
                                                   NULL, NULL, NULL));
}

static void
on_host_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *label = new_label (0.0);

  gtk_widget_add_css_class (label, "dim-label");
  add_context_gesture (label, item);
  gtk_list_item_set_child (item, label);
}

static void
on_host_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  keep_binding (item, g_object_bind_property (gtk_list_item_get_item (item), "host-name",
                                              gtk_list_item_get_child (item), "label",
                                              G_BINDING_SYNC_CREATE));
}

/* The model chain:
 *
 *   connections (GListStore<HangarConnection>)
 *     → GtkMapListModel (each connection → its GListStore<HangarGuest>)
 *     → GtkFlattenListModel (all guests)
 *     → GtkFilterListModel (name contains the search text, and on the selected host)
 *     → GtkSortListModel (the column view's sorter)
 *     → GtkMultiSelection → GtkColumnView
 */
static gpointer
map_connection_to_guests (gpointer item,
                          gpointer user_data)
{
  HangarConnection *connection = item;
  GListModel *guests = g_object_ref (hangar_connection_get_guests (connection));

  g_object_unref (connection);
  return guests;
}

static gboolean
filter_by_host (gpointer item,
                gpointer user_data)
{
  HangarWindow *self = user_data;
  return self->selected_connection == NULL ||
         hangar_guest_get_connection (item) == self->selected_connection;
}

static void
on_frame_after_paint_cb (GdkFrameClock *clock,
                         HangarWindow  *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_frame_after_paint_cb, self);
  hangar_trace ("list-shown", "%u",
                g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)));
}

static void
on_filter_items_changed_cb (HangarWindow *self)
{
  update_view (self);

  /* For the benchmark: the first frame painted with guest rows in it. */
  if (!self->list_shown_traced && hangar_trace_get_enabled () &&
      g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) > 0)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      self->list_shown_traced = TRUE;
      if (clock != NULL)
        g_signal_connect (clock, "after-paint", G_CALLBACK (on_frame_after_paint_cb), self);
    }
}

static void
setup_model (HangarWindow *self)
{
  GListModel *connections = hangar_session_get_connections (self->session);
  GtkMapListModel *map;
  GtkFlattenListModel *flat;
  GtkEveryFilter *filter;

  map = gtk_map_list_model_new (g_object_ref (connections), map_connection_to_guests, NULL,
                                NULL);
  flat = gtk_flatten_list_model_new (G_LIST_MODEL (map));

  self->name_filter = gtk_string_filter_new (gtk_property_expression_new (HANGAR_TYPE_GUEST,
                                                                         NULL, "name"));
  gtk_string_filter_set_ignore_case (self->name_filter, TRUE);
  gtk_string_filter_set_match_mode (self->name_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  self->host_filter = gtk_custom_filter_new (filter_by_host, self, NULL);

  filter = gtk_every_filter_new ();
  gtk_multi_filter_append (GTK_MULTI_FILTER (filter), g_object_ref (GTK_FILTER (self->name_filter)));
  gtk_multi_filter_append (GTK_MULTI_FILTER (filter), g_object_ref (GTK_FILTER (self->host_filter)));

  self->filter_model = gtk_filter_list_model_new (G_LIST_MODEL (flat), GTK_FILTER (filter));
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_column_view_sort_by_column (self->column_view, self->name_column, GTK_SORT_ASCENDING);

  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_filter_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
}

/* The empty states, and the title. */

static HangarConnection *
first_connection_in_state (HangarWindow         *self,
                           HangarConnectionState state)
{
  GListModel *connections = hangar_session_get_connections (self->session);
  guint n = g_list_model_get_n_items (connections);

  if (self->selected_connection != NULL)
    return hangar_connection_get_state (self->selected_connection) == state
             ? self->selected_connection
             : NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarConnection) connection = g_list_model_get_item (connections, i);

      if (hangar_connection_get_state (connection) == state)
        return connection;
    }
  return NULL;
}

static void
show_empty (HangarWindow *self,
            const char   *icon_name,
            const char   *title,
            const char   *description,
            const char   *button_label)
{
  adw_status_page_set_icon_name (self->empty_page, icon_name);
  adw_status_page_set_title (self->empty_page, title);
  /* AdwStatusPage scrolls its content in a focusable GtkScrolledWindow of its own, which
   * a screen reader would announce without a name: it gets the page's title. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->empty_page)); child;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_SCROLLED_WINDOW (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      title, -1);
  adw_status_page_set_description (self->empty_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_button), button_label != NULL);
  if (button_label != NULL)
    gtk_button_set_label (self->empty_button, button_label);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
update_view (HangarWindow *self)
{
  GListModel *connections = hangar_session_get_connections (self->session);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint n_guests = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  HangarConnection *failed;
  g_autofree char *subtitle = NULL;

  if (self->selected_connection != NULL)
    {
      adw_window_title_set_title (self->content_title,
                                  hangar_connection_get_title (self->selected_connection));
      subtitle = g_strdup_printf (ngettext ("%u guest", "%u guests", n_guests), n_guests);
    }
  else
    {
      adw_window_title_set_title (self->content_title, _("All Hosts"));
      subtitle = g_strdup_printf (ngettext ("%u guest", "%u guests", n_guests), n_guests);
    }
  adw_window_title_set_subtitle (self->content_title, subtitle);

  g_object_set_data (G_OBJECT (self->empty_button), "hangar-retry", NULL);

  if (n_guests > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "guests");
      return;
    }

  if (g_list_model_get_n_items (connections) == 0)
    {
      show_empty (self, "network-server-symbolic", _("No Connections"),
                  _("Add a connection to a hypervisor to see its virtual machines."),
                  _("_Add Connection…"));
      return;
    }

  if (search != NULL && *search != '\0')
    {
      g_autofree char *description =
        g_strdup_printf (_("No guest’s name contains “%s”."), search);

      show_empty (self, "system-search-symbolic", _("No Matching Guests"), description, NULL);
      return;
    }

  if (first_connection_in_state (self, HANGAR_CONNECTION_STATE_CONNECTING) != NULL)
    {
      show_empty (self, "content-loading-symbolic", _("Connecting…"),
                  _("The guest list appears as soon as the host answers."), NULL);
      return;
    }

  failed = first_connection_in_state (self, HANGAR_CONNECTION_STATE_FAILED);
  if (failed == NULL)
    failed = first_connection_in_state (self, HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS);
  if (failed == NULL && self->selected_connection != NULL &&
      hangar_connection_get_state (self->selected_connection) ==
        HANGAR_CONNECTION_STATE_DISCONNECTED)
    {
      show_empty (self, "network-offline-symbolic", _("Not Connected"),
                  _("Connect to this host to see its virtual machines."), _("_Connect"));
      g_object_set_data (G_OBJECT (self->empty_button), "hangar-retry",
                         self->selected_connection);
      return;
    }
  if (failed != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could Not Connect to %s"),
                                                hangar_connection_get_title (failed));

      show_empty (self, "network-offline-symbolic", title,
                  hangar_connection_get_error_message (failed), _("_Retry"));
      g_object_set_data (G_OBJECT (self->empty_button), "hangar-retry", failed);
      return;
    }

  show_empty (self, "computer-symbolic", _("No Guests"),
              _("This host has no virtual machines yet."), NULL);
}

static void
on_empty_button_clicked_cb (HangarWindow *self)
{
  HangarConnection *retry = g_object_get_data (G_OBJECT (self->empty_button), "hangar-retry");

  if (retry != NULL)
    hangar_session_open_connection (self->session, retry);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.add-connection", NULL);
}

/* The sidebar: "All Hosts" and one row per connection. */

static void
on_connection_state_cb (HangarWindow *self)
{
  update_view (self);
}

static void
on_connection_row_remove_cb (HangarConnectionRow *row,
                             HangarWindow        *self)
{
  hangar_session_remove_connection (self->session,
                                        hangar_connection_row_get_connection (row));
}

static void
on_connection_row_retry_cb (HangarConnectionRow *row,
                            HangarWindow        *self)
{
  hangar_session_open_connection (self->session,
                                      hangar_connection_row_get_connection (row));
}

static GtkWidget *
create_all_hosts_row (void)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_("All Hosts"));

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("view-list-symbolic"));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
rebuild_host_list (HangarWindow *self)
{
  GListModel *connections = hangar_session_get_connections (self->session);
  HangarConnection *keep = self->selected_connection;
  GtkListBoxRow *select_row = NULL;
  GtkWidget *child;
  guint n = g_list_model_get_n_items (connections);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->host_list))) != NULL)
    gtk_list_box_remove (self->host_list, child);

  child = create_all_hosts_row ();
  gtk_list_box_append (self->host_list, child);
  select_row = GTK_LIST_BOX_ROW (child);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarConnection) connection = g_list_model_get_item (connections, i);
      GtkWidget *row = hangar_connection_row_new (connection);

      g_signal_connect_object (row, "remove", G_CALLBACK (on_connection_row_remove_cb), self, 0);
      g_signal_connect_object (row, "retry", G_CALLBACK (on_connection_row_retry_cb), self, 0);
      g_signal_handlers_disconnect_by_func (connection, on_connection_state_cb, self);
      g_signal_connect_object (connection, "notify::state", G_CALLBACK (on_connection_state_cb),
                               self, G_CONNECT_SWAPPED);
      gtk_list_box_append (self->host_list, row);
      if (connection == keep)
        select_row = GTK_LIST_BOX_ROW (row);
    }

  gtk_list_box_select_row (self->host_list, select_row);
}

static void
on_host_list_row_selected_cb (HangarWindow  *self,
                              GtkListBoxRow *row)
{
  HangarConnection *connection = NULL;

  /* Disposing the template empties the list, which unselects its row: too late. */
  if (self->host_filter == NULL)
    return;
  if (row != NULL && HANGAR_IS_CONNECTION_ROW (row))
    connection = hangar_connection_row_get_connection (HANGAR_CONNECTION_ROW (row));

  if (connection == self->selected_connection)
    return;
  self->selected_connection = connection;
  gtk_filter_changed (GTK_FILTER (self->host_filter), GTK_FILTER_CHANGE_DIFFERENT);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  update_view (self);
}

static void
on_connections_changed_cb (HangarWindow *self)
{
  GListModel *connections = hangar_session_get_connections (self->session);
  gboolean still_there = FALSE;
  guint n = g_list_model_get_n_items (connections);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarConnection) connection = g_list_model_get_item (connections, i);
      still_there |= connection == self->selected_connection;
    }
  if (!still_there)
    self->selected_connection = NULL;

  rebuild_host_list (self);
  update_view (self);
}

void
hangar_window_select_connection (HangarWindow     *self,
                                 HangarConnection *connection)
{
  g_return_if_fail (HANGAR_IS_WINDOW (self));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->host_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      if (HANGAR_IS_CONNECTION_ROW (row) &&
          hangar_connection_row_get_connection (HANGAR_CONNECTION_ROW (row)) == connection)
        {
          gtk_list_box_select_row (self->host_list, GTK_LIST_BOX_ROW (row));
          return;
        }
    }
}

GListModel *
hangar_window_get_guest_model (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->selection);
}

/* Search. */

static void
on_search_entry_search_changed_cb (HangarWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  gtk_string_filter_set_search (self->name_filter, *text ? text : NULL);
  update_view (self);
}

static void
on_search_entry_stop_search_cb (HangarWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

/* GObject. */

static void
hangar_window_dispose (GObject *object)
{
  HangarWindow *self = (HangarWindow *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->watched_guests != NULL)
    unwatch_guests (self);
  if (self->session != NULL)
    {
      GListModel *connections = hangar_session_get_connections (self->session);
      guint n = g_list_model_get_n_items (connections);

      g_signal_handlers_disconnect_by_func (connections, on_connections_changed_cb, self);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(HangarConnection) connection = g_list_model_get_item (connections, i);
          g_signal_handlers_disconnect_by_func (connection, on_connection_state_cb, self);
        }
    }
  if (self->context_menu != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->context_menu));
      self->context_menu = NULL;
    }
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->name_filter);
  g_clear_object (&self->host_filter);
  g_clear_pointer (&self->watched_guests, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_WINDOW);

  G_OBJECT_CLASS (hangar_window_parent_class)->dispose (object);
}

static void
hangar_window_finalize (GObject *object)
{
  HangarWindow *self = (HangarWindow *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (hangar_window_parent_class)->finalize (object);
}

static void
hangar_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HangarWindow *self = HANGAR_WINDOW (object);

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
hangar_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void hangar_window_constructed (GObject *object);

static void
hangar_window_class_init (HangarWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hangar_window_constructed;
  object_class->get_property = hangar_window_get_property;
  object_class->set_property = hangar_window_set_property;
  object_class->dispose = hangar_window_dispose;
  object_class->finalize = hangar_window_finalize;

  /* What the window shows: the session's hosts and their guests. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, HANGAR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HANGAR_TYPE_GUEST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, host_list);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, name_column);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, empty_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, guest_context_menu);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, power_button);
  gtk_widget_class_bind_template_callback (widget_class, on_host_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_empty_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_state_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_state_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cpu_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cpu_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_number_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_memory_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_vcpus_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_host_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_host_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cell_unbind_cb);

  for (guint i = 0; i < G_N_ELEMENTS (guest_actions); i++)
    if (guest_actions[i].action != HANGAR_GUEST_ACTION_DELETE)
      gtk_widget_class_install_action (widget_class, guest_actions[i].name, NULL,
                                       guest_action_activated);
  gtk_widget_class_install_action (widget_class, "win.delete-guest", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "win.open-guest", NULL, open_guest_activated);
  gtk_widget_class_install_action (widget_class, "win.add-connection", NULL,
                                   add_connection_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-connection", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete-guest", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.open-guest", NULL);
}

static void
hangar_window_init (HangarWindow *self)
{
  g_type_ensure (HANGAR_TYPE_SPARKLINE);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Typing anywhere in the window (key-capture-widget, set in the .ui) goes to this
   * entry; without it GtkSearchBar warns once per key and the search never opens. */
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  self->cancellable = g_cancellable_new ();
  self->watched_guests = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
restore_size (HangarWindow *self)
{
  GSettings *settings = hangar_session_get_settings (self->session);

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

static void
hangar_window_constructed (GObject *object)
{
  HangarWindow *self = HANGAR_WINDOW (object);

  G_OBJECT_CLASS (hangar_window_parent_class)->constructed (object);

  self->context_menu = GTK_POPOVER_MENU (gtk_popover_menu_new_from_model (self->guest_context_menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (GTK_WIDGET (self->context_menu), GTK_ALIGN_START);
  gtk_widget_set_parent (GTK_WIDGET (self->context_menu), GTK_WIDGET (self->column_view));

  restore_size (self);
  setup_model (self);

  g_signal_connect_object (hangar_session_get_connections (self->session), "items-changed",
                           G_CALLBACK (on_connections_changed_cb), self, G_CONNECT_SWAPPED);
  rebuild_host_list (self);
  update_view (self);
  hangar_window_actions_update (self);
}

HangarWindow *
hangar_window_new (HangarApplication *application,
                   HangarSession     *session)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HANGAR_IS_SESSION (session), NULL);

  return g_object_new (HANGAR_TYPE_WINDOW, "application", application, "session", session, NULL);
}
