/* metrics.c — one pass over the order lines of a scope, then the tables
 * around them (targets, surveys, activities, actions).
 *
 * The order pass maps each day to a set of buckets: the 13 trend periods
 * (the last one is the current period, counted up to the report's last day),
 * the previous period and the year-ago period — whole when the period is
 * complete, else cut to the same part of the calendar, so an October report on
 * the 15th compares 1–15 October with 1–15 September. Distinct orders and
 * customers per bucket are counted with bitsets over the dictionary ids;
 * distinct orders per channel, product, rep … by sorting pairs.
 *
 * docs/metrics.md is the glossary; every definition there is implemented
 * here and nowhere else.
 */
#include "metrics.h"

#include "targets.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
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

/* The rows of a rep-attributed table (surveys, activities) a scope can count, in file order: from the
 * dataset's index when it has one, else every row. *rows is NULL for every row. */
static size_t scope_rows(const scope_ctx *sc, const fp_row_index by[3], size_t nrows, const uint32_t **rows)
{
    int k = sc->kind == FP_SCOPE_TEAM ? 0 : sc->kind == FP_SCOPE_REGION ? 1 : sc->kind == FP_SCOPE_REP ? 2 : -1;
    *rows = NULL;
    if (k < 0 || !by[k].off)
        return nrows;
    *rows = by[k].rows + by[k].off[sc->id];
    return by[k].off[sc->id + 1] - by[k].off[sc->id];
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static fp_domain scope_domain(fp_scope_kind k)
{
    return k == FP_SCOPE_REGION ? FP_DOM_REGION : k == FP_SCOPE_TEAM ? FP_DOM_TEAM : FP_DOM_PERSON;
}

static fp_status resolve_scope(const fp_dataset *ds, const fp_query *q, scope_ctx *sc, fp_error *err)
{
    sc->ds = ds;
    sc->kind = q->scope;
    sc->id = 0;
    if (q->scope == FP_SCOPE_COMPANY)
        return FP_OK;
    const char *kind = fp_scope_kind_name(q->scope);
    bool has = q->scope == FP_SCOPE_REGION ? ds->has_regions : q->scope == FP_SCOPE_TEAM ? ds->has_teams : ds->has_reps;
    if (!has)
        return fp_fail(err, FP_ERR_NOTFOUND,
                       "the data has no %ss: the profile maps no %s column%s, so reports are for the company%s%s",
                       kind, kind, q->scope == FP_SCOPE_REP ? "" : " and the roster gives none",
                       ds->has_regions ? ", a region" : "", ds->has_teams ? ", a team" : "");
    fp_domain dom = scope_domain(q->scope);
    const fp_dict *d = ds->dict[dom];
    /* the name as written, then without the blanks around it */
    const char *name = q->name ? q->name : "";
    const char *t = name;
    size_t tn = fp_trim(&t, strlen(name));
    if (tn && fp_dict_find(d, t, tn, &sc->id) && sc->id != 0)
        return FP_OK;
    char want[256];
    snprintf(want, sizeof want, "%.*s", (int)(tn < 255 ? tn : 255), t);
    /* a name of another level: say which */
    static const fp_scope_kind kinds[] = {FP_SCOPE_REGION, FP_SCOPE_TEAM, FP_SCOPE_REP};
    for (size_t k = 0; k < 3; k++) {
        uint32_t id;
        if (kinds[k] != q->scope && *want && fp_dict_find(ds->dict[scope_domain(kinds[k])], want, strlen(want), &id) &&
            id != 0)
            return fp_fail(err, FP_ERR_NOTFOUND, "\"%s\" is a %s in the data, not a %s: write --%s %s", want,
                           fp_scope_kind_name(kinds[k]), kind, fp_scope_kind_name(kinds[k]), want);
    }
    /* what exists, sorted, and the closest name */
    uint32_t n = fp_dict_size(d);
    const char **all = fp_xmalloc((n ? n : 1) * sizeof *all);
    uint32_t m = 0;
    for (uint32_t i = 1; i < n; i++)
        all[m++] = fp_dict_str(d, i);
    qsort(all, m, sizeof *all, cmp_str);
    const char *best = NULL;
    int bd = (int)strlen(want) / 2 + 1;
    for (uint32_t i = 0; i < m; i++) {
        int dd = fp_edit_distance(want, all[i]);
        if (dd < bd) {
            bd = dd;
            best = all[i];
        }
    }
    fp_buf names;
    fp_buf_init(&names);
    for (uint32_t i = 0; i < m && i < 30; i++)
        fp_buf_printf(&names, "%s%s", i ? ", " : "", all[i]);
    if (m > 30)
        fp_buf_printf(&names, " … (%u in all)", m);
    char hint[300] = "";
    if (best)
        snprintf(hint, sizeof hint, "did you mean \"%s\"? ", best);
    fp_fail(err, FP_ERR_NOTFOUND, "no %s named \"%s\" in the data; %sthe %ss are: %s", kind, name, hint, kind,
            m ? names.data : "(none)");
    fp_buf_free(&names);
    free(all);
    return FP_ERR_NOTFOUND;
}

/* ---- breakdowns ---- */

typedef struct dim {
    uint32_t n;
    int64_t *cur, *prev, *yoy, *orders;
    bool *seen;             /* a line of the period has the value */
} dim;

static void dim_init(dim *d, uint32_t n)
{
    d->n = n;
    d->cur = fp_xcalloc(n ? n : 1, sizeof *d->cur);
    d->prev = fp_xcalloc(n ? n : 1, sizeof *d->prev);
    d->yoy = fp_xcalloc(n ? n : 1, sizeof *d->yoy);
    d->orders = fp_xcalloc(n ? n : 1, sizeof *d->orders);
    d->seen = fp_xcalloc(n ? n : 1, sizeof *d->seen);
}

static void dim_free(dim *d)
{
    free(d->cur);
    free(d->prev);
    free(d->yoy);
    free(d->orders);
    free(d->seen);
}

static int cmp_item(const void *a, const void *b)
{
    const fp_item *x = a, *y = b;
    if (x->sales != y->sales)
        return x->sales > y->sales ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Items with a line in the period or sales in a comparison window, sorted by sales. */
static fp_item *dim_items(const dim *d, const fp_dict *dict, int64_t total, bool prev_ok, bool yoy_ok, size_t *count)
{
    fp_item *it = fp_xcalloc(d->n ? d->n : 1, sizeof *it);
    size_t k = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        if (!d->seen[i] && !(prev_ok && d->prev[i]) && !(yoy_ok && d->yoy[i]))
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

/* The comparison window in cmp for the period p counted up to through: the whole of cmp when p is
 * complete; otherwise the same part of the calendar — as many days from the Monday for a week, up to
 * the same day of the corresponding month (or that month's last day) for a month, quarter or year. */
static window cmp_window(const fp_period *p, fp_date through, const fp_period *cmp)
{
    window w = {cmp->start, cmp->end};
    if (through >= p->end)
        return w;
    if (p->kind == FP_WEEK) {
        w.end = cmp->start + (through - p->start);
    } else {
        int y0, m0, d0, yt, mt, dt, yc, mc, dc;
        fp_date_to_ymd(p->start, &y0, &m0, &d0);
        fp_date_to_ymd(through, &yt, &mt, &dt);
        fp_date_to_ymd(cmp->start, &yc, &mc, &dc);
        int mi = yc * 12 + mc - 1 + (yt * 12 + mt) - (y0 * 12 + m0);
        int y = mi / 12, m = mi % 12 + 1, mdays = fp_days_in_month(y, m);
        w.end = fp_date_from_ymd(y, m, dt < mdays ? dt : mdays);
    }
    if (w.end > cmp->end)
        w.end = cmp->end;
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

/* distinct (key, value) pairs per key: out[key] += 1 for each distinct pair; sorts pairs */
static void count_distinct(uint64_t *pairs, size_t n, int64_t *out)
{
    if (!n)
        return;
    qsort(pairs, n, sizeof *pairs, cmp_u64);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || pairs[i] != pairs[i - 1])
            out[pairs[i] >> 32]++;
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

typedef struct order_pass {
    dim channel, category, product, region, team, rep;
    int64_t *rep_newc;      /* per person: new customers of the period first bought from them */
    int64_t *cust_sales;    /* per customer, in the period */
    int64_t *cust_orders;   /* per customer: distinct orders in the period */
    int64_t *rep_cust;      /* per person: distinct customers in the period */
    uint32_t *cust_name;
    bucket b[NB];
} order_pass;

static void compute_orders(const fp_dataset *ds, const scope_ctx *sc, fp_metrics *m, const window *win,
                           fp_date base, fp_date last, order_pass *op)
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
    bucket *b = op->b;

    /* day -> buckets */
    size_t ndays = last >= base ? (size_t)(last - base + 1) : 0;
    uint16_t *mask = fp_xcalloc(ndays ? ndays : 1, sizeof *mask);
    for (int k = 0; k < NB; k++)
        for (fp_date d = win[k].start; d <= win[k].end; d++)
            if (d >= base && d <= last)
                mask[d - base] |= (uint16_t)(1u << k);

    /* the period's lines, for the distinct counts per value afterwards */
    uint32_t *cur_rows = NULL;
    size_t ncur = 0, cur_cap = 0;
    int64_t list = 0;
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
        if (rows && ri + 16 < nrows) { /* an index's rows lie all over the columns: ask for them ahead
                                            * (a batch's metrics: 15 % less time) */
            uint32_t ahead = rows[ri + 16];
            __builtin_prefetch(&date[ahead]);
            __builtin_prefetch(&status[ahead]);
            __builtin_prefetch(&amount[ahead]);
            __builtin_prefetch(&oid[ahead]);
            __builtin_prefetch(&cust[ahead]);
        }
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
            if (bs_add(&bk->ord, order))
                bk->orders++;
            if (bs_add(&bk->cust, c))
                bk->customers++;
            if (is_new)
                bk->newc++;
        }
        if ((bits >> B_CUR) & 1) {
            dim *dims[] = {&op->channel, &op->category, &op->product, &op->team, &op->region, &op->rep};
            uint32_t vals[] = {ochan ? ochan[r] : 0, ocat ? ocat[r] : 0, oprod ? oprod[r] : 0,
                               oteam[r],           oregion[r],         orep[r]};
            for (int i = 0; i < 6; i++) {
                dims[i]->cur[vals[i]] += amt;
                dims[i]->seen[vals[i]] = true;
            }
            op->cust_sales[c] += amt;
            if (cname && !op->cust_name[c])
                op->cust_name[c] = cname[r];
            if (is_new)
                op->rep_newc[orep[r]]++;
            if (qty && !isnan(qty[r]))
                m->quantity += qty[r];
            if (priced && price[r] != FP_NO_MONEY && !isnan(qty[r]))
                list += llround((double)price[r] * qty[r] * 1000.0); /* in 1/1000 fen: exact for 3 decimals */
            else
                priced = false;
            if (ncur == cur_cap) {
                cur_cap = cur_cap ? cur_cap * 2 : 1024;
                cur_rows = fp_xrealloc(cur_rows, cur_cap * sizeof *cur_rows);
            }
            cur_rows[ncur++] = (uint32_t)r;
        }
        if ((bits >> B_PREV) & 1) {
            if (ochan)
                op->channel.prev[ochan[r]] += amt;
            if (ocat)
                op->category.prev[ocat[r]] += amt;
            if (oprod)
                op->product.prev[oprod[r]] += amt;
            op->team.prev[oteam[r]] += amt;
            op->region.prev[oregion[r]] += amt;
            op->rep.prev[orep[r]] += amt;
        }
        if ((bits >> B_YOY) & 1) {
            if (ochan)
                op->channel.yoy[ochan[r]] += amt;
            if (ocat)
                op->category.yoy[ocat[r]] += amt;
            if (oprod)
                op->product.yoy[oprod[r]] += amt;
            op->team.yoy[oteam[r]] += amt;
            op->region.yoy[oregion[r]] += amt;
            op->rep.yoy[orep[r]] += amt;
        }
    }
    /* distinct orders per value and per customer: the period's lines grouped by order (one sort), then
     * each value counted once per order; distinct customers per rep by sorting (rep, customer) pairs */
    uint64_t *pairs = fp_xmalloc((ncur ? ncur : 1) * sizeof *pairs);
    for (size_t j = 0; j < ncur; j++)
        pairs[j] = (uint64_t)oid[cur_rows[j]] << 32 | cur_rows[j];
    if (ncur)
        qsort(pairs, ncur, sizeof *pairs, cmp_u64);
    struct {
        const uint32_t *key;
        int64_t *out;
    } per[] = {{ochan, op->channel.orders}, {ocat, op->category.orders}, {oprod, op->product.orders},
               {oteam, op->team.orders},    {oregion, op->region.orders}, {orep, op->rep.orders},
               {cust, op->cust_orders}};
    for (size_t g = 0; g < ncur;) {
        size_t e = g + 1;
        while (e < ncur && pairs[e] >> 32 == pairs[g] >> 32)
            e++;
        for (size_t i = 0; i < sizeof per / sizeof per[0]; i++) {
            if (e - g <= 32) { /* an order has few lines: look back among its own */
                for (size_t j = g; j < e; j++) {
                    uint32_t v = per[i].key ? per[i].key[(uint32_t)pairs[j]] : 0;
                    bool seen = false;
                    for (size_t k = g; k < j && !seen; k++)
                        seen = (per[i].key ? per[i].key[(uint32_t)pairs[k]] : 0) == v;
                    if (!seen)
                        per[i].out[v]++;
                }
            } else { /* a huge order (hostile or odd data): sort its values */
                uint64_t *vals = fp_xmalloc((e - g) * sizeof *vals);
                for (size_t j = g; j < e; j++)
                    vals[j - g] = (uint64_t)(per[i].key ? per[i].key[(uint32_t)pairs[j]] : 0) << 32;
                count_distinct(vals, e - g, per[i].out);
                free(vals);
            }
        }
        g = e;
    }
    for (size_t j = 0; j < ncur; j++)
        pairs[j] = (uint64_t)orep[cur_rows[j]] << 32 | cust[cur_rows[j]];
    count_distinct(pairs, ncur, op->rep_cust);
    free(pairs);
    free(cur_rows);
    if (!qty)
        m->quantity = NAN; /* no quantity column: unknown, not 0 */
    if (priced && b[B_CUR].lines) {
        m->list_amount = div_round(list, 1000);
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
    if (!t->present) {
        m->responses = m->low_scores = FP_NO_MONEY;
        return;
    }
    const fp_date *date = fp_col_date(t, FP_SUR_DATE);
    const uint32_t *comment = fp_col_text(t, FP_SUR_COMMENT);
    const double *score = fp_col_num(t, FP_SUR_SCORE);
    uint32_t ntext = fp_dict_size(ds->dict[FP_DOM_TEXT]);
    int64_t *ccount = fp_xcalloc(ntext, sizeof *ccount);
    double sum = 0, psum = 0;
    int64_t pn = 0;
    const uint32_t *rows;
    size_t nrows = scope_rows(sc, ds->surveys_by, t->nrows, &rows);
    for (size_t ri = 0; ri < nrows; ri++) {
        size_t r = rows ? rows[ri] : ri;
        bool cur = date[r] >= win[B_CUR].start && date[r] <= win[B_CUR].end;
        bool prev = date[r] >= win[B_PREV].start && date[r] <= win[B_PREV].end;
        if (!cur && !prev)
            continue;
        uint32_t rep = fp_survey_rep(ds, r);
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
    if (!t->present) {
        m->activities = FP_NO_MONEY;
        return;
    }
    const fp_date *date = fp_col_date(t, FP_ACT_DATE);
    const uint32_t *arep = fp_col_text(t, FP_ACT_REP);
    const uint32_t *type = fp_col_text(t, FP_ACT_TYPE), *result = fp_col_text(t, FP_ACT_RESULT);
    uint32_t ntext = fp_dict_size(ds->dict[FP_DOM_TEXT]);
    int64_t *tc = fp_xcalloc(ntext, sizeof *tc), *rc = fp_xcalloc(ntext, sizeof *rc);
    const uint32_t *rows;
    size_t nrows = scope_rows(sc, ds->activities_by, t->nrows, &rows);
    for (size_t ri = 0; ri < nrows; ri++) {
        size_t r = rows ? rows[ri] : ri;
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
    /* the funnel: a result at a later declared stage implies the earlier stages were reached */
    m->nfunnel = (size_t)ds->nstages;
    m->funnel = fp_xcalloc(m->nfunnel ? m->nfunnel : 1, sizeof *m->funnel);
    for (size_t i = 0; i < m->nfunnel; i++)
        m->funnel[i].name = ds->stages[i];
    for (uint32_t i = 1; i < ntext; i++)
        for (int s = 0; s < ds->text_stage[i]; s++)
            m->funnel[s].count += rc[i];
    for (size_t i = 0; i < m->nfunnel; i++)
        m->funnel[i].conversion = i ? ratio((double)m->funnel[i].count, (double)m->funnel[i - 1].count) : NAN;
    free(tc);
    free(rc);
}

static void compute_actions(const fp_dataset *ds, const scope_ctx *sc, fp_metrics *m)
{
    const fp_table *t = &ds->table[FP_TBL_ACTIONS];
    m->has_actions = t->present;
    if (!t->present) {
        m->actions_raised = m->actions_done = m->actions_open = m->actions_overdue = FP_NO_MONEY;
        return;
    }
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
        case FP_SCOPE_COMPANY:
        case FP_SCOPE_REGION:
        case FP_SCOPE_TEAM:
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

/* the target of the scope from a period's target table */
static fp_target scope_target(const scope_ctx *sc, const fp_target_table *tt)
{
    switch (sc->kind) {
    case FP_SCOPE_COMPANY:
        return fp_target_company(tt);
    case FP_SCOPE_REGION:
        return fp_target_region(tt, sc->id);
    case FP_SCOPE_TEAM:
        return fp_target_team(tt, sc->id);
    case FP_SCOPE_REP:
        return fp_target_rep(tt, sc->id);
    }
    return fp_target_company(tt);
}

static fp_target target_of(const scope_ctx *sc, const fp_period *p)
{
    fp_target_table *tt = fp_targets_build(sc->ds, p);
    fp_target t = scope_target(sc, tt);
    fp_targets_free(tt);
    return t;
}

/* The last day a query counts: the period's end, as-of, or the data's last order date, whichever is
 * first — after its last order the export says nothing, so a day after it is not a day without sales. */
static fp_date query_through(const fp_dataset *ds, const fp_query *q)
{
    fp_date t = q->as_of < q->period.end ? q->as_of : q->period.end;
    if (ds->last_date != FP_NO_DATE && ds->last_date < t && ds->last_date >= q->period.start)
        t = ds->last_date;
    return t;
}

fp_status fp_query_check(const fp_dataset *ds, const fp_query *q, fp_error *err)
{
    char label[32], a[16], b[16], c[16];
    fp_period_label(&q->period, label, sizeof label);
    if (ds->first_date == FP_NO_DATE)
        return fp_fail(err, FP_ERR_INPUT, "the data has no order lines, so there is nothing to report for %s", label);
    fp_date_format(ds->first_date, a);
    fp_date_format(ds->last_date, b);
    fp_date_format(q->as_of, c);
    if (q->period.start > q->as_of)
        return fp_fail(err, FP_ERR_INPUT, "%s has not begun by --as-of %s; choose an earlier period or a later --as-of",
                       label, c);
    fp_date through = query_through(ds, q);
    if (through < ds->first_date) {
        if (q->period.end < ds->first_date)
            return fp_fail(err, FP_ERR_INPUT,
                           "%s lies before the data, which covers %s to %s; choose a period within it", label, a, b);
        return fp_fail(err, FP_ERR_INPUT,
                       "%s counted to --as-of %s lies before the data, which covers %s to %s; choose a later "
                       "--as-of",
                       label, c, a, b);
    }
    if (q->period.start > ds->last_date)
        return fp_fail(err, FP_ERR_INPUT,
                       "%s begins after the data ends: the export covers %s to %s; choose a period within it, or "
                       "load a newer export",
                       label, a, b);
    return FP_OK;
}

void fp_query_warnings(const fp_dataset *ds, const fp_query *q, fp_buf *out)
{
    fp_date last = q->as_of < q->period.end ? q->as_of : q->period.end;
    if (ds->last_date == FP_NO_DATE || last <= ds->last_date || ds->last_date < q->period.start)
        return;
    char a[16], b[16];
    fp_date_format(ds->last_date, a);
    fp_date_format(last, b);
    fp_buf_printf(out,
                  "fupan: warning: the data's last order is dated %s, before the report's last day %s: the report "
                  "counts up to %s and compares the same days (an export taken earlier says nothing of the days "
                  "after it)\n",
                  a, b, a);
}

fp_status fp_metrics_compute(const fp_dataset *ds, const fp_query *q, fp_metrics **out, fp_error *err)
{
    *out = NULL;
    scope_ctx sc;
    fp_status st = resolve_scope(ds, q, &sc, err);
    if (st == FP_OK)
        st = fp_query_check(ds, q, err);
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
    m->through = query_through(ds, q);
    m->data_first = ds->first_date;
    m->data_last = ds->last_date;
    m->has_targets_table = ds->table[FP_TBL_TARGETS].present;
    m->has_roster = ds->table[FP_TBL_ROSTER].present;
    m->has_reps = ds->has_reps;
    m->has_teams = ds->has_teams;
    m->has_regions = ds->has_regions;
    m->currency = ds->currency ? ds->currency->code : "CNY";

    /* time */
    const fp_calendar *cal = &ds->calendar;
    m->working_days = fp_working_days(cal, q->period.start, q->period.end);
    m->elapsed_working_days = fp_working_days(cal, q->period.start, m->through);
    m->remaining_working_days = m->working_days - m->elapsed_working_days;
    int64_t days_all = q->period.end - q->period.start + 1, days_done = m->through - q->period.start + 1;
    /* the pace: working days, or calendar days in a period without any */
    int64_t pace_num = m->working_days > 0 ? m->elapsed_working_days : days_done;
    int64_t pace_den = m->working_days > 0 ? m->working_days : days_all;
    m->time_progress = (double)pace_num / (double)pace_den;
    m->cmp_days = (fp_date)days_done;

    /* windows: trend periods, then the comparison periods */
    window win[NB];
    for (int k = 0; k < FP_TREND_N; k++) {
        fp_period p = fp_period_shift(&q->period, k - B_CUR);
        m->trend[k].period = p;
        m->trend[k].through = p.end;
        win[k] = (window){p.start, p.end};
    }
    win[B_CUR].end = m->through;
    m->trend[B_CUR].through = m->through;
    m->trend[B_CUR].partial = m->through < q->period.end;
    win[B_PREV] = cmp_window(&q->period, m->through, &m->prev_period);
    win[B_YOY] = cmp_window(&q->period, m->through, &m->yoy_period);
    m->prev_through = win[B_PREV].end;
    m->yoy_through = win[B_YOY].end;
    fp_date base = win[0].start;
    for (int k = 0; k < NB; k++)
        if (win[k].start < base)
            base = win[k].start;
    fp_date last = m->through;
    /* a window is known when it ends on or after the data's first order date */
    bool known[NB];
    for (int k = 0; k < NB; k++)
        known[k] = win[k].end >= win[k].start && ds->first_date <= win[k].end;
    bool prev_ok = known[B_PREV], yoy_ok = known[B_YOY];

    /* the pass over the order lines */
    uint32_t norder = fp_dict_size(ds->dict[FP_DOM_ORDER]), ncust = fp_dict_size(ds->dict[FP_DOM_CUSTOMER]);
    uint32_t nperson = fp_dict_size(ds->dict[FP_DOM_PERSON]), nteam = fp_dict_size(ds->dict[FP_DOM_TEAM]);
    order_pass op;
    memset(&op, 0, sizeof op);
    for (int k = 0; k < NB; k++) {
        bs_init(&op.b[k].ord, norder);
        bs_init(&op.b[k].cust, ncust);
    }
    dim_init(&op.channel, fp_dict_size(ds->dict[FP_DOM_CHANNEL]));
    dim_init(&op.category, fp_dict_size(ds->dict[FP_DOM_CATEGORY]));
    dim_init(&op.product, fp_dict_size(ds->dict[FP_DOM_PRODUCT]));
    dim_init(&op.region, fp_dict_size(ds->dict[FP_DOM_REGION]));
    dim_init(&op.team, nteam);
    dim_init(&op.rep, nperson);
    op.rep_newc = fp_xcalloc(nperson, sizeof *op.rep_newc);
    op.rep_cust = fp_xcalloc(nperson, sizeof *op.rep_cust);
    op.cust_sales = fp_xcalloc(ncust, sizeof *op.cust_sales);
    op.cust_orders = fp_xcalloc(ncust, sizeof *op.cust_orders);
    op.cust_name = fp_xcalloc(ncust, sizeof *op.cust_name);
    compute_orders(ds, &sc, m, win, base, last, &op);
    bucket *b = op.b;

    bucket *cur = &b[B_CUR];
    m->sales = cur->sales;
    m->lines = cur->lines;
    m->orders = cur->orders;
    m->aov = cur->orders ? div_round(cur->sales, cur->orders) : FP_NO_MONEY;
    m->daily_sales = m->elapsed_working_days > 0 ? div_round(cur->sales, m->elapsed_working_days) : FP_NO_MONEY;
    m->customers = cur->customers;
    /* a customer is new when the data holds no earlier order of theirs: with no day of data before the
     * period, new and returning customers cannot be told apart, and both are unknown */
    bool history = ds->first_date != FP_NO_DATE && ds->first_date < q->period.start;
    m->new_customers = history ? cur->newc : FP_NO_MONEY;
    for (uint32_t c = 0; c < ncust; c++) {
        if (!bs_has(&cur->cust, c))
            continue;
        if (op.cust_orders[c] >= 2)
            m->repeat_customers++;
        if (ds->cust_first[c] != FP_NO_DATE && ds->cust_first[c] < q->period.start)
            m->returning_customers++;
    }
    if (!history)
        m->returning_customers = FP_NO_MONEY;
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
    fp_target_table *tt = fp_targets_build(ds, &q->period);
    fp_target ts = scope_target(&sc, tt);
    m->target = ts.sales;
    m->target_months = m->has_targets_table ? ts.covered : FP_NO_MONEY;
    m->target_months_needed = m->has_targets_table ? ts.needed : FP_NO_MONEY;
    m->partial_target = ts.partial;
    m->has_target = ts.known && ts.sales > 0;
    m->attainment = m->has_target ? (double)m->sales / (double)m->target : NAN;
    m->gap = ts.known ? m->target - m->sales : FP_NO_MONEY;
    m->progress_gap = m->has_target ? m->attainment - m->time_progress : NAN;
    m->new_customer_target = ts.new_customers;
    m->order_target = ts.orders;
    m->new_customer_attainment = history ? ratio((double)m->new_customers, ts.new_customers) : NAN;
    m->order_attainment = ratio((double)m->orders, ts.orders);
    if (ts.known) {
        m->remaining_target = m->sales < m->target ? m->target - m->sales : 0;
        m->daily_needed = m->remaining_working_days > 0 ? div_round(m->remaining_target, m->remaining_working_days)
                                                        : FP_NO_MONEY;
    } else {
        m->remaining_target = m->daily_needed = FP_NO_MONEY;
    }
    if (pace_num > 0) {
        m->forecast = div_round(m->sales * pace_den, pace_num);
        m->forecast_attainment = m->has_target ? (double)m->forecast / (double)m->target : NAN;
    } else {
        m->forecast = FP_NO_MONEY;
        m->forecast_attainment = NAN;
    }

    /* the next period: its target and the run rate it asks for (the outlook of a review) */
    m->next_period = fp_period_shift(&q->period, 1);
    {
        fp_target tn = target_of(&sc, &m->next_period);
        m->next_target = tn.known && tn.sales > 0 ? tn.sales : FP_NO_MONEY;
        m->next_working_days = fp_working_days(&ds->calendar, m->next_period.start, m->next_period.end);
        m->next_daily_needed = m->next_target != FP_NO_MONEY && m->next_working_days > 0
                                   ? div_round(m->next_target, m->next_working_days)
                                   : FP_NO_MONEY;
    }

    /* trend */
    for (int k = 0; k < FP_TREND_N; k++) {
        fp_trend_point *tp = &m->trend[k];
        fp_target tk = k == B_CUR ? ts : target_of(&sc, &tp->period);
        tp->target = tk.sales;
        if (known[k]) {
            tp->sales = b[k].sales;
            tp->orders = b[k].orders;
            tp->customers = b[k].customers;
            tp->new_customers = ds->first_date < tp->period.start ? b[k].newc : FP_NO_MONEY;
            tp->attainment = tk.known && tk.sales > 0 ? (double)tp->sales / (double)tk.sales : NAN;
        } else {
            tp->sales = tp->orders = tp->customers = tp->new_customers = FP_NO_MONEY;
            tp->attainment = NAN;
        }
    }

    /* breakdowns */
    /* a breakdown by a column the export does not have is empty, not one "(未填)" item */
    const fp_table *ot = &ds->table[FP_TBL_ORDERS];
    if (!fp_col_text(ot, FP_ORD_CHANNEL))
        op.channel.n = 0;
    if (!fp_col_text(ot, FP_ORD_CATEGORY))
        op.category.n = 0;
    if (!fp_col_text(ot, FP_ORD_PRODUCT))
        op.product.n = 0;
    if (!ds->has_regions)
        op.region.n = 0;
    if (!ds->has_teams)
        op.team.n = 0;
    m->channels = dim_items(&op.channel, ds->dict[FP_DOM_CHANNEL], m->sales, prev_ok, yoy_ok, &m->nchannels);
    m->categories = dim_items(&op.category, ds->dict[FP_DOM_CATEGORY], m->sales, prev_ok, yoy_ok, &m->ncategories);
    m->products = dim_items(&op.product, ds->dict[FP_DOM_PRODUCT], m->sales, prev_ok, yoy_ok, &m->nproducts);
    m->regions = dim_items(&op.region, ds->dict[FP_DOM_REGION], m->sales, prev_ok, yoy_ok, &m->nregions);
    m->teams = dim_items(&op.team, ds->dict[FP_DOM_TEAM], m->sales, prev_ok, yoy_ok, &m->nteams);
    m->pareto80 = 0;
    for (size_t i = 0; i < m->nproducts; i++) {
        m->pareto80 = (int)i + 1;
        if (m->products[i].cum_share >= 0.8 - 1e-12)
            break;
    }
    /* teams and regions carry their own targets */
    for (size_t i = 0; i < m->nteams; i++) {
        fp_item *it = &m->teams[i];
        uint32_t tid;
        it->extra = "";
        if (strcmp(it->name, "(未填)") && fp_dict_find(ds->dict[FP_DOM_TEAM], it->name, strlen(it->name), &tid)) {
            fp_target t = fp_target_team(tt, tid);
            it->target = t.sales;
            it->attainment = t.known && t.sales > 0 ? (double)it->sales / (double)t.sales : NAN;
            it->extra = fp_ds_str(ds, FP_DOM_REGION, ds->team_region[tid]);
        }
    }
    for (size_t i = 0; i < m->nregions; i++) {
        fp_item *it = &m->regions[i];
        uint32_t rid;
        if (!strcmp(it->name, "(未填)") || !fp_dict_find(ds->dict[FP_DOM_REGION], it->name, strlen(it->name), &rid))
            continue;
        fp_target t = fp_target_region(tt, rid);
        it->target = t.sales;
        it->attainment = t.known && t.sales > 0 ? (double)it->sales / (double)t.sales : NAN;
    }

    /* customers: the biggest and how concentrated sales are */
    {
        size_t nc = 0;
        for (uint32_t c = 0; c < ncust; c++)
            nc += op.cust_sales[c] != 0;
        fp_item *all = fp_xcalloc(nc ? nc : 1, sizeof *all);
        nc = 0;
        for (uint32_t c = 0; c < ncust; c++) {
            if (!op.cust_sales[c])
                continue;
            fp_item *it = &all[nc++];
            it->extra = fp_ds_str(ds, FP_DOM_CUSTOMER, c);
            it->name = op.cust_name[c] ? fp_ds_str(ds, FP_DOM_CUSTNAME, op.cust_name[c]) : it->extra;
            it->sales = op.cust_sales[c];
            it->orders = op.cust_orders[c];
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

    /* the rep table: whoever sold in the scope, had a target row in it, or was on its roster while the
     * period ran */
    {
        uint8_t *in = fp_xcalloc(nperson, 1);
        const fp_table *ro = &ds->table[FP_TBL_ROSTER];
        if (sc.kind == FP_SCOPE_REP) {
            in[sc.id] = 1;
        } else {
            if (ro->present) {
                const uint32_t *name = fp_col_text(ro, FP_ROS_NAME), *rteam = fp_col_text(ro, FP_ROS_TEAM);
                const fp_date *hired = fp_col_date(ro, FP_ROS_HIRED), *left = fp_col_date(ro, FP_ROS_LEFT);
                for (size_t r = 0; r < ro->nrows; r++) {
                    bool employed = (!hired || hired[r] == FP_NO_DATE || hired[r] <= m->through) &&
                                    (!left || left[r] == FP_NO_DATE || left[r] >= q->period.start);
                    if (employed && team_in_scope(&sc, rteam[r]))
                        in[name[r]] = 1;
                }
            }
            for (uint32_t p = 1; p < nperson; p++)
                if (op.rep.seen[p])
                    in[p] = 1;
            for (size_t r = 0; r < tt->nrows; r++)
                if (team_in_scope(&sc, tt->row_team[r]))
                    in[tt->row_rep[r]] = 1;
        }
        if (!ds->has_reps) /* orders that name no rep say nothing of anyone's sales: no rep table */
            memset(in, 0, nperson);
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
            rr->sales = op.rep.cur[p];
            rr->orders = op.rep.orders[p];
            rr->aov = rr->orders ? div_round(rr->sales, rr->orders) : FP_NO_MONEY;
            fp_target t = fp_target_rep(tt, p);
            rr->target = t.sales;
            rr->attainment = t.known && t.sales > 0 ? (double)rr->sales / (double)t.sales : NAN;
            rr->new_customers = history ? op.rep_newc[p] : FP_NO_MONEY;
            rr->customers = op.rep_cust[p];
            rr->activities = m->has_activities ? rep_act[p] : FP_NO_MONEY;
            rr->responses = m->has_surveys ? rep_resp[p] : FP_NO_MONEY;
            rr->satisfaction = rep_resp[p] ? rep_score[p] / (double)rep_resp[p] : NAN;
            rr->prev_sales = prev_ok ? op.rep.prev[p] : FP_NO_MONEY;
            rr->mom = change(rr->sales, rr->prev_sales);
        }
        qsort(m->reps, m->nreps, sizeof *m->reps, cmp_rep);
        for (size_t i = 0; i < m->nreps; i++)
            m->reps[i].rank = (int)i + 1;
        free(in);
    }

    fp_targets_free(tt);
    for (int k = 0; k < NB; k++) {
        free(b[k].ord.w);
        free(b[k].cust.w);
    }
    dim_free(&op.channel);
    dim_free(&op.category);
    dim_free(&op.product);
    dim_free(&op.region);
    dim_free(&op.team);
    dim_free(&op.rep);
    free(op.rep_newc);
    free(op.rep_cust);
    free(op.cust_sales);
    free(op.cust_orders);
    free(op.cust_name);
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
    free(m->funnel);
    free(m->actions);
    free(m);
}
