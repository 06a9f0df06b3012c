"""Scenario exports for the claims test (Python 3 standard library only, deterministic).

Every scenario is a small CRM export with its own profile.xml, in the layout of
tests/data/small: orders with a status column, monthly targets per rep plus one
team-level row, a roster, surveys, activities (with declared funnel stages) and
improvement actions. Three teams in two regions, three sellers each, plus a
newcomer on the roster who sells nothing.

The reports are for December 2025 (2025-12), its ISO week 51 (15-21 December),
its quarter 2025-Q4 and the year 2025. Orders fall on the 3rd, 10th, 17th and
24th of every month (the "slots"): every month has the same four slots, every
ISO week holds at most one of them, and week 51 of 2025, week 50 of 2025 and
week 51 of 2024 hold one each (17, 10 and 17 December). So a scenario steers the
month, the quarter, the year and the week alike by the amount each slot gets:

  rising      amounts grow with the date; targets 80% of sales (one rep 150%);
              satisfaction scores rise; more new customers than the target.
  falling     amounts shrink with the date; targets 160% of sales; scores fall;
              no new customer in December against a target of 3 per rep.
  flat        every slot the same amount, to the fen, since 2024: December ==
              November == December 2024 (and W51 == W50 == 2024-W51, Q4 == Q3,
              2025 == 2024); targets equal to sales; scores constant.
  inprogress  as of Wednesday 17 December: 华东一组 and 华东二组 ahead of the
              calendar, 华南一组 far behind; one rep of 华东一组 behind.
  notarget    no targets table (the profile names none).
  noprev      the data starts on 17 December 2025, inside the week, month,
              quarter and year reported on: no previous period is known.
              Targets only for November and December 2025: the quarter's and
              the year's targets are partial, the next period has none.
  ordersonly  only the orders table (no targets, roster, surveys, activities
              or actions); orders carry their team and region.
"""

import datetime as dt
import os

D = dt.date

TEAMS = [
    # team, region, [(rep, base price in yuan), ...]
    ("华东一组", "华东", [("陈立峰", 8000), ("李佳琪", 6500), ("王浩然", 3000)]),
    ("华东二组", "华东", [("赵敏", 7000), ("孙伟", 5200), ("周婷", 4400)]),
    ("华南一组", "华南", [("吴俊杰", 9000), ("郑爽", 3800), ("黄晓明", 2600)]),
]
NEWCOMER = ("刘洋", "华东一组", "华东", "2025-11-03")   # on the roster, sells nothing
SLOTS = (3, 10, 17, 24)
CHANNELS = ("线上", "线下", "代理")
CATEGORIES = (("硬件", "工控主板"), ("软件", "仓储软件"), ("服务", "运维服务"))
STAGES = ("有意向", "已报价", "已签约")

START = D(2024, 1, 1)
MONTH = "2025-12"
PERIODS = {"week": "2025-W51", "month": "2025-12", "quarter": "2025-Q4", "year": "2025"}

# scenario -> settings
SCENARIOS = {
    "rising": dict(as_of="2025-12-31", team="华东一组", scale=10, growth=+0.004,
                   tables="all", target_factor={"王浩然": 1.5}, default_factor=0.8,
                   new_dec=3, new_other=2, new_target=2),
    "falling": dict(as_of="2025-12-31", team="华南一组", scale=1, growth=-0.004,
                    tables="all", target_factor={"郑爽": 1.1}, default_factor=1.6,
                    new_dec=0, new_other=1, new_target=3),
    "flat": dict(as_of="2025-12-31", team="华东二组", scale=1, growth=0.0,
                 tables="all", target_factor={}, default_factor=1.0,
                 new_dec=1, new_other=1, new_target=1),
    "inprogress": dict(as_of="2025-12-17", team="华东一组", scale=1, growth=+0.001,
                       tables="all",
                       target_factor={"王浩然": 2.0, "赵敏": 1.0, "孙伟": 1.0, "周婷": 1.0,
                                      "吴俊杰": 2.5, "郑爽": 2.5, "黄晓明": 2.5},
                       default_factor=0.7, new_dec=1, new_other=1, new_target=2),
    "notarget": dict(as_of="2025-12-31", team="华东一组", scale=1, growth=-0.001,
                     tables="notargets", target_factor={}, default_factor=1.0,
                     new_dec=1, new_other=1, new_target=1),
    "noprev": dict(as_of="2025-12-31", team="华东二组", scale=0.1, growth=0.0,
                   tables="all", start=D(2025, 12, 17), target_factor={}, default_factor=0.9,
                   target_months=((2025, 11), (2025, 12)),
                   new_dec=2, new_other=1, new_target=1),
    "ordersonly": dict(as_of="2025-12-31", team="华东一组", scale=1, growth=+0.002,
                       tables="orders", target_factor={}, default_factor=1.0,
                       new_dec=1, new_other=1, new_target=1),
}


