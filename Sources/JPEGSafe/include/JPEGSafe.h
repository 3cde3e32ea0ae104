#ifndef JPEGSAFE_H
#define JPEGSAFE_H
#include <stddef.h>

/// Reads a JPEG's size without decoding it. Returns 0 on success, else writes a message to `error`.
int jpegsafe_info(const unsigned char *data, size_t size, int *width, int *height,
                  char *error, size_t errorSize);

/// Decodes a JPEG held in memory to interleaved RGB8 (`width * height * 3` bytes at `rgb`), with
/// libjpeg-turbo's defaults (accurate integer IDCT, fancy upsampling), as Pillow does.
/// Grayscale converts to RGB. Returns 0 on success; on a corrupt file returns -1 with libjpeg's message
/// in `error` instead of calling exit() as libjpeg's default handler would.
int jpegsafe_decode_rgb(const unsigned char *data, size_t size, unsigned char *rgb,
                        int width, int height, char *error, size_t errorSize);
#endif
