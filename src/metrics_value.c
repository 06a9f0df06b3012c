/* metrics_value.c — the metrics as a value tree: the JSON contract of
 * `fupan metrics --format json` and the names templates use. The keys and
 * their order are documented in docs/metrics.md; adding a key is compatible,
 * renaming or removing one is not. */
#include "metrics_value.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FP_SCHEMA_VERSION 1

static fp_value *date_v(fp_date d)
{
    if (d == FP_NO_DATE)
        return fp_v_null();
    char buf[16];
    fp_date_format(d, buf);
    return fp_v_str(buf);
}

static fp_value *period_v(const fp_period *p)
{
    fp_value *o = fp_v_obj();
    char buf[32];
    fp_v_set(o, "kind", fp_v_str(fp_period_kind_name(p->kind)));
    fp_period_label(p, buf, sizeof buf);
    fp_v_set(o, "label", fp_v_str(buf));
    fp_period_label_zh(p, buf, sizeof buf);
    fp_v_set(o, "label_zh", fp_v_str(buf));
    fp_period_label_en(p, buf, sizeof buf);
    fp_v_set(o, "label_en", fp_v_str(buf));
    fp_v_set(o, "start", date_v(p->start));
    fp_v_set(o, "end", date_v(p->end));
    return o;
}

static fp_value *items_v(const fp_item *it, size_t n, bool with_target, const char *extra_key)
{
    fp_value *a = fp_v_arr();
    for (size_t i = 0; i < n; i++) {
        fp_value *o = fp_v_obj();
        fp_v_set(o, "name", fp_v_str(it[i].name));
        if (extra_key)
            fp_v_set(o, extra_key, fp_v_str(it[i].extra ? it[i].extra : ""));
        fp_v_set(o, "sales", fp_v_money(it[i].sales));
        fp_v_set(o, "orders", fp_v_count(it[i].orders));
        fp_v_set(o, "share", fp_v_ratio(it[i].share));
        fp_v_set(o, "cum_share", fp_v_ratio(it[i].cum_share));
        fp_v_set(o, "prev_sales", fp_v_money(it[i].prev_sales));
        fp_v_set(o, "mom", fp_v_ratio(it[i].mom));
        fp_v_set(o, "yoy_sales", fp_v_money(it[i].yoy_sales));
        fp_v_set(o, "yoy", fp_v_ratio(it[i].yoy));
        if (with_target) {
            fp_v_set(o, "target", fp_v_money(it[i].target));
            fp_v_set(o, "attainment", fp_v_ratio(it[i].attainment));
        }
        fp_v_push(a, o);
    }
    return a;
}

static fp_value *counts_v(const fp_count *c, size_t n)
{
    fp_value *a = fp_v_arr();
    for (size_t i = 0; i < n; i++) {
        fp_value *o = fp_v_obj();
        fp_v_set(o, "name", fp_v_str(c[i].name));
        fp_v_set(o, "count", fp_v_count(c[i].count));
        fp_v_push(a, o);
    }
    return a;
}

static const char *state_name(fp_action_state s)
{
    switch (s) {
    case FP_ACTION_DONE:
        return "done";
    case FP_ACTION_OPEN:
        return "open";
    case FP_ACTION_OVERDUE:
        return "overdue";
    }
    return "?";
}

