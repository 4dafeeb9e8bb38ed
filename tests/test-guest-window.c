// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-guest-window"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <libvirt/libvirt.h>

#include "hangar-application.h"
#include "hangar-guest-overview.h"
#include "hangar-guest-window.h"
#include "hangar-preferences-window.h"
#include "hangar-session.h"
#include "test-core-util.h"
#include "test-widget-util.h"
#include "test-app-util.h"

static gboolean
row_titled (GtkWidget    *widget,
            gconstpointer title)
{
  return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static const char *
row_value (GtkWidget  *window,
           const char *title)
{
  GtkWidget *row = test_find_widget (window, ADW_TYPE_ACTION_ROW, row_titled, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static gboolean
button_labelled (GtkWidget    *widget,
                 gconstpointer label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static HangarApplication *app;
static HangarSession *session;
static HangarConnection *connection;

static HangarGuestWindow *
guest_window (HangarGuest *guest)
{
  hangar_application_show_guest (app, guest);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_GUEST_WINDOW (l->data) &&
        hangar_guest_window_get_guest (l->data) == guest)
      return l->data;
  g_error ("No window for %s", hangar_guest_get_name (guest));
}

static gboolean
is_mapped (GtkWidget    *widget,
           gconstpointer data)
{
  return gtk_widget_get_mapped (widget);
}

/* The status page on screen (popovers have their own, unmapped until opened). */
static const char *
status_title (HangarGuestWindow *window)
{
  GtkWidget *status = test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, is_mapped,
                                        NULL);

  return status ? adw_status_page_get_title (ADW_STATUS_PAGE (status)) : NULL;
}

static gboolean
status_is (gpointer data)
{
  const char **args = data;

  return g_strcmp0 (status_title ((HangarGuestWindow *)args[0]), args[1]) == 0;
}

static void
assert_status (HangarGuestWindow *window,
               const char        *title)
{
  const char *args[] = { (const char *)window, title };

  if (!test_wait_for (status_is, args, 5000))
    g_error ("The console page says “%s”, not “%s”", status_title (window), title);
}

/* The overview tells the guest's facts; a running guest without consoles says so. */
static void
test_overview (void)
{
  HangarGuest *alpha = hangar_connection_find_guest (connection, "alpha");
  HangarGuestWindow *window = guest_window (alpha);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "alpha");
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "State"), ==, "Running");
  /* A screen reader hears the row's title, described by its value. */
  {
    GtkWidget *row = test_find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, row_titled,
                                       "State");
    g_autofree char *label = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row),
                                                                 GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                                 "State");
    g_autofree char *description =
      gtk_test_accessible_check_property (GTK_ACCESSIBLE (row),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Running");

    g_assert_null (label);
    g_assert_null (description);
  }
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "Virtual CPUs"), ==, "2");
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "Memory"), ==, "1.0\u00a0GiB");
  assert_status (window, "No Console");
  hangar_test_assert_accessible_names (GTK_WIDGET (window));
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "Graphics"), ==, "None");
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "Operating System"), ==, "Debian 12");
  /* Running before Hangar connected, on a host whose start times it cannot read. */
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "Uptime"), ==, "Unknown");

  /* Opening the same guest again raises the same window. */
  g_assert_true (guest_window (alpha) == window);

  /* The host goes away and comes back: the window follows its guest through it. */
  hangar_connection_close (connection);
  assert_status (window, "Host Not Connected");
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_connected, connection, 5000));
  assert_status (window, "No Console");
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "State"), ==, "Running");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

typedef struct {
  HangarConnection *host;
  const char *name;
} GuestLookup;

static gboolean
guest_listed (gpointer data)
{
  GuestLookup *lookup = data;

  return hangar_connection_find_guest (lookup->host, lookup->name) != NULL;
}

static gboolean
guest_runs (gpointer data)
{
  return hangar_guest_get_state (data) == HANGAR_GUEST_STATE_RUNNING;
}

/* A guest defined on test:///default through a plain libvirt connection, once Hangar's
 * connection lists it; @window gets its window, watched by a weak pointer. */
