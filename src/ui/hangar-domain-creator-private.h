// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-domain-creator.h"

G_BEGIN_DECLS

/* One line of the window's page table. */
typedef struct {
  const char *name;
  GtkWidget *(*new) (HangarCreatorState *state);
} HangarCreatorPageEntry;

/* The window with the pages of @entries instead of its own table (tests: the window's
 * behaviour whatever pages exist). The last entry must make the summary page. */
HangarDomainCreator *_hangar_domain_creator_new_with_pages (GtkWindow                    *parent,
                                                            HangarConnection             *connection,
                                                            const HangarCreatorPageEntry *entries,
                                                            guint                         n_entries);

G_END_DECLS
