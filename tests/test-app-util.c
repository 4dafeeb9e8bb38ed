// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "test-app-util.h"

HangarApplication *
test_application_new (void)
{
  HangarApplication *app = hangar_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return app;
}