static HangarGuest *
define_guest_with_window (HangarConnection   *host,
                          virConnectPtr       other,
                          const char         *name,
                          virDomainPtr       *domain,
                          HangarGuestWindow **window)
{
  g_autofree char *xml = g_strdup_printf ("<domain type='test'><name>%s</name>"
                                          "<memory unit='MiB'>64</memory><vcpu>1</vcpu>"
                                          "<os><type arch='x86_64'>hvm</type></os></domain>",
                                          name);
  GuestLookup lookup = { host, name };
  HangarGuest *guest;

  *domain = virDomainDefineXML (other, xml);
  g_assert_nonnull (*domain);
  g_assert_true (test_wait_for (guest_listed, &lookup, 5000));
  guest = g_object_ref (hangar_connection_find_guest (host, name));
  *window = guest_window (guest);
  g_object_add_weak_pointer (G_OBJECT (*window), (gpointer *)window);
  assert_status (*window, "Guest Is Not Running");
  return guest;
}

/* A guest that leaves its host takes its window with it, however it went: undefined by
 * another program, deleted by Hangar while it ran, or found gone when its host came
 * back. A host that closes keeps the window (it says so, and follows the host back). */
static void
test_removed_guest_closes (void)
{
  HangarConnection *host = hangar_session_add_connection (session, "test:///default", FALSE,
                                                          FALSE);
  virConnectPtr other = virConnectOpen ("test:///default");
  HangarGuestWindow *window = NULL;
  virDomainPtr domain = NULL;
  g_autoptr(HangarGuest) guest = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (other);
  g_assert_true (test_wait_for (is_connected, host, 5000));

  /* Closed and opened again: the same window, showing the same guest. */
  guest = define_guest_with_window (host, other, "doomed", &domain, &window);
  hangar_connection_close (host);
  assert_status (window, "Host Not Connected");
  test_spin (100);
  g_assert_nonnull (window);
  g_assert_false (hangar_guest_get_removed (guest));
  hangar_connection_open_async (host, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_connected, host, 5000));
  assert_status (window, "Guest Is Not Running");
  g_assert_true (hangar_guest_window_get_guest (window) == guest);

  /* Undefined through libvirt: the window goes, and nothing keeps it alive. */
  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  if (!test_wait_for (is_null, &window, 5000))
    g_error ("The window of the undefined guest “doomed” is still open");
  g_assert_true (hangar_guest_get_removed (guest));
  g_assert_false (hangar_guest_can_do (guest, HANGAR_GUEST_ACTION_RUN));
  g_clear_pointer (&domain, virDomainFree);
  g_clear_object (&guest);

  /* Deleted by Hangar while running. */
  guest = define_guest_with_window (host, other, "doomed-running", &domain, &window);
  g_assert_cmpint (virDomainCreate (domain), ==, 0);
  g_assert_true (test_wait_for (guest_runs, guest, 5000));
  g_assert_true (test_delete_with_storage (guest, NULL, 5000, &error));
  g_assert_no_error (error);
  if (!test_wait_for (is_null, &window, 5000))
    g_error ("The window of “doomed-running”, deleted by Hangar, is still open");
  g_clear_pointer (&domain, virDomainFree);
  g_clear_object (&guest);

  /* Undefined while the host was closed: the window goes when the host is back without
   * it. */
  guest = define_guest_with_window (host, other, "doomed-offline", &domain, &window);
  hangar_connection_close (host);
  assert_status (window, "Host Not Connected");
  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  test_spin (100);
  g_assert_nonnull (window);
  hangar_connection_open_async (host, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_connected, host, 5000));
  if (!test_wait_for (is_null, &window, 5000))
    g_error ("The window of “doomed-offline”, gone while its host was closed, is still open");
  g_clear_pointer (&domain, virDomainFree);
  g_clear_object (&guest);

  virConnectClose (other);
  hangar_session_remove_connection (session, host);
}

