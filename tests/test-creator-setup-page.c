// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-creator-setup-page"

/* The New VM window's Setup page in a window of its own on a HangarCreatorState, driven
 * as a user would under Xvfb, with the installed osinfo-db's Debian 11 and Windows 10:
 * when it is needed, which fields it asks, every message a field can show, and what
 * apply writes into the spec. */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <adwaita.h>

#include "hangar-connection.h"
#include "hangar-creator-setup-page.h"
#include "hangar-creator-state.h"
#include "hangar-guest-creator.h"
#include "hangar-guest-spec.h"
#include "hangar-install-setup.h"
#include "test-core-util.h"
#include "test-creator-util.h"
#include "test-wizard-util.h"

#define ED25519_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAg4LD+/gCoQJpE2nCJrDr67dbn8yo/jykScc/rSt34I test@hangar"

typedef TestCreatorPage Fixture;

static gboolean
is_loaded (gpointer data)
{
  return hangar_os_catalog_get_loaded (data);
}

static void
fixture_open (Fixture *fixture)
{
  fixture->connection = test_open_connection ("test:///default");
  test_creator_page_show (fixture, hangar_creator_setup_page_new, 640, 900);
  g_assert_true (test_wait_for (is_loaded, hangar_creator_state_get_catalog (fixture->state), 30000));
}

static OsinfoOs *
find_os (Fixture    *fixture,
         const char *short_id)
{
  OsinfoOs *os = hangar_os_catalog_find_os (hangar_creator_state_get_catalog (fixture->state),
                                            short_id);

  g_assert_nonnull (os);
  return os;
}

static HangarCreatorPage *
page_of (Fixture *fixture)
{
  return HANGAR_CREATOR_PAGE (fixture->page);
}

static GtkWidget *
row (Fixture    *fixture,
     GType       type,
     const char *title)
{
  return test_find_titled (fixture->page, type, title);
}

static GtkSwitch *
switch_of (GtkWidget *action_row)
{
  return GTK_SWITCH (test_find_widget (action_row, GTK_TYPE_SWITCH, NULL, NULL));
}

static void
set_keys (Fixture    *fixture,
          const char *text)
{
  GtkTextView *view = GTK_TEXT_VIEW (test_find_widget (fixture->page, GTK_TYPE_TEXT_VIEW, NULL, NULL));

  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (view)));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

/* Every control of the group holding @row has a name. (The page's scroll pane around
 * the groups is AdwPreferencesPage's own, unnamed in libadwaita 1.2.) */
static void
assert_group_named (GtkWidget *row)
{
  GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

  g_assert_nonnull (group);
  hangar_test_assert_accessible_names (group);
}

/* Needed for a cloud image, and for media of an OS with an install script; not for
 * an unknown OS or a source that installs nothing. */
static void
test_needed (void)
{
  Fixture fixture = { 0 };

  fixture_open (&fixture);
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_MEDIA);
  hangar_creator_state_set_os (fixture.state, NULL);
  g_assert_false (hangar_creator_page_get_needed (page_of (&fixture)));

  hangar_creator_state_set_os (fixture.state, find_os (&fixture, "debian11"));
  g_assert_true (hangar_creator_page_get_needed (page_of (&fixture)));
  g_assert_cmpstr (hangar_creator_page_get_title (page_of (&fixture)), ==, "Automatic Installation");
  g_assert_true (gtk_widget_is_visible (row (&fixture, ADW_TYPE_ACTION_ROW, "Install _Automatically")));
  g_assert_false (gtk_widget_is_visible (row (&fixture, ADW_TYPE_ACTION_ROW, "_Locked, SSH Key Only")));
  g_assert_false (gtk_widget_is_visible (row (&fixture, ADW_TYPE_ENTRY_ROW, "Product _Key")));

  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_IMPORT);
  g_assert_false (hangar_creator_page_get_needed (page_of (&fixture)));

  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  g_assert_true (hangar_creator_page_get_needed (page_of (&fixture)));
  g_assert_cmpstr (hangar_creator_page_get_title (page_of (&fixture)), ==, "First Boot");
  g_assert_false (gtk_widget_is_visible (row (&fixture, ADW_TYPE_ACTION_ROW, "Install _Automatically")));
  g_assert_true (gtk_widget_is_visible (row (&fixture, ADW_TYPE_ACTION_ROW, "_Locked, SSH Key Only")));
  test_creator_page_close (&fixture);
}

