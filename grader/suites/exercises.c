/* exercises.c: the exercises in course order. To add one, write its suite
 * (suite_NAME.c, defining `const struct exercise exercise_NAME`) and list it
 * here; see README.md, "Adding an exercise". */
#include "exercise.h"

extern const struct exercise exercise_keys;
extern const struct exercise exercise_shmget;
extern const struct exercise exercise_shmat;
extern const struct exercise exercise_shmctl;
extern const struct exercise exercise_semaphores;
extern const struct exercise exercise_kvstore;
extern const struct exercise exercise_msgget;
extern const struct exercise exercise_msgqueue;
extern const struct exercise exercise_msgctl;
extern const struct exercise exercise_dispatcher;
extern const struct exercise exercise_sockets;
extern const struct exercise exercise_fileserver;
extern const struct exercise exercise_transport;

const struct exercise *const exercises[] = {
    &exercise_keys,
    &exercise_shmget,
    &exercise_shmat,
    &exercise_shmctl,
    &exercise_semaphores,
    &exercise_kvstore,
    &exercise_msgget,
    &exercise_msgqueue,
    &exercise_msgctl,
    &exercise_dispatcher,
    &exercise_sockets,
    &exercise_fileserver,
    &exercise_transport,
    NULL,
};
