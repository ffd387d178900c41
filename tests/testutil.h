/* tests/testutil.h - helpers shared by the Check suites. */
#ifndef TESTS_TESTUTIL_H
#define TESTS_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "host/netpkt.h"

/* Directory holding test data (tests/data), found relative to the source
 * tree; override with NPUSIM_TEST_DATA. */
const char *testutil_data_dir(void);
/* Path of a file under the test data directory (static buffer). */
const char *testutil_data_path(const char *name);
/* A fresh temporary directory (mkdtemp under $TMPDIR); caller removes. */
char *testutil_tmpdir(void);

/* The LRO suites' data flow: 10.0.0.1:sport -> 10.0.0.2:5001, ACK 777,
 * window 100, timestamps 10/20, no window scale. */
struct netpkt_tcp testutil_flow(uint16_t sport);
/* Frame h at seq with len payload bytes (byte i is the low byte of seq + i)
 * in a fresh packet buffer; *flen gets its length. The buffers live until
 * testutil_free_frames(). */
uint8_t *testutil_frame(struct netpkt_tcp h, uint32_t seq, uint32_t len, uint32_t *flen);
/* The buffer testutil_frame() returned last. */
uint8_t *testutil_last_frame(void);
void testutil_free_frames(void);

#endif
