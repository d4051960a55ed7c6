// SPDX-License-Identifier: MIT
#include "trace_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/input.h"
#include "scheduler/trace.h"

struct exec_result trace_last;

char *trace_of(const char *model, const char *program, bool *violation)
{
	struct input in;
	struct exec_result r;
	char err[256];
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!runner_select_model(model, err, sizeof(err)) ||
	    input_parse_text(program, &in, err, sizeof(err)) != INPUT_OK) {
		printf("FAIL setup %s: %s\n", model, err);
		exit(1);
	}
	trace_enable(out);
	runner_execute(&in, NULL, false, NULL, &r);
	trace_enable(NULL);
	fclose(out);
	*violation = r.violation;
	trace_last = r;
	return buf;
}

int count(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}
