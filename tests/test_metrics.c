/* Tests of metrics.c.
 *
 * The small fixture (tests/data/small, explained line by line in its README.md) was worked out by
 * hand: the expected numbers below come from that page, not from running this code. The demo data
 * then checks invariants that hold whatever the numbers are: the company is the sum of its teams and
 * regions, a quarter the sum of its months, a year the sum of its quarters, a team the sum of its reps,
 * and metrics computed on many threads at once equal those computed one by one. */
#include "testutil.h"
#include "dataset.h"
#include "metrics.h"
#include "metrics_value.h"
#include "pool.h"

#include <math.h>

static fp_dataset *small, *demo;

static fp_dataset *load(const char *data_rel)
{
    char *schema = tu_path("templates/profile.rng");
    char *data = tu_path(data_rel);
    char prof_path[1024];
    snprintf(prof_path, sizeof prof_path, "%s/profile.xml", data);
    fp_profile *p;
    fp_error err;
    if (fp_profile_load(prof_path, schema, &p, &err) != FP_OK)
        fail_msg("%s", err.msg);
    fp_dataset *ds;
    if (fp_dataset_load(data, p, 2, &ds, &err) != FP_OK)
        fail_msg("%s", err.msg);
    fp_profile_free(p);
    free(schema);
    free(data);
    return ds;
}

static int setup(void **state)
{
    (void)state;
    small = load("tests/data/small");
    demo = load("samples/demo");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fp_dataset_free(small);
    fp_dataset_free(demo);
    return 0;
}

static fp_metrics *compute(const fp_dataset *ds, fp_scope_kind k, const char *name, const char *period,
                           const char *as_of)
{
    fp_query q = {.scope = k, .name = name};
    fp_error err;
    assert_int_equal(fp_period_parse(period, &q.period, &err), FP_OK);
    assert_true(fp_date_parse(as_of, strlen(as_of), &q.as_of));
    fp_metrics *m;
    if (fp_metrics_compute(ds, &q, &m, &err) != FP_OK)
        fail_msg("%s", err.msg);
    return m;
}

#define YUAN(x) ((int64_t)((x) * 100 + ((x) < 0 ? -0.5 : 0.5)))

static const fp_item *item(const fp_item *it, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(it[i].name, name))
            return &it[i];
    fail_msg("no item %s", name);
    return NULL;
}

static const fp_rep_row *rep(const fp_metrics *m, const char *name)
{
    for (size_t i = 0; i < m->nreps; i++)
        if (!strcmp(m->reps[i].name, name))
            return &m->reps[i];
    fail_msg("no rep %s", name);
    return NULL;
}

/* README.md, "October 2026, the whole company" */
static void small_company_month(void **state)
{
    (void)state;
    fp_metrics *m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-10", "2026-10-31");
    assert_int_equal(m->sales, YUAN(9900));
    assert_int_equal(m->lines, 6);
    assert_int_equal(m->orders, 5);
    assert_int_equal(m->aov, YUAN(1980));
    assert_int_equal(m->customers, 4);
    assert_int_equal(m->new_customers, 2);
    assert_int_equal(m->returning_customers, 2);
    assert_int_equal(m->repeat_customers, 1);
    assert_near(m->repeat_rate, 0.25, 1e-12);
    assert_int_equal(m->prev_customers, 3);
    assert_int_equal(m->churned_customers, 1);
    assert_near(m->churn_rate, 1.0 / 3, 1e-12);
    assert_near(m->quantity, 12, 0);
    assert_int_equal(m->list_amount, YUAN(10500));
    assert_int_equal(m->discount_amount, YUAN(600));
    assert_near(m->discount_rate, 600.0 / 10500, 1e-12);
    /* targets: A = a1 + a2 (no team row), B = its team row (b1's own row does not add to it) */
    assert_true(m->has_target);
    assert_int_equal(m->target, YUAN(9000));
    assert_near(m->attainment, 1.1, 1e-12);
    assert_int_equal(m->gap, YUAN(-900));
    assert_near(m->new_customer_target, 4, 1e-9);
    assert_near(m->order_target, 8, 1e-9);
    assert_near(m->order_attainment, 0.625, 1e-12);
    assert_near(m->new_customer_attainment, 0.5, 1e-12);
    /* comparisons */
    assert_int_equal(m->prev_sales, YUAN(3400));
    assert_int_equal(m->prev_orders, 3);
    assert_near(m->mom, 9900.0 / 3400 - 1, 1e-12);
    assert_int_equal(m->yoy_sales, YUAN(1000));
    assert_near(m->yoy, 8.9, 1e-12);
    /* time */
    assert_int_equal(m->working_days, 21);
    assert_int_equal(m->elapsed_working_days, 21);
    assert_near(m->time_progress, 1, 0);
    assert_int_equal(m->remaining_target, 0);
    assert_int_equal(m->daily_needed, FP_NO_MONEY); /* no days left */
    fp_metrics_free(m);
}

