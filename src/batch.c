/* batch.c — every scope's report in one run; see batch.h. */
#include "batch.h"

#include "render.h"

#include "format.h"
#include "output.h"
#include "period.h"
#include "pool.h"
#include "value.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/file.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **fp_batch_scopes(const fp_dataset *ds, fp_scope_kind by, size_t *n)
{
    fp_domain dom = by == FP_SCOPE_REGION ? FP_DOM_REGION : by == FP_SCOPE_REP ? FP_DOM_PERSON : FP_DOM_TEAM;
    uint32_t size = fp_dict_size(ds->dict[dom]);
    const char **names = fp_xmalloc((size ? size : 1) * sizeof *names);
    size_t k = 0;
    for (uint32_t id = 1; id < size; id++) { /* id 0 is the empty string */
        const char *s = fp_ds_str(ds, dom, id);
        if (s && *s)
            names[k++] = s;
    }
    qsort(names, k, sizeof *names, cmp_str);
    *n = k;
    return names;
}

/* a report's files, written to temporary names, waiting to be flushed to disk and renamed into place */
typedef struct commit {
    size_t item;
    int nfiles;
    fp_pending f[3];
} commit;

typedef struct run {
    const fp_batch_req *r;
    fp_batch_item *items;
    size_t n, done;
    pthread_mutex_t lock;
    double cpu[6]; /* metrics, expand, PDF, HTML, .xlsx, files: processor seconds over all reports */
    /* the committer: a thread that flushes each report's files and renames them into place while the workers
     * make the next reports (a flush waits for the disk: on the workers it held up the batch by 7 %) */
    pthread_cond_t more;
    commit **queue; /* n slots: each report is queued at most once */
    size_t qhead, qtail;
    bool closing;
} run;

/* under the run's lock: one report finished (its files in place, or none of them) */
static void finished(run *ru, const fp_batch_item *it)
{
    ru->done++;
    if (ru->r->progress)
        ru->r->progress(ru->r->progress_ud, ru->done, ru->n, it);
}

static void *committer(void *arg)
{
    run *ru = arg;
    double cpu = fp_thread_cpu();
    pthread_mutex_lock(&ru->lock);
    for (;;) {
        while (ru->qhead == ru->qtail && !ru->closing)
            pthread_cond_wait(&ru->more, &ru->lock);
        if (ru->qhead == ru->qtail)
            break;
        commit *c = ru->queue[ru->qhead++];
        pthread_mutex_unlock(&ru->lock);
        fp_batch_item *it = &ru->items[c->item];
        fp_error err = {0};
        int k = 0;
        while (k < c->nfiles && fp_commit(&c->f[k], &err) == FP_OK)
            k++;
        if (k < c->nfiles) {
            /* a scope is all its files or none: the ones in place go, the ones still waiting too */
            for (int j = 0; j < k; j++)
                unlink(c->f[j].final);
            for (int j = k + 1; j < c->nfiles; j++)
                unlink(c->f[j].tmp);
            snprintf(it->error, sizeof it->error, "%.590s", err.msg);
        }
        bool ok = k == c->nfiles;
        free(c);
        pthread_mutex_lock(&ru->lock);
        it->ok = ok;
        finished(ru, it);
    }
    ru->cpu[5] += fp_thread_cpu() - cpu;
    pthread_mutex_unlock(&ru->lock);
    return NULL;
}

