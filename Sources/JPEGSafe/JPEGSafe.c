#include "JPEGSafe.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

/* libjpeg reports fatal errors through error_exit (default: exit()) and corrupt-data warnings through
 * output_message (default: print to stderr). Both are captured here: errors longjmp back to the caller,
 * the first warning is kept so that truncated or damaged data is reported instead of decoded as grey. */
struct safe_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    char warning[JMSG_LENGTH_MAX];
};

static void safe_error_exit(j_common_ptr cinfo) {
    struct safe_error *err = (struct safe_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void keep_first_warning(j_common_ptr cinfo) {
    struct safe_error *err = (struct safe_error *)cinfo->err;
    if (!err->warning[0]) (*cinfo->err->format_message)(cinfo, err->warning);
}

static void install(struct safe_error *err) {
    jpeg_std_error(&err->base);
    err->base.error_exit = safe_error_exit;
    err->base.output_message = keep_first_warning;
    err->message[0] = 0;
    err->warning[0] = 0;
}

static int run(const unsigned char *data, size_t size, unsigned char *rgb, int width, int height,
               int *outWidth, int *outHeight, char *error, size_t errorSize) {
    struct jpeg_decompress_struct cinfo;
    struct safe_error err;
    memset(&cinfo, 0, sizeof cinfo);
    install(&err);
    cinfo.err = &err.base;
    if (size == 0) {
        snprintf(error, errorSize, "empty file");
        return -1;
    }
    if (setjmp(err.jump)) {
        snprintf(error, errorSize, "%s", err.message[0] ? err.message : "corrupt JPEG data");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (outWidth) *outWidth = (int)cinfo.image_width;
    if (outHeight) *outHeight = (int)cinfo.image_height;
    if (!rgb) { jpeg_destroy_decompress(&cinfo); return 0; }
    /* Checked before jpeg_start_decompress, which allocates buffers sized by the header's claims. */
    if ((int)cinfo.image_width != width || (int)cinfo.image_height != height) {
        snprintf(error, errorSize, "image is %ux%u, expected %dx%d",
                 cinfo.image_width, cinfo.image_height, width, height);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if ((int)cinfo.output_width != width || (int)cinfo.output_height != height || cinfo.output_components != 3) {
        snprintf(error, errorSize, "decoded size %ux%ux%d does not match the expected %dx%dx3",
                 cinfo.output_width, cinfo.output_height, cinfo.output_components, width, height);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = rgb + (size_t)cinfo.output_scanline * (size_t)width * 3;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
    }
    if (cinfo.output_scanline < cinfo.output_height) {
        snprintf(error, errorSize, "truncated JPEG data");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    if (err.base.num_warnings > 0) {
        snprintf(error, errorSize, "%s", err.warning[0] ? err.warning : "corrupt JPEG data");
        return -1;
    }
    return 0;
}

int jpegsafe_info(const unsigned char *data, size_t size, int *width, int *height, char *error, size_t errorSize) {
    return run(data, size, NULL, 0, 0, width, height, error, errorSize);
}

int jpegsafe_decode_rgb(const unsigned char *data, size_t size, unsigned char *rgb, int width, int height,
                        char *error, size_t errorSize) {
    return run(data, size, rgb, width, height, NULL, NULL, error, errorSize);
}

int jpegsafe_encode_rgb(const unsigned char *rgb, int width, int height, int quality,
                        unsigned char **out, size_t *outSize, char *error, size_t errorSize) {
    struct jpeg_compress_struct cinfo;
    struct safe_error err;
    unsigned char *buffer = NULL;
    unsigned long bufferSize = 0;
    memset(&cinfo, 0, sizeof cinfo);
    install(&err);
    cinfo.err = &err.base;
    *out = NULL;
    *outSize = 0;
    if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION) {
        snprintf(error, errorSize, "cannot encode a %dx%d image", width, height);
        return -1;
    }
    if (setjmp(err.jump)) {
        snprintf(error, errorSize, "%s", err.message[0] ? err.message : "JPEG encoding failed");
        /* The destination may have moved to a larger buffer that only term_destination reports:
         * leaking it on this rare path is safer than freeing a stale pointer. */
        jpeg_destroy_compress(&cinfo);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &bufferSize);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * (size_t)width * 3);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *outSize = (size_t)bufferSize;
    return 0;
}

void jpegsafe_free(unsigned char *buffer) { free(buffer); }
