// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-xml-util"

#include "config.h"

#include "hangar-xml-util.h"

char *
hangar_xpath_text (xmlXPathContextPtr context,
                   const char        *path)
{
  xmlXPathObjectPtr found = xmlXPathEvalExpression ((const xmlChar *) path, context);
  char *value = NULL;

  if (found != NULL && found->nodesetval != NULL && found->nodesetval->nodeNr > 0)
    {
      xmlChar *text = xmlNodeGetContent (found->nodesetval->nodeTab[0]);

      value = g_strdup ((const char *) text);
      xmlFree (text);
    }
  xmlXPathFreeObject (found);
  return value;
}
