// SPDX-License-Identifier: MIT
/*
 * The deterministic scheduler: simulated threads on fibers, one running at
 * a time, switching directly from thread to thread at scheduling points.
 * The main fiber (the caller of sched_run) only starts an execution and is
 * resumed when it ends.
 */
#include "sched.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fiber.h"
#include "sanitizer.h"
#include "strategy.h"
#include "sync.h"
#include "sync_internal.h"
#include "trace.h"

#if defined(SCHED_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

SCHED_TSAN_IGNORE_BEGIN

#define SCHED_DEFAULT_MAX_STEPS 100000
/* Decision log capacity reserved up front (see reserve_decisions()). */
#define SCHED_DECISIONS_RESERVE_MAX (1u << 20)
/* Access log capacity reserved up front: accesses per step, on average. */
#define SCHED_ACCESSES_PER_STEP 8

/* ASan's redzones and TSan's bookkeeping make frames several times larger. */
#if defined(SCHED_ASAN) || defined(SCHED_TSAN)
#define SCHED_STACK_SIZE ((size_t)256 * 1024)
#else
#define SCHED_STACK_SIZE ((size_t)64 * 1024)
#endif

#define HASH_SEED 0xcbf29ce484222325ull

enum thread_state { THREAD_UNUSED, THREAD_RUNNABLE, THREAD_BLOCKED, THREAD_EXITED };
enum sched_phase { PHASE_IDLE, PHASE_PREPARED, PHASE_RUNNING };

struct sched_thread {
	struct fiber fiber;
	enum thread_state state;
	void (*fn)(void *arg);
	void *arg;
	const char *name;
	char label[8]; /* "T3": name when none is given, TSan fiber name */
	const struct sched_site *last_site;
	uint32_t last_site_id;
	const struct lockdep_map *wait_lock; /* blocked on a lock, or NULL */
	const char *wait_event;		     /* blocked on an event, or NULL */
	struct sched_waitq *wait_q;	     /* queue it is blocked on */
	bool wait_timed;		     /* sched_block_timeout() */
	bool timed_out;
	char start_sync; /* TSan: spawner releases, thread acquires at start */
	jmp_buf base;	 /* thread_main's frame: where every thread ends */
	bool started, finished;
	int handoff; /* at the base: thread to switch to, -1 for main */
};

static struct {
	bool initialised;
	enum sched_phase phase;
	struct fiber main;
	struct sched_thread thr[SCHED_MAX_THREADS];
	int n_threads;
	int current;	/* running thread, -1 on the main fiber */
	bool unwinding; /* the execution is over: paused threads unwind */
	char exec_end;	/* TSan: every thread releases, main acquires */

	/* Configuration of the running execution. */
	struct strategy *strategy;
	uint64_t max_steps;
	bool record;
	void (*feature_hook)(uint32_t feature);

	/* What each thread's next step begins with (sched_point_on). */
	struct sched_access pending[SCHED_MAX_THREADS];
	/* The event log, when accesses are recorded (sched_accesses_on). */
	struct sched_event *ev;
	size_t n_ev, cap_ev;
	struct sched_access *acc;
	size_t n_acc, cap_acc;

	/* Progress and outcome of the running execution. */
	uint64_t step;
	uint64_t switches;
	uint64_t hash;
	struct sched_decision *dec;
	size_t n_dec, cap_dec;
	enum sched_verdict verdict;
	const char *oracle, *kind, *fail_site;
	int fail_thread;
	char report[SCHED_REPORT_MAX];
	size_t report_len;
	char notes[SCHED_REPORT_MAX]; /* sched_report_append() */
	size_t notes_len;
} S = {.current = -1};

/* ---- small helpers ---------------------------------------------------- */

/*
 * Append to a report buffer with a plain loop: under TSan a libc copy into
 * a buffer written by several simulated threads would be intercepted and
 * reported (sanitizer.h). volatile keeps the compiler from turning the
 * loop back into memcpy.
 */
static void text_append(char *buf, size_t cap, size_t *len, const char *s)
{
	volatile char *dst = buf;
	size_t n = *len;

	for (; *s && n + 1 < cap; s++)
		dst[n++] = *s;
	dst[n] = '\0';
	*len = n;
}

