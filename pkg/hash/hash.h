/* hash.h - SHA-256 of message bytes (SPEC §3: message content identity).
 *
 * Uses OpenSSL's libcrypto, which runs on the CPU's SHA extensions where
 * present: on this machine type about ten times faster than libsodium's
 * portable SHA-256, which mattered because every replayed byte is hashed
 * (measured with callgrind on jw-replay). Thread-safe; no allocation. */
#ifndef JW_HASH_H
#define JW_HASH_H

#include <stddef.h>

#define JW_SHA256_LEN 32

/* out receives the 32-byte digest of buf[0..len). Returns 0, or -1 when
 * libcrypto fails (out is then zeroed). */
int jw_hash_sha256(const void *buf, size_t len, unsigned char out[JW_SHA256_LEN]);

#endif
