/* fuzz target: the CSV loader with a profile — the input is written as the orders file of a copy of
 * tests/data/small and the whole data folder loaded (encodings, quoting, typed cells, line numbers). */
#include "dataset.h"
#include "profile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    static char dir[512], orders[600];
    static fp_profile *prof;
    if (!prof) {
        const char *src = getenv("FUPAN_SRC");
        src = src && *src ? src : ".";
        snprintf(dir, sizeof dir, "/tmp/fupan-fuzz-csv-%d", (int)getpid());
        char cmd[1400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s/tests/data/small' '%s'", dir, src, dir);
        if (system(cmd))
            abort();
        snprintf(orders, sizeof orders, "%s/orders.csv", dir);
        char pp[700], rng[1100];
        snprintf(pp, sizeof pp, "%s/profile.xml", dir);
        snprintf(rng, sizeof rng, "%s/templates/profile.rng", src);
        fp_error e = {0};
        if (fp_profile_load(pp, rng, &prof, &e) != FP_OK)
            abort();
    }
    FILE *f = fopen(orders, "wb");
    if (!f)
        abort();
    fwrite(data, 1, n, f);
    fclose(f);
    fp_dataset *ds = NULL;
    fp_error err = {0};
    if (fp_dataset_load(dir, prof, 2, &ds, &err) == FP_OK)
        fp_dataset_free(ds);
    return 0;
}