static void small_breakdowns(void **state)
{
    (void)state;
    fp_metrics *m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-10", "2026-10-31");
    assert_int_equal(m->nchannels, 2); /* the agent channel only had a cancelled order */
    assert_string_equal(m->channels[0].name, "offline");
    assert_int_equal(m->channels[0].sales, YUAN(5900));
    assert_int_equal(m->channels[0].prev_sales, YUAN(1400));
    assert_int_equal(item(m->channels, m->nchannels, "online")->yoy_sales, YUAN(1000));
    assert_int_equal(m->nproducts, 3);
    assert_string_equal(m->products[0].name, "P2");
    assert_int_equal(m->products[0].sales, YUAN(3500));
    assert_near(m->products[1].cum_share, 6900.0 / 9900, 1e-12);
    assert_int_equal(m->pareto80, 3);
    assert_int_equal(item(m->categories, m->ncategories, "Service")->sales, YUAN(3000));
    const fp_item *a = item(m->teams, m->nteams, "A"), *b = item(m->teams, m->nteams, "B");
    assert_int_equal(a->sales, YUAN(4900));
    assert_int_equal(a->target, YUAN(5000));
    assert_near(a->attainment, 0.98, 1e-12);
    assert_string_equal(a->extra, "North");
    assert_int_equal(b->target, YUAN(4000));
    assert_near(b->attainment, 1.25, 1e-12);
    assert_int_equal(item(m->regions, m->nregions, "South")->target, YUAN(4000));
    assert_string_equal(m->top_customers[0].extra, "C6");
    assert_string_equal(m->top_customers[0].name, "Customer Six");
    assert_near(m->top1_share, 3000.0 / 9900, 1e-12);
    assert_near(m->top10_share, 1, 1e-12);
    fp_metrics_free(m);
}

static void small_reps(void **state)
{
    (void)state;
    fp_metrics *m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-10", "2026-10-31");
    assert_int_equal(m->nreps, 4);
    assert_string_equal(m->reps[0].name, "b1"); /* ranked by sales */
    assert_int_equal(m->reps[0].rank, 1);
    const fp_rep_row *b1 = rep(m, "b1"), *a1 = rep(m, "a1"), *a2 = rep(m, "a2"), *c1 = rep(m, "c1");
    assert_int_equal(b1->sales, YUAN(5000));
    assert_int_equal(b1->orders, 2);
    assert_int_equal(b1->target, YUAN(9999));
    assert_near(b1->attainment, 5000.0 / 9999, 1e-12);
    assert_int_equal(b1->new_customers, 1);
    assert_int_equal(b1->customers, 2);
    assert_int_equal(b1->activities, 1);
    assert_near(b1->satisfaction, 4, 0);
    assert_int_equal(a1->sales, YUAN(2500));
    assert_int_equal(a1->aov, YUAN(1250));
    assert_int_equal(a1->activities, 2);
    assert_near(a1->attainment, 2500.0 / 3000, 1e-12);
    assert_int_equal(a1->prev_sales, YUAN(2000));
    assert_near(a1->mom, 0.25, 1e-12);
    assert_int_equal(a2->new_customers, 1);
    assert_int_equal(a2->activities, 0); /* a2's call was on 30 September */
    assert_near(a2->satisfaction, 3, 0);
    assert_int_equal(c1->sales, 0); /* in the roster, nothing sold: still listed */
    assert_int_equal(c1->target, FP_NO_MONEY);
    assert_true(isnan(c1->attainment));
    assert_int_equal(c1->aov, FP_NO_MONEY);
    assert_true(isnan(c1->satisfaction));
    fp_metrics_free(m);
}