static gboolean
is_mapped_widget (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static gboolean
title_visible_is (gpointer data)
{
  gpointer *args = data;

  return adw_view_switcher_title_get_title_visible (args[0]) == GPOINTER_TO_INT (args[1]);
}

/* Console / Overview stays one click away: in the header bar while it fits there (the
 * default size), else in a bar at the bottom, with the guest's name in the header. */
static void
test_view_switcher (void)
{
  HangarGuest *alpha = hangar_connection_find_guest (connection, "alpha");
  HangarGuestWindow *window = guest_window (alpha);
  GtkWidget *title = test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_TITLE,
                                       NULL, NULL);
  GtkWidget *bar = test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_BAR, NULL,
                                     NULL);
  gpointer in_header[] = { title, GINT_TO_POINTER (FALSE) };
  gpointer as_title[] = { title, GINT_TO_POINTER (TRUE) };

  g_assert_nonnull (title);
  g_assert_nonnull (bar);
  g_assert_true (test_wait_for (is_mapped_widget, title, 5000));
  if (!test_wait_for (title_visible_is, in_header, 5000))
    g_error ("At its default size the window shows its title, not the view switcher");
  g_assert_false (adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (bar)));

  gtk_window_set_default_size (GTK_WINDOW (window), 480, 400);
  if (!test_wait_for (title_visible_is, as_title, 5000))
    g_error ("In a narrow window the header still has the view switcher");
  g_assert_cmpstr (adw_view_switcher_title_get_title (ADW_VIEW_SWITCHER_TITLE (title)), ==,
                   "alpha");
  g_assert_true (adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (bar)));
  gtk_window_destroy (GTK_WINDOW (window));
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

/* --show-domain-console NAME: the guest's window, or a message naming what is missing. */
static void
test_show_guest_named (void)
{
  HangarGuest *bravo = hangar_connection_find_guest (connection, "bravo");
  AdwMessageDialog *message;
  gboolean opened = FALSE;

  hangar_application_show_guest_named (app, "bravo");
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_GUEST_WINDOW (l->data) && hangar_guest_window_get_guest (l->data) == bravo)
      {
        opened = TRUE;
        gtk_window_destroy (l->data);
        break;
      }
  g_assert_true (opened);
  g_assert_null (find_message ("Guest Not Found"));

  hangar_application_show_guest_named (app, "no-such-guest");
  message = find_message ("Guest Not Found");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "“no-such-guest”"));
  gtk_window_destroy (GTK_WINDOW (message));
}

/* A stopped guest offers Run; running it from there changes the page by itself. */
static void
test_run_from_console_page (void)
{
  HangarGuest *charlie = hangar_connection_find_guest (connection, "charlie");
  HangarGuestWindow *window = guest_window (charlie);
  const char *run_label = "_Run";
  GtkWidget *run;
  GtkWidget *label;

  assert_status (window, "Guest Is Not Running");
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "Uptime"), ==, "Not running");
  run = test_find_widget (test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, is_mapped,
                                            NULL),
                     GTK_TYPE_BUTTON, button_labelled, run_label);
  g_assert_nonnull (run);
  g_assert_true (gtk_widget_get_visible (run));
  /* It reads "Run", with R as its mnemonic, and the guest can run. */
  label = test_find_widget (run, GTK_TYPE_LABEL, NULL, NULL);
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Run");
  g_assert_cmpuint (gtk_label_get_mnemonic_keyval (GTK_LABEL (label)), ==, GDK_KEY_R);
  g_assert_true (gtk_widget_is_sensitive (run));

  g_signal_emit_by_name (run, "clicked");
  g_assert_true (test_wait_for (guest_runs, charlie, 5000));
  assert_status (window, "No Console");
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "State"), ==, "Running");
  /* Hangar saw it start: the uptime counts from then. */
  g_assert_cmpint (hangar_guest_get_start_time (charlie), >, 0);
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "Uptime"), ==, "Less than a minute");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Labels show their mnemonics underlined, never as "_": a label that holds a "_" must
 * use it as a mnemonic (the guests' names in these tests have none). */
static void
assert_no_underscores (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (root));

      if (strchr (text, '_') != NULL)
        g_error ("A label below %s reads “%s”", G_OBJECT_TYPE_NAME (gtk_widget_get_root (root)),
                 text);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    assert_no_underscores (child);
}

static gboolean
is_action_row (GtkWidget *widget)
{
  return ADW_IS_ACTION_ROW (widget);
}

/* Every control in the parts below @root that @is_part picks has a name a screen
 * reader can say; returns how many parts were walked. */