/* Debian 11 from its ISO: the desktop's user by default, each field's message, the
 * switch that turns the answers off, and what apply writes. */
static void
test_unattended (void)
{
  Fixture fixture = { 0 };
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  GtkWidget *login;
  GtkWidget *password;
  GtkWidget *repeat;
  GtkWidget *hostname;
  GtkWidget *auto_row;

  fixture_open (&fixture);
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_MEDIA);
  hangar_creator_state_set_os (fixture.state, find_os (&fixture, "debian11"));
  hangar_creator_page_shown (page_of (&fixture));
  login = row (&fixture, ADW_TYPE_ENTRY_ROW, "_User Name");
  password = row (&fixture, ADW_TYPE_PASSWORD_ENTRY_ROW, "_Password");
  repeat = row (&fixture, ADW_TYPE_PASSWORD_ENTRY_ROW, "_Repeat Password");
  hostname = row (&fixture, ADW_TYPE_ENTRY_ROW, "_Host Name");
  auto_row = row (&fixture, ADW_TYPE_ACTION_ROW, "Install _Automatically");
  assert_group_named (auto_row);
  assert_group_named (login);

  g_assert_true (gtk_switch_get_active (switch_of (auto_row)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (login)), ==,
                   geteuid () == 0 ? "user" : g_get_user_name ());
  /* No password yet: incomplete, but nothing said before Forward. */
  g_assert_false (hangar_creator_page_get_complete (page_of (&fixture)));
  test_assert_field_clean (repeat);
  test_assert_field_note (hostname, "dim-label", "Empty: the virtual machine’s name.");
  hangar_creator_page_show_faults (page_of (&fixture));
  test_assert_field_error (repeat, "Enter the user’s password.");

  test_type_text (login, "");
  test_assert_field_error (login, "Enter the user name");
  test_type_text (login, "Alice Smith");
  test_assert_field_error (login, "lower-case letters");
  test_type_text (login, "root");
  test_assert_field_error (login, "“root” is the administrator’s account. Enter the name of a user account for the virtual machine’s user.");
  g_assert_false (hangar_creator_page_get_complete (page_of (&fixture)));
  /* The system's own accounts, which installers refuse to make. */
  test_type_text (login, "daemon");
  test_assert_field_error (login, "“daemon” is one of the system’s own accounts. Enter another user name.");
  test_type_text (login, "nobody");
  test_assert_field_error (login, "“nobody” is one of the system’s own accounts.");
  g_assert_false (hangar_creator_page_get_complete (page_of (&fixture)));
  /* A full name the user typed stays when the login changes. */
  {
    GtkWidget *realname = row (&fixture, ADW_TYPE_ENTRY_ROW, "_Full Name");

    test_type_text (realname, "Alice Liddell");
    test_type_text (login, "alice");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (realname)), ==, "Alice Liddell");
  }
  test_assert_field_clean (login);

  test_type_text (password, "pw-one");
  test_type_text (repeat, "pw-two");
  test_assert_field_error (repeat, "The two passwords differ.");
  g_assert_false (hangar_creator_page_get_complete (page_of (&fixture)));
  test_type_text (repeat, "pw-one");
  test_assert_field_clean (repeat);
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));

  test_type_text (hostname, "bad_host!");
  test_assert_field_error (hostname, "The host name may hold only");
  g_assert_false (hangar_creator_page_get_complete (page_of (&fixture)));
  test_type_text (hostname, "deb-guest");
  test_assert_field_note (hostname, "dim-label", "Empty");
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));

  hangar_creator_page_apply (page_of (&fixture), spec);
  g_assert_true (spec->unattended);
  g_assert_false (spec->cloud_init);
  g_assert_cmpstr (spec->user_login, ==, "alice");
  g_assert_cmpstr (spec->user_password, ==, "pw-one");
  g_assert_null (spec->admin_password);
  g_assert_null (spec->product_key);
  g_assert_cmpstr (spec->hostname, ==, "deb-guest");
  g_assert_null (spec->ssh_keys);
  g_assert_false (spec->minimal_install);

  /* Debian's scripts install a desktop or not: the desktop by default, as GNOME Boxes
   * and virt-install do. */
  {
    GtkWidget *desktop = row (&fixture, ADW_TYPE_ACTION_ROW, "Graphical _Desktop");

    g_assert_true (gtk_widget_is_visible (desktop));
    g_assert_true (gtk_switch_get_active (switch_of (desktop)));
    gtk_switch_set_active (switch_of (desktop), FALSE);
    hangar_creator_page_apply (page_of (&fixture), spec);
    g_assert_true (spec->minimal_install);
    gtk_switch_set_active (switch_of (auto_row), FALSE);
    g_assert_false (gtk_widget_is_sensitive (desktop));
    hangar_creator_page_apply (page_of (&fixture), spec);
    g_assert_false (spec->minimal_install);
    gtk_switch_set_active (switch_of (auto_row), TRUE);
    gtk_switch_set_active (switch_of (desktop), TRUE);
    hangar_creator_page_apply (page_of (&fixture), spec);
    g_assert_false (spec->minimal_install);
  }

  /* Switched off: nothing asked, nothing written, and nothing blocks. */
  gtk_switch_set_active (switch_of (auto_row), FALSE);
  g_assert_false (gtk_widget_is_sensitive (login));
  hangar_creator_page_apply (page_of (&fixture), spec);
  g_assert_false (spec->unattended);
  g_assert_null (spec->user_login);
  g_assert_null (spec->user_password);
  g_assert_null (spec->hostname);
  /* On again: the answers are still there, and checked again. */
  gtk_switch_set_active (switch_of (auto_row), TRUE);
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));
  test_type_text (password, "");
  g_assert_false (hangar_creator_page_get_complete (page_of (&fixture)));
  gtk_switch_set_active (switch_of (auto_row), FALSE);
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));
  gtk_switch_set_active (switch_of (auto_row), TRUE);
  test_type_text (password, "pw-one");
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));

  /* Root's password is the user's unless the user gives one of its own. */
  {
    GtkWidget *same = row (&fixture, ADW_TYPE_ACTION_ROW, "A_dministrator Password Same as the User’s");
    GtkWidget *admin = row (&fixture, ADW_TYPE_PASSWORD_ENTRY_ROW, "Ad_ministrator Password");

    g_assert_true (gtk_widget_is_visible (same));
    g_assert_true (gtk_switch_get_active (switch_of (same)));
    g_assert_false (gtk_widget_is_visible (admin));
    gtk_switch_set_active (switch_of (same), FALSE);
    g_assert_true (gtk_widget_is_visible (admin));
    g_assert_false (hangar_creator_page_get_complete (page_of (&fixture)));
    test_type_text (admin, "root-pw");
    g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));
    hangar_creator_page_apply (page_of (&fixture), spec);
    g_assert_cmpstr (spec->admin_password, ==, "root-pw");
    gtk_switch_set_active (switch_of (same), TRUE);
    hangar_creator_page_apply (page_of (&fixture), spec);
    g_assert_null (spec->admin_password);
  }

  /* The final check's and the creator's setup errors land here; another page's not. */
  {
    g_autoptr(GError) setup_error = g_error_new_literal (HANGAR_GUEST_SPEC_ERROR,
                                                         HANGAR_GUEST_SPEC_ERROR_SETUP,
                                                         "Answers refused.");
    g_autoptr(GError) files_error = g_error_new_literal (HANGAR_GUEST_CREATOR_ERROR,
                                                         HANGAR_GUEST_CREATOR_ERROR_SETUP,
                                                         "Could not prepare the installation.");
    g_autoptr(GError) name_error = g_error_new_literal (HANGAR_GUEST_SPEC_ERROR,
                                                        HANGAR_GUEST_SPEC_ERROR_NAME,
                                                        "Name refused.");

    g_assert_false (hangar_creator_page_show_error (page_of (&fixture), name_error));
    g_assert_true (hangar_creator_page_show_error (page_of (&fixture), setup_error));
    test_assert_field_error (login, "Answers refused.");
    g_assert_true (hangar_creator_page_show_error (page_of (&fixture), files_error));
    test_assert_field_error (auto_row, "Could not prepare the installation.");
  }
  test_save_screenshot (fixture.window, "creator-setup");
  test_creator_page_close (&fixture);
}

