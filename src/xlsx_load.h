/* xlsx_load.h — one sheet of an Excel workbook (.xlsx) into one typed, columnar table.
 *
 * The sheet's cells go through the CSV loader's own cell path (csv_load.h's row sink): the header is
 * the first row that is not empty and is matched against the profile, every cell is typed, interned
 * and checked exactly as the same text in a CSV file, and messages name the file, the row number (as
 * the line), the column number and header, and the text found.
 *
 * What a cell holds decides what the loader sees: a string (shared, inline, a formula's text) is text
 * like a CSV cell; a number is read as the number it is, whatever the profile's decimal mark (which
 * applies to text); a number in a cell formatted as a date (built-in formats 14–22, 27–36, 45–58, or a
 * custom format with a date or time pattern) is a date in the workbook's date system (1900, with
 * Excel's fictitious 1900-02-29, or 1904); a boolean is TRUE or FALSE.
 *
 * The workbook is treated as hostile: the inflated size of each part and of all of them is bounded
 * (zip bombs), and so are the shared strings (count and bytes), a cell's text, the rows and columns
 * (Excel's own 1,048,576 and XFD), the styles and the sheets; sizes in headers are never trusted;
 * XML with a DOCTYPE is refused (no DTD, no entity, no network). Nothing is held whole in memory but
 * the shared strings: the sheet is inflated and parsed as a stream.
 */
#ifndef FP_XLSX_LOAD_H
#define FP_XLSX_LOAD_H

#include "dict.h"
#include "error.h"
#include "profile.h"
#include "table.h"

#include <stdbool.h>
#include <stdint.h>

/* The bounds (docs/data.md, Limits). */
typedef struct fp_xlsx_limits {
    uint64_t part_bytes;   /* inflated bytes of one part of the workbook (the sheet, the shared strings …) */
    uint64_t total_bytes;  /* inflated bytes of all the parts read */
    uint32_t strings;      /* shared strings */
    uint64_t string_bytes; /* the shared strings' text */
    /* not bounds: a sheet of parallel_bytes or more (compressed; 0: 4 MB) is parsed in chunks of about
     * chunk_bytes (0: 1 MB) on several threads; tests set them low */
    uint64_t parallel_bytes;
    size_t chunk_bytes;
    bool xml_only;         /* every chunk through libxml2, none through xlsx_load.c's own reader (tests) */
} fp_xlsx_limits;

#define FP_XLSX_MAX_PART_BYTES ((uint64_t)2 << 30)   /* 2 GiB: a 1,000,000-row sheet of 16 columns is ~0.4 */
#define FP_XLSX_MAX_TOTAL_BYTES ((uint64_t)3 << 30)  /* 3 GiB */
#define FP_XLSX_MAX_STRINGS 16777216u                /* 2^24 */
#define FP_XLSX_MAX_STRING_BYTES ((uint64_t)512 << 20)
#define FP_XLSX_MAX_CELL_BYTES (4 * 32767)           /* Excel's own limit is 32,767 characters */
#define FP_XLSX_MAX_ROWS 1048576                     /* Excel's own limits */
#define FP_XLSX_MAX_COLS 16384                       /* column XFD */
#define FP_XLSX_MAX_STYLES 65536                     /* cell formats, number formats, sheets */

extern const fp_xlsx_limits fp_xlsx_default_limits;

/* Loads the sheet pt->sheet (NULL: the first visible sheet) of the workbook at path into t, as
 * fp_csv_load loads a CSV file (the same contract: fp_table_loader in csv_load.h). */
fp_status fp_xlsx_load(const char *path, const fp_profile_table *pt, fp_dict *const *dicts, fp_table *t,
                       fp_error *err);
/* The same within other bounds (tests and fuzzing). */
fp_status fp_xlsx_load_limited(const char *path, const fp_profile_table *pt, fp_dict *const *dicts, fp_table *t,
                               const fp_xlsx_limits *lim, fp_error *err);

/* The file starts as a zip archive does (PK\3\4, or an empty archive's PK\5\6): read it as a workbook.
 * Anything else is text (an old .xls is refused by the text reader, with a hint). */
bool fp_xlsx_is_workbook(const char *path);

#endif
