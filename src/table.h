/* table.h — fupan's canonical tables and their typed, columnar storage.
 *
 * Whatever the user's CRM calls its columns, the profile maps them onto these
 * tables. Each table is a set of typed column arrays of nrows entries:
 *   text    uint32_t ids into the dictionary of the column's domain (0 = missing)
 *   int     int32_t  (FP_NO_INT = missing)
 *   number  double   (NaN = missing)
 *   money   int64_t  fen, 1/100 yuan (FP_NO_MONEY = missing)
 *   date    fp_date  (FP_NO_DATE = missing)
 *   rate    double   fraction, 0.05 = 5 % (NaN = missing)
 *   month   int32_t  year*12 + month-1 (FP_NO_MONTH = missing)
 * A column the file does not have is absent: its data pointer is NULL.
 *
 * The specs below are data: the loader, the profile checker and the
 * documentation generator all read them.
 */
#ifndef FP_TABLE_H
#define FP_TABLE_H

#include "date.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum fp_coltype {
    FP_T_TEXT,
    FP_T_INT,
    FP_T_NUMBER,
    FP_T_MONEY,
    FP_T_DATE,
    FP_T_RATE,
    FP_T_MONTH
} fp_coltype;

#define FP_NO_INT INT32_MIN
#define FP_NO_MONEY INT64_MIN
#define FP_NO_MONTH INT32_MIN

/* Text domains: columns of the same domain share one dictionary, so ids join across tables. */
typedef enum fp_domain {
    FP_DOM_ORDER,
    FP_DOM_CUSTOMER,
    FP_DOM_CUSTNAME,
    FP_DOM_PERSON,
    FP_DOM_TEAM,
    FP_DOM_REGION,
    FP_DOM_CHANNEL,
    FP_DOM_CATEGORY,
    FP_DOM_PRODUCT,
    FP_DOM_STATUS,
    FP_DOM_TEXT,
    FP_DOM_COUNT
} fp_domain;

/* The most different values a domain may hold (0: no bound): far above any sales organisation, far
 * below what would exhaust memory. Over it, a profile almost always maps the wrong column. what names
 * the values for messages ("people (reps)"). */
uint32_t fp_domain_limit(fp_domain d, const char **what);

typedef enum fp_table_id {
    FP_TBL_ORDERS,
    FP_TBL_TARGETS,
    FP_TBL_ROSTER,
    FP_TBL_SURVEYS,
    FP_TBL_ACTIVITIES,
    FP_TBL_ACTIONS,
    FP_TBL_CALENDAR,
    FP_TBL_COUNT
} fp_table_id;

/* Column indexes, per table, in the order of the specs. */
enum {
    FP_ORD_ORDER_ID,
    FP_ORD_LINE_NO,
    FP_ORD_DATE,
    FP_ORD_CUSTOMER_ID,
    FP_ORD_CUSTOMER_NAME,
    FP_ORD_REP,
    FP_ORD_TEAM,
    FP_ORD_REGION,
    FP_ORD_CHANNEL,
    FP_ORD_PRODUCT,
    FP_ORD_CATEGORY,
    FP_ORD_QUANTITY,
    FP_ORD_UNIT_PRICE,
    FP_ORD_DISCOUNT,
    FP_ORD_AMOUNT,
    FP_ORD_STATUS,
    FP_ORD_NCOLS
};
enum { FP_TGT_PERIOD, FP_TGT_TEAM, FP_TGT_REP, FP_TGT_SALES, FP_TGT_NEW_CUSTOMERS, FP_TGT_ORDERS, FP_TGT_NCOLS };
enum { FP_ROS_ID, FP_ROS_NAME, FP_ROS_TEAM, FP_ROS_REGION, FP_ROS_ROLE, FP_ROS_HIRED, FP_ROS_LEFT, FP_ROS_EMAIL, FP_ROS_NCOLS };
enum { FP_SUR_DATE, FP_SUR_CUSTOMER, FP_SUR_REP, FP_SUR_SCORE, FP_SUR_COMMENT, FP_SUR_NCOLS };
enum { FP_ACT_DATE, FP_ACT_REP, FP_ACT_CUSTOMER, FP_ACT_TYPE, FP_ACT_RESULT, FP_ACT_NCOLS };
enum {
    FP_IMP_ID,
    FP_IMP_PERIOD,
    FP_IMP_TEAM,
    FP_IMP_PROBLEM,
    FP_IMP_ACTION,
    FP_IMP_OWNER,
    FP_IMP_DUE,
    FP_IMP_STATUS,
    FP_IMP_DONE,
    FP_IMP_NCOLS
};
enum { FP_CAL_DATE, FP_CAL_KIND, FP_CAL_NAME, FP_CAL_NCOLS };

#define FP_MAX_COLS 16

typedef struct fp_colspec {
    const char *name;   /* canonical name used in profiles: "order_id" */
    fp_coltype type;
    fp_domain domain;   /* for text columns */
    bool required;      /* the file must have it and every cell must be filled */
    const char *doc;    /* one line for the documentation */
} fp_colspec;

typedef struct fp_tablespec {
    fp_table_id id;
    const char *name;   /* "orders" */
    bool required;      /* the data directory must have this file */
    int ncols;
    const fp_colspec *cols;
    const char *doc;
} fp_tablespec;

const fp_tablespec *fp_table_spec(fp_table_id id);
/* Looks a table up by canonical name; NULL when unknown. */
const fp_tablespec *fp_table_spec_by_name(const char *name);
/* Column index in spec by canonical name, or -1. */
int fp_table_col_index(const fp_tablespec *spec, const char *name);
const char *fp_coltype_name(fp_coltype t);

typedef struct fp_table {
    const fp_tablespec *spec;
    bool present;          /* the file was loaded */
    char *path;            /* the file it came from (owned) */
    size_t nrows;
    size_t cap;
    void *col[FP_MAX_COLS];   /* typed arrays, NULL when the file has no such column */
    uint32_t *line;           /* source line of each row, for messages */
    bool view;                /* the arrays belong to another table (a window of it, cap rows long): not
                               * freed; growing past cap moves the rows into arrays of its own */
} fp_table;

void fp_table_init(fp_table *t, const fp_tablespec *spec);
void fp_table_free(fp_table *t);
/* Allocates the column arrays for the columns that are present (present[i]). */
void fp_table_alloc(fp_table *t, const bool *present, size_t initial_rows);
/* Makes t a window of `of`: rows [off, off + cap) of its arrays (of has the same columns). */
void fp_table_view(fp_table *t, const fp_table *of, size_t off, size_t cap);
/* Makes room for one more row. */
void fp_table_reserve_row(fp_table *t);
/* Makes room for cap rows in all. */
void fp_table_reserve(fp_table *t, size_t cap);
/* Stores the missing value of column c's type in row r. */
void fp_table_set_missing(fp_table *t, int c, size_t r);
/* Adds an absent column, filled with missing values (used for derived columns). */
void fp_table_add_column(fp_table *t, int col);
size_t fp_coltype_size(fp_coltype t);

static inline const uint32_t *fp_col_text(const fp_table *t, int c) { return (const uint32_t *)t->col[c]; }
static inline const int32_t *fp_col_int(const fp_table *t, int c) { return (const int32_t *)t->col[c]; }
static inline const double *fp_col_num(const fp_table *t, int c) { return (const double *)t->col[c]; }
static inline const int64_t *fp_col_money(const fp_table *t, int c) { return (const int64_t *)t->col[c]; }
static inline const fp_date *fp_col_date(const fp_table *t, int c) { return (const fp_date *)t->col[c]; }

#endif
