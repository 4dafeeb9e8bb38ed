// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * SSH logins asked inside Hangar: an sshd this test starts on 127.0.0.1 (e2e-sshd.c),
 * the real libvirtd behind it through qemu+ssh://…/system, and Hangar's askpass helper,
 * server and dialog. The test answers the dialogs through their widgets: a password
 * (then the host and three tunnels over one SSH connection), a wrong password three
 * times, Cancel, a password remembered in the keyring (a GNOME Keyring of the test's
 * own, test-keyring.h) and a remembered one that became wrong, a key's passphrase (also
 * remembered), the same key from ssh-agent without a question, an unknown host key trusted once, and a
 * changed host key refused.
 */
#define G_LOG_DOMAIN "test-e2e-ssh-login"

#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <libsecret/secret.h>

#include "e2e-guest.h"
#include "e2e-sshd.h"
#include "e2e-tls.h"
#include "hangar-askpass-server.h"
#include "hangar-ssh.h"
#include "hangar-ssh-prompt-dialog.h"
#include "test-keyring.h"
#include "test-widget-util.h"

static int sshd_port;
static const char *password;
/* The password user's password after test_remembered_refused changed it. */
static char *changed_password;
static guint prompts_seen;

static gboolean
no_ssh_connection (gpointer data)
{
  return e2e_sshd_connections () == 0;
}

static void
on_prompt_cb (HangarAskpassServer *server,
              HangarAskpassPrompt *prompt)
{
  prompts_seen++;
}

static gboolean
is_settled (gpointer data)
{
  return hangar_connection_get_state (data) != HANGAR_CONNECTION_STATE_CONNECTING;
}

static HangarConnection *
open_host (const char *user,
           const char *host)
{
  g_autofree char *uri = g_strdup_printf ("qemu+ssh://%s@%s:%d/system", user, host, sshd_port);
  HangarConnection *connection = hangar_connection_new (uri);

  /* The previous test's SSH session is over: this login starts afresh. */
  g_assert_true (e2e_wait_for (no_ssh_connection, NULL, 15000));
  prompts_seen = 0;
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  return connection;
}

static void
assert_connected (HangarConnection *connection)
{
  g_assert_true (e2e_wait_for (is_settled, connection, 30000));
  if (hangar_connection_get_state (connection) != HANGAR_CONNECTION_STATE_CONNECTED)
    g_error ("Could not connect over SSH: %s", hangar_connection_get_error_message (connection));
  g_assert_cmpuint (e2e_sshd_connections (), ==, 1);
}

static void
close_host (HangarConnection *connection)
{
  hangar_connection_close (connection);
  g_object_unref (connection);
  g_assert_true (e2e_wait_for (no_ssh_connection, NULL, 15000));
}

/* The dialog on screen, still waiting for its answer. */
static HangarSshPromptDialog *
current_dialog (void)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (HANGAR_IS_SSH_PROMPT_DIALOG (window) &&
          gtk_widget_get_visible (GTK_WIDGET (window)) &&
          !hangar_askpass_prompt_is_answered (
            hangar_ssh_prompt_dialog_get_prompt (HANGAR_SSH_PROMPT_DIALOG (window))))
        return HANGAR_SSH_PROMPT_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return current_dialog () != NULL;
}

static HangarSshPromptDialog *
wait_dialog (HangarAskpassKind kind,
             guint             attempt)
{
  HangarSshPromptDialog *dialog;
  HangarAskpassPrompt *prompt;

  if (!e2e_wait_for (dialog_shown, NULL, 30000))
    g_error ("No SSH question was shown");
  dialog = current_dialog ();
  prompt = hangar_ssh_prompt_dialog_get_prompt (dialog);
  g_assert_cmpint (hangar_askpass_prompt_get_kind (prompt), ==, kind);
  g_assert_cmpuint (hangar_askpass_prompt_get_attempt (prompt), ==, attempt);
  return dialog;
}

static gboolean
label_says (GtkWidget    *widget,
            gconstpointer data)
{
  return gtk_widget_get_visible (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), data) != NULL;
}

