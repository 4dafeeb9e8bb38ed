// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * SSH questions asked in Hangar: how ssh's prompts are read (OpenSSH 9.2's own words),
 * and the askpass socket with the real helper (src/askpass) run as ssh runs it — from
 * a parent process standing in for ssh, the prompt as its argument, the answer read
 * from its output.
 */
#define G_LOG_DOMAIN "test-askpass"

#include "config.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "hangar-askpass-server.h"
#include "hangar-ssh.h"

#define HELPER HANGAR_BUILD_ROOT "/src/askpass/hangar-askpass"

/* Prompt texts as OpenSSH 9.2 builds them (sshconnect.c, sshconnect2.c). */
#define HOST_KEY_PROMPT \
  "The authenticity of host '[127.0.0.1]:2299 ([127.0.0.1]:2299)' can't be established.\n" \
  "ED25519 key fingerprint is SHA256:Vx0+kP6pLw1/3q9Zr8yXb2mN4cT7uE5sA0dF1gH2jK4.\n" \
  "This key is not known by any other names.\n" \
  "Are you sure you want to continue connecting (yes/no/[fingerprint])? "

static void
test_classify_password (void)
{
  g_autofree char *subject = NULL;
  g_autofree char *fingerprint = NULL;

  g_assert_cmpint (hangar_askpass_classify ("ana@203.0.113.5's password: ", &subject,
                                            &fingerprint), ==, HANGAR_ASKPASS_KIND_PASSWORD);
  g_assert_cmpstr (subject, ==, "ana@203.0.113.5");
  g_assert_null (fingerprint);
  g_clear_pointer (&subject, g_free);

  /* Keyboard-interactive through PAM. */
  g_assert_cmpint (hangar_askpass_classify ("(ana@host.example) Password: ", &subject, NULL),
                   ==, HANGAR_ASKPASS_KIND_PASSWORD);
  g_assert_cmpstr (subject, ==, "ana@host.example");
}

static void
test_classify_passphrase (void)
{
  g_autofree char *subject = NULL;

  g_assert_cmpint (hangar_askpass_classify ("Enter passphrase for key '/home/ana/.ssh/id_ed25519': ",
                                            &subject, NULL), ==, HANGAR_ASKPASS_KIND_PASSPHRASE);
  g_assert_cmpstr (subject, ==, "/home/ana/.ssh/id_ed25519");
}

static void
test_classify_host_key (void)
{
  g_autofree char *subject = NULL;
  g_autofree char *fingerprint = NULL;

  g_assert_cmpint (hangar_askpass_classify (HOST_KEY_PROMPT, &subject, &fingerprint), ==,
                   HANGAR_ASKPASS_KIND_HOST_KEY);
  g_assert_cmpstr (subject, ==, "[127.0.0.1]:2299");
  g_assert_cmpstr (fingerprint, ==, "SHA256:Vx0+kP6pLw1/3q9Zr8yXb2mN4cT7uE5sA0dF1gH2jK4");
}

static void
test_classify_other (void)
{
  g_autofree char *subject = NULL;

  g_assert_cmpint (hangar_askpass_classify ("Verification code: ", &subject, NULL), ==,
                   HANGAR_ASKPASS_KIND_OTHER);
  g_assert_null (subject);
}

/* The socket, with the real helper. */

typedef struct {
  char *dir;
  HangarAskpassServer *server;
  GPtrArray *prompts;          /* what the server emitted, kept */
  const char *answer;          /* given to each prompt at once; NULL: kept unanswered */
  gboolean cancel;             /* cancel each prompt at once */
} Fixture;

