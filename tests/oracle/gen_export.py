#!/usr/bin/env python3
"""Deterministic generator of small CRM exports for the metrics oracle.

    gen_export.py VARIANT OUT_DIR [--seed N] [--lines N]

writes the CSV files of one export and its profile.xml into OUT_DIR.
Variants (each with its own default seed):

  full     2015-11 .. 2017-03 (leap year 2016 and the year after it):
           orders with a status column (some not won, two won values, lines of
           an order with different products and categories, a few backdated
           lines out of file order, empty channels, renamed customers),
           monthly targets per rep (in 万元) plus team-level rows for 华南二组,
           months missing (2016-05 for everyone, 2015-12 for 华东二组,
           2016-11 for one rep, new-customer targets missing in 2016-09), a rep
           who is not on the roster (target rows without a team), a roster with
           hire and leave dates, surveys, activities with declared <stage>s,
           actions (done by date, done by status only, overdue, no deadline)
           and a holiday calendar with days off and working weekends.
  minimal  2021-03 .. 2022-08: orders only, no status, channel, price or
           customer-name columns, ';' as delimiter, a few amounts in 万, and
           no order at all in August 2021.
  people   2019-06 .. 2021-02 (leap year 2020, ISO week 2020-W53): orders
           without team and region columns (both come from the roster), reps
           joining and leaving (they sell only while employed), a person who
           moved team (two roster rows), targets without a team column only
           for employed months, surveys without a rep column, activities
           without stages, actions, a calendar with English kinds, CRLF lines.

Standard library only; the same seed always gives the same files.
"""
import argparse
import csv
import datetime as dt
import os
import random
from decimal import Decimal, ROUND_HALF_UP

D = dt.date

CITIES = ["上海", "杭州", "南京", "苏州", "北京", "天津", "济南", "广州", "深圳", "厦门", "武汉", "长沙",
          "成都", "重庆", "昆明", "西安", "兰州", "合肥", "宁波", "青岛"]
WORDS = ["瑞丰", "恒通", "金科", "华信", "博远", "正泰", "宏达", "天成", "新锐", "智联", "同创", "远景",
         "嘉禾", "鼎盛", "明德", "安泰", "汇丰", "中拓", "云图", "启航", "星辰", "晨光", "海纳", "众诚"]
KINDS = ["科技有限公司", "贸易有限公司", "实业有限公司", "信息技术有限公司", "电子有限公司", "医疗器械有限公司"]
CATALOG = {
    "智能终端": [("智能平板 T10", "2999"), ("会议大屏 M65", "15999"), ("扫码终端 S2", "899.5"), ("工业手持机 H8", "3599")],
    "软件服务": [("CRM 标准版(年)", "6800"), ("CRM 专业版(年)", "15800"), ("BI 分析模块(年)", "9800"),
                 ("移动审批(年)", "3600")],
    "配件耗材": [("热敏纸 80mm(箱)", "260"), ("电源适配器", "129.9"), ("保护套", "89"), ("扩展坞", "499")],
    "解决方案": [("门店数字化方案", "88000"), ("仓储管理方案", "126000")],
}
PRODUCTS = [(cat, name, Decimal(price)) for cat, items in CATALOG.items() for name, price in items]
PRODUCT_W = [{"智能终端": 1.0, "软件服务": 0.8, "配件耗材": 2.0, "解决方案": 0.06}[c] for c, _, _ in PRODUCTS]
COMMENTS = ["", "", "", "响应及时", "价格偏高", "交付延迟", "服务专业", "希望增加培训", "产品稳定", "售后慢"]
PROBLEMS = [("新客户开发不足", "每周安排两次陌生拜访，建立线索池"), ("回款周期偏长", "月末前逐一核对应收账款"),
            ("线上渠道转化率低", "优化产品页面并开展直播培训"), ("大客户流失", "建立重点客户季度回访机制"),
            ("折扣过高", "设置折扣审批门槛"), ("新人业绩爬坡慢", "安排老带新辅导，每周复盘一次")]


def days_between(a, b):
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