static void text_vprintf(char *buf, size_t cap, size_t *len, const char *fmt, va_list ap)
{
	char tmp[SCHED_REPORT_MAX];

	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	text_append(buf, cap, len, tmp);
}

static void report_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(S.report, sizeof(S.report), &S.report_len, fmt, ap);
	va_end(ap);
}

/*
 * Fold one value into a running hash: a multiply-xorshift step (as in
 * splitmix64), one multiply per value rather than FNV's eight per 64-bit
 * word, which made hashing the largest cost of a scheduling decision.
 */
static uint64_t hash_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static void tsan_release(void *addr)
{
#if defined(SCHED_TSAN)
	__tsan_release(addr);
#endif
	(void)addr;
}

static void tsan_acquire(void *addr)
{
#if defined(SCHED_TSAN)
	__tsan_acquire(addr);
#endif
	(void)addr;
}

static bool in_thread(void)
{
	return S.phase == PHASE_RUNNING && S.current >= 0;
}

static void require_thread(const char *what)
{
	if (!in_thread()) {
		fprintf(stderr, "mmfuzz: %s called outside a simulated thread\n", what);
		abort();
	}
}

static const char *site_name(const struct sched_site *site)
{
	return site ? site->name : "(not started)";
}

/* ---- setup ------------------------------------------------------------ */

void sched_init(void)
{
	if (S.initialised)
		return;
	fiber_init_main(&S.main);
	for (int i = 0; i < SCHED_MAX_THREADS; i++) {
		struct sched_thread *t = &S.thr[i];

		if (fiber_create(&t->fiber, SCHED_STACK_SIZE) != 0) {
			perror("mmfuzz: cannot allocate a fiber stack");
			abort();
		}
		snprintf(t->label, sizeof(t->label), "T%d", i);
		fiber_set_name(&t->fiber, t->label);
	}
	S.current = -1;
	S.initialised = true;
}

/* Forget the previous execution's threads (their fibers are reused). */
static void prepare_execution(void)
{
	for (int i = 0; i < SCHED_MAX_THREADS; i++)
		S.thr[i].state = THREAD_UNUSED;
	S.n_threads = 0;
	S.phase = PHASE_PREPARED;
}

static void thread_exited(struct sched_thread *t);
static _Noreturn void thread_leave(struct sched_thread *t);

/*
 * A simulated thread's fiber entry. Every thread ends back in this frame:
 * normally after its function returned, or by longjmp from wherever it was
 * when the execution ended (unwind_current()). Leaving the fiber from its
 * bottom frame, rather than from deep inside the model, matters under the
 * sanitizers: TSan's longjmp interceptor pops the fiber's shadow call
 * stack (which would otherwise grow with every abandoned execution), and
 * ASan unpoisons the abandoned frames.
 */
static void thread_main(void *arg)
{
	struct sched_thread *t = arg;

	t->started = true;
	t->handoff = -1;
	if (setjmp(t->base) == 0) {
		/* Whatever the spawner did before sched_spawn happens-before us. */
		tsan_acquire(&t->start_sync);
		t->fn(t->arg);
		thread_exited(t);
	}
	thread_leave(t);
}

int sched_spawn(void (*fn)(void *arg), void *arg, const char *name)
{
	struct sched_thread *t;
	int tid;

	sched_init();
	if (S.phase == PHASE_IDLE)
		prepare_execution();
	if (S.n_threads >= SCHED_MAX_THREADS)
		return -1;
	tid = S.n_threads++;
	t = &S.thr[tid];
	t->state = THREAD_RUNNABLE;
	t->fn = fn;
	t->arg = arg;
	t->name = name ? name : t->label;
	t->last_site = NULL;
	t->last_site_id = 0;
	t->wait_lock = NULL;
	t->wait_event = NULL;
	t->wait_q = NULL;
	t->wait_timed = false;
	t->timed_out = false;
	t->started = false;
	t->finished = false;
	t->handoff = -1;
	fiber_reset(&t->fiber, thread_main, t);
	tsan_release(&t->start_sync);
	/* Spawned by a running thread: the spawn writes the new thread's slot,
	 * and the new thread's first step reads it (it runs after the spawn). */
	S.pending[tid] = (struct sched_access){NULL, 0};
	if (S.phase == PHASE_RUNNING) {
		S.pending[tid] = (struct sched_access){t, SCHED_READ};
		sched_access(t, SCHED_WRITE);
		trace_printf("sched: spawn T%d '%s'", tid, t->name);
	}
	return tid;
}

