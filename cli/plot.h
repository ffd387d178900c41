/* cli/plot.h - plots of a results folder, drawn by gnuplot with the scripts
 * in plots/. */
#ifndef CLI_PLOT_H
#define CLI_PLOT_H

/* Draws every plot the folder has data for; returns 0, or -1 when gnuplot
 * is missing or a script failed (a message says which). */
int plot_directory(const char *dir, int quiet);

/* The tornado plots of a sensitivity study (tornado-*.csv -> .png). */
int plot_tornados(const char *dir, int quiet);

#endif
