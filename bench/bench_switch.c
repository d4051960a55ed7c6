// SPDX-License-Identifier: MIT
/*
 * Cost of one context switch, side by side: the scheduler's fiber_switch
 * (the hand-written assembly, or ucontext where there is none), glibc
 * swapcontext, and Boost.Context's jump_fcontext when libboost_context is
 * installed. Also the cost of a full scheduling decision (sched_point that
 * switches: strategy, decision log, trace hash, switch).
 *
 * Each measurement ping-pongs between two contexts; one round trip is two
 * switches. Prints ns per switch and the ratio to swapcontext.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#include "scheduler/fiber.h"
#include "scheduler/sched.h"
#include "scheduler/strategy.h"

#define ROUND_TRIPS 2000000L
#define STACK_SIZE  ((size_t)64 * 1024)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ---- fiber_switch ----------------------------------------------------- */

static struct fiber main_fiber, ping_fiber;

static void fiber_pong(void *arg)
{
	for (;;)
		fiber_switch(&ping_fiber, &main_fiber, false);
}

static double bench_fiber(void)
{
	double t0;

	fiber_init_main(&main_fiber);
	if (fiber_create(&ping_fiber, STACK_SIZE) != 0)
		return -1;
	fiber_reset(&ping_fiber, fiber_pong, NULL);
	fiber_switch(&main_fiber, &ping_fiber, false); /* warm up */
	t0 = now_ns();
	for (long i = 0; i < ROUND_TRIPS; i++)
		fiber_switch(&main_fiber, &ping_fiber, false);
	return (now_ns() - t0) / (2.0 * ROUND_TRIPS);
}

/*
 * The bare assembly, called from the loop as Boost's is: both contexts
 * call the swap from a different site, so each `ret` mispredicts once —
 * unlike the scheduler, where both sides sit in the same call chain.
 */
#if defined(__x86_64__) || defined(__aarch64__)
void mmfuzz_fiber_swap(void **save_sp, void *new_sp);

static double bench_raw_asm(void)
{
	double t0;

	fiber_reset(&ping_fiber, fiber_pong, NULL);
	fiber_switch(&main_fiber, &ping_fiber, false);
	/* ping_fiber now waits in fiber_switch: resume it with the raw swap. */
	t0 = now_ns();
	for (long i = 0; i < ROUND_TRIPS; i++)
		mmfuzz_fiber_swap(&main_fiber.sp, ping_fiber.sp);
	return (now_ns() - t0) / (2.0 * ROUND_TRIPS);
}
#endif

/* ---- swapcontext ------------------------------------------------------ */

static ucontext_t uc_main, uc_pong;

static void uc_pong_fn(void)
{
	for (;;)
		swapcontext(&uc_pong, &uc_main);
}

static double bench_ucontext(void)
{
	static char stack[STACK_SIZE];
	double t0;

	getcontext(&uc_pong);
	uc_pong.uc_stack.ss_sp = stack;
	uc_pong.uc_stack.ss_size = sizeof(stack);
	uc_pong.uc_link = NULL;
	makecontext(&uc_pong, uc_pong_fn, 0);
	swapcontext(&uc_main, &uc_pong);
	t0 = now_ns();
	for (long i = 0; i < ROUND_TRIPS; i++)
		swapcontext(&uc_main, &uc_pong);
	return (now_ns() - t0) / (2.0 * ROUND_TRIPS);
}

/* ---- Boost.Context (C ABI of libboost_context) ------------------------ */

#if defined(MMFUZZ_HAVE_BOOST_CONTEXT)
#include "scheduler/fcontext.h"

static void fcontext_pong(transfer_t t)
{
	for (;;)
		t = jump_fcontext(t.fctx, NULL);
}

static double bench_fcontext(void)
{
	static char stack[STACK_SIZE];
	void *ctx = make_fcontext(stack + sizeof(stack), sizeof(stack), fcontext_pong);
	transfer_t t = jump_fcontext(ctx, NULL);
	double t0 = now_ns();

	for (long i = 0; i < ROUND_TRIPS; i++)
		t = jump_fcontext(t.fctx, NULL);
	return (now_ns() - t0) / (2.0 * ROUND_TRIPS);
}
#endif

/* ---- a whole scheduling decision -------------------------------------- */

/* Always switch to the other thread, so that every point is a switch. */
static int alternate_pick(struct strategy *s, const struct sched_choice *c)
{
	for (int i = 0; i < c->n_enabled; i++) {
		if (c->enabled[i] != c->current)
			return c->enabled[i];
	}
	return c->enabled[0];
}

static void point_loop(void *arg)
{
	for (long i = 0; i < ROUND_TRIPS; i++)
		sched_point(SITE("bench:point"));
}

static double bench_sched_point(bool record)
{
	struct strategy alternate = {.name = "alternate", .pick = alternate_pick};
	struct sched_config cfg = {
		.strategy = &alternate, .max_steps = 3 * ROUND_TRIPS, .record_decisions = record};
	static struct sched_result r;
	double t0;

	sched_spawn(point_loop, NULL, "a");
	sched_spawn(point_loop, NULL, "b");
	t0 = now_ns();
	sched_run(&cfg, &r);
	return (now_ns() - t0) / (double)r.switches;
}

static void print_row(const char *name, double ns, double base)
{
	printf("%-44s %8.1f ns/switch   %6.3fx swapcontext\n", name, ns, ns / base);
}

int main(void)
{
	double uc = bench_ucontext();
	char name[64];

	printf("%ld round trips per measurement\n", ROUND_TRIPS);
	print_row("glibc swapcontext", uc, uc);
	snprintf(name, sizeof(name), "fiber_switch (%s)", fiber_backend());
	print_row(name, bench_fiber(), uc);
#if defined(__x86_64__) || defined(__aarch64__)
	if (fiber_backend()[0] == 'a')
		print_row("mmfuzz_fiber_swap (bare asm)", bench_raw_asm(), uc);
#endif
#if defined(MMFUZZ_HAVE_BOOST_CONTEXT)
	print_row("Boost.Context jump_fcontext", bench_fcontext(), uc);
#else
	printf("%-44s (libboost_context not found)\n", "Boost.Context jump_fcontext");
#endif
	print_row("sched_point, switching every point", bench_sched_point(false), uc);
	print_row("sched_point, switching, recording decisions", bench_sched_point(true), uc);
	return 0;
}
