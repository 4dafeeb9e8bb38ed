// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-delete-guest"

#include "config.h"

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-session.h"
#include "hangar-window.h"
#include "test-core-util.h"
#include "test-widget-util.h"
#include "test-app-util.h"

/* The manager's Delete on the test driver's copy of tests/data/guest-disks.xml (a fresh
 * copy for each test): the dialog lists the guest's disks, and exactly the checked
 * volumes go. What is left is counted with plain libvirt calls behind Hangar's back. */

static HangarApplication *app;

typedef struct {
  HangarWindow *window;
  HangarConnection *connection;
  virConnectPtr conn;
} Fixture;

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  HangarSession *session = hangar_application_get_session (app);
  g_autofree char *uri = test_data_uri ("guest-disks.xml");

  f->window = hangar_window_new (GTK_APPLICATION (app), session);
  gtk_window_present (GTK_WINDOW (f->window));
  f->connection = hangar_session_add_connection (session, uri, FALSE, FALSE);
  g_assert_true (test_wait_for (is_connected, f->connection, 5000));
  f->conn = test_raw_connection (f->connection);
  virConnectRef (f->conn);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  for (GList *l = gtk_window_list_toplevels (); l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      gtk_window_destroy (l->data);
  gtk_window_destroy (GTK_WINDOW (f->window));
  virConnectClose (f->conn);
  hangar_session_remove_connection (hangar_application_get_session (app), f->connection);
}

/* Selects the guests named in @names (NULL-terminated) in the window's list. */
static void
select_guests (Fixture           *f,
               const char *const *names)
{
  GListModel *model = hangar_window_get_guest_model (f->window);

  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (model));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HangarGuest) guest = g_list_model_get_item (model, i);

      if (hangar_guest_get_connection (guest) == f->connection &&
          g_strv_contains (names, hangar_guest_get_name (guest)))
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (model), i, FALSE);
    }
}

static AdwMessageDialog *
find_message (const char *heading)
{
  for (GList *l = gtk_window_list_toplevels (); l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0)
      return l->data;
  return NULL;
}

static gboolean
delete_enabled (gpointer data)
{
  return adw_message_dialog_get_response_enabled (data, "delete");
}

/* Asks to delete the selection; the dialog, once it knows the disks. */
static AdwMessageDialog *
ask_delete (Fixture    *f,
            const char *heading)
{
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.delete-guest", NULL);
  dialog = find_message (heading);
  g_assert_nonnull (dialog);
  g_assert_true (test_wait_for (delete_enabled, dialog, 5000));
  return dialog;
}

static gboolean
has_tooltip (GtkWidget    *widget,
             gconstpointer path)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), path) == 0;
}

/* The check button of the disk at @path, named by its path for screen readers. */
static GtkCheckButton *
find_check (AdwMessageDialog *dialog,
            const char       *path)
{
  GtkWidget *check = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, has_tooltip,
                                       path);

  g_assert_nonnull (check);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       path);
  return GTK_CHECK_BUTTON (check);
}

static gboolean
is_label_saying (GtkWidget    *widget,
                 gconstpointer text)
{
  return g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

typedef struct {
  virConnectPtr conn;
  const char *names;
} VolumesCheck;

static gboolean
volumes_are (gpointer data)
{
  VolumesCheck *check = data;
  g_autofree char *names = test_volume_names (check->conn, "images");

  return g_strcmp0 (names, check->names) == 0;
}

static void
assert_volumes_become (virConnectPtr conn,
                       const char   *names)
{
  VolumesCheck check = { conn, names };

  if (!test_wait_for (volumes_are, &check, 5000))
    {
      g_autofree char *now = test_volume_names (conn, "images");

      g_error ("The pool holds “%s”, not “%s”", now, names);
    }
}

static void
assert_guest_gone (virConnectPtr conn,
                   const char   *name)
{
  virDomainPtr domain = virDomainLookupByName (conn, name);

  if (domain != NULL)
    {
      virDomainFree (domain);
      g_error ("“%s” is still defined", name);
    }
}

/* One guest: its disks listed and checked as the issue asks; the user's choice goes. */
static void
test_one_guest (Fixture      *f,
                gconstpointer data)
{
  const char *names[] = { "alpha", NULL };
  AdwMessageDialog *dialog;
  GtkCheckButton *own, *shared, *outside, *media;

  select_guests (f, names);
  dialog = ask_delete (f, "Delete “alpha”?");
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));

  own = find_check (dialog, "/hangar-test/images/alpha.qcow2");
  shared = find_check (dialog, "/hangar-test/images/shared.qcow2");
  outside = find_check (dialog, "/hangar-test/outside.img");
  media = find_check (dialog, "/hangar-test/images/installer.iso");
  g_assert_true (gtk_check_button_get_active (own));
  g_assert_false (gtk_check_button_get_active (shared));
  g_assert_nonnull (test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, is_label_saying,
                                      "Also used by bravo"));
  g_assert_false (gtk_check_button_get_active (media));
  g_assert_nonnull (test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, is_label_saying,
                                      "CD-ROM media"));
  /* Not a volume: shown, but Hangar cannot delete it. */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (outside)));
  g_assert_nonnull (test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, is_label_saying,
                                      "The checked disks are deleted with the guest; the "
                                      "others are kept."));

  /* The user takes the installer too. */
  gtk_check_button_set_active (media, TRUE);
  test_click_button (GTK_WIDGET (dialog), "_Delete");

  /* The volumes go in device order (vda, vdb, vdc, hda): once the installer is gone,
   * the shared volume would be too if it had been chosen. */
  assert_volumes_become (f->conn, "bravo.qcow2 shared.qcow2 spare.img");
  assert_guest_gone (f->conn, "alpha");
}

