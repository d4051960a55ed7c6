/* SPDX-License-Identifier: MIT */
#include "sanitizer.h"

#include <stdio.h>

static unsigned long reports;

#ifdef MMFUZZ_TSAN
/* The sanitizers call this weak hook with the SUMMARY line of every report
 * they print; defining it lets the command say which run was reported. */
void __sanitizer_report_error_summary(const char *summary); // NOLINT(bugprone-reserved-identifier)
void __sanitizer_report_error_summary(const char *summary)  // NOLINT(bugprone-reserved-identifier)
{
	reports++;
	fprintf(stderr, "%s\n", summary);
}
#endif

unsigned long sanitizer_reports(void)
{
	return reports;
}
