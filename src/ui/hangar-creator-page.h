// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-creator-state.h"

G_BEGIN_DECLS

/* One page of the New VM window. The window shows the needed pages in order; Forward
 * is sensitive while the shown page is complete; leaving a page forward calls its
 * apply, which writes the page's answers into the spec (hangar_creator_state_get_spec).
 * When the final check (hangar_guest_spec_check) or the creation fails, the window
 * offers the error to each page's show_error; the page that owns the field shows the
 * message beside it and returns TRUE, and the window goes back to that page.
 *
 * Properties: state (construct-only), title (the window's subtitle while the page is
 * shown), complete (EXPLICIT_NOTIFY), needed (EXPLICIT_NOTIFY; default TRUE: a page not
 * needed for the current answers is skipped). */
#define HANGAR_TYPE_CREATOR_PAGE (hangar_creator_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (HangarCreatorPage, hangar_creator_page, HANGAR, CREATOR_PAGE, AdwBin)

struct _HangarCreatorPageClass
{
  AdwBinClass parent_class;

  /* Writes the page's answers into @spec. Called when the user leaves the page
   * forward; not called for pages not needed. */
  void     (*apply)      (HangarCreatorPage *self,
                          HangarGuestSpec   *spec);
  /* The page is about to be shown (forward or back): a chance to refresh what depends
   * on earlier pages and to focus the first field. */
  void     (*shown)      (HangarCreatorPage *self);
  /* Forward was pressed while the page is not complete: show every fault, touched or
   * not. */
  void     (*show_faults) (HangarCreatorPage *self);
  /* Returns TRUE when @error is about one of this page's fields (it is then shown
   * beside that field). */
  gboolean (*show_error) (HangarCreatorPage *self,
                          const GError      *error);

  gpointer padding[4];
};

HangarCreatorState *hangar_creator_page_get_state    (HangarCreatorPage *self);
const char         *hangar_creator_page_get_title    (HangarCreatorPage *self);
void                hangar_creator_page_set_title    (HangarCreatorPage *self,
                                                      const char        *title);
gboolean            hangar_creator_page_get_complete (HangarCreatorPage *self);
void                hangar_creator_page_set_complete (HangarCreatorPage *self,
                                                      gboolean           complete);
gboolean            hangar_creator_page_get_needed   (HangarCreatorPage *self);
void                hangar_creator_page_set_needed   (HangarCreatorPage *self,
                                                      gboolean           needed);

/* The window calls these. */
void                hangar_creator_page_apply        (HangarCreatorPage *self,
                                                      HangarGuestSpec   *spec);
void                hangar_creator_page_shown        (HangarCreatorPage *self);
void                hangar_creator_page_show_faults  (HangarCreatorPage *self);
gboolean            hangar_creator_page_show_error   (HangarCreatorPage *self,
                                                      const GError      *error);

G_END_DECLS
