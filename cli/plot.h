/* cli/plot.h - plots of a results folder, drawn by gnuplot with the scripts
 * in plots/. */
#ifndef CLI_PLOT_H
#define CLI_PLOT_H

/* Draws every plot the folder has data for; returns 0, 1 when gnuplot is
 * not installed (nothing drawn), or -1 when the folder cannot be read or a
 * script failed (its image removed). A message says which. */
int plot_directory(const char *dir, int quiet);

#endif
