/* cli/json.c - JSON string escaping (RFC 8259 section 7). */
#include "cli/json.h"

void json_write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void json_write_string_array(FILE *f, const char *const *v, unsigned n)
{
	fputc('[', f);
	for (unsigned i = 0; i < n; i++) {
		json_write_string(f, v[i]);
		if (i + 1 < n)
			fputs(", ", f);
	}
	fputc(']', f);
}
