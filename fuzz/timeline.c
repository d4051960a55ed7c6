/* SPDX-License-Identifier: MIT */
#include "timeline.h"

#include <stdio.h>

bool timeline_write_html(const struct input *in, const char *path, char *err, size_t errlen)
{
	(void)in;
	snprintf(err, errlen, "%s: timeline not yet", path);
	return false;
}
