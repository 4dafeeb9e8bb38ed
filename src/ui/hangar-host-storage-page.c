// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-host-storage-page"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-host-storage-page-private.h"
#include "hangar-pool-wizard.h"
#include "hangar-pool.h"
#include "hangar-storage.h"
#include "hangar-ui-util.h"
#include "hangar-volume.h"

/* The page, its lists and its pool actions; the volume actions are in
 * hangar-host-storage-page-volumes.c. */

G_DEFINE_FINAL_TYPE (HangarHostStoragePage, hangar_host_storage_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_hangar_host_storage_page_show_error (HangarHostStoragePage *self,
                                      const char            *message)
{
  AdwToast *toast;

  /* Answers may come after the page was taken apart. */
  if (self->toast_overlay == NULL)
    return;
  /* The newest failure is the news: an older message would queue it behind itself. */
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 10);
  g_set_weak_pointer (&self->toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

HangarPool *
hangar_host_storage_page_get_selected_pool (HangarHostStoragePage *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_STORAGE_PAGE (self), NULL);
  return gtk_single_selection_get_selected_item (self->pool_selection);
}

HangarVolume *
hangar_host_storage_page_get_selected_volume (HangarHostStoragePage *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_STORAGE_PAGE (self), NULL);
  return gtk_single_selection_get_selected_item (self->volume_selection);
}

/* Closures of the template's bindings. */

static char *
pool_subtitle (gpointer    unused,
               const char *state_label,
               const char *type_label)
{
  /* TRANSLATORS: a pool's state and type, "Active · Filesystem Directory" */
  return g_strdup_printf (_("%s · %s"), state_label ? state_label : "",
                          type_label ? type_label : "");
}

static char *
pool_usage (gpointer unused,
            gboolean active,
            guint64  allocation,
            guint64  capacity,
            guint64  available)
{
  g_autofree char *used = NULL;
  g_autofree char *total = NULL;
  g_autofree char *free_text = NULL;

  if (!active)
    return g_strdup (_("Size known while running"));
  used = hangar_storage_format_size (allocation);
  total = hangar_storage_format_size (capacity);
  free_text = hangar_storage_format_size (available);
  /* The fill bar turns to the warning colour there too: the words say it as well. */
  if (capacity > 0 && allocation >= capacity / 10 * 9)
    /* TRANSLATORS: a pool's space, "95.0 GiB of 100 GiB used, nearly full: 5.0 GiB free" */
    return g_strdup_printf (_("%s of %s used, nearly full: %s free"), used, total, free_text);
  /* TRANSLATORS: a pool's space, "12.0 GiB of 100 GiB used, 88.0 GiB free" */
  return g_strdup_printf (_("%s of %s used, %s free"), used, total, free_text);
}

static gboolean
is_some (gpointer unused,
         GObject *object)
{
  return object != NULL;
}

static char *
format_size (gpointer unused,
             guint64  bytes)
{
  return hangar_storage_format_size (bytes);
}

/* What applies to the chosen pool and volume. */
void
_hangar_host_storage_page_update_actions (HangarHostStoragePage *self)
{
  HangarPool *pool = hangar_host_storage_page_get_selected_pool (self);
  HangarVolume *volume = hangar_host_storage_page_get_selected_volume (self);
  gboolean active = pool != NULL && hangar_pool_get_active (pool);
  gboolean volume_free = volume != NULL && active && self->job == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.new-pool", self->connection != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.start-pool", pool != NULL && !active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.stop-pool", active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.refresh-pool", active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.delete-pool", pool != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.new-volume", active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.resize-volume", volume_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "storage.delete-volume", volume_free);
}

/* The volume side: the list, or why there is none. */
static void
update_volume_page (HangarHostStoragePage *self)
{
  HangarPool *pool = hangar_host_storage_page_get_selected_pool (self);
  const char *page;

  if (pool == NULL)
    page = "no-pool";
  else if (!hangar_pool_get_active (pool))
    page = "inactive";
  else if (hangar_pool_get_volumes_loaded (pool) &&
           g_list_model_get_n_items (G_LIST_MODEL (self->volume_sort)) == 0)
    page = "empty";
  else
    page = "volumes";
  gtk_stack_set_visible_child_name (self->volume_stack, page);
}

static void
on_watched_pool_changed_cb (HangarHostStoragePage *self)
{
  update_volume_page (self);
  _hangar_host_storage_page_update_actions (self);
}

