/* tests/testutil.c - helpers shared by the Check suites. */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *testutil_data_dir(void)
{
	const char *d = getenv("NPUSIM_TEST_DATA");
	return d ? d : "tests/data";
}

const char *testutil_data_path(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/%s", testutil_data_dir(), name);
	return path;
}

char *testutil_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/npusim-test-XXXXXX", base ? base : "/tmp");
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}
