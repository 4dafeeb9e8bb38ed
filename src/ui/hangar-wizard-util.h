// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How a field's message reads: a fault that blocks going on, a caution that does not,
 * or a quiet hint. */
typedef enum {
  HANGAR_FIELD_ERROR,
  HANGAR_FIELD_WARNING,
  HANGAR_FIELD_HINT,
} HangarFieldMessageKind;

/* The wizards put a field's message in a label of its own, in a list row just below
 * the field's @row (so it stands beside the field). Shows @message there (NULL hides
 * the row); an error also gives @row the "error" style, and tells a screen reader the
 * field is invalid and why. */
void hangar_field_set_message (GtkWidget              *row,
                               GtkLabel               *label,
                               HangarFieldMessageKind  kind,
                               const char             *message);

/* The size drop-downs' units, in their items' order: 0 MiB, 1 GiB, 2 TiB. Bytes in one
 * @unit; an index past the list (GTK_INVALID_LIST_POSITION) counts as GiB. */
#define HANGAR_SIZE_UNIT_MIB 0
#define HANGAR_SIZE_UNIT_GIB 1
guint64 hangar_size_unit_bytes (guint unit);

G_END_DECLS
