/* metrics.c — one pass over the order lines of a scope, then the tables
 * around them (targets, surveys, activities, actions).
 *
 * The order pass maps each day to a set of buckets: the 13 trend periods
 * (the last one is the current period, counted up to the report's last day),
 * the previous period and the year-ago period, both cut to as many days as
 * the current period has had so far, so an October report on the 15th
 * compares 1–15 October with 1–15 September. Distinct orders and customers
 * per bucket are counted with bitsets over the dictionary ids.
 *
 * docs/metrics.md is the glossary; every definition there is implemented
 * here and nowhere else.
 */
#include "metrics.h"

#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { B_CUR = FP_TREND_N - 1, B_PREV = FP_TREND_N, B_YOY = FP_TREND_N + 1, NB = FP_TREND_N + 2 };

const char *fp_scope_kind_name(fp_scope_kind k)
{
    switch (k) {
    case FP_SCOPE_COMPANY:
        return "company";
    case FP_SCOPE_REGION:
        return "region";
    case FP_SCOPE_TEAM:
        return "team";
    case FP_SCOPE_REP:
        return "rep";
    }
    return "?";
}

/* ---- small helpers ---- */

typedef struct bitset {
    uint64_t *w;
    size_t n;
} bitset;

static void bs_init(bitset *b, size_t bits)
{
    b->n = (bits + 63) / 64;
    b->w = fp_xcalloc(b->n ? b->n : 1, sizeof *b->w);
}

/* sets bit i; true when it was clear */
static inline bool bs_add(bitset *b, uint32_t i)
{
    uint64_t m = 1ull << (i & 63);
    uint64_t *w = &b->w[i >> 6];
    if (*w & m)
        return false;
    *w |= m;
    return true;
}

static inline bool bs_has(const bitset *b, uint32_t i)
{
    return (b->w[i >> 6] >> (i & 63)) & 1;
}

static double ratio(double num, double den)
{
    return den != 0 ? num / den : NAN;
}

/* a/b − 1, NAN when b is zero or unknown */
static double change(int64_t a, int64_t b)
{
    if (b == FP_NO_MONEY || a == FP_NO_MONEY || b == 0)
        return NAN;
    return (double)a / (double)b - 1.0;
}

static int64_t div_round(int64_t a, int64_t b)
{
    if (b == 0)
        return FP_NO_MONEY;
    int64_t q = a / b, r = a % b;
    if (2 * (r < 0 ? -r : r) >= (b < 0 ? -b : b))
        q += ((a < 0) == (b < 0)) ? 1 : -1;
    return q;
}

/* ---- scope ---- */

typedef struct scope_ctx {
    const fp_dataset *ds;
    fp_scope_kind kind;
    uint32_t id;            /* region, team or person id */
} scope_ctx;

static bool team_in_scope(const scope_ctx *sc, uint32_t team)
{
    switch (sc->kind) {
    case FP_SCOPE_COMPANY:
        return true;
    case FP_SCOPE_REGION:
        return team < fp_dict_size(sc->ds->dict[FP_DOM_TEAM]) && sc->ds->team_region[team] == sc->id;
    case FP_SCOPE_TEAM:
        return team == sc->id;
    case FP_SCOPE_REP:
        return false;
    }
    return false;
}

/* rep-attributed rows (surveys, activities): the rep's team decides */
static bool rep_in_scope(const scope_ctx *sc, uint32_t rep)
{
    if (sc->kind == FP_SCOPE_COMPANY)
        return true;
    if (sc->kind == FP_SCOPE_REP)
        return rep == sc->id;
    if (rep == 0)
        return false;
    return team_in_scope(sc, sc->ds->person_team[rep]);
}

static fp_status resolve_scope(const fp_dataset *ds, const fp_query *q, scope_ctx *sc, fp_error *err)
{
    sc->ds = ds;
    sc->kind = q->scope;
    sc->id = 0;
    if (q->scope == FP_SCOPE_COMPANY)
        return FP_OK;
    fp_domain dom = q->scope == FP_SCOPE_REGION ? FP_DOM_REGION : q->scope == FP_SCOPE_TEAM ? FP_DOM_TEAM : FP_DOM_PERSON;
    const char *name = q->name ? q->name : "";
    if (*name && fp_dict_find(ds->dict[dom], name, strlen(name), &sc->id) && sc->id != 0)
        return FP_OK;
    /* list what exists, so the user can pick */
    const fp_dict *d = ds->dict[dom];
    fp_buf names;
    fp_buf_init(&names);
    uint32_t n = fp_dict_size(d);
    for (uint32_t i = 1; i < n && i <= 30; i++)
        fp_buf_printf(&names, "%s%s", i > 1 ? ", " : "", fp_dict_str(d, i));
    if (n > 31)
        fp_buf_printf(&names, " … (%u in all)", n - 1);
    fp_fail(err, FP_ERR_NOTFOUND, "no %s named \"%s\" in the data; the %ss are: %s", fp_scope_kind_name(q->scope),
            name, fp_scope_kind_name(q->scope), n > 1 ? names.data : "(none)");
    fp_buf_free(&names);
    return FP_ERR_NOTFOUND;
}

/* ---- targets ---- */

typedef struct tgt_sum {
    bool any;
    int64_t sales;
    double newc, orders;
    bool any_newc, any_orders;
} tgt_sum;

/* Target of a period for the scope. Targets are monthly; a week takes its working-day share of each
 * month it touches, quarters and years sum their months. For a team in a month, rows with a team and
 * no rep are the team's own target and replace the sum of its reps' rows. per_rep (optional) gets each
 * rep's target, rep_seen marks reps with a target row in the scope. */
