/* metrics.h — the figures of a review, for one scope and one period.
 *
 * fp_metrics_compute reads a loaded dataset (never a file) and returns every
 * number a review uses: sales, orders, customers, targets and attainment,
 * comparisons with the previous period (环比) and the same period a year
 * earlier (同比), breakdowns by channel, category, product, region, team,
 * rep and customer, the 13-period trend, satisfaction, activities and
 * improvement actions. docs/metrics.md defines each one precisely.
 *
 * Conventions: money is int64_t fen (1/100 yuan), FP_NO_MONEY when undefined;
 * fractions are doubles (0.943 = 94.3 %), NAN when undefined (a zero base);
 * strings are borrowed from the dataset, which must outlive the metrics.
 * The dataset is only read, so any number of threads may compute at once.
 */
#ifndef FP_METRICS_H
#define FP_METRICS_H

#include "dataset.h"
#include "error.h"
#include "period.h"
#include "util.h"

typedef enum fp_scope_kind { FP_SCOPE_COMPANY, FP_SCOPE_REGION, FP_SCOPE_TEAM, FP_SCOPE_REP } fp_scope_kind;

typedef struct fp_query {
    fp_scope_kind scope;
    const char *name;   /* region, team or rep name; NULL for the company */
    fp_period period;
    fp_date as_of;      /* last day the report covers; days after it are not counted */
} fp_query;

#define FP_TREND_N 13

/* One line of a breakdown: a channel, category, product, region, team or customer. */
typedef struct fp_item {
    const char *name;
    const char *extra;      /* a customer's id, a team's region; NULL otherwise */
    int64_t sales, prev_sales, yoy_sales;   /* prev/yoy: FP_NO_MONEY when the data does not reach back */
    int64_t orders;
    double share;           /* of the scope's sales */
    double cum_share;       /* running total of share down the sorted list */
    double mom, yoy;
    int64_t target;         /* teams and regions */
    double attainment;
} fp_item;

typedef struct fp_rep_row {
    int rank;
    const char *name;
    const char *team;
    int64_t sales, orders, aov, target;
    double attainment;
    int64_t new_customers, customers;
    int64_t activities;     /* FP_NO_MONEY when the data has no activity table */
    double satisfaction;    /* average score, NAN without answers */
    int64_t responses;      /* FP_NO_MONEY when the data has no survey table */
    int64_t prev_sales;
    double mom;
} fp_rep_row;

typedef struct fp_trend_point {
    fp_period period;
    bool partial;           /* the current period, counted up to as_of */
    fp_date through;        /* the last day counted */
    /* FP_NO_MONEY when the period ends before the data begins */
    int64_t sales, target, orders, customers, new_customers;
    double attainment;
} fp_trend_point;

typedef struct fp_count {
    const char *name;
    int64_t count;
} fp_count;

/* a stage of the activity funnel: activities that reached it, and the share of the previous stage */
typedef struct fp_stage_row {
    const char *name;
    int64_t count;
    double conversion;      /* NAN for the first stage or a zero base */
} fp_stage_row;

typedef enum fp_action_state { FP_ACTION_DONE, FP_ACTION_OPEN, FP_ACTION_OVERDUE } fp_action_state;

typedef struct fp_action_row {
    const char *id, *team, *problem, *action, *owner, *status;
    int32_t raised_month;   /* y*12 + m-1 */
    fp_date due, done;      /* FP_NO_DATE when not given / not done */
    fp_action_state state;  /* as of the report's last day */
    bool raised_in_period, done_in_period;
    int days_overdue;
} fp_action_row;

typedef struct fp_metrics {
    fp_scope_kind scope;
    char *scope_name;       /* owned; "" for the company */
    const char *scope_region; /* a team's or rep's region, a rep's team: borrowed, may be "" */
    const char *scope_team;
    fp_period period, prev_period, yoy_period, next_period;
    int64_t next_target;    /* the next period's sales target; FP_NO_MONEY without one */
    int next_working_days;
    int64_t next_daily_needed; /* next_target per working day */
    fp_date as_of, through; /* through = min(period end, as_of): the last day counted */
    fp_date cmp_days;       /* days counted in the current period */
    fp_date prev_through, yoy_through; /* the last days of the comparison windows */
    int working_days, elapsed_working_days, remaining_working_days;
    double time_progress;

    int64_t sales, lines, orders, aov, daily_sales, customers, new_customers, returning_customers, repeat_customers;
    double repeat_rate;
    int64_t prev_customers, churned_customers;
    double churn_rate;
    double quantity;
    int64_t list_amount, discount_amount;   /* FP_NO_MONEY when the data has no prices */
    double discount_rate;

    bool has_target;
    int64_t target, gap, remaining_target, daily_needed, forecast;
    int64_t target_months, target_months_needed; /* FP_NO_MONEY without a target table */
    int64_t partial_target; /* the covered months' target when only some are covered */
    double attainment, progress_gap, forecast_attainment;
    double new_customer_target, order_target;   /* NAN when not given */
    double new_customer_attainment, order_attainment;

    int64_t prev_sales, prev_orders, prev_aov, yoy_sales, yoy_orders, yoy_aov;
    double mom, orders_mom, aov_mom, yoy, orders_yoy;

    fp_item *channels, *categories, *products, *regions, *teams, *top_customers;
    size_t nchannels, ncategories, nproducts, nregions, nteams, ntop_customers;
    int pareto80;           /* products that make 80 % of sales */
    double top1_share, top10_share;

    fp_rep_row *reps;
    size_t nreps;

    fp_trend_point trend[FP_TREND_N];

    bool has_surveys;
    int64_t responses, low_scores, score_dist[5];
    double satisfaction, prev_satisfaction;
    fp_count *comments;
    size_t ncomments;

    bool has_activities;
    int64_t activities;
    fp_count *activity_types, *activity_results;
    size_t nactivity_types, nactivity_results;
    fp_stage_row *funnel;   /* the profile's declared stages, in order; none without them */
    size_t nfunnel;

    bool has_actions;
    int64_t actions_raised, actions_done, actions_open, actions_overdue;
    fp_action_row *actions;
    size_t nactions;

    bool has_targets_table, has_roster;
    bool has_reps, has_teams, has_regions; /* the levels the data has */
    const char *currency;   /* ISO code of the amounts' currency */
    fp_date data_first, data_last;
} fp_metrics;

/* Computes the metrics of q on ds. Fails with FP_ERR_NOTFOUND (and the names that exist) when the
 * region, team or rep is not in the data, and with FP_ERR_INPUT when the period lies outside the
 * data's span or starts after as-of (fp_query_check). Caller frees *out with fp_metrics_free. */
fp_status fp_metrics_compute(const fp_dataset *ds, const fp_query *q, fp_metrics **out, fp_error *err);
/* Refuses a period the data cannot speak for: one that ends before the first order date, begins after
 * the last one, or begins after as-of; the message says which dates the data covers. */
fp_status fp_query_check(const fp_dataset *ds, const fp_query *q, fp_error *err);
/* Appends a line per caveat the reader of q's figures should know (the data ends before the report's
 * last day). */
void fp_query_warnings(const fp_dataset *ds, const fp_query *q, fp_buf *out);
void fp_metrics_free(fp_metrics *m);
const char *fp_scope_kind_name(fp_scope_kind k);

#endif