static void
on_pool_selected_cb (HangarHostStoragePage *self)
{
  HangarPool *pool = hangar_host_storage_page_get_selected_pool (self);

  if (self->watched_pool != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_pool, self);
  g_set_object (&self->watched_pool, pool);
  if (pool != NULL)
    {
      g_signal_connect_swapped (pool, "notify::active", G_CALLBACK (on_watched_pool_changed_cb),
                                self);
      g_signal_connect_swapped (pool, "notify::volumes-loaded",
                                G_CALLBACK (on_watched_pool_changed_cb), self);
    }
  on_watched_pool_changed_cb (self);
}

/* Pool operations: each reports its failure by the pool's name (core's sentence). */

typedef gboolean (*PoolFinish) (HangarPool   *pool,
                                GAsyncResult *result,
                                GError      **error);

typedef struct {
  HangarHostStoragePage *self;
  PoolFinish finish;
} PoolOp;

static void
on_pool_op_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PoolOp *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!op->finish (HANGAR_POOL (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _hangar_host_storage_page_show_error (op->self, error->message);
  if (op->self->toast_overlay != NULL)
    _hangar_host_storage_page_update_actions (op->self);
  g_object_unref (op->self);
  g_free (op);
}

static PoolOp *
pool_op_new (HangarHostStoragePage *self,
             PoolFinish             finish)
{
  PoolOp *op = g_new0 (PoolOp, 1);

  op->self = g_object_ref (self);
  op->finish = finish;
  return op;
}

/* New Pool…: the wizard, over this window; the pool joins the list by libvirt's event. */
static void
new_pool_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (widget);
  GtkWindow *wizard;

  g_return_if_fail (self->connection != NULL);
  wizard = hangar_pool_wizard_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->connection);
  gtk_window_present (wizard);
}

static void
start_pool_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (widget);
  HangarPool *pool = hangar_host_storage_page_get_selected_pool (self);

  g_return_if_fail (pool != NULL);
  hangar_pool_start_async (pool, self->cancellable, on_pool_op_done_cb,
                           pool_op_new (self, hangar_pool_start_finish));
}

static void
stop_pool_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (widget);
  HangarPool *pool = hangar_host_storage_page_get_selected_pool (self);

  g_return_if_fail (pool != NULL);
  hangar_pool_stop_async (pool, self->cancellable, on_pool_op_done_cb,
                          pool_op_new (self, hangar_pool_stop_finish));
}

static void
refresh_pool_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (widget);
  HangarPool *pool = hangar_host_storage_page_get_selected_pool (self);

  g_return_if_fail (pool != NULL);
  hangar_pool_refresh_async (pool, self->cancellable, on_pool_op_done_cb,
                             pool_op_new (self, hangar_pool_refresh_finish));
}

/* A question before something destructive: Cancel (the default, and Escape) or the
 * red @confirm_label, answering "delete"; with @check_label, a check box below the
 * body, returned in @check. */
AdwMessageDialog *
_hangar_host_storage_page_confirm (HangarHostStoragePage *self,
                                   const char            *heading,
                                   const char            *body,
                                   const char            *confirm_label,
                                   const char            *check_label,
                                   GtkCheckButton       **check)
{
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));
  if (check_label != NULL)
    {
      GtkWidget *button = gtk_check_button_new_with_mnemonic (check_label);

      gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
      adw_message_dialog_set_extra_child (dialog, button);
      *check = GTK_CHECK_BUTTON (button);
    }
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", confirm_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_default_response (dialog, "cancel");
  return dialog;
}

/* Delete Pool: a confirmation, with the pool's storage kept unless the box is ticked. */

typedef struct {
  HangarHostStoragePage *self;
  HangarPool *pool;
  GtkCheckButton *storage_check;
} DeletePool;

static void
delete_pool_free (gpointer  user_data,
                  GClosure *closure)
{
  DeletePool *data = user_data;

  g_object_unref (data->self);
  g_object_unref (data->pool);
  g_free (data);
}

static void
on_delete_pool_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            DeletePool       *data)
{
  HangarHostStoragePage *self = data->self;

  if (g_strcmp0 (response, "delete") == 0)
    hangar_pool_delete_async (data->pool, gtk_check_button_get_active (data->storage_check),
                              self->cancellable, on_pool_op_done_cb,
                              pool_op_new (self, hangar_pool_delete_finish));
}

