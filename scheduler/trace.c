// SPDX-License-Identifier: MIT
/* Human-readable execution trace (see trace.h). */
#include "trace.h"

#include <stdarg.h>

#include "sanitizer.h"
#include "sched.h"
#include "sync.h"

SCHED_TSAN_IGNORE_BEGIN

static FILE *trace_out;

void trace_enable(FILE *out)
{
	trace_out = out;
}

bool trace_enabled(void)
{
	return trace_out != NULL;
}

void trace_printf(const char *fmt, ...)
{
	char text[512], held[256];
	va_list ap;
	int tid;

	if (!trace_out)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* Each simulated thread runs on its own CPU, so CPU number = tid. */
	tid = sched_self();
	lockdep_print_held(tid, held, sizeof(held));
	fprintf(trace_out, "[step %5llu] %s/CPU%d %s%s%s%s\n", (unsigned long long)sched_step(),
		tid >= 0 ? sched_thread_name(tid) : "main", tid, text, held[0] ? "  {" : "", held,
		held[0] ? "}" : "");
}

SCHED_TSAN_IGNORE_END
