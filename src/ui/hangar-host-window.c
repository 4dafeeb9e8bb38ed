// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-host-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-host-storage-page.h"
#include "hangar-host-window.h"
#include "hangar-ui-util.h"

/* A host's page: the Overview binds its rows to a HangarHostInfo, which samples CPU and
 * memory use only while that page is on screen. */
struct _HangarHostWindow
{
  AdwWindow parent_instance;

  HangarConnection *connection;
  HangarHostInfo *host_info;
  /* The info is watched (sampling) while the overview is on screen. */
  gboolean watching;

  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  AdwStatusPage *status_page;
  AdwViewStack *view_stack;
  AdwPreferencesPage *overview_page;
  AdwViewSwitcherTitle *switcher_title;
  AdwWindowTitle *start_title;
  guint start_title_source;

  /* The host was on screen and its link dropped: until it is back (or closed), the
   * window says it is away, through the reconnect attempts' own Connecting… states. */
  gboolean was_connected;
  /* Why it went, kept through those attempts. */
  char *away_reason;
};

G_DEFINE_FINAL_TYPE (HangarHostWindow, hangar_host_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_HOST_INFO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Closures of the template's bindings. */

static char *
or_unknown (gpointer    unused,
            const char *text)
{
  return g_strdup (text != NULL && *text != '\0' ? text : _("Unknown"));
}

static char *
format_cpus (gpointer unused,
             guint    cpus,
             guint    mhz)
{
  if (cpus == 0)
    return g_strdup (_("Unknown"));
  if (mhz == 0)
    return g_strdup_printf ("%u", cpus);
  /* TRANSLATORS: the host's CPU count and clock, "16 at 1400 MHz" */
  return g_strdup_printf (_("%u at %u MHz"), cpus, mhz);
}

static char *
format_memory (gpointer unused,
               guint64  bytes)
{
  if (bytes == 0)
    return g_strdup (_("Unknown"));
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* While sampling starts a value may still come; after that, an unknown one is one the
 * host does not report (the test driver's, or a driver without the statistics). */
static char *
unknown_use (gboolean measuring)
{
  return g_strdup (measuring ? _("Measuring…") : _("Not reported by this host"));
}

static char *
format_cpu_usage (gpointer unused,
                  double   percent,
                  gboolean measuring)
{
  if (percent < 0)
    return unknown_use (measuring);
  /* TRANSLATORS: CPU use in percent, "12 %" */
  return g_strdup_printf (_("%.0f %%"), percent);
}

static char *
format_memory_usage (gpointer unused,
                     guint64  used,
                     double   fraction,
                     guint64  total,
                     gboolean measuring)
{
  g_autofree char *used_text = NULL;
  g_autofree char *total_text = NULL;

  if (fraction < 0 || total == 0)
    return unknown_use (measuring);
  used_text = g_format_size_full (used, G_FORMAT_SIZE_IEC_UNITS);
  total_text = g_format_size_full (total, G_FORMAT_SIZE_IEC_UNITS);
  /* TRANSLATORS: memory in use, "1.2 GiB of 3.0 GiB (40 %)" */
  return g_strdup_printf (_("%s of %s (%.0f %%)"), used_text, total_text, fraction * 100);
}

static gboolean
is_known (gpointer unused,
          double   value)
{
  return value >= 0;
}

static double
cpu_fraction (gpointer unused,
              double   percent)
{
  return percent < 0 ? 0 : percent / 100;
}

static double
known_fraction (gpointer unused,
                double   fraction)
{
  return fraction < 0 ? 0 : fraction;
}

/* The host's name at the start of the header while the switcher holds the middle.
 * title-visible changes while the header is being allocated: showing a widget then
 * gets it drawn before it has a size (a GTK warning), so this waits for an idle. */
static gboolean
update_start_title (gpointer data)
{
  HangarHostWindow *self = data;

  self->start_title_source = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->start_title),
                          !adw_view_switcher_title_get_title_visible (self->switcher_title));
  return G_SOURCE_REMOVE;
}

static void
on_title_visible_cb (HangarHostWindow *self)
{
  if (self->start_title_source == 0)
    self->start_title_source = g_idle_add (update_start_title, self);
}

/* Sampling costs a round trip per interval: only while someone can see the numbers. */
static void
update_watch (HangarHostWindow *self)
{
  gboolean want = self->host_info != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                  g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "content") == 0 &&
                  g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack),
                             "overview") == 0;

  if (want == self->watching)
    return;
  self->watching = want;
  if (want)
    hangar_host_info_watch (self->host_info);
  else
    hangar_host_info_unwatch (self->host_info);
}

