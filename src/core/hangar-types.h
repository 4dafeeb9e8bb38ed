// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Forward declarations, so that a header can name core types without including their
 * headers (and the headers those include). The G_DECLARE_* macros repeat these
 * typedefs, which C11 allows. */
typedef struct _HangarConnection HangarConnection;
typedef struct _HangarGuest      HangarGuest;
typedef struct _HangarSession    HangarSession;
typedef struct _HangarPool       HangarPool;
typedef struct _HangarVolume     HangarVolume;
typedef struct _HangarJob        HangarJob;

G_END_DECLS