static void small_surveys_activities_actions(void **state)
{
    (void)state;
    fp_metrics *m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-10", "2026-10-31");
    assert_int_equal(m->responses, 3);
    assert_near(m->satisfaction, 4, 1e-12);
    assert_near(m->prev_satisfaction, 2, 1e-12);
    assert_int_equal(m->low_scores, 0);
    assert_int_equal(m->score_dist[2], 1);
    assert_int_equal(m->score_dist[4], 1);
    assert_int_equal(m->ncomments, 2);
    assert_int_equal(m->activities, 3);
    assert_string_equal(m->activity_types[0].name, "call");
    assert_int_equal(m->activity_types[0].count, 2);
    assert_int_equal(m->actions_raised, 2);
    assert_int_equal(m->actions_done, 1);
    assert_int_equal(m->actions_open, 2);
    assert_int_equal(m->actions_overdue, 1);
    assert_int_equal(m->nactions, 3); /* I1 was done in September: not part of October's review */
    assert_string_equal(m->actions[0].id, "I2");
    assert_int_equal(m->actions[0].state, FP_ACTION_OVERDUE);
    assert_int_equal(m->actions[0].days_overdue, 21);
    assert_string_equal(m->actions[1].id, "I3");
    assert_int_equal(m->actions[1].state, FP_ACTION_OPEN);
    assert_string_equal(m->actions[2].id, "I4");
    assert_true(m->actions[2].done_in_period);
    fp_metrics_free(m);
    /* seen on 15 October, I4 was not done yet and I2 overdue for 5 days */
    m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-10", "2026-10-15");
    assert_int_equal(m->actions_done, 0);
    assert_int_equal(m->actions_open, 3);
    assert_int_equal(m->actions[0].days_overdue, 5);
    fp_metrics_free(m);
}

static void small_scopes(void **state)
{
    (void)state;
    fp_metrics *m = compute(small, FP_SCOPE_TEAM, "A", "2026-10", "2026-10-31");
    assert_int_equal(m->sales, YUAN(4900));
    assert_int_equal(m->orders, 3);
    assert_int_equal(m->customers, 2);
    assert_int_equal(m->new_customers, 1);
    assert_int_equal(m->target, YUAN(5000));
    assert_string_equal(m->scope_region, "North");
    assert_int_equal(m->nreps, 3); /* a1, a2 and c1 from the roster */
    assert_int_equal(m->responses, 2);
    assert_near(m->satisfaction, 4, 1e-12);
    assert_int_equal(m->actions_open, 1); /* I2 */
    fp_metrics_free(m);
    m = compute(small, FP_SCOPE_REGION, "South", "2026-10", "2026-10-31");
    assert_int_equal(m->sales, YUAN(5000));
    assert_int_equal(m->target, YUAN(4000));
    assert_int_equal(m->new_customers, 1);
    fp_metrics_free(m);
    m = compute(small, FP_SCOPE_REP, "b1", "2026-10", "2026-10-31");
    assert_int_equal(m->sales, YUAN(5000));
    assert_int_equal(m->target, YUAN(9999)); /* a rep's target is the rep's own row */
    assert_string_equal(m->scope_team, "B");
    assert_int_equal(m->nreps, 1);
    assert_int_equal(m->actions_open, 1); /* I3, owned by b1 */
    fp_metrics_free(m);
    fp_query q = {.scope = FP_SCOPE_TEAM, .name = "C", .as_of = 0};
    fp_error err;
    fp_period_parse("2026-10", &q.period, &err);
    fp_metrics *none;
    assert_int_equal(fp_metrics_compute(small, &q, &none, &err), FP_ERR_NOTFOUND);
    assert_contains(err.msg, "no team named \"C\" in the data; the teams are: A, B");
}

/* README.md, "seen on 15 October" */
static void small_period_in_progress(void **state)
{
    (void)state;
    fp_metrics *m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-10", "2026-10-15");
    assert_int_equal(m->sales, YUAN(2500));
    assert_int_equal(m->elapsed_working_days, 10);
    assert_near(m->time_progress, 10.0 / 21, 1e-12);
    assert_near(m->attainment, 2500.0 / 9000, 1e-12);
    assert_near(m->progress_gap, 2500.0 / 9000 - 10.0 / 21, 1e-12);
    /* like for like: 1–15 September and 1–15 October 2025 */
    assert_int_equal(m->prev_sales, YUAN(2000));
    assert_near(m->mom, 0.25, 1e-12);
    assert_int_equal(m->yoy_sales, YUAN(1000));
    assert_int_equal(m->remaining_target, YUAN(6500));
    assert_int_equal(m->remaining_working_days, 11);
    assert_int_equal(m->daily_needed, 59091); /* 6500 / 11 = 590.909… */
    assert_int_equal(m->forecast, YUAN(5250));
    assert_true(m->trend[FP_TREND_N - 1].partial);
    fp_metrics_free(m);
}

