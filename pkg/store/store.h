/* store.h - the LMDB state store (SPEC §3-4).
 *
 * One directory holds one LMDB environment with a fixed set of named
 * databases (jw_db_t). Keys and values are opaque bytes here: the
 * trajectory engine owns the record formats, and the schema version
 * (JW_STORE_SCHEMA_VERSION, kept in META) covers them.
 *
 * Threads and processes
 *   - One writer thread calls jw_store_write(); any number of threads call
 *     jw_store_read() at the same time. Readers never block the writer's
 *     commits and the writer never blocks readers (LMDB MVCC). The one
 *     exception is growing the map after MDB_MAP_FULL: LMDB may only remap
 *     while this process has no transaction open, so the grow step waits
 *     for the read callbacks in flight to return (new readers wait for the
 *     few microseconds the remap takes). Keep read callbacks short.
 *   - Open a directory at most once per process (LMDB rule: a second env
 *     on the same files in one process breaks its locks). Do not use a
 *     store across fork(). Other processes may open it read-only.
 *   - Do not call jw_store_write() or jw_store_read() from inside a
 *     callback (a nested write returns JW_STORE_EBUSY; a nested read may
 *     deadlock against a map grow).
 *
 * Transactions are callbacks: jw_store_write() and jw_store_read() open
 * the transaction, pass it to the callback and end it. A jw_txn_t is
 * valid only during that callback, in the thread that runs it.
 *
 * Return codes: 0 is success; the JW_STORE_* codes below are negative and
 * lie in [JW_STORE_ERR_MIN, JW_STORE_ERR_MAX] = [-199, -100]. A callback
 * may return any other nonzero value (positive, or negative outside that
 * range: other modules use -200.., -300..) and it is passed back
 * unchanged; a callback should also pass store codes it receives back
 * unchanged, so the caller (and the retry logic) can see them.
 */
#ifndef JW_STORE_H
#define JW_STORE_H

#include <stddef.h>
#include <stdint.h>

#define JW_STORE_SCHEMA_VERSION 4u /* 2: fact records remember a legacy 2.x release; 3: binary event records (pkg/event), live lists keyed by body digest; 4: retracted seqs instead of an event id index, live list entries with a scope tag */

#define JW_STORE_DEFAULT_MAP_SIZE ((size_t)1 << 30)     /* 1 GiB */
#define JW_STORE_DEFAULT_MAX_MAP_SIZE ((size_t)1 << 40) /* 1 TiB */

enum {
    JW_STORE_OK = 0,
    JW_STORE_NOTFOUND = -100, /* no such key (not an error for most callers) */
    JW_STORE_EPERM = -101,    /* directory is accessible to group or others, or access denied */
    JW_STORE_EIO = -102,      /* a filesystem call failed (mkdir, stat, not a directory) */
    JW_STORE_ENOENT = -103,   /* read-only open of a directory/store that does not exist */
    JW_STORE_ENOMEM = -104,
    JW_STORE_EINVAL = -105,   /* bad argument: NULL, unknown db, key of 0 or > 511 bytes */
    JW_STORE_ESCHEMA = -106,  /* the store has another (newer/unknown) schema version */
    JW_STORE_MAP_FULL = -107, /* the map reached max_map_size */
    JW_STORE_TXN_FULL = -108, /* one transaction dirtied too many pages: split the batch */
    JW_STORE_ERDONLY = -109,  /* a write on a read-only store or inside jw_store_read */
    JW_STORE_EBUSY = -110,    /* jw_store_write called while a write is running */
    JW_STORE_EREADERS = -111, /* all reader slots in use (see jw_store_reader_check) */
    JW_STORE_ECORRUPT = -112, /* LMDB reports corruption, or an internal record is malformed */
    JW_STORE_EBADTXN = -113,  /* an earlier operation of this txn failed; return its error */
    JW_STORE_ELMDB = -114,    /* any other LMDB failure */
    JW_STORE_ENOSPC = -115,   /* no space left on the device (or quota / file size limit) */
    JW_STORE_ELOCKED = -116,  /* another process has the store open for writing */
    JW_STORE_ERR_MAX = -100,
    JW_STORE_ERR_MIN = -199,
};

