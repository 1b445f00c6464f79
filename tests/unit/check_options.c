/* check_options.c: the options of `ipcgrade grade`, `batch` and `merge`
 * (grader/options.c), the code tests/fuzz/fuzz_options.c fuzzes; and how
 * batch --shard splits a class (batch_shard_of(), grader/batch.c). */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "options.h"
#include "unit.h"

/* grade_args_parse() on a NULL-terminated list; returns its message. */
static char *
grade_with(struct grade_args *args, char *const *argv)
{
    int argc = 0;

    while (argv[argc])
        argc++;
    return grade_args_parse(argc, argv, args);
}

static char *
batch_with(struct batch_options *opt, char *const *argv)
{
    int argc = 0;

    while (argv[argc])
        argc++;
    return batch_args_parse(argc, argv, opt);
}

/* why is the expected message; frees it. */
static void
assert_why(char *why, const char *expected)
{
    ck_assert_ptr_nonnull(why);
    ck_assert_str_eq(why, expected);
    free(why);
}

START_TEST(grade_reads_every_option)
{
    char *argv[] = { "shmget", "exercises/shmget", "--format", "json", "-j", "2", "--test",
                     "remove", "--keep", "--visible-only", NULL };
    struct grade_args args;

    ck_assert_ptr_null(grade_with(&args, argv));
    ck_assert_str_eq(args.ex->id, "shmget");
    ck_assert_str_eq(args.dir, "exercises/shmget");
    ck_assert_int_eq(args.fmt, FORMAT_JSON);
    ck_assert_int_eq(args.opt.jobs, 2);
    ck_assert_str_eq(args.opt.only, "remove");
    ck_assert(args.opt.keep && args.opt.visible_only);
}
END_TEST

START_TEST(grade_defaults)
{
    char *argv[] = { "keys", "--format=tap", NULL };
    struct grade_args args;

    ck_assert_ptr_null(grade_with(&args, argv));
    ck_assert_ptr_null(args.dir);
    ck_assert_int_eq(args.fmt, FORMAT_TAP);
    ck_assert_int_eq(args.opt.jobs, 0);         /* one per core */
    ck_assert_ptr_null(args.opt.only);
}
END_TEST

/* The command line's messages, word for word (tests/grader.sh sees them too). */
START_TEST(grade_explains_bad_usage)
{
    struct grade_args args;

    assert_why(grade_with(&args, (char *[]){ NULL }),
               "grade needs an exercise (bin/ipcgrade list shows them)");
    assert_why(grade_with(&args, (char *[]){ "nope", NULL }),
               "no exercise \"nope\" (bin/ipcgrade list shows them)");
    assert_why(grade_with(&args, (char *[]){ "keys", "--format", NULL }),
               "--format needs one of text, json, tap, junit, autolab, prairielearn");
    assert_why(grade_with(&args, (char *[]){ "keys", "--format=xml", NULL }),
               "unknown format \"xml\": use text, json, tap, junit, autolab or prairielearn");
    assert_why(grade_with(&args, (char *[]){ "keys", "--test", NULL }),
               "--test needs a test id (or several: ID,ID)");
    assert_why(grade_with(&args, (char *[]){ "keys", "--test", "a", "--test", "b", NULL }),
               "--test is given once; list several ids as ID,ID");
    assert_why(grade_with(&args, (char *[]){ "keys", "--frobnicate", NULL }),
               "unknown option --frobnicate");
    assert_why(grade_with(&args, (char *[]){ "keys", "a", "b", NULL }), "too many arguments");
}
END_TEST

