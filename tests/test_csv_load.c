/* Tests of csv_load.c: typed columns from any column order, the values users write, every bad-input
 * message (file, line, column, text found), exact line numbers, and the parallel loader giving exactly
 * what the sequential one gives. */
#include "testutil.h"
#include "csv_load.h"
#include "util.h"

#include <iconv.h>
#include <math.h>

static char *dir;
static char *schema;

static int setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    schema = tu_path("templates/profile.rng");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmrf(dir);
    free(dir);
    free(schema);
    return 0;
}

/* The orders mapping most tests use: Chinese headers, status optional. */
static const char *PROFILE = "<profile><orders file=\"o.csv\">"
                             "<column name=\"order_id\" header=\"单号\"/>"
                             "<column name=\"date\" header=\"日期\"/>"
                             "<column name=\"customer_id\" header=\"客户\"/>"
                             "<column name=\"rep\" header=\"销售\"/>"
                             "<column name=\"amount\" header=\"金额|成交金额\"/>"
                             "<column name=\"channel\" header=\"渠道\"/>"
                             "<column name=\"discount\" header=\"折扣\"/>"
                             "<column name=\"quantity\" header=\"数量\"/>"
                             "</orders></profile>";

typedef struct loaded {
    fp_profile *prof;
    fp_dict *dicts[FP_DOM_COUNT];
    fp_table t;
    fp_error err;
    fp_status st;
} loaded;

static void load_with(loaded *L, const char *profile_xml, const char *csv, size_t n, int threads, size_t chunk_min)
{
    memset(L, 0, sizeof *L);
    tu_writes(dir, "p.xml", profile_xml);
    tu_write(dir, "o.csv", csv, n);
    char p[700], o[700];
    snprintf(p, sizeof p, "%s/p.xml", dir);
    snprintf(o, sizeof o, "%s/o.csv", dir);
    if (fp_profile_load(p, schema, &L->prof, &L->err) != FP_OK)
        fail_msg("profile: %s", L->err.msg);
    for (int d = 0; d < FP_DOM_COUNT; d++)
        L->dicts[d] = fp_dict_new();
    fp_table_init(&L->t, fp_table_spec(FP_TBL_ORDERS));
    if (threads == 0) {
        L->st = fp_csv_load(o, &L->prof->table[FP_TBL_ORDERS], L->dicts, &L->t, &L->err);
    } else {
        fp_csv_request rq = {o, &L->prof->table[FP_TBL_ORDERS], &L->t};
        L->st = fp_csv_load_all(&rq, 1, L->dicts, threads, chunk_min, &L->err);
    }
}

static void load(loaded *L, const char *csv)
{
    load_with(L, PROFILE, csv, strlen(csv), 0, 0);
}

static void unload(loaded *L)
{
    fp_table_free(&L->t);
    for (int d = 0; d < FP_DOM_COUNT; d++)
        fp_dict_free(L->dicts[d]);
    fp_profile_free(L->prof);
}

static const char *text(const loaded *L, int col, size_t row)
{
    return fp_dict_str(L->dicts[L->t.spec->cols[col].domain], fp_col_text(&L->t, col)[row]);
}

/* loads csv and expects an error containing want */
static void expect_error(const char *csv, const char *want)
{
    loaded L;
    load(&L, csv);
    if (L.st == FP_OK)
        fail_msg("loaded without error; expected \"%s\"", want);
    assert_contains(L.err.msg, want);
    assert_int_equal(L.t.nrows, 0); /* nothing half-loaded */
    unload(&L);
}

