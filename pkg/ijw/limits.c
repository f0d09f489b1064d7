/* limits.c - a cheap scan of the raw bytes before libxml2 sees them.
 *
 * libxml2 2.9.14 compares every attribute of a start tag with every
 * earlier one of the same tag (duplicate check, and the same for namespace
 * declarations), so one tag with 100 000 attributes costs seconds before
 * any SAX callback could refuse it. iJw messages carry a few namespace
 * declarations on the root and no attributes on data elements, so this
 * scan refuses, in one linear pass:
 *   - a start tag with more than JW_IJW_MAX_TAG_ATTRS attributes and
 *     namespace declarations together (rule ATTRIBUTES);
 *   - more than JW_IJW_MAX_MSG_ATTRS attributes that are not namespace
 *     declarations in the whole message (rule ATTRIBUTES; namespace
 *     declarations may legally repeat on every element, so they are only
 *     bounded per tag).
 * Text needs no bound of ours: libxml2 keeps its own 10 MB limit on one
 * text node (no XML_PARSE_HUGE), and a 9 MB text value is refused by the
 * XSD in 0.4 s (linear; measured).
 * The lexer follows XML's markup (comments, CDATA, processing
 * instructions, quoted attribute values); any other "<!" declaration
 * (refused by the parser anyway) is stepped over to its first '>'.
 */
#include "ijw/ijw_internal.h"

#include <string.h>

static int starts(const char *p, const char *end, const char *lit, size_t n)
{
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static int line_at(const char *buf, const char *p)
{
    int line = 1;
    for (const char *q = buf; q < p; q++)
        if (*q == '\n') line++;
    return line;
}

/* Skip to just past the terminator lit (n bytes); end when absent. */
static const char *skip_past(const char *p, const char *end, const char *lit, size_t n)
{
    while (p < end) {
        const char *q = memchr(p, lit[0], (size_t)(end - p));
        if (!q) return end;
        if (starts(q, end, lit, n)) return q + n;
        p = q + 1;
    }
    return end;
}

/* p is at "<!" or "<?": step over the comment, CDATA section,
 * processing instruction or declaration that starts there. */
static const char *skip_markup(const char *p, const char *end)
{
    if (starts(p, end, "<!--", 4)) return skip_past(p + 4, end, "-->", 3);
    if (starts(p, end, "<![CDATA[", 9)) return skip_past(p + 9, end, "]]>", 3);
    if (starts(p, end, "<?", 2)) return skip_past(p + 2, end, "?>", 2);
    /* DOCTYPE (refused by the parser) or garbage: step over it and go on
     * counting, in case the parser went on too. */
    const char *q = memchr(p, '>', (size_t)(end - p));
    return q ? q + 1 : end;
}

int jw_ijw_limits_scan(const char *buf, size_t len, jw_ijw_error_t *err)
{
    const char *p = buf, *end = buf + len;
    size_t msg_attrs = 0;

    while (p < end) {
        if (*p != '<') {
            const char *q = memchr(p, '<', (size_t)(end - p));
            p = q ? q : end;
            continue;
        }
        /* Most tags are start or end tags of elements: look at the byte
         * after '<' once instead of comparing five prefixes per tag
         * (callgrind: those compares were most of this scan). */
        char next = p + 1 < end ? p[1] : '\0';
        if (next == '!' || next == '?') {
            p = skip_markup(p, end);
        } else if (next == '/') {
            const char *q = memchr(p, '>', (size_t)(end - p));
            p = q ? q + 1 : end;
        } else {
            /* Fast path, nearly every tag: no '=' and no quote before the
             * first '>', so no attribute and the tag ends there. */
            const char *q = memchr(p, '>', (size_t)(end - p));
            if (q) {
                size_t k = (size_t)(q - p);
                if (!memchr(p, '=', k) && !memchr(p, '"', k) && !memchr(p, '\'', k)) {
                    p = q + 1;
                    continue;
                }
            }
            /* A start tag: count '=' outside quoted values. */
            const char *tag = p, *name = NULL;
            size_t attrs = 0;
            char quote = 0;
            for (p++; p < end; p++) {
                char c = *p;
                if (quote) {
                    if (c == quote) quote = 0;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    break;
                } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    name = NULL;
                } else if (c == '=') {
                    int is_ns = name && starts(name, end, "xmlns", 5) &&
                                (name[5] == ':' || name + 5 == p || name[5] == ' ' ||
                                 name[5] == '\t' || name[5] == '\n' || name[5] == '\r');
                    if (!is_ns) msg_attrs++;
                    if (++attrs > JW_IJW_MAX_TAG_ATTRS) {
                        jw_ijw_error_set(err, JW_LAYER_XML, "ATTRIBUTES", line_at(buf, tag),
                                         "more than %d attributes and namespace declarations on one element",
                                         JW_IJW_MAX_TAG_ATTRS);
                        return -1;
                    }
                    if (msg_attrs > JW_IJW_MAX_MSG_ATTRS) {
                        jw_ijw_error_set(err, JW_LAYER_XML, "ATTRIBUTES", line_at(buf, tag),
                                         "more than %d attributes in the message", JW_IJW_MAX_MSG_ATTRS);
                        return -1;
                    }
                    name = NULL;
                } else if (!name) {
                    name = p;
                }
            }
            if (p < end) p++;
        }
    }
    return 0;
}
