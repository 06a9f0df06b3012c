/* fuzz target: the .xlsx reader. An input that starts with "PK" is the workbook itself (the zip
 * container: central directory, local headers, deflate streams); any other input is the XML of the
 * parts, separated by NUL bytes — the sheet, the shared strings, the styles, the workbook, the
 * workbook's relationships — stored in a fresh archive with the default parts for those it lacks, so
 * the mutations reach the XML handlers instead of dying on a checksum. Inputs of odd length are read
 * by the parallel reader (chunks of 64 bytes), the others sequentially; the bounds are small so a
 * bomb is met quickly. */
#include "csv_load.h"
#include "profile.h"
#include "xlsx_load.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static const char *NAMES[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml",
                              "xl/_rels/workbook.xml.rels"};
static const char *DEFAULTS[] = {
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
    "</row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>O1</t></is></c><c r=\"B2\" s=\"1\"><v>46298</v></c>"
    "<c r=\"C2\"><v>12.5</v></c></row></sheetData></worksheet>",
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\"><si><t>单号</t></si>"
    "<si><t>日期</t></si><si><r><t>金</t></r><r><t>额</t></r></si></sst>",
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts count=\"1\">"
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;\"/></numFmts>"
    "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>",
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><workbookPr/>"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/></Relationships>",
};
static const char *PKG_RELS =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

static const char *PROFILE = "<profile><orders file=\"w.xlsx\">"
                             "<column name=\"order_id\" header=\"单号\"/>"
                             "<column name=\"date\" header=\"日期\"/>"
                             "<column name=\"customer_id\" header=\"客户\" />"
                             "<column name=\"rep\" header=\"销售\"/>"
                             "<column name=\"amount\" header=\"金额\"/>"
                             "<column name=\"quantity\" header=\"数量\"/>"
                             "<column name=\"discount\" header=\"折扣\"/>"
                             "</orders></profile>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    static char path[512];
    static fp_profile *prof;
    if (!prof) {
        char pp[600];
        snprintf(path, sizeof path, "/tmp/fupan-fuzz-xlsx-%d.xlsx", (int)getpid());
        snprintf(pp, sizeof pp, "/tmp/fupan-fuzz-xlsx-%d.xml", (int)getpid());
        FILE *f = fopen(pp, "wb");
        if (!f)
            abort();
        fputs(PROFILE, f);
        fclose(f);
        fp_error e = {0};
        if (fp_profile_load(pp, NULL, &prof, &e) != FP_OK)
            abort();
        unlink(pp);
    }
    unlink(path);
    if (n >= 2 && data[0] == 'P' && data[1] == 'K') {
        FILE *f = fopen(path, "wb");
        if (!f)
            abort();
        fwrite(data, 1, n, f);
        fclose(f);
    } else {
        int e;
        zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
        if (!z)
            abort();
        const uint8_t *p = data, *end = data + n;
        for (int i = 0; i < 5; i++) {
            const uint8_t *q = p < end ? memchr(p, 0, (size_t)(end - p)) : NULL;
            const uint8_t *stop = q ? q : end;
            const void *part = p < end ? (const void *)p : DEFAULTS[i];
            size_t len = p < end ? (size_t)(stop - p) : strlen(DEFAULTS[i]);
            zip_source_t *src = zip_source_buffer(z, part, len, 0);
            zip_int64_t idx = zip_file_add(z, NAMES[i], src, ZIP_FL_ENC_UTF_8);
            if (idx < 0)
                abort();
            /* stored, or deflated (read through ISA-L on the parallel path) */
            zip_set_file_compression(z, (zip_uint64_t)idx, n % 4 == 3 ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
            p = q ? q + 1 : end;
        }
        zip_source_t *src = zip_source_buffer(z, PKG_RELS, strlen(PKG_RELS), 0);
        zip_file_add(z, "_rels/.rels", src, ZIP_FL_ENC_UTF_8);
        if (zip_close(z) != 0)
            abort();
    }
    fp_dict *dicts[FP_DOM_COUNT];
    for (int d = 0; d < FP_DOM_COUNT; d++)
        dicts[d] = fp_dict_new();
    fp_table t;
    fp_table_init(&t, fp_table_spec(FP_TBL_ORDERS));
    fp_xlsx_limits lim = fp_xlsx_default_limits;
    lim.part_bytes = 16u << 20;
    lim.total_bytes = 32u << 20;
    lim.strings = 100000;
    lim.string_bytes = 4u << 20;
    if (n % 2) {
        lim.parallel_bytes = 1;
        lim.chunk_bytes = 64;
    }
    fp_error err = {0};
    fp_xlsx_load_limited(path, &prof->table[FP_TBL_ORDERS], dicts, &t, &lim, &err);
    fp_table_free(&t);
    for (int d = 0; d < FP_DOM_COUNT; d++)
        fp_dict_free(dicts[d]);
    return 0;
}
