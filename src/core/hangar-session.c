// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-session"

#include "config.h"

#include "hangar-session.h"

/* What the user keeps between runs: the list of connections (hosts), which of them are
 * remembered and which open at start, and the settings every connection follows. The
 * application owns one session; windows show it. GSettings keys:
 *   connections    remembered URIs, in the order they were added
 *   autoconnect    the subset of them opened by hangar_session_restore ()
 *   stats-interval seconds between statistics samples, for every connection */
struct _HangarSession
{
  GObject parent_instance;

  GSettings *settings;
  GListStore *connections;
  /* The remembered ones (a connection from --connect is shown but not kept). */
  GHashTable *remembered;
};

G_DEFINE_FINAL_TYPE (HangarSession, hangar_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CONNECTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_OPEN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GSettings *
hangar_session_get_settings (HangarSession *self)
{
  g_return_val_if_fail (HANGAR_IS_SESSION (self), NULL);
  return self->settings;
}

GListModel *
hangar_session_get_connections (HangarSession *self)
{
  g_return_val_if_fail (HANGAR_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->connections);
}

HangarConnection *
hangar_session_lookup (HangarSession *self,
                       const char    *uri)
{
  guint n;

  g_return_val_if_fail (HANGAR_IS_SESSION (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarConnection) connection =
        g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      /* The store keeps its reference: returning the borrowed pointer is safe. */
      if (g_str_equal (hangar_connection_get_uri (connection), uri))
        return connection;
    }
  return NULL;
}

gboolean
hangar_session_is_remembered (HangarSession    *self,
                              HangarConnection *connection)
{
  g_return_val_if_fail (HANGAR_IS_SESSION (self), FALSE);
  return g_hash_table_contains (self->remembered, connection);
}

/* The first guest called @name on any open host, in the order the hosts were added. */
HangarGuest *
hangar_session_find_guest (HangarSession *self,
                           const char    *name)
{
  guint n;

  g_return_val_if_fail (HANGAR_IS_SESSION (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarConnection) connection =
        g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      HangarGuest *guest = hangar_connection_find_guest (connection, name);

      if (guest != NULL)
        return guest;
    }
  return NULL;
}

/* TRUE while a host is still being opened (its login questions included): what it lists
 * is not known yet. A host left waiting for credentials is not opening: the user
 * cancelled its login, and nothing comes until Retry. */
gboolean
hangar_session_is_opening (HangarSession *self)
{
  guint n;

  g_return_val_if_fail (HANGAR_IS_SESSION (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarConnection) connection =
        g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      HangarConnectionState state = hangar_connection_get_state (connection);

      if (state == HANGAR_CONNECTION_STATE_CONNECTING)
        return TRUE;
    }
  return FALSE;
}

static void
save_connections (HangarSession *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) uris = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarConnection) connection =
        g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      if (g_hash_table_contains (self->remembered, connection))
        g_strv_builder_add (builder, hangar_connection_get_uri (connection));
    }
  uris = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "connections", (const char * const *)uris);
}

static void
set_autoconnect (HangarSession *self,
                 const char    *uri,
                 gboolean       autoconnect)
{
  g_auto(GStrv) current = g_settings_get_strv (self->settings, "autoconnect");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) uris = NULL;

  if (autoconnect == g_strv_contains ((const char * const *)current, uri))
    return;
  for (guint i = 0; current[i] != NULL; i++)
    if (!g_str_equal (current[i], uri))
      g_strv_builder_add (builder, current[i]);
  if (autoconnect)
    g_strv_builder_add (builder, uri);
  uris = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "autoconnect", (const char * const *)uris);
}

static gboolean
seconds_to_msec (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  g_value_set_uint (value, g_variant_get_uint32 (variant) * 1000);
  return TRUE;
}

/* A new connection for the list, following the stats interval setting (seconds there,
 * milliseconds on the connection). */
static HangarConnection *
new_connection (HangarSession *self,
                const char    *uri)
{
  HangarConnection *connection = hangar_connection_new (uri);

  g_settings_bind_with_mapping (self->settings, "stats-interval", connection, "stats-interval",
                                G_SETTINGS_BIND_GET, seconds_to_msec, NULL, NULL, NULL);
  return connection;
}

