/* metrics_text.c — `fupan metrics --format text`: the figures as a terminal
 * page, in Chinese, columns aligned by display width (a Chinese character
 * takes two columns). */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* one table being built: cells are strings, right-aligned except the first column */
typedef struct table {
    int ncols;
    fp_buf cells;       /* NUL-separated */
    size_t *off;
    size_t n, cap;
} table;

static void t_init(table *t, int ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    fp_buf_init(&t->cells);
}

static void t_cell(table *t, const char *s)
{
    fp_xgrow((void **)&t->off, &t->cap, t->n + 1, sizeof *t->off);
    t->off[t->n++] = t->cells.len;
    fp_buf_adds(&t->cells, s);
    fp_buf_addc(&t->cells, 0);
}

static void t_print(table *t, fp_buf *out)
{
    size_t w[16] = {0};
    for (size_t i = 0; i < t->n; i++) {
        size_t cw = fp_utf8_width(t->cells.data + t->off[i]);
        if (cw > w[i % (size_t)t->ncols])
            w[i % (size_t)t->ncols] = cw;
    }
    for (size_t i = 0; i < t->n; i++) {
        size_t col = i % (size_t)t->ncols;
        const char *s = t->cells.data + t->off[i];
        size_t pad = w[col] - fp_utf8_width(s);
        fp_buf_adds(out, col ? "  " : "  ");
        if (col == 0) {
            fp_buf_adds(out, s);
            for (size_t k = 0; k < pad; k++)
                fp_buf_addc(out, ' ');
        } else {
            for (size_t k = 0; k < pad; k++)
                fp_buf_addc(out, ' ');
            fp_buf_adds(out, s);
        }
        if (col == (size_t)t->ncols - 1)
            fp_buf_addc(out, '\n');
    }
    fp_buf_free(&t->cells);
    free(t->off);
}

/* formatting into a scratch buffer, returned as a C string valid until the next call with it */
static const char *money(fp_buf *s, int64_t v)
{
    fp_buf_reset(s);
    fp_fmt_money(v, FP_MONEY_YUAN, s);
    return s->data;
}

static const char *pct(fp_buf *s, double r, bool sign)
{
    fp_buf_reset(s);
    fp_fmt_percent(r, 1, sign, s);
    return s->data;
}

static const char *count(fp_buf *s, int64_t n)
{
    fp_buf_reset(s);
    fp_fmt_count(n, s);
    return s->data;
}

static void breakdown(fp_buf *out, const char *title, const fp_item *it, size_t n, size_t limit)
{
    if (!n)
        return;
    fp_buf s;
    fp_buf_init(&s);
    fp_buf_printf(out, "\n%s\n", title);
    table t;
    t_init(&t, 5);
    const char *head[] = {"名称", "销售额", "占比", "环比", "同比"};
    for (int i = 0; i < 5; i++)
        t_cell(&t, head[i]);
    for (size_t i = 0; i < n && i < limit; i++) {
        t_cell(&t, it[i].name);
        t_cell(&t, money(&s, it[i].sales));
        t_cell(&t, pct(&s, it[i].share, false));
        t_cell(&t, pct(&s, it[i].mom, true));
        t_cell(&t, pct(&s, it[i].yoy, true));
    }
    t_print(&t, out);
    if (n > limit)
        fp_buf_printf(out, "  … 另有 %zu 项\n", n - limit);
    fp_buf_free(&s);
}

