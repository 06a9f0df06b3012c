/* Tests of the manager's notes file (notes.c): front matter, parts, paragraphs, lists, bold, line
 * endings and byte order marks, and every mistake named with its line. */
#include "testutil.h"

#include "notes.h"

static fp_notes *parse(const char *text, fp_error *e)
{
    fp_notes *n = NULL;
    if (fp_notes_parse("n.md", text, strlen(text), &n, e) != FP_OK)
        return NULL;
    return n;
}

static void parts_meta_paragraphs_lists(void **state)
{
    (void)state;
    fp_error e = {0};
    fp_notes *n = parse("---\nauthor: 陈立峰\nrole: 华东一组 团队经理\n---\n"
                        "# problems 本月发现的问题\n"
                        "第一段，\n接着第一段。\n\n第二段有**加粗**的字。\n\n"
                        "- 要点一\n* 要点二\n\n"
                        "# plans 下月规划\n1. 第一步\n2. 第二步\n",
                        &e);
    if (!n)
        fail_msg("%s", e.msg);
    assert_string_equal(fp_notes_meta(n, "author"), "陈立峰");
    assert_string_equal(fp_notes_meta(n, "role"), "华东一组 团队经理");
    assert_null(fp_notes_meta(n, "nothing"));
    assert_int_equal(n->nparts, 2);
    const fp_notes_part *p = fp_notes_find(n, "problems");
    assert_non_null(p);
    assert_string_equal(p->title, "本月发现的问题");
    assert_int_equal(p->line, 5);
    /* two paragraphs (lines of one paragraph joined) and a list of two */
    assert_int_equal(p->body->nkids, 3);
    const fp_node *p1 = p->body->kids[0], *p2 = p->body->kids[1], *l = p->body->kids[2];
    assert_int_equal(p1->type, FP_NODE_PARAGRAPH);
    assert_int_equal(p1->spans.n, 1);
    assert_string_equal(p1->spans.v[0].text, "第一段，接着第一段。"); /* Chinese lines join without a space */
    assert_int_equal(p2->spans.n, 3);
    assert_false(p2->spans.v[0].bold);
    assert_true(p2->spans.v[1].bold);
    assert_string_equal(p2->spans.v[1].text, "加粗");
    assert_int_equal(l->type, FP_NODE_LIST);
    assert_false(l->ordered);
    assert_int_equal(l->nkids, 2);
    const fp_notes_part *q = fp_notes_find(n, "plans");
    assert_non_null(q);
    assert_true(q->body->kids[0]->ordered);
    assert_int_equal(q->body->kids[0]->nkids, 2);
    assert_null(fp_notes_find(n, "absent"));
    fp_notes_free(n);
}

static void crlf_bom_and_no_front_matter(void **state)
{
    (void)state;
    fp_error e = {0};
    fp_notes *n = parse("\xEF\xBB\xBF# a\r\n文字\r\n\r\n- 一\r\n", &e);
    if (!n)
        fail_msg("%s", e.msg);
    assert_int_equal(n->nmeta, 0);
    const fp_notes_part *p = fp_notes_find(n, "a");
    assert_non_null(p);
    assert_string_equal(p->body->kids[0]->spans.v[0].text, "文字");
    assert_int_equal(p->body->kids[1]->nkids, 1);
    fp_notes_free(n);
    n = parse("", &e);
    assert_non_null(n);
    assert_int_equal(n->nparts, 0);
    fp_notes_free(n);
}

static void mistakes_name_their_line(void **state)
{
    (void)state;
    fp_error e = {0};
    assert_null(parse("---\nauthor: 张三\n---\n# plans\nx\n# plans\ny\n", &e));
    assert_contains(e.msg, "n.md:6: the part \"plans\" appears twice (first at line 4)");
    assert_null(parse("---\nauthor 张三\n---\n# a\nx\n", &e));
    assert_contains(e.msg, "n.md:2: between the \"---\" lines, write key: value (found \"author 张三\")");
    assert_null(parse("no part yet\n# a\nx\n", &e));
    assert_contains(e.msg, "n.md:1: text before the first part");
    assert_null(parse("---\nauthor: x\n", &e));
    assert_contains(e.msg, "never closed");
    assert_null(parse("# a\nbad \xff byte\n", &e));
    assert_contains(e.msg, "n.md:2: the notes file must be UTF-8");
    /* a missing file */
    fp_notes *n = NULL;
    assert_int_not_equal(fp_notes_load("/nonexistent/notes.md", &n, &e), FP_OK);
    assert_contains(e.msg, "/nonexistent/notes.md");
}

