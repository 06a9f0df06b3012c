/* bench/render.c — how long fupan takes to turn computed metrics into the demo monthly report.
 *
 * Loads samples/demo and computes 华东一组's October 2026 metrics once (not timed), loads the fonts
 * once (timed separately: a batch run loads them once for all its reports), then RUNS times: expands
 * the monthly template with the notes into a document tree and renders it to PDF and to HTML, in
 * memory. Prints the median and the fastest run of each step, in milliseconds, and the first run alone:
 * it outlines the characters the document uses, which the fontset keeps for every later document.
 *
 * Then the cost of one chart in the PDF: bench/charts.xml (every chart kind twice, 28 charts) and the
 * same template with the charts left out are rendered RUNS times each; the difference of the medians
 * divided by the number of charts is what one chart costs (drawing, its text in the font, its bytes).
 *
 * usage: bench-render SRC_DIR [RUNS]     (SRC_DIR: the source tree, for samples/ and templates/)
 */
#include "dataset.h"
#include "expand.h"
#include "font_subset.h"
#include "metrics.h"
#include "metrics_value.h"
#include "notes.h"
#include "period.h"
#include "profile.h"
#include "render.h"
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what, const fp_error *e)
{
    fprintf(stderr, "bench-render: %s: %s\n", what, e->msg);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench-render SRC_DIR [RUNS]\n");
        return 2;
    }
    const char *src = argv[1];
    int runs = argc > 2 ? atoi(argv[2]) : 30;
    if (runs < 1)
        runs = 1;
    char p1[4096], p2[4096];
    fp_error e = {0};

    fp_profile *prof;
    snprintf(p1, sizeof p1, "%s/samples/demo/profile.xml", src);
    snprintf(p2, sizeof p2, "%s/templates/profile.rng", src);
    if (fp_profile_load(p1, p2, &prof, &e) != FP_OK)
        die("profile", &e);
    fp_dataset *ds;
    snprintf(p1, sizeof p1, "%s/samples/demo", src);
    if (fp_dataset_load(p1, prof, 1, &ds, &e) != FP_OK)
        die("data", &e);
    fp_query q = {.scope = FP_SCOPE_TEAM, .name = "华东一组"};
    if (fp_period_parse("2026-10", &q.period, &e) != FP_OK)
        die("period", &e);
    q.as_of = q.period.end;
    fp_metrics *m;
    if (fp_metrics_compute(ds, &q, &m, &e) != FP_OK)
        die("metrics", &e);
    fp_value *mv = fp_metrics_value(m);

    fp_template *t;
    snprintf(p1, sizeof p1, "%s/templates/review.xml", src);
    snprintf(p2, sizeof p2, "%s/templates/template.rng", src);
    double t0 = now_ms();
    if (fp_template_load(p1, p2, &t, &e) != FP_OK)
        die("template", &e);
    double tpl_ms = now_ms() - t0;
    fp_notes *notes;
    snprintf(p1, sizeof p1, "%s/samples/notes/华东一组-2026-10.md", src);
    if (fp_notes_load(p1, &notes, &e) != FP_OK)
        die("notes", &e);

    t0 = now_ms();
    char f1[4200], f2[4200];
    snprintf(f1, sizeof f1, "%s/fonts/wqy-microhei.ttc:0", src);
    snprintf(f2, sizeof f2, "%s/fonts/DroidSansFallbackFull.ttf", src);
    const char *paths[] = {f1, f2};
    fp_fontset *fonts;
    if (fp_fontset_load(paths, 2, &fonts, &e) != FP_OK)
        die("fonts", &e);
    double font_ms = now_ms() - t0;

    double *ex = calloc((size_t)runs, sizeof *ex), *pdf = calloc((size_t)runs, sizeof *pdf);
    double *html = calloc((size_t)runs, sizeof *html), *all = calloc((size_t)runs, sizeof *all);
    size_t pdf_bytes = 0, html_bytes = 0;
    for (int i = 0; i < runs; i++) {
        fp_expand_opts eo = {.date = "2026-11-02"};
        fp_doc *doc;
        fp_buf b1, b2;
        fp_buf_init(&b1);
        fp_buf_init(&b2);
        fp_render_opts ro = {.fonts = fonts, .created = (time_t)1793577600};
        double a = now_ms();
        if (fp_expand(t, mv, notes, &eo, &doc, &e) != FP_OK)
            die("expand", &e);
        double b = now_ms();
        if (fp_render_pdf(doc, &ro, &b1, &e) != FP_OK)
            die("pdf", &e);
        double c = now_ms();
        if (fp_render_html(doc, &ro, &b2, &e) != FP_OK)
            die("html", &e);
        double d = now_ms();
        ex[i] = b - a;
        pdf[i] = c - b;
        html[i] = d - c;
        all[i] = d - a;
        pdf_bytes = b1.len;
        html_bytes = b2.len;
        fp_buf_free(&b1);
        fp_buf_free(&b2);
        fp_doc_free(doc);
    }
    double first = all[0]; /* no glyph outlined yet: what a single `fupan render` pays */
    qsort(ex, (size_t)runs, sizeof *ex, cmp);
    qsort(pdf, (size_t)runs, sizeof *pdf, cmp);
    qsort(html, (size_t)runs, sizeof *html, cmp);
    qsort(all, (size_t)runs, sizeof *all, cmp);
    int mid = (runs - 1) / 2;
    printf("  expand template → document     %7.2f ms  (fastest %.2f)\n", ex[mid], ex[0]);
    printf("  render PDF (%4zu KB)            %7.2f ms  (fastest %.2f)\n", pdf_bytes / 1024, pdf[mid], pdf[0]);
    printf("  render HTML (%3zu KB)            %7.2f ms  (fastest %.2f)\n", html_bytes / 1024, html[mid], html[0]);
    printf("  expand + PDF + HTML            %7.2f ms  (fastest %.2f; target < 10 ms; PDF < 250 KB)\n", all[mid],
           all[0]);
    printf("  the first of them                %5.2f ms  (its characters outlined: later documents take them from the\n"
           "                                             fontset, as in a batch or fupan serve)\n", first);
    printf("  once per run: fonts %.1f ms, template %.1f ms\n", font_ms, tpl_ms);
    /* one chart's cost in the PDF */
    double per_chart = 0;
    size_t pdf_charts_bytes = 0;
    int ncharts = 0;
    {
        fp_template *tc, *tn;
        snprintf(p1, sizeof p1, "%s/bench/charts.xml", src);
        if (fp_template_load(p1, p2, &tc, &e) != FP_OK)
            die("bench/charts.xml", &e);
        snprintf(p1, sizeof p1, "%s/bench/no-charts.xml", src);
        if (fp_template_load(p1, p2, &tn, &e) != FP_OK)
            die("bench/no-charts.xml", &e);
        double *with = calloc((size_t)runs, sizeof *with), *without = calloc((size_t)runs, sizeof *without);
        for (int i = 0; i < runs; i++) {
            for (int k = 0; k < 2; k++) {
                fp_expand_opts eo = {.date = "2026-11-02"};
                fp_doc *doc;
                if (fp_expand(k ? tn : tc, mv, NULL, &eo, &doc, &e) != FP_OK)
                    die("expand", &e);
                if (!k && !ncharts)
                    for (size_t s0 = 0; s0 < doc->root->nkids; s0++)
                        for (size_t s1 = 0; s1 < doc->root->kids[s0]->nkids; s1++)
                            ncharts += doc->root->kids[s0]->kids[s1]->chart != NULL;
                fp_buf b;
                fp_buf_init(&b);
                fp_render_opts ro = {.fonts = fonts, .created = (time_t)1793577600};
                double a = now_ms();
                if (fp_render_pdf(doc, &ro, &b, &e) != FP_OK)
                    die("pdf", &e);
                (k ? without : with)[i] = now_ms() - a;
                if (!k)
                    pdf_charts_bytes = b.len;
                fp_buf_free(&b);
                fp_doc_free(doc);
            }
        }
        qsort(with, (size_t)runs, sizeof *with, cmp);
        qsort(without, (size_t)runs, sizeof *without, cmp);
        per_chart = ncharts ? (with[mid] - without[mid]) / ncharts : 0;
        printf("  one chart in the PDF           %7.3f ms  (%d charts: %.2f ms, without them %.2f ms, %zu KB; "
               "target < 2 ms)\n",
               per_chart, ncharts, with[mid], without[mid], pdf_charts_bytes / 1024);
        free(with);
        free(without);
        fp_template_free(tc);
        fp_template_free(tn);
    }
    int ok = all[mid] < 10.0 && per_chart < 2.0 && pdf_bytes < 250 * 1024;
    free(ex);
    free(pdf);
    free(html);
    free(all);
    fp_fontset_free(fonts);
    fp_notes_free(notes);
    fp_template_free(t);
    fp_v_free(mv);
    fp_metrics_free(m);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    return ok ? 0 : 1;
}
