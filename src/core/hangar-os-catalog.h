// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <osinfo/osinfo.h>

G_BEGIN_DECLS

/* What identification found for an install medium or tree. os is NULL only when nothing
 * fits ("Unknown"); identified: libosinfo recognised the medium itself; from_family_guess:
 * it did not, but the volume id (or .treeinfo family) names a distribution the database
 * knows, and os is that distribution's newest release there — note then says in one
 * sentence that the database is older than the medium and how to update it. media / tree
 * is libosinfo's description of what was read (for install scripts), or NULL. */
typedef struct {
  OsinfoOs *os;
  char *short_id;
  char *name;
  gboolean identified;
  gboolean from_family_guess;
  char *note;
  OsinfoMedia *media;
  OsinfoTree *tree;
} HangarOsMatch;

#define HANGAR_TYPE_OS_MATCH (hangar_os_match_get_type ())
GType          hangar_os_match_get_type (void) G_GNUC_CONST;
HangarOsMatch *hangar_os_match_copy     (const HangarOsMatch *match);
void           hangar_os_match_free     (HangarOsMatch *match);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarOsMatch, hangar_os_match_free)

/* Hardware a new guest of an OS should get. Sizes in bytes. */
typedef struct {
  guint64 memory;
  guint vcpus;
  guint64 disk;
  gboolean virtio_disk;
  gboolean virtio_net;
  gboolean virtio_rng;
  gboolean balloon;
  gboolean needs_uefi;
  gboolean wants_tpm;
} HangarOsDefaults;

#define HANGAR_TYPE_OS_DEFAULTS (hangar_os_defaults_get_type ())
GType             hangar_os_defaults_get_type (void) G_GNUC_CONST;
HangarOsDefaults *hangar_os_defaults_copy     (const HangarOsDefaults *defaults);
void              hangar_os_defaults_free     (HangarOsDefaults *defaults);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarOsDefaults, hangar_os_defaults_free)

/* One OS of the database, for lists. Properties (read-only, construct-only): os,
 * short-id, name, vendor, version, eol. */
#define HANGAR_TYPE_OS_ENTRY (hangar_os_entry_get_type ())
G_DECLARE_FINAL_TYPE (HangarOsEntry, hangar_os_entry, HANGAR, OS_ENTRY, GObject)

OsinfoOs   *hangar_os_entry_get_os       (HangarOsEntry *self);
const char *hangar_os_entry_get_short_id (HangarOsEntry *self);
const char *hangar_os_entry_get_name     (HangarOsEntry *self);
const char *hangar_os_entry_get_vendor   (HangarOsEntry *self);
const char *hangar_os_entry_get_version  (HangarOsEntry *self);
gboolean    hangar_os_entry_get_eol      (HangarOsEntry *self);

/* The installed osinfo-db (libosinfo's default paths: system, /etc/osinfo, the user's),
 * read once on a worker. Property "loaded" (EXPLICIT_NOTIFY). After loading, the
 * database is only read, by the main thread and by identification workers. */
#define HANGAR_TYPE_OS_CATALOG (hangar_os_catalog_get_type ())
G_DECLARE_FINAL_TYPE (HangarOsCatalog, hangar_os_catalog, HANGAR, OS_CATALOG, GObject)

HangarOsCatalog *hangar_os_catalog_new               (void);
/* The application's catalog (transfer none); its loading starts on the first call. */
HangarOsCatalog *hangar_os_catalog_get_default       (void);
gboolean         hangar_os_catalog_get_loaded        (HangarOsCatalog *self);
OsinfoDb        *hangar_os_catalog_get_db            (HangarOsCatalog *self);

/* Loads the database once; later and concurrent calls share that load. */
void             hangar_os_catalog_load_async        (HangarOsCatalog     *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         hangar_os_catalog_load_finish       (HangarOsCatalog     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Reads the ISO at @path (it must be bootable, as osinfo-detect wants) and names its OS.
 * Loads the database first when needed. */
void             hangar_os_catalog_identify_media_async  (HangarOsCatalog     *self,
                                                          const char          *path,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
HangarOsMatch   *hangar_os_catalog_identify_media_finish (HangarOsCatalog     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* Reads the distribution tree at @location (hangar_os_tree_read) and names its OS; gives up after HANGAR_OS_CATALOG_TREE_TIMEOUT_S seconds. */
#define HANGAR_OS_CATALOG_TREE_TIMEOUT_S 15
void             hangar_os_catalog_identify_tree_async  (HangarOsCatalog     *self,
                                                         const char          *location,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
HangarOsMatch   *hangar_os_catalog_identify_tree_finish (HangarOsCatalog     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Reads the distribution tree at @location (URL or local path): its .treeinfo, else, for
 * Debian and Ubuntu, whose installer directories (…/dists/SUITE/main/installer-ARCH/)
 * have none, their layout. The tree's OS is set when @db knows it. Blocking: call from
 * a worker. */
OsinfoTree      *hangar_os_tree_read                 (OsinfoDb            *db,
                                                      const char          *location,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* A new list of HangarOsEntry sorted by vendor, name (numbers in order), version; without
 * the end-of-life ones unless @include_eol. Empty before the catalog has loaded. */
GListModel      *hangar_os_catalog_get_oses          (HangarOsCatalog *self,
                                                      gboolean         include_eol);
/* The entry with that short id, or NULL (transfer none). */
OsinfoOs        *hangar_os_catalog_find_os           (HangarOsCatalog *self,
                                                      const char      *short_id);

/* Defaults for a guest of @os (NULL: unknown OS) on @arch ("x86_64"…). */
HangarOsDefaults *hangar_os_catalog_get_defaults     (HangarOsCatalog *self,
                                                      OsinfoOs        *os,
                                                      const char      *arch);

G_END_DECLS
