/* fuzz_http_query.c - libFuzzer target for jw-indicators' request parsing
 * (cmd/jw-indicators/request.c: request target, query string, percent
 * decoding, parameters, Accept header), the code every HTTP request
 * reaches after libmicrohttpd has read it.
 *
 * Input: the request target, optionally followed by '\n' and an Accept
 * header value. Checked beyond "no crash": a parse either succeeds with a
 * route and sane fields or fails with a 4xx status and a message.
 *
 * Stand-alone build and run (from the repository root, after `make`
 * has generated build/gen; the whole library is compiled in with clang):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
 *     -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ipkg -Ibuild/gen \
 *     $(pkg-config --cflags libxml-2.0) tests/fuzz/fuzz_http_query.c \
 *     $(ls pkg/[a-z]*[a-z]/[a-z]*.c) build/gen/xsd_embed.c build/gen/profile_embed.c \
 *     $(pkg-config --libs libxml-2.0 libzmq lmdb libsodium libarchive libcrypto) \
 *     -lpthread -lm -o build/fuzz/fuzz_http_query
 *   build/fuzz/fuzz_http_query -max_total_time=60 -max_len=4096
 * (`make fuzz` builds it the same way as every tests/fuzz/fuzz_*.c.) */
#define _GNU_SOURCE /* as request.c: strcasestr */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/jw-indicators/request.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jwi_request_t rq; /* 2 KiB: not on the fuzzer's stack */
    char err[200], accept[512];
    const char *nl = memchr(data, '\n', size);
    size_t tlen = nl ? (size_t)(nl - (const char *)data) : size;
    const char *acc = NULL;
    if (nl) {
        size_t alen = size - tlen - 1;
        if (alen >= sizeof accept) alen = sizeof accept - 1;
        memcpy(accept, nl + 1, alen);
        accept[alen] = '\0';
        acc = accept;
    }
    err[0] = '\0';
    int status = jwi_request_parse((const char *)data, tlen, acc, &rq, err, sizeof err);
    if (status) {
        assert(status == 400 || status == 404 || status == 414);
        assert(err[0] != '\0' && memchr(err, '\0', sizeof err));
        return 0;
    }
    assert(rq.route != JWI_ROUTE_NONE);
    assert(memchr(rq.id, '\0', sizeof rq.id));
    assert(rq.n_params <= JWI_MAX_PARAMS);
    assert(rq.p.public_ == !rq.p.internal);
    if (rq.route == JWI_ROUTE_PAGE || rq.route == JWI_ROUTE_API) assert(rq.id[0] != '\0');
    if (rq.p.has_period) {
        char buf[16];
        jw_ind_period_t back;
        jw_ind_period_format(rq.p.period, buf);
        assert(jw_ind_period_parse(buf, &back) == 0);
        assert(back.kind == rq.p.period.kind && back.year == rq.p.period.year &&
               back.index == rq.p.period.index);
    }
    if (rq.p.series) assert(strchr("YHQMR", rq.p.series) != NULL);
    if (rq.p.has_by) assert(rq.p.by <= JW_IND_BY_SEGMENT);
    return 0;
}
