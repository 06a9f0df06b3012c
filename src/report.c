/* report.c — one report from loaded data; see report.h. */
#include "report.h"

#include "date.h"
#include "expand.h"
#include "metrics_value.h"
#include "output.h"
#include "paths.h"
#include "period.h"
#include "render.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fp_report_base(const fp_query *q, char *out, size_t n)
{
    fp_report_base_tagged(q, NULL, out, n);
}

void fp_report_base_tagged(const fp_query *q, const char *tag, char *out, size_t n)
{
    char label[32], scope[200];
    fp_period_label(&q->period, label, sizeof label);
    /* the scope is shortened, never the period: <scope>[~tag]-<period> in at most 120 bytes */
    size_t room = 120 - strlen(label) - 1 - (tag ? strlen(tag) + 1 : 0);
    fp_safe_name(q->scope == FP_SCOPE_COMPANY || !q->name ? "全公司" : q->name, scope,
                 room + 1 < sizeof scope ? room + 1 : sizeof scope);
    snprintf(out, n, "%s%s%s-%s", scope, tag ? "~" : "", tag ? tag : "", label);
}

/* the first item of the first box headed as risks (风险提示, Risks): what a chat message names first */
static char *first_risk(const fp_node *n)
{
    if (n->type == FP_NODE_BOX && n->title && (strstr(n->title, "风险") || strstr(n->title, "Risk"))) {
        for (size_t i = 0; i < n->nkids; i++)
            if (n->kids[i]->type == FP_NODE_LIST && n->kids[i]->nkids) {
                char *t = fp_node_text(n->kids[i]->kids[0]);
                size_t k = strlen(t);
                while (k && (t[k - 1] == '\n' || t[k - 1] == ' '))
                    t[--k] = 0;
                return t;
            }
        return NULL;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        char *r = first_risk(n->kids[i]);
        if (r)
            return r;
    }
    return NULL;
}

fp_status fp_report_make(const fp_report_req *r, fp_report *out, fp_error *err)
{
    memset(out, 0, sizeof *out);
    fp_buf_init(&out->pdf);
    fp_buf_init(&out->html);
    fp_buf_init(&out->xlsx);
    fp_buf_init(&out->warnings);
    out->attainment = out->mom = out->yoy = NAN;
    fp_report_base(&r->q, out->base, sizeof out->base);
    fp_metrics *m = NULL;
    double t = fp_thread_cpu(), t1;
    fp_status st = fp_template_check_period(r->tmpl, &r->q.period, err);
    if (st == FP_OK)
        st = fp_metrics_compute(r->ds, &r->q, &m, err);
    if (st != FP_OK)
        return st;
    out->cpu_metrics = (t1 = fp_thread_cpu()) - t;
    t = t1;
    fp_query_warnings(r->ds, &r->q, &out->warnings);
    out->sales = m->sales;
    out->orders = m->orders;
    out->attainment = m->attainment;
    out->mom = m->mom;
    out->yoy = m->yoy;
    fp_value *mv = fp_metrics_value(m);
    fp_metrics_free(m);
    fp_expand_opts eo = {.date = r->date, .author = r->author, .warnings = &out->warnings};
    fp_doc *doc = NULL;
    st = fp_expand(r->tmpl, mv, r->notes, &eo, &doc, err);
    fp_v_free(mv);
    if (st != FP_OK)
        return st;
    out->title = fp_xstrdup(doc->title ? doc->title : "");
    out->risk = first_risk(doc->root);
    out->cpu_expand = (t1 = fp_thread_cpu()) - t;
    t = t1;
    fp_render_opts ro = {.fonts = r->fonts, .created = r->created, .warnings = &out->warnings};
    if (r->pdf && (st = fp_render_pdf(doc, &ro, &out->pdf, err)) != FP_OK) {
        fp_doc_free(doc);
        return st;
    }
    out->cpu_pdf = (t1 = fp_thread_cpu()) - t;
    t = t1;
    if (r->html && (st = fp_render_html(doc, &ro, &out->html, err)) != FP_OK) {
        fp_doc_free(doc);
        return st;
    }
    out->cpu_html = (t1 = fp_thread_cpu()) - t;
    t = t1;
    if (r->xlsx && (st = fp_render_xlsx(doc, &ro, &out->xlsx, err)) != FP_OK) {
        fp_doc_free(doc);
        return st;
    }
    out->cpu_xlsx = fp_thread_cpu() - t;
    if (r->keep_doc)
        out->doc = doc;
    else
        fp_doc_free(doc);
    return FP_OK;
}

void fp_report_free(fp_report *r)
{
    fp_buf_free(&r->pdf);
    fp_buf_free(&r->html);
    fp_buf_free(&r->xlsx);
    fp_buf_free(&r->warnings);
    fp_doc_free(r->doc);
    free(r->title);
    free(r->risk);
    memset(r, 0, sizeof *r);
}

fp_status fp_fonts_default(fp_fontset **out, fp_error *err)
{
    char dir[PATH_MAX];
    fp_status st = fp_fontdir(dir, sizeof dir, err);
    if (st != FP_OK)
        return st;
    char f1[PATH_MAX + 32], f2[PATH_MAX + 32];
    snprintf(f1, sizeof f1, "%s/wqy-microhei.ttc:0", dir);
    snprintf(f2, sizeof f2, "%s/DroidSansFallbackFull.ttf", dir);
    const char *paths[] = {f1, f2};
    return fp_fontset_load(paths, 2, out, err);
}

void fp_report_date(char out[16], time_t *created)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    struct tm tm;
    *created = (time_t)-1;
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0) {
            t = (time_t)v;
            *created = t;
            gmtime_r(&t, &tm);
            fp_date_format(fp_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday), out);
            return;
        }
    }
    localtime_r(&t, &tm);
    fp_date_format(fp_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday), out);
}
