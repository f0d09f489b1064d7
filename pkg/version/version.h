/* version.h - the one version string of every jw program.
 *
 * The version is defined once, in the first line of debian/changelog; the
 * Makefile passes it to version.c as JW_VERSION, so the programs, the man
 * pages and the Debian package can never disagree. No state, no
 * allocation; thread-safe. */
#ifndef JW_VERSION_H
#define JW_VERSION_H

/* The version, e.g. "0.9.0"; a static string. */
const char *jw_version_string(void);

/* 1 when argv[1..argc) holds "--version" before any "--" argument, else 0.
 * Checked before option parsing so that every program answers --version
 * the same way (GNU and Debian convention: the other arguments are
 * ignored). */
int jw_version_requested(int argc, char **argv);

/* Prints "PROGRAM VERSION\n" on stdout. Returns the exit status for main:
 * 0, or 1 when stdout could not be written. */
int jw_version_print(const char *program);

#endif
