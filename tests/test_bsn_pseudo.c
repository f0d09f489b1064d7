/* Tests for pkg/bsn and pkg/pseudo. Expected yids were computed with an
 * independent HMAC-SHA256 (Python's hmac module) over the key 00 01 .. 1f. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bsn/bsn.h"
#include "pseudo/pseudo.h"

Test(bsn, elfproef)
{
    /* 999900006: 9*9+8*9+7*9+6*9+0+0+0+0 - 6 = 270 - 6 = 264 = 24*11 */
    cr_assert(jw_bsn_valid("999900006", 9));
    cr_assert(jw_bsn_valid("999900018", 9));
    cr_assert_not(jw_bsn_valid("999900007", 9));
    cr_assert_not(jw_bsn_valid("00000000", 8));
    cr_assert_not(jw_bsn_valid("000000000", 9)); /* all zeros passes the sum, not a BSN */
    cr_assert_not(jw_bsn_valid("99990000a", 9));
    cr_assert_not(jw_bsn_valid("9999000060", 10));
}

Test(bsn, complete)
{
    char out[10];
    cr_assert_eq(jw_bsn_complete("99990000", out), 0);
    cr_assert_str_eq(out, "999900006");
    cr_assert_eq(jw_bsn_complete("99990001", out), 0);
    cr_assert_str_eq(out, "999900018");
    cr_assert(jw_bsn_valid(out, 9));
}

static void key_bytes(unsigned char key[32])
{
    for (int i = 0; i < 32; i++) key[i] = (unsigned char)i;
}

Test(pseudo, yid_matches_independent_hmac)
{
    unsigned char key[32];
    jw_pseudo_t *p;
    char yid[33];
    key_bytes(key);
    cr_assert_eq(jw_pseudo_from_key(key, &p), 0);
    cr_assert_eq(jw_pseudo_yid(p, "999900006", 9, yid), 0);
    cr_assert_str_eq(yid, "df47eabb1ca9ba6a31cff023b444cb13");
    cr_assert_eq(jw_pseudo_yid(p, "999900018", 9, yid), 0);
    cr_assert_str_eq(yid, "07ec4c7978dff49a25f26a42aa310a03");
    cr_assert_eq(jw_pseudo_yid(p, "99990001", 8, yid), JW_PSEUDO_EBSN);
    jw_pseudo_free(p);
}

Test(pseudo, key_file_created_0600_and_stable)
{
    char dir[] = "/tmp/jw-pseudo-XXXXXX";
    char path[256], yid1[33], yid2[33];
    struct stat st;
    jw_pseudo_t *p;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/key", dir);

    cr_assert_eq(jw_pseudo_open(path, &p), 0);
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    cr_assert_eq(st.st_size, 32);
    jw_pseudo_yid(p, "999900006", 9, yid1);
    jw_pseudo_free(p);

    cr_assert_eq(jw_pseudo_open(path, &p), 0); /* same key on reopen */
    jw_pseudo_yid(p, "999900006", 9, yid2);
    cr_assert_str_eq(yid1, yid2);
    jw_pseudo_free(p);

    cr_assert_eq(chmod(path, 0640), 0);
    cr_assert_eq(jw_pseudo_open(path, &p), JW_PSEUDO_EPERM);
    cr_assert_eq(chmod(path, 0604), 0);
    cr_assert_eq(jw_pseudo_open(path, &p), JW_PSEUDO_EPERM);

    cr_assert_eq(chmod(path, 0600), 0);
    cr_assert_eq(truncate(path, 31), 0);
    cr_assert_eq(jw_pseudo_open(path, &p), JW_PSEUDO_EFORMAT);

    unlink(path);
    rmdir(dir);
}

/* A key file owned by another (non-root) user is refused: that user could
 * change the key. Needs root to give a file away. */
Test(pseudo, key_file_of_another_user_refused)
{
    char dir[] = "/tmp/jw-pseudo-XXXXXX";
    char path[256];
    jw_pseudo_t *p = NULL;
    if (geteuid() != 0) cr_skip_test("needs root to chown a file to another user");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/key", dir);
    cr_assert_eq(jw_pseudo_open(path, &p), 0);
    jw_pseudo_free(p);
    cr_assert_eq(chown(path, 4242, 4242), 0);
    cr_assert_eq(jw_pseudo_open(path, &p), JW_PSEUDO_EOWNER);
    cr_assert(strstr(jw_pseudo_strerror(JW_PSEUDO_EOWNER), "another user") != NULL);
    cr_assert_eq(chown(path, 0, 0), 0); /* root-owned (a system credential) is fine */
    cr_assert_eq(jw_pseudo_open(path, &p), 0);
    jw_pseudo_free(p);
    cr_assert_eq(chown(path, 4242, 4242), 0);
    cr_assert_eq(truncate(path, 31), 0); /* ownership is checked before the contents */
    cr_assert_eq(jw_pseudo_open(path, &p), JW_PSEUDO_EOWNER);

    unlink(path);
    rmdir(dir);
}
