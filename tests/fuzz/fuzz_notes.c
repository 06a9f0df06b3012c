/* fuzz target: the manager's notes file. */
#include "notes.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    fp_notes *nt = NULL;
    fp_error err = {0};
    if (fp_notes_parse("fuzz.md", (const char *)data, n, &nt, &err) == FP_OK)
        fp_notes_free(nt);
    return 0;
}