/* The host as the user named it: the URI's host, or the connection's title for a
 * local one. */
static char *
host_label (HangarConnection *connection)
{
  g_autoptr(GUri) uri = g_uri_parse (hangar_connection_get_uri (connection), G_URI_FLAGS_NONE,
                                     NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  return g_strdup (host != NULL && *host != '\0' ? host : hangar_connection_get_title (connection));
}

/* A host that went away after it was shown: one steady page naming it while Hangar
 * reconnects, rather than the facts and use of a link that is gone. */
static void
show_away (HangarHostWindow *self)
{
  g_autofree char *host = host_label (self->connection);
  g_autofree char *description = NULL;

  adw_status_page_set_title (self->status_page, _("Disconnected, reconnecting…"));
  if (self->away_reason != NULL)
    /* TRANSLATORS: the first %s is why the host went (a sentence), the second the
     * host, "127.0.0.1" */
    description = g_strdup_printf (_("%s Hangar keeps trying to reach %s: its details come "
                                     "back when it answers."), self->away_reason, host);
  else
    description = g_strdup_printf (_("Hangar keeps trying to reach %s: its details come back "
                                     "when it answers."), host);
  adw_status_page_set_description (self->status_page, description);
}

/* The pages while the host is connected; otherwise a status page saying why not. */
static void
update_state (HangarHostWindow *self)
{
  HangarConnectionState state = hangar_connection_get_state (self->connection);
  const char *error = hangar_connection_get_error_message (self->connection);

  if (state == HANGAR_CONNECTION_STATE_CONNECTED)
    {
      self->was_connected = TRUE;
      g_clear_pointer (&self->away_reason, g_free);
      gtk_stack_set_visible_child_name (self->main_stack, "content");
      update_watch (self);
      return;
    }

  /* A drop reconnects by itself (FAILED, then CONNECTING per attempt); a close by the
   * user, or a login to answer, ends that. */
  if (state == HANGAR_CONNECTION_STATE_FAILED && self->was_connected && error != NULL)
    {
      g_free (self->away_reason);
      self->away_reason = g_strdup (error);
    }
  if (state != HANGAR_CONNECTION_STATE_FAILED && state != HANGAR_CONNECTION_STATE_CONNECTING)
    {
      self->was_connected = FALSE;
      g_clear_pointer (&self->away_reason, g_free);
    }

  if (self->was_connected)
    {
      show_away (self);
    }
  else
    {
      adw_status_page_set_title (self->status_page,
                                 hangar_connection_get_state_label (self->connection));
      if (state == HANGAR_CONNECTION_STATE_CONNECTING)
        adw_status_page_set_description (self->status_page,
                                         _("The host’s details appear once it answers."));
      else if (error != NULL)
        adw_status_page_set_description (self->status_page, error);
      else
        adw_status_page_set_description (self->status_page,
                                         _("Connect to the host from the manager window’s "
                                           "sidebar to see its details."));
    }
  gtk_stack_set_visible_child_name (self->main_stack, "status");
  update_watch (self);
}

void
hangar_host_window_show_page (HangarHostWindow *self,
                              const char       *name)
{
  g_return_if_fail (HANGAR_IS_HOST_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

const char *
hangar_host_window_get_page (HangarHostWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
hangar_host_window_show_error (HangarHostWindow *self,
                               const char       *message)
{
  AdwToast *toast;

  g_return_if_fail (HANGAR_IS_HOST_WINDOW (self));

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
hangar_host_window_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hangar_host_window_parent_class)->map (widget);
  update_watch (HANGAR_HOST_WINDOW (widget));
}

static void
hangar_host_window_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hangar_host_window_parent_class)->unmap (widget);
  update_watch (HANGAR_HOST_WINDOW (widget));
}

static void
hangar_host_window_constructed (GObject *object)
{
  HangarHostWindow *self = (HangarHostWindow *)object;
  g_autofree char *title = NULL;

  G_OBJECT_CLASS (hangar_host_window_parent_class)->constructed (object);

  g_assert (self->connection != NULL);
  /* TRANSLATORS: the host page's window title, "QEMU/KVM — Host Details" */
  title = g_strdup_printf (_("%s — Host Details"),
                           hangar_connection_get_title (self->connection));
  gtk_window_set_title (GTK_WINDOW (self), title);
  /* Set, not bound: they never change, and bound to the window's connection these two
   * made GTK 4.8 warn (g_object_weak_unref) as a window without an application was
   * finalized (seen in e2e-host-page). */
  adw_view_switcher_title_set_title (self->switcher_title,
                                     hangar_connection_get_title (self->connection));
  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        hangar_connection_get_uri (self->connection));
  adw_window_title_set_title (self->start_title, hangar_connection_get_title (self->connection));
  adw_window_title_set_subtitle (self->start_title, hangar_connection_get_uri (self->connection));
  g_signal_connect_object (self->connection, "notify::state", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::error-message",
                           G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  update_state (self);
}

static void
hangar_host_window_dispose (GObject *object)
{
  HangarHostWindow *self = (HangarHostWindow *)object;

  if (self->watching)
    hangar_host_info_unwatch (self->host_info);
  self->watching = FALSE;
  if (self->view_stack != NULL)
    g_signal_handlers_disconnect_by_data (self->view_stack, self);
  if (self->main_stack != NULL)
    g_signal_handlers_disconnect_by_data (self->main_stack, self);
  if (self->switcher_title != NULL)
    g_signal_handlers_disconnect_by_data (self->switcher_title, self);
  g_clear_handle_id (&self->start_title_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_HOST_WINDOW);
  g_clear_object (&self->host_info);

  G_OBJECT_CLASS (hangar_host_window_parent_class)->dispose (object);
}

/* The connection stays to the end: "destroy" handlers (the application's) ask for it. */
static void
hangar_host_window_finalize (GObject *object)
{
  HangarHostWindow *self = (HangarHostWindow *)object;

  g_clear_object (&self->connection);
  g_free (self->away_reason);

  G_OBJECT_CLASS (hangar_host_window_parent_class)->finalize (object);
}

static void
hangar_host_window_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HangarHostWindow *self = HANGAR_HOST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_HOST_INFO:
      g_value_set_object (value, self->host_info);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_host_window_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HangarHostWindow *self = HANGAR_HOST_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      /* The template exists already (init builds it): its bindings follow the
       * host-info's notification. */
      self->connection = g_value_dup_object (value);
      self->host_info = hangar_host_info_new (self->connection);
      g_object_notify_by_pspec (object, properties[PROP_HOST_INFO]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_host_window_class_init (HangarHostWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hangar_host_window_constructed;
  object_class->dispose = hangar_host_window_dispose;
  object_class->finalize = hangar_host_window_finalize;
  object_class->get_property = hangar_host_window_get_property;
  object_class->set_property = hangar_host_window_set_property;
  widget_class->map = hangar_host_window_map;
  widget_class->unmap = hangar_host_window_unmap;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOST_INFO] =
    g_param_spec_object ("host-info", NULL, NULL, HANGAR_TYPE_HOST_INFO,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HANGAR_TYPE_HOST_STORAGE_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-host-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarHostWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HangarHostWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarHostWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, HangarHostWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarHostWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, HangarHostWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, HangarHostWindow, start_title);
  gtk_widget_class_bind_template_callback (widget_class, or_unknown);
  gtk_widget_class_bind_template_callback (widget_class, format_cpus);
  gtk_widget_class_bind_template_callback (widget_class, format_memory);
  gtk_widget_class_bind_template_callback (widget_class, format_cpu_usage);
  gtk_widget_class_bind_template_callback (widget_class, format_memory_usage);
  gtk_widget_class_bind_template_callback (widget_class, cpu_fraction);
  gtk_widget_class_bind_template_callback (widget_class, known_fraction);
  gtk_widget_class_bind_template_callback (widget_class, is_known);
}

static void
hangar_host_window_init (HangarHostWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->view_stack, "notify::visible-child",
                            G_CALLBACK (update_watch), self);
  g_signal_connect_swapped (self->main_stack, "notify::visible-child",
                            G_CALLBACK (update_watch), self);
  g_signal_connect_swapped (self->switcher_title, "notify::title-visible",
                            G_CALLBACK (on_title_visible_cb), self);
  update_start_title (self);
  hangar_name_page_scroller (GTK_WIDGET (self->overview_page), _("Overview"));
  hangar_name_page_scroller (GTK_WIDGET (self->status_page), _("Host Status"));
}

HangarHostWindow *
hangar_host_window_new (GtkApplication   *application,
                        HangarConnection *connection)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  return g_object_new (HANGAR_TYPE_HOST_WINDOW,
                       "application", application,
                       "connection", connection,
                       NULL);
}

HangarConnection *
hangar_host_window_get_connection (HangarHostWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_WINDOW (self), NULL);
  return self->connection;
}

HangarHostInfo *
hangar_host_window_get_host_info (HangarHostWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_WINDOW (self), NULL);
  return self->host_info;
}
