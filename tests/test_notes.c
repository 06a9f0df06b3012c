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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parts_meta_paragraphs_lists),
        cmocka_unit_test(crlf_bom_and_no_front_matter),
        cmocka_unit_test(mistakes_name_their_line),
        cmocka_unit_test(markup_only_first_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
