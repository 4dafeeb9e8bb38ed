// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-keyring"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <gio/gio.h>

#include "test-keyring.h"

/* What it takes here (root, no PAM, no desktop session): gnome-keyring-daemon
 * --unlock reads a password on its standard input and, finding no keyring in its data
 * directory, creates "login" with it, unlocked; GNOME Keyring answers the "default"
 * alias with "login". HOME and the XDG directories of both processes point into the
 * temporary directory, so neither the daemon nor anything the bus starts by
 * activation reads or writes the user's keyrings. */

static char *dir;
static GPid bus_pid;
static GPid keyring_pid;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static char **
child_environment (const char *bus_address)
{
  char **env = g_get_environ ();
  const struct { const char *name, *sub; } dirs[] = {
    { "HOME", "home" }, { "XDG_DATA_HOME", "data" }, { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" }, { "XDG_RUNTIME_DIR", "runtime" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dir, dirs[i].sub, NULL);

      if (g_mkdir_with_parents (path, 0700) != 0)
        g_error ("Cannot make %s: %s", path, g_strerror (errno));
      env = g_environ_setenv (env, dirs[i].name, path, TRUE);
    }
  if (bus_address != NULL)
    env = g_environ_setenv (env, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
  return env;
}

/* The bus prints its address once it listens. */
static char *
start_bus (void)
{
  g_autofree char *listen = g_strdup_printf ("--address=unix:path=%s/bus", dir);
  const char *argv[] = { "dbus-daemon", "--session", "--nofork", listen, "--print-address=1",
                         NULL };
  g_auto(GStrv) env = child_environment (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) out = NULL;
  char *address = NULL;
  int out_fd;

  if (!g_spawn_async_with_pipes (NULL, (char **)argv, env,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                 die_with_parent, NULL, &bus_pid, NULL, &out_fd, NULL, &error))
    g_error ("Cannot start a D-Bus session bus for the keyring (dbus-daemon, package "
             "dbus-daemon): %s", error->message);
  out = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (out, TRUE);
  if (g_io_channel_read_line (out, &address, NULL, NULL, &error) != G_IO_STATUS_NORMAL ||
      address == NULL)
    g_error ("dbus-daemon gave no address: %s", error ? error->message : "it ended");
  g_strchomp (address);
  return address;
}

static void
start_keyring (const char *bus_address)
{
  const char *argv[] = { "gnome-keyring-daemon", "--foreground", "--unlock",
                         "--components=secrets", NULL };
  g_auto(GStrv) env = child_environment (bus_address);
  g_autofree char *password = g_strdup_printf ("keyring-%08x", g_random_int ());
  g_autoptr(GError) error = NULL;
  int in_fd;

  if (!g_spawn_async_with_pipes (NULL, (char **)argv, env,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                 G_SPAWN_STDOUT_TO_DEV_NULL,
                                 die_with_parent, NULL, &keyring_pid, &in_fd, NULL, NULL,
                                 &error))
    g_error ("Cannot start GNOME Keyring (gnome-keyring-daemon, package gnome-keyring): %s",
             error->message);
  /* --unlock: the password up to the end of its input. */
  if (write (in_fd, password, strlen (password)) != (gssize)strlen (password))
    g_error ("Cannot give gnome-keyring-daemon its password: %s", g_strerror (errno));
  close (in_fd);
}

static void
assert_keyring_running (void)
{
  int status;

  if (waitpid (keyring_pid, &status, WNOHANG) == keyring_pid)
    {
      keyring_pid = 0;
      g_error ("gnome-keyring-daemon ended (status %d) before its keyring was ready", status);
    }
}

static GVariant *
call (GDBusConnection *bus,
      const char      *name,
      const char      *path,
      const char      *interface,
      const char      *method,
      GVariant        *parameters,
      const char      *reply_type,
      GError         **error)
{
  /* Never started by activation: that would be another daemon, with the bus's
   * environment. */
  return g_dbus_connection_call_sync (bus, name, path, interface, method, parameters,
                                      G_VARIANT_TYPE (reply_type),
                                      G_DBUS_CALL_FLAGS_NO_AUTO_START, 10000, NULL, error);
}

/* The path of the default collection once there is one, unlocked. */
static char *
wait_for_default_collection (GDBusConnection *bus)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;; g_usleep (20000))
    {
      g_autoptr(GVariant) owned = NULL;
      g_autoptr(GVariant) alias = NULL;
      g_autoptr(GVariant) locked = NULL;
      g_autoptr(GVariant) value = NULL;
      g_autoptr(GError) error = NULL;
      const char *path;

      assert_keyring_running ();
      if (g_get_monotonic_time () > deadline)
        g_error ("GNOME Keyring made no unlocked default collection within 30 s");
      owned = call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus", "NameHasOwner",
                    g_variant_new ("(s)", "org.freedesktop.secrets"), "(b)", &error);
      if (owned == NULL)
        g_error ("The keyring's bus does not answer: %s", error->message);
      if (!g_variant_get_boolean (g_variant_get_child_value (owned, 0)))
        continue;
      alias = call (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                    "org.freedesktop.Secret.Service", "ReadAlias",
                    g_variant_new ("(s)", "default"), "(o)", &error);
      if (alias == NULL)
        g_error ("GNOME Keyring does not answer: %s", error->message);
      g_variant_get (alias, "(&o)", &path);
      /* "/": not made yet. */
      if (g_str_equal (path, "/"))
        continue;
      locked = call (bus, "org.freedesktop.secrets", path, "org.freedesktop.DBus.Properties",
                     "Get", g_variant_new ("(ss)", "org.freedesktop.Secret.Collection", "Locked"),
                     "(v)", &error);
      if (locked == NULL)
        g_error ("GNOME Keyring does not say whether %s is locked: %s", path, error->message);
      g_variant_get (locked, "(v)", &value);
      if (g_variant_get_boolean (value))
        g_error ("GNOME Keyring's default collection %s is locked", path);
      return g_strdup (path);
    }
}

