/* SPDX-License-Identifier: MIT */
/* `mmfuzz compile` and `mmfuzz print`: between the text format and the
 * binary one (fuzz/input.h). */
#include <stdlib.h>

#include "commands.h"
#include "fuzz/input.h"

int cmd_compile(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL;
	char err[512];
	bool ok;

	if (cli_load(o, o->args[0], &in, &storage) != 0)
		return 2;
	ok = input_save_file(&in, o->args[1], err, sizeof(err));
	free(storage);
	if (!ok) {
		fprintf(stderr, "mmfuzz: %s\n", err);
		return 2;
	}
	return 0;
}

int cmd_print(const struct cli_options *o)
{
	struct input in;
	uint8_t *storage = NULL;

	if (cli_load(o, o->args[0], &in, &storage) != 0)
		return 2;
	input_print_text(&in, stdout);
	free(storage);
	return 0;
}
