/* source.c - messages from directories, files and archives (see source.h
 * for what is read, what is skipped and why). */
#include "source/source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "ijw/ijw.h" /* jw_ijw_redact: names in error texts */

#define SKIP 2            /* internal: nothing to return, go on */
#define MAX_WALK_DEPTH 64 /* directories below a path named on the command line */
#define MAX_HEADER_FAILS 16

typedef struct {
    dev_t dev;
    ino_t ino;
} dirid_t;

/* What a directory listing found under one name. */
enum { ENT_FILE, ENT_DIR, ENT_FAILED };

typedef struct {
    const char *name;  /* in the frame's names */
    int err;           /* ENT_FAILED: errno of the lstat/stat that failed */
    unsigned char kind;
    unsigned char link; /* ENT_FAILED: a symbolic link that leads nowhere */
} entry_t;

/* One directory of a walk: its entries, sorted, read when it was entered.
 * A walk keeps only the directories on the path to the current file, so
 * its memory is that of the largest directory (names back to back, 16
 * bytes per entry), not of the whole tree: a flat archive of 1.2 million
 * files took about 150 MiB as one list of malloc'ed full paths, 75 so. */
typedef struct {
    char *names;
    size_t names_len, names_cap;
    entry_t *ents;
    size_t n, next, cap;
    size_t path_len;   /* this directory's path is s->path[0..path_len) */
    dirid_t id;
} frame_t;

struct jw_source {
    const char *const *paths;
    size_t n_paths, next_path;

    /* The directory walk under way: frames[0..depth) from the path named
     * to the directory being read; path holds the current path. */
    frame_t frames[MAX_WALK_DEPTH];
    int depth;
    char *path;
    size_t path_cap;

    struct archive *ar;        /* open archive, if any */
    char *ar_path;
    int ar_fd;                 /* -1 when the archive is in memory */
    int header_fails;          /* consecutive failed headers */

    const void *mem;           /* jw_source_open_memory */
    size_t mem_len;
    char *mem_name;
    int mem_done;

    char *buf;
    size_t cap;
    char *name;
    size_t name_cap;
    char error[512];
    jw_source_counts_t counts;
};

const char *jw_source_strerror(int rc)
{
    switch (rc) {
    case JW_SOURCE_OK: return "ok";
    case JW_SOURCE_END: return "end of input";
    case JW_SOURCE_EIO: return "input could not be read";
    case JW_SOURCE_ENOMEM: return "out of memory";
    default: return "unknown source error";
    }
}

int jw_source_open(const char *const *paths, size_t n_paths, jw_source_t **out)
{
    jw_source_t *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s) return JW_SOURCE_ENOMEM;
    s->paths = paths;
    s->n_paths = n_paths;
    s->ar_fd = -1;
    *out = s;
    return JW_SOURCE_OK;
}

int jw_source_open_memory(const void *buf, size_t len, const char *name, jw_source_t **out)
{
    int rc = jw_source_open(NULL, 0, out);
    if (rc) return rc;
    (*out)->mem = buf ? buf : "";
    (*out)->mem_len = len;
    (*out)->mem_name = strdup(name ? name : "memory");
    if (!(*out)->mem_name) {
        jw_source_close(*out);
        *out = NULL;
        return JW_SOURCE_ENOMEM;
    }
    return JW_SOURCE_OK;
}

static void frame_free(frame_t *f)
{
    free(f->names);
    free(f->ents);
    memset(f, 0, sizeof *f);
}

static void walk_end(jw_source_t *s)
{
    while (s->depth > 0) frame_free(&s->frames[--s->depth]);
}

static void close_archive(jw_source_t *s)
{
    if (s->ar) archive_read_free(s->ar);
    s->ar = NULL;
    if (s->ar_fd >= 0) close(s->ar_fd); /* archive_read_open_fd does not close it */
    s->ar_fd = -1;
    free(s->ar_path);
    s->ar_path = NULL;
    s->header_fails = 0;
}

void jw_source_close(jw_source_t *s)
{
    if (!s) return;
    walk_end(s);
    free(s->path);
    close_archive(s);
    free(s->mem_name);
    free(s->buf);
    free(s->name);
    free(s);
}

const char *jw_source_error(const jw_source_t *s)
{
    return s->error;
}

void jw_source_counts(const jw_source_t *s, jw_source_counts_t *out)
{
    *out = s->counts;
}

size_t jw_source_skipped(const jw_source_t *s)
{
    return s->counts.not_xml + s->counts.hidden + s->counts.links + s->counts.special;
}

