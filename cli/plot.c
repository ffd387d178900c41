/* cli/plot.c - runs the gnuplot scripts of plots/ over a results folder.
 * gnuplot is started with an argument vector (no shell) and reads, on its
 * standard input, the script's variables as gnuplot string literals and a
 * `load` of the script: no file or scenario name is ever parsed by a shell
 * or substituted by gnuplot (back-quotes are inert inside single quotes). */
#include "cli/plot.h"
#include "cli/plot_series.h"

#include <dirent.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/atomic_file.h"

extern char **environ;

#ifndef NPUSIM_DATADIR
#define NPUSIM_DATADIR "/usr/local/share/npusim"
#endif

static int exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* plots/ of the source tree (next to build/), or the installed copy beside
 * the program, or under the PREFIX it was built for. */
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
			/* PREFIX/bin/npusim beside PREFIX/share/npusim, wherever
			 * the installed tree was moved to (DESTDIR, another PREFIX
			 * than the build's) */
			snprintf(dir, sizeof dir, "%s/../share/npusim/plots/throughput.gp", self);
			if (exists(dir)) {
				snprintf(dir, sizeof dir, "%s/../share/npusim/plots", self);
				return dir;
			}
		}
	}
	snprintf(dir, sizeof dir, "%s/plots", NPUSIM_DATADIR);
	return dir;
}

/* A gnuplot variable holding s as a single-quoted string ('' is a quote).
 * Returns -1 for a control character, which would end gnuplot's line. */
static int put_var(FILE *f, const char *name, const char *s)
{
	fprintf(f, "%s = '", name);
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return -1;
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputs("'\n", f);
	return 0;
}

/* A PNG is complete when its last chunk is IEND. */
static int png_complete(const char *path)
{
	static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42,
						 0x60, 0x82 };
	unsigned char tail[12];
	FILE *f = fopen(path, "rb");
	int ok = f && fseek(f, -12, SEEK_END) == 0 && fread(tail, 1, 12, f) == 12 &&
		 memcmp(tail, iend, 12) == 0;
	if (f)
		fclose(f);
	return ok;
}

/* Runs `gnuplot` on the commands in `script` (a NUL-terminated text); its
 * output (range warnings) is kept in out and shown only when it fails.
 * Returns gnuplot's exit status, 127 when it cannot be started, or -1. */
