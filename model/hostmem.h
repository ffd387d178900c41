/* model/hostmem.h - the server's RAM as the DMA engine and the driver see
 * it: allocations at offsets (bus address = base + offset), each backed by
 * real memory only while its bytes are needed. */
#ifndef MODEL_HOSTMEM_H
#define MODEL_HOSTMEM_H

#include <stddef.h>
#include <stdint.h>

struct hostmem;

struct hostmem *hostmem_create(uint64_t bytes);
void hostmem_destroy(struct hostmem *m);
/* `bytes` of consecutive, `align`-aligned memory; returns its offset.
 * Fatal when the RAM is exhausted. */
uint64_t hostmem_alloc(struct hostmem *m, size_t bytes, size_t align);
/* Pointer to [off, off+len), which must lie inside one allocation; NULL if
 * it does not. The allocation keeps its bytes until hostmem_release(). */
uint8_t *hostmem_ptr(struct hostmem *m, uint64_t off, size_t len);
/* The bytes of the allocation holding `off` are no longer needed (the
 * driver consumed them): its backing is reused by the next allocation
 * written, and its bytes read before they are written again are
 * undefined. */
void hostmem_release(struct hostmem *m, uint64_t off);

#endif
