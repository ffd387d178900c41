/* cli/sensitivity.c - the study's design, its runs as a run list, and the
 * analysis of their results (see cli/sensitivity.h). */
#include "cli/sensitivity.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/csv.h"
#include "cli/plot.h"
#include "host/client.h"
#include "sim/atomic_file.h"
#include "sim/rng.h"

#define MAX_PARAMS 32
#define MAX_COUNTS 32
#define MORRIS_LEVELS 4                 /* grid 0, 1/3, 2/3, 1 */
/* Morris's step for an even number of levels: p / (2 (p - 1)) */
#define MORRIS_DELTA ((double)MORRIS_LEVELS / (2.0 * (MORRIS_LEVELS - 1)))

struct param {
	char key[96];                   /* section.key */
	char low[64], high[64];         /* as written */
	double lo, hi;
	char unit[16];
	int integer;                    /* both ends integers without a unit */
};

enum point_kind { BASELINE, LOW, HIGH, MORRIS };
static const char *const kind_names[] = { "baseline", "low", "high", "morris" };

struct design_point {
	enum point_kind kind;
	unsigned trajectory, step;
	int changed;                    /* parameter index, -1: none */
	double delta;                   /* the changed one's step (Morris) */
	double x[MAX_PARAMS];           /* Morris: each parameter in [0, 1] */
};

struct sensitivity_design {
	char path[4096];
	char *text;                     /* the file, study lines made comments */
	const char *const *sets;
	unsigned n_sets;
	struct param params[MAX_PARAMS];
	unsigned k;
	unsigned counts[MAX_COUNTS], n_counts;
	unsigned plateau[MAX_COUNTS], n_plateau;
	char starvation[2048];
	unsigned trajectories;
	uint64_t seed;
	struct design_point *points;
	unsigned n_points;
	struct scenario job;            /* the last run's scenario */
	int job_built;
};

/* The runs of one design point: LRO at each count, NIC at each plateau
 * count, the starvation run. */
static unsigned experiments(const struct sensitivity_design *d)
{
	return d->n_counts + d->n_plateau + 1;
}

/* ---- the study file ---- */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

static int parse_counts(char *v, unsigned *out, unsigned *n)
{
	*n = 0;
	for (char *tok = strtok(v, ", "); tok; tok = strtok(NULL, ", ")) {
		char *end;
		unsigned long c = strtoul(tok, &end, 10);
		if (*end || c < 1 || c > CLIENT_MAX_CONNECTIONS || *n == MAX_COUNTS)
			return -1;
		out[(*n)++] = (unsigned)c;
	}
	return *n ? 0 : -1;
}

/* "LOW .. HIGH", both with the same unit suffix. */
static int parse_range(const char *key, char *v, struct param *p)
{
	char *dots = strstr(v, "..");
	if (!dots)
		return -1;
	*dots = 0;
	snprintf(p->key, sizeof p->key, "%s", key);
	snprintf(p->low, sizeof p->low, "%s", trim(v));
	snprintf(p->high, sizeof p->high, "%s", trim(dots + 2));
	char *u1, *u2;
	p->lo = strtod(p->low, &u1);
	p->hi = strtod(p->high, &u2);
	if (u1 == p->low || u2 == p->high || strcmp(u1, u2) || strlen(u1) >= sizeof p->unit ||
	    strchr(p->low, ',') || !(p->lo < p->hi))
		return -1;
	snprintf(p->unit, sizeof p->unit, "%s", u1);
	p->integer = !*u1 && !strchr(p->low, '.') && !strchr(p->high, '.');
	return 0;
}

