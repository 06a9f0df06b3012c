/* xmlsafe.h — how fupan reads its own XML: templates, phrase libraries and data profiles alike.
 *
 * One set of guards for every file: the bytes are read whole and bounded; a <!DOCTYPE> (the door to
 * entities and external files) is refused before libxml2 sees anything, and again after parsing, since an
 * encoding such as UTF-7 can hide one from a byte scan; a NUL byte is refused; the parser never touches
 * the network and never substitutes entities. Every problem reaches the caller with its line, through a
 * callback, so each kind of file keeps its own list of problems and messages.
 */
#ifndef FP_XMLSAFE_H
#define FP_XMLSAFE_H

#include "error.h"

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

/* Receives one problem: its line (0 when none) and what is wrong. */
typedef void (*fp_xml_report)(void *ud, int line, const char *msg);

/* Reads the whole file at path (at most max bytes). what names the kind of file in messages ("template").
 * Caller frees *bytes. */
fp_status fp_xml_read_file(const char *path, size_t max, const char *what, char **bytes, size_t *n, fp_error *err);

/* Parses n bytes named name. Returns the document (caller frees with xmlFreeDoc), or NULL after reporting
 * every problem found. */
xmlDocPtr fp_xml_parse(const char *name, const char *bytes, size_t n, size_t max, const char *what,
                       fp_xml_report report, void *ud);

/* Validates doc against the RELAX NG schema at schema_path, each problem reported as "does not match the
 * <what> schema: …". True when it matches. */
bool fp_xml_validate(xmlDocPtr doc, const char *schema_path, const char *what, fp_xml_report report, void *ud);

#endif