/* Windows 10: the administrator's password (the user's unless switched) and the product
 * key its answer file needs, in its format. */
static void
test_windows (void)
{
  Fixture fixture = { 0 };
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  GtkWidget *same;
  GtkWidget *admin;
  GtkWidget *key;

  fixture_open (&fixture);
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_MEDIA);
  hangar_creator_state_set_os (fixture.state, find_os (&fixture, "win10"));
  g_assert_true (hangar_creator_page_get_needed (page_of (&fixture)));
  same = row (&fixture, ADW_TYPE_ACTION_ROW, "A_dministrator Password Same as the User’s");
  admin = row (&fixture, ADW_TYPE_PASSWORD_ENTRY_ROW, "Ad_ministrator Password");
  key = row (&fixture, ADW_TYPE_ENTRY_ROW, "Product _Key");
  g_assert_true (gtk_widget_is_visible (same));
  g_assert_true (gtk_widget_is_visible (key));
  g_assert_true (gtk_switch_get_active (switch_of (same)));
  g_assert_false (gtk_widget_is_visible (admin));

  test_type_text (row (&fixture, ADW_TYPE_ENTRY_ROW, "_User Name"), "alice");
  test_type_text (row (&fixture, ADW_TYPE_PASSWORD_ENTRY_ROW, "_Password"), "pw");
  test_type_text (row (&fixture, ADW_TYPE_PASSWORD_ENTRY_ROW, "_Repeat Password"), "pw");
  gtk_switch_set_active (switch_of (same), FALSE);
  g_assert_true (gtk_widget_is_visible (admin));
  hangar_creator_page_show_faults (page_of (&fixture));
  test_assert_field_error (admin, "Enter the administrator’s password");
  test_assert_field_error (key, "Enter the product key");
  g_assert_false (hangar_creator_page_get_complete (page_of (&fixture)));

  test_type_text (admin, "admin-pw");
  test_assert_field_clean (admin);
  test_type_text (key, "ABC");
  test_assert_field_error (key, "A product key is written as $$$$$-$$$$$-$$$$$-$$$$$-$$$$$");
  test_type_text (key, "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY");
  test_assert_field_clean (key);
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));

  hangar_creator_page_apply (page_of (&fixture), spec);
  g_assert_true (spec->unattended);
  g_assert_cmpstr (spec->admin_password, ==, "admin-pw");
  g_assert_cmpstr (spec->product_key, ==, "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY");

  /* The same as the user's again: no administrator password of its own. */
  gtk_switch_set_active (switch_of (same), TRUE);
  hangar_creator_page_apply (page_of (&fixture), spec);
  g_assert_null (spec->admin_password);
  test_creator_page_close (&fixture);
}