/* --jobs was read with (int)strtol(): "4294967297" became 1 and was taken. */
START_TEST(jobs_must_be_1_to_64)
{
    static const char *const bad[] = { "0", "65", "-1", "", "2x", " ", "4294967297",
                                       "-4294967295", "99999999999999999999" };
    struct grade_args args;
    struct batch_options opt;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *g[] = { "keys", "--jobs", (char *)bad[i], NULL };
        char *b[] = { "class", "-o", "out", "-j", (char *)bad[i], NULL };

        assert_why(grade_with(&args, g), "--jobs needs a number from 1 to 64");
        assert_why(batch_with(&opt, b), "--jobs needs a number from 1 to 64");
    }
    ck_assert_ptr_null(grade_with(&args, (char *[]){ "keys", "--jobs", "64", NULL }));
    ck_assert_int_eq(args.opt.jobs, 64);
}
END_TEST

START_TEST(batch_reads_and_explains)
{
    char *argv[] = { "class", "--output", "out", "--jobs", "3", "--force", NULL };
    struct batch_options opt;

    ck_assert_ptr_null(batch_with(&opt, argv));
    ck_assert_str_eq(opt.class_dir, "class");
    ck_assert_str_eq(opt.out_dir, "out");
    ck_assert_int_eq(opt.jobs, 3);
    ck_assert(opt.force);
    assert_why(batch_with(&opt, (char *[]){ "class", NULL }),
               "batch needs a class folder and -o OUT");
    assert_why(batch_with(&opt, (char *[]){ "class", "-o", NULL }), "-o needs a folder");
    assert_why(batch_with(&opt, (char *[]){ "-", NULL }), "unknown option -");
    assert_why(batch_with(&opt, (char *[]){ "a", "b", NULL }), "too many arguments");
}
END_TEST

static char *
merge_with(struct merge_options *opt, char *const *argv)
{
    int argc = 0;

    while (argv[argc])
        argc++;
    return merge_args_parse(argc, argv, opt);
}

START_TEST(shard_is_k_of_n)
{
    static const char *const bad[] = { "0/3", "4/3", "1/0", "0/0", "x", "1/2/3", "", "/3",
                                       "1/", "+1/3", " 1/3", "1/ 3", "-1/3", "1/-3", "1/3 ",
                                       "1.0/3", "1/3x", "3", "1//3", "10001/10001",
                                       "99999999999999999999/3", "4294967297/4294967297" };
    int k = -1, n = -1;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(shard_parse(bad[i], &k, &n) == -1, "\"%s\" was taken", bad[i]);
        ck_assert_int_eq(k, -1);        /* nothing written for a refused value */
    }
    ck_assert_int_eq(shard_parse(NULL, &k, &n), -1);
    ck_assert_int_eq(shard_parse("2/3", &k, &n), 0);
    ck_assert(k == 2 && n == 3);
    ck_assert_int_eq(shard_parse("1/1", &k, &n), 0);
    ck_assert(k == 1 && n == 1);
    ck_assert_int_eq(shard_parse("010/10000", &k, &n), 0);
    ck_assert(k == 10 && n == 10000);
}
END_TEST

START_TEST(batch_reads_shard)
{
    struct batch_options opt;

    ck_assert_ptr_null(batch_with(&opt, (char *[]){ "class", "-o", "out", NULL }));
    ck_assert(opt.shard == 0 && opt.nshards == 0);     /* the whole class */
    ck_assert_ptr_null(batch_with(&opt, (char *[]){ "class", "-o", "o", "--shard", "2/3",
                                                    NULL }));
    ck_assert(opt.shard == 2 && opt.nshards == 3);
    ck_assert_ptr_null(batch_with(&opt, (char *[]){ "--shard=3/3", "class", "-o", "o", NULL }));
    ck_assert(opt.shard == 3 && opt.nshards == 3);
    assert_why(batch_with(&opt, (char *[]){ "class", "-o", "o", "--shard", "0/3", NULL }),
               "--shard needs K/N with 1 <= K <= N, e.g. 2/3, not \"0/3\"");
    assert_why(batch_with(&opt, (char *[]){ "class", "-o", "o", "--shard=4/3", NULL }),
               "--shard needs K/N with 1 <= K <= N, e.g. 2/3, not \"4/3\"");
    assert_why(batch_with(&opt, (char *[]){ "class", "-o", "o", "--shard", "1\n/3", NULL }),
               "--shard needs K/N with 1 <= K <= N, e.g. 2/3, not \"1\\n/3\"");
    assert_why(batch_with(&opt, (char *[]){ "class", "-o", "o", "--shard", NULL }),
               "--shard needs K/N, e.g. 2/3 (shard K of N, 1 <= K <= N)");
}
END_TEST

