// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Makes @spinner spin exactly while it is mapped. A spinning GtkSpinner restyles itself
 * every frame even on a hidden stack page, which keeps the whole window relaying out
 * while a busy console draws; show or hide the spinner instead of starting it. */
void hangar_spinner_spin_while_mapped (GtkSpinner *spinner);

G_END_DECLS
