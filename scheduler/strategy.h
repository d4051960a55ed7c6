/* SPDX-License-Identifier: MIT */
/*
 * Scheduling strategies, behind one interface.
 *
 * At a scheduling point with the running thread `current`, the scheduler
 * asks the strategy to choose among the enabled threads. Strategies are
 * deterministic functions of their own state: bytes, a seed, or a recorded
 * execution.
 */
#ifndef MMFUZZ_SCHEDULER_STRATEGY_H
#define MMFUZZ_SCHEDULER_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched.h"

struct sched_choice {
	uint64_t step;
	int current;			/* thread that reached the point */
	bool current_enabled;		/* false if it blocked or exited */
	int n_enabled;			/* >= 1 */
	int enabled[SCHED_MAX_THREADS]; /* ascending thread ids */
	const struct sched_site *site;
	/* The running thread is spinning (sched_spin): it stays enabled, but
	 * strategies should prefer someone else (fairness for spin loops). */
	bool current_yields;
	/* The access each thread's next step begins with, as announced at the
	 * point where it waits (sched_point_on); object NULL if none. Indexed
	 * by thread id; the scheduler's own array, valid during pick(). */
	const struct sched_access *pending;
};

struct strategy {
	const char *name;
	void (*begin)(struct strategy *s); /* start of an execution */
	/* Return the thread to run next: one of choice->enabled[]. A return
	 * of -1 means "drift" (replay only): the run ends with SCHED_DRIFT.
	 * STRATEGY_ABANDON ends it with SCHED_ABANDONED: a systematic search
	 * knows the rest of this run is covered by another one. */
	int (*pick)(struct strategy *s, const struct sched_choice *choice);
	/* May be NULL. end() may also write drift[] (e.g. replay: the
	 * execution ended before the record did); sched_run() then turns the
	 * verdict into SCHED_DRIFT with that text. sched_run() clears drift[]
	 * before begin(). */
	void (*end)(struct strategy *s, const struct sched_result *r);
	char drift[256]; /* explanation when pick() returns -1 */
	/* The strategy reads the steps' accesses (end()'s result.events): the
	 * scheduler records them for this run whatever the config says. */
	bool wants_accesses;
};

/* pick()'s answer for a run not worth finishing (see pick()). */
#define STRATEGY_ABANDON (-2)

/* Deterministic fallback used when nothing else decides: keep the current
 * thread if enabled, else the next enabled thread after it (round robin). */
int strategy_default_pick(const struct sched_choice *choice);

/* Where thread tid is in choice->enabled[] (-1: not enabled). */
int strategy_enabled_index(const struct sched_choice *choice, int tid);

/*
 * Fuzzer bytes. The schedule is a list of (gap, target) byte pairs: keep
 * the running thread for `gap` multi-choice points, then switch to
 * enabled[target % n]. Input is spent only on switches, so a small
 * mutation makes a small schedule change. When the bytes run out the
 * execution finishes with strategy_default_pick().
 */
struct strategy_bytes {
	struct strategy base;
	const uint8_t *data;
	size_t size;
	size_t pos;
	unsigned gap; /* points left before the next switch */
	bool have_gap;
	/* Multi-choice points met so far in this execution: the next one is
	 * point number `points`, the unit the gaps count in. */
	uint32_t points;
};
void strategy_bytes_init(struct strategy_bytes *s, const uint8_t *data, size_t size);

/*
 * The inverse: fed every pick of some other strategy, in order, writes the
 * bytes that make strategy_bytes pick the same threads. Where the bytes
 * have no say (the running thread blocked or exited), the pick must be
 * strategy_default_pick()'s; otherwise, or when out fills up, the writer
 * fails and the bytes would not replay the execution.
 */
struct schedule_writer {
	uint8_t *out;
	size_t cap, len;
	unsigned gap; /* points kept since the last pair written */
	bool failed;
};
void schedule_writer_init(struct schedule_writer *w, uint8_t *out, size_t cap);
void schedule_writer_note(struct schedule_writer *w, const struct sched_choice *c, int pick);

/* Uniform random walk: every point picks uniformly among enabled threads. */
struct strategy_random {
	struct strategy base;
	uint64_t seed; /* execution i of a campaign uses seed + i */
	uint64_t rng;
	uint64_t executions;
};
void strategy_random_init(struct strategy_random *s, uint64_t seed);

/*
 * PCT (Burckhardt et al., ASPLOS 2010): random distinct thread priorities,
 * depth-1 priority change points drawn uniformly over the estimated number
 * of steps (the estimate grows with the longest execution seen).
 */
