// SPDX-License-Identifier: MIT
/* Scheduling strategies by name: see strategy_select.h. */
#include "strategy_select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCT_MAX_DEPTH 17

/* The depth of "pctN" or "pct-depth-N" (1..17); 0 if name is neither. */
static unsigned pct_depth(const char *name)
{
	const char *digits;
	char *end;
	unsigned long depth;

	if (strncmp(name, "pct-depth-", 10) == 0)
		digits = name + 10;
	else if (strncmp(name, "pct", 3) == 0)
		digits = name + 3;
	else
		return 0;
	/* Plain decimal digits only: no sign, space or leading zero. */
	if (digits[0] < '1' || digits[0] > '9')
		return 0;
	depth = strtoul(digits, &end, 10);
	if (*end || depth > PCT_MAX_DEPTH)
		return 0;
	return (unsigned)depth;
}

bool strategy_select_known(const char *name)
{
	return strcmp(name, "random") == 0 || strcmp(name, "pos") == 0 ||
	       strcmp(name, "surw") == 0 || pct_depth(name) != 0;
}

bool strategy_select(const char *name, uint64_t seed, struct selected_strategy *out)
{
	unsigned depth = pct_depth(name);

	if (!strategy_select_known(name))
		return false;
	if (depth) {
		snprintf(out->name, sizeof(out->name), "pct%u", depth);
		strategy_pct_init(&out->u.pct, depth, seed);
		out->strategy = &out->u.pct.base;
		return true;
	}
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (strcmp(name, "random") == 0) {
		strategy_random_init(&out->u.random, seed);
		out->strategy = &out->u.random.base;
	} else if (strcmp(name, "pos") == 0) {
		strategy_pos_init(&out->u.pos, seed);
		out->strategy = &out->u.pos.base;
	} else {
		strategy_surw_init(&out->u.surw, seed);
		out->strategy = &out->u.surw.base;
	}
	return true;
}
