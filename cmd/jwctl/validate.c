/* validate.c - `jwctl validate FILE|DIR...` */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ijw/ijw.h"
#include "source/source.h"
#include "jwctl.h"

typedef struct {
    jw_ijw_parser_t *parser;
    jw_ijw_msg_t msg;
    long valid, invalid, failed;
} validate_ctx_t;

/* One message as the source read it. For a file over the cap only the
 * cap + 1 bytes were read and len is the real size: the parser refuses it
 * on the size alone (OP179). */
static void validate_one(validate_ctx_t *c, const char *name, const char *buf, size_t len)
{
    jw_ijw_error_t err;
    int rc = jw_ijw_parse(c->parser, buf, len, name, &c->msg, &err);
    if (rc == JW_IJW_OK) {
        printf("%s: OK\n", name);
        c->valid++;
    } else if (rc == JW_IJW_EINVALID) {
        if (err.line > 0)
            printf("%s: %s %s line %d: %s\n", name, jw_layer_name(err.layer), err.rule,
                   err.line, err.message);
        else
            printf("%s: %s %s %s\n", name, jw_layer_name(err.layer), err.rule, err.message);
        c->invalid++;
    } else {
        fprintf(stderr, "%s: %s\n", name, jw_ijw_strerror(rc));
        c->failed++;
    }
}

int jwctl_validate(int argc, char **argv)
{
    validate_ctx_t c = {0};
    jw_ijw_schema_t *schema = NULL;
    jw_source_t *src = NULL;
    jw_source_counts_t sc;
    int status = 2;
    struct timespec t0, t1;

    if (argc < 1) {
        fprintf(stderr, "usage: jwctl validate FILE|DIR...\n");
        return 2;
    }
    int rc = jw_ijw_schema_new(&schema);
    if (rc) {
        fprintf(stderr, "jwctl: %s\n", jw_ijw_strerror(rc));
        goto out;
    }
    rc = jw_ijw_parser_new(schema, NULL, &c.parser);
    if (rc) {
        fprintf(stderr, "jwctl: %s\n", jw_ijw_strerror(rc));
        goto out;
    }
    jw_ijw_msg_init(&c.msg);
    /* The same reader as jw-replay (pkg/source): directories, .xml files
     * and archives; FIFOs, devices, links to directories and dot-files are
     * skipped and counted; an unreadable input is reported and passed. */
    if (jw_source_open((const char *const *)argv, (size_t)argc, &src)) {
        fprintf(stderr, "jwctl: out of memory\n");
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        const char *name, *buf;
        size_t len;
        rc = jw_source_next(src, &name, &buf, &len);
        if (rc == JW_SOURCE_END) break;
        if (rc == JW_SOURCE_EIO) {
            fprintf(stderr, "jwctl: cannot read %s\n", jw_source_error(src));
            c.failed++;
            continue;
        }
        if (rc != JW_SOURCE_OK) {
            fprintf(stderr, "jwctl: %s\n", jw_source_strerror(rc));
            goto out;
        }
        validate_one(&c, name, buf, len);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    jw_source_counts(src, &sc);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    long total = c.valid + c.invalid;
    fprintf(stderr, "jwctl validate: %ld messages, %ld valid, %ld invalid, %ld unreadable; %.0f messages/s\n",
            total, c.valid, c.invalid, c.failed, secs > 0 ? (double)total / secs : 0.0);
    if (jw_source_skipped(src))
        fprintf(stderr, "jwctl validate: skipped %zu not *.xml, %zu hidden (dot-files), %zu links, "
                        "%zu FIFOs/devices/sockets\n",
                sc.not_xml, sc.hidden, sc.links, sc.special);
    status = (c.invalid || c.failed) ? 1 : 0;
out:
    jw_ijw_msg_clear(&c.msg);
    jw_source_close(src);
    jw_ijw_parser_free(c.parser);
    jw_ijw_schema_free(schema);
    return status;
}
