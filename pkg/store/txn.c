/* txn.c - operations inside a store transaction: get/put/del, ordered
 * iteration, the event log and META values. */
#include <string.h>

#include "store/store_internal.h"

#define MAX_KEY 511 /* LMDB's compiled-in MDB_MAXKEYSIZE */

/* The checks every operation starts with: a usable txn, a known db, and
 * no earlier MAP_FULL/TXN_FULL (after which LMDB only says MDB_BAD_TXN). */
static int check(jw_txn_t *txn, jw_db_t db)
{
    if (!txn || !txn->txn || (int)db < 0 || db >= JW_DB_COUNT) return JW_STORE_EINVAL;
    if (txn->map_full) return JW_STORE_MAP_FULL;
    if (txn->txn_full) return JW_STORE_TXN_FULL;
    return 0;
}

static int check_key(const void *key, size_t klen)
{
    return (klen == 0 || klen > MAX_KEY || !key) ? JW_STORE_EINVAL : 0;
}

int jw_store_get(jw_txn_t *txn, jw_db_t db, const void *key, size_t klen, const void **val,
                 size_t *vlen)
{
    MDB_val k = {klen, (void *)key}, v;
    int rc;
    if ((rc = check(txn, db)) || (rc = check_key(key, klen))) return rc;
    if (!val || !vlen) return JW_STORE_EINVAL;
    if ((rc = jw_store__map_rc(txn, mdb_get(txn->txn, txn->s->dbi[db], &k, &v)))) return rc;
    *val = v.mv_data;
    *vlen = v.mv_size;
    return 0;
}

int jw_store_put(jw_txn_t *txn, jw_db_t db, const void *key, size_t klen, const void *val,
                 size_t vlen)
{
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    int rc;
    if ((rc = check(txn, db)) || (rc = check_key(key, klen))) return rc;
    if (txn->read_only) return JW_STORE_ERDONLY;
    if (!val && vlen) return JW_STORE_EINVAL;
    return jw_store__map_rc(txn, mdb_put(txn->txn, txn->s->dbi[db], &k, &v, 0));
}

int jw_store_del(jw_txn_t *txn, jw_db_t db, const void *key, size_t klen)
{
    MDB_val k = {klen, (void *)key};
    int rc;
    if ((rc = check(txn, db)) || (rc = check_key(key, klen))) return rc;
    if (txn->read_only) return JW_STORE_ERDONLY;
    return jw_store__map_rc(txn, mdb_del(txn->txn, txn->s->dbi[db], &k, NULL));
}

int jw_store_count(jw_txn_t *txn, jw_db_t db, uint64_t *out)
{
    MDB_stat st;
    int rc;
    if ((rc = check(txn, db))) return rc;
    if (!out) return JW_STORE_EINVAL;
    if ((rc = jw_store__map_rc(txn, mdb_stat(txn->txn, txn->s->dbi[db], &st)))) return rc;
    *out = st.ms_entries;
    return 0;
}

/* Walk db from the first key >= start (klen 0: from the first key) while
 * the key begins with start[0..plen) (plen 0: to the end). */
