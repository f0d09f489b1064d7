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

/* A walk's result: a file to read (err == 0) or a path that failed. */
typedef struct {
    char *path;
    int err;     /* errno of the failure, 0 for a file to read, -1 too deep */
    int link;    /* the failure is a symbolic link that leads nowhere */
} item_t;

typedef struct {
    dev_t dev;
    ino_t ino;
} dirid_t;

struct jw_source {
    const char *const *paths;
    size_t n_paths, next_path;

    /* Results of the current directory walk (sorted by path). */
    item_t *files;
    size_t n_files, next_file, cap_files;

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

static void free_files(jw_source_t *s)
{
    for (size_t i = s->next_file; i < s->n_files; i++) free(s->files[i].path);
    free(s->files);
    s->files = NULL;
    s->n_files = s->next_file = s->cap_files = 0;
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
    free_files(s);
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

static int add_item(jw_source_t *s, char *path, int err, int link)
{
    if (s->n_files == s->cap_files) {
        size_t ncap = s->cap_files ? s->cap_files * 2 : 256;
        item_t *nf = realloc(s->files, ncap * sizeof *nf);
        if (!nf) {
            free(path);
            return JW_SOURCE_ENOMEM;
        }
        s->files = nf;
        s->cap_files = ncap;
    }
    s->files[s->n_files++] = (item_t){path, err, link};
    return 0;
}

static int cmp_item(const void *a, const void *b)
{
    return strcmp(((const item_t *)a)->path, ((const item_t *)b)->path);
}

/* Collect *.xml below dir into s->files. up[0..depth) are the directories
 * above it (a directory equal to one of them is a loop). */
static int walk_dir(jw_source_t *s, const char *dir, dirid_t *up, int depth)
{
    struct stat dst;
    struct dirent *e;
    int rc = 0;
    char *copy;

    if (depth >= MAX_WALK_DEPTH) {
        if (!(copy = strdup(dir))) return JW_SOURCE_ENOMEM;
        return add_item(s, copy, -1, 0);
    }
    DIR *d = opendir(dir);
    if (!d || fstat(dirfd(d), &dst) != 0) {
        int err = errno ? errno : EIO;
        if (d) closedir(d);
        if (!(copy = strdup(dir))) return JW_SOURCE_ENOMEM;
        return add_item(s, copy, err, 0);
    }
    for (int i = 0; i < depth; i++) {
        if (up[i].dev == dst.st_dev && up[i].ino == dst.st_ino) {
            s->counts.links++; /* a loop (bind mount): never walked twice */
            closedir(d);
            return 0;
        }
    }
    up[depth].dev = dst.st_dev;
    up[depth].ino = dst.st_ino;

    while (!rc && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (e->d_name[0] == '.') {
            s->counts.hidden++;
            continue;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(len);
        struct stat st;
        if (!p) {
            rc = JW_SOURCE_ENOMEM;
            break;
        }
        snprintf(p, len, "%s/%s", dir, e->d_name);
        /* The entry's type, where the file system gives it, saves an
         * lstat per file (links and unknown types are still looked at;
         * read_file checks the file again when it opens it). */
        if (e->d_type == DT_REG || e->d_type == DT_DIR) {
            st.st_mode = e->d_type == DT_REG ? S_IFREG : S_IFDIR;
        } else if (lstat(p, &st) != 0) {
            rc = add_item(s, p, errno, 0); /* vanished meanwhile */
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            if (stat(p, &st) != 0) {
                rc = add_item(s, p, errno, 1); /* dangling, or a loop of links */
                continue;
            }
            if (S_ISDIR(st.st_mode)) {
                s->counts.links++; /* not followed: no loops, no tree read twice */
                free(p);
                continue;
            }
        }
        if (S_ISDIR(st.st_mode)) {
            rc = walk_dir(s, p, up, depth + 1);
            free(p);
        } else if (!S_ISREG(st.st_mode)) {
            s->counts.special++;
            free(p);
        } else if (!ends_with(p, ".xml")) {
            s->counts.not_xml++;
            free(p);
        } else {
            rc = add_item(s, p, 0, 0);
        }
    }
    closedir(d);
    return rc;
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
        if (s->next_file < s->n_files) {
            item_t *it = &s->files[s->next_file++];
            if (it->err < 0)
                rc = fail(s, "%s: directories nested more than %d deep are not read", it->path,
                          MAX_WALK_DEPTH);
            else if (it->err)
                rc = fail(s, "%s: %s%s", it->path, it->link ? "symbolic link: " : "",
                          strerror(it->err));
            else
                rc = read_file(s, it->path, 0, buf, len);
            free(it->path);
            it->path = NULL;
            if (rc == SKIP) continue;
            if (rc == JW_SOURCE_OK) *name = s->name;
            return rc;
        }
        free_files(s);
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
            dirid_t up[MAX_WALK_DEPTH];
            if ((rc = walk_dir(s, path, up, 0))) return rc;
            if (s->n_files) qsort(s->files, s->n_files, sizeof *s->files, cmp_item);
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
