/* Tests of linebreak.c: Chinese breaks anywhere but by the 避头尾 rules, Latin words and numbers stay
 * whole, greedy filling, forced breaks. Every character is 10 wide here (a space 5), so line widths
 * are easy to count. */
#include "testutil.h"
#include "linebreak.h"
#include "util.h"

static size_t items(const char *s, fp_lb_item *it)
{
    size_t n = 0;
    while (*s) {
        uint32_t cp = fp_utf8_next(&s);
        it[n].cp = cp;
        it[n].w = cp == ' ' ? 5 : 10;
        n++;
    }
    return n;
}

/* lines of s at width w, as text joined by '|' */
static char *lines_keep(const char *s, int64_t w, bool keep_han)
{
    fp_lb_item it[512];
    size_t n = items(s, it);
    fp_lb_line ln[513];
    size_t nl = fp_linebreak_keep(it, n, w, keep_han, ln);
    fp_buf b;
    fp_buf_init(&b);
    for (size_t i = 0; i < nl; i++) {
        if (i)
            fp_buf_addc(&b, '|');
        for (size_t k = ln[i].start; k < ln[i].end; k++) {
            char u[5];
            uint32_t c = it[k].cp;
            int m = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (m == 1)
                u[0] = (char)c;
            else if (m == 2) {
                u[0] = (char)(0xC0 | c >> 6);
                u[1] = (char)(0x80 | (c & 0x3F));
            } else if (m == 3) {
                u[0] = (char)(0xE0 | c >> 12);
                u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
                u[2] = (char)(0x80 | (c & 0x3F));
            } else {
                u[0] = (char)(0xF0 | c >> 18);
                u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
                u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
                u[3] = (char)(0x80 | (c & 0x3F));
            }
            fp_buf_add(&b, u, (size_t)m);
        }
    }
    return fp_buf_steal(&b);
}

static char *lines(const char *s, int64_t w)
{
    return lines_keep(s, w, false);
}

#define LINES(s, w, want)                                                                              \
    do {                                                                                               \
        char *got_ = lines(s, w);                                                                      \
        if (strcmp(got_, want))                                                                        \
            fail_msg("lines(\"%s\", %d) = \"%s\", want \"%s\"", s, (int)(w), got_, want);              \
        free(got_);                                                                                    \
    } while (0)

static void chinese_breaks_between_characters(void **state)
{
    (void)state;
    LINES("销售管理月度总结", 40, "销售管理|月度总结");
    LINES("销售管理月度总结", 35, "销售管|理月度|总结");
}

static void closing_punctuation_never_starts_a_line(void **state)
{
    (void)state;
    /* 5 per line would put ， first on line 2: 达 moves down with it */
    LINES("本月目标达，成率高", 50, "本月目标|达，成率高");
    /* （ does not end line 1; ） does not start line 3: 款 moves down with it */
    LINES("完成率（含退款）。好", 40, "完成率|（含退|款）。好");
    LINES("增长”了。", 20, "增|长”|了。");
}

static void opening_punctuation_never_ends_a_line(void **state)
{
    (void)state;
    /* 《 stays with 销; 》 stays with 售 */
    LINES("本月《销售》总结", 30, "本月|《销|售》总|结");
    LINES("本月《销售》总结", 40, "本月《销|售》总结");
    LINES("本月《销售》总结", 25, "本月|《销|售》|总结");
}

static void latin_words_and_numbers_stay_whole(void **state)
{
    (void)state;
    LINES("sales grew 1,234.50 yuan", 100, "sales grew|1,234.50|yuan");
    LINES("达成94.3%的目标", 60, "达成|94.3%的|目标");
    LINES("客单价¥856元", 60, "客单价|¥856元");
    LINES("CRM专业版", 50, "CRM专业|版");
    LINES("CRM专业版", 35, "CRM|专业版");
    LINES("CRM专业版", 25, "CR|M专|业版");
    LINES("f(x) and state-of-the-art", 120, "f(x) and|state-of-|the-art");
}

static void long_runs_are_cut_and_spaces_hang(void **state)
{
    (void)state;
    LINES("abcdefghij", 30, "abc|def|ghi|j");
    LINES("ab    cd", 20, "ab|cd");
    LINES("", 50, "");
    LINES("一\n二三\n", 100, "一|二三|");
    LINES("x", 1, "x"); /* a line always holds one character */
}