static int walk(jw_txn_t *txn, jw_db_t db, const void *start, size_t klen, size_t plen,
                jw_store_iter_fn cb, void *ctx)
{
    MDB_cursor *cur = NULL;
    MDB_val k = {klen, (void *)start}, v;
    int rc;

    if ((rc = check(txn, db))) return rc;
    if (!cb || (klen && !start)) return JW_STORE_EINVAL;
    if (klen > MAX_KEY) return plen ? 0 : JW_STORE_EINVAL; /* no key has such a prefix */
    if ((rc = jw_store__map_rc(txn, mdb_cursor_open(txn->txn, txn->s->dbi[db], &cur)))) goto out;
    rc = mdb_cursor_get(cur, &k, &v, klen ? MDB_SET_RANGE : MDB_FIRST);
    while (rc == MDB_SUCCESS) {
        if (plen && (k.mv_size < plen || memcmp(k.mv_data, start, plen) != 0)) break;
        rc = cb(k.mv_data, k.mv_size, v.mv_data, v.mv_size, ctx);
        if (rc == JW_STORE_ITER_STOP) {
            rc = 0;
            goto out;
        }
        if (rc) goto out; /* the callback's own code, unchanged */
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    rc = rc == MDB_NOTFOUND ? 0 : jw_store__map_rc(txn, rc);
out:
    if (cur) mdb_cursor_close(cur);
    return rc;
}

int jw_store_iter(jw_txn_t *txn, jw_db_t db, const void *prefix, size_t plen,
                  jw_store_iter_fn cb, void *ctx)
{
    return walk(txn, db, prefix, plen, plen, cb, ctx);
}

int jw_store_iter_from(jw_txn_t *txn, jw_db_t db, const void *start, size_t klen,
                       jw_store_iter_fn cb, void *ctx)
{
    return walk(txn, db, start, klen, 0, cb, ctx);
}

/* ---- event log ---- */

void jw_store_seq_key(uint64_t seq, unsigned char key[8])
{
    for (int i = 0; i < 8; i++) key[i] = (unsigned char)(seq >> (56 - 8 * i));
}

uint64_t jw_store_seq_from_key(const unsigned char key[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | key[i];
    return v;
}

int jw_store_last_seq(jw_txn_t *txn, uint64_t *out)
{
    if (!out) return JW_STORE_EINVAL;
    int rc = jw_store_meta_get_u64(txn, JW_META_LAST_SEQ, out);
    if (rc == JW_STORE_NOTFOUND) {
        *out = 0;
        rc = 0;
    }
    return rc;
}

int jw_store_event_append(jw_txn_t *txn, const void *data, size_t len, uint64_t *seq_out)
{
    unsigned char key[8];
    MDB_val ek = {sizeof key, key}, ev = {len, (void *)data};
    MDB_val mk = {sizeof JW_META_LAST_SEQ - 1, JW_META_LAST_SEQ}, mv = {sizeof key, key};
    uint64_t last;
    int rc;

    if ((rc = check(txn, JW_DB_EVENTS))) return rc;
    if (txn->read_only) return JW_STORE_ERDONLY;
    if (!data && len) return JW_STORE_EINVAL;
    if ((rc = jw_store_last_seq(txn, &last))) return rc;
    if (last == UINT64_MAX) return JW_STORE_ECORRUPT;
    jw_store_seq_key(last + 1, key);
    /* Keys only ever grow, so MDB_APPEND skips the search and fills pages
     * fully; it fails with KEYEXIST if last_seq ever lags the log. */
    rc = mdb_put(txn->txn, txn->s->dbi[JW_DB_EVENTS], &ek, &ev, MDB_APPEND);
    if (rc == MDB_KEYEXIST) return JW_STORE_ECORRUPT;
    if ((rc = jw_store__map_rc(txn, rc))) return rc;
    /* META written directly: jw_store_meta_put refuses the reserved name. */
    if ((rc = jw_store__map_rc(txn, mdb_put(txn->txn, txn->s->dbi[JW_DB_META], &mk, &mv, 0)))) return rc;
    if (seq_out) *seq_out = last + 1;
    return 0;
}

typedef struct {
    jw_store_event_fn cb;
    void *ctx;
} events_ctx_t;

static int events_cb(const void *key, size_t klen, const void *val, size_t vlen, void *ctx)
{
    events_ctx_t *c = ctx;
    if (klen != 8) return JW_STORE_ECORRUPT;
    return c->cb(jw_store_seq_from_key(key), val, vlen, c->ctx);
}

int jw_store_events_since(jw_txn_t *txn, uint64_t after_seq, jw_store_event_fn cb, void *ctx)
{
    unsigned char key[8];
    events_ctx_t c = {cb, ctx};
    if (!cb) return JW_STORE_EINVAL;
    if (after_seq == UINT64_MAX) return check(txn, JW_DB_EVENTS);
    jw_store_seq_key(after_seq + 1, key);
    return walk(txn, JW_DB_EVENTS, key, sizeof key, 0, events_cb, &c);
}

/* ---- META ---- */

static int reserved(const char *name)
{
    return strcmp(name, JW_META_SCHEMA) == 0 || strcmp(name, JW_META_LAST_SEQ) == 0;
}

int jw_store_meta_get(jw_txn_t *txn, const char *name, const void **val, size_t *len)
{
    if (!name) return JW_STORE_EINVAL;
    return jw_store_get(txn, JW_DB_META, name, strlen(name), val, len);
}

int jw_store_meta_put(jw_txn_t *txn, const char *name, const void *val, size_t len)
{
    if (!name || reserved(name)) return JW_STORE_EINVAL;
    return jw_store_put(txn, JW_DB_META, name, strlen(name), val, len);
}

int jw_store_meta_get_u64(jw_txn_t *txn, const char *name, uint64_t *out)
{
    const void *val;
    size_t len;
    int rc;
    if (!out) return JW_STORE_EINVAL;
    if ((rc = jw_store_meta_get(txn, name, &val, &len))) return rc;
    if (len != 8) return JW_STORE_ECORRUPT;
    *out = jw_store_seq_from_key(val);
    return 0;
}

int jw_store_meta_put_u64(jw_txn_t *txn, const char *name, uint64_t v)
{
    unsigned char be[8];
    jw_store_seq_key(v, be);
    return jw_store_meta_put(txn, name, be, sizeof be);
}
