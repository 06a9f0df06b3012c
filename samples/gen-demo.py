#!/usr/bin/env python3
"""Writes the demo dataset of fupan: the CRM export of 明远智能科技有限公司, a
fictional company selling devices, software and solutions through five sales
teams in four regions, January 2025 to October 2026.

The layout is deliberately not the one gen-crm-export writes: other column
names and order, extra columns fupan must ignore, money as "¥1,234.50",
dates as 2026/10/3, targets in 万元, UTF-8 with a byte-order mark and CRLF
line ends, as Excel saves them. samples/demo/profile.xml maps it.

The story the data tells (so the reports have something to say):
  * seasonality: Spring Festival dip in February, month-end and quarter-end
    pushes, a strong November/December;
  * 华东一组 grows steadily; 华北一组 declines through 2026 and misses its
    targets; 华南一组 is strong but leans on one large customer; 西南一组 is
    a new team, started June 2025; 华东二组 is average;
  * reps are uneven: a star in 华南一组, a new hire in 华东二组 ramping up
    from March 2026, a rep in 华北一组 who left at the end of June 2026;
  * satisfaction dips in 华北一组 in the autumn of 2026 (交付延迟);
  * improvement actions from monthly reviews, some done late, some overdue.

Deterministic: the same files every run. Standard library only.
Usage: gen-demo.py [OUT_DIR]   (default: the demo/ folder next to this script)
"""
import csv
import datetime as dt
import math
import os
import random
import sys

START = dt.date(2025, 1, 1)
END = dt.date(2026, 10, 31)
EXPORTED = dt.date(2026, 11, 2)
rng = random.Random(20261122)

# team: region, first month, yearly trend, base monthly sales per rep (yuan)
TEAMS = [
    ("华东一组", "华东", dt.date(2025, 1, 1), 0.30, 720000),
    ("华东二组", "华东", dt.date(2025, 1, 1), 0.08, 600000),
    ("华北一组", "华北", dt.date(2025, 1, 1), -0.28, 680000),
    ("华南一组", "华南", dt.date(2025, 1, 1), 0.18, 800000),
    ("西南一组", "西南", dt.date(2025, 6, 1), 0.45, 480000),
]

# name, team, role, skill, hired, left
PEOPLE = [
    ("陈立峰", "华东一组", "团队经理", 1.15, "2025-01-01", None),
    ("周雨婷", "华东一组", "销售代表", 1.05, "2025-01-01", None),
    ("王浩然", "华东一组", "销售代表", 0.90, "2025-01-01", None),
    ("李佳琪", "华东一组", "销售代表", 0.80, "2025-01-01", None),
    ("赵子轩", "华东一组", "销售代表", 1.00, "2025-01-01", None),
    ("孙晓燕", "华东二组", "团队经理", 1.00, "2025-01-01", None),
    ("吴俊杰", "华东二组", "销售代表", 0.95, "2025-01-01", None),
    ("郑思远", "华东二组", "销售代表", 0.85, "2025-01-01", None),
    ("冯欣怡", "华东二组", "销售代表", 0.75, "2026-03-02", None),   # new hire, ramping up
    ("刘建国", "华北一组", "团队经理", 1.05, "2025-01-01", None),
    ("杨敏", "华北一组", "销售代表", 0.95, "2025-01-01", None),
    ("何磊", "华北一组", "销售代表", 1.10, "2025-01-01", "2026-06-30"),  # left
    ("高婷婷", "华北一组", "销售代表", 0.70, "2025-01-01", None),
    ("林志强", "华南一组", "团队经理", 1.00, "2025-01-01", None),
    ("黄晓明", "华南一组", "销售代表", 1.85, "2025-01-01", None),   # the star
    ("梁静", "华南一组", "销售代表", 0.85, "2025-01-01", None),
    ("谢雨轩", "华南一组", "销售代表", 0.95, "2025-01-01", None),
    ("唐伟", "西南一组", "团队经理", 1.00, "2025-06-01", None),
    ("罗雪", "西南一组", "销售代表", 0.90, "2025-06-01", None),
    ("邓凯", "西南一组", "销售代表", 0.80, "2025-07-01", None),
]