static void target_for(const scope_ctx *sc, const fp_period *p, int64_t *per_team, int64_t *per_rep, uint8_t *rep_seen,
                       tgt_sum *out)
{
    const fp_dataset *ds = sc->ds;
    const fp_table *t = &ds->table[FP_TBL_TARGETS];
    memset(out, 0, sizeof *out);
    if (!t->present)
        return;
    int m0, m1;
    fp_period_months(p, &m0, &m1);
    int nm = m1 - m0 + 1;
    double w[13];
    for (int k = 0; k < nm && k < 13; k++) {
        w[k] = 1.0;
        if (p->kind == FP_WEEK) {
            int mi = m0 + k;
            fp_period month = fp_period_make(FP_MONTH, mi / 12, mi % 12 + 1);
            fp_date a = p->start > month.start ? p->start : month.start;
            fp_date b = p->end < month.end ? p->end : month.end;
            int wd_month = fp_working_days(&ds->calendar, month.start, month.end);
            int wd_part = fp_working_days(&ds->calendar, a, b);
            w[k] = wd_month > 0 ? (double)wd_part / wd_month : (double)(b - a + 1) / (month.end - month.start + 1);
        }
    }
    uint32_t nteam = fp_dict_size(ds->dict[FP_DOM_TEAM]);
    size_t cells = (size_t)nteam * (size_t)nm;
    /* per (team, month): team-level rows, rep-level rows, and whether a team-level row exists */
    double *team_s = fp_xcalloc(cells * 6, sizeof *team_s);
    double *rep_s = team_s + cells, *team_n = team_s + 2 * cells, *rep_n = team_s + 3 * cells;
    double *team_o = team_s + 4 * cells, *rep_o = team_s + 5 * cells;
    uint8_t *has_team = fp_xcalloc(cells, 1);
    uint8_t *has_n = fp_xcalloc(cells, 1), *has_o = fp_xcalloc(cells, 1);
    const int32_t *month = fp_col_int(t, FP_TGT_PERIOD);
    const uint32_t *tteam = fp_col_text(t, FP_TGT_TEAM);
    const uint32_t *trep = fp_col_text(t, FP_TGT_REP);
    const int64_t *sales = fp_col_money(t, FP_TGT_SALES);
    const double *newc = fp_col_num(t, FP_TGT_NEW_CUSTOMERS);
    const double *ord = fp_col_num(t, FP_TGT_ORDERS);
    double rep_total = 0, rep_newc = 0, rep_ord = 0;
    bool rep_any = false, rep_any_n = false, rep_any_o = false;
    for (size_t r = 0; r < t->nrows; r++) {
        int mi = month[r];
        if (mi < m0 || mi > m1)
            continue;
        double wk = w[mi - m0];
        uint32_t team = tteam[r], rep = trep[r];
        /* each row's share rounded to the fen, so every scope sums the same whole fen */
        double s = (double)llround((double)sales[r] * wk);
        double n = newc && !isnan(newc[r]) ? newc[r] * wk : NAN;
        double o = ord && !isnan(ord[r]) ? ord[r] * wk : NAN;
        if (rep) {
            if (per_rep)
                per_rep[rep] += (int64_t)llround(s);
            if (sc->kind == FP_SCOPE_REP && rep == sc->id) {
                rep_total += s;
                rep_any = true;
                if (!isnan(n)) {
                    rep_newc += n;
                    rep_any_n = true;
                }
                if (!isnan(o)) {
                    rep_ord += o;
                    rep_any_o = true;
                }
            }
            if (rep_seen && (sc->kind == FP_SCOPE_REP ? rep == sc->id : team_in_scope(sc, team)))
                rep_seen[rep] = 1;
        }
        if (team >= nteam)
            continue;
        size_t cell = (size_t)team * nm + (size_t)(mi - m0);
        if (rep) {
            rep_s[cell] += s;
            if (!isnan(n)) {
                rep_n[cell] += n;
                has_n[cell] |= 1;
            }
            if (!isnan(o)) {
                rep_o[cell] += o;
                has_o[cell] |= 1;
            }
        } else {
            team_s[cell] += s;
            has_team[cell] = 1;
            if (!isnan(n)) {
                team_n[cell] += n;
                has_n[cell] |= 2;
            }
            if (!isnan(o)) {
                team_o[cell] += o;
                has_o[cell] |= 2;
            }
        }
    }
    if (sc->kind == FP_SCOPE_REP) {
        out->any = rep_any;
        out->sales = (int64_t)llround(rep_total);
        out->newc = rep_newc;
        out->orders = rep_ord;
        out->any_newc = rep_any_n;
        out->any_orders = rep_any_o;
    } else {
        double total = 0, tn = 0, to = 0;
        for (uint32_t team = 1; team < nteam; team++) {
            double ts = 0;
            bool team_any = false;
            for (int k = 0; k < nm; k++) {
                size_t cell = (size_t)team * nm + (size_t)k;
                bool own = has_team[cell];
                double v = own ? team_s[cell] : rep_s[cell];
                if (own || rep_s[cell] != 0)
                    team_any = true;
                ts += v;
                if (team_in_scope(sc, team)) {
                    if (has_n[cell]) {
                        tn += own ? team_n[cell] : rep_n[cell];
                        out->any_newc = true;
                    }
                    if (has_o[cell]) {
                        to += own ? team_o[cell] : rep_o[cell];
                        out->any_orders = true;
                    }
                }
            }
            if (per_team)
                per_team[team] = team_any ? (int64_t)llround(ts) : FP_NO_MONEY;
            if (team_any && team_in_scope(sc, team)) {
                total += ts;
                out->any = true;
            }
        }
        out->sales = (int64_t)llround(total);
        out->newc = tn;
        out->orders = to;
    }
    free(team_s);
    free(has_team);
    free(has_n);
    free(has_o);
}

/* ---- breakdowns ---- */

typedef struct dim {
    uint32_t n;
    int64_t *cur, *prev, *yoy, *orders;
} dim;

static void dim_init(dim *d, uint32_t n)
{
    d->n = n;
    d->cur = fp_xcalloc(n ? n : 1, sizeof *d->cur);
    d->prev = fp_xcalloc(n ? n : 1, sizeof *d->prev);
    d->yoy = fp_xcalloc(n ? n : 1, sizeof *d->yoy);
    d->orders = fp_xcalloc(n ? n : 1, sizeof *d->orders);
}