static HangarConnection *
append_connection (HangarSession *self,
                   const char    *uri,
                   gboolean       remember)
{
  g_autoptr(HangarConnection) connection = new_connection (self, uri);

  if (remember)
    g_hash_table_add (self->remembered, g_object_ref (connection));
  g_list_store_append (self->connections, connection);
  return connection;
}

static void
on_open_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarSession) self = user_data;
  HangarConnection *connection = HANGAR_CONNECTION (object);
  g_autoptr(GError) error = NULL;

  /* A failure shows in the connection's own state and error message. */
  if (!hangar_connection_open_finish (connection, result, &error))
    g_debug ("Opening %s failed: %s", hangar_connection_get_uri (connection), error->message);
  g_signal_emit (self, signals[SIGNAL_OPEN_FINISHED], 0, connection);
}

/* Opens @connection unless it is open or opening; ::open-finished follows either way
 * it ends. */
void
hangar_session_open_connection (HangarSession    *self,
                                HangarConnection *connection)
{
  HangarConnectionState state;

  g_return_if_fail (HANGAR_IS_SESSION (self));
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  state = hangar_connection_get_state (connection);
  if (state == HANGAR_CONNECTION_STATE_CONNECTED || state == HANGAR_CONNECTION_STATE_CONNECTING)
    return;
  hangar_connection_open_async (connection, NULL, on_open_done_cb, g_object_ref (self));
}

/* Adds the connection to @uri and opens it; if the session has it already, that one is
 * opened again when it is not open, and returned. @remember keeps it in the settings
 * (with @autoconnect: opened at the next start). Returns: (transfer none). */