static guint
assert_parts_named (GtkWidget *root,
                    gboolean (*is_part) (GtkWidget *widget))
{
  guint n_parts = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    if (is_part (child))
      {
        hangar_test_assert_accessible_names (child);
        n_parts++;
      }
    else
      n_parts += assert_parts_named (child, is_part);
  return n_parts;
}

static gboolean
has_tooltip (GtkWidget    *widget,
             gconstpointer text)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0;
}

static gboolean
is_model_button_labelled (GtkWidget    *widget,
                          gconstpointer text)
{
  GtkWidget *label;

  if (!g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkModelButton"))
    return FALSE;
  label = test_find_widget (widget, GTK_TYPE_LABEL, NULL, NULL);
  return label != NULL && g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) == 0;
}

static gboolean
is_manager_window (gpointer data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (!HANGAR_IS_GUEST_WINDOW (l->data) && gtk_widget_get_mapped (l->data) &&
        g_str_equal (G_OBJECT_TYPE_NAME (l->data), "HangarWindow"))
      return TRUE;
  return FALSE;
}

/* The guest window's main menu leads to the manager: with --show-domain-console the
 * guest's window is the only one, and this item is how the user reaches the rest. */
static void
test_primary_menu (void)
{
  HangarGuest *alpha = hangar_connection_find_guest (connection, "alpha");
  HangarGuestWindow *window = guest_window (alpha);
  GtkWidget *button = test_find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, has_tooltip,
                                        "Main Menu");
  GtkPopover *popover;
  GtkWidget *item;

  g_assert_nonnull (button);
  g_assert_true (gtk_menu_button_get_primary (GTK_MENU_BUTTON (button)));
  g_assert_true (test_wait_for (is_mapped_widget, button, 5000));
  assert_no_underscores (GTK_WIDGET (window));

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  g_assert_true (test_wait_for (is_mapped_widget, popover, 5000));
  assert_no_underscores (GTK_WIDGET (popover));
  item = test_find_widget (GTK_WIDGET (popover), GTK_TYPE_WIDGET, is_model_button_labelled,
                           "Show Manager");
  g_assert_nonnull (item);
  g_assert_nonnull (test_find_widget (GTK_WIDGET (popover), GTK_TYPE_WIDGET,
                                      is_model_button_labelled, "Preferences"));

  if (!g_action_group_has_action (G_ACTION_GROUP (app), "show-manager"))
    {
      /* The application offers no manager to show: the item says so by being off. */
      g_assert_false (gtk_widget_get_sensitive (item));
    }
  else
    {
      g_assert_false (is_manager_window (NULL));
      g_assert_true (gtk_widget_get_sensitive (item));
      g_signal_emit_by_name (item, "clicked");
      if (!test_wait_for (is_manager_window, NULL, 5000))
        g_error ("Show Manager opened no manager window");
    }
  gtk_popover_popdown (popover);
  gtk_window_destroy (GTK_WINDOW (window));
}

static HangarConnection *console_connection;

static gboolean
display_disconnected (gpointer data)
{
  HangarDisplay *display = hangar_guest_window_get_display (data);

  return display != NULL &&
         hangar_display_get_state (display) == HANGAR_DISPLAY_STATE_DISCONNECTED;
}

/* The USB menu exists for SPICE consoles only, and says why it has nothing to offer
 * while the console is not connected. */
static void
test_usb_popover (void)
{
  HangarGuestWindow *vnc = guest_window (hangar_connection_find_guest (console_connection,
                                                                       "vnc-guest"));
  HangarGuestWindow *spice = guest_window (hangar_connection_find_guest (console_connection,
                                                                         "spice-guest"));
  GtkWidget *button;
  GtkPopover *popover;
  GtkWidget *status;

  /* Their sockets do not exist: both consoles end disconnected. */
  g_assert_true (test_wait_for (display_disconnected, vnc, 5000));
  g_assert_true (test_wait_for (display_disconnected, spice, 5000));

  button = test_find_widget (GTK_WIDGET (vnc), GTK_TYPE_MENU_BUTTON, has_tooltip, "USB Devices");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_visible (button));

  button = test_find_widget (GTK_WIDGET (spice), GTK_TYPE_MENU_BUTTON, has_tooltip,
                             "USB Devices");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  g_assert_true (test_wait_for (is_mapped_widget, popover, 5000));
  status = test_find_widget (GTK_WIDGET (popover), ADW_TYPE_STATUS_PAGE, is_mapped, NULL);
  g_assert_nonnull (status);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "Not Connected");
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), ==,
                   "USB devices can be shared while the console is connected.");
  hangar_test_assert_accessible_names (GTK_WIDGET (popover));
  gtk_popover_popdown (popover);

  gtk_window_destroy (GTK_WINDOW (vnc));
  gtk_window_destroy (GTK_WINDOW (spice));
}

