/* pseudo.h - the youth pseudonym (SPEC §3).
 *
 * yid = first 16 bytes of HMAC-SHA256(key, BSN as 9 ASCII digits), written
 * as 32 lowercase hex characters. The key is 32 random bytes in a key file
 * that is created with mode 0600 when absent and refused when its mode lets
 * the group or others read or write it, or when it is owned by a user
 * other than this process's effective user or root (root-owned: a key
 * provided by the system, e.g. a systemd credential). A BSN given to these functions is
 * used and forgotten: nothing here stores, logs or returns it.
 */
#ifndef JW_PSEUDO_H
#define JW_PSEUDO_H

#include <stddef.h>

#define JW_PSEUDO_KEY_LEN 32
#define JW_YID_HEX_LEN 32

enum {
    JW_PSEUDO_OK = 0,
    JW_PSEUDO_EIO = -1,       /* the key file could not be read or created */
    JW_PSEUDO_EPERM = -2,     /* the key file is readable by group/others */
    JW_PSEUDO_EFORMAT = -3,   /* the key file is not 32 bytes */
    JW_PSEUDO_ENOMEM = -4,
    JW_PSEUDO_EINIT = -5,     /* libsodium failed to initialise */
    JW_PSEUDO_EBSN = -6,      /* the input is not 9 digits */
    JW_PSEUDO_EOWNER = -7,    /* the key file belongs to another user */
};
const char *jw_pseudo_strerror(int rc);

typedef struct jw_pseudo jw_pseudo_t;

/* Open the key file at path, creating it (0600, 32 random bytes) when it
 * does not exist. On success *out is owned by the caller: free with
 * jw_pseudo_free(), which wipes the key. Thread-safe to use once made. */
int jw_pseudo_open(const char *path, jw_pseudo_t **out);

/* Make a pseudonymiser from a key in memory (tests, tools). */
int jw_pseudo_from_key(const unsigned char key[JW_PSEUDO_KEY_LEN], jw_pseudo_t **out);

void jw_pseudo_free(jw_pseudo_t *p);

/* Write the yid of the 9-digit BSN into out (33 bytes: 32 hex + NUL). */
int jw_pseudo_yid(const jw_pseudo_t *p, const char *bsn, size_t len,
                  char out[JW_YID_HEX_LEN + 1]);

#endif
