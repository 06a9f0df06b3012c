/* Tests of xlsx_load.c: workbooks written by openpyxl (tests/tools/xlsx_cases.py, csv2xlsx.py; Debian
 * python3-openpyxl) read into the same tables and messages as the same data in CSV — every kind of cell,
 * both date systems, named and first sheets; the same `fupan metrics` from a CSV export and from its
 * workbooks; hostile archives (zip bombs, sizes that lie, DTDs and entities, counts that claim
 * billions, rows and columns past Excel's, damaged parts) refused with the file named; and the parallel
 * reader of large sheets giving exactly what the sequential one gives. Crafted archives are written
 * here with libzip. */
#include "testutil.h"
#include "csv_load.h"
#include "dataset.h"
#include "util.h"
#include "xlsx_load.h"

#include <math.h>
#include <time.h>
#include <zip.h>

static char *dir;
static char *schema;

static int setup(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import openpyxl' 2>/dev/null")) {
        fprintf(stderr, "test_xlsx needs python3-openpyxl (make deps installs it)\n");
        return -1;
    }
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

/* Runs tests/tools/SCRIPT with ARGS in the temporary folder. */
static void py(const char *script, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && /usr/bin/python3 '%s/tests/tools/%s' %s", dir, tu_src(), script, args);
    if (system(cmd))
        fail_msg("failed: %s", cmd);
}