/*
 * The decision log is reserved on the main fiber: growing it with realloc
 * from simulated threads would look like racing heap accesses to TSan.
 * Only a budget above SCHED_DECISIONS_RESERVE_MAX grows it in a thread.
 */
static void reserve_decisions(size_t n)
{
	struct sched_decision *p;

	if (n <= S.cap_dec)
		return;
	p = realloc(S.dec, n * sizeof(*p));
	if (!p) {
		fprintf(stderr, "mmfuzz: out of memory for the decision log\n");
		abort();
	}
	S.dec = p;
	S.cap_dec = n;
}

/* The event and access logs, reserved on the main fiber (as the decisions). */
static void *grow_log(void *p, size_t *cap, size_t n, size_t size, const char *what)
{
	if (n <= *cap)
		return p;
	p = realloc(p, n * size);
	if (!p) {
		fprintf(stderr, "mmfuzz: out of memory for the %s log\n", what);
		abort();
	}
	*cap = n;
	return p;
}

static void reserve_events(size_t n)
{
	S.ev = grow_log(S.ev, &S.cap_ev, n, sizeof(*S.ev), "event");
}

static void reserve_accesses(size_t n)
{
	S.acc = grow_log(S.acc, &S.cap_acc, n, sizeof(*S.acc), "access");
}

static void begin_access_log(const struct sched_config *cfg)
{
	size_t n;

	sched_accesses_on =
		cfg->record_accesses || (cfg->strategy && cfg->strategy->wants_accesses);
	S.n_ev = 0;
	S.n_acc = 0;
	if (!sched_accesses_on)
		return;
	n = S.max_steps < SCHED_DECISIONS_RESERVE_MAX ? S.max_steps + 1
						      : SCHED_DECISIONS_RESERVE_MAX;
	reserve_events(n);
	reserve_accesses(n * SCHED_ACCESSES_PER_STEP < 4096 ? 4096 : n * SCHED_ACCESSES_PER_STEP);
}

static void begin_execution(const struct sched_config *cfg)
{
	S.strategy = cfg->strategy;
	S.max_steps = cfg->max_steps ? cfg->max_steps : SCHED_DEFAULT_MAX_STEPS;
	S.record = cfg->record_decisions;
	S.feature_hook = cfg->feature_hook;
	S.step = 0;
	S.switches = 0;
	S.hash = HASH_SEED;
	S.n_dec = 0;
	begin_access_log(cfg);
	if (S.record)
		reserve_decisions(S.max_steps < SCHED_DECISIONS_RESERVE_MAX
					  ? S.max_steps + 1
					  : SCHED_DECISIONS_RESERVE_MAX);
	S.verdict = SCHED_PASS;
	S.oracle = "";
	S.kind = "";
	S.fail_site = "";
	S.fail_thread = -1;
	S.report[0] = '\0';
	S.report_len = 0;
	lockdep_reset();
	if (S.strategy) {
		S.strategy->drift[0] = '\0';
		if (S.strategy->begin)
			S.strategy->begin(S.strategy);
	}
}

/* ---- ending an execution ---------------------------------------------- */

static void describe_owners(const struct lockdep_map *m, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (m->writer)
		n += (size_t)snprintf(buf, len, "T%d", m->writer - 1);
	for (int i = 0; i < SCHED_MAX_THREADS && n < len; i++) {
		if (m->readers & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, "%sT%d(R)", n ? "," : "", i);
	}
	if (!n)
		snprintf(buf, len, "nobody");
}

