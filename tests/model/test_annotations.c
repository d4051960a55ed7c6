/* SPDX-License-Identifier: MIT */
/* Being written (issue 16). */
#include <stdio.h>

int main(void)
{
	fprintf(stderr, "not written yet\n");
	return 1;
}