static char *in_dir(const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* ---- loading one table --------------------------------------------------------------------------- */

typedef struct loaded {
    fp_profile *prof;
    fp_dict *dicts[FP_DOM_COUNT];
    fp_table t;
    fp_error err;
    fp_status st;
    double secs;
} loaded;

static void load_table(loaded *L, fp_table_id tid, const char *profile_xml, const char *book, const fp_xlsx_limits *lim)
{
    memset(L, 0, sizeof *L);
    tu_writes(dir, "p.xml", profile_xml);
    char *p = in_dir("p.xml"), *b = in_dir(book);
    if (fp_profile_load(p, schema, &L->prof, &L->err) != FP_OK)
        fail_msg("profile: %s", L->err.msg);
    for (int d = 0; d < FP_DOM_COUNT; d++)
        L->dicts[d] = fp_dict_new();
    fp_table_init(&L->t, fp_table_spec(tid));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    L->st = fp_xlsx_load_limited(b, &L->prof->table[tid], L->dicts, &L->t, lim ? lim : &fp_xlsx_default_limits,
                                 &L->err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    L->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    free(p);
    free(b);
}

static void load_book(loaded *L, const char *profile_xml, const char *book, const fp_xlsx_limits *lim)
{
    load_table(L, FP_TBL_ORDERS, profile_xml, book, lim);
}

static void unload(loaded *L)
{
    fp_table_free(&L->t);
    for (int d = 0; d < FP_DOM_COUNT; d++)
        fp_dict_free(L->dicts[d]);
    fp_profile_free(L->prof);
}

static const char *text_at(const loaded *L, int col, size_t r)
{
    const uint32_t *ids = fp_col_text(&L->t, col);
    assert_non_null(ids);
    return fp_dict_str(L->dicts[L->t.spec->cols[col].domain], ids[r]);
}

static char *date_at(const loaded *L, int col, size_t r)
{
    static char buf[4][16];
    static int k;
    char *b = buf[k++ % 4];
    fp_date d = fp_col_date(&L->t, col)[r];
    if (d == FP_NO_DATE)
        snprintf(b, 16, "-");
    else
        fp_date_format(d, b);
    return b;
}

static void expect_ok(const loaded *L)
{
    if (L->st != FP_OK)
        fail_msg("load failed: %s", L->err.msg);
}

static void expect_error(const loaded *L, const char *part)
{
    if (L->st == FP_OK)
        fail_msg("loaded, expected an error with \"%s\"", part);
    if (!strstr(L->err.msg, part))
        fail_msg("message \"%s\" lacks \"%s\"", L->err.msg, part);
}

/* ---- crafting archives with libzip --------------------------------------------------------------- */

static const char *WORKBOOK =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">%s"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *RELS =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/></Relationships>";
static const char *PKG_RELS =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"xl/workbook.xml\"/></Relationships>";
/* cell formats: 0 General, 1 built-in 14 (a date), 2 yyyy年m月 (custom), 3 built-in 31 (年月日, Chinese
 * Excel), 4 0.00% (not a date), 5 [Red]0.00 (not a date), 6 [h]:mm (elapsed time), 7 "d" in quotes */
static const char *STYLES =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"5\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"0.00%\"/><numFmt numFmtId=\"166\" formatCode=\"[Red]0.00\"/>"
    "<numFmt numFmtId=\"167\" formatCode=\"[h]:mm\"/><numFmt numFmtId=\"168\" formatCode=\"0.00&quot; days&quot;\"/>"
    "</numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
    "<cellXfs count=\"8\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"31\"/>"
    "<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"167\"/><xf numFmtId=\"168\"/></cellXfs>"
    "</styleSheet>";

static char *sheet_xml(const char *rows)
{
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                       "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                       "<dimension ref=\"A1:C3\"/><sheetData>";
    const char *tail = "</sheetData><pageMargins left=\"0.7\"/></worksheet>";
    size_t n = strlen(head) + strlen(rows) + strlen(tail) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%s%s%s", head, rows, tail);
    return s;
}

static char *sst_xml(const char *const *strs)
{
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst "
                    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
    for (int i = 0; strs && strs[i]; i++)
        fp_buf_printf(&b, "<si><t>%s</t></si>", strs[i]);
    fp_buf_adds(&b, "</sst>");
    return fp_buf_steal(&b);
}

typedef struct part {
    const char *name;
    const char *data; /* NULL: left out */
    size_t n;         /* 0: strlen */
} part;

/* Writes the archive name in the temporary folder with the given parts; a part of the default
 * workbook (one sheet "S", shared strings, styles) that the list does not name is added. */
static void write_zip(const char *name, const part *parts, bool defaults)
{
    char *path = in_dir(name);
    unlink(path);
    int e;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
    assert_non_null(z);
    char wb[2000];
    snprintf(wb, sizeof wb, WORKBOOK, "");
    const part def[] = {{"[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                                                "content-types\"/>", 0},
                        {"_rels/.rels", PKG_RELS, 0},
                        {"xl/workbook.xml", wb, 0},
                        {"xl/_rels/workbook.xml.rels", RELS, 0},
                        {"xl/styles.xml", STYLES, 0},
                        {"xl/sharedStrings.xml", "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
                                                 "main\"/>", 0}};
    for (int i = 0; parts[i].name; i++) {
        if (!parts[i].data)
            continue;
        size_t n = parts[i].n ? parts[i].n : strlen(parts[i].data);
        zip_source_t *src = zip_source_buffer(z, parts[i].data, n, 0);
        assert_true(zip_file_add(z, parts[i].name, src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) >= 0);
    }
    for (size_t i = 0; defaults && i < sizeof def / sizeof def[0]; i++) {
        bool given = false;
        for (int k = 0; parts[k].name; k++)
            given = given || !strcmp(parts[k].name, def[i].name);
        if (given)
            continue;
        zip_source_t *src = zip_source_buffer(z, def[i].data, strlen(def[i].data), 0);
        assert_true(zip_file_add(z, def[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    free(path);
}

/* A workbook of one sheet with these rows and shared strings (NULL-terminated, or NULL). */
static void write_book(const char *name, const char *rows, const char *const *strs)
{
    char *sh = sheet_xml(rows), *ss = sst_xml(strs);
    part parts[] = {{"xl/worksheets/sheet1.xml", sh, 0}, {"xl/sharedStrings.xml", ss, 0}, {NULL, NULL, 0}};
    write_zip(name, parts, true);
    free(sh);
    free(ss);
}

/* The orders mapping of the crafted workbooks: 单号, 日期, 金额 (+ 数量, 渠道 when present). */
static const char *PROFILE = "<profile><orders file=\"b.xlsx\">"
                             "<column name=\"order_id\" header=\"单号\"/>"
                             "<column name=\"date\" header=\"日期\"/>"
                             "<column name=\"customer_id\" header=\"客户\"/>"
                             "<column name=\"rep\" header=\"销售\"/>"
                             "<column name=\"amount\" header=\"金额\"/>"
                             "<column name=\"channel\" header=\"渠道\"/>"
                             "<column name=\"discount\" header=\"折扣\"/>"
                             "<column name=\"quantity\" header=\"数量\"/>"
                             "</orders></profile>";

/* header row 1 of the crafted sheets: 单号 日期 客户 销售 金额 (shared strings 0-4) */
#define HDR                                                                                                      \
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>" \
    "<c r=\"D1\" t=\"s\"><v>3</v></c><c r=\"E1\" t=\"s\"><v>4</v></c></row>"
static const char *const HSTR[] = {"单号", "日期", "客户", "销售", "金额", "O1", "C1", "张三", NULL};
/* a good data row r: O1, the date cell given, C1, 张三, 100 */
static char *row_with(int r, const char *date_cell, const char *amount_cell)
{
    char *s = malloc(1000);
    snprintf(s, 1000,
             "<row r=\"%d\"><c r=\"A%d\" t=\"s\"><v>5</v></c>%s<c r=\"C%d\" t=\"s\"><v>6</v></c>"
             "<c r=\"D%d\" t=\"s\"><v>7</v></c>%s</row>",
             r, r, date_cell, r, r, amount_cell);
    return s;
}

/* ---- every kind of cell, as openpyxl writes them ------------------------------------------------- */

static const char *KINDS_PROFILE = "<profile><orders file=\"k.xlsx\"%s>"
                                   "<column name=\"order_id\" header=\"单号\"/>"
                                   "<column name=\"date\" header=\"日期\"/>"
                                   "<column name=\"customer_id\" header=\"客户\"/>"
                                   "<column name=\"rep\" header=\"销售\"/>"
                                   "<column name=\"amount\" header=\"金额\"/>"
                                   "<column name=\"channel\" header=\"渠道\"/>"
                                   "<column name=\"discount\" header=\"折扣\"/>"
                                   "<column name=\"quantity\" header=\"数量\"/>"
                                   "</orders></profile>";

static void check_kinds(const char *args, bool date1904)
{
    char a[200];
    snprintf(a, sizeof a, "kinds k.xlsx %s", args);
    py("xlsx_cases.py", a);
    char prof[2000];
    snprintf(prof, sizeof prof, KINDS_PROFILE, "");
    loaded L;
    load_book(&L, prof, "k.xlsx", NULL);
    expect_ok(&L);
    /* the first visible sheet, "数据": header on row 3 from column B; rows 6 (missing) and 8 (a styled
     * empty cell) are not rows */
    assert_int_equal(L.t.nrows, 5);
    const uint32_t lines[] = {4, 5, 7, 9, 10};
    for (int r = 0; r < 5; r++)
        assert_int_equal(L.t.line[r], lines[r]);
    const char *ids[] = {"A1", "A2", "A3", "A4", "A5"};
    const char *dates[] = {"2026-10-03", "2026-10-04", "2026-10-05", date1904 ? "1904-01-02" : "1900-03-01",
                           "2026-10-31"};
    /* a number in a text column reads as Excel shows it */
    const char *custs[] = {"C1", "10023", "C3", "C4", "C5"};
    const char *reps[] = {"张三", "李四", "王五", "赵六", "张三"};
    /* money: a number is an amount as it is (1234.5), text as in CSV; more than two decimals round half
     * away from zero (0.125 → 0.13) */
    const int64_t fen[] = {123450, 123450, -500, 13, 0};
    const char *chans[] = {"线上", "", "线下", "线上", "线上"};
    const double disc[] = {0.05, 0.05, 0, NAN, 0.15};
    const double qty[] = {3, 2.5, 1, NAN, 12345678901234.0};
    for (int r = 0; r < 5; r++) {
        assert_string_equal(text_at(&L, FP_ORD_ORDER_ID, (size_t)r), ids[r]);
        assert_string_equal(date_at(&L, FP_ORD_DATE, (size_t)r), dates[r]);
        assert_string_equal(text_at(&L, FP_ORD_CUSTOMER_ID, (size_t)r), custs[r]);
        assert_string_equal(text_at(&L, FP_ORD_REP, (size_t)r), reps[r]);
        assert_int_equal(fp_col_money(&L.t, FP_ORD_AMOUNT)[r], fen[r]);
        assert_string_equal(text_at(&L, FP_ORD_CHANNEL, (size_t)r), chans[r]);
        double d = fp_col_num(&L.t, FP_ORD_DISCOUNT)[r], q = fp_col_num(&L.t, FP_ORD_QUANTITY)[r];
        if (isnan(disc[r]))
            assert_true(isnan(d));
        else
            assert_true(fabs(d - disc[r]) < 1e-12);
        if (isnan(qty[r]))
            assert_true(isnan(q));
        else
            assert_true(q == qty[r]);
    }
    unload(&L);

    /* a named sheet */
    snprintf(prof, sizeof prof, KINDS_PROFILE, " sheet=\"其他\"");
    load_book(&L, prof, "k.xlsx", NULL);
    expect_ok(&L);
    assert_int_equal(L.t.nrows, 1);
    assert_string_equal(text_at(&L, FP_ORD_REP, 0), "钱七");
    assert_string_equal(date_at(&L, FP_ORD_DATE, 0), "2026-09-01");
    assert_int_equal(fp_col_money(&L.t, FP_ORD_AMOUNT)[0], 9900);
    assert_null(L.t.col[FP_ORD_CHANNEL]); /* an optional column the sheet lacks is absent */
    unload(&L);

    /* a sheet that is not there: the message lists the sheets */
    snprintf(prof, sizeof prof, KINDS_PROFILE, " sheet=\"订单\"");
    load_book(&L, prof, "k.xlsx", NULL);
    expect_error(&L, "k.xlsx: the workbook has no sheet \"订单\", which the profile (line 1) names with sheet=; its "
                     "sheets are \"旧\" (hidden), \"数据\", \"其他\"");
    unload(&L);
}

static void every_kind_of_cell_inline_strings(void **state)
{
    (void)state;
    check_kinds("", false);
}

static void every_kind_of_cell_shared_strings(void **state)
{
    (void)state;
    check_kinds("--shared", false);
}

static void every_kind_of_cell_1904(void **state)
{
    (void)state;
    check_kinds("--shared --1904", true);
}

/* ---- dates --------------------------------------------------------------------------------------- */

static void dates_in_both_systems(void **state)
{
    (void)state;
    /* serial, cell format → the date, in the 1900 system and, with date1904, in the 1904 system */
    static const struct {
        const char *cell;
        const char *d1900, *d1904;
    } C[] = {
        {"<c r=\"B%d\" s=\"1\"><v>1</v></c>", "1900-01-01", "1904-01-02"},
        {"<c r=\"B%d\" s=\"1\"><v>59</v></c>", "1900-02-28", "1904-02-29"},
        {"<c r=\"B%d\" s=\"1\"><v>61</v></c>", "1900-03-01", "1904-03-02"},
        {"<c r=\"B%d\" s=\"1\"><v>46298</v></c>", "2026-10-03", "2030-10-04"},
        {"<c r=\"B%d\" s=\"1\"><v>46298.999</v></c>", "2026-10-03", "2030-10-04"}, /* the time is ignored */
        {"<c r=\"B%d\" s=\"2\"><v>46298</v></c>", "2026-10-03", "2030-10-04"},     /* yyyy年m月 */
        {"<c r=\"B%d\" s=\"3\"><v>46298</v></c>", "2026-10-03", "2030-10-04"},     /* built-in 31 */
        {"<c r=\"B%d\" s=\"6\"><v>46298</v></c>", "2026-10-03", "2030-10-04"},     /* [h]:mm */
        {"<c r=\"B%d\" t=\"inlineStr\"><is><t>2026年10月3日</t></is></c>", "2026-10-03", "2026-10-03"},
        {"<c r=\"B%d\"><v>20261003</v></c>", "2026-10-03", "2026-10-03"}, /* a General number: its digits */
        {"<c r=\"B%d\" t=\"str\"><f>TEXT(A1)</f><v>2026/10/3</v></c>", "2026-10-03", "2026-10-03"},
        {"<c r=\"B%d\" t=\"d\"><v>2026-10-03T00:00:00</v></c>", "2026-10-03", "2026-10-03"},
    };
    int n = (int)(sizeof C / sizeof C[0]);
    for (int sys = 0; sys < 2; sys++) {
        fp_buf rows;
        fp_buf_init(&rows);
        fp_buf_adds(&rows, HDR);
        for (int i = 0; i < n; i++) {
            char cell[300];
            snprintf(cell, sizeof cell, C[i].cell, i + 2);
            char amt[100];
            snprintf(amt, sizeof amt, "<c r=\"E%d\"><v>100</v></c>", i + 2);
            char *r = row_with(i + 2, cell, amt);
            fp_buf_adds(&rows, r);
            free(r);
        }
        char *sh = sheet_xml(rows.data), *ss = sst_xml(HSTR), wb[2000];
        snprintf(wb, sizeof wb, WORKBOOK, sys ? "<workbookPr date1904=\"true\"/>" : "<workbookPr/>");
        part parts[] = {{"xl/worksheets/sheet1.xml", sh, 0}, {"xl/sharedStrings.xml", ss, 0},
                        {"xl/workbook.xml", wb, 0}, {NULL, NULL, 0}};
        write_zip("b.xlsx", parts, true);
        loaded L;
        load_book(&L, PROFILE, "b.xlsx", NULL);
        expect_ok(&L);
        assert_int_equal(L.t.nrows, (size_t)n);
        for (int i = 0; i < n; i++)
            if (strcmp(date_at(&L, FP_ORD_DATE, (size_t)i), sys ? C[i].d1904 : C[i].d1900))
                fail_msg("case %d (%s): %s", i, C[i].cell, date_at(&L, FP_ORD_DATE, (size_t)i));
        assert_int_equal(fp_col_money(&L.t, FP_ORD_AMOUNT)[0], 10000);
        unload(&L);
        free(sh);
        free(ss);
        fp_buf_free(&rows);
    }
}

static void dates_excel_cannot_have(void **state)
{
    (void)state;
    /* Excel's fictitious 1900-02-29 (serial 60), day 0, negative serials, and a number in a cell whose
     * format only looks like one with a "d" in quotes */
    static const struct {
        const char *cell;
        const char *msg;
    } C[] = {
        {"<c r=\"B2\" s=\"1\"><v>60</v></c>", "b.xlsx:2: column 2 \"日期\" (date): cannot read \"1900-02-29\" as a date"},
        {"<c r=\"B2\" s=\"1\"><v>0</v></c>", "cannot read \"1900-01-00\" as a date"},
        {"<c r=\"B2\" s=\"1\"><v>-3</v></c>", "cannot read \"-3\" as a date"},
        {"<c r=\"B2\" s=\"7\"><v>46298</v></c>", "cannot read \"46298\" as a date"},
        {"<c r=\"B2\" s=\"4\"><v>46298</v></c>", "cannot read \"46298\" as a date"}, /* 0.00% */
        {"<c r=\"B2\" s=\"5\"><v>46298</v></c>", "cannot read \"46298\" as a date"}, /* [Red]0.00 */
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        char *r = row_with(2, C[i].cell, "<c r=\"E2\"><v>1</v></c>");
        char rows[2000];
        snprintf(rows, sizeof rows, "%s%s", HDR, r);
        write_book("b.xlsx", rows, HSTR);
        loaded L;
        load_book(&L, PROFILE, "b.xlsx", NULL);
        expect_error(&L, C[i].msg);
        unload(&L);
        free(r);
    }
}

/* ---- numbers and money --------------------------------------------------------------------------- */

static void numbers_whatever_the_decimal_mark(void **state)
{
    (void)state;
    /* decimal=",": text cells are read with the comma, numeric cells as the numbers they are */
    const char *rows = HDR
        "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>5</v></c><c r=\"B2\" s=\"1\"><v>46298</v></c><c r=\"C2\" t=\"s\"><v>6</v></c>"
        "<c r=\"D2\" t=\"s\"><v>7</v></c><c r=\"E2\"><v>1234.5</v></c></row>"
        "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>5</v></c><c r=\"B3\" s=\"1\"><v>46298</v></c><c r=\"C3\" t=\"s\"><v>6</v></c>"
        "<c r=\"D3\" t=\"s\"><v>7</v></c><c r=\"E3\" t=\"inlineStr\"><is><t>1.234,50</t></is></c></row>"
        "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>5</v></c><c r=\"B4\" s=\"1\"><v>46298</v></c><c r=\"C4\" t=\"s\"><v>6</v></c>"
        "<c r=\"D4\" t=\"s\"><v>7</v></c><c r=\"E4\"><v>1.5E3</v></c></row>"
        "<row r=\"5\"><c r=\"A5\" t=\"s\"><v>5</v></c><c r=\"B5\" s=\"1\"><v>46298</v></c><c r=\"C5\" t=\"s\"><v>6</v></c>"
        "<c r=\"D5\" t=\"s\"><v>7</v></c><c r=\"E5\"><v>1.2345678901234501E-2</v></c></row>"
        "<row r=\"6\"><c r=\"A6\" t=\"s\"><v>5</v></c><c r=\"B6\" s=\"1\"><v>46298</v></c><c r=\"C6\" t=\"s\"><v>6</v></c>"
        "<c r=\"D6\" t=\"s\"><v>7</v></c><c r=\"E6\" s=\"4\"><v>-0.005</v></c></row>";
    write_book("b.xlsx", rows, HSTR);
    const char *prof = "<profile decimal=\",\"><orders file=\"b.xlsx\">"
                       "<column name=\"order_id\" header=\"单号\"/><column name=\"date\" header=\"日期\"/>"
                       "<column name=\"customer_id\" header=\"客户\"/><column name=\"rep\" header=\"销售\"/>"
                       "<column name=\"amount\" header=\"金额\"/></orders></profile>";
    loaded L;
    load_book(&L, prof, "b.xlsx", NULL);
    expect_ok(&L);
    const int64_t fen[] = {123450, 123450, 150000, 1, -1};
    for (int r = 0; r < 5; r++)
        assert_int_equal(fp_col_money(&L.t, FP_ORD_AMOUNT)[r], fen[r]);
    unload(&L);
}

static void money_units_apply_to_numbers(void **state)
{
    (void)state;
    /* targets in 万元: a bare number is in the column's unit, as in CSV */
    static const char *const S[] = {"月份", "销售", "目标(万元)", "张三", NULL};
    const char *rows = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                       "<c r=\"C1\" t=\"s\"><v>2</v></c></row>"
                       "<row r=\"2\"><c r=\"A2\" s=\"2\"><v>46296</v></c><c r=\"B2\" t=\"s\"><v>3</v></c>"
                       "<c r=\"C2\"><v>88.8</v></c></row>"
                       "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>2026年11月</t></is></c>"
                       "<c r=\"B3\" t=\"s\"><v>3</v></c><c r=\"C3\" t=\"inlineStr\"><is><t>1.2亿</t></is></c></row>"
                       "<row r=\"4\"><c r=\"A4\"><v>202612</v></c><c r=\"B4\" t=\"s\"><v>3</v></c>"
                       "<c r=\"C4\"><v>0.00001</v></c></row>";
    write_book("b.xlsx", rows, S);
    const char *prof = "<profile><orders file=\"none.csv\"><column name=\"order_id\" header=\"a\"/>"
                       "<column name=\"date\" header=\"b\"/><column name=\"customer_id\" header=\"c\"/>"
                       "<column name=\"rep\" header=\"d\"/><column name=\"amount\" header=\"e\"/></orders>"
                       "<targets file=\"b.xlsx\"><column name=\"period\" header=\"月份\"/>"
                       "<column name=\"rep\" header=\"销售\"/>"
                       "<column name=\"sales_target\" header=\"目标(万元)\" unit=\"万元\"/></targets></profile>";
    loaded L;
    load_table(&L, FP_TBL_TARGETS, prof, "b.xlsx", NULL);
    expect_ok(&L);
    assert_int_equal(L.t.nrows, 3);
    const int32_t *m = fp_col_int(&L.t, FP_TGT_PERIOD);
    assert_int_equal(m[0], 2026 * 12 + 9);  /* a date-formatted cell in a month column: its month */
    assert_int_equal(m[1], 2026 * 12 + 10); /* text */
    assert_int_equal(m[2], 2026 * 12 + 11); /* a number: its digits, 202612 */
    const int64_t *t = fp_col_money(&L.t, FP_TGT_SALES);
    assert_int_equal(t[0], 88800000);      /* 88.8 万元 */
    assert_int_equal(t[1], 12000000000LL); /* the cell's own unit wins */
    assert_int_equal(t[2], 10);            /* 0.00001 万元 = 0.10 元 */
    unload(&L);
}

/* ---- messages ------------------------------------------------------------------------------------ */

static void errors_name_the_file_row_and_column(void **state)
{
    (void)state;
    loaded L;
    char rows[4000];
    /* a value that is not an amount, on row 5: the row number is the line */
    char *r2 = row_with(2, "<c r=\"B2\" s=\"1\"><v>46298</v></c>", "<c r=\"E2\"><v>1</v></c>");
    char *r5 = row_with(5, "<c r=\"B5\" s=\"1\"><v>46298</v></c>",
                        "<c r=\"E5\" t=\"inlineStr\"><is><t>12x3</t></is></c>");
    snprintf(rows, sizeof rows, "%s%s%s", HDR, r2, r5);
    write_book("b.xlsx", rows, HSTR);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx:5: column 5 \"金额\" (amount): cannot read \"12x3\" as an amount of money; write e.g.");
    assert_int_equal(L.t.nrows, 0);
    unload(&L);
    /* a required cell left out of the XML */
    char *r6 = row_with(6, "", "<c r=\"E6\"><v>1</v></c>");
    snprintf(rows, sizeof rows, "%s%s%s", HDR, r2, r6);
    write_book("b.xlsx", rows, HSTR);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx:6: column 2 \"日期\" (date) is empty, and every row needs it");
    unload(&L);
    /* a required column missing from the header */
    snprintf(rows, sizeof rows,
             "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"s\"><v>1</v></c></row>%s", r5);
    write_book("b.xlsx", rows, HSTR);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx:2: the header has no column \"客户\"");
    unload(&L);
    /* a sheet without a row, and one of empty cells only */
    write_book("b.xlsx", "", HSTR);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx: the sheet \"S\" is empty; it needs a header row with the column titles");
    unload(&L);
    write_book("b.xlsx", "<row r=\"1\"><c r=\"A1\" s=\"1\"/><c r=\"B1\" t=\"inlineStr\"><is><t> </t></is></c></row>",
               HSTR);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "the sheet \"S\" is empty");
    unload(&L);
    /* a header and nothing else: a table of no rows */
    write_book("b.xlsx", HDR, HSTR);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_ok(&L);
    assert_int_equal(L.t.nrows, 0);
    unload(&L);
    free(r2);
    free(r5);
    free(r6);
}

/* ---- hostile workbooks ------------------------------------------------------------------------- */

static void zip_bombs_are_refused(void **state)
{
    (void)state;
    /* 64 MB of blanks inside the sheet: compresses to ~64 KB */
    size_t big = 64u << 20;
    const char *head = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
    char *sh = malloc(big + 200);
    size_t hn = strlen(head);
    memcpy(sh, head, hn);
    memset(sh + hn, ' ', big);
    strcpy(sh + hn + big, "</sheetData></worksheet>");
    part parts[] = {{"xl/worksheets/sheet1.xml", sh, 0}, {NULL, NULL, 0}};
    write_zip("bomb.xlsx", parts, true);
    fp_xlsx_limits lim = fp_xlsx_default_limits;
    lim.part_bytes = 8u << 20;
    loaded L;
    load_book(&L, PROFILE, "bomb.xlsx", &lim);
    expect_error(&L, "bomb.xlsx: xl/worksheets/sheet1.xml");
    expect_error(&L, "more than 8 MB uncompressed, the most fupan reads of one part of a workbook; refused");
    unload(&L);
    lim = fp_xlsx_default_limits;
    lim.total_bytes = 8u << 20;
    load_book(&L, PROFILE, "bomb.xlsx", &lim);
    expect_error(&L, "more than 8 MB uncompressed, the most fupan reads of a workbook; refused");
    unload(&L);
    free(sh);

    /* a part whose header claims 3 GB: refused before a byte is inflated; one that claims 100 bytes and
     * inflates to 64 MB: the bytes are counted, not the claim */
    write_book("b.xlsx", HDR, HSTR);
    char *path = in_dir("b.xlsx");
    for (int k = 0; k < 2; k++) {
        FILE *f = fopen(path, "r+b");
        assert_non_null(f);
        unsigned char buf[65536];
        size_t n = fread(buf, 1, sizeof buf, f);
        const char *nm = "xl/worksheets/sheet1.xml";
        bool patched = false;
        for (size_t i = 0; i + 46 + strlen(nm) < n; i++) {
            if (memcmp(buf + i, "PK\1\2", 4) || memcmp(buf + i + 46, nm, strlen(nm)))
                continue;
            uint32_t claim = 0xC0000000u; /* 3 GB */
            for (int b = 0; b < 4; b++)
                buf[i + 24 + b] = (unsigned char)(claim >> (8 * b));
            patched = true;
        }
        assert_true(patched);
        fseek(f, 0, SEEK_SET);
        fwrite(buf, 1, n, f);
        fclose(f);
        if (k == 0) {
            load_book(&L, PROFILE, "b.xlsx", NULL);
            expect_error(&L, "b.xlsx: xl/worksheets/sheet1.xml says it holds more than 2048 MB uncompressed");
            unload(&L);
        }
    }
    free(path);
}

static void sizes_in_headers_are_not_trusted(void **state)
{
    (void)state;
    /* the sheet of the bomb above, its sizes in both headers patched to 100 bytes */
    size_t big = 16u << 20;
    const char *head = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
    char *sh = malloc(big + 200);
    size_t hn = strlen(head);
    memcpy(sh, head, hn);
    memset(sh + hn, ' ', big);
    strcpy(sh + hn + big, "</sheetData></worksheet>");
    part parts[] = {{"xl/worksheets/sheet1.xml", sh, 0}, {NULL, NULL, 0}};
    write_zip("lie.xlsx", parts, true);
    free(sh);
    char *path = in_dir("lie.xlsx");
    char *data = tu_read(path);
    assert_non_null(data);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    size_t n = (size_t)st.st_size;
    const char *nm = "xl/worksheets/sheet1.xml";
    int patched = 0;
    for (size_t i = 0; i + 46 + strlen(nm) < n; i++) {
        size_t at = 0;
        if (!memcmp(data + i, "PK\1\2", 4) && !memcmp(data + i + 46, nm, strlen(nm)))
            at = i + 24;
        else if (!memcmp(data + i, "PK\3\4", 4) && !memcmp(data + i + 30, nm, strlen(nm)))
            at = i + 22;
        if (!at)
            continue;
        data[at] = 100;
        data[at + 1] = data[at + 2] = data[at + 3] = 0;
        patched++;
    }
    assert_int_equal(patched, 2);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, n, f);
    fclose(f);
    free(data);
    free(path);
    fp_xlsx_limits lim = fp_xlsx_default_limits;
    lim.part_bytes = 4u << 20;
    loaded L;
    load_book(&L, PROFILE, "lie.xlsx", &lim);
    /* refused: by the count of inflated bytes, or by libzip's own check of the size */
    expect_error(&L, "lie.xlsx: ");
    assert_true(strstr(L.err.msg, "more than 4 MB") || strstr(L.err.msg, "damaged"));
    unload(&L);
}