static void one(int i, void *arg)
{
    run *ru = arg;
    const fp_batch_req *r = ru->r;
    fp_batch_item *it = &ru->items[i];
    if (r->stop && *r->stop) {
        it->interrupted = true;
        snprintf(it->error, sizeof it->error, "interrupted before it was made");
        return;
    }
    double t0 = fp_now();
    fp_report_req req = {.ds = r->ds,
                         .tmpl = it->rollup ? r->rollup : r->tmpl,
                         .q = {.scope = it->rollup ? FP_SCOPE_COMPANY : r->by,
                               .name = it->rollup ? NULL : it->scope,
                               .period = r->period,
                               .as_of = r->as_of},
                         .date = r->date,
                         .created = r->created,
                         .fonts = r->fonts,
                         .pdf = true,
                         .html = true,
                         .xlsx = r->xlsx};
    fp_report rep;
    fp_error err = {0};
    double tw = 0;
    commit *c = NULL; /* the report's files, written and waiting for the committer */
    if (fp_report_make(&req, &rep, &err) == FP_OK) {
        tw = fp_thread_cpu();
        /* the file name is the one fp_batch_run chose for this scope (unique in the run), not rep.base */
        snprintf(rep.base, sizeof rep.base, "%s", it->base);
        it->title = fp_xstrdup(rep.title);
        it->sales = rep.sales;
        it->orders = rep.orders;
        it->attainment = rep.attainment;
        it->mom = rep.mom;
        it->yoy = rep.yoy;
        it->risk = rep.risk ? fp_xstrdup(rep.risk) : NULL;
        /* the files to temporary names; the committer puts them in place */
        c = fp_xcalloc(1, sizeof *c);
        c->item = (size_t)i;
        const fp_buf *data[3] = {&rep.pdf, &rep.html, &rep.xlsx};
        static const char *const ext[3] = {"pdf", "html", "xlsx"};
        bool written = true;
        for (int k = 0; k < (r->xlsx ? 3 : 2) && written; k++) {
            char name[220];
            snprintf(name, sizeof name, "%s.%s", rep.base, ext[k]);
            written = fp_write_temp(r->out, name, data[k]->data, data[k]->len, &c->f[k], &err) == FP_OK;
            if (written)
                c->nfiles++;
        }
        if (written) {
            it->pdf_bytes = rep.pdf.len;
            it->html_bytes = rep.html.len;
            fp_sha256_hex(rep.pdf.data, rep.pdf.len, it->pdf_sha);
            fp_sha256_hex(rep.html.data, rep.html.len, it->html_sha);
            if (r->xlsx) {
                it->xlsx_bytes = rep.xlsx.len;
                fp_sha256_hex(rep.xlsx.data, rep.xlsx.len, it->xlsx_sha);
            }
        } else {
            for (int k = 0; k < c->nfiles; k++) /* a scope is all its files or none */
                unlink(c->f[k].tmp);
            free(c);
            c = NULL;
        }
        tw = fp_thread_cpu() - tw;
    }
    if (!c)
        snprintf(it->error, sizeof it->error, "%.590s", err.msg[0] ? err.msg : "unknown error");
    double cpu[6] = {rep.cpu_metrics, rep.cpu_expand, rep.cpu_pdf, rep.cpu_html, rep.cpu_xlsx, tw};
    fp_report_free(&rep);
    it->seconds = fp_now() - t0; /* made and written; the committer's flush is not counted */
    pthread_mutex_lock(&ru->lock);
    for (int k = 0; k < 6; k++)
        ru->cpu[k] += cpu[k];
    if (c) {
        ru->queue[ru->qtail++] = c;
        pthread_cond_signal(&ru->more);
    } else {
        finished(ru, it);
    }
    pthread_mutex_unlock(&ru->lock);
}

static const char *kind_name(fp_scope_kind k)
{
    return k == FP_SCOPE_REGION ? "region" : k == FP_SCOPE_REP ? "rep" : k == FP_SCOPE_TEAM ? "team" : "company";
}

