/* Tests of batch runs (batch.c, `fupan batch`): every scope once, shards that cover every scope
 * exactly once, a failing scope that does not stop the others, the manifest's checksums, the index,
 * and byte-identical reruns. */
#include "testutil.h"

#include "batch.h"
#include "dataset.h"
#include "profile.h"

#include <stdbool.h>

static char *tmp;

static int setup(void **state)
{
    (void)state;
    tmp = tu_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmrf(tmp);
    free(tmp);
    return 0;
}

static int batch(const char *args, char **out, char **err)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && SOURCE_DATE_EPOCH=1793577600 LC_ALL=C '%s' batch %s", tu_src(), tu_bin(),
             args);
    return tu_run(cmd, out, err);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *q = hay; q && (q = strstr(q, needle)) != NULL; q += strlen(needle))
        n++;
    return n;
}

static void every_team_once_with_index_and_manifest(void **state)
{
    (void)state;
    char args[2048], *out, *err;
    snprintf(args, sizeof args,
             "--template monthly --data samples/demo --period 2026-10 --as-of 2026-10-31 --rollup rollup --jobs 2 "
             "--out '%s/all'",
             tmp);
    assert_int_equal(batch(args, &out, &err), 0);
    /* not a terminal: one plain line a report, then the summary */
    assert_int_equal(count(err, "] "), 6);
    assert_contains(err, "6 reports in");
    assert_contains(err, "0 failed");
    char p[1024];
    snprintf(p, sizeof p, "%s/all/manifest.json", tmp);
    char *m = tu_read(p);
    assert_non_null(m);
    assert_contains(m, "\"reports\": 6");
    assert_contains(m, "\"failed\": 0");
    static const char *const teams[] = {"华东一组", "华东二组", "华北一组", "华南一组", "西南一组"};
    for (size_t i = 0; i < 5; i++) {
        char key[64];
        snprintf(key, sizeof key, "\"scope\": \"%s\"", teams[i]);
        assert_int_equal(count(m, key), 1);
    }
    assert_contains(m, "\"scope\": \"全公司\"");
    /* the checksum in the manifest is the file's */
    snprintf(p, sizeof p, "%s/all/华东一组-2026-10.pdf", tmp);
    char cmd[2048], *sum;
    snprintf(cmd, sizeof cmd, "sha256sum '%s' | cut -c1-64", p);
    assert_int_equal(tu_run(cmd, &sum, NULL), 0);
    sum[64] = 0;
    assert_contains(m, sum);
    free(sum);
    /* the index links every report, with its figures */
    snprintf(p, sizeof p, "%s/all/index.html", tmp);
    char *ix = tu_read(p);
    assert_non_null(ix);
    assert_contains(ix, "href=\"华东一组-2026-10.pdf\"");
    assert_contains(ix, "href=\"全公司-2026-10.html\"");
    assert_contains(ix, "544.67万元");
    assert_contains(ix, "Content-Security-Policy");
    free(ix);
    /* the same run again: the same bytes */
    char *m1 = m;
    snprintf(args, sizeof args,
             "--template monthly --data samples/demo --period 2026-10 --as-of 2026-10-31 --rollup rollup --jobs 1 "
             "--out '%s/again' --quiet",
             tmp);
    free(out);
    free(err);
    assert_int_equal(batch(args, &out, &err), 0);
    assert_string_equal(err, "");
    snprintf(p, sizeof p, "%s/again/manifest.json", tmp);
    char *m2 = tu_read(p);
    assert_string_equal(m1, m2);
    snprintf(cmd, sizeof cmd, "cd '%s' && diff -r all again", tmp);
    assert_int_equal(system(cmd), 0);
    free(m1);
    free(m2);
    free(out);
    free(err);
}