static void dtds_and_entities_are_refused(void **state)
{
    (void)state;
    loaded L;
    /* an external entity in the sheet: refused at the DOCTYPE, nothing read */
    const char *xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE worksheet [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&x;</t></is></c></row></sheetData></worksheet>";
    part p1[] = {{"xl/worksheets/sheet1.xml", xxe, 0}, {NULL, NULL, 0}};
    write_zip("b.xlsx", p1, true);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx: xl/worksheets/sheet1.xml has a DOCTYPE, which a workbook never has; refused");
    assert_null(strstr(L.err.msg, "root:"));
    unload(&L);
    /* a billion laughs in the shared strings: refused at once */
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_adds(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE sst [<!ENTITY l0 \"ha\">");
    for (int i = 1; i < 10; i++)
        fp_buf_printf(&b, "<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">", i, i - 1, i - 1,
                      i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    fp_buf_adds(&b, "]><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&l9;</t></si>"
                    "</sst>");
    char *sh = sheet_xml(HDR);
    part p2[] = {{"xl/worksheets/sheet1.xml", sh, 0}, {"xl/sharedStrings.xml", b.data, 0}, {NULL, NULL, 0}};
    write_zip("b.xlsx", p2, true);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "xl/sharedStrings.xml has a DOCTYPE");
    assert_true(L.secs < 1.0);
    unload(&L);
    /* an entity that was never declared */
    const char *undeclared = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                             "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&x;</t></is></c></row>"
                             "</sheetData></worksheet>";
    part p3[] = {{"xl/worksheets/sheet1.xml", undeclared, 0}, {NULL, NULL, 0}};
    write_zip("b.xlsx", p3, true);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx: the workbook is damaged: line 1:");
    expect_error(&L, "(xl/worksheets/sheet1.xml); open it in Excel and save it again");
    unload(&L);
    fp_buf_free(&b);
    free(sh);
}

static void counts_that_claim_billions(void **state)
{
    (void)state;
    /* the shared strings claim 4 billion, the dimension the whole sheet: nothing is sized by them */
    const char *sst = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"4294967295\" "
                      "uniqueCount=\"4294967295\"><si><t>单号</t></si><si><t>日期</t></si><si><t>客户</t></si>"
                      "<si><t>销售</t></si><si><t>金额</t></si></sst>";
    const char *sheet = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                        "<dimension ref=\"A1:XFD1048576\"/><sheetData>" HDR "</sheetData></worksheet>";
    part parts[] = {{"xl/worksheets/sheet1.xml", sheet, 0}, {"xl/sharedStrings.xml", sst, 0}, {NULL, NULL, 0}};
    write_zip("b.xlsx", parts, true);
    loaded L;
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_ok(&L);
    assert_int_equal(L.t.nrows, 0);
    unload(&L);
}

static void bounds_on_strings_rows_and_cells(void **state)
{
    (void)state;
    loaded L;
    fp_xlsx_limits lim = fp_xlsx_default_limits;
    /* more shared strings, or more of their text, than the bounds */
    write_book("b.xlsx", HDR, HSTR);
    lim.strings = 5;
    load_book(&L, PROFILE, "b.xlsx", &lim);
    expect_error(&L, "b.xlsx: more than 5 shared strings; fupan reads at most 5 (docs/data.md); refused");
    unload(&L);
    lim = fp_xlsx_default_limits;
    lim.string_bytes = 20;
    load_book(&L, PROFILE, "b.xlsx", &lim);
    expect_error(&L, "b.xlsx: the shared strings hold more than 20 bytes of text");
    unload(&L);
    static const struct {
        const char *rows;
        const char *msg;
    } C[] = {
        {HDR "<row r=\"1048577\"><c r=\"A1048577\"><v>1</v></c></row>",
         "b.xlsx: row 1048577 is beyond row 1048576, the last Excel has; refused"},
        {HDR "<row r=\"2\"><c r=\"XFE2\"><v>1</v></c></row>", "b.xlsx: row 2 has a cell beyond column XFD"},
        {HDR "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>99</v></c></row>",
         "the workbook is damaged: row 2: shared string 99 does not exist (there are 8)"},
        {HDR "<row r=\"5\"/><row r=\"3\"><c r=\"A3\"><v>1</v></c></row>",
         "damaged: row 3 comes after row 5"},
        {HDR "<row r=\"2\"><c r=\"C2\"><v>1</v></c><c r=\"B2\"><v>1</v></c></row>", "damaged: row 2: cell B2 comes after C2"},
        {HDR "<row r=\"2\"><c r=\"A7\"><v>1</v></c></row>", "damaged: row 2 has a cell \"A7\" that is not in it"},
        {HDR "<row r=\"2\"><row r=\"3\"/></row>", "damaged: a row inside a row"},
        {HDR "<row r=\"x\"/>", "damaged: a row number that is not a number"},
        {HDR "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1x</v></c></row>", "damaged: a shared string number that is not one"},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        write_book("b.xlsx", C[i].rows, HSTR);
        load_book(&L, PROFILE, "b.xlsx", NULL);
        expect_error(&L, C[i].msg);
        unload(&L);
    }
    /* a cell of 200 KB of text */
    size_t big = 200u << 10;
    char *rows = malloc(big + 1000);
    int k = snprintf(rows, 1000, "%s<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>", HDR);
    memset(rows + k, 'x', big);
    strcpy(rows + k + big, "</t></is></c></row>");
    write_book("b.xlsx", rows, HSTR);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx: row 2: a cell holds more than 131068 bytes of text (Excel's own limit is 32,767 characters)");
    unload(&L);
    free(rows);
}

static void files_that_are_not_workbooks(void **state)
{
    (void)state;
    loaded L;
    /* a zip of something else */
    part p1[] = {{"readme.txt", "hello", 0}, {NULL, NULL, 0}};
    write_zip("b.xlsx", p1, false);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx: this zip archive is not an Excel workbook (it has no xl/workbook.xml); save the file as "
                     ".xlsx");
    unload(&L);
    /* LibreOffice's OpenDocument */
    part p2[] = {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0}, {"content.xml", "<x/>", 0},
                 {NULL, NULL, 0}};
    write_zip("b.xlsx", p2, false);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx: this is an OpenDocument spreadsheet (.ods), not an Excel workbook; save it as .xlsx");
    unload(&L);
    /* cut in half */
    write_book("b.xlsx", HDR, HSTR);
    char *path = in_dir("b.xlsx");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size / 2), 0);
    free(path);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "b.xlsx: the workbook is damaged or incomplete");
    unload(&L);
    /* a sheet part the relationships name and the archive lacks */
    part p3[] = {{"xl/worksheets/other.xml", "<worksheet/>", 0}, {NULL, NULL, 0}};
    write_zip("b.xlsx", p3, true);
    load_book(&L, PROFILE, "b.xlsx", NULL);
    expect_error(&L, "the workbook is damaged: a part is missing (xl/worksheets/sheet1.xml)");
    unload(&L);
}

