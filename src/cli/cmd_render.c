/* cmd_render.c — `fupan render`: a template, a data directory and a scope become report files. */
#include "cli.h"

#include "expand.h"
#include "notes.h"
#include "output.h"
#include "render.h"
#include "template.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char HELP[] =
    "usage: fupan render --template FILE|NAME --data DIR --period P\n"
    "                    [--team NAME | --region NAME | --rep NAME] [--profile FILE|NAME]\n"
    "                    [--notes FILE] [--format pdf,html,xlsx] [--out DIR] [--as-of DATE] [--author NAME]\n"
    "                    [--lang zh|en]\n"
    "\n"
    "Writes the report of a template for the company, a region, a team or a rep, as PDF and HTML.\n"
    "\n"
    "  --template T      a template file, or the name of a shipped one: weekly, monthly, quarterly,\n"
    "                    annual (one review template), retrospective, self-review, rollup\n"
    "  --lang L          zh or en: the language of the report (default: the template's)\n"
    "  --data DIR        the folder with the CSV export; --profile as for `fupan metrics`\n"
    "  --period P        2026-W43, 2026-10, 2026-Q4 or 2026 (the template says which kinds it supports)\n"
    "  --team NAME       one team; --region NAME one region; --rep NAME one rep; none: the company\n"
    "  --notes FILE      the manager's notes, whose parts the template places (templates/README.md)\n"
    "  --format F        a list of pdf, html, xlsx (an Excel workbook of the figures and tables) and png\n"
    "                    (each chart); default pdf,html\n"
    "  --out DIR         where to write OUT/<scope>-<period>.pdf and .html (default: the current folder)\n"
    "  --as-of DATE      the last day counted (default: today)\n"
    "  --author NAME     the author printed on the report (default: the notes' author)\n"
    "  --help            this help\n"
    "\n"
    "Files are written to a temporary name and renamed, so a failure never leaves half a report.\n"
    "With SOURCE_DATE_EPOCH set, the report date and the PDF's creation date come from it.\n"
    "Exit codes: 0 ok, 1 bad data or template, 2 bad command line, 3 cannot write.\n";



/* every chart of the document as OUT/<name>-chart-N.png (N from 1, in reading order) */
static int png_walk(const fp_node *n, fp_fontset *fonts, const char *out, const char *base, int *k)
{
    if (n->chart) {
        fp_buf b;
        fp_buf_init(&b);
        fp_error err = {0};
        double w = FP_CHART_WIDTH;
        char name[300];
        snprintf(name, sizeof name, "%s-chart-%d.png", base, ++*k);
        int rc = 0;
        if (fp_chart_png(n->chart, n->title, fonts, w, fp_chart_height(n->chart, w), 2.0, &b, &err) != FP_OK ||
            fp_write_atomic(out, name, b.data, b.len, &err) != FP_OK)
            rc = fp_cli_fail(&err);
        else
            printf("%s/%s\n", out, name);
        fp_buf_free(&b);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        int rc = png_walk(n->kids[i], fonts, out, base, k);
        if (rc)
            return rc;
    }
    return 0;
}

static int write_pngs(const fp_node *root, fp_fontset *fonts, const char *out, const char *base)
{
    int k = 0;
    return png_walk(root, fonts, out, base, &k);
}

