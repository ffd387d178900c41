/* sim/evq_heap4.c - the event queue as an implicit 4-ary min-heap keyed by
 * (time, seq), with a slot table for cancel by handle.
 *
 * Invariant: heap[i] is an index into slots[]; slots[heap[i]].pos == i for
 * every live event; a free slot has pos == EVQ_FREE. A handle is
 * (gen << 32 | slot); gen increments each time a slot is freed, so stale
 * handles never match a reused slot. Built when SIM_EVQ_HEAP2 is not set.
 */
#ifndef SIM_EVQ_HEAP2
#define EVQ_ARITY 4
#define EVQ_NAME "heap4"
#include "sim/evq_heap.inc"
#endif
