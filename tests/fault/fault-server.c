// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fault-server"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <spice/enums.h>
#include <spice/protocol.h>

#include "fault-server.h"

/* Blocking sockets, one thread per connection: the protocol is written out plainly,
 * just far enough for a client to reach the fault. */

struct _FaultServer
{
  FaultMode mode;
  guint width;
  guint height;
  int listener;
  int wake[2]; /* written to at free: the accepting thread stops */
  guint16 port;
  GThread *acceptor;
  GMutex lock;
  GPtrArray *threads; /* GThread *, one per connection */
  GArray *fds;        /* int, open connections */
  guint connections;
};

static gboolean
read_all (int    fd,
          void  *buffer,
          gsize  length)
{
  guint8 *p = buffer;

  while (length > 0)
    {
      gssize n = read (fd, p, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }
  return TRUE;
}

static gboolean
write_all (int         fd,
           const void *buffer,
           gsize       length)
{
  const guint8 *p = buffer;

  while (length > 0)
    {
      gssize n = send (fd, p, length, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }
  return TRUE;
}

static gboolean
skip (int   fd,
      gsize length)
{
  guint8 buffer[512];

  while (length > 0)
    {
      gsize chunk = MIN (length, sizeof buffer);

      if (!read_all (fd, buffer, chunk))
        return FALSE;
      length -= chunk;
    }
  return TRUE;
}

/* Reads until the client hangs up (or the server is freed). */
static void
drain (int fd)
{
  guint8 buffer[512];

  while (read (fd, buffer, sizeof buffer) > 0)
    ;
}

static void
put16 (guint8 *p,
       guint   v)
{
  p[0] = v >> 8;
  p[1] = v;
}

static void
put32 (guint8 *p,
       guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* VNC (RFB 3.8, no authentication). */

#define RFB_ENCODING_RRE          2
#define RFB_ENCODING_DESKTOP_SIZE -223

/* A FramebufferUpdate with one RRE rectangle filling WIDTH × HEIGHT in grey: the client
 * writes every pixel of its framebuffer. Pixels are 32-bit, as Hangar always asks. */
static gboolean
vnc_send_fill (int   fd,
               guint width,
               guint height)
{
  guint8 message[4 + 12 + 4 + 4] = { 0, 0, 0, 1 };

  put16 (message + 4 + 4, width);
  put16 (message + 4 + 6, height);
  put32 (message + 4 + 8, RFB_ENCODING_RRE);
  put32 (message + 16, 0);          /* no subrectangles */
  put32 (message + 20, 0x00808080); /* the background */
  return write_all (fd, message, sizeof message);
}

static gboolean
vnc_send_desktop_size (int   fd,
                       guint width,
                       guint height)
{
  guint8 message[4 + 12] = { 0, 0, 0, 1 };

  put16 (message + 4 + 4, width);
  put16 (message + 4 + 6, height);
  put32 (message + 4 + 8, (guint32)RFB_ENCODING_DESKTOP_SIZE);
  return write_all (fd, message, sizeof message);
}

static void
serve_vnc (FaultServer *self,
           int          fd)
{
  static const guint8 security[] = { 1, 1 }; /* one type: None */
  static const guint8 security_ok[] = { 0, 0, 0, 0 };
  guint8 server_init[24 + 5] = {
    0, 0, 0, 0,           /* width, height: below */
    32, 24, 0, 1,         /* 32 bits per pixel, depth 24, little-endian, true colour */
    0, 255, 0, 255, 0, 255,
    16, 8, 0, 0, 0, 0,
    0, 0, 0, 5, 'f', 'a', 'u', 'l', 't',
  };
  gboolean announced_size = self->mode == FAULT_VNC_SIZE;
  guint width = announced_size ? self->width : 640;
  guint height = announced_size ? self->height : 480;
  guint8 buffer[16];
  guint updates = 0;

  put16 (server_init, width);
  put16 (server_init + 2, height);
  if (!write_all (fd, "RFB 003.008\n", 12) || !read_all (fd, buffer, 12) ||
      !write_all (fd, security, sizeof security) || !read_all (fd, buffer, 1) ||
      !write_all (fd, security_ok, sizeof security_ok) ||
      !read_all (fd, buffer, 1) /* ClientInit */ ||
      !write_all (fd, server_init, sizeof server_init))
    return;

  for (;;)
    {
      guint8 type;

      if (!read_all (fd, &type, 1))
        return;
      switch (type)
        {
        case 0: /* SetPixelFormat */
          if (!skip (fd, 19))
            return;
          break;
        case 2: /* SetEncodings */
          if (!read_all (fd, buffer, 3) || !skip (fd, 4 * ((buffer[1] << 8) | buffer[2])))
            return;
          break;
        case 3: /* FramebufferUpdateRequest */
          if (!read_all (fd, buffer, 9))
            return;
          /* One answer only: the fault is what follows it, or silence. */
          if (self->mode == FAULT_VNC_SILENT || updates++ > 0)
            break;
          if (!vnc_send_fill (fd, width, height))
            return;
          if (self->mode == FAULT_VNC_RESIZE &&
              !vnc_send_desktop_size (fd, self->width, self->height))
            return;
          break;
        case 4: /* KeyEvent */
          if (!skip (fd, 7))
            return;
          break;
        case 5: /* PointerEvent */
          if (!skip (fd, 5))
            return;
          break;
        case 6: /* ClientCutText */
          if (!read_all (fd, buffer, 7) ||
              !skip (fd, ((guint)buffer[3] << 24) | (buffer[4] << 16) | (buffer[5] << 8) |
                           buffer[6]))
            return;
          break;
        case 255: /* QEMU's extended key event */
          if (!skip (fd, 11))
            return;
          break;
        default:
          g_debug ("Unknown client message %u: hanging up", type);
          return;
        }
    }
}

/* SPICE (protocol 2.2, mini headers, the ticket taken unread). */

/* Any RSA-1024 public key will do (DER, SubjectPublicKeyInfo): the client encrypts its
 * password with it, and this server never reads the ticket. */
static const guint8 spice_public_key[SPICE_TICKET_PUBKEY_BYTES] = {
  0x30, 0x81, 0x9f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
  0x01, 0x01, 0x05, 0x00, 0x03, 0x81, 0x8d, 0x00, 0x30, 0x81, 0x89, 0x02, 0x81, 0x81,
  0x00, 0xd6, 0x4d, 0x13, 0xbb, 0x5b, 0x28, 0x66, 0xf5, 0xa4, 0x11, 0xb6, 0x95, 0xe5,
  0x93, 0xdc, 0x6e, 0xaa, 0x8b, 0x40, 0xf9, 0x07, 0x2e, 0x66, 0x49, 0x3a, 0xb7, 0x57,
  0x36, 0x44, 0xc1, 0x43, 0x35, 0x4f, 0xc1, 0xd7, 0x14, 0xf6, 0x30, 0x94, 0x02, 0x0b,
  0xc6, 0xda, 0x02, 0x6d, 0xc1, 0x32, 0xb5, 0xf9, 0x3a, 0x07, 0x3a, 0xdc, 0x69, 0x72,
  0x13, 0xb6, 0xe9, 0x53, 0xdc, 0xfe, 0x11, 0xcb, 0xbc, 0xed, 0x25, 0xc4, 0x23, 0x4b,
  0xe6, 0x8b, 0x4e, 0x99, 0xf0, 0x6e, 0x40, 0xe7, 0xa3, 0x36, 0x1c, 0x3b, 0x0a, 0x56,
  0xa0, 0xe6, 0x9d, 0x9d, 0xe0, 0x6b, 0x49, 0x71, 0xc5, 0x97, 0x2b, 0x47, 0xc6, 0x9e,
  0xf8, 0x88, 0x13, 0x3d, 0x7f, 0x89, 0x17, 0xb3, 0xdf, 0x00, 0x73, 0x98, 0xcf, 0xe7,
  0x88, 0x1c, 0x5d, 0x8e, 0x5a, 0x63, 0xf8, 0x35, 0x03, 0xb8, 0x8b, 0x01, 0x15, 0x0a,
  0xdb, 0x3c, 0x2d, 0x02, 0x03, 0x01, 0x00, 0x01,
};

/* SPICE is little-endian on the wire. */
static gboolean
spice_send (int          fd,
            guint16      type,
            const void  *body,
            guint32      size)
{
  SpiceMiniDataHeader header = { GUINT16_TO_LE (type), GUINT32_TO_LE (size) };

  return write_all (fd, &header, sizeof header) && write_all (fd, body, size);
}

/* The link: the client's SpiceLinkMess, the reply (mini headers, ticket auth only), the
 * encrypted ticket, the result. Returns the channel type, or 0. */
static guint8
spice_link (int fd)
{
  SpiceLinkHeader header;
  g_autofree guint8 *body = NULL;
  struct __attribute__ ((packed)) {
    SpiceLinkHeader header;
    SpiceLinkReply reply;
    guint32 common_caps;
  } answer = { 0 };
  guint8 ticket[SPICE_TICKET_KEY_PAIR_LENGTH / 8];
  guint32 result = GUINT32_TO_LE (SPICE_LINK_ERR_OK);
  guint8 type;

  if (!read_all (fd, &header, sizeof header) ||
      GUINT32_FROM_LE (header.magic) != SPICE_MAGIC ||
      GUINT32_FROM_LE (header.size) < sizeof (SpiceLinkMess) ||
      GUINT32_FROM_LE (header.size) > 4096)
    return 0;
  body = g_malloc (GUINT32_FROM_LE (header.size));
  if (!read_all (fd, body, GUINT32_FROM_LE (header.size)))
    return 0;
  type = ((SpiceLinkMess *)body)->channel_type;

  answer.header.magic = GUINT32_TO_LE (SPICE_MAGIC);
  answer.header.major_version = GUINT32_TO_LE (SPICE_VERSION_MAJOR);
  answer.header.minor_version = GUINT32_TO_LE (SPICE_VERSION_MINOR);
  answer.header.size = GUINT32_TO_LE (sizeof answer - sizeof answer.header);
  answer.reply.error = GUINT32_TO_LE (SPICE_LINK_ERR_OK);
  memcpy (answer.reply.pub_key, spice_public_key, sizeof spice_public_key);
  answer.reply.num_common_caps = GUINT32_TO_LE (1);
  answer.reply.num_channel_caps = 0;
  answer.reply.caps_offset = GUINT32_TO_LE (sizeof answer.reply);
  answer.common_caps = GUINT32_TO_LE (1u << SPICE_COMMON_CAP_MINI_HEADER);
  if (!write_all (fd, &answer, sizeof answer) || !read_all (fd, ticket, sizeof ticket) ||
      !write_all (fd, &result, sizeof result))
    return 0;
  return type;
}

/* Reads client messages, calling @reply with each type, until the client hangs up. */
static void
spice_read_messages (FaultServer *self,
                     int          fd,
                     gboolean   (*reply) (FaultServer *self, int fd, guint16 type))
{
  for (;;)
    {
      SpiceMiniDataHeader header;

      if (!read_all (fd, &header, sizeof header) ||
          !skip (fd, GUINT32_FROM_LE (header.size)) ||
          !reply (self, fd, GUINT16_FROM_LE (header.type)))
        return;
    }
}

static gboolean
spice_main_reply (FaultServer *self,
                  int          fd,
                  guint16      type)
{
  struct __attribute__ ((packed)) {
    guint32 n_channels;
    guint8 channels[2];
  } list = { GUINT32_TO_LE (1), { SPICE_CHANNEL_DISPLAY, 0 } };

  if (type != SPICE_MSGC_MAIN_ATTACH_CHANNELS)
    return TRUE;
  return spice_send (fd, SPICE_MSG_MAIN_CHANNELS_LIST, &list, sizeof list);
}

static gboolean
spice_display_reply (FaultServer *self,
                     int          fd,
                     guint16      type)
{
  guint32 create[5] = {
    0, /* surface id */
    GUINT32_TO_LE (self->width),
    GUINT32_TO_LE (self->height),
    GUINT32_TO_LE (SPICE_SURFACE_FMT_32_xRGB),
    GUINT32_TO_LE (SPICE_SURFACE_FLAGS_PRIMARY),
  };

  if (type != SPICE_MSGC_DISPLAY_INIT || self->mode == FAULT_SPICE_SILENT)
    return TRUE;
  /* The surface, and the mark that says it is complete. */
  return spice_send (fd, SPICE_MSG_DISPLAY_SURFACE_CREATE, create, sizeof create) &&
         spice_send (fd, SPICE_MSG_DISPLAY_MARK, NULL, 0);
}

static gboolean
spice_ignore (FaultServer *self,
              int          fd,
              guint16      type)
{
  return TRUE;
}

static void
serve_spice (FaultServer *self,
             int          fd)
{
  /* session id, display channels hint, mouse modes (server | client), current mode
   * (server), agent connected, agent tokens, multimedia time, RAM hint */
  guint32 init[8] = {
    GUINT32_TO_LE (1), GUINT32_TO_LE (1),
    GUINT32_TO_LE (SPICE_MOUSE_MODE_SERVER | SPICE_MOUSE_MODE_CLIENT),
    GUINT32_TO_LE (SPICE_MOUSE_MODE_SERVER),
    0, 0, 0, 0,
  };

  switch (spice_link (fd))
    {
    case SPICE_CHANNEL_MAIN:
      if (spice_send (fd, SPICE_MSG_MAIN_INIT, init, sizeof init))
        spice_read_messages (self, fd, spice_main_reply);
      break;
    case SPICE_CHANNEL_DISPLAY:
      spice_read_messages (self, fd, spice_display_reply);
      break;
    case 0:
      break;
    default:
      spice_read_messages (self, fd, spice_ignore);
      break;
    }
}

/* Threads. */

typedef struct {
  FaultServer *self;
  int fd;
} Connection;

static gpointer
connection_thread (gpointer data)
{
  Connection *connection = data;
  FaultServer *self = connection->self;
  int fd = connection->fd;

  g_free (connection);
  if (self->mode == FAULT_SPICE_SURFACE || self->mode == FAULT_SPICE_SILENT)
    serve_spice (self, fd);
  else if (self->mode != FAULT_TCP_SILENT)
    serve_vnc (self, fd);
  /* The fault was served: stay until the client goes (a server that hung up at once
   * would be a different fault). */
  drain (fd);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->fds->len; i++)
    if (g_array_index (self->fds, int, i) == fd)
      {
        g_array_remove_index_fast (self->fds, i);
        break;
      }
  g_mutex_unlock (&self->lock);
  close (fd);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  FaultServer *self = data;

  for (;;)
    {
      struct pollfd fds[2] = {
        { .fd = self->listener, .events = POLLIN },
        { .fd = self->wake[0], .events = POLLIN },
      };
      Connection *connection;
      int fd;

      if (poll (fds, 2, -1) < 0 && errno != EINTR)
        break;
      if (fds[1].revents != 0)
        break;
      if (fds[0].revents == 0)
        continue;
      fd = accept (self->listener, NULL, NULL);
      if (fd < 0)
        continue;

      connection = g_new0 (Connection, 1);
      connection->self = self;
      connection->fd = fd;
      g_mutex_lock (&self->lock);
      self->connections++;
      g_array_append_val (self->fds, fd);
      g_ptr_array_add (self->threads, g_thread_new ("fault-connection", connection_thread,
                                                    connection));
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

FaultServer *
fault_server_new (FaultMode mode,
                  guint     width,
                  guint     height)
{
  FaultServer *self = g_new0 (FaultServer, 1);
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;

  self->mode = mode;
  self->width = width;
  self->height = height;
  g_mutex_init (&self->lock);
  self->threads = g_ptr_array_new ();
  self->fds = g_array_new (FALSE, FALSE, sizeof (int));

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  self->listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (self->listener < 0 || bind (self->listener, (struct sockaddr *)&address, length) < 0 ||
      listen (self->listener, 16) < 0 ||
      getsockname (self->listener, (struct sockaddr *)&address, &length) < 0 ||
      pipe (self->wake) < 0)
    g_error ("The fault server cannot listen on 127.0.0.1: %s", g_strerror (errno));
  self->port = ntohs (address.sin_port);
  self->acceptor = g_thread_new ("fault-accept", accept_thread, self);
  return self;
}

guint16
fault_server_get_port (FaultServer *self)
{
  return self->port;
}

guint
fault_server_get_connections (FaultServer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->connections;
  g_mutex_unlock (&self->lock);
  return n;
}

void
fault_server_free (FaultServer *self)
{
  GPtrArray *threads;

  if (write (self->wake[1], "x", 1) != 1)
    g_error ("Cannot stop the fault server: %s", g_strerror (errno));
  g_thread_join (self->acceptor);

  /* Every connection thread then sees its client gone. */
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->fds->len; i++)
    shutdown (g_array_index (self->fds, int, i), SHUT_RDWR);
  threads = g_steal_pointer (&self->threads);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  g_ptr_array_unref (threads);

  close (self->listener);
  close (self->wake[0]);
  close (self->wake[1]);
  g_array_unref (self->fds);
  g_mutex_clear (&self->lock);
  g_free (self);
}