/* Record an error (the text names the path; runs of nine or more digits
 * are masked, as a file name may hold a BSN) and count it. */
static int fail(jw_source_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(jw_source_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    jw_ijw_redact(s->error);
    s->counts.errors++;
    return JW_SOURCE_EIO;
}

static const char *ar_err(struct archive *ar)
{
    const char *m = ar ? archive_error_string(ar) : NULL;
    if (m && *m) return m;
    int e = ar ? archive_errno(ar) : 0;
    return e > 0 ? strerror(e) : "damaged or truncated archive";
}

static int ends_with(const char *str, const char *suffix)
{
    size_t n = strlen(str), k = strlen(suffix);
    return n >= k && strcmp(str + n - k, suffix) == 0;
}

/* Any component of an archive path that starts with '.' (but is not "."
 * or ".."): "__MACOSX/._a.xml", ".git/x.xml". */
static int hidden_path(const char *p)
{
    while (*p) {
        while (*p == '/') p++;
        size_t n = strcspn(p, "/");
        if (n > 0 && p[0] == '.' && !(n == 1 || (n == 2 && p[1] == '.'))) return 1;
        p += n;
    }
    return 0;
}

static int set_name(jw_source_t *s, const char *a, const char *b)
{
    size_t need = strlen(a) + (b ? strlen(b) + 1 : 0) + 1;
    if (need > s->name_cap) {
        char *nn = realloc(s->name, need);
        if (!nn) return JW_SOURCE_ENOMEM;
        s->name = nn;
        s->name_cap = need;
    }
    if (b) snprintf(s->name, need, "%s:%s", a, b);
    else snprintf(s->name, need, "%s", a);
    return 0;
}

static int reserve(jw_source_t *s, size_t n)
{
    if (n <= s->cap) return 0;
    char *nb = realloc(s->buf, n);
    if (!nb) return JW_SOURCE_ENOMEM;
    s->buf = nb;
    s->cap = n;
    return 0;
}

/* Room for at least one more byte below the cap (plus a spare one). */
static int grow_for(jw_source_t *s, size_t got)
{
    if (got + 1 < s->cap) return 0;
    size_t want = s->cap < 65536 ? 65536 : s->cap * 2;
    if (want > JW_SOURCE_MAX_READ + 1) want = JW_SOURCE_MAX_READ + 1;
    return reserve(s, want);
}

/* ---- directory walks ---- */

static int read_file(jw_source_t *s, const char *path, int named, const char **buf, size_t *len);

/* Room for need bytes in s->path. */
static int path_reserve(jw_source_t *s, size_t need)
{
    if (need <= s->path_cap) return 0;
    size_t ncap = need < 256 ? 256 : need * 2;
    char *np = realloc(s->path, ncap);
    if (!np) return JW_SOURCE_ENOMEM;
    s->path = np;
    s->path_cap = ncap;
    return 0;
}

/* Set s->path to its first len bytes plus "/name" (name NULL: just cut);
 * *out_len (may be NULL) gets the new path's length. */
static int path_set(jw_source_t *s, size_t len, const char *name, size_t *out_len)
{
    size_t k = name ? strlen(name) + 1 : 0; /* with the '/' */
    if (path_reserve(s, len + k + 1)) return JW_SOURCE_ENOMEM;
    if (name) {
        s->path[len] = '/';
        memcpy(s->path + len + 1, name, k);
    }
    s->path[len + k] = '\0';
    if (out_len) *out_len = len + k;
    return 0;
}

/* Byte order of the full paths, within one directory: a directory's name
 * compares as if followed by the '/' of the paths below it, so "a-b.xml"
 * (0x2D) comes before "a/c.xml" (0x2F) and "a/c.xml" before "a0.xml", as
 * a sort of all the tree's paths at once would have it. */
static int cmp_entry(const void *pa, const void *pb)
{
    const entry_t *a = pa, *b = pb;
    const unsigned char *x = (const unsigned char *)a->name, *y = (const unsigned char *)b->name;
    for (;; x++, y++) {
        unsigned cx = *x ? *x : (a->kind == ENT_DIR ? '/' : 0);
        unsigned cy = *y ? *y : (b->kind == ENT_DIR ? '/' : 0);
        if (cx != cy) return cx < cy ? -1 : 1;
        if (!*x || !*y) return 0; /* names hold no '/': both ended */
    }
}

static int frame_add(frame_t *f, const char *name, unsigned char kind, int err, int link)
{
    size_t len = strlen(name) + 1;
    if (f->names_len + len > f->names_cap) {
        size_t ncap = f->names_cap ? f->names_cap + f->names_cap / 2 : 4096;
        if (ncap < f->names_len + len) ncap = f->names_len + len;
        char *nn = realloc(f->names, ncap);
        if (!nn) return JW_SOURCE_ENOMEM;
        f->names = nn;
        f->names_cap = ncap;
    }
    if (f->n == f->cap) {
        size_t ncap = f->cap ? f->cap + f->cap / 2 : 64;
        entry_t *ne = realloc(f->ents, ncap * sizeof *ne);
        if (!ne) return JW_SOURCE_ENOMEM;
        f->ents = ne;
        f->cap = ncap;
    }
    memcpy(f->names + f->names_len, name, len);
    /* the offset for now: names may still move (see walk_enter) */
    f->ents[f->n++] = (entry_t){(const char *)(uintptr_t)f->names_len, err, kind, (unsigned char)link};
    f->names_len += len;
    return 0;
}

/* Enter the directory at s->path (path_len bytes): list it into a new
 * frame, sorted. A loop (a directory above it again, e.g. through a bind
 * mount) is counted and not entered. Returns 0, JW_SOURCE_ENOMEM, or
 * JW_SOURCE_EIO when it cannot be read (the error names it). */
static int walk_enter(jw_source_t *s, size_t path_len)
{
    struct stat dst;
    struct dirent *e;
    int rc = 0;

    if (s->depth >= MAX_WALK_DEPTH)
        return fail(s, "%s: directories nested more than %d deep are not read", s->path, MAX_WALK_DEPTH);
    DIR *d = opendir(s->path);
    if (!d || fstat(dirfd(d), &dst) != 0) {
        int err = errno ? errno : EIO;
        if (d) closedir(d);
        return fail(s, "%s: %s", s->path, strerror(err));
    }
    for (int i = 0; i < s->depth; i++) {
        if (s->frames[i].id.dev == dst.st_dev && s->frames[i].id.ino == dst.st_ino) {
            s->counts.links++; /* a loop (bind mount): never walked twice */
            closedir(d);
            return 0;
        }
    }
    frame_t *f = &s->frames[s->depth];
    memset(f, 0, sizeof *f);
    f->path_len = path_len;
    f->id.dev = dst.st_dev;
    f->id.ino = dst.st_ino;

    while (!rc && (errno = 0, e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (e->d_name[0] == '.') {
            s->counts.hidden++;
            continue;
        }
        struct stat st;
        /* The entry's type, where the file system gives it, saves an
         * lstat per file (links and unknown types are still looked at;
         * read_file checks the file again when it opens it). */
        if (e->d_type == DT_REG || e->d_type == DT_DIR) {
            st.st_mode = e->d_type == DT_REG ? S_IFREG : S_IFDIR;
        } else {
            if ((rc = path_set(s, path_len, e->d_name, NULL))) break;
            if (lstat(s->path, &st) != 0) {
                rc = frame_add(f, e->d_name, ENT_FAILED, errno, 0); /* vanished meanwhile */
                continue;
            }
            if (S_ISLNK(st.st_mode)) {
                if (stat(s->path, &st) != 0) {
                    rc = frame_add(f, e->d_name, ENT_FAILED, errno, 1); /* dangling, or a loop of links */
                    continue;
                }
                if (S_ISDIR(st.st_mode)) {
                    s->counts.links++; /* not followed: no loops, no tree read twice */
                    continue;
                }
            }
        }
        if (S_ISDIR(st.st_mode)) rc = frame_add(f, e->d_name, ENT_DIR, 0, 0);
        else if (!S_ISREG(st.st_mode)) s->counts.special++;
        else if (!ends_with(e->d_name, ".xml")) s->counts.not_xml++;
        else rc = frame_add(f, e->d_name, ENT_FILE, 0, 0);
    }
    int read_err = !rc && errno ? errno : 0;
    closedir(d);
    if (!rc && path_set(s, path_len, NULL, NULL)) rc = JW_SOURCE_ENOMEM;
    if (rc) {
        frame_free(f);
        return rc;
    }
    /* Names no longer move: offsets become pointers, then sort. */
    for (size_t i = 0; i < f->n; i++) f->ents[i].name = f->names + (uintptr_t)f->ents[i].name;
    if (f->n > 1) qsort(f->ents, f->n, sizeof *f->ents, cmp_entry);
    s->depth++;
    if (read_err) return fail(s, "%s: %s (the rest of this directory is not read)", s->path, strerror(read_err));
    return 0;
}

/* The next thing of the walk under way: a file read into buf (JW_SOURCE_OK),
 * SKIP (a file that is not one after all, or a directory entered or left),
 * JW_SOURCE_END when the walk is over, or an error for one entry (the walk
 * goes on with the next). */
static int walk_next(jw_source_t *s, const char **buf, size_t *len)
{
    if (s->depth == 0) return JW_SOURCE_END;
    frame_t *f = &s->frames[s->depth - 1];
    if (f->next >= f->n) {
        frame_free(f);
        s->depth--;
        return SKIP;
    }
    const entry_t *en = &f->ents[f->next++];
    size_t path_len;
    if (path_set(s, f->path_len, en->name, &path_len)) return JW_SOURCE_ENOMEM;
    switch (en->kind) {
    case ENT_DIR: {
        int rc = walk_enter(s, path_len);
        return rc ? rc : SKIP;
    }
    case ENT_FAILED:
        return fail(s, "%s: %s%s", s->path, en->link ? "symbolic link: " : "", strerror(en->err));
    default:
        return read_file(s, s->path, 0, buf, len);
    }
}

/* ---- files ---- */

/* Read a regular file: opened without blocking (a FIFO put in its place
 * after the walk cannot hang us) and checked with fstat; read to its end,
 * whatever its size said, up to the cap. named: the path was given by the
 * user, so anything but a regular file is an error, not a skip. */
static int read_file(jw_source_t *s, const char *path, int named, const char **buf, size_t *len)
{
    struct stat st;
    int rc;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return fail(s, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = fail(s, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        if (named) {
            rc = fail(s, "%s: not a regular file (FIFOs, devices and sockets are not read)", path);
        } else {
            s->counts.special++;
            rc = SKIP;
        }
        goto out;
    }
    size_t hint = st.st_size > 0 ? (size_t)st.st_size : 0;
    if (hint > JW_SOURCE_MAX_READ) hint = JW_SOURCE_MAX_READ;
    if ((rc = reserve(s, hint + 2))) goto out;
    size_t got = 0;
    for (;;) {
        if (got >= JW_SOURCE_MAX_READ) break;
        if ((rc = grow_for(s, got))) goto out;
        size_t room = s->cap - 1 - got;
        if (room > JW_SOURCE_MAX_READ - got) room = JW_SOURCE_MAX_READ - got;
        ssize_t n = read(fd, s->buf + got, room);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = fail(s, "%s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0) break;
        got += (size_t)n;
        /* The size fstat gave is all there is (no EOF probe: a read call
         * per file is measurable); a size of 0 (/proc) reads to EOF. */
        if (st.st_size > 0 && got == (size_t)st.st_size) break;
    }
    if ((rc = set_name(s, path, NULL))) goto out;
    *buf = s->buf;
    /* Over the cap: report at least cap + 1 (the real size when larger),
     * so the parser refuses it on size (OP179) without more reading. */
    *len = got < JW_SOURCE_MAX_READ ? got
                                    : ((size_t)st.st_size > got ? (size_t)st.st_size : got);
    rc = JW_SOURCE_OK;
out:
    close(fd);
    return rc;
}

/* ---- archives ---- */

static struct archive *new_reader(void)
{
    struct archive *ar = archive_read_new();
    if (!ar) return NULL;
    archive_read_support_filter_all(ar);
    archive_read_support_format_all(ar);
    return ar;
}

static int open_archive_path(jw_source_t *s, const char *path)
{
    struct stat st;
    int rc;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return fail(s, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = fail(s, "%s: not a regular file (FIFOs, devices and sockets are not read)", path);
        close(fd);
        return rc;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    s->ar_fd = fd;
    s->ar_path = strdup(path);
    if (!s->ar_path || !(s->ar = new_reader())) {
        close_archive(s);
        return JW_SOURCE_ENOMEM;
    }
    if (archive_read_open_fd(s->ar, fd, 1 << 16) != ARCHIVE_OK) {
        rc = fail(s, "%s: %s", path, ar_err(s->ar));
        close_archive(s);
        return rc;
    }
    return 0;
}

static int open_archive_memory(jw_source_t *s)
{
    int rc;
    s->ar_path = strdup(s->mem_name);
    if (!s->ar_path || !(s->ar = new_reader())) {
        close_archive(s);
        return JW_SOURCE_ENOMEM;
    }
    if (archive_read_open_memory(s->ar, s->mem, s->mem_len) != ARCHIVE_OK) {
        rc = fail(s, "%s: %s", s->mem_name, ar_err(s->ar));
        close_archive(s);
        return rc;
    }
    return 0;
}

/* The next regular *.xml entry's bytes, read until the entry ends (its
 * header's size is not trusted: a streamed zip entry has none). */
static int next_from_archive(jw_source_t *s, const char **buf, size_t *len)
{
    struct archive_entry *e;
    int rc;
    for (;;) {
        int r = archive_read_next_header(s->ar, &e);
        if (r == ARCHIVE_EOF) {
            close_archive(s);
            return JW_SOURCE_END;
        }
        int ok = r == ARCHIVE_OK || r == ARCHIVE_WARN;
        if (r == ARCHIVE_FATAL || (!ok && ++s->header_fails >= MAX_HEADER_FAILS)) {
            rc = fail(s, "%s: %s (the rest of this archive is not read)", s->ar_path, ar_err(s->ar));
            close_archive(s);
            return rc;
        }
        if (!ok) /* FAILED or RETRY: this entry failed; the next may not */
            return fail(s, "%s: %s", s->ar_path, ar_err(s->ar));
        s->header_fails = 0;

        const char *name = archive_entry_pathname(e);
        if (!name) name = archive_entry_pathname_utf8(e);
        if (!name) return fail(s, "%s: an entry without a readable name", s->ar_path);
        mode_t type = archive_entry_filetype(e);
        if (type == AE_IFDIR) continue;
        if (type == AE_IFLNK || archive_entry_hardlink(e)) {
            s->counts.links++;
            continue;
        }
        if (type != AE_IFREG && type != 0) {
            s->counts.special++;
            continue;
        }
        if (hidden_path(name)) {
            s->counts.hidden++;
            continue;
        }
        if (!ends_with(name, ".xml")) {
            s->counts.not_xml++;
            continue;
        }
        int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
        size_t hint = size > 0 ? (size_t)size : 0;
        if (hint > JW_SOURCE_MAX_READ) hint = JW_SOURCE_MAX_READ;
        if (reserve(s, hint + 2)) return JW_SOURCE_ENOMEM;
        size_t got = 0;
        for (;;) {
            if (got >= JW_SOURCE_MAX_READ) break;
            if (grow_for(s, got)) return JW_SOURCE_ENOMEM;
            size_t room = s->cap - 1 - got;
            if (room > JW_SOURCE_MAX_READ - got) room = JW_SOURCE_MAX_READ - got;
            la_ssize_t n = archive_read_data(s->ar, s->buf + got, room);
            if (n == 0) break;
            if (n < 0) { /* any failure ends this entry; FATAL the archive */
                rc = fail(s, "%s:%s: %s%s", s->ar_path, name, ar_err(s->ar),
                          n == ARCHIVE_FATAL ? " (the rest of this archive is not read)" : "");
                if (n == ARCHIVE_FATAL) close_archive(s);
                return rc;
            }
            got += (size_t)n;
        }
        if (set_name(s, s->ar_path, name)) return JW_SOURCE_ENOMEM;
        *buf = s->buf;
        *len = got < JW_SOURCE_MAX_READ ? got : (size > (int64_t)got ? (size_t)size : got);
        return JW_SOURCE_OK;
    }
}

int jw_source_next(jw_source_t *s, const char **name, const char **buf, size_t *len)
{
    int rc;
    s->error[0] = '\0';
    for (;;) {
        if (s->ar) {
            rc = next_from_archive(s, buf, len);
            if (rc == JW_SOURCE_END) continue;
            if (rc == JW_SOURCE_OK) *name = s->name;
            return rc;
        }
        if (s->depth > 0) {
            rc = walk_next(s, buf, len);
            if (rc == SKIP) continue;
            if (rc == JW_SOURCE_OK) *name = s->name;
            return rc;
        }
        if (s->mem && !s->mem_done) {
            s->mem_done = 1;
            if ((rc = open_archive_memory(s))) return rc;
            continue;
        }
        if (s->next_path >= s->n_paths) return JW_SOURCE_END;
        const char *path = s->paths[s->next_path++];
        struct stat st;
        if (stat(path, &st) != 0) return fail(s, "%s: %s", path, strerror(errno));
        if (S_ISDIR(st.st_mode)) {
            size_t n = strlen(path);
            if ((rc = path_reserve(s, n + 1))) return rc;
            memcpy(s->path, path, n + 1);
            if ((rc = walk_enter(s, n))) return rc;
            continue;
        }
        if (!S_ISREG(st.st_mode))
            return fail(s, "%s: not a regular file (FIFOs, devices and sockets are not read)", path);
        if (ends_with(path, ".xml")) {
            rc = read_file(s, path, 1, buf, len);
            if (rc == JW_SOURCE_OK) *name = s->name;
            return rc;
        }
        if ((rc = open_archive_path(s, path))) return rc;
    }
}
