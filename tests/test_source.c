/* test_source.c - directory walks of pkg/source: file order and the depth
 * bound.
 *
 * The walk lists one directory at a time (so it holds the largest
 * directory, not the whole tree); the order it gives must still be the
 * byte order of the files' full paths, as source.h promises. The expected
 * order here is worked out independently: every path the test created,
 * sorted with strcmp.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/source.h"
#include "test_util.h"

static void make_dir(const char *path)
{
    cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST, "mkdir %s", path);
}

static void make_file(const char *path)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "create %s", path);
    fputs("<x/>", f);
    fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(source, walk_gives_the_byte_order_of_full_paths)
{
    char root[] = "/tmp/jw-test-source-XXXXXX";
    cr_assert_not_null(mkdtemp(root));
    /* Names where sorting per directory and sorting full paths differ
     * unless a directory sorts as its name plus '/': '-' (0x2D) < '/'
     * (0x2F) < '0' (0x30), and 'A' < 'a'. */
    static const char *dirs[] = {"a", "a0", "ab", "ab/c", "a-", "z"};
    static const char *files[] = {"a-c.xml", "a.xml",    "a/b.xml", "a0/x.xml", "ab.xml",  "ab/c/z.xml",
                                  "ab/y.xml", "b.xml",   "A.xml",   "a-/q.xml", "a-.xml",  "z/0.xml",
                                  "ab/c.xml", "ab/c-.xml"};
    enum { NF = sizeof files / sizeof files[0] };
    char path[1024];
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
        make_dir(path);
    }
    char *expect[NF];
    for (size_t i = 0; i < NF; i++) {
        snprintf(path, sizeof path, "%s/%s", root, files[i]);
        make_file(path);
        expect[i] = strdup(path);
    }
    /* not messages: skipped, and not in the order */
    snprintf(path, sizeof path, "%s/a/readme.txt", root);
    make_file(path);
    snprintf(path, sizeof path, "%s/.hidden.xml", root);
    make_file(path);
    qsort(expect, NF, sizeof *expect, cmp_str);

    const char *paths[] = {root};
    jw_source_t *src;
    cr_assert_eq(jw_source_open(paths, 1, &src), JW_SOURCE_OK);
    const char *name, *buf;
    size_t len, n = 0;
    int rc;
    while ((rc = jw_source_next(src, &name, &buf, &len)) == JW_SOURCE_OK) {
        cr_assert_lt(n, NF, "more files than made: %s", name);
        cr_expect_str_eq(name, expect[n], "file %zu", n);
        cr_expect_eq(len, 4);
        n++;
    }
    cr_assert_eq(rc, JW_SOURCE_END, "walk ended with %d: %s", rc, jw_source_error(src));
    cr_assert_eq(n, NF);
    jw_source_counts_t c;
    jw_source_counts(src, &c);
    cr_expect_eq(c.not_xml, 1);
    cr_expect_eq(c.hidden, 1);
    jw_source_close(src);
    for (size_t i = 0; i < NF; i++) free(expect[i]);
    test_rm_rf(root);
    cr_expect(access(root, F_OK) != 0, "%s removed", root);
}

Test(source, directories_below_the_depth_bound_are_reported_not_read)
{
    char root[] = "/tmp/jw-test-source-XXXXXX";
    cr_assert_not_null(mkdtemp(root));
    /* 66 levels below root, a file at level 3 and one at the bottom: the
     * walk reads the first, reports the directory at level 64 once and
     * goes on to the file after the deep tree. */
    char path[4096];
    size_t off = (size_t)snprintf(path, sizeof path, "%s", root);
    char deep64[4096] = "";
    for (int level = 1; level <= 66; level++) {
        off += (size_t)snprintf(path + off, sizeof path - off, "/d");
        make_dir(path);
        if (level == 64) snprintf(deep64, sizeof deep64, "%s", path);
        if (level == 3) {
            char f[4200];
            snprintf(f, sizeof f, "%s/shallow.xml", path);
            make_file(f);
        }
    }
    snprintf(path + off, sizeof path - off, "/bottom.xml");
    make_file(path);
    char after[256];
    snprintf(after, sizeof after, "%s/e.xml", root);
    make_file(after);

    const char *paths[] = {root};
    jw_source_t *src;
    cr_assert_eq(jw_source_open(paths, 1, &src), JW_SOURCE_OK);
    const char *name, *buf;
    size_t len;
    int rc, files = 0, errors = 0;
    char first[4096] = "", last[4096] = "";
    while ((rc = jw_source_next(src, &name, &buf, &len)) != JW_SOURCE_END) {
        if (rc == JW_SOURCE_OK) {
            if (files++ == 0) snprintf(first, sizeof first, "%s", name);
            snprintf(last, sizeof last, "%s", name);
            cr_expect(strstr(name, "bottom.xml") == NULL, "read below the bound: %s", name);
            continue;
        }
        cr_assert_eq(rc, JW_SOURCE_EIO);
        errors++;
        char want[4300];
        snprintf(want, sizeof want, "%s: directories nested more than 64 deep are not read", deep64);
        cr_expect_str_eq(jw_source_error(src), want);
    }
    cr_expect_eq(files, 2, "shallow.xml and e.xml");
    cr_expect(strstr(first, "/d/d/d/shallow.xml") != NULL, "first: %s", first);
    cr_expect_str_eq(last, after, "the file after the deep tree is read last");
    cr_expect_eq(errors, 1);
    jw_source_close(src);
    test_rm_rf(root);
    cr_expect(access(root, F_OK) != 0, "%s removed", root);
}