static void manifest(const fp_batch_req *r, const fp_batch_result *res, fp_buf *out)
{
    fp_value *root = fp_v_obj();
    fp_v_set(root, "schema", fp_v_count(1));
    fp_v_set(root, "template", fp_v_str(r->template_name ? r->template_name : ""));
    fp_v_set(root, "period", fp_v_str(r->period_text ? r->period_text : ""));
    fp_v_set(root, "by", fp_v_str(kind_name(r->by)));
    char shard[32];
    snprintf(shard, sizeof shard, "%d/%d", r->shard_k, r->shard_n);
    fp_v_set(root, "shard", fp_v_str(shard));
    fp_v_set(root, "date", fp_v_str(r->date));
    /* a period still running: its attainment is so far, not a verdict (fupan push says so) */
    fp_v_set(root, "complete", fp_v_bool(r->as_of >= r->period.end));
    fp_v_set(root, "currency", fp_v_str(r->ds->currency ? r->ds->currency->code : fp_currency_default()->code));
    fp_v_set(root, "lang", fp_v_str(r->tmpl && r->tmpl->lang && !strcmp(r->tmpl->lang, "en") ? "en" : "zh"));
    fp_v_set(root, "reports", fp_v_count((int64_t)res->n));
    fp_v_set(root, "failed", fp_v_count((int64_t)res->failed));
    fp_v_set(root, "interrupted", fp_v_count((int64_t)res->interrupted));
    fp_value *list = fp_v_arr();
    for (size_t i = 0; i < res->n; i++) {
        const fp_batch_item *it = &res->items[i];
        fp_value *o = fp_v_obj();
        fp_v_set(o, "scope", fp_v_str(it->rollup ? "全公司" : it->scope));
        fp_v_set(o, "kind", fp_v_str(it->rollup ? "company" : kind_name(r->by)));
        fp_v_set(o, "status", fp_v_str(it->ok ? "ok" : it->interrupted ? "interrupted" : "failed"));
        if (!it->ok)
            fp_v_set(o, "error", fp_v_str(it->error));
        if (it->ok) {
            fp_v_set(o, "title", fp_v_str(it->title));
            fp_value *files = fp_v_arr();
            const struct {
                const char *ext, *sha;
                size_t bytes;
            } f[3] = {{"pdf", it->pdf_sha, it->pdf_bytes},
                      {"html", it->html_sha, it->html_bytes},
                      {"xlsx", it->xlsx_sha, it->xlsx_bytes}};
            for (int k = 0; k < (r->xlsx ? 3 : 2); k++) {
                fp_value *fo = fp_v_obj();
                char name[220];
                snprintf(name, sizeof name, "%s.%s", it->base, f[k].ext);
                fp_v_set(fo, "name", fp_v_str(name));
                fp_v_set(fo, "bytes", fp_v_count((int64_t)f[k].bytes));
                fp_v_set(fo, "sha256", fp_v_str(f[k].sha));
                fp_v_push(files, fo);
            }
            fp_v_set(o, "files", files);
            fp_v_set(o, "sales", fp_v_money(it->sales));
            fp_v_set(o, "orders", fp_v_count(it->orders));
            fp_v_set(o, "attainment", fp_v_ratio(it->attainment));
            fp_v_set(o, "mom", fp_v_ratio(it->mom));
            fp_v_set(o, "yoy", fp_v_ratio(it->yoy));
            fp_v_set(o, "risk", it->risk ? fp_v_str(it->risk) : fp_v_null());
        }
        fp_v_push(list, o);
    }
    fp_v_set(root, "items", list);
    fp_json_write(root, 2, out);
    fp_buf_adds(out, "\n");
    fp_v_free(root);
}

static void cell_money(fp_buf *b, int64_t fen, const fp_currency *cur)
{
    fp_buf t;
    fp_buf_init(&t);
    fp_fmt_money_in(fen, FP_MONEY_AUTO, cur, &t);
    fp_buf_add_escaped(b, t.data ? t.data : "");
    fp_buf_free(&t);
}

static void cell_ratio(fp_buf *b, double v, bool sign)
{
    if (isnan(v)) {
        fp_buf_adds(b, "—");
        return;
    }
    fp_buf t;
    fp_buf_init(&t);
    fp_fmt_percent(v, 1, sign, &t);
    fp_buf_add_escaped(b, t.data ? t.data : "");
    fp_buf_free(&t);
}

static void add_url_path(fp_buf *b, const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
        if (*u >= 0x80 || (*u > 0x20 && *u < 0x7F && !strchr("\"#%&'<>?[\\]^`{|}", *u)))
            fp_buf_addc(b, (char)*u); /* UTF-8 stays readable; browsers encode it themselves */
        else
            fp_buf_printf(b, "%%%02X", *u);
    }
}

