/* bench/kernel_heap2.c - the binary heap under the b2_ prefix for bench/kernel. */
#define EVQ_ARITY 2
#define EVQ_NAME "heap2"
#define EVQ_PREFIX b2_
#include "sim/evq_heap.inc"
