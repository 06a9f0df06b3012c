/* table.c — the canonical table specifications (what each column means, its
 * type, whether it is required) and the columnar storage that holds a loaded
 * table. docs/data.md documents the same specs; tests/test_table.c checks
 * that the two agree. */
#include "table.h"

#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REQ true
#define OPT false

static const fp_colspec ORDER_COLS[FP_ORD_NCOLS] = {
    {"order_id", FP_T_TEXT, FP_DOM_ORDER, REQ, "order number; lines of one order share it"},
    {"line_no", FP_T_INT, FP_DOM_TEXT, OPT, "line number within the order"},
    {"date", FP_T_DATE, FP_DOM_TEXT, REQ, "order date"},
    {"customer_id", FP_T_TEXT, FP_DOM_CUSTOMER, REQ, "customer number"},
    {"customer_name", FP_T_TEXT, FP_DOM_CUSTNAME, OPT, "customer name"},
    {"rep", FP_T_TEXT, FP_DOM_PERSON, OPT, "sales rep who owns the order"},
    {"team", FP_T_TEXT, FP_DOM_TEAM, OPT, "sales team (taken from the roster when absent)"},
    {"region", FP_T_TEXT, FP_DOM_REGION, OPT, "region (taken from the roster when absent)"},
    {"channel", FP_T_TEXT, FP_DOM_CHANNEL, OPT, "sales channel: online, offline, agent …"},
    {"product", FP_T_TEXT, FP_DOM_PRODUCT, OPT, "product name"},
    {"category", FP_T_TEXT, FP_DOM_CATEGORY, OPT, "product category"},
    {"quantity", FP_T_NUMBER, FP_DOM_TEXT, OPT, "quantity"},
    {"unit_price", FP_T_MONEY, FP_DOM_TEXT, OPT, "list price per unit"},
    {"discount", FP_T_RATE, FP_DOM_TEXT, OPT, "discount taken off the list price (0.05, 5%, 95折)"},
    {"amount", FP_T_MONEY, FP_DOM_TEXT, REQ, "line amount after discount, what the customer pays"},
    {"status", FP_T_TEXT, FP_DOM_STATUS, OPT, "order status; the profile's <won> values count as sales"},
};

static const fp_colspec TARGET_COLS[FP_TGT_NCOLS] = {
    {"period", FP_T_MONTH, FP_DOM_TEXT, REQ, "the month the target is for (2026-10)"},
    {"team", FP_T_TEXT, FP_DOM_TEAM, OPT, "team; a row with a team and no rep is the team's own target"},
    {"rep", FP_T_TEXT, FP_DOM_PERSON, OPT, "rep; a row with a rep is that rep's target"},
    {"sales_target", FP_T_MONEY, FP_DOM_TEXT, REQ, "sales target for the month"},
    {"new_customer_target", FP_T_NUMBER, FP_DOM_TEXT, OPT, "new customers to win in the month"},
    {"order_target", FP_T_NUMBER, FP_DOM_TEXT, OPT, "orders to close in the month"},
};

static const fp_colspec ROSTER_COLS[FP_ROS_NCOLS] = {
    {"id", FP_T_TEXT, FP_DOM_TEXT, OPT, "employee number"},
    {"name", FP_T_TEXT, FP_DOM_PERSON, REQ, "name, as the order lines spell it"},
    {"team", FP_T_TEXT, FP_DOM_TEAM, REQ, "team"},
    {"region", FP_T_TEXT, FP_DOM_REGION, OPT, "region"},
    {"role", FP_T_TEXT, FP_DOM_TEXT, OPT, "role, e.g. 团队经理 or 销售代表"},
    {"hire_date", FP_T_DATE, FP_DOM_TEXT, OPT, "date hired"},
    {"leave_date", FP_T_DATE, FP_DOM_TEXT, OPT, "last day of work"},
    {"email", FP_T_TEXT, FP_DOM_TEXT, OPT, "e-mail address"},
};

static const fp_colspec SURVEY_COLS[FP_SUR_NCOLS] = {
    {"date", FP_T_DATE, FP_DOM_TEXT, REQ, "date of the answer"},
    {"customer_id", FP_T_TEXT, FP_DOM_CUSTOMER, OPT, "customer number"},
    {"rep", FP_T_TEXT, FP_DOM_PERSON, OPT, "rep the answer is about (else the customer's last rep)"},
    {"score", FP_T_NUMBER, FP_DOM_TEXT, REQ, "satisfaction score, 1 (worst) to 5 (best)"},
    {"comment", FP_T_TEXT, FP_DOM_TEXT, OPT, "the customer's comment"},
};

