// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-credentials"

/* A host's questions for a user name and password, on libvirt's test driver: a
 * test:///…/auth-host.xml file with <auth> asks them through virConnectOpenAuth's
 * callback, as SASL does. The test answers as the application would, through the
 * default asker's "ask" signal. */

#include "config.h"

#include <string.h>

#include "hangar-connection.h"
#include "hangar-credentials-asker.h"
#include "hangar-credentials-private.h"
#include "test-core-util.h"

#define USER     "jane"
#define PASSWORD "hangar-s3cret"

typedef struct {
  /* What the test answers, per question; NULL password: Cancel; "-": no answer. */
  const char *user;
  const char *password;
  gboolean remembered;
  /* Answers from the second question on (NULL: the same as above). */
  const char *then_password;
  GPtrArray *questions;
  /* Answers the host let in ("accepted"). */
  guint accepted;
  gulong handler;
} Asked;

static void
on_accepted_cb (HangarCredentials *question,
                Asked             *asked)
{
  asked->accepted++;
}

static void
on_ask_cb (HangarCredentialsAsker *asker,
           HangarCredentials      *question,
           Asked                  *asked)
{
  gboolean later = asked->questions->len > 0 && asked->then_password != NULL;
  const char *password = later ? asked->then_password : asked->password;

  g_ptr_array_add (asked->questions, g_object_ref (question));
  g_signal_connect (question, "accepted", G_CALLBACK (on_accepted_cb), asked);
  if (g_strcmp0 (password, "-") == 0)
    return;
  if (password == NULL)
    hangar_credentials_cancel (question);
  else
    hangar_credentials_answer (question, asked->user, password, asked->remembered && !later);
}

static gboolean
was_accepted (gpointer data)
{
  return ((Asked *)data)->accepted > 0;
}

static void
asked_listen (Asked *asked)
{
  asked->questions = g_ptr_array_new_with_free_func (g_object_unref);
  asked->handler = g_signal_connect (hangar_credentials_asker_get_default (), "ask",
                                     G_CALLBACK (on_ask_cb), asked);
}

static void
asked_clear (Asked *asked)
{
  for (guint i = 0; i < asked->questions->len; i++)
    g_signal_handlers_disconnect_by_func (asked->questions->pdata[i], on_accepted_cb, asked);
  g_clear_signal_handler (&asked->handler, hangar_credentials_asker_get_default ());
  g_clear_pointer (&asked->questions, g_ptr_array_unref);
}

static HangarConnection *
open_auth_host (void)
{
  g_autofree char *uri = test_data_uri ("auth-host.xml");
  HangarConnection *connection = hangar_connection_new (uri);

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  return connection;
}

static void
wait_settled (HangarConnection *connection)
{
  if (!test_wait_for (test_connection_is_settled, connection, 10000))
    g_error ("The connection did not settle: %s", hangar_connection_get_state_label (connection));
}

static void
assert_connected (HangarConnection *connection)
{
  wait_settled (connection);
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==, NULL);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_STATE_CONNECTED);
  g_assert_nonnull (hangar_connection_find_guest (connection, "guarded"));
}

/* The right user name and password: one question asks both (the test driver asks
 * them in two calls; the second is answered from the first), and the host connects. */
static void
test_answer (void)
{
  Asked asked = { USER, PASSWORD };
  g_autoptr(HangarConnection) connection = NULL;
  HangarCredentials *question;

  asked_listen (&asked);
  connection = open_auth_host ();
  assert_connected (connection);

  g_assert_cmpuint (asked.questions->len, ==, 1);
  question = asked.questions->pdata[0];
  g_assert_true (hangar_credentials_wants_user (question));
  g_assert_true (hangar_credentials_wants_password (question));
  g_assert_cmpuint (hangar_credentials_get_attempt (question), ==, 1);
  g_assert_cmpint (hangar_credentials_get_outcome (question), ==, HANGAR_CREDENTIALS_ANSWERED);
  g_assert_cmpstr (hangar_credentials_get_user (question), ==, USER);
  /* The test driver's question names no user, nor does the URI. */
  g_assert_null (hangar_credentials_get_default_user (question));
  /* Told once libvirt let it in: what to remember may be kept. */
  g_assert_true (test_wait_for (was_accepted, &asked, 5000));
  g_assert_cmpuint (asked.accepted, ==, 1);
  asked_clear (&asked);
}

