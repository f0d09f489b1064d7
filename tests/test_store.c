/* test_store.c - pkg/store: directory rules, schema version, get/put/del,
 * ordered iteration, the event log, map growth with redo, all-or-nothing
 * batches, and readers beside the writer. Every test works in its own
 * mkdtemp directory under /tmp, removed by the fixture. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_internal.h" /* jw_store__map_rc */

static char tmp[64];

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        char sub[512];
        chmod(path, 0700);
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        if (d) closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void setup(void)
{
    alarm(60);
    strcpy(tmp, "/tmp/jw-store-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp));
}

static void teardown(void)
{
    rm_rf(tmp);
}

/* Time bound by alarm(): Criterion's own .timeout leaks in its runner
 * (LeakSanitizer reports 48 B per timed test under parallel runs), which
 * would trip a log check for "LeakSanitizer". A SIGALRM kills a hung
 * worker, which Criterion reports as a crash. */
TestSuite(store, .init = setup, .fini = teardown);

/* tmp/name, in a static buffer per slot. */
static const char *sub(const char *name)
{
    static char buf[4][128];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", tmp, name);
    return b;
}

static jw_store_t *open_or_die(const char *dir, const jw_store_options_t *o)
{
    jw_store_t *s = NULL;
    int rc = jw_store_open(dir, o, &s);
    cr_assert_eq(rc, 0, "open %s: %s", dir, jw_store_strerror(rc));
    cr_assert_not_null(s);
    return s;
}

/* ---- small write/read bodies used by several tests ---- */

typedef struct {
    jw_db_t db;
    const void *key;
    size_t klen;
    const void *val;
    size_t vlen;
} kv_t;

static int put_one(jw_txn_t *txn, void *ctx)
{
    kv_t *kv = ctx;
    return jw_store_put(txn, kv->db, kv->key, kv->klen, kv->val, kv->vlen);
}

typedef struct {
    jw_db_t db;
    const void *key;
    size_t klen;
    char out[256];
    size_t outlen;
} getter_t;

static int get_one(jw_txn_t *txn, void *ctx)
{
    getter_t *g = ctx;
    const void *v;
    size_t n;
    int rc = jw_store_get(txn, g->db, g->key, g->klen, &v, &n);
    if (rc) return rc;
    if (n > sizeof g->out) return -999;
    memcpy(g->out, v, n);
    g->outlen = n;
    return 0;
}

static void put_str(jw_store_t *s, jw_db_t db, const char *k, const char *v)
{
    kv_t kv = {db, k, strlen(k), v, strlen(v)};
    cr_assert_eq(jw_store_write(s, put_one, &kv), 0);
}

static int count_db(jw_store_t *s, jw_db_t db, uint64_t *n);

typedef struct {
    jw_db_t db;
    uint64_t n;
} counter_t;

static int count_cb(jw_txn_t *txn, void *ctx)
{
    counter_t *c = ctx;
    return jw_store_count(txn, c->db, &c->n);
}

static int count_db(jw_store_t *s, jw_db_t db, uint64_t *n)
{
    counter_t c = {db, 0};
    int rc = jw_store_read(s, count_cb, &c);
    *n = c.n;
    return rc;
}

/* ---- directory, reopen, schema ---- */

Test(store, open_creates_0700_dir)
{
    struct stat st;
    const char *dir = sub("state");
    umask(0); /* our modes must not depend on the caller's umask */
    jw_store_t *s = open_or_die(dir, NULL);
    cr_assert_eq(stat(dir, &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    cr_assert_eq(st.st_mode & 0777, 0700);
    cr_assert_eq(stat(sub("state/data.mdb"), &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(jw_store_close(s), 0);
}

Test(store, refuses_dir_open_to_others)
{
    jw_store_t *s = (jw_store_t *)&s; /* must be reset to NULL on failure */
    struct stat st;
    const char *dir = sub("open");
    cr_assert_eq(mkdir(dir, 0700), 0);
    cr_assert_eq(chmod(dir, 0777), 0);
    cr_assert_eq(jw_store_open(dir, NULL, &s), JW_STORE_EPERM);
    cr_assert_null(s);
    cr_assert_neq(stat(sub("open/data.mdb"), &st), 0, "nothing may be created in a refused dir");
    cr_assert_eq(chmod(dir, 0704), 0); /* others may only read: still refused */
    cr_assert_eq(jw_store_open(dir, NULL, &s), JW_STORE_EPERM);
    cr_assert_eq(chmod(dir, 0701), 0);
    cr_assert_eq(jw_store_open(dir, NULL, &s), JW_STORE_EPERM);
    cr_assert_eq(chmod(dir, 0750), 0); /* group access is refused too */
    cr_assert_eq(jw_store_open(dir, NULL, &s), JW_STORE_EPERM);
    cr_assert_eq(chmod(dir, 0710), 0);
    cr_assert_eq(jw_store_open(dir, NULL, &s), JW_STORE_EPERM);
    cr_assert_eq(chmod(dir, 0700), 0);
    s = open_or_die(dir, NULL);
    jw_store_close(s);
    /* A regular file is not a store directory. */
    FILE *f = fopen(sub("file"), "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_assert_eq(jw_store_open(sub("file"), NULL, &s), JW_STORE_EIO);
    /* The parent must exist: only the last component is created. */
    cr_assert_eq(jw_store_open(sub("no/such"), NULL, &s), JW_STORE_EIO);
}

/* One writer per store: a second read-write open (here in the same
 * process, which flock treats like another process) is refused until the
 * first closes; read-only opens are not. In another process (fork) the
 * same holds, and the lock dies with its holder. */
Test(store, single_writer_lock)
{
    const char *dir = sub("locked");
    jw_store_t *a = open_or_die(dir, NULL), *b = (jw_store_t *)&b;
    jw_store_options_t rp = {.replay = 1}, ro = {.read_only = 1};
    cr_assert_eq(jw_store_open(dir, NULL, &b), JW_STORE_ELOCKED);
    cr_assert_null(b);
    cr_assert_eq(jw_store_open(dir, &rp, &b), JW_STORE_ELOCKED);
    cr_assert(strstr(jw_store_strerror(JW_STORE_ELOCKED), "in use") != NULL);
    b = open_or_die(dir, &ro);
    jw_store_close(b);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        jw_store_t *c = NULL;
        _exit(jw_store_open(dir, NULL, &c) == JW_STORE_ELOCKED ? 0 : 1);
    }
    int wst;
    cr_assert_eq(waitpid(pid, &wst, 0), pid);
    cr_assert(WIFEXITED(wst) && WEXITSTATUS(wst) == 0, "another process must be refused");
    cr_assert_eq(jw_store_close(a), 0);
    b = open_or_die(dir, NULL); /* free again after close */
    jw_store_close(b);
    /* A holder that dies (SIGKILL) releases the lock. */
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        jw_store_t *c = NULL;
        if (jw_store_open(dir, NULL, &c)) _exit(1);
        pause();
        _exit(0);
    }
    for (int i = 0; i < 200; i++) { /* until the child holds it (2 s) */
        if (jw_store_open(dir, NULL, &b) == JW_STORE_ELOCKED) break;
        if (b) jw_store_close(b);
        b = NULL;
        usleep(10000);
    }
    kill(pid, SIGKILL);
    cr_assert_eq(waitpid(pid, &wst, 0), pid);
    b = open_or_die(dir, NULL);
    jw_store_close(b);
}

/* Disk full is said as such, not as a directory problem. */
Test(store, disk_full_is_reported_as_such)
{
    cr_assert_eq(jw_store__map_rc(NULL, ENOSPC), JW_STORE_ENOSPC);
    cr_assert_eq(jw_store__map_rc(NULL, EDQUOT), JW_STORE_ENOSPC);
    cr_assert_eq(jw_store__map_rc(NULL, EFBIG), JW_STORE_ENOSPC);
    cr_assert(strstr(jw_store_strerror(JW_STORE_ENOSPC), "no space left") != NULL);
}

Test(store, reopen_keeps_data)
{
    const char *dir = sub("s");
    jw_store_t *s = open_or_die(dir, NULL);
    put_str(s, JW_DB_ALLOCATIONS, "alloc-1", "version-A");
    put_str(s, JW_DB_YOUTHS, "y", "episodes");
    cr_assert_eq(jw_store_close(s), 0);

    s = open_or_die(dir, NULL);
    getter_t g = {.db = JW_DB_ALLOCATIONS, .key = "alloc-1", .klen = 7};
    cr_assert_eq(jw_store_read(s, get_one, &g), 0);
    cr_assert_eq(g.outlen, 9);
    cr_assert_arr_eq(g.out, "version-A", 9);
    getter_t y = {.db = JW_DB_YOUTHS, .key = "y", .klen = 1};
    cr_assert_eq(jw_store_read(s, get_one, &y), 0);
    cr_assert_eq(y.outlen, 8);
    cr_assert_arr_eq(y.out, "episodes", 8);
    /* The same key in another database is another key. */
    getter_t other = {.db = JW_DB_REQUESTS, .key = "alloc-1", .klen = 7};
    cr_assert_eq(jw_store_read(s, get_one, &other), JW_STORE_NOTFOUND);
    jw_store_close(s);
}

static int put_schema(jw_txn_t *txn, void *ctx)
{
    unsigned char be[8];
    jw_store_seq_key(*(uint64_t *)ctx, be);
    return jw_store_put(txn, JW_DB_META, "schema_version", 14, be, 8);
}

static int read_schema(jw_txn_t *txn, void *ctx)
{
    return jw_store_meta_get_u64(txn, "schema_version", ctx);
}

Test(store, schema_version_written_and_checked)
{
    const char *dir = sub("s");
    uint64_t v = 0;
    jw_store_t *s = open_or_die(dir, NULL);
    cr_assert_eq(jw_store_read(s, read_schema, &v), 0);
    cr_assert_eq(v, 4);
    cr_assert_eq(JW_STORE_SCHEMA_VERSION, 4);
    /* Pretend a newer jw wrote this store. */
    uint64_t newer = 5;
    cr_assert_eq(jw_store_write(s, put_schema, &newer), 0);
    jw_store_close(s);

    s = (jw_store_t *)&s;
    cr_assert_eq(jw_store_open(dir, NULL, &s), JW_STORE_ESCHEMA);
    cr_assert_null(s);
    jw_store_options_t ro = {.read_only = 1};
    cr_assert_eq(jw_store_open(dir, &ro, &s), JW_STORE_ESCHEMA);
    cr_assert_null(s);
    cr_assert_not_null(strstr(jw_store_strerror(JW_STORE_ESCHEMA), "schema version"));
}

/* A store written by an older schema, opened read-write and read-only:
 * refused, not misread. */
static void older_schema_refused(const char *name, uint64_t older)
{
    const char *dir = sub(name);
    jw_store_t *s = open_or_die(dir, NULL);
    cr_assert_eq(jw_store_write(s, put_schema, &older), 0);
    jw_store_close(s);
    s = NULL;
    cr_assert_eq(jw_store_open(dir, NULL, &s), JW_STORE_ESCHEMA);
    cr_assert_null(s);
    jw_store_options_t ro = {.read_only = 1};
    cr_assert_eq(jw_store_open(dir, &ro, &s), JW_STORE_ESCHEMA);
    cr_assert_null(s);
}

/* Schema 2: JSON in the log, before binary event records. */
Test(store, schema_2_store_refused) { older_schema_refused("s2", 2); }

/* Schema 3 kept an event id index and no retracted set: its live events
 * cannot be read the new way. */
Test(store, schema_3_store_refused) { older_schema_refused("s3", 3); }

/* ---- get/put/del/iter ---- */

typedef struct {
    int calls;
    int stop_after; /* return JW_STORE_ITER_STOP after this many; 0 = never */
    int fail_after; /* return -7 after this many; 0 = never */
    size_t klen[32];
    unsigned char key[32][16];
} collect_t;

static int collect_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    collect_t *c = ctx;
    (void)val;
    (void)vlen;
    if (c->calls >= 32 || klen > 16) return -1000;
    memcpy(c->key[c->calls], key, klen);
    c->klen[c->calls] = klen;
    c->calls++;
    if (c->fail_after && c->calls == c->fail_after) return -7;
    if (c->stop_after && c->calls == c->stop_after) return JW_STORE_ITER_STOP;
    return 0;
}

typedef struct {
    const char *k;
    size_t n;
} key_t_;

/* Keys with embedded zero bytes, inserted out of order. */
static const key_t_ keys[] = {
    {"a\0b", 3}, {"b\0", 2}, {"a\0a", 3}, {"a", 1}, {"ab", 2}, {"a\0", 2}, {"\0z", 2}, {"a\x01", 2},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static int put_keys(jw_txn_t *txn, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < NKEYS; i++) {
        int rc = jw_store_put(txn, JW_DB_DECLARATIONS, keys[i].k, keys[i].n, &i, sizeof i);
        if (rc) return rc;
    }
    return 0;
}

static void assert_keys(const collect_t *c, const key_t_ *want, int n)
{
    cr_assert_eq(c->calls, n, "got %d keys, want %d", c->calls, n);
    for (int i = 0; i < n; i++) {
        cr_assert_eq(c->klen[i], want[i].n, "key %d length", i);
        cr_assert_arr_eq(c->key[i], want[i].k, want[i].n, "key %d bytes", i);
    }
}

typedef struct {
    const void *prefix;
    size_t plen;
    int from; /* use jw_store_iter_from */
    collect_t c;
} iter_job_t;

static int iter_job(jw_txn_t *txn, void *ctx)
{
    iter_job_t *j = ctx;
    if (j->from) return jw_store_iter_from(txn, JW_DB_DECLARATIONS, j->prefix, j->plen, collect_cb, &j->c);
    return jw_store_iter(txn, JW_DB_DECLARATIONS, j->prefix, j->plen, collect_cb, &j->c);
}

Test(store, iter_prefix_and_order_with_zero_bytes)
{
    jw_store_t *s = open_or_die(sub("s"), NULL);
    cr_assert_eq(jw_store_write(s, put_keys, NULL), 0);

    /* Bytewise order, a key before its extensions. */
    iter_job_t all = {0};
    cr_assert_eq(jw_store_read(s, iter_job, &all), 0);
    const key_t_ want_all[] = {{"\0z", 2}, {"a", 1}, {"a\0", 2}, {"a\0a", 3}, {"a\0b", 3},
                               {"a\x01", 2}, {"ab", 2}, {"b\0", 2}};
    assert_keys(&all.c, want_all, 8);

    iter_job_t a0 = {.prefix = "a\0", .plen = 2};
    cr_assert_eq(jw_store_read(s, iter_job, &a0), 0);
    const key_t_ want_a0[] = {{"a\0", 2}, {"a\0a", 3}, {"a\0b", 3}};
    assert_keys(&a0.c, want_a0, 3);

    iter_job_t a = {.prefix = "a", .plen = 1};
    cr_assert_eq(jw_store_read(s, iter_job, &a), 0);
    assert_keys(&a.c, want_all + 1, 6);

    iter_job_t zero = {.prefix = "\0", .plen = 1};
    cr_assert_eq(jw_store_read(s, iter_job, &zero), 0);
    assert_keys(&zero.c, want_all, 1);

    iter_job_t none = {.prefix = "a\0c", .plen = 3};
    cr_assert_eq(jw_store_read(s, iter_job, &none), 0);
    cr_assert_eq(none.c.calls, 0);
    iter_job_t past = {.prefix = "c", .plen = 1};
    cr_assert_eq(jw_store_read(s, iter_job, &past), 0);
    cr_assert_eq(past.c.calls, 0);

    iter_job_t from = {.prefix = "a\0a", .plen = 3, .from = 1};
    cr_assert_eq(jw_store_read(s, iter_job, &from), 0);
    assert_keys(&from.c, want_all + 3, 5);
    iter_job_t from_gap = {.prefix = "a\0", .plen = 2, .from = 1}; /* exists: starts there */
    cr_assert_eq(jw_store_read(s, iter_job, &from_gap), 0);
    assert_keys(&from_gap.c, want_all + 2, 6);
    iter_job_t from_between = {.prefix = "a\0aa", .plen = 4, .from = 1}; /* absent: next key */
    cr_assert_eq(jw_store_read(s, iter_job, &from_between), 0);
    assert_keys(&from_between.c, want_all + 4, 4);

    /* Early stop returns 0; an error stops and comes back unchanged. */
    iter_job_t stop = {.c.stop_after = 2};
    cr_assert_eq(jw_store_read(s, iter_job, &stop), 0);
    assert_keys(&stop.c, want_all, 2);
    iter_job_t fail = {.prefix = "a", .plen = 1, .c.fail_after = 3};
    cr_assert_eq(jw_store_read(s, iter_job, &fail), -7);
    cr_assert_eq(fail.c.calls, 3);
    jw_store_close(s);
}

typedef struct {
    int step;
    int rc[16];
    char got[16];
    size_t gotlen;
} crud_t;

static int crud(jw_txn_t *txn, void *ctx)
{
    crud_t *c = ctx;
    const void *v;
    size_t n = 99;
    char big[600];
    memset(big, 'k', sizeof big);
    c->rc[0] = jw_store_put(txn, JW_DB_MESSAGES, "m\0\x01", 3, "hash-1", 6);
    c->rc[1] = jw_store_put(txn, JW_DB_MESSAGES, "m\0\x01", 3, "hash-22", 7); /* replace */
    c->rc[2] = jw_store_get(txn, JW_DB_MESSAGES, "m\0\x01", 3, &v, &n);
    if (c->rc[2] == 0 && n <= sizeof c->got) {
        memcpy(c->got, v, n);
        c->gotlen = n;
    }
    c->rc[3] = jw_store_get(txn, JW_DB_MESSAGES, "m\0", 2, &v, &n); /* a prefix is not the key */
    c->rc[4] = jw_store_del(txn, JW_DB_MESSAGES, "m\0\x01", 3);
    c->rc[5] = jw_store_del(txn, JW_DB_MESSAGES, "m\0\x01", 3);
    c->rc[6] = jw_store_get(txn, JW_DB_MESSAGES, "m\0\x01", 3, &v, &n);
    c->rc[7] = jw_store_put(txn, JW_DB_MESSAGES, "", 0, "x", 1);
    c->rc[8] = jw_store_put(txn, JW_DB_MESSAGES, big, 512, "x", 1);
    c->rc[9] = jw_store_put(txn, JW_DB_MESSAGES, big, 511, "x", 1);
    c->rc[10] = jw_store_put(txn, JW_DB_COUNT, "k", 1, "x", 1);
    c->rc[11] = jw_store_put(txn, JW_DB_MESSAGES, "empty", 5, NULL, 0);
    c->rc[12] = jw_store_get(txn, JW_DB_MESSAGES, "empty", 5, &v, &n);
    c->rc[13] = (int)n;
    c->rc[14] = jw_store_meta_put(txn, "last_seq", "x", 1);
    c->rc[15] = jw_store_meta_put_u64(txn, "schema_version", 9);
    return 0;
}

Test(store, put_get_del)
{
    jw_store_t *s = open_or_die(sub("s"), NULL);
    crud_t c = {0};
    cr_assert_eq(jw_store_write(s, crud, &c), 0);
    cr_assert_eq(c.rc[0], 0);
    cr_assert_eq(c.rc[1], 0);
    cr_assert_eq(c.rc[2], 0);
    cr_assert_eq(c.gotlen, 7);
    cr_assert_arr_eq(c.got, "hash-22", 7);
    cr_assert_eq(c.rc[3], JW_STORE_NOTFOUND);
    cr_assert_eq(c.rc[4], 0);
    cr_assert_eq(c.rc[5], JW_STORE_NOTFOUND);
    cr_assert_eq(c.rc[6], JW_STORE_NOTFOUND);
    cr_assert_eq(c.rc[7], JW_STORE_EINVAL);
    cr_assert_eq(c.rc[8], JW_STORE_EINVAL);
    cr_assert_eq(c.rc[9], 0);
    cr_assert_eq(c.rc[10], JW_STORE_EINVAL);
    cr_assert_eq(c.rc[11], 0);
    cr_assert_eq(c.rc[12], 0);
    cr_assert_eq(c.rc[13], 0);
    cr_assert_eq(c.rc[14], JW_STORE_EINVAL);
    cr_assert_eq(c.rc[15], JW_STORE_EINVAL);
    uint64_t n;
    cr_assert_eq(count_db(s, JW_DB_MESSAGES, &n), 0);
    cr_assert_eq(n, 2); /* the 511-byte key and "empty" */
    jw_store_close(s);
}

typedef struct {
    int rc_get, rc_put;
    uint64_t v;
    char name[16];
    size_t len;
} meta_t;

static int meta_write(jw_txn_t *txn, void *ctx)
{
    int rc = jw_store_meta_put(txn, "profile", "zuid-limburg", 12);
    if (rc) return rc;
    return jw_store_meta_put_u64(txn, "applied_pos", 0x0102030405060708ull);
}

static int meta_read(jw_txn_t *txn, void *ctx)
{
    meta_t *m = ctx;
    const void *v;
    int rc = jw_store_meta_get(txn, "profile", &v, &m->len);
    if (rc) return rc;
    memcpy(m->name, v, m->len < sizeof m->name ? m->len : sizeof m->name);
    m->rc_get = jw_store_meta_get_u64(txn, "profile", &m->v); /* 12 bytes: not a u64 */
    m->rc_put = jw_store_meta_put(txn, "x", "y", 1);           /* read txn */
    return jw_store_meta_get_u64(txn, "applied_pos", &m->v);
}

Test(store, meta_values)
{
    const char *dir = sub("s");
    jw_store_t *s = open_or_die(dir, NULL);
    cr_assert_eq(jw_store_write(s, meta_write, NULL), 0);
    jw_store_close(s);
    s = open_or_die(dir, NULL);
    meta_t m = {0};
    cr_assert_eq(jw_store_read(s, meta_read, &m), 0);
    cr_assert_eq(m.len, 12);
    cr_assert_arr_eq(m.name, "zuid-limburg", 12);
    cr_assert_eq(m.rc_get, JW_STORE_ECORRUPT);
    cr_assert_eq(m.rc_put, JW_STORE_ERDONLY);
    cr_assert_eq(m.v, 0x0102030405060708ull);
    jw_store_close(s);
}

/* ---- event log ---- */

typedef struct {
    int n;             /* events to append */
    uint64_t seq[400]; /* seqs given out */
} append_t;

static int append_n(jw_txn_t *txn, void *ctx)
{
    append_t *a = ctx;
    char buf[32];
    for (int i = 0; i < a->n; i++) {
        uint64_t last;
        int rc = jw_store_last_seq(txn, &last);
        if (rc) return rc;
        int len = snprintf(buf, sizeof buf, "event-%llu", (unsigned long long)(last + 1));
        if ((rc = jw_store_event_append(txn, buf, (size_t)len, &a->seq[i]))) return rc;
    }
    return 0;
}

typedef struct {
    uint64_t after;
    int n;
    int bad_data;
    uint64_t seq[400];
} since_t;

static int since_cb(uint64_t seq, const void *data, size_t len, void *ctx)
{
    since_t *c = ctx;
    char want[32];
    int wl = snprintf(want, sizeof want, "event-%llu", (unsigned long long)seq);
    if ((size_t)wl != len || memcmp(want, data, len) != 0) c->bad_data++;
    if (c->n >= 400) return -1000;
    c->seq[c->n++] = seq;
    return 0;
}

static int since_job(jw_txn_t *txn, void *ctx)
{
    since_t *c = ctx;
    return jw_store_events_since(txn, c->after, since_cb, c);
}

static int last_job(jw_txn_t *txn, void *ctx)
{
    return jw_store_last_seq(txn, ctx);
}

Test(store, event_seq_across_txns_and_reopen)
{
    const char *dir = sub("s");
    jw_store_t *s = open_or_die(dir, NULL);
    uint64_t last = 99;
    cr_assert_eq(jw_store_read(s, last_job, &last), 0);
    cr_assert_eq(last, 0);
    for (uint64_t want = 1; want <= 3; want++) {
        append_t a = {.n = 1};
        cr_assert_eq(jw_store_write(s, append_n, &a), 0);
        cr_assert_eq(a.seq[0], want);
    }
    jw_store_close(s);

    s = open_or_die(dir, NULL);
    append_t a = {.n = 2};
    cr_assert_eq(jw_store_write(s, append_n, &a), 0);
    cr_assert_eq(a.seq[0], 4);
    cr_assert_eq(a.seq[1], 5);
    cr_assert_eq(jw_store_read(s, last_job, &last), 0);
    cr_assert_eq(last, 5);

    since_t c = {.after = 1};
    cr_assert_eq(jw_store_read(s, since_job, &c), 0);
    cr_assert_eq(c.n, 4);
    for (int i = 0; i < 4; i++) cr_assert_eq(c.seq[i], (uint64_t)i + 2);
    cr_assert_eq(c.bad_data, 0);

    since_t all = {.after = 0};
    cr_assert_eq(jw_store_read(s, since_job, &all), 0);
    cr_assert_eq(all.n, 5);
    since_t none = {.after = 5};
    cr_assert_eq(jw_store_read(s, since_job, &none), 0);
    cr_assert_eq(none.n, 0);
    since_t max = {.after = UINT64_MAX};
    cr_assert_eq(jw_store_read(s, since_job, &max), 0);
    cr_assert_eq(max.n, 0);
    jw_store_close(s);
}

static int failing_append(jw_txn_t *txn, void *ctx)
{
    uint64_t seq;
    int rc = jw_store_event_append(txn, "event-x", 7, &seq);
    return rc ? rc : -55;
}

Test(store, rolled_back_append_gives_seq_again)
{
    jw_store_t *s = open_or_die(sub("s"), NULL);
    append_t a = {.n = 1};
    cr_assert_eq(jw_store_write(s, append_n, &a), 0);
    cr_assert_eq(jw_store_write(s, failing_append, NULL), -55);
    append_t b = {.n = 1};
    cr_assert_eq(jw_store_write(s, append_n, &b), 0);
    cr_assert_eq(b.seq[0], 2);
    jw_store_close(s);
}

typedef struct {
    int n;
    uint64_t seq[400];
    int bad;
} raw_t;

static int raw_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    raw_t *r = ctx;
    (void)val;
    (void)vlen;
    if (klen != 8 || r->n >= 400) r->bad++;
    else r->seq[r->n++] = jw_store_seq_from_key(key);
    return 0;
}

static int raw_job(jw_txn_t *txn, void *ctx)
{
    return jw_store_iter(txn, JW_DB_EVENTS, NULL, 0, raw_cb, ctx);
}

Test(store, events_sort_numerically)
{
    jw_store_t *s = open_or_die(sub("s"), NULL);
    append_t a = {.n = 300};
    cr_assert_eq(jw_store_write(s, append_n, &a), 0);
    for (int i = 0; i < 300; i++) cr_assert_eq(a.seq[i], (uint64_t)i + 1);

    /* The raw key order of the log is numeric order (255 before 256). */
    raw_t r = {0};
    cr_assert_eq(jw_store_read(s, raw_job, &r), 0);
    cr_assert_eq(r.bad, 0);
    cr_assert_eq(r.n, 300);
    for (int i = 0; i < 300; i++) cr_assert_eq(r.seq[i], (uint64_t)i + 1);

    since_t c = {.after = 254};
    cr_assert_eq(jw_store_read(s, since_job, &c), 0);
    cr_assert_eq(c.n, 46);
    cr_assert_eq(c.seq[0], 255);
    cr_assert_eq(c.seq[1], 256);
    cr_assert_eq(c.seq[45], 300);
    cr_assert_eq(c.bad_data, 0);

    unsigned char k[8];
    jw_store_seq_key(256, k);
    const unsigned char want[8] = {0, 0, 0, 0, 0, 0, 1, 0};
    cr_assert_arr_eq(k, want, 8);
    jw_store_close(s);
}

/* ---- map growth and all-or-nothing batches ---- */

#define VAL_LEN 100

static void fill_val(unsigned i, unsigned char *v)
{
    for (unsigned j = 0; j < VAL_LEN; j++) v[j] = (unsigned char)(i * 31u + j);
}

typedef struct {
    unsigned first, n;
    int code; /* put_then_fail: the code to fail with */
    int calls;
    unsigned puts; /* reset at the start of each try */
} batch_t;

static int put_batch(jw_txn_t *txn, void *ctx)
{
    batch_t *b = ctx;
    char key[16];
    unsigned char val[VAL_LEN];
    b->calls++;
    b->puts = 0;
    for (unsigned i = b->first; i < b->first + b->n; i++) {
        snprintf(key, sizeof key, "k%08u", i);
        fill_val(i, val);
        int rc = jw_store_put(txn, JW_DB_MESSAGES, key, 9, val, VAL_LEN);
        if (rc) return rc;
        b->puts++;
    }
    return 0;
}

typedef struct {
    unsigned n;
    unsigned missing, wrong;
} verify_t;

static int verify_keys(jw_txn_t *txn, void *ctx)
{
    verify_t *v = ctx;
    char key[16];
    unsigned char want[VAL_LEN];
    for (unsigned i = 0; i < v->n; i++) {
        const void *val;
        size_t len;
        snprintf(key, sizeof key, "k%08u", i);
        int rc = jw_store_get(txn, JW_DB_MESSAGES, key, 9, &val, &len);
        if (rc == JW_STORE_NOTFOUND) {
            v->missing++;
            continue;
        }
        if (rc) return rc;
        fill_val(i, want);
        if (len != VAL_LEN || memcmp(val, want, VAL_LEN) != 0) v->wrong++;
    }
    return 0;
}

Test(store, map_grows_from_64k)
{
    const char *dir = sub("s");
    jw_store_options_t o = {.map_size = 64 * 1024};
    jw_store_stat_t st;
    jw_store_t *s = open_or_die(dir, &o);
    cr_assert_eq(jw_store_stat(s, &st), 0);
    cr_assert_eq(st.map_size, 64 * 1024);

    int calls = 0;
    for (unsigned b = 0; b < 20; b++) {
        batch_t bt = {.first = b * 1000, .n = 1000};
        int rc = jw_store_write(s, put_batch, &bt);
        cr_assert_eq(rc, 0, "batch %u: %s", b, jw_store_strerror(rc));
        cr_assert_eq(bt.puts, 1000);
        calls += bt.calls;
    }
    cr_assert_gt(calls, 20, "some batch must have been redone after MAP_FULL");
    cr_assert_eq(jw_store_stat(s, &st), 0);
    /* 20 000 x (100 B value + 9 B key + 8 B node header) > 2 MiB of leaves. */
    cr_assert_geq(st.map_size, 4u * 1024 * 1024);
    cr_assert_leq(st.used_size, st.map_size);
    cr_assert_eq(st.entries[JW_DB_MESSAGES], 20000);
    cr_assert_gt(st.bytes[JW_DB_MESSAGES], 20000u * VAL_LEN);
    cr_assert_eq(st.entries[JW_DB_EVENTS], 0);
    uint64_t grown = st.map_size;
    jw_store_close(s);

    /* Reopening with the same small option keeps the grown size. */
    s = open_or_die(dir, &o);
    cr_assert_eq(jw_store_stat(s, &st), 0);
    cr_assert_eq(st.map_size, grown);
    verify_t v = {.n = 20000};
    cr_assert_eq(jw_store_read(s, verify_keys, &v), 0);
    cr_assert_eq(v.missing, 0);
    cr_assert_eq(v.wrong, 0);
    jw_store_close(s);
}

static int put_then_fail(jw_txn_t *txn, void *ctx)
{
    batch_t *b = ctx;
    int rc = put_batch(txn, b);
    return rc ? rc : b->code;
}

Test(store, failed_batch_leaves_nothing)
{
    jw_store_t *s = open_or_die(sub("s"), NULL);
    const int codes[] = {42, -7, -200, 1};
    for (int i = 0; i < 4; i++) {
        batch_t b = {.first = 0, .n = 500, .code = codes[i]};
        int rc = jw_store_write(s, put_then_fail, &b);
        cr_assert_eq(rc, codes[i], "fn's code comes back unchanged");
        cr_assert_eq(b.puts, 500);
        cr_assert_eq(b.calls, 1);
    }
    uint64_t n = 99;
    cr_assert_eq(count_db(s, JW_DB_MESSAGES, &n), 0);
    cr_assert_eq(n, 0);
    verify_t v = {.n = 600};
    cr_assert_eq(jw_store_read(s, verify_keys, &v), 0);
    cr_assert_eq(v.missing, 600);
    jw_store_close(s);
}

typedef struct {
    int calls;
    unsigned puts, events;
    uint64_t runs_seen;
} rerun_t;

/* Records how often it ran (committed state) and what it did this try. */
static int rerun_body(jw_txn_t *txn, void *ctx)
{
    rerun_t *r = ctx;
    char key[16];
    unsigned char val[VAL_LEN];
    uint64_t runs = 0;
    int rc;
    r->calls++;
    r->puts = r->events = 0; /* side effects outside the txn are reset per try */
    rc = jw_store_meta_get_u64(txn, "runs", &runs);
    if (rc && rc != JW_STORE_NOTFOUND) return rc;
    r->runs_seen = runs;
    if ((rc = jw_store_meta_put_u64(txn, "runs", runs + 1))) return rc;
    for (unsigned i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "k%08u", i);
        fill_val(i, val);
        if ((rc = jw_store_put(txn, JW_DB_MESSAGES, key, 9, val, VAL_LEN))) return rc;
        r->puts++;
        if (i % 100 == 99) {
            if ((rc = jw_store_event_append(txn, val, 10, NULL))) return rc;
            r->events++;
        }
    }
    return 0;
}

typedef struct {
    uint64_t runs, last, messages, events;
} rerun_state_t;

static int rerun_state(jw_txn_t *txn, void *ctx)
{
    rerun_state_t *st = ctx;
    int rc;
    if ((rc = jw_store_meta_get_u64(txn, "runs", &st->runs))) return rc;
    if ((rc = jw_store_last_seq(txn, &st->last))) return rc;
    if ((rc = jw_store_count(txn, JW_DB_MESSAGES, &st->messages))) return rc;
    return jw_store_count(txn, JW_DB_EVENTS, &st->events);
}

Test(store, map_full_midway_reruns_fn)
{
    jw_store_options_t o = {.map_size = 64 * 1024};
    jw_store_t *s = open_or_die(sub("s"), &o);
    rerun_t r = {0};
    int rc = jw_store_write(s, rerun_body, &r);
    cr_assert_eq(rc, 0, "%s", jw_store_strerror(rc));
    cr_assert_geq(r.calls, 2, "1000 x 100 B cannot fit in 64 KiB: fn must have been rerun");
    cr_assert_eq(r.runs_seen, 0, "the aborted tries committed nothing");
    cr_assert_eq(r.puts, 1000);
    cr_assert_eq(r.events, 10);
    rerun_state_t st = {0};
    cr_assert_eq(jw_store_read(s, rerun_state, &st), 0);
    cr_assert_eq(st.runs, 1);
    cr_assert_eq(st.messages, 1000);
    cr_assert_eq(st.events, 10);
    cr_assert_eq(st.last, 10);
    verify_t v = {.n = 1000};
    cr_assert_eq(jw_store_read(s, verify_keys, &v), 0);
    cr_assert_eq(v.missing, 0);
    cr_assert_eq(v.wrong, 0);
    jw_store_close(s);
}

/* A callback that swallows MAP_FULL and returns its own code is rerun too. */
static int swallow_full(jw_txn_t *txn, void *ctx)
{
    rerun_t *r = ctx;
    int rc = rerun_body(txn, r);
    return rc == JW_STORE_MAP_FULL ? -321 : rc;
}

Test(store, map_full_swallowed_by_fn_still_reruns)
{
    jw_store_options_t o = {.map_size = 64 * 1024};
    jw_store_t *s = open_or_die(sub("s"), &o);
    rerun_t r = {0};
    cr_assert_eq(jw_store_write(s, swallow_full, &r), 0);
    cr_assert_geq(r.calls, 2);
    cr_assert_eq(r.puts, 1000);
    jw_store_close(s);
}

Test(store, map_full_at_max_size)
{
    jw_store_options_t o = {.map_size = 64 * 1024, .max_map_size = 128 * 1024};
    jw_store_t *s = open_or_die(sub("s"), &o);
    batch_t b = {.first = 0, .n = 5000}; /* ~600 KB: cannot fit in 128 KiB */
    cr_assert_eq(jw_store_write(s, put_batch, &b), JW_STORE_MAP_FULL);
    cr_assert_eq(b.calls, 2, "64 KiB, then 128 KiB, then give up");
    uint64_t n = 99;
    cr_assert_eq(count_db(s, JW_DB_MESSAGES, &n), 0);
    cr_assert_eq(n, 0);
    /* The store stays usable for batches that fit. */
    batch_t small = {.first = 0, .n = 100};
    cr_assert_eq(jw_store_write(s, put_batch, &small), 0);
    cr_assert_eq(count_db(s, JW_DB_MESSAGES, &n), 0);
    cr_assert_eq(n, 100);
    jw_store_close(s);
}

/* ---- modes ---- */

static int put_in_read(jw_txn_t *txn, void *ctx)
{
    int *rc = ctx;
    rc[0] = jw_store_put(txn, JW_DB_YOUTHS, "y", 1, "v", 1);
    rc[1] = jw_store_del(txn, JW_DB_YOUTHS, "y", 1);
    rc[2] = jw_store_event_append(txn, "e", 1, NULL);
    return 0;
}

Test(store, read_only)
{
    const char *dir = sub("s");
    jw_store_options_t ro = {.read_only = 1};
    jw_store_t *s = NULL;
    cr_assert_eq(jw_store_open(dir, &ro, &s), JW_STORE_ENOENT);
    cr_assert_null(s);
    s = open_or_die(dir, NULL);
    put_str(s, JW_DB_YOUTHS, "y", "v");
    int rc[3];
    cr_assert_eq(jw_store_read(s, put_in_read, rc), 0);
    cr_assert_eq(rc[0], JW_STORE_ERDONLY);
    cr_assert_eq(rc[1], JW_STORE_ERDONLY);
    cr_assert_eq(rc[2], JW_STORE_ERDONLY);
    jw_store_close(s);

    s = open_or_die(dir, &ro);
    getter_t g = {.db = JW_DB_YOUTHS, .key = "y", .klen = 1};
    cr_assert_eq(jw_store_read(s, get_one, &g), 0);
    cr_assert_eq(g.outlen, 1);
    cr_assert_eq(g.out[0], 'v');
    kv_t kv = {JW_DB_YOUTHS, "z", 1, "w", 1};
    cr_assert_eq(jw_store_write(s, put_one, &kv), JW_STORE_ERDONLY);
    cr_assert_eq(jw_store_sync(s), 0);
    cr_assert_eq(jw_store_close(s), 0);

    jw_store_options_t bad = {.read_only = 1, .replay = 1};
    cr_assert_eq(jw_store_open(dir, &bad, &s), JW_STORE_EINVAL);
}

Test(store, replay_mode_persists_after_close)
{
    const char *dir = sub("s");
    jw_store_options_t o = {.replay = 1, .map_size = 64 * 1024};
    jw_store_t *s = open_or_die(dir, &o);
    for (unsigned b = 0; b < 3; b++) {
        batch_t bt = {.first = b * 1000, .n = 1000};
        cr_assert_eq(jw_store_write(s, put_batch, &bt), 0);
        cr_assert_eq(jw_store_sync(s), 0); /* a checkpoint */
    }
    jw_store_stat_t st;
    cr_assert_eq(jw_store_stat(s, &st), 0);
    cr_assert_eq(st.file_size, st.map_size, "WRITEMAP sizes the file to the map");
    cr_assert_gt(st.map_size, 64 * 1024);
    cr_assert_eq(jw_store_close(s), 0);

    s = open_or_die(dir, NULL);
    verify_t v = {.n = 3000};
    cr_assert_eq(jw_store_read(s, verify_keys, &v), 0);
    cr_assert_eq(v.missing, 0);
    cr_assert_eq(v.wrong, 0);
    jw_store_close(s);
}

typedef struct {
    jw_store_t *s;
    int inner;
} nest_t;

static int nested(jw_txn_t *txn, void *ctx)
{
    nest_t *n = ctx;
    kv_t kv = {JW_DB_YOUTHS, "z", 1, "w", 1};
    n->inner = jw_store_write(n->s, put_one, &kv);
    return 0;
}

Test(store, nested_write_is_refused)
{
    jw_store_t *s = open_or_die(sub("s"), NULL);
    nest_t n = {s, 0};
    cr_assert_eq(jw_store_write(s, nested, &n), 0);
    cr_assert_eq(n.inner, JW_STORE_EBUSY);
    kv_t kv = {JW_DB_YOUTHS, "z", 1, "w", 1};
    cr_assert_eq(jw_store_write(s, put_one, &kv), 0, "the flag is cleared afterwards");
    jw_store_close(s);
}

Test(store, misc_api)
{
    cr_assert_eq(jw_store_close(NULL), 0);
    cr_assert_str_eq(jw_store_db_name(JW_DB_MESSAGES), "messages");
    cr_assert_str_eq(jw_store_db_name(JW_DB_META), "meta");
    cr_assert_null(jw_store_db_name(JW_DB_COUNT));
    cr_assert_str_eq(jw_store_strerror(12345), "unknown error");
    cr_assert_str_eq(jw_store_strerror(JW_STORE_NOTFOUND), "no such key");
    for (int rc = JW_STORE_ERR_MAX; rc >= JW_STORE_ELMDB; rc--)
        cr_assert_str_neq(jw_store_strerror(rc), "unknown error", "code %d has a message", rc);

    jw_store_t *s = NULL;
    cr_assert_eq(jw_store_open(NULL, NULL, &s), JW_STORE_EINVAL);
    cr_assert_eq(jw_store_open("", NULL, &s), JW_STORE_EINVAL);
    s = open_or_die(sub("s"), NULL);
    int dead = -1;
    cr_assert_eq(jw_store_reader_check(s, &dead), 0);
    cr_assert_eq(dead, 0);
    cr_assert_eq(jw_store_write(s, NULL, NULL), JW_STORE_EINVAL);
    cr_assert_eq(jw_store_read(s, NULL, NULL), JW_STORE_EINVAL);
    jw_store_stat_t st;
    cr_assert_eq(jw_store_stat(s, &st), 0);
    cr_assert_eq(st.map_size, JW_STORE_DEFAULT_MAP_SIZE);
    cr_assert_eq(st.entries[JW_DB_META], 1, "only schema_version");
    cr_assert_eq(st.max_readers, 126);
    cr_assert_gt(st.page_size, 0);
    jw_store_close(s);
}

/* ---- readers beside the writer ---- */

typedef struct {
    jw_store_t *s;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int reader_open;     /* reader has its snapshot */
    int writer_done;     /* writer committed */
    int reader_released; /* reader is ending its txn */
    int writer_done_while_reading;
    char first[16], second[16];
    size_t hold_ms; /* for the grow test: hold the txn this long */
} rw_t;

static void timed_wait(rw_t *p, int *flag, int secs)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += secs;
    while (!*flag)
        if (pthread_cond_timedwait(&p->cv, &p->mu, &ts) == ETIMEDOUT) break;
}

