/* SPDX-License-Identifier: MIT */
/*
 * Internal: which sanitizers this translation unit is built with, and the
 * TSan rule for scheduler code.
 *
 * Under TSan, simulated threads switch without synchronising (so that TSan
 * sees races between them in the model). The scheduler's own bookkeeping
 * (run queue, wait queues, lock owners, the decision log) is then touched
 * by several TSan "threads" with no happens-before between them, which TSan
 * would report. Rather than making every field a relaxed atomic, the
 * scheduler's functions are not instrumented at all (SCHED_TSAN_IGNORE_*
 * around each scheduler source file): the scheduler serialises them by
 * construction, since exactly one fiber runs at a time. Model code stays
 * instrumented, and model locks carry __tsan_mutex_* annotations.
 *
 * disable_sanitizer_instrumentation rather than no_sanitize("thread"):
 * the latter still records function entry/exit in TSan's per-fiber shadow
 * call stack, and scheduler frames that never return (a fiber leaving for
 * good) would grow that fixed-size stack with every execution.
 *
 * One trap remains: libc calls (memcpy, vsnprintf...) are intercepted by
 * TSan even from uninstrumented code, so shared scheduler buffers written
 * by several threads are filled with plain loops (see text_append()).
 */
#ifndef MMFUZZ_SCHEDULER_SANITIZER_H
#define MMFUZZ_SCHEDULER_SANITIZER_H

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCHED_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define SCHED_TSAN 1
#endif
#endif
#if !defined(SCHED_ASAN) && defined(__SANITIZE_ADDRESS__)
#define SCHED_ASAN 1
#endif
#if !defined(SCHED_TSAN) && defined(__SANITIZE_THREAD__)
#define SCHED_TSAN 1
#endif

#if defined(SCHED_TSAN) && defined(__clang__)
/* clang-format off */
#define SCHED_TSAN_IGNORE_BEGIN \
	_Pragma("clang attribute push(__attribute__((disable_sanitizer_instrumentation)), apply_to = function)")
/* clang-format on */
#define SCHED_TSAN_IGNORE_END _Pragma("clang attribute pop")
#else
#define SCHED_TSAN_IGNORE_BEGIN
#define SCHED_TSAN_IGNORE_END
#endif

#endif