/* Through the data folder: a workbook by its bytes, whatever its name; an old .xls refused with a hint. */
static void the_data_folder_reads_workbooks(void **state)
{
    (void)state;
    char *d = in_dir("folder");
    mkdir(d, 0755);
    char *r2 = row_with(2, "<c r=\"B2\" s=\"1\"><v>46298</v></c>", "<c r=\"E2\"><v>1234.5</v></c>");
    char rows[2000];
    snprintf(rows, sizeof rows, "%s%s", HDR, r2);
    free(r2);
    write_book("folder/订单.csv", rows, HSTR); /* named .csv, a workbook inside */
    const char *prof = "<profile><orders file=\"订单.csv\"><column name=\"order_id\" header=\"单号\"/>"
                       "<column name=\"date\" header=\"日期\"/><column name=\"customer_id\" header=\"客户\"/>"
                       "<column name=\"rep\" header=\"销售\"/><column name=\"amount\" header=\"金额\"/>"
                       "</orders></profile>";
    tu_writes(d, "profile.xml", prof);
    char pp[800];
    snprintf(pp, sizeof pp, "%s/profile.xml", d);
    fp_profile *p;
    fp_error err;
    assert_int_equal(fp_profile_load(pp, schema, &p, &err), FP_OK);
    fp_dataset *ds;
    if (fp_dataset_load(d, p, 2, &ds, &err) != FP_OK)
        fail_msg("%s", err.msg);
    const fp_table *o = fp_ds_table(ds, FP_TBL_ORDERS);
    assert_int_equal(o->nrows, 1);
    assert_int_equal(fp_col_money(o, FP_ORD_AMOUNT)[0], 123450);
    assert_int_equal(o->line[0], 2);
    fp_dataset_free(ds);
    /* an old .xls (an OLE2 compound file) */
    const unsigned char ole[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0};
    tu_write(d, "订单.csv", ole, sizeof ole);
    assert_int_not_equal(fp_dataset_load(d, p, 2, &ds, &err), FP_OK);
    if (!strstr(err.msg, "订单.csv: this is an old Excel workbook (.xls)") || !strstr(err.msg, ".xlsx"))
        fail_msg("%s", err.msg);
    fp_profile_free(p);
    free(d);
}