static void index_html(const fp_batch_req *r, const fp_batch_result *res, fp_buf *b)
{
    fp_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'\">\n<title>");
    fp_buf_add_escaped(b, r->period_text);
    fp_buf_adds(b, " 报告索引</title>\n<style>body{font:15px/1.6 \"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\","
                   "\"WenQuanYi Micro Hei\",sans-serif;color:#1f2933;margin:24px auto;max-width:960px;padding:0 14px}"
                   "table{border-collapse:collapse;width:100%}th,td{padding:6px 8px;border-bottom:1px solid #d9dee4;"
                   "text-align:left}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
                   ".bad{color:#c42b1c}.warn{color:#a15c00}.good{color:#1a7f37}.muted{color:#6b7785}"
                   ".wrap{overflow-x:auto}</style>\n</head>\n<body>\n<h1>");
    fp_buf_add_escaped(b, r->period_text);
    fp_buf_printf(b, " · %zu 份报告", res->n);
    if (res->failed)
        fp_buf_printf(b, "，<span class=\"bad\">%zu 份失败</span>", res->failed);
    fp_buf_adds(b, "</h1>\n<div class=\"wrap\"><table>\n<thead><tr><th>范围</th><th class=\"num\">销售额</th>"
                   "<th class=\"num\">目标达成率</th><th class=\"num\">环比</th><th>报告</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < res->n; i++) {
        const fp_batch_item *it = &res->items[i];
        fp_buf_adds(b, "<tr><td>");
        fp_buf_add_escaped(b, it->rollup ? "全公司（汇总）" : it->scope);
        fp_buf_adds(b, "</td>");
        if (!it->ok) {
            fp_buf_adds(b, it->interrupted ? "<td colspan=\"4\" class=\"muted\">未生成（运行被中断）：" :
                                             "<td colspan=\"4\" class=\"bad\">失败：");
            fp_buf_add_escaped(b, it->error);
            fp_buf_adds(b, "</td></tr>\n");
            continue;
        }
        fp_buf_adds(b, "<td class=\"num\">");
        cell_money(b, it->sales, r->ds->currency);
        const char *tone = isnan(it->attainment) ? "muted" : it->attainment < 0.8 ? "bad" : it->attainment < 1 ? "warn"
                                                                                                             : "good";
        fp_buf_printf(b, "</td><td class=\"num %s\">", tone);
        cell_ratio(b, it->attainment, false);
        fp_buf_printf(b, "</td><td class=\"num %s\">", isnan(it->mom) ? "muted" : it->mom < 0 ? "bad" : "good");
        cell_ratio(b, it->mom, true);
        fp_buf_adds(b, "</td><td><a href=\"");
        /* a file name (made safe by output.c) as a relative URL: # ? % and the like percent-encoded, or the link
         * would point elsewhere (A#1组 is the file A, anchor 1组) */
        add_url_path(b, it->base);
        fp_buf_adds(b, ".pdf\">PDF</a> · <a href=\"");
        add_url_path(b, it->base);
        fp_buf_adds(b, ".html\">HTML</a></td></tr>\n");
    }
    fp_buf_adds(b, "</tbody></table></div>\n<p class=\"muted\">fupan · ");
    fp_buf_add_escaped(b, r->date);
    fp_buf_adds(b, "</p>\n</body>\n</html>\n");
}

