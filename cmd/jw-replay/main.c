/* jw-replay - feed message archives to jw.
 *
 *   jw-replay --direct --state DIR [--profile P] [--key-file F] PATH...
 *
 * --direct parses, validates and applies in this process: one thread
 * reads and parses a batch while the other applies the previous batch in
 * one LMDB write transaction (replay mode: no fsync per commit, one sync
 * at the end).
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replay.h"
#include "version/version.h"

static void usage(FILE *f)
{
    fputs("usage: jw-replay --direct --state DIR [options] PATH...\n"
          "       jw-replay --to ENDPOINT [options] PATH...\n"
          "\n"
          "Replays iJw message archives (directories of .xml files, single .xml files,\n"
          ".tar, .tar.gz, .zip) in file order.\n"
          "\n"
          "  --direct          apply in this process to the state store\n"
          "  --to ENDPOINT     send through jwd's ingest endpoint (e.g. ipc://DIR/ingest.sock)\n"
          "  --window N        --to: unacknowledged messages at most (default 5000, at most\n"
          "                    100000); also at most --window-bytes of them\n"
          "  --window-bytes N  --to: their bytes at most (default 64000000; one message may\n"
          "                    overshoot by its size)\n"
          "  --timeout MS      --to: resend unacknowledged messages after MS without a reply\n"
          "                    (default 3000)\n"
          "  --curve-server F  --to: jwd's CURVE public key file (for tcp with CURVE)\n"
          "  --curve-client F  --to: this client's CURVE secret key file (mode 0600)\n"
          "  --state DIR       state store directory (created 0700 if missing)\n"
          "  --profile P       regional profile: zuid-limburg (default), twente, zhz, cbs,\n"
          "                    or a path to a .profile file\n"
          "  --key-file F      pseudonymisation key (default DIR/pseudonym.key; created 0600)\n"
          "  --batch N         messages per write transaction (default 2000)\n"
          "  --files-from F    read the paths, one per line, from F ('-' = stdin), in\n"
          "                    that order (after any PATH arguments)\n"
          "  --apply-log F     --direct: write one line per batch to F: messages applied\n"
          "                    so far, CPU nanoseconds of the applying thread so far and\n"
          "                    declaration lines among the messages so far\n"
          "  --quiet           no progress line and no summary\n"
          "  --help            this text\n"
          "  --version         program name and version\n"
          "\n"
          "Only regular files are read; FIFOs, devices, links to directories and\n"
          "dot-files are skipped and counted in the summary. Exit status: 0 done (dead\n"
          "letters are recorded, not errors); 1 an input could not be read (reported,\n"
          "the replay went on) or the replay failed; 2 bad options.\n",
          f);
}

int main(int argc, char **argv)
{
    replay_opts_t o = {0};
    o.profile = "zuid-limburg";
    o.batch = 2000;
    /* Large enough that jwd's writer gathers thousands of messages per
     * durable commit while its workers parse the next thousands; the byte
     * bound keeps both sides' memory small for big messages. */
    o.window = 5000;
    o.window_bytes = 64000000;
    o.timeout_ms = 3000;
    static const struct option longopts[] = {
        {"direct", no_argument, NULL, 'd'},   {"state", required_argument, NULL, 's'},
        {"profile", required_argument, NULL, 'p'}, {"key-file", required_argument, NULL, 'k'},
        {"batch", required_argument, NULL, 'b'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},     {"files-from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'}, {"window", required_argument, NULL, 'W'},
        {"timeout", required_argument, NULL, 'T'}, {"curve-server", required_argument, NULL, 'C'},
        {"curve-client", required_argument, NULL, 'K'}, {"apply-log", required_argument, NULL, 'A'},
        {"window-bytes", required_argument, NULL, 'B'},
        {NULL, 0, NULL, 0},
    };
    const char *files_from = NULL;
    if (jw_version_requested(argc, argv)) return jw_version_print("jw-replay");
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.direct = 1; break;
        case 's': o.state = optarg; break;
        case 'p': o.profile = optarg; break;
        case 'k': o.key_file = optarg; break;
        case 'b': o.batch = atoi(optarg); break;
        case 'q': o.quiet = 1; break;
        case 'f': files_from = optarg; break;
        case 't': o.to = optarg; break;
        case 'W': o.window = atoi(optarg); break;
        case 'T': o.timeout_ms = atoi(optarg); break;
        case 'C': o.curve_server = optarg; break;
        case 'K': o.curve_client = optarg; break;
        case 'A': o.apply_log = optarg; break;
        case 'B': o.window_bytes = atoll(optarg); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if ((o.direct == !!o.to) || (o.direct && !o.state) || (optind >= argc && !files_from) ||
        o.batch < 1 || o.window < 1 || o.window > 100000 || o.window_bytes < 1 || o.timeout_ms < 10) {
        usage(stderr);
        return 2;
    }
    char **paths = NULL;
    size_t n = 0, cap = 0;
    for (int i = optind; i < argc; i++) {
        if (n == cap && !(paths = realloc(paths, (cap = cap ? cap * 2 : 64) * sizeof *paths))) return 1;
        paths[n++] = strdup(argv[i]);
    }
    if (files_from) {
        FILE *f = strcmp(files_from, "-") == 0 ? stdin : fopen(files_from, "r");
        char *line = NULL;
        size_t lcap = 0;
        ssize_t got;
        if (!f) {
            fprintf(stderr, "jw-replay: %s: %s\n", files_from, strerror(errno));
            return 2;
        }
        while ((got = getline(&line, &lcap, f)) > 0) {
            line[strcspn(line, "\r\n")] = '\0';
            if (!line[0]) continue;
            if (n == cap && !(paths = realloc(paths, (cap = cap ? cap * 2 : 64) * sizeof *paths))) return 1;
            paths[n++] = strdup(line);
        }
        free(line);
        if (f != stdin) fclose(f);
    }
    o.paths = (const char *const *)paths;
    o.n_paths = n;
    o.progress = !o.quiet && isatty(STDERR_FILENO);
    int status = o.direct ? replay_direct(&o) : replay_to(&o);
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
    return status;
}