static void widths_exclude_trailing_spaces(void **state)
{
    (void)state;
    fp_lb_item it[16];
    size_t n = items("ab cd", it);
    fp_lb_line ln[17];
    assert_int_equal(fp_linebreak(it, n, 30, ln), 2);
    assert_int_equal(ln[0].width, 20);
    assert_int_equal(ln[1].start, 3);
    assert_int_equal(ln[1].width, 20);
    assert_int_equal(fp_linebreak(it, n, 100, ln), 1);
    assert_int_equal(ln[0].width, 45);
}

/* issue 14.1: a number never breaks from its unit (元, 万元, 亿元, %, 个百分点) or a following measure word
 * (天, 家, 次, 笔, 个, 人, 项), even across one typed space */
static void numbers_keep_their_units(void **state)
{
    (void)state;
    LINES("销售额98.31万元。", 90, "销售额|98.31万元。");
    LINES("差 25.63万元，好", 80, "差|25.63万元，|好");
    LINES("逾期 78 天了", 55, "逾期|78 天了");
    LINES("拜访（4次）", 50, "拜访|（4次）");
    LINES("实际4家", 30, "实际|4家");
    LINES("落后4.5个百分点", 80, "落后|4.5个百分点");
    LINES("共1.59亿元", 60, "共|1.59亿元");
    LINES("2026年10月31日", 60, "2026年|10月31日"); /* dates: each number keeps its 年 月 日 */
    /* a number without a unit, and a unit after text, break as before */
    LINES("编号98765之后", 60, "编号|98765之|后");
    LINES("今天天气", 30, "今天天|气");
    /* the table and the line filler agree */
    fp_lb_item it[32];
    size_t n = items("差25.63万元", it);
    bool ok[32];
    fp_lb_breaks(it, n, ok);
    assert_true(ok[1]);      /* 差|2 */
    assert_false(ok[6]);     /* 3|万 */
    assert_false(ok[7]);     /* 万|元 */
}

static void break_table(void **state)
{
    (void)state;
    assert_true(fp_lb_can_break('a', ' ', 'b'));
    assert_false(fp_lb_can_break(0, 'a', 'b'));
    assert_false(fp_lb_can_break('1', ',', '2'));
    assert_true(fp_lb_can_break(0, 0x9500, 0x552E));
    assert_false(fp_lb_can_break(0, 0x9500, 0xFF0C)); /* 销， */
    assert_false(fp_lb_can_break(0, 0x300A, 0x9500)); /* 《销 */
    assert_true(fp_lb_can_break(0, 0xFF0C, 'a'));
    assert_true(fp_lb_can_break('b', 'c', 0x9500));
}

/* an English text keeps a Chinese name whole, as it keeps an English word; a paragraph in Chinese (with its
 * punctuation, or mostly Han) is Chinese prose and breaks as Chinese */
static void english_keeps_chinese_names_whole(void **state)
{
    (void)state;
    /* "The largest customer was 苏州启航云图实业有限公司 with" at 300: the name moves down whole */
    char *got = lines_keep("The largest customer was 苏州启航云图实业有限公司 with", 300, true);
    assert_string_equal(got, "The largest customer was|苏州启航云图实业有限公司 with");
    free(got);
    got = lines_keep("The largest customer was 苏州启航云图实业有限公司 with", 300, false);
    assert_string_equal(got, "The largest customer was 苏州启航云图实|业有限公司 with");
    free(got);
    /* a name longer than the line is still cut where it must be */
    got = lines_keep("see 一二三四五六七八九十 now", 60, true);
    assert_string_equal(got, "see|一二三四五六|七八九十|now");
    free(got);
    fp_lb_item it[128];
    size_t n = items("6 actions are overdue: 西南一组: 新团队客户基础薄弱 (邓凯, 307 days)", it);
    assert_false(fp_lb_mostly_han(it, n));
    n = items("十月有国庆长假，有效工作日只有 18 天", it);
    assert_true(fp_lb_mostly_han(it, n));
    n = items("会议大屏推广计划 Q4", it);
    assert_true(fp_lb_mostly_han(it, n));
    n = items("华东一组", it);
    assert_true(fp_lb_mostly_han(it, n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chinese_breaks_between_characters),
        cmocka_unit_test(closing_punctuation_never_starts_a_line),
        cmocka_unit_test(opening_punctuation_never_ends_a_line),
        cmocka_unit_test(latin_words_and_numbers_stay_whole),
        cmocka_unit_test(long_runs_are_cut_and_spaces_hang),
        cmocka_unit_test(widths_exclude_trailing_spaces),
        cmocka_unit_test(numbers_keep_their_units),
        cmocka_unit_test(break_table),
        cmocka_unit_test(english_keeps_chinese_names_whole),
    };
    return cmocka_run_group_tests_name("linebreak", tests, NULL, NULL);
}
