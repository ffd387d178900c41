/* sim/vcd.c - Value Change Dump writer. */
#include "sim/vcd.h"

#include <stdlib.h>
#include <string.h>

#define VCD_MAX_SIGNALS 256

struct vcd_signal {
	char scope[32], name[48];
	unsigned bits;
	uint64_t value;
	int written;
};

struct vcd {
	FILE *f;
	struct vcd_signal sig[VCD_MAX_SIGNALS];
	int n;
	int header_done;
	sim_time now;
	int time_written;
};

struct vcd *vcd_create(FILE *f)
{
	struct vcd *v = calloc(1, sizeof *v);
	if (v)
		v->f = f;
	return v;
}

int vcd_signal(struct vcd *v, const char *scope, const char *name, unsigned bits)
{
	if (v->header_done || v->n == VCD_MAX_SIGNALS || bits < 1 || bits > 64)
		return -1;
	struct vcd_signal *s = &v->sig[v->n];
	snprintf(s->scope, sizeof s->scope, "%s", scope);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->bits = bits;
	return v->n++;
}

/* Identifier codes: printable characters '!'..'~', base 94. */
static void write_id(FILE *f, int i)
{
	do {
		fputc('!' + i % 94, f);
		i /= 94;
	} while (i > 0);
}

static void write_value(struct vcd *v, int i)
{
	struct vcd_signal *s = &v->sig[i];
	if (s->bits == 1) {
		fputc(s->value ? '1' : '0', v->f);
	} else {
		fputc('b', v->f);
		int top = 63;
		while (top > 0 && !(s->value >> top & 1))
			top--;
		for (int b = top; b >= 0; b--)
			fputc((s->value >> b & 1) ? '1' : '0', v->f);
		fputc(' ', v->f);
	}
	write_id(v->f, i);
	fputc('\n', v->f);
}

static void header(struct vcd *v)
{
	fprintf(v->f, "$date npusim simulation $end\n$version npusim $end\n$timescale 1ps $end\n");
	const char *open = NULL;
	for (int i = 0; i < v->n; i++) {
		struct vcd_signal *s = &v->sig[i];
		if (!open || strcmp(open, s->scope) != 0) {
			if (open)
				fprintf(v->f, "$upscope $end\n");
			fprintf(v->f, "$scope module %s $end\n", s->scope);
			open = s->scope;
		}
		fprintf(v->f, "$var %s %u ", s->bits == 1 ? "wire" : "reg", s->bits);
		write_id(v->f, i);
		fprintf(v->f, " %s $end\n", s->name);
	}
	if (open)
		fprintf(v->f, "$upscope $end\n");
	fprintf(v->f, "$enddefinitions $end\n#0\n$dumpvars\n");
	for (int i = 0; i < v->n; i++) {
		write_value(v, i);
		v->sig[i].written = 1;
	}
	fprintf(v->f, "$end\n");
	v->header_done = 1;
	v->time_written = 1;
}

void vcd_change(struct vcd *v, int signal, sim_time t, uint64_t value)
{
	if (!v->header_done)
		header(v);
	if (signal < 0 || signal >= v->n || t < v->now)
		return;
	struct vcd_signal *s = &v->sig[signal];
	if (s->value == value)
		return;
	if (t != v->now || !v->time_written) {
		fprintf(v->f, "#%llu\n", (unsigned long long)t);
		v->now = t;
		v->time_written = 1;
	}
	s->value = value;
	write_value(v, signal);
}

int vcd_finish(struct vcd *v)
{
	if (!v)
		return 0;
	if (!v->header_done)
		header(v);
	int rc = ferror(v->f) ? -1 : 0;
	free(v);
	return rc;
}