static void describe_thread(int tid)
{
	const struct sched_thread *t = &S.thr[tid];
	char held[256], owners[64];

	lockdep_print_held(tid, held, sizeof(held));
	report_printf("  T%d '%s': ", tid, t->name);
	switch (t->state) {
	case THREAD_RUNNABLE:
		report_printf("runnable at %s", site_name(t->last_site));
		break;
	case THREAD_BLOCKED:
		report_printf("blocked at %s ", site_name(t->last_site));
		if (t->wait_lock) {
			describe_owners(t->wait_lock, owners, sizeof(owners));
			report_printf("waiting for %s held by %s", t->wait_lock->name, owners);
		} else {
			report_printf("waiting for event '%s'",
				      t->wait_event ? t->wait_event : "?");
		}
		break;
	case THREAD_EXITED:
		report_printf("exited");
		break;
	case THREAD_UNUSED:
		break;
	}
	report_printf("%s%s\n", held[0] ? "; holds " : "", held);
}

static void describe_threads(void)
{
	for (int i = 0; i < S.n_threads; i++)
		describe_thread(i);
}

/* An owner of `m` to follow in the wait-for graph: a blocked one if any. */
static int lock_owner(const struct lockdep_map *m)
{
	int any = -1;

	for (int i = 0; i < S.n_threads; i++) {
		bool owns = m->writer == i + 1 || (m->readers & (1u << i));

		if (!owns)
			continue;
		if (S.thr[i].state == THREAD_BLOCKED)
			return i;
		if (any < 0)
			any = i;
	}
	return any;
}

/* Find a cycle in the wait-for graph; returns its length (0: none). */
static int find_wait_cycle(int *cycle)
{
	for (int start = 0; start < S.n_threads; start++) {
		int path[SCHED_MAX_THREADS], n = 0, cur = start;

		while (cur >= 0 && S.thr[cur].state == THREAD_BLOCKED && S.thr[cur].wait_lock) {
			for (int k = 0; k < n; k++) {
				if (path[k] == cur) {
					memcpy(cycle, path + k, (size_t)(n - k) * sizeof(int));
					return n - k;
				}
			}
			path[n++] = cur;
			cur = lock_owner(S.thr[cur].wait_lock);
		}
	}
	return 0;
}

static void end_deadlock(void)
{
	int cycle[SCHED_MAX_THREADS];
	int n = find_wait_cycle(cycle);

	S.verdict = SCHED_DEADLOCK;
	S.oracle = "lock-discipline";
	S.kind = "deadlock";
	report_printf("deadlock: ");
	if (!n)
		report_printf("no thread can run");
	for (int k = 0; k < n; k++) {
		int t = cycle[k], next = cycle[(k + 1) % n];

		report_printf("%sT%d waits for %s held by T%d", k ? "; " : "", t,
			      S.thr[t].wait_lock->name, next);
	}
	report_printf("\n");
	describe_threads();
}

static void end_livelock(void)
{
	S.verdict = SCHED_LIVELOCK;
	S.oracle = "lock-discipline";
	S.kind = "livelock";
	report_printf("livelock: the step budget (%llu steps) is spent and threads still run\n",
		      (unsigned long long)S.max_steps);
	describe_threads();
}

static void end_drift(const char *why)
{
	S.verdict = SCHED_DRIFT;
	report_printf("%s\n", why);
}

/* The strategy knows the rest of this run is covered by another run. */
static void end_abandoned(void)
{
	S.verdict = SCHED_ABANDONED;
	report_printf("abandoned by strategy '%s' as redundant\n", S.strategy->name);
}

/* No thread is enabled: everyone exited (pass), or the rest wait forever. */
static void end_no_runnable(void)
{
	for (int i = 0; i < S.n_threads; i++) {
		if (S.thr[i].state == THREAD_BLOCKED) {
			end_deadlock();
			return;
		}
	}
}

/* End the running thread's part in the execution: back to its base frame,
 * then to main. */
static _Noreturn void unwind_current(void)
{
	struct sched_thread *t = &S.thr[S.current];

	t->handoff = -1;
	longjmp(t->base, 1);
}

/* ---- decisions -------------------------------------------------------- */

/*
 * Coverage feature for the fuzzer: the site where the decision is taken,
 * the site the chosen thread resumes from, and whether the thread
 * changed. New context-switch site pairs are new features.
 */