/* found by fuzz_notes: a paragraph whose first line is only markup, continued on the next line */
static void markup_only_first_line(void **state)
{
    (void)state;
    fp_error e = {0};
    fp_notes *n = parse("# a\n****\nnext line\n", &e);
    if (!n)
        fail_msg("%s", e.msg);
    const fp_notes_part *p = fp_notes_find(n, "a");
    assert_non_null(p);
    assert_string_equal(p->body->kids[0]->spans.v[0].text, "next line");
    fp_notes_free(n);
    /* and the fuzzer's own input parses or fails cleanly */
    char *crash = tu_read_src("tests/fuzz/corpus/fuzz_notes/crash-empty-span-paragraph");
    assert_non_null(crash);
    struct stat st;
    char *path = tu_path("tests/fuzz/corpus/fuzz_notes/crash-empty-span-paragraph");
    assert_int_equal(stat(path, &st), 0);
    n = NULL;
    if (fp_notes_parse("crash.md", crash, (size_t)st.st_size, &n, &e) == FP_OK)
        fp_notes_free(n);
    free(path);
    free(crash);
}

/* the text of a paragraph or item, its spans joined (a static buffer) */
static const char *joined(const fp_node *n)
{
    static char b[2048];
    b[0] = 0;
    for (size_t i = 0; i < n->spans.n; i++)
        strncat(b, n->spans.v[i].text, sizeof b - strlen(b) - 1);
    return b;
}

/* the shipped sample notes, read from disk: their parts, lines, lists and scores as written in the files */
static void sample_notes_files(void **state)
{
    (void)state;
    char *p = tu_path("samples/notes/华东一组-2026-10.md");
    fp_notes *n = NULL;
    fp_error e = {0};
    if (fp_notes_load(p, &n, &e) != FP_OK)
        fail_msg("%s", e.msg);
    assert_string_equal(n->path, p);
    assert_string_equal(fp_notes_meta(n, "author"), "陈立峰");
    assert_string_equal(fp_notes_meta(n, "role"), "华东一组 团队经理");
    assert_int_equal(n->nparts, 2);
    const fp_notes_part *pr = fp_notes_find(n, "problems"), *pl = fp_notes_find(n, "plans");
    assert_true(pr && pl);
    assert_int_equal(pr->line, 5);
    assert_int_equal(pl->line, 14);
    assert_string_equal(pl->title, "下月规划");
    /* problems: a paragraph and four bullets, the first three starting in bold */
    assert_int_equal(pr->body->nkids, 2);
    const fp_node *l = pr->body->kids[1];
    assert_true(l->type == FP_NODE_LIST && !l->ordered && l->nkids == 4);
    for (int i = 0; i < 3; i++)
        assert_true(l->kids[i]->spans.v[0].bold);
    assert_string_equal(l->kids[0]->spans.v[0].text, "解决方案类产品本月零成交");
    assert_false(l->kids[3]->spans.v[0].bold);
    /* plans: a paragraph and four numbered items */
    assert_int_equal(pl->body->nkids, 2);
    assert_true(pl->body->kids[1]->ordered && pl->body->kids[1]->nkids == 4);
    assert_int_equal(strncmp(joined(pl->body->kids[1]->kids[3]), "回款专项：", strlen("回款专项：")), 0);
    fp_notes_free(n);
    free(p);
    /* the review's 点评: six dimensions, scores and comments */
    p = tu_path("samples/notes/陈立峰-2026-述职.md");
    if (fp_notes_load(p, &n, &e) != FP_OK)
        fail_msg("%s", e.msg);
    assert_int_equal(n->nparts, 5);
    assert_int_equal(fp_notes_find(n, "scores")->line, 29);
    assert_int_equal(n->nscores, 6);
    assert_string_equal(n->scores[0].dimension, "业绩表现");
    assert_true(n->scores[0].score == 4.2);
    assert_string_equal(n->scores[0].comment, "同比增长明显，但 9、10 月连续未达成目标");
    assert_string_equal(n->scores[5].dimension, "执行力");
    assert_true(n->scores[5].score == 4.1);
    fp_notes_free(n);
    free(p);
}