static int study_key(struct sensitivity_design *d, int free_section, char *name, char *value)
{
	if (free_section) {
		for (unsigned i = 0; i < d->k; i++)
			if (!strcmp(d->params[i].key, name))
				return -1;      /* listed twice */
		if (d->k == MAX_PARAMS)
			return -1;
		return parse_range(name, value, &d->params[d->k++]);
	}
	if (!strcmp(name, "connections"))
		return parse_counts(value, d->counts, &d->n_counts);
	if (!strcmp(name, "plateau"))
		return parse_counts(value, d->plateau, &d->n_plateau);
	if (!strcmp(name, "starvation")) {
		snprintf(d->starvation, sizeof d->starvation, "%s", value);
		return 0;
	}
	char *end;
	unsigned long long n = strtoull(value, &end, 10);
	if (*end)
		return -1;
	if (!strcmp(name, "trajectories") && n >= 1 && n <= 100) {
		d->trajectories = (unsigned)n;
		return 0;
	}
	if (!strcmp(name, "seed")) {
		d->seed = n;
		return 0;
	}
	return -1;
}

static const char study_help[] =
	"expected connections = N, N, ...; plateau = N, ...; starvation = section.key=value ...; "
	"trajectories = 1..100; seed = N; and in [sensitivity.free] section.key = LOW .. HIGH "
	"(the same unit at both ends, LOW < HIGH, each parameter once, at most 32)";

/* Reads the file; the study's sections become comments in d->text (so the
 * scenario parser's line numbers stay right). 1: no study sections. */
static int read_study(struct sensitivity_design *d, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "npusim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *text = NULL, line[4096];
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int in_study = 0, free_section = 0, found = 0, line_no = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		line_no++;
		char copy[4096];
		snprintf(copy, sizeof copy, "%s", line);
		copy[strcspn(copy, "\n")] = 0;
		char *comment = strpbrk(copy, ";#");
		if (comment)
			*comment = 0;
		char *s = trim(copy);
		if (*s == '[') {
			in_study = !strcmp(s, "[sensitivity]") || !strcmp(s, "[sensitivity.free]");
			free_section = !strcmp(s, "[sensitivity.free]");
			found |= in_study;
		} else if (in_study && *s) {
			char *eq = strchr(s, '=');
			if (eq)
				*eq = 0;
			if (!eq || study_key(d, free_section, trim(s), trim(eq + 1)) != 0) {
				fprintf(stderr, "npusim: %s:%d: %s: %s\n", path, line_no, trim(s),
					study_help);
				rc = -1;
			}
		}
		fputs(in_study ? ";\n" : line, out);
	}
	fclose(f);
	fclose(out);
	d->text = text;
	if (rc == 0 && found && (!d->n_counts || !d->n_plateau || !d->k || !d->trajectories)) {
		fprintf(stderr, "npusim: %s: a study needs connections, plateau, trajectories and "
				"at least one parameter in [sensitivity.free]\n", path);
		rc = -1;
	}
	if (rc == 0 && found) {
		int one = 0;
		for (unsigned i = 0; i < d->n_counts; i++)
			one |= d->counts[i] == 1;
		for (unsigned i = 0; i < d->n_plateau; i++) {
			int in = 0;
			for (unsigned j = 0; j < d->n_counts; j++)
				in |= d->counts[j] == d->plateau[i];
			if (!in) {
				fprintf(stderr, "npusim: %s: plateau count %u is not among the "
						"connections\n", path, d->plateau[i]);
				rc = -1;
			}
		}
		if (!one) {
			fprintf(stderr, "npusim: %s: connections must include 1 (LRO at 1 "
					"connection)\n", path);
			rc = -1;
		}
	}
	return rc ? -1 : found ? 0 : 1;
}

/* ---- the design ---- */

static void add_point(struct sensitivity_design *d, enum point_kind kind, unsigned t,
		      unsigned step, int changed, double delta, const double *x)
{
	struct design_point *p = &d->points[d->n_points++];
	p->kind = kind;
	p->trajectory = t;
	p->step = step;
	p->changed = changed;
	p->delta = delta;
	for (unsigned i = 0; i < d->k; i++)
		p->x[i] = x ? x[i] : 0;
}

/* Baseline, each parameter at its low and high end, then the Morris
 * trajectories: a random start on the grid, then each parameter in a
 * random order moved by +-delta (Morris 1991, the trajectory design). */
