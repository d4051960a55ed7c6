/* SPDX-License-Identifier: MIT */
/* `mmfuzz prove`: bounded exhaustive exploration (being built). */
#include <stdio.h>

#include "commands.h"

int cmd_prove(const struct cli_options *o)
{
	(void)o;
	fprintf(stderr, "mmfuzz prove: not built yet\n");
	return EXIT_USAGE;
}
