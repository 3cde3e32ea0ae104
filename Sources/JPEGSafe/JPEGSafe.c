#include "JPEGSafe.h"
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>

struct safe_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void safe_error_exit(j_common_ptr cinfo) {
    struct safe_error *err = (struct safe_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void silent_output(j_common_ptr cinfo) { (void)cinfo; }

static int run(const unsigned char *data, size_t size, unsigned char *rgb, int width, int height,
               int *outWidth, int *outHeight, char *error, size_t errorSize) {
    struct jpeg_decompress_struct cinfo;
    struct safe_error err;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = safe_error_exit;
    err.base.output_message = silent_output;
    err.message[0] = 0;
    if (setjmp(err.jump)) {
        snprintf(error, errorSize, "%s", err.message[0] ? err.message : "corrupt JPEG data");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    if (size == 0) {
        snprintf(error, errorSize, "empty file");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if (outWidth) *outWidth = (int)cinfo.image_width;
    if (outHeight) *outHeight = (int)cinfo.image_height;
    if (!rgb) { jpeg_destroy_decompress(&cinfo); return 0; }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if ((int)cinfo.output_width != width || (int)cinfo.output_height != height || cinfo.output_components != 3) {
        snprintf(error, errorSize, "decoded size %ux%u does not match the expected %dx%d",
                 cinfo.output_width, cinfo.output_height, width, height);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = rgb + (size_t)cinfo.output_scanline * (size_t)width * 3;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int jpegsafe_info(const unsigned char *data, size_t size, int *width, int *height, char *error, size_t errorSize) {
    return run(data, size, NULL, 0, 0, width, height, error, errorSize);
}

int jpegsafe_decode_rgb(const unsigned char *data, size_t size, unsigned char *rgb, int width, int height,
                        char *error, size_t errorSize) {
    return run(data, size, rgb, width, height, NULL, NULL, error, errorSize);
}
