/* notes.h — the manager's own words: a notes file whose parts go into the report.
 *
 * The format (documented in templates/README.md) is plain text:
 *
 *   ---
 *   author: 陈立峰
 *   role: 华东一组 团队经理
 *   ---
 *   # reasons
 *   十月有国庆长假，有效工作日只有 18 天……
 *
 *   - 大客户回款……
 *   - **重点**：……
 *
 *   # plans 下月计划
 *   ……
 *
 * The lines between the two "---" at the top are key: value pairs (author,
 * role, and any other key), which templates read as notes.author. Each
 * "# name" starts a part; templates place it with <notes part="name"/>. In a
 * part, blank lines separate paragraphs, lines starting with "- " or "* " are
 * bullet items, "1. " numbered items, and **text** is bold. Nothing in a notes
 * file is markup for the renderers: it is all text.
 */
#ifndef FP_NOTES_H
#define FP_NOTES_H

#include "doc.h"
#include "error.h"

typedef struct fp_notes_part {
    char *name;
    char *title;        /* the rest of the "# name title" line, may be "" */
    fp_node *body;      /* a FP_NODE_BOX used as a holder: its children are paragraphs and lists */
    int line;
} fp_notes_part;

/* 点评: a dimension of a review with its score and comment, from the part "scores", whose items are
 * "- 维度 | 分数 | 评语" (the comment may be left out) */
typedef struct fp_score {
    char *dimension;
    double score;
    char *comment;
} fp_score;

typedef struct fp_notes {
    char *path;
    size_t nmeta;
    char **keys, **values;
    size_t nparts;
    fp_notes_part *parts;
    size_t nscores;
    fp_score *scores;
} fp_notes;

#define FP_MAX_NOTES_BYTES (4u << 20)

fp_status fp_notes_load(const char *path, fp_notes **out, fp_error *err);
fp_status fp_notes_parse(const char *name, const char *text, size_t n, fp_notes **out, fp_error *err);
void fp_notes_free(fp_notes *n);
const fp_notes_part *fp_notes_find(const fp_notes *n, const char *name);
const char *fp_notes_meta(const fp_notes *n, const char *key);

#endif