static void copy_val(jw_txn_t *txn, char *out)
{
    const void *v;
    size_t n;
    if (jw_store_get(txn, JW_DB_YOUTHS, "y", 1, &v, &n) == 0 && n < 16) {
        memcpy(out, v, n);
        out[n] = '\0';
    }
}

static int reader_body(jw_txn_t *txn, void *ctx)
{
    rw_t *p = ctx;
    const void *v;
    size_t n;
    int have = jw_store_get(txn, JW_DB_YOUTHS, "y", 1, &v, &n) == 0;
    copy_val(txn, p->first);
    pthread_mutex_lock(&p->mu);
    p->reader_open = 1;
    pthread_cond_broadcast(&p->cv);
    if (p->hold_ms) {
        pthread_mutex_unlock(&p->mu);
        struct timespec d = {0, (long)p->hold_ms * 1000000L};
        nanosleep(&d, NULL);
        pthread_mutex_lock(&p->mu);
    } else {
        timed_wait(p, &p->writer_done, 10);
    }
    p->writer_done_while_reading = p->writer_done;
    pthread_mutex_unlock(&p->mu);
    /* Still the old snapshot, and the old pointer is still good. */
    copy_val(txn, p->second);
    if (have && n < 16 && memcmp(v, p->first, n) != 0) p->second[0] = '!';
    pthread_mutex_lock(&p->mu);
    p->reader_released = 1;
    pthread_mutex_unlock(&p->mu);
    return 0;
}

