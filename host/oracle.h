/* host/oracle.h - the integrity oracle: every connection's payload is a
 * deterministic function of (seed, connection, offset), so the server can
 * check every byte it reads without keeping a copy of what was sent. */
#ifndef HOST_ORACLE_H
#define HOST_ORACLE_H

#include <stdint.h>

/* Fill out[0..len) with the bytes of connection `conn` at `offset`. */
void oracle_fill(uint64_t seed, uint32_t conn, uint64_t offset, uint8_t *out, uint32_t len);
/* Index of the first byte of buf that differs from the stream, or -1. */
int64_t oracle_check(uint64_t seed, uint32_t conn, uint64_t offset, const uint8_t *buf,
		     uint32_t len);

#endif