/* A cloud image: password or locked with SSH keys, each key line checked. */
static void
test_cloud (void)
{
  Fixture fixture = { 0 };
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  GtkWidget *locked;
  GtkWidget *password;
  GtkWidget *keys_row;

  fixture_open (&fixture);
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  locked = row (&fixture, ADW_TYPE_ACTION_ROW, "_Locked, SSH Key Only");
  password = row (&fixture, ADW_TYPE_PASSWORD_ENTRY_ROW, "_Password");
  keys_row = row (&fixture, ADW_TYPE_PREFERENCES_ROW, "SSH Public Keys");
  assert_group_named (locked);
  assert_group_named (keys_row);
  test_type_text (row (&fixture, ADW_TYPE_ENTRY_ROW, "_User Name"), "bob");

  gtk_switch_set_active (switch_of (locked), TRUE);
  g_assert_false (gtk_widget_is_sensitive (password));
  hangar_creator_page_show_faults (page_of (&fixture));
  test_assert_field_error (keys_row, "Without a password, the user can only log in with an SSH key.");
  g_assert_false (hangar_creator_page_get_complete (page_of (&fixture)));

  set_keys (&fixture, "-----BEGIN OPENSSH PRIVATE KEY-----");
  test_assert_field_error (keys_row, "Line 1 of the SSH keys is not an SSH public key.");
  set_keys (&fixture, ED25519_KEY "\nssh-rsa AAAA");
  test_assert_field_error (keys_row, "Line 2 of the SSH keys");
  set_keys (&fixture, ED25519_KEY "\n");
  test_assert_field_clean (keys_row);
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));

  hangar_creator_page_apply (page_of (&fixture), spec);
  g_assert_true (spec->cloud_init);
  g_assert_false (spec->unattended);
  g_assert_true (spec->password_locked);
  g_assert_null (spec->user_password);
  g_assert_cmpstr (spec->user_login, ==, "bob");
  g_assert_cmpstr (spec->ssh_keys, ==, ED25519_KEY);

  /* With a password, the keys may stay empty. */
  gtk_switch_set_active (switch_of (locked), FALSE);
  set_keys (&fixture, "");
  test_assert_field_clean (keys_row);
  test_type_text (password, "pw");
  test_type_text (row (&fixture, ADW_TYPE_PASSWORD_ENTRY_ROW, "_Repeat Password"), "pw");
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));
  hangar_creator_page_apply (page_of (&fixture), spec);
  g_assert_false (spec->password_locked);
  g_assert_cmpstr (spec->user_password, ==, "pw");
  g_assert_null (spec->ssh_keys);
  test_save_screenshot (fixture.window, "creator-setup-cloud");
  test_creator_page_close (&fixture);
}

