/* SPDX-License-Identifier: MIT */
/* What each oracle means: the kernel invariant it stands for and where in
 * a trace to look. */
#ifndef MMFUZZ_FUZZ_ORACLE_DOCS_H
#define MMFUZZ_FUZZ_ORACLE_DOCS_H

#include <stdio.h>

/* "== what ORACLE means" and its text; nothing for NULL. */
void explain_oracle(const char *oracle, FILE *out);

#endif
