/* SPDX-License-Identifier: MIT */
/* `mmfuzz profiles`: the models mmfuzz knows and their switches. */
#include <stdio.h>

#include "commands.h"
#include "target/policy.h"

static void print_line(const char *line)
{
	printf("%s\n", line);
}

/* Each profile with what it models and recreates; the default with every
 * switch, the others with the switches where they differ from it. */
int cmd_profiles(const struct cli_options *o)
{
	const struct profile *base = profile_default();

	for (int i = 0; profile_at(i); i++) {
		const struct profile *p = profile_at(i);

		printf("%s%s\n  %s\n  recreates: %s\n", p->name, p == base ? " (default)" : "",
		       p->era, p->recreates);
		if (p == base) {
			policy_print(&p->policy, "    ", print_line);
		} else {
			printf("  differs from %s in:\n", base->name);
			policy_print_diff(&p->policy, &base->policy, "    ", print_line);
		}
	}
	printf("\nswitches (turn one on top of a profile with --set NAME=VALUE):\n");
	policy_print_switches(print_line);
	return 0;
}
