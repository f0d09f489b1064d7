/* store.c - the LMDB environment: open/close, the write transaction with
 * grow-and-redo on a full map, read transactions, sync and statistics.
 * Operations inside a transaction are in txn.c. */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np: keep a map grow from starving */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#include "store/store_internal.h"

static const char *const db_names[JW_DB_COUNT] = {
    [JW_DB_MESSAGES] = "messages",
    [JW_DB_ALLOCATIONS] = "allocations",
    [JW_DB_DELIVERIES] = "deliveries",
    [JW_DB_REQUESTS] = "requests",
    [JW_DB_DECLARATIONS] = "declarations",
    [JW_DB_YOUTHS] = "youths",
    [JW_DB_EVENTS] = "events",
    [JW_DB_EVENT_IDS] = "event_ids",
    [JW_DB_DEADLETTERS] = "deadletters",
    [JW_DB_META] = "meta",
    [JW_DB_REFUSALS] = "refusals",
    [JW_DB_RETRACTED] = "retracted",
};

/* Bound on begin/grow rounds in one call; growth itself stops at max_map
 * (64 KiB -> 1 TiB is 24 doublings), this only guards against a loop. */
#define MAX_ROUNDS 64

const char *jw_store_db_name(jw_db_t db)
{
    if ((int)db < 0 || db >= JW_DB_COUNT) return NULL;
    return db_names[db];
}

const char *jw_store_strerror(int rc)
{
    switch (rc) {
    case JW_STORE_OK: return "ok";
    case JW_STORE_NOTFOUND: return "no such key";
    case JW_STORE_EPERM: return "state directory is accessible to group or others (needs mode 0700) or access denied";
    case JW_STORE_EIO: return "state directory could not be created or read";
    case JW_STORE_ENOENT: return "state store does not exist";
    case JW_STORE_ENOMEM: return "out of memory";
    case JW_STORE_EINVAL: return "invalid argument to the state store";
    case JW_STORE_ESCHEMA: return "state store has an unknown schema version (made by another jw version?)";
    case JW_STORE_MAP_FULL: return "state store is full (map reached its maximum size)";
    case JW_STORE_TXN_FULL: return "transaction too large: use smaller batches";
    case JW_STORE_ERDONLY: return "write to a read-only state store or transaction";
    case JW_STORE_EBUSY: return "a write transaction is already running";
    case JW_STORE_EREADERS: return "all reader slots of the state store are in use";
    case JW_STORE_ECORRUPT: return "state store is corrupt or not an LMDB store";
    case JW_STORE_EBADTXN: return "transaction already failed and must be aborted";
    case JW_STORE_ELMDB: return "state store (LMDB) error";
    case JW_STORE_ENOSPC: return "no space left on the disk of the state store (or a quota or file size limit was reached)";
    case JW_STORE_ELOCKED: return "state store is in use by another process (a running jwd or jw-replay --direct)";
    default: return "unknown error";
    }
}

int jw_store__map_rc(jw_txn_t *txn, int rc)
{
    switch (rc) {
    case MDB_SUCCESS: return JW_STORE_OK;
    case MDB_NOTFOUND: return JW_STORE_NOTFOUND;
    case MDB_MAP_FULL:
        if (txn) txn->map_full = 1;
        return JW_STORE_MAP_FULL;
    case MDB_TXN_FULL:
        if (txn) txn->txn_full = 1;
        return JW_STORE_TXN_FULL;
    case MDB_READERS_FULL: return JW_STORE_EREADERS;
    case MDB_BAD_VALSIZE: return JW_STORE_EINVAL;
    case MDB_BAD_TXN: return JW_STORE_EBADTXN;
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_PANIC:
    case MDB_INCOMPATIBLE: return JW_STORE_ECORRUPT;
    case ENOMEM: return JW_STORE_ENOMEM;
    case ENOENT: return JW_STORE_ENOENT;
    case EACCES:
    case EPERM: return txn ? JW_STORE_ERDONLY : JW_STORE_EPERM;
    case EINVAL: return JW_STORE_EINVAL;
    case ENOSPC:
    case EDQUOT:
    case EFBIG: return JW_STORE_ENOSPC;
    case EIO: return JW_STORE_EIO;
    default: return JW_STORE_ELMDB;
    }
}

