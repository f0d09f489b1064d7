/* source.c - messages from directories, files and archives (see source.h). */
#include "source/source.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>

struct jw_source {
    const char *const *paths;
    size_t n_paths, next_path;

    /* Files still to read from the current directory walk (sorted). */
    char **files;
    size_t n_files, next_file;

    struct archive *ar;        /* open archive, if any */
    char *ar_path;

    char *buf;
    size_t cap;
    char *name;
    size_t name_cap;
    char error[512];
    size_t skipped;
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
    *out = s;
    return JW_SOURCE_OK;
}

static void free_files(jw_source_t *s)
{
    for (size_t i = s->next_file; i < s->n_files; i++) free(s->files[i]);
    free(s->files);
    s->files = NULL;
    s->n_files = s->next_file = 0;
}

static void close_archive(jw_source_t *s)
{
    if (s->ar) archive_read_free(s->ar);
    s->ar = NULL;
    free(s->ar_path);
    s->ar_path = NULL;
}

void jw_source_close(jw_source_t *s)
{
    if (!s) return;
    free_files(s);
    close_archive(s);
    free(s->buf);
    free(s->name);
    free(s);
}

const char *jw_source_error(const jw_source_t *s)
{
    return s->error;
}

size_t jw_source_skipped(const jw_source_t *s)
{
    return s->skipped;
}

static int ends_with(const char *str, const char *suffix)
{
    size_t n = strlen(str), k = strlen(suffix);
    return n >= k && strcmp(str + n - k, suffix) == 0;
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

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect *.xml below dir (recursively) into s->files, sorted. */
static int walk_dir(jw_source_t *s, const char *dir, size_t *cap)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;
    if (!d) {
        snprintf(s->error, sizeof s->error, "%s: %s", dir, strerror(errno));
        return JW_SOURCE_EIO;
    }
    while ((e = readdir(d)) && !rc) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(len);
        struct stat st;
        if (!p) {
            rc = JW_SOURCE_ENOMEM;
            break;
        }
        snprintf(p, len, "%s/%s", dir, e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = walk_dir(s, p, cap);
            free(p);
            continue;
        }
        if (!ends_with(p, ".xml")) {
            s->skipped++;
            free(p);
            continue;
        }
        if (s->n_files == *cap) {
            *cap = *cap ? *cap * 2 : 256;
            char **nf = realloc(s->files, *cap * sizeof *nf);
            if (!nf) {
                free(p);
                rc = JW_SOURCE_ENOMEM;
                break;
            }
            s->files = nf;
        }
        s->files[s->n_files++] = p;
    }
    closedir(d);
    return rc;
}

static int read_plain(jw_source_t *s, const char *path, const char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    int rc = JW_SOURCE_EIO;
    if (!f || fstat(fileno(f), &st) != 0) {
        snprintf(s->error, sizeof s->error, "%s: %s", path, strerror(errno));
        goto out;
    }
    size_t size = (size_t)st.st_size;
    size_t want = size < JW_SOURCE_MAX_READ ? size : JW_SOURCE_MAX_READ;
    if ((rc = reserve(s, want + 1))) goto out;
    if (fread(s->buf, 1, want, f) != want) {
        snprintf(s->error, sizeof s->error, "%s: short read", path);
        rc = JW_SOURCE_EIO;
        goto out;
    }
    if ((rc = set_name(s, path, NULL))) goto out;
    *buf = s->buf;
    *len = size;
    rc = JW_SOURCE_OK;
out:
    if (f) fclose(f);
    return rc;
}

static int open_archive(jw_source_t *s, const char *path)
{
    s->ar = archive_read_new();
    if (!s->ar) return JW_SOURCE_ENOMEM;
    archive_read_support_filter_all(s->ar);
    archive_read_support_format_all(s->ar);
    if (archive_read_open_filename(s->ar, path, 1 << 16) != ARCHIVE_OK) {
        snprintf(s->error, sizeof s->error, "%s: %s", path, archive_error_string(s->ar));
        close_archive(s);
        return JW_SOURCE_EIO;
    }
    s->ar_path = strdup(path);
    if (!s->ar_path) {
        close_archive(s);
        return JW_SOURCE_ENOMEM;
    }
    return 0;
}

static int next_from_archive(jw_source_t *s, const char **buf, size_t *len)
{
    struct archive_entry *e;
    for (;;) {
        int r = archive_read_next_header(s->ar, &e);
        if (r == ARCHIVE_EOF) {
            close_archive(s);
            return JW_SOURCE_END;
        }
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            snprintf(s->error, sizeof s->error, "%s: %s", s->ar_path, archive_error_string(s->ar));
            close_archive(s);
            return JW_SOURCE_EIO;
        }
        const char *name = archive_entry_pathname(e);
        if (archive_entry_filetype(e) != AE_IFREG || !name || !ends_with(name, ".xml")) {
            if (archive_entry_filetype(e) == AE_IFREG) s->skipped++;
            continue;
        }
        int64_t size = archive_entry_size(e);
        size_t want = size < 0 ? JW_SOURCE_MAX_READ
                               : ((size_t)size < JW_SOURCE_MAX_READ ? (size_t)size : JW_SOURCE_MAX_READ);
        if (reserve(s, want + 1)) return JW_SOURCE_ENOMEM;
        size_t got = 0;
        while (got < want) {
            la_ssize_t n = archive_read_data(s->ar, s->buf + got, want - got);
            if (n < 0) {
                snprintf(s->error, sizeof s->error, "%s:%s: %s", s->ar_path, name,
                         archive_error_string(s->ar));
                close_archive(s);
                return JW_SOURCE_EIO;
            }
            if (n == 0) break;
            got += (size_t)n;
        }
        if (set_name(s, s->ar_path, name)) return JW_SOURCE_ENOMEM;
        *buf = s->buf;
        *len = size > (int64_t)got ? (size_t)size : got;
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
            char *p = s->files[s->next_file++];
            rc = read_plain(s, p, buf, len);
            free(p);
            if (rc == JW_SOURCE_OK) *name = s->name;
            return rc;
        }
        free_files(s);
        if (s->next_path >= s->n_paths) return JW_SOURCE_END;
        const char *path = s->paths[s->next_path++];
        struct stat st;
        if (stat(path, &st) != 0) {
            snprintf(s->error, sizeof s->error, "%s: %s", path, strerror(errno));
            return JW_SOURCE_EIO;
        }
        if (S_ISDIR(st.st_mode)) {
            size_t cap = 0;
            if ((rc = walk_dir(s, path, &cap))) return rc;
            if (s->n_files) qsort(s->files, s->n_files, sizeof *s->files, cmp_str);
            continue;
        }
        if (ends_with(path, ".xml")) {
            rc = read_plain(s, path, buf, len);
            if (rc == JW_SOURCE_OK) *name = s->name;
            return rc;
        }
        if ((rc = open_archive(s, path))) return rc;
    }
}
