/* pseudo.c - keyed youth pseudonyms with libsodium (see pseudo.h). */
#include "pseudo/pseudo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

/* Only the HMAC state after the key has been absorbed is kept: each
 * pseudonym copies it and hashes just the BSN, instead of setting up the
 * key's inner and outer pads (two SHA-256 blocks) on every call. It is
 * read, never written, after jw_pseudo_from_key, so threads may share it. */
struct jw_pseudo {
    crypto_auth_hmacsha256_state keyed;
};

const char *jw_pseudo_strerror(int rc)
{
    switch (rc) {
    case JW_PSEUDO_OK: return "ok";
    case JW_PSEUDO_EIO: return "key file cannot be read or created";
    case JW_PSEUDO_EPERM: return "key file is accessible by group or others (must be 0600 or stricter)";
    case JW_PSEUDO_EFORMAT: return "key file does not hold exactly 32 bytes";
    case JW_PSEUDO_ENOMEM: return "out of memory";
    case JW_PSEUDO_EINIT: return "libsodium initialisation failed";
    case JW_PSEUDO_EBSN: return "not a 9-digit number";
    case JW_PSEUDO_EOWNER: return "key file is owned by another user (must be owned by the user running jw, or root)";
    default: return "unknown pseudonymisation error";
    }
}

int jw_pseudo_from_key(const unsigned char key[JW_PSEUDO_KEY_LEN], jw_pseudo_t **out)
{
    if (sodium_init() < 0) return JW_PSEUDO_EINIT;
    jw_pseudo_t *p = malloc(sizeof *p);
    if (!p) return JW_PSEUDO_ENOMEM;
    crypto_auth_hmacsha256_init(&p->keyed, key, JW_PSEUDO_KEY_LEN);
    *out = p;
    return JW_PSEUDO_OK;
}

static int read_full(int fd, unsigned char *buf, size_t len, size_t *got)
{
    *got = 0;
    while (*got < len) {
        ssize_t n = read(fd, buf + *got, len - *got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        *got += (size_t)n;
    }
    return 0;
}

static int create_key_file(const char *path)
{
    unsigned char key[JW_PSEUDO_KEY_LEN];
    int rc = JW_PSEUDO_EIO;
    /* O_EXCL: two processes starting at once never both write a key. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return errno == EEXIST ? JW_PSEUDO_OK : JW_PSEUDO_EIO;
    randombytes_buf(key, sizeof key);
    size_t off = 0;
    while (off < sizeof key) {
        ssize_t n = write(fd, key + off, sizeof key - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) goto out;
        off += (size_t)n;
    }
    if (fsync(fd) != 0) goto out;
    rc = JW_PSEUDO_OK;
out:
    sodium_memzero(key, sizeof key);
    close(fd);
    if (rc != JW_PSEUDO_OK) unlink(path);
    return rc;
}

int jw_pseudo_open(const char *path, jw_pseudo_t **out)
{
    unsigned char key[JW_PSEUDO_KEY_LEN + 1];
    struct stat st;
    size_t got = 0;
    int fd = -1, rc;

    if (sodium_init() < 0) return JW_PSEUDO_EINIT;
    rc = create_key_file(path);
    if (rc) return rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return JW_PSEUDO_EIO;
    rc = JW_PSEUDO_EIO;
    if (fstat(fd, &st) != 0) goto out;
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        rc = JW_PSEUDO_EPERM;
        goto out;
    }
    /* Whoever owns the file can change the key and so every pseudonym. */
    if (st.st_uid != geteuid() && st.st_uid != 0) {
        rc = JW_PSEUDO_EOWNER;
        goto out;
    }
    /* Read one byte more than a key to notice a file that is too long. */
    if (read_full(fd, key, sizeof key, &got) != 0) goto out;
    if (got != JW_PSEUDO_KEY_LEN) {
        rc = JW_PSEUDO_EFORMAT;
        goto out;
    }
    rc = jw_pseudo_from_key(key, out);
out:
    sodium_memzero(key, sizeof key);
    close(fd);
    return rc;
}

void jw_pseudo_free(jw_pseudo_t *p)
{
    if (!p) return;
    sodium_memzero(&p->keyed, sizeof p->keyed);
    free(p);
}

int jw_pseudo_yid(const jw_pseudo_t *p, const char *bsn, size_t len,
                  char out[JW_YID_HEX_LEN + 1])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    if (len != 9) return JW_PSEUDO_EBSN;
    for (size_t i = 0; i < len; i++)
        if (bsn[i] < '0' || bsn[i] > '9') return JW_PSEUDO_EBSN;
    st = p->keyed;
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)bsn, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, JW_YID_HEX_LEN + 1, mac, JW_YID_HEX_LEN / 2);
    sodium_memzero(mac, sizeof mac);
    sodium_memzero(&st, sizeof st);
    return JW_PSEUDO_OK;
}