static void dim_free(dim *d)
{
    free(d->cur);
    free(d->prev);
    free(d->yoy);
    free(d->orders);
}

static int cmp_item(const void *a, const void *b)
{
    const fp_item *x = a, *y = b;
    if (x->sales != y->sales)
        return x->sales > y->sales ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Items with sales (or comparison sales) in the scope, sorted by sales. */
static fp_item *dim_items(const dim *d, const fp_dict *dict, int64_t total, bool prev_ok, bool yoy_ok, size_t *count)
{
    fp_item *it = fp_xcalloc(d->n ? d->n : 1, sizeof *it);
    size_t k = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        if (!d->cur[i] && !d->prev[i] && !d->yoy[i] && !d->orders[i])
            continue;
        fp_item *x = &it[k++];
        x->name = i ? fp_dict_str(dict, i) : "(未填)";
        x->sales = d->cur[i];
        x->orders = d->orders[i];
        x->prev_sales = prev_ok ? d->prev[i] : FP_NO_MONEY;
        x->yoy_sales = yoy_ok ? d->yoy[i] : FP_NO_MONEY;
        x->mom = change(x->sales, x->prev_sales);
        x->yoy = change(x->sales, x->yoy_sales);
        x->share = ratio((double)x->sales, (double)total);
        x->target = FP_NO_MONEY;
        x->attainment = NAN;
    }
    qsort(it, k, sizeof *it, cmp_item);
    double cum = 0;
    for (size_t i = 0; i < k; i++) {
        cum += isnan(it[i].share) ? 0 : it[i].share;
        it[i].cum_share = total ? cum : NAN;
    }
    *count = k;
    return it;
}

static int cmp_count(const void *a, const void *b)
{
    const fp_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->name, y->name);
}

static fp_count *counts_list(const int64_t *counts, uint32_t n, const fp_dict *dict, size_t *out_n)
{
    size_t k = 0;
    for (uint32_t i = 1; i < n; i++)
        k += counts[i] > 0;
    fp_count *c = fp_xcalloc(k ? k : 1, sizeof *c);
    k = 0;
    for (uint32_t i = 1; i < n; i++)
        if (counts[i] > 0)
            c[k++] = (fp_count){fp_dict_str(dict, i), counts[i]};
    qsort(c, k, sizeof *c, cmp_count);
    *out_n = k;
    return c;
}

/* ---- the computation ---- */

typedef struct window {
    fp_date start, end; /* inclusive; end < start means empty */
} window;

static window cut(const fp_period *p, fp_date days)
{
    window w = {p->start, p->start + days - 1};
    if (w.end > p->end)
        w.end = p->end;
    return w;
}

