// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-application"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-application.h"
#include "hangar-core.h"
#include "hangar-credentials-dialog.h"
#include "hangar-domain-builder.h"
#include "hangar-domain-creator.h"
#include "hangar-guest-creator.h"
#include "hangar-guest-window.h"
#include "hangar-host-window.h"
#include "hangar-install-watcher.h"
#include "hangar-os-catalog.h"
#include "hangar-preferences-window.h"
#include "hangar-session.h"
#include "hangar-ssh-prompt-dialog.h"
#include "hangar-window.h"

/* The application creates windows; what they show lives in the session (core). */
struct _HangarApplication
{
  AdwApplication parent_instance;

  HangarSession *session;
  /* Guest windows by guest UUID: opening a guest again raises its window. */
  GHashTable *guest_windows;
  /* Host pages by connection (not references: a page holds its connection). */
  GHashTable *host_windows;
  /* --show-domain-console NAME, shown once a connection lists it. */
  char *pending_console;
  /* --show-domain-creator: its host, until it has connected. */
  HangarConnection *pending_creator;
  /* New guests whose installer still runs (HangarInstallWatcher). */
  GPtrArray *install_watchers;
  guint catalog_idle_id;
};

G_DEFINE_FINAL_TYPE (HangarApplication, hangar_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Open a connection to the hypervisor at URI (repeatable)"), N_("URI") },
  { "show-domain-console", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Open the window of the guest called NAME"), N_("NAME") },
  { "show-host-summary", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open the page of the host given with --connect"), NULL },
  { "show-domain-creator", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open the New Virtual Machine window for the host given with --connect"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { "debug", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print debug messages and timing marks"), NULL },
  { NULL }
};

HangarSession *
hangar_application_get_session (HangarApplication *self)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);
  return self->session;
}

/* The session's settings. Kept for the guest window and the tests until they ask the
 * session; new code should not use it. */
GSettings *
hangar_application_get_settings (HangarApplication *self)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);
  return hangar_session_get_settings (self->session);
}

/* A guest asked for by name (--show-domain-console) may be listed only once its host
 * has opened; until then no window may exist, so a hold keeps the application
 * running. */
static void
set_pending_console (HangarApplication *self,
                     const char        *name)
{
  if (self->pending_console == NULL && name != NULL)
    g_application_hold (G_APPLICATION (self));
  else if (self->pending_console != NULL && name == NULL)
    g_application_release (G_APPLICATION (self));
  g_free (self->pending_console);
  self->pending_console = g_strdup (name);
}

static void
try_show_pending_console (HangarApplication *self,
                          HangarConnection  *connection)
{
  HangarGuest *guest;

  if (self->pending_console == NULL)
    return;
  guest = hangar_connection_find_guest (connection, self->pending_console);
  if (guest == NULL)
    return;
  /* The window first: releasing the hold with no window would end the application. */
  hangar_application_show_guest (self, guest);
  set_pending_console (self, NULL);
}

