/* fuzz target: a whole report from what users vary together — the profile (which columns and tables are
 * mapped, one header for two columns, encodings, units, currency, delimiters) and the data files — through
 * loading, metrics, expansion and both renderers (PDF and HTML).
 *
 * The input is a small archive of parts separated by a line "%%":
 *   part 0   the request: "TEMPLATE LANG SCOPE NAME PERIOD AS-OF", e.g. "review zh team A 2026-10 2026-10-31"
 *            (TEMPLATE one of weekly review retrospective self-review rollup; SCOPE company region team rep;
 *            a word that does not parse takes the default)
 *   part 1   profile.xml
 *   part 2…  a data file: its name on the first line (letters, digits, '.', '_', '-'), then its bytes
 * The seeds in tests/fuzz/corpus/fuzz_report are written by tests/fuzz/seed_report.py from tests/data/small.
 */
#include "dataset.h"
#include "metrics.h"
#include "period.h"
#include "profile.h"
#include "report.h"
#include "template.h"

#include <dirent.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static const char *KINDS[] = {"weekly", "review", "retrospective", "self-review", "rollup"};
#define NKINDS (sizeof KINDS / sizeof *KINDS)

static struct {
    char dir[512], prng[1024];
    fp_template *tmpl[NKINDS][2];
    fp_fontset *fonts;
} S;

static void init(void)
{
    const char *src = getenv("FUPAN_SRC");
    src = src && *src ? src : ".";
    char datadir[1024];
    snprintf(datadir, sizeof datadir, "%s/templates", src);
    setenv("FUPAN_DATADIR", datadir, 0);
    snprintf(S.dir, sizeof S.dir, "/tmp/fupan-fuzz-report-%d", (int)getpid());
    snprintf(S.prng, sizeof S.prng, "%s/templates/profile.rng", src);
    char trng[1100];
    snprintf(trng, sizeof trng, "%s/templates/template.rng", src);
    for (size_t k = 0; k < NKINDS; k++)
        for (int l = 0; l < 2; l++) {
            char path[1200];
            snprintf(path, sizeof path, "%s/templates/%s.xml", src, KINDS[k]);
            fp_error e = {0};
            if (fp_template_load_lang(path, trng, l ? "en" : "zh", &S.tmpl[k][l], &e) != FP_OK) {
                fprintf(stderr, "fuzz_report: %s\n", e.msg);
                abort();
            }
        }
    fp_error e = {0};
    if (fp_fonts_default(&S.fonts, &e) != FP_OK) {
        fprintf(stderr, "fuzz_report: %s\n", e.msg);
        abort();
    }
}

/* the next part of the archive: [*p, end) up to the next "\n%%\n" (or the end) */
static bool next_part(const char **p, const char *end, const char **s, size_t *len)
{
    if (!*p)
        return false;
    *s = *p;
    for (const char *q = *p; q + 4 <= end; q++)
        if (!memcmp(q, "\n%%\n", 4)) {
            *len = (size_t)(q - *s);
            *p = q + 4;
            return true;
        }
    *len = (size_t)(end - *s);
    *p = NULL;
    return true;
}

static void clear_dir(void)
{
    DIR *d = opendir(S.dir);
    if (!d) {
        if (mkdir(S.dir, 0700) != 0)
            abort();
        return;
    }
    struct dirent *de;
    char path[1024];
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", S.dir, de->d_name);
        unlink(path);
    }
    closedir(d);
}

static void write_file(const char *name, const char *s, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", S.dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (len)
        fwrite(s, 1, len, f);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    if (!S.fonts)
        init();
    const char *p = (const char *)data, *end = p + n, *s;
    size_t len;
    /* part 0: the request */
    char req[256] = "", w[6][64] = {"review", "zh", "team", "A", "2026-10", "2026-10-31"};
    if (!next_part(&p, end, &s, &len))
        return 0;
    snprintf(req, sizeof req, "%.*s", (int)(len < 255 ? len : 255), s);
    {
        char *save = NULL, *tok = strtok_r(req, " \t\r\n", &save);
        for (int i = 0; tok && i < 6; i++, tok = strtok_r(NULL, " \t\r\n", &save))
            snprintf(w[i], sizeof w[i], "%s", tok);
    }
    size_t kind = 1;
    for (size_t k = 0; k < NKINDS; k++)
        if (!strcmp(w[0], KINDS[k]))
            kind = k;
    int lang = !strcmp(w[1], "en");
    fp_query q = {.scope = FP_SCOPE_TEAM, .name = w[3]};
    if (!strcmp(w[2], "company"))
        q.scope = FP_SCOPE_COMPANY, q.name = NULL;
    else if (!strcmp(w[2], "region"))
        q.scope = FP_SCOPE_REGION;
    else if (!strcmp(w[2], "rep"))
        q.scope = FP_SCOPE_REP;
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("FUZZ_REPORT_VERBOSE") != NULL;
    fp_error err = {0};
    if (fp_period_parse(w[4], &q.period, &err) != FP_OK && fp_period_parse("2026-10", &q.period, &err) != FP_OK)
        abort();
    if (!fp_date_parse(w[5], strlen(w[5]), &q.as_of))
        fp_date_parse("2026-10-31", 10, &q.as_of);

    /* part 1: the profile; parts 2…: the data files */
    clear_dir();
    if (!next_part(&p, end, &s, &len))
        return 0;
    write_file("profile.xml", s, len);
    while (next_part(&p, end, &s, &len)) {
        const char *nl = memchr(s, '\n', len);
        size_t nlen = nl ? (size_t)(nl - s) : len;
        char name[64];
        if (nlen == 0 || nlen >= sizeof name)
            continue;
        bool ok = true;
        for (size_t i = 0; i < nlen; i++) {
            char c = s[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-'))
                ok = false;
        }
        if (!ok || s[0] == '.' || (nlen == 11 && !memcmp(s, "profile.xml", 11)))
            continue;
        memcpy(name, s, nlen);
        name[nlen] = 0;
        write_file(name, nl ? nl + 1 : s + len, nl ? len - nlen - 1 : 0);
    }

    char pp[1100];
    snprintf(pp, sizeof pp, "%s/profile.xml", S.dir);
    fp_profile *prof = NULL;
    fp_dataset *ds = NULL;
    if (fp_profile_load(pp, S.prng, &prof, &err) == FP_OK && fp_dataset_load(S.dir, prof, 1, &ds, &err) == FP_OK) {
        fp_report_req r = {.ds = ds, .tmpl = S.tmpl[kind][lang], .q = q, .date = "2026-11-02",
                           .created = (time_t)1793577600, .fonts = S.fonts, .pdf = true, .html = true};
        fp_report rep;
        if (fp_report_make(&r, &rep, &err) == FP_OK && verbose)
            fprintf(stderr, "fuzz_report: %s: %zu bytes of PDF, %zu of HTML\n", rep.base, rep.pdf.len, rep.html.len);
        fp_report_free(&rep);
    }
    if (err.msg[0] && verbose)
        fprintf(stderr, "fuzz_report: %s\n", err.msg);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    return 0;
}