/* ---- the parallel reader ------------------------------------------------------------------------- */

static void same_tables(const loaded *a, const loaded *b)
{
    assert_int_equal(a->t.nrows, b->t.nrows);
    for (int c = 0; c < a->t.spec->ncols; c++) {
        assert_true((a->t.col[c] == NULL) == (b->t.col[c] == NULL));
        if (!a->t.col[c])
            continue;
        if (a->t.spec->cols[c].type == FP_T_TEXT) {
            for (size_t r = 0; r < a->t.nrows; r++)
                assert_int_equal(fp_col_text(&a->t, c)[r], fp_col_text(&b->t, c)[r]);
        } else {
            size_t es = fp_coltype_size(a->t.spec->cols[c].type);
            assert_memory_equal(a->t.col[c], b->t.col[c], a->t.nrows * es);
        }
    }
    assert_memory_equal(a->t.line, b->t.line, a->t.nrows * sizeof *a->t.line);
    for (int d = 0; d < FP_DOM_COUNT; d++) {
        assert_int_equal(fp_dict_size(a->dicts[d]), fp_dict_size(b->dicts[d]));
        for (uint32_t i = 1; i < fp_dict_size(a->dicts[d]); i++)
            assert_string_equal(fp_dict_str(a->dicts[d], i), fp_dict_str(b->dicts[d], i));
    }
}