static int make_design(struct sensitivity_design *d)
{
	d->points = calloc(1 + 2 * d->k + d->trajectories * (d->k + 1), sizeof *d->points);
	if (!d->points)
		return -1;
	add_point(d, BASELINE, 0, 0, -1, 0, NULL);
	for (unsigned i = 0; i < d->k; i++) {
		add_point(d, LOW, 0, 0, (int)i, 0, NULL);
		add_point(d, HIGH, 0, 0, (int)i, 0, NULL);
	}
	sim_rng rng;
	sim_rng_stream(&rng, d->seed, "sensitivity.morris");
	for (unsigned t = 0; t < d->trajectories; t++) {
		double x[MAX_PARAMS], dir[MAX_PARAMS];
		unsigned order[MAX_PARAMS];
		for (unsigned i = 0; i < d->k; i++) {
			x[i] = (double)sim_rng_below(&rng, MORRIS_LEVELS) / (MORRIS_LEVELS - 1);
			dir[i] = x[i] + MORRIS_DELTA <= 1 + 1e-9 ? MORRIS_DELTA : -MORRIS_DELTA;
			order[i] = i;
		}
		for (unsigned i = d->k; i-- > 1;) {
			unsigned j = (unsigned)sim_rng_below(&rng, i + 1);
			unsigned tmp = order[i];
			order[i] = order[j];
			order[j] = tmp;
		}
		add_point(d, MORRIS, t, 0, -1, 0, x);
		for (unsigned s = 0; s < d->k; s++) {
			unsigned i = order[s];
			x[i] += dir[i];
			add_point(d, MORRIS, t, s + 1, (int)i, dir[i], x);
		}
	}
	return 0;
}

static void param_value(const struct param *p, double x, char *out, size_t len)
{
	double v = p->lo + x * (p->hi - p->lo);
	if (x <= 0)
		snprintf(out, len, "%s", p->low);
	else if (x >= 1)
		snprintf(out, len, "%s", p->high);
	else if (p->integer)
		snprintf(out, len, "%.0f", round(v));
	else
		snprintf(out, len, "%.6g%s", v, p->unit);
}

/* The value a design point gives parameter i, or NULL: the scenario's. */
static const char *point_value(const struct sensitivity_design *d,
			       const struct design_point *p, unsigned i, char *buf, size_t len)
{
	const struct param *q = &d->params[i];
	switch (p->kind) {
	case LOW:
		return (int)i == p->changed ? q->low : NULL;
	case HIGH:
		return (int)i == p->changed ? q->high : NULL;
	case MORRIS:
		param_value(q, p->x[i], buf, len);
		return buf;
	default:
		return NULL;
	}
}

/* Run r's role: "lro", "nic" or "starvation", and its connection count. */
static const char *run_role(const struct sensitivity_design *d, unsigned r, unsigned *conns,
			    int *plateau)
{
	unsigned e = r % experiments(d);
	*plateau = 0;
	*conns = 0;
	if (e < d->n_counts) {
		*conns = d->counts[e];
		for (unsigned i = 0; i < d->n_plateau; i++)
			*plateau |= d->plateau[i] == *conns;
		return "lro";
	}
	if (e < d->n_counts + d->n_plateau) {
		*conns = d->plateau[e - d->n_counts];
		*plateau = 1;
		return "nic";
	}
	return "starvation";
}

static int set(struct scenario *sc, const char *assignment, char *err, size_t err_len)
{
	if (scenario_set(sc, assignment, err, err_len) == 0)
		return 0;
	return -1;
}

/* Run r's scenario: the file, the --set options, the run's experiment, its
 * design point's parameters. */
