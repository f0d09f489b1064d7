/* replay.h - the parts of jw-replay. */
#ifndef JW_REPLAY_H
#define JW_REPLAY_H

#include <stddef.h>

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
} replay_opts_t;

/* Returns the exit status: 0 done (dead letters are not an error), 1 the
 * replay stopped on an operational error, 2 bad input/options. */
int replay_direct(const replay_opts_t *o);

#endif
