/* dataset.h — every table of one data directory, loaded once.
 *
 * fp_dataset_load reads each file the profile names exactly once into
 * columnar tables and derives the lookups the metrics need (which team a rep
 * belongs to, which region a team is in, each customer's first won order,
 * the working-day calendar). Afterwards the dataset is immutable: any number
 * of (scope, period) queries, from any number of threads, read it without
 * parsing again.
 */
#ifndef FP_DATASET_H
#define FP_DATASET_H

#include "dict.h"
#include "error.h"
#include "period.h"
#include "profile.h"
#include "table.h"

/* the won order lines of each team (region, rep), in file order: a query for one scope reads only
 * its own lines. rows[off[id] … off[id + 1]) are the rows of dictionary id. */
typedef struct fp_row_index {
    uint32_t *off;
    uint32_t *rows;
} fp_row_index;

typedef struct fp_dataset {
    char *dir;
    fp_dict *dict[FP_DOM_COUNT];
    fp_table table[FP_TBL_COUNT];

    /* derived, all indexed by dictionary id */
    uint8_t *status_won;      /* FP_DOM_STATUS id -> 1 when the status counts as a sale */
    uint8_t *text_done;       /* FP_DOM_TEXT id -> 1 when an action status means done */
    uint32_t *person_team;    /* FP_DOM_PERSON id -> FP_DOM_TEAM id (0: unknown) */
    uint32_t *team_region;    /* FP_DOM_TEAM id -> FP_DOM_REGION id (0: unknown) */
    fp_date *person_hired;    /* FP_DOM_PERSON id -> the roster's hire date (FP_NO_DATE: not given) */
    fp_date *person_left;     /* FP_DOM_PERSON id -> the roster's leave date (FP_NO_DATE: not given) */
    uint16_t *text_stage;     /* FP_DOM_TEXT id -> 1 + its place among the profile's activity stages, 0: none */
    char **stages;            /* the profile's activity stages, first stage first */
    int nstages;
    fp_date *cust_first;      /* FP_DOM_CUSTOMER id -> date of the first won order (FP_NO_DATE: none) */
    uint32_t *cust_first_row; /* FP_DOM_CUSTOMER id -> order-table row of that order's first line */
    uint32_t *cust_rep;       /* FP_DOM_CUSTOMER id -> rep of the customer's latest won order */
    bool has_reps, has_teams, has_regions; /* the data names reps / teams / regions (columns or roster) */
    const fp_currency *currency;           /* what the amounts are in (the profile's; the yuan by default) */
    fp_calendar calendar;
    fp_date first_date, last_date; /* range of order dates (FP_NO_DATE when there are no orders) */
    size_t won_rows;
    fp_row_index by_team, by_region, by_rep; /* won order lines per FP_DOM_TEAM / REGION / PERSON id;
                                              * empty until fp_dataset_index_scopes */
    /* survey and activity rows (all of them, in file order) by the team, region and person of the rep they
     * count for: [0] team, [1] region, [2] person; empty until fp_dataset_index_scopes */
    fp_row_index surveys_by[3], activities_by[3];
} fp_dataset;

/* Loads the data directory dir as profile describes, on nthreads threads (large files are split, the
 * files load side by side; the result does not depend on nthreads). Caller frees *out with
 * fp_dataset_free. */
fp_status fp_dataset_load(const char *dir, const fp_profile *profile, int nthreads, fp_dataset **out,
                          fp_error *err);
void fp_dataset_free(fp_dataset *ds);
/* Indexes the won order lines by team, region and rep, so that each query for one of them reads only
 * its own lines: worth its cost (three passes) when many scopes are queried, as batch does. Call it
 * before the dataset is shared between threads. */
void fp_dataset_index_scopes(fp_dataset *ds);
/* the rep a survey row counts for: its own rep column, else the rep of the customer's latest won order
 * (0: none) */
uint32_t fp_survey_rep(const fp_dataset *ds, size_t r);

static inline const fp_table *fp_ds_table(const fp_dataset *ds, fp_table_id id) { return &ds->table[id]; }
static inline const char *fp_ds_str(const fp_dataset *ds, fp_domain dom, uint32_t id)
{
    return fp_dict_str(ds->dict[dom], id);
}

#endif
