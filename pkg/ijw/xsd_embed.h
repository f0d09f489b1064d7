/* xsd_embed.h - the XSDs compiled into the program (build/gen/xsd_embed.c,
 * written by scripts/embed-xsd from the .xsd files in xsd/). Static, read-only data. */
#ifndef JW_IJW_XSD_EMBED_H
#define JW_IJW_XSD_EMBED_H

struct jw_xsd_file {
    const char *name;  /* "3_2/jw301.xsd", ..., "all.xsd" */
    const char *text;  /* NUL-terminated XSD text */
};

extern const struct jw_xsd_file jw_xsd_files[];
extern const unsigned jw_xsd_file_count;

#endif