static void shards_cover_every_scope_once(void **state)
{
    (void)state;
    /* the library's own split, for reps (20 of them), in 1 to 7 shards */
    char *pp = tu_path("samples/demo/profile.xml"), *rng = tu_path("templates/profile.rng"), *data = tu_path("samples/demo");
    fp_profile *prof;
    fp_dataset *ds;
    fp_error e = {0};
    assert_int_equal(fp_profile_load(pp, rng, &prof, &e), FP_OK);
    assert_int_equal(fp_dataset_load(data, prof, 1, &ds, &e), FP_OK);
    size_t n;
    const char **names = fp_batch_scopes(ds, FP_SCOPE_REP, &n);
    assert_true(n >= 20);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(names[i - 1], names[i]) < 0); /* sorted, no duplicates */
    free(names);
    fp_dataset_free(ds);
    fp_profile_free(prof);
    free(pp), free(rng), free(data);
    /* and through the command: 3 shards of the teams write disjoint sets that together are all teams */
    char all[8192] = "";
    for (int k = 1; k <= 3; k++) {
        char args[2048], *out, *err;
        snprintf(args, sizeof args,
                 "--template monthly --data samples/demo --period 2026-10 --as-of 2026-10-31 --shard %d/3 --quiet "
                 "--out '%s/shards'",
                 k, tmp);
        assert_int_equal(batch(args, &out, &err), 0);
        char p[1024];
        snprintf(p, sizeof p, "%s/shards/manifest-%d-of-3.json", tmp, k);
        char *m = tu_read(p);
        assert_non_null(m);
        strncat(all, m, sizeof all - strlen(all) - 1);
        free(m);
        free(out);
        free(err);
    }
    static const char *const teams[] = {"华东一组", "华东二组", "华北一组", "华南一组", "西南一组"};
    for (size_t i = 0; i < 5; i++) {
        char key[64];
        snprintf(key, sizeof key, "\"scope\": \"%s\"", teams[i]);
        assert_int_equal(count(all, key), 1);
    }
    char args[256], *out, *err;
    snprintf(args, sizeof args, "--template monthly --data samples/demo --period 2026-10 --shard 4/3");
    assert_int_equal(batch(args, &out, &err), 2);
    assert_contains(err, "--shard");
    free(out);
    free(err);
}

/* none of output.c's temporary names (.fupan-…) left in tmp/sub */
static void no_temporary_files(const char *sub)
{
    char cmd[2048], *n;
    snprintf(cmd, sizeof cmd, "find '%s/%s' -name '.fupan-*' | wc -l", tmp, sub);
    assert_int_equal(tu_run(cmd, &n, NULL), 0);
    assert_int_equal(atoi(n), 0);
    free(n);
}

/* the demo's batch into tmp/sub, where a folder (not empty) has taken the file name taken: exit 1, one failed */
static void batch_with_a_name_taken(const char *sub, const char *taken, const char *team, char **out, char **err)
{
    char d[1024], cmd[4096], args[2048], want[200];
    snprintf(d, sizeof d, "%s/%s/%s", tmp, sub, taken);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && touch '%s/keep'", d, d);
    assert_int_equal(system(cmd), 0);
    snprintf(args, sizeof args,
             "--template monthly --data samples/demo --period 2026-10 --as-of 2026-10-31 --out '%s/%s'", tmp, sub);
    assert_int_equal(batch(args, out, err), 1);
    assert_contains(*err, "1 failed");
    snprintf(want, sizeof want, "failed: %s:", team);
    assert_contains(*err, want);
}

static void a_failing_scope_does_not_stop_the_others(void **state)
{
    (void)state;
    /* a folder where one team's PDF must go: that team cannot be written, the others can */
    char *out, *err;
    batch_with_a_name_taken("fail", "华北一组-2026-10.pdf", "华北一组", &out, &err);
    char p[1024];
    snprintf(p, sizeof p, "%s/fail/manifest.json", tmp);
    char *m = tu_read(p);
    assert_contains(m, "\"failed\": 1");
    assert_int_equal(count(m, "\"status\": \"ok\""), 4);
    assert_int_equal(count(m, "\"status\": \"failed\""), 1);
    free(m);
    snprintf(p, sizeof p, "%s/fail/华南一组-2026-10.pdf", tmp);
    char *pdf = tu_read(p);
    assert_non_null(pdf);
    free(pdf);
    no_temporary_files("fail");
    free(out);
    free(err);
}