static void parallel_reading_equals_sequential(void **state)
{
    (void)state;
    py("xlsx_cases.py", "big big.xlsx 20000");
    const char *prof = "<profile><orders file=\"big.xlsx\"><column name=\"order_id\" header=\"单号\"/>"
                       "<column name=\"date\" header=\"日期\"/><column name=\"customer_id\" header=\"客户\"/>"
                       "<column name=\"rep\" header=\"销售\"/><column name=\"amount\" header=\"金额\"/>"
                       "<column name=\"channel\" header=\"渠道\"/><column name=\"discount\" header=\"折扣\"/>"
                       "<column name=\"quantity\" header=\"数量\"/></orders></profile>";
    fp_xlsx_limits seq = fp_xlsx_default_limits, par = fp_xlsx_default_limits;
    seq.parallel_bytes = UINT64_MAX;
    par.parallel_bytes = 1;
    par.chunk_bytes = 4096; /* some 200 chunks */
    loaded A, B;
    load_book(&A, prof, "big.xlsx", &seq);
    expect_ok(&A);
    assert_int_equal(A.t.nrows, 20000);
    load_book(&B, prof, "big.xlsx", &par);
    expect_ok(&B);
    same_tables(&A, &B);
    unload(&A);
    unload(&B);
}

static void parallel_reading_falls_back_when_it_cannot_tell(void **state)
{
    (void)state;
    fp_xlsx_limits seq = fp_xlsx_default_limits, par = fp_xlsx_default_limits;
    seq.parallel_bytes = UINT64_MAX;
    par.parallel_bytes = 1;
    par.chunk_bytes = 64;
    /* rows of every kind, a comment and a CDATA section holding "</row>" between them (a cut there
     * breaks a chunk), rows without numbers */
    fp_buf rows;
    fp_buf_init(&rows);
    fp_buf_adds(&rows, HDR);
    for (int r = 2; r < 60; r++) {
        char date[100], amt[200];
        snprintf(date, sizeof date, "<c r=\"B%d\" s=\"1\"><v>%d</v></c>", r, 46000 + r);
        snprintf(amt, sizeof amt, "<c r=\"E%d\"><v>%d.%02d</v></c>", r, r * 7, r);
        char *x = row_with(r, date, amt);
        fp_buf_adds(&rows, x);
        free(x);
        if (r == 20)
            fp_buf_adds(&rows, "<!-- </row> --><!-- <row r=\"3\"> </row> -->");
        if (r == 40)
            fp_buf_adds(&rows, "<row r=\"41\"><c r=\"A41\" t=\"inlineStr\"><is><t><![CDATA[ </row> ]]></t></is></c>"
                               "<c r=\"B41\" s=\"1\"><v>46100</v></c><c r=\"C41\"><v>7</v></c><c r=\"D41\"><v>8</v></c>"
                               "<c r=\"E41\"><v>9</v></c></row>");
        if (r == 40)
            r = 41;
    }
    fp_buf_adds(&rows, "<row><c><v>1</v></c><c s=\"1\"><v>46300</v></c><c><v>2</v></c><c><v>3</v></c><c><v>4</v></c></row>");
    write_book("b.xlsx", rows.data, HSTR);
    loaded A, B;
    load_book(&A, PROFILE, "b.xlsx", &seq);
    expect_ok(&A);
    load_book(&B, PROFILE, "b.xlsx", &par);
    expect_ok(&B);
    same_tables(&A, &B);
    assert_string_equal(text_at(&A, FP_ORD_ORDER_ID, 39), "</row>");
    assert_int_equal(A.t.line[A.t.nrows - 1], 60);
    unload(&A);
    unload(&B);
    /* an error late in the sheet, in the XML or in a value: the same message both ways */
    const char *tails[] = {"<row r=\"90\"><c r=\"A90\"><v>1</c></row>",
                           "<row r=\"90\"><c r=\"A90\"><v>1</v></c><c r=\"B90\" s=\"1\"><v>46000</v></c>"
                           "<c r=\"C90\"><v>1</v></c><c r=\"D90\"><v>1</v></c><c r=\"E90\" t=\"inlineStr\"><is><t>x</t>"
                           "</is></c></row>",
                           "<row r=\"70\"/><row r=\"65\"/>"};
    for (int i = 0; i < 3; i++) {
        fp_buf b2;
        fp_buf_init(&b2);
        fp_buf_adds(&b2, rows.data);
        fp_buf_adds(&b2, tails[i]);
        write_book("b.xlsx", b2.data, HSTR);
        load_book(&A, PROFILE, "b.xlsx", &seq);
        load_book(&B, PROFILE, "b.xlsx", &par);
        assert_int_not_equal(A.st, FP_OK);
        assert_int_not_equal(B.st, FP_OK);
        assert_string_equal(A.err.msg, B.err.msg);
        unload(&A);
        unload(&B);
        fp_buf_free(&b2);
    }
    fp_buf_free(&rows);
}

/* Cut where the sheet goes on: the rows of a chunk end at its last "</row>", which may lie inside a comment or
 * after a reference that never ends; and a sheet declared in another encoding. Whole and in chunks (by either
 * reader), each loads the same rows or fails with the same message, at every chunk size tried. */
static void chunks_cut_where_the_xml_goes_on(void **state)
{
    (void)state;
    const char *prof = "<profile><orders file=\"b.xlsx\"><column name=\"order_id\" header=\"单号\"/>"
                       "<column name=\"date\" header=\"日期\"/><column name=\"customer_id\" header=\"客户\"/>"
                       "<column name=\"rep\" header=\"销售\"/><column name=\"amount\" header=\"金额\"/></orders></profile>";
    for (int variant = 0; variant < 3; variant++) {
        fp_buf rows;
        fp_buf_init(&rows);
        fp_buf_adds(&rows, HDR);
        for (int r = 2; r < 20; r++) {
            char date[100], amt[200];
            snprintf(date, sizeof date, "<c r=\"B%d\" s=\"1\"><v>%d</v></c>", r, 46000 + r);
            if (variant == 1 && r == 9) /* damaged: a reference without its ';' */
                snprintf(amt, sizeof amt, "<c r=\"E%d\" t=\"inlineStr\"><is><t>a &amp b</t></is></c>", r);
            else
                snprintf(amt, sizeof amt, "<c r=\"E%d\"><v>%d</v></c>", r, r);
            char *x = row_with(r, date, amt);
            if (variant == 0 && r == 9)
                fp_buf_adds(&rows, "<!-- ");
            fp_buf_adds(&rows, x);
            if (variant == 0 && r == 13)
                fp_buf_adds(&rows, " -->");
            free(x);
        }
        char *sh = sheet_xml(rows.data);
        if (variant == 2) { /* the same bytes, declared Latin-1: 张三 read as six Latin-1 letters, whole */
            char *d = strstr(sh, "encoding=\"UTF-8\"");
            assert_non_null(d);
            char *t = malloc(strlen(sh) + 8);
            snprintf(t, strlen(sh) + 8, "%.*sencoding=\"ISO-8859-1\"%s", (int)(d - sh), sh, d + strlen("encoding=\"UTF-8\""));
            free(sh);
            sh = t;
        }
        char *ss = sst_xml(HSTR);
        part parts[] = {{"xl/worksheets/sheet1.xml", sh, 0}, {"xl/sharedStrings.xml", ss, 0}, {NULL, NULL, 0}};
        write_zip("b.xlsx", parts, true);
        free(sh);
        free(ss);
        fp_buf_free(&rows);
        fp_xlsx_limits seq = fp_xlsx_default_limits;
        seq.parallel_bytes = UINT64_MAX;
        loaded A;
        load_book(&A, prof, "b.xlsx", &seq);
        if (variant == 0) {
            expect_ok(&A);
            assert_int_equal(A.t.nrows, 13); /* rows 9 to 13 are inside the comment */
        } else if (variant == 1) {
            assert_int_not_equal(A.st, FP_OK);
        }
        for (size_t cb = 96; cb <= 1200; cb += 37) {
            for (int own = 0; own < 2; own++) {
                fp_xlsx_limits par = fp_xlsx_default_limits;
                par.parallel_bytes = 1;
                par.chunk_bytes = cb;
                par.xml_only = !own;
                loaded B;
                load_book(&B, prof, "b.xlsx", &par);
                assert_int_equal(A.st, B.st);
                if (A.st == FP_OK)
                    same_tables(&A, &B);
                else
                    assert_string_equal(A.err.msg, B.err.msg);
                unload(&B);
            }
        }
        unload(&A);
    }
}

