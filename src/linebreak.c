/* linebreak.c — break opportunities by character class, and greedy line filling. */
#include "linebreak.h"
#include "util.h"

#include <stdlib.h>

enum cls { C_ALNUM, C_SPACE, C_OPEN, C_CLOSE, C_IDEO, C_BREAK };

static bool member(uint32_t cp, const uint32_t *set)
{
    for (; *set; set++)
        if (*set == cp)
            return true;
    return false;
}

/* characters a line may not start with */
static const uint32_t CLOSE[] = {
    ',', '.', ';', ':', '!', '?', ')', ']', '}', '%', 0x2019 /* ’ */, 0x201D /* ” */, 0x2026 /* … */,
    0x2030 /* ‰ */, 0x2103 /* ℃ */, 0x3001 /* 、 */, 0x3002 /* 。 */, 0x3009 /* 〉 */, 0x300B /* 》 */,
    0x300D /* 」 */, 0x300F /* 』 */, 0x3011 /* 】 */, 0x3015 /* 〕 */, 0x3017, 0x3019, 0x301B, 0x301E, 0x301F,
    0x3005 /* 々 */, 0x309D, 0x309E, 0x30FC /* ー */, 0x30FD, 0x30FE, 0x30FB /* ・ */, 0xFF01 /* ！ */,
    0xFF09 /* ） */, 0xFF0C /* ， */, 0xFF0E /* ． */, 0xFF1A /* ： */, 0xFF1B /* ； */, 0xFF1F /* ？ */,
    0xFF3D /* ］ */, 0xFF5D /* ｝ */, 0xFF5E /* ～ */, 0xFF05 /* ％ */, 0x00BB /* » */, 0x00B0 /* ° */, 0};

/* characters a line may not end with */
static const uint32_t OPEN[] = {'(', '[', '{', 0x2018 /* ‘ */, 0x201C /* “ */, 0x3008 /* 〈 */, 0x300A /* 《 */,
                                0x300C /* 「 */, 0x300E /* 『 */, 0x3010 /* 【 */, 0x3014 /* 〔 */, 0x3016, 0x3018,
                                0x301A, 0x301D, 0xFF08 /* （ */, 0xFF3B /* ［ */, 0xFF5B /* ｛ */, 0x00AB /* « */,
                                0x00A5 /* ¥ */, 0xFFE5 /* ￥ */, '$', 0};

static enum cls cls(uint32_t cp)
{
    /* the common cases first, before the scans of CLOSE and OPEN (none of which is a letter, a digit or a
     * CJK unified ideograph) */
    if (cp >= 0x4E00 && cp <= 0x9FFF)
        return C_IDEO;
    if ((cp | 0x20) - 'a' < 26 || cp - '0' < 10)
        return C_ALNUM;
    if (cp == '\n')
        return C_BREAK;
    if (cp == ' ' || cp == '\t')
        return C_SPACE;
    if (member(cp, CLOSE))
        return C_CLOSE;
    if (member(cp, OPEN))
        return C_OPEN;
    if ((cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF))
        return C_IDEO;
    return C_ALNUM;
}

static bool wide(uint32_t cp)
{
    return cp >= 0x2E80;
}

bool fp_lb_can_break(uint32_t prev, uint32_t a, uint32_t b)
{
    enum cls ca = cls(a), cb = cls(b);
    if (ca == C_BREAK)
        return true;
    if (cb == C_CLOSE || cb == C_SPACE || cb == C_BREAK)
        return false; /* 避头: never before closing punctuation; spaces stay with the line before */
    if (ca == C_OPEN)
        return false; /* 避尾: never after opening punctuation */
    if (ca == C_SPACE)
        return true;
    if (ca == C_IDEO || cb == C_IDEO)
        return true;
    if (ca == C_CLOSE)
        return wide(a); /* after ，。 yes; after the "," of 1,234 no */
    if (cb == C_OPEN)
        return wide(b) || (b == '(' && prev == 0); /* before （《 yes; inside f(x) no */
    /* two alphanumerics: only after a hyphen inside a word */
    return a == '-' && cls(prev) == C_ALNUM && prev != '-' && !(b >= '0' && b <= '9');
}

/* units and measure words that stay with the number before them, longest first */
static const char *const UNITS[] = {
    "个百分点", "万美元", "亿美元", "百分点", "万元", "亿元", "美元", "个月", "小时", "季度", "元", "万", "亿",
    "天", "家", "次", "笔", "个", "人", "项", "分", "倍", "周", "名", "位", "件", "单", "年", "月", "日", "号", "岁",
    "%", "\xEF\xBC\x85" /* ％ */, NULL};

static bool digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

/* the length in code points of unit u if cp[0..n) starts with it, else 0 */
static size_t starts_with(const uint32_t *cp, size_t n, const char *u)
{
    size_t k = 0;
    while (*u) {
        uint32_t c = fp_utf8_next(&u);
        if (k >= n || cp[k] != c)
            return 0;
        k++;
    }
    return k;
}

