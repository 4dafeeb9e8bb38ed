// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * hangar-agent: a small SPICE guest agent for Hangar's tests, in the framebuffer variant
 * of the tiny guest (built static by tests/guest/build-guest.sh). It speaks the part of
 * the vdagent protocol (spice-protocol's spice/vd_agent.h) that monitor configuration and
 * the clipboard need, on the virtio port com.redhat.spice.0 that libvirt's spicevmc
 * channel gives the guest, and reports on ttyS0 what reached the guest:
 *
 *   HANGAR-AGENT-READY                  the port is open and the capabilities announced
 *   HANGAR-AGENT-MONITORS WxH N         a monitor configuration: the first monitor's
 *                                       size, N monitors
 *   HANGAR-AGENT-CLIPBOARD TEXT         text the client put on the guest's clipboard
 *   HANGAR-AGENT-COPY TEXT              the guest's clipboard now holds TEXT (grabbed)
 *
 * Text written to the FIFO /run/hangar-agent-copy becomes the guest's clipboard: the
 * agent grabs the clipboard for UTF-8 text and answers the client's request with it.
 *
 * Capabilities: monitors config, reply, clipboard by demand, LF line ends. Without the
 * clipboard-selection capability the clipboard messages carry no selection header.
 * Pointer positions the server sends the agent in client mouse mode (VD_AGENT_MOUSE_STATE)
 * are ignored: a pointer test wants the guest's tablet, not this agent.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spice/vd_agent.h>

#define PORT_NAME "com.redhat.spice.0"
#define COPY_FIFO "/run/hangar-agent-copy"

static int port_fd = -1;
static FILE *serial;
static char copy_text[4096];
static size_t copy_len;

static void
report (const char *format, ...) __attribute__ ((format (printf, 1, 2)));

static void
report (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (serial, format, args);
  va_end (args);
  fputc ('\n', serial);
  fflush (serial);
}

static int
write_all (int fd, const void *data, size_t size)
{
  const uint8_t *p = data;

  while (size > 0)
    {
      ssize_t n = write (fd, p, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      p += n;
      size -= (size_t)n;
    }
  return 0;
}

/* One message to the client, cut in chunks of at most VD_AGENT_MAX_DATA_SIZE. */
static void
send_message (uint32_t type, const void *data, uint32_t size)
{
  uint8_t buffer[sizeof (VDAgentMessage) + 8192];
  VDAgentMessage *message = (VDAgentMessage *)buffer;
  size_t total = sizeof (VDAgentMessage) + size;

  if (size > sizeof buffer - sizeof (VDAgentMessage))
    return;
  message->protocol = VD_AGENT_PROTOCOL;
  message->type = type;
  message->opaque = 0;
  message->size = size;
  memcpy (message->data, data, size);

  for (size_t offset = 0; offset < total; offset += VD_AGENT_MAX_DATA_SIZE)
    {
      uint8_t chunk[sizeof (VDIChunkHeader) + VD_AGENT_MAX_DATA_SIZE];
      VDIChunkHeader *header = (VDIChunkHeader *)chunk;
      size_t n = total - offset < VD_AGENT_MAX_DATA_SIZE ? total - offset
                                                         : VD_AGENT_MAX_DATA_SIZE;

      header->port = VDP_CLIENT_PORT;
      header->size = (uint32_t)n;
      memcpy (chunk + sizeof *header, buffer + offset, n);
      if (write_all (port_fd, chunk, sizeof *header + n) < 0)
        report ("HANGAR-AGENT-ERROR write: %s", strerror (errno));
    }
}

static void
announce (int request)
{
  uint8_t buffer[sizeof (VDAgentAnnounceCapabilities) + 4 * VD_AGENT_CAPS_SIZE];
  VDAgentAnnounceCapabilities *caps = (VDAgentAnnounceCapabilities *)buffer;

  memset (buffer, 0, sizeof buffer);
  caps->request = request;
  VD_AGENT_SET_CAPABILITY (caps->caps, VD_AGENT_CAP_MONITORS_CONFIG);
  VD_AGENT_SET_CAPABILITY (caps->caps, VD_AGENT_CAP_REPLY);
  VD_AGENT_SET_CAPABILITY (caps->caps, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
  VD_AGENT_SET_CAPABILITY (caps->caps, VD_AGENT_CAP_GUEST_LINEEND_LF);
  send_message (VD_AGENT_ANNOUNCE_CAPABILITIES, buffer, sizeof buffer);
}

static void
handle_message (const VDAgentMessage *message)
{
  const uint8_t *data = message->data;
  uint32_t size = message->size;

  switch (message->type)
    {
    case VD_AGENT_ANNOUNCE_CAPABILITIES:
      if (size >= sizeof (VDAgentAnnounceCapabilities) &&
          ((const VDAgentAnnounceCapabilities *)data)->request)
        announce (0);
      break;

    case VD_AGENT_MONITORS_CONFIG:
      {
        const VDAgentMonitorsConfig *config = (const VDAgentMonitorsConfig *)data;
        VDAgentReply reply = { VD_AGENT_MONITORS_CONFIG, VD_AGENT_SUCCESS };

        if (size >= sizeof *config + sizeof (VDAgentMonConfig) && config->num_of_monitors > 0)
          report ("HANGAR-AGENT-MONITORS %ux%u %u", config->monitors[0].width,
                  config->monitors[0].height, config->num_of_monitors);
        send_message (VD_AGENT_REPLY, &reply, sizeof reply);
      }
      break;

    case VD_AGENT_CLIPBOARD_GRAB:
      /* The client has text: ask for it at once. */
      for (uint32_t i = 0; i + 4 <= size; i += 4)
        {
          uint32_t type;

          memcpy (&type, data + i, 4);
          if (type == VD_AGENT_CLIPBOARD_UTF8_TEXT)
            {
              VDAgentClipboardRequest request = { VD_AGENT_CLIPBOARD_UTF8_TEXT };

              send_message (VD_AGENT_CLIPBOARD_REQUEST, &request, sizeof request);
              break;
            }
        }
      break;

    case VD_AGENT_CLIPBOARD:
      if (size >= 4)
        report ("HANGAR-AGENT-CLIPBOARD %.*s", (int)(size - 4), (const char *)data + 4);
      break;

    case VD_AGENT_CLIPBOARD_REQUEST:
      {
        uint8_t answer[4 + sizeof copy_text];
        uint32_t type = VD_AGENT_CLIPBOARD_UTF8_TEXT;

        memcpy (answer, &type, 4);
        memcpy (answer + 4, copy_text, copy_len);
        send_message (VD_AGENT_CLIPBOARD, answer, 4 + (uint32_t)copy_len);
      }
      break;

    default:
      break;
    }
}

/* The port's bytes are chunks (header + data); messages span chunks. */
static uint8_t pending[65536];
static size_t pending_len;

static void
handle_chunk_data (const uint8_t *data, size_t size)
{
  if (size > sizeof pending - pending_len)
    {
      report ("HANGAR-AGENT-ERROR message too large");
      pending_len = 0;
      return;
    }
  memcpy (pending + pending_len, data, size);
  pending_len += size;

  while (pending_len >= sizeof (VDAgentMessage))
    {
      VDAgentMessage *message = (VDAgentMessage *)pending;
      size_t whole = sizeof *message + message->size;

      if (whole > sizeof pending)
        {
          report ("HANGAR-AGENT-ERROR message of %u bytes", message->size);
          pending_len = 0;
          return;
        }
      if (pending_len < whole)
        return;
      handle_message (message);
      memmove (pending, pending + whole, pending_len - whole);
      pending_len -= whole;
    }
}

static uint8_t input[sizeof (VDIChunkHeader) + VD_AGENT_MAX_DATA_SIZE * 4];
static size_t input_len;

static void
handle_input (void)
{
  ssize_t n = read (port_fd, input + input_len, sizeof input - input_len);

  if (n <= 0)
    {
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
      /* The host side closed: wait and read again (the port stays). */
      usleep (100000);
      return;
    }
  input_len += (size_t)n;

  while (input_len >= sizeof (VDIChunkHeader))
    {
      VDIChunkHeader header;
      size_t whole;

      memcpy (&header, input, sizeof header);
      whole = sizeof header + header.size;
      if (whole > sizeof input)
        {
          report ("HANGAR-AGENT-ERROR chunk of %u bytes", header.size);
          input_len = 0;
          return;
        }
      if (input_len < whole)
        return;
      handle_chunk_data (input + sizeof header, header.size);
      memmove (input, input + whole, input_len - whole);
      input_len -= whole;
    }
}

static void
handle_copy (int fifo)
{
  char text[sizeof copy_text];
  ssize_t n = read (fifo, text, sizeof text);
  uint32_t type = VD_AGENT_CLIPBOARD_UTF8_TEXT;

  if (n <= 0)
    return;
  while (n > 0 && text[n - 1] == '\n')
    n--;
  memcpy (copy_text, text, (size_t)n);
  copy_len = (size_t)n;
  send_message (VD_AGENT_CLIPBOARD_GRAB, &type, sizeof type);
  report ("HANGAR-AGENT-COPY %.*s", (int)n, text);
}

/* /dev/vportNpM whose name is PORT_NAME, once virtio_console has found it. */
static int
open_port (void)
{
  for (int tries = 0; tries < 100; tries++)
    {
      DIR *dir = opendir ("/sys/class/virtio-ports");
      struct dirent *entry;

      while (dir != NULL && (entry = readdir (dir)) != NULL)
        {
          char path[512], name[128] = "";
          FILE *file;

          if (entry->d_name[0] == '.')
            continue;
          snprintf (path, sizeof path, "/sys/class/virtio-ports/%s/name", entry->d_name);
          file = fopen (path, "r");
          if (file == NULL)
            continue;
          if (fgets (name, sizeof name, file) == NULL)
            name[0] = '\0';
          fclose (file);
          name[strcspn (name, "\n")] = '\0';
          if (strcmp (name, PORT_NAME) == 0)
            {
              int fd;

              snprintf (path, sizeof path, "/dev/%s", entry->d_name);
              fd = open (path, O_RDWR);
              if (fd >= 0)
                {
                  closedir (dir);
                  return fd;
                }
              /* Its device node may not be there yet: try again. */
            }
        }
      if (dir != NULL)
        closedir (dir);
      usleep (100000);
    }
  return -1;
}

int
main (void)
{
  int fifo;

  serial = fopen ("/dev/ttyS0", "w");
  if (serial == NULL)
    serial = stderr;

  /* Guests without a spicevmc channel have no port: nothing to do, and nothing said
   * (ttyS0 carries other tests' output). */
  port_fd = open_port ();
  if (port_fd < 0)
    return 0;
  mkdir ("/run", 0755);
  unlink (COPY_FIFO);
  if (mkfifo (COPY_FIFO, 0666) < 0 || (fifo = open (COPY_FIFO, O_RDWR | O_NONBLOCK)) < 0)
    {
      report ("HANGAR-AGENT-ERROR " COPY_FIFO ": %s", strerror (errno));
      return 1;
    }

  announce (1);
  report ("HANGAR-AGENT-READY");

  for (;;)
    {
      struct pollfd fds[2] = { { port_fd, POLLIN, 0 }, { fifo, POLLIN, 0 } };

      if (poll (fds, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          report ("HANGAR-AGENT-ERROR poll: %s", strerror (errno));
          return 1;
        }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        handle_input ();
      if (fds[1].revents & POLLIN)
        handle_copy (fifo);
    }
}
