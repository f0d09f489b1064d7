/* archive.c - output directory and tar.gz (see archive.h). */
#include "archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

struct jwg_out {
    int dirfd;
    struct archive *tar;
    struct archive_entry *entry;
};

/* Names jw-gen writes: digits, "-jw", three digits, "-", ..., ".xml". */
static int ours(const char *name)
{
    if (strcmp(name, "manifest.json") == 0) return 1;
    size_t n = strlen(name), i = 0;
    while (i < n && name[i] >= '0' && name[i] <= '9') i++;
    if (i < 7 || strncmp(name + i, "-jw", 3) != 0) return 0;
    return n > 4 && strcmp(name + n - 4, ".xml") == 0;
}

static int mkdir_p(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp) return -1;
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (tmp[i] != '/') continue;
        tmp[i] = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
        tmp[i] = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
    return 0;
}

/* Check that dir is empty or a previous output, and clear it. */
static int prepare_dir(const char *dir, char *err, size_t errlen)
{
    int rc = JWG_OUT_EIO;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
        return rc;
    }
    int foreign = 0, manifest = 0, entries = 0;
    struct dirent *de;
    char first_foreign[256] = "";
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        entries++;
        if (!strcmp(de->d_name, "manifest.json")) manifest = 1;
        if (!ours(de->d_name) || de->d_type == DT_DIR) {
            if (!foreign) snprintf(first_foreign, sizeof first_foreign, "%s", de->d_name);
            foreign = 1;
        }
    }
    if (entries == 0) {
        rc = JWG_OUT_OK;
        goto out;
    }
    if (!manifest || foreign) {
        snprintf(err, errlen,
                 "%s is not empty and not a previous jw-gen output (%s); choose another --out or empty it",
                 dir, manifest ? first_foreign : "no manifest.json");
        rc = JWG_OUT_EREFUSE;
        goto out;
    }
    rewinddir(d);
    int dfd = dirfd(d);
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (unlinkat(dfd, de->d_name, 0) != 0) {
            snprintf(err, errlen, "cannot remove %s/%s: %s", dir, de->d_name, strerror(errno));
            goto out;
        }
    }
    rc = JWG_OUT_OK;
out:
    closedir(d);
    return rc;
}

int jwg_out_open(jwg_out_t **out, const char *dir, const char *tar, char *err, size_t errlen)
{
    int rc = JWG_OUT_EIO;
    *out = NULL;
    jwg_out_t *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return JWG_OUT_ENOMEM;
    }
    o->dirfd = -1;
    if (mkdir_p(dir) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        goto out;
    }
    rc = prepare_dir(dir, err, errlen);
    if (rc != JWG_OUT_OK) goto out;
    rc = JWG_OUT_EIO;
    o->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (o->dirfd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
        goto out;
    }
    if (tar) {
        o->tar = archive_write_new();
        o->entry = archive_entry_new();
        if (!o->tar || !o->entry) {
            snprintf(err, errlen, "out of memory");
            rc = JWG_OUT_ENOMEM;
            goto out;
        }
        if (archive_write_set_format_ustar(o->tar) != ARCHIVE_OK ||
            archive_write_add_filter_gzip(o->tar) != ARCHIVE_OK ||
            /* no timestamp in the gzip header: same options, same bytes */
            archive_write_set_filter_option(o->tar, "gzip", "timestamp", NULL) < ARCHIVE_WARN ||
            archive_write_set_bytes_in_last_block(o->tar, 1) != ARCHIVE_OK ||
            archive_write_open_filename(o->tar, tar) != ARCHIVE_OK) {
            snprintf(err, errlen, "cannot write %s: %s", tar, archive_error_string(o->tar));
            goto out;
        }
    }
    *out = o;
    o = NULL;
    rc = JWG_OUT_OK;
out:
    if (o) {
        if (o->dirfd >= 0) close(o->dirfd);
        if (o->entry) archive_entry_free(o->entry);
        if (o->tar) archive_write_free(o->tar);
        free(o);
    }
    return rc;
}

int jwg_out_write(jwg_out_t *o, const char *name, const char *data, size_t len, int64_t mtime, char *err,
                  size_t errlen)
{
    int fd = openat(o->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", name, strerror(errno));
        return JWG_OUT_EIO;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t k = write(fd, data + done, len - done);
        if (k < 0) {
            if (errno == EINTR) continue;
            snprintf(err, errlen, "cannot write %s: %s", name, strerror(errno));
            close(fd);
            return JWG_OUT_EIO;
        }
        done += (size_t)k;
    }
    if (close(fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", name, strerror(errno));
        return JWG_OUT_EIO;
    }
    if (o->tar) {
        archive_entry_clear(o->entry);
        archive_entry_set_pathname(o->entry, name);
        archive_entry_set_filetype(o->entry, AE_IFREG);
        archive_entry_set_perm(o->entry, 0644);
        archive_entry_set_size(o->entry, (la_int64_t)len);
        archive_entry_set_mtime(o->entry, (time_t)mtime, 0);
        archive_entry_set_uid(o->entry, 0);
        archive_entry_set_gid(o->entry, 0);
        if (archive_write_header(o->tar, o->entry) != ARCHIVE_OK ||
            archive_write_data(o->tar, data, len) != (la_ssize_t)len) {
            snprintf(err, errlen, "tar: %s", archive_error_string(o->tar));
            return JWG_OUT_EIO;
        }
    }
    return JWG_OUT_OK;
}

int jwg_out_close(jwg_out_t *o, char *err, size_t errlen)
{
    int rc = JWG_OUT_OK;
    if (!o) return rc;
    if (o->tar) {
        if (archive_write_close(o->tar) != ARCHIVE_OK) {
            snprintf(err, errlen, "tar: %s", archive_error_string(o->tar));
            rc = JWG_OUT_EIO;
        }
        archive_write_free(o->tar);
        archive_entry_free(o->entry);
    }
    if (o->dirfd >= 0) close(o->dirfd);
    free(o);
    return rc;
}