static void
on_prompt_cb (HangarAskpassServer *server,
              HangarAskpassPrompt *prompt,
              Fixture             *fixture)
{
  g_ptr_array_add (fixture->prompts, g_object_ref (prompt));
  if (fixture->cancel)
    hangar_askpass_prompt_cancel (prompt);
  else if (fixture->answer != NULL)
    hangar_askpass_prompt_answer (prompt, fixture->answer);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("hangar-askpass-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "askpass", NULL);
  fixture->server = hangar_askpass_server_new (path, &error);
  g_assert_no_error (error);
  fixture->prompts = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (fixture->server, "prompt", G_CALLBACK (on_prompt_cb), fixture);
  hangar_askpass_server_begin_login (fixture->server, "0123abcd", "ana@host.example:2299",
                                     "ana@host.example");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_strdup (hangar_askpass_server_get_socket_path (fixture->server));

  g_ptr_array_unref (fixture->prompts);
  g_assert_finalize_object (fixture->server);
  /* The server removes its socket. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
}

typedef struct {
  gboolean done;
  char *out;
  int status;
} Run;

static void
on_communicated_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, NULL, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_status (G_SUBPROCESS (object));
  run->done = TRUE;
}

/* Runs the helper with @prompt as ssh does, under a shell standing in for ssh (the
 * helper's parent), which prints the helper's exit status after its answer. Returns the
 * shell's output; @status: the shell's wait status. */
static char *
ask (Fixture    *fixture,
     const char *login_id,
     const char *prompt,
     int        *status)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  g_subprocess_launcher_setenv (launcher, "HANGAR_ASKPASS_SOCKET",
                                hangar_askpass_server_get_socket_path (fixture->server), TRUE);
  g_subprocess_launcher_setenv (launcher, "HANGAR_ASKPASS_LOGIN", login_id, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, "sh", "-c",
                                         "\"$0\" \"$1\"; echo \"exit $?\"", HELPER, prompt,
                                         NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  *status = run.status;
  return run.out;
}

static void
test_answer (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *out = NULL;
  HangarAskpassPrompt *prompt;
  int status;

  fixture->answer = "s3cret with spaces";
  out = ask (fixture, "0123abcd", "ana@host.example's password: ", &status);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpstr (out, ==, "s3cret with spaces\nexit 0\n");

  g_assert_cmpuint (fixture->prompts->len, ==, 1);
  prompt = g_ptr_array_index (fixture->prompts, 0);
  g_assert_cmpint (hangar_askpass_prompt_get_kind (prompt), ==, HANGAR_ASKPASS_KIND_PASSWORD);
  g_assert_cmpstr (hangar_askpass_prompt_get_text (prompt), ==, "ana@host.example's password: ");
  g_assert_cmpstr (hangar_askpass_prompt_get_login (prompt), ==, "ana@host.example:2299");
  g_assert_cmpuint (hangar_askpass_prompt_get_attempt (prompt), ==, 1);
  g_assert_true (hangar_askpass_prompt_is_answered (prompt));
}

/* ssh asks again after a wrong password: the second is attempt 2, and a login that
 * fails after that is said to be a refused password. */
static void
test_asked_again (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *sentence = NULL;
  gboolean cancelled = TRUE;
  int status;

  fixture->answer = "wrong";
  for (guint i = 0; i < 3; i++)
    {
      g_free (out);
      out = ask (fixture, "0123abcd", "ana@host.example's password: ", &status);
      g_assert_cmpstr (out, ==, "wrong\nexit 0\n");
    }
  g_assert_cmpuint (fixture->prompts->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (hangar_askpass_prompt_get_attempt (g_ptr_array_index (fixture->prompts, i)),
                      ==, i + 1);

  sentence = hangar_askpass_server_explain (fixture->server, "0123abcd",
                                            "Cannot recv data: ana@host.example: Permission "
                                            "denied (publickey,password).: Connection reset "
                                            "by peer", &cancelled);
  g_assert_false (cancelled);
  g_assert_cmpstr (sentence, ==, "The password for ana@host.example was refused 3 times. "
                                 "Check the user name and the password, then try again.");

  /* A new login counts afresh. */
  hangar_askpass_server_begin_login (fixture->server, "0123abcd", "ana@host.example:2299",
                                     "ana@host.example");
  g_free (out);
  out = ask (fixture, "0123abcd", "ana@host.example's password: ", &status);
  g_assert_cmpuint (hangar_askpass_prompt_get_attempt (g_ptr_array_index (fixture->prompts, 3)),
                    ==, 1);
}

/* Cancel: the helper fails and ends its parent (ssh) at once; the login is said to be
 * cancelled. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *sentence = NULL;
  gboolean cancelled = FALSE;
  int status;

  fixture->cancel = TRUE;
  out = ask (fixture, "0123abcd", "Enter passphrase for key '/root/.ssh/id_ed25519': ",
             &status);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGTERM);
  g_assert_cmpstr (out, ==, "");

  sentence = hangar_askpass_server_explain (fixture->server, "0123abcd",
                                            "End of file while reading data: : Input/output "
                                            "error", &cancelled);
  g_assert_true (cancelled);
  g_assert_cmpstr (sentence, ==, "The login to ana@host.example was cancelled.");
}

/* A prompt nobody keeps is a Cancel, not a helper waiting for ever. */
static void
test_unanswered (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  int status;

  g_signal_handlers_disconnect_by_func (fixture->server, on_prompt_cb, fixture);
  out = ask (fixture, "0123abcd", "ana@host.example's password: ", &status);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGTERM);
}

/* A host key's trust is "yes" to ssh, whatever the dialog handed over; the prompt
 * carries the fingerprint. */
static void
test_host_key (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *out = NULL;
  HangarAskpassPrompt *prompt;
  int status;

  fixture->answer = "";
  out = ask (fixture, "0123abcd", HOST_KEY_PROMPT, &status);
  g_assert_cmpstr (out, ==, "yes\nexit 0\n");
  prompt = g_ptr_array_index (fixture->prompts, 0);
  g_assert_cmpint (hangar_askpass_prompt_get_kind (prompt), ==, HANGAR_ASKPASS_KIND_HOST_KEY);
  g_assert_cmpstr (hangar_askpass_prompt_get_fingerprint (prompt), ==,
                   "SHA256:Vx0+kP6pLw1/3q9Zr8yXb2mN4cT7uE5sA0dF1gH2jK4");
}

/* A login Hangar did not start still gets its question asked, without a login. */
static void
test_unknown_login (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *out = NULL;
  int status;

  fixture->answer = "pw";
  out = ask (fixture, "ffffffff", "bo@elsewhere's password: ", &status);
  g_assert_cmpstr (out, ==, "pw\nexit 0\n");
  g_assert_null (hangar_askpass_prompt_get_login (g_ptr_array_index (fixture->prompts, 0)));
  g_assert_null (hangar_askpass_server_explain (fixture->server, "ffffffff",
                                                "Permission denied", NULL));
}

/* Only the user can ask: the socket is 0600, and another user (nobody) cannot even
 * open it. As root (the test suite's user). */
static void
test_private (Fixture       *fixture,
              gconstpointer  data)
{
  const char *path = hangar_askpass_server_get_socket_path (fixture->server);
  struct stat st;
  pid_t pid;
  int status;

  g_assert_cmpint (getuid (), ==, 0);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The helper as nobody, straight (no shell): it must fail to reach Hangar. */
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      if (setgid (65534) < 0 || setuid (65534) < 0)
        _exit (3);
      setenv ("HANGAR_ASKPASS_SOCKET", path, 1);
      setenv ("HANGAR_ASKPASS_LOGIN", "0123abcd", 1);
      execl (HELPER, HELPER, "ana@host.example's password: ", (char *)NULL);
      _exit (4);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_cmpuint (fixture->prompts->len, ==, 0);
}

/* The wrapper libvirt runs as ssh: the query's command= and what the script holds. */
static char *
wrapper_of (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  char *script = NULL;

  g_assert_nonnull (parsed);
  params = g_uri_parse_params (g_uri_get_query (parsed), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (g_hash_table_lookup (params, "command"), &script, NULL,
                                      &error));
  g_assert_no_error (error);
  return script;
}

/* Before the application's server runs, ssh cannot ask: BatchMode through no_tty;
 * once it runs, the login's wrapper points ssh at the helper. */
static void
test_prepare_uri (void)
{
  const char *uri = "qemu+ssh://ana@host.example:2299/system";
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *id = NULL;
  HangarAskpassServer *server;

  g_assert_null (hangar_askpass_server_dup_default ());
  before = hangar_ssh_prepare_uri (uri, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (before, "no_tty=1"));
  script = wrapper_of (before);
  g_assert_null (strstr (script, "SSH_ASKPASS"));
  g_clear_pointer (&script, g_free);

  server = hangar_askpass_server_get_default ();
  g_assert_nonnull (server);
  after = hangar_ssh_prepare_uri (uri, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (after, "no_tty"));
  script = wrapper_of (after);
  g_assert_nonnull (strstr (script, "\nSSH_ASKPASS_REQUIRE=force\n"));
  g_assert_nonnull (strstr (script, "/hangar-askpass'\n"));
  g_assert_nonnull (strstr (script, hangar_askpass_server_get_socket_path (server)));
  /* The login's id: the first 16 hex digits of SHA-256 of "ana@host.example:2299". */
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "ana@host.example:2299", -1);
  id = g_strndup (hash, 16);
  g_assert_nonnull (strstr (script, id));

  hangar_askpass_server_release_default ();
  g_assert_null (hangar_askpass_server_dup_default ());
}

/* ssh's banner for a changed host key, passed on by libvirt, becomes the sentence. */
static void
test_explain_changed_key (void)
{
  g_autofree char *sentence = hangar_ssh_explain_failure (
    "qemu+ssh://ana@host.example:2299/system",
    "Cannot recv data: @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
    "Host key verification failed.: Connection reset by peer", NULL);

  g_assert_cmpstr (sentence, ==, "The host key of host.example has changed since it was last "
                                 "trusted, so Hangar did not connect: someone may be "
                                 "intercepting the connection, or the host was reinstalled. "
                                 "If you know the host's key changed, remove the old one with "
                                 "“ssh-keygen -R [host.example]:2299” and connect again.");
  g_assert_null (hangar_ssh_explain_failure ("qemu:///system", "whatever", NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime = g_dir_make_tmp ("hangar-askpass-runtime-XXXXXX", NULL);
  int ret;

  /* The SSH runtime directory (wrappers, the default server's socket) is the test's. */
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/askpass/classify/password", test_classify_password);
  g_test_add_func ("/askpass/classify/passphrase", test_classify_passphrase);
  g_test_add_func ("/askpass/classify/host-key", test_classify_host_key);
  g_test_add_func ("/askpass/classify/other", test_classify_other);
  g_test_add ("/askpass/socket/answer", Fixture, NULL, fixture_set_up, test_answer,
              fixture_tear_down);
  g_test_add ("/askpass/socket/asked-again", Fixture, NULL, fixture_set_up, test_asked_again,
              fixture_tear_down);
  g_test_add ("/askpass/socket/cancel", Fixture, NULL, fixture_set_up, test_cancel,
              fixture_tear_down);
  g_test_add ("/askpass/socket/unanswered", Fixture, NULL, fixture_set_up, test_unanswered,
              fixture_tear_down);
  g_test_add ("/askpass/socket/host-key", Fixture, NULL, fixture_set_up, test_host_key,
              fixture_tear_down);
  g_test_add ("/askpass/socket/unknown-login", Fixture, NULL, fixture_set_up,
              test_unknown_login, fixture_tear_down);
  g_test_add ("/askpass/socket/private", Fixture, NULL, fixture_set_up, test_private,
              fixture_tear_down);
  g_test_add_func ("/askpass/ssh/prepare-uri", test_prepare_uri);
  g_test_add_func ("/askpass/ssh/explain-changed-key", test_explain_changed_key);
  ret = g_test_run ();

  {
    const char *argv_rm[] = { "rm", "-rf", runtime, NULL };

    g_spawn_sync (NULL, (char **)argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                  NULL, NULL);
  }
  return ret;
}
