/* SPDX-License-Identifier: MIT */
/*
 * Inside the bounded exploration (dpor.h): the path of the current
 * schedule, shared by the search (dpor.c) and the analysis of an executed
 * schedule's steps (dpor_analysis.c).
 */
#ifndef MMFUZZ_SCHEDULER_DPOR_INTERNAL_H
#define MMFUZZ_SCHEDULER_DPOR_INTERNAL_H

#include "dpor.h"

/*
 * The accesses seen so far in the execution being analysed, per object:
 * what a new access must be ordered after. Everything else that
 * conflicts with it is already ordered before one of these.
 */
struct dpor_object {
	const void *object;		      /* NULL: free slot */
	int32_t last_write;		      /* event, -1 none */
	int32_t last_read[SCHED_MAX_THREADS]; /* per thread, since last_write */
};

struct dpor_objects {
	struct dpor_object *slot; /* open addressing by address: lookups only */
	size_t cap, n;
	int32_t last_everything;		/* latest SCHED_EVERYTHING step, -1 none */
	int32_t last_access[SCHED_MAX_THREADS]; /* latest step that accessed anything */
	uint32_t *cand;				/* candidates of the latest query, latest first */
	size_t cap_cand;
};

void dpor_objects_reset(struct dpor_objects *o);
void dpor_objects_free(struct dpor_objects *o);
/* The earlier events that accesses a[0..n) of thread p's step conflict
 * with, as far as ordering goes (o->cand, latest first, no repeats). */
size_t dpor_objects_candidates(struct dpor_objects *o, const struct sched_access *a, uint32_t n,
			       int p);
/* Event `ev` of thread p made accesses a[0..n). */
void dpor_objects_note(struct dpor_objects *o, const struct sched_access *a, uint32_t n, int p,
		       size_t ev);

/* A 64-bit summary of a step's objects, to skip most exact comparisons. */
struct dpor_step_summary {
	uint64_t touched, written;
	bool everything;
};

/* One decision of the current schedule: the choice met and what was done. */
struct dpor_node {
	uint8_t enabled;   /* mask of the enabled threads */
	uint8_t current;   /* thread that reached the point */
	bool cur_enabled;  /* it could continue */
	bool yields;	   /* it spins (sched_spin) */
	uint8_t dflt;	   /* strategy_default_pick()'s thread */
	uint8_t chosen;	   /* thread run in this schedule */
	uint8_t done;	   /* threads whose subtree was explored or is being */
	uint8_t backtrack; /* threads still to try here (reduce) */
	uint8_t sleep;	   /* threads asleep here: not to try (dpor_sleep.c) */
	uint8_t for_bound; /* of backtrack, those added for the bound's sake */
	/* The dflt child may sleep in its siblings' subtrees: after its step
	 * the thread could go on and no thread became enabled
	 * (dpor_sleep.c). Known once the dflt child's next decision is met. */
	bool dflt_sleeps;
	uint16_t preemptions; /* decisions before this one that differ from dflt */
	/* The dflt child's step: d->steps[step_first .. step_first + step_n). */
	uint32_t step_first, step_n;
};

struct dpor {
	struct strategy base;
	struct dpor_options opt;
	struct dpor_stats stats;
	struct dpor_node *path;
	size_t n_path, cap_path;
	size_t replay; /* the next execution replays path[0 .. replay) */
	size_t pos;    /* decisions taken in the running execution */
	bool finished;
	unsigned last_preemptions;
	uint8_t *schedule; /* the last execution's schedule (strategy_bytes) */
	size_t schedule_len, schedule_cap;
	/* Hashes of the Mazurkiewicz classes seen (open addressing, 0 = free). */
	uint64_t *classes;
	size_t cap_classes;
	/* Vector clocks of the last execution's events (analysis scratch). */
	uint32_t *clock;
	uint32_t *local; /* index of each event in its thread */
	/* Each thread's events in order: by_thread[l * T + t] is the
	 * position of thread t's event number l. */
	uint32_t *by_thread;
	size_t cap_clock;
	/* The earlier events the step being analysed races with. */
	uint32_t *races;
	size_t cap_races;
	struct dpor_objects objects;
	/* Sleep sets (dpor_sleep.c). The steps of the dflt children on the
	 * path, node by node (a stack: the path's prefix keeps its own). */
	struct sched_access *steps;
	size_t n_steps, cap_steps;
	/* In the running execution: who sleeps, and the node whose dflt
	 * child's step each sleeper will take. */
	uint8_t asleep;
	uint32_t asleep_since[SCHED_MAX_THREADS];
	struct dpor_step_summary asleep_summary[SCHED_MAX_THREADS];
	bool abandoned; /* the running execution was cut short as redundant */
	/* The class hash of the last execution, 0 when it had none (cut
	 * short): dpor_last_class(). */
	uint64_t last_class;
};

/* A decision where the schedule bytes have a say. */
static inline bool dpor_node_multi(const struct dpor_node *n)
{
	return n->cur_enabled && (n->enabled & (n->enabled - 1));
}

/* Sleep sets (dpor_sleep.c). At the start of an execution: */
void dpor_sleep_begin(struct dpor *d);
/* At decision k (its node's `enabled` and `current` filled in): who
 * sleeps there, after the step that led to it (the scheduler's record). */
uint8_t dpor_sleep_at(struct dpor *d, size_t k);
/* Thread t runs the step of decision k: it sleeps no more (a decision
 * where the running thread blocked or exited may run a sleeper). */
void dpor_sleep_ran(struct dpor *d, int t);
/* Node k was just added below node k - 1: judge whether k - 1's dflt
 * child may sleep in its siblings' subtrees. */
void dpor_sleep_note_child(struct dpor *d, size_t k);
/* At the end of an execution: keep the steps of the dflt children it
 * added to the path (nodes first_new ..). */
void dpor_sleep_keep_steps(struct dpor *d, const struct sched_result *r, size_t first_new);

/*
 * Read an executed schedule's steps: count its Mazurkiewicz class and,
 * when reducing, add the backtrack points its races call for.
 */
void dpor_analyse(struct dpor *d, const struct sched_result *r);

#endif
