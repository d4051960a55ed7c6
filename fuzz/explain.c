/* SPDX-License-Identifier: MIT */
#include "explain.h"

int explain_pairs(const struct input *in, struct critical_pair *pairs, int max)
{
	(void)in;
	(void)pairs;
	(void)max;
	return 0;
}

int explain_run(const struct cli_options *o)
{
	(void)o;
	fprintf(stderr, "mmfuzz: explain: not yet\n");
	return 2;
}
