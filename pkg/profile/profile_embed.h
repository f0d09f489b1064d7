/* profile_embed.h - the shipped profiles compiled into the program
 * (build/gen/profile_embed.c, written by scripts/embed-profiles from
 * the .profile files in profiles/). Static, read-only data; the table ends with
 * { 0, 0 } and jw_profile_file_count does not count that sentinel. */
#ifndef JW_PROFILE_EMBED_H
#define JW_PROFILE_EMBED_H

struct jw_profile_file {
    const char *name;  /* "zuid-limburg", "twente", "zhz", "cbs" */
    const char *text;  /* NUL-terminated profile text */
};

extern const struct jw_profile_file jw_profile_files[];
extern const unsigned jw_profile_file_count;

#endif
