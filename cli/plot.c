/* cli/plot.c - runs the gnuplot scripts of plots/ over a results folder. */
#include "cli/plot.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NPUSIM_DATADIR
#define NPUSIM_DATADIR "/usr/local/share/npusim"
#endif

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* plots/ of the source tree (next to build/), or the installed copy. */
static const char *scripts_dir(void)
{
	static char dir[4096];
	const char *env = getenv("NPUSIM_PLOTS");
	if (env)
		return env;
	char self[2048];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			/* build/npusim or build/<variant>/npusim in the source tree */
			*slash = 0;
			snprintf(dir, sizeof dir, "%s/../plots/throughput.gp", self);
			if (exists(dir)) {
				snprintf(dir, sizeof dir, "%s/../plots", self);
				return dir;
			}
			snprintf(dir, sizeof dir, "%s/../../plots/throughput.gp", self);
			if (exists(dir)) {
				snprintf(dir, sizeof dir, "%s/../../plots", self);
				return dir;
			}
		}
	}
	snprintf(dir, sizeof dir, "%s/plots", NPUSIM_DATADIR);
	return dir;
}

static int gnuplot(const char *script, const char *vars, int quiet)
{
	char cmd[20480];
	snprintf(cmd, sizeof cmd, "gnuplot -e \"%s\" '%s/%s' 2>&1", vars, scripts_dir(), script);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	/* gnuplot's chatter (range warnings) is shown only when it fails */
	char out[4096] = "", line[512];
	size_t used = 0;
	while (fgets(line, sizeof line, p)) {
		size_t n = strlen(line);
		if (used + n < sizeof out) {
			memcpy(out + used, line, n + 1);
			used += n;
		}
	}
	int rc = pclose(p);
	if (rc != 0)
		fprintf(stderr, "npusim: gnuplot failed on %s:\n%s", script, out);
	(void)quiet;
	return rc == 0 ? 0 : -1;
}

int plot_directory(const char *dir, int quiet)
{
	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "npusim: gnuplot is not installed: no plots (apt-get install gnuplot-nox)\n");
		return -1;
	}
	char vars[16384], path[8192];
	int rc = 0;
	snprintf(path, sizeof path, "%s/points.csv", dir);
	if (exists(path)) {
		snprintf(vars, sizeof vars, "data='%s'; out='%s/throughput.png'", path, dir);
		rc |= gnuplot("throughput.gp", vars, quiet);
	}
	rc |= plot_tornados(dir, 1);
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "run-", 4) != 0)
			continue;
		char run[4096];
		snprintf(run, sizeof run, "%.3000s/%.255s", dir, e->d_name);
		static const char *const per_run[][2] = {
			{ "dma_depth.csv", "dma_depth.gp" },
			{ "connections.csv", "connections.gp" },
			{ "threads.csv", "threads.gp" },
		};
		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof path, "%s/%s", run, per_run[i][0]);
			if (!exists(path))
				continue;
			snprintf(vars, sizeof vars, "data='%s'; dir='%s'; title_run='%s'", path, run,
				 e->d_name);
			rc |= gnuplot(per_run[i][1], vars, quiet);
		}
	}
	closedir(d);
	if (!quiet)
		fprintf(stderr, "npusim: plots in %s (throughput.png, run-*/ *.png)\n", dir);
	return rc ? -1 : 0;
}

int plot_tornados(const char *dir, int quiet)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "tornado-", 8) != 0 || n < 12 ||
		    strcmp(e->d_name + n - 4, ".csv") != 0)
			continue;
		char vars[16384], output[256];
		snprintf(output, sizeof output, "%.*s", (int)(n - 12), e->d_name + 8);
		snprintf(vars, sizeof vars, "data='%.3000s/%.255s'; out='%.3000s/tornado-%.200s.png'; "
			 "output='%.200s'", dir, e->d_name, dir, output, output);
		rc |= gnuplot("tornado.gp", vars, quiet);
	}
	closedir(d);
	return rc ? -1 : 0;
}
