/* version.c - see version.h. */
#include "version/version.h"

#include <stdio.h>
#include <string.h>

#ifndef JW_VERSION
#error "JW_VERSION is not defined: the Makefile takes it from debian/changelog"
#endif

const char *jw_version_string(void)
{
    return JW_VERSION;
}

int jw_version_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return 0;
        if (strcmp(argv[i], "--version") == 0) return 1;
    }
    return 0;
}

int jw_version_print(const char *program)
{
    if (printf("%s %s\n", program, JW_VERSION) < 0 || fflush(stdout) != 0) return 1;
    return 0;
}