static size_t round_to_page(size_t n)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t p = ps > 0 ? (size_t)ps : 4096;
    return (n + p - 1) / p * p;
}

/* Create dir (0700) when missing, then insist it is a directory that
 * others cannot enter or read. */
static int prepare_dir(const char *dir, int read_only)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT) return errno == EACCES ? JW_STORE_EPERM : JW_STORE_EIO;
        if (read_only) return JW_STORE_ENOENT;
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return errno == ENOSPC || errno == EDQUOT ? JW_STORE_ENOSPC : JW_STORE_EIO;
        /* mkdir's mode is filtered by the umask; say exactly what we mean. */
        if (chmod(dir, 0700) != 0) return JW_STORE_EIO;
        if (stat(dir, &st) != 0) return JW_STORE_EIO;
    }
    if (!S_ISDIR(st.st_mode)) return JW_STORE_EIO;
    if (st.st_mode & 0077) return JW_STORE_EPERM;
    return 0;
}

/* One writer per store: an exclusive flock on dir/lock for the life of
 * the open store. flock (not fcntl) locks belong to the open file
 * description, so a second open in this process conflicts too (LMDB
 * forbids two environments on one store in a process), and the kernel
 * releases the lock when the process dies. */
static int take_lock(const char *dir, int *fd_out)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/lock", dir);
    if (n < 0 || (size_t)n >= sizeof path) return JW_STORE_EINVAL;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return errno == EACCES ? JW_STORE_EPERM : jw_store__map_rc(NULL, errno);
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR) continue;
        int e = errno;
        close(fd);
        return e == EWOULDBLOCK ? JW_STORE_ELOCKED : jw_store__map_rc(NULL, e);
    }
    *fd_out = fd;
    return 0;
}

static int file_exists(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path) return 0;
    return stat(path, &st) == 0;
}

static size_t current_map_size(jw_store_t *s)
{
    MDB_envinfo info;
    if (mdb_env_info(s->env, &info) != 0) return 0;
    return info.me_mapsize;
}

/* Remap to new_size (0 = adopt the size another process set). Waits until
 * no read txn of this process is open; the caller has no txn open. */
static int remap(jw_store_t *s, size_t new_size)
{
    int rc;
    if (pthread_rwlock_wrlock(&s->maplock) != 0) return JW_STORE_ELMDB;
    rc = mdb_env_set_mapsize(s->env, new_size);
    pthread_rwlock_unlock(&s->maplock);
    return jw_store__map_rc(NULL, rc);
}

static int grow(jw_store_t *s)
{
    size_t cur = current_map_size(s), next;
    if (cur == 0) return JW_STORE_ELMDB;
    if (cur >= s->max_map) return JW_STORE_MAP_FULL;
    next = cur > s->max_map / 2 ? s->max_map : cur * 2;
    return remap(s, round_to_page(next));
}

/* Begin a write txn, adopting a map grown by another process. */
static int begin_write(jw_store_t *s, MDB_txn **out)
{
    int rc = 0;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        rc = mdb_txn_begin(s->env, NULL, 0, out);
        if (rc != MDB_MAP_RESIZED) return jw_store__map_rc(NULL, rc);
        if ((rc = remap(s, 0))) return rc;
    }
    return JW_STORE_ELMDB;
}

/* LMDB reports a short write at commit as EIO ("filesystem full?"): a
 * full disk or a file size limit usually shows that way, not as ENOSPC.
 * Tell the operator which it is when we can see it: the filesystem has
 * (almost) no room left, or data.mdb reached RLIMIT_FSIZE. */