typedef struct bucket {
    int64_t sales, lines, orders, customers, newc;
    bitset ord, cust;
} bucket;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_rep(const void *a, const void *b)
{
    const fp_rep_row *x = a, *y = b;
    if (x->sales != y->sales)
        return x->sales > y->sales ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int cmp_action(const void *a, const void *b)
{
    const fp_action_row *x = a, *y = b;
    /* overdue first, then open, then done; within each, by deadline */
    static const int rank[] = {[FP_ACTION_OVERDUE] = 0, [FP_ACTION_OPEN] = 1, [FP_ACTION_DONE] = 2};
    if (rank[x->state] != rank[y->state])
        return rank[x->state] - rank[y->state];
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    return strcmp(x->id, y->id);
}

static void compute_orders(const fp_dataset *ds, const scope_ctx *sc, fp_metrics *m, const window *win,
                           fp_date base, fp_date last, dim *channel, dim *category, dim *product, dim *region,
                           dim *team, dim *rep, int64_t *rep_newc, int64_t *cust_sales, uint32_t *cust_orders,
                           uint32_t *cust_name, bucket *b, uint64_t **pairs, size_t *npairs)
{
    const fp_table *o = &ds->table[FP_TBL_ORDERS];
    const uint32_t *oid = fp_col_text(o, FP_ORD_ORDER_ID), *cust = fp_col_text(o, FP_ORD_CUSTOMER_ID);
    const uint32_t *cname = fp_col_text(o, FP_ORD_CUSTOMER_NAME);
    const uint32_t *orep = fp_col_text(o, FP_ORD_REP), *oteam = fp_col_text(o, FP_ORD_TEAM);
    const uint32_t *oregion = fp_col_text(o, FP_ORD_REGION), *ochan = fp_col_text(o, FP_ORD_CHANNEL);
    const uint32_t *ocat = fp_col_text(o, FP_ORD_CATEGORY), *oprod = fp_col_text(o, FP_ORD_PRODUCT);
    const uint32_t *status = fp_col_text(o, FP_ORD_STATUS);
    const fp_date *date = fp_col_date(o, FP_ORD_DATE);
    const int64_t *amount = fp_col_money(o, FP_ORD_AMOUNT), *price = fp_col_money(o, FP_ORD_UNIT_PRICE);
    const double *qty = fp_col_num(o, FP_ORD_QUANTITY);
    const uint8_t *won = ds->status_won;

    /* day -> buckets */
    size_t ndays = last >= base ? (size_t)(last - base + 1) : 0;
    uint16_t *mask = fp_xcalloc(ndays ? ndays : 1, sizeof *mask);
    for (int k = 0; k < NB; k++)
        for (fp_date d = win[k].start; d <= win[k].end; d++)
            if (d >= base && d <= last)
                mask[d - base] |= (uint16_t)(1u << k);

    size_t pairs_cap = 0;
    double list = 0;
    bool priced = price && qty;
    /* a team, region or rep reads only its own won lines (dataset.c indexes them); the company all */
    const fp_row_index *ix = sc->kind == FP_SCOPE_TEAM     ? &ds->by_team
                             : sc->kind == FP_SCOPE_REGION ? &ds->by_region
                             : sc->kind == FP_SCOPE_REP    ? &ds->by_rep
                                                           : NULL;
    if (ix && !ix->off)
        ix = NULL; /* not indexed: read every line */
    const uint32_t *rows = ix ? ix->rows + ix->off[sc->id] : NULL;
    size_t nrows = ix ? ix->off[sc->id + 1] - ix->off[sc->id] : o->nrows;
    for (size_t ri = 0; ri < nrows; ri++) {
        size_t r = rows ? rows[ri] : ri;
        fp_date d = date[r];
        if (d < base || d > last)
            continue;
        if (!won[status[r]])
            continue;
        switch (sc->kind) {
        case FP_SCOPE_COMPANY:
            break;
        case FP_SCOPE_REGION:
            if (oregion[r] != sc->id)
                continue;
            break;
        case FP_SCOPE_TEAM:
            if (oteam[r] != sc->id)
                continue;
            break;
        case FP_SCOPE_REP:
            if (orep[r] != sc->id)
                continue;
            break;
        }
        unsigned bits = mask[d - base];
        if (!bits)
            continue;
        int64_t amt = amount[r];
        uint32_t order = oid[r], c = cust[r];
        bool is_new = ds->cust_first_row[c] == (uint32_t)r;
        for (unsigned k = 0; bits >> k; k++) {
            if (!((bits >> k) & 1))
                continue;
            bucket *bk = &b[k];
            bk->sales += amt;
            bk->lines++;
            bool new_order = bs_add(&bk->ord, order);
            if (new_order)
                bk->orders++;
            if (bs_add(&bk->cust, c))
                bk->customers++;
            if (is_new)
                bk->newc++;
            if (k == B_CUR && new_order) {
                if (cust_orders[c] < UINT32_MAX)
                    cust_orders[c]++;
                rep->orders[orep[r]]++;
                channel->orders[ochan[r]]++;
                category->orders[ocat[r]]++;
                product->orders[oprod[r]]++;
                team->orders[oteam[r]]++;
                region->orders[oregion[r]]++;
                if (*npairs == pairs_cap) {
                    pairs_cap = pairs_cap ? pairs_cap * 2 : 1024;
                    *pairs = fp_xrealloc(*pairs, pairs_cap * sizeof **pairs);
                }
                (*pairs)[(*npairs)++] = (uint64_t)orep[r] << 32 | c;
            }
        }
        if ((bits >> B_CUR) & 1) {
            channel->cur[ochan[r]] += amt;
            category->cur[ocat[r]] += amt;
            product->cur[oprod[r]] += amt;
            team->cur[oteam[r]] += amt;
            region->cur[oregion[r]] += amt;
            rep->cur[orep[r]] += amt;
            cust_sales[c] += amt;
            if (cname && !cust_name[c])
                cust_name[c] = cname[r];
            if (is_new)
                rep_newc[orep[r]]++;
            if (qty && !isnan(qty[r]))
                m->quantity += qty[r];
            if (priced && price[r] != FP_NO_MONEY && !isnan(qty[r]))
                list += (double)price[r] * qty[r];
            else
                priced = false;
        }
        if ((bits >> B_PREV) & 1) {
            channel->prev[ochan[r]] += amt;
            category->prev[ocat[r]] += amt;
            product->prev[oprod[r]] += amt;
            team->prev[oteam[r]] += amt;
            region->prev[oregion[r]] += amt;
            rep->prev[orep[r]] += amt;
        }
        if ((bits >> B_YOY) & 1) {
            channel->yoy[ochan[r]] += amt;
            category->yoy[ocat[r]] += amt;
            product->yoy[oprod[r]] += amt;
            team->yoy[oteam[r]] += amt;
            region->yoy[oregion[r]] += amt;
            rep->yoy[orep[r]] += amt;
        }
    }
    if (priced && b[B_CUR].lines) {
        m->list_amount = (int64_t)llround(list);
        m->discount_amount = m->list_amount - b[B_CUR].sales;
        m->discount_rate = ratio((double)m->discount_amount, (double)m->list_amount);
    } else {
        m->list_amount = m->discount_amount = FP_NO_MONEY;
        m->discount_rate = NAN;
    }
    free(mask);
}

static void compute_surveys(const fp_dataset *ds, const scope_ctx *sc, fp_metrics *m, const window *win,
                            double *rep_score, int64_t *rep_resp)
{
    const fp_table *t = &ds->table[FP_TBL_SURVEYS];
    m->has_surveys = t->present;
    m->satisfaction = m->prev_satisfaction = NAN;
    if (!t->present)
        return;
    const fp_date *date = fp_col_date(t, FP_SUR_DATE);
    const uint32_t *srep = fp_col_text(t, FP_SUR_REP), *scust = fp_col_text(t, FP_SUR_CUSTOMER);
    const uint32_t *comment = fp_col_text(t, FP_SUR_COMMENT);
    const double *score = fp_col_num(t, FP_SUR_SCORE);
    uint32_t ntext = fp_dict_size(ds->dict[FP_DOM_TEXT]);
    int64_t *ccount = fp_xcalloc(ntext, sizeof *ccount);
    double sum = 0, psum = 0;
    int64_t pn = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        bool cur = date[r] >= win[B_CUR].start && date[r] <= win[B_CUR].end;
        bool prev = date[r] >= win[B_PREV].start && date[r] <= win[B_PREV].end;
        if (!cur && !prev)
            continue;
        uint32_t rep = srep && srep[r] ? srep[r] : (scust && scust[r] ? ds->cust_rep[scust[r]] : 0);
        if (!rep_in_scope(sc, rep))
            continue;
        double s = score[r];
        if (cur) {
            sum += s;
            m->responses++;
            rep_score[rep] += s;
            rep_resp[rep]++;
            if (s == floor(s) && s >= 1 && s <= 5)
                m->score_dist[(int)s - 1]++;
            if (s <= 2)
                m->low_scores++;
            if (comment && comment[r])
                ccount[comment[r]]++;
        }
        if (prev) {
            psum += s;
            pn++;
        }
    }
    m->satisfaction = m->responses ? sum / (double)m->responses : NAN;
    m->prev_satisfaction = pn ? psum / (double)pn : NAN;
    m->comments = counts_list(ccount, ntext, ds->dict[FP_DOM_TEXT], &m->ncomments);
    free(ccount);
}

