// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include "hangar-fetch.h"

static gboolean
too_large (const char *text,
           guint64     max,
           GError    **error)
{
  g_autofree char *size = g_format_size_full (max, G_FORMAT_SIZE_IEC_UNITS);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
               _("Could not fetch %s: it is larger than %s, too large for an installer’s file."),
               text, size);
  return FALSE;
}

/* Copies @input to @output, at most @max bytes, exactly @length when known. */
static gboolean
copy_bounded (const char    *text,
              GInputStream  *input,
              GOutputStream *output,
              guint64        length,
              guint64        max,
              GCancellable  *cancellable,
              GError       **error)
{
  guint64 copied = 0;

  for (;;)
    {
      guint8 buffer[65536];
      gssize got = g_input_stream_read (input, buffer, sizeof buffer, cancellable, error);

      if (got < 0)
        return FALSE;
      if (got == 0)
        break;
      copied += got;
      if (copied > max)
        return too_large (text, max, error);
      if (!g_output_stream_write_all (output, buffer, got, NULL, cancellable, error))
        return FALSE;
    }
  if (length != G_MAXUINT64 && copied != length)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                   _("Could not fetch %s: the connection ended after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes. Try again."),
                   text, copied, length);
      return FALSE;
    }
  return g_output_stream_close (output, cancellable, error);
}

/* Sends the GET for @uri and reads the answer's head: the body follows in the returned
 * stream (NULL on failure); *length is its Content-Length, or G_MAXUINT64. */
static GInputStream *
http_get (GUri          *uri,
          guint          redirects,
          guint64       *length,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autofree char *request = NULL;
  g_autofree char *status = NULL;
  g_autofree char *location = NULL;
  g_autofree char *text = g_uri_to_string (uri);
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  gboolean https = g_str_equal (g_uri_get_scheme (uri), "https");
  int port = g_uri_get_port (uri);
  int code = 0;

  *length = G_MAXUINT64;
  g_socket_client_set_timeout (client, 30);
  g_socket_client_set_tls (client, https);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri),
                                                port > 0 ? port : (https ? 443 : 80),
                                                cancellable, error);
  if (connection == NULL)
    return NULL;
  request = g_strdup_printf ("GET %s%s%s HTTP/1.0\r\nHost: %s\r\nUser-Agent: Hangar\r\n\r\n",
                             path[0] != '\0' ? path : "/", query != NULL ? "?" : "",
                             query != NULL ? query : "", g_uri_get_host (uri));
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  request, strlen (request), NULL, cancellable, error))
    return NULL;
  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  /* The stream keeps the connection open while the body is read. */
  g_object_set_data_full (G_OBJECT (input), "hangar-connection", g_object_ref (connection),
                          g_object_unref);
  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  status = g_data_input_stream_read_line (input, NULL, cancellable, error);
  if (status == NULL)
    return NULL;
  if (sscanf (status, "HTTP/%*d.%*d %d", &code) != 1)
    code = 0;
  for (;;)
    {
      g_autofree char *header = g_data_input_stream_read_line (input, NULL, cancellable, error);

      if (header == NULL)
        return NULL;
      if (header[0] == '\0')
        break;
      if (g_ascii_strncasecmp (header, "Content-Length:", 15) == 0)
        *length = g_ascii_strtoull (header + 15, NULL, 10);
      else if (g_ascii_strncasecmp (header, "Location:", 9) == 0)
        location = g_strstrip (g_strdup (header + 9));
    }
  if (code >= 300 && code < 400 && location != NULL && redirects < 5)
    {
      g_autoptr(GUri) next = g_uri_parse_relative (uri, location, G_URI_FLAGS_ENCODED, error);

      return next != NULL ? http_get (next, redirects + 1, length, cancellable, error)
                          : NULL;
    }
  if (code != 200)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Could not fetch %s: the server answered “%s”. Check the address of the installation tree."),
                   text, status);
      return NULL;
    }
  return G_INPUT_STREAM (g_steal_pointer (&input));
}

/* Opens @location for reading, with its length when known. */
static GInputStream *
open_location (const char    *location,
               guint64       *length,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GUri) uri = g_uri_parse (location, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;

  if (uri != NULL && (g_str_equal (g_uri_get_scheme (uri), "http")
                      || g_str_equal (g_uri_get_scheme (uri), "https")))
    return http_get (uri, 0, length, cancellable, error);
  source = uri != NULL ? g_file_new_for_uri (location) : g_file_new_for_path (location);
  stream = g_file_read (source, cancellable, error);
  if (stream == NULL)
    return NULL;
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  *length = info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE)
            ? (guint64) g_file_info_get_size (info) : G_MAXUINT64;
  return G_INPUT_STREAM (g_steal_pointer (&stream));
}

gboolean
hangar_fetch_to_file (const char   *location,
                      const char   *dest,
                      guint64       max,
                      GCancellable *cancellable,
                      GError      **error)
{
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GFile) target = NULL;
  g_autoptr(GFileOutputStream) output = NULL;
  guint64 length;

  g_return_val_if_fail (location != NULL && dest != NULL, FALSE);

  input = open_location (location, &length, cancellable, error);
  if (input == NULL)
    return FALSE;
  if (length != G_MAXUINT64 && length > max)
    return too_large (location, max, error);
  target = g_file_new_for_path (dest);
  output = g_file_replace (target, NULL, FALSE, G_FILE_CREATE_PRIVATE, cancellable, error);
  return output != NULL
         && copy_bounded (location, input, G_OUTPUT_STREAM (output), length, max, cancellable,
                          error);
}

GBytes *
hangar_fetch_bytes (const char   *location,
                    guint64       max,
                    GCancellable *cancellable,
                    GError      **error)
{
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GOutputStream) output = NULL;
  guint64 length;

  g_return_val_if_fail (location != NULL, NULL);

  input = open_location (location, &length, cancellable, error);
  if (input == NULL)
    return NULL;
  if (length != G_MAXUINT64 && length > max)
    {
      too_large (location, max, error);
      return NULL;
    }
  output = g_memory_output_stream_new_resizable ();
  if (!copy_bounded (location, input, output, length, max, cancellable, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
}
