/* bsn.c - BSN 11-proef (see bsn.h). */
#include "bsn/bsn.h"

int jw_bsn_valid(const char *s, size_t len)
{
    int sum = 0, nonzero = 0;
    if (len != 9) return 0;
    for (int i = 0; i < 9; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        int d = s[i] - '0';
        nonzero |= d;
        sum += (i < 8) ? (9 - i) * d : -d;
    }
    return nonzero && sum % 11 == 0;
}

int jw_bsn_complete(const char prefix[8], char out[10])
{
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        if (prefix[i] < '0' || prefix[i] > '9') return -1;
        sum += (9 - i) * (prefix[i] - '0');
        out[i] = prefix[i];
    }
    int check = sum % 11;
    if (check == 10) return -1;
    out[8] = (char)('0' + check);
    out[9] = '\0';
    return 0;
}
