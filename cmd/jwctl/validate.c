/* validate.c - `jwctl validate FILE|DIR...` */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ijw/ijw.h"
#include "jwctl.h"

typedef struct {
    jw_ijw_parser_t *parser;
    jw_ijw_msg_t msg;
    char *buf;
    size_t cap;
    long valid, invalid, failed;
} validate_ctx_t;

/* Read a whole file into ctx->buf; a file above the size cap is not read
 * (the parser rejects it by size, OP179). Returns 0 or an errno. */
static int read_file(validate_ctx_t *c, const char *path, size_t *len)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    int rc = 0;
    if (!f) return errno;
    if (fstat(fileno(f), &st) != 0) {
        rc = errno;
        goto out;
    }
    size_t want = (size_t)st.st_size;
    if (want > JW_IJW_MAX_BYTES) want = JW_IJW_MAX_BYTES + 1;
    if (want + 1 > c->cap) {
        char *nb = realloc(c->buf, want + 1);
        if (!nb) {
            rc = ENOMEM;
            goto out;
        }
        c->buf = nb;
        c->cap = want + 1;
    }
    *len = fread(c->buf, 1, want, f);
    if (ferror(f)) rc = EIO;
    if (want > JW_IJW_MAX_BYTES) *len = (size_t)st.st_size; /* report the real size */
out:
    fclose(f);
    return rc;
}

static void validate_one(validate_ctx_t *c, const char *path)
{
    jw_ijw_error_t err;
    size_t len = 0;
    int rc = read_file(c, path, &len);
    if (rc) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(rc));
        c->failed++;
        return;
    }
    /* For a file over the cap only the cap + 1 bytes were read and len is
     * the real size: the parser refuses it on the size alone (OP179). */
    rc = jw_ijw_parse(c->parser, c->buf, len, path, &c->msg, &err);
    if (rc == JW_IJW_OK) {
        printf("%s: OK\n", path);
        c->valid++;
    } else if (rc == JW_IJW_EINVALID) {
        if (err.line > 0)
            printf("%s: %s %s line %d: %s\n", path, jw_layer_name(err.layer), err.rule,
                   err.line, err.message);
        else
            printf("%s: %s %s %s\n", path, jw_layer_name(err.layer), err.rule, err.message);
        c->invalid++;
    } else {
        fprintf(stderr, "%s: %s\n", path, jw_ijw_strerror(rc));
        c->failed++;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void validate_path(validate_ctx_t *c, const char *path);

static void validate_dir(validate_ctx_t *c, const char *path)
{
    DIR *d = opendir(path);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    if (!d) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        c->failed++;
        return;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) break;
            names = nn;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) break;
        snprintf(names[n], len, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) validate_dir(c, names[i]);
        else if (ends_with(names[i], ".xml")) validate_one(c, names[i]);
        free(names[i]);
    }
    free(names);
}

static void validate_path(validate_ctx_t *c, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) validate_dir(c, path);
    else validate_one(c, path);
}

int jwctl_validate(int argc, char **argv)
{
    validate_ctx_t c = {0};
    jw_ijw_schema_t *schema = NULL;
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
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < argc; i++) validate_path(&c, argv[i]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    long total = c.valid + c.invalid;
    fprintf(stderr, "jwctl validate: %ld messages, %ld valid, %ld invalid, %ld unreadable; %.0f messages/s\n",
            total, c.valid, c.invalid, c.failed, secs > 0 ? (double)total / secs : 0.0);
    status = (c.invalid || c.failed) ? 1 : 0;
out:
    jw_ijw_msg_clear(&c.msg);
    free(c.buf);
    jw_ijw_parser_free(c.parser);
    jw_ijw_schema_free(schema);
    return status;
}