static int refine_eio(jw_store_t *s, int rc)
{
    char path[4096];
    struct statvfs vfs;
    struct stat st;
    struct rlimit rl;
    if (rc != JW_STORE_EIO) return rc;
    if (statvfs(s->dir, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < (uint64_t)1 << 20)
        return JW_STORE_ENOSPC;
    int n = snprintf(path, sizeof path, "%s/data.mdb", s->dir);
    if (n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0 && getrlimit(RLIMIT_FSIZE, &rl) == 0 &&
        rl.rlim_cur != RLIM_INFINITY && (uint64_t)st.st_size + (1u << 16) >= (uint64_t)rl.rlim_cur)
        return JW_STORE_ENOSPC;
    return rc;
}

/* The retry loop shared by open (creating the databases) and
 * jw_store_write. */
static int run_write(jw_store_t *s, jw_store_write_fn fn, void *ctx)
{
    int rc = JW_STORE_MAP_FULL;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        jw_txn_t t = {.s = s};
        if ((rc = begin_write(s, &t.txn))) goto out;
        rc = fn(&t, ctx);
        if (rc == 0 && !t.map_full && !t.txn_full) {
            /* On failure mdb_txn_commit frees the txn itself. */
            rc = refine_eio(s, jw_store__map_rc(&t, mdb_txn_commit(t.txn)));
        } else {
            mdb_txn_abort(t.txn);
        }
        if (t.txn_full) {
            rc = JW_STORE_TXN_FULL;
            goto out;
        }
        if (!t.map_full) goto out;
        if ((rc = grow(s))) goto out;
        rc = JW_STORE_MAP_FULL;
    }
out:
    return rc;
}

int jw_store_write(jw_store_t *s, jw_store_write_fn fn, void *ctx)
{
    int rc, expected = 0;
    if (!s || !fn) return JW_STORE_EINVAL;
    if (s->read_only) return JW_STORE_ERDONLY;
    if (!atomic_compare_exchange_strong(&s->writing, &expected, 1)) return JW_STORE_EBUSY;
    rc = run_write(s, fn, ctx);
    atomic_store(&s->writing, 0);
    return rc;
}

int jw_store_read(jw_store_t *s, jw_store_read_fn fn, void *ctx)
{
    int rc = JW_STORE_ELMDB;
    if (!s || !fn) return JW_STORE_EINVAL;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        jw_txn_t t = {.s = s, .read_only = 1};
        if (pthread_rwlock_rdlock(&s->maplock) != 0) return JW_STORE_ELMDB;
        rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &t.txn);
        if (rc == MDB_MAP_RESIZED) {
            pthread_rwlock_unlock(&s->maplock);
            if ((rc = remap(s, 0))) goto out;
            continue;
        }
        if (rc) {
            pthread_rwlock_unlock(&s->maplock);
            rc = jw_store__map_rc(NULL, rc);
            goto out;
        }
        rc = fn(&t, ctx);
        mdb_txn_abort(t.txn);
        pthread_rwlock_unlock(&s->maplock);
        goto out;
    }
    rc = JW_STORE_ELMDB; /* the map kept being resized under us */
out:
    return rc;
}

/* ---- open ---- */

static int open_dbs_rw(jw_txn_t *txn, void *ctx)
{
    jw_store_t *s = ctx;
    const void *val;
    size_t len;
    int rc;
    for (int i = 0; i < JW_DB_COUNT; i++)
        if ((rc = jw_store__map_rc(txn, mdb_dbi_open(txn->txn, db_names[i], MDB_CREATE, &s->dbi[i]))))
            return rc;
    rc = jw_store_meta_get(txn, JW_META_SCHEMA, &val, &len);
    if (rc == JW_STORE_NOTFOUND) {
        /* Bypasses jw_store_meta_put_u64, which refuses reserved names. */
        unsigned char be[8];
        MDB_val k = {sizeof JW_META_SCHEMA - 1, JW_META_SCHEMA}, v = {sizeof be, be};
        jw_store_seq_key(JW_STORE_SCHEMA_VERSION, be);
        return jw_store__map_rc(txn, mdb_put(txn->txn, s->dbi[JW_DB_META], &k, &v, 0));
    }
    if (rc) return rc;
    if (len != 8 || jw_store_seq_from_key(val) != JW_STORE_SCHEMA_VERSION) return JW_STORE_ESCHEMA;
    return 0;
}

static int open_dbs_ro(jw_store_t *s)
{
    MDB_txn *txn = NULL;
    jw_txn_t t = {.s = s, .read_only = 1};
    uint64_t v;
    int rc = jw_store__map_rc(NULL, mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn));
    if (rc) goto out;
    for (int i = 0; i < JW_DB_COUNT; i++) {
        rc = mdb_dbi_open(txn, db_names[i], 0, &s->dbi[i]);
        if (rc == MDB_NOTFOUND) {
            rc = JW_STORE_ESCHEMA; /* not a store this version made */
            goto out;
        }
        if ((rc = jw_store__map_rc(NULL, rc))) goto out;
    }
    t.txn = txn;
    rc = jw_store_meta_get_u64(&t, JW_META_SCHEMA, &v);
    if (rc == JW_STORE_NOTFOUND || rc == JW_STORE_ECORRUPT || (rc == 0 && v != JW_STORE_SCHEMA_VERSION)) {
        rc = JW_STORE_ESCHEMA;
        goto out;
    }
    if (rc) goto out;
    /* Committing (not aborting) keeps the dbi handles for the env. */
    rc = jw_store__map_rc(NULL, mdb_txn_commit(txn));
    txn = NULL;
