/* reprofile.c - `jwctl --state DIR reprofile PROFILE`: change the profile
 * of a state store by re-deriving every youth's events from the stored
 * facts (no replay; SPEC §6). The old profile's events are retracted and
 * the new profile's emitted, in one write transaction. jwd must not run on
 * the store meanwhile (LMDB allows one writer; jwd would refuse the store
 * afterwards unless started with the new profile). Indicator stores of the
 * old profile are rebuilt with `jw-indicators --state DIR --rebuild`. */
#include <stdio.h>
#include <string.h>

#include "jwctl.h"
#include "profile/profile.h"
#include "store/store.h"
#include "traject/traject.h"

typedef struct {
    jw_traject_t *t;
    int changed;
    jw_traject_counts_t counts;
} rp_t;

static int rp_fn(jw_txn_t *txn, void *ctx)
{
    rp_t *r = ctx;
    memset(&r->counts, 0, sizeof r->counts); /* a retried transaction starts over */
    int rc = jw_traject_reprofile(r->t, txn, &r->changed, &r->counts);
    if (rc) return rc;
    jw_traject_counts_t persist = r->counts; /* events only: no message was offered */
    return jw_traject_counts_persist(txn, &persist);
}

int jwctl_reprofile(const char *state, int argc, char **argv)
{
    jw_store_t *store = NULL;
    jw_profile_t *profile = NULL;
    rp_t r;
    char err[512];
    int status = 2, rc;
    memset(&r, 0, sizeof r);
    if (argc != 1) {
        fprintf(stderr, "usage: jwctl --state DIR reprofile PROFILE\n");
        return 2;
    }
    if (jw_profile_load(argv[0], &profile, err, sizeof err)) {
        fprintf(stderr, "jwctl: %s\n", err);
        goto out;
    }
    jw_store_options_t so = {0};
    if ((rc = jw_store_open(state, &so, &store))) {
        fprintf(stderr, "jwctl: %s: %s\n", state, jw_store_strerror(rc));
        goto out;
    }
    if (jw_traject_new(profile, &r.t)) {
        fprintf(stderr, "jwctl: out of memory\n");
        goto out;
    }
    if ((rc = jw_store_write(store, rp_fn, &r))) {
        fprintf(stderr, "jwctl: reprofile: %s\n", jw_traject_strerror(rc));
        goto out;
    }
    if (jw_store_sync(store)) {
        fprintf(stderr, "jwctl: %s: sync failed\n", state);
        goto out;
    }
    if (r.changed)
        printf("profile %s: %llu events retracted, %llu emitted\n", jw_profile_name(profile),
               (unsigned long long)r.counts.events_retracted, (unsigned long long)r.counts.events_emitted);
    else
        printf("profile %s: already the store's profile, nothing to do\n", jw_profile_name(profile));
    status = 0;
out:
    jw_traject_free(r.t);
    if (store) jw_store_close(store);
    jw_profile_free(profile);
    return status;
}
