// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-connection-row.h"
#include "hangar-core.h"
#include "hangar-session.h"
#include "hangar-sparkline.h"
#include "hangar-window-private.h"

/* The manager window: hosts in a sidebar, the guests of the chosen one (or of all) in a
 * column view, and pages for when there is no guest to list. The guest list's model
 * chain and its cells are declared in hangar-window.ui; actions live in
 * hangar-window-actions.c. */

G_DEFINE_FINAL_TYPE (HangarWindow, hangar_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  OPEN_GUEST,
  OPEN_HOST,
  NEW_DOMAIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_view (HangarWindow *self);

/* Cells: the .ui's list item templates call these (template callbacks). A <closure>
 * function gets the object its expression is evaluated for first, then its
 * parameters. */

static char *
format_memory (gpointer this,
               guint64  kib)
{
  return g_format_size_full (kib * 1024, G_FORMAT_SIZE_IEC_UNITS);
}

static char *
format_uint (gpointer this,
             guint    value)
{
  return g_strdup_printf ("%u", value);
}

/* Every cell template has a secondary-button GtkGestureClick bound here, with the
 * cell's GtkListItem as data: the menu opens at the click, on that row. */
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

/* The guest list. */

/* Each connection becomes its own list of guests (see the chain in hangar-window.ui). */
static gpointer
map_connection_to_guests (gpointer item,
                          gpointer user_data)
{
  g_autoptr(HangarConnection) connection = item;

  return g_object_ref (hangar_connection_get_guests (connection));
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
on_watched_guest_state_cb (HangarWindow *self)
{
  _hangar_window_actions_update (self);
}

static void
unwatch_guests (HangarWindow *self)
{
  for (guint i = 0; i < self->watched_guests->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_guests, i),
                                          on_watched_guest_state_cb, self);
  g_ptr_array_set_size (self->watched_guests, 0);
}

/* The actions follow the selected guests' states as libvirt reports them. */
static void
on_selection_changed_cb (HangarWindow *self)
{
  g_autoptr(GPtrArray) guests = _hangar_window_get_selected_guests (self);

  unwatch_guests (self);
  for (guint i = 0; i < guests->len; i++)
    {
      HangarGuest *guest = g_ptr_array_index (guests, i);

      g_signal_connect_object (guest, "notify::state", G_CALLBACK (on_watched_guest_state_cb),
                               self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched_guests, g_object_ref (guest));
    }
  _hangar_window_actions_update (self);
}

/* Double click or Enter on a row. */
static void
on_column_view_activate_cb (HangarWindow *self,
                            guint         position)
{
  g_autoptr(HangarGuest) guest = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (guest != NULL)
    g_signal_emit (self, signals[OPEN_GUEST], 0, guest);
}

GListModel *
hangar_window_get_guest_model (HangarWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->selection);
}

/* The empty pages, and the title. */

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
  /* Cancel is no suggestion; Retry, Connect and Add are. */
  if (self->cancel_connection != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->empty_button), "suggested-action");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->empty_button), "suggested-action");
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

/* The title says which host and how many guests; with no guest to list, the empty
 * page says why, in order: no hosts at all, nothing matches the search, a host still
 * opening, one that failed (with Retry), the chosen one not connected (Connect), or
 * simply no guests. */
static void
update_view (HangarWindow *self)
{
  GListModel *connections = hangar_session_get_connections (self->session);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint n_guests = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  HangarConnection *failed, *idle;
  g_autofree char *subtitle = NULL;

  adw_window_title_set_title (self->content_title,
                              self->selected_connection != NULL
                                ? hangar_connection_get_title (self->selected_connection)
                                : _("All Hosts"));
  subtitle = g_strdup_printf (ngettext ("%u guest", "%u guests", n_guests), n_guests);
  adw_window_title_set_subtitle (self->content_title, subtitle);

  self->retry_connection = NULL;
  self->cancel_connection = NULL;
  /* Which host a new guest goes to follows the hosts' states and the sidebar. */
  _hangar_window_actions_update (self);

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

  self->cancel_connection = first_connection_in_state (self,
                                                       HANGAR_CONNECTION_STATE_CONNECTING);
  if (self->cancel_connection != NULL)
    {
      /* Cancel gives up at once: libvirt's wait on a silent host is abandoned. */
      show_empty (self, "content-loading-symbolic", _("Connecting…"),
                  _("The guest list appears as soon as the host answers."), _("_Cancel"));
      return;
    }

  failed = first_connection_in_state (self, HANGAR_CONNECTION_STATE_FAILED);
  if (failed == NULL)
    failed = first_connection_in_state (self, HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS);
  /* The chosen host, or (All Hosts) one while none is open — after Cancel, say. */
  idle = first_connection_in_state (self, HANGAR_CONNECTION_STATE_DISCONNECTED);
  if (failed == NULL && idle != NULL &&
      first_connection_in_state (self, HANGAR_CONNECTION_STATE_CONNECTED) == NULL)
    {
      show_empty (self, "network-offline-symbolic", _("Not Connected"),
                  _("Connect to this host to see its virtual machines."), _("_Connect"));
      self->retry_connection = idle;
      return;
    }
  if (failed != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could Not Connect to %s"),
                                                hangar_connection_get_title (failed));

      show_empty (self, "network-offline-symbolic", title,
                  hangar_connection_get_error_message (failed), _("_Retry"));
      self->retry_connection = failed;
      return;
    }

  show_empty (self, "computer-symbolic", _("No Guests"),
              _("This host has no virtual machines yet."), NULL);
}

