// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-core-util"

#include "config.h"

#include "test-core-util.h"

char *
test_data_uri (const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);

  return g_strconcat ("test://", path, NULL);
}

static gboolean
is_settled (gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (data);

  return state != HANGAR_CONNECTION_STATE_CONNECTING &&
         state != HANGAR_CONNECTION_STATE_DISCONNECTED;
}

HangarConnection *
test_open_connection (const char *uri)
{
  HangarConnection *connection = hangar_connection_new (uri);

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_settled, connection, 5000));
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==, NULL);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_CONNECTED);
  return connection;
}
