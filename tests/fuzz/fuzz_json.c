/* fuzz target: the JSON reader (batch manifests, read by `fupan mail`). */
#include "value.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    fp_value *v = NULL;
    fp_error err = {0};
    if (fp_json_parse("fuzz.json", (const char *)data, n, &v, &err) == FP_OK) {
        fp_buf b;
        fp_buf_init(&b);
        fp_json_write(v, 1, &b); /* what was read can be written */
        fp_buf_free(&b);
        fp_v_free(v);
    }
    return 0;
}