/* Clicks Add Key File…, which opens in ~/.ssh (the test's own home), picks @path there
 * (with the filter named @filter) and clicks Add. */
static void
add_key_file (Fixture    *fixture,
              const char *path,
              const char *filter)
{
  g_autoptr(GFile) ssh = g_file_new_build_filename (g_get_home_dir (), ".ssh", NULL);
  GtkWidget *dialog;

  dialog = test_file_chooser_open (test_find_titled (fixture->page, GTK_TYPE_BUTTON, "_Add Key File…"),
                                   ssh);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Add an SSH Public Key");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  test_file_chooser_accept (dialog, path, filter);
}

static gboolean
keys_are (gpointer data)
{
  Fixture *fixture = data;
  GtkTextView *view = GTK_TEXT_VIEW (test_find_widget (fixture->page, GTK_TYPE_TEXT_VIEW, NULL, NULL));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_str_equal (text, g_object_get_data (G_OBJECT (view), "expected"));
}

/* Add Key File… on a cloud image's page, through its file chooser: a public key file
 * (comments and blank lines around it) adds its key to the list, a second one goes on
 * the next line; a private key, a text that is not a key and an empty file are each
 * refused at the field with a sentence naming the file, and
 * leave the keys as they were. */
static void
test_add_key_file (void)
{
  Fixture fixture = { 0 };
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  g_autofree char *dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *pub = g_build_filename (dir, "id_ed25519.pub", NULL);
  g_autofree char *rsa = g_build_filename (dir, "id_rsa.pub", NULL);
  g_autofree char *private = g_build_filename (dir, "id_ed25519", NULL);
  g_autofree char *notes = g_build_filename (dir, "notes.pub", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.pub", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *rsa_key = NULL;
  GtkWidget *keys_row;
  GtkWidget *view;
  const char *bad[][2] = {
    { private, "id_ed25519 is not an SSH public key. Choose the .pub file of a key pair." },
    { notes, "notes.pub is not an SSH public key." },
    { empty, "empty.pub is not an SSH public key." },
  };

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (pub, "# my laptop\n\n" ED25519_KEY "\n\n", -1, NULL));
  g_assert_true (g_file_set_contents (private, "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                                      "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
                                      "-----END OPENSSH PRIVATE KEY-----\n", -1, NULL));
  g_assert_true (g_file_set_contents (notes, "remember to add the key\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", -1, NULL));
  /* An ssh-rsa key's blob starts with its type, length first. */
  {
    guchar blob[4 + 7 + 4] = { 0, 0, 0, 7, 's', 's', 'h', '-', 'r', 's', 'a', 0, 0, 0, 1 };
    g_autofree char *b64 = g_base64_encode (blob, sizeof blob);

    rsa_key = g_strdup_printf ("ssh-rsa %s ann@hangar", b64);
    g_assert_true (g_file_set_contents (rsa, rsa_key, -1, NULL));
  }

  fixture_open (&fixture);
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  keys_row = row (&fixture, ADW_TYPE_PREFERENCES_ROW, "SSH Public Keys");
  view = test_find_widget (fixture.page, GTK_TYPE_TEXT_VIEW, NULL, NULL);
  gtk_switch_set_active (switch_of (row (&fixture, ADW_TYPE_ACTION_ROW, "_Locked, SSH Key Only")), TRUE);

  add_key_file (&fixture, pub, NULL);
  g_object_set_data (G_OBJECT (view), "expected", (gpointer) ED25519_KEY);
  if (!test_wait_for (keys_are, &fixture, 10000))
    g_error ("the key of %s did not appear", pub);
  test_assert_field_clean (keys_row);
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));
  test_save_screenshot (fixture.window, "creator-setup-key-file");

  expected = g_strdup_printf ("%s\n%s", ED25519_KEY, rsa_key);
  add_key_file (&fixture, rsa, NULL);
  g_object_set_data (G_OBJECT (view), "expected", expected);
  if (!test_wait_for (keys_are, &fixture, 10000))
    g_error ("the key of %s did not appear on a line of its own", rsa);
  test_assert_field_clean (keys_row);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      TestFieldSays says = { keys_row, bad[i][1] };

      add_key_file (&fixture, bad[i][0], "All files");
      if (!test_wait_for (test_field_says, &says, 10000))
        g_error ("%s: no “%s” at the keys", bad[i][0], bad[i][1]);
      test_assert_field_error (keys_row, bad[i][1]);
      g_assert_true (keys_are (&fixture));
      assert_group_named (keys_row);
    }
  test_save_screenshot (fixture.window, "creator-setup-key-file-refused");

  hangar_creator_page_apply (page_of (&fixture), spec);
  g_assert_cmpstr (spec->ssh_keys, ==, expected);
  test_creator_page_close (&fixture);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_unlink (bad[i][0]);
  g_unlink (pub);
  g_unlink (rsa);
  g_rmdir (dir);
}

