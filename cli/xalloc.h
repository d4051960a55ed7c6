/* SPDX-License-Identifier: MIT */
/* Allocation for the campaign's bookkeeping. Out of memory is the one
 * error a campaign does not survive: it says so and exits 2 rather than
 * drop a finding. */
#ifndef MMFUZZ_FUZZ_XALLOC_H
#define MMFUZZ_FUZZ_XALLOC_H

void *check_alloc(void *p);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