static void front_matter_details(void **state)
{
    (void)state;
    fp_error e = {0};
    /* BOM, CRLF, blank lines before "---", values with colons, empty values, # comments, blank lines */
    fp_notes *n = parse("\xEF\xBB\xBF\r\n---\r\nauthor:  张 三 \r\ntime: 10:30\r\n# a comment\r\n\r\nempty:\r\n---\r\n"
                        "# plans 下月 规划 \r\n正文\r\n---\r\n",
                        &e);
    if (!n)
        fail_msg("%s", e.msg);
    assert_int_equal(n->nmeta, 3);
    assert_string_equal(fp_notes_meta(n, "author"), "张 三");
    assert_string_equal(fp_notes_meta(n, "time"), "10:30");
    assert_string_equal(fp_notes_meta(n, "empty"), "");
    /* lines count from the first, BOM or not; the title keeps inner spaces, loses the CR */
    const fp_notes_part *p = fp_notes_find(n, "plans");
    assert_int_equal(p->line, 9);
    assert_string_equal(p->title, "下月 规划");
    /* a "---" after the front matter is text */
    assert_int_equal(p->body->nkids, 1);
    assert_string_equal(joined(p->body->kids[0]), "正文---");
    fp_notes_free(n);
    /* front matter and no part; only blank lines: no parts, no meta */
    n = parse("---\nauthor: x\n---\n", &e);
    assert_true(n && n->nmeta == 1 && n->nparts == 0);
    fp_notes_free(n);
    n = parse(" \n\t\r\n\n", &e);
    assert_true(n && n->nmeta == 0 && n->nparts == 0);
    fp_notes_free(n);
    /* nothing to look up in no notes at all (a report without --notes) */
    assert_null(fp_notes_find(NULL, "plans"));
    assert_null(fp_notes_meta(NULL, "author"));
}

static void lists_paragraphs_bold(void **state)
{
    (void)state;
    fp_error e = {0};
    fp_notes *n = parse("# a\n- one\n* two\n+ three\n1. n1\n2) n2\n- back\n  continued\n-x\n"
                        "\nabc\ndef\n中文\n接着\n\n## not a part\n#nospace\na **b** c **d**\n",
                        &e);
    if (!n)
        fail_msg("%s", e.msg);
    const fp_node *b = fp_notes_find(n, "a")->body;
    assert_int_equal(b->nkids, 6);
    /* -, * and + make one bulleted list; "1." and "2)" a numbered one; a bullet after it a new list,
     * whose item an indented line continues */
    assert_true(b->kids[0]->type == FP_NODE_LIST && !b->kids[0]->ordered && b->kids[0]->nkids == 3);
    assert_string_equal(joined(b->kids[0]->kids[2]), "three");
    assert_true(b->kids[1]->ordered && b->kids[1]->nkids == 2);
    assert_string_equal(joined(b->kids[1]->kids[1]), "n2");
    assert_true(!b->kids[2]->ordered && b->kids[2]->nkids == 1);
    assert_string_equal(joined(b->kids[2]->kids[0]), "back continued");
    /* "-x" has no space: a paragraph */
    assert_int_equal(b->kids[3]->type, FP_NODE_PARAGRAPH);
    assert_string_equal(joined(b->kids[3]), "-x");
    /* Latin lines join with a space, Chinese ones without */
    assert_string_equal(joined(b->kids[4]), "abc def中文接着");
    /* "##" and "#x" are text; bold spans alternate */
    const fp_node *last = b->kids[5];
    assert_int_equal(last->spans.n, 4);
    assert_string_equal(last->spans.v[0].text, "## not a part #nospace a ");
    assert_true(last->spans.v[1].bold && last->spans.v[3].bold && !last->spans.v[2].bold);
    assert_string_equal(last->spans.v[3].text, "d");
    fp_notes_free(n);
}

static void part_names_and_lines(void **state)
{
    (void)state;
    fp_error e = {0};
    /* names: letters, digits, _ and -, starting with a letter or _ */
    fp_notes *n = parse("# a-b_1 标题\nx\n# _x\ny\n# empty\n", &e);
    if (!n)
        fail_msg("%s", e.msg);
    assert_int_equal(n->nparts, 3);
    assert_string_equal(n->parts[0].name, "a-b_1");
    assert_string_equal(n->parts[0].title, "标题");
    assert_string_equal(n->parts[2].title, "");
    assert_int_equal(fp_notes_find(n, "empty")->body->nkids, 0);
    fp_notes_free(n);
    assert_null(parse("# a\nx\n# 问题\ny\n", &e));
    assert_contains(e.msg, "n.md:3: a part starts with \"# name\", the name in letters, digits, _ or - (found \"问题\")");
    assert_null(parse("# 1abc\n", &e));
    assert_contains(e.msg, "n.md:1: a part starts with \"# name\"");
    assert_contains(e.msg, "(found \"1abc\")");
    /* "#a" is not a part: text before the first */
    assert_null(parse("\n#a\n", &e));
    assert_contains(e.msg, "n.md:2: text before the first part");
    /* the lines are the file's, with CRLF and a BOM, after a front matter */
    assert_null(parse("\xEF\xBB\xBF---\r\nauthor: x\r\n---\r\n# a\r\nx\r\n\r\n# a\r\n", &e));
    assert_string_equal(e.msg, "n.md:7: the part \"a\" appears twice (first at line 4)");
    assert_null(parse("# a\r\nok\r\n\r\nbad \xc3\x28\r\n", &e));
    assert_string_equal(e.msg, "n.md:4: the notes file must be UTF-8 (byte \\xC3 is not)");
    assert_null(parse("\n---\nauthor: x\n", &e));
    assert_string_equal(e.msg, "n.md: the \"---\" block at the top is never closed");
}