def months_between(a, b):
    y, m = a.year, a.month
    while (y, m) <= (b.year, b.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def fen_round(x):
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- calendars
def cal(rows):
    out = []
    for spec, kind, name in rows:
        if ".." in spec:
            a, b = spec.split("..")
            for d in days_between(D.fromisoformat(a), D.fromisoformat(b)):
                out.append((d, kind, name))
        else:
            out.append((D.fromisoformat(spec), kind, name))
    return out


CAL_FULL = cal([
    ("2016-01-01..2016-01-03", "休", "元旦"),
    ("2016-02-06", "班", "春节调休"), ("2016-02-07..2016-02-13", "休", "春节"), ("2016-02-14", "班", "春节调休"),
    ("2016-04-02..2016-04-04", "休", "清明节"), ("2016-04-30..2016-05-02", "休", "劳动节"),
    ("2016-06-09..2016-06-11", "休", "端午节"), ("2016-06-12", "班", "端午节调休"),
    ("2016-09-15..2016-09-17", "休", "中秋节"), ("2016-09-18", "班", "中秋节调休"),
    ("2016-10-01..2016-10-07", "休", "国庆节"), ("2016-10-08", "班", "国庆节调休"), ("2016-10-09", "班", "国庆节调休"),
    ("2016-12-31..2017-01-02", "休", "元旦"),
    ("2017-01-22", "班", "春节调休"), ("2017-01-27..2017-02-02", "休", "春节"), ("2017-02-04", "班", "春节调休"),
    ("2017-04-01", "班", "清明节调休"), ("2017-04-02..2017-04-04", "休", "清明节"),
    ("2017-04-29..2017-05-01", "休", "劳动节"), ("2017-05-27", "班", "端午节调休"), ("2017-05-28..2017-05-30", "休", "端午节"),
])

CAL_PEOPLE = cal([
    ("2019-06-07", "holiday", "端午节"), ("2019-09-13", "holiday", "中秋节"), ("2019-09-29", "workday", "国庆节调休"),
    ("2019-10-01..2019-10-07", "off", "国庆节"), ("2019-10-12", "workday", "国庆节调休"),
    ("2020-01-01", "休", "元旦"), ("2020-01-19", "班", "春节调休"), ("2020-01-24..2020-02-02", "休", "春节"),
    ("2020-04-04..2020-04-06", "holiday", "清明节"), ("2020-04-26", "workday", "劳动节调休"),
    ("2020-05-01..2020-05-05", "holiday", "劳动节"), ("2020-05-09", "workday", "劳动节调休"),
    ("2020-06-25..2020-06-27", "holiday", "端午节"), ("2020-06-28", "workday", "端午节调休"),
    ("2020-09-27", "workday", "国庆节调休"), ("2020-10-01..2020-10-08", "off", "国庆节、中秋节"),
    ("2020-10-10", "workday", "国庆节调休"),
    ("2021-01-01..2021-01-03", "holiday", "元旦"), ("2021-02-07", "workday", "春节调休"),
    ("2021-02-11..2021-02-17", "holiday", "春节"), ("2021-02-20", "workday", "春节调休"),
    ("2021-04-03..2021-04-05", "holiday", "清明节"),
])


def off_days(calendar):
    return {d for d, k, _ in calendar if k in ("休", "holiday", "off")}


# ---------------------------------------------------------------- people
# (name, team, region, role, hire, leave, on_roster)
PEOPLE_FULL = [
    ("陈立峰", "华东一组", "华东", "团队经理", "2013/3/1", "", True),
    ("周雨婷", "华东一组", "华东", "销售代表", "2014/7/1", "", True),
    ("王浩然", "华东一组", "华东", "销售代表", "2016/4/11", "", True),      # joins in April 2016
    ("孙晓燕", "华东二组", "华东", "团队经理", "2012/5/2", "", True),
    ("吴俊杰", "华东二组", "华东", "销售代表", "2015/1/5", "2016/8/19", True),  # leaves in August 2016
    ("郑思远", "华东二组", "华东", "销售代表", "", "", True),
    ("刘建国", "华北一组", "华北", "团队经理", "2011/9/1", "", True),
    ("杨敏", "华北一组", "华北", "销售代表", "2015/6/15", "", True),
    ("韩立", "华北一组", "华北", "销售代表", "", "", False),                # not on the roster
    ("林志强", "华南一组", "华南", "团队经理", "2014/2/17", "", True),
    ("黄晓明", "华南一组", "华南", "销售代表", "2015/3/2", "", True),
    ("梁静", "华南一组", "华南", "销售代表", "2015/3/2", "", True),
    ("谢雨轩", "华南二组", "华南", "团队经理", "2015/8/3", "", True),
    ("唐伟", "华南二组", "华南", "销售代表", "2015/8/3", "", True),
    ("罗雪", "华南二组", "华南", "销售代表", "2015/10/8", "", True),
]

PEOPLE_MIN = [
    ("赵磊", "一部", "北区", "", "", "", False), ("钱芳", "一部", "北区", "", "", "", False),
    ("孙强", "一部", "北区", "", "", "", False), ("李娜", "二部", "北区", "", "", "", False),
    ("周杰", "二部", "北区", "", "", "", False), ("吴静", "三部", "南区", "", "", "", False),
    ("郑浩", "三部", "南区", "", "", "", False), ("王丽", "三部", "南区", "", "", "", False),
]

# 王芳 first worked in 成都一组 (first roster row), then moved to 重庆一组 (last roster row wins).
PEOPLE_PEOPLE = [
    ("马超", "成都一组", "西南", "团队经理", "2016-03-01", "", True),
    ("王芳", "成都一组", "西南", "销售代表", "2018-05-02", "", True),
    ("胡静", "成都一组", "西南", "销售代表", "2019-09-16", "", True),          # joins
    ("朱伟", "成都一组", "西南", "销售代表", "2017-04-01", "2019-12-31", True),  # leaves at the end of 2019
    ("何涛", "重庆一组", "西南", "团队经理", "2015-07-01", "", True),
    ("高翔", "重庆一组", "西南", "销售代表", "2019-11-04", "2020-10-30", True),  # joins and leaves
    ("林琳", "重庆一组", "西南", "销售代表", "2020-03-02", "", True),          # joins
    ("罗刚", "西安一组", "西北", "团队经理", "2014-10-08", "", True),
    ("宋佳", "西安一组", "西北", "销售代表", "2018-01-02", "2020-07-15", True),  # leaves mid-July 2020
    ("韦东", "西安一组", "西北", "销售代表", "2020-08-17", "", True),          # replaces her
]


def parse_d(s):
    if not s:
        return None
    s = s.replace("/", "-")
    y, m, d = (int(x) for x in s.split("-"))
    return D(y, m, d)


class Rep:
    def __init__(self, name, team, region, role, hire, leave, on_roster):
        self.name, self.team, self.region, self.role = name, team, region, role
        self.hire_s, self.leave_s, self.on_roster = hire, leave, on_roster
        self.hire, self.leave = parse_d(hire), parse_d(leave)
        self.skill = 1.0

    def employed(self, d):
        return (self.hire is None or d >= self.hire) and (self.leave is None or d <= self.leave)

    def employed_month(self, y, m):
        if self.hire and (y, m) < (self.hire.year, self.hire.month):
            return False
        if self.leave and (y, m) > (self.leave.year, self.leave.month):
            return False
        return True


# ---------------------------------------------------------------- orders
def season(d, off):
    f = 1.0
    if d.weekday() >= 5 or d in off:
        f *= 0.25
    if d.day >= 25:
        f *= 1.3
    if d.month == 2:
        f *= 0.6
    if d.month in (11, 12):
        f *= 1.2
    return f


def make_orders(rng, reps, start, end, n_lines, off, gap=None, statuses=True, backdate=0.0,
                id_prefix="SO"):
    """Returns (orders, customers); an order is a dict with its lines."""
    days = [d for d in days_between(start, end) if not (gap and gap[0] <= d <= gap[1])]
    weights = [season(d, off) for d in days]
    per_day = n_lines / 1.85 / sum(weights)
    customers = []          # dicts: id, name, alt, owner
    by_owner = {}
    orders = []
    seq = 0

    def new_customer(owner):
        while True:
            name = rng.choice(CITIES) + "".join(rng.sample(WORDS, 2)) + rng.choice(KINDS)
            if all(c["name"] != name for c in customers):
                break
        c = {"id": f"KH{10001 + len(customers)}", "name": name, "owner": owner,
             "alt": (name.replace("有限公司", "股份有限公司") if rng.random() < 0.15 else None)}
        customers.append(c)
        by_owner.setdefault(owner.name, []).append(c)
        return c

    for i, d in enumerate(days):
        lam = weights[i] * per_day
        n = int(lam) + (1 if rng.random() < lam - int(lam) else 0)
        if d in (start, end):
            n = max(n, 2)
        working = [r for r in reps if r.employed(d)]
        if not working:
            continue
        for _ in range(n):
            rep = rng.choices(working, weights=[r.skill for r in working])[0]
            own = by_owner.get(rep.name, [])
            if not own or rng.random() < 0.16:
                cust = new_customer(rep)
            elif rng.random() < 0.9:
                cust = rng.choice(own)
            else:
                cust = rng.choice(customers)
            seq += 1
            chan = rng.choices(["线上", "线下", "代理", ""], weights=[35, 45, 18, 2])[0]
            status = "已成交"
            if statuses:
                status = rng.choices(["已成交", "已完成", "已取消", "已退款"], weights=[80, 10, 6, 4])[0]
                if d == start:
                    status = "已取消"          # the data's first line is not a sale
                if d == end and _ == 0:
                    status = "已退款"
            nl = 1 + (rng.random() < 0.45) + (rng.random() < 0.25) + (rng.random() < 0.1)
            lines = []
            for ln in range(1, nl + 1):
                cat, prod, price = rng.choices(PRODUCTS, weights=PRODUCT_W)[0]
                qty = rng.randint(1, 2) if price > 20000 else rng.randint(1, 20)
                disc = rng.choice([0, 0, 0, 5, 10, 15]) if chan != "线上" else rng.choice([0, 5])
                amount = fen_round(qty * price * (100 - disc) / 100)
                st = status
                if statuses and status == "已成交" and nl > 1 and rng.random() < 0.04:
                    st = "已退款"
                lines.append({"ln": ln, "cat": cat, "prod": prod, "qty": qty, "price": price, "disc": disc,
                              "amount": amount, "status": st})
            orders.append({"id": f"{id_prefix}-{d:%y%m}-{seq:05d}", "date": d, "cust": cust, "rep": rep,
                           "chan": chan, "lines": lines,
                           "key": d + dt.timedelta(days=(rng.randint(1, 4) if rng.random() < backdate else 0))})
    orders.sort(key=lambda o: o["key"])       # the file order: a few lines were entered days later
    return orders, customers


def month_sales(orders):
    out = {}
    for o in orders:
        for l in o["lines"]:
            if l["status"] in ("已成交", "已完成"):
                k = (o["rep"].name, o["date"].year, o["date"].month)
                out[k] = out.get(k, Decimal(0)) + l["amount"]
    return out


def money_yuan(x, style):
    if style == "yen":
        return f"¥{x:,.2f}"
    if style == "rmb":
        return f"RMB {x:.2f}" if x < 1000 else f"￥{x:.2f}"
    return f"{x:.2f}"


def fmt_date(d, style, rng=None):
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "mixed":
        k = rng.randrange(4)
        if k == 0:
            return f"{d.year}.{d.month}.{d.day}"
        if k == 1:
            return f"{d:%Y%m%d}"
        if k == 2:
            return f"{d.isoformat()} {rng.randrange(8, 20):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


class Out:
    def __init__(self, folder, encoding="utf-8", delimiter=",", newline="\n"):
        self.folder, self.encoding, self.delimiter, self.newline = folder, encoding, delimiter, newline

    def write(self, name, header, rows):
        with open(os.path.join(self.folder, name), "w", newline="", encoding=self.encoding) as fh:
            w = csv.writer(fh, delimiter=self.delimiter, lineterminator=self.newline)
            w.writerow(header)
            for r in rows:
                w.writerow(r)


# ---------------------------------------------------------------- variants
def variant_full(out_dir, seed, n_lines):
    rng = random.Random(seed)
    start, end = D(2015, 11, 4), D(2017, 3, 29)
    reps = [Rep(*p) for p in PEOPLE_FULL]
    for r in reps:
        r.skill = rng.lognormvariate(0, 0.3)
    off = off_days(CAL_FULL)
    orders, customers = make_orders(rng, reps, start, end, n_lines, off, backdate=0.05, id_prefix="XS")
    out = Out(out_dir, encoding="utf-8-sig")

    rows = []
    for o in orders:
        c = o["cust"]
        for l in o["lines"]:
            name = c["name"]
            if c["alt"] and rng.random() < 0.3:
                name = c["alt"]
            elif rng.random() < 0.03:
                name = ""
            team = o["rep"].team
            if o["rep"].name == "韩立" and o["date"] >= D(2017, 3, 1):
                team = "华北二组"          # moved: his latest lines name another team
            rows.append([o["id"], l["ln"], fmt_date(o["date"], "slash"), c["id"], name, o["rep"].name,
                         team, o["rep"].region, o["chan"], l["cat"], l["prod"], l["qty"],
                         money_yuan(l["price"], "yen"), f"{l['disc']}%", money_yuan(l["amount"], "yen"),
                         l["status"], rng.choice(["对公转账", "微信支付", "支付宝"])])
    out.write("销售订单.csv", ["单据编号", "行号", "单据日期", "客户编码", "客户名称", "业务员", "销售团队", "大区",
                            "渠道", "产品类别", "产品名称", "数量", "单价", "折扣", "成交金额", "单据状态", "付款方式"],
              rows)

    # targets (万元): per rep and employed month, 2015-11 .. 2017-04
    sold = month_sales(orders)
    trows = []
    for y, m in months_between(D(2015, 11, 1), D(2017, 4, 1)):
        if (y, m) == (2016, 5):
            continue                                          # nobody has a target for May 2016
        for r in reps:
            if not r.employed_month(y, m):
                continue
            if (y, m) == (2015, 12) and r.team == "华东二组":
                continue                                      # 华东二组 forgot December
            if r.name == "黄晓明" and (y, m) == (2016, 11):
                continue
            if r.team == "华南二组" and not ((2016, 1) <= (y, m) <= (2016, 6)):
                continue                                      # the team's own rows only
            if r.name == "韩立" and not ((2016, 1) <= (y, m) <= (2016, 12)):
                continue
            base = sold.get((r.name, y, m), Decimal(60000)) * Decimal(str(rng.uniform(0.85, 1.25)))
            wan = (base / 10000).quantize(Decimal("0.1") if rng.random() < 0.8 else Decimal("0.01"))
            nc = "" if (y, m) == (2016, 9) else str(rng.randint(0, 4))
            oc = str(rng.randint(3, 14))
            team = "" if r.name == "韩立" else r.team
            trows.append([f"{y}年{m}月", team, r.name, str(wan), nc, oc])
        # 华南二组 keeps one row for the whole team
        tot = sum(sold.get((r.name, y, m), Decimal(0)) for r in reps if r.team == "华南二组") or Decimal(150000)
        wan = (tot * Decimal("1.1") / 10000).quantize(Decimal("0.1"))
        trows.append([f"{y}年{m}月", "华南二组", "", str(wan), "" if (y, m) == (2016, 9) else "5", "20"])
    rng.shuffle(trows)
    out.write("月度目标.csv", ["月份", "团队", "业务员", "销售目标(万元)", "新客户目标", "订单目标"], trows)

    roster = []
    for i, r in enumerate(reps):
        if r.on_roster:
            roster.append([f"MY{101 + i}", r.name, r.team, r.region, r.role, r.hire_s, r.leave_s,
                           f"my{101 + i}@example.com"])
    out.write("人员名单.csv", ["工号", "姓名", "团队", "大区", "岗位", "入职日期", "离职日期", "邮箱"], roster)

    write_surveys(out, rng, customers, start, end, 420, with_rep=True, date_style="slash",
                  header=["回访日期", "客户编码", "业务员", "满意度(1-5)", "客户意见"])
    write_activities(out, rng, reps, customers, start, end, 1500,
                     results=["有意向", "已报价", "已签约", "无需求", "需跟进", ""], weights=[30, 18, 8, 20, 20, 4],
                     header=["拜访日期", "业务员", "客户编码", "拜访方式", "拜访结果"], name="客户拜访.csv")
    write_actions(out, rng, reps, D(2015, 11, 1), D(2017, 4, 1), end, name="改进跟踪.csv",
                  header=["编号", "提出月份", "团队", "问题描述", "改进措施", "责任人", "计划完成日期", "当前状态",
                          "实际完成日期"], month_style="dash")
    out.write("节假日.csv", ["日期", "类型", "说明"], [[d.isoformat(), k, n] for d, k, n in CAL_FULL])

    write_profile(out_dir, "oracle-full", f"""
  <orders file="销售订单.csv">
    <column name="order_id"      header="单据编号|订单号"/>
    <column name="line_no"       header="行号"/>
    <column name="date"          header="订单日期|单据日期"/>
    <column name="customer_id"   header="客户编码"/>
    <column name="customer_name" header="客户名称"/>
    <column name="rep"           header="业务员"/>
    <column name="team"          header="销售团队"/>
    <column name="region"        header="大区"/>
    <column name="channel"       header="渠道"/>
    <column name="category"      header="产品类别"/>
    <column name="product"       header="产品名称"/>
    <column name="quantity"      header="数量"/>
    <column name="unit_price"    header="单价"/>
    <column name="discount"      header="折扣"/>
    <column name="amount"        header="实收金额|成交金额"/>
    <column name="status"        header="单据状态"/>
    <won>已成交</won>
    <won>已完成</won>
  </orders>
  <targets file="月度目标.csv">
    <column name="period"              header="月份"/>
    <column name="team"                header="团队"/>
    <column name="rep"                 header="业务员"/>
    <column name="sales_target"        header="销售目标(万元)" unit="万元"/>
    <column name="new_customer_target" header="新客户目标"/>
    <column name="order_target"        header="订单目标"/>
  </targets>
  <roster file="人员名单.csv">
    <column name="id"         header="工号"/>
    <column name="name"       header="姓名"/>
    <column name="team"       header="团队"/>
    <column name="region"     header="大区"/>
    <column name="role"       header="岗位"/>
    <column name="hire_date"  header="入职日期"/>
    <column name="leave_date" header="离职日期"/>
    <column name="email"      header="邮箱"/>
  </roster>
  <surveys file="客户回访.csv">
    <column name="date"        header="回访日期"/>
    <column name="customer_id" header="客户编码"/>
    <column name="rep"         header="业务员"/>
    <column name="score"       header="满意度(1-5)"/>
    <column name="comment"     header="客户意见"/>
  </surveys>
  <activities file="客户拜访.csv">
    <column name="date"        header="拜访日期"/>
    <column name="rep"         header="业务员"/>
    <column name="customer_id" header="客户编码"/>
    <column name="type"        header="拜访方式"/>
    <column name="result"      header="拜访结果"/>
    <stage>有意向</stage>
    <stage>已报价</stage>
    <stage>已签约</stage>
  </activities>
  <actions file="改进跟踪.csv">
    <column name="id"        header="编号"/>
    <column name="period"    header="提出月份"/>
    <column name="team"      header="团队"/>
    <column name="problem"   header="问题描述"/>
    <column name="action"    header="改进措施"/>
    <column name="owner"     header="责任人"/>
    <column name="due"       header="计划完成日期"/>
    <column name="status"    header="当前状态"/>
    <column name="done_date" header="实际完成日期"/>
    <done>已完成</done>
    <done>已关闭</done>
  </actions>
  <calendar file="节假日.csv">
    <column name="date" header="日期"/>
    <column name="kind" header="类型"/>
    <column name="name" header="说明"/>
  </calendar>
""")


def variant_minimal(out_dir, seed, n_lines):
    rng = random.Random(seed)
    start, end = D(2021, 3, 10), D(2022, 8, 19)
    reps = [Rep(*p) for p in PEOPLE_MIN]
    for r in reps:
        r.skill = rng.lognormvariate(0, 0.3)
    orders, _ = make_orders(rng, reps, start, end, n_lines, set(), gap=(D(2021, 8, 1), D(2021, 8, 31)),
                            statuses=False, id_prefix="DD")
    out = Out(out_dir, encoding="utf-8", delimiter=";")
    rows = []
    for o in orders:
        for l in o["lines"]:
            a = l["amount"]
            if a >= 10000 and a % 100 == 0 and rng.random() < 0.5:
                amt = f"{(a / 10000).normalize():f}万"
            else:
                amt = f"{a:.2f}"
            rows.append([fmt_date(o["date"], "iso"), o["id"], o["cust"]["id"], o["rep"].name, o["rep"].team,
                         o["rep"].region, l["cat"], l["prod"], l["qty"], amt])
    out.write("orders.csv", ["Date", "Order", "Customer", "Sales Rep", "Team", "Region", "Category", "Product",
                             "Qty", "Amount"], rows)
    write_profile(out_dir, "oracle-minimal", """
  <orders file="orders.csv">
    <column name="date"        header="date"/>
    <column name="order_id"    header="order"/>
    <column name="customer_id" header="customer"/>
    <column name="rep"         header="sales rep"/>
    <column name="team"        header="team"/>
    <column name="region"      header="region"/>
    <column name="category"    header="category"/>
    <column name="product"     header="product"/>
    <column name="quantity"    header="qty"/>
    <column name="amount"      header="amount"/>
  </orders>
""")


def variant_people(out_dir, seed, n_lines):
    rng = random.Random(seed)
    start, end = D(2019, 6, 3), D(2021, 2, 26)
    reps = [Rep(*p) for p in PEOPLE_PEOPLE]
    for r in reps:
        r.skill = rng.lognormvariate(0, 0.3)
    moved = next(r for r in reps if r.name == "王芳")
    moved.team = "重庆一组"                        # the last roster row: her team for every line
    off = off_days(CAL_PEOPLE)
    orders, customers = make_orders(rng, reps, start, end, n_lines, off, backdate=0.02, id_prefix="CD")
    out = Out(out_dir, encoding="utf-8", newline="\r\n")
    rows = []
    for o in orders:
        c = o["cust"]
        for l in o["lines"]:
            rows.append([o["id"], fmt_date(o["date"], "mixed", rng), c["id"], c["name"], o["rep"].name,
                         o["chan"] or "线下", l["cat"], l["prod"], l["qty"], money_yuan(l["price"], "rmb"),
                         f"{l['disc'] / 100:.2f}", money_yuan(l["amount"], "rmb"), l["status"]])
    out.write("订单.csv", ["订单编号", "日期", "客户编号", "客户", "销售", "渠道", "品类", "产品", "数量", "标准价",
                         "折扣", "金额", "状态"], rows)

    sold = month_sales(orders)
    trows = []
    for y, m in months_between(D(2019, 6, 1), D(2021, 3, 1)):
        for r in reps:
            if not r.employed_month(y, m):
                continue
            base = sold.get((r.name, y, m), Decimal(50000)) * Decimal(str(rng.uniform(0.85, 1.25)))
            base = base.quantize(Decimal("100"))
            if (r.name, y, m) == ("马超", 2020, 3):
                base = Decimal("50000.39")     # 2020-W10 takes 5/22 of it: 11363.725 yuan, a half fen
            trows.append([f"{y}{m:02d}", r.name, f"{base:,.2f}", str(rng.choice([0.5, 1, 1.5, 2, 3])),
                          str(rng.randint(3, 12))])
    out.write("目标.csv", ["月份", "销售", "目标金额(元)", "新客户目标", "订单目标"], trows)

    roster = [["R01", "王芳", "成都一组", "西南", "销售代表", "2018-05-02", "", ""]]
    for i, r in enumerate(reps):
        roster.append([f"R{2 + i:02d}", r.name, r.team, "" if r.name == "胡静" else r.region, r.role,
                       r.hire_s, r.leave_s, "在职" if r.leave is None else "离职"])
    out.write("花名册.csv", ["工号", "姓名", "团队", "区域", "岗位", "入职日期", "离职日期", "状态"], roster)

    write_surveys(out, rng, customers, start, end, 300, with_rep=False, date_style="iso",
                  header=["日期", "客户编号", "评分", "意见"])
    write_activities(out, rng, reps, customers, start, end, 1000,
                     results=["有意向", "已报价", "已签约", "无需求", "需跟进"], weights=[30, 18, 8, 20, 20],
                     header=["日期", "销售", "客户编号", "方式", "结果"], name="拜访.csv")
    write_actions(out, rng, reps, D(2019, 6, 1), D(2021, 2, 1), end, name="改进.csv",
                  header=["编号", "月份", "团队", "问题", "措施", "负责人", "截止", "状态", "完成日期"],
                  month_style="compact")
    out.write("calendar.csv", ["date", "kind", "name"], [[d.isoformat(), k, n] for d, k, n in CAL_PEOPLE])

    write_profile(out_dir, "oracle-people", """
  <orders file="订单.csv">
    <column name="order_id"      header="订单编号"/>
    <column name="date"          header="日期"/>
    <column name="customer_id"   header="客户编号"/>
    <column name="customer_name" header="客户"/>
    <column name="rep"           header="销售"/>
    <column name="channel"       header="渠道"/>
    <column name="category"      header="品类"/>
    <column name="product"       header="产品"/>
    <column name="quantity"      header="数量"/>
    <column name="unit_price"    header="标准价"/>
    <column name="discount"      header="折扣"/>
    <column name="amount"        header="金额"/>
    <column name="status"        header="状态"/>
    <won>已成交</won>
    <won>已完成</won>
  </orders>
  <targets file="目标.csv">
    <column name="period"              header="月份"/>
    <column name="rep"                 header="销售"/>
    <column name="sales_target"        header="目标金额(元)"/>
    <column name="new_customer_target" header="新客户目标"/>
    <column name="order_target"        header="订单目标"/>
  </targets>
  <roster file="花名册.csv">
    <column name="id"         header="工号"/>
    <column name="name"       header="姓名"/>
    <column name="team"       header="团队"/>
    <column name="region"     header="区域"/>
    <column name="role"       header="岗位"/>
    <column name="hire_date"  header="入职日期"/>
    <column name="leave_date" header="离职日期"/>
  </roster>
  <surveys file="客户回访.csv">
    <column name="date"        header="日期"/>
    <column name="customer_id" header="客户编号"/>
    <column name="score"       header="评分"/>
    <column name="comment"     header="意见"/>
  </surveys>
  <activities file="拜访.csv">
    <column name="date"        header="日期"/>
    <column name="rep"         header="销售"/>
    <column name="customer_id" header="客户编号"/>
    <column name="type"        header="方式"/>
    <column name="result"      header="结果"/>
  </activities>
  <actions file="改进.csv">
    <column name="id"        header="编号"/>
    <column name="period"    header="月份"/>
    <column name="team"      header="团队"/>
    <column name="problem"   header="问题"/>
    <column name="action"    header="措施"/>
    <column name="owner"     header="负责人"/>
    <column name="due"       header="截止"/>
    <column name="status"    header="状态"/>
    <column name="done_date" header="完成日期"/>
    <done>已完成</done>
  </actions>
  <calendar file="calendar.csv">
    <column name="date" header="date"/>
    <column name="kind" header="kind"/>
    <column name="name" header="name"/>
  </calendar>
""")


# ---------------------------------------------------------------- shared tables
def write_surveys(out, rng, customers, start, end, n, with_rep, date_style, header):
    rows = []
    days = days_between(start, end)
    for _ in range(n):
        d = rng.choice(days)
        c = rng.choice(customers)
        score = max(1, min(5, round(rng.gauss(3.9, 1.0))))
        row = [fmt_date(d, date_style), c["id"]]
        if with_rep:
            row.append(c["owner"].name if rng.random() < 0.8 else "")
        row += [str(score), rng.choice(COMMENTS)]
        rows.append(row)
    rows.sort(key=lambda r: r[0])
    out.write("客户回访.csv", header, rows)


def write_activities(out, rng, reps, customers, start, end, n, results, weights, header, name):
    rows = []
    days = days_between(start, end)
    for _ in range(n):
        d = rng.choice(days)
        working = [r for r in reps if r.employed(d)]
        r = rng.choice(working)
        c = rng.choice(customers)
        rows.append([f"{d.year}/{d.month}/{d.day}", r.name, c["id"],
                     rng.choices(["电话", "上门拜访", "视频会议", ""], weights=[50, 30, 15, 5])[0],
                     rng.choices(results, weights=weights)[0]])
    out.write(name, header, rows)


def write_actions(out, rng, reps, first_month, last_month, data_end, name, header, month_style):
    rows = []
    k = 0
    teams = sorted({r.team for r in reps})
    for y, m in months_between(first_month, last_month):
        for team in teams:
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                k += 1
                prob, act = rng.choice(PROBLEMS)
                owner = rng.choice([r for r in reps if r.team == team])
                raised = D(y, m, 28)
                due = raised + dt.timedelta(days=rng.choice([10, 20, 35, 50]))
                kind = rng.choices(["date", "status", "open", "nodue", "late"], weights=[45, 12, 20, 8, 15])[0]
                done_s, status, due_s = "", "进行中", due.isoformat()
                if kind == "date":
                    done = due - dt.timedelta(days=rng.randint(-12, 15))
                    done_s, status = done.isoformat(), rng.choice(["已完成", "已完成", "已关闭"])
                elif kind == "status":
                    status = "已完成"
                elif kind == "nodue":
                    due_s = ""
                    status = rng.choice(["进行中", "未开始"])
                elif kind == "late":
                    status = "逾期"
                month = f"{y}-{m:02d}" if month_style == "dash" else f"{y}{m:02d}"
                rows.append([f"GJ-{y % 100:02d}{m:02d}-{k:03d}", month, team, prob, act, owner.name,
                             due_s.replace("-", "/"), status, done_s.replace("-", "/")])
    out.write(name, header, rows)


def variant_shop(out_dir, seed, n_lines):
    """D: a retail export as the world has them — US dollars written "$1,234.50" (some "1,234.50 USD"), four
    regions, no sales reps, no teams, no status, no other table; 2024 (a leap year) to mid-2025."""
    rng = random.Random(seed)
    start, end = D(2024, 1, 2), D(2025, 6, 28)
    regions = ["East", "West", "Central", "South"]
    cats = {"Furniture": ["Chairs", "Tables", "Bookcases"], "Office Supplies": ["Paper", "Binders", "Art"],
            "Technology": ["Phones", "Copiers", "Machines"]}
    rows, k = [], 0
    for d in days_between(start, end):
        for _ in range(rng.randint(0, 2 * n_lines // 540 + 1)):
            k += 1
            cust = f"CU-{rng.randint(1, 120):04d}"
            region = rng.choice(regions)
            for ln in range(rng.randint(1, 3)):
                cat = rng.choice(sorted(cats))
                amt = Decimal(rng.randint(500, 450000)) / 100
                text = f"${amt:,.2f}" if rng.random() < 0.8 else f"{amt:,.2f} USD"
                rows.append([f"US-{d.year}-{k:06d}", d.strftime("%m/%d/%Y") if False else d.isoformat(), cust,
                             region, cat, rng.choice(cats[cat]), text])
    out = Out(out_dir)
    out.write("superstore.csv", ["Order ID", "Order Date", "Customer ID", "Region", "Category", "Sub-Category",
                                 "Sales"], rows)
    write_profile(out_dir, "oracle-shop", """
  <orders file="superstore.csv">
    <column name="order_id"    header="Order ID"/>
    <column name="date"        header="Order Date"/>
    <column name="customer_id" header="Customer ID"/>
    <column name="region"      header="Region"/>
    <column name="category"    header="Category"/>
    <column name="product"     header="Sub-Category"/>
    <column name="amount"      header="Sales"/>
  </orders>
""", currency="USD")


def write_profile(out_dir, name, body, currency=None):
    cur = f' currency="{currency}"' if currency else ""
    with open(os.path.join(out_dir, "profile.xml"), "w", encoding="utf-8") as fh:
        fh.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<profile name="{name}" encoding="auto"{cur}>\n'
                 f'  <description>oracle test export ({name})</description>{body}</profile>\n')


VARIANTS = {
    "full": (variant_full, 1601, 3200),
    "minimal": (variant_minimal, 2108, 2500),
    "people": (variant_people, 2020, 3000),
    "shop": (variant_shop, 2024, 2500),
}


def generate(variant, out_dir, seed=None, lines=None):
    fn, default_seed, default_lines = VARIANTS[variant]
    os.makedirs(out_dir, exist_ok=True)
    fn(out_dir, default_seed if seed is None else seed, default_lines if lines is None else lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variant", choices=sorted(VARIANTS))
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, help="random seed (default: the variant's own)")
    ap.add_argument("--lines", type=int, help="about this many order lines (default ~3000)")
    a = ap.parse_args()
    generate(a.variant, a.out_dir, a.seed, a.lines)


if __name__ == "__main__":
    main()