/* The user name proposed: the desktop's user, as GNOME Boxes does; as root, the user
 * who became root (sudo, pkexec) or "user" — never "root", a poor account for a new
 * guest that some installers refuse — and then no full name (root's). */
static void
test_default_login (void)
{
  g_autofree char *sudo_user = g_strdup (g_getenv ("SUDO_USER"));
  g_autofree char *pkexec_uid = g_strdup (g_getenv ("PKEXEC_UID"));
  Fixture fixture = { 0 };

  g_unsetenv ("SUDO_USER");
  g_unsetenv ("PKEXEC_UID");
  fixture_open (&fixture);
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_MEDIA);
  hangar_creator_state_set_os (fixture.state, find_os (&fixture, "debian11"));
  hangar_creator_page_shown (page_of (&fixture));
  if (geteuid () == 0)
    {
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (&fixture, ADW_TYPE_ENTRY_ROW, "_User Name"))),
                       ==, "user");
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (&fixture, ADW_TYPE_ENTRY_ROW, "_Full Name"))),
                       ==, "");
    }
  else
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (&fixture, ADW_TYPE_ENTRY_ROW, "_User Name"))),
                     ==, g_get_user_name ());
  test_creator_page_close (&fixture);

  if (geteuid () == 0)
    {
      g_autofree char *login = NULL;

      /* sudo's user; pkexec's, by uid; a name no installer takes is not proposed. */
      g_setenv ("SUDO_USER", "alice", TRUE);
      login = hangar_install_setup_default_user_login ();
      g_assert_cmpstr (login, ==, "alice");
      g_clear_pointer (&login, g_free);
      g_setenv ("SUDO_USER", "Alice Smith", TRUE);
      login = hangar_install_setup_default_user_login ();
      g_assert_cmpstr (login, ==, "user");
      g_clear_pointer (&login, g_free);
      /* Nor a system account (Hangar run by "nobody"). */
      g_setenv ("SUDO_USER", "nobody", TRUE);
      login = hangar_install_setup_default_user_login ();
      g_assert_cmpstr (login, ==, "user");
      g_clear_pointer (&login, g_free);
      g_unsetenv ("SUDO_USER");
      g_setenv ("PKEXEC_UID", "0", TRUE);
      login = hangar_install_setup_default_user_login ();
      g_assert_cmpstr (login, ==, "user");
      g_clear_pointer (&login, g_free);
      g_unsetenv ("PKEXEC_UID");

      g_setenv ("SUDO_USER", "alice", TRUE);
      fixture_open (&fixture);
      hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_MEDIA);
      hangar_creator_state_set_os (fixture.state, find_os (&fixture, "debian11"));
      hangar_creator_page_shown (page_of (&fixture));
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row (&fixture, ADW_TYPE_ENTRY_ROW, "_User Name"))),
                       ==, "alice");
      test_creator_page_close (&fixture);
    }
  if (sudo_user != NULL)
    g_setenv ("SUDO_USER", sudo_user, TRUE);
  else
    g_unsetenv ("SUDO_USER");
  if (pkexec_uid != NULL)
    g_setenv ("PKEXEC_UID", pkexec_uid, TRUE);
  else
    g_unsetenv ("PKEXEC_UID");
}

