#ifndef JPEGSAFE_H
#define JPEGSAFE_H
#include <stddef.h>

/// Reads a JPEG's size without decoding it. Returns 0 on success, else -1 with a message in `error`.
int jpegsafe_info(const unsigned char *data, size_t size, int *width, int *height,
                  char *error, size_t errorSize);

/// Decodes a JPEG held in memory to interleaved RGB8 (`width * height * 3` bytes at `rgb`), with
/// libjpeg-turbo's defaults (accurate integer IDCT, fancy upsampling), as Pillow does.
/// Grayscale converts to RGB. The header's size must equal `width`×`height`; it is checked before
/// libjpeg allocates anything sized by the image. Returns 0 on success; on a corrupt or truncated file
/// (libjpeg errors and warnings alike) returns -1 with libjpeg's message in `error`, instead of calling
/// exit() as libjpeg's default handler would.
int jpegsafe_decode_rgb(const unsigned char *data, size_t size, unsigned char *rgb,
                        int width, int height, char *error, size_t errorSize);

/// Encodes interleaved RGB8 as a baseline JPEG of `quality` (1...100, 4:2:0 subsampling as libjpeg's
/// defaults). On success returns 0 and a malloc'd buffer in `*out` (free it with `jpegsafe_free`).
int jpegsafe_encode_rgb(const unsigned char *rgb, int width, int height, int quality,
                        unsigned char **out, size_t *outSize, char *error, size_t errorSize);

/// Frees a buffer returned by `jpegsafe_encode_rgb`.
void jpegsafe_free(unsigned char *buffer);
#endif
