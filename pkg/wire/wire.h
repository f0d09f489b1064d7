/* wire.h - jw's ZeroMQ protocols and the helpers both ends share.
 *
 * Ingest (client DEALER -> jwd ROUTER):
 *   request  [corr: 8 bytes, big-endian][message bytes]
 *   reply    [corr][status]  status text, sent only after the message's
 *            effects are durably committed:
 *              "A <emitted> <retracted>"  applied
 *              "D"                        duplicate (already applied)
 *              "X <LAYER> <RULE>"         dead-lettered (stored with its reason)
 *            Any reply means "do not send again". No reply within the
 *            client's timeout means "send again": duplicates are harmless.
 * Events (jwd PUB): [topic "TYPE.GEMEENTE"][event JSON with "seq"].
 * Catch-up (client DEALER -> jwd ROUTER):
 *   ["SINCE", "<seq>", "<max>"] -> ["EV", "<seq>", json] x n, then
 *                                  ["END", "<last seq sent>", "<last seq stored>"]
 *   ["STATS"]                   -> ["STATS", "name value\n..."]
 *
 * All helpers return 0 or -1 with errno set by libzmq.
 */
#ifndef JW_WIRE_H
#define JW_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define JW_WIRE_MAX_PARTS 8

/* Send n frames (all but the last with ZMQ_SNDMORE); flags are OR-ed into
 * every send (e.g. ZMQ_DONTWAIT). */
int jw_wire_send(void *sock, const void *const *data, const size_t *len, int n, int flags);

/* Receive one whole multipart message into parts (initialised here; the
 * caller closes each with zmq_msg_close, or calls jw_wire_close). Extra
 * frames past max are read and dropped; *n is the number kept. */
int jw_wire_recv(void *sock, void *parts /* zmq_msg_t[max] */, int max, int *n, int flags);
void jw_wire_close(void *parts, int n);

void jw_wire_put_u64(uint8_t out[8], uint64_t v);
uint64_t jw_wire_get_u64(const uint8_t in[8]);

/* Read a CURVE key file: a Z85 key of 40 characters (trailing white space
 * allowed) into out (41 bytes, NUL-terminated). Secret key files must not
 * be readable by group or others (secret != 0). */
int jw_wire_read_key(const char *path, int secret, char out[41]);

#endif