PRODUCTS = [  # category, product, list price
    ("智能终端", "智能平板 T10", 2999), ("智能终端", "会议大屏 M65", 15999), ("智能终端", "扫码终端 S2", 899),
    ("智能终端", "工业手持机 H8", 3599), ("软件服务", "CRM 标准版(年)", 6800), ("软件服务", "CRM 专业版(年)", 15800),
    ("软件服务", "BI 分析模块(年)", 9800), ("软件服务", "数据接口服务(年)", 12000), ("配件耗材", "热敏纸 80mm(箱)", 260),
    ("配件耗材", "电源适配器", 129), ("配件耗材", "扩展坞", 499), ("解决方案", "门店数字化方案", 88000),
    ("解决方案", "仓储管理方案", 126000),
]
PRODUCT_WEIGHT = {"智能终端": 1.0, "软件服务": 0.9, "配件耗材": 1.6, "解决方案": 0.06}
CHANNELS = [("线下", 0.47), ("线上", 0.33), ("代理", 0.20)]
CITIES = {"华东": ["上海", "杭州", "南京", "苏州", "宁波"], "华北": ["北京", "天津", "济南", "青岛"],
          "华南": ["广州", "深圳", "厦门", "东莞"], "西南": ["成都", "重庆", "昆明"]}
WORDS = ["瑞丰", "恒通", "金科", "华信", "博远", "正泰", "宏达", "天成", "新锐", "智联", "同创", "远景", "嘉禾", "鼎盛",
         "明德", "安泰", "汇丰", "中拓", "云图", "启航", "星辰", "晨光", "海纳", "众诚"]
KINDS = ["科技有限公司", "贸易有限公司", "实业有限公司", "信息技术有限公司", "连锁超市有限公司", "医药有限公司"]


def d(s):
    return dt.date.fromisoformat(s)


def pick(weighted):
    r = rng.random() * sum(w for _, w in weighted)
    for v, w in weighted:
        r -= w
        if r < 0:
            return v
    return weighted[-1][0]