/* Types @text into the dialog's entry and clicks Connect, as a user would. */
static void
answer (HangarSshPromptDialog *dialog,
        const char            *text)
{
  GtkWidget *entry = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_PASSWORD_ENTRY, NULL, NULL);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  test_click_button (GTK_WIDGET (dialog), "C_onnect");
}

/* A password, then three tunnels (as consoles open them) on the same SSH connection:
 * no second login, one TCP connection from this machine. */
static void
test_password (void)
{
  g_autofree char *uri = g_strdup_printf ("qemu+ssh://" E2E_SSHD_PASSWORD_USER "@127.0.0.1:%d/system",
                                          sshd_port);
  HangarConnection *connection = open_host (E2E_SSHD_PASSWORD_USER, "127.0.0.1");
  HangarSshPromptDialog *dialog = wait_dialog (HANGAR_ASKPASS_KIND_PASSWORD, 1);
  int fds[3];

  g_assert_nonnull (test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, label_says,
                                      E2E_SSHD_PASSWORD_USER "@127.0.0.1"));
  answer (dialog, password);
  assert_connected (connection);
  g_assert_cmpuint (prompts_seen, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      g_autoptr(GError) error = NULL;
      struct pollfd pfd;
      char banner[8] = { 0 };

      fds[i] = hangar_ssh_open_tunnel (uri, "127.0.0.1", sshd_port, &error);
      g_assert_no_error (error);
      /* Through the tunnel, the far side's server (sshd itself) greets. */
      pfd = (struct pollfd){ .fd = fds[i], .events = POLLIN };
      g_assert_cmpint (poll (&pfd, 1, 15000), ==, 1);
      g_assert_cmpint (read (fds[i], banner, 7), ==, 7);
      g_assert_cmpstr (banner, ==, "SSH-2.0");
    }
  g_assert_cmpuint (e2e_sshd_connections (), ==, 1);
  g_assert_cmpuint (prompts_seen, ==, 1);
  g_assert_null (current_dialog ());

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
  close_host (connection);
}

/* ssh asks again after a wrong password, and the dialog says to try again; after
 * the third, the host fails with a sentence. */
static void
test_wrong_password (void)
{
  HangarConnection *connection = open_host (E2E_SSHD_PASSWORD_USER, "127.0.0.1");

  for (guint attempt = 1; attempt <= 3; attempt++)
    {
      HangarSshPromptDialog *dialog = wait_dialog (HANGAR_ASKPASS_KIND_PASSWORD, attempt);
      GtkWidget *retry = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, label_says,
                                           "Try again");

      g_assert_true ((retry != NULL) == (attempt > 1));
      answer (dialog, "not-the-password");
    }
  g_assert_true (e2e_wait_for (is_settled, connection, 30000));
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_STATE_FAILED);
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==,
                   "The password for " E2E_SSHD_PASSWORD_USER "@127.0.0.1 was refused 3 "
                   "times. Check the user name and the password, then try again.");
  g_assert_cmpuint (prompts_seen, ==, 3);
  close_host (connection);
}

/* Cancel ends the login at once, said as a cancelled login. */
static void
test_cancel (void)
{
  HangarConnection *connection = open_host (E2E_SSHD_PASSWORD_USER, "127.0.0.1");
  HangarSshPromptDialog *dialog = wait_dialog (HANGAR_ASKPASS_KIND_PASSWORD, 1);
  gint64 elapsed;

  test_click_button (GTK_WIDGET (dialog), "_Cancel");
  g_assert_true (e2e_wait_for_elapsed (is_settled, connection, 30000, &elapsed));
  g_test_message ("The host failed %" G_GINT64_FORMAT " ms after Cancel", elapsed);
  g_assert_cmpint (elapsed, <, 5000);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_STATE_FAILED);
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==,
                   "The login to " E2E_SSHD_PASSWORD_USER "@127.0.0.1 was cancelled.");
  g_assert_cmpuint (prompts_seen, ==, 1);
  close_host (connection);
}

