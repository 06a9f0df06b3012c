/* profile.h — a data profile: how a user's CSV files map onto fupan's tables.
 *
 * A profile is an XML file (format in docs/data.md, schema in
 * templates/profile.rng). It names the file of each table, the header of each
 * canonical column (several spellings allowed: header="成交金额|金额"), the
 * encoding and delimiter when they cannot be detected, which order statuses
 * count as won and which action statuses mean done.
 */
#ifndef FP_PROFILE_H
#define FP_PROFILE_H

#include "error.h"
#include "currency.h"
#include "table.h"

typedef enum fp_encoding {
    FP_ENC_AUTO,    /* BOM, else UTF-8 if the start of the file is valid UTF-8, else GB18030 */
    FP_ENC_UTF8,
    FP_ENC_GB18030, /* also reads GBK and GB2312, which it contains */
    FP_ENC_UTF16    /* with a byte-order mark, as Excel's "Unicode text" writes */
} fp_encoding;

const char *fp_encoding_name(fp_encoding e);

#define FP_MAX_HEADERS 8

typedef struct fp_profile_column {
    int nheaders;                      /* 0: the column is not mapped */
    char *headers[FP_MAX_HEADERS];     /* accepted header spellings */
    int unit_exp10;                    /* money written in 万元 has 4 */
    int line;                          /* line in the profile, for messages */
} fp_profile_column;

typedef struct fp_profile_table {
    bool declared;
    char *file;               /* relative to the data directory */
    fp_encoding encoding;
    char delimiter;           /* 0: detect from the header line */
    bool required;
    int line;
    fp_profile_column col[FP_MAX_COLS];
    int nwon;                 /* orders: statuses that count as sales */
    char **won;
    int ndone;                /* actions: statuses that mean done */
    char **done;
    int nstages;              /* activities: the results that form a funnel, first stage first */
    char **stages;
    char *sheet;              /* a workbook's sheet to read (NULL: the first); only for .xlsx files */
    char decimal;             /* the decimal mark of amounts and numbers: '.' (default) or ',' */
    const struct fp_currency *currency; /* the profile's currency (CNY unless it says otherwise) */
} fp_profile_table;

typedef struct fp_profile {
    char *path;
    char *name;
    const struct fp_currency *currency; /* currency="USD": what amounts are in (default CNY) */
    char decimal;                       /* decimal=",": the decimal mark amounts are written with */
    fp_profile_table table[FP_TBL_COUNT];
} fp_profile;

/* Reads and checks the profile at path against the RELAX NG schema at schema_path (NULL skips the
 * schema, for tests only). Caller frees *out with fp_profile_free. */
fp_status fp_profile_load(const char *path, const char *schema_path, fp_profile **out, fp_error *err);
void fp_profile_free(fp_profile *p);

#endif
