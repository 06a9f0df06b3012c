/* targets.h — the sales, new-customer and order targets of any scope for any period.
 *
 * Targets are monthly rows, per rep or per team (docs/metrics.md, "Targets"). fp_targets_build reads
 * the rows of the months a period touches once, weighted by the share of each month's working days
 * that fall in the period (a week), and keeps them per team and per rep; the fp_target_* functions
 * then give the target of a team, a region, the company or a rep, with how many of the months the
 * period needs are covered. A target is known only when every needed month is covered: a review
 * never compares a partial target with a whole period.
 */
#ifndef FP_TARGETS_H
#define FP_TARGETS_H

#include "dataset.h"
#include "period.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct fp_target {
    bool known;               /* every needed month is covered */
    int64_t sales;            /* fen; FP_NO_MONEY unless known */
    int covered, needed;      /* months of the period covered by rows / needing a target */
    int64_t partial;          /* the covered months' sum when 0 < covered < needed, else FP_NO_MONEY */
    double new_customers;     /* rounded to one decimal; NAN unless every needed month has a value */
    double orders;            /* likewise */
} fp_target;

typedef struct fp_tcell fp_tcell;

/* One period's target rows, per team and per rep. Borrows ds; free with fp_targets_free. */
typedef struct fp_target_table {
    const fp_dataset *ds;
    fp_period period;
    int m0, nm;               /* the months touched: m0 … m0 + nm − 1, as y*12 + m − 1 */
    bool *need;               /* per month: it has a working day inside the period */
    uint32_t nteam, nperson;
    fp_tcell *team_own;       /* [team * nm + k]: rows with a team and no rep */
    fp_tcell *team_reps;      /* [team * nm + k]: rows with a rep of the team */
    fp_tcell *rep;            /* [person * nm + k]: rows with a rep */
    uint32_t *row_rep, *row_team; /* every row with a rep in the touched months: its rep and team */
    size_t nrows;
} fp_target_table;

/* The target rows of the months p touches (an empty table when the data has none). */
fp_target_table *fp_targets_build(const fp_dataset *ds, const fp_period *p);
void fp_targets_free(fp_target_table *t);

fp_target fp_target_team(const fp_target_table *t, uint32_t team);
fp_target fp_target_region(const fp_target_table *t, uint32_t region);
fp_target fp_target_company(const fp_target_table *t);
/* A rep needs targets only for the months between the roster's hire and leave dates. */
fp_target fp_target_rep(const fp_target_table *t, uint32_t person);

#endif
