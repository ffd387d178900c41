/* cli/csv.c - the program's CSV files read by column name. */
#include "cli/csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split line at commas into at most max fields (a trailing CR dropped);
 * returns the count, which may exceed max. */
static unsigned split(char *line, char **fields, unsigned max)
{
	unsigned n = 0;
	line[strcspn(line, "\r")] = 0;
	for (char *p = line;; p++) {
		if (n < max)
			fields[n] = p;
		n++;
		p += strcspn(p, ",");
		if (*p == 0)
			break;
		*p = 0;
	}
	return n;
}

static char *read_all(const char *path, char *err, size_t err_len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t size = 0, cap = 65536;
	char *text = malloc(cap);
	size_t n;
	while (text && (n = fread(text + size, 1, cap - size - 1, f)) > 0) {
		size += n;
		if (size + 1 < cap)
			continue;
		char *more = realloc(text, cap * 2);
		if (!more)
			free(text);
		text = more;
		cap *= 2;
	}
	int bad = ferror(f);
	fclose(f);
	if (!text || bad) {
		free(text);
		snprintf(err, err_len, "%s: cannot read", path);
		return NULL;
	}
	text[size] = 0;
	return text;
}

int csv_load(struct csv *t, const char *path, char *err, size_t err_len)
{
	memset(t, 0, sizeof *t);
	if (!(t->text = read_all(path, err, err_len)))
		return -1;
	unsigned fields = 1, lines = 1;
	for (const char *p = t->text; *p; p++) {
		fields += *p == ',';
		lines += *p == '\n';
	}
	char *line = t->text, *next;
	for (; *line == '\n'; line++)
		;
	if (!*line) {
		snprintf(err, err_len, "%s is empty", path);
		csv_free(t);
		return -1;
	}
	unsigned lineno = (unsigned)(line - t->text) + 1;
	if ((next = strchr(line, '\n')))
		*next++ = 0;
	t->names = calloc(fields, sizeof *t->names);
	if (!t->names) {
		snprintf(err, err_len, "%s: out of memory", path);
		csv_free(t);
		return -1;
	}
	t->n_cols = split(line, t->names, fields);
	t->cells = calloc((size_t)lines * t->n_cols, sizeof *t->cells);
	if (!t->cells) {
		snprintf(err, err_len, "%s: out of memory", path);
		csv_free(t);
		return -1;
	}
	for (line = next; line && *line; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')))
			*next++ = 0;
		if (!*line || !strcmp(line, "\r"))
			continue;
		char **row = &t->cells[(size_t)t->n_rows * t->n_cols];
		if (split(line, row, t->n_cols) != t->n_cols) {
			snprintf(err, err_len, "%s:%u: %u columns expected", path, lineno, t->n_cols);
			csv_free(t);
			return -1;
		}
		t->n_rows++;
	}
	return 0;
}

void csv_free(struct csv *t)
{
	free(t->text);
	free(t->names);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

int csv_column(const struct csv *t, const char *name)
{
	for (unsigned c = 0; c < t->n_cols; c++)
		if (!strcmp(t->names[c], name))
			return (int)c;
	return -1;
}

const char *csv_cell(const struct csv *t, unsigned r, int c)
{
	return c < 0 ? "" : t->cells[(size_t)r * t->n_cols + (unsigned)c];
}
