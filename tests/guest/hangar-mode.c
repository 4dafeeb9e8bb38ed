// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * hangar-mode: the display manager of Hangar's framebuffer test guest
 * (tests/guest/build-guest.sh builds it with gcc -static; raw DRM ioctls, no libdrm).
 *
 * When a VNC client asks for a new desktop size, QEMU hands it to the virtio-gpu
 * device, which offers the guest a new preferred mode of exactly that size (in its
 * EDID) and raises a hotplug event. fbcon alone does not follow: its framebuffer keeps
 * the size it got at boot (1280x800), so a larger request ends in some smaller mode that
 * fits it (1200x900 gave 1280x768). Like a desktop session would, this program, the DRM
 * master, answers each hotplug uevent by showing a new dumb buffer in the connector's
 * preferred mode, and prints "HANGAR-MODE <width>x<height>" on stdout (the serial port)
 * once the mode is set.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <drm.h>
#include <drm_mode.h>

#define CARD "/dev/dri/card0"

static int fd = -1;

/* The buffer on screen now. */
static struct {
  uint32_t width, height, fb_id, handle;
} shown;

static int
drm_ioctl (unsigned long request,
           void         *arg)
{
  int ret;

  do
    ret = ioctl (fd, request, arg);
  while (ret == -1 && (errno == EINTR || errno == EAGAIN));
  return ret;
}

/* An array of @count ids for the kernel to fill in; uint64_t as the ioctls want. */
static uint64_t
id_array (uint32_t count)
{
  return (uint64_t)(uintptr_t)calloc (count ? count : 1, sizeof (uint32_t));
}