static uint32_t switch_feature(uint32_t site, uint32_t resumed_site, bool switched)
{
	uint64_t h = hash_mix(hash_mix(hash_mix(HASH_SEED, site), resumed_site), switched);

	return (uint32_t)(h ^ (h >> 32));
}

void sched_feature(uint32_t feature)
{
	if (S.feature_hook)
		S.feature_hook(feature);
}

bool sched_features_wanted(void)
{
	return S.feature_hook != NULL;
}

static void record_decision(uint32_t site_id, int cur, int chosen)
{
	if (!S.record)
		return;
	if (S.n_dec == S.cap_dec)
		reserve_decisions(S.cap_dec ? 2 * S.cap_dec : 1024);
	S.dec[S.n_dec++] = (struct sched_decision){
		.site_id = site_id,
		.current = (uint8_t)cur,
		.chosen = (uint8_t)chosen,
	};
}

static void log_access(const void *object, uint32_t mode)
{
	struct sched_event *e = &S.ev[S.n_ev - 1];

	if (S.n_acc == S.cap_acc)
		reserve_accesses(2 * S.cap_acc);
	S.acc[S.n_acc++] = (struct sched_access){object, mode};
	e->n++;
}

/* Decision `S.n_ev` chose `tid`: its step begins with the pending access. */
static void record_event(int tid)
{
	if (S.n_ev == S.cap_ev)
		reserve_events(S.cap_ev ? 2 * S.cap_ev : 1024);
	S.ev[S.n_ev++] = (struct sched_event){
		.site_id = S.thr[tid].last_site_id,
		.first = (uint32_t)S.n_acc,
		.tid = (uint8_t)tid,
	};
	if (S.pending[tid].object)
		log_access(S.pending[tid].object, S.pending[tid].mode);
}

void sched_access_log(const void *object, enum sched_access_mode mode)
{
	if (in_thread() && S.n_ev > 0)
		log_access(object, mode);
}

size_t sched_recorded_steps(const struct sched_event **events, const struct sched_access **accesses)
{
	bool on = S.phase == PHASE_RUNNING && sched_accesses_on;

	*events = on ? S.ev : NULL;
	*accesses = on ? S.acc : NULL;
	return on ? S.n_ev : 0;
}

static int waitq_remove(struct sched_waitq *q, int tid);

/*
 * Nobody can run. A thread in a timed wait gives up (the lowest-numbered,
 * for determinism) instead of the execution deadlocking. Returns it, now
 * runnable, or -1.
 */
static int time_out_a_waiter(void)
{
	for (int i = 0; i < S.n_threads; i++) {
		struct sched_thread *t = &S.thr[i];

		if (t->state != THREAD_BLOCKED || !t->wait_timed)
			continue;
		waitq_remove(t->wait_q, i);
		t->state = THREAD_RUNNABLE;
		t->timed_out = true;
		/* Nobody woke it: what it does next depends on everything. */
		S.pending[i] = (struct sched_access){SCHED_EVERYTHING, SCHED_WRITE};
		trace_printf("sched: T%d times out waiting for '%s'", i,
			     t->wait_event ? t->wait_event : "?");
		return i;
	}
	return -1;
}

/*
 * One scheduling point of thread `cur` at `site`. Returns the thread to
 * run next, or -1 when the execution is over (verdict and report set).
 */
