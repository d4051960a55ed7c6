/* SPDX-License-Identifier: MIT */
/*
 * Executions per second on a fixed 3-thread scenario (fork, pin, DMA,
 * vmsplice, faults), under random schedules, on the latest profile.
 * Built twice: plain and with ASan+UBSan (bench/run.sh runs both side by
 * side and prints the ratio).
 *
 *   bench_exec [SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fuzz/runner.h"

int main(int argc, char **argv);

static const char *const scenario_text = "thread 0\n"
					 "  write va=0 word=0\n"
					 "  pin va=0 rw=1\n"
					 "  fork\n"
					 "  write va=0 word=1\n"
					 "  read va=1 word=0\n"
					 "  vmsplice va=0\n"
					 "  pipe-read\n"
					 "thread 1 child-of 0\n"
					 "  read va=0 word=0\n"
					 "  write va=0 word=0\n"
					 "  dontneed va=0\n"
					 "  read va=0 word=0\n"
					 "thread 2\n"
					 "  dma-write slot=0 word=0\n"
					 "  write va=1 word=0\n"
					 "  dma-read slot=0 word=1\n";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3.0;
	struct strategy_random random;
	struct input in;
	struct exec_result r;
	char err[256];
	unsigned long long runs = 0, steps = 0, violations = 0;
	double start, elapsed;

	if (input_parse_text(scenario_text, &in, err, sizeof(err)) != INPUT_OK) {
		fprintf(stderr, "bench_exec: %s\n", err);
		return 2;
	}
	runner_select("latest", NULL, 0, err, sizeof(err));
	strategy_random_init(&random, 1);
	start = now();
	do {
		for (int i = 0; i < 256; i++) {
			runner_execute(&in, &random.base, false, NULL, &r);
			runs++;
			steps += r.sched.steps;
			violations += r.violation;
		}
		elapsed = now() - start;
	} while (elapsed < seconds);
	printf("bench_exec: %.0f exec/s, %.0f steps/exec, %.1f ns/step (%llu runs in %.2fs, "
	       "%llu violations)\n",
	       (double)runs / elapsed, (double)steps / (double)runs, elapsed * 1e9 / (double)steps,
	       runs, elapsed, violations);
	return violations ? 1 : 0;
}