/* Where Hangar keeps SSH secrets, as a user's keyring browser sees them. */
static const SecretSchema ssh_secret_schema = {
  "io.github.hangarvm.Hangar.SshSecret", SECRET_SCHEMA_NONE,
  {
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "subject", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* What the keyring holds for ssh's @kind of question about @subject, or NULL. */
static char *
kept_secret (const char *kind,
             const char *subject)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (&ssh_secret_schema, NULL, &error, "kind", kind,
                                              "subject", subject, NULL);

  g_assert_no_error (error);
  return secret;
}

typedef struct {
  const char *kind, *subject, *expected;
} Kept;

static gboolean
keyring_holds (gpointer data)
{
  Kept *kept = data;
  g_autofree char *secret = kept_secret (kept->kind, kept->subject);

  return g_strcmp0 (secret, kept->expected) == 0;
}

/* Waits for the keyring to hold @expected (NULL: nothing), with @label. */
static void
assert_kept (const char *kind,
             const char *subject,
             const char *expected,
             const char *label)
{
  Kept kept = { kind, subject, expected };
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;

  if (!e2e_wait_for (keyring_holds, &kept, 10000))
    {
      g_autofree char *secret = kept_secret (kind, subject);

      g_error ("The keyring holds %s for the %s of %s, not %s",
               secret ? "another secret" : "nothing", kind, subject, expected ? expected : "none");
    }
  if (label == NULL)
    return;
  attributes = secret_attributes_build (&ssh_secret_schema, "kind", kind, "subject", subject,
                                        NULL);
  items = secret_service_search_sync (NULL, &ssh_secret_schema, attributes, SECRET_SEARCH_ALL,
                                      NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_assert_cmpstr (secret_item_get_label (items->data), ==, label);
  g_list_free_full (items, g_object_unref);
}

/* The same for the password user's password. */
static void
assert_keyring_holds (const char *expected)
{
  g_autofree char *login = g_strdup_printf (E2E_SSHD_PASSWORD_USER "@127.0.0.1:%d", sshd_port);

  assert_kept ("password", login, expected, NULL);
}

/* Ticks Remember: offered, since the keyring answers. */
static void
tick_remember (HangarSshPromptDialog *dialog)
{
  GtkWidget *remember = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, NULL, NULL);

  g_assert_nonnull (remember);
  g_assert_true (gtk_widget_get_visible (remember));
  g_assert_true (gtk_widget_get_sensitive (remember));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (remember)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (remember), TRUE);
}

/* The password answered with Remember is in the keyring under a label that says what it
 * is; closed and opened again (a new SSH login each time: the master ends with its
 * last user), the host connects without a dialog — twice, as a login the keyring
 * answered must not make the next one doubt it. */
static void
test_remember (void)
{
  g_autofree char *label = g_strdup_printf ("Hangar: SSH password for " E2E_SSHD_PASSWORD_USER
                                            "@127.0.0.1:%d", sshd_port);
  g_autofree char *login = g_strdup_printf (E2E_SSHD_PASSWORD_USER "@127.0.0.1:%d", sshd_port);
  HangarConnection *connection;
  HangarSshPromptDialog *dialog;

  assert_keyring_holds (NULL);
  connection = open_host (E2E_SSHD_PASSWORD_USER, "127.0.0.1");
  dialog = wait_dialog (HANGAR_ASKPASS_KIND_PASSWORD, 1);
  tick_remember (dialog);
  answer (dialog, password);
  assert_connected (connection);
  assert_kept ("password", login, password, label);
  close_host (connection);

  for (guint i = 0; i < 2; i++)
    {
      connection = open_host (E2E_SSHD_PASSWORD_USER, "127.0.0.1");
      assert_connected (connection);
      /* ssh asked, and the keyring answered: nobody answered a dialog, none waits. */
      g_assert_cmpuint (prompts_seen, ==, 1);
      g_assert_null (current_dialog ());
      assert_keyring_holds (password);
      close_host (connection);
    }
}

/* The user's password changed since it was remembered: the keyring's is refused, the
 * dialog asks again and the stale one is gone from the keyring; a wrong answer with
 * Remember is not kept either; the right one with Remember replaces it. */