/* Debian's ISO on a remote host: its installer reads the answers only from the
 * medium's initrd, which Hangar cannot read there; the page says so and what to do
 * instead, and asks nothing. Windows' answers go on a disc of their own: asked. */
static void
test_remote_medium (void)
{
  Fixture fixture = { 0 };
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  GtkWidget *auto_row;

  /* Never connected: the page reads only the host's address. */
  fixture.connection = hangar_connection_new ("qemu+ssh://nobody@host.invalid/system");
  test_creator_page_show (&fixture, hangar_creator_setup_page_new, 640, 900);
  g_assert_true (test_wait_for (is_loaded, hangar_creator_state_get_catalog (fixture.state), 30000));
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_MEDIA);
  hangar_creator_state_set_os (fixture.state, find_os (&fixture, "debian11"));
  hangar_creator_page_shown (page_of (&fixture));
  auto_row = row (&fixture, ADW_TYPE_ACTION_ROW, "Install _Automatically");

  g_assert_true (hangar_creator_page_get_needed (page_of (&fixture)));
  test_assert_field_note (auto_row, "dim-label",
                          "Debian 11’s installer takes its answers only from the initrd on its medium, which Hangar cannot read in an ISO on a remote host. To install it automatically there, choose Network Install (URL)");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (switch_of (auto_row))));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (auto_row)), ==,
                   "Not available for this medium on a remote host");
  g_assert_false (gtk_widget_is_visible (row (&fixture, ADW_TYPE_ENTRY_ROW, "_User Name")));
  g_assert_true (hangar_creator_page_get_complete (page_of (&fixture)));
  hangar_creator_page_apply (page_of (&fixture), spec);
  g_assert_false (spec->unattended);
  g_assert_null (spec->user_login);
  assert_group_named (auto_row);
  test_save_screenshot (fixture.window, "creator-setup-remote-medium");

  /* Windows 10 takes its answers from a disc, uploaded with it: asked as usual. */
  hangar_creator_state_set_os (fixture.state, find_os (&fixture, "win10"));
  hangar_creator_page_shown (page_of (&fixture));
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (switch_of (auto_row))));
  g_assert_true (gtk_switch_get_active (switch_of (auto_row)));
  g_assert_true (gtk_widget_is_visible (row (&fixture, ADW_TYPE_ENTRY_ROW, "_User Name")));
  test_assert_field_clean (auto_row);
  test_creator_page_close (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("hangar-home-XXXXXX", NULL);
  int status;

  /* A home of the test's own, whose ~/.ssh holds the key files Add Key File… opens in. */
  g_setenv ("HOME", home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/creator-setup-page/needed", test_needed);
  g_test_add_func ("/creator-setup-page/unattended", test_unattended);
  g_test_add_func ("/creator-setup-page/default-login", test_default_login);
  g_test_add_func ("/creator-setup-page/remote-medium", test_remote_medium);
  g_test_add_func ("/creator-setup-page/windows", test_windows);
  g_test_add_func ("/creator-setup-page/cloud", test_cloud);
  g_test_add_func ("/creator-setup-page/add-key-file", test_add_key_file);

  status = g_test_run ();
  g_rmdir (home);
  return status;
}