fp_value *fp_metrics_value(const fp_metrics *m)
{
    fp_value *root = fp_v_obj();
    fp_v_set(root, "schema", fp_v_count(FP_SCHEMA_VERSION));

    fp_value *period = period_v(&m->period);
    fp_v_set(period, "as_of", date_v(m->as_of));
    fp_v_set(period, "through", date_v(m->through));
    fp_v_set(period, "working_days", fp_v_count(m->working_days));
    fp_v_set(period, "elapsed_working_days", fp_v_count(m->elapsed_working_days));
    fp_v_set(period, "remaining_working_days", fp_v_count(m->remaining_working_days));
    fp_v_set(period, "complete", fp_v_bool(m->through >= m->period.end));
    fp_v_set(root, "period", period);

    fp_value *scope = fp_v_obj();
    fp_v_set(scope, "kind", fp_v_str(fp_scope_kind_name(m->scope)));
    fp_v_set(scope, "name", fp_v_str(m->scope_name));
    fp_v_set(scope, "team", fp_v_str(m->scope_team));
    fp_v_set(scope, "region", fp_v_str(m->scope_region));
    fp_v_set(root, "scope", scope);

    fp_v_set(root, "sales", fp_v_money(m->sales));
    fp_v_set(root, "orders", fp_v_count(m->orders));
    fp_v_set(root, "lines", fp_v_count(m->lines));
    fp_v_set(root, "aov", fp_v_money(m->aov));
    fp_v_set(root, "daily_sales", fp_v_money(m->daily_sales));
    fp_v_set(root, "quantity", fp_v_plain(m->quantity));
    fp_v_set(root, "customers", fp_v_count(m->customers));
    fp_v_set(root, "new_customers", fp_v_count(m->new_customers));
    fp_v_set(root, "returning_customers", fp_v_count(m->returning_customers));
    fp_v_set(root, "repeat_customers", fp_v_count(m->repeat_customers));
    fp_v_set(root, "repeat_rate", fp_v_ratio(m->repeat_rate));
    fp_v_set(root, "prev_customers", fp_v_count(m->prev_customers));
    fp_v_set(root, "churned_customers", fp_v_count(m->churned_customers));
    fp_v_set(root, "churn_rate", fp_v_ratio(m->churn_rate));

    fp_v_set(root, "target", fp_v_money(m->target));
    fp_v_set(root, "target_months", fp_v_count(m->target_months));
    fp_v_set(root, "target_months_needed", fp_v_count(m->target_months_needed));
    fp_v_set(root, "partial_target", fp_v_money(m->partial_target));
    fp_v_set(root, "attainment", fp_v_ratio(m->attainment));
    fp_v_set(root, "gap", fp_v_money(m->gap));
    fp_v_set(root, "time_progress", fp_v_ratio(m->time_progress));
    fp_v_set(root, "target_progress", fp_v_ratio(m->attainment));
    fp_v_set(root, "progress_gap", fp_v_ratio(m->progress_gap));
    fp_v_set(root, "remaining_target", fp_v_money(m->remaining_target));
    fp_v_set(root, "daily_needed", fp_v_money(m->daily_needed));
    fp_v_set(root, "forecast", fp_v_money(m->forecast));
    fp_v_set(root, "forecast_attainment", fp_v_ratio(m->forecast_attainment));
    fp_v_set(root, "new_customer_target", fp_v_plain(m->new_customer_target));
    fp_v_set(root, "new_customer_attainment", fp_v_ratio(m->new_customer_attainment));
    fp_v_set(root, "order_target", fp_v_plain(m->order_target));
    fp_v_set(root, "order_attainment", fp_v_ratio(m->order_attainment));

    fp_value *prev = period_v(&m->prev_period);
    fp_v_set(prev, "through", date_v(m->prev_through));
    fp_v_set(root, "prev_period", prev);
    fp_v_set(root, "prev_sales", fp_v_money(m->prev_sales));
    fp_v_set(root, "prev_orders", fp_v_count(m->prev_orders));
    fp_v_set(root, "prev_aov", fp_v_money(m->prev_aov));
    fp_v_set(root, "mom", fp_v_ratio(m->mom));
    fp_v_set(root, "orders_mom", fp_v_ratio(m->orders_mom));
    fp_v_set(root, "aov_mom", fp_v_ratio(m->aov_mom));
    fp_value *yoyp = period_v(&m->yoy_period);
    fp_v_set(yoyp, "through", date_v(m->yoy_through));
    fp_v_set(root, "yoy_period", yoyp);
    fp_v_set(root, "yoy_sales", fp_v_money(m->yoy_sales));
    fp_v_set(root, "yoy_orders", fp_v_count(m->yoy_orders));
    fp_v_set(root, "yoy_aov", fp_v_money(m->yoy_aov));
    fp_v_set(root, "yoy", fp_v_ratio(m->yoy));
    fp_v_set(root, "orders_yoy", fp_v_ratio(m->orders_yoy));
    fp_v_set(root, "comparison_days", fp_v_count(m->cmp_days));
    fp_v_set(root, "next_period", period_v(&m->next_period));
    fp_v_set(root, "next_target", fp_v_money(m->next_target));
    fp_v_set(root, "next_working_days", fp_v_count(m->next_working_days));
    fp_v_set(root, "next_daily_needed", fp_v_money(m->next_daily_needed));

    fp_value *disc = fp_v_obj();
    fp_v_set(disc, "list_amount", fp_v_money(m->list_amount));
    fp_v_set(disc, "amount", fp_v_money(m->discount_amount));
    fp_v_set(disc, "rate", fp_v_ratio(m->discount_rate));
    fp_v_set(root, "discount", disc);

    fp_v_set(root, "channels", items_v(m->channels, m->nchannels, false, NULL));
    fp_v_set(root, "categories", items_v(m->categories, m->ncategories, false, NULL));
    fp_v_set(root, "products", items_v(m->products, m->nproducts, false, NULL));
    fp_v_set(root, "pareto80", fp_v_count(m->pareto80));
    fp_v_set(root, "regions", items_v(m->regions, m->nregions, true, NULL));
    fp_v_set(root, "teams", items_v(m->teams, m->nteams, true, "region"));

    fp_value *cust = fp_v_arr();
    for (size_t i = 0; i < m->ntop_customers; i++) {
        fp_value *o = fp_v_obj();
        fp_v_set(o, "id", fp_v_str(m->top_customers[i].extra));
        fp_v_set(o, "name", fp_v_str(m->top_customers[i].name));
        fp_v_set(o, "sales", fp_v_money(m->top_customers[i].sales));
        fp_v_set(o, "orders", fp_v_count(m->top_customers[i].orders));
        fp_v_set(o, "share", fp_v_ratio(m->top_customers[i].share));
        fp_v_push(cust, o);
    }
    fp_v_set(root, "top_customers", cust);
    fp_value *conc = fp_v_obj();
    fp_v_set(conc, "top1_share", fp_v_ratio(m->top1_share));
    fp_v_set(conc, "top10_share", fp_v_ratio(m->top10_share));
    fp_v_set(root, "concentration", conc);

    fp_value *reps = fp_v_arr();
    for (size_t i = 0; i < m->nreps; i++) {
        const fp_rep_row *r = &m->reps[i];
        fp_value *o = fp_v_obj();
        fp_v_set(o, "rank", fp_v_count(r->rank));
        fp_v_set(o, "name", fp_v_str(r->name));
        fp_v_set(o, "team", fp_v_str(r->team));
        fp_v_set(o, "sales", fp_v_money(r->sales));
        fp_v_set(o, "orders", fp_v_count(r->orders));
        fp_v_set(o, "aov", fp_v_money(r->aov));
        fp_v_set(o, "target", fp_v_money(r->target));
        fp_v_set(o, "attainment", fp_v_ratio(r->attainment));
        fp_v_set(o, "new_customers", fp_v_count(r->new_customers));
        fp_v_set(o, "customers", fp_v_count(r->customers));
        fp_v_set(o, "activities", fp_v_count(r->activities));
        fp_v_set(o, "satisfaction", fp_v_plain(r->satisfaction));
        fp_v_set(o, "responses", fp_v_count(r->responses));
        fp_v_set(o, "prev_sales", fp_v_money(r->prev_sales));
        fp_v_set(o, "mom", fp_v_ratio(r->mom));
        fp_v_push(reps, o);
    }
    fp_v_set(root, "reps", reps);

    fp_value *trend = fp_v_arr();
    for (int k = 0; k < FP_TREND_N; k++) {
        const fp_trend_point *t = &m->trend[k];
        fp_value *o = period_v(&t->period);
        fp_v_set(o, "partial", fp_v_bool(t->partial));
        fp_v_set(o, "through", date_v(t->through));
        fp_v_set(o, "sales", fp_v_money(t->sales));
        fp_v_set(o, "target", fp_v_money(t->target));
        fp_v_set(o, "attainment", fp_v_ratio(t->attainment));
        fp_v_set(o, "orders", fp_v_count(t->orders));
        fp_v_set(o, "customers", fp_v_count(t->customers));
        fp_v_set(o, "new_customers", fp_v_count(t->new_customers));
        fp_v_push(trend, o);
    }
    fp_v_set(root, "trend", trend);

    fp_value *sat = fp_v_obj();
    fp_v_set(sat, "available", fp_v_bool(m->has_surveys));
    fp_v_set(sat, "responses", fp_v_count(m->responses));
    fp_v_set(sat, "average", fp_v_plain(m->satisfaction));
    fp_v_set(sat, "prev_average", fp_v_plain(m->prev_satisfaction));
    fp_v_set(sat, "change", fp_v_plain(isnan(m->satisfaction) || isnan(m->prev_satisfaction)
                                           ? NAN
                                           : m->satisfaction - m->prev_satisfaction));
    fp_v_set(sat, "low_scores", fp_v_count(m->low_scores));
    fp_value *dist = fp_v_arr();
    for (int i = 0; i < 5 && m->has_surveys; i++)
        fp_v_push(dist, fp_v_count(m->score_dist[i]));
    fp_v_set(sat, "distribution", dist);
    fp_v_set(sat, "comments", counts_v(m->comments, m->ncomments));
    fp_v_set(root, "satisfaction", sat);

    fp_value *act = fp_v_obj();
    fp_v_set(act, "available", fp_v_bool(m->has_activities));
    fp_v_set(act, "total", fp_v_count(m->activities));
    fp_v_set(act, "by_type", counts_v(m->activity_types, m->nactivity_types));
    fp_v_set(act, "by_result", counts_v(m->activity_results, m->nactivity_results));
    fp_value *funnel = fp_v_arr();
    for (size_t i = 0; i < m->nfunnel; i++) {
        fp_value *o = fp_v_obj();
        fp_v_set(o, "name", fp_v_str(m->funnel[i].name));
        fp_v_set(o, "count", fp_v_count(m->funnel[i].count));
        fp_v_set(o, "conversion", fp_v_ratio(m->funnel[i].conversion));
        fp_v_push(funnel, o);
    }
    fp_v_set(act, "funnel", funnel);
    fp_v_set(root, "activities", act);

    fp_value *imp = fp_v_obj();
    fp_v_set(imp, "available", fp_v_bool(m->has_actions));
    fp_v_set(imp, "raised", fp_v_count(m->actions_raised));
    fp_v_set(imp, "done", fp_v_count(m->actions_done));
    fp_v_set(imp, "open", fp_v_count(m->actions_open));
    fp_v_set(imp, "overdue", fp_v_count(m->actions_overdue));
    fp_value *items = fp_v_arr();
    for (size_t i = 0; i < m->nactions; i++) {
        const fp_action_row *a = &m->actions[i];
        fp_value *o = fp_v_obj();
        char raised[16];
        snprintf(raised, sizeof raised, "%04d-%02d", a->raised_month / 12, a->raised_month % 12 + 1);
        fp_v_set(o, "id", fp_v_str(a->id));
        fp_v_set(o, "raised", fp_v_str(raised));
        fp_v_set(o, "team", fp_v_str(a->team));
        fp_v_set(o, "problem", fp_v_str(a->problem));
        fp_v_set(o, "action", fp_v_str(a->action));
        fp_v_set(o, "owner", fp_v_str(a->owner));
        fp_v_set(o, "due", date_v(a->due));
        fp_v_set(o, "done_date", date_v(a->done));
        fp_v_set(o, "status", fp_v_str(a->status));
        fp_v_set(o, "state", fp_v_str(state_name(a->state)));
        fp_v_set(o, "raised_in_period", fp_v_bool(a->raised_in_period));
        fp_v_set(o, "done_in_period", fp_v_bool(a->done_in_period));
        fp_v_set(o, "days_overdue", fp_v_count(a->days_overdue));
        fp_v_push(items, o);
    }
    fp_v_set(imp, "items", items);
    fp_v_set(root, "actions", imp);

    fp_value *data = fp_v_obj();
    fp_v_set(data, "currency", fp_v_str(m->currency ? m->currency : "CNY"));
    fp_v_set(data, "first_date", date_v(m->data_first));
    fp_v_set(data, "last_date", date_v(m->data_last));
    fp_v_set(data, "targets", fp_v_bool(m->has_targets_table));
    fp_v_set(data, "roster", fp_v_bool(m->has_roster));
    fp_v_set(data, "reps", fp_v_bool(m->has_reps));
    fp_v_set(data, "teams", fp_v_bool(m->has_teams));
    fp_v_set(data, "regions", fp_v_bool(m->has_regions));
    fp_v_set(data, "surveys", fp_v_bool(m->has_surveys));
    fp_v_set(data, "activities", fp_v_bool(m->has_activities));
    fp_v_set(data, "actions", fp_v_bool(m->has_actions));
    fp_v_set(root, "data", data);
    return root;
}