static void scores_part(void **state)
{
    (void)state;
    fp_error e = {0};
    /* "维度 | 分数 | 评语", the comment optional; a paragraph in the part is not a score */
    fp_notes *n = parse("# scores 点评\n- 沟通 | 85 | 表达清楚\n- 执行|90\n\n一段文字 | 不是分数\n", &e);
    if (!n)
        fail_msg("%s", e.msg);
    assert_int_equal(n->nscores, 2);
    assert_string_equal(n->scores[0].dimension, "沟通");
    assert_true(n->scores[0].score == 85);
    assert_string_equal(n->scores[0].comment, "表达清楚");
    assert_string_equal(n->scores[1].dimension, "执行");
    assert_true(n->scores[1].score == 90);
    assert_string_equal(n->scores[1].comment, "");
    fp_notes_free(n);
    /* a score that is not a number from 0 to 100; no score at all */
    static const char *const bad[] = {"- 沟通 | 八十五 | 好", "- 沟通 | 101", "- 沟通 | -1", "- 沟通"};
    for (int i = 0; i < 4; i++) {
        char text[200];
        snprintf(text, sizeof text, "# scores\n%s\n", bad[i]);
        assert_null(parse(text, &e));
        assert_contains(e.msg, "n.md:");
        assert_contains(e.msg, "in the part \"scores\", write each dimension as \"- 维度 | 分数 | 评语\"");
        assert_contains(e.msg, bad[i] + 2); /* the item as found */
    }
}

static void limits_and_files(void **state)
{
    (void)state;
    fp_error e = {0};
    size_t big = FP_MAX_NOTES_BYTES + 1;
    char *b = malloc(big);
    memset(b, 'x', big);
    fp_notes *n = NULL;
    assert_int_equal(fp_notes_parse("big.md", b, big, &n, &e), FP_ERR_INPUT);
    assert_string_equal(e.msg, "big.md: 4194305 bytes is too large for a notes file (limit 4 MB)");
    assert_null(n);
    free(b);
    /* from disk: a folder is refused; an empty file is no notes, not an error */
    char *dir = tu_tmpdir();
    assert_int_equal(fp_notes_load(dir, &n, &e), FP_ERR_INPUT);
    assert_contains(e.msg, "the notes file is not a regular file");
    tu_writes(dir, "empty.md", "");
    char path[1200];
    snprintf(path, sizeof path, "%s/empty.md", dir);
    assert_int_equal(fp_notes_load(path, &n, &e), FP_OK);
    assert_int_equal(n->nparts, 0);
    fp_notes_free(n);
    /* a mistake in a file on disk names that file */
    tu_writes(dir, "dup.md", "# a\n# a\n");
    snprintf(path, sizeof path, "%s/dup.md", dir);
    assert_int_equal(fp_notes_load(path, &n, &e), FP_ERR_INPUT);
    char want[1300];
    snprintf(want, sizeof want, "%s:2: the part \"a\" appears twice (first at line 1)", path);
    assert_string_equal(e.msg, want);
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parts_meta_paragraphs_lists),
        cmocka_unit_test(crlf_bom_and_no_front_matter),
        cmocka_unit_test(mistakes_name_their_line),
        cmocka_unit_test(markup_only_first_line),
        cmocka_unit_test(sample_notes_files),
        cmocka_unit_test(front_matter_details),
        cmocka_unit_test(lists_paragraphs_bold),
        cmocka_unit_test(part_names_and_lines),
        cmocka_unit_test(scores_part),
        cmocka_unit_test(limits_and_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
