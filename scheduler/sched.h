/* SPDX-License-Identifier: MIT */
/*
 * The deterministic scheduler.
 *
 * Simulated threads are fibers, created once per process and reused for
 * every execution. Exactly one runs at a time. At every scheduling point
 * the current strategy chooses which enabled thread runs next; switches go
 * directly from thread to thread. An execution ends when every thread has
 * exited, when a check fails (sched_fail), when no thread is enabled
 * (deadlock), or when the step budget is spent (livelock).
 *
 * Determinism: no clock, no libc rand, no pointer values in decisions;
 * every choice comes from the strategy, and all per-execution state is
 * reset by sched_run().
 */
#ifndef MMFUZZ_SCHEDULER_SCHED_H
#define MMFUZZ_SCHEDULER_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "site.h"

#define SCHED_MAX_THREADS 8
#define SCHED_REPORT_MAX  4096

struct strategy;
struct sched_decision;

enum sched_verdict {
	SCHED_PASS,	 /* every thread exited, no check failed */
	SCHED_VIOLATION, /* sched_fail() was called (by a primitive or the model) */
	SCHED_DEADLOCK,	 /* live threads, none enabled: report has the wait-for cycle */
	SCHED_LIVELOCK,	 /* step budget spent */
	SCHED_DRIFT,	 /* replay did not match the recorded execution */
	/* The strategy cut the run short as redundant (STRATEGY_ABANDON):
	 * no verdict, it stands for nothing. */
	SCHED_ABANDONED,
};

struct sched_config {
	struct strategy *strategy;
	uint64_t max_steps;    /* 0: default budget */
	bool record_decisions; /* keep every step for replay (struct sched_result) */
	/* Keep every step's accesses (struct sched_result.events); also on when
	 * the strategy asks for them (struct strategy.wants_accesses). */
	bool record_accesses;
	/* Called once per scheduling point, for coverage feedback; may be NULL. */
	void (*feature_hook)(uint32_t feature);
};

struct sched_result {
	enum sched_verdict verdict;
	uint64_t steps;
	uint64_t switches;     /* decisions that changed the running thread */
	uint64_t trace_hash;   /* hash of (step, thread, site) and sched_trace_mix() values */
	const char *oracle;    /* violation: stable oracle id, e.g. "lock-discipline" */
	const char *kind;      /* violation: sub-kind, e.g. "double-unlock"; may be "" */
	int fail_thread;       /* thread that failed, -1 if none */
	const char *fail_site; /* site name of the last point of the failing thread */
	char report[SCHED_REPORT_MAX]; /* human-readable explanation */
	/* Recorded steps (valid until the next sched_run), if record_decisions. */
	const struct sched_decision *decisions;
	size_t n_decisions;
	/* Recorded steps with their accesses (valid until the next sched_run),
	 * if record_accesses: events[k] is the step chosen by decision k. */
	const struct sched_event *events;
	size_t n_events;
	const struct sched_access *accesses;
	size_t n_accesses;
	/* At the end, what each thread's next step would have begun with,
	 * for threads 0 .. n_threads-1 (object NULL: exited;
	 * SCHED_EVERYTHING: not announced, e.g. a thread not yet started),
	 * if record_accesses. */
	struct sched_access pending[SCHED_MAX_THREADS];
	int n_threads;
};

/* One step: at point `site`, thread `current` was running and `chosen` runs next. */
struct sched_decision {
	uint32_t site_id;
	uint8_t current;
	uint8_t chosen;
};

/* Once per process: create the fibers. Idempotent. */
void sched_init(void);

/*
 * Add a thread to the execution being prepared or running. Before
 * sched_run() it adds an initial thread; from a running thread it starts a
 * new one (enabled at once, not run until chosen). Returns the thread id or
 * -1 when all SCHED_MAX_THREADS are in use. `name` must outlive the run.
 */
int sched_spawn(void (*fn)(void *arg), void *arg, const char *name);

/* Run the prepared execution to its end. */
void sched_run(const struct sched_config *cfg, struct sched_result *out);

/* A scheduling point: the strategy may switch to another thread here.
 * Outside an execution (from the main fiber) it does nothing. */
void sched_point(struct sched_site *site);
/*
 * A scheduling point inside a spin loop (trylock retry, seqcount retry):
 * the thread waits for another one to make progress. It stays enabled,
 * but strategies prefer to run someone else, so that a spin loop under a
 * non-preemptive fallback is not reported as a livelock by itself. (Not
 * called sched_yield: POSIX has that name.)
 */
void sched_spin(struct sched_site *site);

/*
 * The steps the running execution has recorded so far, when it records
 * accesses (record_accesses, or a strategy that wants_accesses): for a
 * strategy's pick(), whose last event is the step that just ended.
 * Returns the number of events (0, with NULLs, when none are recorded).
 */
size_t sched_recorded_steps(const struct sched_event **events,
			    const struct sched_access **accesses);

/* Running thread's id (0..SCHED_MAX_THREADS-1), or -1 outside an execution. */
int sched_self(void);
const char *sched_thread_name(int tid);
uint64_t sched_step(void);

/* Report a coverage feature of the model (e.g. a reads-from pair) to the
 * fuzzer's feedback, through the run's feature_hook. */
void sched_feature(uint32_t feature);
/* Is anyone listening (a feature_hook set for this run)? Lets the model
 * skip computing features nobody will read. */
bool sched_features_wanted(void);

/* Mix a model event into the trace hash (for determinism checks). */
void sched_trace_mix(uint64_t value);

/*
 * End the execution with a violation. Callable only from a running thread
 * (from main it prints the message and aborts); never returns (the thread
 * is abandoned; its fiber is reused next run). The report is this message,
 * then a newline and the text added by sched_report_append().
 */
_Noreturn void sched_fail(const char *oracle, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append text to the current execution's report (before sched_fail). Text
 * appended before sched_run() belongs to the execution being prepared. */
void sched_report_append(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Blocking, for the primitives in sync.h. A wait queue is a FIFO of
 * blocked threads. sched_block() marks the running thread blocked on `q`
 * (waiting for the lock `lock`, or NULL) and switches away; it returns
 * once another thread has woken it and it has been chosen to run again.
 */
struct sched_waitq {
	uint8_t tid[SCHED_MAX_THREADS];
	uint8_t n;
};
struct lockdep_map;
void sched_block(struct sched_waitq *q, const struct lockdep_map *lock, struct sched_site *site);
/* The same, waiting for an event rather than a lock (wait queues): `event`
 * names it in deadlock reports. */
void sched_block_event(struct sched_waitq *q, const char *event, struct sched_site *site);
/*
 * A wait with a timeout (a user-space wait): like sched_block_event(), but
 * when no thread at all can run, the lowest-numbered such waiter times out
 * instead of the execution ending in a deadlock. Returns true when woken
 * by sched_wake_*(), false when it timed out. Deterministic: the timeout
 * fires only in that no-progress state, never by a clock.
 */
bool sched_block_timeout(struct sched_waitq *q, struct sched_site *site);
/* Wake the first waiter (returns its tid, or -1) / all waiters. */
int sched_wake_one(struct sched_waitq *q);
void sched_wake_all(struct sched_waitq *q);
/* Id of the first waiter without waking it, or -1. */
int sched_waitq_peek(const struct sched_waitq *q, int index);

#endif
