/* SPDX-License-Identifier: MIT */
#include "commands.h"

int cmd_smoke(const struct cli_options *o)
{
	(void)o;
	fprintf(stderr, "mmfuzz smoke: not built yet\n");
	return EXIT_USAGE;
}