def half_up(x, nd=2):
    """Round half away from zero, on a decimal string (no binary surprises)."""
    from decimal import Decimal, ROUND_HALF_UP
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_UP)


def months(first, last):
    y, m = first
    while (y, m) <= last:
        yield y, m
        m += 1
        if m == 13:
            y, m = y + 1, 1


def slot_dates(first, last):
    for y, m in months((first.year, first.month), (last.year, last.month)):
        for si, d in enumerate(SLOTS):
            day = D(y, m, d)
            if first <= day <= last:
                yield si, day


def price(cfg, base, day, team_ix=0):
    """The unit price of a rep's lines on a slot day: the scenario's trend, a little steeper for each
    later team (so that teams differ); the same sign for all."""
    t = (day - START).days
    rate = abs(cfg["growth"]) * (1 + 0.25 * team_ix)
    g = 1 + rate * t if cfg["growth"] >= 0 else 1 + rate * (730 - t)
    return half_up(base * cfg["scale"] * g)


# Every order of a rep on a slot: (order suffix, channel offset, [(category index, qty, discount)]).
# The same shape on every slot, so a slot's amount depends only on the price.
ORDER_SHAPES = (
    ("a", 0, [(0, 1, "0"), (2, 1, "0.05")]),
    ("b", 1, [(1, 2, "0.1")]),
)