/* the second file of a scope cannot be put in place (its HTML name is taken by a folder) after its PDF was:
 * the PDF goes again, so the scope is all its files or none; the files are put in place by the batch's
 * committer thread, after the report was made */
static void a_scope_is_all_its_files_or_none(void **state)
{
    (void)state;
    char *out, *err;
    batch_with_a_name_taken("half", "华东一组-2026-10.html", "华东一组", &out, &err);
    assert_contains(err, "华东一组-2026-10.html: cannot put the file in place");
    char p[1024];
    snprintf(p, sizeof p, "%s/half/华东一组-2026-10.pdf", tmp);
    assert_int_equal(access(p, F_OK), -1); /* its PDF was in place, and went */
    snprintf(p, sizeof p, "%s/half/华南一组-2026-10.pdf", tmp);
    assert_int_equal(access(p, F_OK), 0);
    snprintf(p, sizeof p, "%s/half/manifest.json", tmp);
    char *m = tu_read(p);
    assert_int_equal(count(m, "\"status\": \"ok\""), 4);
    assert_int_equal(count(m, "\"status\": \"failed\""), 1);
    free(m);
    no_temporary_files("half");
    free(out);
    free(err);
}

/* SIGINT in the middle: the reports made are whole and listed, the rest are marked, no temporary
 * file is left, and the exit code says interrupted */
static void interrupted_runs_stay_consistent(void **state)
{
    (void)state;
    char out[1024], cmd[8192], *res;
    snprintf(out, sizeof out, "%s/intr", tmp);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && (SOURCE_DATE_EPOCH=1793577600 '%s' batch --template monthly --data samples/demo --period 2026-10 "
             "--as-of 2026-10-31 --by rep --jobs 1 --out '%s' --quiet >/dev/null 2>&1 & p=$!; i=0; "
             "while [ -z \"$(ls '%s' 2>/dev/null | grep -c pdf | grep -v '^0$')\" ] && [ $i -lt 3000 ]; do "
             "sleep 0.005; i=$((i+1)); done; kill -INT $p; wait $p; echo $?)",
             tu_src(), tu_bin(), out, out);
    assert_int_equal(tu_run(cmd, &res, NULL), 0);
    int rc = atoi(res);
    free(res);
    char p[1100];
    snprintf(p, sizeof p, "%s/manifest.json", out);
    char *m = tu_read(p);
    assert_non_null(m);
    if (rc == 0) {
        /* the run was over before the signal: nothing to check but a complete manifest */
        assert_contains(m, "\"interrupted\": 0");
        free(m);
        return;
    }
    assert_int_equal(rc, 130);
    assert_true(count(m, "\"status\": \"interrupted\"") > 0);
    int made = count(m, "\"status\": \"ok\"");
    assert_true(made >= 1);
    /* every report the manifest lists as made is there, whole: its checksum matches */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && /usr/bin/python3 -c \"import json,hashlib,sys; m=json.load(open('manifest.json')); "
             "bad=[f['name'] for it in m['items'] if it['status']=='ok' for f in it['files'] "
             "if hashlib.sha256(open(f['name'],'rb').read()).hexdigest()!=f['sha256']]; sys.exit(1 if bad else 0)\"",
             out);
    assert_int_equal(system(cmd), 0);
    /* no temporary file, and no report the manifest does not list */
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '^\\.fupan-'", out); /* output.c's temporary names */
    char *n;
    tu_run(cmd, &n, NULL);
    assert_int_equal(atoi(n), 0);
    free(n);
    snprintf(cmd, sizeof cmd, "ls '%s' | grep -c '\\.pdf$'", out);
    tu_run(cmd, &n, NULL);
    assert_int_equal(atoi(n), made);
    free(n);
    free(m);
}

/* a full disk: every scope that cannot be written is reported, none leaves a file or half a file,
 * and render says so with exit 3 (needs a small tmpfs: skipped where mounting is not allowed) */
