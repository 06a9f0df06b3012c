/* xmlsafe.c — fupan's one way of reading XML; see xmlsafe.h. */
#include "xmlsafe.h"

#include "util.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

fp_status fp_xml_read_file(const char *path, size_t max, const char *what, char **bytes, size_t *n, fp_error *err)
{
    *bytes = NULL;
    *n = 0;
    struct stat st;
    if (stat(path, &st) != 0)
        return fp_fail(err, FP_ERR_NOTFOUND, "%s: no such %s", path, what);
    if (!S_ISREG(st.st_mode))
        return fp_fail(err, FP_ERR_INPUT, "%s: the %s is not a regular file", path, what);
    if ((uint64_t)st.st_size > max)
        return fp_fail(err, FP_ERR_INPUT, "%s: %lld bytes is too large for a %s (limit %zu)", path,
                       (long long)st.st_size, what, max);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fp_fail(err, FP_ERR_IO, "%s: cannot read the %s", path, what);
    char *buf = fp_xmalloc((size_t)st.st_size + 1);
    size_t got = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    buf[got] = 0;
    *bytes = buf;
    *n = got;
    return FP_OK;
}

typedef struct sink {
    fp_xml_report report;
    void *ud;
    const char *prefix; /* put before a schema's messages */
    int count;          /* problems reported */
} sink;

static void on_error(void *ud, xmlErrorPtr e)
{
    sink *s = ud;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    char msg[600];
    snprintf(msg, sizeof msg, "%s%s", s->prefix ? s->prefix : "", e->message ? e->message : "XML error");
    size_t k = strlen(msg);
    while (k && (msg[k - 1] == '\n' || msg[k - 1] == ' '))
        msg[--k] = 0;
    s->count++;
    s->report(s->ud, e->line, msg);
}

xmlDocPtr fp_xml_parse(const char *name, const char *bytes, size_t n, size_t max, const char *what,
                       fp_xml_report report, void *ud)
{
    char msg[300];
    if (n > max) {
        snprintf(msg, sizeof msg, "%zu bytes is too large for a %s (limit %zu)", n, what, max);
        report(ud, 0, msg);
        return NULL;
    }
    for (const char *p = bytes; p < bytes + n && (p = memchr(p, '<', (size_t)(bytes + n - p))); p++)
        if ((size_t)(bytes + n - p) >= 9 && !memcmp(p, "<!DOCTYPE", 9)) {
            int line = 1;
            for (const char *q = bytes; q < p; q++)
                line += *q == '\n';
            snprintf(msg, sizeof msg, "a <!DOCTYPE> is not allowed in a %s (fupan never loads DTDs or entities); "
                     "remove it", what);
            report(ud, line, msg);
            return NULL;
        }
    if (memchr(bytes, 0, n)) {
        snprintf(msg, sizeof msg, "the %s holds a NUL byte; is it really an XML file?", what);
        report(ud, 0, msg);
        return NULL;
    }
    sink s = {report, ud, NULL, 0};
    xmlSetStructuredErrorFunc(&s, on_error);
    xmlDocPtr doc = xmlReadMemory(bytes, (int)n, name, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc && !s.count) {
        snprintf(msg, sizeof msg, "cannot parse the %s as XML", what);
        report(ud, 0, msg);
    }
    /* a DOCTYPE the byte check could not see (an encoding such as UTF-7): refused all the same */
    if (doc && (doc->intSubset || doc->extSubset)) {
        snprintf(msg, sizeof msg, "a <!DOCTYPE> is not allowed in a %s (fupan never loads DTDs or entities); "
                 "remove it", what);
        report(ud, 1, msg);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    return doc;
}

bool fp_xml_validate(xmlDocPtr doc, const char *schema_path, const char *what, fp_xml_report report, void *ud)
{
    bool ok = false;
    char prefix[120], msg[400];
    snprintf(prefix, sizeof prefix, "does not match the %s schema: ", what);
    sink quiet = {report, ud, "the schema itself: ", 0};
    xmlSetStructuredErrorFunc(&quiet, on_error);
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(schema_path);
    xmlRelaxNGPtr rng = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!rng) {
        snprintf(msg, sizeof msg, "cannot read the %s schema %s", what, schema_path);
        report(ud, 0, msg);
    } else {
        sink s = {report, ud, prefix, 0};
        xmlSetStructuredErrorFunc(&s, on_error);
        xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(rng);
        xmlRelaxNGSetValidStructuredErrors(vc, on_error, &s);
        ok = xmlRelaxNGValidateDoc(vc, doc) == 0;
        xmlRelaxNGFreeValidCtxt(vc);
        xmlRelaxNGFree(rng);
        xmlSetStructuredErrorFunc(NULL, NULL);
    }
    if (pc)
        xmlRelaxNGFreeParserCtxt(pc);
    return ok;
}
