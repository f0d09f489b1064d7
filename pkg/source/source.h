/* source.h - read messages from archives in file order.
 *
 * A source walks a list of paths: a directory (its *.xml files, recursively,
 * in byte order of their names), a single .xml file, or an archive (.tar,
 * .tar.gz/.tgz, .zip and anything else libarchive reads), whose regular
 * *.xml entries come in archive order. Other files are skipped, and
 * counted.
 *
 * jw_source_next() returns each message's bytes in a buffer owned by the
 * source and valid until the next call. A message larger than the iJw cap
 * is returned with its real length but only the first JW_SOURCE_MAX_READ
 * bytes read (the parser refuses it on size alone).
 */
#ifndef JW_SOURCE_H
#define JW_SOURCE_H

#include <stddef.h>

enum {
    JW_SOURCE_OK = 0,
    JW_SOURCE_END = 1,       /* no more messages */
    JW_SOURCE_EIO = -300,    /* a path or archive could not be read */
    JW_SOURCE_ENOMEM = -301,
};

#define JW_SOURCE_MAX_READ (25u * 1000u * 1000u + 1u)

typedef struct jw_source jw_source_t;

/* paths are borrowed and must stay valid while the source is used. */
int jw_source_open(const char *const *paths, size_t n_paths, jw_source_t **out);

/* Next message: *name is "path" or "archive:entry" (owned by the source,
 * valid until the next call). Returns JW_SOURCE_OK, JW_SOURCE_END, or an
 * error after which jw_source_error() says what failed; the source then
 * moves on to the next path on the following call. */
int jw_source_next(jw_source_t *s, const char **name, const char **buf, size_t *len);

const char *jw_source_error(const jw_source_t *s);
size_t jw_source_skipped(const jw_source_t *s);
void jw_source_close(jw_source_t *s);

const char *jw_source_strerror(int rc);

#endif
