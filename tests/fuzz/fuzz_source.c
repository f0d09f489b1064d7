/* fuzz_source.c - libFuzzer target: the archive reader (pkg/source) over
 * an archive held in memory (jw_source_open_memory), with every format and
 * filter libarchive reads (tar, zip, cpio, 7z, gzip, xz, ...). See
 * fuzz_ijw.c for the pattern. Contract: every call ends in OK, END, EIO
 * (with a reason) or ENOMEM; a message is at most the cap; the loop ends. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jw_source_t *s = NULL;
    if (jw_source_open_memory(data, size, "fuzz", &s)) return 0;
    /* Each call consumes input or fails for good: a few more calls than
     * bytes is a generous bound on a reader that always moves on. */
    for (size_t calls = 0; calls < size + 64; calls++) {
        const char *name, *buf;
        size_t len;
        int rc = jw_source_next(s, &name, &buf, &len);
        if (rc == JW_SOURCE_END || rc == JW_SOURCE_ENOMEM) break;
        if (rc == JW_SOURCE_EIO) {
            const char *e = jw_source_error(s);
            if (!e[0] || strstr(e, "(null)")) abort();
            continue;
        }
        if (rc != JW_SOURCE_OK) abort();
        if (!name || (len && !buf)) abort();
        size_t readable = len < JW_SOURCE_MAX_READ ? len : JW_SOURCE_MAX_READ;
        volatile unsigned char sum = 0;
        for (size_t i = 0; i < readable; i++) sum ^= (unsigned char)buf[i]; /* ASan: all readable */
        (void)sum;
    }
    jw_source_close(s);
    return 0;
}