static void compute_activities(const fp_dataset *ds, const scope_ctx *sc, fp_metrics *m, const window *cur,
                               int64_t *rep_act)
{
    const fp_table *t = &ds->table[FP_TBL_ACTIVITIES];
    m->has_activities = t->present;
    if (!t->present)
        return;
    const fp_date *date = fp_col_date(t, FP_ACT_DATE);
    const uint32_t *arep = fp_col_text(t, FP_ACT_REP);
    const uint32_t *type = fp_col_text(t, FP_ACT_TYPE), *result = fp_col_text(t, FP_ACT_RESULT);
    uint32_t ntext = fp_dict_size(ds->dict[FP_DOM_TEXT]);
    int64_t *tc = fp_xcalloc(ntext, sizeof *tc), *rc = fp_xcalloc(ntext, sizeof *rc);
    for (size_t r = 0; r < t->nrows; r++) {
        if (date[r] < cur->start || date[r] > cur->end || !rep_in_scope(sc, arep[r]))
            continue;
        m->activities++;
        rep_act[arep[r]]++;
        if (type)
            tc[type[r]]++;
        if (result)
            rc[result[r]]++;
    }
    m->activity_types = counts_list(tc, ntext, ds->dict[FP_DOM_TEXT], &m->nactivity_types);
    m->activity_results = counts_list(rc, ntext, ds->dict[FP_DOM_TEXT], &m->nactivity_results);
    free(tc);
    free(rc);
}

static void compute_actions(const fp_dataset *ds, const scope_ctx *sc, fp_metrics *m)
{
    const fp_table *t = &ds->table[FP_TBL_ACTIONS];
    m->has_actions = t->present;
    if (!t->present)
        return;
    const int32_t *raised = fp_col_int(t, FP_IMP_PERIOD);
    const uint32_t *id = fp_col_text(t, FP_IMP_ID), *team = fp_col_text(t, FP_IMP_TEAM);
    const uint32_t *problem = fp_col_text(t, FP_IMP_PROBLEM), *action = fp_col_text(t, FP_IMP_ACTION);
    const uint32_t *owner = fp_col_text(t, FP_IMP_OWNER), *status = fp_col_text(t, FP_IMP_STATUS);
    const fp_date *due = fp_col_date(t, FP_IMP_DUE), *done = fp_col_date(t, FP_IMP_DONE);
    int m0, m1;
    fp_period_months(&m->period, &m0, &m1);
    int y, mo, dd;
    fp_date_to_ymd(m->through, &y, &mo, &dd);
    int through_month = y * 12 + mo - 1;
    const fp_dict *text = ds->dict[FP_DOM_TEXT];
    m->actions = fp_xcalloc(t->nrows ? t->nrows : 1, sizeof *m->actions);
    for (size_t r = 0; r < t->nrows; r++) {
        bool in;
        switch (sc->kind) {
        case FP_SCOPE_REP:
            in = owner && owner[r] == sc->id;
            break;
        default:
            in = team ? team_in_scope(sc, team[r]) : sc->kind == FP_SCOPE_COMPANY;
            break;
        }
        if (!in || raised[r] > through_month)
            continue;
        fp_action_row a = {0};
        a.id = id ? fp_dict_str(text, id[r]) : "";
        a.team = team ? fp_ds_str(ds, FP_DOM_TEAM, team[r]) : "";
        a.problem = fp_dict_str(text, problem[r]);
        a.action = fp_dict_str(text, action[r]);
        a.owner = owner ? fp_ds_str(ds, FP_DOM_PERSON, owner[r]) : "";
        a.status = status ? fp_dict_str(text, status[r]) : "";
        a.raised_month = raised[r];
        a.due = due ? due[r] : FP_NO_DATE;
        fp_date dn = done ? done[r] : FP_NO_DATE;
        bool is_done;
        if (dn != FP_NO_DATE) {
            is_done = dn <= m->through;
        } else {
            /* no completion date: trust the exported status */
            is_done = status && ds->text_done[status[r]];
        }
        a.done = is_done ? dn : FP_NO_DATE;
        a.raised_in_period = raised[r] >= m0 && raised[r] <= m1;
        a.done_in_period = is_done && dn != FP_NO_DATE && dn >= m->period.start && dn <= m->through;
        if (is_done)
            a.state = FP_ACTION_DONE;
        else if (a.due != FP_NO_DATE && a.due < m->through)
            a.state = FP_ACTION_OVERDUE;
        else
            a.state = FP_ACTION_OPEN;
        a.days_overdue = a.state == FP_ACTION_OVERDUE ? m->through - a.due : 0;
        m->actions_raised += a.raised_in_period;
        m->actions_done += a.done_in_period;
        m->actions_open += a.state != FP_ACTION_DONE;
        m->actions_overdue += a.state == FP_ACTION_OVERDUE;
        /* the review tracks what was raised or finished this period and everything still open */
        if (a.raised_in_period || a.done_in_period || a.state != FP_ACTION_DONE)
            m->actions[m->nactions++] = a;
    }
    qsort(m->actions, m->nactions, sizeof *m->actions, cmp_action);
}

