/* tests/fw_target/no_annotations.h - forced into the firmware's sources
 * when they are built to measure their costs (mk/costs.mk): the cost
 * annotations are no-ops on the target (firmware/hal.h), so they vanish
 * from the code that is measured, loops over them included. */
#ifndef TESTS_FW_TARGET_NO_ANNOTATIONS_H
#define TESTS_FW_TARGET_NO_ANNOTATIONS_H
#include "firmware/hal.h"
#define hal_cost(op, count) ((void)(op), (void)(count))
#define hal_mem(count) ((void)(count))
#endif
