/* sim/bigmem.h - large zeroed memory areas (NPU DRAM's packet buffers, the
 * server's memory): anonymous mappings on transparent huge pages. */
#ifndef SIM_BIGMEM_H
#define SIM_BIGMEM_H

#include <stddef.h>

/* `bytes` of zeroed memory, 2 MB aligned; sim_fatal() when it cannot be
 * had. Pages are backed on first touch. */
void *sim_bigmem_alloc(size_t bytes);
void sim_bigmem_free(void *p, size_t bytes);

#endif
