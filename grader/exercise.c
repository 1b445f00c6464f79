/* exercise.c: look-ups in the table of exercises (exercise.h). */
#include "exercise.h"

#include <string.h>

const struct exercise *
exercise_find(const char *id)
{
    for (size_t i = 0; exercises[i]; i++)
        if (strcmp(exercises[i]->id, id) == 0)
            return exercises[i];
    return NULL;
}

bool
test_is_visible(const struct test_def *def)
{
    return def->visibility == NULL || strcmp(def->visibility, "visible") == 0;
}

int
test_number(const struct exercise *ex, size_t i)
{
    int visible = 0, before = 0;

    for (size_t k = 0; k < ex->ntests; k++) {
        visible += test_is_visible(&ex->tests[k]);
        before += k < i && test_is_visible(&ex->tests[k]) == test_is_visible(&ex->tests[i]);
    }
    return test_is_visible(&ex->tests[i]) ? before + 1 : visible + before + 1;
}
