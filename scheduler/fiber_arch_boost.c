// SPDX-License-Identifier: MIT
/*
 * Fiber backend: Boost.Context's fcontext (Debian libboost-context-dev),
 * through its C ABI. Built only with -DMMFUZZ_FIBER_BOOST, for
 * bench/bench_switch_boost, which measures it inside the scheduler next to
 * our own assembly switch (see fiber_x86_64.S for why ours stays).
 *
 * jump_fcontext() hands the resumed side the context it came from; the
 * swap record passed along says which fiber that context belongs to.
 */
#include "fiber_arch.h"
#include "sanitizer.h"

#if defined(FIBER_USE_BOOST)

#include <stdlib.h>

#include "fcontext.h"

SCHED_TSAN_IGNORE_BEGIN

struct swap {
	struct fiber *from;
	struct fiber *to;
};

static fiber_start_fn boost_start;

static void save_origin(transfer_t t)
{
	struct swap *s = t.data;

	s->from->sp = t.fctx;
}

static void boost_trampoline(transfer_t t)
{
	struct swap *s = t.data;

	save_origin(t);
	boost_start(s->to);
	abort(); /* the start function never returns */
}

void fiber_arch_init_main(struct fiber *f)
{
	f->sp = NULL;
}

void fiber_arch_prepare(struct fiber *f, fiber_start_fn start)
{
	boost_start = start;
	f->sp = make_fcontext((char *)f->stack + f->stack_size, f->stack_size, boost_trampoline);
}

void fiber_arch_swap(struct fiber *from, struct fiber *to)
{
	struct swap s = {from, to};

	save_origin(jump_fcontext(to->sp, &s));
}

const char *fiber_arch_name(void)
{
	return "boost-fcontext";
}

SCHED_TSAN_IGNORE_END

#endif