static gboolean
has_failed_message (gpointer data)
{
  return find_message ("Delete Failed") != NULL;
}

/* Volumes that cannot be deleted are named in the message; the guest is gone. */
static void
test_failure_named (Fixture      *f,
                    gconstpointer data)
{
  const char *names[] = { "charlie", NULL };
  AdwMessageDialog *dialog;
  virStoragePoolPtr more;
  const char *body;

  select_guests (f, names);
  dialog = ask_delete (f, "Delete “charlie”?");
  g_assert_true (gtk_check_button_get_active (find_check (dialog,
                                                         "/hangar-test/more/charlie.raw")));
  g_assert_true (gtk_check_button_get_active (find_check (dialog,
                                                         "/hangar-test/more/data.img")));

  /* Meanwhile the pool stops behind Hangar's back. */
  more = virStoragePoolLookupByName (f->conn, "more");
  g_assert_nonnull (more);
  g_assert_cmpint (virStoragePoolDestroy (more), ==, 0);
  virStoragePoolFree (more);

  test_click_button (GTK_WIDGET (dialog), "_Delete");
  g_assert_true (test_wait_for (has_failed_message, NULL, 5000));
  body = adw_message_dialog_get_body (find_message ("Delete Failed"));
  g_assert_nonnull (strstr (body, "“charlie” was deleted"));
  /* Each one that failed. */
  g_assert_nonnull (strstr (body, "/hangar-test/more/charlie.raw"));
  g_assert_nonnull (strstr (body, "/hangar-test/more/data.img"));
  assert_guest_gone (f->conn, "charlie");
  assert_volumes_become (f->conn,
                         "alpha.qcow2 bravo.qcow2 installer.iso shared.qcow2 spare.img");
}

static gboolean
is_check_labelled (GtkWidget    *widget,
                   gconstpointer label)
{
  return g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), label) == 0;
}

/* Several guests with their disks: each one's own volumes go, the one they share and
 * the installer stay. */
static void
test_several (Fixture      *f,
              gconstpointer data)
{
  const char *names[] = { "alpha", "bravo", NULL };
  AdwMessageDialog *dialog;
  GtkWidget *check;

  select_guests (f, names);
  dialog = ask_delete (f, "Delete 2 Guests?");
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));
  check = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, is_check_labelled,
                            "Delete their _disks too");
  g_assert_nonnull (check);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  test_click_button (GTK_WIDGET (dialog), "_Delete");

  /* Each guest's own volume comes after the shared one (tests/data/guest-disks.xml):
   * once both are gone, the shared one would be too if it had been chosen. */
  assert_volumes_become (f->conn, "installer.iso shared.qcow2 spare.img");
  assert_guest_gone (f->conn, "alpha");
  assert_guest_gone (f->conn, "bravo");
}

int
main (int   argc,
      char *argv[])
{

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = test_application_new ();

  g_test_add ("/delete-guest/one-guest", Fixture, NULL, fixture_setup, test_one_guest,
              fixture_teardown);
  g_test_add ("/delete-guest/failure-named", Fixture, NULL, fixture_setup, test_failure_named,
              fixture_teardown);
  g_test_add ("/delete-guest/several", Fixture, NULL, fixture_setup, test_several,
              fixture_teardown);

  return g_test_run ();
}