static void columns_in_any_order_extras_ignored(void **state)
{
    (void)state;
    loaded L;
    load(&L, "备注,金额,销售,日期,单号,客户,无关列\n"
             "x,\"1,234.50\",王伟,2026/10/3,SO1,C1,y\n"
             "x,¥88,李娜,2026年10月4日,SO2,C2,y\n"
             "x,1.2万,王伟,2026-10-05,SO3,C1,\n");
    assert_int_equal(L.st, FP_OK);
    assert_int_equal(L.t.nrows, 3);
    assert_true(L.t.present);
    assert_int_equal(fp_col_money(&L.t, FP_ORD_AMOUNT)[0], 123450);
    assert_int_equal(fp_col_money(&L.t, FP_ORD_AMOUNT)[1], 8800);
    assert_int_equal(fp_col_money(&L.t, FP_ORD_AMOUNT)[2], 1200000);
    assert_int_equal(fp_col_date(&L.t, FP_ORD_DATE)[1], fp_date_from_ymd(2026, 10, 4));
    assert_string_equal(text(&L, FP_ORD_REP, 1), "李娜");
    assert_string_equal(text(&L, FP_ORD_ORDER_ID, 2), "SO3");
    /* the same rep is the same id */
    assert_int_equal(fp_col_text(&L.t, FP_ORD_REP)[0], fp_col_text(&L.t, FP_ORD_REP)[2]);
    /* optional columns the file does not have are absent */
    assert_null(L.t.col[FP_ORD_CHANNEL]);
    assert_null(L.t.col[FP_ORD_DISCOUNT]);
    assert_int_equal(L.t.line[0], 2);
    assert_int_equal(L.t.line[2], 4);
    unload(&L);
}

static void empty_optional_cells_are_missing(void **state)
{
    (void)state;
    loaded L;
    load(&L, "单号,日期,客户,销售,成交金额,渠道,折扣,数量\n"
             "SO1,2026-10-03,C1,王伟,100,,,\n"
             "SO2,2026-10-03,C1,王伟,100,线上,5%,3\n");
    assert_int_equal(L.st, FP_OK);
    assert_int_equal(fp_col_text(&L.t, FP_ORD_CHANNEL)[0], 0);
    assert_true(isnan(fp_col_num(&L.t, FP_ORD_DISCOUNT)[0]));
    assert_true(isnan(fp_col_num(&L.t, FP_ORD_QUANTITY)[0]));
    assert_near(fp_col_num(&L.t, FP_ORD_DISCOUNT)[1], 0.05, 1e-12);
    assert_near(fp_col_num(&L.t, FP_ORD_QUANTITY)[1], 3, 0);
    unload(&L);
}

static void crlf_blank_lines_trailing_empty_rows(void **state)
{
    (void)state;
    loaded L;
    load(&L, "单号,日期,客户,销售,金额\r\n"
             "SO1,2026-10-03,C1,王伟,100\r\n"
             "\r\n"
             "SO2,2026-10-03,C1,王伟,200\r\n"
             ",,,,\r\n"
             ",,,,\r\n");
    assert_int_equal(L.st, FP_OK);
    assert_int_equal(L.t.nrows, 2);
    assert_int_equal(L.t.line[1], 4); /* the blank line still counts */
    unload(&L);
}

static void quoted_newlines_keep_line_numbers(void **state)
{
    (void)state;
    loaded L;
    load(&L, "单号,日期,客户,销售,金额\n"
             "\"SO\n1\",2026-10-03,C1,王伟,100\n"
             "SO2,2026-10-03,\"C\"\"2\",王伟,200\n"
             "SO3,2026-10-03,C1,王伟,300\n");
    assert_int_equal(L.st, FP_OK);
    assert_int_equal(L.t.nrows, 3);
    assert_string_equal(text(&L, FP_ORD_ORDER_ID, 0), "SO\n1");
    assert_string_equal(text(&L, FP_ORD_CUSTOMER_ID, 1), "C\"2");
    assert_int_equal(L.t.line[0], 2);
    assert_int_equal(L.t.line[1], 4);
    assert_int_equal(L.t.line[2], 5);
    unload(&L);
    /* and an error after such a record names the right line */
    expect_error("单号,日期,客户,销售,金额\n\"S\nO\n1\",2026-10-03,C1,王伟,100\nSO2,2026-10-03,C1,王伟,abc\n",
                 "o.csv:5: column 5 \"金额\" (amount): cannot read \"abc\" as an amount of money");
}

static void delimiters_are_detected(void **state)
{
    (void)state;
    loaded L;
    const char *semi = "单号;日期;客户;销售;金额\nSO1;2026-10-03;C1;王伟;\"1,5\"\n";
    load(&L, semi);
    /* "1,5" is not money we accept (a comma must sit before three digits or be quoted as thousands) */
    assert_int_equal(L.st, FP_ERR_INPUT);
    unload(&L);
    load(&L, "单号\t日期\t客户\t销售\t金额\nSO1\t2026-10-03\tC 1\t王伟\t12.5\n");
    assert_int_equal(L.st, FP_OK);
    assert_string_equal(text(&L, FP_ORD_CUSTOMER_ID, 0), "C 1");
    assert_int_equal(fp_col_money(&L.t, FP_ORD_AMOUNT)[0], 1250);
    unload(&L);
}