def months(extra=0):
    """the months of the data; extra more after its end (targets are set ahead)"""
    last = (END.year + (END.month + extra - 1) // 12, (END.month + extra - 1) % 12 + 1)
    y, m = START.year, START.month
    while (y, m) <= last:
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def first_day_of(person):
    return max(person["hired"], START)


def month_days(y, m):
    first = dt.date(y, m, 1)
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return [first + dt.timedelta(days=i) for i in range((nxt - first).days)]


def season(y, m):
    return {1: 0.95, 2: 0.55, 3: 1.10, 4: 0.95, 5: 1.00, 6: 1.15, 7: 0.95, 8: 0.90, 9: 1.15, 10: 0.95,
            11: 1.20, 12: 1.35}[m]


def day_weight(day):
    w = 0.3 if day.weekday() >= 5 else 1.0
    if day.day >= 24:
        w *= 1.4
    return w


def money(v):
    return f"¥{v:,.2f}"


def date_cn(day):
    return f"{day.year}/{day.month}/{day.day}"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo")
    os.makedirs(out, exist_ok=True)
    team_info = {t[0]: t for t in TEAMS}
    people = [{"name": p[0], "team": p[1], "role": p[2], "skill": p[3], "hired": d(p[4]),
               "left": d(p[5]) if p[5] else None, "id": f"MY{i + 101:04d}"} for i, p in enumerate(PEOPLE)]

    # customers, owned by reps; 华南一组 has one very large account
    customers = []
    for p in people:
        region = team_info[p["team"]][1]
        # an existing book of customers, then one or two won each month
        base, won = (14, 30) if p["role"] == "销售代表" else (9, 16)
        first_day = max(p["hired"], START)
        for k in range(base + won):
            name = rng.choice(CITIES[region]) + "".join(rng.sample(WORDS, 2)) + rng.choice(KINDS)
            start = first_day if k < base else first_day + dt.timedelta(
                days=rng.randrange(20, max(21, (END - first_day).days)))
            customers.append({"id": f"KH{len(customers) + 10001}", "name": name, "owner": p,
                              "since": start, "size": rng.lognormvariate(0, 0.6), "loyal": rng.random() < 0.5})
    whale = next(c for c in customers if c["owner"]["name"] == "黄晓明")
    whale["name"], whale["size"], whale["since"] = "深圳鼎盛连锁超市有限公司", 9.0, d("2025-01-01")
    by_owner = {}
    for c in customers:
        by_owner.setdefault(c["owner"]["name"], []).append(c)

    lines, actual, order_no = [], {}, 0
    for y, m in months():
        mdays = month_days(y, m)
        for p in people:
            t = team_info[p["team"]]
            first = dt.date(y, m, 1)
            if first < t[2] or mdays[-1] < p["hired"] or (p["left"] and first > p["left"]):
                continue
            years = (first - START).days / 365.0
            trend = (1 + t[3]) ** years
            if t[0] == "华北一组" and first >= d("2026-01-01"):
                trend *= 0.85                        # a bad year: a competitor took two accounts
            ramp = 1.0
            tenure = (first - p["hired"]).days / 30.0
            if p["hired"] > START:
                ramp = min(1.0, 0.25 + tenure * 0.12)
            budget = t[4] * p["skill"] * season(y, m) * trend * ramp * rng.uniform(0.8, 1.2)
            own = [c for c in by_owner[p["name"]] if c["since"] <= mdays[-1]] or by_owner[p["name"]][:3]
            days = [x for x in mdays if x >= p["hired"] and (not p["left"] or x <= p["left"])]
            dw = [day_weight(x) for x in days]
            # customers won this month place their first order this month
            fresh = [c for c in own if c["since"] >= mdays[0] and c["since"] > first_day_of(p)]
            spent = 0.0
            while spent < budget:
                order_no += 1
                day = rng.choices(days, weights=dw)[0]
                if fresh:
                    cust = fresh.pop()
                    day = max(day, cust["since"])
                else:
                    cust = rng.choices(own, weights=[c["size"] * (2.0 if c["loyal"] else 1.0) for c in own])[0]
                channel = pick(CHANNELS)
                status = pick([("已成交", 0.93), ("已取消", 0.04), ("已退款", 0.03)])
                n = 1 + (rng.random() < 0.4) + (rng.random() < 0.15)
                for ln in range(1, n + 1):
                    cat, prod, price = rng.choices(PRODUCTS, weights=[PRODUCT_WEIGHT[x[0]] for x in PRODUCTS])[0]
                    qty = rng.randint(1, 2) if price > 20000 else rng.randint(1, 12)
                    if cust is whale and price < 20000:
                        qty *= 4
                    disc = rng.choice([0, 0, 0, 0.05, 0.1, 0.15]) if channel != "线上" else rng.choice([0, 0.05])
                    if t[0] == "华北一组" and first >= d("2026-04-01"):
                        disc = min(0.3, disc + 0.1)  # discounting to hold on
                    amount = round(qty * price * (1 - disc), 2)
                    if status == "已成交":
                        spent += amount
                        key = (p["name"], f"{y}-{m:02d}")
                        actual[key] = actual.get(key, 0) + amount
                    lines.append((day, order_no, ln, cust, p, channel, cat, prod, qty, price, disc, amount, status))
    lines.sort(key=lambda x: (x[0], x[1], x[2]))

    enc = "utf-8-sig"
    with open(os.path.join(out, "订单导出.csv"), "w", newline="", encoding=enc) as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["单据日期", "订单号", "明细行", "客户编码", "客户全称", "业务员", "所属团队", "渠道", "商品分类",
                    "商品名称", "数量", "标准单价", "折扣", "实收金额", "单据状态", "付款方式", "备注"])
        for (day, no, ln, cust, p, channel, cat, prod, qty, price, disc, amount, status) in lines:
            w.writerow([date_cn(day), f"MY-{day:%y%m}-{no:05d}", ln, cust["id"], cust["name"], p["name"], p["team"],
                        channel, cat, prod, qty, money(price), f"{round(disc * 100)}%", money(amount), status,
                        rng.choice(["对公转账", "对公转账", "承兑汇票", "微信支付"]), ""])

    # monthly targets in 万元: per rep, except 西南一组, which gets one team target
    with open(os.path.join(out, "月度目标.csv"), "w", newline="", encoding=enc) as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["月份", "团队", "业务员", "销售目标(万元)", "新客户目标", "订单目标"])
        ahead = random.Random(20261101)  # the month after the data: its own random stream, so the rest stays put
        for y, m in months(extra=1):  # next month's targets are already set
            r = rng if (y, m) <= (END.year, END.month) else ahead
            ym = f"{y}-{m:02d}"
            sw = {}
            for p in people:
                t = team_info[p["team"]]
                first = dt.date(y, m, 1)
                if first < t[2] or month_days(y, m)[-1] < p["hired"] or (p["left"] and first > p["left"]):
                    continue
                # what the manager expected: last year's level, stretched
                base = t[4] * p["skill"] * season(y, m) * (1 + max(t[3], 0.05)) ** ((first - START).days / 365.0)
                if p["hired"] > START:
                    base *= min(1.0, 0.3 + (first - p["hired"]).days / 30.0 * 0.12)
                tgt = round(base * r.uniform(1.0, 1.15) / 10000, 1)
                if t[0] == "西南一组":
                    sw[t[0]] = sw.get(t[0], 0) + tgt
                    continue
                w.writerow([f"{y}年{m}月", p["team"], p["name"], f"{tgt:.1f}", r.randint(1, 3), r.randint(8, 16)])
            for team, tgt in sw.items():
                w.writerow([f"{y}年{m}月", team, "", f"{tgt:.1f}", 6, 40])

    with open(os.path.join(out, "人员名单.csv"), "w", newline="", encoding=enc) as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["工号", "姓名", "部门", "区域", "岗位", "入职日期", "企业邮箱", "状态"])
        for p in people:
            w.writerow([p["id"], p["name"], p["team"], team_info[p["team"]][1], p["role"], date_cn(p["hired"]),
                        f"{p['id'].lower()}@mingyuan.example", "离职" if p["left"] else "在职"])

    # satisfaction: a monthly survey of a sample of customers who bought recently
    comments_good = ["响应及时", "服务专业", "产品稳定", "培训到位", ""]
    comments_bad = ["交付延迟", "价格偏高", "售后响应慢", "希望增加培训"]
    with open(os.path.join(out, "客户回访.csv"), "w", newline="", encoding=enc) as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["回访日期", "客户编码", "业务员", "满意度(1-5)", "客户意见"])
        for y, m in months():
            day = dt.date(y, m, 26)
            active = [c for c in customers if c["since"] <= day and
                      (not c["owner"]["left"] or day <= c["owner"]["left"])]
            for c in rng.sample(active, k=min(len(active), 45)):
                mean = 4.3 if c["loyal"] else 3.8
                if c["owner"]["team"] == "华北一组" and day >= d("2026-08-01"):
                    mean -= 0.8
                s = max(1, min(5, round(rng.gauss(mean, 0.7))))
                text = rng.choice(comments_bad) if s <= 3 and rng.random() < 0.7 else rng.choice(comments_good)
                w.writerow([date_cn(day), c["id"], c["owner"]["name"], s, text])

    with open(os.path.join(out, "客户拜访.csv"), "w", newline="", encoding=enc) as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["拜访日期", "业务员", "客户编码", "拜访方式", "拜访结果"])
        for y, m in months():
            for p in people:
                first = dt.date(y, m, 1)
                if first < team_info[p["team"]][2] or month_days(y, m)[-1] < p["hired"] or \
                        (p["left"] and first > p["left"]):
                    continue
                for _ in range(int(rng.uniform(8, 18) * (1.3 if p["skill"] > 1.2 else 1.0))):
                    day = rng.choice([x for x in month_days(y, m) if x.weekday() < 5 and x >= p["hired"]])
                    c = rng.choice(by_owner[p["name"]])
                    w.writerow([date_cn(day), p["name"], c["id"], pick([("电话", 0.5), ("上门拜访", 0.3),
                                                                          ("视频会议", 0.15), ("产品演示", 0.05)]),
                                pick([("有意向", 0.3), ("需跟进", 0.3), ("已报价", 0.2), ("已签约", 0.1),
                                      ("无需求", 0.1)])])

    problems = {
        "华东一组": [("大客户回款周期偏长", "月末前逐一核对应收账款并约定回款日"),
                   ("重点客户拜访频次不足", "制定重点客户月度拜访计划，每周跟踪执行"),
                   ("方案类商机转化慢", "售前与销售联合拜访，两周内给出方案"),
                   ("线上询盘响应慢", "设置线上询盘 2 小时响应制度，日报通报"),
                   ("老客户复购下降", "梳理半年未复购客户名单，逐一回访并推送续费方案")],
        "华东二组": [("新人业绩爬坡慢", "安排老带新辅导，每周复盘一次"), ("线上渠道转化率低", "优化产品页面，开展直播培训")],
        "华北一组": [("销售额连续未达成目标", "重新梳理重点客户清单，经理每周陪访"), ("折扣过高侵蚀利润", "设置折扣审批门槛，超过 15% 需经理审批"),
                   ("客户满意度下降", "交付延迟的客户逐一回访并跟进交付"), ("核心销售离职", "交接客户并安排专人维护")],
        "华南一组": [("对单一大客户依赖过高", "开发三家同规模新客户，分散风险"), ("解决方案类产品占比低", "联合售前做行业方案推介会")],
        "西南一组": [("新团队客户基础薄弱", "每周安排两次陌生拜访，建立线索池"), ("产品知识不足", "组织产品知识培训与考核")],
    }
    with open(os.path.join(out, "改进跟踪.csv"), "w", newline="", encoding=enc) as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["编号", "提出月份", "团队", "问题描述", "改进措施", "责任人", "计划完成日期", "当前状态", "实际完成日期"])
        k = 0
        for y, m in months():
            for team, items in problems.items():
                if dt.date(y, m, 1) < team_info[team][2] or rng.random() < 0.45:
                    continue
                prob, act = rng.choice(items)
                if prob == "核心销售离职" and (y, m) != (2026, 7):
                    continue
                k += 1
                owners = [p for p in people if p["team"] == team and (not p["left"] or p["left"] > dt.date(y, m, 28))]
                owner = rng.choice(owners)
                due = dt.date(y, m, 28) + dt.timedelta(days=rng.choice([14, 21, 30, 45]))
                done = due + dt.timedelta(days=rng.randint(-12, 15))
                # old actions were mostly closed; recent ones are still being worked on
                p_done = 0.95 if due < END - dt.timedelta(days=120) else 0.7
                if done <= END and rng.random() < p_done:
                    status, done_s = "已完成", date_cn(done)
                else:
                    status, done_s = ("逾期" if due < EXPORTED else "进行中"), ""
                w.writerow([f"GJ-{y % 100:02d}{m:02d}-{k:03d}", f"{y}-{m:02d}", team, prob, act, owner["name"],
                            date_cn(due), status, done_s])

    holidays = [("2025-01-01", "休", "元旦"), *[(f"2025-{x}", "休", "春节") for x in
                ["01-28", "01-29", "01-30", "01-31", "02-01", "02-02", "02-03", "02-04"]],
                ("2025-01-26", "班", "春节调休"), ("2025-02-08", "班", "春节调休"),
                *[(f"2025-04-0{x}", "休", "清明节") for x in (4, 5, 6)],
                *[(f"2025-05-0{x}", "休", "劳动节") for x in range(1, 6)], ("2025-04-27", "班", "劳动节调休"),
                ("2025-05-31", "休", "端午节"), ("2025-06-01", "休", "端午节"), ("2025-06-02", "休", "端午节"),
                *[(f"2025-10-0{x}", "休", "国庆节、中秋节") for x in range(1, 9)],
                ("2025-09-28", "班", "国庆节调休"), ("2025-10-11", "班", "国庆节调休"),
                *[(f"2026-01-0{x}", "休", "元旦") for x in (1, 2, 3)], ("2026-01-04", "班", "元旦调休"),
                *[(f"2026-02-{x}", "休", "春节") for x in range(15, 24)],
                ("2026-02-14", "班", "春节调休"), ("2026-02-28", "班", "春节调休"),
                *[(f"2026-04-0{x}", "休", "清明节") for x in (4, 5, 6)],
                *[(f"2026-05-0{x}", "休", "劳动节") for x in range(1, 6)], ("2026-05-09", "班", "劳动节调休"),
                *[(f"2026-06-{x}", "休", "端午节") for x in (19, 20, 21)],
                *[(f"2026-09-{x}", "休", "中秋节") for x in (25, 26, 27)],
                *[(f"2026-10-0{x}", "休", "国庆节") for x in range(1, 8)],
                ("2026-09-20", "班", "国庆节调休"), ("2026-10-10", "班", "国庆节调休")]
    with open(os.path.join(out, "节假日.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["日期", "类型", "说明"])
        for day, kind, name in sorted(holidays):
            w.writerow([day, kind, name])


if __name__ == "__main__":
    main()