void
test_keyring_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusConnection) session = NULL;
  g_autofree char *address = NULL;
  g_autofree char *collection = NULL;
  const char *guid;

  g_assert_null (dir);
  dir = g_dir_make_tmp ("hangar-keyring-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  address = start_bus ();
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  start_keyring (address);

  bus = g_dbus_connection_new_for_address_sync (address,
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  if (bus == NULL)
    g_error ("Cannot reach the keyring's bus %s: %s", address, error->message);
  collection = wait_for_default_collection (bus);
  g_debug ("GNOME Keyring answers on %s; its default collection is %s, unlocked", address,
           collection);
  g_dbus_connection_close_sync (bus, NULL, NULL);

  /* Whoever connected to the session bus before now would not see this keyring. */
  session = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (session == NULL)
    g_error ("Cannot connect to the keyring's bus: %s", error->message);
  guid = g_dbus_connection_get_guid (session);
  if (strstr (address, guid) == NULL)
    g_error ("The process was connected to another session bus before "
             "test_keyring_start: call it earlier");
}

static void
end (GPid *pid)
{
  if (*pid <= 0)
    return;
  kill (*pid, SIGTERM);
  waitpid (*pid, NULL, 0);
  g_spawn_close_pid (*pid);
  *pid = 0;
}

void
test_keyring_stop (void)
{
  g_autoptr(GDBusConnection) session = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  const char *argv[] = { "rm", "-rf", dir, NULL };

  if (dir == NULL)
    return;
  /* The bus goes away: the process must not end with it. */
  if (session != NULL)
    g_dbus_connection_set_exit_on_close (session, FALSE);
  end (&keyring_pid);
  end (&bus_pid);
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
  g_clear_pointer (&dir, g_free);
}
