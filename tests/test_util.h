/* test_util.h - small helpers shared by the Criterion tests. */
#ifndef JW_TEST_UTIL_H
#define JW_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

/* Read a whole file; returns a malloc'd buffer (caller frees) and its
 * length, or NULL. Tests run from the repository root. */
static inline char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = (size_t)n;
    }
    return buf;
}

#endif
