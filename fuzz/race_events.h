/* SPDX-License-Identifier: MIT */
/*
 * The mutator's view of an execution: its race events (a writable PTE
 * changed under another CPU's cached entry, a COW copy, an access through
 * a stale entry: feedback_race_event), each with the multi-choice point
 * right after it and where the program stands there; listed again at the
 * first point after it where its thread holds no spinlock, if that comes
 * later. One execution of the input, under the selected profile, with its
 * own schedule.
 */
#ifndef MMFUZZ_FUZZ_RACE_EVENTS_H
#define MMFUZZ_FUZZ_RACE_EVENTS_H

#include "mutate.h"

/* Run `in` and list its race events in order, at most max. */
size_t race_events(const struct input *in, struct race_event *events, size_t max);

#endif