static void small_week_quarter_trend(void **state)
{
    (void)state;
    /* week 41: 5–11 October, 6 working days of October's 21 */
    fp_metrics *m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-W41", "2026-10-31");
    assert_int_equal(m->sales, YUAN(2000));
    assert_int_equal(m->working_days, 6);
    assert_int_equal(m->target, 257143); /* 9000 × 6 / 21 = 2571.428… */
    fp_metrics_free(m);
    /* Q3 has target rows for September only: the quarter's target is unknown, and says why */
    m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-Q3", "2026-10-31");
    assert_int_equal(m->sales, YUAN(3400));
    assert_int_equal(m->target, FP_NO_MONEY);
    assert_false(m->has_target);
    assert_true(isnan(m->attainment));
    assert_int_equal(m->target_months, 1);
    assert_int_equal(m->target_months_needed, 3);
    assert_int_equal(m->partial_target, YUAN(5000));
    assert_int_equal(m->remaining_target, FP_NO_MONEY);
    fp_metrics_free(m);
    m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-10", "2026-10-31");
    assert_string_equal(m->trend[0].period.kind == FP_MONTH ? "month" : "?", "month");
    assert_int_equal(m->trend[0].period.start, fp_date_from_ymd(2025, 10, 1));
    assert_int_equal(m->trend[0].sales, YUAN(1000));
    assert_int_equal(m->trend[0].target, YUAN(1500));
    assert_int_equal(m->trend[11].sales, YUAN(3400));
    assert_int_equal(m->trend[11].target, YUAN(5000));
    assert_int_equal(m->trend[12].sales, YUAN(9900));
    assert_int_equal(m->trend[5].sales, 0);
    assert_int_equal(m->trend[5].target, FP_NO_MONEY);
    assert_false(m->trend[12].partial);
    fp_metrics_free(m);
}

static fp_status refused(const fp_dataset *ds, const char *period, const char *as_of, fp_error *err)
{
    fp_query q = {.scope = FP_SCOPE_COMPANY};
    assert_int_equal(fp_period_parse(period, &q.period, err), FP_OK);
    assert_true(fp_date_parse(as_of, strlen(as_of), &q.as_of));
    fp_metrics *m = NULL;
    fp_status st = fp_metrics_compute(ds, &q, &m, err);
    assert_null(m);
    return st;
}

static void small_nothing_to_compare(void **state)
{
    (void)state;
    fp_error err;
    /* September 2025 lies before the data (10 October 2025 – 2 November 2026): refused, not a report of zeros */
    assert_int_equal(refused(small, "2025-09", "2026-10-31", &err), FP_ERR_INPUT);
    assert_contains(err.msg, "2025-09 lies before the data, which covers 2025-10-10 to 2026-11-02");
    /* October 2025 is the first month of the data: its comparisons lie before it, unknown and not zero */
    fp_metrics *m = compute(small, FP_SCOPE_COMPANY, NULL, "2025-10", "2026-10-31");
    assert_int_equal(m->sales, YUAN(1000));
    assert_int_equal(m->prev_sales, FP_NO_MONEY);
    assert_int_equal(m->prev_customers, FP_NO_MONEY);
    assert_int_equal(m->churned_customers, FP_NO_MONEY);
    assert_true(isnan(m->mom));
    assert_int_equal(m->yoy_sales, FP_NO_MONEY);
    /* the trend before the data is unknown, not a flat line of zeros */
    assert_int_equal(m->trend[0].sales, FP_NO_MONEY);
    assert_int_equal(m->trend[0].orders, FP_NO_MONEY);
    assert_int_equal(m->trend[11].sales, FP_NO_MONEY);
    assert_int_equal(m->trend[12].sales, YUAN(1000));
    fp_metrics_free(m);
    /* November 2026: the data ends on 2 November, so the month counts 1–2 November (O11 800) and is
     * compared with 1–2 October, which had no sales: no change can be computed from a base of 0 */
    m = compute(small, FP_SCOPE_COMPANY, NULL, "2026-11", "2026-11-30");
    assert_int_equal(m->sales, YUAN(800));
    assert_int_equal(m->through, fp_date_from_ymd(2026, 11, 2));
    assert_true(m->trend[FP_TREND_N - 1].partial);
    assert_int_equal(m->prev_sales, 0);
    assert_int_equal(m->prev_through, fp_date_from_ymd(2026, 10, 2));
    assert_true(isnan(m->mom));
    assert_int_equal(m->new_customers, 0);
    fp_metrics_free(m);
    /* a report asked for before its period starts is refused; so is one after the data ends */
    assert_int_equal(refused(small, "2026-11", "2026-10-31", &err), FP_ERR_INPUT);
    assert_contains(err.msg, "2026-11 has not begun by --as-of 2026-10-31");
    assert_int_equal(refused(small, "2026-12", "2026-12-31", &err), FP_ERR_INPUT);
    assert_contains(err.msg, "2026-12 begins after the data ends: the export covers 2025-10-10 to 2026-11-02");
}

