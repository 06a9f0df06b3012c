/* expand.h — a template and a scope's metrics become a document tree.
 *
 * fp_expand walks the checked template: it evaluates every placeholder and
 * condition against the metrics (as a value tree), formats every number,
 * fills tables and chart data from lists, repeats <each>, picks <if>/<else>,
 * drops sections whose `when` is false, numbers sections (一、二、三), and
 * copies the parts of the manager's notes where the template asks. The result
 * holds only text and numbers: renderers need nothing else.
 */
#ifndef FP_EXPAND_H
#define FP_EXPAND_H

#include "doc.h"
#include "error.h"
#include "notes.h"
#include "template.h"
#include "value.h"

typedef struct fp_expand_opts {
    const char *date;    /* the report date, YYYY-MM-DD (SOURCE_DATE_EPOCH or today; the CLI decides) */
    const char *author;  /* overrides the notes' author */
    fp_buf *warnings;    /* optional: a line per part the template places that the notes file lacks */
} fp_expand_opts;

/* metrics is fp_metrics_value()'s tree; notes may be NULL. Caller frees *out with fp_doc_free. */
fp_status fp_expand(const fp_template *t, const fp_value *metrics, const fp_notes *notes, const fp_expand_opts *o,
                    fp_doc **out, fp_error *err);

#endif
