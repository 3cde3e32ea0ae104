#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <editline/readline.h> /* not <readline/readline.h>: that is GNU readline on Debian */