static int decide(struct sched_site *site, int cur, bool cur_enabled, bool yields)
{
	/* Filled field by field: enabled[] past n_enabled is never read, and
	 * zeroing it costs more than the rest of a decision. */
	struct sched_choice c;
	uint32_t sid = sched_site_id(site);
	uint32_t cur_prev_site = S.thr[cur].last_site_id;
	unsigned enabled_mask = 0;
	int chosen;

	c.step = ++S.step;
	c.current = cur;
	c.current_enabled = cur_enabled;
	c.n_enabled = 0;
	c.site = site;
	c.current_yields = yields;
	c.pending = S.pending;

	S.thr[cur].last_site = site;
	S.thr[cur].last_site_id = sid;
	if (S.step > S.max_steps) {
		end_livelock();
		return -1;
	}
	for (int i = 0; i < S.n_threads; i++) {
		if (S.thr[i].state == THREAD_RUNNABLE) {
			c.enabled[c.n_enabled++] = i;
			enabled_mask |= 1u << i;
		}
	}
	if (c.n_enabled == 0 && (c.enabled[0] = time_out_a_waiter()) >= 0) {
		c.n_enabled = 1;
		enabled_mask = 1u << c.enabled[0];
	}
	if (c.n_enabled == 0) {
		end_no_runnable();
		return -1;
	}
	chosen = S.strategy ? S.strategy->pick(S.strategy, &c) : strategy_default_pick(&c);
	if (chosen < 0) {
		if (chosen == STRATEGY_ABANDON)
			end_abandoned();
		else
			end_drift(S.strategy->drift[0] ? S.strategy->drift
						       : "drift (no explanation)");
		return -1;
	}
	if (chosen >= SCHED_MAX_THREADS || !(enabled_mask & (1u << chosen))) {
		char why[160];

		snprintf(why, sizeof(why), "strategy '%s' chose T%d at step %llu: not enabled",
			 S.strategy ? S.strategy->name : "default", chosen,
			 (unsigned long long)c.step);
		end_drift(why);
		return -1;
	}
	record_decision(sid, cur, chosen);
	if (sched_accesses_on)
		record_event(chosen);
	S.hash = hash_mix(hash_mix(hash_mix(hash_mix(S.hash, c.step), (uint64_t)cur), sid),
			  (uint64_t)chosen);
	if (S.feature_hook)
		S.feature_hook(switch_feature(
			sid, chosen == cur ? cur_prev_site : S.thr[chosen].last_site_id,
			chosen != cur));
	return chosen;
}

static void switch_to(int from, int to, const struct sched_site *site)
{
	S.switches++;
	if (trace_enabled())
		trace_printf("sched: -> T%d '%s' (at %s)", to, S.thr[to].name, site->name);
	S.current = to;
	fiber_switch(&S.thr[from].fiber, &S.thr[to].fiber, false);
	/* Resumed: whoever switched back to us set S.current. Main resumes a
	 * paused thread after the end only to unwind it. */
	if (S.unwinding)
		unwind_current();
}

static void reschedule(struct sched_site *site, bool cur_enabled, bool yields)
{
	int me = S.current;
	int next = decide(site, me, cur_enabled, yields);

	if (next < 0)
		unwind_current();
	if (next != me)
		switch_to(me, next, site);
}

/* The thread function returned: check lockdep, pick the successor. */
static void thread_exited(struct sched_thread *t)
{
	static struct sched_site exit_site = {"sched:exit", 0};
	int me = (int)(t - S.thr);
	int next;

	lockdep_thread_exit(me);
	t->state = THREAD_EXITED;
	S.pending[me] = (struct sched_access){NULL, 0};
	next = decide(&exit_site, me, false, false);
	if (next < 0)
		unwind_current();
	S.switches++;
	t->handoff = next;
}

/* On the base frame: leave the fiber for good, to t->handoff or to main. */
static _Noreturn void thread_leave(struct sched_thread *t)
{
	int next = t->handoff;

	t->finished = true;
	/* Main acquires this at the end: it resets model state next time. */
	tsan_release(&S.exec_end);
	if (next >= 0) {
		S.current = next;
		fiber_switch_final(&t->fiber, &S.thr[next].fiber, false);
	}
	/* An abandoned thread's locks must not stay held in TSan's view. */
	lockdep_tsan_forget_held((int)(t - S.thr));
	S.current = -1;
	fiber_switch_final(&t->fiber, &S.main, true);
}

/* ---- public API ------------------------------------------------------- */

/*
 * The execution is over: threads paused in the middle of it (blocked, or
 * preempted) are resumed once, only to unwind to their base frame and
 * leave (see thread_main()).
 */
static void unwind_paused_threads(void)
{
	S.unwinding = true;
	for (int i = 0; i < S.n_threads; i++) {
		if (S.thr[i].started && !S.thr[i].finished) {
			S.current = i;
			fiber_switch(&S.main, &S.thr[i].fiber, true);
		}
	}
	S.unwinding = false;
	S.current = -1;
	tsan_acquire(&S.exec_end);
}

