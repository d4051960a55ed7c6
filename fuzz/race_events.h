/* SPDX-License-Identifier: MIT */
/*
 * The mutator's view of an execution: its race events (a writable PTE
 * changed under another CPU's cached entry, a COW copy, an access through
 * a stale entry: feedback_race_event), each listed at the few
 * multi-choice points right after it with where the program stands there,
 * and again at the first point after it where its thread holds no
 * spinlock, if that comes later. One execution of the input, under the
 * selected profile, with its own schedule; or a second one that holds a
 * thread back until one of those points and runs it there.
 */
#ifndef MMFUZZ_FUZZ_RACE_EVENTS_H
#define MMFUZZ_FUZZ_RACE_EVENTS_H

#include "mutate.h"

/* Run `in` and list its race events in order, at most max; *depth (if
 * not NULL) gets how far into a stale-TLB race the run got. */
size_t race_events(const struct input *in, struct race_event *events, size_t max,
		   struct race_depth *depth);

/* Run `in` holding program thread `thread` back from its op `from_op` on
 * (a thread not yet run stands before its op 0: a new one can be held
 * from the start), until its race event number `event` (as race_events()
 * lists them) has happened; then let it run. Write the schedule that
 * replays this run into schedule (cap bytes, not in->schedule). false if
 * the thread never reached that op before the event, or no schedule
 * replays the run. */
bool race_hold_back(const struct input *in, int thread, int from_op, size_t event,
		    uint8_t *schedule, size_t *len, size_t cap);

#endif