static void error_unreadable_value(void **state)
{
    (void)state;
    expect_error("单号,日期,客户,销售,金额\nSO1,2026-10-03,C1,王伟,100\nSO2,2026-10-03,C1,王伟,12x3\n",
                 "o.csv:3: column 5 \"金额\" (amount): cannot read \"12x3\" as an amount of money; write e.g. 1234.50");
    expect_error("单号,日期,客户,销售,金额\nSO1,2026-13-03,C1,王伟,100\n",
                 "o.csv:2: column 2 \"日期\" (date): cannot read \"2026-13-03\" as a date");
    expect_error("单号,日期,客户,销售,金额,折扣\nSO1,2026-10-03,C1,王伟,100,5\n",
                 "o.csv:2: column 6 \"折扣\" (discount): cannot read \"5\" as a discount; write e.g. 0.05, 5% or 95折");
}

static void error_ragged_row(void **state)
{
    (void)state;
    expect_error("单号,日期,客户,销售,金额\nSO1,2026-10-03,C1,王伟,100\nSO2,2026-10-03,C1,王伟,1,234.00\n",
                 "o.csv:3: this row has 6 cells, the header has 5");
    expect_error("单号,日期,客户,销售,金额\nSO1,2026-10-03,C1\n", "o.csv:2: this row has 3 cells, the header has 5");
}

static void error_unterminated_quote(void **state)
{
    (void)state;
    expect_error("单号,日期,客户,销售,金额\nSO1,2026-10-03,C1,王伟,100\nSO2,2026-10-03,\"C1,王伟,200\nSO3,x\n",
                 "o.csv:3: a quoted cell that starts on this line is never closed");
}

static void error_malformed_quotes(void **state)
{
    (void)state;
    expect_error("单号,日期,客户,销售,金额\nSO1,2026-10-03,\"C1\"x,王伟,100\n", "o.csv:2: malformed quotes");
}

static void error_invalid_utf8(void **state)
{
    (void)state;
    /* a GBK name in a file declared UTF-8 */
    loaded L;
    const char csv[] = "单号,日期,客户,销售,金额\nSO1,2026-10-03,C1,\xCD\xF5\xCE\xB0,100\n";
    const char *prof = "<profile><orders file=\"o.csv\" encoding=\"utf-8\">"
                       "<column name=\"order_id\" header=\"单号\"/><column name=\"date\" header=\"日期\"/>"
                       "<column name=\"customer_id\" header=\"客户\"/><column name=\"rep\" header=\"销售\"/>"
                       "<column name=\"amount\" header=\"金额\"/></orders></profile>";
    load_with(&L, prof, csv, sizeof csv - 1, 0, 0);
    assert_int_equal(L.st, FP_ERR_INPUT);
    assert_contains(L.err.msg, "o.csv:2: column 4 \"销售\": bytes in \"\\xCD\\xF5");
    assert_contains(L.err.msg, "are not valid UTF-8");
    assert_contains(L.err.msg, "encoding=\"gbk\"");
    unload(&L);
}

/* Lookups of text no cache knows wait while the next cells are read; the problem reported is still the
 * first in the file: a bad text before a bad amount (the next row, or later in the same row), a bad text
 * on the last line, and a bad text behind a long run of its own row's value. */
