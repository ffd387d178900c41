/* tests/testutil.h - helpers shared by the Check suites. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <stddef.h>

/* Directory holding test data (tests/data), found relative to the source
 * tree; override with NPUSIM_TEST_DATA. */
const char *testutil_data_dir(void);
/* Path of a file under the test data directory (static buffer). */
const char *testutil_data_path(const char *name);
/* A fresh temporary directory (mkdtemp under $TMPDIR); caller removes. */
char *testutil_tmpdir(void);

#endif
