/* SPDX-License-Identifier: MIT */
#include "commands.h"

int cmd_stats(const struct cli_options *o)
{
	(void)o;
	fprintf(stderr, "mmfuzz stats: not built yet\n");
	return EXIT_USAGE;
}