static void error_order_with_waiting_lookups(void **state)
{
    (void)state;
    const char *prof = "<profile><orders file=\"o.csv\" encoding=\"utf-8\">"
                       "<column name=\"order_id\" header=\"单号\"/><column name=\"date\" header=\"日期\"/>"
                       "<column name=\"customer_id\" header=\"客户\"/><column name=\"amount\" header=\"金额\"/>"
                       "</orders></profile>";
    const struct {
        const char *csv, *want;
    } cases[] = {
        {"单号,日期,客户,金额\nSO1,2026-10-03,C1,1\nSO\xFF" "2,2026-10-03,C2,1\nSO3,2026-10-03,C3,oops\n",
         "o.csv:3: column 1 \"单号\": bytes in \"SO\\xFF2\""},
        {"单号,日期,客户,金额\nSO1,2026-10-03,C1,1\nSO\xFF" "2,2026-10-03,C2,oops\n", "o.csv:3: column 1 \"单号\": bytes"},
        {"单号,日期,客户,金额\nSO1,2026-10-03,C1,1\nSO2,2026-10-03,C\xFF,1\n", "o.csv:3: column 3 \"客户\": bytes"},
        {"单号,日期,客户,金额\nSO1,2026-10-03,C1,1\nSO1,2026-10-03,C1,1\nSO1,2026-10-03,C\xFF,1\nSO2,x,C2,1\n",
         "o.csv:4: column 3 \"客户\": bytes"},
        {"单号,日期,客户,金额\nSO1,2026-10-03,C1,1\nSO2,2026-10-03,C2\nSO\xFF" "3,2026-10-03,C3,1\n",
         "o.csv:3: this row has 3 cells"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        loaded L;
        load_with(&L, prof, cases[i].csv, strlen(cases[i].csv), 0, 0);
        assert_int_equal(L.st, FP_ERR_INPUT);
        assert_contains(L.err.msg, cases[i].want);
        unload(&L);
    }
}

static void error_missing_required_column(void **state)
{
    (void)state;
    expect_error("单号,日期,客户,销售,总价\nSO1,2026-10-03,C1,王伟,100\n",
                 "o.csv:1: the header has no column \"金额\" or \"成交金额\", which the profile (line 1) maps to the "
                 "required column \"amount\"");
    expect_error("单号,日期,客户,销售,总价\nSO1,2026-10-03,C1,王伟,100\n", "the header has: 单号, 日期, 客户, 销售, 总价");
}

static void error_empty_file_and_empty_cells(void **state)
{
    (void)state;
    expect_error("", "o.csv: the file is empty; it needs a header row");
    expect_error("\n\n", "o.csv: the file is empty");
    expect_error("单号,日期,客户,销售,金额\nSO1,2026-10-03,,王伟,100\n",
                 "o.csv:2: column 3 \"客户\" (customer_id) is empty, and every row needs it");
    expect_error("单号,日期,客户,销售,金额,单号\nSO1,2026-10-03,C1,王伟,100,SO1\n",
                 "o.csv:1: columns 1 and 6 are both \"单号\"");
    loaded L;
    load(&L, "单号,日期,客户,销售,金额\n");
    assert_int_equal(L.st, FP_OK); /* a header and no rows is an empty table, not an error */
    assert_int_equal(L.t.nrows, 0);
    unload(&L);
}

static void gbk_file_through_the_profile(void **state)
{
    (void)state;
    const char *utf8 = "单号,日期,客户,销售,金额\r\nSO1,2026-10-03,C1,王伟,100\r\nSO2,2026-10-03,C2,李娜,200\r\n";
    iconv_t cd = iconv_open("GBK", "UTF-8");
    char out[512], *o = out, *in = (char *)utf8;
    size_t inl = strlen(utf8), outl = sizeof out;
    assert_true(iconv(cd, &in, &inl, &o, &outl) != (size_t)-1);
    iconv_close(cd);
    loaded L;
    load_with(&L, PROFILE, out, (size_t)(o - out), 0, 0);
    assert_int_equal(L.st, FP_OK);
    assert_int_equal(L.t.nrows, 2);
    assert_string_equal(text(&L, FP_ORD_REP, 1), "李娜");
    unload(&L);
}

/* ---- the parallel loader equals the sequential one ---- */

static char *big_csv(int rows, size_t *n, int bad_row, int quoted_nl_row)
{
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_adds(&b, "单号,日期,客户,销售,金额,渠道,折扣,数量\n");
    const char *reps[] = {"王伟", "李娜", "张敏", "刘洋", "陈静"};
    const char *chan[] = {"线上", "线下", "代理"};
    for (int i = 0; i < rows; i++) {
        int order = i / 2; /* two lines per order: some orders straddle a chunk boundary */
        if (i == quoted_nl_row)
            fp_buf_printf(&b, "\"SO%06d\nX\",2026-%02d-%02d,C%d,%s,", order, i % 12 + 1, i % 28 + 1, i % 97,
                          reps[i % 5]);
        else
            fp_buf_printf(&b, "SO%06d,2026-%02d-%02d,C%d,%s,", order, i % 12 + 1, i % 28 + 1, i % 97, reps[i % 5]);
        if (i == bad_row)
            fp_buf_adds(&b, "oops,");
        else
            fp_buf_printf(&b, "\"%d,%03d.%02d\",", i % 50, i % 1000, i % 100);
        fp_buf_printf(&b, "%s,%s,%d\n", chan[i % 3], i % 4 ? "0.05" : "", i % 7 + 1);
    }
    *n = b.len;
    return fp_buf_steal(&b);
}

static void same_tables(const loaded *a, const loaded *b)
{
    assert_int_equal(a->st, FP_OK);
    assert_int_equal(b->st, FP_OK);
    assert_int_equal(a->t.nrows, b->t.nrows);
    for (int c = 0; c < a->t.spec->ncols; c++) {
        assert_true((a->t.col[c] == NULL) == (b->t.col[c] == NULL));
        if (!a->t.col[c])
            continue;
        size_t es = fp_coltype_size(a->t.spec->cols[c].type);
        /* ids too: the dictionaries were filled in the same order */
        if (memcmp(a->t.col[c], b->t.col[c], a->t.nrows * es) != 0)
            fail_msg("column %s differs", a->t.spec->cols[c].name);
    }
    assert_memory_equal(a->t.line, b->t.line, a->t.nrows * sizeof *a->t.line);
    for (int d = 0; d < FP_DOM_COUNT; d++) {
        assert_int_equal(fp_dict_size(a->dicts[d]), fp_dict_size(b->dicts[d]));
        for (uint32_t i = 0; i < fp_dict_size(a->dicts[d]); i++)
            assert_string_equal(fp_dict_str(a->dicts[d], i), fp_dict_str(b->dicts[d], i));
    }
}

static void parallel_equals_sequential(void **state)
{
    (void)state;
    size_t n;
    char *csv = big_csv(20000, &n, -1, -1);
    loaded seq, par;
    load_with(&seq, PROFILE, csv, n, 0, 0);
    for (int threads = 2; threads <= 5; threads += 3) {
        load_with(&par, PROFILE, csv, n, threads, 16384);
        same_tables(&seq, &par);
        unload(&par);
    }
    unload(&seq);
    free(csv);
}

/* Lines without a quote skip libcsv (csv_plain.h): a file written that way loads exactly as the same cells
 * all quoted (which libcsv reads), with blank lines, blanks around cells, CRLF, a quoted cell running over
 * two lines among them, and on one thread or several. */
static void plain_lines_load_as_libcsv_reads_them(void **state)
{
    (void)state;
    static const char *chan[] = {"线上", "线下", "渠道 A"};
    fp_buf plain, quoted;
    fp_buf_init(&plain);
    fp_buf_init(&quoted);
    const char *head = "单号,日期,客户,销售,金额,渠道,折扣,数量\n";
    fp_buf_adds(&plain, head);
    fp_buf_adds(&quoted, head);
    for (int i = 0; i < 6000; i++) {
        const char *end = i % 5 == 0 ? "\r\n" : "\n";
        char cell[8][40];
        snprintf(cell[0], 40, "SO%05d", i / 3);
        snprintf(cell[1], 40, "2026-10-%02d", i % 28 + 1);
        snprintf(cell[2], 40, "C%03d", i % 97);
        snprintf(cell[3], 40, "%s", i % 2 ? "王浩然" : "李　娜");
        snprintf(cell[4], 40, "%d.%02d", i % 5000, i % 100);
        snprintf(cell[5], 40, "%s", chan[i % 3]);
        snprintf(cell[6], 40, "%s", i % 4 ? "0.05" : "");
        snprintf(cell[7], 40, "%d", i % 7 + 1);
        for (int c = 0; c < 8; c++) {
            /* blanks around a plain cell are not part of it */
            fp_buf_printf(&plain, "%s%s%s", c ? "," : "", i % 3 == 1 ? " \t" : "", cell[c]);
            if (i % 3 == 1)
                fp_buf_adds(&plain, "  ");
            fp_buf_printf(&quoted, "%s\"%s\"", c ? "," : "", cell[c]);
        }
        fp_buf_adds(&plain, end);
        fp_buf_adds(&quoted, end);
        if (i % 1000 == 7) { /* blank lines are no rows, in either */
            fp_buf_adds(&plain, " \t \n\n");
            fp_buf_adds(&quoted, "\n\n");
        }
        if (i == 4321) { /* a quoted cell over two lines: the next line is read by libcsv */
            const char *row = "SO99999,2026-10-01,\"C\n1\",李四,1.00,线上,,1\n";
            fp_buf_adds(&plain, row);
            fp_buf_adds(&quoted, row);
        }
    }
    loaded a, b, c;
    load_with(&a, PROFILE, plain.data, plain.len, 0, 0);
    load_with(&b, PROFILE, quoted.data, quoted.len, 0, 0);
    if (a.st != FP_OK)
        fail_msg("%s", a.err.msg);
    assert_int_equal(a.t.nrows, 6001);
    assert_string_equal(text(&a, FP_ORD_CUSTOMER_ID, 4322), "C\n1");
    assert_string_equal(text(&a, FP_ORD_REP, 1), "王浩然");
    assert_string_equal(text(&a, FP_ORD_CHANNEL, 2), "渠道 A"); /* a blank inside a cell stays */
    same_tables(&a, &b);
    load_with(&c, PROFILE, plain.data, plain.len, 2, 16384);
    same_tables(&a, &c);
    unload(&a);
    unload(&b);
    unload(&c);
    fp_buf_free(&plain);
    fp_buf_free(&quoted);
}

static void parallel_with_quoted_newline_at_a_boundary(void **state)
{
    (void)state;
    /* put a quoted newline in every region a chunk boundary can fall in: whatever happens, the result
     * equals the sequential load */
    for (int row = 4990; row <= 5010; row += 5) {
        size_t n;
        char *csv = big_csv(10000, &n, -1, row);
        loaded seq, par;
        load_with(&seq, PROFILE, csv, n, 0, 0);
        load_with(&par, PROFILE, csv, n, 2, 16384);
        same_tables(&seq, &par);
        unload(&seq);
        unload(&par);
        free(csv);
    }
}

/* A chunk's rows are written into its window of the file's table, sized from the mean line length of the
 * first 64 KB: when the lines after that are much shorter, a chunk outgrows its window and its rows move
 * to arrays of its own; the result is still exactly the sequential one. */
static void a_chunk_that_outgrows_its_window(void **state)
{
    (void)state;
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_adds(&b, "单号,日期,客户,销售,金额,渠道,折扣,数量\n");
    char pad[1500];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = 0;
    for (int i = 0; i < 60; i++) /* 90 KB of long lines first: the estimate is 1.5 KB a line */
        fp_buf_printf(&b, "SO%d,2026-10-01,C%d,%s,1,线上,,1\n", i, i, pad);
    for (int i = 60; i < 30000; i++)
        fp_buf_printf(&b, "SO%d,2026-10-%02d,C%d,王伟,%d,线下,0.05,2\n", i / 3, i % 28 + 1, i % 211, i);
    size_t n = b.len;
    char *csv = fp_buf_steal(&b);
    loaded seq, par;
    load_with(&seq, PROFILE, csv, n, 0, 0);
    for (int threads = 2; threads <= 3; threads++) {
        load_with(&par, PROFILE, csv, n, threads, 16384);
        same_tables(&seq, &par);
        unload(&par);
    }
    unload(&seq);
    free(csv);
}

/* The name of a customer is checked against the name it had last with the same customer number (one
 * comparison instead of a lookup): a customer renamed between two lines keeps both names, in order, and
 * a name column before the number column works the same. */
static const char *PROFILE_NAMES = "<profile><orders file=\"o.csv\">"
                                   "<column name=\"order_id\" header=\"单号\"/>"
                                   "<column name=\"date\" header=\"日期\"/>"
                                   "<column name=\"customer_id\" header=\"客户\"/>"
                                   "<column name=\"customer_name\" header=\"客户名称\"/>"
                                   "<column name=\"amount\" header=\"金额\"/>"
                                   "</orders></profile>";

static void a_customer_renamed_between_lines(void **state)
{
    (void)state;
    const char *orders[] = {"单号,日期,客户,客户名称,金额\n", "单号,日期,客户名称,客户,金额\n"};
    for (int k = 0; k < 2; k++) {
        fp_buf b;
        fp_buf_init(&b);
        fp_buf_adds(&b, orders[k]);
        const char *names[] = {"杭州甲公司", "杭州甲公司", "杭州甲科技有限公司", "杭州甲公司", "宁波乙公司"};
        const char *ids[] = {"C1", "C1", "C1", "C1", "C2"};
        for (int i = 0; i < 5; i++)
            fp_buf_printf(&b, k ? "SO%d,2026-10-01,%s,%s,1\n" : "SO%d,2026-10-01,%s,%s,1\n", i, k ? names[i] : ids[i],
                          k ? ids[i] : names[i]);
        loaded L;
        load_with(&L, PROFILE_NAMES, b.data, b.len, 0, 0);
        assert_int_equal(L.st, FP_OK);
        for (int i = 0; i < 5; i++) {
            assert_string_equal(text(&L, FP_ORD_CUSTOMER_NAME, (size_t)i), names[i]);
            assert_string_equal(text(&L, FP_ORD_CUSTOMER_ID, (size_t)i), ids[i]);
        }
        /* the same name has the same id wherever it is */
        const uint32_t *nm = L.t.col[FP_ORD_CUSTOMER_NAME];
        assert_int_equal(nm[0], nm[3]);
        assert_true(nm[0] != nm[2]);
        unload(&L);
        fp_buf_free(&b);
    }
    /* more customers than the caches hold, each name found in the dictionary or checked against the one its
     * number had last; customer 5 changes its name half-way */
    for (int k = 0; k < 2; k++) {
        fp_buf b;
        fp_buf_init(&b);
        fp_buf_adds(&b, orders[k]);
        char name[64], id[16];
        for (int i = 0; i < 6000; i++) {
            int c = (i * 7919) % 1400;
            snprintf(id, sizeof id, "C%d", c);
            snprintf(name, sizeof name, "客户%d%s", c, c == 5 && i >= 3000 ? "（新名）" : "有限公司");
            fp_buf_printf(&b, "SO%d,2026-10-01,%s,%s,1\n", i / 2, k ? name : id, k ? id : name);
        }
        loaded L;
        load_with(&L, PROFILE_NAMES, b.data, b.len, 0, 0);
        assert_int_equal(L.st, FP_OK);
        for (int i = 0; i < 6000; i++) {
            int c = (i * 7919) % 1400;
            snprintf(name, sizeof name, "客户%d%s", c, c == 5 && i >= 3000 ? "（新名）" : "有限公司");
            assert_string_equal(text(&L, FP_ORD_CUSTOMER_NAME, (size_t)i), name);
        }
        unload(&L);
        fp_buf_free(&b);
    }
}

static void parallel_error_has_the_exact_line(void **state)
{
    (void)state;
    size_t n;
    char *csv = big_csv(20000, &n, 17000, 100); /* the bad cell is in a late chunk, after a 2-line record */
    loaded par;
    load_with(&par, PROFILE, csv, n, 4, 16384);
    assert_int_equal(par.st, FP_ERR_INPUT);
    /* header + 17000 rows before it + the extra line of the quoted newline = line 17003 */
    assert_contains(par.err.msg, "o.csv:17003: column 5 \"金额\" (amount): cannot read \"oops\"");
    unload(&par);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(columns_in_any_order_extras_ignored),
        cmocka_unit_test(empty_optional_cells_are_missing),
        cmocka_unit_test(crlf_blank_lines_trailing_empty_rows),
        cmocka_unit_test(quoted_newlines_keep_line_numbers),
        cmocka_unit_test(delimiters_are_detected),
        cmocka_unit_test(error_unreadable_value),
        cmocka_unit_test(error_ragged_row),
        cmocka_unit_test(error_unterminated_quote),
        cmocka_unit_test(error_malformed_quotes),
        cmocka_unit_test(error_invalid_utf8),
        cmocka_unit_test(error_order_with_waiting_lookups),
        cmocka_unit_test(error_missing_required_column),
        cmocka_unit_test(error_empty_file_and_empty_cells),
        cmocka_unit_test(gbk_file_through_the_profile),
        cmocka_unit_test(plain_lines_load_as_libcsv_reads_them),
        cmocka_unit_test(parallel_equals_sequential),
        cmocka_unit_test(parallel_with_quoted_newline_at_a_boundary),
        cmocka_unit_test(parallel_error_has_the_exact_line),
        cmocka_unit_test(a_chunk_that_outgrows_its_window),
        cmocka_unit_test(a_customer_renamed_between_lines),
    };
    return cmocka_run_group_tests_name("csv_load", tests, setup, teardown);
}