static void
on_empty_button_clicked_cb (HangarWindow *self)
{
  if (self->cancel_connection != NULL)
    hangar_connection_close (self->cancel_connection);
  else if (self->retry_connection != NULL)
    hangar_session_open_connection (self->session, self->retry_connection);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.add-connection", NULL);
}

/* The sidebar: "All Hosts", then a row per connection of the session, bound to its list
 * (GtkListBox creates and drops rows as connections come and go):
 *
 *   GListStore [ GListStore [ all-hosts marker ], session connections ]
 *     → GtkFlattenListModel → host_list
 */

static void
on_connection_state_cb (HangarWindow *self)
{
  update_view (self);
}

static void
on_connection_row_remove_cb (HangarConnectionRow *row,
                             HangarWindow        *self)
{
  hangar_session_remove_connection (self->session, hangar_connection_row_get_connection (row));
}

static void
on_connection_row_edit_cb (HangarConnectionRow *row,
                           HangarWindow        *self)
{
  HangarAddConnectionDialog *dialog =
    hangar_add_connection_dialog_new_for_connection (self->session,
                                                     hangar_connection_row_get_connection (row));

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_connection_row_retry_cb (HangarConnectionRow *row,
                            HangarWindow        *self)
{
  hangar_session_open_connection (self->session, hangar_connection_row_get_connection (row));
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
on_connection_row_details_cb (HangarConnectionRow *row,
                              HangarWindow        *self)
{
  g_signal_emit (self, signals[OPEN_HOST], 0, hangar_connection_row_get_connection (row));
}

static GtkWidget *
create_host_row (gpointer item,
                 gpointer user_data)
{
  HangarWindow *self = user_data;
  GtkWidget *row;

  if (!HANGAR_IS_CONNECTION (item))
    return create_all_hosts_row ();

  row = hangar_connection_row_new (item);
  g_signal_connect_object (row, "remove", G_CALLBACK (on_connection_row_remove_cb), self, 0);
  g_signal_connect_object (row, "retry", G_CALLBACK (on_connection_row_retry_cb), self, 0);
  g_signal_connect_object (row, "details", G_CALLBACK (on_connection_row_details_cb), self, 0);
  g_signal_connect_object (row, "edit", G_CALLBACK (on_connection_row_edit_cb), self, 0);
  /* The empty page and the title follow each host's state. */
  g_signal_handlers_disconnect_by_func (item, on_connection_state_cb, self);
  g_signal_connect_object (item, "notify::state", G_CALLBACK (on_connection_state_cb), self,
                           G_CONNECT_SWAPPED);
  return row;
}

static void
on_host_list_row_selected_cb (HangarWindow  *self,
                              GtkListBoxRow *row)
{
  HangarConnection *connection = NULL;

  if (row != NULL && HANGAR_IS_CONNECTION_ROW (row))
    connection = hangar_connection_row_get_connection (HANGAR_CONNECTION_ROW (row));

  if (connection == self->selected_connection)
    return;
  self->selected_connection = connection;
  gtk_filter_changed (GTK_FILTER (self->host_filter), GTK_FILTER_CHANGE_DIFFERENT);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  update_view (self);
}

/* Runs after the list box has its rows for the change: a removed host that was chosen
 * leaves no row selected, and All Hosts takes its place; one replaced in place (Edit
 * Connection gave it another URI: one item for one) stays chosen as its successor. */
static void
on_connections_changed_cb (HangarWindow *self,
                           guint         position,
                           guint         removed,
                           guint         added)
{
  /* The sidebar's rows: All Hosts, then the session's connections. */
  guint index = removed == 1 && added == 1 ? position + 1 : 0;

  if (gtk_list_box_get_selected_row (self->host_list) == NULL)
    gtk_list_box_select_row (self->host_list,
                             gtk_list_box_get_row_at_index (self->host_list, index));
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

/* Search: the filter follows the entry's search-changed, which waits for a pause in
 * typing, not every key. */

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
  /* Nothing the session or the models do from here may reach widgets being torn down
   * (emptying the list box, for one, unselects its row). */
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
  if (self->host_list != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->host_list, on_host_list_row_selected_cb, self);
      gtk_list_box_bind_model (self->host_list, NULL, NULL, NULL, NULL);
    }
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->context_menu != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->context_menu));
      self->context_menu = NULL;
    }
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
  g_autoptr(GListStore) all_hosts = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(GObject) marker = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GListStore) sidebar = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GtkFlattenListModel) host_rows = NULL;
  g_autoptr(GtkMapListModel) guest_lists = NULL;
  GListModel *connections;

  G_OBJECT_CLASS (hangar_window_parent_class)->constructed (object);
  g_assert (HANGAR_IS_SESSION (self->session));
  connections = hangar_session_get_connections (self->session);

  restore_size (self);

  /* The head of the guest list's chain (the rest is in the .ui). */
  guest_lists = gtk_map_list_model_new (g_object_ref (connections), map_connection_to_guests,
                                        NULL, NULL);
  gtk_flatten_list_model_set_model (self->all_guests, G_LIST_MODEL (guest_lists));

  g_list_store_append (all_hosts, marker);
  g_list_store_append (sidebar, all_hosts);
  g_list_store_append (sidebar, connections);
  host_rows = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&sidebar)));
  gtk_list_box_bind_model (self->host_list, G_LIST_MODEL (host_rows), create_host_row, self,
                           NULL);
  g_signal_connect_object (connections, "items-changed", G_CALLBACK (on_connections_changed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_list_box_select_row (self->host_list, gtk_list_box_get_row_at_index (self->host_list, 0));

  update_view (self);
  _hangar_window_actions_update (self);
}

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

  /* The user asked for @guest's window. The application, which makes windows, answers
   * it; the window knows nothing of the application. */
  signals[OPEN_GUEST] =
    g_signal_new ("open-guest", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, HANGAR_TYPE_GUEST);
  /* The user asked for a host's page, as for a guest's window. */
  signals[OPEN_HOST] =
    g_signal_new ("open-host", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, HANGAR_TYPE_CONNECTION);

  /* The user asked for a new guest on the host given (win.new-domain). */
  signals[NEW_DOMAIN] =
    g_signal_new ("new-domain", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, HANGAR_TYPE_CONNECTION);

  /* Types the .ui names before anything else would register them. */
  g_type_ensure (HANGAR_TYPE_GUEST);
  g_type_ensure (HANGAR_TYPE_SESSION);
  g_type_ensure (HANGAR_TYPE_SPARKLINE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, host_list);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, name_column);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, empty_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, guest_context_menu);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, power_button);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, all_guests);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, name_filter);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, host_filter);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, filter_model);
  gtk_widget_class_bind_template_child (widget_class, HangarWindow, selection);
  gtk_widget_class_bind_template_callback (widget_class, on_host_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_empty_button_clicked_cb);
  /* The cell templates (GtkBuilderListItemFactory) build with this class's scope, so
   * their closures and signal handlers are found here. */
  gtk_widget_class_bind_template_callback (widget_class, format_memory);
  gtk_widget_class_bind_template_callback (widget_class, format_uint);
  gtk_widget_class_bind_template_callback (widget_class, on_cell_pressed_cb);

  _hangar_window_class_actions_init (widget_class);
}

static void
hangar_window_init (HangarWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->watched_guests = g_ptr_array_new_with_free_func (g_object_unref);

  /* Typing anywhere in the window (key-capture-widget, set in the .ui) goes to this
   * entry; without it GtkSearchBar warns once per key and the search never opens. */
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));

  gtk_custom_filter_set_filter_func (self->host_filter, filter_by_host, self, NULL);
  gtk_column_view_sort_by_column (self->column_view, self->name_column, GTK_SORT_ASCENDING);
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_filter_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);

  /* The guest menu of a right click, placed where the click was (on_cell_pressed_cb). */
  self->context_menu =
    GTK_POPOVER_MENU (gtk_popover_menu_new_from_model (self->guest_context_menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (GTK_WIDGET (self->context_menu), GTK_ALIGN_START);
  gtk_widget_set_parent (GTK_WIDGET (self->context_menu), GTK_WIDGET (self->column_view));
}

HangarWindow *
hangar_window_new (GtkApplication *application,
                   HangarSession  *session)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (HANGAR_IS_SESSION (session), NULL);

  return g_object_new (HANGAR_TYPE_WINDOW, "application", application, "session", session, NULL);
}