static void *reader_thread(void *arg)
{
    rw_t *p = arg;
    intptr_t rc = jw_store_read(p->s, reader_body, p);
    return (void *)rc;
}

Test(store, readers_do_not_block_writer)
{
    rw_t p = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    pthread_t th;
    void *ret;
    p.s = open_or_die(sub("s"), NULL);
    put_str(p.s, JW_DB_YOUTHS, "y", "old");
    cr_assert_eq(pthread_create(&th, NULL, reader_thread, &p), 0);

    pthread_mutex_lock(&p.mu);
    timed_wait(&p, &p.reader_open, 10);
    cr_assert_eq(p.reader_open, 1);
    pthread_mutex_unlock(&p.mu);

    /* Commit twice while the reader's txn is open. */
    put_str(p.s, JW_DB_YOUTHS, "y", "new");
    append_t a = {.n = 5};
    cr_assert_eq(jw_store_write(p.s, append_n, &a), 0);

    pthread_mutex_lock(&p.mu);
    cr_assert_eq(p.reader_released, 0, "the reader was still open when the writes committed");
    p.writer_done = 1;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.mu);
    cr_assert_eq(pthread_join(th, &ret), 0);
    cr_assert_eq((intptr_t)ret, 0);
    cr_assert_eq(p.writer_done_while_reading, 1);
    cr_assert_str_eq(p.first, "old");
    cr_assert_str_eq(p.second, "old", "a read txn keeps its snapshot");

    getter_t g = {.db = JW_DB_YOUTHS, .key = "y", .klen = 1};
    cr_assert_eq(jw_store_read(p.s, get_one, &g), 0);
    cr_assert_eq(g.outlen, 3);
    cr_assert_arr_eq(g.out, "new", 3);
    jw_store_close(p.s);
}

