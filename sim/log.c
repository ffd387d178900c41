/* sim/log.c - levelled, per-module logging stamped with simulated time. */
#include "sim/log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "sim/kernel_internal.h"

#define LOG_MAX_RULES 32

struct log_rule {
	char module[32];               /* "" = every module */
	int level;
};

static struct log_rule rules[LOG_MAX_RULES];
static int n_rules;
static FILE *log_stream;
unsigned sim_log_generation = 1;

static const char *const level_names[] = { "off", "error", "warn", "info", "debug", "trace" };

/* Every SIM_LOG_MODULE of the program, so that a misspelt module in a
 * filter is an error rather than silence. */
static const char *const module_names[] = {
	"dma",      /* model: DMA request buffer push/pop with its depth */
	"fmn",      /* model: FMN credit stalls of the NPU threads */
	"tcp",      /* host: the client's connections (SYN, SYN-ACK, states) */
	"server",   /* host: the server's connections (SYN-ACK, established, FIN) */
	NULL,
};

const char *const *sim_log_modules(void)
{
	return module_names;
}

static int module_known(const char *name)
{
	for (int i = 0; module_names[i]; i++)
		if (!strcmp(module_names[i], name))
			return 1;
	return 0;
}

const char *sim_log_level_name(int lvl)
{
	return lvl >= 0 && lvl <= SIM_LOG_TRACE ? level_names[lvl] : "?";
}

static int parse_level(const char *s, size_t len)
{
	for (int i = 0; i <= SIM_LOG_TRACE; i++)
		if (strlen(level_names[i]) == len && strncmp(level_names[i], s, len) == 0)
			return i;
	return -1;
}

int sim_log_level_of(struct sim_log_module *m)
{
	int level = SIM_LOG_WARN;
	/* later rules win: "--log debug,fmn=off" */
	for (int i = 0; i < n_rules; i++)
		if (rules[i].module[0] == 0 || strcmp(rules[i].module, m->name) == 0)
			level = rules[i].level;
	m->level = level;
	m->gen = sim_log_generation;
	return level;
}

int sim_log_configure(const char *spec, char *err, size_t err_len)
{
	struct log_rule parsed[LOG_MAX_RULES];
	int n = 0;
	const char *p = spec;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		struct log_rule r = { "", 0 };
		const char *lvl = p;
		size_t lvl_len = len;
		if (eq) {
			size_t mlen = (size_t)(eq - p);
			if (mlen == 0 || mlen >= sizeof r.module) {
				snprintf(err, err_len, "--log: bad module name in '%.*s'", (int)len, p);
				return -1;
			}
			memcpy(r.module, p, mlen);
			r.module[mlen] = 0;
			if (!module_known(r.module)) {
				size_t used = (size_t)snprintf(err, err_len,
					"--log: unknown module '%s' (modules:", r.module);
				for (int i = 0; module_names[i] && used < err_len; i++)
					used += (size_t)snprintf(err + used, err_len - used, " %s",
								 module_names[i]);
				if (used < err_len)
					snprintf(err + used, err_len - used, ")");
				return -1;
			}
			lvl = eq + 1;
			lvl_len = len - mlen - 1;
		}
		r.level = parse_level(lvl, lvl_len);
		if (r.level < 0) {
			snprintf(err, err_len,
				 "--log: unknown level '%.*s' (use off, error, warn, info, debug, trace)",
				 (int)lvl_len, lvl);
			return -1;
		}
		if (n == LOG_MAX_RULES) {
			snprintf(err, err_len, "--log: more than %d rules", LOG_MAX_RULES);
			return -1;
		}
		parsed[n++] = r;
		p += len;
		if (*p == ',')
			p++;
	}
	memcpy(rules, parsed, sizeof parsed[0] * (size_t)n);
	n_rules = n;
	sim_log_generation++;
	return 0;
}

void sim_log_set_stream(FILE *f)
{
	log_stream = f;
}

void sim_log_emit(const sim *s, const struct sim_log_module *m, int lvl, const char *fmt, ...)
{
	FILE *out = log_stream ? log_stream : stderr;
	va_list ap;
	if (s)
		fprintf(out, "%.9f %-5s %s: ", sim_time_to_seconds(sim_now(s)),
			sim_log_level_name(lvl), m->name);
	else
		fprintf(out, "- %-5s %s: ", sim_log_level_name(lvl), m->name);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}