/* A wrong password: the host says so in a sentence, with nothing retried behind the
 * user's back; Retry (another open) asks again, and the right answer connects. */
static void
test_refused (void)
{
  Asked asked = { USER, "wrong", FALSE, PASSWORD };
  g_autoptr(HangarConnection) connection = NULL;

  asked_listen (&asked);
  connection = open_auth_host ();
  wait_settled (connection);
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_STATE_FAILED);
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==,
                   "libvirt on this computer refused the user name or password. Check them, "
                   "then retry.");
  g_assert_cmpuint (asked.questions->len, ==, 1);
  /* A refused answer is never "accepted" (nothing to remember). */
  g_assert_cmpuint (asked.accepted, ==, 0);

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  assert_connected (connection);
  g_assert_cmpuint (asked.questions->len, ==, 2);
  g_assert_true (test_wait_for (was_accepted, &asked, 5000));
  g_assert_cmpuint (asked.accepted, ==, 1);
  asked_clear (&asked);
}

/* A remembered (keyring) answer that is refused is asked again at once, in the same
 * open, as attempt 2; the person's answer then connects. */
static void
test_remembered_refused (void)
{
  Asked asked = { USER, "stale", TRUE, PASSWORD };
  g_autoptr(HangarConnection) connection = NULL;

  asked_listen (&asked);
  connection = open_auth_host ();
  assert_connected (connection);
  g_assert_cmpuint (asked.questions->len, ==, 2);
  g_assert_cmpuint (hangar_credentials_get_attempt (asked.questions->pdata[0]), ==, 1);
  g_assert_cmpuint (hangar_credentials_get_attempt (asked.questions->pdata[1]), ==, 2);
  g_assert_true (test_wait_for (was_accepted, &asked, 5000));
  g_assert_cmpuint (asked.accepted, ==, 1);
  asked_clear (&asked);
}

/* Cancel: the open ends at once, saying what the host wants. */
static void
test_cancel (void)
{
  Asked asked = { USER, NULL };
  g_autoptr(HangarConnection) connection = NULL;

  asked_listen (&asked);
  connection = open_auth_host ();
  wait_settled (connection);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS);
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==,
                   "libvirt on this computer asks for a user name and password. Retry to "
                   "give them.");
  g_assert_cmpuint (asked.questions->len, ==, 1);
  asked_clear (&asked);
}

static gboolean
has_question (gpointer data)
{
  return ((Asked *)data)->questions->len > 0;
}

static gboolean
is_gone (gpointer data)
{
  g_autoptr(GObject) object = g_weak_ref_get (data);

  return object == NULL;
}

static void
on_finished_cb (HangarCredentials *question,
                guint             *finished)
{
  (*finished)++;
}

/* The connection's own Cancel (Close) while the question waits: the question is
 * withdrawn ("finished" tells the dialog to go), and the worker that waited on it
 * lets go of it — the question's end proves the worker left libvirt's callback. */
static void
test_close_while_asking (void)
{
  Asked asked = { USER, "-" };
  g_autoptr(HangarConnection) connection = NULL;
  HangarCredentials *question;
  GWeakRef weak;
  guint finished = 0;

  asked_listen (&asked);
  connection = open_auth_host ();
  g_assert_true (test_wait_for (has_question, &asked, 10000));
  question = asked.questions->pdata[0];
  g_assert_true (hangar_credentials_is_pending (question));
  g_signal_connect (question, "finished", G_CALLBACK (on_finished_cb), &finished);
  g_weak_ref_init (&weak, question);

  hangar_connection_close (connection);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (hangar_credentials_get_outcome (question), ==, HANGAR_CREDENTIALS_WITHDRAWN);
  /* Answering late changes nothing. */
  hangar_credentials_answer (question, USER, PASSWORD, FALSE);
  g_assert_cmpint (hangar_credentials_get_outcome (question), ==, HANGAR_CREDENTIALS_WITHDRAWN);

  asked_clear (&asked);
  if (!test_wait_for (is_gone, &weak, 10000))
    g_error ("The open's worker still holds its question after Close");
  g_weak_ref_clear (&weak);
  g_assert_cmpuint (finished, ==, 1);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
}

static gboolean
on_deadline_cb (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *)data;
}

/* The open's bound (HANGAR_CONNECTION_OPEN_TIMEOUT_S) is on the host, not on the person
 * typing: a question left a second past it does not end the open, and its answer then
 * connects. The later timer firing proves the bound's moment has passed. */
