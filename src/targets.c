/* targets.c — monthly target rows turned into the target of a scope for a period; see targets.h and
 * docs/metrics.md ("Targets"). */
#include "targets.h"

#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fp_tcell {
    int64_t sales;            /* fen, each row's share rounded */
    double newc, orders;
    bool has, has_newc, has_orders;
};

/* a/b rounded to the nearest whole number, halves away from zero (b > 0) */
static int64_t div_round(int64_t a, int64_t b)
{
    int64_t q = a / b, r = a % b;
    if (2 * (r < 0 ? -r : r) >= b)
        q += a < 0 ? -1 : 1;
    return q;
}

/* one decimal, halves up; the small bias absorbs the binary error of a sum of exact shares */
static double round1(double x)
{
    return floor(x * 10 + 0.5 + 1e-7) / 10;
}

static void add(fp_tcell *c, int64_t s, double n, double o)
{
    c->has = true;
    c->sales += s;
    if (!isnan(n)) {
        c->newc += n;
        c->has_newc = true;
    }
    if (!isnan(o)) {
        c->orders += o;
        c->has_orders = true;
    }
}

fp_target_table *fp_targets_build(const fp_dataset *ds, const fp_period *p)
{
    fp_target_table *t = fp_xcalloc(1, sizeof *t);
    t->ds = ds;
    t->period = *p;
    int m1;
    fp_period_months(p, &t->m0, &m1);
    t->nm = m1 - t->m0 + 1;
    int nm = t->nm;
    t->need = fp_xcalloc((size_t)nm, sizeof *t->need);
    int64_t *wnum = fp_xcalloc((size_t)nm, sizeof *wnum), *wden = fp_xcalloc((size_t)nm, sizeof *wden);
    for (int k = 0; k < nm; k++) {
        int mi = t->m0 + k;
        fp_period month = fp_period_make(FP_MONTH, mi / 12, mi % 12 + 1);
        fp_date a = p->start > month.start ? p->start : month.start;
        fp_date b = p->end < month.end ? p->end : month.end;
        int wd_part = fp_working_days(&ds->calendar, a, b);
        int wd_month = fp_working_days(&ds->calendar, month.start, month.end);
        t->need[k] = wd_part > 0;
        if (a == month.start && b == month.end) {
            wnum[k] = wden[k] = 1;
        } else if (wd_month > 0) {
            wnum[k] = wd_part;
            wden[k] = wd_month;
        } else { /* a month with no working day at all: calendar days */
            wnum[k] = b - a + 1;
            wden[k] = month.end - month.start + 1;
        }
    }
    t->nteam = fp_dict_size(ds->dict[FP_DOM_TEAM]);
    t->nperson = fp_dict_size(ds->dict[FP_DOM_PERSON]);
    size_t tc = (size_t)t->nteam * (size_t)nm, pc = (size_t)t->nperson * (size_t)nm;
    t->team_own = fp_xcalloc(tc ? tc : 1, sizeof *t->team_own);
    t->team_reps = fp_xcalloc(tc ? tc : 1, sizeof *t->team_reps);
    t->rep = fp_xcalloc(pc ? pc : 1, sizeof *t->rep);
    const fp_table *tb = &ds->table[FP_TBL_TARGETS];
    if (tb->present) {
        const int32_t *month = fp_col_int(tb, FP_TGT_PERIOD);
        const uint32_t *team = fp_col_text(tb, FP_TGT_TEAM), *rep = fp_col_text(tb, FP_TGT_REP);
        const int64_t *sales = fp_col_money(tb, FP_TGT_SALES);
        const double *newc = fp_col_num(tb, FP_TGT_NEW_CUSTOMERS), *ord = fp_col_num(tb, FP_TGT_ORDERS);
        size_t cap = 0;
        for (size_t r = 0; r < tb->nrows; r++) {
            int k = month[r] - t->m0;
            if (k < 0 || k >= nm || sales[r] == FP_NO_MONEY)
                continue;
            int64_t s = wnum[k] == wden[k] ? sales[r] : div_round(sales[r] * wnum[k], wden[k]);
            double w = (double)wnum[k] / (double)wden[k];
            double n = newc && !isnan(newc[r]) ? newc[r] * w : NAN;
            double o = ord && !isnan(ord[r]) ? ord[r] * w : NAN;
            uint32_t tm = team ? team[r] : 0, rp = rep ? rep[r] : 0;
            if (tm >= t->nteam)
                tm = 0;
            if (rp && rp < t->nperson) {
                add(&t->rep[(size_t)rp * nm + k], s, n, o);
                if (tm)
                    add(&t->team_reps[(size_t)tm * nm + k], s, n, o);
                if (t->nrows == cap) {
                    cap = cap ? cap * 2 : 64;
                    t->row_rep = fp_xrealloc(t->row_rep, cap * sizeof *t->row_rep);
                    t->row_team = fp_xrealloc(t->row_team, cap * sizeof *t->row_team);
                }
                t->row_rep[t->nrows] = rp;
                t->row_team[t->nrows++] = tm;
            } else if (tm) {
                add(&t->team_own[(size_t)tm * nm + k], s, n, o);
            }
        }
    }
    free(wnum);
    free(wden);
    return t;
}

