/* SPDX-License-Identifier: MIT */
/* explain: each critical pair, reversed, makes the violation go away (TO BE WRITTEN). */
#include <stdio.h>

int main(void)
{
	printf("0 passed, 1 failed\n");
	return 1;
}
