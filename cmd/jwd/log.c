/* log.c - one line per event worth logging. Never a BSN: callers log
 * identities, codes and redacted error texts only.
 *
 * Lines go to one file descriptor with one write(2) each (O_APPEND), so
 * threads never interleave inside a line and no stdio FILE is shared.
 * SIGHUP reopens the file by dup2() onto the same descriptor: a thread
 * writing at that moment writes to the old or the new file, never to a
 * closed one (the old code fclose()d a FILE another thread was using).
 *
 * When stderr is the systemd journal (JOURNAL_STREAM names it), lines
 * carry an sd-daemon priority prefix "<N>" and no timestamp (the journal
 * has one); otherwise "TIMESTAMP jwd: [error: |warning: ]text".
 *
 * The settings below are process-wide by nature; main sets them before
 * any thread starts (jwd_log_reopen may be called later, from main).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "jwd.h"

static int log_fd = -1;          /* -1: stderr */
static int log_max = LOG_INFO;   /* highest priority value written */
static int log_journal;          /* stderr is the journal and we log there */
static int log_echo;             /* also write warnings and errors to stderr */

static int stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) != 0) return 0;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

int jwd_log_level_parse(const char *name)
{
    static const struct {
        const char *name;
        int prio;
    } levels[] = {{"error", LOG_ERR},   {"err", LOG_ERR},   {"warning", LOG_WARNING},
                  {"notice", LOG_NOTICE}, {"info", LOG_INFO}, {"debug", LOG_DEBUG}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(name, levels[i].name) == 0) return levels[i].prio;
    return -1;
}

void jwd_log_set_level(int max_prio)
{
    log_max = max_prio;
}

void jwd_log_echo(int on)
{
    log_echo = on;
}

int jwd_log_open(const char *path)
{
    if (!path) {
        log_fd = -1;
        log_journal = stderr_is_journal();
        return 0;
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (log_fd < 0) {
        log_fd = fd;
    } else {
        /* Atomic replacement under the same descriptor number. */
        int rc = dup2(fd, log_fd) < 0 ? -1 : 0;
        int e = errno;
        close(fd);
        errno = e;
        if (rc) return -1;
    }
    if (log_journal) log_journal = 0; /* (no store on a reopen: threads read it) */
    return 0;
}

void jwd_log_close(void)
{
    if (log_fd >= 0) close(log_fd);
    log_fd = -1;
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        buf += n;
        len -= (size_t)n;
    }
}

void jwd_log(int prio, const char *fmt, ...)
{
    char line[2048], text[1900];
    va_list ap;
    if (prio > log_max) return;
    int saved = errno;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    const char *what = prio <= LOG_ERR ? "error: " : prio == LOG_WARNING ? "warning: " : "";
    int n;
    if (log_fd < 0 && log_journal) {
        n = snprintf(line, sizeof line, "<%d>%s%s\n", prio, what, text);
    } else {
        char ts[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        n = snprintf(line, sizeof line, "%s jwd: %s%s\n", ts, what, text);
    }
    if (n < 0) goto out;
    if ((size_t)n >= sizeof line) {
        n = (int)sizeof line - 1;
        line[n - 1] = '\n';
    }
    write_all(log_fd < 0 ? 2 : log_fd, line, (size_t)n);
    if (log_echo && log_fd >= 0 && prio <= LOG_WARNING) {
        char e[2048];
        int k = snprintf(e, sizeof e, "jwd: %s%s\n", what, text);
        if (k > 0) write_all(2, e, (size_t)k < sizeof e ? (size_t)k : sizeof e - 1);
    }
out:
    errno = saved;
}