void fp_targets_free(fp_target_table *t)
{
    if (!t)
        return;
    free(t->need);
    free(t->team_own);
    free(t->team_reps);
    free(t->rep);
    free(t->row_rep);
    free(t->row_team);
    free(t);
}

/* A team's month: its own rows when it has any, else its reps' rows. */
static const fp_tcell *team_month(const fp_target_table *t, uint32_t team, int k)
{
    const fp_tcell *own = &t->team_own[(size_t)team * t->nm + k];
    return own->has ? own : &t->team_reps[(size_t)team * t->nm + k];
}

/* The period's target from one cell per month; need[k] says which months must be covered. */
static fp_target finish(const fp_tcell *cell, const bool *need, int nm)
{
    fp_target r = {.sales = FP_NO_MONEY, .partial = FP_NO_MONEY, .new_customers = NAN, .orders = NAN};
    int64_t sum = 0;
    double n = 0, o = 0;
    int needed = 0, cov = 0, cov_n = 0, cov_o = 0;
    bool any = false, any_n = false, any_o = false;
    for (int k = 0; k < nm; k++) {
        const fp_tcell *c = &cell[k];
        needed += need[k];
        cov += need[k] && c->has;
        cov_n += need[k] && c->has_newc;
        cov_o += need[k] && c->has_orders;
        any |= c->has;
        any_n |= c->has_newc;
        any_o |= c->has_orders;
        sum += c->has ? c->sales : 0;
        n += c->has_newc ? c->newc : 0;
        o += c->has_orders ? c->orders : 0;
    }
    r.covered = cov;
    r.needed = needed;
    /* a period without a working day needs no month: its target is what the touched months give */
    r.known = needed ? cov == needed : any;
    if (r.known)
        r.sales = sum;
    else if (cov > 0)
        r.partial = sum;
    if (needed ? cov_n == needed : any_n)
        r.new_customers = round1(n);
    if (needed ? cov_o == needed : any_o)
        r.orders = round1(o);
    return r;
}

fp_target fp_target_team(const fp_target_table *t, uint32_t team)
{
    fp_tcell *c = fp_xcalloc((size_t)t->nm, sizeof *c);
    if (team && team < t->nteam)
        for (int k = 0; k < t->nm; k++)
            c[k] = *team_month(t, team, k);
    fp_target r = finish(c, t->need, t->nm);
    free(c);
    return r;
}

/* the teams of a region (region 0: every team, the company) */
static fp_target teams_sum(const fp_target_table *t, bool company, uint32_t region)
{
    fp_tcell *c = fp_xcalloc((size_t)t->nm, sizeof *c);
    for (uint32_t team = 1; team < t->nteam; team++) {
        if (!company && t->ds->team_region[team] != region)
            continue;
        for (int k = 0; k < t->nm; k++) {
            const fp_tcell *m = team_month(t, team, k);
            if (m->has)
                add(&c[k], m->sales, m->has_newc ? m->newc : NAN, m->has_orders ? m->orders : NAN);
        }
    }
    fp_target r = finish(c, t->need, t->nm);
    free(c);
    return r;
}

fp_target fp_target_region(const fp_target_table *t, uint32_t region)
{
    return teams_sum(t, false, region);
}

fp_target fp_target_company(const fp_target_table *t)
{
    return teams_sum(t, true, 0);
}

fp_target fp_target_rep(const fp_target_table *t, uint32_t person)
{
    bool *need = fp_xcalloc((size_t)t->nm, sizeof *need);
    fp_tcell *c = fp_xcalloc((size_t)t->nm, sizeof *c);
    if (person && person < t->nperson) {
        const fp_dataset *ds = t->ds;
        int y, m, d;
        int from = INT32_MIN, to = INT32_MAX;
        if (ds->person_hired && ds->person_hired[person] != FP_NO_DATE) {
            fp_date_to_ymd(ds->person_hired[person], &y, &m, &d);
            from = y * 12 + m - 1;
        }
        if (ds->person_left && ds->person_left[person] != FP_NO_DATE) {
            fp_date_to_ymd(ds->person_left[person], &y, &m, &d);
            to = y * 12 + m - 1;
        }
        for (int k = 0; k < t->nm; k++) {
            need[k] = t->need[k] && t->m0 + k >= from && t->m0 + k <= to;
            c[k] = t->rep[(size_t)person * t->nm + k];
        }
    }
    fp_target r = finish(c, need, t->nm);
    free(need);
    free(c);
    return r;
}