/* Uptimes read as people say them: the two largest units. */
static void
test_format_uptime (void)
{
  const struct { gint64 seconds; const char *text; } cases[] = {
    { 0, "Less than a minute" },
    { 59, "Less than a minute" },
    { 60, "1 minute" },
    { 59 * 60 + 59, "59 minutes" },
    { 3600, "1 hour" },
    { 3600 + 5 * 60 + 7, "1 hour, 5 minutes" },
    { 2 * 3600 + 60, "2 hours, 1 minute" },
    { 86400, "1 day" },
    { 2 * 86400 + 3 * 3600 + 50 * 60, "2 days, 3 hours" },
    { 400 * 86400 + 3600, "400 days, 1 hour" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = hangar_format_uptime (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* Preferences edit the settings the consoles and connections follow. */
static void
test_preferences (void)
{
  GSettings *settings = hangar_session_get_settings (session);
  GtkWidget *window = NULL;
  GtkWidget *combo;
  g_autofree char *keys = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_PREFERENCES_WINDOW (l->data))
      window = l->data;
  if (window == NULL)
    for (GList *l = gtk_window_list_toplevels (); l; l = l->next)
      if (HANGAR_IS_PREFERENCES_WINDOW (l->data))
        window = l->data;
  g_assert_nonnull (window);

  assert_no_underscores (window);
  /* Its rows name what they hold, and so does everything else shown (libadwaita's
   * search page, unused and hidden, is not reachable). */
  hangar_test_assert_accessible_names (window);
  g_assert_cmpuint (assert_parts_named (window, is_action_row), ==, 4);
  combo = test_find_widget (window, ADW_TYPE_COMBO_ROW, NULL, NULL);
  g_assert_nonnull (combo);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (combo)), ==, 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), 3);
  keys = g_settings_get_string (settings, "release-combination");
  g_assert_cmpstr (keys, ==, "Control_R");
  g_settings_reset (settings, "release-combination");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (combo)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;

  /* Drawn as the application draws without a GPU (src/main.c): with GL on Mesa's
   * software rasteriser a spinning "Connecting…" page redraws without pause and starves
   * the consoles' idle callbacks. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = test_application_new ();
  session = hangar_application_get_session (app);

  path = g_test_build_filename (G_TEST_DIST, "data", "three-guests.xml", NULL);
  uri = g_strconcat ("test://", path, NULL);
  connection = hangar_session_add_connection (session, uri, FALSE, FALSE);
  g_assert_true (test_wait_for (is_connected, connection, 5000));
  g_free (path);
  g_free (uri);
  path = g_test_build_filename (G_TEST_DIST, "data", "console-guests.xml", NULL);
  uri = g_strconcat ("test://", path, NULL);
  console_connection = hangar_session_add_connection (session, uri, FALSE, FALSE);
  g_assert_true (test_wait_for (is_connected, console_connection, 5000));

  g_test_add_func ("/guest-window/overview", test_overview);
  g_test_add_func ("/guest-window/format-uptime", test_format_uptime);
  g_test_add_func ("/guest-window/view-switcher", test_view_switcher);
  g_test_add_func ("/guest-window/show-guest-named", test_show_guest_named);
  g_test_add_func ("/guest-window/run-from-console-page", test_run_from_console_page);
  g_test_add_func ("/guest-window/preferences", test_preferences);
  g_test_add_func ("/guest-window/primary-menu", test_primary_menu);
  g_test_add_func ("/guest-window/usb-popover", test_usb_popover);
  g_test_add_func ("/guest-window/removed-guest-closes", test_removed_guest_closes);

  return g_test_run ();
}