static void full_disk(void **state)
{
    (void)state;
    char mnt[1024], cmd[4096];
    snprintf(mnt, sizeof mnt, "%s/small", tmp);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && mount -t tmpfs -o size=100k tmpfs '%s' 2>/dev/null", mnt, mnt);
    if (system(cmd))
        skip();
    /* everything is measured first, the file system unmounted, then the checks */
    char args[2048], *out, *err, *err2, *files, *temps;
    snprintf(args, sizeof args,
             "--template monthly --data samples/demo --period 2026-10 --as-of 2026-10-31 --jobs 1 --out '%s/out'", mnt);
    int rc = batch(args, &out, &err);
    char p[1200];
    snprintf(p, sizeof p, "%s/out/manifest.json", mnt);
    char *m = tu_read(p);
    snprintf(cmd, sizeof cmd, "ls -a '%s/out' | grep -c -E -- '-2026-10\\.(pdf|html)$'", mnt);
    tu_run(cmd, &files, NULL);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' render --template monthly --data samples/demo --period 2026-10 --team 华南一组 "
             "--as-of 2026-10-31 --out '%s/out'",
             tu_src(), tu_bin(), mnt);
    int rc2 = tu_run(cmd, NULL, &err2);
    snprintf(cmd, sizeof cmd, "ls -a '%s/out' | grep -c '^\\.fupan-'", mnt);
    tu_run(cmd, &temps, NULL);
    snprintf(cmd, sizeof cmd, "umount '%s'", mnt);
    assert_int_equal(system(cmd), 0);

    assert_int_equal(rc, 1);
    assert_contains(err, "No space left on device");
    assert_non_null(m);
    int ok = count(m, "\"status\": \"ok\""), failed = count(m, "\"status\": \"failed\"");
    assert_int_equal(ok + failed, 5);
    assert_true(failed >= 4);
    /* only whole reports of the scopes that succeeded: both files or neither */
    assert_int_equal(atoi(files), 2 * ok);
    assert_int_equal(rc2, 3);
    assert_contains(err2, "No space left on device");
    assert_int_equal(atoi(temps), 0);
    free(m), free(out), free(err), free(err2), free(files), free(temps);
}

/* a read-only output folder: a clear error and nothing else (skipped where mounting is not allowed) */
static void read_only_output(void **state)
{
    (void)state;
    char mnt[1024], cmd[4096];
    snprintf(mnt, sizeof mnt, "%s/ro", tmp);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && mount -t tmpfs -o size=1m,ro tmpfs '%s' 2>/dev/null", mnt, mnt);
    if (system(cmd))
        skip();
    char args[2048], *out, *err, *err2;
    snprintf(args, sizeof args,
             "--template monthly --data samples/demo --period 2026-10 --as-of 2026-10-31 --out '%s/out'", mnt);
    int rc = batch(args, &out, &err);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' render --template monthly --data samples/demo --period 2026-10 --team 华南一组 "
             "--as-of 2026-10-31 --out '%s'",
             tu_src(), tu_bin(), mnt);
    int rc2 = tu_run(cmd, NULL, &err2);
    snprintf(cmd, sizeof cmd, "umount '%s'", mnt);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(rc, 3);
    assert_contains(err, "Read-only file system");
    assert_int_equal(rc2, 3);
    assert_contains(err2, "Read-only file system");
    free(out), free(err), free(err2);
}

/* a copy of the demo data with the teams renamed (sed expressions over every CSV file); returns its folder */
static char *renamed_demo(const char *name, const char *sed)
{
    char *d = malloc(strlen(tmp) + strlen(name) + 2);
    sprintf(d, "%s/%s", tmp, name);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cp -r '%s/samples/demo' '%s' && cd '%s' && sed -i %s *.csv", tu_src(), d, d, sed);
    assert_int_equal(system(cmd), 0);
    return d;
}

/* issue 15.1: teams whose names clean up to one file name (KA/大客户组, KA:大客户组, KA_大客户组; .华东一组 and
 * 华东一组) each get their own files, stable from run to run, and every checksum of the manifest is its file's */