def amount(p, qty, disc):
    from decimal import Decimal, ROUND_HALF_UP
    return (p * qty * (1 - Decimal(disc))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def slot_sales(cfg, base, day, team_ix=0):
    p = price(cfg, base, day, team_ix)
    return sum(amount(p, q, dc) for _, _, lines in ORDER_SHAPES for _, q, dc in lines)


def generate(name, out_dir):
    cfg = SCENARIOS[name]
    first = cfg.get("start", START)
    as_of = D.fromisoformat(cfg["as_of"])
    last = as_of
    os.makedirs(out_dir, exist_ok=True)
    reps = [(team, region, ri, r, base) for team, region, rs in TEAMS
            for ri, (r, base) in enumerate(rs)]
    rep_index = {r: i for i, (_, _, _, r, _) in enumerate(reps)}
    team_ix = {team: i for i, (team, _, _) in enumerate(TEAMS)}

    # ---- orders
    rows = []
    pools = {r: [] for _, _, _, r, _ in reps}
    serial = {r: 0 for _, _, _, r, _ in reps}
    order_no = 0
    first_customer = {}      # (rep, day) -> customer of the slot's first order (for surveys)
    for si, day in slot_dates(first, last):
        for team, region, ri, r, base in reps:
            ix = rep_index[r]
            p = price(cfg, base, day, team_ix[team])
            n_new = cfg["new_dec"] if (day.year, day.month) == (2025, 12) else cfg["new_other"]
            for oi, (suffix, ch_off, lines) in enumerate(ORDER_SHAPES):
                order_no += 1
                # the first n_new orders of the month's first slots go to new customers
                k = si * len(ORDER_SHAPES) + oi
                if k < n_new or not pools[r]:
                    serial[r] += 1
                    cust = "K%02d%03d" % (ix, serial[r])
                    pools[r].append(cust)
                else:
                    pool = pools[r]
                    cust = pool[(day.month * 7 + si * 3 + oi + day.year) % len(pool)]
                if oi == 0:
                    first_customer[(r, day)] = cust
                channel = CHANNELS[(si + ch_off + ix) % len(CHANNELS)]
                oid = "SO%06d" % order_no
                for li, (cat, qty, disc) in enumerate(lines, 1):
                    cname, pname = CATEGORIES[cat]
                    rows.append([oid, li, day.isoformat(), cust, "客户" + cust, r, team, region,
                                 channel, cname, pname + "-" + "ABC"[ix % 3], qty, str(p), disc,
                                 str(amount(p, qty, disc)), "已成交" if li == 1 else "已完成"])
            if si == 2 and ix % 3 == 0:     # a cancelled order: counts nowhere
                order_no += 1
                rows.append(["SO%06d" % order_no, 1, day.isoformat(), "X%02d" % ix, "退单客户", r, team,
                             region, "线上", "硬件", "工控主板-A", 1, str(p), "0", str(p), "已取消"])
    if last.day == 31:   # the export runs to the last day (a cancelled line: the span, not the sales)
        order_no += 1
        rows.append(["SO%06d" % order_no, 1, last.isoformat(), "X99", "退单客户", reps[0][3], reps[0][0],
                     reps[0][1], "线上", "硬件", "工控主板-A", 1, "100.00", "0", "100.00", "已退款"])
    write_csv(out_dir, "订单导出.csv",
              ["订单号", "行号", "单据日期", "客户编码", "客户名称", "业务员", "团队", "大区", "渠道",
               "产品类别", "产品", "数量", "单价", "折扣", "实收金额", "单据状态"], rows)

    tables = cfg["tables"]
    with_targets = tables == "all"
    with_people = tables in ("all", "notargets")

    # ---- targets: per rep per month 2024-01 .. 2026-12, one team-level row for 华南一组
    if with_targets:
        trows = []
        for y, m in months(*cfg.get("target_months", ((2024, 1), (2026, 12)))):
            team_sum = {}
            for team, region, ri, r, base in reps:
                month_sales = sum(slot_sales(cfg, base, D(y, m, d), team_ix[team]) for d in SLOTS)
                f = cfg["target_factor"].get(r, cfg["default_factor"])
                st = half_up(float(month_sales) * f)
                nct = cfg["new_target"]
                ot = 4 * len(ORDER_SHAPES)
                acc = team_sum.setdefault(team, [0, 0, 0])
                acc[0] += st; acc[1] += nct; acc[2] += ot
                trows.append(["%d-%02d" % (y, m), team if team != "华南一组" else "", r, str(st), nct, ot])
            t = team_sum["华南一组"]
            trows.append(["%d-%02d" % (y, m), "华南一组", "", str(t[0]), t[1], t[2]])
        write_csv(out_dir, "月度目标.csv", ["月份", "团队", "业务员", "销售目标", "新客户目标", "订单目标"], trows)

    if with_people:
        roster = [[r, team, region, "销售代表", "2020-03-01"] for team, region, ri, r, base in reps]
        roster.insert(0, [NEWCOMER[0], NEWCOMER[1], NEWCOMER[2], "销售代表", NEWCOMER[3]])
        write_csv(out_dir, "人员名单.csv", ["姓名", "团队", "大区", "岗位", "入职日期"], roster)

        # ---- surveys: one answer per rep per slot, about the slot's first customer
        srows = []
        comments = ("送货及时", "价格偏高", "服务态度好", "", "响应慢", "送货及时")
        for si, day in slot_dates(first, last):
            for team, region, ri, r, base in reps:
                ix = rep_index[r]
                sc = score(name, day, ix, si)
                srows.append([day.isoformat(), first_customer[(r, day)], r, sc,
                              comments[(ix + si + day.month) % len(comments)]])
        write_csv(out_dir, "客户回访.csv", ["回访日期", "客户编码", "业务员", "满意度", "意见"], srows)

        # ---- activities: visits and calls on the slot days and the day before
        arows = []
        results = STAGES + ("无需求",)
        for si, day in slot_dates(first, last):
            for team, region, ri, r, base in reps:
                ix = rep_index[r]
                for k in range(1 + (ix + si) % 3):
                    d = day - dt.timedelta(days=k % 2)
                    if d < first:
                        continue
                    arows.append([d.isoformat(), r, first_customer[(r, day)],
                                  ("拜访", "电话", "会议")[(ix + k) % 3],
                                  results[(ix + si + k) % len(results)]])
        write_csv(out_dir, "客户拜访.csv", ["日期", "业务员", "客户编码", "方式", "结果"], arows)

        # ---- improvement actions
        acts = [
            ["G1", "2025-09", "华南一组", "拜访记录不全", "每周检查拜访记录", "吴俊杰", "2025-10-31", "已完成", "2025-10-20"],
            ["G2", "2025-10", "华东一组", "新客户开发不足", "每人每周三个陌生拜访", "陈立峰", "2025-11-30", "进行中", ""],
            ["G3", "2025-11", "华东二组", "回款周期偏长", "逾期款项周报", "赵敏", "2025-12-10", "已完成", "2025-12-08"],
            ["G4", "2025-12", "华南一组", "报价响应慢", "报价模板化", "郑爽", "2026-01-15", "进行中", ""],
            ["G5", "2025-12", "华东一组", "大客户依赖", "拓展第二梯队客户", "李佳琪", "2025-12-12", "进行中", ""],
        ]
        write_csv(out_dir, "改进跟踪.csv",
                  ["编号", "提出月份", "团队", "问题", "措施", "负责人", "截止日期", "状态", "完成日期"], acts)

    write_profile(out_dir, tables)
    return dict(name=name, dir=out_dir, as_of=cfg["as_of"], team=cfg["team"], periods=dict(PERIODS),
                tables=dict(targets=with_targets, roster=with_people, surveys=with_people,
                            activities=with_people, actions=with_people))


def score(name, day, ix, si):
    if name == "flat":
        return 4
    if name in ("rising", "falling"):
        if day >= D(2025, 12, 15):
            s = 5
        elif day >= D(2025, 12, 1):
            s = 4 + (ix + si) % 2
        elif day >= D(2025, 7, 1):
            s = 4
        elif day >= D(2025, 1, 1):
            s = 3 + (ix + si) % 2
        else:
            s = (2, 3, 4)[(ix + si) % 3]
        return s if name == "rising" else 6 - s
    return (3, 4, 5, 2, 4)[(ix + si + day.month) % 5]


def write_csv(out_dir, fname, header, rows):
    def cell(v):
        s = str(v)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s
    with open(os.path.join(out_dir, fname), "w", encoding="utf-8", newline="") as f:
        for row in [header] + rows:
            f.write(",".join(cell(v) for v in row) + "\n")


def write_profile(out_dir, tables):
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<profile name="claims-%s" encoding="utf-8">' % tables,
             '  <orders file="订单导出.csv">']
    for name, header in (("order_id", "订单号"), ("line_no", "行号"), ("date", "单据日期"),
                         ("customer_id", "客户编码"), ("customer_name", "客户名称"), ("rep", "业务员"),
                         ("team", "团队"), ("region", "大区"), ("channel", "渠道"), ("category", "产品类别"),
                         ("product", "产品"), ("quantity", "数量"), ("unit_price", "单价"),
                         ("discount", "折扣"), ("amount", "实收金额"), ("status", "单据状态")):
        parts.append('    <column name="%s" header="%s"/>' % (name, header))
    parts += ['    <won>已成交</won>', '    <won>已完成</won>', '  </orders>']
    if tables == "all":
        parts += ['  <targets file="月度目标.csv">',
                  '    <column name="period" header="月份"/>',
                  '    <column name="team" header="团队"/>',
                  '    <column name="rep" header="业务员"/>',
                  '    <column name="sales_target" header="销售目标"/>',
                  '    <column name="new_customer_target" header="新客户目标"/>',
                  '    <column name="order_target" header="订单目标"/>',
                  '  </targets>']
    if tables in ("all", "notargets"):
        parts += ['  <roster file="人员名单.csv">',
                  '    <column name="name" header="姓名"/>',
                  '    <column name="team" header="团队"/>',
                  '    <column name="region" header="大区"/>',
                  '    <column name="role" header="岗位"/>',
                  '    <column name="hire_date" header="入职日期"/>',
                  '  </roster>',
                  '  <surveys file="客户回访.csv">',
                  '    <column name="date" header="回访日期"/>',
                  '    <column name="customer_id" header="客户编码"/>',
                  '    <column name="rep" header="业务员"/>',
                  '    <column name="score" header="满意度"/>',
                  '    <column name="comment" header="意见"/>',
                  '  </surveys>',
                  '  <activities file="客户拜访.csv">',
                  '    <column name="date" header="日期"/>',
                  '    <column name="rep" header="业务员"/>',
                  '    <column name="customer_id" header="客户编码"/>',
                  '    <column name="type" header="方式"/>',
                  '    <column name="result" header="结果"/>']
        parts += ['    <stage>%s</stage>' % s for s in STAGES]
        parts += ['  </activities>',
                  '  <actions file="改进跟踪.csv">',
                  '    <column name="id" header="编号"/>',
                  '    <column name="period" header="提出月份"/>',
                  '    <column name="team" header="团队"/>',
                  '    <column name="problem" header="问题"/>',
                  '    <column name="action" header="措施"/>',
                  '    <column name="owner" header="负责人"/>',
                  '    <column name="due" header="截止日期"/>',
                  '    <column name="status" header="状态"/>',
                  '    <column name="done_date" header="完成日期"/>',
                  '    <done>已完成</done>',
                  '  </actions>']
    parts.append('</profile>')
    with open(os.path.join(out_dir, "profile.xml"), "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    import sys
    out = sys.argv[1] if len(sys.argv) > 1 else "claims-scenarios"
    for n in SCENARIOS:
        info = generate(n, os.path.join(out, n))
        print(n, info["dir"], "as of", info["as_of"])