void fp_metrics_text(const fp_metrics *m, fp_buf *out)
{
    fp_buf s;
    fp_buf_init(&s);
    char label[32], d0[16], d1[16], d2[16];
    fp_period_label_zh(&m->period, label, sizeof label);
    fp_date_format(m->period.start, d0);
    fp_date_format(m->period.end, d1);
    fp_date_format(m->through, d2);
    const char *who = m->scope == FP_SCOPE_COMPANY ? "全公司" : m->scope_name;
    fp_buf_printf(out, "%s · %s(%s 至 %s,数据截至 %s)\n", who, label, d0, d1, d2);
    fp_buf_printf(out, "工作日 %d 天,已过 %d 天,时间进度 %s\n", m->working_days, m->elapsed_working_days,
                  pct(&s, m->time_progress, false));

    fp_buf_adds(out, "\n核心指标\n");
    table t;
    t_init(&t, 2);
    t_cell(&t, "销售额");
    t_cell(&t, money(&s, m->sales));
    t_cell(&t, "销售目标");
    if (m->partial_target != FP_NO_MONEY) {
        /* a target that covers only some months is not the period's target: say how much there is */
        char part[160];
        snprintf(part, sizeof part, "—(只录入 %lld/%lld 个月,合计 %s)", (long long)m->target_months,
                 (long long)m->target_months_needed, money(&s, m->partial_target));
        t_cell(&t, part);
    } else {
        t_cell(&t, money(&s, m->target));
    }
    t_cell(&t, "目标达成率");
    t_cell(&t, pct(&s, m->attainment, false));
    t_cell(&t, "目标缺口");
    t_cell(&t, money(&s, m->gap));
    t_cell(&t, "每工作日需完成");
    t_cell(&t, money(&s, m->daily_needed));
    t_cell(&t, "订单数");
    t_cell(&t, count(&s, m->orders));
    t_cell(&t, "客单价");
    t_cell(&t, money(&s, m->aov));
    t_cell(&t, "成交客户数");
    t_cell(&t, count(&s, m->customers));
    t_cell(&t, "新客户数");
    t_cell(&t, count(&s, m->new_customers));
    t_cell(&t, "复购率");
    t_cell(&t, pct(&s, m->repeat_rate, false));
    t_cell(&t, "流失率");
    t_cell(&t, pct(&s, m->churn_rate, false));
    t_cell(&t, "平均折扣率");
    t_cell(&t, pct(&s, m->discount_rate, false));
    t_print(&t, out);

    fp_buf_adds(out, "\n对比\n");
    t_init(&t, 4);
    t_cell(&t, "");
    t_cell(&t, "本期");
    t_cell(&t, m->through < m->period.end ? "上期同期" : "上期");
    t_cell(&t, "环比");
    t_cell(&t, "销售额");
    t_cell(&t, money(&s, m->sales));
    t_cell(&t, money(&s, m->prev_sales));
    t_cell(&t, pct(&s, m->mom, true));
    t_cell(&t, "订单数");
    t_cell(&t, count(&s, m->orders));
    t_cell(&t, count(&s, m->prev_orders));
    t_cell(&t, pct(&s, m->orders_mom, true));
    t_cell(&t, "客单价");
    t_cell(&t, money(&s, m->aov));
    t_cell(&t, money(&s, m->prev_aov));
    t_cell(&t, pct(&s, m->aov_mom, true));
    t_cell(&t, "");
    t_cell(&t, "本期");
    t_cell(&t, "去年同期");
    t_cell(&t, "同比");
    t_cell(&t, "销售额");
    t_cell(&t, money(&s, m->sales));
    t_cell(&t, money(&s, m->yoy_sales));
    t_cell(&t, pct(&s, m->yoy, true));
    t_print(&t, out);

    breakdown(out, "渠道", m->channels, m->nchannels, 10);
    breakdown(out, "产品类别", m->categories, m->ncategories, 10);
    breakdown(out, "产品(前 10)", m->products, m->nproducts, 10);
    if (m->scope == FP_SCOPE_COMPANY)
        breakdown(out, "大区", m->regions, m->nregions, 20);
    if (m->scope == FP_SCOPE_COMPANY || m->scope == FP_SCOPE_REGION)
        breakdown(out, "团队", m->teams, m->nteams, 60);

    if (m->nreps) {
        fp_buf_adds(out, "\n销售人员\n");
        t_init(&t, 10);
        const char *head[] = {"姓名", "销售额", "目标", "达成率", "订单", "客单价", "新客户", "拜访", "满意度", "环比"};
        for (int i = 0; i < 10; i++)
            t_cell(&t, head[i]);
        for (size_t i = 0; i < m->nreps; i++) {
            const fp_rep_row *r = &m->reps[i];
            char name[128];
            snprintf(name, sizeof name, "%d. %s", r->rank, r->name);
            t_cell(&t, name);
            t_cell(&t, money(&s, r->sales));
            t_cell(&t, money(&s, r->target));
            t_cell(&t, pct(&s, r->attainment, false));
            t_cell(&t, count(&s, r->orders));
            t_cell(&t, money(&s, r->aov));
            t_cell(&t, count(&s, r->new_customers));
            t_cell(&t, count(&s, r->activities));
            fp_buf_reset(&s);
            fp_fmt_number(r->satisfaction, 2, &s);
            t_cell(&t, s.data);
            t_cell(&t, pct(&s, r->mom, true));
        }
        t_print(&t, out);
    }

    fp_buf_adds(out, "\n趋势\n");
    t_init(&t, 5);
    const char *th[] = {"期间", "销售额", "目标", "达成率", "订单"};
    for (int i = 0; i < 5; i++)
        t_cell(&t, th[i]);
    for (int k = 0; k < FP_TREND_N; k++) {
        const fp_trend_point *tp = &m->trend[k];
        char pl[32];
        fp_period_label(&tp->period, pl, sizeof pl);
        if (tp->partial)
            strcat(pl, "*");
        t_cell(&t, pl);
        t_cell(&t, money(&s, tp->sales));
        t_cell(&t, money(&s, tp->target));
        t_cell(&t, pct(&s, tp->attainment, false));
        t_cell(&t, count(&s, tp->orders));
    }
    t_print(&t, out);

    fp_buf_adds(out, "\n客户满意度\n");
    if (!m->has_surveys) {
        fp_buf_adds(out, "  (数据中没有满意度调查)\n");
    } else if (!m->responses) {
        fp_buf_adds(out, "  本期没有调查回复\n");
    } else {
        fp_buf_reset(&s);
        fp_fmt_number(m->satisfaction, 2, &s);
        fp_buf_printf(out, "  平均 %s 分(%lld 份回复", s.data, (long long)m->responses);
        if (!isnan(m->prev_satisfaction)) {
            fp_buf_reset(&s);
            fp_fmt_number(m->prev_satisfaction, 2, &s);
            fp_buf_printf(out, ",上期 %s 分", s.data);
        }
        fp_buf_printf(out, "),低分(≤2)%lld 份\n", (long long)m->low_scores);
        for (size_t i = 0; i < m->ncomments && i < 5; i++)
            fp_buf_printf(out, "  「%s」× %lld\n", m->comments[i].name, (long long)m->comments[i].count);
    }

    fp_buf_adds(out, "\n改进计划\n");
    if (!m->has_actions) {
        fp_buf_adds(out, "  (数据中没有改进计划)\n");
    } else {
        fp_buf_printf(out, "  本期提出 %lld 项,完成 %lld 项;未完成 %lld 项,其中逾期 %lld 项\n",
                      (long long)m->actions_raised, (long long)m->actions_done, (long long)m->actions_open,
                      (long long)m->actions_overdue);
        for (size_t i = 0; i < m->nactions && i < 8; i++) {
            const fp_action_row *a = &m->actions[i];
            if (a->state == FP_ACTION_DONE)
                continue;
            char due[16] = "—";
            if (a->due != FP_NO_DATE)
                fp_date_format(a->due, due);
            fp_buf_printf(out, "  [%s] %s:%s(负责人 %s,截止 %s)\n", a->state == FP_ACTION_OVERDUE ? "逾期" : "进行中",
                          a->problem, a->action, a->owner, due);
        }
    }
    fp_buf_free(&s);
}
