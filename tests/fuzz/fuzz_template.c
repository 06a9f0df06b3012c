/* fuzz target: templates — libxml2 (no network, no DTD), the schema, fupan's own checks; templates that
 * pass are expanded against the schema's placeholder metrics. */
#include "expand.h"
#include "template.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    static char rng[1024];
    if (!rng[0]) {
        const char *src = getenv("FUPAN_SRC");
        snprintf(rng, sizeof rng, "%s/templates/template.rng", src && *src ? src : ".");
    }
    fp_template *t = NULL;
    fp_error err = {0};
    if (fp_template_load_mem("fuzz.xml", (const char *)data, n, rng, &t, &err) == FP_OK) {
        fp_value *schema = fp_template_schema();
        fp_doc *d = NULL;
        fp_expand_opts o = {.date = "2026-11-02"};
        if (fp_expand(t, schema, NULL, &o, &d, &err) == FP_OK)
            fp_doc_free(d);
        fp_v_free(schema);
        fp_template_free(t);
    }
    return 0;
}
