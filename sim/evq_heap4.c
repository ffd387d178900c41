/* sim/evq_heap4.c - the event queue as an implicit 4-ary min-heap keyed by
 * (time, seq), with a slot table for cancel by handle.
 *
 * Invariant: heap[i].slot indexes slots[], and slots[heap[i].slot].pos == i
 * for every live event; a free slot is on the free list. A handle is
 * (gen << 32 | slot); gen increments each time a slot is freed, so stale
 * handles never match a reused slot. Built when SIM_EVQ_HEAP2 is not set.
 */
#ifndef SIM_EVQ_HEAP2
#define EVQ_ARITY 4
#define EVQ_NAME "heap4"
#include "sim/evq_heap.inc"
#endif
