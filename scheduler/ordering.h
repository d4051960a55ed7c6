/* SPDX-License-Identifier: MIT */
/*
 * Memory ordering the model relies on, told to ThreadSanitizer: a release
 * on an address (the kernel's smp_store_release(), an RCU reader leaving
 * its section) happens-before everything after a later acquire on it
 * (smp_load_acquire(), the end of a grace period). Outside the TSan build
 * these are empty: fibers already run one at a time.
 */
#ifndef MMFUZZ_SCHEDULER_ORDERING_H
#define MMFUZZ_SCHEDULER_ORDERING_H

#include "sanitizer.h"

#if defined(SCHED_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

static inline void release_ordering(const void *addr)
{
#if defined(SCHED_TSAN)
	__tsan_release((void *)addr);
#endif
	(void)addr;
}

static inline void acquire_ordering(const void *addr)
{
#if defined(SCHED_TSAN)
	__tsan_acquire((void *)addr);
#endif
	(void)addr;
}

#endif
