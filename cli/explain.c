/* SPDX-License-Identifier: MIT */
/* `mmfuzz explain FILE`: the orderings a violation depends on
 * (fuzz/explain.h). */
#include <stdlib.h>

#include "commands.h"
#include "fuzz/explain.h"

int cmd_explain(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL;
	int status;

	if (cli_load(o, o->args[0], &in, &storage) != 0)
		return 2;
	status = explain_print(&in, o->args[0], stdout);
	free(storage);
	return status;
}