size_t fp_lb_number_unit(const uint32_t *cp, size_t n)
{
    if (n == 0 || !digit(cp[0]))
        return 0;
    size_t k = 1;
    while (k < n && (digit(cp[k]) || ((cp[k] == '.' || cp[k] == ',') && k + 1 < n && digit(cp[k + 1]))))
        k++;
    size_t at = k < n && cp[k] == ' ' ? k + 1 : k;
    for (size_t u = 0; UNITS[u]; u++) {
        size_t m = starts_with(cp + at, n - at, UNITS[u]);
        if (m)
            return at + m;
    }
    return 0;
}

bool fp_lb_mostly_han(const fp_lb_item *it, size_t n)
{
    size_t han = 0, latin = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = it[i].cp;
        /* Chinese sentence punctuation: a sentence written in Chinese */
        if (c == 0x3001 || c == 0x3002 || c == 0xFF0C || c == 0xFF1B || c == 0xFF1A || c == 0xFF01 || c == 0xFF1F)
            return true;
        han += fp_lb_han(c);
        latin += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    return han > 3 * latin;
}

bool fp_lb_han(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

void fp_lb_breaks(const fp_lb_item *it, size_t n, bool *ok)
{
    fp_lb_breaks_keep(it, n, false, ok);
}

void fp_lb_breaks_keep(const fp_lb_item *it, size_t n, bool keep_han, bool *ok)
{
    uint32_t win[40];
    size_t glue_start = 0, glue_end = 0; /* breaks inside (glue_start, glue_end) are not allowed */
    for (size_t i = 0; i < n; i++) {
        ok[i] = i > 0 && fp_lb_can_break(i >= 2 ? it[i - 2].cp : 0, it[i - 1].cp, it[i].cp);
        if (i >= glue_end && digit(it[i].cp) && (i == 0 || !(digit(it[i - 1].cp) || it[i - 1].cp == '.' ||
                                                            it[i - 1].cp == ','))) {
            size_t m = 0;
            while (m < 40 && i + m < n)
                win[m] = it[i + m].cp, m++;
            size_t len = fp_lb_number_unit(win, m);
            if (len)
                glue_start = i, glue_end = i + len;
        }
        if (i > glue_start && i < glue_end)
            ok[i] = false;
        if (keep_han && i > 0 && fp_lb_han(it[i - 1].cp) && fp_lb_han(it[i].cp))
            ok[i] = false;
    }
}

size_t fp_linebreak(const fp_lb_item *it, size_t n, int64_t max_w, fp_lb_line *lines)
{
    return fp_linebreak_keep(it, n, max_w, false, lines);
}

size_t fp_linebreak_keep(const fp_lb_item *it, size_t n, int64_t max_w, bool keep_han, fp_lb_line *lines)
{
    bool *ok = fp_xmalloc(n ? n : 1);
    fp_lb_breaks_keep(it, n, keep_han, ok);
    size_t nl = 0, start = 0;
    while (start < n || nl == 0) {
        /* skip spaces at the start of a line (not the first) */
        if (nl > 0)
            while (start < n && cls(it[start].cp) == C_SPACE)
                start++;
        if (start >= n && nl > 0)
            break;
        int64_t w = 0;
        size_t i = start, brk = 0; /* brk: the best break so far (0: none) */
        int64_t brk_w = 0;
        bool forced = false;
        for (; i < n; i++) {
            if (it[i].cp == '\n') {
                forced = true;
                break;
            }
            /* a break before item i, if allowed */
            if (i > start && ok[i]) {
                brk = i;
                brk_w = w;
            }
            int64_t nw = w + it[i].w;
            if (nw > max_w && i > start && cls(it[i].cp) != C_SPACE)
                break;
            w = nw;
        }
        size_t end;
        if (forced || i >= n) {
            end = i;
        } else if (brk > start) {
            end = brk;
            w = brk_w;
        } else {
            /* nothing fits but a run longer than the line: cut it, keeping at least one character */
            end = i > start ? i : start + 1;
            w = 0;
            for (size_t k = start; k < end; k++)
                w += it[k].w;
        }
        /* spaces at the end of the line do not count */
        size_t vis = end;
        while (vis > start && cls(it[vis - 1].cp) == C_SPACE) {
            vis--;
            w -= it[vis].w;
        }
        lines[nl++] = (fp_lb_line){start, vis, w};
        start = forced ? end + 1 : end;
        if (forced && start >= n) {
            lines[nl++] = (fp_lb_line){start, start, 0}; /* a final newline makes an empty last line */
            break;
        }
    }
    free(ok);
    return nl;
}

bool fp_lb_closing_mark(uint32_t c)
{
    return c == 0xFF0C || c == 0x3002 || c == 0x3001 || c == 0xFF1B || c == 0xFF1A || c == 0xFF09 || c == 0x300D ||
           c == 0x300F || c == 0x300B || c == 0x3011 || c == 0x3009;
}

bool fp_lb_opening_mark(uint32_t c)
{
    return c == 0xFF08 || c == 0x300C || c == 0x300E || c == 0x300A || c == 0x3010 || c == 0x3008;
}
