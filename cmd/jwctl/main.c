/* jwctl - the jw operator tool.
 *
 *   jwctl validate FILE|DIR...      check messages in all three layers
 *
 * (events, deadletters, youth and stats come with the state store.)
 */
#include <stdio.h>
#include <string.h>

#include "jwctl.h"

static void usage(FILE *f)
{
    fputs("usage: jwctl COMMAND [ARGS]\n"
          "\n"
          "commands:\n"
          "  validate FILE|DIR...   check iJw messages (XML, XSD, rules); prints\n"
          "                         'FILE: OK' or 'FILE: LAYER RULE [line N:] message';\n"
          "                         exit 0 only when every message is valid.\n"
          "                         Directories are read recursively (*.xml, sorted).\n"
          "  help                   this text\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "validate") == 0) return jwctl_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "jwctl: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
