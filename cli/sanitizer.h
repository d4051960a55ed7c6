/* SPDX-License-Identifier: MIT */
/*
 * Reports of the sanitizer the binary was built with, counted as they are
 * made. In the TSan build (mmfuzz-tsan) a data race ThreadSanitizer finds
 * in the model is a verdict of its own: `run` prints it on the file's
 * line instead of leaving "CLEAN" there, and exits 66 like TSan does.
 */
#ifndef MMFUZZ_CLI_SANITIZER_H
#define MMFUZZ_CLI_SANITIZER_H

/* The exit status of a run that ThreadSanitizer reported (TSan's own). */
#define EXIT_DATA_RACE 66

/* Sanitizer reports so far in this process; always 0 in a build without
 * one. */
unsigned long sanitizer_reports(void);

#endif