static int run_gnuplot(const char *script, char *out, size_t out_len)
{
	int in_pipe[2], out_pipe[2];
	out[0] = 0;
	if (pipe(in_pipe) != 0)
		return -1;
	if (pipe(out_pipe) != 0) {
		close(in_pipe[0]);
		close(in_pipe[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 2);
	posix_spawn_file_actions_addclose(&fa, in_pipe[1]);
	posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
	char *argv[] = { "gnuplot", NULL };
	pid_t pid;
	int err = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in_pipe[0]);
	close(out_pipe[1]);
	if (err != 0) {
		close(in_pipe[1]);
		close(out_pipe[0]);
		return err == ENOENT ? 127 : -1;
	}
	/* the script is a few hundred bytes: it fits the pipe, so writing it
	 * whole before reading cannot block on gnuplot */
	size_t len = strlen(script), done = 0;
	while (done < len) {
		ssize_t w = write(in_pipe[1], script + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	close(in_pipe[1]);
	size_t used = 0;
	char buf[512];
	ssize_t n;
	while ((n = read(out_pipe[0], buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		size_t keep = (size_t)n < out_len - 1 - used ? (size_t)n : out_len - 1 - used;
		memcpy(out + used, buf, keep);
		used += keep;
	}
	out[used] = 0;
	close(out_pipe[0]);
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(ws))
		return -1;
	return WEXITSTATUS(ws);
}

/* One script: variables (name, value pairs, NULL-terminated), the PNG it
 * draws. Returns 0, 1 when gnuplot is not installed, -1 on a failure (the
 * PNG removed: no partial image under its name). */
static int gnuplot(const char *script, const char *const *vars, const char *png)
{
	char *text = NULL;
	size_t text_len = 0;
	FILE *f = open_memstream(&text, &text_len);
	if (!f)
		return -1;
	int bad = 0;
	for (unsigned i = 0; vars[i]; i += 2)
		bad |= put_var(f, vars[i], vars[i + 1]);
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", scripts_dir(), script);
	bad |= put_var(f, "npusim_script", path);
	fputs("load npusim_script\n", f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "npusim: cannot plot %s: a path holds a control character\n", png);
		free(text);
		return -1;
	}
	char out[4096];
	/* removed if the run is interrupted while gnuplot draws it */
	int slot = atomic_file_track(png);
	int rc = run_gnuplot(text, out, sizeof out);
	free(text);
	if (rc == 127) {
		atomic_file_untrack(slot);
		return 1;
	}
	if (rc != 0 || !png_complete(png)) {
		if (rc == 0)
			fprintf(stderr, "npusim: gnuplot left %s incomplete (disk full?)\n%s", png, out);
		else
			fprintf(stderr, "npusim: gnuplot failed on %s (exit %d):\n%s", script, rc, out);
		unlink(png);
		atomic_file_untrack(slot);
		return -1;
	}
	atomic_file_untrack(slot);
	return 0;
}

/* Is the folder's scenario one of the paper's Fig. 13 (summary.json names
 * it: paper-fig13, the demo's fig13)? Then the paper's plateau is drawn. */
static int fig13_scenario(const char *dir)
{
	char path[4200], line[512];
	snprintf(path, sizeof path, "%s/summary.json", dir);
	FILE *f = fopen(path, "r");
	int yes = 0;
	while (f && fgets(line, sizeof line, f)) {
		const char *s = strstr(line, "\"scenario\": \"");
		if (s) {
			yes = strstr(s, "fig13\"") != NULL;
			break;
		}
	}
	if (f)
		fclose(f);
	return yes;
}

/* throughput.png: the series of points.csv (cli/plot_series.h), written to
 * a temporary file for gnuplot. Returns as gnuplot(). */
static int plot_throughput(const char *dir, const char *points)
{
	char data[4200], png[4200], err[512], n[16];
	snprintf(data, sizeof data, "%s/.throughput.dat.%d", dir, (int)getpid());
	snprintf(png, sizeof png, "%s/throughput.png", dir);
	int slot = atomic_file_track(data);
	FILE *f = fopen(data, "w");
	struct plot_series ps;
	if (!f || plot_series_write(points, f, &ps, err, sizeof err) != 0 || fclose(f) != 0) {
		fprintf(stderr, "npusim: cannot plot %s: %s\n", png, f ? err : strerror(errno));
		unlink(data);
		atomic_file_untrack(slot);
		return -1;
	}
	static char names[PLOT_MAX_SERIES][16];
	const char *vars[2 * (PLOT_MAX_SERIES + 10) + 1];
	unsigned v = 0;
	snprintf(n, sizeof n, "%u", ps.n);
	const char *pairs[][2] = { { "data", data }, { "out", png }, { "xkey", ps.xkey },
		{ "xnumeric", ps.x_numeric ? "1" : "0" }, { "logx", ps.logx ? "1" : "0" },
		{ "keytitle", ps.key_title }, { "nseries", n },
		{ "paper", fig13_scenario(dir) ? "1" : "0" } };
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		vars[v++] = pairs[i][0];
		vars[v++] = pairs[i][1];
	}
	for (unsigned i = 0; i < ps.n; i++) {
		snprintf(names[i], sizeof names[i], "title%u", i + 1);
		vars[v++] = names[i];
		vars[v++] = ps.titles[i];
	}
	vars[v] = NULL;
	int r = gnuplot("throughput.gp", vars, png);
	unlink(data);
	atomic_file_untrack(slot);
	return r;
}

int plot_directory(const char *dir, int quiet)
{
	char path[8192], png[8192];
	int rc = 0, missing = 0;
	struct stat st;
	if (stat(dir, &st) != 0) {
		fprintf(stderr, "npusim: cannot plot %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "npusim: cannot plot %s: not a folder\n", dir);
		return -1;
	}
	snprintf(path, sizeof path, "%s/points.csv", dir);
	if (exists(path)) {
		int r = plot_throughput(dir, path);
		missing |= r == 1;
		rc |= r < 0;
		snprintf(png, sizeof png, "%.3000s/utilization.png", dir);
		const char *uvars[] = { "data", path, "out", png, NULL };
		r = gnuplot("utilization.gp", uvars, png);
		missing |= r == 1;
		rc |= r < 0;
	}
	int r = plot_tornados(dir, 1);
	missing |= r == 1;
	rc |= r < 0;
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "npusim: cannot plot %s: %s\n", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	while (!missing && (e = readdir(d))) {
		if (strncmp(e->d_name, "run-", 4) != 0)
			continue;
		char run[4096];
		snprintf(run, sizeof run, "%.3000s/%.255s", dir, e->d_name);
		static const char *const per_run[][3] = {
			{ "dma_depth.csv", "dma_depth.gp", "dma_depth.png" },
			{ "connections.csv", "connections.gp", "connections.png" },
			{ "threads.csv", "threads.gp", "threads.png" },
		};
		for (int i = 0; i < 3 && !missing; i++) {
			snprintf(path, sizeof path, "%s/%s", run, per_run[i][0]);
			if (!exists(path))
				continue;
			snprintf(png, sizeof png, "%s/%s", run, per_run[i][2]);
			const char *vars[] = { "data", path, "dir", run, "title_run", e->d_name, NULL };
			int r = gnuplot(per_run[i][1], vars, png);
			missing |= r == 1;
			rc |= r < 0;
		}
	}
	closedir(d);
	if (missing) {
		fprintf(stderr, "npusim: gnuplot is not installed: no plots (apt-get install gnuplot-nox)\n");
		return 1;
	}
	if (rc) {
		fprintf(stderr, "npusim: some plots of %s failed\n", dir);
		return -1;
	}
	if (!quiet)
		fprintf(stderr, "npusim: plots in %s (throughput.png, utilization.png, run-*/ *.png)\n", dir);
	return 0;
}

int plot_tornados(const char *dir, int quiet)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "npusim: cannot plot %s: %s\n", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	int rc = 0, missing = 0;
	while (!missing && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "tornado-", 8) != 0 || n < 12 ||
		    strcmp(e->d_name + n - 4, ".csv") != 0)
			continue;
		char path[4096], png[4096], output[256];
		snprintf(output, sizeof output, "%.*s", (int)(n - 12), e->d_name + 8);
		snprintf(path, sizeof path, "%.3000s/%.255s", dir, e->d_name);
		snprintf(png, sizeof png, "%.3000s/tornado-%.200s.png", dir, output);
		const char *vars[] = { "data", path, "out", png, "output", output, NULL };
		int r = gnuplot("tornado.gp", vars, png);
		missing |= r == 1;
		rc |= r < 0;
	}
	closedir(d);
	if (missing && !quiet)
		fprintf(stderr, "npusim: gnuplot is not installed: no plots (apt-get install gnuplot-nox)\n");
	return missing ? 1 : rc ? -1 : 0;
}
