/* source.h - read messages from archives in file order.
 *
 * A source walks a list of paths: a directory (its *.xml files, recursively,
 * in byte order of their names), a single .xml file, or an archive (.tar,
 * .tar.gz/.tgz, .zip and anything else libarchive reads), whose regular
 * *.xml entries come in archive order.
 *
 * Hostile archives and trees (what is read, what is skipped and counted):
 * - Only regular files are read. A FIFO, device or socket is never opened
 *   for reading (files are opened O_NONBLOCK and checked with fstat, so a
 *   FIFO named *.xml cannot block); found in a walk it is skipped and
 *   counted as `special`, named on the command line it is an error.
 * - In a directory walk, a symbolic link to a regular file is read under
 *   the link's name; a link to a directory is not followed (counted as
 *   `links`), so a link loop is never entered; a directory already visited
 *   (same device and inode, e.g. through a bind mount) is not walked again.
 *   A dangling link is an error.
 * - Names starting with '.' (files and directories, in a walk or as any
 *   component of an archive entry's path, e.g. "__MACOSX/._a.xml") are
 *   skipped and counted as `hidden`.
 * - Links, devices and FIFOs inside archives are skipped and counted.
 * - An entry's bytes are read until its end, whatever size its header
 *   claims (a streamed zip entry has none), up to the cap.
 * - A path, directory or entry that cannot be read is an error: the call
 *   returns JW_SOURCE_EIO with a reason (never "(null)"), the error is
 *   counted, and the next call goes on with what follows. A damaged
 *   archive (e.g. truncated gzip) ends that archive, not the source.
 *
 * Memory: a walk lists one directory when it gets there and keeps only the
 * listings of the directories on the way to the current file (names back
 * to back and 16 bytes per entry), so it grows with the largest directory,
 * not with the tree; a directory's entries are listed when it is entered,
 * so a file added to a directory the walk has not reached yet is read.
 *
 * jw_source_next() returns each message's bytes in a buffer owned by the
 * source and valid until the next call. A message larger than the iJw cap
 * is returned with its real length (or at least JW_SOURCE_MAX_READ) but
 * only the first JW_SOURCE_MAX_READ bytes read (the parser refuses it on
 * size alone).
 *
 * Threads: a source belongs to one thread at a time.
 */
#ifndef JW_SOURCE_H
#define JW_SOURCE_H

#include <stddef.h>

enum {
    JW_SOURCE_OK = 0,
    JW_SOURCE_END = 1,       /* no more messages */
    JW_SOURCE_EIO = -300,    /* a path, directory, file or entry could not be read */
    JW_SOURCE_ENOMEM = -301,
};

#define JW_SOURCE_MAX_READ (25u * 1000u * 1000u + 1u)

typedef struct jw_source jw_source_t;

/* paths are borrowed and must stay valid while the source is used. */
int jw_source_open(const char *const *paths, size_t n_paths, jw_source_t **out);

/* A source over one archive held in memory (buf, len: borrowed, must stay
 * valid while the source is used); name labels its entries
 * ("name:entry"). For tests and the fuzz target. */
int jw_source_open_memory(const void *buf, size_t len, const char *name, jw_source_t **out);

/* Next message: *name is "path" or "archive:entry" (owned by the source,
 * valid until the next call). Returns JW_SOURCE_OK, JW_SOURCE_END, or
 * JW_SOURCE_EIO, after which jw_source_error() says what failed and the
 * next call goes on with the rest; JW_SOURCE_ENOMEM is fatal. */
int jw_source_next(jw_source_t *s, const char **name, const char **buf, size_t *len);

const char *jw_source_error(const jw_source_t *s);

/* What was skipped (never read) and what failed, so far. */
typedef struct {
    size_t not_xml;   /* regular files and entries not named *.xml */
    size_t hidden;    /* names starting with '.' (a hidden directory counts once) */
    size_t links;     /* links to directories, link entries, directories seen twice */
    size_t special;   /* FIFOs, devices, sockets */
    size_t errors;    /* JW_SOURCE_EIO returned */
} jw_source_counts_t;

void jw_source_counts(const jw_source_t *s, jw_source_counts_t *out);
/* not_xml + hidden + links + special */
size_t jw_source_skipped(const jw_source_t *s);
void jw_source_close(jw_source_t *s);

const char *jw_source_strerror(int rc);

#endif
