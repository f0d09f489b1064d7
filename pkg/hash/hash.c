/* hash.c - SHA-256 through OpenSSL's EVP one-shot digest (see hash.h). */
#include "hash/hash.h"

#include <string.h>

#include <openssl/evp.h>

int jw_hash_sha256(const void *buf, size_t len, unsigned char out[JW_SHA256_LEN])
{
    unsigned int n = 0;
    if (EVP_Digest(buf, len, out, &n, EVP_sha256(), NULL) != 1 || n != JW_SHA256_LEN) {
        memset(out, 0, JW_SHA256_LEN);
        return -1;
    }
    return 0;
}