static void
test_remembered_refused (void)
{
  const char *chpasswd[] = { "sh", "-c", "echo \"$0:$1\" | chpasswd", E2E_SSHD_PASSWORD_USER,
                             NULL, NULL };
  HangarConnection *connection;
  HangarSshPromptDialog *dialog;

  assert_keyring_holds (password);
  g_assert_null (changed_password);
  changed_password = g_strdup_printf ("pw-changed-%08x", g_random_int ());
  chpasswd[4] = changed_password;
  e2e_tls_run (chpasswd);

  connection = open_host (E2E_SSHD_PASSWORD_USER, "127.0.0.1");
  dialog = wait_dialog (HANGAR_ASKPASS_KIND_PASSWORD, 2);
  g_assert_nonnull (test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, label_says,
                                      "Try again"));
  assert_keyring_holds (NULL);

  tick_remember (dialog);
  answer (dialog, "not-the-password");
  dialog = wait_dialog (HANGAR_ASKPASS_KIND_PASSWORD, 3);
  assert_keyring_holds (NULL);

  tick_remember (dialog);
  answer (dialog, changed_password);
  assert_connected (connection);
  g_assert_cmpuint (prompts_seen, ==, 3);
  assert_keyring_holds (changed_password);
  close_host (connection);

  connection = open_host (E2E_SSHD_PASSWORD_USER, "127.0.0.1");
  assert_connected (connection);
  g_assert_cmpuint (prompts_seen, ==, 1);
  g_assert_null (current_dialog ());
  close_host (connection);
  password = changed_password;
}

static char *passkey;

/* A key with a passphrase: asked, naming the key. */
static void
test_passphrase (void)
{
  HangarConnection *connection = open_host ("root", E2E_SSHD_HOST_PASSKEY);
  HangarSshPromptDialog *dialog = wait_dialog (HANGAR_ASKPASS_KIND_PASSPHRASE, 1);

  g_assert_cmpstr (hangar_askpass_prompt_get_subject (hangar_ssh_prompt_dialog_get_prompt (dialog)),
                   ==, passkey);
  g_assert_nonnull (test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, label_says, passkey));
  answer (dialog, "key passphrase");
  assert_connected (connection);
  g_assert_cmpuint (prompts_seen, ==, 1);
  close_host (connection);
}

/* The passphrase answered with Remember is in the keyring, named by its key; the next
 * login with the key asks nobody. It is forgotten again for the tests that follow. */
static void
test_remember_passphrase (void)
{
  g_autofree char *label = g_strdup_printf ("Hangar: passphrase of the SSH key %s", passkey);
  HangarConnection *connection = open_host ("root", E2E_SSHD_HOST_PASSKEY);
  HangarSshPromptDialog *dialog = wait_dialog (HANGAR_ASKPASS_KIND_PASSPHRASE, 1);
  g_autoptr(GError) error = NULL;

  tick_remember (dialog);
  answer (dialog, "key passphrase");
  assert_connected (connection);
  assert_kept ("passphrase", passkey, "key passphrase", label);
  close_host (connection);

  connection = open_host ("root", E2E_SSHD_HOST_PASSKEY);
  assert_connected (connection);
  g_assert_cmpuint (prompts_seen, ==, 1);
  g_assert_null (current_dialog ());
  close_host (connection);

  secret_password_clear_sync (&ssh_secret_schema, NULL, &error, "kind", "passphrase",
                              "subject", passkey, NULL);
  g_assert_no_error (error);
}