static void
test_bound_waits_for_person (void)
{
  Asked asked = { USER, "-" };
  g_autoptr(HangarConnection) connection = NULL;
  gboolean passed = FALSE;

  asked_listen (&asked);
  connection = open_auth_host ();
  g_timeout_add_seconds (HANGAR_CONNECTION_OPEN_TIMEOUT_S + 1, on_deadline_cb, &passed);
  g_assert_true (test_wait_for (has_question, &asked, 10000));
  g_assert_true (test_wait_for (is_true, &passed, (HANGAR_CONNECTION_OPEN_TIMEOUT_S + 10) * 1000));
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_CONNECTING);
  g_assert_true (hangar_credentials_is_pending (asked.questions->pdata[0]));

  hangar_credentials_answer (asked.questions->pdata[0], USER, PASSWORD, FALSE);
  assert_connected (connection);
  asked_clear (&asked);
}

/* Nobody listens (no application): no waiting on a question nobody sees. */
static void
test_nobody_asks (void)
{
  g_autoptr(HangarConnection) connection = open_auth_host ();

  wait_settled (connection);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS);
}

/* libvirt's list turned into a question: the URI's user is proposed when libvirt
 * proposes none, libvirt's own proposal wins, and the answers go where libvirt
 * reads them. */
static void
test_from_libvirt (void)
{
  virConnectCredential cred[] = {
    { VIR_CRED_AUTHNAME, "Enter username for host.example", NULL, NULL, NULL, 0 },
    { VIR_CRED_PASSPHRASE, "Enter jane's password for host.example", NULL, NULL, NULL, 0 },
    { VIR_CRED_REALM, "Realm", NULL, "EXAMPLE", NULL, 0 },
  };
  virConnectCredential proposed[] = {
    { VIR_CRED_AUTHNAME, "Enter username", NULL, "root", NULL, 0 },
  };
  virConnectCredential external[] = {
    { VIR_CRED_EXTERNAL, "polkit", "PolicyKit", NULL, NULL, 0 },
  };
  g_autoptr(HangarCredentials) question =
    hangar_credentials_new_for_libvirt ("qemu+tcp://jane@host.example/system", cred,
                                        G_N_ELEMENTS (cred), 1);
  g_autoptr(HangarCredentials) named =
    hangar_credentials_new_for_libvirt ("qemu+tcp://jane@host.example/system", proposed,
                                        G_N_ELEMENTS (proposed), 1);

  g_assert_cmpstr (hangar_credentials_get_default_user (question), ==, "jane");
  g_assert_cmpstr (hangar_credentials_get_host (question), ==, "host.example");
  g_assert_cmpstr (hangar_credentials_get_password_prompt (question), ==,
                   "Enter jane's password for host.example");
  g_assert_cmpint (hangar_credentials_fill (question, cred, G_N_ELEMENTS (cred)), ==, -1);

  hangar_credentials_answer (question, "joe", "pw", FALSE);
  g_assert_cmpint (hangar_credentials_fill (question, cred, G_N_ELEMENTS (cred)), ==, 0);
  g_assert_cmpstr (cred[0].result, ==, "joe");
  g_assert_cmpuint (cred[0].resultlen, ==, 3);
  g_assert_cmpstr (cred[1].result, ==, "pw");
  g_assert_cmpstr (cred[2].result, ==, "EXAMPLE");
  for (guint i = 0; i < G_N_ELEMENTS (cred); i++)
    g_free (cred[i].result);

  g_assert_cmpstr (hangar_credentials_get_default_user (named), ==, "root");
  /* A user name asked alone is asked with its password. */
  g_assert_true (hangar_credentials_wants_password (named));
  g_assert_null (hangar_credentials_new_for_libvirt ("qemu:///system", external, 1, 1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credentials/from-libvirt", test_from_libvirt);
  g_test_add_func ("/credentials/answer", test_answer);
  g_test_add_func ("/credentials/refused", test_refused);
  g_test_add_func ("/credentials/remembered-refused", test_remembered_refused);
  g_test_add_func ("/credentials/cancel", test_cancel);
  g_test_add_func ("/credentials/close-while-asking", test_close_while_asking);
  g_test_add_func ("/credentials/nobody-asks", test_nobody_asks);
  g_test_add_func ("/credentials/bound-waits-for-person", test_bound_waits_for_person);

  return g_test_run ();
}
