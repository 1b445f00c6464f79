/* chart.c: ipcbench's figures as an SVG chart (chapter 10, choosing).

   Two panels side by side, message size on both x axes (8 B to 1 MiB,
   each step 8 times the last): on the left the throughput of each
   transport in GB/s, with memcpy() in cache and the spinning copy between
   CPUs as dashed lines (memcpy() is the ceiling); on the right the round
   trip in microseconds, with the cache line's round trip as the dashed
   floor. Both y axes are logarithmic: the figures span several powers of
   ten. The legend takes as many rows as it needs, and the chart has a
   <title> and a <desc> for screen readers. Plain SVG 1.1: browsers,
   rsvg-convert (the PDF book) and EPUB readers all draw it. The title
   names the processors and the date of the run, not the kernel: a
   recorded run is drawn wherever the book is built. */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "bench.h"

#define W        980

#define PW       380            /* plot width and height of a panel */
#define PH       290
#define TOP      60
#define LEFT1    80
#define LEFT2    (LEFT1 + PW + 100)

static const char *const colours[MAX_TRANSPORTS] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf",
};

/* x of size index s in a panel starting at left. */
static double
xpos(int left, int s)
{
    return left + (double)PW * s / (NSIZES - 1);
}

/* Text with &, < and > escaped. */
static void
put_text(FILE *f, const char *s)
{
    for (; *s; s++)
        if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else
            fputc(*s, f);
}

/* The frame of a panel: box, x ticks with size names, title. */
static void
panel(FILE *f, int left, const char *title)
{
    fprintf(f, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#444'/>\n",
            left, TOP, PW, PH);
    for (int s = 0; s < NSIZES; s++) {
        double x = xpos(left, s);

        fprintf(f, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>\n", x, TOP, x,
                TOP + PH);
        fprintf(f, "<text x='%.1f' y='%d' text-anchor='middle'>%s</text>\n", x, TOP + PH + 18,
                size_name(bench_sizes[s]));
    }
    fprintf(f, "<text x='%d' y='%d' text-anchor='middle'>message size</text>\n", left + PW / 2,
            TOP + PH + 38);
    fprintf(f, "<text x='%d' y='%d' text-anchor='middle' font-weight='bold'>%s</text>\n",
            left + PW / 2, TOP - 12, title);
}

/* A polyline through the points of v that are > 0. */
static void
series(FILE *f, int left, const double *v, double (*ypos)(double), const char *colour,
       const char *dash)
{
    fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='2'%s%s%s points='", colour,
            dash ? " stroke-dasharray='" : "", dash ? dash : "", dash ? "'" : "");
    for (int s = 0; s < NSIZES; s++)
        if (v[s] > 0)
            fprintf(f, "%.1f,%.1f ", xpos(left, s), ypos(v[s]));
    fprintf(f, "'/>\n");
    for (int s = 0; s < NSIZES && !dash; s++)
        if (v[s] > 0)
            fprintf(f, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>\n", xpos(left, s),
                    ypos(v[s]), colour);
}

/* The two panels' y axes, both logarithmic: log10 of the bottom and top. */
static double left_lo, left_hi, right_lo, right_hi;

static double
y_left(double v)
{
    return TOP + PH - PH * (log10(v) - left_lo) / (left_hi - left_lo);
}

static double
y_right(double v)
{
    return TOP + PH - PH * (log10(v) - right_lo) / (right_hi - right_lo);
}

/* Grid lines and labels at the powers of ten from lo to hi. */
static void
log_grid(FILE *f, int left, double lo, double hi, double (*ypos)(double))
{
    for (double e = lo; e <= hi + 1e-9; e++) {
        double v = pow(10, e), y = ypos(v);

        fprintf(f, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#eee'/>\n", left, y,
                left + PW, y);
        fprintf(f, "<text x='%d' y='%.1f' text-anchor='end'>%g</text>\n", left - 6, y + 4, v);
    }
}

/* Widen [*lo, *hi] (in log10) to take v, if v was measured. */
static void
take(double v, double *lo, double *hi)
{
    if (v > 0) {
        *lo = fmin(*lo, floor(log10(v)));
        *hi = fmax(*hi, ceil(log10(v)));
    }
}

/* The width a legend key takes: its line, its text (at most 8 px a
   character of 13 px DejaVu Sans) and a gap. */
static int
key_width(const char *name, bool failed)
{
    return 30 + 8 * (int)strlen(name) + (failed ? 64 : 0) + 18;
}

