/* log.c - one line per event worth logging, with a UTC timestamp. Never a
 * BSN: callers log identities, codes and redacted error texts only. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "jwd.h"

static FILE *log_fp; /* process-wide by nature; set from main only */

int jwd_log_open(const char *path)
{
    if (!path) {
        log_fp = stderr;
        return 0;
    }
    FILE *f = fopen(path, "a");
    if (!f) return -1;
    setvbuf(f, NULL, _IOLBF, 0);
    if (log_fp && log_fp != stderr) fclose(log_fp);
    log_fp = f;
    return 0;
}

void jwd_log(const char *fmt, ...)
{
    char ts[32];
    time_t t = time(NULL);
    struct tm tm;
    va_list ap;
    FILE *f = log_fp ? log_fp : stderr;
    gmtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    flockfile(f);
    fprintf(f, "%s jwd: ", ts);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    funlockfile(f);
    fflush(f);
}
