/* SPDX-License-Identifier: MIT */
/* `mmfuzz run FILE...`: the verdict of each file, and with --repeat the
 * proof that it replays identically. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "replay.h"
#include "sanitizer.h"
#include "fuzz/runner.h"

/* Run one file `repeat` times; every run must give the same signature and
 * trace hash. Returns 0 clean, 1 violation, 2 error, 3 nondeterminism, 66
 * a data race ThreadSanitizer reported (the TSan build). */
static int run_file(const struct cli_options *o, const char *path, int repeat)
{
	struct input in;
	uint8_t *storage = NULL;
	struct exec_result first, r;
	char sig[256], sig2[256];
	unsigned long races = sanitizer_reports();
	int status;

	if (cli_load(o, path, &in, &storage) != 0)
		return 2;
	runner_execute(&in, NULL, false, NULL, &first);
	runner_signature(&first, sig, sizeof(sig));
	for (int i = 1; i < repeat; i++) {
		runner_execute(&in, NULL, false, NULL, &r);
		runner_signature(&r, sig2, sizeof(sig2));
		if (strcmp(sig, sig2) != 0 || r.sched.trace_hash != first.sched.trace_hash) {
			printf("%s: NONDETERMINISTIC at repetition %d: %s (hash %016llx) vs %s "
			       "(hash %016llx)\n",
			       path, i + 1, sig, (unsigned long long)first.sched.trace_hash, sig2,
			       (unsigned long long)r.sched.trace_hash);
			free(storage);
			return 3;
		}
	}
	/* A race report makes the oracles' verdict the second opinion. */
	races = sanitizer_reports() - races;
	printf("%s: %s%s (trace %016llx, %llu steps", path, races ? "oracles: " : "", sig,
	       (unsigned long long)first.sched.trace_hash, (unsigned long long)first.sched.steps);
	if (repeat > 1)
		printf(", identical %d/%d", repeat, repeat);
	printf(")\n");
	print_lock_latency(&first, stdout);
	if (first.violation)
		runner_print_report(&first, stdout);
	status = first.violation ? 1 : 0;
	if (races) {
		printf("%s: DATA RACE: ThreadSanitizer reported %lu race(s) in the model, above\n",
		       path, races);
		status = EXIT_DATA_RACE;
	}
	free(storage);
	return status;
}

int cmd_run(const struct cli_options *o)
{
	int worst = 0;

	for (int i = 0; i < o->n_args; i++) {
		int s = run_file(o, o->args[i], (int)o->repeat);

		if (s > worst)
			worst = s;
	}
	return worst;
}