/* The same key held by ssh-agent: no question at all. */
static void
test_agent (void)
{
  g_autofree char *dir = g_path_get_dirname (passkey);
  g_autofree char *socket = g_build_filename (dir, "agent.sock", NULL);
  g_autofree char *plain = g_build_filename (dir, "agent_key", NULL);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  HangarConnection *connection;
  int agent_pid;
  int status;

  /* An unencrypted copy of the same key goes into an agent of the test's own. */
  command = g_strdup_printf ("sh -c 'cp %s %s && ssh-keygen -q -p -P \"key passphrase\" -N \"\" "
                             "-f %s'", passkey, plain, plain);
  /* (ssh-keygen talks on its output, which is the test's TAP stream otherwise.) */
  if (!g_spawn_command_line_sync (command, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("Could not copy the key: %s", error->message);
  g_free (command);
  g_clear_pointer (&out, g_free);
  command = g_strdup_printf ("ssh-agent -s -a %s", socket);
  if (!g_spawn_command_line_sync (command, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("Could not start ssh-agent: %s", error->message);
  /* "SSH_AGENT_PID=1234; export SSH_AGENT_PID;" */
  agent_pid = atoi (strstr (out, "SSH_AGENT_PID=") + strlen ("SSH_AGENT_PID="));
  g_assert_cmpint (agent_pid, >, 0);
  g_setenv ("SSH_AUTH_SOCK", socket, TRUE);
  g_free (command);
  command = g_strdup_printf ("ssh-add -q %s", plain);
  if (!g_spawn_command_line_sync (command, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("Could not add the key to ssh-agent: %s", error->message);

  connection = open_host ("root", E2E_SSHD_HOST_PASSKEY);
  assert_connected (connection);
  g_assert_cmpuint (prompts_seen, ==, 0);
  close_host (connection);

  g_unsetenv ("SSH_AUTH_SOCK");
  kill (agent_pid, SIGTERM);
}

/* An unknown host key: asked once with its fingerprint; trusted, it is known the next
 * time. */
static void
test_unknown_host_key (void)
{
  g_autofree char *fingerprint = e2e_sshd_host_fingerprint ();
  HangarConnection *connection = open_host ("root", E2E_SSHD_HOST_NEW);
  HangarSshPromptDialog *dialog = wait_dialog (HANGAR_ASKPASS_KIND_HOST_KEY, 1);

  g_assert_cmpstr (hangar_askpass_prompt_get_fingerprint (hangar_ssh_prompt_dialog_get_prompt (dialog)),
                   ==, fingerprint);
  g_assert_nonnull (test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, label_says, fingerprint));
  test_click_button (GTK_WIDGET (dialog), "_Trust and Connect");
  assert_connected (connection);
  g_assert_cmpuint (prompts_seen, ==, 1);
  close_host (connection);

  connection = open_host ("root", E2E_SSHD_HOST_NEW);
  assert_connected (connection);
  g_assert_cmpuint (prompts_seen, ==, 0);
  close_host (connection);
}

/* A host whose key changed: refused with a sentence, nothing offered to accept. */
static void
test_changed_host_key (void)
{
  HangarConnection *connection = open_host ("root", E2E_SSHD_HOST_CHANGED);

  g_assert_true (e2e_wait_for (is_settled, connection, 30000));
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_STATE_FAILED);
  g_assert_true (g_str_has_prefix (hangar_connection_get_error_message (connection),
                                   "The host key of " E2E_SSHD_HOST_CHANGED " has changed"));
  g_assert_nonnull (strstr (hangar_connection_get_error_message (connection),
                            "ssh-keygen -R"));
  g_assert_cmpuint (prompts_seen, ==, 0);
  g_assert_null (current_dialog ());
  close_host (connection);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  e2e_gtk_test_init (&argc, &argv);
  /* Before anything talks to the session bus (libadwaita does, for the style). */
  test_keyring_start ();
  adw_init ();

  sshd_port = e2e_sshd_start ();
  password = e2e_sshd_add_password_user ();
  passkey = e2e_sshd_add_passphrase_key ("key passphrase");
  /* As the application does at startup. */
  hangar_ssh_prompts_install (NULL);
  g_signal_connect (hangar_askpass_server_get_default (), "prompt", G_CALLBACK (on_prompt_cb),
                    NULL);

  g_test_add_func ("/e2e/ssh-login/password", test_password);
  g_test_add_func ("/e2e/ssh-login/wrong-password", test_wrong_password);
  g_test_add_func ("/e2e/ssh-login/cancel", test_cancel);
  g_test_add_func ("/e2e/ssh-login/remember", test_remember);
  g_test_add_func ("/e2e/ssh-login/remembered-refused", test_remembered_refused);
  g_test_add_func ("/e2e/ssh-login/passphrase", test_passphrase);
  g_test_add_func ("/e2e/ssh-login/remember-passphrase", test_remember_passphrase);
  g_test_add_func ("/e2e/ssh-login/agent", test_agent);
  g_test_add_func ("/e2e/ssh-login/unknown-host-key", test_unknown_host_key);
  g_test_add_func ("/e2e/ssh-login/changed-host-key", test_changed_host_key);
  ret = g_test_run ();

  g_free (passkey);
  g_free (changed_password);
  hangar_askpass_server_release_default ();
  e2e_sshd_stop ();
  test_keyring_stop ();
  return ret;
}
