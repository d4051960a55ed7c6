/* SPDX-License-Identifier: MIT */
#include "commands.h"

int cmd_corpus(const struct cli_options *o)
{
	(void)o;
	fprintf(stderr, "mmfuzz corpus: not built yet\n");
	return EXIT_USAGE;
}