static const fp_colspec ACTIVITY_COLS[FP_ACT_NCOLS] = {
    {"date", FP_T_DATE, FP_DOM_TEXT, REQ, "date of the call, visit or meeting"},
    {"rep", FP_T_TEXT, FP_DOM_PERSON, REQ, "rep"},
    {"customer_id", FP_T_TEXT, FP_DOM_CUSTOMER, OPT, "customer number"},
    {"type", FP_T_TEXT, FP_DOM_TEXT, OPT, "kind: 电话, 拜访, 会议 …"},
    {"result", FP_T_TEXT, FP_DOM_TEXT, OPT, "outcome: 有意向, 已报价, 已签约 …"},
};

static const fp_colspec ACTION_COLS[FP_IMP_NCOLS] = {
    {"id", FP_T_TEXT, FP_DOM_TEXT, OPT, "action number"},
    {"period", FP_T_MONTH, FP_DOM_TEXT, REQ, "month of the review that raised it"},
    {"team", FP_T_TEXT, FP_DOM_TEAM, OPT, "team it belongs to"},
    {"problem", FP_T_TEXT, FP_DOM_TEXT, REQ, "the problem found"},
    {"action", FP_T_TEXT, FP_DOM_TEXT, REQ, "what will be done"},
    {"owner", FP_T_TEXT, FP_DOM_PERSON, OPT, "who is responsible"},
    {"due", FP_T_DATE, FP_DOM_TEXT, OPT, "deadline"},
    {"status", FP_T_TEXT, FP_DOM_TEXT, OPT, "status as exported; the profile's <done> values mean done"},
    {"done_date", FP_T_DATE, FP_DOM_TEXT, OPT, "date it was completed"},
};

static const fp_colspec CALENDAR_COLS[FP_CAL_NCOLS] = {
    {"date", FP_T_DATE, FP_DOM_TEXT, REQ, "a day that differs from the Monday–Friday rule"},
    {"kind", FP_T_TEXT, FP_DOM_TEXT, REQ, "休 / holiday / off (a day off) or 班 / workday (a working weekend day)"},
    {"name", FP_T_TEXT, FP_DOM_TEXT, OPT, "name of the holiday"},
};

static const fp_tablespec SPECS[FP_TBL_COUNT] = {
    {FP_TBL_ORDERS, "orders", true, FP_ORD_NCOLS, ORDER_COLS, "order lines: one row per product line of an order"},
    {FP_TBL_TARGETS, "targets", false, FP_TGT_NCOLS, TARGET_COLS, "monthly targets per rep or per team"},
    {FP_TBL_ROSTER, "roster", false, FP_ROS_NCOLS, ROSTER_COLS, "who is in which team and region"},
    {FP_TBL_SURVEYS, "surveys", false, FP_SUR_NCOLS, SURVEY_COLS, "customer satisfaction survey answers"},
    {FP_TBL_ACTIVITIES, "activities", false, FP_ACT_NCOLS, ACTIVITY_COLS, "calls, visits and meetings"},
    {FP_TBL_ACTIONS, "actions", false, FP_IMP_NCOLS, ACTION_COLS, "improvement actions agreed in reviews"},
    {FP_TBL_CALENDAR, "calendar", false, FP_CAL_NCOLS, CALENDAR_COLS, "public holidays and working weekends"},
};

const fp_tablespec *fp_table_spec(fp_table_id id)
{
    return (unsigned)id < FP_TBL_COUNT ? &SPECS[id] : NULL;
}

const fp_tablespec *fp_table_spec_by_name(const char *name)
{
    for (int i = 0; i < FP_TBL_COUNT; i++)
        if (strcmp(SPECS[i].name, name) == 0)
            return &SPECS[i];
    return NULL;
}

int fp_table_col_index(const fp_tablespec *spec, const char *name)
{
    for (int i = 0; i < spec->ncols; i++)
        if (strcmp(spec->cols[i].name, name) == 0)
            return i;
    return -1;
}

const char *fp_coltype_name(fp_coltype t)
{
    switch (t) {
    case FP_T_TEXT:
        return "text";
    case FP_T_INT:
        return "integer";
    case FP_T_NUMBER:
        return "number";
    case FP_T_MONEY:
        return "money";
    case FP_T_DATE:
        return "date";
    case FP_T_RATE:
        return "rate";
    case FP_T_MONTH:
        return "month";
    }
    return "?";
}

size_t fp_coltype_size(fp_coltype t)
{
    switch (t) {
    case FP_T_TEXT:
        return sizeof(uint32_t);
    case FP_T_INT:
    case FP_T_MONTH:
        return sizeof(int32_t);
    case FP_T_DATE:
        return sizeof(fp_date);
    case FP_T_NUMBER:
    case FP_T_RATE:
        return sizeof(double);
    case FP_T_MONEY:
        return sizeof(int64_t);
    }
    return 8;
}

