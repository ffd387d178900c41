/* sim/evq_heap2.c - the event queue as an implicit binary min-heap (the
 * alternative to heap4, see bench/kernel). Built when SIM_EVQ_HEAP2 is set. */
#ifdef SIM_EVQ_HEAP2
#define EVQ_ARITY 2
#define EVQ_NAME "heap2"
#include "sim/evq_heap.inc"
#endif