int fp_cmd_render(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'L'},    {"profile", required_argument, 0, 'L'},
        {"period", required_argument, 0, 'L'},  {"team", required_argument, 0, 'L'},
        {"region", required_argument, 0, 'L'},  {"rep", required_argument, 0, 'L'},
        {"as-of", required_argument, 0, 'L'},   {"threads", required_argument, 0, 'L'},
        {"template", required_argument, 0, 't'}, {"notes", required_argument, 0, 'n'},
        {"format", required_argument, 0, 'f'},  {"out", required_argument, 0, 'o'},
        {"author", required_argument, 0, 'a'},  {"lang", required_argument, 0, 'g'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},       {0, 0, 0, 0}};
    fp_cli_data r = {.q = {.scope = FP_SCOPE_COMPANY}};
    const char *tmpl = NULL, *notes_path = NULL, *format = "pdf,html", *out = ".", *author = NULL, *lang = NULL;
    optind = 1;
    opterr = 0;
    int c, li = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        switch (c) {
        case 'L': {
            int rc = fp_cli_data_opt(&r, "render", opts[li].name, optarg);
            if (rc)
                return rc;
            break;
        }
        case 't':
            tmpl = optarg;
            break;
        case 'n':
            notes_path = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'a':
            author = optarg;
            break;
        case 'g':
            if (fp_cli_lang("render", optarg))
                return 2;
            lang = optarg;
            break;
        case 'h':
            fputs(HELP, stdout);
            return 0;
        case 'V':
            printf("fupan %s\n", FP_VERSION);
            return 0;
        case ':':
            return fp_cli_usage("render", "%s needs a value", argv[optind - 1]);
        default:
            return fp_cli_usage("render", "unknown option \"%s\"", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return fp_cli_usage("render", "unexpected argument \"%s\"", argv[optind]);
    if (!tmpl)
        return fp_cli_usage("render", "--template is required (a file, or a shipped name such as monthly)");
    bool want_pdf = false, want_html = false, want_png = false, want_xlsx = false;
    for (const char *p = format;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 3 && !strncmp(p, "pdf", 3))
            want_pdf = true;
        else if (len == 4 && !strncmp(p, "html", 4))
            want_html = true;
        else if (len == 3 && !strncmp(p, "png", 3))
            want_png = true;
        else if (len == 4 && !strncmp(p, "xlsx", 4))
            want_xlsx = true;
        else /* an empty item too: "", "pdf,,html", "pdf," */
            return fp_cli_usage("render", "--format wants a list of pdf, html, xlsx (Excel) and png (charts), such "
                                          "as pdf,html, not \"%s\"", format);
        if (!comma)
            break;
        p = comma + 1;
    }
    if (out && !*out)
        return fp_cli_usage("render", "--out wants a folder, such as --out reports/2026-10 (it was empty)");
    int rc = fp_cli_data_check(&r, "render");
    if (rc)
        return rc;

    fp_error err = {0};
    char tpath[PATH_MAX], schema[PATH_MAX];
    if ((rc = fp_cli_template(tmpl, tpath, sizeof tpath, &lang, &err)) != 0)
        return rc;
    if (fp_datafile("template.rng", schema, sizeof schema, &err) != FP_OK)
        return fp_cli_fail(&err);
    fp_template *t = NULL;
    fp_notes *notes = NULL;
    fp_profile *prof = NULL;
    fp_dataset *ds = NULL;
    fp_fontset *fonts = NULL;
    if (fp_template_load_lang(tpath, schema, lang, &t, &err) != FP_OK) {
        rc = fp_cli_fail(&err);
        goto out;
    }
    if (notes_path && fp_notes_load(notes_path, &notes, &err) != FP_OK) {
        rc = fp_cli_fail(&err);
        goto out;
    }
    if ((rc = fp_cli_load(&r, &prof, &ds)) != 0)
        goto out;
    /* the fonts: embedded in the PDF, and measuring every chart's text */
    if (fp_fonts_default(&fonts, &err) != FP_OK) {
        rc = fp_cli_fail(&err);
        goto out;
    }
    char date[16];
    fp_report_req req = {.ds = ds, .tmpl = t, .notes = notes, .q = r.q, .date = date, .author = author,
                         .fonts = fonts, .pdf = want_pdf, .html = want_html, .xlsx = want_xlsx,
                         .keep_doc = want_png};
    fp_report_date(date, &req.created);
    fp_report rep;
    if (fp_report_make(&req, &rep, &err) != FP_OK) {
        rc = fp_cli_fail(&err);
        fp_report_free(&rep);
        goto out;
    }
    if (fp_make_dir(out, &err) != FP_OK) {
        rc = fp_cli_fail(&err);
        fp_report_free(&rep);
        goto out;
    }
    /* OUT/<scope>-<period>.pdf and .html */
    const struct {
        bool want;
        const char *ext;
        const fp_buf *b;
    } kinds[] = {{want_pdf, "pdf", &rep.pdf}, {want_html, "html", &rep.html}, {want_xlsx, "xlsx", &rep.xlsx}};
    for (int k = 0; k < 3 && rc == 0; k++) {
        if (!kinds[k].want)
            continue;
        char name[240];
        snprintf(name, sizeof name, "%s.%s", rep.base, kinds[k].ext);
        if (fp_write_atomic(out, name, kinds[k].b->data, kinds[k].b->len, &err) != FP_OK)
            rc = fp_cli_fail(&err);
        else
            printf("%s/%s\n", out, name);
    }
    if (want_png && rc == 0)
        rc = write_pngs(rep.doc->root, fonts, out, rep.base);
    if (rep.warnings.len)
        fprintf(stderr, "%s", rep.warnings.data);
    fp_report_free(&rep);
out:
    fp_fontset_free(fonts);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    fp_notes_free(notes);
    fp_template_free(t);
    return rc;
}