static void
delete_pool_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (widget);
  HangarPool *pool = hangar_host_storage_page_get_selected_pool (self);
  const char *target = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *check_label = NULL;
  AdwMessageDialog *dialog;
  DeletePool *data;

  g_return_if_fail (pool != NULL);

  target = hangar_pool_get_target_path (pool);
  /* TRANSLATORS: %s is the pool's name */
  heading = g_strdup_printf (_("Delete the Pool “%s”?"), hangar_pool_get_name (pool));
  if (target != NULL && *target != '\0')
    /* TRANSLATORS: %s is where the pool keeps its volumes, "/var/lib/libvirt/images" */
    check_label = g_strdup_printf (_("Also _delete the pool’s storage (%s)"), target);
  else
    check_label = g_strdup (_("Also _delete the pool’s storage"));
  data = g_new0 (DeletePool, 1);
  dialog = _hangar_host_storage_page_confirm (self, heading,
                                              _("The host forgets the pool, and stops it first "
                                                "if it runs. Its volumes stay where they are "
                                                "unless you delete its storage too."),
                                              _("_Delete"), check_label, &data->storage_check);

  data->self = g_object_ref (self);
  data->pool = g_object_ref (pool);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_pool_response_cb), data,
                         delete_pool_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Autostart: the switch asks, and shows the pool's answer once libvirt gave it. */

typedef struct {
  HangarHostStoragePage *self;
  GtkListItem *item;
  GtkSwitch *toggle;
  HangarPool *pool;
} Autostart;

static void
on_autostart_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Autostart *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_pool_set_autostart_finish (data->pool, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _hangar_host_storage_page_show_error (data->self, error->message);

  /* The row may show another pool by now (rows are recycled). */
  if (gtk_list_item_get_item (data->item) == (gpointer)data->pool)
    {
      gboolean autostart = hangar_pool_get_autostart (data->pool);

      gtk_switch_set_active (data->toggle, autostart);
      gtk_switch_set_state (data->toggle, autostart);
    }
  g_object_unref (data->self);
  g_object_unref (data->item);
  g_object_unref (data->toggle);
  g_object_unref (data->pool);
  g_free (data);
}

static gboolean
on_autostart_state_set_cb (GtkSwitch   *toggle,
                           gboolean     state,
                           GtkListItem *item)
{
  HangarPool *pool = gtk_list_item_get_item (item);
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (toggle), HANGAR_TYPE_HOST_STORAGE_PAGE);
  Autostart *data;

  /* The binding showing the pool's value, or the answer arriving: nothing to ask. */
  if (pool == NULL || page == NULL || state == hangar_pool_get_autostart (pool))
    return FALSE;

  data = g_new0 (Autostart, 1);
  data->self = g_object_ref (HANGAR_HOST_STORAGE_PAGE (page));
  data->item = g_object_ref (item);
  data->toggle = g_object_ref (toggle);
  data->pool = g_object_ref (pool);
  hangar_pool_set_autostart_async (pool, state, data->self->cancellable, on_autostart_done_cb,
                                   data);
  /* The switch moves; its state follows once libvirt answered. */
  return TRUE;
}

/* Selecting from outside (tests, a caller that knows what to show). */

static guint
find_position (GListModel *model,
               gpointer    item)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) it = g_list_model_get_item (model, i);

      if (it == item)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

void
hangar_host_storage_page_select_pool (HangarHostStoragePage *self,
                                      HangarPool            *pool)
{
  g_return_if_fail (HANGAR_IS_HOST_STORAGE_PAGE (self));

  gtk_single_selection_set_selected (self->pool_selection,
                                     find_position (G_LIST_MODEL (self->pool_selection), pool));
}

void
hangar_host_storage_page_select_volume (HangarHostStoragePage *self,
                                        HangarVolume          *volume)
{
  g_return_if_fail (HANGAR_IS_HOST_STORAGE_PAGE (self));

  gtk_single_selection_set_selected (self->volume_selection,
                                     find_position (G_LIST_MODEL (self->volume_selection),
                                                    volume));
}

HangarConnection *
hangar_host_storage_page_get_connection (HangarHostStoragePage *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_STORAGE_PAGE (self), NULL);
  return self->connection;
}

