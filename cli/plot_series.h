/* cli/plot_series.h - the throughput plot's series: points.csv's medians
 * grouped by every swept key but the x axis's. */
#ifndef CLI_PLOT_SERIES_H
#define CLI_PLOT_SERIES_H

#include <stdio.h>

#define PLOT_MAX_SERIES 64

struct plot_series {
	char xkey[96];                 /* the x axis's column: connections, or the swept key */
	int x_numeric;                 /* its values are numbers (else categories) */
	int logx;                      /* numbers spanning a factor of 8 or more */
	char key_title[256];           /* the series' keys, "mode, dma.buffer" ("" for one) */
	unsigned n;
	char titles[PLOT_MAX_SERIES][256];  /* "lro, stack" */
};

/* Reads points.csv (by column name) and writes the plot's data to out:
 * one block per series (separated by two blank lines, gnuplot's `index`),
 * rows "x<TAB>x label<TAB>median<TAB>min<TAB>max". The x axis is
 * connections when it varies, else the first key that does. Returns 0, or
 * -1 with a message in err. */
int plot_series_write(const char *points_csv, FILE *out, struct plot_series *ps, char *err,
		      size_t err_len);

#endif