/* ---- invariants on the demo data ---- */

static void company_is_the_sum_of_teams_and_regions(void **state)
{
    (void)state;
    const char *periods[] = {"2025-02", "2025-06", "2026-01", "2026-10", "2026-Q2", "2025", "2026-W40"};
    for (size_t p = 0; p < sizeof periods / sizeof *periods; p++) {
        fp_metrics *c = compute(demo, FP_SCOPE_COMPANY, NULL, periods[p], "2026-10-31");
        int64_t sales = 0, orders = 0, newc = 0, target = 0, prev = 0;
        for (size_t i = 0; i < c->nteams; i++) {
            fp_metrics *t = compute(demo, FP_SCOPE_TEAM, c->teams[i].name, periods[p], "2026-10-31");
            assert_int_equal(t->sales, c->teams[i].sales);
            sales += t->sales;
            orders += t->orders;
            /* unknown for one (the period begins with the data) means unknown for all */
            if (t->new_customers == FP_NO_MONEY)
                assert_int_equal(c->new_customers, FP_NO_MONEY);
            else
                newc += t->new_customers;
            /* the company's target sums every team's covered months, known or partial */
            target += t->target != FP_NO_MONEY ? t->target : t->partial_target != FP_NO_MONEY ? t->partial_target : 0;
            if (t->prev_sales != FP_NO_MONEY)
                prev += t->prev_sales;
            else
                assert_int_equal(c->prev_sales, FP_NO_MONEY); /* unknown for one means unknown for all */
            /* a team is the sum of its reps */
            int64_t rs = 0;
            for (size_t r = 0; r < t->nreps; r++)
                rs += t->reps[r].sales;
            assert_int_equal(rs, t->sales);
            fp_metrics_free(t);
        }
        assert_int_equal(sales, c->sales);
        assert_int_equal(orders, c->orders);
        if (c->new_customers != FP_NO_MONEY)
            assert_int_equal(newc, c->new_customers);
        assert_int_equal(target, c->target);
        if (c->prev_sales != FP_NO_MONEY)
            assert_int_equal(prev, c->prev_sales);
        int64_t rsum = 0;
        for (size_t i = 0; i < c->nregions; i++)
            rsum += c->regions[i].sales;
        assert_int_equal(rsum, c->sales);
        int64_t csum = 0;
        for (size_t i = 0; i < c->nchannels; i++)
            csum += c->channels[i].sales;
        assert_int_equal(csum, c->sales);
        fp_metrics_free(c);
    }
}