int
chart_write(const struct bench *b, const char *path)
{
    FILE *f = fopen(path, "w");
    int legend_y = TOP + PH + 70, lx = LEFT1 - 40;
    struct { const char *name, *colour, *dash; } keys[MAX_TRANSPORTS + 3];
    int nkeys = 0;

    if (f == NULL)
        return -1;
    left_lo = right_lo = INFINITY;
    left_hi = right_hi = -INFINITY;
    for (int s = 0; s < NSIZES; s++) {
        take(b->memcpy_gbps[s], &left_lo, &left_hi);
        take(b->spin_gbps[s], &left_lo, &left_hi);
        for (int i = 0; i < b->ntp; i++) {
            take(b->tp[i].gbps[s], &left_lo, &left_hi);
            take(b->tp[i].rtt_us[s], &right_lo, &right_hi);
        }
    }
    take(b->line_rtt_us, &right_lo, &right_hi);
    if (!(left_hi > left_lo))
        left_lo = -3, left_hi = 2;
    if (!(right_hi > right_lo))
        right_lo = -1, right_hi = 4;

    /* The legend first, to know how many rows it takes: a row is full
       when the next key would pass the right edge. */
    for (int i = 0; i < b->ntp; i++)
        keys[nkeys++] = (typeof(keys[0])){ b->tp[i].name, colours[i], NULL };
    keys[nkeys++] = (typeof(keys[0])){ "memcpy() / cache line", "#000", "6,4" };
    if (b->spin_gbps[NSIZES - 1] > 0)
        keys[nkeys++] = (typeof(keys[0])){ "spin copy", "#777", "2,3" };
    int rows = 1, x = lx;
    for (int k = 0; k < nkeys; k++) {
        int w = key_width(keys[k].name, k < b->ntp && !b->tp[k].ok);

        if (x + w > W - 10 && x > lx)
            rows++, x = lx;
        x += w;
    }
    int height = legend_y + 22 * rows + 48;

    fprintf(f, "<?xml version='1.0' encoding='UTF-8'?>\n"
               "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
               "viewBox='0 0 %d %d' font-family='DejaVu Sans, Verdana, sans-serif' "
               "font-size='13' role='img' aria-labelledby='chart-title chart-desc'>\n",
            W, height, W, height);
    fprintf(f, "<title id='chart-title'>Throughput and round trip of each transport by "
               "message size, %s</title>\n", b->replay ? "recorded run" : "this run");
    fprintf(f, "<desc id='chart-desc'>Two line charts with logarithmic scales, measured on ");
    put_text(f, b->cpus);
    fprintf(f, " on %s. Left: throughput in GB/s of ", b->date);
    for (int i = 0; i < b->ntp; i++)
        fprintf(f, "%s%s", b->tp[i].name, i + 1 < b->ntp ? ", " : "");
    fprintf(f, " for messages of 8 B to 1 MiB, with memcpy() in cache (the ceiling) and the "
               "spinning copy between CPUs as dashed lines. Right: the round trip in "
               "microseconds, with the cache line's round trip as the dashed floor. The "
               "figures are those of the tables next to the chart.</desc>\n");
    fprintf(f, "<rect width='%d' height='%d' fill='white'/>\n", W, height);
    fprintf(f, "<text x='%d' y='22' text-anchor='middle' font-size='15'>", W / 2);
    put_text(f, b->replay ? "Recorded run: " : "This run: ");
    put_text(f, b->cpus);
    fprintf(f, ", %s%s</text>\n", b->date, b->quick ? " (a quick run)" : "");

    panel(f, LEFT1, "Throughput (GB/s, log scale, higher is better)");
    log_grid(f, LEFT1, left_lo, left_hi, y_left);
    series(f, LEFT1, b->memcpy_gbps, y_left, "#000", "6,4");
    series(f, LEFT1, b->spin_gbps, y_left, "#777", "2,3");
    for (int i = 0; i < b->ntp; i++)
        series(f, LEFT1, b->tp[i].gbps, y_left, colours[i], NULL);

    panel(f, LEFT2, "Round trip (\xc2\xb5s, log scale, lower is better)");
    log_grid(f, LEFT2, right_lo, right_hi, y_right);
    if (b->line_rtt_us > 0) {
        double line[NSIZES];

        for (int s = 0; s < NSIZES; s++)
            line[s] = b->line_rtt_us;
        series(f, LEFT2, line, y_right, "#000", "6,4");
    }
    for (int i = 0; i < b->ntp; i++)
        series(f, LEFT2, b->tp[i].rtt_us, y_right, colours[i], NULL);

    /* The legend, in as many rows under both panels as it needs. */
    x = lx;
    for (int k = 0; k < nkeys; k++) {
        bool failed = k < b->ntp && !b->tp[k].ok;
        int w = key_width(keys[k].name, failed);

        if (x + w > W - 10 && x > lx)
            legend_y += 22, x = lx;
        fprintf(f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='%s' stroke-width='2'",
                x, legend_y, x + 24, legend_y, keys[k].colour);
        if (keys[k].dash)
            fprintf(f, " stroke-dasharray='%s'", keys[k].dash);
        fprintf(f, "/>\n<text x='%d' y='%d'>%s%s</text>\n", x + 30, legend_y + 4,
                keys[k].name, failed ? " (failed)" : "");
        x += w;
    }
    fprintf(f, "<text x='%d' y='%d' fill='#555'>memcpy(): one CPU copying in its cache, the "
               "ceiling (left). Cache line: its round trip between the CPUs (right).</text>\n",
            lx, legend_y + 28);
    fprintf(f, "<text x='%d' y='%d' fill='#555'>Spin copy: bytes copied from CPU to CPU "
               "through shared memory, both sides spinning, no system call.</text>\n",
            lx, legend_y + 46);
    fprintf(f, "</svg>\n");
    if (ferror(f)) {
        int saved = errno;

        fclose(f);
        errno = saved ? saved : EIO;
        return -1;
    }
    return fclose(f) == 0 ? 0 : -1;
}