/* OUT/index.xlsx: index.html's table as a workbook, the figures as numbers */
static fp_status index_xlsx(const fp_batch_req *r, const fp_batch_result *res, fp_buf *out, fp_error *err)
{
    const char *labels[] = {"范围", "标题", "销售额", "订单数", "目标达成率", "环比", "状态", "PDF", "HTML", "Excel"};
    size_t nc = sizeof labels / sizeof *labels;
    fp_table_doc t = {.ncols = nc, .nrows = res->n};
    t.cols = fp_xcalloc(nc, sizeof *t.cols);
    for (size_t c = 0; c < nc; c++)
        t.cols[c].label = (char *)labels[c];
    t.cells = fp_xcalloc((res->n ? res->n : 1) * nc, sizeof *t.cells);
    for (size_t i = 0; i < res->n; i++) {
        const fp_batch_item *it = &res->items[i];
        fp_cell *row = &t.cells[i * nc];
        row[0].text = fp_xstrdup(it->rollup ? "全公司（汇总）" : it->scope);
        row[6].text = fp_xstrdup(it->ok ? "已生成" : it->interrupted ? "未生成（运行被中断）" : it->error);
        if (!it->ok)
            continue;
        row[1].text = fp_xstrdup(it->title ? it->title : "");
        row[2].num = (fp_num){FP_NUMT_MONEY, (double)it->sales / 100.0, 2};
        row[3].num = (fp_num){FP_NUMT_NUMBER, (double)it->orders, 0};
        if (!isnan(it->attainment))
            row[4].num = (fp_num){FP_NUMT_PERCENT, it->attainment, 1};
        if (!isnan(it->mom))
            row[5].num = (fp_num){FP_NUMT_PERCENT, it->mom, 1};
        const char *ext[] = {"pdf", "html", "xlsx"};
        for (int k = 0; k < 3; k++) {
            fp_buf b;
            fp_buf_init(&b);
            fp_buf_printf(&b, "%s.%s", it->base, ext[k]);
            row[7 + k].text = fp_buf_steal(&b);
        }
    }
    char title[300];
    snprintf(title, sizeof title, "%s 报告索引", r->period_text ? r->period_text : "");
    const fp_currency *cur = r->ds->currency ? r->ds->currency : fp_currency_default();
    fp_status st = fp_render_xlsx_table(title, "报告索引", &t, false, cur->symbol, out, err);
    for (size_t i = 0; i < res->n * nc; i++)
        free(t.cells[i].text);
    free(t.cells);
    free(t.cols);
    return st;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* the file names of the scopes names[0..ns) and of the roll-up (bases[ns]): <scope>-<period>, made safe; names
 * that come out alike (KA/大客户组, KA:大客户组, KA_大客户组; .华东一组 and 华东一组; letters that differ only in case,
 * which some file systems do not tell apart) each get a tag from their own name, so they stay apart and keep
 * their names from run to run */
static fp_status unique_bases(const fp_batch_req *r, const char *const *names, size_t ns, char (*bases)[200],
                              fp_error *err)
{
    fp_query q = {.scope = r->by, .period = r->period};
    for (size_t i = 0; i < ns; i++) {
        q.name = names[i];
        fp_report_base(&q, bases[i], sizeof bases[i]);
    }
    fp_query co = {.scope = FP_SCOPE_COMPANY, .period = r->period};
    fp_report_base(&co, bases[ns], sizeof bases[ns]);
    bool *clash = fp_xcalloc(ns + 1, sizeof *clash);
    for (size_t i = 0; i <= ns; i++)
        for (size_t j = i + 1; j <= ns; j++)
            if (!strcasecmp(bases[i], bases[j]))
                clash[i] = clash[j] = true;
    for (size_t i = 0; i < ns; i++) /* the roll-up keeps its name; a team called 全公司 moves aside */
        if (clash[i]) {
            char tag[16];
            snprintf(tag, sizeof tag, "%04x", (unsigned)(fnv1a(names[i]) & 0xFFFF));
            q.name = names[i];
            fp_report_base_tagged(&q, tag, bases[i], sizeof bases[i]);
        }
    free(clash);
    for (size_t i = 0; i <= ns; i++)
        for (size_t j = i + 1; j <= ns; j++)
            if (!strcasecmp(bases[i], bases[j]))
                return fp_fail(err, FP_ERR_INPUT, "the %s \"%s\" and the %s \"%s\" would both be written as "
                               "%s.pdf; rename one of them in the data", fp_scope_kind_name(r->by), names[i],
                               j == ns ? "roll-up" : fp_scope_kind_name(r->by), j == ns ? "全公司" : names[j], bases[i]);
    return FP_OK;
}

static fp_status lock_out(const fp_batch_req *r, int *fd, fp_error *err);
static fp_status batch_locked(const fp_batch_req *r, fp_batch_result *res, fp_error *err);

fp_status fp_batch_run(const fp_batch_req *r, fp_batch_result *res, fp_error *err)
{
    memset(res, 0, sizeof *res);
    if (r->shard_n < 1 || r->shard_k < 1 || r->shard_k > r->shard_n)
        return fp_fail(err, FP_ERR_USAGE, "--shard K/N needs 1 <= K <= N (found %d/%d)", r->shard_k, r->shard_n);
    /* what would fail every scope fails the run before it starts: a period the template is not for, or
     * one the data cannot speak for */
    fp_query company = {.scope = FP_SCOPE_COMPANY, .period = r->period, .as_of = r->as_of};
    fp_status st = fp_template_check_period(r->tmpl, &r->period, err);
    if (st == FP_OK && r->rollup)
        st = fp_template_check_period(r->rollup, &r->period, err);
    if (st == FP_OK)
        st = fp_query_check(r->ds, &company, err);
    bool has = r->by == FP_SCOPE_REGION ? r->ds->has_regions : r->by == FP_SCOPE_TEAM ? r->ds->has_teams : r->ds->has_reps;
    if (st == FP_OK && !has)
        st = fp_fail(err, FP_ERR_INPUT,
                     "--by %s: the data has no %ss (the profile maps no %s column%s)%s", fp_scope_kind_name(r->by),
                     fp_scope_kind_name(r->by), fp_scope_kind_name(r->by),
                     r->by == FP_SCOPE_REP ? "" : " and the roster gives none",
                     r->ds->has_teams && r->by != FP_SCOPE_TEAM       ? "; --by team makes one report per team"
                     : r->ds->has_regions && r->by != FP_SCOPE_REGION ? "; --by region makes one report per region"
                                                                       : "; render the company's report instead");
    if (st == FP_OK)
        st = fp_make_dir(r->out, err);
    if (st != FP_OK)
        return st;
    /* the manifest and the index, named by the shard when there are several */
    if (r->shard_n > 1) {
        snprintf(res->manifest, sizeof res->manifest, "manifest-%d-of-%d.json", r->shard_k, r->shard_n);
        snprintf(res->index, sizeof res->index, "index-%d-of-%d.html", r->shard_k, r->shard_n);
        snprintf(res->index_xlsx, sizeof res->index_xlsx, "index-%d-of-%d.xlsx", r->shard_k, r->shard_n);
    } else {
        snprintf(res->manifest, sizeof res->manifest, "manifest.json");
        snprintf(res->index, sizeof res->index, "index.html");
        snprintf(res->index_xlsx, sizeof res->index_xlsx, "index.xlsx");
    }
    int lock = -1;
    if ((st = lock_out(r, &lock, err)) != FP_OK)
        return st;
    st = batch_locked(r, res, err);
    /* the pid goes (a finished folder is the same bytes from run to run), then the lock with the descriptor */
    if (ftruncate(lock, 0) != 0) {
        /* an empty lock file is only tidier */
    }
    close(lock);
    return st;
}

/* One batch at a time writes a folder (one per shard: the shards of one run write side by side): a lock file
 * held with flock, which the kernel lets go when the process ends however it ends, so a dead run never blocks
 * the next. The lock holds the pid, for the message. */
static fp_status lock_out(const fp_batch_req *r, int *fd, fp_error *err)
{
    char name[64], path[4400];
    if (r->shard_n > 1)
        snprintf(name, sizeof name, ".fupan.shard-%d-of-%d.lock", r->shard_k, r->shard_n);
    else
        snprintf(name, sizeof name, ".fupan.lock");
    snprintf(path, sizeof path, "%s/%s", r->out, name);
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*fd < 0)
        return fp_fail(err, FP_ERR_IO, "%s: cannot make the lock file: %s", path, strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char pid[32] = "";
        ssize_t k = pread(*fd, pid, sizeof pid - 1, 0);
        pid[k > 0 ? k : 0] = 0;
        pid[strcspn(pid, "\n")] = 0;
        close(*fd);
        *fd = -1;
        char shard[48] = "";
        if (r->shard_n > 1)
            snprintf(shard, sizeof shard, " as the same shard (%d/%d)", r->shard_k, r->shard_n);
        if (e == EWOULDBLOCK)
            return fp_fail(err, FP_ERR_INPUT, "another fupan batch (pid %s) is writing to %s%s; wait for it to "
                           "finish, or write to another folder", *pid ? pid : "?", r->out, shard);
        return fp_fail(err, FP_ERR_IO, "%s: cannot lock: %s", path, strerror(e));
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(*fd, 0) != 0 || pwrite(*fd, pid, (size_t)len, 0) != len) {
        /* the lock holds without the pid; only the message would lack it */
    }
    return FP_OK;
}