static int study_get(void *ctx, unsigned r, const struct scenario **out,
		     struct scenario_point *p, char *err, size_t err_len)
{
	struct sensitivity_design *d = ctx;
	struct scenario *sc = &d->job;
	if (d->job_built)
		scenario_free(sc);
	d->job_built = 0;
	if (scenario_init(sc) != 0 || scenario_load(sc, d->path, d->text, err, err_len) != 0) {
		return -1;
	}
	d->job_built = 1;
	for (unsigned i = 0; i < d->n_sets; i++)
		if (set(sc, d->sets[i], err, err_len))
			return -1;
	unsigned conns;
	int plateau;
	const char *role = run_role(d, r, &conns, &plateau);
	char a[2200];
	if (strcmp(role, "starvation") != 0) {
		snprintf(a, sizeof a, "run.mode=%s", role);
		if (set(sc, a, err, err_len))
			return -1;
		snprintf(a, sizeof a, "run.connections=%u", conns);
		if (set(sc, a, err, err_len))
			return -1;
	} else {
		snprintf(a, sizeof a, "%s", d->starvation);
		for (char *tok = strtok(a, " \t"); tok; tok = strtok(NULL, " \t")) {
			if (set(sc, tok, err, err_len)) {
				size_t n = strlen(err);
				snprintf(err + n, err_len - n, " (in [sensitivity] starvation)");
				return -1;
			}
		}
	}
	const struct design_point *dp = &d->points[r / experiments(d)];
	for (unsigned i = 0; i < d->k; i++) {
		char buf[64];
		const char *v = point_value(d, dp, i, buf, sizeof buf);
		if (!v)
			continue;
		snprintf(a, sizeof a, "%s=%s", d->params[i].key, v);
		if (set(sc, a, err, err_len)) {
			size_t n = strlen(err);
			snprintf(err + n, err_len - n, " (in [sensitivity.free])");
			return -1;
		}
	}
	if (scenario_runs(sc) != 1) {
		snprintf(err, err_len, "%s: a study's runs must each be one point (no sweeps, "
			 "repeat 1): run %u expands into %u", d->path, r, scenario_runs(sc));
		return -1;
	}
	scenario_point(sc, 0, p);
	p->run = r;
	*out = sc;
	return 0;
}

static int scenario_get(void *ctx, unsigned run, const struct scenario **sc,
			struct scenario_point *p, char *err, size_t err_len)
{
	(void)err;
	(void)err_len;
	*sc = ctx;
	scenario_point(*sc, run, p);
	return 0;
}

