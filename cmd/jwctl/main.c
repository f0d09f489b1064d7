/* jwctl - the jw operator tool.
 *
 *   jwctl validate FILE|DIR...                    check messages in all three layers
 *   jwctl --state DIR events [--live] [--since N]  the event log as JSON Lines
 *   jwctl --state DIR deadletters                  dead letters as JSON Lines
 *   jwctl --state DIR youth BSN|-                  one youth, via the pseudonym
 */
#include <stdio.h>
#include <string.h>

#include "jwctl.h"
#include "version/version.h"

static void usage(FILE *f)
{
    fputs("usage: jwctl COMMAND [ARGS]\n"
          "\n"
          "commands:\n"
          "  validate PATH...       check iJw messages (XML, XSD, rules) in files,\n"
          "                         directories and archives; prints\n"
          "                         'FILE: OK' or 'FILE: LAYER RULE [line N:] message';\n"
          "                         exit 0 only when every message is valid.\n"
          "                         Directories are read recursively (*.xml, sorted).\n"
          "  events [--live] [--since SEQ]\n"
          "                         the event log as JSON Lines (needs --state);\n"
          "                         --live: emitted and not retracted, sorted by (date, id)\n"
          "  deadletters            dead letters with layer, rule and reason (needs --state)\n"
          "  youth BSN|-            one youth's episodes and live events, found through\n"
          "                         the pseudonym ('-' reads the BSN from stdin, so it\n"
          "                         stays out of the process list; needs --state)\n"
          "  reprofile PROFILE      change the store's profile: re-derive every youth's\n"
          "                         events from the stored facts (old ones retracted,\n"
          "                         new ones emitted; no replay; jwd stopped). Then\n"
          "                         rebuild indicator stores (jw-indicators --rebuild)\n"
          "  stats                  counts, store size and entries per database (needs --state)\n"
          "  stats --jwd            a running jwd's live stats: messages in, applied,\n"
          "                         duplicates, dead letters, events, queue depth, commit\n"
          "                         latency (its catch-up endpoint: --catchup EP, or the\n"
          "                         default socket under --state)\n"
          "  subscribe [options]    follow jwd's events with catch-up; every seq exactly\n"
          "                         once (--from SEQ, --until SEQ, --seq-file F to resume,\n"
          "                         --type T, --slow-us US, --events EP, --catchup EP)\n"
          "  keygen PREFIX          CURVE key pair: PREFIX.key (secret, 0600), PREFIX.pub\n"
          "  help                   this text\n"
          "\n"
          "options (before the command):\n"
          "  --state DIR            state store of jw-replay --direct or jwd\n"
          "  --key-file F           pseudonymisation key (default DIR/pseudonym.key)\n"
          "  --catchup EP           jwd's catch-up endpoint (stats --jwd)\n"
          "  --version              program name and version\n",
          f);
}

int main(int argc, char **argv)
{
    const char *state = NULL, *key_file = NULL, *catchup = NULL;
    int i = 1;
    if (jw_version_requested(argc, argv)) return jw_version_print("jwctl");
    while (i + 1 < argc && strncmp(argv[i], "--", 2) == 0 && strcmp(argv[i], "--help") != 0) {
        if (strcmp(argv[i], "--state") == 0) state = argv[i + 1];
        else if (strcmp(argv[i], "--key-file") == 0) key_file = argv[i + 1];
        else if (strcmp(argv[i], "--catchup") == 0) catchup = argv[i + 1];
        else break;
        i += 2;
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[i];
    int rest = argc - i - 1;
    char **rargv = argv + i + 1;
    if (strcmp(cmd, "validate") == 0) return jwctl_validate(rest, rargv);
    if (strcmp(cmd, "keygen") == 0) return jwctl_keygen(rest, rargv);
    if (strcmp(cmd, "subscribe") == 0) return jwctl_subscribe(state, rest, rargv);
    if (strcmp(cmd, "stats") == 0 && (catchup || (rest == 1 && strcmp(rargv[0], "--jwd") == 0)))
        return jwctl_jwd_stats(state, catchup);
    if (strcmp(cmd, "events") == 0 || strcmp(cmd, "deadletters") == 0 || strcmp(cmd, "youth") == 0 ||
        strcmp(cmd, "stats") == 0 || strcmp(cmd, "reprofile") == 0) {
        if (!state) {
            fprintf(stderr, "jwctl: %s needs --state DIR\n", cmd);
            return 2;
        }
        if (strcmp(cmd, "events") == 0) return jwctl_events(state, rest, rargv);
        if (strcmp(cmd, "deadletters") == 0) return jwctl_deadletters(state, rest, rargv);
        if (strcmp(cmd, "stats") == 0) return jwctl_store_stats(state, rest, rargv);
        if (strcmp(cmd, "reprofile") == 0) return jwctl_reprofile(state, rest, rargv);
        return jwctl_youth(state, key_file, rest, rargv);
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "jwctl: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
