/* archive.h - where the files go: a directory and, optionally, a .tar.gz.
 *
 * jwg_out_open() prepares the directory: created (with parents) when
 * missing; an empty one is used as is; a non-empty one only when it holds a
 * previous jw-gen output (manifest.json plus files named like ours and
 * nothing else), which is then cleared. Anything else is refused, so a
 * mistyped --out never deletes foreign files.
 *
 * The tarball (ustar, gzip without a timestamp, fixed owner and modes,
 * mtime = the delivery moment) holds the same names in the same order, so
 * the same options give a byte-identical .tar.gz.
 */
#ifndef JWG_ARCHIVE_H
#define JWG_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

typedef struct jwg_out jwg_out_t;

enum {
    JWG_OUT_OK = 0,
    JWG_OUT_EREFUSE = -1, /* output directory not empty and not ours */
    JWG_OUT_EIO = -2,
    JWG_OUT_ENOMEM = -3,
};

/* tar may be NULL. On failure *out is NULL and err holds a message. */
int jwg_out_open(jwg_out_t **out, const char *dir, const char *tar, char *err, size_t errlen);

/* Write one file (into the directory and the tarball). mtime is seconds
 * since 1970 for the tar entry. */
int jwg_out_write(jwg_out_t *o, const char *name, const char *data, size_t len, int64_t mtime,
                  char *err, size_t errlen);

/* Finish the tarball and free o (always freed). */
int jwg_out_close(jwg_out_t *o, char *err, size_t errlen);

#endif