/* A tag longer than libxml2 takes (its limit: 10,000,000 bytes) is refused in chunks as it is whole: the own
 * reader gives a chunk with an attribute value of a megabyte or more back to libxml2 */
static void a_tag_longer_than_libxml2_takes(void **state)
{
    (void)state;
    size_t big = 10500000;
    char *v = malloc(big + 1);
    memset(v, 'x', big);
    v[big] = 0;
    fp_buf rows;
    fp_buf_init(&rows);
    fp_buf_adds(&rows, HDR);
    for (int r = 2; r < 12; r++) {
        char date[100], amt[100];
        snprintf(date, sizeof date, "<c r=\"B%d\" s=\"1\"><v>%d</v></c>", r, 46000 + r);
        snprintf(amt, sizeof amt, "<c r=\"E%d\"><v>%d</v></c>", r, r);
        char *x = row_with(r, date, amt);
        if (r == 8) {
            fp_buf_adds(&rows, "<row r=\"8\" note=\"");
            fp_buf_adds(&rows, v);
            fp_buf_adds(&rows, "\"");
            fp_buf_adds(&rows, x + strlen("<row r=\"8\""));
        } else {
            fp_buf_adds(&rows, x);
        }
        free(x);
    }
    free(v);
    write_book("b.xlsx", rows.data, HSTR);
    fp_buf_free(&rows);
    fp_xlsx_limits seq = fp_xlsx_default_limits, par = fp_xlsx_default_limits;
    seq.parallel_bytes = UINT64_MAX;
    par.parallel_bytes = 1;
    par.chunk_bytes = 512;
    loaded A, B;
    load_book(&A, PROFILE, "b.xlsx", &seq);
    load_book(&B, PROFILE, "b.xlsx", &par);
    assert_int_not_equal(A.st, FP_OK);
    assert_int_equal(A.st, B.st);
    assert_string_equal(A.err.msg, B.err.msg);
    unload(&A);
    unload(&B);
}

/* A large sheet is inflated by ISA-L from the archive's raw bytes, its CRC-32 checked at the end: damaged bytes in
 * the middle of the deflated sheet fail as libzip's reading fails, with the same message (the parallel reading
 * gives up and the sheet is read again through libzip); a wrong checksum gives the same outcome both ways */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

static void spill(const char *path, const char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

static void damaged_deflate_data_fails_the_same_way(void **state)
{
    (void)state;
    py("xlsx_cases.py", "big big.xlsx 20000");
    const char *prof = "<profile><orders file=\"big.xlsx\"><column name=\"order_id\" header=\"单号\"/>"
                       "<column name=\"date\" header=\"日期\"/><column name=\"customer_id\" header=\"客户\"/>"
                       "<column name=\"rep\" header=\"销售\"/><column name=\"amount\" header=\"金额\"/></orders></profile>";
    char *path = in_dir("big.xlsx");
    size_t n;
    char *zipb = slurp(path, &n);
    assert_non_null(zipb);
    /* the sheet's local header, its data after the name and extra field */
    char *h = NULL;
    for (size_t i = 0; i + 30 < n && !h; i++)
        if (!memcmp(zipb + i, "PK\3\4", 4) && !memcmp(zipb + i + 30, "xl/worksheets/sheet1.xml", 24))
            h = zipb + i;
    assert_non_null(h);
    size_t data = (size_t)(h - zipb) + 30 + (uint8_t)h[26] + 256u * (uint8_t)h[27] + (uint8_t)h[28] + 256u * (uint8_t)h[29];
    uint32_t csize = (uint8_t)h[18] | (uint32_t)(uint8_t)h[19] << 8 | (uint32_t)(uint8_t)h[20] << 16 |
                     (uint32_t)(uint8_t)h[21] << 24;
    assert_true(csize > 10000);
    fp_xlsx_limits seq = fp_xlsx_default_limits, par = fp_xlsx_default_limits;
    seq.parallel_bytes = UINT64_MAX;
    par.parallel_bytes = 1;
    par.chunk_bytes = 4096;
    for (int k = 0; k < 3; k++) {
        char *copy = malloc(n);
        memcpy(copy, zipb, n);
        if (k == 0)
            copy[data + csize / 2] ^= 0x55; /* bytes of the deflate stream */
        else if (k == 1)
            copy[data + csize / 3] ^= 0x01;
        else
            copy[h - zipb + 14] ^= 0x10; /* the CRC-32 in the local header (libzip reads the central one) */
        if (k == 2) { /* and in the central directory */
            for (size_t i = 0; i + 46 < n; i++)
                if (!memcmp(copy + i, "PK\1\2", 4) && !memcmp(copy + i + 46, "xl/worksheets/sheet1.xml", 24))
                    copy[i + 16] ^= 0x10;
        }
        spill(path, copy, n);
        free(copy);
        loaded A, B;
        load_book(&A, prof, "big.xlsx", &seq);
        load_book(&B, prof, "big.xlsx", &par);
        assert_int_equal(A.st, B.st);
        assert_string_equal(A.err.msg, B.err.msg);
        if (k < 2) /* (a wrong checksum alone goes unseen both ways: the reading stops at </sheetData>, before the
                    * end of the part where the checksum is compared) */
            assert_true(A.st != FP_OK && strstr(A.err.msg, "damaged") != NULL);
        unload(&A);
        unload(&B);
    }
    free(zipb);
    free(path);
}

/* xlsx_load.c reads most chunks of a large sheet itself (fast_chunk), and gives the ones with anything it does not
 * read as surely as libxml2 back to libxml2. 300 sheets of random rows mixing what it reads (entities, character
 * references, single quotes, blanks inside tags, formulas, inline and rich strings, phonetic runs, empty cells,
 * empty rows, attributes it ignores) with what it must give back (a comment, CDATA, a processing instruction, a
 * carriage return, a tab in an attribute, an entity in an attribute, a namespace prefix) and with errors (an
 * unknown entity, "]]>", a tag not closed, a character XML forbids, an attribute twice): each loads to the same
 * table, or fails with the same message, read in chunks by it, in chunks by libxml2 alone, and whole by libxml2. */
static void own_reader_reads_as_libxml2(void **state)
{
    (void)state;
    static const char *const good[] = {
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;</t></is></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>&#x4E2D;&#25991;&#x1F600;&#9;x</t></is></c>",
        "<c r='F%d' t='inlineStr'><is><t xml:space='preserve'> 空格 </t></is></c>",
        "<c  r = \"F%d\"   t=\"inlineStr\" ><is ><t >x</t ></is ></c >",
        "<c r=\"F%d\"><f>SUM(A1:A2)&amp;\"x\"</f><v>3.5</v></c>",
        "<c r=\"F%d\" t=\"str\"><f t=\"shared\" si=\"0\" ref=\"F2:F9\"/><v>公式</v></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><r><rPr><b/><sz val=\"11\"/></rPr><t>富</t></r><r><t>文本</t></r></is></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>名</t><rPh sb=\"0\" eb=\"1\"><t>メイ</t></rPh></is></c>",
        "<c r=\"F%d\"/>",
        "<c r=\"F%d\" s=\"0\" cm=\"1\" vm=\"2\" ph=\"1\"><v> 42 </v></c>",
        "<c r=\"F%d\" t=\"b\"><v>1</v></c>",
        "<c r=\"F%d\" t=\"e\"><v>#N/A</v></c>",
        "<c r=\"F%d\" t=\"s\"><v>5</v></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>a]b]]c&gt;</t></is></c>\n  ",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>line\nbreak</t></is></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> Excel </t></is></c>",
        "<c r=\"F%d\" x14ac:foo=\"1\"><v>5</v></c>",
    };
    static const char *const back[] = {
        "<c r=\"F%d\"><v>1</v><!-- a comment --></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t><![CDATA[<x>&]]></t></is></c>",
        "<c r=\"F%d\"><?pi data?><v>1</v></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>cr\r\nlf</t></is></c>",
        "<c r=\"F%d\" t=\"inlineStr\" x=\"a\tb\"><is><t>t</t></is></c>",
        "<c r=\"F%d\" t=\"inlineStr\" x=\"a&amp;b\"><is><t>t</t></is></c>",
        "<c r=\"F%d\" xmlns:q=\"urn:q\" q:x=\"1\"><v>2</v></c>",
        "<c r=\"F%d\" q:r=\"F%d\"><v>2</v></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>an open comment <!-- </t></is></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>&#13;</t></is></c>",
    };
    static const char *const bad[] = {
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>&nbsp;</t></is></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>a]]>b</t></is></c>",
        "<c r=\"F%d\"><v>1</v>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>\x01</t></is></c>",
        "<c r=\"F%d\" r=\"F%d\"><v>1</v></c>",
        "<c r=\"F%d\"><v>1</w></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>&#0;</t></is></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>\xef\xbf\xbe</t></is></c>",
        "<c r=\"F%d\" t=\"inlineStr\"><is><t>\xc3\x28</t></is></c>",
        "<c r=\"F%d\"x=\"1\"><v>1</v></c>",
    };
    const char *prof = "<profile><orders file=\"b.xlsx\"><column name=\"order_id\" header=\"单号\"/>"
                       "<column name=\"date\" header=\"日期\"/><column name=\"customer_id\" header=\"客户\"/>"
                       "<column name=\"rep\" header=\"销售\"/><column name=\"amount\" header=\"金额\"/>"
                       "<column name=\"product\" header=\"产品\"/></orders></profile>";
    static const char *const strs[] = {"单号", "日期", "客户", "销售", "金额", "产品", "O1", "C1", "张三", NULL};
    fp_xlsx_limits seq = fp_xlsx_default_limits, own = fp_xlsx_default_limits, xml = fp_xlsx_default_limits;
    seq.parallel_bytes = UINT64_MAX;
    own.parallel_bytes = xml.parallel_bytes = 1;
    own.chunk_bytes = xml.chunk_bytes = 256;
    xml.xml_only = true;
    uint64_t x = 0x9E3779B97F4A7C15u;
    int oks = 0, fails = 0;
    for (int sheet = 0; sheet < 300; sheet++) {
        fp_buf rows;
        fp_buf_init(&rows);
        fp_buf_adds(&rows, "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                           "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
                           "<c r=\"E1\" t=\"s\"><v>4</v></c><c r=\"F1\" t=\"s\"><v>5</v></c></row>");
        int nrows = 20 + (int)(x % 40);
        for (int r = 2; r < nrows; r++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (x % 23 == 0) {
                fp_buf_printf(&rows, "<row r=\"%d\"/>", r);
                continue;
            }
            fp_buf_printf(&rows,
                          (x >> 5) % 2 ? "<row r=\"%d\" spans=\"1:6\" x14ac:dyDescent=\"0.25\"><c r=\"A%d\" t=\"s\"><v>6</v></c>"
                          "<c r=\"B%d\" s=\"1\"><v>%d</v></c><c r=\"C%d\" t=\"s\"><v>7</v></c><c r=\"D%d\" t=\"s\"><v>8</v>"
                          "</c><c r=\"E%d\"><v>%d.5</v></c>" :
                          "<row r=\"%d\" spans=\"1:6\"><c r=\"A%d\" t=\"s\"><v>6</v></c><c r=\"B%d\" s=\"1\"><v>%d</v>"
                          "</c><c r=\"C%d\" t=\"s\"><v>7</v></c><c r=\"D%d\" t=\"s\"><v>8</v></c><c r=\"E%d\"><v>%d.5</v>"
                          "</c>",
                          r, r, r, 46000 + r, r, r, r, r);
            const char *cell;
            uint64_t pick = (x >> 16) % 1000;
            if (sheet % 3 == 2 && pick < 8) /* every third sheet: an error somewhere, or none */
                cell = bad[(x >> 32) % (sizeof bad / sizeof *bad)];
            else if (pick < 60)
                cell = back[(x >> 32) % (sizeof back / sizeof *back)];
            else
                cell = good[(x >> 32) % (sizeof good / sizeof *good)];
            fp_buf_printf(&rows, cell, r, r);
            fp_buf_adds(&rows, "</row>");
        }
        write_book("b.xlsx", rows.data, strs);
        fp_buf_free(&rows);
        loaded A, B, C;
        load_book(&A, prof, "b.xlsx", &seq);
        load_book(&B, prof, "b.xlsx", &own);
        load_book(&C, prof, "b.xlsx", &xml);
        assert_int_equal(A.st, B.st);
        assert_int_equal(A.st, C.st);
        if (A.st == FP_OK) {
            same_tables(&A, &B);
            same_tables(&A, &C);
            oks++;
        } else {
            assert_string_equal(A.err.msg, B.err.msg);
            assert_string_equal(A.err.msg, C.err.msg);
            fails++;
        }
        unload(&A);
        unload(&B);
        unload(&C);
    }
    assert_true(oks > 150 && fails > 20); /* both kinds were tried */
}