static void quarters_are_the_sum_of_months(void **state)
{
    (void)state;
    const char *scopes[] = {NULL, "华北一组", "西南一组"};
    for (int s = 0; s < 3; s++) {
        fp_scope_kind k = scopes[s] ? FP_SCOPE_TEAM : FP_SCOPE_COMPANY;
        int64_t year_sales = 0, year_target = 0;
        for (int qn = 1; qn <= 4; qn++) {
            char qp[32];
            snprintf(qp, sizeof qp, "2025-Q%d", qn);
            fp_metrics *q = compute(demo, k, scopes[s], qp, "2026-10-31");
            int64_t sales = 0, orders = 0, target = 0, lines = 0, newc = 0;
            bool newc_known = true; /* January 2025 begins the data: its new customers are unknown */
            for (int mo = (qn - 1) * 3 + 1; mo <= qn * 3; mo++) {
                char mp[32];
                snprintf(mp, sizeof mp, "2025-%02d", mo);
                fp_metrics *m = compute(demo, k, scopes[s], mp, "2026-10-31");
                sales += m->sales;
                orders += m->orders;
                lines += m->lines;
                if (m->new_customers == FP_NO_MONEY)
                    newc_known = false;
                else
                    newc += m->new_customers;
                target += m->target != FP_NO_MONEY ? m->target : 0;
                fp_metrics_free(m);
            }
            assert_int_equal(q->sales, sales);
            assert_int_equal(q->orders, orders);
            assert_int_equal(q->lines, lines);
            if (newc_known)
                assert_int_equal(q->new_customers, newc);
            else /* the quarter that begins the data, too */
                assert_true(q->new_customers == FP_NO_MONEY && qn == 1);
            /* a quarter with a month uncovered has no target, only the covered months' sum */
            assert_int_equal(q->target != FP_NO_MONEY ? q->target : q->partial_target != FP_NO_MONEY ? q->partial_target : 0,
                             target);
            year_sales += q->sales;
            year_target += target;
            fp_metrics_free(q);
        }
        fp_metrics *y = compute(demo, k, scopes[s], "2025", "2026-10-31");
        assert_int_equal(y->sales, year_sales);
        assert_int_equal(y->target != FP_NO_MONEY ? y->target : y->partial_target != FP_NO_MONEY ? y->partial_target : 0,
                         year_target);
        /* the year's trend is the 13 years before: the last point is the year itself */
        assert_int_equal(y->trend[FP_TREND_N - 1].sales, year_sales);
        fp_metrics_free(y);
    }
}

/* A finished period's comparison is the whole previous period and the whole period a year earlier,
 * whatever their lengths: every month, quarter and year of the demo, for the company and a team. */
static void finished_periods_compare_with_whole_periods(void **state)
{
    (void)state;
    const char *scopes[] = {NULL, "华东一组"};
    const char *periods[] = {"2025-03", "2025-05", "2025-10", "2026-02", "2026-03", "2026-05", "2026-07",
                             "2026-10", "2025-Q4", "2026-Q1", "2026-Q3", "2026-W01", "2026-W10"};
    for (int s = 0; s < 2; s++) {
        fp_scope_kind k = scopes[s] ? FP_SCOPE_TEAM : FP_SCOPE_COMPANY;
        for (size_t i = 0; i < sizeof periods / sizeof *periods; i++) {
            fp_metrics *m = compute(demo, k, scopes[s], periods[i], "2026-10-31");
            char label[32];
            fp_period_label(&m->prev_period, label, sizeof label);
            fp_metrics *p = compute(demo, k, scopes[s], label, "2026-10-31");
            assert_int_equal(m->prev_sales, p->sales);
            assert_int_equal(m->prev_orders, p->orders);
            assert_int_equal(m->prev_customers, p->customers);
            assert_int_equal(m->prev_through, m->prev_period.end);
            fp_metrics_free(p);
            if (m->yoy_sales != FP_NO_MONEY) {
                fp_period_label(&m->yoy_period, label, sizeof label);
                p = compute(demo, k, scopes[s], label, "2026-10-31");
                assert_int_equal(m->yoy_sales, p->sales);
                fp_metrics_free(p);
            }
            fp_metrics_free(m);
        }
    }
}

static void the_story_in_the_demo(void **state)
{
    (void)state;
    /* the demo's generator promises a few things the reports will talk about */
    fp_metrics *m = compute(demo, FP_SCOPE_TEAM, "华北一组", "2026-Q3", "2026-10-31");
    assert_true(m->has_target);
    assert_true(m->attainment < 0.9);  /* missed */
    assert_true(m->yoy < 0);           /* and below last year */
    fp_metrics_free(m);
    m = compute(demo, FP_SCOPE_TEAM, "西南一组", "2025-05", "2026-10-31");
    assert_int_equal(m->sales, 0);     /* the team started in June 2025 */
    fp_metrics_free(m);
    m = compute(demo, FP_SCOPE_TEAM, "西南一组", "2026-06", "2026-10-31");
    assert_true(m->has_target);        /* one team-level target row a month */
    assert_true(m->reps[0].target == FP_NO_MONEY);
    fp_metrics_free(m);
    m = compute(demo, FP_SCOPE_COMPANY, NULL, "2026-10", "2026-10-31");
    assert_int_equal(m->working_days, 18); /* National Day off, Saturday 10 October worked */
    fp_metrics_free(m);
}

