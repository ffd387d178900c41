/* cli/json.h - the little JSON the program writes (summary.json). */
#ifndef CLI_JSON_H
#define CLI_JSON_H

#include <stdio.h>

/* Write s as a JSON string literal, quotes included. */
void json_write_string(FILE *f, const char *s);

#endif