void
hangar_host_storage_page_set_connection (HangarHostStoragePage *self,
                                         HangarConnection      *connection)
{
  g_return_if_fail (HANGAR_IS_HOST_STORAGE_PAGE (self));
  g_return_if_fail (connection == NULL || HANGAR_IS_CONNECTION (connection));

  if (!g_set_object (&self->connection, connection))
    return;
  gtk_sort_list_model_set_model (self->pool_sort,
                                 connection ? hangar_connection_get_pools (connection) : NULL);
  _hangar_host_storage_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

static void
hangar_host_storage_page_dispose (GObject *object)
{
  HangarHostStoragePage *self = (HangarHostStoragePage *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->job != NULL)
    hangar_job_cancel (self->job);
  g_clear_object (&self->job);
  if (self->watched_pool != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_pool, self);
  g_clear_object (&self->watched_pool);
  if (self->pool_selection != NULL)
    g_signal_handlers_disconnect_by_data (self->pool_selection, self);
  if (self->volume_selection != NULL)
    g_signal_handlers_disconnect_by_data (self->volume_selection, self);
  if (self->volume_sort != NULL)
    g_signal_handlers_disconnect_by_data (self->volume_sort, self);
  g_clear_weak_pointer (&self->toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_HOST_STORAGE_PAGE);
  self->toast_overlay = NULL;
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (hangar_host_storage_page_parent_class)->dispose (object);
}

static void
hangar_host_storage_page_finalize (GObject *object)
{
  HangarHostStoragePage *self = (HangarHostStoragePage *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_host_storage_page_parent_class)->finalize (object);
}

static void
hangar_host_storage_page_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (object);

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
hangar_host_storage_page_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      hangar_host_storage_page_set_connection (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_host_storage_page_class_init (HangarHostStoragePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_host_storage_page_dispose;
  object_class->finalize = hangar_host_storage_page_finalize;
  object_class->get_property = hangar_host_storage_page_get_property;
  object_class->set_property = hangar_host_storage_page_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Types the .ui names in its expressions. */
  g_type_ensure (HANGAR_TYPE_POOL);
  g_type_ensure (HANGAR_TYPE_VOLUME);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-host-storage-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, pool_list);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, pool_selection);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, pool_sort);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, volume_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, volume_view);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, name_column);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, volume_selection);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, volume_sort);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, job_revealer);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, job_label);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, job_progress);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, no_pool_page);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, inactive_page);
  gtk_widget_class_bind_template_child (widget_class, HangarHostStoragePage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, pool_subtitle);
  gtk_widget_class_bind_template_callback (widget_class, pool_usage);
  gtk_widget_class_bind_template_callback (widget_class, format_size);
  gtk_widget_class_bind_template_callback (widget_class, is_some);
  gtk_widget_class_bind_template_callback (widget_class, on_autostart_state_set_cb);

  gtk_widget_class_install_action (widget_class, "storage.new-pool", NULL, new_pool_activated);
  gtk_widget_class_install_action (widget_class, "storage.start-pool", NULL, start_pool_activated);
  gtk_widget_class_install_action (widget_class, "storage.stop-pool", NULL, stop_pool_activated);
  gtk_widget_class_install_action (widget_class, "storage.refresh-pool", NULL,
                                   refresh_pool_activated);
  gtk_widget_class_install_action (widget_class, "storage.delete-pool", NULL,
                                   delete_pool_activated);
  _hangar_host_storage_page_class_volumes_init (widget_class);
}

static void
hangar_host_storage_page_init (HangarHostStoragePage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The bin's own child, not a template child: AdwBin unparents it itself. */
  self->toast_overlay = ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self)));

  /* The column headers sort the volumes; by name to begin with. */
  gtk_sort_list_model_set_sorter (self->volume_sort,
                                  gtk_column_view_get_sorter (self->volume_view));
  gtk_column_view_sort_by_column (self->volume_view, self->name_column, GTK_SORT_ASCENDING);

  g_signal_connect_swapped (self->pool_selection, "notify::selected-item",
                            G_CALLBACK (on_pool_selected_cb), self);
  g_signal_connect_swapped (self->volume_selection, "notify::selected-item",
                            G_CALLBACK (_hangar_host_storage_page_update_actions), self);
  g_signal_connect_swapped (self->volume_sort, "items-changed",
                            G_CALLBACK (update_volume_page), self);
  hangar_name_page_scroller (GTK_WIDGET (self->no_pool_page), _("No Pool Chosen"));
  hangar_name_page_scroller (GTK_WIDGET (self->inactive_page), _("Pool Not Running"));
  hangar_name_page_scroller (GTK_WIDGET (self->empty_page), _("No Volumes"));
  on_pool_selected_cb (self);
}

GtkWidget *
hangar_host_storage_page_new (HangarConnection *connection)
{
  return g_object_new (HANGAR_TYPE_HOST_STORAGE_PAGE, "connection", connection, NULL);
}