struct strategy_pct {
	struct strategy base;
	unsigned depth;
	uint64_t seed;
	uint64_t rng;
	uint64_t executions;
	uint64_t est_steps;
	int priority[SCHED_MAX_THREADS];
	uint64_t change_at[16];
	unsigned n_changes;
	unsigned next_low;    /* next priority given at a change point */
	unsigned next_change; /* index of the next change point in change_at[] */
	int yield_low;	      /* next (lowest yet) priority given to a yielding thread */
};
/*
 * Details: priorities depth..depth+SCHED_MAX_THREADS-1 are a random
 * permutation over thread slots; change points are sorted, and the k-th
 * one gives the running thread priority depth-1-k, below every priority
 * given so far. A yielding thread drops below everyone (0, -1, ...), as
 * PCT assumes spin loops yield. depth is clamped to 1..17.
 */
void strategy_pct_init(struct strategy_pct *s, unsigned depth, uint64_t seed);

/*
 * POS, partial order sampling (Yuan, Yang, Gu, CAV 2018): every pending
 * step has a random priority and the enabled thread whose pending step has
 * the highest one runs. After a step has run, its thread's new pending step
 * gets a fresh priority, and so does every other thread's pending step
 * that conflicts with the step that ran (sched_access_conflict on the
 * accesses the steps begin with): only racing steps are reordered, so
 * each partial order is sampled rather than each interleaving. A spinning
 * thread drops below everyone, as in PCT. Execution i uses seed + i.
 */
struct strategy_pos {
	struct strategy base;
	uint64_t seed;
	uint64_t rng;
	uint64_t executions;
	int64_t yield_low; /* next (lowest yet) priority given to a spinning thread */
	int64_t priority[SCHED_MAX_THREADS];
	/* What each thread's pending step began with at the previous pick:
	 * the one of the thread that ran is the step that just ran. */
	struct sched_access was_pending[SCHED_MAX_THREADS];
};
void strategy_pos_init(struct strategy_pos *s, uint64_t seed);

/* Sizes of SURW's object tables (open addressing; see strategy_surw.c). */
#define SURW_OBJECT_SLOTS 512
#define SURW_LEARN_RUNS	  3

/*
 * SURW, selectively uniform random walk (Zhao, Wolff, Mathur,
 * Roychoudhury, ASPLOS 2025): pick a thread with probability proportional
 * to the number of interesting steps it has left in this execution, an
 * interesting step being one whose announced object more than one thread
 * touches. The counts are learnt by the first SURW_LEARN_RUNS executions,
 * which are uniform random walks (the exact rules: strategy_surw.c).
 */
struct surw_object {
	const void *object; /* NULL: free slot */
	uint8_t threads;    /* mask of the threads whose steps began with it */
	uint32_t steps[SCHED_MAX_THREADS];
};
struct strategy_surw {
	struct strategy base;
	uint64_t seed;
	uint64_t rng;
	uint64_t executions;
	int last_chosen; /* the thread chosen at the latest pick, -1 before */
	struct sched_access was_pending[SCHED_MAX_THREADS];
	/* Learning: this run's steps per object and thread, and the steps
	 * that are interesting whatever the objects (unannotated points). */
	struct surw_object run_objects[SURW_OBJECT_SLOTS];
	uint32_t run_everything[SCHED_MAX_THREADS];
	bool run_overflow; /* run_objects[] filled up: every step counted */
	uint64_t learnt_total[SCHED_MAX_THREADS];
	/* Learnt: objects seen shared, and interesting steps per thread. */
	const void *shared[SURW_OBJECT_SLOTS];
	bool shared_overflow; /* shared[] filled up: every step is interesting */
	uint32_t estimate[SCHED_MAX_THREADS];
	uint32_t remaining[SCHED_MAX_THREADS];
};
void strategy_surw_init(struct strategy_surw *s, uint64_t seed);

/*
 * Replay a recorded execution step by step. At each step the current
 * thread and site must match the record; a mismatch is drift, reported
 * with the step, never silently followed.
 */
struct strategy_replay {
	struct strategy base;
	const struct sched_decision *rec;
	size_t n;
	size_t pos;
};
void strategy_replay_init(struct strategy_replay *s, const struct sched_decision *rec, size_t n);
/* Drift is also reported when the recorded chosen thread is not enabled,
 * and (through end()) when the execution ends with recorded steps left. */

/* splitmix64: the one random source of the strategies. */
uint64_t sched_rng_next(uint64_t *state);
/* Uniform in [0, n), n >= 1, from sched_rng_next(). */
uint32_t sched_rng_below(uint64_t *state, uint32_t n);

#endif