fp_value *fp_metrics_schema(void)
{
    fp_metrics m;
    memset(&m, 0, sizeof m);
    fp_item item = {.name = "", .extra = ""};
    fp_rep_row rep = {.name = "", .team = ""};
    fp_count count = {.name = ""};
    fp_action_row act = {.id = "", .team = "", .problem = "", .action = "", .owner = "", .status = ""};
    m.scope_name = "";
    m.scope_team = m.scope_region = "";
    m.period = fp_period_make(FP_MONTH, 2026, 1);
    m.prev_period = m.yoy_period = m.next_period = m.period;
    for (int k = 0; k < FP_TREND_N; k++)
        m.trend[k].period = m.period;
    m.channels = m.categories = m.products = m.regions = m.teams = m.top_customers = &item;
    m.nchannels = m.ncategories = m.nproducts = m.nregions = m.nteams = m.ntop_customers = 1;
    m.reps = &rep;
    m.nreps = 1;
    m.comments = m.activity_types = m.activity_results = &count;
    m.ncomments = m.nactivity_types = m.nactivity_results = 1;
    fp_stage_row stage = {.name = ""};
    m.funnel = &stage;
    m.nfunnel = 1;
    m.has_surveys = true;
    m.actions = &act;
    m.nactions = 1;
    return fp_metrics_value(&m);
}
