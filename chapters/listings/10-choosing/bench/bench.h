/* bench.h: what ipcbench measured, shared by ipcbench.c (which measures,
 * prints, records and replays) and chart.c (which draws it as SVG). */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include "transport.h"

#define NSIZES      7           /* 8 B, 64 B, 512 B, 4 KiB, 32 KiB, 256 KiB, 1 MiB */
#define MAX_TRANSPORTS 8

extern const size_t bench_sizes[NSIZES];

/* One transport's figures; 0 where nothing was measured. */
struct tp_result {
    const struct transport_ops *ops;    /* NULL in a replayed run */
    char name[16];              /* "pipe", "sysv-shm", ... */
    bool ok;                    /* every measurement finished */
    char why[160];              /* when not: what went wrong */
    double rtt_us[NSIZES];      /* median round trip, microseconds */
    double gbps[NSIZES];        /* median throughput, 10^9 bytes per second */
};

struct bench {
    struct tp_result tp[MAX_TRANSPORTS];
    int ntp;
    double memcpy_gbps[NSIZES]; /* memcpy() in cache, same sizes: the ceiling */
    double spin_gbps[NSIZES];   /* copied from CPU to CPU with no system call; 0: not measured */
    double line_rtt_us;         /* one cache line to the other CPU and back; 0: not measured */
    char cpus[160];             /* "2 CPUs (Intel(R) Xeon(R) Processor)" */
    char kernel[136];           /* "Linux 6.1.0" */
    char date[32];              /* when it was measured, "2025-12-06" */
    int instances;              /* fresh instances of each transport, median kept */
    double others_pct;          /* processor time other programs took meanwhile, % */
    double steal_pct;           /* ... and the hypervisor took (steal), % */
    bool quick;
    bool replay;                /* read from a recorded run, not measured */
};

/* "8 B", "4 KiB", "1 MiB" */
const char *size_name(size_t bytes);
/* Write b as an SVG chart to path. Return 0, or -1 with errno. */
int chart_write(const struct bench *b, const char *path);

#endif
