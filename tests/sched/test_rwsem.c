// SPDX-License-Identifier: MIT
/* rwsem and mutex semantics: writer preference, FIFO hand-off, trylocks. */
#include "scheduler/sync.h"
#include "test.h"

static struct sched_result res;
static struct rw_semaphore sem;
static struct mutex mtx;
static struct wait_queue_head wq;
static int phase, queued;
static char log_text[32];
static int log_len;

static void log_event(char c)
{
	log_text[log_len++] = c;
	log_text[log_len] = '\0';
}

static void reset(void)
{
	init_rwsem(&sem, "sem");
	mutex_init(&mtx, "mtx");
	init_waitqueue_head(&wq, "phase");
	phase = queued = 0;
	log_len = 0;
	log_text[0] = '\0';
}

static void set_phase(int p)
{
	phase = p;
	wake_up_all(&wq);
}

static bool phase_ge(void *arg)
{
	return phase >= (int)(intptr_t)arg;
}

static void wait_phase(int p)
{
	wait_event(&wq, phase_ge, (void *)(intptr_t)p);
}

/* T0 reads; T1 queues as a writer; then T2's down_read must queue behind it. */
static void first_reader(void *arg)
{
	down_read(&sem);
	set_phase(1);
	wait_phase(3);
	log_event('r');
	up_read(&sem);
}

static void queued_writer(void *arg)
{
	wait_phase(1);
	set_phase(2);
	down_write(&sem);
	log_event('W');
	up_write(&sem);
}

static void late_reader(void *arg)
{
	wait_phase(2);
	if (sched_waitq_peek(&sem.waiters, 0) != 1 || !sem.waiting_writer[0])
		sched_fail("test", "setup", "the writer is not queued");
	if (down_read_trylock(&sem))
		sched_fail("test", "trylock", "down_read_trylock succeeded past a queued writer");
	set_phase(3);
	down_read(&sem);
	log_event('R');
	up_read(&sem);
}

void test_rwsem_writer_blocks_reader(void)
{
	reset();
	sched_spawn(first_reader, NULL, "reader");
	sched_spawn(queued_writer, NULL, "writer");
	sched_spawn(late_reader, NULL, "late-reader");
	run_exec(NULL, 0, false, &res);
	CHECK_R(res.verdict == SCHED_PASS, &res);
	CHECK(!strcmp(log_text, "rWR"));
}

/* While T0 holds the write lock, R1 W2 R3 R4 queue; then they get it in
 * order, R3 and R4 together. */
static void write_holder(void *arg)
{
	down_write(&sem);
	wait_phase(4);
	log_event('0');
	up_write(&sem);
}

static void queue_reader(void *arg)
{
	set_phase(phase + 1);
	down_read(&sem);
	log_event((char)('0' + sched_self()));
	/* Readers at the head were admitted together. */
	if (sched_self() == 3 && !(sem.dep.readers & (1u << 4)))
		sched_fail("test", "handoff", "T4 was not admitted with T3");
	up_read(&sem);
}

static void queue_writer(void *arg)
{
	set_phase(phase + 1);
	down_write(&sem);
	log_event('W');
	up_write(&sem);
}

void test_rwsem_fifo_handoff(void)
{
	reset();
	sched_spawn(write_holder, NULL, "holder");
	sched_spawn(queue_reader, NULL, "r1");
	sched_spawn(queue_writer, NULL, "w2");
	sched_spawn(queue_reader, NULL, "r3");
	sched_spawn(queue_reader, NULL, "r4");
	run_exec(NULL, 0, false, &res);
	CHECK_R(res.verdict == SCHED_PASS, &res);
	CHECK(!strcmp(log_text, "01W34"));
}

static int trylock_results;

static void trylocker(void *arg)
{
	int bits = 0;

	bits |= down_write_trylock(&sem) << 0; /* free: yes */
	bits |= down_read_trylock(&sem) << 1;  /* own write lock: no */
	up_write(&sem);
	bits |= down_read_trylock(&sem) << 2;  /* free: yes */
	bits |= down_write_trylock(&sem) << 3; /* read-held: no */
	set_phase(1);
	wait_phase(2);
	up_read(&sem);
	bits |= mutex_trylock(&mtx) << 4; /* free: yes */
	bits |= mutex_trylock(&mtx) << 5; /* held: no */
	mutex_unlock(&mtx);
	trylock_results = bits;
}

static void other_reader(void *arg)
{
	wait_phase(1);
	/* Another reader holds it and nobody is queued: shared. */
	if (!down_read_trylock(&sem))
		sched_fail("test", "trylock", "shared down_read_trylock failed");
	set_phase(2);
	up_read(&sem);
}

void test_rwsem_trylock(void)
{
	reset();
	trylock_results = -1;
	sched_spawn(trylocker, NULL, "try");
	sched_spawn(other_reader, NULL, "other");
	run_exec(NULL, 0, false, &res);
	CHECK_R(res.verdict == SCHED_PASS, &res);
	CHECK(trylock_results == (1 | 4 | 16));
}

/* A releasing mutex owner cannot barge past its waiter. */
static void mutex_owner(void *arg)
{
	mutex_lock(&mtx);
	set_phase(1);
	wait_phase(2);
	mutex_unlock(&mtx);
	if (mutex_trylock(&mtx))
		sched_fail("test", "barging", "the releaser re-took the mutex past its waiter");
	log_event('0');
}

static void mutex_waiter(void *arg)
{
	wait_phase(1);
	set_phase(2);
	mutex_lock(&mtx);
	log_event('1');
	mutex_unlock(&mtx);
}

void test_mutex_handoff_fifo(void)
{
	reset();
	sched_spawn(mutex_owner, NULL, "owner");
	sched_spawn(mutex_waiter, NULL, "waiter");
	run_exec(NULL, 0, false, &res);
	CHECK_R(res.verdict == SCHED_PASS, &res);
	CHECK(!strcmp(log_text, "01") || !strcmp(log_text, "10"));
	CHECK(!mutex_is_locked(&mtx));
}