/*
 * What thread i's next step would have begun with. A step that announced
 * nothing (a thread not yet started) records its accesses as it runs; one
 * that never ran is unknown, so it may touch anything.
 */
static struct sched_access final_pending(int i)
{
	if (i >= S.n_threads || S.thr[i].state == THREAD_EXITED)
		return (struct sched_access){NULL, 0};
	if (!S.pending[i].object)
		return (struct sched_access){SCHED_EVERYTHING, SCHED_WRITE};
	return S.pending[i];
}

static void finish_result(struct sched_result *out)
{
	size_t len = 0;

	out->verdict = S.verdict;
	out->steps = S.step;
	out->switches = S.switches;
	out->trace_hash = S.hash;
	out->oracle = S.oracle;
	out->kind = S.kind;
	out->fail_thread = S.fail_thread;
	out->fail_site = S.fail_site;
	out->report[0] = '\0';
	text_append(out->report, sizeof(out->report), &len, S.report);
	if (S.notes_len) {
		text_append(out->report, sizeof(out->report), &len, len ? "\n" : "");
		text_append(out->report, sizeof(out->report), &len, S.notes);
	}
	S.notes[0] = '\0';
	S.notes_len = 0;
	out->decisions = S.record ? S.dec : NULL;
	out->n_decisions = S.record ? S.n_dec : 0;
	out->events = sched_accesses_on ? S.ev : NULL;
	out->n_events = sched_accesses_on ? S.n_ev : 0;
	out->accesses = sched_accesses_on ? S.acc : NULL;
	out->n_accesses = sched_accesses_on ? S.n_acc : 0;
	out->n_threads = S.n_threads;
	for (int i = 0; i < SCHED_MAX_THREADS; i++)
		out->pending[i] = final_pending(i);
	sched_accesses_on = false;
	if (!S.strategy)
		return;
	if (S.strategy->end)
		S.strategy->end(S.strategy, out);
	if (out->verdict != SCHED_DRIFT && S.strategy->drift[0]) {
		out->verdict = SCHED_DRIFT;
		len = 0;
		text_append(out->report, sizeof(out->report), &len, S.strategy->drift);
	}
}

void sched_run(const struct sched_config *cfg, struct sched_result *out)
{
	static struct sched_site start_site = {"sched:start", 0};

	sched_init();
	if (S.phase == PHASE_RUNNING) {
		fprintf(stderr, "mmfuzz: sched_run called from inside an execution\n");
		abort();
	}
	if (S.phase == PHASE_IDLE)
		prepare_execution();
	begin_execution(cfg);
	S.phase = PHASE_RUNNING;
	if (S.n_threads > 0) {
		/* The first decision is taken as if thread 0 had reached a point
		 * before its first instruction: the strategy picks who starts. */
		int first = decide(&start_site, 0, true, false);

		if (first >= 0) {
			for (int i = 0; i < S.n_threads; i++)
				tsan_release(&S.thr[i].start_sync);
			S.current = first;
			fiber_switch(&S.main, &S.thr[first].fiber, true);
		}
	}
	S.current = -1;
	unwind_paused_threads();
	S.phase = PHASE_IDLE;
	finish_result(out);
}

void sched_point(struct sched_site *site)
{
	sched_point_on(site, SCHED_EVERYTHING, SCHED_WRITE);
}

void sched_spin(struct sched_site *site)
{
	sched_spin_on(site, SCHED_EVERYTHING, SCHED_WRITE);
}

void sched_point_on(struct sched_site *site, const void *object, enum sched_access_mode mode)
{
	if (!in_thread())
		return;
	S.pending[S.current] = (struct sched_access){object, mode};
	reschedule(site, true, false);
}

void sched_spin_on(struct sched_site *site, const void *object, enum sched_access_mode mode)
{
	if (!in_thread())
		return;
	S.pending[S.current] = (struct sched_access){object, mode};
	reschedule(site, true, true);
}

int sched_self(void)
{
	return S.phase == PHASE_RUNNING ? S.current : -1;
}

const char *sched_thread_name(int tid)
{
	if (tid < 0)
		return "main";
	if (tid >= SCHED_MAX_THREADS)
		return "T?";
	return S.thr[tid].name ? S.thr[tid].name : S.thr[tid].label;
}

