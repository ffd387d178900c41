/* sim/bigmem.c - large zeroed memory areas on transparent huge pages.
 *
 * A run touches a few hundred MB of packet buffers and host memory once,
 * on 4 KB pages one fault each (a tenth of bench-sim's time went to the
 * kernel), and the copies into them miss the TLB on almost every buffer.
 * 2 MB pages take 512 times fewer faults and TLB entries. Where the kernel
 * has no transparent huge pages, madvise fails and 4 KB pages serve. */
#include "sim/bigmem.h"

#include <stdint.h>
#include <sys/mman.h>

#include "sim/kernel.h"

#define HUGE_BYTES ((size_t)2 << 20)

void *sim_bigmem_alloc(size_t bytes)
{
	/* map one huge page more and trim, so the area starts on a 2 MB
	 * boundary and every whole 2 MB of it can be a huge page */
	size_t len = (bytes + HUGE_BYTES - 1) / HUGE_BYTES * HUGE_BYTES;
	uint8_t *m = mmap(NULL, len + HUGE_BYTES, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		sim_fatal("cannot map %zu bytes", bytes);
	uint8_t *p = (uint8_t *)(((uintptr_t)m + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1));
	if (p > m)
		munmap(m, (size_t)(p - m));
	if (p + len < m + len + HUGE_BYTES)
		munmap(p + len, (size_t)(m + len + HUGE_BYTES - (p + len)));
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE);
#endif
	return p;
}

void sim_bigmem_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, (bytes + HUGE_BYTES - 1) / HUGE_BYTES * HUGE_BYTES);
}