/* A static message for any code (store codes, "unknown error" otherwise).
 * Never NULL; the caller does not free it. */
const char *jw_store_strerror(int rc);

/* The named databases. Key layouts are the trajectory engine's, except
 * JW_DB_EVENTS (8-byte big-endian seq, written by jw_store_event_append)
 * and the reserved META names below. */
typedef enum {
    JW_DB_MESSAGES = 0, /* message identity -> content hash */
    JW_DB_ALLOCATIONS,  /* allocation versions */
    JW_DB_DELIVERIES,
    JW_DB_REQUESTS,
    JW_DB_DECLARATIONS, /* declaration lines */
    JW_DB_YOUTHS,       /* per-youth index (episodes by segment, live events, ...) */
    JW_DB_EVENTS,       /* event log: 8-byte big-endian seq -> event */
    JW_DB_EVENT_IDS,    /* the indicator store's contributions (event id -> ...); unused in the state store */
    JW_DB_DEADLETTERS,
    JW_DB_META,         /* name -> value; see jw_store_meta_* */
    JW_DB_REFUSALS,     /* refused messages, requests and lines, and their indexes */
    JW_DB_RETRACTED,    /* seq of a retracted event -> seq of its retract event */
    JW_DB_COUNT
} jw_db_t;

/* The LMDB name of a database ("messages", ..., "meta"); static string,
 * NULL for an out-of-range value. */
const char *jw_store_db_name(jw_db_t db);

typedef struct jw_store jw_store_t;
typedef struct jw_txn jw_txn_t;

typedef struct {
    size_t map_size;     /* initial map size in bytes; 0 = 1 GiB. An existing
                            store keeps its larger stored size. Rounded up
                            to the OS page size. */
    size_t max_map_size; /* jw_store_write grows the map up to this; 0 = 1 TiB */
    int replay;          /* MDB_WRITEMAP|MDB_NOSYNC: fast bulk loads; call
                            jw_store_sync at checkpoints (jw_store_close
                            syncs). A process crash loses nothing committed;
                            an OS crash before a sync may lose or corrupt the
                            store, so replay into a store you can rebuild. */
    int read_only;       /* MDB_RDONLY; the directory and store must exist */
    unsigned max_readers; /* reader slots (threads + processes); 0 = 126 */
} jw_store_options_t;

/* Open (creating when missing) the store in directory dir.
 * - dir is created with mode 0700 when it does not exist (its parent must
 *   exist); a directory whose mode gives the group or others any access
 *   (mode & 0077) is refused with JW_STORE_EPERM. The LMDB files are
 *   created 0600.
 * - a read-write open (also replay mode) takes an exclusive flock(2) on
 *   dir/lock, held until jw_store_close (or the process ends, also by
 *   SIGKILL: the kernel drops the lock). A second read-write open of the
 *   same directory, by this or another process, gets JW_STORE_ELOCKED:
 *   one writer per store (jwd, jw-replay --direct). Read-only opens take
 *   no lock.
 * - all named databases are opened once here; stale reader slots left by
 *   dead processes are cleared (mdb_reader_check).
 * - a new store gets META "schema_version" = JW_STORE_SCHEMA_VERSION; a
 *   store with any other version is refused with JW_STORE_ESCHEMA (there
 *   are no migrations: rebuild by replay). A read-only open of a store
 *   without a version is JW_STORE_ESCHEMA too.
 * opt may be NULL (defaults). dir is copied. On success *out is owned by
 * the caller and freed with jw_store_close(); on failure *out is NULL. */
int jw_store_open(const char *dir, const jw_store_options_t *opt, jw_store_t **out);

