// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-creator-page.h"

G_BEGIN_DECLS

/* "Customize before install": the install definition Hangar would define, in an XML
 * editor, needed only while the state's customize is on. The text is checked for
 * well-formedness as the user types (libxml2; the message names the line); libvirt
 * validates it against its schema when the creator defines it, and a refusal comes
 * back here through show_error. apply sets the spec's custom_xml to the text when the
 * user changed it, else NULL (the creator then builds the definition itself). */
#define HANGAR_TYPE_CREATOR_XML_PAGE (hangar_creator_xml_page_get_type ())
G_DECLARE_FINAL_TYPE (HangarCreatorXmlPage, hangar_creator_xml_page, HANGAR, CREATOR_XML_PAGE,
                      HangarCreatorPage)

GtkWidget *hangar_creator_xml_page_new (HangarCreatorState *state);

G_END_DECLS