static fp_status batch_locked(const fp_batch_req *r, fp_batch_result *res, fp_error *err)
{
    fp_status st;
    /* what a killed run left: its temporary files go, and the manifest and index of the run before are
     * withdrawn until this one writes its own, so that no manifest ever describes files it did not list */
    fp_sweep_temps(r->out);
    char old[4400];
    snprintf(old, sizeof old, "%s/%s", r->out, res->manifest);
    if (unlink(old) != 0 && errno != ENOENT)
        return fp_fail(err, FP_ERR_IO, "%s: cannot replace it: %s", old, strerror(errno));
    snprintf(old, sizeof old, "%s/%s", r->out, res->index);
    if (unlink(old) != 0 && errno != ENOENT)
        return fp_fail(err, FP_ERR_IO, "%s: cannot replace it: %s", old, strerror(errno));
    snprintf(old, sizeof old, "%s/%s", r->out, res->index_xlsx);
    if (unlink(old) != 0 && errno != ENOENT)
        return fp_fail(err, FP_ERR_IO, "%s: cannot replace it: %s", old, strerror(errno));
    size_t ns;
    const char **names = fp_batch_scopes(r->ds, r->by, &ns);
    /* this shard's share; the roll-up goes with the first shard */
    size_t cap = ns + 1;
    res->items = fp_xcalloc(cap, sizeof *res->items);
    if (r->rollup && r->shard_k == 1) {
        fp_batch_item *it = &res->items[res->n++];
        it->rollup = true;
        it->scope = fp_xstrdup("");
    }
    /* every scope's file name, over all shards, so that every shard names a scope alike */
    char(*bases)[200] = fp_xcalloc(ns + 1, sizeof *bases);
    st = unique_bases(r, names, ns, bases, err);
    if (st != FP_OK) {
        free(bases);
        free(names);
        free(res->items);
        res->items = NULL;
        res->n = 0;
        return st;
    }
    if (res->n == 1) /* the roll-up */
        snprintf(res->items[0].base, sizeof res->items[0].base, "%s", bases[ns]);
    for (size_t i = 0; i < ns; i++)
        if ((int)(i % (size_t)r->shard_n) == r->shard_k - 1) {
            fp_batch_item *it = &res->items[res->n++];
            it->scope = fp_xstrdup(names[i]);
            snprintf(it->base, sizeof it->base, "%s", bases[i]);
        }
    free(bases);
    free(names);
    for (size_t i = 0; i < res->n; i++)
        res->items[i].attainment = res->items[i].mom = res->items[i].yoy = NAN;
    run ru = {.r = r, .items = res->items, .n = res->n, .queue = fp_xcalloc(res->n + 1, sizeof *ru.queue)};
    pthread_mutex_init(&ru.lock, NULL);
    pthread_cond_init(&ru.more, NULL);
    fp_timer tm;
    fp_timer_start(&tm);
    pthread_t ct;
    bool threaded = pthread_create(&ct, NULL, committer, &ru) == 0;
    if (!threaded) /* no thread to be had: the workers' files are put in place after them, here */
        ru.closing = true;
    fp_parallel_for((int)res->n, r->jobs > 0 ? r->jobs : fp_ncpus(), one, &ru);
    pthread_mutex_lock(&ru.lock);
    ru.closing = true;
    pthread_cond_signal(&ru.more);
    pthread_mutex_unlock(&ru.lock);
    if (threaded)
        pthread_join(ct, NULL);
    else
        committer(&ru);
    pthread_cond_destroy(&ru.more);
    pthread_mutex_destroy(&ru.lock);
    free(ru.queue);
    fp_timer_lap(&tm, "batch: reports (in parallel)");
    static const char *step[6] = {"batch: … metrics",     "batch: … expand the template", "batch: … PDF",
                                  "batch: … HTML",        "batch: … .xlsx",               "batch: … write files"};
    for (int k = 0; k < 6; k++)
        if (k != 4 || r->xlsx)
            fp_timer_sum(&tm, step[k], ru.cpu[k]);
    for (size_t i = 0; i < res->n; i++) {
        res->interrupted += res->items[i].interrupted;
        res->failed += !res->items[i].ok && !res->items[i].interrupted;
    }
    fp_buf m, ix;
    fp_buf_init(&m);
    fp_buf_init(&ix);
    manifest(r, res, &m);
    index_html(r, res, &ix);
    st = fp_write_atomic(r->out, res->manifest, m.data, m.len, err);
    if (st == FP_OK)
        st = fp_write_atomic(r->out, res->index, ix.data, ix.len, err);
    if (st == FP_OK && r->xlsx) {
        fp_buf xb;
        fp_buf_init(&xb);
        st = index_xlsx(r, res, &xb, err);
        if (st == FP_OK)
            st = fp_write_atomic(r->out, res->index_xlsx, xb.data, xb.len, err);
        fp_buf_free(&xb);
    }
    fp_buf_free(&m);
    fp_buf_free(&ix);
    fp_timer_lap(&tm, "batch: manifest and index");
    return st;
}

void fp_batch_result_free(fp_batch_result *res)
{
    for (size_t i = 0; i < res->n; i++) {
        free(res->items[i].scope);
        free(res->items[i].title);
        free(res->items[i].risk);
    }
    free(res->items);
    memset(res, 0, sizeof *res);
}
