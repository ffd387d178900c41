/* cli/json.h - the little JSON the program writes (summary.json). */
#ifndef CLI_JSON_H
#define CLI_JSON_H

#include <stdio.h>

/* Write s as a JSON string literal, quotes included. */
void json_write_string(FILE *f, const char *s);

/* v[0..n) as a JSON array of strings, on one line. */
void json_write_string_array(FILE *f, const char *const *v, unsigned n);

#endif