/* Keep the store's memory map from growing the process's resident set
 * with the store: when the process's file-backed resident pages
 * (/proc/self/statm) exceed budget bytes, the map's pages are dropped
 * (MADV_DONTNEED; they come back from the page cache on the next read,
 * unchanged). Call it from inside a write transaction (the map cannot move
 * then), e.g. every few hundred messages: one transaction of thousands of
 * messages reads pages all over a large store. Readers in other threads
 * may go on meanwhile. For a replay store (MDB_WRITEMAP) it does nothing:
 * there the map holds the transaction's own writes, and dropping them cost
 * more time than it saved memory (docs/decisions.md). *trimmed (may be
 * NULL) says whether pages were dropped. Returns 0, JW_STORE_EINVAL (not a
 * write transaction) or JW_STORE_EIO (/proc/self cannot be read: nothing
 * is dropped, the store is unaffected). */
int jw_store_map_trim(jw_txn_t *txn, size_t budget, int *trimmed);


/* Flush the map to disk (mdb_env_sync with force). Needed only in replay
 * mode, at checkpoints; a no-op for a read-only store. Writer thread. */
int jw_store_sync(jw_store_t *s);

/* Sync (replay mode) and close. NULL-safe. No read or write may be in
 * flight. Returns the sync result; s is freed in every case. */
int jw_store_close(jw_store_t *s);

/* Clear reader slots left by dead processes; *dead (may be NULL) gets
 * their number. Open does this once; long-running programs may call it
 * periodically (a stale slot pins old pages and the file grows). */
int jw_store_reader_check(jw_store_t *s, int *dead);

/* The write callback. Runs inside one write transaction.
 *
 * RETRY: when the map fills up (MDB_MAP_FULL, in fn or at commit),
 * jw_store_write aborts the transaction, doubles the map and calls fn
 * AGAIN FROM THE START with a fresh txn, until it fits or max_map_size is
 * reached. So fn must not leave side effects outside the txn that a rerun
 * would double (counters, emitted events, freed inputs): reset them at
 * the start of fn, and publish results only after jw_store_write
 * returned 0. Once a store call in this txn returned JW_STORE_MAP_FULL
 * every later call returns it too: just return it. */
typedef int (*jw_store_write_fn)(jw_txn_t *txn, void *ctx);

/* Run fn in one write transaction and commit it. Either everything fn
 * wrote is committed, or nothing is:
 *   0                 fn returned 0 and the commit succeeded;
 *   fn's nonzero code fn failed (the txn is aborted; code unchanged);
 *   JW_STORE_*        an LMDB failure (txn aborted), e.g. JW_STORE_MAP_FULL
 *                     when the map cannot grow further, JW_STORE_TXN_FULL
 *                     when the batch is too big for one txn (LMDB's dirty
 *                     page limit, which a bigger map does not lift: retry
 *                     with smaller batches).
 * If the txn filled the map, fn is rerun even if it returned its own code
 * (the failure may stem from the full map). Writer thread only; with
 * default options every commit is durable (fsync). */
int jw_store_write(jw_store_t *s, jw_store_write_fn fn, void *ctx);

/* The read callback: a read-only snapshot as of its start; writes in it
 * return JW_STORE_ERDONLY. */
typedef int (*jw_store_read_fn)(jw_txn_t *txn, void *ctx);

/* Run fn in a read-only transaction; returns fn's code (or a JW_STORE_*
 * code if the txn could not start). Any thread; never nested in one
 * thread. */
int jw_store_read(jw_store_t *s, jw_store_read_fn fn, void *ctx);

/* ---- inside a transaction ----
 * Keys are 1..511 bytes. Values are 0..(map) bytes.
 *
 * VALUE LIFETIME: pointers handed out (jw_store_get, iteration callbacks,
 * jw_store_meta_get) point into the database map. They must not be written
 * to, and are valid only until the next put/del/append in this txn or the
 * end of the txn, whichever comes first. Copy what you keep. */

/* Look key up: 0 with val and vlen set, or JW_STORE_NOTFOUND. */
int jw_store_get(jw_txn_t *txn, jw_db_t db, const void *key, size_t klen, const void **val,
                 size_t *vlen);

/* Insert or replace. The bytes are copied. */
int jw_store_put(jw_txn_t *txn, jw_db_t db, const void *key, size_t klen, const void *val,
                 size_t vlen);