/* ---- the same metrics from a CSV export and from its workbooks ---------------------------------- */

static char *metrics(const char *data, const char *query)
{
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "'%s' metrics --data '%s' %s --format json", tu_bin(), data, query);
    char *out = NULL, *err = NULL;
    int rc = tu_run(cmd, &out, &err);
    if (rc != 0)
        fail_msg("%s: exit %d: %s", cmd, rc, err ? err : "");
    free(err);
    return out;
}

static void same_metrics(const char *csv_dir, const char *xlsx_dir, const char *const *queries)
{
    for (int q = 0; queries[q]; q++) {
        char *a = metrics(csv_dir, queries[q]), *b = metrics(xlsx_dir, queries[q]);
        if (strcmp(a, b))
            fail_msg("%s: the workbooks give other metrics than the CSV files\n--- CSV\n%.2000s\n--- xlsx\n%.2000s",
                     queries[q], a, b);
        assert_true(strlen(a) > 500);
        free(a);
        free(b);
    }
}

static void csv_and_xlsx_give_the_same_metrics(void **state)
{
    (void)state;
    static const char *const demo_q[] = {"--period 2026-10 --team 华东一组 --as-of 2026-10-31",
                                         "--period 2026-Q3 --region 华东",
                                         "--period 2025 --as-of 2025-12-31",
                                         "--period 2026-W40 --rep 周雨婷 --as-of 2026-10-04",
                                         NULL};
    char args[2000], *demo = tu_path("samples/demo");
    /* shared strings, the 1900 system */
    snprintf(args, sizeof args, "--shared '%s' demo-shared", demo);
    py("csv2xlsx.py", args);
    char *x1 = in_dir("demo-shared");
    same_metrics(demo, x1, demo_q);
    /* inline strings, the 1904 system, the header on row 3 from column C, a named sheet after another,
     * blank rows and no empty cells */
    snprintf(args, sizeof args, "--date1904 --header-row 3 --gaps --sheet 数据 '%s' demo-1904", demo);
    py("csv2xlsx.py", args);
    char *x2 = in_dir("demo-1904");
    same_metrics(demo, x2, demo_q);
    /* the small fixture, dates as text */
    static const char *const small_q[] = {"--period 2026-09 --team A --as-of 2026-09-30",
                                          "--period 2026-Q3 --as-of 2026-09-30", "--period 2026-10 --rep a1", NULL};
    char *small = tu_path("tests/data/small");
    snprintf(args, sizeof args, "--dates-as-text '%s' small", small);
    py("csv2xlsx.py", args);
    char *x3 = in_dir("small");
    same_metrics(small, x3, small_q);
    free(demo);
    free(small);
    free(x1);
    free(x2);
    free(x3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_of_cell_inline_strings),
        cmocka_unit_test(every_kind_of_cell_shared_strings),
        cmocka_unit_test(every_kind_of_cell_1904),
        cmocka_unit_test(dates_in_both_systems),
        cmocka_unit_test(dates_excel_cannot_have),
        cmocka_unit_test(numbers_whatever_the_decimal_mark),
        cmocka_unit_test(money_units_apply_to_numbers),
        cmocka_unit_test(errors_name_the_file_row_and_column),
        cmocka_unit_test(zip_bombs_are_refused),
        cmocka_unit_test(sizes_in_headers_are_not_trusted),
        cmocka_unit_test(dtds_and_entities_are_refused),
        cmocka_unit_test(counts_that_claim_billions),
        cmocka_unit_test(bounds_on_strings_rows_and_cells),
        cmocka_unit_test(files_that_are_not_workbooks),
        cmocka_unit_test(the_data_folder_reads_workbooks),
        cmocka_unit_test(parallel_reading_equals_sequential),
        cmocka_unit_test(parallel_reading_falls_back_when_it_cannot_tell),
        cmocka_unit_test(own_reader_reads_as_libxml2),
        cmocka_unit_test(chunks_cut_where_the_xml_goes_on),
        cmocka_unit_test(a_tag_longer_than_libxml2_takes),
        cmocka_unit_test(damaged_deflate_data_fails_the_same_way),
        cmocka_unit_test(csv_and_xlsx_give_the_same_metrics),
    };
    return cmocka_run_group_tests_name("xlsx_load", tests, setup, teardown);
}
