/* dataset.c — loading a data directory and deriving the lookups every query
 * shares. This is the only place that decides where a file is and what
 * happens when an optional one is missing. */
#include "dataset.h"

#include "pool.h"

#include "csv_load.h"
#include "util.h"
#include "xlsx_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *join(const char *dir, const char *file)
{
    if (file[0] == '/')
        return fp_xstrdup(file);
    fp_buf b;
    fp_buf_init(&b);
    fp_buf_adds(&b, dir);
    if (b.len && b.data[b.len - 1] != '/')
        fp_buf_addc(&b, '/');
    fp_buf_adds(&b, file);
    return fp_buf_steal(&b);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void fill_from_map(fp_table *t, int col, int key_col, const uint32_t *map, uint32_t map_n)
{
    uint32_t *dst = (uint32_t *)t->col[col];
    const uint32_t *key = fp_col_text(t, key_col);
    for (size_t r = 0; r < t->nrows; r++)
        if (dst[r] == 0 && key && key[r] < map_n)
            dst[r] = map[key[r]];
}

static fp_status derive_status(fp_dataset *ds, const fp_profile *prof, fp_error *err)
{
    fp_table *o = &ds->table[FP_TBL_ORDERS];
    const fp_profile_table *pt = &prof->table[FP_TBL_ORDERS];
    uint32_t ns = fp_dict_size(ds->dict[FP_DOM_STATUS]);
    ds->status_won = fp_xcalloc(ns, 1);
    if (!o->col[FP_ORD_STATUS]) {
        /* no status column: every line is a sale */
        fp_table_add_column(o, FP_ORD_STATUS);
        ds->status_won[0] = 1;
        return FP_OK;
    }
    for (int i = 0; i < pt->nwon; i++) {
        uint32_t id;
        if (fp_dict_find(ds->dict[FP_DOM_STATUS], pt->won[i], strlen(pt->won[i]), &id))
            ds->status_won[id] = 1;
    }
    const uint32_t *st = fp_col_text(o, FP_ORD_STATUS);
    size_t won = 0;
    for (size_t r = 0; r < o->nrows; r++)
        won += ds->status_won[st[r]];
    ds->won_rows = won;
    if (o->nrows > 0 && won == 0) {
        fp_buf want, have;
        fp_buf_init(&want);
        fp_buf_init(&have);
        for (int i = 0; i < pt->nwon; i++)
            fp_buf_printf(&want, "%s\"%s\"", i ? ", " : "", pt->won[i]);
        for (uint32_t id = 1; id < ns && id < 12; id++)
            fp_buf_printf(&have, "%s\"%s\"", id > 1 ? ", " : "", fp_dict_str(ds->dict[FP_DOM_STATUS], id));
        fp_fail(err, FP_ERR_INPUT,
                "%s: no order line has a won status (the profile %s counts %s as won, but the file's statuses "
                "are %s); fix the <won> values in the profile",
                o->path, prof->path, want.data ? want.data : "nothing", have.data ? have.data : "all empty");
        fp_buf_free(&want);
        fp_buf_free(&have);
        return FP_ERR_INPUT;
    }
    return FP_OK;
}

static void derive_people(fp_dataset *ds)
{
    /* the levels the data has: reps from the orders' rep column; teams from the orders or the roster; regions
     * from the orders or the roster's region column */
    fp_table *od = &ds->table[FP_TBL_ORDERS];
    const fp_table *rs = &ds->table[FP_TBL_ROSTER];
    ds->has_reps = od->col[FP_ORD_REP] != NULL;
    ds->has_teams = od->col[FP_ORD_TEAM] != NULL || (rs->present && ds->has_reps);
    ds->has_regions = od->col[FP_ORD_REGION] != NULL || (rs->present && rs->col[FP_ROS_REGION] && ds->has_teams);
    if (!od->col[FP_ORD_REP])
        fp_table_add_column(od, FP_ORD_REP); /* no reps: every line is "(empty)" */
    uint32_t np = fp_dict_size(ds->dict[FP_DOM_PERSON]);
    uint32_t nt = fp_dict_size(ds->dict[FP_DOM_TEAM]);
    ds->person_team = fp_xcalloc(np, sizeof *ds->person_team);
    ds->team_region = fp_xcalloc(nt, sizeof *ds->team_region);
    fp_date *seen = fp_xmalloc(np * sizeof *seen);
    for (uint32_t i = 0; i < np; i++)
        seen[i] = FP_NO_DATE;
    const fp_table *o = &ds->table[FP_TBL_ORDERS];
    const uint32_t *rep = fp_col_text(o, FP_ORD_REP);
    const uint32_t *team = fp_col_text(o, FP_ORD_TEAM);
    const uint32_t *region = fp_col_text(o, FP_ORD_REGION);
    const fp_date *date = fp_col_date(o, FP_ORD_DATE);
    /* from the orders: a rep's team is the team of their latest order */
    if (team) {
        for (size_t r = 0; r < o->nrows; r++) {
            if (team[r] && date[r] >= seen[rep[r]]) {
                seen[rep[r]] = date[r];
                ds->person_team[rep[r]] = team[r];
            }
            if (region && team[r] && region[r] && !ds->team_region[team[r]])
                ds->team_region[team[r]] = region[r];
        }
    }
    free(seen);
    /* the roster, when there is one, is the truth */
    const fp_table *ro = &ds->table[FP_TBL_ROSTER];
    ds->person_hired = fp_xmalloc(np * sizeof *ds->person_hired);
    ds->person_left = fp_xmalloc(np * sizeof *ds->person_left);
    for (uint32_t i = 0; i < np; i++)
        ds->person_hired[i] = ds->person_left[i] = FP_NO_DATE;
    if (ro->present) {
        const uint32_t *name = fp_col_text(ro, FP_ROS_NAME);
        const uint32_t *rteam = fp_col_text(ro, FP_ROS_TEAM);
        const uint32_t *rregion = fp_col_text(ro, FP_ROS_REGION);
        const fp_date *hired = fp_col_date(ro, FP_ROS_HIRED), *left = fp_col_date(ro, FP_ROS_LEFT);
        for (size_t r = 0; r < ro->nrows; r++) {
            ds->person_team[name[r]] = rteam[r];
            if (rregion && rregion[r])
                ds->team_region[rteam[r]] = rregion[r];
            ds->person_hired[name[r]] = hired ? hired[r] : FP_NO_DATE;
            ds->person_left[name[r]] = left ? left[r] : FP_NO_DATE;
        }
    }
    /* orders without team or region columns take them from the roster */
    fp_table *ow = &ds->table[FP_TBL_ORDERS];
    if (!ow->col[FP_ORD_TEAM]) {
        fp_table_add_column(ow, FP_ORD_TEAM);
        fill_from_map(ow, FP_ORD_TEAM, FP_ORD_REP, ds->person_team, np);
    }
    if (!ow->col[FP_ORD_REGION]) {
        fp_table_add_column(ow, FP_ORD_REGION);
        fill_from_map(ow, FP_ORD_REGION, FP_ORD_TEAM, ds->team_region, nt);
    }
    /* targets given per rep without a team belong to the rep's team */
    fp_table *tg = &ds->table[FP_TBL_TARGETS];
    if (tg->present) {
        if (!tg->col[FP_TGT_TEAM])
            fp_table_add_column(tg, FP_TGT_TEAM);
        if (tg->col[FP_TGT_REP])
            fill_from_map(tg, FP_TGT_TEAM, FP_TGT_REP, ds->person_team, np);
        else
            fp_table_add_column(tg, FP_TGT_REP);
    }
}

static void derive_customers(fp_dataset *ds)
{
    uint32_t nc = fp_dict_size(ds->dict[FP_DOM_CUSTOMER]);
    ds->cust_first = fp_xmalloc(nc * sizeof *ds->cust_first);
    ds->cust_first_row = fp_xmalloc(nc * sizeof *ds->cust_first_row);
    ds->cust_rep = fp_xcalloc(nc, sizeof *ds->cust_rep);
    fp_date *last = fp_xmalloc(nc * sizeof *last);
    for (uint32_t i = 0; i < nc; i++) {
        ds->cust_first[i] = FP_NO_DATE;
        ds->cust_first_row[i] = UINT32_MAX;
        last[i] = FP_NO_DATE;
    }
    const fp_table *o = &ds->table[FP_TBL_ORDERS];
    const uint32_t *cust = fp_col_text(o, FP_ORD_CUSTOMER_ID);
    const uint32_t *st = fp_col_text(o, FP_ORD_STATUS);
    const uint32_t *rep = fp_col_text(o, FP_ORD_REP);
    const fp_date *date = fp_col_date(o, FP_ORD_DATE);
    ds->first_date = ds->last_date = FP_NO_DATE;
    size_t won = 0;
    for (size_t r = 0; r < o->nrows; r++) {
        fp_date d = date[r];
        if (ds->first_date == FP_NO_DATE || d < ds->first_date)
            ds->first_date = d;
        if (ds->last_date == FP_NO_DATE || d > ds->last_date)
            ds->last_date = d;
        if (!ds->status_won[st[r]])
            continue;
        won++;
        uint32_t c = cust[r];
        /* earliest date wins; on the same day, the line that comes first in the file */
        if (ds->cust_first[c] == FP_NO_DATE || d < ds->cust_first[c]) {
            ds->cust_first[c] = d;
            ds->cust_first_row[c] = (uint32_t)r;
        }
        if (last[c] == FP_NO_DATE || d >= last[c]) {
            last[c] = d;
            ds->cust_rep[c] = rep[r];
        }
    }
    ds->won_rows = won;
    free(last);
}


/* A counting sort of rows 0 … n - 1 by key[r] (rows whose key is nkeys or more are left out); with won,
 * only the rows whose status[r] won counts (the won order lines). */
static void index_keys(const uint32_t *key, size_t n, uint32_t nkeys, const uint8_t *won, const uint32_t *status,
                       fp_row_index *ix)
{
    ix->off = fp_xcalloc((size_t)nkeys + 1, sizeof *ix->off);
    size_t kept = 0;
    for (size_t r = 0; r < n; r++)
        if (key[r] < nkeys && (!won || won[status[r]])) {
            ix->off[key[r] + 1]++;
            kept++;
        }
    ix->rows = fp_xmalloc((kept ? kept : 1) * sizeof *ix->rows);
    for (uint32_t i = 0; i < nkeys; i++)
        ix->off[i + 1] += ix->off[i];
    uint32_t *fill = fp_xmalloc(((size_t)nkeys + 1) * sizeof *fill);
    memcpy(fill, ix->off, ((size_t)nkeys + 1) * sizeof *fill);
    for (size_t r = 0; r < n; r++)
        if (key[r] < nkeys && (!won || won[status[r]]))
            ix->rows[fill[key[r]]++] = (uint32_t)r;
    free(fill);
}

/* the won order lines by one column */
static void index_rows(const fp_dataset *ds, fp_domain dom, int col, fp_row_index *ix)
{
    const fp_table *o = &ds->table[FP_TBL_ORDERS];
    uint32_t n = fp_dict_size(ds->dict[dom]);
    const uint32_t *key = fp_col_text(o, col);
    if (!key) {
        ix->off = fp_xcalloc((size_t)n + 1, sizeof *ix->off);
        ix->rows = fp_xmalloc(sizeof *ix->rows);
        return;
    }
    index_keys(key, o->nrows, n, ds->status_won, fp_col_text(o, FP_ORD_STATUS), ix);
}

/* rows of a table attributed to a rep (rep[r], 0: none), by the rep's team, region and self */
static void index_by_rep(const fp_dataset *ds, const uint32_t *rep, size_t n, fp_row_index ix[3])
{
    uint32_t nteam = fp_dict_size(ds->dict[FP_DOM_TEAM]), nregion = fp_dict_size(ds->dict[FP_DOM_REGION]);
    uint32_t *key = fp_xmalloc((n ? n : 1) * sizeof *key);
    for (size_t r = 0; r < n; r++)
        key[r] = rep[r] ? ds->person_team[rep[r]] : 0;
    index_keys(key, n, nteam, NULL, NULL, &ix[0]);
    for (size_t r = 0; r < n; r++)
        key[r] = key[r] < nteam ? ds->team_region[key[r]] : 0; /* as rep_in_scope reads it */
    index_keys(key, n, nregion, NULL, NULL, &ix[1]);
    index_keys(rep, n, fp_dict_size(ds->dict[FP_DOM_PERSON]), NULL, NULL, &ix[2]);
    free(key);
}

uint32_t fp_survey_rep(const fp_dataset *ds, size_t r)
{
    const fp_table *t = &ds->table[FP_TBL_SURVEYS];
    const uint32_t *srep = fp_col_text(t, FP_SUR_REP), *scust = fp_col_text(t, FP_SUR_CUSTOMER);
    return srep && srep[r] ? srep[r] : (scust && scust[r] ? ds->cust_rep[scust[r]] : 0);
}

/* one index of fp_dataset_index_scopes: the order lines by team, region, rep; the surveys; the visits */
static void index_one(int i, void *arg)
{
    fp_dataset *ds = arg;
    const fp_table *s = &ds->table[FP_TBL_SURVEYS], *a = &ds->table[FP_TBL_ACTIVITIES];
    switch (i) {
    case 0:
        index_rows(ds, FP_DOM_TEAM, FP_ORD_TEAM, &ds->by_team);
        break;
    case 1:
        index_rows(ds, FP_DOM_REGION, FP_ORD_REGION, &ds->by_region);
        break;
    case 2:
        index_rows(ds, FP_DOM_PERSON, FP_ORD_REP, &ds->by_rep);
        break;
    case 3:
        if (s->present) {
            uint32_t *rep = fp_xmalloc((s->nrows ? s->nrows : 1) * sizeof *rep);
            for (size_t r = 0; r < s->nrows; r++)
                rep[r] = fp_survey_rep(ds, r);
            index_by_rep(ds, rep, s->nrows, ds->surveys_by);
            free(rep);
        }
        break;
    case 4:
        if (a->present)
            index_by_rep(ds, fp_col_text(a, FP_ACT_REP), a->nrows, ds->activities_by);
        break;
    }
}

void fp_dataset_index_scopes(fp_dataset *ds)
{
    if (ds->by_team.off)
        return;
    /* each index reads the dataset and writes only its own arrays: they are built side by side */
    fp_parallel_for(5, fp_ncpus(), index_one, ds);
}

/* Bounds on the number of different people, teams, regions, channels, categories and products: far
 * above any sales organisation, far below what would exhaust memory — a column over its bound is almost
 * always the wrong column in the profile (an order id mapped as the rep), and is said so. */
static fp_status check_bounds(const fp_dataset *ds, const fp_profile *prof, fp_error *err)
{
    for (int d = 0; d < FP_DOM_COUNT; d++) {
        const char *what;
        uint32_t max = fp_domain_limit((fp_domain)d, &what), n = fp_dict_size(ds->dict[d]);
        if (max && n > max + 1)
            return fp_fail(err, FP_ERR_INPUT,
                           "%s/%s: %u different %s; fupan handles at most %u (docs/data.md). Does the profile %s "
                           "map the right column?",
                           ds->dir, prof->table[FP_TBL_ORDERS].file ? prof->table[FP_TBL_ORDERS].file : "orders",
                           n - 1, what, max, prof->path);
    }
    return FP_OK;
}

static fp_status derive_calendar(fp_dataset *ds, fp_error *err)
{
    const fp_table *c = &ds->table[FP_TBL_CALENDAR];
    if (!c->present)
        return FP_OK;
    const fp_date *date = fp_col_date(c, FP_CAL_DATE);
    const uint32_t *kind = fp_col_text(c, FP_CAL_KIND);
    static const char *OFF[] = {"休", "假", "休息", "放假", "holiday", "off", "Holiday", "Off", NULL};
    static const char *WORK[] = {"班", "上班", "补班", "调休上班", "workday", "work", "Workday", "Work", NULL};
    for (size_t r = 0; r < c->nrows; r++) {
        const char *k = fp_dict_str(ds->dict[FP_DOM_TEXT], kind[r]);
        bool off = false, work = false;
        for (int i = 0; OFF[i]; i++)
            off = off || !strcmp(k, OFF[i]);
        for (int i = 0; WORK[i]; i++)
            work = work || !strcmp(k, WORK[i]);
        if (!off && !work)
            return fp_fail(err, FP_ERR_INPUT,
                           "%s:%u: unknown day kind \"%s\"; write 休 (a day off) or 班 (a working day)", c->path,
                           c->line[r], k);
        fp_calendar_add(&ds->calendar, date[r], work);
    }
    fp_calendar_sort(&ds->calendar);
    return FP_OK;
}

static void derive_done(fp_dataset *ds, const fp_profile *prof)
{
    uint32_t n = fp_dict_size(ds->dict[FP_DOM_TEXT]);
    ds->text_done = fp_xcalloc(n, 1);
    const fp_profile_table *pt = &prof->table[FP_TBL_ACTIONS];
    for (int i = 0; i < pt->ndone; i++) {
        uint32_t id;
        if (fp_dict_find(ds->dict[FP_DOM_TEXT], pt->done[i], strlen(pt->done[i]), &id))
            ds->text_done[id] = 1;
    }
    ds->currency = prof->currency ? prof->currency : fp_currency_default();
    /* the funnel stages of activity results, in the profile's order */
    const fp_profile_table *pa = &prof->table[FP_TBL_ACTIVITIES];
    ds->text_stage = fp_xcalloc(n, sizeof *ds->text_stage);
    ds->nstages = pa->nstages;
    ds->stages = fp_xcalloc(pa->nstages ? (size_t)pa->nstages : 1, sizeof *ds->stages);
    for (int i = 0; i < pa->nstages; i++) {
        ds->stages[i] = fp_xstrdup(pa->stages[i]);
        uint32_t id;
        if (fp_dict_find(ds->dict[FP_DOM_TEXT], pa->stages[i], strlen(pa->stages[i]), &id))
            ds->text_stage[id] = (uint16_t)(i + 1);
    }
}

fp_status fp_dataset_load(const char *dir, const fp_profile *prof, int nthreads, fp_dataset **out, fp_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(dir, &st) != 0)
        return fp_fail(err, FP_ERR_NOTFOUND, "%s: no such data directory", dir);
    if (!S_ISDIR(st.st_mode))
        return fp_fail(err, FP_ERR_INPUT, "%s: not a directory (--data names the folder that holds the CSV files)",
                       dir);
    fp_dataset *ds = fp_xcalloc(1, sizeof *ds);
    ds->dir = fp_xstrdup(dir);
    for (int d = 0; d < FP_DOM_COUNT; d++)
        ds->dict[d] = fp_dict_new();
    for (int t = 0; t < FP_TBL_COUNT; t++)
        fp_table_init(&ds->table[t], fp_table_spec((fp_table_id)t));

    fp_status s = FP_OK;
    fp_csv_request req[FP_TBL_COUNT];
    fp_table_loader load[FP_TBL_COUNT];
    char *paths[FP_TBL_COUNT] = {0};
    int nreq = 0;
    for (int t = 0; t < FP_TBL_COUNT && s == FP_OK; t++) {
        const fp_profile_table *pt = &prof->table[t];
        const fp_tablespec *spec = fp_table_spec((fp_table_id)t);
        if (!pt->declared)
            continue;
        char *path = join(dir, pt->file);
        if (!file_exists(path)) {
            if (pt->required)
                s = fp_fail(err, FP_ERR_NOTFOUND,
                            "%s: no such file; the profile %s (line %d) names it for the %s table (%s), which is "
                            "required",
                            path, prof->path, pt->line, spec->name, spec->doc);
            free(path);
            continue;
        }
        paths[t] = path;
        /* by what the file is, whatever its name: a workbook (.xlsx) or text */
        load[nreq] = fp_xlsx_is_workbook(path) ? fp_xlsx_load : NULL;
        req[nreq++] = (fp_csv_request){path, pt, &ds->table[t]};
    }
    if (s == FP_OK)
        s = fp_tables_load_all(req, load, nreq, ds->dict, nthreads, 0, err);
    for (int t = 0; t < FP_TBL_COUNT; t++)
        free(paths[t]);
    fp_timer tm;
    fp_timer_start(&tm);
    if (s == FP_OK)
        s = check_bounds(ds, prof, err);
    if (s == FP_OK)
        s = derive_status(ds, prof, err);
    if (s == FP_OK) {
        derive_people(ds);
        derive_customers(ds);
        derive_done(ds, prof);
        s = derive_calendar(ds, err);
    }
    fp_timer_lap(&tm, "load: checks, indexes by team/rep");
    if (s != FP_OK) {
        fp_dataset_free(ds);
        return s;
    }
    *out = ds;
    return FP_OK;
}

void fp_dataset_free(fp_dataset *ds)
{
    if (!ds)
        return;
    for (int t = 0; t < FP_TBL_COUNT; t++)
        fp_table_free(&ds->table[t]);
    for (int d = 0; d < FP_DOM_COUNT; d++)
        fp_dict_free(ds->dict[d]);
    free(ds->status_won);
    free(ds->text_done);
    free(ds->person_team);
    free(ds->team_region);
    free(ds->person_hired);
    free(ds->person_left);
    free(ds->text_stage);
    for (int i = 0; i < ds->nstages; i++)
        free(ds->stages[i]);
    free(ds->stages);
    free(ds->cust_first);
    free(ds->cust_first_row);
    free(ds->cust_rep);
    fp_row_index *ixs[9] = {&ds->by_team,         &ds->by_region,       &ds->by_rep,
                            &ds->surveys_by[0],    &ds->surveys_by[1],   &ds->surveys_by[2],
                            &ds->activities_by[0], &ds->activities_by[1], &ds->activities_by[2]};
    for (int i = 0; i < 9; i++) {
        free(ixs[i]->off);
        free(ixs[i]->rows);
    }
    fp_calendar_free(&ds->calendar);
    free(ds->dir);
    free(ds);
}
