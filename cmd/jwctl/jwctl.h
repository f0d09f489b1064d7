/* jwctl.h - subcommands of the operator tool. Each returns the process
 * exit status: 0 success, 1 the command's check failed (e.g. an invalid
 * message), 2 usage or operational error. */
#ifndef JWCTL_H
#define JWCTL_H

int jwctl_validate(int argc, char **argv);
int jwctl_events(const char *state, int argc, char **argv);
int jwctl_deadletters(const char *state, int argc, char **argv);
int jwctl_store_stats(const char *state, int argc, char **argv);
int jwctl_subscribe(const char *state, int argc, char **argv);
int jwctl_keygen(int argc, char **argv);
int jwctl_jwd_stats(const char *state, const char *endpoint);
int jwctl_youth(const char *state, const char *key_file, int argc, char **argv);
int jwctl_reprofile(const char *state, int argc, char **argv);

#endif
