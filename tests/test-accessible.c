// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-accessible"

#include "config.h"

#include <gtk/gtk.h>

#include "test-widget-util.h"

/* The accessible-name walker the window tests rely on: it must find a nameless
 * control, and must accept every way a control can be named. */

static GtkWidget *
new_box_with (GtkWidget *child)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), child);
  return g_object_ref_sink (box);
}

static void
test_icon_button_without_name (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GtkWidget) box =
        new_box_with (gtk_button_new_from_icon_name ("media-playback-start-symbolic"));

      hangar_test_assert_accessible_names (box);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*without an accessible name*GtkButton*");
}

static void
test_icon_menu_button_without_name (void)
{
  if (g_test_subprocess ())
    {
      GtkWidget *menu_button = gtk_menu_button_new ();
      g_autoptr(GtkWidget) box = NULL;

      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "open-menu-symbolic");
      box = new_box_with (menu_button);
      hangar_test_assert_accessible_names (box);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*GtkMenuButton*");
}

static void
test_entry_without_name (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GtkWidget) box = new_box_with (gtk_entry_new ());

      hangar_test_assert_accessible_names (box);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*GtkEntry*");
}

static void
test_named_controls (void)
{
  GtkWidget *icon_button = gtk_button_new_from_icon_name ("media-playback-start-symbolic");
  GtkWidget *menu_button = gtk_menu_button_new ();
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *label = gtk_label_new ("Host");
  g_autoptr(GtkWidget) box = new_box_with (icon_button);

  gtk_accessible_update_property (GTK_ACCESSIBLE (icon_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Run", -1);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "open-menu-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Main Menu", -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_box_append (GTK_BOX (box), menu_button);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), entry);
  /* Named by the text it shows. */
  gtk_box_append (GTK_BOX (box), gtk_button_new_with_mnemonic ("_Retry"));
  gtk_box_append (GTK_BOX (box), gtk_check_button_new_with_label ("Autoconnect"));

  hangar_test_assert_accessible_names (box);
}

/* A real header bar's own controls (window buttons) pass: the walker does not flag
 * what GTK or libadwaita already name. */
static void
test_header_bar_window_controls (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *header = gtk_header_bar_new ();

  gtk_window_set_titlebar (GTK_WINDOW (window), header);
  gtk_window_present (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  hangar_test_assert_accessible_names (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/accessible/icon-button-without-name", test_icon_button_without_name);
  g_test_add_func ("/accessible/icon-menu-button-without-name",
                   test_icon_menu_button_without_name);
  g_test_add_func ("/accessible/entry-without-name", test_entry_without_name);
  g_test_add_func ("/accessible/named-controls", test_named_controls);
  g_test_add_func ("/accessible/header-bar-window-controls", test_header_bar_window_controls);
  return g_test_run ();
}