HangarConnection *
hangar_session_add_connection (HangarSession *self,
                               const char    *uri,
                               gboolean       remember,
                               gboolean       autoconnect)
{
  HangarConnection *connection;

  g_return_val_if_fail (HANGAR_IS_SESSION (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  connection = hangar_session_lookup (self, uri);
  if (connection == NULL)
    {
      connection = append_connection (self, uri, remember);
      if (remember)
        {
          save_connections (self);
          set_autoconnect (self, uri, autoconnect);
        }
    }
  hangar_session_open_connection (self, connection);
  return connection;
}

void
hangar_session_remove_connection (HangarSession    *self,
                                  HangarConnection *connection)
{
  guint position;

  g_return_if_fail (HANGAR_IS_SESSION (self));
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  if (!g_list_store_find (self->connections, connection, &position))
    return;
  set_autoconnect (self, hangar_connection_get_uri (connection), FALSE);
  hangar_connection_close (connection);
  g_hash_table_remove (self->remembered, connection);
  g_list_store_remove (self->connections, position);
  save_connections (self);
}

/* Whether @connection opens when Hangar starts. */
gboolean
hangar_session_get_autoconnect (HangarSession    *self,
                                HangarConnection *connection)
{
  g_auto(GStrv) autoconnect = NULL;

  g_return_val_if_fail (HANGAR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), FALSE);

  if (!g_hash_table_contains (self->remembered, connection))
    return FALSE;
  autoconnect = g_settings_get_strv (self->settings, "autoconnect");
  return g_strv_contains ((const char * const *)autoconnect,
                          hangar_connection_get_uri (connection));
}

/* The user edited @connection (the connection form): from now on it is remembered,
 * under @uri, opened at start when @autoconnect. The same URI keeps the connection as
 * it is. A new one takes its place in the list as a new connection — the old one is
 * closed and forgotten — which opens unless the old one was left disconnected; when the
 * session has @uri already, that one stays and the edited one goes.
 * Returns: (transfer none) the connection kept for @uri. */
HangarConnection *
hangar_session_replace_connection (HangarSession    *self,
                                   HangarConnection *connection,
                                   const char       *uri,
                                   gboolean          autoconnect)
{
  const char *old_uri;
  HangarConnection *kept;
  gboolean was_open;
  guint position;

  g_return_val_if_fail (HANGAR_IS_SESSION (self), NULL);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  if (!g_list_store_find (self->connections, connection, &position))
    g_return_val_if_reached (NULL);

  old_uri = hangar_connection_get_uri (connection);
  kept = hangar_session_lookup (self, uri);
  if (kept == connection)
    {
      if (!g_hash_table_contains (self->remembered, connection))
        {
          g_hash_table_add (self->remembered, g_object_ref (connection));
          save_connections (self);
        }
      set_autoconnect (self, uri, autoconnect);
      return connection;
    }

  was_open = hangar_connection_get_state (connection) != HANGAR_CONNECTION_STATE_DISCONNECTED;
  set_autoconnect (self, old_uri, FALSE);
  hangar_connection_close (connection);
  g_hash_table_remove (self->remembered, connection);
  if (kept == NULL)
    {
      g_autoptr(HangarConnection) replacement = new_connection (self, uri);

      /* One change to the list, so the sidebar's row is replaced in place. */
      g_list_store_splice (self->connections, position, 1, (gpointer *)&replacement, 1);
      kept = replacement;
    }
  else
    g_list_store_remove (self->connections, position);
  /* @connection may be gone now; @old_uri with it. */

  if (!g_hash_table_contains (self->remembered, kept))
    g_hash_table_add (self->remembered, g_object_ref (kept));
  save_connections (self);
  set_autoconnect (self, uri, autoconnect);
  if (was_open)
    hangar_session_open_connection (self, kept);
  return kept;
}

/* Lists the remembered connections and opens those marked to open at start. */
void
hangar_session_restore (HangarSession *self)
{
  g_auto(GStrv) uris = NULL;
  g_auto(GStrv) autoconnect = NULL;

  g_return_if_fail (HANGAR_IS_SESSION (self));

  uris = g_settings_get_strv (self->settings, "connections");
  autoconnect = g_settings_get_strv (self->settings, "autoconnect");
  for (guint i = 0; uris[i] != NULL; i++)
    {
      HangarConnection *connection;

      if (hangar_session_lookup (self, uris[i]) != NULL)
        continue;
      connection = append_connection (self, uris[i], TRUE);
      if (g_strv_contains ((const char * const *)autoconnect, uris[i]))
        hangar_session_open_connection (self, connection);
    }
}

/* Closes every connection (the application is ending); the list stays. */
void
hangar_session_close (HangarSession *self)
{
  guint n;

  g_return_if_fail (HANGAR_IS_SESSION (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarConnection) connection =
        g_list_model_get_item (G_LIST_MODEL (self->connections), i);
      hangar_connection_close (connection);
    }
}

static void
hangar_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HangarSession *self = HANGAR_SESSION (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_CONNECTIONS:
      g_value_set_object (value, self->connections);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HangarSession *self = HANGAR_SESSION (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_session_constructed (GObject *object)
{
  HangarSession *self = HANGAR_SESSION (object);

  G_OBJECT_CLASS (hangar_session_parent_class)->constructed (object);
  g_assert (G_IS_SETTINGS (self->settings));
}

static void
hangar_session_dispose (GObject *object)
{
  HangarSession *self = HANGAR_SESSION (object);

  if (self->connections != NULL)
    hangar_session_close (self);
  g_clear_pointer (&self->remembered, g_hash_table_unref);
  g_clear_object (&self->connections);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hangar_session_parent_class)->dispose (object);
}

static void
hangar_session_class_init (HangarSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = hangar_session_get_property;
  object_class->set_property = hangar_session_set_property;
  object_class->constructed = hangar_session_constructed;
  object_class->dispose = hangar_session_dispose;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* GListModel of HangarConnection, for bindings (the sidebar, the guest list). */
  properties[PROP_CONNECTIONS] =
    g_param_spec_object ("connections", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* An open this session started has ended, opened or failed (the connection's state
   * tells which): what a host lists is known from then on. */
  signals[SIGNAL_OPEN_FINISHED] =
    g_signal_new ("open-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, HANGAR_TYPE_CONNECTION);
}

static void
hangar_session_init (HangarSession *self)
{
  self->connections = g_list_store_new (HANGAR_TYPE_CONNECTION);
  self->remembered = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

HangarSession *
hangar_session_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (HANGAR_TYPE_SESSION, "settings", settings, NULL);
}