static void
release (uint32_t fb_id,
         uint32_t handle)
{
  struct drm_mode_destroy_dumb destroy = { .handle = handle };

  if (fb_id != 0)
    drm_ioctl (DRM_IOCTL_MODE_RMFB, &fb_id);
  if (handle != 0)
    drm_ioctl (DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
}

/* Shows a new buffer of @mode's size on @crtc_id driving @connector_id. */
static int
set_mode (uint32_t                        crtc_id,
          uint32_t                        connector_id,
          const struct drm_mode_modeinfo *mode)
{
  struct drm_mode_create_dumb create = { .width = mode->hdisplay, .height = mode->vdisplay,
                                         .bpp = 32 };
  struct drm_mode_fb_cmd fb = { .width = mode->hdisplay, .height = mode->vdisplay,
                                .bpp = 32, .depth = 24 };
  struct drm_mode_map_dumb map = { 0 };
  struct drm_mode_crtc crtc = { .crtc_id = crtc_id, .count_connectors = 1,
                                .set_connectors_ptr = (uint64_t)(uintptr_t)&connector_id,
                                .mode_valid = 1, .mode = *mode };
  uint32_t *pixels;

  if (drm_ioctl (DRM_IOCTL_MODE_CREATE_DUMB, &create) == -1)
    return -1;
  fb.pitch = create.pitch;
  fb.handle = create.handle;
  map.handle = create.handle;
  if (drm_ioctl (DRM_IOCTL_MODE_ADDFB, &fb) == -1 ||
      drm_ioctl (DRM_IOCTL_MODE_MAP_DUMB, &map) == -1)
    goto fail;
  pixels = mmap (NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
  if (pixels == MAP_FAILED)
    goto fail;
  /* Something other than black: a blue screen with a lighter frame. */
  for (uint32_t y = 0; y < create.height; y++)
    for (uint32_t x = 0; x < create.width; x++)
      {
        int edge = x < 8 || y < 8 || x + 8 >= create.width || y + 8 >= create.height;

        pixels[y * (create.pitch / 4) + x] = edge ? 0x8080ff : 0x203060;
      }
  munmap (pixels, create.size);

  crtc.fb_id = fb.fb_id;
  if (drm_ioctl (DRM_IOCTL_MODE_SETCRTC, &crtc) == -1)
    goto fail;
  release (shown.fb_id, shown.handle);
  shown.width = mode->hdisplay;
  shown.height = mode->vdisplay;
  shown.fb_id = fb.fb_id;
  shown.handle = create.handle;
  return 0;

fail:
  {
    int saved = errno;

    release (fb.fb_id, create.handle);
    errno = saved;
    return -1;
  }
}

/* Sets the preferred mode of the first connected connector, if it is not shown yet. */
static void
update (void)
{
  struct drm_mode_card_res res = { 0 };
  uint32_t *connectors, *crtcs;

  if (drm_ioctl (DRM_IOCTL_MODE_GETRESOURCES, &res) == -1)
    return;
  res.connector_id_ptr = id_array (res.count_connectors);
  res.crtc_id_ptr = id_array (res.count_crtcs);
  res.count_fbs = res.count_encoders = 0;
  if (drm_ioctl (DRM_IOCTL_MODE_GETRESOURCES, &res) == -1)
    goto out;
  connectors = (uint32_t *)(uintptr_t)res.connector_id_ptr;
  crtcs = (uint32_t *)(uintptr_t)res.crtc_id_ptr;

  for (uint32_t i = 0; i < res.count_connectors; i++)
    {
      /* Asking with no room for modes makes the kernel probe the connector afresh. */
      struct drm_mode_get_connector conn = { .connector_id = connectors[i] };
      struct drm_mode_get_encoder enc = { 0 };
      struct drm_mode_modeinfo *modes, *best;
      uint32_t n_modes, crtc_id = 0;

      if (drm_ioctl (DRM_IOCTL_MODE_GETCONNECTOR, &conn) == -1 ||
          conn.connection != 1 || conn.count_modes == 0)
        continue;
      n_modes = conn.count_modes;
      modes = calloc (n_modes, sizeof *modes);
      conn.modes_ptr = (uint64_t)(uintptr_t)modes;
      conn.count_props = 0;
      conn.encoders_ptr = id_array (conn.count_encoders);
      /* Modes that changed in between (the kernel then copies none) wait for the next
       * uevent. */
      if (drm_ioctl (DRM_IOCTL_MODE_GETCONNECTOR, &conn) == -1 ||
          conn.count_modes != n_modes || conn.count_encoders == 0)
        goto next;

      /* The preferred mode; of several, the largest. */
      best = &modes[0];
      for (uint32_t m = 0; m < n_modes; m++)
        if ((modes[m].type & DRM_MODE_TYPE_PREFERRED) &&
            (!(best->type & DRM_MODE_TYPE_PREFERRED) ||
             modes[m].hdisplay * modes[m].vdisplay > best->hdisplay * best->vdisplay))
          best = &modes[m];
      enc.encoder_id = conn.encoder_id ? conn.encoder_id
                                       : ((uint32_t *)(uintptr_t)conn.encoders_ptr)[0];
      if (drm_ioctl (DRM_IOCTL_MODE_GETENCODER, &enc) == -1)
        goto next;
      crtc_id = enc.crtc_id;
      for (uint32_t c = 0; crtc_id == 0 && c < res.count_crtcs; c++)
        if (enc.possible_crtcs & (1u << c))
          crtc_id = crtcs[c];

      if (best->hdisplay != shown.width || best->vdisplay != shown.height)
        {
          if (set_mode (crtc_id, conn.connector_id, best) == 0)
            printf ("HANGAR-MODE %ux%u\n", best->hdisplay, best->vdisplay);
          else
            printf ("hangar-mode: cannot set %ux%u: %s\n", best->hdisplay, best->vdisplay,
                    strerror (errno));
          fflush (stdout);
        }
    next:
      free ((void *)(uintptr_t)conn.encoders_ptr);
      free (modes);
      break;
    }

out:
  free ((void *)(uintptr_t)res.connector_id_ptr);
  free ((void *)(uintptr_t)res.crtc_id_ptr);
}

int
main (void)
{
  struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
  struct pollfd pfd = { .events = POLLIN };
  char buf[4096];

  /* Kernel uevents (the DRM hotplug among them), subscribed before the first look so
   * that none is missed. */
  pfd.fd = socket (AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
  if (pfd.fd == -1 || bind (pfd.fd, (struct sockaddr *)&addr, sizeof addr) == -1)
    {
      printf ("hangar-mode: no uevent socket: %s\n", strerror (errno));
      return 1;
    }
  for (int tries = 0; (fd = open (CARD, O_RDWR | O_CLOEXEC)) == -1; tries++)
    {
      if (tries == 100)
        {
          printf ("hangar-mode: cannot open %s: %s\n", CARD, strerror (errno));
          return 1;
        }
      usleep (100000);
    }

  for (;;)
    {
      update ();
      if (poll (&pfd, 1, -1) == -1 && errno != EINTR)
        return 1;
      /* Any number of queued events make one update. */
      while (recv (pfd.fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
        ;
    }
}