uint64_t sched_step(void)
{
	return S.step;
}

void sched_trace_mix(uint64_t value)
{
	S.hash = hash_mix(S.hash, value);
}

_Noreturn void sched_fail(const char *oracle, const char *kind, const char *fmt, ...)
{
	char msg[SCHED_REPORT_MAX];
	va_list ap;
	int me = S.current;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!in_thread()) {
		fprintf(stderr, "mmfuzz: %s/%s outside an execution: %s\n", oracle, kind, msg);
		abort();
	}
	S.verdict = SCHED_VIOLATION;
	S.oracle = oracle ? oracle : "";
	S.kind = kind ? kind : "";
	S.fail_thread = me;
	S.fail_site = site_name(S.thr[me].last_site);
	report_printf("%s", msg);
	trace_printf("violation %s/%s: %s", S.oracle, S.kind, msg);
	unwind_current();
}

void sched_report_append(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(S.notes, sizeof(S.notes), &S.notes_len, fmt, ap);
	va_end(ap);
}

/* ---- blocking --------------------------------------------------------- */

/* Wait queues live in model memory that several threads touch: element
 * loops through volatile, for the reason given at text_append(). */
static void waitq_push(struct sched_waitq *q, int tid)
{
	volatile uint8_t *slot = q->tid;

	slot[q->n] = (uint8_t)tid;
	q->n++;
}

/* Remove `tid` from the queue; returns it, or -1 if it was not queued. */
static int waitq_remove(struct sched_waitq *q, int tid)
{
	volatile uint8_t *slot = q->tid;
	int at = -1;

	for (int i = 0; i < q->n; i++) {
		if (slot[i] == tid) {
			at = i;
			break;
		}
	}
	if (at < 0)
		return -1;
	for (int i = at + 1; i < q->n; i++)
		slot[i - 1] = slot[i];
	q->n--;
	return tid;
}

static int waitq_pop(struct sched_waitq *q)
{
	return q->n ? waitq_remove(q, q->tid[0]) : -1;
}

/* Returns false if the wait timed out (sched_block_timeout only). */
static bool block_current(struct sched_waitq *q, const struct lockdep_map *lock, const char *event,
			  bool timed, struct sched_site *site)
{
	struct sched_thread *t;

	require_thread("sched_block");
	t = &S.thr[S.current];
	if (q->n >= SCHED_MAX_THREADS) {
		fprintf(stderr, "mmfuzz: wait queue overflow (uninitialised queue?)\n");
		abort();
	}
	waitq_push(q, S.current);
	/* Queueing writes the queue; so does the woken thread's next step. */
	sched_access(q, SCHED_WRITE);
	S.pending[S.current] = (struct sched_access){q, SCHED_WRITE};
	t->state = THREAD_BLOCKED;
	t->wait_lock = lock;
	t->wait_event = event;
	t->wait_q = q;
	t->wait_timed = timed;
	t->timed_out = false;
	reschedule(site, false, false);
	t->wait_lock = NULL;
	t->wait_event = NULL;
	t->wait_q = NULL;
	t->wait_timed = false;
	return !t->timed_out;
}

void sched_block(struct sched_waitq *q, const struct lockdep_map *lock, struct sched_site *site)
{
	block_current(q, lock, NULL, false, site);
}

void sched_block_event(struct sched_waitq *q, const char *event, struct sched_site *site)
{
	block_current(q, NULL, event, false, site);
}

bool sched_block_timeout(struct sched_waitq *q, struct sched_site *site)
{
	return block_current(q, NULL, site->name, true, site);
}

int sched_wake_one(struct sched_waitq *q)
{
	int tid;

	sched_access(q, SCHED_WRITE); /* the waker depends on the sleepers */
	tid = waitq_pop(q);

	if (tid >= 0)
		S.thr[tid].state = THREAD_RUNNABLE;
	return tid;
}

void sched_wake_all(struct sched_waitq *q)
{
	while (sched_wake_one(q) >= 0)
		;
}

int sched_waitq_peek(const struct sched_waitq *q, int index)
{
	return index >= 0 && index < q->n ? q->tid[index] : -1;
}

SCHED_TSAN_IGNORE_END