static void scope_names_that_collide_get_their_own_files(void **state)
{
    (void)state;
    char *d = renamed_demo("clash", "-e 's/华东二组/KA\\/大客户组/g' -e 's/华北一组/KA:大客户组/g' "
                                    "-e 's/华南一组/KA_大客户组/g' -e 's/西南一组/.华东一组/g'");
    char args[2048], *out, *err;
    snprintf(args, sizeof args, "--template monthly --data '%s' --period 2026-10 --as-of 2026-10-31 --rollup rollup "
             "--quiet --out '%s/clash-out'", d, tmp);
    assert_int_equal(batch(args, &out, &err), 0);
    char cmd[2048], *ls;
    snprintf(cmd, sizeof cmd, "(cd '%s/clash-out' && ls *.pdf | wc -l && ls *.html | grep -vc '^index' && "
             "python3 -c 'import json,hashlib; m=json.load(open(\"manifest.json\")); "
             "bad=[f[\"name\"] for i in m[\"items\"] for f in i[\"files\"] "
             "if hashlib.sha256(open(f[\"name\"],\"rb\").read()).hexdigest()!=f[\"sha256\"]]; "
             "names=[f[\"name\"] for i in m[\"items\"] for f in i[\"files\"]]; "
             "print(len(bad), len(names), len(set(n.lower() for n in names)))')", tmp);
    assert_int_equal(tu_run(cmd, &ls, NULL), 0);
    /* six scopes (five teams and the roll-up): six PDFs, six reports in HTML, no checksum wrong, twelve names */
    assert_string_equal(ls, "6\n6\n0 12 12\n");
    free(ls);
    free(out);
    free(err);
    /* the same run again gives the same names */
    snprintf(args, sizeof args, "--template monthly --data '%s' --period 2026-10 --as-of 2026-10-31 --rollup rollup "
             "--quiet --out '%s/clash-again'", d, tmp);
    assert_int_equal(batch(args, &out, &err), 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && diff <(ls clash-out) <(ls clash-again) >/dev/null && echo same", tmp);
    char *same;
    char bash[2300];
    snprintf(bash, sizeof bash, "bash -c \"%s\"", cmd);
    assert_int_equal(tu_run(bash, &same, NULL), 0);
    assert_string_equal(same, "same\n");
    free(same);
    free(out);
    free(err);
    free(d);
}

/* issue 15.2: a long team name is shortened, never the period: two periods of one long-named team are two files */
static void long_scope_names_keep_the_period(void **state)
{
    (void)state;
    char *d = renamed_demo("long", "-e 's/华东二组/华东二组超长名称的团队用于测试文件名截断规则是否保留期间信息不被截断的销售团队名称/g'");
    for (int m = 9; m <= 10; m++) {
        char args[2048], *out, *err;
        snprintf(args, sizeof args, "--template monthly --data '%s' --period 2026-%02d --as-of 2026-10-31 --quiet "
                 "--out '%s/long-out'", d, m, tmp);
        assert_int_equal(batch(args, &out, &err), 0);
        free(out);
        free(err);
    }
    char cmd[1024], *ls;
    snprintf(cmd, sizeof cmd, "cd '%s/long-out' && ls | grep 超长 | sort", tmp);
    assert_int_equal(tu_run(cmd, &ls, NULL), 0);
    assert_int_equal(count(ls, "-2026-09.pdf\n"), 1);
    assert_int_equal(count(ls, "-2026-10.pdf\n"), 1);
    assert_int_equal(count(ls, "-2026-09.html\n"), 1);
    free(ls);
    free(d);
}

/* issue 15.3: two batches into one folder: the second refuses, naming the first's pid, while the first runs; a lock
 * left by a process that is gone does not block */
static void one_batch_at_a_time_per_folder(void **state)
{
    (void)state;
    char cmd[4096], *out, *err;
    /* the first: every rep, one job, in the background; paused (SIGSTOP) as soon as it holds the lock, so that
     * the second surely starts while it runs; then let go */
    snprintf(cmd, sizeof cmd, "cd '%s' && (SOURCE_DATE_EPOCH=1793577600 '%s' batch --template monthly --data samples/demo "
             "--by rep --period 2026-10 --as-of 2026-10-31 --jobs 1 --quiet --out '%s/locked' & p=$!; echo $p > "
             "'%s/first.pid'; i=0; while ! grep -qx \"$p\" '%s/locked/.fupan.lock' 2>/dev/null; do i=$((i+1)); "
             "[ $i -gt 2000 ] && { echo never-locked; break; }; sleep 0.002; done; kill -STOP $p; "
             "SOURCE_DATE_EPOCH=1793577600 '%s' batch --template monthly --data samples/demo --period 2026-10 "
             "--as-of 2026-10-31 --quiet --out '%s/locked'; echo \"second=$?\"; kill -CONT $p; wait $p; "
             "echo \"first=$?\")",
             tu_src(), tu_bin(), tmp, tmp, tmp, tu_bin(), tmp);
    tu_run(cmd, &out, &err);
    assert_not_contains(out, "never-locked");
    assert_contains(out, "second=1");
    assert_contains(out, "first=0");
    assert_contains(err, "another fupan batch");
    char p[1024];
    snprintf(p, sizeof p, "%s/first.pid", tmp);
    char *pid = tu_read(p);
    pid[strcspn(pid, "\n")] = 0;
    assert_contains(err, pid);
    free(pid);
    /* the first finished whole: every checksum of its manifest matches */
    snprintf(cmd, sizeof cmd, "cd '%s/locked' && python3 -c 'import json,hashlib; m=json.load(open(\"manifest.json\")); "
             "print(sum(hashlib.sha256(open(f[\"name\"],\"rb\").read()).hexdigest()!=f[\"sha256\"] "
             "for i in m[\"items\"] for f in i[\"files\"]), m[\"reports\"])'", tmp);
    char *chk;
    assert_int_equal(tu_run(cmd, &chk, NULL), 0);
    assert_true(!strncmp(chk, "0 ", 2));
    free(chk);
    free(out);
    free(err);
    /* a lock file from a process that is gone: the next run goes ahead */
    snprintf(p, sizeof p, "%s/locked", tmp);
    tu_writes(p, ".fupan.lock", "999999999\n");
    char args[2048];
    snprintf(args, sizeof args, "--template monthly --data samples/demo --period 2026-10 --as-of 2026-10-31 --quiet "
             "--out '%s/locked'", tmp);
    assert_int_equal(batch(args, &out, &err), 0);
    free(out);
    free(err);
}

/* issue 15.4: a batch killed half-way leaves no manifest or index that describes other files, and the next run
 * sweeps the temporary files the dead one left */
static void a_killed_batch_leaves_nothing_that_lies(void **state)
{
    (void)state;
    char args[2048], *out, *err, cmd[4096];
    /* a complete earlier batch in the folder */
    snprintf(args, sizeof args, "--template monthly --data samples/demo --by rep --period 2026-10 --as-of 2026-10-15 "
             "--quiet --out '%s/killed'", tmp);
    assert_int_equal(batch(args, &out, &err), 0);
    free(out);
    free(err);
    /* the same month again with other figures (as of the 31st, not the 15th), killed with SIGKILL once it has
     * replaced a report or two; and a temporary file as a dead run leaves it */
    snprintf(cmd, sizeof cmd, "cd '%s' && (touch '%s/mark'; sleep 0.01; SOURCE_DATE_EPOCH=1793577600 '%s' batch "
             "--template monthly --data samples/demo --by rep --period 2026-10 --as-of 2026-10-31 --jobs 1 --quiet "
             "--out '%s/killed' & p=$!; i=0; while [ -z \"$(find '%s/killed' -name '*.pdf' -newer '%s/mark')\" ]; do "
             "i=$((i+1)); [ $i -gt 3000 ] && break; sleep 0.001; done; kill -9 $p; wait $p; true)",
             tu_src(), tmp, tu_bin(), tmp, tmp, tmp);
    assert_int_equal(tu_run(cmd, NULL, NULL), 0);
    char p[1024];
    snprintf(p, sizeof p, "%s/killed", tmp);
    tu_writes(p, ".fupan-999999999-abcdef", "half a report");
    /* whatever the manifest now says is true of the files beside it */
    snprintf(cmd, sizeof cmd, "cd '%s/killed' && python3 -c 'import json,hashlib,os\n"
             "if not os.path.exists(\"manifest.json\"): print(\"none\")\n"
             "else:\n m=json.load(open(\"manifest.json\"))\n"
             " print(sum(not os.path.exists(f[\"name\"]) or hashlib.sha256(open(f[\"name\"],\"rb\").read()).hexdigest()"
             "!=f[\"sha256\"] for i in m[\"items\"] for f in i[\"files\"]))'", tmp);
    char *chk;
    assert_int_equal(tu_run(cmd, &chk, NULL), 0);
    chk[strcspn(chk, "\n")] = 0;
    if (strcmp(chk, "none") && strcmp(chk, "0"))
        fail_msg("after a kill, the manifest lists %s file(s) that are not as it says", chk);
    free(chk);
    /* the next run completes and leaves no temporary file of the dead ones */
    snprintf(args, sizeof args, "--template monthly --data samples/demo --by rep --period 2026-10 --as-of 2026-10-31 "
             "--quiet --out '%s/killed'", tmp);
    assert_int_equal(batch(args, &out, &err), 0);
    snprintf(cmd, sizeof cmd, "(ls -A '%s/killed' | grep -c '^\\.fupan-[0-9]' || true)", tmp);
    assert_int_equal(tu_run(cmd, &chk, NULL), 0);
    assert_string_equal(chk, "0\n");
    free(chk);
    free(out);
    free(err);
}

/* issue 15.8: names that fool people or tools: the index's links are percent-encoded (A#1组 and C%41组 broke
 * them), a right-to-left override does not reach a file name, and the progress lines show it escaped */
static void names_that_fool_people_or_tools(void **state)
{
    (void)state;
    char *d = renamed_demo("fool", "-e 's/华东二组/A#1组/g' -e 's/华北一组/C%41组/g' "
                                   "-e 's/华南一组/T_华南\\xE2\\x80\\xAEgpj.exe/g'");
    char args[2048], *out, *err;
    snprintf(args, sizeof args, "--template monthly --data '%s' --period 2026-10 --as-of 2026-10-31 --out '%s/fool-out'",
             d, tmp);
    assert_int_equal(batch(args, &out, &err), 0);
    char p[1024];
    snprintf(p, sizeof p, "%s/fool-out/index.html", tmp);
    char *ix = tu_read(p);
    assert_non_null(ix);
    assert_contains(ix, "href=\"A%231组-2026-10.pdf\"");
    assert_contains(ix, "href=\"C%2541组-2026-10.pdf\"");
    assert_not_contains(ix, "href=\"A#1");
    free(ix);
    char cmd[1024], *ls;
    snprintf(cmd, sizeof cmd, "ls '%s/fool-out' | grep gpj", tmp);
    assert_int_equal(tu_run(cmd, &ls, NULL), 0);
    assert_null(strstr(ls, "\xE2\x80\xAE"));
    assert_contains(ls, "T_华南_gpj.exe-2026-10.pdf");
    free(ls);
    assert_null(strstr(err, "\xE2\x80\xAE")); /* the progress line shows \u202E instead */
    assert_contains(err, "\\u202E");
    free(out);
    free(err);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_team_once_with_index_and_manifest),
        cmocka_unit_test(shards_cover_every_scope_once),
        cmocka_unit_test(a_failing_scope_does_not_stop_the_others),
        cmocka_unit_test(a_scope_is_all_its_files_or_none),
        cmocka_unit_test(interrupted_runs_stay_consistent),
        cmocka_unit_test(full_disk),
        cmocka_unit_test(read_only_output),
        cmocka_unit_test(scope_names_that_collide_get_their_own_files),
        cmocka_unit_test(long_scope_names_keep_the_period),
        cmocka_unit_test(one_batch_at_a_time_per_folder),
        cmocka_unit_test(a_killed_batch_leaves_nothing_that_lies),
        cmocka_unit_test(names_that_fool_people_or_tools),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