Test(store, map_grow_waits_for_open_reader)
{
    rw_t p = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .hold_ms = 300};
    pthread_t th;
    void *ret;
    jw_store_options_t o = {.map_size = 64 * 1024};
    p.s = open_or_die(sub("s"), &o);
    put_str(p.s, JW_DB_YOUTHS, "y", "old");
    cr_assert_eq(pthread_create(&th, NULL, reader_thread, &p), 0);
    pthread_mutex_lock(&p.mu);
    timed_wait(&p, &p.reader_open, 10);
    cr_assert_eq(p.reader_open, 1);
    pthread_mutex_unlock(&p.mu);

    /* Needs a bigger map: the remap must wait until the reader is done,
     * and the reader's pointers into the old map must stay valid. */
    batch_t b = {.first = 0, .n = 2000};
    cr_assert_eq(jw_store_write(p.s, put_batch, &b), 0);
    cr_assert_geq(b.calls, 2);
    pthread_mutex_lock(&p.mu);
    cr_assert_eq(p.reader_released, 1, "the grow happened after the reader ended");
    pthread_mutex_unlock(&p.mu);
    cr_assert_eq(pthread_join(th, &ret), 0);
    cr_assert_eq((intptr_t)ret, 0);
    cr_assert_str_eq(p.first, "old");
    cr_assert_str_eq(p.second, "old");
    verify_t v = {.n = 2000};
    cr_assert_eq(jw_store_read(p.s, verify_keys, &v), 0);
    cr_assert_eq(v.missing, 0);
    jw_store_close(p.s);
}