static HangarWindow *
get_main_window (HangarApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
on_new_domain_cb (HangarApplication *self,
                  HangarConnection  *connection,
                  HangarWindow      *window)
{
  hangar_application_show_domain_creator (self, connection, GTK_WINDOW (window));
}

static gboolean
load_catalog_cb (gpointer user_data)
{
  HangarApplication *self = user_data;

  self->catalog_idle_id = 0;
  /* Its loading starts on a worker with the first call. */
  hangar_os_catalog_get_default ();
  return G_SOURCE_REMOVE;
}

/* The OS list of the New VM window reads the osinfo database, which takes a while:
 * it loads once the first window is drawn, so that it is ready when asked. */
static void
preload_catalog (HangarApplication *self)
{
  static gboolean started;

  if (started)
    return;
  started = TRUE;
  self->catalog_idle_id = g_idle_add_full (G_PRIORITY_LOW, load_catalog_cb, self, NULL);
}

/* The manager window, created if none is open. */
static HangarWindow *
show_manager (HangarApplication *self)
{
  HangarWindow *window = get_main_window (self);

  if (window == NULL)
    {
      window = hangar_window_new (GTK_APPLICATION (self), self->session);
      g_signal_connect_object (window, "open-guest", G_CALLBACK (hangar_application_show_guest),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (window, "open-host", G_CALLBACK (hangar_application_show_host),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (window, "new-domain", G_CALLBACK (on_new_domain_cb),
                               self, G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (window));
  preload_catalog (self);
  return window;
}

/* Once no host is still being opened, a guest asked for by name that none of them has
 * gets a message instead of nothing: over the manager window if one is open, else on
 * its own (it is then the application's window, and closing it ends the
 * application). */
static void
check_pending_console (HangarApplication *self)
{
  g_autofree char *body = NULL;

  if (self->pending_console == NULL || hangar_session_is_opening (self->session))
    return;

  body = g_strdup_printf (_("No connected host has a guest named “%s”. Check the name in "
                            "the guest list, or connect to the host that has it."),
                          self->pending_console);
  if (get_main_window (self) != NULL)
    {
      hangar_window_show_error (get_main_window (self), _("Guest Not Found"), body);
    }
  else
    {
      GtkWidget *dialog = adw_message_dialog_new (NULL, _("Guest Not Found"), body);

      /* The message points at the guest list: one button away. */
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"),
                                        "manager", _("_Show Manager"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "manager",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
      g_signal_connect_object (dialog, "response::manager", G_CALLBACK (show_manager), self,
                               G_CONNECT_SWAPPED);
      gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  set_pending_console (self, NULL);
}

static void check_pending_creator (HangarApplication *self,
                                   HangarConnection  *connection);

/* Each host that finishes opening may list the guest asked for by name, or be the last
 * one that could. */
static void
on_session_open_finished_cb (HangarApplication *self,
                             HangarConnection  *connection)
{
  if (hangar_connection_get_state (connection) == HANGAR_CONNECTION_STATE_CONNECTED)
    try_show_pending_console (self, connection);
  check_pending_console (self);
  check_pending_creator (self, connection);
}

/* The session's add. Kept for the tests until they ask
 * the session; new code should not use it. */
HangarConnection *
hangar_application_add_connection (HangarApplication *self,
                                   const char        *uri,
                                   gboolean           remember,
                                   gboolean           autoconnect)
{
  g_return_val_if_fail (HANGAR_IS_APPLICATION (self), NULL);
  return hangar_session_add_connection (self->session, uri, remember, autoconnect);
}

static void
on_guest_window_destroy_cb (GtkWidget         *window,
                            HangarApplication *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->guest_windows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == window)
      g_hash_table_iter_remove (&iter);
}

void
hangar_application_show_guest (HangarApplication *self,
                               HangarGuest       *guest)
{
  GtkWindow *window;

  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (HANGAR_IS_GUEST (guest));

  window = g_hash_table_lookup (self->guest_windows, hangar_guest_get_uuid (guest));
  if (window == NULL)
    {
      window = GTK_WINDOW (hangar_guest_window_new (GTK_APPLICATION (self), self->session, guest));
      g_hash_table_insert (self->guest_windows, g_strdup (hangar_guest_get_uuid (guest)), window);
      g_signal_connect (window, "destroy", G_CALLBACK (on_guest_window_destroy_cb), self);
    }
  gtk_window_present (window);
}

static void
on_host_window_destroy_cb (GtkWidget         *window,
                           HangarApplication *self)
{
  g_hash_table_remove (self->host_windows,
                       hangar_host_window_get_connection (HANGAR_HOST_WINDOW (window)));
}

/* A host's page; opening it again raises it. */
void
hangar_application_show_host (HangarApplication *self,
                              HangarConnection  *connection)
{
  GtkWindow *window;

  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  window = g_hash_table_lookup (self->host_windows, connection);
  if (window == NULL)
    {
      window = GTK_WINDOW (hangar_host_window_new (GTK_APPLICATION (self), connection));
      g_hash_table_insert (self->host_windows, connection, window);
      g_signal_connect (window, "destroy", G_CALLBACK (on_host_window_destroy_cb), self);
    }
  gtk_window_present (window);
}

/* A host's page whose connection left the session: removed, it closes (as
 * virt-manager closes a removed connection's details); replaced in place by Edit
 * Connection (one item for one), the page follows the new connection, on the same tab
 * at the same size. */
static void
on_session_connections_changed_cb (HangarApplication *self,
                                   guint              position,
                                   guint              removed,
                                   guint              added,
                                   GListModel        *connections)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  if (removed == 0)
    return;
  g_hash_table_iter_init (&iter, self->host_windows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_list_store_find (G_LIST_STORE (connections), key, NULL))
      g_ptr_array_add (gone, value);

  for (guint i = 0; i < gone->len; i++)
    {
      HangarHostWindow *old = g_ptr_array_index (gone, i);

      if (removed == 1 && added == 1)
        {
          g_autoptr(HangarConnection) successor = g_list_model_get_item (connections, position);
          g_autofree char *page = g_strdup (hangar_host_window_get_page (old));
          HangarHostWindow *window;
          int width, height;

          gtk_window_get_default_size (GTK_WINDOW (old), &width, &height);
          hangar_application_show_host (self, successor);
          window = g_hash_table_lookup (self->host_windows, successor);
          gtk_window_set_default_size (GTK_WINDOW (window), width, height);
          hangar_host_window_show_page (window, page);
        }
      gtk_window_destroy (GTK_WINDOW (old));
    }
}

static void
on_install_finished_cb (HangarInstallWatcher *watcher,
                        const GError         *error,
                        HangarApplication    *self)
{
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      HangarWindow *window = get_main_window (self);

      if (window != NULL)
        hangar_window_show_error (window, _("Installation Not Finished"), error->message);
      else
        g_message ("%s", error->message);
    }
  g_ptr_array_remove (self->install_watchers, watcher);
}

/* The new guest's window opens at once; when an installer runs, a watcher finishes the
 * installation once it powers the guest off. */
static void
on_domain_created_cb (HangarDomainCreator *creator,
                      const char          *name,
                      HangarGuest         *guest,
                      HangarGuestCreator  *guest_creator,
                      HangarApplication   *self)
{
  HangarCreatorState *state = hangar_domain_creator_get_state (creator);

  if (hangar_domain_builder_has_install_phase (hangar_creator_state_get_spec (state)))
    {
      HangarInstallWatcher *watcher =
        hangar_install_watcher_new (hangar_domain_creator_get_connection (creator),
                                    guest_creator, name);

      g_ptr_array_add (self->install_watchers, watcher);
      g_signal_connect_object (watcher, "finished", G_CALLBACK (on_install_finished_cb), self, 0);
    }
  if (guest != NULL)
    hangar_application_show_guest (self, guest);
}

/* The New Virtual Machine window for @connection, over @parent (NULL: on its own). */
void
hangar_application_show_domain_creator (HangarApplication *self,
                                        HangarConnection  *connection,
                                        GtkWindow         *parent)
{
  HangarDomainCreator *creator;

  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  creator = hangar_domain_creator_new (parent, connection);
  gtk_window_set_application (GTK_WINDOW (creator), GTK_APPLICATION (self));
  g_signal_connect_object (creator, "created", G_CALLBACK (on_domain_created_cb), self, 0);
  gtk_window_present (GTK_WINDOW (creator));
  preload_catalog (self);
}

/* --show-domain-creator: the window needs its host connected (it asks the host at
 * once); a hold keeps the application running meanwhile, as for a console. */
static void
set_pending_creator (HangarApplication *self,
                     HangarConnection  *connection)
{
  if (self->pending_creator == NULL && connection != NULL)
    g_application_hold (G_APPLICATION (self));
  else if (self->pending_creator != NULL && connection == NULL)
    g_application_release (G_APPLICATION (self));
  g_set_object (&self->pending_creator, connection);
}

static void
check_pending_creator (HangarApplication *self,
                       HangarConnection  *connection)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (connection != self->pending_creator || connection == NULL)
    return;
  if (hangar_connection_get_state (connection) == HANGAR_CONNECTION_STATE_CONNECTED)
    {
      /* The window first: releasing the hold with no window would end the application. */
      hangar_application_show_domain_creator (self, connection, NULL);
      set_pending_creator (self, NULL);
      return;
    }
  body = g_strdup_printf (_("Could not connect to %s: %s"), hangar_connection_get_uri (connection),
                          hangar_connection_get_error_message (connection) ?: _("the host did not answer."));
  dialog = adw_message_dialog_new (NULL, _("No Connection"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
  set_pending_creator (self, NULL);
}

/* Opens the window of the guest called @name on whichever host has it, as soon as a host
 * being opened lists it; says so when none does. */
void
hangar_application_show_guest_named (HangarApplication *self,
                                     const char        *name)
{
  HangarGuest *guest;

  g_return_if_fail (HANGAR_IS_APPLICATION (self));
  g_return_if_fail (name != NULL);

  guest = hangar_session_find_guest (self->session, name);
  if (guest != NULL)
    {
      hangar_application_show_guest (self, guest);
      return;
    }
  set_pending_console (self, name);
  check_pending_console (self);
}

static void
hangar_application_activate (GApplication *app)
{
  show_manager (HANGAR_APPLICATION (app));
}

static int
hangar_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("hangar %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_contains (options, "debug"))
    {
      const char *domains = g_getenv ("G_MESSAGES_DEBUG");

      g_setenv ("G_MESSAGES_DEBUG", domains ? domains : "all", TRUE);
      hangar_trace_set_enabled (TRUE);
    }
  return -1;
}

static int
hangar_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *cmdline)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree const char **uris = NULL;
  const char *console = NULL;
  gboolean host_summary = g_variant_dict_contains (options, "show-host-summary");
  gboolean creator = g_variant_dict_contains (options, "show-domain-creator");

  g_variant_dict_lookup (options, "connect", "^a&s", &uris);
  g_variant_dict_lookup (options, "show-domain-console", "&s", &console);

  if (host_summary && (uris == NULL || uris[0] == NULL))
    {
      g_application_command_line_printerr (cmdline, _("--show-host-summary needs the "
                                                      "host’s URI: add --connect URI.\n"));
      return 1;
    }

  if (creator && (uris == NULL || uris[0] == NULL || uris[1] != NULL))
    {
      g_application_command_line_printerr (cmdline, _("--show-domain-creator needs the "
                                                      "host’s URI: add one --connect URI.\n"));
      return 1;
    }

  /* A guest's console, a host's page or the New VM window asked for opens alone, as
   * virt-manager does; the first two's menus have Show Manager (app.show-manager). */
  if (console == NULL && !host_summary && !creator)
    g_application_activate (app);

  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    {
      HangarConnection *connection = hangar_session_add_connection (self->session, uris[i],
                                                                    FALSE, FALSE);
      HangarWindow *window = get_main_window (self);

      /* One host asked for on the command line is shown alone; several, together. */
      if (g_strv_length ((char **)uris) == 1 && window != NULL)
        hangar_window_select_connection (window, connection);
      if (host_summary)
        hangar_application_show_host (self, connection);
      if (creator)
        {
          set_pending_creator (self, connection);
          /* Already open (a second command line to a running Hangar)? */
          if (hangar_connection_get_state (connection) == HANGAR_CONNECTION_STATE_CONNECTED)
            check_pending_creator (self, connection);
        }
    }

  if (console != NULL)
    hangar_application_show_guest_named (self, console);

  return 0;
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  HangarApplication *self = user_data;
  const char *developers[] = { "Hangar developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Hangar"),
                         "application-icon", APP_ID,
                         "developer-name", _("Hangar developers"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/hangarvm/hangar",
                         "issue-url", "https://github.com/hangarvm/hangar/issues",
                         "comments", _("Manage virtual machines on this computer and on "
                                       "remote hosts."),
                         "developers", developers,
                         "copyright", "© 2026 Hangar developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  HangarApplication *self = user_data;
  GtkWidget *window = hangar_preferences_window_new (hangar_session_get_settings (self->session));

  gtk_window_set_transient_for (GTK_WINDOW (window),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (window));
}

static void
show_manager_activated (GSimpleAction *action,
                        GVariant      *param,
                        gpointer       user_data)
{
  show_manager (user_data);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_activated },
  { "preferences", preferences_activated },
  { "show-manager", show_manager_activated },
  { "quit", quit_activated },
};

static void
hangar_application_startup (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };
  g_autoptr(GSettings) settings = NULL;

  G_APPLICATION_CLASS (hangar_application_parent_class)->startup (app);

  hangar_core_init ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);

  /* Before any host connects: ssh's questions are asked in Hangar. */
  hangar_ssh_prompts_install (GTK_APPLICATION (self));
  /* …and so are the user names and passwords libvirt asks for (SASL). */
  hangar_credentials_dialogs_install (GTK_APPLICATION (self));
  settings = g_settings_new (SCHEMA_ID);
  self->session = hangar_session_new (settings);
  g_signal_connect_object (self->session, "open-finished",
                           G_CALLBACK (on_session_open_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (hangar_session_get_connections (self->session), "items-changed",
                           G_CALLBACK (on_session_connections_changed_cb), self,
                           G_CONNECT_SWAPPED);
  hangar_session_restore (self->session);
}

static void
hangar_application_shutdown (GApplication *app)
{
  HangarApplication *self = HANGAR_APPLICATION (app);

  hangar_session_close (self->session);

  G_APPLICATION_CLASS (hangar_application_parent_class)->shutdown (app);
}

static void
hangar_application_finalize (GObject *object)
{
  HangarApplication *self = (HangarApplication *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->guest_windows, g_hash_table_unref);
  g_clear_pointer (&self->host_windows, g_hash_table_unref);
  g_clear_pointer (&self->install_watchers, g_ptr_array_unref);
  g_clear_handle_id (&self->catalog_idle_id, g_source_remove);
  g_clear_object (&self->pending_creator);
  g_free (self->pending_console);

  G_OBJECT_CLASS (hangar_application_parent_class)->finalize (object);
}

static void
hangar_application_class_init (HangarApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = hangar_application_finalize;
  app_class->activate = hangar_application_activate;
  app_class->startup = hangar_application_startup;
  app_class->shutdown = hangar_application_shutdown;
  app_class->command_line = hangar_application_command_line;
  app_class->handle_local_options = hangar_application_handle_local_options;
}

static void
hangar_application_init (HangarApplication *self)
{
  self->guest_windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->host_windows = g_hash_table_new (NULL, NULL);
  self->install_watchers = g_ptr_array_new_with_free_func (g_object_unref);
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Manage virtual machines through libvirt."));
}

HangarApplication *
hangar_application_new (void)
{
  return g_object_new (HANGAR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/hangarvm/Hangar",
                       NULL);
}
