#include <stdio.h>
#include <stddef.h> /* jpeglib.h needs FILE and size_t first */
#include <jpeglib.h>