int sensitivity_prepare(struct sensitivity_study *st, const char *path,
			const char *const *sets, unsigned n_sets)
{
	char err[1024];
	memset(st, 0, sizeof *st);
	struct sensitivity_design *d = calloc(1, sizeof *d);
	if (!d)
		return -1;
	st->design = d;
	snprintf(d->path, sizeof d->path, "%s", path);
	d->sets = sets;
	d->n_sets = n_sets;
	d->trajectories = 4;
	d->seed = 1;
	int rc = read_study(d, path);
	if (rc < 0)
		return -1;
	st->is_study = rc == 0;
	if (scenario_init(&st->base) != 0 ||
	    scenario_load(&st->base, path, d->text, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		return -1;
	}
	for (unsigned i = 0; i < n_sets; i++) {
		if (scenario_set(&st->base, sets[i], err, sizeof err) != 0) {
			fprintf(stderr, "npusim: %s\n", err);
			return -1;
		}
	}
	if (!st->is_study) {
		struct run_list l = { "run", st->base.name, scenario_runs(&st->base),
				      scenario_repeats(&st->base), scenario_get, &st->base };
		st->list = l;
		if (scenario_check(&st->base, err, sizeof err) != 0) {
			fprintf(stderr, "npusim: %s\n", err);
			return -1;
		}
		return 0;
	}
	if (make_design(d) != 0)
		return -1;
	struct run_list l = { "sensitivity", st->base.name, d->n_points * experiments(d), 1,
			      study_get, d };
	st->list = l;
	/* every run builds */
	for (unsigned r = 0; r < l.runs; r++) {
		const struct scenario *sc;
		struct scenario_point p;
		struct testbed_config c;
		if (study_get(d, r, &sc, &p, err, sizeof err) != 0 ||
		    scenario_config(sc, &p, &c, err, sizeof err) != 0) {
			fprintf(stderr, "npusim: %s\n", err);
			return -1;
		}
	}
	return 0;
}

void sensitivity_release(struct sensitivity_study *st)
{
	struct sensitivity_design *d = st->design;
	scenario_free(&st->base);
	if (!d)
		return;
	if (d->job_built)
		scenario_free(&d->job);
	free(d->points);
	free(d->text);
	free(d);
	st->design = NULL;
}

/* ---- the design file: one row per run, joined with results.csv on run ---- */

static struct atomic_file *open_output(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return atomic_file_create(path);
}

static const char design_file[] = "sensitivity-design.csv";

static int write_design(const struct sensitivity_design *d, const char *dir)
{
	struct atomic_file *af = open_output(dir, design_file);
	if (!af)
		return -1;
	FILE *f = atomic_file_stream(af);
	fprintf(f, "run,point,kind,trajectory,step,changed,delta,role,connections,plateau");
	for (unsigned i = 0; i < d->k; i++)
		fprintf(f, ",%s", d->params[i].key);
	fputc('\n', f);
	unsigned runs = d->n_points * experiments(d);
	for (unsigned r = 0; r < runs; r++) {
		const struct design_point *p = &d->points[r / experiments(d)];
		unsigned conns;
		int plateau;
		const char *role = run_role(d, r, &conns, &plateau);
		fprintf(f, "%u,%u,%s,%u,%u,%s,%.6f,%s,%u,%d", r, r / experiments(d),
			kind_names[p->kind], p->trajectory, p->step,
			p->changed >= 0 ? d->params[p->changed].key : "", p->delta, role, conns,
			plateau);
		for (unsigned i = 0; i < d->k; i++) {
			char buf[64];
			const char *v = point_value(d, p, i, buf, sizeof buf);
			fprintf(f, ",%s", v ? v : "");
		}
		fputc('\n', f);
	}
	return atomic_file_finish(af);
}

int sensitivity_main(const char *path, const char *const *sets, unsigned n_sets,
		     const struct run_options *o)
{
	struct sensitivity_study st;
	int rc = 2;
	if (sensitivity_prepare(&st, path, sets, n_sets) != 0)
		goto out;
	if (!st.is_study) {
		fprintf(stderr, "npusim: %s has no [sensitivity] section (see "
				"scenarios/sensitivity.ini)\n", path);
		goto out;
	}
	char dir[4096];
	run_out_dir(st.list.name, o, dir, sizeof dir);
	rc = 1;
	if (run_mkdir_p(dir) != 0) {
		fprintf(stderr, "npusim: cannot create %s: %s\n", dir, strerror(errno));
		goto out;
	}
	if (write_design(st.design, dir) != 0)
		goto out;
	/* the per-run plots of hundreds of runs say little: only the tornados */
	struct run_options ro = *o;
	ro.plot = 0;
	if (!o->quiet)
		fprintf(stderr, "npusim: sensitivity study of %u parameters: %u design points "
				"x %u runs = %u runs\n", st.design->k, st.design->n_points,
			experiments(st.design), st.list.runs);
	rc = run_list(&st.list, &ro, dir);
	if (rc != 2 && !o->shards && sensitivity_analyze(dir, o->quiet, o->plot) != 0)
		rc = 1;
out:
	sensitivity_release(&st);
	return rc;
}

/* ---- the analysis ---- */

static int column(const struct csv *t, const char *name, const char *path)
{
	int c = csv_column(t, name);
	if (c < 0)
		fprintf(stderr, "npusim: %s has no column %s\n", path, name);
	return c;
}

static const char *cell(const struct csv *t, unsigned row, unsigned col)
{
	return csv_cell(t, row, (int)col);
}

enum output { PLATEAU, LRO_1, NIC_LEVEL, KNEE, STARVATION, N_OUTPUTS };
static const char *const output_names[N_OUTPUTS] = {
	"plateau_gbps", "lro_1conn_gbps", "nic_level_gbps", "knee_connections",
	"starvation_established",
};

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof *v, compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The outputs of one design point from its runs rows [first, first + n)
 * of the design (the same rows of results). */
struct point_runs {
	double lro[MAX_COUNTS], nic[MAX_COUNTS];
	unsigned lro_conns[MAX_COUNTS], n_lro, n_nic;
	int lro_plateau[MAX_COUNTS];
	double established;
};

static void point_outputs(const struct point_runs *pr, double *y)
{
	double v[MAX_COUNTS];
	unsigned n = 0;
	for (unsigned i = 0; i < pr->n_lro; i++)
		if (pr->lro_plateau[i])
			v[n++] = pr->lro[i];
	y[PLATEAU] = median(v, n);
	y[LRO_1] = NAN;
	y[KNEE] = NAN;
	for (unsigned i = 0; i < pr->n_lro; i++) {
		if (pr->lro_conns[i] == 1)
			y[LRO_1] = pr->lro[i];
		if (pr->lro[i] >= 0.9 * y[PLATEAU] &&
		    (isnan(y[KNEE]) || pr->lro_conns[i] < y[KNEE]))
			y[KNEE] = pr->lro_conns[i];
	}
	memcpy(v, pr->nic, pr->n_nic * sizeof *v);
	y[NIC_LEVEL] = median(v, pr->n_nic);
	y[STARVATION] = pr->established;
}

struct analysis {
	unsigned n_points, k;
	char params[MAX_PARAMS][96], low[MAX_PARAMS][64], high[MAX_PARAMS][64];
	double (*y)[N_OUTPUTS];         /* per design point */
	int low_point[MAX_PARAMS], high_point[MAX_PARAMS], baseline;
	double ee_sum[MAX_PARAMS][N_OUTPUTS], ee_abs[MAX_PARAMS][N_OUTPUTS],
	       ee_sq[MAX_PARAMS][N_OUTPUTS];
	unsigned ee_n[MAX_PARAMS];
};

/* Reads the design and results; fills a->y and the elementary effects. */
static int analyze_tables(struct analysis *a, const struct csv *dt, const struct csv *rt,
			  const char *dpath, const char *rpath)
{
	int c_run = column(dt, "run", dpath), c_point = column(dt, "point", dpath),
	    c_kind = column(dt, "kind", dpath), c_changed = column(dt, "changed", dpath),
	    c_delta = column(dt, "delta", dpath), c_role = column(dt, "role", dpath),
	    c_conns = column(dt, "connections", dpath), c_plateau = column(dt, "plateau", dpath),
	    c_step = column(dt, "step", dpath);
	int r_run = column(rt, "run", rpath), r_thr = column(rt, "throughput_gbps", rpath),
	    r_est = column(rt, "established", rpath);
	if (c_run < 0 || c_point < 0 || c_kind < 0 || c_changed < 0 || c_delta < 0 ||
	    c_role < 0 || c_conns < 0 || c_plateau < 0 || c_step < 0 || r_run < 0 ||
	    r_thr < 0 || r_est < 0)
		return -1;
	if (dt->n_rows != rt->n_rows || dt->n_rows == 0) {
		fprintf(stderr, "npusim: %s has %u runs, %s %u\n", dpath, dt->n_rows, rpath,
			rt->n_rows);
		return -1;
	}
	/* the design file's parameters: its columns after `plateau` */
	a->k = dt->n_cols - (unsigned)c_plateau - 1;
	if (a->k > MAX_PARAMS || a->k == 0)
		return -1;
	for (unsigned i = 0; i < a->k; i++)
		snprintf(a->params[i], sizeof a->params[i], "%s", dt->names[c_plateau + 1 + (int)i]);
	a->n_points = (unsigned)atoi(cell(dt, dt->n_rows - 1, (unsigned)c_point)) + 1;
	a->y = calloc(a->n_points, sizeof *a->y);
	if (!a->y)
		return -1;
	a->baseline = -1;
	for (unsigned i = 0; i < a->k; i++)
		a->low_point[i] = a->high_point[i] = -1;
	struct point_runs pr;
	memset(&pr, 0, sizeof pr);
	int prev_point = -1, prev_morris = -1;
	for (unsigned row = 0; row < dt->n_rows; row++) {
		if (strcmp(cell(dt, row, (unsigned)c_run), cell(rt, row, (unsigned)r_run)) != 0) {
			fprintf(stderr, "npusim: %s and %s list different runs at line %u\n", dpath,
				rpath, row + 2);
			return -1;
		}
		int point = atoi(cell(dt, row, (unsigned)c_point));
		const char *role = cell(dt, row, (unsigned)c_role);
		double thr = atof(cell(rt, row, (unsigned)r_thr));
		unsigned conns = (unsigned)atoi(cell(dt, row, (unsigned)c_conns));
		if (!strcmp(role, "lro") && pr.n_lro < MAX_COUNTS) {
			pr.lro_conns[pr.n_lro] = conns;
			pr.lro_plateau[pr.n_lro] = atoi(cell(dt, row, (unsigned)c_plateau));
			pr.lro[pr.n_lro++] = thr;
		} else if (!strcmp(role, "nic") && pr.n_nic < MAX_COUNTS) {
			pr.nic[pr.n_nic++] = thr;
		} else {
			pr.established = atof(cell(rt, row, (unsigned)r_est));
		}
		int last = row + 1 == dt->n_rows || atoi(cell(dt, row + 1, (unsigned)c_point)) != point;
		if (!last)
			continue;
		/* the point's runs are all read */
		double *y = a->y[point];
		point_outputs(&pr, y);
		memset(&pr, 0, sizeof pr);
		const char *kind = cell(dt, row, (unsigned)c_kind);
		const char *changed = cell(dt, row, (unsigned)c_changed);
		int pi = -1;
		for (unsigned i = 0; i < a->k; i++)
			if (!strcmp(a->params[i], changed))
				pi = (int)i;
		unsigned cp = (unsigned)c_plateau + 1 + (unsigned)(pi < 0 ? 0 : pi);
		if (!strcmp(kind, "baseline")) {
			a->baseline = point;
		} else if (!strcmp(kind, "low") && pi >= 0) {
			a->low_point[pi] = point;
			snprintf(a->low[pi], sizeof a->low[pi], "%s", cell(dt, row, cp));
		} else if (!strcmp(kind, "high") && pi >= 0) {
			a->high_point[pi] = point;
			snprintf(a->high[pi], sizeof a->high[pi], "%s", cell(dt, row, cp));
		} else if (!strcmp(kind, "morris")) {
			if (atoi(cell(dt, row, (unsigned)c_step)) > 0 && pi >= 0 && prev_morris >= 0) {
				double delta = atof(cell(dt, row, (unsigned)c_delta));
				for (int o = 0; o < N_OUTPUTS; o++) {
					double ee = (y[o] - a->y[prev_morris][o]) / delta;
					a->ee_sum[pi][o] += ee;
					a->ee_abs[pi][o] += fabs(ee);
					a->ee_sq[pi][o] += ee * ee;
				}
				a->ee_n[pi]++;
			}
			prev_morris = point;
		}
		prev_point = point;
	}
	(void)prev_point;
	for (unsigned i = 0; i < a->k; i++) {
		if (a->low_point[i] < 0 || a->high_point[i] < 0) {
			fprintf(stderr, "npusim: %s: no low/high runs of %s\n", dpath, a->params[i]);
			return -1;
		}
	}
	if (a->baseline < 0) {
		fprintf(stderr, "npusim: %s: no baseline runs\n", dpath);
		return -1;
	}
	return 0;
}

static void write_number(FILE *f, double v)
{
	if (isnan(v))
		fputs(",nan", f);
	else
		fprintf(f, ",%.4f", v);
}

static int write_sensitivity_csv(const struct analysis *a, const char *dir)
{
	struct atomic_file *af = open_output(dir, "sensitivity.csv");
	if (!af)
		return -1;
	FILE *f = atomic_file_stream(af);
	fprintf(f, "parameter,low,high,output,value_at_low,value_at_high,effect,baseline,"
		   "morris_mu_star,morris_sigma,morris_effects\n");
	for (int o = 0; o < N_OUTPUTS; o++) {
		for (unsigned i = 0; i < a->k; i++) {
			double lo = a->y[a->low_point[i]][o], hi = a->y[a->high_point[i]][o];
			unsigned n = a->ee_n[i];
			double mean = n ? a->ee_sum[i][o] / n : NAN;
			double var = n > 1 ? (a->ee_sq[i][o] - n * mean * mean) / (n - 1) : NAN;
			fprintf(f, "%s,%s,%s,%s", a->params[i], a->low[i], a->high[i], output_names[o]);
			write_number(f, lo);
			write_number(f, hi);
			write_number(f, hi - lo);
			write_number(f, a->y[a->baseline][o]);
			write_number(f, n ? a->ee_abs[i][o] / n : NAN);
			write_number(f, n > 1 ? sqrt(var > 0 ? var : 0) : NAN);
			fprintf(f, ",%u\n", n);
		}
	}
	return atomic_file_finish(af);
}

/* tornado-<output>.csv: the parameters by |effect|, largest first. */
static int write_tornado(const struct analysis *a, const char *dir, int o)
{
	char name[96];
	unsigned order[MAX_PARAMS];
	for (unsigned i = 0; i < a->k; i++)
		order[i] = i;
	for (unsigned i = 1; i < a->k; i++) {
		for (unsigned j = i; j > 0; j--) {
			unsigned x = order[j - 1], y = order[j];
			double ex = fabs(a->y[a->high_point[x]][o] - a->y[a->low_point[x]][o]);
			double ey = fabs(a->y[a->high_point[y]][o] - a->y[a->low_point[y]][o]);
			if (!(ey > ex))
				break;
			order[j - 1] = y;
			order[j] = x;
		}
	}
	snprintf(name, sizeof name, "tornado-%s.csv", output_names[o]);
	struct atomic_file *af = open_output(dir, name);
	if (!af)
		return -1;
	FILE *f = atomic_file_stream(af);
	fprintf(f, "parameter,value_at_low,value_at_high,baseline\n");
	for (unsigned r = 0; r < a->k; r++) {
		unsigned i = order[r];
		fprintf(f, "%s (%s..%s)", a->params[i], a->low[i], a->high[i]);
		write_number(f, a->y[a->low_point[i]][o]);
		write_number(f, a->y[a->high_point[i]][o]);
		write_number(f, a->y[a->baseline][o]);
		fputc('\n', f);
	}
	return atomic_file_finish(af);
}

int sensitivity_analyze(const char *out_dir, int quiet, int plot)
{
	char dpath[4096], rpath[4096];
	struct csv dt, rt;
	char err[4400];
	struct analysis a;
	memset(&a, 0, sizeof a);
	snprintf(dpath, sizeof dpath, "%s/%s", out_dir, design_file);
	snprintf(rpath, sizeof rpath, "%s/results.csv", out_dir);
	if (csv_load(&dt, dpath, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		return -1;
	}
	if (csv_load(&rt, rpath, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		csv_free(&dt);
		return -1;
	}
	int rc = analyze_tables(&a, &dt, &rt, dpath, rpath);
	if (rc == 0)
		rc = write_sensitivity_csv(&a, out_dir);
	for (int o = 0; rc == 0 && o < N_OUTPUTS; o++)
		rc = write_tornado(&a, out_dir, o);
	csv_free(&dt);
	csv_free(&rt);
	free(a.y);
	if (rc != 0)
		return -1;
	/* a missing gnuplot costs only the images */
	if (plot && plot_tornados(out_dir, quiet) < 0)
		return -1;
	if (!quiet)
		fprintf(stderr, "npusim: sensitivity in %s/sensitivity.csv, tornado-*.csv%s\n",
			out_dir, plot ? " and .png" : "");
	return 0;
}