out:
    if (txn) mdb_txn_abort(txn);
    return rc;
}

int jw_store_open(const char *dir, const jw_store_options_t *opt, jw_store_t **out)
{
    jw_store_options_t o = {0};
    jw_store_t *s = NULL;
    pthread_rwlockattr_t attr;
    unsigned flags = 0;
    int rc, existed;

    if (out) *out = NULL;
    if (!dir || !*dir || !out) return JW_STORE_EINVAL;
    if (opt) o = *opt;
    if (o.read_only && o.replay) return JW_STORE_EINVAL;
    if (!o.map_size) o.map_size = JW_STORE_DEFAULT_MAP_SIZE;
    if (!o.max_map_size) o.max_map_size = JW_STORE_DEFAULT_MAX_MAP_SIZE;
    if (o.max_map_size < o.map_size) o.max_map_size = o.map_size;

    if ((rc = prepare_dir(dir, o.read_only))) goto out;
    existed = file_exists(dir, "data.mdb");
    if (o.read_only && !existed) {
        rc = JW_STORE_ENOENT;
        goto out;
    }

    if (!(s = calloc(1, sizeof *s))) {
        rc = JW_STORE_ENOMEM;
        goto out;
    }
    s->lock_fd = -1;
    if (!(s->dir = strdup(dir))) {
        rc = JW_STORE_ENOMEM;
        goto out;
    }
    if (!o.read_only && (rc = take_lock(dir, &s->lock_fd))) goto out;
    s->read_only = o.read_only;
    s->replay = o.replay;
    s->max_map = round_to_page(o.max_map_size);
    atomic_init(&s->writing, 0);

    if (pthread_rwlockattr_init(&attr) != 0) {
        rc = JW_STORE_ENOMEM;
        goto out;
    }
#ifdef __GLIBC__
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
    rc = pthread_rwlock_init(&s->maplock, &attr);
    pthread_rwlockattr_destroy(&attr);
    if (rc != 0) {
        rc = JW_STORE_ENOMEM;
        goto out;
    }
    s->maplock_ready = 1;

    if ((rc = jw_store__map_rc(NULL, mdb_env_create(&s->env)))) goto out;
    if ((rc = jw_store__map_rc(NULL, mdb_env_set_maxdbs(s->env, JW_DB_COUNT)))) goto out;
    if (o.max_readers && (rc = jw_store__map_rc(NULL, mdb_env_set_maxreaders(s->env, o.max_readers))))
        goto out;
    /* Left unset for an existing store, LMDB uses the size stored in it,
     * which may have grown past the requested one. */
    if (!existed && (rc = jw_store__map_rc(NULL, mdb_env_set_mapsize(s->env, round_to_page(o.map_size)))))
        goto out;
    if (o.replay) flags |= MDB_WRITEMAP | MDB_NOSYNC;
    if (o.read_only) flags |= MDB_RDONLY;
    rc = mdb_env_open(s->env, dir, flags, 0600);
    if (rc) {
        rc = jw_store__map_rc(NULL, rc);
        goto out;
    }
    if (existed && !o.read_only && current_map_size(s) < round_to_page(o.map_size) &&
        (rc = remap(s, round_to_page(o.map_size))))
        goto out;
    if ((rc = jw_store_reader_check(s, NULL))) goto out;

    if (o.read_only) rc = open_dbs_ro(s);
    else rc = run_write(s, open_dbs_rw, s);
    if (rc) goto out;

    *out = s;
    s = NULL;
out:
    if (s) {
        if (s->env) mdb_env_close(s->env);
        if (s->maplock_ready) pthread_rwlock_destroy(&s->maplock);
        if (s->lock_fd >= 0) close(s->lock_fd);
        free(s->dir);
        free(s);
    }
    return rc;
}