/* ---- many threads at once ---- */

typedef struct par {
    const fp_metrics *c;
    char **json;
} par;

static char *to_json(const fp_metrics *m)
{
    fp_value *v = fp_metrics_value(m);
    fp_buf b;
    fp_buf_init(&b);
    fp_json_write(v, 0, &b);
    fp_v_free(v);
    return fp_buf_steal(&b);
}

static void one_team(int i, void *arg)
{
    par *p = arg;
    fp_metrics *m = compute(demo, FP_SCOPE_TEAM, p->c->teams[i].name, "2026-09", "2026-10-31");
    p->json[i] = to_json(m);
    fp_metrics_free(m);
}

static void concurrent_queries_agree(void **state)
{
    (void)state;
    fp_metrics *c = compute(demo, FP_SCOPE_COMPANY, NULL, "2026-09", "2026-10-31");
    char **par_json = calloc(c->nteams, sizeof *par_json);
    par p = {c, par_json};
    fp_parallel_for((int)c->nteams, 4, one_team, &p);
    for (size_t i = 0; i < c->nteams; i++) {
        fp_metrics *m = compute(demo, FP_SCOPE_TEAM, c->teams[i].name, "2026-09", "2026-10-31");
        char *seq = to_json(m);
        assert_string_equal(seq, par_json[i]);
        free(seq);
        free(par_json[i]);
        fp_metrics_free(m);
    }
    free(par_json);
    fp_metrics_free(c);
}

/* indexing the lines by team, region and rep (what batch does) changes no figure */
static void indexed_scopes_agree(void **state)
{
    (void)state;
    static const struct {
        fp_scope_kind k;
        const char *name;
    } scopes[] = {{FP_SCOPE_TEAM, "华东一组"}, {FP_SCOPE_TEAM, "西南一组"}, {FP_SCOPE_REGION, "华北"},
                  {FP_SCOPE_REP, "黄晓明"},    {FP_SCOPE_REP, "何磊"}};
    static const char *const periods[] = {"2026-10", "2026-W43", "2025-Q2", "2026"};
    char *before[5][4];
    for (size_t s = 0; s < 5; s++)
        for (size_t p = 0; p < 4; p++) {
            fp_metrics *m = compute(demo, scopes[s].k, scopes[s].name, periods[p], "2026-10-31");
            fp_value *v = fp_metrics_value(m);
            fp_buf b;
            fp_buf_init(&b);
            fp_json_write(v, 0, &b);
            before[s][p] = b.data;
            fp_v_free(v);
            fp_metrics_free(m);
        }
    fp_dataset_index_scopes(demo);
    assert_non_null(demo->by_team.off);
    for (size_t s = 0; s < 5; s++)
        for (size_t p = 0; p < 4; p++) {
            fp_metrics *m = compute(demo, scopes[s].k, scopes[s].name, periods[p], "2026-10-31");
            fp_value *v = fp_metrics_value(m);
            fp_buf b;
            fp_buf_init(&b);
            fp_json_write(v, 0, &b);
            if (strcmp(b.data, before[s][p]))
                fail_msg("%s %s differs once the lines are indexed", scopes[s].name, periods[p]);
            fp_buf_free(&b);
            free(before[s][p]);
            fp_v_free(v);
            fp_metrics_free(m);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_company_month),
        cmocka_unit_test(small_breakdowns),
        cmocka_unit_test(small_reps),
        cmocka_unit_test(small_surveys_activities_actions),
        cmocka_unit_test(small_scopes),
        cmocka_unit_test(small_period_in_progress),
        cmocka_unit_test(small_week_quarter_trend),
        cmocka_unit_test(small_nothing_to_compare),
        cmocka_unit_test(company_is_the_sum_of_teams_and_regions),
        cmocka_unit_test(quarters_are_the_sum_of_months),
        cmocka_unit_test(finished_periods_compare_with_whole_periods),
        cmocka_unit_test(the_story_in_the_demo),
        cmocka_unit_test(concurrent_queries_agree),
        cmocka_unit_test(indexed_scopes_agree),
    };
    return cmocka_run_group_tests_name("metrics", tests, setup, teardown);
}