/* ---- bounding the memory map in the resident set ---- */

#define TRIM_N 6000
#define TRIM_VLEN 4000

static long rss_file_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "RssFile: %ld kB", &kib) == 1) break;
    if (f) fclose(f);
    return kib;
}

static void trim_value(uint32_t i, uint8_t *v)
{
    for (size_t k = 0; k < TRIM_VLEN; k++) v[k] = (uint8_t)(i * 131u + k * 7u);
}

static int trim_fill(jw_txn_t *txn, void *ctx)
{
    (void)ctx;
    uint8_t v[TRIM_VLEN];
    for (uint32_t i = 0; i < TRIM_N; i++) {
        uint8_t k[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        trim_value(i, v);
        int rc = jw_store_put(txn, JW_DB_MESSAGES, k, 4, v, TRIM_VLEN);
        if (rc) return rc;
    }
    return 0;
}

/* Read every value back and compare; counts the mismatches. */
static int trim_read_all(jw_txn_t *txn)
{
    uint8_t want[TRIM_VLEN];
    int bad = 0;
    for (uint32_t i = 0; i < TRIM_N; i++) {
        uint8_t k[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        const void *v;
        size_t vl;
        trim_value(i, want);
        if (jw_store_get(txn, JW_DB_MESSAGES, k, 4, &v, &vl) || vl != TRIM_VLEN || memcmp(v, want, vl)) bad++;
    }
    return bad;
}

typedef struct {
    long before, after;
    int trimmed, trimmed_big, bad_after, rc, rc_big;
} trim_job_t;

static int trim_job(jw_txn_t *txn, void *ctx)
{
    trim_job_t *j = ctx;
    if (trim_read_all(txn)) return -1;
    j->before = rss_file_kib();
    j->rc_big = jw_store_map_trim(txn, (size_t)1 << 40, &j->trimmed_big);
    j->rc = jw_store_map_trim(txn, (size_t)1 << 20, &j->trimmed);
    j->after = rss_file_kib();
    j->bad_after = trim_read_all(txn); /* the pages come back unchanged */
    return 0;
}

static int trim_ro_job(jw_txn_t *txn, void *ctx)
{
    int t = 7;
    *(int *)ctx = jw_store_map_trim(txn, 0, &t);
    return t == 0 ? 0 : -1;
}

/* 24 MB of values read through the map are resident; a trim past a 1 MiB
 * budget drops them, a budget above them drops nothing, and every value
 * reads back the same afterwards, inside the same write transaction. */
Test(store, map_trim_drops_resident_pages_and_keeps_data)
{
    jw_store_t *s = open_or_die(sub("trim"), NULL);
    cr_assert_eq(jw_store_write(s, trim_fill, NULL), 0);
    jw_store_close(s);
    s = open_or_die(sub("trim"), NULL); /* a fresh map: nothing resident yet */
    trim_job_t j;
    memset(&j, 0, sizeof j);
    cr_assert_eq(jw_store_write(s, trim_job, &j), 0);
    cr_assert_eq(j.rc_big, 0);
    cr_assert_eq(j.trimmed_big, 0, "under the budget nothing is dropped");
    cr_assert_eq(j.rc, 0);
    cr_assert_eq(j.trimmed, 1);
    cr_assert_geq(j.before - j.after, 16 * 1024L, "RssFile %ld -> %ld KiB", j.before, j.after);
    cr_assert_eq(j.bad_after, 0);
    int ro = 1;
    cr_assert_eq(jw_store_read(s, trim_ro_job, &ro), 0);
    cr_assert_eq(ro, JW_STORE_EINVAL, "a read transaction cannot trim");
    jw_store_close(s);

    /* A replay store keeps its map: trimming it is a no-op. */
    jw_store_options_t rep = {.replay = 1};
    s = open_or_die(sub("trim-replay"), &rep);
    cr_assert_eq(jw_store_write(s, trim_fill, NULL), 0);
    memset(&j, 0, sizeof j);
    cr_assert_eq(jw_store_write(s, trim_job, &j), 0);
    cr_assert_eq(j.rc, 0);
    cr_assert_eq(j.trimmed, 0);
    jw_store_close(s);
}
