/* bench/kernel_heap4.c - the 4-ary heap under the b4_ prefix for bench/kernel. */
#define EVQ_ARITY 4
#define EVQ_NAME "heap4"
#define EVQ_PREFIX b4_
#include "sim/evq_heap.inc"