void fp_table_init(fp_table *t, const fp_tablespec *spec)
{
    memset(t, 0, sizeof *t);
    t->spec = spec;
}

void fp_table_free(fp_table *t)
{
    for (int i = 0; i < FP_MAX_COLS && !t->view; i++)
        if (t->col[i])
            fp_big_free(t->col[i], t->cap * fp_coltype_size(t->spec->cols[i].type));
    if (!t->view)
        fp_big_free(t->line, t->cap * sizeof *t->line);
    free(t->path);
    const fp_tablespec *spec = t->spec;
    memset(t, 0, sizeof *t);
    t->spec = spec;
}

void fp_table_alloc(fp_table *t, const bool *present, size_t initial)
{
    if (initial < 16)
        initial = 16;
    t->cap = initial;
    t->nrows = 0;
    for (int i = 0; i < t->spec->ncols; i++)
        t->col[i] = present[i] ? fp_big_alloc(initial * fp_coltype_size(t->spec->cols[i].type)) : NULL;
    t->line = fp_big_alloc(initial * sizeof *t->line);
}

void fp_table_reserve_row(fp_table *t)
{
    if (t->nrows < t->cap)
        return;
    fp_table_reserve(t, t->cap * 2);
}

void fp_table_view(fp_table *t, const fp_table *of, size_t off, size_t cap)
{
    t->nrows = 0;
    t->cap = cap;
    t->view = true;
    for (int i = 0; i < t->spec->ncols; i++)
        t->col[i] = of->col[i] ? (char *)of->col[i] + off * fp_coltype_size(t->spec->cols[i].type) : NULL;
    t->line = of->line + off;
}

void fp_table_reserve(fp_table *t, size_t cap)
{
    if (cap <= t->cap)
        return;
    if (t->view) {
        /* out of the window: the rows so far move into arrays of this table's own */
        for (int i = 0; i < t->spec->ncols; i++)
            if (t->col[i]) {
                size_t es = fp_coltype_size(t->spec->cols[i].type);
                void *own = fp_big_alloc(cap * es);
                memcpy(own, t->col[i], t->nrows * es);
                t->col[i] = own;
            }
        uint32_t *line = fp_big_alloc(cap * sizeof *line);
        memcpy(line, t->line, t->nrows * sizeof *line);
        t->line = line;
        t->cap = cap;
        t->view = false;
        return;
    }
    for (int i = 0; i < t->spec->ncols; i++)
        if (t->col[i]) {
            size_t es = fp_coltype_size(t->spec->cols[i].type);
            t->col[i] = fp_big_realloc(t->col[i], t->cap * es, cap * es);
        }
    t->line = fp_big_realloc(t->line, t->cap * sizeof *t->line, cap * sizeof *t->line);
    t->cap = cap;
}

void fp_table_add_column(fp_table *t, int c)
{
    if (t->col[c])
        return;
    fp_coltype ty = t->spec->cols[c].type;
    if (!t->cap)
        t->cap = 1;
    if (!t->line)
        t->line = fp_big_alloc(t->cap * sizeof *t->line);
    t->col[c] = fp_big_alloc(t->cap * fp_coltype_size(ty));
    for (size_t r = 0; r < t->cap; r++)
        fp_table_set_missing(t, c, r);
}

void fp_table_set_missing(fp_table *t, int c, size_t r)
{
    switch (t->spec->cols[c].type) {
    case FP_T_TEXT:
        ((uint32_t *)t->col[c])[r] = 0;
        break;
    case FP_T_INT:
    case FP_T_MONTH:
        ((int32_t *)t->col[c])[r] = FP_NO_INT;
        break;
    case FP_T_DATE:
        ((fp_date *)t->col[c])[r] = FP_NO_DATE;
        break;
    case FP_T_NUMBER:
    case FP_T_RATE:
        ((double *)t->col[c])[r] = NAN;
        break;
    case FP_T_MONEY:
        ((int64_t *)t->col[c])[r] = FP_NO_MONEY;
        break;
    }
}

uint32_t fp_domain_limit(fp_domain d, const char **what)
{
    static const struct {
        uint32_t max;
        const char *what;
    } L[FP_DOM_COUNT] = {[FP_DOM_PERSON] = {200000, "people (reps)"},  [FP_DOM_TEAM] = {100000, "teams"},
                         [FP_DOM_REGION] = {10000, "regions"},         [FP_DOM_CHANNEL] = {10000, "channels"},
                         [FP_DOM_CATEGORY] = {100000, "categories"},   [FP_DOM_PRODUCT] = {2000000, "products"}};
    if ((unsigned)d >= FP_DOM_COUNT)
        return 0;
    if (what)
        *what = L[d].what;
    return L[d].max;
}
