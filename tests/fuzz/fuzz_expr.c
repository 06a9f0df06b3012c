/* fuzz target: the template expression language — parse, check against the metrics' shape, evaluate. */
#include "expr.h"
#include "template.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char *src = malloc(n + 1);
    memcpy(src, data, n);
    src[n] = 0;
    fp_expr *e = NULL;
    fp_error err = {0};
    if (fp_expr_parse(src, &e, &err) == FP_OK) {
        fp_value *schema = fp_template_schema();
        fp_scope sc = {.fields = schema};
        if (fp_expr_check(e, &sc, &err) == FP_OK) {
            fp_ev v = fp_expr_eval(e, &sc); /* the schema's placeholder values stand in for metrics */
            fp_ev_free(&v);
        }
        fp_v_free(schema);
        fp_expr_free(e);
    }
    free(src);
    return 0;
}
