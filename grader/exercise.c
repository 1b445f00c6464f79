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
