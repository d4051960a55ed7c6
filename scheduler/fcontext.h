/* SPDX-License-Identifier: MIT */
/*
 * Internal: the C ABI of Boost.Context's fcontext (libboost_context), which
 * ships no C header. Used by the Boost fiber backend and bench_switch.
 */
#ifndef MMFUZZ_SCHEDULER_FCONTEXT_H
#define MMFUZZ_SCHEDULER_FCONTEXT_H

#include <stddef.h>

typedef struct {
	void *fctx;
	void *data;
} transfer_t;

transfer_t jump_fcontext(void *to, void *vp);
void *make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

#endif
