/* shmpoll.c: transport_shm_poll (chapter 10, choosing), the reference
   solution of exercise `transport` built a second time with one change:
   before a semop() that may sleep, it tries 50 times with IPC_NOWAIT. The
   difference between its figures and sysv-shm's is what the sleeps and
   wake-ups cost. A copy of the workbook without solutions/ builds this
   file to nothing, and ipcbench then leaves shm-poll out. */
#if __has_include("../../../../solutions/transport/shmtransport.c")
#define TP_POLL 50
#define transport_sysv_shm transport_shm_poll
#include "../../../../solutions/transport/shmtransport.c"
#else
typedef int no_reference_solution_here;     /* ISO C wants something here */
#endif
