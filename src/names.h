/* names.h — the names a template reads beyond the metrics: report.*, notes.* and loop.*.
 *
 * One function builds each, for the checker (stand-ins with the right shape, before any data is read)
 * and for expansion (the values): what the checker accepts is what expansion binds. */
#ifndef FP_NAMES_H
#define FP_NAMES_H

#include "notes.h"
#include "value.h"

#include <stddef.h>

/* What report.* says; NULL fields are empty strings. */
typedef struct fp_report_facts {
    const char *date;        /* the report's date, YYYY-MM-DD */
    const char *author;
    const char *title;
    const char *kind;        /* weekly, monthly, … custom */
    const char *lang;        /* zh or en */
    const char *scope_label; /* 全公司 / Company, or the scope's name */
    int lang_en;             /* report.date_zh is written in this language's style */
} fp_report_facts;

/* The key of an open object: notes.* reads any key of the notes' front matter (the checker accepts
 * any name after "notes."; expansion gives null for one the file does not have). */
#define FP_NAMES_ANY "*"

/* {report: {date, date_zh, author, title, kind, lang, scope_label}, notes: {author, role, scores: [{dimension,
 * score, comment}], <every front-matter key>}}. With facts NULL and notes NULL: the stand-ins for checking, with
 * notes open (FP_NAMES_ANY) and one score. Caller frees. */
fp_value *fp_names_report(const fp_report_facts *facts, const fp_notes *notes, int for_checking);

/* loop.*: {index (from 1), count, first, last} for element i of n; bound inside <each>, a table's rows
 * and a chart's elements. Caller frees. */
fp_value *fp_names_loop(size_t i, size_t n);

#endif
