/* check_options.c: the options of `ipcgrade grade` and `ipcgrade batch`
 * (grader/options.c), the code tests/fuzz/fuzz_options.c fuzzes. */
#include <stdlib.h>
#include <string.h>

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
               "--test needs a test id");
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
    suite_add_tcase(s, tc);
    return s;
}
