/* store_internal.h - the store and transaction structs, shared by
 * store.c (environment, transactions, growth) and txn.c (operations
 * inside a transaction). Not part of the public API. */
#ifndef JW_STORE_INTERNAL_H
#define JW_STORE_INTERNAL_H

#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>

#include "store/store.h"

struct jw_store {
    MDB_env *env;
    MDB_dbi dbi[JW_DB_COUNT];
    /* Readers hold it shared for the life of their txn; the writer takes it
     * exclusively only to remap (LMDB forbids resizing while any txn of
     * this process is open, and a remap would pull the map out from under
     * a reader). */
    pthread_rwlock_t maplock;
    int maplock_ready;
    int read_only, replay;
    size_t max_map;
    atomic_int writing; /* a jw_store_write is running (catches nesting) */
    char *dir;
    int lock_fd; /* dir/lock, flock(LOCK_EX) while open read-write; -1 when none */
};

struct jw_txn {
    jw_store_t *s;
    MDB_txn *txn;
    int read_only;
    /* Sticky: once LMDB said MAP_FULL/TXN_FULL the txn is dead; every later
     * call answers the same so the callback unwinds, and jw_store_write
     * knows to grow and rerun whatever the callback returned. */
    int map_full, txn_full;
};

/* Map an LMDB / errno code to a JW_STORE_* code, noting MAP_FULL and
 * TXN_FULL in txn (may be NULL). */
int jw_store__map_rc(jw_txn_t *txn, int rc);

/* The reserved META names. */
#define JW_META_SCHEMA "schema_version"
#define JW_META_LAST_SEQ "last_seq"

#endif
