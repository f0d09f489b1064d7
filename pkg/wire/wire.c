/* wire.c - ZeroMQ framing helpers (see wire.h). */
#include "wire/wire.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <zmq.h>

int jw_wire_send(void *sock, const void *const *data, const size_t *len, int n, int flags)
{
    for (int i = 0; i < n; i++) {
        int f = flags | (i + 1 < n ? ZMQ_SNDMORE : 0);
        if (zmq_send(sock, data[i], len[i], f) < 0) return -1;
    }
    return 0;
}

int jw_wire_recv(void *sock, void *parts_v, int max, int *n, int flags)
{
    zmq_msg_t *parts = parts_v;
    int more = 1, k = 0;
    *n = 0;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, k == 0 ? flags : 0) < 0) {
            int e = errno;
            zmq_msg_close(&m);
            jw_wire_close(parts, k);
            errno = e;
            return -1;
        }
        more = zmq_msg_more(&m);
        if (k < max) parts[k++] = m;
        else zmq_msg_close(&m);
    }
    *n = k;
    return 0;
}

void jw_wire_close(void *parts_v, int n)
{
    zmq_msg_t *parts = parts_v;
    for (int i = 0; i < n; i++) zmq_msg_close(&parts[i]);
}

void jw_wire_put_u64(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++) out[i] = (uint8_t)(v >> (56 - 8 * i));
}

uint64_t jw_wire_get_u64(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | in[i];
    return v;
}

int jw_wire_read_key(const char *path, int secret, char out[41])
{
    struct stat st;
    char buf[128];
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    if (secret && (fstat(fileno(f), &st) != 0 || (st.st_mode & 077))) {
        fclose(f);
        errno = EPERM;
        return -1;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) buf[--n] = '\0';
    if (n != 40) {
        errno = EINVAL;
        return -1;
    }
    memcpy(out, buf, 41);
    return 0;
}
