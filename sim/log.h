/* sim/log.h - logging with levels and per-module filters, stamped with
 * simulated time.
 *
 * A module declares itself once per file with SIM_LOG_MODULE(dma). The level
 * check is an integer compare, so disabled logging costs nothing measurable
 * on the packet path. Filters come from `--log dma=debug,fmn=trace` or
 * `--log debug` (all modules); the default level is warn.
 */
#ifndef SIM_LOG_H
#define SIM_LOG_H

#include <stdio.h>
#include "sim/kernel.h"

enum sim_log_level {
	SIM_LOG_OFF = 0,
	SIM_LOG_ERROR,
	SIM_LOG_WARN,
	SIM_LOG_INFO,
	SIM_LOG_DEBUG,
	SIM_LOG_TRACE,
};

struct sim_log_module {
	const char *name;
	int level;            /* resolved level, valid when gen matches */
	unsigned gen;         /* sim_log_generation at resolution */
};

extern unsigned sim_log_generation;

#define SIM_LOG_MODULE(id) \
	static struct sim_log_module sim_log_module_##id = { #id, 0, 0 }

int sim_log_level_of(struct sim_log_module *m);

#define SIM_LOG(s, id, lvl, ...) \
	do { \
		if ((lvl) <= (sim_log_module_##id.gen == sim_log_generation \
			      ? sim_log_module_##id.level \
			      : sim_log_level_of(&sim_log_module_##id))) \
			sim_log_emit((s), &sim_log_module_##id, (lvl), __VA_ARGS__); \
	} while (0)

void sim_log_emit(const sim *s, const struct sim_log_module *m, int lvl,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parse and apply a filter spec; returns 0, or -1 with a message in err. */
int sim_log_configure(const char *spec, char *err, size_t err_len);
/* The modules a filter may name (NULL-terminated); any other is an error. */
const char *const *sim_log_modules(void);
/* Where log lines go (default stderr). */
void sim_log_set_stream(FILE *f);
const char *sim_log_level_name(int lvl);

#endif