/* Delete; JW_STORE_NOTFOUND when absent. */
int jw_store_del(jw_txn_t *txn, jw_db_t db, const void *key, size_t klen);

/* Entries in db (as seen by this txn). */
int jw_store_count(jw_txn_t *txn, jw_db_t db, uint64_t *out);

/* Iteration callback: key/val valid until the callback returns (see VALUE
 * LIFETIME). Return 0 to continue, JW_STORE_ITER_STOP to stop (the
 * iteration then returns 0), anything else to stop and have the
 * iteration return that code. The callback may read anything and write
 * to other databases, but must not put/del in the database being
 * iterated (collect the keys, write after the iteration). */
#define JW_STORE_ITER_STOP 1
typedef int (*jw_store_iter_fn)(const void *key, size_t klen, const void *val, size_t vlen,
                                void *ctx);

/* Every key that starts with prefix[0..plen), in key order (bytewise,
 * shorter first; zero bytes are ordinary bytes). plen 0 = all keys. */
int jw_store_iter(jw_txn_t *txn, jw_db_t db, const void *prefix, size_t plen,
                  jw_store_iter_fn cb, void *ctx);

/* Every key >= start[0..klen) in key order, to the end of db (stop with
 * JW_STORE_ITER_STOP). klen 0 = from the first key. */
int jw_store_iter_from(jw_txn_t *txn, jw_db_t db, const void *start, size_t klen,
                       jw_store_iter_fn cb, void *ctx);

/* ---- event log ----
 * Sequence numbers start at 1 and grow by one per appended event across
 * transactions and reopenings (the last one is META "last_seq"). A rolled
 * back transaction gives its numbers out again. */

/* Append data (copied) as event last_seq + 1; *seq_out (may be NULL) gets
 * the new seq. */
int jw_store_event_append(jw_txn_t *txn, const void *data, size_t len, uint64_t *seq_out);

/* The last seq given out, 0 for an empty log. */
int jw_store_last_seq(jw_txn_t *txn, uint64_t *out);

/* Event callback: data valid until the callback returns; return codes
 * as jw_store_iter_fn. */
typedef int (*jw_store_event_fn)(uint64_t seq, const void *data, size_t len, void *ctx);

/* Every event with seq > after_seq, in seq order. */
int jw_store_events_since(jw_txn_t *txn, uint64_t after_seq, jw_store_event_fn cb, void *ctx);

/* Write seq as the 8-byte big-endian key of JW_DB_EVENTS (and back). */
void jw_store_seq_key(uint64_t seq, unsigned char key[8]);
uint64_t jw_store_seq_from_key(const unsigned char key[8]);

/* ---- META ----
 * name is a NUL-terminated string (the key is its bytes, without the
 * NUL). "schema_version" and "last_seq" are reserved: the put functions
 * refuse them with JW_STORE_EINVAL. get: 0 or JW_STORE_NOTFOUND; the
 * value lifetime rule above applies. u64 values are 8 bytes big-endian;
 * jw_store_meta_get_u64 returns JW_STORE_ECORRUPT for another size. */
int jw_store_meta_get(jw_txn_t *txn, const char *name, const void **val, size_t *len);
int jw_store_meta_put(jw_txn_t *txn, const char *name, const void *val, size_t len);
int jw_store_meta_get_u64(jw_txn_t *txn, const char *name, uint64_t *out);
int jw_store_meta_put_u64(jw_txn_t *txn, const char *name, uint64_t v);

/* ---- size report ---- */
typedef struct {
    uint64_t entries[JW_DB_COUNT]; /* entries per database */
    uint64_t bytes[JW_DB_COUNT];   /* pages (branch+leaf+overflow) x page size */
    uint64_t map_size;             /* current map size */
    uint64_t used_size;            /* (last used page + 1) x page size */
    uint64_t file_size;            /* data.mdb size on disk (= map size in replay mode) */
    uint64_t last_txnid;
    unsigned page_size;
    unsigned max_readers, num_readers;
} jw_store_stat_t;

/* Fill *out from a fresh read snapshot. Any thread. */
int jw_store_stat(jw_store_t *s, jw_store_stat_t *out);

#endif