START_TEST(merge_reads_and_explains)
{
    struct merge_options opt;

    ck_assert_ptr_null(merge_with(&opt, (char *[]){ "s1", "-o", "out", "s2", "s3", NULL }));
    ck_assert_str_eq(opt.out_dir, "out");
    ck_assert_uint_eq(opt.nshard_dirs, 3);
    ck_assert_str_eq(opt.shard_dirs[0], "s1");
    ck_assert_str_eq(opt.shard_dirs[2], "s3");
    free(opt.shard_dirs);
    assert_why(merge_with(&opt, (char *[]){ "s1", NULL }),
               "merge needs the shards' folders (of batch --shard) and -o OUT");
    assert_why(merge_with(&opt, (char *[]){ "--output", "out", NULL }),
               "merge needs the shards' folders (of batch --shard) and -o OUT");
    assert_why(merge_with(&opt, (char *[]){ "s1", "-o", NULL }), "-o needs a folder");
    assert_why(merge_with(&opt, (char *[]){ "s1", "--shard", "1/2", "-o", "o", NULL }),
               "unknown option --shard");
    ck_assert_ptr_null(opt.shard_dirs);         /* freed on every refusal */
}
END_TEST

/* Every pair in exactly one shard; each shard within one pair of an equal
 * share whenever N divides the pairs evenly along the diagonal, and never
 * all of one exercise while another shard has none of it. */
START_TEST(shards_split_the_class)
{
    for (int n = 1; n <= 7; n++) {
        for (size_t students = 1; students <= 9; students++) {
            size_t count[8] = { 0 }, lo = (size_t)-1, hi = 0;

            for (size_t s = 0; s < students; s++) {
                for (size_t e = 0; e < 10; e++) {
                    int k = batch_shard_of(s, e, n);

                    ck_assert(k >= 1 && k <= n);
                    count[k]++;
                }
            }
            for (int k = 1; k <= n; k++) {
                lo = count[k] < lo ? count[k] : lo;
                hi = count[k] > hi ? count[k] : hi;
            }
            /* each exercise's students spread evenly: shares differ by at
             * most one per exercise */
            ck_assert_msg(hi - lo <= 10, "%zu students in %d shards: %zu to %zu pairs",
                          students, n, lo, hi);
            if (students % (size_t)n == 0 || 10 % n == 0)
                ck_assert_msg(hi - lo <= 1, "%zu students in %d shards: %zu to %zu pairs",
                              students, n, lo, hi);
        }
    }
    /* the order of the arguments is the pair's place, nothing else */
    ck_assert_int_eq(batch_shard_of(0, 0, 3), 1);
    ck_assert_int_eq(batch_shard_of(1, 0, 3), 2);
    ck_assert_int_eq(batch_shard_of(2, 2, 3), 2);
}
END_TEST

Suite *
options_suite(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, grade_reads_every_option);
    tcase_add_test(tc, grade_defaults);
    tcase_add_test(tc, grade_explains_bad_usage);
    tcase_add_test(tc, jobs_must_be_1_to_64);
    tcase_add_test(tc, batch_reads_and_explains);
    tcase_add_test(tc, shard_is_k_of_n);
    tcase_add_test(tc, batch_reads_shard);
    tcase_add_test(tc, merge_reads_and_explains);
    tcase_add_test(tc, shards_split_the_class);
    suite_add_tcase(s, tc);
    return s;
}
