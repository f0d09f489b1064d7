/* replay.h - the parts of jw-replay. */
#ifndef JW_REPLAY_H
#define JW_REPLAY_H

#include <stddef.h>

#include "source/source.h"
#include "traject/traject.h"

typedef struct {
    int direct;
    const char *state;
    const char *profile;
    const char *key_file;
    int batch;
    int quiet;
    int progress;
    const char *const *paths;
    size_t n_paths;
    const char *to;            /* --to ENDPOINT */
    int window;                /* unacknowledged messages at most */
    long long window_bytes;    /* and their bytes at most */
    int timeout_ms;            /* resend unacknowledged after this silence */
    const char *curve_server;  /* server public key file */
    const char *curve_client;  /* client secret key file */
    const char *apply_log;     /* --direct: per-batch apply CPU time (bench) */
} replay_opts_t;

double replay_now(void);
void replay_progress(const jw_traject_counts_t *c, double t0);
/* The summary ends with what the source skipped and could not read. */
void replay_summary(const jw_traject_counts_t *c, double secs, const jw_source_t *src);
/* The exit status of a replay that ran to its end: 0, or 1 when an input
 * could not be read (it was reported on stderr and is in no store). */
int replay_status(const jw_source_t *src);
int replay_to(const replay_opts_t *o);

/* Returns the exit status: 0 done (dead letters are not an error), 1 the
 * replay stopped on an operational error or an input could not be read
 * (the replay still ran to its end), 2 bad input/options. */
int replay_direct(const replay_opts_t *o);

#endif
