/* SPDX-License-Identifier: MIT */
/* What each oracle means: the kernel invariant it stands for and where in
 * a trace to look. */
#ifndef MMFUZZ_FUZZ_ORACLE_DOCS_H
#define MMFUZZ_FUZZ_ORACLE_DOCS_H

#include <stdio.h>

/* The text for an oracle id ("fork-isolation"), or NULL if it has none. */
const char *oracle_doc(const char *oracle);
/* The i-th documented id, from 0; NULL past the last. */
const char *oracle_doc_id(int i);

/* "== what ORACLE means" and its text; nothing for NULL. */
void explain_oracle(const char *oracle, FILE *out);

#endif