int jw_store_reader_check(jw_store_t *s, int *dead)
{
    int n = 0, rc;
    if (!s) return JW_STORE_EINVAL;
    rc = mdb_reader_check(s->env, &n);
    if (dead) *dead = n;
    return jw_store__map_rc(NULL, rc);
}

int jw_store_sync(jw_store_t *s)
{
    if (!s) return JW_STORE_EINVAL;
    if (s->read_only) return 0;
    return jw_store__map_rc(NULL, mdb_env_sync(s->env, 1));
}

int jw_store_close(jw_store_t *s)
{
    int rc = 0;
    if (!s) return 0;
    if (s->replay) rc = jw_store_sync(s);
    mdb_env_close(s->env);
    pthread_rwlock_destroy(&s->maplock);
    if (s->lock_fd >= 0) close(s->lock_fd); /* releases the flock */
    free(s->dir);
    free(s);
    return rc;
}

/* ---- statistics ---- */

typedef struct {
    jw_store_stat_t *st;
} stat_ctx_t;

static int stat_cb(jw_txn_t *txn, void *ctx)
{
    stat_ctx_t *c = ctx;
    MDB_stat ms;
    int rc;
    for (int i = 0; i < JW_DB_COUNT; i++) {
        if ((rc = jw_store__map_rc(NULL, mdb_stat(txn->txn, txn->s->dbi[i], &ms)))) return rc;
        c->st->entries[i] = ms.ms_entries;
        c->st->bytes[i] = (uint64_t)(ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages) * ms.ms_psize;
        c->st->page_size = ms.ms_psize;
    }
    return 0;
}

int jw_store_stat(jw_store_t *s, jw_store_stat_t *out)
{
    MDB_envinfo info;
    struct stat fst;
    char path[4096];
    stat_ctx_t c = {out};
    int rc;

    if (!s || !out) return JW_STORE_EINVAL;
    memset(out, 0, sizeof *out);
    if ((rc = jw_store_read(s, stat_cb, &c))) goto out;
    if ((rc = jw_store__map_rc(NULL, mdb_env_info(s->env, &info)))) goto out;
    out->map_size = info.me_mapsize;
    out->used_size = (uint64_t)(info.me_last_pgno + 1) * out->page_size;
    out->last_txnid = info.me_last_txnid;
    out->max_readers = info.me_maxreaders;
    out->num_readers = info.me_numreaders;
    snprintf(path, sizeof path, "%s/data.mdb", s->dir);
    if (stat(path, &fst) == 0) out->file_size = (uint64_t)fst.st_size;
out:
    return rc;
}

/* The process's file-backed resident bytes: statm's third field (pages). */
static int file_resident(size_t *out)
{
    unsigned long size, resident, shared;
    FILE *f = fopen("/proc/self/statm", "re");
    if (!f) return JW_STORE_EIO;
    int n = fscanf(f, "%lu %lu %lu", &size, &resident, &shared);
    fclose(f);
    if (n != 3) return JW_STORE_EIO;
    *out = (size_t)shared * (size_t)sysconf(_SC_PAGESIZE);
    return 0;
}

int jw_store_map_trim(jw_txn_t *txn, size_t budget, int *trimmed)
{
    size_t res;
    int fd, rc;
    struct stat st;
    char line[512];
    if (trimmed) *trimmed = 0;
    if (!txn || !txn->txn || txn->read_only) return JW_STORE_EINVAL;
    if (txn->s->replay) return 0;
    if ((rc = file_resident(&res))) return rc;
    if (res <= budget) return 0;
    /* LMDB does not say where its map is (mdb_env_info gives the address
     * only for MDB_FIXEDMAP): find the mappings of data.mdb by device and
     * inode. */
    if (mdb_env_get_fd(txn->s->env, &fd) != 0 || fstat(fd, &st) != 0) return JW_STORE_EIO;
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f) return JW_STORE_EIO;
    rc = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi, off, ino;
        unsigned maj, mnr;
        char perm[8];
        if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perm, &off, &maj, &mnr, &ino) != 7) continue;
        if (ino != (unsigned long)st.st_ino || maj != major(st.st_dev) || mnr != minor(st.st_dev)) continue;
        if (madvise((void *)(uintptr_t)lo, hi - lo, MADV_DONTNEED) != 0) rc = JW_STORE_EIO;
        else if (trimmed) *trimmed = 1;
    }
    fclose(f);
    return rc;
}