fp_status fp_metrics_compute(const fp_dataset *ds, const fp_query *q, fp_metrics **out, fp_error *err)
{
    *out = NULL;
    scope_ctx sc;
    fp_status st = resolve_scope(ds, q, &sc, err);
    if (st != FP_OK)
        return st;
    fp_metrics *m = fp_xcalloc(1, sizeof *m);
    m->scope = q->scope;
    m->scope_name = fp_xstrdup(q->scope == FP_SCOPE_COMPANY ? "" : q->name);
    m->scope_region = m->scope_team = "";
    if (q->scope == FP_SCOPE_REGION)
        m->scope_region = fp_ds_str(ds, FP_DOM_REGION, sc.id);
    if (q->scope == FP_SCOPE_TEAM) {
        m->scope_team = fp_ds_str(ds, FP_DOM_TEAM, sc.id);
        m->scope_region = fp_ds_str(ds, FP_DOM_REGION, ds->team_region[sc.id]);
    }
    if (q->scope == FP_SCOPE_REP) {
        uint32_t tm = ds->person_team[sc.id];
        m->scope_team = fp_ds_str(ds, FP_DOM_TEAM, tm);
        m->scope_region = fp_ds_str(ds, FP_DOM_REGION, ds->team_region[tm]);
    }
    m->period = q->period;
    m->prev_period = fp_period_prev(&q->period);
    m->yoy_period = fp_period_year_ago(&q->period);
    m->as_of = q->as_of;
    m->through = q->as_of < q->period.end ? q->as_of : q->period.end;
    m->data_first = ds->first_date;
    m->data_last = ds->last_date;
    m->has_targets_table = ds->table[FP_TBL_TARGETS].present;
    m->has_roster = ds->table[FP_TBL_ROSTER].present;

    /* time */
    const fp_calendar *cal = &ds->calendar;
    m->working_days = fp_working_days(cal, q->period.start, q->period.end);
    m->elapsed_working_days = fp_working_days(cal, q->period.start, m->through);
    m->remaining_working_days = m->working_days - m->elapsed_working_days;
    m->time_progress = m->working_days > 0 ? (double)m->elapsed_working_days / m->working_days
                                           : ratio((double)(m->through - q->period.start + 1),
                                                   (double)(q->period.end - q->period.start + 1));
    if (m->time_progress < 0 || m->through < q->period.start)
        m->time_progress = 0;
    fp_date days = m->through >= q->period.start ? m->through - q->period.start + 1 : 0;
    m->cmp_days = days;

    /* windows: trend periods, then the comparison periods cut to as many days */
    window win[NB];
    for (int k = 0; k < FP_TREND_N; k++) {
        fp_period p = fp_period_shift(&q->period, k - B_CUR);
        m->trend[k].period = p;
        win[k] = (window){p.start, p.end};
    }
    win[B_CUR].end = m->through;
    m->trend[B_CUR].partial = m->through < q->period.end;
    win[B_PREV] = cut(&m->prev_period, days);
    win[B_YOY] = cut(&m->yoy_period, days);
    fp_date base = win[0].start;
    for (int k = 0; k < NB; k++)
        if (win[k].start < base)
            base = win[k].start;
    fp_date last = m->through;
    /* the data reaches back far enough for a comparison when it starts before the window ends */
    bool have_data = ds->first_date != FP_NO_DATE;
    bool prev_ok = have_data && win[B_PREV].end >= win[B_PREV].start && ds->first_date <= win[B_PREV].end;
    bool yoy_ok = have_data && win[B_YOY].end >= win[B_YOY].start && ds->first_date <= win[B_YOY].end;

    /* the pass over the order lines */
    uint32_t norder = fp_dict_size(ds->dict[FP_DOM_ORDER]), ncust = fp_dict_size(ds->dict[FP_DOM_CUSTOMER]);
    uint32_t nperson = fp_dict_size(ds->dict[FP_DOM_PERSON]), nteam = fp_dict_size(ds->dict[FP_DOM_TEAM]);
    bucket b[NB];
    memset(b, 0, sizeof b);
    for (int k = 0; k < NB; k++) {
        bs_init(&b[k].ord, norder);
        bs_init(&b[k].cust, ncust);
    }
    dim channel, category, product, region, team, rep;
    dim_init(&channel, fp_dict_size(ds->dict[FP_DOM_CHANNEL]));
    dim_init(&category, fp_dict_size(ds->dict[FP_DOM_CATEGORY]));
    dim_init(&product, fp_dict_size(ds->dict[FP_DOM_PRODUCT]));
    dim_init(&region, fp_dict_size(ds->dict[FP_DOM_REGION]));
    dim_init(&team, nteam);
    dim_init(&rep, nperson);
    int64_t *rep_newc = fp_xcalloc(nperson, sizeof *rep_newc);
    int64_t *cust_sales = fp_xcalloc(ncust, sizeof *cust_sales);
    uint32_t *cust_orders = fp_xcalloc(ncust, sizeof *cust_orders);
    uint32_t *cust_name = fp_xcalloc(ncust, sizeof *cust_name);
    uint64_t *pairs = NULL;
    size_t npairs = 0;
    compute_orders(ds, &sc, m, win, base, last, &channel, &category, &product, &region, &team, &rep, rep_newc,
                   cust_sales, cust_orders, cust_name, b, &pairs, &npairs);

    bucket *cur = &b[B_CUR];
    m->sales = cur->sales;
    m->lines = cur->lines;
    m->orders = cur->orders;
    m->aov = cur->orders ? div_round(cur->sales, cur->orders) : FP_NO_MONEY;
    m->customers = cur->customers;
    m->new_customers = cur->newc;
    for (uint32_t c = 0; c < ncust; c++) {
        if (!bs_has(&cur->cust, c))
            continue;
        if (cust_orders[c] >= 2)
            m->repeat_customers++;
        if (ds->cust_first[c] != FP_NO_DATE && ds->cust_first[c] < q->period.start)
            m->returning_customers++;
    }
    m->repeat_rate = ratio((double)m->repeat_customers, (double)m->customers);
    m->prev_customers = prev_ok ? b[B_PREV].customers : FP_NO_MONEY;
    if (prev_ok) {
        int64_t churned = 0;
        for (size_t w = 0; w < b[B_PREV].cust.n; w++)
            churned += __builtin_popcountll(b[B_PREV].cust.w[w] & ~cur->cust.w[w]);
        m->churned_customers = churned;
        m->churn_rate = ratio((double)churned, (double)b[B_PREV].customers);
    } else {
        m->churned_customers = FP_NO_MONEY;
        m->churn_rate = NAN;
    }

    m->prev_sales = prev_ok ? b[B_PREV].sales : FP_NO_MONEY;
    m->prev_orders = prev_ok ? b[B_PREV].orders : FP_NO_MONEY;
    m->prev_aov = prev_ok && b[B_PREV].orders ? div_round(b[B_PREV].sales, b[B_PREV].orders) : FP_NO_MONEY;
    m->yoy_sales = yoy_ok ? b[B_YOY].sales : FP_NO_MONEY;
    m->yoy_orders = yoy_ok ? b[B_YOY].orders : FP_NO_MONEY;
    m->yoy_aov = yoy_ok && b[B_YOY].orders ? div_round(b[B_YOY].sales, b[B_YOY].orders) : FP_NO_MONEY;
    m->mom = change(m->sales, m->prev_sales);
    m->orders_mom = change(m->orders, m->prev_orders);
    m->aov_mom = change(m->aov, m->prev_aov);
    m->yoy = change(m->sales, m->yoy_sales);
    m->orders_yoy = change(m->orders, m->yoy_orders);

    /* targets */
    int64_t *team_target = fp_xcalloc(nteam, sizeof *team_target);
    int64_t *rep_target = fp_xcalloc(nperson, sizeof *rep_target);
    uint8_t *rep_seen = fp_xcalloc(nperson, 1);
    tgt_sum ts;
    target_for(&sc, &q->period, team_target, rep_target, rep_seen, &ts);
    m->has_target = ts.any && ts.sales > 0;
    m->target = ts.any ? ts.sales : FP_NO_MONEY;
    m->attainment = m->has_target ? (double)m->sales / (double)m->target : NAN;
    m->gap = m->has_target ? m->target - m->sales : FP_NO_MONEY;
    m->progress_gap = m->has_target ? m->attainment - m->time_progress : NAN;
    m->new_customer_target = ts.any_newc ? ts.newc : NAN;
    m->order_target = ts.any_orders ? ts.orders : NAN;
    m->new_customer_attainment = ts.any_newc ? ratio((double)m->new_customers, ts.newc) : NAN;
    m->order_attainment = ts.any_orders ? ratio((double)m->orders, ts.orders) : NAN;
    if (m->has_target) {
        m->remaining_target = m->sales < m->target ? m->target - m->sales : 0;
        m->daily_needed = m->remaining_working_days > 0 ? div_round(m->remaining_target, m->remaining_working_days)
                                                        : FP_NO_MONEY;
    } else {
        m->remaining_target = m->daily_needed = FP_NO_MONEY;
    }
    if (m->time_progress > 0) {
        m->forecast = (int64_t)llround((double)m->sales / m->time_progress);
        m->forecast_attainment = m->has_target ? (double)m->forecast / (double)m->target : NAN;
    } else {
        m->forecast = FP_NO_MONEY;
        m->forecast_attainment = NAN;
    }

    /* the next period: its target and the run rate it asks for (the outlook of a review) */
    m->next_period = fp_period_shift(&q->period, 1);
    {
        tgt_sum tn;
        target_for(&sc, &m->next_period, NULL, NULL, NULL, &tn);
        m->next_target = tn.any && tn.sales > 0 ? tn.sales : FP_NO_MONEY;
        m->next_working_days = fp_working_days(&ds->calendar, m->next_period.start, m->next_period.end);
        m->next_daily_needed = m->next_target != FP_NO_MONEY && m->next_working_days > 0
                                   ? div_round(m->next_target, m->next_working_days)
                                   : FP_NO_MONEY;
    }

    /* trend */
    for (int k = 0; k < FP_TREND_N; k++) {
        fp_trend_point *tp = &m->trend[k];
        tp->sales = b[k].sales;
        tp->orders = b[k].orders;
        tp->customers = b[k].customers;
        tp->new_customers = b[k].newc;
        tgt_sum tk;
        if (k == B_CUR)
            tk = ts;
        else
            target_for(&sc, &tp->period, NULL, NULL, NULL, &tk);
        tp->target = tk.any ? tk.sales : FP_NO_MONEY;
        tp->attainment = tk.any && tk.sales > 0 ? (double)tp->sales / (double)tk.sales : NAN;
    }

    /* breakdowns */
    m->channels = dim_items(&channel, ds->dict[FP_DOM_CHANNEL], m->sales, prev_ok, yoy_ok, &m->nchannels);
    m->categories = dim_items(&category, ds->dict[FP_DOM_CATEGORY], m->sales, prev_ok, yoy_ok, &m->ncategories);
    m->products = dim_items(&product, ds->dict[FP_DOM_PRODUCT], m->sales, prev_ok, yoy_ok, &m->nproducts);
    m->regions = dim_items(&region, ds->dict[FP_DOM_REGION], m->sales, prev_ok, yoy_ok, &m->nregions);
    m->teams = dim_items(&team, ds->dict[FP_DOM_TEAM], m->sales, prev_ok, yoy_ok, &m->nteams);
    m->pareto80 = 0;
    for (size_t i = 0; i < m->nproducts; i++) {
        m->pareto80 = (int)i + 1;
        if (m->products[i].cum_share >= 0.8 - 1e-12)
            break;
    }
    /* teams and regions carry their targets */
    for (size_t i = 0; i < m->nteams; i++) {
        fp_item *it = &m->teams[i];
        uint32_t tid;
        if (fp_dict_find(ds->dict[FP_DOM_TEAM], it->name, strlen(it->name), &tid)) {
            it->target = team_target[tid];
            it->attainment = it->target != FP_NO_MONEY && it->target > 0 ? (double)it->sales / it->target : NAN;
            it->extra = fp_ds_str(ds, FP_DOM_REGION, ds->team_region[tid]);
        }
    }
    for (size_t i = 0; i < m->nregions; i++) {
        fp_item *it = &m->regions[i];
        uint32_t rid;
        if (!fp_dict_find(ds->dict[FP_DOM_REGION], it->name, strlen(it->name), &rid))
            continue;
        int64_t sum = 0;
        bool any = false;
        for (uint32_t t = 1; t < nteam; t++)
            if (ds->team_region[t] == rid && team_target[t] != FP_NO_MONEY) {
                sum += team_target[t];
                any = true;
            }
        it->target = any ? sum : FP_NO_MONEY;
        it->attainment = any && sum > 0 ? (double)it->sales / sum : NAN;
    }

    /* customers: the biggest and how concentrated sales are */
    {
        size_t nc = 0;
        for (uint32_t c = 0; c < ncust; c++)
            nc += cust_sales[c] != 0;
        fp_item *all = fp_xcalloc(nc ? nc : 1, sizeof *all);
        nc = 0;
        for (uint32_t c = 0; c < ncust; c++) {
            if (!cust_sales[c])
                continue;
            fp_item *it = &all[nc++];
            it->extra = fp_ds_str(ds, FP_DOM_CUSTOMER, c);
            it->name = cust_name[c] ? fp_ds_str(ds, FP_DOM_CUSTNAME, cust_name[c]) : it->extra;
            it->sales = cust_sales[c];
            it->orders = cust_orders[c];
            it->share = ratio((double)it->sales, (double)m->sales);
            it->prev_sales = it->yoy_sales = it->target = FP_NO_MONEY;
            it->mom = it->yoy = it->attainment = NAN;
        }
        qsort(all, nc, sizeof *all, cmp_item);
        double cum = 0;
        for (size_t i = 0; i < nc; i++) {
            cum += all[i].share;
            all[i].cum_share = cum;
        }
        m->top1_share = nc ? all[0].share : NAN;
        m->top10_share = nc ? all[nc < 10 ? nc - 1 : 9].cum_share : NAN;
        m->ntop_customers = nc < 10 ? nc : 10;
        m->top_customers = all;
    }

    /* surveys, activities, actions */
    double *rep_score = fp_xcalloc(nperson, sizeof *rep_score);
    int64_t *rep_resp = fp_xcalloc(nperson, sizeof *rep_resp), *rep_act = fp_xcalloc(nperson, sizeof *rep_act);
    compute_surveys(ds, &sc, m, win, rep_score, rep_resp);
    compute_activities(ds, &sc, m, &win[B_CUR], rep_act);
    compute_actions(ds, &sc, m);

    /* the rep table: the roster's people in the scope, and anyone who sold or had a target in it */
    {
        uint8_t *in = fp_xcalloc(nperson, 1);
        const fp_table *ro = &ds->table[FP_TBL_ROSTER];
        if (ro->present) {
            const uint32_t *name = fp_col_text(ro, FP_ROS_NAME), *rteam = fp_col_text(ro, FP_ROS_TEAM);
            for (size_t r = 0; r < ro->nrows; r++)
                if (sc.kind == FP_SCOPE_REP ? name[r] == sc.id : team_in_scope(&sc, rteam[r]))
                    in[name[r]] = 1;
        }
        for (uint32_t p = 1; p < nperson; p++)
            if (rep.cur[p] || rep.orders[p] || rep_seen[p])
                in[p] = 1;
        if (sc.kind == FP_SCOPE_REP)
            for (uint32_t p = 1; p < nperson; p++)
                in[p] = p == sc.id;
        /* distinct customers per rep from the (rep, customer) pairs of the period's orders */
        int64_t *rep_cust = fp_xcalloc(nperson, sizeof *rep_cust);
        if (npairs)
            qsort(pairs, npairs, sizeof *pairs, cmp_u64);
        for (size_t i = 0; i < npairs; i++)
            if (i == 0 || pairs[i] != pairs[i - 1])
                rep_cust[pairs[i] >> 32]++;
        size_t n = 0;
        for (uint32_t p = 1; p < nperson; p++)
            n += in[p];
        m->reps = fp_xcalloc(n ? n : 1, sizeof *m->reps);
        for (uint32_t p = 1; p < nperson; p++) {
            if (!in[p])
                continue;
            fp_rep_row *rr = &m->reps[m->nreps++];
            rr->name = fp_ds_str(ds, FP_DOM_PERSON, p);
            rr->team = fp_ds_str(ds, FP_DOM_TEAM, ds->person_team[p]);
            rr->sales = rep.cur[p];
            rr->orders = rep.orders[p];
            rr->aov = rr->orders ? div_round(rr->sales, rr->orders) : FP_NO_MONEY;
            rr->target = rep_seen[p] || rep_target[p] ? rep_target[p] : FP_NO_MONEY;
            rr->attainment = rr->target != FP_NO_MONEY && rr->target > 0 ? (double)rr->sales / rr->target : NAN;
            rr->new_customers = rep_newc[p];
            rr->customers = rep_cust[p];
            rr->activities = rep_act[p];
            rr->responses = rep_resp[p];
            rr->satisfaction = rep_resp[p] ? rep_score[p] / (double)rep_resp[p] : NAN;
            rr->prev_sales = prev_ok ? rep.prev[p] : FP_NO_MONEY;
            rr->mom = change(rr->sales, rr->prev_sales);
        }
        qsort(m->reps, m->nreps, sizeof *m->reps, cmp_rep);
        for (size_t i = 0; i < m->nreps; i++)
            m->reps[i].rank = (int)i + 1;
        free(rep_cust);
        free(in);
    }

    for (int k = 0; k < NB; k++) {
        free(b[k].ord.w);
        free(b[k].cust.w);
    }
    dim_free(&channel);
    dim_free(&category);
    dim_free(&product);
    dim_free(&region);
    dim_free(&team);
    dim_free(&rep);
    free(rep_newc);
    free(cust_sales);
    free(cust_orders);
    free(cust_name);
    free(pairs);
    free(team_target);
    free(rep_target);
    free(rep_seen);
    free(rep_score);
    free(rep_resp);
    free(rep_act);
    *out = m;
    return FP_OK;
}

void fp_metrics_free(fp_metrics *m)
{
    if (!m)
        return;
    free(m->scope_name);
    free(m->channels);
    free(m->categories);
    free(m->products);
    free(m->regions);
    free(m->teams);
    free(m->top_customers);
    free(m->reps);
    free(m->comments);
    free(m->activity_types);
    free(m->activity_results);
    free(m->actions);
    free(m);
}
